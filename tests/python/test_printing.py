"""repr() and str() of arrax arrays must be byte-identical to NumPy's for the same data,
dtype and shape: every dtype, 0-d, empty, special floats, all magnitudes, line wrapping,
summarisation of large arrays with '...', and non-contiguous views."""

import numpy as np
import pytest

from conftest import ALL_DTYPES, BFLOAT16, FLOAT_DTYPES, anp, arrax_only, dtype_id, sample

rng = np.random.default_rng(1234)


def check_print(x, ax=None):
    """repr and str of anp.asarray(x) (or of ``ax``) equal NumPy's for ``x``."""
    a = anp.asarray(x) if ax is None else ax
    assert repr(a) == repr(x), f"\narrax repr:\n{a!r}\nnumpy repr:\n{x!r}"
    assert str(a) == str(x), f"\narrax str:\n{a!s}\nnumpy str:\n{x!s}"


SHAPES = [(), (0,), (1,), (5,), (3, 4), (2, 0), (0, 3, 2), (2, 2, 3), (1, 1, 1)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", ALL_DTYPES + [BFLOAT16], ids=dtype_id)
def test_dtypes_and_shapes(dtype, shape):
    check_print(sample(dtype, shape, seed=len(shape)))


@pytest.mark.parametrize("dtype", ALL_DTYPES + [BFLOAT16], ids=dtype_id)
def test_wide_value_ranges(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        check_print(np.array([info.min, 0, info.max, 1], dtype=dtype))
        check_print(np.array([[info.min, 1], [-1 if info.min else 2, info.max]], dtype=dtype))
    elif dtype.kind == "b":
        check_print(np.array([[True], [False]]))
    else:
        for scale in (1e-8, 1e-3, 1.0, 1e3, 1e8, 1e17):
            vals = rng.standard_normal(7) * scale
            if dtype.kind == "c":
                vals = vals + 1j * rng.standard_normal(7) * scale
            with np.errstate(all="ignore"):
                check_print(vals.astype(dtype))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES + [BFLOAT16], ids=dtype_id)
def test_special_floats(dtype):
    check_print(np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0], dtype=dtype))
    check_print(np.array([np.nan], dtype=dtype))
    check_print(np.array(-np.inf, dtype=dtype))
    check_print(np.array([-0.0, 0.0], dtype=dtype))
    check_print(np.array([[np.nan, 1.5], [2.25, -np.inf]], dtype=dtype))


@pytest.mark.parametrize(
    "values",
    [
        [0.1, 0.2, 0.30000000000000004],
        [1 / 3, 2 / 3],
        [1e-10, 1.0, 1e10],
        [1e16, 1.0],
        [1e-5, 1.0],
        [123456789.0, 1.5],
        [1.0, 2.0, 3.0],
        [1.5, 100.0, -0.25],
        [0.001, 0.0001],
        [1e300, -1e-300],
        [5e-324],
        [65504.0, 0.1],
        [1.0e8, 1.0e-8, 0.0],
        [2.0**52 + 1, 0.5],
    ],
    ids=repr,
)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
def test_float_formatting(values, dtype):
    with np.errstate(all="ignore"):
        check_print(np.array(values).astype(dtype))
        check_print(np.array(values[0]).astype(dtype))


@pytest.mark.parametrize(
    "values",
    [
        [1 + 2j, -0.5 - 1e-9j],
        [complex(np.nan, 1), complex(1, np.inf), complex(-np.inf, -np.nan)],
        [0j, -0.0 - 0.0j],
        [1e20 + 1j, 1e-20j],
    ],
    ids=repr,
)
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128], ids=dtype_id)
def test_complex_formatting(values, dtype):
    with np.errstate(all="ignore"):
        check_print(np.array(values, dtype=dtype))


LARGE = {
    "arange2000": np.arange(2000),
    "arange1001_int8": (np.arange(1001) % 100).astype(np.int8),
    "arange1000_no_summary": np.arange(1000),
    "linspace1001": np.linspace(0, 1, 1001),
    "normal1500": rng.standard_normal(1500),
    "normal1500_f32": rng.standard_normal(1500).astype(np.float32),
    "normal1500_f16": rng.standard_normal(1500).astype(np.float16),
    "uniform2000_scaled": rng.uniform(-1e6, 1e6, 2000),
    "2d_50x50": np.arange(2500.0).reshape(50, 50),
    "2d_3x400": np.arange(1200).reshape(3, 400),
    "2d_400x3": np.arange(1200, dtype=np.uint16).reshape(400, 3),
    "3d_10x10x11": np.arange(1100).reshape(10, 10, 11) - 500,
    "4d": np.arange(2 * 3 * 13 * 17).reshape(2, 3, 13, 17) * 0.5,
    "bool1001": np.arange(1001) % 3 == 0,
    "complex1200": (rng.standard_normal(1200) + 1j * rng.standard_normal(1200)),
    "complex64_1200": (rng.standard_normal(1200) + 1j).astype(np.complex64),
    "nan_in_large": np.where(np.arange(3000) % 7 == 0, np.nan, np.arange(3000.0)),
    "uint64_large": np.arange(2000, dtype=np.uint64) * np.uint64(2**50),
    "bfloat16_large": np.arange(1500).astype(BFLOAT16),
}


@pytest.mark.parametrize("name", list(LARGE))
def test_large_arrays_are_summarised(name):
    x = LARGE[name]
    check_print(x)
    if x.size > 1000:
        assert "..." in repr(anp.asarray(x))


LINE_WRAP = {
    "arange100": np.arange(100),
    "arange100_f": np.arange(100) * 1.25,
    "random30": rng.standard_normal(30),
    "random_2d": rng.standard_normal((5, 20)),
    "int64_min_max_30": np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max] * 15),
    "bool_60": np.arange(60) % 2 == 0,
    "complex_20": rng.standard_normal(20) + 1j * rng.standard_normal(20),
    "int8_3d": (np.arange(200) % 127).astype(np.int8).reshape(2, 4, 25),
}


@pytest.mark.parametrize("name", list(LINE_WRAP))
def test_line_wrapping(name):
    check_print(LINE_WRAP[name])


def test_views_print_like_numpy():
    x = np.arange(30.0).reshape(5, 6)
    a = anp.asarray(x.copy())
    check_print(x[::-1, ::2], a[::-1, ::2])
    check_print(x.T, a.T)
    check_print(x[1:4, 2], a[1:4, 2])
    check_print(x[None, ..., None][..., 1:3, :], a[None, ..., None][..., 1:3, :])
    big = np.arange(3000).reshape(30, 100)
    b = anp.asarray(big.copy())
    check_print(big[::-1, ::-3], b[::-1, ::-3])
    check_print(big.T, b.T)


def test_computed_results_print_like_numpy():
    x = np.linspace(-3, 3, 13)
    a = anp.asarray(x)
    check_print(np.sin(x), anp.sin(a))
    check_print(x * 2, a * 2)
    check_print(x > 0, a > 0)
    check_print(np.arange(5, dtype=np.int32) ** 2, anp.arange(5, dtype=np.int32) ** 2)


@arrax_only
def test_zero_dim_from_indexing_and_reductions():
    a = anp.asarray(np.arange(6.0).reshape(2, 3))
    assert repr(a[1, 2]) == repr(np.array(5.0)) == "array(5.)"
    assert str(a[1, 2]) == str(np.array(5.0)) == "5.0"
    assert repr(anp.sum(a)) == "array(15.)"
    i = anp.asarray(np.arange(4, dtype=np.int8))
    assert repr(i[3]) == repr(np.array(3, dtype=np.int8)) == "array(3, dtype=int8)"
    assert repr(anp.asarray([True])[0]) == "array(True)"


def test_printing_does_not_change_data():
    x = np.arange(2500.0).reshape(50, 50)
    a = anp.asarray(x.copy())
    repr(a)
    str(a)
    np.testing.assert_array_equal(np.asarray(a), x)


def test_format_and_print_functions():
    x = np.array([1.5, 2.25])
    a = anp.asarray(x)
    assert f"{a}" == f"{x}"
    assert "%s" % (a,) == "%s" % (x,)
    assert np.array2string(np.asarray(a)) == np.array2string(x)
