"""A small character-level transformer language model, trained on a text that ships with
Python itself (the standard library's ``pydoc_data.topics``), printing the loss and samples.

    python -m arrax.examples.charlm [--steps N] [--seed S] [--out DIR]
"""

import argparse
import os
import sys
import time

import numpy as onp

import arrax
from arrax import checkpoints, nn, optim, random
from arrax import numpy as np


def corpus():
    from pydoc_data import topics

    text = "\n".join(topics.topics[k] for k in sorted(topics.topics))
    return text


class Block(nn.Module):
    def __init__(self, d, heads, key):
        k1, k2 = random.split(key)
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiHeadAttention(d, heads, k1)
        self.mlp = nn.MLP([d, 4 * d, d], k2, activation=nn.gelu)

    def __call__(self, x):
        x = x + self.attn(self.ln1(x), causal=True)
        return x + self.mlp(self.ln2(x))


class CharTransformer(nn.Module):
    def __init__(self, vocab, d, heads, layers, context, key):
        keys = random.split(key, layers + 3)
        self.tok = nn.Embedding(vocab, d, keys[0])
        self.pos = nn.Embedding(context, d, keys[1])
        self.blocks = [Block(d, heads, k) for k in keys[2:-1]]
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, keys[-1])
        for emb in (self.tok, self.pos):
            emb.weight = emb.weight * 0.1

    def __call__(self, ids):
        t = ids.shape[-1]
        x = self.tok(ids) + self.pos(np.arange(t))
        for b in self.blocks:
            x = b(x)
        return self.head(self.ln(x))


def sample(model, prompt_ids, steps, context, key, temperature=0.8):
    ids = list(prompt_ids)
    forward = arrax.jit(model.__call__)
    for _ in range(steps):
        window = np.asarray(ids[-context:], np.int32)
        pad = context - window.shape[0]
        if pad:
            window = np.concatenate([np.zeros(pad, np.int32), window])
        logits = forward(window)[-1]
        key, k = random.split(key)
        ids.append(int(random.categorical(k, logits / temperature)))
    return ids


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m arrax.examples.charlm", description=__doc__.splitlines()[0]
    )
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="charlm_out")
    p.add_argument("--context", type=int, default=64)
    p.add_argument("--batch", type=int, default=32)
    args = p.parse_args(argv)

    text = corpus()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    data = onp.array([index[c] for c in text], onp.int32)
    split = int(0.95 * len(data))
    train, valid = data[:split], data[split:]
    print(f"corpus: {len(text):,} characters, vocabulary {len(chars)}")

    key = random.PRNGKey(args.seed)
    key, km = random.split(key)
    model = CharTransformer(len(chars), 96, 4, 2, args.context, km)
    opt = optim.chain(
        optim.clip_by_global_norm(1.0),
        optim.adamw(
            optim.warmup_cosine_decay_schedule(0.0, 3e-3, 50, args.steps, 3e-4), weight_decay=1e-2
        ),
    )
    state = opt.init(model)

    def loss_fn(m, x, y):
        return nn.cross_entropy(m(x), y)

    @arrax.jit
    def step(m, s, x, y):
        loss, g = arrax.value_and_grad(loss_fn)(m, x, y)
        u, s = opt.update(g, s, m)
        return optim.apply_updates(m, u), s, loss

    rng = onp.random.default_rng(args.seed)

    def batch(src):
        starts = rng.integers(0, len(src) - args.context - 1, args.batch)
        x = onp.stack([src[s : s + args.context] for s in starts])
        y = onp.stack([src[s + 1 : s + args.context + 1] for s in starts])
        return np.asarray(x), np.asarray(y)

    t0 = time.perf_counter()
    for i in range(args.steps):
        x, y = batch(train)
        model, state, loss = step(model, state, x, y)
        if (i + 1) % max(args.steps // 10, 1) == 0 or i == 0:
            vx, vy = batch(valid)
            vloss = float(arrax.jit(loss_fn)(model, vx, vy))
            print(
                f"step {i + 1:5d}  train loss {float(loss):.3f}  valid loss {vloss:.3f}  "
                f"({time.perf_counter() - t0:.0f} s)"
            )
    os.makedirs(args.out, exist_ok=True)
    checkpoints.save(os.path.join(args.out, "charlm.ckpt"), {"model": model, "opt": state})
    key, ks = random.split(key)
    prompt = "The "
    out = sample(model, [index[c] for c in prompt], 200, args.context, ks)
    print("sample:\n" + "".join(chars[i] for i in out))
    print(f"final train loss: {float(loss):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
