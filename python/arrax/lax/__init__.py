"""arrax.lax: primitive-level operations and structured control flow (like ``jax.lax``)."""

from arrax._jaxpr_eqns import primitives as _primitives  # noqa: E402
from arrax.lax import linalg  # noqa: F401,E402
from arrax.lax._collectives import *  # noqa: F401,F403,E402
from arrax.lax._composites import *  # noqa: F401,F403,E402
from arrax.lax._control_flow import cond, fori_loop, map, scan, switch, while_loop  # noqa: F401,A004
from arrax.lax._conv_extras import *  # noqa: F401,F403,E402
from arrax.lax._convolution import *  # noqa: F401,F403,E402
from arrax.lax._fft import *  # noqa: F401,F403,E402
from arrax.lax._gather_scatter import *  # noqa: F401,F403,E402
from arrax.lax._implicit import *  # noqa: F401,F403,E402
from arrax.lax._ops import *  # noqa: F401,F403
from arrax.lax._ops import slice  # noqa: F401,A004
from arrax.lax._ragged import *  # noqa: F401,F403,E402
from arrax.lax._rng import *  # noqa: F401,F403,E402
from arrax.lax._strict import *  # noqa: F401,F403,E402  (JAX's checks: after _ops, _composites)

# The primitives as JAX names them, lax.<name>_p (exp_p, tanh_p, add_p, dot_general_p, ...):
# what ``make_jaxpr(f)(x).jaxpr.eqns[i].primitive`` is, for custom interpreters.
globals().update({f"{_name}_p": _prim for _name, _prim in _primitives().items()})
del _primitives


def __getattr__(name):
    # bessel_i0e/bessel_i1e are custom_jvp functions, which need the transformations that
    # import arrax.lax themselves: loaded on first use.
    if name in ("bessel_i0e", "bessel_i1e"):
        from arrax.lax import _bessel

        return getattr(_bessel, name)
    raise AttributeError(f"module 'arrax.lax' has no attribute {name!r}")
