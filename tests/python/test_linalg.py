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


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
@pytest.mark.parametrize("shape", [(1, 1), (5, 5), (3, 4, 4), (2, 0, 0)])
def test_eig_matches_numpy(dtype, shape):
    """eig's eigenvalues are NumPy's (as a set), its dtypes NumPy's, and its eigenvectors
    LAPACK's: unit norm, a complex matrix's turned so that their largest component is real and
    positive, so each equals NumPy's; a real matrix's up to sign (real, or for a complex pair
    with the largest component real), whose choice LAPACK leaves to its algorithm."""
    r = np.random.default_rng(3)
    a = r.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * r.standard_normal(shape)
    a = a.astype(dtype)
    w, v = anp.linalg.eig(a)
    w0, v0 = np.linalg.eig(a)
    assert w.dtype == w0.dtype and v.dtype == v0.dtype and v.shape == v0.shape
    w, v = np.asarray(w), np.asarray(v)
    tol = 1e-4 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10
    nb, n = int(np.prod(shape[:-2])), shape[-1]
    a2, w2, v2 = a.reshape(nb, n, n), w.reshape(nb, n), v.reshape(nb, n, n)
    w02, v02 = w0.reshape(w2.shape), v0.reshape(v2.shape)
    for m, wb, vb, w0b, v0b in zip(a2, w2, v2, w02, v02):
        np.testing.assert_allclose(m @ vb, vb * wb, rtol=tol, atol=tol * 10)
        for k in range(len(wb)):  # each eigenvalue's vector against NumPy's for the same one
            j = np.argmin(np.abs(w0b - wb[k]))
            np.testing.assert_allclose(wb[k], w0b[j], rtol=tol, atol=tol)
            x, y = vb[:, k], v0b[:, j]
            if not np.iscomplexobj(a):
                y = y * np.sign(np.vdot(y, x).real)
            np.testing.assert_allclose(x, y, rtol=tol * 10, atol=tol * 10)


EMPTY_CALLS = {
    **{name: (lambda name: lambda m, a: getattr(m.linalg, name)(a))(name)
       for name in ["inv", "det", "slogdet", "cholesky", "qr", "eig", "eigvals", "eigh",
                    "eigvalsh", "svd", "pinv", "matrix_rank", "cond"]},
    "norm_2": lambda m, a: m.linalg.norm(a, 2) if a.ndim == 2 else m.linalg.norm(a),
    "norm_1": lambda m, a: m.linalg.norm(a, 1) if a.ndim == 2 else m.linalg.norm(a),
    "solve": lambda m, a: m.linalg.solve(a, a),
    "matrix_power": lambda m, a: m.linalg.matrix_power(a, 3),
    "multi_dot": lambda m, a: m.linalg.multi_dot([a, a, a]),
}  # fmt: skip


@pytest.mark.parametrize("shape", [(0, 0), (2, 0, 0), (3, 0), (0, 3)])
@pytest.mark.parametrize("name", sorted(EMPTY_CALLS))
def test_linalg_of_empty_matrices(name, shape):
    """Every linalg function on matrices with no items gives NumPy's shapes, dtypes and values,
    or NumPy's exception (LinAlgError is a ValueError); the 0 x 0 SVD and eigensolvers once
    crashed the process."""
    f = EMPTY_CALLS[name]
    for dtype in (np.float64, np.complex64):
        a = np.zeros(shape, dtype)
        try:
            want = f(np, a)
        except ValueError as e:  # (LinAlgError included)
            with pytest.raises(type(e)):
                f(anp, a)
            continue
        got = f(anp, a)
        want = want if isinstance(want, tuple) else (want,)
        got = got if isinstance(got, tuple) else (got,)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            g, w = np.asarray(g), np.asarray(w)
            assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, g.dtype, w.shape, w.dtype)
            np.testing.assert_allclose(g, w)


@pytest.mark.parametrize("dtype", ["float32", "complex64"])
def test_det_of_32_bit_matrices_rounds_once(dtype):
    # Small integer matrices, whose determinants float32 holds exactly: LAPACK's (NumPy's)
    # value, not a float32 LU's rounded steps (-1.9999999 for [[1, 2], [3, 4]]).
    rng = np.random.RandomState(0)
    mats = [np.array([[1.0, 2.0], [3.0, 4.0]])] + [
        rng.randint(-5, 6, size=(k, k)).astype(float) for k in (2, 3, 4, 5) for _ in range(5)
    ]
    for m in mats:
        got = anp.linalg.det(anp.asarray(m.astype(dtype)))
        assert got.dtype == dtype
        assert complex(np.asarray(got)).real == round(np.linalg.det(m))
    batch = np.stack(mats[1:6]).astype(dtype)
    np.testing.assert_allclose(np.asarray(anp.linalg.det(anp.asarray(batch))),
                                np.linalg.det(batch.astype("complex128")), rtol=1e-6)  # fmt: skip


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 100, 65_536, 100_001])
def test_inner_products_against_numpy(dtype, n):
    # (M = N = 1 takes its own loop, split over the cores past 64K elements)
    rng = np.random.default_rng(n)
    a, b = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
    got = anp.dot(anp.asarray(a), anp.asarray(b))
    assert got.dtype == np.dot(a, b).dtype
    tol = 1e-4 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(float(got), float(np.dot(a, b)), rtol=tol, atol=tol)
    m = rng.standard_normal((n, 3)).astype(dtype)  # strided columns
    np.testing.assert_allclose(
        float(anp.dot(anp.asarray(m)[:, 1], anp.asarray(m)[:, 2])), float(m[:, 1] @ m[:, 2]),
        rtol=tol, atol=tol,
    )  # fmt: skip
    assert float(anp.linalg.norm(anp.asarray(a))) == pytest.approx(
        float(np.linalg.norm(a)), rel=tol
    )


def test_det_takes_numpys_steps():
    # NumPy's det is sign * exp(sum of log|pivot|), not the pivots' product: the textbook
    # det([[1, 2], [3, 4]]) prints -2.0000000000000004 in NumPy (the product gives -2.0).
    assert anp.linalg.det(anp.array([[1.0, 2.0], [3.0, 4.0]])).item() == np.linalg.det(
        np.array([[1.0, 2.0], [3.0, 4.0]])
    )
    rng = np.random.default_rng(0)
    same = 0
    for _ in range(100):
        a = rng.integers(-5, 6, (3, 3)).astype(float)
        got, want = anp.linalg.det(anp.asarray(a)).item(), np.linalg.det(a)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        same += got == want
    assert same >= 80  # (the LU's own rounding still differs from LAPACK's now and then)
    assert anp.linalg.det(anp.zeros((3, 3))).item() == 0.0
