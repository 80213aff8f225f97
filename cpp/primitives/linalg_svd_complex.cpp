// BDCSVD for complex64 and complex128 (see linalg_svd.cpp).
#include "primitives/linalg_svd_impl.h"

namespace arrax::linalg {
template void svd_stack<complex64>(const Array&, const Array&, const Array&, const Array&, int64_t,
                                   int64_t, int64_t, int64_t);
template void svd_stack<complex128>(const Array&, const Array&, const Array&, const Array&, int64_t,
                                    int64_t, int64_t, int64_t);
}  // namespace arrax::linalg
