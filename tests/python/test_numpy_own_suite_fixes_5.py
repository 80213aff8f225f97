"""Divergences from NumPy found by running more of NumPy's own test files against arrax.numpy
(scripts/numpy_own_tests.py: _core/tests/test_nditer.py, test_scalar_methods.py,
test_deprecations.py, test_defchararray.py, test_strings.py, test_array_interface.py):
values, dtypes, shapes, exception types and warnings must be NumPy's."""

import warnings

import arrax.numpy as anp
import numpy as np
import pytest

from conftest import assert_exactly

_same = assert_exactly  # (conftest: dtype, shape and values, no tolerance)


# --- NumPy's functions of its own submodules on arrax arrays (NEP 18) -----------------------


@pytest.mark.parametrize("name", ["sqrt", "log", "log10", "log2", "arccos", "arcsin"])
def test_numpy_emath_on_arrax_arrays_like_numpy(name):
    # numpy.emath.sqrt(x) ran as arrax.numpy.sqrt: NaN where NumPy's gives complex roots.
    x = [-4.0, 0.5, 4.0]
    _same(getattr(np.emath, name)(anp.asarray(x)), getattr(np.emath, name)(np.asarray(x)))


def test_numpy_emath_power_on_arrax_arrays_like_numpy():
    _same(
        np.emath.power(anp.asarray([-4.0, 4.0]), 0.5), np.emath.power(np.asarray([-4.0, 4.0]), 0.5)
    )


def test_numpy_strings_mod_with_arrax_values_like_numpy():
    # numpy.strings.mod(formats, arrax_values) ran arrax.numpy.mod (the remainder) on strings.
    fmt = np.array([["%d", "%f"], ["%s", "%r"]])
    values = [[3, 7], [19, 1]]
    _same(np.strings.mod(fmt, anp.asarray(values)), np.strings.mod(fmt, np.asarray(values)))
    f = fmt.view(np.char.chararray)
    got = f % anp.asarray(values)
    assert type(got) is np.char.chararray
    _same(got, f % np.asarray(values))


def test_numpy_char_functions_with_arrax_counts_like_numpy():
    s = np.array(["ab", "c"])
    _same(np.char.multiply(s, anp.asarray([2, 3])), np.char.multiply(s, np.asarray([2, 3])))
    _same(np.char.add(s, s), np.char.add(s, s))


def test_numpy_submodule_functions_still_run_arrax_functions():
    x = anp.asarray([3.0, 4.0])
    assert isinstance(np.linalg.norm(x), anp.ndarray)
    assert isinstance(np.fft.fft(x), anp.ndarray)
    assert isinstance(np.concatenate([x, x]), anp.ndarray)
    _same(np.linalg.norm(x), np.linalg.norm(np.asarray([3.0, 4.0])))


# --- scalar methods: 0-d arrays stand where NumPy gives scalars -----------------------------


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("value", [0.0, 2.5, -2100.0, 2.1, 0.5, 3.0])
def test_as_integer_ratio_and_is_integer_like_numpy(dtype, value):
    a, n = getattr(anp, dtype)(value), np.dtype(dtype).type(value)
    assert a.as_integer_ratio() == n.as_integer_ratio()
    assert a.is_integer() == n.is_integer()
    assert anp.asarray(n).sum().as_integer_ratio() == n.as_integer_ratio()


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int64"])
def test_integer_is_integer_like_numpy(dtype):
    # (x[i] and reductions give 0-d arrays where NumPy gives scalars)
    a, n = anp.asarray([7, 8], dtype=dtype)[0], np.asarray([7, 8], dtype=dtype)[0]
    assert a.is_integer() is n.is_integer()
    assert not hasattr(a, "as_integer_ratio")
    assert not hasattr(n, "as_integer_ratio")


@pytest.mark.parametrize("value, exc", [("inf", OverflowError), ("nan", ValueError)])
def test_as_integer_ratio_errors_like_numpy(value, exc):
    with pytest.raises(exc):
        np.float64(value).as_integer_ratio()
    with pytest.raises(exc):
        anp.asarray([float(value)])[0].as_integer_ratio()


def test_scalar_methods_absent_where_numpy_lacks_them():
    # Arrays with dimensions, complex and bool values have neither (as NumPy's).
    for a, n in [
        (anp.arange(3.0), np.arange(3.0)),
        (anp.asarray(1 + 2j), np.complex128(1 + 2j)),
        (anp.asarray(True), np.True_),
    ]:
        for name in ("is_integer", "as_integer_ratio"):
            assert hasattr(a, name) == hasattr(n, name), (a, name)


# --- deprecations and removed names ---------------------------------------------------------


def test_bincount_non_integer_list_deprecated_like_numpy():
    with pytest.warns(DeprecationWarning, match="Non-integer input passed to bincount"):
        n = np.bincount([0.5, 1.2, 1.5])
    with pytest.warns(DeprecationWarning, match="Non-integer input passed to bincount"):
        a = anp.bincount([0.5, 1.2, 1.5])
    _same(a, n)
    # A float array is still refused, as NumPy's.
    with pytest.raises(TypeError):
        np.bincount(np.asarray([0.5]))
    with pytest.raises(TypeError):
        anp.bincount(anp.asarray([0.5]))


def test_bincount_integer_list_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _same(anp.bincount([0, 1, 1]), np.bincount([0, 1, 1]))
        _same(anp.bincount([]), np.bincount([]))


def test_chararray_deprecated_like_numpy():
    with pytest.warns(DeprecationWarning, match="np.chararray"):
        assert anp.chararray is np.char.chararray


@pytest.mark.parametrize("name", ["object", "float", "complex", "str", "int"])
def test_removed_builtin_aliases_explained_like_numpy(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        msg = f".*\n`np.{name}` was a deprecated alias for the builtin"
        with pytest.raises(AttributeError, match=msg):
            getattr(np, name)
        with pytest.raises(AttributeError, match=msg):
            getattr(anp, name)


@pytest.mark.parametrize("name", ["str", "bytes", "object"])
def test_future_scalar_names_warn_like_numpy(name):
    with pytest.warns(FutureWarning, match=f"In the future .*{name}"):
        assert not hasattr(np, name)
    with pytest.warns(FutureWarning, match=f"In the future .*{name}"):
        assert not hasattr(anp, name)


def test_unknown_attribute_still_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        anp.no_such_name  # noqa: B018
    assert not hasattr(anp, "no_such_name")


def test_get_include_like_numpy():
    assert anp.get_include() == np.get_include()


# --- np.nditer on arrax arrays: writes reach the array --------------------------------------


def test_nditer_multi_index_readwrite_writes_through():
    # (cs231n's gradient check: x[ix] = old + h through an nditer over x)
    a, n = anp.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(2, 3)
    for x in (a, n):
        it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
        while not it.finished:
            ix = it.multi_index
            x[ix] = x[ix] * 10 + 1
            it.iternext()
        with np.nditer(x, op_flags=["readwrite"]) as it:
            for v in it:
                v[...] = v + 0.5
    assert isinstance(a, anp.ndarray)
    _same(a, n)


def test_lib_math_deprecated_alias_like_numpy():
    import math

    with pytest.warns(DeprecationWarning, match="np.lib.math"):
        assert np.lib.math is math
    with pytest.warns(DeprecationWarning, match="np.lib.math"):
        assert anp.lib.math is math


@pytest.mark.parametrize("name", ["emath", "utils", "arrayterator"])
def test_lib_removed_names_explained_like_numpy(name):
    with pytest.raises(AttributeError) as n:
        getattr(np.lib, name)
    with pytest.raises(AttributeError) as a:
        getattr(anp.lib, name)
    assert str(a.value) == str(n.value)


# --- generators and iterators: NumPy makes 0-d object arrays of them -------------------------


def _gen():
    return (v == 1 for v in [1, 2])


@pytest.mark.parametrize("name", ["all", "any"])
def test_all_any_of_generator_like_numpy(name):
    # (from numpy import * shadows the builtins: all(v == i for v in vals) is NumPy's True)
    assert getattr(anp, name)(_gen()) == getattr(np, name)(_gen())


@pytest.mark.parametrize("name", ["sum", "mean", "sort", "where", "concatenate"])
def test_functions_of_generator_raise_like_numpy(name):
    with pytest.raises(Exception) as n:
        getattr(np, name)(_gen())
    with pytest.raises(Exception) as a:
        getattr(anp, name)(_gen())
    assert type(a.value) is type(n.value)
    assert str(a.value) == str(n.value)


def test_array_of_map_object_like_numpy():
    m = map(float, [1, 2])
    a, n = anp.array(m), np.array(m)
    assert a.dtype == n.dtype == object and a.shape == n.shape == ()
    _same(anp.fromiter(map(float, [1, 2]), float), np.fromiter(map(float, [1, 2]), float))


# --- a.flat with the indices NumPy 2.4 deprecated --------------------------------------------


@pytest.mark.parametrize(
    "key",
    [True, False, 1.0, [1.0, 2.0], "0d-true", "0d-false"],
    ids=["True", "False", "1.0", "[1.0, 2.0]", "0d-true", "0d-false"],
)
def test_flat_deprecated_indices_like_numpy(key):
    def k(m):
        return m.asarray(key == "0d-true") if isinstance(key, str) else key

    n = np.arange(3) * 10
    a = anp.arange(3) * 10
    with pytest.warns(DeprecationWarning, match="flat iterators|non-array indices"):
        nv = n.flat[k(np)]
    with pytest.warns(DeprecationWarning, match="flat iterators|non-array indices"):
        av = a.flat[k(anp)]
    assert isinstance(av, anp.ndarray)
    _same(av, nv)


def test_flat_integer_indices_do_not_warn():
    a, n = anp.arange(4) * 10, np.arange(4) * 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for key in [2, [0, 3], slice(1, None), np.array([True, False, True, False])]:
            _same(a.flat[key], n.flat[key])


# --- None read as an array: NumPy's 0-d object array -----------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.array(None),
        lambda m: m.asarray(None),
        lambda m: m.broadcast_to(None, (2, 3)),
        lambda m: m.full(3, None),
        lambda m: m.atleast_1d(None),
        lambda m: m.squeeze(None),
    ],
)
def test_none_as_array_like_numpy(call):
    a, n = call(anp), call(np)
    assert a.dtype == n.dtype == object
    assert a.shape == n.shape
    assert a.tolist() == n.tolist()


@pytest.mark.parametrize("name", ["ndim", "shape", "size"])
def test_none_shape_queries_like_numpy(name):
    assert getattr(anp, name)(None) == getattr(np, name)(None)


def test_numpy_strings_slice_with_none_bounds_like_numpy():
    # (NumPy's test_strings: np.broadcast_to(None, shape) for a slice's missing bounds)
    buf = np.array(["hello", "world"])
    bounds = [anp.broadcast_to(b, buf.shape) for b in (None, 3)]
    got = [s[slice(*b)] for s, b in zip(buf.tolist(), zip(*[x.tolist() for x in bounds]))]
    assert got == ["hel", "wor"]


# --- NumPy 2's variable-width strings (StringDType, "T") are NumPy's ------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.array([], dtype=np.dtypes.StringDType()),
        lambda m: m.empty(3, dtype="T"),
        lambda m: m.zeros((2, 2), dtype=np.dtypes.StringDType()),
        lambda m: m.arange(3).astype("T"),
        lambda m: m.asarray([1.5, 2.0]).astype(np.dtypes.StringDType()),
    ],
)
def test_string_dtype_arrays_like_numpy(call):
    a, n = call(anp), call(np)
    assert a.dtype == n.dtype
    assert a.shape == n.shape
    assert a.tolist() == n.tolist()


# --- numpy.matrix's builders on arrax arrays -------------------------------------------------


def _same_matrix(a, n):
    assert type(a) is type(n) is np.matrix
    _same(np.asarray(a), np.asarray(n))


def test_bmat_of_arrax_blocks_like_numpy():
    # NumPy's bmat took a list of arrax arrays for one row of 1-d rows: (1, 8), not (2, 4).
    A, E = [[1, 2], [3, 4]], [[5, 6], [7, 8]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        a, n = anp.bmat([anp.array(A), anp.array(E)]), np.bmat([np.array(A), np.array(E)])
        _same_matrix(a, n)
        blocks_a = [[anp.array(A), anp.array(E)], [anp.array(E), anp.array(A)]]
        blocks_n = [[np.array(A), np.array(E)], [np.array(E), np.array(A)]]
        _same_matrix(anp.bmat(blocks_a), np.bmat(blocks_n))
        _same_matrix(anp.bmat(anp.array(A)), np.bmat(np.array(A)))


def test_bmat_and_r_matrix_builder_strings_like_numpy():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        for m in (np, anp):
            a, b = m.array([[1, 2]]), m.array([[3, 4]])
            assert a.shape == b.shape  # (the builders look a and b up in this frame)
            got = m.bmat("a, b; b, a"), m.r_["a, b; b, a"], m.bmat("x", {"x": a}, {})
            if m is np:
                want = got
            else:
                for g, w in zip(got, want):
                    _same_matrix(g, w)


# --- arrax's ufuncs on NumPy arrays arrax cannot hold (strings, objects, dates): NumPy's ufunc ---


@pytest.mark.parametrize(
    "name,args",
    [
        ("equal", (np.array(["a", "b"]), np.array(["a", "c"]))),
        ("not_equal", (np.array(["a", "b"]), "a")),
        ("less", (np.array(["a", "b"]), np.array(["b", "b"]))),
        ("add", (np.array(["a", "b"]), np.array(["x", "y"]))),
        ("subtract", (np.array(["2021-01-02"], "datetime64[D]"), np.datetime64("2021-01-01"))),
        ("add", (np.array([1, "x"], dtype=object), np.array([2, "y"], dtype=object))),
        ("isnat", (np.array(["NaT", "2020-01-01"], "datetime64[D]"),)),
    ],
)
def test_ufuncs_of_numpy_only_dtypes_are_numpys(name, args):
    want = getattr(np, name)(*args)
    got = getattr(anp, name)(*args)
    assert np.asarray(got).dtype == want.dtype
    assert np.asarray(got).tolist() == want.tolist()


def test_ufunc_of_an_unsupported_pair_raises_numpys_type_error():
    with pytest.raises(TypeError):
        anp.maximum(np.array(["a"]), np.array(["b"]))
    with pytest.raises(TypeError):
        anp.add(anp.ones(2), "x")
