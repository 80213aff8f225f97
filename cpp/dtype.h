// DType: the element types arrax supports, their sizes and names, and NumPy 2 (NEP 50) promotion.
#pragma once
#include <Eigen/Core>
#if defined(__F16C__) && !defined(__CUDACC__)
#include <immintrin.h>
#endif
#include <complex>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace arrax {

using float16 = Eigen::half;
using bfloat16 = Eigen::bfloat16;
using complex64 = std::complex<float>;
using complex128 = std::complex<double>;

// Order matters: it is the index into tables in dtype.cpp.
enum class DType : uint8_t {
  Bool,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Float16,
  BFloat16,
  Float32,
  Float64,
  Complex64,
  Complex128,
};
constexpr int kNumDTypes = 15;

enum class DTypeKind : uint8_t { Bool, SignedInt, UnsignedInt, Float, Complex };

// What a Python scalar contributes to promotion when it meets an array (NEP 50 "weak" scalars).
enum class WeakKind : uint8_t { None, Bool, Int, Float, Complex };

namespace detail {
// Indexed by DType: the item sizes and kinds (inline: they sit on every op's dispatch path).
inline constexpr uint8_t kItemsize[kNumDTypes] = {1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 2, 4, 8, 8, 16};
inline constexpr DTypeKind kKind[kNumDTypes] = {
    DTypeKind::Bool,        DTypeKind::SignedInt,   DTypeKind::SignedInt,   DTypeKind::SignedInt,
    DTypeKind::SignedInt,   DTypeKind::UnsignedInt, DTypeKind::UnsignedInt, DTypeKind::UnsignedInt,
    DTypeKind::UnsignedInt, DTypeKind::Float,       DTypeKind::Float,       DTypeKind::Float,
    DTypeKind::Float,       DTypeKind::Complex,     DTypeKind::Complex};
}  // namespace detail

inline size_t itemsize(DType dt) {
  return detail::kItemsize[static_cast<int>(dt)];
}
inline DTypeKind dtype_kind(DType dt) {
  return detail::kKind[static_cast<int>(dt)];
}
const char* dtype_name(DType dt);                // NumPy's name: "float32", "bfloat16", ...
DType dtype_from_name(const std::string& name);  // throws TypeError-like std::invalid_argument
inline bool is_bool(DType dt) {
  return dt == DType::Bool;
}
inline bool is_integer(DType dt) {
  auto k = dtype_kind(dt);
  return k == DTypeKind::SignedInt || k == DTypeKind::UnsignedInt;
}
inline bool is_unsigned(DType dt) {
  return dtype_kind(dt) == DTypeKind::UnsignedInt;
}
inline bool is_floating(DType dt) {
  return dtype_kind(dt) == DTypeKind::Float;
}
inline bool is_complex(DType dt) {
  return dtype_kind(dt) == DTypeKind::Complex;
}
inline bool is_inexact(DType dt) {
  return is_floating(dt) || is_complex(dt);
}
// A dtype's kind on NumPy's promotion ladder, WeakKind's scale: bool 1 < integer 2 < float 3 <
// complex 4. (A weak scalar takes part in type resolution only when its kind is above every
// array's; promote_types(vector) combines the top kind first.)
inline int kind_rank(DType dt) {
  switch (dtype_kind(dt)) {
    case DTypeKind::Bool:
      return 1;
    case DTypeKind::SignedInt:
    case DTypeKind::UnsignedInt:
      return 2;
    case DTypeKind::Float:
      return 3;
    default:
      return 4;
  }
}

// numpy.promote_types for two dtypes.
DType promote_types(DType a, DType b);

// numpy.result_type of several dtypes, independent of their order as NumPy's is: the dtypes of
// the highest category (bool < integer < float < complex) first, then each of the others
// (int8, uint16, float32 is float32, where promoting in turn would give float64).
DType promote_types(const std::vector<DType>& dtypes);
// The dtype an array of dtype `a` keeps when combined with a weak Python scalar (NEP 50).
DType promote_with_weak(DType a, WeakKind w);
// The default dtype of a Python scalar standing alone: bool, int64, float64, complex128.
DType default_dtype(WeakKind w);
// numpy.can_cast(from, to, casting="safe"), from a table computed once.
bool can_cast_safe(DType from, DType to);
// The real dtype of a complex one (complex64 -> float32); identity otherwise.
DType real_dtype(DType dt);
// The complex dtype holding a real one (float32 -> complex64, float64 -> complex128).
DType complex_dtype(DType dt);
// Smallest float dtype that holds `dt` safely, as NumPy's float ufunc loops pick it
// (bool/int8/uint8 -> float16, int16/uint16 -> float32, wider ints -> float64).
DType float_dtype_for(DType dt);

// Compile-time mapping between C++ types and DType.
template <typename T>
struct dtype_of;
#define ARRAX_DTYPE_OF(T, D)                 \
  template <>                                \
  struct dtype_of<T> {                       \
    static constexpr DType value = DType::D; \
  };
ARRAX_DTYPE_OF(bool, Bool)
ARRAX_DTYPE_OF(int8_t, Int8)
ARRAX_DTYPE_OF(int16_t, Int16)
ARRAX_DTYPE_OF(int32_t, Int32)
ARRAX_DTYPE_OF(int64_t, Int64)
ARRAX_DTYPE_OF(uint8_t, UInt8)
ARRAX_DTYPE_OF(uint16_t, UInt16)
ARRAX_DTYPE_OF(uint32_t, UInt32)
ARRAX_DTYPE_OF(uint64_t, UInt64)
ARRAX_DTYPE_OF(float16, Float16)
ARRAX_DTYPE_OF(bfloat16, BFloat16)
ARRAX_DTYPE_OF(float, Float32)
ARRAX_DTYPE_OF(double, Float64)
ARRAX_DTYPE_OF(complex64, Complex64)
ARRAX_DTYPE_OF(complex128, Complex128)
#undef ARRAX_DTYPE_OF

// Calls f(T{}) with T the C++ type of dt. Every kernel's dtype switch goes through here.
template <typename F>
decltype(auto) dispatch_dtype(DType dt, F&& f) {
  switch (dt) {
    case DType::Bool:
      return f(bool{});
    case DType::Int8:
      return f(int8_t{});
    case DType::Int16:
      return f(int16_t{});
    case DType::Int32:
      return f(int32_t{});
    case DType::Int64:
      return f(int64_t{});
    case DType::UInt8:
      return f(uint8_t{});
    case DType::UInt16:
      return f(uint16_t{});
    case DType::UInt32:
      return f(uint32_t{});
    case DType::UInt64:
      return f(uint64_t{});
    case DType::Float16:
      return f(float16{});
    case DType::BFloat16:
      return f(bfloat16{});
    case DType::Float32:
      return f(float{});
    case DType::Float64:
      return f(double{});
    case DType::Complex64:
      return f(complex64{});
    case DType::Complex128:
      return f(complex128{});
  }
  throw std::logic_error("dispatch_dtype: bad dtype");
}

template <typename T>
constexpr bool is_complex_v = std::is_same_v<T, complex64> || std::is_same_v<T, complex128>;
template <typename T>
constexpr bool is_half_v = std::is_same_v<T, float16> || std::is_same_v<T, bfloat16>;
template <typename T>
constexpr bool is_float_v = std::is_floating_point_v<T> || is_half_v<T>;
template <typename T>
constexpr bool is_int_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// float -> float16/bfloat16, rounded to nearest even. float16 goes through the CPU's F16C
// instruction where the build has it: Eigen's conversion is software, raises no floating-point
// flags (float16 arithmetic or casts overflowing to inf went unreported, where NumPy reports
// them) and is slower.
template <typename H>
inline H round_to_half(float f) {
#if defined(__F16C__) && !defined(__CUDACC__)
  if constexpr (std::is_same_v<H, float16>)
    return Eigen::numext::bit_cast<float16>(static_cast<uint16_t>(_cvtss_sh(f, 0)));
#endif
  return H(f);
}

}  // namespace arrax
