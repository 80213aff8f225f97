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
    name = kind.name
    if k > x.ndim:
        raise ValueError(
            f"{name} input shape {x.shape} must have at least as many input dimensions as "
            f"fft_lengths {lengths}"
        )
    if not 1 <= k <= 3:
        raise ValueError(f"fft: fft_lengths {lengths} must name 1 to 3 axes")
    axes = tuple(range(x.ndim - k, x.ndim))
    if kind == FftType.IRFFT:
        if tuple(x.shape[-k:-1]) != lengths[:-1] or x.shape[-1] != lengths[-1] // 2 + 1:
            raise ValueError(
                f"IRFFT input shape {x.shape} minor dimensions must be equal to all except the "
                f"last fft_length, got fft_lengths={lengths}"
            )
    elif tuple(x.shape[-k:]) != lengths:
        raise ValueError(
            f"{name} input shape {x.shape} minor dimensions must be equal to fft_lengths {lengths}"
        )
    # (as XLA's: real or integer operands of the complex transforms are made complex)
    if kind == FftType.RFFT:
        if x.dtype.kind == "c":
            raise ValueError("only real valued inputs supported for rfft")
        if x.dtype not in (np.float32, np.float64):
            raise ValueError(f"RFFT input must be float32 or float64, got {x.dtype}")
        return np.fft.rfftn(x, axes=axes)
    if x.dtype.kind != "c":  # (64-bit types to complex128, the others to complex64)
        x = x.astype(np.complex128 if x.dtype.itemsize == 8 else np.complex64)
    if kind in (FftType.FFT, FftType.IFFT):
        return (np.fft.fftn if kind == FftType.FFT else np.fft.ifftn)(x, axes=axes)
    return np.fft.irfftn(x, s=lengths, axes=axes)
