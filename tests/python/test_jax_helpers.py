"""JAX's smaller top-level helpers in arrax: ShapeDtypeStruct, eval_shape, linear_transpose,
disable_jit and the jacobian / make_jaxpr names."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")


def test_eval_shape_gives_output_structs_without_computing():
    calls = []

    def f(x, y, *, scale):
        calls.append(type(x))
        return {"a": x @ y * scale, "b": (x.sum(), y.astype(np.float32))}

    big = arrax.ShapeDtypeStruct((30000, 40000), np.float64)  # never allocated
    out = arrax.eval_shape(f, big, np.ones((40000, 5), np.int32), scale=2.0)
    assert out["a"] == arrax.ShapeDtypeStruct((30000, 5), np.float64)
    assert out["b"][0].shape == () and out["b"][1].dtype == np.float32
    assert out["b"][1].ndim == 2 and out["b"][1].size == 200000 and len(out["b"][1]) == 40000
    assert "ShapeDtypeStruct(shape=(30000, 5), dtype=float64)" in repr(out["a"])
    assert calls and calls[0] is not np.ndarray  # traced, not evaluated
    with pytest.raises(ValueError):
        arrax.eval_shape(
            lambda x, y: x @ y, arrax.ShapeDtypeStruct((2, 3), np.float32), anp.ones((4, 5))
        )


def test_linear_transpose_is_the_adjoint():
    rng = np.random.default_rng(0)
    m = anp.asarray(rng.standard_normal((3, 4)))

    def f(x, y):
        return m @ x + 2 * y[::-1]

    x0, y0 = anp.zeros(4), anp.zeros(3)
    ft = arrax.linear_transpose(f, x0, y0)
    ct = anp.asarray(rng.standard_normal(3))
    gx, gy = ft(ct)
    np.testing.assert_allclose(np.asarray(gx), np.asarray(m).T @ np.asarray(ct))
    np.testing.assert_allclose(np.asarray(gy), 2 * np.asarray(ct)[::-1])


def test_disable_jit_runs_the_python_function():
    seen = []

    @arrax.jit
    def g(x):
        seen.append(x._is_tracer)
        return x + 1

    g(anp.ones(2))
    with arrax.disable_jit():
        np.testing.assert_array_equal(np.asarray(g(anp.ones(2))), [2.0, 2.0])
    g(anp.ones(2))  # cached again, not traced again
    assert seen == [True, False]


def test_jax_names():
    np.testing.assert_allclose(
        np.asarray(arrax.jacobian(lambda x: x**2)(anp.asarray([1.0, 2.0]))),
        [[2.0, 0.0], [0.0, 4.0]],
    )
    assert "add" in str(arrax.make_jaxpr(lambda x: x + 1)(1.0))


def test_config_update_maps_the_supported_options():
    cfg = arrax.config
    cfg.update("jax_enable_x64", True)
    assert cfg.jax_enable_x64 is True
    with pytest.raises(ValueError, match="32-bit"):
        cfg.update("jax_enable_x64", False)
    cfg.update("jax_platform_name", "cpu")
    assert str(arrax.default_device()).startswith("cpu")
    cfg.update("jax_disable_jit", True)
    try:
        assert cfg.jax_disable_jit
        seen = []
        arrax.jit(lambda x: seen.append(x._is_tracer) or x)(anp.ones(1))
        assert seen == [False]
    finally:
        cfg.update("jax_disable_jit", False)
    previous = cfg.jax_default_matmul_precision
    cfg.update("jax_default_matmul_precision", "highest")
    assert cfg.jax_default_matmul_precision == "float32"
    arrax.set_matmul_precision(previous)
    with pytest.raises(AttributeError, match="jax_debug_nans"):
        cfg.update("jax_debug_nans", True)
