"""``arrax.scipy.ndimage`` (``jax.scipy.ndimage``): ``map_coordinates``, sampling an N-d array
at arbitrary (fractional) coordinates by nearest-neighbour or linear interpolation.

The samples are gathers at integer indices weighted by their distances from the coordinates,
so they trace, batch, and differentiate with respect to both the array and the coordinates."""

import itertools

import numpy as onp

import arrax.numpy as jnp
from arrax import lax

__all__ = ["map_coordinates"]


def _mirror(index, size):
    # Reflection about the edge samples: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ...
    if size == 1:
        return jnp.zeros_like(index)
    period = 2 * (size - 1)
    return (size - 1) - jnp.abs(jnp.mod(index, period) - (size - 1))


def _reflect(index, size):
    # Reflection about the edges themselves: ... 1 0 | 0 1 ... n-1 | n-1 n-2 ...
    folded = jnp.mod(index, 2 * size)
    return jnp.where(folded >= size, 2 * size - 1 - folded, folded)


# mode -> the in-range index that stands for index on an axis of this size
_INDEX_MAPS = {
    "constant": lambda index, size: jnp.clip(index, 0, size - 1),
    "nearest": lambda index, size: jnp.clip(index, 0, size - 1),
    "wrap": lambda index, size: jnp.mod(index, size),
    "mirror": _mirror,
    "reflect": _reflect,
}


def _round_half_away(x):
    return x if x.dtype.kind in "iub" else lax.round(x)


def _nodes(coordinate, order):
    """[(index, weight)] of the samples that interpolate at coordinate along one axis."""
    if order == 0:
        return [(_round_half_away(coordinate).astype(onp.int32), None)]
    lower = jnp.floor(coordinate)
    upper_weight = coordinate - lower
    index = lower.astype(onp.int32)
    return [(index, 1 - upper_weight), (index + 1, upper_weight)]


def map_coordinates(input, coordinates, order, mode="constant", cval=0.0):
    """input sampled at ``coordinates`` (scipy.ndimage.map_coordinates): one array of
    positions per axis of input, all of one shape, which is the output's. order 0 takes the
    nearest sample (halves round away from zero), order 1 interpolates linearly. Positions
    outside input read ``cval`` (mode 'constant'), the nearest edge ('nearest'), or input
    extended periodically ('wrap'), mirrored about its edge samples ('mirror') or about its
    edges ('reflect'). Integer input gives rounded integer output."""
    input = jnp.asarray(input)
    if isinstance(coordinates, jnp.ndarray) or onp.ndim(coordinates) > 1:
        coordinates = list(coordinates)  # an array of coordinates: one row per axis
    coords = [jnp.asarray(c) for c in coordinates]
    if len(coords) != input.ndim:
        raise ValueError(
            "map_coordinates: coordinates must be a sequence of length input.ndim, but "
            f"{len(coords)} != {input.ndim}"
        )
    if mode not in _INDEX_MAPS:
        raise NotImplementedError(
            f"map_coordinates: mode {mode!r} is not supported (jax.scipy.ndimage."
            f"map_coordinates does not yet support mode {mode}); supported modes are "
            f"{sorted(_INDEX_MAPS)}"
        )
    if order not in (0, 1):
        raise NotImplementedError(
            "map_coordinates: only order 0 and 1 are supported (jax.scipy.ndimage."
            "map_coordinates currently requires order<=1)"
        )
    if input.size == 0:
        raise ValueError("map_coordinates: input must not be empty")
    coords = [c if c.dtype.kind in "fiu" else c.astype(onp.float64) for c in coords]
    cval = jnp.asarray(cval).astype(input.dtype)
    index_map = _INDEX_MAPS[mode]
    per_axis = []
    for c, size in zip(coords, input.shape):
        nodes = []
        for index, weight in _nodes(c, order):
            valid = (index >= 0) & (index < size) if mode == "constant" else None
            nodes.append((index_map(index, size), valid, weight))
        per_axis.append(nodes)
    total = None
    # One term per corner of the interpolation cell: the sample there times its weight.
    for corner in itertools.product(*per_axis):
        indices, valids, weights = zip(*corner)
        value = input[tuple(indices)]
        valids = [v for v in valids if v is not None]
        if valids:
            all_valid = valids[0]
            for v in valids[1:]:
                all_valid = all_valid & v
            value = jnp.where(all_valid, value, cval)
        if order == 1:
            # The weights' product first, in the coordinates' dtype, as JAX rounds it.
            weight = weights[0]
            for w in weights[1:]:
                weight = weight * w
            if input.dtype.kind in "iub" and weight.dtype.kind == "f":
                value = value.astype(weight.dtype)  # JAX: int times float32 is float32
            value = weight * value
        total = value if total is None else total + value
    if input.dtype.kind in "iub":
        total = _round_half_away(total)
    return total.astype(input.dtype)
