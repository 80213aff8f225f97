"""The NumPy functions composed in _sets, _construction, _polynomials, _float_and_complex,
_inplace, _apply and _utilities, against real NumPy: values and dtypes over shapes, dtypes
and edge cases (empty, 0-d, NaN/inf, negative axes, non-contiguous views), jit against eager
where they trace, and NumPy's exception types for bad input."""

import warnings

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

RNG = np.random.default_rng(0)


def _same(got, want):
    if isinstance(want, (tuple, list)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
        return
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


def _both(name, *args, **kwargs):
    """numpy.name and arrax.numpy.name on the same arguments (arrays converted)."""
    conv = [anp.asarray(a) if isinstance(a, np.ndarray) else a for a in args]
    return getattr(anp, name)(*conv, **kwargs), getattr(np, name)(*args, **kwargs)


# ---- sets ------------------------------------------------------------------------------------

SET_INPUTS = [
    (np.array([1, 2, 3, 2, 5]), np.array([2, 5, 7])),
    (np.array([[4, 1], [1, 9]]), np.array([9, 1, 1])),
    (np.array([1.5, np.nan, 3.0]), np.array([np.nan, 3.0])),
    (np.array([], np.int64), np.array([1, 2])),
    (np.array([3, 1]), np.array([], np.int64)),
    (np.array([1, 2], np.int8), np.array([2.0, 300.0])),
]


@pytest.mark.parametrize("a, b", SET_INPUTS)
@pytest.mark.parametrize("name", ["intersect1d", "setdiff1d", "setxor1d", "union1d"])
def test_set_operations(name, a, b):
    _same(*_both(name, a, b))


@pytest.mark.parametrize("a, b", SET_INPUTS)
@pytest.mark.parametrize("invert", [False, True])
def test_isin_and_under_jit(a, b, invert):
    _same(*_both("isin", a, b, invert=invert))
    got = arrax.jit(lambda x, y: anp.isin(x, y, invert=invert))(anp.asarray(a), anp.asarray(b))
    _same(got, np.isin(a, b, invert=invert))


def test_intersect1d_indices_and_traced_errors():
    _same(*_both("intersect1d", np.array([5, 1, 3]), np.array([3, 5, 9]), return_indices=True))
    if not AGAINST_NUMPY:
        with pytest.raises(TypeError, match="setdiff1d"):
            arrax.jit(lambda x: anp.setdiff1d(x, x))(anp.arange(3))


# ---- construction ----------------------------------------------------------------------------


@pytest.mark.parametrize("m", [0, 1, 2, 5, 12])
@pytest.mark.parametrize("name", ["bartlett", "blackman", "hamming", "hanning"])
def test_windows(name, m):
    _same(*_both(name, m))


@pytest.mark.parametrize("m, beta", [(0, 1.0), (1, 5.0), (7, 0.0), (8, 14.0)])
def test_kaiser(m, beta):
    _same(*_both("kaiser", m, beta))


@pytest.mark.parametrize(
    "x, n, inc",
    [
        (np.array([1, 2, 3]), None, False),
        (np.array([1.5, -2.0, 0.5], np.float32), 4, True),
        (np.array([True, False]), None, False),
        (np.array([2 + 1j, -1j]), 3, False),
        (np.array([], np.float64), None, False),
        (np.array([3.0, 4.0]), 0, False),
        (np.array([3.0, 4.0]), 1, True),
    ],
)
def test_vander(x, n, inc):
    _same(*_both("vander", x, n, inc))
    if x.size and (n is None or n > 0):
        got = arrax.jit(lambda v: anp.vander(v, n, inc))(anp.asarray(x))
        _same(got, np.vander(x, n, inc))


def test_tri_geomspace_fromfunction_fromiter_frombuffer():
    _same(*_both("tri", 3, 5, 1))
    _same(*_both("tri", 4, dtype=np.int32))
    _same(*_both("geomspace", 1.0, 1000.0, 4))
    _same(*_both("geomspace", -1.0, -16.0, 5, endpoint=False))
    _same(*_both("geomspace", 2, 32, 5, dtype=np.float32))
    _same(
        anp.fromfunction(lambda i, j: i * 10 + j, (3, 4)),
        np.fromfunction(lambda i, j: i * 10 + j, (3, 4)),
    )
    _same(
        anp.fromfunction(lambda i: i % 2 == 0, (5,), dtype=int),
        np.fromfunction(lambda i: i % 2 == 0, (5,), dtype=int),
    )
    _same(anp.fromiter((k * k for k in range(6)), np.int16), np.fromiter(range(6), np.int16) ** 2)
    _same(anp.fromiter(iter([1.5, 2.5, 3.5]), float, count=2), np.array([1.5, 2.5]))
    buf = np.arange(6, dtype=np.float32).tobytes()
    _same(anp.frombuffer(buf, np.float32, count=3, offset=8), np.frombuffer(buf, np.float32, 3, 8))


def test_layouts():
    base = np.arange(24.0).reshape(2, 3, 4)
    for x in (base, base.transpose(2, 0, 1), base[:, ::2], np.float32(3.0), np.arange(5)):
        ax = anp.asarray(x)
        c = anp.ascontiguousarray(ax)
        f = anp.asfortranarray(ax)
        _same(c, np.ascontiguousarray(x))
        _same(f, np.asfortranarray(x))
        if not AGAINST_NUMPY:
            assert c._c_contiguous and f._f_contiguous
        _same(anp.ascontiguousarray(ax, dtype=np.float32), np.ascontiguousarray(x, np.float32))
    _same(anp.asanyarray([1, 2]), np.asanyarray([1, 2]))
    assert anp.isfortran(anp.asarray(base).T) and not anp.isfortran(anp.asarray(base))
    for req in (None, "C", ["F"], ["W", "O"], ["A", "E"], ["C_CONTIGUOUS"], "CW"):
        r = anp.require(anp.asarray(base.T), np.float32, req)
        _same(r, np.require(base.T, np.float32, req))
    with pytest.raises(ValueError):
        anp.require(anp.asarray(base), None, ["C", "F"])
    with pytest.raises(KeyError):
        anp.require(anp.asarray(base), None, ["Q"])


def test_asarray_chkfinite():
    _same(anp.asarray_chkfinite([1.0, 2.0]), np.asarray_chkfinite([1.0, 2.0]))
    _same(anp.asarray_chkfinite([1, 2]), np.asarray_chkfinite([1, 2]))
    for bad in ([1.0, np.nan], [np.inf], [1 + 1j * np.inf]):
        with pytest.raises(ValueError):
            anp.asarray_chkfinite(bad)


# ---- polynomials -----------------------------------------------------------------------------

POLYS = [
    np.array([1.0, -3.0, 2.0]),
    np.array([2, 0, 0, 1]),
    np.array([4.5]),
    np.array([1j, 2.0]),
]


@pytest.mark.parametrize("a", POLYS)
@pytest.mark.parametrize("b", POLYS)
@pytest.mark.parametrize("name", ["polyadd", "polysub", "polymul"])
def test_poly_arithmetic(name, a, b):
    _same(*_both(name, a, b))


@pytest.mark.parametrize("p", POLYS)
@pytest.mark.parametrize("m", [0, 1, 2, 4])
def test_polyder_polyint(p, m):
    _same(*_both("polyder", p, m))
    _same(*_both("polyint", p, m))
    _same(*_both("polyint", p, m, k=[3.0] * max(m, 1)))


def test_poly_polydiv_and_gradients():
    _same(*_both("poly", np.array([1.0, 2.0, -1.0])))
    _same(*_both("poly", np.array([[1.0, 2.0], [3.0, 4.0]])))
    _same(*_both("polydiv", np.array([1.0, -3.0, 2.0]), np.array([1.0, -1.0])))
    _same(*_both("polydiv", np.array([3.0, 1.0, 0.5, 2.0]), np.array([2.0, 1.0])))
    with pytest.raises(ValueError):
        anp.polyder(anp.asarray([1.0, 2.0]), -1)
    if not AGAINST_NUMPY:
        from arrax.test_util import check_grads

        check_grads(lambda p: anp.polyval(anp.polyder(anp.polymul(p, p)), 0.7), (POLYS[0],), 2)
        check_grads(lambda p: anp.polyint(p, 2, k=[1.0, 2.0]), (POLYS[0],), 1)


# ---- float and complex ------------------------------------------------------------------------

FLOATS = [
    np.array([-2.5, -0.5, -0.0, 0.0, 0.5, 2.5, np.inf, -np.inf, np.nan]),
    np.array([1.0, -3.0, -2.0, -0.0, 1e-30, 65504.0, -65504.0, -6e-8], np.float16),
    np.array([[1.0, -2.0], [3e38, -1e-45]], np.float32),
    np.array(-7.5),
]


@pytest.mark.parametrize("x", FLOATS)
@pytest.mark.parametrize("name", ["fix", "spacing", "isposinf", "isneginf"])
def test_float_functions(name, x):
    with np.errstate(all="ignore"):
        _same(*_both(name, x))
        _same(arrax.jit(getattr(anp, name))(anp.asarray(x)), getattr(np, name)(x))


@pytest.mark.parametrize("x", [np.array([1, -2, 0], np.int8), np.array([7], np.uint16)])
def test_integer_inputs(x):
    _same(*_both("fix", x))
    _same(*_both("spacing", x))
    _same(*_both("bitwise_count", x))


def test_bitwise_count_and_errors():
    for dt in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32, np.uint64):
        info = np.iinfo(dt)
        x = np.array([0, 1, info.max, info.min, 12345 % int(info.max)], dt)
        _same(*_both("bitwise_count", x))
    with pytest.raises(TypeError):
        anp.bitwise_count(anp.asarray([1.0]))
    with pytest.raises(TypeError):
        anp.isposinf(anp.asarray([1j]))


COMPLEX = [
    np.array([1 + 0j, 2 - 1j, 0j, np.nan + 0j]),
    np.array([1.0, 2.0]),
    np.array([3, 1, 2], np.int16),
    np.array([[1 + 1e-15j, 2 + 0j]]),
    np.array(2 + 3j),
]


@pytest.mark.parametrize("x", COMPLEX)
def test_complex_predicates(x):
    for name in ("iscomplex", "isreal", "iscomplexobj", "isrealobj", "real_if_close"):
        _same(*_both(name, x))
    if x.ndim:
        _same(*_both("sort_complex", x))
    assert anp.iscomplexobj(1j) == np.iscomplexobj(1j)
    assert anp.isrealobj([1, 2]) == np.isrealobj([1, 2])


# ---- in place --------------------------------------------------------------------------------


def test_in_place_functions():
    a, na = anp.zeros((3, 4)), np.zeros((3, 4))
    anp.copyto(a, anp.arange(4.0))
    np.copyto(na, np.arange(4.0))
    _same(a, na)
    mask = np.arange(12).reshape(3, 4) % 3 == 0
    anp.copyto(a, -1.0, where=anp.asarray(mask))
    np.copyto(na, -1.0, where=mask)
    _same(a, na)
    with pytest.raises(TypeError):
        anp.copyto(anp.zeros(3, np.int32), anp.asarray([1.5, 2.5, 3.5]))
    anp.putmask(a, anp.asarray(mask), anp.asarray([7.0, 8.0]))
    np.putmask(na, mask, [7.0, 8.0])
    _same(a, na)
    anp.place(a, anp.asarray(~mask), [1.0, 2.0, 3.0])
    np.place(na, ~mask, [1.0, 2.0, 3.0])
    _same(a, na)
    for shape, wrap in (((4, 4), False), ((7, 3), True), ((3, 3, 3), False)):
        b, nb = anp.zeros(shape, np.int32), np.zeros(shape, np.int32)
        anp.fill_diagonal(b, 5, wrap)
        np.fill_diagonal(nb, 5, wrap)
        _same(b, nb)
    if not AGAINST_NUMPY:
        with pytest.raises(TypeError, match="in place"):
            arrax.jit(lambda x: anp.fill_diagonal(x, 1.0))(anp.zeros((2, 2)))


# ---- applying functions ----------------------------------------------------------------------


def test_apply_along_axis():
    x = RNG.standard_normal((3, 4, 5))
    for axis in (0, 1, 2, -1):
        _same(
            anp.apply_along_axis(lambda r: anp.sum(r * r), axis, anp.asarray(x)),
            np.apply_along_axis(lambda r: np.sum(r * r), axis, x),
        )
        _same(
            anp.apply_along_axis(lambda r: anp.stack([r.min(), r.max()]), axis, anp.asarray(x)),
            np.apply_along_axis(lambda r: np.stack([r.min(), r.max()]), axis, x),
        )
    # Python control flow on the values: runs slice by slice, as NumPy does.
    f = lambda r: r[0] if r[0] > 0 else -r[0]  # noqa: E731
    _same(anp.apply_along_axis(f, 1, anp.asarray(x)), np.apply_along_axis(f, 1, x))
    got = arrax.jit(lambda v: anp.apply_along_axis(anp.cumsum, 0, v))(anp.asarray(x))
    _same(got, np.apply_along_axis(np.cumsum, 0, x))
    with pytest.raises(np.exceptions.AxisError):
        anp.apply_along_axis(anp.sum, 3, anp.asarray(x))


def test_apply_over_axes():
    x = np.arange(24.0).reshape(2, 3, 4)
    _same(
        anp.apply_over_axes(anp.sum, anp.asarray(x), [0, 2]), np.apply_over_axes(np.sum, x, [0, 2])
    )
    _same(anp.apply_over_axes(anp.mean, anp.asarray(x), 1), np.apply_over_axes(np.mean, x, 1))


def test_vectorize():
    x, y = RNG.standard_normal((3, 1)), RNG.standard_normal(4)
    f = anp.vectorize(lambda a, b: a * b + 1.0)
    _same(f(anp.asarray(x), anp.asarray(y)), np.vectorize(lambda a, b: a * b + 1.0)(x, y))
    _same(arrax.jit(f)(anp.asarray(x), anp.asarray(y)), x * y + 1.0)

    def clip(a):  # Python control flow on a value: element by element
        return a if a > 0 else 0.0

    _same(anp.vectorize(clip)(anp.asarray(x)), np.vectorize(clip)(x))
    g = anp.vectorize(lambda a, b: (a + b, a - b))
    for got, want in zip(g(anp.asarray(x), anp.asarray(y)), (x + y, x - y)):
        _same(got, want)
    h = anp.vectorize(lambda v: v.sum(), signature="(n)->()")
    _same(h(anp.asarray(x * y)), (x * y).sum(-1))
    i = anp.vectorize(lambda a, n: a**n, excluded={1}, otypes=[np.float32])
    _same(i(anp.asarray(y), 2), (y**2).astype(np.float32))


def test_piecewise():
    x = np.linspace(-2.5, 2.5, 11)
    ax = anp.asarray(x)
    cases = [
        ([x < 0, x >= 0], [lambda v: -v, lambda v: v]),
        ([x < -1, (x >= -1) & (x < 1)], [0.0, lambda v: v * 2, 10.0]),
        ([x > 0], [lambda v: v**2]),
        (x > 1, [lambda v: v + 1, lambda v: v - 1]),
    ]
    for conds, funcs in cases:
        aconds = [anp.asarray(c) for c in conds] if isinstance(conds, list) else anp.asarray(conds)
        _same(anp.piecewise(ax, aconds, funcs), np.piecewise(x, conds, funcs))
    got = arrax.jit(lambda v: anp.piecewise(v, [v < 0, v >= 0], [lambda t: -t, lambda t: t]))(ax)
    _same(got, np.abs(x))
    _same(
        anp.piecewise(anp.asarray(3), [True, False], [1, 2]), np.piecewise(3, [True, False], [1, 2])
    )
    with pytest.raises(ValueError):
        anp.piecewise(ax, [ax < 0], [1, 2, 3])


# ---- utilities -------------------------------------------------------------------------------


def test_memory_overlap_and_iteration():
    a = anp.arange(10.0)
    assert anp.shares_memory(a[2:6], a[5:]) and not anp.shares_memory(a[:3], a[3:])
    assert anp.may_share_memory(a[::2], a[1::2])
    assert not anp.shares_memory(a, anp.arange(10.0))
    assert list(anp.ndindex(2, 2)) == list(np.ndindex(2, 2))
    m = np.arange(6).reshape(2, 3)
    assert list(anp.ndenumerate(anp.asarray(m))) == list(np.ndenumerate(m))


def test_dtype_helpers():
    for arrays in ([np.zeros(2, np.float32)], [np.zeros(2, np.int8), np.zeros(2, np.float32)]):
        assert anp.common_type(*[anp.asarray(a) for a in arrays]) is np.common_type(*arrays)
    assert anp.mintypecode("idF") == np.mintypecode("idF")
    for v in (10, -300, 3.5, anp.asarray([1, 2, 1000])):
        want = np.min_scalar_type(np.asarray(v) if not isinstance(v, (int, float)) else v)
        assert anp.min_scalar_type(v) == want
    assert anp.base_repr(255, 16) == np.base_repr(255, 16)
    assert anp.binary_repr(-5, 8) == np.binary_repr(-5, 8)
    assert anp.typename("d") == np.typename("d")
    assert anp.format_float_positional(0.1) == np.format_float_positional(0.1)


@pytest.mark.parametrize(
    "shape, axis", [((13,), None), ((3, 10), 1), ((9, 2), 0), ((2, 3, 4), -1), ((0,), None)]
)
@pytest.mark.parametrize("bitorder", ["big", "little"])
def test_packbits_unpackbits(shape, axis, bitorder):
    x = RNG.integers(0, 3, shape).astype(np.int32)
    _same(*_both("packbits", x, axis=axis, bitorder=bitorder))
    p = np.packbits(x, axis=axis, bitorder=bitorder)
    _same(*_both("unpackbits", p, axis=axis, bitorder=bitorder))
    for count in (0, 3, -2, 100):
        if p.size == 0 and count > 0:  # NumPy returns uninitialized memory here
            _same(anp.unpackbits(anp.asarray(p), count=count), np.zeros(count, np.uint8))
        elif p.size == 0 and count < 0:
            with pytest.raises(ValueError):
                anp.unpackbits(anp.asarray(p), count=count)
        elif axis is None or count >= 0:
            _same(*_both("unpackbits", p, axis=axis, count=count, bitorder=bitorder))
    got = arrax.jit(lambda v: anp.packbits(v, axis=axis, bitorder=bitorder))(anp.asarray(x))
    _same(got, p)
    with pytest.raises(TypeError):
        anp.unpackbits(anp.asarray(x.astype(np.int8)))


def test_bin_edges_text_products_and_einsum_path():
    x = RNG.standard_normal(50)
    for bins in (5, "auto", np.array([-1.0, 0.0, 2.0])):
        _same(*_both("histogram_bin_edges", x, bins))
    _same(*_both("histogram_bin_edges", x, 4, (-2.0, 2.0)))
    a = np.arange(6.0).reshape(2, 3)
    assert anp.array2string(anp.asarray(a)) == np.array2string(a)
    assert anp.array_str(anp.asarray(a), precision=2) == np.array_str(a, precision=2)
    assert anp.array_repr(anp.asarray(a), precision=2) == np.array_repr(a, precision=2)
    assert anp.array_repr(anp.asarray(a)) == repr(anp.asarray(a))
    m, v = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((5, 1, 4))
    _same(*_both("matvec", m, v))
    c = RNG.standard_normal((2, 4)) + 1j * RNG.standard_normal((2, 4))
    _same(*_both("vecmat", c, RNG.standard_normal((4, 3))))
    with pytest.raises(ValueError):
        anp.matvec(anp.ones(3), anp.ones(3))
    ops = [RNG.standard_normal((3, 4)), RNG.standard_normal((4, 5)), RNG.standard_normal((5, 2))]
    got = anp.einsum_path("ij,jk,kl->il", *[anp.asarray(o) for o in ops])
    want = np.einsum_path("ij,jk,kl->il", *ops)
    assert got[0] == want[0]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        _same(anp.row_stack([anp.ones(2), anp.zeros(2)]), np.vstack([np.ones(2), np.zeros(2)]))
    assert any(issubclass(r.category, DeprecationWarning) for r in w)
    assert (
        anp.mask_indices(4, anp.triu, 1)[0].tolist() == np.mask_indices(4, np.triu, 1)[0].tolist()
    )


# ---- ndarray methods -------------------------------------------------------------------------


def test_every_forwarded_method_exists_and_matches():
    x = RNG.standard_normal((3, 4))
    a = anp.asarray(x)
    for name, args in [
        ("round", (2,)),
        ("take", ([0, 5],)),
        ("repeat", (2, 1)),
        ("diagonal", ()),
        ("trace", ()),
        ("nonzero", ()),
        ("argsort", (0,)),
        ("argpartition", (1,)),
        ("ravel", ()),
        ("cumsum", (1,)),
    ]:
        got, want = getattr(a, name)(*args), getattr(x, name)(*args)
        if name == "argpartition":  # any valid partition: compare the partitioned values
            got = np.take_along_axis(x, np.asarray(got), -1)[:, 1]
            want = np.take_along_axis(x, want, -1)[:, 1]
        _same(got, want)
    s = np.sort(x[0])
    _same(anp.asarray(s).searchsorted([0.0, 1.0]), s.searchsorted([0.0, 1.0]))
    _same(a.compress([True, False, True], axis=0), x.compress([True, False, True], axis=0))
    c = np.array([0, 1, 0])
    _same(anp.asarray(c).choose([[1, 2, 3], [4, 5, 6]]), c.choose([[1, 2, 3], [4, 5, 6]]))


def test_in_place_methods_like_numpy():
    x = RNG.standard_normal((3, 5))
    for axis in (-1, 0):
        a, n = anp.asarray(x.copy()), x.copy()
        assert a.sort(axis=axis) is a  # (NumPy returns None; arrax the array, for JAX code)
        n.sort(axis=axis)
        _same(a, n)
    a, n = anp.asarray(x[0].copy()), x[0].copy()
    a.partition(2)
    n.partition(2)
    _same(a[2], n[2])
    a.put([0, 3], [10.0, 20.0])
    n.put([0, 3], [10.0, 20.0])
    _same(a[[0, 3]], n[[0, 3]])
    f = arrax.jit(lambda v: (v.sort(), v)[1])  # functionalized under jit
    _same(f(anp.asarray([3.0, 1.0, 2.0])), np.array([1.0, 2.0, 3.0]))


def test_memory_methods():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    a = anp.asarray(x.copy())
    _same(a.view(np.int32), x.view(np.int32))
    _same(a.view(np.uint8), x.view(np.uint8))
    v = a.view()
    v[0, 0] = 42.0
    assert float(a[0, 0]) == 42.0  # the same memory
    assert anp.asarray(x).tobytes() == x.tobytes()
    assert anp.asarray(x).T.tobytes() == x.T.tobytes()
    assert bytes(anp.asarray(x).data) == bytes(x.data)
    _same(anp.asarray(x).byteswap(), x.byteswap())
    b = anp.asarray(x.copy())
    assert b.flat[4] == x.flat[4] and len(b.flat) == 6
    assert [float(e) for e in b.flat] == list(x.flat)
    b.flat[[0, 5]] = -1.0
    n = x.copy()
    n.flat[[0, 5]] = -1.0
    _same(b, n)
    import pickle

    _same(pickle.loads(anp.asarray(x).dumps()), x)


def test_linalg_namespace_aliases():
    a = RNG.standard_normal((3, 4)) + 1j * RNG.standard_normal((3, 4))
    b = RNG.standard_normal((2, 3, 4))
    _same(anp.linalg.vecdot(anp.asarray(a), anp.asarray(b)), np.linalg.vecdot(a, b))
    _same(
        anp.linalg.tensordot(anp.asarray(b), anp.asarray(b), axes=([1, 2], [1, 2])),
        np.linalg.tensordot(b, b, axes=([1, 2], [1, 2])),
    )


# ---- random distributions (moments against NumPy's samplers; fixed seeds) ---------------------

DISTRIBUTIONS = [
    ("lognormal", (0.5, 0.3)),
    ("laplace", (1.0, 2.0)),
    ("logistic", (1.0, 2.0)),
    ("gumbel", (1.0, 2.0)),
    ("rayleigh", (2.0,)),
    ("weibull", (1.5,)),
    ("pareto", (6.0,)),
    ("power", (2.0,)),
    ("standard_t", (5.0,)),
    ("chisquare", (3.0,)),
    ("f", (5.0, 10.0)),
    ("noncentral_chisquare", (3.0, 2.0)),
    ("noncentral_f", (5.0, 10.0, 2.0)),
    ("geometric", (0.3,)),
    ("negative_binomial", (3, 0.4)),
    ("triangular", (0.0, 1.0, 3.0)),
    ("wald", (1.0, 2.0)),
    ("vonmises", (0.5, 2.0)),
    ("hypergeometric", (10, 20, 8)),
    ("hypergeometric", (30, 5, 30)),
    ("logseries", (0.6,)),
    ("zipf", (4.5,)),
]


@pytest.mark.skipif(AGAINST_NUMPY, reason="compares arrax's sampler with NumPy's")
@pytest.mark.parametrize("name, args", DISTRIBUTIONS)
def test_distribution_moments_match_numpy(name, args):
    n = 100_000
    got = np.asarray(getattr(anp.random.default_rng(1), name)(*args, size=n))
    want = getattr(np.random.default_rng(1), name)(*args, size=n)
    assert got.dtype == want.dtype and got.shape == (n,)
    np.testing.assert_allclose(got.mean(), want.mean(), rtol=0.03, atol=0.02)
    np.testing.assert_allclose(got.std(), want.std(), rtol=0.05, atol=0.02)
    # the legacy module function and the parameters' broadcasting
    assert np.shape(getattr(anp.random, name)(*args, size=(2, 3))) == (2, 3)


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax's sampler")
def test_other_generator_methods():
    g = anp.random.default_rng(2)
    d = np.asarray(g.dirichlet([1.0, 2.0, 3.0], 1000))
    np.testing.assert_allclose(d.sum(-1), 1.0)
    np.testing.assert_allclose(d.mean(0), [1 / 6, 2 / 6, 3 / 6], atol=0.02)
    m = np.asarray(g.multinomial(20, [0.2, 0.3, 0.5], 2000))
    assert m.dtype == np.int64 and (m.sum(-1) == 20).all()
    np.testing.assert_allclose(m.mean(0), [4, 6, 10], atol=0.3)
    x = np.arange(12).reshape(3, 4)
    p = np.asarray(g.permuted(x, axis=1))
    assert (np.sort(p, axis=1) == x).all()
    assert sorted(np.asarray(g.permuted(x)).ravel().tolist()) == list(range(12))
    assert len(g.bytes(7)) == 7 and len(g.spawn(3)) == 3
    c = np.asarray(g.standard_cauchy(10000))
    assert abs(np.median(c)) < 0.1
    with pytest.raises(ValueError):
        g.triangular(2.0, 1.0, 3.0)
    with pytest.raises(ValueError):
        g.geometric(1.5)
    rs = anp.random.RandomState(0)
    assert np.shape(rs.rand(2, 3)) == (2, 3) and np.shape(rs.randn(4)) == (4,)
    r = np.asarray(rs.randint(0, 5, 1000))
    assert r.min() >= 0 and r.max() <= 4
    rs.seed(0)
    a = np.asarray(rs.random_sample(3))
    rs.seed(0)
    assert (np.asarray(rs.random_sample(3)) == a).all()
    assert set(np.asarray(anp.random.random_integers(2, size=100)).tolist()) <= {1, 2}


# ---- index tricks ----------------------------------------------------------------------------

INDEX_TRICKS = [
    lambda m, x, y: m.r_[1:5],
    lambda m, x, y: m.r_[0:1:5j],
    lambda m, x, y: m.r_[x, 0, 0, x],
    lambda m, x, y: m.r_[-1:1:6j, [0] * 3, 5, 6],
    lambda m, x, y: m.r_["-1", y, y],
    lambda m, x, y: m.r_["0,2", x, x],
    lambda m, x, y: m.r_["0,2,0", x, x],
    lambda m, x, y: m.r_["1,2,0", x, x],
    lambda m, x, y: m.c_[x, x],
    lambda m, x, y: m.c_[y, 0, 0, y],
    lambda m, x, y: m.r_[x.astype(np.int32), 7],
    lambda m, x, y: m.r_[x, 2.5],
    lambda m, x, y: m.c_[1:4, x],
    lambda m, x, y: m.mgrid[0:5, 0:3],
    lambda m, x, y: m.mgrid[-1:1:5j],
    lambda m, x, y: m.ogrid[0:3, 0:4],
]


@pytest.mark.parametrize("expr", INDEX_TRICKS)
def test_index_tricks(expr):
    x, y = np.array([1, 2, 3]), np.array([[4, 5, 6]])
    _same(expr(anp, anp.asarray(x), anp.asarray(y)), expr(np, x, y))


def test_index_tricks_trace_and_index_expressions():
    x = np.array([1.0, 2.0, 3.0])
    _same(arrax.jit(lambda v: anp.r_[v, 0, v])(anp.asarray(x)), np.r_[x, 0, x])
    _same(arrax.jit(lambda v: anp.c_[v, v])(anp.asarray(x)), np.c_[x, x])
    assert anp.s_[1:3, ::2] == np.s_[1:3, ::2] and anp.index_exp[1:2] == np.index_exp[1:2]
    with pytest.raises(ValueError):
        anp.r_[anp.asarray(x), "0"]


# ---- numpy.emath, numpy.lib, error state, text input ---------------------------------------


@pytest.mark.parametrize(
    "name,x",
    [
        ("sqrt", [-4.0, 4.0]),
        ("sqrt", [1.0, 4.0]),
        ("log", [-1.0, 2.0]),
        ("log2", [-8.0]),
        ("log10", [100.0]),
        ("arcsin", [2.0, 0.5]),
        ("arccos", [-2.0]),
        ("arctanh", [0.5]),
        ("arctanh", [3.0]),
    ],
)
def test_emath_matches_numpy(name, x):
    got = getattr(anp.emath, name)(anp.asarray(x))
    want = getattr(np.emath, name)(np.asarray(x))
    assert np.dtype(got.dtype) == want.dtype
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)


def test_emath_power_and_logn():
    np.testing.assert_allclose(
        np.asarray(anp.emath.power([-8.0, 2.0], 2)), np.emath.power([-8.0, 2.0], 2)
    )
    np.testing.assert_allclose(
        np.asarray(anp.emath.logn(2, [-4.0, 8.0])), np.emath.logn(2, [-4.0, 8.0])
    )


@pytest.mark.parametrize(
    "shape,window,axis",
    [((10,), 3, None), ((3, 4), (2, 2), None), ((3, 4), 2, 1), ((3, 4), (2,), (0,)),
     ((3, 4), (2, 2), (1, 1)), ((2, 3, 4), (3, 2), (-1, 0)), ((5,), 5, None), ((5,), 0, None)],
)  # fmt: skip
def test_sliding_window_view_matches_numpy(shape, window, axis):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    want = np.lib.stride_tricks.sliding_window_view(x, window, axis=axis)
    got = anp.lib.stride_tricks.sliding_window_view(anp.asarray(x), window, axis=axis)
    assert got.shape == want.shape and np.dtype(got.dtype) == want.dtype
    np.testing.assert_array_equal(np.asarray(got), want)


def test_sliding_window_view_errors_and_jit():
    with pytest.raises(ValueError, match="larger"):
        anp.lib.stride_tricks.sliding_window_view(anp.ones(3), 4)
    with pytest.raises(ValueError, match="window_shape"):
        anp.lib.stride_tricks.sliding_window_view(anp.ones((3, 3)), 2)
    f = arrax.jit(lambda x: anp.lib.stride_tricks.sliding_window_view(x, 3).sum(-1))
    np.testing.assert_allclose(np.asarray(f(anp.arange(6.0))), [3.0, 6.0, 9.0, 12.0])


def test_error_state_text_input_and_version():
    with anp.errstate(divide="ignore", invalid="ignore"):
        assert np.isneginf(np.asarray(anp.log(anp.zeros(1)))).all()
    old = anp.seterr(all="ignore")
    try:
        assert anp.geterr()["divide"] == "ignore"
    finally:
        anp.seterr(**old)
    np.testing.assert_array_equal(np.asarray(anp.fromstring("1 2 3", sep=" ")), [1.0, 2.0, 3.0])
    assert anp.__version__ == np.__version__ and anp.little_endian == np.little_endian
    anp.testing.assert_allclose(anp.ones(3), np.ones(3))


def test_frompyfunc_as_jax_numpy():
    pytest.importorskip("jax")
    import jax.numpy as jnp

    def body(m):
        return lambda x, y: m.where(x > y, x - y, x * y + 1.0)

    f, jf = anp.frompyfunc(body(anp), 2, 1), jnp.frompyfunc(body(jnp), 2, 1)
    x = np.arange(12.0).reshape(3, 4) % 5
    y = np.array([1.0, 5.0, 2.0, 0.5])
    np.testing.assert_allclose(np.asarray(f(x, y)), np.asarray(jf(x, y)))
    for axis in (0, 1, -1):
        np.testing.assert_allclose(
            np.asarray(f.reduce(x, axis=axis)), np.asarray(jf.reduce(x, axis=axis))
        )
        np.testing.assert_allclose(
            np.asarray(f.accumulate(x, axis=axis)), np.asarray(jf.accumulate(x, axis=axis))
        )
    np.testing.assert_allclose(np.asarray(f.outer(y, y[:2])), np.asarray(jf.outer(y, y[:2])))
    add = anp.frompyfunc(lambda a, b: a + b, 2, 1, identity=0)
    assert float(add.reduce(np.arange(5.0), axis=None)) == 10.0
    assert add.reduce(np.zeros((0, 2)), axis=0).tolist() == [0.0, 0.0]
    np.testing.assert_allclose(np.asarray(arrax.jit(f)(x, y)), np.asarray(jf(x, y)))
    divmod_ = anp.frompyfunc(lambda a, b: (a // b, a % b), 2, 2)
    q, r = divmod_(np.array([7, 9]), np.array([2, 4]))
    assert q.tolist() == [3, 2] and r.tolist() == [1, 1]
    with pytest.raises(ValueError, match="no identity"):
        f.reduce(np.zeros((0,)))
    with pytest.raises(TypeError, match="takes 2 arguments"):
        f(x)
