"""Notebook-style NumPy programs (image processing, time series, Monte Carlo, linear algebra,
data wrangling, numerical methods, printing and saving, dtypes, masks and views) run with
arrax.numpy in place of NumPy: values, dtypes, shapes, printed text and warnings must be
NumPy's. Below them, the divergences they found."""

import io
import os
import tempfile
import warnings

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest


def _same(a, n, path="result", rtol=1e-9, atol=1e-12):
    """a (arrax's) is n (NumPy's): through lists and tuples; strings and dtypes equal; arrays
    of the same dtype, shape and values."""
    if isinstance(n, (tuple, list)):
        assert isinstance(a, (tuple, list)) and len(a) == len(n), (path, type(a), type(n))
        for i, (x, y) in enumerate(zip(a, n)):
            _same(x, y, f"{path}[{i}]", rtol, atol)
        return
    if isinstance(n, (str, onp.dtype, type)):
        assert str(a) == str(n), (path, a, n)
        return
    x, y = onp.asarray(a), onp.asarray(n)
    assert x.dtype == y.dtype and x.shape == y.shape, (path, x.dtype, x.shape, y.dtype, y.shape)
    if y.dtype.kind in "fc":
        onp.testing.assert_allclose(x, y, rtol=rtol, atol=atol, equal_nan=True, err_msg=path)
    else:
        onp.testing.assert_array_equal(x, y, err_msg=path)


def _warned(f):
    """f()'s warnings, as (category, message) pairs."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f()
    return [(w.category, str(w.message)) for w in caught]


# --- the programs (each takes the module: numpy or arrax.numpy) --------------------------------


def _try(f):
    """f(), or the name of the builtin exception type it raises (NumPy's UFuncTypeError is a
    TypeError)."""
    try:
        return f()
    except Exception as e:
        return next(t for t in type(e).__mro__ if t.__module__ == "builtins").__name__


def image_processing(np):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(16, 20), dtype=np.uint8)
    out = []
    out.append(img + np.uint8(200))  # wraparound
    out.append(img.astype(np.int16) - 128)
    k = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16
    p = np.pad(img.astype(float), 1, mode="reflect")
    conv = sum(k[i, j] * p[i : i + 16, j : j + 20] for i in range(3) for j in range(3))
    out.append(conv)
    out.append(np.pad(img, ((1, 2), (3, 0)), mode="constant", constant_values=7))
    out.append(np.pad(img, 2, mode="edge"))
    out.append(np.pad(img, 2, mode="symmetric"))
    out.append(np.pad(img, 2, mode="wrap"))
    out.append(np.rot90(img))
    out.append(np.rot90(img, 2))
    out.append(np.rot90(img, -1, axes=(0, 1)))
    out.append(np.fliplr(img))
    out.append(np.flipud(img))
    hist, edges = np.histogram(img, bins=256, range=(0, 256))
    cdf = hist.cumsum()
    cdf_m = (cdf - cdf.min()) * 255 / (cdf.max() - cdf.min())
    eq = cdf_m.astype(np.uint8)[img]
    out += [hist, edges, cdf, eq]
    mask = img > 128
    th = np.where(mask, 255, 0).astype(np.uint8)
    out.append(th)
    img2 = img.copy()
    img2[~mask] = 0
    out.append(img2)
    out.append(np.clip(img, 50, 200))
    out.append(np.clip(img.astype(np.int32) * 2, 0, 255).astype(np.uint8))
    out.append(img.mean(axis=0))
    out.append(img.sum())
    out.append(img.sum(dtype=np.uint8))
    out.append(np.count_nonzero(mask, axis=1))
    out.append(np.histogram(img, bins=5))
    out.append(np.histogram2d(img[0].astype(float), img[1].astype(float), bins=4))
    out.append(np.uint8(250) + np.uint8(10))
    out.append(img.max(axis=1, keepdims=True))
    out.append(np.argmax(img))
    out.append(np.unravel_index(np.argmax(img), img.shape))
    return out


def time_series(np):
    rng = np.random.default_rng(1)
    t = np.linspace(0, 10, 101)
    x = np.sin(t) + 0.1 * rng.standard_normal(101)
    out = []
    c = np.cumsum(np.insert(x, 0, 0))
    out.append((c[5:] - c[:-5]) / 5)
    out.append(np.lib.stride_tricks.sliding_window_view(x, 5).mean(axis=-1))
    out.append(np.convolve(x, np.ones(5) / 5, mode="valid"))
    out.append(np.convolve(x, np.ones(5) / 5, mode="same"))
    out.append(np.convolve(x, [1, -1]))
    out.append(np.correlate(x, x[:10], mode="valid"))
    out.append(np.diff(x))
    out.append(np.diff(x, n=2))
    out.append(np.diff(x, prepend=0, append=1))
    out.append(np.interp([0.5, 2.25, 11.0, -1.0], t, x))
    out.append(np.interp([0.5, 11.0], t, x, left=-99, right=99))
    out.append(np.interp(5.0, [0, 10], [0, 1]))
    out.append(np.interp([1.5], [1, 2], [1 + 1j, 2 + 3j]))
    out.append(np.interp([370], [350, 10], [0, 1], period=360))
    for m in [
        "linear",
        "lower",
        "higher",
        "midpoint",
        "nearest",
        "hazen",
        "weibull",
        "median_unbiased",
        "inverted_cdf",
        "closest_observation",
    ]:
        out.append(np.percentile(x, [10, 50, 90], method=m))
    out.append(np.quantile(x.reshape(-1, 1)[:100].reshape(10, 10), 0.3, axis=1))
    out.append(np.percentile(x[:100].reshape(10, 10), 25, axis=0, keepdims=True))
    g = x.copy()
    g[::7] = np.nan
    out.append(np.nanmean(g))
    out.append(np.nanstd(g))
    out.append(np.nanvar(g, ddof=1))
    out.append(np.nanmedian(g))
    out.append(np.nanpercentile(g, [5, 95]))
    out.append(np.nanmax(g))
    out.append(np.nanargmin(g))
    out.append(np.nansum(g))
    out.append(np.nancumsum(g)[:10])
    out.append(np.isnan(g).sum())
    gi = g.copy()
    nans = np.isnan(gi)
    gi[nans] = np.interp(np.flatnonzero(nans), np.flatnonzero(~nans), gi[~nans])
    out.append(gi)
    out.append(np.nanmean(g.reshape(-1, 1)[:100].reshape(10, 10), axis=1))
    out.append(np.corrcoef(x[:-1], x[1:]))
    out.append(np.cov(x[:-1], x[1:]))
    out.append(np.argsort(x)[:10])
    out.append(np.ediff1d(x[:6], to_begin=-1))
    out.append(np.median(x))
    out.append(np.average(x, weights=np.arange(101)))
    out.append(np.average(x[:100].reshape(10, 10), axis=0, weights=np.arange(10), returned=True))
    return out


def monte_carlo(np):
    rng = np.random.default_rng(42)
    out = []
    pts = rng.random((1000, 2))
    out.append(4 * np.mean(np.sum(pts**2, axis=1) <= 1))
    out.append(rng.integers(0, 10, size=20))
    out.append(rng.integers(5, size=(2, 3), endpoint=True))
    out.append(rng.integers(0, 100, size=5, dtype=np.int16))
    out.append(rng.choice(10, 5, replace=False))
    out.append(rng.choice(np.arange(10) * 1.5, size=(2, 2), p=np.arange(10) / 45))
    a = np.arange(10)
    rng.shuffle(a)
    out.append(a)
    b = np.arange(12).reshape(4, 3)
    rng.shuffle(b)
    out.append(b)
    out.append(rng.permutation(10))
    out.append(rng.permutation(np.arange(12).reshape(3, 4), axis=1))
    out.append(rng.normal(0, 1, size=(3, 3)))
    out.append(rng.multivariate_normal([0, 1], [[1, 0.5], [0.5, 2]], size=5))
    out.append(rng.uniform(-1, 1, 4))
    out.append(rng.exponential(2.0, 3))
    out.append(rng.poisson(3.0, 5))
    out.append(rng.binomial(10, 0.3, 5))
    walks = rng.choice([-1, 1], size=(50, 100)).cumsum(axis=1)
    out.append(walks.mean(axis=0))
    out.append((np.abs(walks) >= 10).any(axis=1).sum())
    out.append(rng.permuted(np.arange(12).reshape(3, 4), axis=1))
    c = np.arange(8.0)
    rng.permuted(c, out=c)
    out.append(c)
    samples = rng.standard_normal(10000)
    out.append(np.histogram(samples, bins=10, density=True)[0])
    out.append(np.mean(samples))
    out.append(np.std(samples, ddof=1))
    boot = np.array([rng.choice(samples[:100], 100).mean() for _ in range(50)])
    out.append(np.percentile(boot, [2.5, 97.5]))
    return out


def linear_algebra(np):
    rng = np.random.default_rng(3)
    out = []
    A = rng.normal(size=(20, 3))
    y = A @ np.array([1.0, -2.0, 0.5]) + 0.01 * rng.normal(size=20)
    out += list(np.linalg.lstsq(A, y, rcond=None))
    out += list(np.linalg.lstsq(A, np.stack([y, 2 * y], 1), rcond=None))
    S = A.T @ A
    w, v = np.linalg.eigh(S)
    out += [w, np.abs(v)]
    out.append(np.linalg.eigvalsh(S, UPLO="U"))
    M = rng.normal(size=(6, 5))
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    out.append(s)
    k = 2
    low = (U[:, :k] * s[:k]) @ Vt[:k]
    out.append(low)
    out.append(np.linalg.matrix_rank(low))
    out.append(np.linalg.svd(M, compute_uv=False))
    U2, s2, Vt2 = np.linalg.svd(M)
    out.append(U2.shape)
    out.append(Vt2.shape)
    B = rng.normal(size=(4, 4)) + 4 * np.eye(4)
    b = np.arange(4.0)
    out.append(np.linalg.solve(B, b))
    out.append(np.linalg.solve(B, np.eye(4)))
    out.append(np.linalg.det(B))
    out.append(np.linalg.slogdet(B))
    out.append(np.linalg.inv(B))
    out.append(np.linalg.det(np.arange(9.0).reshape(3, 3)))
    for ord in [None, 1, 2, np.inf, -np.inf, 0, 3, -1]:
        out.append(np.linalg.norm(b, ord=ord))
    for ord in [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]:
        out.append(np.linalg.norm(B, ord=ord))
    out.append(np.linalg.norm(M, axis=0))
    out.append(np.linalg.norm(M, axis=1, keepdims=True))
    out.append(np.linalg.norm(np.arange(8.0).reshape(2, 2, 2), axis=(1, 2)))
    out.append(np.linalg.norm(np.array([3, 4])))
    out.append(np.einsum("ij,jk->ik", A.T, A))
    out.append(np.einsum("ii", B))
    out.append(np.einsum("ii->i", B))
    out.append(np.einsum("ij->ji", B))
    out.append(np.einsum("i,i", b, b))
    out.append(np.einsum("i,j->ij", b, b))
    out.append(np.einsum("bij,bjk->bik", np.ones((2, 3, 4)), np.ones((2, 4, 5)), optimize=True))
    out.append(np.einsum("ij,jk,kl->il", B, B, B, optimize="greedy"))
    out.append(np.einsum(B, [0, 1], B, [1, 2], [0, 2]))
    out.append(np.einsum("...ij,...j", np.ones((2, 3, 3)), np.ones(3)))
    path, info = np.einsum_path("ij,jk,kl->il", B, B, B, optimize="greedy")
    out.append(str(path))
    out.append(np.linalg.matrix_power(B, 3))
    out.append(np.linalg.matrix_power(B, -1))
    out.append(np.linalg.pinv(M))
    out.append(np.linalg.cond(B))
    q, r = np.linalg.qr(M)
    out.append(np.abs(np.diag(r)))
    out.append(np.linalg.cholesky(S))
    out.append(np.trace(B))
    out.append(np.outer(b, b))
    out.append(np.kron(np.eye(2), B[:2, :2]))
    out.append(np.cross([1, 2, 3], [4, 5, 6]))
    out.append(np.vdot(b, b))
    out.append(np.inner(B, B))
    out.append(np.tensordot(B, B, axes=([1], [0])))
    out.append(np.linalg.multi_dot([B, B, b]))
    out.append(np.sort(np.linalg.eigvals(B).real))
    return out


def data_wrangling(np):
    rng = np.random.default_rng(5)
    out = []
    cats = rng.integers(0, 6, size=40)
    vals = rng.normal(size=40)
    u, idx, inv, cnt = np.unique(cats, return_index=True, return_inverse=True, return_counts=True)
    out += [u, idx, inv, cnt]
    out.append(np.unique(np.array([[1, 2], [1, 2], [3, 4]]), axis=0))
    out.append(np.unique(np.array([[1, 2], [1, 2], [3, 4]]), axis=0, return_inverse=True)[1])
    out.append(np.unique(np.array([[3, 1], [2, 1]]), return_inverse=True)[1])
    out.append(np.bincount(cats))
    out.append(np.bincount(cats, weights=vals))
    out.append(np.bincount(cats, minlength=10))
    sums = np.bincount(inv, weights=vals) / cnt
    out.append(sums)
    order = np.argsort(cats, kind="stable")
    out.append(order)
    out.append(np.sort(vals)[::-1][:5])
    sv = np.sort(vals)
    out.append(np.searchsorted(sv, [-1.0, 0.0, 1.0]))
    out.append(np.searchsorted(sv, [-1.0, 0.0, 1.0], side="right"))
    out.append(np.searchsorted([1, 2, 2, 3], 2, side="left"))
    out.append(np.searchsorted(np.array([3, 1, 2]), 2, sorter=np.argsort(np.array([3, 1, 2]))))
    out.append(np.digitize(vals, [-1, 0, 1]))
    out.append(np.digitize(vals, [1, 0, -1], right=True))
    surnames = np.array([3, 1, 2, 1, 3])
    first = np.array([5, 4, 3, 2, 1])
    out.append(np.lexsort((first, surnames)))
    counts = np.zeros(6, dtype=int)
    np.add.at(counts, cats, 1)
    out.append(counts)
    acc = np.zeros(6)
    np.add.at(acc, cats, vals)
    out.append(acc)
    mx = np.full(6, -np.inf)
    np.maximum.at(mx, cats, vals)
    out.append(mx)
    g = np.zeros(6, dtype=int)
    g[cats] += 1  # buffered: not counts
    out.append(g)
    h = np.zeros(6)
    h[[0, 0, 1]] += [1.0, 2.0, 3.0]
    out.append(h)
    sc = vals[order]
    starts = np.flatnonzero(np.r_[True, np.diff(cats[order]) != 0])
    out.append(np.add.reduceat(sc, starts))
    out.append(np.maximum.reduceat(sc, starts))
    out.append(np.add.reduceat(np.arange(8), [0, 4, 1, 5]))
    out.append(np.multiply.reduceat(np.arange(1, 9), [0, 3, 6]))
    out.append(np.add.accumulate(np.arange(5)))
    out.append(np.maximum.accumulate(vals[:8]))
    out.append(np.add.outer(np.arange(3), np.arange(4)))
    out.append(np.add.reduce(np.arange(12).reshape(3, 4), axis=(0, 1)))
    out.append(np.isin(cats, [1, 3]))
    out.append(np.intersect1d([1, 2, 3, 4], [3, 4, 5], return_indices=True))
    out.append(np.setdiff1d(cats, [0, 1]))
    out.append(np.union1d([3, 1], [2, 1]))
    out.append(np.setxor1d([1, 2, 3], [2, 3, 4]))
    out.append(np.argpartition(vals, 3)[:3].shape)
    out.append(np.partition(vals, 3)[3])
    top = np.argsort(-vals, kind="stable")[:5]
    out.append(top)
    out.append(
        np.take_along_axis(vals.reshape(5, 8), np.argsort(vals.reshape(5, 8), axis=1), axis=1)
    )
    arr = np.arange(20).reshape(4, 5)
    arr[arr % 3 == 0] = -1
    out.append(arr)
    arr[[0, 2], 1:3] = 99
    out.append(arr)
    arr[np.ix_([1, 3], [0, 4])] *= 10
    out.append(arr)
    out.append(np.nonzero(arr > 50))
    out.append(np.cumsum(cnt)[:-1])
    out.append(np.split(np.arange(10), [3, 7]))
    out.append(np.array_split(np.arange(10), 3))
    out.append(np.put_along_axis(arr.copy(), np.array([[0], [1], [2], [3]]), 0, axis=1))
    x = np.arange(10)
    np.put(x, [0, 2], [-5, -6])
    out.append(x)
    x = np.arange(6.0)
    np.place(x, x > 2, [10, 20])
    out.append(x)
    out.append(np.compress([True, False, True], np.arange(6).reshape(3, 2), axis=0))
    out.append(np.extract(arr > 50, arr))
    return out


def numerical_methods(np):
    out = []

    def f(x):
        return x**3 - 2 * x - 5

    def df(x):
        return 3 * x**2 - 2

    xs = np.array([1.0, 2.0, 3.0])
    for _ in range(8):
        xs = xs - f(xs) / df(xs)
    out.append(xs)

    def rk4(fun, y0, t):
        y = np.zeros((len(t), len(y0)))
        y[0] = y0
        for i in range(len(t) - 1):
            h = t[i + 1] - t[i]
            k1 = fun(t[i], y[i])
            k2 = fun(t[i] + h / 2, y[i] + h / 2 * k1)
            k3 = fun(t[i] + h / 2, y[i] + h / 2 * k2)
            k4 = fun(t[i] + h, y[i] + h * k3)
            y[i + 1] = y[i] + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        return y

    t = np.linspace(0, 5, 51)
    out.append(rk4(lambda t, y: np.array([y[1], -y[0]]), np.array([1.0, 0.0]), t))
    out.append(rk4(lambda t, y: np.array([y[1], -y[0]]), [1.0, 0.0], t)[-1])
    yv = np.sin(t)
    out.append(np.gradient(yv, t))
    out.append(np.gradient(yv, 0.1))
    out.append(np.gradient(yv, t, edge_order=2))
    Z = np.outer(np.arange(5.0), np.arange(4.0) ** 2)
    out += list(np.gradient(Z))
    out += list(np.gradient(Z, 0.5, [0, 1, 3, 4]))
    out.append(np.gradient(Z, axis=1))
    out.append(np.gradient(np.array([1, 4, 9, 16])))
    out.append(np.trapezoid(yv, t))
    out.append(np.trapezoid(yv, dx=0.1))
    out.append(np.trapezoid(Z, axis=0))
    out.append(np.trapezoid([1, 2, 3]))
    xd = np.linspace(-1, 1, 20)
    yd = 3 * xd**2 - xd + 0.5 + 0.01 * np.cos(40 * xd)
    p = np.polyfit(xd, yd, 2)
    out.append(p)
    out.append(np.polyval(p, [0.0, 0.5]))
    out += list(np.polyfit(xd, yd, 2, cov=True))
    out += list(np.polyfit(xd, yd, 1, full=True))
    out.append(np.polyfit(xd, yd, 2, w=np.linspace(1, 2, 20)))
    P = np.polynomial.Polynomial.fit(xd, yd, 2)
    out.append(P.convert().coef)
    out.append(P(0.5))
    out.append(P.deriv()(0.3))
    out.append(P.domain)
    out.append(P.roots())
    out.append(np.polynomial.polynomial.polyfit(xd, yd, 2))
    out.append(np.polynomial.Chebyshev.fit(xd, yd, 3).coef)
    out.append(np.roots([1, -3, 2]))
    out.append(np.poly([1, 2]))
    out.append(np.polyder([1, 2, 3]))
    out.append(np.polyint([3, 2, 1]))
    out.append(np.polymul([1, 1], [1, -1]))
    out.append(np.polydiv([1, 0, -1], [1, 1]))
    pp = np.poly1d([1, -3, 2])
    out.append(pp(3))
    out.append(pp.roots)
    out.append(str(pp))
    out.append(repr(pp))
    out.append((pp * pp).coeffs)
    out.append(np.cumsum(yv) * 0.1)
    # simpson-ish
    h = t[1] - t[0]
    out.append(h / 3 * (yv[0] + 4 * yv[1:-1:2].sum() + 2 * yv[2:-1:2].sum() + yv[-1]))
    # fixed point / bisection
    a, b = 0.0, 3.0
    for _ in range(30):
        m = (a + b) / 2
        if np.sign(f(np.float64(m))) == np.sign(f(np.float64(a))):
            a = m
        else:
            b = m
    out.append(np.float64(m))
    out.append(np.allclose(xs[0], m, atol=1e-6))
    out.append(np.isclose(xs, m))
    return out


def printing(np):
    out = []
    a = np.arange(12.0).reshape(3, 4) / 3
    out += [
        repr(a),
        str(a),
        repr(np.array(5)),
        str(np.array(5.5)),
        repr(np.array(True)),
        str(np.array([True, False])),
    ]
    out += [
        repr(np.array([1 + 2j, 3 - 1j])),
        str(np.array(1 - 2j)),
        repr(np.arange(2000)),
        str(np.arange(2000.0).reshape(40, 50)),
    ]
    out += [
        repr(np.array([], dtype=np.float32)),
        repr(np.zeros((2, 0))),
        repr(np.array([1, 2], dtype=np.uint8)),
        repr(np.array([1.5], dtype=np.float16)),
    ]
    out += [
        repr(np.array([1e-10, 1.0, 1e10])),
        repr(np.array([np.nan, np.inf, -np.inf])),
        repr(np.array([0.1, 0.25])),
        repr(np.array([1e20])),
    ]
    out.append(np.array2string(a, precision=2, separator=", "))
    out.append(
        np.array2string(np.array([1.0, 2.5]), formatter={"float_kind": lambda x: "%.1f" % x})
    )
    out.append(np.array2string(np.arange(100), threshold=10, edgeitems=2))
    out.append(np.array2string(np.array([1, 22, 333]), max_line_width=8))
    out.append(np.array2string(np.array([1.123456789]), suppress_small=True, floatmode="fixed"))
    opts = np.get_printoptions()
    try:
        np.set_printoptions(precision=3, suppress=True)
        out.append(repr(np.array([1e-8, 1.23456789, 1000.5])))
        np.set_printoptions(threshold=5, edgeitems=1)
        out.append(repr(np.arange(10)))
        out.append(str(np.arange(20).reshape(4, 5)))
        np.set_printoptions(linewidth=30)
        out.append(repr(np.arange(20.0)))
    finally:
        np.set_printoptions(**opts)
    with np.printoptions(precision=2):
        out.append(str(np.array([np.pi, np.e])))
    out.append(np.format_float_positional(np.float64(1 / 3), precision=4))
    out.append(np.format_float_scientific(np.float64(12345.678), precision=2))
    out.append(repr(np.array([[1, 2], [3, 4]], dtype=np.int32)))
    out.append(repr(np.array([1.0, 2.0], dtype=np.float32)))
    out.append(str(np.float32(0.1)))
    out.append(repr(np.float64(0.1)))
    out.append(repr(np.int64(3)))
    out.append(repr(np.array(["a", "bc"])))
    out.append(repr(np.array([1, 2]) > 1))
    out.append(f"{np.float64(3.14159):.2f}")
    out.append("{:>8.3f}".format(np.array(2.5)))
    out.append(np.array_repr(np.array([1, 2])))
    out.append(np.array_str(np.array([1.0, 2.0]), precision=1))
    d = tempfile.mkdtemp()
    fn = os.path.join(d, "x.txt")
    np.savetxt(fn, a, fmt="%.4f", delimiter=",", header="a,b,c,d")
    with open(fn) as fh:
        out.append(fh.read())
    out.append(np.loadtxt(fn, delimiter=","))
    out.append(np.loadtxt(fn, delimiter=",", usecols=(0, 2), skiprows=1))
    np.savetxt(fn, np.arange(6).reshape(2, 3), fmt="%d")
    out.append(np.loadtxt(fn, dtype=int))
    out.append(np.genfromtxt(io.StringIO("1,2\n3,nan\n"), delimiter=","))
    np.save(os.path.join(d, "y.npy"), a)
    out.append(np.load(os.path.join(d, "y.npy")))
    np.savez(os.path.join(d, "z.npz"), a=a, b=np.arange(3))
    with np.load(os.path.join(d, "z.npz")) as z:
        out.append(sorted(z.files))
        out.append(z["b"])
    buf = io.BytesIO()
    np.save(buf, np.arange(4, dtype=np.int16))
    buf.seek(0)
    out.append(np.load(buf))
    s = io.StringIO()
    np.savetxt(s, np.array([[1.5, 2.0]]))
    out.append(s.getvalue())
    return out


def dtype_behaviour(np):
    out = []
    out.append(np.array([127], dtype=np.int8) + np.int8(1))
    out.append(np.array([2**31 - 1], dtype=np.int32) * 2)
    out.append(np.arange(250, 256, dtype=np.uint8) + 10)
    out.append(np.array([0], dtype=np.uint8) - 1)
    i8 = np.iinfo(np.int8)
    u16 = np.iinfo(np.uint16)
    f32 = np.finfo(np.float32)
    f16 = np.finfo(np.float16)
    out += [
        i8.min,
        i8.max,
        u16.max,
        i8.bits,
        str(i8.dtype),
        f32.eps,
        f32.max,
        f32.tiny,
        f32.resolution,
        f16.eps,
        f16.max,
        f32.precision,
    ]
    out.append(str(np.finfo(np.float64)))
    out.append(repr(np.iinfo(np.int32)))
    h = np.array([0.1, 0.2, 1000.0], dtype=np.float16)
    out.append(h + h)
    out.append(h * np.float16(2))
    out.append(h.sum())
    out.append(h.mean())
    out.append(np.float16(1) / np.float16(3))
    out.append(np.array([1.7, -1.7, 300.5]).astype(np.int32))
    out.append(_try(lambda: np.array([1, 2, 3]).astype(np.float32, casting="safe")))
    out.append(np.array([1, 2, 3], np.int16).astype(np.float32, casting="safe"))
    try:
        np.array([1.5]).astype(np.int64, casting="safe")
        out.append("no error")
    except TypeError:
        out.append("TypeError")
    out.append(np.array([1.5, 2.5]).astype(np.float32, casting="same_kind"))
    out.append(np.can_cast(np.int64, np.float64))
    out.append(np.can_cast(np.float64, np.int32, casting="same_kind"))
    out.append(np.can_cast(np.int16, np.int8, "unsafe"))
    u8 = np.array([1, 2], dtype=np.uint8)
    out.append((u8 + 1).dtype)
    out.append((u8 + 1.0).dtype)
    out.append((u8 * np.int64(2)).dtype)
    out.append((np.float32(1) + 1.0).dtype)
    out.append((np.array([1.0], np.float32) * 2.0).dtype)
    out.append((np.int8(1) + 1).dtype)
    out.append((np.array([1], np.int16) + np.array([1], np.uint16)).dtype)
    out.append(np.result_type(np.int8, np.uint8))
    out.append(np.result_type(np.float32, np.int64))
    out.append(np.result_type(1, np.int8))
    out.append(np.result_type(1.0, np.float16))
    out.append(np.result_type(np.array([1], np.int8), 2))
    out.append(np.promote_types("i4", "f4"))
    out.append(np.promote_types(np.uint64, np.int64))
    out.append(np.array([1, 2]) / 2)
    out.append(np.array([1, 2]) // 2)
    out.append(np.array([7, -7]) % 3)
    out.append(np.array([7, -7]) // np.array([2, 2]))
    out.append(np.divmod(np.array([7, -7]), 3))
    out.append(np.true_divide(np.int32(1), np.int32(2)))
    out.append(np.array([True, False]) + np.array([True, True]))
    out.append(np.sum(np.array([True, True, False])))
    out.append(np.array([1, 2], dtype=np.int8).sum().dtype)
    out.append(np.array([1, 2], dtype=np.uint32).sum().dtype)
    out.append(np.array([1, 2], np.float32).mean().dtype)
    out.append(np.array([1, 2], np.int8).mean().dtype)
    out.append(np.cumsum(np.array([1, 2], np.int16)).dtype)
    out.append(np.array([1, 2], np.int8).prod().dtype)
    out.append(np.float64(1e308) * 10)
    out.append(np.exp(np.float32(100)))
    out.append(np.array([1, 2, 3], dtype=np.int64).view(np.uint8)[:9])
    out.append(np.array([-1], np.int32).astype(np.uint32))
    out.append(np.array([3e9]).astype(np.uint32).dtype)
    out.append(np.array(300).astype(np.uint8))
    out.append(np.array([256, -1]).astype(np.uint8))
    out.append(np.dtype("f8").itemsize)
    out.append(np.dtype(np.int16).name)
    out.append(np.dtype("<i4").str)
    out.append(np.dtype(float).kind)
    out.append(np.issubdtype(np.int32, np.integer))
    out.append(np.issubdtype(np.float16, np.floating))
    out.append(np.array([1, 2], dtype="complex64") * 1j)
    out.append(np.abs(np.array([-128], dtype=np.int8)))
    out.append(np.int64(2) ** 62 * 2)
    out.append(np.left_shift(np.uint8(1), 8))
    out.append(np.array([1, 2], np.uint64) + np.array([1], np.int64))
    out.append(np.mean(np.array([1, 2], dtype=np.int64), dtype=np.float32))
    return out


def where_select(np):
    x = np.linspace(-3, 3, 13)
    out = []
    out.append(np.where(x > 0, x, 0))
    out.append(np.where(x > 0))
    out.append(np.where([[True, False], [False, True]], 1, 2.5))
    out.append(np.select([x < -1, x > 1], [x**2, x**3], default=np.nan))
    out.append(np.select([x < 0], [-1]))
    out.append(np.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v**2]))
    out.append(np.piecewise(x, [x < -1, x > 1], [0, 1, 0.5]))
    out.append(np.piecewise(np.arange(5), [np.arange(5) > 2], [lambda v: v * 10]))
    out.append(np.piecewise(3.0, [True], [lambda v: v + 1]))
    m = np.ma.masked_array(x, mask=x < -1)
    out.append(m.mean())
    out.append(m.filled(0))
    out.append(np.ma.masked_where(x > 2, x).sum())
    out.append(m.count())
    out.append(np.ma.masked_invalid(np.array([1.0, np.nan, 3.0])).mean())
    out.append(np.ma.array([1, 2, 3], mask=[0, 1, 0]).compressed())
    out.append(np.clip(x, -1, 1))
    out.append(np.clip(x, None, 1))
    out.append(np.clip(np.arange(5), 1.5, 3))
    out.append(np.clip(x, [-1] * 13, 2))
    o = np.empty_like(x)
    np.clip(x, -2, 2, out=o)
    out.append(o)
    out.append(np.heaviside(x, 0.5))
    out.append(np.sign(x))
    out.append(np.copysign(1, x))
    out.append(np.where(np.isnan(np.array([1.0, np.nan])), 0, np.array([1.0, np.nan])))
    out.append(np.nan_to_num(np.array([np.nan, np.inf, -np.inf, 1]), nan=-1, posinf=9))
    out.append(np.choose([0, 1, 2, 1], [[1, 2, 3, 4], [10, 20, 30, 40], [100, 200, 300, 400]]))
    out.append(np.logical_and.reduce([x > -2, x < 2, x != 0]))
    out.append(np.any(x > 2.5))
    out.append(np.all(x > -5, axis=0))
    out.append(np.argwhere(x.reshape(13, 1) > 2))
    out.append(np.flatnonzero(x > 1))
    out.append(np.count_nonzero(x))
    out.append(np.maximum(x, 0).sum())
    out.append(np.fmax(np.array([1.0, np.nan]), np.array([np.nan, 2.0])))
    out.append(np.minimum(np.array([1.0, np.nan]), 0))
    a = np.zeros((3, 3))
    np.fill_diagonal(a, [1, 2, 3])
    out.append(a)
    out.append(np.tril(np.ones((3, 3)), -1))
    out.append(np.triu_indices(3, 1))
    out.append(np.diag_indices(2))
    b = np.arange(9).reshape(3, 3)
    b[np.tril_indices(3)] = 0
    out.append(b)
    out.append(np.isclose([1, np.nan], [1.0 + 1e-9, np.nan], equal_nan=True))
    out.append(np.array_equal([1, np.nan], [1, np.nan], equal_nan=True))
    out.append(np.putmask(c := np.arange(5), np.arange(5) > 2, [-1, -2]))
    out.append(c)
    out.append(np.copyto(d := np.zeros(4), np.arange(4.0), where=[True, False, True, False]))
    out.append(d)
    return out


def inplace_views(np):
    out = []
    a = np.arange(10.0)
    a[::2] *= 2
    out.append(a.copy())
    v = a[2:6]
    v += 100
    out.append(a.copy())
    out.append(np.shares_memory(a, v))
    out.append(np.may_share_memory(a, a[::2] + 0))
    out.append(np.shares_memory(a, a.copy()))
    b = a.reshape(2, 5)
    b[0, 0] = -1
    out.append(a[0])
    t = b.T
    t[1, 1] = 55
    out.append(b.copy())
    r = np.ravel(b)
    r[0] = 7
    out.append(a[0])
    f = b.flatten()
    f[1] = 99
    out.append(a[1])
    c = np.arange(6)
    np.add(c, 1, out=c)
    out.append(c)
    res = np.empty(6)
    np.multiply(c, 0.5, out=res)
    out.append(res)
    np.sqrt(res, out=res)
    out.append(res)
    np.cumsum(c, out=c)
    out.append(c)
    s = np.zeros(2)
    np.sum(np.arange(6.0).reshape(3, 2), axis=0, out=s)
    out.append(s)
    m = np.zeros((2,), dtype=int)
    np.max(np.arange(6).reshape(2, 3), axis=1, out=m)
    out.append(m)
    d = np.arange(6, dtype=np.int32)
    d //= 2
    out.append(d)
    d <<= 1
    out.append(d)
    d ^= 3
    out.append(d)
    e = np.ones(3, dtype=np.int16)
    e += np.int16(5)
    e *= 1000
    e *= 10
    out.append(e)
    out.append(_try(lambda: np.add(np.ones(3, dtype=int), 1.5, out=np.ones(3, dtype=int))))
    h = np.arange(12).reshape(3, 4)
    h[:, 1] = h[:, 2]
    out.append(h.copy())
    h[1:] = h[:-1]
    out.append(h.copy())
    x = np.arange(5)
    x[1:] += x[:-1]
    out.append(x)
    y = np.arange(8.0)
    y[y > 3] -= 10
    out.append(y)
    z = np.zeros((3, 3))
    z[1] = [1, 2, 3]
    z[:, 0] = 9
    z[..., -1] += 1
    out.append(z)
    w = np.arange(6).reshape(2, 3)
    w.shape = (3, 2)
    out.append(w.shape)
    out.append(w)
    w2 = w.view()
    w2.shape = (6,)
    out.append(w.shape)
    fl = np.arange(6).reshape(2, 3)
    fl.flat[[1, 4]] = -1
    out.append(fl)
    out.append(fl.flat[3])
    out.append(fl.flags.writeable)
    out.append(fl.flags["C_CONTIGUOUS"])
    out.append(fl.T.flags.f_contiguous)
    ro = np.arange(3)
    ro.flags.writeable = False
    try:
        ro[0] = 1
        out.append("no error")
    except ValueError:
        out.append("ValueError")
    bt = np.broadcast_to(np.arange(3), (2, 3))
    try:
        bt[0, 0] = 1
        out.append("no error")
    except ValueError:
        out.append("ValueError")
    swv = np.lib.stride_tricks.sliding_window_view(np.arange(6), 3)
    out.append(swv.flags.writeable)
    out.append(swv.strides)
    out.append(np.arange(12).reshape(3, 4)[:, ::2].strides)
    out.append(np.arange(6, dtype=np.int32).reshape(2, 3).T.strides)
    aa = np.arange(4)
    bb = aa
    bb += 1
    out.append(aa)
    k = np.arange(6).reshape(2, 3)
    k[k > 2] = k[k > 2] * 10
    out.append(k)
    n = np.arange(5.0)
    n[[1, 3]] = n[[3, 1]]
    out.append(n)
    o = np.arange(9).reshape(3, 3)
    o[[0, 1], [1, 2]] = 0
    out.append(o)
    o[o == 0] += 100
    out.append(o)
    o[1, ...] = -o[1]
    out.append(o)
    p = np.arange(6.0)
    pv = p[1:4]
    p *= 2
    out.append(pv)
    return out


def statistics(np):
    rng = np.random.default_rng(11)
    x = rng.normal(5, 2, size=200)
    out = []
    for b in ["auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt"]:
        out.append(np.histogram_bin_edges(x, bins=b))
    out.append(np.histogram(x, bins=[0, 2, 5, 10], weights=np.ones(200) / 2))
    out.append(np.histogram(x, bins=7, range=(0, 10), density=True))
    out.append(np.histogramdd(rng.random((50, 3)), bins=(2, 3, 2))[0])
    X = rng.normal(size=(3, 30))
    out.append(np.cov(X))
    out.append(np.cov(X.T, rowvar=False))
    out.append(np.cov(X, aweights=np.arange(1, 31)))
    out.append(np.cov(X, ddof=0))
    out.append(np.cov(X[0], X[1], bias=True))
    out.append(np.corrcoef(X))
    out.append(np.ptp(X, axis=1))
    out.append(np.median(X, axis=1))
    out.append(np.median(X, axis=(0, 1)))
    out.append(np.mean(X, where=X > 0))
    out.append(np.std(X, axis=1, where=X > 0))
    out.append(np.sum(X, where=X > 0, initial=10))
    out.append(np.max(X, axis=1, initial=5, where=X < 1))
    out.append(np.var(X, axis=0, ddof=1)[:5])
    out.append(np.std(X, axis=None, keepdims=True))
    out.append(np.nanquantile(np.where(X > 1.5, np.nan, X), [0.1, 0.9], axis=1))
    out.append(np.nanmedian(np.array([[np.nan, np.nan], [1.0, 2.0]]), axis=1))
    out.append(np.quantile(x, 0.5, weights=np.ones(200), method="inverted_cdf"))
    out.append(np.percentile(np.arange(10), 33, method="nearest"))
    out.append(np.percentile(np.arange(10, dtype=np.float32), 33).dtype)
    out.append(np.quantile(np.arange(10), [0.25], method="lower").dtype)
    z = (x - x.mean()) / x.std()
    out.append(np.sum(np.abs(z) > 2))
    out.append(np.round(np.mean(z**3), 10))
    ranks = np.empty_like(x, dtype=int)
    ranks[np.argsort(x)] = np.arange(x.size)
    out.append(ranks[:10])
    out.append(np.mean(np.array([1, 2, 3], dtype=np.int8)))
    out.append(np.mean(np.array([1e20, 1, -1e20], dtype=np.float32)))
    out.append(np.average([[1, 2], [3, 4]], axis=1, weights=[[1, 0], [0, 1]]))
    out.append(np.cumprod(np.array([1.0, 2.0, np.nan, 3.0])))
    out.append(np.nancumprod(np.array([1.0, 2.0, np.nan, 3.0])))
    out.append(np.nanprod(np.array([[1.0, np.nan], [3, 4]]), axis=0))
    out.append(np.nanargmax(np.array([[np.nan, 1.0], [2.0, np.nan]]), axis=1))
    out.append(np.nanmin(np.array([np.nan, -np.inf])))
    return out


def sorting_nan_complex(np):
    out = []
    a = np.array([3.0, np.nan, -1.0, np.inf, 2.0, np.nan, -np.inf])
    out.append(np.sort(a))
    out.append(np.argsort(a))
    out.append(np.argmax(a))
    out.append(np.argmin(a))
    out.append(np.max(a))
    out.append(np.unique(a))
    out.append(np.unique(a, equal_nan=False))
    out.append(np.sort(np.array([1 + 2j, 1 - 1j, -1 + 0j, np.nan + 0j])))
    out.append(np.sort_complex(np.array([3, 1, 2])))
    out.append(np.unique(np.array([1 + 1j, 1 + 1j, 0j])))
    out.append(np.searchsorted(np.sort(a), [np.nan, 0.0]))
    out.append(np.partition(a, 2)[:3])
    out.append(np.sort(np.array([[3, 1], [2, 5]]), axis=None))
    out.append(np.sort(np.array([[3, 1], [2, 5]]), axis=0))
    out.append(np.argsort(np.array([2, 1, 2, 1, 0]), kind="mergesort"))
    out.append(np.argsort(np.array([2, 1, 2, 1]), stable=True))
    out.append(np.sort(np.array([True, False, True])))
    out.append(np.sort(np.array([3, 1, 2], dtype=np.uint8))[::-1])
    out.append(np.lexsort(np.array([[1, 1, 0], [2, 1, 1]])))
    out.append(np.lexsort(([1.0, np.nan, 0.5], [0, 0, 0])))
    out.append(np.maximum(a, 0))
    out.append(np.fmin(a, 0))
    out.append(np.nanmax(a))
    out.append(np.median(a))
    out.append(np.isfinite(a))
    out.append(np.isposinf(a))
    out.append(np.signbit(np.array([-0.0, 0.0, -1.0])))
    out.append(np.sort(np.array([-0.0, 0.0, -0.0])))
    out.append(np.unique(np.array([-0.0, 0.0])))
    out.append(np.argsort(np.array([1, 2, 3])[::-1]))
    out.append(np.unique(np.array([[2, 1], [2, 1], [0, 3]]), axis=0, return_counts=True))
    out.append(np.unique_counts(np.array([3, 1, 3])))
    out.append(np.unique_inverse(np.array([[3, 1], [3, 2]])).inverse_indices)
    out.append(np.unique_values(np.array([3, 1, np.nan, np.nan])))
    out.append(np.unique_all(np.array([2, 2, 1])))
    out.append(np.count_nonzero(np.isnan(a)))
    out.append(np.argmax(np.array([[1, 5], [5, 1]]), axis=0, keepdims=True))
    return out


_PROGRAMS = [
    image_processing,
    time_series,
    monte_carlo,
    linear_algebra,
    data_wrangling,
    numerical_methods,
    printing,
    dtype_behaviour,
    where_select,
    inplace_views,
    statistics,
    sorting_nan_complex,
]


@pytest.mark.parametrize("program", _PROGRAMS, ids=lambda p: p.__name__)
def test_program_like_numpy(program):
    with onp.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = program(onp)
        got = program(anp)
    _same(got, want, program.__name__)


# (NumPy's linalg.norm(x, ord<0) warns of its own reciprocal of a zero: not the program's)
_SAME_WARNINGS = [p for p in _PROGRAMS if p is not linear_algebra]


@pytest.mark.parametrize("program", _SAME_WARNINGS, ids=lambda p: p.__name__)
def test_program_warns_like_numpy(program):
    assert _warned(lambda: program(anp)) == _warned(lambda: program(onp))


# --- sliding_window_view is NumPy's read-only view of x's memory, not a copy -------------------


@pytest.mark.parametrize(
    "window, axis", [(3, None), ((2, 3), None), (3, 1), ((2, 2), (1, 0)), ((), ())]
)
def test_sliding_window_view_is_a_view(window, axis):
    views = []
    for m in (anp, onp):
        x = m.arange(24.0).reshape(4, 6)
        if axis is None and not isinstance(window, tuple):
            x = x.reshape(-1)
        v = m.lib.stride_tricks.sliding_window_view(x, window, axis)
        assert m.shares_memory(v, x) and not v.flags.writeable
        x[0] = -1.0  # (x stays writeable; its writes show in the windows)
        views.append((v, v.strides))
    (got, got_strides), (want, want_strides) = views
    assert got_strides == want_strides
    _same(got, want)


def test_sliding_window_view_rolling_mean_and_writeable():
    x, n = anp.arange(10.0), onp.arange(10.0)
    w = anp.lib.stride_tricks.sliding_window_view(x, 4)
    x[2] = 100.0
    n[2] = 100.0
    _same(w.mean(axis=-1), onp.lib.stride_tricks.sliding_window_view(n, 4).mean(axis=-1))
    with pytest.raises(ValueError):
        w[0, 0] = 1.0
    v = anp.lib.stride_tricks.sliding_window_view(x, 2, writeable=True)
    v[0, 1] = 7.0
    assert float(x[1]) == 7.0
    # traced: windows by a gather, as before
    f = arrax.jit(lambda a: anp.lib.stride_tricks.sliding_window_view(a, 4).sum(-1))
    _same(f(x), onp.lib.stride_tricks.sliding_window_view(onp.asarray(x), 4).sum(-1))


# --- astype reports what NumPy's cast loops report ("invalid value encountered in cast") -------


@pytest.mark.parametrize(
    "values, src, dst",
    [
        ([1.5, onp.nan], "f8", "i8"),
        ([onp.inf, 2.0], "f8", "i4"),
        ([1e20], "f8", "i8"),
        ([1e10, 300.0], "f8", "i1"),
        ([300.0, -1.0], "f8", "u1"),  # (in int32's range: no report)
        ([-1e20], "f8", "u8"),
        ([onp.nan], "f4", "i2"),
        ([onp.nan, 1.0], "f2", "i4"),
        ([1e300, 1.0], "f8", "f4"),  # (overflow)
        ([1e5], "f4", "f2"),
        ([1e300], "f8", "f2"),
        ([onp.inf], "f8", "f4"),  # (infinite already: no report)
        ([1e-300], "f8", "f4"),  # (underflow: ignored by default)
        ([60000], "u2", "f2"),
        ([complex(onp.nan, 1.0)], "c16", "i8"),
        ([1.0, 2.0], "f8", "i8"),
        ([onp.nan], "f8", "?"),
        ([onp.nan], "f8", "c8"),
    ],
)
def test_astype_reports_cast_errors_like_numpy(values, src, dst):
    def cast(m):
        return m.array(values, dtype=src).astype(dst)

    assert _warned(lambda: cast(anp)) == _warned(lambda: cast(onp))
    assert _warned(lambda: anp.astype(anp.array(values, dtype=src), dst)) == _warned(
        lambda: onp.astype(onp.array(values, dtype=src), dst)
    )


def test_astype_cast_reports_follow_errstate_and_point_at_the_caller():
    x = anp.array([onp.nan, 1.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x.astype(anp.int32)
    assert [w.filename for w in caught] == [__file__]
    with onp.errstate(invalid="raise"), pytest.raises(FloatingPointError, match="in cast"):
        x.astype(anp.int64)
    with anp.errstate(invalid="ignore"):
        assert _warned(lambda: x.astype(anp.int64)) == []
    # traced casts report nothing (JAX's), nor do arrax's own
    assert _warned(lambda: arrax.jit(lambda a: a.astype(anp.int32))(x)) == []
    assert _warned(lambda: anp.nan_to_num(x).astype(anp.int32)) == []


def test_complex_to_real_warning_points_at_the_caller():
    for cast in (
        lambda: anp.array([1 + 1j]).astype(anp.float64),
        lambda: anp.astype(anp.array([1 + 1j]), anp.float32),
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cast()
        assert [(w.category, w.filename) for w in caught] == [
            (onp.exceptions.ComplexWarning, __file__)
        ]
