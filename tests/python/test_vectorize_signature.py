"""vectorize with a gufunc signature or keyword arguments runs through vmap (it used to fall
back to numpy.vectorize, so it neither traced nor differentiated): values against NumPy's
vectorize, jit/grad against eager, and the errors of both NumPy and jax.numpy."""

import arrax
import numpy as np
import pytest
from arrax.test_util import check_grads

from conftest import anp, arrax_only

SIGNATURE_CASES = [
    # (signature, function of a module, argument shapes)
    ("(n,m),(m,k)->(n,k)", lambda m: m.dot, [(2, 3), (3, 4)]),
    ("(n,m),(m,k)->(n,k)", lambda m: m.dot, [(5, 2, 3), (3, 4)]),
    ("(n,m),(m,k)->(n,k)", lambda m: m.dot, [(5, 1, 2, 3), (4, 3, 2)]),
    ("(n),(n)->()", lambda m: m.dot, [(4, 3), (3,)]),
    ("(n)->()", lambda m: lambda x: m.sqrt(m.sum(x * x)), [(2, 3, 5)]),
    ("(n)->(),(n)", lambda m: lambda x: (m.mean(x), x - m.mean(x)), [(3, 4)]),
    ("(),()->()", lambda m: m.add, [(3, 1), (4,)]),
    ("()->(k)", lambda m: lambda x: x * m.arange(3.0), [(2,)]),
]


@pytest.mark.parametrize("case", range(len(SIGNATURE_CASES)))
def test_signature_like_numpy(case):
    signature, fn, shapes = SIGNATURE_CASES[case]
    rng = np.random.default_rng(case)
    args = [rng.standard_normal(s) for s in shapes]
    expected = np.vectorize(fn(np), signature=signature)(*args)
    actual = anp.vectorize(fn(anp), signature=signature)(*args)
    for a, e in zip(*(r if isinstance(r, tuple) else (r,) for r in (actual, expected))):
        assert a.shape == e.shape and a.dtype == e.dtype
        np.testing.assert_allclose(np.asarray(a), e, rtol=1e-12, atol=1e-12)


@arrax_only
@pytest.mark.parametrize("case", range(len(SIGNATURE_CASES)))
def test_signature_traces(case):
    signature, fn, shapes = SIGNATURE_CASES[case]
    rng = np.random.default_rng(case)
    args = [rng.standard_normal(s) for s in shapes]
    f = anp.vectorize(fn(anp), signature=signature)
    eager, jitted = f(*args), arrax.jit(f)(*args)
    for e, j in zip(*(r if isinstance(r, tuple) else (r,) for r in (eager, jitted))):
        np.testing.assert_allclose(np.asarray(j), np.asarray(e), rtol=1e-12)


@arrax_only
def test_signature_derivatives_and_vmap():
    matmat = anp.vectorize(anp.dot, signature="(n,m),(m,k)->(n,k)")
    a = anp.asarray(np.random.default_rng(0).standard_normal((3, 2, 4)))
    b = anp.asarray(np.random.default_rng(1).standard_normal((4, 5)))
    check_grads(lambda x, y: matmat(x, y), (a, b), order=2)
    np.testing.assert_allclose(np.asarray(arrax.vmap(matmat, (0, None))(a, b)), np.asarray(a @ b))


def test_keywords_are_vectorized_and_excluded_like_numpy():
    def f(x, y, func=np.add, scale=1.0):
        assert np.ndim(x) == np.ndim(y) == 0
        return func(x, y) * scale

    x, y = np.arange(4.0), np.float64(2)
    for kw in [{}, {"scale": np.array([1.0, 2.0, 3.0, 4.0])}, {"func": np.power}]:
        expected = np.vectorize(f, excluded={"func"})(x, y, **kw)
        kw_ax = {k: (anp.power if v is np.power else v) for k, v in kw.items()}
        g = lambda x, y, func=anp.add, scale=1.0: func(x, y) * scale  # noqa: E731
        actual = anp.vectorize(g, excluded={"func"})(x, y, **kw_ax)
        np.testing.assert_allclose(np.asarray(actual), expected)


@arrax_only  # (jax.numpy's convention)
def test_none_arguments_stay_none():
    f = anp.vectorize(lambda x, y: x if y is None else x + y)
    np.testing.assert_array_equal(np.asarray(f(anp.arange(4), None)), np.arange(4))
    g = anp.vectorize(lambda x, y: x, signature="(k),(k)->(k)")
    with pytest.raises(ValueError, match="Cannot pass None"):
        g(anp.arange(3), None)


@pytest.mark.parametrize(
    "signature, fn, args, exc, pattern",
    [
        ("(n,m),(m,k)->(n,k)", "dot", [(3, 2)], TypeError, "wrong number of positional"),
        ("(n,m),(m,k)->(n,k)", "dot", [(2,), (2, 2)], ValueError, "not have enough dimensions"),
        ("(n,m),(m,k)->(n,k)", "dot", [(2, 3), (4, 5)], ValueError, "inconsistent size for core"),
        ("(n,m),(m,k)->(n)", "dot", [(2, 2), (2, 2)], ValueError, "does not match"),
        ("(n,m),(m,k)->(n,n)", "dot", [(2, 3), (3, 4)], ValueError, "inconsistent size for core"),
        ("(n,m),(m,k)->(n,k),()", "dot", [(2, 2), (2, 2)], ValueError, "wrong number of outputs"),
        ("(n,m),(m,k)->(n,k),()", "dot", [(2, 2), (2, 2)], TypeError, "output must be a tuple"),
        ("()->()", "pair", [(2,)], ValueError, "wrong number of outputs"),
        ("()->()", "pair", [(2,)], TypeError, "wrong number of output arguments"),
        ("(n)->(n)", "drop", [(3,)], ValueError, "inconsistent size for core"),
        ("()->(k)", "same", [(0,)], ValueError, "otypes"),
        ("(n)->(n,k)", "same", [(0, 3)], ValueError, "otypes"),
        ("(n->()", "same", [(2,)], ValueError, "not a valid gufunc signature"),
    ],
)
def test_signature_errors_of_numpy_and_jax(signature, fn, args, exc, pattern):
    if anp is np and (exc is TypeError or "does not match" in pattern):
        pytest.skip("jax.numpy's error")
    # NumPy and jax.numpy raise different classes for a wrong number of outputs; arrax's
    # error is both.
    funcs = {
        "dot": anp.dot,
        "pair": lambda x: (x, x),
        "drop": lambda x: x[:-1],
        "same": lambda x: x,
    }
    with pytest.raises(exc, match=pattern):
        anp.vectorize(funcs[fn], signature=signature)(*[anp.zeros(s) for s in args])


def test_size_zero_inputs_like_numpy():
    x = np.zeros((0, 5), dtype=int)
    with pytest.raises(ValueError, match="otypes"):
        anp.vectorize(lambda v: v)(x)
    for signature in ["()->()", "(n)->(n)"]:
        with pytest.raises(ValueError, match="otypes"):
            anp.vectorize(lambda v: v, signature=signature)(x)
        got = anp.vectorize(lambda v: v, signature=signature, otypes="i")(x)
        assert got.shape == x.shape
    with pytest.raises(ValueError, match="new output dimensions"):
        anp.vectorize(lambda v: v, signature="(n)->(n,k)", otypes="i")(x)


@arrax_only  # (jax.numpy's checks)
def test_excluded_must_be_ints_or_strings():
    with pytest.raises(TypeError, match="can only exclude"):
        anp.vectorize(lambda x: x, excluded={1.5})
    with pytest.raises(ValueError, match="negative"):
        anp.vectorize(lambda x: x, excluded={-1})
