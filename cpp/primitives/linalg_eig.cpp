// General eigendecompositions of stacks of matrices (Eigen's EigenSolver and
// ComplexEigenSolver).
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
      Eigen::Map<Eigen::Matrix<C, Eigen::Dynamic, 1>>(w.data_as<C>() + b * n, n) = vals;
      MapM<C>(v.data_as<C>() + b * n * n, n, n) = vecs;
    });
  });
  return {w, v};
}

}  // namespace arrax::linalg
