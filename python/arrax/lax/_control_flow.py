"""Structured control flow (like ``jax.lax``): cond, switch, while_loop, fori_loop, scan, map.

On concrete values (no transformation, or grad/vmap with a concrete predicate) cond runs the
chosen branch directly. Otherwise each function is staged into an IR graph, its captured
values become explicit operands (closure conversion), and one primitive (cond, while, scan)
carries the graphs, so jit, grad and vmap all see and transform the loop as a whole.
"""

import numpy as onp

from arrax import _core, tree_util
from arrax._trace_core import asarray, aval_of
from arrax.lax import _ops as lax


def _avals(leaves):
    return [aval_of(x) for x in leaves]


def trace_closed(fun, avals):
    """Stages ``fun`` (flat arrays -> flat arrays) for arguments of ``avals``.

    Returns (graph, consts): the graph takes the consts first, then the arguments."""
    g = _core._trace(lambda *a: [asarray(o) for o in fun(*a)], list(avals))
    return g.with_consts_as_args(), list(g.consts)


def _trace_tree_fun(fun, in_tree, leaves, name):
    """Stages a pytree function; returns (graph, consts, out_tree)."""
    out_tree = []

    def flat(*args):
        out = fun(tree_util.tree_unflatten(in_tree, list(args)))
        out_leaves, tree = tree_util.tree_flatten(out)
        out_tree.append(tree)
        return out_leaves

    g, consts = trace_closed(flat, _avals(leaves))
    return g, consts, out_tree[0]


def _check_same(name, out_avals):
    a0, *rest = out_avals
    for a in rest:
        if len(a) != len(a0):
            raise TypeError(f"{name}: branches return different numbers of outputs")
        for x, y in zip(a0, a):
            if tuple(x[0]) != tuple(y[0]) or x[1] != y[1]:
                raise TypeError(
                    f"{name}: branch outputs must have identical types, got "
                    f"{y[1]}{list(y[0])} and {x[1]}{list(x[0])}"
                )


_NO_OPERAND = object()


def _operand_keyword(operands, operand):
    """JAX's operand= keyword: the one operand, passed instead of positional ones."""
    if operand is _NO_OPERAND:
        return operands
    if operands:
        raise TypeError(
            "if 'operand' keyword is passed then no positional operands can be passed, got "
            f"operand={operand!r} and positional operands {operands}"
        )
    return (operand,)


def switch(index, branches, *operands, operand=_NO_OPERAND):
    """Like ``jax.lax.switch``: ``branches[clamp(index)](*operands)``."""
    operands = _operand_keyword(operands, operand)
    branches = list(branches)
    if not branches:
        raise ValueError("switch: needs at least one branch")
    idx = asarray(index)
    if idx.ndim != 0 or idx.dtype.kind not in "biu":
        raise TypeError(
            f"switch: the index must be an integer scalar, got {idx.dtype}{list(idx.shape)}"
        )
    leaves, in_tree = tree_util.tree_flatten(operands)
    leaves = [asarray(x) for x in leaves]
    if not idx._is_tracer:
        i = min(max(int(idx), 0), len(branches) - 1)
        return branches[i](*operands)
    out_tree = []

    def flat(b):
        def f(*args):
            out_leaves, tree = tree_util.tree_flatten(b(*tree_util.tree_unflatten(in_tree, args)))
            out_tree.append(tree)
            return out_leaves

        return f

    outs = bind_cond(idx, [flat(b) for b in branches], _avals(leaves), leaves)
    for t in out_tree[1:]:
        if t != out_tree[0]:
            raise TypeError(
                f"cond: branches return different tree structures: {out_tree[0]} and {t}"
            )
    return tree_util.tree_unflatten(out_tree[0], outs)


def bind_cond(index, branch_fns, avals, operands):
    """Stages each branch (flat arrays -> flat arrays) and binds one cond primitive. Every
    branch graph takes all branches' captured values first, so their operand lists agree."""
    traced = [trace_closed(f, avals) for f in branch_fns]
    _check_same("cond", [g.out_avals for g, _ in traced])
    all_consts = [c for _, cs in traced for c in cs]
    graphs = []
    offset = 0
    for g, cs in traced:
        end = offset + len(cs)
        graphs.append(_pad_args(g, all_consts[:offset], all_consts[end:], len(cs)))
        offset = end
    idx = asarray(index)
    if idx.dtype != onp.int32:
        idx = lax.convert_element_type(idx, onp.int32)
    return lax.bind("cond", idx, *all_consts, *operands, branches=tuple(graphs))


def _pad_args(g, before, after, n_own):
    """g(own_consts, args) as a graph taking (before, own_consts, after, args)."""
    if not before and not after:
        return g
    avals = _avals(before + after)
    n_before = len(before)
    in_avals = g.in_avals

    def f(*args):
        rest = args[n_before:]
        own, real = rest[:n_own], rest[n_own + len(after) :]
        return g.eval(*own, *real)

    full = avals[:n_before] + list(in_avals[:n_own]) + avals[n_before:] + list(in_avals[n_own:])
    g2, consts = trace_closed(f, full)
    assert not consts
    return g2


def cond(pred, true_fun, false_fun, *operands, operand=_NO_OPERAND):
    """Like ``jax.lax.cond``: ``true_fun(*operands)`` if pred else ``false_fun(*operands)``."""
    operands = _operand_keyword(operands, operand)
    p = asarray(pred)
    if p.ndim != 0:
        raise TypeError(f"cond: the predicate must be a scalar, got shape {p.shape}")
    if p.dtype.kind not in "biu":
        raise TypeError(f"cond: the predicate must be a boolean or integer scalar, got {p.dtype}")
    if p.dtype.kind != "b":
        p = lax.bind1("ne", p, lax.full((), 0, p.dtype))
    return switch(p, [false_fun, true_fun], *operands)


def while_loop(cond_fun, body_fun, init_val):
    """Like ``jax.lax.while_loop``: ``while cond_fun(val): val = body_fun(val)``."""
    leaves, tree = tree_util.tree_flatten(init_val)
    leaves = [asarray(x) for x in leaves]
    cg, cconsts, _ = _trace_tree_fun(cond_fun, tree, leaves, "while_loop")
    bg, bconsts, btree = _trace_tree_fun(body_fun, tree, leaves, "while_loop")
    if btree != tree:
        raise TypeError(
            f"while_loop: body_fun must return the same structure as init_val: {tree} vs {btree}"
        )
    _check_carry("while_loop", leaves, bg.out_avals)
    outs = lax.bind(
        "while",
        *cconsts,
        *bconsts,
        *leaves,
        graphs=(cg, bg),
        cond_nconsts=len(cconsts),
        body_nconsts=len(bconsts),
    )
    return tree_util.tree_unflatten(tree, outs)


def _check_carry(name, leaves, out_avals):
    for x, (shape, dtype, _) in zip(leaves, out_avals):
        if tuple(x.shape) != tuple(shape) or x.dtype != dtype:
            raise TypeError(
                f"{name}: the body's output carry {dtype}{list(shape)} differs from its input "
                f"{x.dtype}{list(x.shape)}; the carry must keep its shape and dtype"
            )


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Like ``jax.lax.scan``: ``carry, y = f(carry, x)`` over the leading axis of ``xs``;
    returns (final carry, stacked ys)."""
    c_leaves, c_tree = tree_util.tree_flatten(init)
    c_leaves = [asarray(x) for x in c_leaves]
    x_leaves, x_tree = tree_util.tree_flatten(xs)
    x_leaves = [asarray(x) for x in x_leaves]
    lengths = {x.shape[0] if x.ndim else None for x in x_leaves}
    if None in lengths:
        raise ValueError("scan: every leaf of xs needs a leading axis to scan over")
    if length is not None:
        lengths.add(int(length))
    if len(lengths) > 1:
        raise ValueError(f"scan: inconsistent lengths of the scanned axis: {sorted(lengths)}")
    if not lengths:
        raise ValueError("scan: got no xs and no length")
    n = lengths.pop()
    x_avals = [(tuple(x.shape[1:]), x.dtype, False) for x in x_leaves]
    y_tree = []

    def body(*args):
        c = tree_util.tree_unflatten(c_tree, list(args[: len(c_leaves)]))
        x = tree_util.tree_unflatten(x_tree, list(args[len(c_leaves) :]))
        out = f(c, x)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise TypeError("scan: f must return a pair (carry, y)")
        c_out, y = out
        cl, ct = tree_util.tree_flatten(c_out)
        if ct != c_tree:
            raise TypeError(
                f"scan: f's carry output structure {ct} differs from the input carry's {c_tree}"
            )
        yl, yt = tree_util.tree_flatten(y)
        y_tree.append(yt)
        return [asarray(v) for v in cl] + [asarray(v) for v in yl]

    g, consts = trace_closed(body, _avals(c_leaves) + x_avals)
    _check_carry("scan", c_leaves, g.out_avals[: len(c_leaves)])
    outs = lax.bind(
        "scan",
        *consts,
        *c_leaves,
        *x_leaves,
        body=g,
        num_consts=len(consts),
        num_carry=len(c_leaves),
        length=n,
        reverse=bool(reverse),
    )
    carry = tree_util.tree_unflatten(c_tree, outs[: len(c_leaves)])
    ys = tree_util.tree_unflatten(y_tree[0], outs[len(c_leaves) :])
    return carry, ys


def fori_loop(lower, upper, body_fun, init_val, unroll=None):
    """Like ``jax.lax.fori_loop``: ``for i in range(lower, upper): val = body_fun(i, val)``.

    With Python-int bounds it is a scan (so reverse-mode differentiation works); with traced
    bounds a while_loop."""
    if isinstance(lower, (int, onp.integer)) and isinstance(upper, (int, onp.integer)):
        lo, hi = int(lower), int(upper)

        def step(carry, _):
            i, v = carry
            return (lax.bind1("add", i, lax.full((), 1, onp.int64)), body_fun(i, v)), None

        (_, out), _ = scan(
            step, (lax.asarray(lo, onp.int64), init_val), None, length=max(hi - lo, 0)
        )
        return out
    lo, hi = asarray(lower), asarray(upper)
    dt = onp.result_type(lo.dtype, hi.dtype)
    lo, hi = lax.convert_element_type(lo, dt), lax.convert_element_type(hi, dt)

    def c(carry):
        return lax.bind1("lt", carry[0], hi)

    def b(carry):
        i, v = carry
        return lax.bind1("add", i, lax.full((), 1, dt)), body_fun(i, v)

    return while_loop(c, b, (lo, init_val))[1]


def map(f, xs, *, batch_size=None):  # noqa: A001 (JAX's name)
    """Like ``jax.lax.map``: f applied to each slice of xs's leading axis (a scan). With
    batch_size, the scan runs over batches of that many slices, each mapped by vmap (and a
    last vmap over the remainder): fewer sequential steps for more memory."""
    if batch_size is None:
        _, ys = scan(lambda c, x: (c, f(x)), (), xs)
        return ys
    from arrax._batching import vmap

    leaves = tree_util.tree_leaves(xs)
    if not leaves:
        raise ValueError("map: xs has no arrays to map over")
    n = leaves[0].shape[0]
    if batch_size < 1:
        raise ValueError(f"map: batch_size must be positive, got {batch_size}")
    full = n // batch_size * batch_size
    batched = tree_util.tree_map(
        lambda x: x[:full].reshape((n // batch_size, batch_size) + x.shape[1:]), xs
    )
    _, ys = scan(lambda c, x: (c, vmap(f)(x)), (), batched)
    ys = tree_util.tree_map(lambda y: y.reshape((full,) + y.shape[2:]), ys)
    if full == n:
        return ys
    rest = vmap(f)(tree_util.tree_map(lambda x: x[full:], xs))
    return tree_util.tree_map(lambda a, b: _concatenate_rows(a, b), ys, rest)


def _concatenate_rows(a, b):
    import arrax.numpy as jnp

    return jnp.concatenate([a, b], axis=0)
