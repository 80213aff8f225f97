"""Handwritten digits (scikit-learn's 1,797 8x8 images): an MLP and a small CNN trained with a
jit'd step (grad + Adam), with a progress bar, test accuracy, and a PNG of the loss and
accuracy curves.

    python -m arrax.examples.digits [--steps N] [--seed S] [--out DIR] [--model mlp|cnn|both]

The last line printed is ``test accuracy: 0.9xx`` (of the best of the trained models).
"""

import argparse
import os
import sys
import time

import numpy as onp

import arrax
from arrax import nn, optim, random
from arrax import numpy as np


class CNN(nn.Module):
    """conv(1->16, 3x3, pad 1) - relu - maxpool 2 - conv(16->32, 3x3, pad 1) - relu - maxpool 2
    - linear(32*2*2 -> 64) - relu - linear(64 -> 10)."""

    def __init__(self, key):
        k1, k2, k3, k4 = random.split(key, 4)
        self.conv1 = nn.Conv2d(1, 16, 3, k1, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, k2, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(32 * 2 * 2, 64, k3)
        self.fc2 = nn.Linear(64, 10, k4)

    def __call__(self, x):
        x = x.reshape(-1, 1, 8, 8)
        x = self.pool(nn.relu(self.conv1(x)))
        x = self.pool(nn.relu(self.conv2(x)))
        x = nn.relu(self.fc1(x.reshape(x.shape[0], -1)))
        return self.fc2(x)


def load_data(seed):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = (d.data / 16.0).astype(onp.float32)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, d.target, test_size=0.25, random_state=seed, stratify=d.target
    )
    return (np.asarray(x_tr), np.asarray(y_tr)), (np.asarray(x_te), np.asarray(y_te))


def accuracy(model, x, y):
    return float(np.mean(np.argmax(model(x), axis=1) == y))


def train(name, model, data, steps, seed, batch=64, lr=3e-3, progress=True):
    (x_tr, y_tr), (x_te, y_te) = data
    opt = optim.adam(optim.cosine_decay_schedule(lr, steps, alpha=0.05))
    state = opt.init(model)

    def loss_fn(m, xb, yb):
        return nn.cross_entropy(m(xb), yb)

    @arrax.jit
    def step(m, s, xb, yb):
        loss, grads = arrax.value_and_grad(loss_fn)(m, xb, yb)
        updates, s = opt.update(grads, s, m)
        return optim.apply_updates(m, updates), s, loss

    rng = onp.random.default_rng(seed)
    n = x_tr.shape[0]
    history = {"step": [], "loss": [], "test_acc": []}
    bar = None
    if progress:
        try:
            from tqdm import tqdm

            bar = tqdm(total=steps, desc=f"{name:>3}", unit="step", file=sys.stdout, leave=True)
        except ImportError:
            bar = None
    perm = rng.permutation(n)
    pos = 0
    for i in range(steps):
        if pos + batch > n:
            perm, pos = rng.permutation(n), 0
        idx = np.asarray(perm[pos : pos + batch])
        pos += batch
        model, state, loss = step(model, state, x_tr[idx], y_tr[idx])
        if (i + 1) % max(steps // 20, 1) == 0 or i + 1 == steps:
            acc = accuracy(model, x_te, y_te)
            history["step"].append(i + 1)
            history["loss"].append(float(loss))
            history["test_acc"].append(acc)
            if bar is not None:
                bar.set_postfix(loss=f"{float(loss):.3f}", test_acc=f"{acc:.3f}")
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return model, history


def plot(histories, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: no plot)")
        return
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    for name, h in histories.items():
        a1.plot(h["step"], h["loss"], label=name)
        a2.plot(h["step"], h["test_acc"], label=name)
    a1.set(xlabel="step", ylabel="training loss (batch)", yscale="log", title="loss")
    a2.set(xlabel="step", ylabel="test accuracy", title="test accuracy", ylim=(0.8, 1.0))
    for a in (a1, a2):
        a.legend()
        a.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m arrax.examples.digits", description=__doc__.splitlines()[0]
    )
    p.add_argument("--steps", type=int, default=1500, help="training steps per model")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="digits_out", help="folder for the plot")
    p.add_argument("--model", choices=["mlp", "cnn", "both"], default="both")
    p.add_argument("--no-progress", action="store_true")
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    data = load_data(args.seed)
    key = random.PRNGKey(args.seed)
    k_mlp, k_cnn = random.split(key)
    models = {}
    if args.model in ("mlp", "both"):
        models["mlp"] = nn.MLP([64, 128, 64, 10], k_mlp, activation=nn.relu)
    if args.model in ("cnn", "both"):
        models["cnn"] = CNN(k_cnn)
    histories, accs = {}, {}
    for name, model in models.items():
        model, h = train(name, model, data, args.steps, args.seed, progress=not args.no_progress)
        histories[name] = h
        accs[name] = accuracy(model, *data[1])
        print(f"{name}: test accuracy {accs[name]:.3f}")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "digits_curves.png")
    plot(histories, path)
    print(f"plot: {path} ({time.perf_counter() - t0:.1f} s in all)")
    print(f"test accuracy: {max(accs.values()):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
