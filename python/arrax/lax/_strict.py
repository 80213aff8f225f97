"""jax.lax semantics that the primitive wrappers of ``_ops``/``_composites`` leave out: C-style
``rem`` and truncating integer ``div``, the dtypes JAX's ops reject (complex comparisons and
remainders, boolean population_count), any integer ``index_dtype`` for argmin/argmax, float16 and
bfloat16 for erf_inv and betainc (computed in float32, as XLA does), and JAX's argument checks
(squeeze, argmin/argmax, dynamic slice indices) with its exception types and messages.

These names are re-exported by ``arrax.lax`` after ``_ops`` and ``_composites``, so they are the
public ones; arrax's own code keeps calling the plain wrappers.
"""

import operator as _operator

import ml_dtypes as _ml_dtypes
import numpy as _onp

from arrax.lax import _composites, _ops
from arrax.lax._ops import as_operand, asarray, bind1, convert_element_type, full, reshape, select

__all__ = [
    "floor",
    "ceil",
    "round",
    "is_finite",
    "real",
    "imag",
    "abs",
    "square",
    "reciprocal",
    "concatenate",
    "slice",
    "dot",
    "dot_general",
    "argmax",
    "argmin",
    "betainc",
    "div",
    "dynamic_slice",
    "dynamic_update_slice",
    "erf_inv",
    "ge",
    "gt",
    "le",
    "lt",
    "population_count",
    "rem",
    "squeeze",
]

_LOW_FLOATS = (_onp.dtype(_onp.float16), _onp.dtype(_ml_dtypes.bfloat16))


def _kind(dt):
    """dt's NumPy kind, "f" for the ml_dtypes floats (bfloat16, float8s: kind "V")."""
    if dt.kind == "V":
        try:
            _ml_dtypes.finfo(dt)
            return "f"
        except ValueError:
            pass
    return dt.kind


def _reject(name, dtypes, accepted, kinds):
    """JAX's dtype rule: a TypeError naming the first operand whose dtype is not accepted."""
    for pos, dt in enumerate(dtypes):
        if _kind(dt) not in kinds:
            raise TypeError(
                f"{name} does not accept dtype {dt} at position {pos}. Accepted dtypes at "
                f"position {pos} are subtypes of {accepted}."
            )


def _operands(name, x, y):
    x, y = _ops._match(x, y, name)
    _ops._check_same_dtypes(name, x, y)
    return _ops._broadcast_operands(name, x, y)


def rem(x, y):
    """jax.lax.rem: the remainder of x / y with the sign of x (C's fmod, XLA's rem), not the
    floored remainder of numpy.remainder; integer and float operands only."""
    x, y = _ops._match(x, y, "rem")
    _reject("rem", (x.dtype, y.dtype), "integer, floating", "iuf")
    _ops._check_same_dtypes("rem", x, y)
    return bind1("fmod", *_ops._broadcast_operands("rem", x, y))


def div(x, y):
    """jax.lax.div: x / y; integer division rounds toward zero (as C and XLA), not down."""
    x, y = _operands("div", x, y)
    if x.dtype.kind == "b":
        raise TypeError("div does not accept dtype bool. Accepted dtypes are subtypes of number.")
    if x.dtype.kind not in "iu":
        return bind1("div", x, y)
    q = bind1("floor_div", x, y)
    if x.dtype.kind == "u":
        return q
    # floor and truncation differ where the division is inexact and the quotient negative
    zero = full(x.shape, 0, x.dtype)
    inexact = bind1("ne", bind1("fmod", x, y), zero)
    negative = bind1("ne", bind1("lt", x, zero), bind1("lt", y, zero))
    fix = bind1("and", inexact, negative)
    return select(fix, bind1("add", q, full(x.shape, 1, x.dtype)), q)


def _comparison(name):
    plain = getattr(_ops, name)

    def op(x, y):
        xa, ya = _ops._match(x, y, name)
        _reject(name, (xa.dtype, ya.dtype), "integer, floating, bool", "iufb")
        return plain(x, y)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"jax.lax.{name}: elementwise, for integer, float and bool operands (not complex)."
    return op


def _unary(name, kinds, accepted):
    plain = getattr(_ops, name, None) or getattr(_composites, name)  # (arrax.lax's before)

    def op(x, *args, **kwargs):
        dt = as_operand(x, name).dtype
        if _kind(dt) not in kinds:
            raise TypeError(
                f"{name} does not accept dtype {dt}. Accepted dtypes are subtypes of {accepted}."
            )
        return plain(x, *args, **kwargs)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = plain.__doc__ or f"jax.lax.{name}: elementwise, for {accepted} operands."
    return op


# JAX's dtype rules of the elementwise ops that NumPy's ufuncs take more widely.
floor = _unary("floor", "f", "floating")
ceil = _unary("ceil", "f", "floating")
round = _unary("round", "f", "floating")  # noqa: A001
is_finite = _unary("is_finite", "f", "floating")
real = _unary("real", "c", "complexfloating")
imag = _unary("imag", "c", "complexfloating")
abs = _unary("abs", "fci", "floating, complexfloating, signedinteger")  # noqa: A001
square = _unary("square", "iufc", "integer, floating, complexfloating")
reciprocal = _unary("reciprocal", "fc", "floating, complexfloating")

lt = _comparison("lt")
le = _comparison("le")
gt = _comparison("gt")
ge = _comparison("ge")


def population_count(x):
    """jax.lax.population_count: the number of 1 bits of each element, for integers only."""
    x = as_operand(x, "population_count")
    if x.dtype.kind not in "iu":
        raise TypeError(
            f"population_count does not accept dtype {x.dtype}. Accepted dtypes are subtypes "
            "of integer."
        )
    return _composites.population_count(x)


def squeeze(array, dimensions):
    """jax.lax.squeeze: removes the size-1 ``dimensions`` (each checked, as JAX's)."""
    x = as_operand(array, "squeeze")
    dims = tuple(_operator.index(d) for d in dimensions)
    for d in dims:
        if not -x.ndim <= d < max(x.ndim, 1) or (x.ndim == 0):
            raise ValueError(f"axis {d} is out of bounds for array of dimension {x.ndim}")
    norm = tuple(d % x.ndim for d in dims)
    if len(set(norm)) != len(norm):
        raise ValueError(f"dimensions are not unique: {dims}")
    if any(x.shape[d] != 1 for d in norm):
        raise ValueError(
            "cannot select an axis to squeeze out which has size not equal to one, got "
            f"shape={x.shape} and dimensions={dims}"
        )
    return reshape(x, [s for i, s in enumerate(x.shape) if i not in norm])


def _argminmax(name):
    prim = name

    def op(operand, axis, index_dtype=_onp.int64):
        x = as_operand(operand, name)
        if x.dtype.kind == "c":  # (JAX's rule: the comparison it makes)
            raise TypeError(
                f"{name} does not accept dtype {x.dtype}. Accepted dtypes are subtypes of "
                "integer, floating, bool."
            )
        index_dtype = _onp.dtype(index_dtype)
        if index_dtype.kind not in "iu":
            raise TypeError(f"index_dtype must be an integer type, but got {index_dtype}")
        axis = _operator.index(axis)
        if not 0 <= axis < x.ndim:
            raise ValueError(f"Invalid axis {axis} for operand shape {x.shape}")
        if x.shape[axis] == 0:
            raise ValueError(
                "argmin and argmax require non-empty reduced dimension. "
                f"operand.shape={x.shape} axis={axis}"
            )
        # (the primitive gives int32 or int64; other integer types are a conversion of it)
        direct = index_dtype if index_dtype in (_onp.dtype("int32"), _onp.dtype("int64")) else None
        out = bind1(prim, x, axis=axis, index_dtype=direct or _onp.dtype(_onp.int64))
        return out if direct else convert_element_type(out, index_dtype)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (
        f"jax.lax.{name}: the index of the {name[3:]}imum along ``axis`` (0 <= axis < ndim, a "
        "non-empty dimension), as any integer ``index_dtype``."
    )
    return op


argmax = _argminmax("argmax")
argmin = _argminmax("argmin")


def _in_float32(fn, *args):
    """fn of float16/bfloat16 operands computed in float32 and rounded back (as XLA does)."""
    args = [as_operand(a, fn.__name__) for a in args]
    dt = args[0].dtype if args else None
    if dt in _LOW_FLOATS:
        out = fn(*[convert_element_type(a, _onp.float32) for a in args])
        return convert_element_type(out, dt)
    return fn(*args)


def erf_inv(x):
    """jax.lax.erf_inv: the inverse error function (float16/bfloat16 through float32)."""
    return _in_float32(_ops.erf_inv, x)


def betainc(a, b, x):
    """jax.lax.betainc: the regularized incomplete beta function, floating operands of one dtype
    (float16/bfloat16 through float32)."""
    args = _floating("betainc", (a, b, x), "regularized_incomplete_beta")
    return _in_float32(_composites.betainc, *args)


def _check_index_types(name, start_indices):
    """JAX's rule: the start indices of a dynamic slice are integers of one dtype (Python ints
    take the others' dtype)."""
    if not isinstance(start_indices, (list, tuple)):
        return
    seen = []
    for i in start_indices:
        if isinstance(i, (bool, _onp.bool_)):
            dt = _onp.dtype(bool)
        elif isinstance(i, int):
            continue
        else:
            dt = getattr(i, "dtype", None)
            if dt is None:
                continue
            dt = _onp.dtype(dt)
        if dt.kind not in "iu" or (seen and dt != seen[0]):
            raise TypeError(
                f"index arguments to {name} must be integers of the same type, got"
                f"{':' if name == 'dynamic_slice' else ''} "
                f"{', '.join(str(d) for d in seen + [dt])}"
            )
        seen.append(dt)


def dynamic_slice(operand, start_indices, slice_sizes, *, allow_negative_indices=True):
    """jax.lax.dynamic_slice: the window of ``slice_sizes`` at ``start_indices`` (integers of one
    dtype; a negative index counts from the end unless allow_negative_indices is False)."""
    _check_index_types("dynamic_slice", start_indices)
    return _ops.dynamic_slice(
        operand, start_indices, slice_sizes, allow_negative_indices=allow_negative_indices
    )


def dynamic_update_slice(operand, update, start_indices, *, allow_negative_indices=True):
    """jax.lax.dynamic_update_slice: ``update`` written over operand at ``start_indices``
    (integers of one dtype)."""
    _check_index_types("dynamic_update_slice", start_indices)
    return _ops.dynamic_update_slice(
        operand, update, start_indices, allow_negative_indices=allow_negative_indices
    )


def concatenate(operands, dimension):
    """jax.lax.concatenate: operands of one rank and dtype, equal but along ``dimension`` (JAX's
    shape-rule TypeErrors)."""
    xs = [as_operand(o, "concatenate") for o in operands]
    if not xs:
        raise ValueError("concatenate requires a non-empty sequences of arrays")
    shapes = ", ".join(str(tuple(x.shape)) for x in xs)
    if len({x.ndim for x in xs}) > 1:
        raise TypeError(
            f"Cannot concatenate arrays with different numbers of dimensions: got {shapes}."
        )
    d = _operator.index(dimension)
    if not 0 <= d < xs[0].ndim:
        raise TypeError(f"concatenate dimension out of bounds: dimension {d} for shapes {shapes}.")
    if len({tuple(x.shape[:d] + x.shape[d + 1 :]) for x in xs}) > 1:
        raise TypeError(
            "Cannot concatenate arrays with shapes that differ in dimensions other than the one "
            f"being concatenated: concatenating along dimension {d} for shapes {shapes}."
        )
    if len({x.dtype for x in xs}) > 1:
        raise TypeError(
            "lax.concatenate requires arguments to have the same dtypes, got "
            f"{', '.join(str(x.dtype) for x in xs)}."
        )
    return _ops.concatenate(xs, d)


def slice(operand, start_indices, limit_indices, strides=None):  # noqa: A001
    """jax.lax.slice, with JAX's TypeErrors for a limit beyond the operand or before the
    start."""
    x = as_operand(operand, "slice")
    # (negative strides, an arrax extension the slice primitive has, walk from start down)
    forward = strides is None or all(_operator.index(s) > 0 for s in strides)
    if forward and len(start_indices) == len(limit_indices) == x.ndim:
        sizes = [
            _operator.index(hi) - _operator.index(lo)
            for lo, hi in zip(start_indices, limit_indices)
        ]
        if any(_operator.index(hi) > n for hi, n in zip(limit_indices, x.shape)):
            raise TypeError(
                "slice limit_indices must be less than or equal to operand shape, got "
                f"limit_indices {tuple(limit_indices)} for operand shape {tuple(x.shape)}."
            )
        if any(n < 0 for n in sizes):
            raise TypeError(
                "slice limit_indices must be greater than or equal to start_indices, got "
                f"start_indices {tuple(start_indices)} and limit_indices {tuple(limit_indices)}."
            )
    return _ops.slice(x, start_indices, limit_indices, strides)


def _dot_properties(dt):
    """XLA's HigherPrecisionType order of a dtype (as JAX's dot_general dtype rule)."""
    c = _onp.finfo(dt).dtype if dt.kind == "c" else dt
    floating = c.kind == "f" or c in _LOW_FLOATS
    fi = _ml_dtypes.finfo(c) if floating else None
    bits = 1 if c.kind == "b" else 8 * c.itemsize
    return (dt.kind == "c", fi.maxexp if fi else -1, fi.nmant if fi else -1, bits, c.kind != "u")


def _dot_operands(name, lhs, rhs):
    """Operands of different dtypes are computed in the one of higher precision (JAX's rule)."""
    short = name.removeprefix("lax.")
    lhs, rhs = as_operand(lhs, short), as_operand(rhs, short)
    if lhs.dtype == rhs.dtype:
        return lhs, rhs
    lp, rp = _dot_properties(lhs.dtype), _dot_properties(rhs.dtype)
    if lp == rp:
        raise TypeError(f"{name} argument type error: {lhs.dtype}, {rhs.dtype}")
    dt = lhs.dtype if lp > rp else rhs.dtype
    return convert_element_type(lhs, dt), convert_element_type(rhs, dt)


def _check_dot_dimensions(lhs, rhs, dimension_numbers):
    """JAX's shape rule of dot_general (its TypeErrors and messages)."""
    (lc, rc), (lb, rb) = dimension_numbers
    lc, rc, lb, rb = (tuple(_operator.index(d) for d in ds) for ds in (lc, rc, lb, rb))
    for side, x, batch, contracting in (("lhs", lhs, lb, lc), ("rhs", rhs, rb, rc)):
        if not all(0 <= d < x.ndim for d in batch + contracting):
            raise TypeError(
                f"dot_general requires {side} dimension numbers to be nonnegative and less than "
                f"the number of axes of the {side} value, got {side}_batch of {batch} and "
                f"{side}_contracting of {contracting} for {side} of rank {x.ndim}"
            )
    for what, ld, rd in (("lhs batch dimensions and rhs batch", lb, rb), ("", lc, rc)):
        ls, rs = tuple(lhs.shape[d] for d in ld), tuple(rhs.shape[d] for d in rd)
        if ls != rs:
            what = what or "contracting"
            raise TypeError(
                f"dot_general requires {what} dimensions to have the same shape, got {ls} and {rs}."
            )


def dot_general(
    lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None, *, out_sharding=None
):
    """jax.lax.dot_general; operands of different dtypes are computed in the one of higher
    precision (XLA's HigherPrecisionType: complex > wider exponent > more mantissa bits >
    more bits > signed), as JAX's."""
    lhs, rhs = _dot_operands("lax.dot_general", lhs, rhs)
    _check_dot_dimensions(lhs, rhs, dimension_numbers)
    return _ops.dot_general(
        lhs, rhs, dimension_numbers, precision=precision,
        preferred_element_type=preferred_element_type,
    )  # fmt: skip


def dot(
    lhs, rhs, precision=None, preferred_element_type=None, *, dimension_numbers=None,
    out_sharding=None,
):  # fmt: skip
    """jax.lax.dot, with dot_general's rule for operands of different dtypes."""
    lhs, rhs = _dot_operands("lax.dot_general", lhs, rhs)
    return _ops.dot(
        lhs, rhs, precision, preferred_element_type, dimension_numbers=dimension_numbers
    )


__all__ += [
    "clamp",
    "select_n",
    "complex",
    "shift_right_arithmetic",
    "cumlogsumexp",
    "igamma",
    "igammac",
    "igamma_grad_a",
    "random_gamma_grad",
    "polygamma",
    "sort",
    "sort_key_val",
    "top_k",
]


def _same_dtype_operands(name, args, accepted=None, kinds=None, jax_name=None):
    """The operands of an n-ary elementwise op ``name`` as JAX's lax takes them: arrays or
    scalars (a Python scalar of the others' kind takes their dtype), of one dtype (of
    ``kinds`` when given) and JAX's broadcasting shapes; JAX's TypeErrors otherwise.
    jax_name: the primitive's name in JAX's messages when it differs."""
    jax_name = jax_name or name
    arrays = [as_operand(a, name) for a in args if not isinstance(a, _ops._PY_SCALARS)]
    if arrays:
        dt = arrays[0].dtype
        shape = ()
        out = []
        for pos, a in enumerate(args):
            if isinstance(a, _ops._PY_SCALARS):
                _ops._check_scalar(jax_name, a, dt, pos)
                a = full(shape, a, dt)
            else:
                a = as_operand(a, name)
            out.append(a)
    else:
        out = [asarray(a) for a in args]
    if kinds is not None:
        _reject(jax_name, [a.dtype for a in out], accepted, kinds)
    _ops._check_same_dtypes(jax_name, *out)
    return _ops._broadcast_operands(jax_name, *out)


def clamp(min, x, max):  # noqa: A002 (JAX's names)
    """jax.lax.clamp: x clipped to [min, max]; min and max of x's dtype (a Python scalar of its
    kind takes it), each of x's shape or a scalar (JAX's TypeErrors otherwise)."""
    x = as_operand(x, "clamp")
    ops = []
    for pos, v in enumerate((min, x, max)):
        if isinstance(v, _ops._PY_SCALARS):
            _ops._check_scalar("clamp", v, x.dtype, 0 if pos == 0 else 1)
            v = full((), v, x.dtype)
        else:
            v = as_operand(v, "clamp")
        ops.append(v)
    _ops._check_same_dtypes("clamp", *ops)
    for label, v in (("min", ops[0]), ("max", ops[2])):
        if v.shape not in ((), x.shape):
            raise TypeError(
                f"clamp requires {label}.shape == operand.shape or {label}.shape == (), got "
                f"{label}.shape={v.shape}, operand.shape={x.shape}."
            )
    return _composites.clamp(ops[0], x, ops[2])


def select_n(which, *cases):
    """jax.lax.select_n: cases[which] elementwise; ``which`` bool (two cases) or integer, a
    scalar or of the cases' shape; the cases of one shape and dtype (JAX's TypeErrors)."""
    if not cases:
        raise ValueError("select_n() must have at least one case")
    which = as_operand(which, "select_n")
    cases = [as_operand(c, "select_n") for c in cases]
    if which.dtype.kind not in "biu":
        raise TypeError(f"select `which` must be boolean or integer type, got {which.dtype}.")
    if len({c.shape for c in cases}) > 1:
        raise TypeError(
            f"select cases must have the same shapes, got [{', '.join(str(c.shape) for c in cases)}]."
        )
    _ops._check_same_dtypes("select", *cases)
    if which.shape not in ((), cases[0].shape):
        raise TypeError(
            "select `which` must be scalar or have the same shape as cases, got `which` shape "
            f"{which.shape} but case shape {cases[0].shape}."
        )
    return _composites.select_n(which, *cases)


def complex(x, y):  # noqa: A001 (JAX's name)
    """jax.lax.complex: x + i y of float32 or float64 operands of one dtype."""
    x, y = _same_dtype_operands("complex", (x, y))
    if x.dtype not in (_onp.dtype(_onp.float32), _onp.dtype(_onp.float64)):
        raise TypeError(
            f"complex does not accept dtype {x.dtype} at position 0. Accepted dtypes at "
            "position 0 are subtypes of float32, float64."
        )
    return _composites.complex(x, y)


def shift_right_arithmetic(x, y):
    """jax.lax.shift_right_arithmetic: x >> y with the sign bit copied in, integer operands of
    one dtype."""
    x, y = _same_dtype_operands("shift_right_arithmetic", (x, y), "integer", "iu")
    return _composites.shift_right_arithmetic(x, y)


def cumlogsumexp(operand, axis=0, reverse=False):
    """jax.lax.cumlogsumexp: log(cumsum(exp(x))) along axis (numbers, not bools)."""
    x = as_operand(operand, "cumlogsumexp")
    _ops._reject_kinds("cumlogsumexp", x, "b", "number", pos=None)
    return _composites.cumlogsumexp(x, axis, reverse)


def _floating(name, args, jax_name=None):
    return _same_dtype_operands(name, args, "floating", "f", jax_name)


def igamma(a, x):
    """jax.lax.igamma: the regularized lower incomplete gamma function, floating operands of one
    dtype."""
    return _composites.igamma(*_floating("igamma", (a, x)))


def igammac(a, x):
    """jax.lax.igammac: the regularized upper incomplete gamma function, floating operands of
    one dtype."""
    return _composites.igammac(*_floating("igammac", (a, x)))


def igamma_grad_a(a, x):
    """jax.lax.igamma_grad_a: d/da of the regularized lower incomplete gamma function."""
    return _composites.igamma_grad_a(*_floating("igamma_grad_a", (a, x)))


def random_gamma_grad(a, x):
    """jax.lax.random_gamma_grad: the derivative of a Gamma(a, 1) sample x with respect to a."""
    return _composites.random_gamma_grad(*_floating("random_gamma_grad", (a, x)))


def polygamma(m, x):
    """jax.lax.polygamma: the m-th derivative of digamma at x; m and x floating arrays of one
    dtype (or a Python or concrete integer order m, an arrax extension)."""
    if hasattr(m, "dtype") and _kind(_onp.dtype(m.dtype)) in "fV" or isinstance(m, float):
        m, x = _floating("polygamma", (m, x))
    return _ops.polygamma(m, x)


def sort(operand, dimension=-1, is_stable=True, num_keys=1):
    """jax.lax.sort: one operand, or a sequence of operands of one shape sorted by the first
    num_keys of them (JAX's checks)."""
    if isinstance(operand, (tuple, list)):
        ops = [as_operand(o, "sort") for o in operand]
        if len({o.shape for o in ops}) > 1:
            raise TypeError(
                "sort: Arguments to sort must have equal shapes, got: "
                + " ".join(str(o.shape) for o in ops)
            )
        if ops and not 1 <= num_keys <= len(ops):
            raise ValueError(f"num_keys={num_keys} must be between 1 and len(operand)={len(ops)}")
        return _composites.sort(ops, dimension, is_stable, num_keys)
    return _composites.sort(as_operand(operand, "sort"), dimension, is_stable, num_keys)


def sort_key_val(keys, values, dimension=-1, is_stable=True):
    """jax.lax.sort_key_val: keys sorted along dimension, values (of their shape) carried."""
    return sort((keys, values), dimension, is_stable, 1)


def top_k(operand, k, *, axis=-1):
    """jax.lax.top_k: the k largest values along axis and their indices (not for complex)."""
    x = as_operand(operand, "top_k")
    if x.dtype.kind == "c":
        raise ValueError("top_k is not compatible with complex inputs.")
    return _composites.top_k(x, k, axis=axis)
