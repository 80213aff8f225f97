"""arrax.numpy.random: NumPy's Generator, RandomState and legacy module functions with NumPy's
own streams, so seeded programs draw the same numbers as under NumPy. Every sampler of
NumPy's classes is called with the same seed on both and must agree exactly, in values,
dtypes and shapes; arguments may be arrax arrays and results are arrax arrays."""

import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="compares arrax's wrappers with NumPy")

# method -> arguments (size last where the method takes one); shared by Generator and
# RandomState where the names agree.
CALLS = {
    "random": ((2, 3),), "standard_normal": ((4,),), "normal": (1.0, 2.0, (3,)),
    "uniform": (-1.0, 2.0, 5), "exponential": (2.0, 4), "gamma": (2.5, 2.0, 4),
    "beta": (2.0, 3.0, 4), "poisson": (4.5, 6), "binomial": (20, 0.3, 5),
    "standard_exponential": (3,), "standard_gamma": (0.7, 3), "lognormal": (0.0, 0.5, 3),
    "laplace": (0.0, 1.0, 3), "logistic": (0.0, 1.0, 3), "gumbel": (0.0, 1.0, 3),
    "rayleigh": (1.0, 3), "weibull": (1.5, 3), "pareto": (3.0, 3), "power": (2.0, 3),
    "standard_cauchy": (3,), "standard_t": (4.0, 3), "chisquare": (3.0, 3), "f": (3.0, 4.0, 3),
    "noncentral_chisquare": (3.0, 1.0, 3), "noncentral_f": (3.0, 4.0, 1.0, 3),
    "geometric": (0.3, 4), "negative_binomial": (5, 0.5, 4), "triangular": (0.0, 1.0, 3.0, 3),
    "wald": (1.0, 2.0, 3), "vonmises": (0.5, 2.0, 3), "hypergeometric": (10, 20, 8, 3),
    "logseries": (0.6, 3), "zipf": (4.5, 3), "dirichlet": ([1.0, 2.0, 3.0], 2),
    "multinomial": (20, [0.2, 0.3, 0.5], 2), "multivariate_normal": ([1.0, -1.0], [[2.0, 0.6], [0.6, 1.0]], 3),
    "choice": (10, 4), "permutation": (7,),
}  # fmt: skip
GENERATOR_ONLY = {"integers": (0, 10, 6), "permuted": (np.arange(12).reshape(3, 4),)}
LEGACY_ONLY = {"rand": (2, 3), "randn": (3,), "randint": (0, 10, 6), "random_sample": (3,),
               "random_integers": (1, 6, 4), "tomaxint": (3,)}  # fmt: skip


def same(got, want):
    if isinstance(want, np.ndarray):
        assert isinstance(got, anp.ndarray), type(got)
        got = np.asarray(got)
        assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", sorted({**CALLS, **GENERATOR_ONLY}))
def test_generator_draws_numpys_stream(name):
    args = {**CALLS, **GENERATOR_ONLY}[name]
    g, n = anp.random.default_rng(42), np.random.default_rng(42)
    for _ in range(2):  # the generators' states advance alike
        same(getattr(g, name)(*args), getattr(n, name)(*args))


@pytest.mark.parametrize("name", sorted({**CALLS, **LEGACY_ONLY}))
def test_random_state_and_module_functions_draw_numpys_stream(name):
    args = {**CALLS, **LEGACY_ONLY}[name]
    if not hasattr(np.random.RandomState, name):
        pytest.skip(f"RandomState has no {name}")
    rs, nrs = anp.random.RandomState(7), np.random.RandomState(7)
    same(getattr(rs, name)(*args), getattr(nrs, name)(*args))
    if hasattr(np.random, name):
        anp.random.seed(3)
        np.random.seed(3)
        same(getattr(anp.random, name)(*args), getattr(np.random, name)(*args))


def test_scalars_arrays_arguments_and_in_place_operations():
    g, n = anp.random.default_rng(0), np.random.default_rng(0)
    assert type(g.random()) is type(n.random()) is float
    same(g.normal(anp.zeros(3), anp.ones(3)), n.normal(np.zeros(3), np.ones(3)))
    same(
        g.choice(anp.arange(10.0), 3, p=anp.ones(10) / 10),
        n.choice(np.arange(10.0), 3, p=np.ones(10) / 10),
    )
    x, y = anp.arange(8.0), np.arange(8.0)
    g.shuffle(x)
    n.shuffle(y)
    same(x, y)
    out, nout = anp.zeros(4), np.zeros(4)
    assert g.random(out=out) is out
    n.random(out=nout)
    same(out, nout)
    assert [c.random() for c in g.spawn(2)] == [c.random() for c in n.spawn(2)]
    assert g.bytes(5) == n.bytes(5)
    assert anp.random.default_rng(g) is g and str(g) == "Generator(PCG64)"
    pcg = anp.random.default_rng(anp.random.PCG64(5))
    assert pcg.random() == np.random.default_rng(np.random.PCG64(5)).random()
    rs = anp.random.RandomState(1)
    state = rs.get_state()
    a = rs.rand(3)
    rs.set_state(state)
    same(rs.rand(3), np.asarray(a))
    seq = anp.arange(6)
    anp.random.seed(0)
    np.random.seed(0)
    anp.random.shuffle(seq)
    ref = np.arange(6)
    np.random.shuffle(ref)
    same(seq, ref)
    with pytest.raises(ValueError):
        g.choice(3, 5, replace=False)
    with pytest.raises(ValueError):
        g.normal(0.0, -1.0)
    with pytest.raises(ValueError):
        g.integers(5, 5)
