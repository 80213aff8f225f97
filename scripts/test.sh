#!/usr/bin/env bash
# arrax: second command of the README. Runs every test suite and exits non-zero if any fails.
#
#   bash scripts/test.sh                 # rebuild+reinstall (incremental), C++ tests, Python tests
#   bash scripts/test.sh --no-install    # test what is installed now (ARRAX_SKIP_INSTALL=1 too)
#   bash scripts/test.sh --cpp           # only the C++ doctest suite (ctest)
#   bash scripts/test.sh --python -k sum # only pytest; extra arguments go to pytest
#
# The C++ suite is the CMake target arrax_cpp_tests (tests/cpp/*.cpp), built in build/cpp-tests
# and run by ctest. The Python suite is tests/python, run by pytest against the installed arrax.
# Assumes scripts/setup.sh has been run once (system packages, build tools, test dependencies).
# Environment: PYTHON (default python3), ARRAX_JOBS (compile jobs), ARRAX_SKIP_INSTALL=1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PY="${PYTHON:-python3}"
JOBS="${ARRAX_JOBS:-$(nproc 2> /dev/null || echo 2)}"
RUN_CPP=1
RUN_PY=1
INSTALL=1
[[ "${ARRAX_SKIP_INSTALL:-0}" == 1 ]] && INSTALL=0
PYTEST_ARGS=()
while (($#)); do
  case "$1" in
    --cpp) RUN_PY=0 INSTALL=0 ;;
    --python) RUN_CPP=0 ;;
    --no-install) INSTALL=0 ;;
    -h | --help)
      sed -n '2,13p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) PYTEST_ARGS+=("$1") ;;
  esac
  shift
done

export CCACHE_BASEDIR="$ROOT"
# The wheel build (scikit-build-core) and the C++ test build must use the same compiler
# path, or ccache cannot share their objects (c++ and g++ hash differently).
if [[ -z "${CXX:-}" ]] && command -v g++ > /dev/null 2>&1; then export CXX=g++; fi
export CMAKE_BUILD_PARALLEL_LEVEL="$JOBS"
step() { printf '\n==> %s\n' "$*"; }
failed=()
T0=$SECONDS

# ---------------------------------------------------------------------------------------------
# Python package: rebuild + reinstall so the tests see the working tree (incremental, ccache).
# ---------------------------------------------------------------------------------------------
if ((RUN_PY && INSTALL)); then
  step "Rebuilding and reinstalling arrax (incremental; --no-install skips this)"
  T1=$SECONDS
  pip_flags=(--no-build-isolation --no-deps)
  [[ "${ARRAX_VERBOSE:-0}" == 1 ]] && pip_flags+=(-v)
  if ! "$PY" -m pip install -q "${pip_flags[@]}" .; then
    echo "test.sh: building arrax failed" >&2
    exit 1
  fi
  echo "    took $((SECONDS - T1)) s"
fi

# ---------------------------------------------------------------------------------------------
# C++ tests (doctest, via ctest).
# ---------------------------------------------------------------------------------------------
if ((RUN_CPP)); then
  shopt -s nullglob
  cpp_tests=(tests/cpp/*.cpp)
  shopt -u nullglob
  if ((${#cpp_tests[@]} == 0)); then
    step "C++ tests: none found in tests/cpp/ (skipped)"
  else
    step "C++ tests: ${#cpp_tests[@]} files -> build/cpp-tests (target arrax_cpp_tests, -j$JOBS)"
    T1=$SECONDS
    if cmake -S . -B build/cpp-tests -G Ninja -DCMAKE_BUILD_TYPE=Release -DARRAX_BUILD_TESTS=ON \
      && cmake --build build/cpp-tests --target arrax_cpp_tests -j "$JOBS"; then
      echo "    build took $((SECONDS - T1)) s"
      ctest --test-dir build/cpp-tests --output-on-failure --no-tests=error || failed+=("C++ tests")
    else
      failed+=("C++ build")
    fi
  fi
fi

# ---------------------------------------------------------------------------------------------
# Python tests (pytest). Exit code 5 means "no tests collected": a failure here.
# ---------------------------------------------------------------------------------------------
if ((RUN_PY)); then
  step "Python tests: pytest tests/python"
  if ! (cd /tmp && "$PY" -c 'import arrax.numpy') > /dev/null 2>&1; then
    echo "test.sh: 'import arrax.numpy' fails; run 'bash scripts/setup.sh' first:" >&2
    (cd /tmp && "$PY" -c 'import arrax.numpy') || true
    failed+=("import arrax")
  else
    rc=0
    "$PY" -m pytest tests/python -q -p no:cacheprovider "${PYTEST_ARGS[@]}" || rc=$?
    if ((rc == 5)); then
      echo "test.sh: pytest collected no tests" >&2
      failed+=("Python tests (none collected)")
    elif ((rc != 0)); then
      failed+=("Python tests")
    fi
  fi
fi

# ---------------------------------------------------------------------------------------------
# The CUDA backend without a GPU: its GPU tests, and the suite's ufunc, reduction, indexing and
# jit files with the GPU as the default device, on the CUDA emulator (cpp/backend/cuda/
# emulator.h: the real backend, with device memory, NVRTC, launches and cuBLAS emulated).
# Only in full runs (no pytest arguments), when the backend is built and no GPU is present.
# ---------------------------------------------------------------------------------------------
if ((RUN_PY)) && ((${#PYTEST_ARGS[@]} == 0)) && [[ "${ARRAX_NO_EMULATOR:-0}" != 1 ]] \
  && (cd /tmp && "$PY" -c 'import arrax, sys; sys.exit(not arrax.cuda.is_built() or arrax.cuda.is_available())') 2> /dev/null; then
  step "CUDA backend on the emulator (ARRAX_CUDA_EMULATOR=1; ARRAX_NO_EMULATOR=1 skips this)"
  T1=$SECONDS
  emu=(env ARRAX_CUDA_EMULATOR=1 "$PY" -m pytest -q -p no:cacheprovider)
  "${emu[@]}" tests/python/test_cuda.py tests/python/test_cuda_graphs.py tests/python/test_cuda_complex.py || failed+=("CUDA tests on the emulator")
  "${emu[@]}" --device=cuda tests/python/test_ufuncs_edge.py tests/python/test_reductions.py \
    tests/python/test_array_object.py tests/python/test_at_updates.py tests/python/test_jit.py \
    tests/python/test_devices.py tests/python/test_random.py tests/python/test_scipy_linalg.py \
    || failed+=("suite on the emulated GPU")
  echo "    took $((SECONDS - T1)) s"
fi

echo
if ((${#failed[@]})); then
  echo "test.sh: FAILED: ${failed[*]} ($((SECONDS - T0)) s)"
  exit 1
fi
echo "test.sh: all tests passed ($((SECONDS - T0)) s)"
