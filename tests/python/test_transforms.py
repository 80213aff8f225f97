"""The transformations and their compositions: grad / value_and_grad / vjp / jvp / linearize,
jacfwd / jacrev / hessian, vmap, custom_jvp / custom_vjp, checkpoint, stop_gradient, and the
errors they raise."""

import functools

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import lax
from arrax.test_util import check_grads

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")

rng = np.random.default_rng(0)


def close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def f_scalar(x):
    return anp.sum(anp.sin(x) * x**2 + anp.tanh(x) / (1 + x * x))


def f_vec(x):
    return anp.stack([anp.sum(x**3), anp.prod(anp.cos(x)), x[0] * x[1]])


X = anp.asarray(rng.uniform(-1, 1, 4))


def test_grad_matches_formula():
    x = np.asarray(X)
    want = (
        np.cos(x) * x**2
        + 2 * x * np.sin(x)
        + (1 - np.tanh(x) ** 2) / (1 + x * x)
        - np.tanh(x) * 2 * x / (1 + x * x) ** 2
    )
    close(arrax.grad(f_scalar)(X), want)


def test_check_grads_third_order():
    check_grads(f_scalar, (X,), order=3)


def test_value_and_grad_argnums_has_aux():
    def f(a, b, c):
        return anp.sum(a * b) + c, {"aux": a + 1}

    a, b = anp.ones(3), anp.arange(3.0)
    (v, aux), (ga, gc) = arrax.value_and_grad(f, argnums=(0, 2), has_aux=True)(a, b, 2.0)
    close(v, 5.0)
    close(aux["aux"], np.full(3, 2.0))
    close(ga, [0, 1, 2])
    close(gc, 1.0)
    g, aux2 = arrax.grad(f, has_aux=True)(a, b, 2.0)
    close(g, [0, 1, 2])


def test_grad_pytree_arguments():
    params = {"w": anp.ones((2, 3)), "b": [anp.zeros(3), anp.asarray(2.0)]}

    def loss(p, x):
        return anp.sum(anp.tanh(x @ p["w"] + p["b"][0]) * p["b"][1])

    g = arrax.grad(loss)(params, anp.ones((4, 2)))
    assert set(g) == {"w", "b"} and g["w"].shape == (2, 3) and len(g["b"]) == 2
    check_grads(loss, (params, anp.ones((4, 2))), order=1, modes="rev")


def test_jacobians_and_hessian():
    x = np.asarray(X)
    jf = arrax.jacfwd(f_vec)(X)
    jr = arrax.jacrev(f_vec)(X)
    assert jf.shape == (3, 4) and jr.shape == (3, 4)
    close(jf, jr)
    close(jf[0], 3 * x**2)
    h = arrax.hessian(f_scalar)(X)
    assert h.shape == (4, 4)
    close(h, np.asarray(arrax.jacfwd(arrax.jacrev(f_scalar))(X)))
    close(h, np.asarray(arrax.jacrev(arrax.jacfwd(f_scalar))(X)))
    close(h, np.diag(np.diag(np.asarray(h))))  # f_scalar is a sum of 1-D terms


def test_jvp_linearize_vjp_agree():
    t = anp.asarray(rng.standard_normal(4))
    y, jt = arrax.jvp(f_vec, (X,), (t,))
    y2, f_lin = arrax.linearize(f_vec, X)
    close(y, y2)
    close(jt, f_lin(t))
    _, f_vjp = arrax.vjp(f_vec, X)
    ct = anp.asarray(rng.standard_normal(3))
    (g,) = f_vjp(ct)
    close(np.dot(np.asarray(ct), np.asarray(jt)), np.dot(np.asarray(g), np.asarray(t)))


@pytest.mark.parametrize(
    "compose",
    [
        lambda f: arrax.jit(arrax.vmap(arrax.grad(f))),
        lambda f: arrax.vmap(arrax.jit(arrax.grad(f))),
        lambda f: arrax.vmap(arrax.grad(arrax.jit(f))),
        lambda f: arrax.jit(arrax.vmap(arrax.jit(arrax.grad(arrax.jit(f))))),
    ],
)
def test_compositions_of_vmap_grad_jit(compose):
    xs = anp.asarray(rng.uniform(-1, 1, (5, 4)))
    want = np.stack([np.asarray(arrax.grad(f_scalar)(xs[i])) for i in range(5)])
    close(compose(f_scalar)(xs), want)


def test_grad_of_grad_and_per_example_gradients():
    d2 = arrax.grad(arrax.grad(lambda x: anp.sin(x) * x))
    close(d2(1.3), -np.sin(1.3) * 1.3 + 2 * np.cos(1.3))
    w = anp.asarray([0.5, -1.0])
    xs = anp.asarray(rng.standard_normal((6, 2)))
    per = arrax.vmap(arrax.grad(lambda w, x: anp.sum(w * x) ** 2), in_axes=(None, 0))(w, xs)
    want = [2 * float(np.dot(w, x)) * np.asarray(x) for x in np.asarray(xs)]
    close(per, want)


def test_vmap_in_axes_out_axes_axis_size_nested():
    a = anp.asarray(rng.standard_normal((3, 4)))
    b = anp.asarray(rng.standard_normal((4, 3)))
    r = arrax.vmap(lambda x, y: x * y, in_axes=(0, 1), out_axes=1)(a, b)
    close(r, (np.asarray(a) * np.asarray(b).T).T)
    r = arrax.vmap(lambda x: anp.ones(2) * 3, in_axes=None, axis_size=4)(a)
    assert r.shape == (4, 2)
    outer = arrax.vmap(arrax.vmap(lambda x, y: x * y, in_axes=(0, None)), in_axes=(None, 0))
    close(outer(anp.arange(3.0), anp.arange(4.0)), np.outer(np.arange(4.0), np.arange(3.0)))
    d = {"p": a, "q": anp.ones(3)}
    r = arrax.vmap(lambda t: t["p"].sum() + t["q"], in_axes=({"p": 0, "q": None},))(d)
    close(r, np.asarray(a).sum(1)[:, None] + np.ones(3))


def test_vmap_errors():
    with pytest.raises(ValueError, match="inconsistent sizes"):
        arrax.vmap(lambda x, y: x + y)(anp.ones(3), anp.ones(4))
    with pytest.raises(ValueError, match="out of bounds"):
        arrax.vmap(lambda x: x, in_axes=2)(anp.ones((3, 2)))


def test_grad_errors():
    with pytest.raises(TypeError, match="scalar output"):
        arrax.grad(lambda x: x * 2)(anp.ones(3))
    with pytest.raises(TypeError, match="inexact"):
        arrax.grad(lambda x: x * 2)(3)


def test_stop_gradient():
    close(arrax.grad(lambda x: lax.stop_gradient(x) * x)(3.0), 3.0)
    close(arrax.jit(arrax.grad(lambda x: arrax.stop_gradient(x * x) + x))(3.0), 1.0)


def test_python_control_flow_under_grad_and_error_under_jit():
    def f(x):
        return anp.sin(x) if x > 0 else x * 2

    close(arrax.grad(f)(0.5), np.cos(0.5))
    close(arrax.grad(f)(-0.5), 2.0)
    with pytest.raises(TypeError, match="lax.cond"):
        arrax.jit(f)(0.5)


def test_leaked_tracer_raises():
    leaked = []

    def f(x):
        leaked.append(x)
        return x * 2

    arrax.jit(f)(anp.ones(2))
    with pytest.raises(arrax.errors.UnexpectedTracerError, match="leaked|escaped"):
        leaked[0] + 1
    arrax.grad(lambda x: (leaked.append(x), anp.sum(x))[1])(anp.ones(2))
    with pytest.raises(arrax.errors.UnexpectedTracerError, match="leaked|escaped"):
        leaked[-1] * 2


def test_custom_jvp():
    @arrax.custom_jvp
    def f(x):
        return anp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), 100.0 * t  # deliberately not cos: shows the rule is used

    close(arrax.grad(f)(0.3), 100.0)
    close(arrax.jit(arrax.grad(f))(0.3), 100.0)
    close(arrax.grad(arrax.jit(f))(0.3), 100.0)
    close(arrax.jit(f)(0.3), np.sin(0.3))
    close(arrax.vmap(arrax.grad(f))(anp.ones(3)), np.full(3, 100.0))
    close(arrax.grad(lambda x: anp.sum(arrax.vmap(f)(x)))(anp.ones(3)), np.full(3, 100.0))
    close(f(0.3), np.sin(0.3))


def test_custom_jvp_nondiff_argnums_stay_python_values():
    # The axis is used as a Python value (np.sum's axis) under jit, grad and vmap, as in JAX.
    @functools.partial(arrax.custom_jvp, nondiff_argnums=(1,))
    def total(x, axis):
        return anp.sum(anp.sin(x), axis=axis)

    @total.defjvp
    def total_jvp(axis, primals, tangents):
        (x,), (t,) = primals, tangents
        return total(x, axis), anp.sum(3.0 * t, axis=axis)  # not cos: shows the rule is used

    x = anp.asarray(np.linspace(0, 1, 6).reshape(2, 3))
    close(total(x, 1), np.sin(np.asarray(x)).sum(1))
    close(arrax.jit(lambda x: total(x, 0))(x), np.sin(np.asarray(x)).sum(0))
    for g in (
        arrax.grad(lambda x: anp.sum(total(x, 1))),
        arrax.jit(arrax.grad(lambda x: anp.sum(total(x, 1)))),
        arrax.grad(arrax.jit(lambda x: anp.sum(total(x, -1)))),
    ):
        close(g(x), np.full((2, 3), 3.0))
    close(arrax.vmap(lambda r: total(r, 0))(x), np.sin(np.asarray(x)).sum(1))


def test_custom_jvp_stable_log1pexp():
    @arrax.custom_jvp
    def log1pexp(x):
        return anp.log1p(anp.exp(x))

    log1pexp.defjvps(lambda t, ans, x: t / (1 + anp.exp(-x)))
    close(arrax.grad(log1pexp)(100.0), 1.0)


def test_custom_vjp():
    @arrax.custom_vjp
    def clip_gradient(x):
        return x

    def fwd(x):
        return x, None

    def bwd(res, g):
        return (anp.clip(g, -1.0, 1.0),)

    clip_gradient.defvjp(fwd, bwd)
    close(arrax.grad(lambda x: 5 * clip_gradient(x))(2.0), 1.0)
    # staged under jit, the rule is kept: grad of a jit'd function uses it too
    close(arrax.grad(arrax.jit(lambda x: 5 * clip_gradient(x)))(2.0), 1.0)
    close(arrax.vmap(arrax.grad(arrax.jit(lambda x: 5 * clip_gradient(x))))(anp.ones(2)), [1, 1])
    close(arrax.jit(arrax.grad(lambda x: 5 * clip_gradient(x)))(2.0), 1.0)
    close(arrax.vmap(arrax.grad(lambda x: 5 * clip_gradient(x)))(anp.ones(3)), np.ones(3))
    with pytest.raises(TypeError, match="forward mode"):
        arrax.jvp(clip_gradient, (1.0,), (1.0,))


def test_checkpoint_same_gradients():
    def block(x):
        return anp.tanh(anp.sin(x) * 3 + x)

    def f(x):
        return anp.sum(arrax.checkpoint(block)(arrax.checkpoint(block)(x)))

    def g(x):
        return anp.sum(block(block(x)))

    close(arrax.grad(f)(X), arrax.grad(g)(X))
    close(arrax.jit(arrax.grad(f))(X), arrax.grad(g)(X))
    close(arrax.jvp(f, (X,), (anp.ones(4),))[1], arrax.jvp(g, (X,), (anp.ones(4),))[1])


def test_checkpoint_higher_order_forward_mode():
    # Forward over forward through a checkpoint differentiated its linear part as constant
    # in the inputs: jvp(jvp(checkpoint(sin))) was 0, not -sin.
    f = arrax.checkpoint(anp.sin)
    close(arrax.jvp(lambda x: arrax.jvp(f, (x,), (1.0,))[1], (1.0,), (1.0,))[1], -np.sin(1.0))
    close(arrax.grad(lambda x: arrax.jvp(f, (x,), (1.0,))[1])(1.0), -np.sin(1.0))
    close(arrax.jit(arrax.jacfwd(arrax.jacfwd(f)))(1.0), -np.sin(1.0))

    def scanned(c):
        step = lambda c, x: (anp.sin(c) * x, c)  # noqa: E731
        return arrax.checkpoint(lambda c: lax.scan(step, c, anp.arange(1.0, 4.0))[0])(c)

    close(arrax.jacfwd(arrax.jacfwd(scanned))(0.7), arrax.hessian(scanned)(0.7))
    block = arrax.checkpoint(lambda y: anp.sin(y) * anp.cos(2 * y))
    check_grads(block, (anp.asarray([0.3, 1.2]),), order=3, modes=("fwd", "rev"))


def test_functionalized_in_place_updates():
    def f(x):
        y = anp.zeros(5)
        y[1:3] = x
        y[::2] += x * x
        y[-1] = 7
        y[y > 5] = 0.5
        return anp.sum(y * y)

    x = anp.asarray(1.5)
    close(arrax.jit(f)(x), f(x))
    close(arrax.grad(f)(x), 4 * 1.5**3 + 2 * 1.5 + 2 * (1.5 + 1.5**2) * (1 + 3.0))
    v = arrax.vmap(f)(anp.asarray([1.0, 2.0]))
    close(v, [f(anp.asarray(1.0)), f(anp.asarray(2.0))])

    def g(a, i):
        a = a * 1
        a[i] = 0.0
        a -= 1
        return a

    a = anp.arange(4.0)
    close(arrax.jit(g)(a, 2), g(a, 2))
    close(arrax.jit(g)(a, anp.asarray(-1)), g(a, -1))


@pytest.mark.parametrize(
    "key",
    [
        (slice(None), [0, 2]),
        ([1, 0], slice(None), [3, 1]),
        (Ellipsis, [0, -1]),
        ([[0], [1]], [1, 2]),
        ([1, 1, 0],),
    ],
    ids=str,
)
def test_advanced_indexing_under_transformations(key):
    xn = np.arange(24.0).reshape(2, 3, 4)
    x = anp.asarray(xn)
    want = xn[key]
    close(arrax.jit(lambda a: a[key])(x), want)
    # traced index arrays
    k2 = tuple(anp.asarray(k) if isinstance(k, list) else k for k in key)
    pos = [i for i, k in enumerate(k2) if isinstance(k, anp.ndarray)]

    def f(a, *ks):
        kk = list(k2)
        for i, v in zip(pos, ks):
            kk[i] = v
        return a[tuple(kk)]

    close(arrax.jit(f)(x, *[k2[i] for i in pos]), want)
    # the gradient scatters back, adding where an element is picked twice
    g = arrax.grad(lambda a: anp.sum(a[key] * 2))(x)
    want_g = np.zeros_like(xn)
    np.add.at(want_g, key, 2.0)
    close(g, want_g)


def test_indexing_with_traced_labels_and_masks():
    logits = anp.asarray(rng.standard_normal((4, 3)))
    labels = anp.asarray([2, 0, 1, 2])

    def nll(lg, y):
        return -anp.mean(lg[anp.arange(4), y])

    g = arrax.jit(arrax.grad(nll))(logits, labels)
    want = np.zeros((4, 3))
    want[np.arange(4), np.asarray(labels)] = -0.25
    close(g, want)
    close(arrax.vmap(lambda r, i: r[i])(logits, labels), np.asarray(logits)[np.arange(4), labels])
    close(arrax.grad(lambda a: anp.sum(a[a > 0]))(logits), (np.asarray(logits) > 0) * 1.0)
    with pytest.raises(IndexError, match="mask"):
        arrax.jit(lambda a: a[a > 0])(logits)


BAD_PRIMITIVE_CALLS = {
    "transpose_not_a_permutation": lambda x: lax.transpose(x, (0, 0)),
    "transpose_axis_out_of_range": lambda x: lax.transpose(x, (0, 2)),
    "reduce_axis_out_of_range": lambda x: lax.reduce_sum(x, (3,)),
    "dynamic_slice_index_count": lambda x: lax.dynamic_slice(x, (0,), (1,)),
    "dynamic_update_slice_index_count": lambda x: lax.dynamic_update_slice(x, anp.ones(2), (0,)),
    "slice_out_of_bounds": lambda x: lax.slice(x, (0, 5), (1, 6)),
    "pad_config_length": lambda x: lax.pad(x, 0.0, [(1, 1, 0)]),
    "broadcast_incompatible": lambda x: lax.broadcast_in_dim(x, (4, 3), (0, 1)),
    "iota_dimension": lambda x: lax.broadcasted_iota(np.int32, (2, 3), 5),
    "scatter_add_shapes": lambda x: lax.bind1(
        "scatter_add", anp.ones(3), anp.asarray([0, 1]), size=4
    ),
    "concatenate_shapes": lambda x: lax.concatenate([x, anp.ones((3, 3))], 1),
    "select_shapes": lambda x: lax.select(x > 0, x, anp.ones(3)),
    "cond_branch_types_under_jit": lambda x: arrax.jit(
        lambda p: lax.cond(p, lambda: 1.0, lambda: 1)
    )(True),
    # (an array init: a Python scalar takes the body's carry dtype, as in JAX)
    "scan_carry_dtype": lambda x: lax.scan(
        lambda c, e: (c.astype(np.float32), e), anp.asarray(1.0), anp.ones(3)
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_PRIMITIVE_CALLS))
def test_bad_primitive_arguments_raise_python_errors(name):
    with pytest.raises((ValueError, TypeError, IndexError)) as e:
        BAD_PRIMITIVE_CALLS[name](anp.ones((2, 3)))
    assert str(e.value)


def test_integer_array_assignment_under_transformations():
    def f(v, x):
        v = v * 1
        v[anp.asarray([0, 2])] = x
        v[[1]] += 5
        return v

    v = anp.arange(4.0)
    close(arrax.jit(f)(v, 9.0), f(v, 9.0))
    close(arrax.grad(lambda w: anp.sum(f(w, w[3]) ** 2))(v), [0.0, 12.0, 0.0, 18.0])


def test_jax_style_aliases():
    x = anp.ones(3)
    assert x.block_until_ready() is x
    assert arrax.block_until_ready({"a": x})["a"] is x
    close(arrax.tree.map(lambda v: v * 2, {"a": x})["a"], [2.0, 2.0, 2.0])
    assert arrax.tree.leaves([1, (2, 3)]) == [1, 2, 3]
    assert arrax.tree.reduce(lambda a, b: a + b, [1, 2, 3]) == 6


def test_bfloat16_inputs_are_differentiable():
    # NumPy files ml_dtypes' bfloat16 under kind 'V': it was refused by grad and given zero
    # tangents by jvp
    import arrax.numpy as jnp

    x = jnp.array(1.5, jnp.bfloat16)
    assert float(arrax.grad(lambda x: x * x)(x)) == 3.0
    assert arrax.grad(lambda x: x * x)(x).dtype == jnp.bfloat16
    assert float(arrax.jvp(lambda x: 2 * x, (x,), (jnp.array(1.0, jnp.bfloat16),))[1]) == 2.0
    (g,) = arrax.vjp(lambda v: (v**2).sum(), jnp.ones(2, jnp.bfloat16))[1](
        jnp.array(1.0, jnp.bfloat16)
    )
    assert g.tolist() == [2.0, 2.0]


def test_custom_rules_with_traced_nondiff_arguments():
    # A non-differentiable argument that is traced (batched by vmap) was closed over, so vmap
    # never saw it and returned its leaked tracer.
    f = arrax.custom_jvp(lambda k, a: anp.sin(a) * k, nondiff_argnums=(0,))

    @f.defjvp
    def f_jvp(k, primals, tangents):
        (a,), (da,) = primals, tangents
        y = f(k, a)
        # (a jvp inside the rule, of a value built from k)
        d = arrax.jvp(lambda s: anp.sin(s) * y, (a,), (anp.ones_like(a),))[1]
        return y, d / anp.sin(a) * da

    g = arrax.custom_vjp(lambda k, a: anp.sin(a) * k, nondiff_argnums=(0,))
    g.defvjp(lambda k, a: (g(k, a), a), lambda k, a, ct: (anp.cos(a) * k * ct,))
    a, k = anp.linspace(0.3, 1.2, 4), anp.arange(4.0)
    for fn in (f, g):
        close(arrax.vmap(lambda a, k: fn(k, a))(a, k), np.sin(a) * k)
        close(arrax.vmap(arrax.grad(lambda a, k: fn(k, a)))(a, k), np.cos(a) * k)
        close(arrax.jit(arrax.vmap(arrax.grad(lambda a, k: fn(k, a))))(a, k), np.cos(a) * k)
        close(arrax.vmap(arrax.grad(lambda a, k: fn(k, a)), (0, None))(a, 2.0), np.cos(a) * 2)


def test_custom_jvp_defjvps_second_derivatives_follow_the_rules():
    # defjvps computed its primal output with the plain function, so a second derivative
    # through `ans` used the function's own derivative, not the rule (JAX calls f itself).
    f = arrax.custom_jvp(lambda x: x)
    f.defjvps(lambda t, ans, x: 2 * ans * t)  # (f' = 2 f by the rule, not 1)
    close(arrax.grad(f)(1.5), 3.0)
    close(arrax.grad(arrax.grad(f))(1.5), 6.0)


def test_checkpoint_closing_over_differentiated_values():
    # A checkpoint saved only its explicit arguments: a closed-over value being
    # differentiated (the parameters of a remat'ed block) raised a leaked-tracer error.
    def f2(x):
        y = 2 * anp.sin(x)
        return arrax.checkpoint(lambda x: anp.cos(x) * anp.sin(y))(x)

    def plain(x):
        return anp.cos(x) * anp.sin(2 * anp.sin(x))

    close(arrax.jvp(f2, (2.0,), (3.0,))[1], arrax.jvp(plain, (2.0,), (3.0,))[1])
    close(arrax.linearize(f2, 2.0)[1](3.0), arrax.jvp(plain, (2.0,), (3.0,))[1])
    for transform in (
        arrax.grad,
        lambda f: arrax.jit(arrax.grad(f)),
        lambda f: arrax.grad(arrax.grad(f)),
    ):
        close(transform(f2)(2.0), transform(plain)(2.0))
    close(
        arrax.vmap(arrax.grad(f2))(anp.array([1.0, 2.0])),
        arrax.vmap(arrax.grad(plain))(anp.array([1.0, 2.0])),
    )

    w = anp.asarray(np.random.default_rng(0).standard_normal((3, 3)))

    def loss(w, remat):
        h = anp.ones(3)
        for _ in range(3):
            block = lambda h: anp.tanh(h @ w)  # noqa: E731
            h = arrax.checkpoint(block)(h) if remat else block(h)
        return h.sum()

    close(arrax.grad(loss)(w, True), arrax.grad(loss)(w, False))
    close(arrax.jit(arrax.grad(loss), static_argnums=1)(w, True), arrax.grad(loss)(w, False))


def test_jacobians_check_complex_dtypes_and_keep_names():
    # JAX's rules: forward mode takes real inputs and reverse mode gives real outputs unless
    # holomorphic=True, which takes complex ones only; wrapped functions keep their
    # signature (jit's static_argnames reads it).
    import functools

    for bad in (
        lambda: arrax.jacfwd(anp.sin)(1 + 2j),
        lambda: arrax.jacrev(anp.sin)(1 + 2j),
        lambda: arrax.jacfwd(lambda x: x**2, holomorphic=True)(3.0),
        lambda: arrax.jacrev(lambda x: x**2, holomorphic=True)(3.0),
    ):
        with pytest.raises(TypeError, match="holomorphic"):
            bad()
    close(arrax.jacfwd(anp.sin, holomorphic=True)(1 + 2j), np.cos(1 + 2j))
    close(arrax.jacrev(anp.sin, holomorphic=True)(1 + 2j), np.cos(1 + 2j))
    close(arrax.hessian(lambda z: z**3, holomorphic=True)(1 + 1j), 6 * (1 + 1j))
    close(arrax.jacrev(lambda z: anp.abs(z) ** 2)(1 + 2j), 2 - 4j)  # (complex input, real output)
    for transform in (arrax.jacfwd, arrax.jacrev, arrax.hessian):

        @functools.partial(arrax.jit, static_argnames=["flag"])
        @transform
        def f(x, flag):
            return x * x if flag else anp.zeros_like(x)

        assert float(f(1.5, False)) == 0.0 and float(f(1.5, flag=True)) > 0


@pytest.mark.parametrize("transform", ["jit", "grad", "vmap", "make_ir"])
def test_leaked_tracer_is_jax_unexpected_tracer_error(transform):
    # JAX raises jax.errors.UnexpectedTracerError, a TypeError; programs catch it by name.
    leaked = []

    def f(x):
        leaked.append(x)
        return anp.sum(x * 2)

    getattr(arrax, transform)(f)(anp.ones(2))
    with pytest.raises(arrax.errors.UnexpectedTracerError, match="leaked") as info:
        leaked[0] * 3
    assert isinstance(info.value, TypeError)
    assert "UnexpectedTracerError" in [c.__name__ for c in type(info.value).__mro__]
