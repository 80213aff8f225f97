"""Math functions composed from arrax.numpy (so they trace, differentiate and batch):
comparisons, products (outer, tensordot, einsum, kron, cross), differences and integrals,
polynomials, integer and special functions. Statistics are in _statistics.py."""

import math
import operator
from collections import namedtuple

import numpy as onp

from arrax import _core
from arrax._trace_core import is_inexact
from arrax.lax import _ops as lax
from arrax.numpy._common import (
    _arr,
    _float_dtype,
    _loop_float_dtype,
    _np,
    complex_from_parts,
    takes_out,
)
from arrax.numpy._ufuncs import composed_ufunc

__all__ = [
    "isclose",
    "allclose",
    "array_equal",
    "array_equiv",
    "round",
    "around",
    "nan_to_num",
    "sinc",
    "angle",
    "modf",
    "ldexp",
    "frexp",
    "outer",
    "inner",
    "vdot",
    "tensordot",
    "kron",
    "cross",
    "einsum",
    "diff",
    "ediff1d",
    "cumulative_sum",
    "trapezoid",
    "gradient",
    "interp",
    "unwrap",
    "gcd",
    "lcm",
    "i0",
    "trim_zeros",
    "astype",
    "unique_values",
    "unique_counts",
    "unique_inverse",
    "unique_all",
]


# --- comparisons and elementwise ---------------------------------------------------------


def _weak_or_dtype(v):
    """A Python scalar as itself (NumPy promotes it weakly), anything else as its dtype."""
    if type(v) in (bool, int, float, complex):
        return v
    return _arr(v).dtype


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """numpy.isclose."""
    np = _np()
    # NumPy's dtype: Python scalars weak (NEP 50), so isclose(float32 array, 0.99999999) is
    # computed in float32; integers in float64.
    dt = np.result_type(_weak_or_dtype(a), _weak_or_dtype(b), 1.0)
    # (copy=False: x and y are only read; a and b of that dtype are used as they are)
    x, y = _arr(a).astype(dt, copy=False), _arr(b).astype(dt, copy=False)
    if type(atol) is float and type(rtol) is float:  # (the usual tolerances: no arrays made)
        invalid = not (math.isfinite(atol) and math.isfinite(rtol))
    else:
        tols = [_arr(t) for t in (atol, rtol)]
        invalid = not any(t._is_tracer for t in tols) and not all(
            bool(onp.all(onp.isfinite(onp.asarray(t)))) for t in tols
        )
    if invalid:
        # NumPy (2.3+): a NaN or infinite tolerance reports an invalid value, as geterr says
        msg = f"isclose: One of rtol or atol is not valid, atol: {atol}, rtol: {rtol}"
        mode = np.geterr()["invalid"]
        if mode == "raise":
            raise FloatingPointError(msg)
        if mode in ("warn", "print", "log", "call"):
            import warnings

            warnings.warn(msg, RuntimeWarning, stacklevel=3)
    # NumPy's formula: an infinite atol makes any finite y close to anything but NaN
    r = ((np.abs(x - y) <= atol + rtol * np.abs(y)) & np.isfinite(y)) | (x == y)
    if equal_nan:
        r = r | (np.isnan(x) & np.isnan(y))
    return r


def _bool_or_traced(r):
    """A 0-d bool result as a Python bool (NumPy's), or, traced, as the traced 0-d array
    (jax.numpy's: its value is not known while tracing)."""
    return r if r._is_tracer else bool(r)


def _false_like(*arrays):
    """A static False: Python's eagerly, a 0-d bool array (jax.numpy's) when tracing."""
    if any(a._is_tracer for a in arrays):
        return _core.asarray(onp.bool_(False), None, None)
    return False


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """numpy.allclose."""
    return _bool_or_traced(_np().all(isclose(a, b, rtol, atol, equal_nan)))


def array_equal(a1, a2, equal_nan=False):
    """numpy.array_equal."""
    np = _np()
    a, b = _arr(a1), _arr(a2)
    if a.shape != b.shape:
        return _false_like(a, b)
    eq = a == b
    if equal_nan and a.dtype.kind in "fc":
        eq = eq | (np.isnan(a) & np.isnan(b))
    return _bool_or_traced(np.all(eq))


def array_equiv(a1, a2):
    """numpy.array_equiv: equal after broadcasting."""
    np = _np()
    a, b = _arr(a1), _arr(a2)
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        return _false_like(a, b)
    return _bool_or_traced(np.all(a == b))


@takes_out("unsafe")
def round(a, decimals=0, out=None):  # noqa: A001 (NumPy's name)
    """numpy.round (half to even, as NumPy)."""
    np = _np()
    decimals = operator.index(decimals)  # (TypeError for a float, as NumPy)
    a = _arr(a)
    if a.dtype.kind == "b":  # NumPy rounds bools in float16
        a = a.astype(onp.float16)
    if a.dtype.kind in "iu":
        if decimals >= 0:
            return a.copy()
        if -decimals > len(str(onp.iinfo(a.dtype).max)):  # (every value rounds to 0)
            return np.zeros_like(a)
        f = 10 ** (-decimals)
        return (np.rint(a / f) * f).astype(a.dtype)
    if decimals == 0:
        return np.rint(a)
    # Past the dtype's largest power of ten, 10**decimals overflows (NumPy returns NaN there):
    # every value already has fewer decimals, or rounds to a signed 0, as JAX returns.
    limit = int(np.finfo(a.dtype).maxexp * onp.log10(2))  # (arrax's finfo: also bfloat16)
    if decimals > limit:
        return a.copy()
    if decimals < -limit:
        return np.where(np.isfinite(a), a * 0, a)
    f = 10.0**decimals
    return (
        np.rint(a * f) / f if decimals > 0 else np.rint(a / (10.0**-decimals)) * (10.0**-decimals)
    )


around = round


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """numpy.nan_to_num; copy=False writes the result into x itself (an arrax array, not
    traced), as NumPy does."""
    original = x
    y = _nan_to_num(_arr(x), nan, posinf, neginf)
    if not copy and isinstance(original, _core.ndarray) and not original._is_tracer:
        original[...] = y
        return original
    return y


def _nan_to_num(x, nan, posinf, neginf):
    np = _np()
    if not is_inexact(x.dtype):
        return x.copy()
    if x.dtype.kind == "c":
        parts = [_nan_to_num(part, nan, posinf, neginf) for part in (np.real(x), np.imag(x))]
        return lax.bind1("add", parts[0].astype(x.dtype), (parts[1] * 1j).astype(x.dtype))
    info = np.finfo(x.dtype)  # (arrax's: bfloat16 too)
    hi = info.max if posinf is None else posinf
    lo = info.min if neginf is None else neginf
    # (Masks of the original values: nan=inf must not then be rewritten by posinf.)
    y = np.where(x == np.inf, hi, np.where(x == -np.inf, lo, x))
    return np.where(np.isnan(x), nan, y).astype(x.dtype)


def sinc(x):
    """numpy.sinc: sin(pi x) / (pi x), 1 at 0."""
    np = _np()
    x = _arr(x)
    x = x.astype(_float_dtype(x))
    zero = x == 0
    y = np.pi * np.where(zero, 1, x)
    # At 0 the value and every derivative come from sinc's Maclaurin series (the quotient's
    # derivatives there are 0/0); elsewhere the quotient is differentiated as it is.
    return np.where(zero, _sinc_series_term(0, np.pi * x), np.sin(y) / y)


def _sinc_series_term(k, y):
    """The k-th derivative of sin(y)/y at y = 0, shaped like y; its own derivative in y is
    the (k+1)-th, so derivatives of every order at 0 are exact."""
    from arrax._ad import custom_jvp

    @custom_jvp
    def term(y):
        value = 0.0 if k % 2 else (-1.0) ** (k // 2) / (k + 1)
        return _np().full_like(y, value)

    @term.defjvp
    def _(primals, tangents):
        (y,), (t,) = primals, tangents
        return term(y), _sinc_series_term(k + 1, y) * t

    return term(y)


def angle(z, deg=False):
    """numpy.angle."""
    np = _np()
    z = _arr(z)
    # NumPy's: arctan2(0, z) for a real z, the Python 0 weak (float16 for uint8, float64 for bool)
    a = np.arctan2(np.imag(z), np.real(z)) if z.dtype.kind == "c" else np.arctan2(0, z)
    return np.degrees(a) if deg else a


@composed_ufunc(1, 2)
def modf(x):
    """numpy.modf: (fractional part, integral part)."""
    np = _np()
    x = _arr(x)
    x = x.astype(_loop_float_dtype(x))
    i = np.trunc(x)
    return x - i, i


@composed_ufunc(2)
def ldexp(x1, x2):
    """numpy.ldexp: x1 * 2**x2 with one rounding over the whole exponent range (no early
    overflow or underflow): float16 and float32 scaled exactly in float64 and rounded once;
    float64 scaled in steps that keep the intermediate normal (musl's scalbn)."""
    from arrax.lax import bitcast_convert_type

    np = _np()
    if isinstance(x2, int) and not isinstance(x2, bool):  # NumPy's loops take int32 / C long
        if not -(2**63) <= x2 < 2**63:
            raise OverflowError("Python int too large to convert to C long")
        if not isinstance(x1, (int, float)) and not -(2**31) <= x2 < 2**31:
            raise OverflowError(f"Python integer {x2} out of bounds for int32")
    a, e = _arr(x1), _arr(x2)
    dt = onp.dtype(_loop_float_dtype(a))
    if type(x1) is int and not isinstance(x2, (int, float, complex)):
        # NEP 50: a Python int fits any loop, and NumPy's first loop for an integer array of
        # exponents is float16's ('ei->e', 'el->e'): ldexp(5, arange(4)) is float16.
        dt = onp.dtype(onp.float16)
    if dt.name == "bfloat16" and e.dtype.kind in "biu" and not isinstance(x2, int):
        # ml_dtypes' loop for NumPy: bfloat16 with int32 exponents; exponents int32 cannot hold
        # safely (int64, uint32) take float32's loop, as its ldexp(bfloat16, int64) does
        if e.dtype != onp.uint64 and not onp.can_cast(e.dtype, onp.int32):
            dt = onp.dtype(onp.float32)
    if (
        e.dtype.kind not in "biu"
        or e.dtype == onp.uint64
        or not (dt.kind == "f" or dt.name == "bfloat16")
    ):
        raise TypeError(
            "ufunc 'ldexp' not supported for the input types, and the inputs could not be "
            "safely coerced to any supported types according to the casting rule ''safe''"
        )

    def pow2(n):  # 2.0**n for int64 n in [-1022, 1023], exactly: the float64's bits
        return bitcast_convert_type((n + 1023) << 52, onp.float64)

    y = a.astype(onp.float64)
    if dt != onp.float64:  # x1 * 2**n is exact in float64 for |n| <= 400, then one rounding
        return (y * pow2(np.clip(e.astype(onp.int64), -400, 400))).astype(dt)
    n = np.clip(e.astype(onp.int64), -2200, 2200)  # (beyond, the result is inf or 0 anyway)
    for _ in range(2):
        big, small = n > 1023, n < -1022
        # (scaling down to 2**-969, not -1022, keeps the last step's n below -53: one rounding)
        y = y * np.where(big, 2.0**1023, np.where(small, 2.0**-969, 1.0))
        n = np.where(big, n - 1023, np.where(small, n + 969, n))
    return y * pow2(np.clip(n, -1022, 1023))


@composed_ufunc(1, 2)
def frexp(x):
    """numpy.frexp: (mantissa in [0.5, 1), exponent)."""
    x = _arr(x)
    if not x._is_tracer:
        m, e = onp.frexp(onp.asarray(x))
        return _core.asarray(m, None, None), _core.asarray(e, None, None)
    return _frexp_traced(x.astype(onp.dtype(_loop_float_dtype(x))))


def _frexp_traced(x):
    """frexp of a traced float array; the mantissa's derivative is 2**-exponent (JAX's)."""
    global _frexp_traced
    from arrax._ad import custom_jvp

    @custom_jvp
    def frexp_traced(x):
        return _frexp_bits(x)

    @frexp_traced.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        m, e = frexp_traced(x)
        return (m, e), (t * _np().exp2(-e.astype(t.dtype)), _np().zeros_like(e))

    _frexp_traced = frexp_traced  # (made once, on first use)
    return frexp_traced(x)


def _frexp_bits(x):
    # Read the exponent field of the bits (exact, unlike log2 near powers of two); a subnormal
    # is first scaled into the normal range.
    from arrax.lax import bitcast_convert_type

    np = _np()
    dt = x.dtype
    info = np.finfo(dt)  # (ml_dtypes' finfo for bfloat16)
    nmant, bias = int(info.nmant), int(info.maxexp) - 1
    idt = onp.dtype(f"int{dt.itemsize * 8}")
    sub = (np.abs(x) < info.tiny) & (x != 0)
    bits = bitcast_convert_type(np.where(sub, x * float(2 ** (nmant + 1)), x), idt)
    field = (bits >> nmant) & ((1 << (dt.itemsize * 8 - 1 - nmant)) - 1)
    e = field.astype(onp.int32) - (bias - 1) - np.where(sub, nmant + 1, 0).astype(onp.int32)
    # (the mantissa keeps its sign and fraction bits, with the exponent of [0.5, 1))
    keep = ~(((1 << (dt.itemsize * 8 - 1 - nmant)) - 1) << nmant)
    m = bitcast_convert_type((bits & onp.array(keep).astype(idt)) | ((bias - 1) << nmant), dt)
    regular = np.isfinite(x) & (x != 0)
    return np.where(regular, m, x), np.where(regular, e, 0).astype(onp.int32)


# --- products ----------------------------------------------------------------------------


@takes_out("unsafe")
def outer(a, b, out=None):
    """numpy.outer."""
    # (the engine's reshape, ndarray.reshape's own for a shape it reads, to a column and a row)
    return _core.reshape(_arr(a), (-1, 1)) * _core.reshape(_arr(b), (1, -1))


def inner(a, b):
    """numpy.inner: a sum product over the last axes."""
    a, b = _arr(a), _arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return tensordot(a, b, axes=([-1], [-1]))


def vdot(a, b):
    """numpy.vdot: the flattened dot product, conjugating a."""
    np = _np()
    a, b = _arr(a).reshape(-1), _arr(b).reshape(-1)
    if a.shape != b.shape:
        raise ValueError("vdot: cannot compute the product of arrays of different sizes")
    return np.sum(np.conj(a) * b) if a.dtype.kind == "c" else np.dot(a, b)


def tensordot(a, b, axes=2):
    """numpy.tensordot."""
    np = _np()
    a, b = _arr(a), _arr(b)
    if isinstance(axes, int):
        if axes < 0:
            raise ValueError("tensordot: axes must be non-negative")
        if axes > min(a.ndim, b.ndim):  # (NumPy's IndexError; AxisError is one)
            raise onp.exceptions.AxisError(
                f"tensordot: axes={axes} is more than the dimensions of the arrays "
                f"({a.ndim} and {b.ndim})"
            )
        ax_a = list(range(a.ndim - axes, a.ndim))
        ax_b = list(range(axes))
    else:
        ax_a, ax_b = axes
        ax_a = [ax_a] if isinstance(ax_a, int) else list(ax_a)
        ax_b = [ax_b] if isinstance(ax_b, int) else list(ax_b)
    if len(ax_a) != len(ax_b):
        raise ValueError("shape-mismatch for sum")
    for axs, x in ((ax_a, a), (ax_b, b)):
        for ax in axs:
            if not -x.ndim <= ax < x.ndim:  # (NumPy's IndexError; AxisError is one)
                raise onp.exceptions.AxisError(
                    f"tensordot: axis {ax} is out of bounds for array of dimension {x.ndim}"
                )
    ax_a = [x % a.ndim for x in ax_a]
    ax_b = [x % b.ndim for x in ax_b]
    for i, j in zip(ax_a, ax_b):
        if a.shape[i] != b.shape[j]:
            raise ValueError("shape-mismatch for sum")
    dt = np.result_type(a, b)
    return lax.dot_general(a.astype(dt), b.astype(dt), ((ax_a, ax_b), ((), ())))


def kron(a, b):
    """numpy.kron."""
    a, b = _arr(a), _arr(b)
    nd = max(a.ndim, b.ndim)
    a = a.reshape((1,) * (nd - a.ndim) + a.shape)
    b = b.reshape((1,) * (nd - b.ndim) + b.shape)
    shape_a = [s for d in a.shape for s in (d, 1)]
    shape_b = [s for d in b.shape for s in (1, d)]
    r = a.reshape(shape_a) * b.reshape(shape_b)
    return r.reshape(tuple(x * y for x, y in zip(a.shape, b.shape)))


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """numpy.cross (vectors of 2 or 3 components)."""
    np = _np()
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _arr(a), _arr(b)
    if a.ndim < 1 or b.ndim < 1:
        raise ValueError("cross: At least one array has zero dimension")
    norm = onp.lib.array_utils.normalize_axis_index
    a = np.moveaxis(a, norm(axisa, a.ndim, msg_prefix="axisa"), -1)
    b = np.moveaxis(b, norm(axisb, b.ndim, msg_prefix="axisb"), -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    if a.shape[-1] == 2 or b.shape[-1] == 2:
        import warnings

        warnings.warn(
            "Arrays of 2-dimensional vectors are deprecated. Use arrays of 3-dimensional "
            "vectors instead. (deprecated in NumPy 2.0)",
            DeprecationWarning,
            stacklevel=3,
        )
    if a.shape[-1] == 3 or b.shape[-1] == 3:
        nd = len(np.broadcast_shapes(a.shape[:-1], b.shape[:-1])) + 1
        axisc = norm(axisc, nd, msg_prefix="axisc")
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    a0, a1 = a[..., 0], a[..., 1]
    a2 = a[..., 2] if a.shape[-1] == 3 else np.zeros_like(a0)
    b0, b1 = b[..., 0], b[..., 1]
    b2 = b[..., 2] if b.shape[-1] == 3 else np.zeros_like(b0)
    c = np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    return np.moveaxis(c, -1, axisc)


_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


@takes_out("safe")
def einsum(*operands, optimize="greedy", out=None, dtype=None, order="K", casting="safe"):
    """numpy.einsum (subscripts string, or NumPy's operand/sublist form): the contraction order
    comes from numpy.einsum_path (optimize=True/greedy/optimal), and each pairwise contraction
    is one dot_general. A label of size 1 in one operand broadcasts against the others, as in
    NumPy."""
    np = _np()
    if not operands:
        raise ValueError("einsum: No input operands")
    subscripts, *operands = operands
    if not isinstance(subscripts, str):
        subscripts, operands = einsum_sublists(subscripts, *operands)
    if order not in ("K", "A", "C", "F", "k", "a", "c", "f"):
        raise ValueError(f"einsum: order must be one of 'C', 'F', 'A' or 'K', got {order!r}")
    if casting not in _CASTINGS:
        raise ValueError(f"einsum: casting must be one of {_CASTINGS}, got {casting!r}")
    ops = [_arr(o) for o in operands]
    dt = np.result_type(*ops) if dtype is None else onp.dtype(dtype)
    for o in ops:
        if not _core.can_cast(o.dtype, dt, casting):
            raise TypeError(
                f"einsum: Cannot cast array data from {o.dtype!r} to {dt!r} according to the "
                f"rule {casting!r}"
            )
    ops = [o.astype(dt) for o in ops]
    shapes = [onp.empty(o.shape, bool) for o in ops]
    path, _ = onp.einsum_path(subscripts, *shapes, optimize=optimize if optimize else False)
    # Normalize subscripts: explicit output, ellipsis expanded.
    inputs, output = _parse_einsum(subscripts, [o.shape for o in ops])
    ops = _broadcast_labels(ops, inputs)
    terms = list(zip(ops, inputs))
    for step in path[1:]:
        picked = sorted(step, reverse=True)
        group = [terms.pop(i) for i in picked]
        rest = "".join(s for _, s in terms) + output
        keep = set(rest)
        terms.append(_contract(group, keep))
    ((result, subs),) = terms if len(terms) == 1 else [_contract(terms, set(output))]
    # Sum any index not in the output, then order as the output.
    extra = [i for i, c in enumerate(subs) if c not in output]
    if extra:
        result = np.sum(result, axis=tuple(extra), dtype=result.dtype)
        subs = "".join(c for c in subs if c in output)
    result = np.transpose(result, [subs.index(c) for c in output]) if subs != output else result
    return result.astype(dt, copy=False)


def _broadcast_labels(ops, inputs):
    """The operands with each size-1 dimension broadcast to its label's size elsewhere (NumPy
    broadcasts them; dot_general needs equal sizes)."""
    np = _np()
    sizes = {}
    for o, sub in zip(ops, inputs):
        for c, n in zip(sub, o.shape):
            if n != 1:
                sizes[c] = n
    return [
        np.broadcast_to(o, tuple(sizes.get(c, 1) for c in sub))
        if any(n == 1 and sizes.get(c, 1) != 1 for c, n in zip(sub, o.shape))
        else o
        for o, sub in zip(ops, inputs)
    ]


def _sublist_letters(fname, sub):
    chars = []
    for k in sub:
        if k is Ellipsis:
            chars.append("...")
            continue
        k = operator.index(k)
        if not 0 <= k < 52:
            raise ValueError(f"{fname}: subscript is not within the valid range [0, 52), got {k}")
        chars.append(chr(ord("A") + k) if k < 26 else chr(ord("a") + k - 26))
    return "".join(chars)


def einsum_sublists(*args, fname="einsum"):
    """NumPy's second einsum form, einsum(op0, sublist0, op1, sublist1, ..., [sublistout]) with
    each sublist of ints in [0, 52) and Ellipsis, as the subscripts string and the operands
    (0-25 are 'A'-'Z' and 26-51 'a'-'z', as NumPy)."""
    ops, subs = list(args[0::2]), list(args[1::2])
    out = None
    if len(ops) > len(subs):  # an odd count: the last item is the output sublist
        out = ops.pop()
    try:
        inputs = [_sublist_letters(fname, s) for s in subs]
        result = "" if out is None else "->" + _sublist_letters(fname, out)
    except TypeError:
        raise TypeError(
            f"{fname}: subscripts must be a string, or operands each followed by a list of ints "
            "and Ellipsis"
        ) from None
    return ",".join(inputs) + result, ops


def _parse_einsum(subscripts, shapes):
    s = subscripts.replace(" ", "")
    if "->" in s:
        lhs, out = s.split("->")
    else:
        lhs, out = s, None
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(
            "einsum: more operands than subscripts"
            if len(shapes) > len(ins)
            else "einsum: fewer operands provided than subscripts"
        )
    letters = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in s]
    max_ell = 0
    for term, shape in zip(ins, shapes):
        if "..." in term:
            max_ell = max(max_ell, len(shape) - (len(term) - 3))
    ell = "".join(letters[:max_ell])
    fixed = []
    for term, shape in zip(ins, shapes):
        if "..." in term:
            n = len(shape) - (len(term) - 3)
            term = term.replace("...", ell[max_ell - n :])
        if len(term) != len(shape):
            raise ValueError(
                f"einsum: operand has {len(shape)} dimensions but the subscripts '{term}' name "
                f"{len(term)}"
            )
        fixed.append(term)
    if out is None:
        counts = {}
        for t in fixed:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return fixed, out


def _contract(group, keep):
    """Contracts the (array, subscripts) terms of group into one, keeping indices in keep."""
    np = _np()
    # Diagonals (a repeated index within one term) and indices only in one term and not kept
    # are reduced first.
    prepared = []
    all_subs = "".join(s for _, s in group)
    for a, s in group:
        while len(set(s)) != len(s):
            c = next(c for c in s if s.count(c) > 1)
            i, j = s.index(c), s.index(c, s.index(c) + 1)
            a = np.diagonal(a, axis1=i, axis2=j)
            s = s[:i] + s[i + 1 : j] + s[j + 1 :] + c
        lonely = [i for i, c in enumerate(s) if all_subs.count(c) == 1 and c not in keep]
        if lonely:
            a = np.sum(a, axis=tuple(lonely), dtype=a.dtype)
            s = "".join(c for i, c in enumerate(s) if i not in lonely)
        prepared.append((a, s))
    a, sa = prepared[0]
    for k in range(1, len(prepared)):
        b, sb = prepared[k]
        later = "".join(s for _, s in prepared[k + 1 :])
        shared = [c for c in sa if c in sb]
        batch = [c for c in shared if c in keep or c in later]
        contract = [c for c in shared if c not in batch]
        dn = (
            ([sa.index(c) for c in contract], [sb.index(c) for c in contract]),
            ([sa.index(c) for c in batch], [sb.index(c) for c in batch]),
        )
        a = lax.dot_general(a, b, dn)
        free_a = [c for c in sa if c not in shared]
        free_b = [c for c in sb if c not in shared]
        sa = "".join(batch + free_a + free_b)
    return a, sa


# --- differences and integrals -------------------------------------------------------------


def diff(a, n=1, axis=-1, prepend=None, append=None):
    """numpy.diff."""
    np = _np()
    if n == 0:
        return a  # NumPy returns the input itself, unconverted
    if n < 0:
        raise ValueError(f"diff: order must be non-negative but got {n}")
    a = _arr(a)
    if a.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = onp.lib.array_utils.normalize_axis_index(axis, a.ndim)  # AxisError
    parts = []
    if prepend is not None:
        p = _arr(prepend)
        if p.ndim == 0:
            shape = list(a.shape)
            shape[axis] = 1
            p = np.broadcast_to(p, tuple(shape))
        parts.append(p)
    parts.append(a)
    if append is not None:
        p = _arr(append)
        if p.ndim == 0:
            shape = list(a.shape)
            shape[axis] = 1
            p = np.broadcast_to(p, tuple(shape))
        parts.append(p)
    if len(parts) > 1:
        a = np.concatenate(parts, axis=axis)
    for _ in range(min(n, a.shape[axis] + 1)):  # (past that the result stays empty)
        hi = [slice(None)] * a.ndim
        lo = [slice(None)] * a.ndim
        hi[axis], lo[axis] = slice(1, None), slice(None, -1)
        a = (
            np.not_equal(a[tuple(hi)], a[tuple(lo)])
            if a.dtype == onp.bool_
            else a[tuple(hi)] - a[tuple(lo)]
        )
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """numpy.ediff1d."""
    np = _np()
    a = _arr(ary).reshape(-1)
    d = a[1:] - a[:-1]
    ends = {}
    for name, v in (("to_begin", to_begin), ("to_end", to_end)):
        if v is not None:
            v = _arr(v).reshape(-1)
            if not _core.can_cast(v.dtype, a.dtype, "same_kind"):  # (NaN into an int array)
                raise TypeError(
                    f"dtype of `{name}` must be compatible with input `ary` under the "
                    "`same_kind` rule."
                )
            ends[name] = v.astype(d.dtype)
    parts = [ends["to_begin"]] if "to_begin" in ends else []
    parts.append(d)
    if "to_end" in ends:
        parts.append(ends["to_end"])
    return np.concatenate(parts) if len(parts) > 1 else d


@takes_out("unsafe")
def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False):
    """numpy.cumulative_sum (NumPy 2)."""
    np = _np()
    x = _arr(x)
    if axis is None:
        if x.ndim > 1:
            raise ValueError("axis must be specified for arrays of more than one dimension")
        axis = 0
    r = np.cumsum(x, axis=axis, dtype=dtype)
    if include_initial:
        shape = list(r.shape)
        shape[axis % max(r.ndim, 1)] = 1
        r = np.concatenate([np.zeros(tuple(shape), r.dtype), r], axis=axis)
    return r


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """numpy.trapezoid."""
    np = _np()
    y = _arr(y)
    x_axis = axis  # (an N-d x takes the axis as given: -2 counts from x's own end)
    axis = axis % y.ndim
    hi = [slice(None)] * y.ndim
    lo = [slice(None)] * y.ndim
    hi[axis], lo[axis] = slice(1, None), slice(None, -1)
    if x is None:
        d = dx
    else:
        x = _arr(x)
        if x.ndim == 1:
            d = diff(x)
            shape = [1] * y.ndim
            shape[axis] = d.shape[0]
            d = d.reshape(shape)
        else:
            d = diff(x, axis=x_axis)
    return np.sum(d * (y[tuple(hi)] + y[tuple(lo)]) / 2.0, axis=axis)


def gradient(f, *varargs, axis=None, edge_order=1):
    """numpy.gradient (uniform or coordinate spacing, edge_order 1 or 2)."""
    np = _np()
    f = _arr(f)
    if not is_inexact(f.dtype):
        f = f.astype(onp.float64)
    axes = list(
        range(f.ndim)
        if axis is None
        else onp.lib.array_utils.normalize_axis_tuple(axis, f.ndim)  # AxisError, repeated axis
    )
    if len(varargs) == 0:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1 and onp.ndim(varargs[0]) == 0:
        spacing = [varargs[0]] * len(axes)
    else:
        if len(varargs) != len(axes):
            raise TypeError("invalid number of arguments")
        spacing = list(varargs)
        for ax, h in zip(axes, spacing):
            if onp.ndim(h) == 0:
                continue
            if onp.ndim(h) != 1:
                raise ValueError("gradient: distances must be either scalars or 1d")
            if len(h) != f.shape[ax]:
                raise ValueError(
                    "gradient: when 1d, distances must match the length of the corresponding "
                    "dimension"
                )
    outs = []
    for ax, h in zip(axes, spacing):
        n = f.shape[ax]
        if n < edge_order + 1:
            raise ValueError(
                "Shape of array too small to calculate a numerical gradient, at least "
                "(edge_order + 1) elements are required."
            )

        def sl(a, b, ax=ax):
            s = [slice(None)] * f.ndim
            s[ax] = slice(a, b)
            return f[tuple(s)]

        dx = None
        if onp.ndim(h) == 1:
            # Coordinates (traced ones too): NumPy's coefficients, in the coordinates' dtype
            # (float64 for integers), so the sums take the dtype NumPy's do before the store.
            xs = _arr(h)
            if not is_inexact(xs.dtype):
                xs = xs.astype(onp.float64)
            dx = np.diff(xs)
            if not dx._is_tracer and bool(np.all(dx == dx[0])):
                h, dx = dx[0], None  # (evenly spaced: NumPy's uniform formulas, as NumPy)
        if dx is None:
            h = h if isinstance(h, _core.ndarray) else float(h)
            interior = (sl(2, None) - sl(None, -2)) / (2 * h)
            if edge_order == 1:
                first = (sl(1, 2) - sl(0, 1)) / h
                last = (sl(-1, None) - sl(-2, -1)) / h
            else:
                first = (-1.5 * sl(0, 1) + 2 * sl(1, 2) - 0.5 * sl(2, 3)) / h
                last = (0.5 * sl(-3, -2) - 2 * sl(-2, -1) + 1.5 * sl(-1, None)) / h
        else:
            shape = [1] * f.ndim
            shape[ax] = n - 2
            h1, h2 = dx[:-1].reshape(shape), dx[1:].reshape(shape)
            interior = (
                -h2 / (h1 * (h1 + h2)) * sl(None, -2)
                + (h2 - h1) / (h1 * h2) * sl(1, -1)
                + h1 / (h2 * (h1 + h2)) * sl(2, None)
            )
            if edge_order == 1:
                first = (sl(1, 2) - sl(0, 1)) / dx[0]
                last = (sl(-1, None) - sl(-2, -1)) / dx[-1]
            else:
                a1, a2 = dx[0], dx[1]
                first = (
                    -(2.0 * a1 + a2) / (a1 * (a1 + a2)) * sl(0, 1)
                    + (a1 + a2) / (a1 * a2) * sl(1, 2)
                    - a1 / (a2 * (a1 + a2)) * sl(2, 3)
                )
                b1, b2 = dx[-2], dx[-1]
                last = (
                    b2 / (b1 * (b1 + b2)) * sl(-3, -2)
                    - (b2 + b1) / (b1 * b2) * sl(-2, -1)
                    + (2.0 * b2 + b1) / (b2 * (b1 + b2)) * sl(-1, None)
                )
        outs.append(np.concatenate([first, interior, last], axis=ax).astype(f.dtype))
    return outs[0] if len(outs) == 1 else tuple(outs)


def interp(x, xp, fp, left=None, right=None, period=None):
    """numpy.interp (xp increasing). Like NumPy, it computes in float64 (complex128 for complex
    fp), and interpolates the real and imaginary parts of complex fp separately. As JAX's,
    left/right may be "extrapolate" (the end segments' lines continued)."""
    np = _np()
    x, xp, fp = _arr(x), _arr(xp), _arr(fp)
    for a in (x, xp):  # (NumPy's safe cast of x and xp to float64)
        if a.dtype.kind == "c":
            raise TypeError(
                f"interp: Cannot cast array data from {a.dtype!r} to dtype('float64') according "
                "to the rule 'safe'"
            )
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("interp: data points must be 1-D sequences")
    if xp.shape[0] != fp.shape[0]:
        raise ValueError("interp: fp and xp are not of the same length")
    if xp.shape[0] == 0:
        raise ValueError("interp: array of sample points is empty")
    if period is not None and period == 0:
        raise ValueError("interp: period must be a non-zero value")
    # JAX's left/right="extrapolate": the first/last segment's line beyond the sample points
    for side, value in (("left", left), ("right", right)):
        if isinstance(value, str) and value != "extrapolate":
            raise ValueError(
                f"interp: the only valid string value of `{side}` is 'extrapolate', but got: "
                f"{value!r}"
            )
    if fp.dtype.kind == "c":
        parts = []
        for part in (np.real, np.imag):
            lp = left if left is None or isinstance(left, str) else part(_arr(left))
            rp = right if right is None or isinstance(right, str) else part(_arr(right))
            parts.append(interp(x, xp, part(fp), lp, rp, period))
        return complex_from_parts(*parts)
    dt = onp.float64
    x, xp, fp = x.astype(dt), xp.astype(dt), fp.astype(dt)
    if period is not None:
        period = abs(period)
        x = x % period
        order = argsort_(xp % period)
        xp = (xp % period)[order]
        fp = fp[order]
        xp = np.concatenate([xp[-1:] - period, xp, xp[:1] + period])
        fp = np.concatenate([fp[-1:], fp, fp[:1]])
    n = xp.shape[0]
    i = np.clip(np.searchsorted(xp, x, side="right"), 1, max(n - 1, 1))
    x0, x1 = xp[i - 1], xp[i] if n > 1 else xp[i - 1]
    f0, f1 = fp[i - 1], fp[i] if n > 1 else fp[i - 1]
    # NumPy's formula and its fallbacks for infinite sample points: from the right end when
    # the left one gives NaN, and the common value where both ends are equal.
    slope = (f1 - f0) / np.where(x1 == x0, 1, x1 - x0)
    r = slope * (x - x0) + f0
    r = np.where(np.isnan(r), slope * (x - x1) + f1, r)
    r = np.where(np.isnan(r) & (f0 == f1), f0, r)
    r = np.where(x == x0, f0, r)
    r = np.where(x == xp[n - 1], fp[n - 1], r)
    lv = fp[0] if left is None else left
    rv = fp[n - 1] if right is None else right
    if not isinstance(left, str):
        r = np.where(x < xp[0], lv, r)
    if not isinstance(right, str):
        r = np.where(x > xp[n - 1], rv, r)
    return r.astype(dt)


def argsort_(a):
    return _np().argsort(a)


def unwrap(p, discont=None, axis=-1, *, period=2 * onp.pi):
    """numpy.unwrap (integer arrays with an integer period stay integers, as NumPy)."""
    np = _np()
    p = _arr(p)
    dd = diff(p, axis=axis)  # (NumPy's ValueError for a 0-d p)
    axis = axis % p.ndim
    if discont is None:
        discont = period / 2
    dt = np.result_type(dd, period)
    if dt.kind in "iu":
        high, rem = divmod(period, 2)
        ambiguous = rem == 0
    else:
        high, ambiguous = period / 2, True
    low = -high
    ddmod = np.mod(dd - low, period) + low
    if ambiguous:  # |dd| == period/2 keeps dd's sign
        ddmod = np.where((ddmod == low) & (dd > 0), high, ddmod)
    ph = ddmod - dd
    ph = np.where(np.abs(dd) < discont, 0, ph).astype(dt)
    first = [slice(None)] * p.ndim
    first[axis] = slice(0, 1)
    rest = [slice(None)] * p.ndim
    rest[axis] = slice(1, None)
    p = p.astype(dt)
    # (NumPy writes the sums into an array of dtype dt: a small integer cumsum's int64 wraps)
    unwrapped = (p[tuple(rest)] + np.cumsum(ph, axis=axis)).astype(dt)
    return np.concatenate([p[tuple(first)], unwrapped], axis=axis)


# --- integer math, special functions, polynomials ---------------------------------------------


@composed_ufunc(2)
def gcd(x1, x2):
    """numpy.gcd (Euclid's algorithm on whole arrays, as a while_loop)."""
    from arrax import lax as alax

    np = _np()
    dt = np.result_type(x1, x2)  # (before broadcasting: a Python int stays weak)
    for x in (x1, x2):
        if isinstance(x, int) and onp.dtype(dt).kind in "iu":
            onp.array(x, dtype=dt)  # NumPy's OverflowError for a Python int out of range
    a, b = np.broadcast_arrays(_arr(x1), _arr(x2))
    if onp.dtype(dt).kind not in "iub":
        raise TypeError("ufunc 'gcd' not supported for the input types")
    # |x| in the unsigned type of the same width, as NumPy's: abs wraps a signed minimum to
    # itself, whose unsigned view is 2**(n-1) (gcd(int8(6), int8(-128)) is 2, not -2)
    ut = onp.dtype(f"u{onp.dtype(dt).itemsize}") if onp.dtype(dt).kind == "i" else dt
    a, b = np.abs(a.astype(dt)).astype(ut), np.abs(b.astype(dt)).astype(ut)

    def body(c):
        u, v = c
        nz = v != 0
        return np.where(nz, v, u), np.where(nz, u % np.where(nz, v, 1), 0)

    return alax.while_loop(lambda c: np.any(c[1] != 0), body, (a, b))[0].astype(dt)


@composed_ufunc(2)
def lcm(x1, x2):
    """numpy.lcm: as NumPy's, |x1| // gcd * |x2| in the unsigned type of the same width (so
    the product wraps, e.g. lcm(int8(11), int8(17)) == -69), cast back to the result type."""
    np = _np()
    dt = onp.dtype(np.result_type(x1, x2))  # (before broadcasting: a Python int stays weak)
    if dt.kind not in "iu":
        raise TypeError("ufunc 'lcm' not supported for the input types")
    for x in (x1, x2):
        if isinstance(x, int) and not isinstance(x, bool):
            onp.array(x, dtype=dt)  # NumPy's OverflowError for a Python int out of range
    a, b = np.broadcast_arrays(_arr(x1), _arr(x2))
    ut = onp.dtype(f"u{dt.itemsize}")
    # |x| in the unsigned type: abs wraps the minimum to itself, whose unsigned view is 2**(n-1)
    a, b = np.abs(a.astype(dt)).astype(ut), np.abs(b.astype(dt)).astype(ut)
    g = gcd(a, b)
    nz = g != 0
    return np.where(nz, a // np.where(nz, g, 1) * b, 0).astype(dt)


def i0(x):
    """numpy.i0, the modified Bessel function of order 0 (power series, exact to float64 for
    |x| up to ~700 through exponential scaling of the terms)."""
    np = _np()
    x = _arr(x)
    if x.dtype.kind == "c":
        raise TypeError("i0 not supported for complex values")
    x = x.astype(_float_dtype(x))
    ax = np.abs(x)
    q = ax * ax / 4
    term = np.ones_like(ax)
    total = np.ones_like(ax)
    for k in range(1, 500):
        term = term * q / (k * k)
        total = total + term
        if k > 40 and not x._is_tracer and bool(np.all(term <= total * 1e-17)):
            break
    return total


def trim_zeros(filt, trim="fb", axis=None):
    """numpy.trim_zeros (needs concrete values: the result's length depends on them)."""
    if isinstance(filt, _core.ndarray) and filt._is_tracer:
        raise TypeError("trim_zeros: the result's shape depends on the values")
    if isinstance(filt, list) and axis is None:  # NumPy slices the list itself: a list
        return onp.trim_zeros(filt, trim)
    return _core.asarray(onp.trim_zeros(onp.asarray(filt), trim, axis=axis), None, None)


def astype(x, dtype, /, *, copy=True, device=None):
    """numpy.astype (Array API)."""
    if isinstance(x, (list, tuple)):  # (NumPy's and jax.numpy's: an array, not a sequence)
        raise TypeError(
            f"astype: Input should be a NumPy array or scalar. It is a {type(x)} instead."
        )
    return _arr(x).astype(dtype, copy=copy) if copy is not True else _arr(x).astype(dtype)


# The Array API's unique_* count every NaN as its own value (NumPy's equal_nan=False). Their
# named results are made once (a namedtuple class per call is slow and unpicklable).
UniqueCountsResult = namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = namedtuple("UniqueInverseResult", ["values", "inverse_indices"])
UniqueAllResult = namedtuple("UniqueAllResult", ["values", "indices", "inverse_indices", "counts"])


def unique_values(x, /, *, size=None, fill_value=None):
    """numpy.unique_values (Array API); jax.numpy's size=/fill_value= fix the result's size."""
    from arrax.numpy._indexing import unique

    return unique(_arr(x).reshape(-1), size=size, fill_value=fill_value, equal_nan=False)


def unique_counts(x, /, *, size=None, fill_value=None):
    """numpy.unique_counts (Array API); jax.numpy's size=/fill_value= fix the result's size."""
    from arrax.numpy._indexing import unique

    v, c = unique(
        _arr(x).reshape(-1), return_counts=True, size=size, fill_value=fill_value, equal_nan=False
    )
    return UniqueCountsResult(v, c)


def unique_inverse(x, /, *, size=None, fill_value=None):
    """numpy.unique_inverse (Array API); jax.numpy's size=/fill_value= fix the result's size."""
    from arrax.numpy._indexing import unique

    x = _arr(x)
    v, inv = unique(
        x.reshape(-1), return_inverse=True, size=size, fill_value=fill_value, equal_nan=False
    )
    return UniqueInverseResult(v, inv.reshape(x.shape))


def unique_all(x, /, *, size=None, fill_value=None):
    """numpy.unique_all (Array API); jax.numpy's size=/fill_value= fix the result's size."""
    from arrax.numpy._indexing import unique

    x = _arr(x)
    v, idx, inv, c = unique(
        x.reshape(-1), True, True, True, size=size, fill_value=fill_value, equal_nan=False
    )
    return UniqueAllResult(v, idx, inv.reshape(x.shape), c)
