"""Array creation in arrax.numpy against NumPy: array, asarray, zeros, ones, full, empty,
*_like, arange, linspace, logspace, eye, identity, copy; default dtypes, dtype=, shapes."""

import numpy as np
import pytest

from conftest import (
    ALL_DTYPES,
    BFLOAT16,
    anp,
    arrax_only,
    assert_raises,
    assert_same,
    dtype_id,
    run_both,
    sample,
)

SHAPE_ARGS = [3, (3,), (2, 3), [2, 3], (), (0,), (2, 0, 3), np.int64(4), (np.int32(2), 2)]


def shape_id(s):
    return repr(s).replace("np.", "")


# --------------------------------------------------------------------------------------
# array / asarray
# --------------------------------------------------------------------------------------

PY_DATA = [
    [1, 2, 3],
    [1.0, 2, 3],
    [True, False],
    [True, 2],
    [1, 2.5j],
    [[1, 2], [3, 4]],
    [[[1.5]], [[2.5]]],
    (1, 2, 3),
    ([1, 2], (3, 4)),
    5,
    2.5,
    True,
    1 + 2j,
    [],
    [[], []],
    [2**63 - 1],
    [2**63],  # uint64
    [-(2**63)],
    [[1, 2], [3]],  # ragged -> ValueError
    [np.float32(1.5), np.float32(2.5)],
    np.float16(3.0),
    np.int8(-5),
    [np.nan, np.inf, -np.inf],
]


@pytest.mark.parametrize("obj", PY_DATA, ids=repr)
@pytest.mark.parametrize("fname", ["array", "asarray"])
def test_from_python_objects(fname, obj):
    run_both(lambda xp: getattr(xp, fname)(obj))


@pytest.mark.parametrize("dtype", ALL_DTYPES + [BFLOAT16], ids=dtype_id)
@pytest.mark.parametrize("fname", ["array", "asarray"])
def test_with_dtype(fname, dtype):
    run_both(lambda xp: getattr(xp, fname)([0, 1, 2, 3], dtype=dtype))
    run_both(lambda xp: getattr(xp, fname)([[0.5, 1.5], [2.0, 3.25]], dtype=dtype))
    run_both(lambda xp: getattr(xp, fname)(7, dtype=dtype))


@pytest.mark.parametrize("dtype", ALL_DTYPES + [BFLOAT16], ids=dtype_id)
def test_from_numpy_arrays(dtype):
    x = sample(dtype, (3, 4))
    for view in (
        lambda a: a,
        lambda a: a[::-1],
        lambda a: a.T,
        lambda a: a[1:, ::2],
        lambda a: a[0, 0],
    ):
        assert_same(anp.asarray(view(x)), view(x).copy())
        assert_same(anp.array(view(x)), view(x).copy())


def test_dtype_specs():
    for spec in (
        "float32",
        "f4",
        "int8",
        "i8",
        "u2",
        "c16",
        "?",
        "bool",
        float,
        int,
        complex,
        bool,
        np.uint32,
    ):
        run_both(lambda xp: xp.array([1, 0, 2], dtype=spec))


def test_array_copy_semantics():
    def f(xp, a):
        b = xp.array(a)
        b[0] = 100
        return a, b

    run_both(f, np.arange(4))

    def g(xp, a):
        b = xp.asarray(a)
        c = xp.asarray(b)  # no copy of an array of the right dtype: writes are shared
        c[0] = 42
        return b

    run_both(g, np.arange(4))
    run_both(lambda xp, a: xp.asarray(a, dtype=np.float32), np.arange(4))
    run_both(lambda xp, a: xp.array(a, dtype=np.int8), np.arange(4.7, 0, -1))


def test_array_of_arrays():
    run_both(lambda xp, a: xp.array([a, a]), np.arange(3))
    run_both(lambda xp, a: xp.array([a[0], a[1]]), np.arange(3.0))
    run_both(lambda xp, a: xp.asarray((a, [5, 6, 7])), np.arange(3))


def test_array_ndmin_and_copy_kwargs():
    run_both(lambda xp: xp.array([1, 2], ndmin=3))
    run_both(lambda xp, a: xp.array(a, copy=True), np.arange(3))


# --------------------------------------------------------------------------------------
# filled arrays
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPE_ARGS, ids=shape_id)
@pytest.mark.parametrize("fname", ["zeros", "ones", "empty"])
def test_zeros_ones_empty_shapes(fname, shape):
    def f(xp):
        r = getattr(xp, fname)(shape)
        return r if fname != "empty" else r.shape

    if fname == "empty":
        run_both(f, compare=lambda got, exp: (tuple(got) == exp) or pytest.fail(f"{got} != {exp}"))
        run_both(
            lambda xp: xp.empty(shape).dtype,
            compare=lambda g, e: g == e or pytest.fail(f"{g} != {e}"),
        )
    else:
        run_both(f)


@pytest.mark.parametrize("dtype", ALL_DTYPES + [BFLOAT16], ids=dtype_id)
def test_zeros_ones_full_empty_dtypes(dtype):
    run_both(lambda xp: xp.zeros((2, 3), dtype=dtype))
    run_both(lambda xp: xp.ones((2, 3), dtype=dtype))
    run_both(lambda xp: xp.full((2, 3), 3, dtype=dtype))
    a = anp.empty((2, 3), dtype=dtype)
    assert a.shape == (2, 3) and a.dtype == np.dtype(dtype)


@pytest.mark.parametrize(
    "fill",
    [7, 1.5, True, 2 + 1j, np.float32(2.5), np.int8(3), [1, 2, 3], [[1], [2]], np.nan, -np.inf],
    ids=repr,
)
def test_full(fill):
    run_both(lambda xp: xp.full((2, 3), fill))
    run_both(lambda xp: xp.full((2, 3), fill, dtype=np.float32))
    run_both(lambda xp: xp.full(3, fill) if np.ndim(fill) == 0 else xp.full((2, 2), fill))


def test_full_errors():
    run_both(lambda xp: xp.full((2, 3), [1, 2]))  # cannot broadcast
    run_both(lambda xp: xp.full(3, 300, dtype=np.int8))  # out of range
    run_both(lambda xp: xp.full(-1, 0))


@pytest.mark.parametrize(
    "src_dtype", [np.int8, np.float32, np.bool_, np.complex64, np.uint16], ids=dtype_id
)
@pytest.mark.parametrize("fname", ["zeros_like", "ones_like", "full_like", "empty_like"])
def test_like_functions(fname, src_dtype):
    x = sample(src_dtype, (2, 3))

    def call(xp, a, **kw):
        f = getattr(xp, fname)
        r = f(a, 2.75, **kw) if fname == "full_like" else f(a, **kw)
        return r if fname != "empty_like" else (r.shape, r.dtype)

    def cmp(got, exp):
        if fname == "empty_like":
            assert tuple(got[0]) == exp[0] and got[1] == exp[1]
        else:
            assert_same(got, exp)

    run_both(call, x, compare=cmp)
    run_both(lambda xp, a: call(xp, a, dtype=np.float64), x, compare=cmp)
    run_both(lambda xp, a: call(xp, a, shape=(4,)), x, compare=cmp)
    run_both(lambda xp, a: call(xp, a[::-1].T), x, compare=cmp)
    run_both(lambda xp, a: call(xp, a[0, 0]), x, compare=cmp)


def test_like_functions_accept_lists():
    run_both(lambda xp: xp.zeros_like([[1, 2], [3, 4]]))
    run_both(lambda xp: xp.ones_like([1.5, 2.5]))
    run_both(lambda xp: xp.full_like([1, 2, 3], 9.9))
    run_both(lambda xp: xp.full_like(np.arange(3, dtype=np.uint8), 300))


# --------------------------------------------------------------------------------------
# ranges
# --------------------------------------------------------------------------------------

ARANGE_ARGS = [
    (5,),
    (0,),
    (-3,),
    (2, 7),
    (7, 2),
    (7, 2, -1),
    (0, 10, 3),
    (10, 0, -3),
    (0.0, 1.0, 0.1),
    (1, 2, 0.25),
    (-1.5, 1.5, 0.5),
    (5.5,),
    (0, 5, 1.5),
    (np.int8(3),),
    (np.float32(2.5),),
    (0, 1, 0),  # ZeroDivisionError / ValueError
    (1, 1e6, 1e5),
]


@pytest.mark.parametrize("args", ARANGE_ARGS, ids=repr)
def test_arange(args):
    run_both(lambda xp: xp.arange(*args))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_arange_dtype(dtype):
    run_both(lambda xp: xp.arange(0, 6, dtype=dtype))
    run_both(lambda xp: xp.arange(6, dtype=dtype))
    run_both(lambda xp: xp.arange(1, 5, 2, dtype=dtype))


def test_arange_keywords():
    run_both(lambda xp: xp.arange(start=2, stop=8, step=2))
    run_both(lambda xp: xp.arange(stop=4))
    run_both(lambda xp: xp.arange(10, step=3))


@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((0, 1), {}),
        ((0, 1, 5), {}),
        ((1, 0, 5), {}),
        ((0, 1, 5), {"endpoint": False}),
        ((-2.5, 7.5, 11), {}),
        ((0, 10, 1), {}),
        ((0, 10, 0), {}),
        ((0, 10, 4), {"dtype": np.int32}),
        ((0, 10, 7), {"dtype": np.int64}),
        ((-5, 5, 4), {"dtype": np.int16}),
        ((0, 1, 4), {"dtype": np.float32}),
        ((0, 1j, 3), {}),
        ((0, 1, -1), {}),  # ValueError
        ((np.float32(0), np.float32(1), 3), {}),
        ((0, 1e-300, 3), {}),
    ],
    ids=repr,
)
def test_linspace(args, kwargs):
    run_both(lambda xp: xp.linspace(*args, **kwargs))


def test_linspace_retstep():
    def f(xp):
        arr, step = xp.linspace(0, 2, 5, retstep=True)
        return arr, xp.asarray(step)

    run_both(f, check_type=False)
    run_both(lambda xp: xp.linspace(2, 3, num=5, endpoint=False, retstep=True)[1], check_type=False)


@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((0, 2), {}),
        ((0, 3, 4), {}),
        ((0, 3, 4), {"base": 2}),
        ((0, 3, 4), {"base": 2.0, "endpoint": False}),
        ((-2, 2, 5), {"dtype": np.float32}),
        ((1, 0, 3), {}),
        ((0, 4, 5), {"base": 10, "dtype": np.int64}),
    ],
    ids=repr,
)
def test_logspace(args, kwargs):
    run_both(lambda xp: xp.logspace(*args, **kwargs))


# --------------------------------------------------------------------------------------
# eye / identity / copy
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((3,), {}),
        ((0,), {}),
        ((1,), {}),
        ((2, 4), {}),
        ((4, 2), {}),
        ((4,), {"k": 1}),
        ((4,), {"k": -2}),
        ((3, 5), {"k": 3}),
        ((3,), {"k": 5}),
        ((3,), {"dtype": np.int8}),
        ((3,), {"dtype": bool}),
        ((2, 3, 1), {"dtype": np.complex64}),
        ((3,), {"M": 2}),
    ],
    ids=repr,
)
def test_eye(args, kwargs):
    run_both(lambda xp: xp.eye(*args, **kwargs))


@pytest.mark.parametrize("n", [0, 1, 4])
def test_identity(n):
    run_both(lambda xp: xp.identity(n))
    run_both(lambda xp: xp.identity(n, dtype=np.int32))


def test_copy_function():
    def f(xp, a):
        b = xp.copy(a)
        b[0, 0] = -1
        c = xp.copy(a[::-1, 1:])
        return a, b, c

    run_both(f, np.arange(12).reshape(3, 4))
    run_both(lambda xp: xp.copy([1, 2, 3]))
    run_both(lambda xp: xp.copy(3.5))


# --------------------------------------------------------------------------------------
# namespace, defaults and errors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "bool_",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
        "intp",
    ],
)
def test_dtype_names_in_namespace(name):
    dt = getattr(anp, name)
    assert np.dtype(dt) == np.dtype(getattr(np, name))
    assert anp.zeros(2, dtype=dt).dtype == np.dtype(getattr(np, name))


def test_constants():
    assert anp.pi == np.pi and anp.e == np.e
    assert np.isinf(anp.inf) and np.isnan(anp.nan)
    assert anp.newaxis is None


def test_default_dtypes():
    assert anp.zeros(2).dtype == np.float64
    assert anp.ones(2).dtype == np.float64
    assert anp.empty(2).dtype == np.float64
    assert anp.eye(2).dtype == np.float64
    assert anp.arange(3).dtype == np.int64
    assert anp.arange(3.0).dtype == np.float64
    assert anp.linspace(0, 1, 3).dtype == np.float64
    assert anp.full(2, 1).dtype == np.int64
    assert anp.full(2, 1.0).dtype == np.float64
    assert anp.asarray(1).dtype == np.int64
    assert anp.asarray(True).dtype == np.bool_
    assert anp.asarray(1j).dtype == np.complex128


def test_creation_errors():
    assert_raises(ValueError, anp.zeros, -1)
    assert_raises(ValueError, anp.ones, (2, -3))
    assert_raises(TypeError, anp.zeros, 3, dtype="not_a_dtype")
    assert_raises(TypeError, anp.zeros, 2.5)
    assert_raises(ValueError, anp.asarray, [[1, 2], [3]])
    assert_raises(ValueError, anp.linspace, 0, 1, -2)
    assert_raises(TypeError, anp.array, [1, 2], dtype="float33")


def test_zero_dim_creation():
    run_both(lambda xp: xp.array(5))
    run_both(lambda xp: xp.zeros(()))
    run_both(lambda xp: xp.asarray(np.float32(1.25)))
    a = anp.asarray(3.5)
    assert a.shape == () and a.ndim == 0 and a.size == 1
    assert float(a) == 3.5


@arrax_only
def test_python_int_too_large_for_any_dtype_is_numpys_object_array():
    # NumPy falls back to dtype=object here; arrax holds no objects, so (as for strings and
    # None) the value is NumPy's own object array.
    for value in ([2**64], [0, 2**64, 0], [None, 1], [-(2**63) - 1]):
        got = anp.asarray(value)
        assert isinstance(got, np.ndarray) and got.dtype == object
        assert got.tolist() == np.asarray(value).tolist()


@pytest.mark.parametrize(
    "args",
    [(16,), (0,), (1,), (3, 10), (10, 3, -2), (-5, 5, 3), (0, 300, 7), (250, 260), (250, 251),
     (127, 129), (2**63 - 2, 2**63 - 1), (-3,), (5, 1)],
    ids=str,
)  # fmt: skip
@pytest.mark.parametrize(
    "dtype", [None, "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"]
)
def test_arange_of_integers_like_numpy(args, dtype):
    # values, dtype, and NumPy's OverflowError for a first or second value out of range
    try:
        want = np.arange(*args, dtype=dtype)
    except OverflowError:
        with pytest.raises(OverflowError):
            anp.arange(*args, dtype=dtype)
        return
    got = anp.arange(*args, dtype=dtype)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(np.asarray(got), want)
