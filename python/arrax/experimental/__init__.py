"""``arrax.experimental`` (``jax.experimental``): ``ode.odeint``."""

from arrax.experimental import ode  # noqa: F401
