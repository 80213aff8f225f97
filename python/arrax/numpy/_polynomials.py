"""NumPy's legacy polynomial functions on coefficient arrays, highest power first. Sums,
products, derivatives and integrals compose arrax ops (so they trace and differentiate); poly
(from roots) and polydiv, whose results depend on the values (eigenvalues, the remainder's
trailing zeros trimmed), run on concrete arrays. polyval, polyfit and roots are in _math.py."""

import functools

import numpy as onp

from arrax.numpy._common import _arr, _np, from_numpy, host_arrays

__all__ = ["poly", "polyadd", "polysub", "polymul", "polyder", "polyint", "polydiv"]


def _poly1d_in_poly1d_out(fn):
    """As NumPy: a result of poly1d objects where an argument is one (poly1d is NumPy's class,
    re-exported; its coefficients are concrete)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        r = fn(*args, **kwargs)
        if not any(isinstance(a, onp.poly1d) for a in args):
            return r
        if isinstance(r, tuple):
            return tuple(onp.poly1d(onp.asarray(x)) for x in r)
        return onp.poly1d(onp.asarray(r))

    return wrapper


def _coeffs(p):
    p = _arr(p)
    return p.reshape(1) if p.ndim == 0 else p


def _aligned(a1, a2):
    """The two coefficient vectors padded with leading zeros to one length."""
    np = _np()
    a, b = _coeffs(a1), _coeffs(a2)
    d = a.shape[0] - b.shape[0]
    if d > 0:
        b = np.concatenate([np.zeros(d, b.dtype), b])
    elif d < 0:
        a = np.concatenate([np.zeros(-d, a.dtype), a])
    return a, b


@_poly1d_in_poly1d_out
def polyadd(a1, a2):
    """numpy.polyadd."""
    a, b = _aligned(a1, a2)
    return a + b


@_poly1d_in_poly1d_out
def polysub(a1, a2):
    """numpy.polysub."""
    a, b = _aligned(a1, a2)
    return a - b


@_poly1d_in_poly1d_out
def polymul(a1, a2):
    """numpy.polymul: the coefficients' convolution."""
    return _np().convolve(_coeffs(a1), _coeffs(a2))


@_poly1d_in_poly1d_out
def polyder(p, m=1):
    """numpy.polyder: the m-th derivative."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    np = _np()
    y = _coeffs(p)
    for _ in range(min(m, y.shape[0] + 1)):  # (past that the result stays empty)
        n = y.shape[0] - 1
        y = y[:-1] * np.arange(n, 0, -1)
    return y


@_poly1d_in_poly1d_out
def polyint(p, m=1, k=None):
    """numpy.polyint: the m-th antiderivative, integration constants k (last one first)."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    np = _np()
    if k is None:
        k = onp.zeros(m, float)
    k = onp.atleast_1d(k)
    if len(k) == 1 and m > 1:
        k = k[0] * onp.ones(m, float)
    if len(k) < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    y = _coeffs(p)
    for i in range(m):
        y = np.concatenate([y / np.arange(y.shape[0], 0, -1), np.asarray([k[i]])])
    return y


def poly(seq_of_zeros):
    """numpy.poly: the coefficients of the polynomial with these roots (or of a square
    matrix's characteristic polynomial)."""
    (z,) = host_arrays("poly", seq_of_zeros)
    return from_numpy(onp.poly(z))


@_poly1d_in_poly1d_out
def polydiv(u, v):
    """numpy.polydiv: quotient and remainder."""
    a, b = host_arrays("polydiv", u, v)
    return from_numpy(onp.polydiv(a, b))
