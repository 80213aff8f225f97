"""Issue #5 workload: one training step of the charlm transformer (vocabulary 96, d_model 96,
4 heads, 2 pre-LayerNorm blocks with a GELU MLP, causal attention, context 64, batch 32,
cross-entropy, Adam), written in each framework: arrax jit (arrax.nn + arrax.optim, as
python -m arrax.examples.charlm builds it), JAX jit, PyTorch eager. Target = arrax time / JAX
time (the PyTorch ratio is in the same row)."""

from __future__ import annotations

import math

import numpy as np
from workloads_models import (
    arrax_adam_runner,
    jax_adam_runner,
    register_train_step,
    torch_runner,
)

VOCAB, D, HEADS, LAYERS, CONTEXT, BATCH, LR = 96, 96, 4, 2, 64, 32, 1e-3


def _inputs(rng):
    x = rng.integers(0, VOCAB, (BATCH, CONTEXT)).astype(np.int32)
    y = rng.integers(0, VOCAB, (BATCH, CONTEXT)).astype(np.int32)
    return x, y


def _arrax_step(bk, args):
    from arrax import random
    from arrax.examples.charlm import CharTransformer

    model = CharTransformer(VOCAB, D, HEADS, LAYERS, CONTEXT, random.PRNGKey(0))
    return arrax_adam_runner(model, args, lr=LR)


def _init(rng):
    def dense(a, b):
        return (rng.standard_normal((a, b)) / math.sqrt(a)).astype(np.float32)

    p = {"tok": dense(VOCAB, D) * 0.1, "pos": dense(CONTEXT, D) * 0.1, "blocks": []}
    for _ in range(LAYERS):
        p["blocks"].append(
            {
                "ln1": (np.ones(D, np.float32), np.zeros(D, np.float32)),
                "ln2": (np.ones(D, np.float32), np.zeros(D, np.float32)),
                **{n: (dense(D, D), np.zeros(D, np.float32)) for n in ("q", "k", "v", "o")},
                "fc1": (dense(D, 4 * D), np.zeros(4 * D, np.float32)),
                "fc2": (dense(4 * D, D), np.zeros(D, np.float32)),
            }
        )
    p["ln"] = (np.ones(D, np.float32), np.zeros(D, np.float32))
    p["head"] = (dense(D, VOCAB), np.zeros(VOCAB, np.float32))
    return p


def _jax_step(bk, args):
    import jax
    import jax.numpy as jnp

    params = jax.tree_util.tree_map(jnp.asarray, _init(np.random.default_rng(0)))

    def ln(x, wb):
        m = x.mean(-1, keepdims=True)
        v = x.var(-1, keepdims=True)
        return (x - m) / jnp.sqrt(v + 1e-5) * wb[0] + wb[1]

    def lin(x, wb):
        return x @ wb[0] + wb[1]

    def attn(x, b):
        def split(t):
            return t.reshape(BATCH, CONTEXT, HEADS, D // HEADS).swapaxes(1, 2)

        q, k, v = split(lin(x, b["q"])), split(lin(x, b["k"])), split(lin(x, b["v"]))
        s = q @ k.swapaxes(-1, -2) / math.sqrt(D // HEADS)
        s = jnp.where(jnp.tril(jnp.ones((CONTEXT, CONTEXT), bool)), s, -1e9)
        o = (jax.nn.softmax(s, axis=-1) @ v).swapaxes(1, 2).reshape(BATCH, CONTEXT, D)
        return lin(o, b["o"])

    def forward(p, ids):
        x = p["tok"][ids] + p["pos"][jnp.arange(CONTEXT)]
        for b in p["blocks"]:
            x = x + attn(ln(x, b["ln1"]), b)
            x = x + lin(jax.nn.gelu(lin(ln(x, b["ln2"]), b["fc1"])), b["fc2"])
        return lin(ln(x, p["ln"]), p["head"])

    def loss_fn(p, x, y):
        logp = jax.nn.log_softmax(forward(p, x))
        return -jnp.mean(jnp.take_along_axis(logp, y[..., None], axis=-1))

    return jax_adam_runner(loss_fn, params, args, lr=LR)


def _torch_step(bk, args):
    import torch

    torch.manual_seed(0)
    F = torch.nn.functional

    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = torch.nn.LayerNorm(D), torch.nn.LayerNorm(D)
            self.q, self.k, self.v, self.o = (torch.nn.Linear(D, D) for _ in range(4))
            self.fc1, self.fc2 = torch.nn.Linear(D, 4 * D), torch.nn.Linear(4 * D, D)

        def forward(self, x):
            h = self.ln1(x)

            def split(t):
                return t.view(BATCH, CONTEXT, HEADS, D // HEADS).transpose(1, 2)

            q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
            s = q @ k.transpose(-1, -2) / math.sqrt(D // HEADS)
            s = s.masked_fill(~torch.ones(CONTEXT, CONTEXT, dtype=torch.bool).tril(), -1e9)
            o = (s.softmax(-1) @ v).transpose(1, 2).reshape(BATCH, CONTEXT, D)
            x = x + self.o(o)
            return x + self.fc2(F.gelu(self.fc1(self.ln2(x)), approximate="tanh"))

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = torch.nn.Embedding(VOCAB, D), torch.nn.Embedding(CONTEXT, D)
            self.blocks = torch.nn.ModuleList(Block() for _ in range(LAYERS))
            self.ln, self.head = torch.nn.LayerNorm(D), torch.nn.Linear(D, VOCAB)

        def forward(self, ids):
            x = self.tok(ids) + self.pos(torch.arange(CONTEXT))
            for b in self.blocks:
                x = b(x)
            return self.head(self.ln(x))

    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    x, y = (a.long() for a in args)

    return torch_runner(opt, lambda: F.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1)))


register_train_step(
    "charlm_train_step",
    _inputs,
    {"arrax": _arrax_step, "jax": _jax_step, "torch": _torch_step},
    "one training step of the charlm transformer (d 96, 2 blocks, context 64, batch 32, Adam): "
    "arrax jit, JAX jit, PyTorch eager",
)
