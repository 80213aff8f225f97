"""arrax.lax against real jax.lax (float64) where JAX's tests/lax_test.py found them to differ:
C-style ``rem`` and truncating integer ``div``, dot_general of mixed dtypes, float16/bfloat16
erf_inv, betainc and reduce_precision, any integer index_dtype for argmin/argmax, and JAX's
argument checks (broadcast_in_dim, squeeze, argmin/argmax, complex comparisons, population_count
of bools, dynamic slice index dtypes, pad, split, reduce) with its exception types and messages;
rng_bit_generator's Threefry bits, bit for bit."""

import arrax
import ml_dtypes
import numpy as np
import pytest
from arrax import lax as alax

from conftest import AGAINST_NUMPY

jax = pytest.importorskip("jax")

pytestmark = [
    pytest.mark.usefixtures("jax_x64"),
    pytest.mark.skipif(AGAINST_NUMPY, reason="compares arrax.lax with jax.lax"),
]

BF16 = np.dtype(ml_dtypes.bfloat16)


def both(fn, *args, **kwargs):
    """fn(lax, *args) for arrax.lax and jax.lax."""
    return fn(alax, *args, **kwargs), fn(jax.lax, *args, **kwargs)


def assert_like_jax(fn, *args, rtol=1e-12, **kwargs):
    a, j = both(fn, *args, **kwargs)
    a, j = np.asarray(a), np.asarray(j)
    assert a.shape == j.shape and a.dtype == j.dtype, (a, j)
    if a.dtype.kind in "iub":
        np.testing.assert_array_equal(a, j)
    else:
        np.testing.assert_allclose(a.astype(np.float64), j.astype(np.float64), rtol=rtol)
    return a


def assert_raises_like_jax(fn, *args):
    """Both raise the same exception type with the same message (up to JAX's tips)."""
    with pytest.raises(Exception) as ja:
        fn(jax.lax, *args)
    with pytest.raises(type(ja.value)) as ar:
        fn(alax, *args)
    assert str(ar.value).split(" (Tip")[0] in str(ja.value), (str(ar.value), str(ja.value))


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "float16", "bfloat16", "float64"])
def test_rem_has_the_sign_of_the_dividend(dtype):
    x = np.array([7, -7, 5, -5, 6], dtype)
    y = np.array([3, 3, -2, -2, 4], dtype)
    assert_like_jax(lambda L: L.rem(x, y))
    assert_like_jax(lambda L: (arrax if L is alax else jax).jit(L.rem)(x, y))


def test_rem_float_values_and_gradient():
    x, y = np.array([5.5, -3.2, 7.1]), np.array([2.0, 3.0, -2.5])
    assert_like_jax(lambda L: L.rem(x, y))
    ga = arrax.grad(lambda a, b: alax.rem(a, b).sum(), argnums=(0, 1))(x, y)
    gj = jax.grad(lambda a, b: jax.lax.rem(a, b).sum(), argnums=(0, 1))(x, y)
    for a, j in zip(ga, gj):
        np.testing.assert_allclose(np.asarray(a), np.asarray(j))


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint64"])
def test_integer_div_rounds_toward_zero(dtype):
    signed = np.dtype(dtype).kind == "i"
    x = np.array([7, -7, 5, -6, 9, 0] if signed else [7, 9, 5, 6, 255, 0], dtype)
    y = np.array([2, 2, -2, -3, 4, 3] if signed else [2, 2, 3, 3, 7, 3], dtype)
    assert_like_jax(lambda L: L.div(x, y))
    assert_like_jax(lambda L: (arrax if L is alax else jax).jit(L.div)(x, y))


@pytest.mark.parametrize(
    "lhs,rhs",
    [("int64", "float64"), ("uint64", "int16"), ("int8", "float16"), ("float32", "complex64"),
     ("bfloat16", "float16"), ("bool", "int8"), ("int32", "uint32")],
)  # fmt: skip
def test_dot_of_mixed_dtypes_computes_in_the_higher_precision_one(lhs, rhs):
    x = np.arange(1, 4).astype(lhs)
    y = np.arange(2, 14).reshape(3, 4).astype(rhs)
    assert_like_jax(lambda L: L.dot(x, y), rtol=1e-3)
    dn = (((0,), (0,)), ((), ()))
    assert_like_jax(lambda L: L.dot_general(x, y, dn), rtol=1e-3)


@pytest.mark.parametrize("dtype", [np.float16, BF16])
def test_erf_inv_and_betainc_of_half_precision_floats(dtype):
    x = np.array([0.1, -0.5, 0.9], dtype)
    assert_like_jax(lambda L: L.erf_inv(x), rtol=1e-2)
    a, b, z = (np.array(v, dtype) for v in ([2.0, 0.5], [3.0, 1.5], [0.4, 0.9]))
    assert_like_jax(lambda L: L.betainc(a, b, z), rtol=1e-2)


def test_reduce_precision_of_bfloat16():
    x = np.array([1.3, -2.7, 1e-3], BF16)
    assert_like_jax(lambda L: L.reduce_precision(x, 5, 4))


@pytest.mark.parametrize("index_dtype", ["int8", "int16", "uint8", "int32", "int64"])
@pytest.mark.parametrize("name", ["argmin", "argmax"])
def test_argminmax_take_any_integer_index_dtype(name, index_dtype):
    x = np.array([[3.0, 1.0, 2.0], [0.5, 4.0, 4.0]])
    assert_like_jax(lambda L: getattr(L, name)(x, 1, index_dtype))
    assert_like_jax(lambda L: getattr(L, name)(x, 0, index_dtype))


def test_pad_and_split_and_reduce_still_work():
    x = np.arange(5.0)
    assert_like_jax(lambda L: L.pad(x, 0.0, [(-1, -2, 2)]))
    assert_like_jax(lambda L: L.concatenate(L.split(x, [2, 0, 3]), 0))
    assert_like_jax(lambda L: L.reduce(x, 0.0, L.add, (0,)))
    assert_like_jax(lambda L: L.squeeze(np.ones((1, 2, 1)), (-1, 0)))
    assert_like_jax(lambda L: L.broadcast_in_dim(np.ones((2, 1)), (3, 2, 4), (1, 2)))


# --- JAX's argument checks -----------------------------------------------------------------


@pytest.mark.parametrize(
    "inshape,outshape,dims",
    [((2,), (2, 2), (0, 1)), ((2, 2), (2,), (0, 1)), ((2,), (2, 3), (2,)), ((2,), (3,), (0,))],
)  # fmt: skip
def test_broadcast_in_dim_shape_checks(inshape, outshape, dims):
    # (arrax used to return uninitialized memory for the first case)
    x = np.ones(inshape, np.float32)
    assert_raises_like_jax(lambda L: L.broadcast_in_dim(x, outshape, dims))


@pytest.mark.parametrize("dims", [(0, 0), (3,), (-4,), (1,), (None,)])
def test_squeeze_checks(dims):
    x = np.ones((1, 2, 3), np.float32)
    assert_raises_like_jax(lambda L: L.squeeze(x, dims))


@pytest.mark.parametrize("name", ["argmin", "argmax"])
def test_argminmax_checks(name):
    assert_raises_like_jax(lambda L: getattr(L, name)(np.ones((2, 2)), 0, np.float32))
    assert_raises_like_jax(lambda L: getattr(L, name)(np.ones((2, 2)), 0, np.bool_))
    assert_raises_like_jax(lambda L: getattr(L, name)(np.ones((0, 2)), 0, np.int32))
    assert_raises_like_jax(lambda L: getattr(L, name)(np.ones((2, 3)), -1, np.int32))


@pytest.mark.parametrize("name", ["rem", "lt", "le", "gt", "ge"])
def test_ops_reject_complex(name):
    assert_raises_like_jax(lambda L: getattr(L, name)(2 + 3j, 4 + 5j))


def test_population_count_rejects_bool():
    assert_raises_like_jax(lambda L: L.population_count(True))
    assert_like_jax(lambda L: L.population_count(np.array([7, -1, 0], np.int8)))


def test_dynamic_slice_indices_must_share_an_integer_dtype():
    x = np.ones((3, 4), np.float32)
    idx = (np.int32(1), np.int16(2))
    assert_raises_like_jax(lambda L: L.dynamic_slice(x, idx, (2, 2)))
    assert_raises_like_jax(lambda L: L.dynamic_update_slice(x, np.zeros((2, 2), np.float32), idx))
    # (a Python int takes the other indices' dtype, as in JAX's default 32-bit mode)
    out = alax.dynamic_slice(np.arange(12.0).reshape(3, 4), (np.int32(1), 2), (2, 2))
    np.testing.assert_array_equal(np.asarray(out), [[6.0, 7.0], [10.0, 11.0]])


@pytest.mark.parametrize(
    "args",
    [(np.zeros(2), np.zeros(2), [(0, 0, 0)]), (np.zeros(2), 0.0, [(0, 1, 0), (0, 1, 0)]),
     (np.zeros(2), 0.0, [(0, 1, -1)]), (np.zeros(2), 0.0, [(-3, 0, 0)]),
     (np.zeros(2), 0.0, [(-4, 0, 1)])],
)  # fmt: skip
def test_pad_checks(args):
    with pytest.raises(ValueError) as ja:
        jax.lax.pad(*args)
    with pytest.raises(ValueError) as ar:
        alax.pad(*args)
    key = str(ja.value).split(",")[0].split(";")[0][:30]
    assert key.lower() in str(ar.value).lower(), (str(ar.value), str(ja.value))


@pytest.mark.parametrize("sizes,axis", [([-1], 0), ([6], 0), ((), 1)])
def test_split_checks(sizes, axis):
    assert_raises_like_jax(lambda L: L.split(np.arange(5), sizes, axis=axis))


def test_reduce_checks():
    assert_raises_like_jax(lambda L: L.reduce(np.arange(3), 0, L.add, (0, 0)))
    with pytest.raises(ValueError, match="Operands must have the same tree structure"):
        alax.reduce({"x": np.ones(5)}, {"y": 0.0}, lambda x, y: x, [0])
    with pytest.raises(ValueError, match="reduce found non-scalar initial value"):
        alax.reduce({"x": np.ones(5)}, {"x": np.ones(5)}, lambda x, y: x, [0])


# --- reduce_window and select_n --------------------------------------------------------------


def test_reduce_window_same_padding_with_base_dilation_uses_the_operand_shape():
    x = np.arange(24.0, dtype=np.float32).reshape(4, 6)
    assert_like_jax(
        lambda L: L.reduce_window(x, np.float32(0), L.add, (2, 1), (2, 1), "SAME", (2, 3)),
        rtol=1e-6,
    )


def test_reduce_window_variadic():
    rng = np.random.default_rng(0)
    x, y = rng.random((3, 2, 4, 6)), rng.random((3, 2, 4, 6))

    def fn(L):
        red = lambda a, b: (a[0] + b[0], L.max(a[1], b[1]))  # noqa: E731
        init = (0.0, -np.inf)
        return L.reduce_window((x, y), init, red, (2, 1, 2, 1), (1, 2, 2, 1), "SAME", (2, 1, 3, 2))

    a, j = both(fn)
    for p, q in zip(a, j):
        np.testing.assert_allclose(np.asarray(p), np.asarray(q), rtol=1e-12)


def test_reduce_window_checks():
    x = np.ones((1,))
    for dims, strides in [((0,), (1,)), ((1,), (0,))]:
        with pytest.raises(TypeError, match="must have every element be"):
            alax.reduce_window(x, 0.0, alax.add, dims, strides, "VALID")
    with pytest.raises(TypeError, match="expected init_values to be scalars"):
        alax.reduce_window(np.ones((4, 4)), np.zeros((1,)), alax.max, (2, 2), (2, 2), "VALID")
    with pytest.raises(ValueError, match="same tree structure as the operands"):
        alax.reduce_window(x, 0.0, lambda a, b: [a + b], (1,), (1,), "VALID")


def test_select_n_clamps_an_out_of_range_selector():
    which = np.array([-1, 0, 1, 2, 3, 7], np.int32)
    cases = [np.arange(6.0) * k for k in (1, 10, 100)]
    assert_like_jax(lambda L: L.select_n(which, *cases))


RBG_SHAPES = [(), (1,), (5,), (4,), (2, 3), (2, 4), (4, 2), (3, 3), (3, 5), (5, 3, 5), (3, 4, 2),
              (0,), (2, 0), (1, 3)]  # fmt: skip
RBG_KEYS = [[1, 2, 3, 4], [7, 8, 0xFFFFFFFF, 9], [0, 0, 0xFFFFFFFE, 0xFFFFFFFF]]


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "uint64"])
@pytest.mark.parametrize("key", RBG_KEYS)
def test_rng_bit_generator_threefry_bits_and_key(dtype, key):
    k = np.array(key, np.uint32)
    for shape in RBG_SHAPES:
        a, j = both(lambda L: L.rng_bit_generator(k, shape, dtype, L.RandomAlgorithm.RNG_THREE_FRY))
        for x, y in zip(a, j):
            x, y = np.asarray(x), np.asarray(y)
            assert x.dtype == y.dtype and x.shape == y.shape, (shape, x, y)
            np.testing.assert_array_equal(x, y)


def test_rng_bit_generator_under_jit_and_vmap():
    def f(k):
        return alax.rng_bit_generator(k, shape=(5, 7))

    key = np.array([1, 2, 3, 4], np.uint32)
    for x, y in zip(f(key), arrax.jit(f)(key)):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    keys = np.arange(12, dtype=np.uint32).reshape(3, 4)
    new_keys, bits = arrax.vmap(f)(keys)
    for i in range(3):
        np.testing.assert_array_equal(np.asarray(new_keys[i]), np.asarray(f(keys[i])[0]))
        np.testing.assert_array_equal(np.asarray(bits[i]), np.asarray(f(keys[i])[1]))
    new_key, empty = alax.rng_bit_generator(key, (0,))
    np.testing.assert_array_equal(np.asarray(new_key), key)


def test_rng_bit_generator_errors():
    key = np.array([1, 2, 3, 4], np.uint32)
    with pytest.raises(TypeError, match="rng_bit_generator: unsupported dtype int32"):
        alax.rng_bit_generator(key, (3,), np.int32)
    with pytest.raises(TypeError, match="rng_bit_generator: the key must be uint32"):
        alax.rng_bit_generator(key[:2], (3,))
    with pytest.raises(NotImplementedError, match="RNG_PHILOX"):
        alax.rng_bit_generator(key, (3,), algorithm=alax.RandomAlgorithm.RNG_PHILOX)
