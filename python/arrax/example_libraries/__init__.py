"""``arrax.example_libraries`` (``jax.example_libraries``): the small neural-network layer
library ``stax`` and the functional optimizers ``optimizers`` that many JAX examples use."""

from arrax.example_libraries import optimizers, stax  # noqa: F401
