"""The examples in NumPy's own docstrings (numpy.*, numpy.linalg, numpy.fft, numpy.lib.*,
ndarray methods) run with arrax.numpy in place of NumPy, and the divergences they found:
values, dtypes and shapes must be NumPy's."""

import arrax
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


# --- numpy.isrealobj / iscomplexobj: any object (NumPy's object array is not complex) -----------


def test_isrealobj_iscomplexobj_take_any_object():
    for x in [None, {1, 2}, {1j}, object(), "abc", [1, 2], [1j], 3.0, 2j]:
        assert anp.isrealobj(x) is np.isrealobj(x), x
        assert anp.iscomplexobj(x) is np.iscomplexobj(x), x


# --- numpy.ldexp: a Python int mantissa takes NumPy's first loop (float16) -------------------


_LDEXP = [
    lambda m: m.ldexp(5, m.arange(4)),
    lambda m: m.ldexp(5, [1, 2]),
    lambda m: m.ldexp(-3, m.arange(3, dtype=m.int32)),
    lambda m: m.ldexp(7, m.array(2)),
    lambda m: m.ldexp(5, m.arange(3, dtype=m.uint8)),
    lambda m: m.ldexp(5, 2),  # (both Python ints: the default int's loop, float64)
    lambda m: m.ldexp(5.0, m.arange(3)),
    lambda m: m.ldexp(m.int64(5), m.arange(3)),
]


def test_ldexp_python_int_mantissa():
    for f in _LDEXP:
        _same(f(anp), f(np))


# --- numpy.emath: negative integer powers, and float16's complex type ---------------------------


_POWERS = [
    lambda m: m.emath.power([2, 4], -2),
    lambda m: m.emath.power(2, -2),
    lambda m: m.emath.power([2, 4], [-1, 2]),
    lambda m: m.emath.power([-2, 4], [-1, 2]),
    lambda m: m.emath.power(m.array([2, 3], dtype=m.int32), m.array([-2, 1], dtype=m.int8)),
    lambda m: m.emath.power([2, 4], 2),
    lambda m: m.emath.power([2.0, 4.0], -1),
]


def test_emath_power_negative_integer_powers():
    for f in _POWERS:
        _same(f(anp), f(np))


@pytest.mark.parametrize("name", ["sqrt", "log", "log2", "log10", "arcsin", "arccos", "arctanh"])
def test_emath_complex_result_dtype(name):
    # NumPy's scimath: float16 becomes complex128; float32, int8/16, uint8/16 complex64
    for dtype in ["float16", "float32", "int8", "uint8", "int16", "int32"]:
        x = [-2, 1]  # (an unsigned type wraps -2 around: no negative value, a real result)
        _same(
            getattr(anp.emath, name)(anp.array(x).astype(dtype)),
            getattr(np.emath, name)(np.array(x).astype(dtype)),
            rtol=1e-3,
        )


# --- sliding_window_view: read-only unless writeable=True, which writes through -----------------


def test_sliding_window_view_is_read_only():
    for m in (np, anp):
        v = m.lib.stride_tricks.sliding_window_view(m.arange(6), 3)
        assert not v.flags.writeable
        with pytest.raises(ValueError):
            v[0, 1] = 10
    # (traced, it is the windows' values, as before)
    f = arrax.jit(lambda x: anp.lib.stride_tricks.sliding_window_view(x, 2))
    _same(f(anp.arange(4.0)), np.lib.stride_tricks.sliding_window_view(np.arange(4.0), 2))


@pytest.mark.parametrize(
    "shape, window, axis, index",
    [((6,), 3, None, (0, 1)), ((3, 4), (2, 2), None, (0, 0, 1, 1)), ((3, 4), 2, 1, (1, 2, 0))],
)
def test_sliding_window_view_writeable_writes_through(shape, window, axis, index):
    results = []
    for m in (np, anp):
        x = m.arange(int(np.prod(shape))).reshape(shape)
        v = m.lib.stride_tricks.sliding_window_view(x, window, axis, writeable=True)
        assert v.flags.writeable
        v[index] = -1
        results.append((x, v))
    (ax, av), (nx, nv) = results
    _same(ax, nx)
    _same(av, nv)


# --- numpy.testing's assertions and NumPy's own ufuncs take arrax arrays ------------------------


def test_testing_assert_equal_takes_arrax_arrays():
    # (numpy.lexsort's example: RecursionError through isnat, then "truth value ambiguous")
    a = anp.lexsort(([1, 5, 1, 4], [4, 4, 2, 3]))
    anp.testing.assert_equal(a, anp.array([2, 3, 0, 1]))
    anp.testing.assert_equal(a, np.array([2, 3, 0, 1]))
    anp.testing.assert_equal([a, {"k": a}], ([2, 3, 0, 1], {"k": [2, 3, 0, 1]}))
    anp.testing.assert_almost_equal(anp.array([1.0, 2.0]), anp.array([1.0, 2.0 + 1e-9]))
    anp.testing.assert_approx_equal(anp.array(1.0), 1.0 + 1e-9)
    with pytest.raises(AssertionError):
        anp.testing.assert_equal(a, anp.array([2, 3, 1, 0]))
    with pytest.raises(AssertionError):
        anp.testing.assert_almost_equal(anp.array([1.0, 2.0]), anp.array([1.0, 2.1]))


def test_numpy_own_ufunc_on_arrax_array_runs_in_numpy():
    # arrax.numpy.isnat is NumPy's ufunc: on an arrax array it is NumPy's call, not a recursion
    with pytest.raises(TypeError):
        np.isnat(np.array([1, 2]))
    with pytest.raises(TypeError):
        np.isnat(anp.array([1, 2]))


# --- broadcast_arrays: a tuple, as NumPy 2's ----------------------------------------------------


def test_broadcast_arrays_returns_tuple():
    x, y = np.array([[1, 2, 3]]), np.array([[4], [5]])
    r, n = anp.broadcast_arrays(anp.asarray(x), anp.asarray(y)), np.broadcast_arrays(x, y)
    assert type(r) is type(n) is tuple
    for a, b in zip(r, n):
        _same(a, b)
    r = arrax.jit(lambda a, b: anp.broadcast_arrays(a, b))(anp.asarray(x), anp.asarray(y))
    assert type(r) is tuple
    for a, b in zip(r, n):
        _same(a, b)


# --- ndarray.resize: a Fortran-ordered array's elements in memory order ------------------------


@pytest.mark.parametrize("new_shape", [(2, 1), (3, 3), (6,), (3, 2), (2, 4)])
def test_resize_fortran_ordered_array(new_shape):
    results = []
    for m in (np, anp):
        a = m.asfortranarray(m.arange(6).reshape(2, 3))
        a.resize(new_shape, refcheck=False) if m is np else a.resize(new_shape)
        results.append(a)
    _same(results[1], results[0])
    # (a C-ordered array: C order, as before)
    n = np.arange(6).reshape(2, 3).copy()
    a = anp.arange(6).reshape(2, 3)
    n.resize(new_shape, refcheck=False)
    a.resize(new_shape)
    _same(a, n)
