"""numpy.convolve and numpy.correlate (1-D), composed from the conv primitive so they trace,
differentiate and batch: floats and complex as (batches of) 1-channel convolutions, integers
exactly by a gather and product, or shifted products for long inputs."""

import numpy as onp

from arrax import _core
from arrax.lax import _ops as lax
from arrax.numpy._common import _arr, _np

__all__ = ["convolve", "correlate"]


def convolve(a, v, mode="full"):
    """numpy.convolve (1-D; scalars as 1-item arrays, as NumPy)."""
    np = _np()
    return _correlate(np.atleast_1d(_arr(a)), np.atleast_1d(_arr(v))[::-1], mode)


def correlate(a, v, mode="valid"):
    """numpy.correlate (1-D; conjugates v, as NumPy)."""
    np = _np()
    v = _arr(v)
    return _correlate(_arr(a), np.conj(v) if v.dtype.kind == "c" else v, mode, correlation=True)


def _correlate(a, v, mode, correlation=False):
    """The correlation sum_j a[k + j] * v[j] (k over the full range), cut as NumPy cuts it."""
    np = _np()
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError("object too deep for desired array")
    if a.shape[0] == 0:
        raise ValueError("a cannot be empty")
    if v.shape[0] == 0:
        raise ValueError("v cannot be empty")
    if isinstance(mode, int) and not isinstance(mode, bool):
        if mode not in (0, 1, 2):  # NumPy's old integer modes
            raise ValueError(f"mode must be one of 0, 1 or 2 (got {mode})")
        mode = ("valid", "same", "full")[mode]
    elif not isinstance(mode, str):
        raise TypeError(f"mode must be a string or an int, got {type(mode).__name__}")
    if mode not in ("full", "same", "valid"):
        raise ValueError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})")
    n, m = a.shape[0], v.shape[0]
    dt = np.result_type(a, v)
    length = n + m - 1
    if dt.kind in "fc" and min(n, m) <= 1 << 14:
        full = _full_correlation_by_conv(a.astype(dt), v.astype(dt))
    elif n * m <= 1 << 22:  # few products: one gather and a matrix-vector product
        ap = lax.pad(a.astype(dt), lax.asarray(0, dt), [(m - 1, m - 1, 0)])
        idx = onp.arange(length)[:, None] + onp.arange(m)[None, :]
        full = ap[_core.asarray(idx, None, None)] @ v.astype(dt)
    else:  # one shifted product per element of the shorter input (integers exactly)
        a, v, reverse = (a, v, False) if m <= n else (v, a, True)  # (corr(a, v) = corr(v, a)[::-1])
        a, v = a.astype(dt), v.astype(dt)
        full = np.zeros(length, dt)
        for j in range(v.shape[0]):
            full = full.at[v.shape[0] - 1 - j : v.shape[0] - 1 - j + a.shape[0]].add(a * v[j])
        full = full[::-1] if reverse else full
    if mode == "full":
        return full
    if mode == "same":
        size = max(n, m)
        # NumPy centres the cut of the longer input's correlation with the shorter; for
        # correlate with a shorter that is then reversed, so an odd margin rounds the other way.
        start = (length - size) // 2
        if correlation and n < m:
            start = length - size - start
    else:
        size = max(n, m) - min(n, m) + 1
        start = min(n, m) - 1
    return full[start : start + size]


def _full_correlation_by_conv(a, v):
    """sum_j a[k + j - (m - 1)] * v[j] for k in [0, n + m - 1), as the conv primitive (O(n + m)
    memory; a gather of every (k, j) pair needs n * m). Complex: four real correlations;
    half precision: computed in float32 and rounded once."""
    from arrax.lax._composites import complex as make_complex
    from arrax.lax._convolution import conv_general_dilated

    np = _np()
    if a.dtype.kind == "c":
        ar, ai, vr, vi = np.real(a), np.imag(a), np.real(v), np.imag(v)
        real = _full_correlation_by_conv(ar, vr) - _full_correlation_by_conv(ai, vi)
        imag = _full_correlation_by_conv(ar, vi) + _full_correlation_by_conv(ai, vr)
        return make_complex(real, imag)
    if a.dtype.itemsize < 4:
        return _full_correlation_by_conv(a.astype(onp.float32), v.astype(onp.float32)).astype(
            a.dtype
        )
    n, m = a.shape[0], v.shape[0]
    if m > n:  # the shorter as the kernel: c_{a,v}[k] = c_{v,a}[n + m - 2 - k]
        return _full_correlation_by_conv(v, a)[::-1]
    total = n + m - 1
    seg = max(256, min(8192, (1 << 21) // m))  # outputs per sample: seg x m unfolded
    if total <= 2 * seg:
        whole = conv_general_dilated(a[None, None, :], v[None, None, :], (1,), [(m - 1, m - 1)])
        return whole[0, 0]
    # A long signal as a batch of overlapping segments (seg + m - 1 inputs for seg outputs
    # each): the conv primitive unfolds one sample at a time, so one long sample meant an n x m
    # unfolded matrix (80 MB for 100K x 100 float64) on one core.
    count = -(-total // seg)
    ap = lax.pad(a, lax.asarray(0, a.dtype), [(m - 1, count * seg - n, 0)])
    idx = onp.arange(count)[:, None] * seg + onp.arange(seg + m - 1)[None, :]
    segments = ap[_core.asarray(idx, None, None)]
    out = conv_general_dilated(segments[:, None, :], v[None, None, :], (1,), [(0, 0)])
    return out.reshape(-1)[:total]
