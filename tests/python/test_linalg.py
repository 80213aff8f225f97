"""arrax.numpy.linalg against numpy.linalg: values, dtypes, stacked inputs, errors, and
gradients of the decompositions against finite differences."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY, run_both

rng = np.random.default_rng(7)
M = rng.standard_normal((4, 4)) + 4 * np.eye(4)
S = M @ M.T
T = rng.standard_normal((5, 3))
B = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
F32 = M.astype(np.float32)
C = M + 1j * rng.standard_normal((4, 4))


def _abs(m, t):  # eigen/singular vectors are defined up to sign (phase)
    return tuple(m.abs(x) if getattr(x, "ndim", 0) >= 2 else x for x in t)


CALLS = {
    "inv": (lambda m, a: m.linalg.inv(a), (M,)),
    "inv_f32": (lambda m, a: m.linalg.inv(a), (F32,)),
    "inv_stacked": (lambda m, a: m.linalg.inv(a), (B,)),
    "inv_complex": (lambda m, a: m.linalg.inv(a), (C,)),
    "solve_vector": (lambda m, a: m.linalg.solve(a, a[0]), (M,)),
    "solve_matrix": (lambda m, a: m.linalg.solve(a, a[:, :2]), (M,)),
    "solve_stacked": (lambda m, a: m.linalg.solve(a, a[..., :1]), (B,)),
    # one vector for every matrix of a stack (NumPy 2 broadcasts it)
    "solve_stacked_vector": (lambda m, a: m.linalg.solve(a, a[0, 0]), (B,)),
    "det": (lambda m, a: m.linalg.det(a), (B,)),
    "slogdet": (lambda m, a: tuple(m.linalg.slogdet(a)), (M,)),
    "cholesky": (lambda m, a: m.linalg.cholesky(a), (S,)),
    "cholesky_upper": (lambda m, a: m.linalg.cholesky(a, upper=True), (S,)),
    "qr_reduced": (lambda m, a: _abs(m, tuple(m.linalg.qr(a))), (T,)),
    "qr_r": (lambda m, a: m.abs(m.linalg.qr(a, mode="r")), (T,)),
    "qr_complete": (lambda m, a: _abs(m, tuple(m.linalg.qr(a, mode="complete"))), (T,)),
    "svd_values": (lambda m, a: m.linalg.svd(a, compute_uv=False), (T,)),
    "svd_reduced": (lambda m, a: _abs(m, tuple(m.linalg.svd(a, full_matrices=False))), (T,)),
    "svd_full": (lambda m, a: _abs(m, tuple(m.linalg.svd(a))), (T,)),
    "eigh": (lambda m, a: _abs(m, tuple(m.linalg.eigh(a))), (S,)),
    "eigvalsh_upper": (lambda m, a: m.linalg.eigvalsh(a, UPLO="U"), (S,)),
    "eigvals": (lambda m, a: m.sort(m.real(m.linalg.eigvals(a))), (M,)),
    "norm_default": (lambda m, a: m.linalg.norm(a), (T,)),
    "norm_orders": (
        lambda m, a: m.stack(
            [m.linalg.norm(a, o) for o in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)]
        ),
        (T,),
    ),
    "norm_vector_orders": (
        lambda m, a: m.stack(
            [m.linalg.norm(a, o, axis=1) for o in (None, 0, 1, 2, 3, np.inf, -np.inf)]
        ),
        (T,),
    ),
    "norm_keepdims": (lambda m, a: m.linalg.norm(a, axis=(0, 1), keepdims=True), (B,)),
    "pinv": (lambda m, a: m.linalg.pinv(a), (T,)),
    "lstsq": (lambda m, a: m.linalg.lstsq(a, a[:, 0], rcond=None)[0], (T,)),
    "matrix_rank": (lambda m, a: m.linalg.matrix_rank(a @ a.T), (T,)),
    "matrix_power": (lambda m, a: m.linalg.matrix_power(a, 3) + m.linalg.matrix_power(a, -2), (M,)),
    "multi_dot": (lambda m, a: m.linalg.multi_dot([a, a.T, a[:, 0]]), (T,)),
    "cond": (lambda m, a: m.linalg.cond(a), (M,)),
    "cond_fro": (lambda m, a: m.linalg.cond(a, "fro"), (M,)),
    "tensorsolve": (lambda m, a: m.linalg.tensorsolve(a.reshape(4, 2, 2), a[0]), (M,)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_matches_numpy(name):
    fn, args = CALLS[name]
    run_both(fn, *args, tol_scale=100.0)


ERRORS = {
    "inv_singular": (lambda m, a: m.linalg.inv(a * 0), (M,)),
    "inv_not_square": (lambda m, a: m.linalg.inv(a), (T,)),
    "cholesky_not_pd": (lambda m, a: m.linalg.cholesky(-a), (S,)),
    "solve_1d": (lambda m, a: m.linalg.solve(a[0], a[0]), (M,)),
    "norm_bad_ord": (lambda m, a: m.linalg.norm(a, "nope"), (T,)),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_numpy(name):
    fn, args = ERRORS[name]
    assert run_both(fn, *args) is None


GRADS = {
    "inv": lambda a: anp.linalg.inv(a),
    "solve": lambda a: anp.linalg.solve(a, a[:, 0]),
    "det": lambda a: anp.linalg.det(a),
    "slogdet": lambda a: anp.linalg.slogdet(a)[1],
    "cholesky": lambda a: anp.linalg.cholesky(a @ a.T),
    "qr": lambda a: anp.linalg.qr(a)[1],
    "svd_values": lambda a: anp.linalg.svd(a, compute_uv=False),
    "eigh_values": lambda a: anp.linalg.eigvalsh(a + a.T),
    "norm_nuc": lambda a: anp.linalg.norm(a, "nuc"),
    "pinv": lambda a: anp.linalg.pinv(a),
}


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
@pytest.mark.parametrize("name", sorted(GRADS))
def test_grads(name):
    f = GRADS[name]
    arrax.test_util.check_grads(lambda a: anp.sum(anp.sin(f(a))), (anp.asarray(M),), order=2)


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
def test_jit_and_vmap():
    b = anp.asarray(B)
    inv = arrax.jit(anp.linalg.inv)(b)
    np.testing.assert_allclose(np.asarray(inv), np.linalg.inv(B), rtol=1e-10)
    dets = arrax.vmap(anp.linalg.det)(b)
    np.testing.assert_allclose(np.asarray(dets), np.linalg.det(B), rtol=1e-10)
    x = arrax.vmap(anp.linalg.solve, in_axes=(None, 0))(anp.asarray(M), anp.asarray(M))
    np.testing.assert_allclose(np.asarray(x), np.linalg.solve(M, M.T).T, rtol=1e-10)
