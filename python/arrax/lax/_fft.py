"""jax.lax.fft: the FFT primitive's interface (a type and the lengths of the trailing axes it
transforms), over arrax.numpy.fft's transforms (pocketfft on the CPU, cuFFT on the GPU)."""

import enum

__all__ = ["FftType", "fft"]


class FftType(enum.IntEnum):
    """jax.lax.FftType (XLA's FFT types)."""

    FFT = 0
    IFFT = 1
    RFFT = 2
    IRFFT = 3


def _fft_type(fft_type):
    if isinstance(fft_type, str):
        try:
            return FftType[fft_type.upper()]
        except KeyError:
            raise ValueError(f"fft: unknown FFT type {fft_type!r}") from None
    try:
        return FftType(int(fft_type))
    except (TypeError, ValueError):
        raise ValueError(f"fft: unknown FFT type {fft_type!r}") from None


def fft(x, fft_type, fft_lengths):
    """The n-dimensional FFT of x's last len(fft_lengths) axes: complex to complex (FFT,
    IFFT), real to half-spectrum (RFFT) and back (IRFFT, whose fft_lengths are the real
    output's lengths), unnormalized forward and 1/n inverse, as XLA's."""
    from arrax import numpy as np

    kind = _fft_type(fft_type)
    lengths = tuple(int(n) for n in fft_lengths)
    x = np.asarray(x)
    k = len(lengths)
    if not 1 <= k <= 3 or k > x.ndim:
        raise ValueError(
            f"fft: fft_lengths {lengths} must name 1 to 3 of the input's {x.ndim} axes"
        )
    axes = tuple(range(x.ndim - k, x.ndim))
    expected = lengths if kind != FftType.IRFFT else lengths[:-1] + (lengths[-1] // 2 + 1,)
    if tuple(x.shape[-k:]) != expected:
        raise ValueError(
            f"fft: {kind.name} of an input of shape {x.shape} needs its last axes to be "
            f"{expected} for fft_lengths {lengths}"
        )
    if kind in (FftType.FFT, FftType.IFFT):
        if x.dtype.kind != "c":
            raise TypeError(f"fft: {kind.name} takes a complex input, got {x.dtype}")
        return (np.fft.fftn if kind == FftType.FFT else np.fft.ifftn)(x, axes=axes)
    if kind == FftType.RFFT:
        if x.dtype.kind != "f":
            raise TypeError(f"fft: RFFT takes a real floating-point input, got {x.dtype}")
        return np.fft.rfftn(x, axes=axes)
    if x.dtype.kind != "c":
        raise TypeError(f"fft: IRFFT takes a complex input, got {x.dtype}")
    return np.fft.irfftn(x, s=lengths, axes=axes)
