"""``arrax.dlpack`` (``jax.dlpack``): arrays from other libraries through DLPack."""

import numpy as onp

from arrax.numpy._interop import from_dlpack

__all__ = ["from_dlpack", "is_supported_dtype"]

_SUPPORTED_KINDS = "biufc"


def is_supported_dtype(dtype):
    """Whether arrays of dtype can go through DLPack: booleans, integers, floats (bfloat16 too)
    and complex numbers."""
    dt = onp.dtype(dtype)
    return dt.kind in _SUPPORTED_KINDS or dt.name == "bfloat16"
