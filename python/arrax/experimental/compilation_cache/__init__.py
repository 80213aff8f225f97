"""``arrax.experimental.compilation_cache`` (``jax.experimental.compilation_cache``)."""

from arrax.experimental.compilation_cache import compilation_cache  # noqa: F401
