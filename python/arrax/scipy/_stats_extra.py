"""The jax.scipy.stats distributions and functions that arrax.scipy.stats lacks: gumbel_l,
gumbel_r, pareto, truncnorm, vonmises, nbinom, betabinom, multinomial, gennorm, wrapcauchy
(namespaces of functions, as arrax's distributions are), sem, rankdata, mode and the
gaussian_kde class; and the methods missing from arrax's existing distributions
(bernoulli.ppf, cauchy.isf, logistic.isf, poisson.entropy), given here as extended copies
of those namespaces.

Supports follow SciPy (a non-integer count has mass 0, as in arrax's binom and poisson);
parameters are checked where JAX checks them (NaN outside)."""

import math
import types
from typing import NamedTuple

import arrax.numpy as np
from arrax import lax
from arrax.errors import ConcretizationTypeError
from arrax.lax._bessel import bessel_i0e
from arrax.scipy import special
from arrax.scipy import stats as _stats
from arrax.scipy._special_extra import betaln

__all__ = [
    "gumbel_l", "gumbel_r", "pareto", "truncnorm", "vonmises", "nbinom", "betabinom",
    "multinomial", "gennorm", "wrapcauchy", "sem", "rankdata", "mode", "ModeResult",
    "gaussian_kde", "bernoulli", "cauchy", "logistic", "poisson",
]  # fmt: skip

_floats = special._floats
_LOG_2PI = math.log(2 * math.pi)


def _ns(**fns):
    return types.SimpleNamespace(**fns)


def _log1mexp(x):
    """log(1 - exp(x)) for x <= 0, accurate at both ends (Maechler's switch at -log 2)."""
    near = x > -math.log(2)
    # each branch gets only its own arguments, so neither leaks an inf into gradients
    return np.where(
        near, np.log(-np.expm1(np.where(near, x, -1.0))), np.log1p(-np.exp(np.where(near, -1.0, x)))
    )


def _std(x, loc, scale):
    x, loc, scale = _floats(x, loc, scale)
    return (x - loc) / scale, scale


def _nan_unless(ok, value):
    return np.where(ok, value, np.nan)


# ---- Gumbel ------------------------------------------------------------------------------
# Right-skewed (maximum) Gumbel: F(z) = exp(-exp(-z)); left-skewed (minimum): F(z) =
# 1 - exp(-exp(z)). Each is the other's reflection z -> -z.


def _gumbel_r_logpdf(x, loc=0, scale=1):
    z, s = _std(x, loc, scale)
    return _nan_unless(s > 0, -np.log(s) - (z + np.exp(-z)))


def _gumbel_r_logcdf(x, loc=0, scale=1):
    z, s = _std(x, loc, scale)
    return _nan_unless(s > 0, -np.exp(-z))


def _gumbel_r_logsf(x, loc=0, scale=1):
    z, s = _std(x, loc, scale)
    return _nan_unless(s > 0, _log1mexp(-np.exp(-z)))


def _gumbel_r_sf(x, loc=0, scale=1):
    z, s = _std(x, loc, scale)
    return _nan_unless(s > 0, -np.expm1(-np.exp(-z)))


def _gumbel_r_ppf(p, loc=0, scale=1):
    p, loc, scale = _floats(p, loc, scale)
    return _nan_unless((p > 0) & (p < 1), loc - scale * np.log(-np.log(p)))


gumbel_r = _ns(
    logpdf=_gumbel_r_logpdf,
    pdf=lambda x, loc=0, scale=1: np.exp(_gumbel_r_logpdf(x, loc, scale)),
    logcdf=_gumbel_r_logcdf,
    cdf=lambda x, loc=0, scale=1: np.exp(_gumbel_r_logcdf(x, loc, scale)),
    logsf=_gumbel_r_logsf,
    sf=_gumbel_r_sf,
    ppf=_gumbel_r_ppf,
)


def _gumbel_l_logpdf(x, loc=0, scale=1):
    z, s = _std(x, loc, scale)
    return _nan_unless(s > 0, -np.log(s) + z - np.exp(z))


def _gumbel_l_logsf(x, loc=0, scale=1):
    z, s = _std(x, loc, scale)
    return _nan_unless(s > 0, -np.exp(z))


def _gumbel_l_logcdf(x, loc=0, scale=1):
    z, s = _std(x, loc, scale)
    return _nan_unless(s > 0, _log1mexp(-np.exp(z)))


def _gumbel_l_cdf(x, loc=0, scale=1):
    z, s = _std(x, loc, scale)
    return _nan_unless(s > 0, -np.expm1(-np.exp(z)))


def _gumbel_l_ppf(p, loc=0, scale=1):
    p, loc, scale = _floats(p, loc, scale)
    return _nan_unless((p > 0) & (p < 1), loc + scale * np.log(-np.log1p(-p)))


gumbel_l = _ns(
    logpdf=_gumbel_l_logpdf,
    pdf=lambda x, loc=0, scale=1: np.exp(_gumbel_l_logpdf(x, loc, scale)),
    logcdf=_gumbel_l_logcdf,
    cdf=_gumbel_l_cdf,
    logsf=_gumbel_l_logsf,
    sf=lambda x, loc=0, scale=1: np.exp(_gumbel_l_logsf(x, loc, scale)),
    ppf=_gumbel_l_ppf,
)


# ---- Pareto: density b / z^(b+1) on z = (x - loc) / scale >= 1 ------------------------------


def _pareto_z(x, b, loc, scale):
    """(inside, log z, b, scale, where x is NaN) for z = (x - loc) / scale; the support is
    z >= 1."""
    x, b, loc, scale = _floats(x, b, loc, scale)
    z = (x - loc) / scale
    inside = z >= 1
    return inside, np.log(np.where(inside, z, 1.0)), b, scale, np.isnan(z)


def _pareto_logpdf(x, b, loc=0, scale=1):
    inside, log_z, b, scale, nan = _pareto_z(x, b, loc, scale)
    val = np.where(inside, np.log(b) - np.log(scale) - (b + 1) * log_z, -np.inf)
    return np.where(nan, np.nan, val)


def _pareto_logsf(x, b, loc=0, scale=1):
    inside, log_z, b, _, nan = _pareto_z(x, b, loc, scale)
    return np.where(nan, np.nan, np.where(inside, -b * log_z, 0.0))


def _pareto_cdf(x, b, loc=0, scale=1):
    inside, log_z, b, _, nan = _pareto_z(x, b, loc, scale)
    return np.where(nan, np.nan, np.where(inside, -np.expm1(-b * log_z), 0.0))


def _pareto_logcdf(x, b, loc=0, scale=1):
    inside, log_z, b, _, nan = _pareto_z(x, b, loc, scale)
    return np.where(nan, np.nan, np.where(inside, _log1mexp(-b * log_z), -np.inf))


def _pareto_ppf(q, b, loc=0, scale=1):
    q, b, loc, scale = _floats(q, b, loc, scale)
    val = loc + scale * np.exp(-np.log1p(-q) / b)
    return _nan_unless((q >= 0) & (q <= 1), val)


pareto = _ns(
    logpdf=_pareto_logpdf,
    pdf=lambda x, b, loc=0, scale=1: np.exp(_pareto_logpdf(x, b, loc, scale)),
    logcdf=_pareto_logcdf,
    cdf=_pareto_cdf,
    logsf=_pareto_logsf,
    sf=lambda x, b, loc=0, scale=1: np.exp(_pareto_logsf(x, b, loc, scale)),
    ppf=_pareto_ppf,
)


# ---- truncated normal ----------------------------------------------------------------------


def _log_diff(hi, lo):
    """log(exp(hi) - exp(lo)) for hi >= lo."""
    return hi + _log1mexp(np.minimum(lo - hi, 0.0))


def _log_gauss_mass(a, b):
    """log(ndtr(b) - ndtr(a)) for a <= b, computed in whichever tail keeps its digits."""
    left = b <= 0
    right = a > 0
    lo, hi = np.where(right, -b, a), np.where(right, -a, b)
    tail = _log_diff(special.log_ndtr(hi), special.log_ndtr(lo))
    central = np.log1p(-special.ndtr(a) - special.ndtr(-b))
    return np.where(left | right, tail, central)


def _truncnorm_logpdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = _floats(x, a, b, loc, scale)
    z = (x - loc) / scale
    val = -0.5 * z * z - 0.5 * _LOG_2PI - np.log(scale) - _log_gauss_mass(a, b)
    val = np.where((z < a) | (z > b), -np.inf, val)
    return np.where(a >= b, np.nan, val)


def _truncnorm_logcdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = _floats(x, a, b, loc, scale)
    z = (x - loc) / scale
    zc = np.clip(z, np.minimum(a, b), np.maximum(a, b))
    mass = _log_gauss_mass(a, b)
    log_cdf = _log_gauss_mass(a, zc) - mass
    log_sf = _log_gauss_mass(zc, b) - mass
    # Near 1 the cdf is better as 1 - sf.
    val = np.where(log_cdf > -0.1, np.log1p(-np.exp(log_sf)), log_cdf)
    val = np.where(z >= b, 0.0, np.where(z <= a, -np.inf, val))
    return np.where(a >= b, np.nan, val)


def _truncnorm_logsf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = _floats(x, a, b, loc, scale)
    return _truncnorm_logcdf(-x, -b, -a, -loc, scale)


truncnorm = _ns(
    logpdf=_truncnorm_logpdf,
    pdf=lambda x, a, b, loc=0, scale=1: np.exp(_truncnorm_logpdf(x, a, b, loc, scale)),
    logcdf=_truncnorm_logcdf,
    cdf=lambda x, a, b, loc=0, scale=1: np.exp(_truncnorm_logcdf(x, a, b, loc, scale)),
    logsf=_truncnorm_logsf,
    sf=lambda x, a, b, loc=0, scale=1: np.exp(_truncnorm_logsf(x, a, b, loc, scale)),
)


# ---- circular: von Mises and wrapped Cauchy -------------------------------------------------


def _vonmises_logpdf(x, kappa):
    x, kappa = _floats(x, kappa)
    # exp(kappa cos x) / (2 pi I0(kappa)) with I0 scaled by exp(-kappa): no overflow.
    k = np.where(kappa > 0, kappa, 1.0)
    val = k * (np.cos(x) - 1) - np.log(2 * math.pi * bessel_i0e(k))
    return _nan_unless(kappa > 0, val)


vonmises = _ns(logpdf=_vonmises_logpdf, pdf=lambda x, kappa: np.exp(_vonmises_logpdf(x, kappa)))


def _wrapcauchy_logpdf(x, c):
    x, c = _floats(x, c)
    val = np.log1p(-c * c) - _LOG_2PI - np.log1p(c * c - 2 * c * np.cos(x))
    val = np.where((x >= 0) & (x <= 2 * math.pi), val, -np.inf)
    return _nan_unless((c > 0) & (c < 1), val)


wrapcauchy = _ns(logpdf=_wrapcauchy_logpdf, pdf=lambda x, c: np.exp(_wrapcauchy_logpdf(x, c)))


# ---- generalized normal: density beta / (2 Gamma(1/beta)) exp(-|x|^beta) ---------------------


def _gennorm_logpdf(x, beta):
    x, beta = _floats(x, beta)
    return np.log(0.5 * beta) - special.gammaln(1 / beta) - np.abs(x) ** beta


def _gennorm_cdf(x, beta):
    x, beta = _floats(x, beta)
    # The tail mass Q(1/beta, |x|^beta) / 2 directly: no 1 - P cancellation below 0.
    half_tail = 0.5 * special.gammaincc(1 / beta, np.abs(x) ** beta)
    return np.where(x < 0, half_tail, 1 - half_tail)


gennorm = _ns(
    logpdf=_gennorm_logpdf, pdf=lambda x, beta: np.exp(_gennorm_logpdf(x, beta)), cdf=_gennorm_cdf
)


# ---- discrete: negative binomial, beta-binomial, multinomial -------------------------------


def _is_count(y):
    return (y == np.floor(y)) & (y >= 0)


def _nbinom_logpmf(k, n, p, loc=0):
    k, n, p, loc = _floats(k, n, p, loc)
    y = k - loc
    inside = _is_count(y)
    ys = np.where(inside, y, 0.0)
    # log C(y + n - 1, y) = -log(y + n) - log B(n, y + 1), with B free of lgamma cancellation.
    log_comb = -np.log(ys + n) - betaln(n, ys + 1)
    val = log_comb + special.xlogy(n, p) + special.xlog1py(ys, -p)
    return np.where(inside, val, np.where(np.isnan(y), np.nan, -np.inf)).astype(k.dtype)


nbinom = _ns(logpmf=_nbinom_logpmf, pmf=lambda k, n, p, loc=0: np.exp(_nbinom_logpmf(k, n, p, loc)))


def _betabinom_logpmf(k, n, a, b, loc=0):
    k, n, a, b, loc = _floats(k, n, a, b, loc)
    y = k - loc
    inside = _is_count(y) & (y <= n)
    ys = np.where(inside, y, 0.0)
    log_comb = -np.log1p(n) - betaln(n - ys + 1, ys + 1)
    val = log_comb + betaln(ys + a, n - ys + b) - betaln(a, b)
    val = np.where(inside, val, np.where(np.isnan(y), np.nan, -np.inf)).astype(k.dtype)
    return _nan_unless((n >= 0) & (a > 0) & (b > 0), val)


betabinom = _ns(
    logpmf=_betabinom_logpmf,
    pmf=lambda k, n, a, b, loc=0: np.exp(_betabinom_logpmf(k, n, a, b, loc)),
)


def _multinomial_logpmf(x, n, p):
    """log of n! / prod(x_i!) prod(p_i^x_i) over the last axis; -inf where sum(x) != n."""
    x, n = np.asarray(x), np.asarray(n)
    if x.dtype.kind not in "iu" or n.dtype.kind not in "iu":
        raise ValueError(f"x and n must be of integer type; got {x.dtype} and {n.dtype}")
    p = special._float(p)
    xf, nf = x.astype(p.dtype), n.astype(p.dtype)
    val = special.gammaln(nf + 1) + np.sum(special.xlogy(xf, p) - special.gammaln(xf + 1), axis=-1)
    return np.where(np.sum(xf, axis=-1) == nf, val, -np.inf)


multinomial = _ns(
    logpmf=_multinomial_logpmf, pmf=lambda x, n, p: np.exp(_multinomial_logpmf(x, n, p))
)


# ---- methods missing from arrax's existing distributions ----------------------------------


def _bernoulli_ppf(q, p):
    q, p = _floats(q, p)
    bad = np.isnan(q) | np.isnan(p) | (p < 0) | (p > 1) | (q < 0) | (q > 1)
    return np.where(bad, np.nan, np.where(q <= 1 - p, 0.0, 1.0)).astype(q.dtype)


def _cauchy_isf(q, loc=0, scale=1):
    q, loc, scale = _floats(q, loc, scale)
    return loc + scale * np.tan(math.pi / 2 - math.pi * q)


def _logistic_isf(x, loc=0, scale=1):
    x, loc, scale = _floats(x, loc, scale)
    return loc - scale * special.logit(x)


_ENTROPY_TERMS = 250  # k < 250 holds all but ~1e-40 of the mass for mu < 100
# H(mu) ~ log(2 pi e mu)/2 + sum_j c_j mu^-j (coefficients fitted to high-precision sums:
# -1/12, -1/24, -19/360, -9/80, -863/2520, then numerically); used for mu >= 100.
_ENTROPY_ASYMPTOTIC = (-1 / 12, -1 / 24, -19 / 360, -9 / 80, -863 / 2520, -1.3640962, -6.73)


def _poisson_entropy(mu, loc=0):
    """The Shannon entropy of Poisson(mu) (loc shifts do not change it): the direct sum
    -sum p_k log p_k below mu = 100, the asymptotic series above."""
    mu, loc = _floats(mu, loc)
    small = mu < 100
    ms = np.where(small & (mu > 0), mu, 1.0)
    k = np.arange(_ENTROPY_TERMS, dtype=mu.dtype).reshape((-1,) + (1,) * mu.ndim)
    logp = special.xlogy(k, ms) - ms - special.gammaln(k + 1)
    direct = -np.sum(np.exp(logp) * logp, axis=0)
    mb = np.where(small, 100.0, mu)
    w = 1 / mb
    series = np.zeros_like(mb)
    for c in _ENTROPY_ASYMPTOTIC[::-1]:
        series = (series + c) * w
    asym = 0.5 * np.log(2 * math.pi * math.e * mb) + series
    val = np.where(small, direct, asym)
    return np.where(mu == 0, 0.0, np.where(mu < 0, np.nan, val)).astype(mu.dtype)


def _extend(ns, **fns):
    return types.SimpleNamespace(**{**vars(ns), **fns})


bernoulli = _extend(_stats.bernoulli, ppf=_bernoulli_ppf)
cauchy = _extend(_stats.cauchy, isf=_cauchy_isf)
logistic = _extend(_stats.logistic, isf=_logistic_isf)
poisson = _extend(_stats.poisson, entropy=_poisson_entropy)


# ---- sample statistics -----------------------------------------------------------------


def sem(a, axis=0, ddof=1, nan_policy="propagate", *, keepdims=False):
    """The standard error of the mean along axis (all of a for axis=None)."""
    b = special._float(a)
    if nan_policy == "propagate":
        size = b.size if axis is None else b.shape[axis]
        return np.std(b, axis=axis, ddof=ddof, keepdims=keepdims) / math.sqrt(size)
    if nan_policy == "omit":
        count = np.sum(~np.isnan(b), axis=axis, keepdims=keepdims).astype(b.dtype)
        return np.nanstd(b, axis=axis, ddof=ddof, keepdims=keepdims) / np.sqrt(count)
    raise ValueError(f"{nan_policy} is not supported")


def _check_nan_policy(nan_policy, name):
    if nan_policy not in ("propagate", "omit", "raise"):
        raise ValueError(f"Illegal nan_policy value {nan_policy!r}")
    if nan_policy != "propagate":
        raise NotImplementedError(f"{name}: nan_policy={nan_policy!r} is not implemented")


def _runs(s):
    """For rows sorted along the last axis: each position's run start and end index (runs of
    equal values; NaNs count as equal to each other)."""
    n = s.shape[-1]
    idx = np.broadcast_to(np.arange(n), s.shape)
    same = (s[..., 1:] == s[..., :-1]) | (np.isnan(s[..., 1:]) & np.isnan(s[..., :-1]))
    first = np.concatenate([np.ones(s.shape[:-1] + (1,), bool), ~same], axis=-1)
    last = np.concatenate([~same, np.ones(s.shape[:-1] + (1,), bool)], axis=-1)
    start = lax.cummax(np.where(first, idx, 0), axis=s.ndim - 1)
    end = lax.cummin(np.where(last, idx, n - 1), axis=s.ndim - 1, reverse=True)
    return first, start, end


def rankdata(a, method="average", *, axis=None, nan_policy="propagate"):
    """Ranks of the data (1-based), ties per method ('average', 'min', 'max', 'dense',
    'ordinal'); a slice with a NaN ranks as all NaN. Output is the default float for
    'average' (or with a NaN), else integers, as SciPy."""
    _check_nan_policy(nan_policy, "rankdata")
    if method not in ("average", "min", "max", "dense", "ordinal"):
        raise ValueError(f"unknown method '{method}'")
    x = np.asarray(a)
    x = np.ravel(x) if axis is None else np.moveaxis(x, axis, -1)
    out_dtype = np.zeros(()).dtype
    if x.shape[-1] == 0:
        out = np.zeros(x.shape, out_dtype)
        return out if axis is None else np.moveaxis(out, -1, axis)
    order = np.argsort(x, axis=-1, stable=True)
    inv = np.argsort(order, axis=-1, stable=True)
    s = np.take_along_axis(x, order, axis=-1)
    first, start, end = _runs(s)
    if method == "ordinal":
        ranked = inv + 1
    elif method == "dense":
        ranked = np.take_along_axis(np.cumsum(first, axis=-1), inv, axis=-1)
    else:
        lo = np.take_along_axis(start, inv, axis=-1).astype(out_dtype) + 1
        hi = np.take_along_axis(end, inv, axis=-1).astype(out_dtype) + 1
        ranked = {"min": lo, "max": hi, "average": 0.5 * (lo + hi)}[method]
    # (issubdtype, not dtype.kind == 'f': bfloat16's kind is 'V'.)
    floating = np.issubdtype(x.dtype, np.floating)
    has_nan = np.any(np.isnan(x), axis=-1, keepdims=True) if floating else False
    if method != "average":
        # SciPy's integer ranks: an intp array unless a NaN makes the result float (known
        # only from concrete values; a traced float input keeps the float result).
        try:
            any_nan = bool(np.any(has_nan)) if floating else False
        except ConcretizationTypeError:
            any_nan = True
        if not any_nan:
            out = ranked.astype(np.int64)
            return out if axis is None else np.moveaxis(out, -1, axis)
    out = np.where(has_nan, np.nan, ranked.astype(out_dtype))
    return out if axis is None else np.moveaxis(out, -1, axis)


class ModeResult(NamedTuple):
    mode: object
    count: object


def mode(a, axis=0, nan_policy="propagate", keepdims=False):
    """The most common value along axis (the smallest among ties) and its count."""
    _check_nan_policy(nan_policy, "mode")
    x = np.atleast_1d(np.asarray(a))
    if axis is None:
        x, axis = np.ravel(x), 0
        shape = (1,) * np.ndim(a) if keepdims else ()
    else:
        axis = axis % x.ndim
        shape = tuple(1 if i == axis else d for i, d in enumerate(x.shape) if keepdims or i != axis)
    x = np.moveaxis(x, axis, -1)
    if x.shape[-1] == 0:
        empty = np.full(x.shape[:-1], np.nan)
        return ModeResult(empty.reshape(shape), np.zeros(x.shape[:-1], int).reshape(shape))
    s = np.sort(x, axis=-1)
    _, start, end = _runs(s)
    counts = end - start + 1
    best = np.argmax(counts, axis=-1)[..., None]
    value = np.take_along_axis(s, best, axis=-1)[..., 0]
    count = np.max(counts, axis=-1)
    return ModeResult(value.reshape(shape), count.reshape(shape))


# The Gaussian KDE class lives next to this file (its size); re-exported here.
from arrax.scipy._stats_kde import gaussian_kde  # noqa: E402
