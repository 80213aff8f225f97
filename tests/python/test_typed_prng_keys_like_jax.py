"""Typed PRNG key arrays (``random.key``, ``wrap_key_data``), checked against JAX: shapes and
dtypes as JAX shows them, the same bits through every sampler, indexing and iteration, and
passage through jit, vmap, scan and grad."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = jax.numpy


def _data(lib, k):
    return np.asarray(lib.random.key_data(k))


@pytest.mark.parametrize("seed", [0, 7, 2**32 + 5])
def test_key_shape_dtype_and_data(seed):
    a, j = arrax.random.key(seed), jax.random.key(seed)
    assert a.shape == j.shape == ()
    assert a.ndim == j.ndim and a.size == j.size
    assert str(a.dtype) == str(j.dtype) == "key<fry>"
    np.testing.assert_array_equal(_data(arrax, a), _data(jax, j))
    assert repr(a).startswith("Array((), dtype=key<fry>) overlaying:")


@pytest.mark.parametrize("num", [2, 3, (2, 3)])
def test_split_keeps_typed_keys(num):
    a = arrax.random.split(arrax.random.key(1), num)
    j = jax.random.split(jax.random.key(1), num)
    assert a.shape == j.shape and str(a.dtype) == str(j.dtype)
    np.testing.assert_array_equal(_data(arrax, a), _data(jax, j))
    # raw keys stay raw
    raw = arrax.random.split(arrax.random.PRNGKey(1), num)
    assert raw.shape == j.shape + (2,) and raw.dtype == np.uint32


def test_indexing_iteration_and_reshape():
    a = arrax.random.split(arrax.random.key(2), 6)
    j = jax.random.split(jax.random.key(2), 6)
    for ia, ij in [(1, 1), (slice(None, None, 2), slice(None, None, 2)), (None, None)]:
        assert a[ia].shape == j[ij].shape
        np.testing.assert_array_equal(_data(arrax, a[ia]), _data(jax, j[ij]))
    assert a[..., 0].shape == j[..., 0].shape
    assert [k.shape for k in a] == [k.shape for k in j]
    for ka, kj in zip(a, j):
        np.testing.assert_array_equal(_data(arrax, ka), _data(jax, kj))
    r_a, r_j = a.reshape(2, 3), j.reshape(2, 3)
    assert r_a.shape == r_j.shape and r_a[1, 2].shape == r_j[1, 2].shape
    np.testing.assert_array_equal(_data(arrax, r_a[1, 2]), _data(jax, r_j[1, 2]))
    assert r_a.T.shape == r_j.T.shape
    np.testing.assert_array_equal(_data(arrax, r_a.T), _data(jax, r_j.T))
    k1, k2 = arrax.random.split(arrax.random.key(2))
    assert k1.shape == ()
    with pytest.raises(IndexError):
        arrax.random.key(0)[0]


@pytest.mark.parametrize(
    "draw",
    [
        lambda r, k: r.uniform(k, (5,)),
        lambda r, k: r.normal(k, (5,)),
        lambda r, k: r.bits(k, (4,)),
        lambda r, k: r.randint(k, (6,), 0, 10),
        lambda r, k: r.bernoulli(k, 0.3, (6,)),
        lambda r, k: r.permutation(k, 7),
        lambda r, k: r.gamma(k, 2.0, (3,)),
        lambda r, k: r.exponential(k, (3,)),
        lambda r, k: r.gumbel(k, (3,)),
        lambda r, k: r.key_data(r.fold_in(k, 5)),
        lambda r, k: r.key_data(r.clone(k)),
    ],
)
def test_samplers_take_typed_keys(draw):
    want = np.asarray(draw(jax.random, jax.random.key(3)))
    got = np.asarray(draw(arrax.random, arrax.random.key(3)))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=2e-6)
    # the same values as the raw key over the same data
    np.testing.assert_array_equal(got, np.asarray(draw(arrax.random, arrax.random.PRNGKey(3))))


def test_batched_key_is_refused_by_samplers():
    keys = arrax.random.split(arrax.random.key(0), 3)
    with pytest.raises(ValueError, match="single key"):
        arrax.random.normal(keys)
    with pytest.raises(ValueError):
        jax.random.normal(jax.random.split(jax.random.key(0), 3))


def test_typed_keys_through_transformations():
    def sample(r):
        return lambda k: r.normal(k, (2,))

    ka, kj = arrax.random.split(arrax.random.key(4), 3), jax.random.split(jax.random.key(4), 3)
    np.testing.assert_allclose(
        np.asarray(arrax.vmap(sample(arrax.random))(ka)),
        np.asarray(jax.vmap(sample(jax.random))(kj)),
        rtol=2e-6,
    )
    out = arrax.jit(lambda k: arrax.random.split(k))(arrax.random.key(4))
    assert out.shape == (2,)
    np.testing.assert_array_equal(
        _data(arrax, out), _data(jax, jax.jit(lambda k: jax.random.split(k))(jax.random.key(4)))
    )
    assert arrax.vmap(lambda k: arrax.random.split(k))(ka).shape == (3, 2)

    def run(lib):
        def body(carry, _):
            k, s = carry
            k, sub = lib.random.split(k)
            return (k, s + lib.random.normal(sub)), None

        (k, s), _ = lib.lax.scan(body, (lib.random.key(5), 0.0), None, length=4)
        return k, float(s)

    (ka_end, sa), (kj_end, sj) = run(arrax), run(jax)
    assert ka_end.shape == () and sa == pytest.approx(sj, rel=1e-6)
    np.testing.assert_array_equal(_data(arrax, ka_end), _data(jax, kj_end))
    g = arrax.grad(lambda x, k: x * arrax.random.normal(k))(1.0, arrax.random.key(6))
    assert float(g) == pytest.approx(float(jax.random.normal(jax.random.key(6))), rel=1e-6)


def test_key_dtype_queries_and_wrapping():
    k = arrax.random.key(0)
    assert anp.issubdtype(k.dtype, arrax.dtypes.prng_key)
    assert arrax.dtypes.issubdtype(k.dtype, arrax.dtypes.extended)
    assert not anp.issubdtype(k.dtype, anp.floating)
    assert not anp.issubdtype(anp.float32, arrax.dtypes.prng_key)
    assert jnp.issubdtype(jax.random.key(0).dtype, jax.dtypes.prng_key)
    w = arrax.random.wrap_key_data(arrax.random.key_data(arrax.random.split(k, 3)))
    assert w.shape == (3,) and str(w.dtype) == "key<fry>"
    assert arrax.random.key_impl(k) == str(jax.random.key_impl(jax.random.key(0)))
    assert bool(k == arrax.random.key(0)) and not bool(k != arrax.random.key(0))
    with pytest.raises(TypeError):
        np.asarray(k)
