"""SciPy's own docstring examples, run against arrax.scipy and compared with real SciPy
(values, dtypes and shapes): names the examples import (scipy.fft's fft family, psi, eigvals,
signal.windows, correlation_lags, rosen), Riemann zeta below 1, integer ranks, and
comb(exact=True)."""

import numpy as onp
import pytest

scipy = pytest.importorskip("scipy")
import arrax  # noqa: E402
import arrax.numpy as jnp  # noqa: E402
import scipy.fft as s_fft  # noqa: E402
import scipy.linalg as s_linalg  # noqa: E402
import scipy.optimize as s_optimize  # noqa: E402
import scipy.signal as s_signal  # noqa: E402
import scipy.special as s_special  # noqa: E402
import scipy.stats as s_stats  # noqa: E402
from arrax.scipy import fft as a_fft  # noqa: E402
from arrax.scipy import linalg as a_linalg  # noqa: E402
from arrax.scipy import optimize as a_optimize  # noqa: E402
from arrax.scipy import signal as a_signal  # noqa: E402
from arrax.scipy import special as a_special  # noqa: E402
from arrax.scipy import stats as a_stats  # noqa: E402


def check(got, want, rtol=1e-12, atol=0.0):
    got = onp.asarray(got)
    want = onp.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    onp.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


# ---- scipy.fft: the fft family (dct's and idct's examples import fft/ifft) ------------------

X = onp.array([4.0, 3.0, 5.0, 10.0, 5.0, 3.0])
X2 = onp.arange(12.0).reshape(3, 4) ** 1.5


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "hfft", "ihfft"])
def test_fft_1d(name):
    check(getattr(a_fft, name)(X), getattr(s_fft, name)(X), atol=1e-13)
    check(
        getattr(a_fft, name)(X, n=8, norm="ortho"),
        getattr(s_fft, name)(X, n=8, norm="ortho"),
        atol=1e-13,
    )


@pytest.mark.parametrize("name", ["fftn", "ifftn", "rfftn", "fft2", "ifft2", "rfft2"])
def test_fft_nd(name):
    check(getattr(a_fft, name)(X2), getattr(s_fft, name)(X2), atol=1e-12)


def test_fft_irfft_and_helpers():
    spec = s_fft.rfft(X)
    check(a_fft.irfft(spec), s_fft.irfft(spec), atol=1e-14)
    check(a_fft.fft(X.astype(onp.float32)), s_fft.fft(X.astype(onp.float32)), rtol=1e-6, atol=1e-5)
    check(a_fft.fftfreq(8, 0.1), s_fft.fftfreq(8, 0.1))
    check(a_fft.rfftfreq(8, 0.1), s_fft.rfftfreq(8, 0.1))
    check(a_fft.fftshift(onp.arange(6)), s_fft.fftshift(onp.arange(6)))
    check(a_fft.ifftshift(onp.arange(6)), s_fft.ifftshift(onp.arange(6)))


def test_dct_example_with_fft():
    # scipy.fft.dct's example: the type-1 DCT is the real part of an FFT of the even extension
    check(a_fft.fft(jnp.array([4.0, 3.0, 5.0, 10.0, 5.0, 3.0])).real, s_fft.fft(X).real, atol=1e-13)


# ---- scipy.special ----------------------------------------------------------------------


def test_psi_is_digamma():
    z = onp.array([0.5, 1.0, 3.7, -2.5])
    check(a_special.psi(z), s_special.psi(z), rtol=1e-13)


def test_riemann_zeta_below_one():
    # scipy.special.bernoulli's example: B_n^+ = -n zeta(1 - n)
    n = onp.arange(1, 5)
    check(
        -jnp.arange(1, 5) * a_special.zeta(1 - jnp.arange(1, 5)),
        -n * s_special.zeta(1 - n),
        atol=1e-15,
    )
    x = onp.concatenate(
        [onp.linspace(-40.0, 3.0, 431), [0.0, -0.0, 0.5, -0.5, 1e-9, -1e-9, -2.0, -180.0]]
    )
    check(a_special.zeta(x), s_special.zeta(x), rtol=1e-12, atol=1e-300)
    spec = onp.array([1.0, onp.inf, -onp.inf, onp.nan])
    check(a_special.zeta(spec), s_special.zeta(spec))
    # the Hurwitz form is unchanged
    check(a_special.zeta(3.0, 2.5), s_special.zeta(3.0, 2.5), rtol=1e-13)
    check(
        arrax.jit(a_special.zeta)(jnp.array([-1.5, 0.25, 4.0])),
        s_special.zeta([-1.5, 0.25, 4.0]),
        rtol=1e-12,
    )


@pytest.mark.parametrize("N,k", [(10, 3), (98, 49), (3, 5), (0, 0), (5, 0), (-1, 2), (4, -1)])
@pytest.mark.parametrize("repetition", [False, True])
def test_comb_exact(N, k, repetition):
    got = a_special.comb(N, k, exact=True, repetition=repetition)
    want = s_special.comb(N, k, exact=True, repetition=repetition)
    assert type(got) is int and got == want


def test_comb_exact_rejects_floats():
    with pytest.raises(ValueError):
        a_special.comb(4.5, 2, exact=True)


# ---- scipy.linalg -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "a",
    [
        [[0.0, -1.0], [1.0, 0.0]],
        [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]],
        [[2.0, 1.0], [1.0, 2.0]],
    ],
)
def test_eigvals_and_eig(a):
    a = onp.array(a)
    w = a_linalg.eigvals(a)
    ws = s_linalg.eigvals(a)
    assert onp.asarray(w).dtype == ws.dtype == onp.complex128
    onp.testing.assert_allclose(onp.sort_complex(onp.asarray(w)), onp.sort_complex(ws), atol=1e-13)
    w2, v = a_linalg.eig(a)
    w2, v = onp.asarray(w2), onp.asarray(v)
    assert v.dtype == onp.complex128 and v.shape == a.shape
    onp.testing.assert_allclose(a @ v, v * w2, atol=1e-12)
    onp.testing.assert_allclose(onp.linalg.norm(v, axis=0), 1.0, rtol=1e-12)


# ---- scipy.signal -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,params",
    [("hann", ()), ("bartlett", ()), ("tukey", (0.3,)), ("kaiser", (8.0,)), ("gaussian", (2.5,))],
)
@pytest.mark.parametrize("M", [1, 4, 7])
@pytest.mark.parametrize("sym", [True, False])
def test_signal_windows(name, params, M, sym):
    check(
        getattr(a_signal.windows, name)(M, *params, sym=sym),
        getattr(s_signal.windows, name)(M, *params, sym=sym),
        atol=1e-15,
    )


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("n1,n2", [(5, 3), (3, 5), (4, 4), (6, 3), (1, 4)])
def test_correlation_lags(mode, n1, n2):
    got = onp.asarray(a_signal.correlation_lags(n1, n2, mode))
    want = s_signal.correlation_lags(n1, n2, mode)
    assert got.shape == want.shape and onp.array_equal(got, want)


# ---- scipy.optimize ---------------------------------------------------------------------


def test_rosen():
    x = onp.array([1.3, 0.7, 0.8, 1.9, 1.2])
    check(a_optimize.rosen(x), s_optimize.rosen(x))
    check(a_optimize.rosen_der(x), s_optimize.rosen_der(x))
    check(a_optimize.rosen_hess(x), s_optimize.rosen_hess(x))
    xs = onp.arange(15.0).reshape(5, 3) / 7
    check(a_optimize.rosen(xs), s_optimize.rosen(xs))
    # minimize's example: BFGS with rosen and rosen_der
    res = a_optimize.minimize(a_optimize.rosen, jnp.array(x), method="BFGS")
    onp.testing.assert_allclose(onp.asarray(res.x), onp.ones(5), atol=1e-4)


# ---- scipy.stats: integer ranks ---------------------------------


@pytest.mark.parametrize("method", ["average", "min", "max", "dense", "ordinal"])
@pytest.mark.parametrize("x", [[0, 2, 3, 2], [0.0, 2.0, 3.0, 2.0], [0.0, 2.0, onp.nan, 1.0]])
def test_rankdata_dtype(method, x):
    check(a_stats.rankdata(x, method), s_stats.rankdata(x, method))


def test_rankdata_axis_int():
    x = onp.array([[3, 1, 2], [1, 1, 0]])
    check(a_stats.rankdata(x, "min", axis=1), s_stats.rankdata(x, "min", axis=1))
