"""``arrax.scipy.interpolate`` (``jax.scipy.interpolate``): ``RegularGridInterpolator``,
linear or nearest-neighbour interpolation of values on a rectilinear grid.

Locating a point is a ``searchsorted`` on each axis's grid and interpolating is a weighted sum
of gathered corner values, so evaluation traces, batches and differentiates (with respect to
the values and the points). The interpolator is a pytree: grid, values and fill value are its
leaves, so it can be passed through ``jit`` and ``vmap``."""

import itertools

import numpy as onp

import arrax.numpy as jnp
from arrax import tree_util
from arrax.numpy._dtypes import _jax_inexact_dtype

__all__ = ["RegularGridInterpolator"]

_METHODS = ("linear", "nearest")


def _points_array(xi, ndim):
    """The sample points as one array (..., ndim): from a tuple of coordinate arrays (each
    point's coordinates spread over them) or an array whose last axis holds them."""
    if isinstance(xi, tuple) and len(xi) == 1:
        xi = xi[0]
    if isinstance(xi, tuple):
        parts = jnp.broadcast_arrays(*[jnp.asarray(p) for p in xi])
        # JAX fills a default-float array with the coordinates.
        return jnp.stack([p.astype(onp.float64) for p in parts], axis=-1)
    xi = jnp.asarray(xi)
    if xi.ndim == 1:
        xi = xi.reshape(-1, ndim)
    return xi


class RegularGridInterpolator:
    """Interpolation on a regular (rectilinear) grid, as scipy.interpolate's: ``points`` holds
    each axis's strictly increasing grid coordinates, ``values`` the data on the grid (axes
    beyond the grid's are carried along). Calling it with points (..., ndim) interpolates
    there, ``method`` 'linear' or 'nearest'. Points outside the grid get ``fill_value`` (NaN by
    default), or are extrapolated when fill_value is None; bounds_error=True is not supported,
    since the check would need the points' values."""

    def __init__(self, points, values, method="linear", bounds_error=False, fill_value=onp.nan):
        if method not in _METHODS:
            raise ValueError(f"RegularGridInterpolator: method {method!r} is not defined")
        self.method = method
        self.bounds_error = bounds_error
        if bounds_error:
            raise NotImplementedError(
                "RegularGridInterpolator: `bounds_error` takes no effect under JIT"
            )
        values = jnp.asarray(values)
        if len(points) > values.ndim:
            raise ValueError(
                f"RegularGridInterpolator: there are {len(points)} point arrays, but values has "
                f"{values.ndim} dimensions"
            )
        if not jnp.issubdtype(values.dtype, jnp.inexact):
            # (bfloat16, whose dtype kind is 'V', is inexact and stays as it is.)
            values = values.astype(_jax_inexact_dtype(values.dtype))
        # A Python scalar fill value is weakly typed in JAX: it takes the result's dtype. Any
        # other (a NumPy scalar, an array) promotes with it.
        self._weak_fill = type(fill_value) in (bool, int, float, complex)
        if fill_value is not None:
            fill_value = jnp.asarray(fill_value)
            if not onp.can_cast(fill_value.dtype, values.dtype, casting="same_kind"):
                raise ValueError(
                    "RegularGridInterpolator: fill_value must be either 'None' or of a type "
                    "compatible with values"
                )
        self.fill_value = fill_value
        self.grid = tuple(jnp.asarray(p) for p in points)
        self.values = values

    def __call__(self, xi, method=None):
        method = self.method if method is None else method
        if method not in _METHODS:
            raise ValueError(f"RegularGridInterpolator: method {method!r} is not defined")
        ndim = len(self.grid)
        xi = _points_array(xi, ndim)
        if xi.shape[-1] != ndim:
            raise ValueError(
                f"RegularGridInterpolator: the requested sample points xi have dimension "
                f"{xi.shape[-1]}, but this RegularGridInterpolator has dimension {ndim}"
            )
        lead = xi.shape[:-1]
        xi = xi.reshape(-1, ndim)
        indices, distances, outside = self._locate(xi)
        if method == "linear":
            result = self._linear(indices, distances)
        else:
            result = self._nearest(indices, distances)
        if self.fill_value is not None:
            mask = outside.reshape(outside.shape + (1,) * (result.ndim - 1))
            fill = self.fill_value
            if self._weak_fill:
                # A Python scalar fill (NaN by default) takes the result's dtype.
                fill = fill.astype(result.dtype)
            result = jnp.where(mask, fill, result)
        return result.reshape(lead + self.values.shape[ndim:])

    def _locate(self, xi):
        """Per axis, the index of each point's cell's lower corner (clamped to the grid's
        first/last cell, so that outside points extrapolate) and its fractional position
        in the cell; and which points lie outside the grid."""
        indices, distances = [], []
        outside = jnp.zeros((xi.shape[0],), dtype=bool)
        for d, g in enumerate(self.grid):
            x = xi[:, d]
            i = jnp.clip(jnp.searchsorted(g, x) - 1, 0, g.size - 2)
            indices.append(i)
            distances.append((x - g[i]) / (g[i + 1] - g[i]))
            outside = outside | (x < g[0]) | (x > g[-1])
        return indices, distances, outside

    def _linear(self, indices, distances):
        trailing = (slice(None),) + (None,) * (self.values.ndim - len(indices))
        # Sum over the cell's 2^ndim corners of value times the product of the 1-D weights.
        total = None
        for corner in itertools.product((0, 1), repeat=len(indices)):
            weight = None
            for upper, t in zip(corner, distances):
                w = t if upper else 1 - t
                weight = w if weight is None else weight * w
            index = tuple(i + upper for i, upper in zip(indices, corner))
            term = self.values[index] * weight[trailing]
            total = term if total is None else total + term
        return total

    def _nearest(self, indices, distances):
        index = tuple(jnp.where(t <= 0.5, i, i + 1) for i, t in zip(indices, distances))
        return self.values[index]


def _unflatten(aux, leaves):
    # Rebuilt without __init__: transformations unflatten with tracers or placeholders, which
    # need no checking again.
    r = object.__new__(RegularGridInterpolator)
    r.method, r.bounds_error, r._weak_fill = aux
    r.grid, r.values, r.fill_value = leaves
    return r


tree_util.register_pytree_node(
    RegularGridInterpolator,
    lambda r: ((r.grid, r.values, r.fill_value), (r.method, r.bounds_error, r._weak_fill)),
    _unflatten,
)
