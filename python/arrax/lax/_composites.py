"""jax.lax functions that are compositions of arrax.numpy operations: clamp, select_n,
full_like, sort and sort_key_val, top_k, cumlogsumexp, complex, split, batch_matmul,
population_count and shift_right_arithmetic, reciprocal/rsqrt/square, broadcast_shapes,
collapse, tile, reduce (of the monoids lax names), associative_scan, and the Precision
names."""

import enum

import numpy as _onp

__all__ = [
    "igamma",
    "igammac",
    "igamma_grad_a",
    "random_gamma_grad",
    "betainc",
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
    "reciprocal",
    "rsqrt",
    "square",
    "broadcast_shapes",
    "collapse",
    "tile",
    "reduce",
    "associative_scan",
    "Precision",
    "bitcast_convert_type",
    "clz",
    "reduce_xor",
    "broadcast_to_rank",
    "optimization_barrier",
    "with_sharding_constraint",
]


from arrax._trace_core import numpy_module as _np  # noqa: E402 (arrax.numpy, imported late)


def _ops_as_operand(x, name):
    from arrax.lax._ops import as_operand

    return as_operand(x, name)


def _core_ndarray():
    from arrax import _core

    return _core.ndarray


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
    # (which <= i rather than ==: an out-of-range selector clamps to the first or last case,
    # as XLA's tree of selects does on JAX's backends)
    out = cases[-1]
    for i in range(len(cases) - 2, -1, -1):
        out = np.where(which <= i, cases[i], out)
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
    if not operand:
        raise TypeError("sort: Sort requires at least one operand")
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


def top_k(operand, k, *, axis=-1):
    """The k largest values along `axis` (the last by default), in descending order, and their
    indices."""
    np = _np()
    x = np.moveaxis(np.asarray(operand), axis, -1)
    if not 0 <= k <= x.shape[-1]:
        raise ValueError(f"top_k: k={k} is out of range for an axis of {x.shape[-1]}")
    # Descending and stable: the first of equal values first, as JAX (for every dtype: -x of
    # an unsigned array wraps).
    idx = np.argsort(x, axis=-1, descending=True)[..., :k]
    vals = np.take_along_axis(x, idx, axis=-1)
    return np.moveaxis(vals, -1, axis), np.moveaxis(idx.astype(_onp.int32), -1, axis)


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
    from arrax.numpy._common import complex_from_parts

    return complex_from_parts(x, y, ct)  # (x + 1j * y makes an infinite y's real part NaN)


def split(operand, sizes, axis=0):
    """Pieces of the given sizes along axis."""
    np = _np()
    sizes = [int(s) for s in sizes]
    x = np.asarray(operand)
    if any(s < 0 for s in sizes):  # (JAX's checks and messages)
        raise ValueError(f"Sizes passed to split must be nonnegative, got {sizes}")
    axis = int(axis)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {x.ndim}")
    axis %= x.ndim
    if sum(sizes) != x.shape[axis]:
        raise ValueError(
            f"Sum of sizes {sum(sizes)} must be equal to dimension {axis} of the operand shape "
            f"{list(x.shape)}"
        )
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


def reciprocal(x):
    return _np().reciprocal(x)


def rsqrt(x):
    return 1 / _np().sqrt(x)


def square(x):
    return _np().square(x)


def broadcast_shapes(*shapes):
    return tuple(_onp.broadcast_shapes(*shapes))


def collapse(operand, start_dimension, stop_dimension=None):
    """operand with dims [start, stop) merged into one."""
    shape = tuple(operand.shape)
    stop = len(shape) if stop_dimension is None else stop_dimension
    merged = int(_onp.prod(shape[start_dimension:stop], dtype=_onp.int64))
    return _np().reshape(operand, shape[:start_dimension] + (merged,) + shape[stop:])


def tile(operand, reps):
    from arrax.lax._ops import as_operand

    return _np().tile(as_operand(operand, "tile"), reps)


def reduce(operands, init_values, computation, dimensions):
    """jax.lax.reduce. The monoids (lax.add, mul, max, min, bitwise_and/or/xor or their
    operator/numpy equivalents) reduce leaf by leaf through arrax's reductions; any other
    computation (variadic ones too: operands and init_values pytrees of the same structure)
    by _reduce_pairwise."""
    from arrax import tree_util
    from arrax.lax import _ops

    np = _np()
    kinds = {
        _ops.add: np.sum, _ops.mul: np.prod, _ops.max: np.max, _ops.min: np.min,
        np.add: np.sum, np.multiply: np.prod, np.maximum: np.max, np.minimum: np.min,
        _ops.bitwise_and: np.bitwise_and.reduce, _ops.bitwise_or: np.bitwise_or.reduce,
        _ops.bitwise_xor: np.bitwise_xor.reduce,
    }  # fmt: skip
    fn = kinds.get(computation)
    leaves, tree = tree_util.tree_flatten(operands)
    inits, init_tree = tree_util.tree_flatten(init_values)
    axes = tuple(int(d) for d in dimensions)
    if tree != init_tree:  # (JAX's checks and messages)
        raise ValueError(
            f"reduce: Operands must have the same tree structure as init_values: {tree} vs. {init_tree}"
        )
    for init in inits:
        shape = tuple(getattr(init, "shape", None) or _onp.shape(init))
        if shape:
            raise ValueError(f"reduce found non-scalar initial value: {shape}")
    if len(set(axes)) != len(axes):
        raise ValueError(f"duplicate value in 'axes' of reduction: {axes}")
    if len(leaves) != len(inits):
        raise ValueError(
            f"reduce: {len(leaves)} operands but {len(inits)} init_values; they must match"
        )
    leaves = [_ops.as_operand(x, "reduce") for x in leaves]
    # (an array init value has its operand's dtype, JAX's rule; a scalar one takes it)
    if any(isinstance(i, _core_ndarray()) and i.dtype != x.dtype for x, i in zip(leaves, inits)):
        shapes = lambda vs: ", ".join(f"{v.dtype}{list(_onp.shape(v))}" for v in vs)  # noqa: E731
        raise TypeError(
            "reduce operand dtypes should match corresponding initial value dtypes, got "
            f"operands=({shapes(leaves)}) and initial_values=({shapes(inits)})"
        )
    if fn is None:
        return _reduce_pairwise(leaves, inits, tree, computation, axes)
    out = []
    for x, init in zip(leaves, inits):
        x = np.asarray(x)
        if fn in (np.max, np.min) and any(x.shape[a] == 0 for a in axes):
            # max/min have no identity: over nothing the result is the init value (XLA's)
            kept = tuple(n for a, n in enumerate(x.shape) if a not in {d % x.ndim for d in axes})
            out.append(np.broadcast_to(np.asarray(init, dtype=x.dtype), kept))
            continue
        r = np.asarray(fn(x, axis=axes), dtype=x.dtype)
        out.append(computation(r, np.broadcast_to(np.asarray(init, dtype=x.dtype), r.shape)))
    return tree_util.tree_unflatten(tree, out)


def _reduce_pairwise(leaves, inits, tree, computation, axes):
    """A reduction by any associative computation (as XLA's, whose order is unspecified):
    the reduced axes flattened into one, neighbours combined pairwise, log2(n) calls of the
    computation on whole arrays (so it traces, batches and differentiates). An odd length is
    padded with the init value, which is the computation's identity; the init is combined
    into the result once."""
    from arrax import tree_util

    np = _np()
    xs = [np.asarray(x) for x in leaves]
    nd = xs[0].ndim
    axes = tuple(a % nd if nd else a for a in axes)
    if len(set(axes)) != len(axes) or any(not 0 <= a < nd for a in axes):
        raise ValueError(f"reduce: dimensions {axes} out of range for operands of rank {nd}")
    if any(x.shape != xs[0].shape for x in xs):
        raise ValueError(f"reduce: operands differ in shape: {[x.shape for x in xs]}")
    kept = [a for a in range(nd) if a not in axes]
    batch = tuple(xs[0].shape[a] for a in kept)
    xs = [np.transpose(x, kept + list(axes)).reshape(batch + (-1,)) for x in xs]
    inits = [np.asarray(i, dtype=x.dtype) for i, x in zip(inits, xs)]

    def combine(a, b):
        out = computation(tree_util.tree_unflatten(tree, a), tree_util.tree_unflatten(tree, b))
        return [np.asarray(o) for o in tree_util.tree_leaves(out)]

    n = xs[0].shape[-1]
    while n > 1:
        if n % 2:
            xs = [
                np.concatenate([x, np.broadcast_to(i, batch + (1,))], axis=-1)
                for x, i in zip(xs, inits)
            ]
            n += 1
        pairs = [x.reshape(batch + (n // 2, 2)) for x in xs]
        xs = combine([p[..., 0] for p in pairs], [p[..., 1] for p in pairs])
        n //= 2
    base = [np.broadcast_to(i, batch) for i in inits]
    out = base if n == 0 else combine(base, [x[..., 0] for x in xs])
    return tree_util.tree_unflatten(tree, out)


def associative_scan(fn, elems, reverse=False, axis=0):
    """jax.lax.associative_scan: the inclusive scan of an associative ``fn`` over ``axis`` of
    every leaf of ``elems``, by the parallel odd/even recursion (log depth; traces under jit)."""
    from arrax import tree_util

    if not callable(fn):
        raise TypeError("lax.associative_scan: fn argument should be callable.")
    np = _np()
    leaves, tree = tree_util.tree_flatten(elems)
    leaves = [np.asarray(x) for x in leaves]
    if not leaves:
        return elems
    ndim = leaves[0].ndim
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"associative_scan: axis {axis} is out of bounds for array of dimension {ndim}"
        )
    axis = axis % ndim
    n = leaves[0].shape[axis]
    if any(x.shape[axis] != n for x in leaves):
        raise ValueError("associative_scan: every leaf needs the same length along axis")
    if reverse:
        leaves = [np.flip(x, axis) for x in leaves]

    def sl(x, start, stop=None, step=1):
        idx = [slice(None)] * x.ndim
        idx[axis] = slice(start, stop, step)
        return x[tuple(idx)]

    def combine(a, b):
        out = fn(tree_util.tree_unflatten(tree, a), tree_util.tree_unflatten(tree, b))
        return [np.asarray(o) for o in tree_util.tree_leaves(out)]

    def interleave(a, b):
        """a[0], b[0], a[1], b[1], ...: len(a) is len(b) or len(b) + 1."""
        m, k = a.shape[axis], b.shape[axis]
        if k < m:
            pad = [(0, 0)] * b.ndim
            pad[axis] = (0, m - k)
            b = np.pad(b, pad)
        both = np.stack([a, b], axis=axis + 1)
        merged = np.reshape(both, a.shape[:axis] + (2 * m,) + a.shape[axis + 1 :])
        return sl(merged, 0, m + k)

    def scan(es):
        num = es[0].shape[axis]
        if num < 2:
            return es
        reduced = combine([sl(e, 0, num - 1, 2) for e in es], [sl(e, 1, None, 2) for e in es])
        odd = scan(reduced)
        if num % 2 == 0:
            even = combine(
                [sl(o, 0, o.shape[axis] - 1) for o in odd], [sl(e, 2, None, 2) for e in es]
            )
        else:
            even = combine(odd, [sl(e, 2, None, 2) for e in es])
        even = [np.concatenate([sl(e, 0, 1), r], axis=axis) for e, r in zip(es, even)]
        return [interleave(ev, od) for ev, od in zip(even, odd)]

    result = scan(leaves)
    if reverse:
        result = [np.flip(x, axis) for x in result]
    return tree_util.tree_unflatten(tree, result)


def igamma(a, x):
    """The regularized lower incomplete gamma function (scipy.special.gammainc)."""
    from arrax.scipy._incomplete import gammainc  # arrax.scipy imports arrax.lax

    return gammainc(a, x)


def _float_pair(name, a, x):
    """a and x as JAX's special-function primitives take them: one floating dtype."""
    np = _np()
    a, x = np.asarray(a), np.asarray(x)
    for i, v in enumerate((a, x)):
        if not np.issubdtype(v.dtype, np.floating):
            raise TypeError(
                f"{name} does not accept dtype {v.dtype} at position {i}. Accepted dtypes at "
                f"position {i} are subtypes of floating."
            )
    if a.dtype != x.dtype:
        raise TypeError(
            f"lax.{name} requires arguments to have the same dtypes, got {a.dtype}, {x.dtype}."
        )
    return np.broadcast_arrays(a, x)


def igamma_grad_a(a, x):
    """d/da of the regularized lower incomplete gamma function P(a, x) (jax.lax's name)."""
    import arrax
    from arrax.scipy._incomplete import gammainc

    np = _np()
    a, x = _float_pair("igamma_grad_a", a, x)
    return arrax.jvp(lambda s: gammainc(s, x), (a,), (np.ones_like(a),))[1]


def random_gamma_grad(a, x):
    """The derivative of a Gamma(a, 1) sample x with respect to its shape a, holding its CDF
    P(a, x) fixed (implicit reparameterization): -(dP/da) / (dP/dx)."""
    from arrax.scipy.special import gammaln

    np = _np()
    a, x = _float_pair("random_gamma_grad", a, x)
    density = np.exp((a - 1) * np.log(x) - x - gammaln(a))
    return -igamma_grad_a(a, x) / density


def igammac(a, x):
    """The regularized upper incomplete gamma function (scipy.special.gammaincc)."""
    from arrax.scipy._incomplete import gammaincc

    return gammaincc(a, x)


def betainc(a, b, x):
    """The regularized incomplete beta function (scipy.special.betainc)."""
    from arrax.scipy._incomplete import betainc

    return betainc(a, b, x)


def bitcast_convert_type(operand, new_dtype):
    """jax.lax.bitcast_convert_type: operand's bits read as new_dtype. Between dtypes of one item
    size the shape stays; to a smaller one each item becomes a new last axis of its pieces (the
    low-order piece first, as XLA on little-endian machines); from a smaller one the last axis,
    which must hold exactly that many pieces, is joined."""
    from arrax.lax import _ops

    np = _np()
    x = _ops_as_operand(operand, "bitcast_convert_type")
    new = _onp.dtype(new_dtype)
    a, b = x.dtype.itemsize, new.itemsize
    if a == b:
        return _ops.bind1("bitcast_convert_type", x, new_dtype=new)
    if x.dtype.kind == "b" or new.kind == "b" or x.dtype.kind == "c" or new.kind == "c":
        raise TypeError(f"bitcast_convert_type: cannot reinterpret {x.dtype} as {new} (bool and "
                        "complex take equal item sizes only)")  # fmt: skip
    ua, ub = _onp.dtype(f"u{a}"), _onp.dtype(f"u{b}")
    u = bitcast_convert_type(x, ua)
    if a > b:  # split each item into a // b pieces
        mask = ua.type((1 << (8 * b)) - 1)
        pieces = [((u >> ua.type(8 * b * i)) & mask).astype(ub) for i in range(a // b)]
        return bitcast_convert_type(np.stack(pieces, axis=-1), new)
    if x.ndim == 0 or x.shape[-1] != b // a:
        raise TypeError(f"bitcast_convert_type: {x.dtype} to {new} needs a last axis of {b // a} "
                        f"items, got shape {x.shape}")  # fmt: skip
    joined = u[..., 0].astype(ub)
    for i in range(1, b // a):
        joined = joined | (u[..., i].astype(ub) << ub.type(8 * a * i))
    return bitcast_convert_type(joined, new)


def clz(x):
    """The number of leading zero bits of each integer (of its bits as an unsigned integer)."""
    from arrax.lax._ops import as_operand

    np = _np()
    x = as_operand(x, "clz")
    if x.dtype.kind not in "iu":
        raise TypeError(f"clz: integers only, got {x.dtype}")
    width = 8 * x.dtype.itemsize
    u = x.astype(_onp.dtype(f"u{x.dtype.itemsize}"))
    length = np.zeros(x.shape, _onp.int32)  # the bit length, found by halving
    shift = width // 2
    while shift:
        high = u >> u.dtype.type(shift)
        found = high != 0
        length = length + np.where(found, shift, 0)
        u = np.where(found, high, u)
        shift //= 2
    length = length + (u != 0)
    return (width - length).astype(x.dtype)


def reduce_xor(operand, axes):
    """The bitwise (bool: logical) xor of operand over axes."""
    from arrax.lax._ops import as_operand

    np = _np()
    x = as_operand(operand, "reduce_xor")
    return np.bitwise_xor.reduce(x, axis=tuple(int(a) for a in axes))


def broadcast_to_rank(x, rank):
    """x with leading axes of size 1 added up to `rank` axes."""
    np = _np()
    x = np.asarray(x)
    return x.reshape((1,) * max(rank - x.ndim, 0) + x.shape)


def optimization_barrier(operand):
    """jax.lax.optimization_barrier: its operand (a pytree), unchanged. In JAX it is a hint that
    keeps XLA from moving work across it; arrax's jit takes no such hint (values are the same)."""
    return operand


def with_sharding_constraint(x, shardings):
    """jax.lax.with_sharding_constraint: x unchanged (arrax runs each computation on one
    device)."""
    return x
