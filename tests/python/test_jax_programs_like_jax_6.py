"""Whole JAX programs, round 6: JAX docs pages not covered before ("Writing custom Jaxpr
interpreters", "Generalized convolutions", "Gradient checkpointing", "Ahead-of-time lowering",
"Neural network and data loading", "vmapped log-probs", ``jax.debug``) and research-style code
(a PINN with ``jacfwd``/``hessian`` of a net in its inputs under ``vmap``, second-order MAML,
DP-SGD per-example clipping, a GP hyperparameter fit with ``cho_solve`` +
``scipy.optimize.minimize``, a transformer LM whose layers are a checkpointed ``scan``, an
Ising model splitting its key each step, a NUTS-like ``while_loop`` trajectory, a Kalman filter
differentiated in its noise), run with arrax in place of JAX and checked against JAX itself
(64-bit) for values, dtypes and shapes, plus the divergences they turned up:

* the custom-interpreter tutorial ran into arrax's graphs: equations were bare tuples (now
  also ``eqn.primitive``/``params``/``invars``/``outvars``), there were no primitive objects
  (now ``lax.exp_p``... with ``bind`` and ``multiple_results``, the objects equations name),
  no ``core.Literal`` / ``arrax.extend.core`` and no ``closed_jaxpr.literals``; an interpreter
  written for JAX now runs arrax's graphs, control flow and ``jit`` equations included, under
  ``jit``/``grad``/``vmap``;
* ``jax.ad_checkpoint.print_saved_residuals`` was missing (and ``ShapedArray.str_short`` took
  no ``short_dtypes``).

The programs pass dtypes to ``random`` samplers explicitly (arrax's ``random`` keeps JAX's
32-bit-mode defaults, a documented convention).
"""

import contextlib
import functools
import io
import re
from importlib import import_module

import arrax
import numpy as np
import pytest

from jax_programs_common import _assert_same_trees, _jax, _jax_x64_here  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


def _rand(i, *shape):
    return np.random.RandomState(i).normal(size=shape)


def _assert_same(ours, theirs, rtol=1e-6, atol=1e-7):
    _assert_same_trees(ours, theirs, rtol, atol, f32_tol=(2e-4, 1e-4))


def convolutions(jax, jnp):
    lax = jax.lax
    random = jax.random
    jsp = import_module(jax.__name__ + ".scipy")
    import_module(jax.__name__ + ".scipy.signal")
    import_module(jax.__name__ + ".scipy.stats")
    key = random.key(1701)
    x = jnp.linspace(0, 10, 50)
    y = jnp.sin(x) + 0.2 * random.normal(key, shape=(50,), dtype=jnp.float64)
    window = jnp.ones(10) / 10
    y_smooth = jnp.convolve(y, window, mode="same")
    image = jnp.array(_rand(0, 20, 18))
    noisy_image = image + 50 * random.normal(key, image.shape, dtype=jnp.float64)
    xx = jnp.linspace(-3, 3, 7)
    window = jsp.stats.norm.pdf(xx) * jsp.stats.norm.pdf(xx[:, None])
    smooth_image = jsp.signal.convolve(noisy_image, window, mode="same")
    c2 = jsp.signal.convolve2d(image, window, mode="valid")
    cr = jsp.signal.correlate(image, window, mode="full")
    kernel = jnp.zeros((3, 3, 3, 3), dtype=jnp.float32)
    kernel += jnp.array([[1, 1, 0], [1, 0, -1], [0, -1, -1]])[:, :, jnp.newaxis, jnp.newaxis]
    img = jnp.zeros((1, 20, 18, 3), dtype=jnp.float32)
    for k in range(3):
        a = 3 + 6 * k
        b = 2 + 6 * k
        img = img.at[0, a : a + 3, b : b + 3, k].set(1.0)
    out1 = lax.conv(
        jnp.transpose(img, [0, 3, 1, 2]), jnp.transpose(kernel, [3, 2, 0, 1]), (1, 1), "SAME"
    )
    out2 = lax.conv_with_general_padding(
        jnp.transpose(img, [0, 3, 1, 2]),
        jnp.transpose(kernel, [2, 3, 0, 1]),
        (1, 1),
        ((2, 2), (2, 2)),
        (1, 1),
        (1, 1),
    )
    dn = lax.conv_dimension_numbers(img.shape, kernel.shape, ("NHWC", "HWIO", "NHWC"))
    dn_t = (tuple(dn.lhs_spec), tuple(dn.rhs_spec), tuple(dn.out_spec))
    o3 = lax.conv_general_dilated(img, kernel, (1, 1), "SAME", (1, 1), (1, 1), dn)
    o4 = lax.conv_general_dilated(img, kernel, (1, 1), "VALID", (1, 1), (1, 1), dn)
    o5 = lax.conv_general_dilated(img, kernel, (2, 2), "SAME", (1, 1), (1, 1), dn)
    o6 = lax.conv_general_dilated(img, kernel, (1, 1), "VALID", (1, 1), (4, 4), dn)
    o7 = lax.conv_general_dilated(img, kernel, (1, 1), ((0, 0), (0, 0)), (2, 2), (1, 1), dn)
    kernel_rot = jnp.rot90(jnp.rot90(kernel, axes=(0, 1)), axes=(0, 1))
    o8 = lax.conv_general_dilated(img, kernel_rot, (1, 1), ((2, 1), (2, 1)), (2, 2), (1, 1), dn)
    k1 = jnp.array(
        [[[1, 0, -1], [-1, 0, 1]], [[1, 1, 1], [-1, -1, -1]]], dtype=jnp.float32
    ).transpose([2, 1, 0])
    data = np.zeros((1, 40, 2), dtype=np.float32)
    for i in range(2):
        for k in range(2):
            a = 7 * i + 6 + 12 * k
            data[0, a : a + 6, k] = 1.0
    dn1 = lax.conv_dimension_numbers(data.shape, k1.shape, ("NWC", "WIO", "NWC"))
    o9 = lax.conv_general_dilated(data, k1, (1,), "SAME", (1,), (1,), dn1)
    k3 = jnp.array(
        [
            [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
            [[0, -1, 0], [-1, 0, -1], [0, -1, 0]],
            [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
        ],
        dtype=jnp.float32,
    )[:, :, :, jnp.newaxis, jnp.newaxis]
    d3 = jnp.zeros((1, 8, 8, 8, 1), dtype=jnp.float32)
    x3, y3, z3 = np.mgrid[0:1:8j, 0:1:8j, 0:1:8j]
    d3 = d3 + (jnp.sin(2 * x3 * jnp.pi) * jnp.cos(2 * y3 * jnp.pi) * jnp.cos(2 * z3 * jnp.pi))[
        None, :, :, :, None
    ].astype(jnp.float32)
    dn3 = lax.conv_dimension_numbers(d3.shape, k3.shape, ("NHWDC", "HWDIO", "NHWDC"))
    o10 = lax.conv_general_dilated(d3, k3, (1, 1, 1), "SAME", (1, 1, 1), (1, 1, 1), dn3)
    return dict(
        ys=y_smooth,
        si=smooth_image,
        c2=c2,
        cr=cr,
        o1=out1,
        o2=out2,
        dn=np.array(dn_t),
        o3=o3,
        o4=o4,
        o5=o5,
        o6=o6,
        o7=o7,
        o8=o8,
        o9=o9,
        dn1=np.array([tuple(dn1.lhs_spec), tuple(dn1.rhs_spec), tuple(dn1.out_spec)]),
        o10=o10,
        d3=d3,
    )


def pinn(jax, jnp):
    ks = jax.random.split(jax.random.key(0), 3)
    sizes = [2, 16, 16, 1]
    params = []
    for k, (m, n) in zip(jax.random.split(ks[0], 3), zip(sizes[:-1], sizes[1:])):
        w = jax.random.normal(k, (m, n), jnp.float64) / jnp.sqrt(m)
        params.append((w, jnp.zeros(n)))

    def u(params, xt):
        h = xt
        for w, b in params[:-1]:
            h = jnp.tanh(h @ w + b)
        w, b = params[-1]
        return (h @ w + b)[0]

    def residual(params, xt):
        du = jax.jacfwd(u, argnums=1)(params, xt)
        H = jax.hessian(u, argnums=1)(params, xt)
        u_t = du[1]
        u_xx = H[0, 0]
        return u_t - 0.01 * u_xx + u(params, xt) * du[0]

    pts = jax.random.uniform(ks[1], (32, 2), jnp.float64, minval=-1, maxval=1)
    bnd = jax.random.uniform(ks[2], (8, 2), jnp.float64)

    def loss(params):
        r = jax.vmap(residual, (None, 0))(params, pts)
        ub = jax.vmap(u, (None, 0))(params, bnd)
        return jnp.mean(r**2) + jnp.mean((ub - jnp.sin(jnp.pi * bnd[:, 0])) ** 2)

    @jax.jit
    def step(params):
        l, g = jax.value_and_grad(loss)(params)
        return jax.tree.map(lambda p, g: p - 1e-2 * g, params, g), l

    ls = []
    for _ in range(3):
        params, l = step(params)
        ls.append(l)
    lap = jax.vmap(jax.jacrev(jax.jacfwd(u, 1), 1), (None, 0))(params, pts[:4])
    return dict(ls=jnp.stack(ls), params=params, lap=lap)


def maml(jax, jnp):
    key = jax.random.key(3)
    k1, k2, k3 = jax.random.split(key, 3)
    params = {
        "w1": jax.random.normal(k1, (1, 20), jnp.float64) * 0.5,
        "b1": jnp.zeros(20),
        "w2": jax.random.normal(k2, (20, 1), jnp.float64) * 0.5,
        "b2": jnp.zeros(1),
    }

    def net(p, x):
        return jnp.tanh(x @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]

    def mse(p, x, y):
        return jnp.mean((net(p, x) - y) ** 2)

    def inner_update(p, x, y, alpha=0.1):
        g = jax.grad(mse)(p, x, y)
        return jax.tree_util.tree_map(lambda p, g: p - alpha * g, p, g)

    def maml_loss(p, x1, y1, x2, y2):
        p2 = inner_update(p, x1, y1)
        p2 = inner_update(p2, x1, y1)
        return mse(p2, x2, y2)

    def sample_tasks(key, n=4, k=5):
        ka, kp, kx1, kx2 = jax.random.split(key, 4)
        A = jax.random.uniform(ka, (n, 1, 1), jnp.float64, 0.1, 5.0)
        ph = jax.random.uniform(kp, (n, 1, 1), jnp.float64, 0.0, jnp.pi)
        x1 = jax.random.uniform(kx1, (n, k, 1), jnp.float64, -5, 5)
        x2 = jax.random.uniform(kx2, (n, k, 1), jnp.float64, -5, 5)
        return x1, A * jnp.sin(x1 + ph), x2, A * jnp.sin(x2 + ph)

    def batch_loss(p, tasks):
        return jnp.mean(jax.vmap(functools.partial(maml_loss, p))(*tasks))

    @jax.jit
    def step(p, tasks):
        l, g = jax.value_and_grad(batch_loss)(p, tasks)
        return jax.tree.map(lambda a, b: a - 1e-3 * b, p, g), l

    ls = []
    for i in range(3):
        params, l = step(params, sample_tasks(jax.random.fold_in(k3, i)))
        ls.append(l)
    # hessian-vector product through inner loop
    t = sample_tasks(k3)
    hv = jax.jvp(
        jax.grad(lambda p: batch_loss(p, t)), (params,), (jax.tree.map(jnp.ones_like, params),)
    )[1]
    return dict(ls=jnp.stack(ls), params=params, hv=hv)


def dpsgd(jax, jnp):
    key = jax.random.key(7)
    kx, kw = jax.random.split(key)
    X = jax.random.normal(kx, (16, 5), jnp.float64)
    y = (X.sum(1) > 0).astype(jnp.float64)
    p = {"w": jax.random.normal(kw, (5,), jnp.float64) * 0.1, "b": jnp.zeros(())}

    def loss(p, x, y):
        logit = x @ p["w"] + p["b"]
        return jnp.logaddexp(0.0, logit) - y * logit

    def clipped(p, x, y, c=0.5):
        g = jax.grad(loss)(p, x, y)
        n = jnp.sqrt(sum(jnp.sum(l**2) for l in jax.tree_util.tree_leaves(g)))
        return jax.tree.map(lambda l: l / jnp.maximum(1.0, n / c), g), n

    @jax.jit
    def step(p, key):
        g, norms = jax.vmap(clipped, (None, 0, 0))(p, X, y)
        g = jax.tree.map(lambda l: l.sum(0), g)
        ks = jax.random.split(key, len(jax.tree_util.tree_leaves(g)))
        leaves, tdef = jax.tree_util.tree_flatten(g)
        noisy = [l + 0.1 * jax.random.normal(k, l.shape, l.dtype) for l, k in zip(leaves, ks)]
        g = jax.tree_util.tree_unflatten(tdef, noisy)
        return jax.tree.map(lambda a, b: a - 0.1 * b / X.shape[0], p, g), norms

    ns = []
    for i in range(3):
        p, n = step(p, jax.random.fold_in(key, i))
        ns.append(n)
    return dict(p=p, ns=jnp.stack(ns))


def remat(jax, jnp):
    cp = jax.checkpoint_policies
    import_module(jax.__name__ + ".ad_checkpoint")

    def g(W, x):
        y = jnp.dot(W, x)
        return jnp.sin(y)

    def f(W1, W2, W3, x):
        x = g(W1, x)
        x = g(W2, x)
        x = g(W3, x)
        return x

    W1 = jnp.asarray(_rand(0, 5, 4))
    W2 = jnp.asarray(_rand(1, 6, 5))
    W3 = jnp.asarray(_rand(2, 7, 6))
    x = jnp.asarray(_rand(3, 4))
    out = {}
    for name, pol in [
        ("none", None),
        ("dots", cp.dots_saveable),
        ("nothing", cp.nothing_saveable),
        ("everything", cp.everything_saveable),
        ("dots_nb", cp.dots_with_no_batch_dims_saveable),
    ]:
        f2 = jax.checkpoint(f, policy=pol) if pol is not None else jax.checkpoint(f)
        out[name] = jax.grad(lambda *a: f2(*a).sum(), argnums=(0, 1, 2))(W1, W2, W3, x)

    def g2(W, x):
        y = jnp.dot(W, x)
        y = jax.ad_checkpoint.checkpoint_name(y, "y")
        return jnp.sin(y)

    f3 = jax.checkpoint(lambda W, x: g2(W, g2(W, x)).sum(), policy=cp.save_only_these_names("y"))
    out["names"] = jax.grad(f3)(jnp.asarray(_rand(5, 4, 4)), x)
    f4 = jax.checkpoint(lambda W, x: g2(W, g2(W, x)).sum(), policy=cp.save_any_names_but_these("y"))
    out["names2"] = jax.grad(f4)(jnp.asarray(_rand(5, 4, 4)), x)
    f5 = jax.checkpoint(
        lambda W, x: g2(W, g2(W, x)).sum(),
        policy=cp.save_from_both_policies(cp.dots_saveable, cp.save_only_these_names("y")),
    )
    out["both"] = jax.grad(f5)(jnp.asarray(_rand(5, 4, 4)), x)
    f6 = jax.remat(lambda x: jnp.sin(jnp.sin(x)), prevent_cse=False, static_argnums=())
    out["remat"] = jax.vmap(jax.grad(lambda x: f6(x)))(x)

    # scan with checkpointed body
    def body(c, w):
        return jax.checkpoint(lambda c, w: jnp.tanh(w * c))(c, w), None

    out["scan"] = jax.grad(lambda ws: jax.lax.scan(body, 1.0, ws)[0])(jnp.linspace(0.1, 1, 5))
    return out


def aot(jax, jnp):
    def f(x, y):
        return 2 * x + y

    x, y = 3, 4
    lowered = jax.jit(f).lower(x, y)
    txt = lowered.as_text()
    compiled = lowered.compile()
    r = compiled(x, y)
    ctxt = compiled.as_text()
    i32 = jax.ShapeDtypeStruct((), jnp.dtype("int32"))
    r2 = jax.jit(f).lower(i32, i32).compile()(jnp.int32(3), jnp.int32(5))
    l3 = jax.jit(f, static_argnums=0).lower(7, 8)
    r3 = l3.compile()(8)
    exc = None
    try:
        compiled(jnp.float32(1.0), jnp.float32(2.0))
    except Exception as e:
        exc = type(e).__name__
    exc2 = None
    try:
        jax.jit(f).lower(i32, i32).compile()(jnp.array([1, 2], jnp.int32), jnp.int32(3))
    except Exception as e:
        exc2 = type(e).__name__

    def g(x):
        return jnp.sin(x) ** 2

    lg = jax.jit(g).lower(jnp.ones(3)).compile()
    rr = [lg(jnp.arange(3.0))]
    return dict(
        r=r,
        r2=r2,
        r3=r3,
        txt=np.array(isinstance(txt, str) and isinstance(ctxt, str)),
        exc=np.array(str(exc)),
        exc2=np.array(str(exc2)),
        rr=rr,
    )


def vmapped_logprobs(jax, jnp):
    import_module(jax.__name__ + ".scipy.special")
    jsp = import_module(jax.__name__ + ".scipy")
    import_module(jax.__name__ + ".scipy.stats")
    key = jax.random.key(10003)
    num_features = 10
    num_points = 100
    k1, k2, k3 = jax.random.split(key, 3)
    true_beta = jax.random.normal(k1, (num_features,), jnp.float64)
    all_x = jax.random.normal(k2, (num_points, num_features), jnp.float64)
    y = (
        np.asarray(jax.random.uniform(k3, (num_points,), jnp.float64))
        < np.asarray(jsp.special.expit(all_x.dot(true_beta)))
    ).astype(np.int32)

    def log_joint(beta):
        result = 0.0
        result = result + jnp.sum(jsp.stats.norm.logpdf(beta, 0.0, 1.0))
        result = result - jnp.sum(jnp.log(1 + jnp.exp(-(2 * y - 1) * jnp.dot(all_x, beta))))
        return result

    lj = log_joint(jax.random.normal(key, (num_features,), jnp.float64))
    batch_size = 10
    batched_test_beta = jax.random.normal(key, (batch_size, num_features), jnp.float64)
    vmap_batched_log_joint = jax.vmap(log_joint)
    vb = vmap_batched_log_joint(batched_test_beta)
    batched_log_joint = jax.jit(jax.vmap(log_joint))

    def elbo(beta_loc, beta_log_scale, epsilon):
        beta_sample = beta_loc + jnp.exp(beta_log_scale) * epsilon
        return jnp.mean(batched_log_joint(beta_sample), 0) + jnp.sum(
            beta_log_scale - 0.5 * np.log(2 * np.pi)
        )

    elbo = jax.jit(elbo)
    elbo_val_and_grad = jax.jit(jax.value_and_grad(elbo, argnums=(0, 1)))

    def normal_sample(key, shape):
        new_key, sub_key = jax.random.split(key)
        return new_key, jax.random.normal(sub_key, shape, jnp.float64)

    normal_sample = jax.jit(normal_sample, static_argnums=(1,))
    step_size = 0.01
    beta_loc = jnp.zeros(num_features, jnp.float64)
    beta_log_scale = jnp.zeros(num_features, jnp.float64)
    els = []
    for _ in range(5):
        key, epsilon = normal_sample(key, (batch_size, num_features))
        elbo_val, (beta_loc_grad, beta_log_scale_grad) = elbo_val_and_grad(
            beta_loc, beta_log_scale, epsilon
        )
        beta_loc += step_size * beta_loc_grad
        beta_log_scale += step_size * beta_log_scale_grad
        els.append(elbo_val)
    return dict(y=y, lj=lj, vb=vb, els=jnp.stack(els), bl=beta_loc, bs=beta_log_scale)


def nn_dataloading(jax, jnp):
    from_logsumexp = import_module(jax.__name__ + ".scipy.special").logsumexp

    def random_layer_params(m, n, key, scale=1e-2):
        w_key, b_key = jax.random.split(key)
        return scale * jax.random.normal(w_key, (n, m), jnp.float64), scale * jax.random.normal(
            b_key, (n,), jnp.float64
        )

    def init_network_params(sizes, key):
        keys = jax.random.split(key, len(sizes))
        return [random_layer_params(m, n, k) for m, n, k in zip(sizes[:-1], sizes[1:], keys)]

    layer_sizes = [16, 32, 32, 10]
    step_size = 0.01
    params = init_network_params(layer_sizes, jax.random.key(0))

    def relu(x):
        return jnp.maximum(0, x)

    def predict(params, image):
        activations = image
        for w, b in params[:-1]:
            outputs = jnp.dot(w, activations) + b
            activations = relu(outputs)
        final_w, final_b = params[-1]
        logits = jnp.dot(final_w, activations) + final_b
        return logits - from_logsumexp(logits)

    random_flattened_image = jax.random.normal(jax.random.key(1), (16,), jnp.float64)
    preds = predict(params, random_flattened_image)
    random_flattened_images = jax.random.normal(jax.random.key(1), (10, 16), jnp.float64)
    batched_predict = jax.vmap(predict, in_axes=(None, 0))
    bp = batched_predict(params, random_flattened_images)

    def one_hot(x, k, dtype=jnp.float64):
        return jnp.array(x[:, None] == jnp.arange(k), dtype)

    def accuracy(params, images, targets):
        target_class = jnp.argmax(targets, axis=1)
        predicted_class = jnp.argmax(batched_predict(params, images), axis=1)
        # (float64: a mean of bools is NumPy's float64 in arrax, float32 in JAX)
        return jnp.mean((predicted_class == target_class).astype(jnp.float64))

    def loss(params, images, targets):
        preds = batched_predict(params, images)
        return -jnp.mean(preds * targets)

    @jax.jit
    def update(params, x, y):
        grads = jax.grad(loss)(params, x, y)
        return [(w - step_size * dw, b - step_size * db) for (w, b), (dw, db) in zip(params, grads)]

    X = np.random.RandomState(0).normal(size=(64, 16))
    labels = np.random.RandomState(1).randint(0, 10, 64)
    Y = one_hot(labels, 10)
    accs = []
    for _ in range(2):
        for i in range(0, 64, 16):
            params = update(params, X[i : i + 16], Y[i : i + 16])
        accs.append(accuracy(params, X, Y))
    return dict(preds=preds, bp=bp, params=params, accs=jnp.stack(accs), Y=Y)


def debug_page(jax, jnp):
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):

        @jax.jit
        def f(x):
            jax.debug.print("🤯 {x} 🤯", x=x)
            y = jnp.sin(x)
            jax.debug.print("🤯 {y} 🤯", y=y)
            return y

        f(2.0)

        def g(x):
            jax.debug.print("x: {}", x)
            return x**2

        jax.vmap(g)(jnp.arange(3))
        jax.grad(g)(1.0)

        @jax.jit
        def h(x, y):
            jax.debug.print("sum {s}", s=x + y, ordered=True)
            return x * y

        h(1, 2)

        def loop_body(i, c):
            jax.debug.print("i={i} c={c}", i=i, c=c)
            return c + i

        jax.lax.fori_loop(0, 3, loop_body, 0)
        jax.debug.callback(lambda x: print("cb", x), jnp.arange(2))
    lines = buf.getvalue().splitlines()
    return dict(lines=np.array(lines))


def gp_fit(jax, jnp):
    import_module(jax.__name__ + ".scipy.linalg")
    import_module(jax.__name__ + ".scipy.optimize")
    jsp = import_module(jax.__name__ + ".scipy")
    X = jnp.asarray(np.linspace(0, 5, 12))[:, None]
    y = jnp.sin(X[:, 0]) + 0.1 * jnp.asarray(_rand(0, 12))

    def kern(params, a, b):
        ls, amp = jnp.exp(params[0]), jnp.exp(params[1])
        d = (a[:, None, :] - b[None, :, :]) / ls
        return amp * jnp.exp(-0.5 * jnp.sum(d**2, -1))

    def nll(params):
        K = kern(params, X, X) + (jnp.exp(params[2]) + 1e-6) * jnp.eye(X.shape[0])
        L = jnp.linalg.cholesky(K)
        c = (L, True)
        alpha = jsp.linalg.cho_solve(c, y)
        return (
            0.5 * y @ alpha + jnp.sum(jnp.log(jnp.diag(L))) + 0.5 * X.shape[0] * jnp.log(2 * jnp.pi)
        )

    p0 = jnp.array([0.0, 0.0, -2.0])
    res = jsp.optimize.minimize(nll, p0, method="BFGS")
    g = jax.grad(nll)(p0)
    v = jax.jit(jax.value_and_grad(nll))(p0)
    K = kern(res.x, X, X) + (jnp.exp(res.x[2]) + 1e-6) * jnp.eye(12)
    cf = jsp.linalg.cho_factor(K, lower=True)
    Xs = jnp.linspace(0, 5, 4)[:, None]
    mu = kern(res.x, Xs, X) @ jsp.linalg.cho_solve(cf, y)
    ts = jsp.linalg.solve_triangular(cf[0], kern(res.x, X, Xs), lower=True)
    return dict(
        g=g, v=v, fun=res.fun, x=res.x, ok=res.success, mu=mu, ts=ts, nit=res.nit, st=res.status
    )


def transformer_scan(jax, jnp):
    V, d, T, L, B = 11, 8, 6, 3, 2
    ks = jax.random.split(jax.random.key(5), 4)
    emb = jax.random.normal(ks[0], (V, d), jnp.float32) * 0.1
    layers = {
        "wqkv": jax.random.normal(ks[1], (L, d, 3 * d), jnp.float32) * 0.2,
        "wo": jax.random.normal(ks[2], (L, d, d), jnp.float32) * 0.2,
        "w1": jax.random.normal(ks[3], (L, d, 2 * d), jnp.float32) * 0.2,
        "w2": jnp.zeros((L, 2 * d, d), jnp.float32),
        "g": jnp.ones((L, d), jnp.float32),
    }
    params = {"emb": emb, "layers": layers}
    toks = jax.random.randint(jax.random.key(9), (B, T + 1), 0, V, jnp.int32)

    def rms(x, g):
        return x * jax.lax.rsqrt(jnp.mean(x * x, -1, keepdims=True) + 1e-6) * g

    def layer(x, p):
        h = rms(x, p["g"])
        q, k, v = jnp.split(h @ p["wqkv"], 3, axis=-1)
        q, k, v = (t.reshape(B, T, 2, d // 2) for t in (q, k, v))
        o = jax.nn.dot_product_attention(q, k, v, is_causal=True).reshape(B, T, d)
        x = x + o @ p["wo"]
        x = x + jax.nn.gelu(rms(x, p["g"]) @ p["w1"]) @ p["w2"]
        return x, jnp.mean(o)

    def loss(params, toks):
        x = params["emb"][toks[:, :-1]]
        x, aux = jax.lax.scan(jax.checkpoint(layer), x, params["layers"])
        logits = x @ params["emb"].T
        lp = jax.nn.log_softmax(logits)
        nll = -jnp.take_along_axis(lp, toks[:, 1:, None], -1).mean()
        return nll, aux

    @jax.jit
    def step(params, toks):
        (l, aux), g = jax.value_and_grad(loss, has_aux=True)(params, toks)
        gn = jnp.sqrt(sum(jnp.vdot(x, x) for x in jax.tree.leaves(g)))
        params = jax.tree.map(lambda p, g: p - 0.1 * g / jnp.maximum(1.0, gn), params, g)
        return params, l, aux, gn

    out = []
    for _ in range(3):
        params, l, aux, gn = step(params, toks)
        out.append((l, aux, gn))
    return dict(out=out, params=params)


def ising_split(jax, jnp):
    N = 8
    key = jax.random.key(42)
    spins = jnp.where(jax.random.bernoulli(key, jnp.float32(0.5), (N, N)), 1, -1).astype(jnp.int32)

    def energy(s):
        return -jnp.sum(s * (jnp.roll(s, 1, 0) + jnp.roll(s, 1, 1)))

    def sweep(carry, _):
        s, key, beta = carry
        key, k1, k2, k3 = jax.random.split(key, 4)
        i = jax.random.randint(k1, (), 0, N, jnp.int32)
        j = jax.random.randint(k2, (), 0, N, jnp.int32)
        nb = s[(i + 1) % N, j] + s[(i - 1) % N, j] + s[i, (j + 1) % N] + s[i, (j - 1) % N]
        dE = 2 * s[i, j] * nb
        acc = jax.random.uniform(k3, dtype=jnp.float64) < jnp.exp(-beta * dE)
        s = s.at[i, j].set(jnp.where(acc, -s[i, j], s[i, j]))
        return (s, key, beta), (energy(s), acc)

    run = jax.jit(lambda s, key, beta: jax.lax.scan(sweep, (s, key, beta), None, length=200))
    (sf, kf, _), (es, accs) = run(spins, key, 0.4)
    betas = jnp.linspace(0.1, 1.0, 3)
    mags = jax.vmap(lambda b, k: jnp.abs(run(spins, k, b)[0][0].astype(jnp.float64).mean()))(
        betas, jax.random.split(key, 3)
    )
    return dict(sf=sf, es=es, accs=accs, mags=mags, kd=jax.random.key_data(kf))


def nuts_like(jax, jnp):
    def logp(q):
        return -0.5 * jnp.sum(q**2 / jnp.array([1.0, 4.0])) - 0.1 * jnp.sum(q**4)

    glogp = jax.grad(logp)

    def leapfrog(q, p, eps):
        p = p + 0.5 * eps * glogp(q)
        q = q + eps * p
        p = p + 0.5 * eps * glogp(q)
        return q, p

    def build(q, p, eps, max_steps=20):
        H0 = -logp(q) + 0.5 * p @ p

        def cond(st):
            q, p, n, qs, _ = st
            u_turn = jnp.dot(q - qs, p) < 0
            return (n < max_steps) & ~(u_turn & (n > 1))

        def body(st):
            q, p, n, qs, sumw = st
            q, p = leapfrog(q, p, eps)
            w = jnp.exp(H0 - (-logp(q) + 0.5 * p @ p))
            return q, p, n + 1, qs, sumw + w

        return jax.lax.while_loop(cond, body, (q, p, 0, q, 0.0))

    @jax.jit
    def sample(key, q):
        k1, k2 = jax.random.split(key)
        p = jax.random.normal(k1, q.shape, q.dtype)
        q2, p2, n, _, sw = build(q, p, 0.2)

        def H(q, p):
            return -logp(q) + 0.5 * p @ p

        acc = jnp.log(jax.random.uniform(k2, dtype=q.dtype)) < H(q, p) - H(q2, p2)
        return jnp.where(acc, q2, q), n, sw

    q = jnp.array([1.0, -1.0])
    key = jax.random.key(0)
    qs, ns, sws = [], [], []
    for i in range(5):
        q, n, sw = sample(jax.random.fold_in(key, i), q)
        qs.append(q)
        ns.append(n)
        sws.append(sw)
    batched = jax.vmap(lambda k, q: sample(k, q))(jax.random.split(key, 4), jnp.ones((4, 2)))
    return dict(qs=jnp.stack(qs), ns=jnp.stack(ns), sws=jnp.stack(sws), batched=batched)


def kalman_scan(jax, jnp):
    F = jnp.array([[1.0, 1.0], [0.0, 1.0]])
    Hm = jnp.array([[1.0, 0.0]])
    R = jnp.array([[0.25]])
    ys = jnp.asarray(np.cumsum(_rand(0, 20)))[:, None]

    def step(Q, carry, y):
        m, P, ll = carry
        m = F @ m
        P = F @ P @ F.T + Q
        S = Hm @ P @ Hm.T + R
        K = jnp.linalg.solve(S, Hm @ P).T
        r = y - Hm @ m
        ll = ll + import_module(jax.__name__ + ".scipy.stats").multivariate_normal.logpdf(
            y, Hm @ m, S
        )
        m = m + K @ r
        P = (jnp.eye(2) - K @ Hm) @ P
        return (m, P, ll), (m, jnp.diag(P))

    def filt(q):
        (m, P, ll), (ms, Ps) = jax.lax.scan(
            functools.partial(step, q * jnp.eye(2)), (jnp.zeros(2), jnp.eye(2), 0.0), ys
        )
        return ll, (ms, Ps)

    ll, (ms, Ps) = jax.jit(filt)(0.01)
    g = jax.grad(lambda q: filt(q)[0])(0.01)
    rev = jax.lax.scan(lambda c, x: (c + x, c * x), 0.0, ys[:, 0], reverse=True)
    return dict(ll=ll, ms=ms, Ps=Ps, g=g, rev=rev)


PROGRAMS = [
    convolutions,
    pinn,
    maml,
    dpsgd,
    remat,
    aot,
    vmapped_logprobs,
    nn_dataloading,
    debug_page,
    gp_fit,
    transformer_scan,
    ising_split,
    nuts_like,
    kalman_scan,
]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_like_jax(program):
    jax = _jax()
    _assert_same(program(arrax, arrax.numpy), program(jax, jax.numpy))


# "Writing custom Jaxpr interpreters": eval_jaxpr and the inverse interpreter, as written there
# (with jax.extend.core, where JAX keeps Literal now).


def _interpreters(jax):
    core = import_module(jax.__name__ + ".extend.core")
    jnp, lax = jax.numpy, jax.lax

    def eval_jaxpr(jaxpr, consts, *args):
        env = {}

        def read(var):
            if type(var) is core.Literal:
                return var.val
            return env[var]

        def write(var, val):
            env[var] = val

        list(map(write, jaxpr.invars, args))
        list(map(write, jaxpr.constvars, consts))
        for eqn in jaxpr.eqns:
            invals = list(map(read, eqn.invars))
            outvals = eqn.primitive.bind(*invals, **eqn.params)
            if not eqn.primitive.multiple_results:
                outvals = [outvals]
            list(map(write, eqn.outvars, outvals))
        return list(map(read, jaxpr.outvars))

    inverse_registry = {lax.exp_p: jnp.log, lax.tanh_p: jnp.arctanh}

    def inverse_jaxpr(jaxpr, consts, *args):
        env = {}

        def read(var):
            if type(var) is core.Literal:
                return var.val
            return env[var]

        def write(var, val):
            env[var] = val

        list(map(write, jaxpr.outvars, args))
        list(map(write, jaxpr.constvars, consts))
        for eqn in jaxpr.eqns[::-1]:
            invals = list(map(read, eqn.outvars))
            if eqn.primitive not in inverse_registry:
                raise NotImplementedError(f"{eqn.primitive} does not have registered inverse.")
            outval = inverse_registry[eqn.primitive](*invals)
            list(map(write, eqn.invars, [outval]))
        return list(map(read, jaxpr.invars))

    def inverse(fun):
        @functools.wraps(fun)
        def wrapped(*args, **kwargs):
            closed_jaxpr = jax.make_jaxpr(fun)(*args, **kwargs)
            return inverse_jaxpr(closed_jaxpr.jaxpr, closed_jaxpr.literals, *args)[0]

        return wrapped

    return eval_jaxpr, inverse


def custom_interpreters(jax, jnp):
    eval_jaxpr, inverse = _interpreters(jax)

    def f(x):
        return jnp.exp(jnp.tanh(x))

    closed_jaxpr = jax.make_jaxpr(f)(jnp.ones(5))
    prims = [str(e.primitive) for e in closed_jaxpr.jaxpr.eqns]
    e1 = eval_jaxpr(closed_jaxpr.jaxpr, closed_jaxpr.literals, jnp.ones(5))

    def bar(w, b, x):
        return jnp.dot(w, x) + b + jnp.ones(5), x

    cj = jax.make_jaxpr(bar)(jnp.ones((5, 10)), jnp.ones(5), jnp.ones(10))
    e2 = eval_jaxpr(
        cj.jaxpr, cj.literals, jnp.asarray(_rand(0, 5, 10)), jnp.ones(5), jnp.arange(10.0)
    )
    f_inv = inverse(f)
    inv = f_inv(f(1.0))
    jvg = jax.jit(jax.vmap(jax.grad(inverse(f))))((jnp.arange(5) + 1.0) / 5.0)
    traced = [str(e.primitive) for e in jax.make_jaxpr(inverse(f))(f(1.0)).jaxpr.eqns]

    # higher-order primitives: the interpreter binds them with their own parameters
    def h(x):
        y = jax.lax.fori_loop(0, 3, lambda i, c: c * 1.5 + jnp.sin(c), x)
        z, ys = jax.lax.scan(lambda c, a: (c + a * c, c**2), y.sum(), jnp.arange(3.0))
        w = jax.jit(lambda a: jnp.tanh(a) @ a)(y)
        q = jax.lax.cond(z > 0, lambda: jnp.cos(y), lambda: y)
        s, _ = jnp.linalg.eigh(jnp.outer(x, x) + jnp.eye(x.shape[0]))
        return z, ys, w, q, s

    x = jnp.linspace(0.1, 0.5, 3)
    ch = jax.make_jaxpr(h)(x)

    def run(x):
        return eval_jaxpr(ch.jaxpr, ch.consts, x)

    return {
        "prims": np.array(prims),
        "e1": e1,
        "e2": e2,
        "inv": inv,
        "jvg": jvg,
        "traced": np.array(traced),
        "h": run(x),
        "h_jit": jax.jit(run)(x),
        "h_grad": jax.grad(lambda x: run(x)[0] + run(x)[2])(x),
        "h_vmap": jax.vmap(lambda x: run(x)[3])(jnp.stack([x, 2 * x])),
    }


def test_custom_interpreters_like_jax():
    jax = _jax()
    _assert_same(custom_interpreters(arrax, arrax.numpy), custom_interpreters(jax, jax.numpy))


def test_jaxpr_eqns_and_primitives():
    import arrax.extend.core  # noqa: F401  (a submodule, imported on its own as jax.extend)

    jnp = arrax.numpy
    cj = arrax.make_jaxpr(lambda w, x: (jnp.tanh(w @ x), x))(jnp.ones((2, 3)), jnp.ones(3))
    eqn = next(e for e in cj.jaxpr.eqns if e.name == "dot_general")
    assert eqn.primitive is arrax.lax.dot_general_p and eqn.primitive.name == "dot_general"
    assert not eqn.primitive.multiple_results and arrax.lax.while_p.multiple_results
    assert eqn.invars[0] == cj.jaxpr.invars[0] and eqn.params == eqn[1]
    name, params, ins, outs = eqn  # still the (name, params, invars, outvars) tuple
    assert (name, ins, outs) == ("dot_general", eqn.invars, eqn.outvars)
    assert cj.jaxpr.eqns[-1].primitive is arrax.extend.core.primitives.tanh_p
    assert arrax.core.Primitive("tanh") is arrax.lax.tanh_p
    assert list(cj.literals) == list(cj.consts)
    out = arrax.extend.core.jaxpr_as_fun(cj)(jnp.ones((2, 3)), jnp.arange(3.0))
    np.testing.assert_allclose(out[0], np.tanh(np.full(2, 3.0)))
    with pytest.raises(TypeError, match="jaxpr_as_fun"):
        arrax.extend.core.jaxpr_as_fun(lambda x: x)


# "Gradient checkpointing": print_saved_residuals on the page's functions.


def _residual_lines(jax, f, *args):
    import_module(jax.__name__ + ".ad_checkpoint")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        jax.ad_checkpoint.print_saved_residuals(f, *args)
    # JAX adds where in the source each value was computed; arrax's graphs have no lines.
    return [re.sub(r" from \S+:\d+:\d+ \(.*\)$", "", s) for s in buf.getvalue().splitlines()]


def _checkpoint_page(jax):
    jnp = jax.numpy

    def g(W, x):
        return jnp.sin(jnp.dot(W, x))

    def f(W1, W2, W3, x):
        return g(W3, g(W2, g(W1, x)))

    def f2(W1, W2, W3, x):
        x = jax.checkpoint(g)(W1, x)
        x = jax.checkpoint(g)(W2, x)
        return jax.checkpoint(g)(W3, x)

    def loss(params, x, y):
        *Ws, Wlast = params
        for W in Ws:
            x = jnp.sin(jnp.dot(W, x))
        return jnp.sum((jnp.dot(Wlast, x) - y) ** 2)

    W1, W2, W3, x = jnp.ones((5, 4)), jnp.ones((6, 5)), jnp.ones((7, 6)), jnp.ones(4)
    W = jnp.ones((4, 4))
    # (the loss's last residual is the output of a different primitive in each autodiff)
    return [
        _residual_lines(jax, f, W1, W2, W3, x),
        _residual_lines(jax, f2, W1, W2, W3, x),
        _residual_lines(jax, loss, [W, W, W], x, x)[:-1],
    ]


def test_print_saved_residuals_like_jax():
    jax = _jax()
    assert _checkpoint_page(arrax) == _checkpoint_page(jax)


def test_saved_residuals_sources():
    jnp = arrax.numpy
    sr = arrax.ad_checkpoint.saved_residuals
    res = sr(lambda p, x: jnp.sum(jnp.sin(p["w"] * x)), {"w": jnp.ones(3)}, jnp.ones(3))
    assert [s for _, s in res][:2] == ["from the argument p['w']", "from the argument x"]
    assert all(isinstance(a, arrax.core.ShapedArray) for a, _ in res)
    assert "output of cos" in [s for _, s in res]
    res = sr(lambda *xs: jnp.sin(xs[0]) * xs[1], jnp.ones(2), jnp.ones(2))
    assert [s for _, s in res][0] == "from the argument xs[1]"


def test_str_short_short_dtypes_like_jax():
    jax = _jax()
    for dt in ["float32", "float64", "int8", "uint16", "bool", "complex64", "bfloat16"]:
        ours = arrax.typeof(arrax.numpy.zeros((2, 3), dt)).str_short(short_dtypes=True)
        theirs = jax.typeof(jax.numpy.zeros((2, 3), dt)).str_short(short_dtypes=True)
        assert ours == theirs


def _weak_types(jax):
    jnp = jax.numpy
    seen = []

    def f(x, y):
        t = jax.typeof
        seen.append((t(x).weak_type, t(y).weak_type, t(x * 2).weak_type, t(x * y).weak_type))
        seen.append(str(jax.typeof(x)))
        return x

    jax.jit(f)(1.0, jnp.ones(2))
    jax.grad(lambda x: (seen.append(jax.typeof(x).weak_type), x)[1])(1.0)
    jax.vmap(lambda x: seen.append(jax.typeof(x).weak_type))(jnp.ones(2))
    return seen


def test_typeof_weak_tracers_like_jax():
    # jax.typeof(x).weak_type inside jit of a Python scalar (the "Type promotion" page's
    # weakly typed values): arrax's typeof said False for weak tracers.
    jax = _jax()
    assert _weak_types(arrax) == _weak_types(jax)
