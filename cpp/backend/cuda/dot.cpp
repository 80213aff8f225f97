// dot_general on the GPU through cuBLAS (found at run time): operands become batched row-major
// matrices (views where their strides allow, else contiguous copies) and one strided-batched
// GEMM computes C^T = B^T A^T in cuBLAS's column-major terms. float32 is exact by default;
// set_matmul_precision("tf32" / "bf16") opts into the tensor-core modes (tf32 for complex64
// too). Integer and bool products run as a generated tiled kernel (cuBLAS has none).
#include <mutex>

#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "device.h"
#include "errors.h"
#include "primitive.h"
#include "primitives/dot_dims.h"

namespace arrax::cuda {
namespace {

std::mutex g_precision_mu;
std::string g_precision = "float32";

struct Cublas {
  int (*create)(void**);
  int (*set_stream)(void*, cudaStream_t);
  int (*gemm)(void*, int, int, int, int, int, const void*, const void*, int, int, long long,
              const void*, int, int, long long, const void*, void*, int, int, long long, int, int,
              int);
};
const Cublas& cublas() {
  static Cublas c = [] {
    Cublas r;
    auto sym = [](const char* s) { return library_symbol("cublas", s); };
    r.create = reinterpret_cast<decltype(r.create)>(sym("cublasCreate_v2"));
    r.set_stream = reinterpret_cast<decltype(r.set_stream)>(sym("cublasSetStream_v2"));
    r.gemm = reinterpret_cast<decltype(r.gemm)>(sym("cublasGemmStridedBatchedEx"));
    return r;
  }();
  return c;
}

void create_handle(void** h) {
  if (int rc = cublas().create(h))
    throw ValueError("dot_general: cublasCreate failed (status " + std::to_string(rc) + ")");
}

// A cuBLAS handle holds its stream: each device has one on its stream, and a thread recording
// a CUDA graph uses its own (capture_handle), on its capture stream (runtime.h), so that
// neither thread's work lands on the other's stream.
void* handle(int device) {
  const cudaStream_t s = stream(device);
  if (capturing()) {
    thread_local cudaStream_t on[16] = {};
    void* h = cublas_capture_handle(device);
    if (on[device] != s) cublas().set_stream(h, s), on[device] = s;
    return h;
  }
  static std::mutex mu;
  static void* handles[16] = {};
  std::lock_guard<std::mutex> lock(mu);
  if (!handles[device]) {
    create_handle(&handles[device]);
    cublas().set_stream(handles[device], s);
  }
  return handles[device];
}

// Column-major C = alpha op(A) op(B) + beta C (cuBLAS's terms, one cudaDataType for all):
// through cuBLASLt with a timed algorithm (gemm_lt.cpp), else cublasGemmStridedBatchedEx.
int gemm(int device, int ta, int tb, int m, int n, int k, const void* alpha, const void* a,
         int type, int lda, long long sa, const void* b, int ldb, long long sb, const void* beta,
         void* c, int ldc, long long sc, int batch, int compute) {
  if (gemm_lt(device, ta, tb, m, n, k, alpha, a, type, lda, sa, b, ldb, sb, beta, c, c, ldc, sc,
              batch, compute))
    return 0;
  return cublas().gemm(handle(device), ta, tb, m, n, k, alpha, a, type, lda, sa, b, type, ldb, sb,
                       beta, c, type, ldc, sc, batch, compute, -1);
}

// x's dims in the order `order`, as a batch of (rows x cols) row-major matrices: returns the
// array (a view or a contiguous copy) and whether it is transposed (column-major) instead.
Array as_matrices(const Array& x, const std::vector<int64_t>& batch,
                  const std::vector<int64_t>& rows, const std::vector<int64_t>& cols,
                  bool& transposed) {
  auto permuted = [&](const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                      const std::vector<int64_t>& c) {
    Shape s;
    Strides t;
    for (auto* v : {&a, &b, &c})
      for (int64_t d : *v) {
        s.push_back(x.shape()[d]);
        t.push_back(x.strides()[d]);
      }
    return x.view(s, t, x.offset());
  };
  Array v = permuted(batch, rows, cols);
  if (v.is_c_contiguous()) {
    transposed = false;
    return v;
  }
  Array w = permuted(batch, cols, rows);
  if (w.is_c_contiguous()) {
    transposed = true;
    return w;
  }
  transposed = false;
  return v.contiguous(true);
}

// Integer and bool products (cuBLAS has none): C[b] = A[b] B[b] by 16 x 16 tiles staged in
// shared memory, one tile of C per block of 256 threads, in an unsigned accumulator of at
// least 32 bits (wrapping arithmetic: the result modulo 2^bits is NumPy's, whatever the width
// summed in), or for bool the OR of ANDs. A and B are read through (batch, row, column)
// element strides, so transposed operands need no copy.
std::string int_gemm_source(DType dt) {
  const std::string t = compute_type(dt);
  const bool boolean = dt == DType::Bool;
  const std::string acc = boolean             ? "unsigned int"
                          : itemsize(dt) == 8 ? "unsigned long long"
                                              : "unsigned int";
  Source s;
  s << "struct AxArgs { long long w[12]; };\n"
    << "extern \"C\" __global__ void __launch_bounds__(256) ax_int_gemm(const AxArgs a) {\n"
    << "  const " << t << "* __restrict__ A = (const " << t << "*)a.w[0];\n"
    << "  const " << t << "* __restrict__ B = (const " << t << "*)a.w[1];\n"
    << "  " << t << "* __restrict__ C = (" << t << "*)a.w[2];\n"
    << "  const long long M = a.w[3], N = a.w[4], K = a.w[5], batch = a.w[6];\n"
    << "  const long long a_row = a.w[7], a_col = a.w[8], b_row = a.w[9], b_col = a.w[10];\n"
    << "  const long long tiles_m = (M + 15) / 16, tiles_n = (N + 15) / 16;\n"
    << "  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;\n"
    << "  __shared__ " << acc << " ta[16][17], tb[16][17];\n"
    << "  for (long long tile = blockIdx.x; tile < batch * tiles_m * tiles_n; tile += gridDim.x) "
       "{\n"
    << "    const long long b = tile / (tiles_m * tiles_n), r = tile % (tiles_m * tiles_n);\n"
    << "    const long long row = r / tiles_n * 16 + ty, col = r % tiles_n * 16 + tx;\n"
    << "    const " << t << "* Ab = A + b * a.w[11];\n"
    << "    const " << t << "* Bb = B + b * K * N;\n"
    << "    " << acc << " sum = 0;\n"
    << "    for (long long k0 = 0; k0 < K; k0 += 16) {\n"
    << "      ta[ty][tx] = row < M && k0 + tx < K ? (" << acc
    << ")Ab[row * a_row + (k0 + tx) * a_col] : 0;\n"
    << "      tb[ty][tx] = k0 + ty < K && col < N ? (" << acc
    << ")Bb[(k0 + ty) * b_row + col * b_col] : 0;\n"
    << "      __syncthreads();\n"
    << "      for (int k = 0; k < 16; ++k) sum "
    << (boolean ? "|= ta[ty][k] & tb[k][tx]" : "+= ta[ty][k] * tb[k][tx]") << ";\n"
    << "      __syncthreads();\n"
    << "    }\n"
    << "    if (row < M && col < N) C[(b * M + row) * N + col] = (" << t << ")sum;\n"
    << "  }\n}\n";
  return s.str();
}

// Row-major out (B, M, N) = a b for the integer and bool dtypes, a (B, M, K) and b (B, K, N)
// as as_matrices gives them (contiguous, or transposed: `at`, `bt`).
void int_gemm(const Array& a, bool at, const Array& b, bool bt, Array& out, int64_t B, int64_t M,
              int64_t N, int64_t K, int device) {
  const DType dt = out.dtype();
  KernelHandle k = kernel_for(std::string(1, static_cast<char>(dt)), "ax_int_gemm", device,
                              [&] { return int_gemm_source(dt); });
  // Both operands' batch stride is their matrix size (as_matrices makes them contiguous).
  const int64_t tiles = B * ((M + 15) / 16) * ((N + 15) / 16);
  const unsigned grid = static_cast<unsigned>(std::min<int64_t>(tiles, int64_t{1} << 20));
  launch_kernel(k, device, grid, 256,
                {reinterpret_cast<long long>(a.data()), reinterpret_cast<long long>(b.data()),
                 reinterpret_cast<long long>(out.data()), M, N, K, B, at ? 1 : K, at ? M : 1,
                 bt ? 1 : N, bt ? K : 1, M * K});
}

std::vector<Array> dot_kernel(const Primitive* prim, const std::vector<Array>& in,
                              const Params& p) {
  const Array &lhs = in[0], &rhs = in[1];
  const Device dev = current_device();
  const DType dt = lhs.dtype();
  int data_type, compute;
  std::string precision = matmul_precision();
  switch (dt) {
    case DType::Float32:
      data_type = 0;
      compute = precision == "tf32" ? 77 : precision == "bf16" ? 75 : 68;
      break;
    case DType::Float64:
      data_type = 1;
      compute = 70;
      break;
    case DType::Float16:
      data_type = 2;
      compute = 68;
      break;
    case DType::BFloat16:
      data_type = 14;
      compute = 68;
      break;
    case DType::Complex64:  // CUDA_C_32F: complex float32 products, at the precision setting
      data_type = 4;
      compute = precision == "tf32" ? 77 : 68;
      break;
    case DType::Complex128:
      data_type = 5;
      compute = 70;
      break;
    default:
      if (!is_integer(dt) && !is_bool(dt)) return run_on_host(*prim, in, p, dev);
      data_type = compute = -1;  // (int_gemm below)
  }
  const AbstractValue oa = prim->abstract_eval(avals_of(in), p)[0];
  const dot::DotDims d = dot::dot_dims(lhs.shape(), rhs.shape(), p);
  const auto &lb = d.lb, &rb = d.rb, &lc = d.lc, &rc = d.rc, &lf = d.lf, &rf = d.rf;
  const int64_t B = dot::prod_of(lhs.shape(), lb), M = dot::prod_of(lhs.shape(), lf),
                K = dot::prod_of(lhs.shape(), lc), N = dot::prod_of(rhs.shape(), rf);
  Array out = Array::empty(oa.shape, dt, dev);
  if (out.size() == 0) return {out};
  if (K == 0) {
    memset_zero(out.data(), out.nbytes(), dev.index);
    return {out};
  }
  bool at = false, bt = false;
  Array a = as_matrices(lhs, lb, lf, lc, at);  // (B, M, K), or (B, K, M) when at
  Array b = as_matrices(rhs, rb, rc, rf, bt);  // (B, K, N), or (B, N, K) when bt
  if (data_type < 0) {
    int_gemm(a, at, b, bt, out, B, M, N, K, dev.index);
    return {out};
  }
  // Row-major C = A B is column-major C^T = B^T A^T: cuBLAS's "A" is our b, its "B" our a.
  // (1, 0) and (0, 0): read as real scalars, or as complex ones for complex data.
  const float one_f[2] = {1, 0}, zero_f[2] = {0, 0};
  const double one_d[2] = {1, 0}, zero_d[2] = {0, 0};
  const bool dbl = compute == 70;
  const void* alpha = dbl ? static_cast<const void*>(one_d) : one_f;
  const void* beta = dbl ? static_cast<const void*>(zero_d) : zero_f;
  const int ldb = static_cast<int>(bt ? K : N);  // leading dimension of b in column-major terms
  const int lda = static_cast<int>(at ? M : K);
  auto vendor = [&] {
    const int rc =
        gemm(dev.index, bt ? 1 : 0, at ? 1 : 0, static_cast<int>(N), static_cast<int>(M),
             static_cast<int>(K), alpha, b.data(), data_type, std::max(ldb, 1), K * N, a.data(),
             std::max(lda, 1), M * K, beta, out.data(), static_cast<int>(std::max<int64_t>(N, 1)),
             M * N, static_cast<int>(B), compute);
    if (rc != 0)
      throw ValueError("dot_general: cublasGemmStridedBatchedEx failed (status " +
                       std::to_string(rc) + ") for lhs " + shape_str(lhs.shape()) + ", rhs " +
                       shape_str(rhs.shape()));
  };
  if (!thin_gemm(a, at, b, bt, out, B, M, N, K, dev.index, vendor)) vendor();
  return {out};
}

}  // namespace

void* cublas_handle(int device) {
  return handle(device);
}

void* cublas_capture_handle(int device) {
  thread_local void* mine[16] = {};
  if (!mine[device]) create_handle(&mine[device]);
  return mine[device];
}

std::vector<std::string> dot_sources() {
  std::vector<std::string> r;
  for (DType dt : {DType::Bool, DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8,
                   DType::UInt16, DType::UInt32, DType::UInt64})
    r.push_back(int_gemm_source(dt));
  return r;
}

void gemm_rows(int device, DType dt, bool ta, bool tb, int64_t M, int64_t N, int64_t K,
               const void* A, int64_t lda, int64_t sa, const void* B, int64_t ldb, int64_t sb,
               void* C, int64_t ldc, int64_t sc, int64_t batch) {
  if (dt != DType::Float32 && dt != DType::Float64)
    throw TypeError(std::string("cuda: gemm_rows takes float32 or float64, got ") + dtype_name(dt));
  const bool dbl = dt == DType::Float64;
  const std::string precision = matmul_precision();
  const int compute = dbl ? 70 : precision == "tf32" ? 77 : precision == "bf16" ? 75 : 68;
  const float one_f = 1, zero_f = 0;
  const double one_d = 1, zero_d = 0;
  const void* alpha = dbl ? static_cast<const void*>(&one_d) : &one_f;
  const void* beta = dbl ? static_cast<const void*>(&zero_d) : &zero_f;
  // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: cuBLAS's A is our B.
  const int rc = gemm(device, tb ? 1 : 0, ta ? 1 : 0, static_cast<int>(N), static_cast<int>(M),
                      static_cast<int>(K), alpha, B, dbl ? 1 : 0, static_cast<int>(ldb), sb, A,
                      static_cast<int>(lda), sa, beta, C, static_cast<int>(ldc), sc,
                      static_cast<int>(batch), compute);
  if (rc != 0)
    throw ValueError("cuda: cublasGemmStridedBatchedEx failed (status " + std::to_string(rc) +
                     ") for " + std::to_string(M) + "x" + std::to_string(K) + " by " +
                     std::to_string(K) + "x" + std::to_string(N));
}

void set_matmul_precision(const std::string& precision) {
  if (precision != "float32" && precision != "tf32" && precision != "bf16")
    throw ValueError("set_matmul_precision: expected 'float32', 'tf32' or 'bf16', got '" +
                     precision + "'");
  std::lock_guard<std::mutex> lock(g_precision_mu);
  g_precision = precision;
}

std::string matmul_precision() {
  std::lock_guard<std::mutex> lock(g_precision_mu);
  return g_precision;
}

void install_dot_kernel() {
  if (const Primitive* p = find_primitive("dot_general"))
    register_cuda_kernel("dot_general", [p](const std::vector<Array>& in, const Params& params) {
      return dot_kernel(p, in, params);
    });
}

}  // namespace arrax::cuda
