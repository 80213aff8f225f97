"""jax.nn's activation functions and dot_product_attention in arrax.nn: values and gradients
against JAX (float64), check_grads to second order, jit and vmap against eager."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import nn
from arrax.nn import _activations
from arrax.test_util import check_grads

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")


# Every activation of _activations.py except the ones over an axis and attention.
ELEMENTWISE = [
    n
    for n in _activations.__all__
    if n not in ("glu", "standardize", "logmeanexp", "log1mexp", "dot_product_attention")
]
X = np.concatenate([np.linspace(-7.3, 7.1, 41), [-1.0, 0.0, 1.0, 3.0, 6.0, -3.0]])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_values_and_gradients_match_jax(name):
    f, fj = getattr(nn, name), getattr(jax.nn, name)
    np.testing.assert_allclose(np.asarray(f(anp.asarray(X))), np.asarray(fj(X)), atol=1e-14)
    g = arrax.grad(lambda v: anp.sum(f(v)))(anp.asarray(X))
    gj = jax.grad(lambda v: fj(v).sum())(X)
    np.testing.assert_allclose(np.asarray(g), np.asarray(gj), atol=1e-14)
    kinks = np.array([-3.0, -1.0, 0.0, 1.0, 3.0, 6.0])  # of relu6, hard_*, sparse_*
    smooth = X[np.min(np.abs(X[:, None] - kinks), axis=1) > 0.05]
    check_grads(f, (anp.asarray(smooth),), order=2)
    np.testing.assert_allclose(
        np.asarray(arrax.jit(f)(anp.asarray(X))), np.asarray(f(anp.asarray(X))), atol=1e-15
    )


def test_float32_keeps_its_dtype():
    x = anp.asarray(X.astype(np.float32))
    for name in ELEMENTWISE:
        assert getattr(nn, name)(x).dtype == np.float32, name


def test_reductions_and_splits():
    r = np.random.default_rng(0)
    m = r.standard_normal((4, 6))
    w = r.random((4, 6)) > 0.3
    y = np.abs(X) + 0.01
    cases = [
        (nn.log1mexp(anp.asarray(y)), jax.nn.log1mexp(y)),
        (nn.glu(anp.asarray(m)), jax.nn.glu(m)),
        (nn.glu(anp.asarray(m), axis=0), jax.nn.glu(m, axis=0)),
        (nn.standardize(anp.asarray(m)), jax.nn.standardize(m)),
        (nn.standardize(anp.asarray(m), axis=0), jax.nn.standardize(m, axis=0)),
        (nn.standardize(anp.asarray(m), where=anp.asarray(w)), jax.nn.standardize(m, where=w)),
        (nn.logmeanexp(anp.asarray(m), axis=1), jax.nn.logmeanexp(m, axis=1)),
        (nn.logmeanexp(anp.asarray(m)), jax.nn.logmeanexp(m)),
    ]
    for got, want in cases:
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12, atol=1e-13)
    check_grads(lambda v: nn.standardize(v) ** 2, (anp.asarray(m),), order=2)
    check_grads(nn.log1mexp, (anp.asarray(y),), order=1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"is_causal": True},
        {"scale": 0.3},
        {"bias": "bias"},
        {"mask": "mask"},
        {"key_value_seq_lengths": np.array([3, 7], np.int32)},
    ],
)
def test_dot_product_attention_matches_jax(kwargs):
    r = np.random.default_rng(1)
    q = r.standard_normal((2, 7, 4, 8))
    k, v = r.standard_normal((2, 7, 2, 8)), r.standard_normal((2, 7, 2, 8))  # grouped heads
    extra = {"bias": r.standard_normal((2, 4, 7, 7)), "mask": r.random((2, 4, 7, 7)) > 0.3}
    kw = {key: (extra[val] if isinstance(val, str) else val) for key, val in kwargs.items()}
    got = nn.dot_product_attention(
        anp.asarray(q),
        anp.asarray(k),
        anp.asarray(v),
        **{
            key: anp.asarray(val) if isinstance(val, np.ndarray) else val for key, val in kw.items()
        },
    )
    want = jax.nn.dot_product_attention(q, k, v, **kw)
    # JAX's XLA implementation takes the softmax in float32
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=2e-6)
    f = lambda q: anp.sum(nn.dot_product_attention(q, anp.asarray(k), anp.asarray(v)) ** 2)  # noqa: E731
    check_grads(f, (anp.asarray(q),), order=1)
    qs = anp.asarray(q[0])  # without the batch dim, and under vmap
    np.testing.assert_allclose(
        np.asarray(
            arrax.vmap(lambda a, b, c: nn.dot_product_attention(a, b, c))(
                anp.asarray(q), anp.asarray(k), anp.asarray(v)
            )[0]
        ),
        np.asarray(nn.dot_product_attention(qs, anp.asarray(k[0]), anp.asarray(v[0]))),
        atol=1e-12,
    )


def test_dot_product_attention_errors():
    a = anp.ones((2, 3, 4))
    with pytest.raises(ValueError, match="dot_product_attention"):
        nn.dot_product_attention(a, anp.ones((2, 3, 3, 4)), a)
    with pytest.raises(ValueError, match="multiple"):
        nn.dot_product_attention(anp.ones((2, 3, 4)), anp.ones((2, 2, 4)), anp.ones((2, 2, 4)))
