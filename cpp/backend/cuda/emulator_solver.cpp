// The emulator's cuSOLVER QR, symmetric eigensolver and SVD (emulator.h): geqrf and orgqr by
// LAPACK's unblocked algorithms (dgeqr2, dorg2r) in double on the column-major matrices, syevd
// and gesvd by Eigen's self-adjoint solver and Jacobi SVD in double; recorded as graph nodes
// while a capture runs, like the emulator's other device work.
#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Dense>

#include "backend/cuda/emulator_graphs.h"

namespace arrax::cuda::emu {
namespace {

constexpr int kInvalid = 3;  // CUSOLVER_STATUS_INVALID_VALUE

// The Householder QR of the m x n column-major `a` (leading dimension lda) in place: R in the
// upper triangle, reflector i's vector below the diagonal of column i (its first entry 1
// implied), its scale in tau[i].
void geqr2(std::vector<double>& a, int m, int n, int lda, std::vector<double>& tau) {
  auto at = [&](int i, int j) -> double& { return a[i + static_cast<size_t>(j) * lda]; };
  const int k = std::min(m, n);
  for (int i = 0; i < k; ++i) {
    double xnorm = 0;
    for (int r = i + 1; r < m; ++r) xnorm = std::hypot(xnorm, at(r, i));
    const double alpha = at(i, i);
    if (xnorm == 0) {
      tau[i] = 0;  // H = I
      continue;
    }
    const double beta = -std::copysign(std::hypot(alpha, xnorm), alpha);
    tau[i] = (beta - alpha) / beta;
    for (int r = i + 1; r < m; ++r) at(r, i) /= alpha - beta;
    at(i, i) = beta;
    for (int j = i + 1; j < n; ++j) {  // H a(i:m, j), v = [1; a(i+1:m, i)]
      double w = at(i, j);
      for (int r = i + 1; r < m; ++r) w += at(r, i) * at(r, j);
      at(i, j) -= tau[i] * w;
      for (int r = i + 1; r < m; ++r) at(r, j) -= tau[i] * w * at(r, i);
    }
  }
}

// The first n columns of Q = H(0) ... H(k-1) in place of the reflectors (LAPACK's dorg2r).
void org2r(std::vector<double>& a, int m, int n, int k, int lda, const std::vector<double>& tau) {
  auto at = [&](int i, int j) -> double& { return a[i + static_cast<size_t>(j) * lda]; };
  for (int j = k; j < n; ++j) {
    for (int r = 0; r < m; ++r) at(r, j) = 0;
    at(j, j) = 1;
  }
  for (int i = k - 1; i >= 0; --i) {
    if (i < n - 1) {  // H(i) applied to a(i:m, i+1:n), with a(i, i) = 1 as v's first entry
      at(i, i) = 1;
      for (int j = i + 1; j < n; ++j) {
        double w = 0;
        for (int r = i; r < m; ++r) w += at(r, i) * at(r, j);
        for (int r = i; r < m; ++r) at(r, j) -= tau[i] * w * at(r, i);
      }
    }
    for (int r = i + 1; r < m; ++r) at(r, i) *= -tau[i];
    at(i, i) = 1 - tau[i];
    for (int r = 0; r < i; ++r) at(r, i) = 0;
  }
}

template <typename T>
int geqrf_size(void*, int m, int n, T*, int lda, int* lwork) {
  if (m < 0 || n < 0 || lda < std::max(1, m)) return kInvalid;
  *lwork = std::max(1, n);
  return 0;
}

template <typename T>
int geqrf(void* h, int m, int n, T* a, int lda, T* tau, T* work, int lwork, int* info) {
  if (m < 0 || n < 0 || lda < std::max(1, m) || lwork < 1) return kInvalid;
  if (capturing(h)) {
    record(cudaGraphNodeTypeKernel, [=] { geqrf<T>(h, m, n, a, lda, tau, work, lwork, info); });
    return 0;
  }
  const size_t len = static_cast<size_t>(lda) * n;
  const int k = std::min(m, n);
  if (!device_range(a, len * sizeof(T)) || !device_range(tau, k * sizeof(T)) ||
      !device_range(info, sizeof(int)))
    return kInvalid;
  with_device_access([&] {
    std::vector<double> x(a, a + len), t(k);
    geqr2(x, m, n, lda, t);
    std::copy(x.begin(), x.end(), a);
    std::copy(t.begin(), t.end(), tau);
    *info = 0;
  });
  return 0;
}

template <typename T>
int orgqr_size(void*, int m, int n, int k, const T*, int lda, const T*, int* lwork) {
  if (m < 0 || n < 0 || n > m || k < 0 || k > n || lda < std::max(1, m)) return kInvalid;
  *lwork = std::max(1, n);
  return 0;
}

template <typename T>
int orgqr(void* h, int m, int n, int k, T* a, int lda, const T* tau, T* work, int lwork,
          int* info) {
  if (m < 0 || n < 0 || n > m || k < 0 || k > n || lda < std::max(1, m) || lwork < 1)
    return kInvalid;
  if (capturing(h)) {
    record(cudaGraphNodeTypeKernel, [=] { orgqr<T>(h, m, n, k, a, lda, tau, work, lwork, info); });
    return 0;
  }
  const size_t len = static_cast<size_t>(lda) * n;
  if (!device_range(a, len * sizeof(T)) || !device_range(tau, k * sizeof(T)) ||
      !device_range(info, sizeof(int)))
    return kInvalid;
  with_device_access([&] {
    std::vector<double> x(a, a + len), t(tau, tau + k);
    org2r(x, m, n, k, lda, t);
    std::copy(x.begin(), x.end(), a);
    *info = 0;
  });
  return 0;
}

template <typename T>
int syevd_size(void*, int jobz, int uplo, int n, const T*, int lda, const T*, int* lwork) {
  if (jobz < 0 || jobz > 1 || uplo < 0 || uplo > 1 || n < 0 || lda < std::max(1, n))
    return kInvalid;
  *lwork = std::max(1, n);
  return 0;
}

// The symmetric eigendecomposition of the column-major n x n `a` from its `uplo` triangle
// (CUBLAS_FILL_MODE_LOWER 0, UPPER 1): eigenvalues ascending in w, eigenvectors (with jobz) as
// a's columns; by Eigen's self-adjoint solver in double.
template <typename T>
int syevd(void* h, int jobz, int uplo, int n, T* a, int lda, T* w, T* work, int lwork, int* info) {
  if (jobz < 0 || jobz > 1 || uplo < 0 || uplo > 1 || n < 0 || lda < std::max(1, n) || lwork < 1)
    return kInvalid;
  if (capturing(h)) {
    record(cudaGraphNodeTypeKernel,
           [=] { syevd<T>(h, jobz, uplo, n, a, lda, w, work, lwork, info); });
    return 0;
  }
  const size_t len = static_cast<size_t>(lda) * n;
  if (!device_range(a, len * sizeof(T)) || !device_range(w, n * sizeof(T)) ||
      !device_range(info, sizeof(int)))
    return kInvalid;
  with_device_access([&] {
    Eigen::MatrixXd m(n, n);
    for (int j = 0; j < n; ++j)
      for (int i = 0; i <= j; ++i) {  // (i, j) of the upper triangle, or (j, i) of the lower
        const double v =
            uplo == 1 ? a[i + static_cast<size_t>(j) * lda] : a[j + static_cast<size_t>(i) * lda];
        m(i, j) = m(j, i) = v;
      }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(m);
    *info = es.info() == Eigen::Success ? 0 : 1;
    for (int k = 0; k < n; ++k) {
      w[k] = static_cast<T>(es.eigenvalues()(k));
      if (jobz)
        for (int i = 0; i < n; ++i)
          a[i + static_cast<size_t>(k) * lda] = static_cast<T>(es.eigenvectors()(i, k));
    }
  });
  return 0;
}

template <typename T>
int gesvd_size(void*, int m, int n, int* lwork) {
  if (m < 0 || n < 0 || m < n) return kInvalid;
  *lwork = std::max(1, n);
  return 0;
}

// The thin SVD of the column-major m x n `a` (m >= n, as cuSOLVER requires) with jobu = jobvt
// = 'S': singular values descending in s, the first n columns of U in u, the first n rows of
// V^T in vt; by Eigen's Jacobi SVD in double.
template <typename T>
int gesvd(void* h, signed char jobu, signed char jobvt, int m, int n, T* a, int lda, T* s, T* u,
          int ldu, T* vt, int ldvt, T* work, int lwork, T* rwork, int* info) {
  if (jobu != 'S' || jobvt != 'S' || m < n || n < 0 || lda < std::max(1, m) ||
      ldu < std::max(1, m) || ldvt < std::max(1, n) || lwork < 1)
    return kInvalid;
  if (capturing(h)) {
    record(cudaGraphNodeTypeKernel, [=] {
      gesvd<T>(h, jobu, jobvt, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, rwork, info);
    });
    return 0;
  }
  if (!device_range(a, static_cast<size_t>(lda) * n * sizeof(T)) ||
      !device_range(u, static_cast<size_t>(ldu) * n * sizeof(T)) ||
      !device_range(vt, static_cast<size_t>(ldvt) * n * sizeof(T)) ||
      !device_range(s, n * sizeof(T)) || !device_range(info, sizeof(int)))
    return kInvalid;
  with_device_access([&] {
    Eigen::MatrixXd x(m, n);
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) x(i, j) = a[i + static_cast<size_t>(j) * lda];
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(x, Eigen::ComputeThinU | Eigen::ComputeThinV);
    for (int k = 0; k < n; ++k) {
      s[k] = static_cast<T>(svd.singularValues()(k));
      for (int i = 0; i < m; ++i)
        u[i + static_cast<size_t>(k) * ldu] = static_cast<T>(svd.matrixU()(i, k));
      for (int j = 0; j < n; ++j)
        vt[k + static_cast<size_t>(j) * ldvt] = static_cast<T>(svd.matrixV()(j, k));
    }
    *info = 0;
  });
  return 0;
}

}  // namespace

std::vector<std::pair<std::string, void*>> solver_symbols() {
  return {
      {"cusolver/cusolverDnSgeqrf_bufferSize", reinterpret_cast<void*>(geqrf_size<float>)},
      {"cusolver/cusolverDnDgeqrf_bufferSize", reinterpret_cast<void*>(geqrf_size<double>)},
      {"cusolver/cusolverDnSgeqrf", reinterpret_cast<void*>(geqrf<float>)},
      {"cusolver/cusolverDnDgeqrf", reinterpret_cast<void*>(geqrf<double>)},
      {"cusolver/cusolverDnSorgqr_bufferSize", reinterpret_cast<void*>(orgqr_size<float>)},
      {"cusolver/cusolverDnDorgqr_bufferSize", reinterpret_cast<void*>(orgqr_size<double>)},
      {"cusolver/cusolverDnSorgqr", reinterpret_cast<void*>(orgqr<float>)},
      {"cusolver/cusolverDnDorgqr", reinterpret_cast<void*>(orgqr<double>)},
      {"cusolver/cusolverDnSsyevd_bufferSize", reinterpret_cast<void*>(syevd_size<float>)},
      {"cusolver/cusolverDnDsyevd_bufferSize", reinterpret_cast<void*>(syevd_size<double>)},
      {"cusolver/cusolverDnSsyevd", reinterpret_cast<void*>(syevd<float>)},
      {"cusolver/cusolverDnDsyevd", reinterpret_cast<void*>(syevd<double>)},
      {"cusolver/cusolverDnSgesvd_bufferSize", reinterpret_cast<void*>(gesvd_size<float>)},
      {"cusolver/cusolverDnDgesvd_bufferSize", reinterpret_cast<void*>(gesvd_size<double>)},
      {"cusolver/cusolverDnSgesvd", reinterpret_cast<void*>(gesvd<float>)},
      {"cusolver/cusolverDnDgesvd", reinterpret_cast<void*>(gesvd<double>)},
  };
}

}  // namespace arrax::cuda::emu
