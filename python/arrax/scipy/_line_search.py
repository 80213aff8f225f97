"""The strong-Wolfe line search of jax.scipy.optimize (Nocedal & Wright, "Numerical
Optimization", algorithms 3.5 and 3.6): bracketing steps from an initial step that SciPy's
rule picks from the previous decrease, then a zoom by cubic, quadratic or bisection steps.
Everything is a while_loop, so it runs eagerly, under jit and under vmap. The BFGS and
L-BFGS minimizers in optimize.py use it, as JAX's do, and reach the same iterates."""

from typing import NamedTuple

import arrax
import arrax.numpy as np
from arrax import lax


class LineSearchResults(NamedTuple):
    failed: object
    nit: object
    nfev: object
    ngev: object
    k: object
    a_k: object
    f_k: object
    g_k: object
    status: object


def _dot(a, b):
    return np.dot(a, b, precision=lax.Precision.HIGHEST)


def _cubicmin(a, fa, fpa, b, fb, c, fc):
    """The minimizer of the cubic through (a, fa) with slope fpa there, (b, fb), (c, fc)."""
    db, dc = b - a, c - a
    denom = (db * dc) ** 2 * (db - dc)
    ra, rb = fb - fa - fpa * db, fc - fa - fpa * dc
    big_a = (dc**2 * ra - db**2 * rb) / denom
    big_b = (-(dc**3) * ra + db**3 * rb) / denom
    return a + (-big_b + np.sqrt(big_b * big_b - 3.0 * big_a * fpa)) / (3.0 * big_a)


def _quadmin(a, fa, fpa, b, fb):
    """The minimizer of the quadratic through (a, fa) with slope fpa there and (b, fb)."""
    db = b - a
    curv = (fb - fa - fpa * db) / (db**2)
    return a - fpa / (2.0 * curv)


def _pick(bit, old, new):
    """old (a dict) with the entries of new where bit holds."""
    out = dict(old)
    for key, val in new.items():
        out[key] = np.where(bit, val, old[key])
    return out


def _zoom(phi_dphi, wolfe_one, wolfe_two, lo, hi, g_0, pass_through):
    """Algorithm 3.6: shrinks [a_lo, a_hi] (lo and hi are (a, phi, dphi) triples) to a step
    that satisfies both Wolfe conditions. A no-op where pass_through holds."""
    a_lo, phi_lo, dphi_lo = lo
    a_hi, phi_hi, dphi_hi = hi
    zero = np.zeros((), np.int64)
    state = dict(
        done=np.asarray(False), failed=np.asarray(False), j=zero,
        a_lo=a_lo, phi_lo=phi_lo, dphi_lo=dphi_lo,
        a_hi=a_hi, phi_hi=phi_hi, dphi_hi=dphi_hi,
        a_rec=(a_lo + a_hi) / 2.0, phi_rec=(phi_lo + phi_hi) / 2.0,
        a_star=np.ones_like(a_lo), phi_star=phi_lo, dphi_star=dphi_lo, g_star=g_0,
        nfev=zero, ngev=zero,
    )  # fmt: skip
    threshold = 1e-5 if np.finfo(a_lo.dtype).bits < 64 else 1e-10

    def body(s):
        dalpha = s["a_hi"] - s["a_lo"]
        a = np.minimum(s["a_hi"], s["a_lo"])
        b = np.maximum(s["a_hi"], s["a_lo"])
        cchk, qchk = 0.2 * dalpha, 0.1 * dalpha
        s = dict(s, failed=s["failed"] | (dalpha <= threshold))
        a_cubic = _cubicmin(
            s["a_lo"], s["phi_lo"], s["dphi_lo"], s["a_hi"], s["phi_hi"], s["a_rec"], s["phi_rec"]
        )
        use_cubic = (s["j"] > 0) & (a_cubic > a + cchk) & (a_cubic < b - cchk)
        a_quad = _quadmin(s["a_lo"], s["phi_lo"], s["dphi_lo"], s["a_hi"], s["phi_hi"])
        use_quad = ~use_cubic & (a_quad > a + qchk) & (a_quad < b - qchk)
        a_j = np.where(use_cubic, a_cubic, s["a_rec"])
        a_j = np.where(use_quad, a_quad, a_j)
        a_j = np.where(~use_cubic & ~use_quad, (s["a_lo"] + s["a_hi"]) / 2.0, a_j)
        phi_j, dphi_j, g_j = phi_dphi(a_j)
        phi_j = phi_j.astype(s["phi_lo"].dtype)
        dphi_j = dphi_j.astype(s["dphi_lo"].dtype)
        g_j = g_j.astype(s["g_star"].dtype)
        s = dict(s, nfev=s["nfev"] + 1, ngev=s["ngev"] + 1)
        hi_to_j = wolfe_one(a_j, phi_j) | (phi_j >= s["phi_lo"])
        star_to_j = wolfe_two(dphi_j) & ~hi_to_j
        hi_to_lo = (dphi_j * (s["a_hi"] - s["a_lo"]) >= 0.0) & ~hi_to_j & ~star_to_j
        lo_to_j = ~hi_to_j & ~star_to_j
        s = _pick(hi_to_j, s, dict(a_hi=a_j, phi_hi=phi_j, dphi_hi=dphi_j,
                                   a_rec=s["a_hi"], phi_rec=s["phi_hi"]))  # fmt: skip
        s = _pick(star_to_j, s, dict(a_star=a_j, phi_star=phi_j, dphi_star=dphi_j, g_star=g_j))
        s["done"] = s["done"] | star_to_j
        s = _pick(hi_to_lo, s, dict(a_hi=s["a_lo"], phi_hi=s["phi_lo"], dphi_hi=s["dphi_lo"],
                                    a_rec=s["a_hi"], phi_rec=s["phi_hi"]))  # fmt: skip
        s = _pick(lo_to_j & ~hi_to_lo, s, dict(a_rec=s["a_lo"], phi_rec=s["phi_lo"]))
        s = _pick(lo_to_j, s, dict(a_lo=a_j, phi_lo=phi_j, dphi_lo=dphi_j))
        j = s["j"] + 1
        return dict(s, j=j, failed=s["failed"] | (j >= 30))

    return lax.while_loop(lambda s: ~s["done"] & ~pass_through & ~s["failed"], body, state)


def line_search(f, xk, pk, old_fval=None, old_old_fval=None, gfk=None, c1=1e-4, c2=0.9,
                maxiter=20):  # fmt: skip
    """A step a_k along the descent direction pk from xk satisfying the strong Wolfe
    conditions (c1, c2), as jax.scipy.optimize.line_search; old_old_fval (the value before
    old_fval) picks the first trial step as SciPy does, else 1."""
    xk, pk = np.asarray(xk), np.asarray(pk)
    dt = np.result_type(xk, pk)
    if dt.kind not in "fc":
        dt = np.dtype(np.float64)
    xk, pk = xk.astype(dt), pk.astype(dt)
    value_and_grad = arrax.value_and_grad(f)

    def phi_dphi(t):
        phi, g = value_and_grad(xk + np.asarray(t, dtype=dt) * pk)
        return phi, np.real(_dot(g, pk)), g

    fresh = old_fval is None or gfk is None
    if fresh:
        phi_0, dphi_0, gfk = phi_dphi(0.0)
    else:
        phi_0, dphi_0 = np.asarray(old_fval), np.real(_dot(gfk, pk))
    rdt = dphi_0.dtype
    if old_old_fval is not None:
        cand = 1.01 * 2 * (phi_0 - old_old_fval) / dphi_0
        start = np.where(cand > 1, 1.0, cand).astype(rdt)
    else:
        start = np.ones((), rdt)

    def wolfe_one(a_i, phi_i):
        return phi_i > phi_0 + c1 * a_i * dphi_0

    def wolfe_two(dphi_i):
        return np.abs(dphi_i) <= -c2 * dphi_0

    count = np.asarray(1 if fresh else 0, np.int64)
    state = dict(
        done=np.asarray(False), failed=np.asarray(False), i=np.ones((), np.int64),
        a_i1=np.zeros((), rdt), phi_i1=phi_0, dphi_i1=dphi_0, nfev=count, ngev=count,
        a_star=np.zeros((), rdt), phi_star=phi_0, dphi_star=dphi_0, g_star=gfk,
    )  # fmt: skip
    star_keys = ("a_star", "phi_star", "dphi_star", "g_star")

    def body(s):
        a_i = np.where(s["i"] == 1, start, s["a_i1"] * 2.0)
        phi_i, dphi_i, g_i = phi_dphi(a_i)
        s = dict(s, nfev=s["nfev"] + 1, ngev=s["ngev"] + 1)
        to_zoom1 = wolfe_one(a_i, phi_i) | ((phi_i >= s["phi_i1"]) & (s["i"] > 1))
        to_i = wolfe_two(dphi_i) & ~to_zoom1
        to_zoom2 = (dphi_i >= 0.0) & ~to_zoom1 & ~to_i
        prev, cur = (s["a_i1"], s["phi_i1"], s["dphi_i1"]), (a_i, phi_i, dphi_i)
        z1 = _zoom(phi_dphi, wolfe_one, wolfe_two, prev, cur, gfk, ~to_zoom1)
        z2 = _zoom(phi_dphi, wolfe_one, wolfe_two, cur, prev, gfk, ~to_zoom2)
        s["nfev"] = s["nfev"] + z1["nfev"] + z2["nfev"]
        s["ngev"] = s["ngev"] + z1["ngev"] + z2["ngev"]
        s = _pick(to_zoom1, s, {k: z1[k] for k in star_keys})
        s = _pick(to_i, s, dict(a_star=a_i, phi_star=phi_i, dphi_star=dphi_i, g_star=g_i))
        s = _pick(to_zoom2, s, {k: z2[k] for k in star_keys})
        s["done"] = s["done"] | to_zoom1 | to_i | to_zoom2
        s["failed"] = s["failed"] | (to_zoom1 & z1["failed"]) | (to_zoom2 & z2["failed"])
        return dict(s, i=s["i"] + 1, a_i1=a_i, phi_i1=phi_i, dphi_i1=dphi_i)

    s = lax.while_loop(lambda s: ~s["done"] & (s["i"] <= maxiter) & ~s["failed"], body, state)
    status = np.where(s["failed"], 1, np.where(s["i"] > maxiter, 3, 0))
    a_k = s["a_star"]
    if np.finfo(a_k.dtype).bits != 64:
        a_k = np.where(np.abs(a_k) < 1e-8, np.sign(a_k) * 1e-8, a_k).astype(a_k.dtype)
    return LineSearchResults(
        failed=s["failed"] | ~s["done"], nit=s["i"] - 1, nfev=s["nfev"], ngev=s["ngev"],
        k=s["i"], a_k=a_k, f_k=s["phi_star"], g_k=s["g_star"], status=status,
    )  # fmt: skip
