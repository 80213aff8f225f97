"""Derivatives of linalg.det and linalg.pinv where the decompositions' own derivatives fail:
det at singular matrices (the adjugate, as JAX's cofactor solve) and pinv at repeated or zero
singular values (the pseudo-inverse's analytic JVP, as JAX's). Values against NumPy,
derivatives against JAX (when installed) and finite differences."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax.test_util import check_grads

rng = np.random.default_rng(11)

# det: regular, corank 1 (the zero pivot last, and first), corank 2, zero; 2x2 .. 5x5
RANK2_3x3 = np.array([[50, -30, 45], [-30, 90, -81], [45, -81, 81.0]])
R4 = rng.standard_normal((4, 4))
CORANK1_4 = R4.copy()
CORANK1_4[3] = R4[0] + 2 * R4[1]
CORANK2_4 = R4.copy()
CORANK2_4[3] = R4[0]
CORANK2_4[2] = R4[1]
DET_POINTS = {
    "regular3": rng.standard_normal((3, 3)),
    "regular5": rng.standard_normal((5, 5)),
    "rank2_3x3": RANK2_3x3,
    "nilpotent2": np.array([[0.0, 1.0], [0.0, 0.0]]),
    "corank1_4": CORANK1_4,
    "corank2_4": CORANK2_4,
    "zero2": np.zeros((2, 2)),
    "zero3": np.zeros((3, 3)),
    "zero4": np.zeros((4, 4)),
    "one": np.array([[3.0]]),
}


@pytest.fixture(scope="module")
def jax():
    jax = pytest.importorskip("jax")
    old = jax.config.jax_enable_x64  # (restored: other modules compare with JAX's default)
    jax.config.update("jax_enable_x64", True)
    yield jax
    jax.config.update("jax_enable_x64", old)


def _close(x, y, tol=1e-9):
    np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", sorted(DET_POINTS))
def test_det_values_match_numpy(name):
    a = DET_POINTS[name]
    assert float(anp.linalg.det(a)) == pytest.approx(np.linalg.det(a), rel=1e-12, abs=1e-12)


def test_det_values_dtypes_and_stacks():
    s = np.stack([DET_POINTS[k] for k in ("regular3", "rank2_3x3", "zero3")])
    _close(anp.linalg.det(s), np.linalg.det(s))
    c = s + 1j * rng.standard_normal(s.shape)
    _close(anp.linalg.det(c), np.linalg.det(c))
    f = np.array([[1, 2], [3, 4]], np.float32)
    assert anp.linalg.det(f).dtype == np.float32 and float(anp.linalg.det(f)) == -2.0
    assert float(anp.linalg.det(np.zeros((0, 0)))) == 1.0


def test_det_reported_cases():
    a = anp.array(RANK2_3x3)
    assert float(arrax.jvp(anp.linalg.det, (a,), (anp.ones((3, 3)),))[1]) == pytest.approx(6084)
    g = arrax.grad(anp.linalg.det)(anp.zeros((2, 2)))
    assert np.array_equal(np.asarray(g), np.zeros((2, 2)))


@pytest.mark.parametrize("name", sorted(DET_POINTS))
@pytest.mark.parametrize("complex_", [False, True])
def test_det_derivatives_match_jax(jax, name, complex_):
    a = DET_POINTS[name]
    t = rng.standard_normal(a.shape)
    if complex_:
        a = a + 0.5j * np.tril(np.ones_like(a)) * (name.startswith("regular"))
        t = t + 1j * rng.standard_normal(a.shape)
    jdet = jax.numpy.linalg.det
    _, jt = jax.jvp(jdet, (a,), (t,))
    _close(arrax.jvp(anp.linalg.det, (anp.asarray(a),), (anp.asarray(t),))[1], jt)
    if not complex_:
        _close(arrax.grad(anp.linalg.det)(anp.asarray(a)), jax.grad(jdet)(a))
        _close(arrax.jacrev(anp.linalg.det)(anp.asarray(a)), jax.jacrev(jdet)(a))
        if name in ("corank1_4", "corank2_4"):
            # n > 3: the cofactor solve's own derivative goes through LU's, which divides by
            # the zero pivot (JAX's is NaN too, unless rounding leaves that pivot nonzero)
            return
        hj = np.asarray(jax.jacfwd(jax.grad(jdet))(a))
        ha = np.asarray(arrax.jacfwd(arrax.grad(anp.linalg.det))(anp.asarray(a)))
        _close(ha, hj, 1e-8)


@pytest.mark.parametrize("name", ["regular3", "regular5", "rank2_3x3", "nilpotent2", "zero3"])
def test_det_check_grads_second_order(name):
    # det is a polynomial: finite differences hold at singular matrices too
    check_grads(anp.linalg.det, (DET_POINTS[name],), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", ["corank1_4", "zero4", "zero2"])
def test_det_check_grads_first_order_singular(name):
    check_grads(anp.linalg.det, (DET_POINTS[name],), order=1, modes=("fwd", "rev"))


def test_det_complex_check_grads():
    c = rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))
    check_grads(anp.linalg.det, (c,), order=2, modes=("fwd", "rev"))


def test_det_float32_gradient():
    a = RANK2_3x3.astype(np.float32)
    g = arrax.grad(anp.linalg.det)(anp.asarray(a))
    assert g.dtype == np.float32
    _close(g, arrax.grad(anp.linalg.det)(anp.asarray(RANK2_3x3)), 1e-5)


def test_det_jit_vmap_stack(jax):
    s = np.stack([DET_POINTS[k] for k in ("corank1_4", "corank2_4", "zero4")] + [R4])
    want = jax.vmap(jax.grad(jax.numpy.linalg.det))(s)
    gd = arrax.grad(anp.linalg.det)
    _close(arrax.jit(arrax.vmap(gd))(anp.asarray(s)), want)
    _close(arrax.vmap(arrax.jit(gd))(anp.asarray(s)), want)
    _close(arrax.grad(lambda x: anp.sum(anp.linalg.det(x)))(anp.asarray(s)), want)
    s3 = np.stack([DET_POINTS[k] for k in ("rank2_3x3", "zero3", "regular3")])
    h = arrax.jit(arrax.vmap(arrax.jacfwd(gd)))(anp.asarray(s3))
    _close(h, jax.vmap(jax.jacfwd(jax.grad(jax.numpy.linalg.det)))(s3), 1e-8)


# --- pinv ------------------------------------------------------------------------------------

U3, _ = np.linalg.qr(rng.standard_normal((3, 3)))
V3, _ = np.linalg.qr(rng.standard_normal((3, 3)))
PINV_POINTS = {
    "eye2": np.eye(2),
    "eye3": np.eye(3),
    "tall": rng.standard_normal((5, 3)),
    "wide": rng.standard_normal((2, 4)),
    "repeated": U3 @ np.diag([2.0, 2.0, 1.0]) @ V3.T,
    "rank2": U3 @ np.diag([3.0, 1.0, 0.0]) @ V3.T,
    "zero": np.zeros((3, 2)),
}


@pytest.mark.parametrize("name", sorted(PINV_POINTS))
def test_pinv_values_match_numpy(name):
    a = PINV_POINTS[name]
    _close(anp.linalg.pinv(a), np.linalg.pinv(a))
    _close(anp.linalg.pinv(a, rtol=None), np.linalg.pinv(a, rtol=None))


def test_pinv_values_options():
    s = rng.standard_normal((3, 4, 3))
    s[1, :, 2] = s[1, :, 0]  # a rank-deficient member
    _close(anp.linalg.pinv(s), np.linalg.pinv(s))
    rc = np.array([1e-15, 0.5, 0.9])
    _close(anp.linalg.pinv(s, rcond=rc), np.linalg.pinv(s, rcond=rc))
    _close(anp.linalg.pinv(s, rtol=0.3), np.linalg.pinv(s, rtol=0.3))
    h = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    h = h + h.conj().T
    _close(anp.linalg.pinv(h, hermitian=True), np.linalg.pinv(h, hermitian=True))
    c = rng.standard_normal((4, 3)) + 1j * rng.standard_normal((4, 3))
    _close(anp.linalg.pinv(c), np.linalg.pinv(c))
    f = PINV_POINTS["tall"].astype(np.float32)
    p = anp.linalg.pinv(f)
    assert p.dtype == np.float32
    _close(p, np.linalg.pinv(f), 1e-5)
    assert anp.linalg.pinv(np.zeros((2, 0, 3))).shape == (2, 3, 0)


def test_pinv_reported_case():
    j = np.asarray(arrax.jacobian(anp.linalg.pinv)(anp.eye(2)))
    assert np.isfinite(j).all()
    _close(j, -np.einsum("ik,lj->ijkl", np.eye(2), np.eye(2)))


@pytest.mark.parametrize("name", sorted(PINV_POINTS))
@pytest.mark.parametrize("complex_", [False, True])
def test_pinv_derivatives_match_jax(jax, name, complex_):
    a = PINV_POINTS[name]
    t = rng.standard_normal(a.shape)
    if complex_:
        a = a * np.exp(0.3j)
        t = t + 1j * rng.standard_normal(a.shape)
    rtol = 1e-10  # the same cutoff for both (their defaults differ)
    _, jt = jax.jvp(lambda x: jax.numpy.linalg.pinv(x, rtol=rtol), (a,), (t,))
    at = arrax.jvp(lambda x: anp.linalg.pinv(x, rtol=rtol), (anp.asarray(a),), (anp.asarray(t),))
    _close(at[1], jt)
    w = rng.standard_normal(a.shape[::-1])

    def jf(x):
        return jax.numpy.sum(jax.numpy.real(jax.numpy.linalg.pinv(x, rtol=rtol) * w))

    def af(x):
        return anp.sum(anp.real(anp.linalg.pinv(x, rtol=rtol) * w))

    # (a real scalar of the result, for the gradients)
    _, jd = jax.jvp(jf, (a,), (t,))
    _, ad = arrax.jvp(af, (anp.asarray(a),), (anp.asarray(t),))
    _close(ad, jd)
    if not complex_:
        _close(arrax.grad(af)(anp.asarray(a)), jax.grad(jf)(a))
        _close(arrax.jacfwd(arrax.grad(af))(anp.asarray(a)), jax.jacfwd(jax.grad(jf))(a), 1e-8)


@pytest.mark.parametrize("name", ["eye2", "eye3", "tall", "wide", "repeated"])
def test_pinv_check_grads(name):
    # full-rank points: pinv is smooth there, repeated singular values included
    check_grads(anp.linalg.pinv, (PINV_POINTS[name],), order=2, modes=("fwd", "rev"))


def test_pinv_complex_check_grads():
    c = rng.standard_normal((4, 3)) + 1j * rng.standard_normal((4, 3))
    check_grads(anp.linalg.pinv, (c,), order=2, modes=("fwd", "rev"))
    check_grads(anp.linalg.pinv, (c.T,), order=1, modes=("fwd", "rev"))


def test_pinv_hermitian_derivative_matches_jax(jax):
    h = rng.standard_normal((3, 3))
    h = h + h.T
    t = rng.standard_normal((3, 3))
    _, jt = jax.jvp(lambda x: jax.numpy.linalg.pinv(x, hermitian=True), (h,), (t,))
    _, at = arrax.jvp(
        lambda x: anp.linalg.pinv(x, hermitian=True), (anp.asarray(h),), (anp.asarray(t),)
    )
    _close(at, jt)


def test_pinv_jit_vmap_stack(jax):
    s = np.stack([np.eye(3), PINV_POINTS["repeated"], PINV_POINTS["rank2"], np.zeros((3, 3))])
    rtol = 1e-10

    def jf(x):
        return jax.numpy.sum(jax.numpy.linalg.pinv(x, rtol=rtol) ** 2)

    def af(x):
        return anp.sum(anp.linalg.pinv(x, rtol=rtol) ** 2)

    want = jax.vmap(jax.grad(jf))(s)
    got = arrax.jit(arrax.vmap(arrax.grad(af)))(anp.asarray(s))
    assert np.isfinite(np.asarray(got)).all()
    _close(got, want)
    _close(arrax.vmap(arrax.jit(arrax.grad(af)))(anp.asarray(s)), want)
    _close(arrax.grad(af)(anp.asarray(s)), want)  # the stack as one batched pinv
    # rcond per matrix, under jit
    rc = np.array([1e-15, 0.6, 1e-15, 1e-15])
    got = arrax.jit(lambda x, r: anp.linalg.pinv(x, rcond=r))(anp.asarray(s), anp.asarray(rc))
    _close(got, np.linalg.pinv(s, rcond=rc))
    jac = arrax.jit(arrax.jacfwd(lambda x: anp.linalg.pinv(x, rcond=rc)))(anp.asarray(s))
    assert np.isfinite(np.asarray(jac)).all()
