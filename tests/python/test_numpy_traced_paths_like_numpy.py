"""NumPy functions on their traced paths (under jit) and at their edges, checked against NumPy
running the same call eagerly. JAX's lax_numpy_test found each of these wrong in arrax:

* shapes and axes given as NumPy integer arrays (``zeros(np.array([2, 3]))``);
* an operator between an array and a weakly typed traced array of a larger shape
  (``y * where(c, 2.0, 1.0)`` under jit with a 0-d ``y``);
* ``trapezoid`` with an N-d ``x`` and a negative axis; ``geomspace`` with traced ends of any
  sign, complex ones, along any axis; ``roll`` with a traced vector of shifts;
* ``round`` with more decimals than the dtype has powers of ten; ``unwrap`` of small integers;
* ``frexp`` and ``ndarray.view`` under jit; derivatives of every order of ``sinc`` at 0."""

import itertools

import ml_dtypes
import numpy as np
import pytest

from conftest import anp, arrax_only, assert_same, quiet, run_both

FLOATS = [np.float16, np.float32, np.float64]


@pytest.fixture(scope="module")
def arrax():
    import arrax

    return arrax


# --- shapes and axes from integer arrays ------------------------------------------------------


@pytest.mark.parametrize("shape", [np.array([2, 3]), np.array([0]), np.array([], np.int64)])
@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
def test_shape_given_as_an_integer_array(fn, shape):
    got = getattr(anp, fn)(shape)
    want = getattr(np, fn)(shape)
    assert got.shape == want.shape and got.dtype == want.dtype


def test_shape_given_as_a_float_array_is_a_type_error():
    run_both(lambda xp: xp.zeros(np.array([2.0, 3.0])))


@pytest.mark.parametrize("axes", [np.array([2, 0, 1]), np.array([0, 1, 2]), range(3)])
def test_transpose_axes_as_an_array(axes):
    x = np.arange(24.0).reshape(2, 3, 4)
    run_both(lambda xp, a: xp.transpose(a, axes), x)
    run_both(lambda xp, a: xp.permute_dims(a, axes), x)


def test_broadcast_shapes_of_integer_arrays():
    assert anp.broadcast_shapes(np.array([2, 1]), (3,), np.array([1])) == (2, 3)


def test_full_and_reshape_take_array_shapes():
    run_both(lambda xp: xp.full(np.array([2, 2]), 7, np.int8))
    run_both(lambda xp, a: xp.reshape(a, np.array([3, 2])), np.arange(6))


# --- operators with a weakly typed traced operand ---------------------------------------------


@arrax_only
@pytest.mark.parametrize("y_shape", [(), (1,), (2,)])
@pytest.mark.parametrize("op", ["mul", "add", "sub", "truediv", "pow"])
def test_operator_with_a_larger_weak_traced_operand(arrax, op, y_shape):
    import operator

    fn = getattr(operator, op)

    def f(y, n):
        w = anp.where(n > 1, 2.0, 1.0)  # (weakly typed float64 of n's shape)
        return fn(y, w), fn(w, y)

    y = np.full(y_shape, 3.0, np.float32)
    n = np.array([1, 2])
    got = arrax.jit(f)(y, n)
    want = (fn(y, np.where(n > 1, 2.0, 1.0).astype(np.float32)),) * 2
    want = (want[0], fn(np.where(n > 1, 2.0, 1.0).astype(np.float32), y))
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-6)
        assert g.dtype == np.float32 and g.shape == w.shape


@arrax_only
def test_ldexp_of_a_0d_mantissa_under_jit(arrax):
    got = arrax.jit(anp.ldexp)(anp.array(3.0), anp.array([1, 2, -1075, 1100]))
    with quiet():
        assert_same(got, np.ldexp(3.0, np.array([1, 2, -1075, 1100])))


# --- trapezoid, geomspace, roll -----------------------------------------------------------------


@pytest.mark.parametrize(
    "yshape,xshape,axis",
    [
        ((2, 3, 10), (3, 10), -2),
        ((3, 10), (3, 10), -1),
        ((10, 3), (10,), -2),
        ((10, 3), (10,), 0),
        ((2, 3, 4), (2, 3, 4), 1),
        ((2, 3, 4), (3, 4), -3),
    ],
)
def test_trapezoid_with_nd_x_and_negative_axis(yshape, xshape, axis):
    rng = np.random.default_rng(0)
    y, x = rng.standard_normal(yshape), np.cumsum(rng.random(xshape), axis=-1)
    run_both(lambda xp, y, x: xp.trapezoid(y, x, axis=axis), y, x)


@arrax_only
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128, np.int32])
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_geomspace_with_traced_ends(arrax, dtype, axis):
    rng = np.random.default_rng(1)
    start = rng.standard_normal((2, 2)) * 3
    if np.issubdtype(dtype, np.complexfloating):
        start = start + 1j * rng.standard_normal((2, 2))
    else:
        start = np.abs(start) + 1
    start = start.astype(dtype)
    stop = start * (3 + (1j if np.iscomplexobj(start) else 0))
    got = arrax.jit(lambda a, b: anp.geomspace(a, b, 5, axis=axis))(start, stop)
    want = np.geomspace(start, stop, 5, axis=axis)
    np.testing.assert_allclose(np.asarray(got), want, rtol=2e-5)
    assert got.dtype == want.dtype


@arrax_only
def test_geomspace_traced_negative_ends(arrax):
    got = arrax.jit(lambda a, b: anp.geomspace(a, b, 4))(-1.0, -100.0)
    np.testing.assert_allclose(np.asarray(got), np.geomspace(-1.0, -100.0, 4))


@arrax_only
@pytest.mark.parametrize(
    "shift,axis",
    [
        ([1, 2], None),
        ([1, 2], (0, 1)),
        (2, (0, 2)),
        ([1, -2], 1),
        ([1, 2, 3], (0, 1, 2)),
        (5, None),
        (-7, -1),
    ],
)
def test_roll_with_a_traced_shift(arrax, shift, axis):
    x = np.arange(24).reshape(2, 3, 4)
    got = arrax.jit(lambda a, s: anp.roll(a, s, axis))(x, np.array(shift))
    assert_same(got, np.roll(x, np.array(shift), axis))


@arrax_only
def test_roll_with_a_traced_shift_keeps_numpys_errors(arrax):
    x = np.arange(24).reshape(2, 3, 4)
    with pytest.raises(ValueError):
        arrax.jit(lambda a, s: anp.roll(a, s, (0, 1, 2)))(x, np.array([1, 2]))
    with pytest.raises(ValueError, match="roll"):
        arrax.jit(lambda a, s: anp.roll(a, s))(x, np.array([[1]]))


# --- round, unwrap ---------------------------------------------------------------------------


@arrax_only  # (NumPy returns NaN where 10**decimals overflows; arrax the rounded value, as JAX)
@pytest.mark.parametrize(
    "dtype", [*FLOATS, ml_dtypes.bfloat16, np.complex64, np.int8, np.int64, np.uint16]
)
@pytest.mark.parametrize("decimals", [1, 10, 100, 400, 1000, -3, -30, -400, -1000])
def test_round_with_many_decimals(dtype, decimals):
    x = np.array([1.5, 2.25, 3.0, 100.0, 0.0]).astype(dtype)
    got = np.asarray(anp.round(anp.asarray(x), decimals))
    assert got.dtype == x.dtype
    got, x = np.real(got), np.real(x)
    if decimals > 0:  # (NumPy gives NaN once 10**decimals overflows; the value is x itself)
        np.testing.assert_allclose(got.astype(float), x.astype(float), atol=2 * 10.0**-decimals)
    elif decimals <= -30:
        assert (got.astype(float) == 0).all()
    else:
        with quiet():
            want = np.round(x.astype(np.float64), decimals).astype(x.dtype)
        np.testing.assert_array_equal(got, want)


@arrax_only
def test_round_of_nonfinite_values_far_left():
    got = anp.round(anp.array([np.inf, -np.inf, np.nan, -1.5]), -400)
    np.testing.assert_array_equal(np.asarray(got), [np.inf, -np.inf, np.nan, -0.0])
    assert np.signbit(np.asarray(got)[3])


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.uint8, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (4,), (3, 4), (0,), (3, 0)])
@pytest.mark.parametrize("period,discont", [(2 * np.pi, None), (2, None), (4, 2), (np.pi, np.pi)])
def test_unwrap_dtypes_and_shapes(dtype, shape, period, discont):
    x = (np.arange(int(np.prod(shape))).reshape(shape) * 37 % 100).astype(dtype)
    run_both(lambda xp, p: xp.unwrap(p, discont=discont, period=period), x)


# --- frexp and view under jit --------------------------------------------------------------------


@arrax_only
@pytest.mark.parametrize("dtype", [*FLOATS, ml_dtypes.bfloat16, np.int8, np.int64, np.bool_])
def test_frexp_under_jit_matches_eager(arrax, dtype):
    if np.dtype(dtype).kind in "biu":
        x = np.array([0, 1, -3, 7, 100]).astype(dtype)
    else:
        with quiet():
            vals = [-np.inf, np.inf, np.nan, 0.0, -0.0, 1e-7, 3.5, -7.9, 1.0, 0.99999]
            x = np.array(vals + [2.0**-1030, 5e-324, 1e300]).astype(dtype)
    m, e = arrax.jit(anp.frexp)(x)
    if np.dtype(dtype) != ml_dtypes.bfloat16:
        wm, we = np.frexp(x)
    else:
        wm, we = anp.frexp(x)
    np.testing.assert_array_equal(np.asarray(m).astype(float), np.asarray(wm).astype(float))
    np.testing.assert_array_equal(np.asarray(e), np.asarray(we))
    assert m.dtype == wm.dtype and e.dtype == we.dtype


VIEW_DTYPES = [
    np.bool_,
    np.int8,
    np.uint16,
    np.int32,
    np.uint64,
    np.float16,
    ml_dtypes.bfloat16,
    np.float32,
    np.float64,
    np.complex64,
    np.complex128,
]


@arrax_only
@pytest.mark.parametrize("src,dst", list(itertools.product(VIEW_DTYPES, VIEW_DTYPES)))
def test_view_under_jit(arrax, src, dst):
    rng = np.random.default_rng(0)
    for shape in [(2, 8), (8,), ()]:
        if src == np.bool_:
            x = rng.integers(0, 2, shape).astype(bool)
        else:  # (finite values of the source dtype: the bits of small integers)
            x = rng.integers(0, 100, shape).astype(src)
        try:
            want = x.view(dst)
        except ValueError:
            with pytest.raises(ValueError):
                arrax.jit(lambda y: y.view(dst))(x)
            continue
        got = arrax.jit(lambda y: y.view(dst))(x)
        assert got.shape == want.shape and got.dtype == want.dtype
        if np.dtype(dst) == np.bool_:
            np.testing.assert_array_equal(np.asarray(got), want.astype(bool))
        else:
            got_bytes = np.asarray(got).reshape(-1).view(np.uint8)
            np.testing.assert_array_equal(got_bytes, want.reshape(-1).view(np.uint8))


# --- sinc's derivatives at 0 ----------------------------------------------------------------------


@arrax_only
@pytest.mark.parametrize(
    "order,want", [(1, 0.0), (2, -(np.pi**2) / 3), (3, 0.0), (4, np.pi**4 / 5)]
)
def test_sinc_derivatives_at_zero(arrax, order, want):
    def fwd(f):
        return lambda x: arrax.jvp(f, (x,), (1.0,))[1]

    for ops in itertools.combinations_with_replacement([fwd, arrax.grad], order):
        f = anp.sinc
        for op in ops:
            f = op(f)
        np.testing.assert_allclose(float(f(0.0)), want, rtol=1e-12, atol=1e-12)


@arrax_only
def test_sinc_derivative_away_from_zero_and_batched(arrax):
    x = np.array([0.0, 0.5, 1.0, -2.3])
    got = arrax.vmap(arrax.grad(anp.sinc))(x)
    h = 1e-6
    fd = (np.sinc(x + h) - np.sinc(x - h)) / (2 * h)
    np.testing.assert_allclose(np.asarray(got), fd, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.complex128])
def test_sinc_values_and_dtype(dtype):
    x = np.array([0.0, 0.5, -1.0, 2.0, 3.25]).astype(dtype)
    run_both(lambda xp, a: xp.sinc(a), x)


# --- dstack's dtype (jax.numpy's keyword), repeat of a 0-d array to a length -----------------------


@arrax_only
def test_dstack_dtype_keyword():
    got = anp.dstack([np.ones((2, 2)), np.full((2, 2), 2.7)], dtype=np.int32)
    assert got.dtype == np.int32 and got.shape == (2, 2, 2)
    np.testing.assert_array_equal(np.asarray(got)[..., 1], 2)


@arrax_only
def test_repeat_of_0d_to_a_total_length(arrax):
    got = arrax.jit(lambda a, r: anp.repeat(a, r, axis=0, total_repeat_length=3))(
        np.array(2.5), np.array(3)
    )
    np.testing.assert_array_equal(np.asarray(got), [2.5, 2.5, 2.5])


# --- gradient with coordinate arrays (traced ones too) --------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64, np.int32])
@pytest.mark.parametrize("shape", [(5,), (5, 7), (4, 6, 3)])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_with_coordinates(dtype, shape, edge_order):
    rng = np.random.default_rng(0)
    f = (rng.standard_normal(shape) * 3).astype(dtype)
    cdt = np.float32 if dtype == np.complex64 else dtype
    coords = [np.cumsum(rng.random(s) + 0.5 + (dtype == np.int32) * 2).astype(cdt) for s in shape]
    tol = 20.0 if dtype == np.float16 else 1.0
    run_both(lambda xp, f, *c: xp.gradient(f, *c, edge_order=edge_order), f, *coords,
             tol_scale=tol)  # fmt: skip
    even = np.arange(shape[0]) * 2.0  # (evenly spaced: NumPy's uniform formulas)
    run_both(lambda xp, f: xp.gradient(f, even, axis=0, edge_order=edge_order), f, tol_scale=tol)


@arrax_only
@pytest.mark.parametrize("shape", [(5,), (5, 7)])
def test_gradient_with_traced_coordinates(arrax, shape):
    rng = np.random.default_rng(1)
    f = rng.standard_normal(shape)
    coords = [np.cumsum(rng.random(s) + 0.5) for s in shape]
    got = arrax.jit(lambda f, *c: anp.gradient(f, *c))(f, *coords)
    want = np.gradient(f, *coords)
    for g, w in zip(*(((got,), (want,)) if len(shape) == 1 else (got, want))):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-12)


# --- slices with traced bounds: JAX's IndexError, naming dynamic_slice -----------------------


@arrax_only
@pytest.mark.parametrize(
    "fn",
    [
        lambda x, i: x[i : i + 2],
        lambda x, i: x[:, i:],
        lambda x, i: x[::i],
        lambda x, i: x.at[i : i + 2].set(0.0),
        lambda x, i: x.at[:, :i].add(1.0),
        lambda x, i: x.at[i:].get(),
    ],
)
def test_slice_with_a_traced_bound_is_an_index_error(arrax, fn):
    with pytest.raises(IndexError, match="dynamic_slice"):
        arrax.jit(fn)(np.ones((4, 5)), 1)


@arrax_only
def test_slice_bounds_with_values_still_work_under_grad_and_vmap(arrax):
    g = arrax.grad(lambda x, i: x[i : i + 2].sum() + x.at[i:].set(0.0).sum())(np.arange(6.0), 2)
    np.testing.assert_array_equal(np.asarray(g), [1, 1, 1, 1, 0, 0])
    out = arrax.vmap(lambda row: row[1:3])(np.arange(10.0).reshape(2, 5))
    np.testing.assert_array_equal(np.asarray(out), [[1, 2], [6, 7]])


# --- mode="raise" with traced indices: an error, never a silently clamped answer ---------------


@arrax_only
@pytest.mark.parametrize(
    "fn",
    [
        lambda i: anp.choose(i, [np.arange(3), np.arange(3) * 10]),
        lambda i: anp.ravel_multi_index((i, i), (3, 3)),
        lambda i: anp.take(np.arange(3), i, mode="raise"),
    ],
)
def test_mode_raise_with_traced_indices_is_a_concretization_error(arrax, fn):
    from arrax.errors import ConcretizationTypeError

    with pytest.raises(ConcretizationTypeError, match="mode='wrap' or mode='clip'"):
        arrax.jit(fn)(np.array([0, 1, 5]))


@arrax_only
@pytest.mark.parametrize("mode", ["wrap", "clip"])
def test_wrap_and_clip_modes_with_traced_indices(arrax, mode):
    i = np.array([0, 1, 5, -4])
    choices = [np.arange(4), np.arange(4) * 10]
    got = arrax.jit(lambda i: anp.choose(i, choices, mode=mode))(i)
    np.testing.assert_array_equal(np.asarray(got), np.choose(i, choices, mode=mode))
    got = arrax.jit(lambda i: anp.ravel_multi_index((i, i), (3, 3), mode=mode))(i)
    np.testing.assert_array_equal(np.asarray(got), np.ravel_multi_index((i, i), (3, 3), mode=mode))
    got = arrax.jit(lambda i: anp.take(np.arange(3), i, mode=mode))(i)
    np.testing.assert_array_equal(np.asarray(got), np.take(np.arange(3), i, mode=mode))


@arrax_only
def test_mode_raise_keeps_working_where_values_are_known(arrax):
    x = np.array([1.0, 3.0, 2.0])
    g = arrax.grad(lambda x: anp.choose(anp.argmax(x) % 2, [x, 2 * x]).sum())(x)
    np.testing.assert_array_equal(np.asarray(g), [2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="invalid entry"):
        anp.choose(np.array([0, 5]), [np.arange(2), np.arange(2)])


@arrax_only
def test_python_round_of_a_traced_0d_array(arrax):
    jround = arrax.jit(round, static_argnums=1)
    assert int(jround(anp.float32(1.634))) == 2 and jround(anp.float32(1.634)).dtype == np.int64
    np.testing.assert_allclose(float(jround(anp.float32(1.234), 2)), 1.23, rtol=1e-6)
    assert round(anp.float32(2.5)) == 2 and isinstance(round(anp.float32(2.5)), int)


@arrax_only
@pytest.mark.parametrize(
    "fn,name",
    [
        (lambda n: anp.arange(n), "stop"),
        (lambda s: anp.arange(s, 3), "start"),
        (lambda s: anp.arange(0, s), "stop"),
        (lambda s: anp.arange(0, 9, s), "step"),
        (lambda n: anp.linspace(0, 1, n), "num"),
    ],
)
def test_lengths_from_traced_values_name_the_argument(arrax, fn, name):
    from arrax.errors import ConcretizationTypeError

    with pytest.raises(ConcretizationTypeError, match=f"'{name}'"):
        arrax.jit(fn)(3)


def test_linspace_num_types():
    run_both(lambda xp: xp.linspace(0, 1, np.int64(3)))
    run_both(lambda xp: xp.linspace(0, 1, 3.0))
    run_both(lambda xp: xp.linspace(0, 1, -1))


# --- bfloat16 through functions that promote dtypes (NumPy's own promotion rejects it) --------


@arrax_only
@pytest.mark.parametrize(
    "fn,dtype",
    [
        (lambda b: anp.append(b, np.ones(2, np.float16)), np.float32),
        (lambda b: anp.vander(b), np.float64),
        (lambda b: anp.geomspace(b, b + 1, 3), np.float64),
        (lambda b: anp.histogram(b)[1], ml_dtypes.bfloat16),
        (lambda b: anp.quantile(b, 0.3), ml_dtypes.bfloat16),
        (lambda b: anp.concatenate([b, np.ones(2, np.int8)]), np.float32),
    ],
)
def test_bfloat16_through_promoting_functions(fn, dtype):
    b = anp.asarray(np.array([1.0, 2.0, 4.0], ml_dtypes.bfloat16))
    got = fn(b)
    assert got.dtype == dtype
    want = fn(anp.asarray(np.array([1.0, 2.0, 4.0], np.float32))).astype(dtype)
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64), rtol=2e-2)


@arrax_only
def test_bfloat16_round_trips_through_npy_and_npz(tmp_path):
    b = anp.asarray(np.array([0.5, 1.0, -2.0], ml_dtypes.bfloat16))
    anp.save(tmp_path / "b.npy", b)
    got = anp.load(tmp_path / "b.npy")
    assert got.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(np.asarray(got, np.float32), [0.5, 1.0, -2.0])
    anp.savez(tmp_path / "b.npz", b=b, f=anp.ones(2))
    with anp.load(tmp_path / "b.npz") as z:
        assert z["b"].dtype == ml_dtypes.bfloat16 and z["f"].dtype == np.float64


@arrax_only
@pytest.mark.parametrize("fn", ["sum", "prod", "max", "min"])
def test_reduction_initial_must_be_a_scalar(fn):
    x = np.ones((2, 3))
    run_both(lambda xp, a: getattr(xp, fn)(a, initial=np.ones((1, 2, 3))), x)
    run_both(lambda xp, a: getattr(xp, fn)(a, initial=np.array(2.0)), x)
    with pytest.raises(ValueError, match=f"^{fn}: initial must be a scalar"):
        getattr(anp, fn)(anp.asarray(x), initial=np.ones(2))
