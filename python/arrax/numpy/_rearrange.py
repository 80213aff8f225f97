"""NumPy functions that rearrange elements (flip, roll, tile, repeat, split, diagonal, pad, ...).

Those that NumPy makes views (flip, rot90, rollaxis, the split family) are basic slices and
transposes here too, and roll joins two slices; tril/triu select with NumPy's tri mask. Each of
the others asks NumPy itself which input element lands where: NumPy's function runs on arrays of
element *positions*, and the result is a gather (the ``take`` primitive) of the inputs at those
positions. So shapes, argument handling and errors are NumPy's own, and the result is
differentiable, batchable and jit-able like any primitive composition. Position 0 is reserved
for a fill element (the zeros of ``tril`` or ``diag``, the value of a constant ``pad``).
"""

import operator

import numpy as onp
from numpy.lib.array_utils import normalize_axis_tuple

from arrax import _core
from arrax._functional import take_flat
from arrax.lax import _ops as lax
from arrax.numpy._common import _arr, _np, from_numpy, takes_out, with_layout

__all__ = [
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "rot90",
    "tile",
    "repeat",
    "split",
    "array_split",
    "hsplit",
    "vsplit",
    "dsplit",
    "tril",
    "triu",
    "diag",
    "diagonal",
    "diagflat",
    "trace",
    "column_stack",
    "block",
    "append",
    "insert",
    "delete",
    "resize",
    "pad",
    "meshgrid",
    "indices",
    "rollaxis",
    "unstack",
]


def _on_host(arrays):
    """Whether every array is concrete and in the CPU's memory (NumPy can read it in place)."""
    return all(not a._is_tracer and _core._array_device(a).startswith("cpu") for a in arrays)


def _positions(npfunc, arrays, fill=None, dtype=None, values_ok=False):
    """npfunc applied to the positions of ``arrays``; returns the gathered result(s). With
    ``values_ok`` (npfunc only moves elements, so applied to the values it gives the result) and
    concrete arrays in the CPU's memory, npfunc runs on NumPy views of them instead: the gather
    of positions cost tens of microseconds more per call, and the result is the same."""
    arrays = [_arr(a) for a in arrays]
    if values_ok and _on_host(arrays) and all(a.dtype == arrays[0].dtype for a in arrays):
        # (one dtype: NumPy's promotion, which refuses bfloat16 with float16, is not asked)
        return from_numpy(npfunc(*[onp.asarray(a) for a in arrays]))
    if dtype is None:
        dtype = _np().result_type(*[a.dtype for a in arrays]) if arrays else onp.float64
    pos, offset = [], 1
    for a in arrays:
        at = onp.arange(offset, offset + a.size, dtype=onp.int64).reshape(a.shape)
        if a.ndim >= 2 and not a._is_tracer and a._f_contiguous and not a._c_contiguous:
            # (NumPy's delete, insert, block... keep a Fortran input's layout: so does the
            # result when its positions are laid out as the input is)
            at = onp.asfortranarray(at)
        pos.append(at)
        offset += a.size
    out = npfunc(*pos)
    results = list(out) if isinstance(out, (list, tuple)) else [out]
    results = [onp.asarray(p) for p in results]
    if any(p.dtype.kind not in "iu" for p in results):  # NumPy returned a value, not positions
        raise TypeError("internal: expected element positions")
    if len(arrays) == 1 and all(p.size == 0 or p.min() > 0 for p in results):
        # One input and no fill element taken (tile, repeat, diagonal, delete...): gathered
        # from the input itself, without a copy joining the fill element and the input.
        flat, shift = arrays[0], 1
        if flat.dtype != dtype:
            flat = flat.astype(dtype)
    else:
        parts = [lax.reshape(a if a.dtype == dtype else a.astype(dtype), (a.size,)) for a in arrays]
        fill_value = lax.full((1,), 0 if fill is None else fill, dtype)
        flat, shift = lax.concatenate([fill_value] + parts, 0), 0

    def gather(p):
        # (asarray, not ascontiguousarray, which makes a 0-d result 1-d)
        at = onp.asarray(p - shift if shift else p, dtype=onp.int64, order="C")
        r = take_flat(flat, _core.asarray(at, None, None))
        if p.ndim < 2 or p.flags.c_contiguous:
            return r  # (take's result is C-contiguous, as NumPy's is here)
        return with_layout("_positions", r, "K", p)  # (the layout of NumPy's result)

    if isinstance(out, (list, tuple)):
        return (
            type(out)(gather(p) for p in results)
            if isinstance(out, tuple)
            else [gather(p) for p in results]
        )
    return gather(results[0])


def flip(m, axis=None):
    """numpy.flip: a view with the axes reversed (basic slicing, so it traces as a slice)."""
    m = _arr(m)
    axes = range(m.ndim) if axis is None else normalize_axis_tuple(axis, m.ndim)
    return m[tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(m.ndim))]


def fliplr(m):
    """numpy.fliplr."""
    m = _arr(m)
    if m.ndim < 2:
        raise ValueError("fliplr: Input must be >= 2-d.")
    return m[:, ::-1]


def flipud(m):
    """numpy.flipud."""
    m = _arr(m)
    if m.ndim < 1:
        raise ValueError("flipud: Input must be >= 1-d.")
    return m[::-1]


def roll(a, shift, axis=None):
    """numpy.roll: two slices joined per rolled axis; a traced shift (as JAX allows) is a
    gather at the shifted positions."""
    from arrax import numpy as np

    a = _arr(a)
    if axis is None:
        return roll(a.reshape(-1), shift, 0).reshape(a.shape)
    axes = normalize_axis_tuple(axis, a.ndim, allow_duplicate=True)
    traced = isinstance(shift, _core.ndarray) and shift._is_tracer
    if traced:
        if shift.ndim > 1:
            raise ValueError("roll: 'shift' and 'axis' should be scalars or 1D sequences")
        # (shift and axis broadcast against each other, as NumPy's concrete ones do)
        count = onp.broadcast_shapes(shift.shape, onp.shape(axis) if axis is not None else ())
        count = count[0] if count else 1
        pairs = [
            (shift if shift.ndim == 0 else shift[i % shift.shape[0]], axes[i % len(axes)])
            for i in range(count)
        ]
    else:
        pairs = onp.broadcast(onp.asarray(shift), onp.asarray(axes))
        if pairs.ndim > 1:
            raise ValueError("roll: 'shift' and 'axis' should be scalars or 1D sequences")
        pairs = [(sh, ax) for sh, ax in pairs]
    for sh, ax in pairs:
        ax = int(ax)
        n = a.shape[ax]
        if n == 0:
            continue
        if traced:
            idx = np.mod(np.arange(n) - sh.astype(onp.int64), n)
            a = np.take(a, idx, axis=ax, mode="clip")
            continue
        k = int(sh) % n
        if k:
            before = (slice(None),) * ax
            a = lax.concatenate(
                [a[before + (slice(n - k, None),)], a[before + (slice(0, n - k),)]], ax
            )
    return a


def rot90(m, k=1, axes=(0, 1)):
    """numpy.rot90: flips and a transpose (views, as NumPy's)."""
    m = _arr(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("rot90: len(axes) must be 2.")
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == m.ndim:
        raise ValueError("rot90: Axes must be different.")
    if not (-m.ndim <= axes[0] < m.ndim and -m.ndim <= axes[1] < m.ndim):
        raise ValueError(f"rot90: Axes={axes} out of range for array of ndim={m.ndim}.")
    k %= 4
    if k == 0:
        return m[...]
    if k == 2:
        return flip(flip(m, axes[0]), axes[1])
    perm = list(range(m.ndim))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    if k == 1:
        return flip(m, axes[1]).transpose(perm)
    return flip(m.transpose(perm), axes[1])


def rollaxis(a, axis, start=0):
    """numpy.rollaxis: a transposed view."""
    a = _arr(a)
    n = a.ndim
    axis = onp.lib.array_utils.normalize_axis_index(axis, n)
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise onp.exceptions.AxisError(
            f"rollaxis: start arg requires {-n} <= start < {n + 1}, got {start}"
        )
    if axis < start:
        start -= 1
    if axis == start:
        return a[...]
    axes = list(range(n))
    axes.remove(axis)
    axes.insert(start, axis)
    return a.transpose(axes)


def _counts(reps):
    """reps as a tuple of non-negative ints, or None (NumPy's tile then says what is wrong)."""
    try:
        tup = tuple(reps)
    except TypeError:
        tup = (reps,)
    ok = all(isinstance(t, (int, onp.integer)) and t >= 0 for t in tup)
    return tuple(int(t) for t in tup) if ok else None


def _fresh(out, a):
    """out as a new writable array when it is a's memory or a broadcast view (NumPy's tile and
    repeat always return a new array)."""
    if out._is_tracer or (not out._shares_buffer(a) and out._writeable):
        return out
    return out.copy()


def tile(A, reps):
    """numpy.tile: NumPy's own on a concrete array in the CPU's memory; else A broadcast along
    a new axis before each of its own, the pairs then merged (a broadcast and a reshape, as
    jax.numpy's)."""
    a = _arr(A)
    if _on_host([a]):  # (NumPy's own tile of the values, in place)
        return from_numpy(onp.tile(onp.asarray(a), reps))
    tup = _counts(reps)
    if tup is None:
        return _positions(lambda p: onp.tile(p, reps), [a])  # (reps NumPy takes or refuses)
    d = max(len(tup), a.ndim)
    tup = (1,) * (d - len(tup)) + tup
    shape = (1,) * (d - a.ndim) + a.shape
    x = lax.reshape(a, shape)
    if all(t == 1 for t in tup):  # (NumPy's copy of A, in A's memory order)
        return x if x._is_tracer else x.copy(order="K")
    big = tuple(n for pair in zip(tup, shape) for n in pair)
    b = lax.broadcast_in_dim(x, big, tuple(range(1, 2 * d, 2)))
    return _fresh(lax.reshape(b, tuple(t * n for t, n in zip(tup, shape))), a)


def repeat(a, repeats, axis=None, *, total_repeat_length=None):
    """numpy.repeat (the repeat counts must be known: they set the result's shape), or with
    JAX's total_repeat_length (counts may be traced) a result of that length: cut short, or
    padded with the last item."""
    if total_repeat_length is not None:
        return _repeat_to_length(_arr(a), repeats, axis, int(total_repeat_length))
    if isinstance(repeats, _core.ndarray):
        repeats = onp.asarray(repeats)
    a = _arr(a)
    _check_repeat_size(a, repeats, axis)
    if _on_host([a]):  # (NumPy's own repeat of the values, in place)
        return from_numpy(onp.repeat(onp.asarray(a), repeats, axis))
    r = _counts(repeats) if isinstance(repeats, int) or onp.ndim(repeats) == 0 else None
    if r is not None and (axis is None or a.ndim):
        try:
            ax = 0 if axis is None else onp.lib.array_utils.normalize_axis_index(axis, a.ndim)
        except (TypeError, ValueError, IndexError):
            ax = None  # (NumPy's error, below)
        if ax is not None:
            # One count: a broadcast along a new axis after `axis`, merged into it.
            x = lax.reshape(a, (a.size,)) if axis is None else a
            n = x.shape
            big = n[: ax + 1] + r + n[ax + 1 :]
            dims = tuple(range(ax + 1)) + tuple(range(ax + 2, len(n) + 1))
            b = lax.broadcast_in_dim(x, big, dims)
            return _fresh(lax.reshape(b, n[:ax] + (n[ax] * r[0],) + n[ax + 1 :]), a)
    return _positions(lambda p: onp.repeat(p, repeats, axis), [a])


def _check_repeat_size(a, repeats, axis):
    """NumPy's repeat lets a total count past int64 wrap around, and then writes past what it
    allocated (a crash: repeat(ones(4), 2**62)); such a size is refused here first. Other bad
    input is left to NumPy's own errors."""
    if isinstance(repeats, int) and 0 <= repeats and a.size * repeats * 16 < 2**63:
        return  # (the usual case, without NumPy's checks of a count array)
    try:
        r = onp.asarray(repeats)
        if r.dtype.kind not in "iub" or r.size == 0 or (r < 0).any():
            return
        if axis is None or a.ndim == 0:
            n, rest = a.size, 1
        else:
            ax = onp.lib.array_utils.normalize_axis_index(operator.index(axis), a.ndim)
            n = a.shape[ax]
            rest = a.size // n if n else 0
    except (TypeError, ValueError, IndexError):
        return
    total = float(r.sum(dtype=onp.float64)) * (n if r.size == 1 else 1)
    if total * rest * 16 >= 2.0**63:  # (elements of up to 16 bytes: complex128)
        raise ValueError(
            "repeat: array is too big; `arr.size * arr.dtype.itemsize` is larger than the "
            "maximum possible size."
        )


def _repeat_to_length(a, repeats, axis, length):
    """Item i of the result is the item whose run of repeats covers i (the cumulative counts
    searched), the last item past the runs' end."""
    from arrax import numpy as np

    if axis is None or a.ndim == 0:  # (a 0-d array repeats as one item, as NumPy's does)
        a, axis = a.reshape(-1), 0
    axis = onp.lib.array_utils.normalize_axis_index(axis, a.ndim)
    n = a.shape[axis]
    if n == 0 or length == 0:
        return np.take(a, np.zeros((0,), onp.int64), axis=axis)
    ends = np.cumsum(np.broadcast_to(_arr(repeats).astype(onp.int64), (n,)))
    idx = np.searchsorted(ends, np.arange(length), side="right")
    return np.take(a, np.minimum(idx, n - 1), axis=axis)


def _split_views(name, ary, indices_or_sections, axis, equal):
    """The pieces of numpy.split/array_split as basic slices (views, as NumPy's)."""
    ary = _arr(ary)
    axis = onp.lib.array_utils.normalize_axis_index(axis, ary.ndim) if ary.ndim else axis
    total = ary.shape[axis]
    try:
        points = [0, *[int(i) for i in indices_or_sections], total]
    except TypeError:
        sections = int(indices_or_sections)
        if equal and total % sections:  # (NumPy's ZeroDivisionError for 0 sections too)
            raise ValueError(f"{name}: array split does not result in an equal division") from None
        if sections <= 0:
            raise ValueError(f"{name}: number sections must be larger than 0.") from None
        each, extra = divmod(total, sections)
        sizes = [0] + extra * [each + 1] + (sections - extra) * [each]
        points = list(onp.cumsum(sizes))
    before = (slice(None),) * axis
    return [ary[before + (slice(int(b), int(e)),)] for b, e in zip(points[:-1], points[1:])]


def split(ary, indices_or_sections, axis=0):
    """numpy.split: a list of views."""
    return _split_views("split", ary, indices_or_sections, axis, equal=True)


def array_split(ary, indices_or_sections, axis=0):
    """numpy.array_split: a list of views."""
    return _split_views("array_split", ary, indices_or_sections, axis, equal=False)


def hsplit(ary, indices_or_sections):
    """numpy.hsplit."""
    ary = _arr(ary)
    if ary.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if ary.ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    """numpy.vsplit."""
    ary = _arr(ary)
    if ary.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """numpy.dsplit."""
    ary = _arr(ary)
    if ary.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


def tril(m, k=0):
    """numpy.tril: zeros above the k-th diagonal (a select with NumPy's tri mask)."""
    m = _arr(m)
    mask = onp.tri(*m.shape[-2:], k=k, dtype=bool)
    return _select_mask(mask, m)


def triu(m, k=0):
    """numpy.triu: zeros below the k-th diagonal."""
    m = _arr(m)
    mask = ~onp.tri(*m.shape[-2:], k=k - 1, dtype=bool)
    return _select_mask(mask, m)


def _select_mask(mask, m):
    from arrax import numpy as np

    return np.where(_core.asarray(mask, None, None), m, np.zeros((), m.dtype))


def diag(v, k=0):
    """numpy.diag: the k-th diagonal of a 2-D array, or a 2-D array with v on it."""
    return _positions(lambda p: onp.diag(p, k), [v], values_ok=True)


def diagflat(v, k=0):
    """numpy.diagflat."""
    return _positions(lambda p: onp.diagflat(p, k), [v], values_ok=True)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """numpy.diagonal: NumPy's read-only view of a concrete array's memory (so a later write
    to the array shows through it, as in NumPy); a gather of a traced or device array, read-only
    too: a write to it raises as NumPy's does, where it would be silently lost."""
    x = _arr(a)
    if x.ndim >= 2 and _on_host([x]):
        return _core.asarray(onp.diagonal(onp.asarray(x), offset, axis1, axis2), None, None)
    out = _positions(lambda p: onp.diagonal(p, offset, axis1, axis2), [a])
    if isinstance(out, _core.ndarray) and not out._is_tracer:
        if isinstance(a, _core.ndarray) and out._shares_buffer(a):
            out = out.copy()
        out._set_writeable(False)
    return out


@takes_out("unsafe")
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """numpy.trace."""
    np = _np()

    return np.sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def column_stack(tup):
    """numpy.column_stack."""
    if not hasattr(tup, "__getitem__"):
        raise TypeError(
            'column_stack: arrays to stack must be passed as a "sequence" type such as list or tuple.'
        )
    return _positions(lambda *ps: onp.column_stack(ps), list(tup), values_ok=True)


def block(arrays):
    """numpy.block (nested lists of arrays)."""
    leaves = []

    def collect(x):
        if isinstance(x, list):
            return [collect(e) for e in x]
        leaves.append(x)
        return len(leaves) - 1

    structure = collect(arrays)

    def build(*ps):
        def fill(s):
            return [fill(e) for e in s] if isinstance(s, list) else ps[s]

        return onp.block(fill(structure))

    return _positions(build, leaves)


def append(arr, values, axis=None):
    """numpy.append."""
    return _positions(lambda a, v: onp.append(a, v, axis), [arr, values], values_ok=True)


def insert(arr, obj, values, axis=None):
    """numpy.insert. Concrete insertion points ask NumPy where each element lands; traced ones
    (an integer or a 1-d integer array under jit/vmap) are placed by scatters, with
    out-of-range points clipped to the ends as jax.numpy.insert does."""
    a = _arr(arr)
    if isinstance(obj, _core.ndarray) and obj._is_tracer:
        return _insert_traced(a, obj, values, axis)
    if isinstance(obj, _core.ndarray):
        obj = onp.asarray(obj)
    return _positions(lambda p, v: onp.insert(p, obj, v, axis), [a, _arr(values).astype(a.dtype)])


def _insert_traced(a, obj, values, axis):
    """insert at traced points, NumPy's rules for the values' shape: a scalar point takes the
    values with ndmin=a.ndim and their first axis moved to `axis` (so several may go in at one
    point); an array of points takes one slice per point, inserted before the old element at
    that point, equal points in their given order."""
    from arrax import numpy as np

    if axis is None:
        a, axis = a.reshape(-1), 0
    (axis,) = normalize_axis_tuple(axis, a.ndim)
    if obj.dtype.kind not in "iu":
        raise IndexError(
            "insert: index array argument obj to insert must be one dimensional or scalar"
        )
    if obj.ndim > 1:
        raise ValueError(
            "insert: index array argument obj to insert must be one dimensional or scalar"
        )
    n = a.shape[axis]
    v = _arr(values).astype(a.dtype)
    v = v.reshape((1,) * max(a.ndim - v.ndim, 0) + v.shape)
    points = np.clip(np.where(obj < 0, obj + n, obj), 0, n).astype(onp.int64)
    if obj.size == 1:  # NumPy's single-point case, even for a 1-d obj of one element
        if obj.ndim == 0:
            v = np.moveaxis(v, 0, axis)
        k = v.shape[axis]
        new_at = points.reshape(()) + np.arange(k, dtype=onp.int64)
    else:
        k = obj.shape[0]
        order = np.argsort(points, stable=True)
        new_at = points[order] + np.arange(k, dtype=onp.int64)
        while v.ndim > a.ndim and v.shape[0] == 1:
            v = v[0]
        v = np.take(np.broadcast_to(v, a.shape[:axis] + (k,) + a.shape[axis + 1 :]), order, axis)
    while v.ndim > a.ndim and v.shape[0] == 1:  # (NumPy's setitem drops leading 1s)
        v = v[0]
    v = np.broadcast_to(v, a.shape[:axis] + (k,) + a.shape[axis + 1 :])
    # Old element i moves past the new ones inserted at or before it.
    old = np.arange(n, dtype=onp.int64)
    old_at = old + np.searchsorted(np.sort(new_at - np.arange(k, dtype=onp.int64)), old, "right")
    out = np.zeros((n + k,) + a.shape[:axis] + a.shape[axis + 1 :], a.dtype)
    out = out.at[new_at].set(np.moveaxis(v, axis, 0))
    out = out.at[old_at].set(np.moveaxis(a, axis, 0))
    return np.moveaxis(out, 0, axis)


def delete(arr, obj, axis=None, *, assume_unique_indices=False):
    """numpy.delete. With assume_unique_indices (JAX's keyword) an array of integer indices
    is taken to hold distinct ones and may be traced: deleted as jax.numpy.delete does (which
    clips indices to the axis rather than raising)."""
    if assume_unique_indices and isinstance(obj, (list, tuple, onp.ndarray, _core.ndarray)):
        o = obj if isinstance(obj, _core.ndarray) else onp.asarray(obj)
        if o.dtype.kind in "iu" and (o.ndim or isinstance(o, _core.ndarray) and o._is_tracer):
            return _delete_unique(arr, _arr(o), axis)
    if isinstance(obj, _core.ndarray):
        obj = onp.asarray(obj)
    return _positions(lambda p: onp.delete(p, obj, axis), [arr], values_ok=True)


def _delete_unique(arr, obj, axis):
    """jax.numpy.delete's traceable case: the kept positions, from the sorted distinct deleted
    ones (each kept index i moves past the deleted ones at or before it)."""
    from arrax import numpy as np

    a = _arr(arr)
    if axis is None:
        a, axis = a.reshape(-1), 0
    (axis,) = normalize_axis_tuple(axis, a.ndim)
    n = a.shape[axis]
    o = obj.reshape(-1)
    o = np.sort(np.clip(np.where(o < 0, o + n, o), 0, n))
    o = o - np.arange(o.shape[0], dtype=o.dtype)
    i = np.arange(max(n - o.shape[0], 0), dtype=o.dtype)
    i = i + np.sum(i[None, :] >= o[:, None], axis=0, dtype=i.dtype)
    return np.take(a, i, axis=axis)


def resize(a, new_shape):
    """numpy.resize: repeats a to fill the new shape."""
    if isinstance(new_shape, _core.ndarray):  # (else NumPy's reshape hands it back to arrax)
        new_shape = onp.asarray(new_shape)
    return _positions(lambda p: onp.resize(p, new_shape), [a], values_ok=True)


_REARRANGING_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "empty")


def _pad_reflect_odd(a, pad_width, mode):
    """numpy.pad's reflect/symmetric with reflect_type="odd", NumPy's algorithm step for step:
    axis after axis, chunks of at most the current length reflected about the current edge
    (``2 * edge - chunk``, in the array's dtype), so pads wider than the array see the edges
    that the earlier chunks made."""
    from arrax import numpy as np

    widths = onp.broadcast_to(onp.asarray(pad_width), (a.ndim, 2)).tolist()
    edge_offset = 1 if mode == "symmetric" else 0
    out = a
    for axis, (left, right) in enumerate(widths):
        left, right = int(left), int(right)
        n = a.shape[axis]
        if left == 0 and right == 0:
            continue
        if n == 1:  # (NumPy extends a singleton axis with its edge value)
            out = np.take(out, [0] * (left + 1 + right), axis=axis)
            continue
        while left > 0 or right > 0:
            length = out.shape[axis]
            if edge_offset:
                old_length = length // n * n
            else:
                old_length = (length - 1) // (n - 1) * (n - 1)
            parts = [out]
            if left > 0:
                chunk = min(old_length, left)
                # out[chunk - edge_offset], ..., out[1 - edge_offset]
                idx = list(range(chunk - edge_offset, -edge_offset, -1))
                edge = np.take(out, [0], axis=axis)
                parts.insert(0, 2 * edge - np.take(out, idx, axis=axis))
                left -= chunk
            if right > 0:
                chunk = min(old_length, right)
                # out[edge_offset - 2], ..., counting down
                start = length + edge_offset - 2
                idx = list(range(start, start - chunk, -1))
                edge = np.take(out, [length - 1], axis=axis)
                parts.append(2 * edge - np.take(out, idx, axis=axis))
                right -= chunk
            out = np.concatenate([p.astype(a.dtype) for p in parts], axis=axis)
    return out


_STATISTIC_PAD_MODES = ("mean", "median", "maximum", "minimum", "linear_ramp")


def _pad_statistic(a, pad_width, mode, kwargs):
    """numpy.pad's statistic modes in arrax ops (so they trace and differentiate), NumPy's
    order: axis after axis, each edge's statistic over at most stat_length elements of the
    unpadded extent (which, along later axes, includes the earlier axes' padding)."""
    from arrax import numpy as np

    # NumPy's own argument checks and errors, on a stand-in of the same shape.
    onp.pad(
        onp.zeros(a.shape, onp.float64 if a.dtype.kind in "fc" else a.dtype),
        pad_width,
        mode,
        **{k: onp.zeros(v.shape) if isinstance(v, _core.ndarray) else v for k, v in kwargs.items()},
    )
    widths = onp.broadcast_to(onp.asarray(pad_width, onp.int64), (a.ndim, 2)).tolist()
    if mode == "linear_ramp":
        ends = kwargs.get("end_values", 0)
        ends = (
            np.broadcast_to(_arr(ends), (a.ndim, 2))
            if isinstance(ends, _core.ndarray)
            else (onp.broadcast_to(onp.asarray(ends), (a.ndim, 2)))
        )
    else:
        lengths = kwargs.get("stat_length")
        lengths = (
            [[None, None]] * a.ndim
            if lengths is None
            else (onp.broadcast_to(onp.asarray(lengths, onp.int64), (a.ndim, 2)).tolist())
        )
    stat = {"mean": np.mean, "median": np.median, "maximum": np.max, "minimum": np.min}.get(mode)
    out = a
    for axis, (left, right) in enumerate(widths):
        if left == 0 and right == 0:
            continue
        n = a.shape[axis]
        parts = []
        for side, width in ((0, left), (1, right)):
            shape = out.shape[:axis] + (width,) + out.shape[axis + 1 :]
            edge_at = 0 if side == 0 else n - 1
            if mode == "linear_ramp":
                edge = np.take(out, [edge_at], axis=axis)
                edge = edge.astype(_np().result_type(edge.dtype, onp.float64))
                end = ends[axis][side]
                steps = np.arange(width, dtype=onp.float64).reshape(
                    (-1,) + (1,) * (out.ndim - axis - 1)
                )
                # NumPy's linspace(end, edge, width, endpoint=False), its rounding
                ramp = steps * ((edge - end) / width) + end
                if side == 1:
                    ramp = np.flip(ramp, axis)
                values = np.floor(ramp) if a.dtype.kind in "iub" else ramp
            else:
                m = n if lengths[axis][side] is None else min(lengths[axis][side], n)
                region = np.take(out, onp.arange(m) if side == 0 else onp.arange(n - m, n), axis)
                values = stat(region, axis=axis, keepdims=True)
                if mode in ("mean", "median") and a.dtype.kind in "iu":
                    values = np.round(values)
            parts.append(np.broadcast_to(values.astype(a.dtype), shape))
        out = np.concatenate([parts[0], out, parts[1]], axis=axis)
    return out


def _returned_or_modified(function):
    def call(vector, *args):
        result = function(vector, *args)
        return vector if result is None else result

    return call


def _pad_func(a, pad_width, function, kwargs):
    """pad with a callable mode: the array zero-padded, then ``function(vector, pad_width[axis],
    axis, kwargs)`` on each 1-D slice along each axis in turn. NumPy's functions modify the
    slice (a view) in place and return None; JAX's return the new slice (``vector.at[...]
    .set(...)``): a returned value replaces the slice. On a traced array the function must
    return its slice (it is mapped with vmap, as JAX's apply_along_axis)."""
    from arrax import numpy as np

    widths = onp.broadcast_to(onp.asarray(pad_width, dtype=onp.int64), (a.ndim, 2))
    widths = [(int(lo), int(hi)) for lo, hi in widths.tolist()]
    padded = pad(a, widths, "constant")
    for axis in range(padded.ndim):
        if padded._is_tracer:
            padded = np.apply_along_axis(
                _returned_or_modified(function), axis, padded, widths[axis], axis, kwargs
            )
            continue
        view = np.moveaxis(padded, axis, -1)
        for ind in onp.ndindex(view.shape[:-1]):
            row = view[ind + (Ellipsis,)]
            result = function(row, widths[axis], axis, kwargs)
            if result is not None:
                view[ind + (Ellipsis,)] = result
    return padded


def _pad_pairs(pad_width, ndim):
    """pad_width as (before, after) per axis when it is plain non-negative integers (NumPy's
    broadcast of it to (ndim, 2)); None for anything else, left to NumPy's own checks."""
    try:
        w = onp.asarray(pad_width)
        if w.dtype.kind not in "iu" or (w < 0).any():
            return None
        return [(int(lo), int(hi)) for lo, hi in onp.broadcast_to(w, (ndim, 2))]
    except (TypeError, ValueError):
        return None


def pad(array, pad_width, mode="constant", **kwargs):
    """numpy.pad: every mode. constant, edge, reflect, symmetric and wrap (and empty, as zeros)
    are gathers; the statistic modes (mean, median, maximum, minimum, linear_ramp) are NumPy's
    on concrete arrays (ten times faster than composing them) and compose reductions on traced
    ones (jit, vmap, derivatives); a callable mode takes NumPy's in-place functions and JAX's
    functions returning the padded vector."""
    a = _arr(array)
    if isinstance(pad_width, _core.ndarray):
        pad_width = onp.asarray(pad_width)
    if mode in _STATISTIC_PAD_MODES and a.size and a._is_tracer:
        return _pad_statistic(a, pad_width, mode, kwargs)
    if callable(mode):
        return _pad_func(a, pad_width, mode, kwargs)
    if mode not in _REARRANGING_PAD_MODES:
        if a._is_tracer:
            raise NotImplementedError(
                f"pad: a {'callable' if callable(mode) else repr(mode)} mode needs the "
                "array's values, which a traced array (under jit or vmap) does not have"
            )
        return _core.asarray(onp.pad(onp.asarray(a), pad_width, mode, **kwargs), None, None)
    if mode in ("constant", "empty"):
        cv = kwargs.pop("constant_values", 0) if mode == "constant" else 0
        if kwargs:  # (NumPy's ValueError and wording)
            raise ValueError(f"unsupported keyword arguments for mode '{mode}': {set(kwargs)}")
        if isinstance(cv, _core.ndarray) and cv._is_tracer:
            # A traced constant (under jit, or differentiated): selected into the padding.
            if cv.ndim != 0:
                raise NotImplementedError("pad: traced constant_values must be a scalar")
            from arrax import numpy as np

            border = onp.pad(onp.zeros(a.shape, bool), pad_width, "constant", constant_values=True)
            base = _positions(lambda p: onp.pad(p, pad_width, "constant"), [a], dtype=a.dtype)
            return np.where(_core.asarray(border, None, None), cv.astype(a.dtype), base)
        cv_arr = onp.asarray(cv.__array__() if isinstance(cv, _core.ndarray) else cv)
        widths = _pad_pairs(pad_width, a.ndim)
        if cv_arr.ndim == 0 and widths is not None:
            # (lax.pad: one pass writing the border and the array, where a gather of positions
            # cost a NumPy pad of int64 positions, a join and a gather)
            fill = lax.full((), cv_arr[()], a.dtype)
            r = lax.pad(a, fill, [(lo, hi, 0) for lo, hi in widths])
            if not r._is_tracer and r._shares_buffer(a):
                r = r.copy()  # (no padding at all: still a new array, as NumPy's)
            if a.ndim >= 2 and not a._is_tracer and a._f_contiguous and not a._c_contiguous:
                r = with_layout("pad", r, "F")  # (NumPy pads a Fortran array in Fortran order)
            return r
        if cv_arr.ndim == 0:
            return _positions(
                lambda p: onp.pad(p, pad_width, "constant"), [a], fill=cv_arr[()], dtype=a.dtype
            )
        # Per-edge constants: NumPy pads the positions with marker values we replace.
        marks = onp.pad(onp.zeros(a.shape, onp.int64), pad_width, "constant", constant_values=-1)
        base = _positions(lambda p: onp.pad(p, pad_width, "constant"), [a], dtype=a.dtype)
        values = onp.pad(onp.zeros(a.shape, a.dtype), pad_width, "constant", constant_values=cv)
        from arrax import numpy as np

        return np.where(
            _core.asarray(marks == -1, None, None), _core.asarray(values, None, None), base
        )
    if mode in ("reflect", "symmetric") and kwargs.get("reflect_type") == "odd":
        onp.pad(onp.zeros(a.shape, onp.int8), pad_width, mode, **kwargs)  # NumPy's errors
        if a.size:
            return _pad_reflect_odd(a, pad_width, mode)
    return _positions(lambda p: onp.pad(p, pad_width, mode, **kwargs), [a], values_ok=True)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """numpy.meshgrid."""
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    np = _np()

    # NumPy's construction, so each grid keeps its own array's dtype
    n = len(xi)
    grids = [_arr(x).reshape((1,) * i + (-1,) + (1,) * (n - i - 1)) for i, x in enumerate(xi)]
    if indexing == "xy" and n > 1:
        grids[0] = grids[0].reshape((1, -1) + (1,) * (n - 2))
        grids[1] = grids[1].reshape((-1, 1) + (1,) * (n - 2))
    if not sparse:
        grids = np.broadcast_arrays(*grids)
    return tuple(g.copy() if copy else g for g in grids)


def indices(dimensions, dtype=int, sparse=False):
    """numpy.indices."""
    r = onp.indices(dimensions, dtype=dtype, sparse=sparse)
    if sparse:
        return from_numpy(r)
    return _core.asarray(r, None, None)


def unstack(x, /, *, axis=0):
    """numpy.unstack (NumPy 2.1, Array API 2023.12): the slices along axis, as a tuple."""
    x = _arr(x)
    from arrax import numpy as np

    if x.ndim == 0:
        raise ValueError("unstack: Input array must be at least 1-d.")
    axis = onp.lib.array_utils.normalize_axis_index(axis, x.ndim)  # (AxisError, a ValueError)
    return tuple(np.moveaxis(x, axis, 0)[i] for i in range(x.shape[axis]))
