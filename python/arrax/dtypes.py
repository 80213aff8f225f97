"""``arrax.dtypes`` (``jax.dtypes``): dtype queries that JAX programs call by this name.

arrax always has the 64-bit types (as JAX with ``jax_enable_x64``), so canonicalizing a dtype
returns it unchanged. bfloat16 counts as a floating type here, as in JAX."""

import numpy as onp

from arrax._prng_keys import extended, prng_key
from arrax.numpy._dtypes import bfloat16, finfo, iinfo, issubdtype

__all__ = [
    "TypePromotionError",
    "bfloat16",
    "canonicalize_dtype",
    "extended",
    "finfo",
    "float0",
    "iinfo",
    "issubdtype",
    "itemsize_bits",
    "prng_key",
    "result_type",
    "scalar_type_of",
]

# The dtype of the gradient of an integer input (jax.grad(..., allow_int=True)): no data.
float0 = onp.dtype([("float0", onp.void, 0)])


class TypePromotionError(ValueError):
    """Two dtypes with no promotion between them under a strict promotion setting."""


def canonicalize_dtype(dtype, allow_extended_dtype=False):
    """The dtype arrays of ``dtype`` get: the dtype itself."""
    return onp.dtype(dtype)


def result_type(*args, return_weak_type_flag=False):
    """The dtype NumPy's (NEP 50) promotion gives the arguments, as ``arrax.numpy.result_type``;
    with ``return_weak_type_flag`` also whether it is weak (only Python scalars took part)."""
    import arrax.numpy as anp

    dt = anp.result_type(*args)
    if not return_weak_type_flag:
        return dt
    weak = bool(args) and all(
        isinstance(a, (bool, int, float, complex)) and not isinstance(a, onp.generic) for a in args
    )
    return dt, weak


def scalar_type_of(x):
    """The Python scalar type (bool, int, float or complex) matching x's dtype."""
    dt = onp.dtype(getattr(x, "dtype", None) or onp.asarray(x).dtype)
    if dt == onp.bool_:
        return bool
    if dt.kind in "iu":
        return int
    if dt.kind == "c":
        return complex
    return float


def itemsize_bits(dtype):
    """The size of one item of dtype in bits."""
    return onp.dtype(dtype).itemsize * 8
