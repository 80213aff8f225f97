"""Set operations on arrays (NumPy's arraysetops). isin keeps its input's shape, so it is
composed from sort and searchsorted and traces; the others return as many values as the inputs
hold distinct ones, so they run on concrete arrays only, as numpy.unique does, unless given
jax.numpy's size= (and fill_value=): then sorts and masks compose a fixed-size result that
traces."""

import numpy as onp

from arrax.numpy._common import _arr, _np, from_numpy, host_arrays

__all__ = ["isin", "intersect1d", "setdiff1d", "setxor1d", "union1d"]


def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """numpy.isin: whether each element is in test_elements (NaN is in nothing)."""
    if kind not in (None, "sort", "table"):
        raise ValueError(f"isin: kind must be None, 'sort' or 'table', got {kind!r}")
    np = _np()
    e = _arr(element)
    t = _arr(test_elements).reshape(-1)
    dt = _np().result_type(e.dtype, t.dtype)
    if t.shape[0] == 0:
        return np.full(e.shape, bool(invert))
    s = np.sort(t.astype(dt))
    ec = e.astype(dt)
    at = np.clip(np.searchsorted(s, ec), 0, t.shape[0] - 1)
    found = s[at] == ec
    return ~found if invert else found


def _distinct_sorted(x):
    """x raveled and sorted, with a mask of each value's first occurrence (traceable: the
    shape does not depend on the values)."""
    np = _np()
    v = np.sort(_arr(x).reshape(-1))
    first = np.concatenate([np.ones((min(v.shape[0], 1),), bool), v[1:] != v[:-1]])
    return v, first


def _first_kept(name, values, keep, size, fill_value, default_fill):
    """The kept values (values sorted ascending) first, in order, cut or padded to size with
    fill_value: jax.numpy's static-size set functions, which run under jit."""
    np = _np()
    size = int(size)
    if size < 0:
        raise ValueError(f"{name}: size must be non-negative, got {size}")
    if size == 0:
        return np.zeros((0,), values.dtype)
    order = np.argsort(~keep, stable=True)  # kept values first, still ascending
    ordered = values[order]
    n = values.shape[0]
    if size > n:
        ordered = np.concatenate([ordered, np.zeros((size - n,), ordered.dtype)])
    ordered = ordered[:size]
    count = np.sum(keep)
    if fill_value is None:
        # JAX's defaults: the smallest kept value (0 without one), or 0 (setdiff1d).
        fill_value = np.where(count > 0, ordered[0], 0) if default_fill == "min" else 0
    fill = np.asarray(fill_value).astype(ordered.dtype)
    return np.where(np.arange(size) < count, ordered, fill)


def _common_dtype(a, b):
    dt = _np().result_type(_arr(a).dtype, _arr(b).dtype)
    return _arr(a).astype(dt), _arr(b).astype(dt)


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False, *, size=None,
                fill_value=None):  # fmt: skip
    """numpy.intersect1d; with size= (jax.numpy's), a fixed-size result that traces."""
    if size is None:
        a, b = host_arrays("intersect1d", ar1, ar2)
        return from_numpy(onp.intersect1d(a, b, assume_unique, return_indices))
    if return_indices:
        raise NotImplementedError("intersect1d: return_indices with size= is not supported")
    a, b = _common_dtype(ar1, ar2)
    v, first = _distinct_sorted(a)
    return _first_kept("intersect1d", v, first & isin(v, b), size, fill_value, "min")


def setdiff1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """numpy.setdiff1d; with size= (jax.numpy's), a fixed-size result that traces."""
    if size is None:
        a, b = host_arrays("setdiff1d", ar1, ar2)
        return from_numpy(onp.setdiff1d(a, b, assume_unique))
    a, b = _common_dtype(ar1, ar2)
    v, first = _distinct_sorted(a)
    return _first_kept("setdiff1d", v, first & ~isin(v, b), size, fill_value, "zero")


def setxor1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """numpy.setxor1d; with size= (jax.numpy's), a fixed-size result that traces."""
    if size is None:
        a, b = host_arrays("setxor1d", ar1, ar2)
        return from_numpy(onp.setxor1d(a, b, assume_unique))
    np = _np()
    a, b = _common_dtype(ar1, ar2)
    va, fa = _distinct_sorted(a)
    vb, fb = _distinct_sorted(b)
    values = np.concatenate([va, vb])
    keep = np.concatenate([fa & ~isin(va, vb), fb & ~isin(vb, va)])
    order = np.argsort(values, stable=True)
    return _first_kept("setxor1d", values[order], keep[order], size, fill_value, "min")


def union1d(ar1, ar2, *, size=None, fill_value=None):
    """numpy.union1d; with size= (jax.numpy's), a fixed-size result that traces."""
    if size is None:
        a, b = host_arrays("union1d", ar1, ar2)
        return from_numpy(onp.union1d(a, b))
    np = _np()
    a, b = _common_dtype(ar1, ar2)
    v, first = _distinct_sorted(np.concatenate([a.reshape(-1), b.reshape(-1)]))
    return _first_kept("union1d", v, first, size, fill_value, "min")
