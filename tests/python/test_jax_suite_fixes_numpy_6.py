"""Differences from NumPy/JAX found by running JAX's own tests/lax_numpy_test.py against arrax
(sixth numpy round: testArange onwards to the end), each checked against NumPy (eager values
and dtypes) or JAX (64-bit, as arrax is) for what only JAX has:

* ``place(..., inplace=False)`` traces with a traced mask (jit, vmap): each masked element takes
  ``vals[rank % len(vals)]`` as NumPy's place does (it raised ConcretizationTypeError, though
  the result's shape is the array's);
* ``frexp``'s mantissa differentiates (under jvp, grad, jacfwd) as JAX's: ``2**-exponent``
  (it was 0: the traced mantissa came from the bits alone);
* ``cov``/``corrcoef`` with a non-inexact ``dtype=`` are NumPy's TypeError (the mean, float64,
  cannot be subtracted in place); they returned integer covariances."""

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, anp

pytestmark = pytest.mark.usefixtures("jax_x64")
arrax_only = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax feature (tracing)")


def _jax():
    return pytest.importorskip("jax")


def _arrax():
    return pytest.importorskip("arrax")


def _same(got, want, rtol=1e-12, atol=0.0):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


# ---- place with a traced mask --------------------------------------------------------------


def _np_place(a, m, v):
    out = a.copy()
    np.place(out, m, v)
    return out


@arrax_only
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.complex128])
@pytest.mark.parametrize("nvals", [1, 2, 5])
def test_place_traced_mask_like_numpy(dtype, nvals):
    arrax = _arrax()
    rng = np.random.default_rng(0)
    a = rng.integers(-9, 9, (3, 4)).astype(dtype)
    m = rng.random((3, 4)) < 0.5
    v = (np.arange(nvals) * 10 + 100).astype(dtype)
    want = _np_place(a, m, v)
    _same(arrax.jit(lambda a, m, v: anp.place(a, m, v, inplace=False))(a, m, v), want)
    _same(arrax.jit(lambda a, m: anp.place(a, m, v, inplace=False))(a, m.astype(np.int32)), want)
    got = arrax.vmap(lambda r, mr: anp.place(r, mr, v, inplace=False))(a, m)
    _same(got, np.stack([_np_place(r, mr, v) for r, mr in zip(a, m)]))


@arrax_only
def test_place_traced_mask_grad_like_jax():
    jax, arrax = _jax(), _arrax()
    a = np.arange(6.0)
    m = np.array([True, False, True, True, False, True])
    v = np.array([2.0, 3.0, 5.0])

    def f(mod):
        return lambda v, m: (mod.numpy.place(a, m, v, inplace=False) ** 2).sum()

    _same(arrax.jit(arrax.grad(f(arrax)))(v, m), jax.jit(jax.grad(f(jax)))(v, m))


# ---- frexp's derivative --------------------------------------------------------------------


@arrax_only
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_frexp_mantissa_derivative_like_jax(dtype):
    jax, arrax = _jax(), _arrax()
    x = np.array([3.0, -0.7, 0.0, 1.0, 1e3, -6.5e-3, np.inf, np.nan], dtype)
    t = np.linspace(0.5, 2.0, x.size).astype(dtype)
    m, dm = arrax.jvp(lambda x: anp.frexp(x)[0], (x,), (t,))
    wm, wdm = jax.jvp(lambda x: jax.numpy.frexp(x)[0], (x,), (t,))
    _same(m, wm)
    _same(dm, wdm)
    g = arrax.grad(lambda x: anp.frexp(x)[0].sum())(x)
    _same(g, jax.grad(lambda x: jax.numpy.frexp(x)[0].sum())(x))
    # the exponent is unchanged under the transformations
    _same(arrax.jit(anp.frexp)(x)[1], np.frexp(x)[1])


# ---- cov / corrcoef with an integer dtype= -------------------------------------------------


@pytest.mark.parametrize("fname", ["cov", "corrcoef"])
@pytest.mark.parametrize("dtype", [int, np.int32, bool])
def test_cov_integer_dtype_raises_like_numpy(fname, dtype):
    x = np.arange(5.0)
    with pytest.raises(TypeError):
        getattr(np, fname)(x, dtype=dtype)
    with pytest.raises(TypeError, match=None if AGAINST_NUMPY else fname):
        getattr(anp, fname)(x, dtype=dtype)


@pytest.mark.parametrize("shape,axis", [((200,), 0), ((30, 40), 0), ((30, 40), 1), ((5, 6, 7), 1)])
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_float16_scans_round_each_step_as_numpy(shape, axis, name):
    # (NumPy's half accumulate rounds every partial result to float16; arrax added in float32
    # and rounded once, so long cumsums drifted from NumPy's: 82.06 against 82.1)
    rng = np.random.default_rng(0)
    x = (rng.random(shape) * 3 if name == "cumsum" else 0.9 + rng.random(shape) * 0.2).astype(
        np.float16
    )
    want = getattr(np, name)(x, axis=axis)
    got = np.asarray(getattr(anp, name)(anp.asarray(x), axis=axis))
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_broadcast_to_fewer_dimensions_message_like_numpy():
    for shape, to in [((3, 4, 5), (4, 5)), ((3,), ())]:
        with pytest.raises(ValueError) as want:
            np.broadcast_to(np.zeros(shape), to)
        with pytest.raises(ValueError) as got:
            anp.broadcast_to(anp.zeros(shape), to)
        assert str(want.value) in str(got.value)
