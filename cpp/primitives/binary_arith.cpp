// Binary arithmetic primitives: add, sub, mul, div, floor_div, rem, fmod, pow, max, min, fmax,
// fmin.
#include <limits>

#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

template <typename T>
constexpr bool numeric_v = !std::is_same_v<T, bool>;
template <typename T>
constexpr bool real_v = !is_complex_v<T>;

struct Add {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_same_v<T, bool>)
      return a || b;
    else
      return static_cast<T>(a + b);
  }
};

struct Sub {
  template <typename T>
  static constexpr bool supports = numeric_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    return static_cast<T>(a - b);
  }
};

struct Mul {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_same_v<T, bool>) {
      return a && b;
    } else if constexpr (is_complex_v<T>) {
      // NumPy's product: the plain formula. std::complex's operator* follows C99 Annex G,
      // which recovers infinities ((inf+infj) * 2 = inf+infj where NumPy gives nan+nanj) and
      // costs a NaN check per element.
      return T(a.real() * b.real() - a.imag() * b.imag(),
               a.real() * b.imag() + a.imag() * b.real());
    } else {
      return static_cast<T>(a * b);
    }
  }
};

// An integer divided by zero: 0, as NumPy's, with the divide-by-zero flag raised as the
// floating-point division would (NumPy's errstate reports it: "divide by zero encountered").
// (Raised by an SSE division, where arrax reads the flags on x86-64: glibc's feraiseexcept
// raises some flags in the x87 unit instead.)
template <typename T>
T divided_by_zero() {
  volatile double zero = 0.0;
  volatile double raise = 1.0 / zero;
  (void)raise;
  return 0;
}

// MIN // -1 overflows: the overflow flag raised as NumPy's loop raises it.
inline void integer_division_overflowed() {
  volatile double big = std::numeric_limits<double>::max();
  volatile double raise = big * big;
  (void)raise;
}

// True division: numpy_api casts integer inputs to a float dtype first.
struct Div {
  template <typename T>
  static constexpr bool supports = is_float_v<T> || is_complex_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    return a / b;
  }
};

// Python's floor division: rounds toward -inf; integer division by zero gives 0 as in NumPy.
struct FloorDiv {
  template <typename T>
  static constexpr bool supports = numeric_v<T> && real_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (is_int_v<T>) {
      if (b == 0) return divided_by_zero<T>();
      if constexpr (std::is_signed_v<T>) {
        if (b == -1) {
          if (a == std::numeric_limits<T>::min()) integer_division_overflowed();
          return static_cast<T>(-static_cast<std::make_unsigned_t<T>>(a));  // wraps on MIN
        }
        T q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
        return q;
      } else {
        return a / b;
      }
    } else {
      // NumPy's npy_floor_divide: based on fmod so that a == q*b + r exactly.
      if (b == 0) return a / b;
      T mod = std::fmod(a, b);
      T div = (a - mod) / b;
      if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
      T floordiv;
      if (div != 0) {
        floordiv = std::floor(div);
        if (div - floordiv > T(0.5)) floordiv += 1;
      } else {
        floordiv = std::copysign(T(0), a / b);
      }
      return floordiv;
    }
  }
};

// Python's modulo: the result has the sign of the divisor.
struct Rem {
  template <typename T>
  static constexpr bool supports = numeric_v<T> && real_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (is_int_v<T>) {
      if (b == 0) return divided_by_zero<T>();
      if constexpr (std::is_signed_v<T>) {
        if (b == -1) return 0;
        T r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return r;
      } else {
        return a % b;
      }
    } else {
      if (b == 0) return std::fmod(a, b);
      T mod = std::fmod(a, b);
      if (mod != 0) {
        if ((b < 0) != (mod < 0)) mod += b;
      } else {
        mod = std::copysign(T(0), b);
      }
      return mod;
    }
  }
};

// C's fmod: the result has the sign of the dividend.
struct Fmod {
  template <typename T>
  static constexpr bool supports = numeric_v<T> && real_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (is_int_v<T>) {
      if (b == 0) return divided_by_zero<T>();
      if constexpr (std::is_signed_v<T>)
        if (b == -1) return 0;
      return a % b;
    } else {
      return std::fmod(a, b);
    }
  }
};

struct Pow {
  template <typename T>
  static constexpr bool supports = numeric_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (is_int_v<T>) {
      // Exponentiation by squaring with wrap-around, as NumPy's integer power.
      // Negative exponents are rejected by numpy_api before the kernel runs.
      using U = std::make_unsigned_t<T>;
      U base = static_cast<U>(a), result = 1;
      auto e = b;
      if constexpr (std::is_signed_v<T>)
        if (e < 0) return 0;
      while (e) {
        if (e & 1) result = static_cast<U>(result * base);
        base = static_cast<U>(base * base);
        e >>= 1;
      }
      return static_cast<T>(result);
    } else if constexpr (is_complex_v<T>) {
      using R = typename T::value_type;
      if (b == T(0)) return T(1);
      if (a == T(0)) return b.real() > 0 ? T(0) : T(NAN, NAN);
      // Small integer exponents by repeated squaring, as NumPy does, for exact results: with
      // NumPy's schoolbook products and Smith's quotient (std::complex's operators recover
      // infinities by C99's Annex G, which NumPy's do not).
      if (b.imag() == 0 && b.real() == std::trunc(b.real()) && std::abs(b.real()) < 100) {
        auto mul = [](T x, T y) {
          return T(x.real() * y.real() - x.imag() * y.imag(),
                   x.real() * y.imag() + x.imag() * y.real());
        };
        // NumPy unrolls 1, 2 and 3 (starting from 1 * a would turn an infinite part's zero
        // partner into NaN).
        if (b.real() == 1) return a;
        if (b.real() == 2) return mul(a, a);
        if (b.real() == 3) return mul(a, mul(a, a));
        int64_t n = static_cast<int64_t>(std::abs(b.real()));
        T result(1), base = a;
        while (n) {
          if (n & 1) result = mul(result, base);
          base = mul(base, base);
          n >>= 1;
        }
        if (b.real() >= 0) return result;
        // 1 / result by Smith's algorithm (NumPy's complex division, and the GPU's ax_cdiv)
        const R re = result.real(), im = result.imag(), one = 1, zero = 0;
        if (std::abs(re) >= std::abs(im)) {
          if (re == 0 && im == 0) return T(one / std::abs(re), zero / std::abs(im));
          const R rat = im / re, scl = one / (re + im * rat);
          return T((one + zero * rat) * scl, (zero - one * rat) * scl);
        }
        const R rat = re / im, scl = one / (im + re * rat);
        return T((one * rat + zero) * scl, (zero * rat - one) * scl);
      }
      return std::pow(a, b);
    } else {
      return std::pow(a, b);
    }
  }
};

template <typename T>
bool is_nan_value(T v) {
  if constexpr (is_complex_v<T>)
    return std::isnan(v.real()) || std::isnan(v.imag());
  else if constexpr (std::is_floating_point_v<T>)
    return std::isnan(v);
  else
    return false;
}

// NumPy orders complex numbers lexicographically (real part, then imaginary part).
template <typename T>
bool less(T a, T b) {
  if constexpr (is_complex_v<T>)
    return a.real() < b.real() || (a.real() == b.real() && a.imag() < b.imag());
  else
    return a < b;
}

// maximum/minimum propagate NaN; fmax/fmin ignore it.
struct Max {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  static T apply(T a, T b) {
    if (is_nan_value(a)) return a;
    if (is_nan_value(b)) return b;
    return less(a, b) ? b : a;
  }
};
struct Min {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  static T apply(T a, T b) {
    if (is_nan_value(a)) return a;
    if (is_nan_value(b)) return b;
    return less(b, a) ? b : a;
  }
};
struct Fmax {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  static T apply(T a, T b) {
    if (is_nan_value(b)) return a;
    if (is_nan_value(a)) return b;
    return less(a, b) ? b : a;
  }
};
struct Fmin {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  static T apply(T a, T b) {
    if (is_nan_value(b)) return a;
    if (is_nan_value(a)) return b;
    return less(b, a) ? b : a;
  }
};

const Primitive& add_p = register_binary<Add>("add");
const Primitive& sub_p = register_binary<Sub>("sub");
const Primitive& mul_p = register_binary<Mul>("mul");
const Primitive& div_p = register_binary<Div>("div");
const Primitive& floor_div_p = register_binary<FloorDiv>("floor_div");
const Primitive& rem_p = register_binary<Rem>("rem");
const Primitive& fmod_p = register_binary<Fmod>("fmod");
const Primitive& pow_p = register_binary<Pow>("pow");
const Primitive& max_p = register_binary<Max>("max");
const Primitive& min_p = register_binary<Min>("min");
const Primitive& fmax_p = register_binary<Fmax>("fmax");
const Primitive& fmin_p = register_binary<Fmin>("fmin");

}  // namespace
}  // namespace arrax::ew
