"""``arrax.scipy.integrate`` (``jax.scipy.integrate``): the trapezoidal rule."""

from arrax.numpy import trapezoid

__all__ = ["trapezoid"]
