#include "dtype.h"

#include <algorithm>
#include <array>
#include <optional>

#include "errors.h"

namespace arrax {
namespace {

// Indexed by DType (sizes and kinds are in dtype.h).
constexpr const char* kNames[kNumDTypes] = {
    "bool",   "int8",    "int16",    "int32",   "int64",   "uint8",     "uint16",    "uint32",
    "uint64", "float16", "bfloat16", "float32", "float64", "complex64", "complex128"};

DType signed_of_size(size_t size) {
  switch (size) {
    case 1:
      return DType::Int8;
    case 2:
      return DType::Int16;
    case 4:
      return DType::Int32;
    default:
      return DType::Int64;
  }
}

// Promotion of an integer with a float: the integer first becomes the smallest float that
// holds it exactly (as NumPy's lattice does), then the two floats promote.
DType promote_floats(DType a, DType b) {
  if (a == b) return a;
  // bfloat16 and float16 meet at float32 (neither holds the other).
  if ((a == DType::BFloat16 && b == DType::Float16) ||
      (a == DType::Float16 && b == DType::BFloat16))
    return DType::Float32;
  return itemsize(a) >= itemsize(b) ? a : b;
}

}  // namespace

const char* dtype_name(DType dt) {
  return kNames[static_cast<int>(dt)];
}

DType dtype_from_name(const std::string& name) {
  for (int i = 0; i < kNumDTypes; ++i)
    if (name == kNames[i]) return static_cast<DType>(i);
  throw TypeError("dtype: data type '" + name + "' not understood");
}

DType real_dtype(DType dt) {
  if (dt == DType::Complex64) return DType::Float32;
  if (dt == DType::Complex128) return DType::Float64;
  return dt;
}

DType complex_dtype(DType dt) {
  if (is_complex(dt)) return dt;
  DType f = is_floating(dt) ? dt : float_dtype_for(dt);
  return f == DType::Float64 ? DType::Complex128 : DType::Complex64;
}

DType float_dtype_for(DType dt) {
  switch (dtype_kind(dt)) {
    case DTypeKind::Bool:
      return DType::Float16;
    case DTypeKind::SignedInt:
    case DTypeKind::UnsignedInt:
      return itemsize(dt) == 1   ? DType::Float16
             : itemsize(dt) == 2 ? DType::Float32
                                 : DType::Float64;
    default:
      return dt;
  }
}

DType promote_types(DType a, DType b) {
  if (a == b) return a;
  DTypeKind ka = dtype_kind(a), kb = dtype_kind(b);
  if (ka == DTypeKind::Bool) return b;
  if (kb == DTypeKind::Bool) return a;
  // Order so that `a` has the "lower" kind.
  if (static_cast<int>(ka) > static_cast<int>(kb)) {
    std::swap(a, b);
    std::swap(ka, kb);
  }
  if (ka == kb) {
    if (ka == DTypeKind::Float) return promote_floats(a, b);
    return itemsize(a) >= itemsize(b) ? a : b;  // same-signedness ints, or two complex
  }
  if (ka == DTypeKind::SignedInt && kb == DTypeKind::UnsignedInt) {
    if (itemsize(a) > itemsize(b)) return a;
    if (itemsize(b) == 8) return DType::Float64;  // int64 with uint64: no integer holds both
    return signed_of_size(itemsize(b) * 2);
  }
  // a is an int (or float) and b a float or complex.
  DType af = is_complex(a) ? a : float_dtype_for(a);
  if (kb == DTypeKind::Float) return promote_floats(af, b);
  // b complex
  DType breal = real_dtype(b);
  DType r = promote_floats(is_complex(af) ? real_dtype(af) : af, breal);
  return r == DType::Float64 ? DType::Complex128 : DType::Complex64;
}

DType promote_types(const std::vector<DType>& dtypes) {
  if (dtypes.empty()) throw ValueError("promote_types: at least one dtype is required");
  int top = 0;
  for (DType d : dtypes) top = std::max(top, kind_rank(d));
  std::optional<DType> r;
  for (DType d : dtypes)
    if (kind_rank(d) == top) r = r ? promote_types(*r, d) : d;
  for (DType d : dtypes)
    if (kind_rank(d) != top) r = promote_types(*r, d);
  return *r;
}

DType default_dtype(WeakKind w) {
  switch (w) {
    case WeakKind::Bool:
      return DType::Bool;
    case WeakKind::Int:
      return DType::Int64;
    case WeakKind::Float:
      return DType::Float64;
    case WeakKind::Complex:
      return DType::Complex128;
    default:
      throw std::logic_error("default_dtype: no weak kind");
  }
}

DType promote_with_weak(DType a, WeakKind w) {
  DTypeKind k = dtype_kind(a);
  switch (w) {
    case WeakKind::None:
    case WeakKind::Bool:
      return a;
    case WeakKind::Int:
      return k == DTypeKind::Bool ? DType::Int64 : a;
    case WeakKind::Float:
      return (k == DTypeKind::Bool || k == DTypeKind::SignedInt || k == DTypeKind::UnsignedInt)
                 ? DType::Float64
                 : a;
    case WeakKind::Complex:
      if (k == DTypeKind::Complex) return a;
      if (k == DTypeKind::Float) return a == DType::Float64 ? DType::Complex128 : DType::Complex64;
      return DType::Complex128;
  }
  return a;
}

bool can_cast_safe(DType from, DType to) {
  // Safe casting is promotion that lands on the target; tabulated once for the dispatch path.
  static const auto table = [] {
    std::array<std::array<bool, kNumDTypes>, kNumDTypes> t{};
    for (int i = 0; i < kNumDTypes; ++i)
      for (int j = 0; j < kNumDTypes; ++j)
        t[i][j] =
            promote_types(static_cast<DType>(i), static_cast<DType>(j)) == static_cast<DType>(j);
    return t;
  }();
  return table[static_cast<int>(from)][static_cast<int>(to)];
}

}  // namespace arrax
