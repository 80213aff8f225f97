"""JAX documentation programs, round 4: the "External callbacks" tutorial (pure_callback,
io_callback, debug.callback), "Debugging" (jax.debug.print under vmap) and the Bessel-function
``pure_callback`` + ``custom_jvp`` example, run with arrax in place of JAX and checked against
JAX itself (64-bit), plus the divergences they turned up (the programs that ran alike, e.g.
the Bessel ``pure_callback`` + ``custom_jvp`` example and ``io_callback`` under vmap/scan, are
not repeated here):

* ``pure_callback`` under ``vmap`` follows its ``vmap_method`` as JAX does: "sequential" calls
  the callback once per batch element, "expand_dims"/"broadcast_all"/"legacy_vectorized" once
  on the batched operands; without a ``vmap_method``, vmap raises JAX's NotImplementedError,
  and an unknown method raises ValueError (arrax ignored the argument and always looped);
* differentiating through a ``pure_callback`` raises JAX's ValueError (it was a TypeError);
* ``debug.callback``/``debug.print`` under ``vmap`` run once per batch element, in order, on
  that element's values (arrax printed the whole batch once).
"""

import io
from contextlib import redirect_stdout

import arrax
import numpy as np
import pytest

from jax_programs_common import _jax, _jax_x64_here  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


def _exc_type(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001
        return type(e)
    return None


def _shape_calls(lib, vmap_method, in_axes=0, jit=False):
    """The shapes the callback sees and the result of vmap over it."""
    seen = []

    def host(x, y):
        seen.append((x.shape, y.shape))
        return (np.sin(x) * y).astype(x.dtype)

    def f(x, y):
        spec = lib.ShapeDtypeStruct(np.broadcast_shapes(x.shape, y.shape), x.dtype)
        return lib.pure_callback(host, spec, x, y, vmap_method=vmap_method)

    g = lib.vmap(f, in_axes=(in_axes, None))
    if jit:
        g = lib.jit(g)
    x = np.arange(6.0).reshape(2, 3)
    out = g(
        lib.numpy.asarray(x), lib.numpy.asarray(np.array([1.0, 2.0, 3.0])[: x.shape[1 - in_axes]])
    )
    return np.asarray(out), seen


@pytest.mark.parametrize("method", ["expand_dims", "broadcast_all", "legacy_vectorized"])
@pytest.mark.parametrize("in_axes", [0, 1])
@pytest.mark.parametrize("jit", [False, True])
def test_pure_callback_vmap_method_like_jax(method, in_axes, jit):
    ours, ours_seen = _shape_calls(arrax, method, in_axes, jit)
    theirs, their_seen = _shape_calls(_jax(), method, in_axes, jit)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs)
    assert ours_seen == their_seen


def test_pure_callback_vmap_without_method_raises_like_jax():
    def program(lib):
        spec = lib.ShapeDtypeStruct((3,), np.float64)
        lib.vmap(lambda v: lib.pure_callback(np.sin, spec, v))(lib.numpy.ones((2, 3)))

    assert _exc_type(program, arrax) is _exc_type(program, _jax()) is NotImplementedError

    def bad_method(lib):
        spec = lib.ShapeDtypeStruct((3,), np.float64)
        lib.pure_callback(np.sin, spec, lib.numpy.ones(3), vmap_method="vectorized")

    assert _exc_type(bad_method, arrax) is _exc_type(bad_method, _jax()) is ValueError


def test_pure_callback_grad_raises_valueerror_like_jax():
    # External callbacks: "jax.grad(f)(x)" on a pure_callback raises (a ValueError in JAX).
    def program(lib):
        def f(x):
            return lib.pure_callback(
                lambda a: np.sin(a).astype(a.dtype), lib.ShapeDtypeStruct(x.shape, x.dtype), x
            )

        lib.grad(lambda x: f(x).sum())(lib.numpy.arange(5.0))

    assert _exc_type(program, arrax) is _exc_type(program, _jax()) is ValueError


def _printed(lib, fn, *args):
    buf = io.StringIO()
    with redirect_stdout(buf):
        fn(lib)(*args)
        if hasattr(lib, "effects_barrier"):
            lib.effects_barrier()
    return buf.getvalue()


def test_debug_print_under_vmap_prints_each_element_like_jax():
    # Debugging: "jax.debug.print ... under vmap" prints once per batch element.
    def fn(lib):
        def f(x):
            lib.debug.print("x: {}", x)
            y = lib.numpy.sin(x)
            lib.debug.print("y: {}", y)
            return y

        return lib.vmap(f)

    xs = np.arange(3.0)
    assert _printed(arrax, fn, arrax.numpy.asarray(xs)) == _printed(_jax(), fn, xs)


def test_debug_callback_under_vmap_and_jit_like_jax():
    # External callbacks: "Exploring debug.callback" -- jit, vmap and grad of a logged function.
    def log_values(lib):
        logs = []

        @lib.jit
        def f(x):
            lib.debug.callback(lambda v: logs.append(np.asarray(v).tolist()), x)
            return x

        f(1.0)
        lib.vmap(f)(lib.numpy.arange(5.0))
        lib.grad(f)(1.0)
        return logs

    assert log_values(arrax) == log_values(_jax())


def test_fwd_and_bwd_like_jax():
    # First-class VJPs: forward and backward passes as separately jitted functions, by hand
    # and as jax.fwd_and_bwd (with argnums, has_aux, jitted).
    from jax_programs_common import _assert_trees_close, _run_both

    def program(jax, jnp, lax, nn, random):
        def layer(W, x):
            return jnp.tanh(x @ W)

        W1, W2 = 0.3 * jnp.ones((3, 3)), 0.2 * jnp.ones((3, 3))
        x0 = jnp.linspace(-1.0, 1.0, 6).reshape(2, 3)
        fwd, bwd = jax.jit(lambda *a: jax.vjp(layer, *a)), jax.jit(lambda f, y: f(y))
        x1, res1 = fwd(W1, x0)
        x2, res2 = fwd(W2, x1)
        dW2, dx1 = bwd(res2, jnp.ones_like(x2))
        out = {"manual": (bwd(res1, dx1), dW2)}
        fwd, bwd = jax.fwd_and_bwd(layer, argnums=(0, 1))
        y, residuals = fwd(W1, x0)
        out["both"] = (y, bwd(residuals, jnp.ones_like(y)))
        fwd, bwd = jax.fwd_and_bwd(layer, argnums=1, jitted=False)
        y, residuals = fwd(W1, x0)
        out["one"] = bwd(residuals, 2.0 * jnp.ones_like(y))
        fwd, bwd = jax.fwd_and_bwd(lambda W, x: (layer(W, x), W.sum()), argnums=-2, has_aux=True)
        y, residuals, aux = fwd(W2, x0)
        out["aux"] = (aux, bwd(residuals, jnp.ones_like(y)))
        return out

    _assert_trees_close(*_run_both(program))


def test_compiled_accepts_arguments_of_the_lowered_signature_like_jax():
    # Ahead-of-time lowering: a function lowered for ShapeDtypeStructs (or arrax arrays) runs
    # on any arguments of that signature (NumPy scalars and arrays included) and rejects others
    # with JAX's TypeError.
    def results(lib):
        jnp = lib.numpy
        out = []

        def f(x, y):
            return 2 * x + y

        i32 = lib.ShapeDtypeStruct((), np.int32)
        compiled = lib.jit(f).lower(i32, i32).compile()
        for args in [(np.int32(3), np.int32(4)), (jnp.int32(3), jnp.int32(4))]:
            out.append(np.asarray(compiled(*args)))
        compiled = lib.jit(f).lower(jnp.ones(3), jnp.ones(3)).compile()
        out.append(np.asarray(compiled(np.ones(3), jnp.arange(3.0))))
        compiled = lib.jit(f, static_argnums=1).lower(jnp.ones(3), 2).compile()
        out.append(np.asarray(compiled(np.full(3, 0.5))))
        for bad in [(np.int64(3), np.int64(4)), (np.ones(2, np.int32), np.int32(1))]:
            try:
                lib.jit(f).lower(i32, i32).compile()(*bad)
                out.append("no error")
            except TypeError:
                out.append("TypeError")
        return out

    ours, theirs = results(arrax), results(_jax())
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if isinstance(b, str):
            assert a == b
        else:
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(a, b)


def test_make_jaxpr_has_jaxpr_attribute_like_jax():
    # Key concepts / gradient checkpointing: ``jax.make_jaxpr(f)(x).jaxpr`` (the open graph
    # of the ClosedJaxpr) with its input and output variables.
    def shape_of(lib):
        def selu(x, alpha=1.67, lambda_=1.05):
            return lambda_ * lib.numpy.where(x > 0, x, alpha * lib.numpy.exp(x) - alpha)

        closed = lib.make_jaxpr(selu)(lib.numpy.arange(5.0))
        pair = lib.make_jaxpr(lambda a, b: (a * b, a + b, b))(1.0, 2.0)
        return [len(j.jaxpr.invars) for j in (closed, pair)] + [
            len(j.jaxpr.outvars) for j in (closed, pair)
        ]

    assert shape_of(arrax) == shape_of(_jax())
