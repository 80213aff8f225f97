"""jax.scipy.special: special functions on arrax arrays (float64 where x64 is on, as inputs
say). erf, erfc, erfinv, gammaln, digamma, polygamma and zeta are primitives; the rest are
written with them (the incomplete gamma and beta functions in _incomplete.py)."""

import math

import arrax
import arrax.numpy as np
from arrax import lax
from arrax import nn as _nn

__all__ = [
    "erf", "erfc", "erfinv", "gammaln", "gamma", "digamma", "psi", "polygamma", "zeta", "betaln",
    "logsumexp", "expit", "logit", "xlogy", "xlog1py", "entr", "ndtr", "ndtri", "log_ndtr",
    "softmax", "log_softmax", "factorial", "multigammaln", "gammainc", "gammaincc", "betainc",
]  # fmt: skip


def _float(x):
    """x as an array of a floating dtype (integers become the default float)."""
    x = np.asarray(x)
    return x if x.dtype.kind in "fc" or x.dtype.name == "bfloat16" else x.astype(np.float64)


def _real(x, name):
    """x as a floating array; complex values are refused (the function has no complex form)."""
    x = _float(x)
    if x.dtype.kind == "c":
        raise ValueError(f"{name} does not support complex-valued inputs")
    return x


def _poly(x, coeffs):
    """Horner's rule, coefficients highest degree first."""
    out = np.full_like(x, coeffs[0])
    for c in coeffs[1:]:
        out = out * x + c
    return out


def _float2(x, y):
    x, y = _float(x), _float(y)
    dt = np.result_type(x, y)
    x, y = np.broadcast_arrays(x.astype(dt), y.astype(dt))
    return x, y


def _floats(*xs):
    """The arguments as floating arrays of one dtype, broadcast together; Python numbers are
    weakly typed (NEP 50, as in JAX): float32 data with loc=0.5 or a=2.5 stays float32."""
    arrays = [_float(v) for v in xs if not isinstance(v, (int, float))]
    dt = np.result_type(*arrays) if arrays else np.dtype(np.float64)
    return np.broadcast_arrays(*[np.asarray(v, dtype=dt) for v in xs])


def erf(x):
    return lax.erf(_float(x))


def erfc(x):
    return lax.erfc(_float(x))


def erfinv(x):
    return lax.erf_inv(_float(x))


def gammaln(x):
    return lax.lgamma(_float(x))


def digamma(x):
    return lax.digamma(_float(x))


psi = digamma  # SciPy's alias


def polygamma(n, x):
    return lax.polygamma(n, _float(x))


def _zeta_coefs(m):
    """(2k)! / B_2k for k = 1..m (B_2k the Bernoulli numbers), exactly then as floats."""
    from fractions import Fraction

    b = [Fraction(1)]
    for n in range(1, 2 * m + 1):
        b.append(-sum(math.comb(n + 1, j) * b[j] for j in range(n)) / (n + 1))
    return [float(math.factorial(2 * k) / b[2 * k]) for k in range(1, m + 1)]


_ZETA_COEFS = _zeta_coefs(16)


def _zeta_series(s, a):
    """Euler-Maclaurin form of zeta(s, a) (Johansson 2015, eq. 5; JAX's series), written
    with differentiable operations: its derivative is the derivative of zeta in s and a."""
    n = 8 if s.dtype == np.float32 else 16
    dt = s.dtype.type
    k = np.arange(n, dtype=s.dtype)
    s_, a_ = s[..., None], a[..., None]
    head = np.sum((a_ + k) ** -s_, axis=-1)
    tail = (a + n) ** (dt(1) - s) / (s - dt(1))
    t0 = (a + n) ** -s
    m = np.arange(2 * n, dtype=s.dtype)
    t1 = np.cumprod((s_ + m) / (a_ + n), axis=-1)[..., ::2]
    t1 = np.minimum(t1, np.finfo(s.dtype).max) / np.asarray(_ZETA_COEFS[:n], dtype=s.dtype)
    return head + tail + t0 * (dt(0.5) + np.sum(t1, axis=-1))


@arrax.custom_jvp
def _zeta(x, q):
    return lax.zeta(x, q)


@_zeta.defjvp
def _zeta_jvp(primals, tangents):
    # As JAX: the tangent (in x and in q) is that of the series expansion.
    return _zeta(*primals), arrax.jvp(_zeta_series, primals, tangents)[1]


def _borwein_coefs(n=48):
    """(d_k - d_n) / d_n, k < n, of Borwein's algorithm 2 for the Dirichlet eta function."""
    d, acc = [], 0
    for i in range(n + 1):
        acc += (
            math.factorial(n + i - 1) * 4**i * n // (math.factorial(n - i) * math.factorial(2 * i))
        )
        d.append(acc)
    return [float((d[k] - d[n]) / d[n]) * (-1) ** k for k in range(n)]


_BORWEIN = _borwein_coefs()


def _sinpi_half(x):
    """sin(pi x / 2), exactly 0 at the even integers."""
    r = x - 4.0 * np.round(x / 4.0)  # in [-2, 2]
    return np.where(r == np.round(r / 2) * 2, 0.0, np.sin(0.5 * np.pi * r)).astype(x.dtype)


def _riemann_zeta(x):
    """Riemann's zeta(x) for every real x, as SciPy: the Hurwitz series for x > 1, Borwein.s
    alternating series of eta(x) / (1 - 2^(1 - x)) for -1/2 < x < 1 and the reflection
    zeta(x) = 2^x pi^(x-1) sin(pi x / 2) Gamma(1 - x) zeta(1 - x) below."""
    one = np.ones_like(x)
    big = _zeta(np.where(x > 1, x, 2.0).astype(x.dtype), one)
    mid_x = np.where((x > -0.5) & (x < 1), x, 0.5).astype(x.dtype)
    k = np.arange(1, len(_BORWEIN) + 1, dtype=x.dtype)
    eta = -np.sum(np.asarray(_BORWEIN, x.dtype) * k ** -mid_x[..., None], axis=-1)
    mid = eta / -np.expm1((1 - mid_x) * math.log(2.0))
    neg_x = np.where(x < 0, x, -1.0).astype(x.dtype)
    refl = _zeta(1 - neg_x, one)
    # 2^x pi^(x-1) Gamma(1 - x) computed in logs so that it overflows only when the value does.
    lg = neg_x * math.log(2.0) + (neg_x - 1) * math.log(math.pi) + gammaln(1 - neg_x)
    neg = _sinpi_half(neg_x) * np.exp(lg) * refl
    out = np.where(x > 1, big, np.where(x > -0.5, mid, neg))
    out = np.where(np.isnan(x), np.nan, out)
    return np.where(x == 1, np.inf, out).astype(x.dtype)


def zeta(x, q=None):
    """Hurwitz zeta(x, q); Riemann's zeta(x) when q is None (for every real x, as SciPy).
    Differentiable in both."""
    if q is None:
        x = _float(x)
        if x.dtype.kind == "c":
            raise TypeError(f"zeta: expected a real floating operand, got {x.dtype}")
        return _riemann_zeta(x)
    x, q = _float2(x, q)
    return _zeta(x, q)


def gamma(x):
    """Gamma(x) = gammasgn(x) exp(gammaln(x)) as in JAX: NaN at the poles (the non-positive
    integers) and at -inf, -inf at -0.0."""
    x = _float(x)
    fl = np.floor(x)
    neg = x < 0
    nan = (neg & (x == fl)) | np.isnan(x)
    # Gamma(x) < 0 exactly where floor(x) is negative and odd.
    minus = (neg & (np.fmod(fl, 2) != 0)) | ((x == 0) & np.signbit(x))
    sign = np.where(nan, np.nan, np.where(minus, -1.0, 1.0)).astype(x.dtype)
    return sign * np.exp(gammaln(x))


def betaln(a, b):
    a, b = _float2(a, b)
    return gammaln(a) + gammaln(b) - gammaln(a + b)


def factorial(n, exact=False):
    if exact:
        raise NotImplementedError("factorial: exact=True is not supported (as in JAX)")
    n = _float(n)
    return np.where(n < 0, 0.0, np.exp(gammaln(n + 1))).astype(n.dtype)


def multigammaln(a, d):
    """The log of the multivariate gamma function of dimension d."""
    a = _float(a)
    js = np.arange(d, dtype=a.dtype)
    return d * (d - 1) / 4 * math.log(math.pi) + np.sum(
        gammaln(np.expand_dims(a, -1) - js / 2), axis=-1
    )


def _reduces_nothing(shape, axis):
    """Whether a reduction of an array of this shape over axis has no elements to reduce."""
    if axis is None:
        return math.prod(shape) == 0
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return any(shape[ax] == 0 for ax in axes if -len(shape) <= ax < len(shape))


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """log(sum(b * exp(a))) over axis, computed stably; with return_sign, (log|s|, sign(s))."""
    a = _float(a)
    if where is not None:
        a = np.where(where, a, -np.inf)
    if b is not None:
        a, b = np.broadcast_arrays(a, np.asarray(b, dtype=a.dtype))
    # The shift: the largest real part among the terms that count (b == 0 drops a term, so
    # logsumexp([-1000, -2], b=[1, 0]) is -1000, not -inf from exp(-1000 - (-2)) underflowing).
    shift = np.real(a) if a.dtype.kind == "c" else a
    if b is not None:
        shift = np.where(b != 0, shift, -np.inf)
    # initial=-inf: an empty sum has the log -inf (JAX and SciPy), not max's zero-size error
    # (only then: an infinite constant trips debug_infs, which logsumexp(ones) must not)
    if _reduces_nothing(shift.shape, axis):
        m = np.max(shift, axis=axis, keepdims=True, initial=-np.inf)
    else:
        m = np.max(shift, axis=axis, keepdims=True)
    m = lax.stop_gradient(np.where(np.isfinite(m), m, 0))
    e = np.exp(a - m)
    if b is not None:
        e = np.where(b != 0, e * b, 0)  # (a dropped term may overflow exp: inf * 0)
    s = np.sum(e, axis=axis, keepdims=True)
    sign = np.sign(s)
    out = np.log(np.abs(s) if return_sign else s) + m
    if not keepdims:
        out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())
        sign = np.squeeze(sign, axis=axis) if axis is not None else sign.reshape(())
    return (out, sign) if return_sign else out


def softmax(x, axis=None):
    """scipy.special.softmax (and jax.scipy.special's): over all axes by default."""
    return _nn.softmax(x, axis=axis)


def log_softmax(x, axis=None):
    """scipy.special.log_softmax (and jax.scipy.special's): over all axes by default."""
    return _nn.log_softmax(x, axis=axis)


def expit(x):
    x = _float(x)
    return 1 / (1 + np.exp(-x))


def logit(p):
    p = _float(p)
    return np.log(p / (1 - p))


def xlogy(x, y):
    """x * log(y), 0 where x == 0. As JAX's, d/dx is log(y) there too (not 0): the
    log-densities written with it (gamma, beta, poisson, ...) then have the right derivative
    in their shape parameters where a - 1 == 0."""
    x, y = _float2(x, y)
    return _xlogy(x, y)


@arrax.custom_jvp
def _xlogy(x, y):
    zero = x == 0
    return np.where(zero, 0, x * np.log(np.where(zero, 1, y)))


@_xlogy.defjvp
def _xlogy_jvp(primals, tangents):
    (x, y), (dx, dy) = primals, tangents
    zero = x == 0
    # d/dy = x / y, taken as 0 where x == 0 (JAX's gives NaN at x == y == 0)
    return _xlogy(x, y), dx * np.log(y) + dy * np.where(zero, 0, x / np.where(zero, 1, y))


def xlog1py(x, y):
    """x * log1p(y), 0 where x == 0 (d/dx is log1p(y) there too, as xlogy's)."""
    x, y = _float2(x, y)
    return _xlog1py(x, y)


@arrax.custom_jvp
def _xlog1py(x, y):
    zero = x == 0
    return np.where(zero, 0, x * np.log1p(np.where(zero, 0, y)))


@_xlog1py.defjvp
def _xlog1py_jvp(primals, tangents):
    (x, y), (dx, dy) = primals, tangents
    zero = x == 0
    return _xlog1py(x, y), dx * np.log1p(y) + dy * np.where(zero, 0, x / np.where(zero, 1, 1 + y))


def entr(x):
    """-x log x for x > 0, 0 at 0, -inf below."""
    x = _float(x)
    pos = x > 0
    safe = np.where(pos, x, 1)
    return np.where(pos, -safe * np.log(safe), np.where(x == 0, 0, -np.inf)).astype(x.dtype)


_SQRT1_2 = 1 / math.sqrt(2)


def ndtr(x):
    """The standard normal CDF."""
    x = _float(x)
    return 0.5 * erfc(-x * _SQRT1_2)


def ndtri(p):
    """The standard normal quantile function (ndtr's inverse): erfinv for a start on the lower
    half (the upper by symmetry), then two Newton steps on ndtr, which is accurate in the tail
    where 2p - 1 has lost p's digits."""
    p = _float(p)
    q = np.minimum(p, 1 - p)
    x = math.sqrt(2) * erfinv(2 * q - 1)
    for _ in range(2):
        pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        step = (ndtr(x) - q) / np.where(pdf > 0, pdf, 1)
        x = np.where(np.isfinite(x) & (pdf > 0), x - step, x)
    return np.where(p > 0.5, -x, x)


def log_ndtr(x, series_order=4):
    """log(ndtr(x)), accurate far into the lower tail: log(erfc) above -20, below it the
    asymptotic series of the Mills ratio to `series_order` terms (JAX's parameter; its default
    is 3, one term fewer than keeps float64 within 1e-12 of SciPy's values there)."""
    if not isinstance(series_order, int) or not 0 <= series_order <= 30:
        raise ValueError(
            f"log_ndtr: series_order must be an integer in [0, 30], got {series_order}"
        )
    x = _float(x)
    cut = -20.0 if x.dtype == np.float64 else -10.0  # below it ndtr underflows soon
    lower = x < cut
    safe = np.where(lower, cut - 1, x)  # each branch sees only arguments it handles
    direct = np.where(safe > 0, -ndtr(-safe), np.log(ndtr(safe)))
    direct = np.where(safe > 0, np.log1p(direct), direct)
    t = np.where(lower, x, cut - 1)
    z = 1 / (t * t)
    # 1 + sum_n (-1)^n (2n - 1)!! z^n, n <= series_order, by Horner's rule
    series = 1
    for n in range(series_order, 0, -1):
        series = 1 - (2 * n - 1) * z * series
    asym = -0.5 * t * t - np.log(-t) - 0.5 * math.log(2 * math.pi) + np.log(series)
    return np.where(lower, asym, direct)


from arrax.scipy._incomplete import betainc, gammainc, gammaincc  # noqa: E402

# The rest of jax.scipy.special (gamma/beta family, Bessel, exponential integrals,
# hypergeometric functions, ...), in three files of their own; betaln is replaced by the more
# accurate one there.
from arrax.scipy._special_extra import *  # noqa: E402,F401,F403
from arrax.scipy._special_extra import __all__ as _extra_names  # noqa: E402

__all__ = __all__ + [n for n in _extra_names if n not in __all__]
