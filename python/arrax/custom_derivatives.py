"""``arrax.custom_derivatives`` (``jax.custom_derivatives``): where JAX programs import the
custom-derivative decorators from; they are the ones at the top of the package."""

from arrax._ad import custom_gradient, custom_jvp, custom_vjp

__all__ = ["custom_gradient", "custom_jvp", "custom_vjp"]
