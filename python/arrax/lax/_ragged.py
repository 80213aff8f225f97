"""lax.ragged_dot: one matrix product per group of consecutive rows (mixture-of-experts layers)."""

import numpy as _onp

__all__ = ["ragged_dot"]


def ragged_dot(
    lhs,
    rhs,
    group_sizes,
    precision=None,
    preferred_element_type=None,
    group_offset=None,
    out_sharding=None,
):
    """Like ``jax.lax.ragged_dot``: lhs ``[m, k]`` split into consecutive row groups of
    ``group_sizes[i]`` rows, each multiplied by ``rhs[i]`` (``rhs``: ``[g, k, n]``); rows past
    the groups give zeros. Composed of arrax ops (a row-to-group mask contracted with every
    group's product), so jit, grad and vmap go through it."""
    from arrax import lax
    from arrax import numpy as anp

    if group_offset is not None:
        raise NotImplementedError("ragged_dot: group_offset is not supported (nor in JAX)")
    lhs, rhs, group_sizes = anp.asarray(lhs), anp.asarray(rhs), anp.asarray(group_sizes)
    if lhs.ndim != 2 or rhs.ndim != 3:
        raise TypeError(
            f"ragged_dot: expected lhs of rank 2 and rhs of rank 3, got shapes {lhs.shape} and "
            f"{rhs.shape}"
        )
    if lhs.shape[1] != rhs.shape[1]:
        raise TypeError(
            "ragged_dot: dot_general requires contracting dimensions to have the same shape, "
            f"got ({lhs.shape[1]},) and ({rhs.shape[1]},)."
        )
    if group_sizes.ndim != 1 or group_sizes.shape[0] != rhs.shape[0]:
        raise TypeError(
            f"ragged_dot: expected rhs group dimension size to be {group_sizes.shape[-1:]}, got "
            f"{rhs.shape[0]}." if group_sizes.ndim == 1 else
            f"ragged_dot: group_sizes must be 1-dimensional, got shape {group_sizes.shape}"
        )  # fmt: skip
    if not anp.issubdtype(group_sizes.dtype, anp.integer):
        raise TypeError(f"ragged_dot: group_sizes must be integers, got {group_sizes.dtype}")
    out_dtype = (
        _onp.dtype(preferred_element_type)
        if preferred_element_type is not None
        else anp.result_type(lhs.dtype, rhs.dtype)
    )
    ends = anp.cumsum(group_sizes)
    starts = ends - group_sizes
    rows = lax.broadcasted_iota(ends.dtype, (lhs.shape[0], 1), 0)
    mask = (rows >= starts[None, :]) & (rows < ends[None, :])  # [m, g]: row i in group j
    per_group = lax.dot_general(
        lhs.astype(out_dtype),
        rhs.astype(out_dtype),
        (((1,), (1,)), ((), ())),
        precision=precision,
    )  # fmt: skip  ([m, g, n]: every row times every group's matrix)
    return anp.einsum("mgn,mg->mn", per_group, mask.astype(out_dtype))
