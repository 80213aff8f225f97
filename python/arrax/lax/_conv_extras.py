"""The rest of jax.lax's convolution API: conv_general_dilated_patches (im2col, as a grouped
convolution with an identity kernel, as JAX builds it), the shape helpers
(conv_shape_tuple, conv_general_shape_tuple, conv_transpose_shape_tuple,
reduce_window_shape_tuple, conv_general_permutations) and the type names JAX's signatures use
(ConvGeneralDilatedDimensionNumbers, DotDimensionNumbers, PrecisionLike,
DotAlgorithmPreset)."""

import enum
import math
from collections.abc import Sequence
from typing import Union

import numpy as _onp

from arrax.lax._composites import Precision
from arrax.lax._convolution import (
    ConvDimensionNumbers,
    _transpose_pads,
    conv_dimension_numbers,
    conv_general_dilated,
    padtype_to_pads,
)
from arrax.lax._ops import asarray

__all__ = [
    "ConvGeneralDilatedDimensionNumbers",
    "DotDimensionNumbers",
    "PrecisionLike",
    "DotAlgorithmPreset",
    "conv_general_dilated_patches",
    "conv_general_permutations",
    "conv_shape_tuple",
    "conv_general_shape_tuple",
    "conv_transpose_shape_tuple",
    "reduce_window_shape_tuple",
]


class DotAlgorithmPreset(enum.Enum):
    """jax.lax.DotAlgorithmPreset: named dot-product algorithms (LHS_RHS_ACCUMULATION), passed
    as a product's ``precision``. On arrax's CPU they are hints, like lax.Precision: the
    product is computed in the operands' dtype (arrax.set_matmul_precision chooses TF32 or
    bf16 on the GPU)."""

    DEFAULT = enum.auto()
    ANY_F8_ANY_F8_F32 = enum.auto()
    ANY_F8_ANY_F8_F32_FAST_ACCUM = enum.auto()
    ANY_F8_ANY_F8_ANY = enum.auto()
    ANY_F8_ANY_F8_ANY_FAST_ACCUM = enum.auto()
    F16_F16_F16 = enum.auto()
    F16_F16_F32 = enum.auto()
    BF16_BF16_BF16 = enum.auto()
    BF16_BF16_F32 = enum.auto()
    BF16_BF16_F32_X3 = enum.auto()
    BF16_BF16_F32_X6 = enum.auto()
    BF16_BF16_F32_X9 = enum.auto()
    TF32_TF32_F32 = enum.auto()
    TF32_TF32_F32_X3 = enum.auto()
    F32_F32_F32 = enum.auto()
    F64_F64_F64 = enum.auto()

    def __repr__(self):
        return f"{type(self).__name__}.{self.name}"

    def __str__(self):
        return self.name

    @property
    def supported_lhs_types(self):
        """The operand dtypes the algorithm takes (None: any)."""
        from arrax import dtypes

        name = self.name
        if name == "DEFAULT" or name.startswith("ANY_F8"):
            return None
        if name.startswith("F16_"):
            return (_onp.dtype(_onp.float16),)
        if name in ("BF16_BF16_BF16", "BF16_BF16_F32"):
            return (_onp.dtype(dtypes.bfloat16), _onp.dtype(_onp.float32))
        if name == "F64_F64_F64":
            return (_onp.dtype(_onp.float64),)
        return (_onp.dtype(_onp.float32),)

    @property
    def supported_rhs_types(self):
        return self.supported_lhs_types

    @property
    def accumulation_type(self):
        """The dtype the products are summed in (None: chosen from the operands)."""
        from arrax import dtypes

        name = self.name
        if name in ("DEFAULT", "ANY_F8_ANY_F8_ANY", "ANY_F8_ANY_F8_ANY_FAST_ACCUM"):
            return None
        return {
            "F16_F16_F16": _onp.dtype(_onp.float16),
            "BF16_BF16_BF16": _onp.dtype(dtypes.bfloat16),
            "F64_F64_F64": _onp.dtype(_onp.float64),
        }.get(name, _onp.dtype(_onp.float32))


# The type names of JAX's signatures (typing aliases, as in JAX).
ConvGeneralDilatedDimensionNumbers = Union[tuple[str, str, str], ConvDimensionNumbers, None]
DotDimensionNumbers = tuple[
    tuple[Sequence[int], Sequence[int]], tuple[Sequence[int], Sequence[int]]
]
PrecisionLike = Union[
    None,
    str,
    Precision,
    tuple[str, str],
    tuple[Precision, Precision],
    DotAlgorithmPreset,
]


def conv_general_dilated_patches(lhs, filter_shape, window_strides, padding, lhs_dilation=None,
                                 rhs_dilation=None, dimension_numbers=None, precision=None,
                                 preferred_element_type=None):  # fmt: skip
    """jax.lax.conv_general_dilated_patches: the patches a convolution with a kernel of
    ``filter_shape`` (its spatial dims, in the order of the kernel layout's spatial letters)
    would see, flattened into the output's feature ("C") dim: its size is C * prod(filter_shape),
    ordered channel first, then the filter's spatial positions in the kernel layout's order.
    Computed as a convolution with one-hot kernels, one group per input channel (as JAX)."""
    from arrax import numpy as np

    x = asarray(lhs)
    filter_shape = tuple(int(k) for k in filter_shape)
    dn = conv_dimension_numbers(x.shape, (1, 1) + filter_shape, dimension_numbers)
    lhs_spec, rhs_spec, _ = dn
    size = math.prod(filter_shape)
    channels = x.shape[lhs_spec[1]]
    # Kernel O = channel * size + position, I = 1 (one group per channel), spatial dims in the
    # order of filter_shape: a one-hot at each position.
    eye = np.eye(size, dtype=x.dtype)
    rhs = np.broadcast_to(eye, (channels, size, size)).reshape((channels * size, 1) + filter_shape)
    rhs = np.moveaxis(rhs, (0, 1), (rhs_spec[0], rhs_spec[1]))
    return conv_general_dilated(
        x,
        rhs,
        window_strides=window_strides,
        padding=padding,
        lhs_dilation=lhs_dilation,
        rhs_dilation=rhs_dilation,
        dimension_numbers=dn,
        precision=precision,
        feature_group_count=channels,
        preferred_element_type=preferred_element_type,
    )


def conv_general_permutations(dimension_numbers):
    """(lhs_perm, rhs_perm, out_perm): for layout strings (lhs, rhs, out), each operand's dims
    in the canonical order (N or O, C or I, then the spatial dims in the kernel's order)."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    pairs = (("N", "C"), ("O", "I"), ("N", "C"))
    for i, (a, b) in enumerate(pairs):
        spec = dimension_numbers[i]
        if not spec.count(a) == spec.count(b) == 1:
            raise TypeError(
                f"convolution dimension_numbers[{i}] must contain the characters '{a}' and "
                f"'{b}' exactly once, got {spec}."
            )
        if len(spec) != len(set(spec)):
            raise TypeError(
                f"convolution dimension_numbers[{i}] cannot have duplicate characters, got {spec}."
            )
    if not (set(lhs_spec) - set("NC") == set(rhs_spec) - set("OI") == set(out_spec) - set("NC")):
        raise TypeError(
            "convolution dimension_numbers elements must each have the same set of spatial "
            f"characters, got {dimension_numbers}."
        )

    def perm(spec, pair):
        spatial = [i for i, c in enumerate(spec) if c not in pair]
        spatial.sort(key=lambda i: rhs_spec.index(spec[i]))
        return (spec.index(pair[0]), spec.index(pair[1]), *spatial)

    return tuple(perm(s, p) for s, p in zip(dimension_numbers, pairs))


def _stride_dim(d, window, stride):
    return max((d - window) // stride + 1, 0)


def conv_shape_tuple(lhs_shape, rhs_shape, strides, pads, batch_group_count=1):
    """The output shape of a convolution of operands in the canonical layout (N C spatial...,
    O I spatial...); pads a padding name or (low, high) pairs."""
    nsp = len(lhs_shape) - 2
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    if len(pads) != nsp:
        raise TypeError(
            f"Wrong number of explicit pads for convolution: expected {nsp}, got {len(pads)}."
        )
    padded = [int(n) + int(lo) + int(hi) for n, (lo, hi) in zip(lhs_shape[2:], pads)]
    if any(p < 0 for p in padded):
        raise ValueError(
            "Negative padding is larger than the size of the corresponding dimension: got "
            f"padding={pads} for lhs_shape[2:]={tuple(lhs_shape[2:])}"
        )
    space = tuple(_stride_dim(p, int(k), int(s)) for p, k, s in zip(padded, rhs_shape[2:], strides))
    if batch_group_count > 1:
        if lhs_shape[0] % batch_group_count:
            raise ValueError(
                f"conv_shape_tuple: batch size {lhs_shape[0]} is not a multiple of "
                f"batch_group_count {batch_group_count}"
            )
        first = lhs_shape[0] // batch_group_count
    else:
        first = lhs_shape[0]
    return (int(first), int(rhs_shape[0])) + space


def conv_general_shape_tuple(lhs_shape, rhs_shape, window_strides, padding, dimension_numbers):
    """The output shape of conv_general_dilated for layout strings (lhs, rhs, out)."""
    lhs_perm, rhs_perm, out_perm = conv_general_permutations(dimension_numbers)
    out = conv_shape_tuple(
        tuple(lhs_shape[i] for i in lhs_perm),
        tuple(rhs_shape[i] for i in rhs_perm),
        window_strides,
        padding,
    )
    return tuple(int(out[i]) for i in _onp.argsort(out_perm))


def conv_transpose_shape_tuple(lhs_shape, rhs_shape, window_strides, padding, dimension_numbers):
    """The output shape of conv_transpose for layout strings (lhs, rhs, out)."""
    lhs_perm, rhs_perm, out_perm = conv_general_permutations(dimension_numbers)
    lhs_t = [lhs_shape[i] for i in lhs_perm]
    rhs_t = [rhs_shape[i] for i in rhs_perm]
    if isinstance(padding, str):
        padding = [_transpose_pads(k, s, padding) for k, s in zip(rhs_t[2:], window_strides)]
    total = [sum(int(v) for v in p) for p in padding]
    space = [
        (i - 1) * s - k + 2 + p for i, k, s, p in zip(lhs_t[2:], rhs_t[2:], window_strides, total)
    ]
    out = (lhs_t[0], rhs_t[0], *space)
    return tuple(int(out[i]) for i in _onp.argsort(out_perm))


def reduce_window_shape_tuple(operand_shape, window_dimensions, window_strides, padding,
                              base_dilation=None, window_dilation=None):  # fmt: skip
    """The output shape of reduce_window for (low, high) padding pairs."""

    def dilate(shape, dil):
        return tuple(0 if n == 0 else 1 + d * (n - 1) for n, d in zip(shape, dil))

    if base_dilation is not None:
        operand_shape = dilate(operand_shape, base_dilation)
    if window_dilation is not None:
        window_dimensions = dilate(window_dimensions, window_dilation)
    padded = [int(d) + int(lo) + int(hi) for d, (lo, hi) in zip(operand_shape, padding)]
    return tuple(
        _stride_dim(p, int(w), int(s)) for p, w, s in zip(padded, window_dimensions, window_strides)
    )
