"""jax.lax's convolutions and windowed reductions over arrax's primitives.

conv_general_dilated lays its operands out as the `conv` primitive takes them (NCHW input,
OIHW kernel; 1-D convolutions over a height of 1), applies an input (lhs) dilation as
interior padding and negative padding as a slice, and lays the result out as asked.
reduce_window combines the strided slices of the padded operand, one per window position,
with the given computation (so any elementwise monoid works, and it differentiates and
batches through the slices)."""

import itertools
from typing import NamedTuple

import numpy as _onp

from arrax.lax._ops import _check_same_dtypes, as_operand, asarray, bind1, pad, slice, transpose

__all__ = [
    "ConvDimensionNumbers",
    "conv_dimension_numbers",
    "conv_general_dilated",
    "conv",
    "conv_with_general_padding",
    "conv_transpose",
    "reduce_window",
    "padtype_to_pads",
]


class ConvDimensionNumbers(NamedTuple):
    """For each operand, its (batch or out-feature, feature or in-feature, spatial...) dims."""

    lhs_spec: tuple
    rhs_spec: tuple
    out_spec: tuple


def conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers):
    """ConvDimensionNumbers from None (NC..., OI..., NC...), layout strings or specs."""
    nd = len(lhs_shape)
    if len(rhs_shape) != nd:
        raise TypeError(f"conv: operands of ranks {nd} and {len(rhs_shape)}")
    if dimension_numbers is None:
        iota = tuple(range(nd))
        return ConvDimensionNumbers(iota, iota, iota)
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return dimension_numbers
    lhs, rhs, out = dimension_numbers
    if isinstance(lhs, str):
        # (the spatial dims of lhs and out in the order of their letters in rhs, as JAX's)
        from arrax.lax._conv_extras import conv_general_permutations

        for spec in (lhs, rhs, out):
            if len(spec) != nd:
                raise ValueError(f"conv: layout {spec!r} does not have {nd} dims")
        return ConvDimensionNumbers(*conv_general_permutations((lhs, rhs, out)))
    return ConvDimensionNumbers(tuple(lhs), tuple(rhs), tuple(out))


def padtype_to_pads(in_shape, window_shape, window_strides, padding):
    """'SAME', 'SAME_LOWER' or 'VALID' as (low, high) pairs per spatial dim."""
    p = padding.upper()
    if p == "VALID":
        return [(0, 0)] * len(in_shape)
    if p not in ("SAME", "SAME_LOWER"):
        raise ValueError(f"conv: unknown padding {padding!r}")
    pads = []
    for n, w, s in zip(in_shape, window_shape, window_strides):
        out = -(-n // s)
        total = max((out - 1) * s + w - n, 0)
        small, big = total // 2, total - total // 2
        pads.append((small, big) if p == "SAME" else (big, small))
    return pads


def _dilate_and_pad(x, spatial_axes, dilation, pads, value=0):
    """x with `dilation - 1` values between elements and (low, high) padding along the spatial
    axes; negative padding removes elements."""
    config = [(0, 0, 0)] * x.ndim
    for ax, d, (lo, hi) in zip(spatial_axes, dilation, pads):
        config[ax] = (int(lo), int(hi), int(d) - 1)
    if all(c == (0, 0, 0) for c in config):
        return x
    return pad(x, value, config)


def _conv_operands(lhs, rhs):
    """A convolution's operands: arrays of one dtype (JAX's rule and message)."""
    lhs, rhs = as_operand(lhs, "conv_general_dilated"), as_operand(rhs, "conv_general_dilated")
    _check_same_dtypes("conv_general_dilated", lhs, rhs)
    return lhs, rhs


def conv_general_dilated(
    lhs,
    rhs,
    window_strides,
    padding,
    lhs_dilation=None,
    rhs_dilation=None,
    dimension_numbers=None,
    feature_group_count=1,
    batch_group_count=1,
    precision=None,
    preferred_element_type=None,
):
    """jax.lax.conv_general_dilated: 1 or 2 spatial dims on the conv primitive; 3 and more
    as sums of convolutions of one dim fewer (one per kernel position along the first)."""
    lhs, rhs = _conv_operands(lhs, rhs)
    dn = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    nsp = lhs.ndim - 2
    if nsp < 1:
        raise ValueError("conv_general_dilated: operands need at least one spatial dim")
    if batch_group_count != 1:
        return _conv_batch_groups(
            lhs, rhs, dn, int(batch_group_count), window_strides, padding, lhs_dilation,
            rhs_dilation, dimension_numbers, feature_group_count, precision,
            preferred_element_type,
        )  # fmt: skip
    strides = tuple(int(s) for s in window_strides)
    lhs_dil = tuple(lhs_dilation) if lhs_dilation is not None else (1,) * nsp
    rhs_dil = tuple(rhs_dilation) if rhs_dilation is not None else (1,) * nsp
    if len(strides) != nsp or len(lhs_dil) != nsp or len(rhs_dil) != nsp:
        raise ValueError(
            "conv_general_dilated: strides and dilations need one entry per spatial dim"
        )
    x = transpose(lhs, dn.lhs_spec)  # N C spatial...
    w = transpose(rhs, dn.rhs_spec)  # O I spatial...
    if x.shape[1] != w.shape[1] * feature_group_count:
        raise ValueError(
            f"conv_general_dilated: input features {x.shape[1]} != kernel input features "
            f"{w.shape[1]} x feature_group_count {feature_group_count}"
        )
    dil_in = tuple((n - 1) * d + 1 if n else 0 for n, d in zip(x.shape[2:], lhs_dil))
    window = tuple((k - 1) * d + 1 for k, d in zip(w.shape[2:], rhs_dil))
    if isinstance(padding, str):
        pads = padtype_to_pads(dil_in, window, strides, padding)
    else:
        pads = [tuple(int(v) for v in p) for p in padding]
        if len(pads) != nsp:
            raise ValueError(
                "conv_general_dilated: padding needs one (low, high) pair per spatial dim"
            )
    if nsp >= 3:
        dt = _onp.result_type(x.dtype, w.dtype)
        wide = _wide_dtype(dt)  # (the partial sums over the first dim in it, rounded once)
        y = _conv_by_first_dim(
            x.astype(wide), w.astype(wide), strides, pads, lhs_dil, rhs_dil, feature_group_count
        ).astype(dt)
        out = transpose(y, tuple(_onp.argsort(dn.out_spec)))
        return out if preferred_element_type is None else out.astype(preferred_element_type)
    # Input dilation and negative padding here; the primitive takes the non-negative rest.
    pre = [(min(lo, 0), min(hi, 0)) for lo, hi in pads]
    x = _dilate_and_pad(x, range(2, 2 + nsp), lhs_dil, pre)
    pos = [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
    if nsp == 1:
        x, w = x[:, :, None, :], w[:, :, None, :]
        prim_pad = (0, 0, *pos[0])
        strides, rhs_dil = (1, *strides), (1, *rhs_dil)
    else:
        prim_pad = (*pos[0], *pos[1])
    y = _conv_primitive(
        x,
        w,
        strides=tuple(strides),
        padding=tuple(prim_pad),
        dilation=tuple(rhs_dil),
        groups=int(feature_group_count),
    )
    if nsp == 1:
        y = y[:, :, 0, :]
    out = transpose(y, tuple(_onp.argsort(dn.out_spec)))
    return out if preferred_element_type is None else out.astype(preferred_element_type)


def _conv_batch_groups(
    lhs,
    rhs,
    dn,
    groups,
    strides,
    padding,
    lhs_dilation,
    rhs_dilation,
    dimension_numbers,
    feature_group_count,
    precision,
    preferred,
):
    """XLA's batch_group_count (the filter gradient of a grouped convolution): the lhs batch
    and the kernel's output features split into ``groups`` consecutive blocks, block g of the
    output features the convolution of lhs block g with kernel block g; the output batch is
    the lhs batch / groups."""
    from arrax import numpy as anp

    n, o = lhs.shape[dn.lhs_spec[0]], rhs.shape[dn.rhs_spec[0]]
    if groups < 1:
        raise ValueError(f"conv_general_dilated: batch_group_count must be >= 1, got {groups}")
    if feature_group_count != 1:
        raise ValueError(
            "conv_general_dilated: at most one of batch_group_count and feature_group_count "
            f"may be > 1, got batch_group_count={groups} and "
            f"feature_group_count={feature_group_count}"
        )
    if n % groups:
        raise ValueError(
            "conv_general_dilated: batch_group_count must divide lhs batch dimension size, "
            f"got {groups} for lhs of shape {tuple(lhs.shape)}"
        )
    if o % groups:
        raise ValueError(
            "conv_general_dilated: batch_group_count must divide rhs output feature dimension "
            f"size, got {groups} for rhs of shape {tuple(rhs.shape)}"
        )
    outs = [
        conv_general_dilated(
            x,
            w,
            strides,
            padding,
            lhs_dilation,
            rhs_dilation,
            dimension_numbers,
            precision=precision,
            preferred_element_type=preferred,
        )
        for x, w in zip(
            anp.split(lhs, groups, axis=dn.lhs_spec[0]), anp.split(rhs, groups, axis=dn.rhs_spec[0])
        )
    ]
    return anp.concatenate(outs, axis=dn.out_spec[1])


def _conv_primitive(x, w, **params):
    """The conv primitive (float32/float64 kernels) for every dtype, as XLA computes them:
    float16/bfloat16 in float32 and integers in float64, rounded back to the operands' dtype;
    complex operands as four real convolutions of their parts."""
    dt = _onp.result_type(x.dtype, w.dtype)
    if dt in (_onp.float32, _onp.float64):
        return bind1("conv", x.astype(dt), w.astype(dt), **params)
    if dt.kind == "c":
        from arrax import numpy as anp

        part = _onp.float32 if dt == _onp.complex64 else _onp.float64
        xr, xi = anp.real(x).astype(part), anp.imag(x).astype(part)
        wr, wi = anp.real(w).astype(part), anp.imag(w).astype(part)
        re = bind1("conv", xr, wr, **params) - bind1("conv", xi, wi, **params)
        im = bind1("conv", xr, wi, **params) + bind1("conv", xi, wr, **params)
        return (re + 1j * im).astype(dt)
    wide = _wide_dtype(dt)
    return bind1("conv", x.astype(wide), w.astype(wide), **params).astype(dt)


def _wide_dtype(dt):
    """The dtype a convolution of dt computes in: float16/bfloat16 in float32, integers and
    bools in float64 (exact to 2**53); float32/float64 and complex as they are."""
    if dt.kind == "c" or dt in (_onp.float32, _onp.float64):
        return dt
    return _onp.dtype(_onp.float64 if dt.kind in "iub" else _onp.float32)


def _conv_by_first_dim(x, w, strides, pads, lhs_dil, rhs_dil, groups):
    """A convolution of 3 or more spatial dims (x: N C S1 S2..., w: O I K1 K2...) as the sum,
    over the kernel's positions along S1, of convolutions of one dim fewer: each takes the
    strided slice of x that position meets, its S1 merged into the batch."""
    from arrax import numpy as anp

    x = _dilate_and_pad(x, [2], [lhs_dil[0]], [pads[0]])
    k, s, d = w.shape[2], strides[0], rhs_dil[0]
    window = (k - 1) * d + 1
    n_out = (x.shape[2] - window) // s + 1 if x.shape[2] >= window else 0
    if n_out == 0:  # (an empty result: shapes from a padded input, then cut to nothing)
        grow = [(0, 0, 0)] * x.ndim
        grow[2] = (0, window - x.shape[2], 0)
        x, n_out, keep = pad(x, 0, grow), 1, 0
    else:
        keep = n_out
    total = None
    for j in range(k):
        start = j * d
        xs = slice(x, [0, 0, start] + [0] * (x.ndim - 3),
                   [x.shape[0], x.shape[1], start + (n_out - 1) * s + 1, *x.shape[3:]],
                   [1, 1, s] + [1] * (x.ndim - 3))  # fmt: skip
        xs = anp.moveaxis(xs, 2, 1).reshape((x.shape[0] * n_out, x.shape[1], *x.shape[3:]))
        y = conv_general_dilated(
            xs, w[:, :, j], strides[1:], pads[1:], lhs_dil[1:], rhs_dil[1:],
            feature_group_count=groups,
        )  # fmt: skip
        y = anp.moveaxis(y.reshape((x.shape[0], n_out, *y.shape[1:])), 1, 2)
        total = y if total is None else total + y
    return total[:, :, :keep]


def conv(lhs, rhs, window_strides, padding, precision=None, preferred_element_type=None):
    """jax.lax.conv: NC... input, OI... kernel."""
    return conv_general_dilated(
        lhs, rhs, window_strides, padding, preferred_element_type=preferred_element_type
    )


def conv_with_general_padding(
    lhs,
    rhs,
    window_strides,
    padding,
    lhs_dilation,
    rhs_dilation,
    precision=None,
    preferred_element_type=None,
):
    return conv_general_dilated(
        lhs,
        rhs,
        window_strides,
        padding,
        lhs_dilation,
        rhs_dilation,
        preferred_element_type=preferred_element_type,
    )


def _transpose_pads(k, s, padding):
    """(low, high) padding of the transposed convolution for a (dilated) kernel size k and
    stride s, from the forward convolution's 'SAME' / 'VALID' / explicit padding."""
    if padding == "SAME":
        total = k + s - 2
        low = k - 1 if s > k - 1 else -(-total // 2)
    elif padding == "VALID":
        total = k + s - 2 + max(k - s, 0)
        low = k - 1
    else:
        lo, hi = (k - p - 1 for p in padding)
        return lo, hi
    return low, total - low


def conv_transpose(
    lhs,
    rhs,
    strides,
    padding,
    rhs_dilation=None,
    dimension_numbers=None,
    transpose_kernel=False,
    precision=None,
    preferred_element_type=None,
    use_consistent_padding=False,
):
    """jax.lax.conv_transpose: the gradient-of-convolution form (Keras' Conv2DTranspose)."""
    lhs, rhs = _conv_operands(lhs, rhs)
    nd = lhs.ndim
    if dimension_numbers is None:
        defaults = {3: ("NHC", "HIO", "NHC"), 4: ("NHWC", "HWIO", "NHWC")}
        if nd not in defaults:
            raise NotImplementedError("conv_transpose: 1 or 2 spatial dims")
        dimension_numbers = defaults[nd]
    dn = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    ksizes = [rhs.shape[d] for d in dn.rhs_spec[2:]]
    rhs_dil = tuple(rhs_dilation) if rhs_dilation is not None else (1,) * (nd - 2)
    eff = [(k - 1) * d + 1 for k, d in zip(ksizes, rhs_dil)]
    if use_consistent_padding or isinstance(padding, str):
        per_dim = [padding] * len(strides) if isinstance(padding, str) else list(padding)
        pads = [_transpose_pads(k, s, p) for k, s, p in zip(eff, strides, per_dim)]
    else:
        pads = padding
    if transpose_kernel:
        from arrax import numpy as np

        rhs = np.flip(rhs, tuple(dn.rhs_spec[2:]))
        rhs = np.swapaxes(rhs, dn.rhs_spec[0], dn.rhs_spec[1])
    return conv_general_dilated(
        lhs,
        rhs,
        (1,) * (nd - 2),
        pads,
        tuple(strides),
        rhs_dil,
        dn,
        preferred_element_type=preferred_element_type,
    )


def reduce_window(
    operand,
    init_value,
    computation,
    window_dimensions,
    window_strides=None,
    padding="VALID",
    base_dilation=None,
    window_dilation=None,
):
    """jax.lax.reduce_window: `computation` (an elementwise monoid such as lax.add or
    lax.max) over each window, starting from init_value. Variadic as JAX's: operand and
    init_value may be pytrees of one structure (arrays of one shape), and computation then
    takes and returns such pytrees. window_strides defaults to ones and padding to "VALID" (as
    JAX's). A padding string is resolved against the operand's own
    shape (before base_dilation), as JAX does."""
    from arrax import numpy as np
    from arrax import tree_util

    leaves, tree = tree_util.tree_flatten(operand)
    init_leaves, init_tree = tree_util.tree_flatten(init_value)
    if tree != init_tree:
        raise ValueError(
            f"reduce_window: Operands must have the same tree structure as init_values: {tree} vs. {init_tree}"
        )
    xs = [asarray(v) for v in leaves]
    inits = [asarray(i, x.dtype) for i, x in zip(init_leaves, xs)]
    if any(i.ndim for i in inits):
        raise TypeError(
            "reduce_window expected init_values to be scalars but init_values have shapes "
            f"{[i.shape for i in inits]}."
        )
    x = xs[0]
    nd = x.ndim
    win = tuple(int(w) for w in window_dimensions)
    strides = (1,) * nd if window_strides is None else tuple(int(s) for s in window_strides)
    for what, vals in (("window_dimensions", win), ("window_strides", strides)):
        if any(v <= 0 for v in vals):
            raise TypeError(
                f"reduce_window {what} must have every element be greater than 0, got {vals}."
            )
    base = tuple(base_dilation) if base_dilation is not None else (1,) * nd
    wdil = tuple(window_dilation) if window_dilation is not None else (1,) * nd
    if not (len(win) == len(strides) == len(base) == len(wdil) == nd):
        raise ValueError("reduce_window: window, strides and dilations need one entry per dim")
    span = tuple((w - 1) * d + 1 for w, d in zip(win, wdil))
    if isinstance(padding, str):
        pads = padtype_to_pads(x.shape, span, strides, padding)
    else:
        pads = [tuple(int(v) for v in p) for p in padding]
    xps = [_dilate_and_pad(v, range(nd), base, pads, i) for v, i in zip(xs, inits)]
    out_shape = tuple(max((n - s) // st + 1, 0) for n, s, st in zip(xps[0].shape, span, strides))

    def combine(a, b):
        r = computation(tree_util.tree_unflatten(tree, a), tree_util.tree_unflatten(tree, b))
        r_leaves, r_tree = tree_util.tree_flatten(r)
        if r_tree != tree:
            raise ValueError(
                "reduce_window output must have the same tree structure as the operands "
                f"{tree} vs. {r_tree}"
            )
        return r_leaves

    result = None
    for offset in itertools.product(*[range(w) for w in win]):
        start = [o * d for o, d in zip(offset, wdil)]
        limit = [
            st + (m - 1) * stride + 1 if m else st
            for st, m, stride in zip(start, out_shape, strides)
        ]
        part = [slice(xp, start, limit, strides) for xp in xps]
        result = part if result is None else combine(result, part)
    if result is None:  # an empty window: the init value
        out = [np.full(out_shape, i, v.dtype) for i, v in zip(inits, xs)]
    else:
        out = combine([np.broadcast_to(i, r.shape) for i, r in zip(inits, result)], result)
    return tree_util.tree_unflatten(tree, out)
