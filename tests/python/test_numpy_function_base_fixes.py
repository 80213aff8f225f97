"""NumPy-compatibility fixes found by running NumPy's own test_function_base / test_numeric
against arrax: each result is compared with real NumPy."""

import warnings

import arrax
import arrax.numpy as np
import numpy as onp
import pytest


def _same(actual, expected):
    actual = onp.asarray(actual)
    expected = onp.asarray(expected)
    assert actual.shape == expected.shape
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    onp.testing.assert_array_equal(actual, expected)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# --- interp ------------------------------------------------------------------------------

INF, NAN = onp.inf, onp.nan


def _cplx(re, im):
    out = onp.zeros(onp.broadcast(re, im).shape, onp.complex128)
    out.real, out.imag = re, im
    return out


@pytest.mark.parametrize(
    "xp, fre, fim",
    [
        ([0.0, 1.0], [-INF, INF], [0.0, 10.0]),
        ([0.0, 1.0], [0.0, 10.0], [INF, -INF]),
        ([0.0, 1.0], [NAN, 1.0], [1.0, 2.0]),
        ([-INF, INF], [0.0, 10.0], [3.0, 3.0]),
        ([0.0, 1.0], [INF, INF], [-1.0, NAN]),
        ([0.0, 1.0, 2.0], [1.0, 2.0, INF], [0.0, 1.0, 2.0]),
    ],
)
def test_interp_complex_parts_separately(xp, fre, fim):
    fp = _cplx(onp.array(fre), onp.array(fim))
    x = onp.array([-0.5, 0.0, 0.25, 0.5, 1.0, 1.5])
    _same(np.interp(np.asarray(x), np.asarray(xp), np.asarray(fp)), onp.interp(x, xp, fp))
    # 0-d x, and complex left/right
    _same(np.interp(0.5, xp, np.asarray(fp)), onp.interp(0.5, xp, fp))
    lr = {"left": complex(1, INF), "right": complex(-INF, 2)}
    _same(np.interp(np.asarray(x), xp, np.asarray(fp), **lr), onp.interp(x, xp, fp, **lr))


@pytest.mark.parametrize("dt", [onp.float32, onp.float64, onp.int32])
def test_interp_computes_in_float64(dt):
    xp = onp.array([0, 1, 3], dt)
    fp = onp.array([1, 2, -1], dt)
    x = onp.array([0.5, 2, 4], onp.float32)
    _same(np.interp(np.asarray(x), np.asarray(xp), np.asarray(fp)), onp.interp(x, xp, fp))
    _same(
        np.interp(np.asarray(x), np.asarray(xp), np.asarray(fp), period=2),
        onp.interp(x, xp, fp, period=2),
    )


@pytest.mark.parametrize(
    "args, kw",
    [
        ((0, [], []), {}),
        ((0, [0], [1, 2]), {}),
        ((0, [0, 1], [1, 2]), {"period": 0}),
        ((0, [], []), {"period": 360}),
        ((0, [0], [1, 2]), {"period": 360}),
        ((0, [[0, 1]], [[1, 2]]), {}),
    ],
)
def test_interp_errors(args, kw):
    with pytest.raises(ValueError):
        onp.interp(*args, **kw)
    with pytest.raises(ValueError, match="^interp"):
        np.interp(*[np.asarray(a) for a in args], **kw)


def test_interp_complex_under_jit_and_grad():
    xp, fp = onp.array([0.0, 1.0, 2.0]), onp.array([1j, 2.0, 3 + INF * 0])
    x = onp.array([0.25, 1.5])
    f = arrax.jit(lambda x: np.interp(x, np.asarray(xp), np.asarray(fp)))
    _same(f(np.asarray(x)), onp.interp(x, xp, fp))
    g = arrax.grad(lambda x: np.interp(x, np.asarray(xp), np.asarray([1.0, 3.0, 4.0])))
    assert float(g(np.asarray(0.5))) == 2.0


def test_setting_imag_and_real_keeps_the_other_part():
    for dt in (onp.complex64, onp.complex128):
        a, e = np.zeros(4, dt), onp.zeros(4, dt)
        for t in (a, e):
            t.imag = onp.array([INF, -INF, NAN, 1.5])
            t.real = onp.array([0.0, NAN, -INF, 2.0])
        _same(a, e)


# --- diff / gradient ---------------------------------------------------------------------


@pytest.mark.parametrize("axis", [3, -4, 2, -3])
@pytest.mark.parametrize("kw", [{}, {"prepend": 0}, {"append": 0}])
def test_diff_bad_axis_is_axis_error(axis, kw):
    x = onp.arange(6).reshape(2, 3)
    with pytest.raises(onp.exceptions.AxisError):
        onp.diff(x, axis=axis, **kw)
    with pytest.raises(onp.exceptions.AxisError):
        np.diff(np.asarray(x), axis=axis, **kw)


def test_diff_n_zero_returns_the_input_and_negative_n_raises():
    x = [1, 2, 4]
    assert np.diff(x, n=0) is x
    with pytest.raises(ValueError, match="^diff"):
        np.diff(x, n=-1)
    for n in range(1, 5):
        _same(np.diff(np.asarray(x), n=n), onp.diff(x, n=n))


@pytest.mark.parametrize("axis", [3, -3, (0, 3), (0, 0), (1, -1)])
def test_gradient_bad_axes(axis):
    x = onp.arange(12.0).reshape(3, 4)
    with pytest.raises(ValueError) as npe:  # (AxisError is a ValueError)
        onp.gradient(x, axis=axis)
    with pytest.raises(type(npe.value)):
        np.gradient(np.asarray(x), axis=axis)


def test_gradient_spacing_checks_and_dtype():
    f = onp.arange(12.0, dtype=onp.float32).reshape(3, 4) ** 2
    xs = onp.array([0.0, 1.0, 3.0])
    _same(np.gradient(np.asarray(f), np.asarray(xs), axis=0), onp.gradient(f, xs, axis=0))
    _same(
        np.gradient(np.asarray(f), np.asarray(xs), axis=0, edge_order=2),
        onp.gradient(f, xs, axis=0, edge_order=2),
    )
    with pytest.raises(ValueError, match="scalars or 1d"):
        np.gradient(np.asarray(f), np.asarray(onp.stack([xs, xs], -1)), 1.0)
    with pytest.raises(ValueError, match="must match the length"):
        np.gradient(np.asarray(f), np.arange(4.0), axis=0)


# --- cov / corrcoef / average ------------------------------------------------------------


@pytest.mark.parametrize(
    "m, y, kw",
    [
        ([[1, 2, 3]], [[1j, 2j, 3j]], {}),
        ([[0.0, 2], [1, 1], [2, 0]], None, {"rowvar": False}),
        ([1.0, 2.0, 4.0], None, {}),
        ([[1.0, 2.0, 4.0]], None, {}),
        ([[1.0, 2.0, 4.0], [3.0, 1.0, 0.0]], None, {"ddof": 5}),
        ([[1.0, 2.0, 4.0], [3.0, 1.0, 0.0]], None, {"ddof": 3}),
        ([[1.0, 2.0, 4.0], [3.0, 1.0, 0.0]], None, {"fweights": [1, 2, 2]}),
        ([[1.0, 2.0, 4.0], [3.0, 1.0, 0.0]], None, {"aweights": [0.5, 1, 2], "ddof": 1}),
        ([[1.0, 2.0, 4.0]], [[2.0, 1.0, 1.0]], {"bias": True}),
        (onp.ones((3, 1)), None, {"ddof": 0}),
        (onp.ones((1, 3)), None, {"ddof": 0, "rowvar": False}),
        ([], None, {}),
        (onp.zeros((0, 2)), None, {}),
        (onp.zeros((2, 0)), None, {}),
    ],
)
def test_cov_matches_numpy(m, y, kw):
    m = onp.asarray(m)
    y = None if y is None else onp.asarray(y)
    conv = {k: np.asarray(v) if isinstance(v, list) else v for k, v in kw.items()}
    expected = _quiet(onp.cov, m, y, **kw)
    actual = _quiet(np.cov, np.asarray(m), None if y is None else np.asarray(y), **conv)
    onp.testing.assert_allclose(onp.asarray(actual), expected, rtol=1e-12)
    assert onp.asarray(actual).shape == expected.shape
    assert onp.asarray(actual).dtype == expected.dtype
    if y is not None or m.ndim == 2 and m.shape[0] > 0 and m.shape[1] > 1:
        ec = _quiet(onp.corrcoef, m, y, **{k: v for k, v in kw.items() if k == "rowvar"})
        ac = _quiet(
            np.corrcoef,
            np.asarray(m),
            None if y is None else np.asarray(y),
            **{k: v for k, v in kw.items() if k == "rowvar"},
        )
        onp.testing.assert_allclose(onp.asarray(ac), ec, rtol=1e-12)


def test_cov_empty_warns_and_keeps_float32():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = np.cov(np.asarray(onp.array([])))
    assert any("Degrees of freedom <= 0" in str(w.message) for w in caught)
    assert onp.isnan(onp.asarray(r))
    x = onp.array([[1, 2, 4], [0, 1, 3]], onp.float32)
    _same(np.cov(np.asarray(x), dtype=onp.float32), onp.cov(x, dtype=onp.float32))


@pytest.mark.parametrize(
    "kw, err",
    [
        ({"fweights": [1, 1.5, 1]}, TypeError),
        ({"fweights": [1, -1, 1]}, ValueError),
        ({"fweights": [[1, 1, 1]]}, RuntimeError),
        ({"fweights": [1, 1]}, RuntimeError),
        ({"aweights": [1, -1, 1]}, ValueError),
        ({"aweights": [[1, 1, 1]]}, RuntimeError),
        ({"aweights": [1, 1, 1, 1]}, RuntimeError),
    ],
)
def test_cov_weight_errors(kw, err):
    x = onp.array([[0.0, 1, 2], [2, 1, 0]])
    with pytest.raises(err):
        onp.cov(x, **kw)
    with pytest.raises(err, match="^cov"):
        np.cov(np.asarray(x), **{k: np.asarray(v) for k, v in kw.items()})


def test_cov_under_jit():
    x = onp.array([[0.0, 1, 5], [2, 1, 0]])
    w = onp.array([1.0, 2.0, 0.5])
    f = arrax.jit(lambda x, w: np.cov(x, aweights=w))
    onp.testing.assert_allclose(
        onp.asarray(f(np.asarray(x), np.asarray(w))), onp.cov(x, aweights=w)
    )


@pytest.mark.parametrize("axis", [(0, 1), (1, 2), (0, 2), (2, 0), (-1, 0)])
def test_average_weights_over_several_axes(axis):
    y = onp.arange(24.0).reshape(2, 3, 4)
    w = onp.random.default_rng(0).random(tuple(y.shape[a] for a in axis))
    expected = onp.average(y, axis=axis, weights=w)
    onp.testing.assert_allclose(
        onp.asarray(np.average(np.asarray(y), axis=axis, weights=np.asarray(w))), expected
    )


def test_average_errors():
    y = onp.arange(6.0).reshape(2, 3)
    for kw, err in (
        ({"axis": 1, "weights": onp.ones(4)}, ValueError),
        ({"axis": 1, "weights": onp.zeros(3)}, ZeroDivisionError),
        ({"axis": 2, "weights": onp.ones(3)}, onp.exceptions.AxisError),
        ({"weights": onp.ones(3)}, TypeError),
    ):
        with pytest.raises(err):
            onp.average(y, **kw)
        with pytest.raises(err):
            np.average(
                np.asarray(y), **{k: np.asarray(v) if k == "weights" else v for k, v in kw.items()}
            )


# --- select / median / percentile --------------------------------------------------------


def test_select_broadcasts_conditions_choices_and_default():
    cases = [
        ([onp.array(True), onp.array([False, True, False])], [1, onp.arange(12).reshape(4, 3)], 0),
        ([onp.array([True])], [onp.array([0])], onp.array([[0], [1]])),
        ([onp.array([True, False])], [onp.array(2.5)], onp.zeros((3, 1))),
    ]
    for conds, choices, default in cases:
        expected = onp.select(conds, choices, default)
        actual = np.select(
            [np.asarray(c) for c in conds], [np.asarray(c) for c in choices], np.asarray(default)
        )
        _same(actual, expected)


@pytest.mark.parametrize("axis", [-5, 4, (0, -5), (0, 4)])
def test_median_bad_axis_is_axis_error(axis):
    d = onp.ones((3, 5, 7, 11))
    with pytest.raises(onp.exceptions.AxisError):
        onp.median(d, axis=axis)
    with pytest.raises(onp.exceptions.AxisError):
        np.median(np.asarray(d), axis=axis)


def test_percentile_out_takes_a_broadcastable_shape():
    d = onp.arange(5.0)
    for fn in ("percentile", "quantile"):
        q = 30 if fn == "percentile" else 0.3
        o, e = np.zeros((2,)), onp.zeros((2,))
        getattr(np, fn)(np.asarray(d), q, None, o)
        getattr(onp, fn)(d, q, None, e)
        _same(o, e)
    with pytest.raises(ValueError):
        np.percentile(np.asarray(d), [10, 20, 30], out=np.zeros(2))


# --- place / digitize / bincount / vectorize / isclose / cross ---------------------------


def test_place_takes_values_as_numpy_does():
    a, e = np.asarray(onp.arange(1, 8)), onp.arange(1, 8)
    for t in (a, e):
        np.place(t, onp.zeros(7), [])
        np.place(t, [1, 0, 1, 0, 1, 0, 1], [8.7, 9])
    _same(a, e)
    host = onp.arange(4.0)  # a NumPy array is written in place, as NumPy's
    np.place(host, host > 1, 0)
    onp.testing.assert_array_equal(host, [0.0, 1.0, 0.0, 0.0])
    with pytest.raises(TypeError):
        np.place([1, 2, 3], [True, False, True], [0, 1])


def test_digitize_refuses_complex():
    for x, bins in (([1, 2, 3 + 1j], [1, 2, 3]), ([1, 2, 3], [1, 2, 3 + 1j])):
        with pytest.raises(TypeError):
            onp.digitize(x, bins)
        with pytest.raises(TypeError, match="^digitize"):
            np.digitize(np.asarray(x), np.asarray(bins))


def test_bincount_minlength_checks():
    x = np.asarray(onp.arange(5))
    with pytest.raises(TypeError, match="cannot be interpreted"):
        np.bincount(x, minlength="foobar")
    with pytest.raises(ValueError, match="must not be negative"):
        np.bincount(x, minlength=-1)
    _same(np.bincount(x, minlength=7), onp.bincount(onp.arange(5), minlength=7))


def test_vectorize_numpy_details():
    with pytest.raises(TypeError):
        np.vectorize(pyfunc=3)
    with pytest.raises(ValueError, match="Invalid otype"):
        np.vectorize(lambda x: x, otypes="?z")

    @np.vectorize(signature="(n)->(n)", otypes=["float64"])
    def f(x):
        return x

    r = f([1, 2, 3])
    assert f.__name__ == "f"
    _same(r, onp.array([1.0, 2.0, 3.0]))

    g = np.vectorize(lambda x: x)
    with pytest.raises(ValueError, match="otypes"):
        g(np.zeros((0, 5), int))
    g.otypes = "i"
    _same(g(np.zeros((0, 5), int)), onp.zeros((0, 5), onp.int32))

    class Foo:
        b = 2

        def bar(self, a):
            return a**self.b

    _same(np.vectorize(Foo.bar)(Foo(), np.arange(4)), onp.arange(4) ** 2)
    s = "0123456789" * 10
    assert str(np.vectorize(lambda x: x)(s)) == s


def test_vectorize_still_batches_under_jit():
    f = arrax.jit(np.vectorize(lambda x: x * 2 + 1))
    _same(f(np.arange(4.0)), onp.arange(4.0) * 2 + 1)


@pytest.mark.parametrize(
    "a, b, kw",
    [
        (INF, 1.0, {"atol": INF}),
        (NAN, 1.0, {"atol": INF}),
        (1.0, INF, {}),
        (INF, INF, {}),
        (-INF, INF, {}),
        ([1.0, INF, NAN], [1.0 + 1e-9, INF, NAN], {"equal_nan": True}),
        ([1, 2], [1, 3], {"rtol": 0.5}),
    ],
)
def test_isclose_matches_numpy(a, b, kw):
    expected = _quiet(onp.isclose, a, b, **kw)
    actual = _quiet(np.isclose, np.asarray(a), np.asarray(b), **kw)
    _same(actual, expected)


def test_isclose_warns_for_invalid_tolerances():
    with pytest.warns(RuntimeWarning, match="One of rtol or atol is not valid"):
        np.isclose(np.asarray([1.0, 2.0]), np.asarray([1.0, 2.0]), atol=NAN)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.isclose(np.asarray([1.0, 2.0]), np.asarray([1.0, 2.0]))


@pytest.mark.parametrize("a, b", [(0, [1, 2]), ([1, 2], 3)])
def test_cross_zero_dimension(a, b):
    with pytest.raises(ValueError, match="At least one array has zero dimension"):
        np.cross(np.asarray(a), np.asarray(b))


def test_cross_bad_axes_and_2d_deprecation():
    a = onp.arange(6.0).reshape(2, 3)
    with pytest.raises(onp.exceptions.AxisError):
        np.cross(np.asarray(a), np.asarray(a), axisa=2)
    with pytest.raises(onp.exceptions.AxisError):
        np.cross(np.asarray(a), np.asarray(a), axisc=2)
    with pytest.warns(DeprecationWarning):
        r = np.cross(np.asarray([1.0, 2.0]), np.asarray([3.0, 4.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(r, onp.cross([1.0, 2.0], [3.0, 4.0]))
    _same(np.cross(np.asarray(a), np.asarray(a[::-1])), onp.cross(a, a[::-1]))
