"""arrax.scipy.stats' distributions against SciPy: densities, masses, CDFs and quantiles at
points inside and outside the support, float32/float64, broadcasting parameters; gradients of
log densities against finite differences; jit and vmap."""

import arrax
import numpy as np
import pytest
from arrax.scipy import stats as ast
from arrax.test_util import check_grads

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
st = pytest.importorskip("scipy.stats")

X = np.array([-3.0, -0.5, 0.0, 0.3, 1.0, 2.5, 7.0])
Q = np.array([0.01, 0.2, 0.5, 0.9, 0.999])
KS = np.array([-1.0, 0.0, 1.0, 2.0, 3.5, 4.0, 9.0])

# name -> (positional shape parameters, keyword loc/scale, functions to compare)
CONTINUOUS = {
    "expon": ((), {"loc": 0.2, "scale": 1.5}, ("logpdf", "pdf", "cdf", "sf", "logcdf", "ppf")),
    "uniform": ((), {"loc": -1.0, "scale": 3.0}, ("logpdf", "pdf", "cdf", "ppf")),
    "laplace": ((), {"loc": 0.5, "scale": 2.0}, ("logpdf", "pdf", "cdf", "sf")),
    "logistic": ((), {"loc": 0.5, "scale": 0.7}, ("logpdf", "pdf", "cdf", "sf", "ppf")),
    "cauchy": ((), {"loc": -0.3, "scale": 1.2}, ("logpdf", "pdf", "cdf", "ppf")),
    "t": ((3.5,), {"loc": 0.1, "scale": 1.3}, ("logpdf", "pdf", "cdf", "sf")),
    "gamma": ((2.5,), {"loc": -0.5, "scale": 2.0}, ("logpdf", "pdf", "cdf", "sf", "logcdf")),
    "chi2": ((3.0,), {}, ("logpdf", "pdf", "cdf", "sf")),
    "beta": ((2.0, 3.5), {"loc": -1.0, "scale": 4.0}, ("logpdf", "pdf", "cdf")),
}
DISCRETE = {
    "poisson": ((2.5,), ("logpmf", "pmf", "cdf")),
    "bernoulli": ((0.3,), ("logpmf", "pmf", "cdf")),
    "binom": ((8, 0.35), ("logpmf", "pmf", "cdf")),
    "geom": ((0.25,), ("logpmf", "pmf")),
}


def _compare(got, want, dtype, rtol=None):
    got = np.asarray(got)
    assert got.dtype == dtype, (got.dtype, dtype)
    rtol = rtol or (2e-5 if dtype == np.float32 else 1e-10)
    np.testing.assert_allclose(got, want.astype(dtype), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CONTINUOUS))
def test_continuous_match_scipy(name, dtype):
    shapes, kw, fns = CONTINUOUS[name]
    for fn in fns:
        pts = Q if fn == "ppf" else X
        got = getattr(getattr(ast, name), fn)(pts.astype(dtype), *shapes, **kw)
        want = getattr(getattr(st, name), fn)(pts, *shapes, **kw)
        # a float32 quantile near 1 carries its input's rounding, amplified near a pole
        rtol = 2e-4 if fn in ("ppf", "sf", "logcdf") and dtype == np.float32 else None
        _compare(got, want, dtype, rtol)


@pytest.mark.parametrize("name", sorted(DISCRETE))
def test_discrete_match_scipy(name):
    shapes, fns = DISCRETE[name]
    for fn in fns:
        got = getattr(getattr(ast, name), fn)(KS, *shapes)
        want = getattr(getattr(st, name), fn)(KS, *shapes)
        _compare(got, want, np.float64)


def test_parameters_broadcast():
    x = np.linspace(0.1, 3, 6)[:, None]
    a = np.array([0.5, 1.0, 4.0])
    np.testing.assert_allclose(np.asarray(ast.gamma.logpdf(x, a)), st.gamma.logpdf(x, a))
    mu = np.array([[0.5], [3.0]])
    np.testing.assert_allclose(np.asarray(ast.poisson.logpmf(KS, mu)), st.poisson.logpmf(KS, mu))


@pytest.mark.parametrize("batch", [(), (4,)])
def test_multivariate_normal_matches_scipy(batch):
    rng = np.random.default_rng(0)
    m = rng.normal(size=(3, 3))
    cov = m @ m.T + np.eye(3)
    mean = rng.normal(size=3)
    x = rng.normal(size=batch + (3,))
    np.testing.assert_allclose(
        np.asarray(ast.multivariate_normal.logpdf(x, mean, cov)),
        st.multivariate_normal.logpdf(x, mean, cov),
    )
    np.testing.assert_allclose(
        np.asarray(ast.multivariate_normal.pdf(x, mean, 2.0)),
        st.multivariate_normal.pdf(x, mean, 2.0),
    )
    # one dimension: the items of x are points
    np.testing.assert_allclose(
        np.asarray(ast.multivariate_normal.logpdf(X, 0.5, 2.0)),
        st.multivariate_normal.logpdf(X, 0.5, 2.0),
    )


def test_dirichlet_matches_scipy():
    alpha = np.array([1.5, 2.0, 0.7])
    x = np.array([0.2, 0.5, 0.3])
    np.testing.assert_allclose(float(ast.dirichlet.logpdf(x, alpha)), st.dirichlet.logpdf(x, alpha))
    xs = np.array([[0.2, 0.1], [0.5, 0.6], [0.3, 0.3]])  # components on the first axis
    np.testing.assert_allclose(
        np.asarray(ast.dirichlet.pdf(xs, alpha)), st.dirichlet.pdf(xs, alpha)
    )


def test_log_densities_differentiate_jit_and_vmap():
    x = np.array([0.3, 1.2, 2.0])
    check_grads(lambda x, a: ast.gamma.logpdf(x, a, scale=1.5), (x, 2.5), order=2)
    check_grads(lambda x, df: ast.t.logpdf(x, df), (x, 4.0), order=1)
    check_grads(lambda x: ast.beta.logpdf(x / 3, 2.0, 3.0), (x,), order=1)
    rng = np.random.default_rng(1)
    m = rng.normal(size=(3, 3))
    cov = m @ m.T + np.eye(3)
    pts = rng.normal(size=(5, 3))
    check_grads(
        lambda mean, cov: ast.multivariate_normal.logpdf(pts, mean, cov),
        (np.zeros(3), cov),
        order=1,
        modes=("rev",),
    )
    f = arrax.jit(lambda x: ast.logistic.logpdf(x, 0.5, 2.0))
    np.testing.assert_allclose(np.asarray(f(X)), st.logistic.logpdf(X, 0.5, 2.0))
    v = arrax.vmap(lambda mu: ast.poisson.logpmf(KS, mu))(np.array([0.5, 2.0]))
    np.testing.assert_allclose(np.asarray(v), st.poisson.logpmf(KS, np.array([[0.5], [2.0]])))
