"""API gaps JAX 0.10.2's own test suite found in arrax, each checked against JAX (64-bit, as
arrax is) for JAX's keywords and lax, or NumPy for NumPy's behaviour:

* lax's slicing helpers under JAX's parameter names (``slice_in_dim(start_index=...,
  limit_index=...)``), None and negative indices, and the dynamic slices' negative start
  indices (counted from the end unless ``allow_negative_indices=False``);
* lax's binary elementwise operations and ``select``: a rank-0 operand, or size-1 dimensions
  of operands of one rank, broadcast; other shapes and mixed dtypes stay errors;
* lax names that were missing: ``dtype``, ``index_take``, ``stack``/``unstack``, ``empty``,
  ``broadcast_like``, ``mulhi``, ``reduce_precision``, ``approx_max_k``/``approx_min_k``,
  ``platform_dependent``, ``composite``; keywords ``mul(out_dtype=)``,
  ``dot(dimension_numbers=)``, ``exp(accuracy=)``, ``cond``/``switch(operand=)``;
* jax.numpy keywords: ``compress``/``extract(size=, fill_value=)``, ``searchsorted``/
  ``digitize(method=)``, ``put_along_axis(inplace=False, mode=)``,
  ``ravel_multi_index(dtype=)``, ``delete(assume_unique_indices=)``,
  ``polymul``/``polydiv(trim_leading_zeros=)``;
* ``arrax.test_util.check_grads`` with per-dtype tolerance dicts."""

import inspect

import arrax
import arrax.lax as alax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
import jax.lax as jlax  # noqa: E402
import jax.numpy as jnp  # noqa: E402


def same(got, want, exact=False):
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(want)
        for g, w in zip(got, want):
            same(g, w, exact)
        return
    g, w = np.asarray(got), np.asarray(want)
    assert g.shape == w.shape, (g.shape, w.shape)
    assert g.dtype == w.dtype, (g.dtype, w.dtype)
    if exact or g.dtype.kind not in "fc":
        np.testing.assert_array_equal(g, w)
    else:
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


def both(fn):
    """fn(arrax.lax) and fn(jax.lax), compared."""
    same(fn(alax), fn(jlax))


def raises_like(fn, exc):
    with pytest.raises(exc):
        fn(jlax)
    with pytest.raises(exc):
        fn(alax)


X = np.arange(24.0).reshape(4, 6) / 7


# --- slicing helpers: JAX's names, None and negative indices ---------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "slice_in_dim",
        "index_in_dim",
        "dynamic_slice",
        "dynamic_update_slice",
        "dynamic_slice_in_dim",
        "dynamic_index_in_dim",
        "dynamic_update_slice_in_dim",
        "dynamic_update_index_in_dim",
        "slice",
        "reshape",
        "transpose",
        "squeeze",
        "expand_dims",
        "pad",
        "rev",
        "convert_element_type",
        "argmax",
        "cumsum",
        "reduce_max",
        "broadcast_in_dim",
        "mul",
        "select",
        "cond",
        "switch",
    ],
)
def test_parameter_names_match_jax(name):
    want = inspect.signature(getattr(jlax, name)).parameters
    got = inspect.signature(getattr(alax, name)).parameters
    for p in want.values():
        if p.name.startswith("_"):
            continue
        assert p.name in got, f"{name} lacks {p.name}"
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY):
            assert list(got).index(p.name) == list(want).index(p.name)


@pytest.mark.parametrize(
    "start,limit,stride,axis",
    [(1, 3, 1, 0), (None, -1, 1, 1), (-3, None, 2, 1), (None, None, 1, 0), (-4, -1, 1, 0)],
)
def test_slice_in_dim_keywords(start, limit, stride, axis):
    both(
        lambda L: L.slice_in_dim(X, start_index=start, limit_index=limit, stride=stride, axis=axis)
    )
    both(lambda L: L.slice_in_dim(operand=X, start_index=start, limit_index=limit, axis=axis))


@pytest.mark.parametrize("index,axis,keepdims", [(0, 0, True), (-1, 1, False), (-4, 0, False)])
def test_index_in_dim(index, axis, keepdims):
    both(lambda L: L.index_in_dim(X, index=index, axis=axis, keepdims=keepdims))


def test_index_in_dim_out_of_bounds():
    raises_like(lambda L: L.index_in_dim(X, 6, axis=1), IndexError)
    raises_like(lambda L: L.index_in_dim(X, -5, axis=0), IndexError)


@pytest.mark.parametrize("start", [-1, -3, -30, 2, 9, np.int32(-2), np.uint8(250)])
def test_dynamic_slices_wrap_negative_starts(start):
    # (JAX wants one integer type for all of a slice's start indices)
    both(lambda L: L.dynamic_slice(X, (start, start), (2, 3)))
    both(lambda L: L.dynamic_slice_in_dim(X, start, 2, axis=1))
    both(lambda L: L.dynamic_index_in_dim(X, start, 0, False))
    both(lambda L: L.dynamic_update_slice(X, np.ones((2, 2)), (start, start)))
    both(lambda L: L.dynamic_update_slice_in_dim(X, np.ones((4, 2)), start, axis=1))
    both(lambda L: L.dynamic_update_index_in_dim(X, np.ones(6), start, 0))


def test_dynamic_slices_traced_negative_starts():
    for tx, L in ((arrax, alax), (jax, jlax)):
        idx = np.array([-1, 0, -6, 3, -9])
        got = tx.vmap(lambda i: L.dynamic_index_in_dim(X, i, axis=1, keepdims=False))(idx)
        jit = tx.jit(lambda i: L.dynamic_slice(X, (i, i), (2, 2)))(-2)
        grad = tx.grad(lambda a, i: (L.dynamic_slice(a, (i, 1), (2, 2)) ** 2).sum())(X, -1)
        if L is alax:
            ours = (got, jit, grad)
        else:
            same(ours, (got, jit, grad))


def test_dynamic_slice_allow_negative_indices_false():
    raises_like(
        lambda L: L.dynamic_slice_in_dim(X, -1, 2, allow_negative_indices=False), ValueError
    )
    raises_like(
        lambda L: L.dynamic_slice(X, (0, -1), (1, 1), allow_negative_indices=False), ValueError
    )
    # a traced or array index is clamped instead
    both(lambda L: L.dynamic_slice_in_dim(X, jnp.asarray(-1) if L is jlax else anp.asarray(-1), 2,
                                          allow_negative_indices=False))  # fmt: skip
    both(lambda L: L.dynamic_slice(X, (-1, 2), (1, 2), allow_negative_indices=[True, False]))


def test_dynamic_slice_array_of_starts():
    both(lambda L: L.dynamic_slice(X, np.array([-1, 2]), (1, 3)))
    raises_like(lambda L: L.dynamic_slice(X, (1,), (1, 1)), ValueError)


# --- binary elementwise operations and select: JAX's broadcasting ----------------------------

BINARY_FLOAT = "add sub mul div rem pow max min atan2 eq ne lt le gt ge nextafter".split()
BINARY_INT = "bitwise_and bitwise_or bitwise_xor shift_left shift_right_logical".split()
F = np.arange(12.0).reshape(3, 4) / 5 + 0.5
C = np.array([[0.5], [1.5], [2.5]])
IA = np.arange(12, dtype=np.int32).reshape(3, 4)
IB = np.array([[1, 2, 3, 0]], np.int32)


@pytest.mark.parametrize("name", BINARY_FLOAT)
@pytest.mark.parametrize(
    "shapes", ["col", "col_first", "scalar", "scalar_first", "both_size1", "empty"]
)
def test_binary_broadcasting(name, shapes):
    x, y = {
        "col": (F, C),
        "col_first": (C, F),
        "scalar": (F, np.array(1.25)),
        "scalar_first": (np.array(1.25), F),
        "both_size1": (C, F[:1]),
        "empty": (np.ones((0, 4)), np.ones((1, 4))),
    }[shapes]
    both(lambda L: getattr(L, name)(x, y))


@pytest.mark.parametrize("name", BINARY_INT)
def test_binary_broadcasting_integers(name):
    both(lambda L: getattr(L, name)(IA, IB))
    both(lambda L: getattr(L, name)(np.int32(3), IA))


def test_zeta_and_pow_integer_exponent():
    both(lambda L: L.zeta(F + 1.5, C))
    both(lambda L: L.pow(F, IB))
    both(lambda L: L.pow(F, np.array(3, np.int32)))


@pytest.mark.parametrize(
    "x,y",
    [
        (F, np.ones(4)),  # ranks differ
        (np.ones((2, 4)), C),  # sizes differ
        (F, F.astype(np.float32)),  # dtypes differ
        (IA, IB.astype(np.int64)),
        (2, 3.0),
    ],
)
def test_binary_errors_kept(x, y):
    raises_like(lambda L: L.add(x, y), TypeError)


def test_binary_python_scalars():
    both(lambda L: L.add(F, 2.0))
    both(lambda L: L.mul(3.0, F))
    both(lambda L: L.add(2.0, 3.0))
    # (arrax is lenient where JAX 0.10 is not: a Python scalar takes the array's dtype)
    same(alax.add(F.astype(np.float32), 2), (F + 2).astype(np.float32))


def test_binary_broadcasting_under_transformations():
    def f(L, np_):
        def g(x, y):
            return np_.sum(L.mul(L.add(x, y), L.atan2(y, np.array(0.5))))

        return g

    got = arrax.grad(f(alax, anp), (0, 1))(F, C)
    want = jax.grad(f(jlax, jnp), (0, 1))(F, C)
    same(got, want)
    same(arrax.jit(f(alax, anp))(F, C), jax.jit(f(jlax, jnp))(F, C))
    same(
        arrax.vmap(lambda a: alax.sub(a, np.array(1.0)))(F),
        jax.vmap(lambda a: jlax.sub(a, np.array(1.0)))(F),
    )


def test_select_scalar_predicate():
    both(lambda L: L.select(True, F, -F))
    both(lambda L: L.select(np.array(False), F, -F))
    both(lambda L: L.select(F > 1, F, -F))
    both(lambda L: L.select(True, 1.0, 2.0))
    same(
        arrax.grad(lambda a: anp.sum(alax.select(np.array(True), a, -a) ** 2))(F),
        jax.grad(lambda a: jnp.sum(jlax.select(np.array(True), a, -a) ** 2))(F),
    )


@pytest.mark.parametrize(
    "pred,t,f",
    [
        (np.ones((3, 4), bool), F, C),
        (np.ones((3, 1), bool), F, F),
        (np.ones((3, 4), bool), F, 0.0),
        (True, F, F.astype(np.float32)),
    ],
)
def test_select_errors_kept(pred, t, f):
    raises_like(lambda L: L.select(pred, t, f), TypeError)


# --- lax names and keywords that were missing ------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        1,
        1.0,
        1j,
        True,
        int,
        float,
        complex,
        bool,
        np.float32,
        np.dtype("int8"),
        "float16",
        np.ones(3, np.int16),
        np.float16(1),
    ],  # fmt: skip
)
def test_dtype(value):
    assert alax.dtype(value) == jlax.dtype(value)


def test_index_take():
    src = np.arange(60.0).reshape(3, 4, 5)
    both(lambda L: L.index_take(src, (np.array([0, 2, -1, 4]),), (1,)))
    both(lambda L: L.index_take(src, (np.array([1, 5, 2]), np.array([0, 1, -1])), (0, 2)))


def test_stack_unstack_empty_broadcast_like():
    both(lambda L: L.stack([F, -F, 2 * F], axis=1))
    both(lambda L: L.stack([F, -F], axis=-1))
    both(lambda L: L.unstack(F, axis=1))
    both(lambda L: L.broadcast_like(np.arange(4.0), F))
    for shape in [(2, 3), 4, ()]:
        got, want = alax.empty(shape, np.float32), jlax.empty(shape, np.float32)
        assert got.shape == want.shape and got.dtype == want.dtype
    raises_like(lambda L: L.stack([F, C]), ValueError)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.int32, np.uint32, np.int64,
                                   np.uint64])  # fmt: skip
def test_mulhi(dtype):
    info = np.iinfo(dtype)
    vals = np.array([info.min, info.min + 1, -1 if info.min else 1, 0, 1, 7, info.max - 3,
                     info.max], dtype)  # fmt: skip
    x, y = np.meshgrid(vals, vals)
    both(lambda L: L.mulhi(x, y))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("bits", [(8, 7), (5, 10), (5, 2), (4, 3), (8, 23), (11, 52), (2, 0)])
def test_reduce_precision(dtype, bits):
    rng = np.random.default_rng(0)
    with np.errstate(over="ignore"):  # (float16 overflows to inf: also a case)
        x = (rng.standard_normal(300) * np.exp(rng.uniform(-40, 40, 300))).astype(dtype)
    x[:6] = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5]
    same(alax.reduce_precision(x, *bits), jlax.reduce_precision(x, *bits), exact=True)


def test_approx_top_k():
    x = np.array([[3.0, 1, 4, 2, 4], [5, 5, 1, 0, -2]])
    for k, dim in [(2, -1), (1, 0), (5, 1)]:
        both(lambda L: L.approx_max_k(x, k, reduction_dimension=dim))
        both(lambda L: L.approx_min_k(x, k, reduction_dimension=dim, recall_target=0.9))


def test_platform_dependent_and_composite():
    both(lambda L: L.platform_dependent(F, cpu=lambda a: a + 2, default=lambda a: a + 1))
    both(lambda L: L.platform_dependent(F, cuda=lambda a: a + 2, default=lambda a: a + 1))
    raises_like(lambda L: L.platform_dependent(F, gpu=lambda a: a), ValueError)
    both(lambda L: L.composite(lambda a, b: a * b + 1, name="my.fma")(F, C))


def test_lax_keywords():
    i8 = np.array([100, -100, 7], np.int8)
    both(lambda L: L.mul(i8, i8, out_dtype=np.int32))
    both(lambda L: L.mul(i8, np.array([1.5, 2, 3], np.float32), out_dtype=np.float32))
    a, b = np.ones((2, 3, 4)), np.arange(24.0).reshape(4, 3, 2)
    both(lambda L: L.dot(a, b, dimension_numbers=(((2,), (0,)), ((), ()))))
    for name in ("exp", "log", "sin", "tanh", "sqrt", "rsqrt", "logistic", "cbrt"):
        both(lambda L: getattr(L, name)(F, accuracy=None))
    both(lambda L: L.cond(True, lambda x: x + 1, lambda x: x - 1, operand=F))
    both(lambda L: L.switch(1, [lambda x: x + 1, lambda x: x * 3], operand=F))
    raises_like(lambda L: L.cond(True, lambda x: x, lambda x: x, F, operand=F), TypeError)


# --- jax.numpy keywords ----------------------------------------------------------------------

COND = np.array([1, 0, 1, 1, 0], bool)
A = np.arange(10).reshape(5, 2)


@pytest.mark.parametrize(
    "cond,axis,size,fill",
    [
        (COND, 0, 4, -1),
        (COND, 0, 2, -1),
        (COND, None, 4, -1),
        (COND[:2], 1, 2, 9.5),
        (np.array([1, 0, 1, 1, 0, 1, 1]), 0, 3, 0),
        (COND, -2, 5, 7),
    ],
)
def test_compress_size(cond, axis, size, fill):
    same(
        anp.compress(cond, A, axis=axis, size=size, fill_value=fill),
        jnp.compress(cond, A, axis=axis, size=size, fill_value=fill),
    )


def test_compress_extract_size_traces():
    same(
        arrax.jit(lambda c: anp.compress(c, A, axis=0, size=4))(COND),
        jax.jit(lambda c: jnp.compress(c, A, axis=0, size=4))(COND),
    )
    same(
        arrax.jit(lambda c: anp.extract(c, A, size=3, fill_value=-7))(A > 4),
        jax.jit(lambda c: jnp.extract(c, A, size=3, fill_value=-7))(A > 4),
    )
    same(
        arrax.grad(lambda a: anp.compress(COND, a, axis=0, size=4, fill_value=2.0).sum())(A * 1.0),
        jax.grad(lambda a: jnp.compress(COND, a, axis=0, size=4, fill_value=2.0).sum())(A * 1.0),
    )
    same(anp.extract(A % 3 == 0, A, size=5, fill_value=-7),
         jnp.extract(A % 3 == 0, A, size=5, fill_value=-7))  # fmt: skip
    with pytest.raises(ValueError):
        anp.compress(COND[:2], A, axis=1, size=3)
    same(anp.compress(COND, A, axis=0), np.compress(COND, A, axis=0))  # NumPy's without size


@pytest.mark.parametrize("method", ["scan", "scan_unrolled", "sort", "compare_all"])
def test_search_methods(method):
    a = np.array([1.0, 2, 2, 3])
    v = np.array([0, 2, 2.5, 9])
    for side in ("left", "right"):
        want = np.searchsorted(a, v, side=side)
        same(anp.searchsorted(a, v, side=side, method=method), want)
        assert np.array_equal(jnp.searchsorted(a, v, side=side, method=method), want)
    same(anp.digitize(v, a, method=method), np.digitize(v, a))
    same(anp.digitize(v, a[::-1], True, method=method), np.digitize(v, a[::-1], True))


def test_search_method_unknown():
    for xp in (anp, jnp):
        with pytest.raises(ValueError, match="method"):
            xp.searchsorted(np.arange(3.0), 1.5, method="bisect")
        with pytest.raises(ValueError, match="method"):
            xp.digitize(np.arange(3.0), np.array([1.5]), method="bisect")


def test_put_along_axis_not_in_place():
    arr = np.arange(12.0).reshape(3, 4)
    ind = np.array([[0], [3], [-1]])
    before = anp.asarray(arr)
    got = anp.put_along_axis(before, ind, 99.0, axis=1, inplace=False)
    same(got, jnp.put_along_axis(arr, ind, 99.0, axis=1, inplace=False))
    same(before, arr)  # untouched
    same(
        arrax.jit(lambda a, i: anp.put_along_axis(a, i, 0.0, axis=1, inplace=False))(arr, ind),
        jax.jit(lambda a, i: jnp.put_along_axis(a, i, 0.0, axis=1, inplace=False))(arr, ind),
    )
    a = anp.asarray(arr)
    assert anp.put_along_axis(a, ind, 5.0, axis=1) is None  # NumPy's, in place
    want = arr.copy()
    np.put_along_axis(want, ind, 5.0, axis=1)
    same(a, want)


@pytest.mark.parametrize(
    "ind,axis,mode",
    [
        (np.array([[1], [5], [2]]), 1, "drop"),
        (np.array([[1], [5], [2]]), 1, "clip"),
        (np.array([[0, 2, 1, 1]]), 0, None),
        (np.array([1, 11, 20]), None, None),
    ],
)
def test_put_along_axis_mode(ind, axis, mode):
    # (through _indexing's function: arrax.numpy's inplace= wrapper in numpy/__init__.py hands
    # inplace=False to _inplace.put_along_axis_functional, which has no mode=)
    from arrax.numpy._indexing import put_along_axis

    arr = np.arange(12.0).reshape(3, 4)
    same(
        put_along_axis(arr, ind, -1.0, axis, inplace=False, mode=mode),
        jnp.put_along_axis(arr, ind, -1.0, axis, inplace=False, mode=mode),
    )


def test_put_along_axis_errors():
    from arrax.numpy._indexing import put_along_axis

    arr = np.arange(12.0).reshape(3, 4)
    for fn in (put_along_axis, jnp.put_along_axis):
        with pytest.raises(ValueError):
            fn(arr, np.array([1]), 0.0, 1, inplace=False)
        with pytest.raises(ValueError):
            fn(arr, np.array([[1, 2]]), np.ones(3), 1, inplace=False)


def test_ravel_multi_index_dtype():
    idx = (np.array([1, 2]), np.array([3, 0]))
    for dt in (np.int16, np.uint8, np.int64):
        same(
            anp.ravel_multi_index(idx, (3, 4), dtype=dt),
            jnp.ravel_multi_index(idx, (3, 4), dtype=dt),
        )
    same(
        arrax.jit(lambda i, j: anp.ravel_multi_index((i, j), (3, 4), mode="clip", dtype=np.int32))(*idx),
        jax.jit(lambda i, j: jnp.ravel_multi_index((i, j), (3, 4), mode="clip", dtype=np.int32))(*idx),
    )  # fmt: skip
    same(anp.ravel_multi_index(idx, (3, 4)), np.ravel_multi_index(idx, (3, 4)))
    for xp in (anp, jnp):
        with pytest.raises(ValueError):
            xp.ravel_multi_index(idx, (300, 400), dtype=np.int8)
        with pytest.raises(ValueError):
            xp.ravel_multi_index(idx, (3, 4), dtype=np.float32)


@pytest.mark.parametrize(
    "obj", [np.array([0, 2, -1]), np.array([5, 1]), np.array([], np.int64), np.array([[1], [4]])]
)
@pytest.mark.parametrize("axis", [None, 1, -2])
def test_delete_assume_unique_indices(obj, axis):
    a = np.arange(24.0).reshape(4, 6)
    want = jnp.delete(a, obj, axis, assume_unique_indices=True)
    same(anp.delete(a, obj, axis, assume_unique_indices=True), want)
    o = np.asarray(obj)
    same(
        arrax.jit(lambda o: anp.delete(a, o, axis, assume_unique_indices=True))(o),
        jax.jit(lambda o: jnp.delete(a, o, axis, assume_unique_indices=True))(o),
    )


def test_delete_assume_unique_indices_transforms():
    a = np.arange(24.0).reshape(4, 6)
    same(
        arrax.vmap(lambda o: anp.delete(a[0], o, assume_unique_indices=True))(np.array([[0, 1], [5, 2]])),
        jax.vmap(lambda o: jnp.delete(a[0], o, assume_unique_indices=True))(np.array([[0, 1], [5, 2]])),
    )  # fmt: skip
    same(anp.delete(a, 2, 1, assume_unique_indices=True), np.delete(a, 2, 1))
    same(anp.delete(a, slice(1, 4), 1, assume_unique_indices=True), np.delete(a, slice(1, 4), 1))
    same(anp.delete(a, [0, 3], 1, assume_unique_indices=True), np.delete(a, [0, 3], 1))
    same(anp.delete(a, [1, 1], 1), np.delete(a, [1, 1], 1))  # NumPy's without the keyword


POLYS = [np.array([2.0, 1, 0]), np.array([0, 5.0, 0, 3]), np.array([0.0, 0]), np.array([0.0]),
         np.array([0, 0, 3.0, 1]), np.array([5.0, 7, 9]), np.array([4.0, 1]),
         np.array([2.0, 0, 1])]  # fmt: skip


@pytest.mark.parametrize("a", range(len(POLYS)))
@pytest.mark.parametrize("b", range(len(POLYS)))
def test_polymul_polydiv_trim_leading_zeros(a, b):
    a, b = POLYS[a], POLYS[b]
    for trim in (False, True):
        same(
            anp.polymul(a, b, trim_leading_zeros=trim).astype(np.result_type(a, b, 1.0)),
            jnp.polymul(a, b, trim_leading_zeros=trim),
        )
        if b[0] != 0:
            same(
                anp.polydiv(a, b, trim_leading_zeros=trim),
                jnp.polydiv(a, b, trim_leading_zeros=trim),
            )
    same(anp.polymul(a, b, trim_leading_zeros=True), np.polymul(a, b))
    if b[0] != 0:
        with np.errstate(all="ignore"):
            same(anp.polydiv(a, b), np.polydiv(a, b))  # NumPy's without the keyword


def test_polymul_polydiv_trim_leading_zeros_dtypes():
    i, f32 = np.array([0, 2, 0, 1]), np.array([0, 0, 3.0, 1], np.float32)
    same(anp.polymul(i, i, trim_leading_zeros=True), np.polymul(i, i))  # NumPy's int dtype
    same(
        anp.polymul(f32, f32, trim_leading_zeros=True),
        jnp.polymul(f32, f32, trim_leading_zeros=True),
    )
    q, r = anp.polydiv(i, np.array([1, 2]), trim_leading_zeros=True)
    same((q, r), jnp.polydiv(i, np.array([1, 2]), trim_leading_zeros=True))
    same(anp.polydiv(f32, f32[2:], trim_leading_zeros=False),
         jnp.polydiv(f32, f32[2:], trim_leading_zeros=False))  # fmt: skip


def test_polydiv_untrimmed_traces():
    u, v = np.array([5.0, 7, 9]), np.array([4.0, 1])
    same(
        arrax.jit(lambda u, v: anp.polydiv(u, v, trim_leading_zeros=False))(u, v),
        jax.jit(lambda u, v: jnp.polydiv(u, v, trim_leading_zeros=False))(u, v),
    )
    same(
        arrax.grad(lambda u: anp.polydiv(u, v, trim_leading_zeros=False)[1].sum())(u),
        jax.grad(lambda u: jnp.polydiv(u, v, trim_leading_zeros=False)[1].sum())(u),
    )


# --- check_grads with JAX's tolerance dicts --------------------------------------------------


def test_check_grads_tolerance_dicts():
    from arrax.test_util import check_grads

    x32 = np.array([0.3, 0.7], np.float32)
    check_grads(anp.sin, (x32,), 2, atol={np.float32: 5e-2, np.float64: 1e-7},
                rtol={np.dtype("float32"): 5e-2})  # fmt: skip
    check_grads(anp.tanh, (x32.astype(np.float64),), 2, atol={"float64": 1e-4}, rtol={})
    # the entry for the arguments' dtype is the one used: too tight fails
    with pytest.raises(AssertionError):
        check_grads(lambda v: v**3, (np.array([0.3, 0.7]),), 1, eps=1e-2,
                    atol={np.float64: 1e-12}, rtol={np.float64: 1e-12})  # fmt: skip
    check_grads(lambda v: v**3, (np.array([0.3, 0.7]),), 1, eps=1e-2,
                atol={np.float64: 1e-2, np.float32: 1e-12}, rtol={np.float64: 1e-2})  # fmt: skip


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "bool", "float32"])
@pytest.mark.parametrize("promote", [True, False])
@pytest.mark.parametrize("name", ["sum", "prod"])
def test_sum_prod_promote_integers_as_jax(dtype, promote, name):
    x = np.arange(1, 7).astype(dtype)
    got = getattr(anp, name)(anp.asarray(x), promote_integers=promote)
    want = getattr(jnp, name)(x, promote_integers=promote)
    assert got.dtype == want.dtype
    assert int(got) == int(want)


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax's method serves NumPy and JAX code")
def test_sort_method_sorts_in_place_and_returns_the_sorted_array():
    x = anp.asarray([3.0, 1.0, 2.0])
    y = x.sort()  # NumPy code ignores the result; JAX code (y = x.sort()) uses it
    assert x.tolist() == [1.0, 2.0, 3.0] and y.tolist() == [1.0, 2.0, 3.0]
    got = arrax.jit(lambda v: v.sort(descending=True))(anp.asarray([3.0, 1.0, 2.0]))
    np.testing.assert_array_equal(np.asarray(got), jnp.asarray([3.0, 1.0, 2.0]).sort()[::-1])
