// The emulator's cuBLAS batched LU (getrf, getrs, getri) and triangular solve (trsm), and
// cuSOLVER's batched Cholesky (potrf), for float, double, complex64 and complex128: LAPACK's
// unblocked algorithms in double (complex<double>) on each column-major matrix. The pivot is
// the entry of largest |re| + |im|, as BLAS's icamax picks it. LU and Cholesky are not
// recorded while a capture runs (they read their info back, as the backend's callers do);
// trsm is, with a copy of alpha.
#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "backend/cuda/emulator_graphs.h"

namespace arrax::cuda::emu {
namespace {

constexpr int kInvalid = 7, kFailed = 13, kNotRecorded = 15;  // cuBLAS's statuses

// Solves op(A) x = b with A's LU (a, column-major, 1-based pivots): A = P^T L U; op is A
// (trans 0), A^T (1) or A^H (2).
template <typename T>
void lu_solve(const T* a, int n, int lda, const int* piv, T* b, int trans) {
  using V = W<T>;
  auto A = [&](int i, int j) {
    const V v = static_cast<V>(a[i + static_cast<size_t>(j) * lda]);
    return trans == 2 ? conj_of(v) : v;
  };
  std::vector<V> x(n);
  for (int i = 0; i < n; ++i) x[i] = static_cast<V>(b[i]);
  if (trans == 0) {  // x = U^-1 L^-1 P b
    for (int i = 0; i < n; ++i) std::swap(x[i], x[piv[i] - 1]);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < i; ++j) x[i] -= A(i, j) * x[j];
    for (int i = n - 1; i >= 0; --i) {
      for (int j = i + 1; j < n; ++j) x[i] -= A(i, j) * x[j];
      x[i] /= A(i, i);
    }
  } else {  // op(A) = op(U) op(L) P: x = P^T op(L)^-1 op(U)^-1 b
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < i; ++j) x[i] -= A(j, i) * x[j];
      x[i] /= A(i, i);
    }
    for (int i = n - 1; i >= 0; --i)
      for (int j = i + 1; j < n; ++j) x[i] -= A(j, i) * x[j];
    for (int i = n - 1; i >= 0; --i) std::swap(x[i], x[piv[i] - 1]);
  }
  for (int i = 0; i < n; ++i) b[i] = static_cast<T>(x[i]);
}

template <typename T>
int getrf(void* h, int n, T* const* arrays, int lda, int* piv, int* info, int batch) {
  if (capturing(h)) return kNotRecorded;
  if (!device_range(arrays, sizeof(T*) * batch) || !device_range(piv, sizeof(int) * n * batch) ||
      !device_range(info, sizeof(int) * batch))
    return kFailed;
  int rc = 0;
  with_device_access([&] {
    for (int b = 0; b < batch && !rc; ++b) {
      T* a = arrays[b];
      if (!device_range(a, sizeof(T) * lda * n)) {
        rc = kFailed;
        return;
      }
      info[b] = getf2(n, n, a, lda, piv + static_cast<size_t>(b) * n);
    }
  });
  return rc;
}

template <typename T>
int getrs(void* h, int trans, int n, int nrhs, const T* const* arrays, int lda, const int* piv,
          T* const* barrays, int ldb, int* info, int batch) {
  if (capturing(h)) return kNotRecorded;
  *info = 0;
  if (!device_range(arrays, sizeof(T*) * batch) || !device_range(barrays, sizeof(T*) * batch))
    return kFailed;
  with_device_access([&] {
    for (int b = 0; b < batch; ++b)
      for (int c = 0; c < nrhs; ++c)
        lu_solve(arrays[b], n, lda, piv + static_cast<size_t>(b) * n,
                 barrays[b] + static_cast<size_t>(c) * ldb, trans);
  });
  return 0;
}

template <typename T>
int getri(void* h, int n, const T* const* arrays, int lda, const int* piv, T* const* carrays,
          int ldc, int* info, int batch) {
  if (capturing(h)) return kNotRecorded;
  if (!device_range(arrays, sizeof(T*) * batch) || !device_range(carrays, sizeof(T*) * batch))
    return kFailed;
  with_device_access([&] {
    for (int b = 0; b < batch; ++b) {
      info[b] = 0;
      for (int c = 0; c < n; ++c) {
        T* col = carrays[b] + static_cast<size_t>(c) * ldc;
        for (int i = 0; i < n; ++i) col[i] = T(i == c ? 1 : 0);
        lu_solve(arrays[b], n, lda, piv + static_cast<size_t>(b) * n, col, 0);
      }
    }
  });
  return 0;
}

// For each b: op(A) X = alpha B (side 0, A m x m) or X op(A) = alpha B (side 1, A n x n), B
// m x n overwritten by X; only A's `uplo` triangle (0 lower, 1 upper) is read, its diagonal
// taken as ones with diag 1; op is A (0), A^T (1) or A^H (2).
template <typename T>
int trsm(void* h, int side, int uplo, int trans, int diag, int m, int n, const T* alpha,
         const T* const* arrays, int lda, T* const* barrays, int ldb, int batch) {
  using V = W<T>;
  if (m < 0 || n < 0 || batch < 0 || ldb < std::max(1, m)) return kInvalid;
  if (capturing(h)) {  // recorded with a copy of alpha
    const T al = *alpha;
    record(cudaGraphNodeTypeKernel, [=] {
      trsm<T>(nullptr, side, uplo, trans, diag, m, n, &al, arrays, lda, barrays, ldb, batch);
    });
    return 0;
  }
  const int s = side == 0 ? m : n;
  if (lda < std::max(1, s)) return kInvalid;
  if (!device_range(arrays, sizeof(T*) * batch) || !device_range(barrays, sizeof(T*) * batch))
    return kInvalid;
  // The system each right-hand side solves is M x = alpha r: M = op(A) for left solves, op(A)^T
  // for right ones (X M' = B row by row is M'^T x = b), lower or upper as this says; its
  // entries conjugated for op = A^H.
  const bool lower = ((uplo == 0) != (trans != 0)) != (side == 1);
  const bool transposed = (trans != 0) != (side == 1);  // M = tri(A)^T
  with_device_access([&] {
    std::vector<V> mat(static_cast<size_t>(s) * s), x(s);
    for (int b = 0; b < batch; ++b) {
      const T* a = arrays[b];
      T* bm = barrays[b];
      for (int i = 0; i < s; ++i)
        for (int j = 0; j < s; ++j) {
          const bool read = uplo == 0 ? i >= j : i <= j;  // A(i, j) in the referenced triangle
          V v = !read                   ? V(0)
                : (i == j && diag == 1) ? V(1)
                                        : static_cast<V>(a[i + static_cast<size_t>(j) * lda]);
          if (trans == 2) v = conj_of(v);
          mat[transposed ? j * s + i : i * s + j] = v;
        }
      const int count = side == 0 ? n : m;  // columns (left) or rows (right) of B
      for (int c = 0; c < count; ++c) {
        auto at = [&](int i) -> T& {
          return side == 0 ? bm[i + static_cast<size_t>(c) * ldb]
                           : bm[c + static_cast<size_t>(i) * ldb];
        };
        for (int i = 0; i < s; ++i) x[i] = static_cast<V>(*alpha) * static_cast<V>(at(i));
        for (int t = 0; t < s; ++t) {
          const int i = lower ? t : s - 1 - t;
          V acc = x[i];
          for (int j = 0; j < s; ++j)
            if (lower ? j < i : j > i) acc -= mat[i * s + j] * x[j];
          x[i] = acc / mat[i * s + i];
        }
        for (int i = 0; i < s; ++i) at(i) = static_cast<T>(x[i]);
      }
    }
  });
  return 0;
}

// The factor of each matrix in its `uplo` triangle (0 lower: A = L L^H, 1 upper: A = U^H U),
// the other triangle left as it was; info[b] = j > 0 when the leading minor of order j is not
// positive definite. The diagonal's imaginary parts are not read (LAPACK's zpotrf).
template <typename T>
int potrf(void* h, int uplo, int n, T* const* arrays, int lda, int* info, int batch) {
  using V = W<T>;
  if (capturing(h)) return kNotRecorded;
  if (!device_range(arrays, sizeof(T*) * batch) || !device_range(info, sizeof(int) * batch))
    return kInvalid;
  int rc = 0;
  with_device_access([&] {
    for (int b = 0; b < batch; ++b) {
      T* a = arrays[b];
      if (!device_range(a, sizeof(T) * lda * n)) {
        rc = kInvalid;
        return;
      }
      // L(i, j) for i >= j: at (i, j) for lower; for upper U = L^H, so conj(U(j, i)).
      auto get = [&](int i, int j) {
        const V v = static_cast<V>(uplo == 0 ? a[i + static_cast<size_t>(j) * lda]
                                             : a[j + static_cast<size_t>(i) * lda]);
        return uplo == 0 ? v : conj_of(v);
      };
      auto set = [&](int i, int j, V v) {
        (uplo == 0 ? a[i + static_cast<size_t>(j) * lda] : a[j + static_cast<size_t>(i) * lda]) =
            static_cast<T>(uplo == 0 ? v : conj_of(v));
      };
      info[b] = 0;
      for (int j = 0; j < n && !info[b]; ++j) {
        double d = std::real(get(j, j));
        for (int k = 0; k < j; ++k) d -= std::norm(get(j, k));
        if (!(d > 0)) {
          info[b] = j + 1;
          break;
        }
        const double l = std::sqrt(d);
        set(j, j, V(l));
        for (int i = j + 1; i < n; ++i) {
          V s = get(i, j);
          for (int k = 0; k < j; ++k) s -= get(i, k) * conj_of(get(j, k));
          set(i, j, s / l);
        }
      }
    }
  });
  return rc;
}

template <typename T>
void add_type(std::vector<std::pair<std::string, void*>>& r, const std::string& c) {
  r.emplace_back("cublas/cublas" + c + "getrfBatched", reinterpret_cast<void*>(getrf<T>));
  r.emplace_back("cublas/cublas" + c + "getrsBatched", reinterpret_cast<void*>(getrs<T>));
  r.emplace_back("cublas/cublas" + c + "getriBatched", reinterpret_cast<void*>(getri<T>));
  r.emplace_back("cublas/cublas" + c + "trsmBatched", reinterpret_cast<void*>(trsm<T>));
  r.emplace_back("cusolver/cusolverDn" + c + "potrfBatched", reinterpret_cast<void*>(potrf<T>));
}

}  // namespace

std::vector<std::pair<std::string, void*>> blas_symbols() {
  std::vector<std::pair<std::string, void*>> r;
  add_type<float>(r, "S");
  add_type<double>(r, "D");
  add_type<std::complex<float>>(r, "C");
  add_type<std::complex<double>>(r, "Z");
  return r;
}

}  // namespace arrax::cuda::emu
