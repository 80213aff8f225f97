"""jax.lax functions that are compositions of arrax.numpy operations: clamp, select_n,
full_like, sort and sort_key_val, top_k, cumlogsumexp, complex, split, batch_matmul,
population_count and shift_right_arithmetic, and the Precision names."""

import enum

import numpy as _onp

__all__ = [
    "clamp",
    "select_n",
    "full_like",
    "sort",
    "sort_key_val",
    "top_k",
    "cumlogsumexp",
    "complex",
    "split",
    "batch_matmul",
    "population_count",
    "shift_right_arithmetic",
    "Precision",
]


def _np():
    from arrax import numpy

    return numpy


class Precision(enum.Enum):
    """jax.lax.Precision: a matmul's precision (arrax computes in the operands' own dtype
    unless arrax.set_matmul_precision says otherwise)."""

    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2


def clamp(min, x, max):  # noqa: A002 (JAX's names)
    """x clipped to [min, max] (JAX's argument order)."""
    np = _np()
    return np.minimum(np.maximum(x, min), max)


def select_n(which, *cases):
    """cases[which] elementwise; a bool `which` picks between two cases."""
    np = _np()
    if not cases:
        raise ValueError("select_n: needs at least one case")
    which = np.asarray(which)
    if len(cases) == 1:
        return np.broadcast_to(cases[0], np.broadcast_shapes(which.shape, np.shape(cases[0])))
    if which.dtype == bool:
        if len(cases) != 2:
            raise ValueError("select_n: a bool selector picks between exactly two cases")
        return np.where(which, cases[1], cases[0])
    out = cases[-1]
    for i in range(len(cases) - 2, -1, -1):
        out = np.where(which == i, cases[i], out)
    return out


def full_like(x, fill_value, dtype=None, shape=None, sharding=None):
    np = _np()
    x = np.asarray(x)
    return np.full(
        x.shape if shape is None else shape, fill_value, x.dtype if dtype is None else dtype
    )


def sort(operand, dimension=-1, is_stable=True, num_keys=1):
    """Sorted along dimension; a sequence of operands is sorted by the first num_keys of them
    (lexicographically), the rest carried along."""
    np = _np()
    if not isinstance(operand, (tuple, list)):
        return np.sort(operand, axis=dimension, stable=True)
    ops = [np.asarray(o) for o in operand]
    keys = ops[:num_keys]
    # lexsort sorts by its last key first: keys reversed, along the dimension.
    order = np.argsort(keys[0], axis=dimension, stable=True) if num_keys == 1 else None
    if order is None:
        moved = [np.moveaxis(k, dimension, -1) for k in keys]
        order = np.moveaxis(np.lexsort(moved[::-1], axis=-1), -1, dimension)
    return tuple(np.take_along_axis(o, order, axis=dimension) for o in ops)


def sort_key_val(keys, values, dimension=-1, is_stable=True):
    return sort((keys, values), dimension, is_stable, 1)


def top_k(operand, k):
    """The k largest values along the last axis, in descending order, and their indices."""
    np = _np()
    x = np.asarray(operand)
    if not 0 <= k <= x.shape[-1]:
        raise ValueError(f"top_k: k={k} is out of range for a last axis of {x.shape[-1]}")
    # Descending and stable: the first of equal values first, as JAX.
    idx = np.argsort(-x if x.dtype.kind != "b" else ~x, axis=-1, stable=True)[..., :k]
    return np.take_along_axis(x, idx, axis=-1), idx.astype(_onp.int32)


def cumlogsumexp(operand, axis=0, reverse=False):
    """log(cumsum(exp(x))) along axis, stable: a running maximum is taken out of each term."""
    np = _np()
    x = np.asarray(operand)
    if reverse:
        x = np.flip(x, axis)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.cumsum(np.exp(x - m), axis=axis)) + m
    return np.flip(out, axis) if reverse else out


def complex(x, y):  # noqa: A001 (JAX's name)
    np = _np()
    x, y = np.asarray(x), np.asarray(y)
    ct = _onp.complex64 if _onp.result_type(x.dtype, y.dtype) == _onp.float32 else _onp.complex128
    return x.astype(ct) + 1j * y.astype(ct)


def split(operand, sizes, axis=0):
    """Pieces of the given sizes along axis."""
    np = _np()
    sizes = [int(s) for s in sizes]
    x = np.asarray(operand)
    if sum(sizes) != x.shape[axis]:
        raise ValueError(f"split: sizes {sizes} do not add up to {x.shape[axis]}")
    return tuple(np.split(x, _onp.cumsum(sizes)[:-1].tolist(), axis=axis))


def batch_matmul(lhs, rhs, precision=None):
    return _np().matmul(lhs, rhs)


def population_count(x):
    """The number of 1 bits of each element (of its bits as an unsigned integer)."""
    np = _np()
    x = np.asarray(x)
    u = x.astype(_onp.dtype(f"u{x.dtype.itemsize}")) if x.dtype.kind == "i" else x
    return np.bitwise_count(u).astype(x.dtype)


def shift_right_arithmetic(x, y):
    """x >> y with the sign bit copied in (NumPy's >> on signed integers)."""
    np = _np()
    x = np.asarray(x)
    if x.dtype.kind == "u":
        s = _onp.dtype(f"i{x.dtype.itemsize}")
        return np.right_shift(x.astype(s), np.asarray(y).astype(s)).astype(x.dtype)
    return np.right_shift(x, y)
