"""Type promotion: anp.result_type equals numpy.result_type for every pair of the 14 NumPy
dtypes and for every dtype with a Python bool/int/float/complex scalar (NEP 50 weak
scalars); operators and ufuncs follow the same rules (int8 array + 1 -> int8, int8 array +
1.0 -> float64, float32 array + 1.0 -> float32, uint8 array + 300 -> OverflowError)."""

import operator

import numpy as np
import pytest

from conftest import (
    ALL_DTYPES,
    BFLOAT16,
    INT_DTYPES,
    Failures,
    anp,
    assert_raises,
    dtype_id,
    run_both,
)

PY_SCALARS = [True, 1, 1.0, 1j]


def same_dtype(got, expected):
    assert isinstance(got, np.dtype), f"result_type returned {type(got)!r}, expected a numpy.dtype"
    assert got == expected, f"{got} != {expected}"


@pytest.mark.parametrize("d2", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("d1", ALL_DTYPES, ids=dtype_id)
def test_result_type_pairs(d1, d2):
    run_both(lambda xp: xp.result_type(d1, d2), compare=same_dtype)


@pytest.mark.parametrize("scalar", PY_SCALARS, ids=repr)
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_result_type_weak_python_scalars(dtype, scalar):
    run_both(lambda xp: xp.result_type(dtype, scalar), compare=same_dtype)
    run_both(lambda xp: xp.result_type(scalar, dtype), compare=same_dtype)


@pytest.mark.parametrize("scalar", PY_SCALARS, ids=repr)
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_result_type_array_and_python_scalar(dtype, scalar):
    x = np.zeros(3, dtype=dtype)
    run_both(lambda xp, a: xp.result_type(a, scalar), x, compare=same_dtype)
    # a 0-d array is *not* weak
    run_both(lambda xp, a: xp.result_type(a, xp.asarray(scalar)), x, compare=same_dtype)


@pytest.mark.parametrize(
    "args",
    [
        (True, 1),
        (1, 1.0),
        (1.0, 1j),
        (True,),
        (1,),
        (np.int8, np.int16, np.float32),
        (np.int16, np.uint8, 1.0),
        (np.uint64, np.int64, np.float32),
        (np.bool_, np.bool_, True),
        (np.float16, np.int16, 1j),
        ("i1", "u4"),
        (np.dtype("f2"), "f4", np.complex64),
        (np.int8, 2**40),  # value does not matter for result_type
    ],
    ids=repr,
)
def test_result_type_misc(args):
    run_both(lambda xp: xp.result_type(*args), compare=same_dtype)


def test_result_type_of_several_dtypes_ignores_their_order():
    """NumPy promotes a sequence at once, not in turn: int8, uint16 and float32 give float32
    (int8 + uint16 first would be int32, which needs float64)."""
    import itertools

    dtypes = [np.int8, np.uint8, np.uint16, np.int32, np.uint64, np.float16, np.float32]
    dtypes += [np.complex64, np.bool_]
    for combo in itertools.combinations(dtypes, 3):
        for perm in itertools.permutations(combo):
            run_both(lambda xp: xp.result_type(*perm), compare=same_dtype)
    parts = [np.ones(2, np.int8), np.ones(2, np.uint16), np.ones(2, np.float32)]
    run_both(lambda xp, *a: xp.concatenate(a), *parts)
    run_both(lambda xp, *a: xp.stack(a), *parts)


def test_result_type_bfloat16():
    for other in (BFLOAT16, np.float32, np.float64):
        run_both(lambda xp: xp.result_type(BFLOAT16, other), compare=same_dtype)


# --------------------------------------------------------------------------------------
# promotion in operators
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype,scalar,expected",
    [
        (np.int8, 1, np.int8),
        (np.int8, 1.0, np.float64),
        (np.int8, True, np.int8),
        (np.int8, 1j, np.complex128),
        (np.uint8, 1, np.uint8),
        (np.float32, 1.0, np.float32),
        (np.float32, 1, np.float32),
        (np.float32, 1j, np.complex64),
        (np.float16, 2.5, np.float16),
        (np.bool_, 1, np.int64),
        (np.bool_, 1.0, np.float64),
        (np.bool_, True, np.bool_),
        (np.complex64, 1.0, np.complex64),
        (np.uint64, 1, np.uint64),
        (np.int64, 1.0, np.float64),
    ],
    ids=str,
)
def test_operator_weak_scalar_expectations(dtype, scalar, expected):
    a = anp.asarray(np.array([1, 0, 1], dtype=dtype))
    assert (a + scalar).dtype == np.dtype(expected)
    assert (scalar + a).dtype == np.dtype(expected)
    assert (a * scalar).dtype == np.dtype(expected)
    assert anp.add(a, scalar).dtype == np.dtype(expected)


def test_uint8_plus_300_overflows():
    a = anp.asarray(np.array([1, 2], dtype=np.uint8))
    assert_raises(OverflowError, operator.add, a, 300)
    assert_raises(OverflowError, operator.add, 300, a)
    assert_raises(OverflowError, anp.add, a, 300)
    assert_raises(OverflowError, operator.sub, a, -1)


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=dtype_id)
def test_python_int_bounds_per_dtype(dtype):
    info = np.iinfo(dtype)
    x = np.array([0, 1], dtype=dtype)
    for value in (int(info.max), int(info.min), int(info.max) + 1, int(info.min) - 1, 2**64):
        run_both(lambda xp, a: a + value, x)
        run_both(lambda xp, a: value * a, x)


@pytest.mark.parametrize(
    "op", [operator.add, operator.mul, operator.truediv, operator.eq, operator.sub]
)
def test_operator_promotion_all_pairs(op):
    fails = Failures()
    for d1 in ALL_DTYPES:
        for d2 in ALL_DTYPES:
            with fails.check(f"{d1} {op.__name__} {d2}"):
                run_both(lambda xp, a, b: op(a, b), np.ones(2, dtype=d1), np.ones(2, dtype=d2))
    fails.raise_if_any()


@pytest.mark.parametrize("scalar", [True, 2, 2.5, 1j, -1, 1e300], ids=repr)
def test_operator_promotion_with_python_scalars_all_dtypes(scalar):
    fails = Failures()
    for d in ALL_DTYPES:
        for op in (operator.add, operator.mul, operator.truediv, operator.lt):
            with fails.check(f"{d} {op.__name__} {scalar!r}"):
                run_both(lambda xp, a: op(a, scalar), np.ones(2, dtype=d))
            with fails.check(f"{scalar!r} {op.__name__} {d}"):
                run_both(lambda xp, a: op(scalar, a), np.ones(2, dtype=d))
    fails.raise_if_any()


def test_numpy_scalars_and_zero_dim_arrays_are_strong():
    f32 = np.ones(3, dtype=np.float32)
    i8 = np.ones(3, dtype=np.int8)
    run_both(lambda xp, a: a + np.float64(1.0), f32)
    run_both(lambda xp, a: np.float64(1.0) + a, f32)
    run_both(lambda xp, a: a + np.int64(1), i8)
    run_both(lambda xp, a: a + xp.asarray(1.0), f32)
    run_both(lambda xp, a: a + xp.asarray(1), i8)
    run_both(lambda xp, a: a + xp.asarray(np.int16(1)), i8)
    run_both(lambda xp, a: a[0] + 1.0, f32)  # a[0]: 0-d float32, python float is weak


def test_zero_dim_results_keep_dtype_in_expressions():
    a = anp.asarray(np.array([1.5, 2.5], dtype=np.float32))
    s = a.sum()
    assert s.dtype == np.float32
    assert (s * 2).dtype == np.float32
    assert (a * a[0]).dtype == np.float32
    i = anp.asarray(np.array([1, 2], dtype=np.int8))
    assert (i[0] + 1).dtype == np.int8
    assert (i[0] + i[1]).dtype == np.int8


def test_ufunc_promotion_with_mixed_kinds():
    run_both(lambda xp: xp.add(np.ones(2, np.uint64), np.ones(2, np.int64)))
    run_both(lambda xp: xp.multiply(np.ones(2, np.int16), np.ones(2, np.float16)))
    run_both(lambda xp: xp.subtract(np.ones(2, np.uint32), np.ones(2, np.int8)))
    run_both(lambda xp: xp.maximum(np.ones(2, np.bool_), np.ones(2, np.uint8)))
    run_both(lambda xp: xp.power(np.ones(2, np.int8), 2))
    run_both(lambda xp: xp.true_divide(np.ones(2, np.int8), 2))
    run_both(lambda xp: xp.floor_divide(np.ones(2, np.float16), 2))
