"""NumPy-compatibility fixes found by running NumPy's own test files (scripts/numpy_own_tests.py)
against arrax.numpy: each result (value, dtype, shape, or the exception's family) is compared
with real NumPy's."""

import warnings

import numpy as np
import pytest

from conftest import anp, arrax_only, run_both

INF, NAN = np.inf, np.nan

# --- median / nanmedian: the mean of the two middle values, as NumPy's mean computes it ----

MEDIAN_DATA = {
    "inf_pair": np.array([1.0, INF]),
    "neg_inf_pair": np.array([-INF, 2.0, 3.0, 5.0]),
    "inf_and_minus_inf": np.array([-INF, INF]),
    "overflowing_mean": np.array([1e308, 1.5e308]),
    "odd_near_max": np.array([1e308, 1.5e308, 1.7e308]),
    "float32": np.array([[1.0, 2, 7, INF], [3, 3e38, 3e38, 0]], np.float32),
    "float16": np.array([[60000, 65000], [1, 2]], np.float16),
    "int8": np.array([[1, 2, 4], [3, 5, 5], [-128, 127, 0]], np.int8),
    "uint64": np.array([2**62 + 1, 2**62 + 3], np.uint64),
    "bool": np.array([True, False, False, True]),
    "with_nan": np.array([[1.0, NAN, 4, 2], [2, 3, 5, 8]]),
    "complex": np.array([1 + 1j, 2, 3 - 1j, 1j]),
    "0d": np.array(3.5),
}


@pytest.mark.parametrize("name", sorted(MEDIAN_DATA))
@pytest.mark.parametrize("axis", [None, 0, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_median_means_the_middle_pair(name, axis, keepdims):
    a = MEDIAN_DATA[name]
    if axis is not None and a.ndim == 0:
        axis = None
    run_both(lambda m, x: m.median(x, axis=axis, keepdims=keepdims), a)


NANMEDIAN_DATA = {
    "inf_nan": np.array([INF, 1.0, NAN]),
    "inf_rows": np.array([[INF, NAN], [NAN, NAN]]),
    "inf_columns": np.array([[NAN, NAN, INF], [NAN, NAN, INF]]),
    "minus_inf": np.array([[-INF, NAN, 3.0], [1, 2, NAN]]),
    "float32_pairs": np.array([[1.0, NAN, 4, 2], [2, 3, NAN, NAN]], np.float32),
    "float16": np.array([[1, 2, NAN], [4, NAN, NAN]], np.float16),
    "int16": np.array([[3, 1, 2, 9], [4, 4, 5, 7]], np.int16),
    "complex": np.array([1 + 1j, 2, NAN, 3]),
    "0d": np.array(2.0),
}


@pytest.mark.parametrize("name", sorted(NANMEDIAN_DATA))
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
def test_nanmedian_ignores_nans_and_keeps_infinities(name, axis):
    a = NANMEDIAN_DATA[name]
    if a.ndim < 2 and axis is not None:
        axis = None if a.ndim == 0 or axis == (0, 1) else axis
    run_both(lambda m, x: m.nanmedian(x, axis=axis), a)
    run_both(lambda m, x: m.nanmedian(x, axis=axis, keepdims=True), a)


def test_nanmedian_all_nan_slice_is_nan_with_numpy_warning():
    a = np.array([[NAN, NAN], [1.0, NAN]])
    with pytest.warns(RuntimeWarning, match="All-NaN slice encountered"):
        r = anp.nanmedian(anp.asarray(a), axis=1)
    np.testing.assert_array_equal(np.asarray(r), [NAN, 1.0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int8])
@pytest.mark.parametrize(
    "call",
    [
        lambda m, x: m.nanmedian(x),
        lambda m, x: m.nanmedian(x, axis=0),
        lambda m, x: m.nanmedian(x, axis=1),
        lambda m, x: m.nanmedian(x, axis=0, keepdims=True),
        lambda m, x: m.nanpercentile(x, 50, axis=0),
        lambda m, x: m.nanpercentile(x, [10, 90], axis=0, keepdims=True),
        lambda m, x: m.nanquantile(x, [0.5, 0.2], axis=0),
        lambda m, x: m.nanquantile(x, 0.3),
        lambda m, x: m.nanquantile(x, [0.5], axis=0, method="inverted_cdf", weights=x),
    ],
)
def test_nan_order_statistics_of_empty_arrays(dtype, call):
    # NumPy: the nanmean of the empty array (NaN where there is a slice), whatever q's shape
    run_both(call, np.zeros((0, 3), dtype))


@arrax_only
def test_median_still_traces_and_differentiates():
    import arrax

    x = anp.asarray([3.0, 1.0, 2.0, 10.0])
    np.testing.assert_allclose(np.asarray(arrax.jit(anp.median)(x)), 2.5)
    np.testing.assert_allclose(np.asarray(arrax.grad(anp.median)(x)), [0.5, 0, 0.5, 0])
    np.testing.assert_allclose(np.asarray(arrax.jit(anp.nanmedian)(x.at[3].set(NAN))), 2.0)


# --- choose: NumPy's common dtype, Python scalars weak ----------------------------------------


@pytest.mark.parametrize(
    "choices",
    [
        (1000, np.array([1], np.uint8)),
        (-1, np.array([1, 2], np.uint8)),
        (1.0, np.float32(3.0)),
        (1.0, np.array([3.0, 4.0], np.float32)),
        (True, 2.5),
        (np.int8(3), 2.5),
        (7, np.array([1, 2], np.int16)),
        (np.array([1, 2], np.int8), np.array([3, 4], np.uint8)),
    ],
)
def test_choose_promotes_python_scalars_weakly(choices):
    run_both(lambda m: m.choose(np.array([0, 1]), choices))
    run_both(lambda m: m.choose(np.array(1), choices))


def test_choose_of_a_stacked_array():
    run_both(lambda m, c: m.choose(np.array([0, 1, 0]), c), np.arange(6).reshape(2, 3))


# --- take_along_axis, ix_ -------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, ishape",
    [((3, 3), (3, 3)), ((3, 3), (9,)), ((4,), (2,)), ((2, 3), (2, 1)), ((0,), (0,))],
)
def test_take_along_axis_none_needs_one_dimensional_indices(shape, ishape):
    a = np.arange(int(np.prod(shape))).reshape(shape)
    idx = (np.arange(int(np.prod(ishape))) % max(a.size, 1)).reshape(ishape)
    run_both(lambda m, x, i: m.take_along_axis(x, i, axis=None), a, idx)


@pytest.mark.parametrize(
    "args",
    [([],), ((),), ([], [1, 2]), (range(0), [True, False]), (np.array([], np.int32),)],
    ids=["list", "tuple", "two", "range_and_mask", "int32_array"],
)
def test_ix_of_an_empty_sequence_is_intp(args):
    run_both(lambda m: m.ix_(*args))


# --- linalg ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shape, axis", [((0,), None), ((0, 3), 0), ((0, 3), 1), ((2, 0), -1)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex64])
def test_vector_norm_inf_of_nothing_is_zero(shape, axis, dtype):
    x = np.zeros(shape, dtype)
    run_both(lambda m, a: m.linalg.vector_norm(a, ord=INF, axis=axis), x)
    run_both(lambda m, a: m.linalg.vector_norm(a, ord=INF, axis=axis, keepdims=True), x)
    run_both(lambda m, a: m.linalg.vector_norm(a, ord=-INF, axis=axis), x)  # (NumPy raises)
    if axis is not None:
        run_both(lambda m, a: m.linalg.norm(a, ord=INF, axis=axis), x)


def test_vector_norm_inf_keeps_nan():
    run_both(lambda m, a: m.linalg.vector_norm(a, ord=INF), np.array([1.0, NAN, -3]))


@pytest.mark.parametrize(
    "s1, s2, axis",
    [
        ((2,), (2,), -1),
        ((3,), (2,), -1),
        ((4, 3), (4, 3), -1),
        ((3, 2), (3, 2), 0),
        ((2, 3), (3,), 0),
    ],
)
def test_linalg_cross_takes_three_element_vectors_only(s1, s2, axis):
    a = np.arange(np.prod(s1), dtype=float).reshape(s1)
    b = np.ones(s2)
    run_both(lambda m, x, y: m.linalg.cross(x, y, axis=axis), a, b)
    run_both(lambda m, x, y: m.cross(x, y, axis=axis), a, b)  # (numpy.cross: 2-vectors too)


def test_matrix_rank_rejects_tol_and_rtol_together():
    a = np.diag([1.0, 1e-3, 0])
    run_both(lambda m, x: m.linalg.matrix_rank(x, tol=0.1, rtol=0.1), a)
    run_both(lambda m, x: m.linalg.matrix_rank(x, tol=0.1), a)
    run_both(lambda m, x: m.linalg.matrix_rank(x, rtol=0.1), a)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4)])
def test_matrix_transpose_needs_two_dimensions(shape):
    x = np.arange(int(np.prod(shape)), dtype=float).reshape(shape)
    run_both(lambda m, a: m.linalg.matrix_transpose(a), x)
    run_both(lambda m, a: m.matrix_transpose(a), x)


# --- ufunc methods --------------------------------------------------------------------------


@pytest.mark.parametrize("ufunc", ["power", "subtract", "add", "maximum", "arctan2", "hypot"])
@pytest.mark.parametrize("axis", [0, -1, None, ()])
def test_ufunc_reduce_of_a_0d_array(ufunc, axis):
    x = np.array(3.0)
    run_both(lambda m, a: getattr(m, ufunc).reduce(a, axis=axis), x)
    run_both(lambda m, a: getattr(m, ufunc).reduce(a, axis=axis, keepdims=True), x)
    run_both(lambda m, a: getattr(m, ufunc).reduce(a, axis=1), x)  # (AxisError)
    if axis in (0, -1):
        run_both(lambda m, a: getattr(m, ufunc).reduce(a, axis=axis, initial=10.0), x)


def test_ufunc_reduce_of_a_python_scalar():
    run_both(lambda m: m.power.reduce(3))
    run_both(lambda m: m.subtract.reduce(2.5))


@pytest.mark.parametrize("ufunc", ["add", "multiply", "maximum"])
@pytest.mark.parametrize(
    "shape, axis, indices",
    [((3,), 0, []), ((2, 3), 1, []), ((2, 3), 0, ()), ((4,), 0, [0.5, 2]), ((4,), 0, [0, 2])],
)
def test_ufunc_reduceat_with_index_sequences(ufunc, shape, axis, indices):
    x = np.arange(1, int(np.prod(shape)) + 1, dtype=np.float32).reshape(shape)
    run_both(lambda m, a: getattr(m, ufunc).reduceat(a, indices, axis=axis), x)


@arrax_only  # (jax.numpy's frompyfunc: NumPy's makes object arrays)
@pytest.mark.parametrize("axis", [(0, 1), (0, 2), (2,), (-1, 0)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_frompyfunc_reduce_over_several_axes(axis, keepdims):
    x = np.arange(1.0, 25.0).reshape(2, 3, 4) / 8
    f = anp.frompyfunc(lambda a, b: a * b, nin=2, nout=1, identity=1)
    got = f.reduce(anp.asarray(x), axis=axis, keepdims=keepdims)
    expected = np.prod(x, axis=axis, keepdims=keepdims)
    assert got.shape == expected.shape
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-12)
    where = x > 0.5
    got = f.reduce(anp.asarray(x), axis=axis, keepdims=keepdims, where=anp.asarray(where))
    expected = np.prod(x, axis=axis, keepdims=keepdims, where=where)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-12)


@arrax_only
def test_frompyfunc_reduce_of_ones_over_both_axes():
    f = anp.frompyfunc(lambda a, b: a * b, nin=2, nout=1, identity=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(f.reduce(anp.ones((2, 2)), axis=(0, 1))) == 1.0


# --- nanmean / nanvar / nanstd of inexact arrays: an inexact dtype and out only -------------


@pytest.mark.parametrize("fn", ["nanmean", "nanvar", "nanstd"])
@pytest.mark.parametrize("dtype", [np.bool_, np.int64, np.uint8, np.float32, np.float16])
def test_nan_means_take_inexact_dtypes_only(fn, dtype):
    a = np.array([[1.0, NAN, 3.0], [2.0, 4.0, 8.0]])
    run_both(lambda m, x: getattr(m, fn)(x, axis=1, dtype=dtype), a)
    run_both(lambda m, x: getattr(m, fn)(x, axis=1, out=m.zeros(2, dtype)), a)


def test_nanmean_out_positional_and_keepdims():
    a = np.array([[1.0, NAN], [3.0, 5.0]])
    run_both(lambda m, x: m.nanmean(x, 1, np.float32, m.zeros(2)), a)
    run_both(lambda m, x: m.nanmean(x, axis=0, out=m.zeros((1, 2), np.float32), keepdims=True), a)
