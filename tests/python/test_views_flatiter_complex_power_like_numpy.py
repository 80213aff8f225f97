"""Small NumPy behaviours checked against NumPy:

- complex ``power`` with exponents 1, 2 and 3 multiplies as NumPy's (``(inf+0j) ** 3.0`` keeps
  the infinity where starting from ``1 * a`` made it NaN);
- ``concatenate(..., axis=None)`` takes Python scalars as weak (NEP 50);
- ``a.flat`` is its own iterator with ``index`` and ``coords``;
- ``ndarray.base`` is None for copies and fresh results and set for views.
"""

import itertools
import warnings

import arrax.numpy as anp
import numpy as np
import pytest

# (No finite values whose products overflow: whether ``x.r * y.r - x.i * y.i`` is fused into one
# FMA decides between inf and NaN there, and NumPy's own loops differ by CPU.)
SPECIAL = [
    complex("inf"),
    complex("-inf"),
    complex(0, float("inf")),
    complex("inf") + 1j,
    complex(-2.5, 1e-200),
    complex("nan"),
    1.5 - 2j,
    0j,
]


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("exponent", [1.0, 2.0, 3.0, 4.0, 5.0, -1.0, -2.0, -3.0, 0.5, 1 + 1j])
def test_complex_power_special_values(dtype, exponent):
    x = np.array(SPECIAL, dtype)
    e = np.array(exponent, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = np.power(x, e)
        got = np.asarray(anp.power(anp.asarray(x), anp.asarray(e)))
    assert got.dtype == want.dtype
    rtol = 1e-6 if dtype == np.complex64 else 1e-14  # (higher powers: FMA or not, by CPU)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=0)
    if abs(exponent) <= 3:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("exponent", [1, 2, 3, 2.0, 3.0])
def test_complex_power_operator(exponent):
    x = np.array(SPECIAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = x**exponent
        got = np.asarray(anp.asarray(x) ** exponent)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    "items",
    [
        lambda m: [m.float32(1), 1.0],
        lambda m: [m.ones(2, m.float32), 1.0, 2],
        lambda m: [m.arange(2, dtype=m.int8), 3],
        lambda m: [m.uint8(1), 300],
        lambda m: [m.float32(1), 1j],
        lambda m: [m.float16(1), m.float32(2), 1.0],
        lambda m: [1.0, 2],
        lambda m: [m.ones((2, 2), m.float32), [1.0, 2.0]],
    ],
)
def test_concatenate_flattened_python_scalars_are_weak(items):
    want = np.concatenate(items(np), axis=None)
    got = anp.concatenate(items(anp), axis=None)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(np.asarray(got), want)


def test_concatenate_python_scalar_needs_axis_none():
    with pytest.raises(ValueError):
        np.concatenate([np.ones(2, np.float32), 1.0])
    with pytest.raises(ValueError):
        anp.concatenate([anp.ones(2, anp.float32), 1.0])


@pytest.mark.parametrize("shape", [(2, 3), (4,), (), (0, 3), (2, 1, 3)])
def test_flatiter_index_and_coords(shape):
    n, a = np.arange(int(np.prod(shape))).reshape(shape), anp.arange(int(np.prod(shape)))
    a = a.reshape(shape)
    fn, fa = n.flat, a.flat
    assert iter(fa) is fa
    assert (fa.index, fa.coords) == (fn.index, fn.coords)
    for _ in range(n.size):
        assert int(next(fa)) == int(next(fn))
        assert (fa.index, fa.coords) == (fn.index, fn.coords)
    with pytest.raises(StopIteration):
        next(fa)
    assert (fa.index, fa.coords) == (fn.index, fn.coords)
    np.testing.assert_array_equal(np.asarray(a.flat), np.asarray(n.flat))


def test_flatiter_of_view_iterates_in_c_order():
    n = np.arange(12).reshape(3, 4).T[::2]
    a = anp.arange(12).reshape(3, 4).T[::2]
    assert [int(v) for v in a.flat] == [int(v) for v in n.flat]
    fa, fn = a.flat, n.flat
    for _ in range(4):
        next(fa), next(fn)
    assert fa.coords == fn.coords


def _base_cases(m):
    a = m.arange(12.0)
    return {
        "fresh": a,
        "copy": a.copy(),
        "slice": a[2:5],
        "strided": a[::2],
        "row of 2-d": m.arange(12.0).reshape(3, 4)[1],
        "fancy": a[[0, 1, 2]],
        "mask": a[a > 3],
        "arithmetic": a + 1,
        "ascontiguous of slice": m.ascontiguousarray(a[::2]),
    }


@pytest.mark.parametrize("case", list(_base_cases(np)))
def test_base_is_none_exactly_for_arrays_owning_memory(case):
    n, a = _base_cases(np)[case], _base_cases(anp)[case]
    assert (a.base is None) == (n.base is None)
    assert a.flags.owndata == n.flags.owndata
    if a.base is not None:
        assert anp.shares_memory(a.base, a)


def test_base_of_view_is_its_memory_and_writes_through():
    a = anp.zeros(6)
    v = a[1:4]
    b = v.base
    assert b.shape == (6,) and b.dtype == a.dtype
    b[0] = 7
    assert float(a[0]) == 7.0


@pytest.mark.parametrize("dtype", ["float32", "int16", "complex64", "bool"])
def test_base_dtypes(dtype):
    a = anp.zeros(5, dtype)[1:]
    assert a.base is not None and anp.shares_memory(a.base, a)
    assert list(itertools.islice(iter(a.base.shape), 1))[0] * a.base.itemsize >= a.nbytes


@pytest.mark.parametrize("name, ndim", [("atleast_1d", 1), ("atleast_2d", 2), ("atleast_3d", 3)])
def test_atleast_returns_the_array_itself_when_it_has_the_dimensions(name, ndim):
    for shape in [(), (2,), (2, 3), (2, 3, 4)]:
        x, n = anp.ones(shape), np.ones(shape)
        assert (getattr(anp, name)(x) is x) == (getattr(np, name)(n) is n)
        both = getattr(anp, name)(x, x)
        assert (both[0] is x) == (len(shape) >= ndim)
        assert both[1].shape == getattr(np, name)(n).shape


def test_diagonal_is_read_only_as_numpys_view():
    for m in (np, anp):
        a = m.arange(9.0).reshape(3, 3)
        d = m.diagonal(a)
        assert not d.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            d[0] = 5
        assert a.flags.writeable
        c = a.diagonal().copy()
        c[0] = 1.0
        assert float(c[0]) == 1.0


def test_reshape_method_copy_keyword():
    for m in (np, anp):
        with pytest.raises(ValueError):
            m.arange(6).reshape(2, 3).T.reshape(6, copy=False)
        b = m.arange(6)
        c = b.reshape(2, 3, copy=True)
        c[0, 0] = 9
        assert int(b[0]) == 0
        v = b.reshape(2, 3, copy=False)
        v[0, 0] = 7
        assert int(b[0]) == 7


def test_reshape_method_needs_a_shape():
    for m in (np, anp):
        with pytest.raises(TypeError, match="reshape"):
            m.arange(1).reshape()
        assert m.arange(1).reshape(()).shape == ()


def test_flatiter_index_is_read_only_and_items_cannot_be_deleted():
    for m in (np, anp):
        it = m.arange(10).reshape(2, 1, 5).flat
        with pytest.raises(AttributeError):
            it.index = 10
        for _ in it:
            pass
        assert it.index == 10
        with pytest.raises(TypeError):
            del it[1]
        strided = m.arange(6.0)[::2].flat.__array__()
        assert not strided.flags.writeable  # (a copy, read-only as NumPy's)
        assert m.arange(6.0).flat.__array__().flags.writeable
