"""lax.ragged_dot against JAX's: values and dtypes, group sizes that cover fewer or more rows
than lhs has, and derivatives, jit and vmap through it."""

import arrax
import numpy as np
import pytest

from conftest import AGAINST_NUMPY
from test_jax_programs_like_jax_5 import _assert_same

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


# --- lax.ragged_dot_general: JAX's three modes (ragged non-contracting, contracting, batch) ---


def _rand(i, *shape):
    return np.random.RandomState(i).normal(size=shape)


_GS = [2, 4, 1]
_RAGGED_CASES = {
    "nonc": ((7, 4), (3, 4, 2), _GS, ((([1], [1]), ([], [])), [0], [0])),
    "nonc_group_mid": ((7, 4), (4, 3, 2), _GS, ((([1], [0]), ([], [])), [0], [1])),
    "nonc_ragged_last": ((4, 7), (3, 4, 2), _GS, ((([0], [1]), ([], [])), [1], [0])),
    "nonc_batch": ((2, 7, 4), (3, 2, 4, 5), _GS, ((([2], [2]), ([0], [1])), [1], [0])),
    "nonc_batched_sizes": (
        (2, 7, 4),
        (3, 2, 4, 5),
        [[2, 4, 1], [0, 3, 3]],
        ((([2], [2]), ([0], [1])), [1], [0]),
    ),
    "contracting": ((5, 7), (7, 3), _GS, ((([1], [0]), ([], [])), [1], [])),
    "contracting_batch": ((2, 5, 7), (2, 7, 3), _GS, ((([2], [1]), ([0], [0])), [2], [])),
    "contracting_batched_sizes": (
        (2, 5, 7),
        (2, 7, 3),
        [[2, 4, 1], [1, 1, 1]],
        ((([2], [1]), ([0], [0])), [2], []),
    ),
    "batch": ((7, 5, 4), (7, 4, 3), [1, 1, 1], ((([2], [1]), ([0], [0])), [0], [])),
}


@pytest.mark.parametrize("case", sorted(_RAGGED_CASES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ragged_dot_general_modes_like_jax(case, dtype):
    lhs_shape, rhs_shape, gs, dn = _RAGGED_CASES[case]
    lhs = _rand(0, *lhs_shape).astype(dtype)
    rhs = _rand(1, *rhs_shape).astype(dtype)
    gs = np.array(gs, np.int32)

    def run(jax, jnp):
        d = jax.lax.RaggedDotDimensionNumbers(*dn)
        out = jax.lax.ragged_dot_general(jnp.asarray(lhs), jnp.asarray(rhs), jnp.asarray(gs), d)
        wide = jax.lax.ragged_dot_general(
            jnp.asarray(lhs),
            jnp.asarray(rhs),
            jnp.asarray(gs),
            d,
            preferred_element_type=jnp.float64,
        )
        if not case.startswith("nonc"):  # JAX differentiates only the non-contracting mode
            return out, wide
        grads = jax.jit(
            jax.grad(lambda a, b: jnp.sum(jax.lax.ragged_dot_general(a, b, gs, d) ** 2), (0, 1))
        )(jnp.asarray(lhs), jnp.asarray(rhs))
        return out, wide, grads

    _assert_same(run(arrax, arrax.numpy), run(jax, jax.numpy))


@pytest.mark.parametrize(
    "dn, gs_dtype",
    [
        (
            ((([1], [1]), ([], [])), [0], []),
            "int32",
        ),  # a ragged non-contracting dim needs a group dim
        (((([1], [0]), ([], [])), [1], [0]), "int32"),  # a ragged contracting dim takes none
        (((([1], [1]), ([], [])), [0], [0]), "float64"),  # group sizes are integers
    ],
)
def test_ragged_dot_general_errors_like_jax(dn, gs_dtype):
    lhs = _rand(0, 7, 4)
    rhs = _rand(1, 3, 4, 2) if dn[2] or dn[1] == [0] else _rand(1, 4, 3)
    for lib in (arrax, jax):
        d = lib.lax.RaggedDotDimensionNumbers(*dn)
        with pytest.raises(TypeError, match="ragged_dot_general"):
            lib.lax.ragged_dot_general(lhs, rhs, np.array(_GS, gs_dtype), d)


def test_ragged_dot_general_matches_ragged_dot():
    lhs, rhs, gs = (
        arrax.numpy.asarray(_rand(0, 7, 4)),
        arrax.numpy.asarray(_rand(1, 3, 4, 2)),
        np.array(_GS),
    )
    d = arrax.lax.RaggedDotDimensionNumbers((([1], [1]), ([], [])), [0], [0])
    np.testing.assert_allclose(
        np.asarray(arrax.lax.ragged_dot_general(lhs, rhs, gs, d)),
        np.asarray(arrax.lax.ragged_dot(lhs, rhs, gs)),
    )
