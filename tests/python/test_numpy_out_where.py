"""NumPy's out= and where= arguments, einsum's sublist form and other NumPy behaviours found by
running NumPy's own test files against arrax.numpy: each checked against NumPy itself."""

import pickle

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest

RNG = onp.random.default_rng(0)
X = RNG.standard_normal((3, 4))
XN = X.copy()
XN[0, 1] = onp.nan
XN[2, :] = onp.nan

# (name, args, kwargs) of the Python-level functions that take out=: each must write its result
# into out and return out, as NumPy's do.
OUT_CASES = [
    ("round", (X, 1), {}),
    ("outer", (X[0], X[1]), {}),
    ("einsum", ("ij,kj->ik", X, X), {}),
    ("take", (X, [0, 2]), {"axis": 1}),
    ("compress", ([True, False, True], X), {"axis": 0}),
    ("choose", (onp.array([0, 1, 1, 0]), [X[0], X[1]]), {}),
    ("fix", (X * 3,), {}),
    ("isposinf", (onp.array([onp.inf, 1.0, -onp.inf]),), {}),
    ("isneginf", (onp.array([onp.inf, 1.0, -onp.inf]),), {}),
    ("ptp", (X,), {"axis": 1}),
    ("median", (X,), {"axis": 0}),
    ("quantile", (X, 0.3), {"axis": 1}),
    ("percentile", (X, 30), {"axis": 1}),
    ("nansum", (XN,), {"axis": 1}),
    ("nanprod", (XN,), {"axis": 0}),
    ("nancumsum", (XN,), {"axis": 1}),
    ("nanmean", (XN[:2],), {"axis": 1}),
    ("nanvar", (XN[:2],), {"axis": 1}),
    ("nanstd", (XN[:2],), {"axis": 1}),
    ("nanmin", (XN[:2],), {"axis": 1}),
    ("nanmax", (XN[:2],), {"axis": 1}),
    ("nanmedian", (XN[:2],), {"axis": 1}),
    ("trace", (X,), {}),
    ("cumulative_sum", (X,), {"axis": 1}),
    ("gcd", (onp.array([12, 18]), onp.array([8, 27])), {}),
    ("lcm", (onp.array([4, 6]), onp.array([6, 4])), {}),
    ("spacing", (X,), {}),
    ("ldexp", (X, onp.array(3)), {}),
    ("vecdot", (X, X), {}),
]


def _anp_args(args):
    return tuple(anp.asarray(a) if isinstance(a, onp.ndarray) else a for a in args)


@pytest.mark.parametrize("name,args,kwargs", OUT_CASES, ids=[c[0] for c in OUT_CASES])
def test_out_is_written_and_returned(name, args, kwargs):
    expected = getattr(onp, name)(*args, **kwargs)
    out = anp.zeros(onp.shape(expected), dtype=onp.asarray(expected).dtype)
    result = getattr(anp, name)(*_anp_args(args), out=out, **kwargs)
    assert result is out
    onp.testing.assert_allclose(onp.asarray(out), expected, rtol=1e-12, equal_nan=True)
    # A NumPy array as out is written too.
    host = onp.zeros_like(onp.asarray(expected))
    assert getattr(anp, name)(*_anp_args(args), out=host, **kwargs) is host
    onp.testing.assert_allclose(host, expected, rtol=1e-12, equal_nan=True)


def test_out_errors():
    with pytest.raises(ValueError, match="round: output array has wrong shape"):
        anp.round(anp.ones(3), out=anp.zeros(4))
    with pytest.raises(TypeError, match="round: out must be"):
        anp.round(anp.ones(3), out=5)
    with pytest.raises(TypeError, match="fix: Cannot cast"):  # ufunc-like: 'same_kind'
        anp.fix(anp.ones(3) * 1.5, out=anp.zeros(3, dtype=onp.int64))


def test_out_of_two_results():
    m, e = anp.zeros(3), anp.zeros(3, dtype=onp.int32)
    r = anp.frexp(anp.asarray([1.0, 8.0, 0.3]), out=(m, e))
    assert r[0] is m and r[1] is e
    em, ee = onp.frexp(onp.array([1.0, 8.0, 0.3]))
    onp.testing.assert_array_equal(onp.asarray(m), em)
    onp.testing.assert_array_equal(onp.asarray(e), ee)


@pytest.mark.parametrize("method", ["reduce", "accumulate"])
@pytest.mark.parametrize("ufunc", ["add", "maximum", "multiply"])
def test_ufunc_reduce_and_accumulate_out_as_numpy(method, ufunc):
    # out= of ufunc.reduce/accumulate: written (cast unsafely, as NumPy: float into int) and
    # returned, given alone or as a 1-tuple; a wrong shape is a ValueError, not a broadcast.
    x = onp.array([[1.5, 2.5, -3.0], [4.0, 0.5, 2.0]])
    want_shape = (3,) if method == "reduce" else (2, 3)
    for out_dtype in ("float64", "int64"):
        o, ao = onp.zeros(want_shape, out_dtype), anp.zeros(want_shape, out_dtype)
        want = getattr(getattr(onp, ufunc), method)(x, axis=0, out=o)
        got = getattr(getattr(anp, ufunc), method)(anp.asarray(x), axis=0, out=(ao,))
        assert got is ao and got.dtype == want.dtype
        onp.testing.assert_array_equal(onp.asarray(got), want)
    wrong = onp.zeros((4,) + want_shape)
    with pytest.raises(ValueError):
        getattr(getattr(onp, ufunc), method)(x, axis=0, out=wrong)
    with pytest.raises(ValueError, match=f"{ufunc}.{method}"):
        getattr(getattr(anp, ufunc), method)(anp.asarray(x), axis=0, out=anp.asarray(wrong))


def test_methods_pass_out():
    out = anp.zeros(4, dtype=onp.int64)
    assert anp.arange(4).choose([anp.arange(4) * 0 + c for c in range(4)], out=out) is out
    onp.testing.assert_array_equal(onp.asarray(out), onp.arange(4))
    a = onp.array([-1.0, 0.5, 3.0])
    a.clip(anp.zeros(3), 1.0, a)  # NumPy's method, an arrax bound, NumPy's out
    onp.testing.assert_array_equal(a, [0.0, 0.5, 1.0])


# --- where= of the reductions ------------------------------------------------------------

MASKS = [
    onp.array([True, False, True, True]),
    onp.array([[True], [False], [True]]),
    RNG.random((3, 4)) > 0.5,
    onp.zeros((3, 4), bool),
]
WHERE_CASES = [
    ("sum", {}),
    ("prod", {}),
    ("mean", {}),
    ("var", {}),
    ("std", {"ddof": 1}),
    ("max", {"initial": -10.0}),
    ("min", {"initial": 10.0}),
    ("all", {}),
    ("any", {}),
    ("nansum", {}),
    ("nanprod", {}),
    ("nanmean", {}),
    ("nanvar", {}),
    ("nanstd", {}),
    ("nanmax", {"initial": -10.0}),
    ("nanmin", {"initial": 10.0}),
]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name,kwargs", WHERE_CASES, ids=[c[0] for c in WHERE_CASES])
@pytest.mark.parametrize("mask", range(len(MASKS)))
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
@pytest.mark.parametrize("dtype", [onp.float32, onp.float64, onp.int32])
def test_where_matches_numpy(name, kwargs, mask, axis, dtype):
    x = (XN * 4).astype(dtype) if dtype != onp.int32 else (X * 4).astype(dtype)
    w = MASKS[mask]
    expected = getattr(onp, name)(x, axis=axis, where=w, **kwargs)
    got = getattr(anp, name)(anp.asarray(x), axis=axis, where=anp.asarray(w), **kwargs)
    assert onp.asarray(got).dtype == onp.asarray(expected).dtype
    onp.testing.assert_allclose(onp.asarray(got), expected, rtol=2e-6, equal_nan=True)
    kept = getattr(anp, name)(anp.asarray(x), axis=axis, where=w, keepdims=True, **kwargs)
    assert kept.shape == onp.shape(
        getattr(onp, name)(x, axis=axis, where=w, keepdims=True, **kwargs)
    )


def test_where_errors():
    x = anp.ones((3, 4))
    with pytest.raises(ValueError, match="max: .*specify 'initial'"):
        anp.max(x, where=anp.ones(4, bool))
    with pytest.raises(TypeError, match="sum: where= must be a boolean"):
        anp.sum(x, where=anp.ones(4))
    with pytest.raises(ValueError, match="mean: where= of shape"):
        anp.mean(x, where=anp.ones(3, bool))
    with pytest.raises(ValueError, match="var: ddof and correction"):
        anp.var(x, ddof=1, correction=1)


def test_where_under_transformations():
    w = anp.asarray([True, False, True, True])
    g = arrax.grad(lambda v: anp.sum(v * v, where=w))(anp.arange(4.0))
    onp.testing.assert_array_equal(onp.asarray(g), [0.0, 0.0, 4.0, 6.0])
    f = lambda v, m: anp.mean(v, where=m)  # noqa: E731
    assert float(arrax.jit(f)(anp.arange(4.0), w)) == float(f(anp.arange(4.0), w))


def test_var_with_given_mean():
    m = onp.mean(X, axis=1, keepdims=True)
    expected = onp.var(X, axis=1, mean=m)
    onp.testing.assert_allclose(onp.asarray(anp.var(anp.asarray(X), axis=1, mean=m)), expected)
    onp.testing.assert_allclose(onp.asarray(anp.std(anp.asarray(X), axis=1, mean=m)), expected**0.5)


# --- einsum ------------------------------------------------------------------------------


def test_einsum_sublist_form():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4))
    A, B = anp.asarray(a), anp.asarray(b)
    cases = [
        ((a, [0, 1], b, [1, 2], [0, 2]), (A, [0, 1], B, [1, 2], [0, 2])),
        ((a, [0, 1], b, [1, 2]), (A, [0, 1], B, [1, 2])),
        ((a, [Ellipsis, 1]), (A, [Ellipsis, 1])),
        ((a, [30, 1], [1]), (A, [30, 1], [1])),
    ]
    for np_args, ax_args in cases:
        onp.testing.assert_allclose(onp.asarray(anp.einsum(*ax_args)), onp.einsum(*np_args))
    assert anp.einsum_path(A, [0, 1], B, [1, 2])[0] == onp.einsum_path(a, [0, 1], b, [1, 2])[0]


def test_einsum_broadcasts_size_one_labels_and_keeps_dtype():
    a, b = onp.ones((3, 1), onp.int8), onp.full((3, 4), 100, onp.int8)
    for subs in ["ij,ij->i", "ij,ij->ij", "ij,ij"]:
        expected = onp.einsum(subs, a, b)
        got = anp.einsum(subs, anp.asarray(a), anp.asarray(b))
        assert got.dtype == expected.dtype
        onp.testing.assert_array_equal(onp.asarray(got), expected)


def test_einsum_errors():
    with pytest.raises(ValueError, match="No input operands"):
        anp.einsum()
    with pytest.raises(TypeError):
        anp.einsum(0, 0)
    with pytest.raises(ValueError, match="order"):
        anp.einsum("i", anp.ones(2), order="W")
    with pytest.raises(ValueError, match="casting"):
        anp.einsum("i", anp.ones(2), casting="blah")
    with pytest.raises(TypeError, match="Cannot cast"):
        anp.einsum("i", anp.ones(2), dtype=onp.int32)  # float64 to int32 is not 'safe'


# --- concatenate/stack into out ------------------------------------------------------------


@pytest.mark.parametrize("fn", ["concatenate", "stack"])
@pytest.mark.parametrize("casting", ["no", "equiv", "safe", "same_kind", "unsafe"])
@pytest.mark.parametrize("out_dtype", ["c8", "f4", "f8", "i8"])
def test_join_into_out_casts_as_numpy(fn, casting, out_dtype):
    parts = (onp.array([1.1, 2.2]), onp.array([3.3, 4.4]))
    expected_shape = getattr(onp, fn)(parts).shape
    out = anp.zeros(expected_shape, dtype=out_dtype)
    try:
        expected = getattr(onp, fn)(
            parts, out=onp.zeros(expected_shape, out_dtype), casting=casting
        )
    except TypeError:
        with pytest.raises(TypeError):
            getattr(anp, fn)([anp.asarray(p) for p in parts], out=out, casting=casting)
        return
    assert getattr(anp, fn)([anp.asarray(p) for p in parts], out=out, casting=casting) is out
    onp.testing.assert_allclose(onp.asarray(out), expected, rtol=1e-6)


def test_join_out_and_dtype_together():
    with pytest.raises(TypeError, match="only takes `out` or `dtype`"):
        anp.concatenate([anp.ones(2)], out=anp.zeros(2), dtype=onp.float64)


# --- smaller parts of NumPy's API -------------------------------------------------------------


def test_flags_compare_and_report_alignment():
    a, b = anp.zeros(3), anp.ones(3)
    assert a.flags == b.flags
    assert a.flags != anp.zeros((3, 2))[:, 0].flags
    assert a.flags.aligned and a.flags["ALIGNED"] and not a.flags.writebackifcopy
    assert a.flags.carray and a.flags.behaved and not a.flags.fnc


def test_view_as_array_class():
    a = anp.arange(4.0)
    for v in (a.view(anp.ndarray), a.view(type=anp.ndarray), a.view(onp.ndarray)):
        assert type(v) is anp.ndarray
        onp.testing.assert_array_equal(onp.asarray(v), onp.arange(4.0))
    with pytest.raises(TypeError, match="view: type"):
        a.view(type=int)


def test_as_strided_views_the_buffer():
    x = anp.arange(6.0)
    got = anp.lib.stride_tricks.as_strided(x, shape=(4, 3), strides=(8, 8))
    expected = onp.lib.stride_tricks.as_strided(onp.arange(6.0), shape=(4, 3), strides=(8, 8))
    onp.testing.assert_array_equal(onp.asarray(got), expected)
    assert anp.lib.array_utils.normalize_axis_index(-1, 3) == 2


def test_linalg_outer_needs_vectors():
    onp.testing.assert_array_equal(
        onp.asarray(anp.linalg.outer(anp.arange(3), anp.arange(3))),
        onp.linalg.outer(onp.arange(3), onp.arange(3)),
    )
    with pytest.raises(ValueError, match="one-dimensional"):
        anp.linalg.outer(anp.arange(3)[:, None], anp.arange(3))


def test_builtin_functions_do_not_bind_on_classes():
    class Holder:
        array = anp.array
        zeros = anp.zeros

    h = Holder()
    onp.testing.assert_array_equal(onp.asarray(h.array([1, 2])), [1, 2])
    assert h.zeros(2).shape == (2,)
    assert pickle.loads(pickle.dumps(anp.zeros)) is anp.zeros


def test_aliases_numpy_has():
    assert anp.dtype(anp.longdouble) == onp.float64  # arrax's long double is double
    assert anp.zeros(2, dtype=anp.clongdouble).dtype == onp.complex128
    assert anp.True_ is onp.True_ and anp.False_ is onp.False_
    assert anp.exceptions.AxisError is onp.exceptions.AxisError
    assert isinstance(anp.asmatrix([[1, 2]]), onp.matrix)


def test_numpy_out_of_bound_reductions():
    host = onp.zeros(3)
    assert anp.sum(anp.ones((2, 3)), axis=0, out=host) is host
    onp.testing.assert_array_equal(host, [2.0, 2.0, 2.0])
    with pytest.raises(TypeError, match="mean: out must be"):
        anp.mean(anp.ones(3), out=3)


def test_initial_is_cast_to_the_result_dtype():
    x = onp.arange(3, dtype=onp.int32)
    for fn, init in [("max", -1.5), ("min", 7.5), ("sum", 1.5), ("prod", 2.5)]:
        expected = getattr(onp, fn)(x, initial=init)
        got = getattr(anp, fn)(anp.asarray(x), initial=init)
        assert got.dtype == expected.dtype and got == expected


def test_broadcast_object():
    a, b = onp.arange(3.0)[:, None], onp.arange(4.0)
    mine, numpys = anp.broadcast(anp.asarray(a), anp.asarray(b)), onp.broadcast(a, b)
    assert (mine.shape, mine.nd, mine.ndim, mine.size, mine.numiter) == (
        numpys.shape,
        numpys.nd,
        numpys.ndim,
        numpys.size,
        numpys.numiter,
    )
    assert [tuple(map(float, t)) for t in mine] == [tuple(map(float, t)) for t in numpys]
    mine.reset()
    assert mine.index == 0 and list(mine.iters[1])[:5] == list(onp.broadcast(a, b).iters[1])[:5]
    nested = anp.broadcast(anp.broadcast(anp.ones(3), anp.ones((2, 1))), anp.ones(3))
    assert nested.numiter == 3 and nested.shape == (2, 3)
    with pytest.raises(ValueError, match="arg 0 with shape \\(1, 3\\) and arg 2 with shape"):
        anp.broadcast([[1, 2, 3]], [[4], [5]], [6, 7])
    with pytest.raises(ValueError):
        anp.broadcast(*[anp.ones(2)] * 65)


def test_linalg_named_results_and_edge_arguments():
    a = anp.asarray(onp.array([[2.0, 1.0], [1.0, 3.0]]))
    assert type(anp.linalg.slogdet(a)) is type(anp.linalg.slogdet(a * 2))
    q = anp.linalg.qr(anp.ones((4, 3)), mode="complete")
    assert q.Q.shape == (4, 4) and q.R.shape == (4, 3)
    assert pickle.loads(pickle.dumps(anp.linalg.eigh(a))).eigenvalues.shape == (2,)
    onp.testing.assert_allclose(
        onp.asarray(anp.linalg.eigvalsh(a, UPLO="u")), onp.linalg.eigvalsh(onp.asarray(a))
    )
    with pytest.raises(ValueError, match="`rtol` and `rcond`"):
        anp.linalg.pinv(a, rcond=0.1, rtol=0.1)
    with pytest.raises(onp.exceptions.AxisError):
        anp.linalg.norm(anp.ones((2, 2, 2)), None, 3)
    with pytest.raises(onp.exceptions.AxisError):
        anp.linalg.norm(anp.ones((2, 2, 2)), None, (2, 3))


@pytest.mark.parametrize("p", [None, 1, 2, -1, -2, "fro", onp.inf])
def test_cond_of_singular_matrices_is_infinite(p):
    # A singular matrix's condition number is infinite (0 for p=-1, -2), or, when its smallest
    # singular value comes out of the SVD as rounding noise rather than 0 (which depends on the
    # LAPACK build: NumPy's gives 6e16 for ones((2, 2)) with some OpenBLAS versions), past
    # 1/eps (below eps).
    def singular(c):
        return onp.isinf(c) | (c > 1e15) | (c < 1e-15)

    for m in (onp.zeros((2, 2)), onp.ones((2, 2)), onp.stack([onp.eye(2), onp.ones((2, 2))])):
        expected = onp.linalg.cond(m, p)
        got = onp.asarray(anp.linalg.cond(anp.asarray(m), p))
        assert onp.array_equal(singular(got), singular(expected))
        onp.testing.assert_allclose(got[~singular(got)], expected[~singular(expected)])


def test_fft_sizes_as_numpy_2():
    x = onp.arange(100.0).reshape(10, 10)
    for fn in ["fftn", "ifftn", "fft2", "ifft2"]:
        got = getattr(anp.fft, fn)(anp.asarray(x), s=(-1, 5), axes=(0, 1))
        onp.testing.assert_allclose(
            onp.asarray(got), getattr(onp.fft, fn)(x, s=(-1, 5), axes=(0, 1)), atol=1e-9
        )
        with pytest.warns(DeprecationWarning, match="`axes` should not be `None`"):
            getattr(anp.fft, fn)(anp.asarray(x), s=(-1, 5), axes=None)
    y = onp.ones((2, 3))
    got = anp.fft.rfftn(anp.asarray(y), axes=(0, 0, 1), s=(10, 20, 40))
    onp.testing.assert_allclose(
        onp.asarray(got), onp.fft.rfftn(y, axes=(0, 0, 1), s=(10, 20, 40)), atol=1e-9
    )


def test_nan_to_num_in_place_and_keywords_independent():
    v = anp.asarray([-onp.inf, onp.nan, onp.inf])
    r = anp.nan_to_num(v, copy=False, nan=onp.inf, posinf=999.0)
    assert r is v
    onp.testing.assert_array_equal(
        onp.asarray(v),
        onp.nan_to_num(onp.array([-onp.inf, onp.nan, onp.inf]), nan=onp.inf, posinf=999.0),
    )


def test_smaller_numpy_behaviours():
    with pytest.raises(IndexError, match="index-sized"):
        anp.arange(3)[1 << 64]
    with pytest.raises(ValueError, match="Maximum allowed dimension exceeded"):  # NumPy's
        anp.zeros(1 << 70)
    edges = (anp.linspace(0, 2, 3), anp.linspace(0, 2, 3))  # arrax arrays nested in bins
    h = anp.histogram2d(anp.ones(3), anp.ones(3), edges)[0]
    onp.testing.assert_array_equal(onp.asarray(h), [[0.0, 0.0], [0.0, 3.0]])
    onp.testing.assert_array_equal(
        onp.asarray(anp.convolve(anp.ones(5), anp.ones(2), mode=2)),
        onp.convolve(onp.ones(5), onp.ones(2), mode=2),
    )
    with pytest.raises(TypeError):
        anp.convolve(anp.ones(5), anp.ones(2), mode=None)
    onp.testing.assert_array_equal(
        onp.asarray(anp.eye(onp.uint64(2), M=onp.uint64(4), k=onp.uint64(1))),
        onp.eye(onp.uint64(2), M=onp.uint64(4), k=onp.uint64(1)),
    )
    wrapped = anp.ones(2).__array_wrap__(onp.arange(3))
    assert type(wrapped) is anp.ndarray and wrapped.shape == (3,)
    assert anp.dtypes.Float64DType is onp.dtypes.Float64DType


def test_zero_d_arrays_hash_and_round_as_numpy_scalars():
    import collections

    x = anp.asarray([3, 1, 2, 3, 1, 3])
    assert collections.Counter(x) == collections.Counter(onp.asarray([3, 1, 2, 3, 1, 3]))
    assert {v: i for i, v in enumerate(x)} == {3: 5, 1: 4, 2: 2}
    assert hash(anp.sum(x)) == hash(13)
    with pytest.raises(TypeError, match="unhashable"):
        hash(x)
    assert round(anp.asarray(2.5)) == 2 and isinstance(round(anp.asarray(2.5)), int)
    assert float(round(anp.asarray(2.567), 2)) == 2.57
    onp.testing.assert_array_equal(onp.asarray(round(anp.asarray([1.26, 2.5]), 1)), [1.3, 2.5])
    with pytest.raises(ValueError, match="static"):
        arrax.jit(lambda a, n: a * n, static_argnums=1)(anp.ones(2), anp.asarray(2))


def test_npz_file_and_fromregex():
    import io

    f = io.BytesIO()
    anp.savez(f, a=anp.arange(3))
    f.seek(0)
    with anp.load(f) as z:
        assert repr(z) == "NpzFile 'object' with keys: a"
        assert isinstance(z, anp.lib.npyio.NpzFile) and z.get("b") is None
    text = "1 2\n3 4\n"
    got = anp.fromregex(io.StringIO(text), r"(\d+) (\d+)", [("a", int), ("b", int)])
    assert (
        got.tolist()
        == onp.fromregex(io.StringIO(text), r"(\d+) (\d+)", [("a", int), ("b", int)]).tolist()
    )


def test_comparisons_with_none_sizes_and_axes_sequences():
    onp.testing.assert_array_equal(onp.asarray(anp.ones(3) == None), onp.ones(3) == None)  # noqa: E711
    onp.testing.assert_array_equal(onp.asarray(anp.ones(3) != None), onp.ones(3) != None)  # noqa: E711
    a = [[1, 2, 3], [4, 5, 6]]
    for axis in [None, 0, 1, (), (0,), (0, 1), (-1,)]:
        assert anp.size(a, axis) == onp.size(a, axis)
    x = onp.ones((1, 2, 3, 4))
    assert (
        anp.moveaxis(anp.asarray(x), range(4), range(3, -1, -1)).shape
        == onp.moveaxis(x, range(4), range(3, -1, -1)).shape
    )


def test_isclose_takes_python_scalars_weakly():
    below_one = float(1.0 - onp.finfo("f8").eps)
    f32 = onp.array(below_one, "f4")
    assert bool(anp.isclose(anp.asarray(f32), below_one, atol=0, rtol=0)) == bool(
        onp.isclose(f32, below_one, atol=0, rtol=0)
    )
    assert anp.isclose(anp.ones(2, dtype=onp.float32), 1.0).dtype == onp.bool_


# NumPy's 13 quantile methods (numpy.quantile's documentation).
QUANTILE_METHODS = (
    "inverted_cdf averaged_inverted_cdf closest_observation interpolated_inverted_cdf hazen "
    "weibull linear median_unbiased normal_unbiased lower higher midpoint nearest"
).split()


@pytest.mark.parametrize("method", QUANTILE_METHODS)
@pytest.mark.parametrize("dtype", ["i1", "u1", "i8", "f2", "f4", "f8"])
@pytest.mark.parametrize("fn", ["quantile", "percentile"])
def test_quantile_values_and_dtypes_as_numpy(method, dtype, fn):
    a = onp.array([15.0, 20, 35, 40, 50]).astype(dtype)
    scale = 100 if fn == "percentile" else 1
    for q in [0.4, onp.float32(0.4), onp.float64(0.4), [0.1, 0.9], 0, 1, onp.float16(0.3)]:
        qq = (
            q * scale
            if type(q) in (int, float)
            else (onp.asarray(q) * scale).astype(onp.asarray(q).dtype)
        )
        expected = getattr(onp, fn)(a, qq, method=method)
        got = getattr(anp, fn)(anp.asarray(a), qq, method=method)
        assert got.dtype == expected.dtype, (q, got.dtype, expected.dtype)
        onp.testing.assert_allclose(onp.asarray(got), expected, rtol=1e-6)


def test_quantile_of_many_float16_values_does_not_overflow_the_index():
    a = onp.zeros(65521, onp.float16)
    a[:20_000] = 1
    for method in QUANTILE_METHODS:
        got = anp.percentile(anp.asarray(a), 50, method=method)
        assert got.dtype == onp.float16 and float(got) == 0.0


def test_weighted_quantile_inverted_cdf():
    rng = onp.random.default_rng(4321)
    y, w = rng.random(102), rng.integers(0, 10, 102).astype(onp.int32)
    for alpha in [0.2, 0.5, 0.9, [0.1, 0.7]]:
        got = anp.quantile(anp.asarray(y), alpha, method="inverted_cdf", weights=anp.asarray(w))
        onp.testing.assert_array_equal(
            onp.asarray(got), onp.quantile(onp.repeat(y, w), alpha, method="inverted_cdf")
        )
    x, w1 = rng.random((3, 5)), rng.random(5)
    got = anp.quantile(anp.asarray(x), [0.3, 0.7], axis=1, method="inverted_cdf", weights=w1)
    expected = onp.quantile(x, [0.3, 0.7], axis=1, method="inverted_cdf", weights=w1)
    onp.testing.assert_array_equal(onp.asarray(got), expected)
    with pytest.raises(ValueError, match="Only method 'inverted_cdf' supports weights"):
        anp.quantile(anp.asarray(x), 0.5, weights=anp.asarray(x))
    with pytest.raises(ValueError, match="non-negative"):
        anp.quantile(anp.asarray(x), 0.5, method="inverted_cdf", weights=-anp.asarray(x))
    with pytest.raises(ValueError, match="all zero"):
        anp.quantile(anp.asarray(x), 0.5, method="inverted_cdf", weights=anp.zeros((3, 5)))
    with pytest.raises(ValueError, match="Percentiles must be in the range"):
        anp.percentile(anp.asarray(x), onp.nan)


def test_interp_unwrap_trim_zeros_select_piecewise_bincount():
    inf = onp.inf
    for xp, fp in [([-inf, inf], [10, 10]), ([-inf, inf], [0, 10]), ([0, 1], [-inf, inf])]:
        onp.testing.assert_array_equal(
            onp.asarray(anp.interp(0.5, xp, fp)), onp.interp(0.5, xp, fp)
        )
    wrapped = onp.mod(onp.array([0, 75, 150, 225, 300, 430]), 250)
    for kw in [{"period": 250}, {"period": 250, "discont": 140}]:
        got, expected = anp.unwrap(anp.asarray(wrapped), **kw), onp.unwrap(wrapped, **kw)
        assert got.dtype == expected.dtype
        onp.testing.assert_array_equal(onp.asarray(got), expected)
    data = onp.zeros((5, 6))
    data[1:3, 2:4] = 1
    for axis in [None, 0, 1, (0, 1)]:
        onp.testing.assert_array_equal(
            onp.asarray(anp.trim_zeros(anp.asarray(data), axis=axis)),
            onp.trim_zeros(data, axis=axis),
        )
    assert anp.trim_zeros([0, 1, 0]) == [1]
    x = onp.arange(4)
    onp.testing.assert_array_equal(
        onp.asarray(anp.select([anp.asarray(x) > 1], [anp.asarray(x)], default=[7])),
        onp.select([x > 1], [x], default=[7]),
    )
    assert anp.piecewise(anp.asarray(3), anp.asarray(3) > 3, [4, 0]).ndim == 0
    onp.testing.assert_array_equal(onp.asarray(anp.bincount([], minlength=3)), [0, 0, 0])


def test_ufuncs_write_numpy_out_arrays_and_take_ellipsis():
    o = onp.zeros(3)
    assert anp.add(anp.arange(3), 1, out=o) is o
    onp.testing.assert_array_equal(o, [1.0, 2.0, 3.0])
    o = onp.full(3, -1.0)
    anp.multiply(anp.arange(3.0), 2, out=o, where=anp.asarray([True, False, True]))
    onp.testing.assert_array_equal(o, [0.0, -1.0, 4.0])  # where= keeps the other values
    onp.testing.assert_array_equal(onp.asarray(anp.add(anp.arange(3), 1, out=...)), [1, 2, 3])
    with pytest.raises(TypeError, match="same_kind"):
        anp.add(anp.ones(3) * 1.5, 1, out=onp.zeros(3, dtype=int))
    m, e = onp.zeros(2), onp.zeros(2, dtype=onp.int32)
    anp.frexp(anp.asarray([1.0, 8.0]), m, e)  # positional outs, as NumPy's ufuncs take them
    onp.testing.assert_array_equal(e, [1, 4])


def test_numpys_ufuncs_keep_where_with_numpy_out_and_arrax_inputs():
    o = onp.full(3, -1.0)
    onp.multiply(anp.arange(3.0), 2, out=o, where=onp.array([True, False, True]))
    onp.testing.assert_array_equal(o, [0.0, -1.0, 4.0])
