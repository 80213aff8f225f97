"""``arrax.experimental`` (``jax.experimental``): ``ode.odeint``, ``checkify`` (user checks),
``sparse`` (BCOO/BCSR sparse arrays) and ``io_callback``."""

from arrax._callbacks import io_callback  # noqa: F401
from arrax.experimental import (
    checkify,  # noqa: F401,E402
    compilation_cache,  # noqa: F401
    jet,  # noqa: F401
    ode,  # noqa: F401
    sparse,  # noqa: F401
)
