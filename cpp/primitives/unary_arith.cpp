// Unary arithmetic primitives: neg, abs, sign, conj, reciprocal, real, imag, floor, ceil, trunc,
// round, not.
#include <limits>

#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

template <typename T>
constexpr bool numeric_v = !std::is_same_v<T, bool>;

// The real type of a complex one (complex64 -> float); T itself otherwise.
template <typename T>
struct real_of {
  using type = T;
};
template <typename R>
struct real_of<std::complex<R>> {
  using type = R;
};
template <typename T>
using real_of_t = typename real_of<T>::type;

// Integer negation that wraps (INT_MIN stays INT_MIN, unsigned wraps modulo 2^n) without UB.
template <typename T>
T wrap_neg(T x) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(U(0) - static_cast<U>(x)));
}

struct Neg {
  template <typename T>
  static constexpr bool supports = numeric_v<T>;
  template <typename T>
  static T apply(T x) {
    if constexpr (is_int_v<T>)
      return wrap_neg(x);
    else
      return -x;
  }
};

// Complex input gives the real magnitude; abs(INT_MIN) wraps to INT_MIN as in NumPy.
struct Abs {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  using out_t = real_of_t<T>;
  template <typename T>
  static out_t<T> apply(T x) {
    if constexpr (std::is_same_v<T, bool> || std::is_unsigned_v<T>)
      return x;
    else if constexpr (is_int_v<T>)
      return x < 0 ? wrap_neg(x) : x;
    else
      return std::abs(x);  // complex: hypot(re, im)
  }
};

// NumPy 2: -1/0/+1 for reals (NaN stays NaN, -0.0 gives +0.0); z/|z| for complex.
struct Sign {
  template <typename T>
  static constexpr bool supports = numeric_v<T>;
  template <typename T>
  static T apply(T x) {
    if constexpr (std::is_unsigned_v<T>) {
      return x > 0 ? 1 : 0;
    } else if constexpr (is_int_v<T>) {
      return static_cast<T>((x > 0) - (x < 0));
    } else if constexpr (is_complex_v<T>) {
      using R = real_of_t<T>;
      const R re = x.real(), im = x.imag();
      const R mag = std::hypot(re, im);
      const R nan = std::numeric_limits<R>::quiet_NaN();
      if (std::isnan(mag)) return T(nan, nan);
      if (std::isinf(mag)) {
        // Only one part infinite: the unit vector along it; both infinite: undefined (NaN).
        if (std::isinf(re)) {
          if (std::isinf(im)) return T(nan, nan);
          return T(re > 0 ? R(1) : R(-1), R(0));
        }
        return T(R(0), im > 0 ? R(1) : R(-1));
      }
      if (mag == 0) return T(R(0), R(0));
      return T(re / mag, im / mag);
    } else {
      return x > 0 ? T(1) : (x < 0 ? T(-1) : (x == 0 ? T(0) : x));
    }
  }
};

struct Conj {
  template <typename T>
  static constexpr bool supports = numeric_v<T>;
  template <typename T>
  static T apply(T x) {
    if constexpr (is_complex_v<T>)
      return std::conj(x);
    else
      return x;
  }
};

struct Reciprocal {
  template <typename T>
  static constexpr bool supports = numeric_v<T>;
  template <typename T>
  static T apply(T x) {
    if constexpr (is_int_v<T>) {
      // NumPy computes (T)(1.0 / x): 1 -> 1, -1 -> -1, every other nonzero value -> 0. For 0 the
      // conversion of inf gives x86's "integer indefinite" value: INT_MIN for 32/64-bit signed
      // types, 0 once truncated to narrower or unsigned ones.
      if (x == 0) {
        if constexpr (std::is_signed_v<T> && sizeof(T) >= 4) return std::numeric_limits<T>::min();
        return 0;
      }
      if (x == 1) return 1;
      if constexpr (std::is_signed_v<T>)
        if (x == -1) return -1;
      return 0;
    } else if constexpr (is_complex_v<T>) {
      // NumPy's algorithm (Smith's division of 1 by x).
      using R = real_of_t<T>;
      const R re = x.real(), im = x.imag();
      if (std::abs(im) <= std::abs(re)) {
        const R r = im / re, d = re + im * r;
        return T(R(1) / d, -r / d);
      }
      const R r = re / im, d = re * r + im;
      return T(r / d, R(-1) / d);
    } else {
      return T(1) / x;
    }
  }
};

struct Real {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  using out_t = real_of_t<T>;
  template <typename T>
  static out_t<T> apply(T x) {
    if constexpr (is_complex_v<T>)
      return x.real();
    else
      return x;
  }
};

// Zeros for real dtypes, as np.imag.
struct Imag {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  using out_t = real_of_t<T>;
  template <typename T>
  static out_t<T> apply(T x) {
    if constexpr (is_complex_v<T>)
      return x.imag();
    else
      return out_t<T>(0);
  }
};

// floor/ceil/trunc keep integer and bool dtypes (NumPy 2 has identity loops for them).
struct Floor {
  template <typename T>
  static constexpr bool supports = !is_complex_v<T>;
  template <typename T>
  static T apply(T x) {
    if constexpr (is_float_v<T>)
      return std::floor(x);
    else
      return x;
  }
};

struct Ceil {
  template <typename T>
  static constexpr bool supports = !is_complex_v<T>;
  template <typename T>
  static T apply(T x) {
    if constexpr (is_float_v<T>)
      return std::ceil(x);
    else
      return x;
  }
};

struct Trunc {
  template <typename T>
  static constexpr bool supports = !is_complex_v<T>;
  template <typename T>
  static T apply(T x) {
    if constexpr (is_float_v<T>)
      return std::trunc(x);
    else
      return x;
  }
};

// np.rint: round half to even (the default rounding mode), each part of a complex number.
struct Round {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  static T apply(T x) {
    if constexpr (is_float_v<T>)
      return std::nearbyint(x);
    else if constexpr (is_complex_v<T>)
      return T(std::nearbyint(x.real()), std::nearbyint(x.imag()));
    else
      return x;
  }
};

// Bitwise not for integers, logical not for bool.
struct Not {
  template <typename T>
  static constexpr bool supports = is_int_v<T> || std::is_same_v<T, bool>;
  template <typename T>
  static T apply(T x) {
    if constexpr (std::is_same_v<T, bool>)
      return !x;
    else
      return static_cast<T>(~x);
  }
};

const Primitive& neg_p = register_unary<Neg>("neg");
const Primitive& abs_p = register_unary<Abs>("abs");
const Primitive& sign_p = register_unary<Sign>("sign");
const Primitive& conj_p = register_unary<Conj>("conj");
const Primitive& reciprocal_p = register_unary<Reciprocal>("reciprocal");
const Primitive& real_p = register_unary<Real>("real");
const Primitive& imag_p = register_unary<Imag>("imag");
const Primitive& floor_p = register_unary<Floor>("floor");
const Primitive& ceil_p = register_unary<Ceil>("ceil");
const Primitive& trunc_p = register_unary<Trunc>("trunc");
const Primitive& round_p = register_unary<Round>("round");
const Primitive& not_p = register_unary<Not>("not");

}  // namespace
}  // namespace arrax::ew
