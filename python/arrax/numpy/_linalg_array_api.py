"""numpy.linalg's functions from the Array API: thin forms of the main namespace's, with the
Array API's restrictions (1-d outer, 3-vector cross, the last two axes for trace/diagonal)."""

from arrax.numpy._common import _arr, _np


def matmul(x1, x2, /):
    """numpy.linalg.matmul."""
    return _np().matmul(x1, x2)


def outer(x1, x2, /):
    """numpy.linalg.outer (1-d operands only, unlike numpy.outer, which flattens)."""
    x1, x2 = _arr(x1), _arr(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(
            "outer: Input arrays must be one-dimensional, but they are "
            f"x1.ndim={x1.ndim} and x2.ndim={x2.ndim}."
        )
    return _np().outer(x1, x2)


def trace(x, /, *, offset=0, dtype=None):
    """numpy.linalg.trace (over the last two axes)."""
    return _np().trace(x, offset, -2, -1, dtype=dtype)


def diagonal(x, /, *, offset=0):
    """numpy.linalg.diagonal (of the last two axes)."""
    return _np().diagonal(x, offset, -2, -1)


def cross(x1, x2, /, *, axis=-1):
    """numpy.linalg.cross: of 3-element vectors only (numpy.cross takes 2-element ones too)."""
    x1, x2 = _arr(x1), _arr(x2)
    n1, n2 = x1.shape[axis], x2.shape[axis]  # (IndexError for a bad axis, as NumPy's)
    if n1 != 3 or n2 != 3:
        raise ValueError(
            "cross: both input arrays must be (arrays of) 3-dimensional vectors, "
            f"but they are {n1} and {n2} dimensional instead."
        )
    return _np().cross(x1, x2, axis=axis)


def matrix_transpose(x, /):
    """numpy.linalg.matrix_transpose."""
    x = _arr(x)
    if x.ndim < 2:
        raise ValueError(
            f"matrix_transpose: input array must be at least 2-dimensional, but it is {x.ndim}"
        )
    return _np().swapaxes(x, -1, -2)


def tensordot(x1, x2, /, *, axes=2):
    """numpy.linalg.tensordot."""
    return _np().tensordot(x1, x2, axes=axes)


def vecdot(x1, x2, /, *, axis=-1):
    """numpy.linalg.vecdot: sum(conj(x1) * x2) over axis, broadcast."""
    return _np().vecdot(x1, x2, axis=axis)
