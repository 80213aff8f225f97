// Eigen's GEMM compiled for AVX-512, chosen at run time by dot.cpp on CPUs that have it
// (16-wide float registers: about twice the AVX2 throughput). The rest of the engine keeps
// the AVX2 baseline. Eigen's namespace is renamed in this file so that none of its inline
// functions, compiled here with AVX-512 instructions, can stand in for the AVX2 ones
// elsewhere at link time.
#include "primitives/gemm_avx512.h"

#if ARRAX_HAVE_AVX512_GEMM
#define Eigen EigenAvx512
#include <Eigen/Core>

namespace arrax::gemm_avx512 {
namespace {

template <typename T, int LO, int RO>
void block(const T* a, const T* b, T* c, int64_t M, int64_t K, int64_t N, int64_t lda, int64_t ldb,
           int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  using MapA = Eigen::Map<const Eigen::Matrix<T, -1, -1, LO>, 0, Eigen::OuterStride<>>;
  using MapB = Eigen::Map<const Eigen::Matrix<T, -1, -1, RO>, 0, Eigen::OuterStride<>>;
  using MapC = Eigen::Map<Eigen::Matrix<T, -1, -1, Eigen::RowMajor>, 0, Eigen::OuterStride<>>;
  MapA A(a, M, K, Eigen::OuterStride<>(lda));
  MapB B(b, K, N, Eigen::OuterStride<>(ldb));
  MapC C(c, M, N, Eigen::OuterStride<>(N));
  C.block(r0, c0, r1 - r0, c1 - c0).noalias() =
      A.middleRows(r0, r1 - r0) * B.middleCols(c0, c1 - c0);
}

template <typename T>
BlockFn<T> pick(bool lhs_row_major, bool rhs_row_major) {
  constexpr int R = Eigen::RowMajor, C = Eigen::ColMajor;
  return lhs_row_major ? (rhs_row_major ? block<T, R, R> : block<T, R, C>)
                       : (rhs_row_major ? block<T, C, R> : block<T, C, C>);
}

}  // namespace

bool available() {
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  return ok;
}

BlockFn<float> float_block(bool l, bool r) {
  return pick<float>(l, r);
}
BlockFn<double> double_block(bool l, bool r) {
  return pick<double>(l, r);
}

}  // namespace arrax::gemm_avx512
#else
namespace arrax::gemm_avx512 {
bool available() {
  return false;
}
BlockFn<float> float_block(bool, bool) {
  return nullptr;
}
BlockFn<double> double_block(bool, bool) {
  return nullptr;
}
}  // namespace arrax::gemm_avx512
#endif
