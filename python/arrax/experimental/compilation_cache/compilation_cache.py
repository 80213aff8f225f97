"""Like ``jax.experimental.compilation_cache.compilation_cache``: the persistent compilation
cache's settings. arrax compiles a jit'd function's graph in memory, in milliseconds, and
keeps its compiled graphs in the function's in-memory cache; it writes no executables to
disk, so the directory set here is recorded (``jax_compilation_cache_dir``) but holds no
files, and no result depends on it."""

from arrax._config import config

__all__ = ["set_cache_dir", "reset_cache", "is_initialized", "initialize_cache"]

_initialized = [False]


def set_cache_dir(path):
    """Sets the persistent cache's directory (config ``jax_compilation_cache_dir``)."""
    config.update("jax_compilation_cache_dir", None if path is None else str(path))


def initialize_cache(path):
    """The old name of ``set_cache_dir`` (JAX deprecated it)."""
    set_cache_dir(path)


def is_initialized():
    """Whether the persistent cache has been used (arrax: never; it keeps no files)."""
    return _initialized[0]


def reset_cache():
    """Forgets the cache's state (JAX's testing helper): the directory setting is kept."""
    _initialized[0] = False
