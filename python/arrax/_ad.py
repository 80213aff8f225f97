"""Automatic differentiation: forward mode by a JVP interpreter, reverse mode by linearizing
(JVP with the tangents staged into a linear graph) and transposing that graph.

Forward mode: a JVP tracer carries (primal, tangent); ``JVPTrace.process`` applies the
primitive's JVP rule. A tangent of ``None`` is a symbolic zero, so work on values that do not
depend on the inputs is skipped.

Reverse mode: ``linearize`` runs the JVP interpreter with tangents that are tracers of a
staging interpreter. Primal work runs now (or in an outer interpreter); only the tangent
work is recorded, with the primal values it needs (the residuals) captured as constants of
the linear graph. ``backward_pass`` walks that graph backwards through the primitives'
transpose rules. Only linear primitives need transpose rules (DESIGN.md).
"""

import functools

import numpy as onp

from arrax import _core, tree_util
from arrax._rules import RULES, UndefinedPrimal
from arrax._rules.common import add_tangents, instantiate
from arrax._trace_core import Trace, asarray, aval_of, check_callable, describe, is_inexact
from arrax.lax import _ops as lax
from arrax.lax._ops import stop_gradient  # noqa: F401 (arrax.stop_gradient)


class JVPTrace(Trace):
    has_weak = False  # whether any of its tracers is weakly typed

    def pure(self, primal, tangent, weak=False):
        # weak: JAX's weak type (a Python scalar argument, or a value computed from weak ones
        # only), which defers to the other operand's dtype in promotion.
        primal = asarray(primal)
        if tangent is None:
            return primal
        self.has_weak = self.has_weak or weak
        return self.new_tracer((primal, tangent), primal.shape, primal.dtype, weak)

    def unpack(self, x):
        p = self.payload(x)
        return (asarray(x), None) if p is None else p

    def concrete(self, payload):
        # Differentiating concrete inputs: the primal is known (it may itself be an outer
        # tracer, which to_numpy asks in turn).
        return payload[0]

    def process(self, name, inputs, params):
        primals, tangents = zip(*(self.unpack(x) for x in inputs)) if inputs else ((), ())
        rule = RULES.get(name)
        if rule is None or rule.jvp is None:
            raise NotImplementedError(f"{name}: no differentiation (JVP) rule")
        outs, touts = rule.jvp(list(primals), list(tangents), params)
        # Weak outputs (the engine's rule): from weak inputs, or a convert that makes one
        if self.has_weak and any(map(_core.weak_type, inputs)) or params.get("weak_type"):
            avals = [(x.shape, x.dtype, _core.weak_type(x)) for x in inputs]
            weak = [a[2] for a in _core.abstract_eval(name, avals, params)]
            return [self.pure(o, t, w) for o, t, w in zip(outs, touts, weak)]
        return [self.pure(o, t) for o, t in zip(outs, touts)]

    def process_custom_jvp(self, fn, args):
        return _custom.jvp_of_custom_jvp(self, fn, args)

    def process_custom_vjp(self, fn, args):
        return _custom.jvp_of_custom_vjp(self, fn, args)

    def process_custom_vmap(self, fn, args):
        from arrax.custom_batching import jvp_custom_vmap

        return jvp_custom_vmap(self, fn, args)


class _LinearCall:
    """The linear part of a custom_vjp (or checkpoint) call: tangents -> output tangents,
    transposed by the user's bwd rule."""

    def __init__(self, fn, in_tree, res_tree, out_tree, out_avals, in_avals):
        self.fn, self.in_tree, self.res_tree, self.out_tree = fn, in_tree, res_tree, out_tree
        self.out_avals, self.in_avals = out_avals, in_avals

    def __str__(self):
        return getattr(self.fn, "__name__", "custom_vjp")


def _custom_lin_abstract(avals, params):
    return params["info"].value.out_avals


def _custom_lin_kernel(arrays, params):
    info, n = params["info"].value, params["num_res"]
    if not hasattr(info.fn, "jvp_of_linear"):
        raise TypeError(
            "can't apply forward-mode autodiff (jvp) to a custom_vjp function: a function "
            "with a custom VJP cannot be differentiated in forward mode (jvp, jacfwd); use "
            "reverse mode (grad, vjp, jacrev)"
        )
    res = tree_util.tree_unflatten(info.res_tree, arrays[:n])
    tangents = tree_util.tree_unflatten(info.in_tree, arrays[n:])
    return [asarray(t) for t in tree_util.tree_leaves(info.fn.jvp_of_linear(res, tangents))]


_core.def_primitive("custom_lin", _custom_lin_abstract, _custom_lin_kernel)


def _custom_lin_transpose(cts, args, params):
    info, n = params["info"].value, params["num_res"]
    res = tree_util.tree_unflatten(info.res_tree, list(args[:n]))
    return [None] * n + _custom.bwd_cotangents(info, res, cts, len(args) - n)


def _custom_lin_jvp(primals, tangents, params):
    # The linear call is linear in its tangent operands: its own tangent is itself on them.
    n = params["num_res"]
    outs = lax.bind("custom_lin", *primals, **params)
    if any(t is not None for t in tangents[:n]):
        # The residuals move too (forward mode over forward mode through a checkpoint, whose
        # residuals are its inputs): differentiate the linear map in all its operands.
        if not hasattr(params["info"].value.fn, "jvp_of_linear"):
            _custom_lin_kernel(primals, params)  # (its TypeError: no forward mode)
        all_t = [instantiate(t, p) for t, p in zip(tangents, primals)]
        return outs, list(
            jvp(
                lambda *ops: _custom_lin_kernel(list(ops), params),
                tuple(primals),
                tuple(all_t),
                _float0=False,
            )[1]
        )
    if all(t is None for t in tangents[n:]):
        return outs, [None] * len(outs)
    ts = [instantiate(t, p) for t, p in zip(tangents[n:], primals[n:])]
    return outs, lax.bind("custom_lin", *primals[:n], *ts, **params)


from arrax._rules.common import batch_by_loop  # noqa: E402
from arrax._rules.registry import defrules  # noqa: E402

defrules(
    "custom_lin",
    jvp=_custom_lin_jvp,
    transpose=_custom_lin_transpose,
    batch=batch_by_loop("custom_lin"),
)
# custom_call (a custom_jvp/custom_vjp function staged under jit): rules further below.


# --- flat forms ------------------------------------------------------------------------


def jvp_flat(fun, primals, tangents, origin="", weak=None):
    """fun: list of arrays -> list of arrays. Returns (outputs, output tangents or None).
    ``weak`` marks the primals that were Python scalars (weakly typed)."""
    weak = _weak_primals(primals, weak)
    with JVPTrace(origin) as trace:
        ins = [trace.pure(p, t, w) for p, t, w in zip(primals, tangents, weak)]
        outs = fun(ins)
        return [trace.unpack(asarray(o)) for o in outs]


def _strip_tangents(trace, tree):
    """A pytree (has_aux's aux) with this trace's tracers replaced by their primal values."""
    return tree_util.tree_map(
        lambda x: trace.unpack(x)[0] if isinstance(x, _core.ndarray) else x, tree
    )


def linearize_flat(fun, primals, aux=None, origin="", weak=None):
    """(outputs, linear graph): the graph maps the tangents of the inexact inputs to the
    outputs' tangents; the primal values it needs are its constants. Values ``fun`` put in
    the list ``aux`` come out as primal values. ``weak`` marks the primals that were Python
    scalars (weakly typed)."""
    diff = [is_inexact(p.dtype) for p in primals]
    weak = _weak_primals(primals, weak)
    out_primals = []

    def tangent_fn(*tangents):
        from arrax.custom_batching import _LINEARIZE_LEVELS

        if tangents:  # (custom_vmap functions refuse to be linearized, as in JAX)
            _LINEARIZE_LEVELS.append(_core.trace_level(tangents[0]))
        try:
            return _tangent_fn(*tangents)
        finally:
            if tangents:
                _LINEARIZE_LEVELS.pop()

    def _tangent_fn(*tangents):
        it = iter(tangents)
        with JVPTrace(origin) as trace:
            ins = [
                trace.pure(p, next(it) if d else None, w) for p, d, w in zip(primals, diff, weak)
            ]
            pairs = [trace.unpack(asarray(o)) for o in fun(ins)]
            if aux:
                aux[:] = [_strip_tangents(trace, a) for a in aux]
        out_primals.extend(p for p, _ in pairs)
        return [instantiate(t, p) for p, t in pairs]

    graph = _core._trace(tangent_fn, [aval_of(p) for p, d in zip(primals, diff) if d], origin)
    return out_primals, graph, diff


def backward_pass(graph, cts_out, args=None):
    """The cotangents of a graph's linear inputs, given its outputs' (None: zero).

    ``args`` gives each input: a value for a non-linear input, an ``UndefinedPrimal`` for a
    linear one; by default every input is linear. Equations on non-linear values only run
    forward first (a loop body recomputing its primal values); the rest run backwards through
    the transpose rules. Returns one cotangent per input, None for non-linear or zero ones.
    """
    env = dict(zip(graph.constvars, graph.consts))
    if args is None:
        linear = set(graph.invars)
    else:
        linear = {v for v, a in zip(graph.invars, args) if isinstance(a, UndefinedPrimal)}
        env.update({v: a for v, a in zip(graph.invars, args) if v not in linear})
    lin_eqns = []
    for eqn in graph.eqns:
        name, params, ins, outs = eqn
        if any(v in linear for v in ins):
            linear.update(outs)
            lin_eqns.append(eqn)
        else:  # work on known values only: run it now
            env.update(zip(outs, _core.bind(name, [env[v] for v in ins], params)))
    ct_env = {}

    def add_ct(v, ct):
        if ct is not None:
            ct_env[v] = add_tangents(ct_env.get(v), ct)

    for v, ct in zip(graph.outvars, cts_out):
        if v in linear:
            add_ct(v, ct)
    for name, params, ins, outs in reversed(lin_eqns):
        cts = [ct_env.pop(v, None) for v in outs]
        if all(c is None for c in cts):
            continue
        eqn_args = [UndefinedPrimal(*graph.aval(v)[:2]) if v in linear else env[v] for v in ins]
        rule = RULES.get(name)
        if rule is None or rule.transpose is None:
            raise NotImplementedError(f"{name}: no transpose rule (reverse-mode differentiation)")
        for v, c in zip(ins, rule.transpose(cts, eqn_args, params)):
            if v in linear:
                add_ct(v, c)
    return [ct_env.get(v) if v in linear else None for v in graph.invars]


# --- the user-facing transformations ---------------------------------------------------


def _flatten_fun(fun, in_tree, out_store):
    def flat(leaves):
        out = fun(*tree_util.tree_unflatten(in_tree, leaves))
        leaves_out, tree = tree_util.tree_flatten(out)
        out_store.append(tree)
        return leaves_out

    return flat


def _leaves_as_arrays(leaves):
    return [asarray(x) for x in leaves]


def _weak_leaves(leaves):
    """Which leaves are Python floats or complexes: weakly typed, as JAX takes them. (Python
    ints and bools are not differentiated, so they get no JVP tracer to carry the flag.)"""
    return [type(x) in (float, complex) for x in leaves]


def _weak_primals(primals, weak):
    """The primals' weak flags: those given (Python scalar arguments), and weak jit tracers."""
    weak = weak or [False] * len(primals)
    return [w or _core.weak_type(p) for p, w in zip(primals, weak)]


# --- float0: the tangent type of integer and boolean values ------------------------------

# arrax.dtypes.float0 (importing arrax.dtypes here would be circular).
float0 = onp.dtype([("float0", onp.void, 0)])


class _Float0Zeros(onp.ndarray):
    """A float0 zero made under a trace (inside jit): a pytree node without leaves whose
    unflattening gives a plain NumPy float0 array, so a jit's outputs can hold float0 (arrax's
    engine has no such dtype) and come out as JAX gives them. Eager results are plain arrays."""


tree_util.register_pytree_node(
    _Float0Zeros, lambda x: ((), tuple(x.shape)), lambda shape, _: onp.zeros(shape, float0)
)


def _float0_zeros(shape, traced):
    z = onp.zeros(tuple(shape), float0)
    return z.view(_Float0Zeros) if traced else z


def _is_float0(x):
    return isinstance(x, onp.ndarray) and x.dtype == float0


def _any_tracer(leaves):
    return any(isinstance(x, _core.ndarray) and x._is_tracer for x in leaves)


def _aval_str(shape, dtype):
    name = "float0" if onp.dtype(dtype) == float0 else onp.dtype(dtype).name
    return f"{name}[{','.join(str(d) for d in shape)}]"


def _check_tangent(p, t, what):
    """t as a tangent for the primal p: an array of p's dtype for a float or complex p (None
    when p is not), a float0 array (or any array, as arrax always allowed) of p's shape for an
    integer or boolean one."""
    if _is_float0(t):
        if is_inexact(p.dtype) or t.shape != p.shape:
            raise ValueError(
                f"{what}: got tangent {_aval_str(t.shape, t.dtype)} for primal "
                f"{_aval_str(p.shape, p.dtype)}"
            )
        return None
    t = asarray(t)
    if p.shape != t.shape:
        raise ValueError(f"{what}: primal and tangent shapes differ: {p.shape} and {t.shape}")
    if is_inexact(p.dtype) and t.dtype != p.dtype:
        # (JAX's TypeError; the mismatch would otherwise fail inside the first primitive)
        raise TypeError(
            f"{what}: primal and tangent arguments do not match; dtypes must be equal, or in "
            "case of int/bool primal dtype the tangent dtype must be float0. Got primal dtype "
            f"{p.dtype} and so expected tangent dtype {p.dtype}, but got tangent dtype "
            f"{t.dtype} instead."
        )
    return t if is_inexact(p.dtype) else None


def jvp(fun, primals, tangents, has_aux=False, _float0=True):
    """Like ``jax.jvp``: (fun(*primals), the directional derivative along ``tangents``). An
    integer or boolean primal takes a float0 tangent and such outputs get float0 tangents
    (``_float0=False``, for arrax's own callers under vmap: integer zeros instead)."""
    check_callable(fun, "jvp")
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp: primals and tangents must be tuples or lists")
    p_leaves, p_tree = tree_util.tree_flatten(tuple(primals))
    t_leaves, t_tree = tree_util.tree_flatten(tuple(tangents))
    if p_tree != t_tree:
        raise ValueError(
            f"jvp: primal and tangent arguments must have the same tree structure, got {p_tree} "
            f"and {t_tree}"
        )
    weak = _weak_leaves(p_leaves)
    p_leaves = _leaves_as_arrays(p_leaves)
    t_leaves = [_check_tangent(p, t, "jvp") for p, t in zip(p_leaves, t_leaves)]
    out_tree = []
    f = fun if not has_aux else _split_aux(fun)
    pairs = jvp_flat(
        _flatten_fun(f, p_tree, out_tree), p_leaves, t_leaves, describe(fun, "jvp"), weak
    )
    outs = [p for p, _ in pairs]
    traced = _any_tracer(outs)
    touts = [
        _float0_zeros(p.shape, traced) if _float0 and not is_inexact(p.dtype) else instantiate(t, p)
        for p, t in pairs
    ]
    if has_aux:
        (out, aux) = tree_util.tree_unflatten(out_tree[0], list(zip(outs, touts)))
        return (
            tree_util.tree_map(lambda pt: pt[0], out, is_leaf=_is_pair),
            tree_util.tree_map(lambda pt: pt[1], out, is_leaf=_is_pair),
            tree_util.tree_map(lambda pt: pt[0], aux, is_leaf=_is_pair),
        )
    return (
        tree_util.tree_unflatten(out_tree[0], outs),
        tree_util.tree_unflatten(out_tree[0], touts),
    )


def _is_pair(x):
    return isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], _core.ndarray)


def _split_aux(fun):
    def f(*args):
        out = fun(*args)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise TypeError("has_aux=True requires the function to return a pair (output, aux)")
        return tuple(out)

    return f


def _collect_aux(fun, has_aux, aux_box):
    """fun's output alone; with has_aux, fun returns (output, aux) and aux goes into aux_box."""

    def f(*args):
        out = fun(*args)
        if has_aux:
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                raise TypeError("has_aux=True requires the function to return a pair (output, aux)")
            out, aux = out
            aux_box.append(aux)
        return out

    return f


def _vjp_core(fun, primals, has_aux, what="vjp"):
    p_leaves, p_tree = tree_util.tree_flatten(tuple(primals))
    weak = _weak_leaves(p_leaves)
    p_leaves = _leaves_as_arrays(p_leaves)
    out_tree = []
    aux_box = []
    f = _collect_aux(fun, has_aux, aux_box)
    outs, graph, diff = linearize_flat(
        _flatten_fun(f, p_tree, out_tree), p_leaves, aux_box, describe(fun, what), weak
    )
    aux = aux_box[0] if has_aux else None
    return p_leaves, p_tree, outs, out_tree[0], graph, diff, aux


class _LinearFn:
    """The static part of the functions vjp and linearize return: the linear graph with its
    constants (the residuals) as leading arguments. The functions are ``tree_util.Partial``s
    of it over those constants, so they are pytrees, as JAX's: a jit can return them or take
    them as arguments (the residuals are then its outputs or inputs). Hashes by identity."""

    def __init__(self, graph, p_tree, p_avals, diff, out_tree, out_avals, traced):
        self.graph = graph.with_consts_as_args()
        self.p_tree, self.p_avals, self.diff = p_tree, p_avals, diff
        self.out_tree, self.out_avals, self.traced = out_tree, out_avals, traced
        # (per call they would cost a tenth of a small eager grad)
        self.out_inexact = [is_inexact(d) for _, d in out_avals]
        self.undefined = [UndefinedPrimal(s, d) for (s, d), is_d in zip(p_avals, diff) if is_d]

    @classmethod
    def of(cls, p_leaves, p_tree, outs, out_tree, graph, diff):
        """The linear function of _vjp_core's results."""
        p_avals = [(p.shape, p.dtype) for p in p_leaves]
        out_avals = [(o.shape, o.dtype) for o in outs]
        return cls(graph, p_tree, p_avals, diff, out_tree, out_avals, _any_tracer(p_leaves))


class _Pullback(_LinearFn):
    def __call__(self, consts, *args):
        if len(args) != 1:
            raise TypeError(
                f"vjp: the function vjp returns takes one cotangent (a pytree like the "
                f"function's output), got {len(args)} arguments"
            )
        ct_leaves, ct_tree = tree_util.tree_flatten(args[0])
        if ct_tree != self.out_tree:
            raise ValueError(
                f"vjp: the cotangent's tree structure {ct_tree} differs from the output's "
                f"{self.out_tree}"
            )
        cts = []
        for c, (shape, dtype), inexact in zip(ct_leaves, self.out_avals, self.out_inexact):
            if not inexact and _is_float0(c):
                c = onp.zeros(c.shape)  # (only its shape is checked: integer outputs get none)
            c = asarray(c)
            if c.shape != shape:
                raise ValueError(
                    f"vjp: cotangent shape {c.shape} differs from the output's shape {shape}"
                )
            if inexact and c.dtype != dtype:
                c = c.astype(dtype)
            cts.append(c if inexact else None)
        lin = self.undefined
        in_cts = iter(backward_pass(self.graph, cts, list(consts) + lin)[len(consts) :])
        undefined = iter(lin)
        result = []
        for (shape, _), d in zip(self.p_avals, self.diff):
            if d:
                result.append(instantiate(next(in_cts), next(undefined)))
            else:  # Integer and boolean primals get float0 cotangents, as in JAX.
                traced = self.traced or _any_tracer(list(consts) + ct_leaves)
                result.append(_float0_zeros(shape, traced))
        return tree_util.tree_unflatten(self.p_tree, result)


def vjp(fun, *primals, has_aux=False, _what="vjp"):
    """Like ``jax.vjp``: (fun(*primals), vjp_fun[, aux]); ``vjp_fun(ct)`` returns one
    cotangent per primal argument (float0 zeros for integer or boolean ones)."""
    check_callable(fun, _what)
    out, pull, consts, aux = _vjp_pullback(fun, primals, has_aux, _what)
    f_vjp = tree_util.Partial(pull, consts)
    return (out, f_vjp, aux) if has_aux else (out, f_vjp)


def fwd_and_bwd(fun, argnums, has_aux=False, jitted=True):
    """Like ``jax.fwd_and_bwd``: ``fwd(*args)`` returns ``(fun(*args), residuals[, aux])`` and
    ``bwd(residuals, ct)`` the cotangents of the arguments ``argnums`` names (one, or a tuple
    for a sequence): ``jax.vjp`` split in two functions, each jitted once (``jitted``) and
    reused across calls."""
    import operator

    single = isinstance(argnums, int)
    nums = (operator.index(argnums),) if single else tuple(operator.index(n) for n in argnums)

    def fwd(*args):
        for n in nums:
            if not -len(args) <= n < len(args):
                raise TypeError(
                    f"fwd_and_bwd: argnums {n} out of range for {len(args)} positional arguments"
                )

        def partial_fun(*diff):
            full = list(args)
            for n, d in zip(nums, diff):
                full[n] = d
            return fun(*full)

        return vjp(partial_fun, *[args[n] for n in nums], has_aux=has_aux, _what="fwd_and_bwd")

    def bwd(residuals, cotangent):
        cts = residuals(cotangent)
        return cts[0] if single else cts

    if jitted:
        from arrax._jit import jit

        return jit(fwd), jit(bwd)
    return fwd, bwd


def _vjp_pullback(fun, primals, has_aux, what):
    """(output, pullback, its constants, aux): vjp's parts, the pullback called as
    pull(consts, ct) (grad calls it so, without the Partial vjp wraps it in)."""
    p_leaves, p_tree, outs, out_tree, graph, diff, aux = _vjp_core(fun, primals, has_aux, what)
    pull = _Pullback.of(p_leaves, p_tree, outs, out_tree, graph, diff)
    return tree_util.tree_unflatten(out_tree, outs), pull, list(graph.consts), aux


class _Linearized(_LinearFn):
    def __call__(self, consts, *tangents):
        t_leaves, t_tree = tree_util.tree_flatten(tuple(tangents))
        if t_tree != self.p_tree:
            raise ValueError(
                "linearized function called on tangent values inconsistent with the original "
                f"primal values: the tangents' tree structure {t_tree} differs from the "
                f"primals' {self.p_tree}"
            )
        ts = []
        for t, (shape, dtype), d in zip(t_leaves, self.p_avals, self.diff):
            t_shape, t_dtype = onp.shape(t), _tangent_dtype(t, dtype)
            want = dtype if d else float0
            if t_shape != tuple(shape) or t_dtype != want:
                raise ValueError(
                    "linearized function called on tangent values inconsistent with the "
                    f"original primal values: Got tangent aval {_aval_str(t_shape, t_dtype)} "
                    f"for primal aval {_aval_str(shape, dtype)} but expected "
                    f"{_aval_str(shape, want)}"
                )
            if d:
                ts.append(asarray(t).astype(dtype))
        outs = self.graph.eval(*consts, *ts)
        traced = self.traced or _any_tracer(list(consts) + ts)
        outs = [
            o if is_inexact(dtype) else _float0_zeros(shape, traced)
            for o, (shape, dtype) in zip(outs, self.out_avals)
        ]
        return tree_util.tree_unflatten(self.out_tree, outs)


def _tangent_dtype(t, primal_dtype):
    # A Python float or complex is weakly typed: it takes the primal's inexact dtype when its
    # kind fits (a float into a complex primal too), as JAX's weak types do.
    kind = onp.dtype(primal_dtype).kind
    if isinstance(t, complex) and kind == "c" or isinstance(t, float) and kind in "fc":
        return onp.dtype(primal_dtype)
    return t.dtype if hasattr(t, "dtype") else asarray(t).dtype


def linearize(fun, *primals, has_aux=False):
    """Like ``jax.linearize``: (fun(*primals), f_jvp[, aux]) where f_jvp(*tangents) evaluates
    the linear graph recorded once; with has_aux, fun returns (output, aux) and aux comes back
    as primal values. Integer and boolean primals take float0 tangents."""
    p_leaves, p_tree, outs, out_tree, graph, diff, aux = _vjp_core(
        fun, primals, has_aux, "linearize"
    )
    lin = _Linearized.of(p_leaves, p_tree, outs, out_tree, graph, diff)
    out = tree_util.tree_unflatten(out_tree, outs)
    f_jvp = tree_util.Partial(lin, list(graph.consts))
    return (out, f_jvp, aux) if has_aux else (out, f_jvp)


def _argnums_tuple(argnums):
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def value_and_grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """Like ``jax.value_and_grad``."""
    check_callable(fun, "value_and_grad")
    nums = _argnums_tuple(argnums)

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        for i in nums:
            if i < -len(args):  # (JAX's error for a negative index past the arguments)
                raise ValueError(
                    f"grad: argnums {argnums} is out of range for {len(args)} positional "
                    "arguments: a negative index must be >= -len(args)"
                )
            if i >= len(args):
                raise TypeError(
                    f"grad: argnums {argnums} is out of range for {len(args)} positional arguments"
                )
        nums_n = tuple(i % len(args) for i in nums)
        for i in nums_n:
            for leaf in tree_util.tree_leaves(args[i]):
                dt = asarray(leaf).dtype
                if not is_inexact(dt) and not allow_int:
                    raise TypeError(
                        "grad requires real- or complex-valued inputs (input dtype that is a "
                        f"sub-dtype of np.inexact), but got {dt.name}. If you want to use "
                        "integer-valued inputs, use vjp or set allow_int to True."
                    )

        @functools.wraps(fun)
        def f(*diff_args):
            full = list(args)
            for i, a in zip(nums_n, diff_args):
                full[i] = a
            return fun(*full, **kwargs)

        out, pull, consts, aux = _vjp_pullback(f, [args[i] for i in nums_n], has_aux, "grad")
        out_arr = asarray(out)
        if out_arr.shape != ():
            raise TypeError(f"grad requires scalar output, got an output of shape {out_arr.shape}")
        if not is_inexact(out_arr.dtype):
            raise TypeError(
                f"grad requires real- or complex-valued outputs, got {out_arr.dtype.name}"
            )
        # JAX's rules: a complex output needs holomorphic=True (its cotangent 1 is then the
        # holomorphic derivative), and holomorphic=True needs complex inputs and output.
        if out_arr.dtype.kind == "c" and not holomorphic:
            raise TypeError(
                "grad requires real-valued outputs (output dtype that is a sub-dtype of "
                f"np.floating), but got {out_arr.dtype.name}. For holomorphic differentiation, "
                "pass holomorphic=True. For differentiation of non-holomorphic functions "
                "involving complex outputs, use vjp directly."
            )
        if holomorphic:
            if out_arr.dtype.kind != "c":
                raise TypeError(
                    "grad with holomorphic=True requires outputs with complex dtype, but got "
                    f"{out_arr.dtype.name}"
                )
            for i in nums_n:
                for leaf in tree_util.tree_leaves(args[i]):
                    if asarray(leaf).dtype.kind != "c":
                        raise TypeError(
                            "grad with holomorphic=True requires inputs with complex dtype, but "
                            f"got {asarray(leaf).dtype.name}"
                        )
        grads = pull(consts, lax.full((), 1, out_arr.dtype))
        g = grads[0] if isinstance(argnums, int) else tuple(grads)
        if has_aux:
            return (out_arr, aux), g
        return out_arr, g

    return wrapped


def grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """Like ``jax.grad``: the gradient of a scalar-valued function with respect to argument(s)
    ``argnums``; with ``has_aux`` the function returns (value, aux) and grad returns
    (gradient, aux)."""
    check_callable(fun, "grad")
    vg = value_and_grad(fun, argnums, has_aux, holomorphic, allow_int)

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        (value, g) = vg(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g

    return wrapped


# --- custom rules (arrax._custom) -------------------------------------------------------

from arrax import _custom  # noqa: E402
from arrax._custom import (  # noqa: E402,F401 (re-exported)
    _closes_over_tracers,
    checkpoint,
    closure_convert,
    custom_gradient,
    custom_jvp,
    custom_vjp,
    remat,
)
from arrax._jacobians import hessian, jacfwd, jacrev  # noqa: E402,F401 (re-exported)
