"""``arrax.scipy.fft`` (``jax.scipy.fft``): discrete cosine transforms, dct/idct and their
N-dimensional forms dctn/idctn.

Each transform is one complex FFT of the same length (twice as long for type 1) from
``arrax.numpy.fft`` between a fixed reordering of the input and a twiddle factor, so it traces,
batches and differentiates. JAX implements type 2 with norm None/'backward'/'ortho'; these also
give types 1, 3 and 4 and norm 'forward', as SciPy defines them. Integer inputs transform in
float64 (float32 up to 32 bits, as JAX), float32 stays float32, and complex inputs transform their real and imaginary parts."""

import operator

import numpy as onp

import arrax.numpy as jnp
from arrax import lax
from arrax.numpy._dtypes import _jax_inexact_dtype

__all__ = ["dct", "dctn", "idct", "idctn"]

_NORMS = (None, "backward", "ortho", "forward")
# idct of type t is the dct of this type under the dual normalization.
_INVERSE_TYPE = {1: 1, 2: 3, 3: 2, 4: 4}
_DUAL_NORM = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _check(name, type, norm):
    if type not in (1, 2, 3, 4):
        raise ValueError(f"{name}: type must be 1, 2, 3 or 4, got {type!r}")
    if norm not in _NORMS:
        raise ValueError(f"{name}: norm={norm!r} is not implemented")


def _as_inexact(name, x):
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.inexact):
        # Floating types include NumPy's extension types (bfloat16, whose kind is 'V'). The
        # half types give float32 results (as JAX's FFT does), so they compute in float32.
        return x.astype(onp.float32) if x.dtype.itemsize < 4 else x
    if x.dtype.kind not in "biu":
        raise TypeError(f"{name}: expected a numeric array, got dtype {x.dtype}")
    return x.astype(_jax_inexact_dtype(x.dtype))


def _along(v, axis, ndim):
    """The 1-D host array v shaped to broadcast along ``axis`` of an ndim-array."""
    shape = [1] * ndim
    shape[axis] = len(v)
    return onp.reshape(v, shape)


def _resize(x, n, axis):
    """x zero-padded or truncated to length n along axis."""
    size = x.shape[axis]
    if n is None or n == size:
        return x
    if n < 1:
        raise ValueError(f"invalid number of data points ({n}) specified")
    if n < size:
        return lax.slice_in_dim(x, 0, n, axis=axis)
    pads = [(0, 0)] * x.ndim
    pads[axis] = (0, n - size)
    return jnp.pad(x, pads)


def _fft_times(x, axis, pre, post, perm=None, length=None):
    """Re(post * FFT(pre * x[perm])) along axis, pre and post host twiddles (complex128); with
    length, the FFT of that length, of which the first x.shape[axis] points are kept."""
    ndim = x.ndim
    cdtype = onp.result_type(x.dtype, onp.complex64)
    if perm is not None:
        x = jnp.take(x, jnp.asarray(perm), axis=axis)
    if pre is not None:
        x = x * jnp.asarray(_along(pre, axis, ndim).astype(cdtype))
    y = jnp.fft.fft(x, n=length, axis=axis)
    if length is not None:
        y = lax.slice_in_dim(y, 0, x.shape[axis], axis=axis)
    if post is not None:
        y = y * jnp.asarray(_along(post, axis, ndim).astype(cdtype))
    return jnp.real(y)


def _raw_dct(x, type, axis):
    """The unnormalized DCT of the given type of real x along axis, as SciPy's norm=None."""
    n = x.shape[axis]
    k = onp.arange(n)
    if type == 1:
        if n < 2:
            raise ValueError("dct: DCT-I is not defined for size < 2")
        # The DCT-I is the DFT of x's even extension x0 .. x(n-1) .. x1, of length 2(n - 1).
        ext = onp.r_[k, k[-2:0:-1]]
        return lax.slice_in_dim(_fft_times(x, axis, None, None, ext), 0, n, axis=axis)
    if type == 2:
        # Even samples, then odd ones reversed; a quarter-sample twiddle makes the DFT a DCT.
        perm = onp.r_[k[::2], k[1::2][::-1]]
        return _fft_times(x, axis, None, 2 * onp.exp(-0.5j * onp.pi * k / n), perm)
    if type == 3:
        # The transpose of type 2: twiddle, DFT, then undo type 2's reordering.
        weights = onp.where(k == 0, 1.0, 2.0) * onp.exp(-0.5j * onp.pi * k / n)
        y = _fft_times(x, axis, weights, None)
        unperm = onp.empty(n, int)
        unperm[::2] = k[: (n + 1) // 2]
        unperm[1::2] = k[::-1][: n // 2]
        return jnp.take(y, jnp.asarray(unperm), axis=axis)
    # type 4: cos(pi (2j+1)(2k+1) / 4n) splits into a 2n-point DFT of the zero-padded input
    # between two half-sample twiddles.
    pre = onp.exp(-0.5j * onp.pi * k / n)
    post = 2 * onp.exp(-0.25j * onp.pi * (2 * k + 1) / n)
    return _fft_times(x, axis, pre, post, length=2 * n)


def _dct_real(x, type, axis, norm):
    n = x.shape[axis]
    if norm == "ortho":
        scale = onp.full(n, onp.sqrt(0.5 / n))
        if type == 1:
            scale = onp.full(n, onp.sqrt(0.5 / (n - 1)))
            # x0 and x(n-1) count sqrt(2) more, y0 and y(n-1) sqrt(2) less: symmetric.
            edge = onp.ones(n)
            edge[[0, -1]] = onp.sqrt(2.0)
            x = x * jnp.asarray(_along(edge, axis, x.ndim).astype(x.dtype))
            scale = scale / edge
        elif type == 2:
            scale[0] = onp.sqrt(0.25 / n)
        elif type == 3:
            # Orthonormal: x0 weighs 1/sqrt(n), the others sqrt(2/n) (the raw weights 1 and 2).
            pre = onp.full(n, onp.sqrt(0.5 / n))
            pre[0] = onp.sqrt(1.0 / n)
            x = x * jnp.asarray(_along(pre, axis, x.ndim).astype(x.dtype))
            scale = None
    elif norm == "forward":
        scale = onp.full(n, 1.0 / (2 * (n - 1) if type == 1 else 2 * n))
    else:
        scale = None
    y = _raw_dct(x, type, axis)
    if scale is not None:
        y = y * jnp.asarray(_along(scale, axis, y.ndim).astype(y.dtype))
    return y


def _dct(name, x, type, n, axis, norm):
    _check(name, type, norm)
    x = _as_inexact(name, x)
    axis = int(onp.lib.array_utils.normalize_axis_index(axis, x.ndim))
    x = _resize(x, n, axis)
    if x.shape[axis] == 0:
        raise ValueError(f"invalid number of data points ({x.shape[axis]}) specified")
    norm = "backward" if norm is None else norm
    if name.startswith("i"):
        type, norm = _INVERSE_TYPE[type], _DUAL_NORM[norm]
    if x.dtype.kind == "c":
        return lax.complex(
            _dct_real(jnp.real(x), type, axis, norm), _dct_real(jnp.imag(x), type, axis, norm)
        )
    return _dct_real(x, type, axis, norm)


def dct(x, type=2, n=None, axis=-1, norm=None):
    """Discrete cosine transform of x along ``axis`` (scipy.fft.dct). Type 2, the default, is
    y[k] = 2 sum_j x[j] cos(pi k (2j + 1) / 2N); n zero-pads or truncates x first; norm None or
    'backward' leaves it unscaled, 'ortho' makes it orthonormal, 'forward' divides by 2N."""
    return _dct("dct", x, type, n, axis, norm)


def idct(x, type=2, n=None, axis=-1, norm=None):
    """Inverse discrete cosine transform (scipy.fft.idct): idct(dct(x)) is x for every type
    and norm."""
    return _dct("idct", x, type, n, axis, norm)


def _dctn(name, x, type, s, axes, norm):
    _check(name, type, norm)
    x = jnp.asarray(x)
    if s is not None:
        try:
            s = [operator.index(d) for d in s]
        except TypeError:
            s = [operator.index(s)]
        if len(s) > x.ndim:
            raise ValueError(
                f"{name}: s must have at most x.ndim ({x.ndim}) elements, got {len(s)}"
            )
    if axes is None:
        axes = range(x.ndim - len(s), x.ndim) if s is not None else range(x.ndim)
    else:
        axes = [axes] if isinstance(axes, int) else axes
    axes = onp.lib.array_utils.normalize_axis_tuple(tuple(axes), x.ndim, "axes")
    if not axes:
        # No axis to transform: x itself, in its own dtype (as JAX).
        return x
    sizes = [None] * len(axes) if s is None else list(s) + [None] * (len(axes) - len(s))
    x = _as_inexact(name, x)
    for axis, size in zip(axes, sizes):
        x = _dct(name[:-1], x, type, size, axis, norm)
    return x


def dctn(x, type=2, s=None, axes=None, norm=None):
    """N-dimensional discrete cosine transform (scipy.fft.dctn): ``dct`` along each of ``axes``
    (default all, or the last len(s)), each zero-padded or truncated to its size in ``s``."""
    return _dctn("dctn", x, type, s, axes, norm)


def idctn(x, type=2, s=None, axes=None, norm=None):
    """N-dimensional inverse discrete cosine transform (scipy.fft.idctn)."""
    return _dctn("idctn", x, type, s, axes, norm)


# ---------------------------------------------------------------------------------------------
# The discrete Fourier transforms (scipy.fft's fft family). They are NumPy's (arrax.numpy.fft)
# with SciPy's extra arguments: overwrite_x and workers are accepted and ignored (arrays are
# immutable and the engine chooses its own threads); plan must be None, as in SciPy.


def _no_plan(name, plan):
    if plan is not None:
        raise NotImplementedError(
            f"{name}: passing a precomputed plan is not yet supported by scipy"
        )


def _fft_family(name, npfunc, kind):
    """scipy.fft.<name> over arrax.numpy.fft's function: kind "1d" (n, axis), "nd" (s, axes)
    or "2d" (s, axes=(-2, -1))."""
    if kind == "1d":

        def f(x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, *, plan=None):
            _no_plan(name, plan)
            return npfunc(x, n=n, axis=axis, norm=norm)

    else:
        default_axes = None if kind == "nd" else (-2, -1)

        def f(x, s=None, axes=default_axes, norm=None, overwrite_x=False, workers=None, *,
              plan=None):  # fmt: skip
            _no_plan(name, plan)
            return npfunc(x, s=s, axes=axes, norm=norm)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"scipy.fft.{name}: arrax.numpy.fft.{name} with SciPy's signature."
    return f


_1D = ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft")
_ND = ("fftn", "ifftn", "rfftn", "irfftn")
_2D = ("fft2", "ifft2", "rfft2", "irfft2")
for _names, _kind in ((_1D, "1d"), (_ND, "nd"), (_2D, "2d")):
    for _n in _names:
        globals()[_n] = _fft_family(_n, getattr(jnp.fft, _n), _kind)
del _names, _kind, _n


def fftfreq(n, d=1.0, *, xp=None, device=None):
    """scipy.fft.fftfreq: the sample frequencies of an n-point DFT with sample spacing d."""
    return jnp.fft.fftfreq(n, d)


def rfftfreq(n, d=1.0, *, xp=None, device=None):
    """scipy.fft.rfftfreq: the sample frequencies of rfft's n-point output."""
    return jnp.fft.rfftfreq(n, d)


fftshift = jnp.fft.fftshift
ifftshift = jnp.fft.ifftshift

__all__ += list(_1D + _ND + _2D) + ["fftfreq", "rfftfreq", "fftshift", "ifftshift"]
