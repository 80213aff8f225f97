"""Like ``jax.version``: arrax's version (``__version__``, ``_version``)."""

__version__ = _version = "0.1.0"
__version_info__ = tuple(int(p) for p in __version__.split("."))
