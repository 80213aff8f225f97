"""Two NumPy behaviours of elementwise results, checked against NumPy:

- the result's memory order follows its inputs' (NumPy's order='K'): exp of an F-ordered array,
  a.T + 1 and an F-ordered astype are F-ordered, with NumPy's strides;
- Python ints past 64 bits: compared exactly with integer arrays (arr < 2**70 is all True),
  taken for floats with float arrays, refused (OverflowError) in integer arithmetic.
"""

import itertools

import arrax.numpy as anp
import numpy as np
import pytest


def _layouts(m):
    c = m.arange(24.0).reshape(2, 3, 4)
    return {
        "C": c,
        "F": m.asfortranarray(c),
        "transposed": m.arange(24.0).reshape(4, 3, 2).transpose(2, 1, 0),
        "permuted": m.arange(24.0).reshape(3, 2, 4).transpose(1, 0, 2),
        "reversed": m.arange(24.0).reshape(2, 3, 4)[:, ::-1],
        "strided": m.arange(48.0).reshape(2, 3, 8)[:, :, ::2],
        "F strided": m.asfortranarray(m.arange(48.0).reshape(2, 3, 8))[:, :, ::2],
        "broadcast": m.broadcast_to(m.arange(4.0), (2, 3, 4)),
        "row": m.arange(4.0),
    }


_A, _N = _layouts(anp), _layouts(np)
# (NumPy's tie-breaking between two different non-C orders is its iterator's own heuristic)
_PAIRS = [
    (a, b)
    for a, b in itertools.product(_A, _A)
    if "permuted" not in (a, b) or {a, b} <= {"permuted", "C", "reversed", "strided", "row"}
]


def _same(r, n):
    assert r.dtype == n.dtype and r.shape == n.shape
    np.testing.assert_allclose(np.asarray(r), n, rtol=1e-15)


@pytest.mark.parametrize("a,b", _PAIRS)
def test_binary_result_follows_the_inputs_memory_order(a, b):
    r, n = _A[a] * _A[b] + 1.0, _N[a] * _N[b] + 1.0
    _same(r, n)
    assert r.strides == n.strides
    assert r.flags.c_contiguous == n.flags.c_contiguous
    assert r.flags.f_contiguous == n.flags.f_contiguous


@pytest.mark.parametrize("layout", [k for k in _A if k != "broadcast"])
@pytest.mark.parametrize("op", ["exp", "negative", "sqrt", "isnan", "astype"])
def test_unary_result_follows_the_input_memory_order(layout, op):
    x, nx = _A[layout], _N[layout]
    if op == "astype":
        r, n = x.astype(anp.float32), nx.astype(np.float32)
    else:
        r, n = getattr(anp, op)(x), getattr(np, op)(nx)
    _same(r, n)
    assert r.strides == n.strides


def test_transposed_operands_give_f_ordered_values_that_reduce_and_copy_right():
    a, n = anp.arange(12.0).reshape(3, 4), np.arange(12.0).reshape(3, 4)
    r, rn = anp.exp(a.T) - a.T, np.exp(n.T) - n.T
    assert r.flags.f_contiguous and rn.flags.f_contiguous
    np.testing.assert_allclose(np.asarray(r.sum(axis=0)), rn.sum(axis=0))
    np.testing.assert_allclose(np.asarray(r.ravel()), rn.ravel())
    np.testing.assert_allclose(np.asarray(anp.ascontiguousarray(r)), np.ascontiguousarray(rn))
    assert anp.ascontiguousarray(r).flags.c_contiguous
    np.testing.assert_allclose(np.asarray(r @ a), rn @ n)
    np.testing.assert_allclose(np.asarray(r.reshape(12)), rn.reshape(12))


_BIG = [2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**70, -(2**63) - 1, -(2**70), 10**30]
_CMP = ["less", "less_equal", "greater", "greater_equal", "equal", "not_equal"]


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64", "uint64"])
@pytest.mark.parametrize("big", _BIG)
@pytest.mark.parametrize("op", _CMP)
def test_comparisons_with_python_ints_past_the_dtype_are_exact(dtype, big, op):
    values = [0, 1, 100]
    if dtype in ("int64", "uint64"):
        values = values + [int(np.iinfo(dtype).max), int(np.iinfo(dtype).min)]
    x, nx = anp.asarray(values, dtype=dtype), np.asarray(values, dtype=dtype)
    _same(getattr(anp, op)(x, big), getattr(np, op)(nx, big))
    _same(getattr(anp, op)(big, x), getattr(np, op)(big, nx))


def test_comparison_operators_with_big_ints():
    x, nx = anp.asarray([[1, -2], [3, 4]]), np.asarray([[1, -2], [3, 4]])
    for f in (
        lambda a: a < 2**70,
        lambda a: a == 2**70,
        lambda a: a != -(2**70),
        lambda a: 2**100 >= a,
        lambda a: a[:, ::-1] > -(2**64),
    ):
        _same(f(x), f(nx))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64"])
def test_big_python_ints_are_floats_with_float_arrays(dtype):
    x, nx = anp.asarray([1.0, -2.0], dtype=dtype), np.asarray([1.0, -2.0], dtype=dtype)
    with np.errstate(over="ignore"):
        for f in (
            lambda a: a + 2**70,
            lambda a: a * 2**64,
            lambda a: a == 2**70,
            lambda a: a < 2**70,
            lambda a: 10**30 - a,
        ):
            r, n = f(x), f(nx)
            assert r.dtype == n.dtype
            np.testing.assert_allclose(np.asarray(r), n, rtol=1e-6)
    with pytest.raises(OverflowError):
        x * 2**2000
    with pytest.raises(OverflowError):
        nx * 2**2000


@pytest.mark.parametrize(
    "f",
    [
        lambda m, a: a + 2**70,
        lambda m, a: a * 2**64,
        lambda m, a: a ** (2**70),
        lambda m, a: m.add(2**70, 1),
        lambda m, a: m.maximum(a, -(2**70)),
    ],
)
def test_big_python_ints_in_integer_arithmetic_raise_overflow(f):
    x, nx = anp.asarray([1, 2]), np.asarray([1, 2])
    with pytest.raises(OverflowError):
        f(np, nx)
    with pytest.raises(OverflowError, match="Python integer"):
        f(anp, x)


def test_float_power_with_a_big_int_exponent():
    x, nx = anp.asarray([0.5, 1.0, 2.0]), np.asarray([0.5, 1.0, 2.0])
    with np.errstate(over="ignore"):
        _same(x ** (2**70), nx ** (2**70))


def test_clip_with_big_int_bounds_is_a_no_op():
    x, nx = anp.asarray([1, -5, 7]), np.asarray([1, -5, 7])
    _same(anp.clip(x, -(2**70), 2**70), np.clip(nx, -(2**70), 2**70))


# --- more found by NumPy's own tests and JAX's docs -------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "bool", "int64", "uint8"])
def test_storing_none_like_numpy(dtype):
    a, n = anp.ones((2, 3), dtype=dtype), np.ones((2, 3), dtype=dtype)
    if np.dtype(dtype).kind in "iu":
        with pytest.raises(TypeError):
            n[0, 1] = None
        with pytest.raises(TypeError, match="__setitem__"):
            a[0, 1] = None
        return
    a[0, 1], n[0, 1] = None, None
    a[1], n[1] = None, None
    _same(a, n)


def test_casting_a_bool_view_of_other_bytes_like_numpy():
    raw, nraw = anp.asarray([0, 3, -7, 1], dtype=anp.int8), np.asarray([0, 3, -7, 1], np.int8)
    b, nb = raw.view(anp.bool_), nraw.view(np.bool_)
    for dt in ("int64", "float32", "uint8", "complex64"):
        _same(b.astype(dt), nb.astype(dt))
        _same(b[::-2].astype(dt), nb[::-2].astype(dt))  # (the strided loop)


def test_int_of_a_traced_value_is_a_concretization_error_like_jax():
    import arrax
    from arrax.errors import ConcretizationTypeError, TracerIntegerConversionError

    with pytest.raises(ConcretizationTypeError) as e:
        arrax.jit(lambda x: int(x))(1.0)
    assert not isinstance(e.value, TracerIntegerConversionError)  # (JAX's is for __index__)
    with pytest.raises(TracerIntegerConversionError):
        arrax.jit(lambda x: anp.zeros(x))(3)
