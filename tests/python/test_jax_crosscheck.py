"""The same programs in JAX and arrax (when JAX is installed): transformations, control flow
and random numbers give the same results. Each program takes a namespace ``L`` with
``np`` (arrax.numpy / jax.numpy), ``lax``, ``random`` and the transformations."""

import types

import arrax
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402

_TRANSFORMS = (
    "grad",
    "value_and_grad",
    "vmap",
    "jit",
    "jacfwd",
    "jacrev",
    "hessian",
    "jvp",
    "vjp",
    "custom_jvp",
    "checkpoint",
)
ARRAX = types.SimpleNamespace(
    np=arrax.numpy,
    lax=arrax.lax,
    random=arrax.random,
    stop_gradient=arrax.stop_gradient,
    **{n: getattr(arrax, n) for n in _TRANSFORMS},
)
JAX = types.SimpleNamespace(
    np=jnp,
    lax=jax.lax,
    random=jax.random,
    stop_gradient=jax.lax.stop_gradient,
    **{n: getattr(jax, n) for n in _TRANSFORMS},
)

rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, (4, 3)).astype(np.float32)
V = rng.uniform(-1, 1, 5).astype(np.float32)


def mlp_grads(L):
    w1 = L.np.asarray(X)
    w2 = L.np.asarray(X[:3, :2] * 2)

    def loss(p, x):
        h = L.np.tanh(x @ p[0])
        logits = h @ p[1]
        return L.np.mean(logits - L.np.log(L.np.sum(L.np.exp(logits), axis=1, keepdims=True)))

    return L.jit(L.grad(loss))((w1, w2), L.np.asarray(X.T * 0.5))


PROGRAMS = {
    "grad_of_grad": lambda L: L.grad(L.grad(lambda x: L.np.sin(x) * L.np.exp(x)))(0.7),
    "jacfwd_jacrev": lambda L: L.jacfwd(L.jacrev(lambda v: L.np.sum(L.np.sin(v) ** 2 * v)))(
        L.np.asarray(V)
    ),
    "hessian": lambda L: L.hessian(lambda m: L.np.sum(L.np.tanh(m @ m.T)))(L.np.asarray(X)),
    "vmap_grad": lambda L: L.vmap(L.grad(lambda r: L.np.sum(L.np.cos(r) * r)))(L.np.asarray(X)),
    "jit_vmap_matmul": lambda L: L.jit(L.vmap(lambda a, b: a @ b, in_axes=(0, None)))(
        L.np.asarray(X), L.np.asarray(X.T)
    ),
    "vjp": lambda L: L.vjp(lambda m: L.np.cumsum(m * m, axis=1), L.np.asarray(X))[1](
        L.np.ones((4, 3), dtype=np.float32)
    ),
    "jvp": lambda L: L.jvp(
        lambda v: L.np.max(v) * L.np.prod(v), (L.np.asarray(V),), (L.np.ones(5, dtype=np.float32),)
    ),
    "scan_grad": lambda L: L.grad(
        lambda v: L.lax.scan(lambda c, x: (c * 0.9 + L.np.sin(x), c * x), 0.0, v)[1].sum()
    )(L.np.asarray(V)),
    "fori_grad": lambda L: L.grad(lambda a: L.lax.fori_loop(0, 5, lambda i, c: c * a + 1.0, 0.5))(
        1.1
    ),
    "while_jvp": lambda L: L.jvp(
        lambda a: L.lax.while_loop(lambda c: c[1] < 8, lambda c: (c[0] * a, c[1] + 1), (1.0, 0))[0],
        (1.05,),
        (1.0,),
    ),
    "cond_vmap_batched_pred": lambda L: L.vmap(
        lambda v: L.lax.cond(v[0] > 0, lambda u: u * 2, lambda u: L.np.exp(u), v)
    )(L.np.asarray(X)),
    "while_vmap_batched_pred": lambda L: L.vmap(
        lambda s: L.lax.while_loop(lambda v: v < 10.0, lambda v: v * 1.7, s)
    )(L.np.asarray(np.abs(V) + 0.1)),
    "switch_jit": lambda L: L.jit(
        lambda i, v: L.lax.switch(i, [lambda u: u, lambda u: u * 2, lambda u: -u], v)
    )(2, L.np.asarray(V)),
    "checkpoint_grad": lambda L: L.grad(
        lambda v: L.np.sum(L.checkpoint(lambda u: L.np.sin(L.np.sin(u)))(v))
    )(L.np.asarray(V)),
    "stop_gradient": lambda L: L.grad(lambda x: x * L.stop_gradient(x * x))(3.0),
    "dynamic_slice_grad": lambda L: L.grad(
        lambda m: L.np.sum(L.lax.dynamic_slice(m, (1, 1), (2, 2)) ** 2)
    )(L.np.asarray(X)),
    "mlp_grads": mlp_grads,
}


def _leaves(tree, lib):
    return [np.asarray(x) for x in lib.tree_util.tree_leaves(tree)]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_jax(name):
    got = _leaves(PROGRAMS[name](ARRAX), arrax)
    want = _leaves(PROGRAMS[name](JAX), jax)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape, (g.shape, w.shape)
        np.testing.assert_allclose(g, w.astype(g.dtype), rtol=2e-4, atol=2e-5)


def test_random_is_identical_eager_vmap_jit():
    key = arrax.random.PRNGKey(3)
    keys = arrax.random.split(key, 4)

    def draw(k):
        return arrax.random.normal(k, (3,)) + arrax.random.uniform(k, (3,))

    eager = np.stack([np.asarray(draw(k)) for k in keys])
    np.testing.assert_array_equal(np.asarray(arrax.vmap(draw)(keys)), eager)
    np.testing.assert_array_equal(np.asarray(arrax.jit(arrax.vmap(draw))(keys)), eager)
    np.testing.assert_array_equal(np.asarray(arrax.jit(draw)(keys[1])), eager[1])


def test_random_statistics_match_jax():
    n = 200_000
    for name, draw in {
        "normal": lambda R, k: R.normal(k, (n,)),
        "uniform": lambda R, k: R.uniform(k, (n,)),
        "truncated_normal": lambda R, k: R.truncated_normal(k, -1.0, 2.0, (n,)),
    }.items():
        a = np.asarray(draw(arrax.random, arrax.random.PRNGKey(0)))
        j = np.asarray(draw(jax.random, jax.random.PRNGKey(1)))
        assert abs(a.mean() - j.mean()) < 0.02, name
        assert abs(a.std() - j.std()) < 0.02, name
