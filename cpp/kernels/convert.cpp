// copy_into: elementwise copy with dtype conversion (NumPy's "unsafe" casting), the one loop
// behind astype, contiguous copies, out= and assignment into views.
#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

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

// x86's truncating conversion of a float to the signed integer W (cvttss2si/cvttsd2si), which
// NumPy's cast loops compile to: NaN and values past W give W's minimum ("integer indefinite")
// and raise the invalid flag, here counted in `bad` (the loops raise it once, after).
template <typename W, typename From>
inline W truncate_like_x86(From v, int& bad) {
  constexpr From lo = static_cast<From>(std::numeric_limits<W>::min());  // -2^(bits-1), exact
  const bool in_range = v >= lo && v < -lo;                              // (false for NaN)
  bad |= !in_range;
  return in_range ? static_cast<W>(v) : std::numeric_limits<W>::min();
}

// A float to an integer type as NumPy's x86 builds convert (C's cast is undefined out of
// range): types narrower than int32 through int32, then wrapped (300.7 -> int8 44, 1e10 -> 0);
// uint32/uint64 through the signed type of their width, with 2^(bits-1) taken off and put back
// for values past it (-1.0 -> 2^32 - 1, NaN -> 2^31, 1e20 -> 0). Flags as those instructions.
template <typename To, typename From>
inline To float_to_int(From v, int& bad) {
  if constexpr (sizeof(To) < 4) {
    return static_cast<To>(truncate_like_x86<int32_t>(v, bad));
  } else if constexpr (std::is_signed_v<To>) {
    return truncate_like_x86<To>(v, bad);
  } else {
    using S = std::make_signed_t<To>;
    constexpr From half = -static_cast<From>(std::numeric_limits<S>::min());
    if (!(v >= half)) return static_cast<To>(truncate_like_x86<S>(v, bad));  // (NaN too)
    return static_cast<To>(truncate_like_x86<S>(v - half, bad)) ^ (To(1) << (8 * sizeof(To) - 1));
  }
}

// One value converted; `bad` collects the invalid flag of float -> integer conversions.
template <typename To, typename From>
inline To convert(From v, int& bad) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    if constexpr (is_complex_v<From>)
      return v.real() != 0 || v.imag() != 0;
    else if constexpr (is_half_v<From>)
      return static_cast<float>(v) != 0;
    else
      return v != From(0);  // (no narrowing first: 1e300 -> float would raise overflow)
  } else if constexpr (is_complex_v<To>) {
    using R = typename To::value_type;
    if constexpr (is_complex_v<From>)
      return To(static_cast<R>(v.real()), static_cast<R>(v.imag()));
    else if constexpr (is_half_v<From>)
      return To(static_cast<R>(static_cast<float>(v)), R(0));
    else
      return To(static_cast<R>(v), R(0));
  } else if constexpr (is_complex_v<From>) {
    return convert<To>(v.real(), bad);  // NumPy drops the imaginary part
  } else if constexpr (is_half_v<From>) {
    if constexpr (std::is_same_v<To, uint32_t>)  // (NumPy's scalar half loop: through int64)
      return static_cast<To>(truncate_like_x86<int64_t>(static_cast<float>(v), bad));
    return convert<To>(static_cast<float>(v), bad);
  } else if constexpr (is_half_v<To>) {
    if constexpr (std::is_same_v<From, double>)
      return round_to_half<To>(to_float_rounded_to_odd(v));
    else
      return round_to_half<To>(static_cast<float>(v));  // (integers past float's are past half's)
  } else if constexpr (is_int_v<To> && std::is_floating_point_v<From>) {
    return float_to_int<To>(v, bad);
  } else {
    return static_cast<To>(v);
  }
}

// Float -> integer loops leave the invalid flag as x86's scalar conversions, one per value, would
// leave it: raised if it was before or a value was unconvertible, and not otherwise (vectorized
// code may also convert lanes it then discards, the unsigned types' other branch). Other loops
// leave the flags as their instructions raised them.
template <typename To, typename From>
constexpr bool float_to_int_v =
    is_int_v<To> && (std::is_floating_point_v<From> || is_half_v<From> || is_complex_v<From>);

inline bool invalid_flag_raised() {
#if defined(__x86_64__)
  return _mm_getcsr() & FE_INVALID;  // (the flags' bits are FE_*'s; see parallel.cpp)
#else
  return std::fetestexcept(FE_INVALID);
#endif
}

inline void set_invalid_flag(bool raised) {
#if defined(__x86_64__)
  const unsigned csr = _mm_getcsr();
  _mm_setcsr(raised ? csr | FE_INVALID : csr & ~FE_INVALID);
#else
  raised ? std::feraiseexcept(FE_INVALID) : std::feclearexcept(FE_INVALID);
#endif
}

template <typename To, typename From>
void convert_loop(const Array& src, const Array& dst) {
  auto sp = kernels::make_space<2>(dst.shape(), {&dst, &src});
  kernels::iterate(
      sp, [](const std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
        int bad = 0;
        [[maybe_unused]] bool raised_before = false;
        if constexpr (float_to_int_v<To, From>) raised_before = invalid_flag_raised();
        if (s[0] == sizeof(To) && s[1] == sizeof(From)) {
          To* o = reinterpret_cast<To*>(p[0]);
          const From* a = reinterpret_cast<const From*>(p[1]);
          if constexpr (std::is_same_v<To, From>) {
            std::memmove(o, a, n * sizeof(To));
          } else if constexpr (std::is_same_v<From, bool>) {
            const uint8_t* b = reinterpret_cast<const uint8_t*>(a);  // see below
            for (int64_t i = 0; i < n; ++i) o[i] = convert<To, bool>(b[i] != 0, bad);
          } else {
            for (int64_t i = 0; i < n; ++i) o[i] = convert<To, From>(a[i], bad);
          }
        } else if constexpr (std::is_same_v<From, bool>) {
          for (int64_t i = 0; i < n; ++i)
            *reinterpret_cast<To*>(p[0] + i * s[0]) = convert<To, bool>(p[1][i * s[1]] != 0, bad);
        } else {
          for (int64_t i = 0; i < n; ++i)
            *reinterpret_cast<To*>(p[0] + i * s[0]) =
                convert<To, From>(*reinterpret_cast<const From*>(p[1] + i * s[1]), bad);
        }
        if constexpr (float_to_int_v<To, From>) set_invalid_flag(raised_before || bad);
      });
}

// The fused executor's loop (ChunkLoop) for one pair of dtypes.
template <typename To, typename From>
void convert_chunk(char* out, const char* const* in, const int64_t* step, int64_t n) {
  To* __restrict o = reinterpret_cast<To*>(out);  // never overlaps the input
  const From* __restrict a = reinterpret_cast<const From*>(in[0]);
  int bad = 0;
  [[maybe_unused]] bool raised_before = false;
  if constexpr (float_to_int_v<To, From>) raised_before = invalid_flag_raised();
  if (step[0] == 0) {
    std::fill(o, o + n, convert<To, From>(*a, bad));
  } else if constexpr (std::is_same_v<To, From>) {
    std::memcpy(o, a, n * sizeof(To));
  } else if constexpr (std::is_same_v<From, bool>) {
    // Bools read as their bytes: GCC vectorizes conversions from uint8_t, not bool. Any
    // non-zero byte is True (a bool view of other bytes, x.view(bool), casts as NumPy's).
    const uint8_t* __restrict b = reinterpret_cast<const uint8_t*>(a);
    for (int64_t i = 0; i < n; ++i) o[i] = convert<To, bool>(b[i] != 0, bad);
  } else {
    for (int64_t i = 0; i < n; ++i) o[i] = convert<To, From>(a[i], bad);
  }
  if constexpr (float_to_int_v<To, From>) set_invalid_flag(raised_before || bad);
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
