"""NumPy functions whose results NumPy computes from values, traced (jit, vmap, derivatives)
as jax.numpy traces them, each checked against NumPy on concrete inputs:

* ``pad`` with the statistic modes (mean, median, maximum, minimum, linear_ramp), eager and
  under jit, with stat_length / end_values of every form; their derivatives;
* ``insert`` at traced points (a scalar, one point, several, negative, repeated);
* ``poly`` of traced roots; ``ix_`` of traced integer arrays;
* ``r_``/``c_`` with the 'r'/'c' directives (2-d arrays, as jax.numpy gives)."""

import itertools

import arrax
import numpy as np
import pytest
from arrax.test_util import check_grads

from conftest import anp, arrax_only, assert_raises_like

pytestmark = arrax_only  # (jit, vmap and derivatives throughout)

PAD_DTYPES = [np.int8, np.uint8, np.int32, np.float16, np.float32, np.float64, np.complex128]
STAT_MODES = ["mean", "median", "maximum", "minimum"]


def _pad_input(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "u":
        return rng.integers(0, 200, shape).astype(dtype)
    x = rng.standard_normal(shape) * 10
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _assert_like_numpy(actual, expected, dtype):
    actual = np.asarray(actual)
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    tol = 1e-2 if dtype == np.float16 else 1e-6
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol)


PAD_WIDTHS = [2, (1, 3), ((0, 2), (3, 1))]
STAT_LENGTHS = [None, 1, (2, 3), ((1, 4), (2, 1))]


@pytest.mark.parametrize("dtype", PAD_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("mode", STAT_MODES)
@pytest.mark.parametrize("width", PAD_WIDTHS, ids=str)
@pytest.mark.parametrize("stat_length", STAT_LENGTHS, ids=str)
def test_pad_statistic_modes_like_numpy(dtype, mode, width, stat_length):
    if mode == "median" and np.dtype(dtype).kind == "c":
        pytest.skip("NumPy's median of complex values sorts them lexicographically")
    x = _pad_input((3, 4), dtype)
    kw = {} if stat_length is None else {"stat_length": stat_length}
    expected = np.pad(x, width, mode, **kw)
    _assert_like_numpy(anp.pad(anp.asarray(x), width, mode, **kw), expected, dtype)
    jitted = arrax.jit(lambda a: anp.pad(a, width, mode, **kw))
    _assert_like_numpy(jitted(anp.asarray(x)), expected, dtype)


@pytest.mark.parametrize("dtype", PAD_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("end_values", [None, 3, (-2, 5), ((1, -4), (7, 0))], ids=str)
@pytest.mark.parametrize("width", PAD_WIDTHS, ids=str)
def test_pad_linear_ramp_like_numpy(dtype, end_values, width):
    x = _pad_input((3, 4), dtype, seed=1)
    kw = {} if end_values is None else {"end_values": end_values}
    expected = np.pad(x, width, "linear_ramp", **kw)
    _assert_like_numpy(anp.pad(anp.asarray(x), width, "linear_ramp", **kw), expected, dtype)
    jitted = arrax.jit(lambda a: anp.pad(a, width, "linear_ramp", **kw))
    _assert_like_numpy(jitted(anp.asarray(x)), expected, dtype)


@pytest.mark.parametrize("mode", ["mean", "linear_ramp", "maximum"])
def test_pad_statistic_modes_one_and_three_dims(mode):
    for shape in [(5,), (2, 3, 4), (1, 1, 1)]:
        x = _pad_input(shape, np.float64, seed=2)
        expected = np.pad(x, 2, mode)
        _assert_like_numpy(arrax.jit(lambda a: anp.pad(a, 2, mode))(x), expected, np.float64)


@pytest.mark.parametrize(
    "width, kw",
    [(2, {"stat_length": 0}), (2, {"stat_length": -1}), (-1, {}), (((1, 2),) * 3, {})],
    ids=str,
)
def test_pad_statistic_mode_errors_like_numpy(width, kw):
    x = np.ones((3, 4))
    try:
        np.pad(x, width, "maximum", **kw)
    except Exception as e:  # noqa: BLE001
        assert_raises_like(e, anp.pad, anp.asarray(x), width, "maximum", **kw)
    else:
        pytest.fail("NumPy accepted it")


@pytest.mark.parametrize("dtype", [np.float64, np.int32], ids=lambda d: d.__name__)
@pytest.mark.parametrize("mode", ["mean", "median"])
def test_pad_mean_of_no_values_like_numpy(mode, dtype):
    x = np.ones((2, 3), dtype)
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        expected = np.pad(x, 1, mode, stat_length=0)  # (NaN, cast for the integers)
    with np.errstate(all="ignore"):
        actual = anp.pad(anp.asarray(x), 1, mode, stat_length=0)
    np.testing.assert_array_equal(np.asarray(actual), expected)


@pytest.mark.parametrize(
    "mode, kw",
    [("mean", {"stat_length": 2}), ("linear_ramp", {"end_values": 1.5}), ("maximum", {})],
    ids=str,
)
def test_pad_statistic_mode_derivatives(mode, kw):
    x = anp.asarray(_pad_input((3, 4), np.float64, seed=3))
    check_grads(lambda a: anp.pad(a, ((1, 2), (2, 1)), mode, **kw), (x,), order=2)


def test_pad_median_derivative():
    x = anp.asarray(_pad_input((3, 5), np.float64, seed=4))
    check_grads(lambda a: anp.pad(a, 2, "median"), (x,), order=1)


def test_pad_callable_mode_under_jit():
    # A NumPy-style function modifying its vector in place works on traced arrays too (the
    # traced vector's item assignment updates it), as a JAX-style one returning it does.
    def fill(vector, width, iaxis, kwargs):
        vector[: width[0]] = 7

    for shape in ((3,), (2, 3)):
        want = np.pad(np.ones(shape), 1, fill)
        np.testing.assert_array_equal(
            arrax.jit(lambda a: anp.pad(a, 1, fill))(np.ones(shape)), want
        )
        np.testing.assert_array_equal(anp.pad(anp.ones(shape), 1, fill), want)


# --- insert at traced points ------------------------------------------------------------

INSERT_CASES = [
    # (shape, obj, values shape, axis)
    ((5,), 2, (), None),
    ((5,), -1, (), 0),
    ((5,), 5, (3,), 0),
    ((5,), [0], (2,), 0),
    ((5,), [1, 3], (), 0),
    ((5,), [3, 1, 3], (3,), 0),
    ((5,), [-5, 5, 0], (1, 3), 0),
    ((3, 4), 1, (), 1),
    ((3, 4), 1, (4,), 0),
    ((3, 4), 0, (2, 3), 1),
    ((3, 4), [0, 2], (3, 1), 1),
    ((3, 4), [2, 0], (2, 4), -2),
    ((2, 3, 2), [1, 1], (), 1),
    ((2, 3), 4, (2,), None),
]


@pytest.mark.parametrize("dtype", [np.int32, np.float64, np.complex64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("case", INSERT_CASES, ids=str)
def test_insert_traced_points_like_numpy(case, dtype):
    shape, obj, vshape, axis = case
    x = (np.arange(np.prod(shape)) + 1).reshape(shape).astype(dtype)
    obj = np.asarray(obj)
    values = (100 + np.arange(int(np.prod(vshape)))).reshape(vshape)
    expected = np.insert(x, obj, values, axis)
    actual = arrax.jit(lambda a, o, v: anp.insert(a, o, v, axis))(x, obj, values)
    assert actual.dtype == expected.dtype
    np.testing.assert_array_equal(np.asarray(actual), expected)


def test_insert_traced_points_vmap_and_derivatives():
    x = np.arange(6.0)
    points = np.array([0, 2, -1, 6])
    got = arrax.vmap(lambda i: anp.insert(x, i, 9.0))(points)
    np.testing.assert_array_equal(np.asarray(got), np.stack([np.insert(x, i, 9.0) for i in points]))
    insert_at = arrax.jit(lambda a, v, i: anp.insert(a, i, v, axis=1))
    check_grads(
        lambda a, v: insert_at(a, v, np.array([1, 0])),
        (anp.ones((3, 4)), anp.arange(6.0).reshape(3, 2)),
        order=2,
    )


def test_insert_traced_points_errors():
    with pytest.raises(IndexError, match="insert"):
        arrax.jit(lambda a, o: anp.insert(a, o, 1.0))(np.ones(3), np.array(1.0))
    with pytest.raises(ValueError, match="insert"):
        arrax.jit(lambda a, o: anp.insert(a, o, 1.0))(np.ones(3), np.ones((2, 2), int))


# --- poly, ix_, r_ ----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.float16, np.float32, np.float64, np.bool_])
def test_poly_traced_roots_like_numpy(dtype):
    roots = np.array([1, 2, 0, 1]).astype(dtype)
    expected = np.poly(roots)
    actual = arrax.jit(anp.poly)(roots)
    assert actual.dtype == expected.dtype
    np.testing.assert_allclose(np.asarray(actual), expected)


def test_poly_traced_matrix_vmap_and_derivatives():
    m = np.array([[2.0, 1.0], [0.5, 3.0]])
    np.testing.assert_allclose(np.asarray(arrax.jit(anp.poly)(m)).real, np.poly(m), atol=1e-12)
    batch = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(
        np.asarray(arrax.vmap(anp.poly)(batch)), np.stack([np.poly(r) for r in batch])
    )
    check_grads(anp.poly, (anp.asarray([1.0, 2.0, 3.5]),), order=2)
    with pytest.raises(ValueError, match="poly"):
        arrax.jit(anp.poly)(np.ones((2, 3)))


@pytest.mark.parametrize("n_args", [1, 2, 3])
def test_ix_traced_like_numpy(n_args):
    args = [np.arange(k + 2) for k in range(n_args)]
    expected = np.ix_(*args)
    actual = arrax.jit(anp.ix_)(*args)
    for a, e in itertools.zip_longest(actual, expected):
        assert a.shape == e.shape and a.dtype == e.dtype
        np.testing.assert_array_equal(np.asarray(a), e)
    grid = np.arange(24).reshape(2, 3, 4)
    sub = arrax.jit(lambda g, i, j: g[anp.ix_(i, j)])(grid[0], np.array([0, 2]), np.array([1, 3]))
    np.testing.assert_array_equal(np.asarray(sub), grid[0][np.ix_([0, 2], [1, 3])])


def test_ix_traced_errors():
    with pytest.raises(ValueError, match="1 dimensional"):
        arrax.jit(anp.ix_)(np.ones((2, 2), int))
    with pytest.raises(arrax.errors.ConcretizationTypeError, match="ix_"):
        arrax.jit(anp.ix_)(np.array([True, False]))


@pytest.mark.parametrize(
    "key, shape",
    [
        (("r", [1, 2], [3, 4]), (1, 4)),
        (("c", [1, 2], [3, 4]), (4, 1)),
        (("r", np.ones((2, 2)), np.zeros((2, 2))), (4, 2)),
    ],
    ids=["r", "c", "2d"],
)
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_r_matrix_directives_give_arrays(key, shape):
    expected = np.asarray(np.r_[key])  # (NumPy makes a numpy.matrix)
    actual = anp.r_[key]
    assert actual.shape == shape == expected.shape
    np.testing.assert_array_equal(np.asarray(actual), expected)
