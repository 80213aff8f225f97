#!/usr/bin/env bash
# The GPU check of issue #6, for a machine with one NVIDIA GPU, nvcc/CMake/ninja, pybind11,
# scikit-build-core, NumPy, JAX, CuPy and PyTorch, and no network: builds arrax with its CUDA
# backend, runs the GPU tests (tests/python/test_cuda.py, a part of the suite with the GPU as
# the default device, compute-sanitizer on a subset) and the GPU benchmarks, and prints a short
# table last. Eigen and xtensor come from third_party/include when the system lacks them
# (`bash benchmarks/gpu/run_on_device.sh --vendor` copies them there from this machine).
# Run from the repository root. Logs go to $OUT (or /tmp/arrax_gpu).
set -u
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--vendor" ]; then
  mkdir -p third_party/include
  cp -r /usr/include/eigen3 third_party/include/
  for d in xtensor xtl; do [ -d /usr/include/$d ] && cp -r /usr/include/$d third_party/include/; done
  du -sh third_party/include
  exit 0
fi
PY=${PYTHON:-python3}
OUT=${OUT:-/tmp/arrax_gpu}
# The whole run fits in BUDGET seconds: each step's timeout is its own limit or what is left
# (less a reserve for the table), so a slow step shortens the later ones instead of losing them.
BUDGET=${BUDGET:-480}
T0=$(date +%s)
limit() {  # limit WANTED -> min(WANTED, seconds left - 15), at least 5
  local left=$((BUDGET - ($(date +%s) - T0) - 15))
  [ "$left" -lt 5 ] && left=5
  [ "$1" -lt "$left" ] && echo "$1" || echo "$left"
}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 ARRAX_CACHE_DIR=/tmp/arrax_kernel_cache XLA_PYTHON_CLIENT_PREALLOCATE=false
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
nvcc --version | tail -1
step() { echo; echo "== $1 ($(date +%T))"; }

step build
start=$(date +%s)
echo "compiler: $(c++ --version | head -1); LDFLAGS='${LDFLAGS:-}' CXXFLAGS='${CXXFLAGS:-}'"
env | grep -i "^cmake\|^cxx=\|^cc=" || true
timeout $(limit 300) env -u LDFLAGS -u CXXFLAGS -u CFLAGS -u CPPFLAGS $PY -m pip install --no-build-isolation --no-deps -q -C build-dir=/tmp/arrax_build \
  -C cmake.define.ARRAX_CUDA=ON -C cmake.define.ARRAX_BUILD_TESTS=OFF \
  -C cmake.define.CMAKE_CXX_FLAGS=-g1 . >"$OUT/build.log" 2>&1
rc=$?
tail -5 "$OUT/build.log"
echo "build rc=$rc in $(( $(date +%s) - start )) s"
[ $rc -eq 0 ] || { grep -m 20 -B2 -A8 "error" "$OUT/build.log"; exit 1; }
cd /tmp  # import the installed package
REPO=$OLDPWD
$PY -c "import arrax; print(arrax.devices(), arrax.cuda.is_available())"
SO=$($PY -c "import arrax._core as c; print(c.__file__)")
echo "libstdc++ functions defined in _core: $(nm -DC "$SO" | grep -c ' [TW] std::')"; ldd "$SO" | grep -i "stdc\|cuda"

step "first kernels (a crash shows its native backtrace)"
cat > /tmp/arrax_smoke.py <<'PY'
import numpy as np
import arrax
import arrax.numpy as anp
x = arrax.device_put(np.arange(4.0), "cuda")
print(x + 1, anp.sum(x), x @ x, anp.arange(3, device="cuda"))
PY
timeout $(limit 60) cuda-gdb -q -batch -ex run -ex bt --args $PY /tmp/arrax_smoke.py 2>&1 \
  | grep -v "^\[New Thread\|^\[Thread\|^\[Detaching" | tail -30 | tee "$OUT/gdb.log"

step "GPU tests (8 processes)"
timeout $(limit ${TEST_TIMEOUT:-100}) $PY -m pytest -q -p no:cacheprovider -n 8 "$REPO/tests/python/test_cuda.py" "$REPO/tests/python/test_cuda_graphs.py" "$REPO/tests/python/test_cuda_complex.py" \
  --timeout=60 -W ignore 2>&1 | tee "$OUT/test_cuda.log" | grep -v "^\[gw" | tail -40

if [ "${QUICK:-0}" = 1 ]; then exit 0; fi  # QUICK=1: build, first kernels and GPU tests only

step benchmarks
# WORKLOADS="..." runs only those (a shorter check).
for w in ${WORKLOADS:-copy_bandwidth elementwise_chain sum_64m matmul_4096 small_op_dispatch mlp_step mlp_small mlp_profile thin_products ew_sweep}; do
  OUT=$OUT timeout $(limit 40) $PY "$REPO/benchmarks/gpu/bench_gpu.py" --only $w 2>&1 | grep -v "^device:" \
    | tail -90
done 2>&1 | tee "$OUT/bench.log"

step "compute-sanitizer (memcheck) on a part of the GPU tests"
timeout $(limit 40) compute-sanitizer --tool memcheck --print-limit 5 $PY -m pytest -q -p no:cacheprovider \
  "$REPO/tests/python/test_cuda.py" "$REPO/tests/python/test_cuda_graphs.py" "$REPO/tests/python/test_cuda_complex.py" \
  -k "matmul_shapes or large_sums or transfers or fused or take or sort or graph or replay or thin or column" \
  2>&1 | tee "$OUT/sanitizer.log" | tail -6

if [ "${SKIP_SUITE:-0}" != 1 ]; then  # SKIP_SUITE=1: everything but the whole suite
step "the suite on the GPU (pytest --device=cuda, 16 processes; stopped by SIGINT at the budget)"
timeout -s INT -k 15 $(limit 200) $PY -m pytest -q -p no:cacheprovider -n 16 --device=cuda \
  "$REPO/tests/python" --timeout=60 -W ignore 2>&1 | tee "$OUT/suite_gpu.log" | grep -v "^\[gw" | tail -40
fi

step "table ($(( $(date +%s) - T0 )) s so far)"
OUT=$OUT $PY "$REPO/benchmarks/gpu/bench_gpu.py" --table
