"""arrax.scipy.sparse (``jax.scipy.sparse``): the iterative linear solvers of ``linalg``."""

from arrax.scipy.sparse import linalg  # noqa: F401
