// copy_into: elementwise copy with dtype conversion (NumPy's "unsafe" casting), the one loop
// behind astype, contiguous copies, out= and assignment into views.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "array.h"
#include "device.h"
#include "errors.h"
#include "kernels/loops.h"

namespace arrax {
namespace {

// double -> float rounded to odd: exact values stay; others take the neighbour toward zero with
// its last bit set. float has 13 more significand bits than half, so the float -> half rounding
// that follows rounds as one rounding of the double would: no double rounding (a double just
// past a half-way point between two halves rounded to the point itself, then to even).
inline float to_float_rounded_to_odd(double v) {
  float f = static_cast<float>(v);
  if (std::isfinite(f) && static_cast<double>(f) != v) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    if (std::fabs(static_cast<double>(f)) > std::fabs(v)) bits -= 1;  // (sign-magnitude)
    bits |= 1;
    std::memcpy(&f, &bits, sizeof bits);
  }
  return f;
}

template <typename To, typename From>
inline To convert(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    if constexpr (is_complex_v<From>)
      return v.real() != 0 || v.imag() != 0;
    else
      return static_cast<float>(v) != 0 || (!is_half_v<From> && v != From(0));
  } else if constexpr (is_complex_v<To>) {
    using R = typename To::value_type;
    if constexpr (is_complex_v<From>)
      return To(static_cast<R>(v.real()), static_cast<R>(v.imag()));
    else if constexpr (is_half_v<From>)
      return To(static_cast<R>(static_cast<float>(v)), R(0));
    else
      return To(static_cast<R>(v), R(0));
  } else if constexpr (is_complex_v<From>) {
    return convert<To>(v.real());  // NumPy drops the imaginary part
  } else if constexpr (is_half_v<From>) {
    return convert<To>(static_cast<float>(v));
  } else if constexpr (is_half_v<To>) {
    if constexpr (std::is_same_v<From, double>)
      return To(to_float_rounded_to_odd(v));
    else
      return To(static_cast<float>(v));  // (integers past float's exactness are past half's range)
  } else if constexpr (is_int_v<To> && std::is_floating_point_v<From>) {
    // Out-of-range and NaN are undefined behaviour in C++; give what x86 gives NumPy instead.
    constexpr From lo =
        std::is_signed_v<To> ? static_cast<From>(std::numeric_limits<To>::min()) : From(-1);
    constexpr From hi = std::is_signed_v<To>
                            ? -static_cast<From>(std::numeric_limits<To>::min())
                            : static_cast<From>(std::numeric_limits<To>::max()) + 1;
    bool in_range = std::is_signed_v<To> ? (v >= lo && v < hi) : (v > lo && v < hi);
    if (!in_range) {
      if constexpr (std::is_signed_v<To>) {
        return std::numeric_limits<To>::min();
      } else {
        // Unsigned: wrap through int64 as x86 compilers do for values in int64's range.
        if (v > -9.2e18 && v < 9.2e18) return static_cast<To>(static_cast<int64_t>(v));
        return 0;
      }
    }
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

template <typename To, typename From>
void convert_loop(const Array& src, const Array& dst) {
  auto sp = kernels::make_space<2>(dst.shape(), {&dst, &src});
  kernels::iterate(
      sp, [](const std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
        if (s[0] == sizeof(To) && s[1] == sizeof(From)) {
          To* o = reinterpret_cast<To*>(p[0]);
          const From* a = reinterpret_cast<const From*>(p[1]);
          if constexpr (std::is_same_v<To, From>) {
            std::memmove(o, a, n * sizeof(To));
          } else if constexpr (std::is_same_v<From, bool>) {
            const uint8_t* b = reinterpret_cast<const uint8_t*>(a);  // see below
            for (int64_t i = 0; i < n; ++i) o[i] = convert<To, bool>(b[i] != 0);
          } else {
            for (int64_t i = 0; i < n; ++i) o[i] = convert<To, From>(a[i]);
          }
        } else if constexpr (std::is_same_v<From, bool>) {
          for (int64_t i = 0; i < n; ++i)
            *reinterpret_cast<To*>(p[0] + i * s[0]) = convert<To, bool>(p[1][i * s[1]] != 0);
        } else {
          for (int64_t i = 0; i < n; ++i)
            *reinterpret_cast<To*>(p[0] + i * s[0]) =
                convert<To, From>(*reinterpret_cast<const From*>(p[1] + i * s[1]));
        }
      });
}

// The fused executor's loop (ChunkLoop) for one pair of dtypes.
template <typename To, typename From>
void convert_chunk(char* out, const char* const* in, const int64_t* step, int64_t n) {
  To* __restrict o = reinterpret_cast<To*>(out);  // never overlaps the input
  const From* __restrict a = reinterpret_cast<const From*>(in[0]);
  if (step[0] == 0) {
    std::fill(o, o + n, convert<To, From>(*a));
  } else if constexpr (std::is_same_v<To, From>) {
    std::memcpy(o, a, n * sizeof(To));
  } else if constexpr (std::is_same_v<From, bool>) {
    // Bools read as their bytes: GCC vectorizes conversions from uint8_t, not bool. Any
    // non-zero byte is True (a bool view of other bytes, x.view(bool), casts as NumPy's).
    const uint8_t* __restrict b = reinterpret_cast<const uint8_t*>(a);
    for (int64_t i = 0; i < n; ++i) o[i] = convert<To, bool>(b[i] != 0);
  } else {
    for (int64_t i = 0; i < n; ++i) o[i] = convert<To, From>(a[i]);
  }
}

}  // namespace

ChunkLoop convert_chunk_loop(DType from, DType to) {
  return dispatch_dtype(to, [&](auto to_tag) {
    using To = decltype(to_tag);
    return dispatch_dtype(
        from, [&](auto from_tag) -> ChunkLoop { return &convert_chunk<To, decltype(from_tag)>; });
  });
}

void copy_into(const Array& src, const Array& dst) {
  if (src.shape() != dst.shape())
    throw ValueError("copy_into: shape mismatch " + shape_str(src.shape()) + " vs " +
                     shape_str(dst.shape()));
  if (dst.size() == 0) return;
  const Device sd = src.device(), dd = dst.device();
  if (sd.kind != DeviceKind::CPU || dd.kind != DeviceKind::CPU) {
    if (sd == dd) return cuda::copy_strided(src, dst);
    // Across devices: a contiguous copy moves the bytes, then the destination device converts.
    Array moved = to_device(src, dd);  // to_device copies a contiguous version
    return copy_into(moved, dst);
  }
  dispatch_dtype(dst.dtype(), [&](auto to_tag) {
    using To = decltype(to_tag);
    dispatch_dtype(src.dtype(), [&](auto from_tag) {
      using From = decltype(from_tag);
      convert_loop<To, From>(src, dst);
    });
  });
}

}  // namespace arrax
