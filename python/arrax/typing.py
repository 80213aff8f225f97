"""``arrax.typing`` (``jax.typing``): annotations for functions taking array-like values."""

from typing import Any, Union

import numpy as onp

from arrax.numpy import ndarray as _Array

__all__ = ["ArrayLike", "DTypeLike"]

# What arrax.numpy functions accept as an array: arrays, NumPy arrays and scalars, Python scalars.
ArrayLike = Union[_Array, onp.ndarray, onp.bool_, onp.number, bool, int, float, complex]
# What they accept as a dtype: names, scalar types and dtype objects.
DTypeLike = Union[str, type[Any], onp.dtype]
