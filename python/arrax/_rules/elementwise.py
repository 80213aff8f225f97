"""Rules of the elementwise primitives (cpp/primitives/{unary,binary}_*.cpp, predicates,
compare_*, select, convert_element_type, copy, erf_inv). All batch the same way: batched
operands move their batch axis to the front, unbatched ones are broadcast to it."""

import math

import numpy as onp

from arrax import _core
from arrax import numpy as np
from arrax._rules.common import (
    add_tangents,
    batch_elementwise,
    instantiate,
    linear_jvp,
    nondiff_jvp,
)
from arrax._rules.registry import defrules, is_undefined
from arrax._trace_core import is_inexact
from arrax.lax import _ops as lax


def _unary(name, deriv):
    """d out = t * deriv(x, out)."""

    def jvp(primals, tangents, params):
        (x,), (t,) = primals, tangents
        ans = lax.bind1(name, x)
        if t is None:
            return [ans], [None]
        return [ans], [np.multiply(t, deriv(x, ans))]

    defrules(name, jvp=jvp, batch=batch_elementwise(name))


def _binary(name, dx, dy):
    """d out = tx * dx(x, y, out) + ty * dy(x, y, out); dx or dy None for no dependence."""

    def jvp(primals, tangents, params):
        (x, y), (tx, ty) = primals, tangents
        ans = lax.bind1(name, x, y)
        out = None
        if tx is not None and dx is not None:
            out = np.multiply(tx, dx(x, y, ans))
        if ty is not None and dy is not None:
            out = add_tangents(out, np.multiply(ty, dy(x, y, ans)))
        return [ans], [out]

    defrules(name, jvp=jvp, batch=batch_elementwise(name))


def _nondiff(name):
    defrules(name, jvp=nondiff_jvp(name), batch=batch_elementwise(name))


for _n in (
    "sign floor ceil trunc round not is_nan is_inf is_finite signbit nextafter floor_div eq ne "
    "lt le gt ge and or xor shift_left shift_right"
).split():
    _nondiff(_n)

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_unary("sqrt", lambda x, a: np.divide(0.5, a))
_unary("cbrt", lambda x, a: np.divide(1.0 / 3.0, np.multiply(a, a)))
_unary("exp", lambda x, a: a)
_unary("exp2", lambda x, a: np.multiply(a, _LN2))
_unary("expm1", lambda x, a: np.add(a, 1))
_unary("log", lambda x, a: np.reciprocal(x))
_unary("log2", lambda x, a: np.reciprocal(np.multiply(x, _LN2)))
_unary("log10", lambda x, a: np.reciprocal(np.multiply(x, _LN10)))
_unary("log1p", lambda x, a: np.reciprocal(np.add(x, 1)))
_unary("sin", lambda x, a: np.cos(x))
_unary("cos", lambda x, a: np.negative(np.sin(x)))
_unary("tan", lambda x, a: np.add(1, np.multiply(a, a)))
_unary("asin", lambda x, a: np.reciprocal(np.sqrt(np.subtract(1, np.multiply(x, x)))))
_unary("acos", lambda x, a: np.negative(np.reciprocal(np.sqrt(np.subtract(1, np.multiply(x, x))))))
_unary("atan", lambda x, a: np.reciprocal(np.add(1, np.multiply(x, x))))
_unary("sinh", lambda x, a: np.cosh(x))
_unary("cosh", lambda x, a: np.sinh(x))
_unary("tanh", lambda x, a: np.subtract(1, np.multiply(a, a)))
_unary("asinh", lambda x, a: np.reciprocal(np.sqrt(np.add(np.multiply(x, x), 1))))
_unary("acosh", lambda x, a: np.reciprocal(np.sqrt(np.subtract(np.multiply(x, x), 1))))
_unary("atanh", lambda x, a: np.reciprocal(np.subtract(1, np.multiply(x, x))))
_unary("reciprocal", lambda x, a: np.negative(np.multiply(a, a)))
_unary("erf_inv", lambda x, a: np.multiply(math.sqrt(math.pi) / 2, np.exp(np.multiply(a, a))))


def _abs_jvp(primals, tangents, params):
    (x,), (t,) = primals, tangents
    ans = lax.bind1("abs", x)
    if t is None:
        return [ans], [None]
    if x.dtype.kind == "c":  # d|z| = Re(conj(z) dz) / |z|
        safe = np.where(np.equal(ans, 0), 1, ans)
        return [ans], [np.divide(np.real(np.multiply(np.conj(x), t)), safe)]
    # JAX's rule, select(x >= 0, t, -t): the derivative at 0 is 1 (not sign(0) = 0), so a
    # descent on |x| (L1 penalties, norm(x, 1)) moves off zero as it does in JAX.
    return [ans], [np.where(np.greater_equal(x, 0), t, np.negative(t))]


defrules("abs", jvp=_abs_jvp, batch=batch_elementwise("abs"))

# Binary arithmetic.
_binary("rem", lambda x, y, a: 1.0, lambda x, y, a: np.negative(np.floor_divide(x, y)))
_binary("fmod", lambda x, y, a: 1.0, lambda x, y, a: np.negative(np.trunc(np.divide(x, y))))


def _pow_dx(x, y, a):
    # y * x ** (y - 1), with 0 ** 0 = 1 so that d(x ** 1) = 1 at x = 0; 0 where y == 0 (JAX's
    # rule for integer y, which x ** 2 is in JAX: integer_pow), not 0 * x ** -1, NaN at x = 0,
    # so that no derivative of x ** 1 is NaN there. The y == 0 items take y = 1 inside the
    # select, so that differentiating it again makes no 0 * inf either. Checked on the host
    # for a concrete y.
    if not y._is_tracer:
        zero = np.equal(y, 0)
        if not np.any(zero):
            return np.multiply(y, lax.bind1("pow", x, np.subtract(y, 1).astype(x.dtype)))
        if np.all(zero):
            return np.multiply(y, np.zeros_like(x))
    zero = np.equal(y, 0)
    ys = np.where(zero, np.ones((), y.dtype), y)
    d = np.multiply(ys, lax.bind1("pow", x, np.subtract(ys, 1).astype(x.dtype)))
    return np.where(zero, np.zeros((), d.dtype), d)


def _pow_dy(x, y, a):
    zero = np.equal(x, 0)
    return np.where(zero, 0, np.multiply(np.log(np.where(zero, 1, x)), a)).astype(x.dtype)


_binary("pow", _pow_dx, _pow_dy)


def _pick(cmp):
    # Where the operands tie, the tangent is split evenly (as JAX does). The weights are made in
    # the operands' dtype: Python floats would make the selects float64.
    def weight(win, x, y):
        one, half, zero = (np.asarray(v, dtype=x.dtype) for v in (1.0, 0.5, 0.0))
        return np.where(win, one, np.where(np.equal(x, y), half, zero))

    def dx(x, y, a):
        return weight(cmp(x, y), x, y)

    def dy(x, y, a):
        return weight(cmp(y, x), x, y)

    return dx, dy


_binary("max", *_pick(np.greater))
_binary("min", *_pick(np.less))
_binary("fmax", *_pick(np.greater))
_binary("fmin", *_pick(np.less))


def _atan2_denominator(x, y):
    return np.add(np.multiply(x, x), np.multiply(y, y))


_binary(
    "atan2",
    lambda x, y, a: np.divide(y, _atan2_denominator(x, y)),
    lambda x, y, a: np.negative(np.divide(x, _atan2_denominator(x, y))),
)
_binary("hypot", lambda x, y, a: np.divide(x, a), lambda x, y, a: np.divide(y, a))
_binary(
    "copysign",
    lambda x, y, a: np.multiply(np.copysign(1.0, x), np.copysign(1.0, y)).astype(x.dtype),
    None,
)


def _replace_posinf(x):
    """x with +inf (of the real part) replaced by 0, as JAX's logaddexp rule: exp(x - out) is then
    exp(0 - 0) = 1 where x = out = +inf, not exp(inf - inf) = nan (grad(softplus)(inf) is 1)."""
    re = np.real(x) if x.dtype.kind == "c" else x
    return np.where(np.equal(re, np.inf), np.zeros_like(x), x)


_binary(
    "logaddexp",
    lambda x, y, a: np.exp(np.subtract(_replace_posinf(x), _replace_posinf(a))),
    lambda x, y, a: np.exp(np.subtract(_replace_posinf(y), _replace_posinf(a))),
)
_binary(
    "logaddexp2",
    lambda x, y, a: np.exp2(np.subtract(_replace_posinf(x), _replace_posinf(a))),
    lambda x, y, a: np.exp2(np.subtract(_replace_posinf(y), _replace_posinf(a))),
)


# Linear primitives.
def _add_transpose(cts, args, params):
    (ct,) = cts
    return [ct if is_undefined(a) else None for a in args]


def _sub_transpose(cts, args, params):
    (ct,) = cts
    x, y = args
    neg = None if ct is None else lax.bind1("neg", ct)
    return [ct if is_undefined(x) else None, neg if is_undefined(y) else None]


def _mul_transpose(cts, args, params):
    (ct,) = cts
    x, y = args
    if ct is None:
        return [None, None]
    if is_undefined(x) and is_undefined(y):
        raise TypeError("mul: both operands are linear, so the product is not linear")
    if is_undefined(x):
        return [lax.bind1("mul", ct, y), None]
    return [None, lax.bind1("mul", x, ct)]


def _div_transpose(cts, args, params):
    (ct,) = cts
    x, y = args
    if is_undefined(y):
        raise TypeError("div: the divisor is linear, so the quotient is not linear")
    return [None if ct is None else lax.bind1("div", ct, y), None]


def _mul_jvp(primals, tangents, params):
    (x, y), (tx, ty) = primals, tangents
    ans = lax.bind1("mul", x, y)
    out = None if tx is None else lax.bind1("mul", tx, y)
    return [ans], [add_tangents(out, None if ty is None else lax.bind1("mul", x, ty))]


def _div_jvp(primals, tangents, params):
    (x, y), (tx, ty) = primals, tangents
    ans = lax.bind1("div", x, y)
    out = None if tx is None else lax.bind1("div", tx, y)
    if ty is not None:
        out = add_tangents(out, lax.bind1("neg", lax.bind1("mul", ty, lax.bind1("div", ans, y))))
    return [ans], [out]


def _self_transpose(name):
    def transpose(cts, args, params):
        (ct,) = cts
        return [None if ct is None else lax.bind1(name, ct)]

    return transpose


defrules("add", jvp=linear_jvp("add"), transpose=_add_transpose, batch=batch_elementwise("add"))
defrules("sub", jvp=linear_jvp("sub"), transpose=_sub_transpose, batch=batch_elementwise("sub"))
defrules(
    "neg", jvp=linear_jvp("neg"), transpose=_self_transpose("neg"), batch=batch_elementwise("neg")
)
defrules(
    "conj",
    jvp=linear_jvp("conj"),
    transpose=_self_transpose("conj"),
    batch=batch_elementwise("conj"),
)
defrules(
    "copy",
    jvp=linear_jvp("copy"),
    transpose=_self_transpose("copy"),
    batch=batch_elementwise("copy"),
)
# mul and div are linear in one operand: their tangents use the primitives themselves, so
# the linear graph transposes through the rules above.
defrules("mul", jvp=_mul_jvp, transpose=_mul_transpose, batch=batch_elementwise("mul"))
defrules("div", jvp=_div_jvp, transpose=_div_transpose, batch=batch_elementwise("div"))


def _complex_of(dtype):
    return onp.result_type(dtype, onp.complex64)


def _real_transpose(cts, args, params):
    (ct,) = cts
    if ct is None or onp.dtype(args[0].dtype).kind != "c":  # real of a real array: itself
        return [ct]
    return [lax.convert_element_type(ct, _complex_of(ct.dtype))]


def _imag_transpose(cts, args, params):
    (ct,) = cts
    if ct is None or onp.dtype(args[0].dtype).kind != "c":  # imag of a real array: zeros
        return [None]
    c = lax.convert_element_type(ct, _complex_of(ct.dtype))
    return [lax.bind1("mul", c, lax.full(c.shape, -1j, c.dtype))]


defrules("real", jvp=linear_jvp("real"), transpose=_real_transpose, batch=batch_elementwise("real"))
defrules("imag", jvp=linear_jvp("imag"), transpose=_imag_transpose, batch=batch_elementwise("imag"))


def _select_jvp(primals, tangents, params):
    pred, a, b = primals
    _, ta, tb = tangents
    ans = lax.bind1("select", pred, a, b)
    if ta is None and tb is None:
        return [ans], [None]
    return [ans], [lax.bind1("select", pred, instantiate(ta, a), instantiate(tb, b))]


def _select_transpose(cts, args, params):
    (ct,) = cts
    pred, a, b = args
    if is_undefined(pred):
        raise TypeError("select: the predicate cannot be linear")
    if ct is None:
        return [None, None, None]
    zeros = lax.zeros_like(ct)
    return [
        None,
        lax.bind1("select", pred, ct, zeros) if is_undefined(a) else None,
        lax.bind1("select", pred, zeros, ct) if is_undefined(b) else None,
    ]


defrules("select", jvp=_select_jvp, transpose=_select_transpose, batch=batch_elementwise("select"))


def _inexact(dt):
    return is_inexact(dt)  # (bfloat16 too)


def _convert_jvp(primals, tangents, params):
    (x,), (t,) = primals, tangents
    ans = _core.bind("convert_element_type", [x], params)[0]
    if t is None or not (_inexact(x.dtype) and _inexact(ans.dtype)):
        return [ans], [None]
    return [ans], [lax.convert_element_type(t, ans.dtype)]


def _convert_transpose(cts, args, params):
    (ct,) = cts
    (x,) = args
    return [None if ct is None else lax.convert_element_type(ct, x.dtype)]


defrules(
    "convert_element_type",
    jvp=_convert_jvp,
    transpose=_convert_transpose,
    batch=batch_elementwise("convert_element_type"),
)
