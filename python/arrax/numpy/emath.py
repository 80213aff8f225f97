"""numpy.emath: the math functions whose results are complex where the real ones have no
value (sqrt and logarithms of negative numbers, arcsin/arccos/arctanh beyond [-1, 1], powers of
negative numbers). As NumPy, the result is complex only when some input needs it, so these
functions read their input's values (concrete arrays only)."""

import numpy as onp

import arrax.numpy as anp
from arrax.numpy._common import host_arrays

__all__ = ["sqrt", "log", "log2", "log10", "logn", "power", "arccos", "arcsin", "arctanh"]


def _complex_if(name, x, outside):
    """x as an array, made complex when `outside(values)` holds for any of its values."""
    x = anp.asarray(x)
    if x.dtype.kind in "biuf":
        (v,) = host_arrays(f"emath.{name}", x)
        if onp.any(outside(v)):
            return x.astype(_COMPLEX_OF.get(x.dtype, onp.complex128))
    return x


# NumPy's scimath makes float32 and the 8- and 16-bit integers complex64, all else (float16
# too) complex128.
# (keyed by dtype: dtype.name imports a NumPy module on every read)
_COMPLEX_OF = {onp.dtype(n): onp.complex64 for n in ("float32", "int8", "int16", "uint8", "uint16")}


def _float_if_negative_int(name, p):
    """p as an array, made float (as ``p * 1.0``) when it is an integer one with some negative
    value: NumPy's emath.power takes negative integer powers (2**-2 is 0.25)."""
    p = anp.asarray(p)
    if p.dtype.kind in "iu":
        (v,) = host_arrays(f"emath.{name}", p)
        if onp.any(v < 0):
            return p * 1.0
    return p


def sqrt(x):
    return anp.sqrt(_complex_if("sqrt", x, lambda v: v < 0))


def log(x):
    return anp.log(_complex_if("log", x, lambda v: v < 0))


def log2(x):
    return anp.log2(_complex_if("log2", x, lambda v: v < 0))


def log10(x):
    return anp.log10(_complex_if("log10", x, lambda v: v < 0))


def logn(n, x):
    """The base-n logarithm of x."""
    return log(x) / log(n)


def power(x, p):
    return anp.power(_complex_if("power", x, lambda v: v < 0), _float_if_negative_int("power", p))


def arccos(x):
    return anp.arccos(_complex_if("arccos", x, lambda v: abs(v) > 1))


def arcsin(x):
    return anp.arcsin(_complex_if("arcsin", x, lambda v: abs(v) > 1))


def arctanh(x):
    return anp.arctanh(_complex_if("arctanh", x, lambda v: abs(v) > 1))
