"""JAX API details a sweep of jax.* against arrax.* found: defaults and keywords that changed
results silently (lax.round's ties, nn.logsumexp's and scipy.special.softmax's axes, a
product's preferred_element_type) or made JAX programs fail (precision=, descending=, axis=
on top_k and one_hot, softmax's where=). Each is checked against JAX itself."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import lax

jax = pytest.importorskip("jax")
jnp = jax.numpy
pytestmark = pytest.mark.usefixtures("jax_x64")  # float64 in JAX for this module only

rng = np.random.default_rng(4)
X = rng.standard_normal((3, 4))


def same(got, want, rtol=1e-12):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=0)


TIES = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, 3.7, -3.2, np.inf, np.nan])


@pytest.mark.parametrize("method", [None, "AWAY_FROM_ZERO", "TO_NEAREST_EVEN"])
def test_lax_round_breaks_ties_as_jax(method):
    if method is None:  # JAX's default: away from zero (numpy.round's is to even)
        same(lax.round(TIES), jax.lax.round(TIES))
    else:
        same(
            lax.round(TIES, getattr(lax.RoundingMethod, method)),
            jax.lax.round(TIES, getattr(jax.lax.RoundingMethod, method)),
        )
    np.testing.assert_array_equal(arrax.grad(lambda v: lax.round(v).sum())(X), 0)


def test_preferred_element_type_widens_before_the_product():
    a = np.full((2, 300), 100, np.int8)  # int8 sums of 3,000,000 would wrap
    same(
        lax.dot(a, a.T, preferred_element_type=np.int32),
        jax.lax.dot(a, a.T, preferred_element_type=jnp.int32),
    )
    dn = (((1,), (1,)), ((), ()))
    same(
        lax.dot_general(a, a, dn, preferred_element_type=np.int64),
        jax.lax.dot_general(a, a, dn, preferred_element_type=jnp.int64),
    )
    for name, args in [
        ("dot", (a, a.T)),
        ("matmul", (a, a.T)),
        ("inner", (a, a)),
        ("tensordot", (a, a.T, 1)),
        ("einsum", ("ij,kj->ik", a, a)),
    ]:
        same(
            getattr(anp, name)(*args, preferred_element_type=np.int32),
            getattr(jnp, name)(*args, preferred_element_type=jnp.int32),
        )


def test_precision_keywords_are_taken_and_checked():
    for p in [None, "highest", "float32", jax.lax.Precision.HIGHEST, lax.Precision.DEFAULT,
              ("highest", "highest")]:  # fmt: skip
        same(anp.dot(X, X.T, precision=p), jnp.dot(X, X.T))
        same(lax.dot(X, X.T, precision=p), jnp.dot(X, X.T))
    same(anp.einsum("ij,kj->ik", X, X, precision="highest"), jnp.einsum("ij,kj->ik", X, X))
    with pytest.raises(ValueError, match="dot"):
        anp.dot(X, X.T, precision="bogus")


@pytest.mark.parametrize("stable", [True, False])
def test_sort_and_argsort_descending(stable):
    x = np.array([[3.0, 1.0, np.nan, 1.0, 3.0, 0.0], [2.0, 2.0, -1.0, 5.0, 2.0, -np.inf]])
    same(anp.sort(x, descending=True), jnp.sort(x, descending=True))
    same(anp.sort(x, axis=0, descending=True), jnp.sort(x, axis=0, descending=True))
    got = anp.argsort(x, descending=True, stable=stable)
    np.testing.assert_array_equal(got, jnp.argsort(x, descending=True, stable=True))


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float64, np.bool_])
def test_top_k_matches_jax(dtype):
    x = rng.integers(0, 4, size=(3, 6)).astype(dtype)  # ties
    if dtype == np.float64:
        x[1, 2] = np.nan
    for got, want in zip(lax.top_k(x, 3), jax.lax.top_k(x, 3)):
        np.testing.assert_array_equal(got, want)
        assert np.asarray(got).dtype == want.dtype
    for got, want in zip(lax.top_k(x, 2, axis=0), jax.lax.top_k(x, 2, axis=0)):
        np.testing.assert_array_equal(got, want)


def test_nn_defaults_and_keywords_match_jax():
    same(arrax.nn.logsumexp(X), jax.nn.logsumexp(X))  # all axes by default
    same(arrax.nn.logsumexp(X, axis=-1, keepdims=True), jax.nn.logsumexp(X, -1, keepdims=True))
    same(arrax.scipy.special.softmax(X), jax.scipy.special.softmax(X))
    same(arrax.scipy.special.log_softmax(X), jax.scipy.special.log_softmax(X))
    mask = X > -0.5
    same(arrax.nn.softmax(X, where=mask), jax.nn.softmax(X, where=mask))
    same(arrax.nn.log_softmax(X, where=mask), jax.nn.log_softmax(X, where=mask))
    labels = np.array([[0, 2], [5, 1]])  # 5 is out of range: all zeros
    for axis in (-1, 0, 1):
        same(arrax.nn.one_hot(labels, 3, axis=axis), jax.nn.one_hot(labels, 3, axis=axis,
             dtype=jnp.float32))  # fmt: skip


def test_lax_conj_of_reals_is_complex():
    same(lax.conj(np.float32(2.0)), jax.lax.conj(np.float32(2.0)))
    same(lax.conj(X), jax.lax.conj(X))
    with pytest.raises(TypeError, match="conj"):
        lax.conj(np.arange(3))


@pytest.mark.parametrize("order", [0, 1, 3, 6])
def test_log_ndtr_series_order(order):
    x = np.array([-25.0, -40.0, -300.0, -1.0, 2.0])
    same(
        arrax.scipy.special.log_ndtr(x, series_order=order),
        jax.scipy.special.log_ndtr(x, series_order=order),
        rtol=1e-13,
    )


@pytest.mark.parametrize(
    "src,dst",
    [(np.float32, np.int16), (np.float64, np.uint8), (np.int32, np.float32), (np.float16, np.uint8),
     (np.float64, np.int32), (np.uint16, np.float64), (np.int8, np.uint8)],
)  # fmt: skip
def test_bitcast_convert_type_matches_jax(src, dst):
    """Equal item sizes keep the shape; a smaller target adds a last axis of pieces (low-order
    first), a larger one joins the last axis; the bits are JAX's either way."""
    x = (rng.standard_normal((2, 4)) * 1000).astype(src)
    got = np.asarray(lax.bitcast_convert_type(x, dst))
    want = np.asarray(jax.lax.bitcast_convert_type(x, dst))
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))
    back = np.asarray(arrax.jit(lambda v: lax.bitcast_convert_type(v, src))(got))
    np.testing.assert_array_equal(back.view(np.uint8), x.view(np.uint8))


def test_small_lax_additions_match_jax():
    i = np.array([0, 1, 2, 255, -1, 1 << 20, -(1 << 31)], np.int32)
    np.testing.assert_array_equal(lax.clz(i), jax.lax.clz(i))
    u = np.array([0, 1, 128, 255], np.uint8)
    np.testing.assert_array_equal(lax.clz(u), jax.lax.clz(u))
    b = rng.random((3, 5)) > 0.5
    np.testing.assert_array_equal(lax.reduce_xor(b, (1,)), jax.lax.reduce_xor(b, (1,)))
    n = rng.integers(0, 100, (3, 5))
    np.testing.assert_array_equal(lax.reduce_xor(n, (0, 1)), jax.lax.reduce_xor(n, (0, 1)))
    assert lax.broadcast_to_rank(np.ones(3), 3).shape == (1, 1, 3)
    tree = {"a": anp.ones(2), "b": (anp.zeros(3),)}
    assert lax.optimization_barrier(tree) is tree
    assert lax.with_sharding_constraint(tree["a"], None) is tree["a"]


@pytest.mark.parametrize(
    "x,repeats,axis,length",
    [([1, 2, 3], [1, 0, 2], None, 5), ([1, 2, 3], [1, 0, 2], None, 2), ([1, 2, 3], 2, None, 4),
     ([[1, 2], [3, 4]], [2, 1], 0, 4), ([[1, 2], [3, 4]], [2, 1], 1, 2), ([[1, 2]], 3, None, 0)],
)  # fmt: skip
def test_repeat_total_repeat_length(x, repeats, axis, length):
    """jnp.repeat's total_repeat_length: a result of that length (cut, or padded with the last
    item), also under jit with traced counts."""
    kw = dict(axis=axis, total_repeat_length=length)
    want = jnp.repeat(jnp.asarray(x), jnp.asarray(repeats), **kw)
    np.testing.assert_array_equal(anp.repeat(np.asarray(x), np.asarray(repeats), **kw), want)
    jitted = arrax.jit(lambda a, r: anp.repeat(a, r, **kw))
    np.testing.assert_array_equal(jitted(np.asarray(x), np.asarray(repeats)), want)


def test_linearize_has_aux_and_named_call():
    def f(x):
        return anp.sin(x) * 2.0, {"norm": anp.sum(x * x)}

    x = np.array([0.3, -1.2, 2.0])
    out, f_jvp, aux = arrax.linearize(f, x, has_aux=True)
    jout, jf_jvp, jaux = jax.linearize(lambda v: (jnp.sin(v) * 2.0, {"norm": jnp.sum(v * v)}), x,
                                       has_aux=True)  # fmt: skip
    same(out, jout)
    same(aux["norm"], jaux["norm"])
    t = np.array([1.0, 0.5, -2.0])
    same(f_jvp(t), jf_jvp(t))
    with pytest.raises(TypeError, match="has_aux"):
        arrax.linearize(lambda v: v, x, has_aux=True)
    g = arrax.named_call(lambda v: v + 1, name="plus_one")
    same(arrax.jit(g)(x), x + 1)


@pytest.mark.parametrize("size,fill", [(6, -1), (2, None), (3, None), (1, 9)])
@pytest.mark.parametrize(
    "x",
    [np.array([[3, 1, 3], [2, 1, 5]]), np.array([2.0, np.nan, 1.0, np.nan, 2.0]), np.array([7])],
)
def test_unique_with_size_returns_everything_jax_does(x, size, fill):
    """unique(size=) with return_index/inverse/counts, eagerly and under jit: the first `size`
    values padded with fill_value, first indices padded with the first one's, the inverse in
    x's shape, counts padded with 0 (JAX's results)."""
    kw = dict(return_index=True, return_inverse=True, return_counts=True, size=size,
              fill_value=fill)  # fmt: skip
    want = jnp.unique(jnp.asarray(x), **kw)
    for got in (anp.unique(x, **kw), arrax.jit(lambda v: anp.unique(v, **kw))(x)):
        for g, w in zip(got, want):
            np.testing.assert_array_equal(np.asarray(g), np.asarray(w))


AT_CASES = {
    "set_out_of_bounds": lambda m, a: a.at[1, 5].set(9.0),
    "get_clamps": lambda m, a: a.at[1, 5].get(),
    "add_arrays_one_out": lambda m, a: a.at[m.array([0, 1]), m.array([1, 9])].add(1.0),
    "set_negative_out": lambda m, a: a.at[-5, 0].set(9.0),
    "get_fill_value": lambda m, a: a.at[0, 7].get(mode="fill", fill_value=-1.0),
    "get_fill_default": lambda m, a: a.at[0, 7].get(mode="fill"),
    "set_clip": lambda m, a: a.at[0, 7].set(9.0, mode="clip"),
    "slice_and_out": lambda m, a: a.at[:, 6].multiply(2.0),
    "broadcast_max": lambda m, a: a.at[m.array([[0], [2]]), m.array([3, 4])].max(100.0),
}


@pytest.mark.parametrize("name", sorted(AT_CASES))
def test_at_out_of_bounds_as_jax(name):
    """x.at[...] follows JAX out of bounds, eagerly and under jit: updates dropped (or clamped
    with mode="clip"), reads clamped (or filled with mode="fill"), per axis, so an index past a
    row's end never reaches the next row."""
    f = AT_CASES[name]
    x = np.arange(12.0).reshape(3, 4)
    want = np.asarray(f(jnp, jnp.asarray(x)))
    np.testing.assert_array_equal(np.asarray(f(anp, anp.asarray(x))), want)
    np.testing.assert_array_equal(np.asarray(arrax.jit(lambda v: f(anp, v))(x)), want)


def test_traced_indices_clamp_per_axis():
    x = np.arange(12.0).reshape(3, 4)
    got = arrax.jit(lambda v, i: v[1, i])(x, 9)  # NumPy would raise; traced, JAX clamps
    assert float(got) == float(jnp.asarray(x)[1, 9]) == 7.0
    with pytest.raises(IndexError):
        anp.asarray(x)[1, 9]  # eagerly, NumPy's error


def test_polygamma_with_an_array_of_orders():
    m = np.array([0.0, 1.0, 2.0, 3.0, 1.5, -1.0])
    x = np.array([0.7, 2.0, 3.5, 1.2, 2.0, 2.0])
    want = jax.lax.polygamma(m, x)
    same(lax.polygamma(m, x), want, rtol=1e-10)
    same(arrax.jit(lax.polygamma)(m, x), want, rtol=1e-10)
    n = np.array([1, 2])
    same(arrax.scipy.special.polygamma(n, np.array([2.0, 3.0])),
         jax.scipy.special.polygamma(n, np.array([2.0, 3.0])), rtol=1e-10)  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.uint8, np.bool_])
@pytest.mark.parametrize("kw", [dict(), dict(axis=1), dict(axis=0), dict(fill_value=3)])
def test_take_fill_mode(dtype, kw):
    """take(mode="fill") as JAX's: indices outside [-n, n) give fill_value (by default NaN,
    the minimum signed integer, the maximum unsigned one, True), eagerly and under jit."""
    x = (np.arange(10) % 7).reshape(2, 5).astype(dtype)
    idx = np.array([[1, 7], [-1, -6]])
    want = jnp.take(jnp.asarray(x), idx, mode="fill", **kw)
    for got in (anp.take(x, idx, mode="fill", **kw),
                arrax.jit(lambda v, i: anp.take(v, i, mode="fill", **kw))(x, idx)):  # fmt: skip
        assert np.asarray(got).dtype == want.dtype
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))  # (NaN equals NaN)


SET_A, SET_B = np.array([5, 3, 3, 9, 1]), np.array([3, 7, 9, 9])


@pytest.mark.parametrize("name", ["union1d", "intersect1d", "setdiff1d", "setxor1d"])
@pytest.mark.parametrize("size,fill", [(7, None), (2, None), (7, -1)])
def test_set_functions_with_static_size_match_jax(name, size, fill):
    want = getattr(jnp, name)(SET_A, SET_B, size=size, fill_value=fill)
    got = arrax.jit(lambda a, b: getattr(anp, name)(a, b, size=size, fill_value=fill))(
        anp.asarray(SET_A), anp.asarray(SET_B)
    )
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    empty = getattr(anp, name)(anp.asarray([1, 2]), anp.asarray([1, 2]), size=3)
    np.testing.assert_array_equal(
        np.asarray(empty),
        np.asarray(getattr(jnp, name)(jnp.array([1, 2]), jnp.array([1, 2]), size=3)),
    )


def test_where_with_size_and_inplace_false_updates_match_jax():
    x = np.arange(5)
    got = arrax.jit(lambda v: anp.where(v > 1, size=4, fill_value=-1))(anp.asarray(x))
    same(got[0], jnp.where(x > 1, size=4, fill_value=-1)[0])
    with pytest.raises(ValueError, match="where: size"):
        anp.where(anp.asarray(x) > 1, 1, 0, size=3)
    a = np.zeros((3, 3))
    cases = [
        ("fill_diagonal", (a, np.array([1.0, 2.0])), {}),
        ("put", (np.arange(5.0), np.array([0, -1]), np.array([9.0, 8.0])), {}),
        ("put", (np.arange(5.0), np.array([7, -9]), np.array([9.0])), {"mode": "clip"}),
        ("place", (np.arange(4.0), np.arange(4) > 1, np.array([8.0])), {}),
        ("put_along_axis", (np.zeros((2, 3)), np.array([[1], [0]]), 7.0), {"axis": 1}),
    ]
    for name, args, kw in cases:
        want = getattr(jnp, name)(*args, inplace=False, **kw)
        f = lambda *xs, name=name, kw=kw: getattr(anp, name)(*xs, inplace=False, **kw)  # noqa: E731
        # (place's mask sets how many values are written: it stays concrete)
        got = (
            f(*map(anp.asarray, args)) if name == "place" else arrax.jit(f)(*map(anp.asarray, args))
        )
        same(got, want)
    untouched = anp.zeros((2, 2))
    anp.fill_diagonal(untouched, 1.0, inplace=False)
    assert float(untouched.sum()) == 0.0


@pytest.mark.parametrize("name", ["unique_values", "unique_counts", "unique_inverse", "unique_all"])
def test_array_api_unique_functions_with_size_match_jax(name):
    x = np.array([[3, 1], [3, 7]])
    got = arrax.jit(lambda v: getattr(anp, name)(v, size=5, fill_value=0))(anp.asarray(x))
    want = getattr(jnp, name)(x, size=5, fill_value=0)
    for g, w in zip(arrax.tree_util.tree_leaves(tuple(got) if name != "unique_values" else got),
                    jax.tree_util.tree_leaves(tuple(want) if name != "unique_values" else want)):  # fmt: skip
        same(g, w)


@pytest.mark.parametrize("mode,fill", [("fill", None), ("fill", -7.0), ("clip", None)])
def test_take_along_axis_modes_match_jax(mode, fill):
    x = np.arange(6.0).reshape(2, 3)
    i = np.array([[0, 5], [-1, 2]])
    want = jnp.take_along_axis(x, i, axis=1, mode=mode, fill_value=fill)
    got = arrax.jit(lambda a, b: anp.take_along_axis(a, b, axis=1, mode=mode, fill_value=fill))(
        anp.asarray(x), anp.asarray(i)
    )
    same(got, want)
    with pytest.raises(IndexError):  # NumPy's behaviour without mode
        anp.take_along_axis(anp.asarray(x), anp.asarray(i), axis=1)


def test_lax_complex_keeps_infinite_parts_and_differentiates():
    x = np.array([1.0, np.inf, -2.0, np.nan, 0.0])
    y = np.array([np.inf, 2.0, -np.inf, 1.0, np.nan])
    got = np.asarray(arrax.lax.complex(anp.asarray(x), anp.asarray(y)))
    want = x + 0j
    want.imag = y
    np.testing.assert_array_equal(got, want)  # (x + 1j * y would make inf's real part NaN)
    assert arrax.lax.complex(anp.float32(1), anp.float32(2)).dtype == np.complex64
    arrax.test_util.check_grads(
        lambda a, b: anp.sum(anp.abs(arrax.lax.complex(a, b)) ** 2),
        (anp.asarray([1.0, 2.0]), anp.asarray([3.0, -1.0])),
        order=2,
    )
