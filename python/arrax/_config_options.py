"""More of ``jax.config``'s options (read by ``arrax._config``): each value either means on
arrax what it means on JAX (a persistent compilation cache that arrax, compiling in memory
in milliseconds, does not need; the transfer guards JAX's CPU backend does not apply), or
raises NotImplementedError naming why. ``no_tracing`` is enforced by ``arrax.jit``."""

import warnings

_GUARD_LEVELS = ("allow", "log", "disallow", "log_explicit", "disallow_explicit")


def _bool(name):
    def check(value):
        if value is not None and not isinstance(value, (bool, int)):
            raise ValueError(f"{name}: expected a bool, got {value!r}")
        return bool(value)

    return check


def _refuse_true(name, why):
    def check(value):
        value = _bool(name)(value)
        if value:
            raise NotImplementedError(f"arrax.config: {name}=True is not supported: {why}")
        return value

    return check


def _accept_true(name, why):
    def check(value):
        value = _bool(name)(value)
        if not value:
            raise NotImplementedError(f"arrax.config: {name}=False is not supported: {why}")
        return value

    return check


_warned = set()


def _check_leaks(value):
    value = _bool("jax_check_tracer_leaks")(value)
    if value and "leaks" not in _warned:
        _warned.add("leaks")
        warnings.warn(
            "arrax.config: jax_check_tracer_leaks: arrax reports a leaked tracer when it is "
            "used after its transformation ended (always, with this option or without); a "
            "leaked tracer that is never used is not reported",
            stacklevel=4,
        )
    return value


def _legacy_prng_key(value):
    if value not in ("allow", "warn", "error"):
        raise ValueError(f"jax_legacy_prng_key: expected 'allow', 'warn' or 'error', got {value!r}")
    if value != "allow":
        raise NotImplementedError(
            f"arrax.config: jax_legacy_prng_key={value!r} is not supported (arrax does not "
            "report the use of raw uint32 keys)"
        )
    return value


def _guard(name, applies_on_cpu):
    def check(value):
        if value not in _GUARD_LEVELS:
            raise ValueError(
                f"{name}: expected one of {', '.join(map(repr, _GUARD_LEVELS))}, got {value!r}"
            )
        if value != "allow" and not (applies_on_cpu and _on_cpu()):
            raise NotImplementedError(
                f"arrax.config: {name}={value!r} is not supported: arrax does not watch "
                "implicit transfers onto a device (JAX's host-to-device guard)"
                if not applies_on_cpu
                else f"arrax.config: {name}={value!r} is not supported off the CPU"
            )
        return value

    return check


def _on_cpu():
    from arrax._environment import default_backend

    return default_backend() == "cpu"


def _string_or_none(name):
    def check(value):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name}: expected a string or None, got {value!r}")
        return value

    return check


def _number(name):
    def check(value):
        if not isinstance(value, (int, float)):
            raise TypeError(f"{name}: expected a number, got {value!r}")
        return value

    return check


# name -> (default, check(value) -> value to store)
OPTIONS = {
    "jax_check_tracer_leaks": (False, _check_leaks),
    "jax_debug_key_reuse": (
        False,
        _refuse_true("jax_debug_key_reuse", "arrax does not track the reuse of random keys"),
    ),
    "jax_enable_custom_prng": (
        False,
        _refuse_true("jax_enable_custom_prng", "arrax's keys are threefry2x32 keys only"),
    ),
    "jax_legacy_prng_key": ("allow", _legacy_prng_key),
    "jax_threefry_partitionable": (
        True,
        _accept_true(
            "jax_threefry_partitionable",
            "arrax's random bits are those of JAX's partitionable Threefry (its default)",
        ),
    ),
    "jax_transfer_guard": ("allow", _guard("jax_transfer_guard", False)),
    "jax_transfer_guard_host_to_device": (
        "allow",
        _guard("jax_transfer_guard_host_to_device", False),
    ),
    # (JAX's CPU backend moves nothing between devices or to the host: no transfer to guard)
    "jax_transfer_guard_device_to_device": (
        "allow",
        _guard("jax_transfer_guard_device_to_device", True),
    ),
    "jax_transfer_guard_device_to_host": (
        "allow",
        _guard("jax_transfer_guard_device_to_host", True),
    ),
    "jax_no_tracing": (False, _bool("jax_no_tracing")),
    # The persistent compilation cache: arrax compiles a graph in memory, in milliseconds,
    # and keeps no executables on disk, so these settings change no result.
    "jax_compilation_cache_dir": (None, _string_or_none("jax_compilation_cache_dir")),
    "jax_persistent_cache_min_compile_time_secs": (
        1.0,
        _number("jax_persistent_cache_min_compile_time_secs"),
    ),
    "jax_persistent_cache_min_entry_size_bytes": (
        0,
        _number("jax_persistent_cache_min_entry_size_bytes"),
    ),
    "jax_persistent_cache_enable_xla_caches": (
        "xla_gpu_per_fusion_autotune_cache_dir",
        lambda v: v,
    ),
    "jax_enable_compilation_cache": (True, _bool("jax_enable_compilation_cache")),
}

values = {name: default for name, (default, _) in OPTIONS.items()}


def update(name, value):
    values[name] = OPTIONS[name][1](value)


# --- context managers (jax.check_tracer_leaks(True) and the like) ------------------------------


def _State(option, new_val):
    """A config option's context manager (and decorator): _config's, imported late (_config
    imports this module)."""
    from arrax._config import _OptionContext

    return _OptionContext(option, new_val)


_NO_DEFAULT = object()


def _manager(option, doc):
    def manager(new_val=_NO_DEFAULT):
        if new_val is _NO_DEFAULT:
            if not isinstance(OPTIONS[option][0], bool):
                raise TypeError(f"{option[4:]}: the context manager needs a value")
            new_val = True  # (a bool option's context manager turns it on, as JAX's)
        return _State(option, new_val)

    manager.__name__ = manager.__qualname__ = option[len("jax_") :]
    manager.__doc__ = doc
    return manager


check_tracer_leaks = _manager(
    "jax_check_tracer_leaks", "Context manager for the `jax_check_tracer_leaks` config option."
)
debug_key_reuse = _manager(
    "jax_debug_key_reuse", "Context manager for the `jax_debug_key_reuse` config option."
)
enable_custom_prng = _manager(
    "jax_enable_custom_prng", "Context manager for the `jax_enable_custom_prng` config option."
)
legacy_prng_key = _manager(
    "jax_legacy_prng_key", "Context manager for the `jax_legacy_prng_key` config option."
)
threefry_partitionable = _manager(
    "jax_threefry_partitionable",
    "Context manager for the `jax_threefry_partitionable` config option.",
)
transfer_guard_host_to_device = _manager(
    "jax_transfer_guard_host_to_device",
    "Context manager for the `jax_transfer_guard_host_to_device` config option.",
)
transfer_guard_device_to_device = _manager(
    "jax_transfer_guard_device_to_device",
    "Context manager for the `jax_transfer_guard_device_to_device` config option.",
)
transfer_guard_device_to_host = _manager(
    "jax_transfer_guard_device_to_host",
    "Context manager for the `jax_transfer_guard_device_to_host` config option.",
)
no_tracing = _manager(
    "jax_no_tracing",
    "Context manager for the `jax_no_tracing` config option: within it, a jit'd function "
    "that would be traced (a cache miss) raises RuntimeError.",
)


def checking_leaks():
    """Like ``jax.checking_leaks()``: ``check_tracer_leaks(True)``."""
    return _State("jax_check_tracer_leaks", True)


class transfer_guard:  # noqa: N801 (JAX's name)
    """Like ``jax.transfer_guard(level)``: the three transfer guards at once."""

    _NAMES = (
        "jax_transfer_guard_host_to_device",
        "jax_transfer_guard_device_to_device",
        "jax_transfer_guard_device_to_host",
    )

    def __init__(self, new_val):
        self._states = [_State(n, new_val) for n in self._NAMES]

    def __enter__(self):
        entered = []
        try:
            for s in self._states:
                s.__enter__()
                entered.append(s)
        except BaseException:
            for s in reversed(entered):
                s.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for s in reversed(self._states):
            s.__exit__(*exc)
        return False
