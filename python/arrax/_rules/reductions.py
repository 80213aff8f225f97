"""Rules of the reductions and scans (cpp/primitives/reductions.cpp, scans.cpp)."""

import numpy as onp

from arrax import _core
from arrax._rules.common import batch_unary_shape_op, linear_jvp, nondiff_jvp, shift_axes
from arrax._rules.registry import defrules
from arrax.lax import _ops as lax


def _kept_dims(ndim, axes):
    return tuple(d for d in range(ndim) if d not in axes)


def _expand_back(r, shape, axes):
    """A reduction's result broadcast back over the reduced axes."""
    return lax.broadcast_in_dim(r, shape, _kept_dims(len(shape), axes))


def _batch_axes(name):
    return batch_unary_shape_op(name, lambda x, p: dict(p, axes=shift_axes(p["axes"])))


def _batch_axis(name):
    return batch_unary_shape_op(name, lambda x, p: dict(p, axis=p["axis"] + 1))


def _sum_transpose(cts, args, params):
    (ct,) = cts
    (x,) = args
    if ct is None:
        return [None]
    return [lax.convert_element_type(_expand_back(ct, x.shape, params["axes"]), x.dtype)]


defrules(
    "reduce_sum",
    jvp=linear_jvp("reduce_sum"),
    transpose=_sum_transpose,
    batch=_batch_axes("reduce_sum"),
)


def _extremum_jvp(name):
    # The tangent at the extremum; ties share it evenly (as JAX does).
    def jvp(primals, tangents, params):
        (x,), (t,) = primals, tangents
        ans = _core.bind(name, [x], params)[0]
        if t is None:
            return [ans], [None]
        axes = params["axes"]
        mask = lax.convert_element_type(
            lax.bind1("eq", x, _expand_back(ans, x.shape, axes)), x.dtype
        )
        count = lax.reduce_sum(mask, axes)
        picked = lax.reduce_sum(lax.bind1("mul", t, mask), axes)
        return [ans], [lax.bind1("div", picked, count)]

    return jvp


for _n in ("reduce_max", "reduce_min"):
    defrules(_n, jvp=_extremum_jvp(_n), batch=_batch_axes(_n))


def _exclusive_products(x, axes):
    """For each element, the product of the other elements over ``axes`` (no division, so
    zeros are handled exactly)."""
    kept = _kept_dims(x.ndim, axes)
    perm = kept + tuple(axes)
    xt = lax.transpose(x, perm)
    lead = xt.shape[: len(kept)]
    n = int(onp.prod(xt.shape[len(kept) :], dtype=onp.int64))
    flat = lax.reshape(xt, lead + (n,))
    ax = len(lead)
    one = lax.full(lead + (1,), 1, x.dtype)
    left = lax.concatenate([one, lax.slice_in_dim(lax.cumprod(flat, ax), 0, n - 1, 1, ax)], ax)
    right = lax.concatenate(
        [lax.slice_in_dim(lax.cumprod(flat, ax, reverse=True), 1, n, 1, ax), one], ax
    )
    others = lax.reshape(lax.bind1("mul", left, right), xt.shape)
    return lax.transpose(others, tuple(onp.argsort(perm)))


def _prod_jvp(primals, tangents, params):
    (x,), (t,) = primals, tangents
    ans = _core.bind("reduce_prod", [x], params)[0]
    if t is None or x.size == 0:
        return [ans], [None if t is None else lax.zeros_like(ans)]
    others = _exclusive_products(x, params["axes"])
    return [ans], [lax.reduce_sum(lax.bind1("mul", t, others), params["axes"])]


defrules("reduce_prod", jvp=_prod_jvp, batch=_batch_axes("reduce_prod"))
for _n in ("reduce_and", "reduce_or"):
    defrules(_n, jvp=nondiff_jvp(_n), batch=_batch_axes(_n))
for _n in ("argmax", "argmin"):
    defrules(_n, jvp=nondiff_jvp(_n), batch=_batch_axis(_n))


def _cumsum_transpose(cts, args, params):
    (ct,) = cts
    if ct is None:
        return [None]
    return [lax.cumsum(ct, params["axis"], not params.get("reverse", False))]


defrules(
    "cumsum", jvp=linear_jvp("cumsum"), transpose=_cumsum_transpose, batch=_batch_axis("cumsum")
)


def _cumprod_jvp(primals, tangents, params):
    # d cumprod = cumprod * cumsum(t / x): exact where x has no zeros.
    (x,), (t,) = primals, tangents
    ans = _core.bind("cumprod", [x], params)[0]
    if t is None:
        return [ans], [None]
    ratio = lax.bind1("div", t, x)
    return [ans], [lax.bind1("mul", ans, _core.bind("cumsum", [ratio], params)[0])]


defrules("cumprod", jvp=_cumprod_jvp, batch=_batch_axis("cumprod"))


def _cumextremum_jvp(name):
    # Each output is the input element where the running extremum was last set: its tangent
    # is that element's tangent, gathered along the axis.
    def jvp(primals, tangents, params):
        from arrax._functional import take_along_axis

        (x,), (t,) = primals, tangents
        ans = _core.bind(name, [x], params)[0]
        if t is None:
            return [ans], [None]
        axis, reverse = params["axis"], params.get("reverse", False)
        n = x.shape[axis]
        pos = lax.broadcasted_iota(onp.int64, x.shape, axis)
        if reverse:
            pos = lax.bind1("sub", lax.full(x.shape, n - 1, onp.int64), pos)
        hit = lax.bind1("eq", x, ans)
        last = lax.cummax(lax.select(hit, pos, lax.full(x.shape, -1, onp.int64)), axis, reverse)
        if reverse:
            last = lax.bind1("sub", lax.full(x.shape, n - 1, onp.int64), last)
        return [ans], [take_along_axis(t, last, axis)]

    return jvp


for _n in ("cummax", "cummin"):
    defrules(_n, jvp=_cumextremum_jvp(_n), batch=_batch_axis(_n))


# sort / argsort along an axis (sorting.cpp): the tangent follows its element.
def _sort_jvp(primals, tangents, params):
    from arrax._functional import take_along_axis

    (x,), (t,) = primals, tangents
    ans = _core.bind("sort", [x], params)[0]
    if t is None:
        return [ans], [None]
    order = _core.bind("argsort", [x], params)[0]
    return [ans], [take_along_axis(t, order, params["axis"])]


defrules("sort", jvp=_sort_jvp, batch=_batch_axis("sort"))
defrules("argsort", jvp=nondiff_jvp("argsort"), batch=_batch_axis("argsort"))
