// Binary floating-point primitives: atan2, hypot, copysign, logaddexp, logaddexp2, nextafter.
// Real float dtypes only (float16/bfloat16 compute in float32, except nextafter, which steps in the
// input's own precision).
#include <cstring>
#include <limits>

#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

template <typename Fn>
struct FloatOp {
  template <typename T>
  static constexpr bool supports = is_float_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    return Fn::f(a, b);
  }
};

struct Atan2Fn {
  template <typename T>
  static T f(T a, T b) {
    return std::atan2(a, b);
  }
};
struct HypotFn {
  template <typename T>
  static T f(T a, T b) {
    return std::hypot(a, b);
  }
};
struct CopysignFn {
  template <typename T>
  static T f(T a, T b) {
    return std::copysign(a, b);
  }
};

// NumPy's npy_logaddexp: log(exp(a) + exp(b)) without overflow; equal infinities give that infinity
// (not NaN), and a NaN input gives NaN.
struct LogaddexpFn {
  template <typename T>
  static T f(T a, T b) {
    if (a == b) return a + static_cast<T>(0.693147180559945309417232121458176568L);
    const T d = a - b;
    if (d > 0) return a + std::log1p(std::exp(-d));
    if (d <= 0) return b + std::log1p(std::exp(d));
    return d;  // NaN
  }
};
// Base 2: log2(2^a + 2^b).
struct Logaddexp2Fn {
  template <typename T>
  static T f(T a, T b) {
    constexpr T kLog2E = static_cast<T>(1.442695040888963407359924681001892137L);
    if (a == b) return a + 1;
    const T d = a - b;
    if (d > 0) return a + kLog2E * std::log1p(std::exp2(-d));
    if (d <= 0) return b + kLog2E * std::log1p(std::exp2(d));
    return d;  // NaN
  }
};

// The next representable value after a toward b. For float16/bfloat16 it steps in that format
// (NumPy's npy_half_nextafter, which works on the sign-magnitude bit pattern); equal inputs give a.
struct Nextafter {
  static constexpr bool native_half = true;
  template <typename T>
  static constexpr bool supports = is_float_v<T>;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (is_half_v<T>) {
      static_assert(sizeof(T) == 2);
      if (Eigen::numext::isnan(a) || Eigen::numext::isnan(b))
        return std::numeric_limits<T>::quiet_NaN();
      uint16_t x, y, r;
      std::memcpy(&x, &a, 2);
      std::memcpy(&y, &b, 2);
      if (static_cast<float>(a) == static_cast<float>(b)) {
        r = x;
      } else if ((x & 0x7fffu) == 0) {
        r = static_cast<uint16_t>((y & 0x8000u) + 1);  // smallest subnormal with b's sign
      } else if (!(x & 0x8000u)) {                     // a > 0
        r = static_cast<int16_t>(x) > static_cast<int16_t>(y) ? x - 1 : x + 1;
      } else {  // a < 0
        r = (!(y & 0x8000u) || (x & 0x7fffu) > (y & 0x7fffu)) ? x - 1 : x + 1;
      }
      T out;
      std::memcpy(static_cast<void*>(&out), &r, 2);
      // A finite a stepping to infinity overflows, as NumPy's half nextafter reports it (the
      // bit arithmetic above raises no flag of its own). Raised by an SSE multiplication:
      // the flags are read from the SSE register, and glibc's feraiseexcept(FE_OVERFLOW)
      // sets the x87 one.
      if ((r & 0x7fffu) == 0x7c00u && (x & 0x7fffu) != 0x7c00u) {
        volatile float big = std::numeric_limits<float>::max();
        big = big * 2.0f;
      }
      return out;
    } else {
      return std::nextafter(a, b);
    }
  }
};

const Primitive& atan2_p = register_binary<FloatOp<Atan2Fn>>("atan2");
const Primitive& hypot_p = register_binary<FloatOp<HypotFn>>("hypot");
const Primitive& copysign_p = register_binary<FloatOp<CopysignFn>>("copysign");
const Primitive& logaddexp_p = register_binary<FloatOp<LogaddexpFn>>("logaddexp");
const Primitive& logaddexp2_p = register_binary<FloatOp<Logaddexp2Fn>>("logaddexp2");
const Primitive& nextafter_p = register_binary<Nextafter>("nextafter");

}  // namespace
}  // namespace arrax::ew
