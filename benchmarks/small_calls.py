"""Per-call overhead of arrax vs NumPy on small arrays.

Run: ``python benchmarks/small_calls.py [FILTER ...] [--repeat N]``.
Prints, per call, the best-of-``repeat`` time per call for NumPy and arrax
(microseconds) and the ratio arrax/NumPy, measured in the same process.
"""

from __future__ import annotations

import argparse
import timeit

import arrax.numpy as anp
import numpy as onp

SETUP_CODE = """
a = np.asarray(onp.arange(12.0).reshape(3, 4) - 5.0)
b = np.asarray(onp.arange(12.0).reshape(4, 3) * 0.5)
v = np.asarray(onp.linspace(-1.0, 1.0, 10))
w = np.asarray(onp.linspace(2.0, 3.0, 10))
x = np.asarray(onp.arange(4 * 3 * 8 * 8, dtype=onp.float64).reshape(4, 3, 8, 8))
ia = np.asarray(onp.arange(12).reshape(3, 4))
mask = np.asarray(onp.arange(12).reshape(3, 4) % 2 == 0)
out = np.zeros((3, 4))
c = np.zeros((3, 4))
i, j = 1, 2
lst = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
"""

CALLS = [
    # arithmetic with scalars / arrays
    "a * 2.0",
    "a + 1",
    "2.0 * a",
    "a - b.T",
    "a / 3.0",
    "a ** 2",
    "-a",
    "a * a",
    "a > 0",
    "c += 1.0",
    "c *= 0.5",
    "np.maximum(a, 0)",
    "np.minimum(a, a)",
    "np.exp(a)",
    "np.log(w)",
    "np.sqrt(w)",
    "np.abs(a)",
    "np.tanh(a)",
    "np.square(a)",
    "np.power(a, 2)",
    # reductions
    "a.sum()",
    "a.sum(axis=0)",
    "np.sum(a, axis=1)",
    "a.max()",
    "a.mean()",
    "np.mean(a, axis=0, keepdims=True)",
    "np.max(a, axis=1, keepdims=True)",
    "np.argmax(a, axis=1)",
    "a.argmax()",
    "np.std(a)",
    "a.var(axis=0)",
    "np.any(a > 0)",
    "np.isnan(a).any()",
    "np.allclose(a, a)",
    "np.linalg.norm(v)",
    # products
    "np.dot(a, b)",
    "a @ b",
    "np.dot(v, w)",
    "np.outer(v, w)",
    "a.dot(b)",
    # indexing
    "a[i]",
    "a[i, j]",
    "a[1:3]",
    "a[:, 1]",
    "a[mask]",
    "a[[0, 2]]",
    "x[:, :, i:i + 3, j:j + 3]",
    "x[0, 1]",
    "v[-1]",
    "a[i, j] = 3.0",
    "c[:, 1] = 2.0",
    "c[mask] = 0.0",
    "float(a[0, 0])",
    "a.item(0)",
    "a.tolist()",
    # creation
    "np.zeros((3, 4))",
    "np.ones(10)",
    "np.zeros_like(a)",
    "np.ones_like(a)",
    "np.empty((3, 4))",
    "np.full((3, 4), 2.0)",
    "np.arange(10)",
    "np.linspace(0, 1, 10)",
    "np.eye(3)",
    "np.array(lst)",
    "np.array([1.0, 2.0, 3.0])",
    "np.asarray(a)",
    # joining / shape
    "np.concatenate([a, a])",
    "np.concatenate([a, a], axis=1)",
    "np.stack([v, w])",
    "np.hstack([v, w])",
    "np.vstack([a, a])",
    "a.reshape(4, 3)",
    "a.reshape(-1)",
    "a.T",
    "a.flatten()",
    "a.ravel()",
    "np.transpose(x, (0, 2, 3, 1))",
    "a[:, None]",
    "np.expand_dims(v, 0)",
    "a.copy()",
    "a.astype(np.float32)",
    "a.shape",
    # misc
    "np.where(a > 0, a, 0.0)",
    "np.clip(a, -1.0, 1.0)",
    "np.clip(a, -1.0, 1.0, out=out)",
    "np.argsort(v)",
    "np.sort(v)",
    "np.unique(ia)",
    "np.cumsum(v)",
    "np.random.randn(3, 4)",
    "np.random.rand(3, 4)",
    "np.random.choice(10)",
    "np.random.choice(10, 3, replace=False)",
    "np.random.uniform(-1, 1, (3, 4))",
    "np.log(np.sum(np.exp(a)))",
    "np.sum(a ** 2)",
]


def time_call(np_mod, call, number, repeat):
    ns = {"np": np_mod, "onp": onp}
    timer = timeit.Timer(call, setup=SETUP_CODE, globals=ns)
    return min(timer.repeat(repeat=repeat, number=number)) / number


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("filters", nargs="*", help="substrings selecting calls")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--number", type=int, default=300)
    args = parser.parse_args()
    calls = [c for c in CALLS if not args.filters or any(f in c for f in args.filters)]
    rows = []
    for call in calls:
        t_np = time_call(onp, call, args.number, args.repeat)
        t_ax = time_call(anp, call, args.number, args.repeat)
        rows.append((call, t_np, t_ax))
        print(
            f"{call:40s} numpy {t_np * 1e6:8.2f} us  arrax {t_ax * 1e6:8.2f} us"
            f"  ratio {t_ax / t_np:7.1f}",
            flush=True,
        )
    ratios = [t_ax / t_np for _, t_np, t_ax in rows]
    if ratios:
        geo = onp.exp(onp.mean(onp.log(ratios)))
        print(f"\n{len(rows)} calls, geometric-mean ratio {geo:.2f}")


if __name__ == "__main__":
    main()
