"""The rest of numpy.random.Generator's distributions, composed from the generator's uniform,
normal, exponential, gamma, poisson and binomial samplers (numpy/random.py) by the textbook
transformations NumPy's own samplers use: continuous ones by inversion or ratios, chi-square
and its relatives through gamma, the counting ones through poisson and binomial. The mixin
is one base of Generator."""

import numpy as onp

from arrax import random as _jr
from arrax.numpy._common import _arr, _np

# The legacy module functions that call the global Generator's method of the same name.
LEGACY = [
    "lognormal",
    "laplace",
    "logistic",
    "gumbel",
    "rayleigh",
    "weibull",
    "pareto",
    "power",
    "standard_cauchy",
    "standard_t",
    "chisquare",
    "f",
    "noncentral_chisquare",
    "noncentral_f",
    "geometric",
    "negative_binomial",
    "triangular",
    "wald",
    "dirichlet",
    "multinomial",
    "vonmises",
    "hypergeometric",
    "logseries",
    "zipf",
]


def _check(cond, message):
    if onp.any(cond):
        raise ValueError(message)


class DistributionsMixin:
    """Methods of Generator built on its primitive samplers."""

    def _open_uniform(self, shape):
        """Uniform in the open interval (0, 1): logarithms of it and of 1 - it are finite."""
        return _jr.uniform(self._next(), shape, onp.float64) + 2.0**-54

    def _result(self, x, size, shape):
        from arrax.numpy.random import _scalar_or_array

        return _scalar_or_array(_np().asarray(x), size if size is not None or shape else None)

    def lognormal(self, mean=0.0, sigma=1.0, size=None):
        _check(onp.asarray(sigma) < 0, "sigma < 0")
        return _np().exp(self.normal(mean, sigma, size))

    def laplace(self, loc=0.0, scale=1.0, size=None):
        np = _np()
        _check(onp.asarray(scale) < 0, "scale < 0")
        shape = self._broadcast_size(size, loc, scale)
        u = self._open_uniform(shape)
        z = np.where(u < 0.5, np.log(2 * u), -np.log(2 - 2 * u))
        return self._result(np.asarray(loc) + np.asarray(scale) * z, size, shape)

    def logistic(self, loc=0.0, scale=1.0, size=None):
        np = _np()
        _check(onp.asarray(scale) < 0, "scale < 0")
        shape = self._broadcast_size(size, loc, scale)
        u = self._open_uniform(shape)
        return self._result(np.asarray(loc) + np.asarray(scale) * np.log(u / (1 - u)), size, shape)

    def gumbel(self, loc=0.0, scale=1.0, size=None):
        np = _np()
        _check(onp.asarray(scale) < 0, "scale < 0")
        shape = self._broadcast_size(size, loc, scale)
        u = self._open_uniform(shape)
        return self._result(np.asarray(loc) - np.asarray(scale) * np.log(-np.log(u)), size, shape)

    def rayleigh(self, scale=1.0, size=None):
        np = _np()
        _check(onp.asarray(scale) < 0, "scale < 0")
        shape = self._broadcast_size(size, scale)
        e = _jr.exponential(self._next(), shape, onp.float64)
        return self._result(np.asarray(scale) * np.sqrt(2 * e), size, shape)

    def weibull(self, a, size=None):
        np = _np()
        _check(onp.asarray(a) < 0, "a < 0")
        shape = self._broadcast_size(size, a)
        e = _jr.exponential(self._next(), shape, onp.float64)
        a = np.asarray(a, onp.float64)
        x = np.where(a == 0, 0.0, e ** (1 / np.where(a == 0, 1.0, a)))
        return self._result(x, size, shape)

    def pareto(self, a, size=None):
        np = _np()
        _check(onp.asarray(a) <= 0, "a <= 0")
        shape = self._broadcast_size(size, a)
        e = _jr.exponential(self._next(), shape, onp.float64)
        return self._result(np.expm1(e / np.asarray(a, onp.float64)), size, shape)

    def power(self, a, size=None):
        np = _np()
        _check(onp.asarray(a) <= 0, "a <= 0")
        shape = self._broadcast_size(size, a)
        e = _jr.exponential(self._next(), shape, onp.float64)
        return self._result((-np.expm1(-e)) ** (1 / np.asarray(a, onp.float64)), size, shape)

    def standard_cauchy(self, size=None):
        shape = self._broadcast_size(size)
        n1 = _jr.normal(self._next(), shape, onp.float64)
        n2 = _jr.normal(self._next(), shape, onp.float64)
        return self._result(n1 / n2, size, shape)

    def chisquare(self, df, size=None):
        _check(onp.asarray(df) <= 0, "df <= 0")
        return 2.0 * self.gamma(onp.asarray(df, onp.float64) / 2, 1.0, size)

    def standard_t(self, df, size=None):
        np = _np()
        _check(onp.asarray(df) <= 0, "df <= 0")
        shape = self._broadcast_size(size, df)
        z = _jr.normal(self._next(), shape, onp.float64)
        chi = self.chisquare(df, shape)
        return self._result(z / np.sqrt(chi / np.asarray(df, onp.float64)), size, shape)

    def f(self, dfnum, dfden, size=None):
        _check(onp.asarray(dfnum) <= 0, "dfnum <= 0")
        _check(onp.asarray(dfden) <= 0, "dfden <= 0")
        shape = self._broadcast_size(size, dfnum, dfden)
        num = self.chisquare(dfnum, shape) * onp.asarray(dfden, onp.float64)
        den = self.chisquare(dfden, shape) * onp.asarray(dfnum, onp.float64)
        return self._result(num / den, size, shape)

    def noncentral_chisquare(self, df, nonc, size=None):
        """A chi-square with df + 2 K degrees of freedom, K ~ Poisson(nonc / 2)."""
        _check(onp.asarray(df) <= 0, "df <= 0")
        _check(onp.asarray(nonc) < 0, "nonc < 0")
        shape = self._broadcast_size(size, df, nonc)
        k = onp.asarray(self.poisson(onp.broadcast_to(onp.asarray(nonc, float) / 2, shape)))
        dof = onp.broadcast_to(onp.asarray(df, onp.float64), shape) + 2 * k
        return self._result(2.0 * self.gamma(dof / 2, 1.0, shape), size, shape)

    def noncentral_f(self, dfnum, dfden, nonc, size=None):
        _check(onp.asarray(dfnum) <= 0, "dfnum <= 0")
        _check(onp.asarray(dfden) <= 0, "dfden <= 0")
        _check(onp.asarray(nonc) < 0, "nonc < 0")
        shape = self._broadcast_size(size, dfnum, dfden, nonc)
        num = self.noncentral_chisquare(dfnum, nonc, shape) * onp.asarray(dfden, onp.float64)
        den = self.chisquare(dfden, shape) * onp.asarray(dfnum, onp.float64)
        return self._result(num / den, size, shape)

    def geometric(self, p, size=None):
        """The number of trials up to the first success: ceil(log(U) / log(1 - p))."""
        np = _np()
        pn = onp.asarray(p, onp.float64)
        _check((pn <= 0) | (pn > 1) | onp.isnan(pn), "p <= 0, p > 1 or p contains NaNs")
        shape = self._broadcast_size(size, p)
        u = self._open_uniform(shape)
        pa = np.asarray(pn)
        k = np.where(pa == 1, 1.0, np.ceil(np.log1p(-u) / np.log1p(-np.where(pa == 1, 0.5, pa))))
        return self._result(np.maximum(k, 1).astype(onp.int64), size, shape)

    def negative_binomial(self, n, p, size=None):
        """Failures before the n-th success: Poisson(Gamma(n, (1 - p) / p))."""
        nn, pn = onp.asarray(n, onp.float64), onp.asarray(p, onp.float64)
        _check(nn <= 0, "n <= 0")
        _check((pn <= 0) | (pn > 1) | onp.isnan(pn), "p < 0, p > 1 or p is NaN")
        shape = self._broadcast_size(size, n, p)
        rate = onp.asarray(self.gamma(nn, 1.0, shape)) * onp.broadcast_to((1 - pn) / pn, shape)
        return self.poisson(rate, size if size is not None else (shape or None))

    def triangular(self, left, mode, right, size=None):
        np = _np()
        lo, mo, hi = (onp.asarray(v, onp.float64) for v in (left, mode, right))
        _check(lo > mo, "left > mode")
        _check(mo > hi, "mode > right")
        _check(lo == hi, "left == right")
        shape = self._broadcast_size(size, left, mode, right)
        u = _jr.uniform(self._next(), shape, onp.float64)
        lo, mo, hi = np.asarray(lo), np.asarray(mo), np.asarray(hi)
        base, left_w, right_w = hi - lo, mo - lo, hi - mo
        x = np.where(
            u <= left_w / base,
            lo + np.sqrt(u * base * left_w),
            hi - np.sqrt((1 - u) * base * right_w),
        )
        return self._result(x, size, shape)

    def wald(self, mean, scale, size=None):
        """The inverse Gaussian, by Michael, Schucany and Haas's transformation."""
        np = _np()
        _check(onp.asarray(mean) <= 0, "mean <= 0")
        _check(onp.asarray(scale) <= 0, "scale <= 0")
        shape = self._broadcast_size(size, mean, scale)
        m, s = np.asarray(mean, onp.float64), np.asarray(scale, onp.float64)
        y = _jr.normal(self._next(), shape, onp.float64) ** 2 * m
        x = m + m / (2 * s) * (y - np.sqrt(4 * s * y + y * y))
        u = _jr.uniform(self._next(), shape, onp.float64)
        return self._result(np.where(u <= m / (m + x), x, m * m / x), size, shape)

    def dirichlet(self, alpha, size=None):
        np = _np()
        a = onp.asarray(alpha, onp.float64)
        if a.ndim != 1:
            raise ValueError("alpha must be a one-dimensional array")
        _check((a < 0) | onp.isnan(a), "alpha < 0 or alpha contains NaNs")
        shape = tuple(() if size is None else (size if onp.ndim(size) else (size,))) + a.shape
        g = self.gamma(onp.broadcast_to(a, shape), 1.0, shape)
        return g / np.sum(g, axis=-1, keepdims=True)

    def multinomial(self, n, pvals, size=None):
        """Each count a binomial of the trials left, with the probability renormalized."""
        np = _np()
        p = onp.asarray(pvals, onp.float64)
        if p.ndim != 1:
            raise ValueError("pvals must be a one-dimensional array")
        _check((p < 0) | (p > 1), "pvals < 0, pvals > 1 or pvals contains NaNs")
        if p[:-1].sum() > 1.0 + 1e-12:
            raise ValueError("sum(pvals[:-1]) > 1.0")
        base = tuple(() if size is None else (size if onp.ndim(size) else (size,)))
        left = onp.broadcast_to(onp.asarray(n, onp.int64), base).copy()
        mass = 1.0
        counts = []
        for i, pi in enumerate(p):
            if i == len(p) - 1:
                c = left
            else:
                q = min(max(pi / mass, 0.0), 1.0) if mass > 0 else 0.0
                c = onp.asarray(self.binomial(left, q, base if base else None)).reshape(base)
                mass -= pi
            counts.append(c)
            left = left - c
        return np.asarray(onp.stack(counts, axis=-1).astype(onp.int64))

    # ---- rejection samplers: each round draws for the entries still pending, on the host ----

    def _uniforms(self, n, count=1):
        """`count` NumPy arrays of n uniforms in [0, 1) from this generator's stream."""
        return [onp.asarray(_jr.uniform(self._next(), (n,), onp.float64)) for _ in range(count)]

    def _rejection(self, shape, draw):
        """Fills an array of `shape` by rounds: draw(n) gives n proposals and which to keep."""
        n_total = int(onp.prod(shape)) if shape else 1
        out = onp.empty(n_total)
        pending = onp.arange(n_total)
        while pending.size:
            value, keep = draw(pending)
            out[pending[keep]] = value[keep]
            pending = pending[~keep]
        return out.reshape(shape)

    def vonmises(self, mu, kappa, size=None):
        """The von Mises distribution on [-pi, pi), by Best and Fisher's rejection method (a
        wrapped normal for kappa > 1e6, uniform for kappa < 1e-8, as NumPy)."""
        m, k = onp.asarray(mu, onp.float64), onp.asarray(kappa, onp.float64)
        _check(k < 0, "kappa < 0")
        shape = self._broadcast_size(size, mu, kappa)
        mb, kb = (onp.broadcast_to(v, shape).ravel() for v in (m, k))
        kk = onp.maximum(kb, 1e-8)
        tau = 1 + onp.sqrt(1 + 4 * kk * kk)
        rho = (tau - onp.sqrt(2 * tau)) / (2 * kk)
        r = (1 + rho * rho) / (2 * rho)

        def draw(idx):
            u1, u2, u3 = self._uniforms(idx.size, 3)
            z = onp.cos(onp.pi * u1)
            f = (1 + r[idx] * z) / (r[idx] + z)
            c = kk[idx] * (r[idx] - f)
            with onp.errstate(divide="ignore", invalid="ignore"):
                keep = (c * (2 - c) - u2 > 0) | (onp.log(c / u2) + 1 - c >= 0)
            theta = onp.where(u3 < 0.5, -1.0, 1.0) * onp.arccos(onp.clip(f, -1, 1))
            small = kb[idx] < 1e-8
            theta = onp.where(small, onp.pi * (2 * u1 - 1), theta)
            return theta, keep | small | (kb[idx] > 1e6)  # the large ones are set below

        theta = self._rejection((mb.size,), draw)
        large = kb > 1e6
        if large.any():
            g = onp.asarray(_jr.normal(self._next(), (int(large.sum()),), onp.float64))
            theta[large] = g / onp.sqrt(kb[large])
        x = onp.mod(mb + theta + onp.pi, 2 * onp.pi) - onp.pi
        return self._result(x.reshape(shape), size, shape)

    def hypergeometric(self, ngood, nbad, nsample, size=None):
        """Good items among nsample drawn without replacement, by drawing them one at a time
        (the fewer of nsample and total - nsample, the rest by symmetry)."""
        g, b, n = (onp.asarray(v, onp.int64) for v in (ngood, nbad, nsample))
        _check(g < 0, "ngood < 0")
        _check(b < 0, "nbad < 0")
        _check(n < 0, "nsample < 0")
        _check(n > g + b, "ngood + nbad < nsample")
        shape = self._broadcast_size(size, ngood, nbad, nsample)
        g, b, n = (onp.broadcast_to(v, shape).ravel() for v in (g, b, n))
        total = g + b
        flip = n > total // 2
        draws = onp.where(flip, total - n, n)
        good_left, left = g.astype(onp.float64), total.astype(onp.float64)
        got = onp.zeros(g.size, onp.int64)
        for step in range(int(draws.max()) if draws.size else 0):
            active = draws > step
            (u,) = self._uniforms(g.size)
            hit = active & (u * left < good_left)
            got += hit
            good_left -= hit
            left -= active
        got = onp.where(flip, g - got, got)
        return self._result(got.reshape(shape).astype(onp.int64), size, shape)

    def logseries(self, p, size=None):
        """The logarithmic series distribution, by Kemp's method (as NumPy)."""
        pn = onp.asarray(p, onp.float64)
        _check((pn < 0) | (pn >= 1) | onp.isnan(pn), "p < 0, p >= 1 or p is NaN")
        shape = self._broadcast_size(size, p)
        pb = onp.broadcast_to(pn, shape).ravel()
        r = onp.log1p(-pb)

        def draw(idx):
            v, u = self._uniforms(idx.size, 2)
            q = -onp.expm1(r[idx] * u)
            with onp.errstate(divide="ignore", invalid="ignore"):
                k = onp.floor(1 + onp.log(v) / onp.log(q))
            out = onp.where(
                v >= pb[idx], 1.0, onp.where(v <= q * q, k, onp.where(v >= q, 1.0, 2.0))
            )
            keep = (v >= pb[idx]) | (v > q * q) | ((k >= 1) & (v > 0))
            return out, keep

        x = self._rejection((pb.size,), draw)
        return self._result(x.reshape(shape).astype(onp.int64), size, shape)

    def zipf(self, a, size=None):
        """The Zipf distribution for a > 1, by NumPy's rejection method."""
        an = onp.asarray(a, onp.float64)
        _check((an <= 1) | onp.isnan(an), "a <= 1 or a is NaN")
        shape = self._broadcast_size(size, a)
        ab = onp.broadcast_to(an, shape).ravel()
        am1 = ab - 1
        b = 2.0**am1

        def draw(idx):
            u, v = self._uniforms(idx.size, 2)
            x = onp.floor((1 - u) ** (-1 / am1[idx]))
            ok = (x >= 1) & (x < 2.0**62)
            xs = onp.where(ok, x, 1.0)
            t = (1 + 1 / xs) ** am1[idx]
            keep = ok & (v * xs * (t - 1) / (b[idx] - 1) <= t / b[idx])
            return xs, keep

        x = self._rejection((ab.size,), draw)
        return self._result(x.reshape(shape).astype(onp.int64), size, shape)

    def permuted(self, x, *, axis=None, out=None):
        """Each slice along axis shuffled independently (all elements when axis is None)."""
        np = _np()
        a = _arr(x)
        if axis is None:
            return self.permutation(a.reshape(-1)).reshape(a.shape)
        keys = _jr.uniform(self._next(), a.shape, onp.float64)
        return np.take_along_axis(a, np.argsort(keys, axis=axis), axis=axis)

    def bytes(self, length):
        return onp.asarray(self.integers(0, 256, int(length), onp.uint8)).tobytes()

    def spawn(self, n_children):
        from arrax.numpy.random import Generator

        return [Generator(self) for _ in range(int(n_children))]
