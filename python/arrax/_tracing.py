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


def make_ir(fun, *, static_argnums=(), return_shape=False):
    """Like ``jax.make_jaxpr``: ``make_ir(f)(*args)`` traces ``f`` on abstract arguments shaped
    like ``args`` (arrays, or abstract values such as ShapeDtypeStructs: any object with
    ``shape`` and ``dtype``) and returns its graph of primitives, printable as text; with
    ``return_shape=True``, the pair of it and ``f``'s outputs as ShapeDtypeStructs (a pytree
    like the outputs).

    Arrays captured from outside ``f`` become constants of the graph (0-d ones print inline).
    """
    from arrax._shapes import ShapeDtypeStruct, _leaf_aval

    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def traced(*args, **kwargs):
        dynamic = [a for i, a in enumerate(args) if i not in static]
        leaves, treedef = tree_util.tree_flatten((dynamic, kwargs))
        out_tree = []

        def flat_fun(*tracers):
            dyn, kw = tree_util.tree_unflatten(treedef, list(tracers))
            it = iter(dyn)
            full = [args[i] if i in static else next(it) for i in range(len(args))]
            out_leaves, tree = tree_util.tree_flatten(fun(*full, **kw))
            out_tree.append(tree)
            return out_leaves

        graph = stage(flat_fun, [_leaf_aval(leaf) for leaf in leaves], describe(fun, "make_ir"))
        if not return_shape:
            return graph
        outs = [ShapeDtypeStruct(s, d, weak_type=w) for s, d, w in graph.out_avals]
        return graph, tree_util.tree_unflatten(out_tree[0], outs)

    return traced


# JAX's make_jaxpr gives a ClosedJaxpr, whose ``.jaxpr`` is the open graph (invars, outvars,
# eqns) next to its ``.consts``; arrax's IR is both at once, so ``ir.jaxpr`` is the IR itself
# (code written for JAX reads ``make_jaxpr(f)(x).jaxpr.invars`` and the like).
_core.IR.jaxpr = property(lambda self: self, doc="The graph itself (JAX's ClosedJaxpr.jaxpr).")


class _Aval(tuple):
    """One of an IR's ``in_avals``/``out_avals``: the triple ``(shape, dtype, weak_type)`` that
    arrax unpacks, which also reads as JAX's ShapedArray (``.shape``, ``.dtype``, ...), as code
    written for JAX reads ``make_jaxpr(f)(x).in_avals[0].shape``."""

    __slots__ = ()

    shape = property(lambda self: tuple(self[0]))
    dtype = property(lambda self: _np.dtype(self[1]))
    weak_type = property(lambda self: bool(self[2]) if len(self) > 2 else False)
    ndim = property(lambda self: len(self[0]))
    size = property(lambda self: int(_np.prod(self[0], dtype=_np.int64)))

    def str_short(self, short_dtypes=False, mesh_axis_types=False):
        from arrax._shapes import ShapedArray

        return ShapedArray(self.shape, self.dtype, self.weak_type).str_short(short_dtypes)


def _wrap_avals(name):
    raw = getattr(_core.IR, name)
    doc = f"The graph's {name}: (shape, dtype, weak_type) triples that read as ShapedArrays."
    setattr(_core.IR, name, property(lambda self: [_Aval(a) for a in raw.__get__(self)], doc=doc))


if not hasattr(_core.IR, "_avals_wrapped"):  # (once, should this module be reloaded)
    _wrap_avals("in_avals")
    _wrap_avals("out_avals")
    _core.IR._avals_wrapped = True
