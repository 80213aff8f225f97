// Installation of the primitives' CUDA kernels (kernels.cpp), called when a GPU is first used.
#pragma once
#include <functional>
#include <string>

#include <vector>

#include "backend/cuda/codegen.h"
#include "dtype.h"
#include "primitive.h"

namespace arrax::cuda {
void install_kernels();
// Whether a primitive's CUDA kernel is a generated elementwise kernel (where it has code for the
// dtypes; else it runs on the host).
bool has_elementwise_kernel(const Primitive& p);
// What abstract evaluation sees of concrete kernel inputs (to ask a primitive its outputs).
std::vector<AbstractValue> avals_of(const std::vector<Array>& in);
void install_reduction_kernels();  // reduce.cpp
// kRowCounters zeroed counters on a device (made at the first call, never freed: kept past the
// CUDA context's end), one per output of a kernel split over several blocks in one launch (a
// split reduction's row or group of columns, a thin product's tile): the last block to finish
// combines the parts and sets its counter back to zero.
constexpr int64_t kRowCounters = int64_t{1} << 16;
void* row_counters(Device dev);
// The reduction primitive `primitive` of `in` giving `out`, as the end of a generated
// elementwise kernel (reduce.cpp); false for one without CUDA code.
bool fused_reduction(const std::string& primitive, DType in, DType out, int value, EwReduction& r);
void install_dot_kernel();        // dot.cpp
void* cublas_handle(int device);  // dot.cpp: the device's cuBLAS handle, on its stream
// dot.cpp: this thread's cuBLAS handle for work recorded into CUDA graphs (made on first use;
// graphs.cpp makes it before a capture begins, as cublasCreate may not be capturable).
void* cublas_capture_handle(int device);
void install_linalg_kernels();      // linalg.cpp
void* cusolver_handle(int device);  // linalg.cpp: the device's cuSOLVER handle, on its stream
// linalg.cpp: cuBLAS's and cuSOLVER's letter for a dtype's routines ('S', 'D', 'C', 'Z'), or 0
// for the dtypes they do not take; and the routine `prefix` + letter + `name` of `library`,
// looked up once.
char blas_letter(DType dt);
void* blas_symbol(const char* library, const char* prefix, DType dt, const std::string& name);
void install_cusolver_kernels();  // linalg_cusolver.cpp: qr, eigh, svd, eig
// linalg.cpp: x with its last two dims swapped, as a new contiguous array (a stack of row-major
// matrices becomes the same matrices column-major, as cuBLAS and cuSOLVER take them).
Array transposed(const Array& x);
// linalg_cusolver.cpp: cuSOLVER's Xgetrf of each column-major m x n matrix of `columns` (batch
// of them, factored in place), its 1-based pivots into `pivots` (batch x min(m, n), int64);
// and whether this cuSOLVER has Xgetrf.
void lu_columns(const Array& columns, int64_t m, int64_t n, int64_t batch, Array& pivots,
                int device);
bool lu_columns_available();
// Row-major C[b] = op(A[b]) op(B[b]) for b < batch through cuBLAS (dot.cpp), float32 (at the
// matmul precision setting) or float64: A is M x K (stored K x M when ta), B is K x N (N x K
// when tb), C is M x N; ld* are row strides and s* batch strides, in elements.
void gemm_rows(int device, DType dt, bool ta, bool tb, int64_t M, int64_t N, int64_t K,
               const void* A, int64_t lda, int64_t sa, const void* B, int64_t ldb, int64_t sb,
               void* C, int64_t ldc, int64_t sc, int64_t batch);
// Column-major D[b] = alpha op(A[b]) op(B[b]) + beta C[b] through cuBLASLt (gemm_lt.cpp), with
// cublasGemmStridedBatchedEx's arguments (cudaDataType `type` for every matrix,
// cublasComputeType `compute`) and D separate from C (or the same). False where cuBLASLt is
// not used (the gemm_algo setting, no library, no algorithm): the caller then runs cuBLAS.
bool gemm_lt(int device, int ta, int tb, int m, int n, int k, const void* alpha, const void* A,
             int type, int lda, long long sa, const void* B, int ldb, long long sb,
             const void* beta, const void* C, void* D, int ldc, long long sc, int batch,
             int compute);
// gemm_lt.cpp: milliseconds per run of f (which issues GPU work on the device's stream), timed
// by CUDA events over `reps` runs; -1 when the timing failed.
float time_runs_ms(int device, int reps, const std::function<void()>& f);
// dot_thin.cpp: row-major out (B, M, N) = a b for float32/float64 where N or K is small and the
// rest large, by a generated kernel when that beat cuBLAS in a timing on the problem's first
// direct call (`vendor` runs cuBLAS's product into out). False where it is not used: the
// caller then runs vendor. a is (B, M, K) contiguous or (B, K, M) when `at`; b (B, K, N) or
// (B, N, K) when `bt`.
bool thin_gemm(const Array& a, bool at, const Array& b, bool bt, const Array& out, int64_t B,
               int64_t M, int64_t N, int64_t K, int device, const std::function<void()>& vendor);
int64_t thin_gemm_calls();  // products run by the thin kernels
int64_t thin_gemm_timed();  // problems timed against cuBLAS
std::vector<std::string> thin_gemm_sources();
void install_indexing_kernels();  // indexing.cpp
void install_scan_kernels();      // scans.cpp
void install_sort_kernels();      // sorting.cpp
void install_pooling_kernels();   // pooling.cpp
void install_conv_kernels();      // conv.cpp
void install_fft_kernels();       // fft.cpp
// A reduction kernel's source ("sum", "prod", "max", "min", "and", "or"), for tests that
// compile every generated kernel with nvcc on machines without a GPU.
// Every indexing (take, scatter) and scan (arg*, cum*) kernel's source, for the same tests.
std::vector<std::string> indexing_sources();
std::vector<std::string> scan_sources();
std::vector<std::string> sort_sources();
std::vector<std::string> pooling_sources();
std::vector<std::string> conv_sources();
std::vector<std::string> linalg_sources();
std::vector<std::string> dot_sources();  // the integer and bool products
std::vector<std::string> cusolver_sources();
std::string reduction_source(const std::string& kind, DType in, DType out, int kept_dims,
                             int reduced_dims, bool thread_per_row, bool vector = false,
                             bool one_launch = false, int unroll = 1);
}  // namespace arrax::cuda
