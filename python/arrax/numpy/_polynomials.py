"""NumPy's legacy polynomial functions on coefficient arrays, highest power first. Sums,
products, derivatives and integrals compose arrax ops (so they trace and differentiate); poly
(from roots) and polydiv, whose results depend on the values (eigenvalues, the remainder's
trailing zeros trimmed), run on concrete arrays, as do roots and polyfit (traced: in arrax ops)."""

import functools

import numpy as onp

from arrax import _core
from arrax.numpy._common import _arr, _np, from_numpy, host_arrays

__all__ = [
    "poly",
    "poly1d",
    "polyadd",
    "polysub",
    "polymul",
    "polyder",
    "polyint",
    "polydiv",
    "polyval",
    "polyfit",
    "roots",
]


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
def polymul(a1, a2, *, trim_leading_zeros=False):
    """numpy.polymul: the coefficients' convolution. trim_leading_zeros (JAX's keyword): the
    operands' leading zeros dropped first, as NumPy's poly1d does (concrete operands only)."""
    a, b = _coeffs(a1), _coeffs(a2)
    # (no coefficients: the zero polynomial, [0], as NumPy's poly1d([]) reads them)
    a, b = (_np().zeros(1, x.dtype) if x.shape[0] == 0 else x for x in (a, b))
    if trim_leading_zeros and (a.shape[0] > 1 or b.shape[0] > 1):
        dt = _np().result_type(a, b)
        a, b = (_trim_leading(x.astype(dt), "polymul", 0) for x in (a, b))
        if a.shape[0] == 0:
            a = _np().zeros(1, b.dtype)
        if b.shape[0] == 0:
            b = _np().zeros(1, a.dtype)
    return _np().convolve(a, b)


def _trim_leading(x, name, tol):
    """x without its leading entries of magnitude <= tol (< tol for tol > 0, as JAX's
    trim_zeros_tol), which must be concrete."""
    (h,) = host_arrays(name, x)
    small = onp.abs(h) < tol if tol else h == 0
    start = int(onp.argmin(small)) if not small.all() else h.shape[0]
    return x[start:]


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
    z = _arr(seq_of_zeros)
    if z.ndim == 0:  # one root (NumPy's dispatcher fails on a scalar; JAX's takes it)
        z = z.reshape(1)
    if not z._is_tracer:
        (z,) = host_arrays("poly", z)
        return from_numpy(onp.poly(z))
    # Traced (jit, vmap, derivatives): jax.numpy.poly's product of (x - r) factors, without
    # NumPy's check that complex roots pair into real coefficients (it needs the values).
    np = _np()
    if z.ndim == 2 and z.shape[0] == z.shape[1] and z.shape[0]:
        z = np.linalg.eigvals(z)
    elif z.ndim != 1:
        raise ValueError("poly: input must be 1d or non-empty square 2d array.")
    # NumPy's result dtype for these roots' dtype (complex stays complex: whether the roots
    # pair into real coefficients depends on their values).
    dt = z.dtype if z.dtype.kind == "c" else onp.poly(onp.ones(1, z.dtype)).dtype
    z = z.astype(dt)
    c = np.ones(1, z.dtype)
    for i in range(z.shape[0]):
        c = np.convolve(c, np.stack([np.ones((), z.dtype), -z[i]]))
    return c


@_poly1d_in_poly1d_out
def polydiv(u, v, *, trim_leading_zeros=None):
    """numpy.polydiv: quotient and remainder (on concrete arrays). With JAX's keyword
    trim_leading_zeros, jax.numpy.polydiv's: the division step by step in arrax ops (it traces),
    the remainder as long as u (False) or with its leading near-zeros (below the square root of
    the dtype's eps) dropped (True, concrete only)."""
    if trim_leading_zeros is None:
        a, b = host_arrays("polydiv", u, v)
        return from_numpy(onp.polydiv(a, b))
    np = _np()
    u, v = _coeffs(u), _coeffs(v)
    dt = np.result_type(u, v, 1.0)  # (inexact, as JAX's)
    u, v = u.astype(dt), v.astype(dt)
    m, n = u.shape[0] - 1, v.shape[0] - 1
    scale = 1.0 / v[0]
    q = np.zeros(max(m - n + 1, 1), dt)
    for k in range(m - n + 1):
        d = scale * u[k]
        q = q.at[k].set(d)
        u = u.at[k : k + n + 1].add(-d * v)
    if trim_leading_zeros:
        u = _trim_leading(u, "polydiv", float(onp.sqrt(np.finfo(dt).eps)))
    return q, u


def polyval(p, x, *, unroll=16):
    """numpy.polyval (Horner; jax.numpy's unroll= is a compilation hint, taken and unused)."""
    np = _np()
    p, x = _arr(p), _arr(x)
    y = np.zeros_like(x, dtype=np.result_type(p, x))
    for i in range(p.shape[0]):
        y = y * x + p[i]
    return y


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """numpy.polyfit: NumPy's on concrete arrays. Traced (jit, grad, vmap), JAX's algorithm in
    arrax ops, in NumPy's float64 (complex128 for complex data): least squares on the scaled
    Vandermonde matrix (lstsq with rcond), full= giving (coefficients, squared residuals of
    every column, rank, singular values, rcond) and cov= the covariance matrices."""
    xa, ya = _arr(x), _arr(y)
    wa = None if w is None else _arr(w)
    if not (xa._is_tracer or ya._is_tracer or (wa is not None and wa._is_tracer)):
        a, b = host_arrays("polyfit", xa, ya)
        wn = None if wa is None else host_arrays("polyfit", wa)[0]
        return from_numpy(onp.polyfit(a, b, deg, rcond, full, wn, cov))
    return _polyfit_traced(xa, ya, deg, rcond, full, wa, cov)


def _polyfit_traced(x, y, deg, rcond, full, w, cov):
    np = _np()
    deg = int(deg)
    order = deg + 1
    if deg < 0:
        raise ValueError("polyfit: expected deg >= 0")
    if x.ndim != 1:
        raise TypeError("polyfit: expected 1D vector for x")
    if x.shape[0] == 0:
        raise TypeError("polyfit: expected non-empty vector for x")
    if y.ndim < 1 or y.ndim > 2:
        raise TypeError("polyfit: expected 1D or 2D array for y")
    if x.shape[0] != y.shape[0]:
        raise TypeError("polyfit: expected x and y to have same length")
    dt = onp.result_type(x.dtype, y.dtype, onp.float64)
    x, y = x.astype(dt), y.astype(dt)
    if rcond is None:
        rcond = x.shape[0] * float(onp.finfo(dt).eps)
    lhs, rhs = np.vander(x, order), y
    if w is not None:
        w = w.astype(onp.result_type(w.dtype, onp.float64))
        if w.ndim != 1:
            raise TypeError("polyfit: expected a 1-d array for weights")
        if w.shape[0] != y.shape[0]:
            raise TypeError("polyfit: expected w and y to have the same length")
        lhs = lhs * w[:, None]
        rhs = rhs * (w if rhs.ndim == 1 else w[:, None])
    # (the columns scaled for the condition number, as NumPy's: lhs * lhs, also for complex x)
    scale = np.sqrt(np.sum(lhs * lhs, axis=0))
    lhs = lhs / scale
    c, resids, rank, s = np.linalg.lstsq(lhs, rhs, rcond)
    c = (c.T / scale).T
    if full:
        # (the rank as NumPy's polyfit gives it: LAPACK's int32; rcond as given)
        return c, resids, rank.astype(onp.int32), s, np.asarray(rcond)
    if not cov:
        return c
    vbase = np.linalg.inv(lhs.T @ lhs) / np.outer(scale, scale)
    if cov == "unscaled":
        fac = 1
    else:
        if x.shape[0] <= order:
            raise ValueError(
                "polyfit: the number of data points must exceed order to scale the covariance "
                "matrix"
            )
        fac = resids / (x.shape[0] - order)
    return c, (vbase * fac if y.ndim == 1 else vbase[:, :, None] * fac)


def _roots_fixed_length(p):
    """roots(p, strip_zeros=False) in arrax ops, so it traces (as jax.numpy.roots does): the
    eigenvalues of the companion matrix of p's part between its leading and trailing zeros,
    embedded in a matrix of size len(p) - 1 whose other rows and columns are zero (exact zero
    roots, sorted last, as NumPy's for trailing zeros); one root per leading zero made NaN."""
    np = _np()
    p = _arr(p)
    p = p.reshape(1) if p.ndim == 0 else p
    if p.ndim != 1:
        raise ValueError("roots: input must be a rank-1 array")
    if p.dtype.kind in "fc" and p.dtype.itemsize >= 4:
        dt = p.dtype
    else:
        dt = onp.dtype(onp.float32 if p.dtype == onp.float16 else onp.float64)
    cdt = onp.result_type(dt, onp.complex64)
    n = p.shape[0]
    if n < 2:
        return np.zeros(0, cdt)
    p = p.astype(dt)
    zero = p == 0
    allzero = np.all(zero)
    # the numbers of leading and trailing zeros (n and 0 when all are zero: every root is NaN)
    lead = np.where(allzero, n, np.argmin(zero))
    trail = np.where(allzero, 0, np.argmin(zero[::-1]))
    m = n - lead - trail  # the length of the part between them
    p = p[(np.arange(n) + lead) % n]  # that part first, zeros after it
    p = np.where(allzero, np.ones((), dt), p)
    idx = np.arange(n - 1)
    a = np.where(idx[:, None] == idx[None, :] + 1, (idx < m - 1)[:, None], False).astype(dt)
    a = a.at[0, :].set(-p[1:] / p[0])
    r = np.linalg.eigvals(a).astype(cdt)
    r = r[np.argsort(r == 0, stable=True)]  # the zero roots last
    nan = np.asarray(complex(onp.nan, onp.nan), cdt)
    return np.where(idx < n - 1 - lead, r, nan)


def roots(p, *, strip_zeros=True):
    """numpy.roots (eigenvalues of the companion matrix; needs concrete coefficients).
    strip_zeros=False (JAX's keyword) keeps the result's length fixed at ``len(p) - 1``: each
    leading zero coefficient gives a NaN root, after the others; so it traces under jit/vmap
    (complex roots then, as jax.numpy.roots)."""
    if not strip_zeros and _arr(p)._is_tracer:
        return _roots_fixed_length(p)
    p = onp.asarray(p)
    r = onp.roots(p)
    if not strip_zeros and p.ndim == 1 and r.shape[0] < p.shape[0] - 1:
        nan = onp.full(p.shape[0] - 1 - r.shape[0], onp.nan, r.dtype)
        if r.dtype.kind == "c":
            nan = nan + 1j * onp.nan
        r = onp.concatenate([r, nan])
    return _core.asarray(r, None, None)


poly1d = onp.poly1d
