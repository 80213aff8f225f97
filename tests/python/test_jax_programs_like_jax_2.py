"""More whole JAX programs (jax's examples/, optax-, numpyro-, diffrax-, jax-md-, equinox- and
RL-style code) run with arrax in place of JAX and checked against JAX itself (0.10.2, 64-bit),
plus the divergences they turned up:

* ``example_libraries.optimizers`` keep float32 parameters float32 when the step count is an
  integer array (a ``fori_loop`` index, as mnist_vae.py runs adam) or a schedule computes a
  float64 step size (NumPy's rules made them float64, and the loop carry failed);
* ``lax.fori_loop``'s index is weakly typed, as JAX's: ``x * i`` keeps a float32 ``x``
  float32 (NumPy's float32 x int64 is float64, which broke float32 loop carries);
* ``jit(f).lower(ShapeDtypeStruct(...))`` (and ``.trace``) take abstract arguments;
* jit'd functions bind as methods (``@partial(jit, static_argnums=0)`` on a method);
* ``random.binomial`` draws JAX's counts for the same key (JAX's inversion / BTRS pair; it
  was a sequential search of its own) and so ``random.multinomial`` too.

Random draws use explicit float32 dtypes where JAX's 64-bit mode would sample differently
from arrax's (JAX's 32-bit-mode defaults)."""

from functools import partial

import arrax
import numpy as np
import pytest

from jax_programs_common import _assert_trees_close, _jax, _jax_x64_here, _run_both  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


def _import(jax, name):
    import importlib

    return importlib.import_module(f"{jax.__name__}.{name}")


# --- divergences found ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("sgd", (0.1,)),
        ("momentum", (0.1, 0.9)),
        ("nesterov", (0.1, 0.9)),
        ("adagrad", (0.1,)),
        ("rmsprop", (0.1,)),
        ("rmsprop_momentum", (0.1,)),
        ("adam", (0.1,)),
        ("adamax", (0.1,)),
    ],
)
def test_optimizers_keep_float32_params_in_fori_loop_like_jax(name, args):
    def program(jax, jnp, lax, nn, random):
        opt = _import(jax, "example_libraries.optimizers")
        out = {}
        schedules = {
            "const": args[0],
            "exp": opt.exponential_decay(args[0], 3, 0.5),
            "inv": opt.inverse_time_decay(args[0], 3, 0.5, staircase=True),
            "poly": opt.polynomial_decay(args[0], 4, 0.01),
            "piecewise": opt.piecewise_constant([2, 4], [args[0], args[0] / 2, args[0] / 4]),
        }
        for sname, sched in schedules.items():
            init, update, get_params = getattr(opt, name)(sched, *args[1:])
            params = {"w": jnp.arange(1.0, 7.0, dtype=jnp.float32).reshape(2, 3)}

            def body(i, state, update=update, get_params=get_params):
                g = jax.grad(lambda p: jnp.sum(jnp.sin(p["w"]) ** 2))(get_params(state))
                return update(i, g, state)

            state = lax.fori_loop(0, 6, body, init(params))
            out[sname] = get_params(state)["w"]
            # an integer-array step count outside a loop too
            state = update(jnp.int32(2), {"w": jnp.ones((2, 3), jnp.float32)}, init(params))
            out[sname + "_int32_step"] = get_params(state)["w"]
        return out

    jax = _jax()
    ours = program(arrax, arrax.numpy, arrax.lax, arrax.nn, arrax.random)
    with jax.enable_x64(False):  # (JAX's 64-bit mode makes them float64, and fails the loop)
        theirs = program(jax, jax.numpy, jax.lax, jax.nn, jax.random)
    for leaf in arrax.tree_util.tree_leaves(ours):
        assert leaf.dtype == np.float32
    _assert_trees_close(ours, theirs)


def test_fori_loop_index_is_weakly_typed_like_jax():
    for X in (arrax, _jax()):
        _check_fori_loop_index(X)


def _check_fori_loop_index(X):
    N, lax = X.numpy, X.lax
    x = N.ones(3, N.float32)
    assert lax.fori_loop(0, 3, lambda i, v: v * (i + 1), x).dtype == np.float32
    f = X.jit(lambda n: lax.fori_loop(0, n, lambda i, v: v * (i + 1), x))
    np.testing.assert_array_equal(f(3), [6, 6, 6])
    assert f(3).dtype == np.float32
    g = X.jit(lambda n: lax.fori_loop(N.int32(0), n, lambda i, v: v * (i + 1), x))
    assert g(N.int32(3)).dtype == np.float32
    assert lax.fori_loop(0, 3, lambda i, c: c + i, N.int8(0)).dtype == np.int8
    np.testing.assert_array_equal(
        lax.fori_loop(0, 3, lambda i, c: c.at[i].set(i), N.zeros(4, N.int32)), [0, 1, 2, 0]
    )
    t = X.grad(lambda s: lax.fori_loop(0, 3, lambda i, c: c * s + i, s))(N.float32(2.0))
    np.testing.assert_allclose(t, 33)  # d/ds (s^4 + s + 2) at 2
    assert t.dtype == np.float32


def test_jit_lower_and_trace_take_shape_dtype_structs_like_jax():
    jax = _jax()
    for X in (arrax, jax):
        N = X.numpy
        spec = X.ShapeDtypeStruct((4, 3), N.float32)
        f = X.jit(lambda x, n: x @ x.T * n, static_argnums=1)
        compiled = f.lower(spec, 2).compile()
        # (the compiled function takes the non-static arguments only)
        np.testing.assert_allclose(compiled(N.ones((4, 3), N.float32)), np.full((4, 4), 6))
        with pytest.raises(TypeError):
            compiled(N.ones((4, 2), N.float32))
        h = X.jit(lambda x, *, n: x * n, static_argnames="n")
        np.testing.assert_allclose(h.lower(spec, n=3).compile()(N.ones((4, 3), N.float32)), 3)
        tree = {"a": spec, "b": [X.ShapeDtypeStruct((3,), N.float32)]}
        g = X.jit(lambda t: t["a"] @ t["b"][0])
        lowered = g.lower(tree)
        args = {"a": N.ones((4, 3), N.float32), "b": [N.arange(3, dtype=N.float32)]}
        np.testing.assert_allclose(lowered.compile()(args), np.full(4, 3))
        np.testing.assert_allclose(g.trace(tree).lower().compile()(args), np.full(4, 3))


def test_jit_functions_bind_as_methods_like_jax():
    jax = _jax()
    for X in (arrax, jax):

        class Model:
            def __init__(self, k):
                self.k = k

            def __hash__(self):
                return hash(self.k)

            def __eq__(self, other):
                return isinstance(other, Model) and other.k == self.k

            @partial(X.jit, static_argnums=0)
            def apply(self, x):
                return x * self.k

            scale = X.jit(lambda self, x: x * 2.0, static_argnums=0)

        m = Model(3.0)
        assert float(m.apply(2.0)) == 6.0
        assert float(Model.apply(m, 2.0)) == 6.0  # unbound, through the class
        assert float(m.scale(1.5)) == 3.0
        assert isinstance(Model.__dict__["apply"], type(Model.apply))


def test_binomial_and_multinomial_draw_jaxs_counts():
    def program(jax, jnp, lax, nn, random):
        k = random.PRNGKey(3)
        f32 = partial(jnp.asarray, dtype=jnp.float32)
        return {
            "scalar": random.binomial(k, f32(10.0), f32(0.5), shape=(6,)),
            "mixed": random.binomial(
                k,
                f32([5.0, 100.0, 1e4, -1.0, np.inf, 20.0, 7.5, 3.0]),
                f32([0.9, 0.3, 0.01, 0.5, 0.5, 1.2, 0.5, np.nan]),
                dtype=jnp.float32,
            ),
            "vmap": jax.vmap(
                lambda kk: random.binomial(kk, f32(50.0), f32(0.4), dtype=jnp.float32)
            )(random.split(k, 4)),
            "jit": jax.jit(lambda kk: random.binomial(kk, f32(3.0), f32(0.2), (3,), jnp.float32))(
                k
            ),
            "large": random.binomial(k, f32(1e5), f32(0.5), (2,), jnp.float32),
            "multinomial": random.multinomial(
                k, f32(20.0), f32([0.2, 0.3, 0.5]), dtype=jnp.float32
            ),
            "multinomial_shape": random.multinomial(
                k, f32([10.0, 100.0]), f32([0.1, 0.0, 0.9]), shape=(2, 3), dtype=jnp.float32
            ),
        }

    ours, theirs = _run_both(program)
    for key in ours:
        np.testing.assert_array_equal(np.asarray(ours[key]), np.asarray(theirs[key]), err_msg=key)


# --- whole programs -------------------------------------------------------------------


def test_mnist_vae_style_training_loop_like_jax():
    """examples/mnist_vae.py's shape: stax encoder/decoder, adam updates inside fori_loop."""

    def program(jax, jnp, lax, nn, random):
        stax = _import(jax, "example_libraries.stax")
        optimizers = _import(jax, "example_libraries.optimizers")
        f32 = jnp.float32
        enc_init, encode = stax.serial(
            stax.Dense(16), stax.Relu, stax.FanOut(2),
            stax.parallel(stax.Dense(4), stax.serial(stax.Dense(4), stax.Softplus)),
        )  # fmt: skip
        dec_init, decode = stax.serial(stax.Dense(16), stax.Relu, stax.Dense(12))
        rng = np.random.RandomState(0)
        cast = partial(jax.tree_util.tree_map, lambda a: jnp.asarray(a, f32))
        _, enc_p = enc_init(random.PRNGKey(0), (8, 12))
        _, dec_p = dec_init(random.PRNGKey(1), (8, 4))
        # (JAX's 64-bit mode initializes float64 layers; both start from the same float32)
        params = cast(jax.tree_util.tree_map(lambda a: rng.randn(*a.shape) * 0.3, (enc_p, dec_p)))
        images = jnp.asarray(rng.rand(8, 12) > 0.5)

        def elbo(key, params, x):
            mu, sigmasq = encode(params[0], x)
            z = mu + jnp.sqrt(sigmasq) * random.normal(key, mu.shape, dtype=f32)
            logits = decode(params[1], z)
            ll = -jnp.sum(jnp.logaddexp(0.0, jnp.where(x, -1.0, 1.0) * logits))
            kl = -0.5 * jnp.sum(1.0 + jnp.log(sigmasq) - mu**2 - sigmasq)
            return ll - kl

        opt_init, opt_update, get_params = optimizers.adam(1e-2)

        @jax.jit
        def run_epoch(key, opt_state):
            def body(i, s):
                k = random.fold_in(key, i)
                g = jax.grad(lambda p: -elbo(k, p, images) / 8)(get_params(s))
                return opt_update(i, g, s)

            return lax.fori_loop(0, 5, body, opt_state)

        state = opt_init(params)
        elbos = []
        for epoch in range(2):
            state = run_epoch(random.PRNGKey(epoch), state)
            elbos.append(elbo(random.PRNGKey(9), get_params(state), images))
        return {"elbos": jnp.stack(elbos), "w": get_params(state)[1][0][0][:2]}

    ours, theirs = _run_both(program)
    assert ours["w"].dtype == np.float32
    _assert_trees_close(ours, theirs)


def test_dp_sgd_per_example_clipping_like_jax():
    """examples/differentially_private_sgd.py: vmap of per-example grads, global-norm clip."""

    def program(jax, jnp, lax, nn, random):
        tu = jax.tree_util
        rng = np.random.RandomState(1)
        params = {"w": jnp.asarray(rng.randn(5, 3)), "b": jnp.zeros(3)}
        x, y = jnp.asarray(rng.randn(6, 5)), jnp.asarray(rng.randint(0, 3, 6))

        def loss(p, ex):
            xi, yi = ex
            return -nn.log_softmax(xi @ p["w"] + p["b"])[yi]

        def clipped(p, ex, clip=0.5):
            g = jax.grad(loss)(p, ex)
            leaves, tree = tu.tree_flatten(g)
            norm = jnp.linalg.norm(jnp.array([jnp.linalg.norm(v.ravel()) for v in leaves]))
            return tu.tree_unflatten(tree, [v / jnp.maximum(norm / clip, 1.0) for v in leaves])

        @jax.jit
        def private_grad(p, key):
            gs = jax.vmap(clipped, (None, 0))(p, (x, y))
            leaves, tree = tu.tree_flatten(gs)
            keys = random.split(key, len(leaves))
            noisy = [
                v.sum(0) + 0.5 * random.normal(k, v.shape[1:], dtype=jnp.float32)
                for k, v in zip(keys, leaves)
            ]
            return tu.tree_unflatten(tree, [v / 6 for v in noisy])

        for i in range(3):
            g = private_grad(params, random.fold_in(random.PRNGKey(0), i))
            params = tu.tree_map(lambda p, g: p - 0.2 * g, params, g)
        return params

    _assert_trees_close(*_run_both(program))


def test_adaptive_dopri5_in_while_loop_with_jvp_like_jax():
    """diffrax-style Dormand-Prince with step-size control in a while_loop, jvp through it."""

    def program(jax, jnp, lax, nn, random):
        A = [[], [1 / 5], [3 / 40, 9 / 40], [44 / 45, -56 / 15, 32 / 9],
             [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
             [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
             [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]]  # fmt: skip
        c = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1]
        b5 = jnp.array([35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0])
        b4 = jnp.array(
            [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40]
        )

        def solve(f, y0, t1, k):
            def step(y, t, h):
                ks = []
                for i in range(7):
                    yi = y + sum(h * a * ks[j] for j, a in enumerate(A[i])) if i else y
                    ks.append(f(yi, t + c[i] * h, k))
                K = jnp.stack(ks)
                return y + h * jnp.tensordot(b5, K, 1), h * jnp.tensordot(b5 - b4, K, 1)

            def body(s):
                y, t, h, n = s
                h = jnp.minimum(h, t1 - t)
                yn, err = step(y, t, h)
                en = jnp.sqrt(jnp.mean((err / (1e-8 + 1e-6 * jnp.abs(yn))) ** 2))
                ok = en <= 1.0
                fac = jnp.clip(0.9 * en ** (-1 / 5), 0.2, 10.0)
                return jnp.where(ok, yn, y), jnp.where(ok, t + h, t), h * fac, n + 1

            return lax.while_loop(lambda s: s[1] < t1, body, (y0, 0.0, 0.01, 0))

        def lotka(y, t, k):
            return jnp.array([1.5 * y[0] - y[0] * y[1], y[0] * y[1] - k * y[1]])

        y, t, _, n = jax.jit(solve, static_argnums=0)(lotka, jnp.array([10.0, 1.0]), 3.0, 3.0)

        def decay(y, t, k):
            return -k * y

        jv = jax.jvp(lambda k: solve(decay, jnp.array([1.0, 2.0]), 1.0, k)[0], (0.5,), (1.0,))
        return {"y": y, "t": t, "n": n, "jvp": jv}

    _assert_trees_close(*_run_both(program), rtol=1e-6, atol=1e-8)


def test_jax_md_style_lennard_jones_with_neighbor_list_like_jax():
    """Periodic displacement, a neighbor list summed with segment_sum, forces from grad and
    velocity-Verlet steps in a scan."""

    def program(jax, jnp, lax, nn, random):
        box = 4.5

        def disp(a, b):
            return jnp.mod(a - b + box / 2, box) - box / 2

        g = np.stack(np.meshgrid(np.arange(3), np.arange(3), np.arange(2)), -1).reshape(-1, 3)
        R0 = jnp.asarray(g * 1.5 + 0.3 + 0.05 * np.random.RandomState(0).randn(*g.shape))
        n = R0.shape[0]
        d = np.linalg.norm(
            np.asarray(jax.vmap(jax.vmap(disp, (None, 0)), (0, None))(R0, R0)), axis=-1
        )
        send, recv = (jnp.asarray(v) for v in np.nonzero((d < 2.5) & ~np.eye(n, dtype=bool)))

        def energy(R):
            dr = jnp.linalg.norm(jax.vmap(disp)(R[send], R[recv]), axis=-1)
            e = 4 * ((1 / dr) ** 12 - (1 / dr) ** 6)
            return 0.5 * jnp.sum(jax.ops.segment_sum(e, send, num_segments=n))

        def force(R):
            return -jax.grad(energy)(R)

        def step(s, _):
            R, V, F = s
            R = jnp.mod(R + V * 1e-3 + 0.5 * F * 1e-6, box)
            Fn = force(R)
            V = V + 0.5e-3 * (F + Fn)
            return (R, V, Fn), energy(R) + 0.5 * jnp.sum(V**2)

        (R, V, F), E = jax.jit(lambda s: lax.scan(step, s, None, length=20))(
            (R0, jnp.zeros_like(R0), force(R0))
        )
        nbrs = jax.ops.segment_sum(jnp.ones_like(send), send, n)
        return {"E": E, "R": R, "F": F, "nbrs": nbrs, "E0": energy(R0)}

    _assert_trees_close(*_run_both(program), rtol=1e-7, atol=1e-7)


def test_ppo_loss_with_gae_reverse_scan_like_jax():
    """GAE with a reverse lax.scan per environment (vmap), the clipped PPO loss and its
    gradient under jit."""

    def program(jax, jnp, lax, nn, random):
        rng = np.random.RandomState(0)
        T, E, D, A = 8, 3, 3, 2
        p = {
            "w": jnp.asarray(rng.randn(D, 8) * 0.5),
            "pi": jnp.asarray(rng.randn(8, A) * 0.1),
            "v": jnp.asarray(rng.randn(8) * 0.1),
        }
        obs, rew = jnp.asarray(rng.randn(E, T, D)), jnp.asarray(rng.rand(E, T))
        done = jnp.asarray((rng.rand(E, T) < 0.2).astype(float))

        def policy(p, o):
            h = jnp.tanh(o @ p["w"])
            return h @ p["pi"], h @ p["v"]

        def gae(r, v, d, last):
            nv = jnp.concatenate([v[1:], last[None]])

            def body(adv, x):
                r, v, nv, d = x
                adv = r + 0.99 * nv * (1 - d) - v + 0.99 * 0.95 * (1 - d) * adv
                return adv, adv

            return lax.scan(body, jnp.zeros(()), (r, v, nv, d), reverse=True)[1]

        logits, values = jax.vmap(policy, (None, 0))(p, obs)
        acts = random.categorical(random.PRNGKey(1), logits)
        old = jnp.take_along_axis(nn.log_softmax(logits), acts[..., None], -1)[..., 0]
        advs = jax.vmap(gae)(rew, values, done, jnp.zeros(E))

        def loss(p):
            lg, v = jax.vmap(policy, (None, 0))(p, obs)
            logp = jnp.take_along_axis(nn.log_softmax(lg), acts[..., None], -1)[..., 0]
            ratio = jnp.exp(logp - old)
            a = (advs - advs.mean()) / (advs.std() + 1e-8)
            pg = -jnp.mean(jnp.minimum(ratio * a, jnp.clip(ratio, 0.8, 1.2) * a))
            return pg + 0.5 * jnp.mean((v - (advs + values)) ** 2)

        l, g = jax.jit(jax.value_and_grad(loss))(p)
        return {"advs": advs, "acts": acts, "loss": l, "g": g}

    _assert_trees_close(*_run_both(program))


def test_equinox_style_modules_with_filter_jit_like_jax():
    """Frozen dataclasses registered with keys, partitioned into arrays and static parts
    (tree_map with is_leaf), a jit taking the static part as a static argument."""
    import dataclasses

    def program(jax, jnp, lax, nn, random):
        tu = jax.tree_util

        @dataclasses.dataclass(frozen=True)
        class Linear:
            weight: object
            bias: object
            act: object = None

            def __call__(self, x):
                y = self.weight @ x + self.bias
                return y if self.act is None else self.act(y)

        names = ("weight", "bias", "act")
        tu.register_pytree_with_keys(
            Linear,
            lambda m: ([(tu.GetAttrKey(n), getattr(m, n)) for n in names], None),
            lambda _, ch: Linear(*ch),
            lambda m: ([getattr(m, n) for n in names], None),
        )

        def is_array(x):
            return isinstance(x, jax.Array)

        def partition(t):
            return (
                tu.tree_map(lambda x: x if is_array(x) else None, t),
                tu.tree_map(lambda x: None if is_array(x) else x, t),
            )

        def combine(a, b):
            return tu.tree_map(
                lambda x, y: y if x is None else x, a, b, is_leaf=lambda x: x is None
            )

        class Static:  # hashable by identity of its leaves, as equinox's
            def __init__(self, v):
                self.v = v

            def __hash__(self):
                return hash(tu.tree_structure(self.v))

            def __eq__(self, o):
                return tu.tree_structure(self.v) == tu.tree_structure(o.v)

        rng = np.random.RandomState(0)
        model = [
            Linear(jnp.asarray(rng.randn(6, 2) * 0.5), jnp.zeros(6), jnp.tanh),
            Linear(jnp.asarray(rng.randn(1, 6) * 0.5), jnp.zeros(1)),
        ]
        xs = jnp.asarray(rng.randn(10, 2))
        ys = jnp.sin(xs[:, :1])

        @partial(jax.jit, static_argnums=1)
        def step(dyn, static):
            def loss(d):
                m = combine(d, static.v)

                def f(x):
                    return m[1](m[0](x))

                return jnp.mean((jax.vmap(f)(xs) - ys) ** 2)

            l, g = jax.value_and_grad(loss)(dyn)
            return tu.tree_map(lambda p, g: p - 0.1 * g, dyn, g), l

        dyn, static = partition(model)
        losses = []
        for _ in range(5):
            dyn, l = step(dyn, Static(static))
            losses.append(l)
        paths = [tu.keystr(p) for p, _ in tu.tree_flatten_with_path(combine(dyn, static))[0]]
        return {"losses": jnp.stack(losses), "w": dyn[0].weight, "paths": np.array(paths)}

    ours, theirs = _run_both(program)
    np.testing.assert_array_equal(ours.pop("paths"), theirs.pop("paths"))
    _assert_trees_close(ours, theirs)
