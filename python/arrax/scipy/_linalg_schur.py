"""jax.scipy.linalg's Schur family: schur, rsf2csf, sqrtm, funm, hessenberg and expm_frechet;
re-exported by arrax.scipy.linalg.

schur and hessenberg are the linalg_schur / linalg_hessenberg primitives
(cpp/primitives/linalg_schur.cpp, Eigen). sqrtm and funm follow JAX: the complex Schur form,
then a recurrence on the triangular factor. Each recurrence is written one superdiagonal at a
time (every entry of a superdiagonal depends only on the ones nearer the diagonal), so it is n
vectorized steps over a batch of matrices instead of n^2 / 2 scalar updates, and it traces
under jit for the concrete n. As in JAX, schur, hessenberg, sqrtm and funm have no derivative;
rsf2csf and expm_frechet (composed of differentiable operations) have one.
"""

import numpy as onp

import arrax.numpy as np
from arrax.lax import _ops as _lax

__all__ = ["schur", "rsf2csf", "sqrtm", "funm", "hessenberg", "expm_frechet"]


def _inexact(*xs):
    """The operands in one dtype the decompositions take: float32, float64 or complex
    (integers and bools become float64, as in SciPy; half precisions float32)."""
    xs = [np.asarray(x) for x in xs]
    dt = np.result_type(*xs)
    if dt.kind not in "fc" or dt.itemsize < 4:
        dt = np.dtype(np.float32) if dt.kind in "fV" else np.dtype(np.float64)
    return [x.astype(dt) for x in xs]


def _square(name, a, what="a"):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(
            f"{name}: expected {what} to be a square matrix (or a stack of them), got shape "
            f"{a.shape}"
        )


def _complex_dtype(dt):
    return np.result_type(dt, np.complex64)


def _H(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _superdiag(x, d):
    return np.diagonal(x, offset=d, axis1=-2, axis2=-1)


def _with_superdiag(u, vals, d):
    """u plus the (..., n - d) values placed on its d-th superdiagonal (zero there before)."""
    n = u.shape[-1]
    pad = np.zeros(vals.shape[:-1] + (d,), vals.dtype)
    row = np.concatenate([vals, pad], axis=-1)
    return u + row[..., :, None] * np.asarray(onp.eye(n, k=d), u.dtype)


# ---- schur, rsf2csf ------------------------------------------------------------------------


def schur(a, output="real"):
    """(T, Z) with a = Z T Z^H, Z unitary; T is upper triangular for output="complex" and
    quasi-upper-triangular for "real" (2 x 2 diagonal blocks for complex eigenvalue pairs of
    a real a). Batched over leading dimensions. The Schur form is not unique: the order of the
    eigenvalues along T's diagonal (and each Schur vector's phase) may differ from SciPy's
    LAPACK, and the 2 x 2 blocks are not standardized (equal diagonal entries) as LAPACK's."""
    if output not in ("real", "complex"):
        raise ValueError(f"schur: output must be 'real' or 'complex', got {output!r}")
    (a,) = _inexact(a)
    _square("schur", a)
    if output == "complex":
        a = a.astype(_complex_dtype(a.dtype))
    t, z = _lax.bind("linalg_schur", a)
    return t, z


def rsf2csf(T, Z, check_finite=True):
    """The complex Schur form (T, Z) of a real one: each 2 x 2 diagonal block of T is
    triangularized by a Givens rotation (the one SciPy's rsf2csf uses), applied to Z too.
    Batch dimensions of T and Z broadcast together."""
    T, Z = _inexact(T, Z)
    if T.ndim < 2 or T.shape[-1] != T.shape[-2]:
        raise ValueError("rsf2csf: Input 'T' must be square.")
    if Z.ndim < 2 or Z.shape[-1] != Z.shape[-2]:
        raise ValueError("rsf2csf: Input 'Z' must be square.")
    if T.shape[-1] != Z.shape[-1]:
        raise ValueError(f"rsf2csf: Input array shapes must match: Z: {Z.shape} vs. T: {T.shape}")
    ct = _complex_dtype(T.dtype)
    batch = np.broadcast_shapes(T.shape[:-2], Z.shape[:-2])
    n = T.shape[-1]
    T = np.broadcast_to(T.astype(ct), batch + (n, n))
    Z = np.broadcast_to(Z.astype(ct), batch + (n, n))
    eps = onp.finfo(ct).eps
    rows, cols = onp.arange(n)[:, None], onp.arange(n)[None, :]
    for m in range(n - 1, 0, -1):
        p, q = T[..., m - 1, m - 1], T[..., m - 1, m]
        u, w = T[..., m, m - 1], T[..., m, m]
        rotate = np.abs(u) > eps * (np.abs(p) + np.abs(w))
        # mu: the block's eigenvalue (p + w) / 2 + sqrt(((p - w) / 2)^2 + q u), less w
        half = (p - w) / 2
        mu = half + np.sqrt(half * half + q * u)
        r = np.sqrt(np.abs(mu) ** 2 + np.abs(u) ** 2)
        r = np.where(rotate, r, 1.0)  # (r is 0 only for blocks left alone: no 0/0 anywhere)
        c = np.where(rotate, mu / r, 1.0).astype(ct)
        s = np.where(rotate, u / r, 0.0).astype(ct)
        # G = [[conj(c), s], [-s, c]] embedded at rows/columns m-1, m of the identity
        g = np.asarray(onp.eye(n), ct)
        for (i, j), v in (((m - 1, m - 1), np.conj(c) - 1), ((m - 1, m), s), ((m, m - 1), -s),
                          ((m, m), c - 1)):  # fmt: skip
            g = g + np.asarray((rows == i) & (cols == j), ct) * v[..., None, None]
        # as SciPy: rows m-1, m from column m-1 on; columns m-1, m down to row m
        col_from = cols >= m - 1
        T = np.where((rows >= m - 1) & (rows <= m) & col_from, g @ np.where(col_from, T, 0), T)
        row_to = rows <= m
        T = np.where((cols >= m - 1) & (cols <= m) & row_to, np.where(row_to, T, 0) @ _H(g), T)
        Z = Z @ _H(g)
        T = np.where((rows == m) & (cols == m - 1), 0, T)
    return T, Z


# ---- sqrtm, funm ---------------------------------------------------------------------------


def _sqrtm_triu(t):
    """The upper-triangular square root u of an upper-triangular t (Björck and Hammarling
    1983): u_ii = sqrt(t_ii), u_ij = (t_ij - sum_{i<k<j} u_ik u_kj) / (u_ii + u_jj). When the
    entries of a superdiagonal are computed the ones on it are still zero, so the sum is that
    superdiagonal of u @ u. As JAX's, an entry whose numerator is zero is zero (a zero or
    singular matrix gives no 0/0)."""
    n = t.shape[-1]
    diag = np.sqrt(np.diagonal(t, axis1=-2, axis2=-1))
    u = diag[..., :, None] * np.asarray(onp.eye(n), t.dtype)
    for d in range(1, n):
        num = _superdiag(t, d) - _superdiag(u @ u, d)
        den = diag[..., :-d] + diag[..., d:]
        safe = np.where(num == 0, 1, den)
        u = _with_superdiag(u, np.where(num == 0, 0, num / safe), d)
    return u


def sqrtm(A, blocksize=1):
    """The principal matrix square root, from the complex Schur form a = Z T Z^H as
    Z sqrt(T) Z^H; complex, as JAX's (and batched over leading dimensions). blocksize > 1 is
    not supported, as in JAX. No derivative (schur has none)."""
    if blocksize > 1:
        raise NotImplementedError("sqrtm: the blocked version (blocksize > 1) is not implemented")
    (a,) = _inexact(A)
    _square("sqrtm", a, "A")
    t, z = schur(a, output="complex")
    return z @ _sqrtm_triu(t) @ _H(z)


def _parlett(f, t):
    """Golub and Van Loan's algorithm 11.1.1 (Parlett's recurrence): F = f(T) for upper
    triangular T, from F's diagonal. f_ij = (t_ij (f_jj - f_ii) + sum_{i<k<j} (t_ik f_kj -
    f_ik t_kj)) / (t_jj - t_ii), left undivided where the denominator is zero, as JAX's. With
    the superdiagonal being computed still zero in F, its numerators are that superdiagonal of
    T F - F T. Also returns the smallest |t_jj - t_ii| (starting from |t_00|, as JAX's)."""
    n = t.shape[-1]
    td = np.diagonal(t, axis1=-2, axis2=-1)
    minden = np.abs(t[..., 0, 0])
    for d in range(1, n):
        num = _superdiag(t @ f - f @ t, d)
        den = td[..., d:] - td[..., :-d]
        f = _with_superdiag(f, np.where(den != 0, num / np.where(den != 0, den, 1), num), d)
        minden = np.minimum(minden, np.min(np.abs(den), axis=-1))
    return f, minden


def funm(A, func, disp=True):
    """The matrix function func(A) for a function of a vector applied elementwise (such as
    np.exp), as JAX's and SciPy's: A's complex Schur form (schur, then rsf2csf), func on its
    diagonal, Parlett's recurrence above it. With disp=False, also the estimate of the
    relative error SciPy returns. A must be 2-d, as in JAX. No derivative (schur has none)."""
    a = np.asarray(A)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError("funm: expected square array_like input")
    t, z = schur(a)
    t, z = rsf2csf(t, z)
    n = t.shape[-1]
    fd = np.asarray(func(np.diagonal(t))).astype(t.dtype)
    f = fd[:, None] * np.asarray(onp.eye(n), t.dtype)
    f, minden = _parlett(f, t) if n else (f, np.zeros((), onp.finfo(t.dtype).dtype))
    f = z @ f @ _H(z)
    if disp:
        return f
    tol = onp.finfo(f.dtype).eps
    minden = np.where(minden == 0.0, tol, minden)
    upper = np.max(np.sum(np.abs(np.triu(t, 1)), axis=0)) if n else 0.0
    err = np.where(
        np.any(np.isinf(f)), np.inf, np.minimum(1, np.maximum(tol, (tol / minden) * upper))
    )
    return f, err


# ---- hessenberg ----------------------------------------------------------------------------


def hessenberg(a, *, calc_q=False, overwrite_a=False, check_finite=True):
    """The Hessenberg form H of a (zero below the first subdiagonal) with a = Q H Q^H; (H, Q)
    with calc_q. Batched over leading dimensions; Q is the product of LAPACK's (gehrd's)
    Householder reflectors, so H and Q are SciPy's to rounding. No derivative, as in JAX."""
    (a,) = _inexact(a)
    _square("hessenberg", a)
    n = a.shape[-1]
    if n == 0:
        return (np.zeros_like(a), np.zeros_like(a)) if calc_q else np.zeros_like(a)
    packed, taus = _lax.bind("linalg_hessenberg", a)
    h = np.triu(packed, -1)
    if not calc_q:
        return h
    # Q = diag(1, Q'): the reflectors act on rows 1..n-1, their vectors below the subdiagonal
    q1 = _lax.bind1("linalg_householder_product", packed[..., 1:, :-1], taus)
    batch = a.shape[:-2]
    top = np.concatenate(
        [np.ones(batch + (1, 1), a.dtype), np.zeros(batch + (1, n - 1), a.dtype)], axis=-1
    )
    bottom = np.concatenate([np.zeros(batch + (n - 1, 1), a.dtype), q1], axis=-1)
    return h, np.concatenate([top, bottom], axis=-2)


# ---- expm_frechet --------------------------------------------------------------------------


def expm_frechet(A, E, *, method=None, compute_expm=True):
    """The Frechet derivative of expm at A in the direction E (and expm(A) with
    compute_expm), as JAX's: the JVP of expm, so it agrees with jax.jvp(expm, (A,), (E,)).
    `method` is accepted and ignored. Differentiable (expm's JVP is)."""
    from arrax import jvp
    from arrax.scipy.linalg import expm

    a, e = np.asarray(A), np.asarray(E)
    if a.ndim < 2 or a.shape[-2] != a.shape[-1]:
        raise ValueError(
            f"expm_frechet: expected A to be a (batched) square matrix, got A.shape={a.shape}"
        )
    if e.ndim < 2 or e.shape[-2] != e.shape[-1]:
        raise ValueError(
            f"expm_frechet: expected E to be a (batched) square matrix, got E.shape={e.shape}"
        )
    if a.shape != e.shape:
        raise ValueError(
            f"expm_frechet: expected A and E to be the same shape, got A.shape={a.shape} "
            f"E.shape={e.shape}"
        )
    a, e = _inexact(a, e)
    expm_a, frechet = jvp(expm, (a,), (e,))
    return (expm_a, frechet) if compute_expm else frechet
