"""``arrax.scipy.cluster.vq`` (``jax.scipy.cluster.vq``): ``vq``, assigning observations to
their nearest code-book entry."""

import arrax.numpy as jnp
from arrax.numpy._dtypes import _jax_inexact_dtype

__all__ = ["vq"]


def vq(obs, code_book, check_finite=True):
    """The code-book entry nearest each observation (scipy.cluster.vq.vq): obs (M, N) and
    code_book (K, N) (or both 1-D, for scalar features) give (codes (M,), distances (M,)),
    each observation's nearest entry's index and its Euclidean distance to it (ties go to the
    lowest index). check_finite is accepted for SciPy compatibility and ignored."""
    del check_finite  # checking would need the values, which traced arrays don't have
    obs, code_book = jnp.asarray(obs), jnp.asarray(code_book)
    dt = _jax_inexact_dtype(obs.dtype, code_book.dtype)
    obs, code_book = obs.astype(dt), code_book.astype(dt)
    if obs.ndim != code_book.ndim:
        raise ValueError("vq: observation and code_book should have the same rank")
    if obs.ndim == 1:
        obs, code_book = obs[:, None], code_book[:, None]
    if obs.ndim != 2:
        raise ValueError("vq: ndim different than 1 or 2 are not supported")
    dist = jnp.linalg.norm(obs[:, None, :] - code_book[None, :, :], axis=-1)  # (M, K)
    code = jnp.argmin(dist, axis=-1)
    return code, jnp.take_along_axis(dist, code[:, None], axis=-1)[:, 0]
