"""Behaviours JAX's own lax_control_flow_test, lax_vmap_test, custom_linear_solve_test and
tree_util_test found wrong in arrax, each checked against JAX (x64):

* a debug callback (``debug.print`` / ``debug.callback`` / ``io_callback``) whose operands are
  all concrete is staged into the trace being built: it runs on every call of a cached jit,
  on every iteration of a loop body, once for an eager ``custom_linear_solve`` (whose matvec
  is traced twice), and not at all under ``eval_shape`` (it ran once, while tracing);
* ``conv_general_dilated`` with ``batch_group_count > 1`` (was NotImplementedError), also
  under jit, grad and vmap, with JAX's ValueErrors for a bad count;
* ``associative_scan`` with a non-callable fn (TypeError) or an axis out of bounds
  (ValueError): it raised ZeroDivisionError or wrapped the axis around;
* the control-flow functions' "should be callable" TypeErrors and custom_linear_solve's
  "transpose_solve required" TypeError name what JAX's name;
* ``flatten_util.ravel_pytree``'s unravel casts a complex vector back to a real leaf without
  a ComplexWarning, as JAX's."""

import contextlib
import io
import warnings
from functools import partial

import arrax
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

jax = pytest.importorskip("jax")
pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature (JAX API)"),
    pytest.mark.usefixtures("jax_x64"),
]


def same(got, want, rtol=None, atol=0.0):
    """Same structure, shapes, dtypes and values (exactly, or to rtol)."""
    assert jax.tree_util.tree_structure(got) == jax.tree_util.tree_structure(want)
    for g, w in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
        if rtol is None:
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def printed(lib, run):
    """The lines run(lib) prints (lib's effects flushed), sorted: JAX runs unordered callbacks
    in no promised order relative to ordered ones (arrax keeps program order)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run(lib)
        lib.effects_barrier()
    return sorted(out.getvalue().splitlines())


# --- debug callbacks with no traced operand are staged -----------------------------------


def _noarg_effects(lib):
    lib.debug.callback(lambda: print("callback"), ordered=True)
    lib.debug.print("print {}", 3)
    lib.debug.callback(lambda: print("unordered"))


def _cached_jit(lib):
    def f(x):
        _noarg_effects(lib)
        return x * 2

    g = lib.jit(f)
    for _ in range(3):
        g(lib.numpy.ones(2))


def _fori_body(lib):
    def body(i, x):
        lib.debug.print("step")
        return x + 1

    lib.lax.fori_loop(0, 3, body, lib.numpy.ones(2))


def _fori_under_jit(lib):
    def body(i, x):
        lib.debug.callback(lambda: print("body"))
        return x + 1

    f = lib.jit(lambda x: lib.lax.fori_loop(0, 2, body, x))
    f(1.0)
    f(2.0)


def _scan_and_cond(lib):
    def step(c, x):
        lib.debug.print("scan")
        return c + x, None

    lib.lax.scan(step, 0.0, lib.numpy.arange(3.0))
    lib.lax.cond(True, lambda x: (lib.debug.print("true"), x)[1], lambda x: x, 1.0)


def _custom_linear_solve(lib):
    # JAX's test_custom_linear_solve_ordered_effects: matvec prints once per solve
    def mat_vec(v):
        lib.debug.callback(lambda: print("mat_vec"), ordered=True)
        return v

    def solve(b):
        return lib.lax.custom_linear_solve(mat_vec, b, lambda matvec, x: matvec(x))

    b = np.arange(4.0)
    solve(b)
    lib.jit(solve)(b)


def _eval_shape(lib):
    def f(x):
        lib.debug.print("eval_shape")
        return x + 1

    lib.eval_shape(f, lib.numpy.ones(3))


def _io_callback(lib):
    def f(x):
        lib.experimental.io_callback(
            lambda: print("io") or np.float64(1.0), np.float64(0), ordered=True
        )
        return x

    g = lib.jit(f)
    g(1.0)
    g(2.0)


@pytest.mark.parametrize(
    "run",
    [_cached_jit, _fori_body, _fori_under_jit, _scan_and_cond, _custom_linear_solve, _eval_shape],
    ids=lambda f: f.__name__.strip("_"),
)
def test_debug_callback_without_traced_operands_is_staged(run):
    want = printed(jax, run)
    assert printed(arrax, run) == want


def test_io_callback_without_traced_operands_runs_each_call():
    import jax.experimental  # noqa: F401

    want = printed(jax, _io_callback)
    assert want == ["io", "io"]
    assert printed(arrax, _io_callback) == want


# --- conv_general_dilated with batch_group_count ---------------------------------------------

BGC_CASES = [
    (2, ("NCHW", "OIHW", "NCHW"), (4, 3, 6, 7), (4, 3, 1, 2), "SAME"),
    (3, ("NHWC", "HWIO", "NHWC"), (6, 5, 4, 2), (2, 3, 2, 6), ((1, 0), (0, -1))),
    (2, ("NHWC", "OIHW", "NCHW"), (4, 6, 7, 3), (6, 3, 2, 2), "VALID"),
    (2, None, (4, 3, 6), (4, 3, 2), "SAME"),
    (2, None, (2, 2, 3, 3, 3), (2, 2, 2, 1, 2), "VALID"),
]


@pytest.mark.parametrize("case", BGC_CASES, ids=lambda c: f"G{c[0]}_{len(c[2])}d")
def test_conv_batch_group_count_like_jax(case):
    groups, dn, lhs_shape, rhs_shape, padding = case
    rng = np.random.default_rng(0)
    x = rng.standard_normal(lhs_shape).astype(np.float32)
    w = rng.standard_normal(rhs_shape).astype(np.float32)
    kw = dict(
        window_strides=(1,) * (len(lhs_shape) - 2),
        padding=padding,
        dimension_numbers=dn,
        batch_group_count=groups,
    )
    want = jax.lax.conv_general_dilated(x, w, **kw)
    same(arrax.lax.conv_general_dilated(x, w, **kw), want, rtol=1e-5, atol=1e-5)
    same(arrax.jit(partial(arrax.lax.conv_general_dilated, **kw))(x, w), want, 1e-5, 1e-5)

    def loss(lib):
        return lambda x, w: (lib.lax.conv_general_dilated(x, w, **kw) ** 2).sum()

    same(arrax.grad(loss(arrax), (0, 1))(x, w), jax.grad(loss(jax), (0, 1))(x, w), 1e-4, 1e-4)


def test_conv_batch_group_count_under_vmap_like_jax():
    # lax_vmap_test's testConvGeneralDilatedBatching with batch_group_count=2
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4, 2, 6, 7))  # vmapped axis 0
    w = rng.standard_normal((2, 2, 1, 2))
    kw = dict(
        window_strides=(1, 2),
        padding=((1, 0), (0, 1)),
        lhs_dilation=(2, 1),
        dimension_numbers=("NCHW", "OIHW", "NCHW"),
        batch_group_count=2,
    )
    got = arrax.vmap(partial(arrax.lax.conv_general_dilated, **kw), (0, None))(x, w)
    want = jax.vmap(partial(jax.lax.conv_general_dilated, **kw), (0, None))(x, w)
    same(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "kw, rhs_in",
    [(dict(batch_group_count=3), 6), (dict(batch_group_count=2, feature_group_count=3), 2)],
    ids=["not_dividing", "with_feature_groups"],
)
def test_conv_batch_group_count_errors_like_jax(kw, rhs_in):
    x = np.ones((4, 6, 5, 5), np.float32)
    w = np.ones((6, rhs_in, 1, 1), np.float32)
    with pytest.raises(ValueError):
        jax.lax.conv_general_dilated(x, w, (1, 1), "VALID", **kw)
    with pytest.raises(ValueError, match="conv_general_dilated"):
        arrax.lax.conv_general_dilated(x, w, (1, 1), "VALID", **kw)


# --- associative_scan's argument errors ---------------------------------------------------


def test_associative_scan_not_callable_like_jax():
    for lib in (jax, arrax):
        with pytest.raises(TypeError, match="lax.associative_scan.*callable"):
            lib.lax.associative_scan(42, np.ones(3))


@pytest.mark.parametrize(
    "elems, axis",
    [(np.float32(1.0), 0), (np.ones(3), 1), (np.ones(3), -2), (np.ones((2, 3)), 2)],
    ids=["0d", "axis_1_of_1d", "axis_-2_of_1d", "axis_2_of_2d"],
)
def test_associative_scan_axis_out_of_bounds_like_jax(elems, axis):
    with pytest.raises(ValueError):
        jax.lax.associative_scan(lambda a, b: a + b, elems, axis=axis)
    with pytest.raises(ValueError, match="associative_scan: axis"):
        arrax.lax.associative_scan(lambda a, b: a + b, elems, axis=axis)


# --- JAX's messages for callables and transpose_solve --------------------------------------

CALLABLE_ERRORS = [
    ("lax.while_loop.*callable", lambda lax: lax.while_loop(42, 42, 0)),
    ("lax.switch:.*callable", lambda lax: lax.switch(0, [42])),
    ("lax.cond.*callable", lambda lax: lax.cond(0, 42, 42)),
    ("lax.scan.*callable", lambda lax: lax.scan(42, 0, 1)),
]


@pytest.mark.parametrize("pattern, call", CALLABLE_ERRORS, ids=[p[0] for p in CALLABLE_ERRORS])
def test_control_flow_not_callable_messages_like_jax(pattern, call):
    # lax_control_flow_test.testCallableErrors
    for lib in (jax, arrax):
        with pytest.raises(TypeError, match=pattern):
            call(lib.lax)


def test_custom_linear_solve_without_transpose_solve_message_like_jax():
    # custom_linear_solve_test.test_custom_linear_solve_without_transpose_solve
    a = np.array([[2.0, 1.0], [0.5, 3.0]])
    b = np.array([1.0, -1.0])

    def loss(lib):
        def solve(matvec, x):
            return lib.lax.stop_gradient(lib.numpy.linalg.solve(a, x))

        return lambda b: lib.numpy.sum(lib.lax.custom_linear_solve(lambda x: a @ x, b, solve))

    for lib in (jax, arrax):
        with pytest.raises(TypeError, match="transpose_solve required"):
            lib.grad(loss(lib))(b)


# --- ravel_pytree's unravel of complex values into real leaves -----------------------------


def test_unravel_complex_to_real_leaf_without_warning_like_jax():
    import jax.flatten_util

    def run(lib, fu):
        tree = [
            lib.numpy.array([1.5], lib.numpy.float32),
            lib.numpy.array([[1, 2 + 3j]], lib.numpy.complex64),
        ]
        flat, unravel = fu.ravel_pytree(tree)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return flat, unravel(flat)

    want = run(jax, jax.flatten_util)
    same(run(arrax, arrax.flatten_util), want)


# --- lax.reduce_and / reduce_or of integers, lax.reduce max/min over an empty axis --------

INT_DTYPES = [np.int8, np.int32, np.uint8, np.uint64]


@pytest.mark.parametrize("name", ["reduce_and", "reduce_or"])
@pytest.mark.parametrize("dtype", INT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize(
    "shape, axes", [((3, 4, 5), (1,)), ((3, 4, 5), (0, 2)), ((3, 0, 5), (1,)), ((3, 4), ())]
)
def test_reduce_and_or_of_integers_like_jax(name, dtype, shape, axes):
    # lax_test.testReduceOpsAgainstNumpy's records (lax_test_util.lax_named_reduce_ops)
    x = np.random.default_rng(2).integers(0, 120, shape).astype(dtype)
    want = getattr(jax.lax, name)(x, axes)
    same(getattr(arrax.lax, name)(x, axes), want)
    same(arrax.jit(lambda v: getattr(arrax.lax, name)(v, axes))(x), want)


@pytest.mark.parametrize("name", ["reduce_and", "reduce_or"])
def test_reduce_and_or_of_integers_under_vmap_like_jax(name):
    x = np.random.default_rng(3).integers(0, 1000, (4, 3, 5)).astype(np.int32)
    f = lambda lib: lib.vmap(lambda v: getattr(lib.lax, name)(v, (1,)))  # noqa: E731
    same(f(arrax)(x), f(jax)(x))


@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize(
    "dtype", [np.float32, np.int64, np.uint32, np.bool_], ids=lambda d: np.dtype(d).name
)
def test_reduce_max_min_over_an_empty_axis_is_the_init_like_jax(op, dtype):
    x = np.zeros((3, 0, 5), dtype)
    init = np.array(1, dtype)

    def f(lib):
        return lambda v: lib.lax.reduce(v, init, getattr(lib.lax, op), (1,))

    want = f(jax)(x)
    same(f(arrax)(x), want)
    same(arrax.jit(f(arrax))(x), want)
