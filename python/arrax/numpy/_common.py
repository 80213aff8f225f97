"""Helpers shared by the Python-composed arrax.numpy modules."""

import numpy as onp

from arrax import _core


def _np():
    """The arrax.numpy module (imported late: these modules are part of it)."""
    from arrax import numpy

    return numpy


def _arr(a):
    """a as an arrax array (no copy when it already is one)."""
    return a if isinstance(a, _core.ndarray) else _core.asarray(a, None, None)


def _float_dtype(*arrays):
    """The inexact dtype NumPy computes in for these arrays (ints promote to float64)."""
    dt = onp.result_type(*[a.dtype for a in arrays])
    return dt if dt.kind in "fc" else onp.result_type(dt, onp.float64)
