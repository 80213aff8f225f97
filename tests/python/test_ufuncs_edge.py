"""Elementwise edge cases against NumPy: NaN/inf/signed zeros, float floor_divide/mod,
integer overflow, over-wide shifts, integer division by zero (in a subprocess, so an engine
crash fails one test only), bfloat16, and hypothesis tests over random shapes/strides."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conftest import (
    AGAINST_NUMPY,
    BFLOAT16,
    FLOAT_DTYPES,
    INT_DTYPES,
    Failures,
    anp,
    array_cases,
    assert_raises,
    assert_same,
    dtype_id,
    quiet,
    run_both,
)
from ufunc_table import BINARY, BINARY_NAMES, UNARY, UNARY_NAMES, call, values

# --------------------------------------------------------------------------------------
# special values and integer edge cases
# --------------------------------------------------------------------------------------

SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e30]
FLOAT_UNARY = [
    n
    for n in UNARY_NAMES
    if n not in ("bitwise_not", "invert")  # no float loops (TypeError covered by the table)
]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name", FLOAT_UNARY)
def test_unary_special_values(name, dtype):
    with quiet():
        x = np.array(SPECIAL).astype(dtype)
    run_both(lambda xp, a: call(xp, name, a), x)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
@pytest.mark.parametrize(
    "name",
    [
        n
        for n in BINARY_NAMES
        if n not in ("bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift")
    ],
)
def test_binary_special_values(name, dtype):
    sp = np.array(SPECIAL, dtype=np.float64)
    with quiet():
        x = np.repeat(sp, len(sp)).astype(dtype)
        y = np.tile(sp, len(sp)).astype(dtype)
    run_both(lambda xp, a, b: call(xp, name, a, b), x, y)


@pytest.mark.parametrize(
    "name,args",
    [
        ("negative", ([0.0, -0.0],)),
        ("absolute", ([-0.0, 0.0],)),
        ("copysign", ([1.0, 0.0, 2.0], [-0.0, -1.0, 0.0])),
        ("multiply", ([-1.0, 0.0], [0.0, -3.0])),
        ("ceil", ([-0.5, -0.0, 0.5],)),
        ("trunc", ([-0.5, -0.75],)),
        ("rint", ([-0.5, -0.25, 0.5],)),
        ("floor", ([-0.0, 0.25],)),
        ("sign", ([-0.0, 0.0],)),
    ],
)
def test_signed_zero(name, args):
    def f(xp, *a):
        return call(xp, name, *[xp.asarray(v) for v in a])

    res = run_both(f, *[np.array(a) for a in args])
    got, expected = res
    np.testing.assert_array_equal(np.signbit(np.asarray(got)), np.signbit(np.asarray(expected)))


def test_float_floor_divide_and_mod_edge_cases():
    x = np.array([1.0, -1.0, 7.5, -7.5, 0.3, 1e300])
    y = np.array([0.1, 0.1, 2.0, 2.0, 0.1, 1e-10])
    for name in ["floor_divide", "mod", "fmod", "divmod"]:
        run_both(lambda xp, a, b: call(xp, name, a, b), x, y)


def test_rint_rounds_half_to_even():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5])
    for dtype in FLOAT_DTYPES:
        run_both(lambda xp, a: xp.rint(a), x.astype(dtype))


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=dtype_id)
def test_integer_overflow_wraps(dtype):
    info = np.iinfo(dtype)
    x = np.array([info.max, info.min, info.max - 1, 0], dtype=dtype)
    y = np.array([1, 1, 2, 0], dtype=dtype)
    for name in [
        "add",
        "subtract",
        "multiply",
        "negative",
        "absolute",
        "square",
        "power",
        "left_shift",
    ]:
        if name in UNARY_NAMES:
            run_both(lambda xp, a: call(xp, name, a), x)
        else:
            run_both(lambda xp, a, b: call(xp, name, a, b), x, y)


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=dtype_id)
def test_shift_by_at_least_the_bit_width(dtype):
    bits = np.dtype(dtype).itemsize * 8
    x = np.array([1, 5, np.iinfo(dtype).max, np.iinfo(dtype).min], dtype=dtype)
    s = np.array([bits, bits + 3, bits - 1, bits], dtype=dtype)
    run_both(lambda xp, a, b: xp.left_shift(a, b), x, s)
    run_both(lambda xp, a, b: xp.right_shift(a, b), x, s)


_INT_DIV_SCRIPT = textwrap.dedent(
    """
    import json, os, warnings
    import numpy as np
    warnings.simplefilter("ignore")
    if os.environ.get("ARRAX_TEST_AGAINST_NUMPY", "").strip() not in ("", "0"):
        anp = np
    else:
        import arrax.numpy as anp
    out = {}
    for dt in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]:
        info = np.iinfo(dt)
        x = np.array([7, 0, info.min, info.max, info.min], dtype=dt)
        y = np.array([0, 0, 0, 0, -1 if info.min < 0 else 1], dtype=dt)
        for name in ["floor_divide", "remainder", "fmod", "divmod"]:
            with np.errstate(all="ignore"):
                r = getattr(anp, name)(anp.asarray(x), anp.asarray(y))
            r = r if isinstance(r, tuple) else (r,)
            out[dt + "." + name] = [[str(np.asarray(p).dtype)] + np.asarray(p).tolist() for p in r]
        out[dt + ".reciprocal"] = np.asarray(anp.reciprocal(anp.asarray(x[2:]))).tolist()
    print(json.dumps(out))
    """
)


def test_integer_division_by_zero_and_overflow_does_not_crash():
    """x // 0, x % 0, INT_MIN // -1 must give NumPy's results (0 / wrap), not SIGFPE.

    Run in a subprocess so that a crash of the engine fails this test only.
    """

    proc = subprocess.run(
        [sys.executable, "-c", _INT_DIV_SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, f"subprocess died (rc={proc.returncode}):\n{proc.stderr[-3000:]}"
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    fails = Failures()
    with quiet():
        for dt in [d.name for d in INT_DTYPES]:
            info = np.iinfo(dt)
            x = np.array([7, 0, info.min, info.max, info.min], dtype=dt)
            y = np.array([0, 0, 0, 0, -1 if info.min < 0 else 1], dtype=dt)
            for name in ["floor_divide", "remainder", "fmod", "divmod"]:
                r = getattr(np, name)(x, y)
                r = r if isinstance(r, tuple) else (r,)
                expected = [[str(p.dtype)] + p.tolist() for p in r]
                with fails.check(f"{dt}.{name}"):
                    assert got[f"{dt}.{name}"] == expected, (got[f"{dt}.{name}"], expected)
    fails.raise_if_any()


def test_nan_propagation_in_min_max():
    x = np.array([np.nan, 1.0, np.nan, -np.inf])
    y = np.array([2.0, np.nan, np.nan, np.nan])
    for name in ["minimum", "maximum", "fmin", "fmax"]:
        run_both(lambda xp, a, b: call(xp, name, a, b), x, y)


@pytest.mark.parametrize("exponent", [0.5, -1, 2, 3, 0.25, -2])
@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128", "int64", "bool"])
def test_scalar_powers_as_numpy(exponent, dtype):
    """a ** s with a Python scalar s: NumPy's fast paths (a ** 0.5 is sqrt and a ** -1 is
    reciprocal for float and complex arrays, a ** 2 is square) give other values than power()
    at -inf and -0.0, and other dtypes for booleans."""
    x = np.array([-np.inf, -0.0, 0.0, 4.0, np.nan, 2.5])
    if dtype == "complex128":
        x = x + 1j * np.array([1.0, 0.0, -0.0, 2.0, 0.0, -1.0])
    if dtype in ("int64", "bool"):
        x = np.array([0, 1, 2, 3])
    x = x.astype(dtype)
    with np.errstate(all="ignore"):
        try:
            want = x**exponent
        except ValueError as e:  # integers to negative integer powers
            with pytest.raises(type(e)):
                anp.asarray(x) ** exponent
            return
        got = np.asarray(anp.asarray(x) ** exponent)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-12)
    signed = ~np.isnan(want.real)  # (a NaN's sign bit depends on how it was made)
    np.testing.assert_array_equal(np.signbit(got.real)[signed], np.signbit(want.real)[signed])


def test_bitwise_on_floats_raises_type_error():
    for name in ["bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift"]:
        assert_raises(TypeError, call, anp, name, anp.ones(3), anp.ones(3))
    assert_raises(TypeError, anp.invert, anp.ones(3))


# --------------------------------------------------------------------------------------
# bfloat16
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "maximum", "less"])
def test_bfloat16_binary(name):
    x = values("any", BFLOAT16)
    y = values("nonzero", BFLOAT16)
    run_both(lambda xp, a, b: call(xp, name, a, b), x, y)


@pytest.mark.parametrize("name", ["negative", "absolute", "sqrt", "exp", "sin", "tanh", "floor"])
def test_bfloat16_unary(name):
    x = values("pos", BFLOAT16)
    run_both(lambda xp, a: call(xp, name, a), x)


# --------------------------------------------------------------------------------------
# hypothesis: random shapes, strides, dtypes
# --------------------------------------------------------------------------------------


@st.composite
def unary_problem(draw):
    name, domain = draw(st.sampled_from(UNARY))
    case = draw(array_cases(domain=domain))
    return name, case


@settings(max_examples=50, deadline=None)
@given(unary_problem())
def test_unary_random_arrays(problem):
    name, case = problem
    run_both(lambda xp, a: call(xp, name, a), case)


@st.composite
def binary_problem(draw):
    name, dom1, dom2 = draw(st.sampled_from(BINARY))
    shapes = draw(
        hnp.mutually_broadcastable_shapes(
            num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=4
        )
    )
    a = draw(array_cases(shape=shapes.input_shapes[0], domain=dom1))
    b = draw(array_cases(shape=shapes.input_shapes[1], domain=dom2))
    return name, a, b


@settings(max_examples=50, deadline=None)
@given(binary_problem())
def test_binary_random_arrays(problem):
    name, a, b = problem
    run_both(lambda xp, x, y: call(xp, name, x, y), a, b)


@settings(max_examples=30, deadline=None)
@given(array_cases(dtypes=FLOAT_DTYPES, allow_nan=True, min_dims=1))
def test_isnan_isfinite_random(case):
    for name in ["isnan", "isinf", "isfinite", "signbit", "fmax", "maximum"]:
        if name in ("fmax", "maximum"):
            run_both(lambda xp, a: call(xp, name, a, a[..., ::-1]), case)
        else:
            run_both(lambda xp, a: call(xp, name, a), case)


@pytest.mark.skipif(AGAINST_NUMPY, reason="checks arrax's own result type")
def test_ufunc_results_are_arrax_arrays():
    x = anp.asarray([1.0, 2.0])
    for r in (anp.sin(x), anp.add(x, 1), anp.less(x, 1.5), anp.divmod(x, 2)[0]):
        assert not isinstance(r, np.ndarray)
    assert_same(anp.add(x[0], x[1]), np.float64(3.0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=dtype_id)
@pytest.mark.parametrize("name", ["exp", "tanh", "sin", "log"])
def test_simd_paths_with_special_values_in_every_lane(name, dtype):
    # Long arrays take the SIMD packet path, where underflow to zero, -inf and NaN are handled
    # in the packet and the rest of the out-of-range lanes through libm.
    vals = [-np.inf, -1000.0, -746.0, -745.0, -200.0, -104.5, -104.0, -103.5, -100.0, -88.0]
    vals += [np.nan, np.inf, 0.0, -0.0, 1e-40, 0.5, 20.0, 88.5, 709.5, 1e30]
    x = np.array(vals * 7, dtype=dtype)[: 7 * len(vals) - 3]  # every value in every lane
    with quiet():
        want = getattr(np, name)(x)
        got = np.asarray(getattr(anp, name)(anp.asarray(x)))
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got == 0, want == 0)
    np.testing.assert_allclose(got, want, rtol=4 * np.finfo(dtype).eps, atol=0)


def test_complex_product_special_values_as_numpy():
    """NumPy multiplies complex numbers by the plain formula (no C99 Annex G recovery of
    infinities): (inf+infj) * 2 is nan+nanj, as the GPU kernels give too."""
    # (No products that overflow finite parts: whether a*b - c*d is fused into one rounding
    # decides inf against nan there, in NumPy's build as in a GPU's.)
    vals = np.array([complex(np.inf, np.inf), complex(np.inf, 0), complex(0, np.inf),
                     complex(np.nan, 1), 1 + 2j, complex(-np.inf, 3), complex(0, -2)])  # fmt: skip
    a, b = np.meshgrid(vals, vals)
    with np.errstate(all="ignore"):
        want = a * b
    got = np.asarray(anp.asarray(a) * anp.asarray(b))
    np.testing.assert_array_equal(got, want)


def test_casting_complex_to_real_warns_as_numpy():
    import warnings

    a = anp.asarray([1 + 2j, 3j])
    real = anp.zeros(2)
    for cast in (lambda: a.astype(float), lambda: anp.asarray(a, dtype=float),
                 lambda: anp.astype(a, "f4"), lambda: real.__setitem__(slice(None), a),
                 lambda: real.__setitem__([0], a[:1])):  # fmt: skip
        with pytest.warns(np.exceptions.ComplexWarning, match="discards the imaginary part"):
            cast()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a.astype(complex)  # complex to complex, real to anything: no warning
        anp.asarray([1.5]).astype(int)
        real[:] = anp.asarray([1.0, 2.0])
