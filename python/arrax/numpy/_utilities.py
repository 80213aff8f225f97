"""NumPy's utilities around arrays: memory overlap, index iteration, dtype helpers, bit
packing, bin edges, text forms, integer text forms, einsum_path
and the deprecated row_stack. Bit packing composes arrax ops (so they trace);
the rest answer from the concrete array, dtype or shape, as NumPy does."""

import inspect
import warnings

import numpy as onp

from arrax import _core
from arrax.numpy._common import _arr, _np, from_numpy, host_arrays

__all__ = [
    "shares_memory",
    "may_share_memory",
    "ndindex",
    "ndenumerate",
    "common_type",
    "mintypecode",
    "min_scalar_type",
    "packbits",
    "unpackbits",
    "histogram_bin_edges",
    "array2string",
    "array_repr",
    "array_str",
    "base_repr",
    "binary_repr",
    "einsum_path",
    "row_stack",
    "isfortran",
    "mask_indices",
    "format_float_positional",
    "format_float_scientific",
    "typename",
    "broadcast",
    "info",
]

# Pure functions of shapes, dtype codes and Python integers: NumPy's own.
ndindex = onp.ndindex
mintypecode = onp.mintypecode
base_repr = onp.base_repr
binary_repr = onp.binary_repr
format_float_positional = onp.format_float_positional
format_float_scientific = onp.format_float_scientific
typename = onp.typename


def isfortran(a):
    """numpy.isfortran: Fortran-contiguous and not C-contiguous."""
    x = _arr(a)
    return bool(x._f_contiguous and not x._c_contiguous)


def mask_indices(n, mask_func, k=0):
    """numpy.mask_indices: the indices where mask_func (triu, tril, ...) of an n x n array of
    ones is nonzero."""
    np = _np()
    return np.nonzero(mask_func(np.ones((n, n), int), k) != 0)


def _host(name, a):
    return host_arrays(name, a)[0]


class _Layout:
    """An array's addresses for NumPy's overlap tests, which read no memory: a GPU array's
    device pointer and strides seen as a NumPy array that is never dereferenced."""

    def __init__(self, a):
        self.__array_interface__ = {
            "data": (a.unsafe_buffer_pointer(), False),
            "shape": a.shape,
            "strides": a.strides,
            "typestr": onp.dtype(a.dtype).str,
            "version": 3,
        }


def _layouts(name, a, b):
    """NumPy arrays with a's and b's addresses: zero-copy views on the CPU, layouts on a GPU;
    None when they live on different devices (and so share nothing)."""
    a, b = _arr(a), _arr(b)
    host_arrays(name, a, b)  # TypeError for traced arrays
    if a.device != b.device:
        return None
    if a.device.platform == "cpu":
        return onp.asarray(a), onp.asarray(b)
    return onp.asarray(_Layout(a)), onp.asarray(_Layout(b))


def shares_memory(a, b, max_work=None):
    """numpy.shares_memory: whether the two arrays' elements overlap in memory."""
    ab = _layouts("shares_memory", a, b)
    return ab is not None and bool(onp.shares_memory(*ab, max_work))


def may_share_memory(a, b, max_work=None):
    """numpy.may_share_memory: whether the two arrays' memory bounds overlap."""
    ab = _layouts("may_share_memory", a, b)
    return ab is not None and bool(onp.may_share_memory(*ab, max_work))


def ndenumerate(arr):
    """numpy.ndenumerate: (index, value) pairs of a concrete array, in C order."""
    return onp.ndenumerate(_host("ndenumerate", arr))


def common_type(*arrays):
    """numpy.common_type: the inexact scalar type the arrays' dtypes combine to."""
    return onp.common_type(*[onp.empty(0, _arr(a).dtype) for a in arrays])


def min_scalar_type(a, /):
    """numpy.min_scalar_type."""
    if isinstance(a, _core.ndarray):
        return onp.min_scalar_type(_host("min_scalar_type", a))
    return onp.min_scalar_type(a)


def _bit_weights(bitorder, dtype, fname):
    if not isinstance(bitorder, str):  # (NumPy's TypeError for bitorder=None or 10)
        raise TypeError(f"{fname}: bitorder must be a str, not {type(bitorder).__name__}")
    if bitorder not in ("big", "little"):
        raise ValueError(f"{fname}: 'order' must be either 'little' or 'big'")
    w = 1 << onp.arange(8, dtype=onp.uint16)
    return (w[::-1] if bitorder == "big" else w).astype(dtype)


def packbits(a, /, axis=None, bitorder="big"):
    """numpy.packbits: each group of 8 truth values along axis (flattened without one) as
    the bits of a uint8, the last group padded with zeros."""
    np = _np()
    x = _arr(a)
    if x.dtype.kind not in "biu":
        raise TypeError("Expected an input array of integer or boolean data type")
    if axis is None:
        x, axis = x.reshape(-1), 0
    if not -x.ndim <= axis < max(x.ndim, 1):
        raise onp.exceptions.AxisError(axis, x.ndim)
    x = np.moveaxis(x != 0, axis, -1)
    n = x.shape[-1]
    pad = (-n) % 8
    if pad:
        x = np.concatenate([x, np.zeros(x.shape[:-1] + (pad,), bool)], axis=-1)
    groups = x.reshape(x.shape[:-1] + ((n + pad) // 8, 8)).astype(onp.uint16)
    packed = np.sum(groups * np.asarray(_bit_weights(bitorder, onp.uint16, "packbits")), axis=-1)
    return np.moveaxis(packed.astype(onp.uint8), -1, axis)


def unpackbits(a, /, axis=None, count=None, bitorder="big"):
    """numpy.unpackbits: the bits of uint8 values along axis (flattened without one); count
    keeps that many bits (negative: drops them from the end; beyond the data: zeros)."""
    np = _np()
    x = _arr(a)
    if x.dtype != onp.uint8:
        raise TypeError("Expected an input array of unsigned byte data type")
    if axis is None:
        x, axis = x.reshape(-1), 0
    if not -x.ndim <= axis < max(x.ndim, 1):
        raise onp.exceptions.AxisError(axis, x.ndim)
    x = np.moveaxis(x, axis, -1)
    w = np.asarray(_bit_weights(bitorder, onp.uint8, "unpackbits"))
    bits = ((x[..., None] & w) != 0).astype(onp.uint8)
    bits = bits.reshape(x.shape[:-1] + (x.shape[-1] * 8,))
    total = bits.shape[-1]
    if count is not None:
        if count < 0 and -count > total:
            raise ValueError("-count larger than number of elements")
        keep = count if count >= 0 else total + count
        if keep <= total:
            bits = bits[..., :keep]
        else:
            zeros = np.zeros(bits.shape[:-1] + (keep - total,), onp.uint8)
            bits = np.concatenate([bits, zeros], axis=-1)
    return np.moveaxis(bits, -1, axis)


def histogram_bin_edges(a, bins=10, range=None, weights=None):  # noqa: A002 (NumPy's name)
    """numpy.histogram_bin_edges: NumPy's on concrete arrays; traced ones (a static number of
    bins or explicit edges) compose the same edges."""
    from arrax import _core

    if any(isinstance(x, _core.ndarray) and x._is_tracer for x in (a, bins, range, weights)):
        from arrax.numpy._statistics import histogram_bin_edges_traced

        return histogram_bin_edges_traced(a, bins, range, weights)
    w = None if weights is None else _host("histogram_bin_edges", weights)
    b = bins if isinstance(bins, (int, str)) else _host("histogram_bin_edges", bins)
    return from_numpy(onp.histogram_bin_edges(_host("histogram_bin_edges", a), b, range, w))


def array2string(a, *args, **kwargs):
    """numpy.array2string of the array's values."""
    return onp.array2string(_host("array2string", a), *args, **kwargs)


def array_repr(arr, max_line_width=None, precision=None, suppress_small=None):
    """numpy.array_repr: repr(arr), or NumPy's form with these options."""
    if max_line_width is None and precision is None and suppress_small is None:
        return repr(_arr(arr))
    return onp.array_repr(_host("array_repr", arr), max_line_width, precision, suppress_small)


def array_str(a, max_line_width=None, precision=None, suppress_small=None):
    """numpy.array_str: str(a), or NumPy's form with these options."""
    if max_line_width is None and precision is None and suppress_small is None:
        return str(_arr(a))
    return onp.array_str(_host("array_str", a), max_line_width, precision, suppress_small)


def einsum_path(*operands, optimize="greedy", einsum_call=False):
    """numpy.einsum_path: the contraction order NumPy's optimizer picks for these shapes."""
    if not operands:
        raise ValueError("einsum_path: No input operands")
    subscripts, *operands = operands
    if not isinstance(subscripts, str):
        from arrax.numpy._math import einsum_sublists

        subscripts, operands = einsum_sublists(subscripts, *operands, fname="einsum_path")
    dummies = [
        onp.broadcast_to(onp.zeros((), _arr(o).dtype), _arr(o).shape)
        if not isinstance(o, str)
        else o
        for o in operands
    ]
    return onp.einsum_path(subscripts, *dummies, optimize=optimize, einsum_call=einsum_call)


def row_stack(tup, *, dtype=None, casting="same_kind"):
    """numpy.row_stack: vstack, deprecated (NumPy 2.0) as in NumPy."""
    warnings.warn(
        "`row_stack` alias is deprecated. Use `np.vstack` directly.",
        DeprecationWarning,
        stacklevel=2,
    )
    return _np().vstack(tup, dtype=dtype, casting=casting)


class _BroadcastIter:
    """One argument's elements in the broadcast order (numpy.broadcast's iters)."""

    def __init__(self, owner, k):
        self._owner, self._k = owner, k
        self.base = owner._arrays[k]
        self.index = owner.index  # (from where the broadcast object stands)

    def __iter__(self):
        return self

    def __next__(self):
        values = self._owner._values(self._k)
        if self.index >= values.size:
            raise StopIteration
        self.index += 1
        return values[self.index - 1]


class broadcast:
    """numpy.broadcast: the shape its arguments broadcast to, and iteration over the tuples of
    their elements at each place (NumPy's scalars, read from the arrays' values on the host).
    broadcast objects among the arguments contribute their arrays, as in NumPy."""

    def __init__(self, *arrays, **kwargs):
        if kwargs:
            raise ValueError("broadcast() does not take keyword arguments")
        flat = []
        for a in arrays:
            flat.extend(a._arrays if isinstance(a, broadcast) else [a])
        if len(flat) > 64:
            raise ValueError(f"broadcast: Need at most 64 array objects, but got {len(flat)}")
        self._arrays = [a if isinstance(a, _core.ndarray) else _arr(a) for a in flat]
        # (NumPy's message: "... Mismatch is between arg 0 with shape ... and arg 2 ...")
        self.shape = onp.broadcast_shapes(*[a.shape for a in self._arrays])
        self.nd = self.ndim = len(self.shape)
        self.size = int(onp.prod(self.shape))
        self.numiter = len(self._arrays)
        self.index = 0
        self._host = {}

    def _values(self, k):
        if k not in self._host:
            (h,) = host_arrays("broadcast", self._arrays[k])
            self._host[k] = onp.broadcast_to(h, self.shape).reshape(-1)
        return self._host[k]

    @property
    def iters(self):
        return tuple(_BroadcastIter(self, k) for k in range(self.numiter))

    def __iter__(self):
        return self

    def __next__(self):
        if self.index >= self.size:
            raise StopIteration
        item = tuple(self._values(k)[self.index] for k in range(self.numiter))
        self.index += 1
        return item

    def reset(self, /):
        self.index = 0


broadcast.__signature__ = inspect.Signature(
    [inspect.Parameter("arrays", inspect.Parameter.VAR_POSITIONAL)]
)


def info(object=None, maxwidth=76, output=None, toplevel="arrax.numpy"):  # noqa: A002 (NumPy's name)
    """numpy.info: help on an object, a name looked up in ``toplevel`` or, for an array, its
    layout. arrax's ufuncs carry no docstring of their own, so a ufunc shows NumPy's of its
    name; an array is described by its values (a traced array by its type, as NumPy does any
    other object)."""
    from arrax.numpy._ufuncs import ufunc

    if isinstance(object, _np().ndarray) and not object._is_tracer:
        object = _host("info", object)  # noqa: A001
    elif isinstance(object, ufunc) and not object.__doc__:
        object = getattr(onp, object.__name__, object)  # noqa: A001
    return onp.info(object, maxwidth, output, toplevel)
