"""Rules of the structural primitives (cpp/primitives/structural.cpp, concatenate.cpp,
slicing.cpp, iota.cpp, random_bits.cpp) and of dot_general (dot.cpp)."""

import numpy as onp

from arrax import _core
from arrax._rules.common import (
    batch_by_loop,
    batch_elementwise,
    batch_size,
    batch_unary_shape_op,
    bdim_at_front,
    instantiate,
    linear_jvp,
    nondiff_jvp,
    shift_axes,
    to_front,
)
from arrax._rules.registry import defrules, is_undefined
from arrax.lax import _ops as lax


def _one(fn):
    """A transpose rule for a one-operand linear primitive: fn(ct, x, params) -> ct_x."""

    def transpose(cts, args, params):
        (ct,) = cts
        return [None if ct is None else fn(ct, args[0], params)] + [None] * (len(args) - 1)

    return transpose


# broadcast_in_dim: its transpose sums over the dimensions it added or stretched.
def _broadcast_transpose(ct, x, params):
    shape, bdims = params["shape"], params["broadcast_dimensions"]
    stretched = [bdims[i] for i, s in enumerate(x.shape) if s == 1 and shape[bdims[i]] != 1]
    axes = sorted(set(d for d in range(len(shape)) if d not in bdims) | set(stretched))
    r = lax.reduce_sum(ct, axes) if axes else ct
    return lax.reshape(r, x.shape)


defrules(
    "broadcast_in_dim",
    jvp=linear_jvp("broadcast_in_dim"),
    transpose=_one(_broadcast_transpose),
    batch=batch_unary_shape_op(
        "broadcast_in_dim",
        lambda x, p: dict(
            shape=(x.shape[0],) + tuple(p["shape"]),
            broadcast_dimensions=(0,) + shift_axes(p["broadcast_dimensions"]),
        ),
    ),
)
defrules(
    "reshape",
    jvp=linear_jvp("reshape"),
    transpose=_one(lambda ct, x, p: lax.reshape(ct, x.shape)),
    batch=batch_unary_shape_op(
        "reshape", lambda x, p: dict(new_sizes=(x.shape[0],) + tuple(p["new_sizes"]))
    ),
)
defrules(
    "transpose",
    jvp=linear_jvp("transpose"),
    transpose=_one(lambda ct, x, p: lax.transpose(ct, tuple(onp.argsort(p["permutation"])))),
    batch=batch_unary_shape_op(
        "transpose", lambda x, p: dict(permutation=(0,) + shift_axes(p["permutation"]))
    ),
)


def _slice_transpose(ct, x, p):
    # The slice's elements go back to their places; a negative stride (NumPy's x[::-1]) visits
    # them in decreasing order, so its cotangent is reversed first.
    start, strides = p["start_indices"], p["strides"]
    if any(m == 0 for m in ct.shape):
        return lax.zeros_like_aval(x.shape, x.dtype)
    ct = lax.rev(ct, [d for d, st in enumerate(strides) if st < 0])
    config = []
    for n, s, m, st in zip(x.shape, start, ct.shape, strides):
        if st < 0:
            s, st = s + (m - 1) * st, -st
        last = s + (m - 1) * st
        config.append((s, n - last - 1, st - 1))
    return lax.pad(ct, lax.asarray(0, ct.dtype), config)


defrules(
    "slice",
    jvp=linear_jvp("slice"),
    transpose=_one(_slice_transpose),
    batch=batch_unary_shape_op(
        "slice",
        lambda x, p: dict(
            start_indices=(0,) + tuple(p["start_indices"]),
            limit_indices=(x.shape[0],) + tuple(p["limit_indices"]),
            strides=(1,) + tuple(p["strides"]),
        ),
    ),
)


def _pad_transpose(cts, args, params):
    (ct,) = cts
    x, v = args
    if ct is None:
        return [None, None]
    low, high, interior = params["low"], params["high"], params["interior"]
    # Undo the edge padding (negative pads crop), then take every (interior + 1)-th element.
    unpadded = lax.pad(ct, lax.asarray(0, ct.dtype), [(-lo, -hi, 0) for lo, hi in zip(low, high)])
    ct_x = lax.slice(unpadded, (0,) * ct.ndim, unpadded.shape, tuple(i + 1 for i in interior))
    ct_v = None
    if is_undefined(v):
        total = lax.reduce_sum(ct, range(ct.ndim))
        ct_v = lax.bind1("sub", total, lax.reduce_sum(ct_x, range(ct_x.ndim)))
    return [ct_x if is_undefined(x) else None, ct_v]


def _pad_batch(values, dims, params):
    if dims[1] is not None:
        return batch_by_loop("pad")(values, dims, params)
    x = to_front(values[0], dims[0])
    p = {k: (0,) + tuple(v) for k, v in params.items()}
    return [lax.bind1("pad", x, values[1], **p)], [0]


defrules("pad", jvp=linear_jvp("pad"), transpose=_pad_transpose, batch=_pad_batch)


def _concatenate_transpose(cts, args, params):
    (ct,) = cts
    dim = params["dimension"]
    out, start = [], 0
    for a in args:
        n = a.shape[dim]
        if is_undefined(a) and ct is not None:
            out.append(lax.slice_in_dim(ct, start, start + n, 1, dim))
        else:
            out.append(None)
        start += n
    return out


def _concatenate_batch(values, dims, params):
    size = batch_size(values, dims)
    args = [bdim_at_front(v, d, size) for v, d in zip(values, dims)]
    return [lax.concatenate(args, params["dimension"] + 1)], [0]


defrules(
    "concatenate",
    jvp=linear_jvp("concatenate"),
    transpose=_concatenate_transpose,
    batch=_concatenate_batch,
)
defrules(
    "rev",
    jvp=linear_jvp("rev"),
    transpose=_one(lambda ct, x, p: lax.rev(ct, p["dimensions"])),
    batch=batch_unary_shape_op("rev", lambda x, p: dict(dimensions=shift_axes(p["dimensions"]))),
)


# dynamic_slice(x, *starts) / dynamic_update_slice(x, update, *starts)
def _dynamic_slice_jvp(primals, tangents, params):
    x, *idx = primals
    ans = lax.bind1("dynamic_slice", x, *idx, **params)
    t = tangents[0]
    return [ans], [None if t is None else lax.bind1("dynamic_slice", t, *idx, **params)]


def _dynamic_slice_transpose(cts, args, params):
    (ct,) = cts
    x, *idx = args
    if ct is None:
        return [None] * len(args)
    zeros = lax.zeros_like_aval(x.shape, x.dtype)
    return [lax.bind1("dynamic_update_slice", zeros, ct, *idx)] + [None] * len(idx)


def _dynamic_slice_batch(values, dims, params):
    if any(d is not None for d in dims[1:]):
        return batch_by_loop("dynamic_slice")(values, dims, params)
    x = to_front(values[0], dims[0])
    zero = lax.asarray(0, values[1].dtype if len(values) > 1 else onp.int64)
    sizes = (x.shape[0],) + tuple(params["slice_sizes"])
    return [lax.bind1("dynamic_slice", x, zero, *values[1:], slice_sizes=sizes)], [0]


defrules(
    "dynamic_slice",
    jvp=_dynamic_slice_jvp,
    transpose=_dynamic_slice_transpose,
    batch=_dynamic_slice_batch,
)


def _dus_jvp(primals, tangents, params):
    x, u, *idx = primals
    tx, tu = tangents[:2]
    ans = lax.bind1("dynamic_update_slice", x, u, *idx)
    if tx is None and tu is None:
        return [ans], [None]
    t = lax.bind1("dynamic_update_slice", instantiate(tx, x), instantiate(tu, u), *idx)
    return [ans], [t]


def _dus_transpose(cts, args, params):
    (ct,) = cts
    x, u, *idx = args
    if ct is None:
        return [None] * len(args)
    ct_x = ct_u = None
    if is_undefined(x):
        ct_x = lax.bind1("dynamic_update_slice", ct, lax.zeros_like_aval(u.shape, u.dtype), *idx)
    if is_undefined(u):
        ct_u = lax.bind1("dynamic_slice", ct, *idx, slice_sizes=tuple(u.shape))
    return [ct_x, ct_u] + [None] * len(idx)


def _dus_batch(values, dims, params):
    if any(d is not None for d in dims[2:]):
        return batch_by_loop("dynamic_update_slice")(values, dims, params)
    size = batch_size(values, dims)
    x, u = (bdim_at_front(v, d, size) for v, d in zip(values[:2], dims[:2]))
    zero = lax.asarray(0, values[2].dtype if len(values) > 2 else onp.int64)
    return [lax.bind1("dynamic_update_slice", x, u, zero, *values[2:])], [0]


defrules("dynamic_update_slice", jvp=_dus_jvp, transpose=_dus_transpose, batch=_dus_batch)

# stop_gradient: the value passes, the tangent does not.
defrules(
    "stop_gradient", jvp=nondiff_jvp("stop_gradient"), batch=batch_elementwise("stop_gradient")
)

# Integer-valued primitives: no tangents.
defrules("iota", jvp=nondiff_jvp("iota"), batch=batch_by_loop("iota"))
defrules("threefry2x32", jvp=nondiff_jvp("threefry2x32"), batch=batch_elementwise("threefry2x32"))
defrules(
    "bitcast_convert_type",
    jvp=nondiff_jvp("bitcast_convert_type"),
    batch=batch_elementwise("bitcast_convert_type"),
)


# dot_general: bilinear. Output dimensions are (batch, lhs free, rhs free).
def _free_dims(ndim, contracting, batch):
    return [d for d in range(ndim) if d not in contracting and d not in batch]


def _dot_jvp(primals, tangents, params):
    (x, y), (tx, ty) = primals, tangents
    ans = _core.bind("dot_general", [x, y], params)[0]
    out = None
    if tx is not None:
        out = _core.bind("dot_general", [tx, y], params)[0]
    if ty is not None:
        t = _core.bind("dot_general", [x, ty], params)[0]
        out = t if out is None else lax.bind1("add", out, t)
    return [ans], [out]


def _dot_transpose_lhs(ct, x_shape, y, lc, rc, lb, rb, swap):
    """The cotangent of lhs (shape x_shape) of dot_general(lhs, y) given the output's ct.
    With swap, the product was dot_general(y, lhs), so y's free dims come first in ct."""
    x_nd, y_nd = len(x_shape), y.ndim
    x_free = _free_dims(x_nd, lc, lb)
    y_free = _free_dims(y_nd, rc, rb)
    nb = len(lb)
    if swap:
        ct_y_free = list(range(nb, nb + len(y_free)))
    else:
        ct_y_free = list(range(nb + len(x_free), nb + len(x_free) + len(y_free)))
    order = sorted(range(len(rc)), key=lambda i: rc[i])
    x_contract_by_y = [lc[i] for i in order]
    batch = list(range(nb))
    # Two ways to contract ct with y over y's free dims; prefer the one whose result is
    # already in x's layout (no transpose), as for the weights of x @ w.
    y_first = list(lb) + x_contract_by_y + x_free
    if y_first == sorted(y_first):
        return lax.dot_general(y, ct, ((y_free, ct_y_free), (list(rb), batch)))
    r = lax.dot_general(ct, y, ((ct_y_free, y_free), (batch, list(rb))))
    produced = list(lb) + x_free + x_contract_by_y
    return lax.transpose(r, tuple(onp.argsort(produced)))


def _dot_transpose(cts, args, params):
    (ct,) = cts
    x, y = args
    lc, rc = params["lhs_contracting"], params["rhs_contracting"]
    lb, rb = params["lhs_batch"], params["rhs_batch"]
    if ct is None:
        return [None, None]
    if is_undefined(x) and is_undefined(y):
        raise TypeError("dot_general: both operands are linear, so the product is not linear")
    if is_undefined(x):
        return [_dot_transpose_lhs(ct, x.shape, y, lc, rc, lb, rb, False), None]
    return [None, _dot_transpose_lhs(ct, y.shape, x, rc, lc, rb, lb, True)]


def _dot_batch(values, dims, params):
    (x, y), (dx, dy) = values, dims
    lc, rc = params["lhs_contracting"], params["rhs_contracting"]
    lb, rb = params["lhs_batch"], params["rhs_batch"]
    if dx is not None and dy is not None:
        x, y = to_front(x, dx), to_front(y, dy)
        p = dict(
            lhs_contracting=shift_axes(lc),
            rhs_contracting=shift_axes(rc),
            lhs_batch=(0,) + shift_axes(lb),
            rhs_batch=(0,) + shift_axes(rb),
        )
        return [lax.bind1("dot_general", x, y, **p)], [0]
    if dx is not None:
        x = to_front(x, dx)  # a new free lhs dimension, first among lhs free dims
        p = dict(params, lhs_contracting=shift_axes(lc), lhs_batch=shift_axes(lb))
        return [lax.bind1("dot_general", x, y, **p)], [len(lb)]
    y = to_front(y, dy)
    p = dict(params, rhs_contracting=shift_axes(rc), rhs_batch=shift_axes(rb))
    n_x_free = len(_free_dims(x.ndim, lc, lb))
    return [lax.bind1("dot_general", x, y, **p)], [len(lb) + n_x_free]


defrules("dot_general", jvp=_dot_jvp, transpose=_dot_transpose, batch=_dot_batch)


# take(x, idx) / scatter_add(u, idx; size): gather and scatter of a flat operand.
def _take_jvp(primals, tangents, params):
    x, idx = primals
    ans = lax.bind1("take", x, idx)
    t = tangents[0]
    return [ans], [None if t is None else lax.bind1("take", t, idx)]


def _take_transpose(cts, args, params):
    (ct,) = cts
    x, idx = args
    if ct is None:
        return [None, None]
    return [lax.bind1("scatter_add", ct, idx, size=int(x.shape[0])), None]


def _offsets(idx, size, n, out_of_range):
    """idx (batch leading) shifted into a flattened (batch * n) operand. An index outside
    [0, n) must not reach a neighbouring row: it is clamped into its own row ("clamp", as take
    and scatter_add treat it) or sent past the end of the flat operand ("drop", as scatter)."""
    full = lambda v: lax.full(idx.shape, v, onp.int64)  # noqa: E731
    off = lax.bind1("mul", lax.broadcasted_iota(onp.int64, idx.shape, 0), full(n))
    if out_of_range == "clamp":
        idx = lax.bind1("max", lax.bind1("min", idx, full(n - 1)), full(0))
        return lax.bind1("add", idx, off)
    inside = lax.bind1("and", lax.bind1("ge", idx, full(0)), lax.bind1("lt", idx, full(n)))
    return lax.select(inside, lax.bind1("add", idx, off), full(size * n))


def _take_batch(values, dims, params):
    (x, idx), (dx, di) = values, dims
    if dx is None:  # only the indices are batched: take is elementwise in them
        return [lax.bind1("take", x, idx)], [di]
    size = batch_size(values, dims)
    x = to_front(x, dx)
    n = x.shape[1]
    idx = bdim_at_front(idx, di, size)
    flat = lax.reshape(x, (size * n,))
    return [lax.bind1("take", flat, _offsets(idx, size, n, "clamp"))], [0]


def _scatter_add_jvp(primals, tangents, params):
    u, idx = primals
    ans = lax.bind1("scatter_add", u, idx, **params)
    t = tangents[0]
    return [ans], [None if t is None else lax.bind1("scatter_add", t, idx, **params)]


def _scatter_add_transpose(cts, args, params):
    (ct,) = cts
    u, idx = args
    return [None if ct is None else lax.bind1("take", ct, idx), None]


def _scatter_add_batch(values, dims, params):
    size = batch_size(values, dims)
    u, idx = (bdim_at_front(v, d, size) for v, d in zip(values, dims))
    n = params["size"]
    flat = lax.bind1("scatter_add", u, _offsets(idx, size, n, "clamp"), size=size * n)
    return [lax.reshape(flat, (size, n))], [0]


defrules("take", jvp=_take_jvp, transpose=_take_transpose, batch=_take_batch)
defrules(
    "scatter_add", jvp=_scatter_add_jvp, transpose=_scatter_add_transpose, batch=_scatter_add_batch
)


# scatter(x, idx, u; mode): x.at[idx].set/add/multiply/min/max on a flat operand. Indices may
# repeat: "set" keeps the last update (the derivative follows the one that landed), "mul"
# multiplies them all in, and min/max share the derivative among the values that tie for the
# result, as JAX's rules do. Indices outside [0, n) are dropped.
def _scatter_to(n, dtype, idx, values, mode="add"):
    """values scattered (added, by default) into a zero vector of n elements."""
    return lax.bind1("scatter", lax.zeros_like_aval((n,), dtype), idx, values, mode=mode)


def _scatter_mul_jvp(x, idx, u, tx, tu, ans):
    """d(x * prod u_j) = dx * prod u_j + x * sum_j du_j * prod_(k != j) u_k. The products of
    the other updates divide out only the nonzero ones; a single zero among the others stays a
    factor (its value 0, its derivative kept, so second derivatives hold), two or more give 0."""
    n, dt = x.shape[0], x.dtype
    zero, one = lax.zeros_like_aval(u.shape, dt), lax.full(u.shape, 1, dt)
    nonzero = lax.bind1("ne", u, zero)
    u_safe = lax.select(nonzero, u, one)
    u_zero = lax.select(nonzero, zero, u)  # the zero updates themselves
    is_zero = lax.select(nonzero, zero, one)
    prod_nonzero = lax.bind1("scatter", lax.full((n,), 1, dt), idx, u_safe, mode="mul")
    zeros_at, zero_sum_at = _scatter_to(n, dt, idx, is_zero), _scatter_to(n, dt, idx, u_zero)

    def with_zeros(count, zero_sum, prod):
        """prod times the zero updates counted: prod, zero_sum * prod, or 0."""
        c0 = lax.full(count.shape, 0, dt)
        c1 = lax.full(count.shape, 1, dt)
        one_zero = lax.select(lax.bind1("eq", count, c1), lax.bind1("mul", zero_sum, prod), c0)
        return lax.select(lax.bind1("eq", count, c0), prod, one_zero)

    prod_all = with_zeros(zeros_at, zero_sum_at, prod_nonzero)
    others = with_zeros(
        lax.bind1("sub", lax.bind1("take", zeros_at, idx), is_zero),
        lax.bind1("sub", lax.bind1("take", zero_sum_at, idx), u_zero),
        lax.bind1("div", lax.bind1("take", prod_nonzero, idx), u_safe),
    )
    from_u = _scatter_to(n, dt, idx, lax.bind1("mul", tu, others))
    return lax.bind1("add", lax.bind1("mul", tx, prod_all), lax.bind1("mul", x, from_u))


def _scatter_extremal_jvp(x, idx, u, tx, tu, ans):
    """The tangent of min/max: the mean of the tangents of the values equal to the result (the
    operand's own value and every update that reached it)."""
    n, dt = x.shape[0], x.dtype
    one_u, zero_u = lax.full(u.shape, 1, dt), lax.zeros_like_aval(u.shape, dt)
    u_won = lax.select(lax.bind1("eq", lax.bind1("take", ans, idx), u), one_u, zero_u)
    x_kept = lax.select(
        lax.bind1("eq", ans, x), lax.full((n,), 1, dt), lax.zeros_like_aval((n,), dt)
    )
    count = lax.bind1("add", _scatter_to(n, dt, idx, u_won), x_kept)
    total = lax.bind1("add", lax.bind1("mul", x_kept, tx),
                      _scatter_to(n, dt, idx, lax.bind1("mul", u_won, tu)))  # fmt: skip
    count = lax.bind1("max", count, lax.full((n,), 1, dt))  # (NaN results: no value ties)
    return lax.bind1("div", total, count)


def _scatter_jvp(primals, tangents, params):
    x, idx, u = primals
    tx, _, tu = tangents
    mode = params["mode"]
    ans = lax.bind1("scatter", x, idx, u, mode=mode)
    if tx is None and tu is None:
        return [ans], [None]
    tx, tu = instantiate(tx, x), instantiate(tu, u)
    if mode in ("set", "add"):
        return [ans], [lax.bind1("scatter", tx, idx, tu, mode=mode)]
    if mode == "mul":
        return [ans], [_scatter_mul_jvp(x, idx, u, tx, tu, ans)]
    return [ans], [_scatter_extremal_jvp(x, idx, u, tx, tu, ans)]


def _landed(idx, n):
    """Whether each "set" update is the one that landed: the last one written to its index."""
    order = lax.broadcasted_iota(onp.int64, idx.shape, 0)
    last = lax.bind1("scatter", lax.full((n,), -1, onp.int64), idx, order, mode="max")
    return lax.bind1("eq", lax.bind1("take", last, idx), order)


def _scatter_transpose(cts, args, params):
    (ct,) = cts
    x, idx, u = args
    mode = params["mode"]
    if mode in ("mul", "min", "max") and (is_undefined(u) or mode != "mul"):
        raise NotImplementedError(f"scatter {mode}: not linear in its operands")
    if ct is None:
        return [None, None, None]
    ct_x = ct_u = None
    if is_undefined(x):
        if mode == "add":
            ct_x = ct
        elif mode == "set":
            ct_x = lax.bind1("scatter", ct, idx, lax.zeros_like_aval(u.shape, u.dtype), mode="set")
        else:  # mul with known updates: linear in x
            ct_x = lax.bind1("scatter", ct, idx, u, mode="mul")
    if is_undefined(u):
        ct_u = lax.bind1("take", ct, idx)
        n = ct.shape[0]
        full = lambda v: lax.full(idx.shape, v, idx.dtype)  # noqa: E731
        inside = lax.bind1("and", lax.bind1("ge", idx, full(0)), lax.bind1("lt", idx, full(n)))
        zero = lax.zeros_like_aval(ct_u.shape, ct_u.dtype)
        ct_u = lax.select(inside, ct_u, zero)  # a dropped update had no effect: no cotangent
        if mode == "set":  # an update overwritten by a later one at its index had no effect
            ct_u = lax.select(_landed(idx, ct.shape[0]), ct_u,
                              lax.zeros_like_aval(ct_u.shape, ct_u.dtype))  # fmt: skip
    return [ct_x, None, ct_u]


def _scatter_batch(values, dims, params):
    size = batch_size(values, dims)
    x, idx, u = (bdim_at_front(v, d, size) for v, d in zip(values, dims))
    n = x.shape[1]
    out = lax.bind1(
        "scatter",
        lax.reshape(x, (size * n,)),
        lax.reshape(_offsets(idx, size, n, "drop"), (idx.size,)),
        lax.reshape(u, (u.size,)),
        **params,
    )
    return [lax.reshape(out, (size, n))], [0]


defrules("scatter", jvp=_scatter_jvp, transpose=_scatter_transpose, batch=_scatter_batch)
