"""Rules of the max-pooling primitives (cpp/primitives/pooling.cpp). max_pool's tangent is the
tangent at each window's argmax (max_pool_gather); gather and scatter are linear in their
second operand and each other's transpose, and constant in the first (the argmax moves only
where x ties, a set of measure zero), so every derivative stays within these three."""

from arrax import _core
from arrax._rules.common import batch_size, bdim_at_front, to_front
from arrax._rules.registry import defrules, is_undefined
from arrax.lax import _ops as lax


def _max_pool_jvp(primals, tangents, params):
    (x,), (t,) = primals, tangents
    y = lax.bind1("max_pool", x, **params)
    return [y], [None if t is None else lax.bind1("max_pool_gather", x, t, **params)]


def _linear_in_values(name):
    """gather/scatter(x, v): linear in v, constant in x."""

    def jvp(primals, tangents, params):
        (x, v), (_, tv) = primals, tangents
        out = lax.bind1(name, x, v, **params)
        return [out], [None if tv is None else lax.bind1(name, x, tv, **params)]

    return jvp


def _transpose_to(other):
    def transpose(cts, args, params):
        (ct,) = cts
        x, v = args
        if is_undefined(x):
            raise TypeError(f"{other}: the pooled input is not a linear operand")
        if ct is None:
            return [None, None]
        return [None, lax.bind1(other, x, ct, **params)]

    return transpose


def _batch(name):
    """The primitives pool the last two dims and treat the leading ones as batch: a batch
    dimension moves to the front (an unbatched operand is broadcast along it)."""

    def rule(values, dims, params):
        size = batch_size(values, dims)
        if len(values) == 1:
            args = [to_front(values[0], dims[0])]
        else:
            args = [bdim_at_front(v, d, size) for v, d in zip(values, dims)]
        return _core.bind(name, args, params), [0]

    return rule


defrules("max_pool", jvp=_max_pool_jvp, batch=_batch("max_pool"))
defrules(
    "max_pool_gather",
    jvp=_linear_in_values("max_pool_gather"),
    transpose=_transpose_to("max_pool_scatter"),
    batch=_batch("max_pool_gather"),
)
defrules(
    "max_pool_scatter",
    jvp=_linear_in_values("max_pool_scatter"),
    transpose=_transpose_to("max_pool_gather"),
    batch=_batch("max_pool_scatter"),
)
