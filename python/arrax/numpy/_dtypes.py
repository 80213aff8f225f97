"""Dtypes: arrax uses NumPy's dtype objects and scalar types, plus ml_dtypes' bfloat16."""

import numpy as _np

try:
    from ml_dtypes import bfloat16
except ImportError:  # bfloat16 arrays then cannot be converted to NumPy
    bfloat16 = None

dtype = _np.dtype
bool_ = _np.bool_
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
float16, float32, float64 = _np.float16, _np.float32, _np.float64
complex64, complex128 = _np.complex64, _np.complex128
half, single, double = float16, float32, float64
csingle, cdouble = complex64, complex128
byte, ubyte, short, ushort = _np.byte, _np.ubyte, _np.short, _np.ushort
intc, uintc, intp, uintp = _np.intc, _np.uintc, _np.intp, _np.uintp
int_, uint = _np.int_, _np.uint
long, ulong = _np.long, _np.ulong  # noqa: A001 (NumPy 2's names: C long)
longlong, ulonglong = _np.longlong, _np.ulonglong
generic, number, integer, signedinteger, unsignedinteger = (
    _np.generic,
    _np.number,
    _np.integer,
    _np.signedinteger,
    _np.unsignedinteger,
)
inexact, floating, complexfloating = _np.inexact, _np.floating, _np.complexfloating
iinfo = _np.iinfo
# arrax has no extended precision: its long double is double, as NumPy's is on Windows and on
# Apple's arm64 (so np.longdouble as a dtype gives float64 arrays, not an AttributeError).
longdouble, clongdouble = float64, complex128
# NumPy 1.x's names of float64/complex128, which jax.numpy keeps and older programs still use.
float_, complex_ = float64, complex128
True_, False_ = _np.True_, _np.False_


def _dtype_of(t):
    """t itself when it names a dtype (a type, a string, a dtype), else its .dtype (an array).
    NumPy's scalar types have a .dtype too, but as a class attribute, not a dtype."""
    if isinstance(t, (type, str, _np.dtype)):
        return t
    return getattr(t, "dtype", t)


def _is_bfloat16(t):
    if bfloat16 is None or t is None:
        return False
    t = _dtype_of(t)
    try:
        return _np.dtype(t) == _np.dtype(bfloat16)
    except TypeError:
        return False


def finfo(dtype):
    """numpy.finfo, and bfloat16's limits too (ml_dtypes' finfo), as jnp.finfo gives."""
    if _is_bfloat16(dtype):
        import ml_dtypes

        return ml_dtypes.finfo(bfloat16)
    return _np.finfo(_dtype_of(dtype))


def issubdtype(arg1, arg2):
    """numpy.issubdtype, with bfloat16 a floating type (NumPy sees an opaque one), as in
    jnp.issubdtype, and typed PRNG keys' dtype a subtype of jax.dtypes.prng_key only."""
    from arrax._prng_keys import KeyDType, PRNGKeyArray, extended

    if isinstance(arg1, PRNGKeyArray):
        raise TypeError(f"issubdtype: Cannot interpret '{arg1.dtype}' array as a data type")
    from arrax import _core

    for arg in (arg1, arg2):
        if isinstance(arg, (_np.ndarray, _core.ndarray)):  # (numpy.dtype refuses arrays)
            raise TypeError("issubdtype: Cannot construct a dtype from an array")
    key1 = isinstance(arg1, KeyDType) or (isinstance(arg1, type) and issubclass(arg1, extended))
    key2 = isinstance(arg2, KeyDType) or (isinstance(arg2, type) and issubclass(arg2, extended))
    if key1 or key2:
        t1 = arg1.type if isinstance(arg1, KeyDType) else arg1
        t2 = arg2.type if isinstance(arg2, KeyDType) else arg2
        if key1 and t2 is _np.generic:  # (JAX's extended dtypes are np.generic subtypes)
            return True
        return key1 and key2 and issubclass(t1, t2)
    if _is_bfloat16(arg1):
        if _is_bfloat16(arg2):
            return True
        return isinstance(arg2, type) and arg2 in (
            _np.floating,
            _np.inexact,
            _np.number,
            _np.generic,
        )
    return _np.issubdtype(arg1, arg2)


def _jax_inexact_dtype(*dtypes):
    """The inexact dtype jax.numpy (float64 enabled) computes in for arrays of these dtypes, as
    arrax's jax-only functions (scipy.signal, image, ...) do: integers and bools defer to any
    float or complex among them (int64 with float32 is float32); without one, 64-bit integers
    give float64 and narrower ones (and bools) float32. NumPy's rule would give float64."""
    dts = [_np.dtype(d) for d in dtypes]
    inexact = [d for d in dts if d.kind in "fc" or d.name == "bfloat16"]  # (bfloat16: kind V)
    if inexact:
        try:
            return _np.result_type(*inexact)
        except _np.exceptions.DTypePromotionError:  # bfloat16 with float16: float32, as JAX
            return _np.result_type(_np.float32, *[d for d in inexact if d.itemsize > 2])
    return _np.dtype(_np.float64 if _np.result_type(*dts).itemsize >= 8 else _np.float32)


__all__ = [n for n in dir() if not n.startswith("_")]
