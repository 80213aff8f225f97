"""Custom derivative rules: ``custom_jvp``, ``custom_vjp``, ``custom_gradient``, ``checkpoint``
and ``closure_convert`` (JAX's ``jax.custom_derivatives``).

A custom function's call is handled by the innermost transformation (``_call_custom``): the JVP
interpreter applies the rule (``jvp_of_custom_jvp`` / ``jvp_of_custom_vjp``), vmap batches the
function and its rules, and under jit the call is staged as one ``custom_call`` primitive that
keeps the rules. ``symbolic_zeros=True`` rules see ``SymbolicZero`` for tangents/cotangents that
are known to be zero and, for custom_vjp, ``CustomVJPPrimal(value, perturbed)`` arguments.
"""

import functools
import inspect
import weakref

import numpy as onp

from arrax import _core, tree_util
from arrax._ad import _aval_str, _LinearCall, float0, jvp, jvp_flat, vjp
from arrax._rules import UndefinedPrimal
from arrax._rules.common import add_tangents, instantiate
from arrax._rules.registry import defrules
from arrax._trace_core import asarray, aval_of, is_inexact, top_trace
from arrax.lax import _ops as lax

# --- symbolic zeros ----------------------------------------------------------------------


class SymbolicZero:
    """Like ``jax.custom_derivatives.SymbolicZero``: a tangent or cotangent known to be zero,
    given to rules defined with ``symbolic_zeros=True``. A pytree without leaves."""

    def __init__(self, shape, dtype):
        self.shape, self.dtype = tuple(shape), onp.dtype(dtype)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(onp.prod(self.shape))

    def instantiate(self):
        return lax.full(self.shape, 0, self.dtype)

    def __repr__(self):
        return f"SymbolicZero({_aval_str(self.shape, self.dtype)})"


tree_util.register_pytree_node(
    SymbolicZero, lambda z: ((), (z.shape, z.dtype)), lambda aux, _: SymbolicZero(*aux)
)


class CustomVJPPrimal:
    """Like ``jax.custom_derivatives.CustomVJPPrimal``: an argument of a symbolic-zeros fwd
    rule, with whether it is differentiated (``perturbed``)."""

    def __init__(self, value, perturbed):
        self.value, self.perturbed = value, perturbed

    def __repr__(self):
        return f"CustomVJPPrimal(value={self.value!r}, perturbed={self.perturbed})"


tree_util.register_pytree_node(
    CustomVJPPrimal,
    lambda p: ((p.value,), p.perturbed),
    lambda pert, v: CustomVJPPrimal(v[0], pert),
)


def custom_vjp_primal_tree_values(tree):
    """The values of a tree of CustomVJPPrimal (a symbolic-zeros fwd rule's arguments)."""
    return tree_util.tree_map(
        lambda x: x.value if isinstance(x, CustomVJPPrimal) else x,
        tree,
        is_leaf=lambda x: isinstance(x, CustomVJPPrimal),
    )


def _tangent_dtype(dtype):
    return onp.dtype(dtype) if is_inexact(dtype) else onp.dtype(float0)


def zero_from_primal(val, symbolic_zeros=False):
    """Like ``jax.custom_derivatives.zero_from_primal``: a zero tangent for each leaf of val
    (float0 for integer or boolean leaves); symbolic (``SymbolicZero``) if asked."""

    def zero(x):
        x = asarray(x)
        dt = _tangent_dtype(x.dtype)
        if symbolic_zeros:
            return SymbolicZero(x.shape, dt)
        return onp.zeros(x.shape, float0) if dt == float0 else lax.zeros_like(x)

    return tree_util.tree_map(zero, val)


def _is_zero_leaf(x):
    return x is None or isinstance(x, SymbolicZero)


def _broadcastable(src, dst):
    return all(a in (1, b) for a, b in zip(reversed(src), reversed(dst)))


def _name(f):
    return getattr(f, "__name__", str(f))


class _AvalStr:
    def __init__(self, s):
        self.s = s

    def __repr__(self):
        return self.s


def _tree_avals_str(leaves, tree):
    return str(
        tree_util.tree_unflatten(
            tree, [_AvalStr(_aval_str(*aval_of(asarray(x))[:2])) for x in leaves]
        )
    )


# The output structure a staged custom call expects (its primal function's): set while the
# JVP of a `custom_call` runs its rule, so a rule whose primal output differs is reported.
_EXPECTED = []


def _check_primal_out(fn, out_leaves, out_tree, kind, rule_name):
    if not _EXPECTED or _EXPECTED[-1][0] is not fn:
        return
    _, exp_tree, exp_avals = _EXPECTED[-1]
    what = (
        f"Custom JVP rule {rule_name} for function {_name(fn)} must produce a pair (list or "
        "tuple of length two) where the first element represents the primal output (equal in "
        f"value to the output of the custom_jvp-decorated function {_name(fn)}, and in "
        "particular "
        if kind == "jvp"
        else f"Custom VJP fwd rule {rule_name} for function {_name(fn)} must produce a pair "
        "(list or tuple of length two) where the first element represents the primal output "
        f"(equal to the output of the custom_vjp-decorated function {_name(fn)}) and the "
        "second element represents residuals (i.e. values stored from the forward pass for "
        "use on the backward pass), but instead the fwd rule output's first element had "
    )
    dec = f"custom_{kind}-decorated function {_name(fn)}"
    if out_tree != exp_tree:
        got = _tree_avals_str(out_leaves, out_tree)
        exp = str(
            tree_util.tree_unflatten(exp_tree, [_AvalStr(_aval_str(*a[:2])) for a in exp_avals])
        )
        mid = (
            "of the same container/pytree structure), but instead the JVP rule output's first "
            "element had "
            if kind == "jvp"
            else ""
        )
        raise TypeError(
            f"{what}{mid}container/pytree structure:\n    {got}\nwhile the {dec} had output "
            f"container/pytree structure:\n    {exp}."
        )
    got = [aval_of(asarray(x))[:2] for x in out_leaves]
    exp = [(tuple(a[0]), onp.dtype(a[1])) for a in exp_avals]
    if [(tuple(s), onp.dtype(d)) for s, d in got] != exp:
        mid = (
            "with leaves of the same shape/dtype), but instead the JVP rule output's first "
            "element had "
            if kind == "jvp"
            else ""
        )
        got_s = ", ".join(_aval_str(*a) for a in got)
        exp_s = ", ".join(_aval_str(*a) for a in exp)
        sep = " " if kind == "jvp" else " "
        raise TypeError(
            f"{what}{mid}shapes/dtypes of:\n    {got_s}\nwhile the {dec} had output"
            f"{sep}shapes/dtypes of:\n    {exp_s}"
        )


# --- the JVP interpreter's handling of custom calls --------------------------------------


def jvp_of_custom_jvp(trace, fn, args):
    leaves, treedef = tree_util.tree_flatten(args)
    pairs = [trace.unpack(x) for x in leaves]
    primals = [p for p, _ in pairs]
    if all(t is None for _, t in pairs):
        return fn.fun(*tree_util.tree_unflatten(treedef, primals))
    if getattr(fn, "symbolic_zeros", False):
        tangents = [
            SymbolicZero(p.shape, _tangent_dtype(p.dtype))
            if t is None or not is_inexact(p.dtype)
            else t
            for p, t in pairs
        ]
    else:
        tangents = [
            instantiate(t, p) if is_inexact(p.dtype) else lax.zeros_like(p) for p, t in pairs
        ]
    p_args = tree_util.tree_unflatten(treedef, primals)
    t_args = tree_util.tree_unflatten(treedef, tangents)
    rule_name = _name(getattr(fn, "_user_rule", None) or fn.jvp_rule)
    res = fn.jvp_rule(p_args, t_args)
    if not (isinstance(res, (list, tuple)) and len(res) == 2):
        raise TypeError(
            f"Custom JVP rule {rule_name} for function {_name(fn)} must produce a pair (list or "
            f"tuple of length two) representing primal and tangent outputs, but got {res}"
        )
    out, t_out = res
    out_leaves, out_tree = tree_util.tree_flatten(out)
    _check_primal_out(fn, out_leaves, out_tree, "jvp", rule_name)
    t_leaves, t_tree = tree_util.tree_flatten(t_out, is_leaf=_is_zero_leaf)
    if t_tree != out_tree and len(t_leaves) != len(out_leaves):
        raise TypeError(
            f"Custom JVP rule {rule_name} for function {_name(fn)} must produce primal and "
            "tangent outputs with equal container (pytree) structures, but got "
            f"{out_tree} and {tree_util.tree_structure(t_out)} respectively."
        )
    outs = []
    for o, t in zip(out_leaves, t_leaves):
        o = asarray(o)
        if _is_zero_leaf(t) or (hasattr(t, "dtype") and onp.dtype(t.dtype) == float0):
            outs.append(trace.pure(o, None))
            continue
        weak_t = _is_python_scalar(t) or (isinstance(t, _core.ndarray) and _core.weak_type(t))
        t = asarray(t)
        if is_inexact(o.dtype) and t.dtype != o.dtype and not weak_t:
            raise TypeError(
                "Custom JVP rule must produce primal and tangent outputs with corresponding "
                f"shapes and dtypes. Expected {_aval_str(o.shape, o.dtype)} (tangent type of "
                f"{_aval_str(o.shape, o.dtype)}) but got {_aval_str(t.shape, t.dtype)}."
            )
        if is_inexact(o.dtype) and t.dtype != o.dtype:  # (a Python scalar: weakly typed)
            t = t.astype(o.dtype)
        if is_inexact(o.dtype) and t.shape != o.shape:
            if t.ndim <= o.ndim and _broadcastable(t.shape, o.shape):
                from arrax.numpy import broadcast_to

                t = broadcast_to(t, o.shape)
                outs.append(trace.pure(o, t))
                continue
            raise TypeError(
                "Custom JVP rule must produce primal and tangent outputs with corresponding "
                f"shapes and dtypes. Expected {_aval_str(o.shape, o.dtype)} (tangent type of "
                f"{_aval_str(o.shape, o.dtype)}) but got {_aval_str(t.shape, t.dtype)}."
            )
        outs.append(_pure_under(trace, o, t if is_inexact(o.dtype) else None))
    return tree_util.tree_unflatten(out_tree, outs)


def _pure_under(trace, o, t):
    """trace.pure(o, t), where the rule's outputs may be tracers of a vmap inside this
    differentiation that the custom function or its rule closes over (a custom_jvp defined
    in a vmapped function, called on an argument that is not batched): such a vmap's tracer
    is made the outermost wrapper, around the JVP pair of its per-example values, as
    nesting the two transformations makes them (JAX: process_env_traces)."""
    from arrax._batching import BatchTrace
    from arrax._rules.common import bdim_at_front
    from arrax._trace_core import _active

    level = 0
    for x in (o, t):
        if isinstance(x, _core.ndarray) and x._is_tracer:
            level = max(level, _core.trace_level(x))
    outer = _active.get(level) if level > trace.level else None
    if not isinstance(outer, BatchTrace):
        return trace.pure(o, t)
    ov, od = outer.unpack(o)
    size = outer.axis_size
    if t is None:
        return outer.wrap(_pure_under(trace, ov, None), od)
    tv, td = outer.unpack(t)
    ov, tv = bdim_at_front(ov, od, size), bdim_at_front(tv, td, size)
    return outer.wrap(_pure_under(trace, ov, tv), 0)


def _is_python_scalar(x):
    return isinstance(x, (bool, int, float, complex)) and not isinstance(x, onp.generic)


def jvp_of_custom_vjp(trace, fn, args):
    from arrax._ad import _closes_over_tracers

    leaves, treedef = tree_util.tree_flatten(args)
    pairs = [trace.unpack(x) for x in leaves]
    primals = [p for p, _ in pairs]
    if all(t is None for _, t in pairs):
        return fn.fun(*tree_util.tree_unflatten(treedef, primals))
    remat = hasattr(fn, "jvp_of_linear")  # (a checkpoint)
    if remat and _closes_over_tracers(fn.fun, treedef, primals):
        # A checkpoint recomputes from its arguments alone; a traced value it closes
        # over (parameters being differentiated) would lose its derivative. It is
        # differentiated as it is instead: right, without the recomputation.
        return fn.fun(*args)
    if getattr(fn, "symbolic_zeros", False):
        fwd_args = [CustomVJPPrimal(p, t is not None and is_inexact(p.dtype)) for p, t in pairs]
    else:
        fwd_args = primals
    res = fn.fwd(*tree_util.tree_unflatten(treedef, fwd_args))
    if not (isinstance(res, (list, tuple)) and len(res) == 2):
        raise TypeError(
            f"Custom VJP fwd rule {_name(fn.fwd)} for function {_name(fn)} must produce a pair "
            "(list or tuple of length two) representing primal outputs and residuals (values "
            f"stored from the forward pass for use on the backward pass), but got {res}"
        )
    out, res = res
    out_leaves, out_tree = tree_util.tree_flatten(out)
    _check_primal_out(fn, out_leaves, out_tree, "vjp", _name(fn.fwd))
    out_leaves = [asarray(o) for o in out_leaves]
    res_leaves, res_tree = tree_util.tree_flatten(res)
    res_leaves = [asarray(r) for r in res_leaves]
    if remat and any(trace.payload(x) is not None for x in out_leaves + res_leaves):
        return fn.fun(*args)  # (the same, found by running it: it could not be staged)
    tangents = [instantiate(t, p) for p, t in pairs]
    info = _core.Opaque(
        _LinearCall(
            fn,
            treedef,
            res_tree,
            out_tree,
            [aval_of(o) for o in out_leaves],
            [aval_of(p) for p in primals],
        )
    )
    t_out = lax.bind("custom_lin", *res_leaves, *tangents, info=info, num_res=len(res_leaves))
    return tree_util.tree_unflatten(
        out_tree, [_pure_under(trace, o, t) for o, t in zip(out_leaves, t_out)]
    )


def bwd_cotangents(info, res, cts, n_in):
    """The user's bwd rule on the output cotangents (None: zero): flat input cotangents, None
    for zero ones, checked against the arguments' structure as JAX does."""
    fn = info.fn
    sym = getattr(fn, "symbolic_zeros", False)
    full = []
    for c, (s, d, *_) in zip(cts, info.out_avals):
        if c is None and sym:
            full.append(SymbolicZero(s, _tangent_dtype(d)))
        else:
            full.append(instantiate(c, UndefinedPrimal(s, d)))
    ct_tree = tree_util.tree_unflatten(info.out_tree, full)
    in_cts = fn.bwd(res, ct_tree)
    bwd_name = _name(getattr(fn, "_user_bwd", None) or fn.bwd)
    if not isinstance(in_cts, (tuple, list)):
        raise TypeError(
            f"Custom VJP bwd rule {bwd_name} must produce a tuple of length equal to the "
            f"primal args tuple, but got {type(in_cts)}"
        )
    in_cts = tuple(in_cts)
    dummy = tree_util.tree_unflatten(info.in_tree, [_Leaf()] * info.in_tree.num_leaves)
    flat = []
    ok = len(in_cts) == len(dummy) and _match(in_cts, dummy, flat)
    if not ok or len(flat) != info.in_tree.num_leaves:
        raise TypeError(
            "Custom VJP bwd rule must produce an output with the same container (pytree) "
            "structure as the args tuple of the primal function, and in particular must "
            "produce a tuple of length equal to the number of arguments to the primal "
            f"function, but got bwd output structure {tree_util.tree_structure(in_cts)} for "
            f"primal input structure {info.in_tree}."
        )
    out = []
    for i, (c, (s, d, *_)) in enumerate(zip(flat, info.in_avals)):
        if isinstance(c, SymbolicZero):
            if tuple(c.shape) != tuple(s):
                raise ValueError(
                    "Custom VJP bwd rule must produce an output with the same shape/dtypes as "
                    f"the args tuple of the primal function, but at output[{i}] the bwd rule "
                    f"produced a symbolic zero of shape/dtype {_aval_str(c.shape, c.dtype)} "
                    f"corresponding to an input of shape/dtype {_aval_str(s, d)}. Consider "
                    "just returning a None here instead of a symbolic zero object."
                )
            c = None
        if c is None or (hasattr(c, "dtype") and onp.dtype(c.dtype) == float0):
            out.append(None)
            continue
        c = asarray(c)
        if not is_inexact(d):
            out.append(None)
            continue
        if tuple(c.shape) != tuple(s) and c.size != int(onp.prod(s)):
            raise ValueError(
                "Custom VJP bwd rule must produce an output with the same shape/dtypes as the "
                f"args tuple of the primal function, but at output[{i}] the bwd rule produced "
                f"an output of shape/dtype {_aval_str(c.shape, c.dtype)} corresponding to an "
                f"input of shape/dtype {_aval_str(s, d)}"
            )
        out.append(c.reshape(tuple(s)) if tuple(c.shape) != tuple(s) else c)
    assert len(out) == n_in
    return out


class _Leaf:
    pass


def _match(ct, d, flat):
    """Flatten bwd's output ct against the arguments' tree d (leaves _Leaf): None (or a
    SymbolicZero) stands for zeros of a whole subtree. False on a structure mismatch."""
    if ct is None:
        flat.extend([None] * len(tree_util.tree_leaves(d, is_leaf=lambda x: isinstance(x, _Leaf))))
        return True
    if isinstance(d, _Leaf) or tree_util.treedef_is_leaf(tree_util.tree_structure(ct)):
        # (a leaf standing for a whole subtree of the arguments: counted at the end)
        flat.append(ct)
        return True
    if d is None:
        return True
    d_children, d_aux = tree_util.flatten_one_level(d)
    if isinstance(ct, SymbolicZero):
        return False
    try:
        c_children, c_aux = tree_util.flatten_one_level(ct)
    except (ValueError, TypeError):
        return False
    same = type(ct) is type(d) or (isinstance(ct, (tuple, list)) and isinstance(d, (tuple, list)))
    if not same or len(c_children) != len(d_children):
        return False
    return all(_match(c, dd, flat) for c, dd in zip(c_children, d_children))


# --- argument resolution -----------------------------------------------------------------


# fun -> (its signature or None, the number of its parameters when all are positional ones
# without defaults, else None): resolving a call's arguments needs them at every call, and
# inspect.signature costs tens of microseconds (a loop calling pinv or nn.relu paid it each time)
_SIGNATURES = weakref.WeakKeyDictionary()

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _signature(fun):
    """fun's signature (None where opaque) and its count of plain positional parameters."""
    try:
        return _SIGNATURES[fun]
    except (KeyError, TypeError):  # (TypeError: fun is not hashable or weakly referable)
        pass
    try:
        sig = None if isinstance(fun, functools.partial) else inspect.signature(fun)
    except (TypeError, ValueError):
        sig = None
    plain = None
    if sig is not None and all(
        p.kind in _POSITIONAL and p.default is p.empty for p in sig.parameters.values()
    ):
        plain = len(sig.parameters)
    entry = (sig, plain)
    try:
        _SIGNATURES[fun] = entry
    except TypeError:
        pass
    return entry


def _resolve_args(kind, fun, args, kwargs):
    """args and kwargs as positional arguments (defaults filled in), as JAX resolves them; a
    functools.partial's signature is opaque (JAX's rule: its bound arguments stay out)."""
    sig, plain = _signature(fun)
    if not kwargs and plain is not None and len(args) == plain:
        return tuple(args)  # (what binding them would give)
    if sig is None:
        if kwargs:
            raise TypeError(
                f"The input arguments to the custom_{kind}-decorated function {_name(fun)} "
                "could not be resolved to positional-only arguments. Binding failed with the "
                "error:\nThe following keyword arguments could not be resolved to positions: "
                + ", ".join(kwargs)
            )
        return args
    try:
        ba = sig.bind(*args, **kwargs)
        ba.apply_defaults()
        passed = [k for k in ba.kwargs if k in kwargs]
        if passed:
            raise TypeError(
                "The following keyword arguments could not be resolved to positions: "
                + ", ".join(passed)
            )
    except TypeError as e:
        raise TypeError(
            f"The input arguments to the custom_{kind}-decorated function {_name(fun)} could "
            f"not be resolved to positional-only arguments. Binding failed with the error:\n{e}"
        ) from None
    return tuple(ba.args)


def _nondiff(fun, nondiff_argnums, nondiff_argnames):
    nums = set(nondiff_argnums)
    if nondiff_argnames:
        params = list(inspect.signature(fun).parameters)
        nums |= {params.index(n) for n in nondiff_argnames}
    return tuple(sorted(nums))


# --- custom_jvp / custom_vjp ---------------------------------------------------------------


def _forward_attr(self, name):
    """JAX's forward_attr: a custom function's public attributes it lacks are its wrapped
    function's, so ``@custom_vjp @custom_vmap def f`` lets ``f.def_vmap`` set the rule."""
    fun = self.__dict__.get("fun")
    if fun is None or name.startswith("_") or name == "jvp_of_linear":
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
    return getattr(fun, name)


class custom_jvp:  # noqa: N801 (JAX's name)
    """Like ``jax.custom_jvp``: a function with a user-defined JVP rule.

    ``@custom_jvp def f(x): ...`` then ``@f.defjvp def f_jvp(primals, tangents): return
    f(*primals), tangent_out``.
    """

    def __init__(self, fun, nondiff_argnums=(), nondiff_argnames=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff(fun, nondiff_argnums, nondiff_argnames)
        self.jvp_rule = self._user_rule = None
        self.symbolic_zeros = False

    def __getattr__(self, name):
        return _forward_attr(self, name)

    def defjvp(self, jvp_rule, symbolic_zeros=False):
        self._user_rule = jvp_rule
        self.symbolic_zeros = symbolic_zeros
        if self.nondiff_argnums:
            nd = self.nondiff_argnums
            rule = jvp_rule

            def jvp_rule(primals, tangents):  # noqa: F811
                static = [primals[i] for i in nd]
                p = tuple(a for i, a in enumerate(primals) if i not in nd)
                t = tuple(a for i, a in enumerate(tangents) if i not in nd)
                return rule(*static, p, t)

        self.jvp_rule = lambda p, t: jvp_rule(tuple(p), tuple(t))
        return self._user_rule

    def defjvps(self, *per_arg):
        """One function per argument: (tangent, primal_out, *primals) -> tangent_out part."""

        def rule(primals, tangents):
            out = self(*primals)  # (the custom function: second derivatives use the rules too)
            t_out = None
            for f, t in zip(per_arg, tangents):
                if f is not None and not isinstance(t, SymbolicZero):
                    part = tree_util.tree_map(asarray, f(t, out, *primals))
                    t_out = part if t_out is None else tree_util.tree_map(add_tangents, t_out, part)
            if t_out is None:
                return out, zero_from_primal(out)
            return out, t_out

        self._user_rule = None
        self.symbolic_zeros = True  # (arguments without a tangent are skipped)
        self.jvp_rule = rule

    def __call__(self, *args, **kwargs):
        if self.jvp_rule is None:
            raise AttributeError(
                f"No JVP defined for custom_jvp function {self.__name__} using defjvp."
            )
        args = _resolve_args("jvp", self.fun, args, kwargs)
        if self.nondiff_argnums and self._user_rule is not None:
            # The non-differentiable arguments (an axis) stay Python values: the call is one
            # of a function closed over them, as in custom_vjp, so staging never traces them.
            nd, rule = self.nondiff_argnums, self._user_rule
            static = [args[i] for i in nd]
            if _holds_tracer(static):
                # A traced one (a key under vmap) cannot be closed over: a transformation
                # would not see it and its tracers would leak. It is passed as an argument
                # whose tangent the rule does not get.
                fun, pos, closed = _pass_traced(self.fun, args, nd)
                passed = custom_jvp(fun)
                passed.__name__ = self.__name__
                passed.symbolic_zeros = self.symbolic_zeros

                def passed_rule(p, t):
                    full_p = _merge_closed(closed, p, pos)
                    full_t = _merge_closed(closed, t, pos)
                    diff = [i for i in range(len(args)) if i not in nd]
                    return rule(
                        *[full_p[i] for i in nd],
                        tuple(full_p[i] for i in diff),
                        tuple(full_t[i] for i in diff),
                    )

                passed.jvp_rule = passed_rule
                passed._user_rule = rule
                return _call_custom(passed, tuple(args[i] for i in pos), "process_custom_jvp")
            rest = tuple(a for i, a in enumerate(args) if i not in nd)
            inner = custom_jvp(lambda *r: self.fun(*_merge(static, r, nd)))
            inner.__name__ = self.__name__
            inner.defjvp(lambda p, t: rule(*static, p, t), symbolic_zeros=self.symbolic_zeros)
            inner._user_rule = rule
            return inner(*rest)
        return _call_custom(self, args, "process_custom_jvp")


class custom_vjp:  # noqa: N801 (JAX's name)
    """Like ``jax.custom_vjp``: ``f.defvjp(fwd, bwd)`` with ``fwd(*args) -> (out, residuals)``
    and ``bwd(residuals, ct_out) -> tuple of cotangents, one per argument``."""

    def __init__(self, fun, nondiff_argnums=(), nondiff_argnames=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff(fun, nondiff_argnums, nondiff_argnames)
        self.fwd = self.bwd = None
        self.symbolic_zeros = False

    def __getattr__(self, name):
        return _forward_attr(self, name)

    def defvjp(self, fwd, bwd, symbolic_zeros=False, optimize_remat=False):
        # optimize_remat (JAX: let remat drop fwd's primal output work) changes no value.
        self.fwd, self.bwd = fwd, bwd
        self.symbolic_zeros = symbolic_zeros

    def __call__(self, *args, **kwargs):
        if self.fwd is None:
            raise AttributeError(
                f"No VJP defined for custom_vjp function {self.__name__} using defvjp."
            )
        args = _resolve_args("vjp", self.fun, args, kwargs)
        if self.nondiff_argnums:
            nd = self.nondiff_argnums
            static = [args[i] for i in nd]
            if _holds_tracer(static):
                # Traced non-differentiable arguments are passed (see custom_jvp), and kept
                # with the residuals for bwd, which gives them no cotangent.
                fun, pos, closed = _pass_traced(self.fun, args, nd)

                def fwd(*p):
                    full = _merge_closed(closed, p, pos)
                    out, res = self.fwd(*full)
                    vals = custom_vjp_primal_tree_values([full[i] for i in nd])
                    return out, (vals, res)

                def bwd(res, ct):
                    cts = iter(self.bwd(*res[0], res[1], ct))
                    return tuple(None if i in nd else next(cts) for i in pos)

                passed = custom_vjp(fun)
                passed.__name__ = self.__name__
                passed.defvjp(fwd, bwd, symbolic_zeros=self.symbolic_zeros)
                passed._user_bwd = self.bwd
                return passed(*[args[i] for i in pos])
            rest = tuple(a for i, a in enumerate(args) if i not in nd)
            inner = custom_vjp(lambda *r: self.fun(*_merge(static, r, nd)))
            inner.__name__ = self.__name__
            inner.defvjp(
                lambda *r: self.fwd(*_merge(static, r, nd)),
                lambda res, ct: self.bwd(*static, res, ct),
                symbolic_zeros=self.symbolic_zeros,
            )
            inner._user_bwd = self.bwd
            return inner(*rest)
        return _call_custom(self, args, "process_custom_vjp")


def _closes_over_tracers(fun, in_tree, primals):
    """Whether fun, staged for these arguments, captures traced values (its closure's, or
    globals'). False when it cannot be staged (Python control flow on values)."""
    from arrax.lax._control_flow import trace_closed

    def flat(*ls):
        return tree_util.tree_leaves(fun(*tree_util.tree_unflatten(in_tree, list(ls))))

    try:
        _, consts = trace_closed(flat, [aval_of(asarray(p)) for p in primals])
    except Exception:  # noqa: BLE001 (any failure to stage: the run-time check decides)
        return False
    return _holds_tracer(consts)


def _holds_tracer(tree):
    return any(isinstance(x, _core.ndarray) and x._is_tracer for x in tree_util.tree_leaves(tree))


def _pass_traced(fun, args, nd):
    """fun over the arguments it is passed: all but the non-differentiable ones without
    tracers (Python values such as shapes or dtypes), which stay closed over."""
    closed = {i: args[i] for i in nd if not _holds_tracer(args[i])}
    pos = [i for i in range(len(args)) if i not in closed]
    return (lambda *p: fun(*_merge_closed(closed, p, pos))), pos, closed


def _merge_closed(closed, passed, pos):
    full = dict(closed)
    full.update(zip(pos, passed))
    return [full[i] for i in range(len(full))]


def _call_custom(fn, args, method):
    """A call of a custom_jvp / custom_vjp function: the innermost transformation applies its
    rule. Under jit (a staging tracer innermost) the call is staged as one `custom_call`
    primitive that keeps the rule, so grad(jit(f)) uses it too."""
    leaves = tree_util.tree_leaves(args)
    trace = top_trace(leaves)
    if trace is not None:
        return getattr(trace, method)(fn, args)
    if any(isinstance(x, _core.ndarray) and x._is_tracer for x in leaves):
        return _stage_custom(fn, args)
    return fn.fun(*args)


class _CustomCall:
    """custom_call's parameter: the custom function and its argument/output structures."""

    def __init__(self, fn, in_tree, out_tree, num_consts):
        self.fn, self.in_tree, self.out_tree, self.num_consts = fn, in_tree, out_tree, num_consts

    def __str__(self):
        return getattr(self.fn, "__name__", "custom")

    def flat_call(self, *leaves):
        out = self.fn(*tree_util.tree_unflatten(self.in_tree, list(leaves)))
        return [asarray(o) for o in tree_util.tree_leaves(out)]


def _stage_custom(fn, args):
    from arrax.lax._control_flow import trace_closed

    leaves, in_tree = tree_util.tree_flatten(args)
    leaves = [asarray(x) for x in leaves]
    out_tree = []

    def flat(*ls):
        out_leaves, tree = tree_util.tree_flatten(fn.fun(*tree_util.tree_unflatten(in_tree, ls)))
        out_tree.append(tree)
        return out_leaves

    graph, consts = trace_closed(flat, [aval_of(x) for x in leaves])
    info = _core.Opaque(_CustomCall(fn, in_tree, out_tree[0], len(consts)))
    outs = lax.bind("custom_call", *consts, *leaves, graph=graph, info=info)
    return tree_util.tree_unflatten(out_tree[0], outs)


_core.def_primitive(
    "custom_call",
    lambda avals, params: params["graph"][0].out_avals,
    lambda arrays, params: params["graph"][0].eval(*arrays),
)


def _custom_call_jvp(primals, tangents, params):
    call = params["info"].value
    n = call.num_consts
    if any(t is not None for t in tangents[:n]) and hasattr(call.fn, "jvp_of_linear"):
        # A checkpoint closing over differentiated values: differentiated as it is.
        g = params["graph"][0]
        pairs = jvp_flat(lambda ins: g.eval(*ins), list(primals), list(tangents))
        return [p for p, _ in pairs], [t for _, t in pairs]
    if any(t is not None for t in tangents[:n]):
        raise NotImplementedError(
            f"custom function {call}: differentiating a value it closes over (under jit); "
            "pass that value as an argument instead"
        )
    _EXPECTED.append((call.fn, call.out_tree, params["graph"][0].out_avals))
    try:
        pairs = jvp_flat(lambda ins: call.flat_call(*ins), list(primals[n:]), list(tangents[n:]))
    finally:
        _EXPECTED.pop()
    return [p for p, _ in pairs], [t for _, t in pairs]


def _custom_call_transpose(cts, args, params):
    # A custom function applied to tangents (a JVP rule calling it on them): linear there,
    # transposed through the function itself, as JAX inlines it in linear graphs.
    from arrax._ad import backward_pass

    call = params["info"].value
    rule = getattr(call.fn, "linear_transpose_rule", None)
    if rule is not None:  # (linear_call: its own transpose)
        n = call.num_consts
        return [None] * n + rule(call, cts, list(args[n:]), params["graph"][0].out_avals)
    return backward_pass(params["graph"][0], cts, list(args))


def _custom_call_batch(values, dims, params):
    from arrax._batching import vmap
    from arrax._rules.common import batch_size

    call = params["info"].value
    n = call.num_consts
    if any(d is not None for d in dims[:n]):
        raise NotImplementedError(
            f"custom function {call}: batching a value it closes over (under jit); pass that "
            "value as an argument instead"
        )
    size = batch_size(values, dims)
    out = vmap(call.flat_call, in_axes=tuple(dims[n:]), out_axes=0, axis_size=size)(*values[n:])
    return out, [0] * len(out)


def _merge(static, rest, nd):
    it_s, it_r = iter(static), iter(rest)
    n = len(static) + len(rest)
    return [next(it_s) if i in nd else next(it_r) for i in range(n)]


def checkpoint(fun, *, prevent_cse=True, policy=None, static_argnums=()):
    """Like ``jax.checkpoint`` (``jax.remat``): reverse mode keeps only ``fun``'s inputs and
    recomputes its intermediate values while computing the cotangents, trading compute for
    memory."""

    def fwd(*args):
        return fun(*args), args

    def bwd(args, ct):
        _, f_vjp = vjp(fun, *args)
        return tuple(f_vjp(ct))

    # (opaque to _resolve_args: a checkpoint passes on only the arguments it is given, so a
    # default such as training=False stays a Python value)
    def opaque(*args):
        return fun(*args)

    opaque.__name__ = getattr(fun, "__name__", "checkpoint")
    cv = custom_vjp(opaque)
    cv.defvjp(fwd, bwd)
    # Forward mode through a checkpoint is an ordinary JVP of fun.
    cv.jvp_of_linear = lambda args, tangents: jvp(fun, tuple(args), tuple(tangents), _float0=False)[
        1
    ]
    return functools.wraps(fun)(lambda *args: cv(*args))


remat = checkpoint


defrules(
    "custom_call",
    jvp=_custom_call_jvp,
    batch=_custom_call_batch,
    transpose=_custom_call_transpose,
)


def custom_gradient(fun):
    """Like ``jax.custom_gradient``: ``fun(*args)`` returns ``(out, vjp)`` where ``vjp(ct)`` gives
    one cotangent per argument. Built on custom_vjp with the arguments as residuals: the
    backward pass calls ``fun`` again for its ``vjp`` (the forward's closure values are
    recomputed, not stored)."""

    @functools.wraps(fun)
    def primal(*args):
        return fun(*args)[0]

    wrapped = custom_vjp(primal)

    def fwd(*args):
        return fun(*args)[0], args

    def bwd(args, ct):
        cts = fun(*args)[1](ct)
        cts = tuple(cts) if isinstance(cts, (tuple, list)) else (cts,)
        if len(cts) != len(args):
            raise TypeError(
                f"custom_gradient {getattr(fun, '__name__', fun)}: the vjp function returned "
                f"{len(cts)} cotangents for {len(args)} arguments"
            )
        return cts

    wrapped.defvjp(fwd, bwd)
    return wrapped


# --- closure_convert -----------------------------------------------------------------------


def closure_convert(fun, *example_args):
    """Like ``jax.closure_convert``: ``(converted, consts)`` where ``converted(*args, *consts)``
    computes ``fun(*args)``, with the traced floating-point values ``fun`` closes over (those a
    transformation differentiates) hoisted out as ``consts``, so a custom_vjp/custom_jvp
    function can take them as arguments. Other closed-over values stay closed over."""
    from arrax.lax._control_flow import trace_closed

    flat_args, in_tree = tree_util.tree_flatten(example_args)
    flat_args = [asarray(x) for x in flat_args]
    out_tree = []

    def flat(*ls):
        out_leaves, tree = tree_util.tree_flatten(fun(*tree_util.tree_unflatten(in_tree, ls)))
        out_tree.append(tree)
        return out_leaves

    graph, consts = trace_closed(flat, [aval_of(x) for x in flat_args])
    hoist = [
        isinstance(c, _core.ndarray) and c._is_tracer and is_inexact(asarray(c).dtype)
        for c in consts
    ]
    kept = [c for c, h in zip(consts, hoist) if not h]
    hoisted = [c for c, h in zip(consts, hoist) if h]
    n_h = len(hoisted)

    def converted(*args_hconsts):
        n_args = len(args_hconsts) - n_h
        args, hc = args_hconsts[:n_args], list(args_hconsts[n_args:])
        it_k, it_h = iter(kept), iter(hc)
        all_consts = [next(it_h) if h else next(it_k) for h in hoist]
        leaves, in_tree2 = tree_util.tree_flatten(tuple(args))
        if in_tree2 != in_tree:
            raise TypeError(
                "The inputs to the closure produced by closure_convert must have the same "
                "Pytree structure as the example arguments passed when closure_convert was "
                f"called. Expected {in_tree}, but got {in_tree2}"
            )
        outs = graph.eval(*all_consts, *[asarray(x) for x in leaves])
        return tree_util.tree_unflatten(out_tree[0], list(outs))

    return converted, hoisted


# --- linear_call ---------------------------------------------------------------------------


def linear_call(fun, fun_transpose, residual_args, linear_args):
    """Like ``jax.custom_derivatives.linear_call``: ``fun(residual_args, linear_args)``, a
    function linear in ``linear_args``, whose transpose (under ``grad``, ``vjp`` and
    ``linear_transpose``) is ``fun_transpose(residual_args, cotangent)`` rather than the
    transpose of ``fun``'s own operations. Its JVP with respect to ``linear_args`` is
    ``linear_call`` of the tangents (it is linear); the residuals are not differentiated."""
    for f, what in ((fun, "fun"), (fun_transpose, "fun_transpose")):
        if not callable(f):
            raise TypeError(f"linear_call: {what} must be callable, got {f!r}")

    @custom_vjp
    def call(res, lin):
        return fun(res, lin)

    def fwd(res, lin):
        return fun(res, lin), (res, lin)

    def bwd(saved, ct):
        res, lin = saved
        ct_lin = linear_call(fun_transpose, fun, res, ct)
        lin_leaves, lin_tree = tree_util.tree_flatten(lin)
        ct_leaves, ct_tree = tree_util.tree_flatten(ct_lin)
        if ct_tree != lin_tree:
            raise TypeError(
                "linear_call: the transpose output pytree structure must match that of the "
                f"linear inputs, got {ct_tree} and {lin_tree}"
            )
        for c, x in zip(ct_leaves, lin_leaves):
            c, x = asarray(c), asarray(x)
            if c.shape != x.shape:
                raise TypeError(
                    "linear_call: the transpose output pytree must match the linear inputs' "
                    f"shapes and dtypes, got {_aval_str(c.shape, c.dtype)} for "
                    f"{_aval_str(x.shape, x.dtype)}"
                )
        # The residuals get no cotangent (linear_call does not differentiate them).
        return tree_util.tree_map(lambda _: None, res), ct_lin

    call.defvjp(fwd, bwd)
    call.__name__ = getattr(fun, "__name__", "linear_call")

    def transpose_rule(info, cts, args, out_avals):
        # Staged on tangents (the JVP below, under grad or linear_transpose): the
        # cotangents of the linear operands are fun_transpose's, none for the residuals.
        res, lin = tree_util.tree_unflatten(info.in_tree, args)
        n_res = len(tree_util.tree_leaves(res))
        cts = [lax.full(tuple(a[0]), 0, a[1]) if c is None else c for c, a in zip(cts, out_avals)]
        placeholders = [lax.full(tuple(a.shape), 0, a.dtype) for a in args[n_res:]]
        lin_like = tree_util.tree_unflatten(tree_util.tree_structure(lin), placeholders)
        ct_lin = bwd((res, lin_like), tree_util.tree_unflatten(info.out_tree, cts))[1]
        return [None] * n_res + [
            asarray(c).astype(p.dtype) for c, p in zip(tree_util.tree_leaves(ct_lin), placeholders)
        ]

    call.linear_transpose_rule = transpose_rule

    @custom_jvp
    def outer(res, lin):
        return call(res, lin)

    @outer.defjvp
    def outer_jvp(primals, tangents):
        res, lin = primals
        _, t_lin = tangents
        return outer(res, lin), call(res, t_lin)

    return outer(residual_args, linear_args)
