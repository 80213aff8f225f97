"""NumPy's generalized ufuncs matmul, vecdot, matvec and vecmat as ufunc objects (signature,
nin/nout/nargs, axes=, axis=, keepdims=, out=, dtype=, casting=, their errors); var/std with a
complex dtype= on real data; clip with Python int bounds past the array's dtype or int64."""

import pickle

import numpy as np
import pytest

from conftest import anp, arrax_only, assert_same, run_both, sample

GUFUNCS = ["matmul", "vecdot", "matvec", "vecmat"]


@pytest.mark.parametrize("name", GUFUNCS)
def test_gufunc_attributes_as_numpys(name):
    f, g = getattr(anp, name), getattr(np, name)
    assert isinstance(f, anp.ufunc)
    assert f.__name__ == g.__name__ == name
    assert f.signature == g.signature
    assert (f.nin, f.nout, f.nargs, f.ntypes) == (g.nin, g.nout, g.nargs, g.ntypes)
    assert f.identity is None and f.types == g.types
    assert pickle.loads(pickle.dumps(f)) is f
    assert repr(f) == repr(g)


@pytest.mark.parametrize("method", ["reduce", "accumulate", "reduceat", "outer", "at"])
def test_gufunc_methods_raise_as_numpys(method):
    a = sample(np.float64, (2, 3, 3))

    def fn(m, a):
        f = getattr(m.matmul, method)
        return f(a, a) if method == "outer" else f(a, [0], a) if method == "at" else f(a, [0])

    run_both(fn, a)


MATMUL_SHAPES = [((3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)),
                 ((4,), (2, 4, 5)), ((2, 3, 4), (4,)), ((4,), (4,))]  # fmt: skip


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "complex128", "bool"])
@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_axes_moves_the_core_axes(shapes, dtype):
    s1, s2 = shapes
    a, b = sample(dtype, s1, seed=1), sample(dtype, s2, seed=2)
    run_both(lambda m, a, b: m.matmul(a, b), a, b)
    # The core axes first in each operand (and where they go in the result).
    k1, k2 = min(a.ndim, 2), min(b.ndim, 2)
    at = np.moveaxis(a, range(-k1, 0), range(k1))
    bt = np.moveaxis(b, range(-k2, 0), range(k2))
    ko = (a.ndim > 1) + (b.ndim > 1)
    axes = [tuple(range(k1)), tuple(range(k2))] + [tuple(range(ko))]
    run_both(lambda m, a, b: m.matmul(a, b, axes=axes), at, bt)
    run_both(lambda m, a, b: m.matmul(a, b, axes=[(-2, -1), (-2, -1), (-2, -1)]), a, b)


@pytest.mark.parametrize(
    "axes",
    [
        [(0, 2), (-2, -1), (1, 0)],
        [(1, 2), (0, 1), (0, 2)],
        ((-2, -1), (-2, -1), (-2, -1)),  # (a tuple: TypeError, axes must be a list)
        [[-2, -1], (-2, -1), (-2, -1)],  # (a list item: TypeError)
        [-1, (-2, -1), (-2, -1)],  # (an int for 2 core axes: AxisError)
        [(-2,), (-2, -1), (-2, -1)],  # (too few: AxisError)
        [(-2, -1), (-2, -1)],  # (the output's left out, which has core axes: ValueError)
        [(-2, 3), (-2, -1), (-2, -1)],  # (out of bounds: AxisError)
        [(-1, -1), (-2, -1), (-2, -1)],  # (repeated: ValueError)
        [(-2.0, -1), (-2, -1), (-2, -1)],  # (a float: TypeError)
    ],
    ids=str,
)
def test_matmul_axes_forms_and_errors(axes):
    a, b = sample(np.float64, (4, 2, 3), seed=1), sample(np.float64, (2, 3, 5), seed=2)
    run_both(lambda m, a, b: m.matmul(a, b, axes=axes), a, b)


@pytest.mark.parametrize(
    "axes", [[0, (1, 2), 0], [(0,), (1, 2), (1,)], [(0,), (0,), ()], [0, 0], [(0,), (0,)]], ids=str
)
def test_matmul_axes_with_1d_operands(axes):
    v, b = sample(np.float64, (4,), seed=1), sample(np.float64, (2, 4, 5), seed=2)
    run_both(lambda m, v, b: m.matmul(v, b if len(axes[1]) == 2 else v, axes=axes), v, b)


@pytest.mark.parametrize("kw", [{"axis": -1}, {"keepdims": True}, {"keepdims": False},
                                {"where": True}, {"bogus": 1}], ids=str)  # fmt: skip
@pytest.mark.parametrize("name", ["matmul", "matvec", "vecmat"])
def test_keywords_these_gufuncs_refuse(name, kw):
    a = sample(np.float64, (3, 3))
    b = a if name == "matmul" else a[0]
    run_both(lambda m, a, b: getattr(m, name)(*((b, a) if name == "vecmat" else (a, b)), **kw),
             a, b)  # fmt: skip


def test_matmul_out_positional_keyword_broadcast_and_errors():
    a, b = sample(np.float64, (3, 4), seed=1), sample(np.float64, (2, 4, 5), seed=2)
    run_both(lambda m, a, b: m.matmul(a, b, m.zeros((2, 3, 5))), a, b)
    run_both(lambda m, a, b: m.matmul(a, b, out=(m.zeros((2, 3, 5)),)), a, b)
    run_both(lambda m, a, b: m.matmul(a, b[0], out=m.zeros((2, 3, 5))), a, b)  # broadcast
    run_both(lambda m, a, b: m.matmul(a, b, out=m.zeros((4, 3, 5))), a, b)  # loop dims
    run_both(lambda m, a, b: m.matmul(a, b, out=m.zeros((3, 5))), a, b)  # too small
    run_both(lambda m, a, b: m.matmul(a, b, out=m.zeros((2, 3, 6))), a, b)  # core dims
    run_both(lambda m, a, b: m.matmul(a, b, m.zeros((2, 3, 5)), out=m.zeros((2, 3, 5))), a, b)
    run_both(lambda m, a, b: m.matmul(a, b, m.zeros((2, 3, 5)), m.zeros((2, 3, 5))), a, b)
    run_both(lambda m, a, b: m.matmul(a, b, out=m.zeros((2, 3, 5), np.int64)), a, b)  # cast
    run_both(lambda m, a, b: m.matmul(a, b, out=m.zeros((2, 3, 5), np.int64), casting="unsafe"),
             a, b)  # fmt: skip
    run_both(lambda m, a, b: m.matmul(a, b, out=m.zeros((2, 3, 5), np.float32)), a, b)
    # out= with axes: the result's core axes where the output's axes say
    run_both(lambda m, a, b: m.matmul(a, b, out=m.zeros((3, 5, 2)), axes=[(0, 1), (1, 2), (0, 1)]),
             a, b)  # fmt: skip


def test_out_is_written_and_returned():
    a, b = sample(np.float64, (2, 3, 4), seed=1), sample(np.float64, (4,), seed=2)
    for name, args in [("matmul", (a, b)), ("matvec", (a, b)), ("vecdot", (a[..., :4], b)),
                       ("vecmat", (b, a.swapaxes(-1, -2)))]:  # fmt: skip
        shape = getattr(np, name)(*args).shape
        out = anp.zeros(shape)
        r = getattr(anp, name)(*[anp.asarray(x) for x in args], out)
        assert r is out
        assert_same(out, getattr(np, name)(*args))


@pytest.mark.parametrize(
    "kw",
    [{"dtype": np.float32}, {"dtype": np.int32}, {"dtype": np.int32, "casting": "unsafe"},
     {"dtype": np.complex64}, {"signature": (None, None, np.float32)}],
    ids=str,
)  # fmt: skip
@pytest.mark.parametrize("name", GUFUNCS)
def test_dtype_and_casting(name, kw):
    a, v = sample(np.float64, (2, 3, 3), seed=1), sample(np.float64, (3,), seed=2)
    args = {"matmul": (a, a), "vecdot": (a, v), "matvec": (a, v), "vecmat": (v, a)}[name]
    run_both(lambda m, x, y: getattr(m, name)(x, y, **kw), *args)
    i = sample(np.int64, (3, 3))
    run_both(lambda m, x: getattr(m, name)(*((x[0], x) if name == "vecmat" else
                                             (x, x[0]) if name == "matvec" else (x, x)),
                                           dtype=np.float32), i)  # fmt: skip


@pytest.mark.parametrize("dtype", ["float64", "complex128", "int8", "bool"])
@pytest.mark.parametrize(
    "kw",
    [{}, {"axis": 0}, {"axis": -2}, {"axis": 1}, {"axis": 0, "keepdims": True},
     {"keepdims": True}, {"axes": [(0,), (0,)]}, {"axes": [0, 0, ()]}, {"axes": [0, 0, 0]},
     {"axes": [(1,), (1,), (0,)], "keepdims": True}, {"axes": [0, 0], "keepdims": True},
     {"axes": [0, 0], "axis": 0}, {"axes": [0, 0, (0,)]}, {"axis": 3}, {"axis": (0,)},
     {"axis": None}],
    ids=str,
)  # fmt: skip
def test_vecdot_axis_axes_keepdims(kw, dtype):
    a, b = sample(dtype, (3, 2, 4), seed=1), sample(dtype, (3, 1, 4), seed=2)
    run_both(lambda m, a, b: m.vecdot(a, b, **kw), a, b)
    run_both(lambda m, a, b: m.vecdot(a, b[:, 0], **kw), a, b)


def test_vecdot_conjugates_the_first_operand():
    a = sample(np.complex128, (3, 4), seed=1)
    b = sample(np.complex128, (3, 4), seed=2)
    run_both(lambda m, a, b: m.vecdot(a, b, axis=0), a, b)
    run_both(lambda m, a, b: m.vecdot(a, b, axes=[(0,), (0,)]), a, b)
    run_both(lambda m, a, b: m.vecmat(a[:, 0], b, axes=[(0,), (0, 1), (0,)]), a, b)


@pytest.mark.parametrize(
    "args",
    [((3, 4), (4,)), ((2, 3, 4), (4,)), ((3, 4), (2, 4)), ((3, 4), (3,)), ((4,), (4,)),
     ((), (4,))],
    ids=str,
)  # fmt: skip
def test_matvec_vecmat_shapes_and_axes(args):
    s1, s2 = args
    a, v = sample(np.complex128, s1, seed=1), sample(np.complex128, s2, seed=2)
    run_both(lambda m, a, v: m.matvec(a, v), a, v)
    run_both(lambda m, a, v: m.vecmat(v, a), a, v)
    if a.ndim >= 2:
        at = np.moveaxis(a, (-2, -1), (0, 1))
        run_both(lambda m, a, v: m.matvec(a, v, axes=[(0, 1), (-1,), (0,)]), at, v)
        run_both(lambda m, a, v: m.vecmat(v, a, axes=[-1, (1, 0), 0]), at, v)


@pytest.mark.parametrize("shapes", [((3, 4), (4, 3)), ((), (3,)), ((2, 4), (3, 4))], ids=str)
def test_vecdot_core_and_loop_shape_errors(shapes):
    a, b = sample(np.float64, shapes[0]), sample(np.float64, shapes[1])
    run_both(lambda m, a, b: m.vecdot(a, b), a, b)


@arrax_only
def test_gufuncs_under_transforms():
    import arrax

    a = anp.asarray(sample(np.float64, (2, 3, 4), seed=1))
    b = anp.asarray(sample(np.float64, (2, 4, 5), seed=2))
    v = anp.asarray(sample(np.float64, (4,), seed=3))
    at = anp.swapaxes(a, -1, -2)
    r = arrax.jit(lambda x, y: anp.matmul(x, y, axes=[(-1, -2), (-2, -1), (-1, -2)]))(at, b)
    assert_same(r, np.swapaxes(np.asarray(a) @ np.asarray(b), -1, -2))
    assert_same(arrax.vmap(lambda x: anp.vecdot(x, v, axis=-1))(a), np.asarray(a) @ np.asarray(v))
    g = arrax.grad(lambda x: anp.matvec(x, v, axes=[(0, 1), (0,), (0,)]).sum())(at.swapaxes(0, 2))
    assert_same(g, np.broadcast_to(np.asarray(v)[None, :, None], (3, 4, 2)))
    r = arrax.jit(lambda x: anp.vecmat(v, x, dtype=np.float32))(b)
    assert_same(r, np.vecmat(np.asarray(v), np.asarray(b), dtype=np.float32))
    assert anp.matmul(a, b, preferred_element_type=np.float32).dtype == np.float32


# --------------------------------------------------------------------------------------------
# var / std with a complex dtype=


@pytest.mark.parametrize("fname", ["var", "std", "nanvar", "nanstd"])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "bool", "complex128"])
@pytest.mark.parametrize("rdtype", [np.complex64, np.complex128, complex])
def test_var_std_complex_dtype(fname, dtype, rdtype):
    a = sample(dtype, (3, 4))
    # (NumPy's nanvar subtracts the mean in the data's own dtype: float32 deviations)
    t = 1e6 if fname.startswith("nan") and dtype == "float32" else 1.0
    run_both(lambda m, a: getattr(m, fname)(a, dtype=rdtype), a, tol_scale=t)
    run_both(lambda m, a: getattr(m, fname)(a, axis=0, dtype=rdtype, ddof=1), a, tol_scale=t)
    run_both(lambda m, a: getattr(m, fname)(a, 1, rdtype, keepdims=True), a, tol_scale=t)
    run_both(lambda m, a: getattr(a, fname)(dtype=rdtype) if fname in ("var", "std") else
             getattr(m, fname)(a, dtype=rdtype, where=a != 0), a, tol_scale=t)  # fmt: skip


@pytest.mark.parametrize("fname", ["var", "std"])
def test_var_std_complex_dtype_edges(fname):
    a = sample(np.float64, (4,))
    run_both(lambda m, a: getattr(m, fname)(a, dtype=complex, ddof=4), a)  # 0 / 0
    run_both(lambda m, a: getattr(m, fname)(a, dtype=complex, ddof=5), a)
    run_both(lambda m, a: getattr(m, fname)(np.ones(3), dtype=complex), a)
    run_both(lambda m, a: getattr(m, fname)(a, dtype=complex, out=m.zeros((), complex)), a)


# --------------------------------------------------------------------------------------------
# clip with Python int bounds


BIG = [-1000, 1000, 200, -1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63) - 1, 2**70, -(2**70)]


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64", "uint64", "float16", "float64",
                                   "complex64"])  # fmt: skip
@pytest.mark.parametrize("lo", [None, 1, *BIG], ids=str)
@pytest.mark.parametrize("hi", [None, 3, *BIG], ids=str)
def test_clip_python_int_bounds(dtype, lo, hi):
    a = np.arange(-2, 5).astype(dtype) if dtype[0] != "u" else np.arange(7).astype(dtype)
    run_both(lambda m, a: m.clip(a, lo, hi), a)
    run_both(lambda m, a: m.clip(a, min=lo, max=hi), a)
    run_both(lambda m, a: a.clip(lo, hi), a)


def test_clip_python_int_bounds_other_forms():
    run_both(lambda m: m.clip([1, 2, 3], -(2**70), 2))
    run_both(lambda m: m.clip(m.arange(5, dtype=np.int8), a_min=-(2**70), a_max=2))
    run_both(lambda m: m.clip(m.arange(5, dtype=np.int8), -(2**70), 2, m.zeros(5, np.int8)))
    run_both(lambda m: m.clip(m.arange(5.0), 10**400, None))


@arrax_only
def test_clip_python_int_bounds_under_jit():
    import arrax

    r = arrax.jit(lambda x: anp.clip(x, -(2**70), 3))(anp.arange(5, dtype=np.int8))
    assert_same(r, np.clip(np.arange(5, dtype=np.int8), -(2**70), 3))
