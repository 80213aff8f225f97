"""Gaps JAX's own api_test.py (JaxprTest) and checkify_test.py (AssertPrimitiveTests) found in
arrax, each checked against JAX (64-bit, as arrax is):

* ``make_jaxpr`` of abstract arguments (a ShapeDtypeStruct, or any object with ``shape`` and
  ``dtype``), as ``eval_shape`` takes them;
* ``make_jaxpr(..., return_shape=True)``: the graph and the outputs' ShapeDtypeStructs;
* ``checkify.check`` staged under ``jit`` outside ``checkify`` is JAX's "Cannot abstractly
  evaluate a checkify.check which was not functionalized" ValueError whatever its predicate
  (also a concrete False), while ``eval_shape``/``make_jaxpr`` of it do not run it."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax.experimental import checkify as acheckify

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402
from jax.experimental import checkify as jcheckify  # noqa: E402


def avals(ir):
    return [(tuple(a.shape), np.dtype(a.dtype)) for a in ir]


# --- make_jaxpr ------------------------------------------------------------------------------


class Abstract:
    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype


@pytest.mark.parametrize("make", ["struct", "duck"])
def test_make_jaxpr_of_abstract_arguments(make):
    def arg(m, shape, dtype):
        return m.ShapeDtypeStruct(shape, dtype) if make == "struct" else Abstract(shape, dtype)

    def f(x, y):
        return x * 2.0 + y.sum()

    got = arrax.make_jaxpr(f)(arg(arrax, (2, 3), np.float32), arg(arrax, (4,), np.float64))
    want = jax.make_jaxpr(f)(arg(jax, (2, 3), np.float32), arg(jax, (4,), np.float64))
    assert avals(got.in_avals) == avals(want.in_avals)
    assert avals(got.out_avals) == avals(want.out_avals)
    assert "add" in str(got)


def test_make_jaxpr_return_shape():
    def f(x, y):
        return {"a": x + 1, "b": [anp.zeros((2, 3), anp.float32), x * y]}

    def g(x, y):
        return {"a": x + 1, "b": [jnp.zeros((2, 3), jnp.float32), x * y]}

    x, y = np.int32(1), np.ones(4)
    ir, shapes = arrax.make_jaxpr(f, return_shape=True)(x, y)
    jir, jshapes = jax.make_jaxpr(g, return_shape=True)(x, y)
    assert "mul" in str(ir)
    got, gtree = jax.tree_util.tree_flatten(shapes)
    want, wtree = jax.tree_util.tree_flatten(jshapes)
    assert gtree == wtree
    for s, w in zip(got, want):
        assert isinstance(s, arrax.ShapeDtypeStruct)
        assert (tuple(s.shape), np.dtype(s.dtype)) == (tuple(w.shape), np.dtype(w.dtype))
    # static arguments and return_shape together
    ir, shape = arrax.make_jaxpr(lambda a, b: a + b, static_argnums=1, return_shape=True)(2, 3)
    assert "3" in str(ir) and shape.shape == () and np.dtype(shape.dtype) == np.int64


# --- checkify.check outside checkify ---------------------------------------------------------

FUNCTIONALIZED = "Cannot abstractly evaluate a checkify.check which was not functionalized"


def staged_checks(checkify):
    return [
        ("const_false", lambda: checkify.check(False, "hi")),
        ("const_true", lambda: checkify.check(True, "hi")),
    ]


@pytest.mark.parametrize("case", ["const_false", "const_true"])
def test_check_under_jit_needs_checkify(case):
    (fj,) = [f for n, f in staged_checks(jcheckify) if n == case]
    (fa,) = [f for n, f in staged_checks(acheckify) if n == case]
    with pytest.raises(ValueError, match=FUNCTIONALIZED):
        jax.jit(fj)()
    with pytest.raises(ValueError, match=FUNCTIONALIZED):
        arrax.jit(fa)()
    # and in a control-flow body staged under jit
    with pytest.raises(ValueError, match=FUNCTIONALIZED):
        arrax.jit(lambda x: arrax.lax.cond(x > 0, lambda: fa(), lambda: None))(1.0)


def test_check_not_run_by_eval_shape_or_make_jaxpr():
    def f(checkify, x):
        checkify.check(False, "hi")
        checkify.check(x > 0, "x positive")
        return x * 2

    want = jax.eval_shape(lambda x: f(jcheckify, x), 1.0)
    got = arrax.eval_shape(lambda x: f(acheckify, x), 1.0)
    assert (got.shape, got.dtype) == (want.shape, want.dtype)
    jax.make_jaxpr(lambda x: f(jcheckify, x))(1.0)  # (no error in JAX)
    ir = arrax.make_jaxpr(lambda x: f(acheckify, x))(1.0)
    assert "mul" in str(ir)

    # eager checks and checkified jitted functions are as before
    with pytest.raises(acheckify.JaxRuntimeError, match="hi"):
        acheckify.check(False, "hi")

    def g(x):
        acheckify.check(x > 0, "must be positive!")
        return anp.log(x)

    jg = arrax.jit(acheckify.checkify(g))
    assert jg(1.0)[0].get() is None
    assert jg(0.0)[0].get().startswith("must be positive")


# --- x.at[idx].power with a repeated index ---------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
@pytest.mark.parametrize("mode", [None, "clip", "drop"])
@pytest.mark.parametrize("values", [2, [2, 3, 2]])
def test_at_power_repeated_indices(dtype, mode, values):
    """JAX raises each element to the product of the values scattered to it (a repeated
    index applies each of its values, like NumPy's power.at); arrax applied only one."""
    x = np.array([2, 3, 4]).astype(dtype)
    idx = np.array([0, 0, 5]) if mode == "clip" else np.array([0, 0, 2])
    v = np.asarray(values).astype(dtype)
    kw = {} if mode is None else {"mode": mode}
    got = anp.asarray(x).at[idx].power(v, **kw)
    want = jnp.asarray(x).at[idx].power(v, **kw)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)
    if mode is None and dtype != "int64":
        y = x.copy()
        np.power.at(y, idx, v)
        np.testing.assert_allclose(np.asarray(got), y, rtol=1e-6)


def test_at_power_grad_and_jit():
    x = np.array([2.0, 3.0, 4.0])
    idx = np.array([0, 0, 2])
    got = arrax.grad(lambda a: a.at[idx].power(2.0).sum())(anp.asarray(x))
    want = jax.grad(lambda a: a.at[idx].power(2.0).sum())(jnp.asarray(x))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want))
    got = arrax.jit(lambda a: a.at[idx].power(1.5))(anp.asarray(x))
    want = jax.jit(lambda a: a.at[idx].power(1.5))(jnp.asarray(x))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want))


# --- a float index under jit or in x.at[...] -------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        lambda m: m.numpy.zeros(2).at[0.0].add(1.0),
        lambda m: m.numpy.zeros(2).at[np.array([0.5])].set(1.0),
        lambda m: m.jit(lambda idx: m.numpy.zeros((2, 2))[idx])((0, 0.0)),
        lambda m: m.jit(lambda i: m.numpy.zeros(3)[i])(1.0),
    ],
)
def test_float_index_is_an_index_error(case):
    """A float index is NumPy's IndexError (as arrax's eager x[0.] gives; JAX: TypeError), not
    the NonConcreteBooleanIndexError about boolean masks arrax raised."""
    with pytest.raises(IndexError, match="only integers, slices"):
        np.zeros(2)[0.0]
    with pytest.raises(TypeError, match="Indexer must have integer or boolean type"):
        case(jax)
    with pytest.raises(IndexError, match="only integers, slices") as info:
        case(arrax)
    assert not isinstance(info.value, arrax.errors.NonConcreteBooleanIndexError)


# --- x.at[idx].divide ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "complex64", "float64"])
def test_at_divide_rounds_once(dtype):
    """JAX divides by the scattered values (x / y, one rounding); arrax multiplied by their
    rounded reciprocal, 1 ulp off in float32."""
    rng = np.random.RandomState(0)
    x = (rng.rand(200) + 0.5).astype(dtype)
    y = (rng.rand(200) + 0.5).astype(dtype)
    for idx in [slice(None), np.arange(200)]:
        got = anp.asarray(x).at[idx].divide(y)
        want = jnp.asarray(x).at[idx].divide(y)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
        if dtype != "complex64":  # (complex division: XLA's algorithm, not NumPy's)
            np.testing.assert_array_equal(np.asarray(got), x / y)


def test_at_divide_integer_array():
    """An integer x divided at idx gives the true quotients (JAX: float), not zeros from the
    values' integer reciprocals; repeated indices divide by each value."""
    x = np.arange(1, 5)
    got = anp.asarray(x).at[np.array([0, 1, 1, 3])].divide(np.array([2, 2, 4, 8]))
    want = jnp.asarray(x).at[np.array([0, 1, 1, 3])].divide(np.array([2, 2, 4, 8]))
    assert got.dtype == want.dtype == np.float64
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    np.testing.assert_array_equal(np.asarray(got), [0.5, 0.25, 3.0, 0.5])
