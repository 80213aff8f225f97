"""Structured control flow (like ``jax.lax``): cond, switch, while_loop, fori_loop, scan, map.

On concrete values (no transformation, or grad/vmap with a concrete predicate) cond runs the
chosen branch directly. Otherwise each function is staged into an IR graph, its captured
values become explicit operands (closure conversion), and one primitive (cond, while, scan)
carries the graphs, so jit, grad and vmap all see and transform the loop as a whole.
"""

import numpy as onp

from arrax import _core, tree_util
from arrax._trace_core import asarray, aval_of, stage
from arrax.errors import (
    ConcretizationTypeError,
    TracerArrayConversionError,
    TracerIntegerConversionError,
)
from arrax.lax import _ops as lax


def _avals(leaves):
    return [aval_of(x) for x in leaves]


def _values(args):
    """What each argument holds before a body runs (see _forwarded)."""
    return [_core.value_id(a) for a in args]


def _forwarded(outs, args, before):
    """For each output, the index of the argument it is (the very same object, still holding
    the value it held before the body ran: ``x += 1`` updates a traced x in place), else
    None. An output that only passes an argument through is that argument (JAX forwards such
    values around the primitive), so it keeps its identity and stays unbatched under vmap."""
    ids = {id(a): j for j, a in enumerate(args)}
    fwd = [ids.get(id(o)) for o in outs]
    return [j if j is not None and _core.value_id(args[j]) == before[j] else None for j in fwd]


def _is_weak(x):
    """A Python scalar: weakly typed in JAX (NumPy scalars subclass float/int but are not)."""
    return isinstance(x, (bool, int, float, complex)) and not isinstance(x, onp.generic)


def _kind_rank(dtype):
    kind = onp.dtype(dtype).kind
    return {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}.get(kind, 2)  # bfloat16 is kind "V"


def _carry_avals(leaves, weak):
    """The avals a loop body is traced with: the carries in ``weak`` (indices) weakly typed."""
    return [(tuple(x.shape), x.dtype, k in weak) for k, x in enumerate(leaves)]


def _promote_weak(raw, leaves, out_avals):
    """JAX's _promote_weak_typed_inputs for loop carries: a weakly typed init leaf (a Python
    scalar, or a weak jit argument) takes the dtype the body gives its output carry
    (``scan(f, 0, int8_xs)`` carries int8).

    ``raw``: the init leaves as given; ``leaves``: them as arrays; ``out_avals(avals)``: the
    body's output carry avals for input carries of ``avals``. The body is traced with those
    leaves weakly typed, so its operations defer to the other operands' dtypes as JAX's do.

    Returns the leaves and the indices of those that stay weak (the body gives them back in
    their dtype, weak or not, as JAX's typematch ignores weakness): the body is traced with
    those weak, as JAX's carries stay weak, so a
    counter carried from a Python 0 does not widen float32 values it meets (x * step)."""
    weak = {
        k
        for k, x in enumerate(raw)
        if (_is_weak(x) and not isinstance(x, bool))
        or (isinstance(x, _core.ndarray) and _core.weak_type(x))
    }
    if not weak:
        return leaves, set()
    try:
        outs = out_avals(_carry_avals(leaves, weak))
    except Exception:  # noqa: BLE001 (the real trace follows, and reports its own errors)
        return leaves, set()
    leaves = list(leaves)
    stay = set()
    for k in weak:
        o, d = onp.dtype(outs[k][1]), leaves[k].dtype
        if o == d:
            # JAX's carry stays weak when the body keeps its dtype, even when it gives it
            # back strong: c * x32 of a Python-float carry c stays float32 in the body
            stay.add(k)
        elif _kind_rank(o) >= _kind_rank(d):  # (result_type of the weak leaf and o)
            leaves[k] = lax.convert_element_type(leaves[k], o)
    return leaves, stay


def trace_closed(fun, avals):
    """Stages ``fun`` (flat arrays -> flat arrays) for arguments of ``avals``.

    Returns (graph, consts): the graph takes the consts first, then the arguments."""
    # dynamic: what the body computes from values it closes over (outer tracers) is staged in
    # it too, as JAX does, rather than computed outside by their transformation.
    g = stage(lambda *a: [asarray(o) for o in fun(*a)], list(avals), "", True)
    return g.with_consts_as_args(), list(g.consts)


def _memo_trace(fun):
    """trace_closed(fun, avals) remembered per avals: the weak-type probe of a loop body
    (_promote_weak) and its real trace are one trace when the probe changes nothing, as JAX
    traces a loop body once then (so a body's Python side effects, a print or an iterator's
    next(), happen once, as in JAX)."""
    cache = {}

    def traced(avals):
        key = tuple((tuple(s), onp.dtype(d), bool(w)) for s, d, w in avals)
        if key not in cache:
            cache[key] = trace_closed(fun, avals)
        return cache[key]

    return traced


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
        raise ValueError("switch: Empty branch sequence; needs at least one branch")
    if not all(callable(b) for b in branches):
        raise TypeError("lax.switch: branches argument should be a sequence of callables.")
    if index is None:
        raise TypeError("switch: the index is None; it must be an integer scalar")
    idx = asarray(index)
    if idx.ndim != 0 or idx.dtype.kind not in "biu":
        raise TypeError(
            f"switch: the index must be an integer scalar, got {idx.dtype}{list(idx.shape)}"
        )
    leaves, in_tree = tree_util.tree_flatten(operands)
    leaves = [asarray(x) for x in leaves]
    out_tree, fwds = [], []
    if not idx._is_tracer:
        i = min(max(int(idx), 0), len(branches) - 1)
        # Arrays, as JAX's cond returns on every path.
        out = tree_util.tree_map(asarray, branches[i](*operands))
        if len(branches) > 1:
            _check_untaken(branches, i, out, in_tree, leaves)
        return out

    def flat(b):
        def f(*args):
            before = _values(args)
            out_leaves, tree = tree_util.tree_flatten(b(*tree_util.tree_unflatten(in_tree, args)))
            out_tree.append(tree)
            fwds.append(_forwarded(out_leaves, args, before))
            return out_leaves

        return f

    outs = bind_cond(idx, [flat(b) for b in branches], _avals(leaves), leaves)
    for t in out_tree[1:]:
        if t != out_tree[0]:
            raise TypeError(
                f"cond: branches return different tree structures: {out_tree[0]} and {t}"
            )
    for k in range(len(outs)):
        src = {fw[k] for fw in fwds}
        if len(src) == 1 and None not in src:
            outs[k] = leaves[src.pop()]
    return tree_util.tree_unflatten(out_tree[0], outs)


def _check_untaken(branches, i, out, in_tree, leaves):
    """A concrete index runs its branch alone; the others are traced, as JAX traces every
    branch, so a branch whose output structure, shape or dtype differs raises JAX's TypeError
    (and each branch's Python code runs once, as in JAX)."""
    o_leaves, o_tree = tree_util.tree_flatten(out)
    avals = _avals(leaves)
    for j, b in enumerate(branches):
        if j == i:
            continue
        tree = []

        def f(*args, b=b, tree=tree):
            out_leaves, t = tree_util.tree_flatten(b(*tree_util.tree_unflatten(in_tree, args)))
            tree.append(t)
            return out_leaves

        g, _ = trace_closed(f, avals)
        if tree[0] != o_tree:
            raise TypeError(
                f"cond: branches return different tree structures: {o_tree} and {tree[0]}"
            )
        _check_same(
            "cond", [_avals(o_leaves), g.out_avals] if j > i else [g.out_avals, _avals(o_leaves)]
        )


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
    """Like ``jax.lax.cond``: ``true_fun(*operands)`` if pred else ``false_fun(*operands)``.

    Also JAX's legacy form ``cond(pred, true_operand, true_fun, false_operand, false_fun)``.
    A numeric predicate means ``pred != 0``."""
    if not (callable(true_fun) and callable(false_fun)):
        legacy = callable(false_fun) and len(operands) == 2 and callable(operands[1])
        if not legacy or operand is not _NO_OPERAND:
            raise TypeError("lax.cond: true_fun and false_fun arguments should be callable.")
        x_true, f_true, x_false, f_false = true_fun, false_fun, *operands
        return cond(pred, lambda x, _: f_true(x), lambda _, x: f_false(x), x_true, x_false)
    operands = _operand_keyword(operands, operand)
    if pred is None:
        raise TypeError("cond: the cond predicate is None; it must be a boolean or numeric scalar")
    try:
        p = asarray(pred)
    except TypeError:
        raise TypeError(f"cond: Pred must be a scalar, got {pred!r} of type {type(pred)}") from None
    if p.ndim != 0:
        raise TypeError(f"cond: the predicate must be a scalar, got shape {p.shape}")
    if p.dtype.kind not in "biufc" and _kind_rank(p.dtype) != 2:
        raise TypeError(f"cond: the predicate must be a boolean or numeric scalar, got {p.dtype}")
    if p.dtype.kind != "b":
        p = lax.bind1("ne", p, lax.full((), 0, p.dtype))
    return switch(p, [false_fun, true_fun], *operands)


def _hoist_invariant(leaves, fwd):
    """The carries a loop body passes through unchanged (``fwd[k] == k``) are loop-invariant:
    JAX moves them out of the loop, so vmap keeps them unbatched. Returns (positions kept in
    the carry, expand) where ``expand(kept values)`` rebuilds the full carry, the invariant
    leaves closed over (they become the loop's captured values)."""
    keep = [k for k, j in enumerate(fwd) if j != k]

    def expand(vals):
        full = list(leaves)
        for k, v in zip(keep, vals):
            full[k] = v
        return full

    return keep, expand


def while_loop(cond_fun, body_fun, init_val):
    """Like ``jax.lax.while_loop``: ``while cond_fun(val): val = body_fun(val)``."""
    if not (callable(cond_fun) and callable(body_fun)):
        raise TypeError("lax.while_loop: cond_fun and body_fun arguments should be callable.")
    raw, tree = tree_util.tree_flatten(init_val)
    leaves = [asarray(x) for x in raw]
    fwd = []

    def body(*args):
        before = _values(args)
        out_leaves, btree = tree_util.tree_flatten(
            body_fun(tree_util.tree_unflatten(tree, list(args)))
        )
        if btree != tree:
            raise TypeError(
                "while_loop: body_fun must return the same structure as init_val: "
                f"{tree} vs {btree}"
            )
        fwd[:] = _forwarded(out_leaves, args, before)
        return out_leaves

    def cond(*args):
        return tree_util.tree_leaves(cond_fun(tree_util.tree_unflatten(tree, list(args))))

    traced = _memo_trace(body)
    leaves, weak = _promote_weak(raw, leaves, lambda avals: traced(avals)[0].out_avals)
    avals = _carry_avals(leaves, weak)
    bg, bconsts = traced(avals)
    _check_carry("while_loop", leaves, bg.out_avals)
    keep, expand = _hoist_invariant(leaves, fwd)
    if len(keep) < len(leaves):
        bg, bconsts = trace_closed(
            # (body runs once: it may update its arguments in place, x += 1)
            lambda *a: (lambda outs: [outs[k] for k in keep])(body(*expand(a))),
            [avals[k] for k in keep],
        )
    cg, cconsts = trace_closed(lambda *a: cond(*expand(a)), [avals[k] for k in keep])
    outs = lax.bind(
        "while",
        *cconsts,
        *bconsts,
        *[leaves[k] for k in keep],
        graphs=(cg, bg),
        cond_nconsts=len(cconsts),
        body_nconsts=len(bconsts),
    )
    return tree_util.tree_unflatten(tree, expand(_weak_outputs(outs, bg.out_avals)))


def _weak_outputs(outs, out_avals):
    """The loop's results weakly typed where its body's are, as JAX's (a carry counted from a
    Python 0 stays weak after the loop: c * x32 is float32)."""
    return [
        lax.bind1("convert_element_type", o, new_dtype=o.dtype, weak_type=True)
        if a[2] and o._is_tracer and not _core.weak_type(o)  # (concrete arrays are never weak)
        else o
        for o, a in zip(outs, out_avals)
    ]


def _check_carry(name, leaves, out_avals):
    for x, (shape, dtype, _) in zip(leaves, out_avals):
        if tuple(x.shape) != tuple(shape) or x.dtype != dtype:
            raise TypeError(
                f"{name}: the body's output carry {dtype}{list(shape)} differs from its input "
                f"{x.dtype}{list(x.shape)}; the carry must keep its shape and dtype"
            )


def _concrete_length(length):
    try:
        return int(length)
    except (TracerIntegerConversionError, TracerArrayConversionError, ConcretizationTypeError):
        raise ConcretizationTypeError(
            "scan: The `length` argument to `scan` expects a concrete `int` value, got a traced value "
            f"of type {aval_of(length)[1]}{list(aval_of(length)[0])}; pass it as a Python int "
            "(a static argument under jit)"
        ) from None


def scan(f, init, xs=None, length=None, reverse=False, unroll=1, _split_transpose=False):
    """Like ``jax.lax.scan``: ``carry, y = f(carry, x)`` over the leading axis of ``xs``;
    returns (final carry, stacked ys). ``unroll`` and JAX's private ``_split_transpose`` only
    tune JAX's compilation and are ignored."""
    if not callable(f):
        raise TypeError("lax.scan: f argument should be callable.")
    raw, c_tree = tree_util.tree_flatten(init)
    c_leaves = [asarray(x) for x in raw]
    x_leaves, x_tree = tree_util.tree_flatten(xs)
    x_leaves = [asarray(x) for x in x_leaves]
    lengths = {x.shape[0] if x.ndim else None for x in x_leaves}
    if None in lengths:
        raise ValueError("scan: every leaf of xs needs a leading axis to scan over")
    if length is not None:
        lengths.add(_concrete_length(length))
    if len(lengths) > 1:
        raise ValueError(f"scan: inconsistent lengths of the scanned axis: {sorted(lengths)}")
    if not lengths:
        raise ValueError("scan: got no xs and no length")
    n = lengths.pop()
    nk = len(c_leaves)
    x_avals = [(tuple(x.shape[1:]), x.dtype, False) for x in x_leaves]
    y_tree, fwd = [], []

    def body(*args):
        before = _values(args[:nk])
        c = tree_util.tree_unflatten(c_tree, list(args[:nk]))
        x = tree_util.tree_unflatten(x_tree, list(args[nk:]))
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
        fwd[:] = _forwarded(cl, args[:nk], before)
        return [asarray(v) for v in cl] + [asarray(v) for v in yl]

    traced = _memo_trace(body)
    c_leaves, weak = _promote_weak(
        raw, c_leaves, lambda avals: traced(avals + x_avals)[0].out_avals[:nk]
    )
    c_avals = _carry_avals(c_leaves, weak)
    g, consts = traced(c_avals + x_avals)
    _check_carry("scan", c_leaves, g.out_avals[:nk])
    keep, expand = _hoist_invariant(c_leaves, fwd)
    if len(keep) < nk:

        def reduced(*args):
            outs = body(*expand(args[: len(keep)]), *args[len(keep) :])
            return [outs[k] for k in keep] + outs[nk:]

        g, consts = trace_closed(reduced, [c_avals[k] for k in keep] + x_avals)
    outs = lax.bind(
        "scan",
        *consts,
        *[c_leaves[k] for k in keep],
        *x_leaves,
        body=g,
        num_consts=len(consts),
        num_carry=len(keep),
        length=n,
        reverse=bool(reverse),
    )
    outs = _weak_outputs(outs, g.out_avals)
    carry = tree_util.tree_unflatten(c_tree, expand(outs[: len(keep)]))
    ys = tree_util.tree_unflatten(y_tree[-1], outs[len(keep) :])
    return carry, ys


def _concrete_int(x):
    """x as a Python int when its value is known now (Python and NumPy scalars, concrete
    arrays, grad tracers), else None (a value traced by jit or batched by vmap)."""
    if isinstance(x, (int, onp.integer)):
        return int(x)
    try:
        a = asarray(x)
        return int(a) if a.ndim == 0 else None
    except (TypeError, ValueError):  # the Tracer*Error classes are TypeErrors
        return None


def _weak_index(i):
    return lax.bind1("convert_element_type", i, new_dtype=i.dtype, weak_type=True)


def fori_loop(lower, upper, body_fun, init_val, unroll=None):
    """Like ``jax.lax.fori_loop``: ``for i in range(lower, upper): val = body_fun(i, val)``.

    With bounds known at trace time (Python ints, concrete arrays, grad tracers) it is a scan
    (so reverse-mode differentiation works); with traced bounds a while_loop."""
    if not callable(body_fun):
        raise TypeError("lax.fori_loop: body_fun argument should be callable.")
    lo_dt, hi_dt = asarray(lower).dtype, asarray(upper).dtype
    if not _is_weak(lower) and not _is_weak(upper) and lo_dt != hi_dt:
        raise TypeError(
            "lax.fori_loop: lower and upper arguments to fori_loop must have equal types, "
            f"got {lo_dt} and {hi_dt}"
        )
    lo_int, hi_int = _concrete_int(lower), _concrete_int(upper)
    if lo_int is not None and hi_int is not None:
        # The index has the bounds' integer dtype (int64 for Python ints or float bounds).
        strong = [d for x, d in ((lower, lo_dt), (upper, hi_dt)) if not _is_weak(x)]
        dt = strong[0] if strong and strong[0].kind in "iu" else onp.dtype(onp.int64)

        def step(carry, _):
            i, v = carry
            # The body sees a weakly typed index, as JAX's (its scan carries the Python int
            # lower): x * i keeps a float32 x float32 rather than NumPy's float64.
            return (lax.bind1("add", i, lax.full((), 1, dt)), body_fun(_weak_index(i), v)), None

        (_, out), _ = scan(
            step, (lax.asarray(lo_int, dt), init_val), None, length=max(hi_int - lo_int, 0)
        )
        return out
    if unroll is not None and unroll is not False and unroll != 1:
        raise ValueError(
            "lax.fori_loop: Can only use `unroll` in `fori_loop` if the loop bounds are "
            "statically known."
        )
    lo, hi = asarray(lower), asarray(upper)
    dt = onp.result_type(lo.dtype, hi.dtype)
    lo, hi = lax.convert_element_type(lo, dt), lax.convert_element_type(hi, dt)

    def c(carry):
        return lax.bind1("lt", carry[0], hi)

    def b(carry):
        i, v = carry
        # (weak as in the scan above: JAX's index of strong int32 bounds is int32, which
        # float32 x int32 keeps float32 in JAX's promotion, not NumPy's)
        return lax.bind1("add", i, lax.full((), 1, dt)), body_fun(_weak_index(i), v)

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
