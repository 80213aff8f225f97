"""arrax.scipy against JAX (float64) where probing the APIs of JAX's scipy_fft, scipy_interpolate
and scipy_spatial test files found differences: bfloat16 inputs taken for non-floating data
(dct/dctn rejected them, Rotation.from_euler computed in float64, rankdata dropped NaNs,
RegularGridInterpolator promoted them to float32), dctn over no axes, and the dtype of a
RegularGridInterpolator fill value that is not a Python scalar."""

import arrax
import arrax.scipy.fft as afft
import arrax.scipy.interpolate as ainterp
import arrax.scipy.stats as astats
import numpy as onp
import pytest
from arrax.scipy.spatial.transform import Rotation as ARotation

pytestmark = pytest.mark.usefixtures("jax_x64")


def _same(got, want, rtol=1e-10, atol=1e-12):
    got, want = onp.asarray(got), onp.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    onp.testing.assert_allclose(
        got.astype(onp.float64), want.astype(onp.float64), rtol=rtol, atol=atol, equal_nan=True
    )


def _bfloat16():
    jnp = pytest.importorskip("jax.numpy")
    return jnp.bfloat16


# ---- scipy.fft: bfloat16 input, dctn over no axes ---------------------------------------


@pytest.mark.parametrize("name", ["dct", "idct"])
@pytest.mark.parametrize("norm", [None, "ortho"])
def test_dct_bfloat16_like_jax(name, norm):
    jsp_fft = pytest.importorskip("jax.scipy.fft")
    bf16 = _bfloat16()
    x = (onp.random.default_rng(0).standard_normal((3, 4)) * 3).astype(bf16)
    got = getattr(afft, name)(x, n=6, axis=0, norm=norm)
    want = getattr(jsp_fft, name)(x, n=6, axis=0, norm=norm)
    # JAX rounds intermediates to bfloat16; arrax's float32 result is closer to SciPy's.
    _same(got, want, rtol=2e-2, atol=3e-2)
    osp_fft = pytest.importorskip("scipy.fft")
    ref = getattr(osp_fft, name)(x.astype(onp.float64), n=6, axis=0, norm=norm)
    onp.testing.assert_allclose(onp.asarray(got), ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["dctn", "idctn"])
def test_dctn_bfloat16_like_jax(name):
    jsp_fft = pytest.importorskip("jax.scipy.fft")
    bf16 = _bfloat16()
    x = (onp.random.default_rng(1).standard_normal((3, 4)) * 3).astype(bf16)
    _same(
        getattr(afft, name)(x, s=(2, 5)),
        getattr(jsp_fft, name)(x, s=(2, 5)),
        rtol=2e-2,
        atol=5e-2,
    )
    # No axes: x itself, bfloat16 included.
    _same(getattr(afft, name)(x, axes=[]), getattr(jsp_fft, name)(x, axes=[]))


@pytest.mark.parametrize("name", ["dctn", "idctn"])
@pytest.mark.parametrize("dtype", [onp.int8, onp.int32, onp.uint8, onp.bool_, onp.float32])
def test_dctn_no_axes_keeps_input_like_jax(name, dtype):
    jsp_fft = pytest.importorskip("jax.scipy.fft")
    x = onp.arange(12).reshape(3, 4).astype(dtype)
    _same(getattr(afft, name)(x, axes=()), getattr(jsp_fft, name)(x, axes=()))


@pytest.mark.parametrize("name", ["dct", "idct"])
def test_dct_empty_axis_raises_value_error(name):
    # JAX fails inside lax (TypeError); arrax says why, as SciPy does (ValueError).
    with pytest.raises(ValueError, match="invalid number of data points"):
        getattr(afft, name)(onp.zeros((0,)))


def test_dct_bfloat16_jit_and_grad():
    bf16 = _bfloat16()
    x = onp.linspace(-1.0, 1.0, 5).astype(bf16)
    out = arrax.jit(afft.dct)(x)
    assert onp.asarray(out).dtype == onp.float32
    g = arrax.grad(lambda v: afft.dct(v, norm="ortho").astype(onp.float32).sum())(
        onp.asarray(x, onp.float32)
    )
    assert onp.all(onp.isfinite(onp.asarray(g)))


# ---- scipy.interpolate.RegularGridInterpolator --------------------------------------------


def test_interpolator_bfloat16_values_like_jax():
    jsp_interp = pytest.importorskip("jax.scipy.interpolate")
    bf16 = _bfloat16()
    grid = (onp.linspace(0.0, 10.0, 6),)
    values = onp.arange(6.0).astype(bf16)
    xi = onp.array([1.3, 4.4, 11.0, -1.0]).astype(bf16)
    for method in ("nearest", "linear"):
        got = ainterp.RegularGridInterpolator(grid, values, method)(xi)
        want = jsp_interp.RegularGridInterpolator(grid, values, method)(xi)
        _same(got, want, rtol=2e-2, atol=2e-2)
        assert ainterp.RegularGridInterpolator(grid, values).values.dtype == bf16


@pytest.mark.parametrize("method", ["linear", "nearest"])
@pytest.mark.parametrize(
    "fill", [onp.nan, 2.5, 0, None, onp.float32(2.0), onp.float64(-1.0), onp.array(3.0)]
)
@pytest.mark.parametrize("vdtype", [onp.float16, onp.float32])
def test_interpolator_fill_value_dtype_like_jax(method, fill, vdtype):
    jsp_interp = pytest.importorskip("jax.scipy.interpolate")
    grid = (onp.linspace(0.0, 10.0, 6), onp.array([-1.0, 0.0, 2.0, 5.0]))
    values = onp.random.default_rng(2).standard_normal((6, 4)).astype(vdtype)
    xi = onp.array([[1.5, 0.5], [12.0, 1.0], [3.0, -4.0]], dtype=vdtype)
    got = ainterp.RegularGridInterpolator(grid, values, method, False, fill)(xi)
    want = jsp_interp.RegularGridInterpolator(grid, values, method, False, fill)(xi)
    _same(got, want, rtol=1e-3, atol=1e-3)


def test_interpolator_fill_value_dtype_through_jit():
    jsp_interp = pytest.importorskip("jax.scipy.interpolate")
    grid = (onp.linspace(0.0, 1.0, 3),)
    values = onp.array([0.0, 1.0, 4.0], onp.float32)
    xi = onp.array([0.25, 2.0], onp.float32)
    for fill in (onp.nan, onp.float64(7.0)):
        r = ainterp.RegularGridInterpolator(grid, values, fill_value=fill)
        got = arrax.jit(lambda r, x: r(x))(r, xi)
        want = jsp_interp.RegularGridInterpolator(grid, values, fill_value=fill)(xi)
        _same(got, want, rtol=1e-6)


# ---- scipy.spatial.transform.Rotation.from_euler: bfloat16 angles -----------------------


@pytest.mark.parametrize("seq", ["x", "xyz", "ZXZ"])
def test_from_euler_bfloat16_like_jax(seq):
    transform = pytest.importorskip("jax.scipy.spatial.transform")
    bf16 = _bfloat16()
    angles = onp.array([[0.1, 0.7, -0.4], [1.2, -0.3, 0.5]])[:, : len(seq)].astype(bf16)
    got = ARotation.from_euler(seq, angles).as_quat()
    want = transform.Rotation.from_euler(seq, angles).as_quat()
    _same(got, want, rtol=2e-2, atol=2e-2)


# ---- scipy.stats.rankdata: NaN in bfloat16 data -----------------------------------------


@pytest.mark.parametrize("method", ["average", "min", "dense", "ordinal"])
def test_rankdata_bfloat16_nan_like_jax(method):
    jstats = pytest.importorskip("jax.scipy.stats")
    bf16 = _bfloat16()
    x = onp.array([[3.0, onp.nan, 1.0, 2.0], [4.0, 1.0, 1.0, 0.0]]).astype(bf16)
    _same(
        astats.rankdata(x, method, axis=1),
        jstats.rankdata(x, method, axis=1),
    )
    _same(astats.rankdata(x, method), jstats.rankdata(x, method))


def test_jax_inexact_dtype_keeps_bfloat16():
    # scipy.signal (and the other jax-only functions) compute bfloat16 in bfloat16 as JAX does;
    # with float16 both go to float32 (NumPy cannot promote the pair)
    jax = pytest.importorskip("jax")
    import arrax.scipy.signal as asig
    from arrax.numpy._dtypes import _jax_inexact_dtype

    bf16 = _bfloat16()
    x = onp.linspace(0, 1, 8).astype(bf16)
    for other in (x, onp.arange(3, dtype=onp.int8), onp.ones(3, onp.float16)):
        got = asig.convolve(x, other)
        want = jax.scipy.signal.convolve(x, other)
        _same(got, want, rtol=1e-2, atol=1e-2)
    assert _jax_inexact_dtype(bf16, onp.float16) == onp.float32
