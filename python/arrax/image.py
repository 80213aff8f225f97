"""``arrax.image`` (``jax.image``): resizing and resampling images with interpolation kernels.

``resize(image, shape, method)`` changes any dimensions of an array (not only the spatial ones
of a 2-D image). Every method but nearest-neighbour builds, per resized dimension, a dense
(input size x output size) weight matrix from a kernel evaluated at the distances between
output sample points and input pixel centres, normalizes its columns, and contracts it with the
image: so it traces, differentiates (also in scale and translation) and batches like any
product. When shrinking with ``antialias``, the kernel is widened by the shrink factor so it
low-pass filters as it resamples."""

import enum

import numpy as onp

import arrax.numpy as jnp
from arrax import lax
from arrax.numpy._dtypes import _jax_inexact_dtype

__all__ = ["ResizeMethod", "resize", "scale_and_translate"]


class ResizeMethod(enum.Enum):
    """Interpolation methods: NEAREST, LINEAR (triangle kernel), LANCZOS3, LANCZOS5, CUBIC (Keys
    cubic, a = -0.5), CUBIC_PYTORCH (a = -0.75 with edge pixels repeated when not antialiased,
    as PyTorch/OpenCV), AREA (each output pixel averages the input area it covers)."""

    NEAREST = 0
    LINEAR = 1
    LANCZOS3 = 2
    LANCZOS5 = 3
    CUBIC = 4
    CUBIC_PYTORCH = 5
    AREA = 6

    @staticmethod
    def from_string(s):
        names = {
            "nearest": ResizeMethod.NEAREST,
            "linear": ResizeMethod.LINEAR, "bilinear": ResizeMethod.LINEAR,
            "trilinear": ResizeMethod.LINEAR, "triangle": ResizeMethod.LINEAR,
            "lanczos3": ResizeMethod.LANCZOS3, "lanczos5": ResizeMethod.LANCZOS5,
            "cubic": ResizeMethod.CUBIC, "bicubic": ResizeMethod.CUBIC,
            "tricubic": ResizeMethod.CUBIC,
            "cubic-pytorch": ResizeMethod.CUBIC_PYTORCH,
            "bicubic-pytorch": ResizeMethod.CUBIC_PYTORCH,
            "area": ResizeMethod.AREA,
        }  # fmt: skip
        try:
            return names[s.lower()]
        except KeyError:
            raise ValueError(f"resize: unknown resize method {s!r}") from None


def _lanczos(radius):
    def kernel(x):
        y = radius * jnp.sin(onp.pi * x) * jnp.sin(onp.pi * x / radius)
        # sinc(x) sinc(x / radius); 1 at the centre, where the quotient is 0/0.
        out = jnp.where(x > 1e-3, y / jnp.where(x != 0, onp.pi**2 * x**2, 1), 1)
        return jnp.where(x > radius, 0.0, out)

    return kernel


def _cubic(a):
    """The cubic convolution kernel (Keys 1981) with parameter a."""

    def kernel(x):
        near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
        far = ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
        return jnp.where(x >= 2.0, 0.0, jnp.where(x >= 1.0, far, near))

    return kernel


def _triangle(x):
    return jnp.maximum(0, 1 - jnp.abs(x))


_AREA = "area"
# method -> (kernel radius, kernel)
_KERNELS = {
    ResizeMethod.LINEAR: (1, _triangle),
    ResizeMethod.LANCZOS3: (3, _lanczos(3)),
    ResizeMethod.LANCZOS5: (5, _lanczos(5)),
    ResizeMethod.CUBIC: (2, _cubic(-0.5)),
    ResizeMethod.CUBIC_PYTORCH: (2, _cubic(-0.75)),
    ResizeMethod.AREA: (1, _AREA),
}


def _normalize_columns(w):
    total = jnp.sum(w, axis=0, keepdims=True)
    # Columns with (almost) no weight get none rather than an amplified sliver.
    usable = jnp.abs(total) > 1000.0 * float(onp.finfo(onp.float32).eps)
    return jnp.where(usable, w / jnp.where(total != 0, total, 1), 0)


def _weights(in_size, out_size, scale, translation, kernel, radius, antialias, edge_padding):
    """The (in_size, out_size) resampling matrix of one dimension."""
    dtype = jnp.result_type(scale, translation)
    inv_scale = 1.0 / scale
    # The input coordinate of each output pixel's centre (pixel centres at i + 0.5).
    sample = (jnp.arange(out_size, dtype=dtype) + 0.5) * inv_scale - translation * inv_scale - 0.5
    if kernel is _AREA:
        left = jnp.arange(out_size, dtype=dtype) * inv_scale - translation * inv_scale
        right = left + inv_scale
        pixel = jnp.arange(in_size, dtype=dtype)
        overlap = jnp.minimum(right[None, :], pixel[:, None] + 1.0) - jnp.maximum(
            left[None, :], pixel[:, None]
        )
        w = jnp.maximum(0.0, overlap)
        k = 0
    else:
        width = jnp.maximum(inv_scale, 1.0) if antialias else 1.0
        k = radius if edge_padding else 0  # kernel taps beyond the edges, folded back below
        positions = jnp.arange(-k, in_size + k, dtype=dtype)
        w = kernel(jnp.abs(sample[None, :] - positions[:, None]) / width)
    if edge_padding:
        # Taps outside the image read the edge pixel: fold their weight onto it.
        rows = onp.clip(onp.arange(-k, in_size + k), 0, in_size - 1)
        fold = onp.zeros((in_size, in_size + 2 * k))
        fold[rows, onp.arange(in_size + 2 * k)] = 1.0
        return _normalize_columns(jnp.asarray(fold, dtype) @ w)
    w = _normalize_columns(w)
    # Output pixels whose centre falls outside the input get nothing.
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return jnp.where(inside[None, :], w, 0)


def _inexact(image):
    image = jnp.asarray(image)
    if not jnp.issubdtype(image.dtype, jnp.inexact):  # (bfloat16 stays: it is inexact)
        image = image.astype(_jax_inexact_dtype(image.dtype))
    return image


def _resample(image, shape, dims, scales, translations, method, antialias, precision):
    radius, kernel = _KERNELS[method]
    edge_padding = method == ResizeMethod.CUBIC_PYTORCH and not antialias
    out = image
    for d, scale, translation in zip(dims, scales, translations):
        w = _weights(image.shape[d], shape[d], scale, translation, kernel, radius, antialias,
                     edge_padding).astype(image.dtype)  # fmt: skip
        out = jnp.moveaxis(jnp.tensordot(out, w, axes=([d], [0]), precision=precision), -1, d)
    return out


def _method(method, antialias):
    if isinstance(method, str):
        method = ResizeMethod.from_string(method)
    if not isinstance(method, ResizeMethod):
        raise TypeError(f"resize: method must be a string or a ResizeMethod, got {method!r}")
    if method == ResizeMethod.CUBIC_PYTORCH and antialias:
        method = ResizeMethod.CUBIC  # the same kernel PyTorch uses when antialiasing
    return method


def _resize_nearest(image, shape):
    for d, (m, n) in enumerate(zip(image.shape, shape)):
        if m == n:
            continue
        # The input pixel under each output pixel's centre, computed in float32 as JAX does
        # (so ties land on the same pixel).
        centres = (onp.arange(n, dtype=onp.float32) + onp.float32(0.5)) * onp.float32(m)
        offsets = onp.floor(centres / onp.float32(n)).astype(onp.int32)
        image = jnp.take(image, jnp.asarray(offsets), axis=d)
    return image


def resize(image, shape, method, antialias=True, precision=lax.Precision.HIGHEST):
    """image resampled to ``shape`` (one size per dimension of image; equal sizes are left
    alone). Nearest-neighbour keeps the dtype; the other methods give floats (float32 for
    booleans and integers of up to 32 bits, float64 for 64-bit ones, as in JAX)."""
    image = jnp.asarray(image)
    shape = tuple(int(s) for s in shape)
    if len(shape) != image.ndim:
        raise ValueError(
            f"resize: shape must have one size per dimension of the image; {shape} vs {image.shape}"
        )
    if any(s < 0 for s in shape):
        raise ValueError(f"resize: sizes must be non-negative, got {shape}")
    method = _method(method, antialias)
    if method == ResizeMethod.NEAREST:
        return _resize_nearest(image, shape)
    image = _inexact(image)
    dims = [d for d in range(image.ndim) if image.shape[d] != shape[d]]
    scales = [1.0 if shape[d] == 0 else shape[d] / image.shape[d] for d in dims]
    return _resample(image, shape, dims, scales, [0.0] * len(dims), method, antialias, precision)


def scale_and_translate(image, shape, spatial_dims, scale, translation, method, antialias=True,
                        precision=lax.Precision.HIGHEST):  # fmt: skip
    """Resamples the dimensions spatial_dims of image into ``shape`` so that input coordinate
    x lands at output coordinate ``x * scale + translation`` (one scale and translation per
    spatial dimension, traced values allowed: they are differentiable)."""
    image = jnp.asarray(image)
    shape = tuple(int(s) for s in shape)
    if len(shape) != image.ndim:
        raise ValueError(
            f"scale_and_translate: shape {shape} must have one size per dimension of the image "
            f"{image.shape}"
        )
    dims = [d % image.ndim for d in spatial_dims]
    scale, translation = jnp.asarray(scale), jnp.asarray(translation)
    if scale.shape != (len(dims),) or translation.shape != (len(dims),):
        raise ValueError(
            "scale_and_translate: scale and translation need one value per spatial dimension "
            f"({len(dims)}), got shapes {scale.shape} and {translation.shape}"
        )
    method = _method(method, antialias)
    if method == ResizeMethod.NEAREST:
        raise ValueError("scale_and_translate: nearest-neighbour resampling is not supported")
    image = _inexact(image)
    scale = _inexact(scale)
    translation = _inexact(translation)
    if not dims:
        return image
    return _resample(image, shape, dims, [scale[i] for i in range(len(dims))],
                     [translation[i] for i in range(len(dims))], method, antialias, precision)  # fmt: skip
