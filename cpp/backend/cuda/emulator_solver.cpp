// The emulator's cuSOLVER QR, eigensolvers and SVD (emulator.h), real and complex: geqrf and
// orgqr/ungqr by LAPACK's unblocked algorithms (xgeqr2, xorg2r/xung2r) in double on the
// column-major matrices, syevd/heevd, Xgeev and gesvd by Eigen's self-adjoint and general
// eigensolvers and Jacobi SVD in double; recorded as graph nodes
// while a capture runs, like the emulator's other device work.
#include <algorithm>
#include <cmath>
#include <complex>
#include <type_traits>
#include <vector>

#include <Eigen/Dense>

#include "backend/cuda/emulator_graphs.h"

namespace arrax::cuda::emu {
namespace {

constexpr int kInvalid = 3;  // CUSOLVER_STATUS_INVALID_VALUE

// The Householder QR of the m x n column-major `a` (leading dimension lda) in place, as
// LAPACK's xgeqr2 with xlarfg: R in the upper triangle (a real diagonal), reflector i's vector
// below the diagonal of column i (its first entry 1 implied), its scale in tau[i];
// H(i) = I - tau v v^H, and A is multiplied by H(i)^H.
template <typename V>
void geqr2(std::vector<V>& a, int m, int n, int lda, std::vector<V>& tau) {
  auto at = [&](int i, int j) -> V& { return a[i + static_cast<size_t>(j) * lda]; };
  const int k = std::min(m, n);
  for (int i = 0; i < k; ++i) {
    double xnorm = 0;
    for (int r = i + 1; r < m; ++r) xnorm = std::hypot(xnorm, std::abs(at(r, i)));
    const V alpha = at(i, i);
    const double re = std::real(alpha), im = std::imag(alpha);
    if (xnorm == 0 && im == 0) {
      tau[i] = 0;  // H = I
      continue;
    }
    const double beta = -std::copysign(std::hypot(std::hypot(re, im), xnorm), re);
    tau[i] = V(beta - re) / beta;
    if constexpr (!std::is_same_v<V, double>) tau[i] = V((beta - re) / beta, -im / beta);
    const V scale = V(1) / (alpha - beta);
    for (int r = i + 1; r < m; ++r) at(r, i) *= scale;
    at(i, i) = beta;
    for (int j = i + 1; j < n; ++j) {  // H^H a(i:m, j), v = [1; a(i+1:m, i)]
      V w = at(i, j);
      for (int r = i + 1; r < m; ++r) w += conj_of(at(r, i)) * at(r, j);
      const V tw = conj_of(tau[i]) * w;
      at(i, j) -= tw;
      for (int r = i + 1; r < m; ++r) at(r, j) -= tw * at(r, i);
    }
  }
}

// The first n columns of Q = H(0) ... H(k-1) in place of the reflectors (LAPACK's xorg2r and
// xung2r).
template <typename V>
void org2r(std::vector<V>& a, int m, int n, int k, int lda, const std::vector<V>& tau) {
  auto at = [&](int i, int j) -> V& { return a[i + static_cast<size_t>(j) * lda]; };
  for (int j = k; j < n; ++j) {
    for (int r = 0; r < m; ++r) at(r, j) = 0;
    at(j, j) = 1;
  }
  for (int i = k - 1; i >= 0; --i) {
    if (i < n - 1) {  // H(i) applied to a(i:m, i+1:n), with a(i, i) = 1 as v's first entry
      at(i, i) = 1;
      for (int j = i + 1; j < n; ++j) {
        V w = 0;
        for (int r = i; r < m; ++r) w += conj_of(at(r, i)) * at(r, j);
        for (int r = i; r < m; ++r) at(r, j) -= tau[i] * w * at(r, i);
      }
    }
    for (int r = i + 1; r < m; ++r) at(r, i) *= -tau[i];
    at(i, i) = V(1) - tau[i];
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
    std::vector<W<T>> x(a, a + len), t(k);
    geqr2(x, m, n, lda, t);
    for (size_t i = 0; i < len; ++i) a[i] = static_cast<T>(x[i]);
    for (int i = 0; i < k; ++i) tau[i] = static_cast<T>(t[i]);
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
    std::vector<W<T>> x(a, a + len), t(tau, tau + k);
    org2r(x, m, n, k, lda, t);
    for (size_t i = 0; i < len; ++i) a[i] = static_cast<T>(x[i]);
    *info = 0;
  });
  return 0;
}

template <typename T>
int syevd_size(void*, int jobz, int uplo, int n, const T*, int lda, const Real<T>*, int* lwork) {
  if (jobz < 0 || jobz > 1 || uplo < 0 || uplo > 1 || n < 0 || lda < std::max(1, n))
    return kInvalid;
  *lwork = std::max(1, n);
  return 0;
}

// The symmetric (Hermitian: heevd) eigendecomposition of the column-major n x n `a` from its
// `uplo` triangle (CUBLAS_FILL_MODE_LOWER 0, UPPER 1; the diagonal's imaginary parts not read):
// eigenvalues ascending in w, eigenvectors (with jobz) as a's columns; by Eigen's self-adjoint
// solver in double.
template <typename T>
int syevd(void* h, int jobz, int uplo, int n, T* a, int lda, Real<T>* w, T* work, int lwork,
          int* info) {
  if (jobz < 0 || jobz > 1 || uplo < 0 || uplo > 1 || n < 0 || lda < std::max(1, n) || lwork < 1)
    return kInvalid;
  if (capturing(h)) {
    record(cudaGraphNodeTypeKernel,
           [=] { syevd<T>(h, jobz, uplo, n, a, lda, w, work, lwork, info); });
    return 0;
  }
  const size_t len = static_cast<size_t>(lda) * n;
  if (!device_range(a, len * sizeof(T)) || !device_range(w, n * sizeof(Real<T>)) ||
      !device_range(info, sizeof(int)))
    return kInvalid;
  using Mat = Eigen::Matrix<W<T>, Eigen::Dynamic, Eigen::Dynamic>;
  with_device_access([&] {
    Mat m(n, n);
    for (int j = 0; j < n; ++j)
      for (int i = 0; i <= j;
           ++i) {  // (i, j) of the upper triangle, or conj of (j, i) of the lower
        const W<T> v = static_cast<W<T>>(
            uplo == 1 ? a[i + static_cast<size_t>(j) * lda]
                      : conj_of(static_cast<W<T>>(a[j + static_cast<size_t>(i) * lda])));
        m(i, j) = i == j ? W<T>(std::real(v)) : v;
        m(j, i) = conj_of(m(i, j));
      }
    Eigen::SelfAdjointEigenSolver<Mat> es(m);
    *info = es.info() == Eigen::Success ? 0 : 1;
    for (int k = 0; k < n; ++k) {
      w[k] = static_cast<Real<T>>(es.eigenvalues()(k));
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
int gesvd(void* h, signed char jobu, signed char jobvt, int m, int n, T* a, int lda, Real<T>* s,
          T* u, int ldu, T* vt, int ldvt, T* work, int lwork, Real<T>* rwork, int* info) {
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
      !device_range(s, n * sizeof(Real<T>)) || !device_range(info, sizeof(int)))
    return kInvalid;
  using Mat = Eigen::Matrix<W<T>, Eigen::Dynamic, Eigen::Dynamic>;
  with_device_access([&] {
    Mat x(m, n);
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) x(i, j) = static_cast<W<T>>(a[i + static_cast<size_t>(j) * lda]);
    Eigen::JacobiSVD<Mat> svd(x, Eigen::ComputeThinU | Eigen::ComputeThinV);
    for (int k = 0; k < n; ++k) {
      s[k] = static_cast<Real<T>>(svd.singularValues()(k));
      for (int i = 0; i < m; ++i)
        u[i + static_cast<size_t>(k) * ldu] = static_cast<T>(svd.matrixU()(i, k));
      for (int j = 0; j < n; ++j)  // V^H
        vt[k + static_cast<size_t>(j) * ldvt] = static_cast<T>(conj_of(svd.matrixV()(j, k)));
    }
    *info = 0;
  });
  return 0;
}

// cusolverDnXgeev's work for one matrix of type T (column-major `a`), right eigenvectors only,
// by Eigen's eigensolvers in double with LAPACK's conventions: w complex; each eigenvector of
// unit norm, and a complex one turned so its largest component is real and positive; for a real
// `a`, vr real in LAPACK's layout (a complex pair's vector as columns j, j+1 holding its real
// and imaginary parts, the eigenvalue with the positive imaginary part first).
template <typename T>
void geev_one(bool vectors, int64_t n, const T* a, int64_t lda, std::complex<Real<T>>* w, T* vr,
              int64_t ldvr, int* info) {
  using C = std::complex<double>;
  using MatC = Eigen::Matrix<C, Eigen::Dynamic, Eigen::Dynamic>;
  constexpr bool cplx = !std::is_same_v<W<T>, double>;
  Eigen::Matrix<W<T>, Eigen::Dynamic, Eigen::Dynamic> m(n, n);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < n; ++i) m(i, j) = static_cast<W<T>>(a[i + j * lda]);
  Eigen::Matrix<C, Eigen::Dynamic, 1> vals;
  MatC vecs;
  bool ok;
  if constexpr (cplx) {
    Eigen::ComplexEigenSolver<MatC> es(m, vectors);
    ok = es.info() == Eigen::Success;
    vals = es.eigenvalues();
    if (vectors && ok) vecs = es.eigenvectors();
  } else {
    Eigen::EigenSolver<Eigen::MatrixXd> es(m, vectors);
    ok = es.info() == Eigen::Success;
    vals = es.eigenvalues();
    if (vectors && ok) vecs = es.eigenvectors();
  }
  *info = ok ? 0 : 1;
  if (!ok) return;
  for (int64_t k = 0; k < n; ++k) w[k] = std::complex<Real<T>>(vals(k));
  if (!vectors) return;
  for (int64_t k = 0; k < n; ++k) {
    auto v = vecs.col(k);
    v /= v.norm();
    if (cplx || vals(k).imag() != 0) {
      Eigen::Index big = 0;
      v.cwiseAbs2().maxCoeff(&big);
      v *= std::conj(v(big)) / std::abs(v(big));
      v(big) = std::real(v(big));
    }
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (cplx) {
        vr[i + k * ldvr] = static_cast<T>(v(i));
      } else if (vals(k).imag() == 0) {
        vr[i + k * ldvr] = static_cast<T>(v(i).real());
      } else if (vals(k).imag() > 0 && k + 1 < n) {  // the pair's second column: written here
        vr[i + k * ldvr] = static_cast<T>(v(i).real());
        vr[i + (k + 1) * ldvr] = static_cast<T>(v(i).imag());
      }
    }
  }
}

template <typename T>
void geev_typed(bool vectors, int64_t n, void* a, int64_t lda, void* w, void* vr, int64_t ldvr,
                int* info) {
  geev_one<T>(vectors, n, static_cast<const T*>(a), lda, static_cast<std::complex<Real<T>>*>(w),
              static_cast<T*>(vr), ldvr, info);
}

// The item size of a cudaDataType (CUDA_R_32F 0, CUDA_R_64F 1, CUDA_C_32F 4, CUDA_C_64F 5), 0
// for the others.
size_t type_size(int t) {
  return t == 0 ? 4 : t == 1 || t == 4 ? 8 : t == 5 ? 16 : 0;
}

// Xgeev's arguments as cuSOLVER takes them: no left eigenvectors, w the complex type of a's,
// vr and the compute type a's.
bool geev_arguments_valid(int jobvl, int jobvr, int64_t n, int ta, int64_t lda, int tw, int tvr,
                          int64_t ldvr, int tc) {
  const int complex_of = ta == 0 ? 4 : ta == 1 ? 5 : ta;
  return jobvl == 0 && (jobvr == 0 || jobvr == 1) && n >= 0 && type_size(ta) &&
         lda >= std::max<int64_t>(1, n) && tw == complex_of && tvr == ta && tc == ta &&
         (!jobvr || ldvr >= std::max<int64_t>(1, n));
}

int xgeev_size(void*, void*, int jobvl, int jobvr, int64_t n, int ta, const void*, int64_t lda,
               int tw, const void*, int, const void*, int64_t, int tvr, const void*, int64_t ldvr,
               int tc, size_t* device_bytes, size_t* host_bytes) {
  if (!geev_arguments_valid(jobvl, jobvr, n, ta, lda, tw, tvr, ldvr, tc)) return kInvalid;
  *device_bytes = *host_bytes = 64;
  return 0;
}

int xgeev(void* h, void* params, int jobvl, int jobvr, int64_t n, int ta, void* a, int64_t lda,
          int tw, void* w, int tvl, void* vl, int64_t ldvl, int tvr, void* vr, int64_t ldvr, int tc,
          void* device_work, size_t device_bytes, void* host_work, size_t host_bytes, int* info) {
  if (!geev_arguments_valid(jobvl, jobvr, n, ta, lda, tw, tvr, ldvr, tc)) return kInvalid;
  if (capturing(h)) {
    record(cudaGraphNodeTypeKernel, [=] {
      xgeev(h, params, jobvl, jobvr, n, ta, a, lda, tw, w, tvl, vl, ldvl, tvr, vr, ldvr, tc,
            device_work, device_bytes, host_work, host_bytes, info);
    });
    return 0;
  }
  const size_t item = type_size(ta);
  if (!device_range(a, static_cast<size_t>(lda) * n * item) ||
      !device_range(w, n * type_size(tw)) || !device_range(info, sizeof(int)) ||
      (jobvr && !device_range(vr, static_cast<size_t>(ldvr) * n * item)))
    return kInvalid;
  with_device_access([&] {
    const bool vectors = jobvr == 1;
    if (ta == 0) geev_typed<float>(vectors, n, a, lda, w, vr, ldvr, info);
    if (ta == 1) geev_typed<double>(vectors, n, a, lda, w, vr, ldvr, info);
    if (ta == 4) geev_typed<std::complex<float>>(vectors, n, a, lda, w, vr, ldvr, info);
    if (ta == 5) geev_typed<std::complex<double>>(vectors, n, a, lda, w, vr, ldvr, info);
  });
  return 0;
}

int xgetrf_size(void*, void*, int64_t m, int64_t n, int ta, const void*, int64_t lda, int tc,
                size_t* device_bytes, size_t* host_bytes) {
  if (m < 0 || n < 0 || !type_size(ta) || ta != tc || lda < std::max<int64_t>(1, m))
    return kInvalid;
  *device_bytes = *host_bytes = 0;  // (a query that asks for no host workspace, as cuSOLVER's)
  return 0;
}

int xgetrf(void* h, void* params, int64_t m, int64_t n, int ta, void* a, int64_t lda, int64_t* ipiv,
           int tc, void* device_work, size_t device_bytes, void* host_work, size_t host_bytes,
           int* info) {
  if (m < 0 || n < 0 || !type_size(ta) || ta != tc || lda < std::max<int64_t>(1, m))
    return kInvalid;
  if (capturing(h)) {
    record(cudaGraphNodeTypeKernel, [=] {
      xgetrf(h, params, m, n, ta, a, lda, ipiv, tc, device_work, device_bytes, host_work,
             host_bytes, info);
    });
    return 0;
  }
  if (!device_range(a, static_cast<size_t>(lda) * n * type_size(ta)) ||
      !device_range(ipiv, sizeof(int64_t) * std::min(m, n)) || !device_range(info, sizeof(int)))
    return kInvalid;
  with_device_access([&] {
    if (ta == 0) *info = getf2(m, n, static_cast<float*>(a), lda, ipiv);
    if (ta == 1) *info = getf2(m, n, static_cast<double*>(a), lda, ipiv);
    if (ta == 4) *info = getf2(m, n, static_cast<std::complex<float>*>(a), lda, ipiv);
    if (ta == 5) *info = getf2(m, n, static_cast<std::complex<double>*>(a), lda, ipiv);
  });
  return 0;
}

int create_params(void** params) {
  static int the_params;
  *params = &the_params;
  return 0;
}

template <typename T>
void add_type(std::vector<std::pair<std::string, void*>>& r, const std::string& c, bool cplx) {
  const std::string p = "cusolver/cusolverDn" + c;
  const std::string q_name = cplx ? "ungqr" : "orgqr", eig_name = cplx ? "heevd" : "syevd";
  r.emplace_back(p + "geqrf_bufferSize", reinterpret_cast<void*>(geqrf_size<T>));
  r.emplace_back(p + "geqrf", reinterpret_cast<void*>(geqrf<T>));
  r.emplace_back(p + q_name + "_bufferSize", reinterpret_cast<void*>(orgqr_size<T>));
  r.emplace_back(p + q_name, reinterpret_cast<void*>(orgqr<T>));
  r.emplace_back(p + eig_name + "_bufferSize", reinterpret_cast<void*>(syevd_size<T>));
  r.emplace_back(p + eig_name, reinterpret_cast<void*>(syevd<T>));
  r.emplace_back(p + "gesvd_bufferSize", reinterpret_cast<void*>(gesvd_size<T>));
  r.emplace_back(p + "gesvd", reinterpret_cast<void*>(gesvd<T>));
}

}  // namespace

std::vector<std::pair<std::string, void*>> solver_symbols() {
  std::vector<std::pair<std::string, void*>> r;
  add_type<float>(r, "S", false);
  add_type<double>(r, "D", false);
  add_type<std::complex<float>>(r, "C", true);
  add_type<std::complex<double>>(r, "Z", true);
  r.emplace_back("cusolver/cusolverDnXgeev_bufferSize", reinterpret_cast<void*>(xgeev_size));
  r.emplace_back("cusolver/cusolverDnXgeev", reinterpret_cast<void*>(xgeev));
  r.emplace_back("cusolver/cusolverDnXgetrf_bufferSize", reinterpret_cast<void*>(xgetrf_size));
  r.emplace_back("cusolver/cusolverDnXgetrf", reinterpret_cast<void*>(xgetrf));
  r.emplace_back("cusolver/cusolverDnCreateParams", reinterpret_cast<void*>(create_params));
  return r;
}

}  // namespace arrax::cuda::emu
