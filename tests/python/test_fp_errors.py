"""NumPy's floating-point error reporting: eager ufunc calls and operators give NumPy's
RuntimeWarnings ("divide by zero encountered in log"), and numpy.errstate / seterr turn them
into FloatingPointErrors, calls, prints or nothing, for the same cases as NumPy."""

import warnings

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest

from conftest import AGAINST_NUMPY

F64 = onp.array([0.0, 1.0, -1.0, 2.0])
I8 = onp.array([-128, 5, 0], onp.int8)

# name -> f(np, x) run on NumPy's and arrax's namespace alike; each case's warnings, in order,
# must be NumPy's.
CASES = {
    "log_zero": lambda np, x: np.log(x),
    "log_negative": lambda np, x: np.log(-x - 1),
    "sqrt_negative": lambda np, x: np.sqrt(x - 1.5),
    "divide_operator": lambda np, x: 1.0 / x,
    "zero_over_zero": lambda np, x: x / x,
    "reflected_divide": lambda np, x: 2 / x,
    "exp_overflow": lambda np, x: np.exp(x * 1000),
    "float32_multiply_overflow": lambda np, x: np.asarray(x, np.float32) * np.float32(3e38),
    "inf_minus_inf": lambda np, x: (x + np.inf) - np.inf,
    "arccos_out_of_domain": lambda np, x: np.arccos(x * 2),
    "power_zero_negative": lambda np, x: np.power(x, -1.0),
    "divmod_floats": lambda np, x: np.divmod(x, x * 0),
    "remainder_floats": lambda np, x: np.remainder(x, 0.0),
    "int_floor_divide_by_zero": lambda np, x: np.asarray([1, 2, 3]) // np.asarray([1, 0, 2]),
    "int_remainder_by_zero": lambda np, x: np.remainder(np.asarray([1, 2]), 0),
    "int_fmod_by_zero": lambda np, x: np.fmod(np.asarray([1, 2]), 0),
    "int_divmod_by_zero": lambda np, x: np.divmod(np.asarray([1, 2]), 0),
    "int8_min_floor_divide_minus_one": lambda np, x: np.asarray(I8) // np.int8(-1),
    "int_true_divide_by_zero": lambda np, x: np.asarray([1, 0]) / 0,
    # No warnings in NumPy: NaN inputs, comparisons, bounded results, masked-out positions.
    "nan_propagates": lambda np, x: np.log(x * np.nan) + 1,
    "compare_with_nan": lambda np, x: (x * np.nan) < 1,
    "maximum_with_nan": lambda np, x: np.maximum(x * np.nan, 1.0),
    "tanh_large": lambda np, x: np.tanh(x * 1000),
    "exp_underflow_ignored": lambda np, x: np.exp(-x * 1000 - 1000),
    "masked_divide": lambda np, x: np.divide(1.0, x, out=np.zeros(4), where=x != 0),
    "isnan_of_inf": lambda np, x: np.isnan(x / 1e-320),
}


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        fn()
    return [(w.category, str(w.message)) for w in got]


pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="compares arrax with NumPy")


@pytest.mark.parametrize("name", sorted(CASES))
def test_warnings_match_numpy(name):
    fn = CASES[name]
    want = _warnings_of(lambda: fn(onp, F64.copy()))
    got = _warnings_of(lambda: fn(anp, anp.asarray(F64)))
    assert got == want


@pytest.mark.parametrize("name", sorted(CASES))
def test_errstate_raise_matches_numpy(name):
    # (Not underflow: reported only where the kernel raises its flag, which arrax's vectorized
    # exp, flushing to zero, does not.)
    fn = CASES[name]
    assert _raised_by(lambda: fn(anp, anp.asarray(F64))) == _raised_by(lambda: fn(onp, F64.copy()))


def _raised_by(fn):
    """The FloatingPointError message fn raises under errstate(all="raise"), or None."""
    with onp.errstate(all="raise", under="ignore"):
        try:
            fn()
        except FloatingPointError as e:
            return str(e)
    return None


def test_errstate_ignore_and_per_kind_settings():
    x = anp.asarray(F64)
    with anp.errstate(all="ignore"):
        assert _warnings_of(lambda: anp.log(x) / x) == []
    with anp.errstate(divide="ignore"):
        assert [m for _, m in _warnings_of(lambda: anp.log(x - 1.5))] == [
            "invalid value encountered in log"
        ]
    with anp.errstate(divide="raise", invalid="ignore"):
        with pytest.raises(FloatingPointError, match="divide by zero encountered in log"):
            anp.log(x)
    old = anp.seterr(over="raise")
    try:
        with pytest.raises(FloatingPointError, match="overflow encountered in exp"):
            anp.exp(x * 1000)
    finally:
        anp.seterr(**old)


def test_errstate_call_print_and_log(capsys):
    calls = []

    class Log:
        def write(self, message):
            calls.append(("log", message))

    x = anp.asarray(F64)
    with anp.errstate(divide="call", invalid="call", call=lambda *a: calls.append(a)):
        anp.log(x - 1.0)  # log(-1) (invalid), log(0) (divide)
    want = []
    with onp.errstate(divide="call", invalid="call", call=lambda *a: want.append(a)):
        onp.log(F64 - 1.0)
    assert calls == want
    calls.clear()
    with anp.errstate(divide="log", invalid="ignore", call=Log()):
        anp.log(x)
    assert calls == [("log", "Warning: divide by zero encountered in log\n")]
    with anp.errstate(divide="print", invalid="ignore"):
        anp.log(x)
    assert capsys.readouterr().err == "Warning: divide by zero encountered in log\n"


def test_warning_points_at_the_callers_line():
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        anp.log(anp.zeros(2))
    assert got[0].filename == __file__


def test_in_place_operators_warn():
    x = anp.asarray(F64)
    want = onp.array(F64)
    expected = _warnings_of(lambda: want.__itruediv__(0.0))
    got = _warnings_of(lambda: x.__itruediv__(0.0))
    assert got == expected and got


def test_no_reports_under_jit_or_from_arraxs_own_code():
    x = anp.asarray(F64)
    with anp.errstate(all="raise"):
        arrax.jit(lambda v: anp.log(v) / v)(x)  # (as JAX: traced code does not check)
        anp.sinc(anp.asarray([0.0, 0.5]))  # a composite: NumPy's sinc(0) does not warn
        arrax.grad(lambda v: anp.sum(anp.sqrt(v)))(x + 1)


# Every elementwise ufunc on every pair of special values: the same warnings as NumPy, except
# for these known differences (arrax computes float16 in float32 and rounds without a flag;
# its logaddexp of opposite infinities makes no NaN; NumPy's float16 spacing quirk).
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, onp.inf, -onp.inf, onp.nan, 1e300, -1e300, 1e-310,
           700.0, -800.0]  # fmt: skip
KNOWN_DIFFERENCES = {
    ("logaddexp", "float64"), ("logaddexp2", "float64"), ("logaddexp", "float32"),
    ("logaddexp2", "float32"), ("logaddexp", "float16"), ("logaddexp2", "float16"),
    ("multiply", "float16"), ("square", "float16"), ("spacing", "float16"),
}  # fmt: skip
SWEPT = sorted(
    n for n in dir(onp)
    if isinstance(getattr(onp, n), onp.ufunc) and getattr(onp, n).signature is None
    and hasattr(anp, n) and getattr(onp, n).nin in (1, 2)
    and {"d->d", "dd->d"} & set(getattr(onp, n).types)
)  # fmt: skip


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
@pytest.mark.parametrize("name", SWEPT)
def test_special_values_warn_as_numpy(name, dtype):
    if (name, dtype) in KNOWN_DIFFERENCES:
        pytest.skip("a known difference (see KNOWN_DIFFERENCES)")
    with onp.errstate(over="ignore"):  # (1e300 is inf in float32 and float16)
        v = onp.array(SPECIAL).astype(dtype)
    a, b = onp.repeat(v, len(v)), onp.tile(v, len(v))
    f, g = getattr(onp, name), getattr(anp, name)
    args = (a, b) if f.nin == 2 else (v,)
    want = sorted({m for _, m in _warnings_of(lambda: f(*args))})
    got = sorted({m for _, m in _warnings_of(lambda: g(*[anp.asarray(x) for x in args]))})
    assert got == want


METHOD_CASES = {
    "add_reduce_overflow": lambda np: np.add.reduce(np.asarray([1e308, 1e308])),
    "multiply_accumulate_overflow": lambda np: np.multiply.accumulate(np.asarray([1e200, 1e200])),
    "int_floor_divide_reduce_by_zero": lambda np: np.floor_divide.reduce(
        np.asarray(np.arange(-100, 100), dtype=np.int16)
    ),
    "int_floor_divide_reduce_overflow": lambda np: np.floor_divide.reduce(
        np.asarray([-32768, 1, -1], dtype=np.int16)
    ),
    "subtract_reduce_inf": lambda np: np.subtract.reduce(np.asarray([np.inf, np.inf])),
    "quiet_reduce": lambda np: np.maximum.reduce(np.asarray([np.nan, 1.0])),
    "quiet_accumulate": lambda np: np.add.accumulate(np.asarray([1.0, 2.0])),
}


@pytest.mark.parametrize("name", sorted(METHOD_CASES))
def test_ufunc_methods_warn_and_raise_as_numpy(name):
    fn = METHOD_CASES[name]
    assert _warnings_of(lambda: fn(anp)) == _warnings_of(lambda: fn(onp))
    assert _raised_by(lambda: fn(anp)) == _raised_by(lambda: fn(onp))


# --- assignments: the value's cast to the array's dtype is NumPy's "cast" -------------------


def _assignments(np, dtype, value):
    """The ways NumPy's test_casting_floatingpoint_errors stores a value into an array."""

    def scalar(arr):
        arr[0] = value

    def fill(arr):
        arr.fill(value)

    def slice_of_array(arr):
        arr[1:] = np.array([value, value])

    def mask(arr):
        arr[[True, False, True]] = np.array([value, value])

    def integers(arr):
        arr[[0, 1]] = np.array([value, value])

    return [scalar, fill, slice_of_array, mask, integers]


@pytest.mark.skipif(AGAINST_NUMPY, reason="compares arrax with NumPy")
@pytest.mark.parametrize(
    "dtype,value",
    [("float16", 70000), ("float16", 70000.0), ("float32", 1e300), ("float32", onp.float64(1e300)),
     ("complex64", 2e300j), ("uint8", onp.float32(onp.inf)), ("int32", onp.float64(onp.inf)),
     ("int64", onp.float32(onp.nan)), ("float32", 1e-300), ("float64", 1e300)],
)  # fmt: skip
def test_assignments_report_their_casts_like_numpy(dtype, value):
    def outcome(np, assign, mode):
        arr = np.zeros(3, dtype=dtype)
        with warnings.catch_warnings(record=True) as seen, onp.errstate(all=mode):
            warnings.simplefilter("always")
            try:
                assign(arr)
            except Exception as exc:
                return type(exc).__name__, str(exc)
        return [
            (w.category.__name__, str(w.message))
            for w in seen
            if w.category is not onp.exceptions.ComplexWarning
        ]

    for mode in ("warn", "raise", "ignore"):
        for mine, theirs in zip(_assignments(anp, dtype, value), _assignments(onp, dtype, value)):
            assert outcome(anp, mine, mode) == outcome(onp, theirs, mode), (mine.__name__, mode)


def test_assignment_warning_points_at_the_users_line():
    arr = anp.zeros(2, anp.float32)
    with pytest.warns(RuntimeWarning, match="overflow encountered in cast") as seen:
        arr[0] = 1e300  # (the fast path refuses a value past float32's range)
    assert seen[0].filename == __file__
    with pytest.warns(RuntimeWarning) as seen:
        arr.fill(1e300)
    assert seen[0].filename == __file__
