"""arrax.scipy.linalg's Schur family (schur, rsf2csf, sqrtm, funm, hessenberg, expm_frechet)
and jax.lax.linalg's schur, hessenberg, householder_product and tridiagonal: against SciPy
(and, for the LAPACK-layout outputs, JAX) over shapes, batches and dtypes; jit and vmap;
derivatives against finite differences where JAX defines them, a clear error where it does
not. Schur forms are not unique (eigenvalue order, phases, 2 x 2 blocks), so schur is checked
through its defining properties and its eigenvalues."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import lax
from arrax.scipy import linalg as al
from arrax.test_util import check_grads

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
sl = pytest.importorskip("scipy.linalg")

rng = np.random.default_rng(0)

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]
SHAPES = [(0, 0), (1, 1), (2, 2), (3, 3), (6, 6), (2, 4, 4), (2, 1, 3, 3)]


def rand(shape, dtype=np.float64):
    m = rng.normal(size=shape)
    if np.dtype(dtype).kind == "c":
        m = m + 1j * rng.normal(size=shape)
    return m.astype(dtype)


def tol(dtype):
    return 2e-4 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10


def H(x):
    return np.conj(np.swapaxes(x, -1, -2))


def stack_apply(f, a):
    """f applied to each matrix of a stack (SciPy's functions take one matrix)."""
    flat = a.reshape((-1,) + a.shape[-2:])
    outs = [f(m) for m in flat]
    return np.stack(outs).reshape(a.shape[:-2] + outs[0].shape) if outs else None


def check_schur(a, t, z, output):
    n = a.shape[-1]
    t, z = np.asarray(t), np.asarray(z)
    assert t.shape == z.shape == a.shape
    tl = tol(t.dtype) * max(1, np.abs(a).max(initial=0)) * 10
    np.testing.assert_allclose(z @ t @ H(z), a, atol=tl)
    np.testing.assert_allclose(H(z) @ z, np.broadcast_to(np.eye(n), a.shape), atol=tl)
    if output == "complex" or t.dtype.kind == "c":
        assert np.all(np.tril(t, -1) == 0)
    else:  # quasi-triangular: 2 x 2 blocks never chain
        assert np.all(np.tril(t, -2) == 0)
        sub = np.diagonal(t, -1, -2, -1) != 0
        assert not np.any(sub[..., 1:] & sub[..., :-1])


def eigvals_of_schur(t):
    """The eigenvalues a (quasi-)triangular T shows: its diagonal, 2 x 2 blocks solved."""
    return np.linalg.eigvals(t.astype(np.complex128))


def assert_same_values(got, want, atol):
    """got and want hold the same values in some order (each matched to its nearest)."""
    rest = list(want)
    for g in got:
        k = int(np.argmin(np.abs(np.asarray(rest) - g)))
        assert abs(rest[k] - g) <= atol, (got, want)
        rest.pop(k)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("output", ["real", "complex"])
def test_schur_properties_and_eigenvalues(dtype, shape, output):
    a = rand(shape, dtype)
    t, z = al.schur(a, output=output)
    want_dt = np.result_type(dtype, np.complex64) if output == "complex" else np.dtype(dtype)
    assert t.dtype == z.dtype == want_dt
    check_schur(a, t, z, output)
    if shape[-1]:
        got = stack_apply(eigvals_of_schur, np.asarray(t)).reshape(-1, shape[-1])
        want = stack_apply(sl.eigvals, a.astype(np.complex128)).reshape(-1, shape[-1])
        for g, w in zip(got, want):
            assert_same_values(g, w, tol(dtype) * 50)


def test_schur_matches_scipy_dtypes_and_triangular_input():
    # integers promote to float64 as SciPy's; an upper-triangular matrix is its own Schur form
    a = np.triu(rng.integers(1, 9, (4, 4)))
    t, z = al.schur(a)
    st, _ = sl.schur(a)
    assert t.dtype == st.dtype == np.float64
    np.testing.assert_allclose(np.abs(np.asarray(z)), np.eye(4), atol=1e-12)
    np.testing.assert_allclose(np.asarray(t) * np.diag(np.asarray(z))[:, None]
                               * np.diag(np.asarray(z))[None, :], a, atol=1e-12)  # fmt: skip
    with pytest.raises(ValueError, match="schur"):
        al.schur(a, output="other")
    with pytest.raises(ValueError, match="schur"):
        al.schur(np.ones((2, 3)))


def test_schur_jit_vmap_and_no_derivative():
    a = rand((3, 5, 5))
    t, z = arrax.jit(al.schur)(a)
    check_schur(a, t, z, "real")
    tv, zv = arrax.vmap(al.schur)(a)
    np.testing.assert_allclose(np.asarray(tv), np.asarray(al.schur(a)[0]), atol=1e-12)
    with pytest.raises(NotImplementedError, match="schur: differentiation is not supported"):
        arrax.grad(lambda x: anp.sum(al.schur(x)[0]))(a[0])
    # a value that does not reach schur still differentiates
    g = arrax.grad(lambda x, y: anp.sum(x * 2) + anp.sum(al.schur(y)[0]))(a[0], a[1])
    np.testing.assert_allclose(np.asarray(g), 2 * np.ones((5, 5)))


def test_lax_schur():
    a = rand((2, 4, 4), np.complex128)
    t, q = lax.linalg.schur(a)
    check_schur(a, t, q, "complex")
    (t_only,) = lax.linalg.schur(a, compute_schur_vectors=False)
    np.testing.assert_allclose(np.asarray(t_only), np.asarray(t))
    with pytest.raises(NotImplementedError):
        lax.linalg.schur(a, sort_eig_vals=True)


# ---- rsf2csf --------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 6, 9])
def test_rsf2csf_matches_scipy_on_scipys_real_schur(n):
    a = rand((n, n))
    st, sz = sl.schur(a)
    t, z = al.rsf2csf(st, sz)
    wt, wz = sl.rsf2csf(st, sz)
    assert t.dtype == z.dtype == np.complex128
    np.testing.assert_allclose(np.asarray(t), wt, atol=1e-12)
    np.testing.assert_allclose(np.asarray(z), wz, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rsf2csf_of_own_schur_batched_and_jit(dtype):
    a = rand((3, 5, 5), dtype)
    t, z = al.schur(a)
    for f in (al.rsf2csf, arrax.jit(al.rsf2csf)):
        ct, cz = f(t, z)
        assert ct.dtype == np.result_type(dtype, np.complex64)
        check_schur(a, ct, cz, "complex")
    # Z's batch broadcasts against T's
    ct, cz = al.rsf2csf(np.asarray(t)[:1], np.asarray(z)[0])
    assert ct.shape == cz.shape == (1, 5, 5)
    with pytest.raises(ValueError, match="rsf2csf"):
        al.rsf2csf(np.ones((3, 3)), np.ones((2, 2)))


def test_rsf2csf_gradient():
    # T's structure held fixed (a 2 x 2 block at rows 1-2, zeros below it), so that the
    # finite differences do not turn rotations on or off
    def f(upper, sub, zm):
        t = anp.triu(upper) + sub * anp.asarray(np.eye(4, k=-1) * (np.arange(4) == 2)[:, None])
        ct, cz = al.rsf2csf(t, zm)
        return anp.real(ct) + anp.imag(cz)

    upper = rand((4, 4)) + np.diag([3.0, 0.5, 0.5, -2.0])
    upper[1, 2] = 1.5
    zm = np.linalg.qr(rand((4, 4)))[0]
    check_grads(f, (upper, -1.0, zm), order=1, modes=("fwd", "rev"))


# ---- sqrtm, funm ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES + [np.int64])
@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (2, 2), (5, 5), (2, 4, 4), (2, 1, 3, 3)])
def test_sqrtm_matches_scipy(dtype, shape):
    a = rand(shape, dtype) if dtype != np.int64 else rng.integers(-3, 4, shape)
    if shape[-1]:  # eigenvalues off the negative real axis, sqrt's branch cut
        a = a + (2 * shape[-1] + 2) * np.eye(shape[-1], dtype=a.dtype)
    got = al.sqrtm(a)
    base = np.float64 if dtype == np.int64 else dtype
    assert got.dtype == np.result_type(base, np.complex64)
    assert got.shape == a.shape
    if not shape[-1]:
        return
    got = np.asarray(got)
    want = stack_apply(lambda m: sl.sqrtm(m.astype(np.result_type(m.dtype, np.float64))), a)
    scale = np.abs(a).max()
    np.testing.assert_allclose(got, want, atol=tol(dtype) * 10 * scale)
    np.testing.assert_allclose(got @ got, a, atol=tol(dtype) * 10 * scale)


def test_sqrtm_special_matrices_jit_and_no_derivative():
    np.testing.assert_array_equal(np.asarray(al.sqrtm(np.zeros((3, 3)))), np.zeros((3, 3)))
    spd = rand((4, 4))
    spd = spd @ spd.T + np.eye(4)
    np.testing.assert_allclose(np.asarray(arrax.jit(al.sqrtm)(spd)), sl.sqrtm(spd), atol=1e-10)
    nil = np.diag([1.0, 1.0], 1)[:3, :3] + np.diag([4.0, 4.0, 9.0])  # (repeated eigenvalues)
    np.testing.assert_allclose(np.asarray(al.sqrtm(nil)), sl.sqrtm(nil), atol=1e-10)
    with pytest.raises(NotImplementedError, match="blocksize"):
        al.sqrtm(spd, blocksize=2)
    with pytest.raises(NotImplementedError, match="differentiation is not supported"):
        arrax.grad(lambda x: anp.real(anp.sum(al.sqrtm(x))))(spd)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("func", ["exp", "sin", "cos"])
@pytest.mark.parametrize("n", [1, 2, 5])
def test_funm_matches_scipy(dtype, func, n):
    a = rand((n, n), dtype)
    got = al.funm(a, getattr(anp, func))
    want = sl.funm(a.astype(np.result_type(dtype, np.float64)), getattr(np, func))
    assert got.dtype == np.result_type(dtype, np.complex64)
    np.testing.assert_allclose(np.asarray(got), want, atol=tol(dtype) * 20)


def test_funm_disp_jit_and_errors():
    a = rand((4, 4))
    f, err = al.funm(a, anp.exp, disp=False)
    np.testing.assert_allclose(np.asarray(f), sl.expm(a), atol=1e-10)
    _, serr = sl.funm(a, np.exp, disp=False)
    assert 0 < float(err) < 1e-10 and 0 < serr < 1e-10
    np.testing.assert_allclose(np.asarray(arrax.jit(lambda x: al.funm(x, anp.exp))(a)),
                               sl.expm(a), atol=1e-10)  # fmt: skip
    with pytest.raises(ValueError, match="funm"):
        al.funm(np.ones((2, 3, 3)), anp.exp)


# ---- hessenberg, householder_product, tridiagonal ------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES + [np.int32])
@pytest.mark.parametrize("shape", SHAPES)
def test_hessenberg_matches_scipy(dtype, shape):
    a = rand(shape, dtype) if dtype != np.int32 else rng.integers(-5, 5, shape, dtype=np.int32)
    h, q = al.hessenberg(a, calc_q=True)
    h_only = al.hessenberg(a)
    want_dt = np.float64 if dtype == np.int32 else np.dtype(dtype)
    assert h.dtype == q.dtype == h_only.dtype == want_dt
    assert h.shape == q.shape == a.shape
    h, q = np.asarray(h), np.asarray(q)
    np.testing.assert_array_equal(np.asarray(h_only), h)
    assert np.all(np.tril(h, -2) == 0)
    t = tol(dtype) * 10 * max(1, np.abs(a).max(initial=0))
    np.testing.assert_allclose(q @ h @ H(q), a, atol=t)
    if shape[-1] <= 2:  # SciPy returns these as they are, JAX (and arrax) reduce them as gehrd
        return
    wh = stack_apply(lambda m: sl.hessenberg(m, calc_q=True)[0], a)
    wq = stack_apply(lambda m: sl.hessenberg(m, calc_q=True)[1], a)
    np.testing.assert_allclose(h, wh, atol=t)
    np.testing.assert_allclose(q, wq, atol=t)


def test_hessenberg_jit_vmap_and_no_derivative():
    a = rand((3, 5, 5))
    h, q = arrax.jit(lambda x: al.hessenberg(x, calc_q=True))(a)
    np.testing.assert_allclose(np.asarray(q @ h @ anp.swapaxes(q, -1, -2)), a, atol=1e-12)
    hv = arrax.vmap(al.hessenberg)(a)
    np.testing.assert_allclose(np.asarray(hv), np.asarray(h), atol=1e-12)
    with pytest.raises(NotImplementedError, match="hessenberg: differentiation"):
        arrax.grad(lambda x: anp.sum(al.hessenberg(x)))(a[0])


@pytest.fixture(scope="module")
def jax64():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    yield jax
    jax.config.update("jax_enable_x64", False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_lax_hessenberg_and_householder_product_match_jax(jax64, dtype):
    jax = jax64
    a = rand((2, 5, 5), dtype)
    packed, taus = lax.linalg.hessenberg(a)
    jp, jt = jax.lax.linalg.hessenberg(a)
    t = tol(dtype) * 10
    assert packed.dtype == taus.dtype == jp.dtype and taus.shape == jt.shape == (2, 4)
    np.testing.assert_allclose(np.asarray(packed), np.asarray(jp), atol=t)
    np.testing.assert_allclose(np.asarray(taus), np.asarray(jt), atol=t)
    # householder_product of QR's reflectors (LAPACK's geqrf layout), m > n, k < n
    ms = rand((2, 6, 4), dtype)
    raw = [sl.qr(m, mode="raw")[0] for m in ms]
    qr_packed = np.stack([r[0] for r in raw])
    qr_taus = np.stack([r[1] for r in raw])
    q = lax.linalg.householder_product(qr_packed, qr_taus)
    want_q = np.stack([sl.qr(m, mode="economic")[0] for m in ms])
    np.testing.assert_allclose(np.asarray(q), want_q, atol=t)
    for k in (4, 2, 0):
        got = lax.linalg.householder_product(np.asarray(qr_packed), np.asarray(qr_taus)[..., :k])
        want = jax.lax.linalg.householder_product(qr_packed, qr_taus[..., :k])
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=t)
    with pytest.raises(ValueError, match="householder_product"):
        lax.linalg.householder_product(rand((3, 4), dtype), rand((2,), dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_lax_tridiagonal_matches_jax(jax64, dtype, lower, n):
    jax = jax64
    a = rand((2, n, n), dtype)
    a = a + H(a)
    # the triangle not read holds junk, returned as it was
    junk = rand((2, n, n), dtype)
    a = a + (np.triu(junk, 1) if lower else np.tril(junk, -1))
    got = lax.linalg.tridiagonal(a, lower=lower)
    if n == 0:  # (JAX rejects an empty matrix)
        real = np.finfo(dtype).dtype
        assert [(x.shape, x.dtype) for x in got] == [
            ((2, 0, 0), dtype),
            ((2, 0), real),
            ((2, 0), real),
            ((2, 0), dtype),
        ]
        return
    want = jax.lax.linalg.tridiagonal(a, lower=lower)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), atol=tol(dtype) * 10)
    if n:  # T = tridiag(e, d, e) has a's eigenvalues
        _, d, e, _ = (np.asarray(x) for x in got)
        t = np.zeros((2, n, n)) + d[..., :, None] * np.eye(n)
        t = t + np.eye(n, k=1) * np.pad(e, ((0, 0), (0, 1)))[..., :, None]
        t = t + np.eye(n, k=-1) * np.pad(e, ((0, 0), (0, 1)))[..., None, :]
        full = np.tril(a) + H(np.tril(a, -1)) if lower else np.triu(a) + H(np.triu(a, 1))
        np.testing.assert_allclose(np.linalg.eigvalsh(t), np.linalg.eigvalsh(full),
                                   atol=tol(dtype) * 50)  # fmt: skip


# ---- expm_frechet --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (5, 5), (2, 3, 3)])
def test_expm_frechet_matches_scipy(dtype, shape):
    a, e = rand(shape, dtype) * 0.5, rand(shape, dtype)
    ea, fr = al.expm_frechet(a, e)
    only = al.expm_frechet(a, e, compute_expm=False, method="SPS")
    assert ea.dtype == fr.dtype == np.dtype(dtype)
    pairs = zip(a.reshape((-1,) + shape[-2:]), e.reshape((-1,) + shape[-2:]))
    want = [np.stack(w).reshape(shape) for w in zip(*(sl.expm_frechet(x, y) for x, y in pairs))]
    t = tol(dtype) * 20
    np.testing.assert_allclose(np.asarray(ea), want[0], atol=t, rtol=t)
    np.testing.assert_allclose(np.asarray(fr), want[1], atol=t, rtol=t)
    np.testing.assert_allclose(np.asarray(only), np.asarray(fr))


def test_expm_frechet_jit_gradient_and_errors():
    a, e = rand((3, 3)) * 0.5, rand((3, 3))
    f = arrax.jit(lambda x, y: al.expm_frechet(x, y, compute_expm=False))
    np.testing.assert_allclose(np.asarray(f(a, e)), sl.expm_frechet(a, e)[1], atol=1e-12)
    check_grads(lambda x, y: al.expm_frechet(x, y, compute_expm=False), (a, e), order=1,
                modes=("fwd", "rev"))  # fmt: skip
    # integers promote to float64
    ea, _ = al.expm_frechet(np.eye(2, dtype=np.int32), np.ones((2, 2), np.int32))
    assert ea.dtype == np.float64
    with pytest.raises(ValueError, match="same shape"):
        al.expm_frechet(a, np.ones((2, 2)))
    with pytest.raises(ValueError, match="square"):
        al.expm_frechet(np.ones((2, 3)), np.ones((2, 3)))
