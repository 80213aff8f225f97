"""Complex numbers on the GPU (a GPU or the emulator): arithmetic, the elementwise functions
with C99's special cases, reductions, scans, sorts, scatters and matmul run as GPU kernels,
with NumPy's values (and the CPU's where NumPy leaves a choice); `arrax.cuda.host_runs()`
shows that nothing went through the host."""

import warnings

import arrax
import arrax.lax as lax
import arrax.numpy as anp
import numpy as np
import pytest

from cuda_helpers import close, cpu, gpu

pytestmark = pytest.mark.skipif(not arrax.cuda.is_available(), reason="needs a CUDA GPU")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's, on the inf and 0 operands
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_arithmetic_runs_on_the_gpu(dtype):
    """Complex arithmetic, conj/real/imag/abs, equality, select and conversions run as GPU
    kernels (nothing through the host), eager and fused, with NumPy's values: inf operands and
    division by zero included."""
    rng = np.random.default_rng(7)
    a = (rng.normal(size=(3, 5)) + 1j * rng.normal(size=(3, 5))).astype(dtype)
    b = (rng.normal(size=5) + 1j * rng.normal(size=5)).astype(dtype)
    a[0, 0], a[1, 1], b[1] = complex(np.inf, 1), complex(0, np.nan), 0
    ga, gb = gpu(a), gpu(b)
    real = np.float32 if dtype == "complex64" else np.float64
    cases = [
        (lambda x, y: x + y, a + b),
        (lambda x, y: x - y, a - b),
        (lambda x, y: x * y, a * b),
        (lambda x, y: x / y, a / b),
        (lambda x, y: -x, -a),
        (lambda x, y: anp.conj(x), np.conj(a)),
        (lambda x, y: anp.real(x), a.real),
        (lambda x, y: anp.imag(x), a.imag),
        (lambda x, y: anp.abs(x), np.abs(a)),
        (lambda x, y: x == y, a == b),
        (lambda x, y: x != y, a != b),
        (lambda x, y: anp.reciprocal(y), np.reciprocal(b)),
        (lambda x, y: anp.where(anp.real(x) > 0, x, y), np.where(a.real > 0, a, b)),
        (lambda x, y: anp.real(x).astype(dtype) * 2, a.real.astype(dtype) * 2),
        (lambda x, y: x.astype("complex128") + 1, a.astype("complex128") + 1),
        (lambda x, y: x.astype(real), a.real.astype(real)),
        (lambda x, y: x.astype(bool), a.astype(bool)),
        (lambda x, y: x * y + x / 2.0 - anp.conj(y), a * b + a / 2 - np.conj(b)),
        (lambda x, y: anp.exp(x), np.exp(a)),
        (lambda x, y: anp.sqrt(x) + anp.log(y), np.sqrt(a) + np.log(b)),
        (lambda x, y: anp.exp2(y) - anp.expm1(y), np.exp2(b) - np.expm1(b)),
        (
            lambda x, y: anp.log2(y) + anp.log10(y) * anp.log1p(y),
            np.log2(b) + np.log10(b) * np.log1p(b),
        ),
        (lambda x, y: x**y, a**b),
        (lambda x, y: anp.sin(y) * anp.cos(y) + anp.tan(y), np.sin(b) * np.cos(b) + np.tan(b)),
        (
            lambda x, y: anp.sinh(y) + anp.cosh(y) * anp.tanh(y),
            np.sinh(b) + np.cosh(b) * np.tanh(b),
        ),
        (lambda x, y: y**3 + y ** (-2) + x**0.5, b**3 + b ** (-2) + a**0.5),
        (lambda x, y: anp.exp(1j * anp.real(x)) * y, np.exp(1j * a.real).astype(dtype) * b),
    ]
    before = arrax.cuda.host_runs()
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy's ComplexWarning for the real casts
        for i, (f, want) in enumerate(cases):
            for got in (f(ga, gb), arrax.jit(f)(ga, gb)):
                assert got.device.platform == "gpu"
                got = np.asarray(got)
                assert got.dtype == want.dtype, (i, got.dtype, want.dtype)
                np.testing.assert_allclose(got, want, rtol=2e-6, err_msg=str(i))
    assert arrax.cuda.host_runs() == before


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize(
    "name",
    ["exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin", "arccos",
     "arctan", "arcsinh", "arccosh", "arctanh", "isnan", "isinf", "isfinite"],
)  # fmt: skip
def test_complex_functions_special_values(name, dtype):
    """Complex exp, log, sqrt, the trigonometric and hyperbolic functions and their inverses and
    the NaN/inf tests on the GPU, with C99's infinities, NaNs and signed zeros as NumPy (glibc) gives them, and
    near overflow; nothing through the host."""
    inf, nan = np.inf, np.nan
    parts = (
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1.5,
        -2.0,
        80.0,
        -120.0,
        1e-30,
        1e300,
        -1e300,
        3e38,
        inf,
        -inf,
        nan,
    )
    with np.errstate(all="ignore"):
        x = np.array([complex(r, i) for r in parts for i in parts], dtype)
        want = getattr(np, name)(x)
    before = arrax.cuda.host_runs()
    got = np.asarray(getattr(anp, name)(gpu(x)))
    assert arrax.cuda.host_runs() == before
    assert got.dtype == want.dtype
    if want.dtype == bool:
        np.testing.assert_array_equal(got, want)
        return
    bad = []  # (input, got, want) for each item off in value, inf, NaN or a zero's sign
    for z, g, w in zip(x, got, want):
        parts = ((g.real, w.real), (g.imag, w.imag))
        if np.isfinite(w):
            ok = abs(g - w) <= 3e-6 * abs(w)  # (as assert_allclose: the complex distance)
        else:
            ok = all(  # NaN for NaN, the same infinity, finite parts close
                (np.isnan(gp) and np.isnan(wp))
                or gp == wp
                or (np.isfinite(wp) and abs(gp - wp) <= 3e-6 * abs(wp))
                for gp, wp in parts
            )
        ok = ok and all(np.isnan(wp) or np.signbit(gp) == np.signbit(wp) for gp, wp in parts)
        if not ok:
            bad.append((z, g, w))
    assert not bad, f"{name}: {len(bad)} items off, (input, got, want): {bad[:8]}"


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("name", ["arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh"])
def test_complex_inverse_functions_accuracy(name, dtype):
    """The complex inverse trigonometric and hyperbolic functions on the GPU against NumPy's
    (glibc's) values, part by part, over magnitudes from 1e-20 to 1e30 in every direction and
    near the branch points +-1, +-i and the unit circle, where a naive formula cancels."""
    rng = np.random.default_rng(21)
    mag = 10.0 ** rng.uniform(-20, 30, 3000)
    z = mag * np.exp(1j * rng.uniform(-np.pi, np.pi, 3000))
    near = np.array([1, -1, 1j, -1j])[rng.integers(0, 4, 2000)]
    z = np.concatenate(
        [
            z,
            near
            + 10.0 ** rng.uniform(-12, -1, 2000)
            * (rng.normal(size=2000) + 1j * rng.normal(size=2000)),
        ]
    )
    circle = np.exp(1j * rng.uniform(-np.pi, np.pi, 500)) * (1 + rng.normal(size=500) * 1e-6)
    z = np.concatenate([z, circle, rng.uniform(-3, 3, 200) + 0j, 1j * rng.uniform(-3, 3, 200)])
    x = z.astype(dtype)
    want = getattr(np, name)(x)
    before = arrax.cuda.host_runs()
    got = np.asarray(getattr(anp, name)(gpu(x)))
    assert arrax.cuda.host_runs() == before
    tol = 3e-6 if dtype == "complex64" else 1e-13
    for part in ("real", "imag"):
        g, w = getattr(got, part), getattr(want, part)
        scale = np.maximum(np.abs(w), np.finfo(w.dtype).tiny)
        err = np.abs(g - w) / scale
        worst = int(np.argmax(err))
        assert err[worst] <= tol, (part, x[worst], got[worst], want[worst], err[worst])


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize(
    "shape, axis", [((7,), 0), ((5, 3000), 1), ((3000, 5), 0), ((4, 6, 5), 1), ((0, 4), 1)]
)
def test_complex_cumulative_sums_and_products_run_on_the_gpu(dtype, shape, axis):
    """cumsum and cumprod of complex lines, a thread or a block per line, NumPy's values."""
    rng = np.random.default_rng(10)
    x = (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dtype)
    tol = 1e-4 if dtype == "complex64" else 1e-10
    before = arrax.cuda.host_runs()
    for op, arr in [("cumsum", x), ("cumprod", (1 + 0.001 * x).astype(dtype))]:
        close(getattr(anp, op)(gpu(arr), axis=axis), getattr(np, op)(arr, axis=axis), tol, 1e-5)
    assert arrax.cuda.host_runs() == before


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_scatters_run_on_the_gpu(dtype):
    """.at[].set/.add/.multiply with repeated indices (many updates to one item: complex128's
    multiply takes a lock per item): NumPy's values, the last update winning for set; nothing
    through the host."""
    rng = np.random.default_rng(11)
    x = (rng.normal(size=9) + 1j * rng.normal(size=9)).astype(dtype)
    u = (rng.normal(size=6) + 1j * rng.normal(size=6)).astype(dtype)
    idx = np.array([1, 4, 1, 8, 4, 1])
    many = np.concatenate([idx, np.full(600, 2)])  # 600 updates to item 2, on many threads
    uu = np.concatenate([u, np.exp(1j * rng.uniform(-0.01, 0.01, 600))]).astype(dtype)
    want_set = x.copy()
    want_set[idx] = u  # NumPy: the last of repeated indices wins
    want_add, want_mul = x.copy(), x.copy()
    np.add.at(want_add, idx, u)
    np.multiply.at(want_mul, many, uu)
    tol = 1e-5 if dtype == "complex64" else 1e-12
    before = arrax.cuda.host_runs()
    gx, gu, gi = gpu(x), gpu(u), gpu(idx)
    close(gx.at[gi].set(gu), want_set)
    close(gx.at[gi].add(gu), want_add, rtol=tol, atol=tol)
    close(gx.at[gpu(many)].multiply(gpu(uu)), want_mul, rtol=tol * 10, atol=tol)
    assert arrax.cuda.host_runs() == before


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("shape, axis", [((7,), 0), ((5, 300), 1), ((5000,), 0), ((3, 40), 0)])
def test_complex_sorts_run_on_the_gpu(dtype, shape, axis):
    """sort and argsort of complex lines (a thread, a block, merged tiles per line): by real
    part, then imaginary part, stable, NaNs in NumPy's order ([R + Rj, R + nanj, nan + Rj,
    nan + nanj]) as on the CPU."""
    rng = np.random.default_rng(12)
    re, im = (rng.integers(-3, 3, size=shape).astype(float) for _ in range(2))
    y = (re + 1j * im).astype(dtype)  # many ties: stability shows
    x = y.copy()
    nans = [complex(np.nan, 1), complex(1, np.nan), complex(np.nan, -2), complex(np.nan, np.nan)]
    x.flat[2], x.flat[-1], x.flat[-2], x.flat[-3] = nans
    before = arrax.cuda.host_runs()
    for op in ("sort", "argsort"):
        got = getattr(anp, op)(gpu(x), axis=axis)
        np.testing.assert_array_equal(
            np.asarray(got), np.asarray(getattr(anp, op)(cpu(x), axis=axis))
        )
    for v in (x, y):
        np.testing.assert_array_equal(
            np.asarray(anp.sort(gpu(v), axis=axis)), np.sort(v, axis=axis)
        )
        np.testing.assert_array_equal(
            np.asarray(anp.argsort(gpu(v), axis=axis, stable=True)),
            np.argsort(v, axis=axis, kind="stable"),
        )
    assert arrax.cuda.host_runs() == before


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's, comparing NaNs
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_order_runs_on_the_gpu(dtype):
    """maximum/minimum/fmax/fmin, < <= > >=, max/min reductions, cummax/cummin and
    argmax/argmin of complex arrays in NumPy's lexicographic order with its NaN rules, as the
    CPU computes them."""
    rng = np.random.default_rng(13)
    re, im = (rng.integers(-3, 3, size=(6, 50)).astype(float) for _ in range(2))
    x = (re + 1j * im).astype(dtype)
    y = x[::-1].copy()
    x[0, 3], x[1, 7], x[2, 0] = complex(np.nan, 1), complex(1, np.nan), complex(-np.inf, -5)
    cases = [
        (lambda a, b: anp.maximum(a, b), np.maximum),
        (lambda a, b: anp.minimum(a, b), np.minimum),
        (lambda a, b: anp.fmax(a, b), np.fmax),
        (lambda a, b: anp.fmin(a, b), np.fmin),
        (lambda a, b: a < b, np.less),
        (lambda a, b: a <= b, np.less_equal),
        (lambda a, b: a > b, np.greater),
        (lambda a, b: a >= b, np.greater_equal),
        (lambda a, b: anp.max(a, axis=1), None),
        (lambda a, b: anp.min(a, axis=0), None),
        (lambda a, b: anp.max(b), None),
        (lambda a, b: lax.bind1("cummax", a, axis=1), None),
        (lambda a, b: lax.bind1("cummin", a, axis=0, reverse=True), None),
        (lambda a, b: anp.argmax(a, axis=1), lambda a, b: np.argmax(a, axis=1)),
        (lambda a, b: anp.argmin(a, axis=0), lambda a, b: np.argmin(a, axis=0)),
        (lambda a, b: anp.argmax(b), lambda a, b: np.argmax(b)),
    ]
    before = arrax.cuda.host_runs()
    for f, numpy_f in cases:
        got = np.asarray(f(gpu(x), gpu(y)))
        np.testing.assert_array_equal(got, np.asarray(f(cpu(x), cpu(y))))
        if numpy_f is not None:
            np.testing.assert_array_equal(got, numpy_f(x, y))
    assert arrax.cuda.host_runs() == before


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's mean of an empty slice
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize(
    "shape, axis",
    [((5,), None), ((7, 300), 1), ((7, 300), 0), ((3, 4, 5), (0, 2)), ((200000,), None),
     ((40, 9000), 1), ((0, 3), 0)],
)  # fmt: skip
def test_complex_sums_and_products_run_on_the_gpu(dtype, shape, axis):
    """Complex sum, prod and mean over every reduction plan (a thread or a block per row, rows
    split over blocks in one launch), NumPy's values, nothing through the host."""
    rng = np.random.default_rng(9)
    x = (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dtype)
    tol = 1e-4 if dtype == "complex64" else 1e-10
    before = arrax.cuda.host_runs()
    with np.errstate(all="ignore"):
        for op, arr in [("sum", x), ("prod", (1 + 0.001 * x).astype(dtype)), ("mean", x)]:
            got = getattr(anp, op)(gpu(arr), axis=axis)
            assert got.device.platform == "gpu"
            close(got, getattr(np, op)(arr, axis=axis), rtol=tol, atol=tol)
    assert arrax.cuda.host_runs() == before


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_matmul_runs_on_the_gpu(dtype):
    """Complex products through cuBLAS's complex GEMMs (cuBLASLt and cuBLAS), NumPy's values on
    plain, transposed and batched operands; nothing through the host."""
    rng = np.random.default_rng(8)

    def sample(*shape):
        return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dtype)

    a, b = sample(2, 6, 5), sample(2, 5, 3)
    tol = 1e-5 if dtype == "complex64" else 1e-12
    defaults = arrax._core._cuda_tunables()
    before = arrax.cuda.host_runs()
    try:
        for mode in (1, 3):
            arrax._core._cuda_set_tunable("gemm_algo", mode)
            for got, want in [
                (gpu(a) @ gpu(b), a @ b),
                (gpu(a)[0] @ gpu(b)[1], a[0] @ b[1]),
                (gpu(a)[0].T @ gpu(a)[1], a[0].T @ a[1]),
                (anp.einsum("bij,bkj->bik", gpu(a), gpu(a)), np.einsum("bij,bkj->bik", a, a)),
                (arrax.jit(lambda x, y: (x @ y) * 2)(gpu(a), gpu(b)), (a @ b) * 2),
            ]:
                assert got.device.platform == "gpu"
                close(got, want.astype(dtype), rtol=tol, atol=tol)
    finally:
        for name, value in defaults.items():
            arrax._core._cuda_set_tunable(name, value)
    assert arrax.cuda.host_runs() == before


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_linalg_runs_on_the_gpu(dtype):
    """solve, inv, det/slogdet, cholesky and the triangular solves of complex stacks through
    cuBLAS's and cuSOLVER's complex routines: NumPy's values, LinAlgError for a singular or not
    positive definite matrix; nothing through the host."""
    import arrax.scipy.linalg as asl

    rng = np.random.default_rng(12)

    def crand(*shape):
        return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dtype)

    a, b, v = crand(3, 5, 5), crand(3, 5, 2), crand(5)
    h = a @ np.conj(a.swapaxes(-1, -2)) + 5 * np.eye(5)  # Hermitian positive definite
    tri = np.tril(a) + 4 * np.eye(5)
    tol = 2e-4 if dtype == "complex64" else 1e-10
    before = arrax.cuda.host_runs()
    ga, gb, gh, gt = gpu(a), gpu(b), gpu(h), gpu(tri)
    close(anp.linalg.solve(ga, gb), np.linalg.solve(a, b), tol, tol)
    close(anp.linalg.solve(ga, gpu(v)), np.linalg.solve(a, v), tol, tol)
    close(anp.linalg.inv(ga), np.linalg.inv(a), tol, tol)
    close(anp.linalg.det(ga), np.linalg.det(a), tol, tol)
    sign, logdet = anp.linalg.slogdet(ga)
    want_sign, want_logdet = np.linalg.slogdet(a)
    close(sign, want_sign, tol, tol)
    close(logdet, want_logdet, tol, tol)
    close(anp.linalg.cholesky(gh), np.linalg.cholesky(h), tol, tol)
    for trans in (0, 1, 2):
        op = [lambda m: m, lambda m: m.swapaxes(-1, -2), lambda m: np.conj(m.swapaxes(-1, -2))]
        want = np.linalg.solve(op[trans](tri), b)
        got = asl.solve_triangular(gt, gb, lower=True, trans=trans)
        close(got, want, tol, tol)
        got_upper = asl.solve_triangular(
            gpu(tri.swapaxes(-1, -2).copy()), gb, lower=False, trans=trans
        )
        close(got_upper, np.linalg.solve(op[trans](tri.swapaxes(-1, -2)), b), tol, tol)
    assert arrax.cuda.host_runs() == before
    singular = a.copy()
    singular[1, 3] = 0  # a zero row: singular, whatever the rounding
    with pytest.raises(np.linalg.LinAlgError):
        anp.linalg.inv(gpu(singular))
    not_pd = h.copy()
    not_pd[2] -= 100 * np.eye(5, dtype=dtype)
    with pytest.raises(np.linalg.LinAlgError):
        anp.linalg.cholesky(gpu(not_pd))
    sign0, logdet0 = anp.linalg.slogdet(gpu(singular))
    assert complex(np.asarray(sign0)[1]) == 0 and np.asarray(logdet0)[1] == -np.inf


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("shape", [(2, 6, 4), (2, 4, 6), (3, 5, 5)])
def test_complex_decompositions_run_on_the_gpu(dtype, shape):
    """qr (LAPACK's phases, as NumPy's), eigh (both triangles) and svd of complex stacks through
    cuSOLVER's C and Z routines: NumPy's values, eigenvectors and singular vectors compared up
    to the phase a decomposition leaves free; nothing through the host."""
    rng = np.random.default_rng(13)
    a = (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dtype)
    tol = 3e-4 if dtype == "complex64" else 1e-10
    before = arrax.cuda.host_runs()
    ga = gpu(a)
    q, r = anp.linalg.qr(ga)
    wq, wr = np.linalg.qr(a)
    close(q, wq, tol, tol)
    close(r, wr, tol, tol)
    u, s, vh = anp.linalg.svd(ga, full_matrices=False)
    wu, ws, wvh = np.linalg.svd(a, full_matrices=False)
    close(s, ws, tol, tol)
    # u[:, i] and vh[i] are unique up to one phase per singular value: compare u_i vh_i
    close(np.einsum("...ij,...jk->...ijk", np.asarray(u), np.asarray(vh)),
          np.einsum("...ij,...jk->...ijk", wu, wvh), tol, tol)  # fmt: skip
    if shape[-1] == shape[-2]:
        h = a + np.conj(a.swapaxes(-1, -2))
        for uplo in ("L", "U"):
            w, v = anp.linalg.eigh(gpu(h), UPLO=uplo)
            ww, wv = np.linalg.eigh(h, UPLO=uplo)
            close(w, ww, tol, tol)
            # each eigenvector up to its phase: compare the projectors v_i v_i^H
            pv = np.einsum("...ik,...jk->...kij", np.asarray(v), np.conj(np.asarray(v)))
            close(pv, np.einsum("...ik,...jk->...kij", wv, np.conj(wv)), tol, tol)
    assert arrax.cuda.host_runs() == before
