"""lax.ragged_dot against JAX's: values and dtypes, group sizes that cover fewer or more rows
than lhs has, and derivatives, jit and vmap through it."""

import arrax
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

jax = pytest.importorskip("jax")
pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]

GROUPS = [[2, 1, 2], [4, 4, 4], [0, 6, 0], [0, 0, 0], [1, 1, 1]]


@pytest.mark.parametrize("sizes", GROUPS, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32])
def test_ragged_dot_like_jax(sizes, dtype):
    rng = np.random.default_rng(0)
    lhs = (rng.random((6, 3)) * 10).astype(dtype)
    rhs = (rng.random((3, 3, 4)) * 10).astype(dtype)
    gs = np.array(sizes, np.int32)
    got = arrax.lax.ragged_dot(lhs, rhs, gs)
    want = jax.lax.ragged_dot(lhs, rhs, gs)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


def test_ragged_dot_preferred_element_type():
    lhs, rhs, gs = np.ones((4, 2)), np.ones((2, 2, 3)), np.array([1, 3])
    got = arrax.lax.ragged_dot(lhs, rhs, gs, preferred_element_type=np.float32)
    assert got.dtype == jax.lax.ragged_dot(lhs, rhs, gs, preferred_element_type=np.float32).dtype


def test_ragged_dot_derivatives_jit_vmap_like_jax():
    rng = np.random.default_rng(1)
    lhs, rhs, gs = rng.random((5, 2)), rng.random((3, 2, 4)), np.array([2, 0, 3])

    def loss(mod):
        return lambda a, b: (mod.lax.ragged_dot(a, b, gs) ** 2).sum()

    for got, want in zip(
        arrax.grad(loss(arrax), (0, 1))(lhs, rhs), jax.grad(loss(jax), (0, 1))(lhs, rhs)
    ):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12)
    batch = np.stack([lhs, 2 * lhs])
    got = arrax.jit(arrax.vmap(lambda a: arrax.lax.ragged_dot(a, rhs, gs)))(batch)
    want = np.stack([jax.lax.ragged_dot(a, rhs, gs) for a in batch])  # (JAX's vmap: NYI)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12)


@pytest.mark.parametrize(
    "shapes",
    [((6, 2), (3, 1, 4), (3,)), ((6, 2), (3, 2, 4), (2,)), ((6,), (3, 2, 4), (3,))],
    ids=str,
)
def test_ragged_dot_shape_errors_are_type_errors(shapes):
    l, r, g = (np.ones(s) for s in shapes)
    g = g.astype(np.int32)
    with pytest.raises(TypeError):
        jax.lax.ragged_dot(l, r, g)
    with pytest.raises(TypeError, match="^ragged_dot: "):
        arrax.lax.ragged_dot(l, r, g)
