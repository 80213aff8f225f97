"""arrax.config: the part of ``jax.config`` that maps onto arrax, so that the
``jax.config.update(...)`` lines at the top of JAX programs keep working. Each supported
option changes what it says; an option arrax cannot honour raises, naming why."""

from arrax import _core


class _Config:
    _OPTIONS = (
        "jax_enable_x64",
        "jax_platform_name",
        "jax_platforms",
        "jax_default_device",
        "jax_disable_jit",
        "jax_default_matmul_precision",
        "jax_debug_nans",
        "jax_debug_infs",
    )

    def update(self, name, value):
        """Sets one option (jax.config.update's form)."""
        from arrax import _devices, _shapes

        if name == "jax_enable_x64":
            # arrax follows NumPy: float64/int64 arrays are always available and are the
            # defaults of Python numbers; JAX's 32-bit mode (canonicalizing them away) is not.
            if not value:
                raise ValueError(
                    "arrax.config: jax_enable_x64=False (JAX's 32-bit mode) is not supported: "
                    "arrax keeps NumPy's 64-bit types; ask for float32 explicitly instead"
                )
        elif name in ("jax_platform_name", "jax_platforms", "jax_default_device"):
            target = value.split(",")[0] if isinstance(value, str) else value
            if target in ("gpu", "cuda"):
                target = "cuda"
            _core._set_default_device(_devices._key_of(target))
        elif name == "jax_disable_jit":
            _shapes._jit_disabled[0] = bool(value)
        elif name in ("jax_debug_nans", "jax_debug_infs"):
            # An eager primitive's NaN (infinite) result raises FloatingPointError; a jit'd
            # function's is found by running it again op by op (arrax/_jit.py).
            bit = 1 if name == "jax_debug_nans" else 2
            checks = _core._debug_checks()
            _core._set_debug_checks(checks | bit if value else checks & ~bit)
        elif name == "jax_default_matmul_precision":
            _devices.set_matmul_precision("float32" if value is None else str(value).lower())
        else:
            raise AttributeError(
                f"arrax.config: unknown or unsupported option {name!r} "
                f"(supported: {', '.join(self._OPTIONS)})"
            )

    @property
    def jax_enable_x64(self):
        return True

    @property
    def jax_disable_jit(self):
        from arrax import _shapes

        return _shapes._jit_disabled[0]

    @property
    def jax_debug_nans(self):
        return bool(_core._debug_checks() & 1)

    @property
    def jax_debug_infs(self):
        return bool(_core._debug_checks() & 2)

    @property
    def jax_default_matmul_precision(self):
        return _core._matmul_precision()

    def __repr__(self):
        return "arrax.config"


config = _Config()


class enable_x64:
    """jax.enable_x64(new_val=True): a context manager for ``jax_enable_x64``. arrax always
    has NumPy's 64-bit types, so entering with True changes nothing and with False raises
    (config.update's error)."""

    def __init__(self, new_val=True):
        if not new_val:
            config.update("jax_enable_x64", False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
