"""vmap: a batching interpreter. A batch tracer carries (value, batch axis); each primitive's
batching rule maps it over the axis without a Python loop. A primitive without a rule for
some operand pattern falls back to applying it per element and stacking (with a warning)."""

import functools
import warnings

import numpy as onp

from arrax import _core, tree_util
from arrax._prng_keys import is_typed_key
from arrax._rules import RULES
from arrax._rules.common import batch_by_loop, bdim_at_front
from arrax._trace_core import Trace, _active, asarray, check_callable, describe
from arrax.lax import _ops as lax


class BatchTrace(Trace):
    def __init__(self, axis_size, axis_name=None, origin=""):
        super().__init__(origin)
        self.axis_size = axis_size
        self.axis_name = axis_name

    def wrap(self, val, bdim):
        val = asarray(val)
        if bdim is None:
            return val
        shape = val.shape[:bdim] + val.shape[bdim + 1 :]
        return self.new_tracer((val, bdim), shape, val.dtype)

    def unpack(self, x):
        p = self.payload(x)
        return (asarray(x), None) if p is None else p

    def process(self, name, inputs, params):
        vals, dims = zip(*(self.unpack(x) for x in inputs)) if inputs else ((), ())
        vals, dims = list(vals), list(dims)
        if all(d is None for d in dims):
            return _core.bind(name, vals, params)
        rule = RULES.get(name)
        if rule is None or rule.batch is None:
            warnings.warn(
                f"vmap: {name} has no batching rule; applying it per batch element",
                stacklevel=3,
            )
            outs, out_dims = batch_by_loop(name)(vals, dims, params)
        else:
            outs, out_dims = rule.batch(vals, dims, params)
        return [self.wrap(o, d) for o, d in zip(outs, out_dims)]

    def process_custom_jvp(self, fn, args):
        from arrax._custom import SymbolicZero, custom_jvp

        leaves, treedef = tree_util.tree_flatten(args)
        pairs = [self.unpack(x) for x in leaves]
        vals = tree_util.tree_unflatten(treedef, [v for v, _ in pairs])
        dims = tree_util.tree_unflatten(treedef, [d for _, d in pairs])
        size = self.axis_size
        batched = custom_jvp(vmap(fn.fun, in_axes=dims, out_axes=0, axis_size=size))
        batched.__name__ = getattr(fn, "__name__", "custom_jvp")
        batched.symbolic_zeros = getattr(fn, "symbolic_zeros", False)
        batched._user_rule = getattr(fn, "_user_rule", None)
        d_flat = [d for _, d in pairs]

        def rule(p, t):
            # Symbolic-zero tangents are not batched: the rule gets them per example.
            t_flat = tree_util.tree_leaves(t, is_leaf=lambda x: isinstance(x, SymbolicZero))
            zero = [isinstance(z, SymbolicZero) for z in t_flat]
            per_ex = [
                SymbolicZero(tuple(s for i, s in enumerate(z.shape) if i != d), z.dtype)
                if isinstance(z, SymbolicZero) and d is not None
                else z
                for z, d in zip(t_flat, d_flat)
            ]

            def inner(p_, t_live):
                it = iter(t_live)
                full = [z if isz else next(it) for z, isz in zip(per_ex, zero)]
                return fn.jvp_rule(p_, tree_util.tree_unflatten(treedef, full))

            live = [z for z, isz in zip(t_flat, zero) if not isz]
            live_dims = [d for d, isz in zip(d_flat, zero) if not isz]
            out, t_out = vmap(inner, in_axes=(dims, live_dims), out_axes=0, axis_size=size)(
                tuple(p), live
            )
            return out, t_out

        batched.jvp_rule = rule
        out = batched(*vals)
        return tree_util.tree_map(lambda o: self.wrap(o, 0), out)

    def process_custom_vmap(self, fn, args):
        from arrax.custom_batching import batch_custom_vmap

        return batch_custom_vmap(self, fn, args)

    def process_custom_vjp(self, fn, args):
        from arrax._custom import SymbolicZero, custom_vjp

        leaves, treedef = tree_util.tree_flatten(args)
        pairs = [self.unpack(x) for x in leaves]
        vals = [bdim_at_front(v, d, self.axis_size) for v, d in pairs]
        size = self.axis_size
        batched = custom_vjp(vmap(fn.fun, out_axes=0, axis_size=size))
        batched.__name__ = getattr(fn, "__name__", "custom_vjp")
        v_bwd = vmap(fn.bwd, out_axes=0, axis_size=size)

        def bwd(res, ct):
            # Symbolic-zero cotangents are given per example (without the batch axis).
            ct = tree_util.tree_map(
                lambda z: SymbolicZero(z.shape[1:], z.dtype) if isinstance(z, SymbolicZero) else z,
                ct,
                is_leaf=lambda x: isinstance(x, SymbolicZero),
            )
            return tree_util.tree_map(
                lambda z: None if isinstance(z, SymbolicZero) else z,
                tuple(v_bwd(res, ct)),
                is_leaf=lambda x: isinstance(x, SymbolicZero),
            )

        batched.defvjp(
            vmap(fn.fwd, out_axes=0, axis_size=size),
            bwd,
            symbolic_zeros=getattr(fn, "symbolic_zeros", False),
        )
        batched._user_bwd = getattr(fn, "_user_bwd", fn.bwd)
        if hasattr(fn, "jvp_of_linear"):
            batched.jvp_of_linear = vmap(fn.jvp_of_linear, out_axes=0, axis_size=size)
        out = batched(*tree_util.tree_unflatten(treedef, vals))
        return tree_util.tree_map(lambda o: self.wrap(o, 0), out)


def _broadcast_prefix(prefix, tree, name):
    """in_axes/out_axes given as a prefix of the arguments' tree, expanded to one per leaf."""
    leaves = []

    def expand(p, t):
        if not (_is_axis(p) and p is not None):
            leaves.extend([p] * len(tree_util.tree_leaves(t)))
            return
        # A typed key array's leaf is its data, with a trailing axis of key words: its axes
        # are the key array's, read against its own shape.
        for x in tree_util.tree_leaves(t, is_leaf=is_typed_key):
            if not is_typed_key(x):
                leaves.append(p)
                continue
            nd = x.ndim + (name == "out_axes")
            if not -nd <= p < nd:
                raise ValueError(
                    f"vmap: {name} {p} is out of bounds for a key array of shape {x.shape}"
                )
            leaves.append(p % nd)

    try:
        tree_util.tree_map(expand, prefix, tree, is_leaf=lambda x: x is None or isinstance(x, int))
    except (ValueError, TypeError) as e:
        raise ValueError(
            f"vmap: {name} does not match the structure of the arguments: {e}"
        ) from None
    return leaves


def _is_float0(x):
    from arrax._ad import float0

    return isinstance(x, onp.ndarray) and x.dtype == float0


class _Float0Out:
    """A float0 output of a vmapped function, a leaf while the outputs are matched with
    out_axes: it holds no values, so mapping it only inserts the mapped axis."""

    def __init__(self, x):
        self.x = x

    def batched(self, size, out_axis, traced):
        from arrax._ad import _float0_zeros, _Float0Zeros

        shape = list(self.x.shape)
        if out_axis is not None:
            if not -len(shape) - 1 <= out_axis <= len(shape):
                raise ValueError(
                    f"vmap: out_axes {out_axis} is out of bounds for an output of dimension "
                    f"{len(shape) + 1} (with the mapped axis)"
                )
            shape.insert(out_axis % (len(shape) + 1), size)
        return _float0_zeros(shape, traced and isinstance(self.x, _Float0Zeros))


def _move_out(x, bdim, out_axis, size):
    x = asarray(x)
    if out_axis is None:
        if bdim is not None:
            raise ValueError(
                "vmap: an output with out_axes=None is batched (it depends on a mapped input)"
            )
        return x
    if bdim is None:
        x = lax.broadcast(x, (size,))
        bdim = 0
    if not -x.ndim <= out_axis < x.ndim:
        raise ValueError(
            f"vmap: out_axes {out_axis} is out of bounds for an output of dimension {x.ndim} "
            "(with the mapped axis)"
        )
    out_axis = out_axis % x.ndim
    return lax.moveaxis(x, bdim, out_axis)


def _is_axis(a):
    # A bool is an int to Python but not an axis to JAX (in_axes=False is a mistake).
    return a is None or (isinstance(a, (int, onp.integer)) and not isinstance(a, (bool, onp.bool_)))


def _check_in_axes(in_axes):
    """JAX's checks on in_axes, made when vmap is called: the top level is an axis or a tuple
    (one entry per positional argument), the leaves are axes."""
    if not (_is_axis(in_axes) or isinstance(in_axes, tuple)):
        raise TypeError(
            "vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
            f"positional arguments passed to the function, but got {in_axes}."
        )
    leaves = tree_util.tree_leaves(in_axes, is_leaf=lambda x: x is None)
    if not all(_is_axis(a) for a in leaves):
        raise TypeError(
            "vmap in_axes must be an int, None, or (nested) container with those types as "
            f"leaves, but got {in_axes}."
        )


def vmap(fun, in_axes=0, out_axes=0, axis_name=None, axis_size=None, spmd_axis_name=None):
    """Like ``jax.vmap``: ``fun`` mapped over an axis of its inputs, with no Python loop.

    ``in_axes``: an int, None, or a pytree prefix of the positional arguments (a tuple of
    them); ``out_axes`` likewise for the outputs. ``axis_size`` is needed when no input is
    mapped.
    """
    check_callable(fun, "vmap")
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    _check_in_axes(in_axes)

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        # Keyword arguments are mapped over their axis 0, as in JAX.
        args_all = (args, kwargs)
        axes_all = (in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args), 0)
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(
                f"vmap: in_axes has {len(in_axes)} entries but the function got {len(args)} "
                "positional arguments"
            )
        leaves, treedef = tree_util.tree_flatten(args_all)
        axes = _broadcast_prefix(axes_all, args_all, "in_axes")
        # Unmapped leaves pass through as they are (a Python int stays an int, as in JAX, so
        # it can be a static argument of a jit inside).
        leaves = [x if a is None else asarray(x) for x, a in zip(leaves, axes)]
        sizes = set()
        norm_axes = []
        for x, a in zip(leaves, axes):
            if a is None:
                norm_axes.append(None)
                continue
            if not isinstance(a, int):
                raise TypeError(f"vmap: in_axes entries must be ints or None, got {a!r}")
            if x.ndim == 0 or not -x.ndim <= a < x.ndim:
                raise ValueError(
                    f"vmap: in_axes {a} is out of bounds for an argument of shape {x.shape}"
                )
            a %= x.ndim
            norm_axes.append(a)
            sizes.add(x.shape[a])
        if len(sizes) > 1:
            raise ValueError(
                "vmap got inconsistent sizes for the mapped axis: "
                + ", ".join(
                    f"shape {x.shape} axis {a}" for x, a in zip(leaves, norm_axes) if a is not None
                )
            )
        if not sizes:
            if axis_size is None:
                raise ValueError("vmap must have at least one non-None value in in_axes")
            size = axis_size
        else:
            size = sizes.pop()
            if axis_size is not None and axis_size != size:
                raise ValueError(f"vmap: axis_size {axis_size} differs from the mapped size {size}")
        with BatchTrace(size, axis_name, describe(fun, "vmap")) as trace:
            ins = [x if a is None else trace.wrap(x, a) for x, a in zip(leaves, norm_axes)]
            a, kw = tree_util.tree_unflatten(treedef, ins)
            out = fun(*a, **kw)
            # float0 outputs (integer inputs' tangents and cotangents) are NumPy arrays the
            # engine cannot hold: they are leaves here and get the mapped axis as JAX's do.
            out = tree_util.tree_map(
                lambda x: _Float0Out(x) if _is_float0(x) else x, out, is_leaf=_is_float0
            )
            out_leaves, out_tree = tree_util.tree_flatten(out)
            unpacked = [
                None if isinstance(o, _Float0Out) else trace.unpack(asarray(o)) for o in out_leaves
            ]
        oaxes = _broadcast_prefix(out_axes, out, "out_axes")
        # (Out of every trace, a float0 output is a plain NumPy array, as JAX's.)
        traced = bool(_active) or any(isinstance(x, _core.ndarray) and x._is_tracer for x in leaves)
        results = [
            o.batched(size, oa, traced) if isinstance(o, _Float0Out) else _move_out(*vd, oa, size)
            for o, vd, oa in zip(out_leaves, unpacked, oaxes)
        ]
        return tree_util.tree_unflatten(out_tree, results)

    return wrapped


def pmap(fun, axis_name=None, *, in_axes=0, out_axes=0, static_broadcasted_argnums=(),
         devices=None, backend=None, axis_size=None, donate_argnums=(), global_arg_shapes=None):  # fmt: skip
    """Like ``jax.pmap``: fun mapped over an axis with one member per device, compiled.

    arrax runs the members as a compiled ``vmap`` (so collectives such as ``lax.psum`` over
    ``axis_name`` work); as with JAX, the mapped axis may not be longer than the number of
    devices (``devices``, else the local devices of the default backend)."""
    from arrax._environment import local_device_count
    from arrax._jit import jit

    static = (
        (static_broadcasted_argnums,)
        if isinstance(static_broadcasted_argnums, int)
        else tuple(static_broadcasted_argnums)
    )
    compiled = {}

    def mapped_for(statics, nargs, axes):
        """The compiled vmap for these static arguments (compiled once per distinct set)."""
        key = (statics, nargs)
        if key not in compiled:
            values = dict(statics)

            def dynamic_fun(*dyn, **kwargs):
                it = iter(dyn)
                full = [values[i] if i in values else next(it) for i in range(nargs)]
                return fun(*full, **kwargs)

            mapped = vmap(dynamic_fun, in_axes=axes, out_axes=out_axes, axis_name=axis_name,
                          axis_size=axis_size)  # fmt: skip
            compiled[key] = jit(mapped)
        return compiled[key]

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        statics = tuple((i, args[i]) for i in static if i < len(args))
        dyn = tuple(a for i, a in enumerate(args) if i not in static)
        axes = in_axes
        if isinstance(in_axes, (tuple, list)):
            axes = tuple(a for i, a in enumerate(in_axes) if i not in static)
        else:
            axes = (in_axes,) * len(dyn)
        leaves = tree_util.tree_leaves(dyn)
        sizes = {
            asarray(x).shape[a]
            for x, a in zip(leaves, _broadcast_prefix(tuple(axes), dyn, "in_axes"))
            if a is not None and asarray(x).ndim > 0
        }
        n = len(devices) if devices is not None else local_device_count()
        for size in sizes | ({axis_size} if axis_size is not None else set()):
            if size > n:
                raise ValueError(
                    f"pmap: the mapped axis has size {size} but only {n} device(s) are "
                    "available (pmap runs one member per device; vmap maps over any size)"
                )
        return mapped_for(statics, len(args), axes)(*dyn, **kwargs)

    return wrapped
