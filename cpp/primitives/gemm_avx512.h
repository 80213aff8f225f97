// The AVX-512 build of the float and double GEMM blocks (gemm_avx512.cpp).
#pragma once
#include <cstdint>

namespace arrax::gemm_avx512 {

// C[r0:r1, c0:c1] = A[r0:r1, :] * B[:, c0:c1] for an M x K A and a K x N B (leading dimensions
// lda, ldb; C row-major with N columns).
template <typename T>
using BlockFn = void (*)(const T*, const T*, T*, int64_t, int64_t, int64_t, int64_t, int64_t,
                         int64_t, int64_t, int64_t, int64_t);

// Whether this CPU runs the AVX-512 blocks (always false when they were not compiled).
bool available();
BlockFn<float> float_block(bool lhs_row_major, bool rhs_row_major);
BlockFn<double> double_block(bool lhs_row_major, bool rhs_row_major);

}  // namespace arrax::gemm_avx512
