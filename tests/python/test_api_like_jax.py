"""Transformation semantics from JAX's api_test (JAX 0.10.2, 64-bit), checked against JAX:

* ``linear_transpose``: integer -> integer maps transpose exactly, abstract primals
  (ShapeDtypeStruct or any object with ``shape``/``dtype``), JAX's TypeErrors for a cotangent
  whose tree or type does not match the output, and for mixed integer/float maps;
* the functions ``linearize`` returns check their tangents against the primals (ValueError);
* ``vmap``'s ``in_axes`` must be an int, None or a tuple/list (not a bool, not a dict);
* the functions ``vjp``, ``linearize`` and ``linear_transpose`` return are pytrees, so a jit
  can return them or take them as arguments;
* float0: the tangent/cotangent type of integer values (jvp, vjp, linearize, grad under jit);
* a Python float differentiated by grad/jvp/vjp is weakly typed, as in JAX: ``x * w32`` is
  float32, and so are the values value_and_grad and jvp return."""

from functools import partial

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY, arrax_only

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]


def _both():
    jax = pytest.importorskip("jax")
    return [(arrax, anp), (jax, jax.numpy)]


def _f0(shape=()):
    return np.zeros(shape, arrax.float0)


def _assert_float0(x, shape=()):
    x = np.asarray(x)
    assert x.dtype == arrax.float0 and x.shape == shape


# --- linear_transpose ------------------------------------------------------------------


def test_linear_transpose_integer_like_jax():
    for X, _ in _both():
        (out,) = X.linear_transpose(lambda x: 2 * x, 1)(3)
        assert int(out) == 6
        (out,) = X.linear_transpose(lambda x: 3 * x[0] + x[1], [1, 2])(2)
        assert [int(v) for v in out] == [6, 2]


def test_linear_transpose_float_and_complex_like_jax():
    for X, N in _both():
        (out,) = X.linear_transpose(lambda x: (1 + 2j) * x, 1j)(3 + 4j)
        assert complex(out) == -5 + 10j
        (out,) = X.linear_transpose(lambda x: x[0], [1.0, 2.0])(3.0)
        assert [float(v) for v in out] == [3.0, 0.0]
        (out,) = X.linear_transpose(lambda x: N.sum(2 * x), N.ones(3))(1.5)
        np.testing.assert_allclose(np.asarray(out), [3.0, 3.0, 3.0])


def test_linear_transpose_errors_like_jax():
    for X, N in _both():
        with pytest.raises(TypeError, match="linear_transpose only supports"):
            X.linear_transpose(lambda x: 2.0 * x, 1)
        t = X.linear_transpose(lambda x: [x, x], 1.0)
        with pytest.raises(TypeError, match="cotangent tree does not match"):
            t(1.0)
        t = X.linear_transpose(lambda x: N.stack([x, x]), 1.0)
        with pytest.raises(TypeError, match="cotangent type does not match"):
            t(1.0)
        t = X.linear_transpose(lambda x: 1j * x, 1.0)
        with pytest.raises(TypeError, match="cotangent type does not match"):
            t(1.0)
        t = X.linear_transpose(lambda x: x, 1.0)
        with pytest.raises(TypeError, match="cotangent type does not match"):
            t(1j)


def test_linear_transpose_abstract_primals_like_jax():
    import types

    for X, N in _both():
        y = N.arange(3, dtype=np.float32)
        for p in (
            X.ShapeDtypeStruct((3,), np.float32),
            types.SimpleNamespace(shape=(3,), dtype=np.dtype(np.float32)),
        ):
            (z,) = X.linear_transpose(lambda x: 2 * x, p)(y)
            assert z.dtype == np.float32
            np.testing.assert_array_equal(np.asarray(z), [0.0, 2.0, 4.0])


def test_linear_transpose_through_jit_like_jax():
    for X, _ in _both():
        f = X.jit(lambda x: (2 * x, x > 0))
        (out,) = X.linear_transpose(lambda x: f(x)[0], 1.0)(1.0)
        assert float(out) == 2.0


# --- linearize's tangent checks ----------------------------------------------------------

_MSG = "linearized function called on tangent values inconsistent with the original primal values"


def test_linearize_tangent_shape_and_dtype_checks_like_jax():
    for X, N in _both():
        T = N.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        x = N.array([1, 2, 3])
        for f in (N.sum, X.jit(N.sum)):
            _, f_jvp = X.linearize(f, x)
            with pytest.raises(ValueError, match=_MSG):
                f_jvp(T)
        _, f_jvp = X.linearize(lambda x: x, 1.0)
        assert float(f_jvp(1.0)) == 1.0
        with pytest.raises(ValueError, match=_MSG):
            f_jvp(1)
        _, f_jvp = X.linearize(lambda x: 2 * x, N.ones(2))
        with pytest.raises(ValueError, match=_MSG):
            f_jvp(N.ones(3))
        _, f_jvp = X.linearize(lambda x: x, np.ones(2, np.int32))
        _assert_float0(f_jvp(_f0((2,))), (2,))
        with pytest.raises(ValueError, match=_MSG):
            f_jvp(np.ones(2, np.int32))


@arrax_only
def test_linearize_keeps_values_and_pytrees():
    y, f_jvp = arrax.linearize(lambda d: d["a"] * anp.sin(d["b"]), {"a": 2.0, "b": 0.5})
    got = f_jvp({"a": 1.0, "b": 1.0})
    np.testing.assert_allclose(float(got), np.sin(0.5) + 2.0 * np.cos(0.5))


# --- vmap's in_axes ------------------------------------------------------------------------


def test_vmap_in_axes_type_errors_like_jax():
    for X, N in _both():
        msg = "vmap in_axes must be an int, None, or a tuple of entries"
        with pytest.raises(TypeError, match=msg):
            X.vmap(lambda x: x, in_axes=False)(N.zeros(3))
        with pytest.raises(TypeError, match=msg):
            X.vmap(lambda x: x["a"], in_axes={"a": 0})({"a": N.zeros(3)})
        with pytest.raises(TypeError, match="vmap in_axes must be an int, None, or"):
            X.vmap(lambda x: x, in_axes=(True,))(N.zeros(3))
        # What works stays working: lists, nested dicts inside the tuple, None, negatives.
        out = X.vmap(lambda x, y: x["a"] + y, in_axes=[{"a": 0}, None])({"a": N.zeros(3)}, 1.0)
        np.testing.assert_array_equal(np.asarray(out), [1.0, 1.0, 1.0])
        out = X.vmap(lambda x: x, in_axes=-1)(N.ones((2, 3)))
        assert out.shape == (3, 2)


# --- vjp / linearize / linear_transpose results are pytrees --------------------------------


def test_vjp_linearize_transpose_functions_cross_jit_like_jax():
    for X, _ in _both():
        f = lambda x: 2.0 * x  # noqa: E731

        @partial(X.jit, static_argnums=0)
        def lin_vjp(f, x):
            return X.vjp(f, x)[1]

        @partial(X.jit, static_argnums=0)
        def lin(f, x):
            return X.linearize(f, x)[1]

        @partial(X.jit, static_argnums=0)
        def transpose(f, x):
            return X.linear_transpose(f, x)

        call = X.jit(lambda g, x: g(x))
        assert tuple(float(v) for v in call(lin_vjp(f, 1.0), 3.0)) == (6.0,)
        assert float(call(lin(f, 1.0), 3.0)) == 6.0
        assert tuple(float(v) for v in call(transpose(f, 1.0), 3.0)) == (6.0,)


def test_vjp_fun_with_residuals_crosses_jit_like_jax():
    for X, N in _both():
        x0 = N.array([0.3, 1.2])
        _, pull = X.jit(lambda x: X.vjp(N.sin, x))(x0)
        leaves = X.tree_util.tree_leaves(pull)
        assert leaves  # the residual cos(x) is a leaf
        got = X.jit(lambda g, c: g(c))(pull, N.ones(2))[0]
        np.testing.assert_allclose(np.asarray(got), np.cos([0.3, 1.2]))
        _, jvp_fn = X.linearize(N.sin, x0)
        got = X.jit(lambda g, t: g(t))(jvp_fn, N.ones(2))
        np.testing.assert_allclose(np.asarray(got), np.cos([0.3, 1.2]))


# --- float0 -------------------------------------------------------------------------------


def test_jvp_of_int_gives_float0_like_jax():
    for X, _ in _both():
        _, t = X.jvp(lambda x: x, (1,), (_f0(),))
        _assert_float0(t)
        _, t = X.jvp(lambda x: x + 1, (2,), (_f0(),))
        _assert_float0(t)
        _, t = X.jvp(X.jit(lambda x: x + 1), (2,), (_f0(),))
        _assert_float0(t)
        p, t = X.jvp(lambda x: x.astype(np.int32) + 1, (2.0,), (1.0,))
        assert int(p) == 3
        _assert_float0(t)
        # A float output next to an integer one keeps its tangent.
        (a, b), (ta, tb) = X.jvp(lambda x, i: (x * i, i * 2), (2.0, 3), (1.0, _f0()))
        assert float(ta) == 3.0
        _assert_float0(tb)


def test_vjp_of_int_gives_float0_like_jax():
    for X, N in _both():
        primal, fn_vjp = X.vjp(lambda x, i: x[i], np.ones(2) * 2, 1)
        tx, ti = fn_vjp(1.0)
        np.testing.assert_array_equal(np.asarray(tx), [0.0, 1.0])
        _assert_float0(ti)
        _, fn_vjp = X.vjp(lambda x: X.lax.reshape(x, (2, 2)), np.ones((4, 1), dtype=int))
        (t,) = fn_vjp(np.zeros((2, 2), X.dtypes.float0))
        _assert_float0(t, (4, 1))
        out, fn_vjp = X.vjp(X.lax.full_like, N.zeros((2, 2)), 1)
        tx, ty = fn_vjp(out)
        np.testing.assert_array_equal(np.asarray(tx), np.zeros((2, 2)))
        _assert_float0(ty)


def test_jit_grad_of_int_like_jax():
    for X, N in _both():
        grad_f = X.grad(lambda x, i: x[i], argnums=(0, 1), allow_int=True)
        gx, gi = X.jit(grad_f)(np.ones(2), 1)
        np.testing.assert_array_equal(np.asarray(gx), [0.0, 1.0])
        _assert_float0(gi)
        g = X.grad(lambda x: N.sum(x + 0.0), allow_int=True)(np.ones((2, 4), dtype=int))
        _assert_float0(g, (2, 4))
        assert np.asarray(g).reshape((4, 2)).shape == (4, 2)
        value, g = X.value_and_grad(
            lambda p: X.lax.cond(p, lambda: 1.0, lambda: 2.0), allow_int=True
        )(True)
        assert float(value) == 1.0
        _assert_float0(g)


_W32 = np.ones(3, np.float32)
_WEAK_FUNS = {
    "affine": lambda np_: lambda x: ((x * 2.0 + 1) * np_.asarray(_W32)).sum(),
    "sin": lambda np_: lambda x: (np_.sin(x) * np_.asarray(_W32)).sum(),
    "square": lambda np_: lambda x: x**2,
    "float16": lambda np_: lambda x: (x * np_.ones(2, np_.float16)).sum(),
    "where": lambda np_: lambda x: np_.where(x > 0, x, 0.5 * x) * np_.asarray(_W32)[0],
    "maximum": lambda np_: lambda x: np_.maximum(x, 0.0) * np_.asarray(_W32)[1],
    "divide": lambda np_: lambda x: (np_.asarray(_W32) / (1.0 + x)).sum(),
    "exp": lambda np_: lambda x: np_.exp(x * np_.asarray(_W32)).sum(),
}


def _weak_results(ax, f):
    return [
        ax.grad(f)(0.7),
        ax.jit(ax.grad(f))(0.7),
        ax.grad(ax.grad(f))(0.7),
        ax.value_and_grad(f)(0.7)[0],
        ax.jvp(f, (0.7,), (1.0,))[1],
        ax.vjp(f, 0.7)[0],
        ax.linearize(f, 0.7)[1](1.0),
    ]


@pytest.mark.parametrize("name", sorted(_WEAK_FUNS))
def test_python_float_is_weakly_typed_under_differentiation(name):
    (a, anp_), (j, jnp) = _both()
    got = _weak_results(a, _WEAK_FUNS[name](anp_))
    want = _weak_results(j, _WEAK_FUNS[name](jnp))
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-3 if w.dtype == np.float16 else 1e-6)


def test_strong_arguments_stay_strong_under_differentiation():
    # An array (even 0-d, even float64) is strongly typed: x * w32 is float64.
    (a, anp_), (j, jnp) = _both()
    for ax, np_ in ((a, anp_), (j, jnp)):
        f = lambda x: (x * np_.asarray(_W32)).sum()  # noqa: E731
        assert np.asarray(ax.value_and_grad(f)(np_.float64(0.5))[0]).dtype == np.float64
        assert np.asarray(ax.jvp(f, (np_.float64(0.5),), (np_.float64(1.0),))[1]).dtype == (
            np.float64
        )
