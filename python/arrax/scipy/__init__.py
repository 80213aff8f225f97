"""arrax.scipy: the parts of jax.scipy that NumPy/JAX programs use most: ``special`` (error
and gamma functions, logsumexp, expit/logit, xlogy, ndtr...), ``stats.norm`` and ``linalg``
(solve_triangular, cholesky/cho_factor/cho_solve, solve, eigh, svd, qr, expm, ...), ``signal``
(convolutions, STFT, Welch), ``fft`` (DCTs), ``ndimage.map_coordinates``,
``interpolate.RegularGridInterpolator``, ``cluster.vq``, ``sparse.linalg`` (cg, bicgstab,
gmres), ``spatial.transform`` (Rotation, Slerp) and ``integrate.trapezoid``. Every function is
built from arrax primitives, so it traces, differentiates and batches."""

from arrax.scipy import (  # noqa: F401
    cluster,
    fft,
    integrate,
    interpolate,
    linalg,
    ndimage,
    optimize,
    signal,
    sparse,
    spatial,
    special,
    stats,
)
