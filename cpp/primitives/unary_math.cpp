// Unary transcendental primitives: sqrt, cbrt, exp, exp2, expm1, log, log2, log10, log1p, the
// trigonometric and hyperbolic functions and their inverses. Real dtypes use libm (float16/bfloat16
// in float32); some float32/float64 functions have a SIMD path through Eigen's packet math on
// contiguous runs. Complex dtypes use the C99 complex functions (as NumPy does) or NumPy's own
// formulas where NumPy has them.
#include <limits>

#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

// Runs Fn's Eigen packet function and recomputes with the scalar one (libm) the lanes that fall
// outside [Fn::lo, Fn::hi]: Eigen 3.4's packet math clamps or flushes there (exp underflow, log
// of subnormals, huge arguments), while inside the ranges it stays within 2 ulp of the correctly
// rounded result. NaN lanes are blended in; an unbounded range (tanh) skips the check, which
// cost half again the packet function's time.
// Fn::zero_below(S): below it the function rounds to +0 (exp far into underflow, -inf
// included); such lanes are set in the packet, not sent to libm. A causal softmax's exp sees
// half its lanes at -inf: through libm it ran 6x slower.
template <typename Fn, typename = void>
struct has_zero_below : std::false_type {};
template <typename Fn>
struct has_zero_below<Fn, std::void_t<decltype(Fn::zero_below(float()))>> : std::true_type {};

template <typename Fn>
struct RangedPacketOp {
  template <typename S>
  S operator()(const S& x) const {
    return Fn::f(x);
  }
  template <typename P>
  P packetOp(const P& x) const {
    using namespace Eigen::internal;
    using S = typename unpacket_traits<P>::type;
    const S lo = Fn::lo(S()), hi = Fn::hi(S());
    // NaN lanes give NaN (every function here maps NaN to NaN) by a blend, not through libm.
    constexpr S inf = std::numeric_limits<S>::infinity();
    S zero_below = -inf;
    P z = pzero(x);  // lanes whose result is +0
    if constexpr (has_zero_below<Fn>::value) {
      zero_below = Fn::zero_below(S());
      z = pcmp_lt(x, pset1<P>(zero_below));
    }
    // Those lanes evaluate at 0 and are cleared after: far-negative arguments would run the
    // packet function through subnormal intermediates, slow on x86 (2x on a causal softmax).
    P r = pselect(pcmp_eq(x, x), Fn::packet(pandnot(x, z)), x);
    r = pandnot(r, z);
    if (lo == -inf && hi == inf) return r;  // no other lane needs libm (tanh): no check
    P ok = por(por(pand(pcmp_le(pset1<P>(lo), x), pcmp_le(x, pset1<P>(hi))),
                   pandnot(ptrue(x), pcmp_eq(x, x))),  // in range, or NaN (done)
               z);
    if (predux_any(pandnot(ptrue(ok), ok))) {
      constexpr int N = unpacket_traits<P>::size;
      S xs[N], rs[N];
      pstoreu(xs, x);
      pstoreu(rs, r);
      for (int i = 0; i < N; ++i)
        if (!(xs[i] >= lo && xs[i] <= hi) && !(xs[i] < zero_below)) rs[i] = Fn::f(xs[i]);
      r = ploadu<P>(rs);
    }
    return r;
  }
};

}  // namespace
}  // namespace arrax::ew

namespace Eigen::internal {
template <typename Fn>
struct functor_traits<arrax::ew::RangedPacketOp<Fn>> {
  enum { Cost = 40, PacketAccess = true };
};
}  // namespace Eigen::internal

namespace arrax::ew {
namespace {

template <typename T>
struct real_of {
  using type = T;
};
template <typename R>
struct real_of<std::complex<R>> {
  using type = R;
};

// z with both parts multiplied by the real constant c (NumPy scales complex log2/log10/exp2 this
// way).
template <typename T>
T scale_parts(T z, long double c) {
  using R = typename real_of<T>::type;
  return T(z.real() * static_cast<R>(c), z.imag() * static_cast<R>(c));
}

constexpr long double kLog2E = 1.442695040888963407359924681001892137L;
constexpr long double kLog10E = 0.434294481903251827651128918916605082L;
constexpr long double kLn2 = 0.693147180559945309417232121458176568L;

// A function family Fn (static f for real and complex scalars) as an elementwise functor.
template <typename Fn, bool kComplex = true>
struct MathOp {
  template <typename T>
  static constexpr bool supports = is_float_v<T> || (kComplex && is_complex_v<T>);
  template <typename T>
  static T apply(T x) {
    return Fn::f(x);
  }
};

// MathOp plus the SIMD path for float32 (and float64 where kDouble) contiguous runs.
template <typename Fn, bool kDouble>
struct VecMathOp : MathOp<Fn> {
  template <typename E,
            std::enable_if_t<std::is_same_v<typename E::Scalar, float> ||
                                 (kDouble && std::is_same_v<typename E::Scalar, double>),
                             int> = 0>
  static auto eigen(const E& x) {
    return x.unaryExpr(RangedPacketOp<Fn>());
  }
};

struct SqrtFn {
  template <typename T>
  static T f(T x) {
    return std::sqrt(x);  // real sqrt vectorizes by itself (-fno-math-errno)
  }
};
struct CbrtFn {
  template <typename T>
  static T f(T x) {
    return std::cbrt(x);
  }
};
// exp on float32 lanes: Eigen 3.4's pexp_float (the same Cephes polynomial, so the same values)
// without its clamp and its general ldexp, which splits the scaling into four multiplications
// for exponents a normal float cannot hold. Only lanes in [ExpFn::lo, hi] are kept, where 2^m is
// a normal float: about 30% faster, the most common transcendental of a softmax.
template <typename P>
P exp_float_in_range(const P& x) {
  using namespace Eigen::internal;
  const P m = pfloor(pmadd(x, pset1<P>(1.44269504088896341f), pset1<P>(0.5f)));
  P r = pmadd(m, pset1<P>(-0.693359375f), x);
  r = pmadd(m, pset1<P>(2.12194440e-4f), r);
  const P r2 = pmul(r, r), r3 = pmul(r2, r);
  P y = pmadd(pset1<P>(1.9875691500E-4f), r, pset1<P>(1.3981999507E-3f));
  P y1 = pmadd(pset1<P>(4.1665795894E-2f), r, pset1<P>(1.6666665459E-1f));
  const P y2 = padd(r, pset1<P>(1.0f));
  y = pmadd(y, r, pset1<P>(8.3334519073E-3f));
  y1 = pmadd(y1, r, pset1<P>(5.0000001201E-1f));
  y = pmadd(y, r3, y1);
  y = pmadd(y, r2, y2);
  return pldexp_fast_impl<P>::run(y, m);
}

struct ExpFn {
  template <typename T>
  static T f(T x) {
    return std::exp(x);
  }
  template <typename P>
  static P packet(const P& x) {
    if constexpr (std::is_same_v<typename Eigen::internal::unpacket_traits<P>::type, float>)
      return exp_float_in_range(x);
    else
      return Eigen::internal::pexp(x);
  }
  static float lo(float) { return -87.0f; }
  static float hi(float) { return 88.0f; }
  static double lo(double) { return -708.0; }
  static double hi(double) { return 709.0; }
  // exp(x) < half the smallest subnormal (2^-150, 2^-1075) rounds to +0.
  static float zero_below(float) { return -104.0f; }
  static double zero_below(double) { return -746.0; }
};
struct Exp2Fn {
  template <typename T>
  static T f(T x) {
    if constexpr (is_complex_v<T>)
      return std::exp(scale_parts(x, kLn2));
    else
      return std::exp2(x);
  }
};
struct Expm1Fn {
  template <typename T>
  static T f(T x) {
    if constexpr (is_complex_v<T>) {
      // NumPy's formula: expm1(a) cos(b) - 2 sin^2(b/2) + i exp(a) sin(b), accurate near 0.
      using R = typename real_of<T>::type;
      const R a = x.real(), b = x.imag(), s = std::sin(b / 2);
      return T(std::expm1(a) * std::cos(b) - 2 * s * s, std::exp(a) * std::sin(b));
    } else {
      return std::expm1(x);
    }
  }
  template <typename P>
  static P packet(const P& x) {
    return Eigen::internal::pexpm1(x);
  }
  static float lo(float) { return -87.0f; }
  static float hi(float) { return 88.0f; }
};
struct LogFn {
  template <typename T>
  static T f(T x) {
    return std::log(x);
  }
  template <typename P>
  static P packet(const P& x) {
    return Eigen::internal::plog(x);
  }
  static float lo(float) { return std::numeric_limits<float>::min(); }
  static float hi(float) { return std::numeric_limits<float>::max(); }
  static double lo(double) { return std::numeric_limits<double>::min(); }
  static double hi(double) { return std::numeric_limits<double>::max(); }
};
struct Log2Fn {
  template <typename T>
  static T f(T x) {
    if constexpr (is_complex_v<T>)
      return scale_parts(std::log(x), kLog2E);
    else
      return std::log2(x);
  }
  template <typename P>
  static P packet(const P& x) {
    return Eigen::internal::plog2(x);
  }
  static float lo(float) { return std::numeric_limits<float>::min(); }
  static float hi(float) { return std::numeric_limits<float>::max(); }
  static double lo(double) { return std::numeric_limits<double>::min(); }
  static double hi(double) { return std::numeric_limits<double>::max(); }
};
struct Log10Fn {
  template <typename T>
  static T f(T x) {
    if constexpr (is_complex_v<T>)
      return scale_parts(std::log(x), kLog10E);
    else
      return std::log10(x);
  }
};
struct Log1pFn {
  template <typename T>
  static T f(T x) {
    if constexpr (is_complex_v<T>) {
      // NumPy's formula: log|1 + z| + i arg(1 + z).
      const auto re = x.real() + 1;
      return T(std::log(std::hypot(re, x.imag())), std::atan2(x.imag(), re));
    } else {
      return std::log1p(x);
    }
  }
  template <typename P>
  static P packet(const P& x) {
    return Eigen::internal::plog1p(x);
  }
  static float lo(float) { return -0.99999f; }
  static float hi(float) { return std::numeric_limits<float>::max(); }
};
struct SinFn {
  template <typename T>
  static T f(T x) {
    return std::sin(x);
  }
  template <typename P>
  static P packet(const P& x) {
    return Eigen::internal::psin(x);
  }
  static float lo(float) { return -1e5f; }
  static float hi(float) { return 1e5f; }
};
struct CosFn {
  template <typename T>
  static T f(T x) {
    return std::cos(x);
  }
  template <typename P>
  static P packet(const P& x) {
    return Eigen::internal::pcos(x);
  }
  static float lo(float) { return -1e5f; }
  static float hi(float) { return 1e5f; }
};

// float32 tanh uses Eigen's rational approximation: within 5 ulp of the correctly rounded result
// (6e-7 relative; NumPy's own SIMD tanh is not correctly rounded either) and about three times
// faster than a polynomial-plus-exp formulation. Only NaN takes the scalar path.
struct TanhFn {
  template <typename T>
  static T f(T x) {
    return std::tanh(x);
  }
  template <typename P>
  static P packet(const P& x) {
    return Eigen::internal::ptanh(x);
  }
  static float lo(float) { return -std::numeric_limits<float>::infinity(); }
  static float hi(float) { return std::numeric_limits<float>::infinity(); }
};

#define ARRAX_STD_FN(NAME, FN) \
  struct NAME {                \
    template <typename T>      \
    static T f(T x) {          \
      return std::FN(x);       \
    }                          \
  };
ARRAX_STD_FN(TanFn, tan)
ARRAX_STD_FN(AsinFn, asin)
ARRAX_STD_FN(AcosFn, acos)
ARRAX_STD_FN(AtanFn, atan)
ARRAX_STD_FN(SinhFn, sinh)
ARRAX_STD_FN(CoshFn, cosh)
ARRAX_STD_FN(AsinhFn, asinh)
ARRAX_STD_FN(AcoshFn, acosh)
ARRAX_STD_FN(AtanhFn, atanh)
#undef ARRAX_STD_FN

static_assert(has_eigen<VecMathOp<ExpFn, true>, float>::value &&
                  has_eigen<VecMathOp<ExpFn, true>, double>::value &&
                  !has_eigen<VecMathOp<SinFn, false>, double>::value &&
                  !has_eigen<VecMathOp<SinFn, false>, float16>::value &&
                  !has_eigen<VecMathOp<LogFn, true>, complex64>::value,
              "SIMD paths: float32/float64 only where enabled");

const Primitive& sqrt_p = register_unary<MathOp<SqrtFn>>("sqrt");
const Primitive& cbrt_p = register_unary<MathOp<CbrtFn, false>>("cbrt");
const Primitive& exp_p = register_unary<VecMathOp<ExpFn, true>>("exp");
const Primitive& exp2_p = register_unary<MathOp<Exp2Fn>>("exp2");
const Primitive& expm1_p = register_unary<VecMathOp<Expm1Fn, false>>("expm1");
const Primitive& log_p = register_unary<VecMathOp<LogFn, true>>("log");
const Primitive& log2_p = register_unary<VecMathOp<Log2Fn, true>>("log2");
const Primitive& log10_p = register_unary<MathOp<Log10Fn>>("log10");
const Primitive& log1p_p = register_unary<VecMathOp<Log1pFn, false>>("log1p");
const Primitive& sin_p = register_unary<VecMathOp<SinFn, false>>("sin");
const Primitive& cos_p = register_unary<VecMathOp<CosFn, false>>("cos");
const Primitive& tan_p = register_unary<MathOp<TanFn>>("tan");
const Primitive& asin_p = register_unary<MathOp<AsinFn>>("asin");
const Primitive& acos_p = register_unary<MathOp<AcosFn>>("acos");
const Primitive& atan_p = register_unary<MathOp<AtanFn>>("atan");
const Primitive& sinh_p = register_unary<MathOp<SinhFn>>("sinh");
const Primitive& cosh_p = register_unary<MathOp<CoshFn>>("cosh");
const Primitive& tanh_p = register_unary<VecMathOp<TanhFn, false>>("tanh");
const Primitive& asinh_p = register_unary<MathOp<AsinhFn>>("asinh");
const Primitive& acosh_p = register_unary<MathOp<AcoshFn>>("acosh");
const Primitive& atanh_p = register_unary<MathOp<AtanhFn>>("atanh");

}  // namespace
}  // namespace arrax::ew
