"""Tracing a Python function into arrax's IR (the staging interpreter of transforms/staging.cpp)."""

import functools

import numpy as _np

from arrax import _core, _jaxpr_eqns, tree_util  # noqa: F401  (_jaxpr_eqns: eqn attributes)
from arrax._trace_core import describe, stage

_PY_SCALARS = {bool: _np.bool_, int: _np.int64, float: _np.float64, complex: _np.complex128}


def _aval(leaf):
    """(shape, dtype, weak) of one argument leaf."""
    kind = _PY_SCALARS.get(type(leaf))
    if kind is not None:
        return ((), _np.dtype(kind), True)
    a = _core.asarray(leaf, None, None)
    return (a.shape, a.dtype, False)


def make_ir(fun, *, static_argnums=()):
    """Like ``jax.make_jaxpr``: ``make_ir(f)(*args)`` traces ``f`` on abstract arguments shaped
    like ``args`` and returns its graph of primitives, printable as text.

    Arrays captured from outside ``f`` become constants of the graph (0-d ones print inline).
    """
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def traced(*args, **kwargs):
        dynamic = [a for i, a in enumerate(args) if i not in static]
        leaves, treedef = tree_util.tree_flatten((dynamic, kwargs))

        def flat_fun(*tracers):
            dyn, kw = tree_util.tree_unflatten(treedef, list(tracers))
            it = iter(dyn)
            full = [args[i] if i in static else next(it) for i in range(len(args))]
            return tree_util.tree_leaves(fun(*full, **kw))

        return stage(flat_fun, [_aval(leaf) for leaf in leaves], describe(fun, "make_ir"))

    return traced


# JAX's make_jaxpr gives a ClosedJaxpr, whose ``.jaxpr`` is the open graph (invars, outvars,
# eqns) next to its ``.consts``; arrax's IR is both at once, so ``ir.jaxpr`` is the IR itself
# (code written for JAX reads ``make_jaxpr(f)(x).jaxpr.invars`` and the like).
_core.IR.jaxpr = property(lambda self: self, doc="The graph itself (JAX's ClosedJaxpr.jaxpr).")
