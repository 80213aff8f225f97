"""Divergences from NumPy found by running more of NumPy's own test files against arrax.numpy
(scripts/numpy_own_tests.py: lib/tests/test_format.py, test_recfunctions.py,
lib/tests/test_regression.py, _core/tests/test_dtype.py, test_half.py, test_array_coercion.py,
test_umath_accuracy.py):
values, dtypes, shapes, exception types and warnings must be NumPy's."""

import io
import os
import warnings

import arrax.numpy as anp
import numpy as np
import pytest

from conftest import assert_exactly

_NUMPY_TEST_DATA = os.path.join(os.path.dirname(np.__file__), "lib", "tests", "data")


_same = assert_exactly  # (conftest: dtype, shape and values, no tolerance)


# --- numpy.lib.format: the .npy format on arrax arrays --------------------------------------


@pytest.mark.parametrize("version", [None, (1, 0), (2, 0), (3, 0)])
@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.arange(12.0).reshape(3, 4),
        lambda m: m.arange(12, dtype="i2").reshape(3, 4).T,  # (Fortran order)
        lambda m: m.asarray([1 + 2j, 3 - 4j], dtype="c8"),
        lambda m: m.zeros((0, 3), dtype=bool),
        lambda m: m.asarray(7, dtype="u1"),
    ],
)
def test_lib_format_write_read_like_numpy(make, version):
    from arrax.numpy.lib import format as aformat

    a, n = make(anp), make(np)
    abuf, nbuf = io.BytesIO(), io.BytesIO()
    aformat.write_array(abuf, a, version=version)
    np.lib.format.write_array(nbuf, n, version=version)
    assert abuf.getvalue() == nbuf.getvalue()
    abuf.seek(0)
    r = aformat.read_array(abuf)
    assert isinstance(r, anp.ndarray)
    _same(r, n)
    nbuf.seek(0)
    assert aformat.read_magic(nbuf) == np.lib.format.read_magic(io.BytesIO(abuf.getvalue()))


def test_lib_format_module_like_numpy():
    import arrax.numpy.lib.format as aformat

    assert anp.lib.format is aformat
    a, n = anp.arange(6.0).reshape(2, 3).T, np.arange(6.0).reshape(2, 3).T
    assert aformat.header_data_from_array_1_0(a) == np.lib.format.header_data_from_array_1_0(n)
    assert aformat.magic(1, 0) == np.lib.format.magic(1, 0)
    assert aformat.dtype_to_descr(np.dtype("<f4")) == "<f4"
    assert aformat.MAGIC_PREFIX == np.lib.format.MAGIC_PREFIX
    for name in ("open_memmap", "read_array_header_1_0", "write_array_header_2_0", "isfileobj"):
        assert callable(getattr(aformat, name))


def test_lib_format_open_memmap_round_trip(tmp_path):
    from arrax.numpy.lib import format as aformat

    path = str(tmp_path / "m.npy")
    m = aformat.open_memmap(path, mode="w+", dtype="f4", shape=(2, 3))
    m[...] = np.arange(6, dtype="f4").reshape(2, 3)
    del m
    _same(anp.load(path), np.arange(6, dtype="f4").reshape(2, 3))


# --- numpy.lib.recfunctions (record arrays are NumPy's) --------------------------------------


def test_lib_recfunctions_like_numpy():
    import arrax.numpy.lib.recfunctions as arf

    assert anp.lib.recfunctions is arf
    n = np.array([(1, 2.0), (3, 4.0)], dtype=[("a", "i4"), ("b", "f8")])
    _same(arf.structured_to_unstructured(n), np.lib.recfunctions.structured_to_unstructured(n))
    _same(arf.drop_fields(n, ["a", "b"]), np.lib.recfunctions.drop_fields(n, ["a", "b"]))


# --- record dtypes without fields are NumPy's arrays --------------------------------------


@pytest.mark.parametrize(
    "f",
    [
        lambda m: m.empty(2, dtype=[]),
        lambda m: m.zeros(3, dtype=[]),
        lambda m: m.ones(1, dtype=[]),
        lambda m: m.array([(), ()], dtype=[]),
    ],
)
def test_fieldless_record_dtype_like_numpy(f):
    r, e = f(anp), f(np)
    assert r.dtype == e.dtype and r.shape == e.shape and r.itemsize == e.itemsize == 0


# --- r_ and c_ of record and string arrays -------------------------------------------------


@pytest.mark.parametrize("name", ["r_", "c_"])
@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.zeros((2,), dtype=[("a", "f4"), ("b", "i4")]),
        lambda m: np.array(["a", "bc"]),
        lambda m: np.array([1, 2], dtype="datetime64[D]"),
    ],
)
def test_r_c_of_host_only_arrays_like_numpy(name, make):
    r = getattr(anp, name)[make(anp), make(anp)]
    e = getattr(np, name)[make(np), make(np)]
    _same(r, e)


def test_r_of_numbers_still_arrax():
    r = anp.r_[anp.arange(2), 5, 1:3]
    assert isinstance(r, anp.ndarray)
    _same(r, np.r_[np.arange(2), 5, 1:3])


# --- result_type: a big Python int among other operands is weak (NEP 50) ---------------------


@pytest.mark.parametrize(
    "args",
    [
        (2**63,),
        (2**63, 0),
        (2**63, 2**63),
        (2**63, True),
        (2**64, 0),
        (2**63, 1.0),
        (2**63, np.int8(0)),
        (2**63, np.uint16),
        (0, 2**63, 1j),
        (-(2**63) - 1, 0),
    ],
)
def test_result_type_of_big_python_ints_like_numpy(args):
    assert anp.result_type(*args) == np.result_type(*args)


# --- load: NumPy's UnicodeError and ImportError for Python 2 pickles ------------------------


@pytest.mark.skipif(
    not os.path.exists(os.path.join(_NUMPY_TEST_DATA, "py2-np0-objarr.npy")),
    reason="NumPy's test data is not installed",
)
@pytest.mark.parametrize("name", ["py2-np0-objarr.npy", "py2-objarr.npy", "py2-objarr.npz"])
def test_load_python2_pickles_raise_like_numpy(name):
    path = os.path.join(_NUMPY_TEST_DATA, name)

    def get(m, **kw):
        r = m.load(path, allow_pickle=True, **kw)
        return r["x"] if name.endswith(".npz") else r

    for kw, error in [({}, UnicodeError), ({"fix_imports": False, "encoding": "latin1"},
                                           ImportError)]:  # fmt: skip
        with pytest.raises(error):
            get(np, **kw)
        with pytest.raises(error):
            get(anp, **kw)
    r, e = get(anp, encoding="latin1"), get(np, encoding="latin1")
    assert r.dtype == e.dtype == object and r.shape == e.shape


# --- floating-point errors of NumPy's ufuncs on arrax arrays (__array_ufunc__) ---------------


@pytest.mark.parametrize(
    "f",
    [
        lambda m: np.float16(1e-4) * m.array([1e-4], dtype="f2"),  # underflow
        lambda m: np.multiply(m.array([1e-4], dtype="f2"), m.array([1e-4], dtype="f2")),
        lambda m: np.float64(1.0) / m.array([0.0, 1.0]),  # divide
        lambda m: np.float32(3e38) * m.array([10.0], dtype="f4"),  # overflow
        lambda m: np.log(m.array([0.0, 1.0])),
        lambda m: np.sqrt(m.array([-1.0])),  # invalid
    ],
)
def test_numpy_ufuncs_report_fp_errors_like_numpy(f):
    with np.errstate(all="raise"), pytest.raises(FloatingPointError) as e:
        f(np)
    with anp.errstate(all="raise"), pytest.raises(FloatingPointError) as r:
        f(anp)
    assert str(r.value) == str(e.value)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with anp.errstate(all="warn"):
            f(anp)
    assert [(x.category, str(x.message), x.filename) for x in w] == [
        (RuntimeWarning, str(e.value), __file__)
    ]


def test_numpy_ufuncs_on_fine_values_report_nothing():
    with anp.errstate(all="raise"):
        _same(np.float64(1.0) / anp.array([2.0, 4.0]), np.array([0.5, 0.25]))
        _same(np.float16(2) * anp.array([3.0], dtype="f2"), np.array([6.0], dtype="f2"))


# --- object arrays hold the very objects given -------------------------------------------


def test_object_array_holds_the_given_lists():
    initial = [1.2]
    r, e = anp.array([initial, 3], dtype=object), np.array([initial, 3], dtype=object)
    assert r.shape == e.shape
    assert r[0] is e[0] is initial
    ragged = [(1, 2), [initial]]
    r = anp.array(ragged, dtype=object)
    assert r.shape == np.array(ragged, dtype=object).shape
    assert r[0] is ragged[0] and r[1] is ragged[1]


def test_object_array_of_self_containing_lists_like_numpy():
    items = []
    items.append(items)
    for make in (lambda m: m.array([items, items, items], dtype=object),
                 lambda m: m.array([items, [None], items], dtype=object)):  # fmt: skip
        r, e = make(anp), make(np)
        assert r.dtype == e.dtype and r.shape == e.shape


# --- nextafter's overflow: a finite x stepped to infinity (toward an infinite y) -------------


@pytest.mark.parametrize("dtype", ["f4", "f8"])
@pytest.mark.parametrize("sign", [1, -1])
def test_nextafter_reports_overflow_like_numpy(dtype, sign):
    big = sign * np.finfo(dtype).max

    def f(m):
        return m.nextafter(m.array([big, 1.0], dtype=dtype), m.asarray(sign * np.inf, dtype))

    with np.errstate(all="raise"), pytest.raises(FloatingPointError) as e:
        f(np)
    with anp.errstate(all="raise"), pytest.raises(FloatingPointError) as r:
        f(anp)
    assert str(r.value) == str(e.value) == "overflow encountered in nextafter"
    with anp.errstate(all="ignore"), np.errstate(all="ignore"):
        _same(f(anp), f(np))
    with anp.errstate(all="raise"):  # (from infinity, or to a finite value: nothing)
        _same(anp.nextafter(anp.array([np.inf], dtype), anp.zeros(1, dtype)),
              np.array([np.finfo(dtype).max], dtype))  # fmt: skip


# --- numpy._core.umath holds NumPy's names of the ufuncs, no aliases --------------------------


def test_core_umath_names_like_numpy():
    def names(m):
        return {n for n, v in vars(m._core.umath).items() if isinstance(v, m.ufunc)}

    mine, numpys = names(anp), names(np)
    assert mine <= numpys, sorted(mine - numpys)
    assert {"add", "invert", "arccos", "power", "left_shift"} <= mine
    for m in (anp, np):  # (each ufunc once: invert, not bitwise_not/bitwise_invert too)
        assert [n for n, v in vars(m._core.umath).items() if v is m.invert] == ["invert"]


# --- NumPy's functions that return their argument (through __array_function__) --------------


def test_numpy_function_returning_its_argument_returns_the_arrax_array():
    from numpy.lib.recfunctions import stack_arrays

    x = anp.array([1, 2, 3])
    r = stack_arrays((x,))
    assert r is x
    assert stack_arrays((np.array([1, 2, 3]),)).dtype == r.dtype
    y = stack_arrays((x, anp.array([4, 5])), usemask=False)  # (a new array otherwise)
    assert isinstance(y, anp.ndarray) and y is not x
    _same(y, stack_arrays((np.array([1, 2, 3]), np.array([4, 5])), usemask=False))


# --- a NumPy scalar stored into a signed integer array goes through int(), as NumPy's setitem ---
# (test_array_coercion's test_scalar_to_int_coerce_does_not_cast; unsigned targets cast)


def _stored(mod, dtype, value, how):
    a = mod.zeros(3, dtype)
    try:
        if how == "item":
            a[0] = value
        elif how == "slice":
            a[:] = value
        else:
            a.fill(value)
    except (ValueError, OverflowError) as e:
        return type(e)
    return int(a[0].item() if how == "item" else a[2].item())


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint16", "bool"])
@pytest.mark.parametrize(
    "value",
    [
        np.float64("nan"),
        np.float16("inf"),
        np.int64(300),
        np.uint64(2**64 - 1),
        np.float64(-3.7),
        np.float64(1e10),
        np.int8(-1),
        np.bool_(True),
        np.float32(2.5),
    ],  # fmt: skip
    ids=repr,
)
@pytest.mark.parametrize("how", ["item", "slice", "fill"])
def test_numpy_scalar_stored_into_integer_array_like_numpy(dtype, value, how):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # (NumPy's cast warning, unsigned)
        assert _stored(anp, dtype, value, how) == _stored(np, dtype, value, how)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_nextafter_to_infinity_warns_overflow_like_numpy(dtype):
    # (test_half's test_half_fpe: float16's bit-arithmetic nextafter raised no flag)
    def run(mod):
        big = np.finfo(dtype).max
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with mod.errstate(over="warn"):
                r = mod.nextafter(mod.array([big, 1.0], dtype), mod.array([np.inf, 2.0], dtype))
        return np.asarray(r).tolist(), [str(x.message) for x in w]

    assert run(anp) == run(np)
