"""The ``>>>`` examples of JAX's own docstrings (jax, jax.numpy, jax.lax, jax.nn, jax.random,
jax.scipy, jax.tree_util, ...) run with arrax in place of JAX and checked against JAX itself
(64-bit), and the divergences they turned up:

* ``pure_callback``'s ``vmap_method="expand_dims"`` and ``"broadcast_all"`` call the callback
  once on the whole batch (a size-1 or broadcast leading axis on the unbatched operands), not
  once per element;
* ``numpy.pad`` with a callable mode passes arrax arrays (JAX's functions use ``.at``) and
  takes the padded vector the function returns, besides NumPy's in-place functions, and works
  on traced arrays;
* ``numpy.bincount(x, length=n)`` drops values past the end and counts negative ones in bin 0
  (it clipped large values into the last bin);
* ``lax.reduce_window``'s ``window_strides`` and ``padding`` default to ones and "VALID";
* ``numpy.roots(p, strip_zeros=False)`` (a NaN root per leading zero) and ``numpy.poly`` of a
  scalar root;
* ``arrax.fwd_and_bwd`` (jax.fwd_and_bwd) was missing.
"""

import functools

import arrax
import numpy as np
import pytest

from jax_programs_common import _assert_trees_close, _jax, _jax_x64_here, _run_both  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


def _check(program, dtypes=True):
    ours, theirs = _run_both(program)
    _assert_trees_close(ours, theirs)
    if dtypes:
        for a, j in zip(arrax.tree_util.tree_leaves(ours), _jax().tree_util.tree_leaves(theirs)):
            assert np.asarray(a).dtype == np.asarray(j).dtype


# pure_callback's vmap_method


@pytest.mark.parametrize("method", ["expand_dims", "broadcast_all", "sequential"])
@pytest.mark.parametrize("jitted", [False, True])
def test_pure_callback_vmap_method(method, jitted):
    def program(jax, jnp, lax, nn, random):
        shapes = []

        def callback(x, y):
            shapes.append((np.shape(x), np.shape(y)))
            return np.asarray(x) + np.asarray(y)

        def fun(x, y):
            shape = jnp.broadcast_shapes(jnp.shape(x), jnp.shape(y))
            out = jax.ShapeDtypeStruct(shape, jnp.result_type(x, y))
            return jax.pure_callback(callback, out, x, y, vmap_method=method)

        f = jax.vmap(fun, in_axes=(1, None))
        if jitted:
            f = jax.jit(f)
        x = jnp.asarray(np.arange(12.0).reshape(3, 4))
        out = f(x, jnp.asarray(np.ones(3)))
        return out, np.array(shapes)

    _check(program)


def test_pure_callback_vmap_method_docstring():
    def program(jax, jnp, lax, nn, random):
        shapes = []

        def callback(x, y):
            shapes.append(np.shape(x) + np.shape(y))
            return x + y

        def fun(x, y, *, vmap_method):
            shape = jnp.broadcast_shapes(jnp.shape(x), jnp.shape(y))
            out_type = jax.ShapeDtypeStruct(shape, jnp.result_type(x, y))
            return jax.pure_callback(callback, out_type, x, y, vmap_method=vmap_method)

        x = jnp.arange(4.0)
        a = jax.vmap(functools.partial(fun, vmap_method="expand_dims"), in_axes=(0, None))(x, 1.0)
        b = jax.vmap(functools.partial(fun, vmap_method="broadcast_all"), in_axes=(0, None))(x, 1.0)
        return a, b, np.array(shapes)

    _check(program)


def test_pure_callback_bad_vmap_method():
    for lib in (arrax, _jax()):
        with pytest.raises(ValueError):
            lib.pure_callback(
                lambda x: x, lib.ShapeDtypeStruct((), np.float64), 1.0, vmap_method="bogus"
            )


# numpy.pad with a callable mode


def _custom_pad(row, pad_width, iaxis, kwargs):
    before, after = pad_width
    row = row.at[:before].set(kwargs.get("before_value", 0))
    return row.at[len(row) - after :].set(kwargs.get("after_value", 0))


@pytest.mark.parametrize("shape, width", [((3,), 2), ((2, 3), ((1, 2), (0, 1))), ((2, 2, 3), 1)])
def test_pad_callable_returning_vector(shape, width):
    def program(jax, jnp, lax, nn, random):
        x = jnp.asarray(np.arange(np.prod(shape)).reshape(shape))
        return jnp.pad(x, width, _custom_pad, before_value=-10, after_value=10)

    _check(program)


def test_pad_callable_traced():
    def program(jax, jnp, lax, nn, random):
        x = jnp.asarray(np.arange(6.0).reshape(2, 3))
        f = jax.jit(lambda x: jnp.pad(x, 1, _custom_pad, before_value=-1.5))
        g = jax.grad(lambda x: jnp.pad(x, 1, _custom_pad, after_value=2.0).sum())
        return f(x), g(x)

    _check(program)


def test_pad_callable_in_place_like_numpy():
    def pad_with(vector, pad_width, iaxis, kwargs):
        vector[: pad_width[0]] = kwargs.get("padder", 10)
        if pad_width[1]:
            vector[-pad_width[1] :] = kwargs.get("padder", 10)

    a = np.arange(6).reshape(2, 3)
    for width in (2, ((1, 0), (2, 3))):
        ours = arrax.numpy.pad(arrax.numpy.asarray(a), width, pad_with, padder=100)
        want = np.pad(a, width, pad_with, padder=100)
        np.testing.assert_array_equal(np.asarray(ours), want)
        assert np.asarray(ours).dtype == want.dtype


# numpy.bincount(length=)


@pytest.mark.parametrize("length", [0, 1, 3, 5, 12])
def test_bincount_length_drops_and_clips(length):
    def program(jax, jnp, lax, nn, random):
        x = jnp.asarray(np.array([-1, -1, 1, 3, 10, 4]))
        w = jnp.asarray(np.arange(6.0))
        f = jax.jit(jnp.bincount, static_argnames="length")
        return jnp.bincount(x, length=length), f(x, w, length=length)

    _check(program)


def test_bincount_length_vmap_grad():
    def program(jax, jnp, lax, nn, random):
        x = jnp.asarray(np.array([[0, 1, 5], [3, 3, -2]]))
        counts = jax.vmap(lambda x: jnp.bincount(x, length=4))(x)
        g = jax.grad(lambda w: jnp.bincount(x[0], w, length=2).sum())(jnp.ones(3))
        return counts, g

    _check(program)


# lax.reduce_window defaults


def test_reduce_window_default_strides_and_padding():
    def program(jax, jnp, lax, nn, random):
        x = jnp.arange(10, dtype="float32")
        a = lax.reduce_window(x, jnp.float32(1), lax.mul, window_dimensions=(2,))
        y = jnp.asarray(np.arange(20.0).reshape(4, 5))
        b = lax.reduce_window(y, -np.inf, lax.max, (2, 3))
        c = lax.reduce_window(y, 0.0, lax.add, (2, 2), padding=((1, 0), (0, 1)))
        return a, b, c

    _check(program)


# numpy.roots(strip_zeros=False), numpy.poly of a scalar


@pytest.mark.parametrize(
    "p",
    [[0, 1, 2], [0.0, 0.0, 1.0, -3.0, 2.0], [0.0, 0.0, 0.0], [1.0, 0.0, 4.0], [0.0, 1.0, 0.0, 1.0]],
)
def test_roots_strip_zeros_false(p):
    jnp = _jax().numpy
    theirs = np.asarray(jnp.roots(jnp.asarray(p), strip_zeros=False))
    ours = np.asarray(arrax.numpy.roots(arrax.numpy.asarray(p), strip_zeros=False))
    assert ours.shape == theirs.shape
    key = lambda r: (np.isnan(r.real), r.real.round(8), r.imag.round(8))  # noqa: E731
    np.testing.assert_allclose(
        np.array(sorted(ours.astype(complex), key=key)),
        np.array(sorted(theirs, key=key)),
        atol=1e-8,
    )
    ours_strip = np.asarray(arrax.numpy.roots(arrax.numpy.asarray(p)))
    assert ours_strip.shape == np.roots(np.asarray(p)).shape


@pytest.mark.parametrize("root", [1, 2.5, -3.0])
def test_poly_of_scalar(root):
    _check(lambda jax, jnp, lax, nn, random: (jnp.poly(root), jax.jit(jnp.poly)(root)))


# fwd_and_bwd


@pytest.mark.parametrize("argnums", [(0, 1), 0, (1,)])
@pytest.mark.parametrize("jitted", [True, False])
def test_fwd_and_bwd(argnums, jitted):
    def program(jax, jnp, lax, nn, random):
        x = jnp.asarray(np.arange(16.0).reshape(4, 4) / 10)
        w = jnp.asarray(np.linspace(-1, 1, 16).reshape(4, 4))
        fwd, bwd = jax.fwd_and_bwd(lambda x, w: jnp.sin(x) @ w, argnums=argnums, jitted=jitted)
        outs = []
        for i in range(2):
            y, res = fwd(x + i, w)
            outs.append((y, bwd(res, jnp.ones((4, 4)))))
        return outs

    _check(program)


def test_fwd_and_bwd_has_aux():
    def program(jax, jnp, lax, nn, random):
        x = jnp.asarray(np.arange(6.0))
        fwd, bwd = jax.fwd_and_bwd(lambda x: (jnp.sum(x**2), x * 2), argnums=0, has_aux=True)
        y, res, aux = fwd(x)
        return y, bwd(res, jnp.ones(())), aux

    _check(program)
