"""custom_jvp / custom_vjp semantics from JAX's tests/custom_api_test.py (JAX 0.10.2, 64-bit),
checked against JAX where it is installed:

* keyword arguments are resolved to positions (defaults filled in), with JAX's TypeErrors;
* ``nondiff_argnames``; ``defvjp(..., optimize_remat=True)`` is accepted;
* ``symbolic_zeros=True`` rules get ``SymbolicZero`` tangents/cotangents and (custom_vjp)
  ``CustomVJPPrimal`` arguments, also under vmap; ``zero_from_primal``;
* bwd may return None for a whole subtree of an argument; JAX's errors for rules that return
  the wrong structure, a tangent of the wrong shape, or a non-tuple;
* a custom_jvp function applied to tangents inside a staged rule (a scan) transposes;
* ``closure_convert`` hoists the traced floating-point values a function closes over."""

from functools import partial

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]


def _both():
    jax = pytest.importorskip("jax")
    return [(arrax, anp), (jax, jax.numpy)]


def test_custom_jvp_vjp_kwargs_resolved_like_jax():
    for X, _N in _both():

        @X.custom_jvp
        def f(x, y, c=1.0):
            return c * (x + y)

        @f.defjvp
        def f_jvp(primals, tangents):
            x, y, c = primals
            tx, ty, tc = tangents
            return f(x, y, c), c * (tx + ty)

        p, t = X.jvp(lambda x, y: f(x, y, c=2.0), (10.0, 5.0), (1.0, 1.0))
        assert float(p) == 30.0 and float(t) == 4.0

        @X.custom_vjp
        def g(x, y, c=1.0):
            return c * (x + y)

        g.defvjp(lambda x, y, c=1.0: (g(x, y, c), c), lambda c, ct: (c * ct, c * ct, None))
        assert float(X.grad(lambda x: g(x, 5.0, c=3.0))(1.0)) == 3.0

        @X.custom_jvp
        def h(x, y, *, z=None):
            return x + y

        h.defjvp(lambda p, t: (h(*p), t[0]))
        with pytest.raises(TypeError, match=r"custom_jvp-decorated function h(.*)\n.*'y'"):
            h(0.5)
        with pytest.raises(TypeError, match="could not be resolved to positions: z"):
            h(0.5, 0.1, z=1.0)


def test_nondiff_argnames_like_jax():
    for X, N in _both():

        @partial(X.custom_vjp, nondiff_argnums=(0,), nondiff_argnames=("g",))
        def app(f, g, x):
            return f(x) + g(x)

        app.defvjp(lambda f, g, x: (app(f, g, x), N.cos(x)), lambda f, g, c, v: (c * v,))
        val, gr = X.value_and_grad(lambda x: app(lambda y: 2 * y, lambda y: 2 * y, x))(1.0)
        assert float(val) == 4.0 and np.isclose(float(gr), np.cos(1.0))

        @partial(X.custom_jvp, nondiff_argnames=("f",))
        def app2(f, x):
            return f(x)

        app2.defjvp(lambda f, p, t: (app2(f, *p), 3 * t[0]))
        assert X.jvp(lambda x: app2(lambda y: 2 * y, x), (1.0,), (1.0,))[1] == 3.0


def test_optimize_remat_accepted_like_jax():
    for X, N in _both():

        @X.custom_vjp
        def f(x, y):
            return N.sin(x) * y

        f.defvjp(
            lambda x, y: (f(x, y), (N.cos(x), N.sin(x), y)),
            lambda r, g: (r[0] * g * r[2], r[1] * g),
            optimize_remat=True,
        )
        assert np.isclose(float(X.grad(f)(3.2, 1.0)), np.cos(3.2))


def test_symbolic_zeros_custom_jvp_like_jax():
    for X, N in _both():
        Zero = X.custom_derivatives.SymbolicZero
        seen = []

        @X.custom_jvp
        def f(x, y):
            return x * y

        @partial(f.defjvp, symbolic_zeros=True)
        def f_jvp(primals, tangents):
            x, y = primals
            tx, ty = tangents
            seen.append((type(tx) is Zero, type(ty) is Zero))
            return f(x, y), (ty * x if type(tx) is Zero else tx * y)

        assert float(X.grad(f, 1)(2.0, 3.0)) == 2.0
        assert seen[-1] == (True, False)
        out = X.grad(lambda x, y: X.vmap(f)(x, y).sum())(N.ones(3), 2 * N.ones(3))
        assert np.allclose(np.asarray(out), 2.0)
        assert seen[-1] == (False, True)
        z = X.custom_derivatives.zero_from_primal(N.ones(2), symbolic_zeros=True)
        assert type(z) is Zero and tuple(z.shape) == (2,)


def test_symbolic_zeros_custom_vjp_like_jax():
    for X, N in _both():
        Zero = X.custom_derivatives.SymbolicZero
        seen = {}

        @X.custom_vjp
        def f(x, y):
            return x, y

        def fwd(x, y):
            seen["pert"] = (x.perturbed, y.perturbed)
            return f(x.value, y.value), None

        def bwd(_, g):
            seen["ct_y_zero"] = type(g[1]) is Zero
            return g

        f.defvjp(fwd, bwd, symbolic_zeros=True)
        out = X.grad(lambda x, y: f(x, y)[0].sum())(N.ones(3), N.ones(3))
        assert np.allclose(np.asarray(out), 1.0)
        assert seen == {"pert": (True, False), "ct_y_zero": True}
        seen.clear()
        out = X.grad(lambda x, y: X.vmap(f)(x, y)[0].sum())(N.ones(3), N.ones(3))
        assert np.allclose(np.asarray(out), 1.0) and seen["ct_y_zero"]


def test_bwd_none_subtrees_and_leaf_for_subtree_like_jax():
    for X, _N in _both():

        @X.custom_vjp
        def f(x):
            return x[0]

        f.defvjp(lambda x: (f(x), None), lambda _, z: ((z, (None, None)),))
        g = X.grad(f)((1.0, (2.0, 3.0)))
        assert float(g[0]) == 1.0 and float(g[1][0]) == 0.0
        g = X.grad(f)((1.0, (2.0, None)))
        assert float(g[0]) == 1.0


def test_custom_rule_error_messages_like_jax():
    for X, N in _both():

        @X.custom_jvp
        def foo(x):
            return x**2

        with pytest.raises(AttributeError, match="No JVP defined for custom_jvp function foo"):
            foo(2.0)

        @X.custom_vjp
        def bar(x):
            return x**2

        with pytest.raises(AttributeError, match="No VJP defined for custom_vjp function bar"):
            X.grad(bar)(2.0)

        @X.custom_jvp
        def f(x):
            return (x**2,)

        @f.defjvp
        def f_jvp(p, t):
            return f(*p), [2 * p[0] * t[0], p[0]]

        with pytest.raises(TypeError, match=r"equal container \(pytree\) structures"):
            X.jvp(f, (2.0,), (1.0,))

        @X.custom_jvp
        def g(x):
            return x**2

        @g.defjvp
        def g_jvp(p, t):
            return t[0]

        with pytest.raises(TypeError, match=r"must produce a pair .* but got 1.0"):
            X.jvp(g, (2.0,), (1.0,))

        @X.custom_jvp
        def h(x):
            return x**2

        h.defjvp(lambda p, t: (h(*p), N.reshape(t[0], (1,))))
        with pytest.raises(TypeError, match="corresponding shapes and dtypes"):
            X.jvp(h, (N.float32(2.0),), (N.float32(1.0),))

        @X.custom_vjp
        def k(x):
            return x

        k.defvjp(lambda x: (x, None), lambda _, g: (g, g))
        with pytest.raises(TypeError, match=r"same container \(pytree\) structure"):
            X.grad(k)(2.0)
        k.defvjp(lambda x: (x, None), lambda _, g: 2.0 * g)
        with pytest.raises(TypeError, match="Custom VJP bwd rule .* must produce a tuple"):
            X.grad(k)(3.0)

        @X.custom_vjp
        def s(x):
            return N.sin(x)

        s.defvjp(lambda x: (s(x), N.cos(x)), lambda c, g: (c * g,))
        with pytest.raises(TypeError, match=r"can't apply forward-mode autodiff \(jvp\)"):
            X.jvp(s, (3.0,), (1.0,))


def test_fwd_rule_primal_out_mismatch_in_scan_like_jax():
    for X, N in _both():

        @X.custom_jvp
        def f(x):
            return x

        @f.defjvp
        def f_jvp(p, t):
            return (p[0], p[0]), (t[0], t[0])

        def scan_apply(x):
            return X.lax.scan(lambda c, _: (f(c), None), x, None, length=1)[0]

        with pytest.raises(TypeError, match="container/pytree structure:\n    .*float32"):
            X.jvp(scan_apply, (N.float32(1.0),), (N.float32(1.0),))


def test_custom_jvp_applied_to_tangents_in_scan_transposes_like_jax():
    # the rule calls the custom function on the tangent: a linear use that reverse mode
    # transposes (arrax raised "custom_call: no transpose rule")
    for X, _N in _both():

        @X.custom_jvp
        def f(x):
            return -x

        f.defjvp(lambda p, t: (f(p[0]), f(t[0])))

        def foo(x):
            return X.lax.scan(lambda c, _: (f(c), None), x, None, length=1)[0]

        assert float(X.grad(foo)(3.0)) == -1.0


def test_closure_convert_like_jax():
    for X, N in _both():
        cc = X.custom_derivatives.closure_convert

        def cos_after(fn, x):
            converted, aux = cc(fn, x)
            assert len(aux) <= 1
            return _cos_after(converted, x, *aux)

        @partial(X.custom_vjp, nondiff_argnums=(0,))
        def _cos_after(fn, x, *args):
            return N.cos(fn(x, *args))

        def fwd(fn, x, *args):
            return _cos_after(fn, x, *args), (x, args)

        def rev(fn, res, g):
            x, args = res
            return (17.0 * x, *[42.0 * a for a in args])

        _cos_after.defvjp(fwd, rev)

        def solve(c, s, x):
            return cos_after(lambda x: N.sum(s * (x - c) ** 2.0), x)

        c, s, x = 2.0 * N.ones(2), 3.0 * N.ones(2), N.ones(2)
        assert np.isclose(float(solve(c, s, x)), np.cos(6.0))
        g_c, g_x = X.grad(solve, argnums=(0, 2))(c, s, x)
        assert np.allclose(np.asarray(g_c), 84.0) and np.allclose(np.asarray(g_x), 17.0)

        _, vjp = X.vjp(lambda x, z: z * x, 2.0, 3.0)
        pure, aux = cc(vjp, 2.0)
        pure(2.0, *aux)
        with pytest.raises(TypeError, match="The inputs to the closure produced by closure"):
            pure(2.0, aux)


def test_checkpoint_of_partial_and_defaults_stay_static_like_jax():
    # A checkpointed functools.partial (JAX's scan_with_new_checkpoint) and a checkpointed
    # function with a Python default: the partial's bound arguments and the default are not
    # turned into traced arguments (scan's reverse=False stayed a Python bool).
    d = np.array([0.3, -0.2])

    def f(N):
        def body(c, a):
            b = N.cos(N.sum(N.sin(a)) + N.sum(N.cos(c)) + N.sum(d))
            return N.sin(c * b), b

        return body

    def layer(N):
        def g(x, training=False):
            return x * 2 if training else x + 1

        return g

    xs, c0 = np.linspace(0, 1, 15).reshape(5, 3), np.linspace(-1, 1, 4)
    results = []
    for X, N in _both():

        def scan_ck(body, *args):
            return X.checkpoint(partial(X.lax.scan, body))(*args)

        ys = X.jit(scan_ck, static_argnums=(0,))(f(N), c0, xs)[1]
        g = X.grad(lambda c: scan_ck(f(N), c, xs)[1].sum())(c0)
        h = X.jit(X.grad(lambda x: X.checkpoint(layer(N))(x).sum()))(np.ones(2))
        results.append([np.asarray(ys), np.asarray(g), np.asarray(h)])
    for a, j in zip(*results):
        np.testing.assert_allclose(a, j, rtol=1e-12)
