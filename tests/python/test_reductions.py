"""Reductions and scans of arrax.numpy (sum, prod, mean, var, std, min, max, argmin, argmax,
all, any, cumsum, cumprod) against NumPy: axis (None / int / negative / tuple), keepdims,
dtype=, ddof, NumPy's accumulation dtypes, empty arrays and NaNs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import (
    ALL_DTYPES,
    FLOAT_DTYPES,
    NUMERIC_DTYPES,
    anp,
    arrax_only,
    array_cases,
    assert_raises,
    assert_same,
    axis_args,
    dtype_id,
    run_both,
    sample,
)

REDUCTIONS = ["sum", "prod", "mean", "var", "std", "min", "max", "argmin", "argmax", "all", "any"]
SCANS = ["cumsum", "cumprod"]
ALL_FUNCS = REDUCTIONS + SCANS
# Functions that take a tuple of axes / keepdims.
TUPLE_AXIS = ["sum", "prod", "mean", "var", "std", "min", "max", "all", "any"]


def reduce_kwargs(name, axis=None, keepdims=None):
    kw = {"axis": axis}
    if keepdims is not None and name not in SCANS:
        kw["keepdims"] = keepdims
    return kw


def data(dtype, shape=(2, 3, 4), seed=0):
    """Sample data whose products stay small (values in [-3, 3])."""
    return sample(dtype, shape, seed=seed, low=-3, high=3)


# --------------------------------------------------------------------------------------
# dtypes of full reductions
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name", ALL_FUNCS)
def test_full_reduction_dtypes(name, dtype):
    run_both(lambda xp, a: getattr(xp, name)(a), data(dtype, (3, 4)))


@pytest.mark.parametrize(
    "name,dtype,expected",
    [
        ("sum", np.int8, np.int64),
        ("sum", np.int32, np.int64),
        ("sum", np.uint8, np.uint64),
        ("sum", np.bool_, np.int64),
        ("sum", np.float16, np.float16),
        ("sum", np.float32, np.float32),
        ("sum", np.complex64, np.complex64),
        ("prod", np.int16, np.int64),
        ("prod", np.uint16, np.uint64),
        ("prod", np.bool_, np.int64),
        ("cumsum", np.int8, np.int64),
        ("cumsum", np.bool_, np.int64),
        ("cumprod", np.uint8, np.uint64),
        ("mean", np.int8, np.float64),
        ("mean", np.int64, np.float64),
        ("mean", np.bool_, np.float64),
        ("mean", np.float16, np.float16),
        ("mean", np.float32, np.float32),
        ("var", np.int32, np.float64),
        ("var", np.float32, np.float32),
        ("var", np.complex64, np.float32),
        ("std", np.complex128, np.float64),
        ("std", np.uint8, np.float64),
        ("min", np.int8, np.int8),
        ("max", np.uint16, np.uint16),
        ("argmin", np.float32, np.intp),
        ("argmax", np.int8, np.intp),
        ("all", np.float64, np.bool_),
        ("any", np.int32, np.bool_),
    ],
)
def test_accumulation_dtype(name, dtype, expected):
    a = anp.asarray(data(dtype, (4, 5)))
    assert getattr(anp, name)(a).dtype == np.dtype(expected)
    assert getattr(anp, name)(a, axis=0).dtype == np.dtype(expected)


# --------------------------------------------------------------------------------------
# axis / keepdims
# --------------------------------------------------------------------------------------

AXES = [None, 0, 1, 2, -1, -3, (0, 2), (2, 0), (-1, -2), (), (0, 1, 2)]


@pytest.mark.parametrize(
    "name,keepdims", [(n, k) for n in ALL_FUNCS for k in (False, True) if not (n in SCANS and k)]
)
@pytest.mark.parametrize("axis", AXES, ids=str)
def test_axis_keepdims(name, axis, keepdims):
    for dtype in (np.float64, np.int32):
        run_both(
            lambda xp, a: getattr(xp, name)(a, **reduce_kwargs(name, axis, keepdims)), data(dtype)
        )


@pytest.mark.parametrize("name", ALL_FUNCS)
def test_axis_out_of_bounds(name):
    for axis in (3, -4):
        run_both(lambda xp, a: getattr(xp, name)(a, axis=axis), data(np.float64))


@pytest.mark.parametrize("name", TUPLE_AXIS)
def test_duplicate_axes_raise(name):
    run_both(lambda xp, a: getattr(xp, name)(a, axis=(0, 0)), data(np.float64))
    run_both(lambda xp, a: getattr(xp, name)(a, axis=(1, -2)), data(np.float64))


@pytest.mark.parametrize("name", ["argmin", "argmax", "cumsum", "cumprod"])
def test_tuple_axis_not_allowed(name):
    run_both(lambda xp, a: getattr(xp, name)(a, axis=(0, 1)), data(np.float64))


@pytest.mark.parametrize("name", ALL_FUNCS)
def test_zero_dim_input(name):
    run_both(lambda xp, a: getattr(xp, name)(a), np.array(2.5))
    run_both(lambda xp, a: getattr(xp, name)(a, axis=0), np.array(3))
    run_both(lambda xp, a: getattr(xp, name)(a, axis=-1), np.array(3))


@pytest.mark.parametrize("name", ALL_FUNCS)
def test_on_strided_views(name):
    def f(xp, a):
        v = a[::-1, 1::2].transpose(2, 0, 1)
        return getattr(xp, name)(v, axis=1)

    run_both(f, data(np.float64, (4, 5, 3)))


# --------------------------------------------------------------------------------------
# dtype=, ddof, out-of-range, special values, empty arrays
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,in_dtype,dtype",
    [
        ("sum", np.int32, np.int8),
        ("sum", np.int8, np.float32),
        ("sum", np.float32, np.float64),
        ("sum", np.bool_, np.int8),
        ("sum", np.float64, np.complex128),
        ("prod", np.int8, np.float64),
        ("prod", np.int64, np.int16),
        ("mean", np.int32, np.float32),
        ("mean", np.float16, np.float64),
        ("mean", np.float64, np.float32),
        ("var", np.int64, np.float32),
        ("std", np.float32, np.float64),
        ("cumsum", np.int32, np.int8),
        ("cumsum", np.int8, np.float32),
        ("cumprod", np.float32, np.float64),
    ],
)
def test_dtype_argument(name, in_dtype, dtype):
    x = sample(in_dtype, (3, 5), low=-50, high=50) if name == "sum" else data(in_dtype, (3, 5))
    run_both(lambda xp, a: getattr(xp, name)(a, dtype=dtype), x)
    run_both(lambda xp, a: getattr(xp, name)(a, axis=1, dtype=dtype), x)


@pytest.mark.parametrize("ddof", [0, 1, 2])
@pytest.mark.parametrize("name", ["var", "std"])
def test_ddof(name, ddof):
    for dtype in (np.float64, np.float32, np.int16, np.complex128):
        for axis in (None, 0, 1, (0, 1)):
            run_both(
                lambda xp, a: getattr(xp, name)(a, axis=axis, ddof=ddof), sample(dtype, (4, 3))
            )


def test_ddof_larger_than_count():
    run_both(lambda xp, a: xp.var(a, ddof=5), np.arange(3.0))
    run_both(lambda xp, a: xp.std(a, axis=0, ddof=1), np.ones((1, 3)))


def test_var_is_not_catastrophically_cancelling():
    x = 1e8 + np.array([1.0, 2.0, 3.0, 4.0])
    run_both(lambda xp, a: xp.var(a), x)
    run_both(lambda xp, a: xp.std(a), x)


@pytest.mark.parametrize("dtype", ["int64", "uint64", "int8", "uint8"])
def test_integer_sum_wraps(dtype):
    info = np.iinfo(dtype)
    x = np.array([info.max, info.max, 1, info.max], dtype=dtype)
    for name in ("sum", "prod", "cumsum", "cumprod"):
        run_both(lambda xp, a: getattr(xp, name)(a), x)
    run_both(lambda xp, a: xp.sum(a, dtype=dtype), x)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name", ALL_FUNCS)
def test_nan_and_inf(name, dtype):
    x = np.array(
        [[1.0, np.nan, 3.0], [np.inf, -1.0, 2.0], [-np.inf, 0.0, np.nan], [1.0, 2.0, 3.0]],
        dtype=dtype,
    )
    for axis in (None, 0, 1):
        run_both(lambda xp, a: getattr(xp, name)(a, axis=axis), x)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 4)], ids=str)
@pytest.mark.parametrize("name", ALL_FUNCS)
def test_empty(name, shape):
    x = np.zeros(shape)
    for axis in [None] + list(range(len(shape))):
        run_both(lambda xp, a: getattr(xp, name)(a, axis=axis), x)
    run_both(lambda xp, a: getattr(xp, name)(a.astype(np.int32)), x)


def test_argmin_argmax_first_occurrence():
    x = np.array([[3, 1, 1, 3], [2, 2, 5, 5], [0, 0, 0, 0]])
    for name in ("argmin", "argmax"):
        for axis in (None, 0, 1):
            run_both(lambda xp, a: getattr(xp, name)(a, axis=axis), x)
        run_both(lambda xp, a: getattr(xp, name)(a, axis=1, keepdims=True), x)


def test_bool_reductions():
    x = np.array([[True, False, True], [True, True, True]])
    for name in ALL_FUNCS:
        for axis in (None, 0, 1):
            run_both(lambda xp, a: getattr(xp, name)(a, axis=axis), x)


def test_all_any_of_floats_and_nan():
    x = np.array([[0.0, np.nan], [1.0, -0.0]])
    for name in ("all", "any"):
        for axis in (None, 0, 1):
            run_both(lambda xp, a: getattr(xp, name)(a, axis=axis), x)


def test_large_sum_accuracy():
    # pairwise (or better) summation: naive float32 accumulation would be far off.
    x = np.full(1_000_000, 0.1, dtype=np.float32)
    run_both(lambda xp, a: xp.sum(a), x, tol_scale=10)
    run_both(lambda xp, a: xp.mean(a), x, tol_scale=10)
    x = np.linspace(0, 1, 100_003)
    run_both(lambda xp, a: xp.sum(a), x)


def test_large_reduction_along_axes():
    x = sample(np.float64, (257, 129), seed=3)
    for name in ("sum", "max", "argmin", "mean", "std", "cumsum"):
        # A running sum near zero after terms of hundreds carries their rounding: NumPy's own
        # sequential cumsum is exact to n * eps * 100 ~ 4e-10, and a GPU scan adds in another
        # order.
        atol = 1e-9 if name == "cumsum" else None
        for axis in (None, 0, 1):
            run_both(lambda xp, a: getattr(xp, name)(a, axis=axis), x, atol=atol)


def test_python_lists():
    run_both(lambda xp: xp.sum([[1, 2], [3, 4]], axis=0))
    run_both(lambda xp: xp.mean([1, 2, 3, 4]))
    run_both(lambda xp: xp.max([1.5, -2.0]))
    run_both(lambda xp: xp.cumsum([True, True, False]))


# --------------------------------------------------------------------------------------
# methods
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_FUNCS)
def test_methods(name):
    x = data(np.float64)
    run_both(lambda xp, a: getattr(a, name)(), x)
    run_both(lambda xp, a: getattr(a, name)(axis=1), x)
    run_both(lambda xp, a: getattr(a, name)(-1), x)
    if name in TUPLE_AXIS:
        run_both(lambda xp, a: getattr(a, name)(axis=(0, 2), keepdims=True), x)


def test_method_kwargs():
    x = data(np.int16)
    run_both(lambda xp, a: a.sum(dtype=np.int8), x)
    run_both(lambda xp, a: a.var(ddof=1, axis=0), x)
    run_both(lambda xp, a: a.std(ddof=1), x)
    run_both(lambda xp, a: a.mean(axis=(1, 2), dtype=np.float32), x)
    run_both(lambda xp, a: a.argmax(axis=2, keepdims=True), x)


# --------------------------------------------------------------------------------------
# return types
# --------------------------------------------------------------------------------------


@arrax_only
@pytest.mark.parametrize("name", REDUCTIONS)
def test_full_reduction_returns_zero_dim_arrax_array(name):
    r = getattr(anp, name)(anp.asarray([[1.0, 2.0], [3.0, 4.0]]))
    assert not isinstance(r, (np.ndarray, np.generic))
    assert r.shape == ()
    assert r.ndim == 0


def test_full_reduction_values_convert_to_python():
    a = anp.asarray([[1.0, 2.0], [3.0, 4.0]])
    assert float(anp.sum(a)) == 10.0
    assert int(anp.argmax(a)) == 3
    assert bool(anp.all(a)) is True
    assert anp.mean(a).item() == 2.5
    assert anp.max(a) == 4.0


def test_bad_axis_type_raises():
    assert_raises(TypeError, anp.sum, anp.ones(3), axis=1.5)
    assert_raises((ValueError, IndexError), anp.mean, anp.ones((2, 2)), axis=2)


# --------------------------------------------------------------------------------------
# hypothesis
# --------------------------------------------------------------------------------------


@st.composite
def reduction_problem(draw):
    name = draw(st.sampled_from(ALL_FUNCS))
    domain = "unit" if name in ("prod", "cumprod") else "reduce"
    case = draw(array_cases(dtypes=ALL_DTYPES, domain=domain, max_side=5))
    ndim = case.np.ndim
    tuple_ok = name in TUPLE_AXIS
    axis = draw(axis_args(ndim, allow_tuple=tuple_ok))
    kwargs = {"axis": axis}
    if name not in SCANS and draw(st.booleans()):
        kwargs["keepdims"] = draw(st.booleans())
    if name in ("var", "std"):
        kwargs["ddof"] = draw(st.sampled_from([0, 1]))
    return name, case, kwargs


@settings(max_examples=60, deadline=None)
@given(reduction_problem())
def test_reductions_random(problem):
    name, case, kwargs = problem
    scale = 10.0 if case.np.dtype == np.float16 else 1.0
    run_both(lambda xp, a: getattr(xp, name)(a, **kwargs), case, tol_scale=scale)


@settings(max_examples=30, deadline=None)
@given(array_cases(dtypes=NUMERIC_DTYPES, domain="reduce", min_dims=1), st.data())
def test_sum_dtype_random(case, data_):
    dtype = data_.draw(st.sampled_from([np.int64, np.float64, np.complex128, np.float32]))
    axis = data_.draw(axis_args(case.np.ndim))
    run_both(lambda xp, a: xp.sum(a, axis=axis, dtype=dtype), case)
    run_both(lambda xp, a: xp.mean(a, axis=axis, dtype=dtype), case)


def test_reduction_of_view_does_not_modify_base():
    a = anp.asarray(np.arange(12.0).reshape(3, 4))
    _ = anp.cumsum(a[:, ::-1], axis=1)
    assert_same(a, np.arange(12.0).reshape(3, 4), check_type=False)
