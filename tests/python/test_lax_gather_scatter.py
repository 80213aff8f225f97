"""arrax.lax.gather and the scatter family against jax.lax (CPU, 64-bit): values and result
dtypes in every mode (indices out of bounds included), fill values, the errors for bad
dimension numbers, and the transformations (jit against eager, vmap against a Python loop,
grad and jvp against JAX and against central differences).

Each case of GATHER_CASES / SCATTER_CASES goes through every check: adding a case adds
them all."""

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, assert_same

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
import arrax  # noqa: E402
import arrax.numpy as anp  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from arrax import lax as alax  # noqa: E402
from jax import lax as jlax  # noqa: E402

ARRAX = (arrax, anp, alax)
JAX = (jax, jnp, jlax)
SCATTERS = ["scatter", "scatter_add", "scatter_sub", "scatter_mul", "scatter_min", "scatter_max"]
MODES = [None, "clip", "fill", "drop", "promise_in_bounds"]


# name: operand shape, start indices, dimension numbers, slice sizes (and mode, fill_value).
GATHER_CASES = {
    # jax.lax.gather's docstring: x[indices] as a gather.
    "doc_vector": dict(
        shape=(3,), idx=[[0], [1], [1], [2], [2], [2]], dn=((), (0,), (0,)), ss=(1,)
    ),
    # rows of a matrix: x[[2, 0, 3]].
    "rows": dict(shape=(4, 5), idx=[[2], [0], [3]], dn=((1,), (0,), (0,)), ss=(1, 5)),
    # 2-D start indices, 2x3 windows, some windows past the edge.
    "windows_2d": dict(
        shape=(5, 6),
        idx=[[0, 0], [3, 4], [4, 5], [-2, 1], [1, 9]],
        dn=((1, 2), (), (0, 1)),
        ss=(2, 3),
    ),
    # take_along_axis(x, i, axis=1) with the row as a batching dimension.
    "batching_take_along": dict(
        shape=(3, 4),
        idx=[[[1], [3]], [[0], [0]], [[2], [7]]],
        dn=((), (1,), (1,), (0,), (0,)),
        ss=(1, 1),
    ),
    # batching dims not leading, windows along the other dim.
    "batching_windows": dict(
        shape=(4, 2, 3),
        idx=[[[0], [1]], [[2], [3]], [[1], [5]]],
        dn=((2,), (0,), (0,), (2,), (0,)),
        ss=(1, 2, 1),
    ),
    # the offset dimension between the batch dimensions; start_index_map unsorted.
    "interleaved": dict(
        shape=(3, 4, 2),
        idx=[[[1, 2], [0, 3]], [[3, 0], [2, 2]], [[1, 1], [-1, 0]]],
        dn=((1,), (1, 2), (2, 1)),
        ss=(2, 1, 1),
    ),
    # an empty index vector: every window starts at the origin.
    "no_start_index": dict(
        shape=(3, 4), idx=np.zeros((2, 0), np.int32), dn=((1, 2), (), ()), ss=(2, 3)
    ),
    # no indices at all: an empty result.
    "empty": dict(shape=(4, 3), idx=np.zeros((0, 1), np.int32), dn=((1,), (0,), (0,)), ss=(1, 3)),
    "fill_value": dict(
        shape=(6,),
        idx=[[1], [5], [6], [-1]],
        dn=((1,), (), (0,)),
        ss=(2,),
        mode="fill",
        fill=-7,
    ),
}

# name: operand shape, scatter indices, updates shape, dimension numbers (and unique).
SCATTER_CASES = {
    # the docstrings' x.at[indices].add(values).
    "doc_vector": dict(shape=(5,), idx=[[1], [2], [4]], upd=(3,), dn=((), (0,), (0,)), unique=True),
    "rows_duplicated": dict(
        shape=(4, 3), idx=[[2], [0], [2], [7]], upd=(4, 3), dn=((1,), (0,), (0,))
    ),
    "windows_2d": dict(
        shape=(5, 6),
        idx=[[0, 0], [3, 4], [4, 5], [-2, 1], [1, 1]],
        upd=(5, 2, 3),
        dn=((1, 2), (), (0, 1)),
    ),
    "batching_put_along": dict(
        shape=(3, 4),
        idx=[[[1], [3]], [[0], [2]], [[2], [7]]],
        upd=(3, 2),
        dn=((), (1,), (1,), (0,), (0,)),
        unique=True,
    ),
    # window dims leading in the updates; inserted dim last; unsorted index map.
    "interleaved": dict(
        shape=(4, 3, 5),
        idx=[[[2, 1], [0, 0]], [[4, 2], [1, 5]]],
        upd=(2, 2, 2),
        dn=((0,), (1, 2), (2, 1)),
        unique=True,
    ),
    "empty": dict(shape=(4, 3), idx=np.zeros((0, 1), np.int32), upd=(0, 3), dn=((1,), (0,), (0,))),
}

rng = np.random.default_rng(0)


def _values(shape, dtype, seed=0):
    r = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return r.normal(size=shape).astype(dtype)
    if dtype.kind == "b":
        return r.integers(0, 2, size=shape).astype(bool)
    lo = 0 if dtype.kind == "u" else -9
    return r.integers(lo, 10, size=shape).astype(dtype)


def _gdn(L, case):
    return L[2].GatherDimensionNumbers(*case["dn"])


def _sdn(L, case):
    return L[2].ScatterDimensionNumbers(*case["dn"])


def _gather_fn(L, case, mode=None, fill_value=None):
    mode = case.get("mode", mode)
    fill_value = case.get("fill", fill_value)

    def f(x, idx):
        return L[2].gather(x, idx, _gdn(L, case), case["ss"], mode=mode, fill_value=fill_value)

    return f


def _scatter_fn(L, case, op, mode=None):
    def f(x, idx, u):
        return getattr(L[2], op)(
            x, idx, u, _sdn(L, case), mode=mode, unique_indices=case.get("unique", False)
        )

    return f


def _idx(case, dtype=np.int64):
    return np.asarray(case["idx"]).astype(dtype)


def _compare(got, want, rtol=None):
    assert_same(got, np.asarray(want), rtol=rtol, atol=0 if rtol is not None else None)


def _directional_fd(f, args, i, direction, eps=1e-6):
    plus = list(args)
    minus = list(args)
    plus[i] = args[i] + eps * direction
    minus[i] = args[i] - eps * direction
    return (float(f(*plus)) - float(f(*minus))) / (2 * eps)


# --- gather ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "uint8", "bool"])
@pytest.mark.parametrize("case", GATHER_CASES)
def test_gather_matches_jax(case, dtype, mode):
    case = GATHER_CASES[case]
    x = _values(case["shape"], dtype)
    for idx_dtype in (np.int32, np.int64):
        idx = _idx(case, idx_dtype)
        want = _gather_fn(JAX, case, mode)(jnp.asarray(x), jnp.asarray(idx))
        got = _gather_fn(ARRAX, case, mode)(anp.asarray(x), anp.asarray(idx))
        _compare(got, want)


@pytest.mark.parametrize("case", GATHER_CASES)
def test_gather_jit_matches_eager(case):
    case = GATHER_CASES[case]
    x, idx = anp.asarray(_values(case["shape"], "float64")), anp.asarray(_idx(case))
    for mode in MODES:
        f = _gather_fn(ARRAX, case, mode, fill_value=2.5)
        _compare(arrax.jit(f)(x, idx), f(x, idx))


def _stacked_indices(case, n=3):
    """n variants of the case's indices (its index vectors in another order)."""
    idx = _idx(case)
    return np.stack(
        [np.roll(idx, b, axis=0) if idx.ndim > 1 else np.roll(idx, b) for b in range(n)]
    )


@pytest.mark.parametrize("in_axes", [(0, 0), (0, None), (None, 0)])
@pytest.mark.parametrize("case", GATHER_CASES)
def test_gather_vmap_matches_loop(case, in_axes):
    case = GATHER_CASES[case]
    xs = anp.asarray(np.stack([_values(case["shape"], "float64", seed=s) for s in range(3)]))
    idxs = anp.asarray(_stacked_indices(case))
    args = [xs if in_axes[0] == 0 else xs[0], idxs if in_axes[1] == 0 else idxs[0]]
    for mode in ("clip", "fill"):
        f = _gather_fn(ARRAX, case, mode)
        got = arrax.vmap(f, in_axes=in_axes)(*args)
        want = [f(*(a[b] if ax == 0 else a for a, ax in zip(args, in_axes))) for b in range(3)]
        _compare(got, np.stack([np.asarray(w) for w in want]))


def _gather_in_bounds(case):
    """Whether every window of the case lies inside the operand (JAX's fill finds none out)."""
    f = _gather_fn(JAX, dict(case, mode="fill", fill=np.nan))
    return not np.isnan(np.asarray(f(jnp.ones(case["shape"]), jnp.asarray(_idx(case))))).any()


def _gather_loss(L, case, mode, w):
    f = _gather_fn(L, case, mode, fill_value=0.25)

    def loss(x, idx):
        return L[1].sum(L[1].sin(f(x, idx)) * w)

    return loss


@pytest.mark.parametrize("mode", ["clip", "fill", None])
@pytest.mark.parametrize("case", GATHER_CASES)
def test_gather_grad_and_jvp(case, mode):
    case = GATHER_CASES[case]
    x = _values(case["shape"], "float64")
    t = _values(case["shape"], "float64", seed=1)
    idx = _idx(case)
    out_shape = _gather_fn(JAX, case, mode)(jnp.asarray(x), jnp.asarray(idx)).shape
    w = _values(out_shape, "float64", seed=2)
    a_loss, j_loss = (
        _gather_loss(ARRAX, case, mode, anp.asarray(w)),
        _gather_loss(JAX, case, mode, w),
    )
    g = arrax.grad(a_loss)(anp.asarray(x), anp.asarray(idx))
    _, jt = arrax.jvp(lambda x: a_loss(x, anp.asarray(idx)), (anp.asarray(x),), (anp.asarray(t),))
    if mode is not None or _gather_in_bounds(case):
        # JAX's promise_in_bounds gather clamps but its gradient drops: no promise, no match.
        _compare(g, jax.grad(j_loss)(jnp.asarray(x), jnp.asarray(idx)), rtol=1e-12)
        jvp_args = (jnp.asarray(x),), (jnp.asarray(t),)
        _, want = jax.jvp(lambda x: j_loss(x, jnp.asarray(idx)), *jvp_args)
        _compare(jt, want, rtol=1e-12)
    fd = _directional_fd(a_loss, [anp.asarray(x), anp.asarray(idx)], 0, anp.asarray(t))
    np.testing.assert_allclose(float(np.sum(np.asarray(g) * t)), fd, rtol=1e-6, atol=1e-8)


def test_gather_default_mode_clamps_and_fill_defaults():
    """mode=None clamps, as JAX's PROMISE_IN_BOUNDS lowering does; "fill" fills with NaN, the
    minimum (signed), the maximum (unsigned) or True, per dtype, unless fill_value says."""
    case = GATHER_CASES["windows_2d"]
    for dtype in ("float32", "int16", "uint16", "bool"):
        x = _values(case["shape"], dtype)
        idx = _idx(case)
        default = _gather_fn(ARRAX, case)(anp.asarray(x), anp.asarray(idx))
        _compare(default, _gather_fn(ARRAX, case, "clip")(anp.asarray(x), anp.asarray(idx)))
        filled = _gather_fn(ARRAX, case, "fill")(anp.asarray(x), anp.asarray(idx))
        _compare(filled, _gather_fn(JAX, case, "fill")(jnp.asarray(x), jnp.asarray(idx)))
        out_of_bounds = np.asarray(filled)[2]  # the window starting at (4, 5)
        if dtype == "float32":
            assert np.isnan(out_of_bounds).all()
        else:
            expected = {"int16": -32768, "uint16": 65535, "bool": True}[dtype]
            assert (out_of_bounds == expected).all()


@pytest.mark.parametrize(
    "mode", [None, "clip", "fill", "drop", "promise_in_bounds", "CLIP", "FILL_OR_DROP"]
)
def test_mode_parsing_matches_jax(mode):
    """Strings, enum members and None parse as JAX's GatherScatterMode.from_any."""
    if mode in ("CLIP", "FILL_OR_DROP"):
        a, j = alax.GatherScatterMode[mode], jlax.GatherScatterMode[mode]
    else:
        a, j = mode, mode
    assert alax.GatherScatterMode.from_any(a).name == jlax.GatherScatterMode.from_any(j).name
    with pytest.raises(ValueError, match="Unknown gather mode"):
        alax.GatherScatterMode.from_any("wrap")


BAD_GATHERS = {
    "offset_dims unsorted": (((1, 0), (), (0,)), (2, 2)),
    "offset_dims out of range": (((5,), (0,), (0,)), (1, 5)),
    "start_index_map too long": (((1,), (0,), (0, 1)), (1, 5)),
    "start_index_map out of range": (((1,), (0,), (4,)), (1, 5)),
    "collapsed unsorted": (((), (1, 0), (0,)), (1, 1)),
    "collapsed slice size not 1": (((1,), (0,), (0,)), (2, 5)),
    "slice_sizes wrong length": (((1,), (0,), (0,)), (1,)),
    "slice size too big": (((1,), (0,), (0,)), (1, 6)),
    "dims not all accounted": (((), (0,), (0,)), (1, 5)),
    "batching dims lengths differ": (((1,), (), (0,), (0,), ()), (1, 5)),
    "batching overlaps index map": (((1,), (), (0,), (0,), (0,)), (1, 5)),
}


@pytest.mark.parametrize("bad", BAD_GATHERS)
def test_gather_bad_dimension_numbers(bad):
    dn, ss = BAD_GATHERS[bad]
    x, idx = np.zeros((4, 5)), np.zeros((2, 1), np.int32)
    with pytest.raises((TypeError, ValueError)) as want:
        jlax.gather(jnp.asarray(x), jnp.asarray(idx), jlax.GatherDimensionNumbers(*dn), ss)
    with pytest.raises(want.type, match="^gather: "):
        alax.gather(anp.asarray(x), anp.asarray(idx), alax.GatherDimensionNumbers(*dn), ss)


def test_gather_rejects_float_indices():
    dn = alax.GatherDimensionNumbers((), (0,), (0,))
    with pytest.raises(ValueError, match="^gather: indices must have an integer type"):
        alax.gather(anp.arange(3.0), anp.asarray([[1.0]]), dn, (1,))


# --- scatter --------------------------------------------------------------------------------


def _scatter_inputs(case, dtype, seed=0):
    x = _values(case["shape"], dtype, seed)
    u = _values(case["upd"], dtype, seed + 10)
    return x, _idx(case), u


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "uint8"])
@pytest.mark.parametrize("op", SCATTERS)
@pytest.mark.parametrize("case", SCATTER_CASES)
def test_scatter_matches_jax(case, op, dtype, mode):
    case = SCATTER_CASES[case]
    x, idx, u = _scatter_inputs(case, dtype)
    want = _scatter_fn(JAX, case, op, mode)(jnp.asarray(x), jnp.asarray(idx), jnp.asarray(u))
    got = _scatter_fn(ARRAX, case, op, mode)(anp.asarray(x), anp.asarray(idx), anp.asarray(u))
    _compare(got, want)


@pytest.mark.parametrize("op", SCATTERS)
@pytest.mark.parametrize("case", SCATTER_CASES)
def test_scatter_jit_matches_eager(case, op):
    case = SCATTER_CASES[case]
    args = [anp.asarray(a) for a in _scatter_inputs(case, "float64")]
    for mode in (None, "clip"):
        f = _scatter_fn(ARRAX, case, op, mode)
        _compare(arrax.jit(f)(*args), f(*args))


@pytest.mark.parametrize("in_axes", [(0, 0, 0), (None, 0, 0), (0, None, None), (0, 0, None)])
@pytest.mark.parametrize("op", SCATTERS)
@pytest.mark.parametrize("case", SCATTER_CASES)
def test_scatter_vmap_matches_loop(case, op, in_axes):
    case = SCATTER_CASES[case]
    stacks = [np.stack(v) for v in zip(*[_scatter_inputs(case, "float64", s) for s in range(3)])]
    stacks[1] = _stacked_indices(case)
    args = [anp.asarray(s if ax == 0 else s[0]) for s, ax in zip(stacks, in_axes)]
    for mode in (None, "clip"):
        f = _scatter_fn(ARRAX, case, op, mode)
        got = arrax.vmap(f, in_axes=in_axes)(*args)
        want = [f(*(a[b] if ax == 0 else a for a, ax in zip(args, in_axes))) for b in range(3)]
        _compare(got, np.stack([np.asarray(w) for w in want]))


def _scatter_loss(L, case, op, mode, w):
    f = _scatter_fn(L, case, op, mode)

    def loss(x, u, idx):
        return L[1].sum(L[1].sin(f(x, idx, u)) * w)

    return loss


def _scatter_in_bounds(case):
    """Whether every window of the case lies inside the operand (none dropped)."""
    f = _scatter_fn(JAX, case, "scatter_add", "drop")
    ones = jnp.ones(case["upd"])
    return float(jnp.sum(f(jnp.zeros(case["shape"]), jnp.asarray(_idx(case)), ones))) == ones.size


def _jax_gradient_is_right(case, op, mode):
    """JAX differentiates scatter_mul in its updates only with unique_indices=True, and its
    scatter_min/max rule counts the ties of clipped windows as if they were dropped (its
    gradient then disagrees with central differences)."""
    if op == "scatter_mul" and not case.get("unique", False):
        return False
    return not (op in ("scatter_min", "scatter_max") and mode == "clip") or _scatter_in_bounds(case)


@pytest.mark.parametrize("mode", [None, "clip"])
@pytest.mark.parametrize("op", SCATTERS)
@pytest.mark.parametrize("case", SCATTER_CASES)
def test_scatter_grad_and_jvp(case, op, mode):
    case = SCATTER_CASES[case]
    x, idx, u = _scatter_inputs(case, "float64")
    tx, _, tu = _scatter_inputs(case, "float64", seed=1)
    w = _values(case["shape"], "float64", seed=2)
    a_loss, j_loss = (
        _scatter_loss(ARRAX, case, op, mode, anp.asarray(w)),
        _scatter_loss(JAX, case, op, mode, w),
    )
    ax, au, aidx = anp.asarray(x), anp.asarray(u), anp.asarray(idx)
    jx, ju, jidx = jnp.asarray(x), jnp.asarray(u), jnp.asarray(idx)
    gx, gu = arrax.grad(a_loss, argnums=(0, 1))(ax, au, aidx)
    _, jt = arrax.jvp(lambda x, u: a_loss(x, u, aidx), (ax, au), (anp.asarray(tx), anp.asarray(tu)))
    jax_right = _jax_gradient_is_right(case, op, mode)
    if jax_right or op == "scatter_mul":
        _compare(gx, jax.grad(j_loss)(jx, ju, jidx), rtol=1e-12)
    if jax_right:
        _compare(gu, jax.grad(j_loss, argnums=1)(jx, ju, jidx), rtol=1e-12)
        jvp_args = (jnp.asarray(tx), jnp.asarray(tu))
        _, want = jax.jvp(lambda x, u: j_loss(x, u, jidx), (jx, ju), jvp_args)
        _compare(jt, want, rtol=1e-12)
    # Central differences along the tangent direction, for both arguments at once.
    eps = 1e-6
    fd = (
        float(a_loss(ax + eps * anp.asarray(tx), au + eps * anp.asarray(tu), aidx))
        - float(a_loss(ax - eps * anp.asarray(tx), au - eps * anp.asarray(tu), aidx))
    ) / (2 * eps)
    np.testing.assert_allclose(float(jt), fd, rtol=1e-6, atol=1e-8)
    directional = float(np.sum(np.asarray(gx) * tx) + np.sum(np.asarray(gu) * tu))
    np.testing.assert_allclose(directional, fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("op", ["scatter_min", "scatter_max"])
def test_scatter_extremum_ties_share_the_tangent(op):
    """Where updates tie with each other or with the operand, JAX averages their tangents."""
    idx = [[1], [1], [3], [0], [0], [4], [4]]
    case = dict(SCATTER_CASES["doc_vector"], idx=idx, upd=(7,), unique=False)
    x = np.array([0.0, 2.0, 0.0, 5.0, 1.0])
    # ties of updates with the operand (at 1 and 3) and among updates alone (at 0 and 4)
    u = np.array([2.0, 2.0, 5.0, 3.0, 3.0, -1.0, -1.0])
    w = np.arange(1.0, 6.0)
    a = arrax.grad(_scatter_loss(ARRAX, case, op, None, anp.asarray(w)), argnums=(0, 1))
    j = jax.grad(_scatter_loss(JAX, case, op, None, w), argnums=(0, 1))
    got = a(anp.asarray(x), anp.asarray(u), anp.asarray(_idx(case)))
    want = j(jnp.asarray(x), jnp.asarray(u), jnp.asarray(_idx(case)))
    for g, e in zip(got, want):
        _compare(g, e, rtol=1e-12)


def test_scatter_mul_grad_with_an_infinite_update():
    """An update alone at its place has derivative operand * cotangent, even when it is
    infinite (no product of the others is formed by dividing it out)."""
    case = SCATTER_CASES["doc_vector"]
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    u = np.array([np.inf, 2.0, 0.0])

    def grads(L, x, u):
        f = _scatter_fn(L, case, "scatter_mul")
        return L[0].grad(lambda u: L[1].sum(f(x, L[1].asarray(_idx(case)), u)))(u)

    _compare(
        grads(ARRAX, anp.asarray(x), anp.asarray(u)), grads(JAX, jnp.asarray(x), jnp.asarray(u))
    )


def test_scatter_default_mode_drops_whole_windows():
    """Scatter's mode=None drops a window that is partly out of bounds, as "drop" does; "clip"
    moves it in instead."""
    dn = alax.ScatterDimensionNumbers((1,), (), (0,))
    x = anp.zeros(5)
    u = anp.ones((2, 3))
    idx = anp.asarray([[1], [3]])  # the window at 3 would cover 3, 4, 5
    _compare(alax.scatter_add(x, idx, u, dn), [0.0, 1.0, 1.0, 1.0, 0.0])
    _compare(alax.scatter_add(x, idx, u, dn, mode="clip"), [0.0, 1.0, 2.0, 2.0, 1.0])


def test_scatter_rejects_mismatched_updates():
    dn = alax.ScatterDimensionNumbers((), (0,), (0,))
    x, idx = anp.zeros(4), anp.asarray([[1], [2]])
    with pytest.raises(TypeError, match="^scatter_add: operand and updates must have the same"):
        alax.scatter_add(x, idx, anp.ones(2, dtype=anp.float32), dn)
    with pytest.raises(TypeError, match="^scatter_add: updates must be of rank 1"):
        alax.scatter_add(x, idx, anp.ones((2, 1)), dn)
    with pytest.raises(TypeError, match="^scatter: the updates' scatter dimensions"):
        alax.scatter(x, idx, anp.ones(3), dn)
    with pytest.raises(TypeError, match="^scatter_max: the window has 1 dimensions"):
        alax.scatter_max(anp.zeros((4, 2)), idx, anp.ones(2), dn)


BAD_SCATTERS = {
    "update_window_dims unsorted": (((2, 1), (), (0,)), (2, 1, 5)),
    "inserted out of range": (((1,), (3,), (0,)), (2, 5)),
    "index map too long": (((1,), (0,), (0, 1)), (2, 5)),
    "window too big": (((1,), (0,), (0,)), (2, 6)),
    "batching overlaps inserted": (((1,), (0,), (1,), (0,), (0,)), (2, 5)),
}


@pytest.mark.parametrize("bad", BAD_SCATTERS)
def test_scatter_bad_dimension_numbers(bad):
    dn, upd = BAD_SCATTERS[bad]
    x, idx, u = np.zeros((4, 5)), np.zeros((2, 1), np.int32), np.zeros(upd)
    with pytest.raises((TypeError, ValueError)) as want:
        jlax.scatter_add(
            jnp.asarray(x), jnp.asarray(idx), jnp.asarray(u), jlax.ScatterDimensionNumbers(*dn)
        )
    with pytest.raises(want.type, match="^scatter_add: "):
        alax.scatter_add(
            anp.asarray(x), anp.asarray(idx), anp.asarray(u), alax.ScatterDimensionNumbers(*dn)
        )


@pytest.mark.parametrize("mode", [None, "clip"])
@pytest.mark.parametrize("case", ["doc_vector", "rows_duplicated", "batching_put_along"])
def test_scatter_apply_matches_jax(case, mode):
    """func applied once per index that reaches an element (so twice for a duplicate)."""
    case = SCATTER_CASES[case]
    x = _values(case["shape"], "float64")
    idx = _idx(case)
    shape = case["upd"]

    def run(L, x, idx):
        dn = _sdn(L, case)
        return L[2].scatter_apply(x, idx, lambda v: v * 2 + 1, dn, update_shape=shape, mode=mode)

    want = run(JAX, jnp.asarray(x), jnp.asarray(idx))
    _compare(run(ARRAX, anp.asarray(x), anp.asarray(idx)), want)
    _compare(arrax.jit(lambda x, i: run(ARRAX, x, i))(anp.asarray(x), anp.asarray(idx)), want)
    xs = anp.asarray(np.stack([_values(case["shape"], "float64", seed=s) for s in range(3)]))
    idxs = anp.asarray(_stacked_indices(case))
    got = arrax.vmap(lambda x, i: run(ARRAX, x, i))(xs, idxs)
    _compare(got, np.stack([np.asarray(run(ARRAX, xs[b], idxs[b])) for b in range(3)]))


def test_namedtuples_and_exports():
    assert alax.GatherDimensionNumbers._fields == jlax.GatherDimensionNumbers._fields
    assert alax.ScatterDimensionNumbers._fields == jlax.ScatterDimensionNumbers._fields
    assert alax.GatherDimensionNumbers((1,), (0,), (0,)).operand_batching_dims == ()
    for name in ["gather", "scatter_apply", *SCATTERS]:
        assert callable(getattr(alax, name))
