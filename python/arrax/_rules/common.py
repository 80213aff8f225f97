"""Building blocks shared by the rule files: symbolic-zero handling and batching helpers."""

from arrax import _core
from arrax.lax import _ops as lax


def instantiate(t, like):
    """A tangent or cotangent as an array: a symbolic zero (None) becomes zeros shaped like
    ``like`` (an array or an UndefinedPrimal)."""
    return lax.zeros_like_aval(like.shape, like.dtype) if t is None else t


def add_tangents(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return lax.bind1("add", a, b)


def nondiff_jvp(name):
    """Outputs that are piecewise constant (or not float): zero tangents."""

    def jvp(primals, tangents, params):
        outs = _core.bind(name, primals, params)
        return outs, [None] * len(outs)

    return jvp


def linear_jvp(name):
    """A primitive linear in all its inputs jointly: its tangent is itself on the tangents."""

    def jvp(primals, tangents, params):
        outs = _core.bind(name, primals, params)
        if all(t is None for t in tangents):
            return outs, [None] * len(outs)
        ts = [instantiate(t, p) for t, p in zip(tangents, primals)]
        return outs, _core.bind(name, ts, params)

    return jvp


# --- batching ---------------------------------------------------------------------------


def batch_size(values, dims):
    for v, d in zip(values, dims):
        if d is not None:
            return v.shape[d]
    raise ValueError("batch_size: no batched operand")


def to_front(x, d):
    """x with its batch dimension ``d`` moved to the front."""
    return x if d in (None, 0) else lax.moveaxis(x, d, 0)


def bdim_at_front(x, d, size):
    """x with a leading batch dimension: moved there, or broadcast when x is unbatched."""
    if d is None:
        return lax.broadcast(x, (size,))
    return to_front(x, d)


def batch_elementwise(name):
    """Operands of one shape: all batched along a leading axis, the result too."""

    def rule(values, dims, params):
        size = batch_size(values, dims)
        args = [bdim_at_front(v, d, size) for v, d in zip(values, dims)]
        outs = _core.bind(name, args, params)
        return outs, [0] * len(outs)

    return rule


def batch_unary_shape_op(name, fn):
    """A primitive whose first operand alone is batched and whose params describe its
    dimensions: ``fn(x, params)`` gives the params for x with a leading batch dimension."""

    def rule(values, dims, params):
        if any(d is not None for d in dims[1:]):
            return batch_by_loop(name)(values, dims, params)
        x = to_front(values[0], dims[0])
        outs = _core.bind(name, [x] + list(values[1:]), fn(x, params))
        return outs, [0] * len(outs)

    return rule


def shift_axes(axes, by=1):
    return tuple(int(a) + by for a in axes)


def batch_by_loop(name):
    """The fallback where a primitive has no batching rule for some operand pattern: apply it
    to each batch element and stack the results."""

    def rule(values, dims, params):
        size = batch_size(values, dims)
        per_out = None
        for i in range(size):
            args = [
                v if d is None else lax.index_in_dim(v, i, d, keepdims=False)
                for v, d in zip(values, dims)
            ]
            outs = _core.bind(name, args, params)
            if per_out is None:
                per_out = [[] for _ in outs]
            for acc, o in zip(per_out, outs):
                acc.append(lax.expand_dims(o, (0,)))
        return [lax.concatenate(acc, 0) for acc in per_out], [0] * len(per_out)

    return rule
