"""NumPy's where= of the reductions (and var/std's mean=): the elements the mask leaves out take
no part. The unmasked reductions are bound in C++ (python/src/init_functions.cpp), which hands a
call with a mask to the function of the same name here. Each is composed from the unmasked
ones: the left-out elements replaced by the reduction's identity, and a count of the kept
elements for mean/var/std. Everything here is traceable, so a mask works under jit and grad."""

import numpy as onp

from arrax import _core
from arrax._trace_core import is_inexact
from arrax.numpy._common import _arr, _float_dtype, _np, store_out, warn_where


def kept(fname, a, where):
    """a as an array, and the mask where= gives broadcast to a's shape (True: every element)."""
    np = _np()
    a = _arr(a)
    if where is True or where is None:
        return a, np.ones(a.shape, dtype=bool)
    w = _arr(where)
    if w.dtype != onp.bool_:
        raise TypeError(
            f"{fname}: where= must be a boolean mask, got dtype {w.dtype} (NumPy casts it "
            "under the rule 'safe')"
        )
    try:
        return a, np.broadcast_to(w, a.shape)
    except ValueError:
        raise ValueError(
            f"{fname}: where= of shape {w.shape} does not broadcast to the array's shape {a.shape}"
        ) from None


def _filled(np, a, mask, value):
    """a with the elements outside mask replaced by value, in a's dtype."""
    if isinstance(value, _core.ndarray):  # (a traced initial has no host value)
        return np.where(mask, a, value.astype(a.dtype))
    return np.where(mask, a, _core.asarray(onp.asarray(value, dtype=a.dtype), None, None))


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):  # noqa: A001
    np = _np()
    a, m = kept("sum", a, where)
    r = np.sum(_filled(np, a, m, 0), axis=axis, dtype=dtype, keepdims=keepdims, initial=initial)
    return store_out("sum", r, out)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    np = _np()
    a, m = kept("prod", a, where)
    r = np.prod(_filled(np, a, m, 1), axis=axis, dtype=dtype, keepdims=keepdims, initial=initial)
    return store_out("prod", r, out)


def _extreme(fname, ufunc_name, fn, a, axis, out, keepdims, initial, where):
    if initial is None:
        raise ValueError(
            f"{fname}: reduction operation '{ufunc_name}' does not have an identity, so to use "
            "a where mask one has to specify 'initial'"
        )
    np = _np()
    a, m = kept(fname, a, where)
    r = fn(_filled(np, a, m, initial), axis=axis, keepdims=keepdims, initial=initial)
    return store_out(fname, r, out)


def max(a, axis=None, out=None, keepdims=False, initial=None, where=True):  # noqa: A001
    return _extreme("max", "maximum", _np().max, a, axis, out, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=None, where=True):  # noqa: A001
    return _extreme("min", "minimum", _np().min, a, axis, out, keepdims, initial, where)


amax, amin = max, min


def all(a, axis=None, out=None, keepdims=False, *, where=True):  # noqa: A001
    np = _np()
    a, m = kept("all", a, where)
    return store_out("all", np.all(_filled(np, a, m, 1), axis=axis, keepdims=keepdims), out)


def any(a, axis=None, out=None, keepdims=False, *, where=True):  # noqa: A001
    np = _np()
    a, m = kept("any", a, where)
    return store_out("any", np.any(_filled(np, a, m, 0), axis=axis, keepdims=keepdims), out)


def _mean_dtype(a, dtype):
    if dtype is not None:
        return onp.dtype(dtype)
    return onp.dtype(onp.float64) if a.dtype.kind in "biu" else a.dtype


def kept_count(m, axis, keepdims):
    """How many elements the mask keeps per result item."""
    return _np().sum(m, axis=axis, keepdims=keepdims)


def masked_mean(a, m, axis, dtype, keepdims, count=None):
    """The mean of a's elements under mask m (NaN where none is kept, as 0/0); `count` is
    kept_count's, when the caller has it already."""
    np = _np()
    dt = _mean_dtype(a, dtype)
    s = np.sum(_filled(np, a, m, 0), axis=axis, dtype=dt, keepdims=keepdims)
    n = kept_count(m, axis, keepdims) if count is None else count
    return (s / n.astype(s.dtype)).astype(dt)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    a, m = kept("mean", a, where)
    n = kept_count(m, axis, keepdims)
    warn_where(n == 0, "Mean of empty slice", of=a)
    return store_out("mean", masked_mean(a, m, axis, dtype, keepdims, n), out)


def masked_var(a, m, axis, dtype, ddof, keepdims, mean=None, count=None):
    """The variance of a's elements under mask m, about `mean` when given (NumPy 2's mean=,
    the mean with keepdims=True); divided by max(kept - ddof, 0), as NumPy; `count` is
    kept_count's, when the caller has it already."""
    np = _np()
    dt = _float_dtype(a) if dtype is None else onp.dtype(dtype)
    mu = masked_mean(a, m, axis, dt, True) if mean is None else _arr(mean)
    d = _filled(np, a.astype(dt) - mu, m, 0)
    sq = np.real(d * np.conj(d)) if d.dtype.kind == "c" else d * d
    n = (kept_count(m, axis, keepdims) if count is None else count).astype(sq.dtype)
    return np.sum(sq, axis=axis, keepdims=keepdims) / np.maximum(n - ddof, 0)


def _ddof(fname, ddof, correction):
    if correction is None:
        return ddof
    if ddof != 0:
        raise ValueError(f"{fname}: ddof and correction can't be provided simultaneously.")
    return correction


def inexact_only(name, a, dtype, out):
    """NumPy's nan-means and nan-moments of an inexact array: a dtype or out= of another kind
    (bool, integer, object) is a TypeError."""
    if not is_inexact(a.dtype):
        return
    if dtype is not None and not is_inexact(onp.dtype(dtype)):
        raise TypeError(f"{name}: If a is inexact, then dtype must be inexact")
    if out is not None and not is_inexact(onp.dtype(getattr(out, "dtype", onp.float64))):
        raise TypeError(f"{name}: If a is inexact, then out must be inexact")


def moment_function(name, skip_nan=False, root=False):
    """numpy.var / std (root) and, with skip_nan, nanvar / nanstd: where=, mean= and
    correction=; the nan forms leave NaNs out and give NaN where kept - ddof <= 0."""
    np = _np

    def moment(
        a,
        axis=None,
        dtype=None,
        out=None,
        ddof=0,
        keepdims=False,
        *,
        where=True,
        mean=None,
        correction=None,
    ):
        ddof = _ddof(name, ddof, correction)
        a, m = kept(name, a, where)
        if skip_nan and is_inexact(a.dtype):
            inexact_only(name, a, dtype, out)
            m = m & ~np().isnan(a)
        n = kept_count(m, axis, keepdims)
        v = masked_var(a, m, axis, dtype, ddof, keepdims, mean, n)
        # (NumPy's messages: the nan-functions' ends in a period)
        warn_where(n - ddof <= 0, "Degrees of freedom <= 0 for slice" + "." * skip_nan, of=a)
        if skip_nan:
            v = np().where(n - ddof <= 0, onp.nan, v).astype(v.dtype)
        return store_out(name, np().sqrt(v) if root else v, out)

    moment.__name__ = moment.__qualname__ = name
    moment.__doc__ = f"numpy.{name}."
    return moment


var = moment_function("var")
std = moment_function("std", root=True)
