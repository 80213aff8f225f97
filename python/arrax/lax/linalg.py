"""jax.lax.linalg: the linear-algebra operations under jax.numpy.linalg and jax.scipy.linalg,
with JAX's signatures (batched over leading dimensions)."""


def _np():
    import arrax.numpy as np  # arrax.numpy imports arrax.lax: import it when first used

    return np


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


def qr(x, *, full_matrices=True):
    """(q, r): q is m x m with full_matrices, else m x min(m, n)."""
    return _np().linalg.qr(x, mode="complete" if full_matrices else "reduced")


def svd(x, *, full_matrices=True, compute_uv=True):
    return _np().linalg.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)


def eigh(x, *, lower=True, symmetrize_input=True):
    """(v, w) as JAX orders them: eigenvectors, then ascending eigenvalues."""
    np = _np()
    if symmetrize_input:
        x = (x + np.conj(np.swapaxes(x, -1, -2))) / 2
    w, v = np.linalg.eigh(x, UPLO="L" if lower else "U")
    return v, w


def eig(x, *, compute_left_eigenvectors=True, compute_right_eigenvectors=True, use_magma=None):
    """[w, vl, vr] as jax.lax.linalg.eig lists them (the eigenvector entries as asked), all
    complex. A left eigenvector u of eigenvalue w has u^H x = w u^H: the columns of the right
    eigenvectors' inverse, conjugate-transposed, normalized as LAPACK's geev does (unit norm,
    largest component real)."""
    np = _np()
    x = np.linalg._as_inexact(x)
    if x.shape[-1] == 0:  # (an empty matrix: empty results, no normalization to do)
        ct = np.result_type(x.dtype, np.complex64)
        w = np.zeros(x.shape[:-1], ct)
        empty = np.zeros(x.shape, ct)
        return [w] + [empty] * (compute_left_eigenvectors + compute_right_eigenvectors)
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
