"""The CUDA backend, on a machine with a GPU (skipped elsewhere): devices and transfers, every
primitive of the primitive table on the GPU against the CPU (eager, jit, grad), dtypes,
reductions, matmul precision, the RNG, the caching allocator and NVRTC fusion."""

import arrax
import arrax.lax as lax
import arrax.numpy as anp
import numpy as np
import pytest

from cuda_helpers import GPU, close, cpu, gpu
from primitive_table import CASES

pytestmark = pytest.mark.skipif(not arrax.cuda.is_available(), reason="needs a CUDA GPU")

# ---- devices and transfers ---------------------------------------------------------------------


def test_devices_and_transfers(on_cpu):  # starts from the CPU as the default device
    ds = arrax.devices()
    assert ds and ds[0].platform == "gpu" and repr(ds[0]) == "CudaDevice(id=0)"
    assert arrax.devices("cpu")[0].platform == "cpu"
    x = anp.arange(10.0)
    assert x.device == arrax.devices("cpu")[0]
    g = arrax.device_put(x, ds[0])
    assert g.device == ds[0]
    assert np.array_equal(np.asarray(g), np.arange(10.0))
    assert "1." in repr(g) and "9." in str(g)
    assert np.array_equal(np.asarray(g.to_device("cpu")), np.arange(10.0))
    assert g.to_device(ds[0]) is not None
    tree = arrax.device_put({"a": np.ones(3), "b": [np.zeros(2)]}, GPU)
    assert tree["a"].device == ds[0] and tree["b"][0].device == ds[0]
    assert arrax.device_get(tree)["a"].tolist() == [1.0, 1.0, 1.0]


def test_default_device_context(on_cpu):
    assert arrax.default_device().platform == "cpu"
    with arrax.default_device(GPU):
        z = anp.zeros((3, 4))
        a = anp.asarray([1.0, 2.0])
        r = anp.arange(5)
        assert z.device.platform == a.device.platform == r.device.platform == "gpu"
        assert np.asarray(r + 1).tolist() == [1, 2, 3, 4, 5]
    assert anp.zeros(2).device.platform == "cpu"


def test_committed_devices_do_not_mix():
    # Explicitly placed (committed) arrays on two devices: an error naming both.
    with pytest.raises(ValueError, match="different devices"):
        gpu(np.ones(3)) + cpu(np.ones(3))
    # Uncommitted arrays (made on the default device) and Python scalars follow, as in JAX.
    r = gpu(np.ones(3)) + anp.ones(3) * 2
    assert r.device.platform == "gpu" and np.asarray(r).tolist() == [3.0, 3.0, 3.0]
    assert (gpu(np.ones(3)) * 2).device.platform == "gpu"


def test_indexing_and_views_on_gpu():
    x = np.arange(24.0).reshape(4, 6)
    g = gpu(x)
    close(g[1:3, ::2], x[1:3, ::2])
    close(g.T, x.T)
    close(g.reshape(6, 4), x.reshape(6, 4))
    close(g[[0, 2]], x[[0, 2]])
    close(g[g > 10], x[x > 10])
    close(anp.concatenate([g, g]), np.concatenate([x, x]))
    close(anp.transpose(g) + 1, x.T + 1)
    close(anp.sort(g[:, ::-1], axis=1), np.sort(x[:, ::-1], axis=1))


# ---- every primitive of the table: GPU against CPU ----------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_primitive_gpu_matches_cpu(case):
    want = case.fn(*case.args)
    got = case.fn(*[gpu(a) for a in case.args])
    for w, g in zip(arrax.tree_util.tree_leaves(want), arrax.tree_util.tree_leaves(got)):
        close(g, w, rtol=1e-6, atol=1e-8)
    jitted = arrax.jit(case.fn)(*[gpu(a) for a in case.args])
    for w, g in zip(arrax.tree_util.tree_leaves(want), arrax.tree_util.tree_leaves(jitted)):
        close(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("case", [c for c in CASES if c.diff], ids=lambda c: c.id)
def test_primitive_grad_gpu_matches_cpu(case):
    def loss(*a):
        return sum(anp.sum(anp.real(y) * 1.0) for y in arrax.tree_util.tree_leaves(case.fn(*a)))

    want = arrax.grad(loss)(*case.args)
    got = arrax.grad(loss)(*[gpu(a) for a in case.args])
    close(got, want, rtol=1e-6, atol=1e-8)


# ---- dtypes, reductions, matmul, RNG ------------------------------------------------------------

DTYPES = [
    "float32", "float64", "float16", "int32", "int64", "uint8", "int8", "bool", "complex64",
    "complex128",
]  # fmt: skip
BINARY = [
    "add",
    "subtract",
    "multiply",
    "maximum",
    "minimum",
    "floor_divide",
    "remainder",
    "equal",
    "less",
    "greater_equal",
    "logical_and",
    "bitwise_xor",
    "power",
]
UNARY = [
    "negative",
    "absolute",
    "sign",
    "sqrt",
    "exp",
    "log1p",
    "sin",
    "tanh",
    "floor",
    "isnan",
    "logical_not",
    "square",
    "rint",
    "real",
    "imag",
    "conj",
    "ceil",
    "trunc",
    "isinf",
    "isfinite",
    "reciprocal",
]


def _data(dtype, shape, rng):
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        lo = 0 if np.dtype(dtype).kind == "u" else -5
        return rng.integers(lo, 6, shape).astype(dtype)
    x = rng.normal(size=shape).astype(dtype)
    if x.dtype.kind == "c":
        x += 1j * rng.normal(size=shape).astype(dtype)
    x.flat[0] = np.nan
    x.flat[1] = np.inf
    return x


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", BINARY + UNARY)
def test_ufuncs_gpu_match_cpu(name, dtype):
    rng = np.random.default_rng(1)
    a, b = _data(dtype, (5, 7), rng), _data(dtype, (7,), rng)
    f = getattr(anp, name)
    args = (a, b) if name in BINARY else (a,)
    try:
        want = f(*[anp.asarray(x) for x in args])
    except (TypeError, ValueError) as e:
        with pytest.raises(type(e)):
            f(*[gpu(x) for x in args])
        return
    before = arrax.cuda.host_runs()
    with np.errstate(all="ignore"):
        got = f(*[gpu(x) for x in args])
    assert arrax.cuda.host_runs() == before  # a generated kernel, not the CPU's
    rtol = 2e-3 if dtype == "float16" else 1e-5
    close(got, want, rtol=rtol, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_zeta_and_polygamma_gpu_match_cpu(dtype):
    """Hurwitz zeta and polygamma run as generated kernels, in double as on the CPU, with the
    CPU's special values (poles, s < 1, q at nonpositive integers, NaN)."""
    from arrax.scipy import special

    s = np.array([1.0, 0.5, 2.0, 3.5, 2.0, 4.0, np.nan, 1.5, 30.0], dtype)
    q = np.array([2.0, 1.0, 0.0, -2.0, -2.5, 1e-3, 1.0, 1e4, 0.7], dtype)
    x = np.array([0.0, -1.0, -1.5, 0.3, 2.0, 15.0, np.inf, np.nan, 1e4], dtype)
    before = arrax.cuda.host_runs()
    got = [special.zeta(gpu(s), gpu(q))] + [special.polygamma(n, gpu(x)) for n in range(4)]
    assert arrax.cuda.host_runs() == before
    want = [special.zeta(anp.asarray(s), anp.asarray(q))]
    want += [special.polygamma(n, anp.asarray(x)) for n in range(4)]
    rtol = 2e-3 if dtype == "float16" else 1e-5 if dtype == "float32" else 1e-12
    for g, w in zip(got, want):
        close(g, w, rtol=rtol, atol=0)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "bool", "float16", "complex64"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)])
@pytest.mark.parametrize("op", ["sum", "max", "min", "prod", "any", "all", "mean"])
def test_reductions_gpu_match_cpu(op, axis, dtype):
    rng = np.random.default_rng(2)
    x = _data(dtype, (6, 5, 4), rng)
    if dtype.startswith("float"):
        x = np.abs(x) * 0 + rng.random(x.shape).astype(dtype)  # finite values
    xs = [x, np.ascontiguousarray(x.transpose(2, 0, 1)).transpose(1, 2, 0)]  # and a view
    for arr in xs:
        try:
            want = getattr(anp, op)(anp.asarray(arr), axis=axis)
        except (TypeError, ValueError):
            continue
        got = getattr(anp, op)(gpu(arr), axis=axis)
        close(got, want, rtol=2e-3 if dtype == "float16" else 1e-5, atol=1e-6)


@pytest.mark.parametrize("n", [1, 1000, 1 << 20, (1 << 22) + 3])
def test_large_sums(n):
    x = np.random.default_rng(3).random(n).astype(np.float32)
    close(anp.sum(gpu(x)), anp.sum(anp.asarray(x)), rtol=1e-5)
    m = x[: (n // 64) * 64].reshape(-1, 64) if n >= 64 else x.reshape(1, -1)
    # (against float64's sums: the CPU adds a long column row after row in float32, NumPy's
    # order, whose error reaches 1e-5 of the sum for 65,536 rows; the GPU adds by a tree)
    exact = np.sum(m.astype(np.float64), axis=0).astype(np.float32)
    close(anp.sum(gpu(m), axis=0), exact, rtol=1e-5, atol=1e-5)
    close(anp.max(gpu(m), axis=1), anp.max(anp.asarray(m), axis=1))


@pytest.mark.parametrize("shape,axis", [((1024, 2048), 0), ((1024, 10), 0), ((300, 7, 33), (0, 1)),
                                        ((2000, 513), 0), ((64, 5), 0)])  # fmt: skip
def test_split_column_reductions(shape, axis):
    """Column reductions split over several blocks in one launch (the last block of each group
    of columns adds the parts), repeated so a counter left set would show."""
    x = np.random.default_rng(4).standard_normal(shape).astype(np.float32)
    for _ in range(3):
        for op in ("sum", "max", "prod"):
            want = getattr(np, op)(x, axis=axis)
            close(getattr(anp, op)(gpu(x), axis=axis), want, rtol=2e-4, atol=1e-3)
    xi = (x * 10).astype(np.int64)
    np.testing.assert_array_equal(np.asarray(anp.sum(gpu(xi), axis=axis)), xi.sum(axis=axis))


# ---- indexing, arg-reductions and scans: every dtype, GPU against CPU -------------------------

KERNEL_DTYPES = [
    "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
    "float16", "bfloat16", "float32", "float64", "complex64",
]  # fmt: skip


def _both(name, args, rtol=1e-5, atol=1e-9, **params):
    """lax.bind1(name) on the CPU and on the GPU: the results agree, and the GPU's stays there."""
    want = lax.bind1(name, *[cpu(a) for a in args], **params)
    got = lax.bind1(name, *[gpu(a) for a in args], **params)
    assert got.device.platform == "gpu"
    close(got, want, rtol=rtol, atol=atol)


def _sample(dtype, shape, rng, nan=False):
    x = rng.standard_normal(shape) * 3
    if nan and x.size > 4:
        x.flat[3] = x.flat[-2] = np.nan
    if np.dtype(dtype).kind in "biu":
        x = np.nan_to_num(x)
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", KERNEL_DTYPES)
def test_take_and_scatters_gpu_match_cpu(dtype):
    rng = np.random.default_rng(11)
    x = _sample(dtype, 37, rng)
    idx = rng.integers(-3, 40, size=(5, 11)).astype(np.int64)  # some out of range
    _both("take", [x, idx])
    u = _sample(dtype, (5, 11), rng)
    if dtype in ("int8", "uint8"):
        u = rng.integers(0, 3, size=(5, 11)).astype(dtype)
    _both("scatter_add", [u, np.clip(idx, 0, 36)], rtol=2e-2, atol=1e-2, size=37)
    for mode in ["set", "add", "mul", "min", "max"]:
        if mode in ("min", "max") and dtype.startswith("complex"):
            continue
        v = u
        if mode == "mul" and np.dtype(dtype).kind in "fV":
            v = (1 + rng.random((5, 11)) / 10).astype(dtype)
        _both("scatter", [x, idx, v], rtol=2e-2, atol=1e-2, mode=mode)


@pytest.mark.parametrize("dtype", KERNEL_DTYPES[:-1])
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 300, 3), (700,), (5, 1000), (1, 1)])
def test_arg_reductions_and_scans_gpu_match_cpu(dtype, shape):
    # Short lines take a thread each, few long ones a block each (a tree, a block-wide scan).
    rng = np.random.default_rng(12)
    x = _sample(dtype, shape, rng, nan=True)
    half = np.dtype(dtype).itemsize == 2 and np.dtype(dtype).kind in "fV"
    # Long float sums and products run in another order: compare at the scale of the terms.
    rtol, atol = (2e-3, 0.3) if half else (1e-5, 1e-4 if dtype == "float32" else 1e-9)
    for axis in range(len(shape)):
        for name in ["argmax", "argmin"]:
            _both(name, [x], axis=axis, index_dtype=np.dtype(np.int64))
        for name in ["cumsum", "cumprod", "cummax", "cummin"]:
            v = x
            if name == "cumprod" and np.dtype(dtype).kind in "fV":
                v = (1 + rng.random(shape) / 100).astype(dtype)
            for reverse in (False, True):
                if half and name in ("cumsum", "cumprod"):
                    # The CPU rounds each partial result to the half type, as NumPy's loop
                    # does; a parallel scan cannot: the GPU adds in float32 and rounds once.
                    # Its reference is the CPU's scan in float32, rounded to the half type.
                    ref = lax.bind1(name, cpu(v.astype(np.float32)), axis=axis, reverse=reverse)
                    got = lax.bind1(name, gpu(v), axis=axis, reverse=reverse)
                    assert got.device.platform == "gpu"
                    close(got, np.asarray(ref).astype(v.dtype), rtol=rtol, atol=atol)
                    continue
                _both(name, [v], rtol=rtol, atol=atol, axis=axis, reverse=reverse)
    nan_first = np.array([[1.0, np.nan, 3.0, np.nan]])
    assert lax.bind1("argmax", gpu(nan_first), axis=1, index_dtype=np.dtype(np.int32)).tolist() == [
        1
    ]


@pytest.mark.parametrize("dtype", KERNEL_DTYPES)
@pytest.mark.parametrize("shape", [(7,), (40, 3), (3, 300), (2, 2048), (1, 3000), (9000, 2)])
def test_sorts_gpu_match_cpu(dtype, shape):
    # A thread per line up to 32 items, a block per line up to 2048, a merge sort of 2048-item
    # tiles beyond; stable, NaN last, -0.0 kept as it was.
    rng = np.random.default_rng(13)
    x = _sample(dtype, shape, rng, nan=True)
    if np.dtype(dtype).kind in "iu":
        x = (x % 5).astype(dtype)  # many ties: stability shows
    if np.dtype(dtype).kind == "f":
        x.flat[1] = -0.0
    for axis in range(len(shape)):
        for name in ["sort", "argsort"]:
            _both(name, [x], axis=axis)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32"])
@pytest.mark.parametrize(
    "window,strides,padding",
    [
        ((2, 2), (2, 2), (0, 0, 0, 0)),
        ((3, 3), (1, 1), (1, 1, 1, 1)),
        ((3, 2), (2, 1), (1, 0, 0, 1)),
    ],
)
def test_pooling_gpu_matches_cpu(dtype, window, strides, padding):
    # Overlapping windows, padding and ties (integers): each window's first maximum wins.
    rng = np.random.default_rng(14)
    x = _sample(dtype, (2, 3, 7, 6), rng, nan=dtype.startswith("float"))
    if dtype == "int32":
        x = (x % 3).astype(dtype)
    params = dict(window=window, strides=strides, padding=padding)
    y = lax.bind1("max_pool", cpu(x), **params)
    _both("max_pool", [x], **params)
    t = _sample("float32", x.shape, rng)
    _both("max_pool_gather", [x, t], **params)
    g = _sample("float32", y.shape, rng)
    _both("max_pool_scatter", [x, g], rtol=1e-6, atol=1e-6, **params)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "strides,padding,dilation,groups",
    [((1, 1), (0, 0, 0, 0), (1, 1), 1), ((2, 1), (1, 2, 0, 1), (1, 2), 1), ((1, 2), (1, 1, 1, 1), (1, 1), 2)],
)  # fmt: skip
def test_conv_gpu_matches_cpu(dtype, strides, padding, dilation, groups):
    # im2col + cuBLAS forward, the input gradient by col2im, the weight gradient summed over
    # the batch: against the CPU's Eigen path.
    rng = np.random.default_rng(15)
    x = rng.normal(size=(3, 4, 7, 6)).astype(dtype)
    w = rng.normal(size=(6, 4 // groups, 3, 2)).astype(dtype)
    params = dict(strides=strides, padding=padding, dilation=dilation, groups=groups)
    y = lax.bind1("conv", cpu(x), cpu(w), **params)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else dict(rtol=1e-10, atol=1e-10)
    _both("conv", [x, w], **tol, **params)
    ct = rng.normal(size=y.shape).astype(dtype)
    _both("conv_input_grad", [ct, w], shape=x.shape, **tol, **params)
    _both("conv_weight_grad", [x, ct], shape=w.shape, **tol, **params)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("norm", ["backward", "ortho", "forward"])
def test_fft_gpu_matches_cpu(dtype, norm):
    # cuFFT, axis by axis: complex transforms over any axes, rfftn, and irfftn with the last
    # axis cropped or zero-padded (n even and odd).
    rng = np.random.default_rng(16)
    x = rng.normal(size=(3, 6, 5)).astype(dtype)
    z = (x + 1j * rng.normal(size=x.shape)).astype(np.result_type(dtype, np.complex64))
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else dict(rtol=1e-10, atol=1e-10)
    for axes in [(2,), (0,), (1, 2), (0, 1, 2)]:
        for inverse in (False, True):
            _both("fft", [z], axes=axes, inverse=inverse, norm=norm, **tol)
        _both("rfft", [x], axes=axes, norm=norm, **tol)
        for n in (4, 7, 8, 12):
            _both("irfft", [z], axes=axes, n=n, norm=norm, **tol)
    for name, args in [("fft", (z,)), ("ifft2", (z,)), ("rfftn", (x,)), ("irfft", (z,))]:
        got = getattr(anp.fft, name)(*[gpu(a) for a in args])
        assert got.device.platform == "gpu"
        close(got, getattr(np.fft, name)(*args), **tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linalg_gpu_matches_cpu(dtype):
    # cuBLAS's batched LU (solve, inv, slogdet), cuSOLVER's batched Cholesky; a singular or
    # indefinite matrix raises LinAlgError as on the CPU.
    rng = np.random.default_rng(17)
    a = (rng.normal(size=(4, 5, 5)) + 3 * np.eye(5)).astype(dtype)
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    for b in [rng.normal(size=(4, 5)), rng.normal(size=(4, 5, 3))]:
        _both("linalg_solve", [a, b.astype(dtype)], **tol)
    _both("linalg_inv", [a], **tol)
    got = anp.linalg.solve(gpu(a[0]), gpu(np.ones(5, dtype)))
    assert got.device.platform == "gpu"
    close(got, np.linalg.solve(a[0], np.ones(5, dtype)), **tol)
    close(anp.linalg.inv(gpu(a)), np.linalg.inv(a), **tol)
    _both("linalg_slogdet", [a], **tol)
    _both("linalg_slogdet", [-a[:, :, ::-1].copy()], **tol)  # negative determinants, pivoting
    spd = (a @ a.transpose(0, 2, 1)).astype(dtype)
    _both("linalg_cholesky", [spd], **tol)
    close(anp.linalg.cholesky(gpu(spd)), np.linalg.cholesky(spd), **tol)
    singular = np.ones((2, 3, 3), dtype)
    sign, logdet = anp.linalg.slogdet(gpu(singular))
    assert sign.tolist() == [0.0, 0.0] and np.isneginf(np.asarray(logdet)).all()
    with pytest.raises(np.linalg.LinAlgError):
        anp.linalg.cholesky(gpu(-spd))
    with pytest.raises(np.linalg.LinAlgError):
        anp.linalg.inv(gpu(singular))
    with pytest.raises(np.linalg.LinAlgError):
        anp.linalg.solve(gpu(singular), gpu(np.ones((2, 3, 1), dtype)))


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize(
    "shape",
    [(1, 1), (6, 6), (3, 5, 5), (2, 2, 9, 9), (0, 3, 3), (2, 0, 0), (3, 5), (2, 5, 3), (4, 0)],
)
def test_lu_gpu_matches_cpu(dtype, shape):
    """lax.linalg.lu on the GPU (cuBLAS's batched LU; cuSOLVER's Xgetrf for rectangular
    matrices, which the batched LU does not take) is a partial-pivoting LU of the matrix,
    singular matrices included (no error, as LAPACK's getrf), with pivots and permutation that
    agree; for a real nonsingular matrix it is the CPU's (LAPACK's). Where pivots tie (a zero
    column) the GPU chose other rows than LAPACK, and for complex matrices too (an H200, run
    9): both are valid factorizations, and JAX's GPU results differ from its CPU's alike."""
    rng = np.random.default_rng(5)
    a = rng.normal(size=shape)
    if dtype.startswith("complex"):
        a = a + 1j * rng.normal(size=shape)
    a = a.astype(dtype)
    if shape == (6, 6):
        a[:, 2] = 0  # singular
    before = arrax.cuda.host_runs()
    got = arrax.lax.linalg.lu(gpu(a))
    assert arrax.cuda.host_runs() == before
    want = arrax.lax.linalg.lu(anp.asarray(a))
    tol = 1e-4 if dtype in ("float32", "complex64") else 1e-12
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
    lu, pivots, perm = (np.asarray(x) for x in got)
    m, n = shape[-2:]
    k = min(m, n)
    lower = np.tril(lu[..., :, :k], -1) + np.eye(m, k, dtype=dtype)
    upper = np.triu(lu[..., :k, :])
    rows = np.take_along_axis(a, perm[..., None].astype(np.intp), axis=-2)
    close(lower @ upper, rows, rtol=tol * 10, atol=tol * 10)
    assert np.all(np.abs(lower) <= np.sqrt(2) + tol)  # (|re| + |im| <= 1 as LAPACK's, |z| <= 1)
    swapped = np.broadcast_to(np.arange(m), shape[:-1]).copy()  # the pivots' row swaps
    for idx in np.ndindex(shape[:-2]):
        for i in range(k):
            j = pivots[idx + (i,)]
            swapped[idx + (i,)], swapped[idx + (j,)] = swapped[idx + (j,)], swapped[idx + (i,)]
    np.testing.assert_array_equal(perm, swapped)
    if dtype.startswith("float") and shape != (6, 6):
        for g, w in zip(got, want):
            close(g, w, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("shape", [(1, 1), (6, 6), (3, 5, 5), (2, 0, 0)])
def test_eig_on_the_gpu(dtype, shape):
    """numpy.linalg.eig on the GPU (cuSOLVER's Xgeev): the CPU's eigenvalues, and eigenvectors
    with LAPACK's normalization (unit norm, the largest component real) that satisfy
    a v = v diag(w); real matrices with complex pairs included."""
    rng = np.random.default_rng(8)
    a = rng.normal(size=shape)
    if dtype.startswith("complex"):
        a = a + 1j * rng.normal(size=shape)
    a = a.astype(dtype)
    before = arrax.cuda.host_runs().get("linalg_eig", 0)
    w, v = anp.linalg.eig(gpu(a))
    if a.size:
        assert arrax.cuda.host_runs().get("linalg_eig", 0) == before
    w0, _ = anp.linalg.eig(anp.asarray(a))
    assert w.dtype == w0.dtype and v.dtype == w0.dtype and v.shape == a.shape
    w, v, w0 = np.asarray(w), np.asarray(v), np.asarray(w0)
    tol = 2e-4 if dtype in ("float32", "complex64") else 1e-10
    np.testing.assert_allclose(np.sort_complex(w), np.sort_complex(w0), rtol=tol, atol=tol)
    np.testing.assert_allclose(a @ v, v * w[..., None, :], rtol=tol, atol=tol * 10)
    np.testing.assert_allclose(np.linalg.norm(v, axis=-2), 1, rtol=tol)
    # the largest component real, and for a complex matrix positive (a real matrix's complex
    # pairs have a sign LAPACK's algorithm chooses)
    if a.size:
        big = np.take_along_axis(v, np.abs(v).argmax(axis=-2)[..., None, :], axis=-2)[..., 0, :]
        assert np.all(big.imag == 0) and (np.all(big.real > 0) or not np.iscomplexobj(a))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_triangular_solve_gpu_matches_cpu(dtype):
    # cuBLAS's trsmBatched: every triangle, transpose and diagonal; the other triangle of a
    # holds values that must not be read; scipy.linalg's wrappers stay on the GPU.
    from arrax.scipy import linalg as sla

    rng = np.random.default_rng(18)
    a = (rng.normal(size=(3, 5, 5)) + 4 * np.eye(5)).astype(dtype)
    b = rng.normal(size=(3, 5, 2)).astype(dtype)
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    for lower in (0, 1):
        for trans in (0, 1, 2):
            for unit in (0, 1):
                params = dict(lower=lower, trans=trans, unit_diagonal=unit)
                want = lax.bind1("linalg_triangular_solve", a, b, **params)
                got = lax.bind1("linalg_triangular_solve", gpu(a), gpu(b), **params)
                assert got.device.platform == "gpu"
                close(got, want, **tol)
    x = sla.cho_solve(sla.cho_factor(gpu(a @ a.transpose(0, 2, 1)), lower=True), gpu(b))
    assert x.device.platform == "gpu"
    close(x, np.linalg.solve(a @ a.transpose(0, 2, 1), b), rtol=tol["rtol"] * 100, atol=1e-4)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_matmul_shapes_and_layouts(dtype):
    rng = np.random.default_rng(4)
    tol = 2e-2 if dtype == "float16" else 1e-5
    for sa, sb in [
        ((5, 7), (7, 3)),
        ((2, 5, 7), (2, 7, 3)),
        ((7,), (7, 4)),
        ((6, 7), (7,)),
        ((0, 3), (3, 2)),
        ((3, 0), (0, 2)),
    ]:
        a = rng.normal(size=sa).astype(dtype)
        b = rng.normal(size=sb).astype(dtype)
        close(gpu(a) @ gpu(b), anp.asarray(a) @ anp.asarray(b), rtol=tol, atol=tol)
    a = rng.normal(size=(8, 5)).astype(dtype)
    close(gpu(a).T @ gpu(a), anp.asarray(a).T @ anp.asarray(a), rtol=tol, atol=tol)
    close(gpu(a) @ gpu(a).T, anp.asarray(a) @ anp.asarray(a).T, rtol=tol, atol=tol)
    close(
        anp.einsum("ij,kj->ik", gpu(a), gpu(a)),
        np.einsum("ij,kj->ik", a, a).astype(dtype),
        rtol=tol,
        atol=tol,
    )


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16"])
def test_gemm_through_cublaslt_timed_and_untimed(dtype):
    """cuBLASLt (timed or untimed choice) and cuBLAS give NumPy's products on every layout: plain,
    transposed operands, views at an offset (less aligned) and batches; a problem is timed once."""
    rng = np.random.default_rng(6)
    tol = 3e-2 if dtype == "bfloat16" else 1e-5
    a = rng.normal(size=(3, 9, 7)).astype(np.float32)
    b = rng.normal(size=(3, 7, 5)).astype(np.float32)
    cases = [
        lambda x, y: x[0] @ y[0],
        lambda x, y: x @ y,
        lambda x, y: x[0].T[:, :6] @ x[0][:6],  # A transposed
        lambda x, y: y[1] @ y[2].T,  # B transposed
        lambda x, y: x[1, 1:] @ y[1],  # A at an offset of 7 items
    ]
    defaults = arrax._core._cuda_tunables()
    try:
        for mode in (1, 2, 3):
            arrax._core._cuda_set_tunable("gemm_algo", mode)
            before = arrax.cuda.gemm_stats()
            for f in cases:
                ga, gb = gpu(a).astype(dtype), gpu(b).astype(dtype)
                got = f(ga, gb)
                assert got.dtype == ga.dtype
                # NumPy's product of the same (rounded) values: computed off the arrax device,
                # which is the GPU when the suite runs with --device=cuda
                want = f(*(np.asarray(x.astype("float32")).astype(np.float64) for x in (ga, gb)))
                close(got.astype("float32"), want.astype(np.float32), rtol=tol, atol=tol)
            after = arrax.cuda.gemm_stats()
            key = "cublas" if mode == 1 else "cublaslt"
            assert after[key] - before[key] == len(cases)
        arrax._core._cuda_set_tunable("gemm_algo", 3)
        timed = arrax.cuda.gemm_stats()["timed"]
        for f in cases:
            f(gpu(a).astype(dtype), gpu(b).astype(dtype))
        assert arrax.cuda.gemm_stats()["timed"] == timed  # each problem was timed once
    finally:
        for name, value in defaults.items():
            arrax._core._cuda_set_tunable(name, value)
    with pytest.raises(ValueError, match="gemm_algo"):
        arrax._core._cuda_set_tunable("gemm_algo", 4)


def test_matmul_precision_settings():
    rng = np.random.default_rng(5)
    a = rng.normal(size=(256, 256)).astype(np.float32)
    exact = a.astype(np.float64) @ a.astype(np.float64)
    err = lambda r: np.linalg.norm(np.asarray(r) - exact) / np.linalg.norm(exact)  # noqa: E731
    assert err(gpu(a) @ gpu(a)) < 1e-6
    with arrax.default_matmul_precision("tf32"):
        assert err(gpu(a) @ gpu(a)) < 2e-3
    with arrax.default_matmul_precision("bf16"):
        assert err(gpu(a) @ gpu(a)) < 2e-2
    assert err(gpu(a) @ gpu(a)) < 1e-6


def test_random_numbers_match_cpu():
    key = arrax.random.key(0)
    want = arrax.random.normal(key, (1000,))
    with arrax.default_device(GPU):
        gkey = arrax.random.key(0)
        got = arrax.random.normal(gkey, (1000,))
        assert got.device.platform == "gpu"
        bits = arrax.random.bits(gkey, (64,))
        uniform = arrax.random.uniform(gkey, (1000,))
    # The bits and uniforms are identical; normal() computes the CPU's erfinv (the same FMAs),
    # through CUDA's log1pf, which may differ from glibc's by an ulp.
    close(got, want, rtol=1e-6, atol=1e-7)
    close(bits, arrax.random.bits(key, (64,)))
    np.testing.assert_array_equal(
        np.asarray(uniform), np.asarray(arrax.random.uniform(key, (1000,)))
    )


def test_jit_rounds_like_eager_on_the_gpu():
    # Generated kernels contract no a * b + c into an FMA, so a fused region gives the bits of
    # one kernel per operation.
    def f(a, b, c):
        return (a * b + c) * 0.5 - a * c

    rng = np.random.default_rng(5)
    a, b, c = (gpu(rng.normal(size=4099).astype(np.float32)) for _ in range(3))
    eager = np.asarray(f(a, b, c))
    np.testing.assert_array_equal(np.asarray(arrax.jit(f)(a, b, c)), eager)
    key = gpu(arrax.random.key(3))
    draw = lambda k: arrax.random.normal(k, (7,)) * 2.0 + arrax.random.uniform(k, (7,))  # noqa: E731
    np.testing.assert_array_equal(np.asarray(arrax.jit(draw)(key)), np.asarray(draw(key)))


# ---- jit and training on the GPU ----------------------------------------------------------------


def test_jit_fusion_compiles_one_kernel():
    f = arrax.jit(lambda x: anp.tanh(0.5 * x + 0.1) * anp.exp(-x * x) + anp.sin(x))
    x = np.random.default_rng(6).normal(size=1 << 16).astype(np.float32)
    assert "fused" in str(f.lower(x))
    want = f(x)
    got = f(gpu(x))
    assert got.device.platform == "gpu"
    close(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(64, 10), (16, 300), (8, 4, 513), (3, 2000)])
def test_jit_fusion_with_reductions(shape):
    # Regions that end in reductions of trailing dims run as one kernel: a thread per short row,
    # a block per long one; full-size outputs of the region are stored as well.
    def f(x, b):
        e = anp.exp(x - 1.0) * b
        return e.sum(axis=-1), (x * x).max(axis=-1), anp.tanh(e), (e * 0.5).sum(axis=-1)

    def g(x):
        return anp.sum(anp.abs(x) + 1.0, axis=tuple(range(1, x.ndim)))

    rng = np.random.default_rng(8)
    x = rng.normal(size=shape).astype(np.float32)
    b = rng.random(shape[-1]).astype(np.float32)
    x64 = x.astype(np.float64)
    for fn, args in [(f, (x, b)), (g, (x,)), (g, (x64,))]:
        jf = arrax.jit(fn)
        want = jf(*args)
        got = jf(*[gpu(a) for a in args])
        for gv, wv in zip(arrax.tree_util.tree_leaves(got), arrax.tree_util.tree_leaves(want)):
            assert gv.device.platform == "gpu"
            close(gv, wv, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shape", [(64, 12), (64, 10), (3, 5, 8), (7, 1, 4), (1030, 3)])
def test_rows_broadcast_over_a_matrix(shape):
    # A bias (a row broadcast over the leading dims) is read at i % columns, as 4-item vectors
    # where rows are a multiple of 4; a column broadcast, a scalar, and offset (unaligned) rows
    # as well. Eager and jit, against NumPy.
    rng = np.random.default_rng(12)
    x = rng.normal(size=shape).astype(np.float32)
    b = rng.normal(size=shape[1:]).astype(np.float32)
    c = rng.normal(size=shape[:1] + (1,) * (len(shape) - 1)).astype(np.float32)
    wide = rng.normal(size=(int(np.prod(shape[1:])) + 1,)).astype(np.float32)

    def f(x, b, c, w):
        off = w[1:].reshape(shape[1:])  # (one item past an aligned start)
        return anp.maximum(x + b, 0.0) * 2.0, x * c - b, x + off

    want = f(anp.asarray(x), anp.asarray(b), anp.asarray(c), anp.asarray(wide))
    for fn in (f, arrax.jit(f)):
        got = fn(gpu(x), gpu(b), gpu(c), gpu(wide))
        for g, w in zip(got, want):
            close(g, w, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "shape", [(64, 10), (1024, 300), (8, 16), (3, 40, 7), (5000, 3), (1, 9), (4096, 8), (40, 2048)]
)
def test_jit_fusion_with_column_reductions(shape):
    # Regions that end in reductions of leading dims (a bias gradient) run as one kernel: a
    # block per 32 columns (32 runs of 4 columns as vectors where rows hold a multiple of 4)
    # and part of the rows, 8 warps down the rows; the parts added by the last block to finish
    # (more parts than warps for (5000, 3) and (4096, 8)); several reductions, full-size
    # outputs beside them, any dtype the reduction keeps, called twice.
    lead = tuple(range(len(shape) - 1))

    def f(x, b):
        g = anp.where(x > 0, x * b, 0.5 * x)
        return g, g.sum(axis=lead), anp.tanh(g).max(axis=lead), (g * 2.0).min(axis=lead)

    def h(x):
        return anp.sum((x > 0.3) | (x < -1.0), axis=lead), anp.any(x > 2.5, axis=lead)

    rng = np.random.default_rng(10)
    x = rng.normal(size=shape).astype(np.float32)
    b = rng.random(shape[-1]).astype(np.float32)
    for fn, args in [(f, (x, b)), (f, (x.astype(np.float64), b)), (h, (x,))]:
        jf = arrax.jit(fn)
        assert jf.lower(*args).primitives.count("fused") == 1, str(jf.lower(*args))
        assert not any(p.startswith("reduce_") for p in jf.lower(*args).primitives)
        want = jf(*args)
        for _ in range(2):
            got = jf(*[gpu(a) for a in args])
            for gv, wv in zip(arrax.tree_util.tree_leaves(got), arrax.tree_util.tree_leaves(want)):
                assert gv.device.platform == "gpu" and gv.dtype == wv.dtype
                close(gv, wv, rtol=1e-5, atol=1e-5)


def test_training_step_gpu_matches_cpu():
    rng = np.random.default_rng(7)
    params = {
        "w1": rng.normal(size=(20, 32)) * 0.1,
        "b1": np.zeros(32),
        "w2": rng.normal(size=(32, 3)) * 0.1,
        "b2": np.zeros(3),
    }
    params = {k: v.astype(np.float32) for k, v in params.items()}
    x = rng.normal(size=(64, 20)).astype(np.float32)
    y = rng.integers(0, 3, 64)

    def loss(p, x, y):
        h = arrax.nn.relu(x @ p["w1"] + p["b1"])
        return arrax.nn.cross_entropy(h @ p["w2"] + p["b2"], y)

    step = arrax.jit(arrax.value_and_grad(loss))
    lc, gc = step(params, x, y)
    lg, gg = step(gpu(params), gpu(x), gpu(y))
    close(lg, lc, rtol=1e-5)
    for k in params:
        assert gg[k].device.platform == "gpu"
        close(gg[k], gc[k], rtol=1e-4, atol=1e-6)


# ---- the caching allocator ----------------------------------------------------------------------


def test_allocator_stats_cache_and_limit():
    arrax.cuda.synchronize()
    arrax.cuda.empty_cache()
    base = arrax.cuda.memory_stats()
    x = gpu(np.ones(1 << 20, np.float32))
    s = arrax.cuda.memory_stats()
    assert s["bytes_in_use"] >= base["bytes_in_use"] + (4 << 20)
    assert s["peak_bytes_in_use"] >= s["bytes_in_use"]
    del x
    s2 = arrax.cuda.memory_stats()
    assert s2["bytes_cached"] >= 4 << 20
    n = s2["num_allocs"]
    y = gpu(np.ones(1 << 20, np.float32))  # served from the cache
    assert arrax.cuda.memory_stats()["num_allocs"] == n
    del y
    arrax.cuda.empty_cache()
    assert arrax.cuda.memory_stats()["bytes_cached"] == 0
    arrax.cuda.set_memory_limit(arrax.cuda.memory_stats()["bytes_in_use"] + (1 << 20))
    try:
        with pytest.raises(MemoryError, match="limit"):
            gpu(np.ones(1 << 22, np.float32))
    finally:
        arrax.cuda.set_memory_limit(0)


def test_out_of_memory_is_memory_error():
    with arrax.default_device(GPU):
        with pytest.raises(MemoryError):
            anp.zeros((1 << 47,), anp.uint8)
    # The allocator still works afterwards.
    assert float(anp.sum(gpu(np.ones(10)))) == 10.0


def test_lax_control_flow_on_gpu():
    x = gpu(np.arange(5.0))
    r = lax.fori_loop(0, 3, lambda i, c: c * 2 + i, x)
    close(r, lax.fori_loop(0, 3, lambda i, c: c * 2 + i, anp.arange(5.0)))
    c = lax.cond(anp.sum(x) > 3, lambda v: v + 1, lambda v: v - 1, x)
    close(c, np.arange(5.0) + 1)


@pytest.mark.parametrize("n", [3, 5, 1025, 3 * 4096 + 7])
def test_launch_settings_give_the_same_bits(n):
    """Every grid size ew_sweep measures computes the same values, tails included."""
    xh = np.random.default_rng(n).standard_normal(n).astype(np.float32)
    g = gpu(xh)
    f = arrax.jit(lambda x: anp.tanh(0.5 * x + 0.1) * anp.exp(-x * x) + anp.arange(n) * 1.0)
    results = []
    defaults = arrax._core._cuda_tunables()
    try:
        for blocks in (1, 32, 256, 1024):
            arrax._core._cuda_set_tunable("blocks_per_sm", blocks)
            results.append((np.asarray(anp.sin(g) * 2.0 + g), np.asarray(f(g))))
    finally:
        for name, value in defaults.items():
            arrax._core._cuda_set_tunable(name, value)
    for eager, jitted in results[1:]:
        np.testing.assert_array_equal(eager, results[0][0])
        np.testing.assert_array_equal(jitted, results[0][1])
    np.testing.assert_allclose(results[0][0], np.sin(xh) * 2 + xh, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="set_tunable"):
        arrax._core._cuda_set_tunable("no_such_setting", 1)
    with pytest.raises(ValueError, match="set_tunable"):
        arrax._core._cuda_set_tunable("blocks_per_sm", 0)


@pytest.mark.parametrize("n", [8193, 100003, (1 << 20) + 5])
def test_sums_under_every_launch_setting(n):
    """The vectorized block sums, split over blocks, under the settings ew_sweep measures:
    exact for integers, float32 within rounding of the float64 sum."""
    rng = np.random.default_rng(n)
    xi = rng.integers(-1000, 1000, n).astype(np.int32)
    xf = rng.random(n).astype(np.float32)
    gi, gf = gpu(xi), gpu(xf)
    defaults = arrax._core._cuda_tunables()
    assert set(defaults) == {
        "blocks_per_sm",
        "reduce_blocks_per_sm",
        "reduce_unroll",
        "gemm_algo",
        "thin_gemm",
    }
    try:
        for unroll in (1, 2, 8):
            for blocks in (1, 16, 256):
                arrax._core._cuda_set_tunable("reduce_unroll", unroll)
                arrax._core._cuda_set_tunable("reduce_blocks_per_sm", blocks)
                assert int(anp.sum(gi)) == int(xi.sum())
                assert int(anp.max(gi[1:])) == int(xi[1:].max())  # (an unaligned start)
                np.testing.assert_allclose(float(anp.sum(gf)), xf.astype(np.float64).sum(), 1e-5)
    finally:
        for name, value in defaults.items():
            arrax._core._cuda_set_tunable(name, value)


@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (3, 5), (4, 4), (2, 3, 6, 4), (0, 3, 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_qr_on_the_gpu_matches_lapack(shape, dtype):
    """qr through cuSOLVER's geqrf/orgqr: LAPACK's Householder signs, as NumPy's (and the CPU
    kernel's) QR, for stacks, wide and tall matrices, and a transposed view."""
    rng = np.random.default_rng(sum(shape))
    a = rng.standard_normal(shape).astype(dtype)
    tol = dict(rtol=2e-4, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    for x in (a, np.swapaxes(a, -1, -2)):
        q, r = anp.linalg.qr(gpu(np.ascontiguousarray(x)))
        qt, rt = anp.linalg.qr(gpu(a).swapaxes(-1, -2)) if x is not a else (q, r)
        assert q.device == arrax.devices()[0] and q.dtype == dtype
        wq, wr = np.linalg.qr(x)
        for got, want in ((q, wq), (r, wr), (qt, wq), (rt, wr)):
            np.testing.assert_allclose(np.asarray(got), want, **tol)


@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (3, 5, 5), (0, 3, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_on_the_gpu_matches_numpy(shape, dtype, uplo):
    """eigh through cuSOLVER's syevd: NumPy's eigenvalues (ascending), eigenvectors up to sign,
    reading only the named triangle of a non-symmetric input."""
    rng = np.random.default_rng(sum(shape) + len(uplo))
    a = rng.standard_normal(shape).astype(dtype)
    w, v = anp.linalg.eigh(gpu(a), UPLO=uplo)
    ww, wv = np.linalg.eigh(a, UPLO=uplo)
    assert w.dtype == dtype and v.dtype == dtype and v.device == arrax.devices()[0]
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(np.asarray(w), ww, **tol)
    np.testing.assert_allclose(np.abs(np.asarray(v)), np.abs(wv), **tol)
    np.testing.assert_allclose(
        np.asarray(anp.linalg.eigvalsh(gpu(a).swapaxes(-1, -2))),
        np.linalg.eigvalsh(np.swapaxes(a, -1, -2)),
        **tol,
    )


@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (3, 5), (4, 4), (2, 3, 6, 4), (2, 4, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_svd_on_the_gpu_matches_numpy(shape, dtype):
    """svd through cuSOLVER's gesvd (tall matrices transposed, wide ones as they are):
    NumPy's singular values, vectors up to sign (u @ diag(s) @ vh rebuilds the input)."""
    rng = np.random.default_rng(sum(shape) + 7)
    a = rng.standard_normal(shape).astype(dtype)
    u, s, vh = anp.linalg.svd(gpu(a), full_matrices=False)
    wu, ws, wvh = np.linalg.svd(a, full_matrices=False)
    assert u.dtype == dtype and s.dtype == dtype and u.device == arrax.devices()[0]
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(np.asarray(s), ws, **tol)
    np.testing.assert_allclose(np.abs(np.asarray(u)), np.abs(wu), **tol)
    np.testing.assert_allclose(np.abs(np.asarray(vh)), np.abs(wvh), **tol)
    rebuilt = np.asarray(u) * np.asarray(s)[..., None, :] @ np.asarray(vh)
    np.testing.assert_allclose(rebuilt, a, **tol)
    np.testing.assert_allclose(
        np.asarray(anp.linalg.svd(gpu(a).swapaxes(-1, -2), compute_uv=False)),
        np.linalg.svd(np.swapaxes(a, -1, -2), compute_uv=False),
        **tol,
    )


@pytest.mark.parametrize(
    "dtype", ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
)
def test_integer_and_bool_matmul_runs_on_the_gpu(dtype):
    """Integer and bool products run as a GPU kernel (cuBLAS has none), with NumPy's values:
    wrapping on overflow, transposed and batched operands, tile edges, an empty contraction."""
    rng = np.random.default_rng(11)
    info = np.iinfo(dtype) if dtype != "bool" else None

    def rand(*shape):
        if dtype == "bool":
            return rng.random(shape) < 0.3
        return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)

    a, b = rand(3, 37, 21), rand(3, 21, 18)
    before = arrax.cuda.host_runs().get("dot_general", 0)
    cases = [  # (function, operands): each run by arrax on the GPU and by NumPy
        (lambda m, x, y: x @ y, a, b),  # batched, sizes not multiples of the 16 x 16 tiles
        (lambda m, x, y: m.swapaxes(x, -1, -2) @ y, rand(2, 21, 37), b[:2]),  # transposed
        (lambda m, x, y: x @ y.T, a[0], rand(18, 21)),
        (lambda m, x, y: m.dot(x, y), rand(5), rand(5)),  # a vector dot: 0-d result
        (lambda m, x, y: x @ y, rand(4, 0), rand(0, 3)),  # K = 0: zeros
        (lambda m, x, y: m.einsum("ij,kj->ik", x, y), rand(33, 17), rand(40, 17)),
    ]
    with np.errstate(over="ignore"):
        for fn, x, y in cases:
            close(fn(anp, gpu(x), gpu(y)), fn(np, x, y))
    assert arrax.cuda.host_runs().get("dot_general", 0) == before


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_thin_products_by_arrax_kernels(dtype):
    """Products with few columns (N <= 16) or a short contraction (K <= 16) and much else run
    by arrax's thin kernels (forced here; by default they run where a timing found them faster
    than cuBLAS): the same values, row-major and transposed operands, batched, any small size."""
    import arrax._core as core

    rng = np.random.default_rng(14)
    tol = 1e-3 if dtype == "float32" else 1e-11  # (sums of up to 2050 products of size ~1)
    cases = [  # (lhs, rhs) as NumPy arrays, and the product
        (rng.standard_normal((300, 257)), rng.standard_normal((257, 10))),  # N small
        (rng.standard_normal((257, 300)).T, rng.standard_normal((257, 10))),  # lhs transposed
        (rng.standard_normal((300, 257)), rng.standard_normal((10, 257)).T),  # rhs transposed
        (rng.standard_normal((3, 100, 700)), rng.standard_normal((3, 700, 1))),  # batched, N 1
        (rng.standard_normal((3, 700, 100)).mT, rng.standard_normal((3, 700, 16))),
        (rng.standard_normal((300, 10)), rng.standard_normal((10, 400))),  # K small
        (rng.standard_normal((10, 300)).T, rng.standard_normal((400, 10)).T),  # both transposed
        (rng.standard_normal((2, 500, 3)), rng.standard_normal((2, 3, 300))),  # batched, K 3
        (rng.standard_normal((700, 1)), rng.standard_normal((1, 300))),  # an outer product
        (rng.standard_normal((1000, 2050)), rng.standard_normal((2050, 16))),  # a long K
        (rng.standard_normal((2050, 1000)).T, rng.standard_normal((2050, 10))),
        # row-major lhs of whole 4-item vectors per row: a warp per row (ax_thin_r)
        (rng.standard_normal((256, 2048)), rng.standard_normal((2048, 10))),
        (rng.standard_normal((3, 64, 1100)), rng.standard_normal((3, 1100, 5))),
        (rng.standard_normal((600, 132)), rng.standard_normal((10, 132)).T),  # a part slice
        # few rows: K split in parts, added by each tile's last block
        (rng.standard_normal((20, 5000)), rng.standard_normal((5000, 10))),
        (rng.standard_normal((2, 3000, 40)).mT, rng.standard_normal((2, 3000, 3))),
    ]
    before = arrax.cuda.gemm_stats()["thin"]
    core._cuda_set_tunable("thin_gemm", 2)
    try:
        for x, y in cases:
            x, y = x.astype(dtype), y.astype(dtype)
            for _ in range(2):  # (a counter a split product left set would show the second time)
                close(gpu(x) @ gpu(y), x @ y, tol, tol)
    finally:
        core._cuda_set_tunable("thin_gemm", 3)
    assert arrax.cuda.gemm_stats()["thin"] - before == 2 * len(cases)
    x, y = cases[0][0].astype(dtype), cases[0][1].astype(dtype)
    timed = arrax.cuda.gemm_stats()["thin_timed"]
    for _ in range(3):  # timed once against cuBLAS, then the faster kept: the same values
        close(gpu(x) @ gpu(y), x @ y, tol, tol)
    assert arrax.cuda.gemm_stats()["thin_timed"] == timed + 1
    with pytest.raises(ValueError, match="thin_gemm"):
        core._cuda_set_tunable("thin_gemm", 4)
