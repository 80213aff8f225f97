"""Real NumPy programs run with arrax.numpy in place of NumPy, and the divergences they found:
values, dtypes, shapes (and, for order=, memory layout) must be NumPy's."""

import arrax.numpy as anp
import numpy as np
import pytest


def _same(a, n, rtol=1e-7, atol=0):
    a = np.asarray(a)
    n = np.asarray(n)
    assert a.dtype == n.dtype, (a.dtype, n.dtype)
    assert a.shape == n.shape, (a.shape, n.shape)
    if n.dtype.kind in "fc":
        np.testing.assert_allclose(a, n, rtol=rtol, atol=atol)
    else:
        np.testing.assert_array_equal(a, n)


# --- composed ufuncs (gcd, lcm, ...) take nested sequences like NumPy ufuncs -----------------


@pytest.mark.parametrize(
    "f",
    [
        lambda m: m.gcd([4, 6, 9], [6, 9, 12]),
        lambda m: m.lcm([4, 6], 3),
        lambda m: m.lcm(12, (4, 5)),
        lambda m: m.gcd(m.arange(3, dtype=m.int8), [4, 6, 8]),
        lambda m: m.lcm([[2], [3]], [4, 5, 6]),
        lambda m: m.lcm(m.array([3], dtype=m.uint8), [4]),
        lambda m: m.gcd(m.zeros(0, dtype=m.int32), m.zeros((2, 0), dtype=m.int8)),
        lambda m: m.gcd([[12, -18]], m.array([8, 12], dtype=m.int16)),
        lambda m: m.ldexp([1.0, 2.0], [1, 2]),
        lambda m: m.modf([1.5, -2.5]),
        lambda m: m.frexp([8.0, 3.0]),
        lambda m: m.spacing([1.0, 2.0]),
    ],
)
def test_composed_ufuncs_take_sequences(f):
    r, n = f(anp), f(np)
    if isinstance(n, tuple):
        for x, y in zip(r, n):
            _same(x, y)
    else:
        _same(r, n)


@pytest.mark.parametrize("args", [([1.5, 2.0], [2, 4]), ([], []), ([[1.0]], 2)])
def test_composed_ufuncs_reject_float_sequences(args):
    with pytest.raises(TypeError):
        np.gcd(*args)
    with pytest.raises(TypeError, match="gcd"):
        anp.gcd(*args)


def test_composed_ufunc_lcm_out_and_where_with_lists():
    out = anp.zeros(3, dtype=anp.int64)
    anp.lcm([2, 3, 4], [3, 4, 6], out=out, where=[True, False, True])
    n_out = np.zeros(3, dtype=np.int64)
    np.lcm([2, 3, 4], [3, 4, 6], out=n_out, where=[True, False, True])
    _same(out, n_out)


# --- order= gives NumPy's memory layout --------------------------------------------------------


def _layout(x):
    x = x if isinstance(x, (np.ndarray, anp.ndarray)) else np.asarray(x)
    return bool(x.flags.c_contiguous), bool(x.flags.f_contiguous)


def _fortran(m):
    return m.asfortranarray(m.arange(6).reshape(2, 3))


@pytest.mark.parametrize(
    "f",
    [
        lambda m: m.asarray(m.arange(6).reshape(2, 3), order="F"),
        lambda m: m.asarray([[1, 2], [3, 4]], order="F"),
        lambda m: m.asarray([[1.5, 2], [3, 4]], dtype=m.float32, order="F"),
        lambda m: m.asarray(_fortran(m), order="C"),
        lambda m: m.asarray(_fortran(m), order="A"),
        lambda m: m.asarray(_fortran(m)),
        lambda m: m.asarray(m.arange(6).reshape(2, 3).T, order="A"),
        lambda m: m.array(_fortran(m)),
        lambda m: m.array(m.arange(24).reshape(2, 3, 4).T),
        lambda m: m.array(_fortran(m), order="C"),
        lambda m: m.array([[1, 2], [3, 4]], order="F", dtype=m.float32),
        lambda m: m.array([1, 2], order="F", ndmin=2),
        lambda m: m.zeros((2, 3), order="F"),
        lambda m: m.ones((2, 3, 4), dtype=m.int8, order="F"),
        lambda m: m.empty((2, 3), order="F"),
        lambda m: m.full((2, 3), 7, order="F"),
        lambda m: m.full((2, 3), [1, 2, 3], order="F"),
        lambda m: m.full((2, 3), 1.5, m.float32, "F"),
        lambda m: m.zeros((2, 3), m.int16, "F"),
        lambda m: m.full((2, 2), 12.0, m.float64),
        lambda m: m.zeros((2, 3)),
        lambda m: m.zeros(3, order="F"),
        lambda m: m.zeros_like(_fortran(m)),
        lambda m: m.ones_like(_fortran(m), order="C"),
        lambda m: m.full_like(_fortran(m), 3.5),
        lambda m: m.full_like(_fortran(m), 3, m.float32, "C"),
        lambda m: m.empty_like(_fortran(m)),
        lambda m: m.zeros_like(_fortran(m), shape=(3, 2)),
        lambda m: m.zeros_like(_fortran(m), shape=(1, 2, 3)),
        lambda m: m.zeros_like([[1, 2], [3, 4]], order="F"),
        lambda m: _fortran(m).copy(),
        lambda m: m.arange(6).reshape(2, 3).copy(order="F"),
        lambda m: _fortran(m).copy(order="A"),
        lambda m: m.arange(6).reshape(2, 3).T.copy(order="K"),
    ],
)
def test_order_gives_numpys_layout(f):
    r, n = f(anp), f(np)
    assert _layout(r) == _layout(n)
    assert r.dtype == n.dtype and r.shape == n.shape
    if 1 not in n.shape:  # (a length-1 axis's stride is arbitrary)
        assert r.strides == n.strides


def test_order_values_and_bytes():
    a = anp.asarray(anp.arange(12).reshape(3, 4), order="F")
    n = np.asarray(np.arange(12).reshape(3, 4), order="F")
    _same(a, n)
    assert a.tobytes(order="A") == n.tobytes(order="A")
    _same(anp.ravel(a, order="K"), np.ravel(n, order="K"))


def test_bad_order_raises():
    with pytest.raises(ValueError, match="asarray"):
        anp.asarray([[1, 2]], order="X")
    with pytest.raises(ValueError):
        np.asarray([[1, 2]], order="X")


# --- whole programs ----------------------------------------------------------------------------


def _moores_law(np):
    rng = np.random.default_rng(7)
    year = np.sort(rng.integers(1971, 2020, size=60))
    count = np.round(np.exp(0.3 * (year - 1971) + 7.7 + rng.normal(0, 0.4, size=60)))
    means = np.array([count[year == y].mean() for y in np.unique(year)])
    Z = np.log(count)
    A = np.vstack([year, np.ones(len(year))]).T
    coef, res, rank, sv = np.linalg.lstsq(A, Z, rcond=None)
    sigma = np.sqrt(np.sum((Z - A @ coef) ** 2) / (len(Z) - 2))
    cov = sigma**2 * np.linalg.inv(A.T @ A)
    return [means, np.polyfit(year, Z, 1), coef, res, rank, sv, cov, np.exp(coef[0] * 2)]


def _kmeans(np):
    rng = np.random.default_rng(1)
    X = np.concatenate([rng.normal(c, 0.7, size=(30, 2)) for c in ([0, 0], [5, 5], [0, 5])])
    C = X[rng.choice(len(X), 3, replace=False)]
    for _ in range(20):
        labels = np.argmin(np.linalg.norm(X[:, None, :] - C[None], axis=2), axis=1)
        C = np.array([X[labels == j].mean(axis=0) for j in range(3)])
    return [C, labels, np.bincount(labels, minlength=3), ((X - C[labels]) ** 2).sum()]


def _game_of_life(np):
    rng = np.random.default_rng(14)
    Z = (rng.random((24, 24)) < 0.3).astype(np.int8)
    counts = []
    for _ in range(10):
        N = sum(np.roll(np.roll(Z, i, 0), j, 1) for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j)
        Z = ((N == 3) | ((Z == 1) & (N == 2))).astype(Z.dtype)
        counts.append(Z.sum())
    return [Z, np.array(counts), np.argwhere(Z)[:5]]


def _mandelbrot(np):
    y, x = np.ogrid[-1.4:1.4:30j, -2:0.8:40j]
    c = x + y * 1j
    z = c
    divtime = 20 + np.zeros(z.shape, dtype=int)
    for i in range(20):
        z = z**2 + c
        diverge = z * np.conj(z) > 4
        divtime[diverge & (divtime == 20)] = i
        z[diverge] = 2
    return [divtime]


def _heat_and_fft(np):
    u = np.zeros((20, 20))
    u[8:12, 8:12] = 100.0
    for _ in range(30):
        un = u.copy()
        u[1:-1, 1:-1] = un[1:-1, 1:-1] + 0.2 * (
            un[2:, 1:-1] + un[:-2, 1:-1] + un[1:-1, 2:] + un[1:-1, :-2] - 4 * un[1:-1, 1:-1]
        )
    t = np.arange(0, 1, 1 / 100)
    sig = np.sin(2 * np.pi * 5 * t) + 0.5 * np.sin(2 * np.pi * 30 * t)
    F = np.fft.rfft(sig)
    F[np.fft.rfftfreq(sig.size, d=0.01) > 10] = 0
    return [u, np.fft.irfft(F, n=sig.size), np.gcd(np.arange(12), [18] * 12), np.lcm([4, 6], 10)]


def _logistic_regression(np):
    rng = np.random.default_rng(10)
    X = rng.normal(size=(100, 3))
    y = (X @ np.array([1.5, -2.0, 0.5]) > 0).astype(np.int32)
    Xb = np.hstack([np.ones((100, 1)), X])
    w = np.zeros(4)
    for _ in range(50):
        p = 1 / (1 + np.exp(-Xb @ w))
        w -= 0.5 * Xb.T @ (p - y) / 100
    conf = np.zeros((2, 2), dtype=int)
    np.add.at(conf, (y, (p >= 0.5).astype(int)), 1)
    return [w, conf, np.mean((p >= 0.5) == y)]


@pytest.mark.parametrize(
    "program",
    [_moores_law, _kmeans, _game_of_life, _mandelbrot, _heat_and_fft, _logistic_regression],
)
def test_program_like_numpy(program):
    for r, n in zip(program(anp), program(np), strict=True):
        _same(r, n, rtol=1e-9, atol=1e-12)
