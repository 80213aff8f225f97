"""arrax.scipy: the parts of jax.scipy that NumPy/JAX programs use most: ``special`` (error
and gamma functions, logsumexp, expit/logit, xlogy, ndtr...) and ``stats.norm``. Every function
is built from arrax primitives, so it traces, differentiates and batches."""

from arrax.scipy import special, stats  # noqa: F401
