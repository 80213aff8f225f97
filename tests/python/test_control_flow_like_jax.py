"""arrax.lax control flow against real JAX (float64): vmap of cond/switch/while_loop/scan
(batched predicates, outputs that stay unbatched), weakly typed init carries, the legacy and
numeric-predicate forms of cond, fori_loop bounds, and the errors JAX's tests check."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import errors as aerrors
from arrax import lax as alax

from conftest import AGAINST_NUMPY, arrax_only

jax = pytest.importorskip("jax")
jnp = jax.numpy

pytestmark = [
    pytest.mark.usefixtures("jax_x64"),
    pytest.mark.skipif(AGAINST_NUMPY, reason="compares arrax.lax with jax.lax"),
]

LIBS = {"arrax": (arrax, anp, alax), "jax": (jax, jnp, jax.lax)}


def both(fn):
    """fn(X, N, L) with X/N/L = arrax/arrax.numpy/arrax.lax and jax/jax.numpy/jax.lax."""
    return fn(*LIBS["arrax"]), fn(*LIBS["jax"])


def assert_like_jax(fn, dtypes=True):
    a, j = both(fn)
    la, ta = jax.tree_util.tree_flatten(a, is_leaf=lambda x: isinstance(x, arrax.Array))
    lj, tj = jax.tree_util.tree_flatten(j)
    assert len(la) == len(lj), (a, j)
    for x, y in zip(la, lj):
        x, y = np.asarray(x), np.asarray(y)
        assert x.shape == y.shape, (x, y)
        if dtypes:
            assert x.dtype == y.dtype, (x.dtype, y.dtype)
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)
    return a


# --- A3: reverse mode through vmap of cond with a batched predicate -------------------------


def test_grad_vmap_cond_safe_sqrt_is_not_nan():
    eps = 1e-3

    def fn(X, N, L):
        def safe(x):
            return L.cond(x < eps, lambda x: eps + 0.0 * x, N.sqrt, x)

        return X.grad(lambda x: X.vmap(safe)(x).sum())(np.zeros(3))

    out = assert_like_jax(fn)
    np.testing.assert_array_equal(np.asarray(out), np.zeros(3))


CLOSURE_CASES = {
    # the branches close over the batched value instead of taking it as an operand: what they
    # compute from it is still part of the branch (JAX stages it there), so the lanes that do
    # not take a branch send it no cotangent
    "grad_vmap": lambda X, N, L, f: X.grad(lambda xs: X.vmap(f)(xs).sum())(N.array([-1.0, 4.0])),
    "vmap_grad": lambda X, N, L, f: X.vmap(X.grad(f))(N.array([-1.0, 4.0])),
    "jit_grad_vmap": lambda X, N, L, f: X.jit(X.grad(lambda xs: X.vmap(f)(xs).sum()))(
        N.array([-1.0, 0.0, 9.0])
    ),
    "value_vmap": lambda X, N, L, f: X.vmap(f)(N.array([-1.0, 4.0])),
}


@pytest.mark.parametrize("case", sorted(CLOSURE_CASES))
def test_cond_branches_closing_over_batched_values(case):
    def fn(X, N, L):
        def f(x):
            return L.cond(x > 0, lambda: N.sqrt(x), lambda: 0.0 * x)

        return CLOSURE_CASES[case](X, N, L, f)

    out = np.asarray(assert_like_jax(fn))
    assert np.isfinite(out).all()


def test_while_body_closing_over_batched_value():
    # a loop body computing from a closed-over batched value, under grad(vmap)
    def fn(X, N, L):
        def f(a):
            return L.fori_loop(0, 3, lambda i, c: c + N.sin(a) * c, 1.0)

        return X.grad(lambda a: X.vmap(f)(a).sum())(N.array([0.1, 0.2, 0.3]))

    assert_like_jax(fn)


def _switch(L, N):
    branches = [lambda x: N.sin(x), lambda x: x**2, lambda x: N.sqrt(x)]
    return lambda i, x: L.switch(i, branches, x)


X_SW = np.array([-1.0, 0.5, 2.0, 3.0])
I_SW = np.array([0, 2, 1, 5])  # 5 is clamped to the last branch


@pytest.mark.parametrize(
    "how",
    ["value", "grad", "jvp", "vmap_of_grad", "jit_grad"],
)
def test_switch_batched_index(how):
    def fn(X, N, L):
        f = X.vmap(_switch(L, N))
        if how == "value":
            return f(I_SW, X_SW)
        if how == "grad":
            return X.grad(lambda x: f(I_SW, x).sum())(X_SW)
        if how == "jvp":
            return X.jvp(lambda x: f(I_SW, x), (X_SW,), (np.ones(4),))
        if how == "vmap_of_grad":
            return X.vmap(X.grad(lambda x, i: _switch(L, N)(i, x)))(X_SW, I_SW)
        return X.jit(X.grad(lambda x: f(I_SW, x).sum()))(X_SW)

    assert_like_jax(fn)


# --- A4: outputs and carries that no batched value reaches stay unbatched -------------------


def test_vmap_cond_forwarded_operand_stays_unbatched():
    def fn(X, N, L):
        def f(x, y):
            return L.cond(x < 3, lambda x, y: (x * 2, y), lambda x, y: (x * 3, y), x, y)

        y = N.array(3.0)
        x2, y2 = X.vmap(f, in_axes=(0, None), out_axes=(0, None))(N.arange(3), y)
        assert y2 is y
        return x2, y2

    assert_like_jax(fn)


def test_vmap_cond_unbatched_predicate_keeps_unbatched_outputs():
    def fn(X, N, L):
        def f(a, b):
            return L.cond(b > 0, lambda a, b: (a * 2, b * 2), lambda a, b: (a, b + 1.0), a, b)

        # Under jit the predicate is traced (not concrete) but unbatched.
        outer = X.jit(X.vmap(f, (0, None), (0, None)))(X_SW, 1.0)
        inner = X.vmap(X.jit(f), (0, None), (0, None))(X_SW, 1.0)
        return outer, inner

    assert_like_jax(fn)


def test_vmap_while_readonly_carry():
    def fn(X, N, L):
        def foo(w, x, c_max):
            def body(v):
                c, x, w = v
                return c + 1, x @ w, w

            _, x, w = L.while_loop(lambda v: v[0] < c_max, body, (0, x, w))
            return w, x

        return X.vmap(foo, in_axes=(None, 0, 0), out_axes=(None, 0))(
            N.ones((2, 2)), N.ones((4, 2)), N.arange(4)
        )

    assert_like_jax(fn)


def test_vmap_while_unbatched_predicate_fixed_point():
    def fn(X, N, L):
        def f(a, b):
            # c[1] is batched, c[2] only ever sees the unbatched b, c[3] becomes batched
            # through c[1] on the second step.
            def body(c):
                return c[0] + 1, c[1] * 2, c[2] + b, c[1] + c[3]

            return L.while_loop(lambda c: c[0] < 3, body, (0, a, 1.0, 0.0))

        return X.vmap(f, (0, None), (None, 0, None, 0))(X_SW, 2.0)

    assert_like_jax(fn)


def test_vmap_scan_readonly_carry_inside_cond():
    def fn(X, N, L):
        def f(x, y):
            def g(_, y):
                return L.scan(lambda y, _: (y, None), y, None, length=1)[0]

            return L.cond(x < 0, g, g, x, y)

        return X.vmap(f, (0, None), None)(N.arange(3.0), 3.0)

    assert_like_jax(fn)


def test_vmap_scan_unbatched_carry_and_ys():
    def fn(X, N, L):
        forwarded = X.vmap(
            lambda c, xs: L.scan(lambda c, x: (c, x * 2), c, xs), (None, 0), (None, 0)
        )(1.0, N.ones((2, 3)))
        # The carry depends on a batched value, the ys do not.
        ys_unbatched = X.vmap(
            lambda a, xs: L.scan(lambda c, x: (c + a, x * 2.0), 0.0, xs), (0, None), (0, None)
        )(X_SW, N.arange(3.0))
        # A carry that becomes batched one step later (fixed point).
        fixed_point = X.vmap(
            lambda a: L.scan(
                lambda c, _: ((c[1], c[0] + a, c[2] + 1.0), c[0] * 1.0),
                (0.0, 0.0, 0.0),
                None,
                length=4,
            ),
            out_axes=((0, 0, None), 0),
        )(X_SW)
        return forwarded, ys_unbatched, fixed_point

    assert_like_jax(fn)


# --- A2: a Python-scalar init carry takes the body's dtype ---------------------------------

WEAK_CASES = {
    "scan_int8": lambda X, N, L: L.scan(lambda c, x: (c + x, x), 0, N.ones(5, N.int8))[0],
    "scan_float32": lambda X, N, L: L.scan(lambda c, x: (c + x, x), 0.0, N.ones(3, N.float32))[0],
    "scan_uint64": lambda X, N, L: L.scan(lambda c, x: (c + x, x), 0, N.ones(3, N.uint64))[0],
    "while_int16": lambda X, N, L: L.while_loop(
        lambda v: v < 2, lambda v: v + N.array(1, N.int16), 0
    ),
    "fori_int32": lambda X, N, L: L.fori_loop(0, 3, lambda i, c: c + N.array(1, N.int32), 0),
    "while_follows_input": lambda X, N, L: L.while_loop(lambda v: v < 300, lambda v: v + 1, 0),
    "scan_int_to_float": lambda X, N, L: L.scan(lambda c, x: (c + x, x), 0, N.ones(3))[0],
    # the body follows its weak carry: float16/bfloat16/complex64/uint8 xs set the dtype
    "scan_float16": lambda X, N, L: L.scan(lambda c, x: (c + x, x), 0.0, N.ones(3, N.float16))[0],
    "scan_bfloat16": lambda X, N, L: L.scan(lambda c, x: (c + x, x), 0, N.ones(3, N.bfloat16))[0],
    "scan_complex64": lambda X, N, L: L.scan(lambda c, x: (c * x, x), 1.0, N.ones(3, N.complex64)),
    "fori_uint8": lambda X, N, L: L.fori_loop(0, 3, lambda i, c: c + N.ones(3, N.uint8)[i], 0),
    "while_pair_float16": lambda X, N, L: L.while_loop(
        lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] + N.ones(4, N.float16)[c[0]]), (0, 0.0)
    ),
    # a weakly typed jit argument as the init carry
    "jit_weak_fori": lambda X, N, L: X.jit(
        lambda z: L.fori_loop(0, 3, lambda i, c: c + N.ones(3, N.float32)[i], z)
    )(1.0),
    "jit_weak_scan": lambda X, N, L: X.jit(
        lambda z: L.scan(lambda c, x: (c * x, None), z, N.ones(3, N.int8))[0]
    )(2),
    # a counter carried from a Python 0 stays weak in the body: float32 values it meets
    # stay float32 (x * step), as JAX's
    "fori_step_counter_float32": lambda X, N, L: L.fori_loop(
        0, 3, lambda i, c: (c[0] + 1, c[1] * 0.5 / (c[0] + 1)), (0, N.ones(3, N.float32))
    )[1],
    "scan_counter_times_float32": lambda X, N, L: L.scan(
        lambda c, x: (c + 1, x * c), 0, N.ones(3, N.float32)
    )[1],
    "while_counter_times_float32": lambda X, N, L: L.while_loop(
        lambda s: s[0] < 3, lambda s: (s[0] + 1, s[1] * (s[0] + 2)), (0, N.ones(2, N.float32))
    )[1],
    "jit_grad_counter_float32": lambda X, N, L: X.jit(
        X.grad(lambda x: L.fori_loop(0, 3, lambda i, c: (c[0] + 1, c[1] * c[0]), (1, x))[1].sum())
    )(N.ones(3, N.float32)),
}


@pytest.mark.parametrize("case", sorted(WEAK_CASES))
def test_weak_typed_init_carry(case):
    assert_like_jax(WEAK_CASES[case])


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "uint8"])
def test_while_loop_init_weak_type(dtype):
    inc = anp.array(1, dtype=dtype)
    out = alax.while_loop(lambda v: v < 2, lambda v: v + inc, 0)
    assert out.dtype == np.dtype(dtype) and int(out) == 2


@arrax_only
def test_array_init_carry_keeps_dtype_and_errors():
    c, _ = alax.scan(lambda c, x: (c + x, x), anp.array(0, anp.int64), anp.ones(3, anp.int8))
    assert c.dtype == np.int64
    with pytest.raises(TypeError, match="scan"):
        alax.scan(lambda c, x: (c + x, x), anp.array(0, anp.int32), anp.ones(3))


# --- B1/A5: cond forms and results ---------------------------------------------------------


def test_cond_legacy_five_arguments():
    assert_like_jax(lambda X, N, L: L.cond(True, 1.0, lambda x: x + 1, 2.0, lambda x: x - 1))
    assert_like_jax(lambda X, N, L: L.cond(False, 1.0, lambda x: x + 1, 2.0, lambda x: x - 1))
    assert_like_jax(
        lambda X, N, L: X.vmap(lambda t: L.cond(t > 0, 0, lambda x: 0, 0, lambda x: 1))(
            N.array([1, -1])
        )
    )


def test_cond_numeric_predicate():
    assert_like_jax(lambda X, N, L: L.cond(1.0, lambda x: x + 1, lambda x: x - 1, 2.0))
    assert_like_jax(lambda X, N, L: L.cond(0.0, lambda x: x + 1, lambda x: x - 1, 2.0))
    assert_like_jax(
        lambda X, N, L: X.jit(lambda p: L.cond(p, lambda x: (True, x), lambda x: (False, x), p))(
            0.0
        )
    )


@arrax_only
def test_cond_and_switch_return_arrays_on_the_concrete_path():
    y = alax.cond(True, lambda x: x, lambda x: x, 1.0)
    assert isinstance(y, arrax.Array) and float(y) == 1.0
    s = alax.switch(0, [lambda: 2, lambda: 3])
    assert isinstance(s, arrax.Array) and int(s) == 2
    r = alax.cond(True, lambda a, b: a + b, lambda a, b: a - b, 3, 4)
    assert isinstance(r, arrax.Array) and int(r) == 7


# --- A6: fori_loop with concrete non-Python-int bounds -------------------------------------


def test_fori_loop_concrete_bounds_reverse_mode():
    assert_like_jax(
        lambda X, N, L: X.grad(lambda x: L.fori_loop(x, x + 2.0, lambda i, c: c, x))(1.0)
    )
    assert_like_jax(
        lambda X, N, L: X.grad(lambda x: L.fori_loop(0, N.array(3), lambda i, c: c * x, 1.0))(2.0)
    )
    assert_like_jax(
        lambda X, N, L: X.grad(
            lambda x: L.fori_loop(np.int32(1), N.array(4, N.int32), lambda i, c: c * x + i, x)
        )(2.0)
    )


def test_fori_loop_bound_dtypes_must_match():
    for lib in ("arrax", "jax"):
        X, N, L = LIBS[lib]
        with pytest.raises(TypeError, match="must have equal types"):
            L.fori_loop(np.int16(0), N.int32(10), lambda i, c: c, N.float32(7))


# --- B2 ------------------------------------------------------------------------------------


def test_scan_split_transpose_keyword_is_accepted():
    assert_like_jax(
        lambda X, N, L: X.grad(
            lambda x: L.scan(lambda c, x: (c * x, c), 1.0, x, _split_transpose=True)[0]
        )(N.arange(1.0, 4.0))
    )


# --- A7: errors ----------------------------------------------------------------------------


@arrax_only
def test_fori_loop_body_not_callable():
    with pytest.raises(TypeError, match=r"lax.fori_loop: body_fun argument should be callable"):
        alax.fori_loop(0, 1, 42, 0)


@arrax_only
def test_cond_predicate_none():
    with pytest.raises(TypeError, match="cond predicate is None"):
        alax.cond(None, lambda x: x + 1, lambda x: x + 2, 1.0)


def test_grad_of_while_loop_is_a_value_error():
    for lib in ("arrax", "jax"):
        X, N, L = LIBS[lib]
        with pytest.raises(ValueError, match="Reverse-mode differentiation does not work for"):
            X.grad(lambda x: L.while_loop(lambda i: i < 5.0, lambda i: i + 1.0, x))(1.0)


@arrax_only
def test_grad_of_while_loop_message():
    with pytest.raises(ValueError, match="scan.*fori_loop with static bounds"):
        arrax.grad(lambda x: alax.while_loop(lambda v: v < 5.0, lambda v: v * 2.0, x))(1.0)


@arrax_only
def test_scan_traced_length_is_a_concretization_error():
    f = arrax.jit(lambda n, x: alax.scan(lambda c, z: (c, z), x, (), n))
    with pytest.raises(aerrors.ConcretizationTypeError, match="scan"):
        f(3, 1.0)


@arrax_only
def test_fori_loop_unroll_needs_static_bounds():
    f = arrax.jit(lambda u: alax.fori_loop(0, u, lambda i, c: c + 1, 10.0, unroll=3))
    with pytest.raises(ValueError, match="Can only use `unroll`"):
        f(10)


# --- in-place updates of a body's arguments (x += 1 on a traced x) -------------------------


def _inplace_while(X, N, L):
    def body(inp):
        val, i, j = inp
        val += i + j  # in place: the argument object now holds the sum
        j += 1
        return (val, i, j)

    return L.while_loop(lambda s: s[2] < 3, body, (0, 5, 0))


def _inplace_nested_vmap(X, N, L):
    # JAX's test_issue_3204: vmap of nested loops whose bodies update their carries in place
    def test(a, b):
        def outer(inp):
            val, i, j = inp
            j = 0

            def inner(inp):
                val, i, j = inp
                val += i + j
                j += 1
                return (val, i, j)

            val = L.while_loop(lambda s: s[2] < b + 1, inner, (val, i, j))[0]
            i += 1
            return (val, i, j)

        return L.while_loop(lambda s: s[1] < a + 1, outer, (0, 0, 0))[0]

    arr = np.arange(5)
    return X.vmap(test)(arr, arr), X.jit(test)(3, 2)


def _inplace_scan(X, N, L):
    def f(c, x):
        c += x  # the carry updated in place
        return c, c * 2

    return L.scan(f, N.zeros(2), N.arange(6.0).reshape(3, 2))


def _inplace_fori_and_cond(X, N, L):
    def body(i, c):
        c += i
        return c

    def branch(x):
        x *= 3
        return x

    return (
        L.fori_loop(0, 4, body, N.zeros(())),
        X.jit(lambda p, x: L.cond(p, branch, lambda x: x, x))(True, N.ones(2)),
    )


@pytest.mark.parametrize(
    "fn", [_inplace_while, _inplace_nested_vmap, _inplace_scan, _inplace_fori_and_cond]
)
def test_bodies_updating_their_arguments_in_place(fn):
    assert_like_jax(fn, dtypes=False)  # (arrax's Python ints are int64, JAX's int32)


# --- custom rules inside bodies that close over batched / differentiated values ------------


def _custom_fns(X, N):
    @X.custom_jvp
    def softplus(x):
        return N.log1p(N.exp(x))

    softplus.defjvp(lambda p, t: (softplus(p[0]), t[0] / (1 + N.exp(-p[0]))))

    @X.custom_vjp
    def clip_g(x):
        return x

    clip_g.defvjp(lambda x: (x, None), lambda r, g: (N.clip(g, -0.1, 0.1),))
    return softplus, clip_g


CUSTOM_IN_BODY = {
    "cond": lambda X, N, L, sp, cg: (
        lambda x: L.cond(x > 0, lambda: sp(x) * 2.0, lambda: cg(x) ** 2)
    ),
    "fori": lambda X, N, L, sp, cg: lambda x: L.fori_loop(0, 3, lambda i, c: c + sp(x * c), 0.5),
    "scan": lambda X, N, L, sp, cg: (
        lambda x: L.scan(lambda c, _: (cg(c * x), None), 1.0, None, length=3)[0]
    ),
}


@pytest.mark.parametrize("body", sorted(CUSTOM_IN_BODY))
@pytest.mark.parametrize("how", ["vmap", "grad_vmap", "vmap_grad", "jit_vmap_grad"])
def test_custom_rules_in_bodies_closing_over_tracers(body, how):
    def fn(X, N, L):
        f = CUSTOM_IN_BODY[body](X, N, L, *_custom_fns(X, N))
        xs = N.array([-1.0, 0.5, 2.0])
        return {
            "vmap": lambda: X.vmap(f)(xs),
            "grad_vmap": lambda: X.grad(lambda v: X.vmap(f)(v).sum())(xs),
            "vmap_grad": lambda: X.vmap(X.grad(f))(xs),
            "jit_vmap_grad": lambda: X.jit(X.vmap(X.grad(f)))(xs),
        }[how]()

    assert_like_jax(fn)
