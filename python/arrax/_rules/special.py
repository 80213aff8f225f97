"""Rules of the special functions (cpp/primitives/special.cpp): erf, erfc, lgamma, digamma,
polygamma (order n a parameter) and zeta (Hurwitz). Each derivative is another of them, so
derivatives of any order exist: lgamma' = digamma = polygamma(0), polygamma(n)' =
polygamma(n + 1), d zeta(s, q)/dq = -s zeta(s + 1, q). As in JAX, zeta has no derivative in s."""

import math

from arrax import numpy as np
from arrax._rules.common import add_tangents, batch_elementwise
from arrax._rules.elementwise import _unary
from arrax._rules.registry import defrules
from arrax.lax import _ops as lax


def _gauss(x):
    return np.multiply(2 / math.sqrt(math.pi), np.exp(np.negative(np.multiply(x, x))))


_unary("erf", lambda x, a: _gauss(x))
_unary("erfc", lambda x, a: np.negative(_gauss(x)))
_unary("lgamma", lambda x, a: lax.bind1("digamma", x))
_unary("digamma", lambda x, a: lax.bind1("polygamma", x, n=1))


def _polygamma_jvp(primals, tangents, params):
    (x,), (t,) = primals, tangents
    ans = lax.bind1("polygamma", x, **params)
    if t is None:
        return [ans], [None]
    return [ans], [np.multiply(t, lax.bind1("polygamma", x, n=params["n"] + 1))]


def _zeta_jvp(primals, tangents, params):
    (s, q), (ts, tq) = primals, tangents
    ans = lax.bind1("zeta", s, q)
    if ts is not None:
        raise NotImplementedError(
            "zeta: the derivative in s (the first operand) is not implemented"
        )
    out = None
    if tq is not None:
        dq = np.negative(np.multiply(s, lax.bind1("zeta", np.add(s, 1), q)))
        out = add_tangents(out, np.multiply(tq, dq))
    return [ans], [out]


defrules("polygamma", jvp=_polygamma_jvp, batch=batch_elementwise("polygamma"))
defrules("zeta", jvp=_zeta_jvp, batch=batch_elementwise("zeta"))
