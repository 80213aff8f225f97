"""``arrax.ad_checkpoint`` (``jax.ad_checkpoint``): ``checkpoint``, ``checkpoint_name`` and
``print_saved_residuals`` / ``saved_residuals`` (the values ``vjp`` keeps for the backward pass).

``checkpoint_name(x, name)`` labels a value for the name-based checkpoint policies. arrax's
checkpoint recomputes every intermediate value whatever the policy (see
``arrax.checkpoint_policies``), so the label does not change anything: x is returned as is."""

from arrax import checkpoint_policies  # noqa: F401
from arrax._ad import checkpoint, remat  # noqa: F401

__all__ = [
    "checkpoint",
    "checkpoint_name",
    "checkpoint_policies",
    "print_saved_residuals",
    "remat",
    "saved_residuals",
]


def checkpoint_name(x, name):
    """x, labelled ``name`` for checkpoint policies (a no-op in arrax's values and gradients)."""
    return x


def _arg_names(f, args, kwargs, n_leaves):
    """JAX's argument names for the flattened leaves of (args, kwargs): ``W1``, ``p[0]``,
    ``params['w']`` (None each where f's signature does not bind the arguments)."""
    import inspect

    from arrax import tree_util

    try:
        sig = inspect.signature(f)
        bound = sig.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return [None] * n_leaves
    names = []
    for pname, value in bound.arguments.items():
        kind = sig.parameters[pname].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            value = tuple(value)
        elif kind is inspect.Parameter.VAR_KEYWORD:
            value = dict(value)
        for path, _ in tree_util.tree_flatten_with_path(value)[0]:
            names.append(pname + tree_util.keystr(path))
    # bind orders keyword arguments by the signature, flattening by (args, kwargs) sorts them:
    # names only when the orders agree (no keyword arguments, the common call).
    return names if len(names) == n_leaves and not kwargs else [None] * n_leaves


def saved_residuals(f, *args, **kwargs):
    """Like ``jax.ad_checkpoint.saved_residuals``: a list of (ShapedArray, where it comes from)
    for each value ``vjp(f, *args, **kwargs)`` saves for the backward pass: ``from the argument
    x``, ``from a literal``/``from a constant``, ``output of sin``, ``output of jitted
    function``. arrax's graphs carry no source lines, so the outputs do not say where in the
    code they were computed; its ``checkpoint`` recomputes everything, whatever the policy."""
    from arrax import tree_util
    from arrax._ad import vjp
    from arrax._shapes import ShapedArray
    from arrax._tracing import make_ir

    in_leaves, in_tree = tree_util.tree_flatten((args, kwargs))

    def f_(*leaves):
        a, k = tree_util.tree_unflatten(in_tree, list(leaves))
        return f(*a, **k)

    n_res = []

    def fwd(*leaves):
        out, f_vjp = vjp(f_, *leaves)
        res = tree_util.tree_leaves(f_vjp)
        n_res.append(len(res))
        return out, res

    graph = make_ir(fwd)(*in_leaves)
    k = len(graph.outvars) - n_res[-1]
    res = list(zip(graph.outvars[k:], graph.out_avals[k:]))
    aval_of = {v: ShapedArray(shape, dtype, weak) for v, (shape, dtype, weak) in res}
    res_vars = set(aval_of)
    names = _arg_names(f, args, kwargs, len(in_leaves))
    results = []
    consts = dict(zip(graph.constvars, graph.consts))
    for v in graph.constvars:
        if v in res_vars and getattr(consts[v], "ndim", 1) == 0:
            results.append((aval_of[v], "from a literal"))
    for v in graph.constvars:
        if v in res_vars and getattr(consts[v], "ndim", 1) != 0:
            results.append((aval_of[v], "from a constant"))
    for i, v in enumerate(graph.invars):
        if v in res_vars:
            where = names[i] if names[i] else f"at flattened index {i}"
            results.append((aval_of[v], f"from the argument {where}"))
    for eqn in graph.eqns:
        for v in eqn.outvars:
            if v in res_vars:
                if eqn.name == "jit":
                    results.append((aval_of[v], "output of jitted function"))
                else:
                    results.append((aval_of[v], f"output of {eqn.name}"))
    return results


def print_saved_residuals(f, *args, **kwargs):
    """Like ``jax.ad_checkpoint.print_saved_residuals``: prints ``saved_residuals``, one line
    per value (``f32[5,4] from the argument W1``, ``f32[5] output of cos``)."""
    for aval, src in saved_residuals(f, *args, **kwargs):
        print(f"{aval.str_short(short_dtypes=True)} {src}")
