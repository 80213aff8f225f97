"""Like ``jax.experimental.jet``: Taylor-mode propagation of a truncated Taylor series.

``jet(fun, primals, series)`` takes the input path ``x(t) = x0 + x1 t + x2 t^2/2! + ...``
(``series[i] = [x1, x2, ...]`` for ``primals[i] = x0``: derivatives of ``x(t)`` at 0, JAX's
``factorial_scaled=True`` convention) and returns ``fun(x0)`` with the derivatives
``[y1, y2, ...]`` of ``y(t) = fun(x(t))`` at 0. arrax computes them exactly by nested
forward-mode differentiation (``arrax.jvp``) along the scalar ``t``: every primitive with a
JVP rule is supported, under jit and vmap too.
"""

import math

import numpy as onp

from arrax import tree_util
from arrax._ad import jvp
from arrax._trace_core import asarray, is_inexact

__all__ = ["jet"]


def fact(n):
    """Like ``jax.experimental.jet.fact``: ``n!`` as ``exp(lgamma(n + 1))``, a float array (n
    may be an array or traced)."""
    from arrax import lax

    return lax.exp(lax.lgamma(asarray(n) + 1.0))


class ZeroTerm:
    """``jax.experimental.jet.ZeroTerm``: the type of ``zero_term``, a term known to be zero."""


class ZeroSeries:
    """``jax.experimental.jet.ZeroSeries``: the type of ``zero_series``, a series known to be
    zero. arrax's ``jet`` always gives instantiated terms (arrays), never ``zero_series``."""


zero_term = ZeroTerm()
zero_series = ZeroSeries()


def jet(fun, primals, series, factorial_scaled=True, **_):
    """Like ``jax.experimental.jet.jet``: ``(fun(*primals), series_out)``, where
    ``series_out`` has fun's output structure with a list of ``order`` terms per leaf.

    ``factorial_scaled=False`` takes and gives the Taylor coefficients themselves (the k-th
    derivative over k!) instead of the derivatives."""
    try:
        (order,) = set(map(len, series))
    except ValueError:
        raise ValueError("jet terms have inconsistent lengths for different arguments") from None
    if len(series) != len(primals):
        raise ValueError(
            f"jet: got {len(primals)} primals but {len(series)} series (one list of terms "
            "per primal)"
        )
    for i, (x, terms) in enumerate(zip(primals, series)):
        if not tree_util.treedef_is_leaf(tree_util.tree_structure(x)):
            raise ValueError(f"primal value at position {i} is not an array")
        for j, t in enumerate(terms):
            if not tree_util.treedef_is_leaf(tree_util.tree_structure(t)):
                raise ValueError(f"term {j} for argument {i} is not an array")
    xs = [asarray(x) for x in primals]
    coeffs = []
    for x, terms in zip(xs, series):
        cs = []
        for k, term in enumerate(terms):
            c = asarray(term)
            if is_inexact(x.dtype):
                c = c.astype(x.dtype) if c.dtype != x.dtype else c
                if factorial_scaled:
                    c = c / math.factorial(k + 1)
            cs.append(c)
        coeffs.append(cs)
    inexact = [onp.dtype(x.dtype) for x in xs if is_inexact(x.dtype)]
    t_dtype = onp.result_type(*inexact) if inexact else onp.dtype(onp.float64)
    if t_dtype.kind == "c":
        t_dtype = onp.dtype(onp.float64 if t_dtype.itemsize == 16 else onp.float32)
    out_tree = []

    def path(x, cs, t):
        """x(t) = x0 + t (c1 + t (c2 + ...)), by Horner's rule (exact derivatives at 0)."""
        if not cs or not is_inexact(x.dtype):
            return x
        tt = t.astype(x.dtype) if t.dtype != x.dtype else t
        acc = cs[-1]
        for c in reversed(cs[:-1]):
            acc = c + tt * acc
        return x + tt * acc

    def g(t):
        out = fun(*[path(x, cs, t) for x, cs in zip(xs, coeffs)])
        leaves, tree = tree_util.tree_flatten(out)
        if not out_tree:
            out_tree.append(tree)
        return [asarray(v) for v in leaves]

    def derivs(k, t):
        """[g(t), g'(t), ..., g^(k)(t)], each a list of output leaves."""
        if k == 0:
            return [g(t)]
        one = onp.ones((), t_dtype)
        out, tan = jvp(lambda s: derivs(k - 1, s), (t,), (one,), _float0=False)
        return [out[0]] + list(tan)

    ds = derivs(order, onp.zeros((), t_dtype))
    primal_out = ds[0]
    terms = []
    for i in range(len(primal_out)):
        leaf_terms = []
        for k in range(1, order + 1):
            d = asarray(ds[k][i])
            if not factorial_scaled and is_inexact(d.dtype):
                d = d / math.factorial(k)
            leaf_terms.append(d)
        terms.append(leaf_terms)
    tree = out_tree[0]
    return tree_util.tree_unflatten(tree, primal_out), tree_util.tree_unflatten(tree, terms)
