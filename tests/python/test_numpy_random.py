"""arrax.numpy.random: NumPy's Generator and legacy APIs on the counter-based generator.
Streams differ from NumPy's; shapes, dtypes, ranges, errors and distributions match."""

import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only streams")

N = 200_000

# name -> (draw(generator), mean, variance)
DISTRIBUTIONS = {
    "random": (lambda g: g.random(N), 0.5, 1 / 12),
    "standard_normal": (lambda g: g.standard_normal(N), 0.0, 1.0),
    "normal": (lambda g: g.normal(2.0, 3.0, N), 2.0, 9.0),
    "uniform": (lambda g: g.uniform(-1.0, 3.0, N), 1.0, 16 / 12),
    "integers": (lambda g: g.integers(0, 10, N), 4.5, 99 / 12),
    "exponential": (lambda g: g.exponential(2.0, N), 2.0, 4.0),
    "gamma": (lambda g: g.gamma(2.5, 2.0, N), 5.0, 10.0),
    "gamma_small_shape": (lambda g: g.gamma(0.4, 1.0, N), 0.4, 0.4),
    "beta": (lambda g: g.beta(2.0, 3.0, N), 0.4, 0.04),
    "poisson": (lambda g: g.poisson(4.5, N), 4.5, 4.5),
    "poisson_large": (lambda g: g.poisson(250.0, N), 250.0, 250.0),
    "binomial": (lambda g: g.binomial(20, 0.3, N), 6.0, 4.2),
    "binomial_high_p": (lambda g: g.binomial(50, 0.9, N), 45.0, 4.5),
}


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_moments(name):
    draw, mean, var = DISTRIBUTIONS[name]
    x = np.asarray(draw(anp.random.default_rng(123)), dtype=np.float64)
    assert x.shape == (N,)
    se = np.sqrt(var / N)
    assert abs(x.mean() - mean) < 6 * se, (x.mean(), mean)
    assert abs(x.var() / var - 1) < 0.05, (x.var(), var)


def test_dtypes_shapes_and_reproducibility():
    g = anp.random.default_rng(0)
    assert g.random((2, 3)).shape == (2, 3) and g.random(4, dtype=np.float32).dtype == np.float32
    assert g.integers(5, size=(3,)).dtype == np.int64
    assert g.poisson(3.0, (2, 2)).dtype == np.int64
    assert g.normal(np.zeros(3), 1.0).shape == (3,)
    a = anp.random.default_rng(7).random(5)
    b = anp.random.default_rng(7).random(5)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    anp.random.seed(1)
    c = anp.random.rand(3)
    anp.random.seed(1)
    np.testing.assert_array_equal(np.asarray(anp.random.rand(3)), np.asarray(c))
    assert anp.random.randn(2, 2).shape == (2, 2)
    assert 0 <= int(anp.random.randint(4)) < 4


def test_choice_permutation_shuffle_multivariate():
    g = anp.random.default_rng(3)
    s = np.asarray(g.choice(10, 10, replace=False))
    assert sorted(s.tolist()) == list(range(10))
    w = np.asarray(g.choice(3, 30000, p=[0.2, 0.0, 0.8]))
    assert not (w == 1).any() and abs((w == 2).mean() - 0.8) < 0.02
    assert sorted(np.asarray(g.permutation(6)).tolist()) == list(range(6))
    x = anp.arange(8.0)
    g.shuffle(x)
    assert sorted(np.asarray(x).tolist()) == list(range(8))
    m = np.asarray(g.multivariate_normal([1.0, -1.0], [[2.0, 0.6], [0.6, 1.0]], 100_000))
    np.testing.assert_allclose(np.cov(m.T), [[2.0, 0.6], [0.6, 1.0]], atol=0.05)


def test_errors():
    g = anp.random.default_rng(0)
    with pytest.raises(ValueError):
        g.choice(3, 5, replace=False)
    with pytest.raises(ValueError):
        g.normal(0.0, -1.0)
    with pytest.raises(ValueError):
        g.binomial(10, 1.5)
    with pytest.raises(ValueError):
        g.integers(5, 5)
    with pytest.raises(ValueError):
        g.choice(3, p=[0.5, 0.2, 0.2])
