// General eigendecompositions of stacks of matrices (Eigen's EigenSolver and
// ComplexEigenSolver), with LAPACK's normalization: unit eigenvectors, complex ones with their
// largest component real.
#include <Eigen/Eigenvalues>

#include "primitives/linalg_common.h"

namespace arrax::linalg {

std::vector<Array> eig_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous();
  check_matrix("eig", {a.shape(), a.dtype()}, true);
  const int64_t n = a.shape().back();
  const Shape bs = batch_of(a.shape());
  const DType cdt = complex_dtype(a.dtype());
  Array w = Array::empty(with_last(bs, {n}), cdt);
  Array v = Array::empty(a.shape(), cdt);
  if (n == 0) return {w, v};  // (Eigen's complex solver reports a 0 x 0 matrix as a failure)
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = std::complex<real_of<T>>;
    for_batch(shape_size(bs), n * n * n, [&](int64_t b) {
      MapC<T> m(a.data_as<T>() + b * n * n, n, n);
      Eigen::Matrix<C, Eigen::Dynamic, 1> vals;
      Mat<C> vecs;
      if constexpr (is_complex_v<T>) {
        Eigen::ComplexEigenSolver<Mat<T>> es(m);
        if (es.info() != Eigen::Success) throw LinAlgError("Eigenvalues did not converge");
        vals = es.eigenvalues();
        vecs = es.eigenvectors();
      } else {
        Eigen::EigenSolver<Mat<T>> es(m);
        if (es.info() != Eigen::Success) throw LinAlgError("Eigenvalues did not converge");
        vals = es.eigenvalues();
        vecs = es.eigenvectors();
      }
      vecs.colwise().normalize();
      // LAPACK's (NumPy's) phase: a complex eigenvector turned so that its largest component is
      // real and positive (a real one of a real matrix keeps its sign, as LAPACK's does).
      for (int64_t k = 0; k < n; ++k) {
        if (!is_complex_v<T> && vals(k).imag() == 0) continue;
        auto col = vecs.col(k);
        Eigen::Index big = 0;
        col.cwiseAbs2().maxCoeff(&big);
        if (col(big) == C(0)) continue;
        col *= std::conj(col(big)) / std::abs(col(big));
        col(big) = C(std::real(col(big)), 0);
      }
      Eigen::Map<Eigen::Matrix<C, Eigen::Dynamic, 1>>(w.data_as<C>() + b * n, n) = vals;
      MapM<C>(v.data_as<C>() + b * n * n, n, n) = vecs;
    });
  });
  return {w, v};
}

}  // namespace arrax::linalg
