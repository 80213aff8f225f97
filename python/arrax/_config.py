"""arrax.config: the part of ``jax.config`` that maps onto arrax, so that the
``jax.config.update(...)`` lines at the top of JAX programs keep working. Each supported
option changes what it says; an option arrax cannot honour raises, naming why."""

from arrax import _config_options, _core


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
        "jax_log_compiles",
        "jax_enable_checks",
        "jax_default_prng_impl",
        "jax_numpy_dtype_promotion",
        "jax_numpy_rank_promotion",
        *_config_options.OPTIONS,
    )
    # Options arrax keeps in Python (read by arrax/_jit.py).
    _flags = {"jax_log_compiles": False, "jax_enable_checks": False}

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
        elif name in ("jax_log_compiles", "jax_enable_checks"):
            # log_compiles: each jit trace (a compilation) logs a warning naming the function
            # and its argument types; enable_checks: each traced and optimized jit graph is
            # verified (arrax's IR type checker), as JAX type-checks its jaxprs.
            self._flags[name] = bool(value)
        elif name == "jax_default_prng_impl":
            if value != "threefry2x32":
                raise ValueError(
                    f"arrax.config: jax_default_prng_impl={value!r} is not supported: arrax's "
                    "keys are threefry2x32 keys (JAX's default)"
                )
        elif name == "jax_numpy_dtype_promotion":
            if value not in ("standard", "strict"):
                raise ValueError(
                    f"jax_numpy_dtype_promotion: expected 'standard' or 'strict', got {value!r}"
                )
            if value != _core._dtype_promotion():
                _core._set_dtype_promotion(value)
                from arrax._environment import clear_caches

                clear_caches()
        elif name == "jax_numpy_rank_promotion":
            if value not in ("allow", "warn", "raise"):
                raise ValueError(
                    f"jax_numpy_rank_promotion: expected 'allow', 'warn' or 'raise', got {value!r}"
                )
            if value != _core._rank_promotion():
                _core._set_rank_promotion(value)
                # (the check runs while tracing: graphs traced under the old mode retrace)
                from arrax._environment import clear_caches

                clear_caches()
        elif name == "jax_default_matmul_precision":
            _devices.set_matmul_precision("float32" if value is None else str(value).lower())
        elif name in _config_options.OPTIONS:
            _config_options.update(name, value)
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
    def jax_log_compiles(self):
        return self._flags["jax_log_compiles"]

    @property
    def jax_enable_checks(self):
        return self._flags["jax_enable_checks"]

    @property
    def jax_default_prng_impl(self):
        return "threefry2x32"

    @property
    def jax_numpy_dtype_promotion(self):
        return _core._dtype_promotion()

    @property
    def jax_numpy_rank_promotion(self):
        return _core._rank_promotion()

    @property
    def jax_default_matmul_precision(self):
        return _core._matmul_precision()

    def __getattr__(self, name):
        if name in _config_options.OPTIONS:
            return _config_options.values[name]
        raise AttributeError(f"arrax.config has no option {name!r}")

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


class _OptionContext:
    """A context manager (and decorator) setting one config option for its extent, then
    restoring the value it had (jax.debug_nans(True) and the like)."""

    def __init__(self, option, value):
        self._option, self._value = option, value

    def __enter__(self):
        self._saved = getattr(config, self._option)
        config.update(self._option, self._value)
        return self

    def __exit__(self, *exc):
        config.update(self._option, self._saved)
        return False

    def __call__(self, fun):
        import functools

        @functools.wraps(fun)
        def wrapped(*args, **kwargs):
            with _OptionContext(self._option, self._value):
                return fun(*args, **kwargs)

        return wrapped


def _option_context(option, default, doc):
    def manager(new_val=default):
        return _OptionContext(option, new_val)

    manager.__name__ = manager.__qualname__ = option[len("jax_") :]
    manager.__doc__ = doc
    return manager


debug_nans = _option_context(
    "jax_debug_nans",
    True,
    "jax.debug_nans(True): within it, an operation making a NaN raises FloatingPointError "
    "(a jit'd function's is found by running it again op by op).",
)
debug_infs = _option_context(
    "jax_debug_infs",
    True,
    "jax.debug_infs(True): within it, an operation making an infinity raises FloatingPointError.",
)
log_compiles = _option_context(
    "jax_log_compiles",
    True,
    "jax.log_compiles(True): within it, each jit compilation (a trace for a new signature) "
    "logs a warning on the 'arrax.jit' logger naming the function and its argument types.",
)
enable_checks = _option_context(
    "jax_enable_checks",
    True,
    "jax.enable_checks(True): within it, each graph jit traces, and its optimized form, is "
    "type-checked by arrax's IR verifier (slower; an invariant broken raises).",
)
default_prng_impl = _option_context(
    "jax_default_prng_impl",
    "threefry2x32",
    "jax.default_prng_impl(name): arrax's keys are threefry2x32 keys, the only implementation; "
    "another name raises ValueError.",
)
numpy_dtype_promotion = _option_context(
    "jax_numpy_dtype_promotion",
    "standard",
    "jax.numpy_dtype_promotion(mode): 'standard' promotes as NumPy does; with 'strict' ufuncs "
    "and operators refuse operands of different dtypes (TypePromotionError), a Python scalar "
    "joining an array of its kind or a higher one as in JAX.",
)
numpy_rank_promotion = _option_context(
    "jax_numpy_rank_promotion",
    "allow",
    "jax.numpy_rank_promotion(mode): 'allow' broadcasts operands of different ranks as "
    "NumPy does; with 'warn' each ufunc or operator doing so warns, with 'raise' it raises "
    "ValueError (JAX's check: two or more nonzero ranks among the operands).",
)
