"""numpy.lib: the parts NumPy programs reach for: ``stride_tricks.sliding_window_view``
(NumPy's read-only view of a concrete array's memory; for traced arrays, and arrays on a GPU,
windows by index arithmetic and a gather, a new array, so it traces under jit as JAX's does)
and ``NumpyVersion``."""

import sys
import types

import numpy as onp
from numpy.lib.array_utils import normalize_axis_index

import arrax.numpy as anp
from arrax.numpy._interop import NpzFile

__all__ = ["stride_tricks", "array_utils", "npyio", "mixins", "scimath", "NumpyVersion"]

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
    sizes = list(x.shape)
    for ax, w in zip(axis, window_shape):
        if w > sizes[ax]:
            raise ValueError(
                f"sliding_window_view: window {w} is larger than x's axis {ax} of {sizes[ax]} items"
            )
        sizes[ax] -= w - 1
    if not x._is_tracer and (writeable or x.device.platform == "cpu"):
        # NumPy's view of x's memory (the host buffer's view): no copy of the windows, NumPy's
        # strides, x's later writes show in it; read-only unless writeable=True, when writes to
        # it are writes to x
        from arrax.numpy._common import from_numpy, host_arrays

        (h,) = host_arrays("sliding_window_view", x)
        view = onp.lib.stride_tricks.sliding_window_view(h, window_shape, axis, writeable=writeable)
        return from_numpy(view)
    out = x
    for ax, w in zip(axis, window_shape):
        n = out.shape[ax]
        idx = anp.arange(n - w + 1)[:, None] + anp.arange(w)[None, :]
        out = anp.moveaxis(anp.take(out, idx, axis=ax), ax + 1, -1)
    if not writeable and isinstance(out, anp.ndarray) and not out._is_tracer:
        if out._shares_buffer(x):  # (no window axes: x itself, which must stay writable)
            out = out.copy()
        out._set_writeable(False)  # NumPy's view is read-only unless writeable=True
    return out


def as_strided(x, shape=None, strides=None, subok=False, writeable=True):
    """numpy.lib.stride_tricks.as_strided: a view of x's memory with the given shape and
    strides in bytes (NumPy's own, on the host buffer, so it is as unchecked as NumPy's: the
    caller keeps it inside x's memory). Not traceable: it needs x's buffer."""
    from arrax.numpy._common import from_numpy, host_arrays

    (h,) = host_arrays("as_strided", x)
    return from_numpy(onp.lib.stride_tricks.as_strided(h, shape, strides, writeable=writeable))


def _submodule(name, doc, **attrs):
    """A module arrax.numpy.lib.<name> holding attrs, importable as NumPy's submodule is
    (``from numpy.lib.stride_tricks import sliding_window_view``): registered in sys.modules,
    since this module is no package."""
    module = types.ModuleType(f"{__name__}.{name}", doc)
    module.__dict__.update(attrs)
    module.__all__ = sorted(attrs)
    sys.modules[module.__name__] = module
    return module


stride_tricks = _submodule(
    "stride_tricks",
    "numpy.lib.stride_tricks: windows and strided views of arrax arrays.",
    sliding_window_view=sliding_window_view,
    as_strided=as_strided,
    broadcast_to=anp.broadcast_to,
    broadcast_arrays=anp.broadcast_arrays,
    broadcast_shapes=anp.broadcast_shapes,
)
# npyio: arrax's NpzFile (what load returns for .npz) and NumPy's DataSource.
npyio = _submodule(
    "npyio",
    "numpy.lib.npyio: arrax's NpzFile and NumPy's DataSource.",
    NpzFile=NpzFile,
    DataSource=onp.lib.npyio.DataSource,
)
scimath = anp.emath  # numpy.lib.scimath is numpy.emath
mixins = onp.lib.mixins  # NDArrayOperatorsMixin: for array-likes, calling the ufuncs it is given
array_utils = onp.lib.array_utils  # normalize_axis_index/tuple, byte_bounds: about shapes only
# NumPy's own modules, importable under arrax's names too
for _name in ("scimath", "mixins", "array_utils"):
    sys.modules[f"{__name__}.{_name}"] = globals()[_name]
