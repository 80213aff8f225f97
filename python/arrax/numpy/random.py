"""arrax.numpy.random: NumPy's random API (``default_rng`` Generators and the legacy module
functions) on arrax's counter-based Threefry generator (arrax.random).

A Generator holds a key and splits a fresh one for every call, so its streams are
reproducible from the seed; they are not NumPy's streams (the distributions are the same).
Samplers that need rejection (gamma, beta) or counting (poisson, binomial) run their loops
eagerly on whole arrays at once.
"""

import numpy as onp

from arrax import _core
from arrax import random as _jr
from arrax.numpy._common import _arr, _np
from arrax.numpy._random_distributions import LEGACY, DistributionsMixin

__all__ = [
    "Generator",
    "default_rng",
    "seed",
    "rand",
    "randn",
    "randint",
    "random",
    "random_sample",
    "choice",
    "shuffle",
    "permutation",
    "normal",
    "uniform",
    "standard_normal",
    "exponential",
    "gamma",
    "beta",
    "poisson",
    "binomial",
    "standard_exponential",
    "standard_gamma",
    "multivariate_normal",
    "sample",
    "ranf",
    "random_integers",
    "RandomState",
    *LEGACY,
]


def _shape(size):
    if size is None:
        return ()
    if isinstance(size, (int, onp.integer)):
        return (int(size),)
    return tuple(int(s) for s in size)


def _scalar_or_array(x, size):
    return x[()] if size is None and x.ndim == 0 else x


class Generator(DistributionsMixin):
    """Like numpy.random.Generator, on arrax's counter-based generator."""

    def __init__(self, seed=None):
        if isinstance(seed, Generator):
            self._key = seed._next()
            return
        if isinstance(seed, _core.ndarray):
            seed = onp.asarray(seed).tolist()
        # SeedSequence turns None (fresh entropy), ints and sequences of ints into a seed.
        state = onp.random.SeedSequence(seed).generate_state(2, onp.uint32)
        self._key = _jr.PRNGKey(int(state[0]) << 32 | int(state[1]))

    def __repr__(self):
        return "Generator(Threefry)"

    def _next(self):
        self._key, k = _jr.split(self._key)
        return k

    def _broadcast_size(self, size, *params):
        np = _np()
        if size is not None:
            return _shape(size)
        shapes = [np.shape(p) for p in params]
        return tuple(np.broadcast_shapes(*shapes)) if shapes else ()

    def random(self, size=None, dtype=onp.float64, out=None):
        """Floats in [0, 1)."""
        return _scalar_or_array(_jr.uniform(self._next(), _shape(size), dtype), size)

    def standard_normal(self, size=None, dtype=onp.float64, out=None):
        return _scalar_or_array(_jr.normal(self._next(), _shape(size), dtype), size)

    def normal(self, loc=0.0, scale=1.0, size=None):
        np = _np()
        if onp.any(onp.asarray(scale) < 0):
            raise ValueError("scale < 0")
        shape = self._broadcast_size(size, loc, scale)
        z = _jr.normal(self._next(), shape, onp.float64)
        return _scalar_or_array(
            np.asarray(loc) + np.asarray(scale) * z, size if size is not None or shape else None
        )

    def uniform(self, low=0.0, high=1.0, size=None):
        np = _np()
        shape = self._broadcast_size(size, low, high)
        u = _jr.uniform(self._next(), shape, onp.float64)
        return _scalar_or_array(
            np.asarray(low) + (np.asarray(high) - np.asarray(low)) * u,
            size if size is not None or shape else None,
        )

    def integers(self, low, high=None, size=None, dtype=onp.int64, endpoint=False):
        if high is None:
            low, high = 0, low
        if endpoint:
            high = high + 1
        if onp.any(onp.asarray(low) >= onp.asarray(high)):
            raise ValueError("low >= high" if not endpoint else "low > high")
        shape = self._broadcast_size(size, low, high)
        r = _jr.randint(self._next(), shape, low, high, dtype)
        return _scalar_or_array(r, size if size is not None or shape else None)

    def exponential(self, scale=1.0, size=None):
        np = _np()
        shape = self._broadcast_size(size, scale)
        return _scalar_or_array(
            np.asarray(scale) * _jr.exponential(self._next(), shape, onp.float64),
            size if size is not None or shape else None,
        )

    def standard_exponential(self, size=None, dtype=onp.float64, method="zig", out=None):
        return _scalar_or_array(_jr.exponential(self._next(), _shape(size), dtype), size)

    def standard_gamma(self, shape, size=None, dtype=onp.float64, out=None):
        return self.gamma(shape, 1.0, size)

    def gamma(self, shape, scale=1.0, size=None):
        """Marsaglia and Tsang's method (with the a < 1 boost), vectorized rejection."""
        a_in = onp.asarray(shape, onp.float64)
        if onp.any(a_in < 0):
            raise ValueError("shape < 0")
        out_shape = self._broadcast_size(size, shape, scale)
        a = onp.broadcast_to(a_in, out_shape).astype(onp.float64)
        boost = a < 1
        d = onp.where(boost, a + 1, a) - 1.0 / 3
        c = 1.0 / onp.sqrt(9 * d)
        result = onp.zeros(out_shape)
        todo = onp.ones(out_shape, bool)
        while todo.any():
            x = onp.asarray(_jr.normal(self._next(), out_shape, onp.float64))
            u = onp.asarray(_jr.uniform(self._next(), out_shape, onp.float64))
            v = (1 + c * x) ** 3
            ok = (v > 0) & (
                onp.log(onp.maximum(u, 1e-300))
                < 0.5 * x * x + d - d * v + d * onp.log(onp.maximum(v, 1e-300))
            )
            take = todo & ok
            result = onp.where(take, d * v, result)
            todo &= ~ok
        if boost.any():
            u = onp.asarray(_jr.uniform(self._next(), out_shape, onp.float64))
            result = onp.where(boost, result * u ** (1.0 / onp.where(boost, a, 1.0)), result)
        result = onp.where(a == 0, 0.0, result) * onp.asarray(scale, onp.float64)
        r = _core.asarray(result, None, None)
        return _scalar_or_array(r, size if size is not None or out_shape else None)

    def beta(self, a, b, size=None):
        np = _np()
        x = self.gamma(a, 1.0, self._broadcast_size(size, a, b))
        y = self.gamma(b, 1.0, self._broadcast_size(size, a, b))
        return _scalar_or_array(
            np.asarray(x / (x + y)), size if size is not None or np.shape(x) else None
        )

    def poisson(self, lam=1.0, size=None):
        """Inversion by sequential search, all samples at once."""
        lam_in = onp.asarray(lam, onp.float64)
        if onp.any(lam_in < 0):
            raise ValueError("lam < 0")
        shape = self._broadcast_size(size, lam)
        lam_b = onp.broadcast_to(lam_in, shape)
        u = onp.asarray(_jr.uniform(self._next(), shape, onp.float64))
        # log-space pmf recursion keeps large rates finite
        k = onp.zeros(shape, onp.int64)
        logp = -lam_b
        cdf = onp.exp(logp)
        active = u > cdf
        while active.any():
            k = onp.where(active, k + 1, k)
            logp = onp.where(
                active,
                logp + onp.log(onp.maximum(lam_b, 1e-300)) - onp.log(onp.maximum(k, 1)),
                logp,
            )
            cdf = onp.where(active, cdf + onp.exp(logp), cdf)
            active = active & (u > cdf) & (k < lam_b + 40 * onp.sqrt(lam_b) + 100)
        return _scalar_or_array(
            _core.asarray(k, None, None), size if size is not None or shape else None
        )

    def binomial(self, n, p, size=None):
        """Inversion by sequential search over k = 0..n, all samples at once."""
        n_in, p_in = onp.asarray(n), onp.asarray(p, onp.float64)
        if onp.any(n_in < 0):
            raise ValueError("n < 0")
        if onp.any((p_in < 0) | (p_in > 1)) or onp.any(onp.isnan(p_in)):
            raise ValueError("p < 0, p > 1 or p is NaN")
        shape = self._broadcast_size(size, n, p)
        nb = onp.broadcast_to(n_in, shape).astype(onp.int64)
        pb = onp.broadcast_to(p_in, shape)
        flip = pb > 0.5
        q = onp.where(flip, 1 - pb, pb)
        u = onp.asarray(_jr.uniform(self._next(), shape, onp.float64))
        k = onp.zeros(shape, onp.int64)
        with onp.errstate(divide="ignore"):
            logp = nb * onp.log1p(-q)
            ratio = onp.log(q) - onp.log1p(-q)
        cdf = onp.exp(logp)
        active = (u > cdf) & (k < nb) & (q > 0)
        while active.any():
            k = onp.where(active, k + 1, k)
            logp = onp.where(
                active,
                logp + onp.log(onp.maximum(nb - k + 1, 1)) - onp.log(onp.maximum(k, 1)) + ratio,
                logp,
            )
            cdf = onp.where(active, cdf + onp.exp(logp), cdf)
            active = active & (u > cdf) & (k < nb)
        k = onp.where(flip, nb - k, k)
        return _scalar_or_array(
            _core.asarray(k, None, None), size if size is not None or shape else None
        )

    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True):
        np = _np()
        pool = np.arange(a) if isinstance(a, (int, onp.integer)) else _arr(a)
        if pool.ndim == 0:
            raise ValueError("a must be a sequence or an integer, not a 0-d array")
        if p is not None:
            pn = onp.asarray(p, onp.float64)
            if abs(pn.sum() - 1) > 1e-8:
                raise ValueError("probabilities do not sum to 1")
        n = pool.shape[axis]
        count = int(onp.prod(_shape(size)))
        if not replace and count > n:
            raise ValueError("Cannot take a larger sample than population when replace=False")
        r = _jr.choice(
            self._next(), pool, _shape(size), replace, None if p is None else _arr(p), axis
        )
        return r[()] if size is None and r.ndim == 0 else r

    def permutation(self, x, axis=0):
        np = _np()
        pool = np.arange(x) if isinstance(x, (int, onp.integer)) else _arr(x)
        return _jr.permutation(self._next(), pool, axis)

    def shuffle(self, x, axis=0):
        """In place (x must be an arrax array)."""
        if not isinstance(x, _core.ndarray):
            raise TypeError("shuffle: x must be an arrax array (it is shuffled in place)")
        x[...] = self.permutation(x, axis)

    def multivariate_normal(
        self, mean, cov, size=None, check_valid="warn", tol=1e-8, *, method="svd"
    ):
        np = _np()
        mean, cov = _arr(mean).astype(onp.float64), _arr(cov).astype(onp.float64)
        shape = _shape(size) + (mean.shape[0],)
        z = _jr.normal(self._next(), shape, onp.float64)
        if method == "cholesky":
            factor = np.linalg.cholesky(cov)
        else:
            w, v = np.linalg.eigh(cov)
            factor = v * np.sqrt(np.maximum(w, 0))[None, :]
        return mean + z @ factor.T


def default_rng(seed=None):
    """numpy.random.default_rng."""
    return seed if isinstance(seed, Generator) else Generator(seed)


# --- the legacy module functions, on one global Generator ------------------------------------

_global = Generator(0)


def seed(seed=None):
    """numpy.random.seed."""
    global _global
    _global = Generator(seed)


def rand(*shape):
    return _global.random(shape if shape else None)


def randn(*shape):
    return _global.standard_normal(shape if shape else None)


def randint(low, high=None, size=None, dtype=int):
    return _global.integers(low, high, size, dtype)


def random(size=None):
    return _global.random(size)


random_sample = random


def choice(a, size=None, replace=True, p=None):
    return _global.choice(a, size, replace, p)


def shuffle(x):
    _global.shuffle(x)


def permutation(x):
    return _global.permutation(x)


def normal(loc=0.0, scale=1.0, size=None):
    return _global.normal(loc, scale, size)


def uniform(low=0.0, high=1.0, size=None):
    return _global.uniform(low, high, size)


def standard_normal(size=None):
    return _global.standard_normal(size)


def exponential(scale=1.0, size=None):
    return _global.exponential(scale, size)


def gamma(shape, scale=1.0, size=None):
    return _global.gamma(shape, scale, size)


def beta(a, b, size=None):
    return _global.beta(a, b, size)


def poisson(lam=1.0, size=None):
    return _global.poisson(lam, size)


def binomial(n, p, size=None):
    return _global.binomial(n, p, size)


def standard_exponential(size=None):
    return _global.standard_exponential(size)


def standard_gamma(shape, size=None):
    return _global.standard_gamma(shape, size)


def multivariate_normal(mean, cov, size=None, check_valid="warn", tol=1e-8):
    return _global.multivariate_normal(mean, cov, size, check_valid, tol)


sample = ranf = random_sample


def random_integers(low, high=None, size=None):
    """numpy.random.random_integers (deprecated in NumPy): integers in [low, high]."""
    if high is None:
        low, high = 1, low
    return _global.integers(low, high, size, endpoint=True)


def _legacy(name):
    def fn(*args, **kwargs):
        return getattr(_global, name)(*args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = f"numpy.random.{name}, on the module's global generator."
    return fn


for _name in LEGACY:
    globals()[_name] = _legacy(_name)


class RandomState(Generator):
    """numpy.random.RandomState's methods (rand, randn, randint, random_sample, seed, ...)
    on arrax's counter-based generator: the same distributions, not MT19937's streams."""

    def __init__(self, seed=None):
        super().__init__(seed)

    def seed(self, seed=None):
        self.__init__(seed)

    def rand(self, *shape):
        return self.random(shape if shape else None)

    def randn(self, *shape):
        return self.standard_normal(shape if shape else None)

    def randint(self, low, high=None, size=None, dtype=int):
        return self.integers(low, high, size, dtype)

    def random_sample(self, size=None):
        return self.random(size)

    def random_integers(self, low, high=None, size=None):
        if high is None:
            low, high = 1, low
        return self.integers(low, high, size, endpoint=True)

    ranf = sample = random_sample
