"""arrax.nn: neural-network layers as pytrees (modules whose arrays are their leaves, as in
Equinox), activations, losses and initializers. A model is a pytree, so ``jit``, ``grad``,
``vmap`` and ``tree_map`` apply to it directly, and nothing hidden mutates."""

from arrax.nn import initializers  # noqa: F401,E402
from arrax.nn._activations import *  # noqa: F401,F403
from arrax.nn._functions import *  # noqa: F401,F403
from arrax.nn._layers import *  # noqa: F401,F403
from arrax.nn._module import Module, parameters  # noqa: F401
