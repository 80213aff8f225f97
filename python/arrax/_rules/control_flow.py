"""Rules of the primitives that carry sub-graphs (transforms/control_flow.cpp): jit, cond,
while, scan. Each rule builds new sub-graphs by staging a transformed evaluation of the old
ones, so any composition of transformations works through them.

Differentiating cond and scan splits each into a primal call and a tangent call; the tangent
call's body recomputes the primal values it needs from residuals (the operands, or for scan
the per-step carries), which keeps it linear in the tangents and so transposable: reverse
mode through cond, scan and fori_loop with static bounds. while_loop supports forward mode
(as in JAX).
"""

from arrax._rules.common import batch_size, bdim_at_front, instantiate, to_front
from arrax._rules.registry import UndefinedPrimal, defrules, is_undefined
from arrax._trace_core import asarray, is_inexact
from arrax.lax import _ops as lax
from arrax.lax._control_flow import _avals, bind_cond, trace_closed


def _ad():
    from arrax import _ad

    return _ad


def _vmap(*args, **kwargs):
    from arrax._batching import vmap

    return vmap(*args, **kwargs)


def _batched(fn, in_dims, size, force=None, flags=None):
    """fn (flat arrays -> flat arrays) mapped over ``in_dims`` (None: unbatched), as a function
    to stage. Unlike vmap with out_axes=0, an output that depends on no batched input stays
    unbatched (as in JAX), unless ``force[k]``; batched outputs come out at axis 0. Whether
    each output is batched is written into the list ``flags``."""
    from arrax._batching import BatchTrace

    def run(*args):
        with BatchTrace(size, None, "a control-flow body under vmap") as trace:
            ins = [a if d is None else trace.wrap(a, d) for a, d in zip(args, in_dims)]
            outs = [trace.unpack(asarray(o)) for o in fn(*ins)]
        res = []
        if flags is not None:
            flags[:] = []
        for k, (v, d) in enumerate(outs):
            if d is None and force is not None and force[k]:
                v, d = lax.broadcast(v, (size,)), 0
            res.append(to_front(v, d))
            if flags is not None:
                flags.append(d is not None)
        return res

    return run


def _out_batched(fn, in_dims, avals, size):
    """Which outputs of fn mapped over in_dims are batched (one staging, thrown away)."""
    flags = []
    trace_closed(_batched(fn, in_dims, size, flags=flags), avals)
    return flags


# --- jit -------------------------------------------------------------------------------


def _jit_jvp(primals, tangents, params):
    g = params["graph"][0]
    pairs = _ad().jvp_flat(lambda ins: g.eval(*ins), primals, tangents)
    return [p for p, _ in pairs], [t for _, t in pairs]


def _jit_transpose(cts, args, params):
    return _ad().backward_pass(params["graph"][0], cts, list(args))


def _jit_batch(values, dims, params):
    g = params["graph"][0]
    size = batch_size(values, dims)
    flags = []  # outputs no batched input reaches stay unbatched
    g2, consts = trace_closed(_batched(g.eval, tuple(dims), size, flags=flags), _avals(values))
    return lax.bind("jit", *consts, *values, graph=g2), [0 if b else None for b in flags]


defrules("jit", jvp=_jit_jvp, transpose=_jit_transpose, batch=_jit_batch)
# A fused region (made by the jit's fusion pass) is a call of its region's graph.
defrules("fused", jvp=_jit_jvp, transpose=_jit_transpose, batch=_jit_batch)


# --- cond ------------------------------------------------------------------------------


def _cond_jvp(primals, tangents, params):
    branches = params["branches"]
    index, ops = primals[0], primals[1:]
    touts_in = tangents[1:]
    outs = lax.bind("cond", index, *ops, branches=branches)
    mask = [t is not None for t in touts_in]
    if not any(mask):
        return outs, [None] * len(outs)
    diff_out = [is_inexact(o.dtype) for o in outs]
    tans = [t for t in touts_in if t is not None]

    def tangent_branch(g):
        def fn(*args):
            p, t = args[: len(ops)], iter(args[len(ops) :])
            pairs = _ad().jvp_flat(
                lambda ins: g.eval(*ins), list(p), [next(t) if m else None for m in mask]
            )
            return [instantiate(tt, pp) for (pp, tt), d in zip(pairs, diff_out) if d]

        return fn

    touts = bind_cond(
        index, [tangent_branch(g) for g in branches], _avals(list(ops) + tans), list(ops) + tans
    )
    it = iter(touts)
    return outs, [next(it) if d else None for d in diff_out]


def _cond_transpose(cts, args, params):
    branches = params["branches"]
    index, ops = args[0], args[1:]
    if is_undefined(index):
        raise TypeError("cond: the index cannot be linear")
    lin = [is_undefined(a) for a in ops]
    known = [a for a in ops if not is_undefined(a)]
    out_avals = branches[0].out_avals
    cts = [instantiate(c, UndefinedPrimal(s, d)) for c, (s, d, _) in zip(cts, out_avals)]

    def transposed(g):
        def fn(*a):
            k, c = iter(a[: len(known)]), list(a[len(known) :])
            g_args = [op if m else next(k) for op, m in zip(ops, lin)]
            res = _ad().backward_pass(g, c, g_args)
            return [instantiate(r, op) for r, op, m in zip(res, ops, lin) if m]

        return fn

    in_cts = bind_cond(index, [transposed(g) for g in branches], _avals(known + cts), known + cts)
    it = iter(in_cts)
    return [None] + [next(it) if m else None for m in lin]


def _cond_batch(values, dims, params):
    branches = params["branches"]
    size = batch_size(values, dims)
    index, ops = values[0], values[1:]
    op_dims = tuple(dims[1:])
    if dims[0] is None:
        # An output is batched if it is in some branch; the others stay unbatched.
        flags = [_out_batched(g.eval, op_dims, _avals(ops), size) for g in branches]
        out_b = [any(f) for f in zip(*flags)]
        fns = [_batched(g.eval, op_dims, size, force=out_b) for g in branches]
        outs = bind_cond(index, fns, _avals(ops), list(ops))
        return outs, [0 if b else None for b in out_b]
    # A batched index: every branch runs on the whole batch and the results are selected.
    # Each branch gets its operands cut off from differentiation in the lanes that do not take
    # it (as JAX does), so reverse mode sends them 0 rather than 0 * inf (the "safe sqrt"
    # pattern cond(x > 0, sqrt, ...)).
    n = len(branches)
    idx = to_front(index, dims[0])
    idx = lax.bind1("max", idx, lax.full(idx.shape, 0, idx.dtype))
    idx = lax.bind1("min", idx, lax.full(idx.shape, n - 1, idx.dtype))
    ops = [bdim_at_front(v, d, size) for v, d in zip(ops, op_dims)]
    picks, results = [], []
    for b, g in enumerate(branches):
        pick = lax.bind1("eq", idx, lax.full(idx.shape, b, idx.dtype))
        picks.append(pick)
        sel = [
            lax.select(lax.broadcast_in_dim(pick, x.shape, (0,)), x, lax.stop_gradient(x))
            for x in ops
        ]
        results.append(_vmap(lambda *a, g=g: g.eval(*a), out_axes=0, axis_size=size)(*sel))
    outs = []
    for k in range(len(results[0])):
        out = results[0][k]
        for b in range(1, n):
            r = results[b][k]
            out = lax.select(lax.broadcast_in_dim(picks[b], r.shape, (0,)), r, out)
        outs.append(out)
    return outs, [0] * len(outs)


defrules("cond", jvp=_cond_jvp, transpose=_cond_transpose, batch=_cond_batch)


# --- while -----------------------------------------------------------------------------


def _while_split(values, params):
    nc, nb = params["cond_nconsts"], params["body_nconsts"]
    return values[:nc], values[nc : nc + nb], values[nc + nb :]


def _while_jvp(primals, tangents, params):
    cg, bg = params["graphs"]
    cc, bc, carry = _while_split(primals, params)
    _, bct, ct = _while_split(tangents, params)
    outs = lax.bind("while", *primals, **params)
    bmask = [t is not None for t in bct]
    if not any(bmask) and all(t is None for t in ct):
        return outs, [None] * len(outs)
    cmask = [is_inexact(c.dtype) for c in carry]
    btans = [t for t in bct if t is not None]
    ctans = [instantiate(t, c) for t, c, m in zip(ct, carry, cmask) if m]
    n = len(carry)

    def cond_fn(*a):
        return cg.eval(*a[: len(cc)], *a[len(cc) : len(cc) + n])

    def body_fn(*a):
        k = len(bc)
        consts, ctan = a[:k], a[k : k + len(btans)]
        pc, tc = a[k + len(btans) : k + len(btans) + n], iter(a[k + len(btans) + n :])
        it = iter(ctan)
        pairs = _ad().jvp_flat(
            lambda ins: bg.eval(*ins),
            list(consts) + list(pc),
            [next(it) if m else None for m in bmask] + [next(tc) if m else None for m in cmask],
        )
        return [p for p, _ in pairs] + [instantiate(t, p) for (p, t), m in zip(pairs, cmask) if m]

    cgraph, cconsts = trace_closed(cond_fn, _avals(list(cc) + list(carry) + ctans))
    bgraph, bconsts = trace_closed(body_fn, _avals(list(bc) + btans + list(carry) + ctans))
    res = lax.bind(
        "while",
        *cconsts,
        *cc,
        *bconsts,
        *bc,
        *btans,
        *carry,
        *ctans,
        graphs=(cgraph, bgraph),
        cond_nconsts=len(cconsts) + len(cc),
        body_nconsts=len(bconsts) + len(bc) + len(btans),
    )
    it = iter(res[n:])
    return outs, [next(it) if m else None for m in cmask]


def _while_batch(values, dims, params):
    cg, bg = params["graphs"]
    size = batch_size(values, dims)
    cc, bc, carry = _while_split(values, params)
    ccd, bcd, kd = _while_split(dims, params)
    nc, nb = len(cc), len(bc)
    # Which carries are batched: a fixed point (a carry becomes batched when the body makes
    # it so); all of them when the predicate is batched, since then elements stop at
    # different steps.
    carry_b = [d is not None for d in kd]
    while True:
        in_b = tuple(bcd) + tuple(0 if b else None for b in carry_b)
        avals = _avals(list(bc)) + [_bavals(c, d, b, size) for c, d, b in zip(carry, kd, carry_b)]
        out_b = _out_batched(bg.eval, in_b, avals, size)
        new = [a or b for a, b in zip(carry_b, out_b)]
        if new == carry_b:
            break
        carry_b = new
    in_c = tuple(ccd) + tuple(0 if b else None for b in carry_b)
    avals = _avals(list(cc)) + [_bavals(c, d, b, size) for c, d, b in zip(carry, kd, carry_b)]
    if _out_batched(cg.eval, in_c, avals, size)[0]:
        carry_b = [True] * len(carry)
    carry = [bdim_at_front(v, d, size) if b else v for v, d, b in zip(carry, kd, carry_b)]
    kdims = tuple(0 if b else None for b in carry_b)
    in_c, in_b = tuple(ccd) + kdims, tuple(bcd) + kdims
    pred_flags = []
    vcond = _batched(cg.eval, in_c, size, flags=pred_flags)
    vbody = _batched(bg.eval, in_b, size, force=carry_b)

    def cond_fn(*a):
        pred = vcond(*a[:nc], *a[nc + nb :])[0]
        return [lax.reduce_or(pred, (0,)) if pred_flags[0] else pred]

    def body_fn(*a):
        cur = a[nc + nb :]
        new = vbody(*a[nc : nc + nb], *cur)
        pred = vcond(*a[:nc], *cur)[0]
        if not pred_flags[0]:
            return new
        # Elements whose predicate is false keep their carry.
        return [
            lax.select(lax.broadcast_in_dim(pred, x.shape, (0,)), y, x) for x, y in zip(cur, new)
        ]

    avals = _avals(list(cc) + list(bc) + carry)
    cgraph, cconsts = trace_closed(cond_fn, avals)
    bgraph, bconsts = trace_closed(body_fn, avals)
    # Both graphs take (cond consts, body consts, carry); their captured values lead.
    outs = lax.bind(
        "while",
        *cconsts,
        *cc,
        *bc,
        *bconsts,
        *cc,
        *bc,
        *carry,
        graphs=(cgraph, bgraph),
        cond_nconsts=len(cconsts) + nc + nb,
        body_nconsts=len(bconsts) + nc + nb,
    )
    return outs, [0 if b else None for b in carry_b]


def _bavals(x, d, batched, size):
    """The aval of x (batch axis d, or None) as a loop carry: with a leading batch axis when
    ``batched``, without one otherwise."""
    shape = list(x.shape)
    if d is not None:
        del shape[d]
    return ((size,) * batched + tuple(shape), x.dtype, False)


class _WhileReverseModeError(ValueError, NotImplementedError):
    """JAX raises ValueError; arrax used to raise NotImplementedError, which code may catch."""


def _while_transpose(cts, args, params):
    raise _WhileReverseModeError(
        "while_loop: Reverse-mode differentiation does not work for lax.while_loop or "
        "lax.fori_loop with dynamic start/stop values (a non-static trip count). Try using "
        "lax.scan, or lax.fori_loop with static bounds."
    )


defrules("while", jvp=_while_jvp, transpose=_while_transpose, batch=_while_batch)


# --- scan ------------------------------------------------------------------------------


class _Reader:
    """Reads consecutive groups off a flat argument list: ``take(n)`` returns the next n."""

    def __init__(self, args):
        self.args, self.i = args, 0

    def take(self, n):
        r = list(self.args[self.i : self.i + n])
        self.i += n
        return r


def _scan_split(values, params):
    nc, nk = params["num_consts"], params["num_carry"]
    return list(values[:nc]), list(values[nc : nc + nk]), list(values[nc + nk :])


def _scan_bind(consts, carry, xs, body, length, reverse):
    return lax.bind(
        "scan",
        *consts,
        *carry,
        *xs,
        body=body,
        num_consts=len(consts),
        num_carry=len(carry),
        length=length,
        reverse=reverse,
    )


def _x_avals(xs):
    return [(tuple(x.shape[1:]), x.dtype, False) for x in xs]


def _scan_jvp(primals, tangents, params):
    body = params["body"][0]
    length, reverse = params["length"], params.get("reverse", False)
    consts, carry, xs = _scan_split(primals, params)
    tc, tk, tx = _scan_split(tangents, params)
    nk = len(carry)
    if all(t is None for t in tangents):
        outs = lax.bind("scan", *primals, **params)
        return outs, [None] * len(outs)

    # Primal scan that also emits each step's input carry (the residuals).
    def primal_body(*a):
        outs = body.eval(*a)
        return list(outs[:nk]) + list(outs[nk:]) + list(a[len(consts) : len(consts) + nk])

    pb, pconsts = trace_closed(primal_body, _avals(consts + carry) + _x_avals(xs))
    res = _scan_bind(pconsts + consts, carry, xs, pb, length, reverse)
    n_y = len(body.out_avals) - nk
    outs = res[: nk + n_y]
    carries_in = res[nk + n_y :]
    # Tangent scan: linear in (tangent consts, tangent carry, tangent xs); recomputes the
    # body's primal values from (consts, the step's input carry, the step's x).
    cmask = [t is not None for t in tc]
    kmask = [is_inexact(c.dtype) for c in carry]
    xmask = [t is not None for t in tx]
    ymask = [is_inexact(o.dtype) for o in outs]
    t_consts = [t for t in tc if t is not None]
    t_carry = [instantiate(t, c) for t, c, m in zip(tk, carry, kmask) if m]
    t_xs = [t for t in tx if t is not None]

    def tangent_body(*a):
        take = _Reader(a).take
        c, tcs, tks = take(len(consts)), iter(take(len(t_consts))), iter(take(len(t_carry)))
        x, cin, txs = take(len(xs)), take(nk), iter(take(len(t_xs)))
        pairs = _ad().jvp_flat(
            lambda ins: body.eval(*ins),
            c + cin + x,
            [next(tcs) if m else None for m in cmask]
            + [next(tks) if m else None for m in kmask]
            + [next(txs) if m else None for m in xmask],
        )
        return [instantiate(t, p) for (p, t), m in zip(pairs, kmask + ymask[nk:]) if m]

    avals = _avals(consts + t_consts + t_carry) + _x_avals(xs + carries_in + t_xs)
    tb, tconsts = trace_closed(tangent_body, avals)
    tres = _scan_bind(
        tconsts + consts + t_consts, t_carry, xs + carries_in + t_xs, tb, length, reverse
    )
    it = iter(tres)
    return outs, [next(it) if m else None for m in kmask + ymask[nk:]]


def _scan_transpose(cts, args, params):
    body = params["body"][0]
    length, reverse = params["length"], params.get("reverse", False)
    consts, carry, xs = _scan_split(args, params)
    nk = len(carry)
    # The carry is linear (a known carry, such as instantiated zeros, gets its cotangent
    # computed and dropped).
    carry_known = [not is_undefined(c) for c in carry]
    lin_c = [is_undefined(c) for c in consts]
    lin_x = [is_undefined(x) for x in xs]
    known_c = [c for c in consts if not is_undefined(c)]
    known_x = [x for x in xs if not is_undefined(x)]
    out_avals = body.out_avals
    ct_carry = [instantiate(c, UndefinedPrimal(*a[:2])) for c, a in zip(cts[:nk], out_avals[:nk])]
    ct_ys = [
        instantiate(c, UndefinedPrimal((length,) + tuple(a[0]), a[1]))
        for c, a in zip(cts[nk:], out_avals[nk:])
    ]
    lin_consts = [c for c in consts if is_undefined(c)]
    acc0 = [lax.zeros_like_aval(c.shape, c.dtype) for c in lin_consts]
    x_lin_avals = [(tuple(x.shape[1:]), x.dtype) for x in xs if is_undefined(x)]

    def t_body(*a):
        take = _Reader(a).take
        kc, acc, ck = take(len(known_c)), take(len(acc0)), take(nk)
        kx, cy = take(len(known_x)), take(len(ct_ys))
        kci, kxi = iter(kc), iter(kx)
        g_args = (
            [UndefinedPrimal(c.shape, c.dtype) if m else next(kci) for c, m in zip(consts, lin_c)]
            + [UndefinedPrimal(c.shape, c.dtype) for c in carry]
            + [UndefinedPrimal(x.shape[1:], x.dtype) if m else next(kxi) for x, m in zip(xs, lin_x)]
        )
        r = _ad().backward_pass(body, ck + cy, g_args)
        rc, rk, rx = r[: len(consts)], r[len(consts) : len(consts) + nk], r[len(consts) + nk :]
        new_acc = [
            lax.bind1("add", s, instantiate(v, s))
            for s, v in zip(acc, [v for v, m in zip(rc, lin_c) if m])
        ]
        new_ck = [instantiate(v, c) for v, c in zip(rk, carry)]
        ys = [
            instantiate(v, UndefinedPrimal(*av))
            for v, av in zip([v for v, m in zip(rx, lin_x) if m], x_lin_avals)
        ]
        return new_acc + new_ck + ys

    avals = _avals(known_c + acc0 + ct_carry) + _x_avals(known_x + ct_ys)
    tb, tconsts = trace_closed(t_body, avals)
    res = _scan_bind(tconsts + known_c, acc0 + ct_carry, known_x + ct_ys, tb, length, not reverse)
    acc_out, ck_out, xs_out = (
        res[: len(acc0)],
        res[len(acc0) : len(acc0) + nk],
        res[len(acc0) + nk :],
    )
    ia, ix = iter(acc_out), iter(xs_out)
    return (
        [next(ia) if m else None for m in lin_c]
        + [None if k else c for c, k in zip(ck_out, carry_known)]
        + [next(ix) if m else None for m in lin_x]
    )


def _scan_batch(values, dims, params):
    body = params["body"][0]
    length, reverse = params["length"], params.get("reverse", False)
    size = batch_size(values, dims)
    consts, carry, xs = _scan_split(values, params)
    cd, kd, xd = _scan_split(dims, params)
    # xs keep axis 0 for the scan: their batch axis goes to 1.
    xs = [x if d is None else lax.moveaxis(x, d, 1) for x, d in zip(xs, xd)]
    x_dims = tuple(None if d is None else 0 for d in xd)
    # Which carries are batched: a fixed point, as in JAX (a carry that no batched value
    # reaches stays unbatched).
    carry_b = [d is not None for d in kd]
    nk = len(carry)
    while True:
        in_axes = tuple(cd) + tuple(0 if b else None for b in carry_b) + x_dims
        avals = (
            _avals(consts)
            + [_bavals(c, d, b, size) for c, d, b in zip(carry, kd, carry_b)]
            + _x_avals(xs)
        )
        out_b = _out_batched(body.eval, in_axes, avals, size)[:nk]
        new = [a or b for a, b in zip(carry_b, out_b)]
        if new == carry_b:
            break
        carry_b = new
    carry = [bdim_at_front(v, d, size) if b else v for v, d, b in zip(carry, kd, carry_b)]
    flags = []
    force = carry_b + [False] * (len(body.out_avals) - nk)
    vbody = _batched(body.eval, in_axes, size, force=force, flags=flags)
    vb, vconsts = trace_closed(vbody, _avals(consts + carry) + _x_avals(xs))
    outs = _scan_bind(vconsts + consts, carry, xs, vb, length, reverse)
    return outs, [0 if b else None for b in carry_b] + [1 if b else None for b in flags[nk:]]


defrules("scan", jvp=_scan_jvp, transpose=_scan_transpose, batch=_scan_batch)
