"""Elementwise math ("ufuncs") of arrax.numpy, checked against NumPy.

One table (``UNARY`` / ``BINARY``: name, input domains) drives the dtype tests: for every
dtype (every pair of dtypes for binary ufuncs) arrax's result dtype and values must equal
NumPy's, and where NumPy has no loop (TypeError) arrax must raise TypeError too.
"""

import numpy as np
import pytest

from conftest import (
    ALL_DTYPES,
    INT_DTYPES,
    Failures,
    dtype_id,
    run_both,
)
from ufunc_table import BINARY, BINARY_NAMES, UNARY, UNARY_NAMES, call, values

# --------------------------------------------------------------------------------------
# table-driven dtype tests
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name,domain", UNARY, ids=UNARY_NAMES)
def test_unary_dtypes(name, domain, dtype):
    run_both(lambda xp, x: call(xp, name, x), values(domain, dtype))


@pytest.mark.parametrize("dtype2", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("dtype1", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name,dom1,dom2", BINARY, ids=BINARY_NAMES)
def test_binary_dtypes(name, dom1, dom2, dtype1, dtype2):
    run_both(lambda xp, a, b: call(xp, name, a, b), values(dom1, dtype1), values(dom2, dtype2))


@pytest.mark.parametrize("name,domain", UNARY, ids=UNARY_NAMES)
def test_unary_zero_dim_and_empty(name, domain):
    x = values(domain, np.float64)
    run_both(lambda xp, a: call(xp, name, a), x[3].reshape(()))
    run_both(lambda xp, a: call(xp, name, a), x[:0].reshape(0, 3))


@pytest.mark.parametrize("name,dom1,dom2", BINARY, ids=BINARY_NAMES)
def test_binary_zero_dim_and_empty(name, dom1, dom2):
    x, y = values(dom1, np.int32), values(dom2, np.float32)
    run_both(lambda xp, a, b: call(xp, name, a, b), x[1].reshape(()), y[2].reshape(()))
    run_both(lambda xp, a, b: call(xp, name, a, b), x[:0], y[:1])


# --------------------------------------------------------------------------------------
# python scalars (NEP 50 weak scalars)
# --------------------------------------------------------------------------------------

SCALARS = [2, 2.5, True, 1.5 - 1j, -1, 300]


@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize("name,dom1,dom2", BINARY, ids=BINARY_NAMES)
def test_python_scalar_operands(name, dom1, dom2, scalar):
    fails = Failures()
    for dtype in ALL_DTYPES:
        x = values(dom1, dtype)
        with fails.check(f"{name}({dtype} array, {scalar!r})"):
            run_both(lambda xp, a: call(xp, name, a, scalar), x)
        x = values(dom2, dtype)
        with fails.check(f"{name}({scalar!r}, {dtype} array)"):
            run_both(lambda xp, a: call(xp, name, scalar, a), x)
    fails.raise_if_any()


@pytest.mark.parametrize("name", ["add", "multiply", "divide", "power", "maximum", "less", "hypot"])
def test_two_python_scalars(name):
    for a, b in [(2, 3), (2.5, 3), (True, False), (1j, 2)]:
        run_both(lambda xp: call(xp, name, a, b))


def test_lists_as_operands():
    run_both(lambda xp: xp.add([1, 2, 3], [4, 5, 6]))
    run_both(lambda xp: xp.sin([0.0, 1.0, 2.0]))
    run_both(lambda xp: xp.multiply([[1], [2]], (3, 4)))
    run_both(lambda xp: xp.sqrt(4))


def test_comparison_with_out_of_range_python_int():
    x = np.array([0, 1, 255], dtype=np.uint8)
    for name in ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]:
        run_both(lambda xp, a: call(xp, name, a, 300), x)
        run_both(lambda xp, a: call(xp, name, a, -1), x)


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=dtype_id)
def test_out_of_range_python_int_overflows(dtype):
    info = np.iinfo(dtype)
    x = np.array([1, 2], dtype=dtype)
    for bad in (int(info.max) + 1, int(info.min) - 1):
        for name in ["add", "multiply", "subtract", "maximum"]:
            run_both(lambda xp, a: call(xp, name, a, bad), x)


# --------------------------------------------------------------------------------------
# broadcasting, out=, where=, dtype=
# --------------------------------------------------------------------------------------

BROADCAST_SHAPES = [
    ((3, 1), (1, 4)),
    ((2, 3, 4), (4,)),
    ((2, 3, 4), (3, 1)),
    ((), (3,)),
    ((5,), ()),
    ((0, 3), (1, 3)),
    ((1, 0), (4, 1)),
    ((2, 1, 3), (1, 5, 1)),
    ((3,), (4,)),  # mismatch -> ValueError
    ((2, 3), (3, 2)),  # mismatch -> ValueError
]


@pytest.mark.parametrize("s1,s2", BROADCAST_SHAPES, ids=str)
@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "arctan2", "less", "maximum"])
def test_broadcasting(name, s1, s2):
    x = np.arange(int(np.prod(s1)), dtype=np.float64).reshape(s1) - 2.5
    y = np.arange(int(np.prod(s2)), dtype=np.float64).reshape(s2) * 0.5 + 1
    run_both(lambda xp, a, b: call(xp, name, a, b), x, y)


def test_out_argument():
    x = np.arange(12.0).reshape(3, 4)
    y = np.arange(4.0) + 1

    def f(xp, a, b):
        out = xp.zeros((3, 4))
        r = xp.add(a, b, out=out)
        assert r is out
        return out

    run_both(f, x, y)

    def f_tuple(xp, a, b):
        out = xp.zeros((3, 4))
        r = xp.multiply(a, b, out=(out,))
        assert r is out
        return out

    run_both(f_tuple, x, y)


def test_out_argument_unary_and_cast():
    x = np.arange(6, dtype=np.int32).reshape(2, 3)

    def f(xp, a):
        out = xp.ones((2, 3), dtype=np.float64)
        r = xp.sqrt(a, out=out)
        assert r is out
        return out

    run_both(f, x)

    def f_int_out(xp, a):  # int -> float64 via same_kind casting is allowed
        out = xp.zeros((2, 3), dtype=np.float64)
        xp.add(a, a, out=out)
        return out

    run_both(f_int_out, x)


def test_out_argument_bad_cast_raises():
    # float64 result cannot be written into an int32 out (casting='same_kind')
    run_both(lambda xp: xp.add(xp.ones(3), xp.ones(3), out=xp.zeros(3, dtype=np.int32)))
    run_both(lambda xp: xp.sqrt(xp.ones(3), out=xp.zeros(3, dtype=np.int64)))


def test_out_argument_wrong_shape_raises():
    run_both(lambda xp: xp.add(xp.ones((2, 3)), 1.0, out=xp.zeros(3)))
    run_both(lambda xp: xp.add(xp.ones(3), 1.0, out=xp.zeros((2, 3))))


def test_out_argument_broadcasts_inputs():
    run_both(lambda xp: xp.add(xp.arange(3.0), 1.0, out=xp.zeros((2, 3))))


def test_out_is_strided_view():
    def f(xp, a):
        base = xp.zeros((4, 6))
        view = base[::-2, 1::2]
        r = xp.negative(a, out=view)
        assert r is view
        return base

    run_both(f, np.arange(6.0).reshape(2, 3))


def test_out_aliases_input():
    def f(xp, a):
        xp.multiply(a, 2, out=a)
        xp.add(a[::-1], 1, out=a[::-1])
        return a

    run_both(f, np.arange(5.0))


def test_divmod_out_tuple():
    def f(xp, a, b):
        q = xp.zeros(4, dtype=np.int64)
        r = xp.zeros(4, dtype=np.int64)
        res = xp.divmod(a, b, out=(q, r))
        assert res[0] is q and res[1] is r
        return q, r

    run_both(f, np.array([7, -7, 8, -9]), np.array([2, 2, -3, -4]))


@pytest.mark.parametrize("name", ["add", "multiply", "maximum", "arctan2", "less"])
def test_where_argument(name):
    x = np.arange(12.0).reshape(3, 4) - 5
    y = np.linspace(1, 2, 4)
    mask = np.array([True, False, True, False])

    def f(xp, a, b, m):
        out = xp.full((3, 4), -99.0) if name != "less" else xp.zeros((3, 4), dtype=bool)
        r = call(xp, name, a, b, out=out, where=m)
        assert r is out
        return out

    run_both(f, x, y, mask)
    run_both(f, x, y, np.array(True))
    run_both(f, x, y, np.arange(12).reshape(3, 4) % 3 == 0)


def test_where_unary():
    def f(xp, a, m):
        out = xp.zeros(5)
        xp.sqrt(a, out=out, where=m)
        return out

    run_both(f, np.array([1.0, 4.0, -1.0, 9.0, 16.0]), np.array([True, True, False, True, False]))


def test_where_python_bool():
    def f(xp, a):
        out = xp.ones(3)
        xp.add(a, a, out=out, where=False)
        return out

    run_both(f, np.arange(3.0))


@pytest.mark.parametrize(
    "name,dtype,in_dtype",
    [
        ("add", np.float32, np.int8),
        ("add", np.float64, np.int64),
        ("multiply", np.complex128, np.float32),
        ("sqrt", np.float32, np.int16),
        ("sqrt", np.float64, np.float32),
        ("divide", np.float32, np.int32),
        ("add", np.int8, np.int8),
        ("add", np.int16, np.int8),
        ("add", np.int32, np.float64),  # not same_kind -> TypeError
        ("negative", np.uint8, np.int8),  # not same_kind -> TypeError
        ("exp", np.float16, np.float64),  # downcast within kind is same_kind -> allowed
    ],
)
def test_dtype_argument(name, dtype, in_dtype):
    x = values("pos", in_dtype)
    if name in UNARY_NAMES:
        run_both(lambda xp, a: call(xp, name, a, dtype=dtype), x)
    else:
        run_both(lambda xp, a: call(xp, name, a, a, dtype=dtype), x)
