"""Differences from NumPy/JAX found by running JAX's own tests/lax_numpy_test.py against arrax
(fifth numpy round), each checked against NumPy (eager values and dtypes) or JAX (64-bit, as
arrax is) for what only JAX has:

* ``polyfit`` traces (jit, vmap, grad) with JAX's algorithm (lstsq with ``rcond`` on the scaled
  Vandermonde matrix, ``full=`` and ``cov=`` too), matching NumPy's eager results (its int32
  rank too);
* ``interp`` takes JAX's ``left``/``right="extrapolate"`` (other strings: JAX's ValueError), and
  a complex ``x`` or ``xp`` is NumPy's TypeError (the imaginary parts were dropped);
* ``digitize`` with traced bins finds their direction (decreasing bins were searched as
  increasing under jit and vmap);
* ``ldexp`` of bfloat16 follows ml_dtypes' NumPy loops (bfloat16 with int32 exponents, float32
  for int64 ones) instead of refusing the dtype;
* ``zeros_like``/``ones_like``/``full_like``/``empty_like`` take a duck-typed prototype (a
  ShapeDtypeStruct), as JAX's;
* ``bincount`` sums real weights as float64, NumPy's result dtype (float32 weights kept float32);
* ``argsort(dtype=)``, JAX's keyword."""

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, anp

pytestmark = pytest.mark.usefixtures("jax_x64")
arrax_only = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax feature (tracing)")


def _jax():
    return pytest.importorskip("jax")


def _arrax():
    return pytest.importorskip("arrax")


def _same(got, want, rtol=1e-9, atol=1e-11):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


# ---- polyfit under jit / vmap / grad ------------------------------------------------------

_rng = np.random.default_rng(5)
PX = np.linspace(-1.0, 2.0, 12)
PY = 1.5 * PX**3 - PX + 0.25 + 0.01 * _rng.standard_normal(12)
PY2 = np.stack([PY, 2.0 * PY + 1.0], axis=1)
PW = 0.5 + _rng.random(12)


@arrax_only
@pytest.mark.parametrize("y", [PY, PY2], ids=["1d", "2d"])
@pytest.mark.parametrize("deg", [1, 3])
@pytest.mark.parametrize("rcond", [None, -1, 1e-2])
@pytest.mark.parametrize("w", [None, PW], ids=["now", "w"])
@pytest.mark.parametrize("mode", ["full", "cov", "unscaled"])
def test_polyfit_traces_like_numpy(y, deg, rcond, w, mode):
    # jit(polyfit) was TracerArrayConversionError (full=/cov= went to NumPy, and the plain fit
    # ignored rcond); the traced fit gives NumPy's eager values and dtypes
    arrax = _arrax()
    kw = dict(full=mode == "full", cov={"cov": True, "unscaled": "unscaled"}.get(mode, False))

    def f(x, y, w):
        return anp.polyfit(x, y, deg, rcond=rcond, w=w, **kw)

    want = np.polyfit(PX, y, deg, rcond=rcond, w=w, **kw)
    got = arrax.jit(f)(PX, y, w)
    want = want if isinstance(want, tuple) else (want,)
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(want)
    for g, e in zip(got, want):
        _same(g, np.asarray(e) if not isinstance(e, float) else np.float64(e), rtol=1e-7, atol=1e-9)
    eager = anp.polyfit(PX, y, deg, rcond=rcond, w=w, **kw)
    eager = eager if isinstance(eager, tuple) else (eager,)
    for g, e in zip(eager, want):
        _same(g, np.asarray(e), rtol=1e-12, atol=1e-12)


@arrax_only
def test_polyfit_rcond_drops_small_singular_values_under_jit():
    # a rank-deficient fit (two distinct x for a cubic): the rank and the fitted values as
    # NumPy's lstsq gives them
    arrax = _arrax()
    x = np.repeat([0.0, 1.0, 2.0], 3)
    y = 2.0 * x + 1.0 + 0.1 * _rng.standard_normal(9)
    want = np.polyfit(x, y, 3, rcond=1e-2, full=True)
    got = arrax.jit(lambda x, y: anp.polyfit(x, y, 3, rcond=1e-2, full=True))(x, y)
    # (the cut coefficients are ill-determined: compare the fitted values and the rank)
    _same(np.polyval(np.asarray(got[0]), x), np.polyval(want[0], x), rtol=1e-9, atol=1e-9)
    assert int(got[2]) == want[2] < 4 and got[2].dtype == np.int32


@arrax_only
def test_polyfit_vmap_and_grad_like_jax():
    arrax, jax = _arrax(), _jax()
    ys = np.stack([PY, PY + 1.0, 2.0 * PY])
    got = arrax.vmap(lambda y: anp.polyfit(PX, y, 2, cov=True))(ys)
    want = jax.vmap(lambda y: jax.numpy.polyfit(PX, y, 2, cov=True))(ys)
    for g, e in zip(got, want):
        _same(g, np.asarray(e))
    got = arrax.grad(lambda y: anp.polyfit(PX, y, 2, w=PW, full=True)[1][0])(PY)
    want = jax.grad(lambda y: jax.numpy.polyfit(PX, y, 2, w=PW, full=True)[1][0])(PY)
    _same(got, np.asarray(want))


@arrax_only
def test_polyfit_traced_errors_like_jax():
    arrax = _arrax()
    for args, exc in [
        ((np.ones((2, 2)), np.ones(2), 1), TypeError),  # x not 1-D
        ((np.ones(3), np.ones(4), 1), TypeError),  # lengths differ
        ((np.ones(3), np.ones(3), -1), ValueError),  # deg < 0
    ]:
        with pytest.raises(exc, match="polyfit"):
            arrax.jit(lambda x, y, d=args[2]: anp.polyfit(x, y, d))(*args[:2])
    with pytest.raises(ValueError, match="must exceed order"):
        arrax.jit(lambda x, y: anp.polyfit(x, y, 3, cov=True))(np.arange(4.0), np.arange(4.0))


# ---- interp: JAX's left/right="extrapolate"; complex x is NumPy's TypeError ----------------

IXP, IFP = np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 35.0])
IX = np.array([-1.0, 0.5, 1.0, 1.5, 3.0, 3.5, 3.9])


def _interp_extrapolated(x, xp, fp, left=None, right=None):
    # NumPy's interp with a far sample point added on each extrapolated end segment's line
    xp, fp = list(xp), list(fp)
    if left == "extrapolate":
        left = None
        xp, fp = [-1e3] + xp, [fp[0] + (-1e3 - xp[0]) * (fp[1] - fp[0]) / (xp[1] - xp[0])] + fp
    if right == "extrapolate":
        right = None
        xp, fp = xp + [1e3], fp + [fp[-1] + (1e3 - xp[-1]) * (fp[-1] - fp[-2]) / (xp[-1] - xp[-2])]
    return np.interp(x, xp, fp, left=left, right=right)


@arrax_only
@pytest.mark.parametrize(
    "kw",
    [
        dict(left="extrapolate"),
        dict(right="extrapolate"),
        dict(left="extrapolate", right="extrapolate"),
        dict(left="extrapolate", right=-7.0),
        dict(left=0.0, right="extrapolate"),
    ],
)
@pytest.mark.parametrize("fp", [IFP, IFP - 2j * IFP], ids=["real", "complex"])
def test_interp_extrapolate_like_jax(kw, fp):
    # a string left/right was "could not convert string to float"
    arrax, jax = _arrax(), _jax()
    want = _interp_extrapolated(IX, IXP, fp, **kw)
    _same(anp.interp(IX, IXP, fp, **kw), want)
    if list(kw) == ["left", "right"] and kw["left"] == 0.0:  # (JAX's cache mixes these up)
        return
    _same(want, np.asarray(jax.numpy.interp(IX, IXP, fp, **kw)))
    _same(arrax.jit(lambda x: anp.interp(x, IXP, fp, **kw))(IX), np.asarray(want))
    xg = IX[[0, 1, 3, 5, 6]]  # (off the sample points, where the derivative is one-sided)
    g = arrax.grad(lambda x: anp.interp(x, IXP, IFP, **kw).sum())(xg)
    _same(g, np.asarray(jax.grad(lambda x: jax.numpy.interp(x, IXP, IFP, **kw).sum())(xg)))


@arrax_only
@pytest.mark.parametrize("side", ["left", "right"])
def test_interp_other_strings_are_jaxs_value_error(side):
    msg = f"the only valid string value of `{side}` is 'extrapolate', but got: 'interpolate'"
    with pytest.raises(ValueError, match=msg):
        anp.interp(0.0, IXP, IFP, **{side: "interpolate"})


@pytest.mark.parametrize(
    "args",
    [
        (np.array([1j, 2.0]), IXP, IFP),
        (np.array(1.5 + 0j), IXP, IFP),
        (np.array([1.5], np.complex64), IXP, IFP),
        (1.5, IXP + 0j, IFP),
    ],
)
def test_interp_complex_x_or_xp_raises_like_numpy(args):
    # the imaginary parts were dropped with a ComplexWarning (NumPy: its safe cast's TypeError)
    with pytest.raises(TypeError):
        np.interp(*args)
    with pytest.raises(TypeError, match="Cannot cast"):
        anp.interp(*args)


# ---- digitize with traced decreasing bins --------------------------------------------------


@arrax_only
@pytest.mark.parametrize("right", [False, True])
@pytest.mark.parametrize(
    "bins",
    [
        np.array([3.0, 1.5, 0.0, -0.5, -2.0]),
        np.array([2.0, 1.0, 1.0]),
        np.array([1, 1, 0, 0]),
    ],
)
def test_digitize_traced_bins_in_either_direction_like_numpy(bins, right):
    # under jit, decreasing bins were searched as if increasing
    arrax = _arrax()
    x = np.concatenate([bins, np.linspace(-3.0, 4.0, 15)]).astype(np.float64)
    want = np.digitize(x, bins, right=right)
    got = arrax.jit(lambda x, b: anp.digitize(x, b, right=right))(x, bins)
    _same(got, want)
    got = arrax.vmap(lambda b: anp.digitize(x, b, right=right))(np.stack([bins, bins[::-1]]))
    _same(got, np.stack([want, np.digitize(x, bins[::-1], right=right)]))


# ---- ldexp of bfloat16 (ml_dtypes' NumPy loops) --------------------------------------------


@pytest.mark.parametrize(
    "x2",
    [
        np.array([3, 2, 1, 0, -1], np.int32),
        np.array([3, 2, -1, 0, 1], np.int8),
        np.array([3, 2, 1, 0, 1], np.uint8),
        np.array([3, 200, -130, -5, 1]),  # int64: float32's loop
        np.array([3, 2, 1, 0, 1], np.uint32),  # (also float32's)
        3,
        -140,
        np.int32(3),
        np.int64(3),
        np.array([True, False, True, True, False]),
    ],
)
def test_ldexp_bfloat16_like_numpy_with_ml_dtypes(x2):
    # bfloat16 x1 was "ufunc 'ldexp' not supported for the input types"
    ml_dtypes = pytest.importorskip("ml_dtypes")
    x = np.array([0.5, 1.5, -3.0, 1e-30, 3e38], ml_dtypes.bfloat16)
    with np.errstate(over="ignore", under="ignore"):
        want = np.ldexp(x, x2)
        got = anp.ldexp(anp.asarray(x), x2)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(np.asarray(got).astype(float), want.astype(float))


# ---- the *_like functions take a duck-typed prototype (a ShapeDtypeStruct) ------------------


@arrax_only
@pytest.mark.parametrize("name, args", [("zeros_like", ()), ("ones_like", ()), ("full_like", (2,))])
@pytest.mark.parametrize("kw", [{}, {"dtype": np.float32}, {"shape": (4,)}])
@pytest.mark.parametrize("which", ["arrax", "jax"])
def test_like_functions_take_a_shape_dtype_struct_like_jax(name, args, kw, which):
    # "cannot convert an object of type 'ShapeDtypeStruct' to an array"
    arrax, jax = _arrax(), _jax()
    struct = (arrax if which == "arrax" else jax).ShapeDtypeStruct((1, 2, 3), np.dtype("int32"))
    want = getattr(jax.numpy, name)(jax.ShapeDtypeStruct((1, 2, 3), np.dtype("int32")), *args, **kw)
    _same(getattr(anp, name)(struct, *args, **kw), np.asarray(want))
    _same(arrax.jit(lambda: getattr(anp, name)(struct, *args, **kw))(), np.asarray(want))


@arrax_only
def test_empty_like_takes_a_shape_dtype_struct():
    arrax = _arrax()
    r = anp.empty_like(arrax.ShapeDtypeStruct((2, 5), np.dtype("float32")))
    assert r.shape == (2, 5) and r.dtype == np.float32
    with pytest.raises(TypeError):
        anp.zeros_like(object())


# ---- bincount sums real weights as doubles (NumPy's float64 result) -------------------------


@pytest.mark.parametrize("wdtype", [np.float32, np.float16])
@pytest.mark.parametrize("length", [None, 6])
def test_bincount_real_weights_give_float64_like_numpy(wdtype, length):
    # float32 / float16 weights kept their dtype (and summed in it); NumPy's is float64
    if length is not None and AGAINST_NUMPY:
        pytest.skip("length= is arrax's (JAX's) keyword")
    x = np.array([0, 1, 1, 3, 1, 4], np.int8)
    w = np.array([0.1, 1.7, 2.3, 3.3, 1e-3, 7.9], wdtype)
    want = np.bincount(x, w, minlength=6)
    got = anp.bincount(x, w, minlength=6) if length is None else anp.bincount(x, w, length=length)
    _same(got, want, rtol=1e-15, atol=0)


@arrax_only
def test_bincount_float32_weights_under_jit_as_eager():
    arrax = _arrax()
    x = np.array([0, 1, 1, 3], np.int64)
    w = np.array([0.1, 1.7, 2.3, 3.3], np.float32)
    got = arrax.jit(lambda x, w: anp.bincount(x, w, length=5))(x, w)
    _same(got, np.bincount(x, w, minlength=5), rtol=1e-15, atol=0)


# ---- argsort(dtype=): JAX's keyword -------------------------------------------------------


@arrax_only
@pytest.mark.parametrize("dtype", [np.int16, np.uint32, np.int32])
@pytest.mark.parametrize("descending", [False, True])
def test_argsort_dtype_keyword_like_jax(dtype, descending):
    # argsort() got an unexpected keyword argument 'dtype'
    arrax, jax = _arrax(), _jax()
    x = np.array([[3.0, 1.0, 2.0, 1.0], [0.5, np.nan, -1.0, 0.5]])
    want = np.asarray(jax.numpy.argsort(x, dtype=dtype, descending=descending))
    _same(anp.argsort(x, dtype=dtype, descending=descending), want)
    _same(anp.asarray(x).argsort(dtype=dtype, descending=descending), want)
    _same(arrax.jit(lambda x: anp.argsort(x, dtype=dtype, descending=descending))(x), want)
