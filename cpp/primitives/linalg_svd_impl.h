// The SVD of one stack of matrices, for the two translation units that instantiate it.
#pragma once
#include <Eigen/SVD>

#include "primitives/linalg_common.h"

namespace arrax::linalg {

template <typename T>
void svd_stack(const Array& a, const Array& u, const Array& s, const Array& vh, int64_t batch,
               int64_t m, int64_t n, int64_t k) {
  using R = real_of<T>;
  if (k == 0) return;  // every output is empty (Eigen's BDCSVD crashes on a 0 x 0 matrix)
  for_batch(batch, m * n * k, [&](int64_t b) {
    Eigen::BDCSVD<Mat<T>> svd(MapC<T>(a.data_as<T>() + b * m * n, m, n),
                              Eigen::ComputeThinU | Eigen::ComputeThinV);
    if (svd.info() != Eigen::Success) throw LinAlgError("SVD did not converge");
    MapM<T>(u.data_as<T>() + b * m * k, m, k) = svd.matrixU();
    Eigen::Map<Eigen::Matrix<R, Eigen::Dynamic, 1>>(s.data_as<R>() + b * k, k) =
        svd.singularValues();
    MapM<T>(vh.data_as<T>() + b * k * n, k, n) = svd.matrixV().adjoint();
  });
}

}  // namespace arrax::linalg
