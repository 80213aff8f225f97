"""Layers (modules as pytrees; see _module.py). Convolutions and pooling take NCHW input as
PyTorch does; a convolution gathers its input patches with strided slices (im2col) and is one
dot_general per group, so its derivatives and batching come from those primitives' rules."""

import math

import numpy as onp

from arrax import lax, random
from arrax import numpy as np
from arrax.nn import _functions as F
from arrax.nn._module import Module

__all__ = [
    "Linear",
    "Conv1d",
    "Conv2d",
    "MaxPool2d",
    "AvgPool2d",
    "BatchNorm",
    "LayerNorm",
    "RMSNorm",
    "Dropout",
    "Embedding",
    "MultiHeadAttention",
    "Sequential",
    "MLP",
    "Lambda",
]


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


class Linear(Module):
    """y = x @ weight + bias; weight (in, out), Glorot-uniform by default."""

    def __init__(
        self, in_features, out_features, key, bias=True, dtype=onp.float32, init=F.glorot_uniform
    ):
        self.weight = init(key, (in_features, out_features), dtype)
        self.bias = np.zeros(out_features, dtype) if bias else None
        self.in_features, self.out_features = in_features, out_features

    def __call__(self, x):
        y = x @ self.weight
        return y if self.bias is None else y + self.bias


def _patches(x, kernel, stride, dilation):
    """x (N, C, *spatial) -> (N, C, prod(kernel), *out_spatial): the input under each kernel
    tap, gathered by strided slicing."""
    spatial = x.shape[2:]
    out = [
        (s - d * (k - 1) - 1) // st + 1 for s, k, st, d in zip(spatial, kernel, stride, dilation)
    ]
    if any(o <= 0 for o in out):
        raise ValueError(
            f"convolution: the kernel {kernel} (dilation {dilation}) is larger than the padded "
            f"input {spatial}"
        )
    taps = []
    for offset in onp.ndindex(*kernel):
        idx = [slice(None), slice(None)]
        for o, d, st, n in zip(offset, dilation, stride, out):
            start = o * d
            idx.append(slice(start, start + (n - 1) * st + 1, st))
        taps.append(x[tuple(idx)])
    return np.stack(taps, axis=2), out


class _ConvND(Module):
    nd = 2

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        key,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        dtype=onp.float32,
    ):
        nd = self.nd

        def as_t(v):
            return tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd

        if in_channels % groups or out_channels % groups:
            raise ValueError("Conv: in_channels and out_channels must be divisible by groups")
        self.kernel_size, self.stride = as_t(kernel_size), as_t(stride)
        self.padding, self.dilation, self.groups = as_t(padding), as_t(dilation), groups
        shape = (out_channels, in_channels // groups) + self.kernel_size
        kw, kb = random.split(key)
        self.weight = F.kaiming_uniform(kw, shape, dtype)
        fan_in = (in_channels // groups) * int(onp.prod(self.kernel_size))
        bound = 1 / math.sqrt(fan_in)
        self.bias = random.uniform(kb, (out_channels,), dtype, -bound, bound) if bias else None

    def __call__(self, x):
        nd = self.nd
        if x.ndim != nd + 2:
            raise ValueError(
                f"{type(self).__name__}: expects (N, C{', spatial' * nd}) input, got shape {x.shape}"
            )
        # The conv primitive (im2col + GEMM in C++, with its own transposes) is 2-D; a 1-D
        # convolution is a 2-D one over a height of 1.
        w = self.weight
        if nd == 1:
            x, w = x[:, :, None, :], w[:, :, None, :]
        pad = (
            (0, 0, self.padding[0], self.padding[0])
            if nd == 1
            else (self.padding[0], self.padding[0], self.padding[1], self.padding[1])
        )
        stride = (1,) + self.stride if nd == 1 else self.stride
        dilation = (1,) + self.dilation if nd == 1 else self.dilation
        w = w.astype(x.dtype)
        y = lax.bind1(
            "conv", x, w, strides=stride, padding=pad, dilation=dilation, groups=self.groups
        )
        if nd == 1:
            y = y[:, :, 0, :]
        if self.bias is not None:
            y = y + self.bias.reshape((1, -1) + (1,) * nd)
        return y


class Conv2d(_ConvND):
    """2-D convolution over NCHW input (stride, padding, dilation, groups)."""

    nd = 2


class Conv1d(_ConvND):
    """1-D convolution over NCL input."""

    nd = 1


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride if stride is not None else kernel_size)
        self.padding = _pair(padding)

    def _windows(self, x, fill):
        if x.ndim != 4:
            raise ValueError(f"{type(self).__name__}: expects NCHW input, got shape {x.shape}")
        if any(self.padding):
            x = lax.pad(x, fill, [(0, 0, 0), (0, 0, 0)] + [(p, p, 0) for p in self.padding])
        cols, _ = _patches(x, self.kernel_size, self.stride, (1, 1))
        return cols

    def _tiles(self, x):
        """Non-overlapping windows (stride == kernel, no padding) as a reshape: (N, C, Ho, kh,
        Wo, kw), with trailing rows and columns that fit no window cut, as PyTorch does."""
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        if (kh, kw) != (sh, sw) or any(self.padding) or x.ndim != 4:
            return None
        n, c, h, w = x.shape
        ho, wo = h // kh, w // kw
        if ho == 0 or wo == 0:
            return None
        return x[:, :, : ho * kh, : wo * kw].reshape(n, c, ho, kh, wo, kw)


class MaxPool2d(_Pool2d):
    # One primitive (cpp/primitives/pooling.cpp) whose gradient goes to each window's first
    # maximum, as in PyTorch and JAX; a max over reshaped windows would split ties.
    def __call__(self, x):
        if x.ndim != 4:
            raise ValueError(f"MaxPool2d: expects NCHW input, got shape {x.shape}")
        (ph, pw) = self.padding
        return lax.bind1(
            "max_pool",
            x,
            window=self.kernel_size,
            strides=self.stride,
            padding=(ph, ph, pw, pw),
        )


class AvgPool2d(_Pool2d):
    def __call__(self, x):
        t = self._tiles(x)
        if t is not None:
            return np.mean(t, axis=(3, 5))
        return np.mean(self._windows(x, 0.0), axis=2)


class BatchNorm(Module):
    """Batch normalization over the channel axis 1 (or the last axis of 2-D input).
    ``bn(x, train=True)`` returns (y, bn with updated running statistics)."""

    def __init__(self, num_features, momentum=0.1, eps=1e-5, dtype=onp.float32):
        self.weight = np.ones(num_features, dtype)
        self.bias = np.zeros(num_features, dtype)
        self.running_mean = np.zeros(num_features, dtype)
        self.running_var = np.ones(num_features, dtype)
        self.momentum, self.eps = momentum, eps

    def __call__(self, x, train=True):
        axes = tuple(d for d in range(x.ndim) if d != 1)
        shape = [1] * x.ndim
        shape[1] = -1
        if train:
            mean = np.mean(x, axis=axes)
            var = np.var(x, axis=axes)
            n = x.size // x.shape[1]
            unbiased = var * (n / max(n - 1, 1))
            m = self.momentum
            new = self.replace(
                running_mean=lax.stop_gradient((1 - m) * self.running_mean + m * mean),
                running_var=lax.stop_gradient((1 - m) * self.running_var + m * unbiased),
            )
        else:
            mean, var, new = self.running_mean, self.running_var, self
        y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + self.eps)
        return y * self.weight.reshape(shape) + self.bias.reshape(shape), new


class LayerNorm(Module):
    """Normalization over the last axis, with a learned scale and shift."""

    def __init__(self, dim, eps=1e-5, dtype=onp.float32):
        self.weight, self.bias, self.eps = np.ones(dim, dtype), np.zeros(dim, dtype), eps

    def __call__(self, x):
        return F.normalize_last(x, self.eps) * self.weight + self.bias


class RMSNorm(Module):
    def __init__(self, dim, eps=1e-6, dtype=onp.float32):
        self.weight, self.eps = np.ones(dim, dtype), eps

    def __call__(self, x):
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps) * self.weight


class Dropout(Module):
    """``drop(x, key, train=True)``: zeros a fraction ``rate`` and rescales the rest."""

    def __init__(self, rate=0.5):
        if not 0 <= rate < 1:
            raise ValueError("Dropout: rate must be in [0, 1)")
        self.rate = rate

    def __call__(self, x, key=None, train=True):
        if not train or self.rate == 0:
            return x
        if key is None:
            raise ValueError("Dropout: training needs a key")
        keep = random.bernoulli(key, 1 - self.rate, x.shape)
        return np.where(keep, x / (1 - self.rate), 0).astype(x.dtype)


class Embedding(Module):
    def __init__(self, num_embeddings, dim, key, dtype=onp.float32):
        self.weight = random.normal(key, (num_embeddings, dim), dtype)

    def __call__(self, ids):
        return self.weight[np.asarray(ids)]


class MultiHeadAttention(Module):
    """Multi-head scaled dot-product attention over (..., T, d_model) inputs."""

    def __init__(self, d_model, num_heads, key, dtype=onp.float32):
        if d_model % num_heads:
            raise ValueError("MultiHeadAttention: d_model must be divisible by num_heads")
        kq, kk, kv, ko = random.split(key, 4)
        self.q = Linear(d_model, d_model, kq, dtype=dtype)
        self.k = Linear(d_model, d_model, kk, dtype=dtype)
        self.v = Linear(d_model, d_model, kv, dtype=dtype)
        self.out = Linear(d_model, d_model, ko, dtype=dtype)
        self.num_heads = num_heads

    def __call__(self, query, key=None, value=None, causal=False, mask=None):
        key = query if key is None else key
        value = key if value is None else value
        h = self.num_heads

        def split(t):
            *lead, n, d = t.shape
            return np.swapaxes(t.reshape(tuple(lead) + (n, h, d // h)), -2, -3)

        q, k, v = split(self.q(query)), split(self.k(key)), split(self.v(value))
        # A product by 1/sqrt(d), not a division: it fuses with the mask and the softmax's
        # maximum (scaling q instead would be a pass of its own over a transposed view).
        scores = (q @ np.swapaxes(k, -1, -2)) * (1 / math.sqrt(q.shape[-1]))
        if causal:
            tq, tk = scores.shape[-2], scores.shape[-1]
            allowed = np.tril(np.ones((tq, tk), bool), tk - tq)
            scores = np.where(allowed, scores, -1e9)
        if mask is not None:
            scores = np.where(mask, scores, -1e9)
        attn = F.softmax(scores, axis=-1)
        out = np.swapaxes(attn @ v, -2, -3)
        out = out.reshape(out.shape[:-2] + (out.shape[-2] * out.shape[-1],))
        return self.out(out)


class Lambda(Module):
    """A function as a layer (an activation in a Sequential)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, x):
        return self.fn(x)


class Sequential(Module):
    def __init__(self, *layers):
        self.layers = list(layers)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class MLP(Module):
    """Linear layers of the given sizes with an activation between them."""

    def __init__(self, sizes, key, activation=F.relu, dtype=onp.float32):
        keys = random.split(key, len(sizes) - 1)
        self.layers = [Linear(a, b, k, dtype=dtype) for a, b, k in zip(sizes[:-1], sizes[1:], keys)]
        self.activation = activation

    def __call__(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i + 1 < len(self.layers):
                x = self.activation(x)
        return x
