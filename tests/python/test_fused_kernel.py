"""The fused CPU executor (transforms/fused_kernel.cpp): jit'd elementwise regions run as
programs of chunk loops. Every ufunc on every dtype, and regions over broadcast, strided, 0-d and
multiple inputs and outputs, against eager evaluation (the same functors, one op at a time)."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import _core

from conftest import _DEVICE_TOL_SCALE, ALL_DTYPES
from ufunc_table import BINARY, UNARY, call, values

SHAPE = (48, 100)  # 4,800 elements: above the fusion threshold, chunks of 1,024 and a remainder


def _tile(v, shape=SHAPE):
    reps = -(-int(np.prod(shape)) // v.size)
    return np.tile(v, reps)[: int(np.prod(shape))].reshape(shape)


def _mask(shape=SHAPE):
    return (np.arange(int(np.prod(shape))) % 3 != 1).reshape(shape)


def _same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def _close(got, want):
    # Transcendental functions have a SIMD and a scalar path (libm) that can differ in the last
    # bit; which one an element takes depends on where its run of elements starts and ends.
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    eps = np.finfo(want.dtype).eps * _DEVICE_TOL_SCALE[0]  # sums run in another order on a GPU
    np.testing.assert_allclose(got, want, rtol=4 * eps, atol=4 * eps)


def _eager_or_skip(fn, *args):
    try:
        return fn(*args)
    except TypeError:
        pytest.skip("no loop for this dtype")


def test_every_elementwise_primitive_has_a_chunk_loop():
    # iota reads positions, threefry2x32 has two outputs, bitcast_convert_type may change the
    # shape: regions with them run through the primitives' kernels instead.
    without = {
        n
        for n in _core._primitive_names()
        if _core.primitive_fusion(n) == "elementwise"
        and not _core._primitive_has_rules(n)["chunk_loop"]
    }
    assert without == {"iota", "threefry2x32", "bitcast_convert_type"}


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("name,domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_ufunc_in_a_region(name, domain, dtype):
    x = anp.asarray(_tile(values(domain, dtype)))
    y = anp.asarray(_tile(values(domain, dtype)[::-1]))
    c = anp.asarray(_mask())

    def f(c, x, y):
        return call(anp, name, anp.where(c, x, y))

    want = _eager_or_skip(f, c, x, y)
    fj = arrax.jit(f)
    prims = fj.lower(c, x, y).primitives
    assert "fused" in prims or prims == ["select"]  # or the op simplified away (positive, real)
    _same(fj(c, x, y), want)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("name,da,db", BINARY, ids=[b[0] for b in BINARY])
def test_binary_ufunc_in_a_region_with_a_scalar_and_a_broadcast_row(name, da, db, dtype):
    x = anp.asarray(_tile(values(da, dtype)))
    y = anp.asarray(_tile(values(db, dtype)[::-1]))
    row = anp.asarray(_tile(values(db, dtype), (1, SHAPE[1])))
    s = anp.asarray(values(da, dtype)[1])
    c = anp.asarray(_mask())

    def f(c, x, y, row, s):
        a, b = anp.where(c, x, x[::-1]), anp.where(c, y, y[::-1])
        return call(anp, name, a, b), call(anp, name, a, row), call(anp, name, s, b)

    want = _eager_or_skip(f, c, x, y, row, s)
    got = arrax.jit(f)(c, x, y, row, s)
    for g, w in zip(got, want):
        _same(g, w)


@pytest.mark.parametrize(
    "shape,bshape",
    [
        ((64, 16, 8, 8), (1, 16, 1, 1)),  # a bias per channel: one value per row of 64
        ((64, 16, 8, 8), (64, 1, 1, 1)),
        ((37, 1500), (1, 1500)),  # rows longer than a chunk
        ((37, 1500), (37, 1)),
        ((4096, 2), (1, 2)),  # rows of 2: many rows per chunk, the row gathered once
        ((4096, 3), (4096, 1)),  # a value per row, filled into the chunk
        ((3, 5, 7, 61), (5, 1, 61)),
    ],
)
def test_regions_over_broadcast_inputs(shape, bshape):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    b = rng.standard_normal(bshape).astype(np.float32)

    def f(x, b):
        y = anp.tanh(x * 0.5 + b)
        return y, anp.maximum(y, 0.0) * b - x

    fj = arrax.jit(f)
    assert "fused" in fj.lower(anp.asarray(x), anp.asarray(b)).primitives
    for g, w in zip(fj(anp.asarray(x), anp.asarray(b)), f(anp.asarray(x), anp.asarray(b))):
        _close(g, w)
    y = np.tanh(x * np.float32(0.5) + b)
    np.testing.assert_allclose(np.asarray(fj(x, b)[1]), np.maximum(y, 0) * b - x, atol=1e-6)


def test_strided_and_transposed_inputs():
    rng = np.random.default_rng(1)
    a = anp.asarray(rng.standard_normal((80, 120)))
    b = anp.asarray(rng.standard_normal((120, 80)))

    def f(a, b):
        return anp.exp(a.T) * b + 1.0, (a[:, ::2] - 1.0) * 2.0

    got, want = arrax.jit(f)(a, b), f(a, b)
    for g, w in zip(got, want):
        _close(g, w)


def test_conversions_and_selects_across_dtypes():
    rng = np.random.default_rng(2)
    x = anp.asarray(rng.standard_normal((70, 90)).astype(np.float32) * 100)

    def f(x):
        i = x.astype(anp.int16)
        u = (i > 0).astype(anp.uint8) + anp.uint8(3)
        h = x.astype(anp.float16) * anp.float16(0.5)
        z = x.astype(anp.complex64) * (1 + 2j)
        return i * 2, anp.where(u > 3, h, -h), z + x, (x > 0) & (i < 50)

    for g, w in zip(arrax.jit(f)(x), f(x)):
        _same(g, w)


def test_an_output_read_again_inside_the_region_and_intermediates_reused():
    x = anp.asarray(np.linspace(-3, 3, 6000, dtype=np.float32).reshape(60, 100))

    def f(x):
        a = x * x
        b = a + 1.0
        c = anp.sqrt(b) * a
        d = anp.sin(c) + anp.cos(b) - a
        return a, d, d * d + c

    for g, w in zip(arrax.jit(f)(x), f(x)):
        _same(g, w)


def test_a_big_region_splits_over_threads_with_the_same_values():
    x = anp.asarray(np.random.default_rng(3).standard_normal(1_000_003).astype(np.float32))

    def f(x):
        return anp.tanh(0.5 * x + 0.1) * anp.exp(-x * x) + anp.sin(x)

    _close(arrax.jit(f)(x), f(x))


@pytest.mark.parametrize(
    "dtype", [np.bool_, np.int8, np.float16, np.float32, np.int64, np.complex128]
)
def test_short_rows_gather_every_item_size(dtype):
    # A value per row (filled) and a row per region (copied once) of each item size.
    rng = np.random.default_rng(10)
    shape = (40, 30)
    x = (rng.standard_normal(shape) * 5).astype(dtype)
    col = (rng.standard_normal((40, 1)) * 5).astype(dtype)
    row = (rng.standard_normal((30,)) * 5).astype(dtype)

    def f(x, col, row):
        return anp.where(x == col, row, x), (x != row) & (col != x)

    args = [anp.asarray(a) for a in (x, col, row)]
    for g, w in zip(arrax.jit(f)(*args), f(*args)):
        _same(g, w)
    _same(arrax.jit(f)(*args)[0], np.where(x == col, row, x))


def test_a_broadcast_constant_captured_by_jit_is_gathered_in_runs():
    # A causal mask broadcast over batch and heads, captured as a constant: its rows follow each
    # other in memory and are copied as runs; the rows of the scores are short (64).
    rng = np.random.default_rng(4)
    s = anp.asarray(rng.standard_normal((3, 2, 64, 64)).astype(np.float32))
    mask = anp.broadcast_to(anp.asarray(np.tril(np.ones((64, 64), bool))), (3, 2, 64, 64))

    def f(s):
        return anp.where(mask, s * 0.25, -1e9) + 1.0

    _same(arrax.jit(f)(s), f(s))


# ---- regions that end in reductions (fusion.cpp joins a reduction of trailing dims) ----------


def _reduced_in_region(fj, *args):
    ir = fj.lower(*args)
    return "fused" in ir.primitives and not any(p.startswith("reduce_") for p in ir.primitives)


@pytest.mark.parametrize(
    "shape, axes",
    [
        ((32, 64, 96), (-1,)),
        ((40, 7, 9), (1, 2)),  # two trailing dims
        ((12, 3000), (-1,)),  # rows longer than a chunk: accumulated chunk by chunk
        ((8, 5), (-1,)),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_trailing_reductions_fuse_with_their_producers(shape, axes, dtype):
    rng = np.random.default_rng(5)
    x = anp.asarray(rng.standard_normal(shape).astype(dtype))
    b = anp.asarray(rng.standard_normal(shape[-1]).astype(dtype))

    def f(x, b):
        e = x - b
        return (
            anp.sum(e * e, axis=axes),
            anp.max(anp.exp(e), axis=axes),
            anp.min(e * 2.0, axis=axes),
            e + 1.0,
        )

    fj = arrax.jit(f)
    assert _reduced_in_region(fj, x, b)
    got, want = fj(x, b), f(x, b)
    for g, w in zip(got, want):
        _close(g, w)
    xn, bn = np.asarray(x), np.asarray(b)
    np.testing.assert_allclose(
        np.asarray(got[0]),
        np.sum((xn - bn) ** 2, axis=axes),
        rtol=1e-5 if dtype == np.float32 else 1e-12,
    )


def test_fused_reductions_propagate_nan_and_keep_inf():
    x = np.random.default_rng(6).standard_normal((16, 40)).astype(np.float32)
    x[3, 5] = np.nan
    x[4, :] = -np.inf
    x[5, 7] = np.inf
    ax = anp.asarray(x)

    def f(x):
        y = x * 2.0
        return anp.max(y, axis=-1), anp.min(y, axis=-1), anp.sum(y, axis=-1)

    fj = arrax.jit(f)
    assert _reduced_in_region(fj, ax)
    for g, w in zip(fj(ax), (np.max(2 * x, -1), np.min(2 * x, -1), np.sum(2 * x, -1))):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-5)


def test_reductions_not_joined_where_they_cannot_be():
    x = anp.asarray(np.random.default_rng(7).standard_normal((64, 50)).astype(np.float32))
    # Integer row sums and a full reduction run as reductions of their own.
    for f in (
        lambda x: anp.sum((x * 2.0).astype(anp.int32), axis=-1),
        lambda x: anp.sum(x * 2.0),
    ):
        fj = arrax.jit(f)
        assert any(p.startswith("reduce_") for p in fj.lower(x).primitives)
        _same(fj(x), f(x))
    # Rows longer than 16K keep the standalone kernel's pairwise sum (NumPy's error bound).
    long_rows = anp.asarray(np.random.default_rng(11).random((8, 40000)).astype(np.float32))
    fj = arrax.jit(lambda x: anp.sum(x * 2.0, axis=-1))
    assert "reduce_sum" in fj.lower(long_rows).primitives
    want = np.sum(np.asarray(long_rows, np.float64) * 2.0, axis=-1)
    np.testing.assert_allclose(np.asarray(fj(long_rows)), want, rtol=2e-7)


@pytest.mark.parametrize("shape", [(64, 50), (3, 40, 7), (1, 5), (0, 4)])
def test_column_reductions_end_regions(shape):
    # Reductions of leading dims (a bias gradient) join the region making their operand, as
    # outputs of the same fused equation, alone or several, beside its full-size outputs; a
    # row reduction and a column reduction do not share a region. Values as eager.
    x = anp.asarray(np.random.default_rng(9).standard_normal(shape).astype(np.float32))
    lead = tuple(range(len(shape) - 1))

    def f(x):
        g = anp.where(x > 0, x * 2.0, 0.5 * x)
        return g, anp.sum(g, axis=lead), anp.prod(anp.tanh(g), axis=lead)

    fj = arrax.jit(f)
    if x.size:  # (an empty one reduces to the identity through the reductions' own kernels)
        assert fj.lower(x).primitives == ["fused"], str(fj.lower(x))
    for got, want in zip(fj(x), f(x)):
        _same(got, want)

    def both(x):
        g = x * 3.0 + 1.0
        return anp.sum(g, axis=0), anp.sum(g, axis=-1)

    prims = arrax.jit(both).lower(x).primitives
    assert prims.count("fused") + prims.count("reduce_sum") >= 2, prims
    for got, want in zip(arrax.jit(both)(x), both(x)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-5)


def test_a_reducing_region_without_a_program_runs_its_reduction_after():
    # iota has no chunk loop: the region's elementwise part runs tile by tile, then the sum.
    x = anp.asarray(np.random.default_rng(8).standard_normal((100, 60)).astype(np.float32))

    def f(x):
        i = arrax.lax.broadcasted_iota(anp.float32, (100, 60), 1)  # too big to fold
        return anp.sum(x * i + 1.0, axis=-1)

    fj = arrax.jit(f)
    assert fj.lower(x).primitives == ["fused"]
    np.testing.assert_allclose(np.asarray(fj(x)), np.asarray(f(x)), rtol=1e-5)
    np.testing.assert_allclose(
        np.asarray(fj(x)), np.sum(np.asarray(x) * np.arange(60) + 1, -1), rtol=1e-5
    )


def test_fused_reductions_under_grad_and_vmap():
    rng = np.random.default_rng(9)
    x = anp.asarray(rng.standard_normal((6, 10, 33)))

    def ln(x):
        m = x.mean(-1, keepdims=True)
        e = x - m
        return e / anp.sqrt((e * e).mean(-1, keepdims=True) + 1e-5)

    def loss(x):
        return anp.sum(ln(x) ** 3)

    g = arrax.jit(arrax.grad(loss))
    np.testing.assert_allclose(np.asarray(g(x)), np.asarray(arrax.grad(loss)(x)), rtol=1e-10)
    v = arrax.jit(arrax.vmap(ln))
    np.testing.assert_allclose(np.asarray(v(x)), np.asarray(ln(x)), rtol=1e-12, atol=1e-12)


# ---- random regions with reductions, against eager evaluation (hypothesis) -------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def _reducing_region(draw):
    nd = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 9), min_size=nd, max_size=nd)))
    k = draw(st.integers(1, nd))  # reduce the trailing k dims
    bcast = draw(st.sampled_from(["none", "row", "col"]))
    kind = draw(st.sampled_from(["sum", "max", "min", "prod"]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    keep = draw(st.booleans())
    return shape, k, bcast, kind, dtype, keep


@settings(max_examples=100, deadline=None)
@given(_reducing_region(), st.integers(0, 2**31))
def test_random_reducing_regions_match_eager(case, seed):
    shape, k, bcast, kind, dtype, keep = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    if bcast == "row":
        b = rng.standard_normal(shape[-1:]).astype(dtype)
    elif bcast == "col":
        b = rng.standard_normal(shape[:-1] + (1,)).astype(dtype)
    else:
        b = rng.standard_normal(shape).astype(dtype)
    if x.size > 3 and rng.random() < 0.3:
        x.flat[int(rng.integers(x.size))] = np.nan
    axes = tuple(range(len(shape) - k, len(shape)))
    red = getattr(anp, kind)

    def f(x, b):
        y = anp.tanh(x * 0.5 + b)
        return red(y * b, axis=axes, keepdims=keep), y - 1.0

    ax, ab = anp.asarray(x), anp.asarray(b)
    got, want = arrax.jit(f)(ax, ab), f(ax, ab)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape
        tol = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol)
