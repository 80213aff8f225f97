// Ordering comparisons lt, le, gt, ge: every dtype, bool result; NaN compares false. (eq and ne are
// in compare_bitwise.cpp.)
#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

// NumPy orders complex numbers lexicographically; a NaN in either imaginary part makes a comparison
// decided by the real parts false (NumPy's CLT/CLE/CGT/CGE macros).
template <typename T>
bool lt(T a, T b) {
  if constexpr (is_complex_v<T>)
    return (a.real() < b.real() && !std::isnan(a.imag()) && !std::isnan(b.imag())) ||
           (a.real() == b.real() && a.imag() < b.imag());
  else
    return a < b;
}
template <typename T>
bool le(T a, T b) {
  if constexpr (is_complex_v<T>)
    return (a.real() < b.real() && !std::isnan(a.imag()) && !std::isnan(b.imag())) ||
           (a.real() == b.real() && a.imag() <= b.imag());
  else
    return a <= b;
}

struct LtFn {
  template <typename T>
  static bool f(T a, T b) {
    return lt(a, b);
  }
};
struct LeFn {
  template <typename T>
  static bool f(T a, T b) {
    return le(a, b);
  }
};
struct GtFn {
  template <typename T>
  static bool f(T a, T b) {
    return lt(b, a);
  }
};
struct GeFn {
  template <typename T>
  static bool f(T a, T b) {
    return le(b, a);
  }
};

const Primitive& lt_p = register_binary<CompareOp<LtFn>>("lt");
const Primitive& le_p = register_binary<CompareOp<LeFn>>("le");
const Primitive& gt_p = register_binary<CompareOp<GtFn>>("gt");
const Primitive& ge_p = register_binary<CompareOp<GeFn>>("ge");

}  // namespace
}  // namespace arrax::ew
