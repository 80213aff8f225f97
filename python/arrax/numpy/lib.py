"""numpy.lib: the parts NumPy programs reach for: ``stride_tricks.sliding_window_view``
(NumPy's read-only view of a concrete array's memory; for traced arrays, and arrays on a GPU,
windows by index arithmetic and a gather, a new array, so it traces under jit as JAX's does),
``format`` (the .npy format, on arrax arrays), ``recfunctions`` (NumPy's: record arrays are
NumPy's) and ``NumpyVersion``."""

import sys
import types

import numpy as onp
from numpy.lib.array_utils import normalize_axis_index

import arrax.numpy as anp
from arrax.numpy._interop import NpzFile

__all__ = [
    "stride_tricks",
    "array_utils",
    "npyio",
    "mixins",
    "scimath",
    "format",
    "recfunctions",
    "NumpyVersion",
]

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


def _format_write_array(fp, array, version=None, allow_pickle=True, pickle_kwargs=None):
    """numpy.lib.format.write_array: an arrax array is written as NumPy writes its values."""
    from arrax.numpy._interop import _to_numpy

    onp.lib.format.write_array(fp, _to_numpy(array), version, allow_pickle, pickle_kwargs)


def _format_read_array(fp, allow_pickle=False, pickle_kwargs=None, *, max_header_size=10000):
    """numpy.lib.format.read_array: the array as an arrax array (object and record arrays stay
    NumPy's, as arrax's load returns them)."""
    from arrax.numpy._common import from_numpy
    from arrax.numpy._interop import _bfloat16_restored

    r = onp.lib.format.read_array(
        fp, allow_pickle=allow_pickle, pickle_kwargs=pickle_kwargs, max_header_size=max_header_size
    )
    return r if r.dtype.kind == "O" else from_numpy(_bfloat16_restored(r))


def _format_header_data_from_array_1_0(array):
    """numpy.lib.format.header_data_from_array_1_0 (shape, order and descr of an arrax array)."""
    from arrax.numpy._interop import _to_numpy

    return onp.lib.format.header_data_from_array_1_0(_to_numpy(array))


# format: NumPy's .npy format (its headers, magic strings, descr conversions and memory maps,
# NumPy's memmap as arrax's memmap is), reading and writing arrax arrays.
format = _submodule(  # noqa: A001 (numpy.lib.format's name)
    "format",
    onp.lib.format.__doc__,
    **{
        name: getattr(onp.lib.format, name)
        for name in dir(onp.lib.format)
        if not name.startswith("_")
    },
)
for _fn in (_format_write_array, _format_read_array, _format_header_data_from_array_1_0):
    _fn.__name__ = _fn.__qualname__ = _fn.__name__.removeprefix("_format_")
    setattr(format, _fn.__name__, _fn)
# recfunctions: NumPy's, on record arrays (which are NumPy arrays in arrax, see the README)
import numpy.lib.recfunctions  # noqa: E402

recfunctions = onp.lib.recfunctions
sys.modules[f"{__name__}.recfunctions"] = recfunctions


# The names numpy.lib's module __getattr__ answers: np.lib.math (NumPy's deprecated alias of
# the math module) and the guiding errors for the submodules NumPy 2 made private.
_NUMPY_LIB_GETATTR_NAMES = frozenset(
    ["math", "emath", "arrayterator", "histograms", "type_check", "nanfunctions",
     "function_base", "arraypad", "arraysetops", "ufunclike", "utils", "twodim_base",
     "shape_base", "polynomial", "index_tricks"]
)  # fmt: skip


def __getattr__(name):
    if name in _NUMPY_LIB_GETATTR_NAMES:
        return onp.lib.__getattr__(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}", name=name, obj=None)
