"""Shape manipulation of arrax.numpy against NumPy: reshape, transpose, swapaxes, moveaxis,
squeeze, expand_dims, ravel, flatten, broadcast_to, broadcast_arrays, concatenate, stack,
hstack, vstack, astype, where, clip -- values, dtypes, errors and view semantics."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import (
    ALL_DTYPES,
    BFLOAT16,
    Failures,
    anp,
    array_cases,
    assert_same,
    dtype_id,
    run_both,
    sample,
)

A24 = np.arange(24.0).reshape(2, 3, 4)


def writes_through(op, idx=(0,), value=-7.0):
    """fn for run_both: take a view with ``op``, write through it, return the base."""

    def f(xp, a):
        v = op(xp, a)
        v[idx] = value
        return a

    return f


# --------------------------------------------------------------------------------------
# reshape / ravel / flatten
# --------------------------------------------------------------------------------------

RESHAPES = [
    ((24,), (3, 8)),
    ((24,), (-1,)),
    ((2, 3, 4), (4, -1)),
    ((2, 3, 4), (2, -1, 3)),
    ((2, 3, 4), (24,)),
    ((2, 3, 4), (1, 24, 1)),
    ((), (1,)),
    ((1,), ()),
    ((1, 1), ()),
    ((), (-1,)),
    ((0, 3), (3, 0)),
    ((0, 3), (-1,)),
    ((0, 3), (0, -1)),
    ((2, 3, 4), (5, 5)),  # wrong size
    ((2, 3, 4), (-1, -1)),  # two unknowns
    ((2, 3, 4), (5, -1)),  # not divisible
    ((2, 3), (-2, 3)),  # invalid negative
]


@pytest.mark.parametrize("src,dst", RESHAPES, ids=str)
def test_reshape(src, dst):
    x = np.arange(int(np.prod(src)), dtype=np.int32).reshape(src)
    run_both(lambda xp, a: xp.reshape(a, dst), x)
    run_both(lambda xp, a: a.reshape(dst), x)
    if len(dst) > 0:
        run_both(lambda xp, a: a.reshape(*dst), x)


def test_reshape_order_c_and_int_shape():
    run_both(lambda xp, a: xp.reshape(a, (4, 6), order="C"), A24)
    run_both(lambda xp, a: a.reshape(6, 4, order="C"), A24)
    run_both(lambda xp, a: xp.reshape(a, 24), A24)
    run_both(lambda xp, a: a.reshape(-1), A24)


def test_reshape_non_contiguous():
    run_both(lambda xp, a: a.T.reshape(-1), A24)
    run_both(lambda xp, a: a[:, ::-1, ::2].reshape(3, 4), A24)
    run_both(lambda xp, a: xp.reshape(a[..., 1], (3, 2)), A24)


def test_reshape_is_a_view():
    run_both(writes_through(lambda xp, a: a.reshape(4, 6), (1, 2)), A24)
    run_both(writes_through(lambda xp, a: xp.reshape(a, (-1,)), 5), A24)
    run_both(writes_through(lambda xp, a: a[1].reshape(12), 3), A24)
    # a reshape of a view that can still be expressed with strides
    run_both(writes_through(lambda xp, a: a[:, ::2].reshape(4, 4), (3, 1)), A24)


def test_ravel_and_flatten():
    for op in (lambda xp, a: xp.ravel(a), lambda xp, a: a.ravel(), lambda xp, a: a.flatten()):
        run_both(op, A24)
        run_both(lambda xp, a, op=op: op(xp, a.transpose(1, 0, 2)[::-1]), A24)
        run_both(op, np.array(5.0))
        run_both(op, np.zeros((0, 2)))


def test_ravel_of_contiguous_is_view_flatten_is_copy():
    run_both(writes_through(lambda xp, a: a.ravel(), 7), A24)
    run_both(writes_through(lambda xp, a: xp.ravel(a), 7), A24)
    run_both(writes_through(lambda xp, a: a.flatten(), 7), A24)


# --------------------------------------------------------------------------------------
# transpose / swapaxes / moveaxis
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "axes",
    [None, (0, 1, 2), (2, 0, 1), (1, 0, 2), (-1, 0, -2), (0, 1), (0, 0, 1), (0, 1, 3)],
    ids=str,
)
def test_transpose(axes):
    run_both(lambda xp, a: xp.transpose(a, axes), A24)
    run_both(lambda xp, a: a.transpose(axes), A24)
    if axes is not None and len(axes) == 3:
        run_both(lambda xp, a: a.transpose(*axes), A24)


def test_T_and_transpose_of_low_dims():
    for x in (np.array(3.0), np.arange(5.0), np.arange(6).reshape(2, 3), A24):
        run_both(lambda xp, a: a.T, x)
        run_both(lambda xp, a: a.transpose(), x)


def test_transpose_is_a_view():
    run_both(writes_through(lambda xp, a: a.T, (1, 2, 0)), A24)
    run_both(writes_through(lambda xp, a: a.transpose(), (3, 0, 1)), A24)
    run_both(writes_through(lambda xp, a: xp.transpose(a, (1, 2, 0)), (2, 3, 1)), A24)
    run_both(writes_through(lambda xp, a: a.transpose(2, 0, 1)[1:], (0, 1)), A24)


@pytest.mark.parametrize(
    "a1,a2", [(0, 2), (2, 0), (1, 1), (-1, 0), (0, -3), (0, 3), (-4, 1)], ids=str
)
def test_swapaxes(a1, a2):
    run_both(lambda xp, a: xp.swapaxes(a, a1, a2), A24)
    run_both(lambda xp, a: a.swapaxes(a1, a2), A24)


@pytest.mark.parametrize(
    "src,dst",
    [
        (0, -1),
        (-1, 0),
        (1, 1),
        ([0, 1], [-1, -2]),
        ((0, 2), (2, 0)),
        ([], []),
        (3, 0),
        ([0, 0], [1, 2]),
        ([0, 1], [2]),
    ],
    ids=str,
)
def test_moveaxis(src, dst):
    run_both(lambda xp, a: xp.moveaxis(a, src, dst), A24)


def test_swapaxes_moveaxis_are_views():
    run_both(writes_through(lambda xp, a: xp.swapaxes(a, 0, 2), (3, 1, 0)), A24)
    run_both(writes_through(lambda xp, a: xp.moveaxis(a, 0, -1), (1, 3, 1)), A24)


# --------------------------------------------------------------------------------------
# squeeze / expand_dims
# --------------------------------------------------------------------------------------

B = np.arange(6.0).reshape(1, 2, 1, 3, 1)


@pytest.mark.parametrize("axis", [None, 0, 2, -1, (0, 2), (0, -1, 2), 1, (0, 1), 5, -6], ids=str)
def test_squeeze(axis):
    run_both(lambda xp, a: xp.squeeze(a, axis=axis), B)
    run_both(lambda xp, a: a.squeeze(axis), B)


def test_squeeze_edge_cases():
    run_both(lambda xp, a: xp.squeeze(a), np.array(4.0))
    run_both(lambda xp, a: xp.squeeze(a), np.ones((1, 1)))
    run_both(lambda xp, a: xp.squeeze(a), np.ones((0, 1, 2)))
    run_both(writes_through(lambda xp, a: xp.squeeze(a), (1, 2)), B)


@pytest.mark.parametrize(
    "axis", [0, 1, 3, -1, -4, (0, 2), (0, -1), (-1, 1, 0), 4, -5, (0, 0)], ids=str
)
def test_expand_dims(axis):
    run_both(lambda xp, a: xp.expand_dims(a, axis), A24)


def test_expand_dims_zero_dim_and_view():
    run_both(lambda xp, a: xp.expand_dims(a, 0), np.array(2.0))
    run_both(lambda xp, a: xp.expand_dims(a, (0, 1)), np.array(2.0))
    run_both(writes_through(lambda xp, a: xp.expand_dims(a, 1), (0, 0, 2, 3)), A24)


# --------------------------------------------------------------------------------------
# broadcasting
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "src,dst",
    [
        ((3,), (2, 3)),
        ((1, 3), (4, 3)),
        ((), (2, 2)),
        ((2, 1), (2, 5)),
        ((3,), (3,)),
        ((1,), (0,)),
        ((3,), (4,)),
        ((2, 3), (3,)),
        ((3,), (2, 0)),
    ],
    ids=str,
)
def test_broadcast_to(src, dst):
    x = np.arange(int(np.prod(src)), dtype=np.int16).reshape(src)
    run_both(lambda xp, a: xp.broadcast_to(a, dst), x)


def test_broadcast_to_scalar_and_int_shape():
    run_both(lambda xp: xp.broadcast_to(5, (2, 3)))
    run_both(lambda xp, a: xp.broadcast_to(a, 4), np.array([1.5]))


@pytest.mark.parametrize(
    "shapes",
    [[(3,), (2, 3)], [(2, 1), (1, 4), ()], [(5,)], [(0, 1), (1, 3)], [(2,), (3,)]],
    ids=str,
)
def test_broadcast_arrays(shapes):
    arrays = [
        np.arange(int(np.prod(s)), dtype=np.float32).reshape(s) + i for i, s in enumerate(shapes)
    ]

    def f(xp, *arrs):
        return list(xp.broadcast_arrays(*arrs))

    run_both(f, *arrays)


# --------------------------------------------------------------------------------------
# joining
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1, 2, -3, None], ids=str)
def test_concatenate(axis):
    x = np.arange(6).reshape(2, 3)
    y = np.arange(6, 12).reshape(2, 3)
    z = np.arange(4).reshape(2, 2)
    run_both(lambda xp, a, b: xp.concatenate([a, b], axis=axis), x, y)
    run_both(lambda xp, a, b: xp.concatenate((a, b, a), axis=axis), x, y)
    run_both(lambda xp, a, b: xp.concatenate([a, b], axis=axis), x, z)
    run_both(lambda xp, a: xp.concatenate([a], axis=axis), x)


def test_concatenate_promotes_and_handles_empty():
    run_both(
        lambda xp, a, b: xp.concatenate([a, b]), np.arange(3, dtype=np.int8), np.ones(2, np.float32)
    )
    run_both(
        lambda xp, a, b: xp.concatenate([a, b]), np.arange(3, dtype=np.uint8), np.ones(2, np.int8)
    )
    run_both(lambda xp, a, b: xp.concatenate([a, b]), np.array([True]), np.arange(2))
    run_both(lambda xp, a, b: xp.concatenate([a, b], axis=0), np.zeros((0, 3)), np.ones((2, 3)))
    run_both(lambda xp, a: xp.concatenate([a, [4, 5]]), np.arange(3))
    run_both(lambda xp, a: xp.concatenate([a[::-1], a[::2]]), np.arange(6.0))


def test_concatenate_errors():
    run_both(lambda xp: xp.concatenate([]))
    run_both(lambda xp, a: xp.concatenate([a, a]), np.array(1.0))
    run_both(lambda xp, a, b: xp.concatenate([a, b]), np.ones((2, 3)), np.ones(3))


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3, 3, -4], ids=str)
def test_stack(axis):
    x = np.arange(6).reshape(2, 3)
    y = np.arange(6, 12).reshape(2, 3).astype(np.float32)
    run_both(lambda xp, a, b: xp.stack([a, b], axis=axis), x, y)
    run_both(lambda xp, a, b: xp.stack((a, b, a), axis=axis), x, y)


def test_stack_misc():
    run_both(lambda xp, a, b: xp.stack([a, b]), np.array(1.0), np.array(2))
    run_both(lambda xp, a, b: xp.stack([a, b]), np.ones(3), np.ones(4))
    run_both(lambda xp: xp.stack([]))
    run_both(lambda xp, a: xp.stack([a[::-1], a]), np.arange(4))


@pytest.mark.parametrize("fname", ["hstack", "vstack"])
def test_hstack_vstack(fname):
    cases = [
        (np.arange(3), np.arange(3, 5)),
        (np.arange(3), np.arange(3, 6)),
        (np.ones((2, 3)), np.zeros((2, 3))),
        (np.ones((2, 3)), np.zeros((2, 1))),
        (np.ones((2, 3)), np.zeros((1, 3))),
        (np.array(1), np.array(2.5)),
        (np.ones((2, 2, 2)), np.ones((2, 2, 2), dtype=np.int8)),
    ]
    for x, y in cases:
        run_both(lambda xp, a, b: getattr(xp, fname)([a, b]), x, y)
        run_both(lambda xp, a, b: getattr(xp, fname)((a, b, a)), x, y)


# --------------------------------------------------------------------------------------
# astype
# --------------------------------------------------------------------------------------


def astype_source(dtype):
    kind = np.dtype(dtype).kind
    vals = {
        "b": [False, True, True, False, True, False],
        "i": [0, 1, -1, 7, 100, -128],
        "u": [0, 1, 2, 7, 100, 127],
        "f": [0.0, 1.5, 2.75, 7.0, 100.0, 127.25],
        "c": [0, 1.5 + 2j, 2.75 - 1j, 7j, 100, 127.25],
    }[kind]
    return np.array(vals, dtype=dtype)


@pytest.mark.parametrize("src", ALL_DTYPES, ids=dtype_id)
def test_astype_all_pairs(src):
    fails = Failures()
    x = astype_source(src)
    for dst in ALL_DTYPES + [BFLOAT16]:
        with fails.check(f"{src}->{dst}"):
            run_both(lambda xp, a: a.astype(dst), x)
            run_both(lambda xp, a: a[::-2].astype(dst), x)
    fails.raise_if_any()


def test_astype_dtype_specs_and_copy():
    x = np.arange(4)
    for spec in ("float32", np.float32, np.dtype("int8"), "f8", float, int, bool, complex):
        run_both(lambda xp, a: a.astype(spec), x)

    def f(xp, a):
        b = a.astype(a.dtype)
        b[0] = 100
        return a

    run_both(f, x)
    run_both(lambda xp, a: a.astype(np.int64, copy=False), x)


def test_astype_bfloat16_round_trip():
    x = np.array([0.0, 1.5, -2.25, 100.0, 3.140625], dtype=np.float32)
    run_both(lambda xp, a: a.astype(BFLOAT16), x)
    run_both(lambda xp, a: a.astype(BFLOAT16).astype(np.float32), x)


# --------------------------------------------------------------------------------------
# where / clip
# --------------------------------------------------------------------------------------


def test_where_three_arguments():
    c = np.array([[True, False, True, False]])
    x = np.arange(12).reshape(3, 4)
    y = -np.arange(4, dtype=np.float32)
    run_both(lambda xp, cc, a, b: xp.where(cc, a, b), c, x, y)
    run_both(lambda xp, cc, a: xp.where(cc, a, 0), c, x)
    run_both(lambda xp, cc, a: xp.where(cc, 1.5, a), c, x.astype(np.int8))
    run_both(lambda xp, cc, a: xp.where(cc, a, 2), c, x.astype(np.uint8))
    run_both(lambda xp, cc: xp.where(cc, 1, 2), c)
    run_both(lambda xp, cc: xp.where(cc, 1, 2.0), c)
    run_both(lambda xp, a: xp.where(a > 5, a, -a), x)
    run_both(lambda xp, a: xp.where(a % 3, a, 100), x)  # non-bool condition
    run_both(lambda xp, a, b: xp.where(a > 2, a, b), x, np.ones((2, 4)))  # shape mismatch


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_where_dtypes(dtype):
    c = np.array([True, False, True])
    run_both(
        lambda xp, cc, a, b: xp.where(cc, a, b),
        c,
        sample(dtype, (3,)),
        sample(np.int16, (3,), seed=1),
    )
    run_both(lambda xp, cc, a: xp.where(cc, a, 1), c, sample(dtype, (3,)))
    run_both(lambda xp, cc, a: xp.where(cc, a, 0.5), c, sample(dtype, (3,)))


@pytest.mark.parametrize(
    "lo,hi",
    [(2, 8), (2.5, 8.5), (None, 5), (5, None), (8, 2), (np.array([0, 3, 6, 9]), 7), (-100, 100)],
    ids=str,
)
def test_clip(lo, hi):
    x = np.arange(12).reshape(3, 4)
    for dtype in (np.int64, np.float32, np.int8, np.uint8):
        run_both(lambda xp, a: xp.clip(a, lo, hi), x.astype(dtype))
        run_both(lambda xp, a: a.clip(lo, hi), x.astype(dtype))


def test_clip_nan_and_arrays():
    x = np.array([np.nan, -1.0, 0.5, 2.0, np.inf])
    run_both(lambda xp, a: xp.clip(a, 0.0, 1.0), x)
    run_both(lambda xp, a, lo: xp.clip(a, lo, 1.0), x, np.array([0.0, np.nan, 0.0, 0.0, 0.0]))
    run_both(lambda xp, a: xp.clip(a, xp.asarray([0.0]), xp.asarray([[1.0], [3.0]])), x)


# --------------------------------------------------------------------------------------
# hypothesis
# --------------------------------------------------------------------------------------


@st.composite
def reshape_problem(draw):
    case = draw(array_cases(max_dims=4, max_side=4))
    shape = case.np.shape
    # a random new shape with the same size: permute, merge neighbours, add 1s, use -1
    dims = list(draw(st.permutations(shape))) if shape else []
    if len(dims) >= 2 and draw(st.booleans()):
        i = draw(st.integers(0, len(dims) - 2))
        dims[i : i + 2] = [dims[i] * dims[i + 1]]
    if draw(st.booleans()):
        dims.insert(draw(st.integers(0, len(dims))), 1)
    if dims and draw(st.booleans()) and all(d != 0 for d in dims):
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return case, tuple(dims)


@settings(max_examples=40, deadline=None)
@given(reshape_problem())
def test_reshape_random(problem):
    case, shape = problem
    run_both(lambda xp, a: a.reshape(shape), case)


@settings(max_examples=40, deadline=None)
@given(array_cases(max_dims=4, max_side=4), st.data())
def test_transpose_swap_move_random(case, data):
    nd = case.np.ndim
    perm = tuple(data.draw(st.permutations(range(nd))))
    run_both(lambda xp, a: xp.transpose(a, perm), case)
    if nd:
        i, j = data.draw(st.integers(-nd, nd - 1)), data.draw(st.integers(-nd, nd - 1))
        run_both(lambda xp, a: xp.swapaxes(a, i, j), case)
        run_both(lambda xp, a: xp.moveaxis(a, i, j), case)
    new_axis = data.draw(st.integers(-nd - 1, nd))
    run_both(lambda xp, a: xp.expand_dims(a, new_axis), case)
    run_both(lambda xp, a: xp.squeeze(a), case)
    run_both(lambda xp, a: a.ravel(), case)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_concatenate_stack_random(data):
    first = data.draw(array_cases(min_dims=1, max_dims=3, max_side=4))
    shape = first.np.shape
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    other_shape = list(shape)
    other_shape[axis] = data.draw(st.integers(0, 3))
    second = data.draw(array_cases(shape=tuple(other_shape)))
    third = data.draw(array_cases(shape=shape))
    run_both(lambda xp, a, b: xp.concatenate([a, b], axis=axis), first, second)
    run_both(lambda xp, a, b: xp.stack([a, b], axis=axis), first, third)


@settings(max_examples=30, deadline=None)
@given(array_cases(), array_cases(dtypes=[np.dtype(bool)]), st.data())
def test_where_random(x, cond, data):
    dtype = data.draw(st.sampled_from(ALL_DTYPES))
    y = np.ones((), dtype=dtype)
    run_both(lambda xp, c, a, b: xp.where(c, a, b), cond, x, y)


def test_view_results_keep_base_values():
    a = anp.asarray(A24.copy())
    _ = a.reshape(6, 4) + 1
    _ = a.T * 2
    assert_same(a, A24, check_type=False)
