"""The fused CPU executor (transforms/fused_kernel.cpp): jit'd elementwise regions run as
programs of chunk loops. Every ufunc on every dtype, and regions over broadcast, strided, 0-d and
multiple inputs and outputs, against eager evaluation (the same functors, one op at a time)."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import _core

from conftest import ALL_DTYPES
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
    eps = np.finfo(want.dtype).eps
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
        ((4096, 2), (1, 2)),  # rows too short to walk: the broadcast is materialized
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
