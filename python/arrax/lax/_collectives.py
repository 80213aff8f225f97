"""Collectives over a named mapped axis (``jax.lax.psum`` and friends) for ``vmap(...,
axis_name=...)`` and ``pmap``: inside the mapped function, ``psum(x, "i")`` is the sum of x over
every member of the axis named "i", the same value for each of them.

Under vmap a named axis is a batch trace; a collective unpacks x down to that trace's
(value, batch axis) pair, reduces the batch axis there with ordinary operations, and packs the
result back through the traces above it (other vmaps, which map the collective per element).
So collectives compose with nested vmaps and differentiate through the ordinary operations
they are made of when the gradient is taken outside the mapped function."""

import operator

import arrax.numpy as jnp
from arrax import _core, tree_util
from arrax._trace_core import _active

__all__ = ["psum", "pmean", "pmax", "pmin", "all_gather", "ppermute", "axis_index", "axis_size",
           "psum_scatter", "all_to_all", "pshuffle", "pswapaxes"]  # fmt: skip


def _inside_transform(fname):
    return NotImplementedError(
        f"{fname}: a collective on a value transformed inside the mapped function (jit or "
        "differentiation between the vmap/pmap and the collective) is not supported; apply the "
        "collective outside jit/grad"
    )


def _named_trace(axis_name, fname):
    from arrax._batching import BatchTrace

    for level in sorted(_active, reverse=True):
        t = _active[level]
        if isinstance(t, BatchTrace) and t.axis_name == axis_name:
            return t
    raise NameError(f"{fname}: unbound axis name {axis_name!r} (no enclosing vmap or pmap "
                    "maps an axis of that name)")  # fmt: skip


def _level(x):
    return _core.trace_level(x) if isinstance(x, _core.ndarray) and x._is_tracer else 0


def _over_axis(x, trace, batched, unbatched, fname, linear):
    """batched(value, axis) on the named trace's view of x; unbatched(x) when x does not vary
    along the named axis. Traces above the named one (inner vmaps) are peeled and re-applied."""
    from arrax._ad import JVPTrace
    from arrax._batching import BatchTrace

    x = jnp.asarray(x)
    level = _level(x)
    if level < trace.level:
        return unbatched(x)
    if level == trace.level:
        value, axis = trace.unpack(x)
        return unbatched(value) if axis is None else batched(value, axis)
    inner = _active.get(level)
    if isinstance(inner, JVPTrace) and linear:
        # Differentiation inside the mapped function: the collective is linear, so the
        # tangent goes through it as the primal does.
        primal, tangent = inner.unpack(x)
        out = _over_axis(primal, trace, batched, unbatched, fname, linear)
        if tangent is None:
            return out
        return inner.pure(out, _over_axis(tangent, trace, batched, unbatched, fname, linear))
    if not isinstance(inner, BatchTrace):
        raise _inside_transform(fname)
    value, axis = inner.unpack(x)
    return inner.wrap(_over_axis(value, trace, batched, unbatched, fname, linear), axis)


def _collective(fname, x, axis_name, batched, unbatched, linear=True):
    names = axis_name if isinstance(axis_name, (tuple, list)) else (axis_name,)

    def one(leaf):
        for name in names:
            trace = _named_trace(name, fname)
            leaf = _over_axis(
                leaf, trace, batched, lambda v, t=trace: unbatched(v, t), fname, linear
            )
        return leaf

    return tree_util.tree_map(one, x)


def psum(x, axis_name, *, axis_index_groups=None):
    """The sum of x over the members of the named axis (a pytree of arrays; a tuple of names
    sums over each)."""
    if axis_index_groups is not None:
        raise NotImplementedError("psum: axis_index_groups is not supported")
    return _collective(
        "psum", x, axis_name,
        lambda v, a: jnp.sum(v, axis=a, dtype=_sum_dtype(v)),
        lambda v, t: (v * t.axis_size).astype(_sum_dtype(v)),
    )  # fmt: skip


def _sum_dtype(v):
    """A psum's dtype, as JAX's: the operand's (int32 stays int32), int32 for booleans."""
    return jnp.int32 if v.dtype == jnp.bool_ else v.dtype


def pmean(x, axis_name, *, axis_index_groups=None):
    """The mean of x over the members of the named axis."""
    if axis_index_groups is not None:
        raise NotImplementedError("pmean: axis_index_groups is not supported")
    # A value the same for every member is its own mean (true division: ints become floats).
    return _collective("pmean", x, axis_name, lambda v, a: jnp.mean(v, axis=a), lambda v, t: v / 1)


def pmax(x, axis_name, *, axis_index_groups=None):
    """The maximum of x over the members of the named axis."""
    return _collective(
        "pmax", x, axis_name, lambda v, a: jnp.max(v, axis=a), lambda v, t: v, linear=False
    )


def pmin(x, axis_name, *, axis_index_groups=None):
    """The minimum of x over the members of the named axis."""
    return _collective(
        "pmin", x, axis_name, lambda v, a: jnp.min(v, axis=a), lambda v, t: v, linear=False
    )


def all_gather(x, axis_name, *, axis_index_groups=None, axis=0, tiled=False):
    """Every member's x stacked along a new axis ``axis`` (with tiled, concatenated along the
    existing axis ``axis``)."""
    if axis_index_groups is not None:
        raise NotImplementedError("all_gather: axis_index_groups is not supported")

    def gather(members):  # members: (axis size, *x.shape)
        if tiled:
            ax = axis % max(members.ndim - 1, 1)
            moved = jnp.moveaxis(members, 0, ax)
            s = moved.shape
            return moved.reshape(s[:ax] + (s[ax] * s[ax + 1],) + s[ax + 2 :])
        return jnp.moveaxis(members, 0, axis % members.ndim)

    return _collective(
        "all_gather", x, axis_name,
        lambda v, a: gather(jnp.moveaxis(v, a, 0)),
        lambda v, t: gather(jnp.broadcast_to(v, (t.axis_size,) + v.shape)),
    )  # fmt: skip


def ppermute(x, axis_name, perm):
    """Member ``src``'s x sent to member ``dst`` for each (src, dst) pair of perm; members no
    pair sends to get zeros (ring shifts in pmap/shard_map code)."""
    perm = [(operator.index(s), operator.index(d)) for s, d in perm]
    srcs, dsts = [s for s, _ in perm], [d for _, d in perm]
    if len(set(srcs)) != len(srcs) or len(set(dsts)) != len(dsts):
        raise ValueError(f"ppermute: sources and destinations must be unique, got perm={perm}")
    names = axis_name if isinstance(axis_name, (tuple, list)) else (axis_name,)
    if len(names) != 1:
        raise NotImplementedError("ppermute: one axis name is supported")
    trace = _named_trace(names[0], "ppermute")
    n = trace.axis_size
    if any(not 0 <= i < n for i in srcs + dsts):
        raise ValueError(f"ppermute: perm={perm} has indices outside the axis of size {n}")
    source = [0] * n
    sent = [False] * n
    for s, d in perm:
        source[d], sent[d] = s, True

    def shuffle(members):  # members: (axis size, *x.shape), the result varies along axis 0
        out = jnp.take(members, jnp.asarray(source), axis=0)
        keep = jnp.asarray(sent).reshape((n,) + (1,) * (members.ndim - 1))
        return trace.wrap(jnp.where(keep, out, jnp.zeros((), out.dtype)), 0)

    def one(leaf):
        return _over_axis(
            leaf, trace,
            lambda v, a: shuffle(jnp.moveaxis(v, a, 0)),
            lambda v: shuffle(jnp.broadcast_to(v, (n,) + v.shape)),
            "ppermute", True,
        )  # fmt: skip

    return tree_util.tree_map(one, x)


def _varying(fname, x, axis_name, per_member):
    """A collective whose result differs between members: per_member(members, n, extra) maps
    the (axis size, *x.shape, *extra batch dims) stack of every member's x to the stack of
    their results (the extra trailing dims, those of vmaps inside the named one, kept last)."""
    from arrax._ad import JVPTrace
    from arrax._batching import BatchTrace

    names = axis_name if isinstance(axis_name, (tuple, list)) else (axis_name,)
    if len(names) != 1:
        raise NotImplementedError(f"{fname}: one axis name is supported")
    trace = _named_trace(names[0], fname)
    n = trace.axis_size

    def go(v, extra):
        v = jnp.asarray(v)
        level = _level(v)
        if level < trace.level:
            return trace.wrap(per_member(jnp.broadcast_to(v, (n,) + v.shape), n, extra), 0)
        if level == trace.level:
            value, axis = trace.unpack(v)
            if axis is None:
                value = jnp.broadcast_to(value, (n,) + value.shape)
            else:
                value = jnp.moveaxis(value, axis, 0)
            return trace.wrap(per_member(value, n, extra), 0)
        inner = _active.get(level)
        if isinstance(inner, JVPTrace):  # (linear: the tangent goes through as the primal)
            primal, tangent = inner.unpack(v)
            out = go(primal, extra)
            return out if tangent is None else inner.pure(out, go(tangent, extra))
        if not isinstance(inner, BatchTrace):
            raise _inside_transform(fname)
        value, axis = inner.unpack(v)
        if axis is None:
            return inner.wrap(go(value, extra), None)
        out = go(jnp.moveaxis(value, axis, -1), extra + 1)
        return inner.wrap(out, out.ndim - 1)

    return tree_util.tree_map(lambda leaf: go(leaf, 0), x)


def _axis(fname, what, axis, ndim):
    if not -ndim <= axis < ndim:
        raise ValueError(f"{fname}: {what} {axis} is out of bounds for an operand of rank {ndim}")
    return axis % ndim


def psum_scatter(x, axis_name, *, scatter_dimension=0, axis_index_groups=None, tiled=False):
    """The sum of x over the members of the named axis, scattered: member i gets the i-th
    entry (tiled: the i-th of axis-size equal blocks) of the sum along scatter_dimension, which
    must have the axis size (tiled: a multiple of it) and is removed (tiled: kept, shrunk)."""
    fname = "psum_scatter"
    if axis_index_groups is not None:
        raise NotImplementedError(f"{fname}: axis_index_groups is not supported")

    def scatter(members, n, extra):
        total = jnp.sum(members, axis=0, dtype=_sum_dtype(members))
        d = _axis(fname, "scatter_dimension", scatter_dimension, total.ndim - extra)
        size = total.shape[d]
        if tiled:
            if size % n:
                raise ValueError(
                    f"{fname}: the scatter dimension's size {size} must be divisible by the "
                    f"axis size {n}"
                )
            total = total.reshape(total.shape[:d] + (n, size // n) + total.shape[d + 1 :])
        elif size != n:
            raise ValueError(
                f"{fname}: the scatter dimension's size {size} must equal the axis size {n} "
                "(or pass tiled=True)"
            )
        return jnp.moveaxis(total, d, 0)

    return _varying(fname, x, axis_name, scatter)


def all_to_all(x, axis_name, split_axis, concat_axis, *, axis_index_groups=None, tiled=False):
    """Each member splits x into axis-size chunks along split_axis and sends chunk j to member
    j, which concatenates what it receives (in member order) along concat_axis. Without tiled,
    split_axis must have the axis size: it is removed and the received chunks are stacked
    along a new axis at concat_axis; with tiled, its size must be a multiple of the axis size
    and the chunks are concatenated along the existing concat_axis."""
    fname = "all_to_all"
    if axis_index_groups is not None:
        raise NotImplementedError(f"{fname}: axis_index_groups is not supported")

    def exchange(members, n, extra):  # members: (source, *x.shape, *extra)
        ndim = members.ndim - 1 - extra
        s = _axis(fname, "split_axis", split_axis, ndim)
        size = members.shape[1 + s]
        if tiled:
            if size % n:
                raise ValueError(
                    f"{fname}: the split axis's size {size} must be divisible by the axis size {n}"
                )
            c = _axis(fname, "concat_axis", concat_axis, ndim)
            sh = members.shape
            # (source, ..., destination, chunk, ...) -> (destination, source, ..., chunk, ...)
            chunks = members.reshape(sh[: 1 + s] + (n, size // n) + sh[2 + s :])
            chunks = jnp.moveaxis(chunks, 1 + s, 0)
            out = jnp.moveaxis(chunks, 1, 1 + c)  # the sources just before concat_axis
            osh = out.shape
            return out.reshape(osh[: 1 + c] + (osh[1 + c] * osh[2 + c],) + osh[3 + c :])
        if size != n:
            raise ValueError(
                f"{fname}: the split axis's size {size} must equal the axis size {n} "
                "(or pass tiled=True)"
            )
        c = _axis(fname, "concat_axis", concat_axis, ndim)
        out = jnp.moveaxis(members, 1 + s, 0)  # (destination, source, *rest)
        return jnp.moveaxis(out, 1, 1 + c)

    return _varying(fname, x, axis_name, exchange)


def pswapaxes(x, axis_name, axis, *, axis_index_groups=None):
    """all_to_all(x, axis_name, axis, axis): swaps the named mapped axis with x's axis
    ``axis`` (whose size must be the axis size)."""
    return all_to_all(x, axis_name, axis, axis, axis_index_groups=axis_index_groups)


def pshuffle(x, axis_name, perm):
    """Member i gets member perm[i]'s x (perm a permutation of range(axis size)): ppermute
    with the sources listed by destination."""
    perm = [operator.index(p) for p in perm]
    if set(perm) != set(range(len(perm))):
        raise ValueError(f"`perm` does not represent a permutation: {perm}")
    return ppermute(x, axis_name, list(zip(perm, range(len(perm)))))


def axis_index(axis_name):
    """This member's position along the named axis (an int32 varying along it)."""
    trace = _named_trace(axis_name, "axis_index")
    return trace.wrap(jnp.arange(trace.axis_size, dtype=jnp.int32), 0)


def axis_size(axis_name):
    """The number of members of the named axis."""
    return _named_trace(axis_name, "axis_size").axis_size
