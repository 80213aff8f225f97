// BDCSVD for float32 and float64 (see linalg_svd.cpp).
#include "primitives/linalg_svd_impl.h"

namespace arrax::linalg {
template void svd_stack<float>(const Array&, const Array&, const Array&, const Array&, int64_t,
                               int64_t, int64_t, int64_t);
template void svd_stack<double>(const Array&, const Array&, const Array&, const Array&, int64_t,
                                int64_t, int64_t, int64_t);
}  // namespace arrax::linalg
