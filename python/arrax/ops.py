"""``arrax.ops``: segment reductions (``jax.ops.segment_sum`` and friends).

``segment_sum(data, segment_ids, num_segments)`` adds ``data[i]`` into row ``segment_ids[i]`` of
a ``(num_segments,) + data.shape[1:]`` result, as graph and sparse code does. Ids outside
``[0, num_segments)`` (negative ones too) are dropped, as JAX's default mode does; a segment no
id names holds the reduction's identity (0, 1, -inf/the dtype's minimum, +inf/its maximum).
They are ``.at[...]`` scatters, so they trace, differentiate and batch."""

import numpy as onp

import arrax.numpy as jnp

__all__ = ["segment_sum", "segment_prod", "segment_max", "segment_min"]


def _identity(kind, dtype):
    if kind in ("add", "sum"):
        return 0
    if kind == "mul":
        return 1
    biggest = kind == "min"
    if dtype == onp.bool_:
        return biggest
    if dtype.kind in "iu":
        info = onp.iinfo(dtype)
        return info.max if biggest else info.min
    return onp.inf if biggest else -onp.inf


def _segment_reduce(
    name, kind, data, segment_ids, num_segments, indices_are_sorted, unique_indices, mode
):
    data = jnp.asarray(data)
    segment_ids = jnp.asarray(segment_ids)
    if segment_ids.dtype.kind not in "iu":
        raise TypeError(f"{name}: segment_ids must be integers, got {segment_ids.dtype}")
    if data.ndim == 0 or segment_ids.shape != data.shape[:1]:
        raise ValueError(
            f"{name}: segment_ids of shape {segment_ids.shape} must give one id per row of "
            f"data (shape {data.shape})"
        )
    if num_segments is None:
        # Like JAX, the result's size then comes from the ids' values (not under jit).
        num_segments = int(jnp.max(segment_ids)) + 1 if segment_ids.size else 0
    num_segments = int(num_segments)
    if num_segments < 0:
        raise ValueError(f"{name}: num_segments must be non-negative, got {num_segments}")
    mode = str(getattr(mode, "name", mode) or "drop").lower()
    if mode in ("fill_or_drop", "fill", "drop", "promise_in_bounds"):
        # .at's drop mode wraps negative ids as NumPy indices do; JAX drops them here.
        segment_ids = jnp.where(segment_ids < 0, num_segments, segment_ids)
        mode = "drop"
    elif mode != "clip":
        raise ValueError(f"{name}: unknown mode {mode!r}")
    out = jnp.full((num_segments,) + data.shape[1:], _identity(kind, data.dtype), data.dtype)
    update = getattr(out.at[segment_ids], kind)
    return update(
        data, mode=mode, indices_are_sorted=indices_are_sorted, unique_indices=unique_indices
    )


def _segment_function(name, kind, what):
    def segment_reduce(data, segment_ids, num_segments=None, indices_are_sorted=False,
                       unique_indices=False, bucket_size=None, mode=None):  # fmt: skip
        return _segment_reduce(name, kind, data, segment_ids, num_segments,
                               indices_are_sorted, unique_indices, mode)  # fmt: skip

    segment_reduce.__name__ = segment_reduce.__qualname__ = name
    segment_reduce.__doc__ = (
        f"{what} of the rows of data that share a segment id (``bucket_size`` only tunes "
        "JAX's speed and does not change the result)."
    )
    return segment_reduce


segment_sum = _segment_function("segment_sum", "add", "Sums")
segment_prod = _segment_function("segment_prod", "mul", "Products")
segment_max = _segment_function("segment_max", "max", "Maxima")
segment_min = _segment_function("segment_min", "min", "Minima")
