// Equality comparisons (eq, ne: every dtype, bool result), logical/bitwise and, or, xor (bool and
// integers) and shifts (integers). The ordering comparisons are in compare_order.cpp (split for
// compile time).
#include <cstddef>

#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

struct EqFn {
  template <typename T>
  static bool f(T a, T b) {
    return a == b;
  }
};
struct NeFn {
  template <typename T>
  static bool f(T a, T b) {
    return a != b;
  }
};
template <typename T>
constexpr bool int_or_bool_v = is_int_v<T> || std::is_same_v<T, bool>;

// Logical for bool, bitwise for integers.
struct And {
  template <typename T>
  static constexpr bool supports = int_or_bool_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_same_v<T, bool>)
      return a && b;
    else
      return static_cast<T>(a & b);
  }
};
struct Or {
  template <typename T>
  static constexpr bool supports = int_or_bool_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_same_v<T, bool>)
      return a || b;
    else
      return static_cast<T>(a | b);
  }
};
struct Xor {
  template <typename T>
  static constexpr bool supports = int_or_bool_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_same_v<T, bool>)
      return a != b;
    else
      return static_cast<T>(a ^ b);
  }
};

// NumPy's npy_lshift: a shift by at least the bit width (or by a negative amount) gives 0.
struct ShiftLeft {
  template <typename T>
  static constexpr bool supports = is_int_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    using U = std::make_unsigned_t<T>;
    if (static_cast<size_t>(b) < sizeof(T) * 8)
      return static_cast<T>(static_cast<U>(static_cast<U>(a) << b));
    return 0;
  }
};

// NumPy's npy_rshift: arithmetic for signed types; a shift by at least the bit width (or by a
// negative amount) gives the sign fill: -1 for negative a, 0 otherwise.
struct ShiftRight {
  template <typename T>
  static constexpr bool supports = is_int_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    if (static_cast<size_t>(b) < sizeof(T) * 8) return static_cast<T>(a >> b);
    if constexpr (std::is_signed_v<T>)
      if (a < 0) return -1;
    return 0;
  }
};

const Primitive& eq_p = register_binary<CompareOp<EqFn>>("eq");
const Primitive& ne_p = register_binary<CompareOp<NeFn>>("ne");
const Primitive& and_p = register_binary<And>("and");
const Primitive& or_p = register_binary<Or>("or");
const Primitive& xor_p = register_binary<Xor>("xor");
const Primitive& shift_left_p = register_binary<ShiftLeft>("shift_left");
const Primitive& shift_right_p = register_binary<ShiftRight>("shift_right");

}  // namespace
}  // namespace arrax::ew
