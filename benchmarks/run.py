#!/usr/bin/env python3
"""arrax benchmark harness: every workload on arrax and its peers, in one process.

    python benchmarks/run.py                    # all workloads, peers numpy,jax,torch if installed
    python benchmarks/run.py --quick            # fewer repeats (about a minute)
    python benchmarks/run.py --only matmul,sum_16M --peers numpy
    python benchmarks/run.py --list
    python benchmarks/run.py --arrax-module numpy   # debug: time NumPy as if it were arrax

Workloads live in benchmarks/workloads_*.py (see registry.py for how to add one). For each
workload the inputs are made once with NumPy (seed 0) and converted for each backend; each
backend runs one warm-up call whose result is checked against NumPy's, then the backends are
timed in alternating blocks of consecutive calls (arrax, numpy, jax, ...; four blocks each)
until the time budget is spent, so that slow drifts in machine load hit all of them alike; each
block starts after a short pause and an untimed call, so that a peer's still-spinning worker
threads (OpenBLAS spins for ~0.1 s after a call) do not slow the next library down. The table shows median times, arrax/peer ratios and the target from the
issue (arrax/baseline must be <= target). Results go to benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import glob
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path

import numpy as np
from registry import ALL_PEERS, PEER_LOADERS, REGISTRY, Backend, Workload, load_arrax, select

HERE = Path(__file__).resolve().parent
DEFAULT_JSON = HERE / "results" / "latest.json"


# ----------------------------------------------------------------------------------------------
# Machine and library facts (written into the JSON, summarized on screen)
# ----------------------------------------------------------------------------------------------
def _run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_info() -> dict:
    info: dict = {
        "hostname": platform.node(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "cpu_count": os.cpu_count(),
    }
    try:
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    except AttributeError:
        info["cpus_usable"] = os.cpu_count()
    lscpu = {}
    for line in _run(["lscpu"]).splitlines():
        key, _, value = line.partition(":")
        lscpu[key.strip()] = value.strip()
    info["cpu_model"] = lscpu.get("Model name") or platform.processor() or "?"
    for key in ("Architecture", "Thread(s) per core", "Core(s) per socket", "Socket(s)",
                "L2 cache", "L3 cache"):  # fmt: skip
        if key in lscpu:
            info[key.lower().replace("(s)", "s").replace(" ", "_")] = lscpu[key]
    flags = lscpu.get("Flags", "").split()
    info["simd"] = [f for f in ("avx2", "fma", "avx512f", "avx512_bf16", "f16c") if f in flags]
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        info["memory_gib"] = round(kb / 1024**2, 1)
    except (OSError, StopIteration, ValueError):
        pass
    info["env"] = {
        k: os.environ[k]
        for k in (
            "OPENBLAS_CORETYPE",
            "OPENBLAS_NUM_THREADS",
            "OMP_NUM_THREADS",
            "MKL_NUM_THREADS",
            "JAX_PLATFORMS",
            "XLA_FLAGS",
            "ARRAX_NUM_THREADS",
        )
        if k in os.environ
    }
    commit = _run(["git", "-C", str(HERE), "rev-parse", "--verify", "-q", "HEAD"]).strip()
    if len(commit) == 40:
        dirty = bool(
            _run(["git", "-C", str(HERE), "status", "--porcelain", "--untracked-files=no"])
        )
        info["git"] = {"commit": commit, "dirty": dirty}
    return info


def blas_info() -> dict:
    """NumPy's BLAS at run time (threadpoolctl: library, version, core type, threads)."""
    try:
        from threadpoolctl import threadpool_info

        pools = threadpool_info()
        return {"source": "threadpoolctl", "pools": pools}
    except ImportError:
        pass
    try:
        cfg = np.show_config(mode="dicts")
        return {
            "source": "numpy.show_config",
            "blas": cfg.get("Build Dependencies", {}).get("blas"),
        }
    except Exception as e:  # older NumPy: no mode="dicts"
        return {"source": "none", "error": repr(e)}


def blas_summary(blas: dict) -> str:
    if blas.get("source") == "threadpoolctl":
        parts = []
        for p in blas["pools"]:
            if p.get("user_api") != "blas":
                continue
            lib = os.path.basename(p.get("filepath", "")) or p.get("internal_api", "?")
            parts.append(
                f"{p.get('internal_api')} {p.get('version')} core={p.get('architecture')} "
                f"threads={p.get('num_threads')} ({lib})"
            )
        return "; ".join(parts) or "no BLAS loaded yet"
    b = blas.get("blas") or {}
    return f"{b.get('name', '?')} {b.get('version', '')} (build config; pip install threadpoolctl for run-time facts)"


# ----------------------------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------------------------
def fmt_time(t: float | None) -> str:
    if t is None:
        return "-"
    if t >= 1:
        return f"{t:.2f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.2f} ms"
    return f"{t * 1e6:.1f} us"


def compare(out: np.ndarray, ref: np.ndarray, w: Workload) -> str:
    out = np.asarray(out)
    ref = np.asarray(ref)
    if out.shape != ref.shape:
        return f"shape {out.shape} != {ref.shape}"
    if out.dtype != ref.dtype:
        # Report, but compare values anyway (a dtype difference is a bug of its own).
        note = f"dtype {out.dtype} != {ref.dtype}; "
    else:
        note = ""
    a = out.astype(np.float64)
    b = ref.astype(np.float64)
    if np.allclose(a, b, rtol=w.rtol, atol=w.atol, equal_nan=True):
        return note + "ok" if note else "ok"
    err = np.max(np.abs(a - b)) if a.size else 0.0
    return f"{note}MISMATCH (max abs err {err:.3g})"


def result_to_numpy(bk, out) -> np.ndarray:
    """A workload's result as one NumPy array (a tuple of arrays, such as updated model
    parameters, is compared as their concatenation)."""
    if isinstance(out, (tuple, list)):
        return np.concatenate([np.ravel(bk.to_numpy(o)) for o in out])
    return bk.to_numpy(out)


def time_once(thunk, sync) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = sync(thunk())
    return time.perf_counter() - t0, out


def run_workload(w: Workload, backends: list[Backend], args: argparse.Namespace, progress) -> dict:
    """Warm up + check every applicable backend, then time them round-robin."""
    record: dict = {
        "name": w.name,
        "group": w.group,
        "description": w.description,
        "target": w.target,
        "baseline": w.baseline,
        "backends": {},
    }
    active = [bk for bk in backends if w.applies_to(bk.name)]
    rng = np.random.default_rng(0)
    inputs = w.inputs(rng)

    # Reference result: NumPy's, else the baseline's (computed in the loop below).
    ref = None
    ref_from = None
    if w.check and w.applies_to("numpy"):
        try:
            ref = np.asarray(w.fn_for("numpy")(np, *inputs))
            ref_from = "numpy"
        except Exception as e:  # a workload NumPy cannot run: check against the baseline
            record["reference_error"] = repr(e)

    thunks = {}
    first = {}
    for bk in active:
        progress.set(f"{w.name}: {bk.name} warm-up")
        entry = record["backends"].setdefault(bk.name, {})
        try:
            conv = tuple(bk.from_numpy(a) for a in inputs)
            thunk = w.make_thunk(bk, conv)
            dt, out = time_once(thunk, bk.sync)
            if w.check:
                if ref is None and bk.name == w.baseline:
                    ref, ref_from = result_to_numpy(bk, out), bk.name
                if ref is not None:
                    entry["check"] = compare(result_to_numpy(bk, out), ref, w)
            del out
            thunks[bk.name] = thunk
            first[bk.name] = dt
            entry["first_call_s"] = dt
        except Exception as e:
            msg = f"{type(e).__name__}: {e}".splitlines()[0][:200]
            entry["error"] = msg
            if args.verbose:
                traceback.print_exc()
        progress.advance()
    record["reference"] = ref_from
    del inputs, ref

    if not thunks:
        return record

    # Second warm-up (the first call may include one-time costs: JIT, allocator growth, ...),
    # then the number of rounds from the budget.
    budget = args.budget if args.budget is not None else (0.25 if args.quick else w.budget_s)
    round_time = 0.0
    for name, thunk in thunks.items():
        bk = next(b for b in active if b.name == name)
        dt, out = time_once(thunk, bk.sync)
        del out
        round_time += min(dt, first[name])
    if args.repeats:
        rounds = args.repeats
    else:
        rounds = int(budget * len(thunks) / max(round_time, 1e-9))
        rounds = max(3 if args.quick else 5, min(rounds, 30 if args.quick else 200))

    times: dict[str, list[float]] = {name: [] for name in thunks}
    progress.set(f"{w.name}: {rounds} rounds x {len(thunks)} backends")
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        # Each backend is timed in blocks of consecutive calls, after a pause: a peer's worker
        # threads keep spinning for up to ~0.1 s after its last call (OpenBLAS does), and on a
        # 2-core machine that would tax whichever library ran next. Blocks alternate between
        # backends so that slow drifts in machine load still hit all of them.
        blocks = 4 if rounds >= 8 else 1
        per_block = max(1, rounds // blocks)
        for _ in range(blocks):
            for name, thunk in thunks.items():
                bk = next(b for b in active if b.name == name)
                time.sleep(0.15)
                _, out = time_once(thunk, bk.sync)  # untimed: wakes this backend's threads
                del out
                for _ in range(per_block):
                    dt, out = time_once(thunk, bk.sync)
                    del out
                    times[name].append(dt)
    finally:
        if gc_was_enabled:
            gc.enable()

    for name, ts in times.items():
        e = record["backends"][name]
        e.update(
            median_s=statistics.median(ts),
            min_s=min(ts),
            mean_s=statistics.fmean(ts),
            stdev_s=statistics.stdev(ts) if len(ts) > 1 else 0.0,
            repeats=len(ts),
            times_s=ts,
        )
    arrax = record["backends"].get("arrax", {}).get("median_s")
    ratios = {}
    for name, e in record["backends"].items():
        if name != "arrax" and arrax is not None and e.get("median_s"):
            ratios[name] = arrax / e["median_s"]
    record["ratios"] = ratios
    base = ratios.get(w.baseline)
    record["meets_target"] = None if (w.target is None or base is None) else base <= w.target
    return record


class Progress:
    """A tqdm bar on a terminal (when tqdm is installed), else one line per workload on stderr."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        self.enabled = enabled
        if enabled and sys.stderr.isatty():
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, unit="step", file=sys.stderr, leave=False)
            except ImportError:
                pass

    def start(self, i: int, n: int, name: str):
        if self.enabled and self.bar is None:
            print(f"  [{i}/{n}] {name}", file=sys.stderr, flush=True)

    def set(self, text: str):
        if self.bar is not None:
            self.bar.set_description_str(text)

    def advance(self):
        if self.bar is not None:
            self.bar.update(1)

    def close(self):
        if self.bar is not None:
            self.bar.close()


# ----------------------------------------------------------------------------------------------
# Reporting
# ----------------------------------------------------------------------------------------------
def print_table(records: list[dict], names: list[str]) -> None:
    peers = [n for n in names if n != "arrax"]
    header = ["workload"] + names + [f"arrax/{p}" for p in peers] + ["target", "status"]
    rows = []
    notes = []
    for r in records:
        row = [r["name"]]
        for n in names:
            e = r["backends"].get(n)
            if e is None:
                row.append("n/a")
            elif "error" in e:
                row.append("ERROR")
                notes.append(f"{r['name']} [{n}]: {e['error']}")
            else:
                cell = fmt_time(e.get("median_s"))
                chk = e.get("check", "ok")
                if chk != "ok":
                    cell += " !"
                    notes.append(f"{r['name']} [{n}]: {chk}")
                row.append(cell)
        for p in peers:
            ratio = r.get("ratios", {}).get(p)
            row.append("-" if ratio is None else f"{ratio:.2f}")
        if r["target"] is None:
            row += ["-", ""]
        else:
            row.append(f"<={r['target']:g} vs {r['baseline']}")
            met = r.get("meets_target")
            row.append("-" if met is None else ("ok" if met else "MISS"))
        rows.append(row)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]

    def line(cells):
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths))
        )

    print()
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    print()
    print("Median wall time per call; ratio < 1 means arrax is faster. '!' = result check failed.")
    for r in records:
        print(f"  {r['name']:<22} {r['description']}")
    if notes:
        print("\nNotes:")
        for n in notes:
            print("  " + n)


# ----------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------
def load_workload_modules() -> list[str]:
    mods = []
    for path in sorted(glob.glob(str(HERE / "workloads_*.py"))):
        name = Path(path).stem
        importlib.import_module(name)
        mods.append(name)
    return mods


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--only", help="comma-separated workload names, prefixes or globs")
    p.add_argument("--quick", action="store_true", help="short budget per workload (smoke run)")
    p.add_argument(
        "--peers",
        default=",".join(ALL_PEERS),
        help="comma-separated peers to compare with (default: numpy,jax,torch; missing ones are skipped)",
    )
    p.add_argument(
        "--arrax-module", default="arrax.numpy", help="module timed as 'arrax' (debug: numpy)"
    )
    p.add_argument("--budget", type=float, help="seconds of timing per backend and workload")
    p.add_argument(
        "--repeats", type=int, help="fixed number of timed rounds (overrides the budget)"
    )
    p.add_argument("--json", default=str(DEFAULT_JSON), help="output file ('' = none)")
    p.add_argument("--list", action="store_true", help="list the workloads and exit")
    p.add_argument(
        "--strict", action="store_true", help="exit 1 on a missed target, error or mismatch"
    )
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true", help="print tracebacks of errors")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    modules = load_workload_modules()
    workloads = select([s.strip() for s in args.only.split(",")] if args.only else None)

    if args.list:
        for w in REGISTRY.values():
            tgt = f"<= {w.target:g} vs {w.baseline}" if w.target is not None else "-"
            print(f"{w.name:<22} {tgt:<16} {w.description}  [{', '.join(w.backends)}]")
        return 0
    if not workloads:
        print(f"no workload matches --only {args.only!r}; see --list", file=sys.stderr)
        return 2

    # Backends: arrax first, then the peers that import.
    try:
        backends = [load_arrax(args.arrax_module)]
    except Exception as e:
        print(
            f"cannot import {args.arrax_module}: {e!r}\n(run 'bash scripts/setup.sh' first)",
            file=sys.stderr,
        )
        return 2
    skipped = {}
    for name in [s.strip() for s in args.peers.split(",") if s.strip()]:
        if name not in PEER_LOADERS:
            print(f"unknown peer {name!r} (known: {', '.join(PEER_LOADERS)})", file=sys.stderr)
            return 2
        try:
            backends.append(PEER_LOADERS[name]())
        except Exception as e:
            skipped[name] = f"{type(e).__name__}: {e}"
    names = [b.name for b in backends]

    machine = machine_info()
    blas = blas_info()
    print(f"machine : {machine['cpu_model']}, {machine['cpus_usable']} usable cores, "
          f"{machine.get('memory_gib', '?')} GiB, simd={','.join(machine['simd'])}")  # fmt: skip
    print(f"numpy   : {np.__version__}, BLAS: {blas_summary(blas)}")
    if "OPENBLAS_CORETYPE" in os.environ:
        print(f"WARNING : OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} is set; NumPy's BLAS "
              "may be running slower kernels than this CPU supports")  # fmt: skip
    print("backends: " + ", ".join(f"{b.name} {b.version}" for b in backends))
    for name, why in skipped.items():
        print(f"skipped : {name} ({why})")
    mode = "quick" if args.quick else "full"
    print(f"running : {len(workloads)} workloads ({mode}); from {', '.join(modules)}")

    steps = sum(sum(w.applies_to(n) for n in names) for w in workloads)
    progress = Progress(steps, enabled=not args.no_progress)
    records = []
    t_start = time.perf_counter()
    try:
        for i, w in enumerate(workloads, 1):
            progress.start(i, len(workloads), w.name)
            records.append(run_workload(w, backends, args, progress))
            gc.collect()
    finally:
        progress.close()
    elapsed = time.perf_counter() - t_start

    print_table(records, names)
    print(f"\ntotal: {elapsed:.1f} s")

    if args.json:
        out = {
            "schema": 1,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "mode": mode,
            "argv": sys.argv[1:] if argv is None else list(argv),
            "elapsed_s": elapsed,
            "machine": machine,
            "numpy_blas": blas,
            "backends": {b.name: {"version": b.version, **b.info} for b in backends},
            "skipped_peers": skipped,
            "results": records,
        }
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out, indent=1, default=str) + "\n")
        print(f"wrote {path}")

    if args.strict:
        bad = [
            r["name"]
            for r in records
            if r.get("meets_target") is False
            or any("error" in e or e.get("check", "ok") != "ok" for e in r["backends"].values())
        ]
        if bad:
            print(f"--strict: failing workloads: {', '.join(bad)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
