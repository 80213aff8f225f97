"""Index functions (take, take_along_axis, nonzero, select, ...) and sorting (sort, argsort,
lexsort, searchsorted, unique, ...), composed from the gather/scatter and sort primitives.

Functions whose result shape depends on the values (nonzero, argwhere, unique, ...) take
``size=`` and ``fill_value=`` as in JAX; without them they need concrete values and raise a
clear error under jit.
"""

import contextlib
import operator

import numpy as onp

from arrax import _core
from arrax._functional import take_along_axis as _take_along
from arrax._trace_core import any_tracer, is_inexact, knows_values
from arrax.errors import ConcretizationTypeError
from arrax.lax import _ops as lax
from arrax.numpy._common import _arr, _np, from_numpy, takes_out

__all__ = [
    "take",
    "take_along_axis",
    "put_along_axis",
    "put",
    "compress",
    "choose",
    "nonzero",
    "argwhere",
    "flatnonzero",
    "count_nonzero",
    "select",
    "extract",
    "diag_indices",
    "diag_indices_from",
    "tril_indices",
    "triu_indices",
    "tril_indices_from",
    "triu_indices_from",
    "ix_",
    "unravel_index",
    "ravel_multi_index",
    "sort",
    "argsort",
    "lexsort",
    "searchsorted",
    "partition",
    "argpartition",
    "unique",
    "bincount",
    "digitize",
]


def _bounds_unknown(fname, idx, mode):
    """JAX's ConcretizationTypeError for mode='raise' with traced indices: whether one is out
    of bounds is not known while tracing, and clamping it silently would be a wrong answer."""
    if not knows_values(idx):
        raise ConcretizationTypeError(
            f"{fname}: mode={mode!r} needs the indices' values to check their bounds, which "
            "traced ones (under jit or vmap) do not have; use mode='wrap' or mode='clip'"
        )


def _concrete(name, *xs):
    if any_tracer(*xs):
        raise ConcretizationTypeError(
            f"{name}: the result's shape depends on the values, which are not known under jit; "
            "pass size= (and fill_value=) to fix the shape"
        )


def _axis(axis, ndim, name):
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(
            f"{name}: '{type(axis).__name__}' object cannot be interpreted as an integer"
        ) from None
    if not -ndim <= axis < max(ndim, 1):
        raise onp.exceptions.AxisError(
            f"{name}: axis {axis} is out of bounds for array of dimension {ndim}"
        )
    return axis % max(ndim, 1)


@takes_out("unsafe")
def take(
    a,
    indices,
    axis=None,
    out=None,
    mode=None,
    *,
    unique_indices=False,
    indices_are_sorted=False,
    fill_value=None,
):
    """numpy.take (mode 'raise' by default; 'wrap' and 'clip' as NumPy's; JAX's 'fill': an
    index outside [-n, n) gives fill_value, by default NaN for inexact dtypes, the minimum for
    signed integers, the maximum for unsigned ones and True for bool)."""
    np = _np()
    a = _arr(a)
    idx = _arr(indices)
    if idx.dtype.kind in "fcb":
        # NumPy converts the indices to intp: an array 'same_kind' (a float or complex one is
        # refused, booleans are the integers 0 and 1, not a mask), Python numbers as ints.
        if idx.dtype.kind != "b" and isinstance(indices, (onp.ndarray, _core.ndarray)):
            raise TypeError(
                f"take: Cannot cast array data from dtype('{idx.dtype}') to dtype('int64') "
                "according to the rule 'same_kind'"
            )
        if idx.dtype.kind != "c":
            idx = idx.astype(onp.int64)
    if axis is None:
        a, axis = a.reshape(-1), 0
    axis = _axis(axis, a.ndim, "take")
    n = a.shape[axis]
    if mode == "wrap":
        idx = np.mod(idx, n) if n else idx
    elif mode == "clip":
        idx = np.clip(idx, 0, max(n - 1, 0))
    elif mode == "fill":
        from arrax._functional import _fill_default

        inside = (idx >= -n) & (idx < n)
        got = a[(slice(None),) * axis + (np.where(inside, idx, 0),)]
        inside = inside.reshape((1,) * axis + inside.shape + (1,) * (a.ndim - axis - 1))
        fill = _fill_default(a.dtype) if fill_value is None else fill_value
        return np.where(inside, got, np.asarray(fill, a.dtype))
    elif mode not in (None, "raise"):
        raise ValueError(f"take: mode must be 'raise', 'wrap', 'clip' or 'fill', got {mode!r}")
    elif mode == "raise":  # (asked for by name: traced indices cannot be checked)
        _bounds_unknown("take", idx, mode)
    return a[(slice(None),) * axis + (idx,)]


def take_along_axis(arr, indices, axis=-1, mode=None, fill_value=None):
    """numpy.take_along_axis (axis=None: on the flattened array). jax.numpy's mode= says what
    indices out of bounds give ("fill": fill_value, NaN for floats by default; "clip" or
    "promise_in_bounds": the nearest element), negative ones counting from the end; without
    it, NumPy's IndexError (traced indices are clamped, as JAX's)."""
    arr, indices = _arr(arr), _arr(indices)
    if axis is None:
        if indices.ndim != 1:
            raise ValueError(
                "take_along_axis: when axis=None, `indices` must have a single dimension."
            )
        arr, axis = arr.reshape(-1), 0
    axis = _axis(axis, arr.ndim, "take_along_axis")
    n = arr.shape[axis]
    if mode is not None:
        np = _np()
        mode = str(getattr(mode, "name", mode)).lower()
        if mode not in ("fill", "fill_or_drop", "clip", "promise_in_bounds"):
            raise ValueError(f"take_along_axis: unknown mode {mode!r}")
        idx = np.where(indices < 0, indices + n, indices)
        out = _take_along(arr, np.clip(idx, 0, max(n - 1, 0)), axis)
        if mode in ("clip", "promise_in_bounds"):
            return out
        from arrax._functional import _fill_default

        fill = _fill_default(arr.dtype) if fill_value is None else fill_value
        inside = (idx >= 0) & (idx < n)
        return np.where(inside, out, np.asarray(fill).astype(arr.dtype))
    if not any_tracer(indices) and indices.dtype.kind in "iu" and indices.size:
        ix = onp.asarray(indices)  # NumPy's IndexError (traced indices are clamped, as JAX's)
        bad = ix[(ix < -n) | (ix >= n)]
        if bad.size:
            raise IndexError(f"index {bad[0]} is out of bounds for axis {axis} with size {n}")
    return _take_along(arr, indices, axis)


@contextlib.contextmanager
def _in_place(name, a):
    """A writable NumPy array of a's values for NumPy's in-place functions: a zero-copy view of
    a CPU array (NumPy writes into arrax's memory), a host copy of a GPU array, written back
    when the block ends. A NumPy array is written directly, as NumPy does; anything else that is
    not an array is a TypeError, as NumPy's."""
    if isinstance(a, onp.ndarray):
        yield a
        return
    if not isinstance(a, _core.ndarray):
        raise TypeError(f"{name}: argument 1 must be an array, not {type(a).__name__}")
    if a._is_tracer:
        raise TypeError(
            f"{name} modifies its argument in place, which traced values cannot be; use "
            "a.at[...].set(...) under transformations"
        )
    if a.device.platform == "cpu":
        yield onp.asarray(a)
        return
    host = onp.array(a)
    yield host
    a[...] = host


def put_along_axis(arr, indices, values, axis, inplace=True, *, mode=None):
    """numpy.put_along_axis: in place, on a concrete array. With inplace=False (JAX's
    keyword), a new array instead, as jax.numpy's (it traces): values (broadcast to indices'
    shape) set at indices along axis (the flattened array for axis None), indices out of
    bounds handled as mode says (as ``.at[...].set``)."""
    if inplace:
        with _in_place("put_along_axis", arr) as view:
            onp.put_along_axis(view, onp.asarray(indices), onp.asarray(values), axis)
        return None
    np = _np()
    arr, indices, values = _arr(arr), _arr(indices), _arr(values)
    shape = arr.shape
    if axis is None:
        arr, axis = arr.reshape(-1), 0
    if arr.ndim != indices.ndim:
        raise ValueError(
            "put_along_axis arguments 'arr' and 'indices' must have same ndim. Got "
            f"arr.ndim={arr.ndim} and indices.ndim={indices.ndim}."
        )
    axis = _axis(axis, arr.ndim, "put_along_axis")
    try:
        values = np.broadcast_to(values, indices.shape)
    except ValueError:
        raise ValueError(
            "put_along_axis argument 'values' must be broadcastable to 'indices'. Got "
            f"values.shape={values.shape} and indices.shape={indices.shape}."
        ) from None
    idx = tuple(
        indices if d == axis else np.arange(n).reshape((1,) * d + (n,) + (1,) * (arr.ndim - d - 1))
        for d, n in enumerate(arr.shape)
    )
    return arr.at[idx].set(values, mode=mode).reshape(shape)


def put(a, ind, v, mode="raise"):
    """numpy.put: in place, on a concrete array."""
    with _in_place("put", a) as view:
        onp.put(view, onp.asarray(ind), onp.asarray(v), mode)


@takes_out("unsafe")
def compress(condition, a, axis=None, out=None, *, size=None, fill_value=0):
    """numpy.compress. With size (JAX's keyword) the result has size entries along axis (it
    traces): the selected ones first, then entries of fill_value; condition and a are cut to
    the shorter of the two."""
    if size is not None:
        return _compress_sized(condition, a, axis, size, fill_value)
    _concrete("compress", condition)
    cond = onp.asarray(condition)
    if cond.ndim != 1:
        raise ValueError("compress: condition must be a 1-d array")
    return take(a, onp.nonzero(cond.astype(bool))[0], axis=axis)


@takes_out("unsafe")
def choose(a, choices, out=None, mode="raise"):
    """numpy.choose."""
    np = _np()
    idx = _arr(a)
    n = len(choices)
    if mode == "wrap":
        idx = np.mod(idx, n)
    elif mode == "clip":
        idx = np.clip(idx, 0, n - 1)
    else:
        _bounds_unknown("choose", idx, mode)
        if onp.any(onp.asarray(idx) < 0) or onp.any(onp.asarray(idx) >= n):
            raise ValueError("invalid entry in choice array")
    # NumPy's common dtype, Python scalars weak (choose(i, (1000, uint8 array)) is uint8);
    # a Python int the dtype cannot hold wraps, as NumPy's unsafe cast of it does.
    weak = (bool, int, float, complex)
    dt = _np().result_type(*[c if type(c) in weak else _arr(c).dtype for c in choices])
    arrays = np.broadcast_arrays(idx, *[_arr(c).astype(dt) for c in choices])
    stacked = np.stack(arrays[1:], axis=0)
    return take_along_axis(stacked, arrays[0][None].astype(onp.int64), axis=0)[0]


def nonzero(a, *, size=None, fill_value=None):
    """numpy.nonzero: a tuple of index arrays (with size=: padded with fill_value, or the
    last... as JAX: fill_value defaults to 0)."""
    a = _arr(a)
    if a.ndim == 0:
        raise ValueError(
            "Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() "
            "instead."
        )
    if size is None:
        _concrete("nonzero", a)
        return tuple(_core.asarray(i, None, None) for i in onp.nonzero(onp.asarray(a)))
    np = _np()
    flat = a.reshape(-1) != 0
    n = flat.shape[0]
    slot = np.cumsum(flat.astype(onp.int64)) - 1  # where each nonzero element goes
    slot = np.where(flat, slot, size)  # others go nowhere (dropped)
    fills = fill_value if isinstance(fill_value, tuple) else (fill_value,) * a.ndim
    strides = onp.cumprod((a.shape[1:] + (1,))[::-1])[::-1]
    positions = lax.iota(onp.int64, n)
    out = []
    for d in range(a.ndim):
        coord = (positions // int(strides[d])) % a.shape[d]
        base = lax.full((size,), 0 if fills[d] is None else fills[d], onp.int64)
        out.append(base.at[slot].set(coord) if n else base)
    return tuple(out)


def flatnonzero(a, *, size=None, fill_value=None):
    """numpy.flatnonzero."""
    return nonzero(_arr(a).reshape(-1), size=size, fill_value=fill_value)[0]


def argwhere(a, *, size=None, fill_value=None):
    """numpy.argwhere."""
    a = _arr(a)
    if a.ndim == 0:
        a = a.reshape(1)
        idx = nonzero(a, size=size, fill_value=fill_value)
        return _np().stack(idx, axis=-1)[:, :0]
    return _np().stack(nonzero(a, size=size, fill_value=fill_value), axis=-1)


def count_nonzero(a, axis=None, *, keepdims=False):
    """numpy.count_nonzero."""
    r = _np().sum(_arr(a) != 0, axis=axis, keepdims=keepdims)
    return r.astype(onp.int64) if axis is not None or keepdims else r.astype(onp.int64)


def select(condlist, choicelist, default=0):
    """numpy.select: the first matching condition's choice, else default."""
    np = _np()
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if not condlist:
        raise ValueError("select with an empty condition list is not possible")
    conds = [_arr(c) for c in condlist]
    for i, c in enumerate(conds):
        if c.dtype != onp.bool_:
            raise TypeError(f"select: invalid entry {i} in condlist: should be boolean ndarray")
    choices = [_arr(c) for c in choicelist]
    if type(default) not in (bool, int, float, complex):  # (a Python scalar stays weak)
        default = _arr(default)
    dt = np.result_type(*choices, default)
    out = np.asarray(default).astype(dt)
    for c, v in zip(conds[::-1], choices[::-1]):
        out = np.where(c, v.astype(dt), out)
    shape = np.broadcast_shapes(
        *[c.shape for c in conds], *[v.shape for v in choices], np.shape(default)
    )
    return np.broadcast_to(out, shape) if out.shape != shape else out


def _compress_sized(condition, a, axis, size, fill_value):
    """jax.numpy.compress with size=: the selected entries by a stable sort of the condition,
    the others (filled with fill_value) after them, the first size kept."""
    np = _np()
    cond = _arr(condition).astype(bool)
    if cond.ndim != 1:
        raise ValueError("compress: condition must be a 1-d array")
    arr = _arr(a)
    if axis is None:
        arr, axis = arr.reshape(-1), 0
    else:
        axis = _axis(axis, arr.ndim, "compress")
        arr = np.moveaxis(arr, axis, 0)
    n = min(cond.shape[0], arr.shape[0])
    cond, arr = cond[:n], arr[:n]
    size = operator.index(size)
    if not 0 <= size <= n:
        raise ValueError(
            "size must be positive and not greater than the size of the array axis; got "
            f"size={size} for a.shape[axis]={n}"
        )
    mask = cond.reshape((n,) + (1,) * (arr.ndim - 1))
    arr = np.where(mask, arr, np.asarray(fill_value).astype(arr.dtype))
    order = np.argsort(cond, stable=True, descending=True)[:size]
    return np.moveaxis(take(arr, order, axis=0), 0, axis)


def extract(condition, arr, *, size=None, fill_value=0):
    """numpy.extract. With size (JAX's keyword) the result has size entries (it traces): the
    selected ones, then entries of fill_value."""
    if size is not None:
        return _compress_sized(
            _arr(condition).reshape(-1), _arr(arr).reshape(-1), None, size, fill_value
        )
    _concrete("extract", condition)
    return take(_arr(arr).reshape(-1), onp.flatnonzero(onp.asarray(condition)))


def diag_indices(n, ndim=2):
    """numpy.diag_indices."""
    return from_numpy(onp.diag_indices(n, ndim))


def diag_indices_from(arr):
    """numpy.diag_indices_from."""
    return from_numpy(onp.diag_indices_from(onp.empty(_arr(arr).shape, bool)))


def tril_indices(n, k=0, m=None):
    """numpy.tril_indices."""
    return from_numpy(onp.tril_indices(n, k, m))


def triu_indices(n, k=0, m=None):
    """numpy.triu_indices."""
    return from_numpy(onp.triu_indices(n, k, m))


def tril_indices_from(arr, k=0):
    """numpy.tril_indices_from."""
    return from_numpy(onp.tril_indices_from(onp.empty(_arr(arr).shape, bool), k))


def triu_indices_from(arr, k=0):
    """numpy.triu_indices_from."""
    return from_numpy(onp.triu_indices_from(onp.empty(_arr(arr).shape, bool), k))


def ix_(*args):
    """numpy.ix_. Integer index arrays are only reshaped, so traced ones work too; a boolean
    mask needs its values (nonzero)."""
    if not any(isinstance(a, _core.ndarray) and a._is_tracer for a in args):
        # (sequences as they are: NumPy makes an empty one intp, an empty array stays as is)
        host = [onp.asarray(a) if isinstance(a, _core.ndarray) else a for a in args]
        return from_numpy(onp.ix_(*host))
    out = []
    for k, a in enumerate(args):
        a = _arr(a)
        if a.ndim != 1:
            raise ValueError("Cross index must be 1 dimensional")
        if a.dtype == onp.bool_:
            raise ConcretizationTypeError(
                "ix_: a traced boolean mask has no concrete value for its indices (nonzero); "
                "pass integer indices"
            )
        out.append(a.reshape((1,) * k + (-1,) + (1,) * (len(args) - k - 1)))
    return tuple(out)


def unravel_index(indices, shape, order="C"):
    """numpy.unravel_index (traced indices are clamped rather than checked)."""
    idx = _arr(indices)
    if not any_tracer(idx):
        # (an empty list as given: NumPy's error says to give it an integer dtype)
        src = indices if _empty_sequence(indices) else onp.asarray(idx)
        return from_numpy(onp.unravel_index(src, shape, order))
    dims = list(shape) if order == "C" else list(shape)[::-1]
    out = []
    rest = idx.astype(onp.int64)
    for d in reversed(dims):
        out.append(rest % d)
        rest = rest // d
    out = out[::-1]
    return tuple(out if order == "C" else out[::-1])


def _empty_sequence(x):
    return isinstance(x, (list, tuple)) and not x


def ravel_multi_index(multi_index, dims, mode="raise", order="C", *, dtype=None):
    """numpy.ravel_multi_index; dtype (JAX's keyword): the result's integer dtype, which must
    hold the largest flat index."""
    if dtype is not None:
        dtype = onp.dtype(dtype)
        if dtype.kind not in "iu":
            raise ValueError(f"dtype={dtype} is not an integer type.")
        if int(onp.prod([int(d) for d in dims], dtype=object)) - 1 > onp.iinfo(dtype).max:
            raise ValueError(
                f"ravel_multi_index: dtype={dtype} not large enough to hold flattened index "
                f"for dims={tuple(dims)}. Use the dtype argument to pass a suitable dtype."
            )
        return ravel_multi_index(multi_index, dims, mode, order).astype(dtype)
    given = list(multi_index)
    idx = [_arr(i) for i in given]
    if not any_tracer(*idx) or (mode not in ("wrap", "clip") and knows_values(*idx)):
        # (empty lists as given: NumPy's error says to give them an integer dtype)
        src = tuple(g if _empty_sequence(g) else onp.asarray(i) for g, i in zip(given, idx))
        return _core.asarray(onp.ravel_multi_index(src, dims, mode, order), None, None)
    if mode not in ("wrap", "clip"):
        _bounds_unknown("ravel_multi_index", idx[0], mode)
    np = _np()
    strides = (
        onp.cumprod((tuple(dims)[1:] + (1,))[::-1])[::-1]
        if order == "C"
        else onp.cumprod((1,) + tuple(dims)[:-1])
    )
    out = 0
    for i, s, d in zip(idx, strides, dims):
        i = i.astype(onp.int64)
        if mode == "wrap":
            i = i % d
        elif mode == "clip":
            i = np.clip(i, 0, d - 1)
        out = out + i * int(s)
    return out


# --- sorting -----------------------------------------------------------------------------


def sort(a, axis=-1, kind=None, order=None, *, stable=None, descending=False):
    """numpy.sort (stable; NaN last); descending=True (the Array API's and JAX's keyword) gives
    the ascending order reversed."""
    _check_sort_kind("sort", kind, stable)
    a = _arr(a)
    if axis is None:
        a, axis = a.reshape(-1), 0
    ndim = a.ndim
    if ndim == 0:
        raise onp.exceptions.AxisError("sort: axis -1 is out of bounds for array of dimension 0")
    if type(axis) is int and -ndim <= axis < ndim:  # (_axis's answer for an axis in range)
        axis %= ndim
    else:
        axis = _axis(axis, ndim, "sort")
    out = _core.bind("sort", [a], {"axis": axis})[0]  # (lax.bind1's call)
    return lax.rev(out, (axis,)) if descending else out


def argsort(a, axis=-1, kind=None, order=None, *, stable=None, descending=False, dtype=None):
    """numpy.argsort (stable; NaN last); descending=True (the Array API's and JAX's keyword) is
    stable too: equal items keep their order. dtype: JAX's keyword, the indices' integer
    dtype."""
    if dtype is not None:
        dt = onp.dtype(dtype)
        if dt.kind not in "iu":
            raise ValueError(f"argsort: dtype must be an integer dtype, got {dt}")
        return argsort(a, axis, kind, order, stable=stable, descending=descending).astype(dt)
    _check_sort_kind("argsort", kind, stable)
    a = _arr(a)
    if axis is None:
        a, axis = a.reshape(-1), 0
    if a.ndim == 0:  # NumPy sorts a 0-d array as a 1-d one
        a, axis = a.reshape(1), 0
    ndim = a.ndim
    if type(axis) is int and -ndim <= axis < ndim:  # (_axis's answer for an axis in range)
        axis %= ndim
    elif isinstance(axis, (bool, onp.bool_)):  # (NumPy's argsort refuses it; its sort takes it)
        raise TypeError("argsort: an integer is required for the axis")
    else:
        axis = _axis(axis, ndim, "argsort")
    if not descending:
        return _core.bind("argsort", [a], {"axis": axis})[0]  # (lax.bind1's call)
    # the ascending positions in the reversed array, mapped back and reversed: ties stay in
    # their original order
    idx = lax.bind1("argsort", lax.rev(a, (axis,)), axis=axis)
    return lax.rev(a.shape[axis] - 1 - idx, (axis,))


def _check_sort_kind(name, kind, stable):
    """NumPy's checks of sort's kind and stable flag (every kind sorts stably here, which each
    one allows)."""
    if stable is not None and not isinstance(stable, (bool, onp.bool_)):
        try:  # (a flag is taken by its truth value, as NumPy's: an array of several is an error)
            bool(stable)
        except ValueError:
            raise ValueError(
                f"{name}: the truth value of an array with more than one element is ambiguous "
                "(stable must be a bool)"
            ) from None
    if kind is None:
        return
    if stable is not None:
        raise ValueError(
            f"{name}: `kind` and keyword parameters can't be provided at the same time"
        )
    if not isinstance(kind, str):
        raise TypeError(f"{name}: kind must be a string, not {type(kind).__name__}")
    if kind[:1].lower() not in ("q", "h", "s", "m"):
        raise ValueError(f"{name}: kind must be one of 'quick', 'heap', or 'stable' (got {kind!r})")


def lexsort(keys, axis=-1):
    """numpy.lexsort: sorts by the last key, then the one before, ..."""
    keys = [_arr(k) for k in keys]
    if not keys:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    if keys[0].ndim == 0:  # (NumPy: a 0-d result; axis 0 or -1, as for one item)
        if axis not in (0, -1):
            raise onp.exceptions.AxisError(axis, 0)
        return _np().zeros((), onp.int64)
    order = argsort(keys[0], axis=axis)
    for k in keys[1:]:
        order = take_along_axis(order, argsort(take_along_axis(k, order, axis), axis=axis), axis)
    return order


_SEARCH_METHODS = ("compare_all", "scan", "scan_unrolled", "sort")


def _check_search_method(method):
    """JAX's method= of searchsorted and digitize: the algorithm's name (arrax picks its own;
    the results are the same)."""
    if method not in _SEARCH_METHODS:
        raise ValueError(
            f"invalid argument method={method!r}, expected one of {list(_SEARCH_METHODS)}"
        )


def searchsorted(a, v, side="left", sorter=None, *, method="scan"):
    """numpy.searchsorted (a 1-D), in NumPy's sort order (NaN last; complex by real part, then
    imaginary part). Few pairs: count the elements of a before each v in one comparison.
    Otherwise a binary search, each of its ceil(log2(n + 1)) steps one gather and comparison
    for all of v: O(len(v) log n) work, and it traces (as JAX's default method)."""
    np = _np()
    _check_search_method(method)
    a = _arr(a)
    if a.ndim != 1:
        raise ValueError("searchsorted: a must be 1-D")
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right' (got {side!r})")
    n = a.shape[0]
    if sorter is not None:
        sorter = _arr(sorter)
        if sorter.dtype.kind not in "iu":
            raise TypeError("searchsorted: sorter must only contain integers")
        if sorter.shape != a.shape:
            raise ValueError("searchsorted: sorter.size must equal a.size")
        if not sorter._is_tracer and ((sorter < 0) | (sorter >= n)).any():
            raise ValueError(f"searchsorted: sorter index out of range for a of size {n}")
        a = take(a, sorter)
    v = _arr(v)
    dtype = np.result_type(a, v)
    a, v = a.astype(dtype, copy=False), v.astype(dtype, copy=False)
    before = _sort_order_less if side == "left" else _sort_order_less_equal
    if n * max(v.size, 1) <= 1 << 15:
        return np.sum(before(a, v[..., None]), axis=-1, dtype=onp.int64)
    lo = np.zeros(v.shape, onp.int64)
    hi = np.full(v.shape, n, onp.int64)
    for _ in range(n.bit_length()):  # ceil(log2(n + 1)) halvings close every [lo, hi)
        mid = (lo + hi) >> 1
        go_right = before(lax.bind1("take", a, np.minimum(mid, n - 1)), v) & (lo < hi)
        lo = np.where(go_right, mid + 1, lo)
        hi = np.where(go_right, hi, mid)
    return lo


def _nan_rank(x):
    """Where x sits among NaNs in NumPy's sort order: 0 for numbers; for complex 1 (NaN
    imaginary part), 2 (NaN real part), 3 (both)."""
    np = _np()
    if x.dtype.kind != "c":
        return np.isnan(x).astype(onp.int8)
    re_nan, im_nan = np.isnan(x.real), np.isnan(x.imag)
    return (re_nan.astype(onp.int8) * 2 + im_nan.astype(onp.int8)).astype(onp.int8)


def _sort_order_less(x, y, or_equal=False):
    """x < y (x <= y with or_equal) in NumPy's sort order, which places NaNs last."""
    np = _np()
    strict = np.less_equal if or_equal else np.less
    if not is_inexact(x.dtype):
        return strict(x, y)
    rx, ry = _nan_rank(x), _nan_rank(y)
    if x.dtype.kind != "c":  # (floats, bfloat16 among them)
        same_rank = strict(x, y) | ((rx == 1) & or_equal)
    else:  # by real part then imaginary part, among the finite parts each rank has
        re_less, re_eq = np.less(x.real, y.real), np.equal(x.real, y.real)
        im = strict(x.imag, y.imag)
        same_rank = np.where(
            rx == 0, re_less | (re_eq & im),
            np.where(rx == 1, re_less | (re_eq & or_equal), np.where(rx == 2, im, or_equal)),
        )  # fmt: skip
    return (rx < ry) | ((rx == ry) & same_rank)


def _sort_order_less_equal(x, y):
    return _sort_order_less(x, y, or_equal=True)


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """numpy.partition; the result is fully sorted (which is a valid partition)."""
    _check_kth("partition", a, kth, axis, kind)
    return sort(a, axis=axis)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """numpy.argpartition; the order is a full (stable) argsort, a valid partition."""
    _check_kth("argpartition", a, kth, axis, kind)
    return argsort(a, axis=axis)


def _check_kth(name, a, kth, axis, kind):
    """NumPy's checks of partition's kind and kth: integers (one or a 1-d sequence, not
    booleans), each within the axis once a negative one counts from the end (any kth for an
    empty array)."""
    if not isinstance(kind, str):
        raise TypeError(f"{name}: kind must be a string, not {type(kind).__name__}")
    if kind != "introselect":
        raise ValueError(f"{name}: select kind must be 'introselect' (got {kind!r})")
    a = _arr(a)
    k = onp.asarray(kth)
    if k.ndim > 1:
        raise ValueError(f"{name}: object too deep for desired array (kth)")
    if axis is None:
        n = a.size
    elif a.ndim:
        n = a.shape[_axis(axis, a.ndim, name)]
    elif name == "argpartition":  # (NumPy's argpartition takes a 0-d array as 1-d)
        _axis(axis, 1, name)
        n = 1
    else:
        raise onp.exceptions.AxisError(axis, 0)
    if k.dtype.kind == "b":
        raise ValueError("Booleans unacceptable as partition index")
    if k.dtype.kind not in "iu":
        raise TypeError("Partition index must be integer")
    if a.size == 0:
        return
    for i in k.reshape(-1).tolist():  # NumPy's message names the first, counted from 0
        i = i + n if i < 0 else i
        if not 0 <= i < n:
            raise ValueError(f"kth(={i}) out of bounds ({n})")


def unique(
    ar,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    *,
    equal_nan=True,
    size=None,
    fill_value=None,
    sorted=True,
):
    """numpy.unique. With size= (and no axis) it traces, as JAX's: the first ``size`` unique
    values, padded with fill_value (default: the smallest value); their first indices (padded
    with the first one's), the inverse in a's shape (group numbers, which may reach past size),
    and the counts (padded with 0)."""
    a = _arr(ar)
    if size is None or axis is not None:
        _concrete("unique", a)
        r = onp.unique(
            onp.asarray(a), return_index, return_inverse, return_counts, axis, equal_nan=equal_nan
        )
        return from_numpy(r)
    np = _np()
    flat = a.reshape(-1)
    perm = argsort(flat)  # stable: each group's first position is its first occurrence
    s = flat[perm]
    n = s.shape[0]
    first = np.concatenate([np.ones(1, bool), s[1:] != s[:-1]]) if n else np.ones(0, bool)
    if equal_nan and s.dtype.kind in "fc" and n:
        first = first & ~(np.isnan(s) & np.concatenate([np.zeros(1, bool), np.isnan(s[:-1])]))
    group = np.cumsum(first.astype(onp.int64)) - 1  # each sorted item's unique value
    # Results are scattered into size + 1 slots, the last one taking what does not fit (a
    # repeat, or a value past the first `size`), then cut to size.
    slot = np.where(first & (group < size), group, size)
    fill = s[0] if fill_value is None and n else (0 if fill_value is None else fill_value)
    values = np.full((size + 1,), fill, s.dtype)
    out = [(values.at[slot].set(s) if n else values)[:size]]
    if return_index:
        index = np.zeros((size + 1,), onp.int64)
        index = (index.at[slot].set(perm) if n else index)[:size]
        out.append(np.where(np.arange(size) < group[-1] + 1, index, index[0]) if n else index)
    if return_inverse:
        inverse = np.zeros((n,), onp.int64).at[perm].set(group) if n else np.zeros(0, onp.int64)
        out.append(inverse.reshape(a.shape))
    if return_counts:
        counts = np.zeros((size + 1,), onp.int64)
        out.append((counts.at[np.minimum(group, size)].add(1) if n else counts)[:size])
    return out[0] if len(out) == 1 else tuple(out)


def bincount(x, weights=None, minlength=0, *, length=None):
    """numpy.bincount; with length= (as JAX) it traces."""
    import operator

    np = _np()
    minlength = operator.index(minlength)  # TypeError for a str, as NumPy's
    if minlength < 0:
        raise ValueError("bincount: 'minlength' must not be negative")
    given_list = not hasattr(x, "dtype")
    x = _arr(x)
    if given_list and x.dtype.kind == "f" and x.size:
        # (NumPy 2.1 deprecated non-integer lists, bincount([0.5, 1.2]), and casts them)
        import warnings

        warnings.warn(
            "Non-integer input passed to bincount. In a future version of NumPy, this will be "
            "an error. (Deprecated NumPy 2.1)",
            DeprecationWarning,
            stacklevel=3,  # (the caller's line: bincount runs inside the host-fallback wrapper)
        )
        x = x.astype(onp.intp)
    if x.ndim != 1:
        raise ValueError(
            "object too deep for desired array"
            if x.ndim > 1
            else "object of too small depth for desired array"
        )
    if x.size == 0 and x.dtype.kind == "f":  # bincount([]): NumPy takes the empty list
        x = x.astype(onp.int64)
    if x.dtype.kind not in "biu":
        raise TypeError(
            f"bincount: Cannot cast array data from {x.dtype!r} to dtype('int64') according "
            "to the rule 'safe'"
        )
    if length is None:
        _concrete("bincount", x, weights)
        xn = onp.asarray(x)
        if xn.size and xn.min() < 0:
            raise ValueError("'list' argument must have no negative elements")
        length = max(int(xn.max()) + 1 if xn.size else 0, minlength)
        given = False
    else:
        given = True
        length = operator.index(length)
        if length < 0:
            raise ValueError("bincount: 'length' must not be negative")
    w = np.ones(x.shape, onp.int64) if weights is None else _arr(weights)
    if weights is not None and w.dtype.kind != "c":
        w = w.astype(onp.float64)  # (NumPy's: real weights are summed as doubles)
    x = x.astype(onp.int64)
    if length == 0:
        return np.zeros((0,), w.dtype)
    if given:
        # JAX's length=: negative values count in bin 0, values past the end are dropped
        x = np.maximum(x, 0)
        inside = x < length
        w = np.where(inside, w, np.zeros((), w.dtype))
        x = np.where(inside, x, 0)
    return lax.bind1("scatter_add", w, x, size=int(length))


def digitize(x, bins, right=False, *, method=None):
    """numpy.digitize (bins monotonically increasing or decreasing); method: JAX's keyword, as
    searchsorted's."""
    if method is not None:
        _check_search_method(method)
    bins = _arr(bins)
    x = _arr(x)
    if x.dtype.kind == "c":
        raise TypeError("digitize: x may not be complex")
    if bins.dtype.kind == "c":
        raise TypeError("digitize: bins may not be complex")
    if bins.ndim != 1:
        raise ValueError("object too deep for desired array")
    if not any_tracer(bins):
        b = onp.asarray(bins)
        if b.size > 1 and not (onp.all(b[1:] >= b[:-1]) or onp.all(b[1:] <= b[:-1])):
            raise ValueError("digitize: bins must be monotonically increasing or decreasing")
        if b.size > 1 and onp.all(b[1:] <= b[:-1]) and not onp.all(b[1:] == b[:-1]):
            # decreasing bins
            return bins.shape[0] - searchsorted(bins[::-1], x, side="left" if right else "right")
        return searchsorted(bins, x, side="left" if right else "right")
    # traced bins: the direction from their ends, as jax.numpy.digitize
    side = "left" if right else "right"
    up = searchsorted(bins, x, side=side)
    if bins.shape[0] < 2:
        return up
    down = bins.shape[0] - searchsorted(bins[::-1], x, side=side)
    return _np().where(bins[-1] >= bins[0], up, down)
