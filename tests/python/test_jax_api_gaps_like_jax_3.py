"""JAX public API that arrax lacked, checked against JAX itself (64-bit): values, dtypes and
shapes, under jit/grad/vmap where JAX allows them.

* ``custom_batching.custom_vmap`` / ``sequential_vmap``: the rule replaces batching under
  vmap (nested, inside and outside jit), forward mode goes through the JVP of the rule, and
  reverse mode is refused as JAX refuses it (``custom_vjp`` outside makes it differentiable);
* ``experimental.jet``: Taylor-mode propagation, orders 1-4;
* ``lax.linalg``: ``ormqr``, ``symmetric_product``, ``cholesky_update``, ``qdwh``;
* ``nn.initializers.Initializer``, ``random.key_dtype``, ``core`` (``Tracer`` and friends),
  ``version``, the config options and context managers, process/array helpers, the mesh
  context of ``sharding`` and ``debug``'s sharding inspection, ``compilation_cache``."""

import arrax
import numpy as np
import pytest

from jax_programs_common import _assert_same_trees, _jax, _jax_x64_here  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


def _assert_same(ours, theirs, rtol=1e-9, atol=1e-12):
    _assert_same_trees(ours, theirs, rtol, atol, f32_tol=(2e-5, 1e-6), loose=(np.float32,))


def _both(program):
    jax = _jax()
    return program(arrax, arrax.numpy), program(jax, jax.numpy)


# --- custom_vmap -----------------------------------------------------------------------------


def _sin_times(X, N, calls=None):
    @X.custom_batching.custom_vmap
    def f(x, y):
        return N.sin(x) * y

    @f.def_vmap
    def rule(axis_size, in_batched, xs, ys):
        if calls is not None:
            calls.append((axis_size, list(in_batched)))
        # (a different value, so that the tests see which one ran)
        return N.sin(xs) * ys + 1.0, in_batched[0] or in_batched[1]

    return f


X3 = np.array([0.0, 1.0, 2.0])
Y3 = np.array([1.0, 2.0, 3.0])


def test_custom_vmap_rule_replaces_batching():
    calls = {}

    def prog(X, N):
        c = calls.setdefault(X.__name__, [])
        f = _sin_times(X, N, c)
        x, y = N.asarray(X3), N.asarray(Y3)
        return (
            f(x, y),  # (no vmap: the function itself)
            X.vmap(f)(x, y),
            X.vmap(f, (0, None))(x, N.asarray(2.0)),
            X.jit(X.vmap(f))(x, y),
            X.vmap(X.jit(f))(x, y),
            X.vmap(X.vmap(f))(N.ones((2, 3)), N.ones((2, 3))),
            X.vmap(X.vmap(f, (0, None)), (None, 0))(x, y[:2]),
            X.vmap(f, in_axes=(1, 0), out_axes=1)(N.ones((2, 3)), N.ones((3, 2)) * 2),
        )

    _assert_same(*_both(prog))
    assert calls["arrax"][:3] == [(3, [True, True]), (3, [True, False]), (3, [True, True])]


def test_custom_vmap_forward_mode_like_jax():
    def prog(X, N):
        f = _sin_times(X, N)
        x, y = N.asarray(X3), N.asarray(Y3)
        return (
            X.jvp(f, (1.0, 2.0), (1.0, 0.0)),
            X.vmap(lambda a, b: X.jvp(f, (a, b), (1.0, 0.0)))(x, y),
            X.vmap(lambda a, b: X.jvp(f, (a, b), (a, b)))(x, y),
            X.jit(X.vmap(lambda a, b: X.jvp(f, (a, b), (b, a))))(x, y),
            X.jacfwd(f)(1.0, 2.0),
            X.jacfwd(X.vmap(f))(x, y),
            X.vmap(X.jacfwd(f))(x, y),
        )

    _assert_same(*_both(prog))


def test_custom_vmap_refuses_reverse_mode_like_jax():
    jax = _jax()
    for X in (arrax, jax):
        f = _sin_times(X, X.numpy)
        with pytest.raises(ValueError, match="Linearization failed"):
            X.grad(f)(1.0, 2.0)
        with pytest.raises(ValueError, match="Linearization failed"):
            X.vmap(X.grad(f))(X.numpy.asarray(X3), X.numpy.asarray(Y3))


def test_custom_vmap_under_custom_vjp_like_jax():
    """JAX's documented pattern: custom_vjp outside custom_vmap, differentiable and batched."""

    def prog(X, N):
        @X.custom_vjp
        @X.custom_batching.custom_vmap
        def f(x, y):
            return N.sin(x) * y

        @f.def_vmap
        def f_vmap_rule(axis_size, in_batched, xs, ys):
            return N.cos(xs) * ys, True

        def f_fwd(x, y):
            return f(x, y), (N.cos(x), N.sin(x), y)

        def f_bwd(res, g):
            cos_x, sin_x, y = res
            return (cos_x * g * y, sin_x * g)

        f.defvjp(f_fwd, f_bwd)
        return (
            X.vmap(f)(N.zeros(3), N.ones(3)),
            X.grad(f)(N.zeros(()), N.ones(())),
            X.vmap(X.grad(f))(N.asarray(X3), N.asarray(Y3)),
            X.jit(X.vmap(X.grad(f, argnums=(0, 1))))(N.asarray(X3), N.asarray(Y3)),
        )

    _assert_same(*_both(prog))


def test_custom_vmap_pytrees_and_unbatched_outputs():
    def prog(X, N):
        @X.custom_batching.custom_vmap
        def f(d, s):
            return {"sum": d["a"] + d["b"] * s, "const": s * 2}

        @f.def_vmap
        def rule(n, in_batched, d, s):
            assert in_batched[0] == {"a": True, "b": False} and in_batched[1] is False
            return {"sum": d["a"] + d["b"] * s, "const": s * 2}, {"sum": True, "const": False}

        d = {"a": N.arange(6.0).reshape(3, 2), "b": N.ones(2)}
        return X.vmap(f, in_axes=({"a": 0, "b": None}, None))(d, N.asarray(3.0))

    _assert_same(*_both(prog))


def test_custom_vmap_rule_errors():
    jax = _jax()
    for X in (arrax, jax):
        N = X.numpy

        @X.custom_batching.custom_vmap
        def g(x):
            return x

        with pytest.raises(AttributeError, match="No batching rule"):
            g(1.0)
        g.def_vmap(lambda n, b, x: (x, [True]))
        with pytest.raises(ValueError, match="do not match"):
            X.vmap(g)(N.ones(3))
        g.def_vmap(lambda n, b, x: ((x, x), (True, True)))
        with pytest.raises(ValueError, match="original custom-vmapped function"):
            X.vmap(g)(N.ones(3))


def test_sequential_vmap_like_jax():
    def prog(X, N):
        @X.custom_batching.sequential_vmap
        def mm(x, y):
            return x @ y

        a = N.arange(24.0).reshape(4, 2, 3)
        b = N.arange(15.0).reshape(3, 5)
        return (
            mm(a[0], b),
            X.vmap(mm, (0, None))(a, b),
            X.vmap(mm, (0, 0))(a, N.stack([b] * 4)),
            X.jit(X.vmap(mm, (None, 0)))(a[0], N.stack([b] * 2)),
            X.vmap(X.vmap(mm, (0, None)), (0, None))(a.reshape(2, 2, 2, 3), b),
        )

    _assert_same(*_both(prog))


def test_sequential_vmap_runs_one_member_at_a_time():
    seen = []

    @arrax.custom_batching.sequential_vmap
    def f(x):
        seen.append(tuple(x.shape))
        return x + 1

    out = arrax.vmap(f)(arrax.numpy.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(np.asarray(out), np.arange(6.0).reshape(3, 2) + 1)
    assert (2,) in seen and (3, 2) not in seen


# --- jet -------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
@pytest.mark.parametrize("name", ["sin", "exp", "log", "tanh", "poly"])
def test_jet_like_jax(order, shape, name):
    jax = _jax()
    from arrax.experimental.jet import jet
    from jax.experimental.jet import jet as jax_jet

    rng = np.random.default_rng(order * 10 + len(shape))
    x = rng.uniform(0.5, 1.5, shape)
    series = [rng.normal(size=shape) for _ in range(order)]

    def fun(N):
        if name == "poly":
            return lambda v: 3 * v**3 - 2 * v**2 + v - 5
        return getattr(N, name)

    ours = jet(
        fun(arrax.numpy), (arrax.numpy.asarray(x),), ([arrax.numpy.asarray(s) for s in series],)
    )
    theirs = jax_jet(fun(jax.numpy), (x,), (series,))
    _assert_same(ours, theirs, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_jet_of_matmul_and_pytrees_like_jax(order):
    jax = _jax()
    from arrax.experimental.jet import jet
    from jax.experimental.jet import jet as jax_jet

    rng = np.random.default_rng(order)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    sa = [rng.normal(size=a.shape) for _ in range(order)]
    sb = [rng.normal(size=b.shape) for _ in range(order)]

    def prog(X, N, J):
        A, B = N.asarray(a), N.asarray(b)
        SA, SB = [N.asarray(s) for s in sa], [N.asarray(s) for s in sb]
        return (
            J(lambda p, q: N.tanh(p @ q), (A, B), (SA, SB)),
            J(lambda p, q: {"e": N.exp(p @ q), "s": (N.sum(p**2),)}, (A, B), (SA, SB)),
            J(lambda p, q: N.sin(p @ q), (A, B), (SA, SB), factorial_scaled=False),
            X.jit(lambda p: J(N.sin, (p,), (SA,)))(A),
        )

    ours = prog(arrax, arrax.numpy, jet)
    theirs = prog(jax, jax.numpy, jax_jet)
    _assert_same(ours, theirs, rtol=1e-9, atol=1e-9)


def test_jet_float32_vmap_and_errors_like_jax():
    jax = _jax()
    from arrax.experimental.jet import jet
    from jax.experimental.jet import jet as jax_jet

    x32 = np.array([0.5, 1.0, 1.5], np.float32)

    def prog(X, N, J):
        v = N.asarray(x32)
        return (
            J(N.sin, (v,), ([v, v, v],)),
            X.vmap(lambda p: J(N.sin, (p,), ([p, p],))[1][1])(N.asarray(x32.astype(np.float64))),
        )

    _assert_same(prog(arrax, arrax.numpy, jet), prog(jax, jax.numpy, jax_jet))
    for J in (jet, jax_jet):
        with pytest.raises(ValueError, match="inconsistent lengths"):
            J(np.sin, (1.0,), ([1.0, 0.5], [1.0]))
        with pytest.raises(ValueError, match="not an array"):
            J(lambda d: d, ({"a": 1.0},), ([1.0],))


# --- lax.linalg ------------------------------------------------------------------------------


@pytest.mark.parametrize("m,n", [(5, 3), (4, 4), (3, 5)])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
def test_ormqr_like_jax(m, n, left, transpose):
    jax = _jax()
    rng = np.random.default_rng(m * 7 + n)
    h, taus = jax.numpy.linalg.qr(rng.normal(size=(m, n)), mode="raw")
    h, taus = np.asarray(h).T, np.asarray(taus)
    c = rng.normal(size=(m, 2) if left else (2, m))
    ours = arrax.lax.linalg.ormqr(h, taus, c, left=left, transpose=transpose)
    theirs = jax.lax.linalg.ormqr(h, taus, c, left=left, transpose=transpose)
    _assert_same(ours, theirs)


def test_symmetric_product_and_cholesky_update_like_jax():
    jax = _jax()
    rng = np.random.default_rng(1)
    a = rng.normal(size=(2, 4, 3))
    c = rng.normal(size=(2, 4, 4))
    c = c + c.transpose(0, 2, 1)
    for sym in (False, True):
        _assert_same(
            arrax.lax.linalg.symmetric_product(a, c, alpha=2.0, beta=0.5, symmetrize_output=sym),
            jax.lax.linalg.symmetric_product(a, c, alpha=2.0, beta=0.5, symmetrize_output=sym),
        )
    m = rng.normal(size=(5, 5))
    r = np.linalg.cholesky(m @ m.T + 5 * np.eye(5)).T
    w = rng.normal(size=5)
    _assert_same(arrax.lax.linalg.cholesky_update(r, w), jax.lax.linalg.cholesky_update(r, w))
    _assert_same(
        arrax.jit(arrax.lax.linalg.cholesky_update)(r, w),
        jax.jit(jax.lax.linalg.cholesky_update)(r, w),
    )


@pytest.mark.parametrize("shape", [(6, 4), (5, 5)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_qdwh_like_jax(shape, dtype):
    jax = _jax()
    rng = np.random.default_rng(shape[0])
    x = rng.normal(size=shape)
    if dtype == np.complex128:
        x = x + 1j * rng.normal(size=shape)
    x = x.astype(dtype)
    _assert_same(arrax.lax.linalg.qdwh(x), jax.lax.linalg.qdwh(x), rtol=1e-8, atol=1e-12)
    _assert_same(
        arrax.lax.linalg.qdwh(x, max_iterations=2),
        jax.lax.linalg.qdwh(x, max_iterations=2),
        rtol=1e-8,
        atol=1e-12,
    )
    _assert_same(
        arrax.jit(arrax.lax.linalg.qdwh)(x), jax.jit(jax.lax.linalg.qdwh)(x), rtol=1e-8, atol=1e-12
    )
    with pytest.raises(ValueError, match="M >= N"):
        arrax.lax.linalg.qdwh(np.ones((2, 3)))


# --- small names -----------------------------------------------------------------------------


def test_initializer_protocol_and_key_dtype_like_jax():
    jax = _jax()
    for X in (arrax, jax):
        init = X.nn.initializers
        assert isinstance(init.zeros, init.Initializer)
        assert isinstance(init.glorot_uniform(), init.Initializer)
        assert not isinstance(3, init.Initializer)
        assert X.random.key_dtype() == X.random.key(0).dtype
        assert X.random.key_dtype("threefry2x32") == X.random.key(0).dtype
        with pytest.raises(ValueError, match="unrecognized PRNG implementation"):
            X.random.key_dtype("foo")
    assert str(arrax.random.key_dtype()) == str(jax.random.key_dtype())


def test_core_tracer_like_jax():
    jax = _jax()
    for X in (arrax, jax):
        N = X.numpy
        seen = []

        def probe(a):
            seen.append(isinstance(a, X.core.Tracer))
            return a

        x = N.arange(3.0)
        probe(x)
        X.jit(probe)(x)
        X.grad(lambda a: probe(a) * 1.0)(1.0)
        X.vmap(probe)(x)
        assert seen == [False, True, True, True]
        assert X.core.ShapedArray((2, 3), np.float32).shape == (2, 3)
        assert X.core.concrete_or_error(int, N.asarray(3)) == 3
        assert float(X.grad(lambda a: X.core.concrete_or_error(float, a) * a)(2.0)) == 2.0
        with pytest.raises(X.errors.ConcretizationTypeError, match="my context"):
            X.jit(lambda a: X.core.concrete_or_error(int, a, "my context"))(x)
    assert (
        arrax.core.get_aval(arrax.numpy.ones((2, 3), np.float32))
        == jax.typeof(jax.numpy.ones((2, 3), np.float32))
        or str(arrax.core.get_aval(arrax.numpy.ones((2, 3), np.float32))) == "float32[2,3]"
    )
    assert arrax.core.ConcretizationTypeError is arrax.errors.ConcretizationTypeError


def test_version_and_process_helpers_like_jax():
    jax = _jax()
    assert arrax.version.__version__ == arrax.__version__
    for X in (arrax, jax):
        assert X.host_count() == 1 and X.host_id() == 0
        assert X.host_ids() == [0] and X.process_indices() == [0]
        assert X.effects_barrier() is None
        x = X.numpy.arange(3.0)
        assert X.copy_to_host_async(x) is x
        assert any(a is x for a in X.live_arrays())


def test_make_array_from_helpers_like_jax():
    data = np.arange(6.0).reshape(2, 3)

    def prog(X, N):
        s = X.sharding.SingleDeviceSharding(X.devices()[0])
        idx = []
        a = X.make_array_from_callback((2, 3), s, lambda i: idx.append(i) or data[i])
        assert idx == [(slice(None, None, None),) * 2]
        b = X.make_array_from_single_device_arrays((3,), s, [N.arange(3.0)])
        c = X.make_array_from_process_local_data(s, np.ones(3, np.float32))
        return a, b, c

    _assert_same(*_both(prog))


def test_config_options_and_context_managers():
    jax = _jax()
    for X in (arrax, jax):
        with pytest.warns(UserWarning) if X is arrax else _nothing():
            with X.checking_leaks():
                pass
        with X.check_tracer_leaks(False), X.debug_key_reuse(False):
            pass
        with X.threefry_partitionable(True), X.legacy_prng_key("allow"):
            pass
        with X.transfer_guard("allow"), X.transfer_guard_device_to_host("disallow"):
            np.asarray(X.numpy.arange(3.0))  # (a device-to-host copy: none on the CPU)
        with X.no_tracing():
            f = X.jit(lambda a: a * 2)
            with pytest.raises(RuntimeError, match="no_tracing"):
                f(X.numpy.arange(3.0))
        g = X.jit(lambda a: a * 3)
        g(X.numpy.arange(3.0))
        with X.no_tracing():
            g(X.numpy.arange(3.0))  # (cached: no trace)
        X.config.update("jax_compilation_cache_dir", "/tmp/arrax_test_cache_dir")
        assert X.config.jax_compilation_cache_dir == "/tmp/arrax_test_cache_dir"
        X.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        assert X.config.jax_persistent_cache_min_compile_time_secs == 0
        X.config.update("jax_compilation_cache_dir", None)
    # What arrax cannot honour is refused, not ignored.
    with pytest.raises(NotImplementedError, match="threefry_partitionable"):
        with arrax.threefry_partitionable(False):
            pass
    with pytest.raises(NotImplementedError, match="host_to_device"):
        with arrax.transfer_guard("disallow"):
            pass
    with pytest.raises(NotImplementedError, match="debug_key_reuse"):
        arrax.config.update("jax_debug_key_reuse", True)
    assert arrax.config.jax_transfer_guard_host_to_device == "allow"
    assert arrax.config.jax_threefry_partitionable is True


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_compilation_cache_module_like_jax():
    jax = _jax()
    from arrax.experimental.compilation_cache import compilation_cache as acc
    from jax.experimental.compilation_cache import compilation_cache as jcc

    for cc, X in ((acc, arrax), (jcc, jax)):
        cc.set_cache_dir("/tmp/arrax_test_cc")
        assert X.config.jax_compilation_cache_dir == "/tmp/arrax_test_cc"
        cc.reset_cache()
        X.config.update("jax_compilation_cache_dir", None)
    assert acc.is_initialized() is False


def test_sharding_mesh_context_like_jax():
    jax = _jax()
    for X in (arrax, jax):
        S = X.sharding
        assert S.get_abstract_mesh().empty and S.get_abstract_mesh().axis_names == ()
        assert S.get_mesh().axis_names == ()
        assert list(S.AxisType) == [S.AxisType.Auto, S.AxisType.Explicit, S.AxisType.Manual]
        am = S.AbstractMesh((2, 3), ("a", "b"))
        assert (am.axis_sizes, am.axis_names, am.size) == ((2, 3), ("a", "b"), 6)
        assert am.axis_types == (S.AxisType.Auto,) * 2
        assert dict(am.shape) == {"a": 2, "b": 3}
        d = X.devices()[0]
        assert S.make_single_device_sharding(d) == S.SingleDeviceSharding(d)
        mesh = X.make_mesh((1,), ("x",))
        x = X.numpy.arange(4.0)
        with S.set_mesh(mesh):
            assert S.get_abstract_mesh().axis_names == ("x",)
            assert S.get_abstract_mesh().axis_sizes == (1,)
            assert S.get_mesh() is mesh or S.get_mesh() == mesh
            y = S.reshard(x, S.PartitionSpec("x"))
            np.testing.assert_array_equal(np.asarray(y), np.arange(4.0))
            z = X.jit(lambda a: S.reshard(a * 2, S.PartitionSpec("x")))(x)
            np.testing.assert_array_equal(np.asarray(z), np.arange(4.0) * 2)
        assert S.get_abstract_mesh().empty
        with pytest.raises(TypeError, match="NamedSharding"):
            S.reshard(x, S.SingleDeviceSharding(d))


def test_debug_sharding_inspection(capsys):
    jax = _jax()
    got = []
    for X in (arrax, jax):
        x = X.numpy.arange(4.0)
        X.debug.inspect_array_sharding(x, callback=got.append)
    assert str(got[0]) == str(got[1]).replace("memory_kind=device", "memory_kind=None")
    arrax.debug.visualize_array_sharding(arrax.numpy.arange(4.0))
    assert "CPU 0" in capsys.readouterr().out
