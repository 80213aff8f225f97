"""The rest of jax.nn's activation functions and attention, composed from arrax.numpy (so they
differentiate, batch and jit). relu, gelu, silu, sigmoid, softmax and friends are in
_functions.py."""

import math

from arrax import custom_jvp
from arrax import numpy as np
from arrax.nn._functions import _jax_defjvps, logsumexp, sigmoid, silu, softmax

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


# Every activation converts its input to an arrax array first: arithmetic with a Python float
# on a raw NumPy bfloat16/float16 array would promote it (ml_dtypes: bf16 * 0.01 is float32),
# where JAX keeps the dtype.


def elu(x, alpha=1.0):
    x = np.asarray(x)
    safe = np.where(x > 0, 0.0, x)  # expm1 of large positive values would overflow
    return np.where(x > 0, x, alpha * np.expm1(safe))


def celu(x, alpha=1.0):
    x = np.asarray(x)
    return np.maximum(x, 0.0) + alpha * np.expm1(np.minimum(x, 0.0) / alpha)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def leaky_relu(x, negative_slope=0.01):
    x = np.asarray(x)
    return np.where(x >= 0, x, negative_slope * x)


@custom_jvp
def relu6(x):
    return np.minimum(np.maximum(x, 0), 6.0)


# As JAX: the derivative is 0 at both kinks (minimum/maximum's own rules would split them).
_jax_defjvps(relu6, lambda g, ans, x: np.where((x > 0) & (x < 6), g, np.zeros_like(g)))


def softplus(x):
    x = np.asarray(x)
    return np.logaddexp(x, 0)


def log_sigmoid(x):
    x = np.asarray(x)
    return -softplus(-x)


def mish(x):
    x = np.asarray(x)
    return x * np.tanh(softplus(x))


def hard_sigmoid(x):
    x = np.asarray(x)
    return relu6(x + 3.0) / 6.0


def hard_silu(x):
    x = np.asarray(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def hard_tanh(x):
    x = np.asarray(x)
    return np.where(x > 1, 1, np.where(x < -1, -1, x))


def glu(x, axis=-1):
    x = np.asarray(x)
    a, b = np.split(x, 2, axis=axis)
    return a * sigmoid(b)


def soft_sign(x):
    x = np.asarray(x)
    # |x| as a select: its derivative at 0 is then 1, as JAX's abs rule (select(x >= 0, t, -t));
    # arrax's abs rule (sign(x), 0 at 0) gives soft_sign''(0) = 0 where JAX gives -2.
    return x / (np.where(x >= 0, x, -x) + 1)


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None, *,
                algorithm="fast"):  # fmt: skip
    """(x - mean) / sqrt(variance + epsilon) over axis (statistics of x unless given); the
    variance as mean(x^2) - mean(x)^2 clipped at 0 ("fast", JAX's default) or as
    mean((x - mean)^2) ("stable")."""

    def avg(v):
        if where is None:
            return np.mean(v, axis=axis, keepdims=True)
        w = np.broadcast_to(np.asarray(where, bool), np.shape(v))
        return np.sum(np.where(w, v, 0), axis=axis, keepdims=True) / np.sum(
            w, axis=axis, keepdims=True
        )

    x = np.asarray(x)
    if mean is None:
        mean = avg(x)
    if variance is None:
        if algorithm == "stable":
            variance = avg(np.square(x - mean))
        elif algorithm == "fast":
            # The one-pass formula can round below 0; JAX clips it so the rsqrt stays finite.
            variance = np.maximum(avg(np.square(x)) - np.square(mean), 0)
        else:
            raise ValueError(
                f"standardize: unknown algorithm {algorithm!r}; expected 'fast' or 'stable'"
            )
    return (x - mean) * (1 / np.sqrt(variance + epsilon))


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
    lse = logsumexp(x, axis=axes, keepdims=True)
    # The count in the result's dtype, as JAX: np.log of a Python int would be float64 and
    # promote a float32 result.
    out = lse - np.log(np.asarray(count).astype(lse.dtype))
    return out if keepdims else np.squeeze(out, axis=axes)


@custom_jvp
def log1mexp(x):
    """log(1 - exp(-x)) for x > 0, accurate for small and large x (Maechler's split, at log 2 as
    JAX: x < log 2 takes log(-expm1(-x)))."""
    x = np.asarray(x)
    return np.where(x < math.log(2), np.log(-np.expm1(-x)), np.log1p(-np.exp(-x)))


# JAX's rule, 1 / expm1(x): differentiating the where above would give nan (the derivative of the
# branch not taken is nan or inf, and 0 * inf = nan).
_jax_defjvps(log1mexp, lambda g, ans, x: g / np.expm1(x))


def squareplus(x, b=4):
    x = np.asarray(x)
    return (x + np.sqrt(np.square(x) + b)) / 2


def sparse_plus(x):
    x = np.asarray(x)
    return np.where(x <= -1, 0.0, np.where(x >= 1, x, np.square(x + 1) / 4))


def sparse_sigmoid(x):
    x = np.asarray(x)
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
    return_residual=False,
):
    """jax.nn.dot_product_attention over (batch..., seq, heads, head_dim) arrays (with or
    without the batch dim; key/value heads may divide the query heads, as in grouped-query
    attention). mask is True where attention is allowed; local_window_size (left, right) (or
    one int for both) lets query i see keys i - left ... i + right; output rows at or past
    query_seq_lengths are 0, as in JAX. With return_residual, also the logsumexp of the
    masked logits, (batch..., seq, heads)."""
    if implementation == "cudnn":
        raise NotImplementedError("dot_product_attention: implementation='cudnn' needs cuDNN")
    if implementation not in (None, "xla"):
        raise ValueError(
            f"dot_product_attention: unsupported implementation option {implementation!r}"
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
    if isinstance(local_window_size, int):
        local_window_size = (local_window_size, local_window_size)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("...tnh,...snh->...nts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    t, s = logits.shape[-2], logits.shape[-1]
    allowed = None if mask is None else np.asarray(mask, bool)

    def both(m):
        return m if allowed is None else allowed & m

    if is_causal:
        allowed = both(np.tril(np.ones((t, s), bool)))
    if local_window_size is not None:
        left, right = local_window_size
        qpos, kpos = np.arange(t)[:, None], np.arange(s)[None, :]
        allowed = both((qpos <= kpos + left) & (qpos >= kpos - right))
    qlen = None if query_seq_lengths is None else np.asarray(query_seq_lengths)
    if qlen is not None or key_value_seq_lengths is not None:
        lead = q.shape[:-3]
        ql = np.full(lead, t) if qlen is None else qlen
        klen = (
            np.full(lead, s) if key_value_seq_lengths is None else np.asarray(key_value_seq_lengths)
        )
        rows = np.arange(t)[:, None] < ql[..., None, None, None]
        cols = np.arange(s)[None, :] < klen[..., None, None, None]
        allowed = both(rows & cols)
    if allowed is not None:
        # JAX's fill value, -0.7 * the largest float (capped at float32's): a fully masked row
        # is then uniform, and its logsumexp (return_residual) is JAX's.
        big = min(float(np.finfo(logits.dtype).max), float(np.finfo(np.float32).max))
        logits = np.where(allowed, logits, np.asarray(-0.7 * big, logits.dtype))
    weights = softmax(logits, axis=-1)
    out = np.einsum("...nts,...snh->...tnh", weights, v).astype(q.dtype)
    if qlen is not None:
        # JAX zeroes the output rows of the padding queries (their softmax row is uniform over
        # all keys, every logit being masked).
        valid = np.arange(t)[:, None, None] < qlen[..., None, None, None]
        out = out * valid.astype(out.dtype)
    if return_residual:
        lse = np.moveaxis(logsumexp(logits, axis=-1), -1, -2).astype(q.dtype)
        from arrax import lax

        return out, lax.stop_gradient(lse)
    return out
