"""arrax.scipy.linalg against SciPy: values and dtypes over shapes, batches, triangles,
transposes and dtypes; derivatives against finite differences; vmap and jit."""

import arrax
import numpy as np
import pytest
from arrax.scipy import linalg as al
from arrax.test_util import check_grads

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
sl = pytest.importorskip("scipy.linalg")

rng = np.random.default_rng(0)


def tri(n, lower, dtype=np.float64, batch=()):
    m = rng.normal(size=batch + (n, n)) + 3 * np.eye(n)
    if np.dtype(dtype).kind == "c":
        m = m + 1j * rng.normal(size=m.shape)
    m = np.tril(m) if lower else np.triu(m)
    # the other triangle holds values the solve must not read
    junk = rng.normal(size=m.shape)
    m = m + (np.triu(junk, 1) if lower else np.tril(junk, -1))
    return m.astype(dtype)


def tol(dtype):
    return 1e-4 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
@pytest.mark.parametrize("trans", [0, 1, 2, "N", "T", "C"])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("unit", [False, True])
@pytest.mark.parametrize("bshape", [(5,), (5, 3), (5, 0)])
def test_solve_triangular_matches_scipy(dtype, trans, lower, unit, bshape):
    a = tri(5, lower, dtype)
    b = rng.normal(size=bshape).astype(dtype)
    got = al.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit)
    want = sl.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit)
    assert got.dtype == a.dtype and got.shape == want.shape
    np.testing.assert_allclose(np.asarray(got), want, rtol=tol(dtype), atol=tol(dtype))


def test_solve_triangular_batches_broadcast_and_promote():
    a = tri(4, True, batch=(2, 3))
    b = rng.normal(size=(1, 3, 4, 2))  # broadcast against a's batch (2, 3)
    got = np.asarray(al.solve_triangular(a, b, lower=True))
    for i in range(2):
        for j in range(3):
            np.testing.assert_allclose(got[i, j], sl.solve_triangular(a[i, j], b[0, j], lower=True))
    # a stack of vectors, and integer operands (float64 results, as SciPy)
    bv = rng.normal(size=(2, 3, 4))
    np.testing.assert_allclose(
        np.asarray(al.solve_triangular(a, bv, lower=True))[1, 2],
        sl.solve_triangular(a[1, 2], bv[1, 2], lower=True),
    )
    ai = np.array([[2, 0], [1, 4]])
    r = al.solve_triangular(ai, np.array([2, 9]), lower=True)
    assert r.dtype == np.float64
    np.testing.assert_allclose(np.asarray(r), [1.0, 2.0])


def test_solve_triangular_bad_input():
    with pytest.raises(ValueError, match="solve_triangular"):
        al.solve_triangular(np.eye(3), np.ones(4))
    with pytest.raises(ValueError, match="solve_triangular"):
        al.solve_triangular(np.ones((3, 4)), np.ones(3))
    with pytest.raises(ValueError, match="trans"):
        al.solve_triangular(np.eye(3), np.ones(3), trans="X")
    # a zero on the diagonal: inf/nan, as JAX (SciPy raises)
    assert not np.isfinite(np.asarray(al.solve_triangular(np.zeros((2, 2)), np.ones(2)))).all()


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("trans", [0, 1, 2])
def test_solve_triangular_derivatives(lower, trans):
    a = tri(4, lower, np.float64)
    b = rng.normal(size=(4, 2))

    def f(a, b):
        return al.solve_triangular(a, b, lower=lower, trans=trans)

    check_grads(f, (a, b), order=2, modes=("fwd", "rev"))
    check_grads(lambda b: f(a, b[:, 0]), (b,), order=1, modes=("rev",))


def test_solve_triangular_complex_gradient_matches_finite_differences():
    a = tri(3, True, np.complex128)
    b = rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2))

    def loss(ar, br):  # a real loss of complex solves, through real parameters
        x = al.solve_triangular(ar + 1j * a.imag, br + 1j * b.imag, lower=True, trans=2)
        return arrax.numpy.sum(arrax.numpy.abs(x) ** 2)

    check_grads(loss, (a.real, b.real), order=1, modes=("rev",))


def test_solve_triangular_vmap_and_jit():
    a = tri(4, False, batch=(3,))
    b = rng.normal(size=(3, 4))
    loop = np.stack([sl.solve_triangular(a[i], b[i]) for i in range(3)])
    f = lambda a, b: al.solve_triangular(a, b, trans="T")  # noqa: E731
    loop_t = np.stack([sl.solve_triangular(a[i], b[i], trans="T") for i in range(3)])
    np.testing.assert_allclose(np.asarray(arrax.vmap(al.solve_triangular)(a, b)), loop)
    np.testing.assert_allclose(np.asarray(arrax.vmap(f, in_axes=(0, None))(a, b[0])), np.stack(
        [sl.solve_triangular(a[i], b[0], trans="T") for i in range(3)]))  # fmt: skip
    np.testing.assert_allclose(np.asarray(arrax.jit(arrax.vmap(f))(a, b)), loop_t)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
@pytest.mark.parametrize("lower", [True, False])
def test_cholesky_and_cho_solve_match_scipy(dtype, lower):
    m = rng.normal(size=(5, 5))
    if np.dtype(dtype).kind == "c":
        m = m + 1j * rng.normal(size=(5, 5))
    s = (m @ m.conj().T + 5 * np.eye(5)).astype(dtype)
    b = rng.normal(size=(5, 2)).astype(dtype)
    got = al.cholesky(s, lower=lower)
    assert got.dtype == s.dtype
    np.testing.assert_allclose(np.asarray(got), sl.cholesky(s, lower=lower), rtol=tol(dtype),
                               atol=tol(dtype))  # fmt: skip
    c = al.cho_factor(s, lower=lower)
    assert c[1] == lower
    want = sl.cho_solve(sl.cho_factor(s, lower=lower), b)
    np.testing.assert_allclose(np.asarray(al.cho_solve(c, b)), want, rtol=tol(dtype) * 10,
                               atol=tol(dtype) * 10)  # fmt: skip
    for assume in ("pos", "gen"):
        np.testing.assert_allclose(
            np.asarray(al.solve(s, b, assume_a=assume, lower=lower)),
            sl.solve(s, b, assume_a=assume, lower=lower),
            rtol=tol(dtype) * 10,
            atol=tol(dtype) * 10,
        )


def test_cho_solve_gradient():
    m = rng.normal(size=(4, 4))
    s = m @ m.T + 4 * np.eye(4)
    b = rng.normal(size=(4,))
    check_grads(lambda s, b: al.cho_solve(al.cho_factor(s), b), (s, b), order=1, modes=("rev",))


@pytest.mark.parametrize("scale", [0.0, 1e-3, 0.5, 3.0, 40.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
def test_expm_matches_scipy(scale, dtype):
    a = rng.normal(size=(6, 6)) * scale
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.normal(size=(6, 6)) * scale
    a = a.astype(dtype)
    want = sl.expm(a.astype(np.complex128 if a.dtype.kind == "c" else np.float64))
    got = al.expm(a)
    assert got.dtype == a.dtype
    if dtype == np.float32 and np.abs(want).max() > 1e30:
        return  # beyond float32's range: inf/nan, as in JAX
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=rtol * np.abs(want).max())


def test_expm_batches_jits_and_differentiates():
    a = rng.normal(size=(3, 4, 4))
    want = np.stack([sl.expm(m) for m in a])
    np.testing.assert_allclose(np.asarray(al.expm(a)), want, rtol=1e-10)
    np.testing.assert_allclose(np.asarray(arrax.jit(al.expm)(a)), want, rtol=1e-10)
    # exp of a diagonal matrix, and of a nilpotent one (exact results)
    d = np.diag([0.5, -1.0, 2.0])
    np.testing.assert_allclose(np.asarray(al.expm(d)), np.diag(np.exp([0.5, -1.0, 2.0])))
    n = np.array([[0.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(np.asarray(al.expm(n)), [[1.0, 1.0], [0.0, 1.0]])
    check_grads(al.expm, (a[0] * 0.3,), order=1, modes=("fwd", "rev"))


def test_qr_svd_eigh_det_inv():
    a = rng.normal(size=(5, 3))
    for mode in ("full", "economic"):
        q, r = al.qr(a, mode=mode)
        q0, r0 = sl.qr(a, mode=mode)
        assert q.shape == q0.shape and r.shape == r0.shape
        np.testing.assert_allclose(np.asarray(q) @ np.asarray(r), a, atol=1e-12)
    (r,) = al.qr(a, mode="r")
    np.testing.assert_allclose(np.abs(np.asarray(r)), np.abs(sl.qr(a, mode="r")[0]), atol=1e-12)
    np.testing.assert_allclose(np.asarray(al.svd(a, compute_uv=False)), sl.svdvals(a))
    s = a.T @ a
    for lower in (True, False):
        np.testing.assert_allclose(np.asarray(al.eigh(s, lower=lower)[0]), sl.eigh(s)[0])
        np.testing.assert_allclose(np.asarray(al.eigvalsh(s, lower=lower)), sl.eigvalsh(s))
    np.testing.assert_allclose(float(al.det(s)), sl.det(s))
    np.testing.assert_allclose(np.asarray(al.inv(s)), sl.inv(s))
    with pytest.raises(NotImplementedError, match="eigh"):
        al.eigh(s, s)
    with pytest.raises(ValueError, match="qr"):
        al.qr(a, mode="bad")


def test_block_diag_and_toeplitz_match_scipy():
    blocks = [np.ones((2, 2)), np.arange(3.0), np.array(7), np.eye(1, 2) * 2]
    got = al.block_diag(*blocks)
    np.testing.assert_array_equal(np.asarray(got), sl.block_diag(*blocks))
    assert got.dtype == sl.block_diag(*blocks).dtype
    assert al.block_diag(np.eye(2, dtype=np.int32)).dtype == np.int32
    c, r = np.array([1.0, 2.0, 3.0]), np.array([9.0, 5.0, 6.0, 7.0])
    np.testing.assert_array_equal(np.asarray(al.toeplitz(c, r)), sl.toeplitz(c, r))
    cc = np.array([1.0, 2 + 1j, 3 - 2j])
    np.testing.assert_array_equal(np.asarray(al.toeplitz(cc)), sl.toeplitz(cc))


@pytest.mark.parametrize("left_side", [True, False])
@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("conjugate_a", [False, True])
@pytest.mark.parametrize("lower", [True, False])
def test_lax_linalg_triangular_solve(left_side, transpose_a, conjugate_a, lower):
    a = tri(3, lower, np.complex128)
    b = (rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2))).astype(np.complex128)
    if not left_side:
        b = b.T
    x = np.asarray(
        arrax.lax.linalg.triangular_solve(
            a, b, left_side=left_side, lower=lower, transpose_a=transpose_a,
            conjugate_a=conjugate_a,
        )
    )  # fmt: skip
    op = np.tril(a) if lower else np.triu(a)
    op = op.conj() if conjugate_a else op
    op = op.T if transpose_a else op
    np.testing.assert_allclose(op @ x if left_side else x @ op, b, atol=1e-12)


def test_lax_linalg_decompositions():
    m = rng.normal(size=(4, 4))
    s = m @ m.T + 4 * np.eye(4)
    low = np.asarray(arrax.lax.linalg.cholesky(s))
    np.testing.assert_allclose(low @ low.T, s, atol=1e-12)
    v, w = arrax.lax.linalg.eigh(s)
    np.testing.assert_allclose(np.asarray(w), np.linalg.eigvalsh(s))
    q, r = arrax.lax.linalg.qr(m[:, :3], full_matrices=False)
    assert q.shape == (4, 3) and r.shape == (3, 3)
    np.testing.assert_allclose(np.asarray(q) @ np.asarray(r), m[:, :3], atol=1e-12)
    np.testing.assert_allclose(
        np.asarray(arrax.lax.linalg.svd(m, compute_uv=False)), np.linalg.svd(m)[1]
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
@pytest.mark.parametrize("n", [1, 4, 7, 12])
def test_lu_matches_scipy(dtype, n):
    a = rng.normal(size=(n, n))
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.normal(size=(n, n))
    a = a.astype(dtype)
    lu, piv = al.lu_factor(a)
    lu0, piv0 = sl.lu_factor(a)
    p, low, up = al.lu(a)
    p0, l0, u0 = sl.lu(a)
    # LAPACK's pivots (0-based interchanges), complex ones by |re| + |im| as LAPACK's izamax.
    np.testing.assert_array_equal(np.asarray(piv), piv0)
    np.testing.assert_allclose(np.asarray(lu), lu0, rtol=tol(dtype) * 10, atol=tol(dtype) * 10)
    np.testing.assert_array_equal(np.asarray(p), p0)
    np.testing.assert_allclose(np.asarray(low), l0, rtol=tol(dtype) * 10, atol=tol(dtype) * 10)
    np.testing.assert_allclose(np.asarray(up), u0, rtol=tol(dtype) * 10, atol=tol(dtype) * 10)
    np.testing.assert_allclose(np.asarray(p) @ np.asarray(low) @ np.asarray(up), a,
                               atol=tol(dtype) * 10)  # fmt: skip
    # partial pivoting: |l| <= 1 by the pivot's measure (|re| + |im| <= sqrt(2) |z| for complex)
    bound = np.sqrt(2) if np.dtype(dtype).kind == "c" else 1
    assert np.all(np.abs(np.tril(np.asarray(low), -1)) <= bound + 1e-6)
    pl, u1 = al.lu(a, permute_l=True)
    np.testing.assert_allclose(np.asarray(pl) @ np.asarray(u1), a, atol=tol(dtype) * 10)
    b = rng.normal(size=(n, 2)).astype(dtype)
    for trans in (0, 1, 2):
        want = sl.lu_solve((lu0, piv0), b, trans=trans)
        for rhs, w in ((b, want), (b[:, 0], want[:, 0])):
            got = al.lu_solve((lu, piv), rhs, trans=trans)
            np.testing.assert_allclose(
                np.asarray(got), w, rtol=tol(dtype) * 100, atol=tol(dtype) * 100
            )


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (1, 4), (4, 1), (2, 3, 6), (0, 3)])
def test_rectangular_lu_matches_scipy(dtype, shape):
    """lu and lu_factor of m x n matrices, as SciPy's: l is m x k, u k x n (k = min(m, n)), p
    m x m, k pivots; lax.linalg.lu's permutation has m entries; derivatives of both orders."""
    a = rng.normal(size=shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.normal(size=shape)
    a = a.astype(dtype)
    t = tol(dtype) * 10
    got = al.lu(a)
    mats = [a] if a.ndim == 2 else list(a)
    for i, m in enumerate(mats):
        want = sl.lu(m)
        for g, w in zip(got, want):
            g = np.asarray(g) if a.ndim == 2 else np.asarray(g)[i]
            assert g.shape == w.shape and g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=t, atol=t)
        if m.size:
            lu0, piv0 = sl.lu_factor(m)
            lu, piv = al.lu_factor(m)
            np.testing.assert_array_equal(np.asarray(piv), piv0)
            np.testing.assert_allclose(np.asarray(lu), lu0, rtol=t, atol=t)
    packed, pivots, perm = arrax.lax.linalg.lu(a)
    assert pivots.shape == a.shape[:-2] + (min(a.shape[-2:]),)
    assert perm.shape == a.shape[:-1]
    if dtype == np.float64 and a.size:
        check_grads(lambda m: arrax.lax.linalg.lu(m)[0], (a,), order=2, modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="lu_solve"):
        al.lu_solve(al.lu_factor(np.ones((3, 4))), np.ones(3))


def test_lu_batches_differentiates_and_lax():
    a = rng.normal(size=(3, 4, 4)) + 2 * np.eye(4)
    lu, piv = al.lu_factor(a)
    for i in range(3):
        lu0, piv0 = sl.lu_factor(a[i])
        np.testing.assert_allclose(np.asarray(lu)[i], lu0, atol=1e-12)
        np.testing.assert_array_equal(np.asarray(piv)[i], piv0)
    b = rng.normal(size=(3, 4))
    np.testing.assert_allclose(
        np.asarray(al.lu_solve((lu, piv), b)), np.linalg.solve(a, b[..., None])[..., 0]
    )
    np.testing.assert_allclose(np.asarray(arrax.jit(al.lu_solve)((lu, piv), b)),
                               np.linalg.solve(a, b[..., None])[..., 0])  # fmt: skip
    check_grads(lambda m: al.lu_factor(m)[0], (a[0],), order=2, modes=("fwd", "rev"))
    check_grads(lambda m, b: al.lu_solve(al.lu_factor(m), b), (a[0], b[0]), order=1)
    packed, pivots, perm = arrax.lax.linalg.lu(a[0])
    np.testing.assert_array_equal(
        np.asarray(arrax.lax.linalg.lu_pivots_to_permutation(pivots, 4)), np.asarray(perm)
    )
    low = np.tril(np.asarray(packed), -1) + np.eye(4)
    np.testing.assert_allclose(low @ np.triu(np.asarray(packed)), a[0][np.asarray(perm)])
    # a singular matrix factors (a zero on U's diagonal), as LAPACK's getrf
    assert np.asarray(al.lu_factor(np.ones((3, 3)))[0])[2, 2] == 0
