"""More NumPy-compatibility fixes found by running NumPy's own test files
(scripts/numpy_own_tests.py) against arrax.numpy: each result (value, dtype, shape, memory
layout, identity, or the exception's family) is compared with real NumPy's."""

import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from conftest import anp, assert_same, run_both

INF, NAN = np.inf, np.nan


def _layout(x):
    f = x.flags
    return (bool(f.c_contiguous), bool(f.f_contiguous))


def run_layout(fn, *args):
    """fn on NumPy and on arrax: the same values, dtype and memory layout (C/F contiguity)."""
    r = run_both(fn, *args)
    if r is not None:
        actual, expected = r
        assert _layout(actual) == _layout(expected), (_layout(actual), _layout(expected))


# --- order=: np.copy keeps a Fortran array's layout ('K'), eye(order='F'), *_like('A') ----

LAYOUT_DATA = {
    "c_2d": np.arange(6.0).reshape(2, 3),
    "f_2d": np.asfortranarray(np.arange(6).reshape(2, 3)),
    "f_3d_int8": np.asfortranarray(np.arange(24, dtype=np.int8).reshape(2, 3, 4)),
    "transposed_complex": (np.arange(12) + 1j).reshape(3, 4).T,
    "strided": np.arange(40.0, dtype=np.float32).reshape(5, 8)[::2, ::3],
    "1d": np.arange(5, dtype=np.uint16),
    "0d": np.array(2.5),
    "empty_f": np.asfortranarray(np.zeros((0, 3))),
}


@pytest.mark.parametrize("name", sorted(LAYOUT_DATA))
@pytest.mark.parametrize("order", [None, "K", "A", "C", "F"])
def test_copy_function_keeps_layout(name, order):
    a = LAYOUT_DATA[name]
    if order is None:
        run_layout(lambda m, x: m.copy(x), a)
    else:
        run_layout(lambda m, x: m.copy(x, order=order), a)


def test_copy_takes_subok_and_sequences():
    a = LAYOUT_DATA["f_2d"]
    run_layout(lambda m, x: m.copy(x, subok=True), a)
    run_layout(lambda m, x: m.copy(x, subok=False), a)
    run_layout(lambda m: m.copy([[1, 2], [3, 4]]))
    run_layout(lambda m: m.copy(3.5))


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("shape", [(4, None, 0), (4, 3, -1), (3, 5, 2), (1, None, 0), (0, 2, 0)])
@pytest.mark.parametrize("dtype", [float, np.int32, np.complex64, bool])
def test_eye_order(order, shape, dtype):
    n, m_, k = shape
    run_layout(lambda m: m.eye(n, m_, k, dtype=dtype, order=order))


@pytest.mark.parametrize("fn", ["ones_like", "zeros_like", "empty_like", "full_like"])
@pytest.mark.parametrize("name", ["c_2d", "f_2d", "f_3d_int8", "transposed_complex", "1d", "0d"])
@pytest.mark.parametrize("shape", [(5, 6), (5, 6, 7), (4,)])
@pytest.mark.parametrize("order", ["A", "K", "C", "F"])
def test_like_functions_with_shape_and_order(fn, name, shape, order):
    a = LAYOUT_DATA[name]
    extra = (1,) if fn == "full_like" else ()

    def call(m, x):
        r = getattr(m, fn)(x, *extra, shape=shape, order=order)
        return r if fn != "empty_like" else r * 0 + 1  # (empty: only the layout is known)

    if fn == "empty_like":
        # (the arithmetic above makes a new array: compare the layout of empty_like's own)
        got = getattr(anp, fn)(anp.asarray(a), shape=shape, order=order)
        want = getattr(np, fn)(a, shape=shape, order=order)
        assert _layout(got) == _layout(want) and got.dtype == want.dtype
    else:
        run_layout(call, a)


@pytest.mark.parametrize(
    "call",
    [
        lambda m, x: m.delete(x, slice(60, None), axis=1),
        lambda m, x: m.delete(x, 1, axis=1),
        lambda m, x: m.delete(x, [0, 2], axis=0),
        lambda m, x: m.delete(x, 1),
        lambda m, x: m.insert(x, 1, 7, axis=1),
        lambda m, x: m.insert(x, [0, 2], 9, axis=0),
        lambda m, x: m.append(x, x, axis=0),
        lambda m, x: m.append(x, x),
        lambda m, x: m.block([[x, x], [x, x]]),
        lambda m, x: m.block([x, x]),
    ],
)
@pytest.mark.parametrize("name", ["f_2d", "c_2d", "transposed_complex", "f_3d_int8"])
def test_delete_insert_append_block_keep_layout(call, name):
    run_layout(call, LAYOUT_DATA[name])


# --- a.flat[...] = v with an arrax index array (a boolean mask, integer positions) ---------


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.complex128, np.bool_])
@pytest.mark.parametrize(
    "index",
    [
        np.arange(9) % 2 == 0,
        np.zeros(9, bool),
        np.array([1, 3, 8]),
        np.array([[5], [0]]),
        np.array([-1, -2], dtype=np.int16),
    ],
    ids=["mask", "empty_mask", "ints", "2d_ints", "negative_int16"],
)
def test_flat_assignment_with_array_index(dtype, index):
    def call(m, a, idx):
        a = a.copy()
        a.flat[idx] = 1
        return a, a.flat[idx]

    run_both(call, np.zeros((3, 3), dtype), index)


def test_flat_assignment_with_array_values_and_tuple_key():
    def call(m, a, idx, v):
        a = a.copy()
        a.flat[idx] = v
        a.flat[(idx,)] = v * 2
        return a

    run_both(call, np.arange(12.0).reshape(3, 4), np.array([0, 5, 11]), np.array([-1.0, -2, -3]))


# --- __array__ returning an arrax array (a class written against arrax.numpy) ---------------


class _ArrayLike:
    def __init__(self, values, dtype):
        self.values, self.dtype = values, dtype

    def __array__(self, dtype=None, copy=None):
        return anp.array(self.values, dtype=self.dtype)


ARRAY_LIKE_CALLS = {
    "asarray": lambda m, x: m.asarray(x),
    "asarray_dtype": lambda m, x: m.asarray(x, dtype=np.float32),
    "array": lambda m, x: m.array(x),
    "array_dtype_ndmin": lambda m, x: m.array(x, dtype=complex, ndmin=3),
    "bincount": lambda m, x: m.bincount(x),
    "intersect1d": lambda m, x: m.intersect1d(x, x),
    "unique": lambda m, x: m.unique(x),
    "sort": lambda m, x: m.sort(x),
}


@pytest.mark.parametrize("call", sorted(ARRAY_LIKE_CALLS))
@pytest.mark.parametrize("dtype", [np.uint64, np.int8, np.int32])
def test_array_method_returning_an_arrax_array(call, dtype):
    values = [0, 1, 1, 3, 2, 1, 7]
    got = ARRAY_LIKE_CALLS[call](anp, _ArrayLike(values, dtype))
    want = ARRAY_LIKE_CALLS[call](np, np.array(values, dtype))
    assert_same(got, want)


# --- np.asarray(x) is x (and np.array(x, copy=False), np.require, np.asanyarray) ----------


@pytest.mark.parametrize("dtype", [np.float64, np.int8, np.uint32, np.complex64, np.bool_])
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3)])
def test_asarray_returns_the_array_itself(dtype, shape):
    for m in (np, anp):
        x = m.zeros(shape, dtype)
        assert m.asarray(x) is x
        assert m.asarray(x, dtype=dtype) is x
        assert m.asarray(x, order="K") is x
        assert m.asarray(x, order="C") is x
        assert m.asanyarray(x) is x
        assert m.array(x, copy=False) is x
        assert m.array(x, copy=None) is x
        assert m.array(x) is not x
        assert m.asarray(x, copy=True) is not x
        assert m.require(x, None, ["C", "A", "W"]) is x
        other = np.int16 if np.dtype(dtype) != np.int16 else np.int32
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            assert m.asarray(x, dtype=other) is not x
    x = anp.arange(6.0).reshape(2, 3)
    y = anp.asarray(x)
    y[0, 0] = 42  # (the same array: NumPy's asarray never copies one of the right dtype)
    assert float(x[0, 0]) == 42


def test_asarray_of_a_fortran_array_asked_for_c_order_copies():
    for m in (np, anp):
        f = m.asfortranarray(m.ones((2, 3)))
        assert m.asarray(f, order="C") is not f
        assert m.asarray(f, order="C").flags.c_contiguous
        assert m.asarray(f, order="F") is f


# --- can_cast with NumPy scalars (np.float64 and np.complex128 subclass float/complex) ------


@pytest.mark.parametrize(
    "scalar",
    [
        np.float64(0),
        np.complex128(1j),
        np.float32(0),
        np.float16(1),
        np.int64(5),
        np.uint8(1),
        np.bool_(True),
        np.complex64(0),
    ],  # fmt: skip
    ids=lambda s: type(s).__name__,
)
@pytest.mark.parametrize("to", ["int64", "float32", "float64", "complex64", "bool"])
@pytest.mark.parametrize("casting", ["no", "equiv", "safe", "same_kind", "unsafe"])
def test_can_cast_numpy_scalars(scalar, to, casting):
    assert anp.can_cast(scalar, to, casting) == np.can_cast(scalar, to, casting)
    assert anp.can_cast(scalar, to, casting) == np.can_cast(scalar.dtype, to, casting)


@pytest.mark.parametrize("value", [1, 1.0, 1j, True])
def test_can_cast_python_scalars_still_raise(value):
    run_both(lambda m: m.can_cast(value, "float64"))


# --- nanargmin/nanargmax of an empty array: argmin's error (no all-NaN slice) --------------


@pytest.mark.parametrize("fn", ["nanargmin", "nanargmax"])
@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0,), (2, 0, 4)])
@pytest.mark.parametrize("axis", [None, 0, -1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32])
def test_nanarg_of_empty(fn, shape, axis, dtype):
    a = np.zeros(shape, dtype)
    run_both(lambda m, x: getattr(m, fn)(x, axis=axis), a)
    with pytest.raises(ValueError, match="attempt to get arg"):
        getattr(anp, fn)(anp.zeros((0, 3), dtype), axis=0)


@pytest.mark.parametrize("fn", ["nanargmin", "nanargmax"])
def test_nanarg_all_nan_slice_still_raises(fn):
    a = np.array([[NAN, NAN], [1.0, NAN]])
    for axis in (None, 0, 1):
        if axis == 1:
            with pytest.raises(ValueError, match="All-NaN slice encountered"):
                getattr(anp, fn)(anp.asarray(a), axis=axis)
        else:
            run_both(lambda m, x: getattr(m, fn)(x, axis=axis), a)


# --- flags compare with a NumPy array's flags, as NumPy's compare --------------------------


@pytest.mark.parametrize("name", sorted(LAYOUT_DATA))
def test_flags_equal_numpy_flags(name):
    a = LAYOUT_DATA[name]
    for order in ("C", "F", "K"):
        x, n = anp.array(a, order=order), np.array(a, order=order)  # (new arrays: own data)
        assert x.flags == n.flags
        assert n.flags == x.flags
        assert not (x.flags != n.flags)
        if a.ndim >= 2 and a.size > 1 and order != "K":
            other = np.array(a, order="F" if order == "C" else "C")
            assert x.flags != other.flags
            assert not (other.flags == x.flags)


# --- Fractions and Decimals: NumPy keeps them in object arrays (arrax hands those over) ----


FRACTION_CALLS = {
    "array": lambda m: m.array(Fraction(1, 3)),
    "asarray_decimal": lambda m: m.asarray(Decimal("1.5")),
    "array_list": lambda m: m.array([Fraction(1, 2), Fraction(3, 4)]),
    "quantile_q": lambda m: m.quantile([1, 2], q=Fraction(1)),
    "quantile_q_half": lambda m: m.quantile([1, 2, 4], q=Fraction(1, 2)),
    "percentile_q": lambda m: m.percentile(m.arange(4), Fraction(50)),
    "percentile_values": lambda m: m.percentile([Fraction(1), Fraction(3)], 50),
}


@pytest.mark.parametrize("call", sorted(FRACTION_CALLS))
def test_fractions_and_decimals_as_numpy_does(call):
    got = FRACTION_CALLS[call](anp)
    want = FRACTION_CALLS[call](np)
    assert type(got) is type(want)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


# --- unravel_index of an empty list: NumPy's TypeError (give it an integer dtype) ----------


@pytest.mark.parametrize("indices", [[], (), np.array([], dtype=np.int64), [3, 4], 7, [[1, 2]]])
def test_unravel_index_empty_and_plain(indices):
    run_both(lambda m: m.unravel_index(indices, (10, 3, 5)), check_type=False)
    with pytest.raises(TypeError, match="indices must be integral"):
        anp.unravel_index([], (10, 3, 5))


@pytest.mark.parametrize(
    "multi_index",
    [
        ([], []),
        ((), ()),
        (np.array([], dtype=np.int64), np.array([], dtype=np.int64)),
        ([1, 2], [0, 2]),
        (np.array([[], []], dtype=int)),
    ],  # fmt: skip
    ids=["lists", "tuples", "int_arrays", "values", "2d_array"],
)
def test_ravel_multi_index_empty_and_plain(multi_index):
    run_both(lambda m: m.ravel_multi_index(multi_index, (5, 3)), check_type=False)
    with pytest.raises(TypeError, match="indices must be integral"):
        anp.ravel_multi_index(([], []), (10, 3))


# --- order='K' keeps any prototype's stride order (not only C or Fortran) -----------------

PERMUTED = {
    "swapaxes": np.arange(24).reshape(2, 3, 4).swapaxes(0, 1),
    "transpose_201": np.arange(24.0, dtype=np.float32).reshape(2, 3, 4).transpose(2, 0, 1),
    "reversed_strided": np.arange(24).reshape(2, 3, 4)[:, ::2, ::-1],
    "length_one_axis": np.arange(24).reshape(2, 3, 4).transpose(2, 0, 1)[:, :1],
    "complex_4d": (np.arange(120) * 1j).reshape(2, 3, 4, 5).transpose(1, 3, 0, 2),
}


@pytest.mark.parametrize("name", sorted(PERMUTED))
@pytest.mark.parametrize(
    "call",
    [
        lambda m, x: m.copy(x),
        lambda m, x: m.array(x),
        lambda m, x: m.array(x, order="K", dtype=np.int16),
        lambda m, x: x.copy(order="K"),
        lambda m, x: m.ones_like(x),
        lambda m, x: m.zeros_like(x, dtype=np.int8),
        lambda m, x: m.full_like(x, 7),
        lambda m, x: m.zeros_like(x, shape=(5, 6, 7)[: x.ndim] + (2,) * (x.ndim - 3)),
    ],
)
def test_order_k_keeps_the_stride_order(name, call):
    r = run_both(call, PERMUTED[name])
    actual, expected = r
    assert np.argsort(actual.strides).tolist() == np.argsort(expected.strides).tolist()
    assert tuple(actual.strides) == expected.strides


def test_empty_like_keeps_the_stride_order():
    for a in PERMUTED.values():
        got, want = anp.empty_like(anp.asarray(a)), np.empty_like(a)
        assert tuple(got.strides) == want.strides and got.dtype == want.dtype


# --- iscomplexobj: an object's own dtype's scalar type decides (duck dtypes) --------------


class _DuckComplex(np.complex128):
    pass


class _DuckDtype:
    name = "category"
    names = None
    type = _DuckComplex
    kind = "c"
    str = "<c16"
    base = np.dtype("complex128")


class _DuckFloatDtype(_DuckDtype):
    type = np.float64
    kind = "f"


class _Duck:
    def __init__(self, dtype):
        self._dtype = dtype

    @property
    def dtype(self):
        return self._dtype


@pytest.mark.parametrize(
    "value",
    [
        _Duck(_DuckDtype),
        _Duck(_DuckFloatDtype),
        1j,
        1.0,
        [1, 2j],
        np.ones(2, "c8"),
        np.ones(2),
        np.complex64(1),
        np.array(1.5),
        [[1.0]],
    ],  # fmt: skip
    ids=lambda v: type(v).__name__,
)
def test_iscomplexobj_isrealobj(value):
    for fn in ("iscomplexobj", "isrealobj"):
        got = getattr(anp, fn)(anp.asarray(value) if isinstance(value, np.ndarray) else value)
        assert got == getattr(np, fn)(value)
