"""Whole JAX programs, round 3: the JAX docs' "Sharp bits", "Advanced automatic
differentiation" (autodiff cookbook), "Custom derivative rules", "Control flow", pytrees and
automatic vectorization pages, and hand-written model code (a causal attention block, a
RealNVP flow, a neural ODE, a linear recurrence by associative_scan, scipy.optimize.minimize),
run with arrax in place of JAX and checked against JAX itself (64-bit), plus the divergences
they turned up:

* a loop body is traced once, as JAX's (``_promote_weak``'s probe trace is reused when it
  changes nothing): the sharp bits' ``fori_loop`` over ``next(iterator)`` gives 0, not 10;
* a weakly typed loop carry (a Python scalar init) stays weak in the body when the body gives
  it back strong in its dtype (JAX's typematch ignores weakness): ``c * x32`` stays float32;
  and a traced loop's results are weak where its body's are (scan's ys of a weak carry);
* ``jvp`` with a tangent whose dtype differs from its float primal's raises JAX's TypeError
  (it failed with an internal RuntimeError in the first primitive), and a custom_jvp rule
  giving such a tangent raises JAX's TypeError (it was accepted);
* ``lax.cond``/``switch`` with a concrete predicate still check the untaken branches' output
  types (JAX traces every branch);
* ``lax.concatenate`` and ``lax.slice`` raise JAX's TypeErrors for shape-rule violations;
* ``scipy.optimize.minimize``'s counts and status are int64 (JAX's 64-bit mode), not int32.
"""

import arrax
import numpy as np
import pytest

from jax_programs_common import _assert_trees_close, _jax, _jax_x64_here, _run_both  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


def _rand(i, *shape):
    return np.random.RandomState(i).normal(size=shape)


def _exc_types(program):
    """The exception class names program raises with arrax and with JAX (None: no error)."""
    out = []
    for lib in (arrax, _jax()):
        try:
            program(lib, lib.numpy, lib.lax)
            out.append(None)
        except Exception as e:  # noqa: BLE001
            out.append(e)
    return out


# --- divergences found ----------------------------------------------------------------


def test_loop_bodies_are_traced_once_like_jax():
    # The sharp bits: "lax.fori_loop(0, 10, lambda i,x: x+next(iterator), 0) # unexpected
    # result 0" -- the body is traced once, so next() runs once.
    def program(jax, jnp, lax, nn, random):
        counts = {}

        def tick(name):
            counts[name] = counts.get(name, 0) + 1

        it = iter(range(10))
        out = {"fori_iter": lax.fori_loop(0, 10, lambda i, x: x + next(it), 0)}
        lax.fori_loop(0, 3, lambda i, x: (tick("fori"), x + i)[1], 0)
        lax.scan(lambda c, x: (tick("scan"), (c + x, c))[1], 0.0, jnp.arange(3.0))
        lax.while_loop(lambda c: c < 3, lambda c: (tick("while"), c + 1)[1], 0)
        jax.grad(lambda x: lax.fori_loop(0, 3, lambda i, c: (tick("grad"), c * x)[1], 1.0))(2.0)
        out["counts"] = {k: np.asarray(v) for k, v in counts.items()}
        return out

    ours, theirs = _run_both(program)
    assert ours["counts"] == theirs["counts"] == {"fori": 1, "scan": 1, "while": 1, "grad": 1}
    _assert_trees_close(ours["fori_iter"], theirs["fori_iter"])
    assert int(ours["fori_iter"]) == 0


def test_weak_carry_stays_weak_when_body_returns_it_strong_like_jax():
    def program(jax, jnp, lax, nn, random):
        xs = jnp.arange(3, dtype=jnp.float32)
        c, ys = lax.scan(lambda c, x: (c + jnp.float64(1), c * x), 0.0, xs)
        v = lax.fori_loop(0, 3, lambda i, c: (c[0] + jnp.float64(1), c[0] * xs), (0.0, xs))
        w = lax.while_loop(
            lambda c: c[0] < 3, lambda c: (c[0] + jnp.float64(1), c[0] * xs), (0.0, xs)
        )

        @jax.jit
        def traced(xs):  # a traced loop's results are weak where its body's are
            _, ys = lax.scan(lambda c, x: (c + jnp.float64(1), c), 0.0, xs)
            n = lax.while_loop(lambda c: c < xs[0] + 3, lambda c: c + 1, 0)
            return ys * xs, n * xs

        return c, ys, v, w, traced(xs)

    ours, theirs = _run_both(program)
    for a, j in zip(arrax.tree_util.tree_leaves(ours), _jax().tree_util.tree_leaves(theirs)):
        assert np.asarray(a).dtype == np.asarray(j).dtype
    _assert_trees_close(ours, theirs)


@pytest.mark.parametrize(
    "primal,tangent",
    [(1.0, 1), ("f32", 1.0), ("f32", "f64"), ("c128", 1.0)],
)
def test_jvp_tangent_dtype_must_match_primal_like_jax(primal, tangent):
    def program(jax, jnp, lax):
        conv = {"f32": jnp.float32(1.0), "f64": jnp.float64(1.0), "c128": jnp.complex128(1.0)}
        p, t = conv.get(primal, primal), conv.get(tangent, tangent)
        return jax.jvp(lambda x: x * 2, (p,), (t,))

    ours, theirs = _exc_types(program)
    assert type(theirs) is TypeError
    assert isinstance(ours, TypeError), ours
    assert str(ours).startswith("jvp:")


def test_jvp_tangents_that_match_still_work_like_jax():
    def program(jax, jnp, lax, nn, random):
        x32 = jnp.arange(3, dtype=jnp.float32)
        return (
            jax.jvp(lambda x: jnp.sin(x) * 2, (x32,), (jnp.ones(3, jnp.float32),)),
            jax.jvp(lambda x, n: x * n, (2.0, 3), (1.0, np.zeros((), jax.dtypes.float0))),
            jax.jvp(lambda z: z**2, (1.0 + 2j,), (1.0 + 0j,)),
        )

    ours, theirs = _run_both(program)
    _assert_trees_close(ours[0], theirs[0])
    _assert_trees_close(ours[1][0], theirs[1][0])
    _assert_trees_close(ours[2], theirs[2])


def test_custom_jvp_rule_tangent_dtype_is_checked_like_jax():
    def program(jax, jnp, lax):
        @jax.custom_jvp
        def f(x):
            return x

        @f.defjvp
        def f_jvp(p, t):
            return p[0], t[0].astype(jnp.float32)

        return jax.grad(f)(1.0)

    ours, theirs = _exc_types(program)
    assert type(theirs) is TypeError
    assert isinstance(ours, TypeError) and "Custom JVP rule" in str(ours)

    def ok(jax, jnp, lax, nn, random):  # Python-scalar tangents are weak: allowed
        @jax.custom_jvp
        def g(x):
            return jnp.sin(x)

        @g.defjvp
        def g_jvp(p, t):
            return g(p[0]), 2.0 * t[0]

        return jax.grad(g)(jnp.float32(1.0)), jax.grad(g)(1.0)

    ours, theirs = _run_both(ok)
    assert np.asarray(ours[0]).dtype == np.asarray(theirs[0]).dtype == np.float32
    _assert_trees_close(ours, theirs)


@pytest.mark.parametrize(
    "case",
    ["dtype", "shape", "tree", "switch_dtype"],
)
def test_cond_with_concrete_predicate_checks_every_branch_like_jax(case):
    def program(jax, jnp, lax):
        x = jnp.ones(2)
        if case == "dtype":
            return lax.cond(True, lambda x: x, lambda x: x.astype(jnp.float32), x)
        if case == "shape":
            return lax.cond(False, lambda x: x, lambda x: x[:1], x)
        if case == "tree":
            return lax.cond(True, lambda x: (x, x), lambda x: [x, x], x)
        return lax.switch(1, [lambda x: x, lambda x: x * 2, lambda x: x.astype(jnp.int32)], x)

    ours, theirs = _exc_types(program)
    assert type(theirs) is TypeError
    assert isinstance(ours, TypeError), ours


def test_cond_with_concrete_predicate_runs_like_jax():
    def program(jax, jnp, lax, nn, random):
        calls = []

        def branch(name, f):
            def b(x):
                calls.append(name)
                return f(x)

            return b

        x = jnp.arange(3.0)
        out = [
            lax.cond(True, branch("t", jnp.sin), branch("f", jnp.cos), x),
            lax.switch(5, [branch("a", lambda x: x), branch("b", lambda x: -x)], x),
            jax.grad(lambda y: lax.cond(y > 0, lambda y: y**2, lambda y: -y, y))(2.0),
        ]
        return out, sorted(calls)

    ours, theirs = _run_both(program)
    assert ours[1] == theirs[1]
    _assert_trees_close(ours[0], theirs[0])


@pytest.mark.parametrize(
    "case",
    ["rank", "other_dim", "dim_oob", "dtypes", "slice_limit", "slice_reversed"],
)
def test_lax_concatenate_and_slice_errors_like_jax(case):
    def program(jax, jnp, lax):
        if case == "rank":
            return lax.concatenate([jnp.ones(3), jnp.ones((2, 2))], 0)
        if case == "other_dim":
            return lax.concatenate([jnp.ones((3, 2)), jnp.ones((2, 3))], 0)
        if case == "dim_oob":
            return lax.concatenate([jnp.ones(3), jnp.ones(2)], 1)
        if case == "dtypes":
            return lax.concatenate([jnp.ones(2), jnp.ones(2, jnp.float32)], 0)
        if case == "slice_limit":
            return lax.slice(jnp.ones(3), (0,), (5,))
        return lax.slice(jnp.ones(3), (2,), (1,))

    ours, theirs = _exc_types(program)
    assert type(theirs) is TypeError, theirs
    assert type(ours) is TypeError, ours


def test_lax_concatenate_and_slice_still_work_like_jax():
    def program(jax, jnp, lax, nn, random):
        x = jnp.arange(12.0).reshape(3, 4)
        return (
            lax.concatenate([x, x[:1]], 0),
            lax.concatenate([x], 1),
            lax.slice(x, (0, 1), (3, 4), (2, 2)),
            lax.slice(x, (1, 0), (1, 4)),
        )

    _assert_trees_close(*_run_both(program))


def test_minimize_counts_are_int64_like_jax():
    def program(jax, jnp, lax, nn, random):
        from importlib import import_module

        opt = import_module(jax.__name__ + ".scipy.optimize")

        def rosen(x):
            return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)

        out = []
        for method in ("BFGS", "l-bfgs-experimental-do-not-rely-on-this"):
            r = opt.minimize(rosen, jnp.array([-1.2, 1.0, 0.5, 0.3]), method=method)
            out.append((r.x, r.fun, r.success, r.status, r.nit, r.nfev, r.njev))
        return out

    ours, theirs = _run_both(program)
    for a, j in zip(arrax.tree_util.tree_leaves(ours), _jax().tree_util.tree_leaves(theirs)):
        assert np.asarray(a).dtype == np.asarray(j).dtype
    _assert_trees_close(ours, theirs, rtol=1e-4, atol=1e-6)


# --- whole programs that already agreed (kept as regression tests) --------------------


def test_autodiff_cookbook_like_jax():
    def program(jax, jnp, lax, nn, random):
        inputs, W = jnp.asarray(_rand(0, 4, 3)), jnp.asarray(_rand(1, 3))
        targets = jnp.asarray(_rand(2, 4) > 0)

        def loss(W, b):
            preds = nn.sigmoid(jnp.dot(inputs, W) + b)
            return -jnp.sum(jnp.log(preds * targets + (1 - preds) * (1 - targets)))

        def f(X):
            return jnp.sum(jnp.tanh(X) ** 2)

        X, V = jnp.asarray(_rand(3, 3, 2)), jnp.asarray(_rand(4, 3, 2))
        hvp_revrev = jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), V))(X)
        hvp_fwdrev = jax.jvp(jax.grad(f), (X,), (V,))[1]
        hvp_revfwd = jax.grad(lambda x: jax.jvp(f, (x,), (V,))[1])(X)
        pred = lambda W: nn.sigmoid(jnp.dot(inputs, W))  # noqa: E731
        y, vjp_fun = jax.vjp(pred, W)
        U = jnp.asarray(_rand(5, 2, 4))
        return (
            jax.grad(loss, (0, 1))(W, 0.3),
            jax.value_and_grad(loss)(W, 0.3),
            hvp_revrev,
            hvp_fwdrev,
            hvp_revfwd,
            jnp.tensordot(jax.hessian(f)(X), V, 2),
            jax.jacfwd(pred)(W),
            jax.jacrev(pred)(W),
            jax.vmap(vjp_fun)(U),
            jax.grad(lambda z: jnp.abs(z) ** 2)(3.0 + 4j),
            jax.grad(lambda z: jnp.sin(z), holomorphic=True)(3.0 + 4j),
            jax.jacrev(jnp.exp, holomorphic=True)(jnp.array([1.0 + 1j, 2j])),
        )

    _assert_trees_close(*_run_both(program))


def test_custom_derivative_rules_like_jax():
    def program(jax, jnp, lax, nn, random):
        from functools import partial

        @jax.custom_jvp
        def log1pexp(x):
            return jnp.log(1.0 + jnp.exp(x))

        log1pexp.defjvps(lambda t, ans, x: (1 - 1 / (1 + jnp.exp(x))) * t)

        @partial(jax.custom_vjp, nondiff_argnums=(0, 1))
        def clip_gradient(lo, hi, x):
            return x

        clip_gradient.defvjp(
            lambda lo, hi, x: (x, None), lambda lo, hi, _, g: (jnp.clip(g, lo, hi),)
        )
        t = jnp.linspace(0, 10, 10)
        return (
            jax.jit(jax.grad(log1pexp))(100.0),
            jax.grad(jax.grad(log1pexp))(1.0),
            jax.vmap(jax.grad(lambda x: clip_gradient(-0.75, 0.75, jnp.sin(x))))(t),
        )

    _assert_trees_close(*_run_both(program))


def test_causal_attention_block_and_realnvp_like_jax():
    def program(jax, jnp, lax, nn, random):
        d, h, T = 8, 2, 5
        p = {n: jnp.asarray(_rand(i, d, d) / 3) for i, n in enumerate(["wq", "wk", "wv", "wo"])}

        def layernorm(x, eps=1e-5):
            mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
            return (x - mu) * lax.rsqrt(var + eps)

        def block(p, x):
            def heads(w):
                return (layernorm(x) @ w).reshape(T, h, d // h).transpose(1, 0, 2)

            q, k, v = heads(p["wq"]), heads(p["wk"]), heads(p["wv"])
            s = jnp.einsum("hqd,hkd->hqk", q, k) / np.sqrt(d // h)
            s = jnp.where(jnp.tril(jnp.ones((T, T), bool)), s, jnp.finfo(s.dtype).min)
            o = jnp.einsum("hqk,hkd->hqd", nn.softmax(s, -1), v).transpose(1, 0, 2)
            return x + nn.gelu(o.reshape(T, d) @ p["wo"])

        x = jnp.asarray(_rand(9, 3, T, d))
        attn = jax.jit(
            jax.value_and_grad(lambda p: jnp.sum(jax.vmap(lambda x: block(p, x))(x) ** 2))
        )

        def coupling(w, x, flip):
            x = x[..., ::-1] if flip else x
            x1, x2 = jnp.split(x, 2, axis=-1)
            hdn = jnp.tanh(x1 @ w[0])
            s, t = jnp.tanh(hdn @ w[1]), hdn @ w[2]
            y = jnp.concatenate([x1, x2 * jnp.exp(s) + t], -1)
            return (y[..., ::-1] if flip else y), jnp.sum(s, -1)

        ws = [[jnp.asarray(_rand(10 * i + j, *sh) * 0.3) for j, sh in enumerate([(2, 8), (8, 2), (8, 2)])] for i in range(3)]  # fmt: skip

        def flow(ws, x):
            ld = 0.0
            for i, w in enumerate(ws):
                x, l = coupling(w, x, i % 2 == 1)
                ld = ld + l
            return x, ld

        z = jnp.asarray(_rand(50, 6, 4))
        J = jax.vmap(jax.jacfwd(lambda v: flow(ws, v)[0]))(z)

        def nll(ws):
            zz, ld = flow(ws, z)
            return -jnp.mean(jax.scipy.stats.norm.logpdf(zz).sum(-1) + ld)

        return attn(p), flow(ws, z), jnp.linalg.slogdet(J)[1], jax.grad(nll)(ws)

    ours, theirs = _run_both(program)
    _assert_trees_close(ours, theirs)
    np.testing.assert_allclose(np.asarray(ours[1][1]), np.asarray(ours[2]), rtol=1e-10)


def test_neural_ode_and_associative_scan_like_jax():
    def program(jax, jnp, lax, nn, random):
        from importlib import import_module

        ode = import_module(jax.__name__ + ".experimental.ode")
        W, b = jnp.asarray(_rand(70, 2, 2) * 0.5), jnp.asarray(_rand(71, 2) * 0.1)

        def f(y, t, W, b):
            return jnp.tanh(y @ W + b) - 0.1 * y * t

        y0, ts = jnp.array([1.0, -0.5]), jnp.linspace(0.0, 2.0, 5)
        loss = lambda W, b: jnp.sum(ode.odeint(f, y0, ts, W, b, rtol=1e-8, atol=1e-8)[-1] ** 2)  # noqa: E731

        def op(e1, e2):
            return e1[0] * e2[0], e2[0] * e1[1] + e2[1]

        A, B = jnp.asarray(_rand(80, 9)) * 0.5, jnp.asarray(_rand(81, 9))
        return (
            ode.odeint(f, y0, ts, W, b, rtol=1e-8, atol=1e-8),
            jax.grad(loss, (0, 1))(W, b),
            lax.associative_scan(op, (A, B)),
            lax.scan(lambda hh, ab: (ab[0] * hh + ab[1],) * 2, 0.0, (A, B))[1],
            lax.associative_scan(jnp.add, jnp.arange(12.0).reshape(3, 4), reverse=True, axis=1),
            jax.grad(lambda A: jnp.sum(lax.associative_scan(op, (A, B))[1] ** 2))(A),
        )

    ours, theirs = _run_both(program)
    _assert_trees_close(ours, theirs, rtol=1e-6, atol=1e-8)
    _assert_trees_close(ours[2][1], theirs[3])
