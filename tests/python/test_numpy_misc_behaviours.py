"""Smaller NumPy behaviours found by running NumPy's own test files (numpy/lib/tests,
numpy/_core/tests) against arrax.numpy, each checked against NumPy itself."""

import warnings

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest


def test_apply_along_axis_tuples_concrete_functions_and_empty_iterations():
    a = onp.array([[1, 2], [3, 4]])
    got = anp.apply_along_axis(lambda x: (x[1], x[0]), 1, anp.asarray(a))
    onp.testing.assert_array_equal(
        onp.asarray(got), onp.apply_along_axis(lambda x: (x[1], x[0]), 1, a)
    )
    # A function that needs the values (bytes of the slice) runs on concrete slices.
    got = anp.apply_along_axis(lambda x: len(x.tobytes()), 0, anp.asarray(a))
    onp.testing.assert_array_equal(onp.asarray(got), [16, 16])
    with pytest.raises(ValueError, match="iteration dimensions are 0"):
        anp.apply_along_axis(lambda x: x, 0, anp.empty((0, 0)))
    onp.testing.assert_array_equal(
        onp.asarray(anp.apply_along_axis(lambda x: 1, 1, anp.empty((10, 0)))), onp.ones(10)
    )


@pytest.mark.parametrize("fn", ["unique_values", "unique_counts", "unique_inverse", "unique_all"])
def test_array_api_unique_counts_each_nan(fn):
    a = onp.array([1.0, onp.nan, onp.nan, 3.0, -0.0, 1.0])
    got, expected = getattr(anp, fn)(anp.asarray(a)), getattr(onp, fn)(a)
    got = got if isinstance(got, tuple) else (got,)
    expected = expected if isinstance(expected, tuple) else (expected,)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        onp.testing.assert_array_equal(onp.asarray(g), e)


def test_ediff1d_refuses_ends_it_cannot_cast():
    ary = onp.array([1, 3, 9], dtype=onp.int8)
    for kw in [{"to_begin": onp.nan}, {"to_end": onp.nan}]:
        with pytest.raises(TypeError, match="must be compatible with input `ary`"):
            anp.ediff1d(anp.asarray(ary), **kw)
    onp.testing.assert_array_equal(
        onp.asarray(anp.ediff1d(anp.asarray(ary), to_begin=-1, to_end=[7, 8])),
        onp.ediff1d(ary, to_begin=-1, to_end=[7, 8]),
    )


def test_unstack_checks_its_axis():
    a = anp.zeros((2, 3, 4))
    assert len(anp.unstack(a, axis=-1)) == 4
    for axis in (3, -4):
        with pytest.raises(ValueError):
            anp.unstack(a, axis=axis)
    with pytest.raises(ValueError):
        anp.unstack(anp.asarray(0), axis=0)


def test_shape_setter_and_resize_in_place():
    x = anp.arange(10)
    alias = x
    x.shape = (2, 5)
    assert alias.shape == (2, 5)
    onp.testing.assert_array_equal(onp.asarray(x), onp.arange(10).reshape(2, 5))
    with pytest.raises(AttributeError, match="Incompatible shape"):
        x.T.shape = (10,)
    a, n = anp.arange(4.0), onp.arange(4.0)
    a.resize((2, 3))
    n.resize((2, 3))
    onp.testing.assert_array_equal(onp.asarray(a), n)
    a.resize(2)
    n.resize(2, refcheck=False)
    onp.testing.assert_array_equal(onp.asarray(a), n)


def test_python_complex_into_a_real_array_raises():
    for dtype in (onp.int64, onp.float64):
        x = anp.zeros(3, dtype=dtype)
        with pytest.raises(TypeError):
            x[1] = 1 + 2j
    c = anp.zeros(3, dtype=onp.complex128)
    c[1] = 1 + 2j
    assert complex(c[1]) == 1 + 2j


def test_broadcast_views_are_read_only():
    a = anp.arange(3.0)
    b = anp.broadcast_to(a, (2, 3))
    assert not b.flags.writeable and a.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        b[0, 0] = 9
    onp.testing.assert_array_equal(onp.asarray(a), [0.0, 1.0, 2.0])


def test_ufunc_at_reduceat_and_descriptive_attributes():
    a, n = anp.asarray([1, 2, 3, 4]), onp.array([1, 2, 3, 4])
    assert anp.add.at(a, [0, 1, 0], 1) is None
    onp.add.at(n, [0, 1, 0], 1)
    onp.testing.assert_array_equal(onp.asarray(a), n)
    b, m = anp.arange(4.0), onp.arange(4.0)
    anp.negative.at(b, [0, 2])
    onp.negative.at(m, [0, 2])
    onp.testing.assert_array_equal(onp.asarray(b), m)
    fresh = anp.maximum.at(anp.zeros(3), anp.asarray([0, 0, 2]), 5.0, inplace=False)
    onp.testing.assert_array_equal(onp.asarray(fresh), [5.0, 0.0, 5.0])
    onp.testing.assert_array_equal(
        onp.asarray(anp.add.reduceat(anp.arange(8), [0, 4, 1, 5])),
        onp.add.reduceat(onp.arange(8), [0, 4, 1, 5]),
    )
    for name in ("add", "multiply", "maximum", "sin"):
        for attr in ("identity", "ntypes", "types", "signature"):
            assert getattr(getattr(anp, name), attr) == getattr(getattr(onp, name), attr)


def test_vectorize_with_strings_and_genfromtxt_masks():
    import io

    got = anp.vectorize(lambda s, x: len(s) + x)("ab", anp.arange(3))
    onp.testing.assert_array_equal(onp.asarray(got), [2, 3, 4])
    m = anp.genfromtxt(io.StringIO("1,2\n3,\n"), delimiter=",", usemask=True)
    assert isinstance(m, onp.ma.MaskedArray) and m.mask.tolist() == [[False, False], [False, True]]


def test_numpy_names_arrax_takes_from_numpy():
    for name in ("long", "ulong", "ScalarType", "sctypeDict", "isnat", "busday_count",
                 "datetime_as_string", "getbufsize", "memmap", "typing"):  # fmt: skip
        assert getattr(anp, name) is getattr(onp, name)
    # (numpy.polynomial is arrax's own: arrax arrays in and out)
    fit = anp.polynomial.Polynomial.fit([0, 1, 2], [1, 3, 5], 1).convert()
    assert isinstance(fit.coef, anp.ndarray)
    onp.testing.assert_allclose(fit.coef, [1.0, 2.0])


def test_signed_and_uint64_compare_exactly():
    import operator

    a = onp.array([2**60, -1, 5, -(2**63)])
    b = onp.array([2**60 + 1, 2**64 - 1, 5, 0], dtype=onp.uint64)
    for op in (operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne):
        onp.testing.assert_array_equal(onp.asarray(op(anp.asarray(a), anp.asarray(b))), op(a, b))
        onp.testing.assert_array_equal(onp.asarray(op(anp.asarray(b), anp.asarray(a))), op(b, a))


def test_ndarray_constructor():
    a = anp.ndarray((2, 3))
    assert isinstance(a, anp.ndarray) and a.shape == (2, 3) and a.dtype == onp.float64
    assert anp.ndarray(shape=(2,), dtype=onp.int32).dtype == onp.int32
    buf = onp.arange(6.0)
    view = anp.ndarray((3,), buffer=buf, offset=8, strides=(16,))
    onp.testing.assert_array_equal(
        onp.asarray(view), onp.ndarray((3,), buffer=buf, offset=8, strides=(16,))
    )


def test_subclass_new_idiom_never_leaves_an_unset_array():
    class Simple(anp.ndarray):
        def __new__(subtype, shape, dtype=float):
            self = anp.ndarray.__new__(subtype, shape, dtype=dtype)
            self.fill(0)
            return self

    a = Simple((3, 4))
    assert isinstance(a, anp.ndarray) and a.shape == (3, 4)
    onp.testing.assert_array_equal(onp.asarray(a + a), onp.zeros((3, 4)))
    with pytest.raises(TypeError):  # an object dtype: a Python error, not a crash
        Simple((3, 4), dtype=object)


@pytest.mark.parametrize("dtype", [onp.float32, onp.float64, onp.complex64, onp.complex128])
def test_det_keeps_its_dtype_digits(dtype):
    m = (onp.array([[2j, 0], [0, 2j]]) if onp.dtype(dtype).kind == "c" else onp.eye(2) * 2) * (
        onp.array([1, 2, 3])[:, None, None]
    )
    m = m.astype(dtype)
    got = anp.linalg.det(anp.asarray(m))
    assert got.dtype == dtype
    # (NumPy's own test: decimal 6, which exp(logdet) in complex64 missed: 36.000004)
    onp.testing.assert_almost_equal(onp.asarray(got), onp.linalg.det(m), decimal=6)
    rng = onp.random.default_rng(1)
    a = rng.standard_normal((3, 4, 4)).astype(dtype)
    tol = 1e-5 if onp.dtype(dtype).itemsize <= 8 and dtype != onp.float64 else 1e-12
    onp.testing.assert_allclose(
        onp.asarray(anp.linalg.det(anp.asarray(a))), onp.linalg.det(a), rtol=tol
    )
    assert str(float(anp.linalg.det(anp.asarray([[1.0, 2.0], [2.0, 4.0]])))) == "0.0"


def test_setflags_write_as_numpy():
    # ndarray.setflags(write=False) (and flags.writeable / flags["W"] = False) makes writes
    # raise NumPy's ValueError, through __setitem__, in-place operators and out=; write=True
    # undoes it. Views made afterwards are read-only too, as NumPy's are.
    for mod in (onp, anp):
        a = mod.arange(4.0)
        a.setflags(write=False)
        assert not a.flags.writeable and not a.flags["W"] and not a[1:].flags.writeable
        for write in (lambda: a.__setitem__(0, 5), lambda: a.__iadd__(1)):
            with pytest.raises(ValueError, match="read-only"):
                write()
        with pytest.raises(ValueError, match="read-only"):
            mod.add(a, 1, out=a)
        a.flags.writeable = True
        a[0] = 7
        assert a.flags["W"] and a.tolist() == [7.0, 1.0, 2.0, 3.0]
        a.flags["W"] = False
        assert not a.flags.writeable
        if mod is onp or a.device.platform == "cpu":  # (a GPU array's is a host copy)
            assert not onp.asarray(a).flags.writeable
        with pytest.raises(ValueError, match="WRITEBACKIFCOPY"):
            a.setflags(uic=True)
        with pytest.raises(KeyError):
            a.flags["OWNDATA"] = False
    # memory a read-only NumPy array holds stays read-only
    h = onp.arange(3.0)
    h.flags.writeable = False
    x = anp.asarray(h)  # (on a GPU as default device, a writeable copy)
    if x.device.platform == "cpu":
        with pytest.raises(ValueError, match="setflags: cannot set WRITEABLE"):
            x.setflags(write=True)
    with pytest.raises(ValueError, match="setflags: cannot set WRITEABLE"):
        anp.broadcast_to(anp.arange(3.0), (2, 3)).setflags(write=True)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_sort_nan_order_and_medians_as_numpy(dtype):
    # NumPy's complex order with NaNs: [R + Rj, R + nanj, nan + Rj, nan + nanj], each group by
    # its non-NaN part; median gives a slice's NaN itself, nanmedian skips NaNs (NaN for a
    # slice of NaNs only).
    nan = onp.nan
    v = onp.array(
        [complex(nan, 1), complex(nan, 0), complex(1, nan), complex(nan, nan), 1, complex(0, nan)]
        + [complex(nan, -1), complex(nan, nan), complex(-1, 2), 1, complex(1, nan)],
        dtype,
    )
    onp.testing.assert_array_equal(anp.sort(anp.asarray(v)), onp.sort(v))
    onp.testing.assert_array_equal(anp.argsort(anp.asarray(v)), onp.argsort(v, kind="stable"))
    z = (onp.arange(12).reshape(3, 4) + 1j * onp.arange(12)[::-1].reshape(3, 4)).astype(dtype)
    z[0, 1], z[:, 3] = complex(nan, 1), nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for f in ("median", "nanmedian"):
            for axis in (None, 0, 1):
                got, want = (
                    getattr(anp, f)(anp.asarray(z), axis=axis),
                    getattr(onp, f)(z, axis=axis),
                )
                assert got.dtype == want.dtype
                onp.testing.assert_array_equal(onp.asarray(got), want)


def test_nanquantile_of_integers_keeps_numpy_dtype():
    m = onp.arange(12).reshape(3, 4)
    for q in (1, 0.5, [0, 1]):
        for f in ("quantile", "nanquantile"):
            got, want = getattr(anp, f)(m, q, axis=0), getattr(onp, f)(m, q, axis=0)
            assert got.dtype == want.dtype, (f, q)
            onp.testing.assert_allclose(onp.asarray(got), want)


_ALL_NAN = onp.array([[onp.nan, onp.nan], [1.0, onp.nan]])
_WARNING_CASES = [  # (function, its argument, keywords): NumPy's RuntimeWarnings, not FP flags
    ("nanmax", _ALL_NAN, {"axis": 1}),
    ("nanmin", _ALL_NAN, {}),
    ("nanmean", _ALL_NAN, {"axis": 1}),
    ("nanvar", _ALL_NAN, {"axis": 1}),
    ("nanstd", _ALL_NAN, {"axis": 1, "ddof": 1}),
    ("nanmedian", _ALL_NAN, {"axis": 1}),
    ("nanmedian", _ALL_NAN.astype(complex), {"axis": 1}),
    ("nanquantile", _ALL_NAN, {"q": 0.5, "axis": 1}),
    ("nanpercentile", _ALL_NAN, {"q": 50, "axis": 1}),
    ("mean", onp.zeros((0, 2)), {"axis": 0}),
    ("mean", onp.ones(3), {"where": False}),
    ("var", onp.zeros((0, 2)), {"axis": 0}),
    ("std", onp.ones((2, 2)), {"ddof": 4}),
    ("median", onp.zeros((0, 2)), {"axis": 0}),
    ("nanmedian", _ALL_NAN[1:], {}),  # (none: a value is left)
]


@pytest.mark.parametrize("name, a, kwargs", _WARNING_CASES)
def test_runtime_warnings_as_numpy(name, a, kwargs):
    # NumPy's own warnings of empty and all-NaN slices (warnings.warn in NumPy, whatever the
    # error state): the same messages eagerly; under jit nothing warns, as in JAX.
    def messages(fn, *args):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = fn(*args)
        return result, [str(w.message) for w in caught if "encountered in" not in str(w.message)]

    want, want_msgs = messages(lambda x: getattr(onp, name)(x, **kwargs), a)
    got, got_msgs = messages(lambda x: getattr(anp, name)(x, **kwargs), anp.asarray(a))
    assert got_msgs == want_msgs
    onp.testing.assert_array_equal(onp.asarray(got), want)
    if name not in ("median", "nanmedian", "nanquantile", "nanpercentile"):  # (host-computed)
        import arrax

        jitted = arrax.jit(lambda x: getattr(anp, name)(x, **kwargs))
        _, jit_msgs = messages(jitted, anp.asarray(a))
        assert jit_msgs == []


def test_polynomial_functions_return_poly1d_for_poly1d():
    # NumPy's legacy polynomial functions give poly1d objects when handed one (poly1d is
    # NumPy's class), so poly1d arithmetic on their results works: q * v + r == u.
    u, v = onp.poly1d([1, 2, 3]), onp.poly1d([1, 2, 3, 4, 5])
    q, r = anp.polydiv(u, v)
    assert isinstance(q, onp.poly1d) and isinstance(r, onp.poly1d)
    assert q * v + r == u
    for name, args in [
        ("polyadd", (u, [1])),
        ("polysub", ([1], u)),
        ("polymul", (u, v)),
        ("polyder", (u, 1)),
        ("polyint", (u,)),
    ]:
        got, want = getattr(anp, name)(*args), getattr(onp, name)(*args)
        assert isinstance(got, onp.poly1d) and got == want and repr(got) == repr(want), name
    assert isinstance(anp.polyder([1, 2], 1), anp.ndarray)


def test_numpy_views_of_int64_arrays_have_numpys_int64():
    # numpy.asarray of an int64 array is NumPy's int_ ('l' on LP64), so it prints as NumPy's
    for dt in ("int64", "uint64", "int32", "float64"):
        h = onp.asarray(anp.arange(3, dtype=dt))
        assert h.dtype.char == onp.arange(3, dtype=dt).dtype.char
        assert repr(h) == repr(onp.arange(3, dtype=dt))


def test_shapes_whose_size_overflows_are_refused():
    # Dims whose product wraps around int64 (here to 10, the array's size) once crashed a
    # reshape (NumPy's own regression test); they raise ValueError, as NumPy, on every path.
    import arrax

    huge = (2, 13, 419, 691, 823, 2977518503)
    a = anp.ones(20)[::2]
    with pytest.raises(ValueError):
        onp.ones(20)[::2].reshape(huge)
    for make in (
        lambda: a.reshape(huge),
        lambda: anp.ones(10).reshape(huge),
        lambda: arrax.lax.reshape(anp.ones(10), huge),
        lambda: arrax.jit(lambda x: arrax.lax.reshape(x, huge))(anp.ones(10)),
        lambda: arrax.lax.reshape(anp.ones(10), (-2, -5)),
        lambda: anp.broadcast_to(anp.ones(10), (2**62, 4, 10)),
        lambda: anp.zeros((2**40, 2**40)),
    ):
        with pytest.raises(ValueError):
            make()
    assert anp.zeros((3, 0, 2**62)).shape == (3, 0, 2**62)  # (no items: nothing overflows)


def test_shape_setter_infers_minus_one_and_lexsort_of_0d_keys():
    for mod in (onp, anp):
        a = mod.ones((0, 2))
        a.shape = (-1, 2)  # (NumPy's gh-2700: a 0-sized array)
        b = mod.arange(6.0)
        b.shape = (3, -1)
        assert a.shape == (0, 2) and b.shape == (3, 2)
        assert mod.arange(4.0).flags.fortran == onp.arange(4.0).flags.fortran
    for axis in (-1, 0):
        got = anp.lexsort((anp.array(1),), axis=axis)
        assert got.shape == () and int(got) == onp.lexsort((onp.array(1),), axis=axis)
    for axis in (1, -2):
        with pytest.raises(onp.exceptions.AxisError):
            anp.lexsort((anp.array(1),), axis=axis)


def test_partition_of_empty_axes_real_imag_setters_and_object_lists():
    for mod in (onp, anp):
        assert mod.partition(mod.array([]), 5).shape == (0,)  # (an empty axis: any kth)
        assert mod.argpartition(mod.ones((2, 0)), 1).shape == (2, 0)
        a = mod.array([1 + 2j, 3 - 1j])
        a.real = 5
        a.imag = mod.array([7.0, 8.0])
        assert a.tolist() == [5 + 7j, 5 + 8j]
        b = mod.arange(3.0)
        b.real = 2
        assert b.tolist() == [2.0, 2.0, 2.0]
        with pytest.raises(TypeError):
            b.imag = 1
    # lists of objects that are no numbers (a Decimal, a class of the user's): NumPy's object
    # arrays, as NumPy makes them
    from decimal import Decimal

    class Point:
        pass

    for items in ([[[Decimal(1)]]], [Point(), Point()]):
        got = anp.array(items)
        assert isinstance(got, onp.ndarray) and got.dtype == object
    assert isinstance(anp.array([1, 2.5, onp.float32(3)]), anp.ndarray)


def test_array_interface_for_host_arrays():
    # NumPy's __array_interface__ (what Pillow's Image.fromarray and ctypes code read): views
    # with their strides and offset, read-only flag, zero-size arrays; bfloat16 has none, so
    # numpy.asarray takes __array__.
    class Holder:  # (an object that exposes only the interface, as a consumer sees it)
        def __init__(self, a):
            self.__array_interface__ = a.__array_interface__
            self.keep = a

    base = onp.arange(24.0).reshape(4, 6).astype("float32")
    x = anp.asarray(base)
    if x.device.platform != "cpu":  # (a GPU array has no host memory to point at)
        assert not hasattr(x, "__array_interface__")
        return
    for view, want in [(x, base), (x.T, base.T), (x[1:, ::2], base[1:, ::2]), (x[:0], base[:0])]:
        got = onp.asarray(Holder(view))
        assert got.dtype == want.dtype and got.shape == want.shape
        onp.testing.assert_array_equal(got, want)
    x.setflags(write=False)
    assert x.__array_interface__["data"][1] is True
    assert not hasattr(anp.ones(2, dtype=anp.bfloat16), "__array_interface__")


@pytest.mark.parametrize("target", ["float16", "bfloat16"])
def test_float64_to_half_rounds_once(target):
    # Every positive half value, the half-way points between neighbours, and one ulp either side
    # of them: rounding through float32 first would round some twice (to the point, then to
    # even). float16 against NumPy's direct rounding; bfloat16 (ml_dtypes itself rounds through
    # float32) against the definition: the nearest value, ties to the even bit pattern.
    ml_dtypes = pytest.importorskip("ml_dtypes") if target == "bfloat16" else None
    dt, n = (ml_dtypes.bfloat16, 0x7F80) if ml_dtypes else (onp.float16, 0x7C00)
    exact = onp.arange(0, n, dtype=onp.uint16).view(dt).astype(onp.float64)
    mid = 0.5 * (exact[:-1] + exact[1:])
    for v in (exact, mid, onp.nextafter(mid, onp.inf), onp.nextafter(mid, -onp.inf)):
        got = onp.asarray(anp.asarray(v).astype(target)).view(onp.uint16)
        if target == "float16":
            onp.testing.assert_array_equal(got, v.astype(dt).view(onp.uint16))
            onp.testing.assert_array_equal(
                onp.asarray(anp.asarray(-v).astype(target)).view(onp.uint16), got | 0x8000
            )
            continue

        def value(b):  # (past the largest finite value: no neighbour there)
            v = onp.clip(b, 0, n - 1).astype(onp.uint16).view(dt).astype(onp.float64)
            return onp.where((b < 0) | (b >= n), onp.inf, v)

        err = onp.abs(v - value(got.astype(onp.int64)))
        for step in (-1, 1):
            other = onp.abs(v - value(got.astype(onp.int64) + step))
            assert onp.all((err < other) | ((err == other) & (got % 2 == 0)) | (err == 0))


@pytest.mark.parametrize("dtype", ["f8", "f4", "f2", "c16", "i4", "u1", "bool"])
@pytest.mark.parametrize("n", [0, 1, 7, 300, 5000])  # both methods: one comparison / bisection
@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_in_numpys_sort_order(dtype, n, side):
    rng = onp.random.default_rng(n)
    a = rng.integers(0, 50, n).astype(dtype)
    v = rng.integers(-2, 52, (30, 20)).astype(dtype)
    if a.dtype.kind in "fc":
        a[rng.integers(0, n, 3 if n > 3 else 0)] = onp.nan
        v[0, :5] = onp.nan
    if a.dtype.kind == "c" and n > 3:  # each kind of complex NaN has its place
        a[:3] = [complex(1, onp.nan), complex(onp.nan, 2), complex(onp.nan, 0)]
        v[1, :3] = [complex(1, onp.nan), complex(onp.nan, 1), complex(onp.nan, onp.nan)]
    a = onp.sort(a)
    got = anp.searchsorted(anp.asarray(a), anp.asarray(v), side)
    expected = onp.searchsorted(a, v, side)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    onp.testing.assert_array_equal(onp.asarray(got), expected)


def test_searchsorted_sorter_checks_and_large_inputs():
    a = onp.array([5, 2, 1, 3, 4])
    s = onp.argsort(a)
    assert int(anp.searchsorted(anp.asarray(a), 3, sorter=anp.asarray(s))) == 2
    with pytest.raises(TypeError):
        anp.searchsorted(anp.asarray(a), 0, sorter=[1.1])
    for bad in ([1, 2, 3, 4], [0, 1, 2, 3, 5], [-1, 0, 1, 2, 3]):
        with pytest.raises(ValueError, match="searchsorted"):
            anp.searchsorted(anp.asarray(a), 0, sorter=bad)
    # 2e5 x 2e5 pairs: a binary search (counting every pair would need 40 GB)
    big = onp.sort(onp.random.default_rng(1).random(200_000))
    x = onp.random.default_rng(2).random(200_000)
    onp.testing.assert_array_equal(
        onp.asarray(anp.searchsorted(anp.asarray(big), anp.asarray(x))), onp.searchsorted(big, x)
    )


@pytest.mark.parametrize("dtype", ["f8", "f4", "f2", "i1", "i2", "i4", "i8", "u1", "u2", "u4",
                                   "u8", "bool", "c8"])  # fmt: skip
@pytest.mark.parametrize("shape", [(65,), (300,), (10_000,), (7, 300), (300, 7)])
def test_sort_long_lines_stable_with_nan_and_signed_zeros(dtype, shape):
    # Lines longer than 64 take the radix sort: its keys must order as NumPy's stable sort,
    # -0.0 tied with 0.0 (kept in input order) and every NaN last.
    rng = onp.random.default_rng(len(shape) * 1000 + shape[0])
    a = rng.integers(-100, 100, shape)
    if onp.dtype(dtype).kind in "fc":
        a = (rng.standard_normal(shape) * 3).round(1)
        a.flat[rng.integers(0, a.size, 5)] = onp.nan
        a.flat[[0, 3, 9]] = [-0.0, 0.0, -0.0]
        a.flat[[5, 6]] = [onp.inf, -onp.inf]
    a = a.astype(dtype)
    for axis in range(a.ndim):
        expected = onp.sort(a, axis=axis, kind="stable")
        got = onp.asarray(anp.sort(anp.asarray(a), axis=axis))
        onp.testing.assert_array_equal(got, expected)
        if a.dtype.kind == "f":
            onp.testing.assert_array_equal(onp.signbit(got), onp.signbit(expected))
        onp.testing.assert_array_equal(
            onp.asarray(anp.argsort(anp.asarray(a), axis=axis)),
            onp.argsort(a, axis=axis, kind="stable"),
        )


def test_reduceat_takes_arrax_indices():
    x = onp.arange(1000.0)
    idx = onp.arange(0, 1000, 100)
    got = anp.add.reduceat(anp.asarray(x), anp.asarray(idx))
    onp.testing.assert_array_equal(onp.asarray(got), onp.add.reduceat(x, idx))


@pytest.mark.parametrize("dtype", ["f8", "f4", "f2", "c16", "c8", "i4", "u1", "bool"])
@pytest.mark.parametrize(
    "sizes",
    [(1, 1), (5, 3), (3, 5), (4, 7), (4, 8), (100, 7), (7, 100), (2100, 2000), (20_000, 30)],
)
def test_convolve_correlate_every_mode_against_numpy(dtype, sizes):
    # floats and complex go through the conv primitive (a long signal as a batch of overlapping
    # segments); integers through a gather, or (past 4M products, as 2100 x 2000) one shifted
    # product per element of the shorter input. (4, 7) and (4, 8): 'same' of correlate with the
    # shorter input first rounds its odd margin as NumPy's does.
    rng = onp.random.default_rng(sum(sizes))
    n, m = sizes
    if onp.dtype(dtype).kind in "fc":
        a, v = (
            (rng.standard_normal(n) * 4).astype(dtype),
            (rng.standard_normal(m) * 4).astype(dtype),
        )
        if a.dtype.kind == "c":
            a, v = a + 1j * rng.standard_normal(n), v - 2j * rng.standard_normal(m)
            a, v = a.astype(dtype), v.astype(dtype)
    else:
        a, v = rng.integers(0, 5, n).astype(dtype), rng.integers(0, 5, m).astype(dtype)
    tol = {"f2": 3e-2, "f4": 1e-4, "c8": 1e-4}.get(dtype, 1e-10)
    for fn in ("convolve", "correlate"):
        for mode in ("full", "same", "valid"):
            expected = getattr(onp, fn)(a, v, mode)
            got = getattr(anp, fn)(anp.asarray(a), anp.asarray(v), mode)
            assert got.dtype == expected.dtype and got.shape == expected.shape
            scale = max(1.0, float(onp.abs(expected).max()))
            onp.testing.assert_allclose(onp.asarray(got), expected, rtol=tol, atol=tol * scale)


def test_flip_split_rot90_rollaxis_are_views_as_in_numpy():
    a = anp.arange(12.0).reshape(3, 4)
    first, _ = anp.split(a, 2, axis=1)
    first[0, 0] = -1.0
    anp.flip(a)[0, 0] = -2.0
    anp.rot90(a)[0, 0] = -3.0  # a[0, 3]
    anp.rollaxis(a, 1)[1, 2] = -4.0  # a[2, 1]
    anp.array_split(a, 3)[1][0, 1] = -5.0
    expected = onp.arange(12.0).reshape(3, 4)
    expected[0, 0], expected[2, 3], expected[0, 3], expected[2, 1], expected[1, 1] = (
        -1,
        -2,
        -3,
        -4,
        -5,
    )
    onp.testing.assert_array_equal(onp.asarray(a), expected)


@pytest.mark.parametrize("shape", [(2, 3, 4), (3, 4), (5,), (), (0, 3)])
def test_rearrangements_against_numpy(shape):
    x = onp.arange(float(onp.prod(shape))).reshape(shape)

    def check(fn):
        try:
            expected = fn(onp, x)
        except Exception as e:  # the same exception type as NumPy's
            with pytest.raises(type(e)):
                fn(anp, anp.asarray(x))
            return
        got = fn(anp, anp.asarray(x))
        for e, g in zip(expected, got) if isinstance(expected, list) else [(expected, got)]:
            assert g.shape == e.shape and g.dtype == e.dtype
            onp.testing.assert_array_equal(onp.asarray(g), e)

    for axis in [None, 0, -1, (0, 1), 5]:
        check(lambda m, a: m.flip(a, axis))
    check(lambda m, a: m.fliplr(a))
    check(lambda m, a: m.flipud(a))
    for shift, axis in [(1, None), (-7, None), (2, 0), ((1, 2), (0, 1)), (1, (0, 1)), ((1, 2), 0),
                        ((1, 2, 3), (0, 1)), (5, 3)]:  # fmt: skip
        check(lambda m, a: m.roll(a, shift, axis))
    for k in [-1, 0, 1, 2, 5]:
        for axes in [(0, 1), (1, 0), (0, -1), (0, 0), (0, 5)]:
            check(lambda m, a: m.rot90(a, k, axes))
    for axis in [0, -1, 3]:
        for start in [0, 2, -1, 5]:
            check(lambda m, a: m.rollaxis(a, axis, start))
    for sections in [1, 2, 3, [1], [1, 3], [3, 1], [0, 10], 0]:
        for axis in [0, 1, -1]:
            check(lambda m, a: m.split(a, sections, axis))
            check(lambda m, a: m.array_split(a, sections, axis))
        for fn in ("hsplit", "vsplit", "dsplit"):
            check(lambda m, a: getattr(m, fn)(a, sections))
    for k in [-2, 0, 1, 3]:
        check(lambda m, a: m.tril(a, k))
        check(lambda m, a: m.triu(a, k))


def _same_outcome(fn):
    """fn(numpy) and fn(arrax.numpy) give equal arrays, or raise the same exception type."""
    try:
        expected = fn(onp)
    except Exception as e:
        with pytest.raises(type(e)):
            fn(anp)
        return
    got = fn(anp)
    assert got.dtype == expected.dtype
    onp.testing.assert_array_equal(onp.asarray(got), expected)


@pytest.mark.parametrize(
    "fn",
    [
        *[lambda m, f=f: getattr(m, f)(x for x in [m.ones(2)] * 2)
          for f in ["hstack", "vstack", "dstack", "column_stack", "stack", "concatenate"]],
        lambda m: m.arange(0, 1, onp.inf),
        lambda m: m.arange(0, -1, onp.inf),
        lambda m: m.arange(0, -1, -onp.inf),
        lambda m: m.arange(0, onp.finfo(float).eps, onp.finfo(float).max),
        lambda m: m.concatenate([m.ones(2, "f4"), m.ones(2)], casting="no"),
        lambda m: m.concatenate([m.ones(2), m.ones(2)], dtype="i4", casting="same_kind"),
        lambda m: m.array([1], ndmin=65),
        lambda m: m.sort(m.arange(3), kind="nonsense"),
        lambda m: m.sort(m.arange(3), kind=1),
        lambda m: m.sort(m.arange(3), kind="Q"),
        lambda m: m.argsort(m.arange(3), kind="stable", stable=True),
        lambda m: m.partition(m.arange(3), 1, kind="nonsense"),
        lambda m: m.partition(m.arange(3), 1, kind=1),
        lambda m: m.arange(3)[(None,) * 70],
        lambda m: m.frombuffer(b"\xff\xff" * 100, dtype=bool).sum(),
    ],
)  # fmt: skip
def test_small_numpy_behaviours_from_its_own_tests(fn):
    _same_outcome(fn)


def test_diff_and_polyder_of_huge_orders_return_at_once():
    # (the loops stop once the result is empty: NumPy's diff(x, 2**70) runs for ever)
    assert anp.diff(anp.arange(6.0), 2**70).shape == (0,)
    assert anp.diff(anp.ones((2, 3), bool), 10**9).dtype == bool
    assert anp.polyder(anp.arange(3.0), 2**70).shape == (0,)
    for n in [3, 4, 10]:
        _same_outcome(lambda m, n=n: m.diff(m.arange(6.0).reshape(2, 3), n))
        _same_outcome(lambda m, n=n: m.polyder(m.asarray([1.0, 2, 3]), n))


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.expand_dims([], None),  # (arrax read an empty optional: a crash)
        lambda m: m.moveaxis(m.ones((2, 3)), None, 0),
        lambda m: m.moveaxis(m.ones((2, 3)), 0, None),
    ],
)
def test_none_where_an_axis_is_required_is_a_type_error(fn):
    _same_outcome(fn)


@pytest.mark.parametrize(
    "mode, kwargs",
    [
        ("empty", {"constant_values": 1}),
        ("constant", {"stat_length": 2}),
        ("edge", {"end_values": 1}),
    ],
)
def test_pad_refuses_other_modes_keywords_like_numpy(mode, kwargs):
    with pytest.raises(ValueError, match=f"unsupported keyword arguments for mode '{mode}'"):
        anp.pad(anp.asarray([1, 2, 3]), 1, mode, **kwargs)


# --- tile, repeat and constant pad: NumPy's values, dtypes and layouts, eager and under jit ------


@pytest.mark.parametrize("shape", [(), (0,), (3,), (1,), (2, 3), (1, 3), (2, 0, 3)])
@pytest.mark.parametrize("reps", [0, 1, 2, (2,), (2, 1), (1, 2), (2, 0, 3), (1, 1, 1, 1)])
def test_tile_like_numpy_eager_and_traced(shape, reps):
    x = (onp.arange(int(onp.prod(shape))) % 5).reshape(shape).astype(onp.int32)
    want = onp.tile(x, reps)
    for got in (anp.tile(anp.asarray(x), reps), arrax.jit(lambda a: anp.tile(a, reps))(x)):
        assert got.shape == want.shape and got.dtype == want.dtype
        onp.testing.assert_array_equal(onp.asarray(got), want)


@pytest.mark.parametrize("shape", [(), (3,), (1,), (2, 3), (3, 1), (2, 0, 3)])
@pytest.mark.parametrize("r", [0, 1, 3])
@pytest.mark.parametrize("axis", [None, 0, -1])
def test_repeat_like_numpy_eager_and_traced(shape, r, axis):
    x = onp.arange(int(onp.prod(shape)), dtype=onp.float32).reshape(shape)
    if axis is not None and x.ndim == 0:
        return
    want = onp.repeat(x, r, axis=axis)
    for got in (
        anp.repeat(anp.asarray(x), r, axis=axis),
        arrax.jit(lambda a: anp.repeat(a, r, axis=axis))(x),
    ):
        assert got.shape == want.shape and got.dtype == want.dtype
        onp.testing.assert_array_equal(onp.asarray(got), want)


def test_tile_and_repeat_return_new_writable_arrays():
    x = anp.ones(3)
    for r in (anp.tile(x, 1), anp.repeat(x, 1), arrax.jit(lambda a: anp.tile(a, 1))(x)):
        r[0] = 5.0
    assert float(x[0]) == 1.0
    y = anp.ones(1)
    r = anp.repeat(y, 4)  # (a broadcast of one element must still come back writable)
    r[1] = 3.0
    assert r.tolist() == [1.0, 3.0, 1.0, 1.0] and y.tolist() == [1.0]
    g = arrax.grad(lambda a: (anp.tile(a, 3) ** 2).sum() + anp.repeat(a, 2).sum())(anp.arange(2.0))
    onp.testing.assert_allclose(onp.asarray(g), [2.0, 8.0])


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("pad_width", [0, 1, (1, 2), ((1, 2),), [[1], [2]], ((0, 1), (2, 0))])
@pytest.mark.parametrize("cv", [0, 5, 1.5])
def test_constant_pad_like_numpy(order, pad_width, cv):
    x = onp.asarray(onp.arange(6).reshape(2, 3).astype(onp.uint8), order=order)
    want = onp.pad(x, pad_width, constant_values=cv)
    got = anp.pad(anp.asarray(x), pad_width, constant_values=cv)
    assert got.dtype == want.dtype and got.flags.f_contiguous == want.flags.f_contiguous
    onp.testing.assert_array_equal(onp.asarray(got), want)
    traced = arrax.jit(lambda a: anp.pad(a, pad_width, constant_values=cv))(x)
    onp.testing.assert_array_equal(onp.asarray(traced), want)


def test_diagonal_is_a_read_only_view_like_numpy():
    a = anp.arange(12.0).reshape(3, 4)
    d = anp.diagonal(a)
    a[1, 1] = 100.0  # (NumPy's diagonal is a view: the write shows through it)
    assert d.tolist() == [0.0, 100.0, 10.0]
    with pytest.raises(ValueError, match="read-only"):
        d[0] = 1.0
