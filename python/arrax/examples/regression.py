"""Per-example gradients with vmap(grad): a linear regression with outliers, where the
per-example gradient norms pick out the outliers, and gradient statistics (mean, variance,
signal-to-noise) per parameter.

    python -m arrax.examples.regression [--steps N] [--seed S] [--out DIR]
"""

import argparse
import os
import sys

import numpy as onp

import arrax
from arrax import numpy as np
from arrax import optim, random


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m arrax.examples.regression")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="regression_out")
    args = p.parse_args(argv)

    key = random.PRNGKey(args.seed)
    kx, kn, kw = random.split(key, 3)
    n, d = 256, 5
    x = random.normal(kx, (n, d))
    w_true = np.arange(1.0, d + 1.0, dtype=np.float32)
    y = x @ w_true + 0.1 * random.normal(kn, (n,))
    outliers = onp.arange(0, n, 32)
    y = y.at[outliers].add(25.0)

    def loss(w, xi, yi):
        return (xi @ w - yi) ** 2

    per_example_grad = arrax.jit(arrax.vmap(arrax.grad(loss), in_axes=(None, 0, 0)))
    mean_loss = lambda w: np.mean(arrax.vmap(loss, in_axes=(None, 0, 0))(w, x, y))  # noqa: E731
    opt = optim.sgd(0.05, momentum=0.9)
    w = np.zeros(d, np.float32)
    state = opt.init(w)
    step = arrax.jit(lambda w, s: opt.update(arrax.grad(mean_loss)(w), s, w))
    for _ in range(args.steps):
        updates, state = step(w, state)
        w = optim.apply_updates(w, updates)

    g = per_example_grad(w, x, y)  # (n, d): one gradient per example
    norms = np.linalg.norm(g, axis=1)
    flagged = onp.argsort(-onp.asarray(norms))[: len(outliers)]
    found = len(set(flagged.tolist()) & set(outliers.tolist()))
    mean, var = np.mean(g, axis=0), np.var(g, axis=0)
    snr = np.abs(mean) / np.sqrt(var + 1e-12)
    print("fitted weights:", onp.round(onp.asarray(w), 2))
    print("per-parameter gradient mean:", onp.round(onp.asarray(mean), 3))
    print("per-parameter gradient signal-to-noise:", onp.round(onp.asarray(snr), 3))
    print(f"largest per-example gradients: {found}/{len(outliers)} are the planted outliers")
    os.makedirs(args.out, exist_ok=True)
    onp.save(os.path.join(args.out, "per_example_grad_norms.npy"), onp.asarray(norms))
    print(f"outliers found: {found}/{len(outliers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
