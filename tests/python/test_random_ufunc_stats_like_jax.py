"""arrax.random, arrax.numpy ufunc methods and arrax.scipy.stats at their edges, against
JAX (float64): invalid parameters, keyword arguments JAX accepts, jit-traceability."""

import itertools

import arrax
import arrax.numpy as anp
import arrax.random as ar
import arrax.scipy.special as asp
import arrax.scipy.stats as ast
import numpy as onp
import pytest

from conftest import arrax_only

pytestmark = pytest.mark.usefixtures("jax_x64")


def _grid(*axes):
    return [onp.array(c, dtype=onp.float64) for c in zip(*itertools.product(*axes))]


def _same(got, want):
    got, want = onp.asarray(got), onp.asarray(want)
    onp.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-10, equal_nan=True)


# ---- scipy.stats: invalid parameters ------------------------------------------------------

X = [-1.5, 0.0, 0.3, 1.0, 2.5, onp.nan, onp.inf]
PAR = [-1.0, 0.0, 0.5, 2.0, onp.nan]
LOC = [0.0, 1.0, onp.nan]
Q = [-0.5, 0.0, 0.3, 1.0, 1.5, onp.nan]

_CASES = [
    ("norm", "logpdf", [X, LOC, PAR]),
    ("norm", "pdf", [X, LOC, PAR]),
    ("expon", "logpdf", [X, LOC, PAR]),
    ("expon", "cdf", [X, LOC, PAR]),
    ("expon", "sf", [X, LOC, PAR]),
    ("expon", "logsf", [X, LOC, PAR]),
    ("expon", "logcdf", [X, LOC, PAR]),
    ("expon", "ppf", [Q, LOC, PAR]),
    ("uniform", "logpdf", [X, LOC, PAR]),
    ("uniform", "cdf", [X, LOC, PAR]),
    ("uniform", "ppf", [Q, LOC, PAR]),
    ("laplace", "logpdf", [X, LOC, PAR]),
    ("laplace", "cdf", [X, LOC, PAR]),
    ("t", "logpdf", [X, PAR, LOC, PAR]),
    ("gamma", "logpdf", [X, PAR, LOC, PAR]),
    ("chi2", "logpdf", [X, PAR, LOC, PAR]),
    ("beta", "logpdf", [X, PAR, PAR, LOC, PAR]),
    ("beta", "pdf", [X, PAR, PAR, LOC, PAR]),
    ("poisson", "logpmf", [[-1.0, 0.0, 2.0, onp.nan], PAR, LOC]),
    ("bernoulli", "logpmf", [[-1.0, 0.0, 1.0, 2.0, onp.nan], [-0.5, 0.0, 0.4, 1.0, 1.5], LOC]),
    ("binom", "logpmf", [[-1.0, 0.0, 2.0, onp.nan], [-1.0, 0.0, 3.0, onp.nan], Q, LOC]),
    ("geom", "logpmf", [[-1.0, 0.0, 1.0, 2.0, onp.nan], Q, LOC]),
]


@pytest.mark.parametrize("dist,method,axes", _CASES, ids=[f"{d}.{m}" for d, m, _ in _CASES])
def test_stats_invalid_parameters_like_jax(dist, method, axes):
    jax = pytest.importorskip("jax")
    import jax.scipy.stats as jst  # noqa: F401

    args = _grid(*axes)
    want = getattr(getattr(jax.scipy.stats, dist), method)(*args)
    _same(getattr(getattr(ast, dist), method)(*args), want)


def test_beta_pdf_invalid_shape_is_nan():
    # scipy.stats.beta.pdf(x, -1.1, -1.1) and JAX: nan (no density for a, b <= 0)
    assert onp.isnan(onp.asarray(ast.beta.pdf(anp.array([0.0, 0.5, 1.0]), -1.1, -1.1))).all()
    assert onp.isnan(float(ast.beta.logpdf(0.5, -0.5, 2.0)))
    assert onp.isnan(onp.asarray(ast.beta.pdf(anp.array([0.0, 0.5, 1.0]), 1, 1, 0, -1))).all()


def test_uniform_ppf_outside_unit_interval_is_nan():
    _same(ast.uniform.ppf(anp.array([-0.5, 0.5, 1.5])), [onp.nan, 0.5, onp.nan])


# ---- random ----------------------------------------------------------------------------------


def test_poisson_invalid_rate_is_minus_one_like_jax():
    jax = pytest.importorskip("jax")
    lam = onp.array([-1.0, 0.0, onp.nan])
    want = jax.random.poisson(jax.random.PRNGKey(0), lam)
    got = ar.poisson(ar.PRNGKey(0), anp.asarray(lam))
    onp.testing.assert_array_equal(onp.asarray(got), onp.asarray(want))


def test_binomial_invalid_parameters_like_jax():
    jax = pytest.importorskip("jax")
    n = onp.array([-1.0, 0.0, onp.nan, onp.inf])
    p = onp.array([onp.nan, 0.0, -0.1, 1.1])
    for args in ((n, 0.5), (5.0, p)):
        want = jax.random.binomial(jax.random.PRNGKey(0), *args)
        got = ar.binomial(ar.PRNGKey(0), *[anp.asarray(a) for a in args])
        _same(got, want)


def test_categorical_logits_batch_broadcasts_to_shape():
    jax = pytest.importorskip("jax")
    logits = onp.ones((3, 1, 10))
    want = jax.random.categorical(jax.random.PRNGKey(0), logits, axis=-1, shape=(3, 4))
    got = ar.categorical(ar.PRNGKey(0), anp.asarray(logits), axis=-1, shape=(3, 4))
    assert got.shape == want.shape == (3, 4)
    with pytest.raises(ValueError, match="categorical"):
        ar.categorical(ar.PRNGKey(0), anp.asarray(logits), axis=-1, shape=(2, 4))


@pytest.mark.parametrize("method", ["cholesky", "eigh", "svd"])
@pytest.mark.parametrize("jit", [False, True])
def test_multivariate_normal_singular_cov_like_jax(method, jit):
    jax = pytest.importorskip("jax")
    cov = onp.ones((2, 2))
    want = onp.asarray(
        jax.random.multivariate_normal(
            jax.random.PRNGKey(0), onp.zeros(2), cov, (2,), method=method
        )
    )

    def f(c):
        return ar.multivariate_normal(ar.PRNGKey(0), anp.zeros(2), c, (2,), method=method)

    got = onp.asarray((arrax.jit(f) if jit else f)(anp.asarray(cov)))
    assert onp.isnan(got).all() == onp.isnan(want).all()
    if method != "svd":  # (svd's singular vectors have a free sign)
        _same(got, want)


@arrax_only
def test_multivariate_normal_cholesky_jit_positive_definite_unchanged():
    cov = anp.array([[2.0, 0.5], [0.5, 1.0]])
    f = lambda c: ar.multivariate_normal(ar.PRNGKey(1), anp.zeros(2), c, (3,))  # noqa: E731
    _same(arrax.jit(f)(cov), f(cov))


def test_choice_and_categorical_mode_keyword():
    jax = pytest.importorskip("jax")
    k = ar.PRNGKey(0)
    for mode in (None, "low", "high"):
        assert ar.choice(k, 10, (3,), mode=mode).shape == (3,)
        got = ar.categorical(k, anp.zeros((4, 3)), mode=mode)
        want = jax.random.categorical(jax.random.PRNGKey(0), onp.zeros((4, 3)), mode=mode)
        assert got.shape == want.shape
        p = anp.array([0.1, 0.2, 0.7])
        assert ar.choice(k, 3, (2,), replace=False, p=p, mode=mode).shape == (2,)
    with pytest.raises(ValueError, match="choice"):
        ar.choice(k, 10, (3,), mode="bad")


_OUT_SHARDING = [
    ("bernoulli", ()), ("bits", ()), ("cauchy", ()), ("exponential", ()), ("gumbel", ()),
    ("laplace", ()), ("logistic", ()), ("normal", ()), ("uniform", ()), ("rademacher", ()),
    ("maxwell", ()), ("randint", ((2,), 0, 5)), ("permutation", (5,)), ("gamma", (2.0,)),
    ("loggamma", (2.0,)), ("beta", (2.0, 3.0)), ("poisson", (3.0,)), ("rayleigh", (1.0,)),
    ("pareto", (2.0,)), ("chisquare", (2.0,)), ("f", (2.0, 3.0)), ("t", (2.0,)),
    ("wald", (1.0,)), ("geometric", (0.5,)), ("lognormal", ()), ("orthogonal", (2,)),
    ("truncated_normal", (-1.0, 1.0)), ("dirichlet", (anp.ones(3),)),
    ("multivariate_normal", (anp.zeros(2), anp.eye(2))), ("categorical", (anp.zeros(3),)),
    ("triangular", (0.0, 0.5, 1.0)), ("generalized_normal", (2.0,)), ("ball", (2,)),
]  # fmt: skip


@pytest.mark.parametrize("name,args", _OUT_SHARDING, ids=[n for n, _ in _OUT_SHARDING])
def test_out_sharding_keyword(name, args):
    jax = pytest.importorskip("jax")
    import inspect

    assert "out_sharding" in inspect.signature(getattr(jax.random, name)).parameters
    fn = getattr(ar, name)
    assert onp.array_equal(
        onp.asarray(fn(ar.PRNGKey(0), *args, out_sharding=None)),
        onp.asarray(fn(ar.PRNGKey(0), *args)),
        equal_nan=True,
    )
    with pytest.raises(NotImplementedError, match=name):
        fn(ar.PRNGKey(0), *args, out_sharding="x")


def test_orthogonal_rectangular_like_jax():
    jax = pytest.importorskip("jax")
    for n, m in ((3, 2), (2, 3), (3, 3)):
        got = ar.orthogonal(ar.PRNGKey(0), n, (), anp.float64, m)
        want = jax.random.orthogonal(jax.random.PRNGKey(0), n, (), onp.float64, m)
        assert got.shape == want.shape == (n, m)
        g = onp.asarray(got)
        gram = g.T @ g if n >= m else g @ g.T
        onp.testing.assert_allclose(gram, onp.eye(min(n, m)), atol=1e-12)


@arrax_only
@pytest.mark.parametrize("sampler", ["normal", "uniform", "bits"])
def test_eval_shape_of_huge_draw_does_not_allocate(sampler):
    out = arrax.eval_shape(lambda s: getattr(ar, sampler)(ar.PRNGKey(s), (10**12,)), 0)
    assert out.shape == (10**12,)
    keys = arrax.eval_shape(lambda s: ar.split(ar.PRNGKey(s), 10**10), 0)
    assert keys.shape == (10**10, 2)


@arrax_only
def test_traced_counters_give_the_same_bits():
    # above 2**20 elements a traced key builds its counters lazily: same stream as eagerly
    k = ar.PRNGKey(3)
    got = arrax.jit(lambda kk: ar.bits(kk, (1 << 21,)))(k)
    onp.testing.assert_array_equal(onp.asarray(got), onp.asarray(ar.bits(k, (1 << 21,))))


# ---- ufuncs ----------------------------------------------------------------------------------

X2 = onp.arange(12.0).reshape(4, 3)


def _frompyfunc_pair(jax):
    add = lambda a, b: a + b  # noqa: E731
    return (anp.frompyfunc(add, 2, 1, identity=0), jax.numpy.frompyfunc(add, 2, 1, identity=0))


def test_frompyfunc_properties_like_jax():
    jax = pytest.importorskip("jax")
    mine, theirs = _frompyfunc_pair(jax)
    assert mine.nargs == theirs.nargs == 2
    for attr in ("nargs", "nin", "nout", "identity", "_func"):
        getattr(mine, attr)
        with pytest.raises(AttributeError):
            setattr(mine, attr, None)
    g = lambda a, b: a * b  # noqa: E731
    assert anp.frompyfunc(g, 2, 1) == anp.frompyfunc(g, 2, 1)
    assert hash(anp.frompyfunc(g, 2, 1)) == hash(anp.frompyfunc(g, 2, 1))
    assert anp.frompyfunc(g, 2, 1) != anp.frompyfunc(anp.add, 2, 1, identity=0)


@pytest.mark.parametrize("jit", [False, True])
def test_frompyfunc_methods_like_jax(jit):
    jax = pytest.importorskip("jax")
    mine, theirs = _frompyfunc_pair(jax)
    idx, seg, mask = onp.array([0, 0, 2]), onp.array([0, 2, 1]), X2 % 2 == 0
    wrap = arrax.jit if jit else (lambda f: f)
    _same(
        wrap(lambda x: mine.at(x, idx, 1.0, inplace=False))(X2),
        theirs.at(X2, idx, 1.0, inplace=False),
    )
    _same(wrap(lambda x: mine.reduceat(x, seg, axis=0))(X2), theirs.reduceat(X2, seg, axis=0))
    _same(
        wrap(lambda x, m: mine.reduce(x, where=m, axis=0))(X2, mask),
        theirs.reduce(X2, where=mask, axis=0),
    )
    neg = anp.frompyfunc(lambda a: -a, 1, 1)
    want = jax.numpy.frompyfunc(lambda a: -a, 1, 1).at(X2, (idx, 1), inplace=False)
    _same(wrap(lambda x: neg.at(x, (idx, 1), inplace=False))(X2), want)


def test_ufunc_methods_under_jit_like_jax():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    x1 = onp.arange(6.0)
    at_neg = arrax.jit(lambda x: anp.negative.at(x, onp.array([1, 1, 3]), inplace=False))
    _same(at_neg(x1), jnp.negative.at(x1, onp.array([1, 1, 3]), inplace=False))
    idx = onp.array([1, 1, 3])
    _same(
        arrax.jit(lambda x, i: anp.subtract.at(x, i, 2.0, inplace=False))(x1, idx),
        jnp.subtract.at(x1, idx, 2.0, inplace=False),
    )
    seg = onp.array([0, 4, 1, 5, 5])
    _same(arrax.jit(anp.add.reduceat)(onp.arange(8), seg), onp.add.reduceat(onp.arange(8), seg))
    _same(
        arrax.jit(lambda a, i: anp.maximum.reduceat(a, i, axis=1))(X2, onp.array([0, 2])),
        onp.maximum.reduceat(X2, [0, 2], axis=1),
    )

    def red(a, w, i):
        return anp.maximum.reduce(a, axis=0, where=w, initial=i)

    _same(
        arrax.jit(red)(X2, X2 > 3, 10.0), onp.maximum.reduce(X2, axis=0, where=X2 > 3, initial=10.0)
    )


@arrax_only
def test_ufunc_nargs_stays_numpy():
    assert anp.add.nargs == onp.add.nargs == 3


# ---- scipy.special -------------------------------------------------------------------------


def test_logsumexp_empty_is_minus_inf():
    jax = pytest.importorskip("jax")
    assert float(asp.logsumexp(anp.zeros((0,)))) == float(jax.scipy.special.logsumexp(onp.zeros(0)))
    _same(asp.logsumexp(anp.zeros((0, 3)), axis=0), onp.full(3, -onp.inf))
    out, sign = asp.logsumexp(anp.zeros((0,)), return_sign=True)
    assert float(out) == -onp.inf and float(sign) == 0.0


@pytest.mark.parametrize(
    "name, args",
    [("gammainc", (0.0, 2.0)), ("gammaincc", (0.0, 2.0)), ("gammainc", (0.0, 0.0)),
     ("betainc", (0.0, 2.0, 0.5)), ("betainc", (2.0, 0.0, 0.5)), ("betainc", (0.0, 0.0, 0.5)),
     ("betainc", (0.0, 2.0, 0.0)), ("betainc", (2.0, 0.0, 1.0)), ("betainc", (0.0, 2.0, 1.5))],
)  # fmt: skip
def test_incomplete_functions_at_zero_shape_parameters(name, args):
    # The limits at a = 0 (or b = 0): SciPy's and JAX's values, where arrax gave NaN.
    expected = {
        ("gammainc", (0.0, 2.0)): 1.0, ("gammaincc", (0.0, 2.0)): 0.0,
        ("gammainc", (0.0, 0.0)): float("nan"), ("betainc", (0.0, 2.0, 0.5)): 1.0,
        ("betainc", (2.0, 0.0, 0.5)): 0.0, ("betainc", (0.0, 0.0, 0.5)): float("nan"),
        ("betainc", (0.0, 2.0, 0.0)): 0.0, ("betainc", (2.0, 0.0, 1.0)): 1.0,
        ("betainc", (0.0, 2.0, 1.5)): float("nan"),
    }[(name, args)]  # fmt: skip
    got = float(getattr(asp, name)(*[onp.float64(a) for a in args]))
    onp.testing.assert_equal(got, expected)
