// Thin float32/float64 products on the GPU: C = A B where N (the columns of C) or K (the
// contraction) is at most kThin and the rest is large, as in an MLP's last layer (1024 x 2048
// by 2048 x 10, its gradient's 2048 x 1024 by 1024 x 10 and 1024 x 10 by 10 x 2048). Such a
// product is bound by memory (reading A once, or writing C once), where cuBLAS's tiled
// kernels spent 6-10 us on an H100 (split-K for the first two) against XLA's 4 us.
//  - N small, A row-major: a warp per row of C, its lanes over k, a shuffle reduction of the
//    N sums at the end.
//  - N small, A stored transposed (K x M): 32 rows per block, a lane per row (each k's loads
//    coalesced), its 8 warps over slices of k, the partial sums added through shared memory.
//  - K small: a thread per item of C (writes coalesced), the K products unrolled.
// Sums are accumulated in the data type, at full float32 precision whatever the matmul
// precision setting (as exact as the "float32" setting asks, and never less than TF32).
// A problem's first direct call times the thin kernel against cuBLAS on the call's own operands
// and keeps the faster, as gemm_lt.cpp does for cuBLASLt's algorithms; a problem first met
// while a CUDA graph is recorded runs cuBLAS and is timed at its next direct call. The tunable
// "thin_gemm" selects: 1 never, 2 always (where the shape allows), 3 (default) timed.
#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <tuple>

#include "backend/cuda/codegen.h"
#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "device.h"
#include "errors.h"

namespace arrax::cuda {
namespace {

constexpr int64_t kThin = 16;          // the largest small dimension
constexpr int64_t kMinWork = 1 << 16;  // below this the product is too small to matter
constexpr float kTimeBudgetMs = 1.0f;  // timed work per contender

std::atomic<int64_t> g_thin_calls{0}, g_thin_timed{0};

// A (B, M, K) contiguous, or (B, K, M) when transposed (`at`); B (B, K, N) with row and column
// strides b_row, b_col (N x K storage when transposed); C (B, M, N) contiguous.
std::string thin_n_source(DType dt, int64_t n, bool at) {
  const std::string T = compute_type(dt);
  Source s;
  s << "#define NN " << n << "\n"
    << "struct AxArgs { long long w[8]; };\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_thin_n(const AxArgs a) {\n"
    << "  const " << T << "* __restrict__ A = (const " << T << "*)a.w[0];\n"
    << "  const " << T << "* __restrict__ Bm = (const " << T << "*)a.w[1];\n"
    << "  " << T << "* __restrict__ C = (" << T << "*)a.w[2];\n"
    << "  const long long M = a.w[3], K = a.w[4], batch = a.w[5], br = a.w[6], bc = a.w[7];\n"
    << "  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;\n"
    << "  " << T << " acc[NN];\n";
  if (!at) {
    s << "  for (long long row = (long long)blockIdx.x * 8 + warp; row < batch * M;"
         " row += (long long)gridDim.x * 8) {\n"
      << "    const " << T << "* ar = A + row * K;\n"
      << "    const " << T << "* bb = Bm + row / M * K * NN;\n"
      << "#pragma unroll\n    for (int j = 0; j < NN; ++j) acc[j] = 0;\n"
      << "    for (long long k = lane; k < K; k += 32) {\n"
      << "      const " << T << " av = ar[k];\n"
      << "#pragma unroll\n      for (int j = 0; j < NN; ++j) acc[j] += av * bb[k * br + j * bc];\n"
      << "    }\n"
      << "#pragma unroll\n    for (int j = 0; j < NN; ++j)\n"
      << "      for (int d = 16; d > 0; d >>= 1) acc[j] += __shfl_down_sync(0xffffffffu, acc[j], "
         "d);\n"
      << "    if (lane == 0)\n"
      << "#pragma unroll\n      for (int j = 0; j < NN; ++j) C[row * NN + j] = acc[j];\n"
      << "  }\n}\n";
  } else {
    s << "  __shared__ " << T << " part[8][NN][33];\n"
      << "  const long long tiles = (M + 31) / 32;\n"
      << "  for (long long tile = blockIdx.x; tile < batch * tiles; tile += gridDim.x) {\n"
      << "    const long long b = tile / tiles, i = tile % tiles * 32 + lane;\n"
      << "    const " << T << "* ab = A + b * K * M;\n"
      << "    const " << T << "* bb = Bm + b * K * NN;\n"
      << "#pragma unroll\n    for (int j = 0; j < NN; ++j) acc[j] = 0;\n"
      << "    if (i < M)\n"
      << "      for (long long k = warp; k < K; k += 8) {\n"
      << "        const " << T << " av = ab[k * M + i];\n"
      << "#pragma unroll\n        for (int j = 0; j < NN; ++j) acc[j] += av * bb[k * br + j * "
         "bc];\n"
      << "      }\n"
      << "#pragma unroll\n    for (int j = 0; j < NN; ++j) part[warp][j][lane] = acc[j];\n"
      << "    __syncthreads();\n"
      << "    if (warp == 0 && i < M)\n"
      << "#pragma unroll\n      for (int j = 0; j < NN; ++j) {\n"
      << "        " << T << " sum = part[0][j][lane];\n"
      << "        for (int w = 1; w < 8; ++w) sum += part[w][j][lane];\n"
      << "        C[(b * M + i) * NN + j] = sum;\n"
      << "      }\n"
      << "    __syncthreads();\n"
      << "  }\n}\n";
  }
  return s.str();
}

// A (B, M, K) with row and column strides a_row, a_col; B (B, K, N) with b_row, b_col; C
// (B, M, N) contiguous; K a compile-time constant.
std::string thin_k_source(DType dt, int64_t k) {
  const std::string T = compute_type(dt);
  Source s;
  s << "#define KK " << k << "\n"
    << "struct AxArgs { long long w[10]; };\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_thin_k(const AxArgs a) {\n"
    << "  const " << T << "* __restrict__ A = (const " << T << "*)a.w[0];\n"
    << "  const " << T << "* __restrict__ Bm = (const " << T << "*)a.w[1];\n"
    << "  " << T << "* __restrict__ C = (" << T << "*)a.w[2];\n"
    << "  const long long M = a.w[3], N = a.w[4], batch = a.w[5];\n"
    << "  const long long ar = a.w[6], ac = a.w[7], br = a.w[8], bc = a.w[9];\n"
    << "  for (long long t = (long long)blockIdx.x * 256 + threadIdx.x; t < batch * M * N;"
       " t += (long long)gridDim.x * 256) {\n"
    << "    const long long j = t % N, i = t / N % M, b = t / (M * N);\n"
    << "    const " << T << "* ai = A + b * M * KK + i * ar;\n"
    << "    const " << T << "* bj = Bm + b * KK * N + j * bc;\n"
    << "    " << T << " sum = 0;\n"
    << "#pragma unroll\n    for (int k = 0; k < KK; ++k) sum += ai[k * ac] * bj[k * br];\n"
    << "    C[t] = sum;\n"
    << "  }\n}\n";
  return s.str();
}

// Launches the thin kernel for the problem (its kind: 'n' or 'k').
void launch_thin(char kind, const Array& a, bool at, const Array& b, bool bt, const Array& out,
                 int64_t B, int64_t M, int64_t N, int64_t K, int device) {
  const DType dt = out.dtype();
  const long long pa = reinterpret_cast<long long>(a.data()),
                  pb = reinterpret_cast<long long>(b.data()),
                  pc = reinterpret_cast<long long>(out.data());
  const int64_t b_row = bt ? 1 : N, b_col = bt ? K : 1;  // B's strides as K x N
  if (kind == 'n') {
    const std::string key =
        std::string(1, static_cast<char>(dt)) + (at ? "t" : "n") + std::to_string(N);
    KernelHandle k = kernel_for(key, "ax_thin_n", device, [&] { return thin_n_source(dt, N, at); });
    const int64_t blocks = at ? B * ((M + 31) / 32) : (B * M + 7) / 8;
    launch_kernel(k, device, static_cast<unsigned>(std::min<int64_t>(blocks, 1 << 20)), 256,
                  {pa, pb, pc, M, K, B, b_row, b_col});
  } else {
    const std::string key = std::string(1, static_cast<char>(dt)) + std::to_string(K);
    KernelHandle k = kernel_for(key, "ax_thin_k", device, [&] { return thin_k_source(dt, K); });
    launch_kernel(k, device, grid_for(B * M * N, 256, device), 256,
                  {pa, pb, pc, M, N, B, at ? 1 : K, at ? M : 1, b_row, b_col});
  }
}

using Problem = std::tuple<int, int, int64_t, int64_t, int64_t, int64_t, bool, bool, std::string>;
std::mutex g_mu;
std::map<Problem, bool> g_faster;  // problem -> whether the thin kernel won its timing

// Milliseconds per run of f, over enough runs to fill the budget.
float time_ms(const std::function<void()>& f, int device) {
  const float once = time_runs_ms(device, 1, f);
  const float ms =
      once < 0 ? -1
               : time_runs_ms(
                     device,
                     std::clamp(static_cast<int>(kTimeBudgetMs / std::max(once, 1e-3f)), 1, 20), f);
  if (ms < 0) throw ValueError("matmul: timing a thin product with CUDA events failed");
  return ms;
}

}  // namespace

bool thin_gemm(const Array& a, bool at, const Array& b, bool bt, const Array& out, int64_t B,
               int64_t M, int64_t N, int64_t K, int device, const std::function<void()>& vendor) {
  const DType dt = out.dtype();
  const int mode = tunable(Tunable::ThinGemm);
  if (mode == 1 || (dt != DType::Float32 && dt != DType::Float64)) return false;
  const char kind = N <= kThin && M * K >= kMinWork   ? 'n'
                    : K <= kThin && M * N >= kMinWork ? 'k'
                                                      : 0;
  if (!kind) return false;
  auto thin = [&] { launch_thin(kind, a, at, b, bt, out, B, M, N, K, device); };
  if (mode == 2) {
    thin();
    g_thin_calls += 1;
    return true;
  }
  const Problem key{device, static_cast<int>(dt), B, M, N, K, at, bt, matmul_precision()};
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_faster.find(key);
    if (it != g_faster.end()) {
      if (!it->second) return false;
      thin();
      g_thin_calls += 1;
      return true;
    }
  }
  if (capturing()) return false;  // (timing waits for the GPU: the next direct call times it)
  thin();                         // (compiles it, and the first runs load both contenders' code)
  vendor();
  const float thin_ms = time_ms(thin, device), vendor_ms = time_ms(vendor, device);
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_faster[key] = thin_ms < vendor_ms;
  }
  g_thin_timed += 1;
  return true;  // (out holds the product: both contenders wrote it)
}

int64_t thin_gemm_calls() {
  return g_thin_calls;
}
int64_t thin_gemm_timed() {
  return g_thin_timed;
}

std::vector<std::string> thin_gemm_sources() {
  return {thin_n_source(DType::Float32, 10, false), thin_n_source(DType::Float32, 10, true),
          thin_n_source(DType::Float64, 16, false), thin_n_source(DType::Float64, 1, true),
          thin_k_source(DType::Float32, 10),        thin_k_source(DType::Float64, 3)};
}

}  // namespace arrax::cuda
