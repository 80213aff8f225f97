"""The small parts of JAX's top level that programs touch around their computations: the array
type for isinstance checks, the local devices and backend, process indices (one process),
cache clearing, name scopes and compile-time evaluation."""

import contextlib
import platform
import sys

import numpy as onp

from arrax import _core
from arrax._devices import devices


class _ArrayType(type):
    """isinstance/issubclass of jax.Array: arrax arrays (and the tracers transformations pass
    to functions, which are arrax arrays) and typed key arrays, as JAX's key arrays are
    jax.Arrays."""

    def __instancecheck__(cls, x):
        from arrax._prng_keys import PRNGKeyArray

        return isinstance(x, (_core.ndarray, PRNGKeyArray))

    def __subclasscheck__(cls, c):
        from arrax._prng_keys import PRNGKeyArray

        return c is cls or (isinstance(c, type) and issubclass(c, (_core.ndarray, PRNGKeyArray)))


class Array(metaclass=_ArrayType):
    """jax.Array: the type of arrax arrays and typed key arrays, for isinstance checks and
    annotations (not constructible; make arrays with arrax.numpy)."""

    def __new__(cls, *args, **kwargs):
        raise TypeError("jax.Array cannot be instantiated; use arrax.numpy.asarray")


def default_backend():
    """'gpu' when a CUDA GPU is present, else 'cpu' (as jax.default_backend())."""
    return "gpu" if _core._cuda_device_count() else "cpu"


def local_devices(process_index=None, backend=None):
    return devices(backend)


def local_device_count(backend=None):
    return len(devices(backend))


def process_index():
    return 0


def process_count():
    return 1


def clear_caches():
    """Drops the compiled versions of every jit'd function (they recompile on their next call)."""
    from arrax._jit import _instances

    for f in list(_instances):
        f._cache.clear()


@contextlib.contextmanager
def named_scope(name):
    """jax.named_scope: a name for the operations of a block; arrax's graphs do not record
    it, so the block runs unchanged."""
    if not isinstance(name, str):
        raise TypeError(f"named_scope: the name must be a string, got {type(name).__name__}")
    yield


def named_call(fun, *, name=None):
    """jax.named_call: fun itself, under a name for profilers; arrax's graphs do not record
    names, so the call runs unchanged."""
    if name is not None and not isinstance(name, str):
        raise TypeError(f"named_call: the name must be a string, got {type(name).__name__}")
    return fun


@contextlib.contextmanager
def ensure_compile_time_eval():
    """jax.ensure_compile_time_eval: arrax computes concrete values eagerly inside jit'd
    functions already (only values from traced arguments are staged), so this changes
    nothing."""
    yield


def print_environment_info(return_string=False):
    import arrax

    lines = [
        f"arrax:   {arrax.__version__}",
        f"numpy:   {onp.__version__}",
        f"python:  {sys.version.split()[0]}",
        f"machine: {platform.platform()}",
        f"devices: {devices()}",
        f"threads: {_core.get_num_threads()}",
    ]
    text = "\n".join(lines)
    if return_string:
        return text
    print(text)
