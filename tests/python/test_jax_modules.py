"""The jax.* modules JAX programs import beyond jax.numpy/lax/nn/random: example_libraries
(stax layers, optimizers), flatten_util, ops (segment reductions), errors, dtypes, typing,
debug, custom_derivatives, dlpack and scipy.integrate. Each is run on arrax and on JAX itself
with the same inputs; stax's initializers are JAX-exact, so layer parameters match bit for
bit and outputs to float32 rounding."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax.example_libraries import optimizers, stax

jax = pytest.importorskip("jax")
jnp = jax.numpy
jstax = pytest.importorskip("jax.example_libraries.stax")
jopt = pytest.importorskip("jax.example_libraries.optimizers")

rng = np.random.default_rng(7)


def close(got, want, rtol=2e-5, atol=2e-6):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def tree_close(got, want, **kw):
    g, w = arrax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)
    assert len(g) == len(w)
    for a, b in zip(g, w):
        close(a, b, **kw)


# One row per layer: (name, builder taking the stax module, input shape).
LAYERS = [
    ("dense", lambda s: s.Dense(5), (4, 3)),
    ("conv_same", lambda s: s.Conv(4, (3, 3), padding="SAME"), (2, 6, 6, 3)),
    ("conv_strided", lambda s: s.Conv(4, (2, 3), strides=(2, 1)), (2, 7, 6, 3)),
    ("general_conv", lambda s: s.GeneralConv(("NCHW", "OIHW", "NCHW"), 3, (3, 3)), (2, 2, 5, 5)),
    ("conv_transpose", lambda s: s.ConvTranspose(3, (3, 3), strides=(2, 2)), (2, 4, 4, 2)),
    ("conv1d_transpose", lambda s: s.Conv1DTranspose(3, (3,), padding="SAME"), (2, 5, 2)),
    ("batchnorm", lambda s: s.BatchNorm(), (3, 4, 4, 2)),
    ("batchnorm_axis0", lambda s: s.BatchNorm(axis=(0,), center=False), (5, 3)),
    ("maxpool", lambda s: s.MaxPool((2, 2), strides=(2, 2)), (2, 6, 6, 3)),
    ("avgpool_same", lambda s: s.AvgPool((3, 3), strides=(2, 2), padding="SAME"), (2, 5, 5, 2)),
    ("sumpool_spec", lambda s: s.SumPool((2, 2), spec="NCHW"), (2, 3, 4, 4)),
    ("flatten", lambda s: s.Flatten, (2, 3, 4)),
    ("relu", lambda s: s.Relu, (3, 4)),
    ("gelu", lambda s: s.Gelu, (3, 4)),
    ("logsoftmax", lambda s: s.LogSoftmax, (3, 4)),
    ("softplus_elu_selu", lambda s: s.serial(s.Softplus, s.Elu, s.Selu, s.LeakyRelu), (3, 4)),
    ("fan_concat", lambda s: s.serial(s.FanOut(2), s.parallel(s.Dense(3), s.Identity), s.FanInConcat()), (4, 5)),
    ("fan_sum", lambda s: s.serial(s.FanOut(3), s.parallel(s.Tanh, s.Sigmoid, s.Exp), s.FanInSum), (4, 5)),
    ("serial_mlp", lambda s: s.serial(s.Dense(8), s.Relu, s.Dense(3), s.Softmax), (6, 4)),
]  # fmt: skip


@pytest.mark.parametrize("name,make,shape", LAYERS, ids=[r[0] for r in LAYERS])
def test_stax_layer_matches_jax(name, make, shape):
    init, apply = make(stax)
    jinit, japply = make(jstax)
    out_shape, params = init(arrax.random.PRNGKey(3), shape)
    jout_shape, jparams = jinit(jax.random.PRNGKey(3), shape)
    assert tuple(out_shape) == tuple(jout_shape)
    tree_close(params, jparams, rtol=1e-6, atol=1e-7)  # the same random numbers
    x = rng.standard_normal(shape).astype(np.float32)
    got = apply(params, anp.asarray(x))
    tree_close(got, japply(jparams, jnp.asarray(x)))
    assert np.shape(got) == tuple(out_shape) or isinstance(got, list)


def test_stax_dropout_needs_a_key_and_matches_jax():
    init, apply = stax.Dropout(0.7)
    _, params = init(None, (4, 5))
    x = rng.standard_normal((4, 5)).astype(np.float32)
    with pytest.raises(ValueError, match="PRNG key"):
        apply(params, anp.asarray(x))
    got = apply(params, anp.asarray(x), rng=arrax.random.PRNGKey(1))
    want = jstax.Dropout(0.7)[1]((), jnp.asarray(x), rng=jax.random.PRNGKey(1))
    close(got, want)
    close(stax.Dropout(0.7, mode="test")[1]((), anp.asarray(x), rng=arrax.random.PRNGKey(1)), x)


def _train(jx, np_, s, opt, make_opt, steps=4, jit=True):
    init, predict = s.serial(s.Dense(16), s.Tanh, s.Dense(3), s.LogSoftmax)
    _, params = init(jx.random.PRNGKey(0), (-1, 5))
    x = np_.asarray(np.linspace(-1, 1, 40, dtype=np.float32).reshape(8, 5))
    y = np_.asarray(np.eye(3, dtype=np.float32)[np.arange(8) % 3])

    def loss(p):
        return -np_.mean(np_.sum(predict(p, x) * y, axis=1))

    opt_init, opt_update, get_params = make_opt(opt)

    def step(i, state):
        g = jx.grad(loss)(get_params(state))
        return opt_update(i, opt.clip_grads(g, 0.5), state)

    step = jx.jit(step) if jit else step

    state = opt_init(params)
    for i in range(steps):
        state = step(i, state)
    state = opt.pack_optimizer_state(opt.unpack_optimizer_state(state))
    return get_params(state), loss(get_params(state))


OPTIMIZERS = {
    "sgd_exponential": lambda o: o.sgd(o.exponential_decay(0.5, 2, 0.5)),
    "momentum": lambda o: o.momentum(0.1, 0.9),
    "nesterov_inverse_time": lambda o: o.nesterov(o.inverse_time_decay(0.1, 2, 0.5, True), 0.9),
    "adagrad": lambda o: o.adagrad(0.1),
    "rmsprop": lambda o: o.rmsprop(0.01),
    "rmsprop_momentum": lambda o: o.rmsprop_momentum(0.01),
    "adam_polynomial": lambda o: o.adam(o.polynomial_decay(0.01, 3, 0.001)),
    # float32 values: a list of Python floats is float64 in arrax (JAX's with jax_enable_x64).
    "adamax_piecewise": lambda o: o.adamax(
        o.piecewise_constant([1, 3], np.array([0.1, 0.01, 0.001], np.float32))
    ),
    "sm3": lambda o: o.sm3(0.1),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_training_matches_jax(name):
    # JAX's sm3 state holds the parameter's shape as Python ints, which its jit cannot trace.
    jit = name != "sm3"
    params, loss = _train(arrax, anp, stax, optimizers, OPTIMIZERS[name], jit=jit)
    jparams, jloss = _train(jax, jnp, jstax, jopt, OPTIMIZERS[name], jit=jit)
    tree_close(params, jparams, rtol=1e-4, atol=1e-5)
    close(loss, jloss, rtol=1e-5)


def test_optimizer_state_is_a_pytree_and_checks_structure():
    opt_init, opt_update, get_params = optimizers.adam(1e-3)
    state = opt_init({"w": anp.ones((2, 2)), "b": anp.zeros(2)})
    assert len(arrax.tree_util.tree_leaves(state)) == 6  # (x, m, v) per parameter
    sm3_init, sm3_update, sm3_params = optimizers.sm3(0.1)
    st = arrax.jit(sm3_update)(0, anp.ones((2, 3)), sm3_init(anp.zeros((2, 3))))
    assert arrax.jit(sm3_params)(st).shape == (2, 3)
    with pytest.raises(TypeError, match="structure"):
        opt_update(0, {"w": anp.ones((2, 2))}, state)
    with pytest.raises(TypeError):
        optimizers.make_schedule([0.1, 0.2])


def test_ravel_pytree_matches_jax():
    from arrax.flatten_util import ravel_pytree
    from jax.flatten_util import ravel_pytree as jravel

    # (float32 with int32 leaves would differ: NumPy's promotion gives float64, JAX's float32.)
    tree = {"a": np.ones((2, 3), np.float32), "b": (np.arange(3, dtype=np.float16),), "c": []}
    flat, unravel = ravel_pytree(arrax.tree_util.tree_map(anp.asarray, tree))
    jflat, junravel = jravel(jax.tree_util.tree_map(jnp.asarray, tree))
    close(flat, jflat)
    tree_close(unravel(flat * 2), junravel(jflat * 2))
    with pytest.raises(ValueError, match="shape"):
        unravel(anp.ones(3, anp.float32))
    with pytest.raises(TypeError, match="dtype"):
        unravel(flat.astype(anp.float64))
    ints = ravel_pytree([anp.arange(2, dtype=anp.int32), anp.ones(1, anp.float32)])
    assert [x.dtype for x in ints[1](ints[0])] == [np.int32, np.float32]
    empty, unravel_empty = ravel_pytree([])
    assert empty.shape == (0,) and unravel_empty(empty) == []
    # It traces: the Hessian of a function of a parameter tree, through the flat vector.
    p = {"w": anp.asarray([1.0, 2.0]), "s": anp.asarray(3.0)}
    v, unr = ravel_pytree(p)
    h = arrax.hessian(lambda v: (unr(v)["w"] ** 2).sum() * unr(v)["s"])(v)
    np.testing.assert_allclose(np.asarray(h), [[0, 2, 4], [2, 6, 0], [4, 0, 6]])  # v = (s, w)


SEGMENT_IDS = [np.array([0, 0, 2, 1, 2]), np.array([3, -1, 0, 7, 0]), np.array([1, 1, 1, 1, 1])]


@pytest.mark.parametrize("op", ["segment_sum", "segment_prod", "segment_max", "segment_min"])
@pytest.mark.parametrize("ids", SEGMENT_IDS, ids=["sorted", "out_of_range", "one"])
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.bool_])
def test_segment_reductions_match_jax(op, ids, dtype):
    if dtype == np.bool_ and op in ("segment_sum", "segment_prod"):
        pytest.skip("JAX sums booleans with a logical or; not a NumPy-style operation")
    data = (rng.standard_normal((5, 2)) * 3).astype(dtype)
    for num in (4, None):
        got = getattr(arrax.ops, op)(anp.asarray(data), anp.asarray(ids), num)
        want = getattr(jax.ops, op)(jnp.asarray(data), jnp.asarray(ids), num)
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
        assert np.asarray(got).dtype == np.asarray(want).dtype


def test_segment_sum_traces():
    ids = anp.asarray([0, 1, 0, 2])
    f = arrax.jit(lambda d: arrax.ops.segment_sum(d, ids, 3))
    np.testing.assert_allclose(np.asarray(f(anp.arange(4.0))), [2.0, 1.0, 3.0])
    g = arrax.grad(lambda d: (arrax.ops.segment_max(d, ids, 3) ** 2).sum())(anp.arange(4.0))
    np.testing.assert_allclose(np.asarray(g), [0.0, 2.0, 4.0, 6.0])
    v = arrax.vmap(lambda d: arrax.ops.segment_sum(d, ids, 3))(anp.ones((2, 4)))
    np.testing.assert_allclose(np.asarray(v), [[2, 1, 1], [2, 1, 1]])
    with pytest.raises(ValueError, match="segment_sum"):
        arrax.ops.segment_sum(anp.ones(3), anp.asarray([0, 1]), 2)


def _concretization_cases():
    def python_if(x):
        return x if x > 0 else -x

    return [
        (python_if, "TracerBoolConversionError"),
        (lambda x: np.asarray(x), "TracerArrayConversionError"),
        (lambda x: anp.zeros(x), "TracerIntegerConversionError"),
        (lambda x: float(x), "ConcretizationTypeError"),
        (lambda x: anp.nonzero(anp.arange(3) > x), "ConcretizationTypeError"),
        (lambda x: anp.arange(3)[anp.arange(3) > x], "NonConcreteBooleanIndexError"),
    ]


@pytest.mark.parametrize("case", range(6))
def test_errors_are_jax_classes(case):
    fn, name = _concretization_cases()[case]
    cls = getattr(arrax.errors, name)
    with pytest.raises(cls) as info:
        arrax.jit(fn)(anp.asarray(1))
    assert isinstance(
        info.value, TypeError if name != "NonConcreteBooleanIndexError" else IndexError
    )
    # JAX raises the class of the same name for the same program.
    jfn = _concretization_cases()[case][0]
    with pytest.raises(getattr(jax.errors, name)):
        jax.jit(lambda x: jfn(x) if case < 4 else None)(jnp.asarray(1)) if case < 4 else (
            jax.jit(lambda x: jnp.nonzero(jnp.arange(3) > x))(1) if case == 4
            else jax.jit(lambda x: jnp.arange(3)[jnp.arange(3) > x])(1)
        )  # fmt: skip


@pytest.mark.usefixtures("jax_x64")
def test_dtypes_typing_and_small_modules():
    from arrax import dtypes
    from arrax.typing import ArrayLike, DTypeLike

    assert dtypes.issubdtype(anp.bfloat16, anp.floating) == jax.dtypes.issubdtype(
        jnp.bfloat16, jnp.floating
    )
    assert anp.finfo(anp.bfloat16).eps == jnp.finfo(jnp.bfloat16).eps
    assert dtypes.canonicalize_dtype(np.float64) == np.float64
    assert dtypes.result_type(1, 2.0, return_weak_type_flag=True) == (np.float64, True)
    assert dtypes.scalar_type_of(anp.ones(2)) is float and dtypes.itemsize_bits(np.int16) == 16
    assert arrax.float0 == jax.dtypes.float0
    assert anp.ndarray in ArrayLike.__args__ and np.dtype in DTypeLike.__args__
    from arrax.custom_derivatives import custom_jvp, custom_vjp

    assert custom_jvp is arrax.custom_jvp and custom_vjp is arrax.custom_vjp
    assert arrax.dlpack.is_supported_dtype(np.float32)
    close(arrax.dlpack.from_dlpack(np.arange(3.0)), np.arange(3.0))
    import arrax.scipy.stats.norm as norm

    close(norm.logpdf(0.5), jax.scipy.stats.norm.logpdf(0.5), rtol=1e-6)
    y = rng.standard_normal(7)
    close(arrax.scipy.integrate.trapezoid(y, dx=0.5), np.trapezoid(y, dx=0.5), rtol=1e-12)


def test_debug_module(capfd):
    from arrax import debug

    debug.print("v={v}", v=anp.asarray([1.0, 2.0]), ordered=True)
    arrax.jit(lambda x: debug.callback(lambda a: print("cb", a.sum()), x))(anp.ones(3))
    out = capfd.readouterr().out
    assert "v=[1. 2.]" in out and "cb 3.0" in out


RESIZE_CASES = [((5, 7), (9, 4)), ((3, 4), (0, 4)), ((8, 8, 2), (3, 5, 2)), ((2, 5, 5, 1), (2, 10, 5, 1))]  # fmt: skip
RESIZE_METHODS = ["nearest", "linear", "lanczos3", "lanczos5", "cubic", "cubic-pytorch", "area"]


@pytest.mark.usefixtures("jax_x64")
@pytest.mark.parametrize("method", RESIZE_METHODS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8, np.int64])
def test_image_resize_matches_jax(method, dtype):
    for in_shape, out_shape in RESIZE_CASES:
        x = (rng.random(in_shape) * 100).astype(dtype)
        for antialias in (True, False):
            got = arrax.image.resize(anp.asarray(x), out_shape, method, antialias=antialias)
            want = jax.image.resize(jnp.asarray(x), out_shape, method, antialias=antialias)
            scale = max(1.0, float(np.abs(np.asarray(want, np.float64)).max(initial=0)))
            close(got, want, rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.usefixtures("jax_x64")
@pytest.mark.parametrize("method", ["linear", "cubic", "lanczos3", "area"])
def test_image_scale_and_translate_matches_jax_with_gradients(method):
    x = rng.random((6, 5))
    t = np.array([0.3, -0.37])

    def loss(mod, np_):
        return lambda s: (mod(np_.asarray(x), (9, 4), (0, 1), s, np_.asarray(t), method) ** 2).sum()

    s = np.array([1.7, 0.83])
    close(loss(arrax.image.scale_and_translate, anp)(anp.asarray(s)),
          loss(jax.image.scale_and_translate, jnp)(jnp.asarray(s)), rtol=1e-10)  # fmt: skip
    if method != "area":
        close(arrax.grad(loss(arrax.image.scale_and_translate, anp))(anp.asarray(s)),
              jax.grad(loss(jax.image.scale_and_translate, jnp))(jnp.asarray(s)), rtol=1e-8)  # fmt: skip


def test_image_resize_traces_and_rejects_bad_input():
    x = anp.asarray(rng.random((3, 4, 4, 2)), anp.float32)
    f = arrax.jit(lambda im: arrax.image.resize(im, (8, 2, 2), "bilinear"))
    batched = arrax.vmap(f)(x)
    for i in range(3):
        close(batched[i], arrax.image.resize(x[i], (8, 2, 2), "linear"), rtol=1e-6)
    g = arrax.grad(lambda im: arrax.image.resize(im, (8, 2, 2), "cubic").sum())(x[0])
    assert g.shape == (4, 4, 2)
    with pytest.raises(ValueError, match="resize"):
        arrax.image.resize(x, (2, 2), "linear")
    with pytest.raises(ValueError, match="unknown resize method"):
        arrax.image.resize(x, x.shape, "bogus")


# Programs using collectives over a vmap's named axis: (name, builder(lax, numpy)).
COLLECTIVE_PROGRAMS = [
    ("batchnorm", lambda L, N: lambda v: (v - L.pmean(v, "i")) / N.sqrt(L.pmean((v - L.pmean(v, "i")) ** 2, "i") + 1e-5)),
    ("psum_constant", lambda L, N: lambda v: v * L.psum(1, "i")),
    ("pmax_pmin", lambda L, N: lambda v: L.pmax(v, "i") - L.pmin(v, "i")),
    ("all_gather", lambda L, N: lambda v: L.all_gather(v, "i")),
    ("all_gather_axis1", lambda L, N: lambda v: L.all_gather(v, "i", axis=1)),
    ("all_gather_tiled", lambda L, N: lambda v: L.all_gather(v, "i", tiled=True)),
    ("axis_index", lambda L, N: lambda v: v * L.axis_index("i")),
    ("softmax_over_members", lambda L, N: lambda v: N.exp(v) / L.psum(N.exp(v), "i")),
    ("pytree", lambda L, N: lambda v: L.psum({"a": v, "b": (v * 2,)}, "i")["b"][0]),
]  # fmt: skip


@pytest.mark.usefixtures("jax_x64")
@pytest.mark.parametrize("name,make", COLLECTIVE_PROGRAMS, ids=[c[0] for c in COLLECTIVE_PROGRAMS])
def test_collectives_under_vmap_match_jax(name, make):
    x = rng.standard_normal((4, 3))
    got = arrax.vmap(make(arrax.lax, anp), axis_name="i")(anp.asarray(x))
    want = jax.vmap(make(jax.lax, jnp), axis_name="i")(jnp.asarray(x))
    close(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.usefixtures("jax_x64")
def test_collectives_nest_differentiate_and_compile():
    x = rng.standard_normal((4, 3))

    def nested(L, vm):
        return vm(vm(lambda v: L.psum(v, "i") + L.pmax(v, "j"), axis_name="j"), axis_name="i")

    close(nested(arrax.lax, arrax.vmap)(anp.asarray(x)), nested(jax.lax, jax.vmap)(jnp.asarray(x)))

    def loss(L, N, vm):
        return lambda v: (vm(lambda r: r / L.psum(r, "i"), axis_name="i")(v) ** 2).sum()

    want = jax.grad(loss(jax.lax, jnp, jax.vmap))(jnp.asarray(x))
    close(arrax.grad(loss(arrax.lax, anp, arrax.vmap))(anp.asarray(x)), want, rtol=1e-10)
    close(arrax.jit(arrax.grad(loss(arrax.lax, anp, arrax.vmap)))(anp.asarray(x)), want, rtol=1e-10)
    w = np.array([0.5, -1.0, 2.0])

    def jvp_inside(ad, L, N, vm):
        def member(w, v):
            return ad.jvp(lambda w: L.psum(v * w, "i"), (w,), (N.ones(3),))[1]

        return vm(member, in_axes=(None, 0), axis_name="i")

    close(jvp_inside(arrax, arrax.lax, anp, arrax.vmap)(anp.asarray(w), anp.asarray(x)),
          jvp_inside(jax, jax.lax, jnp, jax.vmap)(jnp.asarray(w), jnp.asarray(x)))  # fmt: skip
    with pytest.raises(NameError, match="unbound axis name 'z'"):
        arrax.lax.psum(anp.ones(2), "z")


def test_pmap_runs_one_member_per_device():
    f = arrax.pmap(lambda x: x / arrax.lax.psum(x, "d"), axis_name="d")
    close(f(anp.ones((1, 3))), np.ones((1, 3)))
    with pytest.raises(ValueError, match="pmap: the mapped axis has size 2"):
        f(anp.ones((2, 3)))
    g = arrax.pmap(lambda x, n: x * n, static_broadcasted_argnums=1)
    close(g(anp.ones((1, 2)), 3), np.full((1, 2), 3.0))
    close(arrax.pmap(lambda x, y: x + y, in_axes=(0, None))(anp.ones((1, 2)), anp.ones(2)),
          np.full((1, 2), 2.0))  # fmt: skip
    jf = jax.pmap(lambda x: x / jax.lax.psum(x, "d"), axis_name="d")
    close(f(anp.ones((1, 3), anp.float32)), jf(jnp.ones((1, 3), jnp.float32)))


def _pendulum(N):
    return lambda y, t, k: N.stack([y[1], -k * N.sin(y[0]) - 0.1 * y[1] * N.cos(t)])


@pytest.mark.usefixtures("jax_x64")
def test_odeint_matches_jax_with_adjoint_gradients():
    from arrax.experimental.ode import odeint
    from jax.experimental.ode import odeint as jodeint

    y0, ts = np.array([1.0, 0.0]), np.linspace(0, 5, 7)
    got = odeint(_pendulum(anp), anp.asarray(y0), anp.asarray(ts), 2.0)
    want = jodeint(_pendulum(jnp), jnp.asarray(y0), jnp.asarray(ts), 2.0)
    close(got, want, rtol=1e-6, atol=1e-7)  # two adaptive solvers at rtol = atol = 1.4e-8

    def loss(ode, N):
        return lambda y0, ts, k: (ode(_pendulum(N), y0, ts, k) ** 2).sum()

    grads = arrax.grad(loss(odeint, anp), argnums=(0, 1, 2))(anp.asarray(y0), anp.asarray(ts), 2.0)
    jgrads = jax.grad(loss(jodeint, jnp), argnums=(0, 1, 2))(jnp.asarray(y0), jnp.asarray(ts), 2.0)
    for g, w in zip(grads, jgrads):
        close(g, w, rtol=1e-5, atol=1e-6)
    jitted = arrax.jit(lambda y0, k: odeint(_pendulum(anp), y0, anp.asarray(ts), k))
    close(jitted(anp.asarray(y0), 2.0), got, rtol=1e-12)
    ks = np.array([1.0, 3.0])
    batched = arrax.vmap(lambda k: odeint(_pendulum(anp), anp.asarray(y0), anp.asarray(ts), k))
    jbatched = jax.vmap(lambda k: jodeint(_pendulum(jnp), jnp.asarray(y0), jnp.asarray(ts), k))
    close(batched(anp.asarray(ks)), jbatched(jnp.asarray(ks)), rtol=1e-6, atol=1e-7)


def test_odeint_pytree_state_keeps_float32():
    from arrax.experimental.ode import odeint

    def decay(y, t):
        return {"a": -y["a"], "b": 2.0 * y["a"]}

    y0 = {"a": anp.ones(2, anp.float32), "b": anp.zeros(2, anp.float32)}
    out = odeint(decay, y0, anp.linspace(0, 1, 3, dtype=anp.float32))
    t = np.linspace(0, 1, 3)[:, None]
    close(out["a"], np.exp(-t).repeat(2, 1).astype(np.float32), rtol=1e-5)
    close(out["b"], (2 - 2 * np.exp(-t)).repeat(2, 1).astype(np.float32), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="odeint: t must be one-dimensional"):
        odeint(decay, y0, anp.ones((2, 2)))


def test_checkpoint_policies_map_batch_size_devices_and_float0():
    f = arrax.checkpoint(lambda x: anp.sin(x) ** 2, policy=arrax.checkpoint_policies.dots_saveable)
    close(arrax.grad(f)(1.0), np.sin(2.0), rtol=1e-12)  # d sin(x)^2 = sin(2x)
    assert arrax.checkpoint_policies.dots_saveable("dot_general") is True
    assert arrax.checkpoint_policies.save_only_these_names("h")("name", name="h") is True
    from arrax.ad_checkpoint import checkpoint_name

    close(checkpoint_name(anp.ones(2), "h"), np.ones(2))
    xs = anp.arange(7.0)
    for bs in (None, 2, 3, 7):
        close(arrax.lax.map(lambda x: x**2 + 1, xs, batch_size=bs), np.arange(7.0) ** 2 + 1)
    tree = arrax.lax.map(lambda p: {"s": p[0] + p[1]}, (xs, xs), batch_size=4)
    close(tree["s"], 2 * np.arange(7.0))
    assert anp.ones(2).devices() == {arrax.devices()[0]}
    gx, gn = arrax.grad(lambda x, n: x * n, argnums=(0, 1), allow_int=True)(1.0, 2)
    jx, jn = jax.grad(lambda x, n: x * n, argnums=(0, 1), allow_int=True)(1.0, 2)
    assert np.asarray(gn).dtype == np.asarray(jn).dtype == arrax.float0
    close(gx, np.asarray(jx, np.float64))


def test_pad_with_a_traced_constant():
    f = arrax.jit(lambda x, c: anp.pad(x, ((1, 0), (0, 2)), constant_values=c))
    x = np.arange(6.0).reshape(2, 3)
    close(f(anp.asarray(x), 7.0), np.pad(x, ((1, 0), (0, 2)), constant_values=7.0))
    g = arrax.grad(lambda c: anp.pad(anp.asarray(x), 1, constant_values=c).sum())(2.0)
    close(g, np.asarray(np.pad(x, 1, constant_values=1.0).size - x.size, np.float64))


def test_check_grads_of_real_to_complex_functions():
    from arrax.test_util import check_grads

    x = anp.asarray(rng.standard_normal(3))
    check_grads(lambda a: a * (1 + 1j), (x,), order=2)
    check_grads(lambda a: anp.exp(1j * a) * a, (x,), order=1)
    with pytest.raises(AssertionError):  # a wrong rule is still caught
        wrong = arrax.custom_vjp(lambda a: a * (1 + 1j))
        wrong.defvjp(lambda a: (a * (1 + 1j), None), lambda _, ct: (anp.real(ct) * 3,))
        check_grads(wrong, (x,), order=1, modes=["rev"])
