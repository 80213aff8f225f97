"""Issue #3 workloads: jit'd programs, arrax vs JAX on the CPU. Target = arrax time / JAX time."""

from __future__ import annotations

import numpy as np
from registry import f32_normal, jit_prepare, workload

N_16M = 16 * 1024 * 1024
MLP_SIZES = (784, 512, 512, 10)
BATCH = 256


@workload(
    "jit_elementwise_16M",
    inputs=f32_normal(N_16M),
    target=1.0,
    baseline="jax",
    backends=("arrax", "jax"),
    prepare=jit_prepare,
    group="transforms",
    description="jit'd tanh(0.5*x+0.1)*exp(-x*x)+sin(x), x: 16M float32",
    rtol=1e-4,
    atol=1e-5,
)
def jit_elementwise(xp, x):
    return xp.tanh(0.5 * x + 0.1) * xp.exp(-x * x) + xp.sin(x)


def _mlp_inputs(rng):
    params = []
    for a, b in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
        params.append((rng.standard_normal((a, b), dtype=np.float32) * np.float32(1 / np.sqrt(a))))
        params.append(np.zeros(b, np.float32))
    x = rng.standard_normal((BATCH, MLP_SIZES[0]), dtype=np.float32)
    y = np.eye(MLP_SIZES[-1], dtype=np.float32)[rng.integers(0, MLP_SIZES[-1], BATCH)]
    return (*params, x, y)


def _train_step_prepare(bk, fn, args):
    """jit(step) where step = SGD on grad of the MLP's softmax cross-entropy."""
    xp, mod = bk.xp, bk.module

    def loss(params, x, y):
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i + 2 < len(params):
                h = xp.tanh(h)
        h = h - xp.max(h, axis=1, keepdims=True)
        logp = h - xp.log(xp.sum(xp.exp(h), axis=1, keepdims=True))
        return -xp.mean(xp.sum(logp * y, axis=1))

    @mod.jit
    def step(*a):
        params, x, y = a[:-2], a[-2], a[-1]
        grads = mod.grad(loss)(params, x, y)
        return tuple(p - 0.1 * g for p, g in zip(params, grads))

    bk.sync(step(*args))
    return lambda: step(*args)


@workload(
    "jit_mlp_train_step",
    inputs=_mlp_inputs,
    target=1.0,
    baseline="jax",
    backends=("arrax", "jax"),
    prepare=_train_step_prepare,
    group="transforms",
    description="jit'd grad + SGD step, MLP 784-512-512-10 (tanh, softmax cross-entropy), "
    "batch 256, float32",
    rtol=2e-3,
    atol=1e-5,
)
def jit_mlp_train_step(xp, *args):  # the timed callable comes from _train_step_prepare
    raise NotImplementedError


@workload(
    "jit_dispatch_x_plus_1",
    inputs=f32_normal(16),
    baseline="jax",
    backends=("arrax", "jax"),
    prepare=jit_prepare,
    group="transforms",
    description="one call of a jit'd x + 1 on 16 float32 (dispatch overhead; no target)",
    budget_s=1.0,
)
def jit_dispatch(xp, x):
    return x + 1
