"""Issue #5 workloads: one training step of the digits CNN (conv 1->16, pool, conv 16->32,
pool, dense 128->64->10; batch 64; softmax cross-entropy; Adam), written in each framework:
arrax jit, JAX jit, PyTorch eager. Target = arrax time / JAX time (the PyTorch ratio is in the
same row)."""

from __future__ import annotations

import numpy as np
from registry import workload

BATCH = 64


def _inputs(rng):
    x = rng.random((BATCH, 1, 8, 8), dtype=np.float32)
    y = rng.integers(0, 10, BATCH).astype(np.int64)
    return x, y


def _arrax_step(bk, args):
    from arrax import random
    from arrax.examples.digits import CNN

    return arrax_adam_runner(CNN(random.PRNGKey(0)), args, lr=1e-3)


def arrax_adam_runner(model, args, lr):
    """A jit'd arrax training step of model (cross-entropy, value_and_grad, arrax.optim.adam)
    as a callable running one step on args (also used by workloads_charlm)."""
    import arrax
    from arrax import nn, optim

    opt = optim.adam(lr)

    @arrax.jit
    def step(m, s, x, y):
        loss, g = arrax.value_and_grad(lambda mm: nn.cross_entropy(mm(x), y))(m)
        u, s = opt.update(g, s, m)
        return optim.apply_updates(m, u), s, loss

    holder = {"m": model, "s": opt.init(model)}

    def run():
        holder["m"], holder["s"], loss = step(holder["m"], holder["s"], *args)
        return loss

    run()
    return run


def _jax_step(bk, args):
    import jax
    import jax.numpy as jnp

    keys = jax.random.split(jax.random.PRNGKey(0), 4)
    params = {
        "c1": jax.random.normal(keys[0], (16, 1, 3, 3)) * 0.3,
        "b1": jnp.zeros(16),
        "c2": jax.random.normal(keys[1], (32, 16, 3, 3)) * 0.08,
        "b2": jnp.zeros(32),
        "f1": jax.random.normal(keys[2], (128, 64)) * 0.1,
        "g1": jnp.zeros(64),
        "f2": jax.random.normal(keys[3], (64, 10)) * 0.1,
        "g2": jnp.zeros(10),
    }
    dn = ("NCHW", "OIHW", "NCHW")

    def pool(x):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def forward(p, x):
        x = jax.lax.conv_general_dilated(x, p["c1"], (1, 1), "SAME", dimension_numbers=dn)
        x = pool(jax.nn.relu(x + p["b1"][None, :, None, None]))
        x = jax.lax.conv_general_dilated(x, p["c2"], (1, 1), "SAME", dimension_numbers=dn)
        x = pool(jax.nn.relu(x + p["b2"][None, :, None, None]))
        x = jax.nn.relu(x.reshape(x.shape[0], -1) @ p["f1"] + p["g1"])
        return x @ p["f2"] + p["g2"]

    def loss_fn(p, x, y):
        logp = jax.nn.log_softmax(forward(p, x))
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    return jax_adam_runner(loss_fn, params, args, lr=1e-3)


def jax_adam_runner(loss_fn, params, args, lr):
    """A jit'd JAX training step (value_and_grad + Adam, written out as optax computes it) over
    params, returning a callable that runs one step on args (also used by workloads_charlm)."""
    import jax
    import jax.numpy as jnp

    b1, b2, eps = 0.9, 0.999, 1e-8

    @jax.jit
    def step(p, m, v, t, x, y):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y)
        t = t + 1
        m = jax.tree_util.tree_map(lambda a, b: b1 * a + (1 - b1) * b, m, g)
        v = jax.tree_util.tree_map(lambda a, b: b2 * a + (1 - b2) * b * b, v, g)
        p = jax.tree_util.tree_map(
            lambda q, a, c: q - lr * (a / (1 - b1**t)) / (jnp.sqrt(c / (1 - b2**t)) + eps), p, m, v
        )
        return p, m, v, t, loss

    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    holder = {"s": (params, zeros, zeros, jnp.zeros((), jnp.int32))}

    def run():
        *s, loss = step(*holder["s"], *args)
        holder["s"] = tuple(s)
        return loss

    run()
    return run


def _torch_step(bk, args):
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(128, 64),
        torch.nn.ReLU(),
        torch.nn.Linear(64, 10),
    )
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = args
    loss_fn = torch.nn.CrossEntropyLoss()

    return torch_runner(opt, lambda: loss_fn(model(x), y))


def torch_runner(opt, loss_of):
    """One eager PyTorch training step (zero_grad, loss, backward, optimizer step) as a callable."""

    def run():
        opt.zero_grad()
        loss = loss_of()
        loss.backward()
        opt.step()
        return loss.detach()

    run()
    return run


def register_train_step(name, inputs, steps, description):
    """Registers a training-step workload: steps[backend](bk, args) builds each framework's
    timed callable (their weights differ, so results are not compared); target arrax/JAX <= 1."""

    def timed_by_prepare(xp, *args):  # the timed callables come from prepare
        raise NotImplementedError

    workload(
        name,
        inputs=inputs,
        target=1.0,
        baseline="jax",
        backends=tuple(steps),
        prepare=lambda bk, fn, args: steps[bk.name](bk, args),
        group="models",
        check=False,
        description=description,
    )(timed_by_prepare)


register_train_step(
    "digits_cnn_train_step",
    _inputs,
    {"arrax": _arrax_step, "jax": _jax_step, "torch": _torch_step},
    "one training step of the digits CNN (batch 64, Adam): arrax jit, JAX jit, PyTorch eager",
)
