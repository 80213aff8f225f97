"""Differences from JAX found by running JAX's polynomial_test, ode_test and stax_test (and the
scipy_* suites) against arrax, each checked against the reference library."""

import functools

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, anp

jax_only = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax/JAX behaviour")

# JAX in float64 for this module's comparisons only
pytestmark = [pytest.mark.usefixtures("jax_x64"), jax_only]


def _jax():
    return pytest.importorskip("jax")


def _arrax():
    import arrax

    return arrax


def _sorted_roots(r):
    r = np.asarray(r)
    return r[np.lexsort((np.round(r.imag, 4), np.round(r.real, 4)))]


# ---- numpy.roots(strip_zeros=False) under jit / vmap ------------------------------------


@pytest.mark.parametrize(
    "p",
    [
        [1.0, 2.0, 3.0],
        [0.0, 0.0, 1.0, -3.0, 2.0],
        [1.0, -3.0, 2.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0],
        [5.0],
        [0.0, 2.0],
        [3.0, 0.0, 0.0, 1.0, 2.0, 0.0],
        np.array([1, 2, 3], np.float32),
        np.array([0, 1, -3, 2], np.complex64),
        np.array([2, 0, -8], np.int64),
    ],
)
def test_roots_without_stripping_traces_under_jit_like_jax(p):
    # (roots needed concrete coefficients, so JAX's jit(partial(roots, strip_zeros=False))
    # raised; JAX computes it from the companion matrix, NaN for each leading zero)
    jax, arrax = _jax(), _arrax()
    p = np.asarray(p)
    want = jax.jit(functools.partial(jax.numpy.roots, strip_zeros=False))(p)
    got = arrax.jit(functools.partial(anp.roots, strip_zeros=False))(p)
    assert got.shape == want.shape and got.dtype == np.asarray(want).dtype
    np.testing.assert_allclose(_sorted_roots(got), _sorted_roots(want), atol=1e-4)
    # the same roots as without jit (NumPy's, NaN-padded)
    eager = anp.roots(anp.asarray(p), strip_zeros=False)
    np.testing.assert_allclose(_sorted_roots(got), _sorted_roots(eager), atol=1e-4)


def test_roots_without_stripping_under_vmap():
    arrax = _arrax()
    p = np.array([[1.0, -3.0, 2.0], [1.0, 0.0, -4.0], [0.0, 1.0, -1.0]])
    got = arrax.vmap(functools.partial(anp.roots, strip_zeros=False))(p)
    assert got.shape == (3, 2) and got.dtype == np.complex128
    np.testing.assert_allclose(_sorted_roots(got[0]), [1, 2], atol=1e-12)
    np.testing.assert_allclose(_sorted_roots(got[1]), [-2, 2], atol=1e-12)
    assert np.asarray(got[2, 0]) == 1 and np.isnan(np.asarray(got[2, 1]))


# ---- experimental.ode.odeint: complex states, closed-over values --------------------------


def test_odeint_of_a_complex_state_like_jax():
    # (odeint raised TypeError for a complex y0; JAX integrates it)
    _jax()
    from arrax.experimental.ode import odeint as aode
    from jax.experimental.ode import odeint as jode

    ts = np.linspace(0.0, 3.0, 7)
    y0 = np.array([1.0 + 0.5j, -2.0j])
    want = jode(lambda y, t: 1j * y - 0.1 * t * y, y0, ts)
    got = aode(lambda y, t: 1j * y - 0.1 * t * y, y0, ts)
    assert got.dtype == want.dtype == np.complex128 and got.shape == want.shape
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-8)


def test_odeint_gradient_reaches_closed_over_values_like_jax():
    # (a traced value func closes over made the reverse pass fail; JAX closure-converts func)
    jax, arrax = _jax(), _arrax()
    from arrax.experimental.ode import odeint as aode
    from jax.experimental.ode import odeint as jode

    ts = np.linspace(0.0, 2.0, 5)

    def loss(odeint):
        return lambda c: odeint(lambda y, t: -c * y + 0.5 * t, 1.0, ts).sum()

    want = jax.grad(loss(jode))(0.3)
    got = arrax.grad(loss(aode))(0.3)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)
    # and together with an explicit argument, under jit
    got2 = arrax.jit(arrax.grad(lambda c, a: aode(lambda y, t, a: -c * a * y, 1.0, ts, a).sum(),
                                (0, 1)))(0.3, 2.0)  # fmt: skip
    want2 = jax.grad(lambda c, a: jode(lambda y, t, a: -c * a * y, 1.0, ts, a).sum(), (0, 1))(
        0.3, 2.0
    )
    np.testing.assert_allclose(np.asarray(got2), np.asarray(want2), rtol=1e-6)


# ---- example_libraries.stax: convolutions of a float64 batch ------------------------------


@pytest.mark.parametrize(
    "layer, shape",
    [
        ("Conv", (2, 6, 6, 3)),
        ("ConvTranspose", (2, 5, 5, 3)),
        ("Conv1DTranspose", (2, 7, 3)),
    ],
)
def test_stax_convolutions_take_a_float64_batch(layer, shape):
    # (the initializers draw float32 kernels, and lax's convolution refused a float64 input;
    # Dense promoted through jnp.dot, the convolutions now promote too)
    arrax = _arrax()
    from arrax.example_libraries import stax

    filt = (3,) if layer == "Conv1DTranspose" else (3, 3)
    init, apply = stax.serial(getattr(stax, layer)(4, filt, padding="SAME"), stax.Relu)
    out_shape, params = init(arrax.random.PRNGKey(0), shape)
    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape)
    out = apply(params, x)
    assert out.shape == tuple(out_shape) and out.dtype == np.float64
    want = apply(arrax.tree_util.tree_map(lambda w: w.astype(np.float64), params), x)
    np.testing.assert_allclose(np.asarray(out), np.asarray(want), rtol=1e-12)
