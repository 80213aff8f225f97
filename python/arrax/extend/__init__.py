"""``arrax.extend`` (``jax.extend``): ``core``, the jaxpr structures and primitives that
custom interpreters use (see ``arrax._jaxpr_eqns`` for how arrax's graphs differ from jaxprs)."""

from arrax.extend import core  # noqa: F401

__all__ = ["core"]
