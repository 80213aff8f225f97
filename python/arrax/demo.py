"""A short tour of arrax.numpy, checked against NumPy, with a small timing table.

    python -m arrax.demo            # tour + timings (about 10 s)
    python -m arrax.demo --no-timing

Every example is written once as a function of an array namespace ``xp``, run on
``arrax.numpy`` and on ``numpy``, and the two results are compared (values, shape, dtype).
The exit status is 1 if any example fails, so the demo doubles as a smoke test.
The full benchmark suite is ``python benchmarks/run.py`` (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time

import numpy as np

# ----------------------------------------------------------------------------------------------
# The tour: (section, label, fn(xp) -> array or scalar)
# ----------------------------------------------------------------------------------------------


def _views(xp):
    a = xp.arange(12.0).reshape(3, 4)
    v = a[:, 1::2]  # a strided view, no copy
    a[0, 1] = 100.0  # a write through the base shows in the view ...
    v[2, 0] = -1.0  # ... and a write through the view shows in the base
    return xp.concatenate([a.ravel(), v.ravel()])


def _inplace(xp):
    a = xp.zeros((2, 3), dtype=xp.float32)
    a += 1
    a[1] = xp.asarray([1.0, 2.0, 3.0], dtype=xp.float32)
    a[:, 0] *= 10
    return a


def _bfloat16(xp):
    """xp.bfloat16 (NumPy has none: there it is ml_dtypes.bfloat16)."""
    if hasattr(xp, "bfloat16"):
        return xp.bfloat16
    import ml_dtypes

    return ml_dtypes.bfloat16


TOUR = [
    # creation
    ("creation", "arange(12).reshape(3, 4)", lambda xp: xp.arange(12).reshape(3, 4)),
    ("creation", "zeros((2, 3), float32)", lambda xp: xp.zeros((2, 3), dtype=xp.float32)),
    ("creation", "ones(4, dtype=int8)", lambda xp: xp.ones(4, dtype=xp.int8)),
    ("creation", "full((2, 2), 7.5)", lambda xp: xp.full((2, 2), 7.5)),
    ("creation", "linspace(0, 1, 5)", lambda xp: xp.linspace(0, 1, 5)),
    ("creation", "eye(3)", lambda xp: xp.eye(3)),
    ("creation", "asarray([[1, 2, 3], [4, 5, 6]])", lambda xp: xp.asarray([[1, 2, 3], [4, 5, 6]])),
    # ufuncs, broadcasting, type promotion
    ("ufuncs", "x * 2 + 1", lambda xp: xp.linspace(-2, 2, 5, dtype=xp.float32) * 2 + 1),
    (
        "ufuncs",
        "tanh(0.5*x+0.1)*exp(-x*x)+sin(x)",
        lambda xp: (lambda x: xp.tanh(0.5 * x + 0.1) * xp.exp(-x * x) + xp.sin(x))(
            xp.linspace(-2, 2, 7, dtype=xp.float32)
        ),
    ),
    ("ufuncs", "sqrt(abs(x))", lambda xp: xp.sqrt(xp.abs(xp.linspace(-4, 4, 5)))),
    (
        "ufuncs",
        "a + row (broadcast)",
        lambda xp: (
            xp.arange(6, dtype=xp.float32).reshape(2, 3)
            + xp.asarray([10, 20, 30], dtype=xp.float32)
        ),
    ),
    ("ufuncs", "maximum(a, 2.5)", lambda xp: xp.maximum(xp.arange(5), 2.5)),
    ("ufuncs", "arange(3) > 1", lambda xp: xp.arange(3) > 1),
    ("ufuncs", "int8 + python int (weak scalar)", lambda xp: xp.ones(3, dtype=xp.int8) + 5),
    (
        "ufuncs",
        "int32 + float32 -> float64",
        lambda xp: xp.ones(2, dtype=xp.int32) + xp.ones(2, dtype=xp.float32),
    ),
    ("ufuncs", "where(a > 2, a, -1)", lambda xp: (lambda a: xp.where(a > 2, a, -1))(xp.arange(6))),
    # reductions
    ("reductions", "a.sum()", lambda xp: xp.arange(12.0).reshape(3, 4).sum()),
    ("reductions", "sum(a, axis=0)", lambda xp: xp.sum(xp.arange(12.0).reshape(3, 4), axis=0)),
    ("reductions", "a.mean(axis=1)", lambda xp: xp.arange(12.0).reshape(3, 4).mean(axis=1)),
    (
        "reductions",
        "max(a, axis=1, keepdims)",
        lambda xp: xp.max(xp.arange(12).reshape(3, 4), axis=1, keepdims=True),
    ),
    (
        "reductions",
        "argmax(a, axis=0)",
        lambda xp: xp.argmax(xp.asarray([[1, 9, 3], [7, 2, 8]]), axis=0),
    ),
    ("reductions", "float32 sum of 1M ones", lambda xp: xp.ones(1 << 20, dtype=xp.float32).sum()),
    # shape ops
    ("shape ops", "a.T", lambda xp: xp.arange(6).reshape(2, 3).T),
    (
        "shape ops",
        "transpose(a, (2, 0, 1)).shape",
        lambda xp: xp.asarray(xp.transpose(xp.zeros((2, 3, 4)), (2, 0, 1)).shape),
    ),
    ("shape ops", "reshape(-1, 2)", lambda xp: xp.arange(6).reshape(-1, 2)),
    ("shape ops", "expand_dims + squeeze", lambda xp: xp.squeeze(xp.expand_dims(xp.arange(3), 0))),
    (
        "shape ops",
        "concatenate(axis=1)",
        lambda xp: xp.concatenate([xp.ones((2, 1)), xp.zeros((2, 2))], axis=1),
    ),
    ("shape ops", "stack", lambda xp: xp.stack([xp.arange(3), xp.arange(3) * 2])),
    # indexing and views
    ("indexing", "a[1:, ::-2]", lambda xp: xp.arange(12).reshape(3, 4)[1:, ::-2]),
    (
        "indexing",
        "a[..., None].shape",
        lambda xp: xp.asarray(xp.arange(6).reshape(2, 3)[..., None].shape),
    ),
    ("indexing", "a[a > 5] (boolean mask)", lambda xp: (lambda a: a[a > 5])(xp.arange(10))),
    (
        "indexing",
        "a[[2, 0]] (integer array)",
        lambda xp: xp.arange(12).reshape(3, 4)[xp.asarray([2, 0])],
    ),
    ("indexing", "writes through views", _views),
    ("indexing", "in-place a += 1, a[1] = ..., a[:, 0] *= 10", _inplace),
    # matmul
    (
        "matmul",
        "a @ b (float32)",
        lambda xp: (
            xp.arange(6, dtype=xp.float32).reshape(2, 3)
            @ xp.arange(12, dtype=xp.float32).reshape(3, 4)
        ),
    ),
    (
        "matmul",
        "matmul(batch, matrix)",
        lambda xp: xp.matmul(xp.ones((2, 3, 4)), xp.arange(8.0).reshape(4, 2)),
    ),
    ("matmul", "dot(vector, vector)", lambda xp: xp.dot(xp.arange(4.0), xp.arange(4.0))),
    # interop
    (
        "interop",
        "asarray(numpy array)",
        lambda xp: xp.asarray(np.arange(6, dtype=np.int16).reshape(2, 3)),
    ),
    ("interop", "astype(float16)", lambda xp: xp.arange(4).astype(xp.float16) / 3),
    ("interop", "astype(bfloat16)", lambda xp: xp.arange(4).astype(_bfloat16(xp)) / 3),
]


def _same(got, want) -> str | None:
    """None if equal (shape, dtype, values), else a short description of the difference."""
    g = np.asarray(got)
    w = np.asarray(want)
    if g.shape != w.shape:
        return f"shape {g.shape}, NumPy {w.shape}"
    if g.dtype != w.dtype:
        return f"dtype {g.dtype}, NumPy {w.dtype}"
    if g.dtype.kind in "fc" or str(g.dtype) == "bfloat16":
        gf = g.astype(np.float64)
        wf = w.astype(np.float64)
        tol = {2: 1e-2, 4: 1e-5}.get(g.dtype.itemsize, 1e-12)
        ok = np.allclose(gf, wf, rtol=tol, atol=tol, equal_nan=True)
    else:
        ok = np.array_equal(g, w)
    return (
        None
        if ok
        else f"values differ: {np.array2string(g, threshold=8)} vs {np.array2string(w, threshold=8)}"
    )


def _one_line(x, width=60) -> str:
    s = " ".join(str(x).split())
    return s if len(s) <= width else s[: width - 3] + "..."


def run_tour(xp) -> int:
    failures = 0
    section = None
    for sec, label, fn in TOUR:
        if sec != section:
            section = sec
            print(f"\n[{sec}]")
        try:
            want = fn(np)
        except Exception as e:  # should not happen: the tour is plain NumPy
            print(f"  {label:<44} (NumPy itself failed: {e!r})")
            continue
        try:
            got = fn(xp)
            diff = _same(got, want)
        except Exception as e:
            got, diff = None, f"{type(e).__name__}: {e}".splitlines()[0]
        if diff is None:
            print(f"  {label:<44} {_one_line(got)}")
        else:
            failures += 1
            print(f"  {label:<44} FAIL: {diff}")
    return failures


def show_printing(xp) -> int:
    print("\n[printing]")
    try:
        a = xp.arange(6, dtype=xp.float32).reshape(2, 3) / 4
        print(repr(a))
        print(a)
        big = xp.arange(10_000).reshape(100, 100)
        print(repr(big))
        print(repr(xp.asarray(3.5)), repr(a.dtype), a.shape, a.strides, a.ndim, a.size)
        return 0
    except Exception as e:
        print(f"  FAIL: {type(e).__name__}: {e}")
        return 1


# ----------------------------------------------------------------------------------------------
# Timing table (small sizes; the real suite is benchmarks/run.py)
# ----------------------------------------------------------------------------------------------


def _adds(xp, a, b):
    c = None
    for _ in range(1000):
        c = a + b
    return c


TIMINGS = [
    ("1,000 adds of 16-element f32", _adds, [(16,), (16,)]),
    (
        "tanh(0.5x+0.1)*exp(-x*x)+sin(x), 1M f32",
        lambda xp, x: xp.tanh(0.5 * x + 0.1) * xp.exp(-x * x) + xp.sin(x),
        [(1 << 20,)],
    ),
    ("sum, 1M f32", lambda xp, x: xp.sum(x), [(1 << 20,)]),
    ("sum(axis=1), 1024x1024 f32", lambda xp, x: xp.sum(x, axis=1), [(1024, 1024)]),
    ("matmul 512x512 f32", lambda xp, a, b: a @ b, [(512, 512), (512, 512)]),
    ("a.T.copy(), 2048x2048 f32", lambda xp, a: a.T.copy(), [(2048, 2048)]),
]


def _time(fn, args, budget=0.3, min_reps=3, max_reps=50) -> float:
    fn(*args)  # warm-up
    t0 = time.perf_counter()
    fn(*args)
    once = max(time.perf_counter() - t0, 1e-7)
    reps = int(min(max(budget / once, min_reps), max_reps))
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _fmt(t: float) -> str:
    return f"{t * 1e3:8.2f} ms" if t >= 1e-3 else f"{t * 1e6:8.1f} us"


def run_timings(xp) -> int:
    print("\n[timings] median wall time, arrax vs NumPy (ratio < 1: arrax is faster)")
    print(f"  {'workload':<42} {'arrax':>11} {'numpy':>11} {'ratio':>6}")
    rng = np.random.default_rng(0)
    failures = 0
    for label, fn, shapes in TIMINGS:
        np_in = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
        try:
            ax_in = [xp.asarray(a) for a in np_in]
            got = np.asarray(fn(xp, *ax_in))
            want = np.asarray(fn(np, *np_in))
            scale = max(1.0, float(np.abs(want).max()))
            ok = got.shape == want.shape and np.allclose(got, want, rtol=1e-3, atol=1e-3 * scale)
            t_ax = _time(fn, [xp, *ax_in])
        except Exception as e:
            failures += 1
            print(f"  {label:<42} FAIL: {type(e).__name__}: {e}".splitlines()[0])
            continue
        t_np = _time(fn, [np, *np_in])
        failures += not ok
        note = "" if ok else "  FAIL: result differs from NumPy"
        print(f"  {label:<42} {_fmt(t_ax)} {_fmt(t_np)} {t_ax / t_np:6.2f}{note}")
    return failures


def run_transforms() -> int:
    """grad / vmap / jit / lax examples, each checked against an independent computation."""
    import arrax
    import arrax.numpy as anp
    from arrax import lax
    from arrax.test_util import check_grads

    print("\n[transformations] checked against formulas, loops and finite differences")
    x = anp.linspace(-1.0, 1.0, 5)
    xn = np.asarray(x)

    def f(v):
        return anp.sum(anp.sin(v) * v**2)

    def scanned(v):
        return lax.scan(lambda c, e: (c * anp.cos(e) + e, c * e), 1.0, v)[1].sum()

    checks = [
        (
            "grad(sum(sin(x) x^2))",
            lambda: arrax.grad(f)(x),
            np.cos(xn) * xn**2 + 2 * xn * np.sin(xn),
        ),
        ("hessian is diagonal", lambda: arrax.hessian(f)(x), None),
        (
            "vmap(grad) == loop of grad",
            lambda: arrax.vmap(arrax.grad(f))(anp.stack([x, 2 * x])),
            np.stack([np.asarray(arrax.grad(f)(x)), np.asarray(arrax.grad(f)(2 * x))]),
        ),
        ("jit(grad) == grad", lambda: arrax.jit(arrax.grad(f))(x), np.asarray(arrax.grad(f)(x))),
        ("grad through lax.scan (finite diffs)", lambda: check_grads(scanned, (x,), 2), None),
    ]
    failures = 0
    for label, fn, want in checks:
        try:
            got = fn()
            if label.startswith("hessian"):
                h = np.asarray(got)
                ok = np.allclose(h, np.diag(np.diag(h)))
            else:
                ok = want is None or np.allclose(np.asarray(got), want, rtol=1e-10, atol=1e-12)
            msg = "ok" if got is None else _one_line(got)
        except Exception as e:  # noqa: BLE001
            ok, msg = False, f"{type(e).__name__}: {e}".splitlines()[0]
        failures += not ok
        print(f"  {label:<44} {msg if ok else 'FAIL: ' + msg}")
    g = arrax.jit(lambda v: anp.tanh(0.5 * v + 0.1) * anp.exp(-v * v) + anp.sin(v))
    big = anp.linspace(-2.0, 2.0, 1 << 22, dtype=anp.float32)
    print(f"  jit'd elementwise chain, 4M float32: graph {g.lower(big).primitives}")
    return failures


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m arrax.demo", description=__doc__.splitlines()[0])
    p.add_argument("--no-timing", action="store_true", help="skip the timing table")
    p.add_argument("--module", default="arrax.numpy", help=argparse.SUPPRESS)  # debug: numpy
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    xp = importlib.import_module(args.module)
    top = importlib.import_module(args.module.split(".")[0])
    print(f"arrax demo: {args.module} {getattr(top, '__version__', '?')} vs numpy {np.__version__}")
    failures = run_tour(xp)
    failures += show_printing(xp)
    if args.module == "arrax.numpy":
        failures += run_transforms()
    if not args.no_timing:
        failures += run_timings(xp)
    print(
        f"\n{'all examples match NumPy' if not failures else f'{failures} FAILED'} ({time.perf_counter() - t0:.1f} s)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
