"""jax.scipy.linalg's special matrices (circulant, companion, convolution_matrix, dft, fiedler,
fiedler_companion, hadamard, hankel, helmert, hilbert, invhilbert, invpascal, leslie, pascal)
and the polar decomposition; re-exported by arrax.scipy.linalg.

The constructors from a vector batch over its leading dimensions as JAX's do (SciPy's take
one vector), and keep JAX's dtypes: the input's, or floating point where the entries are
fractions (companion, fiedler_companion); ``pascal`` is float32 as in JAX. The ones of an order
``n`` alone (a Python int, known when the function is called) are computed exactly in integer
arithmetic, then rounded once: JAX's binomials through exp(lgamma) are off by rounding
(invhilbert(8) by about 1e-15 relative), SciPy's exact ones are not.
"""

import math
import operator

import numpy as onp

import arrax.numpy as np
from arrax.numpy import linalg as _la

__all__ = [
    "circulant", "companion", "convolution_matrix", "dft", "fiedler", "fiedler_companion",
    "hadamard", "hankel", "helmert", "hilbert", "invhilbert", "invpascal", "leslie", "pascal",
    "polar",
]  # fmt: skip


def _vector(name, a, what="a"):
    a = np.asarray(a)
    if a.ndim == 0:
        raise ValueError(f"{name}: {what} must be at least 1-dimensional, got a scalar.")
    return a


def _inexact(a):
    """a in floating point (integers and bools as float64, as JAX's x64 promotion)."""
    return a if np.issubdtype(a.dtype, np.inexact) else a.astype(np.float64)


def _order(name, n):
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"{name}: n must be an integer, got {n!r}") from None
    if n < 0:
        raise ValueError(f"{name}: n must be non-negative, got {n}")
    return n


def _broadcast_batch(*vs):
    """Vectors (..., k_i) broadcast over their leading dimensions."""
    batch = np.broadcast_shapes(*(v.shape[:-1] for v in vs))
    return [np.broadcast_to(v, batch + v.shape[-1:]) for v in vs]


# --- from vectors ----------------------------------------------------------------------


def hankel(c, r=None):
    """The Hankel matrix with first column c and last row r (r[0] ignored; zeros when r is
    omitted): H[i, j] = concatenate([c, r[1:]])[i + j]. Shape (..., len(c), len(r))."""
    c = _vector("hankel", c, "c")
    r = np.zeros_like(c) if r is None else _vector("hankel", r, "r")
    dt = np.result_type(c, r)
    c, r = _broadcast_batch(c.astype(dt), r.astype(dt))
    n, m = c.shape[-1], r.shape[-1]
    vals = np.concatenate([c, r[..., 1:]], axis=-1)
    if n == 0 or m == 0:
        return np.zeros(c.shape[:-1] + (n, m), dt)
    idx = np.arange(n)[:, None] + np.arange(m)[None, :]
    return np.take(vals, idx, axis=-1)


def circulant(c):
    """The circulant matrix with first column c: A[i, j] = c[(i - j) mod n]."""
    c = np.atleast_1d(np.asarray(c))
    n = c.shape[-1]
    idx = (np.arange(n)[:, None] - np.arange(n)[None, :]) % max(n, 1)
    return np.take(c, idx, axis=-1)


def leslie(f, s):
    """The Leslie matrix: fecundities f (..., n) in the first row, survival rates s (..., n-1)
    on the first subdiagonal."""
    f, s = np.atleast_1d(np.asarray(f)), np.atleast_1d(np.asarray(s))
    if f.shape[-1] < 2:
        raise ValueError(
            f"leslie: the length of f along the last axis must be at least 2; got shape {f.shape}."
        )
    if s.shape[-1] != f.shape[-1] - 1:
        raise ValueError(
            "leslie: the length of s along the last axis must be one less than the length of "
            f"f; got f shape {f.shape} and s shape {s.shape}."
        )
    dt = np.result_type(f, s)
    f, s = _broadcast_batch(f.astype(dt), s.astype(dt))
    n = f.shape[-1]
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    s_cols = np.pad(s, [(0, 0)] * (s.ndim - 1) + [(0, 1)])[..., None, :]  # s[j] in column j
    out = np.where(i == j + 1, s_cols, np.zeros((), dt))
    return np.where(i == 0, f[..., None, :], out)


def companion(a):
    """The companion matrix of the polynomial a[0] x^(n-1) + ... + a[n-1]: first row
    -a[1:] / a[0], ones on the first subdiagonal. No check that a[0] != 0 (inf/nan then), as
    JAX's."""
    a = _inexact(np.atleast_1d(np.asarray(a)))
    if a.shape[-1] < 2:
        raise ValueError(
            f"companion: the length of `a` along the last axis must be at least 2; got shape "
            f"{a.shape}."
        )
    m = a.shape[-1] - 1
    first = -a[..., 1:] / a[..., :1]
    below = np.eye(m, m, k=-1, dtype=a.dtype)
    return np.where(np.arange(m)[:, None] == 0, first[..., None, :], below)


def fiedler(a):
    """The symmetric Fiedler matrix |a[i] - a[j]|."""
    a = np.atleast_1d(np.asarray(a))
    return np.abs(a[..., :, None] - a[..., None, :])


def fiedler_companion(a):
    """The Fiedler companion matrix of the polynomial a (highest degree first): pentadiagonal,
    with the polynomial's roots as eigenvalues. Shape (..., n-1, n-1) for a (..., n)."""
    a = _inexact(np.atleast_1d(np.asarray(a)))
    if a.shape[-1] == 0:
        raise ValueError(
            "fiedler_companion: requires the last axis of 'a' to have nonzero length, but got an "
            f"array of shape {a.shape}."
        )
    n = a.shape[-1] - 1
    if n == 0:
        return np.zeros(a.shape[:-1] + (0, 0), a.dtype)
    c = a / a[..., :1]  # monic: c[0] = 1
    if n == 1:
        return -c[..., 1:, None]
    # Row i (0-based) of the product of Fiedler's elementary factors: the coefficient -c[k]
    # sits at (0, 0) for k = 1 and at the super/subdiagonal of the even rows for the others;
    # the ones at (1, 0), two to the right of each even row and two to the left of each odd
    # row from row 3 on.
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    even = i % 2 == 0
    coef = -np.take(c, np.minimum(np.maximum(i, j) + 1, n), axis=-1)  # -c[max(i, j) + 1]
    is_coef = ((i == 0) & (j == 0)) | (even & ((j == i + 1) | ((j == i - 1) & (i >= 2))))
    is_one = ((i == 1) & (j == 0)) | (even & (j == i + 2)) | (~even & (j == i - 2) & (i >= 3))
    zero = np.zeros((), a.dtype)
    return np.where(is_coef, coef, np.where(is_one, np.ones((), a.dtype), zero))


def convolution_matrix(a, n, mode="full"):
    """A with A @ v == numpy.convolve(a, v, mode) for v of length n: rows m + n - 1 ('full'),
    max(m, n) ('same') or max(m, n) - min(m, n) + 1 ('valid'), for a of length m."""
    n = operator.index(n)
    if n <= 0:
        raise ValueError(f"convolution_matrix: n must be a positive integer; got {n}.")
    a = _vector("convolution_matrix", a)
    m = a.shape[-1]
    if m < 1:
        raise ValueError(f"convolution_matrix: len(a) must be at least 1; got shape {a.shape}.")
    if mode not in ("full", "valid", "same"):
        raise ValueError(
            f"convolution_matrix: mode must be one of 'full', 'valid', 'same'; got {mode!r}."
        )
    full = m + n - 1
    if mode == "full":
        start, rows = 0, full
    elif mode == "same":  # the centre of the full result, as numpy.convolve's
        start = (min(m, n) - 1) // 2
        rows = max(m, n)
    else:
        start = min(m, n) - 1
        rows = full - 2 * start
    k = np.arange(rows)[:, None] + start - np.arange(n)[None, :]  # a's index in A[i, j]
    inside = (k >= 0) & (k < m)
    vals = np.take(a, np.clip(k, 0, m - 1), axis=-1)
    return np.where(inside, vals, np.zeros((), a.dtype))


# --- from an order n -------------------------------------------------------------------


def hilbert(n):
    """The Hilbert matrix 1 / (i + j + 1), float64."""
    n = _order("hilbert", n)
    i = np.arange(n, dtype=np.float64)
    return 1.0 / (i[:, None] + i[None, :] + 1.0)


def _exact(rows, dtype):
    """An arrax array of the Python integers rows (lists), rounded once to dtype."""
    n = len(rows)
    out = onp.array([[float(v) for v in row] for row in rows], dtype=onp.float64)
    return np.asarray(out.reshape(n, n), dtype=dtype)


def invhilbert(n):
    """The inverse of the order-n Hilbert matrix, from its closed form in exact integers
    (float64; entries overflow float64 from about n = 14 on, as in SciPy and JAX)."""
    n = _order("invhilbert", n)
    comb = math.comb

    def entry(i, j):
        s = i + j
        return (
            (-1) ** s * (s + 1) * comb(n + i, n - j - 1) * comb(n + j, n - i - 1) * comb(s, i) ** 2
        )

    return _exact([[entry(i, j) for j in range(n)] for i in range(n)], np.float64)


def _pascal_kind(name, kind):
    kind = "symmetric" if kind is None else kind
    if kind not in ("symmetric", "lower", "upper"):
        raise ValueError(
            f"{name}: expected kind to be one of: ['symmetric', 'lower', 'upper']; got {kind}"
        )
    return kind


def pascal(n, kind=None):
    """The Pascal matrix: binomial coefficients C(i + j, i) ('symmetric', the default), or its
    Cholesky factor C(i, j) ('lower') or that transposed ('upper'). float32, as JAX's."""
    kind = _pascal_kind("pascal", kind)
    n = _order("pascal", n)
    if kind == "symmetric":
        rows = [[math.comb(i + j, i) for j in range(n)] for i in range(n)]
    else:
        rows = [[math.comb(i, j) for j in range(n)] for i in range(n)]
        if kind == "upper":
            rows = [list(col) for col in zip(*rows)]
    return _exact(rows, np.float32)


def invpascal(n, kind=None):
    """The inverse of pascal(n, kind): (-1)^(i - j) C(i, j) for 'lower', its transpose for
    'upper', U^-1 L^-1 for 'symmetric'. float64."""
    kind = _pascal_kind("invpascal", kind)
    n = _order("invpascal", n)
    low = [[(-1) ** (i - j) * math.comb(i, j) for j in range(n)] for i in range(n)]
    if kind == "lower":
        rows = low
    elif kind == "upper":
        rows = [list(col) for col in zip(*low)]
    else:  # (L^-1)^T L^-1, summed exactly
        rows = [[sum(low[k][i] * low[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
    return _exact(rows, np.float64)


def helmert(n, full=False):
    """The Helmert matrix: row k - 1 (k = 1 .. n - 1) is (1, ..., 1, -k, 0, ...) / sqrt(k (k+1))
    with k ones; ``full`` prepends the row 1 / sqrt(n). Shape (n - 1, n) or (n, n), float64."""
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"helmert: n must be a positive integer; got {n}.")
    i = np.arange(n - 1)[:, None]
    j = np.arange(n)[None, :]
    k = (i + 1).astype(np.float64)
    scale = np.sqrt(k * (k + 1.0))
    h = np.where(j <= i, 1.0 / scale, np.where(j == i + 1, -k / scale, 0.0))
    if full:
        h = np.concatenate([np.full((1, n), 1.0 / math.sqrt(n)), h], axis=0)
    return h


def hadamard(n, dtype=int):
    """The Sylvester-Hadamard matrix of order n (a power of 2): H[i, j] = (-1)^popcount(i & j),
    so H H^T = n I."""
    n = operator.index(n)
    if n < 1 or n & (n - 1):
        raise ValueError(f"hadamard: n must be a positive power of 2; got {n}.")
    i = onp.arange(n)
    bits = onp.bitwise_and(i[:, None], i[None, :])
    parity = onp.zeros((n, n), dtype=onp.int64)
    while bits.any():
        parity ^= bits & 1
        bits = bits >> 1
    return np.asarray(1 - 2 * parity).astype(np.dtype(dtype))


def dft(n, scale=None, *, dtype=None):
    """The DFT matrix W[i, j] = exp(-2 pi i (i j) / n), unscaled (``scale`` None), divided by
    sqrt(n) ('sqrtn': unitary) or by n ('n'). The exponent is reduced mod n in integers first,
    so large orders lose no accuracy. Complex128 unless ``dtype`` (a complex type) says."""
    if scale is not None and scale not in ("sqrtn", "n"):
        raise ValueError(f"dft: scale must be None, 'sqrtn', or 'n'; got {scale!r}.")
    n = _order("dft", n)
    dtype = np.dtype(np.complex128 if dtype is None else dtype)
    if not np.issubdtype(dtype, np.complexfloating):
        raise ValueError(f"dft: dtype must be a complex floating-point type; got {dtype}.")
    i = np.arange(n)
    k = (i[:, None] * i[None, :]) % max(n, 1)
    w = np.exp((-2j * math.pi / max(n, 1)) * k.astype(np.float64))
    if scale == "sqrtn":
        w = w / math.sqrt(n)
    elif scale == "n":
        w = w / n
    return w.astype(dtype)


# --- polar -----------------------------------------------------------------------------


def polar(a, side="right", *, method="svd", eps=None, max_iterations=None):
    """The polar decomposition (u, p): a = u p ('right') or a = p u ('left'), with u having
    orthonormal columns (rows when n > m) and p Hermitian positive semidefinite (n x n or
    m x m), for a (..., m, n). From the SVD a = U S V^H: u = U V^H, p = V S V^H or U S U^H.
    method 'qdwh' (JAX's default) iterates lax.linalg.qdwh to the same factors, for m >= n
    with side 'right' or m < n with side 'left' (JAX's NotImplementedError otherwise); eps
    is qdwh's (JAX ignores max_iterations, and 'svd' ignores both)."""
    a = np.asarray(a)
    if a.ndim < 2:
        raise ValueError("polar: the input `a` must be at least a 2-D array.")
    if side not in ("right", "left"):
        raise ValueError("polar: the argument `side` must be either 'right' or 'left'.")
    if method == "qdwh":
        return _polar_qdwh(_inexact(a), side, eps)
    if method != "svd":
        raise ValueError(f"polar: unknown polar decomposition method {method}.")
    a = _inexact(a)
    u, s, vh = _la.svd(a, full_matrices=False)
    s = s.astype(u.dtype)
    unitary = u @ vh
    if side == "right":
        posdef = (np.conj(np.swapaxes(vh, -1, -2)) * s[..., None, :]) @ vh
    else:
        posdef = (u * s[..., None, :]) @ np.conj(np.swapaxes(u, -1, -2))
    return unitary, posdef


def _polar_qdwh(a, side, eps):
    import arrax
    from arrax.lax import linalg as lax_linalg

    m, n = a.shape[-2:]
    if not ((m >= n and side == "right") or (m < n and side == "left")):
        raise NotImplementedError(
            "polar: method='qdwh' only supports mxn matrices where m < n where side='right' "
            f"and m >= n side='left', got {a.shape[-2:]} with side={side!r}"
        )

    def one(x):
        if side == "left":  # a = p u: the right factors of a^H, conjugate-transposed
            u, p, _, _ = lax_linalg.qdwh(np.conj(x.T), is_hermitian=False, eps=eps)
            return np.conj(u.T), np.conj(p.T)
        u, p, _, _ = lax_linalg.qdwh(x, is_hermitian=False, eps=eps)
        return u, p

    if a.ndim == 2:
        return one(a)
    batch = a.shape[:-2]
    u, p = arrax.vmap(one)(a.reshape((-1,) + a.shape[-2:]))
    return u.reshape(batch + u.shape[1:]), p.reshape(batch + p.shape[1:])
