"""Value tests and conversions of floating-point and complex arrays: fix, spacing,
isposinf/isneginf, iscomplex/isreal and their *obj forms, real_if_close, sort_complex, and
bitwise_count on integers. Composed from arrax ops, so they trace, except real_if_close, whose
result dtype depends on the values."""

import numpy as onp

from arrax.numpy._common import _arr, _np, host_arrays, takes_out
from arrax.numpy._ufuncs import composed_ufunc

__all__ = [
    "fix",
    "spacing",
    "isposinf",
    "isneginf",
    "iscomplex",
    "isreal",
    "iscomplexobj",
    "isrealobj",
    "real_if_close",
    "sort_complex",
    "bitwise_count",
]


@takes_out("same_kind", nin=1)
def fix(x, out=None):
    """numpy.fix: rounds toward zero (floor of non-negative values, ceil of negative ones)."""
    np = _np()
    x = _arr(x)
    return np.where(x >= 0, np.floor(x), np.ceil(x))


@composed_ufunc(1)
def spacing(x, /):
    """numpy.spacing: the distance from x to the next representable value away from zero
    (NaN for inf and NaN)."""
    np = _np()
    x = _arr(x)
    if x.dtype.kind not in "fiub":
        raise TypeError(f"spacing: not supported for {x.dtype} values")
    dt = onp.spacing(onp.zeros(0, x.dtype)).dtype  # NumPy's loop: int8 -> float16, ...
    xf = x.astype(dt)
    inf = np.asarray(onp.inf, dt)
    # NumPy's float16 loop measures a negative value's step toward zero, a positive distance
    # (spacing(float16(-2)) is 2**-10, not -2**-9); float32/float64 step away from zero.
    away = np.asarray(0, dt) if dt == onp.float16 else -inf
    up, down = np.nextafter(xf, inf) - xf, np.nextafter(xf, away) - xf
    r = np.where(xf < 0, down, up)
    return np.where(np.isinf(xf), np.asarray(onp.nan, dt), r)


def _real_only(name, x):
    if x.dtype.kind == "c":
        raise TypeError(
            f"{name}: not supported for complex values because it would be ambiguous; "
            "use real or imag"
        )


@takes_out("same_kind", nin=1)
def isposinf(x, out=None):
    """numpy.isposinf."""
    np = _np()
    x = _arr(x)
    _real_only("isposinf", x)
    return np.isinf(x) & ~np.signbit(x)


@takes_out("same_kind", nin=1)
def isneginf(x, out=None):
    """numpy.isneginf."""
    np = _np()
    x = _arr(x)
    _real_only("isneginf", x)
    return np.isinf(x) & np.signbit(x)


def iscomplex(x):
    """numpy.iscomplex: elementwise, a nonzero imaginary part."""
    np = _np()
    x = _arr(x)
    if x.dtype.kind != "c":
        return np.zeros(x.shape, bool)
    return np.imag(x) != 0


def isreal(x):
    """numpy.isreal: elementwise, a zero imaginary part."""
    np = _np()
    x = _arr(x)
    if x.dtype.kind != "c":
        return np.ones(x.shape, bool)
    return np.imag(x) == 0


def _dtype_of(x):
    dt = getattr(x, "dtype", None)
    return onp.dtype(dt) if dt is not None else _arr(x).dtype


def iscomplexobj(x):
    """numpy.iscomplexobj: whether the dtype is complex (not the values). As NumPy's, an
    object's own dtype's scalar type decides (duck dtypes, as pandas' extension ones, too)."""
    try:
        type_ = x.dtype.type
    except AttributeError:
        try:
            return _dtype_of(x).kind == "c"
        except TypeError:  # None, a set, a user's object: NumPy's object array, not complex
            return onp.asarray(x).dtype.kind == "c"
    return isinstance(type_, type) and issubclass(type_, onp.complexfloating)


def isrealobj(x):
    """numpy.isrealobj: whether the dtype is not complex."""
    return not iscomplexobj(x)


def real_if_close(a, tol=100):
    """numpy.real_if_close: the real part when every imaginary part is within tol (machine
    epsilons when tol > 1) of zero; the array unchanged otherwise."""
    np = _np()
    a = _arr(a)
    if a.dtype.kind != "c":
        return a
    host_arrays("real_if_close", a)  # the result's dtype depends on the values
    if tol > 1:
        tol = onp.finfo(a.dtype).eps * tol
    return np.real(a) if bool(np.all(np.abs(np.imag(a)) < tol)) else a


def sort_complex(a):
    """numpy.sort_complex: sorted (real part first), as complex."""
    np = _np()
    b = np.sort(_arr(a))
    if b.dtype.kind == "c":
        return b
    return b.astype(onp.complex64 if b.dtype.char in "bhBH" else onp.complex128)


_M1, _M2, _M4, _H01 = (
    0x5555555555555555,
    0x3333333333333333,
    0x0F0F0F0F0F0F0F0F,
    0x0101010101010101,
)


@composed_ufunc(1)
def bitwise_count(x, /):
    """numpy.bitwise_count: the number of 1 bits of |x|, as uint8."""
    np = _np()
    x = _arr(x)
    if x.dtype.kind == "b":
        return x.astype(onp.uint8)
    if x.dtype.kind not in "iu":
        raise TypeError(f"bitwise_count: not supported for {x.dtype} values (integers only)")
    if x.dtype.kind == "i":  # |x| in the unsigned type of its width: |int8(-128)| is 128
        x = np.abs(x).astype(onp.dtype(f"u{x.dtype.itemsize}"))
    v = x.astype(onp.uint64)
    u = np.uint64
    v = v - ((v >> u(1)) & u(_M1))
    v = (v & u(_M2)) + ((v >> u(2)) & u(_M2))
    v = (v + (v >> u(4))) & u(_M4)
    return ((v * u(_H01)) >> u(56)).astype(onp.uint8)
