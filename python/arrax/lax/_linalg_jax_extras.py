"""jax.lax.linalg's ormqr, symmetric_product, cholesky_update and qdwh, composed from arrax
operations (so they trace, batch over leading dimensions where JAX's do, and differentiate)."""

import numpy as onp

from arrax._trace_core import numpy_module as _np  # noqa: E402 (arrax.numpy, imported late)


def _mT(x):  # noqa: N802
    return _np().swapaxes(x, -1, -2)


def _mH(x):  # noqa: N802
    return _np().conj(_mT(x))


def ormqr(a, taus, c, *, left=True, transpose=False):
    """Like ``jax.lax.linalg.ormqr``: ``Q @ c`` (``left``; ``c @ Q`` otherwise), with ``Q^H``
    instead of ``Q`` when ``transpose``, for the ``Q`` of the Householder reflectors ``a``
    (``[..., m, n]``) and their factors ``taus`` (``[..., k]``) of a QR factorization."""
    from arrax.lax.linalg import householder_product

    np = _np()
    a, taus, c = np.asarray(a), np.asarray(taus), np.asarray(c)
    m, k = a.shape[-2], taus.shape[-1]
    if k > min(m, a.shape[-1]):
        raise ValueError(
            f"ormqr: taus has {k} factors, more than min(m, n) = {min(m, a.shape[-1])} of a "
            f"with shape {a.shape}"
        )
    # Q is m x m: the k reflectors, completed by identity ones (zero vector, tau = 0).
    v = a[..., :, :k]
    v = np.concatenate([v, np.zeros(v.shape[:-1] + (m - k,), v.dtype)], axis=-1)
    t = np.concatenate([taus, np.zeros(taus.shape[:-1] + (m - k,), taus.dtype)], axis=-1)
    q = householder_product(v, t.astype(v.dtype))
    if transpose:
        q = _mH(q)
    if (c.shape[-2] if left else c.shape[-1]) != m:
        raise ValueError(
            f"ormqr: c of shape {c.shape} does not match Q of shape ({m}, {m}) (left={left})"
        )
    return q @ c if left else c @ q


def symmetric_product(a_matrix, c_matrix, *, alpha=1.0, beta=0.0, symmetrize_output=False):
    """Like ``jax.lax.linalg.symmetric_product``: ``alpha * A @ A^T + beta * C``; with
    ``symmetrize_output`` the upper triangle is the lower one's transpose."""
    np = _np()
    a, c = np.asarray(a_matrix), np.asarray(c_matrix)
    if a.ndim < 2 or c.ndim < 2 or c.shape[-1] != c.shape[-2] or c.shape[-1] != a.shape[-2]:
        raise TypeError(
            "symmetric_product: a_matrix must be [..., m, n] and c_matrix [..., m, m], got "
            f"shapes {a.shape} and {c.shape}"
        )
    dtype = np.result_type(a, c)
    out = (alpha * (a @ _mT(a)) + beta * c).astype(dtype)
    if symmetrize_output:
        lower = np.tril(out)
        out = lower + _mT(np.tril(out, -1))
    return out


def cholesky_update(r_matrix, w_vector):
    """Like ``jax.lax.linalg.cholesky_update``: the upper Cholesky factor of ``R^T R + w w^T``
    for an upper-triangular ``R`` (a rank-1 update by Givens rotations, O(N^2))."""
    from arrax.lax._control_flow import fori_loop

    np = _np()
    r, w = np.asarray(r_matrix), np.asarray(w_vector)
    dtype = np.result_type(r, w)
    if r.ndim != 2 or r.shape[0] != r.shape[1] or w.shape != (r.shape[0],):
        raise TypeError(
            "cholesky_update: r_matrix must be a square matrix and w_vector a vector of its "
            f"size, got shapes {r.shape} and {w.shape}"
        )
    r, w = r.astype(dtype), w.astype(dtype)
    n = r.shape[0]
    cols = np.arange(n)

    def body(k, state):
        r, w = state
        rk = r[k]  # (the row k of R)
        rkk, wk = rk[k], w[k]
        rad = np.sqrt(rkk * rkk + wk * wk)
        c, s = rad / rkk, wk / rkk
        new_row = np.where(cols >= k, (rk + s * w) / c, rk)
        new_row = np.where(cols == k, rad, new_row)
        w = np.where(cols > k, c * w - s * new_row, w)
        return r.at[k].set(new_row), w

    r, _ = fori_loop(0, n, body, (r, w))
    return r


def qdwh(x, *, is_hermitian=False, max_iterations=None, eps=None, dynamic_shape=None):
    """Like ``jax.lax.linalg.qdwh``: the polar decomposition ``x = u @ h`` of an M x N matrix
    (M >= N) by the QR-based dynamically weighted Halley iteration (Nakatsukasa, Bai and
    Gygi, 2010), as JAX computes it: ``(u, h, num_iters, is_converged)``."""
    from arrax import lax
    from arrax.lax import linalg as lax_linalg

    np = _np()
    x = np.asarray(x)
    if max_iterations is None:
        max_iterations = 10
    elif not isinstance(max_iterations, (int, onp.integer)):
        raise TypeError(
            "The `max_iterations` argument must be statically specified to use `qdwh` within "
            "JAX transformations."
        )
    if x.ndim != 2:
        raise ValueError(f"qdwh: expected a matrix, got shape {x.shape}")
    M, N = x.shape  # noqa: N806
    if M < N:
        raise ValueError("The input matrix of shape M x N must have M >= N.")
    if dynamic_shape is not None and tuple(dynamic_shape) != (M, N):
        raise NotImplementedError(
            "qdwh: dynamic_shape smaller than the matrix (a padded input) is not supported; "
            "pass the unpadded matrix"
        )
    if eps is None:
        eps = float(onp.finfo(x.dtype).eps)
    one_norm = np.linalg.norm(x, ord=1)
    inf_norm = np.linalg.norm(x, ord=np.inf)
    alpha_inverse = lax.rsqrt(one_norm) * lax.rsqrt(inf_norm)
    alpha_inverse = np.where(one_norm == 0, 1, alpha_inverse)
    u = x * alpha_inverse.astype(x.dtype)
    eye = np.eye(N, dtype=x.dtype)
    tol_l = 10.0 * eps / 2.0
    tol_norm = onp.cbrt(tol_l)

    def use_qr(u, params):
        a_minus_e_by_sqrt_c, sqrt_c, e = params
        y = np.concatenate([sqrt_c * u, eye], axis=0)
        q, _ = lax_linalg.qr(y, full_matrices=False)
        q1, q2 = q[:M, :], _mH(q[M:, :])
        return e * u + a_minus_e_by_sqrt_c * (q1 @ q2)

    def use_cholesky(u, params):
        a_minus_e, c, e = params
        y = lax_linalg.cholesky(c * (_mH(u) @ u) + eye, symmetrize_input=False)
        z = lax_linalg.triangular_solve(y, _mT(u), left_side=True, lower=True, conjugate_a=True)
        z = np.conj(z)
        z = lax_linalg.triangular_solve(
            y, z, left_side=True, lower=True, transpose_a=True, conjugate_a=True
        )
        return e * u + a_minus_e * _mH(z)

    # The weights are known in advance (they depend on eps only).
    qr_coefs, chol_coefs = [], []
    ell, k = eps, 0
    while ell + tol_l < 1 and k < max_iterations:
        k += 1
        l2 = ell * ell
        dd = (4 * (1 / l2 - 1) / l2) ** (1 / 3)
        sqd = (1.0 + dd) ** (1 / 2)
        a = sqd + (2 - dd + 2 * (2 - l2) / (l2 * sqd)) ** (1 / 2)
        b = (a - 1) ** 2 / 4
        c = a + b - 1
        ell = ell * (a + b * l2) / (1 + c * l2)
        e = b / c
        if c > 100:
            qr_coefs.append(((a - e) / c ** (1 / 2), c ** (1 / 2), e))
        else:
            chol_coefs.append((a - e, c, e))
    real = onp.finfo(x.dtype).dtype

    for params in qr_coefs:
        u = use_qr(u, [onp.asarray(p, real) for p in params])
    not_converged = np.asarray(True)
    for params in chol_coefs:
        u_prev = u
        u = use_cholesky(u, [onp.asarray(p, real) for p in params])
        not_converged = np.linalg.norm(u - u_prev) > tol_norm

    halley = [onp.asarray(p, real) for p in (3 - 1 / 3, 3, 1 / 3)]

    def cond_fun(state):
        k, _, not_conv = state
        return np.logical_and(not_conv, k < max_iterations)

    def body_fun(state):
        k, u, _ = state
        u_new = use_cholesky(u, halley)
        return k + 1, u_new, np.linalg.norm(u_new - u) > tol_norm

    k0 = np.asarray(len(qr_coefs) + len(chol_coefs))
    num_iters, u, not_converged = lax.while_loop(cond_fun, body_fun, (k0, u, not_converged))
    u = 1.5 * u - 0.5 * u @ (_mH(u) @ u)  # (a Newton-Schulz refinement)
    h = _mH(u) @ x
    h = (h + _mH(h)) / 2
    return u, h, num_iters, np.logical_not(not_converged)
