"""Rules of the convolution primitives (cpp/primitives/conv.cpp). conv is bilinear in its
input and kernel; conv_input_grad and conv_weight_grad are its transposes, and are themselves
bilinear, so every second derivative stays within these three primitives."""

from arrax._rules.common import batch_by_loop, to_front
from arrax._rules.registry import defrules, is_undefined
from arrax.lax import _ops as lax

_GEOM = ("strides", "padding", "dilation", "groups")


def _geom(params):
    return {k: params[k] for k in _GEOM}


def _bilinear_jvp(name):
    def jvp(primals, tangents, params):
        (a, b), (ta, tb) = primals, tangents
        out = lax.bind1(name, a, b, **params)
        t = None
        if ta is not None:
            t = lax.bind1(name, ta, b, **params)
        if tb is not None:
            u = lax.bind1(name, a, tb, **params)
            t = u if t is None else lax.bind1("add", t, u)
        return [out], [t]

    return jvp


def _conv_transpose(cts, args, params):
    (ct,) = cts
    x, w = args
    if ct is None:
        return [None, None]
    g = _geom(params)
    if is_undefined(x) and is_undefined(w):
        raise TypeError("conv: both operands are linear, so the product is not linear")
    if is_undefined(x):
        return [lax.bind1("conv_input_grad", ct, w, shape=tuple(x.shape), **g), None]
    return [None, lax.bind1("conv_weight_grad", x, ct, shape=tuple(w.shape), **g)]


def _input_grad_transpose(cts, args, params):
    # conv_input_grad(c, w) = conv_x^T c: its transpose in c is conv(., w); in w it is
    # conv_weight_grad(., c).
    (dx,) = cts
    c, w = args
    if dx is None:
        return [None, None]
    g = _geom(params)
    if is_undefined(c):
        return [lax.bind1("conv", dx, w, **g), None]
    return [None, lax.bind1("conv_weight_grad", dx, c, shape=tuple(w.shape), **g)]


def _weight_grad_transpose(cts, args, params):
    # conv_weight_grad(x, c) = conv_w^T c: its transpose in c is conv(x, .); in x it is
    # conv_input_grad(c, .).
    (dw,) = cts
    x, c = args
    if dw is None:
        return [None, None]
    g = _geom(params)
    if is_undefined(c):
        return [None, lax.bind1("conv", x, dw, **g)]
    return [lax.bind1("conv_input_grad", c, dw, shape=tuple(x.shape), **g), None]


def _fold_batch(name, which):
    """Batching where only operand ``which`` is batched and its batch folds into N."""

    def rule(values, dims, params):
        if any(d is not None for i, d in enumerate(dims) if i != which) or dims[which] is None:
            return batch_by_loop(name)(values, dims, params)
        v = to_front(values[which], dims[which])
        b, n = v.shape[0], v.shape[1]
        args = list(values)
        args[which] = lax.reshape(v, (b * n,) + tuple(v.shape[2:]))
        p = dict(params)
        if "shape" in p:
            p["shape"] = (b * n,) + tuple(p["shape"][1:])
        out = lax.bind1(name, *args, **p)
        return [lax.reshape(out, (b, n) + tuple(out.shape[1:]))], [0]

    return rule


defrules("conv", jvp=_bilinear_jvp("conv"), transpose=_conv_transpose, batch=_fold_batch("conv", 0))
defrules(
    "conv_input_grad",
    jvp=_bilinear_jvp("conv_input_grad"),
    transpose=_input_grad_transpose,
    batch=_fold_batch("conv_input_grad", 0),
)
defrules(
    "conv_weight_grad",
    jvp=_bilinear_jvp("conv_weight_grad"),
    transpose=_weight_grad_transpose,
    batch=batch_by_loop("conv_weight_grad"),
)
