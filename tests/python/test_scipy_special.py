"""arrax.scipy.special and arrax.scipy.stats against SciPy (values, float32/float64, edge
cases) and JAX (gradients)."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only API")
ss = pytest.importorskip("scipy.special")
st = pytest.importorskip("scipy.stats")
from arrax.scipy import special as sp  # noqa: E402
from arrax.scipy import stats  # noqa: E402

X = np.array([-3.5, -1.5, -0.5, 0.0, 0.1, 0.5, 1.0, 2.5, 7.0, 30.0, np.inf, -np.inf, np.nan])
POS = np.array([0.01, 0.1, 0.5, 1.0, 2.5, 7.0, 30.0, 1e3])

UNARY = [
    ("erf", ss.erf, X),
    ("erfc", ss.erfc, X),
    ("erfinv", ss.erfinv, np.array([-1.0, -0.9, 0.0, 0.3, 0.999, 1.0, 1.5])),
    ("gammaln", ss.gammaln, np.concatenate([POS, [-2.5, -1.0, 0.0]])),
    ("digamma", ss.digamma, np.concatenate([POS, [-2.5, -0.5, -1.0]])),
    ("gamma", ss.gamma, np.array([-2.5, -1.5, -0.5, 0.5, 1.0, 4.5, 10.0])),
    ("expit", ss.expit, X),
    ("logit", ss.logit, np.array([0.0, 0.01, 0.5, 0.99, 1.0])),
    ("ndtr", ss.ndtr, X),
    ("ndtri", ss.ndtri, np.array([0.0, 1e-6, 0.01, 0.5, 0.9, 1.0])),
    ("log_ndtr", ss.log_ndtr, np.array([-40.0, -25.0, -12.0, -5.0, 0.0, 0.3, 5.0, 9.0])),
    ("entr", ss.entr, np.array([-1.0, 0.0, 0.5, 1.0, 3.0])),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,ref,x", UNARY, ids=[u[0] for u in UNARY])
def test_unary_special_functions_match_scipy(name, ref, x, dtype):
    x = x.astype(dtype)
    got = np.asarray(getattr(sp, name)(anp.asarray(x)))
    want = ref(x)
    assert got.dtype == want.dtype
    rtol = 1e-12 if dtype == np.float64 else 2e-5
    if name == "log_ndtr" and dtype == np.float32:
        rtol = 1e-5
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-300, equal_nan=True)


def test_polygamma_zeta_betaln_and_friends():
    x = POS[:-1]
    for n in (0, 1, 2, 3):
        np.testing.assert_allclose(np.asarray(sp.polygamma(n, x)), ss.polygamma(n, x), rtol=1e-10)
    s, q = np.array([2.0, 3.5, 1.5, 1.0, 0.5]), np.array([1.0, 2.0, 0.3, 1.0, 1.0])
    np.testing.assert_allclose(np.asarray(sp.zeta(s, q)), ss.zeta(s, q), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(sp.zeta(np.array([2.0, 4.0]))), ss.zeta([2.0, 4.0]))
    a, b = POS[:4], POS[1:5]
    np.testing.assert_allclose(np.asarray(sp.betaln(a, b)), ss.betaln(a, b), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(sp.factorial(np.arange(6.0))), ss.factorial(np.arange(6)))
    np.testing.assert_allclose(
        np.asarray(sp.multigammaln(np.array([2.5, 4.0]), 3)), ss.multigammaln([2.5, 4.0], 3)
    )
    np.testing.assert_allclose(
        np.asarray(sp.xlogy(np.array([0.0, 2.0]), np.array([0.0, 3.0]))), ss.xlogy([0, 2], [0, 3])
    )
    np.testing.assert_allclose(
        np.asarray(sp.xlog1py(np.array([0.0, 2.0]), np.array([-1.0, 3.0]))),
        ss.xlog1py([0, 2], [-1, 3]),
    )
    # an array of orders (as JAX's), item by item the one-order results
    np.testing.assert_allclose(
        np.asarray(arrax.lax.polygamma(anp.array([1, 2]), anp.array([1.5, 2.5]))),
        [float(arrax.lax.polygamma(1, 1.5)), float(arrax.lax.polygamma(2, 2.5))],
        rtol=1e-12,
    )


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_matches_scipy(axis, keepdims):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 4)) * 10
    b = rng.normal(size=(3, 4))
    for kw in ({}, {"b": b}, {"b": np.abs(b)}):
        got = sp.logsumexp(a, axis=axis, keepdims=keepdims, return_sign=True, **kw)
        want = ss.logsumexp(a, axis=axis, keepdims=keepdims, return_sign=True, **kw)
        for g, w in zip(got, want):
            np.testing.assert_allclose(np.asarray(g), w, rtol=1e-12)
    inf = np.array([[-np.inf, -np.inf], [0.0, -np.inf]])
    np.testing.assert_allclose(np.asarray(sp.logsumexp(inf, axis=1)), ss.logsumexp(inf, axis=1))


def test_norm_matches_scipy():
    x, p = X[:-3], np.array([0.01, 0.3, 0.5, 0.9])
    for name in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf"):
        got = getattr(stats.norm, name)(x, 1.0, 2.0)
        np.testing.assert_allclose(np.asarray(got), getattr(st.norm, name)(x, 1.0, 2.0), rtol=1e-10)
    for name in ("ppf", "isf"):
        got = getattr(stats.norm, name)(p, -1.0, 0.5)
        np.testing.assert_allclose(np.asarray(got), getattr(st.norm, name)(p, -1.0, 0.5), rtol=1e-9)


@pytest.mark.usefixtures("jax_x64")
def test_gradients_match_jax():
    jax = pytest.importorskip("jax")
    jsp = pytest.importorskip("jax.scipy.special")
    x = np.array([0.3, 1.2, 2.5])
    for name in ("erf", "erfc", "gammaln", "digamma", "expit", "log_ndtr", "ndtr"):
        jf = getattr(jsp, name)
        want = jax.grad(lambda v: jax.grad(lambda u: jf(u).sum())(v).sum())(x)  # noqa: B023
        af = getattr(sp, name)
        got = arrax.grad(lambda v: anp.sum(arrax.grad(lambda u: af(u).sum())(v)))(anp.asarray(x))  # noqa: B023
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-9, err_msg=name)


# ---- incomplete gamma and beta ------------------------------------------------------------

A_VALS = np.array([0.3, 1.0, 2.5, 10.0, 150.0, 3000.0])
X_VALS = np.array([0.0, 1e-3, 0.7, 2.0, 9.0, 160.0, 3100.0, np.inf])


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_incomplete_gamma_matches_scipy(name, dtype):
    a, x = np.meshgrid(A_VALS, X_VALS)
    got = getattr(sp, name)(a.astype(dtype), x.astype(dtype))
    want = getattr(ss, name)(a, x)
    assert got.dtype == dtype
    # float32: the prefactor x^a e^-x / Gamma(a) cancels terms near a log x (2.4e4 at a=3000),
    # whose float32 rounding is a few 1e-3 of the result
    rtol = 2e-3 if dtype == np.float32 else 1e-11
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=rtol * 1e-3)
    # outside the domain: NaN, as SciPy
    assert np.isnan(np.asarray(getattr(sp, name)(-1.0, 2.0)))
    assert np.isnan(np.asarray(getattr(sp, name)(1.0, -2.0)))
    np.testing.assert_allclose(np.asarray(arrax.lax.igamma(2.5, 3.0)), ss.gammainc(2.5, 3.0))
    np.testing.assert_allclose(np.asarray(arrax.lax.igammac(2.5, 3.0)), ss.gammaincc(2.5, 3.0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_betainc_matches_scipy(dtype):
    a = np.array([0.5, 1.0, 3.0, 20.0, 200.0])[:, None, None]
    b = np.array([0.7, 2.0, 5.0, 300.0])[None, :, None]
    x = np.array([0.0, 0.01, 0.3, 0.5, 0.9, 0.999, 1.0])
    got = sp.betainc(a.astype(dtype), b.astype(dtype), x.astype(dtype))
    assert got.dtype == dtype
    rtol = 1e-4 if dtype == np.float32 else 1e-11
    np.testing.assert_allclose(np.asarray(got), ss.betainc(a, b, x), rtol=rtol, atol=rtol * 1e-2)
    assert np.isnan(np.asarray(sp.betainc(1.0, 2.0, 1.5)))
    np.testing.assert_allclose(float(arrax.lax.betainc(2.0, 3.0, 0.4)), ss.betainc(2.0, 3.0, 0.4))


def test_incomplete_functions_differentiate_jit_and_vmap():
    from arrax.test_util import check_grads

    # in x: the density; in a (and b): through the series and fractions
    g = arrax.grad(lambda x: sp.gammainc(2.5, x))(1.7)
    np.testing.assert_allclose(float(g), np.exp(-1.7) * 1.7**1.5 / ss.gamma(2.5), rtol=1e-10)
    check_grads(lambda a, x: sp.gammainc(a, x), (2.5, 1.7), order=1, modes=("fwd", "rev"))
    check_grads(lambda a, x: sp.gammaincc(a, x), (2.5, 6.0), order=1, modes=("rev",))
    check_grads(lambda a, b, x: sp.betainc(a, b, x), (2.0, 3.0, 0.35), order=1, modes=("rev",))
    f = arrax.jit(sp.gammainc)
    np.testing.assert_allclose(np.asarray(f(A_VALS, 3.0)), ss.gammainc(A_VALS, 3.0), rtol=1e-11)
    v = arrax.vmap(lambda a: sp.betainc(a, 2.0, 0.3))(np.array([0.5, 1.5, 4.0]))
    np.testing.assert_allclose(np.asarray(v), ss.betainc([0.5, 1.5, 4.0], 2.0, 0.3), rtol=1e-11)
