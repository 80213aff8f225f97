// Thin SVD of stacks of matrices (Eigen's BDCSVD). Real and complex dtypes are instantiated in
// two translation units (linalg_svd_real.cpp, linalg_svd_complex.cpp), which build in parallel:
// BDCSVD is the slowest template in the engine to compile.
#include "primitives/linalg_common.h"

namespace arrax::linalg {

std::vector<Array> svd_kernel(const std::vector<Array>& in, const Params&) {
  const Array a = in[0].contiguous();
  check_matrix("svd", {a.shape(), a.dtype()}, false);
  const int64_t m = a.shape()[a.ndim() - 2], n = a.shape().back(), k = std::min(m, n);
  const Shape bs = batch_of(a.shape());
  Array u = Array::empty(with_last(bs, {m, k}), a.dtype());
  Array s = Array::empty(with_last(bs, {k}), real_dtype(a.dtype()));
  Array vh = Array::empty(with_last(bs, {k, n}), a.dtype());
  dispatch_linalg(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    svd_stack<T>(a, u, s, vh, shape_size(bs), m, n, k);
  });
  return {u, s, vh};
}

}  // namespace arrax::linalg
