"""Array construction beyond the basic creation functions: layouts (ascontiguousarray,
asfortranarray, require), checked conversion, arrays from functions, iterables and buffers,
grids (geomspace, tri, vander) and the signal windows. Functions of values compose arrax ops
(so they trace); constants built from Python numbers are NumPy's own, returned zero-copy."""

import operator

import numpy as onp

from arrax import _core
from arrax._trace_core import is_inexact
from arrax.numpy._common import _arr, _np, from_numpy, with_layout

__all__ = [
    "asanyarray",
    "ascontiguousarray",
    "asfortranarray",
    "require",
    "asarray_chkfinite",
    "fromfunction",
    "fromiter",
    "frombuffer",
    "geomspace",
    "eye",
    "tri",
    "vander",
    "bartlett",
    "blackman",
    "hamming",
    "hanning",
    "kaiser",
]


def _as(a, dtype):
    np = _np()
    return np.asarray(a) if dtype is None else np.asarray(a, dtype=dtype)


def asanyarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """numpy.asanyarray: asarray (arrax has no ndarray subclasses to keep), with NumPy 2's
    device= and copy=."""
    _check_order("asanyarray", order)
    if device is None and copy is None:
        return _as(a, dtype)
    return _np().asarray(a, dtype=dtype, copy=copy, device=device)


def _check_order(fname, order):
    """NumPy's checks of order= (the layout itself is not kept here, as asarray's is not for
    one dimension)."""
    if order is None:
        return
    if not isinstance(order, str):
        raise TypeError(f"{fname}: order must be str, not {type(order).__name__}")
    if len(order) != 1 or order not in "CFAKcfak":
        raise ValueError(f"{fname}: order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")


def ascontiguousarray(a, dtype=None, *, like=None):
    """numpy.ascontiguousarray: a C-contiguous array of at least one dimension."""
    x = _as(a, dtype)
    if not isinstance(x, _core.ndarray):  # (NumPy's strings, objects, records: NumPy's)
        return onp.ascontiguousarray(x)
    if x.ndim == 0:
        x = x.reshape(1)
    return x if x._is_tracer or x._c_contiguous else x.copy()


def asfortranarray(a, dtype=None, *, like=None):
    """numpy.asfortranarray: a Fortran-contiguous array of at least one dimension."""
    x = _as(a, dtype)
    if not isinstance(x, _core.ndarray):  # (NumPy's strings, objects, records: NumPy's)
        return onp.asfortranarray(x)
    if x.ndim == 0:
        x = x.reshape(1)
    if x._is_tracer or x._f_contiguous:
        return x
    return x.T.copy().T  # the transpose of a C-contiguous copy of the transpose


def require(a, dtype=None, requirements=None, *, like=None):
    """numpy.require: an array meeting the requirements ('C', 'F', 'A', 'W', 'O', 'E' and
    their long names), copied only where it does not."""
    names = {
        "C": "C",
        "C_CONTIGUOUS": "C",
        "CONTIGUOUS": "C",
        "F": "F",
        "F_CONTIGUOUS": "F",
        "FORTRAN": "F",
        "A": "A",
        "ALIGNED": "A",
        "W": "W",
        "WRITEABLE": "W",
        "O": "O",
        "OWNDATA": "O",
        "E": "E",
        "ENSUREARRAY": "E",
    }
    if requirements is None:
        requirements = []
    flags = set()  # a string is read as its characters, as NumPy does ("CW")
    for r in requirements:
        if r.upper() not in names:
            raise KeyError(f"require: unknown requirement {r!r}")
        flags.add(names[r.upper()])
    if {"C", "F"} <= flags:
        raise ValueError("require: cannot be both C- and Fortran-contiguous")
    x = _as(a, dtype)
    copied = False
    if "C" in flags and not x._is_tracer and not x._c_contiguous:
        x, copied = x.copy(), True
    if "F" in flags and not x._is_tracer and not x._f_contiguous:
        x, copied = (x.T.copy().T if x.ndim > 1 else x.copy()), True
    if not copied and not x._is_tracer:
        if ("W" in flags and not x._writeable) or ("O" in flags and not x._owns_data):
            x = x.copy()
    return x


def asarray_chkfinite(a, dtype=None, order=None):
    """numpy.asarray_chkfinite: ValueError if the array holds inf or NaN."""
    _check_order("asarray_chkfinite", order)
    x = _as(a, dtype)
    if is_inexact(x.dtype) and not x._is_tracer and not bool(_np().isfinite(x).all()):
        raise ValueError("array must not contain infs or NaNs")
    return x


def fromfunction(function, shape, *, dtype=float, like=None, **kwargs):
    """numpy.fromfunction: function called once with the index arrays of `shape`."""
    return function(*_np().indices(shape, dtype=dtype), **kwargs)


def fromiter(iter, dtype, count=-1, *, like=None):  # noqa: A002 (NumPy's name)
    """numpy.fromiter."""
    return from_numpy(onp.fromiter(iter, dtype, count))


def frombuffer(buffer, dtype=float, count=-1, offset=0, *, like=None):
    """numpy.frombuffer: a view of the buffer's memory (read-only for an immutable one)."""
    a = onp.frombuffer(buffer, dtype, count, offset)
    if a.dtype == onp.bool_ and (a.view(onp.uint8) > 1).any():
        # arrax's kernels read a bool as its byte; NumPy's as nonzero: a copy holding 0/1.
        a = a.view(onp.uint8) != 0
    return from_numpy(a)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """numpy.geomspace."""
    np = _np()
    s, e = _arr(start), _arr(stop)
    native = "bfloat16" not in (s.dtype.name, e.dtype.name)  # (NumPy's own cannot take it)
    if not (s._is_tracer or e._is_tracer) and native:
        return from_numpy(onp.geomspace(onp.asarray(s), onp.asarray(e), num, endpoint, dtype, axis))
    dt = _np().result_type(s.dtype, e.dtype, float)
    # NumPy's formula: the ends divided by the sign of the start (z/|z| for a complex one),
    # logarithmically spaced, then multiplied back
    sign = np.sign(s.astype(dt))
    sign = np.broadcast_to(sign, onp.broadcast_shapes(s.shape, e.shape))
    ls, le = np.log10(s.astype(dt) / sign), np.log10(e.astype(dt) / sign)
    out = np.logspace(ls, le, num, endpoint=endpoint, axis=axis)
    out = out * np.expand_dims(sign, axis % out.ndim)
    return out if dtype is None else out.astype(dtype)


def _diagonal_offsets(N, M):
    """j - i at each (i, j) of an N x M matrix (int64 iotas: the mask for a traced k)."""
    np = _np()
    rows = operator.index(N)
    cols = rows if M is None else operator.index(M)
    return np.arange(cols, dtype=onp.int64)[None, :] - np.arange(rows, dtype=onp.int64)[:, None]


def _is_traced(k):
    return isinstance(k, _core.ndarray) and k._is_tracer


def eye(N, M=None, k=0, dtype=float, order="C", *, device=None, like=None):
    """numpy.eye; a traced diagonal offset k (as jax.numpy's takes) selects the diagonal
    with a mask from iotas."""
    np = _np()
    if _is_traced(k):
        return (_diagonal_offsets(N, M) == k).astype(onp.dtype(dtype))
    if device is None:  # (the default device: no wrapper made per call)
        r = np._eye(N, M, k, dtype, order, like=like)
    else:
        r = np._on_device(np._eye)(N, M, k, dtype, order, device=device, like=like)
    return with_layout("eye", r, order)  # (the engine makes it C-ordered)


def tri(N, M=None, k=0, dtype=float, *, like=None):
    """numpy.tri; a traced k (as jax.numpy's takes) gives the mask j - i <= k from iotas."""
    if _is_traced(k):
        return (_diagonal_offsets(N, M) <= k).astype(onp.dtype(dtype))
    return from_numpy(onp.tri(N, M, k, dtype))


def vander(x, N=None, increasing=False):
    """numpy.vander: columns x**(N-1), ..., x**0 (increasing: reversed), by running products
    as NumPy computes them."""
    np = _np()
    x = _arr(x)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = x.shape[0] if N is None else int(N)
    dt = _np().promote_types(x.dtype, int)
    cols = [np.ones(x.shape, dt)]
    if n > 1:
        xs = np.broadcast_to(x.astype(dt)[:, None], (x.shape[0], n - 1))
        cols.append(np.cumprod(xs, axis=1))
    v = np.concatenate([cols[0][:, None]] + cols[1:], axis=1)[:, :n]
    return v if increasing else v[:, ::-1]


def _window(fn, *args):
    return from_numpy(fn(*args))


def bartlett(M):
    """numpy.bartlett."""
    return _window(onp.bartlett, M)


def blackman(M):
    """numpy.blackman."""
    return _window(onp.blackman, M)


def hamming(M):
    """numpy.hamming."""
    return _window(onp.hamming, M)


def hanning(M):
    """numpy.hanning."""
    return _window(onp.hanning, M)


def kaiser(M, beta):
    """numpy.kaiser."""
    if isinstance(beta, _core.ndarray) and beta._is_tracer:
        np = _np()
        n = np.arange(0, M)
        alpha = (M - 1) / 2.0
        return np.i0(beta * np.sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / np.i0(beta)
    return _window(onp.kaiser, M, onp.asarray(beta) if hasattr(beta, "shape") else beta)


def from_nested(obj, dtype=None):
    """A nested list/tuple holding traced arrays (jnp.array([x, 2 * x]) under grad, jit or
    vmap) as one array, built by stacking its elements, so the values keep their derivatives
    and batching; NumPy's numpy.asarray would only see concrete values. The dtype is NumPy's
    for the leaves (arrays strong, Python scalars weak), or `dtype`. The bindings call this
    for sequences holding traced arrays (python/src/convert.cpp)."""
    np = _np()
    leaves = []

    def collect(o):
        if isinstance(o, (list, tuple)):
            for e in o:
                collect(e)
        else:
            leaves.append(o)

    collect(obj)
    dt = onp.dtype(dtype) if dtype is not None else np.result_type(*leaves)

    def build(o):
        if isinstance(o, (list, tuple)):
            parts = [build(e) for e in o]
            if len({p.shape for p in parts}) > 1:
                raise ValueError(
                    "array: setting an array element with a sequence. The requested array has "
                    f"an inhomogeneous shape (element shapes {sorted({p.shape for p in parts})})"
                )
            return np.stack(parts) if parts else np.zeros((0,), dt)
        return _arr(o).astype(dt)

    return build(obj)
