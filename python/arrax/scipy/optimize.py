"""jax.scipy.optimize.minimize with method="BFGS": quasi-Newton steps with a backtracking
(Armijo) line search, all in one while_loop, so it runs eagerly, under jit and under vmap.
Like JAX's, it is not differentiable through the optimization itself (a while_loop)."""

from typing import NamedTuple

import arrax
import arrax.numpy as np
from arrax import lax

__all__ = ["minimize", "OptimizeResults"]


class OptimizeResults(NamedTuple):
    """As JAX's: the solution, whether the gradient norm fell under the tolerance, the status
    (0 converged, 1 iteration limit, 3 line search failed), f and its gradient there, the
    inverse Hessian estimate, and the numbers of evaluations and iterations."""

    x: object
    success: object
    status: object
    fun: object
    jac: object
    hess_inv: object
    nfev: object
    njev: object
    nit: object


class _State(NamedTuple):
    k: object
    x: object
    f: object
    g: object
    h: object
    nfev: object
    status: object  # -1 running


def _bfgs(fun, x0, maxiter, gtol, line_search_maxiter):
    value_and_grad = arrax.value_and_grad(fun)
    f0, g0 = value_and_grad(x0)
    n = x0.shape[0]
    eye = np.eye(n, dtype=x0.dtype)
    c1 = 1e-4

    def line_search(s):
        """The largest step alpha = 2^-i along -H g with sufficient decrease."""
        p = -(s.h @ s.g)
        slope = np.dot(s.g, p)

        def cond(c):
            alpha, fa, i = c
            return (i < line_search_maxiter) & ~(fa <= s.f + c1 * alpha * slope)

        def body(c):
            alpha, _, i = c
            alpha = alpha * 0.5
            return alpha, fun(s.x + alpha * p), i + 1

        one = np.ones((), x0.dtype)
        alpha, fa, i = lax.while_loop(cond, body, (one, fun(s.x + p), np.zeros((), np.int32)))
        ok = (fa <= s.f + c1 * alpha * slope) & (slope < 0)
        return alpha * p, ok, i + 1

    def cond(s):
        return (s.status < 0) & (s.k < maxiter)

    def body(s):
        step, ok, evals = line_search(s)
        x = s.x + step
        f, g = value_and_grad(x)
        y = g - s.g
        sy = np.dot(step, y)
        rho = np.where(sy > 0, 1 / np.where(sy > 0, sy, 1), 0)
        a = eye - rho * np.outer(step, y)
        h = np.where(sy > 0, a @ s.h @ a.T + rho * np.outer(step, step), s.h)
        converged = np.max(np.abs(g)) < gtol
        status = np.where(~ok, 3, np.where(converged, 0, -1)).astype(np.int32)
        x, f, g = (np.where(ok, new, old) for new, old in ((x, s.x), (f, s.f), (g, s.g)))
        h = np.where(ok, h, s.h)
        return _State(s.k + 1, x, f, g, h, s.nfev + evals + 1, status)

    start = np.where(np.max(np.abs(g0)) < gtol, 0, -1).astype(np.int32)
    init = _State(np.zeros((), np.int32), x0, f0, g0, eye, np.ones((), np.int32), start)
    s = lax.while_loop(cond, body, init)
    status = np.where(s.status < 0, 1, s.status).astype(np.int32)
    return OptimizeResults(
        x=s.x, success=status == 0, status=status, fun=s.f, jac=s.g, hess_inv=s.h,
        nfev=s.nfev, njev=s.k + 1, nit=s.k,
    )  # fmt: skip


def minimize(fun, x0, args=(), *, method, tol=None, options=None):
    """Minimizes fun(x, *args) over a 1-d x from x0. method must be "BFGS"; tol is the
    gradient's infinity-norm tolerance (default 1e-5); options: maxiter (default 200 * x0's
    size), gtol, line_search_maxiter (default 20)."""
    if not isinstance(method, str) or method.lower() != "bfgs":
        raise ValueError(f"minimize: method must be 'BFGS', got {method!r}")
    options = dict(options or {})
    x0 = np.asarray(x0)
    if x0.ndim != 1:
        raise ValueError(f"minimize: x0 must be one-dimensional, got shape {x0.shape}")
    if x0.dtype.kind != "f":
        x0 = x0.astype(np.float64)
    gtol = options.pop("gtol", 1e-5 if tol is None else tol)
    maxiter = options.pop("maxiter", None)
    maxiter = 200 * x0.shape[0] if maxiter is None else maxiter
    ls_maxiter = options.pop("line_search_maxiter", 20)
    options.pop("norm", None)  # JAX's option: the infinity norm is the one used
    if options:
        raise ValueError(f"minimize: unknown options {sorted(options)}")
    return _bfgs(lambda x: fun(x, *args), x0, maxiter, gtol, ls_maxiter)
