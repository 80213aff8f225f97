"""Activations, losses and initializers (functions of arrays and keys, composed from
arrax.numpy, so they differentiate, batch and jit)."""

import functools
import math
import operator
import warnings

import numpy as onp

from arrax import custom_jvp, random
from arrax import numpy as np

__all__ = [
    "relu",
    "gelu",
    "silu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "logsumexp",
    "one_hot",
    "erf",
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "mse",
    "huber",
    "glorot_uniform",
    "glorot_normal",
    "xavier_uniform",
    "xavier_normal",
    "he_uniform",
    "he_normal",
    "kaiming_uniform",
    "kaiming_normal",
    "lecun_uniform",
    "lecun_normal",
    "normal",
    "uniform",
    "zeros",
    "ones",
]


def _jax_defjvps(fun, tangent):
    """fun's JVP is tangent(t, fun(x), x), with fun(x) computed by calling fun itself (as JAX's
    defjvps does), so that a second derivative also goes through this rule: custom_jvp.defjvps
    evaluates the undecorated body, whose maximum/minimum split ties 0.5/0.5 under an outer
    differentiation (grad(grad(hard_silu))(-3.) was 1/12 where JAX gives 0)."""

    @fun.defjvp
    def _jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        ans = fun(x)
        return ans, tangent(t, ans, x)

    return fun


@custom_jvp
def relu(x):
    return np.maximum(x, 0)


# relu'(0) = 0, as in JAX and PyTorch (maximum's own rule would split the tie: 0.5). Under jit the
# custom call is inlined once differentiation is done, so relu fuses with its neighbours.
_jax_defjvps(relu, lambda t, ans, x: np.where(x > 0, t, np.zeros_like(t)))


@custom_jvp
def sigmoid(x):
    # exp of a non-positive number only: no overflow for large |x|
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


# jax.nn.sigmoid is lax.logistic, whose derivative is ans * (1 - ans): the chain rule through
# the formula above would lose the tangent at 0 (d|x|/dx = sign(0) = 0) and give nan at -inf.
_jax_defjvps(sigmoid, lambda t, ans, x: t * (ans * (1 - ans)))


def silu(x):
    x = np.asarray(x)
    return x * sigmoid(x)


def tanh(x):
    return np.tanh(x)


def erf(x):
    """The error function (the erf primitive; integers as the default float)."""
    from arrax.scipy.special import erf as _erf

    return _erf(x)


_GELU_C = math.sqrt(2 / math.pi)


@custom_jvp
def _gelu_tanh(x):
    # JAX's order of operations (x * cdf), so values agree to the rounding of tanh.
    cdf = 0.5 * (1.0 + np.tanh(_GELU_C * (x + 0.044715 * (x * x * x))))
    return x * cdf


# The derivative in closed form (as PyTorch's gelu_backward): about half the operations of the
# chain rule through the formula, which matters in a transformer's backward pass where it is
# recomputed from the input.
@_gelu_tanh.defjvp
def _gelu_tanh_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    x2 = x * x
    th = np.tanh(_GELU_C * (x + 0.044715 * (x2 * x)))
    half = 0.5 * (1.0 + th)  # the value is x * half
    d = half + x * (1 - th * th) * ((0.5 * _GELU_C) + (1.5 * _GELU_C * 0.044715) * x2)
    return x * half, t * d


def gelu(x, approximate=True):
    """GELU; the tanh approximation by default (as jax.nn.gelu)."""
    x = np.asarray(x)
    if x.dtype.kind in "biu":  # as JAX's promote_args_inexact
        x = x.astype(np.result_type(float))
    if approximate:
        return _gelu_tanh(x)
    from arrax.scipy.special import erfc

    # x/2 * erfc(-x/sqrt2), as JAX: 1 + erf(x/sqrt2) cancels to 0 for x below about -6 in
    # float32 (gelu(-8) would be -0 instead of -5e-15, and the derivative would lose digits).
    return (0.5 * x * erfc(-x * onp.sqrt(0.5).astype(x.dtype))).astype(x.dtype)


def _stable_max(x, axis):
    """The rows' maxima with -inf ones (rows all -inf, masked or empty) replaced by 0, as a
    constant of differentiation. A +inf maximum stays: x - m is then nan, and the row's
    softmax all nan, as JAX's (not [nan, 0, ...])."""
    from arrax import lax

    # initial=-inf: the maximum of an empty row is defined (softmax([]) is [], as in JAX)
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    return lax.stop_gradient(np.where(m == -np.inf, 0, m))


def logsumexp(x, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """jax.nn.logsumexp (jax.scipy.special's): over all axes by default."""
    from arrax.scipy.special import logsumexp as scipy_logsumexp

    return scipy_logsumexp(x, axis, b, keepdims, return_sign, where)


# softmax and log_softmax have JAX's custom JVPs: the tangent is written with the output, so
# that the backward pass reads the result instead of recomputing exp (a transformer's attention
# spent twice PyTorch's time in its softmax regions), and softmax takes one exp, not two.
@functools.partial(custom_jvp, nondiff_argnums=(1,))
def _log_softmax(x, axis):
    shifted = x - _stable_max(x, axis)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


@_log_softmax.defjvp
def _log_softmax_jvp(axis, primals, tangents):
    (x,), (t,) = primals, tangents
    y = _log_softmax(x, axis)
    return y, t - np.sum(np.exp(y) * t, axis=axis, keepdims=True)


@functools.partial(custom_jvp, nondiff_argnums=(1,))
def _softmax(x, axis):
    e = np.exp(x - _stable_max(x, axis))
    # One reciprocal per row, a product per element (as PyTorch's softmax): within an ulp of
    # the quotient.
    return e * (1 / np.sum(e, axis=axis, keepdims=True))


@_softmax.defjvp
def _softmax_jvp(axis, primals, tangents):
    (x,), (t,) = primals, tangents
    y = _softmax(x, axis)
    return y, y * (t - np.sum(y * t, axis=axis, keepdims=True))


def _axis_key(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def log_softmax(x, axis=-1, where=None):
    """jax.nn.log_softmax; with `where`, the masked-out items are left out of the sum and get
    -inf."""
    if where is None:
        return _log_softmax(x, _axis_key(axis))
    x = np.asarray(x)
    y = _log_softmax(np.where(where, x, -np.inf), _axis_key(axis))
    return np.where(where, y, -np.inf)


def softmax(x, axis=-1, where=None):
    """jax.nn.softmax; with `where`, the masked-out items are left out of the sum and get 0."""
    if where is None:
        return _softmax(x, _axis_key(axis))
    x = np.asarray(x)
    y = _softmax(np.where(where, x, -np.inf), _axis_key(axis))
    return np.where(where, y, 0)


# LayerNorm's normalization over the last axis, with a custom JVP in closed form (as PyTorch's
# layer_norm_backward): the two row means of the tangent are independent, so the backward pass
# takes both in one fused pass over the rows and one more pass for the result, instead of the
# four or five passes the chain rule through mean, var and sqrt makes.
def _normalize_primal(x, eps):
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps), var


@functools.partial(custom_jvp, nondiff_argnums=(1,))
def normalize_last(x, eps):
    """(x - mean) / sqrt(var + eps) over the last axis."""
    return _normalize_primal(x, eps)[0]


@normalize_last.defjvp
def _normalize_last_jvp(eps, primals, tangents):
    (x,), (t,) = primals, tangents
    xhat, var = _normalize_primal(x, eps)
    rstd = 1 / np.sqrt(var + eps)
    # d xhat = rstd (t - mean(t) - xhat mean(xhat t)); mean(xhat) = 0 makes mean(xhat t) the
    # same as mean(xhat (t - mean(t))).
    mt = np.mean(t, axis=-1, keepdims=True)
    mxt = np.mean(xhat * t, axis=-1, keepdims=True)
    return xhat, rstd * (t - mt - xhat * mxt)


def one_hot(x, num_classes, dtype=onp.float32, axis=-1):
    """jax.nn.one_hot: a new axis `axis` of num_classes items, 1 at each label (all 0 for a label
    outside [0, num_classes))."""
    if isinstance(num_classes, np.ndarray) and num_classes._is_tracer:
        from arrax.errors import ConcretizationTypeError

        raise ConcretizationTypeError(
            "one_hot: num_classes must be a concrete integer, but it is traced (an argument of "
            "jit?); the error arose in jax.nn.one_hot argument `num_classes` (mark it static)"
        )
    num_classes = operator.index(num_classes)
    x = np.asarray(x)
    if x.dtype.kind not in "iu":
        # JAX deprecated non-integer labels (2024-12-18) and warns in the same way.
        warnings.warn(
            f"jax.nn.one_hot input should be integer-typed; got dtype={x.dtype}",
            DeprecationWarning,
            stacklevel=2,
        )
    hot = (x[..., None] == np.arange(num_classes)).astype(dtype)
    return np.moveaxis(hot, -1, axis) if axis != -1 else hot


def cross_entropy(logits, labels, label_smoothing=0.0, axis=-1, reduction="mean"):
    """Softmax cross-entropy; labels are class indices or one-hot (probability) rows."""
    logp = log_softmax(logits, axis)
    k = logits.shape[axis]
    labels = np.asarray(labels)
    target = (
        one_hot(labels, k, logp.dtype)
        if labels.ndim == logits.ndim - 1
        else labels.astype(logp.dtype)
    )
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / k
    loss = -np.sum(target * logp, axis=axis)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(logits, targets, reduction="mean"):
    # max(z, 0) - z*y + log(1 + exp(-|z|)): stable for large |z|
    loss = np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits)))
    return _reduce(loss, reduction)


def binary_cross_entropy(probs, targets, eps=1e-12, reduction="mean"):
    p = np.clip(probs, eps, 1 - eps)
    loss = -(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    return _reduce(loss, reduction)


def mse(pred, target, reduction="mean"):
    return _reduce((pred - target) ** 2, reduction)


def huber(pred, target, delta=1.0, reduction="mean"):
    d = np.abs(pred - target)
    loss = np.where(d <= delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    return _reduce(loss, reduction)


def _reduce(loss, reduction):
    if reduction == "mean":
        return np.mean(loss)
    if reduction == "sum":
        return np.sum(loss)
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


# --- initializers: (key, shape, dtype) -> array; fans are (shape[-2], shape[-1]) for 2-D
# weights, and (in_channels * receptive field, out_channels * receptive field) for convolution
# kernels laid out (out, in, kh, kw). ---


def _fans(shape):
    if len(shape) < 2:
        return shape[0] if shape else 1, shape[0] if shape else 1
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(onp.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


def _variance_scaling(scale, mode, distribution):
    def init(key, shape, dtype=onp.float32):
        fan_in, fan_out = _fans(tuple(shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        var = scale / max(n, 1)
        if distribution == "uniform":
            lim = math.sqrt(3 * var)
            return random.uniform(key, shape, dtype, -lim, lim)
        return random.normal(key, shape, dtype) * math.sqrt(var)

    return init


glorot_uniform = xavier_uniform = _variance_scaling(1.0, "fan_avg", "uniform")
glorot_normal = xavier_normal = _variance_scaling(1.0, "fan_avg", "normal")
he_uniform = kaiming_uniform = _variance_scaling(2.0, "fan_in", "uniform")
he_normal = kaiming_normal = _variance_scaling(2.0, "fan_in", "normal")
lecun_uniform = _variance_scaling(1.0, "fan_in", "uniform")
lecun_normal = _variance_scaling(1.0, "fan_in", "normal")


def normal(stddev=1e-2):
    return lambda key, shape, dtype=onp.float32: random.normal(key, shape, dtype) * stddev


def uniform(scale=1e-2):
    return lambda key, shape, dtype=onp.float32: random.uniform(key, shape, dtype, 0.0, scale)


def zeros(key, shape, dtype=onp.float32):
    return np.zeros(shape, dtype)


def ones(key, shape, dtype=onp.float32):
    return np.ones(shape, dtype)
