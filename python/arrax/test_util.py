"""arrax.test_util.check_grads: derivatives checked against finite differences (like JAX's).

Forward mode compares ``jvp`` with a central difference along a random direction; reverse
mode checks ``vjp`` against that through the inner-product identity
``<ct, J t> == <J^T ct, t>``. Higher orders apply the same checks to the derivative
functions themselves.
"""

import numpy as onp

from arrax import _ad, _core, tree_util

_DEFAULT_EPS = {onp.dtype(onp.float32): 1e-3, onp.dtype(onp.float64): 1e-5}
_DEFAULT_TOL = {onp.dtype(onp.float32): 2e-2, onp.dtype(onp.float64): 1e-5}


def _np(x):
    return onp.asarray(x)


def _leaves(tree):
    return [_np(x) for x in tree_util.tree_leaves(tree)]


def _random_like(rng, tree):
    def one(x):
        a = _np(x)
        if a.dtype.kind == "c":
            v = rng.standard_normal(a.shape) + 1j * rng.standard_normal(a.shape)
        else:
            v = rng.standard_normal(a.shape)
        return v.astype(a.dtype) if a.dtype.kind in "fc" else onp.zeros(a.shape, a.dtype)

    return tree_util.tree_map(one, tree)


def _add(tree, t, scale):
    """tree + scale * t, as arrax arrays (what f is called with)."""

    def one(x, d):
        a = _np(x)
        if a.dtype.kind in "fc":
            a = (a + scale * _np(d)).astype(a.dtype)
        return _core.asarray(a, None, None)

    return tree_util.tree_map(one, tree, t)


def _inner(a, b):
    return sum(
        float(onp.real(onp.vdot(x.ravel(), y.ravel()))) for x, y in zip(_leaves(a), _leaves(b))
    )


def _check_close(what, got, want, atol, rtol):
    for g, w in zip(_leaves(got), _leaves(want)):
        if not onp.allclose(g, w, atol=atol, rtol=rtol, equal_nan=True):
            raise AssertionError(
                f"check_grads: {what} differs from the finite difference\n got {g}\n want {w}"
            )


def _resolve(tol, dtypes, default):
    """One tolerance: tol itself, or from a dict of them by dtype (as JAX's check_grads takes)
    the largest entry for the arguments' dtypes, else the default."""
    if tol is None:
        return default
    if not isinstance(tol, dict):
        return tol
    table = {onp.dtype(k): v for k, v in tol.items()}
    hits = [table[d] for d in dtypes if d in table]
    return max(hits) if hits else default


def _tolerance(args, eps, atol, rtol):
    dts = [x.dtype for x in _leaves(args) if x.dtype.kind in "fc"]
    dt = (
        onp.dtype(onp.float32)
        if any(d.itemsize <= 4 or d == onp.complex64 for d in dts)
        else onp.dtype(onp.float64)
    )
    return (
        eps if eps is not None else _DEFAULT_EPS[dt],
        _resolve(atol, dts, _DEFAULT_TOL[dt]),
        _resolve(rtol, dts, _DEFAULT_TOL[dt]),
    )


def _numerical_jvp(f, args, tangent, eps):
    plus = f(*_add(args, tangent, eps))
    minus = f(*_add(args, tangent, -eps))
    return tree_util.tree_map(lambda p, m: (_np(p) - _np(m)) / (2 * eps), plus, minus)


def check_jvp(f, args, eps=None, atol=None, rtol=None, rng=None):
    rng = rng or onp.random.default_rng(0)
    eps, atol, rtol = _tolerance(args, eps, atol, rtol)
    tangent = _random_like(rng, tuple(args))
    _, t_out = _ad.jvp(f, tuple(args), tuple(tangent))
    _check_close("jvp", t_out, _numerical_jvp(f, args, tangent, eps), atol, rtol)


def check_vjp(f, args, eps=None, atol=None, rtol=None, rng=None):
    rng = rng or onp.random.default_rng(1)
    eps, atol, rtol = _tolerance(args, eps, atol, rtol)
    out, f_vjp = _ad.vjp(f, *args)
    tangent = _random_like(rng, tuple(args))
    ct = _random_like(rng, out)
    t_num = _numerical_jvp(f, args, tangent, eps)
    # JAX's convention: vjp maps ct to ct . J (no conjugation), so Re<ct, J t> is
    # Re<conj(vjp(conj(ct))), t>, which also holds for complex outputs of real inputs.
    conj = lambda tree: tree_util.tree_map(lambda x: onp.conj(_np(x)), tree)  # noqa: E731
    got = _inner(conj(f_vjp(conj(ct))), tangent)
    want = _inner(ct, t_num)
    if not onp.isclose(got, want, atol=atol * max(1.0, abs(want)), rtol=rtol):
        raise AssertionError(
            f"check_grads: vjp fails <ct, J t> == <J^T ct, t>: got {got}, want {want}"
        )


def check_grads(f, args, order, modes=("fwd", "rev"), atol=None, rtol=None, eps=None):
    """Like ``jax.test_util.check_grads``: checks ``f``'s derivatives at ``args`` (a tuple) up
    to ``order`` in forward (``"fwd"``) and reverse (``"rev"``) mode against finite
    differences; raises AssertionError on a mismatch. atol and rtol are numbers or, as JAX's,
    dicts of them by dtype (the arguments' dtypes pick the entry; others keep the default)."""
    args = tuple(args)
    modes = (modes,) if isinstance(modes, str) else tuple(modes)
    for m in modes:
        if m not in ("fwd", "rev"):
            raise ValueError(f"check_grads: unknown mode {m!r} (use 'fwd' and/or 'rev')")

    def check(f, args, order):
        if "fwd" in modes:
            check_jvp(f, args, eps, atol, rtol)
            if order > 1:
                rng = onp.random.default_rng(2 + order)
                t = _random_like(rng, args)
                check(lambda *a: _ad.jvp(f, a, tuple(t))[1], args, order - 1)
        if "rev" in modes:
            check_vjp(f, args, eps, atol, rtol)
            if order > 1:
                rng = onp.random.default_rng(3 + order)
                out = f(*args)
                ct = _random_like(rng, out)
                check(lambda *a: _ad.vjp(f, *a)[1](ct), args, order - 1)

    check(f, args, order)
