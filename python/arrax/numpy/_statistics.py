"""Statistics composed from arrax.numpy (so they trace, differentiate and batch): the order
statistics (quantile, percentile, median, with every NumPy method), average, cov, corrcoef,
the nan-functions, and the histograms (NumPy's own on concrete arrays; traced, as JAX's, for a
static number of bins or explicit edges)."""

import numpy as onp

from arrax import _core
from arrax._trace_core import any_tracer, is_inexact
from arrax.lax import _ops as lax
from arrax.numpy import _masked_reductions
from arrax.numpy._common import (
    _arr,
    _float_dtype,
    _np,
    axes_last,
    complex_from_parts,
    from_numpy,
    store_out,
    takes_out,
    warn_where,
)

__all__ = [
    "ptp",
    "average",
    "quantile",
    "percentile",
    "median",
    "cov",
    "corrcoef",
    "nansum",
    "nanprod",
    "nanmean",
    "nanvar",
    "nanstd",
    "var",
    "std",
    "nanmin",
    "nanmax",
    "nanargmin",
    "nanargmax",
    "nancumsum",
    "nancumprod",
    "nanquantile",
    "nanpercentile",
    "nanmedian",
    "histogram",
    "histogram2d",
    "histogramdd",
]


def _is_float(dt):
    """A real floating dtype (bfloat16 too, which NumPy files under kind 'V')."""
    return is_inexact(dt) and onp.dtype(dt).kind != "c"


# --- statistics ----------------------------------------------------------------------------


@takes_out("unsafe")
def ptp(a, axis=None, out=None, keepdims=False):
    """numpy.ptp: max - min."""
    np = _np()
    a = _arr(a)
    return np.max(a, axis=axis, keepdims=keepdims) - np.min(a, axis=axis, keepdims=keepdims)


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """numpy.average."""
    np = _np()
    a = _arr(a)
    if weights is None:
        avg = np.mean(a, axis=axis, keepdims=keepdims)
        if returned:
            n = a.size if axis is None else onp.prod([a.shape[x] for x in onp.atleast_1d(axis)])
            return avg, np.full(avg.shape, n, avg.dtype)
        return avg
    w = _arr(weights)
    dt = np.result_type(a, w, 1.0)
    if axis is not None:
        axis = onp.lib.array_utils.normalize_axis_tuple(axis, a.ndim, "axis")  # AxisError
    if w.shape != a.shape:
        if axis is None:
            raise TypeError("average: Axis must be specified when shapes of a and weights differ.")
        if w.shape != tuple(a.shape[ax] for ax in axis):
            raise ValueError(
                "average: Shape of weights must be consistent with shape of a along specified axis."
            )
        # NumPy's broadcasting of the weights along the given axes (in the axes' order)
        w = np.transpose(w, tuple(int(k) for k in onp.argsort(axis)))
        w = np.broadcast_to(
            w.reshape(tuple(s if ax in axis else 1 for ax, s in enumerate(a.shape))), a.shape
        )
    scl = np.sum(w.astype(dt), axis=axis, keepdims=keepdims)
    if not scl._is_tracer and bool(np.any(scl == 0.0)):
        raise ZeroDivisionError("average: Weights sum to zero, can't be normalized")
    avg = np.sum((a * w).astype(dt), axis=axis, keepdims=keepdims) / scl
    if returned:
        return avg, np.broadcast_to(scl, avg.shape)
    return avg


_QUANTILE_METHODS = (
    "linear",
    "lower",
    "higher",
    "midpoint",
    "nearest",
    "inverted_cdf",
    "averaged_inverted_cdf",
    "closest_observation",
    "interpolated_inverted_cdf",
    "hazen",
    "weibull",
    "median_unbiased",
    "normal_unbiased",
)
# Continuous methods: virtual index = n*q + alpha + q*(1 - alpha - beta) - 1.
_ALPHA_BETA = {
    "linear": (1.0, 1.0),
    "hazen": (0.5, 0.5),
    "weibull": (0.0, 0.0),
    "median_unbiased": (1 / 3, 1 / 3),
    "normal_unbiased": (3 / 8, 3 / 8),
    "interpolated_inverted_cdf": (0.0, 1.0),
}


@takes_out("unsafe", broadcast=True)
def quantile(
    a,
    q,
    axis=None,
    out=None,
    overwrite_input=False,
    method="linear",
    keepdims=False,
    *,
    weights=None,
    interpolation=None,
    _nan=False,
    _percentile_weak_q=False,
):
    """numpy.quantile, with NumPy's methods (linear by default)."""
    np = _np()
    if interpolation is not None:
        method = interpolation
    if method not in _QUANTILE_METHODS:
        raise ValueError(f"'{method}' is not a valid method. Use one of: {_QUANTILE_METHODS}")
    a = _arr(a)
    if a.dtype.kind == "c":
        raise TypeError(f"{'nan' if _nan else ''}quantile: a must be an array of real numbers")
    q_arr = _arr(q)
    if not q_arr._is_tracer:
        qn = onp.asarray(q_arr)
        if not onp.all((qn >= 0) & (qn <= 1)):  # (NaN too)
            raise ValueError("Quantiles must be in the range [0, 1]")
    # NumPy's dtype: a Python q is weak (float32 data stay float32), a q array is not.
    weak_q = type(q) in (int, float) or _percentile_weak_q
    dt = _np().result_type(a.dtype, 1.0) if weak_q else _np().result_type(a.dtype, q_arr.dtype, 1.0)
    if _nan and a.size == 0:  # NumPy: the nanmean of nothing, whatever q's shape
        return nanmean(a, axis, keepdims=keepdims)
    if weights is not None:
        return _weighted_quantile(a, q_arr, axis, method, keepdims, weights, _nan, dt)
    x, kd_shape = axes_last(a, axis)
    ax = x.ndim - 1
    x_sorted = np.sort(x, axis=ax)
    s = x_sorted.astype(dt)
    n_total = s.shape[ax]
    # The virtual index is computed in q's own precision, as NumPy does (float64 for a Python
    # q, so 65521 float16 values do not overflow it; 5 * float32(0.4) is exactly 2).
    idt = q_arr.dtype if q_arr.dtype.kind == "f" else onp.dtype(onp.float64)
    if _nan:
        n = np.sum(~np.isnan(s), axis=ax, keepdims=True).astype(idt)
    else:
        n = lax.full((1,) * s.ndim, n_total, idt)
    qv = q_arr.astype(idt)
    qs = qv.reshape(qv.shape + (1,) * s.ndim)  # q dims lead, as NumPy's result
    if method == "linear":  # (NumPy's own formula for it, rounding as NumPy's does)
        virtual = (n - 1) * qs
    elif method in _ALPHA_BETA:
        al, be = _ALPHA_BETA[method]
        virtual = n * qs + (al + qs * (1 - al - be)) - 1
    elif method == "inverted_cdf":
        virtual = np.ceil(n * qs) - 1
    elif method == "averaged_inverted_cdf":
        virtual = n * qs - 1
    elif method == "closest_observation":
        virtual = _closest(n, qs, np)
    else:
        virtual = (n - 1) * qs
    last = np.maximum(n - 1, 0)
    # As NumPy: beyond the ends, both neighbours are the end element.
    outside = (virtual < 0) | (virtual >= last)
    virtual = np.clip(virtual, 0, last)
    lo = np.floor(virtual)
    hi = np.where(outside, lo, np.minimum(lo + 1, last))
    frac = virtual - lo
    if method == "lower":
        frac = frac * 0
    elif method == "higher":
        lo, frac = np.ceil(virtual), frac * 0
    elif method == "nearest":
        up = (frac > 0.5) | ((frac == 0.5) & (np.mod(lo, 2) == 1))
        lo, frac = np.where(up, hi, lo), frac * 0
    elif method == "midpoint":
        frac = np.where(frac > 0, 0.5, 0.0)
    elif method in ("inverted_cdf", "closest_observation"):
        frac = frac * 0
    elif method == "averaged_inverted_cdf":
        frac = np.where(frac == 0, 0.5, 1.0)
    # The discrete methods take an element: NumPy keeps the array's own dtype (int8 stays int8).
    # (so does linear at integer q: its virtual index is an integer, as NumPy takes it)
    int_q = q_arr.dtype.kind in "iub"
    discrete = method in _DISCRETE_METHODS or (method == "linear" and int_q)
    if discrete:
        s = x_sorted
    sb = np.broadcast_to(s, qs.shape[: qv.ndim] + s.shape)
    idx_lo = np.broadcast_to(lo.astype(onp.int64), sb.shape[:-1] + (1,))
    idx_hi = np.broadcast_to(hi.astype(onp.int64), sb.shape[:-1] + (1,))
    v_lo = np.take_along_axis(sb, idx_lo, axis=-1)
    v_hi = np.take_along_axis(sb, idx_hi, axis=-1)
    fr = np.broadcast_to(frac, v_lo.shape)
    if discrete:
        r = v_lo
    else:  # NumPy's lerp: from the upper neighbour when t >= 0.5 (exact within 1 ulp)
        diff = v_hi - v_lo
        r = np.where(fr >= 0.5, v_hi - diff * (1 - fr), v_lo + diff * fr)
        r = np.where(fr == 0, v_lo, r)
    r = r[..., 0]
    if not _nan and _is_float(s.dtype) and n_total:
        has_nan = np.isnan(s[..., -1:])[..., 0]
        r = np.where(np.broadcast_to(has_nan, r.shape), np.nan, r)
    if _nan and n_total and _is_float(x.dtype):  # (integers have no NaN: their dtype stays)
        warn_where(n == 0, "All-NaN slice encountered")
        r = np.where(np.broadcast_to(n[..., 0] == 0, r.shape), np.nan, r)
    if keepdims:
        r = r.reshape(qv.shape + kd_shape)
    return r if discrete else r.astype(dt)


_DISCRETE_METHODS = ("inverted_cdf", "closest_observation", "lower", "higher", "nearest")


def _weighted_quantile(a, q, axis, method, keepdims, weights, _nan, dt):
    """NumPy 2's weighted quantile (method inverted_cdf only): the first sorted element whose
    cumulative weight share reaches q; NaN where a slice holds NaN (nanquantile: NaNs weigh
    nothing)."""
    np = _np()
    name = "nanquantile" if _nan else "quantile"
    if method != "inverted_cdf":
        raise ValueError(f"Only method 'inverted_cdf' supports weights. Got: {method}.")
    w = _arr(weights)
    if w.shape != a.shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        axes = onp.lib.array_utils.normalize_axis_tuple(axis, a.ndim, "axis")
        if w.shape != tuple(a.shape[k] for k in axes):
            raise ValueError(
                f"{name}: Shape of weights must be consistent with shape of a along specified "
                f"axis (weights {w.shape}, a {a.shape}, axis {axis})."
            )
        w = np.transpose(w, onp.argsort(axes)).reshape(
            tuple(n if k in axes else 1 for k, n in enumerate(a.shape))
        )
        w = np.broadcast_to(w, a.shape)
    if not w._is_tracer and bool(np.any(w < 0)):
        raise ValueError("Weights must be non-negative.")
    x, kd_shape = axes_last(a, axis)
    wx, _ = axes_last(w, axis)
    if _nan and is_inexact(x.dtype):
        wx = np.where(np.isnan(x), 0, wx)
    order = np.argsort(x, axis=-1, stable=True)
    xs = np.take_along_axis(x, order, axis=-1)
    cdf = np.cumsum(np.take_along_axis(wx, order, axis=-1), axis=-1, dtype=onp.float64)
    cdf = cdf / cdf[..., -1:]
    if not cdf._is_tracer and bool(np.any(np.isnan(cdf[..., -1]))):
        raise ValueError("Weights included NaN, inf or were all zero.")
    if q.dtype.kind == "f":  # (compared in q's precision, as NumPy)
        cdf = cdf.astype(q.dtype)
    cdf = np.where(cdf == 0, -1, cdf)  # leading zero weights: q=0 picks the first weighted one
    qs = q.reshape(q.shape + (1,) * x.ndim)
    n = x.shape[-1]
    idx = np.minimum(np.sum(cdf < qs, axis=-1), n - 1)  # searchsorted(cdf, q, "left")
    xb = np.broadcast_to(xs, q.shape + xs.shape)
    r = np.take_along_axis(xb, idx[..., None].astype(onp.int64), axis=-1)[..., 0]
    if not _nan and _is_float(x.dtype) and n:
        r = np.where(np.broadcast_to(np.isnan(xs[..., -1]), r.shape), np.nan, r)
    if keepdims:
        r = r.reshape(q.shape + kd_shape)
    return r


def _closest(n, qs, np):
    # closest_observation (Hyndman & Fan): the nearest even order statistic; 0-based, the
    # index n*q - 1.5 rounds up unless it is whole and odd.
    g = n * qs - 1.5
    k = np.floor(g)
    return np.where((g == k) & (np.mod(k, 2) == 1), k, k + 1)


def _percentile_of(quantile_fn, name):
    """numpy.percentile / nanpercentile: the quantile function on q / 100."""

    def percentile(
        a,
        q,
        axis=None,
        out=None,
        overwrite_input=False,
        method="linear",
        keepdims=False,
        *,
        weights=None,
        interpolation=None,
    ):
        q_arr = _arr(q)
        if not q_arr._is_tracer and not onp.all(
            (onp.asarray(q_arr) >= 0) & (onp.asarray(q_arr) <= 100)
        ):
            raise ValueError("Percentiles must be in the range [0, 100]")
        # (q / 100 in q's dtype, as NumPy; a Python q still promotes the result weakly)
        return quantile_fn(
            a,
            q_arr / 100 if q_arr.dtype.kind == "f" else q_arr / 100.0,
            axis,
            out,
            False,
            method,
            keepdims,
            weights=weights,
            interpolation=interpolation,
            _percentile_weak_q=type(q) in (int, float),
        )

    percentile.__name__ = percentile.__qualname__ = name
    percentile.__doc__ = f"numpy.{name}."
    return percentile


percentile = _percentile_of(quantile, "percentile")


@takes_out("unsafe")
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """numpy.median."""
    a = _arr(a)
    axes = (
        range(a.ndim)
        if axis is None
        else onp.lib.array_utils.normalize_axis_tuple(axis, a.ndim, "axis")  # AxisError
    )
    if a.ndim and any(a.shape[d] == 0 for d in axes):
        # NumPy: the median of nothing is NaN (its mean's), in the result's shape and dtype
        return _np().mean(a, axis=axis, keepdims=keepdims)
    return _median(a, axis, keepdims)


def _median(a, axis, keepdims, nan=False):
    """NumPy's median: the middle element of each sorted slice, or the mean of the middle two
    computed as NumPy's mean computes it (in float64 for integers and bools, in float32 for
    the half floats), so [1, inf] has median inf and two values near the float64 maximum
    overflow, as in NumPy (quantile's interpolation gives NaN and the midpoint). Complex
    numbers sort in NumPy's lexicographic order. NaNs sort last: median gives a slice's last
    NaN for a slice holding one (as NumPy, that NaN itself), nanmedian the median of the
    others (NaN, with NumPy's warning, for a slice of NaNs only)."""
    np = _np()
    x, keep_shape = axes_last(a, axis)
    s = np.sort(x, axis=-1)
    if is_inexact(x.dtype):
        nans = np.sum(np.isnan(x), axis=-1, keepdims=True)
    else:
        nans = lax.full(x.shape[:-1] + (1,), 0, onp.int64)
    n = x.shape[-1] - nans if nan else lax.full(nans.shape, x.shape[-1], nans.dtype)
    v_lo = np.take_along_axis(s, np.maximum((n - 1) // 2, 0), axis=-1)[..., 0]
    v_hi = np.take_along_axis(s, np.maximum(n // 2, 0), axis=-1)[..., 0]
    dt = onp.dtype(x.dtype)
    if dt.kind in "biu":
        acc = out = onp.dtype(onp.float64)
    elif dt.itemsize == 2:  # float16, bfloat16: NumPy's mean sums them in float32
        acc, out = onp.dtype(onp.float32), dt
    else:
        acc = out = dt
    v_lo = v_lo.astype(acc)
    m = np.where((n % 2 == 1)[..., 0], v_lo, (v_lo + v_hi.astype(acc)) / 2).astype(out)
    if nan and is_inexact(dt):
        warn_where(n == 0, "All-NaN slice encountered")
        m = np.where((n == 0)[..., 0], onp.array(onp.nan, out), m)
    elif not nan and is_inexact(dt):
        m = np.where((nans > 0)[..., 0], s[..., -1].astype(out), m)
    return m.reshape(keep_shape) if keepdims else m


def _cov_weights(name, w, n):
    """cov's fweights/aweights as float64, checked as NumPy checks them (the value checks only
    where the values are there: not under a transformation)."""
    np = _np()
    w = _arr(w).astype(onp.float64)
    if w.ndim > 1:
        raise RuntimeError(f"cov: cannot handle multidimensional {name}")
    if w.shape[0] != n:
        raise RuntimeError(f"cov: incompatible numbers of samples and {name}")
    if not w._is_tracer:
        if name == "fweights" and not bool(np.all(w == np.around(w))):
            raise TypeError("cov: fweights must be integer")
        if bool(np.any(w < 0)):
            raise ValueError(f"cov: {name} cannot be negative")
    return w


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """numpy.cov (NumPy's algorithm: an empty sample gives NaN with NumPy's warnings, fewer
    degrees of freedom than 1 divide by zero, and the result is squeezed)."""
    return _cov("cov", m, y, rowvar, bias, ddof, fweights, aweights, dtype)


def _cov(fname, m, y, rowvar, bias, ddof, fweights, aweights, dtype):
    np = _np()
    if ddof is not None and ddof != int(ddof):
        raise ValueError(f"{fname}: ddof must be integer")
    m = _arr(m)
    if m.ndim > 2:
        raise ValueError(f"{fname}: m has more than 2 dimensions")
    if y is not None:
        y = _arr(y)
        if y.ndim > 2:
            raise ValueError(f"{fname}: y has more than 2 dimensions")
    if dtype is None:
        dt = _np().result_type(m.dtype, onp.float64)
        if y is not None:
            dt = _np().result_type(dt, y.dtype)
    else:
        dt = onp.dtype(dtype)
    X = np.atleast_2d(m).astype(dt)
    if not rowvar and m.ndim != 1:
        X = X.T
    if X.shape[0] == 0:
        return np.zeros((0, 0), dt)
    if not is_inexact(dt):  # (NumPy's: the mean, float64, subtracted in place from X)
        raise TypeError(
            f"{fname}: Cannot cast ufunc 'subtract' output from dtype('float64') to {dt!r} "
            "with casting rule 'same_kind'"
        )
    if y is not None:
        Y = np.atleast_2d(y).astype(dt)
        if not rowvar and Y.shape[0] != 1:
            Y = Y.T
        X = np.concatenate([X, Y], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    n = X.shape[1]
    w = aw = None
    if fweights is not None:
        w = _cov_weights("fweights", fweights, n)
    if aweights is not None:
        aw = _cov_weights("aweights", aweights, n)
        w = aw if w is None else w * aw
    avg, w_sum = average(X, axis=1, weights=w, returned=True)
    w_sum = w_sum[0]
    if w is None:
        fact = n - ddof
    elif ddof == 0:
        fact = w_sum
    elif aw is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * np.sum(w * aw) / w_sum
    warn_where(fact <= 0, "Degrees of freedom <= 0 for slice")
    if isinstance(fact, _core.ndarray):
        inv = np.true_divide(1, np.where(fact <= 0, 0, fact))
    else:  # a Python float, weak as NumPy's scalar (float32 data stays float32)
        inv = 1.0 / fact if fact > 0 else onp.inf
    X = X - avg[:, None].astype(X.dtype)
    X_T = X.T if w is None else (X * w).T
    c = (X @ np.conj(X_T)) * inv
    return np.squeeze(c)


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """numpy.corrcoef."""
    np = _np()
    c = _cov("corrcoef", x, y, rowvar, False, None, None, None, dtype)
    if c.ndim == 0:
        return c / c
    d = np.sqrt(np.real(np.diagonal(c)))
    c = c / d[:, None] / d[None, :]
    return np.clip(np.real(c), -1, 1) if c.dtype.kind != "c" else c


# --- nan-functions -------------------------------------------------------------------------


def _nan_fill(a, value):
    np = _np()
    a = _arr(a)
    return np.where(np.isnan(a), value, a) if is_inexact(a.dtype) else a


def _nan_kept(fname, a, where):
    """a, and the mask of its elements that take part: where= and not NaN."""
    from arrax.numpy._masked_reductions import kept

    a, m = kept(fname, a, where)
    return a, (m & ~_np().isnan(a)) if is_inexact(a.dtype) else m


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """numpy.nansum."""
    from arrax.numpy import _masked_reductions as mr

    a, m = _nan_kept("nansum", a, where)
    return mr.sum(a, axis, dtype, out, keepdims, initial, m)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """numpy.nanprod."""
    from arrax.numpy import _masked_reductions as mr

    a, m = _nan_kept("nanprod", a, where)
    return mr.prod(a, axis, dtype, out, keepdims, initial, m)


@takes_out("unsafe")
def nancumsum(a, axis=None, dtype=None, out=None):
    """numpy.nancumsum."""
    return _np().cumsum(_nan_fill(a, 0), axis=axis, dtype=dtype)


@takes_out("unsafe")
def nancumprod(a, axis=None, dtype=None, out=None):
    """numpy.nancumprod."""
    return _np().cumprod(_nan_fill(a, 1), axis=axis, dtype=dtype)


def _valid_count(a, axis, keepdims):
    np = _np()
    a = _arr(a)
    valid = ~np.isnan(a) if is_inexact(a.dtype) else np.ones(a.shape, bool)
    return np.sum(valid, axis=axis, keepdims=keepdims)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """numpy.nanmean (NaN where every value is NaN)."""
    from arrax.numpy._masked_reductions import inexact_only, kept_count, masked_mean

    a, m = _nan_kept("nanmean", a, where)
    inexact_only("nanmean", a, dtype, out)
    n = kept_count(m, axis, keepdims)
    warn_where(n == 0, "Mean of empty slice", of=a)
    dt = _float_dtype(a) if dtype is None else onp.dtype(dtype)
    return store_out("nanmean", masked_mean(a, m, axis, dt, keepdims, n), out)


# nanvar/nanstd: the masked moments with NaNs left out (NaN where kept - ddof <= 0, as NumPy).
nanvar = _masked_reductions.moment_function("nanvar", skip_nan=True)
nanstd = _masked_reductions.moment_function("nanstd", skip_nan=True, root=True)


def _with_complex_dtype(fn):
    """fn (var, std, nanvar or nanstd) taking NumPy's complex dtype= on any data: NumPy sums
    the squared deviations in that dtype, so the result is the moment (computed in the dtype's
    precision) as that complex dtype; where it is not finite (kept - ddof <= 0, NaNs) the
    imaginary part is NaN, as NumPy's complex division gives."""
    import functools

    @functools.wraps(fn)
    def moment(a, axis=None, dtype=None, out=None, *args, **kwargs):
        if dtype is None or onp.dtype(dtype).kind != "c":
            return fn(a, axis, dtype, out, *args, **kwargs)
        np, dt = _np(), onp.dtype(dtype)
        r = _arr(fn(a, axis, dt, None, *args, **kwargs))  # (real: the moment, in dt's precision)
        c = r.astype(dt)
        c = np.where(np.isfinite(r), c, c + complex(0, onp.nan))
        return store_out(fn.__name__, c, out)

    return moment


nanvar, nanstd = _with_complex_dtype(nanvar), _with_complex_dtype(nanstd)
var, std = _with_complex_dtype(_core.var), _with_complex_dtype(_core.std)


def _np_scalar(value, dtype):
    """value in dtype (NumPy casts a reduction's initial value to the array's dtype)."""
    return onp.asarray(value).astype(dtype)[()]


def _nan_extreme(fname, ufunc_name, a, axis, keepdims, fn, fill, initial, where):
    """nanmin/nanmax: NaN where no element takes part and there is no initial value."""
    np = _np()
    if where is not True and initial is None:
        raise ValueError(
            f"{fname}: reduction operation '{ufunc_name}' does not have an identity, so to use "
            "a where mask one has to specify 'initial'"
        )
    a, m = _nan_kept(fname, a, where)
    if not is_inexact(a.dtype) and where is True:
        return fn(a, axis=axis, keepdims=keepdims, initial=initial)
    filled = np.where(m, a, _np_scalar(fill if initial is None else initial, a.dtype))
    r = fn(filled, axis=axis, keepdims=keepdims, initial=initial)
    if initial is not None or not is_inexact(a.dtype):
        return r
    none_kept = np.sum(m, axis=axis, keepdims=keepdims) == 0
    warn_where(none_kept, "All-NaN slice encountered")
    return np.where(none_kept, np.nan, r).astype(a.dtype)


@takes_out("unsafe")
def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """numpy.nanmin (NaN where every value is NaN)."""
    return _nan_extreme("nanmin", "fmin", a, axis, keepdims, _np().min, onp.inf, initial, where)


@takes_out("unsafe")
def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """numpy.nanmax (NaN where every value is NaN)."""
    return _nan_extreme("nanmax", "fmax", a, axis, keepdims, _np().max, -onp.inf, initial, where)


def _nan_arg(a, axis, keepdims, fn, fill, name):
    np = _np()
    a = _arr(a)
    if is_inexact(a.dtype):
        # (an empty array has no all-NaN slice: argmin/argmax say it is empty, as NumPy's)
        if not a._is_tracer and a.size and bool(np.any(_valid_count(a, axis, False) == 0)):
            raise ValueError(f"{name}: All-NaN slice encountered")
        a = _nan_fill(a, fill)
    return fn(a, axis=axis, keepdims=keepdims)


@takes_out("unsafe")
def nanargmin(a, axis=None, out=None, *, keepdims=False):
    """numpy.nanargmin."""
    return _nan_arg(a, axis, keepdims, _np().argmin, onp.inf, "nanargmin")


@takes_out("unsafe")
def nanargmax(a, axis=None, out=None, *, keepdims=False):
    """numpy.nanargmax."""
    return _nan_arg(a, axis, keepdims, _np().argmax, -onp.inf, "nanargmax")


@takes_out("unsafe", broadcast=True)
def nanquantile(
    a,
    q,
    axis=None,
    out=None,
    overwrite_input=False,
    method="linear",
    keepdims=False,
    *,
    weights=None,
    interpolation=None,
    _percentile_weak_q=False,
):
    """numpy.nanquantile."""
    return quantile(
        a,
        q,
        axis,
        out,
        False,
        method,
        keepdims,
        weights=weights,
        interpolation=interpolation,
        _nan=True,
        _percentile_weak_q=_percentile_weak_q,
    )


nanpercentile = _percentile_of(nanquantile, "nanpercentile")


@takes_out("unsafe")
def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """numpy.nanmedian."""
    a = _arr(a)
    if a.size == 0:  # NumPy: the nanmean of nothing (NaN, warning "Mean of empty slice")
        return nanmean(a, axis, keepdims=keepdims)
    return _median(a, axis, keepdims, nan=True)


# --- histograms (eagerly NumPy's own; traced, with a static number of bins, composed) -----


def _concrete_numpy(name, *xs):
    for x in xs:
        if isinstance(x, _core.ndarray) and x._is_tracer:
            raise TypeError(f"{name}: needs concrete values (the bins depend on them)")
    return [onp.asarray(x) if isinstance(x, _core.ndarray) else x for x in xs]


def _promotes_as(v):
    """What NumPy's promotion sees of v: a Python scalar weakly (itself), else its dtype."""
    return v if type(v) in (bool, int, float, complex) else _arr(v).dtype


def _outer_edges(a, rng, name):
    """NumPy's _get_outer_edges of a (1-D, traced or not): the first and last edges (the
    range, or a's min and max; an empty range widened by a half each side), and what NumPy's
    promotion sees of them (the range's values, else a's dtype: the widening keeps it)."""
    np = _np()
    if rng is not None:
        first, last = rng
        if not any_tracer(first, last):
            if first > last:
                raise ValueError("max must be larger than min in range parameter.")
            if not (onp.isfinite(first) and onp.isfinite(last)):
                raise ValueError(f"supplied range of [{first}, {last}] is not finite")
            if first == last:
                first, last = first - 0.5, last + 0.5
            return first, last, (_promotes_as(first), _promotes_as(last))
        kinds = (_promotes_as(first), _promotes_as(last))
    elif a.size == 0:
        return 0, 1, (0, 1)  # NumPy's
    else:
        first, last, kinds = np.min(a), np.max(a), (a.dtype, a.dtype)
    first, last = _arr(first), _arr(last)
    same = first == last
    return np.where(same, first - 0.5, first), np.where(same, last + 0.5, last), kinds


def _linspace_edges(first, last, n, dt, dtype, name):
    """NumPy's linspace(first, last, n + 1, dtype=dtype) for n bins, computed in dt (NumPy's
    inexact type of first and last) as NumPy's: start + i * step, the last one exactly last."""
    import operator

    np = _np()
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError(f"{name}: `bins` must be an integer, when a scalar") from e
    if n < 1:
        raise ValueError("`bins` must be positive, when an integer")
    start, stop = _arr(first).astype(dt), _arr(last).astype(dt)
    delta = stop - start
    step = delta / n
    y = np.arange(n + 1, dtype=dt)
    y = np.where(step == 0, y / n * delta, y * step) + start
    y = np.concatenate([y[:n], stop[None]])
    return y.astype(dtype)


def _explicit_edges(bins):
    """Bin edges given as an array (NumPy's check that they increase, when concrete)."""
    edges = _arr(bins)
    if not edges._is_tracer:
        e = onp.asarray(edges)
        if onp.any(e[:-1] > e[1:]):
            raise ValueError("`bins` must increase monotonically, when an array")
    return edges


def _traced_bin_edges(a, bins, rng, name):
    """histogram's bin edges of a traced sample (a 1-D): NumPy's, for a static number of bins
    or explicit edges. Returns (edges, uniform)."""
    if isinstance(bins, str):
        raise TypeError(
            f"{name}: bins={bins!r} (an estimator) needs concrete values (the number of bins "
            "depends on them); give the number of bins or their edges"
        )
    if onp.ndim(bins) == 1:
        return _explicit_edges(bins), False
    if onp.ndim(bins) != 0:
        raise ValueError("`bins` must be 1d, when an array")
    if isinstance(bins, _core.ndarray) and bins._is_tracer:
        raise TypeError(f"{name}: the number of bins must be static (a Python int)")
    first, last, kinds = _outer_edges(a, rng, name)
    bin_type = _np().result_type(*kinds, a.dtype)
    if bin_type.kind in "biu":
        bin_type = _np().result_type(bin_type, float)
    return _linspace_edges(first, last, bins, _np().result_type(*kinds, 1.0), bin_type, name), True


def histogram_bin_edges_traced(a, bins=10, range=None, weights=None):  # noqa: A002
    """numpy.histogram_bin_edges (the edges ``histogram`` uses) of a traced sample, for a
    static number of bins or explicit edges (``_utilities.histogram_bin_edges`` takes
    concrete ones to NumPy)."""
    return _traced_bin_edges(_np().ravel(_arr(a)), bins, range, "histogram_bin_edges")[0]


def _bin_sums(idx, weights, n, dtype):
    """Per bin (0..n-1; idx n: dropped) the count, or the sum of the weights, as NumPy's
    bincount gives it (in float64: complex weights part by part), in dtype."""
    np = _np()
    if weights is None:
        return np.bincount(idx, length=n + 1)[:n].astype(dtype)
    if weights.dtype.kind == "c":
        re = np.bincount(idx, weights.real.astype(onp.float64), length=n + 1)[:n]
        im = np.bincount(idx, weights.imag.astype(onp.float64), length=n + 1)[:n]
        return complex_from_parts(re, im, dtype)
    return np.bincount(idx, weights.astype(onp.float64), length=n + 1)[:n].astype(dtype)


def _traced_histogram(a, bins, rng, density, weights):
    np = _np()
    a = _arr(a)
    if weights is not None:
        weights = _arr(weights)
        if weights.shape != a.shape:
            raise ValueError("weights should have the same shape as a.")
        weights = np.ravel(weights)
    a = np.ravel(a)
    edges, uniform = _traced_bin_edges(a, bins, rng, "histogram")
    n = edges.shape[0] - 1
    ntype = onp.dtype(onp.intp) if weights is None else weights.dtype
    if uniform or weights is None:
        # bin i holds edges[i] <= a < edges[i + 1], the last bin its right edge too; values
        # outside the edges (and NaN) none
        x = a.astype(edges.dtype) if uniform else a
        idx = np.searchsorted(edges, x, side="right") - 1
        idx = np.where(x == edges[-1], n - 1, idx)
        idx = np.where((x >= edges[0]) & (x <= edges[-1]), idx, n)
        counts = _bin_sums(idx, weights, n, ntype)
    else:
        # NumPy's for explicit edges and weights: differences of the weights' running sum
        # (in their dtype) over the sorted sample at the edges
        order = np.argsort(a)
        sa, sw = a[order], weights[order]
        cw = np.concatenate([np.zeros(1, ntype), np.cumsum(sw)])
        at = np.concatenate(
            [np.searchsorted(sa, edges[:-1], "left"), np.searchsorted(sa, edges[-1:], "right")]
        )
        counts = np.diff(cw[at].astype(ntype))
    if density:
        widths = np.diff(edges).astype(onp.float64)
        return counts / widths / counts.sum(), edges
    return counts, edges


def histogram(a, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """numpy.histogram; traced (as JAX's under jit) for a static number of bins or edges."""
    if any_tracer(a, bins, weights, range):
        return _traced_histogram(a, bins, range, density, weights)
    a, bins, weights = _concrete_numpy("histogram", a, bins, weights)
    return from_numpy(onp.histogram(a, bins, range, density=density, weights=weights))


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """numpy.histogram2d; traced for static numbers of bins or edges."""
    if any_tracer(x, y, bins, weights, range):
        try:
            nb = len(bins)
        except TypeError:
            nb = 1
        if nb not in (1, 2):
            bins = [bins, bins]
        hist, edges = _traced_histogramdd([x, y], bins, range, density, weights)
        return hist, edges[0], edges[1]
    x, y, weights = _concrete_numpy("histogram2d", x, y, weights)
    return from_numpy(onp.histogram2d(x, y, bins, range, density, weights))


def _traced_histogramdd(sample, bins, rng, density, weights):
    np = _np()
    if getattr(sample, "ndim", None) == 2:
        s = _arr(sample)
    else:  # NumPy's: a sequence of D coordinate arrays (or one 1-D array)
        s = np.atleast_2d(_arr(sample)).T
    if s.ndim != 2:
        raise ValueError(f"histogramdd: sample of shape {s.shape} is not (N, D)")
    d = s.shape[1]
    try:
        if len(bins) != d:
            raise ValueError(
                "The dimension of bins must be equal to the dimension of the sample x."
            )
    except TypeError:
        bins = d * [bins]
    if rng is None:
        rng = (None,) * d
    elif len(rng) != d:
        raise ValueError("range argument must have one entry per dimension")
    edges, nbin, flat = [], [], 0
    for i in range(d):
        col = s[:, i]
        if onp.ndim(bins[i]) == 0:
            if isinstance(bins[i], _core.ndarray) and bins[i]._is_tracer:
                raise TypeError("histogramdd: the number of bins must be static (a Python int)")
            first, last, kinds = _outer_edges(col, rng[i], "histogramdd")
            dt = _np().result_type(*kinds, 1.0)  # NumPy's linspace(first, last, n + 1)
            e = _linspace_edges(first, last, bins[i], dt, dt, f"histogramdd: `bins[{i}]`")
        elif onp.ndim(bins[i]) == 1:
            e = _explicit_edges(bins[i])
        else:
            raise ValueError(f"`bins[{i}]` must be a scalar or 1d array")
        edges.append(e)
        nbin.append(e.shape[0] + 1)  # an outlier bin each side
    for i in range(d):
        # the bin each sample falls in (one past the last edge: the upper outliers and NaN),
        # a sample on the last edge in the last bin
        col, e = s[:, i], edges[i]
        k = np.searchsorted(e, col, side="right")
        k = np.where(col == e[-1], k - 1, k)
        stride = int(onp.prod(nbin[i + 1 :], dtype=onp.int64))
        flat = flat + k * stride
    size = int(onp.prod(nbin, dtype=onp.int64))
    w = None if weights is None else _arr(weights).astype(onp.float64)
    hist = np.bincount(flat, w, length=size).astype(onp.float64).reshape(tuple(nbin))
    hist = hist[(slice(1, -1),) * d]
    if density:
        total = hist.sum()
        for i in range(d):
            shape = [1] * d
            shape[i] = nbin[i] - 2
            hist = hist / np.diff(edges[i]).reshape(shape)
        hist = hist / total
    return hist, edges


def histogramdd(sample, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """numpy.histogramdd; traced for static numbers of bins or edges."""
    if any_tracer(sample, bins, weights, range):
        return _traced_histogramdd(sample, bins, range, density, weights)
    sample, weights = _concrete_numpy("histogramdd", sample, weights)
    return from_numpy(onp.histogramdd(sample, bins, range, density, weights))
