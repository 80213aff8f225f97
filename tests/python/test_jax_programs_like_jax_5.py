"""Whole JAX programs, round 5: programs written the way JAX users write them today (typed
keys from ``random.key``, ``jax.tree.map``, inline optax-style optimizers, ``dot_product_attention``
with causal masks and grouped-query heads, GRU by ``scan`` with global-norm clipping, a VAE, a
DDPM sampling loop, HMC with ``while_loop``, n-body and heat equation, GP regression with
``cho_solve``, a mixture of experts with ``top_k`` routing and ``ragged_dot``, a shuffled data
pipeline under ``jit``, per-example gradients with ``ravel_pytree``, ``custom_vjp`` with
``checkpoint`` policies, a KV-cache decoder, a CNN, ``experimental.sparse`` and registered
dataclasses, batched ``while_loop``/``cond``, segment ops for a GNN, Sinkhorn, a Kalman filter,
an Ising model, a spectral PDE solver, Bayesian regression), run with arrax in place of JAX and
checked against JAX itself (64-bit) for values, dtypes and shapes, plus the divergences they
turned up:

* ``lax.ragged_dot_general`` and ``lax.RaggedDotDimensionNumbers`` were missing (all three of
  JAX's modes: ragged non-contracting, contracting and batch dimension, with ``[g]`` or batched
  group sizes);
* ``core.eval_jaxpr`` was missing (``make_jaxpr(f)(x)`` run again on new arguments, under
  ``grad``/``vmap``/``jit`` too).

The programs pass dtypes to ``random`` samplers, ``one_hot`` and initializers explicitly:
arrax's ``random``/``nn`` keep JAX's 32-bit-mode default dtypes (float32/int32), a documented
convention.
"""

import dataclasses
import functools
from importlib import import_module
from typing import NamedTuple

import arrax
import numpy as np
import pytest

from jax_programs_common import _assert_same_trees, _jax, _jax_x64_here  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


def _rand(i, *shape):
    return np.random.RandomState(i).normal(size=shape)


def _assert_same(ours, theirs, rtol=1e-6, atol=1e-7):
    _assert_same_trees(ours, theirs, rtol, atol, f32_tol=(2e-4, 1e-4))


def transformer(jax, jnp):
    key = jax.random.key(0)
    k1, k2, k3, k4 = jax.random.split(key, 4)
    d, h, T, B = 16, 2, 8, 3
    init = jax.nn.initializers.glorot_normal()
    params = {
        "wq": init(k1, (d, d), jnp.float32),
        "wk": init(k2, (d, d), jnp.float32),
        "wv": init(k3, (d, d), jnp.float32),
        "ln": {"g": jnp.ones(d, jnp.float32), "b": jnp.zeros(d, jnp.float32)},
    }
    x = jax.random.normal(k4, (B, T, d), jnp.float32)

    def layernorm(p, x):
        m = x.mean(-1, keepdims=True)
        v = x.var(-1, keepdims=True)
        return (x - m) * jax.lax.rsqrt(v + 1e-5) * p["g"] + p["b"]

    def block(p, x):
        y = layernorm(p["ln"], x)
        q = (y @ p["wq"]).reshape(B, T, h, d // h)
        k = (y @ p["wk"]).reshape(B, T, h, d // h)
        v = (y @ p["wv"]).reshape(B, T, h, d // h)
        o = jax.nn.dot_product_attention(q, k, v, is_causal=True)
        mask = jnp.tril(jnp.ones((T, T), bool))
        o2 = jax.nn.dot_product_attention(q, k, v, mask=mask[None, None])
        return x + o.reshape(B, T, d), o2

    def loss(p):
        y, _ = block(p, x)
        return jnp.mean((y[:, 1:] - x[:, :-1]) ** 2)

    @jax.jit
    def step(p, opt):
        l, g = jax.value_and_grad(loss)(p)
        m, v, t = opt
        t = t + 1
        m = jax.tree.map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
        v = jax.tree.map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
        mh = jax.tree.map(lambda m: m / (1 - 0.9**t).astype(m.dtype), m)
        vh = jax.tree.map(lambda v: v / (1 - 0.999**t).astype(v.dtype), v)
        p = jax.tree.map(lambda p, m, v: p - 1e-2 * m / (jnp.sqrt(v) + 1e-8), p, mh, vh)
        return p, (m, v, t), l

    opt = (jax.tree.map(jnp.zeros_like, params), jax.tree.map(jnp.zeros_like, params), 0)
    losses = []
    for _ in range(3):
        params, opt, l = step(params, opt)
        losses.append(l)
    y, o2 = block(params, x)
    return {"losses": jnp.stack(losses), "params": params, "o2": o2, "t": opt[2]}


def gru_clip(jax, jnp):
    key = jax.random.key(1)
    ks = jax.random.split(key, 5)
    nin, nh, T = 3, 5, 7
    p = {
        "Wz": jax.random.normal(ks[0], (nin + nh, nh), jnp.float64) * 0.3,
        "Wr": jax.random.normal(ks[1], (nin + nh, nh), jnp.float64) * 0.3,
        "Wh": jax.random.normal(ks[2], (nin + nh, nh), jnp.float64) * 0.3,
        "out": jax.random.normal(ks[3], (nh,), jnp.float64),
    }
    xs = jax.random.uniform(ks[4], (T, nin), jnp.float64, minval=-1, maxval=1)
    ys = jnp.sin(jnp.cumsum(xs.sum(1)))

    def cell(p, h, x):
        hx = jnp.concatenate([h, x])
        z = jax.nn.sigmoid(hx @ p["Wz"])
        r = jax.nn.sigmoid(hx @ p["Wr"])
        hh = jnp.tanh(jnp.concatenate([r * h, x]) @ p["Wh"])
        h = (1 - z) * h + z * hh
        return h, h @ p["out"]

    def loss(p):
        _, preds = jax.lax.scan(lambda h, x: cell(p, h, x), jnp.zeros(nh), xs)
        return jnp.mean(optax_huber(preds - ys))

    def optax_huber(e, delta=1.0):
        a = jnp.abs(e)
        return jnp.where(a < delta, 0.5 * e**2, delta * (a - 0.5 * delta))

    def clip_by_global_norm(g, max_norm):
        norm = jnp.sqrt(sum(jnp.sum(x**2) for x in jax.tree.leaves(g)))
        scale = jnp.minimum(1.0, max_norm / (norm + 1e-6))
        return jax.tree.map(lambda x: x * scale, g), norm

    @jax.jit
    def step(p, _):
        l, g = jax.value_and_grad(loss)(p)
        g, n = clip_by_global_norm(g, 0.5)
        return jax.tree.map(lambda a, b: a - 0.5 * b, p, g), (l, n)

    p, (ls, ns) = jax.lax.scan(step, p, None, length=5)
    return {"p": p, "losses": ls, "norms": ns}


def vae(jax, jnp):
    key = jax.random.key(42)
    kx, kp, ke, kd = jax.random.split(key, 4)
    x = jax.random.bernoulli(kx, jnp.float32(0.3), (6, 10)).astype(jnp.float32)
    init = jax.nn.initializers.lecun_normal()
    p = {
        "enc": init(kp, (10, 8), jnp.float32),
        "dec": jax.nn.initializers.he_uniform()(kd, (2, 10), jnp.float32),
        "b": jnp.zeros((10,), jnp.float32),
    }

    def elbo(p, x, key):
        h = x @ p["enc"]
        mu, logvar = jnp.split(h, [2], axis=-1)
        logvar = logvar[:, :2]
        eps = jax.random.normal(key, mu.shape, mu.dtype)
        z = mu + jnp.exp(0.5 * logvar) * eps
        logits = z @ p["dec"] + p["b"]
        rec = -jnp.sum(jax.nn.softplus(logits) - x * logits, axis=-1)
        kl = 0.5 * jnp.sum(jnp.exp(logvar) + mu**2 - 1 - logvar, axis=-1)
        return jnp.mean(rec - kl)

    @jax.jit
    def train(p, key):
        def body(i, carry):
            p, key = carry
            key, sub = jax.random.split(key)
            g = jax.grad(lambda p: -elbo(p, x, sub))(p)
            return jax.tree.map(lambda a, b: a - 0.05 * b, p, g), key

        return jax.lax.fori_loop(0, 4, body, (p, key))

    p2, key2 = train(p, ke)
    return {"p": p2, "key": jax.random.key_data(key2), "elbo": elbo(p2, x, key2)}


def diffusion(jax, jnp):
    T = 10
    betas = jnp.linspace(1e-4, 0.2, T)
    alphas = 1 - betas
    abar = jnp.cumprod(alphas)

    def eps_model(x, t):
        return 0.1 * x * (t / T) + jnp.tanh(x)

    @jax.jit
    def sample(key):
        key, sub = jax.random.split(key)
        x = jax.random.normal(sub, (4, 2), jnp.float64)

        def body(i, carry):
            x, key = carry
            t = T - 1 - i
            key, sub = jax.random.split(key)
            z = jnp.where(t > 0, jax.random.normal(sub, x.shape, x.dtype), 0.0)
            eps = eps_model(x, t)
            x = (x - betas[t] / jnp.sqrt(1 - abar[t]) * eps) / jnp.sqrt(alphas[t])
            x = x + jnp.sqrt(betas[t]) * z
            jax.debug.print("t={t}", t=t) if False else None
            return x, key

        x, key = jax.lax.fori_loop(0, T, body, (x, key))
        return x

    keys = jax.random.split(jax.random.key(3), 3)
    xs = jax.vmap(sample)(keys)
    return {"xs": xs, "abar": abar}


def hmc(jax, jnp):
    cov = jnp.array([[1.0, 0.8], [0.8, 1.0]])
    prec = jnp.linalg.inv(cov)

    def logp(x):
        return -0.5 * x @ prec @ x

    def leapfrog(x, p, eps, n):
        def body(c):
            i, x, p = c
            p = p + 0.5 * eps * jax.grad(logp)(x)
            x = x + eps * p
            p = p + 0.5 * eps * jax.grad(logp)(x)
            return i + 1, x, p

        _, x, p = jax.lax.while_loop(lambda c: c[0] < n, body, (0, x, p))
        return x, p

    def step(x, key):
        k1, k2 = jax.random.split(key)
        p0 = jax.random.normal(k1, x.shape, x.dtype)
        x1, p1 = leapfrog(x, p0, 0.2, 5)
        h0 = -logp(x) + 0.5 * p0 @ p0
        h1 = -logp(x1) + 0.5 * p1 @ p1
        acc = jnp.log(jax.random.uniform(k2, dtype=jnp.float64)) < h0 - h1
        return jnp.where(acc, x1, x), (x, acc)

    keys = jax.random.split(jax.random.key(7), 50)
    xf, (trace, accs) = jax.jit(lambda x0: jax.lax.scan(step, x0, keys))(jnp.zeros(2))
    return {"xf": xf, "trace": trace, "acc": accs, "rate": accs.mean(dtype=jnp.float64)}


def nbody_heat(jax, jnp):
    pos = jnp.asarray(_rand(0, 5, 2))
    vel = jnp.zeros((5, 2))
    mass = jnp.asarray(np.abs(_rand(1, 5))) + 0.5

    def accel(pos):
        diff = pos[None, :, :] - pos[:, None, :]
        r2 = jnp.sum(diff**2, -1) + 0.1
        inv = jnp.where(jnp.eye(5, dtype=bool), 0.0, r2**-1.5)
        return jnp.einsum("ij,ijk,j->ik", inv, diff, mass)

    def energy(pos):
        d = jax.vmap(lambda a: jax.vmap(lambda b: jnp.linalg.norm(a - b + 1e-9))(pos))(pos)
        return -jnp.sum(jnp.triu(mass[:, None] * mass[None] / (d + 0.3), k=1))

    def step(state, _):
        pos, vel = state
        vel = vel + 0.01 * accel(pos)
        pos = pos + 0.01 * vel
        return (pos, vel), energy(pos)

    (pos, vel), es = jax.lax.scan(step, (pos, vel), length=20)
    force = -jax.grad(energy)(pos)
    u = jnp.zeros(20).at[8:12].set(1.0)

    def heat(u, _):
        lap = jnp.roll(u, 1) + jnp.roll(u, -1) - 2 * u
        u = u + 0.2 * lap
        return u, u.sum()

    u, sums = jax.lax.scan(heat, u, xs=None, length=15)
    conv = jnp.convolve(u, jnp.array([0.25, 0.5, 0.25]), mode="same")
    return {"pos": pos, "vel": vel, "es": es, "force": force, "u": u, "sums": sums, "conv": conv}


def gp(jax, jnp):
    X = jnp.asarray(_rand(2, 12, 1))
    y = jnp.sin(3 * X[:, 0]) + 0.1 * jnp.asarray(_rand(3, 12))
    Xs = jnp.linspace(-2, 2, 7)[:, None]

    def kern(a, b, ls, amp):
        d = jnp.sum((a[:, None] - b[None]) ** 2, -1)
        return amp * jnp.exp(-0.5 * d / ls**2)

    def nll(params):
        ls, amp, noise = jax.tree.map(jnp.exp, params)
        K = kern(X, X, ls, amp) + (noise + 1e-6) * jnp.eye(12)
        L = jnp.linalg.cholesky(K)
        alpha = jax.scipy.linalg.cho_solve((L, True), y)
        return 0.5 * y @ alpha + jnp.sum(jnp.log(jnp.diag(L))) + 6 * jnp.log(2 * jnp.pi)

    params = (jnp.array(0.0), jnp.array(0.0), jnp.array(-2.0))
    vg = jax.jit(jax.value_and_grad(nll))
    for _ in range(5):
        v, g = vg(params)
        params = jax.tree.map(lambda p, g: p - 0.05 * g, params, g)
    ls, amp, noise = jax.tree.map(jnp.exp, params)
    K = kern(X, X, ls, amp) + noise * jnp.eye(12)
    cf = jax.scipy.linalg.cho_factor(K, lower=False)
    Ks = kern(Xs, X, ls, amp)
    mean = Ks @ jax.scipy.linalg.cho_solve(cf, y)
    v = jax.scipy.linalg.solve_triangular(jnp.linalg.cholesky(K), Ks.T, lower=True)
    var = amp - jnp.sum(v**2, 0)
    lp = jax.scipy.stats.multivariate_normal.logpdf(y, jnp.zeros(12), K)
    return {"v": v, "params": params, "mean": mean, "var": var, "lp": lp, "g": g}


def moe(jax, jnp):
    key = jax.random.key(5)
    k1, k2, k3 = jax.random.split(key, 3)
    E, d, f, N, K = 4, 6, 5, 10, 2
    x = jax.random.normal(k1, (N, d), jnp.float64)
    wg = jax.random.normal(k2, (d, E), jnp.float64) * 0.5
    w = jax.random.normal(k3, (E, d, f), jnp.float64) * 0.3

    def layer(x, wg, w):
        logits = x @ wg
        vals, idx = jax.lax.top_k(logits, K)
        gates = jax.nn.softmax(vals, axis=-1)
        flat = idx.reshape(-1)
        order = jnp.argsort(flat, stable=True)
        xs = jnp.repeat(x, K, axis=0)[order]
        sizes = jnp.bincount(flat, length=E).astype(jnp.int32)
        out = jax.lax.ragged_dot(xs, w, sizes)
        unsorted = jnp.zeros_like(out).at[order].set(out)
        out = (unsorted.reshape(N, K, f) * gates[..., None]).sum(1)
        aux = jnp.mean(jax.nn.one_hot(idx[:, 0], E), 0) @ jnp.mean(jax.nn.softmax(logits), 0)
        return out, aux, sizes

    out, aux, sizes = jax.jit(layer)(x, wg, w)
    g = jax.grad(lambda w, wg: jnp.sum(layer(x, wg, w)[0] ** 2) + layer(x, wg, w)[1], (0, 1))(w, wg)
    return {"out": out, "aux": aux, "sizes": sizes, "g": g}


def pipeline(jax, jnp):
    data = jnp.arange(40.0).reshape(20, 2)
    labels = jnp.arange(20) % 3

    @jax.jit
    def epoch(key, w):
        key, sub = jax.random.split(key)
        perm = jax.random.permutation(sub, jnp.arange(20))
        batches = data[perm].reshape(5, 4, 2)
        lbs = labels[perm].reshape(5, 4)

        def body(w, b):
            xb, yb = b

            def loss(w):
                lg = xb @ w
                return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(lg), yb[:, None], 1))

            l, g = jax.value_and_grad(loss)(w)
            return w - 1e-3 * g, l

        w, ls = jax.lax.scan(body, w, (batches, lbs))
        shuffled = jax.random.permutation(sub, data, axis=0, independent=False)
        ch = jax.random.choice(sub, jnp.arange(20), (5,), replace=False)
        return key, w, ls, perm, shuffled, ch

    key = jax.random.key(11)
    w = jnp.zeros((2, 3))
    outs = []
    for _ in range(2):
        key, w, ls, perm, sh, ch = epoch(key, w)
        outs.append((ls, perm, sh, ch))
    return {"w": w, "outs": outs, "kd": jax.random.key_data(key)}


def per_example(jax, jnp):
    from importlib import import_module

    ravel_pytree = import_module(jax.__name__ + ".flatten_util").ravel_pytree
    key = jax.random.key(9)
    k1, k2, k3 = jax.random.split(key, 3)
    params = {
        "w": jax.random.normal(k1, (3, 2), jnp.float64),
        "b": jnp.zeros(2),
        "s": jnp.float32(1.0),
    }
    X = jax.random.normal(k2, (8, 3), jnp.float64)
    Y = jax.random.randint(k3, (8,), 0, 2, jnp.int64)

    def loss(p, x, y):
        lg = (x @ p["w"] + p["b"]) * p["s"]
        return -jax.nn.log_softmax(lg)[y]

    pg = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(params, X, Y)
    flat, unravel = ravel_pytree(params)
    flat_pg = jax.vmap(lambda g: ravel_pytree(g)[0])(pg)
    norms = jnp.linalg.norm(flat_pg, axis=1)
    clipped = flat_pg / jnp.maximum(1.0, norms / 0.5)[:, None]
    newp = unravel(flat - 0.1 * clipped.mean(0))
    hess = jax.hessian(lambda f: jnp.mean(jax.vmap(loss, (None, 0, 0))(unravel(f), X, Y)))(flat)
    jac = jax.jacrev(lambda f: jax.vmap(loss, (None, 0, 0))(unravel(f), X, Y))(flat)
    return {"pg": pg, "flat": flat, "norms": norms, "newp": newp, "hess": hess, "jac": jac}


def custom_stuff(jax, jnp):
    @jax.custom_vjp
    def clip_grad(x, lo, hi):
        return x

    def fwd(x, lo, hi):
        return x, (lo, hi)

    def bwd(res, g):
        lo, hi = res
        return (jnp.clip(g, lo, hi), None, None)

    clip_grad.defvjp(fwd, bwd)

    @jax.checkpoint
    def mlp(w, x):
        return jnp.sin(jnp.tanh(x @ w) @ w.T)

    pol = jax.checkpoint_policies.dots_with_no_batch_dims_saveable

    def f(w, x):
        y = jax.checkpoint(mlp, policy=pol)(w, x)
        y = clip_grad(y, -0.1, 0.1)
        return jnp.sum(y**2)

    w = jnp.asarray(_rand(4, 3, 3))
    x = jnp.asarray(_rand(5, 2, 3))
    g = jax.grad(f)(w, x)
    gx = jax.jit(jax.grad(f, argnums=1))(w, x)
    return {"g": g, "gx": gx}


def kv_cache_decode(jax, jnp):
    # autoregressive decoding with a KV cache updated by dynamic_update_slice in scan
    T, d, V = 6, 4, 7
    emb = jnp.asarray(_rand(0, V, d))
    wq, wk, wv = (jnp.asarray(_rand(i, d, d)) * 0.5 for i in (1, 2, 3))
    wo = jnp.asarray(_rand(4, d, V))

    def step(carry, t):
        kc, vc, tok, key = carry
        x = emb[tok]
        q, k, v = x @ wq, x @ wk, x @ wv
        kc = jax.lax.dynamic_update_slice(kc, k[None], (t, 0))
        vc = jax.lax.dynamic_update_slice_in_dim(vc, v[None], t, axis=0)
        mask = jnp.arange(T) <= t
        s = jnp.where(mask, kc @ q / jnp.sqrt(d), -jnp.inf)
        o = jax.nn.softmax(s) @ vc
        logits = o @ wo
        key, sub = jax.random.split(key)
        nxt = jax.random.categorical(sub, logits).astype(tok.dtype)
        greedy = jnp.argmax(logits)
        return (kc, vc, nxt, key), (nxt, greedy, jax.nn.logsumexp(logits))

    init = (jnp.zeros((T, d)), jnp.zeros((T, d)), jnp.int32(0), jax.random.key(0))
    (kc, vc, tok, key), (toks, greedy, lse) = jax.jit(
        lambda c: jax.lax.scan(step, c, jnp.arange(T))
    )(init)
    return {"kc": kc, "toks": toks, "greedy": greedy, "lse": lse, "tok": tok}


def cnn(jax, jnp):
    x = jnp.asarray(_rand(0, 2, 8, 8, 3), dtype=jnp.float32)
    w1 = jnp.asarray(_rand(1, 3, 3, 3, 4), dtype=jnp.float32) * 0.3
    w2 = jnp.asarray(_rand(2, 3, 3, 4, 2), dtype=jnp.float32) * 0.3
    y = jnp.array([0, 1])

    def net(p, x):
        h = jax.lax.conv_general_dilated(
            x, p[0], (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")
        )
        h = jax.nn.gelu(h)
        h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        h = jax.lax.conv_general_dilated(
            h,
            p[1],
            (2, 2),
            ((1, 1), (1, 1)),
            rhs_dilation=(1, 1),
            dimension_numbers=("NHWC", "HWIO", "NHWC"),
        )
        h = jax.nn.relu(h)
        return h.mean((1, 2))

    def loss(p):
        lg = net(p, x)
        y1 = jax.nn.one_hot(y, 2, dtype=lg.dtype)
        return -jnp.mean(jnp.sum(y1 * jax.nn.log_softmax(lg), -1))

    l, g = jax.jit(jax.value_and_grad(loss))((w1, w2))
    up = jax.image.resize(x[0, :, :, 0], (12, 12), "linear")
    pooled = jax.lax.reduce_window(x, 0.0, jax.lax.add, (1, 2, 2, 1), (1, 1, 1, 1), "SAME")
    return {"l": l, "g": g, "up": up, "pooled": pooled}


class State(NamedTuple):
    x: object
    v: object
    step: object


def sparse_and_trees(jax, jnp):
    sparse = import_module(jax.__name__ + ".experimental.sparse")
    M = np.zeros((6, 5))
    M[[0, 1, 3, 5, 5], [1, 4, 2, 0, 3]] = [1.0, -2.0, 3.0, 0.5, 4.0]
    A = sparse.BCOO.fromdense(jnp.asarray(M))
    b = jnp.asarray(_rand(1, 5))

    def f(x):
        return jnp.sum((A @ x) ** 2)

    g = jax.grad(f)(b)
    Ab = jax.jit(lambda A, x: A @ x)(A, b)
    At = A.T.todense()
    s = sparse.bcoo_dot_general(A, b, dimension_numbers=(([1], [0]), ([], []))).sum()

    @functools.partial(
        jax.tree_util.register_dataclass, data_fields=["w", "b"], meta_fields=["act"]
    )
    @dataclasses.dataclass
    class Layer:
        w: object
        b: object
        act: str

    layer = Layer(jnp.ones((5, 2)), jnp.zeros(2), "tanh")
    out = jax.jit(lambda L, x: getattr(jnp, L.act)(x @ L.w + L.b))(layer, b)
    gl = jax.grad(lambda L: jnp.sum(jnp.tanh(b @ L.w + L.b)))(layer)
    st = State(jnp.zeros(2), jnp.ones(2), 0)

    def body(s):
        return State(s.x + 0.1 * s.v, s.v - 0.1 * s.x, s.step + 1)

    st = jax.lax.while_loop(lambda s: s.step < 10, body, st)
    paths = [
        jax.tree_util.keystr(p)
        for p, _ in jax.tree_util.tree_flatten_with_path({"a": st, "l": layer})[0]
    ]
    return {
        "g": g,
        "Ab": Ab,
        "At": At,
        "s": s,
        "out": out,
        "gl": (gl.w, gl.b),
        "st": st,
        "paths": np.array(paths),
    }


def vmapped_solvers(jax, jnp):
    # batched while_loop (Newton's method per element), cond inside vmap, lax.map with batch_size
    a = jnp.asarray(np.abs(_rand(0, 7))) + 0.5

    def newton_sqrt(a):
        def cond(c):
            x, i = c
            return (jnp.abs(x * x - a) > 1e-12) & (i < 50)

        def body(c):
            x, i = c
            return 0.5 * (x + a / x), i + 1

        return jax.lax.while_loop(cond, body, (a, 0))

    xs, its = jax.vmap(newton_sqrt)(a)
    c = jax.vmap(lambda v: jax.lax.cond(v > 1.0, jnp.log, lambda v: v - 1.0, v))(a)
    sw = jax.vmap(lambda i, v: jax.lax.switch(i, [jnp.sin, jnp.cos, lambda z: z**2], v))(
        jnp.arange(7) % 3, a
    )
    m = jax.lax.map(lambda v: jnp.sum(v * jnp.arange(3.0)), jnp.outer(a, jnp.ones(3)), batch_size=3)
    gsq = jax.vmap(jax.jacfwd(lambda a: newton_sqrt(a)[0]))(a)
    sel = jax.lax.select_n(jnp.arange(7) % 2 == 0, a, -a)
    psum = jax.vmap(lambda v: v / jax.lax.psum(v, "i"), axis_name="i")(a)
    return {"xs": xs, "its": its, "c": c, "sw": sw, "m": m, "gsq": gsq, "sel": sel, "psum": psum}


def custom_jvp_prog(jax, jnp):
    @jax.custom_jvp
    def safe_log1pexp(x):
        return jnp.logaddexp(0.0, x)

    @safe_log1pexp.defjvp
    def _jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return safe_log1pexp(x), t * jax.nn.sigmoid(x)

    @functools.partial(jax.custom_vjp, nondiff_argnums=(0,))
    def scaled(scale, x):
        return scale * x

    def fwd(scale, x):
        return scaled(scale, x), None

    def bwd(scale, res, g):
        return (g * scale * 2,)

    scaled.defvjp(fwd, bwd)

    x = jnp.linspace(-50.0, 50.0, 7)
    g1 = jax.vmap(jax.grad(safe_log1pexp))(x)
    h = jax.jacfwd(jax.grad(lambda x: jnp.sum(safe_log1pexp(x))))(x)
    g2 = jax.grad(lambda x: jnp.sum(scaled(3.0, x)))(x)
    y, jt = jax.jvp(safe_log1pexp, (x,), (jnp.ones_like(x),))
    prim, lin = jax.linearize(lambda x: jnp.sin(x) * safe_log1pexp(x), x)
    out, vjp = jax.vjp(lambda x: scaled(2.0, x) ** 2, x)
    return {
        "g1": g1,
        "h": h,
        "g2": g2,
        "y": y,
        "jt": jt,
        "lin": lin(jnp.ones_like(x)),
        "vjp": vjp(jnp.ones_like(x)),
    }


def ensemble_vmap_init(jax, jnp):
    # train an ensemble of MLPs with vmap over keys and params, inline SGD with momentum, eval_shape
    X = jnp.asarray(_rand(0, 16, 2))
    Y = jnp.sin(X[:, :1]) + X[:, 1:] ** 2

    def init(key):
        k1, k2 = jax.random.split(key)
        return {
            "l1": {"w": jax.random.normal(k1, (2, 8), jnp.float64) * 0.5, "b": jnp.zeros(8)},
            "l2": {"w": jax.random.normal(k2, (8, 1), jnp.float64) * 0.5, "b": jnp.zeros(1)},
        }

    def apply(p, x):
        h = jax.nn.silu(x @ p["l1"]["w"] + p["l1"]["b"])
        return h @ p["l2"]["w"] + p["l2"]["b"]

    def loss(p):
        return jnp.mean((apply(p, X) - Y) ** 2)

    keys = jax.random.split(jax.random.key(0), 4)
    ps = jax.vmap(init)(keys)
    shapes = jax.eval_shape(jax.vmap(init), keys)
    mom = jax.tree.map(jnp.zeros_like, ps)

    @jax.jit
    def update(ps, mom):
        ls, gs = jax.vmap(jax.value_and_grad(loss))(ps)
        mom = jax.tree.map(lambda m, g: 0.9 * m + g, mom, gs)
        ps = jax.tree.map(lambda p, m: p - 0.05 * m, ps, mom)
        return ps, mom, ls

    for _ in range(5):
        ps, mom, ls = update(ps, mom)
    flat = jax.tree.leaves(ps)
    return {
        "ls": ls,
        "ps": ps,
        "shapes": [np.array(s.shape) for s in jax.tree.leaves(shapes)],
        "n": sum(x.size for x in flat),
    }


def debug_and_callbacks(jax, jnp):
    out = []

    def host_fn(x):
        return np.cumsum(np.asarray(x)) * 2

    @jax.jit
    def f(x):
        jax.debug.print("x sum {s}", s=x.sum())
        y = jax.pure_callback(host_fn, jax.ShapeDtypeStruct(x.shape, x.dtype), x)
        jax.debug.callback(lambda v: out.append(float(np.asarray(v))), y[-1])
        return y + 1

    r = f(jnp.arange(4.0))
    rv = jax.vmap(
        lambda x: jax.pure_callback(
            host_fn, jax.ShapeDtypeStruct(x.shape, x.dtype), x, vmap_method="sequential"
        )
    )(jnp.arange(6.0).reshape(2, 3))
    return {"r": r, "rv": rv, "out": np.array(out)}


def gnn_segment(jax, jnp):
    ops = import_module(jax.__name__ + ".ops")
    senders = jnp.array([0, 1, 2, 3, 4, 0, 2])
    receivers = jnp.array([1, 2, 3, 4, 0, 2, 4])
    h = jnp.asarray(_rand(0, 5, 3))
    w = jnp.asarray(_rand(1, 3, 3)) * 0.5

    def layer(w, h):
        msg = h[senders] @ w
        agg = ops.segment_sum(msg, receivers, num_segments=5)
        mx = ops.segment_max(msg, receivers, num_segments=5)
        deg = ops.segment_sum(jnp.ones_like(receivers), receivers, 5)
        att = ops.segment_max(msg.sum(-1), receivers, 5, indices_are_sorted=False)
        e = jnp.exp(msg.sum(-1) - att[receivers])
        norm = ops.segment_sum(e, receivers, 5)
        return jax.nn.relu(agg / jnp.maximum(deg, 1)[:, None] + mx), e / norm[receivers], deg

    out, alpha, deg = jax.jit(layer)(w, h)
    g = jax.grad(lambda w: jnp.sum(layer(w, h)[0] ** 2) + jnp.sum(layer(w, h)[1] ** 2))(w)
    prod = ops.segment_prod(h[:, 0], jnp.array([0, 0, 1, 1, 1]), 2)
    mn = ops.segment_min(h, jnp.array([0, 0, 1, 1, 3]), num_segments=4)
    return {"out": out, "alpha": alpha, "deg": deg, "g": g, "prod": prod, "mn": mn}


def sinkhorn(jax, jnp):
    x = jnp.asarray(_rand(0, 6, 2))
    y = jnp.asarray(_rand(1, 5, 2)) + 1.0
    a = jnp.ones(6) / 6
    b = jnp.ones(5) / 5

    def ot(x, y, eps=0.5):
        C = jnp.sum((x[:, None] - y[None]) ** 2, -1)

        def body(c):
            f, g, i = c
            f = eps * jnp.log(a) - eps * jax.nn.logsumexp((g[None] - C) / eps, axis=1)
            g = eps * jnp.log(b) - eps * jax.scipy.special.logsumexp((f[:, None] - C) / eps, axis=0)
            return f, g, i + 1

        f, g, i = jax.lax.while_loop(lambda c: c[2] < 30, body, (jnp.zeros(6), jnp.zeros(5), 0))
        P = jnp.exp((f[:, None] + g[None] - C) / eps)
        return jnp.sum(P * C), P, i

    cost, P, i = jax.jit(ot)(x, y)
    gx = jax.jacfwd(lambda x: ot(x, y)[0])(x)
    return {"cost": cost, "P": P, "i": i, "gx": gx}


def kalman(jax, jnp):
    F = jnp.array([[1.0, 1.0], [0.0, 1.0]])
    H = jnp.array([[1.0, 0.0]])
    ys = jnp.asarray(_rand(0, 12, 1)) + jnp.arange(12.0)[:, None]

    def loglik(log_q, log_r):
        Q = jnp.exp(log_q) * jnp.eye(2)
        R = jnp.exp(log_r) * jnp.eye(1)

        def step(carry, y):
            m, P = carry
            m = F @ m
            P = F @ P @ F.T + Q
            S = H @ P @ H.T + R
            K = jnp.linalg.solve(S.T, (P @ H.T).T).T
            r = y - H @ m
            ll = jax.scipy.stats.multivariate_normal.logpdf(y, H @ m, S)
            m = m + K @ r
            P = (jnp.eye(2) - K @ H) @ P
            return (m, P), (ll, m)

        (m, P), (lls, ms) = jax.lax.scan(step, (jnp.zeros(2), jnp.eye(2)), ys)
        return lls.sum(), (ms, jnp.linalg.slogdet(P))

    (ll, (ms, sld)), g = jax.value_and_grad(loglik, argnums=(0, 1), has_aux=True)(0.0, 0.0)
    return {"ll": ll, "ms": ms, "sld": sld, "g": g}


def ising(jax, jnp):
    L = 6

    @functools.partial(jax.jit, static_argnums=2)
    def run(key, beta, n):
        s = jnp.where(jax.random.bernoulli(key, jnp.float32(0.5), (L, L)), 1, -1).astype(jnp.int8)

        def sweep(i, c):
            s, key = c
            key = jax.random.fold_in(key, i)
            k1, k2 = jax.random.split(key)
            color = (jnp.arange(L)[:, None] + jnp.arange(L)[None]) % 2 == (i % 2)
            nb = jnp.roll(s, 1, 0) + jnp.roll(s, -1, 0) + jnp.roll(s, 1, 1) + jnp.roll(s, -1, 1)
            dE = 2 * s * nb
            acc = jax.random.uniform(k1, (L, L), jnp.float64) < jnp.exp(-beta * dE)
            s = jnp.where(color & acc, -s, s)
            return s, k2

        s, key = jax.lax.fori_loop(0, n, sweep, (s, key))
        return s, jnp.mean(s, dtype=jnp.float64), jax.random.key_data(key)

    s, m, kd = run(jax.random.key(2), 0.4, 10)
    keys = jax.random.split(jax.random.key(3), (2, 3))
    wk = jax.random.wrap_key_data(jax.random.key_data(keys))
    return {
        "s": s,
        "m": m,
        "kd": kd,
        "keys": jax.random.key_data(keys),
        "wk": jax.random.key_data(wk),
        "ku": jax.random.uniform(wk[1, 2], (2,), jnp.float64),
    }


def spectral_burgers(jax, jnp):
    N = 32
    x = jnp.linspace(0, 2 * jnp.pi, N, endpoint=False)
    k = jnp.fft.rfftfreq(N, d=1.0 / N) * 1j
    nu = 0.05

    def rhs(u):
        uh = jnp.fft.rfft(u)
        ux = jnp.fft.irfft(k * uh, n=N)
        uxx = jnp.fft.irfft(k * k * uh, n=N)
        return -u * ux + nu * uxx

    def step(u, _):
        k1 = rhs(u)
        k2 = rhs(u + 0.005 * k1)
        u = u + 0.01 * k2
        return u, jnp.abs(jnp.fft.fft(u))[:4]

    u0 = jnp.sin(x)
    u, spec = jax.lax.scan(step, u0, None, length=20)
    g = jax.grad(lambda a: jnp.sum(jax.lax.scan(step, a * u0, None, length=5)[0] ** 2))(1.0)
    f2 = jnp.fft.fftshift(jnp.fft.fft2(jnp.outer(u, u)[:4, :4]))
    return {"u": u, "spec": spec, "g": g, "f2": f2}


def bayes_linreg(jax, jnp):
    X = jnp.asarray(_rand(0, 20, 3))
    w_true = jnp.array([1.0, -2.0, 0.5])
    y = X @ w_true + 0.3 * jnp.asarray(_rand(1, 20))

    def log_post(params):
        w, log_s = params["w"], params["log_s"]
        s = jnp.exp(log_s)
        ll = jnp.sum(jax.scipy.stats.norm.logpdf(y, X @ w, s))
        lp = (
            jnp.sum(jax.scipy.stats.t.logpdf(w, 3.0))
            + jax.scipy.stats.gamma.logpdf(s, 2.0, scale=1.0)
            + log_s
        )
        return ll + lp

    params = {"w": jnp.zeros(3), "log_s": jnp.array(0.0)}
    lr = 1e-2

    def step(p, _):
        g = jax.grad(log_post)(p)
        return jax.tree.map(lambda a, b: a + lr * b, p, g), log_post(p)

    p, trace = jax.lax.scan(step, params, length=50)
    H = jax.hessian(lambda w: log_post({"w": w, "log_s": p["log_s"]}))(p["w"])
    cov = jnp.linalg.inv(-H)
    ev, evec = jnp.linalg.eigh(cov)
    u, sv, vt = jnp.linalg.svd(X, full_matrices=False)
    lml = jax.scipy.special.gammaln(jnp.arange(1.0, 5.0)) + jax.scipy.special.digamma(2.5)
    return {"p": p, "trace": trace, "ev": ev, "sv": sv, "lml": lml, "absvec": jnp.abs(evec)}


def gqa_attention(jax, jnp):
    B, T, S, N, K, H = 2, 5, 7, 4, 2, 3
    q = jnp.asarray(_rand(0, B, T, N, H), jnp.float32)
    k = jnp.asarray(_rand(1, B, S, K, H), jnp.float32)
    v = jnp.asarray(_rand(2, B, S, K, H), jnp.float32)
    bias = jnp.asarray(_rand(3, 1, N, T, S), jnp.float32)
    o1 = jax.nn.dot_product_attention(q, k, v)
    o2 = jax.nn.dot_product_attention(q, k, v, bias=bias, scale=0.5)
    o3 = jax.nn.dot_product_attention(q, k, v, local_window_size=(2, 1))
    o4 = jax.nn.dot_product_attention(
        q,
        k,
        v,
        query_seq_lengths=jnp.array([3, 5], jnp.int32),
        key_value_seq_lengths=jnp.array([7, 4], jnp.int32),
    )
    g = jax.grad(lambda q: jnp.sum(jax.nn.dot_product_attention(q, k, v, is_causal=True) ** 2))(q)
    return {"o1": o1, "o2": o2, "o3": o3, "o4": o4, "g": g}


def schedules_and_nan_guard(jax, jnp):
    def schedule(step):
        warm = step / 5.0
        cos = 0.5 * (1 + jnp.cos(jnp.pi * jnp.minimum(step - 5, 20) / 20))
        return jax.lax.cond(step < 5, lambda: warm, lambda: cos) * 1e-1

    def loss(w):
        return jnp.sum(jnp.log(w) ** 2)

    def step(c, i):
        w, nbad = c
        g = jax.grad(loss)(w)
        ok = jnp.all(jnp.isfinite(g))
        g = jnp.where(ok, g, 0.0)
        lr = schedule(i)
        w = jnp.clip(w - lr * g, 1e-3, None)
        return (w, nbad + (~ok).astype(jnp.int32)), lr

    (w, nbad), lrs = jax.jit(lambda w: jax.lax.scan(step, (w, jnp.int32(0)), jnp.arange(30)))(
        jnp.array([0.5, 2.0, 0.0, 3.0])
    )
    return {"w": w, "nbad": nbad, "lrs": lrs}


def misc_jit_features(jax, jnp):
    @functools.partial(jax.jit, static_argnames=("n",), donate_argnums=(0,))
    def f(x, n):
        with jax.named_scope("inner"):
            y = jax.lax.optimization_barrier(x * 2)
        for _ in range(n):
            y = jnp.sin(y)
        return y

    r = f(jnp.arange(3.0), n=2)
    vec = jnp.vectorize(lambda a, b: jnp.dot(a, b), signature="(n),(n)->()")
    v = vec(jnp.asarray(_rand(0, 4, 3)), jnp.asarray(_rand(1, 3)))
    xs = jnp.asarray(_rand(2, 8))
    c, ys = jax.lax.scan(lambda c, x: (c + x, c * x), 0.0, xs, reverse=True, unroll=3)
    fl = jax.lax.fori_loop(0, 7, lambda i, c: c * 1.1 + i, 1.0, unroll=2)
    s1, s2 = jax.lax.sort((jnp.array([3, 1, 2, 1]), jnp.array([0.1, 0.2, 0.3, 0.4])), num_keys=1)
    cs = jax.lax.cumsum(xs, reverse=True)
    cm = jax.lax.cummax(xs)
    vals, idx = jax.lax.top_k(xs, 3)
    gtk = jax.grad(lambda x: jnp.sum(jax.lax.top_k(x, 3)[0] ** 2))(xs)

    def argmax_reduce(x):
        def red(a, b):
            av, ai = a
            bv, bi = b
            take = av >= bv
            return jnp.where(take, av, bv), jnp.where(take, ai, bi)

        return jax.lax.reduce((x, jnp.arange(x.shape[0])), (-jnp.inf, 0), red, (0,))

    am = argmax_reduce(xs)
    ss = jnp.searchsorted(jnp.sort(xs), jnp.array([0.0, 1.0])).astype(jnp.int64)
    it = jnp.interp(jnp.linspace(-1, 1, 5), jnp.sort(xs), jnp.arange(8.0))
    with jax.ensure_compile_time_eval():
        cte = jnp.arange(4) * 2
    nc = jax.named_call(lambda x: x + 1, name="plus1")(2.0)
    return {
        "r": r,
        "v": v,
        "c": c,
        "ys": ys,
        "fl": fl,
        "s": (s1, s2),
        "cs": cs,
        "cm": cm,
        "tk": (vals, idx),
        "gtk": gtk,
        "am": am,
        "ss": ss,
        "it": it,
        "cte": cte,
        "nc": nc,
    }


def jaxpr_interp(jax, jnp):
    core = import_module(jax.__name__ + ".core")

    def f(x, y):
        return jnp.sum(jnp.tanh(x) * y), x @ y

    x = jnp.asarray(_rand(0, 3, 3))
    y = jnp.asarray(_rand(1, 3))
    cj = jax.make_jaxpr(f)(x, y)
    out = core.eval_jaxpr(cj.jaxpr, cj.consts, x, y)
    n_in = len(cj.jaxpr.invars)
    n_out = len(cj.jaxpr.outvars)
    g = jax.grad(lambda x: core.eval_jaxpr(cj.jaxpr, cj.consts, x, y)[0])(x)
    v = jax.vmap(lambda y: core.eval_jaxpr(cj.jaxpr, cj.consts, x, y)[1])(jnp.stack([y, 2 * y]))
    return {"out": out, "n": np.array([n_in, n_out]), "g": g, "v": v}


def ragged_general(jax, jnp):
    lax = jax.lax
    lhs = jnp.asarray(_rand(0, 7, 4))
    rhs = jnp.asarray(_rand(1, 3, 4, 2))
    gs = jnp.array([2, 4, 1], jnp.int32)
    dn = lax.RaggedDotDimensionNumbers(
        dot_dimension_numbers=(([1], [1]), ([], [])),
        lhs_ragged_dimensions=[0],
        rhs_group_dimensions=[0],
    )
    o1 = lax.ragged_dot_general(lhs, rhs, gs, dn)
    o2 = lax.ragged_dot(lhs, rhs, gs)
    return {"o1": o1, "o2": o2}


PROGRAMS = [
    transformer,
    gru_clip,
    vae,
    diffusion,
    hmc,
    nbody_heat,
    gp,
    moe,
    pipeline,
    per_example,
    custom_stuff,
    kv_cache_decode,
    cnn,
    sparse_and_trees,
    vmapped_solvers,
    custom_jvp_prog,
    ensemble_vmap_init,
    debug_and_callbacks,
    gnn_segment,
    sinkhorn,
    kalman,
    ising,
    spectral_burgers,
    bayes_linreg,
    gqa_attention,
    schedules_and_nan_guard,
    misc_jit_features,
    jaxpr_interp,
    ragged_general,
]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_like_jax(program):
    jax = _jax()
    _assert_same(program(arrax, arrax.numpy), program(jax, jax.numpy))
