"""jax.nn.initializers: functions that make initializers, each ``init(key, shape, dtype)``.
Fans follow JAX: ``in_axis`` and ``out_axis`` (default -2, -1, a dense kernel (in, out) or a
convolution kernel (..., in, out)), with the other non-batch dims as the receptive field. The
uniform-based ones give JAX's numbers to within an ulp (arrax's uniform bits are
jax.random's)."""

import math
from typing import Any, Protocol, runtime_checkable

import numpy as onp

from arrax import numpy as np
from arrax import random

__all__ = [
    "constant", "zeros", "ones", "normal", "uniform", "truncated_normal", "variance_scaling",
    "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal", "lecun_uniform",
    "lecun_normal", "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal", "orthogonal",
    "delta_orthogonal", "Initializer",
]  # fmt: skip


@runtime_checkable
class Initializer(Protocol):
    """Like ``jax.nn.initializers.Initializer``: the type of an initializer, a callable
    ``init(key, shape, dtype=None) -> Array`` (a typing protocol: any such callable is one)."""

    def __call__(self, key: Any, shape: Any, dtype: Any = None, out_sharding: Any = None) -> Any:
        raise NotImplementedError


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
    """JAX's _compute_fans: the non-batch axes outside in_axis and out_axis are the receptive
    field (a fraction when in_axis and out_axis share an axis, as in JAX)."""
    if isinstance(in_axis, int) and in_axis == -2 and len(shape) <= 1:
        raise ValueError(
            f"variance_scaling: Can't compute input and output sizes of a {len(shape)}-dimensional"
            " weights tensor with default in_axis. Must be at least 2D or specify in_axis"
            " explicitly."
        )

    def size(axes):
        return shape[axes] if isinstance(axes, int) else math.prod(shape[a] for a in axes)

    in_size, out_size = size(in_axis), size(out_axis)
    receptive = math.prod(shape) / in_size / out_size / size(batch_axis)
    return in_size * receptive, out_size * receptive


def _real_dtype(dtype):
    return onp.array(0, dtype).real.dtype


def _complex_uniform(key, shape, dtype):
    """Uniform on the disk of the complex plane with mean 0 and variance 1 (JAX's: radius
    sqrt(2u), angle 2 pi u')."""
    key_r, key_theta = random.split(key)
    real = _real_dtype(dtype)
    r = np.sqrt(2 * random.uniform(key_r, shape, real))
    theta = 2 * math.pi * random.uniform(key_theta, shape, real)
    return (r * np.exp(1j * theta)).astype(dtype)


def _complex_truncated_normal(key, upper, shape, dtype):
    """A complex normal of variance 1 before its modulus is truncated to `upper` (JAX's:
    inverse CDF of the Rayleigh modulus on [0, upper], uniform angle)."""
    key_r, key_theta = random.split(key)
    real = _real_dtype(dtype)
    t = (1 - math.exp(-(upper**2))) * random.uniform(key_r, shape, real)
    r = np.sqrt(-np.log(1 - t))
    theta = 2 * math.pi * random.uniform(key_theta, shape, real)
    return (r * np.exp(1j * theta)).astype(dtype)


_MODES = ("fan_in", "fan_out", "fan_avg", "fan_geo_avg")
_DISTRIBUTIONS = ("truncated_normal", "normal", "uniform")


def variance_scaling(
    scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(), dtype=_DEFAULT
):
    """Samples of variance scale / n, n the fan in, out, their mean or their geometric mean
    (``mode``), from a truncated normal, a normal or a uniform distribution (``distribution``);
    for complex dtypes a modulus-truncated complex normal, a complex normal or a uniform disk,
    as JAX."""
    if mode not in _MODES:
        raise ValueError(f"variance_scaling: invalid mode {mode!r}; expected one of {_MODES}")
    if distribution not in _DISTRIBUTIONS:
        raise ValueError(
            f"variance_scaling: invalid distribution {distribution!r}; expected one of "
            f"{_DISTRIBUTIONS}"
        )

    def init(key, shape, dtype=dtype):
        shape = tuple(int(s) for s in shape)
        dtype = onp.dtype(dtype)
        fan_in, fan_out = _fans(shape, in_axis, out_axis, batch_axis)
        n = {
            "fan_in": fan_in,
            "fan_out": fan_out,
            "fan_avg": (fan_in + fan_out) / 2,
            "fan_geo_avg": (fan_in * fan_out) ** 0.5,
        }[mode]
        # An empty kernel has fan 0 (JAX divides by it); its samples are empty anyway.
        variance = scale / n if n else float(scale)
        real = _real_dtype(dtype)
        is_complex = dtype.kind == "c"
        if distribution == "truncated_normal":
            if is_complex:
                # The standard deviation of a complex unit normal with modulus truncated to 2.
                std = math.sqrt(variance) / 0.95311164380491208
                return _complex_truncated_normal(key, 2.0, shape, dtype) * onp.asarray(std, real)
            # The standard deviation of a unit normal truncated to [-2, 2].
            std = math.sqrt(variance) / 0.87962566103423978
            return random.truncated_normal(key, -2.0, 2.0, shape, dtype) * onp.asarray(std, dtype)
        if distribution == "normal":
            return random.normal(key, shape, dtype) * onp.asarray(math.sqrt(variance), real)
        if is_complex:
            return _complex_uniform(key, shape, dtype) * onp.asarray(math.sqrt(variance), real)
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
