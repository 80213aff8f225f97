"""Abstract evaluation and JAX's smaller top-level helpers: ShapeDtypeStruct, eval_shape
(a function's output shapes and dtypes, traced without computing), linear_transpose and
disable_jit."""

import contextlib

import numpy as _np

from arrax import _core, tree_util
from arrax._tracing import _aval


class ShapeDtypeStruct:
    """Like ``jax.ShapeDtypeStruct``: a shape and a dtype standing for an array."""

    __slots__ = ("shape", "dtype", "weak_type")

    def __init__(self, shape, dtype, *, weak_type=False, sharding=None):
        self.shape = tuple(int(s) for s in shape)
        self.dtype = _np.dtype(dtype)
        self.weak_type = bool(weak_type)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(_np.prod(self.shape, dtype=_np.int64))

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __eq__(self, other):
        return isinstance(other, ShapeDtypeStruct) and (self.shape, self.dtype, self.weak_type) == (
            other.shape,
            other.dtype,
            other.weak_type,
        )

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{weak})"


class ShapedArray(ShapeDtypeStruct):
    """Like ``jax.core.ShapedArray``: the abstract value (shape, dtype, weak type) that
    ``typeof`` gives; printed as JAX prints it (``float32[3]``, ``~float64[]`` when weak).
    (arrax's ``asarray(1.5)`` is a strong float64, as NumPy's; JAX's keeps the weak type.)"""

    __slots__ = ()

    def __init__(self, shape, dtype, weak_type=False):
        super().__init__(shape, dtype, weak_type=weak_type)

    def str_short(self):
        return f"{'~' if self.weak_type else ''}{self.dtype.name}{list(self.shape)}".replace(
            " ", ""
        )

    def __str__(self):
        return self.str_short()

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        dims = ",".join(str(d) for d in self.shape)
        return f"ShapedArray({self.dtype.name}[{dims}]{weak})"


def typeof(x):
    """Like ``jax.typeof``: x's abstract value as a ShapedArray, for arrays, tracers (under
    jit, grad, vmap: the shape the function sees) and Python or NumPy scalars."""
    shape, dtype, weak = _leaf_aval(x)
    return ShapedArray(shape, dtype, weak)


def _leaf_aval(leaf):
    if isinstance(leaf, ShapeDtypeStruct):
        return (leaf.shape, leaf.dtype, leaf.weak_type)
    if hasattr(leaf, "shape") and hasattr(leaf, "dtype") and not isinstance(leaf, _core.ndarray):
        return (tuple(leaf.shape), _np.dtype(leaf.dtype), False)  # a NumPy/JAX array: no copy
    return _aval(leaf)


def eval_shape(fun, *args, **kwargs):
    """Like ``jax.eval_shape``: ``fun``'s outputs as ShapeDtypeStructs (a pytree like the
    outputs), from arguments that are arrays or ShapeDtypeStructs; nothing is computed."""
    leaves, treedef = tree_util.tree_flatten((args, kwargs))
    out_tree = []

    def flat(*tracers):
        a, kw = tree_util.tree_unflatten(treedef, list(tracers))
        out_leaves, tree = tree_util.tree_flatten(fun(*a, **kw))
        out_tree.append(tree)
        return out_leaves

    graph = _core._trace(flat, [_leaf_aval(x) for x in leaves], "eval_shape")
    outs = [ShapeDtypeStruct(s, d, weak_type=w) for s, d, w in graph.out_avals]
    return tree_util.tree_unflatten(out_tree[0], outs)


def linear_transpose(fun, *primals):
    """Like ``jax.linear_transpose``: the transpose of the linear function ``fun`` at arguments
    shaped like ``primals``; ``f_t(cotangent)`` returns a tuple with one cotangent per
    argument."""
    from arrax._ad import vjp

    structs = [
        tree_util.tree_map(
            lambda x: ShapeDtypeStruct(_np.shape(x), _core.asarray(x, None, None).dtype), p
        )
        for p in primals
    ]

    def transposed(*cotangents):
        from arrax import numpy as np

        zeros = [tree_util.tree_map(lambda s: np.zeros(s.shape, s.dtype), st) for st in structs]
        # fun is linear: its VJP at any point (zero) is its transpose.
        _, pullback = vjp(fun, *zeros)
        ct = cotangents[0] if len(cotangents) == 1 else cotangents
        return pullback(ct)

    return transposed


_jit_disabled = [False]


@contextlib.contextmanager
def disable_jit(disable=True):
    """Like ``jax.disable_jit``: inside, jit-decorated functions run op by op (Python code and
    prints inside them run on concrete values)."""
    old = _jit_disabled[0]
    _jit_disabled[0] = bool(disable)
    try:
        yield
    finally:
        _jit_disabled[0] = old


def jit_disabled():
    return _jit_disabled[0]
