"""lax.ragged_dot: one matrix product per group of consecutive rows (mixture-of-experts layers),
and lax.ragged_dot_general with its RaggedDotDimensionNumbers (JAX's three modes)."""

import dataclasses

import numpy as _onp

__all__ = ["RaggedDotDimensionNumbers", "ragged_dot", "ragged_dot_general"]


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


@dataclasses.dataclass(frozen=True)
class RaggedDotDimensionNumbers:
    """Like ``jax.lax.RaggedDotDimensionNumbers``: ``dot_dimension_numbers`` (dot_general's
    ``((lhs_contracting, rhs_contracting), (lhs_batch, rhs_batch))``), the lhs ragged dimension
    (``lhs_ragged_dimensions``, one) and the rhs group dimension (``rhs_group_dimensions``, at
    most one)."""

    dot_dimension_numbers: tuple
    lhs_ragged_dimensions: tuple
    rhs_group_dimensions: tuple

    def __init__(self, dot_dimension_numbers, lhs_ragged_dimensions, rhs_group_dimensions):
        dn = tuple(tuple(tuple(int(d) for d in dims) for dims in t) for t in dot_dimension_numbers)
        object.__setattr__(self, "dot_dimension_numbers", dn)
        object.__setattr__(
            self, "lhs_ragged_dimensions", tuple(int(d) for d in lhs_ragged_dimensions)
        )
        object.__setattr__(
            self, "rhs_group_dimensions", tuple(int(d) for d in rhs_group_dimensions)
        )


def _group_mask(group_sizes, lhs_shape, ragged_dim, lead_dims, dtype):
    """[g, *lhs_shape-broadcastable] mask: 1 where the index along lhs's ragged_dim lies in
    group j (consecutive groups of group_sizes[..., j] items; group_sizes' leading axes run
    along lhs dims lead_dims)."""
    from arrax import lax
    from arrax import numpy as anp

    ends = anp.cumsum(group_sizes, axis=-1)
    starts = ends - group_sizes
    g = group_sizes.shape[-1]
    order = sorted(range(len(lead_dims)), key=lambda i: lead_dims[i])
    perm = [group_sizes.ndim - 1] + order
    shape = [g] + [lhs_shape[d] if d in lead_dims else 1 for d in range(len(lhs_shape))]
    starts = anp.reshape(anp.transpose(starts, perm), shape)
    ends = anp.reshape(anp.transpose(ends, perm), shape)
    pos_shape = [1] * (len(lhs_shape) + 1)
    pos_shape[ragged_dim + 1] = lhs_shape[ragged_dim]
    pos = lax.broadcasted_iota(ends.dtype, tuple(pos_shape), ragged_dim + 1)
    return ((pos >= starts) & (pos < ends)).astype(dtype)


def ragged_dot_general(
    lhs,
    rhs,
    group_sizes,
    ragged_dot_dimension_numbers,
    precision=None,
    preferred_element_type=None,
    group_offset=None,
    out_sharding=None,
):
    """Like ``jax.lax.ragged_dot_general``: a dot_general whose lhs ragged dimension is split into
    consecutive groups of ``group_sizes`` items. The ragged dimension is (1) a non-contracting
    lhs dimension: each group is multiplied by its own slice of rhs's group dimension; (2) a
    contracting dimension: one product per group, stacked on a new leading axis; (3) a batch
    dimension: dot_general's result, zero past the groups. ``group_sizes`` is ``[g]`` or has
    leading axes along the dimensions JAX documents (batch, then the lhs dimensions outer to the
    ragged one of its kind). Composed of masks and dot_general, so jit, grad and vmap apply."""
    from arrax import lax
    from arrax import numpy as anp

    name = "ragged_dot_general"
    if group_offset is not None:
        raise NotImplementedError(f"{name}: group_offset is not supported (nor in JAX)")
    if not isinstance(ragged_dot_dimension_numbers, RaggedDotDimensionNumbers):
        raise TypeError(
            f"{name}: ragged_dot_dimension_numbers must be a RaggedDotDimensionNumbers, got "
            f"{type(ragged_dot_dimension_numbers).__name__}"
        )
    lhs, rhs, group_sizes = anp.asarray(lhs), anp.asarray(rhs), anp.asarray(group_sizes)
    rdn = ragged_dot_dimension_numbers
    (lc, rc), (lb, rb) = rdn.dot_dimension_numbers
    norm = lambda d, n: d + n if d < 0 else d  # noqa: E731
    lc, lb = [norm(d, lhs.ndim) for d in lc], [norm(d, lhs.ndim) for d in lb]
    rc, rb = [norm(d, rhs.ndim) for d in rc], [norm(d, rhs.ndim) for d in rb]
    if len(rdn.lhs_ragged_dimensions) != 1:
        raise TypeError(f"{name}: ragged_dot_general expects exactly one lhs ragged dimension.")
    r = norm(rdn.lhs_ragged_dimensions[0], lhs.ndim)
    if not 0 <= r < lhs.ndim:
        raise TypeError(
            f"{name}: lhs ragged dimension {r} is out of range for lhs of rank {lhs.ndim}"
        )
    if len(rdn.rhs_group_dimensions) > 1:
        raise TypeError(f"{name}: ragged_dot_general expects at most one rhs group dimension.")
    if not anp.issubdtype(group_sizes.dtype, anp.integer):
        raise TypeError(f"{name}: group_sizes must be integers, got {group_sizes.dtype}")
    if group_sizes.ndim < 1:
        raise TypeError(f"{name}: expected group_sizes to have rank at least 1, got 0")
    out_dtype = (
        _onp.dtype(preferred_element_type)
        if preferred_element_type is not None
        else anp.result_type(lhs.dtype, rhs.dtype)
    )
    lhs, rhs = lhs.astype(out_dtype), rhs.astype(out_dtype)
    g = group_sizes.shape[-1]
    lhs_free = [d for d in range(lhs.ndim) if d not in lc and d not in lb]
    if r in lb:
        mode, lead = 3, [d for d in lb if d < r]
    elif r in lc:
        mode, lead = 2, list(lb) + [d for d in lc if d < r]
    else:
        mode, lead = 1, list(lb) + [d for d in lhs_free if d < r]
    if mode == 1:
        if not rdn.rhs_group_dimensions:
            raise TypeError(
                f"{name}: expected one rhs group dimension when the lhs ragged dimension is a "
                "non-contracting dimension"
            )
        gd = norm(rdn.rhs_group_dimensions[0], rhs.ndim)
        if rhs.shape[gd] != g:
            raise TypeError(
                f"{name}: expected rhs group dimension size to be {g}, got {rhs.shape[gd]}."
            )
    elif rdn.rhs_group_dimensions:
        raise TypeError(
            f"{name}: rhs group dimensions are only allowed when the lhs ragged dimension is a "
            "non-contracting dimension"
        )
    if group_sizes.ndim > 1:
        lead_shape = tuple(lhs.shape[d] for d in lead)
        if group_sizes.ndim - 1 != len(lead) or tuple(group_sizes.shape[:-1]) != lead_shape:
            raise TypeError(
                f"{name}: expected group_sizes of shape {lead_shape + (g,)} or ({g},), got "
                f"{tuple(group_sizes.shape)}"
            )
    else:
        lead = []
    if mode == 3:
        # a ragged batch dimension changes nothing: JAX gives dot_general's result
        return lax.dot_general(
            lhs, rhs, ((tuple(lc), tuple(rc)), (tuple(lb), tuple(rb))),
            precision=precision, preferred_element_type=out_dtype,
        )  # fmt: skip
    mask = _group_mask(group_sizes, lhs.shape, r, lead, out_dtype)  # [g, *lhs]
    masked = lhs[None] * mask
    up = lambda ds: tuple(d + 1 for d in ds)  # noqa: E731
    if mode == 1:
        # the group axis joins the batch dims, paired with rhs's group dim; summed after
        out = lax.dot_general(
            masked, rhs, ((up(lc), tuple(rc)), ((0,) + up(lb), (gd,) + tuple(rb))),
            precision=precision, preferred_element_type=out_dtype,
        )  # fmt: skip
        return anp.sum(out, axis=0).astype(out_dtype)
    # a contracting ragged dimension: the group axis stays free and leads the result
    out = lax.dot_general(
        masked,
        rhs,
        ((up(lc), tuple(rc)), (up(lb), tuple(rb))),
        precision=precision,
        preferred_element_type=out_dtype,
    )  # fmt: skip  ([b..., g, m..., n...])
    return anp.moveaxis(out, len(lb), 0)
