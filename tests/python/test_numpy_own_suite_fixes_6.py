"""Divergences from NumPy found by running more of NumPy's own test files against arrax.numpy
(scripts/numpy_own_tests.py: _core/tests/test_arrayobject.py, test_array_api_info.py,
test_dlpack.py, test_overrides.py, test_datetime.py): values, dtypes, shapes, exception types
and messages must be NumPy's."""

import datetime
import inspect
import operator

import arrax.numpy as anp
import numpy as np
import pytest

from conftest import assert_exactly

_same = assert_exactly  # (conftest: dtype, shape and values, no tolerance)


# --- ndarray.mT and __array_wrap__ (test_arrayobject.py) ----------------------------------


def test_matrix_transpose_of_1d_raises_like_numpy():
    # arrax's mT swapped axes -1 and -2: an AxisError about axis -2, not NumPy's ValueError.
    with pytest.raises(ValueError, match="matrix transpose with ndim < 2 is undefined"):
        _ = np.arange(3).mT
    with pytest.raises(ValueError, match="matrix transpose with ndim < 2 is undefined"):
        _ = anp.arange(3).mT
    _same(anp.arange(6).reshape(2, 3).mT, np.arange(6).reshape(2, 3).mT)


class _Sub(anp.ndarray):
    pass


class _OtherSub(anp.ndarray):
    pass


def test_array_wrap_views_as_the_type_of_self_like_numpy():
    # NumPy's ndarray.__array_wrap__(arr) is arr viewed as type(self), whatever type(arr) is;
    # arrax's returned arr as it was.
    plain = anp.arange(3)
    sub = plain.view(_Sub)
    other = anp.asarray([3], anp.int8).view(_OtherSub)
    assert type(sub.__array_wrap__(other)) is _Sub
    assert type(sub.__array_wrap__(other, None, False)) is _Sub
    assert type(plain.__array_wrap__(other)) is anp.ndarray
    assert type(plain.__array_wrap__(anp.asarray([3], anp.int8))) is anp.ndarray
    _same(sub.__array_wrap__(other).view(anp.ndarray), np.asarray([3], np.int8))


# --- __array_namespace_info__ (test_array_api_info.py) --------------------------------------


@pytest.mark.parametrize("kind", ["invalid", ("bool", "invalid"), 3, np.float64])
def test_namespace_info_dtypes_of_unsupported_kind_like_numpy(kind):
    # arrax's handed kind to isdtype: another message, and a dtype kind was taken.
    with pytest.raises(ValueError, match="unsupported kind"):
        np.__array_namespace_info__().dtypes(kind=kind)
    with pytest.raises(ValueError, match="unsupported kind"):
        anp.__array_namespace_info__().dtypes(kind=kind)


def test_namespace_info_dtypes_of_kinds_like_numpy():
    for kind in ["bool", "integral", "numeric", ("real floating", "complex floating")]:
        got = anp.__array_namespace_info__().dtypes(kind=kind)
        assert got == np.__array_namespace_info__().dtypes(kind=kind)


@pytest.mark.parametrize("method", ["dtypes", "default_dtypes"])
def test_namespace_info_unknown_device_message_like_numpy(method):
    with pytest.raises(ValueError, match="Device not understood"):
        getattr(np.__array_namespace_info__(), method)(device="not-a-device")
    with pytest.raises(ValueError, match="Device not understood"):
        getattr(anp.__array_namespace_info__(), method)(device="not-a-device")


# --- DLPack (test_dlpack.py) -------------------------------------------------------------


@pytest.mark.parametrize("xp", [np, anp])
def test_dunder_dlpack_checks_stream_and_device_like_numpy(xp):
    # arrax's __dlpack__ dropped stream and dl_device: no RuntimeError, no BufferError.
    x = xp.arange(5)
    x.__dlpack__(stream=None)
    x.__dlpack__(dl_device=(1, 0))
    with pytest.raises(RuntimeError):
        x.__dlpack__(stream=1)
    with pytest.raises(BufferError):
        x.__dlpack__(dl_device=(10, 0))


@pytest.mark.parametrize("xp", [np, anp])
def test_from_dlpack_of_an_unknown_device_raises_like_numpy(xp):
    # arrax's from_dlpack ignored device=.
    x = xp.arange(5)
    _same(anp.from_dlpack(x, device="cpu"), np.arange(5))
    with pytest.raises(ValueError):
        xp.from_dlpack(x, device="not-a-device")


# --- __array_function__ and like= (test_overrides.py) ---------------------------------------


class _Duck:
    """Another library's duck array: overrides NumPy's functions, is no array for arrax."""

    def __array_function__(self, func, types, args, kwargs):
        return ("duck", func.__name__, args, kwargs)


class _Refuses:
    def __array_function__(self, func, types, args, kwargs):
        return NotImplemented


@pytest.mark.parametrize("xp", [np, anp])
def test_ndarray_array_function_defers_to_other_types_like_numpy(xp):
    # arrax's ran the function whatever the types: NEP 18's NotImplemented for a type that is
    # not an array, so that the other type's __array_function__ takes the call.
    a = xp.asarray([1])
    other = _Refuses()
    got = a.__array_function__(np.concatenate, (type(a), _Refuses), ((a, other),), {})
    assert got is NotImplemented
    got = a.__array_function__(np.concatenate, (type(a),), ((a, a),), {})
    _same(got, np.asarray([1, 1]))
    with pytest.raises(TypeError, match="no implementation found"):
        np.concatenate((a, other))


@pytest.mark.parametrize("xp", [np, anp])
def test_ndarray_array_function_checks_its_arguments_like_numpy(xp):
    a = xp.asarray([1, 2])
    with pytest.raises(TypeError, match="args must be a tuple"):
        a.__array_function__(np.reshape, (type(a),), a, (2, 1))
    with pytest.raises(TypeError, match="kwargs must be a dict"):
        a.__array_function__(np.reshape, (type(a),), (a,), (2, 1))


@pytest.mark.parametrize("xp", [np, anp])
def test_functions_hand_duck_arrays_their_calls_like_numpy(xp):
    # arrax's functions raised "cannot convert an object of type '_Duck'": NumPy's dispatch
    # hands the call to the duck array's __array_function__.
    assert xp.std(xp.asarray(1.0), where=_Duck())[:2] == ("duck", "std")
    assert xp.sum(_Duck())[:2] == ("duck", "sum")
    assert xp.concatenate((xp.asarray([1]), _Duck()))[:2] == ("duck", "concatenate")
    with pytest.raises(TypeError, match="no implementation found"):
        xp.concatenate((xp.asarray([1]), _Refuses()))


@pytest.mark.parametrize("xp", [np, anp])
def test_asarray_takes_like_like_numpy(xp):
    # arrax's asarray had no like= (TypeError: unexpected keyword argument).
    got = xp.asarray([1, 2], like=xp.zeros(1))
    assert type(got) is xp.ndarray
    _same(got, np.asarray([1, 2]))


@pytest.mark.parametrize("xp", [np, anp])
@pytest.mark.parametrize(
    "name, args, kwargs",
    [
        ("array", ([1],), {}),
        ("asarray", ([1],), {"dtype": "float32"}),
        ("asanyarray", ([1],), {}),
        ("ascontiguousarray", ([1],), {}),
        ("zeros", ((2,),), {}),
        ("ones", ((2,),), {"dtype": "int8"}),
        ("empty", ((2,),), {}),
        ("full", ((2,), 3), {}),
        ("arange", (3,), {}),
        ("eye", (2,), {}),
        ("identity", (2,), {}),
        ("tri", (2,), {}),
        ("frombuffer", (b"\x00" * 8,), {"dtype": "int64"}),
        ("fromiter", (range(3),), {"dtype": "int64"}),
    ],
)
def test_like_hands_creation_to_duck_arrays_like_numpy(xp, name, args, kwargs):
    # arrax's creation functions ignored like= (NEP 35): an arrax array where NumPy hands the
    # call to the like= object's __array_function__ (without like=).
    got = getattr(xp, name)(*args, **kwargs, like=_Duck())
    assert got[:2] == ("duck", name) and got[2][: len(args)] == args
    assert "like" not in got[3]
    with pytest.raises(TypeError, match="no implementation found"):
        getattr(xp, name)(*args, **kwargs, like=_Refuses())
    with pytest.raises(TypeError, match="The `like` argument must be an array-like"):
        getattr(xp, name)(*args, **kwargs, like=1)
    ref = getattr(np, name)(*args, **kwargs, like=np.zeros(1))
    if name != "empty":
        _same(getattr(anp, name)(*args, **kwargs, like=anp.zeros(1)), ref)


def test_engine_functions_have_numpy_signatures():
    # inspect.signature(arrax.numpy.sum) raised ValueError (a C++ function without one).
    for name in ["sum", "mean", "concatenate", "reshape", "atleast_1d", "vstack", "std"]:
        assert inspect.signature(getattr(anp, name)) == inspect.signature(getattr(np, name))


# --- dates (test_datetime.py): NumPy's arrays, as other dates ------------------------------


@pytest.mark.parametrize(
    "value",
    [datetime.timedelta(seconds=20), datetime.date(2020, 1, 2), [datetime.date(2020, 1, 2)]],
)
def test_array_of_python_dates_like_numpy(value):
    # arrax raised "cannot convert an object of type 'timedelta'" for a date alone.
    got, want = anp.array(value), np.array(value)
    assert got.dtype == want.dtype and got.shape == want.shape and got.tolist() == want.tolist()
    got_m = anp.array(datetime.timedelta(seconds=20)).astype(np.timedelta64)
    assert got_m == np.array(datetime.timedelta(seconds=20), np.timedelta64)


@pytest.mark.parametrize("method", ["reduce", "accumulate"])
def test_ufunc_methods_of_dates_like_numpy(method):
    # arrax's subtract.reduce folded the dates: "dtype: arrax does not support the data type".
    dates = np.array(["2021-12-02", "2019-05-12"], dtype="M8[ms]")
    with pytest.raises(TypeError, match="the resolved dtypes are not compatible"):
        getattr(np.subtract, method)(dates)
    with pytest.raises(TypeError, match="the resolved dtypes are not compatible"):
        getattr(anp.subtract, method)(dates)
    deltas = np.array([3, 1, 2], dtype="m8[s]")
    want = getattr(np.maximum, method)(deltas)
    got = getattr(anp.maximum, method)(deltas)
    assert np.asarray(got).dtype == want.dtype and np.array_equal(got, want)


def test_comparisons_with_numpy_string_arrays_like_numpy():
    # test_scalarmath's test_comparision_different_types: arrax raised "dtype: arrax does not
    # support the data type <U1"; its operators now leave NumPy's string arrays to NumPy.
    a, b = anp.arange(3.0), np.arange(3.0)
    for other in (np.array("s"), np.array(["a", "b", "c"])):
        for op in (operator.eq, operator.ne):
            got, want = op(a, other), op(b, other)
            assert np.asarray(got).tolist() == np.asarray(want).tolist()
            got, want = op(other, a), op(other, b)
            assert np.asarray(got).tolist() == np.asarray(want).tolist()
    with pytest.raises(TypeError) as got:
        a + np.array("s")
    with pytest.raises(TypeError) as want:
        b + np.array("s")
    assert got.type is want.type


def test_broadcast_to_takes_subok():
    x = np.arange(3.0)
    for subok in (False, True):
        assert_exactly(
            anp.broadcast_to(anp.asarray(x), (2, 3), subok=subok),
            np.broadcast_to(x, (2, 3), subok=subok),
        )
