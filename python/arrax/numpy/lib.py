"""numpy.lib: the parts NumPy programs reach for: ``stride_tricks.sliding_window_view``
(windows by index arithmetic and a gather, so it traces under jit as JAX's does; NumPy's is a
read-only view, arrax's a new array) and ``NumpyVersion``."""

import types

import numpy as onp
from numpy.lib.array_utils import normalize_axis_index

import arrax.numpy as anp

__all__ = ["stride_tricks", "NumpyVersion"]

NumpyVersion = onp.lib.NumpyVersion


def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    """numpy.lib.stride_tricks.sliding_window_view: every window of ``window_shape`` over
    ``axis`` (all axes by default); the window dims follow x's dims, whose sizes shrink to the
    number of windows."""
    x = anp.asarray(x)
    window_shape = tuple(window_shape) if onp.iterable(window_shape) else (window_shape,)
    if any(w < 0 for w in window_shape):
        raise ValueError("sliding_window_view: `window_shape` cannot contain negative values")
    if axis is None:
        axis = tuple(range(x.ndim))
        if len(window_shape) != len(axis):
            raise ValueError(
                f"sliding_window_view: since axis is None, window_shape {window_shape} must "
                f"have as many entries as x has dimensions ({x.ndim})"
            )
    else:
        axis = tuple(onp.atleast_1d(onp.asarray(axis, dtype=onp.int64)).tolist())
        if len(window_shape) != len(axis):
            raise ValueError(
                f"sliding_window_view: window_shape {window_shape} and axis {axis} must have "
                "the same length"
            )
    axis = tuple(normalize_axis_index(a, x.ndim) for a in axis)
    out = x
    for ax, w in zip(axis, window_shape):
        n = out.shape[ax]
        if w > n:
            raise ValueError(
                f"sliding_window_view: window {w} is larger than x's axis {ax} of {n} items"
            )
        idx = anp.arange(n - w + 1)[:, None] + anp.arange(w)[None, :]
        out = anp.moveaxis(anp.take(out, idx, axis=ax), ax + 1, -1)
    return out


stride_tricks = types.SimpleNamespace(sliding_window_view=sliding_window_view)
