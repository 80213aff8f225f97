"""XLA's general gather and scatter (``jax.lax.gather``, ``scatter``, ``scatter_add`` ...).

Each is composed from the flat ``take`` / ``scatter`` primitives: the dimension numbers and
the start indices give every element of the gather's output (the scatter's updates) its flat
position in the operand. The window part of a position is a constant of the shapes; the
start part is index arithmetic on the (possibly traced) indices. So these trace under jit
and vmap and differentiate through the primitives' rules, except that scatters which do not
add (set, mul, min, max) carry JAX's derivative rules (below), which hold with duplicate
indices too.
"""

import enum
import functools
import math
from typing import NamedTuple

import numpy as _onp

from arrax._trace_core import is_inexact
from arrax.lax import _ops as lax

__all__ = [
    "GatherDimensionNumbers",
    "ScatterDimensionNumbers",
    "GatherScatterMode",
    "gather",
    "scatter",
    "scatter_add",
    "scatter_sub",
    "scatter_mul",
    "scatter_min",
    "scatter_max",
    "scatter_apply",
]

_PY_SCALARS = (bool, int, float, complex)


from arrax._trace_core import numpy_module as _np  # noqa: E402 (arrax.numpy, imported late)


class GatherDimensionNumbers(NamedTuple):
    """How a gather's operand, start indices and output dimensions relate (XLA's, with the
    index vector always the indices' last dimension). ``offset_dims``: the output's window
    dimensions. ``collapsed_slice_dims``: operand dimensions of slice size 1 with no output
    dimension. ``start_index_map[k]``: the operand dimension index-vector entry k starts.
    ``operand_batching_dims`` pair with ``start_indices_batching_dims`` as a shared batch."""

    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class ScatterDimensionNumbers(NamedTuple):
    """The mirror image of GatherDimensionNumbers for a scatter. ``update_window_dims``: the
    updates' window dimensions. ``inserted_window_dims``: operand dimensions of window size 1
    the updates lack. ``scatter_dims_to_operand_dims[k]``: the operand dimension index-vector
    entry k starts. ``operand_batching_dims`` pair with ``scatter_indices_batching_dims``."""

    update_window_dims: tuple[int, ...]
    inserted_window_dims: tuple[int, ...]
    scatter_dims_to_operand_dims: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    scatter_indices_batching_dims: tuple[int, ...] = ()


class GatherScatterMode(enum.Enum):
    """What a window not wholly inside the operand does. CLIP: the window moves (its start
    indices are clamped) to fit. FILL_OR_DROP: a gather fills the whole window with
    ``fill_value``; a scatter drops the whole window. PROMISE_IN_BOUNDS: the caller promises
    it does not happen; as JAX's CPU/GPU lowering, gathers then clamp and scatters drop."""

    CLIP = enum.auto()
    FILL_OR_DROP = enum.auto()
    PROMISE_IN_BOUNDS = enum.auto()

    @staticmethod
    def from_any(s):
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s == "fill" or s == "drop":
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        raise ValueError(f'Unknown gather mode "{s}"')


# --- dimension-number checks: JAX's, in its order, with errors that name the function -----


def _dims(name, dnums, field):
    dims = getattr(dnums, field)
    try:
        return tuple(int(d) for d in dims)
    except TypeError:
        raise TypeError(f"{name}: {field} must be a sequence of integers, got {dims!r}") from None


def _sorted_unique_in_range(name, field, dims, rank):
    if list(dims) != sorted(dims):
        raise TypeError(f"{name}: {field} must be sorted; got {dims}")
    _unique_in_range(name, field, dims, rank)


def _unique_in_range(name, field, dims, rank):
    if len(set(dims)) != len(dims):
        raise TypeError(f"{name}: {field} must not repeat; got {dims}")
    for d in dims:
        if not 0 <= d < rank:
            raise TypeError(f"{name}: invalid {field}; valid range is [0, {rank}), got {d}")


def _disjoint(name, field1, dims1, field2, dims2):
    if set(dims1) & set(dims2):
        raise TypeError(f"{name}: {field1} and {field2} must be disjoint; got {dims1}, {dims2}")


def _check_indexing(
    name,
    operand,
    indices,
    index_map,
    map_field,
    window_field,
    window_dims,
    op_bdims,
    idx_bdims,
    idx_bfield,
):
    """The checks gather and scatter share: index map, operand dims and batching dims."""
    if len(index_map) != indices.shape[-1]:
        raise TypeError(
            f"{name}: {map_field} has {len(index_map)} elements but the index vector (the "
            f"indices' last dimension) has {indices.shape[-1]}; the two must be equal"
        )
    _unique_in_range(name, map_field, index_map, operand.ndim)
    _sorted_unique_in_range(name, window_field, window_dims, operand.ndim)
    _sorted_unique_in_range(name, "operand_batching_dims", op_bdims, operand.ndim)
    _disjoint(name, window_field, window_dims, "operand_batching_dims", op_bdims)
    _disjoint(name, map_field, index_map, "operand_batching_dims", op_bdims)
    _unique_in_range(name, idx_bfield, idx_bdims, indices.ndim)
    if indices.ndim - 1 in idx_bdims:
        raise TypeError(
            f"{name}: the index vector dimension cannot be a batching dimension; got "
            f"{idx_bfield}={idx_bdims}"
        )
    if len(op_bdims) != len(idx_bdims):
        raise TypeError(
            f"{name}: operand_batching_dims and {idx_bfield} must have equal lengths, got "
            f"{op_bdims} and {idx_bdims}"
        )
    op_shape = tuple(operand.shape[d] for d in op_bdims)
    idx_shape = tuple(indices.shape[d] for d in idx_bdims)
    if op_shape != idx_shape:
        raise TypeError(
            f"{name}: the operand's and the indices' batching dimensions must have the same "
            f"shape, got {op_shape} and {idx_shape}"
        )


def _indices(name, x):
    x = lax.asarray(x)
    if x.dtype.kind not in "iu":
        raise ValueError(f"{name}: indices must have an integer type, got {x.dtype}")
    if x.ndim < 1:
        raise TypeError(f"{name}: the indices need a last dimension, the index vector")
    return x


# --- flat positions ---------------------------------------------------------------------


def _positions(
    operand_shape, indices, index_map, op_bdims, idx_bdims, window, out_shape, window_out_dims
):
    """The flat operand position of each element of ``out_shape`` (a gather's output, a
    scatter's updates), with the start indices clamped so every window fits, and where they
    did not need to be (a boolean array over the indices' batch shape; None when there are no
    start indices). ``window[d]`` is the window's size along operand dimension d."""
    np = _np()
    batch_shape = tuple(indices.shape[:-1])
    batch_out_dims = tuple(i for i in range(len(out_shape)) if i not in window_out_dims)
    strides = [math.prod(operand_shape[d + 1 :]) for d in range(len(operand_shape))]
    # Constants of the shapes: the batching dimensions' starts and the window offsets.
    const = _onp.zeros(batch_shape, _onp.int64)
    for od, idim in zip(op_bdims, idx_bdims):
        axis = [1] * len(batch_shape)
        axis[idim] = batch_shape[idim]
        const = const + _onp.arange(batch_shape[idim]).reshape(axis) * strides[od]
    skip = set(op_bdims) | {d for d in range(len(operand_shape)) if window[d] is None}
    window_operand_dims = [d for d in range(len(operand_shape)) if d not in skip]
    offsets = _onp.zeros([out_shape[i] for i in window_out_dims], _onp.int64)
    for j, d in enumerate(window_operand_dims):
        axis = [1] * len(window_out_dims)
        axis[j] = window[d]
        offsets = offsets + _onp.arange(window[d]).reshape(axis) * strides[d]
    start, inside = lax.asarray(const), None
    if index_map:
        idx = lax.convert_element_type(indices, _onp.int64)
        for k, d in enumerate(index_map):
            s = lax.index_in_dim(idx, k, axis=idx.ndim - 1, keepdims=False)
            hi = operand_shape[d] - (1 if window[d] is None else window[d])
            ok = (s >= 0) & (s <= hi)
            inside = ok if inside is None else inside & ok
            start = start + np.clip(s, 0, hi) * strides[d]
    pos = lax.broadcast_in_dim(start, out_shape, batch_out_dims) + lax.broadcast_in_dim(
        lax.asarray(offsets), out_shape, tuple(window_out_dims)
    )
    return pos, inside, batch_out_dims


# --- gather -------------------------------------------------------------------------------


def gather(
    operand,
    start_indices,
    dimension_numbers,
    slice_sizes,
    *,
    unique_indices=False,
    indices_are_sorted=False,
    mode=None,
    fill_value=None,
):
    """Like ``jax.lax.gather``: the windows of ``slice_sizes`` that start at each index
    vector of ``start_indices`` (last dimension). By default (``mode=None``, i.e.
    PROMISE_IN_BOUNDS) windows out of bounds are clamped into bounds, as with "clip";
    "fill"/"drop" fill them with ``fill_value``, by default NaN for inexact dtypes, the
    minimum of signed integers, the maximum of unsigned ones and True for bool.
    ``unique_indices`` and ``indices_are_sorted`` are hints, accepted and unused."""
    del unique_indices, indices_are_sorted
    name = "gather"
    mode = GatherScatterMode.from_any(GatherScatterMode.PROMISE_IN_BOUNDS if mode is None else mode)
    operand = lax.asarray(operand)
    indices = _indices(name, start_indices)
    d = dimension_numbers
    offset_dims = _dims(name, d, "offset_dims")
    collapsed = _dims(name, d, "collapsed_slice_dims")
    index_map = _dims(name, d, "start_index_map")
    op_bdims = _dims(name, d, "operand_batching_dims")
    idx_bdims = _dims(name, d, "start_indices_batching_dims")
    slice_sizes = tuple(int(s) for s in slice_sizes)

    out_rank = len(offset_dims) + indices.ndim - 1
    _sorted_unique_in_range(name, "offset_dims", offset_dims, out_rank)
    _check_indexing(
        name,
        operand,
        indices,
        index_map,
        "start_index_map",
        "collapsed_slice_dims",
        collapsed,
        op_bdims,
        idx_bdims,
        "start_indices_batching_dims",
    )
    _disjoint(name, "collapsed_slice_dims", collapsed, "operand_batching_dims", op_bdims)
    if len(slice_sizes) != operand.ndim:
        raise TypeError(
            f"{name}: slice_sizes must have one size per operand dimension; got "
            f"len(slice_sizes)={len(slice_sizes)} for an operand of rank {operand.ndim}"
        )
    if operand.ndim != len(offset_dims) + len(collapsed) + len(op_bdims):
        raise TypeError(
            f"{name}: every operand dimension must be an offset, collapsed or batching "
            f"dimension; got offset_dims={offset_dims}, collapsed_slice_dims={collapsed}, "
            f"operand_batching_dims={op_bdims} for an operand of rank {operand.ndim}"
        )
    if indices.size:
        for i, (s, n) in enumerate(zip(slice_sizes, operand.shape)):
            if not 0 <= s <= n:
                raise TypeError(
                    f"{name}: slice size at index {i} is out of range, must be within "
                    f"[0, {n} + 1), got {s}"
                )
    for i in collapsed:
        if slice_sizes[i] != 1:
            raise TypeError(
                f"{name}: collapsed_slice_dims must have slice size 1, but dimension {i} has "
                f"{slice_sizes[i]}"
            )
    for i in op_bdims:
        if slice_sizes[i] > 1:
            raise TypeError(
                f"{name}: operand_batching_dims must have slice size 0 or 1, but dimension "
                f"{i} has {slice_sizes[i]}"
            )

    window_sizes = iter(s for i, s in enumerate(slice_sizes) if i not in collapsed + op_bdims)
    batch_sizes = iter(indices.shape[:-1])
    out_shape = tuple(
        next(window_sizes) if i in offset_dims else next(batch_sizes) for i in range(out_rank)
    )
    if math.prod(out_shape) == 0:
        return lax.full(out_shape, 0, operand.dtype)
    window = [None if i in collapsed else s for i, s in enumerate(slice_sizes)]
    pos, inside, batch_out_dims = _positions(
        operand.shape, indices, index_map, op_bdims, idx_bdims, window, out_shape, offset_dims
    )
    got = lax.bind1("take", lax.reshape(operand, (operand.size,)), pos)
    if mode is GatherScatterMode.FILL_OR_DROP and inside is not None:
        if fill_value is None:
            from arrax._functional import _fill_default

            fill_value = _fill_default(operand.dtype)
        # A static scalar cast as JAX's full_like casts it (wrapping into unsigned types).
        fill = _onp.array(fill_value).astype(operand.dtype)
        keep = lax.broadcast_in_dim(inside, out_shape, batch_out_dims)
        got = lax.select(keep, got, lax.full(out_shape, fill, operand.dtype))
    return got


# --- scatter ------------------------------------------------------------------------------


def _take(x, pos):
    return lax.bind1("take", x, pos)


def _put(x, pos, u, kind):
    return lax.bind1("scatter", x, pos, u, mode=kind)


def _count(pos, size, where=None):
    """How many of the positions (those where `where` holds) land on each of size places."""
    ones = lax.full(pos.shape, 1, _onp.int64)
    if where is not None:
        ones = _np().where(where, ones, 0)
    return _put(lax.full((size,), 0, _onp.int64), pos, ones, "add")


def _set_jvp(x, pos, u, tx, tu):
    """JAX's rule for a scatter with repeated indices: each update is numbered, the numbers
    scattered say which update landed, and the tangent is a scatter-add of the winners' (and
    the untouched operand's) tangents, linear and so transposable."""
    np = _np()
    ids = lax.iota(_onp.int64, pos.shape[0]) + 1
    landed = _put(lax.full(x.shape, 0, _onp.int64), pos, ids, "set")
    won = _take(landed, pos) == ids
    t = _put(np.where(landed == 0, tx, 0), pos, np.where(won, tu, 0), "add")
    return _put(x, pos, u, "set"), t


def _mul_jvp(x, pos, u, tx, tu):
    """The product rule, over all the updates that land on a place: each update's tangent
    times the operand and the other updates there (found without dividing by zero: the
    product of the non-zero updates and the count of zero ones)."""
    np = _np()
    zero = u == 0
    n_zero = _take(_count(pos, x.shape[0], zero), pos)
    nonzero = np.where(zero, 1, u)
    prod = _take(_put(lax.full(x.shape, 1, x.dtype), pos, nonzero, "mul"), pos)
    others = np.where(
        zero, np.where(n_zero == 1, prod, 0), np.where(n_zero == 0, prod / nonzero, 0)
    )
    others = np.where(_take(_count(pos, x.shape[0]), pos) == 1, 1, others)
    t = _put(tx, pos, u, "mul") + x * _put(lax.full(x.shape, 0, x.dtype), pos, tu * others, "add")
    return _put(x, pos, u, "mul"), t


def _extremum_jvp(kind, x, pos, u, tx, tu):
    """JAX's rule for scatter min/max: the tangent at a place is the average of the tangents
    of the values (operand's and updates') that tie for the result there."""
    np = _np()
    out = _put(x, pos, u, kind)
    target = _take(out, pos)
    won = u == target
    kept = _take(x, pos) == target
    n_won = _take(_count(pos, x.shape[0], won), pos).astype(x.dtype)
    n_refs = _take(_count(pos, x.shape[0]), pos).astype(x.dtype)
    share = np.where(kept, 1 / (n_won + 1), 1 / np.maximum(n_won, 1))
    u_coef = np.where(won, share, 0)
    x_coef = (np.where(kept, share, 0) - 1) / n_refs
    return out, _put(tx, pos, _take(tx, pos) * x_coef + tu * u_coef, "add")


@functools.cache
def _differentiable_scatter(kind):
    """The flat scatter primitive with `kind`'s derivative rule, for inexact operands."""
    from arrax._ad import custom_jvp

    rule = {
        "set": _set_jvp,
        "mul": _mul_jvp,
        "min": functools.partial(_extremum_jvp, "min"),
        "max": functools.partial(_extremum_jvp, "max"),
    }[kind]

    def flat_scatter(x, pos, u):
        return _put(x, pos, u, kind)

    flat_scatter.__name__ = f"scatter_{kind}"
    f = custom_jvp(flat_scatter)
    f.defjvp(lambda primals, tangents: rule(*primals, tangents[0], tangents[2]))
    return f


def _scatter(name, kind, operand, scatter_indices, updates, dimension_numbers, mode):
    """operand with the updates' windows combined in by `kind` ("set", "add", "mul", "min",
    "max") at the positions the indices and dimension numbers give."""
    mode = GatherScatterMode.from_any(mode)
    operand = lax.asarray(operand)
    indices = _indices(name, scatter_indices)
    if isinstance(updates, _PY_SCALARS):
        updates = lax.asarray(updates, operand.dtype)
    updates = lax.asarray(updates)
    if updates.dtype != operand.dtype:
        raise TypeError(
            f"{name}: operand and updates must have the same dtype, got {operand.dtype} and "
            f"{updates.dtype}"
        )
    d = dimension_numbers
    window_dims = _dims(name, d, "update_window_dims")
    inserted = _dims(name, d, "inserted_window_dims")
    index_map = _dims(name, d, "scatter_dims_to_operand_dims")
    op_bdims = _dims(name, d, "operand_batching_dims")
    idx_bdims = _dims(name, d, "scatter_indices_batching_dims")

    rank = indices.ndim - 1 + len(window_dims)
    if updates.ndim != rank:
        raise TypeError(f"{name}: updates must be of rank {rank}; got {updates.ndim}")
    _sorted_unique_in_range(name, "update_window_dims", window_dims, updates.ndim)
    _check_indexing(
        name,
        operand,
        indices,
        index_map,
        "scatter_dims_to_operand_dims",
        "inserted_window_dims",
        inserted,
        op_bdims,
        idx_bdims,
        "scatter_indices_batching_dims",
    )
    if operand.ndim != len(window_dims) + len(inserted) + len(op_bdims):
        raise TypeError(
            f"{name}: the window has {len(window_dims) + len(inserted) + len(op_bdims)} "
            f"dimensions (update_window_dims, inserted_window_dims, operand_batching_dims); "
            f"the operand has rank {operand.ndim}"
        )
    window = [None if i in inserted else 1 for i in range(operand.ndim)]
    operand_window_dims = [i for i in range(operand.ndim) if i not in inserted + op_bdims]
    for od, ud in zip(operand_window_dims, window_dims):
        if updates.shape[ud] > operand.shape[od]:
            raise TypeError(
                f"{name}: the updates' window dimension {ud} has size {updates.shape[ud]}, "
                f"more than the operand's dimension {od} ({operand.shape[od]})"
            )
        window[od] = updates.shape[ud]
    scatter_shape = tuple(n for i, n in enumerate(updates.shape) if i not in window_dims)
    if scatter_shape != tuple(indices.shape[:-1]):
        raise TypeError(
            f"{name}: the updates' scatter dimensions {scatter_shape} must match the indices' "
            f"batch dimensions {tuple(indices.shape[:-1])}"
        )

    if updates.size == 0 or operand.size == 0:
        return _np().array(operand, copy=True)
    pos, inside, batch_out_dims = _positions(
        operand.shape,
        indices,
        index_map,
        op_bdims,
        idx_bdims,
        window,
        updates.shape,
        window_dims,
    )
    n = operand.size
    flat = lax.reshape(operand, (n,))
    drop = mode is not GatherScatterMode.CLIP and inside is not None
    if drop:
        # Dropped windows land on one extra place past the end, cut off afterwards: no
        # position ever leaves the array (so vmap's offsets into a batch stay in their row).
        keep = lax.broadcast_in_dim(inside, updates.shape, batch_out_dims)
        pos = lax.select(keep, pos, lax.full(pos.shape, n, _onp.int64))
        flat = lax.pad(flat, lax.asarray(0, flat.dtype), [(0, 1, 0)])
    pos, u = lax.reshape(pos, (updates.size,)), lax.reshape(updates, (updates.size,))
    if kind == "add" or not is_inexact(flat.dtype):
        out = _put(flat, pos, u, kind)
    else:
        out = _differentiable_scatter(kind)(flat, pos, u)
    if drop:
        out = lax.slice(out, (0,), (n,))
    return lax.reshape(out, operand.shape)


def _scatter_fn(name, kind, doc):
    def fn(
        operand,
        scatter_indices,
        updates,
        dimension_numbers,
        *,
        indices_are_sorted=False,
        unique_indices=False,
        mode=None,
    ):
        del indices_are_sorted, unique_indices  # hints; the rules hold without them
        if name == "scatter_sub":
            updates = _np().negative(updates)
        return _scatter(name, kind, operand, scatter_indices, updates, dimension_numbers, mode)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (
        f"Like ``jax.lax.{name}``: {doc} at the windows the index vectors of "
        "``scatter_indices`` (last dimension) start. By default (``mode=None``, i.e. "
        "FILL_OR_DROP) windows not wholly in bounds are dropped, as with "
        '"promise_in_bounds"; "clip" moves them into bounds. Repeated indices combine every '
        "update (``scatter``: the last one lands). ``indices_are_sorted`` and "
        "``unique_indices`` are hints, accepted and unused."
    )
    return fn


scatter = _scatter_fn("scatter", "set", "operand with its elements replaced by ``updates``")
scatter_add = _scatter_fn("scatter_add", "add", "operand plus ``updates``")
scatter_sub = _scatter_fn("scatter_sub", "add", "operand minus ``updates``")
scatter_mul = _scatter_fn("scatter_mul", "mul", "operand times ``updates``")
scatter_min = _scatter_fn("scatter_min", "min", "the minimum of operand and ``updates``")
scatter_max = _scatter_fn("scatter_max", "max", "the maximum of operand and ``updates``")


def scatter_apply(
    operand,
    scatter_indices,
    func,
    dimension_numbers,
    *,
    update_shape=(),
    indices_are_sorted=False,
    unique_indices=False,
    mode=None,
):
    """Like ``jax.lax.scatter_apply``: operand with the elementwise ``func`` applied at the
    windows (of ``update_shape``) the indices start, once per index that reaches an element.
    """
    from arrax import vmap
    from arrax.lax._control_flow import while_loop

    np = _np()
    operand = lax.asarray(operand)
    hits = scatter_add(
        lax.full(operand.shape, 0, _onp.int64),
        scatter_indices,
        lax.full(tuple(update_shape), 1, _onp.int64),
        dimension_numbers,
        mode=mode,
    )
    if operand.size == 0:
        return np.array(operand, copy=True)

    def apply_once(x):
        fx = vmap(func)(lax.reshape(x, (x.size,)))
        return lax.reshape(lax.asarray(fx).astype(x.dtype), x.shape)

    # func is applied as many times as an element is hit: rounds while any element needs one.
    def body(carry):
        k, x = carry
        return k + 1, np.where(hits > k, apply_once(x), x)

    rounds = np.max(hits)
    if not getattr(rounds, "_is_tracer", False):
        x = operand
        for k in range(int(rounds)):
            x = body((k, x))[1]
        return x
    init = (lax.asarray(0, _onp.int64), operand)
    return while_loop(lambda c: c[0] < rounds, body, init)[1]
