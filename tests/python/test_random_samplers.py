"""jax.random's composed samplers in arrax.random: moments against JAX's samplers on the same
keys (the transformations of uniform/normal/exponential give JAX's values; gamma and its
relatives the same distribution by another rejection scheme), dtypes, jit and vmap against
eager, and parameter errors."""

import arrax
import numpy as np
import pytest
from arrax import random as ar

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
jax = pytest.importorskip("jax")
import jax.random as jr  # noqa: E402

CASES = [
    ("gamma", (0.5,)),
    ("gamma", (3.0,)),
    ("loggamma", (0.3,)),
    ("beta", (2.0, 5.0)),
    ("chisquare", (3.0,)),
    ("f", (5.0, 10.0)),
    ("t", (5.0,)),
    ("laplace", ()),
    ("logistic", ()),
    ("lognormal", (0.5,)),
    ("pareto", (4.0,)),
    ("rayleigh", (2.0,)),
    ("triangular", (0.0, 1.0, 3.0)),
    ("wald", (1.5,)),
    ("weibull_min", (2.0, 1.5)),
    ("geometric", (0.3,)),
    ("rademacher", ()),
    ("maxwell", ()),
    ("double_sided_maxwell", (1.0, 2.0)),
    ("generalized_normal", (1.5,)),
]


@pytest.mark.parametrize("name, args", CASES)
def test_moments_match_jax(name, args):
    n = 100_000
    got = np.asarray(getattr(ar, name)(ar.PRNGKey(3), *args, shape=(n,)))
    want = np.asarray(getattr(jr, name)(jr.PRNGKey(3), *args, shape=(n,)))
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got.mean(), want.mean(), rtol=0.03, atol=0.02)
    np.testing.assert_allclose(got.std(), want.std(), rtol=0.04, atol=0.02)


@pytest.mark.parametrize("name, args", CASES)
def test_jit_vmap_and_float64(name, args):
    f = getattr(ar, name)
    key = ar.PRNGKey(7)
    eager = np.asarray(f(key, *args, shape=(5,)))
    # transcendental functions take a SIMD or a libm path by where a run of elements starts:
    # the same value to within an ulp or two
    tol = dict(rtol=4 * np.finfo(np.float32).eps, atol=0)
    jitted = np.asarray(arrax.jit(lambda k: f(k, *args, shape=(5,)))(key))
    np.testing.assert_allclose(jitted, eager, **tol)
    keys = ar.split(key, 3)
    batched = np.asarray(arrax.vmap(lambda k: f(k, *args, shape=(5,)))(keys))
    for i in range(3):
        np.testing.assert_allclose(batched[i], np.asarray(f(keys[i], *args, shape=(5,))), **tol)
    if name not in ("geometric", "rademacher"):
        assert f(key, *args, shape=(2,), dtype=np.float64).dtype == np.float64


def test_shape_from_parameters_and_broadcasting():
    a = np.array([0.5, 1.0, 4.0])
    assert ar.gamma(ar.PRNGKey(0), a).shape == (3,)
    assert ar.beta(ar.PRNGKey(0), a, 2.0, shape=(2, 3)).shape == (2, 3)
    with pytest.raises(ValueError):
        ar.gamma(ar.PRNGKey(0), a, shape=(2,))
    g = np.asarray(ar.gamma(ar.PRNGKey(1), np.array([1e-3, 0.0]), shape=(2,)))
    assert g[1] == 0.0 and 0.0 <= g[0] < 1e-1


def test_vector_samplers():
    key = ar.PRNGKey(2)
    d = np.asarray(ar.dirichlet(key, np.array([1.0, 2.0, 3.0]), (50_000,)))
    assert d.shape == (50_000, 3)
    np.testing.assert_allclose(d.sum(-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(d.mean(0), [1 / 6, 2 / 6, 3 / 6], atol=0.01)
    cov = np.array([[2.0, 0.5], [0.5, 1.0]])
    for method in ("cholesky", "svd", "eigh"):
        m = np.asarray(
            ar.multivariate_normal(key, np.array([1.0, -1.0]), cov, (50_000,), method=method)
        )
        np.testing.assert_allclose(m.mean(0), [1.0, -1.0], atol=0.03)
        np.testing.assert_allclose(np.cov(m.T), cov, atol=0.05)
    with pytest.raises(ValueError):
        ar.multivariate_normal(key, np.zeros(3), cov)
    o = np.asarray(ar.orthogonal(key, 4, (3,)))
    np.testing.assert_allclose(
        o @ o.transpose(0, 2, 1), np.broadcast_to(np.eye(4), (3, 4, 4)), atol=1e-5
    )
    b = np.asarray(ar.ball(key, 3, 2, (20_000,)))
    r = np.linalg.norm(b, axis=-1)
    assert (r <= 1).all() and abs(r.mean() - 0.75) < 0.01  # E|x| = d / (d + 1) in the 3-ball
    c = np.asarray(ar.cauchy(key, (50_000,)))
    assert abs(np.median(c)) < 0.03 and abs(np.median(np.abs(c)) - 1) < 0.03
    np.testing.assert_array_equal(np.asarray(ar.clone(key)), np.asarray(key))


@pytest.mark.parametrize(
    "name, args",
    [
        ("poisson", (3.5,)),
        ("poisson", (0.2,)),
        ("poisson", (150.0,)),
        ("binomial", (20, 0.3)),
        ("binomial", (50, 0.8)),
    ],
)
def test_counting_samplers_match_jax(name, args):
    n = 50_000
    got = np.asarray(getattr(ar, name)(ar.PRNGKey(5), *args, shape=(n,)))
    want = np.asarray(getattr(jr, name)(jr.PRNGKey(5), *args, shape=(n,)))
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got.mean(), want.mean(), rtol=0.03, atol=0.02)
    np.testing.assert_allclose(got.std(), want.std(), rtol=0.04, atol=0.02)
    f = getattr(ar, name)
    keys = ar.split(ar.PRNGKey(6), 3)
    batched = np.asarray(arrax.vmap(lambda k: f(k, *args, shape=(4,)))(keys))
    for i in range(3):
        np.testing.assert_array_equal(batched[i], np.asarray(f(keys[i], *args, shape=(4,))))
    np.testing.assert_array_equal(
        np.asarray(arrax.jit(lambda k: f(k, *args, shape=(4,)))(keys[0])), batched[0]
    )


def test_counting_edge_cases_and_multinomial():
    key = ar.PRNGKey(8)
    p = np.asarray(ar.poisson(key, np.array([0.0, 1e4])))
    assert p[0] == 0 and abs(p[1] - 1e4) < 500
    assert (np.asarray(ar.binomial(key, 7, 0.0, (10,))) == 0).all()
    assert (np.asarray(ar.binomial(key, 7, 1.0, (10,))) == 7).all()
    m = np.asarray(ar.multinomial(key, 20, np.array([0.2, 0.3, 0.5]), shape=(20_000, 3)))
    assert m.shape == (20_000, 3) and (m.sum(-1) == 20).all()
    np.testing.assert_allclose(m.mean(0), [4, 6, 10], atol=0.1)
    np.testing.assert_array_equal(
        np.asarray(ar.multinomial(key, np.array([5.0, 10.0]), np.array([1.0, 0.0]))),
        [[5.0, 0.0], [10.0, 0.0]],
    )
    with pytest.raises(ValueError):
        ar.multinomial(key, 5, np.array([0.5, 0.5]), shape=(4,))


SAME_AS_JAX = [
    ("uniform", ((3, 4),)), ("normal", ((5,),)), ("randint", ((6,), 0, 10)),
    ("bernoulli", (0.3, (8,))), ("truncated_normal", (-1.0, 2.0, (5,))),
    ("exponential", ((5,),)), ("choice", (10, (4,))), ("permutation", (8,)),
    ("laplace", ((4,),)), ("logistic", ((4,),)), ("cauchy", ((4,),)), ("gumbel", ((4,),)),
    ("rademacher", ((6,),)), ("maxwell", ((4,),)), ("pareto", (2.0, (4,))),
    ("weibull_min", (1.0, 2.0, (4,))), ("rayleigh", (1.0, (4,))), ("wald", (1.0, (4,))),
    ("geometric", (0.3, (500,))), ("geometric", (0.01, (500,))), ("orthogonal", (3,)),
    ("triangular", (0.0, 0.5, 1.0, (4,))), ("double_sided_maxwell", (0.0, 1.0, (4,))),
]  # fmt: skip


@pytest.mark.parametrize("name, args", SAME_AS_JAX, ids=[c[0] for c in SAME_AS_JAX])
def test_same_numbers_as_jax(name, args):
    """These samplers use JAX's algorithms on JAX's Threefry bits: one key, JAX's numbers (to
    an ulp or so of the transcendental functions). The gamma family, poisson and binomial use
    other algorithms and are checked by their moments above."""
    got = np.asarray(getattr(ar, name)(ar.PRNGKey(42), *args))
    want = np.asarray(getattr(jr, name)(jr.PRNGKey(42), *args))
    assert got.shape == want.shape and got.dtype == want.dtype
    if want.dtype.kind == "f":
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_array_equal(got, want)
