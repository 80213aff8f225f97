"""arrax.scipy: the parts of jax.scipy that NumPy/JAX programs use most: ``special`` (error
and gamma functions, logsumexp, expit/logit, xlogy, ndtr...), ``stats.norm`` and ``linalg``
(solve_triangular, cholesky/cho_factor/cho_solve, solve, eigh, svd, qr, expm, ...). Every function
is built from arrax primitives, so it traces, differentiates and batches."""

from arrax.scipy import integrate, linalg, optimize, special, stats  # noqa: F401
