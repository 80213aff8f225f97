// Dense linear algebra with Eigen, over stacks of matrices (the trailing two dimensions;
// leading ones are a batch, split over the thread pool): inverse, solve, slogdet, Cholesky,
// thin QR, thin SVD, Hermitian and general eigendecompositions. float32/float64 and their
// complex types; the numpy.linalg layer (python/arrax/numpy/linalg.py) converts others.
// Their differentiation and batching rules are in python/arrax/numpy/linalg.py.
#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <Eigen/QR>

#include "primitives/linalg_common.h"

namespace arrax::linalg {
namespace {

// ---- inverse, solve, slogdet: LU with partial pivoting -----------------------------------

template <typename T>
bool singular(const Eigen::PartialPivLU<Mat<T>>& lu) {
  const auto& m = lu.matrixLU();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    if (m(i, i) == T(0)) return true;
  return false;
}

std::vector<Array> inv_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous();
  check_matrix("inv", {a.shape(), a.dtype()}, true);
  const int64_t n = a.shape().back(), batch = n ? a.size() / (n * n) : 0;
  Array out = Array::empty(a.shape(), a.dtype());
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for_batch(batch, n * n * n, [&](int64_t b) {
      Eigen::PartialPivLU<Mat<T>> lu(MapC<T>(a.data_as<T>() + b * n * n, n, n));
      if (singular(lu)) throw LinAlgError("Singular matrix");
      MapM<T>(out.data_as<T>() + b * n * n, n, n) = lu.inverse();
    });
  });
  return {out};
}

std::vector<Array> solve_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous(), rhs = in[1].contiguous();
  check_matrix("solve", {a.shape(), a.dtype()}, true);
  if (rhs.dtype() != a.dtype()) throw TypeError("solve: a and b must share a dtype");
  const int64_t n = a.shape().back(), batch = n ? a.size() / (n * n) : 0;
  const bool vector = rhs.ndim() == a.ndim() - 1;
  const int64_t k = vector ? 1 : rhs.shape().back();
  if ((vector ? rhs.shape().back() : rhs.shape()[rhs.ndim() - 2]) != n ||
      (batch && rhs.size() != batch * n * k))
    throw ValueError("solve: b's shape " + shape_str(rhs.shape()) + " does not match a's " +
                     shape_str(a.shape()));
  Array out = Array::empty(rhs.shape(), rhs.dtype());
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for_batch(batch, n * n * n, [&](int64_t b) {
      Eigen::PartialPivLU<Mat<T>> lu(MapC<T>(a.data_as<T>() + b * n * n, n, n));
      if (singular(lu)) throw LinAlgError("Singular matrix");
      MapM<T>(out.data_as<T>() + b * n * k, n, k) =
          lu.solve(MapC<T>(rhs.data_as<T>() + b * n * k, n, k));
    });
  });
  return {out};
}

// LAPACK's unblocked LU (xgetf2) of an m x n matrix in place, with its k = min(m, n) 0-based
// pivots: each column's pivot is its item of largest |x| (for complex numbers |re| + |im|,
// LAPACK's izamax measure, where Eigen's PartialPivLU takes the largest modulus, which picked
// another row than SciPy's and JAX's for about a third of random 6 x 6 complex matrices). A zero
// pivot leaves its column unscaled. Used for complex and for rectangular matrices (Eigen's
// partial-pivoting LU, blocked and faster, takes square ones only).
template <typename T>
void lu_lapack(Mat<T>& m, int* pivots) {
  const Eigen::Index rows = m.rows(), cols = m.cols(), k = std::min(rows, cols);
  auto measure = [](const T& x) {
    if constexpr (Eigen::NumTraits<T>::IsComplex)
      return std::abs(x.real()) + std::abs(x.imag());
    else
      return std::abs(x);
  };
  for (Eigen::Index j = 0; j < k; ++j) {
    Eigen::Index best = j;
    real_of<T> most = -1;
    for (Eigen::Index i = j; i < rows; ++i)
      if (measure(m(i, j)) > most) {
        most = measure(m(i, j));
        best = i;
      }
    pivots[j] = static_cast<int>(best);
    if (m(best, j) == T(0)) continue;
    if (best != j) m.row(j).swap(m.row(best));
    const Eigen::Index below = rows - j - 1, right = cols - j - 1;
    m.col(j).tail(below) /= m(j, j);
    m.bottomRightCorner(below, right).noalias() -= m.col(j).tail(below) * m.row(j).tail(right);
  }
}

// The LU factorization itself (scipy.linalg.lu_factor, lax.linalg.lu) of m x n matrices:
// a[perm] = L U with L unit lower (m x k, k = min(m, n)) and U upper (k x n) packed in one
// m x n matrix, LAPACK's k 0-based row interchanges (row i swapped with pivots[i], in turn) and
// the permutation of the m rows they make. A singular matrix is not an error (U has a zero on
// its diagonal), as in LAPACK's getrf.
std::vector<Array> lu_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous();
  check_matrix("lu", {a.shape(), a.dtype()}, false);
  const int64_t m = a.shape()[a.ndim() - 2], n = a.shape().back(), k = std::min(m, n);
  const int64_t batch = m * n ? a.size() / (m * n) : 0;
  const Shape bs = batch_of(a.shape());
  Array lu = Array::empty(a.shape(), a.dtype());
  Array piv = Array::empty(with_last(bs, {k}), DType::Int32);
  Array perm = Array::empty(with_last(bs, {m}), DType::Int32);
  if (batch == 0) {  // no items: the permutations are the identity (of m rows, maybe none)
    for (int64_t b = 0; b < shape_size(bs); ++b)
      for (int64_t i = 0; i < m; ++i) perm.data_as<int>()[b * m + i] = static_cast<int>(i);
    return {lu, piv, perm};
  }
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for_batch(batch, m * n * k, [&](int64_t b) {
      int* pm = perm.data_as<int>() + b * m;
      int* pv = piv.data_as<int>() + b * k;
      if (Eigen::NumTraits<T>::IsComplex || m != n) {
        Mat<T> f = MapC<T>(a.data_as<T>() + b * m * n, m, n);
        lu_lapack(f, pv);
        MapM<T>(lu.data_as<T>() + b * m * n, m, n) = f;
        for (int64_t i = 0; i < m; ++i) pm[i] = static_cast<int>(i);
        for (int64_t i = 0; i < k; ++i) std::swap(pm[i], pm[pv[i]]);
        return;
      }
      Eigen::PartialPivLU<Mat<T>> f(MapC<T>(a.data_as<T>() + b * n * n, n, n));
      MapM<T>(lu.data_as<T>() + b * n * n, n, n) = f.matrixLU();
      // (P a)'s row i is a's row perm[i]: P applied to 0..n-1.
      const Eigen::VectorXi rows = f.permutationP() * Eigen::VectorXi::LinSpaced(n, 0, n - 1);
      std::vector<int> at(n), where(n);  // the row at each position, each row's position
      for (int64_t i = 0; i < n; ++i) at[i] = where[i] = static_cast<int>(i);
      for (int64_t i = 0; i < n; ++i) {
        pm[i] = rows[i];
        const int j = where[rows[i]];  // the interchange that brings row perm[i] to i
        pv[i] = j;
        std::swap(at[i], at[j]);
        where[at[i]] = static_cast<int>(i);
        where[at[j]] = j;
      }
    });
  });
  return {lu, piv, perm};
}

std::vector<Array> slogdet_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous();
  check_matrix("slogdet", {a.shape(), a.dtype()}, true);
  const int64_t n = a.shape().back();
  const Shape bs = batch_of(a.shape());
  Array sign = Array::empty(bs, a.dtype()), logdet = Array::empty(bs, real_dtype(a.dtype()));
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using R = real_of<T>;
    for_batch(shape_size(bs), n * n * n, [&](int64_t b) {
      T s(1);
      R l(0);
      if (n > 0) {
        Eigen::PartialPivLU<Mat<T>> lu(MapC<T>(a.data_as<T>() + b * n * n, n, n));
        s = T(R(lu.permutationP().determinant()));
        const auto& m = lu.matrixLU();
        for (int64_t i = 0; i < n; ++i) {
          const R mag = std::abs(m(i, i));
          if (mag == R(0)) {
            s = T(0);
            l = -std::numeric_limits<R>::infinity();
            break;
          }
          s *= m(i, i) / mag;
          l += std::log(mag);
        }
      }
      sign.data_as<T>()[b] = s;
      logdet.data_as<R>()[b] = l;
    });
  });
  return {sign, logdet};
}

// ---- Cholesky, QR, SVD, eigendecompositions ---------------------------------------------

std::vector<Array> cholesky_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous();
  check_matrix("cholesky", {a.shape(), a.dtype()}, true);
  const int64_t n = a.shape().back(), batch = n ? a.size() / (n * n) : 0;
  Array out = Array::empty(a.shape(), a.dtype());
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for_batch(batch, n * n * n, [&](int64_t b) {
      Eigen::LLT<Mat<T>, Eigen::Lower> llt(MapC<T>(a.data_as<T>() + b * n * n, n, n));
      if (llt.info() != Eigen::Success) throw LinAlgError("Matrix is not positive definite");
      MapM<T>(out.data_as<T>() + b * n * n, n, n) = llt.matrixL();
    });
  });
  return {out};
}

std::vector<Array> qr_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous();
  check_matrix("qr", {a.shape(), a.dtype()}, false);
  const int64_t m = a.shape()[a.ndim() - 2], n = a.shape().back(), k = std::min(m, n);
  const Shape bs = batch_of(a.shape());
  const int64_t batch = shape_size(bs);
  Array q = Array::empty(with_last(bs, {m, k}), a.dtype());
  Array r = Array::empty(with_last(bs, {k, n}), a.dtype());
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    // Eigen's Householder vectors square the column norms, where LAPACK scales them: in float32
    // entries past ~1e19 overflow, and below ~1e-19 vanish. 32-bit matrices are factored in
    // double precision (as 64-bit ones are), which holds every float32 value's square.
    using W = std::conditional_t<
        std::is_same_v<T, float>, double,
        std::conditional_t<std::is_same_v<T, std::complex<float>>, std::complex<double>, T>>;
    for_batch(batch, m * n * k, [&](int64_t b) {
      const Mat<W> x = MapC<T>(a.data_as<T>() + b * m * n, m, n).template cast<W>();
      Eigen::HouseholderQR<Mat<W>> qr(x);
      MapM<T>(q.data_as<T>() + b * m * k, m, k) =
          (qr.householderQ() * Mat<W>::Identity(m, k)).template cast<T>();
      MapM<T>(r.data_as<T>() + b * k * n, k, n) =
          Mat<W>(qr.matrixQR().topRows(k).template triangularView<Eigen::Upper>())
              .template cast<T>();
    });
  });
  return {q, r};
}

// ---- registration ---------------------------------------------------------------------------

std::vector<AbstractValue> same_aval(const std::vector<AbstractValue>& in, const Params&) {
  check_matrix("inv", in[0], true);
  return {av(in[0].shape, in[0].dtype)};
}

const Primitive& inv_p = register_linalg("linalg_inv", 1, same_aval, inv_kernel);
const Primitive& solve_p = register_linalg(
    "linalg_solve", 2,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("solve", in[0], true);
      return std::vector<AbstractValue>{av(in[1].shape, in[1].dtype)};
    },
    solve_kernel);
const Primitive& slogdet_p = register_linalg(
    "linalg_slogdet", 1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("slogdet", in[0], true);
      Shape b = batch_of(in[0].shape);
      return std::vector<AbstractValue>{av(b, in[0].dtype), av(b, real_dtype(in[0].dtype))};
    },
    slogdet_kernel);
const Primitive& lu_p = register_linalg(
    "linalg_lu", 1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("lu", in[0], false);  // m x n: pivots (k = min(m, n)), a permutation of m
      const Shape& s = in[0].shape;
      const int64_t m = s[s.size() - 2], n = s.back();
      const Shape b = batch_of(s);
      return std::vector<AbstractValue>{av(s, in[0].dtype),
                                        av(with_last(b, {std::min(m, n)}), DType::Int32),
                                        av(with_last(b, {m}), DType::Int32)};
    },
    lu_kernel);
const Primitive& cholesky_p = register_linalg(
    "linalg_cholesky", 1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("cholesky", in[0], true);
      return std::vector<AbstractValue>{av(in[0].shape, in[0].dtype)};
    },
    cholesky_kernel);
const Primitive& qr_p = register_linalg(
    "linalg_qr", 1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("qr", in[0], false);
      const Shape& s = in[0].shape;
      const int64_t m = s[s.size() - 2], n = s.back(), k = std::min(m, n);
      Shape b = batch_of(s);
      return std::vector<AbstractValue>{av(with_last(b, {m, k}), in[0].dtype),
                                        av(with_last(b, {k, n}), in[0].dtype)};
    },
    qr_kernel);
const Primitive& svd_p = register_linalg(
    "linalg_svd", 1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("svd", in[0], false);
      const Shape& s = in[0].shape;
      const int64_t m = s[s.size() - 2], n = s.back(), k = std::min(m, n);
      Shape b = batch_of(s);
      return std::vector<AbstractValue>{av(with_last(b, {m, k}), in[0].dtype),
                                        av(with_last(b, {k}), real_dtype(in[0].dtype)),
                                        av(with_last(b, {k, n}), in[0].dtype)};
    },
    svd_kernel);
const Primitive& eigh_p = register_linalg(
    "linalg_eigh", 1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("eigh", in[0], true);
      Shape b = batch_of(in[0].shape, 1);
      return std::vector<AbstractValue>{av(b, real_dtype(in[0].dtype)),
                                        av(in[0].shape, in[0].dtype)};
    },
    eigh_kernel);
const Primitive& eig_p = register_linalg(
    "linalg_eig", 1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("eig", in[0], true);
      Shape b = batch_of(in[0].shape, 1);
      const DType c = complex_dtype(in[0].dtype);
      return std::vector<AbstractValue>{av(b, c), av(in[0].shape, c)};
    },
    eig_kernel);

}  // namespace
}  // namespace arrax::linalg
