"""jax.scipy.stats: the normal distribution (``norm``) here, the others (expon, uniform,
laplace, logistic, cauchy, t, gamma, chi2, beta, poisson, bernoulli, binom, geom,
multivariate_normal, dirichlet) in _distributions.py; all from arrax.scipy.special."""

import math
import sys
import types

import arrax.numpy as np
from arrax.scipy import special
from arrax.scipy._distributions import (  # noqa: E402
    bernoulli,
    beta,
    binom,
    cauchy,
    chi2,
    dirichlet,
    expon,
    gamma,
    geom,
    laplace,
    logistic,
    multivariate_normal,
    poisson,
    t,
    uniform,
)  # fmt: skip

__all__ = [
    "norm", "expon", "uniform", "laplace", "logistic", "cauchy", "t", "gamma", "chi2", "beta",
    "poisson", "bernoulli", "binom", "geom", "multivariate_normal", "dirichlet",
]  # fmt: skip


def _std(x, loc, scale):
    x = special._float(x)
    return (x - loc) / scale, scale


def _pdf(x, loc=0, scale=1):
    return np.exp(_logpdf(x, loc, scale))


def _logpdf(x, loc=0, scale=1):
    x, loc, scale = special._floats(x, loc, scale)
    # JAX's form, log(2 pi scale^2): a negative scale gives the density of |scale| as in JAX
    return -(np.log(2 * math.pi * scale * scale) + (x - loc) ** 2 / (scale * scale)) / 2


def _cdf(x, loc=0, scale=1):
    return special.ndtr(_std(x, loc, scale)[0])


def _logcdf(x, loc=0, scale=1):
    return special.log_ndtr(_std(x, loc, scale)[0])


def _sf(x, loc=0, scale=1):
    return special.ndtr(-_std(x, loc, scale)[0])


def _logsf(x, loc=0, scale=1):
    return special.log_ndtr(-_std(x, loc, scale)[0])


def _ppf(q, loc=0, scale=1):
    # (the default float, as JAX's norm.ppf/isf and SciPy: float32 arguments give float64)
    return np.asarray(special.ndtri(q) * scale + loc, float)


def _isf(q, loc=0, scale=1):
    return np.asarray(-special.ndtri(q) * scale + loc, float)


norm = types.SimpleNamespace(
    pdf=_pdf, logpdf=_logpdf, cdf=_cdf, logcdf=_logcdf, sf=_sf, logsf=_logsf, ppf=_ppf, isf=_isf
)

# The other jax.scipy.stats distributions and functions, and bernoulli, cauchy, logistic and
# poisson with the methods they lacked (ppf, isf, isf, entropy).
from arrax.scipy._stats_extra import *  # noqa: E402,F401,F403
from arrax.scipy._stats_extra import __all__ as _extra_names  # noqa: E402

__all__ = __all__ + [n for n in _extra_names if n not in __all__]

# Each distribution is a namespace; registering it as a module lets
# ``import arrax.scipy.stats.norm`` work as ``import jax.scipy.stats.norm`` does.
for _name in __all__:
    if isinstance(globals()[_name], types.SimpleNamespace):
        sys.modules[f"{__name__}.{_name}"] = globals()[_name]
