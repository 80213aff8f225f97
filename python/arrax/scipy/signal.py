"""``arrax.scipy.signal`` (``jax.scipy.signal``): convolution, correlation, detrending and
spectral analysis (STFT, Welch/CSD) of signals.

Direct convolutions lower to one ``lax.conv_general_dilated`` (complex ones as a real
convolution with real and imaginary parts as channels, axes beyond two folded into channels); ``fftconvolve`` and the spectral functions use
``arrax.numpy.fft``. Everything is built from arrax primitives, so it traces under ``jit``,
batches under ``vmap`` and differentiates under ``grad``. Integer inputs compute in the default
float dtype; float32/complex64 inputs stay in single precision, as in JAX."""

import types
import warnings

import numpy as onp

import arrax.numpy as jnp
from arrax import lax
from arrax.numpy._dtypes import _jax_inexact_dtype
from arrax.scipy._signal_windows import _WINDOWS, get_window, istft_window, triage_segments

__all__ = [
    "convolve", "convolve2d", "correlate", "correlate2d", "csd", "detrend", "fftconvolve",
    "get_window", "istft", "stft", "welch",
]  # fmt: skip

_MODES = ("full", "same", "valid")


def _promote_inexact(*xs):
    """The arrays as arrax arrays of their common inexact dtype (JAX's rule)."""
    arrs = [jnp.asarray(x) for x in xs]
    dt = _jax_inexact_dtype(*[a.dtype for a in arrs])
    return [a if a.dtype == dt else a.astype(dt) for a in arrs]


def _check_mode(name, mode):
    if mode not in _MODES:
        raise ValueError(f"{name}: mode must be one of {list(_MODES)}, got {mode!r}")


def _taps_as_channels(x, k, lead):
    """x (padded) and kernel k with their first ``lead`` axes folded away for a 2-D (or 1-D)
    convolution: each output position along those axes becomes a batch entry, and each kernel
    tap along them an input channel holding x shifted by that tap, so summing over channels
    sums over the taps. Returns lhs (B, C, *rest), rhs (1, C, *rest) and the batch's shape."""
    outs = [x.shape[a] - k.shape[a] + 1 for a in range(lead)]
    for a in reversed(range(lead)):  # axis a becomes (out_a, tap_a)
        taps = onp.arange(outs[a])[:, None] + onp.arange(k.shape[a])[None, :]
        x = jnp.take(x, jnp.asarray(taps), axis=a)
    perm = list(range(0, 2 * lead, 2)) + list(range(1, 2 * lead, 2))
    perm += list(range(2 * lead, x.ndim))
    ntaps = int(onp.prod(k.shape[:lead]))
    x = jnp.transpose(x, perm).reshape((-1, ntaps) + x.shape[2 * lead :])
    return x, k.reshape((1, ntaps) + k.shape[lead:]), tuple(outs)


def _correlate_padded(x, k, padding, precision):
    """The cross-correlation of x with k (one dtype and rank) after padding x by ``padding``
    (negative entries crop), sliding k only where it fits.

    arrax's convolution takes one or two spatial axes and real operands, so the axes before
    the last two are folded into batch and channels (``_taps_as_channels``), and a complex
    correlation runs as a real one with the real and imaginary parts as channels:
    (xr, xi) against [[kr, -ki], [ki, kr]] gives (xr kr - xi ki, xr ki + xi kr)."""
    lead = max(x.ndim - 2, 0)
    if lead:
        pads = [(lo, hi, 0) for lo, hi in padding[:lead]] + [(0, 0, 0)] * 2
        x = lax.pad(x, jnp.zeros((), x.dtype), pads)
        lhs, rhs, batch = _taps_as_channels(x, k, lead)
    else:
        lhs, rhs, batch = x[None, None], k[None, None], ()
    strides = (1,) * (lhs.ndim - 2)
    if x.dtype.kind == "c":
        lhs = jnp.concatenate([jnp.real(lhs), jnp.imag(lhs)], axis=1)
        kr, ki = jnp.real(rhs), jnp.imag(rhs)
        rhs = jnp.concatenate([jnp.concatenate([kr, -ki], 1), jnp.concatenate([ki, kr], 1)], 0)
    out = lax.conv_general_dilated(lhs, rhs, strides, padding[lead:], precision=precision)
    if x.dtype.kind == "c":
        out = lax.complex(out[:, 0], out[:, 1])
    else:
        out = out[:, 0]
    return out.reshape(batch + out.shape[1:])


def _convolve_nd(name, in1, in2, mode, precision):
    """Direct N-d convolution with SciPy's output sizes; the larger input slides over the
    smaller one, and 'same' is centred on in1 as SciPy does (which differs from numpy's)."""
    _check_mode(name, mode)
    in1, in2 = _promote_inexact(in1, in2)
    if in1.ndim != in2.ndim:
        raise ValueError(
            f"{name}: in1 and in2 must have the same number of dimensions, got {in1.ndim} "
            f"and {in2.ndim}"
        )
    if in1.size == 0 or in2.size == 0:
        raise ValueError(
            f"{name}: zero-size arrays not supported in convolutions, got shapes "
            f"{in1.shape} and {in2.shape}"
        )
    in1_larger = all(s1 >= s2 for s1, s2 in zip(in1.shape, in2.shape))
    in2_larger = all(s1 <= s2 for s1, s2 in zip(in1.shape, in2.shape))
    if not (in1_larger or in2_larger):
        raise ValueError(
            f"{name}: one input must be smaller than the other in every dimension, got "
            f"shapes {in1.shape} and {in2.shape}"
        )
    shape_o = in2.shape
    if in2_larger:
        in1, in2 = in2, in1
    shape = in2.shape
    if mode == "valid":
        padding = [(0, 0)] * in1.ndim
    elif mode == "same":
        padding = [(s - 1 - (so - 1) // 2, s - so + (so - 1) // 2) for s, so in zip(shape, shape_o)]
    else:
        padding = [(s - 1, s - 1) for s in shape]
    return _correlate_padded(in1, jnp.flip(in2), padding, precision)


def _check_method(name, method):
    if method not in ("auto", "direct", "fft"):
        raise ValueError(f"{name}: got method={method!r}; expected 'auto', 'fft', or 'direct'")


def convolve(in1, in2, mode="full", method="auto", precision=None):
    """N-dimensional convolution of in1 with in2 (scipy.signal.convolve); mode 'full',
    'same' (centred, in1's shape) or 'valid'. method 'auto' and 'direct' convolve directly,
    'fft' uses ``fftconvolve``."""
    _check_method("convolve", method)
    if method == "fft":
        return fftconvolve(in1, in2, mode=mode)
    return _convolve_nd("convolve", in1, in2, mode, precision)


def correlate(in1, in2, mode="full", method="auto", precision=None):
    """N-dimensional cross-correlation of in1 with in2 (scipy.signal.correlate): the
    convolution of in1 with in2 conjugated and reversed along every axis."""
    _check_method("correlate", method)
    in2 = jnp.flip(jnp.conj(jnp.asarray(in2)))
    if method == "fft":
        return fftconvolve(in1, in2, mode=mode)
    return _convolve_nd("correlate", in1, in2, mode, precision)


def _boundary_conv2d(name, in1, in2, mode, boundary, fillvalue, precision, correlate=False):
    """2-D convolution with in1 extended past its edges: by fillvalue, periodically ('wrap')
    or mirrored ('symm'), as scipy.signal.convolve2d does; 'valid' uses no extension. For a
    correlation (in2 already flipped) 'same' centres the other way, so its padding is swapped."""
    in1, in2 = _promote_inexact(in1, in2)
    if mode == "valid" or (boundary == "fill" and _is_zero(fillvalue)):
        return _convolve_nd(name, in1, in2, mode, precision)
    _check_mode(name, mode)
    if any(s2 > s1 for s1, s2 in zip(in1.shape, in2.shape)):
        raise ValueError(f"{name}: boundary={boundary!r} needs in2 no larger than in1")
    if mode == "full":
        pads = [(s - 1, s - 1) for s in in2.shape]
    else:
        pads = [(s // 2, (s - 1) // 2) for s in in2.shape]
        pads = [p[::-1] for p in pads] if correlate else pads
    if boundary == "fill":
        # lax.pad, as its fill value may be traced (jnp.pad needs a concrete one).
        fill = jnp.asarray(fillvalue).astype(in1.dtype)
        ext = lax.pad(in1, fill, [(lo, hi, 0) for lo, hi in pads])
    else:
        ext = jnp.pad(in1, pads, mode="wrap" if boundary == "wrap" else "symmetric")
    return _convolve_nd(name, ext, in2, "valid", precision)


def _is_zero(v):
    return not isinstance(v, jnp.ndarray) and onp.all(onp.asarray(v) == 0)


def _check_2d(name, in1, in2, boundary):
    if boundary not in ("fill", "wrap", "symm"):
        raise ValueError(f"{name}: boundary must be 'fill', 'wrap' or 'symm', got {boundary!r}")
    if jnp.ndim(in1) != 2 or jnp.ndim(in2) != 2:
        raise ValueError(
            f"{name}: only supports 2-dimensional inputs, got {jnp.ndim(in1)} and {jnp.ndim(in2)}"
        )


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0, precision=None):
    """2-D convolution (scipy.signal.convolve2d). Past in1's edges the values are fillvalue
    (boundary 'fill'), periodic ('wrap') or mirrored ('symm'); JAX supports only fill with 0."""
    _check_2d("convolve2d", in1, in2, boundary)
    return _boundary_conv2d("convolve2d", in1, in2, mode, boundary, fillvalue, precision)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0, precision=None):
    """2-D cross-correlation (scipy.signal.correlate2d), with convolve2d's boundaries."""
    _check_2d("correlate2d", in1, in2, boundary)
    _check_mode("correlate2d", mode)
    in1, in2 = _promote_inexact(in1, in2)
    if boundary != "fill" or not _is_zero(fillvalue):
        in2 = jnp.flip(jnp.conj(in2))
        return _boundary_conv2d("correlate2d", in1, in2, mode, boundary, fillvalue, precision, True)
    # Each branch below is the one SciPy's correlate2d takes, so that 'same' centres the
    # output and 'valid' chooses the sliding input as SciPy does (which correlate() does not).
    in2_larger = all(s1 <= s2 for s1, s2 in zip(in1.shape, in2.shape))
    if mode == "valid" and in2_larger and in1.shape != in2.shape:
        return _convolve_nd("correlate2d", jnp.flip(in2), jnp.conj(in1), mode, precision)
    if mode == "full" and in2_larger:
        out = _convolve_nd("correlate2d", jnp.flip(in2), jnp.conj(in1), mode, precision)
        return jnp.conj(out)
    return jnp.flip(_convolve_nd("correlate2d", jnp.flip(in1), jnp.conj(in2), mode, precision))


def fftconvolve(in1, in2, mode="full", axes=None):
    """N-dimensional convolution through the FFT (scipy.signal.fftconvolve). With ``axes`` it
    convolves along those axes only; in1 and in2 must then agree on every other axis."""
    _check_mode("fftconvolve", mode)
    in1, in2 = _promote_inexact(in1, in2)
    if in1.ndim != in2.ndim:
        raise ValueError(
            f"fftconvolve: in1 and in2 should have the same dimensionality, got {in1.ndim} "
            f"and {in2.ndim}"
        )
    if axes is None:
        axes = tuple(range(in1.ndim))
    else:
        axes = (axes,) if isinstance(axes, int) else tuple(axes)
        axes = tuple(onp.lib.array_utils.normalize_axis_tuple(axes, in1.ndim, "axes"))
        for ax in set(range(in1.ndim)) - set(axes):
            if in1.shape[ax] != in2.shape[ax]:
                raise ValueError(
                    f"fftconvolve: mapped axes must have same shape; got in1.shape={in1.shape} "
                    f"in2.shape={in2.shape} axes={axes}"
                )
    s1 = [in1.shape[a] for a in axes]
    s2 = [in2.shape[a] for a in axes]
    if mode == "valid":
        if all(a <= b for a, b in zip(s1, s2)):
            in1, in2, s1, s2 = in2, in1, s2, s1
        elif not all(a >= b for a, b in zip(s1, s2)):
            raise ValueError(
                "fftconvolve: for 'valid' mode, one input must be at least as large as the "
                f"other in every dimension, got shapes {in1.shape} and {in2.shape}"
            )
    full = [a + b - 1 for a, b in zip(s1, s2)]
    if all(a == 1 or b == 1 for a, b in zip(s1, s2)):
        # Nothing overlaps along any axis: the convolution is a plain (broadcast) product.
        conv = in1 * in2
    elif in1.dtype.kind == "c":
        conv = jnp.fft.ifftn(jnp.fft.fftn(in1, full, axes) * jnp.fft.fftn(in2, full, axes),
                             full, axes)  # fmt: skip
    else:
        conv = jnp.fft.irfftn(jnp.fft.rfftn(in1, full, axes) * jnp.fft.rfftn(in2, full, axes),
                              full, axes)  # fmt: skip
    if mode == "full":
        out = full
    elif mode == "same":
        out = s1
    else:
        out = [a - b + 1 for a, b in zip(s1, s2)]
    index = [slice(None)] * conv.ndim
    for ax, f, o in zip(axes, full, out):
        start = (f - o) // 2
        index[ax] = slice(start, start + o)
    return conv[tuple(index)].astype(in1.dtype)


def detrend(data, axis=-1, type="linear", bp=0, overwrite_data=None):
    """data less its least-squares trend along ``axis`` (scipy.signal.detrend): its mean
    (type 'constant') or a straight line, fitted separately between the breakpoints ``bp``
    (type 'linear')."""
    if overwrite_data is not None:
        raise NotImplementedError("detrend: overwrite_data argument not implemented")
    if type not in ("constant", "linear"):
        raise ValueError(f"detrend: trend type must be 'linear' or 'constant', got {type!r}")
    (x,) = _promote_inexact(data)
    if type == "constant":
        return x - jnp.mean(x, axis=axis, keepdims=True)
    x = jnp.moveaxis(x, axis, -1)
    n = x.shape[-1]
    bps = onp.unique(onp.r_[0, onp.asarray(bp).ravel(), n]).astype(int)
    if bps[0] < 0 or bps[-1] > n:
        raise ValueError(
            "detrend: breakpoints must be non-negative and less than length of data along "
            "given axis"
        )
    pieces = []
    for lo, hi in zip(bps[:-1], bps[1:]):
        seg = x[..., lo:hi]
        npts = hi - lo
        if npts == 1:  # a single point is its own line
            pieces.append(jnp.zeros_like(seg))
            continue
        # The least-squares line through (t, seg) is mean + slope (t - mean t); t is centred
        # in float64 on the host so the fit needs no solve.
        t = onp.arange(1, npts + 1) / npts
        tc = jnp.asarray(t - t.mean(), x.real.dtype)
        mean = jnp.mean(seg, axis=-1, keepdims=True)
        slope = jnp.sum(tc * seg, axis=-1, keepdims=True) / jnp.sum(tc * tc)
        pieces.append(seg - mean - slope * tc)
    out = pieces[0] if len(pieces) == 1 else jnp.concatenate(pieces, axis=-1)
    return jnp.moveaxis(out, -1, axis)


# ---- spectral analysis ----------------------------------------------------------------------


def _odd_ext(x, n):
    """x extended by n points at each end of its last axis by odd symmetry about the ends."""
    if n < 1:
        return x
    if n > x.shape[-1] - 1:
        raise ValueError(
            f"stft: the extension length n ({n}) is too big. It must not exceed "
            f"x.shape[axis]-1, which is {x.shape[-1] - 1}."
        )
    left = 2 * x[..., :1] - jnp.flip(x[..., 1 : n + 1], -1)
    right = 2 * x[..., -1:] - jnp.flip(x[..., -n - 1 : -1], -1)
    return jnp.concatenate([left, x, right], axis=-1)


def _extend(x, n, boundary):
    if boundary is None:
        return x
    if boundary == "odd":
        return _odd_ext(x, n)
    pads = [(0, 0)] * (x.ndim - 1) + [(n, n)]
    mode = {"even": "reflect", "constant": "edge", "zeros": "constant"}[boundary]
    return jnp.pad(x, pads, mode=mode)


def _detrend_func(name, detrend_type, axis):
    if isinstance(detrend_type, str):
        return lambda d: detrend(d, axis=-1, type=detrend_type)
    if callable(detrend_type):
        if axis == -1:
            return detrend_type
        # As SciPy: the callable sees each segment's samples on the signal's axis. (JAX moves
        # the segments' axis instead, so a callable detrends across segments there.)
        return lambda d: jnp.moveaxis(detrend_type(jnp.moveaxis(d, -1, axis)), axis, -1)
    if not detrend_type:
        return lambda d: d
    raise ValueError(f"{name}: unsupported detrend type: {detrend_type!r}")


def _segments_fft(x, win, detrend_func, nperseg, noverlap, nfft, twosided):
    """The FFTs of x's windowed, detrended segments: shape (..., segments, frequencies)."""
    step = nperseg - noverlap
    starts = onp.arange(0, x.shape[-1] - nperseg + 1, step)
    segs = jnp.take(x, jnp.asarray(starts[:, None] + onp.arange(nperseg)[None, :]), axis=-1)
    segs = detrend_func(segs)
    if win.dtype.kind == "c" and segs.dtype.kind != "c":
        segs = segs.astype(onp.result_type(segs.dtype, onp.complex64))
    segs = win * segs
    if twosided:
        return jnp.fft.fft(segs, n=nfft)
    return jnp.fft.rfft(jnp.real(segs), n=nfft)


def _spectral(name, x, y, fs, window, nperseg, noverlap, nfft, detrend_type, return_onesided,
              scaling, axis, stft_mode, boundary=None, padded=False):  # fmt: skip
    """(frequencies, segment times, per-segment spectra) with frequencies on ``axis`` and
    segments last: the cross spectra of x and y (x's own if y is None) or, with stft_mode,
    x's short-time Fourier transform."""
    if boundary not in (None, "even", "odd", "constant", "zeros"):
        raise ValueError(
            f"{name}: unknown boundary option {boundary!r}, must be one of: "
            "['even', 'odd', 'constant', 'zeros', None]"
        )
    x = jnp.asarray(x)
    user_axis = axis
    axis = int(onp.lib.array_utils.normalize_axis_index(axis, x.ndim))
    if y is None:
        (x,) = _promote_inexact(x)
        outer = x.shape[:axis] + x.shape[axis + 1 :]
    else:
        x, y = _promote_inexact(x, y)
        if x.ndim != y.ndim:
            raise ValueError(
                f"{name}: two arguments must have the same rank ({x.ndim} vs {y.ndim})"
            )
        try:
            outer = onp.broadcast_shapes(
                x.shape[:axis] + x.shape[axis + 1 :], y.shape[:axis] + y.shape[axis + 1 :]
            )
        except ValueError as err:
            raise ValueError(f"{name}: x and y cannot be broadcast together") from err
    cdtype = onp.result_type(x.dtype, onp.complex64)
    fdtype = onp.finfo(cdtype).dtype
    if nperseg is not None:
        nperseg = int(nperseg)
        if nperseg < 1:
            raise ValueError(f"{name}: nperseg must be a positive integer")
    win, nperseg = triage_segments(name, window, nperseg, x.shape[axis], x.dtype)
    noverlap = nperseg // 2 if noverlap is None else int(noverlap)
    nfft = nperseg if nfft is None else int(nfft)
    if x.size == 0 or (y is not None and y.size == 0):
        n = x.shape[axis] if y is None else min(x.shape[axis], y.shape[axis])
        shape = outer[:axis] + (n,) + outer[axis:]
        return jnp.zeros(shape, fdtype), jnp.zeros(shape, fdtype), jnp.zeros(shape, cdtype)
    x = jnp.moveaxis(x, axis, -1)
    if y is not None:
        y = jnp.moveaxis(y, axis, -1)
        # Zero-pad the shorter signal so both have the same length.
        if x.shape[-1] < y.shape[-1]:
            x = jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, y.shape[-1] - x.shape[-1])])
        elif y.shape[-1] < x.shape[-1]:
            y = jnp.pad(y, [(0, 0)] * (y.ndim - 1) + [(0, x.shape[-1] - y.shape[-1])])
    if nfft < nperseg:
        raise ValueError(f"{name}: nfft must be greater than or equal to nperseg")
    if noverlap >= nperseg:
        raise ValueError(f"{name}: noverlap must be less than nperseg")
    nstep = nperseg - noverlap
    sigs = [x] if y is None else [x, y]
    sigs = [_extend(s, nperseg // 2, boundary) for s in sigs]
    if padded:
        nadd = (-(sigs[0].shape[-1] - nperseg) % nstep) % nperseg
        sigs = [jnp.pad(s, [(0, 0)] * (s.ndim - 1) + [(0, nadd)]) for s in sigs]
    if scaling == "density":
        scale = 1.0 / (fs * jnp.sum(win * win))
    elif scaling == "spectrum":
        scale = 1.0 / jnp.sum(win) ** 2
    else:
        raise ValueError(f"{name}: unknown scaling: {scaling!r}")
    if stft_mode:
        scale = jnp.sqrt(scale)
    twosided = not return_onesided
    if return_onesided and any(s.dtype.kind == "c" for s in sigs):
        twosided = True
        warnings.warn("Input data is complex, switching to return_onesided=False", stacklevel=3)
    if twosided:
        freqs = jnp.fft.fftfreq(nfft, 1 / fs, dtype=fdtype)
    else:
        freqs = jnp.fft.rfftfreq(nfft, 1 / fs, dtype=fdtype)
    detrend_func = _detrend_func(name, detrend_type, user_axis)
    spectra = [_segments_fft(s, win, detrend_func, nperseg, noverlap, nfft, twosided) for s in sigs]
    if y is not None:
        result = jnp.conj(spectra[0]) * spectra[1]
    elif not stft_mode:
        result = jnp.conj(spectra[0]) * spectra[0]
    else:
        result = spectra[0]
    result = result * jnp.asarray(scale).astype(result.dtype)
    if not twosided and not stft_mode:
        # One-sided densities count each frequency's negative twin (all but DC and Nyquist).
        weights = onp.full(result.shape[-1], 2.0)
        weights[0] = 1
        if nfft % 2 == 0:
            weights[-1] = 1
        result = result * jnp.asarray(weights, result.real.dtype)
    length = sigs[0].shape[-1]
    time = onp.arange(nperseg / 2, length - nperseg / 2 + 1, nstep, dtype=fdtype)
    time = jnp.asarray(time) / fs
    if boundary is not None:
        time = time - nperseg / 2 / fs
    result = result.astype(cdtype)
    if y is None and not stft_mode:
        result = jnp.real(result)
    return freqs, time, jnp.moveaxis(result, -1, axis)


def stft(x, fs=1.0, window="hann", nperseg=256, noverlap=None, nfft=None, detrend=False,
         return_onesided=True, boundary="zeros", padded=True, axis=-1):  # fmt: skip
    """Short-time Fourier transform (scipy.signal.stft): (frequencies, segment times, Zxx)."""
    return _spectral("stft", x, None, fs, window, nperseg, noverlap, nfft, detrend,
                     return_onesided, "spectrum", axis, True, boundary, padded)  # fmt: skip


def _median_bias(n):
    """How much the median of n periodograms underestimates their mean (Allen et al. 2012)."""
    ii = onp.arange(2.0, n, 2)
    return 1 + onp.sum(1.0 / (ii + 1) - 1.0 / ii)


def _welch(name, x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling,
           axis, average):  # fmt: skip
    if average not in ("mean", "median"):
        raise ValueError(f'{name}: average must be "median" or "mean", got {average}')
    freqs, _, pxy = _spectral(name, x, y, fs, window, nperseg, noverlap, nfft, detrend,
                              return_onesided, scaling, axis, False)  # fmt: skip
    if y is not None:
        pxy = pxy.astype(onp.result_type(pxy.dtype, onp.complex64))
    if pxy.ndim >= 2 and pxy.size > 0:
        if pxy.shape[-1] == 1:
            pxy = pxy[..., 0]
        elif average == "mean":
            pxy = jnp.mean(pxy, axis=-1)
        else:
            bias = jnp.asarray(_median_bias(pxy.shape[-1])).astype(pxy.dtype)
            if pxy.dtype.kind == "c":
                med = lax.complex(jnp.median(jnp.real(pxy), axis=-1),
                                  jnp.median(jnp.imag(pxy), axis=-1))  # fmt: skip
            else:
                med = jnp.median(pxy, axis=-1)
            pxy = med / bias
    return freqs, pxy


def csd(x, y, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None, detrend="constant",
        return_onesided=True, scaling="density", axis=-1, average="mean"):  # fmt: skip
    """Cross power spectral density of x and y by Welch's method (scipy.signal.csd): the
    average ('mean' or 'median') over overlapping windowed segments of conj(X) Y, as
    (frequencies, Pxy). y=None gives x's own (real) PSD. nperseg defaults to the signal's
    length, as in JAX (SciPy: 256)."""
    return _welch("csd", x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided,
                  scaling, axis, average)  # fmt: skip


def welch(x, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None, detrend="constant",
          return_onesided=True, scaling="density", axis=-1, average="mean"):  # fmt: skip
    """Power spectral density by Welch's method (scipy.signal.welch): (frequencies, Pxx)."""
    freqs, pxx = _welch("welch", x, None, fs, window, nperseg, noverlap, nfft, detrend,
                        return_onesided, scaling, axis, average)  # fmt: skip
    return freqs, jnp.real(pxx)


def _overlap_add(frames, step):
    """Frames (..., n, length) summed into one signal (..., step (n - 1) + length), frame i
    starting at i * step: each frame is cut into step-long blocks, and block j of frame i
    lands at block i + j of the output."""
    *batch, n, length = frames.shape
    blocks = -(-length // step)
    frames = jnp.pad(frames, [(0, 0)] * len(batch) + [(0, 0), (0, blocks * step - length)])
    frames = frames.reshape(*batch, n, blocks, step)
    out = None
    for j in range(blocks):
        # Block j of every frame shifted j blocks right.
        part = jnp.pad(frames[..., j, :], [(0, 0)] * len(batch) + [(j, blocks - 1 - j), (0, 0)])
        out = part if out is None else out + part
    return out.reshape(*batch, (n + blocks - 1) * step)[..., : step * (n - 1) + length]


def istft(Zxx, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None,
          input_onesided=True, boundary=True, time_axis=-1, freq_axis=-2):  # fmt: skip
    """Inverse short-time Fourier transform (scipy.signal.istft): (times, x), x rebuilt from
    its STFT by windowed overlap-add."""
    z = jnp.asarray(Zxx)
    if z.ndim < 2:
        raise ValueError("istft: input stft must be at least 2d")
    freq_axis = int(onp.lib.array_utils.normalize_axis_index(freq_axis, z.ndim))
    time_axis = int(onp.lib.array_utils.normalize_axis_index(time_axis, z.ndim))
    if freq_axis == time_axis:
        raise ValueError("istft: must specify differing time and frequency axes")
    z = z.astype(onp.result_type(_jax_inexact_dtype(z.dtype), onp.complex64))
    n_default = 2 * (z.shape[freq_axis] - 1) if input_onesided else z.shape[freq_axis]
    nperseg = int(nperseg or n_default)
    if nperseg < 1:
        raise ValueError("istft: nperseg must be a positive integer")
    if nfft is None:
        nfft = n_default + (1 if input_onesided and nperseg == n_default + 1 else 0)
    nfft = int(nfft)
    if nfft < nperseg:
        raise ValueError(f"istft: FFT length ({nfft}) must be longer than nperseg ({nperseg})")
    noverlap = int(noverlap or nperseg // 2)
    if noverlap >= nperseg:
        raise ValueError("istft: noverlap must be less than nperseg")
    nstep = nperseg - noverlap
    outer = [d for d in range(z.ndim) if d not in (freq_axis, time_axis)]
    z = jnp.transpose(z, outer + [time_axis, freq_axis])  # (..., segments, frequencies)
    if input_onesided:
        xsubs = jnp.fft.irfft(z, n=nfft, axis=-1)[..., :nperseg]
    else:
        xsubs = jnp.fft.ifft(z, n=nfft, axis=-1)[..., :nperseg]
    win = istft_window(window, nperseg, xsubs.dtype)
    xsubs = xsubs * jnp.sum(win)
    x = _overlap_add(xsubs * win, nstep)
    norm = _overlap_add(jnp.broadcast_to(win * win, (xsubs.shape[-2], nperseg)), nstep)
    if boundary:
        x = x[..., nperseg // 2 : -(nperseg // 2)]
        norm = norm[..., nperseg // 2 : -(nperseg // 2)]
    x = x / jnp.where(norm > 1e-10, norm, 1.0)
    if x.ndim > 1 and time_axis != z.ndim - 1:
        x = jnp.moveaxis(x, -1, time_axis - 1 if freq_axis < time_axis else time_axis)
    time = jnp.arange(x.shape[0], dtype=onp.finfo(x.dtype).dtype) / fs
    return time, x


def correlation_lags(in1_len, in2_len, mode="full"):
    """The lag indices of the 1-D cross-correlation of inputs of lengths in1_len and in2_len
    in ``mode`` (as scipy.signal.correlation_lags): an integer array."""
    if mode == "full":
        lags = onp.arange(-in2_len + 1, in1_len)
    elif mode == "same":
        lags = onp.arange(-in2_len + 1, in1_len)
        mid = lags.size // 2
        lag_bound = in1_len // 2
        lags = lags[mid - lag_bound : mid + lag_bound + in1_len % 2]
    elif mode == "valid":
        lag_bound = in1_len - in2_len
        lags = onp.arange(lag_bound + 1) if lag_bound >= 0 else onp.arange(lag_bound, 1)
    else:
        raise ValueError(f"correlation_lags: mode must be one of {_MODES}, got {mode!r}")
    return jnp.asarray(lags)


def _make_window(name, nparams):
    def w(M, *params, sym=True, **kw):
        if not (isinstance(M, (int, onp.integer)) and M >= 0):
            raise ValueError(f"{name}: Window length M must be a non-negative integer")
        if M <= 1:
            return jnp.ones((M,), jnp.float64)
        return get_window((name, *params, *kw.values()), M, fftbins=not sym)

    w.__name__ = w.__qualname__ = name
    w.__doc__ = (
        f"scipy.signal.windows.{name}: a {name} window of M points (symmetric unless sym=False)."
    )
    return w


windows = types.ModuleType("arrax.scipy.signal.windows")
windows.__doc__ = "The window functions of scipy.signal.windows, each get_window of its name."
for _name, (_, _nparams) in _WINDOWS.items():
    setattr(windows, _name, _make_window(_name, _nparams))
windows.get_window = get_window
windows.__all__ = [*_WINDOWS, "get_window"]
del _name, _nparams

__all__ += ["correlation_lags", "windows"]
