"""arrax.lax control flow: values, and every transformation through it (grad through scan
and fori_loop, forward mode through while_loop, vmap with batched predicates, jit)."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import lax
from arrax.test_util import check_grads

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")

rng = np.random.default_rng(1)


def close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def piecewise(x):
    return lax.cond(anp.sum(x) > 0, lambda v: anp.sin(v) * 2, lambda v: anp.exp(v) - v, x)


def scanned(x):
    def body(c, xi):
        return c * anp.sin(xi) + xi, c * xi

    c, ys = lax.scan(body, anp.asarray(1.0), x)
    return c + anp.sum(ys * ys)


def loop_pow(x):
    return lax.fori_loop(0, 4, lambda i, v: v * x + i, anp.ones_like(x))


X = anp.asarray(rng.uniform(0.1, 1.0, 5))


def test_values():
    close(piecewise(X), np.sin(np.asarray(X)) * 2)
    close(piecewise(-X), np.exp(-np.asarray(X)) + np.asarray(X))
    close(arrax.jit(piecewise)(-X), piecewise(-X))
    c, xs = 1.0, np.asarray(X)
    acc = 0.0
    for xi in xs:
        acc += (c * xi) ** 2
        c = c * np.sin(xi) + xi
    close(scanned(X), c + acc)
    close(arrax.jit(scanned)(X), c + acc)
    close(lax.while_loop(lambda v: v < 100, lambda v: v * 2, 3.0), 192.0)
    close(lax.switch(2, [lambda v: v, lambda v: v * 2, lambda v: v * 3], 5.0), 15.0)
    close(lax.switch(7, [lambda v: v, lambda v: v * 2], 5.0), 10.0)  # clamped
    close(lax.map(lambda r: anp.sum(r), anp.ones((3, 2))), [2.0, 2.0, 2.0])
    close(arrax.jit(lambda n: lax.fori_loop(0, n, lambda i, v: v + i, 0))(5), 10)


@pytest.mark.parametrize("f", [piecewise, scanned, loop_pow], ids=["cond", "scan", "fori"])
def test_grads(f):
    check_grads(f, (X,), order=2, modes=("fwd", "rev"))
    close(arrax.jit(arrax.grad(lambda x: anp.sum(f(x))))(X), arrax.grad(lambda x: anp.sum(f(x)))(X))


def test_cond_under_jit_grad_traced_predicate():
    g = arrax.jit(arrax.grad(lambda x: anp.sum(piecewise(x))))
    close(g(X), 2 * np.cos(np.asarray(X)))
    close(g(-X), np.exp(-np.asarray(X)) - 1)


def test_forward_mode_through_while_and_reverse_error():
    def f(x):
        return lax.while_loop(lambda c: c[0] < 10, lambda c: (c[0] + 1, c[1] * x), (0, 1.0))[1]

    y, t = arrax.jvp(f, (1.1,), (1.0,))
    close(y, 1.1**10)
    close(t, 10 * 1.1**9)
    with pytest.raises(NotImplementedError, match="while_loop"):
        arrax.grad(f)(1.1)


def test_vmap_batched_predicates():
    xs = anp.asarray(rng.uniform(-1, 1, (6, 5)))
    close(arrax.vmap(piecewise)(xs), np.stack([np.asarray(piecewise(x)) for x in xs]))
    starts = anp.asarray([1.0, 30.0, 70.0, 150.0])
    got = arrax.vmap(lambda s: lax.while_loop(lambda v: v < 100, lambda v: v * 2, s))(starts)
    close(got, [128.0, 120.0, 140.0, 150.0])
    close(arrax.vmap(scanned)(xs), np.stack([np.asarray(scanned(x)) for x in xs]))
    close(
        arrax.vmap(arrax.grad(scanned))(xs),
        np.stack([np.asarray(arrax.grad(scanned)(x)) for x in xs]),
    )
    close(arrax.jit(arrax.vmap(piecewise))(xs), arrax.vmap(piecewise)(xs))
    idx = anp.asarray([0, 1, 2, 5])
    got = arrax.vmap(lambda i: lax.switch(i, [lambda: 1.0, lambda: 2.0, lambda: 3.0]))(idx)
    close(got, [1.0, 2.0, 3.0, 3.0])


def test_scan_reverse_pytrees_and_closure():
    w = anp.asarray(2.0)

    def body(c, x):
        return {"s": c["s"] + x["a"] * w}, (x["a"], c["s"])

    c, (a, s) = lax.scan(body, {"s": anp.asarray(0.0)}, {"a": anp.arange(4.0)}, reverse=True)
    close(c["s"], 12.0)
    close(a, [0.0, 1.0, 2.0, 3.0])
    close(s, [12.0, 10.0, 6.0, 0.0])  # reverse: step i sees the carry from steps > i
    close(
        arrax.grad(lambda w_: lax.scan(lambda c, x: (c + x * w_, None), 0.0, anp.arange(4.0))[0])(
            3.0
        ),
        6.0,
    )


def test_errors():
    with pytest.raises(TypeError, match="scalar"):
        lax.cond(anp.ones(2) > 0, lambda: 1.0, lambda: 2.0)
    with pytest.raises(TypeError):
        arrax.jit(lambda p: lax.cond(p, lambda: anp.ones(2), lambda: anp.ones(3)))(True)
    with pytest.raises(TypeError, match="carry"):
        lax.while_loop(lambda v: v < 3, lambda v: anp.ones(2), 0.0)
    with pytest.raises(ValueError, match="length"):
        lax.scan(lambda c, x: (c, x), 0.0, (anp.ones(3), anp.ones(4)))
