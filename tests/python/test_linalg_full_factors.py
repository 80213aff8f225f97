"""qr(mode='complete') and svd(full_matrices=True) of non-square matrices: eager and under
jit/vmap (they were NumPy-only, so jax.numpy's default svd of a rectangular matrix failed
under jit), against NumPy; derivatives of functions that do not depend on the choice of the
orthonormal complement; qr's deprecated modes. Eager svd(full_matrices=True) stays NumPy's."""

import warnings

import arrax
import numpy as np
import pytest
from arrax.test_util import check_grads

from conftest import anp, arrax_only

pytestmark = arrax_only

SHAPES = [(5, 3), (3, 5), (4, 4), (2, 6, 3), (2, 3, 6), (6, 1), (1, 6), (5, 0), (0, 3)]
DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def _matrix(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def _tol(dtype):
    return 1e-4 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10


def _assert_unitary(q, tol):
    eye = np.eye(q.shape[-1])
    np.testing.assert_allclose(
        np.swapaxes(q, -1, -2).conj() @ q, np.broadcast_to(eye, q.shape[:-2] + eye.shape), atol=tol
    )


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_qr_complete_like_numpy(shape, dtype, jit):
    a = _matrix(shape, dtype)
    f = lambda x: anp.linalg.qr(x, mode="complete")  # noqa: E731
    q, r = (arrax.jit(f) if jit else f)(a)
    wq, wr = np.linalg.qr(a, mode="complete")
    assert (q.shape, q.dtype, r.shape, r.dtype) == (wq.shape, wq.dtype, wr.shape, wr.dtype)
    tol = _tol(dtype)
    # The same Householder reflectors as LAPACK's: the same complete Q, not only a valid one.
    np.testing.assert_allclose(np.asarray(q), wq, atol=tol * 10)
    np.testing.assert_allclose(np.asarray(r), wr, atol=tol * 10)
    _assert_unitary(np.asarray(q), tol)


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_svd_full_matrices_like_numpy(shape, dtype, jit):
    a = _matrix(shape, dtype, seed=1)
    u, s, vh = (arrax.jit(anp.linalg.svd) if jit else anp.linalg.svd)(a)
    wu, ws, wvh = np.linalg.svd(a)
    for got, want in ((u, wu), (s, ws), (vh, wvh)):
        assert (got.shape, got.dtype) == (want.shape, want.dtype)
    tol = _tol(dtype)
    u, s, vh = np.asarray(u), np.asarray(s), np.asarray(vh)
    np.testing.assert_allclose(s, ws, atol=tol * 10)
    k = s.shape[-1]
    np.testing.assert_allclose((u[..., :k] * s[..., None, :]) @ vh[..., :k, :], a, atol=tol * 10)
    _assert_unitary(u, tol)
    _assert_unitary(np.swapaxes(vh, -1, -2).conj(), tol)


def test_full_factors_jit_matches_eager_and_vmap_matches_loop():
    a = _matrix((3, 5, 2), np.float64, seed=2)
    qr = lambda x: anp.linalg.qr(x, mode="complete")  # noqa: E731
    # qr: one algorithm eager and traced. svd: eager is NumPy's (LAPACK's completing basis),
    # traced the thin factors completed, so only their thin parts agree.
    for f, thin in ((qr, (5, 2)), (anp.linalg.svd, (2, 2, 2))):
        eager, jitted, batched = f(a), arrax.jit(f)(a), arrax.vmap(f)(a)
        for e, j, b, k in zip(eager, jitted, batched, thin):
            np.testing.assert_allclose(
                np.abs(np.asarray(j))[..., :k], np.abs(np.asarray(e))[..., :k], atol=1e-12
            )
            np.testing.assert_allclose(np.asarray(b), np.asarray(j), atol=1e-12)
        for i, m in enumerate(a):
            for b, e in zip(batched, arrax.jit(f)(m)):
                np.testing.assert_allclose(np.asarray(b)[i], np.asarray(e), atol=1e-12)


def _projector(q):
    return q @ anp.swapaxes(q, -1, -2).conj()


def test_complement_derivatives_of_invariant_functions():
    # The complement is not unique, but its projector (I - q q^H) is: its derivative must be
    # the finite-difference one, at every order.
    a = anp.asarray(_matrix((5, 2), np.float64, seed=3))
    check_grads(lambda x: _projector(anp.linalg.qr(x, mode="complete")[0][:, 2:]), (a,), order=2)
    check_grads(lambda x: _projector(anp.linalg.svd(x)[0][:, 2:]), (a,), order=2)
    check_grads(
        lambda x: _projector(anp.swapaxes(anp.linalg.svd(x.T)[2], 0, 1)[:, 2:]), (a,), order=1
    )
    # Functions of the thin factors alone keep their usual derivatives.
    check_grads(lambda x: anp.linalg.qr(x, mode="complete")[1], (a,), order=2)
    check_grads(lambda x: anp.linalg.svd(x)[1], (a,), order=2)


@pytest.mark.parametrize("mode", ["full", "f", "economic", "e"])
def test_qr_deprecated_modes_like_numpy(mode):
    a = _matrix((4, 3), np.float64, seed=4)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        expected = np.linalg.qr(a, mode=mode)
    with pytest.warns(DeprecationWarning):
        actual = anp.linalg.qr(anp.asarray(a), mode=mode)
    assert seen and issubclass(seen[0].category, DeprecationWarning)
    for got, want in zip(
        actual if isinstance(actual, tuple) else [actual],
        expected if isinstance(expected, tuple) else [expected],
    ):
        np.testing.assert_allclose(np.asarray(got), want, atol=1e-12)


def test_qr_errors():
    with pytest.raises(ValueError, match="qr"):
        anp.linalg.qr(anp.ones((3, 2)), mode="bogus")
    with pytest.raises(NotImplementedError, match="qr"):
        arrax.jit(lambda x: anp.linalg.qr(x, mode="raw"))(np.ones((3, 2)))
