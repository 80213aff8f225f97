"""Host callbacks: ``arrax.pure_callback`` (jax.pure_callback) calls a Python function on
NumPy arrays from inside jit, vmap and grad'ed code, and ``arrax.debug.print`` prints values
as a program computes them. Both are primitives whose kernels call back into Python: under jit
the call happens when the compiled function runs. A pure callback whose results go unused may
be dropped, as in JAX; debug printing is an effect, which the jit keeps in program order."""

import functools

import numpy as onp

from arrax import _core, tree_util
from arrax._rules.common import batch_by_loop, batch_size
from arrax._rules.registry import defrules
from arrax._trace_core import staging_anchor
from arrax.lax import _ops as lax

__all__ = ["pure_callback", "debug_callback", "io_callback"]


class _Callback:
    """A callback's parameter: the function on flat NumPy arrays, and its results' avals."""

    def __init__(self, fn, out_avals, name):
        self.fn, self.out_avals, self.name = fn, out_avals, name

    def __str__(self):
        return self.name


def _aval(spec):
    return (tuple(int(d) for d in spec.shape), onp.dtype(spec.dtype), False)


def _kernel(arrays, params):
    call = params["info"].value
    results = call.fn(*[onp.asarray(a) for a in arrays])
    return [_core.asarray(onp.array(r, order="C", copy=None), None, None) for r in results]


_core.def_primitive("pure_callback", lambda avals, params: params["info"].value.out_avals, _kernel)
_core.def_primitive("debug_callback", lambda avals, params: [], _kernel, effectful=True)
# io_callback: a callback with results that is an effect (never dropped, run in program order)
_core.def_primitive(
    "io_callback", lambda avals, params: params["info"].value.out_avals, _kernel, effectful=True
)


def _no_jvp(name):
    def jvp(primals, tangents, params):
        if any(t is not None for t in tangents):
            # JAX: "Pure callbacks do not support JVP. ..." (a ValueError)
            raise ValueError(
                f"{name}: pure callbacks do not support JVP (cannot differentiate through a "
                "host callback); use custom_jvp or custom_vjp to use callbacks while taking "
                "gradients"
            )
        return lax.bind("pure_callback", *primals, **params), [None] * len(
            params["info"].value.out_avals
        )

    return jvp


def _debug_jvp(primals, tangents, params):
    lax.bind("debug_callback", *primals, **params)  # prints the primal values
    return [], []


def _debug_batch(values, dims, params):
    # As JAX's debug_callback batching rule: the callback runs once per batch element, in
    # order, on that element's values (debug.print under vmap prints each element).
    for i in range(batch_size(values, dims)):
        args = [v if d is None else lax.index_in_dim(v, i, d, keepdims=False)
                for v, d in zip(values, dims)]  # fmt: skip
        lax.bind("debug_callback", *args, **params)
    return [], []


_VMAP_METHODS = ("sequential", "sequential_unrolled", "expand_dims", "broadcast_all",
                 "legacy_vectorized")  # fmt: skip
_pure_batch_loop = batch_by_loop("pure_callback")


def _pure_batch(values, dims, params):
    """JAX's batching of a pure callback by its ``vmap_method``: "sequential" (and
    "sequential_unrolled") call it once per batch element; "expand_dims", "broadcast_all" and
    "legacy_vectorized" call it once on the batched operands (batch axis first; the unbatched
    ones get a new leading axis of size 1, of the batch size, or none); no method raises."""
    cb = params["info"].value
    method = getattr(cb, "vmap_method", None)
    if method is None:
        raise NotImplementedError(
            "pure_callback: vmap is only supported for the pure_callback primitive when "
            "vmap_method is one of 'sequential', 'sequential_unrolled', 'expand_dims', "
            "'broadcast_all', or 'legacy_vectorized'. Got vmap_method=None."
        )
    if method in ("sequential", "sequential_unrolled"):
        return _pure_batch_loop(values, dims, params)
    size = batch_size(values, dims)
    args = []
    for v, d in zip(values, dims):
        if d is not None:
            args.append(lax.moveaxis(v, d, 0))
        elif method == "legacy_vectorized":
            args.append(v)
        else:
            n = size if method == "broadcast_all" else 1
            args.append(lax.broadcast(v, (n,)))
    out_avals = [((size, *shape), dtype, weak) for shape, dtype, weak in cb.out_avals]
    new = _Callback(functools.partial(cb.fn, out_avals=out_avals), out_avals, cb.name)
    new.vmap_method = method
    outs = lax.bind("pure_callback", *args, info=_core.Opaque(new))
    return list(outs), [0] * len(out_avals)


defrules("pure_callback", jvp=_no_jvp("pure_callback"), batch=_pure_batch)
defrules("debug_callback", jvp=_debug_jvp, batch=_debug_batch)


def _io_jvp(primals, tangents, params):
    if any(t is not None for t in tangents):
        raise ValueError("IO callbacks do not support JVP.")
    outs = lax.bind("io_callback", *primals, **params)
    return outs, [None] * len(outs)


_io_batch_loop = batch_by_loop("io_callback")


def _io_batch(values, dims, params):
    if params["info"].value.ordered:
        raise ValueError("Cannot `vmap` ordered IO callback.")
    return _io_batch_loop(values, dims, params)


defrules("io_callback", jvp=_io_jvp, batch=_io_batch)


def pure_callback(callback, result_shape_dtypes, *args, vmap_method=None, **kwargs):
    """jax.pure_callback: ``callback(*args, **kwargs)`` on NumPy arrays, returning arrays of
    the shapes and dtypes ``result_shape_dtypes`` gives (a pytree of objects with .shape and
    .dtype). Under vmap, ``vmap_method`` says how (as in JAX): "sequential" runs it once per
    batch element, "expand_dims"/"broadcast_all" once on the whole batch; without one, vmap
    raises NotImplementedError."""
    if vmap_method is not None and vmap_method not in _VMAP_METHODS:
        raise ValueError(
            f"pure_callback: vmap_method must be one of the allowed methods "
            f"{[*_VMAP_METHODS, None]}, but got: {vmap_method}"
        )
    flat, out_avals, name, leaves, out_tree = _flat_callback(
        "pure_callback", callback, result_shape_dtypes, args, kwargs
    )
    cb = _Callback(flat, out_avals, name)
    cb.vmap_method = vmap_method
    info = _core.Opaque(cb)
    outs = lax.bind("pure_callback", *[lax.asarray(x) for x in leaves], info=info)
    return tree_util.tree_unflatten(out_tree, outs)


def _flat_callback(fname, callback, result_shape_dtypes, args, kwargs):
    """(flat function on NumPy arrays, its results' avals, operand leaves, output treedef)."""
    leaves, in_tree = tree_util.tree_flatten((args, kwargs))
    specs, out_tree = tree_util.tree_flatten(result_shape_dtypes)
    out_avals = [_aval(s) for s in specs]
    name = getattr(callback, "__name__", "callback")

    def flat(*arrays, out_avals=out_avals):
        a, k = tree_util.tree_unflatten(in_tree, list(arrays))
        results = tree_util.tree_leaves(callback(*a, **k))
        if len(results) != len(out_avals):
            raise ValueError(
                f"{fname}: {name} returned {len(results)} arrays, expected {len(out_avals)}"
            )
        out = []
        for r, (shape, dtype, _) in zip(results, out_avals):
            r = onp.asarray(r)
            if r.shape != shape:
                raise ValueError(
                    f"{fname}: {name} returned an array of shape {r.shape}, expected {shape}"
                )
            out.append(r.astype(dtype, copy=False))
        return out

    return flat, out_avals, name, leaves, out_tree


def io_callback(callback, result_shape_dtypes, *args, sharding=None, ordered=False, **kwargs):
    """jax.experimental.io_callback: ``callback(*args, **kwargs)`` on NumPy arrays for its
    effect, returning arrays shaped as ``result_shape_dtypes`` says. Unlike pure_callback it is
    never dropped (even when its results go unused) and runs in program order under jit; it
    has no derivative, and under vmap an unordered one runs once per batch element while an
    ordered one raises (as in JAX)."""
    flat, out_avals, name, leaves, out_tree = _flat_callback(
        "io_callback", callback, result_shape_dtypes, args, kwargs
    )
    operands, flat = _anchored([lax.asarray(x) for x in leaves], flat)
    cb = _Callback(flat, out_avals, name)
    cb.ordered = bool(ordered)
    info = _core.Opaque(cb)
    outs = lax.bind("io_callback", *operands, info=info)
    return tree_util.tree_unflatten(out_tree, outs)


def _anchored(operands, flat):
    """(operands, flat) for an effectful callback. When no operand is traced but a staging
    trace (jit, a loop body) is being built, a zero-size slice of one of its tracers joins the
    operands (and flat drops it), so the callback is staged there and runs each time the
    compiled function or loop body runs, as in JAX, not once while tracing."""
    anchor = staging_anchor()
    if anchor is None or any(x._is_tracer for x in operands):
        return operands, flat
    extra = lax.slice(lax.reshape(anchor, (anchor.size,)), (0,), (0,))

    def without_anchor(*arrays, **kw):
        return flat(*arrays[:-1], **kw)

    return [*operands, extra], without_anchor


def debug_callback(fn, *args, **kwargs):
    """Calls ``fn(*args, **kwargs)`` for its effect when the values exist: at once in eager
    code, each time the compiled function runs under jit (``arrax.debug.callback``)."""
    leaves, in_tree = tree_util.tree_flatten((args, kwargs))
    name = getattr(fn, "__name__", "debug_callback")

    def flat(*arrays):
        a, k = tree_util.tree_unflatten(in_tree, list(arrays))
        fn(*a, **k)
        return []

    operands, flat = _anchored([lax.asarray(x) for x in leaves], flat)
    info = _core.Opaque(_Callback(flat, [], name))
    lax.bind("debug_callback", *operands, info=info)
