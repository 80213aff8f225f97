"""``arrax.extend.core`` (``jax.extend.core``): ``Primitive``, ``Literal``, ``JaxprEqn``,
``Jaxpr``/``ClosedJaxpr`` (both arrax's graph, what ``make_jaxpr`` gives), ``jaxpr_as_fun``,
``get_aval`` and ``primitives`` (the ``<name>_p`` objects, as in ``arrax.lax``)."""

import types as _types

from arrax import _core
from arrax._jaxpr_eqns import JaxprEqn, Literal, Primitive
from arrax._jaxpr_eqns import primitives as _primitives
from arrax.core import eval_jaxpr, get_aval

__all__ = [
    "ClosedJaxpr",
    "Jaxpr",
    "JaxprEqn",
    "Literal",
    "Primitive",
    "get_aval",
    "jaxpr_as_fun",
    "primitives",
]

Jaxpr = ClosedJaxpr = _core.IR

primitives = _types.SimpleNamespace(**{f"{n}_p": p for n, p in _primitives().items()})


def jaxpr_as_fun(closed_jaxpr):
    """Like ``jax.extend.core.jaxpr_as_fun``: a function running ``closed_jaxpr`` (from
    ``make_jaxpr``) on its arguments, returning the list of its outputs."""
    if not isinstance(closed_jaxpr, _core.IR):
        raise TypeError(
            f"jaxpr_as_fun: expected a jaxpr from make_jaxpr, got {type(closed_jaxpr).__name__}"
        )
    return lambda *args: eval_jaxpr(closed_jaxpr.jaxpr, closed_jaxpr.consts, *args)
