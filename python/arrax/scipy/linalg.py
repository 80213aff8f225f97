"""jax.scipy.linalg: SciPy's dense linear algebra on arrax arrays, batched over leading
dimensions like JAX's. solve_triangular is a primitive (linalg_triangular_solve); the others
are written with it and numpy.linalg's primitives, so they trace, differentiate and batch.
As in JAX, the ``overwrite_*`` and ``check_finite`` arguments are accepted and ignored, and a
singular triangular matrix gives inf/nan rather than an error."""

import numpy as onp

import arrax.numpy as np
from arrax import lax
from arrax.numpy import linalg as _la
from arrax.scipy import _linalg_extra, _linalg_schur, _linalg_special
from arrax.scipy._linalg_extra import *  # noqa: F401,F403 (solve_sylvester, eigh_tridiagonal, ...)
from arrax.scipy._linalg_schur import *  # noqa: F401,F403 (schur, sqrtm, funm, hessenberg, ...)
from arrax.scipy._linalg_schur import _inexact
from arrax.scipy._linalg_special import *  # noqa: F401,F403 (the special matrices, polar)

__all__ = [
    "solve_triangular", "cholesky", "cho_factor", "cho_solve", "lu", "lu_factor", "lu_solve",
    "solve", "inv", "det",
    "eig", "eigvals", "eigh", "eigvalsh", "svd", "qr", "expm", "block_diag", "toeplitz",
    *_linalg_special.__all__, *_linalg_schur.__all__, *_linalg_extra.__all__,
]  # fmt: skip


def _square(name, a):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{name}: expected a square matrix (or a stack of them), got {a.shape}")


_TRANS = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2}


def solve_triangular(
    a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, debug=None,
    check_finite=True,
):  # fmt: skip
    """Solves op(a) x = b for triangular a (only its `lower` or upper triangle is read); op is
    a, a^T or a^H for trans 0/'N', 1/'T', 2/'C'. b is (..., n) or (..., n, k)."""
    if trans not in _TRANS:
        raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
    a, b = _inexact(a, b)
    _square("solve_triangular", a)
    n = a.shape[-1]
    vector = b.ndim == a.ndim - 1 or b.ndim == 1
    if vector and b.ndim > 1 and b.shape[-1] != n and b.shape[-2] == n:
        vector = False  # (a matrix b for a stack of a's, as SciPy's batching)
    bm = b[..., None] if vector else b
    if bm.ndim < 2 or bm.shape[-2] != n:
        raise ValueError(
            f"solve_triangular: b's shape {b.shape} does not match a's {a.shape} (b needs {n} rows)"
        )
    batch = np.broadcast_shapes(a.shape[:-2], bm.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    bm = np.broadcast_to(bm, batch + bm.shape[-2:])
    x = _la._triangular_solve(a, bm, lower=lower, trans=_TRANS[trans], unit_diagonal=unit_diagonal)
    return x[..., 0] if vector else x


def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """The Cholesky factor of a Hermitian positive-definite a: upper (a = U^H U) unless
    `lower` (a = L L^H), as SciPy's default."""
    (a,) = _inexact(a)
    _square("cholesky", a)
    low = np.linalg.cholesky(a, symmetrize_input=False)  # (as jax.scipy's: not symmetrized)
    return low if lower else np.conj(np.swapaxes(low, -1, -2))


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """(c, lower) for cho_solve: c is the Cholesky factor (the other triangle zero)."""
    return cholesky(a, lower=lower), lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """x with a x = b, from cho_factor's (c, lower)."""
    c, lower = c_and_lower
    if lower:  # a = L L^H: L y = b, then L^H x = y
        y = solve_triangular(c, b, lower=True)
        return solve_triangular(c, y, trans=2, lower=True)
    y = solve_triangular(c, b, trans=2, lower=False)  # a = U^H U
    return solve_triangular(c, y, lower=False)


def lu_factor(a, overwrite_a=False, check_finite=True):
    """(lu, piv): L (unit lower, diagonal implied) and U packed in lu, and LAPACK's 0-based row
    interchanges (row i was swapped with piv[i], in turn) with a[perm] = L U; a may be m x n
    (then piv has min(m, n) entries), as SciPy's."""
    (a,) = _inexact(a)
    lu_, piv, _ = _la._bind("linalg_lu", a)
    return lu_, piv


def _pivots_to_permutation(piv, size=None):
    """The row order the interchanges make: a's row perm[i] is row i of L U (of `size` rows,
    by default as many as the interchanges; the later rows stay in place)."""
    piv = np.asarray(piv)  # (a NumPy array cannot be indexed by the loop's traced index)
    n = piv.shape[-1]
    size = n if size is None else size
    idx = np.arange(size, dtype=np.int32)

    def swap(i, perm):
        j = piv[..., i][..., None]
        pi = perm[..., i][..., None]
        pj = np.take_along_axis(perm, j.astype(np.int64), axis=-1)
        return np.where(idx == i, pj, np.where(idx == j, pi, perm))

    return lax.fori_loop(0, n, swap, np.broadcast_to(idx, piv.shape[:-1] + (size,)))


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """x with a x = b (trans 0), a^T x = b (1) or a^H x = b (2), from lu_factor's result."""
    lu_, piv = lu_and_piv
    if trans not in _TRANS:
        raise ValueError(f"lu_solve: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
    trans = _TRANS[trans]
    lu_, b = _inexact(lu_, b)
    _square("lu_solve", lu_)
    n = lu_.shape[-1]
    vector = b.ndim == lu_.ndim - 1 or b.ndim == 1
    if vector and b.ndim > 1 and b.shape[-1] != n and b.shape[-2] == n:
        vector = False  # (a matrix b for a stack of lu's, as SciPy's batching)
    bm = b[..., None] if vector else b
    if bm.ndim < 2 or bm.shape[-2] != n:
        raise ValueError(f"lu_solve: b's shape {b.shape} does not match lu's {lu_.shape}")
    perm = _pivots_to_permutation(piv).astype(np.int64)
    batch = np.broadcast_shapes(lu_.shape[:-2], bm.shape[:-2], perm.shape[:-1])
    bm = np.broadcast_to(bm, batch + bm.shape[-2:])
    perm = np.broadcast_to(perm, batch + perm.shape[-1:])
    if trans == 0:  # L U x = b[perm]
        y = np.take_along_axis(bm, perm[..., :, None], axis=-2)
        y = solve_triangular(lu_, y, lower=True, unit_diagonal=True)
        x = solve_triangular(lu_, y, lower=False)
    else:  # U^T L^T (x[perm]) = b
        y = solve_triangular(lu_, bm, lower=False, trans=trans)
        y = solve_triangular(lu_, y, lower=True, unit_diagonal=True, trans=trans)
        inverse = np.argsort(perm, axis=-1)
        x = np.take_along_axis(y, inverse[..., :, None], axis=-2)
    return x[..., 0] if vector else x


def lu(a, permute_l=False, overwrite_a=False, check_finite=True):
    """(p, l, u) with a = p @ l @ u (or (p @ l, u) with permute_l); for an m x n a, p is m x m,
    l m x k and u k x n (k = min(m, n)), as SciPy's."""
    (a,) = _inexact(a)
    lu_, _, perm = _la._bind("linalg_lu", a)
    m = a.shape[-2]
    low, up = _la.lu_factors(lu_)
    # a[perm] = L U, so a = P L U with P[perm[i], i] = 1 (real, as SciPy's, for complex a too).
    eye = np.eye(m, dtype=np.real(lu_).dtype)
    p = np.swapaxes(np.take(eye, perm.astype(np.int64), axis=0), -1, -2)
    return (p @ low, up) if permute_l else (p, low, up)


def solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True,
          assume_a="gen"):  # fmt: skip
    """x with a x = b; assume_a="pos" solves through Cholesky (reading the `lower` or upper
    triangle), anything else through LU."""
    if assume_a not in ("gen", "sym", "her", "pos"):
        raise ValueError(f"solve: assume_a must be 'gen', 'sym', 'her' or 'pos', got {assume_a!r}")
    a, b = _inexact(a, b)
    _square("solve", a)
    if assume_a == "pos":
        full = _la._hermitian_part(a, "L" if lower else "U")  # the triangle read, reflected
        return cho_solve(cho_factor(full, lower=True), b)
    return np.linalg.solve(a, b)


def inv(a, overwrite_a=False, check_finite=True):
    return np.linalg.inv(a)


def det(a, overwrite_a=False, check_finite=True):
    return np.linalg.det(a)


def eigh(a, b=None, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
         turbo=True, eigvals=None, type=1, check_finite=True, subset_by_index=None,
         subset_by_value=None, driver=None):  # fmt: skip
    """Eigenvalues (ascending) and eigenvectors of a Hermitian matrix, from its `lower` or
    upper triangle. The generalized problem (b) is not supported, as in JAX."""
    if b is not None:
        raise NotImplementedError("eigh: the generalized eigenproblem (b) is not supported")
    if eigvals is not None or subset_by_index is not None or subset_by_value is not None:
        raise NotImplementedError("eigh: subsets of the eigenvalues are not supported")
    w, v = np.linalg.eigh(a, UPLO="L" if lower else "U")
    return w if eigvals_only else (w, v)


def eig(
    a,
    b=None,
    left=False,
    right=True,
    overwrite_a=False,
    overwrite_b=False,
    check_finite=True,
    homogeneous_eigvals=False,
):
    """Eigenvalues (complex, as SciPy) and, with right=True, the normalized right eigenvectors
    of a square matrix. The generalized problem (b) and left eigenvectors are not supported."""
    del overwrite_a, overwrite_b, check_finite
    if b is not None:
        raise NotImplementedError("eig: the generalized eigenvalue problem (b) is not supported")
    if left:
        raise NotImplementedError("eig: left eigenvectors are not supported")
    a = np.asarray(a)
    _square("eig", a)
    w, v = _la.eig(a)
    ctype = np.result_type(w.dtype, np.complex64)
    w = w.astype(ctype)
    if homogeneous_eigvals:
        w = np.stack([w, np.ones_like(w)], axis=-2)
    return (w, v.astype(ctype)) if right else w


def eigvals(a, b=None, overwrite_a=False, check_finite=True, homogeneous_eigvals=False):
    """The eigenvalues of a square matrix, complex (as SciPy)."""
    return eig(
        a,
        b,
        right=False,
        overwrite_a=overwrite_a,
        check_finite=check_finite,
        homogeneous_eigvals=homogeneous_eigvals,
    )


def eigvalsh(a, b=None, lower=True, **kwargs):
    return eigh(a, b, lower=lower, eigvals_only=True, **kwargs)


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
        lapack_driver="gesdd"):  # fmt: skip
    return np.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """SciPy's modes: "full" (q is m x m), "economic" (q is m x k), "r" (returns (r,))."""
    if pivoting:
        raise NotImplementedError("qr: pivoting is not supported")
    modes = {"full": "complete", "economic": "reduced", "r": "r"}
    if mode not in modes:
        raise ValueError(f"qr: mode must be 'full', 'economic' or 'r', got {mode!r}")
    if mode == "r":
        return (np.linalg.qr(a, mode="complete")[1],)
    return np.linalg.qr(a, mode=modes[mode])


# ---- expm: Pade approximation with scaling and squaring (Higham 2005) ----------------------

_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)  # fmt: skip
_PADE7 = (17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0)
_THETA13, _THETA7 = 5.371920351148152, 3.925724783138660


def _pade(a):
    """(p, q) of the degree-13 (double) or degree-7 (single precision) Pade approximant."""
    eye = np.eye(a.shape[-1], dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    if a.dtype in (np.float64, np.complex128):
        b = _PADE13
        u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
                 + b[1] * eye)  # fmt: skip
        v = (
            a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2)
            + b[6] * a6
            + b[4] * a4
            + b[2] * a2
            + b[0] * eye
        )
    else:
        b = _PADE7
        u = a @ (b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
        v = b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    return u + v, v - u


def _expm_one(a, max_squarings):
    theta = _THETA13 if a.dtype in (np.float64, np.complex128) else _THETA7
    norm = np.max(np.sum(np.abs(a), axis=-2))
    # s squarings bring the norm under theta (none for small norms, or zero matrices).
    s = np.maximum(0, np.ceil(np.log2(np.maximum(norm, theta) / theta))).astype(np.int32)
    p, q = _pade(a / (2.0**s).astype(a.dtype))
    r = np.linalg.solve(q, p)

    def square(c, i):
        return lax.cond(i < s, lambda x: x @ x, lambda x: x, c), None

    r, _ = lax.scan(square, r, np.arange(max_squarings, dtype=np.int32))
    return np.where(s > max_squarings, np.nan, r)


def expm(A, *, upper_triangular=False, max_squarings=16):
    """The matrix exponential, by the Pade approximant of degree 13 (7 in single precision)
    with scaling and squaring; NaN where more than `max_squarings` squarings are needed."""
    (a,) = _inexact(A)
    _square("expm", a)
    if a.ndim == 2:
        return _expm_one(a, max_squarings)
    from arrax import vmap

    flat = a.reshape((-1,) + a.shape[-2:])
    return vmap(lambda m: _expm_one(m, max_squarings))(flat).reshape(a.shape)


def block_diag(*arrs):
    """A block-diagonal matrix of the given 0-, 1- or 2-d arrays (a 1-d array is one row)."""
    if not arrs:
        return np.zeros((1, 0))
    mats = [np.atleast_2d(np.asarray(m)) for m in arrs]
    if any(m.ndim != 2 for m in mats):
        raise ValueError("block_diag: arguments must have at most 2 dimensions")
    dt = np.result_type(*mats)
    cols = sum(m.shape[1] for m in mats)
    rows, at = [], 0
    for m in mats:
        right = cols - at - m.shape[1]
        rows.append(np.pad(m.astype(dt), ((0, 0), (at, right))))
        at += m.shape[1]
    return np.concatenate(rows, axis=0)


def toeplitz(c, r=None):
    """The Toeplitz matrix with first column c and first row r (r[0] ignored); with r
    omitted, the Hermitian one of c. As SciPy 1.17's (and JAX's), the leading dimensions of c
    and r are a batch, broadcast together: one matrix per vector along the last axis."""
    c = np.atleast_1d(np.asarray(c))
    r = np.conj(c) if r is None else np.atleast_1d(np.asarray(r))
    dt = np.result_type(c, r)
    batch = np.broadcast_shapes(c.shape[:-1], r.shape[:-1])
    c = np.broadcast_to(c, batch + c.shape[-1:]).astype(dt)
    r = np.broadcast_to(r, batch + r.shape[-1:]).astype(dt)
    # the values along the anti-diagonals, then each (i, j) takes the one of its diagonal
    vals = np.concatenate([r[..., 1:][..., ::-1], c], axis=-1)
    i = onp.arange(c.shape[-1])[:, None]
    j = onp.arange(r.shape[-1])[None, :]
    return vals[..., (r.shape[-1] - 1) + i - j]
