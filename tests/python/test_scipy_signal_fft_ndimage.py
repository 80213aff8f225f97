"""arrax.scipy.signal, .fft, .ndimage and .interpolate against jax.scipy (with float64 enabled)
and SciPy: values and dtypes over tables of cases; then jit and vmap against plain calls,
derivatives against finite differences, and the errors bad arguments raise."""

import functools
import warnings

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax.scipy import fft, interpolate, ndimage, signal
from arrax.test_util import check_grads

jax = pytest.importorskip("jax")
jnp = jax.numpy
jsig = pytest.importorskip("jax.scipy.signal")
jfft = pytest.importorskip("jax.scipy.fft")
jnd = pytest.importorskip("jax.scipy.ndimage")
jinterp = pytest.importorskip("jax.scipy.interpolate")
pytestmark = pytest.mark.usefixtures("jax_x64")  # JAX in float64 for these comparisons
ssig = pytest.importorskip("scipy.signal")
sfft = pytest.importorskip("scipy.fft")
snd = pytest.importorskip("scipy.ndimage")
sinterp = pytest.importorskip("scipy.interpolate")

rng = np.random.default_rng(0)
DTYPES = {"f8": np.float64, "f4": np.float32, "c16": np.complex128, "c8": np.complex64,
          "i8": np.int64, "i4": np.int32, "u1": np.uint8, "b": np.bool_}  # fmt: skip


def data(shape, dtype="f8", scale=3.0):
    x = rng.standard_normal(shape) * scale
    kind = np.dtype(DTYPES[dtype]).kind
    if kind == "c":
        x = x + 1j * rng.standard_normal(shape) * scale
    elif kind in "ub":
        x = np.abs(x) if kind == "u" else x > 0
    return x.astype(DTYPES[dtype])


def close(got, want, tol=None):
    """got matches want in shape, dtype and value: to 1e-12 of the largest value in double
    precision, to float32 rounding in single (NaNs where want has them)."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            close(g, w, tol)
        return
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if tol is None:
        tol = 2e-6 if want.dtype in (np.float32, np.complex64) else 1e-12
    finite = np.isfinite(want)
    scale = max(float(np.max(np.abs(want[finite]), initial=0.0)), 1e-300)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale)


def on_jax(f, *args, **kw):
    """f from JAX on args as JAX arrays, compiled (far faster than JAX's op-by-op)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jax.jit(functools.partial(f, **kw))(*jax.tree_util.tree_map(jnp.asarray, args))


def on_arrax(f, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*[anp.asarray(a) for a in args], **kw)


# ---- signal: convolution ---------------------------------------------------------------------

# (function, in1 shape, in2 shape, dtype or (dtype1, dtype2), keyword arguments)
CONV_CASES = [
    ("convolve", (9,), (4,), "f8", dict(mode="full")),
    ("convolve", (9,), (4,), "f4", dict(mode="same")),
    ("convolve", (4,), (9,), "f8", dict(mode="same")),  # in2 the larger: the inputs swap
    ("convolve", (5, 6), (2, 3), "c16", dict(mode="valid")),
    ("convolve", (5, 6), (3, 3), "i8", dict(mode="full")),
    ("convolve", (5, 6), (3, 3), ("i4", "u1"), dict(mode="same")),  # JAX: float32
    ("convolve", (3, 4, 5), (2, 2, 4), "f8", dict(mode="same")),
    ("convolve", (9,), (4,), ("i8", "f4"), dict(mode="full")),  # JAX: float32
    ("convolve", (9,), (4,), "c8", dict(mode="full", method="fft")),
    ("convolve", (6,), (6,), ("f8", "c16"), dict(mode="valid")),
    ("correlate", (9,), (4,), "c16", dict(mode="full")),
    ("correlate", (4,), (9,), "f8", dict(mode="valid")),
    ("correlate", (6, 5), (3, 2), "f4", dict(mode="same")),
    ("correlate", (6, 5), (3, 2), "i4", dict(mode="valid", method="fft")),
    ("fftconvolve", (9,), (4,), "f8", dict()),
    ("fftconvolve", (4,), (9,), "f4", dict(mode="same")),
    ("fftconvolve", (4,), (9,), "c16", dict(mode="valid")),
    ("fftconvolve", (5, 6), (2, 3), "c8", dict(mode="same")),
    ("fftconvolve", (3, 7), (3, 4), "f8", dict(mode="valid", axes=1)),
    ("fftconvolve", (4, 7, 3), (4, 2, 3), "f8", dict(mode="full", axes=[-2])),
    ("fftconvolve", (1, 5), (3, 1), "f8", dict()),  # no overlap along any axis: a product
    ("fftconvolve", (6,), (6,), "i8", dict(mode="same")),
    ("convolve2d", (6, 5), (3, 2), "f8", dict()),
    ("convolve2d", (2, 3), (4, 5), "c16", dict(mode="same")),
    ("convolve2d", (6, 5), (3, 2), "f4", dict(mode="valid")),
    ("correlate2d", (6, 5), (3, 2), "f8", dict(mode="same")),
    ("correlate2d", (6, 5), (4, 2), "c16", dict(mode="full")),
    ("correlate2d", (2, 3), (4, 5), "c16", dict(mode="full")),
    ("correlate2d", (2, 3), (4, 5), "f8", dict(mode="valid")),
    ("correlate2d", (4, 4), (4, 4), "c16", dict(mode="valid")),
    ("correlate2d", (2, 3), (4, 5), "f4", dict(mode="same")),
]


@pytest.mark.parametrize("name,s1,s2,dt,kw", CONV_CASES)
def test_convolution_matches_jax(name, s1, s2, dt, kw):
    d1, d2 = (dt, dt) if isinstance(dt, str) else dt
    x, k = data(s1, d1), data(s2, d2)
    close(on_arrax(getattr(signal, name), x, k, **kw), on_jax(getattr(jsig, name), x, k, **kw))


# (function, mode, boundary, fillvalue, in1 shape, in2 shape, dtype): beyond JAX, vs SciPy
BOUNDARY_CASES = [
    (fn, mode, boundary, fill, s1, s2, dt)
    for fn in ("convolve2d", "correlate2d")
    for mode in ("full", "same", "valid")
    for boundary, fill, s1, s2, dt in [
        ("fill", 2.5, (6, 7), (3, 2), "f8"),
        ("wrap", 0, (5, 6), (2, 4), "c16"),
        ("symm", 0, (6, 5), (3, 3), "f8"),
    ]
]


@pytest.mark.parametrize("fn,mode,boundary,fill,s1,s2,dt", BOUNDARY_CASES)
def test_2d_boundaries_match_scipy(fn, mode, boundary, fill, s1, s2, dt):
    x, k = data(s1, dt), data(s2, dt)
    want = getattr(ssig, fn)(x, k, mode, boundary, fill)
    close(getattr(signal, fn)(anp.asarray(x), anp.asarray(k), mode, boundary, fill), want)


# ---- signal: detrending and spectra ----------------------------------------------------------

DETREND_CASES = [
    ("f8", (4, 9), dict()),
    ("f4", (9,), dict()),
    ("i8", (5, 9), dict(axis=0, type="constant")),
    ("c16", (3, 9), dict(bp=[3, 5])),
    ("f8", (9, 4), dict(axis=0, bp=4)),
    ("f8", (9,), dict(bp=[1, 2])),  # a one-point piece
    ("u1", (9,), dict(type="constant")),
]


@pytest.mark.parametrize("dt,shape,kw", DETREND_CASES)
def test_detrend_matches_jax(dt, shape, kw):
    x = data(shape, dt)
    close(on_arrax(signal.detrend, x, **kw), on_jax(jsig.detrend, x, **kw))


WELCH_CASES = [
    ("f8", (2, 50), dict()),
    ("f4", (50,), dict(nperseg=16)),
    ("i8", (2, 50), dict(nperseg=16, noverlap=4, nfft=20, scaling="spectrum")),
    ("c16", (50,), dict(nperseg=8)),  # complex: two-sided, with a warning
    ("f8", (50, 3), dict(nperseg=10, axis=0, average="median", window="hamming")),
    ("f8", (40,), dict(nperseg=9, window=np.arange(9.0), detrend="linear")),
    ("f8", (40,), dict(nperseg=8, window=("tukey", 0.3), return_onesided=False, detrend=False)),
    ("f8", (30,), dict(nperseg=30)),  # a single segment
]


@pytest.mark.parametrize("dt,shape,kw", WELCH_CASES)
def test_welch_matches_jax(dt, shape, kw):
    x = data(shape, dt)
    close(on_arrax(signal.welch, x, **kw), on_jax(jsig.welch, x, **kw))


CSD_CASES = [
    ("f8", (2, 50), (2, 50), dict(nperseg=16)),
    ("f4", (50,), (50,), dict(nperseg=16, average="median")),
    ("f8", (2, 50), (1, 44), dict(nperseg=12, fs=2.0)),  # broadcast; y zero-padded
    ("c16", (40,), (40,), dict(nperseg=8, scaling="spectrum")),
]


@pytest.mark.parametrize("dt,sx,sy,kw", CSD_CASES)
def test_csd_matches_jax(dt, sx, sy, kw):
    x, y = data(sx, dt), data(sy, dt)
    close(on_arrax(signal.csd, x, y, **kw), on_jax(jsig.csd, x, y, **kw))


STFT_CASES = [
    ("f8", (2, 50), dict(nperseg=16)),
    ("f4", (50,), dict(nperseg=15, window="blackman", fs=3.0)),
    ("c16", (50,), dict(nperseg=8)),
    ("f8", (50,), dict(nperseg=10, boundary="even")),
    ("f8", (50,), dict(nperseg=10, boundary="odd", detrend="linear")),
    ("i8", (50,), dict(nperseg=10, boundary="constant", noverlap=3, nfft=12)),
    ("f8", (50,), dict(nperseg=10, boundary=None, padded=False, return_onesided=False)),
    ("f8", (40, 3), dict(nperseg=8, axis=0)),
]


@pytest.mark.parametrize("dt,shape,kw", STFT_CASES)
def test_stft_matches_jax(dt, shape, kw):
    x = data(shape, dt)
    close(on_arrax(signal.stft, x, **kw), on_jax(jsig.stft, x, **kw))


# (dtype of the STFT, stft keyword arguments, istft keyword arguments)
ISTFT_CASES = [
    ("c16", dict(nperseg=16), dict(nperseg=16)),
    ("c8", dict(nperseg=16, noverlap=4, nfft=20), dict(nperseg=16, noverlap=4, nfft=20)),
    ("c16", dict(nperseg=8, window="hamming"), dict(nperseg=8, window="hamming")),
    ("c16", dict(nperseg=8, return_onesided=False), dict(input_onesided=False)),
    ("c16", dict(nperseg=8, boundary=None, padded=False), dict(boundary=False)),
]


@pytest.mark.parametrize("dt,skw,ikw", ISTFT_CASES)
def test_istft_matches_jax_and_inverts_stft(dt, skw, ikw):
    x = rng.standard_normal((2, 48))
    z = np.asarray(ssig.stft(x, **skw)[2]).astype(DTYPES[dt])
    got = on_arrax(signal.istft, z, **ikw)
    close(got, on_jax(jsig.istft, z, **ikw))
    if skw.get("boundary", "zeros") is not None:
        close(got[1][..., :48], x.astype(got[1].dtype))


def test_istft_axes_match_jax():
    z = np.asarray(ssig.stft(rng.standard_normal((2, 40)), nperseg=8)[2]).transpose(2, 0, 1)
    kw = dict(time_axis=0, freq_axis=-1)
    close(on_arrax(signal.istft, z, **kw), on_jax(jsig.istft, z, **kw))


def test_istft_odd_nperseg_matches_scipy():
    # JAX's istft fails here (its inverse FFT ignores the odd segment length); SciPy's doesn't.
    z = ssig.stft(rng.standard_normal(40), nperseg=7)[2]
    close(signal.istft(anp.asarray(z), nperseg=7), ssig.istft(z, nperseg=7))


def test_callable_detrend_follows_scipy():
    # A callable detrends each segment, as SciPy does; JAX applies it across segments instead.
    x = rng.standard_normal((3, 64))
    f = lambda d: d - d.mean(axis=-1, keepdims=True)  # noqa: E731
    close(signal.welch(anp.asarray(x), nperseg=16, detrend=f), ssig.welch(x, nperseg=16, detrend=f))


WINDOWS = ["boxcar", "triang", "bartlett", "hann", "hamming", "blackman", "blackmanharris",
           "nuttall", "flattop", "cosine", "bohman", ("tukey", 0.3), ("kaiser", 6.0),
           ("gaussian", 2.0), ("general_hamming", 0.6), ("exponential", None, 2.0), 7.5,
           "parzen", "hann_symmetric"]  # fmt: skip


@pytest.mark.parametrize("window", WINDOWS, ids=str)
def test_get_window_matches_scipy(window):
    for n in (1, 2, 7, 8):
        for fftbins in (True, False):
            close(signal.get_window(window, n, fftbins), ssig.get_window(window, n, fftbins))


# ---- fft -------------------------------------------------------------------------------------

DCT_CASES = [
    ("dct", "f8", (5, 8), dict()),
    ("dct", "f4", (5, 8), dict(axis=0, norm="ortho")),
    ("dct", "c16", (5, 8), dict(n=11)),
    ("dct", "i8", (8,), dict(n=5, norm="backward")),
    ("dct", "i4", (8,), dict(norm="ortho")),
    ("idct", "f8", (5, 8), dict(norm="ortho")),
    ("idct", "c8", (5, 8), dict(axis=0, n=6)),
    ("dctn", "f8", (5, 8), dict()),
    ("dctn", "f4", (3, 5, 8), dict(axes=(0, 2), norm="ortho")),
    ("dctn", "c16", (5, 8), dict(s=(3, 10))),
    ("idctn", "f8", (5, 8), dict(s=[7])),
    ("idctn", "f8", (3, 5, 8), dict(axes=(1, 0), s=(9, 2), norm="ortho")),
    ("idctn", "i8", (5, 8), dict()),
]


@pytest.mark.parametrize("name,dt,shape,kw", DCT_CASES)
def test_dct_matches_jax(name, dt, shape, kw):
    x = data(shape, dt)
    close(on_arrax(getattr(fft, name), x, **kw), on_jax(getattr(jfft, name), x, **kw))


@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
@pytest.mark.parametrize("type", [1, 2, 3, 4])
def test_dct_types_and_norms_match_scipy(type, norm):
    # JAX has type 2 with norm None/backward/ortho only; SciPy defines the rest.
    x = data((3, 4, 7), "f8")
    for name, kw in [("dct", {}), ("idct", dict(n=9, axis=1)), ("dctn", dict(axes=(0, 2))),
                     ("idctn", dict(s=(5, 6)))]:  # fmt: skip
        got = getattr(fft, name)(anp.asarray(x), type=type, norm=norm, **kw)
        close(got, getattr(sfft, name)(x, type=type, norm=norm, **kw))
        back = getattr(fft, name.replace("i", "") if name[0] == "i" else "i" + name)
        if "n" not in kw and "s" not in kw:
            close(back(got, type=type, norm=norm, **kw), x)


# ---- ndimage ---------------------------------------------------------------------------------

# (input dtype, shape, order, mode, coordinate dtype)
MAP_CASES = [
    ("f8", (7,), 1, "constant", "f8"),
    ("f8", (4, 5), 0, "nearest", "f8"),
    ("f4", (4, 5), 1, "wrap", "f4"),
    ("f8", (4, 5), 0, "mirror", "f8"),
    ("f8", (3, 2, 4), 1, "reflect", "f8"),
    ("i4", (4, 5), 1, "constant", "f8"),
    ("i8", (4, 5), 1, "nearest", "f4"),
    ("c16", (4, 5), 1, "mirror", "f8"),
    ("f8", (1, 6), 1, "mirror", "f8"),  # a one-sample axis
    ("f8", (1, 6), 0, "wrap", "i8"),
    ("f4", (5, 4), 0, "reflect", "f4"),
    ("f8", (6,), 1, "nearest", "i8"),
]


@pytest.mark.parametrize("dt,shape,order,mode,cdt", MAP_CASES)
def test_map_coordinates_matches_jax(dt, shape, order, mode, cdt):
    x = data(shape, dt, scale=10.0)
    coords = [rng.uniform(-3, n + 3, size=(3, 4)) for n in shape]
    coords[0][0, :3] = [0.5, -0.5, 1.5]  # halves round away from zero
    coords = [c.astype(DTYPES[cdt]) for c in coords]
    got = ndimage.map_coordinates(
        anp.asarray(x), [anp.asarray(c) for c in coords], order, mode, 2.5
    )
    want = on_jax(lambda x, c: jnd.map_coordinates(x, c, order, mode, 2.5), x, coords)
    close(got, want)


@pytest.mark.parametrize("mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_map_coordinates_linear_matches_scipy(mode):
    x = data((5, 6), "f8")
    coords = np.stack([rng.uniform(-4, 10, 20), rng.uniform(-4, 10, 20)])
    smode = {"constant": "grid-constant", "wrap": "grid-wrap"}.get(mode, mode)
    want = snd.map_coordinates(x, coords, order=1, mode=smode, cval=1.5)
    close(ndimage.map_coordinates(anp.asarray(x), anp.asarray(coords), 1, mode, 1.5), want)


# ---- interpolate -----------------------------------------------------------------------------

GRID = (np.sort(rng.uniform(0, 5, 6)), np.linspace(-1, 1, 4), np.array([0.0, 1.0, 3.0]))

# (values dtype, values shape (its first axes on the grid), method, fill_value, points dtype)
RGI_CASES = [
    ("f8", (6,), "linear", np.nan, "f8"),
    ("f8", (6, 4), "nearest", np.nan, "f8"),
    ("f4", (6, 4, 3), "linear", None, "f8"),
    ("f4", (6, 4), "linear", 0.5, "f4"),
    ("i8", (6, 4), "linear", 0.5, "f8"),
    ("i4", (6, 4), "nearest", np.nan, "f8"),
    ("c16", (6, 4), "nearest", None, "f8"),
    ("f8", (6, 4, 2), "linear", np.nan, "f8"),  # a trailing value axis
    ("f8", (6, 4, 3), "nearest", 1.0, "f4"),
]


def _rgi_points(ndim, dt):
    pts = np.stack([rng.uniform(g[0] - 0.5, g[-1] + 0.5, (2, 3)) for g in GRID[:ndim]], -1)
    pts[0, 0] = [g[1] for g in GRID[:ndim]]  # on a grid point
    return pts.astype(DTYPES[dt])


@pytest.mark.parametrize("dt,shape,method,fill,pdt", RGI_CASES)
def test_regular_grid_interpolator_matches_jax(dt, shape, method, fill, pdt):
    ndim = 2 if shape[-1] == 2 else len(shape)
    values = data(shape, dt)
    grid = tuple(g.astype(DTYPES[pdt]) for g in GRID[:ndim])
    pts = _rgi_points(ndim, pdt)
    got = interpolate.RegularGridInterpolator(grid, anp.asarray(values), method, fill_value=fill)(
        anp.asarray(pts)
    )
    want = on_jax(
        lambda g, v, p: jinterp.RegularGridInterpolator(g, v, method, fill_value=fill)(p),
        grid, values, pts,
    )  # fmt: skip
    close(got, want)
    if ndim == 1:
        return  # a 1-tuple of points is taken as the array of points (as JAX and SciPy do)
    # points as a tuple of coordinate arrays
    cols = tuple(pts[..., i] for i in range(ndim))
    got = interpolate.RegularGridInterpolator(grid, anp.asarray(values), method, fill_value=fill)(
        tuple(anp.asarray(c) for c in cols)
    )
    want = on_jax(
        lambda g, v, p: jinterp.RegularGridInterpolator(g, v, method, fill_value=fill)(p),
        grid, values, cols,
    )  # fmt: skip
    close(got, want)


@pytest.mark.parametrize("method", ["linear", "nearest"])
def test_regular_grid_interpolator_extrapolates_as_scipy(method):
    values = data((6, 4, 3), "f8")
    pts = _rgi_points(3, "f8").reshape(-1, 3)
    want = sinterp.RegularGridInterpolator(GRID, values, method, False, None)(pts)
    got = interpolate.RegularGridInterpolator(GRID, anp.asarray(values), method, False, None)
    close(got(anp.asarray(pts)), want)


# ---- transformations -------------------------------------------------------------------------

X = rng.standard_normal(16)
K = rng.standard_normal(5)
IMG = rng.standard_normal((6, 7))
COORDS = rng.uniform(-1, 7, (2, 5))
RGI = interpolate.RegularGridInterpolator(GRID[:2], anp.asarray(rng.standard_normal((6, 4))))

# (name, function of arrax arrays, arguments): the first argument is batched for vmap
TRANSFORM_CASES = [
    ("convolve", lambda x, k: signal.convolve(x, k, "same"), (X, K)),
    ("correlate_complex", lambda x, k: signal.correlate(x * (1 - 2j), k, "full"), (X, K)),
    ("fftconvolve", lambda x, k: signal.fftconvolve(x, k, "valid"), (X, K)),
    ("convolve2d_wrap", lambda a: signal.convolve2d(a, IMG[:3, :2], "same", "wrap"), (IMG,)),
    ("correlate2d", lambda a, b: signal.correlate2d(a, b), (IMG, IMG[:2, :3])),
    ("detrend", lambda x: signal.detrend(x, bp=[5, 9]), (X,)),
    ("welch", lambda x: signal.welch(x, nperseg=6), (X,)),
    ("welch_median", lambda x: signal.welch(x, nperseg=6, average="median"), (X,)),
    ("csd", lambda x, y: signal.csd(x, y, nperseg=8, detrend="linear"), (X, X[::-1])),
    ("stft", lambda x: signal.stft(x, nperseg=6), (X,)),
    ("istft", lambda x: signal.istft(signal.stft(x, nperseg=6)[2], nperseg=6), (X,)),
    ("dct", lambda x: fft.dct(x, norm="ortho"), (X,)),
    ("idctn", lambda a: fft.idctn(a, type=3), (IMG,)),
    ("dct_type1", lambda x: fft.dct(x, type=1, norm="ortho"), (X,)),
    ("map_coordinates", lambda a, c: ndimage.map_coordinates(a, c, 1, "reflect"), (IMG, COORDS)),
    ("map_coordinates_0", lambda a, c: ndimage.map_coordinates(a, c, 0, "constant"), (IMG, COORDS)),
    ("rgi_points", lambda p: RGI(p), (rng.uniform(0.5, 4, (3, 2)),)),
    ("rgi_values", lambda v, p: RGI.__class__(GRID[:2], v)(p), (IMG[:, :4], COORDS.T / 2)),
]


def _tree_close(got, want):
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    close(got, want)


@pytest.mark.parametrize("name,f,args", TRANSFORM_CASES, ids=[c[0] for c in TRANSFORM_CASES])
def test_jit_and_vmap(name, f, args):
    args = [anp.asarray(a) for a in args]
    _tree_close(arrax.jit(f)(*args), f(*args))
    batch = anp.stack([args[0], 2 * args[0], args[0] - 1])
    got = arrax.vmap(f, in_axes=(0,) + (None,) * (len(args) - 1))(batch, *args[1:])
    rows = [f(b, *args[1:]) for b in batch]
    if isinstance(rows[0], tuple):
        want = tuple(anp.stack([r[i] for r in rows]) for i in range(len(rows[0])))
    else:
        want = anp.stack(rows)
    _tree_close(got, want)


def test_interpolator_is_a_pytree():
    leaves, tree = arrax.tree_util.tree_flatten(RGI)
    assert len(leaves) == 4  # two grid axes, values, fill value
    pts = anp.asarray(rng.uniform(0.5, 4, (3, 2)))
    close(arrax.jit(lambda r, p: r(p))(RGI, pts), RGI(pts))


def _sq(z):
    """A real function of a (possibly complex) array: check_grads wants real outputs."""
    return anp.real(z * anp.conj(z))


# (name, real-valued function of float64 arrax arrays, arguments)
GRAD_CASES = [
    ("convolve", lambda x, k: signal.convolve(x, k, "same"), (X, K)),
    ("correlate_complex", lambda x, k: _sq(signal.correlate(x * (1 + 2j), k)), (X, K)),
    ("fftconvolve", lambda x, k: signal.fftconvolve(x, k, "full"), (X, K)),
    ("convolve2d_symm", lambda a, b: signal.convolve2d(a, b, "same", "symm"), (IMG, IMG[:2, :3])),
    ("detrend", lambda x: signal.detrend(x, bp=[4]), (X,)),
    ("welch", lambda x: signal.welch(x, nperseg=6)[1], (X,)),
    ("csd", lambda x, y: _sq(signal.csd(x, y, nperseg=6)[1]), (X, X[::-1])),
    ("stft", lambda x: _sq(signal.stft(x, nperseg=6)[2]), (X,)),
    ("istft", lambda x: signal.istft(signal.stft(x, nperseg=6)[2], nperseg=6)[1], (X,)),
    ("dct", lambda x: fft.dct(x, norm="ortho"), (X,)),
    ("idctn", lambda a: fft.idctn(a, type=4), (IMG,)),
    ("map_coordinates", lambda a, c: ndimage.map_coordinates(a, c, 1, "mirror"), (IMG, COORDS)),
    (
        "rgi",
        lambda v, p: RGI.__class__(GRID[:2], v, fill_value=None)(p),
        (IMG[:, :4], COORDS.T / 2),
    ),
]


@pytest.mark.parametrize("name,f,args", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_finite_differences(name, f, args):
    check_grads(f, tuple(anp.asarray(a) for a in args), order=1, modes=("fwd", "rev"))


# ---- errors ----------------------------------------------------------------------------------

V, V2 = anp.ones(5), anp.ones((3, 3))
ERROR_CASES = [
    (lambda: signal.convolve(V, V, mode="circular"), ValueError, "convolve: mode"),
    (lambda: signal.convolve(V, V2), ValueError, "convolve: in1 and in2"),
    (lambda: signal.convolve(V, V, method="magic"), ValueError, "convolve: got method"),
    (lambda: signal.convolve(anp.ones((2, 5)), anp.ones((3, 2))), ValueError, "convolve: one input"),
    (lambda: signal.correlate(anp.ones(0), V), ValueError, "correlate: zero-size"),
    (lambda: signal.fftconvolve(V, V2), ValueError, "fftconvolve: in1 and in2"),
    (lambda: signal.fftconvolve(V2, anp.ones((3, 2)), axes=0), ValueError, "fftconvolve: mapped"),
    (lambda: signal.fftconvolve(anp.ones((2, 5)), anp.ones((3, 2)), "valid"), ValueError,
     "fftconvolve: for 'valid'"),
    (lambda: signal.convolve2d(V, V), ValueError, "convolve2d: only supports 2-dimensional"),
    (lambda: signal.correlate2d(V2, V2, boundary="circular"), ValueError, "correlate2d: boundary"),
    (lambda: signal.convolve2d(V2, anp.ones((4, 4)), "same", "wrap"), ValueError, "convolve2d:"),
    (lambda: signal.detrend(V, type="quadratic"), ValueError, "detrend: trend type"),
    (lambda: signal.detrend(V, bp=[7]), ValueError, "detrend: breakpoints"),
    (lambda: signal.welch(anp.ones(20), nperseg=8, noverlap=8), ValueError, "welch: noverlap"),
    (lambda: signal.welch(anp.ones(20), nperseg=8, nfft=4), ValueError, "welch: nfft"),
    (lambda: signal.welch(anp.ones(20), average="mode"), ValueError, "welch: average"),
    (lambda: signal.welch(anp.ones(20), scaling="power"), ValueError, "welch: unknown scaling"),
    (lambda: signal.welch(anp.ones(20), window=anp.ones(8), nperseg=6), ValueError,
     "welch: value specified for nperseg"),
    (lambda: signal.stft(anp.ones(20), nperseg=8, boundary="circular"), ValueError, "stft: unknown"),
    (lambda: signal.stft(anp.ones(20), nperseg=8, detrend=3), ValueError, "stft: unsupported"),
    (lambda: signal.csd(anp.ones(20), anp.ones((2, 20))), ValueError, "csd: two arguments"),
    (lambda: signal.istft(anp.ones(8)), ValueError, "istft: input stft"),
    (lambda: signal.istft(V2, time_axis=0, freq_axis=0), ValueError, "istft: must specify"),
    (lambda: signal.get_window("nonesuch", 8), ValueError, "get_window: Invalid window"),
    (lambda: signal.get_window("kaiser", 8), ValueError, "get_window: 'kaiser' must have"),
    (lambda: fft.dct(V, type=5), ValueError, "dct: type"),
    (lambda: fft.idctn(V2, norm="unitary"), ValueError, "idctn: norm"),
    (lambda: fft.dctn(V2, s=(1, 2, 3)), ValueError, "dctn: s must have"),
    (lambda: ndimage.map_coordinates(V2, [V], 1), ValueError, "map_coordinates: coordinates"),
    (lambda: ndimage.map_coordinates(V, [V], 3), NotImplementedError, "map_coordinates: only"),
    (lambda: ndimage.map_coordinates(V, [V], 1, "grid-wrap"), NotImplementedError,
     "map_coordinates: mode"),
    (lambda: interpolate.RegularGridInterpolator((GRID[0],), V, "cubic"), ValueError,
     "RegularGridInterpolator: method"),
    (lambda: interpolate.RegularGridInterpolator((GRID[0],), V, bounds_error=True),
     NotImplementedError, "RegularGridInterpolator: `bounds_error`"),
    (lambda: interpolate.RegularGridInterpolator(GRID, V2), ValueError,
     "RegularGridInterpolator: there are 3"),
    (lambda: RGI(anp.ones((4, 3))), ValueError, "RegularGridInterpolator: the requested"),
]  # fmt: skip


@pytest.mark.parametrize("call,exc,match", ERROR_CASES, ids=[c[2] for c in ERROR_CASES])
def test_errors(call, exc, match):
    with pytest.raises(exc, match="^" + match):
        call()
