"""solve_sylvester, eigh_tridiagonal and qr_multiply of jax.scipy.linalg, written with
arrax's schur, triangular solves, qr and control flow (so that they trace and batch)."""

import numpy as onp

import arrax.numpy as np
from arrax.scipy._linalg_schur import _H, _inexact, schur

__all__ = ["solve_sylvester", "eigh_tridiagonal", "qr_multiply"]


# ---- solve_sylvester: Bartels-Stewart on the complex Schur forms ---------------------------


def _sylvester_triangular(r, s, f):
    """Y with R Y + Y S = F for upper-triangular R (m x m) and S (n x n), stacked: column j
    solves (R + S[j, j] I) y_j = f_j - sum_{k<j} S[k, j] y_k, one triangular solve per column,
    in a scan over the columns."""
    from arrax.lax import scan
    from arrax.numpy import linalg as _la

    m, n = f.shape[-2], f.shape[-1]
    eye = np.eye(m, dtype=r.dtype)
    cols = np.arange(n)

    def column(y, j):
        s_j = np.take(s, j, axis=-1)  # (..., n): S[:, j]
        s_jj = np.take(s_j, j, axis=-1)
        above = np.where(cols < j, s_j, np.zeros_like(s_j))
        rhs = np.take(f, j, axis=-1) - np.matmul(y, above[..., :, None])[..., 0]
        lhs = r + s_jj[..., None, None] * eye
        y_j = _la._triangular_solve(lhs, rhs[..., None], lower=False, trans=0, unit_diagonal=False)
        y = np.where(cols == j, y_j, y)
        return y, None

    y, _ = scan(column, np.zeros_like(f), np.arange(n))
    return y


def solve_sylvester(A, B, C, *, method="schur", tol=1e-8):
    """X with A X + X B = C (batched over leading dimensions, broadcast), as
    jax.scipy.linalg.solve_sylvester: by the Bartels-Stewart algorithm on complex Schur forms
    ("schur") or by eigendecompositions ("eigen"); all NaN where an eigenvalue of A plus one of
    B is within tol of zero (no unique solution). Real inputs give a real X. Not
    differentiable (schur and eig have no derivative here, as in JAX)."""
    A, B, C = _inexact(A, B, C)
    if C.ndim < 2:
        raise ValueError(
            f"Incompatible shapes for Sylvester equation:\nA: {A.shape}\nB: {B.shape}\nC: {C.shape}"
        )
    m, n = C.shape[-2:]
    if A.shape[-2:] != (m, m) or B.shape[-2:] != (n, n):
        raise ValueError(
            f"Incompatible shapes for Sylvester equation:\nA: {A.shape}\nB: {B.shape}\nC: {C.shape}"
        )
    batch = np.broadcast_shapes(A.shape[:-2], B.shape[:-2], C.shape[:-2])
    A = np.broadcast_to(A, batch + (m, m))
    B = np.broadcast_to(B, batch + (n, n))
    C = np.broadcast_to(C, batch + (m, n))
    if method == "schur":
        r, u = schur(A, output="complex")
        s, v = schur(B, output="complex")
        f = _H(u) @ C.astype(r.dtype) @ v
        x = u @ _sylvester_triangular(r, s, f) @ _H(v)
        eig_a = np.diagonal(r, axis1=-2, axis2=-1)
        eig_b = np.diagonal(s, axis1=-2, axis2=-1)
    elif method == "eigen":
        eig_a, ua = np.linalg.eig(A)
        eig_b, ub = np.linalg.eig(B)
        f = np.linalg.solve(ua, C.astype(eig_a.dtype) @ ub)
        x = ua @ (f / (eig_a[..., :, None] + eig_b[..., None, :])) @ np.linalg.inv(ub)
    else:
        raise ValueError(
            f'Unrecognized method {method}. The two valid methods are either "schur" or "eigen".'
        )
    if not np.issubdtype(C.dtype, np.complexfloating):
        x = np.real(x)
    near = np.abs(eig_a[..., :, None] + eig_b[..., None, :]) < tol
    bad = np.any(near, axis=(-2, -1))[..., None, None]
    return np.where(bad, np.full_like(x, np.nan), x)


# ---- eigh_tridiagonal: Sturm-sequence bisection -------------------------------------------


def _sturm_counts(alpha, beta_sq, pivmin, alpha0_perturbation, x):
    """How many eigenvalues of the tridiagonal matrix lie below each x (the Sturm sequence
    of LAPACK's stebz, with its guard against tiny pivots)."""
    from arrax.lax import scan

    q = alpha[0] - x
    count = (q < 0).astype(np.int32)
    q = np.where(alpha[0] == x, alpha0_perturbation, q)

    def step(carry, ab):
        q, count = carry
        a, b2 = ab
        q = a - b2 / q - x
        small = q <= pivmin
        count = count + small.astype(np.int32)
        q = np.where(small, np.minimum(q, -pivmin), q)
        return (q, count), None

    (_, count), _ = scan(step, (q, count), (alpha[1:], beta_sq))
    return count


def eigh_tridiagonal(d, e, *, eigvals_only=False, select="a", select_range=None, tol=None,
                     key=None):  # fmt: skip
    """The eigenvalues (ascending) of the Hermitian tridiagonal matrix with diagonal d and
    off-diagonal e, by bisection on Sturm counts as jax.scipy.linalg.eigh_tridiagonal (to an
    absolute tolerance of eps * ||T||, or tol if larger); select 'a' (all) or 'i' (the
    indices select_range[0]..select_range[1]). With eigvals_only=False also the eigenvectors
    (as columns), those of the dense matrix for the eigenvalues chosen (each defined up to
    its sign or phase, which can differ from JAX's inverse iteration)."""
    from arrax.lax import while_loop

    alpha, beta = np.asarray(d), np.asarray(e)
    if alpha.dtype != beta.dtype:
        raise TypeError(
            "diagonal and off-diagonal values must have same dtype, "
            f"got {alpha.dtype} and {beta.dtype}"
        )
    if alpha.dtype not in (np.float32, np.float64, np.complex64, np.complex128):
        raise TypeError(
            "Only float32 and float64 inputs are supported as inputs to "
            f"jax.scipy.linalg.eigh_tridiagonal, got {alpha.dtype} and {beta.dtype}"
        )
    n = alpha.shape[0]
    if n <= 1:
        if eigvals_only:
            return np.real(alpha)
        return np.real(alpha), np.eye(n, dtype=alpha.dtype)
    if select == "a":
        targets = np.arange(n, dtype=np.int32)
    elif select == "i":
        if select_range is None:
            raise ValueError("for select='i', select_range must be specified.")
        if select_range[0] > select_range[1]:
            raise ValueError("Got empty index range in select_range.")
        targets = np.arange(select_range[0], select_range[1] + 1, dtype=np.int32)
    elif select == "v":
        raise NotImplementedError("eigh_tridiagonal(..., select='v') is not implemented")
    else:
        raise ValueError("'select must have a value in {'a', 'i', 'v'}.")

    cplx = np.issubdtype(alpha.dtype, np.complexfloating)
    a = np.real(alpha)
    if cplx:
        beta_sq = np.real(beta * np.conj(beta))
        beta_abs = np.sqrt(beta_sq)
    else:
        beta_abs = np.abs(beta)
        beta_sq = np.square(beta)
    finfo = onp.finfo(onp.dtype(str(a.dtype)))
    rdt = a.dtype
    # Gershgorin bounds of the spectrum.
    row_sum = np.concatenate([beta_abs[:1], beta_abs[:-1] + beta_abs[1:], beta_abs[-1:]])
    lo_est = np.min(a - row_sum)
    hi_est = np.max(a + row_sum)
    t_norm = np.maximum(np.abs(lo_est), np.abs(hi_est))
    one = onp.ones([], dtype=finfo.dtype)
    safemin = onp.maximum(one / finfo.max, (one + finfo.eps) * finfo.tiny)
    pivmin = (safemin * np.maximum(1, np.max(beta_sq))).astype(rdt)
    perturb = np.square(finfo.eps * beta_abs[0]).astype(rdt)
    abs_tol = finfo.eps * t_norm
    if tol is not None:
        abs_tol = np.maximum(tol, abs_tol)
    max_it = finfo.nmant + 1
    slack = np.asarray(n * 2.1 * finfo.eps, rdt) * t_norm
    shape = targets.shape
    lower = np.broadcast_to(lo_est - slack - 2 * 2.1 * pivmin, shape).astype(rdt)
    upper = np.broadcast_to(hi_est + slack + 2.1 * pivmin, shape).astype(rdt)
    mid = (0.5 * (lower + upper)).astype(rdt)
    pivmin_b = np.broadcast_to(pivmin, shape)
    perturb_b = np.broadcast_to(perturb, shape)

    def unfinished(state):
        i, lo, _, hi = state
        return (i < max_it) & (abs_tol < np.max(hi - lo))

    def bisect(state):
        i, lo, mid, hi = state
        counts = _sturm_counts(a, beta_sq, pivmin_b, perturb_b, mid)
        lo = np.where(counts <= targets, mid, lo)
        hi = np.where(counts > targets, mid, hi)
        return i + 1, lo, (0.5 * (lo + hi)).astype(rdt), hi

    _, _, w, _ = while_loop(unfinished, bisect, (np.asarray(0, np.int32), lower, mid, upper))
    if eigvals_only:
        return w
    t = np.diag(alpha) + np.diag(beta, 1) + np.diag(np.conj(beta), -1)
    _, v = np.linalg.eigh(t)
    return w, np.take(v, targets, axis=1)


# ---- qr_multiply -------------------------------------------------------------------------


def qr_multiply(a, c, mode="right", pivoting=False, conjugate=False, overwrite_a=False,
                overwrite_c=False):  # fmt: skip
    """(Q c, R) for mode='left' (c is (..., k, p), k = min(m, n)) or (c Q, R) for 'right' (c
    is (..., p, m), the result's last axis cut to k), with Q and R the reduced QR factors of a
    ((..., m, n)); conj(Q) with conjugate. A 1-d c is a column (left) or row (right) and the
    result is raveled. Column pivoting is not supported."""
    if pivoting:
        raise NotImplementedError("qr_multiply: pivoting is not supported")
    a, c = _inexact(a, c)
    if mode not in ("right", "left"):
        raise ValueError(f"mode must be 'right' or 'left', got {mode!r}")
    onedim = c.ndim == 1
    if onedim:
        c = c[:, None] if mode == "left" else c[None, :]
    m, n = a.shape[-2:]
    k = min(m, n)
    if mode == "left" and c.shape[-2] != k:
        raise ValueError(
            f"Array shapes are not compatible for Q @ c operation: a has shape {tuple(a.shape)} "
            f"so Q has {k} columns, but c has {c.shape[-2]} rows (expected {k})."
        )
    if mode == "right" and c.shape[-1] != m:
        raise ValueError(
            f"Array shapes are not compatible for c @ Q operation: a has shape {tuple(a.shape)} "
            f"so Q has {m} rows, but c has {c.shape[-1]} columns (expected {m})."
        )
    q, r = np.linalg.qr(a, mode="reduced")
    if conjugate:
        q = np.conj(q)
    out = q @ c if mode == "left" else c @ q
    if onedim:
        out = np.ravel(out)
    return out, r
