"""Primitive-level operations (JAX's ``lax``): thin wrappers that bind one primitive each.

Unlike ``arrax.numpy`` these do not promote: operands of elementwise operations share a dtype
(a Python scalar takes the array operand's dtype), and broadcast only as JAX's do: a rank-0
operand against any shape, and size-1 dimensions of operands of one rank.
"""

import builtins as _builtins
import enum as _enum
import operator as _operator

import numpy as _onp

from arrax import _core, tree_util

_PY_SCALARS = (bool, int, float, complex)


def bind(name, *args, **params):
    """Applies primitive ``name`` to ``args``; returns its list of outputs."""
    return _core.bind(name, list(args), params)


def bind1(name, *args, **params):
    return _core.bind(name, list(args), params)[0]


def asarray(x, dtype=None):
    return _core.asarray(x, dtype, None)


_NOT_ARRAYS = (list, tuple, str, bytes, dict, set, frozenset, type(None))


def as_operand(x, name):
    """x as an operand of lax op ``name``: an array (arrax's or NumPy's), a NumPy scalar or a
    Python scalar, as JAX's lax takes them. A list, tuple or other non-array value is a
    TypeError, as JAX's (lax does not convert sequences: jax.numpy does)."""
    if isinstance(x, _core.ndarray):
        return x
    if isinstance(x, _NOT_ARRAYS):
        raise TypeError(
            f"{name}: Error interpreting argument to {name} as a JAX value. The problematic "
            f"value is of type {type(x)!r}; lax operands must be arrays or scalars (convert "
            "sequences with arrax.numpy.asarray first)."
        )
    return _core.asarray(x, None, None)


# The dtype a Python scalar stands for, and the kinds of array dtype it takes. JAX's lax gives a
# Python scalar its default dtype and requires equal dtypes; arrax's lax keeps Python scalars
# weak (of the other operand's dtype, as JAX's lax has them for its default widths) where no
# value changes kind: a bool takes bool operands, an int numeric ones, a float floating ones, a
# complex complex ones (lax.add(int32_array, 1.5) is a TypeError, as in JAX).
_SCALAR_RULES = ((bool, "bool", "b"), (int, "int64", "iufcV"), (float, "float64", "fV"),
                 (complex, "complex128", "c"))  # fmt: skip


def _check_scalar(name, s, dt, pos):
    """Whether Python scalar ``s`` may take dtype ``dt`` (JAX's rule, see _SCALAR_RULES); a
    TypeError as JAX's otherwise. pos: the scalar's position among the two operands."""
    for t, default, kinds in _SCALAR_RULES:
        if isinstance(s, t):
            if dt.kind in kinds and (dt.kind != "V" or _is_float(dt)):
                return
            got = (default, str(dt)) if pos == 0 else (str(dt), default)
            raise TypeError(
                f"lax.{name} requires arguments to have the same dtypes, got {', '.join(got)}."
            )


def _is_float(dt):
    """Whether dt (of NumPy kind "V") is one of ml_dtypes' floats (bfloat16, the float8s)."""
    import ml_dtypes

    try:
        ml_dtypes.finfo(dt)
        return True
    except ValueError:
        return False


def full(shape, fill_value, dtype=None, *, sharding=None):
    """An array of ``shape`` filled with a scalar: a broadcast view of one element, so it costs
    no memory eagerly and stays a broadcast of a literal under tracing."""
    v = asarray(fill_value, dtype)
    if v.ndim:
        raise TypeError(f"full: fill_value must be a scalar, got shape {v.shape}")
    shape = tuple(int(d) for d in shape)
    if not shape:
        return v
    return bind1("broadcast_in_dim", v, shape=shape, broadcast_dimensions=())


def zeros_like_aval(shape, dtype):
    return full(shape, 0, _onp.dtype(dtype))


def zeros_like(x):
    return full(x.shape, 0, x.dtype)


def _match(x, y, name="lax"):
    """Elementwise operands of lax op ``name``: a Python scalar takes the other operand's dtype
    if it is of the scalar's kind (bool, integer, floating, complex: a TypeError otherwise, as
    JAX's); lists and other non-arrays are TypeErrors."""
    if isinstance(x, _PY_SCALARS) and not isinstance(y, _PY_SCALARS):
        y = as_operand(y, name)
        _check_scalar(name, x, y.dtype, 0)
        return full(y.shape, x, y.dtype), y
    if isinstance(y, _PY_SCALARS) and not isinstance(x, _PY_SCALARS):
        x = as_operand(x, name)
        _check_scalar(name, y, x.dtype, 1)
        return x, full(x.shape, y, x.dtype)
    return as_operand(x, name), as_operand(y, name)


def _reject_kinds(name, x, kinds, accepted, pos=0):
    """JAX's dtype rule of an op: a TypeError for an operand whose dtype kind is in ``kinds``."""
    if x.dtype.kind in kinds:
        at = f" at position {pos}" if pos is not None else ""
        raise TypeError(
            f"{name} does not accept dtype {x.dtype}{at}. Accepted dtypes{at} are subtypes of "
            f"{accepted}."
        )


# JAX's transcendental functions take an accuracy hint (keyword only); arrax has one
# implementation of each, so it is accepted and has no effect.
_ACCURACY = frozenset("exp exp2 expm1 log log1p sin cos tan tanh sqrt rsqrt cbrt logistic".split())


def _unary(name):
    if name in _ACCURACY:

        def op(x, *, accuracy=None):
            return bind1(name, as_operand(x, name))

    else:

        def op(x):
            return bind1(name, as_operand(x, name))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"The ``{name}`` primitive, elementwise."
    return op


def _broadcast_operands(name, *args):
    """JAX's shape rule for n-ary elementwise operations: rank-0 operands broadcast against the
    others, which share one rank, a size-1 dimension broadcasting against any size."""
    shapes = [a.shape for a in args if a.ndim]
    if not shapes:
        return args
    ranks = {len(s) for s in shapes}
    if len(ranks) != 1:
        raise TypeError(
            f"{name}: arrays must have the same number of dimensions, got {sorted(ranks)}"
        )
    out = []
    for ds in zip(*shapes):
        sizes = {d for d in ds if d != 1}
        if len(sizes) > 1:
            raise TypeError(
                f"{name} got incompatible shapes for broadcasting: "
                f"{', '.join(str(tuple(s)) for s in shapes)}."
            )
        out.append(sizes.pop() if sizes else 1)
    out = tuple(out)
    return tuple(
        a if a.shape == out else broadcast_in_dim(a, out, tuple(range(a.ndim))) for a in args
    )


def _check_same_dtypes(name, *args):
    if len({a.dtype for a in args}) > 1:
        raise TypeError(
            f"lax.{name} requires arguments to have the same dtypes, got "
            f"{', '.join(str(a.dtype) for a in args)}."
        )


# JAX's dtype rules the engine's primitives (NumPy's ufunc loops) are wider than: the kinds an
# op refuses, and the ones it accepts (for the message).
_BINARY_REFUSES = {
    "add": ("b", "integer, floating, complexfloating"),
    "sub": ("b", "integer, floating, complexfloating"),
    "mul": ("b", "integer, floating, complexfloating"),
    "pow": ("biu", "floating, complexfloating"),
}


def _binary(name, jax_name=None):
    jax_name = jax_name or name
    refuses, accepted = _BINARY_REFUSES.get(name, ("", ""))

    def op(x, y):
        if name == "pow" and isinstance(y, int) and not isinstance(y, bool):
            x = as_operand(x, jax_name)  # (a Python int exponent: of any floating x, as JAX's)
            y = full(x.shape, y, x.dtype) if x.dtype.kind in "fc" else as_operand(y, name)
        else:
            x, y = _match(x, y, jax_name)
        if name == "pow" and x.dtype.kind in "fc" and y.dtype.kind in "iu":
            y = convert_element_type(y, x.dtype)  # (an integer exponent, as JAX's pow)
        _check_same_dtypes(jax_name, x, y)
        if refuses:
            _reject_kinds(jax_name, x, refuses, accepted)
        return bind1(name, *_broadcast_operands(jax_name, x, y))

    op.__name__ = op.__qualname__ = jax_name
    op.__doc__ = (
        f"The ``{name}`` primitive, elementwise: no promotion; a rank-0 operand or size-1 "
        "dimensions broadcast (as JAX's)."
    )
    return op


_UNARY = (
    "neg abs sign floor ceil round sqrt cbrt exp exp2 expm1 log log1p sin cos tan asin acos atan "
    "sinh cosh tanh asinh acosh atanh is_finite erf_inv real imag conj erf erfc lgamma digamma"
).split()
_BINARY = "add sub mul div rem pow max min atan2 eq ne lt le gt ge nextafter".split()
# (These shadow the builtins abs, max, min and round in this module: it uses _builtins.)
globals().update({n: _unary(n) for n in _UNARY})
_round_half_even = _unary("round")
_conj = _unary("conj")


def conj(x):
    """jax.lax.conj: the complex conjugate, complex for a real x too (as JAX's)."""
    x = as_operand(x, "conj")
    if x.dtype.kind not in "fc":
        raise TypeError(f"conj does not accept dtype {x.dtype}: floating or complex only")
    if x.dtype.kind == "f":
        x = convert_element_type(x, _onp.result_type(x.dtype, _onp.complex64))
    return _conj(x)


class RoundingMethod(_enum.IntEnum):
    """jax.lax.RoundingMethod: how lax.round breaks ties."""

    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def round(x, rounding_method=RoundingMethod.AWAY_FROM_ZERO):  # noqa: A001 (JAX's name)
    """jax.lax.round: to the nearest integer, ties away from zero by default (JAX's default;
    numpy.round's is to even, TO_NEAREST_EVEN here)."""
    x = as_operand(x, "round")
    if RoundingMethod(int(rounding_method)) == RoundingMethod.TO_NEAREST_EVEN:
        return _round_half_even(x)
    t = bind1("trunc", x)
    # x - trunc(x) is exact, so a tie is seen as one (floor(|x| + 0.5) rounds 0.49999999999999994
    # up); trunc and sign carry no derivative, as round's
    frac = bind1("abs", bind1("sub", x, t))
    tie_or_more = bind1("ge", frac, full(x.shape, 0.5, x.dtype))
    return bind1("add", t, select(tie_or_more, bind1("sign", x), zeros_like(x)))


globals().update({n: _binary(n) for n in _BINARY})
bitwise_not = _unary("not")
bitwise_and = _binary("and", "bitwise_and")
bitwise_or = _binary("or", "bitwise_or")
bitwise_xor = _binary("xor", "bitwise_xor")
shift_left = _binary("shift_left")
_shift_right = _binary("shift_right", "shift_right_logical")


def shift_right_logical(x, y):
    """jax.lax.shift_right_logical: x >> y with zeros shifted in. The engine's shift_right
    copies the sign bit on signed integers (NumPy's >>), so signed operands are shifted as the
    unsigned integers of their bits (a shift of the bit width or more, or a negative one, is 0,
    as XLA's)."""
    x, y = _match(x, y, "shift_right_logical")
    _check_same_dtypes("shift_right_logical", x, y)
    if x.dtype.kind != "i":
        return _shift_right(x, y)
    u = _onp.dtype(f"u{x.dtype.itemsize}")
    as_u = [bind1("bitcast_convert_type", v, new_dtype=u) for v in (x, y)]
    return bind1("bitcast_convert_type", _shift_right(*as_u), new_dtype=x.dtype)


_mul = mul  # noqa: F821 (defined by the globals() update above)
_nextafter = nextafter  # noqa: F821


def mul(x, y, *, out_dtype=None):
    """jax.lax.mul: x * y elementwise; with out_dtype, of the operands converted to it."""
    if out_dtype is not None:
        x = convert_element_type(x, out_dtype)
        y = convert_element_type(y, out_dtype)
    return _mul(x, y)


def nextafter(x1, x2):
    """jax.lax.nextafter: the next representable value after x1 towards x2."""
    return _nextafter(x1, x2)


def polygamma(m, x):
    """jax.lax.polygamma: the m-th derivative of digamma at x, for integer orders m >= 0: one
    Python or concrete order (the polygamma primitive), or an array of them (traced too), each
    item (-1)^(m+1) m! zeta(m + 1, x) or digamma(x) for m = 0, NaN where m is no such order."""
    x = asarray(x)
    concrete = not (isinstance(m, _core.ndarray) and m._is_tracer)
    if concrete and (not hasattr(m, "shape") or m.shape == ()):
        m = int(m)
        if m < 0:
            raise ValueError("polygamma: the order m must be >= 0")
        return bind1("digamma", x) if m == 0 else bind1("polygamma", x, n=m)
    from arrax import numpy as np

    m, x = np.broadcast_arrays(np.asarray(m, dtype=x.dtype), x)
    whole = (m >= 0) & (m == np.floor(m))
    n1 = np.where(whole, m, 1) + 1  # (the orders that are not, kept finite)
    sign = np.where(np.remainder(n1, 2) == 0, 1, -1).astype(x.dtype)
    higher = sign * np.exp(bind1("lgamma", n1)) * zeta(n1, x)
    out = np.where(m == 0, bind1("digamma", x), higher)
    return np.where(whole, out, np.nan)


def zeta(x, q):
    """jax.lax.zeta: the Hurwitz zeta function sum_k (k + q)^-x, for x > 1."""
    x, q = as_operand(x, "zeta"), as_operand(q, "zeta")
    _check_same_dtypes("zeta", x, q)
    return bind1("zeta", *_broadcast_operands("zeta", x, q))


def integer_pow(x, y: int):
    """x ** y for a Python int y, by repeated multiplication (as jax.lax.integer_pow)."""
    x = as_operand(x, "integer_pow")
    _reject_kinds("integer_pow", x, "b", "number", pos=None)  # (JAX's rule)
    if y == 0:
        return full(x.shape, 1, x.dtype)
    neg = y < 0
    y = _builtins.abs(y)
    acc = None
    base = x
    while y:
        if y & 1:
            acc = base if acc is None else bind1("mul", acc, base)
        y >>= 1
        if y:
            base = bind1("mul", base, base)
    return bind1("div", full(x.shape, 1, x.dtype), acc) if neg else acc


def square(x):
    x = as_operand(x, "square")
    return bind1("mul", x, x)


def rsqrt(x, *, accuracy=None):
    x = as_operand(x, "rsqrt")
    return bind1("div", full(x.shape, 1, x.dtype), bind1("sqrt", x))


def logistic(x, *, accuracy=None):
    x = as_operand(x, "logistic")
    one = full(x.shape, 1, x.dtype)
    return bind1("div", one, bind1("add", one, bind1("exp", bind1("neg", x))))


def select(pred, on_true, on_false):
    """``on_true`` where ``pred`` else ``on_false``: the cases share a shape and dtype, and pred
    (bool) has their shape or is a scalar (as jax.lax.select)."""
    pred, on_true, on_false = (
        as_operand(pred, "select"),
        as_operand(on_true, "select"),
        as_operand(on_false, "select"),
    )
    if on_true.shape != on_false.shape:
        raise TypeError(
            f"select cases must have the same shapes, got [{on_false.shape}, {on_true.shape}]."
        )
    _check_same_dtypes("select", on_false, on_true)
    if pred.shape != on_true.shape:
        if pred.ndim:
            raise TypeError(
                "select `which` must be scalar or have the same shape as cases, got `which` "
                f"shape {pred.shape} but case shape {on_true.shape}."
            )
        pred = broadcast_in_dim(pred, on_true.shape, ())
    return bind1("select", pred, on_true, on_false)


def convert_element_type(operand, new_dtype):
    x = as_operand(operand, "convert_element_type")
    new_dtype = _onp.dtype(new_dtype)
    if x.dtype == new_dtype:
        return x
    return bind1("convert_element_type", x, new_dtype=new_dtype)


def _check_broadcast_in_dim(op_shape, shape, dims):
    """JAX's shape rule for broadcast_in_dim (TypeError, with its messages)."""
    n, m = len(op_shape), len(shape)
    if n > m:
        raise TypeError(
            "broadcast_in_dim target broadcast shape must have equal or higher rank to the "
            f"operand shape; got operand ndim {n} and target broadcast ndim {m}."
        )
    if len(dims) != n:
        raise TypeError(
            "broadcast_in_dim broadcast_dimensions must have length equal to operand ndim; got "
            f"broadcast_dimensions {dims} for operand ndim {n}."
        )
    if not all(0 <= d < m for d in dims):
        raise TypeError(
            "broadcast_in_dim broadcast_dimensions must be a subset of output dimensions, got "
            f"{dims} for operand ndim {n} and shape {shape}."
        )
    if any(s != 1 and s != shape[d] for s, d in zip(op_shape, dims)):
        raise TypeError(
            "broadcast_in_dim operand dimension sizes must either be 1, or be equal to their "
            "corresponding dimensions in the target broadcast shape; got operand of shape "
            f"{op_shape}, target broadcast shape {shape}, broadcast_dimensions {dims} "
        )


def broadcast_in_dim(operand, shape, broadcast_dimensions, *, out_sharding=None):
    x = as_operand(operand, "broadcast_in_dim")
    shape = tuple(int(d) for d in shape)
    broadcast_dimensions = tuple(int(d) for d in broadcast_dimensions)
    _check_broadcast_in_dim(x.shape, shape, broadcast_dimensions)
    if x.shape == shape and broadcast_dimensions == tuple(range(len(shape))):
        return x
    return bind1("broadcast_in_dim", x, shape=shape, broadcast_dimensions=broadcast_dimensions)


def broadcast(operand, sizes, *, out_sharding=None):
    """Adds leading dimensions of ``sizes``."""
    x = as_operand(operand, "broadcast")
    n = len(sizes)
    return broadcast_in_dim(x, tuple(sizes) + x.shape, tuple(range(n, n + x.ndim)))


def reshape(operand, new_sizes, dimensions=None, *, out_sharding=None):
    x = as_operand(operand, "reshape")
    if dimensions is not None:
        x = transpose(x, dimensions)
    new_sizes = tuple(int(d) for d in new_sizes)
    if x.shape == new_sizes:
        return x
    return bind1("reshape", x, new_sizes=new_sizes)


def expand_dims(array, dimensions):
    x = as_operand(array, "expand_dims")
    shape = list(x.shape)
    ndim_out = x.ndim + len(dimensions)
    dims = []
    for d in dimensions:
        d = _operator.index(d)
        if not -ndim_out <= d < ndim_out:  # (JAX's error)
            raise ValueError(
                f"expand_dims: axis {d} is out of bounds for array of dimension {ndim_out}"
            )
        dims.append(d % ndim_out)
    if len(set(dims)) != len(dims):
        raise ValueError(f"expand_dims: repeated axis in lax.expand_dims: {tuple(dimensions)}")
    for d in sorted(dims):
        shape.insert(d, 1)
    return reshape(x, shape)


def squeeze(array, dimensions):
    x = as_operand(array, "squeeze")
    dims = {d % x.ndim for d in dimensions}
    return reshape(x, [s for i, s in enumerate(x.shape) if i not in dims])


def transpose(operand, permutation):
    x = as_operand(operand, "transpose")
    permutation = tuple(int(p) for p in permutation)
    if permutation == tuple(range(x.ndim)):
        return x
    return bind1("transpose", x, permutation=permutation)


def moveaxis(x, src, dst):
    """Moves dimension ``src`` to position ``dst`` (a transpose)."""
    x = asarray(x)
    perm = [d for d in range(x.ndim) if d != src]
    perm.insert(dst, src)
    return transpose(x, perm)


def slice(operand, start_indices, limit_indices, strides=None):  # noqa: A001
    x = as_operand(operand, "slice")
    strides = tuple(strides) if strides is not None else (1,) * x.ndim
    if (
        tuple(start_indices) == (0,) * x.ndim
        and tuple(limit_indices) == x.shape
        and all(s == 1 for s in strides)
    ):
        return x
    return bind1(
        "slice",
        x,
        start_indices=tuple(start_indices),
        limit_indices=tuple(limit_indices),
        strides=strides,
    )


def slice_in_dim(operand, start_index, limit_index, stride=1, axis=0):
    """jax.lax.slice_in_dim: ``operand[..., start_index:limit_index:stride]`` along ``axis``; a
    None start or limit is the axis's beginning or end, a negative one counts from the end."""
    x = as_operand(operand, "slice_in_dim")
    axis = int(axis)
    n = x.shape[axis]
    start = 0 if start_index is None else int(start_index)
    limit = n if limit_index is None else int(limit_index)
    start, limit = start + n if start < 0 else start, limit + n if limit < 0 else limit
    starts = [0] * x.ndim
    limits = list(x.shape)
    strides = [1] * x.ndim
    starts[axis], limits[axis], strides[axis] = start, limit, int(stride)
    return slice(x, starts, limits, strides)


def index_in_dim(operand, index, axis=0, keepdims=True):
    """jax.lax.index_in_dim: item ``index`` (negative counts from the end) along ``axis``."""
    x = as_operand(operand, "index_in_dim")
    index, axis = int(index), int(axis)
    n = x.shape[axis]
    wrapped = index + n if index < 0 else index
    if not 0 <= wrapped < n:
        raise IndexError(f"index {index} is out of bounds for axis {axis} with size {n}")
    r = slice_in_dim(x, wrapped, wrapped + 1, 1, axis)
    return r if keepdims else squeeze(r, (axis,))


def pad(operand, padding_value, padding_config):
    """``padding_config``: (low, high, interior) per dimension, as jax.lax.pad."""
    x = as_operand(operand, "pad")
    v = as_operand(padding_value, "pad")
    if isinstance(padding_value, _PY_SCALARS):
        _check_scalar("pad", padding_value, x.dtype, 1)
        v = asarray(padding_value, x.dtype)
    elif v.dtype != x.dtype:  # (JAX's rule and message)
        raise TypeError(
            f"pad operand and padding_value must be same dtype: got {x.dtype} and {v.dtype}."
        )
    if v.ndim:
        raise ValueError(f"padding_value must be a scalar; got {v.shape}")
    padding_config = [tuple(int(p) for p in c) for c in padding_config]
    if len(padding_config) != x.ndim:  # (JAX's checks and messages)
        raise ValueError(
            f"length of padding_config must equal the number of axes of operand, got "
            f"padding_config {padding_config} for operand shape {x.shape}"
        )
    for d, (lo, hi, inner) in zip(x.shape, padding_config):
        if inner < 0:
            raise ValueError(
                f"interior padding in padding_config must be nonnegative, got {padding_config}"
            )
        if lo + hi + d + _builtins.max(d - 1, 0) * inner < 0:
            raise ValueError(
                f"Dimension size after padding is not at least 0, got result shape for "
                f"operand shape {x.shape} and padding_config {padding_config}"
            )
    low, high, interior = zip(*padding_config) if padding_config else ((), (), ())
    return bind1("pad", x, v, low=tuple(low), high=tuple(high), interior=tuple(interior))


def concatenate(operands, dimension):
    operands = [as_operand(o, "concatenate") for o in operands]
    if len(operands) == 1:
        return operands[0]
    return bind1("concatenate", *operands, dimension=int(dimension))


def rev(operand, dimensions):
    x = as_operand(operand, "rev")
    if not dimensions:
        return x
    return bind1("rev", x, dimensions=tuple(int(d) for d in dimensions))


def _axis(a, ndim, name):
    a = int(a)
    if not -ndim <= a < _builtins.max(ndim, 1):
        raise ValueError(f"{name}: axis {a} is out of bounds for an array of rank {ndim}")
    return a % _builtins.max(ndim, 1)


def _reduce(name):
    def op(operand, axes):
        x = as_operand(operand, name)
        if name in ("reduce_sum", "reduce_prod"):
            _reject_kinds(name, x, "b", "number", pos=None)  # (JAX's rule)
        return bind1(name, x, axes=tuple(sorted(_axis(a, x.ndim, name) for a in axes)))

    op.__name__ = op.__qualname__ = name
    return op


_reduce_sum = _reduce("reduce_sum")


def reduce_sum(operand, axes, *, out_sharding=None):
    return _reduce_sum(operand, axes)


reduce_prod = _reduce("reduce_prod")
reduce_max = _reduce("reduce_max")
reduce_min = _reduce("reduce_min")
_reduce_and = _reduce("reduce_and")
_reduce_or = _reduce("reduce_or")


def _bitwise_reduce(name, logical, ufunc):
    """JAX's reduce_and / reduce_or: logical for bool operands (the primitive), bitwise for
    integer ones (the ufunc's reduce, with its identity for an empty reduction)."""

    def op(operand, axes):
        x = as_operand(operand, name)
        if x.dtype.kind not in "iu":
            return logical(x, axes)
        from arrax import numpy as anp

        dims = tuple(sorted(_axis(a, x.ndim, name) for a in axes))
        return getattr(anp, ufunc).reduce(x, axis=dims)

    op.__name__ = op.__qualname__ = name
    return op


reduce_and = _bitwise_reduce("reduce_and", _reduce_and, "bitwise_and")
reduce_or = _bitwise_reduce("reduce_or", _reduce_or, "bitwise_or")


def argmax(operand, axis, index_dtype=_onp.int64):
    return bind1(
        "argmax", as_operand(operand, "argmax"), axis=int(axis), index_dtype=_onp.dtype(index_dtype)
    )


def argmin(operand, axis, index_dtype=_onp.int64):
    return bind1(
        "argmin", as_operand(operand, "argmin"), axis=int(axis), index_dtype=_onp.dtype(index_dtype)
    )


def _cumulative(name):
    def op(operand, axis=0, reverse=False):
        x = as_operand(operand, name)
        _reject_kinds(name, x, "b", "number", pos=None)  # (JAX's rule)
        return bind1(name, x, axis=_axis(axis, x.ndim, name), reverse=bool(reverse))

    op.__name__ = op.__qualname__ = name
    return op


cumsum = _cumulative("cumsum")
cumprod = _cumulative("cumprod")
cummax = _cumulative("cummax")
cummin = _cumulative("cummin")


_PRECISIONS = {None, "default", "high", "highest", "bfloat16", "tensorfloat32", "float32",
               "bfloat16_3x", "fastest", "tf32", "bf16"}  # fmt: skip


def _is_algorithm(key):
    """Whether key names a lax.DotAlgorithmPreset (a hint on arrax's CPU, as Precision)."""
    from arrax.lax._conv_extras import DotAlgorithmPreset

    return str(key).upper() in DotAlgorithmPreset.__members__


def _check_precision(name, precision):
    """JAX's precision argument (None, a lax.Precision, its name, or one per operand), checked.
    It is a hint, as in JAX: arrax computes float32 products exactly unless
    arrax.set_matmul_precision opted into TF32 or bf16 for the GPU, whatever the call asks."""
    for p in precision if isinstance(precision, (tuple, list)) else (precision,):
        key = getattr(p, "name", p)
        if not (key is None or str(key).lower() in _PRECISIONS or _is_algorithm(key)):
            raise ValueError(f"{name}: unknown precision {p!r}")


def preferred_operands(lhs, rhs, preferred_element_type):
    """The operands of a product with JAX's preferred_element_type, and the dtype its result is
    then converted to: operands widened to it when it holds their dtype (exact products, sums in
    that dtype: int8 x int8 -> int32 does not wrap), else the result converted."""
    if preferred_element_type is None:
        return lhs, rhs, None
    pet = _onp.dtype(preferred_element_type)
    if widens_to(pet, lhs.dtype, rhs.dtype):
        return convert_element_type(lhs, pet), convert_element_type(rhs, pet), None
    return lhs, rhs, pet


def widens_to(preferred, *dtypes):
    """Whether a product's preferred element type holds its operands' common dtype (so they are
    converted to it first, rather than the result after)."""
    return _onp.promote_types(_onp.result_type(*dtypes), preferred) == preferred


def dot_general(
    lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None, *, out_sharding=None
):
    """``dimension_numbers`` = ((lhs_contracting, rhs_contracting), (lhs_batch, rhs_batch))."""
    _check_precision("dot_general", precision)
    (lc, rc), (lb, rb) = dimension_numbers
    lhs, rhs, out_dtype = preferred_operands(
        as_operand(lhs, "dot_general"), as_operand(rhs, "dot_general"), preferred_element_type
    )
    out = bind1(
        "dot_general",
        lhs,
        rhs,
        lhs_contracting=tuple(lc),
        rhs_contracting=tuple(rc),
        lhs_batch=tuple(lb),
        rhs_batch=tuple(rb),
    )
    return out if out_dtype is None else convert_element_type(out, out_dtype)


def dot(
    lhs,
    rhs,
    precision=None,
    preferred_element_type=None,
    *,
    dimension_numbers=None,
    out_sharding=None,
):
    """jax.lax.dot: lhs's last dimension contracted with rhs's first, or as dimension_numbers
    say (then as lax.dot_general). (precision and preferred_element_type are keyword-only in
    JAX; they are accepted by position too.)"""
    lhs, rhs = as_operand(lhs, "dot"), as_operand(rhs, "dot")
    if dimension_numbers is None:
        dimension_numbers = (((lhs.ndim - 1,), (0,)), ((), ()))
    return dot_general(
        lhs,
        rhs,
        dimension_numbers,
        precision=precision,
        preferred_element_type=preferred_element_type,
    )


def iota(dtype, size):
    return bind1("iota", shape=(int(size),), dimension=0, dtype=_onp.dtype(dtype))


def broadcasted_iota(dtype, shape, dimension, *, out_sharding=None):
    return bind1(
        "iota",
        shape=tuple(int(s) for s in shape),
        dimension=int(dimension),
        dtype=_onp.dtype(dtype),
    )


def _index_operands(operand, start_indices, allow_negative_indices=True):
    """The start index operands of a dynamic slice of ``operand``, as JAX normalizes them: a
    negative (signed) index counts from the end of its dimension unless allow_negative_indices
    (one bool, or one per dimension) says otherwise."""
    if not isinstance(start_indices, (list, tuple)):
        a = asarray(start_indices)
        if a.ndim != 1:
            raise ValueError(f"Slice indices must be a 1D sequence, got {a.shape}")
        start_indices = [index_in_dim(a, k, keepdims=False) for k in range(a.shape[0])]
    if len(start_indices) != operand.ndim:
        raise ValueError(
            "Length of slice indices must match number of operand dimensions "
            f"({len(start_indices)} vs {operand.shape})"
        )
    if isinstance(allow_negative_indices, (bool, _onp.bool_)):
        allow_negative_indices = [bool(allow_negative_indices)] * operand.ndim
    out = []
    for i, d, negative in zip(start_indices, operand.shape, allow_negative_indices):
        if isinstance(i, (int, _onp.integer)) and not isinstance(i, (bool, _onp.bool_)):
            if i < 0 and not negative:
                raise ValueError(
                    f"Index {i} is out of bounds for dimension {d} if allow_negative_indices=False"
                )
            a = asarray(int(i) + d) if i < 0 else asarray(i)  # (a static index wrapped here)
        else:
            a = asarray(i)
            if a.dtype.kind not in "iu":
                a = convert_element_type(a, _onp.int64)
            if negative and a.dtype.kind == "i":
                a = convert_element_type(a, _onp.int64)  # (d may not fit a narrower one)
                zero = full(a.shape, 0, a.dtype)
                a = select(bind1("lt", a, zero), bind1("add", a, full(a.shape, d, a.dtype)), a)
        out.append(a)
    return out


def dynamic_slice(operand, start_indices, slice_sizes, *, allow_negative_indices=True):
    """The window of ``slice_sizes`` at ``start_indices`` (a negative index counting from the
    end, unless allow_negative_indices is False; then clamped to fit), as jax.lax's."""
    operand = as_operand(operand, "dynamic_slice")
    return bind1(
        "dynamic_slice",
        operand,
        *_index_operands(operand, start_indices, allow_negative_indices),
        slice_sizes=tuple(int(s) for s in slice_sizes),
    )


def dynamic_update_slice(operand, update, start_indices, *, allow_negative_indices=True):
    operand = as_operand(operand, "dynamic_update_slice")
    update = as_operand(update, "dynamic_update_slice")
    _check_same_dtypes("dynamic_update_slice", operand, update)
    if update.ndim != operand.ndim:  # (JAX's shape rule and message)
        raise TypeError(
            "dynamic_update_slice update must have the same rank as operand, got update shape "
            f"{update.shape} for operand shape {operand.shape}."
        )
    starts = _index_operands(operand, start_indices, allow_negative_indices)
    return bind1("dynamic_update_slice", operand, update, *starts)


def _in_dim(ndim, axis, start_index, allow_negative_indices):
    """Start indices and negative-index flags for a dynamic slice along one axis."""
    axis = int(axis)
    starts, negative = [0] * ndim, [False] * ndim
    starts[axis], negative[axis] = start_index, allow_negative_indices
    return axis, starts, negative


def dynamic_slice_in_dim(operand, start_index, slice_size, axis=0, *, allow_negative_indices=True):
    operand = as_operand(operand, "dynamic_slice_in_dim")
    axis, starts, negative = _in_dim(operand.ndim, axis, start_index, allow_negative_indices)
    sizes = list(operand.shape)
    sizes[axis] = int(slice_size)
    return dynamic_slice(operand, starts, sizes, allow_negative_indices=negative)


def dynamic_index_in_dim(operand, index, axis=0, keepdims=True, *, allow_negative_indices=True):
    r = dynamic_slice_in_dim(operand, index, 1, axis, allow_negative_indices=allow_negative_indices)
    return r if keepdims else squeeze(r, (int(axis),))


def dynamic_update_slice_in_dim(operand, update, start_index, axis, *, allow_negative_indices=True):
    operand = as_operand(operand, "dynamic_update_slice_in_dim")
    _, starts, negative = _in_dim(operand.ndim, axis, start_index, allow_negative_indices)
    return dynamic_update_slice(operand, update, starts, allow_negative_indices=negative)


def dynamic_update_index_in_dim(operand, update, index, axis, *, allow_negative_indices=True):
    update = as_operand(update, "dynamic_update_index_in_dim")
    operand = as_operand(operand, "dynamic_update_index_in_dim")
    axis = int(axis)
    if update.ndim != operand.ndim:
        if update.ndim + 1 != operand.ndim:
            raise ValueError(
                f"dynamic_update_index_in_dim: an update of rank {update.ndim} for an operand "
                f"of rank {operand.ndim}"
            )
        update = expand_dims(update, (axis,))
    return dynamic_update_slice_in_dim(
        operand, update, index, axis, allow_negative_indices=allow_negative_indices
    )


def stop_gradient(x):
    """Like ``jax.lax.stop_gradient``: x's value (any pytree), with no derivative flowing
    through it."""
    return tree_util.tree_map(lambda leaf: bind1("stop_gradient", asarray(leaf)), x)


from arrax._trace_core import numpy_module as _np  # noqa: E402 (arrax.numpy, imported late)

_PY_SCALAR_DTYPES = {bool: "bool", int: "int64", float: "float64", complex: "complex128"}


def dtype(x):
    """jax.lax.dtype: the dtype of a value or type (Python scalars and their types give arrax's
    64-bit defaults)."""
    if isinstance(x, type) and x in _PY_SCALAR_DTYPES:
        return _onp.dtype(_PY_SCALAR_DTYPES[x])
    if type(x) in _PY_SCALAR_DTYPES:
        return _onp.dtype(_PY_SCALAR_DTYPES[type(x)])
    if hasattr(x, "dtype") and not isinstance(x, type):
        return _onp.dtype(x.dtype)
    try:
        return _onp.dtype(x)
    except TypeError:
        raise TypeError(f"Cannot determine dtype of {x}") from None


def empty(shape, dtype, *, out_sharding=None):
    """jax.lax.empty: an array of shape and dtype whose contents are unspecified (zeros)."""
    if isinstance(shape, (int, _onp.integer)):
        shape = (int(shape),)
    return full(shape, 0, _onp.dtype(dtype))


def broadcast_like(arr, like_arr):
    """jax.lax.broadcast_like: arr broadcast (NumPy's rules) to like_arr's shape."""
    return _np().broadcast_to(arr, _onp.shape(like_arr))


def stack(operands, axis=0):
    """jax.lax.stack: operands of one shape and dtype stacked along a new axis."""
    operands = [as_operand(o, "stack") for o in operands]
    if not operands:
        raise ValueError("stack expects at least one operand, got 0.")
    if len({o.shape for o in operands}) != 1:
        raise ValueError(
            "All input arrays must have the same shape. Got "
            f"{', '.join(str(o.shape) for o in operands)}."
        )
    _check_same_dtypes("stack", *operands)
    axis = _axis(axis, operands[0].ndim + 1, "stack")
    return concatenate([expand_dims(o, (axis,)) for o in operands], axis)


def unstack(x, axis=0):
    """jax.lax.unstack: the slices of x along axis, as a tuple."""
    x = as_operand(x, "unstack")
    axis = _axis(axis, x.ndim, "unstack")
    return tuple(index_in_dim(x, i, axis, keepdims=False) for i in range(x.shape[axis]))


def index_take(src, idxs, axes):
    """jax.lax.index_take: src at the index arrays idxs (one per axis of axes, wrapped modulo
    the axis's size), the result's first dimension running over them, then src's other
    dimensions."""
    np = _np()
    src = np.asarray(src)
    axes = [_axis(a, src.ndim, "index_take") for a in axes]
    if axes != sorted(set(axes)):  # (as the gather JAX's makes)
        raise TypeError(f"index_take: axes must be sorted and distinct; got {tuple(axes)}")
    idx = tuple(np.remainder(np.asarray(i), src.shape[a]) for i, a in zip(idxs, axes))
    return np.moveaxis(src, axes, list(range(len(axes))))[idx]


def mulhi(x, y, /):
    """jax.lax.mulhi: the high half of the bits of each product of two N-bit integers (of the
    full 2N-bit product, signed for signed dtypes)."""
    np = _np()
    x, y = _match(x, y, "mulhi")
    if x.dtype.kind not in "iu":
        raise TypeError(f"mulhi does not accept dtype {x.dtype}: integers only")
    _check_same_dtypes("mulhi", x, y)
    x, y = _broadcast_operands("mulhi", x, y)
    bits = 8 * x.dtype.itemsize
    if bits < 64:
        wide = _onp.dtype("int64" if x.dtype.kind == "i" else "uint64")
        prod = np.multiply(x.astype(wide), y.astype(wide))
        return np.right_shift(prod, bits).astype(x.dtype)
    u64 = _onp.dtype("uint64")
    a, b = x.astype(u64), y.astype(u64)
    low = _onp.uint64(0xFFFFFFFF)
    a_lo, a_hi, b_lo, b_hi = a & low, a >> 32, b & low, b >> 32
    t = a_hi * b_lo + ((a_lo * b_lo) >> 32)
    w = (t & low) + a_lo * b_hi
    hi = a_hi * b_hi + (t >> 32) + (w >> 32)
    if x.dtype.kind == "i":  # the signed product's high half, modulo 2**64
        zero = _onp.uint64(0)
        hi = hi - np.where(x < 0, b, zero) - np.where(y < 0, a, zero)
    return hi.astype(x.dtype)


def reduce_precision(operand, exponent_bits, mantissa_bits):
    """jax.lax.reduce_precision: each value rounded (to nearest even) to a float with the given
    numbers of exponent and mantissa bits, and kept in operand's dtype (XLA's ReducePrecision:
    out-of-range values overflow to inf or flush to zero; a NaN stays as it is)."""
    np = _np()
    x = as_operand(operand, "reduce_precision")
    if not np.issubdtype(x.dtype, np.floating):  # (bfloat16 too)
        raise TypeError(f"reduce_precision does not accept dtype {x.dtype}: floats only")
    exponent_bits, mantissa_bits = int(exponent_bits), int(mantissa_bits)
    if exponent_bits < 1 or mantissa_bits < 0:
        raise ValueError(
            f"reduce_precision: exponent_bits {exponent_bits} must be >= 1 and mantissa_bits "
            f"{mantissa_bits} >= 0"
        )
    fi = np.finfo(x.dtype)
    src_mant, src_exp, nbits = int(fi.nmant), int(fi.nexp), 8 * x.dtype.itemsize
    from arrax.lax._composites import bitcast_convert_type

    u = _onp.dtype(f"uint{nbits}")
    k = lambda v: _onp.array(v, u)  # noqa: E731 (an unsigned constant)
    bits = bitcast_convert_type(x, u)
    if mantissa_bits < src_mant:
        shift = src_mant - mantissa_bits
        last = 1 << shift
        bias = ((bits & k(last)) >> k(shift)) + k((last >> 1) - 1)
        bits = (bits + bias) & k(~(last - 1) & ((1 << nbits) - 1))
    if exponent_bits < src_exp:
        exp_mask = ((1 << src_exp) - 1) << src_mant
        src_bias = (1 << (src_exp - 1)) - 1
        dest_bias = (1 << (exponent_bits - 1)) - 1
        exponent = bits & k(exp_mask)
        signed_zero = bits & k(1 << (nbits - 1))
        bits = np.where(
            exponent > k((src_bias + dest_bias) << src_mant),
            signed_zero | k(exp_mask),
            np.where(exponent <= k((src_bias - dest_bias) << src_mant), signed_zero, bits),
        )
    out = bitcast_convert_type(bits, x.dtype)
    return np.where(np.isnan(x), x, out)


def approx_max_k(
    operand,
    k,
    reduction_dimension=-1,
    recall_target=0.95,
    reduction_input_size_override=-1,
    aggregate_to_topk=True,
):
    """jax.lax.approx_max_k: the k largest values along reduction_dimension and their (int32)
    indices; computed exactly, as JAX on CPU and GPU (the recall target is a hint)."""
    from arrax.lax._composites import top_k

    return list(top_k(operand, int(k), axis=int(reduction_dimension)))


def approx_min_k(
    operand,
    k,
    reduction_dimension=-1,
    recall_target=0.95,
    reduction_input_size_override=-1,
    aggregate_to_topk=True,
):
    """jax.lax.approx_min_k: the k smallest values along reduction_dimension, ascending, and
    their (int32) indices; computed exactly."""
    np = _np()
    x = np.moveaxis(np.asarray(operand), int(reduction_dimension), -1)
    k = int(k)
    if not 0 <= k <= x.shape[-1]:
        raise ValueError(f"approx_min_k: k={k} is out of range for an axis of {x.shape[-1]}")
    idx = np.argsort(x, axis=-1, stable=True)[..., :k]
    vals = np.take_along_axis(x, idx, axis=-1)
    ax = int(reduction_dimension)
    return [np.moveaxis(vals, -1, ax), np.moveaxis(idx.astype(_onp.int32), -1, ax)]


def platform_dependent(*args, default=None, **per_platform):
    """jax.lax.platform_dependent: the branch for the platform arrax computes on ('cpu' or
    'cuda'), else ``default``, applied to args."""
    for name, branch in per_platform.items():
        if not callable(branch):
            raise TypeError(f"lax.platform_dependent: the '{name}' branch must be a callable.")
        if name == "gpu":
            raise ValueError("Use 'cuda' or 'rocm' for lax.platform_dependent.")
    if default is not None and not callable(default):
        raise TypeError("lax.platform_dependent: the 'default' branch must be a callable.")
    import arrax

    platform = arrax.default_backend()
    platform = "cuda" if platform == "gpu" else platform
    branch = per_platform.get(platform, default)
    if branch is None:
        raise ValueError(
            f"lax.platform_dependent: the platform {platform!r} is not among the platforms "
            f"of the branches ({', '.join(per_platform)}) and there is no default"
        )
    return branch(*args)


def composite(decomposition, name, version=0):
    """jax.lax.composite: decomposition, as a function (a composite is a hint to compilers that
    know its name; arrax computes its decomposition)."""
    import functools

    @functools.wraps(decomposition)
    def f(*args, **kwargs):
        return decomposition(*args, **kwargs)

    return f
