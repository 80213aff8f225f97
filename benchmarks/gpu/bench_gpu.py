"""GPU benchmarks of issue #6: arrax against JAX, CuPy and PyTorch on the same card, in one run.

Each workload is timed with the host clock around N calls and one synchronization (the work
is asynchronous on every framework), the median of several repeats. Prints one line per
measurement and a table last; writes JSON to $OUT/gpu_bench.json when OUT is set.
"""

import functools
import json
import os
import statistics
import time

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # JAX must leave room for us

import arrax  # noqa: E402
import arrax.numpy as anp  # noqa: E402
import numpy as np  # noqa: E402

RESULTS = {}


def timeit(fn, sync, n=20, repeats=5, warmup=3):
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        sync()
        times.append((time.perf_counter() - t0) / n)
    return statistics.median(times)


def record(name, who, seconds):
    RESULTS.setdefault(name, {})[who] = seconds
    print(f"{name:28s} {who:10s} {seconds * 1e3:10.4f} ms", flush=True)


def guarded(fn):
    @functools.wraps(fn)  # --only finds a workload by its name
    def run():
        try:
            fn()
        except Exception as e:  # a peer missing or failing must not stop the others
            print(f"{fn.__name__}: {type(e).__name__}: {str(e)[:300]}", flush=True)

    return run


def ax_sync():
    arrax.cuda.synchronize()


try:
    import torch
except ImportError:
    torch = None
try:
    import cupy
except ImportError:
    cupy = None
try:
    import jax
    import jax.numpy as jnp
except ImportError:
    jax = None

N64M = int(os.environ.get("BENCH_ELEMS", 64 * 1024 * 1024))  # fewer to rehearse on the emulator


def chain(m, x):
    return m.tanh(0.5 * x + 0.1) * m.exp(-x * x) + m.sin(x)


@guarded
def copy_bandwidth():
    x = torch.randn(N64M, device="cuda")
    y = torch.empty_like(x)
    record("d2d_copy_64M", "torch", timeit(lambda: y.copy_(x), torch.cuda.synchronize))
    g = arrax.device_put(np.random.default_rng(0).standard_normal(N64M, dtype=np.float32), "cuda")
    record("d2d_copy_64M", "arrax", timeit(lambda: anp.copy(g), ax_sync))


@guarded
def elementwise_chain():
    xh = np.random.default_rng(0).standard_normal(N64M, dtype=np.float32)
    g = arrax.device_put(xh, "cuda")
    f = arrax.jit(lambda x: chain(anp, x))
    record("jit_chain_64M", "arrax", timeit(lambda: f(g), ax_sync))
    record("eager_chain_64M", "arrax", timeit(lambda: chain(anp, g), ax_sync, n=5))
    if jax is not None:
        jx = jax.device_put(xh, jax.devices("gpu")[0])
        jf = jax.jit(lambda x: chain(jnp, x))
        record("jit_chain_64M", "jax", timeit(lambda: jf(jx), lambda: jf(jx).block_until_ready()))
    if torch is not None:
        tx = torch.from_numpy(xh).cuda()
        record(
            "eager_chain_64M",
            "torch",
            timeit(lambda: chain(torch, tx), torch.cuda.synchronize, n=5),
        )
    if cupy is not None:
        cx = cupy.asarray(xh)
        record(
            "eager_chain_64M",
            "cupy",
            timeit(lambda: chain(cupy, cx), cupy.cuda.Device().synchronize, n=5),
        )


@guarded
def sum_64m():
    xh = np.random.default_rng(1).random(N64M, dtype=np.float32)
    g = arrax.device_put(xh, "cuda")
    record("sum_64M", "arrax", timeit(lambda: anp.sum(g), ax_sync))
    if cupy is not None:
        cx = cupy.asarray(xh)
        record("sum_64M", "cupy", timeit(lambda: cupy.sum(cx), cupy.cuda.Device().synchronize))
    if jax is not None:
        jx = jax.device_put(xh, jax.devices("gpu")[0])
        js = jax.jit(jnp.sum)
        record("sum_64M", "jax", timeit(lambda: js(jx), lambda: js(jx).block_until_ready()))
    print("sum check", float(anp.sum(g)), float(xh.astype(np.float64).sum()))


@guarded
def matmul_4096():
    ah = np.random.default_rng(2).standard_normal((4096, 4096), dtype=np.float32)
    g = arrax.device_put(ah, "cuda")
    record("matmul_4096_f32", "arrax", timeit(lambda: g @ g, ax_sync, n=10))
    if torch is not None:
        torch.backends.cuda.matmul.allow_tf32 = False
        t = torch.from_numpy(ah).cuda()
        record("matmul_4096_f32", "torch", timeit(lambda: t @ t, torch.cuda.synchronize, n=10))


@guarded
def small_op_dispatch():
    ah = np.arange(16, dtype=np.float32)
    g = arrax.device_put(ah, "cuda")
    record("eager_add_16", "arrax", timeit(lambda: g + g, ax_sync, n=2000))
    if torch is not None:
        t = torch.from_numpy(ah).cuda()
        record("eager_add_16", "torch", timeit(lambda: t + t, torch.cuda.synchronize, n=2000))
    if cupy is not None:
        c = cupy.asarray(ah)
        record(
            "eager_add_16", "cupy", timeit(lambda: c + c, cupy.cuda.Device().synchronize, n=2000)
        )


def mlp_params(rng, sizes=(784, 2048, 2048, 10)):
    return [
        (
            rng.standard_normal((a, b), dtype=np.float32) * np.float32(1 / np.sqrt(a)),
            np.zeros(b, np.float32),
        )
        for a, b in zip(sizes[:-1], sizes[1:])
    ]


def mlp_data(sizes=(784, 2048, 2048, 10), batch=1024):
    rng = np.random.default_rng(3)
    params = mlp_params(rng, sizes)
    xb = rng.standard_normal((batch, 784), dtype=np.float32)
    yb = rng.integers(0, 10, batch)
    return params, xb, yb, np.eye(10, dtype=np.float32)[yb]


def make_loss(m, log_softmax):
    def loss(p, x, y1h):
        h = x
        for i, (w, b) in enumerate(p):
            h = h @ w + b
            if i < len(p) - 1:
                h = m.maximum(h, 0)
        return -m.mean(m.sum(log_softmax(h) * y1h, axis=-1))

    return loss


def arrax_mlp_step():
    ax_loss = make_loss(anp, lambda h: arrax.nn.log_softmax(h, axis=-1))

    @arrax.jit
    def ax_step(p, x, y):
        g = arrax.grad(ax_loss)(p, x, y)
        return arrax.tree_util.tree_map(lambda a, b: a - 0.01 * b, p, g)

    return ax_step


def time_jax_mlp_step(name, host_args, n):
    """Records JAX's jit'd SGD step of the same MLP on host_args (params, x, one-hot y) as
    `name`, at the caller's matmul precision setting."""
    j_loss = make_loss(jnp, lambda h: jax.nn.log_softmax(h, axis=-1))
    j_step = jax.jit(
        lambda p, x, y: jax.tree_util.tree_map(
            lambda a, b: a - 0.01 * b, p, jax.grad(j_loss)(p, x, y)
        )
    )
    args = jax.device_put(host_args, jax.devices("gpu")[0])
    record(
        name,
        "jax",
        timeit(lambda: j_step(*args), lambda: j_step(*args)[0][0].block_until_ready(), n=n),
    )


@guarded
def mlp_step():
    params, xb, yb, onehot = mlp_data()
    ax_step = arrax_mlp_step()
    gp, gx, gy = arrax.device_put((params, xb, onehot), "cuda")
    with arrax.default_matmul_precision("tf32"):
        record("mlp_step_tf32", "arrax", timeit(lambda: ax_step(gp, gx, gy), ax_sync, n=20))
        # A training loop: each step's parameters are the last step's results (two CUDA graphs
        # take turns, each reading in place what the other wrote every other step).
        state = {"p": gp}

        def loop_step():
            state["p"] = ax_step(state["p"], gx, gy)

        before = arrax.cuda.graph_stats()
        record("mlp_step_tf32", "loop", timeit(loop_step, ax_sync, n=20))
        after = arrax.cuda.graph_stats()
        print(
            "arrax loop arguments:",
            {k: after[k] - before[k] for k in ("args_in_place", "args_copied")},
        )
        arrax.cuda.set_graphs(False)  # the same step launched kernel by kernel, for comparison
        record("mlp_step_tf32", "no-graph", timeit(lambda: ax_step(gp, gx, gy), ax_sync, n=20))
        arrax.cuda.set_graphs(True)
        arrax._core._cuda_set_tunable("gemm_algo", 1)  # cuBLAS's own GEMM choice, for comparison
        record("mlp_step_tf32", "cublas", timeit(lambda: ax_step(gp, gx, gy), ax_sync, n=20))
        arrax._core._cuda_set_tunable("gemm_algo", 3)
        arrax._core._cuda_set_tunable("thin_gemm", 1)  # cuBLAS for the 10-column products too
        record("mlp_step_tf32", "no-thin", timeit(lambda: ax_step(gp, gx, gy), ax_sync, n=20))
        arrax._core._cuda_set_tunable("thin_gemm", 3)
        print(f"arrax GEMMs: {arrax.cuda.gemm_stats()}")
    record("mlp_step_f32", "arrax", timeit(lambda: ax_step(gp, gx, gy), ax_sync, n=20))
    print(f"arrax CUDA graphs: {arrax.cuda.graph_stats()}")
    if jax is not None:
        time_jax_mlp_step("mlp_step_tf32", (params, xb, onehot), n=20)
        with jax.default_matmul_precision("highest"):
            time_jax_mlp_step("mlp_step_f32", (params, xb, onehot), n=20)
    if torch is not None:
        torch.backends.cuda.matmul.allow_tf32 = False
        tp = [
            (
                torch.from_numpy(w).cuda().requires_grad_(),
                torch.from_numpy(b).cuda().requires_grad_(),
            )
            for w, b in params
        ]
        tx, ty = torch.from_numpy(xb).cuda(), torch.from_numpy(yb).cuda()

        def t_step():
            h = tx
            for i, (w, b) in enumerate(tp):
                h = h @ w + b
                if i < len(tp) - 1:
                    h = torch.relu(h)
            loss = torch.nn.functional.cross_entropy(h, ty)
            grads = torch.autograd.grad(loss, [a for wb in tp for a in wb])
            with torch.no_grad():
                for a, g in zip([a for wb in tp for a in wb], grads):
                    a.sub_(0.01 * g)

        record("mlp_step_f32", "torch", timeit(t_step, torch.cuda.synchronize, n=20))


@guarded
def mlp_small():
    """A small MLP step (784-256-256-10, batch 64, float32): the GPU work is a few
    microseconds a kernel, so the host's time to issue the step is what counts: arrax with
    and without CUDA graphs, against JAX's jit."""
    params, xb, _, onehot = mlp_data((784, 256, 256, 10), 64)
    ax_step = arrax_mlp_step()
    gp, gx, gy = arrax.device_put((params, xb, onehot), "cuda")
    record("mlp_small_step", "arrax", timeit(lambda: ax_step(gp, gx, gy), ax_sync, n=50))
    arrax.cuda.set_graphs(False)
    record("mlp_small_step", "no-graph", timeit(lambda: ax_step(gp, gx, gy), ax_sync, n=50))
    arrax.cuda.set_graphs(True)
    if jax is not None:
        with jax.default_matmul_precision("highest"):
            time_jax_mlp_step("mlp_small_step", (params, xb, onehot), n=50)


@guarded
def mlp_profile():
    """Where arrax's jit'd MLP step (TF32) spends its time: the host's time to issue a step
    against the step's time, and the GPU kernels of five steps by torch.profiler (CUPTI sees
    every kernel of the process, arrax's too)."""
    params, xb, _, onehot = mlp_data()
    ax_step = arrax_mlp_step()
    args = arrax.device_put((params, xb, onehot), "cuda")
    with arrax.default_matmul_precision("tf32"):
        for _ in range(5):
            ax_step(*args)
        ax_sync()
        n = 50
        t0 = time.perf_counter()
        for _ in range(n):
            ax_step(*args)
        issued = (time.perf_counter() - t0) / n
        ax_sync()
        total = (time.perf_counter() - t0) / n
        print(f"mlp step: host issues one in {issued * 1e6:.1f} us, one takes {total * 1e6:.1f} us")
        print(f"arrax CUDA graphs: {arrax.cuda.graph_stats()}")
        from torch.profiler import ProfilerActivity, profile

        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            for _ in range(5):
                ax_step(*args)
            ax_sync()
    print(f"arrax GEMMs: {arrax.cuda.gemm_stats()}")
    print_kernels("arrax", prof)
    if jax is not None:  # JAX's step on the same card: where XLA's time goes
        j_loss = make_loss(jnp, lambda h: jax.nn.log_softmax(h, axis=-1))
        j_step = jax.jit(
            lambda p, x, y: jax.tree_util.tree_map(
                lambda a, b: a - 0.01 * b, p, jax.grad(j_loss)(p, x, y)
            )
        )
        jargs = jax.device_put((params, xb, onehot), jax.devices("gpu")[0])
        for _ in range(5):
            j_step(*jargs)[0][0].block_until_ready()
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as jprof:
            for _ in range(5):
                out = j_step(*jargs)
            out[0][0].block_until_ready()
        print_kernels("jax", jprof)


@guarded
def thin_products():
    """The MLP's three thin products (its last layer, that layer's weight gradient and its
    input gradient) by arrax's thin kernels (thin_gemm 2) and by cuBLAS (thin_gemm 1), TF32:
    the GPU time of each, from torch.profiler (one product is shorter than the host's time to
    issue it, so a wall clock would time the host)."""
    from torch.profiler import ProfilerActivity, profile

    rng = np.random.default_rng(5)
    h, w, d = (
        arrax.device_put(rng.standard_normal(s, dtype=np.float32), "cuda")
        for s in ((1024, 2048), (2048, 10), (1024, 10))
    )
    problems = {"h @ w": lambda: h @ w, "h.T @ d": lambda: h.T @ d, "d @ w.T": lambda: d @ w.T}
    set_ = arrax._core._cuda_set_tunable
    try:
        with arrax.default_matmul_precision("tf32"):
            for name, f in problems.items():
                cells = []
                for mode, who in ((2, "arrax"), (1, "cublas")):
                    set_("thin_gemm", mode)
                    f()
                    ax_sync()
                    with profile(activities=[ProfilerActivity.CUDA]) as prof:
                        for _ in range(20):
                            f()
                        ax_sync()
                    events = [e for e in prof.events() if "cuda" in str(e.device_type).lower()]
                    us = sum(e.time_range.elapsed_us() for e in events) / 20
                    kernels = sorted({e.name[:24] for e in events})
                    cells.append(f"{who} {us:6.2f} us ({len(events) / 20:.0f} kernels: {kernels})")
                print(f"thin {name:8s}: " + "; ".join(cells), flush=True)
    finally:
        set_("thin_gemm", 3)


def print_kernels(who, prof, steps=5):
    """The GPU kernels and copies of a `steps`-step torch.profiler capture, by total time: a
    compact table (a line of under 100 characters each, so the device script's tail keeps
    it)."""
    events = [e for e in prof.events() if "cuda" in str(e.device_type).lower()]
    busy = sum(e.time_range.elapsed_us() for e in events) / steps
    print(f"{who}: GPU events in {steps} steps: {len(events)}; their time: {busy:.1f} us per step")
    by_name = {}
    for e in events:
        slot = by_name.setdefault(e.name, [0, 0.0])
        slot[0] += 1
        slot[1] += e.time_range.elapsed_us()
    print(f"{'kernel':58s} {'per step':>6s} {'us/step':>8s} {'us each':>8s}")
    for name, (count, us) in sorted(by_name.items(), key=lambda kv: -kv[1][1])[:30]:
        print(f"{name[:58]:58s} {count / steps:6.1f} {us / steps:8.1f} {us / count:8.2f}")
    # The last step's kernels in the order they ran: which launch of a
    # kernel that runs several times a step takes the time.
    last = sorted(events, key=lambda e: e.time_range.start)[-(len(events) // steps) :]
    print(f"{who}: the last step's kernels in order")
    for e in last:
        print(f"  {e.name[:58]:58s} {e.time_range.elapsed_us():7.2f} us")


@guarded
def ew_sweep():
    """The GPU launch settings against PyTorch and CuPy in the same run: a copy, the eager
    chain and the jit'd chain of 64M float32 for each grid size (grid_for's blocks per
    multiprocessor), and the sum for each split and number of vectors per thread."""
    xh = np.random.default_rng(0).standard_normal(N64M, dtype=np.float32)
    g = arrax.device_put(xh, "cuda")
    f = arrax.jit(lambda x: chain(anp, x))
    peers = {}
    try:  # (the peers are optional: the sweep rehearses on the emulator without them)
        tx = torch.from_numpy(xh).cuda()
        ty = torch.empty_like(tx)
        peers["copy"] = timeit(lambda: ty.copy_(tx), torch.cuda.synchronize)
        peers["eager"] = timeit(lambda: chain(torch, tx), torch.cuda.synchronize, n=5)
        cx = cupy.asarray(xh)
        peers["sum"] = timeit(lambda: cupy.sum(cx), cupy.cuda.Device().synchronize)
    except Exception as e:
        print(f"ew_sweep: peers: {type(e).__name__}: {str(e)[:200]}")
    print("peers (ms):", {k: round(v * 1e3, 4) for k, v in peers.items()})

    def cells(t):
        return "  ".join(
            f"{k} {v * 1e3:.4f} ms" + (f" ({v / peers[k]:.3f})" if k in peers else "")
            for k, v in t.items()
        )

    defaults = arrax._core._cuda_tunables()
    set_ = arrax._core._cuda_set_tunable
    try:
        for blocks in (16, 32, 64, 128, 256, 512, 1024):
            set_("blocks_per_sm", blocks)
            t = {
                "copy": timeit(lambda: anp.copy(g), ax_sync),
                "eager": timeit(lambda: chain(anp, g), ax_sync, n=5),
                "jit": timeit(lambda: f(g), ax_sync),
            }
            print(f"blocks_per_sm={blocks:4d}: {cells(t)}", flush=True)
        for name, value in defaults.items():
            set_(name, value)
        for blocks in (8, 16, 32):
            for unroll in (2, 4, 8):
                set_("reduce_blocks_per_sm", blocks)
                set_("reduce_unroll", unroll)
                t = {"sum": timeit(lambda: anp.sum(g), ax_sync)}
                print(f"reduce_blocks_per_sm={blocks:2d} reduce_unroll={unroll}: {cells(t)}")
    finally:
        for name, value in defaults.items():
            set_(name, value)
    print("defaults:", defaults)


def table():
    def get(name, who):
        return RESULTS.get(name, {}).get(who)

    rows = []
    copy = get("d2d_copy_64M", "torch")
    bw = 2 * N64M * 4 / copy if copy else None
    jc = get("jit_chain_64M", "arrax")
    if jc and bw:
        rows.append(("jit chain 64M: % of copy bandwidth", 2 * N64M * 4 / jc / bw, ">= 0.80"))
    for name, peer, target in [
        ("jit_chain_64M", "jax", "<= 1.0"),
        ("eager_chain_64M", "torch", "<= 1.0"),
        ("sum_64M", "cupy", "<= 1.0"),
        ("matmul_4096_f32", "torch", "<= 1.053 (>= 95%)"),
        ("eager_add_16", "torch", "<= 1.0"),
        ("mlp_step_tf32", "jax", "<= 1.0"),
        ("mlp_step_tf32", "no-graph", "(arrax without CUDA graphs)"),
        ("mlp_step_tf32", "cublas", "(arrax with cuBLAS's GEMM choice)"),
        ("mlp_step_tf32", "no-thin", "(arrax without its thin GEMM kernels)"),
        ("mlp_small_step", "jax", "(small MLP, host-bound)"),
        ("mlp_small_step", "no-graph", "(arrax without CUDA graphs)"),
        ("mlp_step_f32", "jax", "(same precision)"),
        ("mlp_step_f32", "torch", "(PyTorch eager)"),
        ("d2d_copy_64M", "torch", "(a copy kernel)"),
    ]:
        a, p = get(name, "arrax"), get(name, peer)
        if a and p:
            rows.append((f"{name} arrax/{peer} ({a * 1e3:.3f} vs {p * 1e3:.3f} ms)", a / p, target))
    loop, jax_step = get("mlp_step_tf32", "loop"), get("mlp_step_tf32", "jax")
    if loop and jax_step:
        rows.append(
            (
                f"mlp_step_tf32 training loop arrax/jax ({loop * 1e3:.3f} vs {jax_step * 1e3:.3f} ms)",
                loop / jax_step,
                "(results fed back)",
            )
        )
    print("\n| workload | ratio | target |\n|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.3f} | {r[2]} |")


WORKLOADS = [
    copy_bandwidth,
    elementwise_chain,
    sum_64m,
    matmul_4096,
    small_op_dispatch,
    mlp_step,
    mlp_small,
]
TOOLS = [mlp_profile, thin_products, ew_sweep]  # run by --only alone


def _results_path():
    return os.path.join(os.environ.get("OUT", "."), "gpu_bench.json")


if __name__ == "__main__":
    import sys

    if "--table" in sys.argv:  # the table of the results the --only runs saved
        with open(_results_path()) as f:
            RESULTS.update(json.load(f))
        table()
        sys.exit(0)
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    print("device:", arrax.devices()[0].device_kind)
    for fn in WORKLOADS + TOOLS:
        if fn.__name__ == only or (only is None and fn in WORKLOADS):
            fn()
    if os.environ.get("OUT"):
        saved = {}
        if only and os.path.exists(_results_path()):
            with open(_results_path()) as f:
                saved = json.load(f)
        for name, by in RESULTS.items():
            saved.setdefault(name, {}).update(by)
        with open(_results_path(), "w") as f:
            json.dump(saved, f, indent=1)
    if only is None:
        table()
