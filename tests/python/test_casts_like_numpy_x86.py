"""Float -> integer casts give NumPy's values and flags, and float16 arithmetic reports its
overflow, as NumPy's x86 builds do.

C's conversion of an out-of-range float is undefined; NumPy's loops compile to x86's truncating
conversions, whose results programs see (300.7 -> int8 is 44, not -128; NaN -> uint64 is 2**63)
and whose invalid flag becomes "invalid value encountered in cast". float16 results are
rounded by the CPU's F16C conversion, which raises the overflow flag NumPy reports for
``float16(60000) * 2``; Eigen's software conversion raised none."""

import platform
import warnings

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64"), reason="NumPy's values here are x86's"
)

_SPECIAL = [0.0, -0.0, 1.5, -1.5, 300.7, -200.2, 70000.0, -70000.0, 2.0**31, -(2.0**31),
            2.0**31 + 5, -(2.0**31) - 5, 3e9, -3e9, 2.0**32, 1e12, -1e12, 2.0**63, -(2.0**63),
            2.0**63 + 2048, 1.8e19, 2.0**64, -1e19, 1e20, -1e20, float("nan"), float("inf"),
            -float("inf")]  # fmt: skip
_INTS = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]


def _warned(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = fn()
    return r, sorted(str(w.message) for w in caught if w.category is RuntimeWarning)


@pytest.mark.parametrize("dst", _INTS)
@pytest.mark.parametrize("src", ["f8", "f4", "f2"])
def test_float_to_int_values_and_warnings(src, dst):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = onp.array(_SPECIAL, dtype=src)  # (past float16's range: inf)
    for part in (values, values[:5], values[5:9]):  # (in range: no warning at all)
        got, got_w = _warned(lambda: anp.asarray(part).astype(dst))
        want, want_w = _warned(lambda: part.astype(dst))
        assert got.dtype == want.dtype
        onp.testing.assert_array_equal(onp.asarray(got), want)
        assert got_w == want_w


@pytest.mark.parametrize("dst", ["i1", "u2", "i4", "u8"])
def test_float_to_int_casts_of_strided_and_complex_values(dst):
    values = onp.array(_SPECIAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = values[::3].astype(dst)
        want_c = (values + 1j).astype(dst)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = anp.asarray(values)[::3].astype(dst)
    onp.testing.assert_array_equal(onp.asarray(got), want)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got_c = anp.asarray(values + 1j).astype(dst)
    onp.testing.assert_array_equal(onp.asarray(got_c), want_c)


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax's jit")
def test_casts_under_jit_give_the_same_values():
    values = onp.array(_SPECIAL)
    for dst in _INTS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = values.astype(dst)
            got = arrax.jit(lambda x, d=dst: (x * 1.0).astype(d))(anp.asarray(values))
        onp.testing.assert_array_equal(onp.asarray(got), want)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, a: a * a,
        lambda m, a: a + a,
        lambda m, a: m.multiply(a, m.float16(2)),
        lambda m, a: m.exp(a),
        lambda m, a: a / m.float16(1e-3),
        lambda m, a: m.square(a),
        lambda m, a: a - (-a),
    ],
)
def test_float16_arithmetic_reports_overflow(fn):
    def run(m):
        a = m.array([60000.0, 1.0, -2.0], dtype=m.float16)
        return fn(m, a)

    got, got_w = _warned(lambda: run(anp))
    want, want_w = _warned(lambda: run(onp))
    assert got.dtype == want.dtype
    onp.testing.assert_array_equal(onp.asarray(got), want)
    assert got_w == want_w
    with onp.errstate(over="raise"):
        with pytest.raises(FloatingPointError, match="overflow"):
            run(anp)


def test_float16_results_round_as_numpy():
    rng = onp.random.default_rng(0)
    a = rng.normal(size=4096).astype(onp.float16) * onp.float16(100)
    b = rng.normal(size=4096).astype(onp.float16)
    for op in (onp.add, onp.multiply, onp.divide, onp.subtract):
        with onp.errstate(all="ignore"):
            want = op(a, b)
            got = getattr(anp, op.__name__)(anp.asarray(a), anp.asarray(b))
        assert got.dtype == onp.float16
        onp.testing.assert_array_equal(onp.asarray(got), want)
    d = rng.normal(size=4096) * 1e4
    onp.testing.assert_array_equal(onp.asarray(anp.asarray(d).astype(onp.float16)),
                                   d.astype(onp.float16))  # fmt: skip


def test_casts_to_bool_raise_nothing():
    x = onp.array([1e300, onp.nan, 0.0, -0.0, 1e-310])
    got, got_w = _warned(lambda: anp.asarray(x).astype(bool))
    want, want_w = _warned(lambda: x.astype(bool))
    onp.testing.assert_array_equal(onp.asarray(got), want)
    assert got_w == want_w == []


@pytest.mark.parametrize(
    "call",
    [
        lambda m, a: m.multiply.at(a, [0, 0, 1], m.array([60000.0, 60000.0, 2.0], dtype=a.dtype)),
        lambda m, a: m.add.at(a, [0, 0], m.array([60000.0, 60000.0], dtype=a.dtype)),
        lambda m, a: m.add.at(a, [0, 1], m.array([1.0, 2.0], dtype=a.dtype)),
    ],
)
def test_ufunc_at_reports_float16_overflow_as_numpy(call):
    def run(m):
        a = m.ones(4, dtype=m.float16)
        call(m, a)
        return a

    got, got_w = _warned(lambda: run(anp))
    want, want_w = _warned(lambda: run(onp))
    onp.testing.assert_array_equal(onp.asarray(got), want)
    assert got_w == want_w
