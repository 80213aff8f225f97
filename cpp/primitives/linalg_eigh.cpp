// Hermitian eigendecompositions of stacks of matrices (Eigen's SelfAdjointEigenSolver).
#include <Eigen/Eigenvalues>

#include "primitives/linalg_common.h"

namespace arrax::linalg {

std::vector<Array> eigh_kernel(const std::vector<Array>& in, const Params& p) {
  const Array a = in[0].contiguous();
  check_matrix("eigh", {a.shape(), a.dtype()}, true);
  const bool upper = p.has("UPLO") && p.get<std::string>("UPLO") == "U";
  const int64_t n = a.shape().back();
  const Shape bs = batch_of(a.shape());
  Array w = Array::empty(with_last(bs, {n}), real_dtype(a.dtype()));
  Array v = Array::empty(a.shape(), a.dtype());
  if (n == 0) return {w, v};  // (Eigen's solver crashes on a 0 x 0 matrix)
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using R = real_of<T>;
    for_batch(shape_size(bs), n * n * n, [&](int64_t b) {
      MapC<T> m(a.data_as<T>() + b * n * n, n, n);
      // The solver reads the lower triangle; UPLO="U" means the upper one, whose
      // reflection is the lower triangle of the adjoint.
      Eigen::SelfAdjointEigenSolver<Mat<T>> es(upper ? Mat<T>(m.adjoint()) : Mat<T>(m));
      if (es.info() != Eigen::Success) throw LinAlgError("Eigenvalues did not converge");
      Eigen::Map<Eigen::Matrix<R, Eigen::Dynamic, 1>>(w.data_as<R>() + b * n, n) = es.eigenvalues();
      MapM<T>(v.data_as<T>() + b * n * n, n, n) = es.eigenvectors();
    });
  });
  return {w, v};
}

}  // namespace arrax::linalg
