"""Fast paths for calls on small arrays (benchmarks/small_calls.py): each is checked to be
taken (the Python functions a call runs) and to give NumPy's values, dtypes, shapes and
errors, as is the full path it falls back to for the inputs it does not take."""

import sys
import warnings

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest


def _python_calls(fn, *args, **kwargs):
    """fn(*args, **kwargs) and the names of the Python functions the call ran."""
    names = []

    def profile(frame, event, arg):
        if event == "call":
            names.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        r = fn(*args, **kwargs)
    finally:
        sys.setprofile(None)
    return r, names


def _same(got, expected):
    got = onp.asarray(got)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    onp.testing.assert_array_equal(got, expected)


# --- arrax.numpy's late imports of itself -----------------------------------------------------


def test_composed_functions_do_not_import_arrax_numpy_per_call():
    v = anp.asarray([3.0, 4.0])
    anp.linalg.norm(v)
    r, names = _python_calls(anp.linalg.norm, v)
    assert "_handle_fromlist" not in names
    assert float(r) == onp.linalg.norm(onp.array([3.0, 4.0]))
    r, names = _python_calls(anp.eye, 3)
    assert "_handle_fromlist" not in names


# --- with_layout: C order without a look at the prototype ----------------------------------


@pytest.mark.parametrize(
    "obj", [[[1.0, 2.0], [3.0, 4.0]], ((1, 2), (3, 4)), [[True], [False]], 2.5, [1, 2, 3]]
)
@pytest.mark.parametrize("order", ["K", "A", "C", "F"])
def test_array_of_lists_in_each_order(obj, order):
    got, names = _python_calls(anp.array, obj, order=order)
    expected = onp.array(obj, order=order)
    _same(got, expected)
    assert got.flags.c_contiguous == expected.flags.c_contiguous
    assert got.flags.f_contiguous == expected.flags.f_contiguous
    if order != "F":
        assert "_stride_order" not in names and "_fortran_ordered" not in names


@pytest.mark.parametrize("order", ["K", "A", "C", "F"])
@pytest.mark.parametrize("layout", ["C", "F", "strided", "transposed3"])
def test_array_of_arrays_keeps_numpy_layouts(order, layout):
    base = onp.arange(24.0).reshape(2, 3, 4)
    src = {
        "C": base,
        "F": onp.asfortranarray(base),
        "strided": base[:, ::2, :],
        "transposed3": base.transpose(1, 2, 0),
    }[layout]
    a = anp.asarray(src)
    if layout == "transposed3":
        a = anp.asarray(base).transpose(1, 2, 0)
    for got, expected in [
        (anp.array(a, order=order), onp.array(src, order=order)),
        (anp.asarray(a, order=order), onp.asarray(src, order=order)),
        (anp.array(src, order=order), onp.array(src, order=order)),
    ]:
        _same(got, expected)
        assert got.flags.c_contiguous == expected.flags.c_contiguous
        assert got.flags.f_contiguous == expected.flags.f_contiguous


def test_array_ndmin_and_asarray_of_an_array():
    _same(anp.array([1.0, 2.0], ndmin=3), onp.array([1.0, 2.0], ndmin=3))
    _same(anp.array([1.0, 2.0], ndmin=0), onp.array([1.0, 2.0], ndmin=0))
    a = anp.ones((2, 3))
    r, names = _python_calls(anp.asarray, a)
    assert r is a and "<lambda>" not in names  # (no flags object made)
    with pytest.raises(TypeError, match="order must be str"):
        anp.array([[1.0]], order=1)
    with pytest.raises(ValueError, match="order must be one of"):
        anp.array([[1.0]], order="X")


def test_with_layout_under_jit_and_grad():
    x = onp.arange(6.0).reshape(2, 3)
    f = arrax.jit(lambda a: anp.array(a, order="C") * 2 + anp.asarray(a, order="F"))
    _same(f(anp.asarray(x)), x * 3)
    g = arrax.grad(lambda a: anp.sum(anp.array(a, order="K") ** 2))
    _same(g(anp.asarray(x)), 2 * x)


# --- eye -----------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [(3,), (3, 4), (4, 3, 1), (3, None, -1), (2, 2, 5)])
@pytest.mark.parametrize("order", ["C", "F"])
def test_eye_without_a_device(args, order):
    got, names = _python_calls(anp.eye, *args, dtype=onp.float32, order=order)
    expected = onp.eye(*args, dtype=onp.float32, order=order)
    _same(got, expected)
    assert got.flags.f_contiguous == expected.flags.f_contiguous
    assert "_on_device" not in names


def test_eye_on_a_device_and_traced_offset():
    d = arrax.devices()[0]
    r = anp.eye(3, device=d)
    _same(r, onp.eye(3))
    assert r.device == d
    f = arrax.jit(lambda k: anp.eye(4, k=k))
    _same(f(1), onp.eye(4, k=1))


# --- astype's host-only dtype check -------------------------------------------------------


@pytest.mark.parametrize(
    "dtype",
    [onp.float32, float, int, bool, complex, onp.dtype("int16"), "float32", "f2", onp.uint8],
)
def test_astype_numeric_dtypes_checked_once(dtype):
    x = onp.array([[1.5, -2.0, 3.25]])
    a = anp.asarray(x)
    _same(a.astype(dtype), x.astype(dtype))
    r, names = _python_calls(a.astype, dtype)
    _same(r, x.astype(dtype))
    if not isinstance(dtype, str):  # (strings are not kept: NumPy may warn about some)
        assert "host_only_dtype" not in names


@pytest.mark.parametrize("dtype", [str, "U3", onp.str_, object, onp.dtype("S4"), onp.longdouble])
def test_astype_host_only_dtypes_still_numpys(dtype):
    x = onp.array([1.5, -2.0])
    a = anp.asarray(x)
    for _ in range(2):  # (the second time from the kept answer)
        got, expected = a.astype(dtype), x.astype(dtype)
        assert isinstance(got, onp.ndarray)
        assert got.dtype == expected.dtype
        onp.testing.assert_array_equal(got, expected)


def test_astype_errors_and_cast_warnings():
    a = anp.asarray([1.0, onp.nan])
    with pytest.raises(TypeError):
        a.astype("not a dtype")
    with pytest.raises(TypeError, match="Cannot cast"):
        a.astype(onp.int32, casting="safe")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        a.astype(onp.int64)
        a.astype(onp.int64)
    assert [str(x.message) for x in w] == ["invalid value encountered in cast"] * 2
    assert all(x.filename == __file__ for x in w)


# --- typed-key dispatch with the NumPy fallback in one frame -------------------------------


def test_key_dispatch_and_numpy_fallback_in_one_python_call():
    a = anp.ones((2, 3))
    r, names = _python_calls(anp.concatenate, [a, a])
    _same(r, onp.ones((4, 3)))
    assert sum(names.count(n) for n in ("wrapper", "call")) == 1  # (one wrapper frame)
    _same(anp.reshape(a, (3, 2)), onp.ones((3, 2)))
    _same(anp.where(a > 0, a, 0.0), onp.ones((2, 3)))
    assert anp.concatenate.__wrapped__.__wrapped__ is not None  # (functools.wraps chain kept)


def test_key_dispatch_still_reaches_key_arrays():
    ks = arrax.random.split(arrax.random.key(0), 4)
    assert anp.reshape(ks, (2, 2)).shape == (2, 2)
    assert anp.concatenate([ks, ks]).shape == (8,)
    assert anp.where(anp.asarray([True, False, True, False]), ks, ks).shape == (4,)
    assert anp.squeeze(ks[None]).shape == (4,)


def test_numpy_fallback_and_errors_of_inlined_wrappers():
    got = anp.concatenate([onp.array(["a"]), onp.array(["bc"])])
    onp.testing.assert_array_equal(got, onp.array(["a", "bc"]))
    assert isinstance(got, onp.ndarray)
    with pytest.raises(ValueError, match="^reshape: cannot reshape array of size 6"):
        anp.reshape(anp.arange(6), (4, 3))
    with pytest.raises(ValueError, match="^concatenate: all the input arrays"):
        anp.concatenate([anp.ones(2), anp.ones((2, 2))])
    with pytest.raises(onp.exceptions.AxisError):
        anp.squeeze(anp.ones((2, 3)), axis=5)
    with pytest.raises(TypeError):
        anp.reshape(anp.ones(4), "ab")


def test_inlined_wrappers_under_jit_grad_and_vmap():
    x = onp.arange(6.0).reshape(2, 3)
    f = arrax.jit(lambda a: anp.concatenate([anp.ravel(a), anp.reshape(a, (-1,))]))
    _same(f(anp.asarray(x)), onp.concatenate([x.ravel(), x.ravel()]))
    g = arrax.grad(lambda a: anp.sum(anp.where(a > 2, a, 0.0) ** 2))
    _same(g(anp.asarray(x)), onp.where(x > 2, 2 * x, 0.0))
    h = arrax.vmap(lambda a: anp.stack([a, a]))
    _same(h(anp.asarray(x)), onp.stack([x, x], axis=1))


# --- ndarray methods -------------------------------------------------------------------------


def test_forwarded_methods():
    x = onp.arange(12.0).reshape(3, 4) - 5
    a = anp.asarray(x)
    _same(a.ravel(), x.ravel())
    _same(a.sum(axis=0), x.sum(axis=0))
    _same(a.max(axis=1, keepdims=True), x.max(axis=1, keepdims=True))
    _same(a.argmax(), onp.asarray(x.argmax()))
    r, names = _python_calls(a.ravel)
    assert "_anp" not in names and "numpy_module" not in names
    assert "wrapper" not in names and "call" not in names
    r, names = _python_calls(a.sum, axis=1, keepdims=True)
    _same(r, x.sum(axis=1, keepdims=True))
    assert "call" not in names
    with pytest.raises(onp.exceptions.AxisError):
        a.sum(axis=2)


@pytest.mark.parametrize(
    "method,args,kwargs",
    [
        ("sum", (), {"axis": 5}),
        ("max", (), {"axis": (0, 0)}),
        ("argmax", (), {"axis": "x"}),
        ("ravel", ("Q",), {}),
        ("squeeze", (), {"axis": 0}),
        ("swapaxes", (0, 3), {}),
        ("cumsum", (), {"dtype": "not a dtype"}),
        ("dot", (onp.ones(5),), {}),
        ("take", ([20],), {}),
        ("var", (), {"ddof": "a"}),
    ],
)
def test_forwarded_method_errors_like_numpy(method, args, kwargs):
    x = onp.arange(12.0).reshape(3, 4)
    with pytest.raises(Exception) as expected:
        getattr(x, method)(*args, **kwargs)
    with pytest.raises(Exception) as got:
        getattr(anp.asarray(x), method)(*args, **kwargs)
    assert isinstance(got.value, expected.type) or issubclass(expected.type, type(got.value))
    # (the method's error is the module function's, through its wrappers: named for it)
    with pytest.raises(type(got.value)) as module_error:
        getattr(anp, method)(anp.asarray(x), *args, **kwargs)
    assert str(got.value) == str(module_error.value)


def test_forwarded_methods_follow_a_replaced_module_function(monkeypatch):
    a = anp.ones((2, 3))
    assert float(a.sum()) == 6.0
    monkeypatch.setattr(anp, "sum", lambda self, *args, **kwargs: "replaced")
    assert a.sum() == "replaced"
    monkeypatch.undo()
    assert float(a.sum()) == 6.0


def test_forwarded_methods_numpy_fallback_and_key_arrays():
    a = anp.asarray([[1.0, 2.0], [3.0, 4.0]])
    # (a host-only dtype: NumPy's function does the work, as arrax.numpy.cumsum hands it on)
    onp.testing.assert_array_equal(
        anp.cumsum(a, dtype=object), onp.cumsum(onp.asarray(a), dtype=object)
    )
    ks = arrax.random.split(arrax.random.key(1), 4).reshape(2, 2)
    assert ks.ravel().shape == (4,)
    assert ks.squeeze().shape == (2, 2)
    assert ks.swapaxes(0, 1).shape == (2, 2)


def test_forwarded_methods_traced():
    x = onp.arange(6.0).reshape(2, 3)
    f = arrax.jit(lambda a: a.sum(axis=0) + a.max() + a.ravel()[:3] + a.mean(axis=0))
    _same(f(anp.asarray(x)), x.sum(axis=0) + x.max() + x.ravel()[:3] + x.mean(axis=0))
    g = arrax.grad(lambda a: (a * a).sum() + a.dot(anp.ones(3)).sum())
    _same(g(anp.asarray(x)), 2 * x + 1)
    h = arrax.vmap(lambda a: a.argmax())
    _same(h(anp.asarray(x)), onp.array([2, 2]))


# --- clip -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [onp.float64, onp.float32, onp.int8, onp.int64, onp.uint8])
@pytest.mark.parametrize(
    "bounds",
    [(-1.5, 1.5), (-1000, 1000), (2, 5), (None, 3.0), (0.5, None), (-(2**70), 2**70)],
)
def test_clip_bounds_like_numpy(dtype, bounds):
    x = onp.array([0, 3, 2, 7] if dtype == onp.uint8 else [-3, 0, 2, 7], dtype=dtype)
    lo, hi = bounds
    try:
        expected = onp.clip(x, lo, hi)
    except (TypeError, OverflowError, ValueError) as e:
        with pytest.raises(type(e)):
            anp.clip(anp.asarray(x), lo, hi)
        return
    got, names = _python_calls(anp.clip, anp.asarray(x), lo, hi)
    _same(got, expected)
    if type(lo) is not int and type(hi) is not int:
        assert "bound" not in names


def test_clip_out_keywords_and_errors():
    x = onp.linspace(-2, 2, 12).reshape(3, 4)
    out, o = anp.zeros((3, 4)), onp.zeros((3, 4))
    r = anp.clip(anp.asarray(x), -1.0, 1.0, out=out)
    onp.clip(x, -1.0, 1.0, out=o)
    assert r is out
    _same(out, o)
    _same(anp.clip(anp.asarray(x), min=-1.0, max=0.5), onp.clip(x, min=-1.0, max=0.5))
    _same(anp.clip(anp.asarray(x), a_min=-1.0, a_max=0.5), onp.clip(x, a_min=-1.0, a_max=0.5))
    _same(anp.clip(x, -1.0, 1.0), onp.clip(x, -1.0, 1.0))  # (a NumPy array: the full path)
    with pytest.raises(ValueError, match="Passing `min` or `max`"):
        anp.clip(anp.asarray(x), -1.0, 1.0, min=0.0)
    g = arrax.grad(lambda a: anp.sum(anp.clip(a, -1.0, 1.0)))
    _same(g(anp.asarray(x)), ((x >= -1) & (x <= 1)).astype(float))


# --- isclose / allclose -------------------------------------------------------------------


@pytest.mark.parametrize(
    "tols",
    [
        {},
        {"atol": 0.5},
        {"rtol": 0.1, "atol": 0.0},
        {"atol": 1},
        {"atol": onp.float32(0.5)},
        {"rtol": onp.array([0.0, 1.0, 0.0])},
    ],
)
def test_isclose_tolerances(tols):
    x = onp.array([1.0, 2.0, onp.nan])
    y = onp.array([1.2, 3.0, onp.nan])
    _same(anp.isclose(anp.asarray(x), anp.asarray(y), **tols), onp.isclose(x, y, **tols))
    assert anp.allclose(anp.asarray(x), anp.asarray(x), equal_nan=True, **tols) is True
    f32 = onp.ones(3, onp.float32)
    _same(anp.isclose(anp.asarray(f32), 0.99999999, **tols), onp.isclose(f32, 0.99999999, **tols))
    _same(anp.isclose(anp.arange(3), 1, **tols), onp.isclose(onp.arange(3), 1, **tols))


def test_isclose_does_not_copy_or_check_float_tolerances_with_numpy():
    a = anp.ones((2, 3))
    r, names = _python_calls(anp.allclose, a, a)
    assert r is True
    assert "all" not in names  # (NumPy's all of NumPy's isfinite of each tolerance)
    assert names.count("astype") <= 2


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_isclose_invalid_float_tolerance_reports_as_numpy(bad):
    a, x = anp.ones(2), onp.ones(2)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        got = anp.isclose(a, a, atol=bad)
    with warnings.catch_warnings(record=True) as w_np:
        warnings.simplefilter("always")
        expected = onp.isclose(x, x, atol=bad)
    _same(got, expected)
    assert [type(m.message) for m in w] == [type(m.message) for m in w_np]
    with anp.errstate(invalid="raise"), pytest.raises(FloatingPointError):
        anp.isclose(a, a, rtol=bad)


def test_isclose_traced():
    x = onp.array([1.0, 2.0])
    f = arrax.jit(lambda a, t: anp.isclose(a, a + 0.1, atol=t))
    _same(f(anp.asarray(x), 0.5), onp.array([True, True]))
    assert bool(arrax.jit(lambda a: anp.allclose(a, a))(anp.asarray(x)))


# --- numpy.random with Python numbers ------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        ("randn", (3, 4)),
        ("rand", (2,)),
        ("uniform", (-1, 1, (3, 4))),
        ("normal", (0.0, 2.0, (2, 2))),
        ("randint", (0, 10, (5,))),
        ("choice", (10,)),
        ("choice", (10, 3, False)),
        ("random", ()),
        ("randn", ()),
    ],
)
def test_random_module_functions_like_numpy(call):
    name, args = call
    anp.random.seed(7)
    onp.random.seed(7)
    got, names = _python_calls(getattr(anp.random, name), *args)
    expected = getattr(onp.random, name)(*args)
    expected = onp.asarray(expected)
    got = onp.asarray(got)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    onp.testing.assert_array_equal(got, expected)
    assert "_to_numpy" not in names


def test_random_with_arrays_keywords_and_out():
    anp.random.seed(3)
    onp.random.seed(3)
    lo = anp.asarray([0.0, 1.0])
    _same(anp.random.uniform(lo, 2.0), onp.random.uniform(onp.array([0.0, 1.0]), 2.0))
    _same(anp.random.normal(size=(2, 3)), onp.random.normal(size=(2, 3)))
    _same(anp.random.choice(5, size=anp.asarray(2)), onp.random.choice(5, size=2))
    g, n = anp.random.default_rng(0), onp.random.default_rng(0)
    out, o = anp.zeros(3), onp.zeros(3)
    assert g.random(out=out) is out
    n.random(out=o)
    _same(out, o)
    with pytest.raises(ValueError):
        anp.random.uniform(0, 1, (-1,))


def test_random_keywords_of_python_numbers():
    anp.random.seed(5)
    onp.random.seed(5)
    got, names = _python_calls(anp.random.choice, 10, 3, replace=False)
    _same(got, onp.random.choice(10, 3, replace=False))
    assert "_to_numpy" not in names
    _same(anp.random.normal(loc=1.0, scale=2.0, size=(2, 3)), onp.random.normal(1.0, 2.0, (2, 3)))
    _same(anp.random.randint(0, 5, size=4, dtype=onp.int8), onp.random.randint(0, 5, 4, onp.int8))
    with pytest.raises(ValueError):
        anp.random.choice(3, 5, replace=False)
    with pytest.raises(TypeError):
        anp.random.randn(3, bogus=1)


# --- linalg.norm of a vector, outer, copy --------------------------------------------------


@pytest.mark.parametrize(
    "x",
    [
        onp.array([3.0, 4.0]),
        onp.array([3, 4], onp.int32),
        onp.array([1.0, 2.0], onp.float32),
        onp.array([1 + 2j, 3.0]),
        onp.arange(6.0).reshape(2, 3),
        onp.array([[1.0]]),
        onp.zeros(0),
    ],
)
@pytest.mark.parametrize("kw", [{}, {"ord": 2}, {"keepdims": True}, {"ord": "fro"}, {"ord": 1}])
def test_norm_like_numpy(x, kw):
    try:
        expected = onp.linalg.norm(x, **kw)
    except ValueError as e:
        with pytest.raises(type(e)):
            anp.linalg.norm(anp.asarray(x), **kw)
        return
    got, names = _python_calls(anp.linalg.norm, anp.asarray(x), **kw)
    got, expected = onp.asarray(got), onp.asarray(expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    onp.testing.assert_allclose(got, expected, rtol=1e-6)
    if x.ndim == 1 and x.dtype.kind != "c" and not kw.get("keepdims") and kw.get("ord", 2) == 2:
        assert "vector_norm" not in names


def test_norm_of_a_vector_traced():
    x = onp.array([3.0, 4.0])
    onp.testing.assert_allclose(onp.asarray(arrax.grad(anp.linalg.norm)(anp.asarray(x))), x / 5)
    _same(arrax.jit(anp.linalg.norm)(anp.asarray(x)), onp.asarray(5.0))
    _same(arrax.vmap(anp.linalg.norm)(anp.asarray([x, 2 * x])), onp.array([5.0, 10.0]))


@pytest.mark.parametrize(
    "a,b",
    [
        (onp.arange(3.0), onp.arange(4.0)),
        (onp.arange(6).reshape(2, 3), onp.array([1.5, 2.0])),
        (2.0, [1, 2]),
        (onp.zeros((0,)), onp.ones(2)),
    ],
)
def test_outer_like_numpy(a, b):
    got, names = _python_calls(anp.outer, a, b)
    _same(got, onp.outer(a, b))
    assert "_shape_args" not in names
    out, o = anp.zeros(onp.outer(a, b).shape), onp.zeros(onp.outer(a, b).shape)
    assert anp.outer(a, b, out=out) is out
    onp.outer(a, b, out=o)
    _same(out, o)


def test_outer_under_grad():
    v, w = onp.arange(3.0), onp.arange(2.0) + 1
    g = arrax.grad(lambda a: anp.sum(anp.outer(a, anp.asarray(w))))
    _same(g(anp.asarray(v)), onp.full(3, w.sum()))


@pytest.mark.parametrize("layout", ["C", "F", "strided", "1d"])
@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
def test_copy_and_astype_layouts(layout, order):
    base = onp.arange(12.0).reshape(3, 4)
    src = {"C": base, "F": onp.asfortranarray(base), "strided": base[:, ::2], "1d": base[0]}[layout]
    a = anp.asarray(src)
    for got, expected in [
        (a.copy(order=order), src.copy(order=order)),
        (a.astype(onp.float32, order=order), src.astype(onp.float32, order=order)),
    ]:
        _same(got, expected)
        assert got.flags.c_contiguous == expected.flags.c_contiguous
        assert got.flags.f_contiguous == expected.flags.f_contiguous
    r = a.copy()
    assert r is not a


def test_copy_and_astype_traced():
    x = onp.arange(6.0).reshape(2, 3)
    f = arrax.jit(lambda a: a.copy() + a.T.copy().T + a.astype(onp.float32))
    _same(f(anp.asarray(x)), (3 * x).astype(onp.float64))
    g = arrax.grad(lambda a: anp.sum(a.T.copy() * a.astype(onp.float64).T))
    _same(g(anp.asarray(x)), 2 * x)


# --- element reads and writes in the engine (a[i, j], a[i, j] = x, item, float, bool) ----------

_ELEMENT_DTYPES = [
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
]


@pytest.mark.parametrize("dtype", _ELEMENT_DTYPES)
def test_element_reads_give_numpys_python_scalars(dtype):
    # (read in place from a transposed view: strides other than C order's)
    base = onp.arange(-5, 7).reshape(3, 4).astype(dtype).T
    a = anp.asarray(onp.ascontiguousarray(onp.arange(-5, 7).reshape(3, 4).astype(dtype))).T
    for i in range(-12, 12):
        got, expected = a.item(i), base.item(i)
        assert type(got) is type(expected) and got == expected
    assert [a.item(i, j) for i in range(4) for j in range(3)] == [
        base.item(i, j) for i in range(4) for j in range(3)
    ]
    for i in range(4):
        for j in range(3):
            x, y = a[i, j], base[i, j]
            assert bool(x) == bool(y)
            if dtype.startswith("complex"):
                assert complex(x) == complex(y)
            else:
                assert float(x) == float(y) and int(x) == int(y)
                assert type(float(x)) is float and type(int(x)) is int


def test_element_reads_of_special_values_and_errors_like_numpy():
    for v in [float("nan"), float("inf"), -0.0, 1e-310]:
        for dt in ["float16", "float32", "float64"]:
            got, expected = anp.asarray(v, dtype=dt), onp.asarray(v, dtype=dt)
            assert repr(got.item()) == repr(expected.item())
            assert bool(got) == bool(expected)
    a, b = anp.ones((2, 3)), onp.ones((2, 3))
    for args in [(6,), (-7,), (1.0,), (), (5, 0)]:
        with pytest.raises(Exception) as got:
            a.item(*args)
        with pytest.raises(Exception) as expected:
            b.item(*args)
        assert got.type is expected.type
    assert anp.ones((1, 1, 1)).item() == 1.0 and bool(anp.zeros((1, 1))) is False


@pytest.mark.parametrize(
    "dtype,value",
    [
        ("float64", 2.5),
        ("float64", -3),
        ("float64", 2**63 + 1),
        ("float64", 10**400),
        ("float32", 1e38),
        ("float32", float("inf")),
        ("float32", float("nan")),
        ("float32", 2**70),
        ("int64", 7),
        ("int64", -(2**63)),
        ("int64", 2**63),
        ("int64", 2.5),
        ("int64", True),
        ("int32", 2**31),
        ("int32", -(2**31)),
        ("int8", 300),
        ("uint8", -1),
        ("float16", 1.5),
        ("complex128", 2.0),
        ("bool", 3),
    ],
)
def test_element_writes_like_numpy(dtype, value):
    results = []
    for mod in (onp, anp):
        a = mod.zeros((2, 3), dtype=dtype)[:, ::2]  # (a strided view: writes reach its base)
        try:
            a[1, -1] = value
            results.append((repr(onp.asarray(a).tolist()), str(onp.asarray(a).dtype)))
        except Exception as exc:
            results.append(type(exc))
    assert results[1] == results[0]


def test_element_writes_refuse_read_only_and_broadcast_arrays_and_deletion():
    a = anp.ones((2, 2))
    a.setflags(write=False)
    with pytest.raises(ValueError, match="read-only"):
        a[0, 0] = 2.0
    with pytest.raises(ValueError, match="read-only"):
        anp.broadcast_to(anp.ones(2), (2, 2))[0, 0] = 2.0
    with pytest.raises(ValueError, match="cannot delete array elements"):
        del anp.ones(3)[0]


def test_arange_of_floats_matches_numpys_fill_bit_for_bit():
    # (the CPU's direct fill: out[k] = start + k * delta, the product rounded first as in
    # NumPy's loop; a fused multiply-add would differ in the last bit)
    rng = onp.random.default_rng(0)
    for _ in range(400):
        start = float(rng.uniform(-100, 100))
        step = float(rng.uniform(-3, 3)) if rng.random() < 0.7 else int(rng.integers(1, 5))
        stop = start + step * int(rng.integers(0, 300))
        for dtype in (None, "float32", "float64"):
            _same(
                anp.arange(start, stop, step, dtype=dtype),
                onp.arange(start, stop, step, dtype=dtype),
            )
    for args in [
        (10.0,),
        (0.5, 3, 0.25),
        (1, 2, 0.1),
        (5, dict(dtype=float)),
        (3e38, 3.5e38, 1e37),
    ]:
        kwargs = args[-1] if isinstance(args[-1], dict) else {}
        pos = args[:-1] if kwargs else args
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _same(anp.arange(*pos, **kwargs), onp.arange(*pos, **kwargs))


# --- round 2: imports kept out of calls, NumPy's functions on arrax arrays -------------------


def _imports_during(fn, *args, **kwargs):
    """fn(*args, **kwargs) and the modules its Python code imported (an import statement in a
    function runs on every call, even of a loaded module: about a microsecond)."""
    import builtins

    seen = []
    original = builtins.__import__

    def hook(name, globals=None, locals=None, fromlist=(), level=0):
        if sys._getframe(1).f_globals.get("__name__", "").startswith("arrax"):
            seen.append(name)
        return original(name, globals, locals, fromlist, level)

    builtins.__import__ = hook
    try:
        r = fn(*args, **kwargs)
    finally:
        builtins.__import__ = original
    return r, seen


_v = onp.array([3.0, -1.0, 2.0, 0.5])
_m = onp.arange(12.0).reshape(3, 4) - 5.0


@pytest.mark.parametrize(
    "call",
    [
        lambda np, x, m: np.add.reduce(x),
        lambda np, x, m: np.multiply.accumulate(x),
        lambda np, x, m: np.take_along_axis(m, np.argsort(m, axis=1), axis=1),
        lambda np, x, m: np.meshgrid(x, x[:2]),
        lambda np, x, m: np.trace(m),
        lambda np, x, m: np.where(m > 0, m, 0.0),
        lambda np, x, m: np.sort(x),
        lambda np, x, m: np.linalg.norm(x),
        lambda np, x, m: m.astype(onp.float32),
        lambda np, x, m: m.ravel(),
        lambda np, x, m: np.random.randn(2, 3) * 0,
    ],
)
def test_common_calls_import_nothing(call):
    x, m = anp.asarray(_v), anp.asarray(_m)
    call(anp, x, m)
    got, imported = _imports_during(call, anp, x, m)
    assert imported == []
    expected = call(onp, _v, _m)
    for g, e in zip(
        got if isinstance(got, (list, tuple)) else [got],
        expected if isinstance(expected, (list, tuple)) else [expected],
    ):
        _same(g, onp.asarray(e))


@pytest.mark.parametrize(
    "call",
    [
        lambda x, m: onp.dot(x, onp.ones(4)),
        lambda x, m: onp.max(onp.abs(x)),
        lambda x, m: onp.linalg.norm(x),
        lambda x, m: onp.all(onp.isfinite(x)),
        lambda x, m: onp.concatenate([onp.ones(2), x]),
        lambda x, m: onp.ones((3, 4)) + m,
        lambda x, m: onp.sqrt(onp.abs(x)),
        lambda x, m: onp.emath.sqrt(x),
        lambda x, m: onp.mean(m, axis=0),
    ],
)
def test_numpy_functions_on_arrax_arrays_like_numpy(call):
    x, m = anp.asarray(_v), anp.asarray(_m)
    call(x, m)
    got, imported = _imports_during(call, x, m)
    assert imported == []
    assert isinstance(got, anp.ndarray)
    _same(got, onp.asarray(call(_v, _m)))


def test_numpy_function_finds_its_counterpart_once():
    x = anp.asarray(_v)
    onp.dot(x, onp.ones(4))
    # arrax.numpy's module for NumPy's is found once, not by a walk down its path per call
    got, names = _python_calls(onp.dot, x, onp.ones(4))
    assert "numpy_module" not in names
    _same(got, onp.asarray(onp.dot(_v, onp.ones(4))))
    got, names = _python_calls(onp.linalg.norm, x)
    assert names.count("numpy_module") <= 1  # (norm's own)
    _same(got, onp.asarray(onp.linalg.norm(_v)))
    got, names = _python_calls(onp.sqrt, x * x)
    assert "numpy_module" not in names and "needs_numpy" not in names
    _same(got, onp.sqrt(_v * _v))


def test_norm_of_a_real_vector_calls_the_engines_dot():
    for dt in [onp.float64, onp.float32, onp.float16, onp.int64]:
        x = anp.asarray(_v.astype(dt))
        got, names = _python_calls(anp.linalg.norm, x)
        assert "product" not in names
        _same(got, onp.asarray(onp.linalg.norm(_v.astype(dt))))


def test_numpy_function_counterparts_and_fallbacks():
    from arrax.numpy import _interop

    x = anp.asarray(_v)
    assert _interop._arrax_counterpart(onp.linalg.norm) is anp.linalg.norm
    assert _interop._arrax_counterpart(onp.fft.fft) is anp.fft.fft
    assert _interop._arrax_counterpart(onp.strings.mod) is not anp.mod
    # a function of another module (no counterpart): NumPy runs it
    assert _interop._arrax_counterpart(pytest.approx) is None
    _same(onp.char.add(onp.array(["a"]), onp.array(["b"])), onp.array(["ab"]))
    # NumPy's ufunc.at on a NumPy array with arrax values: NumPy runs it, in place
    target = onp.zeros(3)
    onp.add.at(target, [0, 0, 2], anp.asarray([1.0, 2.0, 3.0]))
    _same(target, onp.array([3.0, 0.0, 3.0]))
    # strings among a ufunc's inputs: NumPy's
    r = onp.add(onp.array(["a", "b"], dtype=object), onp.array(["c", "d"], dtype=object))
    assert list(r) == ["ac", "bd"]
    _same(onp.datetime64("2020-01-01") + anp.asarray([1, 2]), onp.datetime64("2020-01-01") + onp.array([1, 2]))  # fmt: skip
    # under jit: NumPy's function of a traced array runs arrax's
    _same(arrax.jit(lambda a: onp.sum(a * 2))(x), onp.asarray(onp.sum(_v * 2)))
    with pytest.raises(TypeError):
        onp.sqrt(x, out=(object(),))


def test_numpy_function_recursion_guard_per_thread():
    import threading

    x = anp.asarray(_v)
    results = []

    def work():
        results.append(onp.asarray(onp.histogram2d(x, x, bins=2)[0]))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = onp.histogram2d(_v, _v, bins=2)[0]
    assert len(results) == 3
    for r in results:
        _same(r, expected)


# --- round 2: methods without arguments, astype, where, sort, random --------------------------


@pytest.mark.parametrize("name", ["ravel", "flatten", "sum", "argmax", "max", "mean", "cumsum"])
def test_methods_without_and_with_arguments_like_numpy(name):
    a, o = anp.asarray(_m), _m
    _same(getattr(a, name)(), onp.asarray(getattr(o, name)()))
    if name in ("ravel", "flatten"):
        _same(getattr(a, name)("F"), getattr(o, name)("F"))
        _same(getattr(a, name)(order="C"), getattr(o, name)(order="C"))
        _same(arrax.jit(lambda t: getattr(t, name)())(a), getattr(o, name)())
    else:
        _same(getattr(a, name)(axis=0), onp.asarray(getattr(o, name)(axis=0)))
        _same(getattr(a, name)(1), onp.asarray(getattr(o, name)(1)))
        with pytest.raises(onp.exceptions.AxisError):
            getattr(a, name)(axis=5)
        _same(arrax.jit(lambda t: getattr(t, name)())(a), onp.asarray(getattr(o, name)()))
    with pytest.raises(TypeError):
        getattr(a, name)(bogus=1)


def test_astype_fast_and_full_paths_like_numpy():
    a, o = anp.asarray(_m), _m
    _, names = _python_calls(a.astype, onp.float32)
    assert "_names_host_only_dtype" not in names
    for dt in [onp.float32, onp.int8, bool, float, int, complex, "float16", onp.dtype("uint8")]:
        _same(a.astype(dt), o.astype(dt))
    _same(a.astype(onp.float32, copy=False), o.astype(onp.float32, copy=False))
    assert a.astype(onp.float64, copy=False) is a
    _same(a.astype(str), o.astype(str))  # (NumPy's strings)
    _same(a.astype("U8"), o.astype("U8"))
    _same(a.astype(onp.float32, order="F"), o.astype(onp.float32, order="F"))
    with pytest.raises(TypeError):
        a.astype(onp.int8, casting="safe")
    with pytest.raises(TypeError):
        a.astype("not a dtype")
    g = arrax.grad(lambda t: t.astype(onp.float32).sum().astype(onp.float64))(a)
    _same(g, onp.ones((3, 4)))


@pytest.mark.parametrize(
    "x,y",
    [(0.0, 1.0), (2**70, 0), (-1000, 1), (300, 2.5), (True, 0), (onp.int8(5), 7)],
)
@pytest.mark.parametrize("dtype", [onp.int8, onp.float32, onp.uint16])
def test_where_scalars_like_numpy(x, y, dtype):
    c = onp.array([True, False, True])
    arr = onp.array([1, 2, 3], dtype)
    for xs, ys in [(x, y), (arr, y), (x, arr)]:
        try:
            expected = onp.where(c, xs, ys)
        except OverflowError:
            with pytest.raises(OverflowError):
                anp.where(anp.asarray(c), xs if onp.ndim(xs) == 0 else anp.asarray(xs), ys)
            continue
        got = anp.where(
            anp.asarray(c),
            xs if onp.ndim(xs) == 0 else anp.asarray(xs),
            ys if onp.ndim(ys) == 0 else anp.asarray(ys),
        )
        _same(got, expected)


def test_where_of_an_array_and_a_float_skips_the_int_checks():
    m = anp.asarray(_m)
    got, names = _python_calls(anp.where, m > 0, m, 0.0)
    assert "_big_python_int" not in names
    _same(got, onp.where(_m > 0, _m, 0.0))
    _same(arrax.jit(lambda t: anp.where(t > 0, t, 0.0))(m), onp.where(_m > 0, _m, 0.0))


@pytest.mark.parametrize("fname", ["sort", "argsort"])
@pytest.mark.parametrize("axis", [-1, 0, 1, -2, None, onp.int64(1)])
def test_sort_axes_like_numpy(fname, axis):
    a, o = anp.asarray(_m[::-1]), _m[::-1]
    _same(getattr(anp, fname)(a, axis=axis), getattr(onp, fname)(o, axis=axis))
    if type(axis) is int:
        _, names = _python_calls(getattr(anp, fname), a, axis)
        assert "_axis" not in names and "bind1" not in names
        f = arrax.jit(lambda t: getattr(anp, fname)(t, axis=axis))
        _same(f(a), getattr(onp, fname)(o, axis=axis))
        _same(arrax.vmap(lambda t: getattr(anp, fname)(t))(a), getattr(onp, fname)(o, axis=-1))


@pytest.mark.parametrize("fname", ["sort", "argsort"])
def test_sort_bad_axes_like_numpy(fname):
    a = anp.asarray(_m)
    for axis in [2, -3]:
        with pytest.raises(
            onp.exceptions.AxisError, match=f"{fname}: axis {axis} is out of bounds"
        ):
            getattr(anp, fname)(a, axis=axis)
    with pytest.raises(TypeError, match=f"{fname}: 'float' object cannot be interpreted"):
        getattr(anp, fname)(a, axis=1.0)
    _same(anp.argsort(anp.asarray(3.0)), onp.argsort(onp.asarray(3.0)))
    _same(anp.sort(a, axis=0, descending=True), onp.sort(_m, axis=0)[::-1])
    g = arrax.grad(lambda t: (anp.sort(t, axis=1) * onp.arange(4.0)).sum())(a)
    _same(g, onp.tile(onp.arange(4.0), (3, 1)))


def test_random_plain_sizes_skip_the_checks_and_match_numpy():
    anp.random.seed(11)
    onp.random.seed(11)
    got, names = _python_calls(anp.random.randn, 3, 4)
    assert "_is_plain" not in names and "_to_arrax" not in names
    _same(got, onp.random.randn(3, 4))
    for name, args in [("rand", (2,)), ("randint", (0, 5, (2, 2))), ("uniform", (-1, 1, (3,)))]:
        _same(getattr(anp.random, name)(*args), getattr(onp.random, name)(*args))
    _same(anp.random.uniform(-1, 1, (3, 4)), onp.random.uniform(-1, 1, (3, 4)))
    _same(anp.random.normal(0.0, anp.asarray([1.0, 2.0])), onp.random.normal(0.0, [1.0, 2.0]))
    r = anp.random.choice(onp.array(["a", "b"]), 3)  # (strings: NumPy's array)
    assert isinstance(r, onp.ndarray) and r.dtype.kind == "U"
    assert anp.random.randn().__class__ is float


def test_numpy_emath_on_arrax_arrays_is_arraxs_emath():
    # (numpy.emath's functions say numpy.lib.scimath as their module; NumPy ran them on views)
    x = anp.asarray([-4.0, 4.0])
    got = onp.emath.sqrt(x)
    assert isinstance(got, anp.ndarray)
    onp.testing.assert_array_equal(onp.asarray(got), onp.emath.sqrt(onp.asarray([-4.0, 4.0])))
    assert onp.asarray(got).dtype == onp.complex128


def test_argsort_refuses_a_bool_axis_as_numpy():
    a = onp.arange(6.0).reshape(2, 3)
    with pytest.raises(TypeError, match="an integer is required for the axis"):
        onp.argsort(a, axis=True)
    with pytest.raises(TypeError, match="an integer is required for the axis"):
        anp.argsort(anp.asarray(a), axis=True)
    _same(anp.sort(anp.asarray(a), axis=True), onp.sort(a, axis=True))


@pytest.mark.parametrize(
    "items",
    [[1.0, 2.0, 3.0], [1, 2, 3], [1, 2.5], (1.5,), [True, 1], [True, False], [2**63],
     [1.0, 2**70], [-(2**63), 5], [onp.float32(1.0), 2.0], [1.0, onp.float64(2.0)], [-0.0, float("nan")]],
)  # fmt: skip
def test_flat_lists_of_numbers_like_numpy(items):
    # (Python floats and ints are filled in directly; everything else goes through NumPy)
    for make in (
        lambda m: m.array(items),
        lambda m: m.asarray(items),
        lambda m: m.array(items) + 0,
    ):
        got, expected = make(anp), make(onp)
        assert onp.asarray(got).dtype == expected.dtype
        assert repr(onp.asarray(got).tolist()) == repr(expected.tolist())


def test_flat_lists_of_0d_arrays_like_numpy():
    x, y, z = anp.asarray(1.5), anp.asarray(2.5), anp.asarray(3, dtype=anp.float32)
    _same(anp.array([x, y, x]), onp.array([1.5, 2.5, 1.5]))
    _same(anp.array((z, z)), onp.array([3, 3], dtype=onp.float32))
    _same(anp.array([x, z]), onp.array([onp.float64(1.5), onp.float32(3)]))
    _same(anp.array([x, 2.0]), onp.array([onp.float64(1.5), 2.0]))
    # a new array: writing it leaves the elements alone
    a = anp.array([x, y])
    a[0] = 7.0
    assert float(x) == 1.5
    # traced elements stay traced (the stacking path), concrete ones under jit are constants
    f = arrax.jit(lambda u: anp.array([u, u * 2.0, x]))
    _same(f(anp.asarray(1.0)), onp.array([1.0, 2.0, 1.5]))
    g = arrax.grad(lambda u: anp.array([u, u * 2.0]).sum())
    assert float(g(anp.asarray(1.0))) == 3.0
