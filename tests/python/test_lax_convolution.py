"""jax.lax's convolutions, reduce_window and the composed lax functions in arrax.lax, against
JAX (float64): layouts, padding kinds, strides, input and kernel dilation, groups,
transposed convolutions, windowed reductions and their gradients."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import lax

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
import jax.lax as jl  # noqa: E402
import jax.numpy as jnp  # noqa: E402

R = np.random.default_rng(0)


def _close(got, want, tol=1e-10):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize(
    "pad", ["SAME", "VALID", "SAME_LOWER", [(1, 2), (0, 1)], [(-1, 1), (2, 0)]]
)
@pytest.mark.parametrize("strides", [(1, 1), (2, 1)])
@pytest.mark.parametrize("ld, rd", [(None, None), ((1, 2), None), (None, (2, 1)), ((2, 1), (1, 2))])
def test_conv_general_dilated(pad, strides, ld, rd):
    if isinstance(pad, str) and ld is not None:
        pytest.skip("JAX takes explicit padding with an input dilation")
    x, w = R.standard_normal((2, 3, 9, 8)), R.standard_normal((4, 3, 3, 2))
    _close(
        lax.conv_general_dilated(anp.asarray(x), anp.asarray(w), strides, pad, ld, rd),
        jl.conv_general_dilated(x, w, strides, pad, ld, rd),
    )


def test_layouts_groups_1d_and_gradients():
    x, w = R.standard_normal((2, 9, 8, 3)), R.standard_normal((3, 2, 3, 4))
    dn = ("NHWC", "HWIO", "NHWC")
    _close(
        lax.conv_general_dilated(
            anp.asarray(x), anp.asarray(w), (1, 2), "SAME", dimension_numbers=dn
        ),
        jl.conv_general_dilated(x, w, (1, 2), "SAME", dimension_numbers=dn),
    )
    xg, wg = R.standard_normal((2, 6, 7, 7)), R.standard_normal((6, 2, 3, 3))
    _close(
        lax.conv_general_dilated(
            anp.asarray(xg), anp.asarray(wg), (1, 1), "SAME", feature_group_count=3
        ),
        jl.conv_general_dilated(xg, wg, (1, 1), "SAME", feature_group_count=3),
    )
    x1, w1 = R.standard_normal((2, 3, 10)), R.standard_normal((5, 3, 3))
    _close(lax.conv(anp.asarray(x1), anp.asarray(w1), (2,), "SAME"), jl.conv(x1, w1, (2,), "SAME"))
    xs, ws = R.standard_normal((2, 3, 9, 8)), R.standard_normal((4, 3, 3, 2))

    def loss(lib, cv):
        return lambda x, w: lib.sum(cv(x, w, (2, 1), "SAME", rhs_dilation=(1, 2)) ** 2)

    ga = arrax.grad(loss(anp, lax.conv_general_dilated), argnums=(0, 1))(
        anp.asarray(xs), anp.asarray(ws)
    )
    gj = jax.grad(loss(jnp, jl.conv_general_dilated), argnums=(0, 1))(xs, ws)
    for a, j in zip(ga, gj):
        _close(a, j, 1e-9)
    f = arrax.jit(lambda x: lax.conv_general_dilated(x, anp.asarray(ws), (1, 1), "VALID"))
    _close(f(anp.asarray(xs)), jl.conv_general_dilated(xs, ws, (1, 1), "VALID"))
    with pytest.raises(ValueError, match="at least one spatial dim"):
        lax.conv_general_dilated(anp.ones((1, 1)), anp.ones((1, 1)), (), "SAME")
    with pytest.raises(ValueError):
        lax.conv_general_dilated(anp.ones((1, 2, 4, 4)), anp.ones((1, 3, 1, 1)), (1, 1), "SAME")


@pytest.mark.parametrize("pad", ["SAME", "VALID", ((1, 0), (2, 1))])
@pytest.mark.parametrize("strides", [(1, 1), (2, 2), (2, 1)])
def test_conv_transpose(pad, strides):
    x, w = R.standard_normal((2, 5, 6, 3)), R.standard_normal((3, 2, 3, 4))
    _close(
        lax.conv_transpose(anp.asarray(x), anp.asarray(w), strides, pad),
        jl.conv_transpose(x, w, strides, pad),
    )
    wk = R.standard_normal((3, 2, 4, 3))
    _close(
        lax.conv_transpose(anp.asarray(x), anp.asarray(wk), strides, pad, transpose_kernel=True),
        jl.conv_transpose(x, wk, strides, pad, transpose_kernel=True),
    )


@pytest.mark.parametrize("which", ["max", "add", "min"])
@pytest.mark.parametrize("pad", ["SAME", "VALID", [(0, 0), (1, 1), (0, 2)]])
def test_reduce_window(which, pad):
    x = R.standard_normal((2, 7, 6))
    init = {"max": -np.inf, "add": 0.0, "min": np.inf}[which]
    got = lax.reduce_window(anp.asarray(x), init, getattr(lax, which), (1, 3, 2), (1, 2, 1), pad)
    want = jl.reduce_window(x, init, getattr(jl, which), (1, 3, 2), (1, 2, 1), pad)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12)
    g = arrax.grad(
        lambda v: anp.sum(
            lax.reduce_window(v, init, getattr(lax, which), (1, 2, 2), (1, 2, 2), "VALID") ** 2
        )
    )(anp.asarray(x))
    gj = jax.grad(
        lambda v: jnp.sum(
            jl.reduce_window(v, init, getattr(jl, which), (1, 2, 2), (1, 2, 2), "VALID") ** 2
        )
    )(x)
    _close(g, gj)


def test_reduce_window_dilations():
    x = R.standard_normal((2, 7, 6))
    _close(
        lax.reduce_window(
            anp.asarray(x), 0.0, lax.add, (1, 2, 2), (1, 1, 1), "VALID", (1, 2, 1), (1, 1, 2)
        ),
        jl.reduce_window(x, 0.0, jl.add, (1, 2, 2), (1, 1, 1), "VALID", (1, 2, 1), (1, 1, 2)),
    )


def test_composed_lax_functions():
    v = R.standard_normal((3, 6))
    av = anp.asarray(v)
    _close(lax.clamp(-0.5, av, 0.5), jl.clamp(-0.5, v, 0.5))
    which = np.array([0, 1, 2, 1])
    _close(
        lax.select_n(anp.asarray(which), anp.arange(4.0), anp.ones(4), anp.zeros(4)),
        jl.select_n(which, np.arange(4.0), np.ones(4), np.zeros(4)),
    )
    _close(lax.select_n(anp.asarray(v > 0), av, -av), jl.select_n(v > 0, v, -v))
    for a, j in zip(lax.top_k(av, 3), jl.top_k(v, 3)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(j))
    _close(lax.cumlogsumexp(av, axis=1), jl.cumlogsumexp(v, axis=1))
    _close(lax.cumlogsumexp(av, axis=0, reverse=True), jl.cumlogsumexp(v, axis=0, reverse=True))
    for a, j in zip(lax.sort_key_val(av, -av, 1), jl.sort_key_val(v, -v, 1)):
        _close(a, j)
    keys = np.array([[2, 1, 2, 1], [0, 0, 1, 1]])
    for a, j in zip(
        lax.sort((anp.asarray(keys[0]), anp.asarray(keys[1])), num_keys=2),
        jl.sort((keys[0], keys[1]), num_keys=2),
    ):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(j))
    i = np.array([-1, 5, 0, 2**31 - 1], np.int32)
    np.testing.assert_array_equal(
        np.asarray(lax.population_count(anp.asarray(i))), np.asarray(jl.population_count(i))
    )
    u = np.array([0x80000000, 8], np.uint32)
    np.testing.assert_array_equal(
        np.asarray(
            lax.shift_right_arithmetic(anp.asarray(u), anp.asarray(np.array([4, 1], np.uint32)))
        ),
        np.asarray(jl.shift_right_arithmetic(u, np.array([4, 1], np.uint32))),
    )
    _close(lax.complex(av, av), jl.complex(v, v))
    for a, j in zip(lax.split(av, (2, 4), axis=1), jl.split(v, (2, 4), axis=1)):
        _close(a, j)
    _close(lax.full_like(av, 3.0), jl.full_like(v, 3.0))
    b = R.standard_normal((2, 3, 4))
    _close(
        lax.batch_matmul(anp.asarray(b), anp.asarray(b.transpose(0, 2, 1))),
        jl.batch_matmul(b, b.transpose(0, 2, 1)),
    )


CONV_ND_CASES = [
    ((1, 1, 4, 4, 4), (1, 1, 2, 2, 2), (1, 1, 1), "VALID", None, None, None, 1),
    ((2, 3, 5, 6, 7), (4, 3, 3, 2, 2), (2, 1, 2), "SAME", None, (1, 2, 1), None, 1),
    (
        (2, 6, 5, 6, 7),
        (4, 3, 3, 2, 2),
        (1, 1, 1),
        [(1, 2), (0, 1), (2, 0)],
        (2, 1, 1),
        None,
        None,
        2,
    ),
    (
        (2, 5, 6, 7, 3),
        (3, 2, 2, 3, 4),
        (1, 2, 1),
        "SAME",
        None,
        None,
        ("NDHWC", "DHWIO", "NDHWC"),
        1,
    ),
    ((1, 2, 3, 3, 3, 3), (2, 2, 2, 2, 2, 2), (1, 1, 1, 1), "VALID", None, None, None, 1),
    ((1, 1, 2, 4, 4), (1, 1, 3, 2, 2), (1, 1, 1), "VALID", None, None, None, 1),
]


@pytest.mark.parametrize(
    "case", CONV_ND_CASES, ids=[f"{len(c[0]) - 2}d-{i}" for i, c in enumerate(CONV_ND_CASES)]
)
def test_conv_of_three_and_more_spatial_dims_matches_jax(case):
    xs, ws, strides, padding, lhs_dil, rhs_dil, dn, groups = case
    rng = np.random.default_rng(len(xs))
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    args = (strides, padding, lhs_dil, rhs_dil, dn)
    got = lax.conv_general_dilated(x, w, *args, feature_group_count=groups)
    want = jl.conv_general_dilated(x, w, *args, feature_group_count=groups)
    assert got.shape == want.shape
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-10, atol=1e-10)


def test_conv_3d_differentiates_and_batches_as_jax():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 1, 3, 3, 3)), rng.standard_normal((2, 1, 2, 2, 2))

    def loss(lx, conv):
        return lambda x, w: lx.sum(conv(x, w, (1, 1, 1), "SAME") ** 2)

    ga = arrax.grad(loss(anp, lax.conv_general_dilated), argnums=(0, 1))(x, w)
    gj = jax.grad(loss(jnp, jl.conv_general_dilated), argnums=(0, 1))(x, w)
    for a, b in zip(ga, gj):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-10)
    vm = arrax.vmap(lambda xi: lax.conv_general_dilated(xi[None], w, (1, 1, 1), "VALID")[0])(x)
    np.testing.assert_allclose(
        np.asarray(vm), np.asarray(jl.conv_general_dilated(x, w, (1, 1, 1), "VALID")), rtol=1e-10
    )


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "complex64", "complex128", "int32"])
@pytest.mark.parametrize("nsp", [1, 2, 3])
def test_conv_every_dtype_as_xla(dtype, nsp):
    # The conv primitive has float32/float64 kernels; the other dtypes compute as XLA does
    # (16-bit floats in float32, integers in float64, complex as four real convolutions),
    # rounded once to the operands' dtype: bit for bit XLA's for the real ones.
    rng = np.random.default_rng(nsp)
    x = (rng.standard_normal((2, 3) + (6,) * nsp) * 3).astype(np.float32)
    w = (rng.standard_normal((4, 3) + (3,) * nsp) * 3).astype(np.float32)
    xa, wa = anp.asarray(x).astype(dtype), anp.asarray(w).astype(dtype)
    if dtype.startswith("complex"):
        xa = xa + 1j * anp.asarray(x[::-1].copy()).astype(dtype)
    got = lax.conv_general_dilated(xa, wa, (1,) * nsp, "SAME")
    want = jl.conv_general_dilated(
        jnp.asarray(np.asarray(xa)), jnp.asarray(np.asarray(wa)), (1,) * nsp, "SAME"
    )
    assert got.dtype == want.dtype
    # (16-bit: XLA sums in float32 in another order, so a rare result rounds the other way)
    tol = {"complex64": 1e-5, "complex128": 1e-12, "float16": 1e-3, "bfloat16": 8e-3}.get(dtype, 0)
    scale = np.abs(np.asarray(want).astype(np.complex128)).max()
    np.testing.assert_allclose(
        np.asarray(got).astype(np.complex128),
        np.asarray(want).astype(np.complex128),
        atol=tol * scale,
    )


def test_conv_half_and_complex_derivatives():
    from arrax.test_util import check_grads

    rng = np.random.default_rng(0)
    x = anp.asarray(rng.standard_normal((1, 3, 5, 5)) + 1j * rng.standard_normal((1, 3, 5, 5)))
    w = anp.asarray(rng.standard_normal((2, 3, 3, 3)) + 1j * rng.standard_normal((2, 3, 3, 3)))
    conv = lambda x, w: lax.conv_general_dilated(x, w, (1, 1), "SAME")  # noqa: E731
    check_grads(lambda x, w: anp.abs(conv(x, w)) ** 2, (x, w), order=2)
    ones = np.ones((1, 3, 5, 5), "float32")
    wb = anp.ones((2, 3, 3, 3), "bfloat16")
    g = arrax.grad(lambda w: conv(anp.asarray(ones).astype("bfloat16"), w).astype("float32").sum())(
        wb
    )

    def jconv(w):
        return jl.conv_general_dilated(jnp.asarray(ones).astype("bfloat16"), w, (1, 1), "SAME")  # noqa: E731

    want = jax.grad(lambda w: jconv(w).astype("float32").sum())(jnp.ones((2, 3, 3, 3), "bfloat16"))
    assert g.dtype == wb.dtype
    np.testing.assert_array_equal(
        np.asarray(g).astype(np.float32), np.asarray(want).astype(np.float32)
    )
