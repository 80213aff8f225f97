"""The jax.scipy.special functions that arrax.scipy.special lacks, part two: the exponential
integrals (exp1, expi, expn), Spence's function, the sine and cosine integrals (sici) and the
Fresnel integrals. The rational approximations are Cephes' (ei.c, spence.c, sici.c, fresnl.c;
public-domain coefficients by S. L. Moshier); E_n uses its power series and continued fraction
with fixed step counts. Derivatives are custom JVPs in closed form. Branches are masked so
that no branch sees an argument outside its domain (no NaN leaks into gradients)."""

import math

import arrax
import arrax.numpy as np
from arrax import lax
from arrax.scipy.special import _floats, _poly, _real, digamma, gammaln

__all__ = ["exp1", "expi", "expn", "spence", "sici", "fresnel"]

_EULER = 0.57721566490153286061


# ---- E_n(x) ----------------------------------------------------------------------------

_SERIES_TERMS = 40  # x <= 1: the terms fall below 1e-17 of the sum well before this
_FRACTION_STEPS = 100  # x > 1: the continued fraction is converged to rounding by then
_SERIES_MAX = 1.0


def _expn_series(n, x):
    """E_n(x) = (-x)^(n-1) / (n-1)! (psi(n) - log x) - sum_{k != n-1} (-x)^k / ((k-n+1) k!),
    for 0 < x <= 1 and integer n >= 1."""

    def step(k, c):
        total, term = c
        kf = k.astype(x.dtype)
        skip = kf == n - 1
        total = total - np.where(skip, 0.0, term / np.where(skip, 1.0, kf - n + 1))
        return total, term * (-x) / (kf + 1)

    total, _ = lax.fori_loop(0, _SERIES_TERMS, step, (np.zeros_like(x), np.ones_like(x)))
    odd = np.fmod(n - 1, 2) != 0
    lead = np.exp((n - 1) * np.log(x) - gammaln(n)) * (digamma(n) - np.log(x))
    return total + np.where(odd, -lead, lead)


def _expn_fraction(n, x):
    """E_n(x) = e^-x / (x + n - 1 n / (x + n + 2 - 2 (n+1) / (x + n + 4 - ...))), the even
    contraction of the continued fraction, evaluated from the tail (more accurate than
    forward, Lentz-style evaluation), for x > 1."""

    def step(j, t):
        i = (_FRACTION_STEPS - j).astype(x.dtype)
        return -i * (n - 1 + i) / (x + n + 2 * i + t)

    t = lax.fori_loop(0, _FRACTION_STEPS, step, np.zeros_like(x))
    return np.exp(-x) / (x + n + t)


def _expn_value(n, x):
    bad = (n < 0) | (x < 0) | np.isnan(x) | np.isnan(n)
    inner = ~bad & (x > 0) & (n >= 1) & np.isfinite(x)
    series = inner & (x <= _SERIES_MAX)
    ns = np.where(inner, n, 1.0)
    xs = np.where(series, x, 1.0)
    xf = np.where(inner & ~series, x, 2.0)
    val = np.where(series, _expn_series(ns, xs), _expn_fraction(ns, xf))
    x0 = np.where(x == 0, 1.0, x)
    val = np.where(n == 0, np.exp(-x0) / x0, val)
    at0 = np.where(n <= 1, np.inf, 1 / np.where(n <= 1, 1.0, n - 1))
    val = np.where(x == 0, at0, np.where(np.isinf(x), 0.0, val))
    return np.where(bad, np.nan, val)


@arrax.custom_jvp
def _expn(n, x):
    return _expn_value(n, x)


@_expn.defjvp
def _expn_jvp(primals, tangents):
    (n, x), (_, dx) = primals, tangents
    y = _expn(n, x)
    # dE_n/dx = -E_{n-1}(x); E_{-1}(x) = e^-x (1 + x) / x^2 (for n = 0).
    xs = np.where(x == 0, 1.0, x)
    e_minus1 = np.exp(-xs) * (1 + xs) / (xs * xs)
    prev = np.where(n == 0, e_minus1, _expn(np.maximum(n - 1, 0.0), x))
    return y, -prev * dx


def expn(n, x):
    """The generalized exponential integral E_n(x) = int_1^inf e^(-x t) / t^n dt for integer
    n >= 0 (a fractional n is truncated, as SciPy does); NaN for n < 0 or x < 0."""
    n, x = _floats(n, x)
    if x.dtype.kind == "c":
        raise ValueError("expn does not support complex-valued inputs")
    return _expn(np.trunc(n), x)


def exp1(x):
    """The exponential integral E_1(x) = int_x^inf e^-t / t dt for x >= 0 (NaN below)."""
    x = _real(x, "exp1")
    return _expn(np.ones_like(x), x)


# ---- Ei(x) -----------------------------------------------------------------------------
# Cephes ei.c: 0 < x <= 2: Ei = log x + euler + x P(x)/Q(x); on (2^k, 2^(k+1)] for
# k = 1..5 and beyond 64: Ei = e^x / x (1 + P(1/x) / (x Q(1/x))).
_EI1_A = (
    -5.350447357812543, 218.50491688166133, -4176.572384826693, 55411.76756393557,
    -331338.13311781443, 1592627.1633849454,
)  # fmt: skip
_EI1_B = (
    1.0, -52.505479591128626, 1259.6161867867906, -17565.495819735348, 149306.2117002726,
    -729494.9239640528, 1592627.1633849454,
)  # fmt: skip
_EI2_A = (
    0.019818085032596897, -1.2716456259849176, -2.0881603356812284, 2.7555445091879367,
    -0.44095070487016, 0.046656238059358916, -0.0015450426796734852, 7.059980605299618e-05,
)  # fmt: skip
_EI2_B = (
    1.0, 1.4764986709149215, 0.5629177174822436, 0.16990178978793072, 0.02291647179034212,
    0.0044501504397287525, 0.00017274396122065214, 3.953167195549672e-05,
)  # fmt: skip
_EI3_A = (
    -1.3732153758712087, -0.7084559133740839, 1.580806855547941, -0.2601500427425623,
    0.029946746941137137, -0.001038086040188744, 4.371064420753005e-05, 2.141783679522603e-06,
)  # fmt: skip
_EI3_B = (
    1.0, 0.8585231423622028, 0.4483285822873995, 0.07687932158124476, 0.024498682410218877,
    0.0008832165941927797, 0.00045909522995113536, -4.729848351866523e-06,
    2.66519553739071e-06,
)  # fmt: skip
_EI4_A = (
    -2.1069346016919166, 1.7327338696646881, -0.2423619178935842, 0.02322724180937566,
    0.00023728804404931798, -8.343219561192553e-05, 1.3634087956052505e-05,
    -3.655412321999254e-07, 1.4649417339759612e-08, 6.17640786371036e-10,
)  # fmt: skip
_EI4_B = (
    1.0, -0.2298062239901678, 0.11050770414740378, -0.015665429666307924, 0.002761106850817353,
    -0.00020891480122840484, 1.7085289388076754e-05, -4.4593117963566865e-07,
    1.3946349303538475e-08, 6.150865933977338e-10,
)  # fmt: skip
_EI5_A = (
    -0.24581193676740204, -0.14833822533220778, 0.07248291795735552, -0.013483156873809405,
    0.001342775069788637, -7.942465637159712e-05, 2.644179518984236e-06,
    -4.239473659313765e-08,
)  # fmt: skip
_EI5_B = (
    1.0, -0.10442259084438711, -0.26764531281014026, 0.09695000254621984, -0.01601745692712991,
    0.001496414899205908, -8.462452563778485e-05, 2.7289384034767266e-06,
    -4.239462431819542e-08,
)  # fmt: skip
_EI6_A = (
    0.12125611181054567, -0.5823133179043894, 0.2348887314557017, -0.030400343181132484,
    0.0015100821468651906, -2.5231370954995714e-05,
)  # fmt: skip
_EI6_B = (
    1.0, -1.002252150365854, 0.2928709694872224, -0.03337004338674008, 0.0015605448811273888,
    -2.5231370936032347e-05,
)  # fmt: skip
_EI7_A = (
    -0.7657847078286127, 0.6886192415566705, -0.2132598113545206, 0.033461075523841935,
    -0.003076541477344756, 0.00017471193164549074, -6.1037116822741705e-06,
    1.218032765428652e-07, -1.0860761027932903e-09,
)  # fmt: skip
_EI7_B = (
    1.0, -1.8888028686623086, 1.066691687211409, -0.27519159823063805, 0.039308526882338234,
    -0.003414684558602365, 0.00018668443707035555, -6.345146083130515e-06,
    1.239754287483207e-07, -1.0860761027931265e-09,
)  # fmt: skip
_spence_poly_A = (
    4.6512858607399003e-05, 0.007315890452380947, 0.13384763957830903, 0.8796913117545303,
    2.7114985119655346, 4.256971560081218, 3.297713409852251, 1.0,
)  # fmt: skip
_spence_poly_B = (
    0.0006909904889125533, 0.02540437639325444, 0.2829748606025681, 1.4117259775183106,
    3.6380053334513707, 5.03278880143317, 3.547713409852251, 1.0,
)  # fmt: skip

_EI_TAILS = (
    (2.0, _EI2_A, _EI2_B), (4.0, _EI3_A, _EI3_B), (8.0, _EI4_A, _EI4_B),
    (16.0, _EI5_A, _EI5_B), (32.0, _EI6_A, _EI6_B), (64.0, _EI7_A, _EI7_B),
)  # fmt: skip


def _expi_pos(x):
    """Ei(x) for x > 0."""
    low = x <= 2
    xl = np.where(low, x, 1.0)
    val = np.log(xl) + _EULER + xl * _poly(xl, _EI1_A) / _poly(xl, _EI1_B)
    for lo, num, den in _EI_TAILS:
        hi = 2 * lo if lo < 64 else np.inf
        here = (x > lo) & (x <= hi)
        xs = np.where(here, x, 2 * lo if lo < 64 else 128.0)
        w = 1 / xs
        half = np.exp(0.5 * xs)  # e^x as a product of halves: no overflow before e^x / x
        tail = half * (half * w) * (1 + w * _poly(w, num) / _poly(w, den))
        val = np.where(here, tail, val)
    return val


@arrax.custom_jvp
def _expi(x):
    pos = x > 0
    neg = x < 0
    p = _expi_pos(np.where(pos, x, 1.0))
    n = -_expn(np.ones_like(x), np.where(neg, -x, 1.0))
    val = np.where(pos, p, np.where(neg, n, -np.inf))
    val = np.where(np.isposinf(x), np.inf, val)
    return np.where(np.isnan(x), np.nan, val)


@_expi.defjvp
def _expi_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    return _expi(x), np.exp(x) / x * dx


def expi(x):
    """The exponential integral Ei(x) = PV int_-inf^x e^t / t dt (-inf at 0)."""
    return _expi(_real(x, "expi"))


# ---- Spence's function -----------------------------------------------------------------
_SPENCE_A = (
    4.6512858607399003e-05, 0.007315890452380947, 0.13384763957830903, 0.8796913117545303,
    2.7114985119655346, 4.256971560081218, 3.297713409852251, 1.0,
)  # fmt: skip
_SPENCE_B = (
    0.0006909904889125533, 0.02540437639325444, 0.2829748606025681, 1.4117259775183106,
    3.6380053334513707, 5.03278880143317, 3.547713409852251, 1.0,
)  # fmt: skip


def _spence_value(x):
    """Cephes spence.c: map x to w in [-1/2, 1/2] by x -> 1/x and x -> 1 - x, evaluate the
    rational approximation of -w P(w)/Q(w), and undo the maps with the dilogarithm's
    reflection (pi^2/6 - log x log(1-x)) and inversion (-log(x)^2 / 2) formulas."""
    ok = x > 0
    xs = np.where(ok & np.isfinite(x), x, 1.0)
    inv = xs > 2
    xs = np.where(inv, 1 / xs, xs)
    flip = xs > 1.5
    low = xs < 0.5
    w = np.where(flip, 1 / xs - 1, np.where(low, -xs, xs - 1))
    y = -w * _poly(w, _SPENCE_A) / _poly(w, _SPENCE_B)
    xl = np.where(low, xs, 0.25)
    y = np.where(low, math.pi**2 / 6 - np.log(xl) * np.log1p(-xl) - y, y)
    y = np.where(inv | flip, -0.5 * np.log(xs) ** 2 - y, y)
    y = np.where(x == 0, math.pi**2 / 6, np.where(x == 1, 0.0, y))
    # SciPy (and JAX) give NaN at +inf, though the limit is -inf.
    return np.where((ok & np.isfinite(x)) | (x == 0), y, np.nan)


@arrax.custom_jvp
def _spence(x):
    return _spence_value(x)


@_spence.defjvp
def _spence_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    # spence(x) = int_1^x log t / (1 - t) dt; the slope is -1 at x = 1.
    one = x == 1
    xs = np.where(one, 2.0, x)
    return _spence(x), np.where(one, -1.0, np.log(xs) / (1 - xs)) * dx


def spence(x):
    """Spence's function int_1^x log(t) / (1 - t) dt for x >= 0 (NaN below). Integers are
    promoted to the default float (JAX raises for them)."""
    return _spence(_real(x, "spence"))


# ---- sine and cosine integrals -----------------------------------------------------------
# Cephes sici.c: |x| <= 4: Si = x S(x^2), Ci = euler + log x + x^2 C(x^2) (rational S, C);
# 4 < |x| < 8 and 8 <= |x|: auxiliary functions f, g with Si = pi/2 - f cos x - g sin x,
# Ci = f sin x - g cos x.
_SN = (
    -8.391678279103039e-11, 4.625917144270128e-08, -9.757593038436328e-06,
    0.0009769454381704354, -0.04134703162294066, 1.0,
)  # fmt: skip
_SD = (
    2.0326926619595193e-12, 1.279978911799433e-09, 4.418278428012189e-07,
    9.964121220438756e-05, 0.01420852393261499, 1.0,
)  # fmt: skip
_CN = (
    2.0252400238910228e-11, -1.3524950491579076e-08, 3.593250514199931e-06,
    -0.0004740072068734079, 0.028915965260755523, -1.0,
)  # fmt: skip
_CD = (
    4.077460400618806e-12, 3.067809975818878e-09, 1.2321035568588342e-06,
    0.00031744202477503275, 0.051002805623644606, 4.0,
)  # fmt: skip
_FN4 = (
    4.236128628922166, 5.4593771716181285, 1.6208328770153833, 0.16700661183132304,
    0.006810201324725182, 0.00010893658065032867, 5.489002234213736e-07,
)  # fmt: skip
_FD4 = (
    1.0, 8.16496634205391, 7.308288225055645, 1.867922579501842, 0.1787920529631499,
    0.007017106683227897, 0.00011003435715391573, 5.489002527562557e-07,
)  # fmt: skip
_GN4 = (
    0.08710016989731142, 0.6113791099522193, 0.3971802963923375, 0.07485277376284691,
    0.005388686814621773, 0.00016199979459893403, 1.9796387414096365e-06,
    7.825790407440903e-09,
)  # fmt: skip
_GD4 = (
    1.0, 1.6440220241335535, 0.666296701268988, 0.09887717612776888, 0.006223963454417684,
    0.0001732210814741771, 2.0265918208634397e-06, 7.825792189335346e-09,
)  # fmt: skip
_FN8 = (
    0.4558808734704653, 0.7137152741001467, 0.16030015822231947, 0.01160642294081244,
    0.00034955644244785906, 4.8621543082645475e-06, 3.200927900910049e-08,
    9.41779576128513e-11, 9.70507110881952e-14,
)  # fmt: skip
_FD8 = (
    1.0, 0.9174636118736841, 0.17868554533207454, 0.012225359477197129, 0.00035869648188185157,
    4.924350643178815e-06, 3.21956939101046e-08, 9.437205903502767e-11, 9.70507110881952e-14,
)  # fmt: skip
_GN8 = (
    0.6973599534432762, 0.33041097930563207, 0.03848787676499743, 0.001717182390523479,
    3.4894116550227946e-05, 3.471311670841167e-07, 1.7040445278204452e-09,
    3.859459254302766e-12, 3.1404009894636335e-15,
)  # fmt: skip
_GD8 = (
    1.0, 1.6854889881101165, 0.48785225869530496, 0.04679131942596258, 0.0019028442667439953,
    3.684755044425611e-05, 3.5704322344374083e-07, 1.7269374896631615e-09,
    3.878301660239547e-12, 3.1404009894636335e-15,
)  # fmt: skip


def _sici_value(x):
    ax = np.abs(x)
    small = ax <= 4
    huge = ax > 1e9
    xs = np.where(small & (ax > 0), ax, 1.0)
    t = xs * xs
    si_s = xs * _poly(t, _SN) / _poly(t, _SD)
    ci_s = _EULER + np.log(xs) + t * _poly(t, _CN) / _poly(t, _CD)
    xa = np.where(small | huge, 8.0, ax)
    z = 1 / (xa * xa)
    mid = xa < 8
    f = np.where(mid, _poly(z, _FN4) / _poly(z, _FD4), _poly(z, _FN8) / _poly(z, _FD8)) / xa
    g = z * np.where(mid, _poly(z, _GN4) / _poly(z, _GD4), _poly(z, _GN8) / _poly(z, _GD8))
    s, c = np.sin(xa), np.cos(xa)
    si_a = math.pi / 2 - f * c - g * s
    ci_a = f * s - g * c
    # Beyond 1e9 the leading asymptotic terms are exact to rounding; inf gives pi/2, 0.
    xh = np.where(huge & np.isfinite(ax), ax, 1e10)
    si_h = np.where(np.isinf(ax), math.pi / 2, math.pi / 2 - np.cos(xh) / xh)
    ci_h = np.where(np.isinf(ax), 0.0, np.sin(xh) / xh)
    si = np.where(small, si_s, np.where(huge, si_h, si_a))
    ci = np.where(small, ci_s, np.where(huge, ci_h, ci_a))
    si = np.where(ax == 0, 0.0, si)
    ci = np.where(ax == 0, -np.inf, ci)
    si = np.where(x < 0, -si, si)
    ci = np.where(np.isneginf(x), np.nan, ci)
    return si, ci


@arrax.custom_jvp
def _sici(x):
    return _sici_value(x)


@_sici.defjvp
def _sici_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    zero = x == 0
    xs = np.where(zero, 1.0, x)
    return _sici(x), (np.where(zero, 1.0, np.sin(xs) / xs) * dx, np.cos(xs) / xs * dx)


def sici(x):
    """The sine and cosine integrals (Si(x), Ci(x)): Si = int_0^x sin t / t dt,
    Ci = euler + log|x| + int_0^|x| (cos t - 1) / t dt (the real part for x < 0)."""
    return _sici(_real(x, "sici"))


# ---- Fresnel integrals -------------------------------------------------------------------
# Cephes fresnl.c: x^2 < 2.5625: S = x^3 SN(x^4)/SD(x^4), C = x CN(x^4)/CD(x^4); beyond:
# the auxiliary f, g in u = 1/(pi x^2)^2; beyond 36974 the leading terms.
_FRESNL_SN = (
    -2991.8191940101983, 708840.0452577386, -62974148.62058625, 2548908805.7337637,
    -44297951805.96978, 318016297876.5678,
)  # fmt: skip
_FRESNL_SD = (
    1.0, 281.3762688899943, 45584.78108065326, 5173438.887700964, 419320245.8981112,
    22441179564.534092, 607366389490.0846,
)  # fmt: skip
_FRESNL_CN = (
    -4.9884311457357354e-08, 9.504280628298596e-06, -0.0006451914356839651,
    0.018884331939670384, -0.20552590095501388, 1.0,
)  # fmt: skip
_FRESNL_CD = (
    3.99982968972496e-12, 9.154392157746574e-10, 1.2500186247959882e-07,
    1.2226278902417902e-05, 0.0008680295429417843, 0.04121420907221998, 1.0,
)  # fmt: skip
_FRESNL_FN = (
    0.4215435550436775, 0.1434079197807589, 0.011522095507358577, 0.000345017939782574,
    4.6361374928786735e-06, 3.055689837902576e-08, 1.0230451416490724e-10,
    1.7201074326816183e-13, 1.3428327623306275e-16, 3.763297112699879e-20,
)  # fmt: skip
_FRESNL_FD = (
    1.0, 0.7515863983533789, 0.11688892585919138, 0.0064405152650885865,
    0.00015593440916415301, 1.8462756734893055e-06, 1.1269922476399903e-08,
    3.6014002958937136e-11, 5.887545336215784e-14, 4.5200143407412973e-17,
    1.2544323709001127e-20,
)  # fmt: skip
_FRESNL_GN = (
    0.5044420736433832, 0.1971028335255234, 0.018764858409257526, 0.0006840793809153931,
    1.1513882611188428e-05, 9.828524436884223e-08, 4.4534441586175015e-10,
    1.0826804113902088e-12, 1.375554606332618e-15, 8.363544356306774e-19,
    1.8695871016278324e-22,
)  # fmt: skip
_FRESNL_GD = (
    1.0, 1.4749575992512833, 0.33774898912002, 0.02536037414203388, 0.0008146791071843061,
    1.2754507566772912e-05, 1.0431458965757199e-07, 4.6068072814652043e-10,
    1.1027321506624028e-12, 1.3879653125957886e-15, 8.391588162831187e-19,
    1.8695871016278324e-22,
)  # fmt: skip


def _sincos_pi_half_square(x):
    """(sin(pi x^2 / 2), cos(pi x^2 / 2)) for x >= 0 without the rounding of x^2 (which
    the factor pi/2 would turn into an O(x^2 eps) phase error): with s = x mod 2,
    x^2/2 = s (x - s/2) mod 2, which is computed almost exactly."""
    s = np.fmod(x, 2.0)
    r = np.fmod(s * (x - s / 2), 2.0)
    return np.sin(math.pi * r), np.cos(math.pi * r)


def _fresnel_value(x):
    ax = np.abs(x)
    x2 = ax * ax
    small = x2 < 2.5625
    large = ax > 36974.0
    xs = np.where(small, ax, 1.0)
    t = xs**4
    s_small = xs * xs * xs * _poly(t, _FRESNL_SN) / _poly(t, _FRESNL_SD)
    c_small = xs * _poly(t, _FRESNL_CN) / _poly(t, _FRESNL_CD)
    xa = np.where(small | ~np.isfinite(ax), 2.0, ax)
    sinp, cosp = _sincos_pi_half_square(xa)
    pt = math.pi * xa * xa
    u = 1 / (pt * pt)
    f = 1 - u * _poly(u, _FRESNL_FN) / _poly(u, _FRESNL_FD)
    g = _poly(u, _FRESNL_GN) / _poly(u, _FRESNL_GD) / pt
    f = np.where(large, 1.0, f)
    g = np.where(large, 0.0, g)
    c_big = 0.5 + (f * sinp - g * cosp) / (math.pi * xa)
    s_big = 0.5 - (f * cosp + g * sinp) / (math.pi * xa)
    s = np.where(small, s_small, np.where(np.isinf(ax), 0.5, s_big))
    c = np.where(small, c_small, np.where(np.isinf(ax), 0.5, c_big))
    neg = x < 0
    nan = np.isnan(x)
    s, c = np.where(nan, np.nan, s), np.where(nan, np.nan, c)
    return np.where(neg, -s, s), np.where(neg, -c, c)


@arrax.custom_jvp
def _fresnel(x):
    return _fresnel_value(x)


@_fresnel.defjvp
def _fresnel_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    sinp, cosp = _sincos_pi_half_square(np.abs(np.where(np.isfinite(x), x, 0.0)))
    return _fresnel(x), (sinp * dx, cosp * dx)


def fresnel(x):
    """The Fresnel integrals (S(x), C(x)): S = int_0^x sin(pi t^2/2) dt,
    C = int_0^x cos(pi t^2/2) dt. float32 (and half precision, through float32) is computed
    with the same rational approximations in its own precision."""
    x = _real(x, "fresnel")
    if x.dtype in (np.float32, np.float64):
        return _fresnel(x)
    s, c = _fresnel(x.astype(np.float32))
    return s.astype(x.dtype), c.astype(x.dtype)
