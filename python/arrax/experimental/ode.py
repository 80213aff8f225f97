"""``arrax.experimental.ode.odeint`` (``jax.experimental.ode.odeint``): adaptive Runge-Kutta
integration of ``dy/dt = func(y, t, *args)``, differentiable by the adjoint method.

The forward solver is Dormand-Prince 5(4) with error control on ``atol + rtol * |y|``, the
first step chosen from the derivative's scale (Hairer, Norsett and Wanner, section II.4), and
the outputs at the requested times read from a quartic through each step's end points,
derivatives and midpoint (the method's dense output). Reverse-mode gradients solve the adjoint
system backwards in time between consecutive output times (Pontryagin; Chen et al. 2018), so
memory does not grow with the number of steps. Everything is lax control flow (scan over the
output times, while_loop over the steps), so odeint also runs under jit and vmap."""

import numpy as onp

import arrax
import arrax.numpy as jnp
from arrax import lax
from arrax.flatten_util import ravel_pytree

__all__ = ["odeint"]

# Dormand-Prince tableau: stage times, stage weights, 5th-order solution weights, the
# difference to the embedded 4th-order solution, and the midpoint weights of dense output.
_ALPHA = [1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0]
_BETA = [
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
]
_C_SOL = onp.array([35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0])
_C_ERR = _C_SOL - onp.array(
    [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40]
)
_C_MID = 0.5 * onp.array([
    6025192743 / 30085553152, 0, 51252292925 / 65400821598, -2691868925 / 45128329728,
    187940372067 / 1594534317056, -1776094331 / 19743644256, 11237099 / 235043384,
])  # fmt: skip


def _rms(x):
    if jnp.iscomplexobj(x):
        return jnp.sqrt(jnp.mean(x.real * x.real + x.imag * x.imag))
    return jnp.sqrt(jnp.mean(x * x))


def _step(f, y0, f0, t0, dt):
    """One Dormand-Prince step: (y1, f1, error estimate, all seven stage derivatives)."""
    ks = [f0]
    for alpha, beta in zip(_ALPHA, _BETA):
        yi = y0 + dt * sum(b * k for b, k in zip(beta, ks) if b != 0)
        ks.append(f(yi, t0 + alpha * dt))
    k = jnp.stack(ks)
    y1 = y0 + dt * jnp.tensordot(jnp.asarray(_C_SOL, y0.dtype), k, axes=1)
    err = dt * jnp.tensordot(jnp.asarray(_C_ERR, y0.dtype), k, axes=1)
    return y1, ks[-1], err, k


def _quartic(y0, y1, f0, f1, k, dt):
    """Coefficients (highest power first) of the quartic p(s), s in [0, 1], with p(0) = y0,
    p(1) = y1, p'(0) = dt f0, p'(1) = dt f1 and p(1/2) the method's midpoint estimate."""
    ym = y0 + dt * jnp.tensordot(jnp.asarray(_C_MID, y0.dtype), k, axes=1)
    a = -2 * dt * f0 + 2 * dt * f1 - 8 * y0 - 8 * y1 + 16 * ym
    b = 5 * dt * f0 - 3 * dt * f1 + 18 * y0 + 14 * y1 - 32 * ym
    c = -4 * dt * f0 + dt * f1 - 11 * y0 - 5 * y1 + 16 * ym
    return jnp.stack([a, b, c, dt * f0, y0])


def _first_step(f, y0, t0, f0, rtol, atol):
    scale = atol + jnp.abs(y0) * rtol
    d0, d1 = _rms(y0 / scale), _rms(f0 / scale)
    h0 = jnp.where((d0 < 1e-5) | (d1 < 1e-5), 1e-6, 0.01 * d0 / d1)
    f1 = f(y0 + h0 * f0, t0 + h0)
    d2 = _rms((f1 - f0) / scale) / h0
    h1 = jnp.where(
        (d1 <= 1e-15) & (d2 <= 1e-15),
        jnp.maximum(1e-6, h0 * 1e-3),
        (0.01 / jnp.maximum(d1, d2)) ** (1.0 / 5.0),
    )
    return jnp.minimum(100 * h0, h1)


def _solve(f, y0, ts, rtol, atol, mxstep, hmax):
    """The solution (len(ts), y0.size) of dy/dt = f(y, t) for a flat y."""
    f0 = f(y0, ts[0])
    dt = _first_step(f, y0, ts[0], f0, rtol, atol).astype(ts.dtype)
    poly = jnp.stack([jnp.zeros_like(y0)] * 4 + [y0])

    def advance(carry, t_target):
        def keep_going(state):
            _, _, t, _, _, _, steps = state
            return (t < t_target) & (steps < mxstep)

        def attempt(state):
            y, fy, t, dt, last_t, poly, steps = state
            y1, f1, err, k = _step(f, y, fy, t, dt)
            tol = atol + rtol * jnp.maximum(jnp.abs(y), jnp.abs(y1))
            ratio = _rms(err / tol)
            # Accept when the error is within tolerance; the next step grows by up to 10x
            # or shrinks down to a tenth.
            shrink = jnp.where(ratio < 1, 1.2, 0.1).astype(ratio.dtype)
            factor = jnp.where(
                ratio == 0, 10.0, jnp.minimum(10.0, jnp.maximum(0.9 * ratio**-0.2, shrink))
            )
            ok = ratio <= 1
            new_poly = jnp.where(ok, _quartic(y, y1, fy, f1, k, dt), poly)
            return (
                jnp.where(ok, y1, y), jnp.where(ok, f1, fy), jnp.where(ok, t + dt, t),
                jnp.minimum(dt * factor, hmax), jnp.where(ok, t, last_t), new_poly, steps + 1,
            )  # fmt: skip

        y, fy, t, dt, last_t, poly = carry
        y, fy, t, dt, last_t, poly, _ = lax.while_loop(
            keep_going, attempt, (y, fy, t, dt, last_t, poly, jnp.asarray(0))
        )
        span = t - last_t
        s = jnp.where(span > 0, (t_target - last_t) / jnp.where(span > 0, span, 1), 0)
        out = (((poly[0] * s + poly[1]) * s + poly[2]) * s + poly[3]) * s + poly[4]
        return (y, fy, t, dt, last_t, poly), out

    init = (y0, f0, ts[0], dt, ts[0], poly)
    _, ys = lax.scan(advance, init, ts[1:])
    return jnp.concatenate([y0[None], ys])


def odeint(func, y0, t, *args, rtol=1.4e-8, atol=1.4e-8, mxstep=jnp.inf, hmax=jnp.inf):
    """The solution of ``dy/dt = func(y, t, *args)`` with ``y(t[0]) = y0`` at the times t
    (increasing): a pytree like y0 with a leading axis of len(t). ``func`` must not close
    over traced values that should be differentiated; pass them in ``args``. ``mxstep`` bounds
    the steps between two output times, ``hmax`` the step size."""
    for leaf in arrax.tree_util.tree_leaves(args):
        if not isinstance(leaf, (jnp.ndarray, onp.ndarray, onp.generic, int, float, complex)):
            raise TypeError(f"odeint: the extra arguments must be arrays, got {type(leaf)}")
    flat_y0, unravel = ravel_pytree(y0)
    t = jnp.asarray(t)
    if t.ndim != 1:
        raise ValueError(f"odeint: t must be one-dimensional, got shape {t.shape}")
    dtype = flat_y0.dtype
    if not jnp.issubdtype(dtype, jnp.inexact):
        raise TypeError(f"odeint: y0 must hold floating-point values, got {dtype}")
    real = jnp.finfo(dtype).dtype  # the times' dtype (real for a complex y, as JAX's)
    t = t.astype(real)
    options = (rtol, atol, mxstep, hmax)
    # values func closes over become arguments, so gradients reach them (as JAX's odeint)
    func, consts = arrax.closure_convert(func, y0, t[0], *args)
    args = (*args, *consts)

    def flat_func(y, t, *args):
        return ravel_pytree(func(unravel(y), t, *args))[0].astype(dtype)

    @arrax.custom_vjp
    def solve(y0, ts, *args):
        return _solve(lambda y, s: flat_func(y, s, *args), y0, ts, *options)

    def solve_fwd(y0, ts, *args):
        ys = solve(y0, ts, *args)
        return ys, (ys, ts, args)

    def solve_bwd(res, g):
        ys, ts, args = res
        args_flat, unravel_args = ravel_pytree(args)
        n, m = ys.shape[1], args_flat.shape[0]

        def augmented(z, s):
            # Reversed time s = -t: the state y runs backwards and the adjoints of y, t0 and
            # the arguments accumulate their vector-Jacobian products.
            y, a = z[:n], z[n : 2 * n]
            f_y, vjp = arrax.vjp(lambda y, t, p: flat_func(y, t, *unravel_args(p)), y, -s,
                                 args_flat)  # fmt: skip
            a_y, a_t, a_args = vjp(a)
            return jnp.concatenate([-f_y, a_y, a_t[None], a_args]).astype(dtype)

        def back(carry, i):
            a, t0_bar, args_bar = carry
            t_bar = jnp.dot(flat_func(ys[i], ts[i], *args), g[i])
            t0_bar = t0_bar - t_bar
            z0 = jnp.concatenate([ys[i], a, t0_bar[None], args_bar])
            z = _solve(augmented, z0, jnp.stack([-ts[i], -ts[i - 1]]), *options)[1]
            a, t0_bar, args_bar = z[n : 2 * n], z[2 * n], z[2 * n + 1 :]
            return (a + g[i - 1], t0_bar, args_bar), t_bar

        init = (g[-1], jnp.zeros((), dtype), jnp.zeros((m,), dtype))
        (a, t0_bar, args_bar), rev_t_bar = lax.scan(back, init, jnp.arange(len(ts) - 1, 0, -1))
        ts_bar = jnp.concatenate([t0_bar[None], rev_t_bar[::-1]])
        if jnp.iscomplexobj(ts_bar):  # real times (and real arguments) take real cotangents
            ts_bar = ts_bar.real
            if not jnp.iscomplexobj(args_flat):
                args_bar = args_bar.real
        return (a, ts_bar, *unravel_args(args_bar))

    solve.defvjp(solve_fwd, solve_bwd)
    ys = solve(flat_y0, t, *args)
    return arrax.vmap(unravel)(ys)
