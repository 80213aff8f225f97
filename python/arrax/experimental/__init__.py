"""``arrax.experimental`` (``jax.experimental``): ``ode.odeint`` and ``checkify`` (user checks)."""

from arrax.experimental import (
    checkify,  # noqa: F401,E402
    ode,  # noqa: F401
)
