"""Numeric behaviours JAX's own test suite found wrong in arrax, each checked against NumPy (the
reference for eager results and dtypes) or JAX (for ``.at[...].apply`` and transformations):

* ``x.at[idx].apply(f)`` applies f once per occurrence of an index (repeated indices compose);
* ``lcm`` wraps in its dtype as NumPy's does (``lcm(int8(11), int8(17)) == -69``);
* ``pad`` with ``reflect_type="odd"`` (reflect and symmetric), widths past the array included;
* ``ldexp`` without early overflow/underflow (float16 ``ldexp(0.5, 16) == 32768``);
* ``partition`` / ``argpartition`` with negative kth and sequences of kth, and NumPy's errors;
* ``where`` with Python scalars of every kind against arrays of every dtype."""

import numpy as np
import pytest

from conftest import anp, arrax_only, assert_raises_like, quiet, run_both

SIGNED = [np.int8, np.int16, np.int32, np.int64]
UNSIGNED = [np.uint8, np.uint16, np.uint32, np.uint64]
FLOATS = [np.float16, np.float32, np.float64]
ALL_DTYPES = [np.bool_, *SIGNED, *UNSIGNED, *FLOATS, np.complex64, np.complex128]


@pytest.fixture(scope="module")
def jax():
    return pytest.importorskip("jax")


# --- x.at[idx].apply(f): once per occurrence of each index (JAX's scatter-apply) ------------

X1 = np.arange(6, dtype=np.float32) - 2.5
X2 = np.arange(12, dtype=np.float32).reshape(3, 4) - 4.0

APPLY_CASES = {
    "repeated": (X1, (np.array([0, 0]),)),
    "repeated_thrice": (X1, (np.array([1, 1, 1, 3]),)),
    "negative_repeated": (X1, (np.array([-1, 5, -1]),)),
    "out_of_bounds_dropped": (X1, (np.array([7, 0, 0, -9]),)),
    "int": (X1, (2,)),
    "slice": (X1, (slice(1, 4),)),
    "strided_slice": (X1, (slice(None, None, -2),)),
    "mask": (X1, (X1 > 0,)),
    "2d_index_rows_and_slice": (X2, (np.array([[0, 0], [1, 0]]), slice(1, 3))),
    "2d_slice_and_repeated_cols": (X2, (slice(None), np.array([1, 1]))),
    "2d_pairs": (X2, (np.array([0, 0, 2, 0]), np.array([1, 1, 3, 1]))),
    "2d_row": (X2, (1,)),
    "2d_ellipsis": (X2, (Ellipsis, np.array([0, 0, -1]))),
}

FUNCS = {
    "affine": lambda m: lambda v: v * 2 + 1,
    "sin": lambda m: m.sin,
    "square_minus": lambda m: lambda v: v * v - 1,
}


def _apply(m, x, key, f, **kw):
    return m.asarray(x).at[key if len(key) > 1 else key[0]].apply(f, **kw)


@arrax_only
@pytest.mark.parametrize("fname", sorted(FUNCS))
@pytest.mark.parametrize("case", sorted(APPLY_CASES))
def test_at_apply_repeated_indices_like_jax(jax, case, fname):
    x, key = APPLY_CASES[case]
    got = _apply(anp, x, key, FUNCS[fname](anp))
    want = _apply(jax.numpy, x, key, FUNCS[fname](jax.numpy))
    assert got.dtype == want.dtype
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


@arrax_only
def test_at_apply_matches_ufunc_at():
    """NumPy's unbuffered ``ufunc.at`` is the same sequential semantics for f = (+ c)."""
    idx = np.array([0, 0, 3, 0, 5, 3])
    want = np.zeros(6)
    np.add.at(want, idx, 1)
    got = anp.zeros(6).at[idx].apply(lambda v: v + 1)
    np.testing.assert_array_equal(np.asarray(got), want)


@arrax_only
@pytest.mark.parametrize("mode", ["clip", "drop", "fill", "promise_in_bounds"])
def test_at_apply_modes_like_jax(jax, mode):
    idx = np.array([1, 1, 4, 9, 0]) if mode == "promise_in_bounds" else np.array([1, 1, 9, -9])
    x = X1[:5]
    got = anp.asarray(x).at[idx].apply(lambda v: v * 3 - 1, mode=mode)
    want = jax.numpy.asarray(x).at[idx].apply(lambda v: v * 3 - 1, mode=mode)
    if mode == "promise_in_bounds":  # (out-of-bounds indices are undefined there)
        got, want = got[:2], want[:2]
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


@arrax_only
@pytest.mark.parametrize(
    "x, idx",
    [
        (X1, np.array([1, 1, 1, 3])),
        (X1, np.array([0, 7, 0, -1])),
        (X1.astype(np.int32), np.array([2, 2, 5])),
        (X2, np.array([2, 0, 2])),
    ],
)
def test_at_apply_traced_indices_under_jit_like_jax(jax, x, idx):
    import arrax

    def f(m):
        return lambda a, i: a.at[i].apply(lambda v: v * 2 + 1)

    got = arrax.jit(f(anp))(anp.asarray(x), anp.asarray(idx))
    want = jax.jit(f(jax.numpy))(jax.numpy.asarray(x), jax.numpy.asarray(idx))
    assert np.asarray(got).dtype == np.asarray(want).dtype
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)
    # and with the indices known while tracing
    got = arrax.jit(lambda a: a.at[idx].apply(lambda v: v * 2 + 1))(anp.asarray(x))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


@arrax_only
def test_at_apply_under_vmap_like_jax(jax):
    import arrax

    xs = np.stack([X1, X1[::-1] * 2])
    idx = np.array([[1, 1, 1, 3], [0, 0, 2, 2]])

    def f(a, i):
        return a.at[i].apply(lambda v: v * 2 + 1)

    got = arrax.vmap(f)(anp.asarray(xs), anp.asarray(idx))
    want = jax.vmap(f)(jax.numpy.asarray(xs), jax.numpy.asarray(idx))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)
    # batched array, fixed (repeated) indices
    got = arrax.vmap(lambda a: a.at[np.array([1, 1, 3])].apply(anp.cos))(anp.asarray(xs))
    want = jax.vmap(lambda a: a.at[np.array([1, 1, 3])].apply(jax.numpy.cos))(xs)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


@arrax_only
def test_at_out_of_bounds_numpy_index_array(jax):
    """A NumPy index array with an out-of-bounds entry (the elementwise path) in get/set."""
    idx = np.array([0, 5, 1])
    for op in ("get", "set"):
        args = () if op == "get" else (7.0,)
        kw = {"mode": "fill", "fill_value": -1.0} if op == "get" else {}
        got = getattr(anp.asarray(X1[:3]).at[idx], op)(*args, **kw)
        want = getattr(jax.numpy.asarray(X1[:3]).at[idx], op)(*args, **kw)
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


# --- lcm (and gcd) wrap in their dtype as NumPy's ----------------------------------------


def _int_pairs(dtype):
    info = np.iinfo(dtype)
    if info.bits == 8:
        v = np.arange(info.min, info.max + 1).astype(dtype)
        a, b = np.meshgrid(v, v)
        return a.ravel(), b.ravel()
    rng = np.random.default_rng(info.bits + (info.min < 0))
    lo, hi = info.min, info.max
    big = rng.integers(lo, hi, 400, dtype=dtype, endpoint=True)
    small = rng.integers(max(lo, -300), 300, 400).astype(dtype)
    edges = np.array([lo, hi, 0, 1, hi // 2 + 1, lo + 1 if lo else 2, 6, 10], dtype)
    a = np.concatenate([big, small, np.repeat(edges, edges.size)])
    b = np.concatenate([small[::-1], big[::-1], np.tile(edges, edges.size)])
    return a, b


@pytest.mark.parametrize("dtype", SIGNED + UNSIGNED, ids=lambda d: np.dtype(d).name)
def test_lcm_wraps_like_numpy(dtype):
    a, b = _int_pairs(dtype)
    run_both(lambda m, a, b: m.lcm(a, b), a, b)


@pytest.mark.parametrize("dtype", SIGNED + UNSIGNED, ids=lambda d: np.dtype(d).name)
def test_gcd_like_numpy(dtype):
    a, b = _int_pairs(dtype)
    run_both(lambda m, a, b: m.gcd(a, b), a, b)


@pytest.mark.parametrize("dtype", SIGNED, ids=lambda d: np.dtype(d).name)
def test_gcd_of_the_signed_minimum_like_numpy(dtype):
    lo = np.iinfo(dtype).min
    run_both(
        lambda m, a, b: m.gcd(a, b),
        np.array([6, lo, lo, 0], dtype),
        np.array([lo, 6, 0, lo], dtype),
    )


LCM_SCALARS = [
    (np.int8(11), np.int8(17)),
    (np.int8(-128), np.int8(3)),
    (np.int16(-6), np.int8(4)),
    (np.uint8(6), np.int8(4)),
    (np.uint8(200), 3),
    (3, 4),
    (-6, 4),
    (np.int8(3), 300),
    (np.uint8(200), -1),
    (np.uint64(2**63), np.int64(3)),
    (3.0, 4),
    (True, True),
]


@pytest.mark.parametrize("a, b", LCM_SCALARS, ids=lambda v: repr(v))
def test_lcm_scalars_and_errors_like_numpy(a, b):
    run_both(lambda m: m.lcm(a, b))


@arrax_only
def test_lcm_under_jit_and_vmap():
    import arrax

    a, b = np.array([11, -128, -6, 0], np.int8), np.array([17, 3, -128, 0], np.int8)
    want = np.lcm(a, b)
    np.testing.assert_array_equal(np.asarray(arrax.jit(anp.lcm)(a, b)), want)
    np.testing.assert_array_equal(np.asarray(arrax.vmap(anp.lcm)(a, b)), want)


# --- pad: reflect / symmetric, reflect_type even and odd ---------------------------------

PAD_CASES = [
    ((3,), 2),
    ((3,), 7),
    ((3,), 11),
    ((3,), (0, 4)),
    ((3,), (5, 1)),
    ((1,), 3),
    ((2,), (3, 6)),
    ((4,), 9),
    ((5,), (13, 2)),
    ((2, 3), ((1, 6), (7, 2))),
    ((3, 1), ((0, 0), (9, 3))),
    ((3, 4), (2, 1)),
    ((3, 4), 5),
    ((2, 3), ((4,), (0,))),
]


def _pad_input(shape, dtype):
    rng = np.random.default_rng(sum(shape))
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    return rng.integers(-40, 90, shape).astype(dtype)


def _same_exactly(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int64, np.float16, np.float64],
                         ids=lambda d: np.dtype(d).name)  # fmt: skip
@pytest.mark.parametrize("reflect_type", ["even", "odd"])
@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
@pytest.mark.parametrize("shape, width", PAD_CASES, ids=lambda v: str(v).replace(" ", ""))
def test_pad_reflect_types_like_numpy(shape, width, mode, reflect_type, dtype):
    a = _pad_input(shape, dtype)
    run_both(lambda m, a: m.pad(a, width, mode, reflect_type=reflect_type), a,
             compare=_same_exactly)  # fmt: skip


def test_pad_symmetric_odd_reported_case():
    x = np.array([1.0, 2, 5])
    run_both(lambda m, x: m.pad(x, 2, "symmetric", reflect_type="odd"), x, compare=_same_exactly)


@pytest.mark.parametrize(
    "a, width",
    [
        (np.zeros((0, 3)), ((0, 0), (2, 2))),
        (np.zeros((0, 3)), 1),
        (np.ones(3), -1),
        (np.ones(3), 1.5),
    ],
)
@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
def test_pad_odd_edge_cases_and_errors_like_numpy(a, width, mode):
    run_both(lambda m, a: m.pad(a, width, mode, reflect_type="odd"), a)


@arrax_only
@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
def test_pad_odd_under_jit_grad_vmap_like_jax(jax, mode):
    import arrax

    x = np.array([[1.0, 2, 5], [3, -1, 4]], np.float32)
    width = ((3, 1), (4, 7))

    def f(m):
        return lambda a: m.pad(a, width, mode, reflect_type="odd")

    _same_exactly(arrax.jit(f(anp))(x), np.pad(x, width, mode, reflect_type="odd"))
    g = arrax.grad(lambda a: (f(anp)(a) ** 2).sum())(x)
    want = jax.grad(lambda a: (f(jax.numpy)(a) ** 2).sum())(x)
    np.testing.assert_allclose(np.asarray(g), np.asarray(want), rtol=1e-5)
    rows = arrax.vmap(lambda r: anp.pad(r, (4, 5), mode, reflect_type="odd"))(x)
    want = np.stack([np.pad(r, (4, 5), mode, reflect_type="odd") for r in x])
    _same_exactly(rows, want)


# --- ldexp: no early overflow or underflow -----------------------------------------------


def _ldexp_grid(dtype):
    fi = np.finfo(dtype)
    rng = np.random.default_rng(fi.bits)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, fi.max, -fi.max, fi.tiny, -fi.tiny,
               fi.smallest_subnormal, -fi.smallest_subnormal, fi.tiny / 3, 1, 0.5, 1.5, 0.75, 3,
               fi.eps, 1 - fi.epsneg]  # fmt: skip
    vals = np.concatenate([
        np.array(special, dtype),
        (rng.standard_normal(60) * rng.choice([1e-3, 1.0, 1e3], 60)).astype(dtype),
        (rng.random(30) * 1000 * float(fi.smallest_subnormal)).astype(dtype),
    ])  # fmt: skip
    emax, emin = fi.maxexp, fi.minexp - fi.nmant
    exps = sorted({0, 1, -1, 16, -16, 2 * emax + 5, -2 * emax - 5, emax, emax + 1, -emax,
                   fi.minexp, -fi.minexp, fi.nmant, 3000, -3000, 2**31 - 1, -(2**31),
                   *range(emin - 3, emin + 5), *range(emax - 3, emax + 3),
                   *range(-emax - fi.nmant - 5, -emax - fi.nmant + 60, 7)})  # fmt: skip
    x, e = np.meshgrid(vals, np.array(exps, np.int64))
    return x, e


def _same_floats(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    same &= np.signbit(got) == np.signbit(want)
    assert same.all(), (got[~same][:5], want[~same][:5])


@pytest.mark.parametrize("exp_dtype", [np.int64, np.int32])
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_ldexp_over_the_exponent_range_like_numpy(dtype, exp_dtype):
    x, e = _ldexp_grid(dtype)
    run_both(lambda m, x, e: m.ldexp(x, e), x, e.astype(exp_dtype), compare=_same_floats)


def test_ldexp_reported_float16_case():
    run_both(lambda m: m.ldexp(np.float16(0.5), 16), compare=_same_floats)


LDEXP_ARGS = [
    (np.float16(1), np.uint64(3)),
    (1.0, np.uint32(3)),
    (np.float32(1), True),
    (np.int8(3), 2),
    (np.uint16(3), 2),
    (np.int64(3), 2),
    (True, 3),
    (1.0, 2**40),
    (3, -(2**40)),
    (1.0, 2**63),
    (np.float16(0.5), np.int64(2**40)),
    (np.float16(1), np.array([-30, -24, -25, 15, 16], np.int8)),
    (np.array([1.0], np.float16), 2**40),
    (np.array([1.0], np.float32), -(2**31)),
    (np.array([1.0]), 2.0),
    (np.array([1 + 1j]), 2),
    (np.array([1.5]), np.array([3], np.uint8)),
    (1.5, np.array([3, -1100, 1100], np.int16)),
]


@pytest.mark.parametrize("a, b", LDEXP_ARGS, ids=lambda v: repr(v))
def test_ldexp_dtypes_and_errors_like_numpy(a, b):
    run_both(lambda m: m.ldexp(a, b), compare=_same_floats)


@arrax_only
def test_ldexp_under_jit_and_grad(jax):
    import arrax

    x, e = _ldexp_grid(np.float16)
    with quiet():
        want = np.ldexp(x, e)
    _same_floats(arrax.jit(anp.ldexp)(x, e), want)
    g = arrax.grad(lambda v: anp.ldexp(v, 3).sum())(np.array([1.0, -2.0]))
    np.testing.assert_array_equal(np.asarray(g), [8.0, 8.0])


# --- partition / argpartition: negative kth and sequences of kth -------------------------

PART_ARRAYS = {
    "1d": np.array([3, 1, 2, 5, 4, 9, -2, 7]),
    "2d": np.arange(24).reshape(4, 6)[::-1] * 7 % 11,
    "float_nan": np.array([3.0, np.nan, -1.0, 2.5, np.inf, 0.0]),
}
KTHS = [-1, -2, 0, [-1, 0], [0, -1], [-2, -2], [1, -3], (-3,), np.int8(-1), np.array([1, -1])]


def _check_partition(part, a, kth, axis):
    """part partitions a at every kth (negative counting from the end) along axis."""
    part = np.asarray(part)
    a = a.ravel() if axis is None else a
    axis = -1 if axis is None else axis
    ordered = np.sort(a, axis=axis)
    n = a.shape[axis]
    assert part.shape == a.shape and part.dtype == a.dtype
    p, s = np.moveaxis(part, axis, -1), np.moveaxis(ordered, axis, -1)
    for k in np.atleast_1d(kth).tolist():
        k = k % n
        np.testing.assert_array_equal(p[..., k], s[..., k])
        pivot = s[..., k : k + 1]
        with quiet():  # (NaNs sort last: compare in sort order)
            assert np.all((p[..., :k] <= pivot) | np.isnan(pivot))
            assert np.all((p[..., k + 1 :] >= pivot) | np.isnan(p[..., k + 1 :]))


@pytest.mark.parametrize("axis", [-1, 0, None])
@pytest.mark.parametrize("kth", KTHS, ids=lambda v: repr(v))
@pytest.mark.parametrize("name", sorted(PART_ARRAYS))
def test_partition_negative_kth_like_numpy(name, kth, axis):
    a = PART_ARRAYS[name]
    with quiet():
        np.partition(a, kth, axis=axis)  # (NumPy takes it)
    _check_partition(anp.partition(anp.asarray(a), kth, axis=axis), a, kth, axis)
    idx = np.asarray(anp.argpartition(anp.asarray(a), kth, axis=axis))
    flat = a.ravel() if axis is None else a
    _check_partition(np.take_along_axis(flat, idx, axis=-1 if axis is None else axis), a,
                     kth, axis)  # fmt: skip


PART_ERRORS = [
    (np.arange(5), -6, -1),
    (np.arange(5), 5, -1),
    (np.arange(5), [4, -6], -1),
    (np.arange(5), [6, -6], -1),
    (np.arange(5), True, -1),
    (np.arange(5), [True, False], -1),
    (np.arange(5), 2.0, -1),
    (np.arange(5), [], -1),
    (np.arange(5), [[1]], -1),
    (np.arange(5), np.array([-(2**40)]), -1),
    (np.zeros((0,)), 3, -1),
    (np.zeros((0,)), True, -1),
    (np.zeros((2, 0)), -5, 0),
    (np.array(5), 0, -1),
    (np.array(5), -1, None),
    (np.array(5), 1, None),
    (np.arange(6).reshape(2, 3), -3, 0),
    (np.arange(6).reshape(2, 3), 2, 2),
]


@pytest.mark.parametrize("name", ["partition", "argpartition"])
@pytest.mark.parametrize("a, kth, axis", PART_ERRORS, ids=lambda v: repr(v))
def test_partition_kth_checks_like_numpy(name, a, kth, axis):
    """NumPy's errors (bool kth: ValueError; float: TypeError; out of bounds once negative kth
    count from the end; AxisError), and any kth for an empty array."""

    def call(m, a):
        r = getattr(m, name)(a, kth, axis=axis)
        return np.asarray(r).shape  # (the arrangement may differ; the checks may not)

    run_both(call, a, compare=lambda got, want: got == want)


@arrax_only
def test_partition_negative_kth_under_jit():
    import arrax

    a = PART_ARRAYS["2d"]
    got = arrax.jit(lambda v: anp.partition(v, -2, axis=1))(a)
    _check_partition(got, a, -2, 1)


# --- where with Python scalars (NumPy's weak promotion and conversion) ----------------------

PY_SCALARS = [True, 0, -1, 127, 128, 255, 256, -129, 2**15, 2**31, 2**32, 2**40, -(2**40),
              2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1, 1.5, 1e300,
              float("nan"), 1j, 1e300j]  # fmt: skip
COND = np.array([True, False])


@pytest.mark.parametrize("order", ["array_first", "scalar_first"])
@pytest.mark.parametrize("scalar", PY_SCALARS, ids=lambda v: repr(v))
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_where_python_scalar_with_array_like_numpy(dtype, scalar, order):
    x = np.array([1, 0], dtype)
    if order == "array_first":
        run_both(lambda m, c, x: m.where(c, x, scalar), COND, x)
    else:
        run_both(lambda m, c, x: m.where(c, scalar, x), COND, x)


@pytest.mark.parametrize("other", [True, 3, 2**40, 2**64, 1.5, 1j], ids=lambda v: repr(v))
@pytest.mark.parametrize("scalar", PY_SCALARS, ids=lambda v: repr(v))
def test_where_two_python_scalars_like_numpy(scalar, other):
    run_both(lambda m, c: m.where(c, scalar, other), COND)


@pytest.mark.parametrize("scalar", [-1, 128, 2**40, 2**63, 2**64, 1.5], ids=lambda v: repr(v))
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.uint32, np.uint64, np.float16],
                         ids=lambda d: np.dtype(d).name)  # fmt: skip
def test_where_python_scalar_with_0d_and_numpy_scalars_like_numpy(dtype, scalar):
    run_both(lambda m, x: m.where(True, x, scalar), np.array(1, dtype))
    run_both(lambda m: m.where(COND, dtype(1), scalar))


def test_where_reported_uint32_case():
    run_both(lambda m, c, x: m.where(c, x, -1), COND, np.array([1, 2], np.uint32))


def test_where_still_raises_like_numpy():
    for args in [(COND, ["a", "b"], 5), (np.array([True]), ["a"], -1)]:
        with quiet():
            try:
                np.where(*args)
            except Exception as exc:  # noqa: BLE001
                assert_raises_like(exc, anp.where, *args)
            else:
                raise AssertionError("NumPy raised nothing")


@arrax_only
@pytest.mark.parametrize("dtype, scalar", [(np.uint32, -1), (np.int8, 2**40), (np.int8, 300),
                                           (np.float16, 2**64), (np.bool_, 2**63)])  # fmt: skip
def test_where_python_scalar_under_jit_and_vmap(dtype, scalar):
    import arrax

    x = np.array([1, 0], dtype)
    want = np.where(COND, x, scalar)
    for t in (arrax.jit, arrax.vmap):
        got = t(lambda c, v: anp.where(c, v, scalar))(COND, x)
        assert np.asarray(got).dtype == want.dtype
        np.testing.assert_array_equal(np.asarray(got), want)


@pytest.mark.parametrize(
    "fn",
    ["nanmax", "nanmin", "nanmedian", "median", "nanmean", "nanstd", "nanvar", "nansum",
     "nanprod", "nanargmax", "nanargmin", "nancumsum", "nan_to_num", "sort"],
)  # fmt: skip
def test_bfloat16_nans_are_nans(fn):
    # NumPy files ml_dtypes' bfloat16 under kind 'V': the NaN handling keyed on kinds 'f'/'c'
    # passed its NaNs through (nanmax of [1, nan, 3] was nan)
    import arrax.numpy as anp

    v = np.array([1.0, np.nan, 3.0, -2.0, np.nan, 0.5], np.float32)
    got = getattr(anp, fn)(anp.asarray(v).astype(anp.bfloat16))
    want = getattr(np, fn)(v)
    if got.dtype == anp.bfloat16:
        got = got.astype(np.float32)
        want = np.asarray(want).astype(anp.bfloat16).astype(np.float32)
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), want, rtol=1e-2)


def test_bfloat16_searchsorted_in_numpys_sort_order():
    import arrax.numpy as anp

    x = np.array([-np.inf, -1.0, 0.0, -0.0, 1.0, np.inf, np.nan, -np.nan], np.float32)
    for side in ("left", "right"):
        got = anp.searchsorted(
            anp.asarray(x).astype(anp.bfloat16), anp.asarray(x).astype(anp.bfloat16), side
        )
        np.testing.assert_array_equal(np.asarray(got), np.searchsorted(x, x, side))
