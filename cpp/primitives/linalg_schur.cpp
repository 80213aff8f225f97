// The Schur family over stacks of square matrices, with LAPACK's (and so jax.lax.linalg's)
// output conventions:
//   linalg_schur: (T, Z) with A = Z T Z^H; Eigen's RealSchur for real A (T quasi-triangular,
//     2 x 2 blocks for complex pairs), ComplexSchur for complex A (T triangular). As JAX's,
//     a matrix where the QR iteration does not converge gives NaNs rather than an error.
//   linalg_hessenberg: (packed, taus) as gehrd: H in the upper triangle and first
//     subdiagonal, the Householder vectors below it; Q = H_0 ... H_{n-2}, H_i = I - tau_i v v^H.
//   linalg_tridiagonal (lower): (packed, d, e, taus) as sytrd, reading one triangle only.
//   linalg_householder_product: Q = H_0 ... H_{k-1} (m x n) from packed vectors, as orgqr.
// None of them has a derivative (JAX defines none); their rules are in
// python/arrax/_rules/linalg_schur.py.
#include <Eigen/Eigenvalues>
#include <limits>

#include "primitives/linalg_common.h"

namespace arrax::linalg {
namespace {

template <typename T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

template <typename T>
T nan_of() {
  const real_of<T> q = std::numeric_limits<real_of<T>>::quiet_NaN();
  if constexpr (is_complex_v<T>)
    return T(q, q);
  else
    return q;
}

std::vector<Array> schur_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous();
  check_matrix("schur", {a.shape(), a.dtype()}, true);
  const int64_t n = a.shape().back();
  const int64_t batch = n ? a.size() / (n * n) : 0;
  Array t = Array::empty(a.shape(), a.dtype());
  Array z = Array::empty(a.shape(), a.dtype());
  if (n == 0) return {t, z};  // (Eigen's solvers report an empty matrix as a failure)
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for_batch(batch, 10 * n * n * n, [&](int64_t b) {
      MapC<T> m(a.data_as<T>() + b * n * n, n, n);
      MapM<T> tm(t.data_as<T>() + b * n * n, n, n), zm(z.data_as<T>() + b * n * n, n, n);
      bool ok;
      if constexpr (is_complex_v<T>) {
        Eigen::ComplexSchur<Mat<T>> s(m, true);
        ok = s.info() == Eigen::Success;
        tm = s.matrixT().template triangularView<Eigen::Upper>();
        zm = s.matrixU();
      } else {
        Eigen::RealSchur<Mat<T>> s(m, true);
        ok = s.info() == Eigen::Success;
        tm = s.matrixT();
        zm = s.matrixU();
        // Below the first subdiagonal T is zero by construction; make it exactly so.
        for (int64_t i = 2; i < n; ++i) tm.row(i).head(i - 1).setZero();
      }
      if (!ok) {
        tm.setConstant(nan_of<T>());
        zm.setConstant(nan_of<T>());
      }
    });
  });
  return {t, z};
}

std::vector<Array> hessenberg_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous();
  check_matrix("hessenberg", {a.shape(), a.dtype()}, true);
  const int64_t n = a.shape().back(), k = std::max<int64_t>(n - 1, 0);
  const Shape bs = batch_of(a.shape());
  const int64_t batch = shape_size(bs);
  Array packed = Array::empty(a.shape(), a.dtype());
  Array taus = Array::empty(with_last(bs, {k}), a.dtype());
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for_batch(batch, 10 * n * n * n / 3 + 1, [&](int64_t b) {
      MapC<T> m(a.data_as<T>() + b * n * n, n, n);
      MapM<T> out(packed.data_as<T>() + b * n * n, n, n);
      Eigen::Map<Vec<T>> tau(taus.data_as<T>() + b * k, k);
      if (n <= 1) {  // already Hessenberg, with no reflector
        out = m;
        return;
      }
      Eigen::HessenbergDecomposition<Mat<T>> hd(m);
      out = hd.packedMatrix();
      // Eigen applies H = I - h v v^H as A <- H A H^H, so its Q is the product of the
      // I - conj(h) v v^H (its matrixQ() conjugates them): LAPACK's tau is conj(h).
      tau = hd.householderCoefficients().conjugate();
    });
  });
  return {packed, taus};
}

std::vector<Array> tridiagonal_kernel(const std::vector<Array>& in, const Params& p) {
  const Array a = in[0].contiguous();
  check_matrix("tridiagonal", {a.shape(), a.dtype()}, true);
  const bool lower = p.get_int("lower") != 0;
  const int64_t n = a.shape().back(), k = std::max<int64_t>(n - 1, 0);
  const Shape bs = batch_of(a.shape());
  const int64_t batch = shape_size(bs);
  const DType rdt = real_dtype(a.dtype());
  Array packed = Array::empty(a.shape(), a.dtype());
  Array d = Array::empty(with_last(bs, {n}), rdt);
  Array e = Array::empty(with_last(bs, {k}), rdt);
  Array taus = Array::empty(with_last(bs, {k}), a.dtype());
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using R = real_of<T>;
    for_batch(batch, 4 * n * n * n / 3 + 1, [&](int64_t b) {
      MapC<T> m(a.data_as<T>() + b * n * n, n, n);
      MapM<T> out(packed.data_as<T>() + b * n * n, n, n);
      Eigen::Map<Vec<R>> dv(d.data_as<R>() + b * n, n), ev(e.data_as<R>() + b * k, k);
      Eigen::Map<Vec<T>> tau(taus.data_as<T>() + b * k, k);
      out = m;  // (the triangle not read is returned as it was, as LAPACK's sytrd does)
      if (n <= 1) {
        for (int64_t i = 0; i < n; ++i) {
          dv(i) = std::real(m(i, i));
          out(i, i) = T(dv(i));
        }
        return;
      }
      // Eigen reduces the lower triangle from the top. The upper triangle, which sytrd
      // reduces from the bottom, is the lower one of B = J conj(A) J (J reverses the order):
      // B = Qb Tb Qb^H gives A = (J conj(Qb) J) (J Tb J) (J conj(Qb) J)^H, whose reflectors
      // are B's reversed and conjugated: sytrd's upper layout exactly.
      Mat<T> bm = lower ? Mat<T>(m) : Mat<T>(m.reverse().conjugate());
      // Eigen's reduction reads more than the lower triangle: hand it the Hermitian matrix
      // that triangle defines (the other may hold anything).
      bm.template triangularView<Eigen::StrictlyUpper>() = bm.adjoint();
      Eigen::Tridiagonalization<Mat<T>> tr(bm);
      const Mat<T>& pb = tr.packedMatrix();
      const Vec<R> db = tr.diagonal(), eb = tr.subDiagonal();
      const Vec<T> hb = tr.householderCoefficients();
      if (lower) {
        for (int64_t j = 0; j < n; ++j)
          for (int64_t i = j + 2; i < n; ++i) out(i, j) = pb(i, j);
        dv = db;
        ev = eb;
        tau = hb.conjugate();  // (as in hessenberg_kernel)
        for (int64_t i = 0; i < n; ++i) out(i, i) = T(dv(i));
        for (int64_t i = 0; i + 1 < n; ++i) out(i + 1, i) = T(ev(i));
      } else {
        for (int64_t j = 0; j < n; ++j)
          for (int64_t i = 0; i + 2 <= j; ++i)
            out(i, j) = Eigen::numext::conj(pb(n - 1 - i, n - 1 - j));
        dv = db.reverse();
        ev = eb.reverse();
        tau = hb.reverse();  // conj(conj(h)): B's LAPACK taus, conjugated with its vectors
        for (int64_t i = 0; i < n; ++i) out(i, i) = T(dv(i));
        for (int64_t i = 0; i + 1 < n; ++i) out(i, i + 1) = T(ev(i));
      }
    });
  });
  return {packed, d, e, taus};
}

void check_householder(const AbstractValue& a, const AbstractValue& taus) {
  check_matrix("householder_product", a, false);
  const size_t nd = a.shape.size();
  const int64_t m = a.shape[nd - 2], n = a.shape[nd - 1];
  if (m < n)
    throw ValueError("householder_product: a must have at least as many rows as columns, got " +
                     shape_str(a.shape));
  if (taus.dtype != a.dtype)
    throw TypeError(std::string("householder_product: a and taus must share a dtype, got ") +
                    dtype_name(a.dtype) + " and " + dtype_name(taus.dtype));
  if (taus.shape.size() != nd - 1 ||
      !std::equal(a.shape.begin(), a.shape.end() - 2, taus.shape.begin()) || taus.shape.back() > n)
    throw ValueError("householder_product: taus' shape " + shape_str(taus.shape) +
                     " does not match a's " + shape_str(a.shape) +
                     " (taus must be (..., k) with a's batch and k <= n)");
}

std::vector<Array> householder_product_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous(), taus = in[1].contiguous();
  check_householder({a.shape(), a.dtype()}, {taus.shape(), taus.dtype()});
  const int64_t m = a.shape()[a.ndim() - 2], n = a.shape().back(), k = taus.shape().back();
  const int64_t batch = shape_size(batch_of(a.shape()));
  Array q = Array::empty(a.shape(), a.dtype());
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for_batch(batch, 4 * m * n * std::max<int64_t>(k, 1), [&](int64_t b) {
      MapC<T> v(a.data_as<T>() + b * m * n, m, n);
      const T* tau = taus.data_as<T>() + b * k;
      MapM<T> out(q.data_as<T>() + b * m * n, m, n);
      Mat<T> qm = Mat<T>::Identity(m, n);
      // Applied right to left, as orgqr: H_i only touches rows i.., which hold the identity's
      // columns i.. only while the later reflectors are applied.
      Vec<T> vi;
      for (int64_t i = k - 1; i >= 0; --i) {
        vi.resize(m - i);
        vi(0) = T(1);
        vi.tail(m - i - 1) = v.col(i).tail(m - i - 1);
        auto rows = qm.bottomRows(m - i);
        const Eigen::Matrix<T, 1, Eigen::Dynamic> w = vi.adjoint() * rows;
        rows.noalias() -= (tau[i] * vi) * w;
      }
      out = qm;
    });
  });
  return {q};
}

const Primitive& schur_p = register_linalg(
    "linalg_schur", 1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("schur", in[0], true);
      return std::vector<AbstractValue>{av(in[0].shape, in[0].dtype), av(in[0].shape, in[0].dtype)};
    },
    schur_kernel);

const Primitive& hessenberg_p = register_linalg(
    "linalg_hessenberg", 1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("hessenberg", in[0], true);
      const int64_t k = std::max<int64_t>(in[0].shape.back() - 1, 0);
      return std::vector<AbstractValue>{av(in[0].shape, in[0].dtype),
                                        av(with_last(batch_of(in[0].shape), {k}), in[0].dtype)};
    },
    hessenberg_kernel);

const Primitive& tridiagonal_p = register_linalg(
    "linalg_tridiagonal", 1,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_matrix("tridiagonal", in[0], true);
      const int64_t n = in[0].shape.back(), k = std::max<int64_t>(n - 1, 0);
      const Shape bs = batch_of(in[0].shape);
      const DType r = real_dtype(in[0].dtype);
      return std::vector<AbstractValue>{av(in[0].shape, in[0].dtype), av(with_last(bs, {n}), r),
                                        av(with_last(bs, {k}), r),
                                        av(with_last(bs, {k}), in[0].dtype)};
    },
    tridiagonal_kernel);

const Primitive& householder_product_p = register_linalg(
    "linalg_householder_product", 2,
    [](const std::vector<AbstractValue>& in, const Params&) {
      check_householder(in[0], in[1]);
      return std::vector<AbstractValue>{av(in[0].shape, in[0].dtype)};
    },
    householder_product_kernel);

}  // namespace
}  // namespace arrax::linalg
