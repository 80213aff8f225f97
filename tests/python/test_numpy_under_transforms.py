"""arrax.numpy functions and array methods on traced values: under jit, vmap and grad they give
what they give on arrays (the issue's "work on traced values exactly as on arrays")."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")

rng = np.random.default_rng(2)
A = rng.uniform(0.2, 1.5, (3, 4))

# name -> function of one (3, 4) float64 array; differentiable ones return floats.
FUNCTIONS = {
    "sum_axis": lambda a: anp.sum(a, axis=1),
    "mean_keepdims": lambda a: anp.mean(a, axis=0, keepdims=True),
    "var": lambda a: anp.var(a, axis=-1),
    "std_ddof": lambda a: a.std(ddof=1),
    "max_min": lambda a: anp.max(a, axis=0) - a.min(axis=1).sum(),
    "prod": lambda a: anp.prod(a, axis=1),
    "cumsum_cumprod": lambda a: anp.cumsum(a, axis=1) + anp.cumprod(a, axis=1),
    "matmul": lambda a: a @ a.T,
    "dot": lambda a: anp.dot(a, a.T[:, :2]),
    "reshape_transpose": lambda a: a.reshape(2, 6).T.reshape(-1),
    "swapaxes_moveaxis": lambda a: anp.moveaxis(anp.swapaxes(a[None], 0, 2), 0, 1),
    "squeeze_expand": lambda a: anp.squeeze(anp.expand_dims(a, 1), axis=1),
    "concatenate_stack": lambda a: anp.concatenate([a, anp.stack([a[0], a[1]])]),
    "hstack_vstack": lambda a: anp.hstack([a, a])[:, 2:6] + anp.vstack([a, a])[2:5],
    "where_clip": lambda a: anp.where(a > 0.8, anp.clip(a, 0.5, 1.0), a * a),
    "ufuncs": lambda a: anp.exp(anp.sin(a)) / (1 + anp.log1p(a)) + anp.sqrt(a) ** 1.5,
    "maximum_abs": lambda a: anp.maximum(a, 0.9) + anp.abs(a - 1.0),
    "broadcast": lambda a: a - a.mean(axis=0) * anp.ones((2, 1, 1)),
    "indexing": lambda a: a[1:, ::2] + a[-1, 0] + a[..., None][:, 1, 0][:, None][:2],
    "fancy": lambda a: a[[0, 2]][:, [3, 1, 1]] + a[a.shape[0] - 1, :3],
    "reversed": lambda a: a[::-1, ::-2] * a[2::-1, 3::-2] + a[2:0:-1, 1].sum(),
    "astype": lambda a: (a.astype(anp.float32) * 2).astype(anp.float64),
    "ravel_flatten": lambda a: a.ravel() * a.flatten()[::-1],
    "power_square": lambda a: anp.power(a, 3) + anp.square(a) + a**0.5,
    "logaddexp": lambda a: anp.logaddexp(a, a[::-1]),
    "trig": lambda a: anp.arctan2(a, a + 1) + anp.hypot(a, 1.0) + anp.tanh(a),
    "argmax_onehot": lambda a: a * (anp.arange(4) == anp.argmax(a, axis=1)[:, None]),
}

IDS = sorted(FUNCTIONS)


def _close(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", IDS)
def test_jit_matches_eager(name):
    f = FUNCTIONS[name]
    a = anp.asarray(A)
    _close(arrax.jit(f)(a), f(a))


@pytest.mark.parametrize("name", IDS)
def test_vmap_matches_loop(name):
    f = FUNCTIONS[name]
    batch = anp.asarray(np.stack([A, A * 1.1, A[::-1] * 0.9]))
    want = np.stack([np.asarray(f(batch[i])) for i in range(3)])
    _close(arrax.vmap(f)(batch), want)


@pytest.mark.parametrize("name", [n for n in IDS if n != "astype"])  # float32 round trip
def test_grad_matches_finite_differences(name):
    f = FUNCTIONS[name]
    arrax.test_util.check_grads(lambda a: anp.sum(anp.sin(f(a))), (anp.asarray(A),), order=1)
