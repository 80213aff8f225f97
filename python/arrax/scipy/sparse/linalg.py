"""jax.scipy.sparse.linalg: the Krylov solvers cg, bicgstab and gmres, for a linear operator
given as a square matrix, an object with ``@``, or a function, acting on a pytree of arrays.

Each solver is a ``lax.while_loop`` inside ``lax.custom_linear_solve``, so it jits and
batches, and its derivatives are implicit: the tangent (or cotangent) of the solution is one
more solve with the same solver (on the transposed operator in reverse mode), never a
derivative through the iterations. They are accurate when both solves converge.

As in JAX, the stopping test is ``norm(residual) <= max(tol * norm(b), atol)`` (SciPy's
non-legacy tolerances), the initial guess is zero, ``maxiter`` defaults to ten times the size
of b, and ``info`` is None for cg and bicgstab and, for gmres, 0 or -1 (NaN in the solution):
iteration counts are not reported.
"""

import operator

import numpy as onp

import arrax.numpy as np
from arrax import lax
from arrax.lax._implicit import custom_linear_solve
from arrax.scipy import linalg as _sla
from arrax.tree_util import tree_leaves, tree_map, tree_structure

__all__ = ["cg", "bicgstab", "gmres"]


# --- pytree vector arithmetic ----------------------------------------------------------


def _add(x, y):
    return tree_map(operator.add, x, y)


def _sub(x, y):
    return tree_map(operator.sub, x, y)


def _scale(alpha, x):
    return tree_map(lambda v: alpha * v, x)


def _vdot_tree(x, y):
    """<x, y> = sum of conj(x) y over every leaf."""
    return sum(np.vdot(a, b) for a, b in zip(tree_leaves(x), tree_leaves(y)))


def _vdot_real(a, b):
    # Re <a, b> without the imaginary cross terms: where it is used (r^H M r with M Hermitian
    # positive definite) the exact value is real, and rounding must not make it complex.
    out = np.vdot(np.real(a), np.real(b))
    if np.iscomplexobj(a) or np.iscomplexobj(b):
        out = out + np.vdot(np.imag(a), np.imag(b))
    return out


def _vdot_real_tree(x, y):
    return sum(_vdot_real(a, b) for a, b in zip(tree_leaves(x), tree_leaves(y)))


def _norm(x):
    return np.sqrt(_vdot_real_tree(x, x))


def _dtype(tree):
    return np.result_type(*tree_leaves(tree))


def _identity(x):
    return x


def _as_operator(name, op, what="linear operator"):
    """A function x -> op x from a function, an array (a square matrix) or an object with @."""
    if isinstance(op, (np.ndarray, onp.ndarray)):
        mat = np.asarray(op)
        if mat.ndim != 2 or mat.shape[0] != mat.shape[1]:
            raise ValueError(f"{name}: {what} must be a square matrix, but has shape: {mat.shape}")
        return lambda x: np.dot(mat, x)
    if callable(op):
        return op
    if hasattr(op, "__matmul__"):
        shape = getattr(op, "shape", None)
        if shape is not None and (len(shape) != 2 or shape[0] != shape[1]):
            raise ValueError(f"{name}: {what} must be a square matrix, but has shape: {shape}")
        return lambda x: op @ x
    raise TypeError(f"{name}: {what} must be either a function or ndarray: {op!r}")


def _prepare(name, A, b, x0, maxiter, M):
    """The operator and preconditioner as functions, b and x0 as pytrees of arrays (x0 zeros
    by default, matching b), and maxiter (10 * size of b by default, as SciPy)."""
    b = tree_map(np.asarray, b)
    x0 = tree_map(np.zeros_like, b) if x0 is None else tree_map(np.asarray, x0)
    if tree_structure(x0) != tree_structure(b):
        raise ValueError(
            f"{name}: x0 and b must have matching tree structure: {tree_structure(x0)} vs "
            f"{tree_structure(b)}"
        )
    shapes = [tuple(v.shape) for v in tree_leaves(b)]
    x0_shapes = [tuple(v.shape) for v in tree_leaves(x0)]
    if x0_shapes != shapes:
        raise ValueError(
            f"{name}: arrays in x0 and b must have matching shapes: {x0_shapes} vs {shapes}"
        )
    if maxiter is None:
        maxiter = 10 * sum(int(onp.prod(s)) for s in shapes)
    A = _as_operator(name, A)
    M = _identity if M is None else _as_operator(name, M, "preconditioner")
    return A, b, x0, maxiter, M


# --- conjugate gradients and BiCGSTAB --------------------------------------------------


def _cg_solve(A, b, x0, *, maxiter, tol, atol, M):
    # Preconditioned conjugate gradients; gamma = <r, M r>, which is also the squared residual
    # norm when there is no preconditioner.
    atol2 = np.maximum(np.square(tol) * _vdot_real_tree(b, b), np.square(atol))
    r0 = _sub(b, A(x0))
    z0 = M(r0)
    dtype = _dtype(z0)
    gamma0 = _vdot_real_tree(r0, z0).astype(dtype)

    def cond(state):
        _, r, gamma, _, k = state
        rs = np.real(gamma) if M is _identity else _vdot_real_tree(r, r)
        return (rs > atol2) & (k < maxiter)

    def body(state):
        x, r, gamma, p, k = state
        ap = A(p)
        alpha = gamma / _vdot_real_tree(p, ap).astype(dtype)
        x = _add(x, _scale(alpha, p))
        r = _sub(r, _scale(alpha, ap))
        z = M(r)
        gamma_next = _vdot_real_tree(r, z).astype(dtype)
        p = _add(z, _scale(gamma_next / gamma, p))
        return x, r, gamma_next, p, k + 1

    return lax.while_loop(cond, body, (x0, r0, gamma0, z0, 0))[0]


def _bicgstab_solve(A, b, x0, *, maxiter, tol, atol, M):
    # Preconditioned BiCGSTAB (van der Vorst). The counter k turns negative on a breakdown
    # (rho = 0: -10; omega or alpha = 0: -11), which ends the loop.
    atol2 = np.maximum(np.square(tol) * _vdot_real_tree(b, b), np.square(atol))
    r0 = _sub(b, A(x0))
    one = np.ones((), _dtype(b))

    def cond(state):
        r, k = state[1], state[-1]
        return (_vdot_real_tree(r, r) > atol2) & (k < maxiter) & (k >= 0)

    def body(state):
        x, r, rhat, alpha, omega, rho, p, q, k = state
        rho_next = _vdot_tree(rhat, r)
        beta = rho_next / rho * alpha / omega
        p = _add(r, _scale(beta, _sub(p, _scale(omega, q))))
        phat = M(p)
        q = A(phat)
        alpha = rho_next / _vdot_tree(rhat, q)
        s = _sub(r, _scale(alpha, q))
        converged = _vdot_real_tree(s, s) < atol2  # the half step already solves it
        shat = M(s)
        t = A(shat)
        omega = _vdot_tree(t, s) / _vdot_tree(t, t)
        x_half = _add(x, _scale(alpha, phat))
        x = tree_map(
            lambda h, f: np.where(converged, h, f), x_half, _add(x_half, _scale(omega, shat))
        )
        r = tree_map(lambda h, f: np.where(converged, h, f), s, _sub(s, _scale(omega, t)))
        k = np.where((omega == 0) | (alpha == 0), -11, k + 1)
        k = np.where(rho_next == 0, -10, k)
        return x, r, rhat, alpha, omega, rho_next, p, q, k

    init = (x0, r0, r0, one, one, one, r0, r0, 0)
    return lax.while_loop(cond, body, init)[0]


def _isolve(name, solver, A, b, x0, tol, atol, maxiter, M, check_symmetric):
    A, b, x0, maxiter, M = _prepare(name, A, b, x0, maxiter, M)

    def solve(op, rhs):
        return solver(op, rhs, x0, maxiter=maxiter, tol=tol, atol=atol, M=M)

    # A real operator that cg may be used on is symmetric (positive definite): its transpose
    # is itself. A complex Hermitian one is not symmetric, so reverse mode transposes it.
    symmetric = check_symmetric and all(
        not np.issubdtype(v.dtype, np.complexfloating) for v in tree_leaves(b)
    )
    x = custom_linear_solve(A, b, solve=solve, transpose_solve=solve, symmetric=symmetric)
    return x, None


def cg(A, b, x0=None, *, tol=1e-5, atol=0.0, maxiter=None, M=None):
    """Solves A x = b by (preconditioned) conjugate gradients, for A Hermitian positive
    definite: a matrix, an object with ``@`` or a function computing A x, on a pytree b.
    M (same forms) approximates A^-1. Returns (x, None), as JAX's; derivatives are implicit
    (one more cg solve)."""
    return _isolve("cg", _cg_solve, A, b, x0, tol, atol, maxiter, M, check_symmetric=True)


def bicgstab(A, b, x0=None, *, tol=1e-5, atol=0.0, maxiter=None, M=None):
    """Solves A x = b by (preconditioned) BiCGSTAB, for a general square operator A given as
    in ``cg``. Returns (x, None), as JAX's; reverse-mode derivatives solve with A^T by
    bicgstab."""
    return _isolve(
        "bicgstab", _bicgstab_solve, A, b, x0, tol, atol, maxiter, M, check_symmetric=False
    )


# --- GMRES -----------------------------------------------------------------------------


def _safe_normalize(x, thresh=None):
    """(x / norm(x), norm(x)), or zeros and 0 when the norm is at most thresh (by default the
    dtype's epsilon): a vector that small counts as zero."""
    norm = _norm(x)
    dtype = _dtype(x)
    if thresh is None:
        thresh = np.finfo(norm.dtype).eps
    big = norm > np.real(np.asarray(thresh).astype(dtype))
    divisor = norm.astype(dtype)
    unit = tree_map(lambda v: np.where(big, v / divisor, 0.0), x)
    return unit, np.where(big, norm, 0.0)


def _columns_dot(V, v):
    """V^H v for the pytree of column blocks V (each leaf: v's leaf shape + one column axis)."""
    parts = [
        np.sum(np.conj(X) * y[..., None], axis=tuple(range(y.ndim)))
        for X, y in zip(tree_leaves(V), tree_leaves(v))
    ]
    return sum(parts[1:], parts[0])


def _orthogonalize(V, v):
    """v minus its projection on V's (orthonormal, or zero) columns, and the overlaps. Two
    classical Gram-Schmidt passes ("twice is enough"): one loses orthogonality in rounding when
    v is nearly in the span."""
    h1 = _columns_dot(V, v)
    v = _sub(v, tree_map(lambda X: X @ h1, V))
    h2 = _columns_dot(V, v)
    v = _sub(v, tree_map(lambda X: X @ h2, V))
    return v, h1 + h2


def _arnoldi_step(k, A, M, V, H):
    """Column k + 1 of the Krylov basis V from M A V[:, k], and row k of H (the Hessenberg
    matrix, stored transposed) from its overlaps. Breakdown: the new vector is zero (to
    rounding), so the space is invariant and the basis is complete."""
    dtype = _dtype(V)
    v = M(A(tree_map(lambda X: X[..., k], V)))
    _, norm0 = _safe_normalize(v)
    v, h = _orthogonalize(V, v)
    unit, norm1 = _safe_normalize(v, thresh=np.finfo(dtype).eps * norm0)
    V = tree_map(lambda X, u: X.at[..., k + 1].set(u), V, unit)
    H = H.at[k, :].set(h.at[k + 1].set(norm1.astype(dtype)))
    return V, H, norm1 == 0


def _givens(a, b):
    """(c, s) with [[conj(c), -conj(s)], [s, c]] taking (a, b) to (r, 0)."""
    b_zero = np.abs(b) == 0
    swap = np.abs(a) < np.abs(b)
    t = -np.where(swap, a, b) / np.where(swap, b, np.where(b_zero, 1, a))
    r = (1 / np.sqrt(1 + np.abs(t) ** 2)).astype(t.dtype)
    c = np.where(b_zero, 1, np.where(swap, r * t, r))
    s = np.where(b_zero, 0, np.where(swap, r, r * t))
    return c, s


def _rotate(vec, i, c, s):
    x, y = vec[i], vec[i + 1]
    return vec.at[i].set(np.conj(c) * x - np.conj(s) * y).at[i + 1].set(s * x + c * y)


def _krylov_basis(unit_residual, restart):
    """V with the unit residual as its first column and restart zero columns after it."""
    return tree_map(
        lambda u: np.pad(u[..., None], [(0, 0)] * u.ndim + [(0, restart)]), unit_residual
    )


def _finish_cycle(A, b, x0, M, V, y):
    x = _add(x0, tree_map(lambda X: X[..., :-1] @ y, V))
    unit, norm = _safe_normalize(M(_sub(b, A(x))))
    return x, unit, norm


def _gmres_incremental(A, b, x0, unit_residual, residual_norm, ptol, restart, M):
    """One GMRES cycle that QR-factorizes the Hessenberg matrix with Givens rotations as it
    grows: the rotated right side gives the residual norm at each step, so the cycle stops as
    soon as it is below ptol."""
    dtype = _dtype(b)
    V = _krylov_basis(unit_residual, restart)
    R = np.eye(restart, restart + 1, dtype=dtype)  # identity rows: nonsingular if it stops early
    rotations = np.zeros((restart, 2), dtype)
    beta = np.zeros(restart + 1, dtype).at[0].set(residual_norm.astype(dtype))

    def cond(carry):
        k, err = carry[0], carry[1]
        return (k < restart) & (err > ptol)

    def body(carry):
        k, _, V, R, beta, rotations = carry
        V, H, _ = _arnoldi_step(k, A, M, V, R)

        def previous(i, row):
            return _rotate(row, i, rotations[i, 0], rotations[i, 1])

        row = lax.fori_loop(0, k, previous, H[k, :])
        c, s = _givens(row[k], row[k + 1])
        rotations = rotations.at[k].set(np.stack([c, s]).astype(dtype))
        R = R.at[k, :].set(_rotate(row, k, c, s))
        beta = _rotate(beta, k, c, s)
        return k + 1, np.abs(beta[k + 1]), V, R, beta, rotations

    init = (0, residual_norm, V, R, beta, rotations)
    _, _, V, R, beta, _ = lax.while_loop(cond, body, init)
    y = _sla.solve_triangular(R[:, :-1].T, beta[:-1])
    return _finish_cycle(A, b, x0, M, V, y)


def _gmres_batched(A, b, x0, unit_residual, residual_norm, ptol, restart, M):
    """One GMRES cycle that builds the whole Krylov basis (unless it breaks down) and then
    solves the small least-squares problem min |beta e1 - H y| once, by normal equations."""
    dtype = _dtype(b)
    V = _krylov_basis(unit_residual, restart)
    H = np.eye(restart, restart + 1, dtype=dtype)

    def cond(carry):
        return (carry[3] < restart) & ~carry[2]

    def body(carry):
        V, H, _, k = carry
        V, H, breakdown = _arnoldi_step(k, A, M, V, H)
        return V, H, breakdown, k + 1

    V, H, _, _ = lax.while_loop(cond, body, (V, H, np.asarray(False), 0))
    beta = np.zeros(restart + 1, dtype).at[0].set(residual_norm.astype(dtype))
    hc = np.conj(H)  # H^T is the (restart + 1) x restart Hessenberg matrix
    y = _sla.solve(hc @ H.T, hc @ beta, assume_a="pos")
    return _finish_cycle(A, b, x0, M, V, y)


def gmres(A, b, x0=None, *, tol=1e-5, atol=0.0, restart=20, maxiter=None, M=None,
          solve_method="batched"):  # fmt: skip
    """Solves A x = b by restarted GMRES, for a general square operator A given as in ``cg``.
    Each cycle builds a Krylov space of dimension ``restart`` (at most the size of b) from the
    current solution; ``maxiter`` bounds the number of cycles. ``solve_method`` "incremental"
    factorizes as it goes and can stop inside a cycle; "batched" solves once per cycle.
    Returns (x, info) with info 0, or -1 when x has NaNs, as JAX's."""
    if solve_method == "incremental":
        cycle = _gmres_incremental
    elif solve_method == "batched":
        cycle = _gmres_batched
    else:
        raise ValueError(
            f"gmres: invalid solve_method {solve_method!r}, must be either 'incremental' or "
            "'batched'"
        )
    A, b, x0, maxiter, M = _prepare("gmres", A, b, x0, maxiter, M)
    restart = min(restart, sum(int(v.size) for v in tree_leaves(b)))
    b_norm = _norm(b)
    atol = np.maximum(tol * b_norm, atol)
    # The tolerance inside a cycle is on the preconditioned residual, scaled alike.
    ptol = _norm(M(b)) * np.minimum(1.0, atol / b_norm)

    def solve(op, rhs):
        residual = M(_sub(rhs, op(x0)))
        unit, norm = _safe_normalize(residual)

        def cond(carry):
            return (carry[1] < maxiter) & (carry[3] > atol)

        def body(carry):
            x, k, unit, norm = carry
            x, unit, norm = cycle(op, rhs, x, unit, norm, ptol, restart, M)
            return x, k + 1, unit, norm

        return lax.while_loop(cond, body, (x0, 0, unit, norm))[0]

    x = custom_linear_solve(A, b, solve=solve, transpose_solve=solve)
    info = np.where(np.isnan(_norm(x)), -1, 0)
    return x, info
