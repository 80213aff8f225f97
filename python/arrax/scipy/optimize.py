"""jax.scipy.optimize.minimize with method="BFGS" or "l-bfgs-experimental-do-not-rely-on-this":
JAX's quasi-Newton iterations (Nocedal & Wright, algorithms 6.1 and 7.5) with its strong-Wolfe
line search (_line_search.py), all in while_loops, so they run eagerly, under jit and under
vmap. Like JAX's, they are not differentiable through the optimization itself."""

from typing import NamedTuple

import arrax
import arrax.numpy as np
from arrax import lax
from arrax.scipy._line_search import _dot, line_search

__all__ = ["minimize", "OptimizeResults", "line_search", "rosen", "rosen_der", "rosen_hess"]


class OptimizeResults(NamedTuple):
    """As JAX's: the solution, whether the gradient norm fell under the tolerance, the status
    (BFGS: 0 converged, 1 iteration limit, 2 + the line search's status when it failed;
    L-BFGS: 0 converged, 1 iteration limit, 2/3 evaluation limits, 4 no decrease, 5 line
    search failed), f and its gradient there, the inverse Hessian estimate (None for
    L-BFGS), and the numbers of evaluations and iterations."""

    x: object
    success: object
    status: object
    fun: object
    jac: object
    hess_inv: object
    nfev: object
    njev: object
    nit: object


def _norm(v, ord):
    return np.linalg.norm(v, ord=ord)


def _backtrack(fun, x, f, g, p, active, c1=1e-4, maxiter=30):
    """The largest step 2^-i (i < maxiter) along p with Armijo decrease, where active."""
    slope = _dot(g, p)

    def cond(c):
        alpha, fa, i = c
        return active & (i < maxiter) & ~(fa <= f + c1 * alpha * slope)

    def body(c):
        alpha, _, i = c
        alpha = np.where(i == 0, alpha, alpha * 0.5)
        return alpha, fun(x + alpha * p), i + 1

    alpha, fa, i = lax.while_loop(cond, body, (np.ones_like(f), np.full_like(f, np.inf), _i0()))
    return alpha, active & (fa <= f + c1 * alpha * slope) & (slope < 0), i


# (counts and statuses are int64, as JAX's with 64-bit mode, arrax's integer default)
def _i0():
    return np.zeros((), np.int64)


def _bfgs(fun, x0, maxiter=None, norm=np.inf, gtol=1e-5, line_search_maxiter=10):
    """JAX's minimize_bfgs: H_k the inverse Hessian estimate, steps -H_k g_k."""
    if maxiter is None:
        maxiter = x0.size * 200
    d = x0.shape[0]
    eye = np.eye(d, dtype=x0.dtype)
    f_0, g_0 = arrax.value_and_grad(fun)(x0)
    zero = np.zeros((), np.int64)
    init = dict(
        converged=_norm(g_0, norm) < gtol, failed=np.asarray(False), k=zero,
        nfev=zero + 1, ngev=zero + 1, x_k=x0, f_k=f_0, g_k=g_0, H_k=eye,
        old_old_fval=f_0 + _norm(g_0, None) / 2, ls_status=zero,
    )  # fmt: skip

    def cond(s):
        return ~s["converged"] & ~s["failed"] & (s["k"] < maxiter)

    def body(s):
        p_k = -_dot(s["H_k"], s["g_k"])
        ls = line_search(fun, s["x_k"], p_k, old_fval=s["f_k"], old_old_fval=s["old_old_fval"],
                         gfk=s["g_k"], maxiter=line_search_maxiter)  # fmt: skip
        # Where JAX's search fails (JAX stops there), an Armijo backtracking step along p_k
        # lets arrax go on; where it succeeds the iterates are JAX's.
        alpha, fb_ok, fb_evals = _backtrack(fun, s["x_k"], s["f_k"], s["g_k"], p_k, ls.failed)
        fb_f, fb_g = arrax.value_and_grad(fun)(s["x_k"] + alpha * p_k)
        use_fb = ls.failed & fb_ok
        s_k = np.where(use_fb, alpha, ls.a_k) * p_k
        f_kp1, g_kp1 = np.where(use_fb, fb_f, ls.f_k), np.where(use_fb, fb_g, ls.g_k)
        y_k = g_kp1 - s["g_k"]
        sy = _dot(y_k, s_k)
        rho_k = np.reciprocal(sy)
        w = eye - rho_k * (s_k[:, None] * y_k[None, :])
        h = w @ s["H_k"] @ w.T + rho_k * (s_k[:, None] * s_k[None, :])
        h = np.where(np.isfinite(rho_k) & (~use_fb | (sy > 0)), h, s["H_k"])
        extra = np.where(ls.failed, fb_evals + use_fb, 0)
        return dict(
            converged=_norm(g_kp1, norm) < gtol, failed=ls.failed & ~fb_ok, k=s["k"] + 1,
            nfev=s["nfev"] + ls.nfev + extra, ngev=s["ngev"] + ls.ngev + use_fb,
            x_k=s["x_k"] + s_k, f_k=f_kp1, g_k=g_kp1, H_k=h, old_old_fval=s["f_k"],
            ls_status=ls.status.astype(np.int64),
        )  # fmt: skip

    s = lax.while_loop(cond, body, init)
    status = np.where(
        s["converged"],
        0,
        np.where(s["k"] == maxiter, 1, np.where(s["failed"], 2 + s["ls_status"], -1)),
    ).astype(np.int64)
    return OptimizeResults(
        x=s["x_k"], success=s["converged"] & ~s["failed"], status=status, fun=s["f_k"],
        jac=s["g_k"], hess_inv=s["H_k"], nfev=s["nfev"], njev=s["ngev"], nit=s["k"],
    )  # fmt: skip


def _push(history, new):
    """history shifted up by one with new as its last row."""
    return np.concatenate([history[1:], np.expand_dims(new, 0)], axis=0)


def _two_loop(s, maxcor):
    """-H_k g_k by the L-BFGS two-loop recursion over the stored (s, y, rho) pairs."""
    rdt = s["rho"].dtype
    used = np.minimum(s["k"], maxcor)

    def first(j, c):
        q, a_his = c
        i = maxcor - 1 - j
        a_i = s["rho"][i] * np.real(_dot(np.conj(s["s_his"][i]), q)).astype(rdt)
        return q - a_i * np.conj(s["y_his"][i]), np.where(np.arange(maxcor) == i, a_i, a_his)

    q, a_his = lax.fori_loop(0, used, first, (-np.conj(s["g_k"]), np.zeros_like(s["rho"])))
    q = s["gamma"] * q

    def second(j, q):
        i = maxcor - used + j
        b_i = s["rho"][i] * np.real(_dot(s["y_his"][i], q)).astype(rdt)
        return q + (a_his[i] - b_i) * s["s_his"][i]

    return lax.fori_loop(0, used, second, q)


def _lbfgs(fun, x0, maxiter=None, norm=np.inf, maxcor=10, ftol=2.220446049250313e-09,
           gtol=1e-5, maxfun=None, maxgrad=None, maxls=20):  # fmt: skip
    """JAX's experimental L-BFGS (real or complex x0)."""
    d, dt = x0.shape[0], x0.dtype
    if maxiter is None and maxfun is None and maxgrad is None:
        maxiter = d * 200
    maxiter, maxfun, maxgrad = (np.inf if v is None else v for v in (maxiter, maxfun, maxgrad))
    f_0, g_0 = arrax.value_and_grad(fun)(x0)
    zero = np.zeros((), np.int64)
    init = dict(
        converged=np.asarray(False), failed=np.asarray(False), k=zero, nfev=zero + 1,
        ngev=zero + 1, x_k=x0, f_k=f_0, g_k=g_0, s_his=np.zeros((maxcor, d), dt),
        y_his=np.zeros((maxcor, d), dt), rho=np.zeros((maxcor,), dt),
        gamma=np.ones((), dt), status=zero,
    )  # fmt: skip

    def body(s):
        p_k = _two_loop(s, maxcor)
        ls = line_search(fun, s["x_k"], p_k, old_fval=s["f_k"], gfk=s["g_k"], maxiter=maxls)
        s_k = ls.a_k.astype(p_k.dtype) * p_k
        y_k = ls.g_k - s["g_k"]
        rho_inv = np.real(_dot(y_k, s_k))
        rho_k = np.reciprocal(rho_inv).astype(y_k.dtype)
        gamma = rho_inv / np.real(_dot(np.conj(y_k), y_k))
        status = np.where(s["f_k"] - ls.f_k < ftol, 4, 0)
        status = np.where(s["ngev"] >= maxgrad, 3, status)
        status = np.where(s["nfev"] >= maxfun, 2, status)
        status = np.where(s["k"] >= maxiter, 1, status)
        status = np.where(ls.failed, 5, status).astype(np.int64)
        converged = _norm(ls.g_k, norm) < gtol
        return dict(
            converged=converged, failed=(status > 0) & ~converged, k=s["k"] + 1,
            nfev=s["nfev"] + ls.nfev, ngev=s["ngev"] + ls.ngev,
            x_k=(s["x_k"] + s_k).astype(dt), f_k=ls.f_k.astype(s["f_k"].dtype),
            g_k=ls.g_k.astype(dt), s_his=_push(s["s_his"], s_k), y_his=_push(s["y_his"], y_k),
            rho=_push(s["rho"], rho_k), gamma=gamma.astype(dt),
            status=np.where(converged, 0, status).astype(np.int64),
        )  # fmt: skip

    s = lax.while_loop(lambda s: ~s["converged"] & ~s["failed"], body, init)
    return OptimizeResults(
        x=s["x_k"], success=s["converged"] & ~s["failed"], status=s["status"], fun=s["f_k"],
        jac=s["g_k"], hess_inv=None, nfev=s["nfev"], njev=s["ngev"], nit=s["k"],
    )  # fmt: skip


_LBFGS = "l-bfgs-experimental-do-not-rely-on-this"
_BFGS_OPTIONS = {"maxiter", "norm", "gtol", "line_search_maxiter"}
_LBFGS_OPTIONS = {"maxiter", "norm", "maxcor", "ftol", "gtol", "maxfun", "maxgrad", "maxls"}


def minimize(fun, x0, args=(), *, method, tol=None, options=None):
    """Minimizes fun(x, *args) over a 1-d x from x0, as jax.scipy.optimize.minimize.
    method: "BFGS" (options maxiter (default 200 * x0's size), norm, gtol (default 1e-5),
    line_search_maxiter (default 10)) or "l-bfgs-experimental-do-not-rely-on-this"
    (options maxiter, norm, maxcor, ftol, gtol, maxfun, maxgrad, maxls). tol, when given,
    is gtol unless options set it (JAX ignores tol). Unlike JAX's, BFGS does not stop where
    the strong-Wolfe line search fails: it takes an Armijo backtracking step instead."""
    if not isinstance(args, tuple):
        raise TypeError(f"args argument to jax.scipy.optimize.minimize must be a tuple, got {args}")
    options = dict(options or {})
    x0 = np.asarray(x0)
    if x0.ndim != 1:
        raise ValueError(f"minimize: x0 must be one-dimensional, got shape {x0.shape}")
    if x0.dtype.kind not in "fc":
        x0 = x0.astype(np.float64)
    name = method.lower() if isinstance(method, str) else method
    known = _BFGS_OPTIONS if name == "bfgs" else _LBFGS_OPTIONS if name == _LBFGS else None
    if known is not None and set(options) - known:
        raise ValueError(f"minimize: unknown options {sorted(set(options) - known)}")
    if tol is not None and "gtol" not in options:
        options["gtol"] = tol  # as SciPy (JAX ignores tol)
    if name == "bfgs":
        return _bfgs(lambda x: fun(x, *args), x0, **options)
    if name == _LBFGS:
        return _lbfgs(lambda x: fun(x, *args), x0, **options)
    raise ValueError(
        f"Method {method} not recognized (minimize: method must be 'BFGS' or {_LBFGS!r})"
    )


def rosen(x):
    """The Rosenbrock function sum(100 (x[1:] - x[:-1]**2)**2 + (1 - x[:-1])**2), along the
    first axis (as scipy.optimize.rosen)."""
    x = np.asarray(x)
    x = x.astype(np.float64) if x.dtype.kind in "biu" else x
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2.0) ** 2.0 + (1 - x[:-1]) ** 2.0, axis=0)


def rosen_der(x):
    """The gradient of rosen."""
    x = np.asarray(x)
    x = x.astype(np.float64) if x.dtype.kind in "biu" else x
    xm, xm_m1, xm_p1 = x[1:-1], x[:-2], x[2:]
    mid = 200 * (xm - xm_m1**2) - 400 * (xm_p1 - xm**2) * xm - 2 * (1 - xm)
    first = -400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0])
    last = 200 * (x[-1] - x[-2] ** 2)
    return np.concatenate([first[None], mid, last[None]])


def rosen_hess(x):
    """The Hessian of rosen (a 1-D x)."""
    x = np.atleast_1d(np.asarray(x))
    x = x.astype(np.float64) if x.dtype.kind in "biu" else x
    n = x.shape[0]
    off = -400 * x[:-1]
    diag = np.zeros(n, x.dtype)
    diag = diag.at[0].set(1200 * x[0] ** 2 - 400 * x[1] + 2)
    diag = diag.at[-1].set(200)
    diag = diag.at[1:-1].set(202 + 1200 * x[1:-1] ** 2 - 400 * x[2:])
    return np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)
