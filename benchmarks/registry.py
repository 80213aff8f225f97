"""Workload registry and backends for the arrax benchmark harness (benchmarks/run.py).

A *workload* is written once, as a function of an array namespace ``xp`` (``arrax.numpy``,
``numpy``, ``jax.numpy``, or a NumPy-flavoured view of ``torch``), plus a function that makes
its inputs as NumPy arrays. The harness converts the inputs for every backend, runs all
backends in the same process, interleaved, and compares the results with NumPy's.

Adding a workload (any ``benchmarks/workloads_*.py`` file is imported automatically)::

    from registry import f32_normal, workload

    @workload("softplus_1M", inputs=f32_normal(1 << 20), target=1.0,
              description="log1p(exp(x)), 1M float32")
    def softplus(xp, x):
        return xp.log1p(xp.exp(x))

Per-backend variants, for APIs that differ (``per_backend={"torch": lambda xp, a: ...}``),
and workloads that only make sense for some backends (``backends=("arrax", "jax")``) are
declared in the same call. Transformation workloads (jit/grad, compared with JAX) pass a
``prepare`` hook that builds the timed callable once, outside the timed region, e.g.
``prepare=jit_prepare`` or ``prepare=grad_prepare`` below, with ``baseline="jax"``.
"""

from __future__ import annotations

import fnmatch
import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

# Peers, in table order. "arrax" is always first and is the numerator of every ratio.
ALL_PEERS = ("numpy", "jax", "torch")
ALL_BACKENDS = ("arrax",) + ALL_PEERS


# ----------------------------------------------------------------------------------------------
# Backends
# ----------------------------------------------------------------------------------------------
@dataclass
class Backend:
    """One array library as the harness sees it."""

    name: str  # "arrax", "numpy", "jax", "torch"
    xp: Any  # NumPy-like namespace the workloads call
    module: Any  # top-level module (for jit/grad/vmap: arrax, jax, ...)
    version: str
    from_numpy: Callable[[np.ndarray], Any]  # input conversion (done outside timing)
    to_numpy: Callable[[Any], np.ndarray]  # result conversion for the correctness check
    sync: Callable[[Any], Any] = lambda out: out  # wait for async results (JAX)
    info: dict = field(default_factory=dict)  # extra facts for the JSON (devices, threads)


def _identity(x):
    return x


def load_arrax(module_name: str = "arrax.numpy") -> Backend:
    xp = importlib.import_module(module_name)
    top = importlib.import_module(module_name.split(".")[0])
    block = getattr(top, "block_until_ready", None)
    sync = block if callable(block) else _identity
    return Backend(
        name="arrax",
        xp=xp,
        module=top,
        version=str(getattr(top, "__version__", "?")),
        from_numpy=lambda a: xp.asarray(a),
        to_numpy=lambda r: np.asarray(r),
        sync=sync,
        info={"module": module_name, "file": getattr(top, "__file__", None)},
    )


def load_numpy() -> Backend:
    return Backend(
        name="numpy",
        xp=np,
        module=np,
        version=np.__version__,
        from_numpy=lambda a: np.array(a, copy=True),
        to_numpy=np.asarray,
    )


def load_jax() -> Backend:
    import jax
    import jax.numpy as jnp

    def from_numpy(a):
        return jax.block_until_ready(jax.device_put(a))

    return Backend(
        name="jax",
        xp=jnp,
        module=jax,
        version=jax.__version__,
        from_numpy=from_numpy,
        to_numpy=np.asarray,
        sync=jax.block_until_ready,
        info={"devices": [str(d) for d in jax.devices()]},
    )


class TorchNumpy:
    """The NumPy names the workloads use, mapped onto torch (anything else falls through)."""

    def __init__(self, torch):
        self._torch = torch

    def __getattr__(self, name):
        return getattr(self._torch, name)

    def asarray(self, a, dtype=None):
        return self._torch.as_tensor(a, dtype=dtype)

    def sum(self, x, axis=None):
        return self._torch.sum(x) if axis is None else self._torch.sum(x, dim=axis)

    def mean(self, x, axis=None):
        return self._torch.mean(x) if axis is None else self._torch.mean(x, dim=axis)

    def max(self, x, axis=None):
        return self._torch.max(x) if axis is None else self._torch.amax(x, dim=axis)

    def transpose(self, x, axes=None):
        return x.permute(*(axes if axes is not None else reversed(range(x.ndim))))


def load_torch() -> Backend:
    import torch

    return Backend(
        name="torch",
        xp=TorchNumpy(torch),
        module=torch,
        version=torch.__version__,
        from_numpy=lambda a: torch.from_numpy(np.array(a, copy=True)),
        to_numpy=lambda t: t.detach().cpu().numpy(),
        info={"threads": torch.get_num_threads()},
    )


PEER_LOADERS = {"numpy": load_numpy, "jax": load_jax, "torch": load_torch}


# ----------------------------------------------------------------------------------------------
# Workloads
# ----------------------------------------------------------------------------------------------
@dataclass
class Workload:
    name: str
    fn: Callable[..., Any]  # fn(xp, *inputs) -> result
    inputs: Callable[[np.random.Generator], tuple]  # rng -> tuple of NumPy arrays
    description: str = ""
    target: float | None = None  # required arrax_time / baseline_time (<=), None = none
    baseline: str = "numpy"  # the peer the target refers to
    backends: tuple[str, ...] = ALL_BACKENDS  # where the workload applies
    per_backend: dict[str, Callable[..., Any]] = field(default_factory=dict)  # fn overrides
    # prepare(backend, fn, args) -> zero-argument callable, built once outside the timing.
    # Default: lambda: fn(backend.xp, *args).
    prepare: Callable[[Backend, Callable, tuple], Callable[[], Any]] | None = None
    group: str = "numpy"
    check: bool = True  # compare every backend's result with NumPy's (or the baseline's)
    rtol: float = 1e-4
    atol: float = 1e-5
    budget_s: float = 2.0  # measuring time per backend (full mode)

    def fn_for(self, backend: str) -> Callable[..., Any]:
        return self.per_backend.get(backend, self.fn)

    def applies_to(self, backend: str) -> bool:
        return backend in self.backends

    def make_thunk(self, bk: Backend, args: tuple) -> Callable[[], Any]:
        fn = self.fn_for(bk.name)
        if self.prepare is not None:
            return self.prepare(bk, fn, args)
        xp = bk.xp
        return lambda: fn(xp, *args)


REGISTRY: dict[str, Workload] = {}


def register(w: Workload) -> Workload:
    if w.name in REGISTRY:
        raise ValueError(f"duplicate workload name {w.name!r}")
    REGISTRY[w.name] = w
    return w


def workload(name: str, **kwargs) -> Callable[[Callable], Callable]:
    """Decorator: ``@workload("name", inputs=..., target=..., description=...)``."""

    def deco(fn: Callable) -> Callable:
        register(Workload(name=name, fn=fn, **kwargs))
        return fn

    return deco


def select(patterns: list[str] | None) -> list[Workload]:
    """Workloads whose name equals, starts with, or glob-matches one of the patterns."""
    if not patterns:
        return list(REGISTRY.values())
    out = []
    for w in REGISTRY.values():
        if any(w.name == p or w.name.startswith(p) or fnmatch.fnmatch(w.name, p) for p in patterns):
            out.append(w)
    return out


# ----------------------------------------------------------------------------------------------
# Helpers for inputs and transformation workloads
# ----------------------------------------------------------------------------------------------
def f32_normal(*shapes):
    """inputs= helper: one standard-normal float32 array per shape."""
    shapes = [s if isinstance(s, tuple) else (s,) for s in shapes]
    return lambda rng: tuple(rng.standard_normal(s, dtype=np.float32) for s in shapes)


def f32_uniform(*shapes):
    """inputs= helper: one uniform [0, 1) float32 array per shape (sums without cancellation)."""
    shapes = [s if isinstance(s, tuple) else (s,) for s in shapes]
    return lambda rng: tuple(rng.random(s, dtype=np.float32) for s in shapes)


def jit_prepare(bk: Backend, fn: Callable, args: tuple) -> Callable[[], Any]:
    """prepare= hook: time ``module.jit(f)(*args)`` after compiling it outside the timing."""
    xp = bk.xp
    jitted = bk.module.jit(lambda *a: fn(xp, *a))
    bk.sync(jitted(*args))  # trace + compile
    return lambda: jitted(*args)


def grad_prepare(bk: Backend, fn: Callable, args: tuple) -> Callable[[], Any]:
    """prepare= hook: time ``module.jit(module.grad(f))(*args)`` (f returns a scalar)."""
    xp = bk.xp
    g = bk.module.jit(bk.module.grad(lambda *a: fn(xp, *a)))
    bk.sync(g(*args))
    return lambda: g(*args)
