"""The regularized incomplete gamma and beta functions (scipy.special.gammainc, gammaincc,
betainc; lax.igamma, igammac, betainc) by their series and continued fractions (Numerical
Recipes' gser/gcf/betacf with Lentz's method), a fixed number of steps in a fori_loop so they
trace, batch and differentiate in both arguments. Each branch gets arguments inside its
domain, so the unselected one yields no NaN (nor NaN gradients)."""

import arrax.numpy as np
from arrax import lax
from arrax.scipy.special import _floats  # defined before special imports this module

_STEPS = 256  # enough for |a| up to about 10^4 in double precision


def _tiny(dt):
    return 1e-300 if dt == np.float64 else 1e-30


def _clamp(v, tiny):
    return np.where(np.abs(v) < tiny, tiny, v)


def _gamma_series(a, x):
    """P(a, x) for x < a + 1: x^a e^-x / Gamma(a) * sum_n x^n / (a (a+1) ... (a+n))."""

    def step(i, c):
        ap, term, total = c
        ap = ap + 1
        term = term * x / ap
        return ap, term, total + term

    _, _, total = lax.fori_loop(0, _STEPS, step, (a, 1 / a, 1 / a))
    return np.exp(a * np.log(x) - x - lax.lgamma(a)) * total


def _gamma_fraction(a, x):
    """Q(a, x) for x >= a + 1, by the continued fraction."""
    tiny = _tiny(x.dtype)
    b = x + 1 - a
    d = 1 / _clamp(b, tiny)

    def step(i, c):
        b, cc, d, h = c
        i = i.astype(x.dtype) + 1
        an = -i * (i - a)
        b = b + 2
        d = 1 / _clamp(an * d + b, tiny)
        cc = _clamp(b + an / cc, tiny)
        return b, cc, d, h * d * cc

    _, _, _, h = lax.fori_loop(0, _STEPS, step, (b, np.full_like(x, 1 / tiny), d, d))
    return np.exp(a * np.log(x) - x - lax.lgamma(a)) * h


def _gamma_pq(a, x):
    """(P, Q) with the branch that converges, NaN outside a > 0, x >= 0."""
    a, x = _floats(a, x)
    series = x < a + 1
    ok = (a > 0) & (x >= 0)
    a_s = np.where(ok, a, 1.0)
    p = _gamma_series(a_s, np.where(series & ok & (x > 0), x, 0.5 * a_s))
    q = _gamma_fraction(a_s, np.where(series | ~ok, a_s + 2, x))
    zero = x == 0
    big = np.isinf(x)
    pv = np.where(series, p, 1 - q)
    qv = np.where(series, 1 - p, q)
    pv = np.where(zero, 0.0, np.where(big, 1.0, pv))
    qv = np.where(zero, 1.0, np.where(big, 0.0, qv))
    # a = 0: the limit of P(a, x) for x > 0 is 1 (SciPy's and JAX's value)
    a0 = (a == 0) & (x > 0)
    p_out = np.where(ok, pv, np.where(a0, 1.0, np.nan).astype(pv.dtype))
    return p_out, np.where(ok, qv, np.where(a0, 0.0, np.nan).astype(qv.dtype))


def gammainc(a, x):
    """The regularized lower incomplete gamma function P(a, x)."""
    return _gamma_pq(a, x)[0]


def gammaincc(a, x):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return _gamma_pq(a, x)[1]


def _beta_fraction(a, b, x):
    tiny = _tiny(x.dtype)
    qab, qap, qam = a + b, a + 1, a - 1
    d = 1 / _clamp(1 - qab * x / qap, tiny)

    def step(i, c):
        cc, d, h = c
        m = i.astype(x.dtype) + 1
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 / _clamp(1 + aa * d, tiny)
        cc = _clamp(1 + aa / cc, tiny)
        h = h * d * cc
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 / _clamp(1 + aa * d, tiny)
        cc = _clamp(1 + aa / cc, tiny)
        return cc, d, h * d * cc

    _, _, h = lax.fori_loop(0, _STEPS, step, (np.ones_like(x), d, d))
    return h


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 <= x <= 1."""
    a, b, x = _floats(a, b, x)
    ok = (a > 0) & (b > 0) & (x >= 0) & (x <= 1)
    inner = ok & (x > 0) & (x < 1)
    xs = np.where(inner, x, 0.5)
    a_s, b_s = np.where(ok, a, 1.0), np.where(ok, b, 1.0)
    log_front = (
        lax.lgamma(a_s + b_s) - lax.lgamma(a_s) - lax.lgamma(b_s)
        + a_s * np.log(xs) + b_s * np.log1p(-xs)
    )  # fmt: skip
    front = np.exp(log_front)
    direct = xs < (a_s + 1) / (a_s + b_s + 2)  # where the fraction converges fast
    lo = front * _beta_fraction(a_s, b_s, np.where(direct, xs, 0.5 * a_s / (a_s + b_s))) / a_s
    hi = 1 - front * _beta_fraction(b_s, a_s, np.where(direct, 0.5, 1 - xs)) / b_s
    val = np.where(direct, lo, hi)
    val = np.where(x == 0, 0.0, np.where(x == 1, 1.0, val))
    # The limits a -> 0 (all mass at 0: 1 for x > 0) and b -> 0 (all at 1: 0 for x < 1), as
    # SciPy and JAX give them.
    in01 = (x >= 0) & (x <= 1)
    a0 = (a == 0) & (b > 0) & in01
    b0 = (b == 0) & (a > 0) & in01
    limit = np.where(a0, np.where(x > 0, 1.0, 0.0), np.where(x < 1, 0.0, 1.0)).astype(val.dtype)
    return np.where(ok, val, np.where(a0 | b0, limit, np.nan))
