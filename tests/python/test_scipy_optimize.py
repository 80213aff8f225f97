"""arrax.scipy.optimize.minimize (BFGS) against SciPy's on standard problems, eagerly, under
jit and vmap; its statuses and bad input."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax.scipy.optimize import minimize

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
so = pytest.importorskip("scipy.optimize")


def rosen(x):
    return anp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


@pytest.mark.parametrize("x0", [[-1.2, 1.0], [-1.2, 1.0, 0.5, -0.3], [2.0, 2.0, 2.0]])
def test_rosenbrock_matches_scipy(x0):
    x0 = np.array(x0)
    r = minimize(rosen, x0, method="BFGS")
    want = so.minimize(so.rosen, x0, method="BFGS", jac=so.rosen_der)
    assert bool(r.success) and int(r.status) == 0
    np.testing.assert_allclose(np.asarray(r.x), want.x, atol=1e-4)
    assert float(r.fun) < 1e-8 and np.max(np.abs(np.asarray(r.jac))) < 1e-5
    assert int(r.nit) > 0 and int(r.nfev) >= int(r.nit) and r.hess_inv.shape == (len(x0),) * 2


def test_args_jit_vmap_and_float32():
    target = np.array([1.0, -2.0, 3.0])

    def f(x, t, w):
        return anp.sum(w * (x - t) ** 2) + 0.1 * anp.sum(x**4)

    w = np.array([1.0, 2.0, 0.5])
    r = minimize(f, np.zeros(3), args=(target, w), method="BFGS")
    want = so.minimize(lambda x: np.sum(w * (x - target) ** 2) + 0.1 * np.sum(x**4), np.zeros(3))
    np.testing.assert_allclose(np.asarray(r.x), want.x, atol=1e-5)
    j = arrax.jit(lambda x0: minimize(f, x0, args=(target, w), method="BFGS").x)(np.zeros(3))
    np.testing.assert_allclose(np.asarray(j), np.asarray(r.x), atol=1e-10)
    starts = np.array([[0.0, 0.0, 0.0], [5.0, -5.0, 1.0]])
    v = arrax.vmap(lambda x0: minimize(f, x0, args=(target, w), method="BFGS").x)(starts)
    np.testing.assert_allclose(np.asarray(v), np.stack([want.x, want.x]), atol=1e-4)
    r32 = minimize(rosen, np.array([-1.2, 1.0], np.float32), method="BFGS", tol=1e-3)
    assert r32.x.dtype == np.float32
    np.testing.assert_allclose(np.asarray(r32.x), [1.0, 1.0], atol=2e-2)


def test_statuses_and_bad_input():
    r = minimize(rosen, np.array([-1.2, 1.0]), method="BFGS", options={"maxiter": 2})
    assert int(r.status) == 1 and not bool(r.success) and int(r.nit) == 2
    done = minimize(lambda x: anp.sum(x**2), np.zeros(2), method="BFGS")
    assert int(done.status) == 0 and int(done.nit) == 0
    with pytest.raises(ValueError, match="minimize: method"):
        minimize(rosen, np.zeros(2), method="Nelder-Mead")
    with pytest.raises(ValueError, match="one-dimensional"):
        minimize(rosen, np.zeros((2, 2)), method="BFGS")
    with pytest.raises(ValueError, match="unknown options"):
        minimize(rosen, np.zeros(2), method="BFGS", options={"bogus": 1})
