"""Helpers shared by the Python-composed arrax.numpy modules."""

import numpy as onp

from arrax import _core
from arrax._trace_core import asarray as _arr  # noqa: F401 (a as an arrax array, no copy)
from arrax.numpy._host_fallback import host_only_dtype


def _np():
    """The arrax.numpy module (imported late: these modules are part of it)."""
    from arrax import numpy

    return numpy


def _loop_float_dtype(x):
    """The float dtype of NumPy's ufunc loop for x: x's own if inexact, else the smallest float
    that holds its values (bool and 8-bit ints float16, 16-bit ints float32, others float64)."""
    return x.dtype if x.dtype.kind in "fc" else onp.result_type(x.dtype, onp.float16)


def axes_last(a, axis):
    """a with the axes `axis` names (None: all) merged into one last axis, the others first in
    their order; and the shape a reduction over those axes keeps with keepdims. AxisError for a
    bad axis."""
    np = _np()
    axes = tuple(range(a.ndim)) if axis is None else (axis,) if isinstance(axis, int) else axis
    axes = onp.lib.array_utils.normalize_axis_tuple(tuple(axes), a.ndim)
    rest = [d for d in range(a.ndim) if d not in axes]
    n = int(onp.prod([a.shape[d] for d in axes]))  # (not -1: the kept dims may be empty)
    x = np.transpose(a, rest + list(axes)).reshape(tuple(a.shape[d] for d in rest) + (n,))
    return x, tuple(1 if d in axes else a.shape[d] for d in range(a.ndim))


def _float_dtype(*arrays):
    """The inexact dtype NumPy computes in for these arrays (ints promote to float64)."""
    dt = onp.result_type(*[a.dtype for a in arrays])
    return dt if dt.kind in "fc" else onp.result_type(dt, onp.float64)


def host_arrays(name, *xs):
    """NumPy views (no copies) of the arrays a function needs the values of, for the functions
    that run on concrete arrays only; TypeError for traced ones. Python scalars stay as they are,
    so NumPy promotes them as weak scalars (union1d(float32 array, 1.5) is float32)."""
    arrays = [_arr(x) for x in xs]
    if any(a._is_tracer for a in arrays):
        raise TypeError(
            f"{name}: needs the values of its arrays, which traced ones (under jit or vmap) "
            "do not have"
        )
    return [
        x if isinstance(x, (bool, int, float, complex)) else onp.asarray(a)
        for x, a in zip(xs, arrays)
    ]


def from_numpy(x):
    """NumPy results as arrax arrays (zero-copy), through tuples and lists; other values (and
    arrays of strings, objects, dates or records, which arrax does not hold) as they are."""
    if isinstance(x, onp.ndarray) and not host_only_dtype(x.dtype):
        return _core.asarray(x, None, None)
    if isinstance(x, tuple):
        return tuple(from_numpy(e) for e in x)
    if isinstance(x, list):
        return [from_numpy(e) for e in x]
    return x
