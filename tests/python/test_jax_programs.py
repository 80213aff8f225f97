"""JAX behaviours that JAX's own example programs (jax-ml/jax examples/) rely on, each checked
against JAX itself: found by running those programs on arrax."""

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest

jax = pytest.importorskip("jax")
jnp = jax.numpy


def test_array_of_a_list_of_traced_values_keeps_derivatives_and_traces():
    f_ax = lambda x: anp.array([x, 2.0 * x, x * x]).sum()  # noqa: E731
    f_jx = lambda x: jnp.array([x, 2.0 * x, x * x]).sum()  # noqa: E731
    assert float(arrax.grad(f_ax)(1.5)) == pytest.approx(float(jax.grad(f_jx)(1.5)))
    _, t = arrax.jvp(f_ax, (1.5,), (1.0,))
    assert float(t) == pytest.approx(float(jax.jvp(f_jx, (1.5,), (1.0,))[1]))
    g = lambda v: anp.asarray([anp.sum(v), anp.max(v), 3.0])  # noqa: E731
    v = onp.arange(3.0)
    onp.testing.assert_allclose(onp.asarray(arrax.jit(g)(v)), [3.0, 2.0, 3.0])
    onp.testing.assert_allclose(
        onp.asarray(arrax.vmap(g)(onp.arange(6.0).reshape(2, 3))), [[3, 2, 3], [12, 5, 3]]
    )
    nested = arrax.grad(lambda x: anp.array([[x, 1.0], [2.0, x]], dtype=anp.float32).sum())
    assert float(nested(1.0)) == 2.0
    assert arrax.jit(lambda x: anp.array([x, 1]))(anp.float32(2)).dtype == onp.float32


def test_prng_key_from_a_traced_seed():
    ax = arrax.jit(lambda t: arrax.random.normal(arrax.random.PRNGKey(t), (2,)))(3)
    eager = arrax.random.normal(arrax.random.PRNGKey(3), (2,))
    onp.testing.assert_array_equal(onp.asarray(ax), onp.asarray(eager))
    keys = arrax.vmap(arrax.random.PRNGKey)(anp.arange(3))
    onp.testing.assert_array_equal(onp.asarray(keys), [[0, 0], [0, 1], [0, 2]])
    onp.testing.assert_array_equal(
        onp.asarray(arrax.random.key_data(arrax.jit(arrax.random.key)(-1))),
        onp.asarray(arrax.random.PRNGKey(-1)),
    )


def test_jit_static_arguments_by_position_name_or_default():
    def f(x, n=2):
        return x[:n]

    x = anp.arange(5.0)
    assert arrax.jit(f, static_argnames="n")(x, 3).shape == (3,)
    assert arrax.jit(f, static_argnums=1)(x, n=3).shape == (3,)
    assert arrax.jit(f, static_argnums=1)(x).shape == (2,)
    assert arrax.jit(f, static_argnums=-1)(x, 4).shape == (4,)


def test_vmap_passes_unmapped_python_values_unchanged():
    seen = []

    def f(x, n):
        seen.append(type(n))
        return x[:n]

    inner = arrax.jit(f, static_argnums=1)
    assert arrax.vmap(inner, in_axes=(0, None))(anp.ones((3, 5)), 2).shape == (3, 2)
    assert int in seen


def test_static_index_past_the_end_clamps_under_transformations_only():
    x = anp.arange(10.0)
    assert float(arrax.jit(lambda v: v[11])(x)) == float(jax.jit(lambda v: v[11])(jnp.arange(10.0)))
    assert float(arrax.jit(lambda v: v[-12])(x)) == float(
        jax.jit(lambda v: v[-12])(jnp.arange(10.0))
    )
    with pytest.raises(IndexError, match="out of bounds"):
        x[11]  # eagerly NumPy's error


def test_where_between_python_scalars_is_weak_under_jit():
    x32 = anp.ones(3, anp.float32)
    assert arrax.jit(lambda v: anp.where(v > 0, -1.0, 1.0) * v)(x32).dtype == onp.float32
    j32 = jnp.ones(3, jnp.float32)
    assert jax.jit(lambda v: jnp.where(v > 0, -1.0, 1.0) * v)(j32).dtype == jnp.float32


def test_jit_traces_once_per_function_not_per_wrapper():
    traces = []

    def f(x):
        traces.append(1)
        return x * 2

    for _ in range(3):
        arrax.jit(f)(anp.ones(3))
    assert len(traces) == 1
    arrax.jit(lambda x: f(x))(anp.ones(3))  # another function: its own trace
    assert len(traces) == 2


def test_grad_of_a_complex_output_needs_holomorphic():
    with pytest.raises(TypeError, match="holomorphic=True"):
        arrax.grad(anp.sin)(3.0 + 4j)
    with pytest.raises(TypeError):
        jax.grad(jnp.sin)(3.0 + 4j)
    got = arrax.grad(anp.sin, holomorphic=True)(3.0 + 4j)
    assert complex(got) == pytest.approx(complex(jax.grad(jnp.sin, holomorphic=True)(3.0 + 4j)))
    with pytest.raises(TypeError, match="requires inputs with complex dtype"):
        arrax.grad(lambda x: x * 1j, holomorphic=True)(1.0)


def test_cholesky_gradient_is_hermitian_as_jax():
    x = onp.array([[4.0, 1.0], [1.0, 3.0]])
    expected = jax.grad(lambda m: jnp.linalg.cholesky(m).sum())(jnp.asarray(x, jnp.float32))
    got = arrax.grad(lambda m: anp.linalg.cholesky(m).sum())(anp.asarray(x))
    onp.testing.assert_allclose(onp.asarray(got), onp.asarray(expected), rtol=1e-5)


def test_single_device_shardings():
    from arrax.sharding import Mesh, NamedSharding, PartitionSpec, SingleDeviceSharding

    x = anp.arange(3)
    assert isinstance(x.sharding, arrax.sharding.Sharding)
    assert x.sharding == SingleDeviceSharding(arrax.devices()[0])
    assert x.sharding.num_devices == 1 and x.sharding.is_fully_replicated
    mesh = Mesh(arrax.devices()[:1], ("x",))
    y = arrax.device_put(x, NamedSharding(mesh, PartitionSpec("x")))
    onp.testing.assert_array_equal(onp.asarray(y), [0, 1, 2])
    two = Mesh(onp.array([arrax.devices()[0]] * 2), ("x",))
    with pytest.raises(NotImplementedError, match="one device"):
        arrax.device_put(x, NamedSharding(two, PartitionSpec("x")))
