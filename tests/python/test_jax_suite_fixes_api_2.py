"""Gaps JAX 0.10.2's own custom_api_test.py, dtypes_test.py and random_lax_test.py found in
arrax, each checked against JAX (64-bit, as arrax is):

* a custom_jvp or custom_vjp function defined inside a vmapped function, closing over its
  batched values, and called on an argument that is differentiated but not batched (JAX's
  issue 8783): the rule's outputs are the vmap's tracers; they no longer leak;
* ``vmap`` of a function returning float0 arrays (the cotangents of integer inputs) adds the
  mapped axis to them;
* ``jacrev(allow_int=True)``: integer inputs get zero Jacobian parts of their dtype;
* ``jax.custom_derivatives.linear_call`` (a linear function with a custom transpose);
* ``jnp.isdtype`` of bfloat16 (a real floating dtype);
* ``random.f`` draws the same values as JAX (the denominator from the first split key)."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402


def same(got, want, rtol=1e-12):
    gl, wl = jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)
    assert len(gl) == len(wl), (got, want)
    for g, w in zip(gl, wl):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, (g.shape, w.shape)
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        if g.dtype.kind in "fc":
            np.testing.assert_allclose(g, w, rtol=rtol, atol=1e-12)
        elif g.dtype.kind != "V":
            np.testing.assert_array_equal(g, w)


# --- custom rules closing over a vmap's tracers ----------------------------------------------


def closure_jvp(m, xnp):
    def h(z):
        def f(x):
            @m.custom_jvp
            def g(y):
                return x * y

            @g.defjvp
            def g_jvp(primals, tangents):
                (y,), (ydot,) = primals, tangents
                return x * y, 3 * x * ydot  # (not the true derivative: the rule is used)

            return g(z)

        return m.vmap(f)(xnp.arange(3.0))

    return h


def closure_vjp(m, xnp):
    def h(z):
        def f(x):
            @m.custom_vjp
            def g(y):
                return x * y

            def g_fwd(y):
                return x * y, (x, y)

            def g_bwd(res, w_bar):
                return (3 * res[0] * w_bar,)

            g.defvjp(g_fwd, g_bwd)
            return g(z)

        return m.vmap(f)(xnp.arange(3.0)).sum()

    return h


@pytest.mark.parametrize("how", ["jvp", "grad", "jit_grad", "value_and_grad"])
def test_custom_jvp_closing_over_vmap_tracer(how):
    def run(m, xnp):
        h = closure_jvp(m, xnp)
        if how == "jvp":
            return m.jvp(h, (2.0,), (1.5,))
        s = lambda z: h(z).sum()  # noqa: E731
        if how == "grad":
            return m.grad(s)(2.0)
        if how == "jit_grad":
            return m.jit(m.grad(s))(2.0)
        return m.value_and_grad(s)(2.0)

    same(run(arrax, anp), run(jax, jnp))


@pytest.mark.parametrize("how", ["grad", "jit_grad", "value_and_grad"])
def test_custom_vjp_closing_over_vmap_tracer(how):
    def run(m, xnp):
        h = closure_vjp(m, xnp)
        if how == "grad":
            return m.grad(h)(2.0)
        if how == "jit_grad":
            return m.jit(m.grad(h))(2.0)
        return m.value_and_grad(h)(2.0)

    same(run(arrax, anp), run(jax, jnp))


def test_custom_jvp_closing_over_vmap_tracer_jacfwd():
    def run(m, xnp):
        h = closure_jvp(m, xnp)
        return m.jacfwd(lambda z: m.vmap(lambda w: h(z) * w)(xnp.arange(2.0)))(1.0)

    same(run(arrax, anp), run(jax, jnp))


# --- float0 under vmap, jacrev(allow_int=True) -----------------------------------------------


@pytest.mark.parametrize("out_axes", [0, 1, -1])
def test_vmap_of_float0_cotangents_adds_the_mapped_axis(out_axes):
    def run(m):
        _, f_vjp = m.vjp(lambda x, i: x * i, np.arange(2.0), np.arange(2))
        out = m.vmap(f_vjp, out_axes=out_axes)(np.eye(2))
        return [(np.asarray(o).shape, np.asarray(o).dtype) for o in out]

    assert run(arrax) == run(jax)
    assert type(arrax.vmap(lambda x: np.zeros(3, arrax.float0))(np.ones(2))) is np.ndarray


def test_vmap_of_float0_under_jit():
    def run(m):
        _, f_vjp = m.vjp(lambda x, i: x * i, np.arange(2.0), np.arange(2))
        out = m.jit(m.vmap(f_vjp))(np.eye(2))
        return [(np.asarray(o).shape, np.asarray(o).dtype) for o in out]

    assert run(arrax) == run(jax)


@pytest.mark.parametrize("jit", [False, True])
def test_jacrev_allow_int(jit):
    def run(m):
        f = lambda x, y, z: (x * 2, x * y)  # noqa: E731
        j = m.jacrev(f, argnums=(0, 1, 2), allow_int=True)
        j = m.jit(j) if jit else j
        return j(4.0, np.int32(7), np.arange(3, dtype=np.int32))

    same(run(arrax), run(jax))


def test_jacrev_allow_int_array_output():
    def run(m):
        return m.jacrev(lambda x, y: x * y, argnums=(0, 1), allow_int=True)(
            np.arange(2.0), np.arange(2)
        )

    same(run(arrax), run(jax))
    with pytest.raises(TypeError):
        arrax.jacrev(lambda x, y: x * y, argnums=(0, 1))(np.arange(2.0), np.arange(2))


# --- linear_call -------------------------------------------------------------------------------


def _lc_fun(m, true_transpose):
    def fn(r, x):
        return x / r

    def tp(r, t):
        return t / r if true_transpose else t / (2.0 * r)

    return lambda x, y: x + m.custom_derivatives.linear_call(fn, tp, y, x)


def _transpose(m, f, x):
    return lambda y: m.linear_transpose(f, x)(y)[0]


@pytest.mark.parametrize("true_transpose", [True, False])
@pytest.mark.parametrize(
    "how", ["value", "jit", "transpose", "transpose2", "transpose3", "grad", "jvp", "vmap"]
)
def test_linear_call(how, true_transpose):
    def run(m, xnp):
        f2 = _lc_fun(m, true_transpose)
        x, y = xnp.ones(2) * 6.0, xnp.ones(2) * 3.0
        f = lambda x: f2(x, y)  # noqa: E731
        if how == "value":
            return f(x)
        if how == "jit":
            return m.jit(f2)(x, y)
        if how == "transpose":
            return _transpose(m, f, x)(x)
        if how == "transpose2":
            return _transpose(m, _transpose(m, f, x), x)(x)
        if how == "transpose3":
            return _transpose(m, _transpose(m, _transpose(m, f, x), x), x)(x)
        if how == "grad":
            return m.grad(lambda x: f(x).sum())(x)
        if how == "jvp":
            return m.jvp(f, (x,), (x,))
        # (JAX has no batching rule for linear_call: arrax's vmap against JAX unbatched)
        return m.vmap(f2)(x, y) if m is arrax else f2(x, y)

    same(run(arrax, anp), run(jax, jnp))


def test_linear_call_pytrees_and_nesting():
    def run(m):
        def f(c, x):
            return m.custom_derivatives.linear_call(
                lambda _, x: [x, x], lambda _, t: t[0] + t[1], (), c * x
            )

        def id_(x):
            return m.custom_derivatives.linear_call(lambda _, x: x, lambda _, t: 0.0, (), x)

        def g(x):
            return m.custom_derivatives.linear_call(
                lambda _, x: id_(x), lambda _, t: id_(7.0), (), x
            )

        t = lambda f: _transpose(m, f, 0.0)  # noqa: E731
        return (
            f(2.0, 3.0),
            m.linear_transpose(lambda x: f(2.0, x), 3.0)([4.0, 5.0]),
            [t(id_)(5.0), t(t(id_))(5.0), g(5.0), t(g)(5.0), t(t(g))(5.0), t(t(t(g)))(5.0)],
        )

    same(run(arrax), run(jax))


def test_linear_call_transpose_structure_error():
    def f(m, x):
        return m.custom_derivatives.linear_call(lambda r, x: x / r, lambda r, t: None, 3.0, x)

    x = np.ones(2)
    with pytest.raises(TypeError, match="transpose output pytree"):
        jax.linear_transpose(lambda x: f(jax, x), x)(x)
    with pytest.raises(TypeError, match="transpose output pytree"):
        arrax.linear_transpose(lambda x: f(arrax, x), x)(x)


# --- isdtype of bfloat16, random.f -------------------------------------------------------------

KINDS = [
    "bool",
    "signed integer",
    "unsigned integer",
    "integral",
    "real floating",
    "complex floating",
    "numeric",
    ("integral", "bool"),
    ("real floating", "complex floating"),
]


ISDTYPE_CASES = [("bfloat16", k) for k in KINDS + ["bfloat16", "float32"]] + [
    ("float32", "bfloat16"),
    ("int8", ("bool", "bfloat16")),
    ("bfloat16", ("bool", "bfloat16")),
]


@pytest.mark.parametrize("dtype, kind", ISDTYPE_CASES)
def test_isdtype_bfloat16(dtype, kind):
    def run(xnp):
        k = kind
        if isinstance(k, str) and k in ("bfloat16", "float32"):
            k = xnp.dtype(k)
        elif isinstance(k, tuple) and "bfloat16" in k:
            k = ("bool", xnp.dtype("bfloat16"))
        return xnp.isdtype(xnp.dtype(dtype), k)

    assert run(anp) == run(jnp)


def test_isdtype_unknown_kind():
    with pytest.raises(ValueError):
        anp.isdtype(anp.dtype("bfloat16"), "floating point")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_random_f_matches_jax(dtype):
    got = arrax.random.f(arrax.random.key(0), 3.0, 4.0, (20,), dtype)
    want = jax.random.f(jax.random.key(0), 3.0, 4.0, (20,), dtype)
    same(got, want, rtol=1e-5 if dtype == "float32" else 1e-12)
