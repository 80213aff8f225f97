"""arrax.scipy.sparse.linalg (cg, bicgstab, gmres) against NumPy's dense solve and JAX's
solvers: values, iteration limits, operator forms, pytrees, preconditioners, jit, vmap, and
implicit derivatives (against finite differences and JAX).

One table of cases (solver, system, options); every check runs on every case.
"""

from dataclasses import dataclass, field

import arrax
import arrax.scipy.sparse.linalg as asl
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402
import jax.scipy.sparse.linalg as jsl  # noqa: E402

rng = np.random.default_rng(0)
N = 6


def spd(n, complex_=False):
    q = rng.normal(size=(n, n)) + (1j * rng.normal(size=(n, n)) if complex_ else 0)
    return q @ np.conj(q.T) + n * np.eye(n)


def nonsymmetric(n, complex_=False):
    a = rng.normal(size=(n, n)) + (1j * rng.normal(size=(n, n)) if complex_ else 0)
    return a + 3 * np.eye(n)


def vector(n, complex_=False):
    return rng.normal(size=n) + (1j * rng.normal(size=n) if complex_ else 0)


@dataclass
class Case:
    id: str
    solver: str
    a: np.ndarray
    b: np.ndarray
    kw: dict = field(default_factory=dict)
    # options that stop the solver early: the result then differs from the solution, and must
    # still agree with JAX's (the same iterations)
    early: dict = field(default_factory=dict)

    @property
    def complex(self):
        return np.iscomplexobj(self.a)


def _jacobi(a):
    return np.diag(1 / np.diag(a))


_SPD, _NS = spd(N), nonsymmetric(N)
_HERM, _CNS = spd(N, True), nonsymmetric(N, True)
CASES = [
    Case("cg", "cg", _SPD, vector(N), early={"maxiter": 2}),
    Case("cg_jacobi_M", "cg", _SPD, vector(N), {"M": _jacobi(_SPD)}, {"maxiter": 2}),
    Case("cg_complex", "cg", _HERM, vector(N, True), early={"maxiter": 3}),
    Case("bicgstab", "bicgstab", _NS, vector(N), early={"maxiter": 2}),
    Case("bicgstab_spd", "bicgstab", _SPD, vector(N), early={"maxiter": 1}),
    Case("bicgstab_M", "bicgstab", _NS, vector(N), {"M": _jacobi(_NS)}, {"maxiter": 2}),
    Case("bicgstab_complex", "bicgstab", _CNS, vector(N, True), early={"maxiter": 2}),
    Case("gmres_batched", "gmres", _NS, vector(N), early={"restart": 2, "maxiter": 1}),
    Case(
        "gmres_incremental",
        "gmres",
        _NS,
        vector(N),
        {"solve_method": "incremental"},
        {"restart": 3, "maxiter": 1},
    ),
    Case("gmres_restart2", "gmres", _NS, vector(N), {"restart": 2}, {"maxiter": 2}),
    Case("gmres_M", "gmres", _NS, vector(N), {"M": _jacobi(_NS)}, {"restart": 2, "maxiter": 1}),
    Case(
        "gmres_complex_incremental",
        "gmres",
        _CNS,
        vector(N, True),
        {"solve_method": "incremental"},
        {"restart": 2, "maxiter": 1},
    ),
]
REAL_CASES = [c for c in CASES if not c.complex]


def solve_a(c, a, b, **kw):
    return getattr(asl, c.solver)(a, b, **{"tol": 1e-13, **c.kw, **kw})


def solve_j(c, a, b, **kw):
    return getattr(jsl, c.solver)(a, b, **{"tol": 1e-13, **c.kw, **kw})


def close(got, want, rtol=1e-9, atol=1e-11):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def loss(np_, x):
    """A real scalar of the solution, nonlinear so that second derivatives are not zero."""
    return np_.sum(np_.sin(np_.real(x)) + 0.3 * np_.abs(x) ** 2)


def fd(f, x, v, eps=1e-4):
    # eps well above the solvers' relative tolerance (1e-13), whose stopping point moves with
    # the perturbation: the difference quotient's noise is about 1e-13 / eps.
    return (f(x + eps * v) - f(x - eps * v)) / (2 * eps)


@pytest.fixture(params=CASES, ids=lambda c: c.id)
def case(request):
    return request.param


@pytest.fixture(params=REAL_CASES, ids=lambda c: c.id)
def real_case(request):
    return request.param


def test_solves_and_matches_jax(case):
    x, info = solve_a(case, case.a, case.b)
    close(x, np.linalg.solve(case.a, case.b), rtol=1e-10, atol=1e-12)
    xj, infoj = solve_j(case, case.a, case.b)
    close(x, xj)
    if case.solver == "gmres":  # 0, or -1 with NaNs in x; as JAX's
        assert int(info) == int(infoj) == 0
    else:
        assert info is None and infoj is None


def test_iteration_limits_match_jax(case):
    x = solve_a(case, case.a, case.b, **case.early)[0]
    exact = np.linalg.solve(case.a, case.b)
    assert np.linalg.norm(np.asarray(x) - exact) > 1e-6 * np.linalg.norm(exact)  # stopped early
    close(x, solve_j(case, case.a, case.b, **case.early)[0], rtol=1e-8, atol=1e-10)


def test_tolerance_stops_at_the_residual_bound(case):
    # norm(b - A x) <= max(tol * norm(b), atol) when it stops (SciPy's non-legacy tolerance),
    # and a loose tolerance stops before the exact solution.
    for tol, atol in [(1e-3, 0.0), (0.0, 1e-4)]:
        x = np.asarray(getattr(asl, case.solver)(case.a, case.b, tol=tol, atol=atol, **case.kw)[0])
        xj = np.asarray(getattr(jsl, case.solver)(case.a, case.b, tol=tol, atol=atol, **case.kw)[0])
        bound = max(tol * np.linalg.norm(case.b), atol)
        if "M" not in case.kw:  # with M, gmres tests the preconditioned residual
            assert np.linalg.norm(case.b - case.a @ x) <= bound * (1 + 1e-8)
        np.testing.assert_allclose(x, xj, rtol=1e-7, atol=1e-9)


def test_operator_forms_agree(case):
    # A as a matrix, a function, and an object with @ (and M alike) give one solution.
    want = np.asarray(solve_a(case, case.a, case.b)[0])
    a = arrax.numpy.asarray(case.a)

    class Op:
        shape = case.a.shape

        def __matmul__(self, x):
            return a @ x

    for form in (lambda x: a @ x, Op()):
        close(solve_a(case, form, case.b)[0], want, rtol=1e-12, atol=1e-14)
    if "M" in case.kw:
        m = arrax.numpy.asarray(case.kw["M"])
        close(solve_a(case, case.a, case.b, M=lambda x: m @ x)[0], want, rtol=1e-12, atol=1e-14)


def test_x0_is_the_starting_point(case):
    # From the solution itself no iteration is needed, even with maxiter=0.
    exact = np.linalg.solve(case.a, case.b)
    close(solve_a(case, case.a, case.b, x0=exact, maxiter=0)[0], exact, rtol=0, atol=0)
    x0 = vector(N, case.complex)
    close(
        solve_a(case, case.a, case.b, x0=x0, **case.early)[0],
        solve_j(case, case.a, case.b, x0=x0, **case.early)[0],
        rtol=1e-8,
        atol=1e-10,
    )


def test_pytree_b_with_a_function(case):
    # The same system split into a dict of blocks, A a function on the dict.
    a = arrax.numpy.asarray(case.a)

    def matvec(t):
        y = a @ arrax.numpy.concatenate([t["p"], t["q"].ravel()])
        return {"p": y[:2], "q": y[2:].reshape(2, 2)}

    b = {"p": case.b[:2], "q": case.b[2:].reshape(2, 2)}
    kw = {k: v for k, v in case.kw.items() if k != "M"}
    x = getattr(asl, case.solver)(matvec, b, tol=1e-13, **kw)[0]
    exact = np.linalg.solve(case.a, case.b)
    assert set(x) == {"p", "q"} and x["q"].shape == (2, 2)
    np.testing.assert_allclose(np.asarray(x["p"]), exact[:2], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.asarray(x["q"]).ravel(), exact[2:], rtol=1e-10, atol=1e-12)


def test_jit_matches_eager(case):
    eager = solve_a(case, case.a, case.b, **case.early)[0]
    jitted = arrax.jit(lambda a, b: solve_a(case, a, b, **case.early)[0])(case.a, case.b)
    close(jitted, eager, rtol=1e-12, atol=1e-14)


def test_vmap_matches_loop(case):
    bs = np.stack([vector(N, case.complex) for _ in range(3)])
    got = arrax.vmap(lambda b: solve_a(case, case.a, b)[0])(bs)
    for i in range(3):
        close(np.asarray(got)[i], solve_a(case, case.a, bs[i])[0], rtol=1e-10, atol=1e-12)
    # batched operators too: a stack of matrices (closed over by a function)
    scales = np.array([1.0, 1.5, 2.0])
    got = arrax.vmap(lambda s, b: solve_a(case, lambda x: s * (case.a @ x), b)[0])(scales, bs)
    for i in range(3):
        close(np.asarray(got)[i], np.linalg.solve(scales[i] * case.a, bs[i]), rtol=1e-9, atol=1e-11)


def test_grad_matches_finite_differences_and_jax(real_case):
    # With respect to b and to the matrix entries: implicit, through another solve.
    c = real_case

    def f(a, b):
        return loss(arrax.numpy, solve_a(c, a, b)[0])

    ga, gb = arrax.grad(f, (0, 1))(c.a, c.b)
    va, vb = rng.normal(size=c.a.shape), rng.normal(size=c.b.shape)
    np.testing.assert_allclose(
        np.sum(np.asarray(gb) * vb), fd(lambda b: f(c.a, b), c.b, vb), rtol=1e-6
    )
    np.testing.assert_allclose(
        np.sum(np.asarray(ga) * va), fd(lambda a: f(a, c.b), c.a, va), rtol=1e-6
    )
    ja, jb = jax.grad(lambda a, b: loss(jnp, solve_j(c, a, b)[0]), (0, 1))(c.a, c.b)
    close(ga, ja, rtol=1e-8, atol=1e-10)
    close(gb, jb, rtol=1e-8, atol=1e-10)
    # and the exact solve's gradient, since both solves converge
    want = jax.grad(lambda a, b: loss(jnp, jnp.linalg.solve(a, b)), (0, 1))(c.a, c.b)
    close(ga, want[0], rtol=1e-8, atol=1e-10)


def test_complex_grad_matches_jax(case):
    # Complex systems: the cotangent conventions (conjugations) are JAX's.
    if not case.complex:
        pytest.skip("real case: checked against finite differences above")

    def f(np_, solve):
        return lambda a, b: loss(np_, solve(case, a, b)[0])

    ga, gb = arrax.grad(f(arrax.numpy, solve_a), (0, 1))(case.a, case.b)
    ja, jb = jax.grad(f(jnp, solve_j), (0, 1))(case.a, case.b)
    close(ga, ja, rtol=1e-8, atol=1e-10)
    close(gb, jb, rtol=1e-8, atol=1e-10)


def test_jvp_and_second_order_match_finite_differences(real_case):
    c = real_case

    def x_of(a, b):
        return solve_a(c, a, b)[0]

    va, vb = rng.normal(size=c.a.shape), rng.normal(size=c.b.shape)
    _, t = arrax.jvp(x_of, (c.a, c.b), (va, vb))
    want = fd(lambda s: np.asarray(x_of(c.a + s * va, c.b + s * vb)), 0.0, 1.0)
    np.testing.assert_allclose(np.asarray(t), want, rtol=1e-6, atol=1e-8)
    tj = jax.jvp(lambda a, b: solve_j(c, a, b)[0], (c.a, c.b), (va, vb))[1]
    close(t, tj, rtol=1e-8, atol=1e-10)

    def f(b):
        return loss(arrax.numpy, x_of(c.a, b))

    h = np.asarray(arrax.hessian(f)(c.b))
    np.testing.assert_allclose(
        h @ vb, fd(lambda b: np.asarray(arrax.grad(f)(b)), c.b, vb), rtol=1e-6, atol=1e-8
    )
    close(h, jax.hessian(lambda b: loss(jnp, solve_j(c, c.a, b)[0]))(c.b), rtol=1e-7, atol=1e-9)


def test_grad_under_jit_and_vmap(real_case):
    c = real_case

    def f(a, b):
        return loss(arrax.numpy, solve_a(c, a, b)[0])

    eager = arrax.grad(f, (0, 1))(c.a, c.b)
    for got in (
        arrax.jit(arrax.grad(f, (0, 1)))(c.a, c.b),
        arrax.grad(arrax.jit(f), (0, 1))(c.a, c.b),
    ):
        close(got[0], eager[0], rtol=1e-12, atol=1e-14)
        close(got[1], eager[1], rtol=1e-12, atol=1e-14)
    bs = np.stack([vector(N) for _ in range(3)])
    gb = arrax.vmap(arrax.grad(f, 1), in_axes=(None, 0))(c.a, bs)
    for i in range(3):
        close(np.asarray(gb)[i], arrax.grad(f, 1)(c.a, bs[i]), rtol=1e-10, atol=1e-12)


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cg", "bicgstab", "gmres"])
def test_errors_name_the_solver(name):
    solver = getattr(asl, name)
    b = np.ones(3)
    with pytest.raises(ValueError, match=f"^{name}: linear operator must be a square matrix"):
        solver(np.ones((3, 2)), b)
    with pytest.raises(ValueError, match=f"^{name}: preconditioner must be a square matrix"):
        solver(np.eye(3), b, M=np.ones(3))
    with pytest.raises(TypeError, match=f"^{name}: linear operator must be either"):
        solver(3.0, b)
    with pytest.raises(ValueError, match=f"^{name}: x0 and b must have matching tree structure"):
        solver(lambda x: x, {"u": b}, x0=b)
    with pytest.raises(ValueError, match=f"^{name}: arrays in x0 and b must have matching shapes"):
        solver(np.eye(3), b, x0=np.ones(2))


def test_gmres_rejects_unknown_solve_method():
    with pytest.raises(ValueError, match="^gmres: invalid solve_method"):
        asl.gmres(np.eye(2), np.ones(2), solve_method="qr")


@pytest.mark.parametrize("method", ["batched", "incremental"])
def test_gmres_info_reports_nan(method):
    # An operator that gives NaN on any nonzero vector: the first Krylov vector is NaN, so is
    # x, and info is -1. (JAX cannot run this one: its transpose of a non-linear function
    # fails even without differentiation.)
    def op(x):
        return arrax.numpy.where(arrax.numpy.any(x != 0), np.nan * x, x)

    x, info = asl.gmres(op, np.ones(2), solve_method=method)
    assert int(info) == -1 and np.isnan(np.asarray(x)).all()
    # A NaN residual from the start: neither iterates, x stays x0 and info is 0, as JAX's.
    a = np.array([[np.nan, 0.0], [0.0, 1.0]])
    x, info = asl.gmres(a, np.ones(2), solve_method=method)
    xj, infoj = jsl.gmres(a, np.ones(2), solve_method=method)
    assert int(info) == int(infoj) == 0
    close(x, xj)


def test_float32_stays_float32():
    a, b = _SPD.astype(np.float32), _SPD[0].astype(np.float32)
    for name in ("cg", "bicgstab", "gmres"):
        x = getattr(asl, name)(a, b, tol=1e-6)[0]
        assert x.dtype == np.float32
        np.testing.assert_allclose(
            np.asarray(x), np.linalg.solve(_SPD, _SPD[0]), rtol=1e-4, atol=1e-5
        )
