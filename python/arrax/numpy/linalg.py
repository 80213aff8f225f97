"""arrax.numpy.linalg: NumPy's linear algebra, batched over leading dimensions, with
derivatives.

The decompositions are primitives (``linalg_*``, cpp/primitives/linalg.cpp) with Eigen CPU
kernels over stacks of matrices; errors are NumPy's ``LinAlgError``. Their JVP rules are the
standard matrix-calculus formulas written with arrax operations (so reverse mode comes from
transposing them) and their batching rules use the kernels' stacked-matrix support.
Decompositions are unique up to signs (QR, SVD, eigenvectors), which may differ from LAPACK's;
eig's eigenvalues come in Eigen's order. norm,
pinv, lstsq, matrix_rank, matrix_power, multi_dot, cond and tensorsolve are compositions.
"""

import warnings
from collections import namedtuple

import numpy as onp

from arrax import _core
from arrax._ad import custom_jvp
from arrax._rules.common import batch_size, bdim_at_front
from arrax._rules.registry import defrules, is_undefined
from arrax._trace_core import is_inexact
from arrax.lax import _ops as lax
from arrax.numpy._common import _arr, _np, from_numpy

LinAlgError = onp.linalg.LinAlgError

__all__ = [
    "LinAlgError",
    "inv",
    "solve",
    "det",
    "slogdet",
    "cholesky",
    "qr",
    "svd",
    "svdvals",
    "eig",
    "eigh",
    "eigvals",
    "eigvalsh",
    "norm",
    "vector_norm",
    "matrix_norm",
    "pinv",
    "lstsq",
    "matrix_rank",
    "matrix_power",
    "multi_dot",
    "cond",
    "tensorsolve",
    "tensorinv",
    "matmul",
    "outer",
    "trace",
    "diagonal",
    "cross",
    "matrix_transpose",
    "tensordot",
    "vecdot",
]


def _aval(shape, dtype):
    return (tuple(int(s) for s in shape), onp.dtype(dtype), False)


def _inexact(dtype):
    dt = onp.dtype(dtype)
    return dt if is_inexact(dt) else onp.dtype(onp.float64)


def _real(dtype):
    return onp.finfo(onp.dtype(dtype)).dtype


def _at_least_2d(shape):
    if len(shape) < 2:
        raise LinAlgError(
            f"{len(shape)}-dimensional array given. Array must be at least two-dimensional"
        )


def _square(name, shape):
    _at_least_2d(shape)
    if shape[-1] != shape[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")


# --- primitives ------------------------------------------------------------------------------
# linalg_inv, linalg_solve, linalg_slogdet, linalg_cholesky, linalg_qr (thin), linalg_svd (thin),
# linalg_eigh (UPLO), linalg_eig: registered by cpp/primitives/linalg.cpp (Eigen, batched over
# leading dimensions); linalg_triangular_solve (lower, trans, unit_diagonal) by
# cpp/primitives/linalg_triangular.cpp; linalg_lu (packed factors, pivots, permutation). Their
# rules follow.


# --- rules -----------------------------------------------------------------------------------


def _mT(x):
    return _np().swapaxes(x, -1, -2)


def _H(x):
    np = _np()
    return np.conj(_mT(x)) if x.dtype.kind == "c" else _mT(x)


def _bind(name, *args, **params):
    return lax.bind(name, *args, **params)


def _batch_stacked(name, n_in):
    """The kernels take stacked matrices: batched operands move their batch axis to the
    front, unbatched ones are broadcast to it."""

    def rule(values, dims, params):
        size = batch_size(values, dims)
        args = [bdim_at_front(v, d, size) for v, d in zip(values, dims)]
        outs = _bind(name, *args, **params)
        return outs, [0] * len(outs)

    return rule


def _hermitian_part(t, uplo):
    """The Hermitian matrix a kernel that reads one triangle sees: that triangle and its
    reflection (cholesky reads the lower one; eigh the one UPLO names)."""
    np = _np()
    if uplo == "L":
        low = np.tril(t, -1)
        return low + np.diagonal(t, axis1=-2, axis2=-1)[..., None] * _eye_like(t) + _H(low)
    up = np.triu(t, 1)
    return up + np.diagonal(t, axis1=-2, axis2=-1)[..., None] * _eye_like(t) + _H(up)


def _eye_like(t):
    return _core.asarray(onp.eye(t.shape[-1], dtype=t.dtype), None, None)


def _inv_jvp(primals, tangents, params):
    (a,), (t,) = primals, tangents
    ainv = _bind("linalg_inv", a)[0]
    if t is None:
        return [ainv], [None]
    return [ainv], [-(ainv @ t @ ainv)]


def _solve_jvp(primals, tangents, params):
    a, b = primals
    ta, tb = tangents
    x = _bind("linalg_solve", a, b)[0]
    if ta is None and tb is None:
        return [x], [None]
    np = _np()
    vec = b.ndim == a.ndim - 1
    rhs = np.zeros_like(b) if tb is None else tb
    if ta is not None:
        rhs = rhs - ((ta @ x[..., None])[..., 0] if vec else ta @ x)
    return [x], [_bind("linalg_solve", a, rhs)[0]]


def _solve_transpose(cts, args, params):
    (ct,) = cts
    a, b = args
    if is_undefined(a):
        raise NotImplementedError("linalg_solve: not linear in the matrix")
    if ct is None:
        return [None, None]
    return [None, _bind("linalg_solve", _H(a) if a.dtype.kind != "c" else _mT(a), ct)[0]]


def _slogdet_jvp(primals, tangents, params):
    (a,), (t,) = primals, tangents
    sign, logdet = _bind("linalg_slogdet", a)
    if t is None:
        return [sign, logdet], [None, None]
    np = _np()
    g = np.trace(_bind("linalg_solve", a, t)[0], axis1=-2, axis2=-1)
    if a.dtype.kind == "c":
        return [sign, logdet], [sign * (1j * np.imag(g)).astype(sign.dtype), np.real(g)]
    return [sign, logdet], [None, g]


def _cholesky_jvp(primals, tangents, params):
    (a,), (t,) = primals, tangents
    L = _bind("linalg_cholesky", a)[0]
    if t is None:
        return [L], [None]
    n = a.shape[-1]
    # phi(L^-1 dA L^-H): the lower triangle with half the diagonal.
    linv = _bind("linalg_inv", L)[0]
    s = linv @ _hermitian_part(t, "L") @ _H(linv)
    mask = onp.tril(onp.ones((n, n)), -1) + 0.5 * onp.eye(n)
    phi = s * _core.asarray(mask.astype(_real(a.dtype)), None, None)
    return [L], [L @ phi]


def _qr_jvp(primals, tangents, params):
    (a,), (t,) = primals, tangents
    q, r = _bind("linalg_qr", a)
    if t is None:
        return [q, r], [None, None]
    m, n = a.shape[-2], a.shape[-1]
    if m < n:
        raise NotImplementedError("qr: derivatives of wide matrices (m < n) are not supported")
    rinv = _bind("linalg_inv", r)[0]
    c = _H(q) @ t @ rinv
    k = c.shape[-1]
    low = _core.asarray(onp.tril(onp.ones((k, k)), -1).astype(_real(a.dtype)), None, None)
    lower = c * low
    omega = lower - _H(lower)
    dq = q @ omega + (t @ rinv - q @ (_H(q) @ t @ rinv))
    dr = _H(q) @ t - omega @ r
    return [q, r], [dq, dr]


def _eigh_jvp(primals, tangents, params):
    (a,), (t,) = primals, tangents
    w, v = _bind("linalg_eigh", a, **params)
    if t is None:
        return [w, v], [None, None]
    np = _np()
    t = _hermitian_part(t, params["UPLO"])
    vt = _H(v) @ t @ v
    dw = np.real(np.diagonal(vt, axis1=-2, axis2=-1)).astype(w.dtype)
    diff = w[..., None, :] - w[..., :, None]
    eye = np.eye(w.shape[-1], dtype=bool)
    f = np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, diff)).astype(w.dtype)
    dv = v @ (f.astype(v.dtype) * vt)
    return [w, v], [dw, dv]


def _svd_jvp(primals, tangents, params):
    (a,), (t,) = primals, tangents
    u, s, vh = _bind("linalg_svd", a)
    if t is None:
        return [u, s, vh], [None, None, None]
    np = _np()
    v = _H(vh)
    ds_mat = _H(u) @ t @ v
    ds = np.real(np.diagonal(ds_mat, axis1=-2, axis2=-1)).astype(s.dtype)
    s2 = s * s
    diff = s2[..., None, :] - s2[..., :, None]
    k = s.shape[-1]
    eye = np.eye(k, dtype=bool)
    f = np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, diff)).astype(s.dtype)
    S = s[..., None, :].astype(a.dtype)
    sinv = (1.0 / s)[..., None, :].astype(a.dtype)
    fS = f.astype(a.dtype)
    du = u @ (fS * (ds_mat * S + S.swapaxes(-1, -2) * _H(ds_mat)))
    dv = v @ (fS * (S.swapaxes(-1, -2) * ds_mat + _H(ds_mat) * S))
    if a.dtype.kind == "c":  # the phase of each singular pair: i Im(u_i^H t v_i) / s_i, in du
        safe = np.where(s == 0, 1, s)
        phase = (
            1j * np.imag(np.diagonal(ds_mat, axis1=-2, axis2=-1)) * np.where(s == 0, 0, 1 / safe)
        )
        du = du + u * phase[..., None, :].astype(a.dtype)
    m, n = a.shape[-2], a.shape[-1]
    if m > k:
        du = du + (t @ v - u @ (_H(u) @ t @ v)) * sinv
    if n > k:
        dv = dv + (_H(t) @ u - v @ (_H(v) @ _H(t) @ u)) * sinv
    return [u, s, vh], [du, ds, _H(dv)]


def _eig_jvp(primals, tangents, params):
    (a,), (t,) = primals, tangents
    w, v = _bind("linalg_eig", a)
    if t is None:
        return [w, v], [None, None]
    np = _np()
    vinv = _bind("linalg_inv", v)[0]
    vt = vinv @ t.astype(v.dtype) @ v
    dw = np.diagonal(vt, axis1=-2, axis2=-1)
    diff = w[..., None, :] - w[..., :, None]
    eye = np.eye(w.shape[-1], dtype=bool)
    f = np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, diff))
    dv = v @ (f * vt)
    # keep the normalization of numpy's eigenvectors (unit length, per column)
    dv = dv - v * np.real(np.sum(np.conj(v) * dv, axis=-2, keepdims=True))
    # and their phase (LAPACK's: the largest-magnitude component is real), as JAX does
    if dv.dtype.kind == "c":
        k = np.argmax(np.abs(v), axis=-2)[..., None, :]
        vk, dvk = np.take_along_axis(v, k, axis=-2), np.take_along_axis(dv, k, axis=-2)
        dv = dv - 1j * v * (np.imag(dvk) / np.real(vk))
    return [w, v], [dw, dv]


defrules("linalg_inv", jvp=_inv_jvp, batch=_batch_stacked("linalg_inv", 1))


def _solve_batch(values, dims, params):
    (a, b), (da, db) = values, dims
    size = batch_size(values, dims)
    vector = (b.ndim - (db is not None)) == (a.ndim - (da is not None)) - 1
    a, b = bdim_at_front(a, da, size), bdim_at_front(b, db, size)
    if vector:  # a stack of vectors must be solved as one-column matrices
        return [_bind("linalg_solve", a, b[..., None])[0][..., 0]], [0]
    return _bind("linalg_solve", a, b), [0]


def _triangular_solve(a, b, *, lower, trans=0, unit_diagonal=False):
    """op(a) x = b for stacks of triangular a (only the `lower` or upper triangle is read) and
    stacks of matrices b with a's batch; op is a, a^T (trans=1) or a^H (trans=2)."""
    return _bind(
        "linalg_triangular_solve",
        a,
        b,
        lower=int(bool(lower)),
        trans=int(trans),
        unit_diagonal=int(bool(unit_diagonal)),
    )[0]


def _triangle_read(t, params):
    """The part of a tangent of `a` that the solve reads: its triangle, without the diagonal
    when the diagonal is taken as ones."""
    np = _np()
    k = 1 if params["unit_diagonal"] else 0
    return np.tril(t, -k) if params["lower"] else np.triu(t, k)


def _op(a, trans):
    return a if trans == 0 else (_mT(a) if trans == 1 else _H(a))


def _triangular_solve_jvp(primals, tangents, params):
    a, b = primals
    ta, tb = tangents
    x = _bind("linalg_triangular_solve", a, b, **params)[0]
    if ta is None and tb is None:
        return [x], [None]
    # op(a) x = b  =>  op(a) dx = db - op(da) x, with da restricted to the triangle read.
    rhs = _np().zeros_like(b) if tb is None else tb
    if ta is not None:
        rhs = rhs - _op(_triangle_read(ta, params), params["trans"]) @ x
    return [x], [_bind("linalg_triangular_solve", a, rhs, **params)[0]]


def _triangular_solve_transpose(cts, args, params):
    (ct,) = cts
    a, b = args
    if is_undefined(a):
        raise NotImplementedError("linalg_triangular_solve: not linear in the matrix")
    if ct is None:
        return [None, None]
    # x = op(a)^-1 b is linear in b; its transpose is op(a)^-T: op a -> a^T, a^T -> a, and
    # a^H -> conj(a) (the transpose, not the adjoint: cotangents are not conjugated).
    trans = params["trans"]
    p = dict(params, trans={0: 1, 1: 0, 2: 0}[trans])
    m = _np().conj(a) if trans == 2 else a
    return [None, _bind("linalg_triangular_solve", m, ct, **p)[0]]


def lu_factors(lu):
    """L (m x k, unit lower) and U (k x n, upper) of an m x n packed LU, k = min(m, n)."""
    np = _np()
    m, n = lu.shape[-2:]
    k = min(m, n)
    return np.tril(lu[..., :, :k], -1) + np.eye(m, k, dtype=lu.dtype), np.triu(lu[..., :k, :])


def _lu_jvp(primals, tangents, params):
    (a,), (t,) = primals, tangents
    lu, piv, perm = _bind("linalg_lu", a)
    if t is None:
        return [lu, piv, perm], [None, None, None]
    # a[perm] = L U: with X = L^-1 t[perm] U^-1, dL = L tril(X, -1) and dU = triu(X) U. For an
    # m x n matrix, L (m x k) is completed to m x m with the identity's last columns and U
    # (k x n) to n x n with its last rows (the completed factors are still unit lower and
    # upper, and their product still a[perm] in its first k columns or rows, which is all
    # tril/triu keep).
    np = _np()
    m, n = a.shape[-2:]
    k = min(m, n)
    low, up = lu_factors(lu)
    batch = lu.shape[:-2]
    low = np.concatenate(
        [low, np.broadcast_to(np.eye(m, dtype=lu.dtype)[:, k:], batch + (m, m - k))], -1
    )
    up = np.concatenate(
        [up, np.broadcast_to(np.eye(n, dtype=lu.dtype)[k:], batch + (n - k, n))], -2
    )
    x = np.take_along_axis(t, perm[..., :, None].astype(np.int64), axis=-2)
    la = _triangular_solve(low, x, lower=True, unit_diagonal=True)
    lau = _mT(_triangular_solve(up, _mT(la), lower=False, trans=1))
    return [lu, piv, perm], [low @ np.tril(lau, -1) + np.triu(lau) @ up, None, None]


defrules("linalg_lu", jvp=_lu_jvp, batch=_batch_stacked("linalg_lu", 1))
defrules("linalg_solve", jvp=_solve_jvp, transpose=_solve_transpose, batch=_solve_batch)
defrules(
    "linalg_triangular_solve",
    jvp=_triangular_solve_jvp,
    transpose=_triangular_solve_transpose,
    batch=_batch_stacked("linalg_triangular_solve", 2),
)
defrules("linalg_slogdet", jvp=_slogdet_jvp, batch=_batch_stacked("linalg_slogdet", 1))
defrules("linalg_cholesky", jvp=_cholesky_jvp, batch=_batch_stacked("linalg_cholesky", 1))
defrules("linalg_qr", jvp=_qr_jvp, batch=_batch_stacked("linalg_qr", 1))
defrules("linalg_svd", jvp=_svd_jvp, batch=_batch_stacked("linalg_svd", 1))
defrules("linalg_eigh", jvp=_eigh_jvp, batch=_batch_stacked("linalg_eigh", 1))
defrules("linalg_eig", jvp=_eig_jvp, batch=_batch_stacked("linalg_eig", 1))


# --- public functions ------------------------------------------------------------------------


def _as_inexact(a):
    a = _arr(a)
    return a if is_inexact(a.dtype) else a.astype(onp.float64)  # (bfloat16 stays, as float16)


def inv(a):
    """numpy.linalg.inv."""
    return _bind("linalg_inv", _as_inexact(a))[0]


def solve(a, b):
    """numpy.linalg.solve (b a vector, or a stack of matrices)."""
    np = _np()
    a, b = _as_inexact(a), _arr(b)
    dt = np.result_type(a, b)
    dt = dt if is_inexact(dt) else onp.float64
    a, b = a.astype(dt), b.astype(dt)
    _square("solve", a.shape)
    if b.ndim == 1:  # one vector, for every matrix of a stack (NumPy 2's rule)
        return _bind("linalg_solve", a, np.broadcast_to(b, a.shape[:-1]))[0]
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    return _bind("linalg_solve", a, b)[0]


# NumPy's named results (made once: a namedtuple class per call would be slow, unpicklable and
# a different type each time).
SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
QRResult = namedtuple("QRResult", ["Q", "R"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])


def slogdet(a, *, method=None):
    """numpy.linalg.slogdet: (sign, log|det|), from an LU factorization (jax.numpy's method=
    "lu" or "qr" is taken; both give this value to rounding)."""
    if method not in (None, "lu", "qr"):
        raise ValueError(f"slogdet: unknown method {method!r}, expected 'lu' or 'qr'")
    sign, logdet = _bind("linalg_slogdet", _as_inexact(a))
    return SlogdetResult(sign, logdet)


def det(a):
    """numpy.linalg.det as NumPy computes it from LU's diagonal: sign * exp(sum(log|u_ii|)),
    the logs added one after another (det([[1, 2], [3, 4]]) is -2.0000000000000004, as NumPy
    prints it; the diagonal's product, JAX's, gives -2.0). 32-bit matrices: see below."""
    np = _np()
    a = _as_inexact(a)
    _square("det", a.shape)
    n = a.shape[-1]
    if n == 0:
        return np.ones(a.shape[:-2], a.dtype)
    if a.dtype in (onp.float32, onp.complex64):
        # 32-bit matrices are factored in double and the determinant rounded once: float32 LU
        # rounds each step (det([[1, 2], [3, 4]]) came out -1.9999999; LAPACK gives -2).
        wide = onp.float64 if a.dtype == onp.float32 else onp.complex128
        return det(a.astype(wide)).astype(a.dtype)
    return _det_lu(a)


def _lu_sign(pivots, dtype):
    """(-1)^(row swaps) of an LU's pivots, in `dtype`."""
    np = _np()
    n = pivots.shape[-1]
    swaps = np.sum(pivots != np.arange(n, dtype=pivots.dtype), axis=-1)
    return np.where(swaps % 2 == 1, -1.0, 1.0).astype(dtype)


@custom_jvp
def _det_lu(a):
    """det of a stack of n x n (n >= 1) float64/complex128 matrices, from its LU, in NumPy's
    steps (umath_linalg's det): the sign of the row swaps times each pivot's sign (p / |p|),
    times exp of the logs of |p| summed in order (cumsum: a sum would pair them up)."""
    np = _np()
    lu, pivots, _ = _bind("linalg_lu", a)
    d = np.diagonal(lu, axis1=-2, axis2=-1)
    size = np.abs(d)
    singular = np.any(d == 0, axis=-1)
    safe = np.where(d == 0, np.ones((), d.dtype), d)  # (no log(0) inside the arithmetic)
    sign = _lu_sign(pivots, d.dtype) * np.prod(safe / np.abs(safe), axis=-1)
    logdet = np.cumsum(np.log(np.where(d == 0, np.ones((), size.dtype), size)), axis=-1)[..., -1]
    # (a singular matrix's determinant is +0.0, as NumPy's sign 0 * exp(-inf) gives it)
    return np.where(singular, np.zeros((), d.dtype), sign * np.exp(logdet))


def _cofactor_solve(a, b):
    """adj(a) @ b (det(a) * solve(a, b) for a regular a), finite for singular a too.

    With a[perm] = L U: adj(a) b = det(a) U^-1 L^-1 b[perm]. U's last pivot u_nn is replaced by
    1 / p, p = sign * u_11 ... u_(n-1)(n-1): the back substitution's last row then gives
    x_n / u_nn * det(a) = x_n * p without dividing by u_nn (zero when rank(a) = n - 1), and the
    other rows, scaled by det(a) beforehand, stay det(a) times the solution's. When an earlier
    pivot is zero as well (rank(a) < n - 1, mostly) adj(a) is 0: those matrices are found by a
    back substitution that overflows, and their inputs and results set to 0 (the input too, so
    that the transposed solve, reverse mode, gives no 0 * inf either)."""
    np = _np()
    n = a.shape[-1]
    if n == 1:
        return b
    lu, pivots, perm = _bind("linalg_lu", a)
    partial = np.cumprod(np.diagonal(lu, axis1=-2, axis2=-1), axis=-1)
    partial = partial * _lu_sign(pivots, a.dtype)[..., None]
    det = partial[..., -1:]
    corner = onp.zeros((n, n), bool)
    corner[-1, -1] = True
    lu = np.where(corner, (1.0 / partial[..., -2])[..., None, None], lu)
    probe = _triangular_solve(lu, np.ones(a.shape[:-1] + (1,), a.dtype), lower=False)
    low_rank = np.any(~np.isfinite(probe), axis=(-2, -1))[..., None, None]
    zero = np.zeros((), b.dtype)
    x = np.where(low_rank, zero, b)
    x = np.take_along_axis(x, perm[..., :, None].astype(np.int64), axis=-2)
    x = _triangular_solve(lu, x, lower=True, unit_diagonal=True)
    rows = onp.arange(n) < n - 1
    x = x * np.where(rows, det, np.ones((), a.dtype))[..., :, None]
    x = _triangular_solve(lu, x, lower=False)
    return np.where(low_rank, zero, x)


def _cofactors_small(a):
    """The cofactor matrix (adj(a)^T) of a stack of 2 x 2 or 3 x 3 matrices, in closed form."""
    np = _np()
    if a.shape[-1] == 2:
        row0 = np.stack([a[..., 1, 1], -a[..., 1, 0]], axis=-1)
        row1 = np.stack([-a[..., 0, 1], a[..., 0, 0]], axis=-1)
        return np.stack([row0, row1], axis=-2)

    def cross(u, v):
        return np.stack(
            [
                u[..., 1] * v[..., 2] - u[..., 2] * v[..., 1],
                u[..., 2] * v[..., 0] - u[..., 0] * v[..., 2],
                u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0],
            ],
            axis=-1,
        )

    r0, r1, r2 = a[..., 0, :], a[..., 1, :], a[..., 2, :]
    return np.stack([cross(r1, r2), cross(r2, r0), cross(r0, r1)], axis=-2)


@_det_lu.defjvp
def _det_jvp(primals, tangents):
    # d det(a) = tr(adj(a) da), finite (and right) for singular matrices too, where
    # det(a) solve(a, da) is not. For n <= 3 the adjugate is the polynomial of its closed form
    # (JAX differentiates det's closed forms there), so that the derivatives of every order
    # are; larger matrices take _cofactor_solve's (JAX's rule).
    (a,), (t,) = primals, tangents
    np = _np()
    n = a.shape[-1]
    if n == 1:
        dt = t[..., 0, 0]
    elif n <= 3:
        dt = np.sum(_cofactors_small(a) * t, axis=(-2, -1))
    else:
        dt = np.trace(_cofactor_solve(a, t), axis1=-2, axis2=-1)
    return _det_lu(a), dt


def cholesky(a, /, *, upper=False, symmetrize_input=True):
    """numpy.linalg.cholesky. The input is first symmetrized, (a + a^H) / 2, as jax.numpy's
    cholesky does by default (symmetrize_input): the gradient is then Hermitian, as JAX's. For
    the Hermitian inputs cholesky is defined on, the values are NumPy's; NumPy would read only
    the lower triangle of a non-Hermitian one."""
    a = _as_inexact(a)
    if symmetrize_input and a.ndim >= 2 and a.shape[-1] == a.shape[-2]:  # (else its error)
        a = (a + _H(a)) / 2
    L = _bind("linalg_cholesky", a)[0]
    return _H(L) if upper else L


def _orthonormal_complement(q):
    """Columns completing the k < m orthonormal columns of a traced q (m x k; concrete
    matrices take NumPy's complete factors) to an m x m unitary: the
    last columns of the Householder QR of [q | 0], whose zero columns add identity
    reflectors. The complement is not unique; as q moves, it follows as the fixed columns
    projected off q and re-orthonormalized (c L^-H, L L^H = c^H c), so that what does not
    depend on the choice (its projector I - q q^H) has the right derivatives at every order."""
    np = _np()
    m, k = q.shape[-2], q.shape[-1]
    fixed = lax.stop_gradient(q)
    padded = np.concatenate([fixed, np.zeros(q.shape[:-1] + (m - k,), q.dtype)], axis=-1)
    c = _bind("linalg_qr", padded)[0][..., k:]
    c = c - q @ (_H(q) @ c)
    chol = cholesky(_H(c) @ c)
    return _H(_triangular_solve(chol, _H(c), lower=True))


def qr(a, mode="reduced"):
    """numpy.linalg.qr, every mode. A tall matrix's complete Q is NumPy's on concrete arrays;
    traced, its thin Q and the orthonormal complement the same Householder reflectors give
    (LAPACK's Q too, to rounding). raw (LAPACK's reflectors) and the deprecated economic are
    NumPy's, on concrete arrays."""
    a = _as_inexact(a)
    _at_least_2d(a.shape)
    if mode in ("full", "f", "economic", "e"):
        full = mode in ("full", "f")
        warnings.warn(
            "The 'full' option is deprecated in favor of 'reduced'.\nFor backward "
            "compatibility let mode default."
            if full
            else "The 'economic' option is deprecated.",
            DeprecationWarning,
            stacklevel=2,
        )
        if full:
            mode = "reduced"
    if mode not in ("reduced", "complete", "r", "raw", "economic", "e"):
        raise ValueError(f"qr: unrecognized mode '{mode}'")
    if mode in ("raw", "economic", "e"):
        if a._is_tracer:
            raise NotImplementedError(
                f"qr: mode={mode!r} (LAPACK's Householder reflectors) needs concrete arrays"
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            r = onp.linalg.qr(onp.asarray(a), mode=mode)
        return from_numpy(r)
    m, n = a.shape[-2], a.shape[-1]
    if mode == "complete" and m > n and not a._is_tracer:
        # LAPACK's (NumPy's) orgqr builds the m x m Q in O(m^2 n); the traced form below
        # factors an m x m matrix, O(m^3), four times slower at 2000 x 10.
        return QRResult(*from_numpy(onp.linalg.qr(onp.asarray(a), mode="complete")))
    q, r = _bind("linalg_qr", a)
    if mode == "r":
        return r
    if mode == "complete" and m > n:
        np = _np()
        q = np.concatenate([q, _orthonormal_complement(q)], axis=-1)
        r = np.concatenate([r, np.zeros(r.shape[:-2] + (m - n, n), r.dtype)], axis=-2)
    return QRResult(q, r)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """numpy.linalg.svd."""
    a = _as_inexact(a)
    _at_least_2d(a.shape)
    m, n = a.shape[-2], a.shape[-1]
    if full_matrices and compute_uv and m != n and not a._is_tracer:
        # NumPy's own (LAPACK's gesdd): the same basis of the null space, not only a valid one
        u, s, vh = onp.linalg.svd(onp.asarray(a), full_matrices=True)
        return SVDResult(*from_numpy((u, s, vh)))
    u, s, vh = _bind("linalg_svd", a)
    if not compute_uv:
        return s
    if full_matrices and m != n:
        # Traced: the thin factors, the larger one completed to a unitary. The completing
        # basis of the null space is a valid one but not LAPACK's (gesdd's depends on its
        # path), so these columns differ from eager ones.
        np = _np()
        if m > n:
            u = np.concatenate([u, _orthonormal_complement(u)], axis=-1)
        else:
            vh = np.concatenate([vh, _H(_orthonormal_complement(_H(vh)))], axis=-2)
    return SVDResult(u, s, vh)


def svdvals(x, /):
    """numpy.linalg.svdvals."""
    return svd(x, compute_uv=False)


def eigh(a, UPLO="L", symmetrize_input=False):
    """numpy.linalg.eigh (the UPLO triangle, as NumPy's). jax.numpy's symmetrize_input=True
    first takes (a + a^H) / 2 (JAX's default: there the gradient is Hermitian)."""
    UPLO = "L" if UPLO is None else UPLO.upper() if isinstance(UPLO, str) else UPLO
    if UPLO not in ("L", "U"):
        raise ValueError(f"eigh: UPLO argument must be 'L' or 'U', got {UPLO!r}")
    a = _as_inexact(a)
    if symmetrize_input and a.ndim >= 2 and a.shape[-1] == a.shape[-2]:  # (else its error)
        a = (a + _H(a)) / 2
    w, v = _bind("linalg_eigh", a, UPLO=UPLO)
    return EighResult(w, v)


def eigvalsh(a, UPLO="L", *, symmetrize_input=False):
    """numpy.linalg.eigvalsh (symmetrize_input as eigh's)."""
    return eigh(a, UPLO, symmetrize_input)[0]


def eig(a):
    """numpy.linalg.eig (complex results; NumPy returns real ones when they all are)."""
    a = _as_inexact(a)
    w, v = _bind("linalg_eig", a)
    if not a._is_tracer and a.dtype.kind == "f":
        wn, vn = onp.asarray(w), onp.asarray(v)
        if not onp.any(wn.imag) and not onp.any(vn.imag):
            w, v = _np().real(w), _np().real(v)
    return EigResult(w, v)


def eigvals(a):
    """numpy.linalg.eigvals."""
    return eig(a)[0]


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """numpy.linalg.vector_norm."""
    np = _np()
    x = _as_inexact(x)
    if ord == 2:
        if x.dtype.kind == "c":
            sq = np.real(x * np.conj(x))
        elif x.ndim == 1 and axis in (None, 0, -1) and not keepdims:
            return np.sqrt(np.dot(x, x))  # one pass, as NumPy's BLAS dot
        else:
            sq = x * x
        return np.sqrt(np.sum(sq, axis=axis, keepdims=keepdims))
    ax = np.abs(x)
    if ord == np.inf:  # (NumPy's initial: the norm of no elements is 0)
        return np.max(ax, axis=axis, keepdims=keepdims, initial=0)
    if ord == -np.inf:
        return np.min(ax, axis=axis, keepdims=keepdims)
    if ord == 0:
        return np.sum(ax != 0, axis=axis, keepdims=keepdims).astype(ax.dtype)
    if ord == 1:
        return np.sum(ax, axis=axis, keepdims=keepdims)
    return np.sum(ax**ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """numpy.linalg.matrix_norm."""
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def norm(x, ord=None, axis=None, keepdims=False):
    """numpy.linalg.norm: every vector and matrix order of NumPy's."""
    np = _np()
    x = _as_inexact(x)
    if axis is None:
        if ord is None or (ord in ("fro", "f") and x.ndim == 2) or (ord == 2 and x.ndim == 1):
            if x.ndim == 1 and not keepdims and x.dtype.kind != "c":
                # (vector_norm's one pass, without its checks; the engine's dot: np.dot's
                # wrappers have nothing to do for one real inexact array)
                return np.sqrt(_core.dot(x, x))
            r = vector_norm(x.reshape(-1), ord=2)
            return r.reshape((1,) * x.ndim) if keepdims else r
        axis = tuple(range(x.ndim))
    if isinstance(axis, int):
        axis = (axis,)
    if len(axis) > 2:
        raise ValueError("norm: Improper number of dimensions to norm.")
    if len(axis) == 2 and axis[0] == axis[1]:
        raise ValueError("norm: Duplicate axes given.")
    axis = onp.lib.array_utils.normalize_axis_tuple(tuple(axis), x.ndim, "axis")  # AxisError
    if len(axis) == 1:
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        return vector_norm(x, axis=axis[0], keepdims=keepdims, ord=2 if ord is None else ord)
    if len(axis) != 2:
        raise ValueError("Improper number of dimensions to norm.")
    r0, c0 = axis
    if r0 == c0:
        raise ValueError("Duplicate axes given.")
    if ord is None or ord in ("fro", "f"):
        return vector_norm(x, axis=axis, keepdims=keepdims, ord=2)
    if ord in (2, -2, "nuc"):
        y = np.moveaxis(x, (r0, c0), (-2, -1))
        s = svd(y, compute_uv=False)
        r = (
            np.max(s, axis=-1, initial=0)
            if ord == 2
            else np.min(s, axis=-1)
            if ord == -2
            else np.sum(s, axis=-1)
        )
    elif ord in (1, -1):
        col = np.sum(np.abs(x), axis=r0)
        c = c0 - 1 if c0 > r0 else c0
        r = np.max(col, axis=c, initial=0) if ord == 1 else np.min(col, axis=c)
    elif ord in (np.inf, -np.inf):
        row = np.sum(np.abs(x), axis=c0)
        rr = r0 - 1 if r0 > c0 else r0
        r = np.max(row, axis=rr, initial=0) if ord == np.inf else np.min(row, axis=rr)
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        shape = list(x.shape)
        shape[r0] = shape[c0] = 1
        r = r.reshape(shape)
    return r


def pinv(a, rcond=None, hermitian=False, *, rtol=onp._NoValue):
    """numpy.linalg.pinv (through the SVD). A stack's rcond/rtol may be an array, one value
    per matrix; rtol=None is the Array API's default, max(M, N) * eps."""
    np = _np()
    a = _as_inexact(a)
    if rcond is not None and rtol is not onp._NoValue:
        raise ValueError("pinv: `rtol` and `rcond` can't be both set.")
    if rcond is None:
        if rtol is onp._NoValue:
            rcond = 1e-15
        elif rtol is None:
            rcond = max(a.shape[-2:]) * onp.finfo(a.dtype).eps
        else:
            rcond = rtol
    if a.size == 0:
        return np.zeros(a.shape[:-2] + a.shape[-2:][::-1], a.dtype)
    if hermitian and a.ndim >= 2 and a.shape[-1] == a.shape[-2]:
        # The Hermitian part (a itself for the Hermitian matrices hermitian=True is meant for,
        # to the bit), as jax.numpy's: its derivative then is JAX's.
        a = (a + _H(a)) / 2
    return _pinv_svd(a, np.asarray(rcond))


@custom_jvp
def _pinv_svd(a, rcond):
    """pinv through the SVD: singular values at most rcond * the largest one taken as 0."""
    np = _np()
    u, s, vh = _bind("linalg_svd", a)
    cutoff = rcond[..., None] * np.max(s, axis=-1, keepdims=True, initial=0)
    sinv = np.where(s > cutoff, 1.0 / np.where(s > cutoff, s, 1.0), 0.0).astype(s.dtype)
    return _H(vh) @ (sinv[..., :, None].astype(a.dtype) * _H(u))


@_pinv_svd.defjvp
def _pinv_jvp(primals, tangents):
    # The pseudo-inverse's derivative (Golub and Pereyra 1973), at fixed rank, as JAX's:
    # dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P, without the SVD's
    # 1 / (s_i^2 - s_j^2), which is infinite at repeated singular values (the identity's).
    # (The cutoff is not differentiated: rcond's tangent is dropped.)
    (a, rcond), (t, _) = primals, tangents
    p = _pinv_svd(a, rcond)  # n x m
    m, n = a.shape[-2:]
    if m >= n:
        s = (p @ _H(p)) @ _H(t)
        r = (_H(t) @ _H(p)) @ p
        dp = -(p @ t) @ p + s - (s @ a) @ p + r - (p @ a) @ r
    else:
        s = p @ (_H(p) @ _H(t))
        r = _H(t) @ (_H(p) @ p)
        dp = -p @ (t @ p) + s - s @ (a @ p) + r - p @ (a @ r)
    return p, dp


def lstsq(a, b, rcond=None, *, numpy_resid=False):
    """numpy.linalg.lstsq: (x, residuals, rank, singular values): NumPy's (LAPACK's) on
    concrete arrays. Traced: x through the pseudo-inverse, and as jax.numpy's the squared
    residual norms of every column (numpy_resid=True: empty unless full rank with m > n, as
    NumPy's; that needs concrete values)."""
    np = _np()
    a, b = _as_inexact(a), _arr(b)
    if not a._is_tracer and not b._is_tracer:
        r = onp.linalg.lstsq(onp.asarray(a), onp.asarray(b), rcond=rcond)
        return tuple(_core.asarray(x, None, None) for x in r)
    if numpy_resid:
        raise TypeError(
            "lstsq: numpy_resid=True needs concrete arrays (its shape depends on the rank)"
        )
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise LinAlgError(f"lstsq: incompatible shapes {a.shape} and {b.shape}")
    m, n = a.shape
    eps = float(onp.finfo(a.real.dtype).eps)
    # rcond as NumPy's: None is eps * max(m, n), a negative one the machine precision; singular
    # values below rcond times the largest do not count (JAX's algorithm)
    if rcond is None:
        rcond = eps * max(m, n)
    else:
        rcond = np.where(np.asarray(rcond) < 0, eps, rcond)
    b2 = b[:, None] if b.ndim == 1 else b
    b2 = b2.astype(np.result_type(a, b2))
    u, s, vh = svd(a, full_matrices=False)
    smax = s[0] if s.shape[0] else np.zeros((), s.dtype)
    mask = s >= np.asarray(rcond, s.dtype) * smax
    safe = np.where(mask, s, 1)
    s_inv = np.where(mask, 1 / safe, 0).astype(b2.dtype)[:, None]
    x = np.conj(vh.T) @ (s_inv * (np.conj(u.T) @ b2))
    resid = np.sum(np.abs(b2 - a @ x) ** 2, axis=0)  # (one per column; (1,) for a vector b)
    return (x[:, 0] if b.ndim == 1 else x), resid, np.sum(mask), s


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """numpy.linalg.matrix_rank."""
    np = _np()
    if tol is not None and rtol is not None:
        raise ValueError("matrix_rank: `tol` and `rtol` can't be both set.")
    A = _as_inexact(A)
    if A.ndim < 2:  # (1 if any entry is nonzero; traced arrays too)
        return np.any(A != 0).astype(onp.int64)
    s = svd(A, compute_uv=False)
    if tol is None:
        if rtol is None:
            rtol = max(A.shape[-2:]) * onp.finfo(s.dtype).eps
        else:  # (one per matrix of a stack)
            rtol = np.asarray(rtol)[..., None]
        tol = np.max(s, axis=-1, keepdims=True, initial=0) * rtol
    else:
        tol = np.asarray(tol)[..., None]
    return np.sum(s > tol, axis=-1)


def cond(x, p=None):
    """numpy.linalg.cond."""
    x = _as_inexact(x)
    _at_least_2d(x.shape)
    if p is None or p in (2, -2):
        if x.shape[-1] == 0 or x.shape[-2] == 0:  # NumPy's error (its svd has no singular values)
            raise LinAlgError("cond is not defined on empty arrays")
        s = svd(x, compute_uv=False)
        r = s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    else:
        _square("cond", x.shape)  # (NumPy's LinAlgError: not an inverse of infs)
        r = norm(x, p, axis=(-2, -1)) * norm(_inv_or_inf(x), p, axis=(-2, -1))
    # NumPy: a singular matrix (0/0 above, an inverse of infs) has an infinite condition number;
    # NaN stays only where x itself holds NaN.
    np = _np()
    return np.where(np.isnan(r) & ~np.any(np.isnan(x), axis=(-2, -1)), np.inf, r)


def _inv_or_inf(x):
    """inv(x), with the inverse of each singular matrix all inf (NumPy's inverse with its
    errors ignored), so cond gives inf for it."""
    try:
        return inv(x)
    except LinAlgError:
        if x.ndim == 2:
            return _np().full(x.shape, onp.inf, x.dtype)
        return _np().stack([_inv_or_inf(m) for m in x])


# The Array API's linalg functions over the main namespace's (numpy.linalg has them too).
from arrax.numpy._linalg_array_api import (  # noqa: E402
    cross,
    diagonal,
    matmul,
    matrix_transpose,
    outer,
    tensordot,
    trace,
    vecdot,
)

# Products and tensor solves composed of the functions above.
from arrax.numpy._linalg_products import (  # noqa: E402
    matrix_power,
    multi_dot,
    tensorinv,
    tensorsolve,
)


def _install_numpy_fallback():
    """Hands a call whose arguments arrax arrays cannot hold to numpy.linalg's function, as the
    main namespace's functions do: Python objects (Rosetta Code's matrix_power of an object
    array for big Fibonacci numbers, of Fractions), integers past int64; for the LAPACK ones
    that is NumPy's own TypeError."""
    from arrax.numpy._host_fallback import with_numpy_fallback

    namespace = globals()
    for name in __all__:
        fn, numpy_fn = namespace[name], getattr(onp.linalg, name, None)
        if isinstance(fn, type) or not callable(numpy_fn) or isinstance(numpy_fn, type):
            continue
        namespace[name] = with_numpy_fallback(fn, numpy_fn)


_install_numpy_fallback()
