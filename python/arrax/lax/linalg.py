"""jax.lax.linalg: the linear-algebra operations under jax.numpy.linalg and jax.scipy.linalg,
with JAX's signatures (batched over leading dimensions)."""

import enum

from arrax._trace_core import numpy_module as _np  # noqa: E402 (arrax.numpy, imported late)
from arrax.lax._linalg_jax_extras import (  # noqa: E402,F401
    cholesky_update,
    ormqr,
    qdwh,
    symmetric_product,
)


class EigImplementation(enum.Enum):
    """jax.lax.linalg.EigImplementation: which library computes eig (arrax has one, on CPU
    LAPACK's algorithm; every choice gives its result)."""

    CUSOLVER = "cusolver"
    MAGMA = "magma"
    LAPACK = "lapack"


class EighImplementation(enum.Enum):
    """jax.lax.linalg.EighImplementation (every choice gives arrax's eigh)."""

    QR = "qr"
    JACOBI = "jacobi"
    QDWH = "qdwh"


class SvdAlgorithm(enum.Enum):
    """jax.lax.linalg.SvdAlgorithm (every choice gives arrax's SVD: the same factors)."""

    DEFAULT = "default"
    QR = "QR"
    JACOBI = "Jacobi"
    POLAR = "polar"
    DIVIDE_AND_CONQUER = "divide_and_conquer"


def _check_choice(what, value, enum_type):
    if value is not None and not isinstance(value, enum_type):
        raise TypeError(f"{what}: expected None or a {enum_type.__name__}, got {value!r}")


def _subset(what, subset_by_index, n):
    """The (start, end) of subset_by_index, checked as JAX does; None for all n."""
    if subset_by_index is None:
        return None
    lo, hi = (int(i) for i in subset_by_index)
    if not 0 <= lo <= hi <= n:
        raise ValueError(f"{what}: subset_by_index {tuple(subset_by_index)} is not within [0, {n}]")
    return None if (lo, hi) == (0, n) else (lo, hi)


def cholesky(x, *, symmetrize_input=True):
    """The lower Cholesky factor; with symmetrize_input, of (x + x^H) / 2."""
    np = _np()
    if symmetrize_input:
        x = (x + np.conj(np.swapaxes(x, -1, -2))) / 2
    return np.linalg.cholesky(x)


def triangular_solve(a, b, *, left_side=False, lower=False, transpose_a=False,
                     conjugate_a=False, unit_diagonal=False):  # fmt: skip
    """x with op(a) x = b (left_side) or x op(a) = b, op(a) being a, a^T, conj(a) or a^H."""
    from arrax.numpy import linalg

    np = _np()
    a, b = np.asarray(a), np.asarray(b)
    if conjugate_a and not transpose_a:
        a, conjugate_a = np.conj(a), False
    trans = (2 if conjugate_a else 1) if transpose_a else 0
    if b.ndim == a.ndim - 1:  # a vector b (JAX takes one): solved as a one-column matrix
        x = triangular_solve(a, b[..., :, None] if left_side else b[..., None, :],
                             left_side=left_side, lower=lower, transpose_a=transpose_a,
                             conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)  # fmt: skip
        return x[..., 0] if left_side else x[..., 0, :]
    if left_side:
        return linalg._triangular_solve(a, b, lower=lower, trans=trans, unit_diagonal=unit_diagonal)
    # x op(a) = b  <=>  op(a)^T x^T = b^T: op(a)^T is a^T, a, or conj(a) for op a, a^T, a^H.
    if trans == 2:
        a, trans2 = np.conj(a), 0
    else:
        trans2 = 1 - trans
    xt = linalg._triangular_solve(
        a, np.swapaxes(b, -1, -2), lower=lower, trans=trans2, unit_diagonal=unit_diagonal
    )
    return np.swapaxes(xt, -1, -2)


def lu(x):
    """(lu, pivots, permutation): L (unit lower) and U packed, LAPACK's 0-based row
    interchanges, and the row order they make (x[permutation] = L U)."""
    from arrax.numpy import linalg

    return tuple(linalg._bind("linalg_lu", x))


def lu_pivots_to_permutation(pivots, permutation_size):
    from arrax.scipy.linalg import _pivots_to_permutation

    if permutation_size < pivots.shape[-1]:
        raise ValueError(
            f"lu_pivots_to_permutation: permutation_size {permutation_size} is smaller than the "
            f"{pivots.shape[-1]} pivots"
        )
    return _pivots_to_permutation(pivots, permutation_size)


def qr(x, *, pivoting=False, full_matrices=True, use_magma=None):
    """(q, r): q is m x m with full_matrices, else m x min(m, n). Column pivoting (JAX's
    pivoting=True, LAPACK's geqp3) is not supported."""
    if pivoting:
        raise NotImplementedError("qr: pivoting=True (column pivoting) is not supported")
    return _np().linalg.qr(x, mode="complete" if full_matrices else "reduced")


def svd(x, *, full_matrices=True, compute_uv=True, subset_by_index=None, algorithm=None):
    """The SVD as jax.lax.linalg.svd: s, or (u, s, vh); subset_by_index (start, end) keeps
    those singular values (descending) and vectors (not with full_matrices). algorithm is
    accepted: every SvdAlgorithm gives this SVD."""
    np = _np()
    _check_choice("svd", algorithm, SvdAlgorithm)
    x = np.asarray(x)
    rank = min(x.shape[-2:]) if x.ndim >= 2 else 0
    subset = _subset("svd", subset_by_index, rank)
    if subset is not None and full_matrices:
        raise ValueError("svd: full_matrices and subset_by_index cannot both be set")
    out = np.linalg.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)
    if subset is None:
        return out
    lo, hi = subset
    if not compute_uv:
        return out[..., lo:hi]
    u, s, vh = out
    return u[..., :, lo:hi], s[..., lo:hi], vh[..., lo:hi, :]


def eigh(x, *, lower=True, symmetrize_input=True, sort_eigenvalues=True, subset_by_index=None,
         implementation=None):  # fmt: skip
    """(v, w) as JAX orders them: eigenvectors, then ascending eigenvalues (always sorted);
    subset_by_index (start, end) keeps those eigenpairs. implementation is accepted: every
    EighImplementation gives this result."""
    np = _np()
    _check_choice("eigh", implementation, EighImplementation)
    x = np.asarray(x)
    subset = _subset("eigh", subset_by_index, x.shape[-1])
    if symmetrize_input:
        x = (x + np.conj(np.swapaxes(x, -1, -2))) / 2
    w, v = np.linalg.eigh(x, UPLO="L" if lower else "U")
    if subset is not None:
        w, v = w[..., subset[0] : subset[1]], v[..., :, subset[0] : subset[1]]
    return v, w


def eig(x, *, compute_left_eigenvectors=True, compute_right_eigenvectors=True,
        enable_eigvec_derivs=False, implementation=None, use_magma=None):  # fmt: skip
    """[w, vl, vr] as jax.lax.linalg.eig lists them (the eigenvector entries as asked), all
    complex. A left eigenvector u of eigenvalue w has u^H x = w u^H: the columns of the right
    eigenvectors' inverse, conjugate-transposed, normalized as LAPACK's geev does (unit norm,
    largest component real). The eigenvectors are differentiable with enable_eigvec_derivs
    or without (JAX refuses their derivatives without it); implementation is accepted: every
    EigImplementation gives this result."""
    np = _np()
    _check_choice("eig", implementation, EigImplementation)
    x = np.linalg._as_inexact(x)
    if x.shape[-1] == 0:  # (an empty matrix: empty results, no normalization to do)
        ct = np.result_type(x.dtype, np.complex64)
        w = np.zeros(x.shape[:-1], ct)
        empty = np.zeros(x.shape, ct)
        return [w] + [empty] * (compute_left_eigenvectors + compute_right_eigenvectors)
    # A matrix with a NaN or an infinity has NaN results, as in JAX (LAPACK would not converge:
    # numpy.linalg's LinAlgError): it is decomposed as zeros and its results replaced.
    bad = ~np.all(np.isfinite(x), axis=(-2, -1))
    out = _eig_finite(np.where(bad[..., None, None], 0, x), compute_left_eigenvectors,
                      compute_right_eigenvectors)  # fmt: skip
    nan = complex(np.nan, np.nan)
    return [np.where(bad[..., None], nan, out[0])] + [
        np.where(bad[..., None, None], nan, v) for v in out[1:]
    ]


def _eig_finite(x, compute_left_eigenvectors, compute_right_eigenvectors):
    np = _np()
    w, vr = np.linalg._bind("linalg_eig", x)
    out = [w]
    if compute_left_eigenvectors:
        vl = np.conj(np.swapaxes(np.linalg.inv(vr), -1, -2))
        vl = vl / np.linalg.norm(vl, axis=-2, keepdims=True)
        biggest = np.take_along_axis(vl, np.argmax(np.abs(vl), axis=-2)[..., None, :], axis=-2)
        out.append(vl * (np.conj(biggest) / np.abs(biggest)))
    if compute_right_eigenvectors:
        out.append(vr)
    return out


def schur(x, *, compute_schur_vectors=True, sort_eig_vals=False, select_callable=None):
    """(T, Q) with x = Q T Q^H (T quasi-triangular for real x, triangular for complex x);
    [T] alone without compute_schur_vectors. Eigenvalue sorting is not supported (as on
    JAX's CPU). No derivative, as in JAX."""
    if sort_eig_vals or select_callable is not None:
        raise NotImplementedError("schur: sorting the eigenvalues is not supported")
    t, q = _linalg_bind("linalg_schur", x)
    return [t, q] if compute_schur_vectors else [t]


def hessenberg(a):
    """(a, taus) as LAPACK's gehrd: the Hessenberg form in the upper triangle and first
    subdiagonal, the Householder vectors below it, and their scalar factors."""
    return tuple(_linalg_bind("linalg_hessenberg", a))


def householder_product(a, taus):
    """The (..., m, n) product of the k elementary Householder reflectors whose vectors lie
    below a's diagonal (as LAPACK's orgqr; m >= n, k <= n)."""
    return _linalg_bind("linalg_householder_product", a, taus)[0]


def tridiagonal(a, *, lower=True):
    """(a, d, e, taus) as LAPACK's sytrd/hetrd for Hermitian a, reading its `lower` or upper
    triangle only: the tridiagonal form (diagonal d, off-diagonal e, both real) and the
    Householder reflectors packed in that triangle, the other returned as given."""
    return tuple(_linalg_bind("linalg_tridiagonal", a, lower=int(bool(lower))))


def _linalg_bind(name, *args, **params):
    """Binds a Schur-family primitive on arrays (the kernels take float32/64 or complex)."""
    np = _np()
    args = [np.asarray(x) for x in args]
    return np.linalg._bind(name, *args, **params)


# --- tridiagonal_solve -------------------------------------------------------------------


def _tridiagonal_product(dl, d, du, x):
    """A x for the tridiagonal A of (dl, d, du) (dl[..., 0] and du[..., -1] unused); x is
    (..., m, n)."""
    np = _np()
    y = d[..., :, None] * x
    if x.shape[-2] > 1:
        zero = np.zeros_like(x[..., :1, :])
        below = dl[..., 1:, None] * x[..., :-1, :]
        above = du[..., :-1, None] * x[..., 1:, :]
        y = y + np.concatenate([zero, below], axis=-2) + np.concatenate([above, zero], axis=-2)
    return y


def _gtsv(dl, d, du, b):
    """x with A x = b by Gaussian elimination with partial pivoting, as LAPACK's gtsv (the
    kernel of JAX's CPU tridiagonal_solve): rows i and i+1 swap when |A[i+1, i]| exceeds the
    pivot, which fills a second superdiagonal. A zero pivot (a singular A) makes that system's
    whole solution NaN, as JAX returns it."""
    from arrax.lax._control_flow import scan

    np = _np()
    m = d.shape[-1]
    if m == 0:
        return b
    cplx = np.issubdtype(d.dtype, np.complexfloating)

    def abs1(v):  # LAPACK's CABS1 for complex pivots
        return np.abs(np.real(v)) + np.abs(np.imag(v)) if cplx else np.abs(v)

    def rows(v):  # (..., m) diagonal -> (m, ..., 1), rows first
        return np.moveaxis(v, -1, 0)[..., None]

    dl_r, d_r, du_r = rows(dl), rows(d), rows(du)
    du_r = np.concatenate([du_r[:-1], np.zeros_like(du_r[:1])])  # du[m-1] is not in A
    b_r = np.moveaxis(b, -2, 0)
    one = np.ones_like(d_r[0])

    def eliminate(carry, row):
        dc, uc, bc = carry  # row i as elimination left it
        a, dn, un, bn = row  # row i + 1 as given; a = A[i+1, i]
        swap = abs1(dc) < abs1(a)
        fact = np.where(swap, dc / np.where(swap, a, one), a / np.where(swap | (dc == 0), one, dc))
        pivot = (
            np.where(swap, a, dc),
            np.where(swap, dn, uc),
            np.where(swap, un, np.zeros_like(un)),
            np.where(swap, bn, bc),
        )
        nxt = (
            np.where(swap, uc - fact * dn, dn - fact * uc),
            np.where(swap, -fact * un, un),
            np.where(swap, bc - fact * bn, bn - fact * bc),
        )
        return nxt, pivot

    (d_last, _, b_last), (p_d, p_u, p_u2, p_b) = scan(
        eliminate, (d_r[0], du_r[0], b_r[0]), (dl_r[1:], d_r[1:], du_r[1:], b_r[1:])
    )
    pivots = np.concatenate([p_d, d_last[None]])
    singular = np.any(pivots == 0, axis=0)
    safe = np.where(pivots == 0, np.ones_like(pivots), pivots)
    x_last = b_last / safe[-1]

    def substitute(carry, row):
        x1, x2 = carry  # x[i + 1], x[i + 2]
        dp, up, u2p, bp = row
        x = (bp - up * x1 - u2p * x2) / dp
        return (x, x1), x

    _, xs = scan(
        substitute, (x_last, np.zeros_like(x_last)), (safe[:-1], p_u, p_u2, p_b), reverse=True
    )
    x = np.concatenate([xs, x_last[None]])
    x = np.where(singular, np.full_like(x_last, np.nan), x)
    return np.moveaxis(x, 0, -2)


def tridiagonal_solve(dl, d, du, b, *, perturb_singular=False):
    """x with A x = b for the tridiagonal A of each batch entry: ``dl[..., i] = A[i, i-1]``
    (dl[..., 0] is ignored), ``d[..., i] = A[i, i]``, ``du[..., i] = A[i, i+1]`` (du[..., -1]
    ignored); b is (..., m, n). Solved as LAPACK's gtsv (partial pivoting; NaN for a singular
    A), differentiable in all four inputs: dx = A^-1 (db - dA x), and reverse mode through the
    transposed system (as JAX's rules)."""
    from arrax.lax._implicit import custom_linear_solve

    np = _np()
    name = "tridiagonal_solve"
    if perturb_singular:
        raise NotImplementedError(f"{name}: perturb_singular=True is not supported")
    dl, d, du, b = (np.asarray(v) for v in (dl, d, du, b))
    for i, v in enumerate((dl, d, du, b)):
        if not np.issubdtype(v.dtype, np.inexact):
            raise TypeError(
                f"{name} does not accept dtype {v.dtype} at position {i}. Accepted dtypes at "
                f"position {i} are subtypes of floating, complexfloating."
            )
    if b.ndim < 2:
        raise TypeError(f"Input 3 to {name} must have rank at least 2, but got shape={b.shape}")
    if len({dl.dtype, d.dtype, du.dtype, b.dtype}) > 1:
        raise TypeError(
            f"{name} requires arguments to have the same dtypes, got "
            f"{', '.join(str(v.dtype) for v in (dl, d, du, b))}."
        )
    if dl.shape != d.shape or dl.shape != du.shape:
        raise TypeError(f"{name} requires that all diagonal arguments have the same shape.")
    if dl.shape != b.shape[:-1]:
        raise TypeError(
            f"{name} requires that the leading ndim-1 dimensions of b equal the dimensions of "
            f"the diagonal arguments."
        )
    if d.shape[-1] == 0:
        return b

    def transposed(lo, up):  # A^T's diagonals: its sub-diagonal is A's super-diagonal
        zero = np.zeros_like(lo[..., :1])
        return np.concatenate([zero, up[..., :-1]], axis=-1), np.concatenate(
            [lo[..., 1:], zero], axis=-1
        )

    dl_t, du_t = transposed(dl, du)
    return custom_linear_solve(
        lambda x: _tridiagonal_product(dl, d, du, x),
        b,
        solve=lambda _, r: _gtsv(dl, d, du, r),
        transpose_solve=lambda _, r: _gtsv(dl_t, d, du_t, r),
    )
