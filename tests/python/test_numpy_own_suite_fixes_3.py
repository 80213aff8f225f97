"""Divergences from NumPy found by running more of NumPy's own test files against arrax.numpy
(scripts/numpy_own_tests.py: _core/tests/test_api.py, lib/tests/test_io.py, test_packbits.py,
test_mixins.py, test_loadtxt.py, lib/tests/test_regression.py and test_casting_unittests.py):
values, dtypes, shapes, layouts and exception types must be NumPy's."""

import gzip
import io
import os

import arrax.numpy as anp
import numpy as np
import pytest

from conftest import assert_exactly

_same = assert_exactly  # (conftest: dtype, shape and values, no tolerance)


# --- astype keeps the memory layout (order='K'), honours order=, refuses _CopyMode ----------


@pytest.mark.parametrize("order", ["K", "A", "C", "F"])
@pytest.mark.parametrize("copy", [True, False])
@pytest.mark.parametrize("dtype", ["f4", "i4"])
def test_astype_layout_like_numpy(order, copy, dtype):
    a, n = anp.arange(6, dtype="f4").reshape(2, 3).T, np.arange(6, dtype="f4").reshape(2, 3).T
    r, e = a.astype(dtype, order=order, copy=copy), n.astype(dtype, order=order, copy=copy)
    _same(r, e)
    assert r.strides == e.strides
    assert (r is a) == (e is n)
    assert (r.flags.c_contiguous, r.flags.f_contiguous) == (e.flags.c_contiguous,
                                                            e.flags.f_contiguous)  # fmt: skip


def test_astype_keeps_any_stride_order():
    a = anp.ones((2, 3, 4)).transpose(1, 0, 2)
    n = np.ones((2, 3, 4)).transpose(1, 0, 2)
    assert a.astype("f4").strides == n.astype("f4").strides


@pytest.mark.parametrize(
    "f",
    [
        lambda m, x: x.copy(order="K"),
        lambda m, x: m.copy(x, order="K"),
        lambda m, x: m.array(x, order="K"),
        lambda m, x: m.empty_like(x).shape and m.zeros_like(x),
        lambda m, x: x.astype("f4"),
        lambda m, x: x.astype("f8", copy=True),
    ],
)
def test_order_k_keeps_a_strided_fortran_order(f):
    def strided_fortran(m):
        return m.asfortranarray(m.arange(48.0).reshape(2, 3, 8))[:, :, ::2]

    r, e = f(anp, strided_fortran(anp)), f(np, strided_fortran(np))
    assert r.strides == e.strides
    _same(r, e)


def test_astype_refuses_copy_mode_enum():
    with pytest.raises(ValueError):
        np.arange(3).astype(np.float64, copy=np._CopyMode.NEVER)
    with pytest.raises(ValueError, match="astype"):
        anp.arange(3).astype(anp.float64, copy=np._CopyMode.NEVER)


def test_astype_bad_order():
    with pytest.raises(ValueError, match="astype"):
        anp.ones((2, 2)).astype("f4", order="X")


# --- casting='same_value' (NumPy 2.4): any cast, as long as no value changes -----------------


@pytest.mark.parametrize(
    "values, src, dst",
    [
        ([0.1], "f8", "f4"),
        ([1e300], "f8", "f4"),
        ([1.5], "f8", "i4"),
        ([300], "i8", "i1"),
        ([-1], "i8", "u1"),
        ([255], "u1", "i1"),
        ([2**53 + 1], "i8", "f8"),
        ([1 + 1j], "c16", "f8"),
        ([np.nan], "f4", "i8"),
        ([-np.inf], "f2", "i8"),
    ],
)
def test_astype_same_value_refuses_changed_values(values, src, dst):
    with pytest.raises(ValueError):
        np.array(values, dtype=src).astype(dst, casting="same_value")
    with pytest.raises(ValueError, match="astype"):
        anp.array(values, dtype=src).astype(dst, casting="same_value")


@pytest.mark.parametrize(
    "values, src, dst",
    [
        ([0.5, -2.0], "f8", "f4"),
        ([np.nan, np.inf], "f4", "f2"),
        ([np.nan], "f2", "c16"),
        ([-0.0, 3.0], "f8", "i1"),
        ([True, False], "?", "f4"),
        ([2.0, 0.0], "f8", "?"),
        ([7, 0], "i8", "u1"),
        ([1 + 0j], "c16", "f4"),
    ],
)
def test_astype_same_value_keeps_equal_values(values, src, dst):
    r = anp.array(values, dtype=src).astype(dst, casting="same_value")
    _same(r, np.array(values, dtype=src).astype(dst, casting="same_value"))


# --- construction ----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["f2", "f4", "f8", "c8", "c16"])
def test_array_of_none_with_inexact_dtype_is_nan(dtype):
    _same(anp.array(None, dtype=dtype), np.array(None, dtype=dtype))
    _same(anp.asarray(None, dtype=dtype), np.asarray(None, dtype=dtype))
    _same(anp.array(None, dtype=dtype, ndmin=1), np.array(None, dtype=dtype, ndmin=1))


def test_array_of_none_with_int_dtype_is_type_error():
    with pytest.raises(TypeError):
        np.array(None, dtype=np.int32)
    with pytest.raises(TypeError):
        anp.array(None, dtype=anp.int32)


def test_dunder_array_copy_false_with_another_dtype_raises():
    # (NumPy's protocol: the cast needs a copy; np.asarray(x, dtype, copy=False) and objects
    # whose __array__ hands on to an arrax array's then raise as with NumPy's arrays)
    with pytest.raises(ValueError):
        np.array(-1, dtype=np.int32).__array__(dtype=np.int16, copy=False)
    with pytest.raises(ValueError, match="__array__"):
        anp.array(-1, dtype=anp.int32).__array__(dtype=np.int16, copy=False)
    with pytest.raises(ValueError):
        np.asarray(anp.array([1, 2]), dtype=np.int16, copy=False)
    a = anp.array([1, 2], dtype=anp.int32)
    _same(a.__array__(dtype=np.int16), np.array([1, 2], dtype=np.int16))
    _same(a.__array__(dtype=np.int32, copy=False), np.array([1, 2], dtype=np.int32))
    _same(np.asarray(a, copy=False), np.array([1, 2], dtype=np.int32))


@pytest.mark.parametrize("fn", ["asfortranarray", "ascontiguousarray"])
@pytest.mark.parametrize(
    "make",
    [
        lambda: np.array([1, "a"], dtype=object),
        lambda: np.zeros((2, 2), dtype=[("a", "i4")]),
        lambda: np.array([["ab", "c"], ["d", "e"]]),
    ],
)
def test_contiguous_array_of_numpy_only_dtypes(fn, make):
    r, e = getattr(anp, fn)(make()), getattr(np, fn)(make())
    assert isinstance(r, np.ndarray) and r.dtype == e.dtype and r.shape == e.shape
    assert r.flags.f_contiguous == e.flags.f_contiguous
    assert r.flags.c_contiguous == e.flags.c_contiguous


# --- polymul of no coefficients is the zero polynomial -----------------------------------------


@pytest.mark.parametrize("a, b", [([], [1.0]), ([1.0, 2.0], []), ([], []), ([], [1, 2])])
def test_polymul_of_empty_coefficients(a, b):
    _same(anp.polymul(a, b), np.polymul(a, b))


# --- packbits/unpackbits: a bitorder that is no string is a TypeError ---------------------------


@pytest.mark.parametrize("fn", ["packbits", "unpackbits"])
def test_packbits_bitorder_type(fn):
    a = np.array([1, 0, 1], dtype=np.uint8)
    for bad in (10, None):
        with pytest.raises(TypeError):
            getattr(np, fn)(a, bitorder=bad)
        with pytest.raises(TypeError, match=fn):
            getattr(anp, fn)(anp.asarray(a), bitorder=bad)
    with pytest.raises(ValueError, match=fn):
        getattr(anp, fn)(anp.asarray(a), bitorder="middle")


# --- ufunc.at and ufunc.reduceat hand duck arrays' calls to their __array_ufunc__ --------------


class _Duck(np.lib.mixins.NDArrayOperatorsMixin):
    def __init__(self, value):
        self.value = np.asarray(value)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = tuple(x.value if isinstance(x, _Duck) else x for x in inputs)
        result = getattr(np, ufunc.__name__)
        result = getattr(result, method)(*inputs, **kwargs)
        return None if method == "at" else _Duck(result)


def test_ufunc_at_and_reduceat_defer_to_array_ufunc():
    d = _Duck([1, 2, 3, 4])
    assert anp.negative.at(d, np.array([0, 1])) is None
    np.testing.assert_array_equal(d.value, [-1, -2, 3, 4])
    anp.add.at(d, [0, 0], 10)
    np.testing.assert_array_equal(d.value, [19, -2, 3, 4])
    r = anp.add.reduceat(_Duck(np.arange(8)), [0, 4, 1])
    assert isinstance(r, _Duck)
    np.testing.assert_array_equal(r.value, np.add.reduceat(np.arange(8), [0, 4, 1]))


# --- I/O ---------------------------------------------------------------------------------------


def test_loadtxt_of_a_bad_generator_raises_once():
    def gen():
        yield from ["1,2", b"3, 5", 12738]

    with pytest.raises(TypeError, match="non-string returned while reading data"):
        np.loadtxt(gen(), dtype="i, i", delimiter=",")
    with pytest.raises(TypeError, match="non-string returned while reading data"):
        anp.loadtxt(gen(), dtype="i, i", delimiter=",")


def test_load_until_eof_raises_eof_error():
    f = io.BytesIO()
    anp.save(f, anp.asarray(1))
    anp.save(f, anp.asarray([2, 3]))
    f.seek(0)
    _same(anp.load(f), np.array(1))
    _same(anp.load(f), np.array([2, 3]))
    with pytest.raises(EOFError):
        anp.load(f)
    with pytest.raises(ValueError, match="load"):  # (arrax's error for unreadable files too)
        anp.load(io.BytesIO())


def test_load_mmap_r_plus_writes_reach_the_file(tmp_path):
    path = tmp_path / "m.npy"
    anp.save(path, anp.asarray([[1, 2], [3, 4]]))
    b = anp.load(path, mmap_mode="r+")
    b[0][0] = 5
    b[1, 1] = 7
    del b
    _same(anp.load(path), np.array([[5, 2], [3, 7]]))
    c = anp.load(path, mmap_mode="r")  # (read-only: a copy, as before)
    _same(c, np.array([[5, 2], [3, 7]]))


def test_npzfile_f_attributes():
    c = io.BytesIO()
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1 + 2j, 3 - 6j])
    anp.savez(c, file_a=anp.asarray(a), file_b=anp.asarray(b))
    c.seek(0)
    z = anp.load(c)
    assert sorted(dir(z.f)) == ["file_a", "file_b"]
    _same(z.f.file_a, a)
    _same(z.f.file_b, b)
    with pytest.raises(AttributeError):
        z.f.missing  # noqa: B018


@pytest.mark.parametrize("fn", ["savez", "savez_compressed"])
def test_savez_allow_pickle_false_refuses_object_arrays(tmp_path, fn):
    obj = np.array([1, "hello"], dtype=object)
    with pytest.raises(ValueError, match="Object arrays cannot be saved"):
        getattr(np, fn)(tmp_path / "n.npz", obj, allow_pickle=False)
    with pytest.raises(ValueError, match="Object arrays cannot be saved"):
        getattr(anp, fn)(tmp_path / "a.npz", obj, allow_pickle=False)
    assert "a.npz" not in os.listdir(tmp_path)  # (nothing half-written left behind)
    getattr(anp, fn)(tmp_path / "ok.npz", obj)  # (allowed by default, as NumPy's)


@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2", ".xz", ".lzma"])
def test_savetxt_compresses_by_suffix_like_numpy(tmp_path, suffix):
    x = np.array([[1.5, 2.0], [3.0, -4.25]])
    anp.savetxt(tmp_path / ("a.txt" + suffix), anp.asarray(x))
    np.savetxt(tmp_path / ("n.txt" + suffix), x)
    # NumPy reads both the same way (decompressing by suffix)
    _same(np.loadtxt(tmp_path / ("a.txt" + suffix)), np.loadtxt(tmp_path / ("n.txt" + suffix)))
    _same(anp.loadtxt(tmp_path / ("a.txt" + suffix)), x)
    if suffix == ".gz":
        with gzip.open(tmp_path / "a.txt.gz", "rt") as f:
            assert f.read().splitlines()[0] == "1.500000000000000000e+00 2.000000000000000000e+00"


def test_savetxt_unicode_roundtrip_gz(tmp_path):
    utf8 = b"\xcf\x96".decode("UTF-8")
    a = np.array([utf8], dtype=np.str_)
    anp.savetxt(tmp_path / "t.csv.gz", a, fmt=["%s"], encoding="UTF-16-LE")
    b = anp.loadtxt(tmp_path / "t.csv.gz", encoding="UTF-16-LE", dtype=np.str_)
    np.testing.assert_array_equal(a, b)
