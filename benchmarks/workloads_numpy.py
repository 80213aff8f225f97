"""Issue #2 workloads: eager NumPy-API performance. Target = max(arrax time / NumPy time)."""

from __future__ import annotations

import numpy as np
from registry import f32_normal, f32_uniform, workload

N_16M = 16 * 1024 * 1024


@workload(
    "add_16_x10k",
    inputs=f32_normal(16, 16),
    target=1.5,
    description="10,000 eager `a + b` on two 16-element float32 arrays (dispatch cost)",
    budget_s=1.0,
)
def add_small(xp, a, b):
    c = None
    for _ in range(10_000):
        c = a + b
    return c


@workload(
    "small_mix_16_x2k",
    inputs=f32_normal((4, 4)),
    description="2,000 rounds of small eager calls on a 4x4 float32: m[1, 2], m[1:3], m.T, "
    "m.reshape(16), np.exp(m), np.add(m, m), -m (per-call cost of indexing, views, ufunc calls)",
    budget_s=1.0,
)
def small_mix(xp, m):
    r = None
    for _ in range(2_000):
        m[1, 2], m[1:3], m.T, m.reshape(16), -m
        r = xp.add(xp.exp(m), m)
    return r


@workload(
    "elementwise_16M",
    inputs=f32_normal(N_16M),
    target=0.6,
    description="tanh(0.5*x+0.1)*exp(-x*x)+sin(x), x: 16M float32",
    rtol=1e-4,
    atol=1e-5,
)
def elementwise(xp, x):
    return xp.tanh(0.5 * x + 0.1) * xp.exp(-x * x) + xp.sin(x)


@workload(
    "sum_16M",
    inputs=f32_uniform(N_16M),
    target=0.6,
    description="sum of 16M float32 (uniform [0, 1))",
    rtol=1e-4,
)
def sum_all(xp, x):
    return xp.sum(x)


@workload(
    "sum_axis1_4096",
    inputs=f32_uniform((4096, 4096)),
    target=0.8,
    description="sum over axis 1 of 4096x4096 float32",
    rtol=1e-4,
)
def sum_axis1(xp, x):
    return xp.sum(x, axis=1)


def _matmul(xp, a, b):
    return xp.matmul(a, b)


for _n in (1024, 2048):
    workload(
        f"matmul_{_n}",
        inputs=f32_normal((_n, _n), (_n, _n)),
        target=1.1,
        description=f"matmul {_n}x{_n} @ {_n}x{_n} float32",
        rtol=1e-3,
        atol=1e-2,
    )(_matmul)


@workload(
    "transpose_copy_4096",
    inputs=f32_normal((4096, 4096)),
    target=1.0,
    description="a.T.copy(), a: 4096x4096 float32",
    per_backend={"torch": lambda xp, a: a.T.contiguous()},
    rtol=0.0,
    atol=0.0,
)
def transpose_copy(xp, a):
    return a.T.copy()


@workload(
    "exp_of_transposed_4096",
    inputs=f32_normal((4096, 4096)),
    description="exp(a.T) * 2 + a.T, a: 4096x4096 float32 (results in the inputs' memory order)",
    rtol=1e-5,
    atol=1e-5,
)
def exp_of_transposed(xp, a):
    t = a.T
    return xp.exp(t) * 2 + t


# Eager workloads without an issue target: the library functions a session sped up, timed
# beside NumPy so a regression shows as a ratio.
@workload(
    "sort_1M",
    inputs=f32_normal(1 << 20),
    description="sort of 1M float32 (stable radix sort; NumPy's SIMD quicksort)",
    rtol=0.0,
    atol=0.0,
)
def sort_1m(xp, x):
    return xp.sort(x)


@workload(
    "searchsorted_1M",
    inputs=lambda rng: (np.sort(rng.random(1 << 20)), rng.random(1 << 20)),
    description="searchsorted of 1M float64 keys in 1M sorted float64",
    rtol=0.0,
    atol=0.0,
)
def searchsorted_1m(xp, a, v):
    return xp.searchsorted(a, v)


@workload(
    "convolve_100K_x_100",
    inputs=lambda rng: (rng.random(100_000), rng.random(100)),
    description="convolve (mode 'full') of 100K float64 with 100 taps",
    rtol=1e-9,
    atol=1e-9,
)
def convolve_100k(xp, a, v):
    return xp.convolve(a, v)
