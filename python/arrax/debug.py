"""``arrax.debug`` (``jax.debug``): print and call back from inside transformed functions.

``print(fmt, *args, **kwargs)`` formats with ``str.format`` when the values exist: at once in
eager code, each time the compiled function runs under jit (in program order), once per batch
element under vmap. ``callback(fn, *args)`` calls fn for its effect the same way."""

import builtins

from arrax._callbacks import debug_callback
from arrax._sharding_extras import (
    inspect_array_sharding,
    visualize_array_sharding,
    visualize_sharding,
)

__all__ = [
    "callback",
    "print",
    "inspect_array_sharding",
    "visualize_array_sharding",
    "visualize_sharding",
]


def callback(callback, *args, ordered=False, partitioned=False, **kwargs):
    """Calls ``callback(*args, **kwargs)`` with the values as NumPy arrays. arrax keeps every
    debug effect in program order, so ``ordered`` changes nothing; ``partitioned`` is about
    sharded arrays, which arrax does not have."""
    debug_callback(callback, *args, **kwargs)


def print(fmt, *args, ordered=False, partitioned=False, **kwargs):  # noqa: A001
    """Prints ``fmt.format(*args, **kwargs)`` with the values of traced arrays."""
    debug_callback(lambda *a, **k: builtins.print(fmt.format(*a, **k)), *args, **kwargs)
