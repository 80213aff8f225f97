"""Like ``jax.custom_batching``: ``custom_vmap`` (a function with its own vmap rule) and
``sequential_vmap`` (a function batched by a loop over the batch).

A ``custom_vmap`` call goes where a custom_jvp call goes (``_custom._call_custom``): the
innermost transformation handles it. vmap calls the rule (``batch_custom_vmap``) instead of
batching the function; under jit the call is staged as one ``custom_call`` primitive whose
batching rule calls the function again under vmap, so the rule is used there too; forward
mode (``jvp_custom_vmap``) makes a new custom_vmap function over (primals, tangents) whose
rule is the JVP of the user's rule, as JAX does. Reverse mode is refused, as JAX refuses it:
combine ``custom_vjp`` (outside) with ``custom_vmap`` to differentiate such a function.
"""

import functools

from arrax import _core, tree_util
from arrax._custom import _call_custom, _forward_attr, _name, _resolve_args
from arrax._trace_core import asarray, aval_of, is_inexact
from arrax.lax import _ops as lax

__all__ = ["custom_vmap", "sequential_vmap"]

# The levels of the staging traces of the linearizations in progress (grad, vjp): tangents
# at such a level are being linearized, which a custom_vmap rule cannot be (as in JAX).
_LINEARIZE_LEVELS = []


class custom_vmap:  # noqa: N801 (JAX's name)
    """Like ``jax.custom_batching.custom_vmap``: ``fun`` with a user-defined vmap rule.

    ``@custom_vmap def f(x, y): ...`` then ``@f.def_vmap def rule(axis_size, in_batched, xs,
    ys): return out, out_batched``: ``in_batched`` is a list (one entry per argument, each a
    pytree of bools like the argument) saying which arguments are batched, along their
    leading axis of size ``axis_size``; the rule returns the batched output and a pytree of
    bools of the output's structure saying which outputs have that leading batch axis.
    """

    def __init__(self, fun):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.vmap_rule = None

    def __getattr__(self, name):
        return _forward_attr(self, name)

    def def_vmap(self, vmap_rule):
        """Sets the vmap rule; returns it unchanged (usable as a decorator)."""
        self.vmap_rule = vmap_rule
        return vmap_rule

    def __call__(self, *args, **kwargs):
        args = _resolve_args("vmap", self.fun, args, kwargs)
        if self.vmap_rule is None:
            raise AttributeError(
                f"No batching rule defined for custom_vmap function {_name(self)} using def_vmap."
            )
        return _call_custom(self, args, "process_custom_vmap")


def _rule_name(fn):
    return getattr(fn.vmap_rule, "__name__", "<unnamed rule>")


def _fun_out_tree(fn, treedef, per_example):
    """The output structure of fn's function on arguments of these (shape, dtype, weak)
    avals, found by staging it; None when it cannot be staged."""
    from arrax.lax._control_flow import trace_closed

    tree = []

    def flat(*ls):
        leaves, t = tree_util.tree_flatten(fn.fun(*tree_util.tree_unflatten(treedef, list(ls))))
        tree.append(t)
        return [asarray(x) for x in leaves]

    try:
        trace_closed(flat, per_example)
    except Exception:  # noqa: BLE001 (a function that does not stage: left unchecked)
        return None
    return tree[0] if tree else None


def _apply_rule(fn, size, treedef, vals, batched, expected_tree):
    """fn's rule on the flat values (batched ones with a leading axis of ``size``): its flat
    outputs and whether each is batched, checked as JAX checks them."""
    in_batched = list(tree_util.tree_unflatten(treedef, batched))
    res = fn.vmap_rule(size, in_batched, *tree_util.tree_unflatten(treedef, vals))
    if not (isinstance(res, (tuple, list)) and len(res) == 2):
        raise TypeError(
            f"custom_vmap rule {_rule_name(fn)} for function {_name(fn)} must return a pair "
            f"(output, output batched), but got {res!r}"
        )
    out, out_batched = res
    outs, out_tree = tree_util.tree_flatten(out)
    obs, ob_tree = tree_util.tree_flatten(out_batched)
    if out_tree != ob_tree:
        raise ValueError(
            "structure of output value and output batching specification returned by custom "
            f"vmap rule ({_rule_name(fn)}) do not match.\nOutput values: {out_tree}\n"
            f"Batching spec: {ob_tree}"
        )
    exp = expected_tree() if callable(expected_tree) else expected_tree
    if exp is not None and out_tree != exp:
        raise ValueError(
            f"structure of output returned by custom vmap rule ({_rule_name(fn)}) does not "
            "match that of original custom-vmapped function.\n"
            f"Original output: {exp}\nRule output: {out_tree}"
        )
    outs = [asarray(o) for o in outs]
    for o, b in zip(outs, obs):
        if not isinstance(b, bool) and not (hasattr(b, "dtype") and b.dtype == bool):
            raise TypeError(
                f"custom_vmap rule {_rule_name(fn)}: the output batching specification must "
                f"be a pytree of bools, got {b!r}"
            )
        if b and (o.ndim == 0 or o.shape[0] != size):
            raise ValueError(
                f"custom_vmap rule {_rule_name(fn)}: an output marked batched has shape "
                f"{o.shape}, without a leading batch axis of size {size}"
            )
    return outs, out_tree, [bool(b) for b in obs]


# --- vmap ------------------------------------------------------------------------------------


def batch_custom_vmap(trace, fn, args):
    """vmap's handling of a custom_vmap call: the user's rule on the batched values."""
    leaves, treedef = tree_util.tree_flatten(args)
    vals, batched, per_example = [], [], []
    for x in leaves:
        p = trace.payload(x)
        if p is None:
            vals.append(x)
            batched.append(False)
            per_example.append(aval_of(asarray(x)))
            continue
        v, d = p
        v = lax.moveaxis(v, d, 0) if d != 0 else v
        vals.append(v)
        batched.append(True)
        per_example.append((tuple(v.shape[1:]), v.dtype, False))
    outs, out_tree, obs = _apply_rule(
        fn,
        trace.axis_size,
        treedef,
        vals,
        batched,
        lambda: _fun_out_tree(fn, treedef, per_example),
    )
    return tree_util.tree_unflatten(
        out_tree, [trace.wrap(o, 0 if b else None) for o, b in zip(outs, obs)]
    )


# --- forward mode ----------------------------------------------------------------------------


def _is_tracer(x):
    return isinstance(x, _core.ndarray) and x._is_tracer


def jvp_custom_vmap(trace, fn, args):
    """The JVP interpreter's handling of a custom_vmap call: a custom_vmap function of
    (primals, tangents) computing fn's JVP, whose vmap rule is the JVP of fn's rule."""
    from arrax._ad import jvp_flat

    leaves, treedef = tree_util.tree_flatten(args)
    pairs = [trace.unpack(x) for x in leaves]
    primals = [p for p, _ in pairs]
    if all(t is None for _, t in pairs):
        return fn(*tree_util.tree_unflatten(treedef, primals))
    if _LINEARIZE_LEVELS and any(
        _is_tracer(t) and _core.trace_level(t) in _LINEARIZE_LEVELS for _, t in pairs
    ):
        raise ValueError(
            "Linearization failed to produce known values for all output primals. This is "
            "typically caused by attempting to differentiate a function uses an operation "
            "that does not support reverse-mode autodiff. (A custom_vmap function "
            f"{_name(fn)} supports forward mode only; wrap it in custom_vjp to differentiate "
            "it in reverse mode.)"
        )
    diff = [is_inexact(p.dtype) for p in primals]
    tangents = [
        (lax.zeros_like(p) if t is None else t) if d else lax.zeros_like(p)
        for (p, t), d in zip(pairs, diff)
    ]
    out_tree = []

    def jvp_of(f_flat, ps, ts):
        got = jvp_flat(f_flat, list(ps), [t if d else None for t, d in zip(ts, diff)])
        outs = [asarray(p) for p, _ in got]
        touts = [lax.zeros_like(p) if t is None else t for p, t in got]
        return outs, touts

    def fun_flat(ins):
        leaves_out, tree = tree_util.tree_flatten(fn.fun(*tree_util.tree_unflatten(treedef, ins)))
        if not out_tree:
            out_tree.append(tree)
        return leaves_out

    def jvp_fun(ps, ts):
        return jvp_of(fun_flat, ps, ts)

    jfn = custom_vmap(jvp_fun)
    jfn.__name__ = f"jvp({_name(fn)})"

    @jfn.def_vmap
    def jvp_rule(axis_size, in_batched, ps, ts):
        pb, tb = in_batched
        # An argument whose primal is batched and tangent not (or the reverse) has the other
        # broadcast, so the rule sees each argument batched or not as a whole.
        b = [x or y for x, y in zip(pb, tb)]
        ps = [lax.broadcast(p, (axis_size,)) if bi and not x else p for p, x, bi in zip(ps, pb, b)]
        ts = [lax.broadcast(t, (axis_size,)) if bi and not y else t for t, y, bi in zip(ts, tb, b)]
        ob = []

        def rule_flat(ins):
            outs, tree, obs = _apply_rule(fn, axis_size, treedef, ins, b, out_tree_of)
            ob[:] = obs
            return outs

        outs, touts = jvp_of(rule_flat, ps, ts)
        return (outs, touts), (list(ob), list(ob))

    def out_tree_of():
        if not out_tree:
            per_example = [aval_of(asarray(p)) for p in primals]
            t = _fun_out_tree(fn, treedef, per_example)
            if t is not None:
                out_tree.append(t)
        return out_tree[0] if out_tree else None

    outs, touts = jfn(primals, tangents)
    tree = out_tree_of()
    if tree is None:  # (not stageable: the output is flat as jvp_fun made it)
        tree = tree_util.tree_structure(outs)
    return tree_util.tree_unflatten(
        tree,
        [trace.pure(o, t if is_inexact(asarray(o).dtype) else None) for o, t in zip(outs, touts)],
    )


# --- sequential_vmap ---------------------------------------------------------------------------


def _tree_split(mask, tree):
    mapped = tree_util.tree_map(lambda m, x: x if m else None, mask, tree)
    fixed = tree_util.tree_map(lambda m, x: None if m else x, mask, tree)
    return mapped, fixed


def _tree_merge(mask, mapped, fixed):
    return tree_util.tree_map(lambda m, a, b: a if m else b, mask, mapped, fixed)


def sequential_vmap(f):
    """Like ``jax.custom_batching.sequential_vmap``: ``f`` as a custom_vmap function whose
    batching rule applies it to one batch member at a time (``lax.map``), for functions that
    cannot be batched otherwise."""
    from arrax.lax._control_flow import map as lax_map

    f = custom_vmap(f)

    @f.def_vmap
    def rule(axis_size, in_batched, *args):
        mapped, fixed = _tree_split(in_batched, list(args))

        def one(m):
            return f(*_tree_merge(in_batched, m, fixed))

        out = lax_map(one, mapped)
        return out, tree_util.tree_map(lambda _: True, out)

    return f
