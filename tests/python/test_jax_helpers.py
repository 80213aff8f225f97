"""JAX's smaller top-level helpers in arrax: ShapeDtypeStruct, eval_shape, linear_transpose,
disable_jit and the jacobian / make_jaxpr names."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")


def test_eval_shape_gives_output_structs_without_computing():
    calls = []

    def f(x, y, *, scale):
        calls.append(type(x))
        return {"a": x @ y * scale, "b": (x.sum(), y.astype(np.float32))}

    big = arrax.ShapeDtypeStruct((30000, 40000), np.float64)  # never allocated
    out = arrax.eval_shape(f, big, np.ones((40000, 5), np.int32), scale=2.0)
    assert out["a"] == arrax.ShapeDtypeStruct((30000, 5), np.float64)
    assert out["b"][0].shape == () and out["b"][1].dtype == np.float32
    assert out["b"][1].ndim == 2 and out["b"][1].size == 200000 and len(out["b"][1]) == 40000
    assert "ShapeDtypeStruct(shape=(30000, 5), dtype=float64)" in repr(out["a"])
    assert calls and calls[0] is not np.ndarray  # traced, not evaluated
    with pytest.raises(ValueError):
        arrax.eval_shape(
            lambda x, y: x @ y, arrax.ShapeDtypeStruct((2, 3), np.float32), anp.ones((4, 5))
        )


def test_linear_transpose_is_the_adjoint():
    rng = np.random.default_rng(0)
    m = anp.asarray(rng.standard_normal((3, 4)))

    def f(x, y):
        return m @ x + 2 * y[::-1]

    x0, y0 = anp.zeros(4), anp.zeros(3)
    ft = arrax.linear_transpose(f, x0, y0)
    ct = anp.asarray(rng.standard_normal(3))
    gx, gy = ft(ct)
    np.testing.assert_allclose(np.asarray(gx), np.asarray(m).T @ np.asarray(ct))
    np.testing.assert_allclose(np.asarray(gy), 2 * np.asarray(ct)[::-1])


def test_disable_jit_runs_the_python_function():
    seen = []

    @arrax.jit
    def g(x):
        seen.append(x._is_tracer)
        return x + 1

    g(anp.ones(2))
    with arrax.disable_jit():
        np.testing.assert_array_equal(np.asarray(g(anp.ones(2))), [2.0, 2.0])
    g(anp.ones(2))  # cached again, not traced again
    assert seen == [True, False]


def test_jax_names():
    np.testing.assert_allclose(
        np.asarray(arrax.jacobian(lambda x: x**2)(anp.asarray([1.0, 2.0]))),
        [[2.0, 0.0], [0.0, 4.0]],
    )
    assert "add" in str(arrax.make_jaxpr(lambda x: x + 1)(1.0))


def test_config_update_maps_the_supported_options():
    cfg = arrax.config
    cfg.update("jax_enable_x64", True)
    assert cfg.jax_enable_x64 is True
    with pytest.raises(ValueError, match="32-bit"):
        cfg.update("jax_enable_x64", False)
    device = arrax.default_device()  # (the suite's, which --device may have set to a GPU)
    cfg.update("jax_platform_name", "cpu")
    assert str(arrax.default_device()).startswith("cpu")
    arrax.default_device(device)
    cfg.update("jax_disable_jit", True)
    try:
        assert cfg.jax_disable_jit
        seen = []
        arrax.jit(lambda x: seen.append(x._is_tracer) or x)(anp.ones(1))
        assert seen == [False]
    finally:
        cfg.update("jax_disable_jit", False)
    previous = cfg.jax_default_matmul_precision
    cfg.update("jax_default_matmul_precision", "highest")
    assert cfg.jax_default_matmul_precision == "float32"
    arrax.set_matmul_precision(previous)
    cfg.update("jax_debug_nans", True)  # (test_debug_nans.py checks what it does)
    try:
        assert cfg.jax_debug_nans
    finally:
        cfg.update("jax_debug_nans", False)
    with pytest.raises(AttributeError, match="jax_no_such_option"):
        cfg.update("jax_no_such_option", True)


# ---- host callbacks ------------------------------------------------------------------------


def _sin2(x):
    y = arrax.pure_callback(
        lambda a: np.sin(a) * 2, arrax.ShapeDtypeStruct(x.shape, x.dtype), x,
        vmap_method="sequential",
    )  # fmt: skip
    return y + 1


def test_pure_callback_eager_jit_vmap_match_jax():
    jax = pytest.importorskip("jax")
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    want = jax.vmap(
        lambda v: jax.pure_callback(
            lambda a: np.sin(a) * 2, jax.ShapeDtypeStruct(v.shape, v.dtype), v,
            vmap_method="sequential",
        ) + 1
    )(x.astype(np.float32))  # fmt: skip
    for f in (_sin2, arrax.jit(_sin2)):
        np.testing.assert_allclose(np.asarray(f(anp.asarray(x))), np.sin(x) * 2 + 1)
    got = arrax.vmap(_sin2)(anp.asarray(x, dtype=anp.float32))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)
    # Pytrees in and out, keyword arguments, and results cast to the declared dtype.
    spec = {
        "s": arrax.ShapeDtypeStruct((), np.float32),
        "n": arrax.ShapeDtypeStruct((2,), np.int32),
    }
    r = arrax.jit(
        lambda a: arrax.pure_callback(
            lambda t, scale: {"s": t[0].sum() * scale, "n": np.array(t[1].shape)}, spec, (a, a), scale=2
        )
    )(anp.ones((2, 3)))  # fmt: skip
    assert r["s"].dtype == np.float32 and float(r["s"]) == 12.0 and r["n"].tolist() == [2, 3]


def test_pure_callback_errors():
    spec = arrax.ShapeDtypeStruct((3,), np.float64)
    with pytest.raises(ValueError, match="shape"):
        arrax.pure_callback(lambda a: np.ones(4), spec, anp.ones(3))
    with pytest.raises(ValueError, match="differentiate"):
        arrax.grad(lambda a: arrax.pure_callback(np.sin, spec, a).sum())(anp.ones(3))


def test_debug_print_runs_when_the_program_runs(capsys):
    def f(x):
        arrax.debug.print("x={} y={y}", x, y=x * 2)
        return x + 1

    f(anp.arange(2.0))
    assert capsys.readouterr().out == "x=[0. 1.] y=[0. 2.]\n"
    jf = arrax.jit(f)
    jf(anp.arange(2.0))
    jf(anp.arange(2.0) + 1)  # each call prints (the print is not folded into the trace)
    assert capsys.readouterr().out == "x=[0. 1.] y=[0. 2.]\nx=[1. 2.] y=[2. 4.]\n"
    # Nothing uses its result, yet the jit keeps it; grad prints the primal values.
    assert "debug_callback" in str(arrax.make_jaxpr(jf)(anp.ones(2)))
    arrax.grad(lambda x: f(x).sum())(anp.arange(2.0))
    assert capsys.readouterr().out == "x=[0. 1.] y=[0. 2.]\n"


def test_top_level_jax_names():
    assert isinstance(anp.ones(2), arrax.Array)
    seen = []
    arrax.jit(lambda x: seen.append(isinstance(x, arrax.Array)) or x)(anp.ones(2))
    assert seen == [True]
    assert arrax.default_backend() in ("cpu", "gpu")
    assert arrax.local_devices() == arrax.devices() and arrax.process_index() == 0
    assert arrax.dtypes.canonicalize_dtype(np.float64) == np.float64
    with arrax.named_scope("block"), arrax.ensure_compile_time_eval():
        assert float(anp.sum(anp.ones(3))) == 3.0
    assert "numpy" in arrax.print_environment_info(return_string=True)
    jf = arrax.jit(lambda x: x * 2)
    jf(anp.ones(2))
    arrax.clear_caches()
    assert jf._cache_size() == 0 and jf(anp.ones(2)).tolist() == [2.0, 2.0]


# ---- lax composites and jax.nn.initializers --------------------------------------------------


@pytest.mark.usefixtures("jax_x64")
@pytest.mark.parametrize("n", [1, 2, 5, 8, 13])
@pytest.mark.parametrize("reverse", [False, True])
def test_associative_scan_matches_jax(n, reverse):
    jax = pytest.importorskip("jax")
    x = np.arange(1.0, n + 1) / 3
    fn = lambda a, b: a + b  # noqa: E731
    want = jax.lax.associative_scan(fn, x, reverse=reverse)
    np.testing.assert_allclose(
        np.asarray(arrax.lax.associative_scan(fn, anp.asarray(x), reverse=reverse)), want
    )
    # A pytree (a linear recurrence) along axis 1, and under jit.
    rng = np.random.default_rng(n)
    a, b = rng.random((3, n)), rng.random((3, n))
    rec = lambda p, q: (p[0] * q[0], p[1] * q[0] + q[1])  # noqa: E731
    got = arrax.jit(lambda u, v: arrax.lax.associative_scan(rec, (u, v), reverse, axis=1))(a, b)
    want = jax.lax.associative_scan(rec, (a, b), reverse, axis=1)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-12)


def test_lax_reduce_and_shape_helpers():
    lax = arrax.lax
    x = anp.arange(6.0).reshape(2, 3)
    assert lax.reduce(x, 0.0, lax.add, (1,)).tolist() == [3.0, 12.0]
    assert lax.reduce(x, -np.inf, lax.max, (0, 1)).tolist() == 5.0
    with pytest.raises(ValueError, match="reduce"):
        lax.reduce((x, x), (0.0,), lambda a, b: a, (0,))
    assert lax.collapse(anp.ones((2, 3, 4)), 1).shape == (2, 12)
    assert lax.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert lax.rsqrt(anp.array([4.0])).tolist() == [0.5]
    assert lax.reciprocal(anp.array([4.0])).tolist() == [0.25]


@pytest.mark.parametrize("name", ["glorot_uniform", "he_uniform", "lecun_uniform"])
def test_uniform_initializers_give_jax_numbers(name):
    jax = pytest.importorskip("jax")
    for shape in [(4, 5), (3, 3, 8, 16)]:
        got = getattr(arrax.nn.initializers, name)()(arrax.random.PRNGKey(0), shape, np.float32)
        want = getattr(jax.nn.initializers, name)()(jax.random.PRNGKey(0), shape, np.float32)
        # The same uniform bits; the scaling rounds within an ulp of JAX's.
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-7)


def test_other_initializers():
    jax = pytest.importorskip("jax")
    init = arrax.nn.initializers
    for name in ["glorot_normal", "he_normal", "lecun_normal"]:
        key, jkey = arrax.random.PRNGKey(0), jax.random.PRNGKey(0)
        got = np.asarray(getattr(init, name)()(key, (300, 200), np.float32))
        want = np.asarray(getattr(jax.nn.initializers, name)()(jkey, (300, 200), np.float32))
        np.testing.assert_allclose(got.std(), want.std(), rtol=1e-3)
    o = np.asarray(init.orthogonal()(arrax.random.PRNGKey(1), (5, 3)))
    np.testing.assert_allclose(o.T @ o, np.eye(3), atol=1e-5)
    o = np.asarray(init.orthogonal(column_axis=0)(arrax.random.PRNGKey(1), (3, 5)))
    np.testing.assert_allclose(o @ o.T, np.eye(3), atol=1e-5)
    d = np.asarray(init.delta_orthogonal()(arrax.random.PRNGKey(1), (3, 3, 4, 4)))
    np.testing.assert_allclose(d[1, 1].T @ d[1, 1], np.eye(4), atol=1e-5)
    assert np.abs(d[0]).sum() == 0
    assert init.constant(3.0)(None, (2,)).tolist() == [3.0, 3.0]
    assert init.zeros(None, (2,), np.int32).dtype == np.int32
    with pytest.raises(ValueError, match="mode"):
        init.variance_scaling(1.0, "fan_middle", "normal")


def test_custom_gradient_as_jax():
    @arrax.custom_gradient
    def clipped_sin(x):
        return anp.sin(x), lambda g: (anp.clip(g * anp.cos(x), -0.1, 0.1),)

    assert float(clipped_sin(0.3)) == pytest.approx(np.sin(0.3))
    for f in (arrax.grad(clipped_sin), arrax.jit(arrax.grad(clipped_sin))):
        assert float(f(0.3)) == pytest.approx(0.1)
        assert float(f(1.5)) == pytest.approx(np.cos(1.5))  # inside the clip
    g = arrax.vmap(arrax.grad(clipped_sin))(np.array([0.3, 1.5]))
    np.testing.assert_allclose(np.asarray(g), [0.1, np.cos(1.5)])

    @arrax.custom_gradient
    def scaled(x, y):
        return x * y, lambda g: (2 * g * y, 3 * g * x)

    gx, gy = arrax.grad(scaled, argnums=(0, 1))(2.0, 5.0)
    assert (float(gx), float(gy)) == (10.0, 6.0)

    @arrax.custom_gradient
    def wrong(x, y):
        return x * y, lambda g: (g,)

    with pytest.raises(TypeError, match="custom_gradient wrong"):
        arrax.grad(wrong)(1.0, 2.0)


@pytest.mark.usefixtures("jax_x64")
def test_lax_reduce_any_computation_as_jax():
    # Computations other than the named monoids (a variadic argmax, logaddexp, a lambda):
    # pairwise combination, traced, batched and differentiated like any composition.
    jax = pytest.importorskip("jax")
    al, jl = arrax.lax, jax.lax
    x = np.arange(24.0).reshape(2, 3, 4) - 7
    i = np.arange(24).reshape(2, 3, 4) % 5

    def argmax(lax, where):
        return lambda a, b: (lax.max(a[0], b[0]), where(a[0] >= b[0], a[1], b[1]))

    cases = [
        lambda m, l, x: l.reduce((x, i), (-np.inf, 0), argmax(l, m.where), (2,)),
        lambda m, l, x: l.reduce(x, 0.0, lambda a, b: a + b, (0, 2)),
        lambda m, l, x: l.reduce(x, -np.inf, m.logaddexp, (1,)),
        lambda m, l, x: l.reduce(x, 1.0, lambda a, b: a * b / 2, (0, 1, 2)),
        lambda m, l, x: l.reduce(x[:, :0], 0.0, lambda a, b: a + b, (1,)),
        lambda m, l, x: l.reduce(x[:, :1], 0.0, lambda a, b: a + b, (1,)),
    ]
    for case in cases:
        got, want = case(anp, al, x), case(jax.numpy, jl, x)
        for g, w in zip(*(r if isinstance(r, tuple) else (r,) for r in (got, want))):
            assert g.dtype == w.dtype
            np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-12)
    lse = lambda m, l: lambda x: l.reduce(x, -np.inf, m.logaddexp, (0, 1, 2))  # noqa: E731
    np.testing.assert_allclose(
        np.asarray(arrax.grad(lse(anp, al))(x)), np.asarray(jax.grad(lse(jax.numpy, jl))(x))
    )
    plus = lambda x: al.reduce(x, 0.0, lambda a, b: a + 2 * b - b, (1,))  # noqa: E731
    np.testing.assert_allclose(np.asarray(arrax.jit(plus)(x)), x.sum(1))
    np.testing.assert_allclose(np.asarray(arrax.vmap(plus)(x)), x.sum(2))


@pytest.mark.usefixtures("jax_x64")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lax_fft_as_jax(dtype):
    jax = pytest.importorskip("jax")
    rng = np.random.default_rng(0)
    xr = rng.standard_normal((2, 4, 6)).astype(dtype)
    xc = (xr + 1j * rng.standard_normal(xr.shape)).astype(np.result_type(xr, np.complex64))
    cases = [("FFT", xc, (6,)), ("IFFT", xc, (4, 6)), ("RFFT", xr, (4, 6)),
             ("IRFFT", xc[..., :4], (4, 6)), ("RFFT", xr, (2, 4, 6)), ("fft", xc, (6,))]  # fmt: skip
    for kind, x, lengths in cases:
        t_ax = getattr(arrax.lax.FftType, kind, kind)
        t_jax = getattr(jax.lax.FftType, kind, kind)
        got, want = arrax.lax.fft(x, t_ax, lengths), jax.lax.fft(x, t_jax, lengths)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-4)
    # real and integer operands of the complex transforms are made complex, as XLA's
    for x in (xr, np.arange(6, dtype=np.int32), np.arange(6), np.ones(6, bool)):
        got, want = arrax.lax.fft(x, "FFT", (6,)), jax.lax.fft(x, "FFT", (6,))
        assert got.dtype == want.dtype
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-4)
    # JAX's errors, with its messages
    for x, kind, lengths, match in [
        (np.ones((14, 15)), "fft", (4, 5, 6), r"FFT input shape \(14, 15\) must have at least"),
        (np.ones((14, 15)), "fft", (17,), r"minor dimensions must be equal to fft_lengths"),
        (np.ones((2, 14, 15)), "irfft", (13, 15), r"IRFFT input shape \(2, 14, 15\) minor"),
        (xc, "rfft", (6,), "only real valued inputs supported for rfft"),
        (np.ones(6, np.float16), "rfft", (6,), "RFFT input must be float32 or float64"),
    ]:
        with pytest.raises(ValueError, match=match):
            arrax.lax.fft(x, kind, lengths)
        with pytest.raises(ValueError, match=match):
            jax.lax.fft(x, kind, lengths)
