"""jax.nn.initializers: functions that make initializers, each ``init(key, shape, dtype)``.
Fans follow JAX: ``in_axis`` and ``out_axis`` (default -2, -1, a dense kernel (in, out) or a
convolution kernel (..., in, out)), with the other non-batch dims as the receptive field. The
uniform-based ones give JAX's numbers to within an ulp (arrax's uniform bits are
jax.random's)."""

import math

import numpy as onp

from arrax import numpy as np
from arrax import random

__all__ = [
    "constant", "zeros", "ones", "normal", "uniform", "truncated_normal", "variance_scaling",
    "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal", "lecun_uniform",
    "lecun_normal", "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal", "orthogonal",
    "delta_orthogonal",
]  # fmt: skip

_DEFAULT = onp.float32


def zeros(key, shape, dtype=_DEFAULT):
    return np.zeros(shape, dtype)


def ones(key, shape, dtype=_DEFAULT):
    return np.ones(shape, dtype)


def constant(value, dtype=_DEFAULT):
    def init(key, shape, dtype=dtype):
        return np.full(shape, value, dtype)

    return init


def normal(stddev=1e-2, dtype=_DEFAULT):
    def init(key, shape, dtype=dtype):
        return random.normal(key, shape, dtype) * onp.asarray(stddev, dtype)

    return init


def uniform(scale=1e-2, dtype=_DEFAULT):
    """Uniform in [0, scale)."""

    def init(key, shape, dtype=dtype):
        return random.uniform(key, shape, dtype) * onp.asarray(scale, dtype)

    return init


def truncated_normal(stddev=1e-2, dtype=_DEFAULT, lower=-2.0, upper=2.0):
    """A normal truncated to [lower, upper] standard deviations, scaled by stddev."""

    def init(key, shape, dtype=dtype):
        return random.truncated_normal(key, lower, upper, shape, dtype) * onp.asarray(stddev, dtype)

    return init


def _fans(shape, in_axis, out_axis, batch_axis):
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    nd = len(shape)
    in_axes = [a % nd for a in onp.atleast_1d(in_axis)]
    out_axes = [a % nd for a in onp.atleast_1d(out_axis)]
    batch_axes = [a % nd for a in onp.atleast_1d(batch_axis)] if batch_axis != () else []
    receptive = math.prod(
        s for i, s in enumerate(shape) if i not in in_axes + out_axes + batch_axes
    )
    fan_in = math.prod(shape[a] for a in in_axes) * receptive
    fan_out = math.prod(shape[a] for a in out_axes) * receptive
    return float(fan_in), float(fan_out)


def variance_scaling(
    scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(), dtype=_DEFAULT
):
    """Samples of variance scale / n, n the fan in, out or their mean (``mode``), from a
    truncated normal, a normal or a uniform distribution (``distribution``)."""
    if mode not in ("fan_in", "fan_out", "fan_avg"):
        raise ValueError(f"variance_scaling: invalid mode {mode!r}")
    if distribution not in ("truncated_normal", "normal", "uniform"):
        raise ValueError(f"variance_scaling: invalid distribution {distribution!r}")

    def init(key, shape, dtype=dtype):
        shape = tuple(int(s) for s in shape)
        fan_in, fan_out = _fans(shape, in_axis, out_axis, batch_axis)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        variance = scale / max(n, 1.0)
        if distribution == "truncated_normal":
            # The standard deviation of a unit normal truncated to [-2, 2].
            std = math.sqrt(variance) / 0.87962566103423978
            return random.truncated_normal(key, -2.0, 2.0, shape, dtype) * onp.asarray(std, dtype)
        if distribution == "normal":
            return random.normal(key, shape, dtype) * onp.asarray(math.sqrt(variance), dtype)
        lim = math.sqrt(3 * variance)
        return random.uniform(key, shape, dtype, -lim, lim)

    return init


def glorot_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=_DEFAULT):
    return variance_scaling(1.0, "fan_avg", "uniform", in_axis, out_axis, batch_axis, dtype)


def glorot_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=_DEFAULT):
    return variance_scaling(
        1.0, "fan_avg", "truncated_normal", in_axis, out_axis, batch_axis, dtype
    )


def lecun_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=_DEFAULT):
    return variance_scaling(1.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def lecun_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=_DEFAULT):
    return variance_scaling(1.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


def he_uniform(in_axis=-2, out_axis=-1, batch_axis=(), dtype=_DEFAULT):
    return variance_scaling(2.0, "fan_in", "uniform", in_axis, out_axis, batch_axis, dtype)


def he_normal(in_axis=-2, out_axis=-1, batch_axis=(), dtype=_DEFAULT):
    return variance_scaling(2.0, "fan_in", "truncated_normal", in_axis, out_axis, batch_axis, dtype)


xavier_uniform, xavier_normal = glorot_uniform, glorot_normal
kaiming_uniform, kaiming_normal = he_uniform, he_normal


def orthogonal(scale=1.0, column_axis=-1, dtype=_DEFAULT):
    """A uniformly random orthogonal matrix (QR of a normal one, signs fixed by R's diagonal),
    with the columns along ``column_axis``."""

    def init(key, shape, dtype=dtype):
        if len(shape) < 2:
            raise ValueError("orthogonal: the shape needs at least two dims")
        n_cols = shape[column_axis]
        n_rows = math.prod(shape) // n_cols
        a = random.normal(key, (max(n_rows, n_cols), min(n_rows, n_cols)), dtype)
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diagonal(r))
        if n_rows < n_cols:
            q = q.T
        rest = tuple(int(s) for s in onp.delete(onp.array(shape), column_axis))
        q = np.moveaxis(np.reshape(q, rest + (n_cols,)), -1, column_axis)
        return (q * onp.asarray(scale, dtype)).astype(dtype)

    return init


def delta_orthogonal(scale=1.0, column_axis=-1, dtype=_DEFAULT):
    """For convolution kernels (spatial..., in, out): an orthogonal matrix at the center of the
    window, zeros elsewhere."""

    def init(key, shape, dtype=dtype):
        if len(shape) not in (3, 4, 5):
            raise ValueError("delta_orthogonal: expects a 3-, 4- or 5-D kernel shape")
        if shape[-2] > shape[-1]:
            raise ValueError("delta_orthogonal: needs in channels <= out channels")
        ortho = orthogonal(scale, column_axis, dtype)(key, shape[-2:], dtype)
        w = np.zeros(shape, dtype)
        center = tuple(s // 2 for s in shape[:-2])
        return w.at[center].set(ortho)

    return init
