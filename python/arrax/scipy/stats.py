"""jax.scipy.stats: the normal distribution (``norm``), from arrax.scipy.special."""

import math
import types

import arrax.numpy as np
from arrax.scipy import special

__all__ = ["norm"]


def _std(x, loc, scale):
    x = special._float(x)
    return (x - loc) / scale, scale


def _pdf(x, loc=0, scale=1):
    return np.exp(_logpdf(x, loc, scale))


def _logpdf(x, loc=0, scale=1):
    z, scale = _std(x, loc, scale)
    return -0.5 * z * z - 0.5 * math.log(2 * math.pi) - np.log(scale)


def _cdf(x, loc=0, scale=1):
    return special.ndtr(_std(x, loc, scale)[0])


def _logcdf(x, loc=0, scale=1):
    return special.log_ndtr(_std(x, loc, scale)[0])


def _sf(x, loc=0, scale=1):
    return special.ndtr(-_std(x, loc, scale)[0])


def _logsf(x, loc=0, scale=1):
    return special.log_ndtr(-_std(x, loc, scale)[0])


def _ppf(q, loc=0, scale=1):
    return special.ndtri(q) * scale + loc


def _isf(q, loc=0, scale=1):
    return -special.ndtri(q) * scale + loc


norm = types.SimpleNamespace(
    pdf=_pdf, logpdf=_logpdf, cdf=_cdf, logcdf=_logcdf, sf=_sf, logsf=_logsf, ppf=_ppf, isf=_isf
)
