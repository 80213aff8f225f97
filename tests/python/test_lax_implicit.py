"""lax.custom_root and lax.custom_linear_solve: implicit derivatives against finite
differences and against JAX running the same program.

Each case is a program of a namespace ``L`` (arrax or JAX: numpy, lax and the
transformations) giving a function of a parameter vector ``p`` (and, for linear solves, a
right side ``b``); every check below runs on every case: value (against a NumPy/SciPy
reference and JAX), reverse and forward derivatives (finite differences and JAX), second
derivatives (finite differences of the implicit gradient, and JAX), vmap against a loop, and
jit against eager. The solvers are while_loops, which reverse mode cannot differentiate
through: the gradients exist only through the implicit rules.
"""

import types
from dataclasses import dataclass
from typing import Callable

import arrax
import arrax.flatten_util
import arrax.scipy.sparse.linalg
import numpy as np
import pytest
from arrax import lax as alax

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402
import jax.scipy.sparse.linalg as jsl  # noqa: E402
from jax.flatten_util import ravel_pytree as jax_ravel  # noqa: E402

scipy_optimize = pytest.importorskip("scipy.optimize")
scipy_special = pytest.importorskip("scipy.special")

_TRANSFORMS = ("grad", "jvp", "vjp", "vmap", "jit", "jacfwd", "hessian", "linearize")
ARRAX = types.SimpleNamespace(
    np=arrax.numpy,
    lax=arrax.lax,
    tree=arrax.tree_util,
    ravel=arrax.flatten_util.ravel_pytree,
    sparse=arrax.scipy.sparse.linalg,
    **{n: getattr(arrax, n) for n in _TRANSFORMS},
)
JAX = types.SimpleNamespace(
    np=jnp,
    lax=jax.lax,
    tree=jax.tree_util,
    ravel=jax_ravel,
    sparse=jsl,
    **{n: getattr(jax, n) for n in _TRANSFORMS},
)
rng = np.random.default_rng(0)


def to_np(tree):
    return jax.tree_util.tree_map(np.asarray, tree)


def assert_tree_close(got, want, rtol=1e-9, atol=1e-11):
    got, want = to_np(got), to_np(want)
    assert jax.tree_util.tree_structure(got) == jax.tree_util.tree_structure(want)
    for g, w in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def loss(L, out):
    """A scalar of every output entry, nonlinear so that second derivatives are not zero."""
    return sum(L.np.sum(L.np.sin(v) + 0.3 * v**2) for v in L.tree.tree_leaves(out))


def fd_directional(f, x, v, eps=1e-6):
    """(f(x + eps v) - f(x - eps v)) / (2 eps) for f of one argument x (a pytree of numpy
    arrays) and direction v (the same structure); the result is f's output structure."""

    def shifted(sign):
        return to_np(f(jax.tree_util.tree_map(lambda a, d: a + sign * eps * d, x, v)))

    return jax.tree_util.tree_map(lambda a, b: (a - b) / (2 * eps), shifted(1), shifted(-1))


def random_like(tree):
    return jax.tree_util.tree_map(lambda t: rng.normal(size=np.shape(t)), to_np(tree))


def tree_vdot(x, y):
    xs, ys = jax.tree_util.tree_leaves(to_np(x)), jax.tree_util.tree_leaves(to_np(y))
    return sum(np.sum(a * b) for a, b in zip(xs, ys))


# --- solvers written with while_loop (not differentiable in reverse mode) ----------------


def newton_scalar(L):
    def solve(f, x0):
        def cond(s):
            return (L.np.abs(f(s[0])) > 1e-14) & (s[1] < 60)

        def body(s):
            x = s[0]
            return x - f(x) / L.grad(f)(x), s[1] + 1

        return L.lax.while_loop(cond, body, (x0, 0))[0]

    return solve


def bisection(L):
    # JAX's documented custom_root example solves with a binary search.
    def solve(f, x0):
        def body(_, bounds):
            lo, hi = bounds
            mid = (lo + hi) / 2
            go_up = f(mid) < 0
            return L.np.where(go_up, mid, lo), L.np.where(go_up, hi, mid)

        lo, hi = L.lax.fori_loop(0, 80, body, (x0 * 0.0 - 100.0, x0 * 0.0 + 100.0))
        return (lo + hi) / 2

    return solve


def newton_vector(L, with_aux=False):
    """Newton on a pytree of unknowns, through its flat vector and dense Jacobian."""

    def solve(f, x0):
        flat0, unravel = L.ravel(x0)

        def g(v):
            return L.ravel(f(unravel(v)))[0]

        def cond(s):
            return (L.np.max(L.np.abs(g(s[0]))) > 1e-14) & (s[1] < 60)

        def body(s):
            v = s[0]
            return v - L.np.linalg.solve(L.jacfwd(g)(v), g(v)), s[1] + 1

        v, _ = L.lax.while_loop(cond, body, (flat0, 0))
        # The aux is the final residual, a float: JAX's custom_root rejects an integer aux
        # under grad (its zero tangent is not float0).
        return (unravel(v), L.np.max(L.np.abs(g(v)))) if with_aux else unravel(v)

    return solve


def scalar_tangent(g, y):
    return y / g(1.0)


def dense_tangent(L):
    def tangent_solve(g, y):
        flat, unravel = L.ravel(y)
        jac = L.jacfwd(lambda v: L.ravel(g(unravel(v)))[0])(L.np.zeros_like(flat))
        return unravel(L.np.linalg.solve(jac, flat))

    return tangent_solve


def linear_solve_tangent(L):
    # The tangent system solved by custom_linear_solve: one implicit rule inside the other's.
    # (Not gmres or cg: their tolerance is computed from the right side, which reverse mode
    # cannot transpose, in JAX as here.)
    return lambda g, y: L.lax.custom_linear_solve(g, y, dense_solve(L), dense_solve(L))


# --- custom_root cases -----------------------------------------------------------------


@dataclass
class RootCase:
    id: str
    make: Callable  # L -> (p -> root pytree)
    p: np.ndarray
    exact: Callable  # numpy p -> root (numpy pytree)
    batch: np.ndarray  # a batch of p for vmap


def _sqrt_cubed(solve, tangent, guess=1.0):
    def make(L):
        def fn(x):
            return L.lax.custom_root(lambda y: y**2 - x**3, guess, solve(L), tangent)

        return fn

    return make


def _lambert_w(L):
    # y exp(y) = p, elementwise: the principal branch of Lambert's W.
    def fn(p):
        return L.lax.custom_root(
            lambda y: y * L.np.exp(y) - p, L.np.zeros_like(p), newton_vector(L), dense_tangent(L)
        )

    return fn


def _coupled_tree(tangent_of, with_aux=False):
    # Unknowns {"u": (2,), "v": ()}: u_i^3 + u_i + v = p_i, 2 v - (u_0 + u_1) = p_2.
    def make(L):
        def f_of(p):
            def f(t):
                u, v = t["u"], t["v"]
                return {"u": u**3 + u + v - p[:2], "v": 2 * v - L.np.sum(u) - p[2]}

            return f

        def fn(p):
            guess = {"u": L.np.zeros(2), "v": L.np.asarray(0.0)}
            out = L.lax.custom_root(
                f_of(p), guess, newton_vector(L, with_aux), tangent_of(L), has_aux=with_aux
            )
            return {"root": out[0], "residual": out[1]} if with_aux else out

        return fn

    return make


def _coupled_exact(p, with_aux=False):
    def eqs(z):
        u, v = z[:2], z[2]
        return np.concatenate([u**3 + u + v - p[:2], [2 * v - u.sum() - p[2]]])

    z = scipy_optimize.fsolve(eqs, np.zeros(3), xtol=1e-13)
    root = {"u": z[:2], "v": np.asarray(z[2])}
    return {"root": root} if with_aux else root


ROOT_CASES = [
    RootCase(
        "sqrt_cubed_newton",
        _sqrt_cubed(newton_scalar, scalar_tangent),
        np.asarray(2.0),
        lambda x: x**1.5,
        np.array([0.5, 1.0, 3.0]),
    ),
    RootCase(
        "sqrt_cubed_bisection",
        _sqrt_cubed(bisection, scalar_tangent),
        np.asarray(1.7),
        lambda x: x**1.5,
        np.array([0.8, 2.0, 4.0]),
    ),
    RootCase(
        "lambert_w_vector",
        _lambert_w,
        np.array([0.5, 1.0, 2.5]),
        lambda p: scipy_special.lambertw(p).real,
        np.array([[0.5, 1.0, 2.5], [0.1, 0.2, 0.3], [3.0, 1.5, 0.7]]),
    ),
    RootCase(
        "pytree_dense_tangent",
        _coupled_tree(dense_tangent),
        np.array([1.0, -0.5, 0.25]),
        _coupled_exact,
        np.array([[1.0, -0.5, 0.25], [0.3, 0.6, -0.2], [2.0, 1.0, 0.5]]),
    ),
    RootCase(
        "pytree_linear_solve_tangent",
        _coupled_tree(linear_solve_tangent),
        np.array([0.7, 0.2, -0.4]),
        _coupled_exact,
        np.array([[0.7, 0.2, -0.4], [1.0, -1.0, 0.0], [0.2, 0.9, 0.3]]),
    ),
    RootCase(
        "has_aux",
        _coupled_tree(dense_tangent, with_aux=True),
        np.array([1.0, 0.5, 0.5]),
        lambda p: _coupled_exact(p, with_aux=True),
        np.array([[1.0, 0.5, 0.5], [0.2, 0.1, -0.3], [1.5, 0.0, 0.4]]),
    ),
]


def _root_only(out):
    """The differentiable part of a case's output (the aux iteration count dropped)."""
    return out["root"] if isinstance(out, dict) and "root" in out else out


def _root_loss(L, fn):
    return lambda p: loss(L, _root_only(fn(p)))


@pytest.fixture(params=ROOT_CASES, ids=lambda c: c.id)
def root_case(request):
    return request.param


def test_root_value_matches_reference_and_jax(root_case):
    c = root_case
    got = c.make(ARRAX)(c.p)
    assert_tree_close(_root_only(got), _root_only(c.exact(c.p)))
    assert_tree_close(_root_only(got), _root_only(c.make(JAX)(c.p)))
    if isinstance(got, dict) and "residual" in got:  # has_aux: Newton's final residual
        assert 0 <= float(got["residual"]) <= 1e-14


def test_root_reverse_mode_matches_finite_differences_and_jax(root_case):
    c = root_case
    f = _root_loss(ARRAX, c.make(ARRAX))
    g = np.asarray(arrax.grad(f)(c.p))
    for _ in range(2):
        v = rng.normal(size=c.p.shape)
        np.testing.assert_allclose(np.sum(g * v), fd_directional(f, c.p, v), rtol=1e-6, atol=1e-8)
    want = jax.grad(_root_loss(JAX, c.make(JAX)))(c.p)
    np.testing.assert_allclose(g, np.asarray(want), rtol=1e-9, atol=1e-11)


def test_root_forward_mode_matches_finite_differences_and_jax(root_case):
    c = root_case
    fn = c.make(ARRAX)
    v = rng.normal(size=c.p.shape)
    out, tangent = arrax.jvp(lambda p: _root_only(fn(p)), (c.p,), (v,))
    assert_tree_close(tangent, fd_directional(lambda p: _root_only(fn(p)), c.p, v), 1e-6, 1e-8)
    jfn = c.make(JAX)
    assert_tree_close(tangent, jax.jvp(lambda p: _root_only(jfn(p)), (c.p,), (v,))[1])
    # vjp agrees with jvp: <ct, J v> = <J^T ct, v>
    ct = random_like(out)
    (back,) = arrax.vjp(lambda p: _root_only(fn(p)), c.p)[1](ct)
    np.testing.assert_allclose(np.sum(np.asarray(back) * v), tree_vdot(ct, tangent), rtol=1e-10)


@pytest.mark.parametrize("mode", ["rev_rev", "fwd_rev", "rev_fwd"])
def test_root_second_order_matches_finite_differences_and_jax(root_case, mode):
    c = root_case
    f = _root_loss(ARRAX, c.make(ARRAX))
    jf = _root_loss(JAX, c.make(JAX))
    if c.p.ndim == 0:
        second = {"rev_rev": arrax.grad(arrax.grad(f)), "fwd_rev": arrax.jacfwd(arrax.grad(f)),
                  "rev_fwd": arrax.grad(arrax.jacfwd(f))}[mode]  # fmt: skip
        h = np.asarray(second(c.p))
        want = jax.grad(jax.grad(jf))(c.p)
    else:
        second = {"rev_rev": arrax.jacrev(arrax.grad(f)), "fwd_rev": arrax.jacfwd(arrax.grad(f)),
                  "rev_fwd": arrax.jacrev(arrax.jacfwd(f))}[mode]  # fmt: skip
        h = np.asarray(second(c.p))
        want = jax.hessian(jf)(c.p)
    v = rng.normal(size=c.p.shape)
    fd = fd_directional(lambda p: arrax.grad(f)(p), c.p, v, eps=1e-5)
    np.testing.assert_allclose(np.tensordot(h, v, axes=v.ndim), fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(h, np.asarray(want), rtol=1e-8, atol=1e-10)


def test_root_vmap_matches_loop(root_case):
    c = root_case
    fn = c.make(ARRAX)
    batched = arrax.vmap(fn)(c.batch)
    for i, p in enumerate(c.batch):
        assert_tree_close(
            jax.tree_util.tree_map(lambda t, i=i: np.asarray(t)[i], to_np(batched)), fn(p)
        )
    g = arrax.vmap(arrax.grad(_root_loss(ARRAX, fn)))(c.batch)
    for i, p in enumerate(c.batch):
        np.testing.assert_allclose(
            np.asarray(g)[i],
            np.asarray(arrax.grad(_root_loss(ARRAX, fn))(p)),
            rtol=1e-10,
            atol=1e-12,
        )


def test_root_jit_matches_eager(root_case):
    c = root_case
    fn = c.make(ARRAX)
    assert_tree_close(arrax.jit(fn)(c.p), fn(c.p))
    f = _root_loss(ARRAX, fn)
    np.testing.assert_allclose(
        np.asarray(arrax.jit(arrax.grad(f))(c.p)), np.asarray(arrax.grad(f)(c.p)), rtol=1e-12
    )
    np.testing.assert_allclose(
        np.asarray(arrax.grad(arrax.jit(f))(c.p)), np.asarray(arrax.grad(f)(c.p)), rtol=1e-12
    )


# --- custom_linear_solve cases ---------------------------------------------------------


def dense_solve(L, with_aux=False):
    """solve(matvec, b) for any linear matvec on a pytree: its dense matrix (a Jacobian) and
    numpy.linalg.solve. Used as solve and as transpose_solve (on vecmat)."""

    def solve(mv, b):
        flat, unravel = L.ravel(b)
        jac = L.jacfwd(lambda v: L.ravel(mv(unravel(v)))[0])(L.np.zeros_like(flat))
        x = unravel(L.np.linalg.solve(jac, flat))
        return (x, L.np.linalg.norm(jac @ L.ravel(x)[0] - flat)) if with_aux else x

    return solve


def cg_loop(L):
    """Unpreconditioned conjugate gradients on a flat vector, as a while_loop."""

    def solve(mv, b):
        def cond(s):
            return (L.np.vdot(s[1], s[1]) > 1e-30) & (s[3] < 100)

        def body(s):
            x, r, p, k = s
            ap = mv(p)
            alpha = L.np.vdot(r, r) / L.np.vdot(p, ap)
            r2 = r - alpha * ap
            return x + alpha * p, r2, r2 + (L.np.vdot(r2, r2) / L.np.vdot(r, r)) * p, k + 1

        return L.lax.while_loop(cond, body, (L.np.zeros_like(b), b, b, 0))[0]

    return solve


def jacobi_loop(L, diag, with_aux=False):
    """Jacobi iteration x <- x + (b - op(x)) / diag for a diagonally dominant operator."""

    def solve(op, b):
        def cond(s):
            res = b - op(s[0])
            return (L.np.max(L.np.abs(res)) > 1e-15) & (s[1] < 500)

        def body(s):
            return s[0] + (b - op(s[0])) / diag, s[1] + 1

        x, k = L.lax.while_loop(cond, body, (L.np.zeros_like(b), 0))
        return (x, k) if with_aux else x

    return solve


N = 4
BASE = rng.normal(size=(N, N)) * 0.3
SYM = (BASE + BASE.T) / 2


@dataclass
class LinCase:
    id: str
    make: Callable  # L -> ((p, b) -> x, a pytree like b; or {"x": x, "aux": aux})
    dense: Callable  # numpy p -> the operator's matrix (on b flattened)
    p: np.ndarray
    b: object  # pytree of numpy arrays
    p_batch: np.ndarray
    b_batch: object


def _dense_case(L):
    def fn(p, b):
        a = p.reshape(N, N)
        return L.lax.custom_linear_solve(
            lambda x: a @ x,
            b,
            lambda mv, r: L.np.linalg.solve(a, r),
            lambda vm, r: L.np.linalg.solve(a.T, r),
        )

    return fn


def _symmetric_case(L):
    def fn(p, b):
        a = L.np.diag(p) + L.np.asarray(SYM)
        return L.lax.custom_linear_solve(lambda x: a @ x, b, cg_loop(L), symmetric=True)

    return fn


def _jacobi_case(with_aux):
    def make(L):
        def fn(p, b):
            def mv(x):
                return p * x + L.np.asarray(BASE) @ x

            out = L.lax.custom_linear_solve(
                mv, b, jacobi_loop(L, p, with_aux), jacobi_loop(L, p, with_aux), has_aux=with_aux
            )
            return {"x": out[0], "aux": out[1]} if with_aux else out

        return fn

    return make


def _pytree_case(L):
    # b = {"a": (2,), "c": (3,)}; an operator coupling the blocks through p (3 values).
    def fn(p, b):
        def mv(x):
            return {
                "a": p[0] * x["a"] + 0.2 * L.np.sum(x["c"]),
                "c": p[1] * x["c"] + p[2] * x["a"][0] - 0.1 * x["c"][::-1],
            }

        return L.lax.custom_linear_solve(mv, b, dense_solve(L), dense_solve(L))

    return fn


def _pytree_dense(p):
    m = np.zeros((5, 5))
    m[0, 0] = m[1, 1] = p[0]
    m[0:2, 2:5] = 0.2
    m[2:5, 2:5] = p[1] * np.eye(3) - 0.1 * np.eye(3)[::-1]
    m[2:5, 0] = p[2]
    return m


A0 = rng.normal(size=(N, N)) + 4 * np.eye(N)
LIN_CASES = [
    LinCase(
        "dense_lu",
        _dense_case,
        lambda p: p.reshape(N, N),
        A0.ravel(),
        rng.normal(size=N),
        np.stack([A0.ravel(), (A0 + np.eye(N)).ravel(), (A0 * 1.5).ravel()]),
        rng.normal(size=(3, N)),
    ),
    LinCase(
        "symmetric_cg_loop",
        _symmetric_case,
        lambda p: np.diag(p) + SYM,
        np.array([3.0, 4.0, 5.0, 3.5]),
        rng.normal(size=N),
        np.array([[3.0, 4.0, 5.0, 3.5], [2.5, 3.0, 3.0, 4.0], [6.0, 5.0, 4.0, 3.0]]),
        rng.normal(size=(3, N)),
    ),
    LinCase(
        "jacobi_nonsymmetric",
        _jacobi_case(False),
        lambda p: np.diag(p) + BASE,
        np.array([3.0, 4.0, 5.0, 3.5]),
        rng.normal(size=N),
        np.array([[3.0, 4.0, 5.0, 3.5], [2.5, 3.0, 3.0, 4.0], [6.0, 5.0, 4.0, 3.0]]),
        rng.normal(size=(3, N)),
    ),
    LinCase(
        "pytree_b",
        _pytree_case,
        _pytree_dense,
        np.array([2.0, 3.0, 0.5]),
        {"a": rng.normal(size=2), "c": rng.normal(size=3)},
        np.array([[2.0, 3.0, 0.5], [1.5, 2.5, -0.5], [3.0, 4.0, 1.0]]),
        {"a": rng.normal(size=(3, 2)), "c": rng.normal(size=(3, 3))},
    ),
    LinCase(
        "has_aux",
        _jacobi_case(True),
        lambda p: np.diag(p) + BASE,
        np.array([3.0, 4.0, 5.0, 3.5]),
        rng.normal(size=N),
        np.array([[3.0, 4.0, 5.0, 3.5], [2.5, 3.0, 3.0, 4.0], [6.0, 5.0, 4.0, 3.0]]),
        rng.normal(size=(3, N)),
    ),
]


def _x(out):
    return out["x"] if isinstance(out, dict) and "aux" in out else out


def _lin_loss(L, fn):
    return lambda p, b: loss(L, _x(fn(p, b)))


@pytest.fixture(params=LIN_CASES, ids=lambda c: c.id)
def lin_case(request):
    return request.param


def test_linear_value_matches_dense_solve_and_jax(lin_case):
    c = lin_case
    out = c.make(ARRAX)(c.p, c.b)
    flat_b, unravel = jax_ravel(c.b)
    want = unravel(np.linalg.solve(c.dense(c.p), np.asarray(flat_b)))
    assert_tree_close(_x(out), want)
    assert_tree_close(_x(out), _x(c.make(JAX)(c.p, c.b)))
    if isinstance(out, dict) and "aux" in out:  # has_aux: the Jacobi step count, not a tangent
        assert 0 < int(out["aux"]) < 500


def test_linear_grad_matches_finite_differences_and_jax(lin_case):
    c = lin_case
    f = _lin_loss(ARRAX, c.make(ARRAX))
    gp, gb = arrax.grad(f, (0, 1))(c.p, c.b)
    for _ in range(2):
        vp, vb = rng.normal(size=c.p.shape), random_like(c.b)
        fd = fd_directional(lambda pb: f(*pb), (c.p, c.b), (vp, vb))
        np.testing.assert_allclose(
            np.sum(np.asarray(gp) * vp) + tree_vdot(gb, vb), fd, rtol=1e-6, atol=1e-8
        )
    jp, jb = jax.grad(_lin_loss(JAX, c.make(JAX)), (0, 1))(c.p, c.b)
    assert_tree_close((gp, gb), (jp, jb))


def test_linear_jvp_and_vjp_match_finite_differences_and_jax(lin_case):
    c = lin_case
    fn = c.make(ARRAX)
    vp, vb = rng.normal(size=c.p.shape), random_like(c.b)
    out, t = arrax.jvp(lambda p, b: _x(fn(p, b)), (c.p, c.b), (vp, vb))
    fd = fd_directional(lambda pb: _x(fn(*pb)), (c.p, c.b), (vp, vb))
    assert_tree_close(t, fd, rtol=1e-6, atol=1e-8)
    jfn = c.make(JAX)
    assert_tree_close(t, jax.jvp(lambda p, b: _x(jfn(p, b)), (c.p, c.b), (vp, vb))[1])
    ct = random_like(out)
    bp, bb = arrax.vjp(lambda p, b: _x(fn(p, b)), c.p, c.b)[1](ct)
    np.testing.assert_allclose(
        np.sum(np.asarray(bp) * vp) + tree_vdot(bb, vb), tree_vdot(ct, t), rtol=1e-10
    )


@pytest.mark.parametrize("mode", ["rev_rev", "fwd_rev", "rev_fwd", "fwd_fwd"])
def test_linear_second_order_matches_finite_differences_and_jax(lin_case, mode):
    # Second derivatives with respect to the operator's values: the implicit rules of the
    # tangent and transposed solves are differentiated in turn.
    c = lin_case
    f = _lin_loss(ARRAX, c.make(ARRAX))

    def fp(p):
        return f(p, c.b)

    outer, inner = {"rev_rev": (arrax.jacrev, arrax.grad), "fwd_rev": (arrax.jacfwd, arrax.grad),
                    "rev_fwd": (arrax.jacrev, arrax.jacfwd),
                    "fwd_fwd": (arrax.jacfwd, arrax.jacfwd)}[mode]  # fmt: skip
    h = np.asarray(outer(inner(fp))(c.p))
    v = rng.normal(size=c.p.shape)
    fd = fd_directional(lambda p: arrax.grad(fp)(p), c.p, v, eps=1e-5)
    np.testing.assert_allclose(h @ v, fd, rtol=1e-6, atol=1e-8)
    jf = _lin_loss(JAX, c.make(JAX))
    np.testing.assert_allclose(
        h, np.asarray(jax.hessian(lambda p: jf(p, c.b))(c.p)), rtol=1e-8, atol=1e-10
    )


def _take(tree, i):
    return jax.tree_util.tree_map(lambda t: np.asarray(t)[i], to_np(tree))


@pytest.mark.parametrize("axes", [(0, 0), (None, 0), (0, None)], ids=["both", "b", "operator"])
def test_linear_vmap_matches_loop(lin_case, axes):
    c = lin_case
    fn = c.make(ARRAX)
    grad_one = arrax.grad(_lin_loss(ARRAX, fn), (0, 1))
    p = c.p_batch if axes[0] == 0 else c.p
    b = c.b_batch if axes[1] == 0 else c.b
    pb = [(p[i] if axes[0] == 0 else p, _take(b, i) if axes[1] == 0 else b) for i in range(3)]
    per = [grad_one(*args) for args in pb]
    got = arrax.vmap(fn, in_axes=axes)(p, b)
    g = arrax.vmap(grad_one, in_axes=axes)(p, b)
    for i, args in enumerate(pb):
        assert_tree_close(_take(got, i), fn(*args), rtol=1e-10, atol=1e-12)
        assert_tree_close(_take(g, i), per[i], 1e-10, 1e-12)
    # Reverse mode over the batched solve (its transpose batched): the gradient of the summed
    # losses is, per argument, the stack of the gradients where batched, their sum where not.
    total = arrax.grad(lambda p, b: loss(ARRAX, _x(arrax.vmap(fn, in_axes=axes)(p, b))), (0, 1))(
        p, b
    )
    for k, ax in enumerate(axes):
        parts = [to_np(q[k]) for q in per]
        combine = (lambda *q: np.stack(q)) if ax == 0 else (lambda *q: sum(q))
        assert_tree_close(total[k], jax.tree_util.tree_map(combine, *parts), 1e-9, 1e-11)


def test_linear_jit_matches_eager(lin_case):
    c = lin_case
    fn = c.make(ARRAX)
    assert_tree_close(arrax.jit(fn)(c.p, c.b), fn(c.p, c.b), rtol=1e-12, atol=1e-14)
    f = _lin_loss(ARRAX, fn)
    eager = arrax.grad(f, (0, 1))(c.p, c.b)
    assert_tree_close(arrax.jit(arrax.grad(f, (0, 1)))(c.p, c.b), eager, 1e-12, 1e-14)
    assert_tree_close(arrax.grad(arrax.jit(f), (0, 1))(c.p, c.b), eager, 1e-12, 1e-14)


# --- errors and edges ------------------------------------------------------------------


def test_linear_solve_without_transpose_solve_is_forward_only():
    a = A0
    b = rng.normal(size=N)

    def fn(b):
        return alax.custom_linear_solve(
            lambda x: a @ x, b, lambda mv, r: arrax.numpy.linalg.solve(a, r)
        )

    t = arrax.jvp(fn, (b,), (b,))[1]  # linear in b: the tangent is the solution itself
    np.testing.assert_allclose(np.asarray(t), np.linalg.solve(a, b), rtol=1e-12)
    with pytest.raises(TypeError, match="^custom_linear_solve: transpose_solve"):
        arrax.grad(lambda b: fn(b).sum())(b)


def test_structure_and_shape_mismatches_raise():
    b = np.ones(3)
    with pytest.raises(TypeError, match="^custom_linear_solve: matvec"):
        alax.custom_linear_solve(lambda x: (x, x), b, lambda mv, r: r)
    with pytest.raises(ValueError, match="^custom_linear_solve: solve"):
        alax.custom_linear_solve(lambda x: x, b, lambda mv, r: r[:2])
    with pytest.raises(TypeError, match="^custom_root: f"):
        alax.custom_root(lambda y: [y], 1.0, lambda f, x: x, scalar_tangent)
    with pytest.raises(TypeError, match="^custom_root: with has_aux=True, solve"):
        alax.custom_root(lambda y: y, 1.0, lambda f, x: x, scalar_tangent, has_aux=True)


def test_custom_root_under_jit_and_vmap_of_closures():
    # The function's parameters are closed over (tracers under jit/vmap), as in JAX's examples.
    def sqrt_cubed(x):
        return alax.custom_root(lambda y: y**2 - x**3, 1.0, newton_scalar(ARRAX), scalar_tangent)

    xs = np.array([0.5, 2.0, 3.0])
    np.testing.assert_allclose(
        np.asarray(arrax.jit(arrax.vmap(sqrt_cubed))(xs)), xs**1.5, rtol=1e-12
    )
    np.testing.assert_allclose(
        np.asarray(arrax.jit(arrax.vmap(arrax.grad(sqrt_cubed)))(xs)), 1.5 * xs**0.5, rtol=1e-12
    )
