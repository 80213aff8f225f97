"""Implicit differentiation (like ``jax.lax.custom_root`` and ``jax.lax.custom_linear_solve``):
derivatives of an iterative solver defined by the equation it solves, not by differentiating
through its iterations (which a ``while_loop`` would not allow in reverse mode anyway).

``custom_linear_solve`` is one primitive, ``custom_linear_solve``, as in JAX: its operands are
the captured values of ``matvec``, of its transpose ``vecmat``, of ``solve`` and of
``transpose_solve`` (each function staged into a graph, closure-converted), then ``b``. A
primitive rather than a ``custom_jvp``/``custom_vjp`` pair, because reverse mode transposes
the tangent solve: its transpose rule is the transposed problem, again this primitive, so
derivatives of every order (also with respect to the operator's values) stay implicit, and
its batching rule batches the four graphs together.

``custom_root`` is a ``custom_jvp`` function of the values ``f``, ``solve`` and the tangent
solve capture, made explicit arguments so that every transformation sees them.
"""

from arrax import _core, tree_util
from arrax._rules.registry import UndefinedPrimal, defrules
from arrax._trace_core import asarray, aval_of, is_inexact
from arrax.lax import _ops as lax
from arrax.lax._control_flow import trace_closed

__all__ = ["custom_root", "custom_linear_solve"]

_NAME = "custom_linear_solve"


def _flat_tree_fun(name, arg_name, fun, in_tree, has_aux, out_trees):
    """fun (a pytree of in_tree -> the same structure, or (that, aux) with has_aux) as a
    function of flat leaves returning flat leaves (aux leaves last); it checks the output's
    structure and shapes against the input's, and appends the aux structure to out_trees."""

    def flat(*leaves):
        out = fun(tree_util.tree_unflatten(in_tree, list(leaves)))
        aux_leaves, aux_tree = [], None
        if has_aux:
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise TypeError(f"{name}: with has_aux=True, {arg_name} must return (x, aux)")
            out, aux = out
            aux_leaves, aux_tree = tree_util.tree_flatten(aux)
        out_leaves, tree = tree_util.tree_flatten(out)
        if tree != in_tree:
            raise TypeError(
                f"{name}: {arg_name}() output pytree structure must match its input's, got "
                f"{tree} and {in_tree}"
            )
        out_leaves = [asarray(o) for o in out_leaves]
        got = [tuple(o.shape) for o in out_leaves]
        want = [tuple(x.shape) for x in leaves]
        if got != want:
            raise ValueError(f"{name}: {arg_name}() output shapes must match, got {got} and {want}")
        out_trees.append(aux_tree)
        return out_leaves + [asarray(a) for a in aux_leaves]

    return flat


def _stage(name, arg_name, fun, in_tree, avals, has_aux=False):
    """(graph, consts, aux tree) of a pytree function staged for arguments of avals."""
    trees = []
    graph, consts = trace_closed(
        _flat_tree_fun(name, arg_name, fun, in_tree, has_aux, trees), avals
    )
    return graph, consts, trees[0]


# --- custom_linear_solve ---------------------------------------------------------------


class _SolveGraphs:
    """The primitive's parameter: the staged matvec, vecmat, solve and transpose_solve (vecmat
    and transpose_solve are None without a transpose_solve) and how many operands each one's
    captured values take."""

    def __init__(self, graphs, lengths, n_b):
        self.graphs, self.lengths, self.n_b = tuple(graphs), tuple(lengths), n_b

    def __str__(self):
        return "custom_linear_solve"

    def transpose(self):
        mv, vm, s, ts = self.graphs
        lm, lv, ls, lt = self.lengths
        return _SolveGraphs((vm, mv, ts, s), (lv, lm, lt, ls), self.n_b)

    def split(self, operands):
        """The operands as [matvec consts, vecmat consts, solve consts, transpose_solve
        consts], b."""
        parts, at = [], 0
        for n in self.lengths:
            parts.append(list(operands[at : at + n]))
            at += n
        return parts, list(operands[at:])


def _info(params):
    return params["info"].value


def _bind(graphs, consts, b):
    return lax.bind(_NAME, *consts, *b, info=_core.Opaque(graphs))


def _abstract(avals, params):
    return _info(params).graphs[2].out_avals


def _kernel(arrays, params):
    info = _info(params)
    (_, _, s_consts, _), b = info.split(arrays)
    return info.graphs[2].eval(*s_consts, *b)


_core.def_primitive(_NAME, _abstract, _kernel)


def _jvp(primals, tangents, params):
    # A x = b  =>  dA x + A dx = db  =>  dx = A^-1 (db - dA x): the same solve, on a new right
    # side. The captured values of solve and transpose_solve are not differentiated (as JAX).
    from arrax._ad import jvp_flat
    from arrax._rules.common import add_tangents, instantiate

    info = _info(params)
    outs = lax.bind(_NAME, *primals, **params)
    (mv_c, _, _, _), b = info.split(primals)
    (mv_dot, _, _, _), b_dot = info.split(tangents)
    n_out = len(outs)
    if all(t is None for t in mv_dot) and all(t is None for t in b_dot):
        return outs, [None] * n_out
    x = outs[: info.n_b]
    rhs = list(b_dot)
    if any(t is not None for t in mv_dot):
        mv = info.graphs[0]
        nc = len(mv_c)
        pairs = jvp_flat(
            lambda ins: mv.eval(*ins[:nc], *ins[nc:]),
            list(mv_c) + list(x),
            list(mv_dot) + [None] * len(x),
        )
        rhs = [add_tangents(r, None if t is None else lax.neg(t)) for r, (_, t) in zip(rhs, pairs)]
    rhs = [instantiate(r, p) for r, p in zip(rhs, b)]
    consts = list(primals[: sum(info.lengths)])
    x_dot = lax.bind(_NAME, *consts, *rhs, **params)
    return outs, list(x_dot[: info.n_b]) + [None] * (n_out - info.n_b)


def _transpose(cts, args, params):
    # Linear in b: b's cotangent solves the transposed problem, A^T b_ct = x_ct, which is this
    # primitive again with the roles of (matvec, solve) and (vecmat, transpose_solve) swapped.
    info = _info(params)
    if info.graphs[3] is None:
        raise TypeError(
            "custom_linear_solve: transpose_solve required for backwards mode automatic "
            "differentiation (grad, vjp); pass transpose_solve, or symmetric=True when the "
            "operator is symmetric"
        )
    n_c = sum(info.lengths)
    if any(isinstance(a, UndefinedPrimal) for a in args[:n_c]):
        raise NotImplementedError(
            "custom_linear_solve: reverse mode through a solve whose captured values depend on "
            "the right side being transposed (such as a tolerance computed from b), as in JAX"
        )
    consts, b = info.split(args)
    ct_x = [_zeros_if_none(c, x) for c, x in zip(cts[: info.n_b], b)]
    mv_c, vm_c, s_c, ts_c = consts
    out = _bind(info.transpose(), vm_c + mv_c + ts_c + s_c, ct_x)
    return [None] * n_c + list(out[: info.n_b])


def _zeros_if_none(ct, like):
    """ct, or zeros shaped like b's entry (an UndefinedPrimal or a value) for a symbolic zero."""
    return ct if ct is not None else lax.full(like.shape, 0, like.dtype)


def _batch_graph(graph, const_dims, size):
    """graph (consts, vector leaves) -> outputs, batched: the captured values at const_dims
    (0 or None), every vector leaf and output batched at axis 0. Returns (graph, new consts):
    the new graph takes the new consts first, then the old ones, then the vectors."""
    from arrax._batching import vmap

    n_c = len(const_dims)
    avals = []
    for i, (shape, dtype, weak) in enumerate(graph.in_avals):
        batched = i >= n_c or const_dims[i] is not None
        avals.append(((size, *shape) if batched else tuple(shape), dtype, weak))
    in_axes = tuple(const_dims) + (0,) * (len(avals) - n_c)
    f = vmap(lambda *a: graph.eval(*a), in_axes=in_axes, out_axes=0, axis_size=size)
    return trace_closed(lambda *a: f(*a), avals)


def _batch(values, dims, params):
    # Every vector (b, x, and so the solves' inputs and outputs) is batched at axis 0, and the
    # captured values where they are batched: each staged function is replaced by its vmap.
    from arrax._rules.common import batch_size, bdim_at_front

    info = _info(params)
    size = batch_size(values, dims)
    consts, b = info.split(values)
    cdims, bdims = info.split(dims)
    new_graphs, new_lengths, new_consts = [], [], []
    for g, cs, ds in zip(info.graphs, consts, cdims):
        cs = [c if d is None else bdim_at_front(c, d, size) for c, d in zip(cs, ds)]
        ds = [None if d is None else 0 for d in ds]
        if g is None:
            new_graphs.append(None)
            new_lengths.append(len(cs))
            new_consts.extend(cs)
            continue
        bg, extra = _batch_graph(g, ds, size)
        new_graphs.append(bg)
        new_lengths.append(len(extra) + len(cs))
        new_consts.extend(list(extra) + cs)
    b = [bdim_at_front(x, d, size) for x, d in zip(b, bdims)]
    outs = _bind(_SolveGraphs(new_graphs, new_lengths, info.n_b), new_consts, b)
    return outs, [0] * len(outs)


defrules(_NAME, jvp=_jvp, transpose=_transpose, batch=_batch)


def custom_linear_solve(matvec, b, solve, transpose_solve=None, symmetric=False, has_aux=False):
    """Like ``jax.lax.custom_linear_solve``: ``solve(matvec, b)`` (x with matvec(x) = b), with
    derivatives defined implicitly at the solution: dx = solve(matvec, db - dmatvec(x)), and
    reverse mode through ``transpose_solve(vecmat, ct)`` with vecmat the transpose of matvec
    (``solve`` itself when ``symmetric``). ``matvec`` must be linear; its captured values are
    differentiated, ``solve``'s are not. With has_aux, solve (and transpose_solve) return
    (x, aux) and so does this function; aux gets no derivative."""
    from arrax._shapes import linear_transpose

    name = "custom_linear_solve"
    if transpose_solve is None and symmetric:
        transpose_solve = solve
    b_leaves, tree = tree_util.tree_flatten(b)
    b_leaves = [asarray(x) for x in b_leaves]
    b_struct = tree_util.tree_unflatten(tree, b_leaves)
    avals = [aval_of(x) for x in b_leaves]

    mv_g, mv_c, _ = _stage(name, "matvec", matvec, tree, avals)
    s_g, s_c, aux_tree = _stage(name, "solve", lambda v: solve(matvec, v), tree, avals, has_aux)
    vm_g = ts_g = None
    vm_c, ts_c = [], []
    if transpose_solve is not None:
        if symmetric:
            vecmat = matvec
            vm_g, vm_c = mv_g, mv_c
        else:
            transposed = linear_transpose(matvec, b_struct)

            def vecmat(y):
                return transposed(y)[0]

            vm_g, vm_c, _ = _stage(name, "vecmat", vecmat, tree, avals)
        ts_g, ts_c, ts_aux = _stage(
            name, "transpose_solve", lambda v: transpose_solve(vecmat, v), tree, avals, has_aux
        )
        if has_aux and ts_aux != aux_tree:
            raise TypeError(
                f"{name}: transpose_solve's aux structure {ts_aux} differs from solve's {aux_tree}"
            )
    graphs = _SolveGraphs(
        (mv_g, vm_g, s_g, ts_g), tuple(map(len, (mv_c, vm_c, s_c, ts_c))), len(b_leaves)
    )
    outs = _bind(graphs, mv_c + vm_c + s_c + ts_c, b_leaves)
    x = tree_util.tree_unflatten(tree, outs[: len(b_leaves)])
    if has_aux:
        return x, tree_util.tree_unflatten(aux_tree, outs[len(b_leaves) :])
    return x


# --- custom_root -----------------------------------------------------------------------


def _split_traced(consts):
    """(merge, traced): the tracers among consts, and merge(values for them) -> the full list
    in its order, the concrete values filled in."""
    traced = [c for c in consts if isinstance(c, _core.ndarray) and c._is_tracer]
    is_traced = [isinstance(c, _core.ndarray) and c._is_tracer for c in consts]

    def merge(values):
        it = iter(values)
        return [next(it) if t else c for c, t in zip(consts, is_traced)]

    return merge, traced


def custom_root(f, initial_guess, solve, tangent_solve, has_aux=False):
    """Like ``jax.lax.custom_root``: ``solve(f, initial_guess)``, a root of f, differentiated
    through the implicit function theorem: with f(params, x*) = 0, dx* = -(d_x f)^-1 d_params f,
    where ``tangent_solve(g, y)`` solves g(x) = y for g the linearization of f at the root.
    The values f captures are differentiated; solve's are not. With has_aux, solve returns
    (root, aux) and so does this function; aux gets no derivative."""
    from arrax._ad import custom_jvp, jvp_flat, linearize

    name = "custom_root"
    g_leaves, tree = tree_util.tree_flatten(initial_guess)
    g_leaves = [asarray(x) for x in g_leaves]
    avals = [aval_of(x) for x in g_leaves]
    n = len(g_leaves)

    f_g, f_c, _ = _stage(name, "f", f, tree, avals)
    s_g, s_c, aux_tree = _stage(name, "solve", lambda x: solve(f, x), tree, avals, has_aux)

    def linearize_and_solve(*leaves):
        x = tree_util.tree_unflatten(tree, list(leaves[:n]))
        y = tree_util.tree_unflatten(tree, list(leaves[n:]))
        _, f_jvp = linearize(f, x)
        out = tangent_solve(f_jvp, y)
        out_leaves, out_tree = tree_util.tree_flatten(out)
        if out_tree != tree:
            raise TypeError(
                f"{name}: tangent_solve() output pytree structure must match initial_guess, got "
                f"{out_tree} and {tree}"
            )
        return out_leaves

    ls_g, ls_c = trace_closed(linearize_and_solve, avals + avals)
    # The captured values that are tracers become the custom_jvp function's arguments; the
    # concrete ones (a constant like the exponent of y**3) stay in its closure. The rule gets
    # zeros, not symbolic zeros, as the tangents of constant arguments, and differentiating f
    # with respect to such a constant could make 0 * nan (d/dk y**k = y**k log y, y < 0).
    f_fix, f_c = _split_traced(f_c)
    s_fix, s_c = _split_traced(s_c)
    ls_fix, ls_c = _split_traced(ls_c)
    nf, ns, nl = len(f_c), len(s_c), len(ls_c)

    def root(*args):
        return s_g.eval(*s_fix(args[nf : nf + ns]), *args[nf + ns + nl :])

    def root_jvp(primals, tangents):
        # f(p, x*(p)) = 0  =>  d_x f . dx* = -d_p f . dp: one tangent solve at the root.
        from arrax._rules.common import instantiate

        sol = rooted(*primals)
        x, aux = sol[:n], sol[n:]
        f_p, f_t = list(primals[:nf]), list(tangents[:nf])
        pairs = jvp_flat(
            lambda cs: f_g.eval(*f_fix(cs), *x),
            f_p,
            [t if is_inexact(p.dtype) else None for p, t in zip(f_p, f_t)],
        )
        rhs = [instantiate(t, p) for p, t in pairs]
        ls_p = ls_fix(primals[nf + ns : nf + ns + nl])
        dx = [lax.neg(asarray(t)) for t in ls_g.eval(*ls_p, *x, *rhs)]
        return sol, dx + [lax.zeros_like(a) for a in aux]

    rooted = custom_jvp(root)
    rooted.__name__ = name
    rooted.defjvp(root_jvp)
    out = rooted(*f_c, *s_c, *ls_c, *g_leaves)
    x = tree_util.tree_unflatten(tree, list(out[:n]))
    if has_aux:
        return x, tree_util.tree_unflatten(aux_tree, list(out[n:]))
    return x
