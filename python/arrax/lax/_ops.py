"""Primitive-level operations (JAX's ``lax``): thin wrappers that bind one primitive each.

Unlike ``arrax.numpy`` these do not promote or broadcast: operands of elementwise operations
share a shape and dtype (a Python scalar takes the array operand's dtype), as in JAX.
"""

import builtins as _builtins
import enum as _enum

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


def full(shape, fill_value, dtype=None):
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


def _match(x, y):
    """Elementwise operands: a Python scalar takes the other operand's dtype."""
    if isinstance(x, _PY_SCALARS) and not isinstance(y, _PY_SCALARS):
        y = asarray(y)
        return full(y.shape, x, y.dtype), y
    if isinstance(y, _PY_SCALARS) and not isinstance(x, _PY_SCALARS):
        x = asarray(x)
        return x, full(x.shape, y, x.dtype)
    return asarray(x), asarray(y)


def _unary(name):
    def op(x):
        return bind1(name, asarray(x))

    op.__name__ = name
    op.__doc__ = f"The ``{name}`` primitive, elementwise."
    return op


def _binary(name):
    def op(x, y):
        x, y = _match(x, y)
        if x.shape != y.shape or x.dtype != y.dtype:
            raise TypeError(
                f"{name}: operands must share shape and dtype, got "
                f"{x.dtype}{list(x.shape)} and {y.dtype}{list(y.shape)}"
            )
        return bind1(name, x, y)

    op.__name__ = name
    op.__doc__ = f"The ``{name}`` primitive, elementwise (no broadcasting or promotion)."
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
    x = asarray(x)
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
    x = asarray(x)
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
bitwise_and = _binary("and")
bitwise_or = _binary("or")
bitwise_xor = _binary("xor")
shift_left = _binary("shift_left")
shift_right_logical = _binary("shift_right")


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
    x, q = asarray(x), asarray(q)
    if x.dtype != q.dtype or x.shape != q.shape:
        raise TypeError(
            f"zeta: operands must have one dtype and shape, got {x.dtype}{list(x.shape)} and "
            f"{q.dtype}{list(q.shape)}"
        )
    return bind1("zeta", x, q)


def integer_pow(x, y: int):
    """x ** y for a Python int y, by repeated multiplication (as jax.lax.integer_pow)."""
    x = asarray(x)
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
    x = asarray(x)
    return bind1("mul", x, x)


def rsqrt(x):
    x = asarray(x)
    return bind1("div", full(x.shape, 1, x.dtype), bind1("sqrt", x))


def logistic(x):
    x = asarray(x)
    one = full(x.shape, 1, x.dtype)
    return bind1("div", one, bind1("add", one, bind1("exp", bind1("neg", x))))


def select(pred, on_true, on_false):
    """``on_true`` where ``pred`` else ``on_false`` (same shapes; pred bool)."""
    return bind1("select", asarray(pred), asarray(on_true), asarray(on_false))


def convert_element_type(x, new_dtype):
    x = asarray(x)
    new_dtype = _onp.dtype(new_dtype)
    if x.dtype == new_dtype:
        return x
    return bind1("convert_element_type", x, new_dtype=new_dtype)


def broadcast_in_dim(x, shape, broadcast_dimensions):
    x = asarray(x)
    shape = tuple(int(d) for d in shape)
    broadcast_dimensions = tuple(int(d) for d in broadcast_dimensions)
    if x.shape == shape and broadcast_dimensions == tuple(range(len(shape))):
        return x
    return bind1("broadcast_in_dim", x, shape=shape, broadcast_dimensions=broadcast_dimensions)


def broadcast(x, sizes):
    """Adds leading dimensions of ``sizes``."""
    x = asarray(x)
    n = len(sizes)
    return broadcast_in_dim(x, tuple(sizes) + x.shape, tuple(range(n, n + x.ndim)))


def reshape(x, new_sizes, dimensions=None):
    x = asarray(x)
    if dimensions is not None:
        x = transpose(x, dimensions)
    new_sizes = tuple(int(d) for d in new_sizes)
    if x.shape == new_sizes:
        return x
    return bind1("reshape", x, new_sizes=new_sizes)


def expand_dims(x, dimensions):
    x = asarray(x)
    shape = list(x.shape)
    for d in sorted(d % (x.ndim + len(dimensions)) for d in dimensions):
        shape.insert(d, 1)
    return reshape(x, shape)


def squeeze(x, dimensions):
    x = asarray(x)
    dims = {d % x.ndim for d in dimensions}
    return reshape(x, [s for i, s in enumerate(x.shape) if i not in dims])


def transpose(x, permutation):
    x = asarray(x)
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


def slice(x, start_indices, limit_indices, strides=None):  # noqa: A001
    x = asarray(x)
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


def slice_in_dim(x, start, limit, stride=1, axis=0):
    x = asarray(x)
    starts = [0] * x.ndim
    limits = list(x.shape)
    strides = [1] * x.ndim
    starts[axis], limits[axis], strides[axis] = start, limit, stride
    return slice(x, starts, limits, strides)


def index_in_dim(x, index, axis=0, keepdims=True):
    x = asarray(x)
    r = slice_in_dim(x, index, index + 1, 1, axis)
    return r if keepdims else squeeze(r, (axis,))


def pad(x, padding_value, padding_config):
    """``padding_config``: (low, high, interior) per dimension, as jax.lax.pad."""
    x = asarray(x)
    v = asarray(padding_value, x.dtype)
    low, high, interior = zip(*padding_config) if padding_config else ((), (), ())
    return bind1("pad", x, v, low=tuple(low), high=tuple(high), interior=tuple(interior))


def concatenate(operands, dimension):
    operands = [asarray(o) for o in operands]
    if len(operands) == 1:
        return operands[0]
    return bind1("concatenate", *operands, dimension=int(dimension))


def rev(x, dimensions):
    x = asarray(x)
    if not dimensions:
        return x
    return bind1("rev", x, dimensions=tuple(int(d) for d in dimensions))


def _axis(a, ndim, name):
    a = int(a)
    if not -ndim <= a < _builtins.max(ndim, 1):
        raise ValueError(f"{name}: axis {a} is out of bounds for an array of rank {ndim}")
    return a % _builtins.max(ndim, 1)


def _reduce(name):
    def op(x, axes):
        x = asarray(x)
        return bind1(name, x, axes=tuple(sorted(_axis(a, x.ndim, name) for a in axes)))

    op.__name__ = name
    return op


reduce_sum = _reduce("reduce_sum")
reduce_prod = _reduce("reduce_prod")
reduce_max = _reduce("reduce_max")
reduce_min = _reduce("reduce_min")
reduce_and = _reduce("reduce_and")
reduce_or = _reduce("reduce_or")


def argmax(x, axis, index_dtype=_onp.int64):
    return bind1("argmax", asarray(x), axis=int(axis), index_dtype=_onp.dtype(index_dtype))


def argmin(x, axis, index_dtype=_onp.int64):
    return bind1("argmin", asarray(x), axis=int(axis), index_dtype=_onp.dtype(index_dtype))


def _cumulative(name):
    def op(x, axis=0, reverse=False):
        x = asarray(x)
        return bind1(name, x, axis=_axis(axis, x.ndim, name), reverse=bool(reverse))

    op.__name__ = name
    return op


cumsum = _cumulative("cumsum")
cumprod = _cumulative("cumprod")
cummax = _cumulative("cummax")
cummin = _cumulative("cummin")


_PRECISIONS = {None, "default", "high", "highest", "bfloat16", "tensorfloat32", "float32",
               "bfloat16_3x", "fastest", "tf32", "bf16"}  # fmt: skip


def _check_precision(name, precision):
    """JAX's precision argument (None, a lax.Precision, its name, or one per operand), checked.
    It is a hint, as in JAX: arrax computes float32 products exactly unless
    arrax.set_matmul_precision opted into TF32 or bf16 for the GPU, whatever the call asks."""
    for p in precision if isinstance(precision, (tuple, list)) else (precision,):
        key = getattr(p, "name", p)
        if not (key is None or str(key).lower() in _PRECISIONS):
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


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None):
    """``dimension_numbers`` = ((lhs_contracting, rhs_contracting), (lhs_batch, rhs_batch))."""
    _check_precision("dot_general", precision)
    (lc, rc), (lb, rb) = dimension_numbers
    lhs, rhs, out_dtype = preferred_operands(asarray(lhs), asarray(rhs), preferred_element_type)
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


def dot(lhs, rhs, precision=None, preferred_element_type=None):
    lhs, rhs = asarray(lhs), asarray(rhs)
    return dot_general(
        lhs,
        rhs,
        (((lhs.ndim - 1,), (0,)), ((), ())),
        precision=precision,
        preferred_element_type=preferred_element_type,
    )


def iota(dtype, size):
    return bind1("iota", shape=(int(size),), dimension=0, dtype=_onp.dtype(dtype))


def broadcasted_iota(dtype, shape, dimension):
    return bind1(
        "iota",
        shape=tuple(int(s) for s in shape),
        dimension=int(dimension),
        dtype=_onp.dtype(dtype),
    )


def _index_operands(start_indices):
    out = []
    for i in start_indices:
        a = asarray(i)
        if a.dtype.kind not in "iu":
            a = convert_element_type(a, _onp.int64)
        out.append(a)
    return out


def dynamic_slice(operand, start_indices, slice_sizes):
    """The window of ``slice_sizes`` at ``start_indices`` (clamped to fit), as jax.lax's."""
    operand = asarray(operand)
    return bind1(
        "dynamic_slice",
        operand,
        *_index_operands(start_indices),
        slice_sizes=tuple(int(s) for s in slice_sizes),
    )


def dynamic_update_slice(operand, update, start_indices):
    operand = asarray(operand)
    update = asarray(update, operand.dtype)
    return bind1("dynamic_update_slice", operand, update, *_index_operands(start_indices))


def dynamic_slice_in_dim(operand, start_index, slice_size, axis=0):
    operand = asarray(operand)
    starts = [0] * operand.ndim
    sizes = list(operand.shape)
    starts[axis], sizes[axis] = start_index, slice_size
    return dynamic_slice(operand, starts, sizes)


def dynamic_index_in_dim(operand, index, axis=0, keepdims=True):
    r = dynamic_slice_in_dim(operand, index, 1, axis)
    return r if keepdims else squeeze(r, (axis,))


def dynamic_update_slice_in_dim(operand, update, start_index, axis):
    operand = asarray(operand)
    starts = [0] * operand.ndim
    starts[axis] = start_index
    return dynamic_update_slice(operand, update, starts)


def dynamic_update_index_in_dim(operand, update, index, axis):
    update = asarray(update)
    operand = asarray(operand)
    if update.ndim == operand.ndim - 1:
        update = expand_dims(update, (axis,))
    return dynamic_update_slice_in_dim(operand, update, index, axis)


def stop_gradient(x):
    """Like ``jax.lax.stop_gradient``: x's value (any pytree), with no derivative flowing
    through it."""
    return tree_util.tree_map(lambda leaf: bind1("stop_gradient", asarray(leaf)), x)
