"""Float sums add in NumPy's order, so sums, means, variances and standard deviations are
NumPy's bit for bit (a printed mean shows all 17 digits; a different order changes the last
ones in most arrays of 8 or more items).

NumPy's order (its pairwise summation): a contiguous run is summed in blocks of up to 128 with
eight accumulators, longer runs split in halves; a reduction over a leading axis adds row after
row; an array that is not one run is copied in buffers of 8192 items, each buffer's pairwise
sum added in turn; float16 totals round to float16 between rows and runs; a sum starts at +0.0."""

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest

from conftest import AGAINST_NUMPY

_RNG = onp.random.default_rng(7)
_SIZES = [1, 2, 7, 8, 9, 15, 16, 17, 100, 127, 128, 129, 130, 255, 256, 257, 1000, 4097,
          8193, 20000, 131073, 300001]  # fmt: skip


def _same(got, want):
    got = onp.asarray(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert onp.array_equal(got, want, equal_nan=True), (got, want)
    if want.dtype.kind == "f":
        assert (onp.signbit(got) == onp.signbit(want)).all()


def _values(shape, dtype):
    x = _RNG.normal(size=shape) * (10 if dtype == "float16" else 1000)  # (float16: no overflow)
    if onp.dtype(dtype).kind == "c":
        x = x + 1j * _RNG.normal(size=shape)
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128", "complex64", "float16"])
@pytest.mark.parametrize("n", _SIZES)
def test_one_dimensional_sums(n, dtype):
    x = _values(n, dtype)
    a = anp.asarray(x)
    _same(anp.sum(a), onp.sum(x))
    _same(anp.sum(a[::-1]), onp.sum(x[::-1]))
    _same(anp.sum(a[::3]), onp.sum(x[::3]))


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128", "float16"])
@pytest.mark.parametrize("shape", [(5, 37), (37, 5), (64, 300), (300, 64), (3, 4, 50),
                                   (7, 9, 11), (2000, 3), (3, 2000), (1000, 200)])  # fmt: skip
def test_axis_sums_of_views(shape, dtype):
    x = _values(shape, dtype)
    a = anp.asarray(x)
    axes = [None, 0, -1, 1] + ([(0, 2), (1, 2), (0, 1)] if len(shape) == 3 else [])
    for axis in axes:
        _same(anp.sum(a, axis=axis), onp.sum(x, axis=axis))
        _same(anp.sum(a.T, axis=axis), onp.sum(x.T, axis=axis))
        if len(shape) == 2:
            _same(anp.sum(a[:, ::2], axis=axis), onp.sum(x[:, ::2], axis=axis))


@pytest.mark.parametrize("name", ["mean", "var", "std", "nansum", "nanmean", "nanvar", "nanstd",
                                  "average"])  # fmt: skip
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_statistics_are_numpys_to_the_last_bit(name, dtype):
    for n in (3, 10, 99, 1000, 2999):
        x = (_RNG.normal(size=n) * 100 + 3).astype(dtype)
        _same(getattr(anp, name)(anp.asarray(x)), onp.asarray(getattr(onp, name)(x)))
    m = _RNG.normal(size=(41, 23)).astype(dtype)
    for axis in (0, 1):
        _same(getattr(anp, name)(anp.asarray(m), axis=axis), getattr(onp, name)(m, axis=axis))


def test_printed_mean_matches_numpy():
    heights = _RNG.normal(175, 8, size=500)
    assert repr(float(anp.asarray(heights).mean())) == repr(float(heights.mean()))
    assert str(anp.asarray(heights).std()) == str(heights.std())


@pytest.mark.parametrize("values", [[-0.0], [-0.0, -0.0], [-0.0] * 9, [[-0.0], [-0.0]]])
def test_sums_of_negative_zeros_are_positive_zero(values):
    x = onp.array(values)
    _same(anp.sum(anp.asarray(x)), onp.sum(x))
    _same(anp.sum(anp.asarray(x), axis=-1), onp.sum(x, axis=-1))
    _same(anp.sum(anp.asarray(x), axis=0), onp.sum(x, axis=0))


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax's jit")
def test_jit_sums_match_eager():
    x = _values((300, 129), "float64")
    f = arrax.jit(lambda a: (a.sum(), a.sum(0), a.sum(1), a.mean()))
    for got, want in zip(f(anp.asarray(x)), (x.sum(), x.sum(0), x.sum(1), x.mean())):
        _same(got, want)


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128"])
@pytest.mark.parametrize("n", [1, 7, 8, 9, 100, 1000, 9000, 200001])
def test_products_multiply_in_numpys_order(n, dtype):
    x = (1 + _RNG.normal(size=n) * 0.001).astype(dtype)
    a = anp.asarray(x)
    _same(anp.prod(a), onp.prod(x))
    _same(anp.prod(a[::3]), onp.prod(x[::3]))
    m = (1 + _RNG.normal(size=(n % 97 + 3, 37)) * 0.01).astype(dtype)
    for axis in (None, 0, 1):
        _same(anp.prod(anp.asarray(m), axis=axis), onp.prod(m, axis=axis))
        _same(anp.prod(anp.asarray(m)[:, ::2], axis=axis), onp.prod(m[:, ::2], axis=axis))
