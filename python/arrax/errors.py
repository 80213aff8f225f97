"""``arrax.errors``: the exception classes JAX programs catch by name (``jax.errors``).

A traced value that is asked for a concrete one (``bool(x)``, ``numpy.asarray(x)``, ``int(x)``
inside ``jit`` or on a batched value under ``vmap``) raises one of the ``Tracer*`` classes; they
are TypeErrors, as in JAX, so code catching TypeError keeps working."""

__all__ = [
    "ConcretizationTypeError",
    "JaxRuntimeError",
    "KeyReuseError",
    "NonConcreteBooleanIndexError",
    "TracerArrayConversionError",
    "TracerBoolConversionError",
    "TracerIntegerConversionError",
    "UnexpectedTracerError",
]


class _JAXTypeError(TypeError):
    pass


class _JAXIndexError(IndexError):
    pass


class ConcretizationTypeError(_JAXTypeError):
    """A traced value was used where a concrete (Python) value is needed."""


class TracerBoolConversionError(ConcretizationTypeError):
    """``bool()`` of a traced value: Python control flow on it (use ``lax.cond``)."""


class TracerArrayConversionError(_JAXTypeError):
    """``numpy.asarray`` (``__array__``) of a traced value."""


class TracerIntegerConversionError(_JAXTypeError):
    """``int()`` or ``operator.index()`` of a traced value (a traced shape or index)."""


class NonConcreteBooleanIndexError(_JAXIndexError):
    """Boolean-mask indexing of a traced array: the result's shape would depend on its values."""


class UnexpectedTracerError(_JAXTypeError):
    """A traced value escaped the transformation that made it (stored in a global, a list or an
    object attribute) and was used after that transformation ended."""


class KeyReuseError(_JAXTypeError):
    """A PRNG key was used twice (JAX's optional key-reuse checker)."""


class JaxRuntimeError(RuntimeError):
    """An error raised while a compiled computation ran."""
