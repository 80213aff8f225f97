"""The parts of JAX's jaxpr data structures that custom interpreters use ("Writing custom
Jaxpr interpreters"): ``make_jaxpr(f)(x).jaxpr.eqns`` are equations with ``.primitive``,
``.params``, ``.invars`` and ``.outvars``, ``eqn.primitive.bind(*vals, **eqn.params)`` applies
the primitive again (under any transformation), primitives compare equal to ``lax.<name>_p``,
and ``closed_jaxpr.literals`` is JAX's alias of ``consts``.

arrax's graph differs from a jaxpr in ways such interpreters can see: its variables are ints
(hashable, so ``env[var]`` works), its 0-d constants are ``constvars`` with values in
``consts`` where a jaxpr has ``Literal``s (so ``Literal`` exists for ``isinstance`` tests but no
equation holds one), and primitive names and parameters are arrax's (``dot_general``'s
``lhs_contracting``..., a ``jit`` equation's ``graph``), which ``bind`` takes back as they are.
"""

from collections import namedtuple

from arrax import _core

# Primitives whose bind returns a list of outputs (JAX's ``multiple_results``): control flow,
# calls and callbacks, and the decompositions that give several arrays.
_MULTIPLE_RESULTS = frozenset(
    {
        "jit",
        "cond",
        "while",
        "scan",
        "fused",
        "custom_linear_solve",
        "custom_lin",
        "custom_call",
        "pure_callback",
        "io_callback",
        "debug_callback",
        "threefry2x32",
        "linalg_slogdet",
        "linalg_lu",
        "linalg_qr",
        "linalg_svd",
        "linalg_eigh",
        "linalg_eig",
        "linalg_schur",
        "linalg_hessenberg",
        "linalg_tridiagonal",
    }
)


class Primitive:
    """Like ``jax.extend.core.Primitive`` for arrax's registered primitives: ``name``,
    ``multiple_results`` and ``bind(*args, **params)``. One object per name, so primitives
    from equations are the ``lax.<name>_p`` objects (usable as dict keys)."""

    _interned = {}

    def __new__(cls, name):
        prim = cls._interned.get(name)
        if prim is None:
            prim = super().__new__(cls)
            prim.name = name
            prim.multiple_results = name in _MULTIPLE_RESULTS
            cls._interned[name] = prim
        return prim

    def bind(self, *args, **params):
        """Applies the primitive to ``args`` with ``params`` (an equation's), through whatever
        transformations trace the arguments; one output, or a list if ``multiple_results``."""
        outs = _core.bind(self.name, list(args), params)
        return list(outs) if self.multiple_results else outs[0]

    def __repr__(self):
        return self.name

    def __reduce__(self):
        return (Primitive, (self.name,))


class Literal:
    """Like ``jax.extend.core.Literal`` (a constant inline in an equation), for ``isinstance``
    / ``type(v) is Literal`` tests in interpreters: arrax's graphs keep constants, 0-d ones
    too, as ``constvars`` bound to ``consts``, so no equation holds a Literal."""

    __slots__ = ("val", "aval")

    def __init__(self, val, aval=None):
        self.val = val
        self.aval = aval

    def __repr__(self):
        return f"Literal({self.val!r})"


class JaxprEqn(namedtuple("JaxprEqn", ["name", "params", "invars", "outvars"])):
    """One equation of a graph: still the tuple ``(name, params, invars, outvars)``, with
    JAX's ``eqn.primitive`` (a Primitive), ``params``, ``invars`` and ``outvars``."""

    __slots__ = ()

    @property
    def primitive(self):
        return Primitive(self.name)

    @property
    def effects(self):
        return frozenset()


def primitives():
    """{name: Primitive} for every primitive arrax registers."""
    return {name: Primitive(name) for name in _core.primitive_names()}


_graph_eqns = _core.IR.eqns
_core.IR.eqns = property(
    lambda self: [JaxprEqn(*e) for e in _graph_eqns.__get__(self)],
    doc="The graph's equations: (name, params, invars, outvars) tuples with JAX's "
    "attributes (eqn.primitive, eqn.params, eqn.invars, eqn.outvars).",
)
_core.IR.literals = property(
    lambda self: self.consts, doc="JAX's ClosedJaxpr.literals: the graph's consts."
)
