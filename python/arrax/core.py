"""The part of ``jax.core`` that programs use, mapped onto arrax: ``Tracer`` (the class of
traced values: ``isinstance(x, arrax.core.Tracer)`` holds under jit, grad and vmap, not for
concrete arrays), ``ShapedArray`` / ``get_aval`` (abstract values), ``concrete_or_error``,
``eval_jaxpr`` and ``ConcretizationTypeError``."""

import numpy as _onp

from arrax import _core
from arrax._environment import ensure_compile_time_eval
from arrax._jaxpr_eqns import JaxprEqn, Literal, Primitive
from arrax._shapes import ShapedArray, typeof
from arrax._trace_core import Trace
from arrax.errors import ConcretizationTypeError

__all__ = [
    "ConcretizationTypeError",
    "JaxprEqn",
    "Literal",
    "Primitive",
    "ShapedArray",
    "Trace",
    "Tracer",
    "concrete_or_error",
    "ensure_compile_time_eval",
    "eval_context",
    "eval_jaxpr",
    "get_aval",
    "typeof",
]


def _is_tracer(x):
    from arrax._prng_keys import PRNGKeyArray

    if isinstance(x, PRNGKeyArray):
        x = x._data
    return isinstance(x, _core.ndarray) and x._is_tracer


class _TracerMeta(type):
    def __instancecheck__(cls, x):
        return _is_tracer(x)

    def __subclasscheck__(cls, sub):
        return sub is cls


class Tracer(metaclass=_TracerMeta):
    """Like ``jax.core.Tracer``: the type of a value being traced by a transformation (an
    arrax array whose value jit, grad or vmap stands in for). arrax's traced values are
    ordinary arrax arrays; this class is for ``isinstance`` checks."""

    def __new__(cls, *args, **kwargs):
        raise TypeError("arrax.core.Tracer: tracers are made by transformations, not directly")


def get_aval(x):
    """Like ``jax.core.get_aval`` (``jax.typeof``): x's abstract value, a ShapedArray."""
    return typeof(x)


eval_context = ensure_compile_time_eval


def concrete_or_error(force, val, context=""):
    """Like ``jax.core.concrete_or_error``: ``force(val)`` (``val`` when ``force`` is None),
    for a traced ``val`` whose value is known (grad of concrete inputs) that value; a traced
    value without one raises ConcretizationTypeError with ``context``."""
    if force is None:
        force = lambda x: x  # noqa: E731
    if not _is_tracer(val):
        return force(val)
    try:
        value = _onp.asarray(val)
    except TypeError:
        raise ConcretizationTypeError(
            f"Abstract tracer value encountered where concrete value is expected: "
            f"{typeof(val)}\n{context}"
        ) from None
    from arrax.numpy import asarray

    return force(asarray(value))


def eval_jaxpr(jaxpr, consts, *args, propagate_source_info=True):
    """Like ``jax.core.eval_jaxpr``: runs ``jaxpr`` (``make_jaxpr(f)(...).jaxpr``, arrax's graph)
    on ``args`` with ``consts`` for its constants (``make_jaxpr(f)(...).consts``) and returns
    the list of its outputs. Traced arguments are traced through (jit, grad, vmap). arrax's
    graph holds its 0-d constants where JAX's jaxpr has literals, so empty ``consts`` (JAX's
    for such a jaxpr) runs it with its own."""
    del propagate_source_info
    if not isinstance(jaxpr, _core.IR):
        raise TypeError(f"eval_jaxpr: expected a jaxpr from make_jaxpr, got {type(jaxpr).__name__}")
    consts = list(consts)
    if consts and len(consts) != jaxpr.num_consts:
        raise TypeError(
            f"eval_jaxpr: the jaxpr has {jaxpr.num_consts} constants, got {len(consts)}"
        )
    if len(args) != len(jaxpr.in_avals):
        raise TypeError(
            f"eval_jaxpr: the jaxpr takes {len(jaxpr.in_avals)} arguments, got {len(args)}"
        )
    graph = jaxpr.with_consts_as_args() if consts else jaxpr
    return list(graph.eval(*consts, *args))
