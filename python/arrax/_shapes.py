"""Abstract evaluation and JAX's smaller top-level helpers: ShapeDtypeStruct, eval_shape
(a function's output shapes and dtypes, traced without computing), linear_transpose and
disable_jit."""

import contextlib

import numpy as _np

from arrax import _core, tree_util
from arrax._shaped import ShapedMixin
from arrax._trace_core import stage
from arrax._tracing import _aval


class ShapeDtypeStruct(ShapedMixin):
    """Like ``jax.ShapeDtypeStruct``: a shape and a dtype standing for an array."""

    __slots__ = ("shape", "dtype", "weak_type")

    def __init__(self, shape, dtype, *, weak_type=False, sharding=None):
        from arrax._prng_keys import KEY_DTYPE, is_key_dtype

        self.shape = tuple(int(s) for s in shape)
        self.dtype = KEY_DTYPE if is_key_dtype(dtype) else _np.dtype(dtype)
        self.weak_type = bool(weak_type)

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

    def str_short(self, short_dtypes=False, mesh_axis_types=False):
        """``float32[2,3]``; with ``short_dtypes`` JAX's short names (``f32[2,3]``, ``bf16``,
        ``u8``, ``c64``, ``bool``). arrax arrays have no mesh: ``mesh_axis_types`` is ignored."""
        del mesh_axis_types
        name = self.dtype.name
        if short_dtypes:
            name = (
                name.replace("bfloat", "bf")
                .replace("float", "f")
                .replace("uint", "u")
                .replace("int", "i")
                .replace("complex", "c")
            )
        return f"{'~' if self.weak_type else ''}{name}{list(self.shape)}".replace(" ", "")

    def __str__(self):
        return self.str_short()

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        dims = ",".join(str(d) for d in self.shape)
        return f"ShapedArray({self.dtype.name}[{dims}]{weak})"


def typeof(x):
    """Like ``jax.typeof``: x's abstract value as a ShapedArray, for arrays, tracers (under
    jit, grad, vmap: the shape the function sees) and Python or NumPy scalars."""
    from arrax._prng_keys import is_typed_key

    if is_typed_key(x):
        return ShapedArray(x.shape, x.dtype)
    shape, dtype, weak = _leaf_aval(x)
    if isinstance(x, _core.ndarray) and _core.weak_type(x):
        weak = True  # a weakly typed tracer (jit of a Python scalar, weak loop carries)
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
    from arrax._prng_keys import PRNGKeyArray, is_key_dtype, is_typed_key

    def key_in(x):  # a ShapeDtypeStruct of keys stands for a key array over uint32 data
        if isinstance(x, ShapeDtypeStruct) and is_key_dtype(x.dtype):
            return PRNGKeyArray(ShapeDtypeStruct((*x.shape, 2), _np.uint32))
        return x

    def key_out(x):
        return ShapeDtypeStruct(x.shape, x.dtype) if is_typed_key(x) else x

    args, kwargs = tree_util.tree_map(key_in, (args, kwargs))
    leaves, treedef = tree_util.tree_flatten((args, kwargs))
    out_tree = []

    def flat(*tracers):
        a, kw = tree_util.tree_unflatten(treedef, list(tracers))
        out_leaves, tree = tree_util.tree_flatten(fun(*a, **kw))
        out_tree.append(tree)
        return out_leaves

    graph = stage(flat, [_leaf_aval(x) for x in leaves], "eval_shape")
    outs = [ShapeDtypeStruct(s, d, weak_type=w) for s, d, w in graph.out_avals]
    out = tree_util.tree_unflatten(out_tree[0], outs)
    return tree_util.tree_map(key_out, out, is_leaf=is_typed_key)


def linear_transpose(fun, *primals):
    """Like ``jax.linear_transpose``: the transpose of the linear function ``fun`` at arguments
    shaped like ``primals`` (arrays, or abstract values such as ShapeDtypeStructs);
    ``f_t(cotangent)`` returns a tuple with one cotangent per argument. The result is a pytree
    (a ``tree_util.Partial``), so a jit can return it or take it."""
    from arrax import numpy as np
    from arrax._ad import vjp

    p_leaves, p_tree = tree_util.tree_flatten(primals)
    p_avals = [(tuple(s), _np.dtype(d)) for s, d, _ in map(_leaf_aval, p_leaves)]
    if all(_is_inexact(d) for _, d in p_avals):
        # fun is linear: its VJP at any point (zero) is its transpose. (A VJP, not the traced
        # graph transposed, so non-linear work on constants inside fun is allowed.)
        zeros = tree_util.tree_unflatten(p_tree, [np.zeros(s, d) for s, d in p_avals])
        outs, inner = vjp(fun, *zeros)
        out_leaves, out_tree = tree_util.tree_flatten(outs)
        out_avals = [(tuple(o.shape), _np.dtype(o.dtype)) for o in out_leaves]
        graph = None
    else:
        # An integer map: vjp gives integer inputs no cotangents, so the traced graph is
        # transposed as it is (as JAX does for every linear_transpose).
        box = []

        def flat(*tracers):
            out_leaves, tree = tree_util.tree_flatten(
                fun(*tree_util.tree_unflatten(p_tree, tracers))
            )
            box.append(tree)
            return out_leaves

        traced = _core._trace(flat, [(s, d, False) for s, d in p_avals], "linear_transpose")
        out_tree, out_avals = box[0], [(tuple(s), _np.dtype(d)) for s, d, _ in traced.out_avals]
        graph, inner = traced.with_consts_as_args(), list(traced.consts)
    in_dtypes, out_dtypes = [d for _, d in p_avals], [d for _, d in out_avals]
    dts = in_dtypes + out_dtypes
    if not (all(_is_inexact(d) for d in dts) or all(d.kind in "iu" for d in dts)):
        raise TypeError(
            "linear_transpose only supports [float or complex] -> [float or complex], and "
            f"integer -> integer functions, but got {in_dtypes} -> {out_dtypes}."
        )
    return tree_util.Partial(_Transpose(graph, p_tree, p_avals, out_tree, out_avals), inner)


def _is_inexact(dtype):
    return dtype.kind in "fc" or dtype.name == "bfloat16"


class _Transpose:
    """linear_transpose's static part (hashes by identity); its first argument, the Partial's
    child, is the VJP function of fun, or for an integer map the constants of fun's graph."""

    def __init__(self, graph, p_tree, p_avals, out_tree, out_avals):
        self.graph, self.p_tree, self.p_avals = graph, p_tree, p_avals
        self.out_tree, self.out_avals = out_tree, out_avals

    def __call__(self, inner, *cotangents):
        from arrax._ad import UndefinedPrimal, backward_pass
        from arrax._rules.common import instantiate

        ct = cotangents[0] if len(cotangents) == 1 else cotangents
        ct_leaves, ct_tree = tree_util.tree_flatten(ct)
        if ct_tree != self.out_tree:
            raise TypeError(
                "cotangent tree does not match function output, expected "
                f"{self.out_tree} but got {ct_tree}"
            )
        cts = [_cotangent_as(c, s, d) for c, (s, d) in zip(ct_leaves, self.out_avals)]
        if any(c is None for c in cts):
            expected = tuple(f"{d.name}[{','.join(map(str, s))}]" for s, d in self.out_avals)
            raise TypeError(
                "cotangent type does not match function output, expected "
                f"{expected} but got {ct_leaves}"
            )
        if self.graph is None:
            in_cts = tree_util.tree_leaves(inner(tree_util.tree_unflatten(self.out_tree, cts)))
        else:
            lin = [UndefinedPrimal(s, d) for s, d in self.p_avals]
            in_cts = backward_pass(self.graph, cts, list(inner) + lin)[len(inner) :]
        result = [
            instantiate(c, UndefinedPrimal(s, d)).astype(d)
            for c, (s, d) in zip(in_cts, self.p_avals)
        ]
        return tuple(tree_util.tree_unflatten(self.p_tree, result))


def _cotangent_as(c, shape, dtype):
    """c as a cotangent of an output of this shape and dtype, or None when its type does not
    match. A Python scalar is weakly typed: it takes the output's dtype when its kind fits."""
    if isinstance(c, bool):
        return None
    if isinstance(c, (int, float, complex)):
        kinds = {int: "iu", float: "f", complex: "c"}[type(c)]
        if shape != () or dtype.kind not in kinds:
            return None
        return _core.asarray(c, dtype, None)
    c = c if isinstance(c, _core.ndarray) else _core.asarray(c, None, None)
    if tuple(c.shape) != shape or _np.dtype(c.dtype) != dtype:
        return None
    return c


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
