"""The ufunc table shared by test_ufuncs.py and test_ufuncs_edge.py: every elementwise
function of arrax.numpy with its input domains, and deterministic sample values per domain."""

import numpy as np

from conftest import BFLOAT16

# --------------------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------------------

UNARY = [
    ("negative", "any"),
    ("positive", "any"),
    ("absolute", "any"),
    ("abs", "any"),
    ("fabs", "any"),
    ("sign", "any"),
    ("sqrt", "pos"),
    ("cbrt", "any"),
    ("square", "any"),
    ("reciprocal", "nonzero"),
    ("exp", "small"),
    ("exp2", "small"),
    ("expm1", "small"),
    ("log", "pos"),
    ("log2", "pos"),
    ("log10", "pos"),
    ("log1p", "pos"),
    ("sin", "any"),
    ("cos", "any"),
    ("tan", "small"),
    ("arcsin", "unit"),
    ("arccos", "unit"),
    ("arctan", "any"),
    ("sinh", "small"),
    ("cosh", "small"),
    ("tanh", "any"),
    ("arcsinh", "any"),
    ("arccosh", "ge1"),
    ("arctanh", "open_unit"),
    ("deg2rad", "any"),
    ("rad2deg", "any"),
    ("degrees", "any"),
    ("radians", "any"),
    ("floor", "any"),
    ("ceil", "any"),
    ("trunc", "any"),
    ("rint", "any"),
    ("logical_not", "any"),
    ("bitwise_not", "any"),
    ("invert", "any"),
    ("isnan", "any"),
    ("isinf", "any"),
    ("isfinite", "any"),
    ("signbit", "any"),
]

BINARY = [
    ("add", "any", "any"),
    ("subtract", "any", "any"),
    ("multiply", "any", "any"),
    ("divide", "any", "nonzero"),
    ("true_divide", "any", "nonzero"),
    ("floor_divide", "any", "nonzero"),
    ("mod", "any", "nonzero"),
    ("remainder", "any", "nonzero"),
    ("fmod", "any", "nonzero"),
    ("divmod", "any", "nonzero"),
    ("power", "small", "exponent"),
    ("float_power", "small", "exponent"),
    ("logaddexp", "small", "small"),
    ("logaddexp2", "small", "small"),
    ("arctan2", "any", "any"),
    ("hypot", "any", "any"),
    ("minimum", "any", "any"),
    ("maximum", "any", "any"),
    ("fmin", "any", "any"),
    ("fmax", "any", "any"),
    ("equal", "any", "any"),
    ("not_equal", "any", "any"),
    ("less", "any", "any"),
    ("less_equal", "any", "any"),
    ("greater", "any", "any"),
    ("greater_equal", "any", "any"),
    ("logical_and", "any", "any"),
    ("logical_or", "any", "any"),
    ("logical_xor", "any", "any"),
    ("bitwise_and", "any", "any"),
    ("bitwise_or", "any", "any"),
    ("bitwise_xor", "any", "any"),
    ("left_shift", "any", "shift"),
    ("right_shift", "any", "shift"),
    ("copysign", "any", "any"),
]

UNARY_NAMES = [u[0] for u in UNARY]
BINARY_NAMES = [b[0] for b in BINARY]

_T, _F = True, False
# Eight sample values per (domain, dtype kind); every value fits every dtype of its kind.
_VALUES = {
    "any": {
        "b": [_F, _T, _T, _F, _T, _F, _F, _T],
        "i": [-7, -2, -1, 0, 1, 3, 5, 100],
        "u": [0, 1, 2, 3, 5, 7, 100, 200],
        "f": [-3.75, -1.5, -0.5, 0.0, 0.25, 1.0, 2.5, 6.0],
        "c": [1 + 2j, -0.5 + 0.25j, 0j, 3 - 1j, -2 - 2j, 0.5j, 1.5, -1 + 0.75j],
    },
    "small": {
        "b": [_F, _T, _T, _F, _T, _F, _F, _T],
        "i": [-3, -2, -1, 0, 1, 2, 3, 4],
        "u": [0, 1, 2, 3, 4, 5, 1, 2],
        "f": [-3.5, -1.25, -0.5, 0.0, 0.25, 1.0, 2.5, 3.75],
        "c": [1 + 1j, -0.5 + 0.25j, 0.25j, 2 - 1j, -1.5 - 0.5j, 0.5, 1.25, -1 + 0.75j],
    },
    "pos": {
        "b": [_T] * 8,
        "i": [1, 2, 3, 5, 7, 10, 100, 4],
        "u": [1, 2, 3, 5, 7, 10, 100, 4],
        "f": [0.125, 0.5, 1.0, 1.5, 2.0, 3.75, 10.0, 100.0],
        "c": [1 + 2j, -0.5 + 0.25j, 0.25j, 3 - 1j, -2 - 2j, 0.5, 1.5, -1 + 0.75j],
    },
    "nonzero": {
        "b": [_T] * 8,
        "i": [-3, -2, -1, 1, 2, 3, 5, 7],
        "u": [1, 2, 3, 5, 7, 9, 11, 13],
        "f": [-3.0, -2.5, -1.0, -0.5, 0.5, 1.0, 2.0, 4.0],
        "c": [1 + 2j, -0.5 + 0.25j, 0.25j, 3 - 1j, -2 - 2j, 0.5, 1.5, -1 + 0.75j],
    },
    "unit": {
        "b": [_F, _T, _T, _F, _T, _F, _F, _T],
        "i": [-1, 0, 1, 0, 1, -1, 0, 1],
        "u": [0, 1, 0, 1, 0, 1, 1, 0],
        "f": [-1.0, -0.75, -0.5, 0.0, 0.25, 0.5, 0.875, 1.0],
        "c": [
            0.5 + 0.5j,
            -0.5 + 0.25j,
            0.25j,
            0.75 - 0.25j,
            -0.5 - 0.5j,
            0.5,
            0.125,
            -0.25 + 0.75j,
        ],
    },
    "open_unit": {
        "b": [_F] * 8,
        "i": [0] * 8,
        "u": [0] * 8,
        "f": [-0.875, -0.5, -0.25, 0.0, 0.125, 0.25, 0.5, 0.75],
        "c": [
            0.5 + 0.5j,
            -0.5 + 0.25j,
            0.25j,
            0.75 - 0.25j,
            -0.5 - 0.5j,
            0.5,
            0.125,
            -0.25 + 0.75j,
        ],
    },
    "ge1": {
        "b": [_T] * 8,
        "i": [1, 2, 3, 4, 5, 10, 50, 100],
        "u": [1, 2, 3, 4, 5, 10, 50, 100],
        "f": [1.0, 1.25, 1.5, 2.0, 3.0, 5.5, 10.0, 100.0],
        "c": [1 + 2j, -0.5 + 0.25j, 0.25j, 3 - 1j, -2 - 2j, 0.5, 1.5, -1 + 0.75j],
    },
    "shift": {
        "b": [_F, _T, _T, _F, _T, _F, _F, _T],
        "i": [0, 1, 2, 3, 0, 1, 2, 3],
        "u": [0, 1, 2, 3, 0, 1, 2, 3],
        "f": [0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0],
        "c": [0j, 1 + 0j, 2 + 0j, 3 + 0j, 0j, 1 + 0j, 2 + 0j, 3 + 0j],
    },
    "exponent": {
        "b": [_F, _T, _T, _F, _T, _F, _F, _T],
        "i": [0, 1, 2, 3, 1, 2, 0, 3],
        "u": [0, 1, 2, 3, 1, 2, 0, 3],
        "f": [0.0, 1.0, 2.0, 3.0, 0.5, -1.0, 2.0, 1.0],
        # genuinely complex exponents only where no base domain has a zero (0 ** 1j is
        # implementation-defined); 0 ** 0 == 1 and 0 ** 0.5 == 0 are well defined.
        "c": [0j, 1 + 0j, 1 + 1j, 2 + 0j, 0.5 + 0j, 3 + 0j, 1 + 0j, 2j],
    },
}


def values(domain, dtype):
    """The eight sample values of ``domain`` as a NumPy array of ``dtype``."""
    dtype = np.dtype(dtype)
    kind = "f" if dtype == BFLOAT16 else dtype.kind
    return np.array(_VALUES[domain][kind], dtype=dtype)


def call(xp, name, *args, **kwargs):
    return getattr(xp, name)(*args, **kwargs)
