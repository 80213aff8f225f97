// Device functions shared by every generated kernel (elementwise, fused, reductions): compiled
// by NVRTC, so this file includes nothing. Semantics follow the CPU functors
// (cpp/primitives/*.cpp), which follow NumPy: NaN propagation in max/min, Python's floor
// division and modulo, NumPy's integer power, shifts and float->int conversions.
typedef unsigned short ax_f16;
typedef unsigned short ax_bf16;

#ifdef AX_EMULATOR  // the host compiler of the CUDA emulator (emulator_shim.h) has _Float16
__device__ __forceinline__ float ax_h2f(unsigned short h) {
  _Float16 f;
  memcpy(&f, &h, 2);
  return static_cast<float>(f);
}
__device__ __forceinline__ unsigned short ax_f2h(float f) {
  const _Float16 g = static_cast<_Float16>(f);
  unsigned short h;
  memcpy(&h, &g, 2);
  return h;
}
#else
__device__ __forceinline__ float ax_h2f(unsigned short h) {
  float f;
  asm("{.reg .b16 t; mov.b16 t, %1; cvt.f32.f16 %0, t;}" : "=f"(f) : "h"(h));
  return f;
}
__device__ __forceinline__ unsigned short ax_f2h(float f) {
  unsigned short h;
  asm("{.reg .b16 t; cvt.rn.f16.f32 t, %1; mov.b16 %0, t;}" : "=h"(h) : "f"(f));
  return h;
}
#endif
__device__ __forceinline__ float ax_b2f(unsigned short b) {
  return __uint_as_float(static_cast<unsigned>(b) << 16);
}
__device__ __forceinline__ unsigned short ax_f2b(float f) {
  unsigned u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<unsigned short>((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<unsigned short>(u >> 16);
}
// double -> float rounded to odd (the CPU's to_float_rounded_to_odd, cpp/kernels/convert.cpp):
// the float's extra bits make its rounding to half / bfloat16 that of the double, once.
__device__ __forceinline__ float ax_d2f_odd(double v) {
  float f = static_cast<float>(v);
  const double back = static_cast<double>(f);
  if (f - f == f - f && back != v) {  // (finite and inexact)
    unsigned u = __float_as_uint(f);
    if ((back < 0 ? -back : back) > (v < 0 ? -v : v)) u -= 1u;
    f = __uint_as_float(u | 1u);
  }
  return f;
}
// Rounds a float32 result to half / bfloat16 precision (every op on halves rounds once).
__device__ __forceinline__ float ax_rh(float f) { return ax_h2f(ax_f2h(f)); }
__device__ __forceinline__ float ax_rb(float f) { return ax_b2f(ax_f2b(f)); }

#define AX_F1(name, fname, dname)                                          \
  __device__ __forceinline__ float ax_##name(float x) { return fname(x); } \
  __device__ __forceinline__ double ax_##name(double x) { return dname(x); }
AX_F1(sqrt, sqrtf, sqrt)
AX_F1(cbrt, cbrtf, cbrt)
// CUDA's double exp and exp2 may round a subnormal result to zero (exp(-745.0) gives 0, where
// glibc and NumPy give 4.9e-324): compute those in the normal range and scale down exactly.
__device__ __forceinline__ double ax_exp_d(double x) {
  return x < -708.0 && x > -746.0 ? ldexp(exp(x + 64 * 0.693147180559945309417), -64) : exp(x);
}
__device__ __forceinline__ double ax_exp2_d(double x) {
  return x < -1022.0 && x > -1076.0 ? ldexp(exp2(x + 64), -64) : exp2(x);
}
AX_F1(exp, expf, ax_exp_d)
AX_F1(exp2, exp2f, ax_exp2_d)
AX_F1(expm1, expm1f, expm1)
AX_F1(log, logf, log)
AX_F1(log2, log2f, log2)
AX_F1(log10, log10f, log10)
AX_F1(log1p, log1pf, log1p)
AX_F1(sin, sinf, sin)
AX_F1(cos, cosf, cos)
AX_F1(tan, tanf, tan)
AX_F1(sinh, sinhf, sinh)
AX_F1(cosh, coshf, cosh)
AX_F1(tanh, tanhf, tanh)
AX_F1(asin, asinf, asin)
AX_F1(acos, acosf, acos)
AX_F1(atan, atanf, atan)
AX_F1(asinh, asinhf, asinh)
AX_F1(acosh, acoshf, acosh)
AX_F1(atanh, atanhf, atanh)
AX_F1(floor, floorf, floor)
AX_F1(ceil, ceilf, ceil)
AX_F1(trunc, truncf, trunc)
AX_F1(rint, rintf, rint)
AX_F1(abs, fabsf, fabs)
// float32: Giles' approximation with its FMAs, as the CPU computes it (random_bits.cpp, whose
// build contracts to FMAs), so normal() draws the same numbers on both devices and agrees
// with JAX; CUDA's erfinvf differs by up to ~3e-6 relative.
__device__ __forceinline__ float ax_erfinv_giles(float x) {
  const float w0 = -log1pf(-x * x);
  float p;
  if (w0 < 5.0f) {
    const float w = w0 - 2.5f;
    p = 2.81022636e-08f;
    p = fmaf(p, w, 3.43273939e-07f);
    p = fmaf(p, w, -3.5233877e-06f);
    p = fmaf(p, w, -4.39150654e-06f);
    p = fmaf(p, w, 0.00021858087f);
    p = fmaf(p, w, -0.00125372503f);
    p = fmaf(p, w, -0.00417768164f);
    p = fmaf(p, w, 0.246640727f);
    p = fmaf(p, w, 1.50140941f);
  } else {
    const float w = sqrtf(w0) - 3.0f;
    p = -0.000200214257f;
    p = fmaf(p, w, 0.000100950558f);
    p = fmaf(p, w, 0.00134934322f);
    p = fmaf(p, w, -0.00367342844f);
    p = fmaf(p, w, 0.00573950773f);
    p = fmaf(p, w, -0.0076224613f);
    p = fmaf(p, w, 0.00943887047f);
    p = fmaf(p, w, 1.00167406f);
    p = fmaf(p, w, 2.83297682f);
  }
  return p * x;
}
__device__ __forceinline__ float ax_erfinv_f(float x) {
  if (x != x) return x;
  const float ax = fabsf(x);
  if (ax > 1.0f) return __int_as_float(0x7fc00000);
  if (ax == 1.0f) return copysignf(__int_as_float(0x7f800000), x);
  return ax_erfinv_giles(x);
}
AX_F1(erfinv, ax_erfinv_f, erfinv)
AX_F1(erf, erff, erf)
AX_F1(erfc, erfcf, erfc)
AX_F1(lgamma, lgammaf, lgamma)
#undef AX_F1
#define AX_F2(name, fname, dname)                                                     \
  __device__ __forceinline__ float ax_##name(float x, float y) { return fname(x, y); } \
  __device__ __forceinline__ double ax_##name(double x, double y) { return dname(x, y); }
AX_F2(atan2, atan2f, atan2)
AX_F2(hypot, hypotf, hypot)
AX_F2(copysign, copysignf, copysign)
AX_F2(fmod, fmodf, fmod)
AX_F2(pow, powf, pow)
AX_F2(nextafter, nextafterf, nextafter)
#undef AX_F2

__device__ __forceinline__ float ax_inf(float) { return __int_as_float(0x7f800000); }
__device__ __forceinline__ double ax_inf(double) { return __longlong_as_double(0x7ff0000000000000LL); }
__device__ __forceinline__ float ax_nan(float) { return __int_as_float(0x7fc00000); }
__device__ __forceinline__ double ax_nan(double) { return __longlong_as_double(0x7ff8000000000000LL); }
template <class T> __device__ __forceinline__ bool ax_isnan(T x) { return x != x; }
template <class T> __device__ __forceinline__ bool ax_isinf(T x) { return ax_abs(x) == ax_inf(x); }
template <class T> __device__ __forceinline__ bool ax_isfinite(T x) { return x - x == x - x; }
__device__ __forceinline__ bool ax_signbit(float x) { return (__float_as_uint(x) >> 31) != 0; }
__device__ __forceinline__ bool ax_signbit(double x) { return __double_as_longlong(x) < 0; }

// psi(x) as the CPU's (cpp/primitives/special.cpp): NaN at the poles, reflection below 0,
// recurrence up to 10, then the asymptotic series; computed in double.
__device__ __forceinline__ double ax_digamma_d(double x) {
  if (x != x || (x <= 0 && x == floor(x))) return __longlong_as_double(0x7ff8000000000000LL);
  double r = 0;
  if (x < 0) {
    r = -3.141592653589793 / tan(3.141592653589793 * x);
    x = 1 - x;
  }
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const double z = 1 / (x * x);
  const double series =
      z * (1.0 / 12 -
           z * (1.0 / 120 -
                z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12))))));
  return r + log(x) - 0.5 / x - series;
}
// Hurwitz zeta(s, q) as the CPU's (Cephes' method: the first terms summed, the rest by the
// Euler-Maclaurin formula), and polygamma(n, x) = (-1)^(n+1) n! zeta(n + 1, x); in double.
__device__ double ax_zeta_d(double s, double q) {
  const double nan = __longlong_as_double(0x7ff8000000000000LL);
  const double inf = __longlong_as_double(0x7ff0000000000000LL);
  if (s != s || q != q) return nan;
  if (s == 1) return inf;
  if (s < 1) return nan;
  if (q <= 0) {
    if (q == floor(q)) return inf;
    if (s != floor(s)) return nan;  // complex
  }
  const double kB[12] = {12.0,
                         -720.0,
                         30240.0,
                         -1209600.0,
                         47900160.0,
                         -1.8924375803183791606e9,
                         7.47242496e10,
                         -2.950130727918164224e12,
                         1.1646782814350067249e14,
                         -4.5979787224074726105e15,
                         1.8152105401943546773e17,
                         -7.1661652561756670113e18};
  double sum = pow(q, -s), a = q, b = 0;
  int i = 0;
  while (i < 9 || a <= 9) {
    ++i;
    a += 1;
    b = pow(a, -s);
    sum += b;
    if (fabs(b / sum) < 1e-17) return sum;
  }
  const double w = a;
  sum += b * w / (s - 1) - 0.5 * b;
  double fac = 1, k = 0;
  for (int j = 0; j < 12; ++j) {
    fac *= s + k;
    b /= w;
    const double t = fac * b / kB[j];
    sum += t;
    if (fabs(t / sum) < 1e-17) break;
    k += 1;
    fac *= s + k;
    b /= w;
    k += 1;
  }
  return sum;
}
__device__ double ax_polygamma_d(long long n, double x) {
  if (n == 0) return ax_digamma_d(x);
  const double sign = n % 2 == 1 ? 1.0 : -1.0;
  return sign * exp(lgamma((double)n + 1)) * ax_zeta_d((double)n + 1, x);
}
__device__ __forceinline__ float ax_digamma(float x) { return (float)ax_digamma_d(x); }
__device__ __forceinline__ double ax_digamma(double x) { return ax_digamma_d(x); }

template <class T> __device__ __forceinline__ T ax_sign(T x) {
  if (x != x) return x;
  return x > T(0) ? T(1) : x < T(0) ? T(-1) : T(0);  // NumPy: sign(-0.0) is +0.0
}
template <class T> __device__ __forceinline__ T ax_fmax_nan(T a, T b) {  // maximum
  if (a != a) return a;
  if (b != b) return b;
  return a < b ? b : a;
}
template <class T> __device__ __forceinline__ T ax_fmin_nan(T a, T b) {  // minimum
  if (a != a) return a;
  if (b != b) return b;
  return b < a ? b : a;
}
template <class T> __device__ __forceinline__ T ax_fmax(T a, T b) {  // fmax: ignores NaN
  if (b != b) return a;
  if (a != a) return b;
  return a < b ? b : a;
}
template <class T> __device__ __forceinline__ T ax_fmin(T a, T b) {
  if (b != b) return a;
  if (a != a) return b;
  return b < a ? b : a;
}
template <class T> __device__ __forceinline__ T ax_floordiv_f(T a, T b) {
  if (b == T(0)) return a / b;
  T mod = ax_fmod(a, b);
  T div = (a - mod) / b;
  if (mod != T(0) && ((b < T(0)) != (mod < T(0)))) div -= T(1);
  T fd;
  if (div != T(0)) {
    fd = ax_floor(div);
    if (div - fd > T(0.5)) fd += T(1);
  } else {
    fd = ax_copysign(T(0), a / b);
  }
  return fd;
}
template <class T> __device__ __forceinline__ T ax_rem_f(T a, T b) {
  if (b == T(0)) return ax_fmod(a, b);
  T mod = ax_fmod(a, b);
  if (mod != T(0)) {
    if ((b < T(0)) != (mod < T(0))) mod += b;
  } else {
    mod = ax_copysign(T(0), b);
  }
  return mod;
}
template <class T> __device__ __forceinline__ bool ax_is_signed() { return T(-1) < T(0); }
template <class T> __device__ __forceinline__ T ax_floordiv_i(T a, T b) {
  if (b == T(0)) return T(0);
  if (ax_is_signed<T>()) {
    if (b == T(-1)) return static_cast<T>(T(0) - a);
    T q = a / b;
    if ((a % b != T(0)) && ((a < T(0)) != (b < T(0)))) --q;
    return q;
  }
  return a / b;
}
template <class T> __device__ __forceinline__ T ax_rem_i(T a, T b) {
  if (b == T(0)) return T(0);
  if (ax_is_signed<T>()) {
    if (b == T(-1)) return T(0);
    T r = a % b;
    if (r != T(0) && ((r < T(0)) != (b < T(0)))) r += b;
    return r;
  }
  return a % b;
}
template <class T> __device__ __forceinline__ T ax_fmod_i(T a, T b) {
  if (b == T(0)) return T(0);
  if (ax_is_signed<T>() && b == T(-1)) return T(0);
  return a % b;
}
// NumPy's integer reciprocal, (T)(1.0 / x), as the CPU's: 1 and -1 keep, other nonzero values
// give 0, and 0 gives x86's "integer indefinite" (the minimum for 32/64-bit signed types, else 0).
template <class T> __device__ __forceinline__ T ax_recip_i(T x) {
  if (x == T(0))
    return ax_is_signed<T>() && sizeof(T) >= 4 ? T(1ull << (sizeof(T) * 8 - 1)) : T(0);
  if (x == T(1)) return T(1);
  if (ax_is_signed<T>() && x == T(-1)) return x;
  return T(0);
}
template <class T> __device__ __forceinline__ T ax_ipow(T a, T b) {
  if (ax_is_signed<T>() && b < T(0)) return T(0);
  unsigned long long base = static_cast<unsigned long long>(a), result = 1;
  unsigned long long e = static_cast<unsigned long long>(b);
  while (e) {
    if (e & 1ull) result *= base;
    base *= base;
    e >>= 1;
  }
  return static_cast<T>(result);
}
template <class T> __device__ __forceinline__ T ax_shl(T a, T b) {
  const long long bits = sizeof(T) * 8;
  if (static_cast<long long>(b) < 0 || static_cast<long long>(b) >= bits ||
      (!ax_is_signed<T>() && static_cast<unsigned long long>(b) >= (unsigned long long)bits))
    return T(0);
  return static_cast<T>(static_cast<unsigned long long>(a) << static_cast<int>(b));
}
template <class T> __device__ __forceinline__ T ax_shr(T a, T b) {
  const long long bits = sizeof(T) * 8;
  const bool big = ax_is_signed<T>() ? (static_cast<long long>(b) < 0 || static_cast<long long>(b) >= bits)
                                     : static_cast<unsigned long long>(b) >= (unsigned long long)bits;
  if (big) return (ax_is_signed<T>() && a < T(0)) ? T(-1) : T(0);
  return static_cast<T>(a >> static_cast<int>(b));
}
template <class T> __device__ __forceinline__ T ax_logaddexp(T a, T b) {
  if (a == b) return a + T(0.6931471805599453);  // equal infinities too
  T d = a - b;
  if (d != d) return d;
  return d > T(0) ? a + ax_log1p(ax_exp(-d)) : b + ax_log1p(ax_exp(d));
}
template <class T> __device__ __forceinline__ T ax_logaddexp2(T a, T b) {
  if (a == b) return a + T(1);
  T d = a - b;
  if (d != d) return d;
  const T ln2 = T(0.6931471805599453);
  return d > T(0) ? a + ax_log1p(ax_exp2(-d)) / ln2 : b + ax_log1p(ax_exp2(d)) / ln2;
}
// Float -> integer as x86 gives NumPy: out of range and NaN give the minimum (signed); unsigned
// wraps through int64 where that is in range, else 0.
template <class To> __device__ __forceinline__ To ax_f2i(double v) {
  const double bits = sizeof(To) * 8;
  if (ax_is_signed<To>()) {
    const double hi = exp2(bits - 1.0);
    if (!(v >= -hi && v < hi)) return static_cast<To>(1ull << (sizeof(To) * 8 - 1));
    return static_cast<To>(static_cast<long long>(v));
  }
  const double hi = exp2(bits);
  if (!(v > -1.0 && v < hi)) {
    if (v > -9.2e18 && v < 9.2e18) return static_cast<To>(static_cast<long long>(v));
    return To(0);
  }
  return static_cast<To>(static_cast<unsigned long long>(v));
}
__device__ __forceinline__ unsigned ax_rotl32(unsigned v, int r) { return (v << r) | (v >> (32 - r)); }
// Threefry-2x32, 20 rounds: the same block as the CPU kernel (cpp/primitives/random_bits.cpp).
__device__ __forceinline__ void ax_threefry(unsigned k0, unsigned k1, unsigned x0, unsigned x1,
                                            unsigned& y0, unsigned& y1) {
  const unsigned k2 = k0 ^ k1 ^ 0x1BD11BDAu;
  const unsigned ks[3] = {k0, k1, k2};
  unsigned a = x0 + k0, b = x1 + k1;
  const int ra[4] = {13, 15, 26, 6}, rb[4] = {17, 29, 16, 24};
#pragma unroll
  for (int g = 0; g < 5; ++g) {
#pragma unroll
    for (int r = 0; r < 4; ++r) {
      a += b;
      b = ax_rotl32(b, (g % 2 == 0) ? ra[r] : rb[r]);
      b ^= a;
    }
    a += ks[(g + 1) % 3];
    b += ks[(g + 2) % 3] + static_cast<unsigned>(g + 1);
  }
  y0 = a;
  y1 = b;
}
template <class To, class From> __device__ __forceinline__ To ax_bitcast(From v) {
  union { From f; To t; } u;
  u.f = v;
  return u.t;
}
// Complex numbers (complex64, complex128) as the CPU's std::complex lays them out. The
// arithmetic is NumPy's: products by the schoolbook formula (no FMA: kernels are compiled
// without contraction), quotients and reciprocals by Smith's algorithm.
template <class R> struct ax_cplx { R re, im; };
typedef ax_cplx<float> ax_c64;
typedef ax_cplx<double> ax_c128;
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cadd(ax_cplx<R> a, ax_cplx<R> b) {
  return ax_cplx<R>{a.re + b.re, a.im + b.im};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_csub(ax_cplx<R> a, ax_cplx<R> b) {
  return ax_cplx<R>{a.re - b.re, a.im - b.im};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cmul(ax_cplx<R> a, ax_cplx<R> b) {
  return ax_cplx<R>{a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cdiv(ax_cplx<R> a, ax_cplx<R> b) {
  const R br = ax_abs(b.re), bi = ax_abs(b.im);
  if (br >= bi) {
    if (br == R(0) && bi == R(0)) return ax_cplx<R>{a.re / br, a.im / bi};
    const R rat = b.im / b.re, scl = R(1) / (b.re + b.im * rat);
    return ax_cplx<R>{(a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl};
  }
  const R rat = b.re / b.im, scl = R(1) / (b.im + b.re * rat);
  return ax_cplx<R>{(a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_crecip(ax_cplx<R> x) {
  if (ax_abs(x.im) <= ax_abs(x.re)) {
    const R r = x.im / x.re, d = x.re + x.im * r;
    return ax_cplx<R>{R(1) / d, -r / d};
  }
  const R r = x.re / x.im, d = x.re * r + x.im;
  return ax_cplx<R>{r / d, R(-1) / d};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cneg(ax_cplx<R> a) {
  return ax_cplx<R>{-a.re, -a.im};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cconj(ax_cplx<R> a) {
  return ax_cplx<R>{a.re, -a.im};
}
// np.round (rint) of each part.
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cround(ax_cplx<R> a) {
  return ax_cplx<R>{ax_rint(a.re), ax_rint(a.im)};
}
// NumPy 2's sign of a complex number, as the CPU's: z / |z|, NaN parts when |z| is NaN or both
// parts are infinite, the unit vector along the one infinite part, 0 at 0.
template <class R> __device__ __forceinline__ ax_cplx<R> ax_csign(ax_cplx<R> z) {
  const R mag = ax_hypot(z.re, z.im), nan = ax_nan(mag);
  if (ax_isnan(mag)) return ax_cplx<R>{nan, nan};
  if (ax_isinf(mag)) {
    if (ax_isinf(z.re))
      return ax_isinf(z.im) ? ax_cplx<R>{nan, nan} : ax_cplx<R>{z.re > R(0) ? R(1) : R(-1), R(0)};
    return ax_cplx<R>{R(0), z.im > R(0) ? R(1) : R(-1)};
  }
  if (mag == R(0)) return ax_cplx<R>{R(0), R(0)};
  return ax_cplx<R>{z.re / mag, z.im / mag};
}
template <class R> __device__ __forceinline__ bool ax_ceq(ax_cplx<R> a, ax_cplx<R> b) {
  return a.re == b.re && a.im == b.im;
}
// A warp shuffle down of any accumulator: complex numbers as their two parts (a shuffle moves
// at most 8 bytes).
template <class T> __device__ __forceinline__ T ax_shfl_down(T v, int d) {
  return __shfl_down_sync(0xffffffffu, v, d);
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_shfl_down(ax_cplx<R> v, int d) {
  return ax_cplx<R>{__shfl_down_sync(0xffffffffu, v.re, d), __shfl_down_sync(0xffffffffu, v.im, d)};
}
// A load that bypasses what the compiler may have cached (other blocks wrote it), for any
// accumulator: complex numbers as their two parts (a volatile struct cannot be copied).
template <class T> __device__ __forceinline__ T ax_vload(const T* p) {
  return *(const volatile T*)p;
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_vload(const ax_cplx<R>* p) {
  const volatile R* q = (const volatile R*)p;
  return ax_cplx<R>{q[0], q[1]};
}
// A load from L2, past this multiprocessor's L1, of what other blocks wrote before a fence and
// a counter told this one to read it (the parts of split reductions): unlike a volatile load
// it may be issued early, so a loop over many parts keeps many loads in flight (volatile
// loads one after another took ~0.1 us each on an H100).
template <class T> __device__ __forceinline__ T ax_ldcg(const T* p) {
  return __ldcg(p);
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_ldcg(const ax_cplx<R>* p) {
  const R* q = (const R*)p;
  return ax_cplx<R>{__ldcg(q), __ldcg(q + 1)};
}
// exp of a complex number with the C99 special cases glibc's cexp gives the CPU: a zero
// imaginary part kept, exp(+inf + i y) = (inf, nan) and exp(-inf + i y) = (0, +-0) for an
// infinite or NaN y (the product formula would give NaN parts there).
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cexp(ax_cplx<R> z) {
  const R x = z.re, y = z.im;
  if (y == R(0)) return ax_cplx<R>{ax_exp(x), y};
  if (ax_isinf(x) && !ax_isfinite(y))
    return x > R(0) ? ax_cplx<R>{x, y - y} : ax_cplx<R>{R(0), ax_copysign(R(0), y)};
  const R e = ax_exp(x);
  return ax_cplx<R>{e * ax_cos(y), e * ax_sin(y)};
}
// sqrt and log of a complex number with C99's special cases (glibc's csqrt and clog on the
// CPU). log is (log |z|, arg z): hypot and atan2 already give C99's infinities, NaNs and signed
// zeros (|z| halved first where it could overflow). sqrt is Kahan's formula, computed on z/4 (and doubled) where |z| could overflow.
template <class R> __device__ __forceinline__ ax_cplx<R> ax_clog(ax_cplx<R> z) {
  const R big = sizeof(R) == 4 ? R(1e37f) : R(1e307);  // |z| may overflow: log |z/2| + log 2
  if (ax_abs(z.re) > big || ax_abs(z.im) > big)
    return ax_cplx<R>{ax_log(ax_hypot(z.re * R(0.5), z.im * R(0.5))) + R(0.6931471805599453),
                      ax_atan2(z.im, z.re)};
  return ax_cplx<R>{ax_log(ax_hypot(z.re, z.im)), ax_atan2(z.im, z.re)};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_csqrt(ax_cplx<R> z) {
  R x = z.re, y = z.im;
  if (ax_isinf(y)) return ax_cplx<R>{ax_abs(y), y};
  if (x != x) return ax_cplx<R>{x, x};
  if (ax_isinf(x)) {
    if (x > R(0)) return ax_cplx<R>{x, y != y ? y : ax_copysign(R(0), y)};
    return ax_cplx<R>{y != y ? y : R(0), ax_copysign(-x, y)};
  }
  if (y != y) return ax_cplx<R>{y, y};
  if (x == R(0) && y == R(0)) return ax_cplx<R>{R(0), y};
  const R big = sizeof(R) == 4 ? R(1e37f) : R(1e307);
  R scale = R(1);
  if (ax_abs(x) > big || ax_abs(y) > big) {
    x *= R(0.25);
    y *= R(0.25);
    scale = R(2);
  }
  const R t = ax_sqrt((ax_abs(x) + ax_hypot(x, y)) * R(0.5));
  if (x >= R(0)) return ax_cplx<R>{t * scale, y / (R(2) * t) * scale};
  return ax_cplx<R>{ax_abs(y) / (R(2) * t) * scale, ax_copysign(t, y) * scale};
}
// NumPy's order of complex numbers, as the CPU's (cpp/primitives/binary_arith.cpp,
// compare_order.cpp): lexicographic; maximum/minimum propagate a NaN in either part,
// fmax/fmin ignore it; a NaN imaginary part makes a comparison decided by the real parts false.
template <class R> __device__ __forceinline__ bool ax_cisnan(ax_cplx<R> a) {
  return a.re != a.re || a.im != a.im;
}
template <class R> __device__ __forceinline__ bool ax_cless(ax_cplx<R> a, ax_cplx<R> b) {
  return a.re < b.re || (a.re == b.re && a.im < b.im);
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cmax(ax_cplx<R> a, ax_cplx<R> b) {
  if (ax_cisnan(a)) return a;
  if (ax_cisnan(b)) return b;
  return ax_cless(a, b) ? b : a;
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cmin(ax_cplx<R> a, ax_cplx<R> b) {
  if (ax_cisnan(a)) return a;
  if (ax_cisnan(b)) return b;
  return ax_cless(b, a) ? b : a;
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cfmax(ax_cplx<R> a, ax_cplx<R> b) {
  if (ax_cisnan(b)) return a;
  if (ax_cisnan(a)) return b;
  return ax_cless(a, b) ? b : a;
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cfmin(ax_cplx<R> a, ax_cplx<R> b) {
  if (ax_cisnan(b)) return a;
  if (ax_cisnan(a)) return b;
  return ax_cless(b, a) ? b : a;
}
template <class R> __device__ __forceinline__ bool ax_clt(ax_cplx<R> a, ax_cplx<R> b) {
  return (a.re < b.re && a.im == a.im && b.im == b.im) || (a.re == b.re && a.im < b.im);
}
template <class R> __device__ __forceinline__ bool ax_cle(ax_cplx<R> a, ax_cplx<R> b) {
  return (a.re < b.re && a.im == a.im && b.im == b.im) || (a.re == b.re && a.im <= b.im);
}
// The CPU's other complex functions (cpp/primitives/unary_math.cpp, binary_arith.cpp): exp2,
// log2, log10 by scaling both parts (as NumPy does), expm1 and log1p by their formulas, and
// pow: 1 for a zero exponent, 0 or NaN for a zero base, small integer exponents by repeated
// squaring (exact, as NumPy), else exp(b log a) as glibc's cpow.
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cscale(ax_cplx<R> z, double c) {
  return ax_cplx<R>{z.re * (R)c, z.im * (R)c};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cexpm1(ax_cplx<R> z) {
  const R s = ax_sin(z.im / R(2));
  return ax_cplx<R>{ax_expm1(z.re) * ax_cos(z.im) - R(2) * s * s, ax_exp(z.re) * ax_sin(z.im)};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_clog1p(ax_cplx<R> z) {
  const R re = z.re + R(1);
  return ax_cplx<R>{ax_log(ax_hypot(re, z.im)), ax_atan2(z.im, re)};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cpow(ax_cplx<R> a, ax_cplx<R> b) {
  if (b.re == R(0) && b.im == R(0)) return ax_cplx<R>{R(1), R(0)};
  if (a.re == R(0) && a.im == R(0)) {
    const R nan = ax_inf(R(0)) * R(0);
    return b.re > R(0) ? ax_cplx<R>{R(0), R(0)} : ax_cplx<R>{nan, nan};
  }
  if (b.im == R(0) && b.re == ax_trunc(b.re) && ax_abs(b.re) < R(100)) {
    if (b.re == R(1)) return a;  // 1, 2 and 3 unrolled as NumPy's (keeps inf + 0j's zero)
    if (b.re == R(2)) return ax_cmul(a, a);
    if (b.re == R(3)) return ax_cmul(a, ax_cmul(a, a));
    long long n = (long long)ax_abs(b.re);
    ax_cplx<R> result{R(1), R(0)}, base = a;
    while (n) {
      if (n & 1) result = ax_cmul(result, base);
      base = ax_cmul(base, base);
      n >>= 1;
    }
    return b.re < R(0) ? ax_cdiv(ax_cplx<R>{R(1), R(0)}, result) : result;
  }
  return ax_cexp(ax_cmul(b, ax_clog(a)));
}
// sinh, cosh, tanh, sin, cos and tan of a complex number with C99's special cases (Annex G),
// as glibc gives them to the CPU: cos z = cosh(iz) (glibc's own definition); sin and tan
// have their own special cases. ax_mulz(a, b) is a product whose exact zero factor stays a
// zero (sin 0 * cosh 400 is 0 where cosh overflows).
template <class R> __device__ __forceinline__ R ax_mulz(R a, R b) {
  return a == R(0) ? a * ax_copysign(R(1), b) : a * b;
}
// (c cosh t, s sinh t) for finite t >= 0, where cosh t may overflow but the products need not
// (1e-30 cosh 120 in float32): past T = log(max) / 1 cosh and sinh are e^t / 2, applied in
// steps of e^T, as glibc does.
template <class R> __device__ __forceinline__ void ax_hyp_products(R t, R c, R s, R& cc, R& ss) {
  const R T = sizeof(R) == 4 ? R(88) : R(709);
  if (t <= T) {
    cc = ax_mulz(c, ax_cosh(t));
    ss = ax_mulz(s, ax_sinh(t));
    return;
  }
  const R eT = ax_exp(T);
  R c2 = c * eT * R(0.5), s2 = s * eT * R(0.5), rest = t - T;
  if (rest > T) {
    rest -= T;
    c2 *= eT;
    s2 *= eT;
  }
  const R e = ax_exp(rest);
  cc = ax_mulz(c2, e);
  ss = ax_mulz(s2, e);
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_csinh(ax_cplx<R> z) {
  const R x = z.re, y = z.im, rx = ax_abs(x);
  const bool neg = ax_signbit(x);
  if (ax_isfinite(rx)) {
    if (ax_isfinite(y)) {
      R re, im;
      ax_hyp_products(rx, ax_sin(y), ax_cos(y), im, re);
      return ax_cplx<R>{neg ? -re : re, im};
    }
    if (rx == R(0)) return ax_cplx<R>{x, y - y};
    return ax_cplx<R>{y - y, y - y};
  }
  if (ax_isinf(rx)) {
    if (ax_isfinite(y) && y != R(0)) {
      const R re = ax_copysign(rx, ax_cos(y)), im = ax_copysign(rx, ax_sin(y));
      return ax_cplx<R>{neg ? -re : re, im};
    }
    if (y == R(0)) return ax_cplx<R>{x, y};
    return ax_cplx<R>{rx, y - y};
  }
  return ax_cplx<R>{x, y == R(0) ? y : x};  // NaN real part
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_ccosh(ax_cplx<R> z) {
  const R x = z.re, y = z.im, rx = ax_abs(x);
  if (ax_isfinite(x)) {
    if (ax_isfinite(y)) {
      R re, im;
      ax_hyp_products(rx, ax_cos(y), ax_sin(y), re, im);
      return ax_cplx<R>{re, ax_signbit(x) ? -im : im};
    }
    return ax_cplx<R>{y - y, x == R(0) ? R(0) : y - y};
  }
  if (ax_isinf(x)) {
    if (ax_isfinite(y) && y != R(0))
      return ax_cplx<R>{ax_copysign(rx, ax_cos(y)), ax_copysign(rx, ax_sin(y)) * ax_copysign(R(1), x)};
    if (y == R(0)) return ax_cplx<R>{rx, y * ax_copysign(R(1), x)};
    return ax_cplx<R>{rx, y - y};
  }
  return ax_cplx<R>{x, y == R(0) ? y : x};  // NaN real part
}
// -v as a flip of the sign bit, a NaN's included: the rotations z -> iz below pass a NaN's
// sign on to C99's results (catan(inf + i NaN) = pi/2 + 0i takes its zero's sign from it), and
// GPU arithmetic (a negation included) returns NaNs with a sign of its own.
template <class R> __device__ __forceinline__ R ax_flip(R v) {
  return ax_copysign(v, ax_signbit(v) ? R(1) : R(-1));
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_ccos(ax_cplx<R> z) {
  return ax_ccosh(ax_cplx<R>{ax_flip(z.im), z.re});
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_csin(ax_cplx<R> z) {
  const R x = z.re, y = z.im, rx = ax_abs(x);
  const bool neg = ax_signbit(x);
  if (ax_isfinite(y)) {
    if (ax_isfinite(rx)) {
      R re, im;
      ax_hyp_products(ax_abs(y), ax_sin(rx), ax_cos(rx), re, im);
      return ax_cplx<R>{neg ? -re : re, ax_signbit(y) ? -im : im};
    }
    return ax_cplx<R>{rx - rx, y == R(0) ? y : rx - rx};
  }
  if (ax_isinf(y)) {
    if (rx == R(0)) return ax_cplx<R>{x, y};
    if (ax_isfinite(rx)) {
      const R re = ax_copysign(ax_abs(y), ax_sin(rx)), im = ax_copysign(ax_abs(y), ax_cos(rx));
      return ax_cplx<R>{neg ? -re : re, ax_signbit(y) ? -im : im};
    }
    return ax_cplx<R>{rx - rx, ax_abs(y)};
  }
  return ax_cplx<R>{rx == R(0) ? x : y, y};  // NaN imaginary part
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_ctanh(ax_cplx<R> z) {
  const R x = z.re, y = z.im;
  if (!ax_isfinite(x) || !ax_isfinite(y)) {
    if (ax_isinf(x)) {
      const R im = ax_isfinite(y) && ax_abs(y) > R(1) ? ax_sin(y) * ax_cos(y) : y;
      return ax_cplx<R>{ax_copysign(R(1), x), ax_copysign(R(0), im)};
    }
    if (y == R(0)) return ax_cplx<R>{x, y};
    if (x == R(0)) return ax_cplx<R>{x, y - y};
    const R nan = ax_inf(x) * R(0);
    return ax_cplx<R>{nan, nan};
  }
  // Past t, tanh's real part is +-1 and its imaginary part 4 sin cos / e^(2|x|), taken in
  // two steps so that e^(2|x|) does not overflow first.
  const R t = sizeof(R) == 4 ? R(44) : R(354), s = ax_sin(y), c = ax_cos(y);
  if (ax_abs(x) > t) {
    const R e2t = ax_exp(R(2) * t), rest = ax_abs(x) - t;
    R im = R(4) * s * c / e2t;
    im /= rest > t ? e2t : ax_exp(R(2) * rest);
    return ax_cplx<R>{ax_copysign(R(1), x), im};
  }
  const R sh = ax_sinh(x), ch = ax_cosh(x);
  const R eps = sizeof(R) == 4 ? R(1.1920929e-07f) : R(2.220446049250313e-16);
  const R den = ax_abs(sh) > ax_abs(c) * eps ? sh * sh + c * c : c * c;
  return ax_cplx<R>{sh * ch / den, s * c / den};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_ctan(ax_cplx<R> z) {
  // tan z = -i tanh(iz), with tan's own special cases: a NaN or infinite real part with a zero
  // imaginary part keeps that zero.
  const R x = z.re, y = z.im;
  if ((!ax_isfinite(x)) && y == R(0)) return ax_cplx<R>{x - x, y};
  const ax_cplx<R> w = ax_ctanh(ax_cplx<R>{ax_flip(y), x});
  return ax_cplx<R>{w.im, ax_flip(w.re)};
}
// The inverse trigonometric and hyperbolic functions of complex numbers, with the special
// cases (infinities, NaNs, signed zeros) glibc's casin, cacos, casinh, cacosh and catanh give
// NumPy; catan is -i catanh(iz), as C99 defines it.
//
// The arcsine's parts for finite x, y >= 0 by Hull, Fairgrieve and Tang's algorithm (ACM TOMS
// 23(3), 1997): with r = |z + 1|, s = |z - 1|, a = (r + s) / 2 and b = x / a, the real part
// is asin(b) (acos(b) for the arccosine) where b is not near 1, and the imaginary part
// log(a + sqrt(a^2 - 1)), each rewritten without cancellation where it would lose digits
// (near the real segment [-1, 1] and the branch points). Beyond 1/eps the 1 in 1 - z^2 is
// lost: asin z = atan2(x, y) + i log 2|z| there.
template <class R> __device__ __forceinline__ void ax_casin_parts(R x, R y, R& re, R& im, R& acos_re) {
  const R eps = sizeof(R) == 4 ? R(1.1920929e-07f) : R(2.220446049250313e-16);
  if (x > R(1) / eps || y > R(1) / eps) {
    re = ax_atan2(x, y);
    acos_re = ax_atan2(y, x);
    im = ax_log(ax_hypot(x * R(0.5), y * R(0.5))) + R(1.3862943611198906);  // log|z/2| + log 4
    return;
  }
  if (x < R(1) && y < eps * (R(1) - x)) {  // y's first order is exact here
    re = ax_asin(x);
    acos_re = ax_acos(x);
    im = y / ax_sqrt((R(1) - x) * (R(1) + x));
    return;
  }
  const R r = ax_hypot(x + R(1), y), s = ax_hypot(x - R(1), y);
  const R a = R(0.5) * (r + s), b = x / a, y2 = y * y;
  if (b <= R(0.6417)) {
    re = ax_asin(b);
    acos_re = ax_acos(b);
  } else {  // sqrt(a^2 - x^2)... written from r and s
    const R d = x <= R(1) ? ax_sqrt(R(0.5) * (a + x) * (y2 / (r + x + R(1)) + (s + (R(1) - x))))
                          : y * ax_sqrt(R(0.5) * ((a + x) / (r + x + R(1)) + (a + x) / (s + (x - R(1)))));
    re = ax_atan(x / d);
    acos_re = ax_atan(d / x);
  }
  if (a <= R(1.5)) {  // a - 1 from r and s, then log1p
    const R am1 = x < R(1) ? R(0.5) * (y2 / (r + x + R(1)) + y2 / (s + (R(1) - x)))
                           : R(0.5) * (y2 / (r + x + R(1)) + (s + (x - R(1))));
    im = ax_log1p(am1 + ax_sqrt(am1 * (a + R(1))));
  } else {
    im = ax_log(a + ax_sqrt(a * a - R(1)));
  }
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_casinh(ax_cplx<R> z) {
  const R x = z.re, y = z.im, inf = ax_inf(x), nan = inf - inf;
  if (!ax_isfinite(x) || !ax_isfinite(y)) {
    if (ax_isinf(y))
      return ax_cplx<R>{ax_copysign(inf, x),
                        x != x ? nan : ax_copysign(ax_isinf(x) ? R(0.7853981633974483) : R(1.5707963267948966), y)};
    if (!ax_isfinite(x))
      return ax_cplx<R>{x, (ax_isinf(x) && y == y) || (x != x && y == R(0)) ? ax_copysign(R(0), y) : nan};
    return ax_cplx<R>{nan, nan};
  }
  if (x == R(0) && y == R(0)) return z;
  R re, im, acos_re;  // asinh(x + iy) = -i asin(iz), by the symmetries from asin(|y| + i|x|)
  ax_casin_parts(ax_abs(y), ax_abs(x), re, im, acos_re);
  return ax_cplx<R>{ax_copysign(im, x), ax_copysign(re, y)};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_casin(ax_cplx<R> z) {
  const R x = z.re, y = z.im, inf = ax_inf(x), nan = inf - inf;
  if (x != x || y != y) {
    if (x == R(0)) return z;
    if (ax_isinf(x) || ax_isinf(y)) return ax_cplx<R>{nan, ax_copysign(inf, y)};
    return ax_cplx<R>{nan, nan};
  }
  const ax_cplx<R> w = ax_casinh(ax_cplx<R>{ax_flip(y), x});
  return ax_cplx<R>{w.im, ax_flip(w.re)};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cacos(ax_cplx<R> z) {
  const R x = z.re, y = z.im;
  if (!ax_isfinite(x) || !ax_isfinite(y) || (x == R(0) && y == R(0))) {
    const ax_cplx<R> s = ax_casin(z);  // pi/2 - asin z, with +0 for a zero real part
    const R re = R(1.5707963267948966) - s.re;
    return ax_cplx<R>{re == R(0) ? R(0) : re, -s.im};
  }
  R re, im, acos_re;
  ax_casin_parts(ax_abs(x), ax_abs(y), re, im, acos_re);
  return ax_cplx<R>{ax_signbit(x) ? R(3.141592653589793) - acos_re : acos_re, -ax_copysign(im, y)};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_cacosh(ax_cplx<R> z) {
  const R x = z.re, y = z.im, inf = ax_inf(x), nan = inf - inf;
  if (!ax_isfinite(x) || !ax_isfinite(y)) {
    if (ax_isinf(y)) {
      const R angle = !ax_isinf(x) ? R(1.5707963267948966) : x < R(0) ? R(2.356194490192345) : R(0.7853981633974483);
      return ax_cplx<R>{inf, x != x ? nan : ax_copysign(angle, y)};
    }
    if (ax_isinf(x)) return ax_cplx<R>{inf, y == y ? ax_copysign(ax_signbit(x) ? R(3.141592653589793) : R(0), y) : nan};
    return ax_cplx<R>{nan, x == R(0) ? R(1.5707963267948966) : nan};  // (+-0 + i NaN: NaN + i pi/2)
  }
  if (x == R(0) && y == R(0)) return ax_cplx<R>{R(0), ax_copysign(R(1.5707963267948966), y)};
  const ax_cplx<R> w = ax_cacos(z);  // acosh z = +-i acos z, the sign giving a real part >= 0
  return ax_cplx<R>{ax_abs(w.im), ax_copysign(w.re, y)};
}
// a^2 + b^2 - 1 without cancellation near the unit circle (products exact in double, or by FMA).
template <class R> __device__ __forceinline__ R ax_x2y2m1(R a, R b) {
  const double da = a, db = b, t1 = da * da, t2 = db * db;
  if (sizeof(R) == 4) return R((t1 - 1.0) + t2);
  return R(((t1 - 1.0) + t2) + (fma(da, da, -t1) + fma(db, db, -t2)));
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_catanh(ax_cplx<R> z) {
  const R x = z.re, y = z.im, inf = ax_inf(x), nan = inf - inf, pi2 = R(1.5707963267948966);
  if (!ax_isfinite(x) || !ax_isfinite(y)) {
    if (ax_isinf(y)) return ax_cplx<R>{ax_copysign(R(0), x), ax_copysign(pi2, y)};
    if (ax_isinf(x) || x == R(0)) return ax_cplx<R>{ax_copysign(R(0), x), y == y ? ax_copysign(pi2, y) : nan};
    return ax_cplx<R>{nan, nan};
  }
  if (x == R(0) && y == R(0)) return z;
  const R eps = sizeof(R) == 4 ? R(1.1920929e-07f) : R(2.220446049250313e-16);
  const R ax = ax_abs(x), ay = ax_abs(y);
  if (ax >= R(16) / eps || ay >= R(16) / eps) {  // atanh z ~ 1/z: the real part of 1/z
    R re;
    if (ay <= R(1)) {
      re = R(1) / x;
    } else if (ax <= R(1)) {
      re = x / y / y;
    } else {
      const R h = ax_hypot(x * R(0.5), y * R(0.5));
      re = x / h / h * R(0.25);
    }
    return ax_cplx<R>{re, ax_copysign(pi2, y)};
  }
  R re;  // log(|1 + z| / |1 - z|) / 2, through log1p where the ratio is near 1
  if (ax == R(1) && ay < eps * eps) {
    re = ax_copysign(R(0.5), x) * (R(0.6931471805599453) - ax_log(ay));
  } else {
    const R y2 = ay >= eps * eps ? y * y : R(0);
    const R num = y2 + (R(1) + x) * (R(1) + x), den = y2 + (R(1) - x) * (R(1) - x);
    const R f = num / den;
    re = f < R(0.5) ? R(0.25) * ax_log(f) : R(0.25) * ax_log1p(R(4) * x / den);
  }
  R a = ax, b = ay;  // the imaginary part: atan2(2y, 1 - x^2 - y^2) / 2
  if (a < b) {
    const R t = a;
    a = b;
    b = t;
  }
  R d;
  if (b < eps * R(0.5)) {
    d = (R(1) - a) * (R(1) + a);
    if (d == R(0)) d = R(0);
  } else if (a >= R(1) || (a < R(0.75) && b < R(0.5))) {
    d = (R(1) - a) * (R(1) + a) - b * b;
  } else {
    d = -ax_x2y2m1(a, b);
  }
  return ax_cplx<R>{re, R(0.5) * ax_atan2(R(2) * y, d)};
}
template <class R> __device__ __forceinline__ ax_cplx<R> ax_catan(ax_cplx<R> z) {
  const ax_cplx<R> w = ax_catanh(ax_cplx<R>{ax_flip(z.im), z.re});
  return ax_cplx<R>{w.im, ax_flip(w.re)};
}
