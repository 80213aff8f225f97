"""Window functions for ``arrax.scipy.signal`` (``get_window``, as scipy.signal.get_window) and
the window handling its spectral functions share. Windows depend only on static arguments, so
they are computed with NumPy on the host, in float64, and enter traced code as constants."""

import warnings

import numpy as onp

import arrax.numpy as jnp

__all__ = ["get_window"]

_COSINE_SUMS = {
    "hann": [0.5, 0.5],
    "hamming": [0.54, 0.46],
    "blackman": [0.42, 0.50, 0.08],
    "blackmanharris": [0.35875, 0.48829, 0.14128, 0.01168],
    "nuttall": [0.3635819, 0.4891775, 0.1365995, 0.0106411],
    "flattop": [0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368],
}


def _cosine_sum(m, a):
    # sum_k (-1)^k a_k cos(2 pi k n / (m - 1)), written as SciPy's general_cosine writes it.
    fac = onp.linspace(-onp.pi, onp.pi, m)
    return sum(ak * onp.cos(k * fac) for k, ak in enumerate(a))


def _triang(m):
    n = onp.arange(1, (m + 1) // 2 + 1)
    if m % 2 == 0:
        w = (2 * n - 1.0) / m
        return onp.r_[w, w[::-1]]
    w = 2 * n / (m + 1.0)
    return onp.r_[w, w[-2::-1]]


def _tukey(m, alpha=0.5):
    if alpha <= 0:
        return onp.ones(m)
    if alpha >= 1:
        return _cosine_sum(m, _COSINE_SUMS["hann"])
    n = onp.arange(m)
    width = int(onp.floor(alpha * (m - 1) / 2.0))
    n1, n3 = n[: width + 1], n[m - width - 1 :]
    w1 = 0.5 * (1 + onp.cos(onp.pi * (-1 + 2.0 * n1 / alpha / (m - 1))))
    w3 = 0.5 * (1 + onp.cos(onp.pi * (-2.0 / alpha + 1 + 2.0 * n3 / alpha / (m - 1))))
    return onp.r_[w1, onp.ones(m - len(n1) - len(n3)), w3]


def _kaiser(m, beta):
    n = onp.arange(m)
    alpha = (m - 1) / 2.0
    return onp.i0(beta * onp.sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / onp.i0(float(beta))


def _bohman(m):
    fac = onp.abs(onp.linspace(-1, 1, m)[1:-1])
    return onp.r_[0, (1 - fac) * onp.cos(onp.pi * fac) + onp.sin(onp.pi * fac) / onp.pi, 0]


def _exponential(m, center=None, tau=1.0):
    center = (m - 1) / 2 if center is None else center
    return onp.exp(-onp.abs(onp.arange(m) - center) / tau)


# name -> (symmetric window of length m from (m, *params), number of params required)
_WINDOWS = {
    **{name: ((lambda m, a=a: _cosine_sum(m, a)), 0) for name, a in _COSINE_SUMS.items()},
    "boxcar": (onp.ones, 0),
    "triang": (_triang, 0),
    "bartlett": (lambda m: 1 - onp.abs(2.0 * onp.arange(m) / (m - 1) - 1), 0),
    "cosine": (lambda m: onp.sin(onp.pi / m * (onp.arange(m) + 0.5)), 0),
    "bohman": (_bohman, 0),
    "tukey": (_tukey, -1),
    "exponential": (_exponential, -1),
    "kaiser": (_kaiser, 1),
    "gaussian": (lambda m, std: onp.exp(-((onp.arange(m) - (m - 1) / 2) ** 2) / (2 * std**2)), 1),
    "general_hamming": (lambda m, alpha: _cosine_sum(m, [alpha, 1 - alpha]), 1),
    "general_cosine": (_cosine_sum, 1),
}
_ALIASES = {
    "box": "boxcar", "ones": "boxcar", "rect": "boxcar", "rectangular": "boxcar",
    "tri": "triang", "triangle": "triang", "bart": "bartlett", "brt": "bartlett",
    "han": "hann", "hamm": "hamming", "ham": "hamming", "black": "blackman", "blk": "blackman",
    "blackharr": "blackmanharris", "bkh": "blackmanharris", "nutl": "nuttall", "nut": "nuttall",
    "flat": "flattop", "flt": "flattop", "halfcosine": "cosine", "tuk": "tukey",
    "ksr": "kaiser", "gauss": "gaussian", "gss": "gaussian", "poisson": "exponential",
    "general hamming": "general_hamming", "general gaussian": "general_gaussian",
}  # fmt: skip


def get_window(window, Nx, fftbins=True):
    """A window of Nx points, as scipy.signal.get_window: ``window`` is a name ('hann'), a
    tuple of a name and its parameters (('kaiser', 8.0)) or a float (a Kaiser beta). With
    fftbins (the default) it is periodic, for spectral analysis; else symmetric. Windows not
    built in here come from SciPy when it is installed. A float64 array (it is computed on the
    host, as it depends only on its static arguments)."""
    if not (isinstance(Nx, (int, onp.integer)) and Nx > 0):
        raise ValueError(f"get_window: Nx must be a positive integer, got {Nx!r}")
    if not isinstance(window, (str, tuple)):
        try:
            window = ("kaiser", float(window))
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"get_window: window must be a str, a tuple or a float, got {window!r}"
            ) from err
    name, args = (window, ()) if isinstance(window, str) else (window[0], tuple(window[1:]))
    if not isinstance(name, str):
        raise ValueError(f"get_window: the first entry of window={window!r} is not a str")
    sym = not fftbins
    if name.endswith("_symmetric"):
        sym, name = True, name[: -len("_symmetric")]
    elif name.endswith("_periodic"):
        sym, name = False, name[: -len("_periodic")]
    name = _ALIASES.get(name, name)
    if name not in _WINDOWS:
        try:
            from scipy.signal import get_window as scipy_get_window

            return jnp.asarray(onp.asarray(scipy_get_window(window, Nx, fftbins), onp.float64))
        except ImportError as err:
            raise ValueError(f"get_window: unknown window {name!r} (and no SciPy)") from err
        except ValueError as err:
            raise ValueError(f"get_window: {err}") from err
    func, nargs = _WINDOWS[name]
    if (nargs == 0 and args) or (nargs > 0 and not args):
        need = "does not allow" if nargs == 0 else "must have"
        raise ValueError(f"get_window: '{name}' {need} parameters, but window={window!r}")
    if Nx == 1:
        return jnp.ones(1, onp.float64)
    # A periodic window is the symmetric one a point longer, less its last point.
    w = onp.asarray(func(Nx + (not sym), *args), onp.float64)
    return jnp.asarray(w[:Nx])


def _hann(n, dtype):
    # Built as JAX builds its default window (not through the cosine sum), for the same bits.
    w = onp.ones(1) if n == 1 else onp.sin(onp.linspace(0, onp.pi, n, endpoint=False)) ** 2
    return jnp.asarray(w).astype(dtype)


def triage_segments(name, window, nperseg, length, dtype):
    """(window array, segment length) from the window and nperseg arguments."""
    if isinstance(window, (str, tuple)):
        nperseg = length if nperseg is None else int(nperseg)
        if nperseg > length:
            warnings.warn(
                f"nperseg={nperseg} is greater than input_length={length}, using nperseg={length}",
                stacklevel=4,
            )
            nperseg = length
        if isinstance(window, str) and window == "hann":
            return _hann(nperseg, dtype), nperseg
        return get_window(window, nperseg).astype(dtype), nperseg
    win = jnp.asarray(window).astype(dtype)
    nperseg = win.size if nperseg is None else int(nperseg)
    if win.ndim != 1:
        raise ValueError(f"{name}: window must be 1-D")
    if length < win.size:
        raise ValueError(f"{name}: window is longer than input signal")
    if nperseg != win.size:
        raise ValueError(f"{name}: value specified for nperseg is different from length of window")
    return win, nperseg


def istft_window(window, nperseg, dtype):
    if isinstance(window, str) and window == "hann":
        return _hann(nperseg, dtype)
    if isinstance(window, (str, tuple)):
        return get_window(window, nperseg).astype(dtype)
    win = jnp.asarray(window).astype(dtype)
    if win.ndim != 1:
        raise ValueError("istft: window must be 1-D")
    if win.shape[0] != nperseg:
        raise ValueError(f"istft: window must have length of {nperseg}")
    return win
