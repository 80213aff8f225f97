"""Programs from public NumPy material (the Python Data Science Handbook's NumPy chapter,
scipy-lectures' NumPy and advanced NumPy chapters, From Python to NumPy, cs231n's NumPy
tutorial, numpy.org's tutorials), each a function of the module it runs with (numpy or
arrax.numpy; no plotting, small sizes): arrax.numpy must give NumPy's values, dtypes, shapes
and printed text. The programs are in numpy_programs_6a.py and numpy_programs_6b.py; below
them, the divergences they found."""

import contextlib
import io

import arrax.numpy as anp
import numpy as onp
import pytest

import numpy_programs_6a
import numpy_programs_6b
from test_numpy_programs_like_numpy_5 import _same


def _run(program, m):
    """program(m)'s result and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), onp.printoptions():
        result = program(m)
    return result, out.getvalue()


# float32 programs: arrax's float32 transcendental functions and complex64 abs differ from
# NumPy's SIMD ones in the last bits (arrax's abs is the correctly rounded one)
_TOLERANCE = {"rougier_mandelbrot": (1e-05, 1e-06), "rougier_boids": (1e-05, 1e-06)}


_PROGRAMS = {
    name: getattr(module, name)
    for module in (numpy_programs_6a, numpy_programs_6b)
    for name in module.PROGRAMS
}


@pytest.mark.parametrize("name", list(_PROGRAMS))
def test_program_like_numpy(name):
    program = _PROGRAMS[name]
    want, printed = _run(program, onp)
    got, got_printed = _run(program, anp)
    assert got_printed == printed
    rtol, atol = _TOLERANCE.get(name, (1e-9, 1e-12))
    _same(got, want, rtol=rtol, atol=atol)


# --- a record dtype given as a {"names": ..., "formats": ...} dict (PDSH 02.09) -----------------

_RECORD = {"names": ("name", "age", "weight"), "formats": ("U10", "i4", "f8")}


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.zeros(4, dtype=_RECORD),
        lambda m: m.ones(2, _RECORD),
        lambda m: m.empty(3, dtype={"names": ["a"], "formats": [onp.int8]}).shape,
        lambda m: m.full(3, 7, dtype=_RECORD),
        lambda m: m.array([("Bob", 45, 85.5)], dtype=_RECORD),
        lambda m: m.zeros((2, 2), dtype={"names": ["p", "q"], "formats": ["f4", ("i2", (2,))]}),
    ],
)
def test_record_dtype_given_as_a_dict(make):
    want = make(onp)
    got = make(anp)
    if isinstance(want, tuple):
        assert got == want
        return
    assert type(got) is onp.ndarray and got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == want.tobytes() or got.dtype.hasobject


def test_a_dict_inside_a_list_is_still_an_object():
    want = onp.array([{"a": 1}, {"b": 2}])
    got = anp.array([{"a": 1}, {"b": 2}])
    assert got.dtype == want.dtype == onp.dtype(object) and list(got) == list(want)


# --- ndarray.resize refuses what NumPy's refuses (scipy-lectures: "b = a; a.resize(4)") ---------


def _resize_error(m, case):
    a = m.arange(4)
    try:
        if case == "aliased":
            b = a
            a.resize((8,))
            del b
        elif case == "view":
            v = m.arange(10)[2:6]
            v.resize(8)
        elif case == "view, same size":
            v = m.arange(10)[2:6]
            v.resize((2, 2))
            return v.shape
        elif case == "aliased, refcheck=False":
            b = a
            a.resize(8, refcheck=False)
            return b.shape, a
        elif case == "one name":
            a.resize(8)
            return a
        elif case == "an attribute":
            holder = type("Holder", (), {})()
            holder.x = m.arange(3)
            holder.x.resize(5)
            return holder.x
        elif case == "a temporary":
            return m.arange(3).resize(2)
    except ValueError as e:
        return str(e)


@pytest.mark.parametrize(
    "case",
    [
        "aliased",
        "view",
        "view, same size",
        "aliased, refcheck=False",
        "one name",
        "an attribute",
        "a temporary",
    ],
)
def test_resize_checks_like_numpy(case):
    want, got = _resize_error(onp, case), _resize_error(anp, case)
    if isinstance(want, str):
        assert got == want
    elif want is None:
        assert got is None
    else:
        _same(got, want)


# --- a.dtype = t is NumPy's in-place view (scipy-lectures advanced NumPy) -----------------------


def _set_dtype(m, values, src, dst, index=None):
    x = m.array(values, dtype=src)
    if index is not None:
        x = x[index]
    try:
        x.dtype = dst
    except ValueError as e:
        return type(e).__name__
    return x


@pytest.mark.parametrize(
    "values, src, dst, index",
    [
        ([1, 2, 3, 4], onp.uint8, "<i2", None),
        ([1, 2, 3, 4], onp.uint8, "<i4", None),
        ([[1, 2], [3, 4]], onp.int32, onp.int16, None),
        ([[1, 2], [3, 4]], onp.int32, onp.uint32, None),
        ([1.0, 2.0, 3.0, 4.0], onp.float64, onp.complex128, None),
        ([1.0, -2.0], onp.float32, onp.int32, None),
        ([1, 2, 3, 4, 5, 6], onp.int32, onp.int16, slice(None, None, 2)),  # not contiguous
        ([1.0, 2.0, 3.0], onp.float64, onp.complex128, None),  # 24 bytes into 16
    ],
)
def test_setting_dtype_is_an_in_place_view(values, src, dst, index):
    _same(_set_dtype(anp, values, src, dst, index), _set_dtype(onp, values, src, dst, index))


def test_setting_dtype_keeps_sharing_memory():
    x = anp.zeros(4, dtype=onp.uint8)
    head = x[:2]
    x.dtype = onp.uint16
    x[0] = 0x0102
    assert x.dtype == onp.uint16 and x.shape == (2,)
    _same(head, onp.array([2, 1], dtype=onp.uint8))


# --- ndarray.ctypes (scipy-lectures advanced NumPy) --------------------------------------------


def test_ctypes_points_at_the_arrays_memory():
    import ctypes

    x = anp.arange(12, dtype=onp.int16).reshape(3, 4)[:, 1::2]
    c = x.ctypes
    assert c.data == x.__array_interface__["data"][0]
    assert tuple(c.shape) == x.shape and tuple(c.strides) == x.strides
    p = c.data_as(ctypes.POINTER(ctypes.c_int16))
    assert [p[0], p[2], p[4]] == [1, 3, 5]
