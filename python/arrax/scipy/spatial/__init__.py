"""``arrax.scipy.spatial`` (``jax.scipy.spatial``): 3-D rotations (``transform``)."""

from arrax.scipy.spatial import transform  # noqa: F401
