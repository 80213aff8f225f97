"""The distributions of jax.scipy.stats other than norm, as namespaces of functions with
SciPy's signatures (loc/scale where SciPy has them). Densities are -inf (log) or 0 outside the
support, as in SciPy and JAX. Everything is arrax.numpy over arrax.scipy.special, so it traces,
differentiates and batches."""

import math
import types

import arrax.numpy as np
from arrax.scipy import special


def _std(x, loc, scale):
    x, loc, scale = special._floats(x, loc, scale)
    return (x - loc) / scale, scale


def _where_support(inside, value):
    return np.where(inside, value, -np.inf)


def _family(logpdf, cdf=None, ppf=None, sf=None, pmf=False):
    """A namespace from the log density (log mass with pmf), with pdf/logcdf/logsf derived."""
    d = {}
    dens = "logpmf" if pmf else "logpdf"
    d[dens] = logpdf
    d["pmf" if pmf else "pdf"] = lambda *a, **k: np.exp(logpdf(*a, **k))
    if cdf is not None:
        d["cdf"] = cdf
        d["logcdf"] = lambda *a, **k: np.log(cdf(*a, **k))
        sf = sf or (lambda *a, **k: 1 - cdf(*a, **k))
        d["sf"] = sf
        d["logsf"] = lambda *a, **k: np.log(sf(*a, **k))
    if ppf is not None:
        d["ppf"] = ppf
    return types.SimpleNamespace(**d)


# ---- continuous, location-scale ---------------------------------------------------------


# The formulas below follow jax.scipy.stats term by term, so that invalid parameters give
# JAX's values (NaN from log(scale) with scale <= 0, the same support tests and clamps).


def _expon_logpdf(x, loc=0, scale=1):
    x, loc, scale = special._floats(x, loc, scale)
    return np.where(x < loc, -np.inf, -((x - loc) / scale + np.log(scale)))


def _expon_cdf(x, loc=0, scale=1):
    x, loc, scale = special._floats(x, loc, scale)
    return np.where(x < loc, 0.0, -np.expm1((loc - x) / scale))


def _expon_logsf(x, loc=0, scale=1):
    x, loc, scale = special._floats(x, loc, scale)
    return np.where(x < loc, 0.0, (loc - x) / scale)


def _expon_ppf(q, loc=0, scale=1):
    q, loc, scale = special._floats(q, loc, scale)
    return np.where(np.isnan(q) | (q < 0) | (q > 1), np.nan, loc - scale * np.log1p(-q))


expon = _family(
    _expon_logpdf, _expon_cdf, _expon_ppf, lambda *a, **k: np.exp(_expon_logsf(*a, **k))
)
expon.logsf = _expon_logsf
expon.logcdf = lambda *a, **k: np.log1p(-expon.sf(*a, **k))


def _uniform_logpdf(x, loc=0, scale=1):
    x, loc, scale = special._floats(x, loc, scale)
    return np.where((x > loc + scale) | (x < loc), -np.inf, -np.log(scale))


def _uniform_cdf(x, loc=0, scale=1):
    x, loc, scale = special._floats(x, loc, scale)
    hi = loc + scale
    # JAX's select: 0 below, 1 above, the ramp inside, 0 where no test holds (NaN inputs)
    inside = np.where((x >= loc) & (x <= hi), (x - loc) / scale, 0.0)
    return np.where(x < loc, 0.0, np.where(x > hi, 1.0, inside))


def _uniform_ppf(q, loc=0, scale=1):
    q, loc, scale = special._floats(q, loc, scale)
    return np.where(np.isnan(q) | (q < 0) | (q > 1), np.nan, loc + scale * q)


uniform = _family(_uniform_logpdf, _uniform_cdf, _uniform_ppf)


def _laplace_logpdf(x, loc=0, scale=1):
    x, loc, scale = special._floats(x, loc, scale)
    return -(np.abs(x - loc) / scale + np.log(2 * scale))


def _laplace_cdf(x, loc=0, scale=1):
    z, _ = _std(x, loc, scale)
    return np.where(z <= 0, 0.5 * np.exp(np.minimum(z, 0)), 1 - 0.5 * np.exp(-np.maximum(z, 0)))


laplace = _family(_laplace_logpdf, _laplace_cdf)


def _logistic_logpdf(x, loc=0, scale=1):
    z, scale = _std(x, loc, scale)
    a = np.abs(z)  # symmetric: the stable form for either tail
    return -a - 2 * np.log1p(np.exp(-a)) - np.log(scale)


logistic = _family(
    _logistic_logpdf,
    lambda x, loc=0, scale=1: special.expit(_std(x, loc, scale)[0]),
    lambda q, loc=0, scale=1: special.logit(q) * scale + loc,
    lambda x, loc=0, scale=1: special.expit(-_std(x, loc, scale)[0]),
)


def _cauchy_logpdf(x, loc=0, scale=1):
    z, scale = _std(x, loc, scale)
    return -np.log(math.pi * scale) - np.log1p(z * z)


cauchy = _family(
    _cauchy_logpdf,
    lambda x, loc=0, scale=1: 0.5 + np.arctan(_std(x, loc, scale)[0]) / math.pi,
    lambda q, loc=0, scale=1: loc + scale * np.tan(math.pi * (special._float(q) - 0.5)),
)


def _t_logpdf(x, df, loc=0, scale=1):
    x, df, loc, scale = special._floats(x, df, loc, scale)
    z = (x - loc) / scale
    half = df / 2 + 0.5
    norm = special.gammaln(df / 2) + np.log(scale * scale * math.pi * df) / 2
    return -(norm - special.gammaln(half) + half * np.log1p(z * z / df))


def _t_cdf(x, df, loc=0, scale=1):
    x, df, loc, scale = special._floats(x, df, loc, scale)
    z = (x - loc) / scale
    tail = 0.5 * special.betainc(df / 2, 0.5, df / (df + z * z))  # P(T > |z|)
    return np.where(z < 0, tail, 1 - tail)


t = _family(_t_logpdf, _t_cdf)


def _gamma_logpdf(x, a, loc=0, scale=1):
    x, a, loc, scale = special._floats(x, a, loc, scale)
    ok = x >= loc
    y = np.where(ok, (x - loc) / scale, 1)
    val = special.xlogy(a - 1, y) - y - (special.gammaln(a) + np.log(scale))
    return np.where(ok, val, -np.inf)


def _gamma_cdf(x, a, loc=0, scale=1):
    x, a, loc, scale = special._floats(x, a, loc, scale)
    return special.gammainc(a, np.clip((x - loc) / scale, 0, np.inf))


def _gamma_sf(x, a, loc=0, scale=1):
    x, a, loc, scale = special._floats(x, a, loc, scale)
    y = (x - loc) / scale
    return np.where(y < 0, 1.0, special.gammaincc(a, y))


gamma = _family(_gamma_logpdf, _gamma_cdf, sf=_gamma_sf)


def _chi2_logpdf(x, df, loc=0, scale=1):
    x, df, loc, scale = special._floats(x, df, loc, scale)
    y = (x - loc) / scale
    kernel = (df / 2 - 1) * np.log(y) - y / 2
    const = -(special.gammaln(df / 2) + math.log(2) * df / 2)
    return np.where(x < loc, -np.inf, const - np.log(scale) + kernel)


def _chi2_cdf(x, df, loc=0, scale=1):
    x, df, loc, scale = special._floats(x, df, loc, scale)
    return special.gammainc(df / 2, np.clip((x - loc) / (2 * scale), 0, np.inf))


def _chi2_sf(x, df, loc=0, scale=1):
    x, df, loc, scale = special._floats(x, df, loc, scale)
    return special.gammaincc(df / 2, np.clip((x - loc) / (2 * scale), 0, np.inf))


chi2 = _family(_chi2_logpdf, _chi2_cdf, sf=_chi2_sf)


def _beta_logpdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = special._floats(x, a, b, loc, scale)
    y = (x - loc) / scale
    val = (
        special.xlogy(a - 1, y) + special.xlog1py(b - 1, -y) - special.betaln(a, b)
        - np.log(scale)
    )  # fmt: skip
    val = np.where((x > loc + scale) | (x < loc), -np.inf, val)
    # JAX (and SciPy) define no density for a, b or scale <= 0
    return np.where((a <= 0) | (b <= 0) | (scale <= 0), np.nan, val)


def _beta_cdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = special._floats(x, a, b, loc, scale)
    return special.betainc(a, b, np.clip((x - loc) / scale, 0, 1))


def _beta_sf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = special._floats(x, a, b, loc, scale)
    return special.betainc(b, a, 1 - np.clip((x - loc) / scale, 0, 1))


beta = _family(_beta_logpdf, _beta_cdf, sf=_beta_sf)


# ---- discrete ------------------------------------------------------------------------------


def _integer_at_least(k, low):
    return (k == np.floor(k)) & (k >= low)


def _nan_as_jax(raw, jax_outside, value):
    """value, but NaN wherever JAX's formula (raw, evaluated on the unguarded arguments) is
    NaN inside JAX's support test: NaN inputs and invalid parameters (p outside [0, 1], mu < 0)
    give NaN as in JAX; only the zero mass at non-integer counts stays SciPy's."""
    return np.where(~jax_outside & np.isnan(raw), np.nan, value)


def _poisson_logpmf(k, mu, loc=0):
    k, mu, loc = special._floats(k, mu, loc)
    x = k - loc
    inside = _integer_at_least(x, 0)
    ks = np.where(inside, x, 0)
    val = _where_support(inside, special.xlogy(ks, mu) - special.gammaln(ks + 1) - mu)
    raw = special.xlogy(x, mu) - special.gammaln(x + 1) - mu
    return _nan_as_jax(raw, (x < 0) | (np.round(k) != k), val)


def _poisson_cdf(k, mu, loc=0):
    k, mu, loc = special._floats(k, mu, loc)
    k = np.floor(k - loc)
    return np.where(k < 0, 0.0, special.gammaincc(np.maximum(k, 0) + 1, mu))


poisson = _family(_poisson_logpmf, _poisson_cdf, pmf=True)


def _bernoulli_logpmf(k, p, loc=0):
    k, p, loc = special._floats(k, p, loc)
    x = k - loc
    inside = (x == 0) | (x == 1)
    ks = np.where(inside, x, 0)
    val = _where_support(inside, special.xlogy(ks, p) + special.xlog1py(1 - ks, -p))
    raw = special.xlogy(x, p) + special.xlog1py(1 - x, -p)
    return _nan_as_jax(raw, (x < 0) | (x > 1), val)


def _bernoulli_cdf(k, p, loc=0):
    k, p, loc = special._floats(k, p, loc)
    k = k - loc
    return np.where(k < 0, 0.0, np.where(k < 1, 1 - p, 1.0))


bernoulli = _family(_bernoulli_logpmf, _bernoulli_cdf, pmf=True)


def _binom_logpmf(k, n, p, loc=0):
    k, n, p, loc = special._floats(k, n, p, loc)
    y = k - loc
    inside = _integer_at_least(y, 0) & (y <= n)
    ks = np.where(inside, y, 0)
    comb = special.gammaln(n + 1) - special.gammaln(ks + 1) - special.gammaln(n - ks + 1)
    val = _where_support(inside, comb + special.xlogy(ks, p) + special.xlog1py(n - ks, -p))
    lin = special.xlogy(y, p) + special.xlog1py(n - y, -p)
    raw = special.gammaln(n + 1) - special.gammaln(y + 1) - special.gammaln(n - y + 1) + lin
    raw = np.where(((y == 0) & (n == 0)) | (lin == 0), 0.0, raw)
    return _nan_as_jax(raw, ~((k >= loc) & (k < loc + n + 1)), val)


def _binom_cdf(k, n, p, loc=0):
    k, n, p, loc = special._floats(k, n, p, loc)
    k = np.floor(k - loc)
    inner = (k >= 0) & (k < n)
    ks = np.where(inner, k, 0)
    val = special.betainc(np.where(inner, n - ks, 1), ks + 1, 1 - p)
    return np.where(k < 0, 0.0, np.where(k >= n, 1.0, val))


binom = _family(_binom_logpmf, _binom_cdf, pmf=True)


def _geom_logpmf(k, p, loc=0):
    k, p, loc = special._floats(k, p, loc)
    x = k - loc
    inside = _integer_at_least(x, 1)
    ks = np.where(inside, x, 1)
    val = _where_support(inside, special.xlog1py(ks - 1, -p) + np.log(p))
    return _nan_as_jax(special.xlog1py(x - 1, -p) + np.log(p), x <= 0, val)


geom = _family(_geom_logpmf, pmf=True)


# ---- multivariate --------------------------------------------------------------------------


def _mvn_logpdf(x, mean, cov, allow_singular=None):
    """log N(x; mean, cov) over x's last axis, through cov's Cholesky factor."""
    from arrax.scipy import linalg

    x, mean = special._float(x), special._float(mean)
    cov = special._float(cov)
    dt = np.result_type(x, mean, cov)
    x, mean, cov = x.astype(dt), mean.astype(dt), cov.astype(dt)
    if mean.ndim == 0:  # one dimension: x's items are the points (as JAX)
        return -0.5 * ((x - mean) ** 2 / cov + math.log(2 * math.pi) + np.log(cov))
    if cov.ndim < 2:  # a scalar or a diagonal given as a vector: SciPy's shorthand
        cov = np.eye(mean.shape[-1], dtype=dt) * cov
    d = cov.shape[-1]
    low = np.linalg.cholesky(cov)
    diff = x - mean
    shape = np.broadcast_shapes(diff.shape[:-1], low.shape[:-2])
    y = linalg.solve_triangular(
        np.broadcast_to(low, shape + (d, d)), np.broadcast_to(diff, shape + (d,)), lower=True
    )
    logdet = 2 * np.sum(np.log(np.diagonal(low, axis1=-2, axis2=-1)), axis=-1)
    return -0.5 * (d * math.log(2 * math.pi) + logdet + np.sum(y * y, axis=-1))


multivariate_normal = types.SimpleNamespace(
    logpdf=_mvn_logpdf, pdf=lambda *a, **k: np.exp(_mvn_logpdf(*a, **k))
)


def _dirichlet_logpdf(x, alpha):
    """log Dirichlet(x; alpha) with the components on x's first axis (SciPy's layout)."""
    x, alpha = special._float(x), special._float(alpha)
    dt = np.result_type(x, alpha)
    x, alpha = x.astype(dt), alpha.astype(dt)
    if alpha.ndim != 1:
        raise ValueError(
            f"dirichlet.logpdf: `alpha` must be one-dimensional; got alpha.shape={alpha.shape}"
        )
    if x.ndim == 0 or x.shape[0] not in (alpha.shape[0], alpha.shape[0] - 1):
        raise ValueError(
            "dirichlet.logpdf: `x` must have either the same number of entries as `alpha` or one "
            f"entry fewer; got x.shape={x.shape}, alpha.shape={alpha.shape}"
        )
    if x.shape[0] != alpha.shape[0]:  # the last component is 1 - the sum of the others
        x = np.concatenate([x, 1 - np.sum(x, axis=0, keepdims=True)], axis=0)
    a = alpha.reshape(alpha.shape + (1,) * (x.ndim - 1))
    norm = np.sum(special.gammaln(alpha)) - special.gammaln(np.sum(alpha))
    log_probs = np.sum(special.xlogy(a - 1, x), axis=0) - norm
    # (JAX: -inf off the simplex, where SciPy raises)
    on_simplex = np.all(x > 0, axis=0) & (abs(np.sum(x, axis=0) - 1) < 1e-6)
    return np.where(on_simplex, log_probs, -np.inf)


dirichlet = types.SimpleNamespace(
    logpdf=_dirichlet_logpdf, pdf=lambda *a, **k: np.exp(_dirichlet_logpdf(*a, **k))
)
