"""arrax.numpy.fft: NumPy's FFT functions, differentiable, batchable and jit-able.

Three primitives carry the transforms: ``fft`` (complex to complex, forward or inverse),
``rfft`` (real to half-spectrum) and ``irfft`` (half-spectrum to real), each over a tuple of
axes with NumPy's ``norm``. Their CPU kernels run pocketfft through NumPy's build of it, so
values match numpy.fft (float32 stays complex64, as in NumPy 2). Lengths (``n``, ``s``) are
crops or zero pads around the primitive. All three are linear: their JVP is the primitive on
the tangent; the transpose of ``fft`` is ``fft`` (the DFT matrix is symmetric), and those of
``rfft``/``irfft`` are the transposes of their definitions through ``fft``.
"""

import operator
import warnings

import numpy as onp

from arrax import _core
from arrax._rules.common import to_front
from arrax._rules.registry import defrules
from arrax._trace_core import is_inexact
from arrax.lax import _ops as lax
from arrax.numpy._common import _arr, _np, takes_out

__all__ = [
    "fft",
    "ifft",
    "rfft",
    "irfft",
    "hfft",
    "ihfft",
    "fft2",
    "ifft2",
    "rfft2",
    "irfft2",
    "fftn",
    "ifftn",
    "rfftn",
    "irfftn",
    "fftfreq",
    "rfftfreq",
    "fftshift",
    "ifftshift",
]


def _complex_of(dtype):
    dt = onp.dtype(dtype)
    if dt.kind == "c":
        return dt
    return (
        onp.dtype(onp.complex64)
        if dt == onp.float32 or dt == onp.float16 or dt.name == "bfloat16"
        else onp.dtype(onp.complex128)
    )


def _real_of(dtype):
    return onp.finfo(_complex_of(dtype)).dtype


def _aval(shape, dtype):
    return (tuple(int(s) for s in shape), onp.dtype(dtype), False)


def _out(x):
    return [_core.asarray(onp.array(x, copy=None, order="C"), None, None)]


_core.def_primitive(
    "fft",
    lambda avals, p: [_aval(avals[0][0], avals[0][1])],
    lambda arrays, p: _out(
        (onp.fft.ifftn if p["inverse"] else onp.fft.fftn)(
            onp.asarray(arrays[0]), axes=p["axes"], norm=p["norm"]
        )
    ),
)


def _rfft_avals(avals, p):
    shape = list(avals[0][0])
    last = p["axes"][-1]
    shape[last] = shape[last] // 2 + 1
    return [_aval(shape, _complex_of(avals[0][1]))]


_core.def_primitive(
    "rfft",
    _rfft_avals,
    lambda arrays, p: _out(onp.fft.rfftn(onp.asarray(arrays[0]), axes=p["axes"], norm=p["norm"])),
)


def _irfft_avals(avals, p):
    shape = list(avals[0][0])
    shape[p["axes"][-1]] = p["n"]
    return [_aval(shape, _real_of(avals[0][1]))]


def _irfft_kernel(arrays, p):
    x = onp.asarray(arrays[0])
    s = [x.shape[a] for a in p["axes"][:-1]] + [p["n"]]
    return _out(onp.fft.irfftn(x, s=s, axes=p["axes"], norm=p["norm"]))


_core.def_primitive("irfft", _irfft_avals, _irfft_kernel)


# --- rules ------------------------------------------------------------------------------------


def _linear_jvp(name):
    def jvp(primals, tangents, params):
        out = lax.bind1(name, primals[0], **params)
        t = tangents[0]
        return [out], [None if t is None else lax.bind1(name, t, **params)]

    return jvp


def _fft_transpose(cts, args, params):
    (ct,) = cts
    return [None if ct is None else lax.bind1("fft", ct, **params)]


def _naive_rfft(x, params):
    """rfftn through fftn: the full spectrum, cut to the half spectrum."""
    axes = params["axes"]
    y = lax.bind1(
        "fft",
        lax.convert_element_type(x, _complex_of(x.dtype)),
        inverse=False,
        axes=axes,
        norm=params["norm"],
    )
    last = axes[-1]
    return lax.slice_in_dim(y, 0, x.shape[last] // 2 + 1, 1, last)


def _naive_irfft(y, params):
    """irfftn through ifftn: the inverse over the other axes, then the Hermitian extension
    of the last axis (DC and Nyquist imaginary parts drop out of the real part)."""
    np = _np()
    axes, n = params["axes"], params["n"]
    last = axes[-1]
    if len(axes) > 1:
        y = lax.bind1("fft", y, inverse=True, axes=axes[:-1], norm=params["norm"])
    m = n // 2 + 1
    y = (
        lax.slice_in_dim(y, 0, m, 1, last)
        if y.shape[last] >= m
        else lax.pad(
            y,
            lax.asarray(0, y.dtype),
            [(0, m - y.shape[last] if d == last else 0, 0) for d in range(y.ndim)],
        )
    )
    tail = lax.rev(lax.slice_in_dim(y, 1, n - m + 1, 1, last), (last,))
    full = lax.concatenate([y, np.conj(tail)], last)
    z = lax.bind1("fft", full, inverse=True, axes=(last,), norm=params["norm"])
    return np.real(z)


def _via_naive(naive, in_dtype_of):
    def transpose(cts, args, params):
        from arrax._ad import vjp

        (ct,) = cts
        if ct is None:
            return [None]
        x = args[0]
        dummy = lax.zeros_like_aval(x.shape, in_dtype_of(x))
        _, f_vjp = vjp(lambda v: naive(v, params), dummy)
        return [f_vjp(ct)[0]]

    return transpose


def _batch(name):
    def rule(values, dims, params):
        x = to_front(values[0], dims[0])
        p = dict(params, axes=tuple(a + 1 for a in params["axes"]))
        return [lax.bind1(name, x, **p)], [0]

    return rule


defrules("fft", jvp=_linear_jvp("fft"), transpose=_fft_transpose, batch=_batch("fft"))
defrules(
    "rfft",
    jvp=_linear_jvp("rfft"),
    transpose=_via_naive(_naive_rfft, lambda x: x.dtype),
    batch=_batch("rfft"),
)
defrules(
    "irfft",
    jvp=_linear_jvp("irfft"),
    transpose=_via_naive(_naive_irfft, lambda x: x.dtype),
    batch=_batch("irfft"),
)


# --- public functions ----------------------------------------------------------------------------


def _check_norm(norm):
    if norm not in (None, "backward", "ortho", "forward"):
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".')
    return "backward" if norm is None else norm


def _resize(x, axes, sizes):
    """x cropped or zero padded to sizes along axes (numpy.fft's n / s)."""
    for ax, n in zip(axes, sizes):
        if n is None:
            continue
        if n < 1:
            raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
        cur = x.shape[ax]
        if n < cur:
            x = lax.slice_in_dim(x, 0, n, 1, ax)
        elif n > cur:
            x = lax.pad(
                x,
                lax.asarray(0, x.dtype),
                [(0, n - cur if d == ax else 0, 0) for d in range(x.ndim)],
            )
    return x


def _nd_sizes(s, axes):
    """numpy.fft's s of the n-d transforms: -1 (and, deprecated, None) take the whole axis."""
    if s is None:
        return None
    s = list(s)
    if axes is None:
        warnings.warn(
            "`axes` should not be `None` if `s` is not `None` (Deprecated in NumPy 2.0). In a "
            "future version of NumPy, this will raise an error and `s[i]` will correspond to "
            "the size along the transformed axis specified by `axes[i]`. To retain current "
            "behaviour, pass a sequence [0, ..., k-1] to `axes` for an array of dimension k.",
            DeprecationWarning,
            stacklevel=4,
        )
    if any(n is None for n in s):
        warnings.warn(
            "Passing an array containing `None` values to `s` is deprecated in NumPy 2.0 and "
            "may result in an error in a future version. To use the default behaviour of the "
            "corresponding 1-D transform, pass the value matching the default for its `n` "
            "parameter. To use the default behaviour for every axis, the `s` argument can be "
            "omitted.",
            DeprecationWarning,
            stacklevel=4,
        )
    return [None if n is None or n == -1 else n for n in s]


def _axes_sizes(a, s, axes, default_all=True):
    if axes is None:
        if s is None:
            axes = list(range(a.ndim)) if default_all else [-2, -1]
        else:
            axes = list(range(a.ndim - len(s), a.ndim))
    axes = [_index("axis", ax) for ax in axes]
    for ax in axes:
        if not -a.ndim <= ax < a.ndim:
            raise onp.exceptions.AxisError(
                f"fft: axis {ax} is out of bounds for array of dimension {a.ndim}"
            )
    axes = [ax % a.ndim for ax in axes]
    if s is not None and len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    # (sizes must be integers: NumPy's TypeError for 2.0 or True)
    sizes = [None if n is None else _index("s", n) for n in s] if s is not None else None
    return axes, (sizes if sizes is not None else [None] * len(axes))


def _index(what, v):
    if isinstance(v, (bool, onp.bool_)) or (hasattr(v, "dtype") and v.dtype.kind == "b"):
        raise TypeError(f"fft: an integer is required for {what}, got {v!r}")
    try:
        return operator.index(v)
    except TypeError as e:
        if "Tracer" in type(e).__name__ or "Concretization" in type(e).__name__:
            raise  # (a traced size: JAX's error)
        raise TypeError(
            f"fft: '{type(v).__name__}' object cannot be interpreted as an integer ({what})"
        ) from None


def _c2c(a, s, axes, norm, inverse, default_all=True):
    a = _arr(a)
    axes, sizes = _axes_sizes(a, s, axes, default_all)
    if len(set(axes)) < len(axes):  # an axis named twice: one transform after the other
        for ax, n in reversed(list(zip(axes, sizes))):
            a = _c2c(a, None if n is None else [n], [ax], norm, inverse)
        return a
    x = lax.convert_element_type(a, _complex_of(a.dtype) if is_inexact(a.dtype) else onp.complex128)
    x = _resize(x, axes, sizes)
    if not axes:
        return x
    return lax.bind1("fft", x, inverse=inverse, axes=tuple(axes), norm=_check_norm(norm))


def _r2c(a, s, axes, norm, default_all=True):
    a = _arr(a)
    if a.dtype.kind == "c":
        raise TypeError("rfft: the input must be real")
    axes, sizes = _axes_sizes(a, s, axes, default_all)
    if len(set(axes)) < len(axes):  # as NumPy: rfft over the last, then fft over the others
        # (the sizes default to the input's lengths, not those of the rfft's output)
        sizes = [a.shape[ax] if n is None else n for ax, n in zip(axes, sizes)]
        x = _r2c(a, [sizes[-1]], axes[-1:], norm)
        return _c2c(x, sizes[:-1], axes[:-1], norm, False)
    x = lax.convert_element_type(a, _real_of(a.dtype) if is_inexact(a.dtype) else onp.float64)
    x = _resize(x, axes, sizes)
    return lax.bind1("rfft", x, axes=tuple(axes), norm=_check_norm(norm))


def _c2r(a, s, axes, norm, default_all=True):
    a = _arr(a)
    axes, sizes = _axes_sizes(a, s, axes, default_all)
    if len(set(axes)) < len(axes):  # as NumPy: ifft over each axis but the last in turn, then irfft
        last = 2 * (a.shape[axes[-1]] - 1) if sizes[-1] is None else sizes[-1]
        sizes = [a.shape[ax] if n is None else n for ax, n in zip(axes, sizes)][:-1] + [last]
        for ax, n in zip(axes[:-1], sizes[:-1]):
            a = _c2c(a, [n], [ax], norm, True)
        return _c2r(a, [sizes[-1]], axes[-1:], norm)
    x = lax.convert_element_type(a, _complex_of(a.dtype) if is_inexact(a.dtype) else onp.complex128)
    n = sizes[-1] if sizes[-1] is not None else 2 * (x.shape[axes[-1]] - 1)
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    x = _resize(x, axes[:-1], sizes[:-1])
    x = _resize(x, axes[-1:], [n // 2 + 1])
    return lax.bind1("irfft", x, axes=tuple(axes), n=int(n), norm=_check_norm(norm))


@takes_out("same_kind")
def fft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.fft."""
    return _c2c(a, None if n is None else [n], [axis], norm, False)


@takes_out("same_kind")
def ifft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.ifft."""
    return _c2c(a, None if n is None else [n], [axis], norm, True)


@takes_out("same_kind")
def rfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.rfft."""
    return _r2c(a, None if n is None else [n], [axis], norm)


@takes_out("same_kind")
def irfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.irfft."""
    return _c2r(a, None if n is None else [n], [axis], norm)


_SWAP = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}


@takes_out("same_kind")
def hfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.hfft: the FFT of a signal with Hermitian symmetry (a real spectrum)."""
    _check_norm(norm)
    return irfft(_np().conj(_arr(a)), n, axis, _SWAP[norm])


@takes_out("same_kind")
def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """numpy.fft.ihfft."""
    _check_norm(norm)
    return _np().conj(rfft(a, n, axis, _SWAP[norm]))


@takes_out("same_kind")
def fftn(a, s=None, axes=None, norm=None, out=None):
    """numpy.fft.fftn."""
    return _c2c(a, _nd_sizes(s, axes), axes, norm, False)


@takes_out("same_kind")
def ifftn(a, s=None, axes=None, norm=None, out=None):
    """numpy.fft.ifftn."""
    return _c2c(a, _nd_sizes(s, axes), axes, norm, True)


@takes_out("same_kind")
def rfftn(a, s=None, axes=None, norm=None, out=None):
    """numpy.fft.rfftn."""
    return _r2c(a, _nd_sizes(s, axes), axes, norm)


@takes_out("same_kind")
def irfftn(a, s=None, axes=None, norm=None, out=None):
    """numpy.fft.irfftn."""
    return _c2r(a, _nd_sizes(s, axes), axes, norm)


@takes_out("same_kind")
def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """numpy.fft.fft2."""
    return _c2c(a, _nd_sizes(s, axes), axes, norm, False)


@takes_out("same_kind")
def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """numpy.fft.ifft2."""
    return _c2c(a, _nd_sizes(s, axes), axes, norm, True)


@takes_out("same_kind")
def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """numpy.fft.rfft2."""
    return _r2c(a, _nd_sizes(s, axes), axes, norm)


@takes_out("same_kind")
def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """numpy.fft.irfft2."""
    return _c2r(a, _nd_sizes(s, axes), axes, norm)


def fftfreq(n, d=1.0, *, device=None, dtype=None):
    """numpy.fft.fftfreq."""
    r = onp.fft.fftfreq(n, d)
    return _core.asarray(r if dtype is None else r.astype(dtype), None, None)


def rfftfreq(n, d=1.0, *, device=None, dtype=None):
    """numpy.fft.rfftfreq."""
    r = onp.fft.rfftfreq(n, d)
    return _core.asarray(r if dtype is None else r.astype(dtype), None, None)


def fftshift(x, axes=None):
    """numpy.fft.fftshift."""
    x = _arr(x)
    if axes is None:
        axes = tuple(range(x.ndim))
    elif isinstance(axes, int):
        axes = (axes,)
    return _np().roll(x, [x.shape[ax] // 2 for ax in axes], axes)


def ifftshift(x, axes=None):
    """numpy.fft.ifftshift."""
    x = _arr(x)
    if axes is None:
        axes = tuple(range(x.ndim))
    elif isinstance(axes, int):
        axes = (axes,)
    return _np().roll(x, [-(x.shape[ax] // 2) for ax in axes], axes)
