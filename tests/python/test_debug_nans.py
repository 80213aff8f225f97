"""jax_debug_nans / jax_debug_infs through arrax.config: a primitive whose result holds a NaN
(an infinity) raises FloatingPointError naming it, eagerly, under grad and vmap, and in a jit'd
function (which is run again op by op to name the primitive, as JAX does)."""

import numpy as np
import pytest

from conftest import arrax_only

pytestmark = arrax_only


@pytest.fixture
def arrax():
    import arrax

    yield arrax
    arrax.config.update("jax_debug_nans", False)
    arrax.config.update("jax_debug_infs", False)


@pytest.fixture
def anp(arrax):
    import arrax.numpy as anp

    return anp


def test_off_by_default_and_switchable(arrax, anp):
    assert not arrax.config.jax_debug_nans and not arrax.config.jax_debug_infs
    with np.errstate(invalid="ignore"):
        assert np.isnan(np.asarray(anp.log(anp.array([-1.0])))[0])
    arrax.config.update("jax_debug_nans", True)
    assert arrax.config.jax_debug_nans and not arrax.config.jax_debug_infs
    arrax.config.update("jax_debug_nans", False)
    assert not arrax.config.jax_debug_nans


@pytest.mark.parametrize(
    "fn,primitive",
    [
        (lambda arrax, anp: anp.log(anp.array([-1.0, 1.0], np.float32)), "log"),
        (lambda arrax, anp: anp.array(0.0) / anp.array(0.0), "div"),
        (lambda arrax, anp: arrax.jit(lambda x: anp.sqrt(x) * 2)(anp.array([-1.0])), "sqrt"),
        (lambda arrax, anp: arrax.grad(anp.sqrt)(-1.0), "sqrt"),
        (lambda arrax, anp: arrax.grad(arrax.jit(anp.log))(-1.0), "log"),
        (lambda arrax, anp: arrax.vmap(anp.log)(anp.array([1.0, -1.0])), "log"),
        (lambda arrax, anp: anp.array([1 + 0j]) * anp.array([np.nan + 0j]), "mul"),
    ],
)
def test_nan_results_raise_naming_the_primitive(arrax, anp, fn, primitive):
    arrax.config.update("jax_debug_nans", True)
    with pytest.raises(
        FloatingPointError, match=f"invalid value \\(nan\\) encountered in {primitive}"
    ):
        fn(arrax, anp)


def test_clean_computations_run_unchanged(arrax, anp):
    arrax.config.update("jax_debug_nans", True)
    arrax.config.update("jax_debug_infs", True)
    x = anp.linspace(0.5, 2.0, 5)
    got = arrax.jit(lambda x: anp.sum(anp.log(x) * anp.exp(-x)))(x)
    np.testing.assert_allclose(float(got), np.sum(np.log(np.asarray(x)) * np.exp(-np.asarray(x))))
    np.testing.assert_allclose(
        np.asarray(arrax.grad(lambda x: anp.sum(x**2))(x)), 2 * np.asarray(x)
    )
    assert int(anp.sum(anp.arange(5))) == 10  # (integers are not checked)


def test_infinities_only_with_debug_infs(arrax, anp):
    arrax.config.update("jax_debug_nans", True)
    with np.errstate(divide="ignore"):
        assert np.isinf(float(anp.array(1.0) / anp.array(0.0)))
    arrax.config.update("jax_debug_infs", True)
    with pytest.raises(FloatingPointError, match="invalid value \\(inf\\) encountered in div"):
        anp.array(1.0) / anp.array(0.0)
