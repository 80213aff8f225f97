// Special functions of lax and arrax.scipy.special, on real floating dtypes (halves computed in
// float32):
//   erf, erfc, lgamma      libm
//   digamma                psi(x): reflection below 0, recurrence up to 10, asymptotic series
//   polygamma(x; n)        psi^(n)(x) for n >= 1: (-1)^(n+1) n! zeta(n + 1, x)
//   zeta(x, q)             Hurwitz zeta sum_k (k + q)^-x (x > 1), by Euler-Maclaurin
// As in SciPy/JAX: digamma has poles (NaN) at 0 and the negative integers, lgamma is +inf
// there; zeta is NaN for x < 1 and +inf at x = 1.
#include <cmath>
#include <limits>

#include "errors.h"
#include "primitives/elementwise.h"

namespace arrax::ew {
namespace {

constexpr double kPi = 3.141592653589793;

template <typename Fn>
struct SpecialOp {
  template <typename T>
  static constexpr bool supports = is_float_v<T>;
  template <typename T>
  static T apply(T x) {
    if constexpr (is_half_v<T>)
      return T(Fn::f(static_cast<float>(x)));
    else
      return Fn::f(x);
  }
};

struct ErfFn {
  static float f(float x) { return std::erf(x); }
  static double f(double x) { return std::erf(x); }
};
struct ErfcFn {
  static float f(float x) { return std::erfc(x); }
  static double f(double x) { return std::erfc(x); }
};
struct LgammaFn {
  // lgamma_r: the reentrant form (lgamma writes the global signgam).
  static float f(float x) {
    int sign;
    return lgammaf_r(x, &sign);
  }
  static double f(double x) {
    int sign;
    return lgamma_r(x, &sign);
  }
};

double digamma(double x) {
  if (std::isnan(x) || x == -std::numeric_limits<double>::infinity())
    return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0 && x == std::floor(x)) return std::numeric_limits<double>::quiet_NaN();  // poles
  double r = 0;
  if (x < 0) {  // psi(x) = psi(1 - x) - pi / tan(pi x)
    r = -kPi / std::tan(kPi * x);
    x = 1 - x;
  }
  while (x < 10) {  // psi(x) = psi(x + 1) - 1/x
    r -= 1 / x;
    x += 1;
  }
  const double z = 1 / (x * x);
  // ln x - 1/(2x) - sum B_2k / (2k x^2k)
  const double series =
      z * (1.0 / 12 - z * (1.0 / 120 -
                           z * (1.0 / 252 -
                                z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12))))));
  return r + std::log(x) - 0.5 / x - series;
}

struct DigammaFn {
  static float f(float x) { return static_cast<float>(digamma(x)); }
  static double f(double x) { return digamma(x); }
};

// Hurwitz zeta(s, q) for s > 1 (Cephes' method): the first terms summed, the rest by the
// Euler-Maclaurin formula with Bernoulli numbers B_2j / (2j)!.
double hurwitz_zeta(double s, double q) {
  if (std::isnan(s) || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  if (s == 1) return std::numeric_limits<double>::infinity();
  if (s < 1) return std::numeric_limits<double>::quiet_NaN();
  if (q <= 0) {
    if (q == std::floor(q)) return std::numeric_limits<double>::infinity();
    if (s != std::floor(s)) return std::numeric_limits<double>::quiet_NaN();  // complex
  }
  static const double kB[] = {12.0,
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
  double sum = std::pow(q, -s);
  double a = q, b = 0;
  int i = 0;
  while (i < 9 || a <= 9) {
    ++i;
    a += 1;
    b = std::pow(a, -s);
    sum += b;
    if (std::fabs(b / sum) < 1e-17) return sum;
  }
  const double w = a;
  sum += b * w / (s - 1) - 0.5 * b;
  double fac = 1, k = 0;
  for (double coef : kB) {
    fac *= s + k;
    b /= w;
    const double t = fac * b / coef;
    sum += t;
    if (std::fabs(t / sum) < 1e-17) break;
    k += 1;
    fac *= s + k;
    b /= w;
    k += 1;
  }
  return sum;
}

double polygamma(int64_t n, double x) {
  if (n == 0) return digamma(x);
  const double sign = (n % 2 == 1) ? 1.0 : -1.0;
  return sign * std::exp(std::lgamma(static_cast<double>(n) + 1)) *
         hurwitz_zeta(static_cast<double>(n) + 1, x);
}

const Primitive& erf_p = register_unary<SpecialOp<ErfFn>>("erf");
const Primitive& erfc_p = register_unary<SpecialOp<ErfcFn>>("erfc");
const Primitive& lgamma_p = register_unary<SpecialOp<LgammaFn>>("lgamma");
const Primitive& digamma_p = register_unary<SpecialOp<DigammaFn>>("digamma");

// Loops f over x (and y) of one real floating dtype, in double.
template <typename F>
Array map_real(const char* name, const Array& x, const Array* y, F f) {
  if (!is_floating(x.dtype()) || (y && y->dtype() != x.dtype()))
    throw TypeError(std::string(name) + ": expected real floating operands of one dtype, got " +
                    dtype_name(x.dtype()) +
                    (y ? std::string(" and ") + dtype_name(y->dtype()) : std::string()));
  const Array xc = x.contiguous();
  const Array yc = y ? y->contiguous() : Array();
  Array out = Array::empty(x.shape(), x.dtype());
  dispatch_dtype(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (is_float_v<T>) {
      const T* a = xc.data_as<T>();
      const T* b = y ? yc.data_as<T>() : nullptr;
      T* o = out.data_as<T>();
      auto d = [](T v) { return static_cast<double>(static_cast<float>(v)); };
      for (int64_t i = 0; i < out.size(); ++i) {
        if constexpr (std::is_same_v<T, double>)
          o[i] = f(a[i], b ? b[i] : 0.0);
        else
          o[i] = static_cast<T>(static_cast<float>(f(d(a[i]), b ? d(b[i]) : 0.0)));
      }
    }
  });
  return out;
}

AbstractValue same_float(const char* name, const std::vector<AbstractValue>& in) {
  for (const AbstractValue& a : in)
    if (!is_floating(a.dtype) || a.dtype != in[0].dtype || a.shape != in[0].shape)
      throw TypeError(std::string(name) +
                      ": expected real floating operands of one shape and "
                      "dtype, got " +
                      in[0].str() + (in.size() > 1 ? " and " + in[1].str() : ""));
  AbstractValue r = in[0];
  r.weak_type = false;
  return r;
}

const Primitive& polygamma_p = register_primitive({
    "polygamma",
    FusionClass::Opaque,
    1,
    [](const std::vector<AbstractValue>& in, const Params& p) {
      if (p.get_int("n") < 0) throw ValueError("polygamma: the order n must be >= 0");
      return std::vector<AbstractValue>{same_float("polygamma", in)};
    },
    [](const std::vector<Array>& in, const Params& p) {
      const int64_t n = p.get_int("n");
      return std::vector<Array>{
          map_real("polygamma", in[0], nullptr, [n](double x, double) { return polygamma(n, x); })};
    },
});

const Primitive& zeta_p = register_primitive({
    "zeta",
    FusionClass::Opaque,
    2,
    [](const std::vector<AbstractValue>& in, const Params&) {
      return std::vector<AbstractValue>{same_float("zeta", in)};
    },
    [](const std::vector<Array>& in, const Params&) {
      return std::vector<Array>{map_real("zeta", in[0], &in[1], hurwitz_zeta)};
    },
});

}  // namespace
}  // namespace arrax::ew
