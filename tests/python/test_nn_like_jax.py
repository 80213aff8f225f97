"""arrax.nn against jax.nn itself: activations' values, dtypes and first and second
derivatives at the awkward points (0, tiny, huge, infinite, nan), the logaddexp rule's
infinities, complex variance-scaling initializers and dot_product_attention's masks, seq
lengths and local windows."""

import math
import warnings

import arrax
import arrax.numpy as anp
import ml_dtypes
import numpy as np
import pytest

from conftest import arrax_only

jax = pytest.importorskip("jax")
jnp = jax.numpy

pytestmark = pytest.mark.usefixtures("jax_x64")

POINTS = [0.0, 1e-8, -1e-8, 1.0, -1.0, 20.0, -20.0, 1e4, -1e4, np.inf, -np.inf, np.nan]
POINTS += [0.5, -0.5, 3.0, -3.0, 6.0, -6.0, -8.0]

# (name, arrax function, JAX function); the inexact ones (transcendental, whose rounding
# differs by an ulp or so from XLA's) are compared with a relative tolerance.
ACTIVATIONS = [
    "relu", "relu6", "sigmoid", "log_sigmoid", "softplus", "soft_sign", "silu", "swish", "elu",
    "celu", "selu", "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "sparse_plus", "sparse_sigmoid", "squareplus", "mish", "tanh", "identity", "gelu",
    "gelu_exact", "log1mexp",
]  # fmt: skip


def _fn(mod, name):
    if name == "gelu_exact":
        return lambda x: mod.nn.gelu(x, approximate=False)
    return getattr(mod.nn, name)


def _close(a, j, rtol, atol=0.0):
    a, j = np.float64(a), np.float64(j)
    if np.isnan(j) or np.isnan(a):
        return np.isnan(j) and np.isnan(a)
    if np.isinf(j) or np.isinf(a):
        return a == j
    return abs(a - j) <= atol + rtol * abs(j)


# Known float-rounding differences that are not bugs: XLA's float32 tanh is an approximation
# (tanh(-8) is exactly -1 there, so JAX's tanh'(-8) is 0) and 1 + tanh(...) cancels in the tanh
# gelu (and mish) so that an ulp of tanh is a relative 1e-5 of the result. They are compared with
# an absolute tolerance instead.
_ABS = {"tanh": 1e-6, "gelu": 1e-6, "mish": 2e-5, "squareplus": 2e-8, "soft_sign": 1e-15}


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_value_and_derivatives_like_jax(name, dtype):
    fa, fj = _fn(arrax, name), _fn(jax, name)
    rtol = 2e-6 if dtype == np.float32 else 1e-9
    atol = _ABS.get(name, 0.0) if dtype == np.float32 else 1e-16
    if name in ("gelu", "tanh", "mish", "softplus", "log_sigmoid", "sigmoid", "silu", "swish"):
        atol = max(atol, 1e-14)
    bad = []
    for p in POINTS:
        x = dtype(p)
        for order, (ga, gj) in enumerate(
            [
                (fa, fj),
                (arrax.grad(fa), jax.grad(fj)),
                (arrax.grad(arrax.grad(fa)), jax.grad(jax.grad(fj))),
            ]  # fmt: skip
        ):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                a, j = ga(x), gj(x)
            if np.asarray(a).dtype != np.asarray(j).dtype:
                bad.append(f"x={p} d{order}: dtype {np.asarray(a).dtype} vs {np.asarray(j).dtype}")
            elif not _close(a, j, rtol * (100 if order else 1), atol * (10 if order else 1)):
                bad.append(f"x={p} d{order}: arrax {float(a)!r} jax {float(j)!r}")
    assert not bad, f"{name}: " + "; ".join(bad)


def test_sigmoid_derivative_at_zero():
    assert float(arrax.grad(arrax.nn.sigmoid)(0.0)) == 0.25
    t = arrax.jvp(arrax.nn.sigmoid, (anp.zeros(2),), (anp.ones(2),))[1]
    np.testing.assert_array_equal(np.asarray(t), [0.25, 0.25])
    assert float(arrax.grad(arrax.grad(arrax.nn.silu))(0.0)) == 0.5


def test_kinks_second_derivative_like_jax():
    # relu6 / relu's custom rules must hold under an outer differentiation too
    for f, p in [(arrax.nn.hard_silu, -3.0), (arrax.nn.hard_silu, 3.0),
                 (lambda x: x * arrax.nn.relu(x), 0.0), (lambda x: x * arrax.nn.relu6(x), 6.0)]:  # fmt: skip
        fj = {arrax.nn.hard_silu: jax.nn.hard_silu}.get(f)
        if fj is None:
            fj = (lambda x: x * jax.nn.relu(x)) if p == 0.0 else (lambda x: x * jax.nn.relu6(x))
        assert float(arrax.grad(arrax.grad(f))(p)) == float(jax.grad(jax.grad(fj))(p))


def test_softplus_and_logaddexp_grads_at_infinity():
    inf = float("inf")
    assert float(arrax.grad(arrax.nn.softplus)(inf)) == float(jax.grad(jax.nn.softplus)(inf))
    assert float(arrax.grad(arrax.nn.log_sigmoid)(-inf)) == 1.0
    for x, y in [(inf, 0.0), (0.0, inf), (inf, inf), (-inf, 0.0), (-inf, -inf), (inf, -inf),
                 (2.0, 2.0), (1e4, -1e4), (np.nan, 1.0)]:  # fmt: skip
        for f in ("logaddexp", "logaddexp2"):
            ga = arrax.grad(getattr(anp, f), argnums=(0, 1))(x, y)
            gj = jax.grad(getattr(jnp, f), argnums=(0, 1))(x, y)
            np.testing.assert_allclose(
                np.asarray(ga, float), np.asarray(gj, float), rtol=1e-12, err_msg=f"{f}{x, y}"
            )


def test_activations_keep_numpy_bfloat16_and_float16():
    for name in ["leaky_relu", "hard_sigmoid", "hard_silu", "sparse_sigmoid", "gelu", "elu",
                 "celu", "selu", "soft_sign", "squareplus", "sparse_plus", "mish", "relu6"]:  # fmt: skip
        for dt in (ml_dtypes.bfloat16, np.float16):
            x = np.array([-1.0, 0.0, 1.0], dt)
            assert getattr(arrax.nn, name)(x).dtype == getattr(jax.nn, name)(x).dtype, name


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_exact_gelu_tail_like_jax(dtype):
    x = np.array([-12.0, -10.0, -8.0, -6.0, -1.0, 0.0, 2.0], dtype)
    a = np.asarray(arrax.nn.gelu(x, approximate=False))
    j = np.asarray(jax.nn.gelu(x, approximate=False))
    assert a.dtype == j.dtype
    assert (a[:4] < 0).all()  # no underflow to -0
    np.testing.assert_allclose(a, j, rtol=2e-6 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_empty_and_infinite_rows(name):
    fa, fj = getattr(arrax.nn, name), getattr(jax.nn, name)
    for x in [np.ones((0,)), np.ones((2, 0)), np.ones((0, 3))]:
        a, j = fa(x), fj(x)
        assert a.shape == j.shape and a.dtype == j.dtype
    x = np.array([[np.inf, 0.0, 1.0], [-np.inf, -np.inf, 0.0], [-np.inf, -np.inf, -np.inf]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(np.asarray(fa(x)), np.asarray(fj(x)))
    m = np.array([[True, False, True], [False, False, False], [True, True, True]])
    np.testing.assert_allclose(np.asarray(fa(x, where=m)), np.asarray(fj(x, where=m)))


def test_logmeanexp_keeps_float32():
    for dt in (np.float32, np.float64):
        x = np.linspace(-2, 3, 6).astype(dt).reshape(2, 3)
        for kw in [dict(axis=0), dict(axis=None), dict(axis=1, keepdims=True),
                   dict(axis=1, where=np.array([True, False, True]))]:  # fmt: skip
            a, j = arrax.nn.logmeanexp(x, **kw), jax.nn.logmeanexp(x, **kw)
            assert a.dtype == j.dtype and a.shape == j.shape, kw
            np.testing.assert_allclose(np.asarray(a), np.asarray(j), rtol=1e-6)


def test_standardize_like_jax():
    x = np.random.default_rng(0).standard_normal((3, 5)) * 1e-3 + 7.0
    for kw in [{}, dict(axis=0), dict(algorithm="stable"), dict(where=x > 7.0)]:
        np.testing.assert_allclose(
            np.asarray(arrax.nn.standardize(x, **kw)), np.asarray(jax.nn.standardize(x, **kw)),
            rtol=1e-6, atol=1e-6,
        )  # fmt: skip
    with pytest.raises(ValueError, match="standardize"):
        arrax.nn.standardize(x, algorithm="nope")


def test_one_hot_float_input_warns_and_jit_needs_static_classes():
    with pytest.warns(DeprecationWarning, match="integer-typed"):
        a = arrax.nn.one_hot(np.array([1.0, 2.0, 7.0]), 3)
    with pytest.warns(DeprecationWarning):
        j = jax.nn.one_hot(np.array([1.0, 2.0, 7.0]), 3, dtype=jnp.float32)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(j))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        arrax.nn.one_hot(np.array([1, 2]), 3)
    with pytest.raises(arrax.errors.ConcretizationTypeError, match="num_classes"):
        arrax.jit(arrax.nn.one_hot)(3, 5)
    f = arrax.jit(arrax.nn.one_hot, static_argnums=1)
    np.testing.assert_array_equal(np.asarray(f(np.array([0, 4]), 5)), np.eye(5)[[0, 4]])


# --- initializers ---

INITS = ["he_normal", "he_uniform", "glorot_normal", "glorot_uniform", "lecun_normal",
         "lecun_uniform"]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128, np.float32])
@pytest.mark.parametrize("name", INITS)
def test_variance_scaling_complex_like_jax(name, dtype):
    shape = (200, 300)
    a = getattr(arrax.nn.initializers, name)()(arrax.random.PRNGKey(1), shape, dtype)
    j = getattr(jax.nn.initializers, name)()(jax.random.PRNGKey(1), shape, dtype)
    a, j = np.asarray(a), np.asarray(j)
    assert a.dtype == j.dtype and a.shape == j.shape
    assert abs(a.std() / j.std() - 1) < 0.03
    # the support: a disk (uniform), modulus <= 2 std (truncated normal)
    assert abs(np.abs(a).max() / np.abs(j).max() - 1) < 0.05
    assert abs(a.mean()) < 0.01 * j.std() * 10
    provider = getattr(arrax.nn.initializers, name)(dtype=dtype)
    assert provider(arrax.random.PRNGKey(1), (2, 3)).dtype == dtype


@pytest.mark.parametrize("dist", ["normal", "uniform", "truncated_normal"])
def test_variance_scaling_fan_geo_avg(dist):
    shape = (30, 7, 40)
    init_a = arrax.nn.initializers.variance_scaling(2.0, "fan_geo_avg", dist)
    a = np.asarray(init_a(arrax.random.PRNGKey(0), shape))
    j = np.asarray(
        jax.nn.initializers.variance_scaling(2.0, "fan_geo_avg", dist)(
            jax.random.PRNGKey(0), shape, jnp.float32
        )
    )
    assert a.shape == j.shape and a.dtype == j.dtype
    want = math.sqrt(2.0 / math.sqrt((7 * 30) * (40 * 30)))  # receptive field 30
    assert abs(a.std() / want - 1) < 0.05 and abs(j.std() / want - 1) < 0.05


def test_variance_scaling_errors_like_jax():
    vs, jvs = arrax.nn.initializers.variance_scaling, jax.nn.initializers.variance_scaling
    for shape in [(5,), ()]:
        with pytest.raises(ValueError, match="Can't compute input and output sizes"):
            vs(1.0, "fan_avg", "truncated_normal")(arrax.random.PRNGKey(0), shape)
        with pytest.raises(ValueError, match="Can't compute input and output sizes"):
            jvs(1.0, "fan_avg", "truncated_normal")(jax.random.PRNGKey(0), shape)
    # explicit axes make a 1-D shape legal (receptive field 1/n, as JAX)
    a = vs(3.0, "fan_in", "uniform", in_axis=0, out_axis=0)(arrax.random.PRNGKey(0), (400,))
    assert a.shape == (400,) and np.abs(np.asarray(a)).max() <= 3.0
    for mode, dist in [("fan_sum", "normal"), ("fan_in", "cauchy")]:
        with pytest.raises(ValueError, match="variance_scaling: invalid"):
            vs(1.0, mode, dist)(arrax.random.PRNGKey(0), (2, 3))
        with pytest.raises(ValueError, match="invalid"):
            jvs(1.0, mode, dist)(jax.random.PRNGKey(0), (2, 3))


# --- dot_product_attention ---

B, T, S, N, H = 2, 6, 5, 4, 8


def _qkv(kn=N):
    rng = np.random.default_rng(0)
    q = rng.standard_normal((B, T, N, H)).astype(np.float32)
    k = rng.standard_normal((B, S, kn, H)).astype(np.float32)
    v = rng.standard_normal((B, S, kn, H)).astype(np.float32)
    return q, k, v


_rng = np.random.default_rng(1)
_CASES = {
    "plain": {},
    "causal": dict(is_causal=True),
    "bias": dict(bias=_rng.standard_normal((1, N, T, S)).astype(np.float32)),
    "mask": dict(mask=_rng.random((B, 1, T, S)) > 0.3),
    "kv_lengths": dict(key_value_seq_lengths=np.array([3, 5], np.int32)),
    "q_lengths": dict(query_seq_lengths=np.array([2, 6], np.int32)),
    "both_lengths": dict(
        query_seq_lengths=np.array([4, 1], np.int32), key_value_seq_lengths=np.array([2, 5], np.int32)
    ),
    "window": dict(local_window_size=(2, 1)),
    "window_int": dict(local_window_size=1),
    "window_causal": dict(local_window_size=(3, 0), is_causal=True),
    "all": dict(is_causal=True, local_window_size=(1, 2), query_seq_lengths=np.array([3, 6], np.int32),
                key_value_seq_lengths=np.array([4, 2], np.int32), scale=0.3),
}  # fmt: skip


@pytest.mark.parametrize("case", list(_CASES))
@pytest.mark.parametrize("kn", [N, 2], ids=["mha", "gqa"])
def test_dot_product_attention_like_jax(case, kn):
    q, k, v = _qkv(kn)
    kw = _CASES[case]
    a = arrax.nn.dot_product_attention(q, k, v, **kw)
    j = jax.nn.dot_product_attention(q, k, v, **kw)
    assert a.dtype == j.dtype and a.shape == j.shape
    np.testing.assert_allclose(np.asarray(a), np.asarray(j), rtol=1e-5, atol=1e-5)
    ga = arrax.grad(lambda q: (arrax.nn.dot_product_attention(q, k, v, **kw) ** 2).sum())(q)
    gj = jax.grad(lambda q: (jax.nn.dot_product_attention(q, k, v, **kw) ** 2).sum())(q)
    np.testing.assert_allclose(np.asarray(ga), np.asarray(gj), rtol=1e-4, atol=1e-4)


def test_dot_product_attention_residual_and_unbatched():
    q, k, v = _qkv()
    kw = dict(is_causal=True, key_value_seq_lengths=np.array([3, 5], np.int32))
    oa, ra = arrax.nn.dot_product_attention(q, k, v, return_residual=True, **kw)
    oj, rj = jax.nn.dot_product_attention(q, k, v, return_residual=True, **kw)
    assert ra.shape == rj.shape == (B, T, N)
    np.testing.assert_allclose(np.asarray(ra), np.asarray(rj), rtol=1e-5, atol=1e-5)
    a = arrax.nn.dot_product_attention(q[0], k[0], v[0], local_window_size=(1, 1))
    j = jax.nn.dot_product_attention(q[0], k[0], v[0], local_window_size=(1, 1))
    np.testing.assert_allclose(np.asarray(a), np.asarray(j), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="dot_product_attention"):
        arrax.nn.dot_product_attention(q, k, v, implementation="nope")


@arrax_only
def test_dot_product_attention_padding_rows_under_jit_and_vmap():
    q, k, v = _qkv()
    ql = np.array([2, 6], np.int32)
    f = arrax.jit(lambda q, k, v, ql: arrax.nn.dot_product_attention(q, k, v, query_seq_lengths=ql))
    out = np.asarray(f(q, k, v, ql))
    assert (out[0, 2:] == 0).all() and (out[1] != 0).all()
