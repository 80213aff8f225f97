"""Set operations on arrays (NumPy's arraysetops). isin keeps its input's shape, so it is
composed from sort and searchsorted and traces; the others return as many values as the inputs
hold distinct ones, so they run on concrete arrays only, as numpy.unique does."""

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
    dt = onp.result_type(e.dtype, t.dtype)
    if t.shape[0] == 0:
        return np.full(e.shape, bool(invert))
    s = np.sort(t.astype(dt))
    ec = e.astype(dt)
    at = np.clip(np.searchsorted(s, ec), 0, t.shape[0] - 1)
    found = s[at] == ec
    return ~found if invert else found


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """numpy.intersect1d (concrete arrays)."""
    a, b = host_arrays("intersect1d", ar1, ar2)
    return from_numpy(onp.intersect1d(a, b, assume_unique, return_indices))


def setdiff1d(ar1, ar2, assume_unique=False):
    """numpy.setdiff1d (concrete arrays)."""
    a, b = host_arrays("setdiff1d", ar1, ar2)
    return from_numpy(onp.setdiff1d(a, b, assume_unique))


def setxor1d(ar1, ar2, assume_unique=False):
    """numpy.setxor1d (concrete arrays)."""
    a, b = host_arrays("setxor1d", ar1, ar2)
    return from_numpy(onp.setxor1d(a, b, assume_unique))


def union1d(ar1, ar2):
    """numpy.union1d (concrete arrays)."""
    a, b = host_arrays("union1d", ar1, ar2)
    return from_numpy(onp.union1d(a, b))
