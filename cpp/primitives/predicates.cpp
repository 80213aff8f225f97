// Floating-point predicates: is_nan, is_inf, is_finite (every dtype), signbit (real floats).
// Each gives a bool array; integers and bool are never NaN or infinite.
#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

struct IsNan {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  using out_t = bool;
  template <typename T>
  static bool apply(T x) {
    if constexpr (is_complex_v<T>)
      return std::isnan(x.real()) || std::isnan(x.imag());
    else if constexpr (is_float_v<T>)
      return std::isnan(x);
    else
      return false;
  }
};

// Complex: infinite when either part is.
struct IsInf {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  using out_t = bool;
  template <typename T>
  static bool apply(T x) {
    if constexpr (is_complex_v<T>)
      return std::isinf(x.real()) || std::isinf(x.imag());
    else if constexpr (is_float_v<T>)
      return std::isinf(x);
    else
      return false;
  }
};

// Complex: finite when both parts are.
struct IsFinite {
  template <typename T>
  static constexpr bool supports = true;
  template <typename T>
  using out_t = bool;
  template <typename T>
  static bool apply(T x) {
    if constexpr (is_complex_v<T>)
      return std::isfinite(x.real()) && std::isfinite(x.imag());
    else if constexpr (is_float_v<T>)
      return std::isfinite(x);
    else
      return true;
  }
};

// True for -0.0 and negative NaNs too.
struct Signbit {
  template <typename T>
  static constexpr bool supports = is_float_v<T>;
  template <typename T>
  using out_t = bool;
  template <typename T>
  static bool apply(T x) {
    return std::signbit(x);
  }
};

const Primitive& is_nan_p = register_unary<IsNan>("is_nan");
const Primitive& is_inf_p = register_unary<IsInf>("is_inf");
const Primitive& is_finite_p = register_unary<IsFinite>("is_finite");
const Primitive& signbit_p = register_unary<Signbit>("signbit");

}  // namespace
}  // namespace arrax::ew
