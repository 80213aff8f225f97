"""Whole JAX programs (from JAX's tutorials and common pure-JAX examples) run with arrax in
place of JAX and checked against JAX itself (0.10.2, 64-bit), plus the divergences they
turned up:

* ``grad(abs)`` at 0 is 1, JAX's ``select(x >= 0, t, -t)`` (arrax gave ``sign(0) = 0``);
* ``scipy.special.xlogy``/``xlog1py``: d/dx is ``log(y)``/``log1p(y)`` at x == 0 too, so
  log-densities written with them (``stats.gamma.logpdf``, ``beta``, ...) differentiate right
  in their shape parameters at a == 1;
* ``repr``/``str``/f-strings of tracers print ``Traced<...>`` inside ``jit(grad(f))`` and for
  0-d tracers (they raised), and ``vmap`` of a ``tree_util.Partial`` bound to tracers works
  (naming it for error messages printed the bound arguments).

Random draws use explicit float32 dtypes or int32 where JAX's 64-bit mode would sample
differently from arrax's (JAX's 32-bit-mode defaults)."""

from functools import partial

import arrax
import numpy as np
import pytest

from jax_programs_common import _assert_trees_close, _jax, _jax_x64_here, _run_both  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


# --- divergences found ----------------------------------------------------------------


def test_grad_abs_at_zero_like_jax():
    jax = _jax()
    for X in (arrax, jax):
        N = X.numpy
        assert float(X.grad(N.abs)(0.0)) == 1.0
        assert float(X.grad(N.abs)(-0.0)) == 1.0
        np.testing.assert_array_equal(
            X.vmap(X.grad(N.abs))(N.array([-1.0, 0.0, 2.0, N.nan])), [-1.0, 1.0, 1.0, -1.0]
        )
        # L1 norm at the origin: subgradient +1, so gradient descent leaves it
        np.testing.assert_array_equal(
            X.grad(lambda x, N=N: N.linalg.norm(x, 1))(N.zeros(2)), [1, 1]
        )
        assert float(X.jvp(N.abs, (0.0,), (-1.0,))[1]) == -1.0
        assert float(X.grad(lambda z, N=N: N.abs(z) ** 2)(1.0 + 0j).real) == 2.0


def test_xlogy_derivative_at_zero_like_jax():
    jax = _jax()
    for X in (arrax, jax):
        xlogy, xlog1py = X.scipy.special.xlogy, X.scipy.special.xlog1py
        gx, gy = X.grad(xlogy, (0, 1))(0.0, 2.0)
        assert float(gx) == pytest.approx(np.log(2.0)) and float(gy) == 0.0
        gx, gy = X.grad(xlogy, (0, 1))(1.5, 2.0)
        assert float(gx) == pytest.approx(np.log(2.0)) and float(gy) == pytest.approx(0.75)
        assert float(X.grad(xlogy)(0.0, 0.0)) == -np.inf
        gx, gy = X.grad(xlog1py, (0, 1))(0.0, 2.0)
        assert float(gx) == pytest.approx(np.log(3.0)) and float(gy) == 0.0
        gx, gy = X.grad(xlog1py, (0, 1))(2.0, 1.0)
        assert float(gx) == pytest.approx(np.log(2.0)) and float(gy) == pytest.approx(1.0)
        assert float(xlogy(0.0, 0.0)) == 0.0 and float(xlog1py(0.0, -1.0)) == 0.0


def test_shape_parameter_gradients_of_logpdfs_at_one_like_jax():
    def program(jax, jnp, lax, nn, random):
        st = jax.scipy.stats
        a = jnp.array([1.0, 2.0, 3.0])
        return dict(
            gamma=jax.vmap(jax.grad(lambda a: st.gamma.logpdf(2.0, a)))(a),
            beta=jax.vmap(jax.grad(lambda a: st.beta.logpdf(0.3, a, 3.0)))(a),
            beta_b=jax.grad(lambda b: st.beta.logpdf(0.3, 2.0, b))(1.0),
            poisson=jax.grad(lambda mu: st.poisson.logpmf(0, mu))(1.5),
            jit=jax.jit(jax.grad(lambda a: st.gamma.logpdf(2.0, a)))(1.0),
        )

    _assert_trees_close(*_run_both(program))
    # d/da log p(x; a) = log x - digamma(a), finite differences
    f = lambda a: float(arrax.scipy.stats.gamma.logpdf(2.0, a))  # noqa: E731
    fd = (f(1.0 + 1e-6) - f(1.0 - 1e-6)) / 2e-6
    assert float(arrax.grad(lambda a: arrax.scipy.stats.gamma.logpdf(2.0, a))(1.0)) == (
        pytest.approx(fd, rel=1e-6)
    )


def test_print_tracers_like_jax():
    seen = []

    def f(p):
        seen.append((repr(p), str(p), f"{p}", f"{p.sum()}"))
        return (p * 2).sum()

    arrax.jit(arrax.grad(f))(arrax.numpy.ones((1, 3), arrax.numpy.float32))
    assert seen[-1] == ("Traced<float32(1, 3)>",) * 3 + ("Traced<float32()>",)
    arrax.jit(lambda x: seen.append(f"{x}") or x)(arrax.numpy.float64(1.0))
    assert seen[-1] == "Traced<float64()>"
    # concrete arrays are unchanged, format specs still format the value
    x = arrax.numpy.ones(2)
    assert repr(x) == "array([1., 1.])" and str(x) == "[1. 1.]"
    assert f"{arrax.numpy.float32(2.5):.2f}" == "2.50" and f"{arrax.numpy.array(3.0)}" == "3.0"


def test_vmap_of_tree_util_partial_bound_to_tracers():
    def program(jax, jnp, lax, nn, random):
        def loss(p, x, y):
            return jnp.sum((x * p["w"] - y) ** 2)

        def batch_loss(p, xs, ys):
            return jnp.mean(jax.vmap(jax.tree_util.Partial(loss, p))(xs, ys))

        p = {"w": jnp.array([0.5, -1.0])}
        xs, ys = jnp.arange(6.0).reshape(3, 2), jnp.ones((3, 2))
        return jax.jit(jax.grad(batch_loss))(p, xs, ys), jax.grad(batch_loss)(p, xs, ys)

    _assert_trees_close(*_run_both(program))


def test_shift_right_logical_of_signed_integers_like_jax():
    jax = _jax()
    for name in ("int8", "int16", "int32", "int64", "uint8", "uint32"):
        ours = []
        for X in (arrax, jax):
            N, lax = X.numpy, X.lax
            dt = N.dtype(name)
            vals = [-8, 8, -1, 5, 100] if dt.kind == "i" else [200, 8, 255, 5, 100]
            x, y = N.array(vals, dtype=dt), N.array([1, 40, 3, 0, 2], dtype=dt)
            ours.append(
                [
                    lax.shift_right_logical(x, y),
                    lax.shift_right_logical(x, N.array(1, dt)),
                    X.jit(lax.shift_right_logical)(x, y),
                    X.vmap(lax.shift_right_logical)(x, y),
                ]
            )
        for a, j in zip(*ours):
            assert np.asarray(a).dtype == np.asarray(j).dtype
            np.testing.assert_array_equal(np.asarray(a), np.asarray(j))


def test_ppermute_under_vmap_and_pmap_like_jax():
    def program(jax, jnp, lax, nn, random):
        ring = [(i, (i + 1) % 4) for i in range(4)]
        x = jnp.arange(8.0).reshape(4, 2)

        def ring_sum(v):
            acc = cur = v
            for _ in range(3):
                cur = lax.ppermute(cur, "d", ring)
                acc = acc + cur
            return acc

        def loss(x):
            shifted = jax.vmap(
                lambda v: lax.ppermute(v, "i", ring) * jnp.arange(2.0), axis_name="i"
            )
            return jnp.sum(shifted(x) ** 2)

        return dict(
            shift=jax.vmap(lambda v: lax.ppermute(v, "i", ring), axis_name="i")(x),
            ring_sum=jax.vmap(ring_sum, axis_name="d")(x),
            grad=jax.grad(loss)(x),
            inner_vmap=jax.vmap(
                lambda v: jax.vmap(lambda w: lax.ppermute(w, "i", [(0, 1), (1, 0)]))(v),
                axis_name="i", in_axes=1, out_axes=1,
            )(jnp.arange(6.0).reshape(3, 2)),
            pmap=jax.pmap(lambda v: lax.ppermute(v, "i", [(0, 0)]), axis_name="i")(jnp.arange(1.0)),
        )  # fmt: skip

    _assert_trees_close(*_run_both(program))
    # members that no pair sends to get zeros (pmap's semantics; JAX's vmap wants a full perm)
    out = arrax.vmap(lambda v: arrax.lax.ppermute(v, "i", [(0, 2)]), axis_name="i")(
        arrax.numpy.arange(1.0, 5.0)
    )
    np.testing.assert_array_equal(out, [0.0, 0.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="ppermute"):
        arrax.vmap(lambda v: arrax.lax.ppermute(v, "i", [(0, 1), (2, 1)]), axis_name="i")(
            arrax.numpy.ones(3)
        )


# --- whole programs -----------------------------------------------------------------


def _autodiff_cookbook(jax, jnp, lax, nn, random):
    key = random.PRNGKey(0)

    def predict(W, b, inputs):
        return 0.5 * (jnp.tanh((jnp.dot(inputs, W) + b) / 2) + 1)

    inputs = jnp.array(
        [[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]]
    )
    targets = jnp.array([True, True, False, True])

    def loss(W, b):
        preds = predict(W, b, inputs)
        return -jnp.sum(jnp.log(preds * targets + (1 - preds) * (1 - targets)))

    _, W_key, b_key = random.split(key, 3)
    W, b = random.normal(W_key, (3,), jnp.float32), random.normal(b_key, (), jnp.float32)
    f = partial(loss, b=b)
    v = jnp.arange(3.0, dtype=W.dtype)
    return dict(
        grads=jax.grad(loss, (0, 1))(W, b),
        vag=jax.value_and_grad(loss)(W, b),
        hvp=jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(W),
        fwd_over_rev=jax.jvp(jax.grad(f), (W,), (v,))[1],
        hess=jax.hessian(f)(W),
        jacfwd=jax.jacfwd(predict, argnums=2)(W, b, inputs),
        jacrev=jax.jacrev(predict)(W, b, inputs),
        per_example=jax.vmap(
            jax.grad(
                lambda W, x, t: -jnp.log(jnp.where(t, predict(W, b, x), 1 - predict(W, b, x)))
            ),
            in_axes=(None, 0, 0),
        )(W, inputs, targets),
    )


def _fixed_point_custom_vjp(jax, jnp, lax, nn, random):
    @partial(jax.custom_vjp, nondiff_argnums=(0,))
    def fixed_point(f, a, x_guess):
        def cond_fun(carry):
            x_prev, x = carry
            return jnp.abs(x_prev - x) > 1e-6

        def body_fun(carry):
            _, x = carry
            return x, f(a, x)

        return lax.while_loop(cond_fun, body_fun, (x_guess, f(a, x_guess)))[1]

    def fixed_point_fwd(f, a, x_init):
        x_star = fixed_point(f, a, x_init)
        return x_star, (a, x_star)

    def rev_iter(f, packed, u):
        a, x_star, x_star_bar = packed
        _, vjp_x = jax.vjp(lambda x: f(a, x), x_star)
        return x_star_bar + vjp_x(u)[0]

    def fixed_point_rev(f, res, x_star_bar):
        a, x_star = res
        _, vjp_a = jax.vjp(lambda a: f(a, x_star), a)
        (a_bar,) = vjp_a(fixed_point(partial(rev_iter, f), (a, x_star, x_star_bar), x_star_bar))
        return a_bar, jnp.zeros_like(x_star)

    fixed_point.defvjp(fixed_point_fwd, fixed_point_rev)

    def newton_sqrt(a):
        return fixed_point(lambda a, x: 0.5 * (x + a / x), a, a)

    return dict(
        v=newton_sqrt(2.0),
        g=jax.grad(newton_sqrt)(2.0),
        gg=jax.grad(jax.grad(newton_sqrt))(2.0),
        vg=jax.vmap(jax.grad(newton_sqrt))(jnp.array([1.0, 4.0, 9.0])),
        jvg=jax.jit(jax.vmap(jax.grad(newton_sqrt)))(jnp.array([1.0, 2.0, 4.0])),
    )


def _rnn_scan_training(jax, jnp, lax, nn, random):
    H, D, T, B = 8, 3, 10, 4
    k1, k2, k3, k4 = random.split(random.PRNGKey(0), 4)
    f32 = jnp.float32
    params = dict(
        Wx=random.normal(k1, (D, H), f32) * 0.3,
        Wh=random.normal(k2, (H, H), f32) * 0.3,
        b=jnp.zeros(H, f32),
        Wo=random.normal(k3, (H, 1), f32) * 0.3,
    )
    xs = random.normal(k4, (T, B, D), f32)
    ys = jnp.sin(jnp.cumsum(xs[..., 0], axis=0))[..., None]

    def loss(params, xs, ys):
        def step(h, x):
            h = jnp.tanh(x @ params["Wx"] + h @ params["Wh"] + params["b"])
            return h, h @ params["Wo"]

        _, outs = lax.scan(step, jnp.zeros((B, H), f32), xs)
        return jnp.mean((outs - ys) ** 2)

    @jax.jit
    def sgd(params, xs, ys):
        l, g = jax.value_and_grad(loss)(params, xs, ys)
        return jax.tree.map(lambda p, g: p - 0.1 * g, params, g), l

    ls = []
    for _ in range(10):
        params, l = sgd(params, xs, ys)
        ls.append(l)
    return dict(losses=jnp.stack(ls), Wh=params["Wh"])


def _gp_regression(jax, jnp, lax, nn, random):
    rng = np.random.RandomState(0)
    X = jnp.asarray(np.sort(rng.uniform(-3, 3, 20)))[:, None]
    y = jnp.sin(X[:, 0]) + 0.1 * jnp.asarray(rng.randn(20))
    Xt = jnp.linspace(-3, 3, 7)[:, None]

    def cov_map(xs, xs2):
        return jax.vmap(lambda x: jax.vmap(lambda z: jnp.exp(-jnp.sum((x - z) ** 2)))(xs2))(xs)

    def nll(params):
        amp, ls, noise = (jnp.logaddexp(params[k], 0.0) for k in ("amp", "ls", "noise"))
        x = X / ls
        K = amp * cov_map(x, x) + jnp.eye(20) * (noise + 1e-6)
        L = jax.scipy.linalg.cholesky(K, lower=True)
        alpha = jax.scipy.linalg.solve_triangular(
            L.T, jax.scipy.linalg.solve_triangular(L, y, lower=True)
        )
        return 0.5 * y @ alpha + jnp.sum(jnp.log(jnp.diag(L)))

    params = {"amp": 0.0, "ls": 0.0, "noise": -3.0}
    step = jax.jit(lambda p: jax.tree.map(lambda a, g: a - 0.01 * g, p, jax.grad(nll)(p)))
    for _ in range(20):
        params = step(params)
    amp, ls, noise = (jnp.logaddexp(params[k], 0.0) for k in ("amp", "ls", "noise"))
    K = amp * cov_map(X / ls, X / ls) + noise * jnp.eye(20)
    cf = jax.scipy.linalg.cho_factor(K)
    mu = amp * cov_map(Xt / ls, X / ls) @ jax.scipy.linalg.cho_solve(cf, y)
    return dict(params=params, nll=nll(params), mu=mu)


def _hmc_logistic_regression(jax, jnp, lax, nn, random):
    rng = np.random.RandomState(1)
    X = jnp.asarray(rng.randn(60, 3))
    yv = jnp.asarray((rng.rand(60) < 1 / (1 + np.exp(-(rng.randn(60))))).astype(np.float64))

    def log_prob(w):
        logits = X @ w
        ll = jnp.sum(yv * nn.log_sigmoid(logits) + (1 - yv) * nn.log_sigmoid(-logits))
        return ll + jnp.sum(jax.scipy.stats.norm.logpdf(w, 0.0, 3.0))

    grad_lp = jax.grad(log_prob)

    @jax.jit
    def hmc_step(w, key):
        k1, k2 = random.split(key)
        p0 = random.normal(k1, (3,), dtype=jnp.float64)
        p = p0 + 0.025 * grad_lp(w)

        def body(i, s):
            w, p = s
            w = w + 0.05 * p
            return w, p + 0.05 * grad_lp(w)

        w1, p = lax.fori_loop(0, 9, body, (w, p))
        w1 = w1 + 0.05 * p
        p1 = p + 0.025 * grad_lp(w1)
        h0 = -log_prob(w) + 0.5 * p0 @ p0
        h1 = -log_prob(w1) + 0.5 * p1 @ p1
        accept = jnp.log(random.uniform(k2, dtype=jnp.float64)) < h0 - h1
        w = jnp.where(accept, w1, w)
        return w, (w, accept)

    _, (ws, acc) = lax.scan(hmc_step, jnp.zeros(3), random.split(random.PRNGKey(0), 40))
    chains = jax.vmap(lambda k: lax.scan(hmc_step, jnp.zeros(3), random.split(k, 10))[0])(
        random.split(random.PRNGKey(5), 3)
    )
    return dict(ws=ws[::8], acc=acc, chains=chains)


def _neural_ode_rk4(jax, jnp, lax, nn, random):
    k1, k2 = random.split(random.PRNGKey(0))
    params = dict(
        W1=random.normal(k1, (2, 8), dtype=jnp.float64) * 0.5,
        W2=random.normal(k2, (8, 2), dtype=jnp.float64) * 0.5,
    )

    def f(y, t, params):
        return jnp.tanh(y @ params["W1"] + t) @ params["W2"]

    def rk4(y0, params, n=10):
        dt = 1.0 / n

        def body(i, y):
            t = i * dt
            a = f(y, t, params)
            b = f(y + dt * a / 2, t + dt / 2, params)
            c = f(y + dt * b / 2, t + dt / 2, params)
            d = f(y + dt * c, t + dt, params)
            return y + dt / 6 * (a + 2 * b + 2 * c + d)

        return lax.fori_loop(0, n, body, y0)

    y0 = jnp.array([[1.0, 0.0], [0.0, 1.0]])
    target = jnp.array([[0.0, 1.0], [-1.0, 0.0]])

    def loss(params):
        return jnp.mean((rk4(y0, params) - target) ** 2)

    step = jax.jit(lambda p: jax.tree.map(lambda a, g: a - 0.2 * g, p, jax.grad(loss)(p)))
    for _ in range(5):
        params = step(params)
    tangent = jax.tree.map(jnp.ones_like, params)
    return dict(loss=loss(params), params=params, jvp=jax.jvp(loss, (params,), (tangent,)))


def _maml_sinusoid(jax, jnp, lax, nn, random):
    def net(p, x):
        return jnp.tanh(x @ p["w1"] + p["b1"]) @ p["w2"]

    k1, k2 = random.split(random.PRNGKey(2))
    params = dict(
        w1=random.normal(k1, (1, 16), jnp.float64),
        b1=jnp.zeros(16),
        w2=random.normal(k2, (16, 1), jnp.float64) * 0.3,
    )

    def loss(p, x, y):
        return jnp.mean((net(p, x) - y) ** 2)

    def maml_loss(p, x1, y1, x2, y2):
        g = jax.grad(loss)(p, x1, y1)
        return loss(jax.tree.map(lambda a, b: a - 0.1 * b, p, g), x2, y2)

    rs = np.random.RandomState(0)
    amp, phase = rs.uniform(0.1, 0.5, 4), rs.uniform(0, np.pi, 4)
    x1, x2 = (jnp.asarray(rs.uniform(-5, 5, (4, 10, 1))) for _ in range(2))
    y1 = jnp.asarray(amp[:, None, None]) * jnp.sin(x1 + jnp.asarray(phase[:, None, None]))
    y2 = jnp.asarray(amp[:, None, None]) * jnp.sin(x2 + jnp.asarray(phase[:, None, None]))

    @jax.jit
    def step(p):
        def batch(p):
            return jnp.mean(jax.vmap(partial(maml_loss, p))(x1, y1, x2, y2))

        l, g = jax.value_and_grad(batch)(p)
        return jax.tree.map(lambda a, b: a - 0.05 * b, p, g), l

    ls = []
    for _ in range(5):
        params, l = step(params)
        ls.append(l)
    return dict(ls=jnp.stack(ls), w2=params["w2"])


@pytest.mark.parametrize(
    "program",
    [
        _autodiff_cookbook,
        _fixed_point_custom_vjp,
        _rnn_scan_training,
        _gp_regression,
        _hmc_logistic_regression,
        _neural_ode_rk4,
        _maml_sinusoid,
    ],
)
def test_whole_program_like_jax(program):
    _assert_trees_close(*_run_both(program))
