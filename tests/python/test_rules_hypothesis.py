"""Transformation rules of the structural primitives over random parameters (hypothesis):
for a linear primitive, the transpose must satisfy <ct, J t> == <J^T ct, t> exactly, and vmap
(batched along a random axis) must equal a loop."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import lax
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


def _rand(rng, shape):
    return rng.standard_normal(shape)


def check_linear(f, x, seed=0):
    """f linear in x: jvp(f)(t) == f(t), and vjp satisfies the inner-product identity."""
    rng = np.random.default_rng(seed)
    t = anp.asarray(_rand(rng, x.shape))
    y, jt = arrax.jvp(f, (x,), (t,))
    np.testing.assert_allclose(np.asarray(jt), np.asarray(f(t)), rtol=1e-12, atol=1e-12)
    ct = anp.asarray(_rand(rng, np.shape(y)))
    (g,) = arrax.vjp(f, x)[1](ct)
    lhs = float(np.sum(np.asarray(ct) * np.asarray(jt)))
    rhs = float(np.sum(np.asarray(g) * np.asarray(t)))
    assert abs(lhs - rhs) <= 1e-10 * max(1.0, abs(lhs)), (lhs, rhs)


def check_vmap(f, x, axis):
    xs = np.stack([np.asarray(x) * (1 + k) for k in range(3)], axis=axis)
    got = arrax.vmap(f, in_axes=axis)(anp.asarray(xs))
    want = np.stack([np.asarray(f(anp.asarray(np.take(xs, k, axis=axis)))) for k in range(3)])
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12, atol=1e-12)


def _check(f, x, data):
    check_linear(f, x)
    check_vmap(f, x, data.draw(st.integers(0, x.ndim)))


@settings(max_examples=60, deadline=None)
@given(shape=shapes, data=st.data())
def test_slice(shape, data):
    starts, limits, strides = [], [], []
    for n in shape:
        step = data.draw(st.sampled_from([1, 2, 3, -1, -2]))
        # a valid slice, as NumPy's slice(...).indices(n) gives
        a, b = data.draw(st.integers(-n - 1, n + 1)), data.draw(st.integers(-n - 1, n + 1))
        a, b, step = slice(a, b, step).indices(n)
        if len(range(a, b, step)) == 0:
            a, b = (0, 1) if step > 0 else (n - 1, n - 2 if n > 1 else -1)
        starts.append(a)
        limits.append(b)
        strides.append(step)
    x = anp.asarray(_rand(np.random.default_rng(0), shape))
    _check(lambda v: lax.slice(v, starts, limits, strides), x, data)


@settings(max_examples=60, deadline=None)
@given(shape=shapes, data=st.data())
def test_pad(shape, data):
    config = []
    for n in shape:
        interior = data.draw(st.integers(0, 2))
        size = n + (n - 1) * interior
        lo = data.draw(st.integers(-min(size - 1, 2), 2))
        hi = data.draw(st.integers(-min(size - 1 + min(lo, 0), 2), 2))
        config.append((lo, hi, interior))
    x = anp.asarray(_rand(np.random.default_rng(0), shape))
    _check(lambda v: lax.pad(v, 0.0, config), x, data)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, data=st.data())
def test_transpose_rev_reshape(shape, data):
    perm = data.draw(st.permutations(range(len(shape))))
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True))
    x = anp.asarray(_rand(np.random.default_rng(0), shape))
    size = int(np.prod(shape))
    _check(lambda v: lax.reshape(lax.rev(lax.transpose(v, perm), dims), (size,)), x, data)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, data=st.data())
def test_broadcast_in_dim_and_reductions(shape, data):
    extra = data.draw(st.integers(0, 2))
    out_rank = len(shape) + extra
    bdims = sorted(data.draw(st.permutations(range(out_rank)))[: len(shape)])
    out_shape = [data.draw(st.integers(1, 3)) for _ in range(out_rank)]
    src = list(shape)
    for i, d in enumerate(bdims):
        if data.draw(st.booleans()):
            src[i] = 1  # a stretched dimension
        else:
            out_shape[d] = src[i]
    x = anp.asarray(_rand(np.random.default_rng(0), src))
    _check(lambda v: lax.broadcast_in_dim(v, out_shape, bdims), x, data)
    axes = data.draw(st.lists(st.integers(0, len(src) - 1), unique=True))
    _check(lambda v: lax.reduce_sum(v, axes), x, data)
    axis = data.draw(st.integers(0, len(src) - 1))
    rev = data.draw(st.booleans())
    _check(lambda v: lax.cumsum(v, axis, reverse=rev), x, data)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_dot_general(data):
    nb, nc, nl, nr = (data.draw(st.integers(0, 2)) for _ in range(4))
    sizes = [data.draw(st.integers(1, 3)) for _ in range(nb + nc + nl + nr)]
    b, c, lf, rf = (
        sizes[:nb],
        sizes[nb : nb + nc],
        sizes[nb + nc : nb + nc + nl],
        sizes[nb + nc + nl :],
    )
    lperm = data.draw(st.permutations(range(nb + nc + nl)))
    rperm = data.draw(st.permutations(range(nb + nc + nr)))
    lhs_dims, rhs_dims = b + c + lf, b + c + rf
    lhs_shape = [lhs_dims[p] for p in lperm]
    rhs_shape = [rhs_dims[p] for p in rperm]
    lpos, rpos = list(np.argsort(lperm)), list(np.argsort(rperm))
    dn = (
        ([int(lpos[nb + i]) for i in range(nc)], [int(rpos[nb + i]) for i in range(nc)]),
        ([int(lpos[i]) for i in range(nb)], [int(rpos[i]) for i in range(nb)]),
    )
    rng = np.random.default_rng(0)
    x, y = anp.asarray(_rand(rng, lhs_shape)), anp.asarray(_rand(rng, rhs_shape))
    _check(lambda v: lax.dot_general(v, y, dn), x, data)
    _check(lambda v: lax.dot_general(x, v, dn), y, data)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, data=st.data())
def test_dynamic_slices(shape, data):
    sizes = [data.draw(st.integers(1, n)) for n in shape]
    starts = [data.draw(st.integers(-2, n + 1)) for n in shape]  # clamped as in JAX
    rng = np.random.default_rng(0)
    x = anp.asarray(_rand(rng, shape))
    u = anp.asarray(_rand(rng, sizes))
    _check(lambda v: lax.dynamic_slice(v, starts, sizes), x, data)
    _check(lambda v: lax.dynamic_update_slice(v, u * 0, starts) + 0 * v, x, data)
    _check(lambda w: lax.dynamic_update_slice(x * 0, w, starts), u, data)
