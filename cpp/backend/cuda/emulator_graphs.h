// The emulator's internals shared by its files. Its CUDA graphs (emulator_graphs.cpp): while a
// stream capture runs, the emulated copies, memsets, launches, GEMMs and QR calls issued on
// that stream are recorded as nodes instead of run (work on other streams runs); an instantiated
// graph runs its nodes in the order they were recorded (one stream, so that is their dependency
// order), with its copies' addresses as last set, skipping the nodes turned off.
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace arrax::cuda::emu {

// Whether `stream` is being captured. A library handle's (or cuFFT plan's) stream is the one
// last set on it.
bool capturing(cudaStream_t stream);
void set_handle_stream(uintptr_t handle, cudaStream_t stream);
cudaStream_t handle_stream(uintptr_t handle);
inline bool capturing(const void* handle) {
  return capturing(handle_stream(reinterpret_cast<uintptr_t>(handle)));
}
// Records a node of the graph being captured: `run` for a kernel or memset; a copy of n bytes
// from src to dst for a memcpy (`run` is then unused).
void record(cudaGraphNodeType type, std::function<void()> run, void* dst = nullptr,
            const void* src = nullptr, size_t n = 0);
// What the emulated BLAS and solver routines (emulator_blas.cpp, emulator_solver.cpp) compute
// an item of type T in (double, or complex<double> for the complex types), T's real type, and
// the conjugate of a computed value (itself for a real one).
template <typename T>
struct Wide {
  using type = double;
  using real = T;
};
template <typename R>
struct Wide<std::complex<R>> {
  using type = std::complex<double>;
  using real = R;
};
template <typename T>
using W = typename Wide<T>::type;
template <typename T>
using Real = typename Wide<T>::real;
inline double conj_of(double x) {
  return x;
}
inline std::complex<double> conj_of(std::complex<double> x) {
  return std::conj(x);
}
// LAPACK's unblocked LU with partial pivoting (xgetf2) of the column-major m x n matrix `a`
// (leading dimension lda) in place, computed in double: each column's pivot is its item of
// largest |x| (|re| + |im| for complex numbers, LAPACK's measure), a zero pivot leaves its
// column unscaled. Writes min(m, n) 1-based pivots; returns LAPACK's info (the first zero
// pivot's column, 1-based, or 0). The emulated getrfBatched and Xgetrf both use it.
template <typename T, typename Pivot>
int getf2(int64_t m, int64_t n, T* a, int64_t lda, Pivot* ipiv) {
  using V = W<T>;
  auto measure = [](const V& v) {
    if constexpr (std::is_same_v<V, double>)
      return std::abs(v);
    else
      return std::abs(v.real()) + std::abs(v.imag());
  };
  std::vector<V> x(static_cast<size_t>(m) * n);
  auto at = [&](int64_t i, int64_t j) -> V& { return x[i + j * m]; };
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < m; ++i) at(i, j) = static_cast<V>(a[i + j * lda]);
  int info = 0;
  for (int64_t j = 0; j < std::min(m, n); ++j) {
    int64_t best = j;
    for (int64_t i = j + 1; i < m; ++i)
      if (measure(at(i, j)) > measure(at(best, j))) best = i;
    ipiv[j] = static_cast<Pivot>(best + 1);
    if (at(best, j) == V(0)) {
      if (!info) info = static_cast<int>(j + 1);
      continue;
    }
    for (int64_t c = 0; c < n; ++c) std::swap(at(j, c), at(best, c));
    for (int64_t i = j + 1; i < m; ++i) {
      at(i, j) /= at(j, j);
      for (int64_t c = j + 1; c < n; ++c) at(i, c) -= at(i, j) * at(j, c);
    }
  }
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < m; ++i) a[i + j * lda] = static_cast<T>(at(i, j));
  return info;
}
// Defined in emulator.cpp: a device-to-device copy with device memory opened; whether
// [p, p + n) is device memory; f run with device memory opened.
void device_copy(void* dst, const void* src, size_t n);
bool device_range(const void* p, size_t n);
void with_device_access(const std::function<void()>& f);
// The emulated cuSOLVER QR calls (emulator_solver.cpp), as "cusolver/<symbol>" -> function.
std::vector<std::pair<std::string, void*>> solver_symbols();
// The emulated batched LU, triangular solve and Cholesky (emulator_blas.cpp), as
// "cublas/<symbol>" or "cusolver/<symbol>" -> function.
std::vector<std::pair<std::string, void*>> blas_symbols();
// ARRAX_CUDA_EMULATOR_SKIP_KERNELS (emulator.cpp): launches and GEMMs checked, not run.
bool skip_kernels();
// The GEMMs (emulator_gemm.cpp): cuBLAS's cublasGemmStridedBatchedEx; `gemm`, the same with
// one data type; the emulated cuBLASLt built on it, as "cublasLt/<symbol>" -> function.
int cublas_gemm(void*, int ta, int tb, int m, int n, int k, const void* alpha, const void* a,
                int atype, int lda, long long sa, const void* b, int btype, int ldb, long long sb,
                const void* beta, void* c, int ctype, int ldc, long long sc, int batch, int compute,
                int);
int gemm(int ta, int tb, int m, int n, int k, const void* alpha, const void* a, int type, int lda,
         long long sa, const void* b, int ldb, long long sb, const void* beta, void* c, int ldc,
         long long sc, int batch, int compute);
std::vector<std::pair<std::string, void*>> cublaslt_symbols();

cudaError_t begin_capture(cudaStream_t, cudaStreamCaptureMode);
cudaError_t end_capture(cudaStream_t, cudaGraph_t* graph);
cudaError_t graph_get_nodes(cudaGraph_t graph, cudaGraphNode_t* nodes, size_t* n);
cudaError_t node_get_type(cudaGraphNode_t node, cudaGraphNodeType* type);
cudaError_t memcpy_node_get_params(cudaGraphNode_t node, cudaMemcpy3DParms* p);
cudaError_t graph_instantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long);
cudaError_t exec_memcpy_node_set_params_1d(cudaGraphExec_t exec, cudaGraphNode_t node, void* dst,
                                           const void* src, size_t n, cudaMemcpyKind kind);
cudaError_t graph_node_set_enabled(cudaGraphExec_t exec, cudaGraphNode_t node, unsigned on);
cudaError_t graph_launch(cudaGraphExec_t exec, cudaStream_t);
cudaError_t graph_destroy(cudaGraph_t graph);
cudaError_t graph_exec_destroy(cudaGraphExec_t exec);
// Events: the host's clock when recorded (the emulator runs work when it is issued).
cudaError_t event_create(cudaEvent_t* e);
cudaError_t event_record(cudaEvent_t e, cudaStream_t);
cudaError_t event_synchronize(cudaEvent_t e);
cudaError_t event_elapsed(float* ms, cudaEvent_t start, cudaEvent_t end);
cudaError_t event_destroy(cudaEvent_t e);

}  // namespace arrax::cuda::emu
