"""NumPy interop: numpy.asarray(arrax_array) is zero-copy (writes through a NumPy view are
visible in arrax and vice versa), honours NumPy 2's copy= keyword and dtype=, keeps views'
strides; anp.asarray accepts NumPy arrays, lists, tuples and scalars."""

import numpy as np
import pytest

from conftest import (
    AGAINST_NUMPY,
    ALL_DTYPES,
    BFLOAT16,
    anp,
    arrax_only,
    assert_same,
    dtype_id,
    sample,
)


def fresh(x):
    """An arrax array holding a copy of NumPy data ``x``."""
    return anp.asarray(np.array(x, copy=True))


@pytest.mark.parametrize("dtype", ALL_DTYPES + [BFLOAT16], ids=dtype_id)
def test_np_asarray_dtype_shape_values(dtype):
    x = sample(dtype, (3, 4))
    a = fresh(x)
    n = np.asarray(a)
    assert isinstance(n, np.ndarray)
    assert n.dtype == x.dtype and n.shape == x.shape
    np.testing.assert_array_equal(n, x)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.usefixtures("on_cpu")
def test_np_asarray_is_zero_copy(dtype):
    x = sample(dtype, (3, 4))
    a = fresh(x)
    n = np.asarray(a)
    n[1, 2] = n[0, 0]
    n[2, 3] = n[0, 1]
    x[1, 2], x[2, 3] = x[0, 0], x[0, 1]
    assert_same(a, x, check_type=False)
    # and arrax writes are visible through the NumPy view
    a[0, 0] = a[1, 1]
    x[0, 0] = x[1, 1]
    np.testing.assert_array_equal(n, x)


@pytest.mark.usefixtures("on_cpu")
def test_np_asarray_of_views_shares_memory():
    x = np.arange(24.0).reshape(4, 6)
    a = fresh(x)
    for view in (
        lambda t: t[1:3],
        lambda t: t[::-1, ::2],
        lambda t: t.T,
        lambda t: t[2],
        lambda t: t[..., 1:5:3],
    ):
        v = view(a)
        n = np.asarray(v)
        assert n.shape == view(x).shape
        np.testing.assert_array_equal(n, view(x))
        n[...] = -n
        expected = view(x)
        expected[...] = -expected
        np.testing.assert_array_equal(np.asarray(a), x)


def test_np_asarray_zero_dim():
    a = anp.asarray(2.5)
    n = np.asarray(a)
    assert n.shape == () and n.dtype == np.float64 and n[()] == 2.5
    s = anp.asarray(np.arange(4))[2]
    assert np.asarray(s).shape == () and int(np.asarray(s)) == 2


@pytest.mark.usefixtures("on_cpu")
def test_np_asarray_copy_keyword():
    x = np.arange(6.0)
    a = fresh(x)
    c = np.asarray(a, copy=True)
    c[0] = 100.0
    assert float(a[0]) == 0.0
    nc = np.asarray(a, copy=False)  # must not raise: zero-copy is possible
    nc[1] = 50.0
    assert float(a[1]) == 50.0
    d = np.array(a)  # np.array copies by default
    d[2] = -1.0
    assert float(a[2]) == 2.0
    e = np.array(a, copy=None)
    assert e.shape == (6,)


@pytest.mark.usefixtures("on_cpu")
def test_np_asarray_dtype_keyword():
    a = fresh(np.arange(4))
    f = np.asarray(a, dtype=np.float32)
    assert f.dtype == np.float32
    np.testing.assert_array_equal(f, np.arange(4, dtype=np.float32))
    same = np.asarray(a, dtype=np.int64)
    same[0] = 9
    assert int(a[0]) == 9  # same dtype: still zero-copy


def test_numpy_functions_accept_arrax_arrays():
    x = np.arange(12.0).reshape(3, 4)
    a = fresh(x)
    np.testing.assert_array_equal(np.sum(np.asarray(a), axis=0), x.sum(axis=0))
    np.testing.assert_array_equal(np.concatenate([np.asarray(a), x]), np.concatenate([x, x]))
    np.testing.assert_allclose(np.linalg.norm(np.asarray(a)), np.linalg.norm(x))
    np.testing.assert_array_equal(np.array([a, a]).shape, (2, 3, 4))


def test_array_dunder():
    a = fresh(np.arange(3, dtype=np.int16))
    n = a.__array__()
    assert isinstance(n, np.ndarray) and n.dtype == np.int16
    n2 = a.__array__(np.float64)
    assert n2.dtype == np.float64
    n3 = a.__array__(copy=True)
    n3[0] = 7
    assert int(a[0]) == 0


@pytest.mark.skipif(AGAINST_NUMPY, reason="only meaningful for arrax")
@pytest.mark.usefixtures("on_cpu")
def test_buffer_protocol_or_array_interface():
    a = fresh(np.arange(6, dtype=np.int32).reshape(2, 3))
    has_buffer = True
    try:
        m = memoryview(a)
    except TypeError:
        has_buffer = False
    if has_buffer:
        assert m.shape == (2, 3) and np.dtype(m.format) == np.int32
        assert m.tolist() == [[0, 1, 2], [3, 4, 5]]
    else:
        assert hasattr(a, "__array__") or hasattr(a, "__array_interface__")


# --------------------------------------------------------------------------------------
# anp.asarray inputs
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [
        [1, 2, 3],
        (1.5, 2.5),
        [[1, 2], [3, 4]],
        ((True, False),),
        3,
        -2.5,
        False,
        2 - 1j,
        np.float32(1.5),
        np.int16(-3),
        np.bool_(True),
        np.array(4.0),
        [np.int8(1), np.int8(2)],
    ],
    ids=repr,
)
def test_anp_asarray_inputs(obj):
    expected = np.asarray(obj)
    assert_same(anp.asarray(obj), expected)


@pytest.mark.parametrize("dtype", ALL_DTYPES + [BFLOAT16], ids=dtype_id)
def test_anp_asarray_from_numpy_views(dtype):
    x = sample(dtype, (4, 5))
    for view in (x, x[::-1], x[:, ::-2], x.T, x[1:3, 2:], np.broadcast_to(x[0], (3, 5))):
        a = anp.asarray(view)
        assert_same(a, view.copy())


@arrax_only
def test_anp_asarray_from_non_native_byte_order():
    # arrax stores native byte order only: the data is converted, the values kept.
    x = np.arange(6, dtype=">i4" if np.little_endian else "<i4").reshape(2, 3)
    a = anp.asarray(x)
    assert_same(a, x.astype("=i4"))


def test_anp_asarray_from_fortran_order():
    f = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    assert_same(anp.asarray(f), np.ascontiguousarray(f))


def test_round_trip_keeps_values():
    for dtype in ALL_DTYPES + [BFLOAT16]:
        x = sample(dtype, (2, 3, 2))
        back = np.asarray(anp.asarray(x))
        assert back.dtype == x.dtype
        np.testing.assert_array_equal(back, x)


def test_anp_asarray_of_arrax_array_with_dtype():
    a = fresh(np.arange(3))
    assert_same(anp.asarray(a, dtype=np.float32), np.arange(3, dtype=np.float32))
    assert_same(anp.array(a, dtype=np.int8), np.arange(3, dtype=np.int8))


def test_readonly_numpy_input():
    x = np.arange(4.0)
    x.flags.writeable = False
    a = anp.asarray(x)
    assert_same(a, x)
    b = a + 1
    assert_same(b, x + 1)
