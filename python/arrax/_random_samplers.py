"""The rest of jax.random's samplers, composed from random.py's uniform, normal and
exponential by JAX's transformations, so each is a pure function of its key that traces and
batches. gamma (and beta, dirichlet, chisquare, f, t, loggamma, generalized_normal through it)
is Marsaglia and Tsang's rejection driven exactly as JAX drives it (one key split per element,
a rejection loop per element, run here for all elements at once with the finished ones held),
so for the same key the samples are JAX's; poisson is JAX's Knuth / transformed-rejection
pair, likewise."""

import operator

import numpy as _onp

import arrax.numpy as jnp
from arrax import lax
from arrax import random as _r
from arrax._ad import custom_jvp as _custom_jvp
from arrax._prng_keys import PRNGKeyArray

__all__ = [
    "gamma",
    "loggamma",
    "beta",
    "dirichlet",
    "chisquare",
    "f",
    "t",
    "cauchy",
    "laplace",
    "logistic",
    "lognormal",
    "pareto",
    "rayleigh",
    "triangular",
    "wald",
    "weibull_min",
    "geometric",
    "rademacher",
    "maxwell",
    "double_sided_maxwell",
    "generalized_normal",
    "multivariate_normal",
    "orthogonal",
    "ball",
    "clone",
    "poisson",
    "binomial",
    "multinomial",
]


def _setup(name, key, dtype, shape, *params):
    """The key, the float dtype, the parameters as arrays of it and the output shape
    (the parameters' broadcast shape when shape is None)."""
    k = _r._check_key(name, key)
    dt = _r._float_dtype(dtype, name)
    ps = [jnp.asarray(p, dtype=dt) for p in params]
    if shape is None:
        shape = jnp.broadcast_shapes(*[p.shape for p in ps]) if ps else ()
    shape = _r._shape(shape)
    _r._check_broadcast(shape, *[p.shape for p in ps])
    return k, dt, ps, shape


def _tiny(dt):
    return float(_r._finfo(dt).tiny)


def _log_gamma_samples(k, a, shape, dt):
    """log of Gamma(a, 1) samples, differentiable in a by the implicit reparameterization."""
    return _gamma_implicit(k, jnp.broadcast_to(a, shape), shape, dt, True)


def _gamma_jvp(k, shape, dt, log_space, primals, tangents):
    """d log z / da for z ~ Gamma(a): with P(a, z) the gamma CDF held at the sample's level,
    dz/da = -(dP/da) / (dP/dz), dP/dz = z^(a-1) e^-z / Gamma(a) (Figurnov et al., 2018, as JAX
    differentiates its gamma samples). dP/da is the derivative of the regularized incomplete
    gamma function; the rule is differentiable again (second derivatives follow z too)."""
    import arrax
    from arrax.scipy.special import digamma, gammainc, gammaln

    (a,), (da,) = primals, tangents
    out = _gamma_implicit(k, a, shape, dt, log_space)
    log_z = out if log_space else jnp.log(out)
    # Where z is below eps (tiny a, loggamma's domain; z may underflow), P ~ z^a / Gamma(a+1)
    # to within eps gives d log z / da = -(log z - digamma(a + 1)) / a, in logs.
    small = log_z < float(_onp.log(_r._finfo(dt).eps))
    log_zs = jnp.where(small, 0.0, log_z)  # (the exact branch sees no tiny z, nor its NaNs)
    z = jnp.exp(log_zs)
    dp_da = arrax.jvp(lambda s: gammainc(s, z), (a,), (jnp.ones_like(a),))[1]
    # z dP/dz = z^a e^-z / Gamma(a), in logs
    exact = -dp_da / jnp.exp(a * log_zs - z - gammaln(a))
    dlogz_da = jnp.where(small, -(log_z - digamma(a + 1)) / a, exact)
    if log_space:
        return out, dlogz_da * da
    return out, jnp.where(out == 0, 0.0, out * dlogz_da) * da


def _each(fn, keys):
    """fn(key) for each key of a (n, 2) stack (vmap)."""
    import arrax

    return arrax.vmap(fn)(keys)


def _gamma_rejection(k, a, shape, dt, log_space):
    """Gamma(a, 1) samples (their logs with log_space), as JAX's _gamma_one for each element:
    a < 1 boosted (Gamma(a + 1) U^(1/a), in log space for loggamma so that tiny shapes do not
    underflow). The loops run for every element at once; an element's state stops changing
    once it is accepted, so each follows its own key chain as under JAX's vmap."""
    alpha = jnp.ravel(jnp.broadcast_to(a, shape)).astype(dt)
    n = alpha.shape[0]
    if n == 0:
        return jnp.zeros(shape, dt)
    c1 = lambda v: jnp.asarray(v, dt)  # noqa: E731 (a constant of the sample dtype)
    keys = _r.split(k, n)
    boost = alpha >= c1(1)
    alpha_b = jnp.where(boost, alpha, alpha + c1(1))
    d = alpha_b - c1(1.0 / 3.0)
    c = c1(1.0 / 3.0) / jnp.sqrt(d)
    pairs = _each(lambda kk: _r.split(kk), keys)
    keys, sub = pairs[:, 0], pairs[:, 1]

    def again(X, V, U):  # JAX's _cond_fn: reject (and so draw again)
        first = U >= c1(1) - c1(0.0331) * (X * X)
        return first & (jnp.log(U) >= X * c1(0.5) + d * ((c1(1) - V) + jnp.log(V)))

    def outer_cond(st):
        return jnp.any(again(*st[1:]))

    def outer_body(st):
        ks, X, V, U = st
        live = again(X, V, U)
        three = _each(lambda kk: _r.split(kk, 3), ks)

        def inner_cond(s):
            return jnp.any((s[2] <= c1(0)) & live)

        def inner_body(s):
            xk, x, v = s
            go = (s[2] <= c1(0)) & live
            two = _each(lambda kk: _r.split(kk), xk)
            xn = _each(lambda kk: _r.normal(kk, (), dt), two[:, 1])
            vn = c1(1) + xn * c
            return jnp.where(go[:, None], two[:, 0], xk), jnp.where(go, xn, x), jnp.where(go, vn, v)

        init = (three[:, 1], jnp.zeros(n, dt), jnp.full(n, -1, dt))
        _, x, v = lax.while_loop(inner_cond, inner_body, init)
        u = _each(lambda kk: _r.uniform(kk, (), dt), three[:, 2])
        return (
            jnp.where(live[:, None], three[:, 0], ks),
            jnp.where(live, x * x, X),
            jnp.where(live, (v * v) * v, V),
            jnp.where(live, u, U),
        )

    init = (keys, jnp.zeros(n, dt), jnp.ones(n, dt), jnp.full(n, 2, dt))
    _, _, V, _ = lax.while_loop(outer_cond, outer_body, init)
    u = _each(lambda kk: _r.uniform(kk, (), dt), sub)
    if log_space:
        log_u = jnp.log1p(-u)  # (-exponential(subkey): JAX negates -log1p(-u), exactly)
        log_boost = jnp.where(boost | (log_u == 0), c1(0), log_u * (c1(1) / alpha))
        out = (jnp.log(d) + jnp.log(V)) + log_boost
    else:
        samples = c1(1) - u
        out = (d * V) * jnp.where(boost, c1(1), samples ** (c1(1) / alpha))
    return out.reshape(shape)


_gamma_implicit = _custom_jvp(
    lambda k, a, shape, dt, log_space: _gamma_rejection(
        k, lax.stop_gradient(a), shape, dt, log_space
    ),
    nondiff_argnums=(0, 2, 3, 4),
)
_gamma_implicit.defjvp(_gamma_jvp)


def gamma(key, a, shape=None, dtype=jnp.float32):
    """Gamma(a, 1) samples."""
    k, dt, (a,), shape = _setup("gamma", key, dtype, shape, a)
    return _gamma_implicit(k, jnp.broadcast_to(a, shape), shape, dt, False).astype(dt)


def loggamma(key, a, shape=None, dtype=jnp.float32):
    """log of Gamma(a, 1) samples, accurate where they are tiny."""
    k, dt, (a,), shape = _setup("loggamma", key, dtype, shape, a)
    return _log_gamma_samples(k, a, shape, dt).astype(dt)


def beta(key, a, b, shape=None, dtype=jnp.float32):
    k, dt, (a, b), shape = _setup("beta", key, dtype, shape, a, b)
    ka, kb = _r.split(k)
    la, lb = _log_gamma_samples(ka, a, shape, dt), _log_gamma_samples(kb, b, shape, dt)
    m = jnp.maximum(la, lb)  # X / (X + Y) in log space
    return (jnp.exp(la - m) / (jnp.exp(la - m) + jnp.exp(lb - m))).astype(dt)


def dirichlet(key, alpha, shape=None, dtype=jnp.float32):
    k = _r._check_key("dirichlet", key)
    dt = _r._float_dtype(dtype, "dirichlet")
    alpha = jnp.asarray(alpha).astype(dt)
    if alpha.ndim < 1:
        raise ValueError("dirichlet: alpha must have at least one dimension")
    shape = alpha.shape[:-1] if shape is None else _r._shape(shape)
    out = (*shape, alpha.shape[-1])
    lg = _log_gamma_samples(k, alpha, out, dt)
    lg = lg - jnp.max(lg, axis=-1, keepdims=True)
    g = jnp.exp(lg)
    return (g / jnp.sum(g, axis=-1, keepdims=True)).astype(dt)


def chisquare(key, df, shape=None, dtype=jnp.float32):
    k, dt, (df,), shape = _setup("chisquare", key, dtype, shape, df)
    return (2.0 * jnp.exp(_log_gamma_samples(k, df / 2, shape, dt))).astype(dt)


def f(key, dfnum, dfden, shape=None, dtype=jnp.float32):
    k, dt, (dn, dd), shape = _setup("f", key, dtype, shape, dfnum, dfden)
    kd, kn = _r.split(k)  # (JAX's order: the first key draws the denominator)
    num = chisquare(kn, dn, shape, dt) / dn
    den = chisquare(kd, dd, shape, dt) / dd
    return (num / den).astype(dt)


def t(key, df, shape=(), dtype=jnp.float32):
    k, dt, (df,), shape = _setup("t", key, dtype, shape, df)
    kn, kg = _r.split(k)
    n = _r.normal(kn, shape, dt)
    half = df / 2
    g = jnp.exp(_log_gamma_samples(kg, half, shape, dt))
    return (n * jnp.sqrt(half / g)).astype(dt)


def cauchy(key, shape=(), dtype=jnp.float32):
    k, dt, _, shape = _setup("cauchy", key, dtype, shape)
    u = _r.uniform(k, shape, dt, minval=float(_r._finfo(dt).eps))
    return jnp.tan(_onp.pi * (u - 0.5)).astype(dt)


def laplace(key, shape=(), dtype=jnp.float32):
    k, dt, _, shape = _setup("laplace", key, dtype, shape)
    u = _r.uniform(k, shape, dt, minval=-1.0 + float(_r._finfo(dt).epsneg), maxval=1.0)
    return (jnp.sign(u) * jnp.log1p(-jnp.abs(u))).astype(dt)


def logistic(key, shape=(), dtype=jnp.float32):
    k, dt, _, shape = _setup("logistic", key, dtype, shape)
    u = _r.uniform(k, shape, dt, minval=_tiny(dt))
    return (jnp.log(u) - jnp.log1p(-u)).astype(dt)


def lognormal(key, sigma=1.0, shape=None, dtype=jnp.float32):
    k, dt, (sigma,), shape = _setup("lognormal", key, dtype, shape, sigma)
    return jnp.exp(sigma * _r.normal(k, shape, dt)).astype(dt)


def pareto(key, b, shape=None, dtype=jnp.float32):
    k, dt, (b,), shape = _setup("pareto", key, dtype, shape, b)
    return jnp.exp(_r.exponential(k, shape, dt) / b).astype(dt)


def rayleigh(key, scale, shape=None, dtype=jnp.float32):
    k, dt, (scale,), shape = _setup("rayleigh", key, dtype, shape, scale)
    u = _r.uniform(k, shape, dt, minval=_tiny(dt))
    return (jnp.sqrt(-2 * jnp.log(u)) * scale).astype(dt)


def triangular(key, left, mode, right, shape=None, dtype=jnp.float32):
    k, dt, (lo, mo, hi), shape = _setup("triangular", key, dtype, shape, left, mode, right)
    u = _r.uniform(k, shape, dt)
    base = hi - lo
    x = jnp.where(
        u < (mo - lo) / base,
        lo + jnp.sqrt(u * base * (mo - lo)),
        hi - jnp.sqrt((1 - u) * base * (hi - mo)),
    )
    return x.astype(dt)


def wald(key, mean, shape=None, dtype=jnp.float32):
    k, dt, (mean,), shape = _setup("wald", key, dtype, shape, mean)
    kv, kz = _r.split(k)
    y = _r.normal(kv, shape, dt) ** 2
    z = _r.uniform(kz, shape, dt)
    m2 = mean * mean
    x = mean + m2 * y / 2 - mean * jnp.sqrt(4 * mean * y + m2 * y * y) / 2
    return jnp.where(z <= mean / (mean + x), x, m2 / x).astype(dt)


def weibull_min(key, scale, concentration, shape=(), dtype=jnp.float32):
    k, dt, (scale, conc), shape = _setup("weibull_min", key, dtype, shape, scale, concentration)
    u = _r.uniform(k, shape, dt)
    return (scale * (-jnp.log1p(-u)) ** (1 / conc)).astype(dt)


def geometric(key, p, shape=None, dtype=jnp.int32):
    """The number of trials up to the first success."""
    k = _r._check_key("geometric", key)
    p = _r._float_param(p)
    shape = tuple(p.shape) if shape is None else _r._shape(shape)
    _r._check_broadcast(shape, p.shape)
    # JAX's formula on JAX's uniform bits, so the same key gives JAX's numbers; a draw of exactly
    # 0 (one in 2^24 for float32) reads as the smallest normal number instead of log(0)
    u = _r.uniform(k, shape, p.dtype)
    log_u = jnp.log(jnp.maximum(u, _tiny(p.dtype)))
    return (jnp.floor(log_u / jnp.log1p(-p)) + 1).astype(dtype)


def rademacher(key, shape=(), dtype=jnp.int32):
    """-1 or 1, each with probability 1/2."""
    k = _r._check_key("rademacher", key)
    b = _r.bernoulli(k, 0.5, _r._shape(shape))
    return (2 * b.astype(dtype) - 1).astype(dtype)


def maxwell(key, shape=(), dtype=jnp.float32):
    k, dt, _, shape = _setup("maxwell", key, dtype, shape)
    return jnp.sqrt(jnp.sum(_r.normal(k, (*shape, 3), dt) ** 2, axis=-1)).astype(dt)


def double_sided_maxwell(key, loc, scale, shape=(), dtype=jnp.float32):
    k, dt, (loc, scale), shape = _setup("double_sided_maxwell", key, dtype, shape, loc, scale)
    km, ks = _r.split(k)
    return (maxwell(km, shape, dt) * rademacher(ks, shape, dt) * scale + loc).astype(dt)


def generalized_normal(key, p, shape=(), dtype=jnp.float32):
    """Density proportional to exp(-|x|^p)."""
    k, dt, (p,), shape = _setup("generalized_normal", key, dtype, shape, p)
    kg, ks = _r.split(k)
    g = jnp.exp(_log_gamma_samples(kg, 1 / p, shape, dt) / p)
    return (rademacher(ks, shape, dt) * g).astype(dt)


def _cholesky_or_nan(cov):
    """The Cholesky factor of cov, NaN for a matrix that is not positive definite (JAX's
    cholesky gives NaN there; arrax's raises, as NumPy's). Traced, positive definiteness is
    read from the eigenvalues and the factor taken of a stand-in identity where it fails."""
    from numpy.linalg import LinAlgError

    if not getattr(cov, "_is_tracer", False):
        try:
            return jnp.linalg.cholesky(cov)
        except LinAlgError:
            pass
    d = cov.shape[-1]
    w = jnp.linalg.eigvalsh(cov)
    scale = jnp.max(jnp.abs(w), axis=-1)
    ok = (w[..., 0] > d * float(jnp.finfo(cov.dtype).eps) * scale)[..., None, None]
    factor = jnp.linalg.cholesky(jnp.where(ok, cov, jnp.eye(d, dtype=cov.dtype)))
    return jnp.where(ok, factor, jnp.nan)


def multivariate_normal(key, mean, cov, shape=None, dtype=None, method="cholesky"):
    if method not in ("cholesky", "svd", "eigh"):
        raise ValueError("multivariate_normal: method must be 'cholesky', 'svd' or 'eigh'")
    k = _r._check_key("multivariate_normal", key)
    mean, cov = jnp.asarray(mean), jnp.asarray(cov)
    dt = _r._float_dtype(
        dtype or jnp.result_type(mean.dtype, cov.dtype, jnp.float32), "multivariate_normal"
    )
    mean, cov = mean.astype(dt), cov.astype(dt)
    if mean.ndim < 1 or cov.ndim < 2 or cov.shape[-2:] != (mean.shape[-1], mean.shape[-1]):
        raise ValueError(f"multivariate_normal: mean {mean.shape} and cov {cov.shape} do not match")
    if shape is None:
        shape = jnp.broadcast_shapes(mean.shape[:-1], cov.shape[:-2])
    shape = _r._shape(shape)
    if method == "cholesky":
        factor = _cholesky_or_nan(cov)
    elif method == "svd":
        u, s, _ = jnp.linalg.svd(cov)
        factor = u * jnp.sqrt(s)[..., None, :]
    else:
        w, v = jnp.linalg.eigh(cov)
        factor = v * jnp.sqrt(jnp.maximum(w, 0))[..., None, :]
    z = _r.normal(k, (*shape, mean.shape[-1]), dt)
    return (mean + jnp.einsum("...ij,...j->...i", factor, z)).astype(dt)


def orthogonal(key, n, shape=(), dtype=jnp.float32, m=None):
    """Haar-distributed n x m matrices with orthonormal columns (rows when n < m); m defaults
    to n (square orthogonal/unitary matrices). The draw is JAX's: the QR of a
    max(n, m) x min(n, m) normal matrix, transposed when n < m."""
    k = _r._check_key("orthogonal", key)
    shape = _r._shape(shape)
    n = operator.index(n)
    m = n if m is None else operator.index(m)
    z = _r.normal(k, (*shape, max(n, m), min(n, m)), dtype)
    q, r = jnp.linalg.qr(z)
    d = jnp.diagonal(r, axis1=-2, axis2=-1)
    x = q * (d / jnp.abs(d))[..., None, :]
    return jnp.swapaxes(x, -1, -2) if n < m else x


def ball(key, d, p=2, shape=(), dtype=jnp.float32):
    """Uniform samples from the unit p-norm ball in d dimensions."""
    k, dt, _, shape = _setup("ball", key, dtype, shape)
    kg, ke = _r.split(k)
    g = generalized_normal(kg, p, (*shape, d), dt)
    e = _r.exponential(ke, shape, dt)
    return (g / (jnp.sum(jnp.abs(g) ** p, axis=-1) + e)[..., None] ** (1 / p)).astype(dt)


def clone(key):
    """The same key (JAX's key reuse checker is not arrax's)."""
    return key.copy() if isinstance(key, PRNGKeyArray) else jnp.asarray(key).copy()


def _poisson_knuth(key, lam, shape, dt):
    """JAX's Knuth loop: count uniforms (one draw of the whole shape per step) until their
    product falls below exp(-lam); every element steps until the last one is done."""

    def cond(st):
        return jnp.any(st[3] > -lam)

    def body(st):
        i, k, key, log_prod = st
        key, sub = _r.split(key)
        k = jnp.where(log_prod > -lam, k + 1, k)
        u = _r.uniform(sub, shape, jnp.float32)
        return i + 1, k, key, log_prod + jnp.log(u)

    init = (0, jnp.zeros(shape, dt), key, jnp.zeros(shape, jnp.float32))
    return lax.while_loop(cond, body, init)[1] - 1


def _poisson_rejection(key, lam, shape, dt):
    """JAX's transformed rejection (Hormann), for the elements with lam >= 10."""
    from arrax.scipy.special import gammaln

    f32 = lambda v: jnp.asarray(v, jnp.float32)  # noqa: E731
    log_lam = jnp.log(lam)
    b = f32(0.931) + f32(2.53) * jnp.sqrt(lam)
    a = f32(-0.059) + f32(0.02483) * b
    inv_alpha = f32(1.1239) + f32(1.1328) / (b - f32(3.4))
    v_r = f32(0.9277) - f32(3.6224) / (b - f32(2))

    def cond(st):
        return jnp.any(~st[2])

    def body(st):
        i, k_out, accepted, key = st
        key, k0, k1 = _r.split(key, 3)
        u = _r.uniform(k0, shape, jnp.float32) - f32(0.5)
        v = _r.uniform(k1, shape, jnp.float32)
        u_shifted = f32(0.5) - jnp.abs(u)
        k = jnp.floor((f32(2) * a / u_shifted + b) * u + lam + f32(0.43))
        s = jnp.log(v * inv_alpha / (a / (u_shifted * u_shifted) + b))
        t = -lam + k * log_lam - gammaln(k + f32(1))
        accept1 = (u_shifted >= f32(0.07)) & (v <= v_r)
        reject = (k < 0) | ((u_shifted < f32(0.013)) & (v > u_shifted))
        accept = accept1 | (~reject & (s <= t))
        return i + 1, jnp.where(accept, k, k_out), accepted | accept, key

    init = (0, jnp.full(shape, -1, jnp.float32), jnp.zeros(shape, bool), key)
    return lax.while_loop(cond, body, init)[1].astype(dt)


def poisson(key, lam, shape=None, dtype=jnp.int32):
    """Poisson(lam) counts, as JAX draws them (the same counts for the same key): Knuth's
    product of uniforms below lam = 10, Hormann's transformed rejection above, in float32.
    An invalid rate (negative or NaN) gives -1, as JAX's."""
    k = _r._check_key("poisson", key)
    dt = _onp.dtype(dtype)
    if dt.kind not in "iu":
        raise TypeError(f"poisson: dtype must be an integer type, got {dtype}")
    lam = jnp.asarray(lam)
    shape = tuple(lam.shape) if shape is None else _r._shape(shape)
    _r._check_broadcast(shape, lam.shape)
    lam = jnp.broadcast_to(lam, shape).astype(jnp.float32)
    knuth = jnp.isnan(lam) | (lam < 10)
    lam_knuth = jnp.where(knuth, lam, jnp.float32(0))
    lam_rejection = jnp.where(knuth, jnp.float32(1e5), lam)
    out = jnp.where(
        knuth,
        _poisson_knuth(k, lam_knuth, shape, dt),
        _poisson_rejection(k, lam_rejection, shape, dt),
    )
    return jnp.where(lam == 0, jnp.zeros((), dt), out).astype(dt)


_STIRLING_TAIL = [
    0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
    0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
    0.00925546218271273, 0.00833056343336287,
]  # fmt: skip


def _stirling_approx_tail(k):
    """log k! minus its Stirling approximation: a table to 9, the series past it (JAX's)."""
    table = jnp.array(_STIRLING_TAIL, dtype=k.dtype)
    kc = jnp.clip(k, 0, 9)
    kp1sq = (kc + 1) * (kc + 1)
    approx = (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (kc + 1)
    # (clip: a NaN k, from an infinite count, takes the series' NaN either way)
    tail = jnp.take(table, jnp.floor(kc).astype(jnp.int32), mode="clip")
    return jnp.where(k <= 9, tail, approx)


def _binomial_inversion(key, count, prob, shape):
    """JAX's small-mean sampler: geometric waiting times summed until they pass the count (one
    uniform draw of the whole shape per step, from the key's successive splits)."""
    log1minusprob = jnp.log1p(-prob)

    def body(carry):
        i, num_geom, geom_sum, key = carry
        subkey, key = _r.split(key)
        num_geom = jnp.where(geom_sum <= count, num_geom + 1, num_geom)
        u = _r.uniform(subkey, shape, prob.dtype)
        geom_sum = geom_sum + jnp.ceil(jnp.log(u) / log1minusprob)
        return i + 1, num_geom, geom_sum, key

    def cond(carry):
        return jnp.any(carry[2] <= count)

    zeros = jnp.zeros(shape, prob.dtype)
    return lax.while_loop(cond, body, (0, zeros, zeros, key))[1] - 1


def _btrs(key, count, prob, shape):
    """JAX's large-mean sampler: Hormann's transformed rejection (BTRS), all samples drawn
    together until each has been accepted."""
    stddev = jnp.sqrt(count * prob * (1 - prob))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = count * prob + 0.5
    v_r = 0.92 - 4.2 / b
    r = prob / (1 - prob)
    alpha = (2.83 + 5.1 / b) * stddev
    m = jnp.floor((count + 1) * prob)

    def body(carry):
        i, k_out, accepted, key = carry
        key, subkey_0, subkey_1 = _r.split(key, 3)
        u = _r.uniform(subkey_0, shape, prob.dtype) - 0.5
        v = _r.uniform(subkey_1, shape, prob.dtype)
        us = 0.5 - jnp.abs(u)
        accept1 = (us >= 0.07) & (v <= v_r)
        k = jnp.floor((2 * a / us + b) * u + c)
        reject = (k < 0) | (k > count)
        v = jnp.log(v * alpha / (a / (us * us) + b))
        ub = (
            (m + 0.5) * jnp.log((m + 1) / (r * (count - m + 1)))
            + (count + 1) * jnp.log((count - m + 1) / (count - k + 1))
            + (k + 0.5) * jnp.log(r * (count - k + 1) / (k + 1))
            + _stirling_approx_tail(m)
            + _stirling_approx_tail(count - m)
            - _stirling_approx_tail(k)
            - _stirling_approx_tail(count - k)
        )
        accept = accept1 | (~reject & (v <= ub))
        return i + 1, jnp.where(accept, k, k_out), accepted | accept, key

    def cond(carry):
        return jnp.any(~carry[2])

    init = (0, jnp.full(shape, -1, prob.dtype), jnp.zeros(shape, bool), key)
    return lax.while_loop(cond, body, init)[1]


def binomial(key, n, p, shape=None, dtype=jnp.float32):
    """Binomial(n, p) counts, as JAX draws them (the same counts for the same key): inversion
    of geometric waiting times where n * min(p, 1 - p) <= 10, BTRS rejection above, computed
    in p's float dtype (float32 for float64 or integer p, as JAX's 32-bit default)."""
    k = _r._check_key("binomial", key)
    dt = _onp.dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"binomial: dtype must be a float dtype, got {dtype}")
    p = jnp.asarray(p)
    pdt = p.dtype if p.dtype.kind == "f" and p.dtype.itemsize <= 4 else _onp.dtype(jnp.float32)
    p = p.astype(pdt)
    n = jnp.asarray(n).astype(pdt)
    if shape is None:
        shape = jnp.broadcast_shapes(n.shape, p.shape)
    shape = _r._shape(shape)
    _r._check_broadcast(shape, n.shape, p.shape)
    count, prob = jnp.broadcast_to(n, shape), jnp.broadcast_to(p, shape)
    p_lt_half = prob < 0.5
    q = jnp.where(p_lt_half, prob, 1.0 - prob)
    count_nan_or_neg = jnp.isnan(count) | (count < 0.0)
    count_inf = jnp.isinf(count)
    q_is_nan = jnp.isnan(q)
    q_l_0 = q < 0.0
    q = jnp.where(q_is_nan | q_l_0, jnp.full_like(q, 0.01), q)
    use_inversion = count_nan_or_neg | (count * q <= 10.0)
    count = jnp.floor(count)  # (NumPy's binomial floors a float count)
    count_inv = jnp.where(use_inversion, count, jnp.zeros_like(count))
    count_btrs = jnp.where(use_inversion, jnp.full_like(count, 1e4), count)
    q_btrs = jnp.where(use_inversion, jnp.full_like(q, 0.5), q)
    samples = jnp.where(
        use_inversion,
        _binomial_inversion(k, count_inv, q, shape),
        _btrs(k, count_btrs, q_btrs, shape),
    ).astype(dt)
    # JAX's conventions: NaN for a NaN or negative count or p outside [0, 1]; inf for n = inf
    invalid = q_l_0 | q_is_nan | count_nan_or_neg
    samples = jnp.where(invalid, jnp.full_like(samples, jnp.nan), samples)
    samples = jnp.where(count_inf & ~invalid, jnp.full_like(samples, jnp.inf), samples)
    keep = p_lt_half | count_nan_or_neg | q_is_nan | count_inf
    return jnp.where(keep, samples, count.astype(dt) - samples)


def multinomial(key, n, p, *, shape=None, dtype=jnp.float32, unroll=1):
    """Multinomial counts over the last axis of p: a binomial of the trials left per category,
    its probability renormalized."""
    p = jnp.asarray(p).astype(jnp.float64)
    n = jnp.asarray(n).astype(jnp.float64)
    if shape is None:  # as JAX, shape is the result's, categories last
        shape = jnp.broadcast_shapes(n.shape, p.shape[:-1])
    else:
        shape = _r._shape(shape)
        if not shape or shape[-1] != p.shape[-1]:
            raise ValueError(
                f"multinomial: shape {shape} must end with the {p.shape[-1]} categories of p"
            )
        shape = shape[:-1]
    shape = _r._shape(shape)
    keys = _r.split(_r._check_key("multinomial", key), p.shape[-1])
    left = jnp.broadcast_to(n, shape)
    mass = jnp.ones(shape)
    counts = []
    for i in range(p.shape[-1]):
        pi = jnp.broadcast_to(p[..., i], shape)
        if i == p.shape[-1] - 1:
            c = left
        else:
            q = jnp.clip(jnp.where(mass > 0, pi / jnp.maximum(mass, 1e-300), 0.0), 0.0, 1.0)
            c = binomial(keys[i], left, q, shape, jnp.float64)
            mass = mass - pi
        counts.append(c)
        left = left - c
    return jnp.stack(counts, axis=-1).astype(dtype)
