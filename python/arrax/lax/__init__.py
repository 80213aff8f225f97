"""arrax.lax: primitive-level operations and structured control flow (like ``jax.lax``)."""

from arrax.lax import linalg  # noqa: F401,E402
from arrax.lax._collectives import *  # noqa: F401,F403,E402
from arrax.lax._composites import *  # noqa: F401,F403,E402
from arrax.lax._control_flow import cond, fori_loop, map, scan, switch, while_loop  # noqa: F401,A004
from arrax.lax._convolution import *  # noqa: F401,F403,E402
from arrax.lax._ops import *  # noqa: F401,F403
from arrax.lax._ops import slice  # noqa: F401,A004
