"""jax.scipy.stats.gaussian_kde for arrax: a Gaussian kernel density estimate, a pytree
class with SciPy's methods (evaluate/pdf/__call__, logpdf, integrate_gaussian,
integrate_box_1d, integrate_kde, resample). Re-exported by stats_extra."""

import math

import arrax
import arrax.numpy as np
from arrax.scipy import special

_LOG_2PI = math.log(2 * math.pi)


@arrax.tree_util.register_pytree_node_class
class gaussian_kde:
    """A Gaussian kernel density estimate of (weighted) data, as scipy.stats.gaussian_kde:
    dataset is (d, n) (or (n,) for one dimension); bw_method is 'scott' (default),
    'silverman', a scalar factor or a callable of the kde. A pytree, so it passes through
    jit and vmap; the bandwidth is fixed at construction (set_bandwidth is unsupported)."""

    def __init__(self, dataset, bw_method=None, weights=None):
        dataset = np.atleast_2d(special._float(dataset))
        if dataset.dtype.kind == "c":
            raise NotImplementedError("gaussian_kde does not support complex data")
        if not dataset.size > 1:
            raise ValueError("`dataset` input should have multiple elements.")
        d, n = dataset.shape
        if weights is None:
            weights = np.full(n, 1.0 / n, dtype=dataset.dtype)
        else:
            weights = np.atleast_1d(special._float(weights))
            dt = np.result_type(dataset, weights)
            dataset, weights = dataset.astype(dt), weights.astype(dt)
            if weights.ndim != 1:
                raise ValueError("`weights` input should be one-dimensional.")
            if weights.shape[0] != n:
                raise ValueError("`weights` input should be of length n")
            weights = weights / np.sum(weights)
        self.dataset, self.weights = dataset, weights
        self.neff = 1 / np.sum(weights**2)
        if bw_method is None or bw_method == "scott":
            factor = self.neff ** (-1.0 / (d + 4))
        elif bw_method == "silverman":
            factor = (self.neff * (d + 2) / 4.0) ** (-1.0 / (d + 4))
        elif callable(bw_method):
            factor = bw_method(self)
        elif np.ndim(bw_method) == 0 and not isinstance(bw_method, str):
            factor = bw_method
        else:
            raise ValueError("`bw_method` should be 'scott', 'silverman', a scalar, or a callable.")
        # (in the data's precision, as JAX: NumPy's cov computes weighted covariances in float64)
        data_cov = np.cov(dataset, rowvar=True, bias=False, aweights=weights)
        data_cov = np.atleast_2d(data_cov.astype(dataset.dtype))
        self.covariance = data_cov * factor**2
        self.inv_cov = np.linalg.inv(data_cov) / factor**2

    def tree_flatten(self):
        return (self.neff, self.dataset, self.weights, self.covariance, self.inv_cov), None

    @classmethod
    def tree_unflatten(cls, aux_data, children):
        kde = cls.__new__(cls)
        kde.neff, kde.dataset, kde.weights, kde.covariance, kde.inv_cov = children
        return kde

    @property
    def d(self):
        return self.dataset.shape[0]

    @property
    def n(self):
        return self.dataset.shape[1]

    def _reshape_points(self, points):
        points = np.atleast_2d(special._float(points))
        if points.dtype.kind == "c":
            raise NotImplementedError("gaussian_kde does not support complex coordinates")
        d, m = points.shape
        if d != self.d:
            if d == 1 and m == self.d:
                return np.reshape(points, (self.d, 1))
            raise ValueError(f"points have dimension {d}, dataset has dimension {self.d}")
        return points

    def _log_kernels(self, points):
        """(m, n): log of each data point's weighted kernel at each of the m points."""
        points = self._reshape_points(points)
        white = np.linalg.cholesky(self.inv_cov)  # inv_cov = W W^T: whitening by W
        data = self.dataset.T @ white
        x = points.T.astype(data.dtype) @ white
        sq = np.sum((x[:, None, :] - data[None, :, :]) ** 2, axis=-1)
        log_norm = np.sum(np.log(np.diagonal(white))) - 0.5 * self.d * _LOG_2PI
        return np.log(self.weights)[None, :] + log_norm - 0.5 * sq

    def evaluate(self, points):
        """The estimated density at points ((d, m), or (m,) when d == 1)."""
        return np.sum(np.exp(self._log_kernels(points)), axis=1)

    __call__ = evaluate
    pdf = evaluate

    def logpdf(self, x):
        return special.logsumexp(self._log_kernels(x), axis=1)

    def _convolve(self, chol, target, weights, mean):
        diff = target - mean[:, None]
        alpha = self._cho_solve(chol, diff)
        norm = (2 * math.pi) ** (-0.5 * self.d) / np.prod(np.diagonal(chol[0]))
        return norm * np.sum(np.exp(-0.5 * np.sum(diff * alpha, axis=0)) * weights)

    @staticmethod
    def _cho_solve(chol, b):
        from arrax.scipy import linalg

        return linalg.cho_solve(chol, b)

    @staticmethod
    def _cho_factor(a):
        from arrax.scipy import linalg

        return linalg.cho_factor(a)

    def integrate_gaussian(self, mean, cov):
        """The integral of the estimate times the Gaussian density N(mean, cov)."""
        mean = np.atleast_1d(np.squeeze(special._float(mean)))
        cov = np.atleast_2d(special._float(cov))
        if mean.shape != (self.d,):
            raise ValueError(f"mean does not have dimension {self.d}")
        if cov.shape != (self.d, self.d):
            raise ValueError(f"covariance does not have dimension {self.d}")
        chol = self._cho_factor(self.covariance + cov)
        return self._convolve(chol, self.dataset, self.weights, mean)

    def integrate_box_1d(self, low, high):
        """The estimate's mass on [low, high] (one-dimensional data, scalar limits)."""
        if self.d != 1:
            raise ValueError("integrate_box_1d() only handles 1D pdfs")
        if np.ndim(low) != 0 or np.ndim(high) != 0:
            raise ValueError("the limits of integration in integrate_box_1d must be scalars")
        sigma = np.sqrt(self.covariance[0, 0])
        lo = (low - self.dataset[0]) / sigma
        hi = (high - self.dataset[0]) / sigma
        return np.sum(self.weights * (special.ndtr(hi) - special.ndtr(lo)))

    def integrate_kde(self, other):
        """The integral of the product of this estimate and another."""
        if other.d != self.d:
            raise ValueError("KDEs are not the same dimensionality")
        chol = self._cho_factor(self.covariance + other.covariance)
        small, large = (self, other) if self.n < other.n else (other, self)
        each = arrax.vmap(
            lambda m: self._convolve(chol, large.dataset, large.weights, m), in_axes=1
        )(small.dataset)
        return np.sum(each * small.weights)

    def resample(self, key, shape=()):
        """Draws from the estimate: (d, *shape) points."""
        ind_key, eps_key = arrax.random.split(key)
        ind = arrax.random.choice(ind_key, self.n, shape=shape, p=self.weights)
        eps = arrax.random.multivariate_normal(
            eps_key, np.zeros(self.d, self.covariance.dtype), self.covariance, shape=shape,
            dtype=self.dataset.dtype,
        )  # fmt: skip
        return self.dataset[:, ind] + np.moveaxis(eps, -1, 0)

    def integrate_box(self, low_bounds, high_bounds, maxpts=None):
        raise NotImplementedError("only 1D box integrations are supported; use integrate_box_1d")

    def set_bandwidth(self, bw_method=None):
        raise NotImplementedError("dynamically changing the bandwidth method is not supported")
