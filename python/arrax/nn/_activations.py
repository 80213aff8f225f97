"""The rest of jax.nn's activation functions and attention, composed from arrax.numpy (so they
differentiate, batch and jit). relu, gelu, silu, sigmoid, softmax and friends are in
_functions.py."""

import math

from arrax import custom_jvp
from arrax import numpy as np
from arrax.nn._functions import logsumexp, sigmoid, silu, softmax

__all__ = [
    "elu",
    "celu",
    "selu",
    "leaky_relu",
    "relu6",
    "softplus",
    "log_sigmoid",
    "swish",
    "mish",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "glu",
    "soft_sign",
    "standardize",
    "identity",
    "logmeanexp",
    "log1mexp",
    "squareplus",
    "sparse_plus",
    "sparse_sigmoid",
    "dot_product_attention",
]

swish = silu


def elu(x, alpha=1.0):
    safe = np.where(x > 0, 0.0, x)  # expm1 of large positive values would overflow
    return np.where(x > 0, x, alpha * np.expm1(safe))


def celu(x, alpha=1.0):
    return np.maximum(x, 0.0) + alpha * np.expm1(np.minimum(x, 0.0) / alpha)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def leaky_relu(x, negative_slope=0.01):
    return np.where(x >= 0, x, negative_slope * x)


@custom_jvp
def relu6(x):
    return np.minimum(np.maximum(x, 0), 6.0)


# As JAX: the derivative is 0 at both kinks (minimum/maximum's own rules would split them).
relu6.defjvps(lambda g, ans, x: np.where((x > 0) & (x < 6), g, np.zeros_like(g)))


def softplus(x):
    return np.logaddexp(x, 0)


def log_sigmoid(x):
    return -softplus(-x)


def mish(x):
    return x * np.tanh(softplus(x))


def hard_sigmoid(x):
    return relu6(x + 3.0) / 6.0


def hard_silu(x):
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def hard_tanh(x):
    return np.where(x > 1, 1, np.where(x < -1, -1, x))


def glu(x, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    return a * sigmoid(b)


def soft_sign(x):
    return x / (np.abs(x) + 1)


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None):
    """(x - mean) / sqrt(variance + epsilon) over axis (statistics of x unless given)."""

    def avg(v):
        if where is None:
            return np.mean(v, axis=axis, keepdims=True)
        w = np.broadcast_to(np.asarray(where, bool), np.shape(v))
        return np.sum(np.where(w, v, 0), axis=axis, keepdims=True) / np.sum(
            w, axis=axis, keepdims=True
        )

    if mean is None:
        mean = avg(x)
    if variance is None:
        variance = avg(np.square(x)) - np.square(mean)
    return (x - mean) / np.sqrt(variance + epsilon)


def identity(x):
    return x


def logmeanexp(x, axis=None, where=None, keepdims=False):
    """log(mean(exp(x))) over axis, computed stably."""
    x = np.asarray(x)
    axes = tuple(range(x.ndim)) if axis is None else axis
    if where is not None:
        count = np.sum(np.broadcast_to(where, x.shape), axis=axes, keepdims=True)
        x = np.where(where, x, -np.inf)
    else:
        count = math.prod(x.shape[a] for a in (axes if isinstance(axes, tuple) else (axes,)))
    out = logsumexp(x, axis=axes, keepdims=True) - np.log(count)
    return out if keepdims else np.squeeze(out, axis=axes)


def log1mexp(x):
    """log(1 - exp(-x)) for x > 0, accurate for small and large x (Maechler's split)."""
    return np.where(x > math.log(2), np.log1p(-np.exp(-x)), np.log(-np.expm1(-x)))


def squareplus(x, b=4):
    return (x + np.sqrt(np.square(x) + b)) / 2


def sparse_plus(x):
    return np.where(x <= -1, 0.0, np.where(x >= 1, x, np.square(x + 1) / 4))


def sparse_sigmoid(x):
    return 0.5 * np.clip(x + 1.0, 0.0, 2.0)


def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    *,
    scale=None,
    is_causal=False,
    query_seq_lengths=None,
    key_value_seq_lengths=None,
    local_window_size=None,
    implementation=None,
):
    """jax.nn.dot_product_attention over (batch..., seq, heads, head_dim) arrays (with or
    without the batch dim; key/value heads may divide the query heads, as in grouped-query
    attention). mask is True where attention is allowed."""
    if local_window_size is not None or implementation not in (None, "xla"):
        raise NotImplementedError(
            "dot_product_attention: local windows and other implementations are not supported"
        )
    q, k, v = np.asarray(query), np.asarray(key), np.asarray(value)
    if q.ndim not in (3, 4) or k.ndim != q.ndim or v.ndim != q.ndim:
        raise ValueError(
            "dot_product_attention: query, key and value must all be (T, N, H) or (B, T, N, H), "
            f"got {q.shape}, {k.shape}, {v.shape}"
        )
    n, kn = q.shape[-2], k.shape[-2]
    if n % kn:
        raise ValueError(
            f"dot_product_attention: {n} query heads is not a multiple of {kn} key heads"
        )
    if kn != n:  # grouped-query attention: each key/value head serves n // kn query heads
        k, v = np.repeat(k, n // kn, axis=-2), np.repeat(v, n // kn, axis=-2)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("...tnh,...snh->...nts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    t, s = logits.shape[-2], logits.shape[-1]
    allowed = None if mask is None else np.asarray(mask, bool)
    if is_causal:
        causal = np.tril(np.ones((t, s), bool))
        allowed = causal if allowed is None else allowed & causal
    if query_seq_lengths is not None or key_value_seq_lengths is not None:
        lead = q.shape[:-3]
        qlen = np.full(lead, t) if query_seq_lengths is None else np.asarray(query_seq_lengths)
        klen = (
            np.full(lead, s) if key_value_seq_lengths is None else np.asarray(key_value_seq_lengths)
        )
        rows = np.arange(t)[:, None] < qlen[..., None, None, None]
        cols = np.arange(s)[None, :] < klen[..., None, None, None]
        valid = rows & cols
        allowed = valid if allowed is None else allowed & valid
    if allowed is not None:
        logits = np.where(allowed, logits, np.finfo(logits.dtype).min)
    weights = softmax(logits, axis=-1)
    return np.einsum("...nts,...snh->...tnh", weights, v).astype(q.dtype)
