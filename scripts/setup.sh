#!/usr/bin/env bash
# arrax: first command of the README.
#
#   bash scripts/setup.sh            # system deps (if missing), build + install arrax, run the main job
#   bash scripts/setup.sh --no-demo  # everything but the demo (used by .ci/run)
#
# What it does:
#   1. installs the system packages the C++ engine needs (Eigen, xtensor, doctest, ccache, g++)
#      with apt-get, only when their headers/programs are missing;
#   2. installs the Python build tools (scikit-build-core, pybind11, and cmake/ninja if missing);
#   3. builds and installs arrax with `pip install --no-build-isolation ".[dev]"`: a normal
#      (non-editable) install, built in build/<wheel_tag> and compiled through ccache, so a
#      re-run only recompiles what changed (seconds when nothing did);
#   4. runs the main job: `python -m arrax.examples.digits` (an MLP and a CNN trained on the
#      handwritten-digits data set with jit(grad) and Adam; ends with `test accuracy: 0.9xx` and
#      writes a plot of the curves), after `python -m arrax.demo --no-timing` (a short tour of
#      arrax.numpy checked against NumPy
#      against NumPy).
#
# Environment: PYTHON (interpreter, default python3), ARRAX_VERBOSE=1 (show the CMake build),
# ARRAX_JOBS (parallel compile jobs, default: number of cores).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PY="${PYTHON:-python3}"
RUN_DEMO=1
INSTALL_SYSTEM=1
for arg in "$@"; do
  case "$arg" in
    --no-demo) RUN_DEMO=0 ;;
    --no-system) INSTALL_SYSTEM=0 ;;
    -h | --help)
      sed -n '2,20p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      echo "setup.sh: unknown option '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
T0=$SECONDS

# ---------------------------------------------------------------------------------------------
# 1. System packages (Debian/Ubuntu). Only touched when something is missing.
# ---------------------------------------------------------------------------------------------
missing_pkgs=()
[[ -f /usr/include/eigen3/Eigen/Core ]] || missing_pkgs+=(libeigen3-dev)
[[ -f /usr/include/xtensor/xarray.hpp ]] || missing_pkgs+=(libxtensor-dev)
[[ -f /usr/include/doctest/doctest.h ]] || missing_pkgs+=(doctest-dev)
command -v ccache > /dev/null 2>&1 || missing_pkgs+=(ccache)
command -v g++ > /dev/null 2>&1 || missing_pkgs+=(g++)

if ((${#missing_pkgs[@]})); then
  if ((INSTALL_SYSTEM == 0)); then
    echo "setup.sh: missing system packages: ${missing_pkgs[*]} (--no-system given)" >&2
    exit 1
  fi
  step "Installing system packages: ${missing_pkgs[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo > /dev/null 2>&1; then
      SUDO=(sudo)
    else
      echo "setup.sh: need root (or sudo) to run: apt-get install -y ${missing_pkgs[*]}" >&2
      exit 1
    fi
  fi
  if ! command -v apt-get > /dev/null 2>&1; then
    echo "setup.sh: no apt-get here; please install the equivalents of: ${missing_pkgs[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing_pkgs[@]}"
else
  step "System packages: Eigen, xtensor, doctest, ccache, g++ already present"
fi

# ---------------------------------------------------------------------------------------------
# 2. Python build tools. The build runs without isolation so that build/<wheel_tag> (CMake cache,
#    Ninja state) stays valid between runs and rebuilds are incremental.
# ---------------------------------------------------------------------------------------------
step "Python build tools ($("$PY" --version 2>&1))"
build_tools=("scikit-build-core>=0.10" "pybind11>=2.12,<4")
cmake_ok=0
if command -v cmake > /dev/null 2>&1; then
  cmake_ver="$(cmake --version | head -n1 | awk '{print $3}')"
  # sort -V -C succeeds when "3.18 <= installed version".
  if printf '%s\n' 3.18 "$cmake_ver" | sort -V -C; then cmake_ok=1; fi
fi
((cmake_ok)) || build_tools+=("cmake>=3.18")
command -v ninja > /dev/null 2>&1 || build_tools+=(ninja)
"$PY" -m pip install -q "${build_tools[@]}"

# ---------------------------------------------------------------------------------------------
# 3. Build + install arrax (with the dev/test extras: pytest, hypothesis, ruff, tqdm; numpy and
#    ml_dtypes come as dependencies; threadpoolctl lets the benchmarks report the BLAS in use).
# ---------------------------------------------------------------------------------------------
export CCACHE_BASEDIR="$ROOT"                 # cache hits across clones in different folders
# The wheel build (scikit-build-core) and the C++ test build must use the same compiler
# path, or ccache cannot share their objects (c++ and g++ hash differently).
if [[ -z "${CXX:-}" ]] && command -v g++ > /dev/null 2>&1; then export CXX=g++; fi
export CMAKE_BUILD_PARALLEL_LEVEL="${ARRAX_JOBS:-$(nproc 2> /dev/null || echo 2)}"
pip_flags=(--no-build-isolation)
if [[ "${ARRAX_VERBOSE:-0}" == 1 || "${CI:-}" == true ]]; then
  pip_flags+=(-v)
fi
step "Building and installing arrax (build dir: build/<wheel_tag>, ccache: $(command -v ccache || echo none))"
T1=$SECONDS
"$PY" -m pip install "${pip_flags[@]}" ".[dev]" threadpoolctl
echo "    build + install took $((SECONDS - T1)) s"

step "Checking the installed package"
(cd /tmp && "$PY" -c 'import arrax, arrax.numpy as anp; print("arrax", getattr(arrax, "__version__", "?"), "from", arrax.__file__)')

# ---------------------------------------------------------------------------------------------
# 4. Main job.
# ---------------------------------------------------------------------------------------------
if ((RUN_DEMO)); then
  step "Tour: python -m arrax.demo --no-timing"
  "$PY" -m arrax.demo --no-timing
  step "Main job: python -m arrax.examples.digits"
  "$PY" -m arrax.examples.digits
fi

step "setup.sh done in $((SECONDS - T0)) s. Next: bash scripts/test.sh"
