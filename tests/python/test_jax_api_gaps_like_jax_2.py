"""JAX API names arrax lacked, continued (see test_jax_api_gaps_like_jax.py): collectives
over named axes (psum_scatter, all_to_all, pswapaxes, pshuffle), the config context
managers at top level (debug_nans, debug_infs, log_compiles, enable_checks,
default_prng_impl, numpy_dtype_promotion, numpy_rank_promotion), io_callback, key_impl,
igamma_grad_a and random_gamma_grad; checked against JAX itself (0.10.2, 64-bit)."""

import logging
import warnings

import arrax
import numpy as np
import pytest

from jax_programs_common import _assert_trees_close, _jax, _jax_x64_here  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


def _both(make, *args, **vmap_kw):
    """make(lax) -> per-member function, vmapped over axis 'i' with arrax and with JAX."""
    jax = _jax()
    ours = arrax.vmap(make(arrax.lax), axis_name="i", **vmap_kw)(*args)
    theirs = jax.vmap(make(jax.lax), axis_name="i", **vmap_kw)(*args)
    assert np.asarray(ours).dtype == np.asarray(theirs).dtype
    _assert_trees_close(ours, theirs, rtol=1e-12, atol=1e-12)


# --- collectives ------------------------------------------------------------------------


@pytest.mark.parametrize("tiled", [False, True])
def test_psum_scatter_like_jax(tiled):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 3, 4))
    _both(lambda L: lambda v: L.psum_scatter(v, "i", tiled=tiled), x)
    x2 = rng.normal(size=(3, 4, 6))
    _both(lambda L: lambda v: L.psum_scatter(v, "i", scatter_dimension=1, tiled=True), x2)
    xi = rng.integers(0, 5, size=(3, 3)).astype(np.int32)  # sums keep int32, as JAX's
    _both(lambda L: lambda v: L.psum_scatter(v, "i", tiled=tiled), xi)
    _both(lambda L: lambda v: L.psum(v, "i"), xi)
    c = rng.normal(size=(3, 4))  # the same for every member
    _both(lambda L: lambda v: L.psum_scatter(c, "i") + 0 * v.sum(), x)


@pytest.mark.parametrize("split,concat", [(1, 0), (1, 1), (1, 2), (0, 1)])
def test_all_to_all_like_jax(split, concat):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 2, 3, 5))
    if split == 0:
        x = np.moveaxis(x, 2, 1)
    _both(lambda L: lambda v: L.all_to_all(v, "i", split, concat), x)
    x4 = rng.normal(size=(3, 4, 6, 2))
    if split == 1:
        _both(lambda L: lambda v: L.all_to_all(v, "i", split, concat, tiled=True), x4)


def test_pswapaxes_pshuffle_like_jax():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 2, 3, 5))
    _both(lambda L: lambda v: L.pswapaxes(v, "i", 1), x)
    y = rng.normal(size=(3, 3, 4))
    _both(lambda L: lambda v: L.pshuffle(v, "i", [2, 0, 1]), y)
    with pytest.raises(ValueError, match="permutation"):
        arrax.vmap(lambda v: arrax.lax.pshuffle(v, "i", [2, 0, 0]), axis_name="i")(y)
    with pytest.raises(ValueError, match="all_to_all"):
        arrax.vmap(lambda v: arrax.lax.all_to_all(v, "i", 0, 0), axis_name="i")(x)


def test_collectives_nested_jit_pmap_and_gradients_like_jax():
    jax = _jax()
    rng = np.random.default_rng(3)
    y = rng.normal(size=(3, 2, 3, 4))
    x = rng.normal(size=(3, 3, 4))
    x3 = rng.normal(size=(3, 2, 3, 5))
    w = np.arange(90.0).reshape(3, 3, 2, 5)

    def run(X):
        L = X.lax
        return (
            # an inner vmap between the named axis and the collective
            X.vmap(X.vmap(lambda v: L.all_to_all(v, "i", 0, 1), axis_name="j"), axis_name="i")(y),
            X.vmap(X.vmap(lambda v: L.psum_scatter(v, "i"), axis_name="j"), axis_name="i")(y),
            X.jit(X.vmap(lambda v: L.pswapaxes(v, "i", 0), axis_name="i"))(x),
            X.pmap(lambda v: L.psum_scatter(v, "i"), axis_name="i")(x[:1, :1]),
            # gradients through the collective (taken outside the mapped function), and a
            # forward-mode derivative inside it
            X.grad(
                lambda x: (
                    X.vmap(lambda v: L.all_to_all(v, "i", 1, 0), axis_name="i")(x) ** 2 * w
                ).sum()  # fmt: skip
            )(x3),
            X.grad(
                lambda x: (X.vmap(lambda v: L.psum_scatter(v, "i"), axis_name="i")(x) ** 3).sum()
            )(x),
            X.vmap(
                lambda v: X.jvp(lambda v: L.psum_scatter(v, "i") ** 2, (v,), (v,))[1],
                axis_name="i",
            )(x),
        )

    _assert_trees_close(run(arrax), run(jax), rtol=1e-12, atol=1e-12)


# --- config context managers ------------------------------------------------------------


def test_debug_nans_and_infs_context_managers_like_jax():
    jax = _jax()
    for X in (arrax, jax):
        N = X.numpy
        with X.debug_nans(True):
            with pytest.raises(FloatingPointError):
                N.log(N.array(-1.0)).block_until_ready()
            with pytest.raises(FloatingPointError):
                X.jit(lambda x: N.log(x))(N.array(-1.0)).block_until_ready()
        assert not X.config.jax_debug_nans
        with warnings.catch_warnings():  # (arrax warns as NumPy does)
            warnings.simplefilter("ignore")
            N.log(N.array(-1.0))  # off again
        with X.debug_infs(True):
            with pytest.raises(FloatingPointError):
                (N.array(1.0) / 0.0).block_until_ready()
        assert not X.config.jax_debug_infs

        @X.debug_nans(True)
        def f(x):
            return N.sqrt(x)

        with pytest.raises(FloatingPointError):
            f(N.array(-1.0)).block_until_ready()
        assert not X.config.jax_debug_nans


def test_log_compiles_context_manager_like_jax(caplog):
    jax = _jax()
    for X, logger in ((arrax, "arrax"), (jax, "jax")):
        f = X.jit(lambda x: x * 2 + 1)
        with caplog.at_level(logging.WARNING, logger=logger):
            caplog.clear()
            with X.log_compiles(True):
                f(np.ones(3))
            assert any("Compiling" in r.getMessage() for r in caplog.records), X
            caplog.clear()
            with X.log_compiles(True):
                f(np.ones(3))  # cached: nothing compiled
            assert not any("Compiling" in r.getMessage() for r in caplog.records), X
            f(np.ones(4))  # outside: not logged
            assert not any("Compiling" in r.getMessage() for r in caplog.records), X
        assert not X.config.jax_log_compiles


def test_enable_checks_and_default_prng_impl_like_jax():
    jax = _jax()
    for X in (arrax, jax):
        with X.enable_checks(True):
            assert X.config.jax_enable_checks
            out = X.jit(lambda x: X.numpy.sin(x) * 2)(np.ones(3))
            np.testing.assert_allclose(out, 2 * np.sin(np.ones(3)))
        assert not X.config.jax_enable_checks
        with X.default_prng_impl("threefry2x32"):
            assert X.config.jax_default_prng_impl == "threefry2x32"
            np.testing.assert_array_equal(X.random.key_data(X.random.key(0)), [0, 0])
    # arrax has threefry keys only: another implementation is refused, not ignored
    with pytest.raises(ValueError, match="rbg"):
        with arrax.default_prng_impl("rbg"):
            pass
    assert arrax.config.jax_default_prng_impl == "threefry2x32"


def test_numpy_promotion_context_managers_accept_defaults_and_refuse_the_rest():
    jax = _jax()
    for X in (arrax, jax):
        with X.numpy_dtype_promotion("standard"), X.numpy_rank_promotion("allow"):
            out = X.numpy.ones((2, 3), np.float32) + X.numpy.ones(3, np.float32)
            assert out.shape == (2, 3) and out.dtype == np.float32
    with pytest.raises(ValueError):
        with arrax.numpy_dtype_promotion("bogus"):
            pass
    with pytest.raises(ValueError):
        with arrax.numpy_rank_promotion("bogus"):
            pass
    assert arrax.config.jax_numpy_rank_promotion == "allow"


# --- io_callback, random.key_impl, igamma_grad_a, random_gamma_grad ------------------------


def test_io_callback_like_jax():
    jax = _jax()
    from arrax.experimental import io_callback
    from jax.experimental import io_callback as jax_io_callback

    for X, cb_fn in ((arrax, io_callback), (jax, jax_io_callback)):
        log = []

        def cb(x):
            log.append(np.asarray(x).copy())
            return np.asarray(x) * 2

        @X.jit
        def f(x):
            cb_fn(cb, X.ShapeDtypeStruct(x.shape, x.dtype), x)  # result unused: still runs
            return cb_fn(cb, X.ShapeDtypeStruct(x.shape, x.dtype), x + 1, ordered=True) + 1

        np.testing.assert_array_equal(f(np.arange(3.0)), [3.0, 5.0, 7.0])
        X.effects_barrier() if hasattr(X, "effects_barrier") else None
        assert len(log) == 2, X
        unordered = X.vmap(lambda x: cb_fn(cb, X.ShapeDtypeStruct((), x.dtype), x))
        np.testing.assert_array_equal(unordered(np.arange(3.0)), [0.0, 2.0, 4.0])
        with pytest.raises(ValueError, match="ordered"):
            X.vmap(lambda x: cb_fn(cb, X.ShapeDtypeStruct((), x.dtype), x, ordered=True))(
                np.arange(3.0)
            )
        with pytest.raises(ValueError, match="JVP"):
            X.grad(lambda x: cb_fn(cb, X.ShapeDtypeStruct((), x.dtype), x))(1.0)


def test_key_impl_like_jax():
    jax = _jax()
    assert arrax.random.key_impl(arrax.random.key(0)) == str(jax.random.key_impl(jax.random.key(0)))
    assert arrax.random.key_impl(arrax.random.split(arrax.random.key(0), 3)) == "threefry2x32"
    with pytest.raises(TypeError):
        arrax.random.key_impl(np.ones(3))


@pytest.mark.parametrize("name", ["igamma_grad_a", "random_gamma_grad"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gamma_derivative_functions_like_jax(name, dtype):
    jax = _jax()
    a = np.array([0.5, 2.0, 7.3, 30.0], dtype)
    x = np.array([0.2, 1.5, 9.0, 28.0], dtype)
    ours, theirs = getattr(arrax.lax, name)(a, x), getattr(jax.lax, name)(a, x)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    tol = 2e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)
    np.testing.assert_allclose(arrax.jit(getattr(arrax.lax, name))(a, x), theirs, rtol=tol)
    np.testing.assert_allclose(arrax.vmap(getattr(arrax.lax, name))(a, x), theirs, rtol=tol)
    for args in [(np.array([2]), np.array([1])), (np.array([2.0]), np.array([1.5], np.float32))]:
        with pytest.raises(TypeError):
            getattr(jax.lax, name)(*args)
        with pytest.raises(TypeError, match=name):
            getattr(arrax.lax, name)(*args)


RANK_PROMOTION_CALLS = {
    "operator": lambda X, x, y: x + y,
    "ufunc": lambda X, x, y: X.numpy.maximum(x, y),
    "same_rank_broadcast": lambda X, x, y: x * X.numpy.ones((1, 3)),
    "python_scalar": lambda X, x, y: x - 1.0,
    "zero_d_array": lambda X, x, y: x / X.numpy.asarray(2.0),
    "under_jit": lambda X, x, y: X.jit(lambda a, b: a * b)(x, y),
    "under_vmap": lambda X, x, y: X.vmap(lambda a: a + y)(x),
    "comparison": lambda X, x, y: x < y,
}


@pytest.mark.parametrize("mode", ["raise", "warn"])
@pytest.mark.parametrize("name", sorted(RANK_PROMOTION_CALLS))
def test_numpy_rank_promotion_like_jax(mode, name):
    jax = _jax()
    import warnings

    call = RANK_PROMOTION_CALLS[name]
    outcomes = []
    for X in (jax, arrax):
        x, y = X.numpy.ones((2, 3)), X.numpy.ones(3)
        with X.numpy_rank_promotion(mode), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = call(X, x, y)
                outcome = ("ok", tuple(out.shape))
            except ValueError as e:
                assert "jax_numpy_rank_promotion='raise'" in str(e)
                outcome = ("ValueError",)
        warned = [w for w in caught if "automatic rank promotion" in str(w.message)]
        assert all(w.category is UserWarning for w in warned)
        outcomes.append((outcome, bool(warned)))
        assert X.config.jax_numpy_rank_promotion == "allow"
    assert outcomes[0] == outcomes[1]


def test_numpy_rank_promotion_retraces_jit():
    f = arrax.jit(lambda a, b: a + b)
    x, y = arrax.numpy.ones((2, 3)), arrax.numpy.ones(3)
    assert f(x, y).shape == (2, 3)  # traced under "allow"
    with arrax.numpy_rank_promotion("raise"):
        with pytest.raises(ValueError, match="^add: "):
            f(x, y)
    assert f(x, y).shape == (2, 3)


# (dtype names: JAX in float64 mode, as arrax is; unary ufuncs and int/int division keep
# NumPy's result types in arrax, so only the promotion between operands is compared)
STRICT_PROMOTION_CALLS = {
    "f32_f64": lambda X: X.numpy.ones(3, np.float32) + X.numpy.ones(3, np.float64),
    "f32_pyfloat": lambda X: X.numpy.ones(3, np.float32) + 1.0,
    "i32_pyfloat": lambda X: X.numpy.ones(3, np.int32) + 1.5,
    "i32_i64": lambda X: X.numpy.ones(3, np.int32) - X.numpy.ones(3, np.int64),
    "bool_i32": lambda X: X.numpy.ones(3, bool) + X.numpy.ones(3, np.int32),
    "i32_pybool": lambda X: X.numpy.ones(3, np.int32) * True,
    "f32_f32": lambda X: X.numpy.ones(3, np.float32) * X.numpy.ones(3, np.float32),
    "f16_f32_ufunc": lambda X: X.numpy.maximum(X.numpy.ones(3, np.float16), X.numpy.ones(3)),
    "c64_pyfloat": lambda X: X.numpy.ones(3, np.complex64) * 1.0,
    "under_jit": lambda X: X.jit(lambda a, b: a * b)(X.numpy.ones(3, np.float32), X.numpy.ones(3)),
}


@pytest.mark.parametrize("name", sorted(STRICT_PROMOTION_CALLS))
def test_numpy_dtype_promotion_strict_like_jax(name, jax_x64):
    jax = _jax()
    outcomes = []
    for X in (jax, arrax):
        with X.numpy_dtype_promotion("strict"):
            assert X.config.jax_numpy_dtype_promotion == "strict"
            try:
                outcomes.append(str(STRICT_PROMOTION_CALLS[name](X).dtype))
            except X.dtypes.TypePromotionError as e:
                assert "jax_numpy_dtype_promotion=strict" in str(e)
                outcomes.append("TypePromotionError")
        assert X.config.jax_numpy_dtype_promotion == "standard"
    assert outcomes[0] == outcomes[1]
