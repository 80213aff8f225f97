"""Edge cases a differential sweep of every shared NumPy function found (0-d operands, bool and
8-bit dtypes, weak Python scalars, mixed dtypes, bad arguments): values, dtypes and exception
types against real NumPy, one table of calls."""

import numpy as np
import pytest

from conftest import run_both

rng = np.random.default_rng(11)
F = rng.standard_normal((3, 4))
F32 = F.astype(np.float32)
I = rng.integers(-3, 6, size=(3, 4))  # noqa: E741
U8 = rng.integers(0, 200, size=(3, 4)).astype(np.uint8)
B = rng.random((3, 4)) > 0.5
C = (rng.standard_normal(7) + 1j * rng.standard_normal(7)).astype(np.complex64)
V = rng.standard_normal(5)
S = np.float32(2.5)

CALLS = {
    # each grid keeps its own array's dtype
    "meshgrid_mixed_dtypes": (lambda m, f, i: m.meshgrid(f[0], i[0]), (F, I)),
    "meshgrid_ij_sparse": (
        lambda m, f, i: m.meshgrid(f[0], i[1], indexing="ij", sparse=True),
        (F, I),
    ),
    # NumPy's float loops: float16 for bool and 8-bit ints
    "angle_uint8": (lambda m, u: m.angle(u), (U8,)),
    "angle_bool": (lambda m, b: m.angle(b), (B,)),
    "modf_bool": (lambda m, b: m.modf(b), (B,)),
    "ldexp_uint8": (lambda m, u: m.ldexp(u, 2), (U8,)),
    "round_bool": (lambda m, b: m.round(b), (B,)),
    "deg2rad_float16": (lambda m, u: m.deg2rad(u), (U8,)),
    "degrees_float16": (lambda m, u: m.degrees(u.astype(np.float16) / 50), (U8,)),
    # Python ints are weak
    "gcd_weak_int": (lambda m, u: m.gcd(u, 6), (U8,)),
    "lcm_weak_int": (lambda m, u: m.lcm(u, 3), (U8,)),
    "union1d_weak_float": (lambda m, f: m.union1d(f, 1.5), (F32,)),
    "bitwise_count_bool": (lambda m, b: m.bitwise_count(b), (B,)),
    # 0-d operands
    "argsort_0d": (lambda m, s: m.argsort(s), (S,)),
    "flip_0d": (lambda m, s: m.flip(s), (S,)),
    "block_0d": (lambda m, s: m.block(s), (S,)),
    "convolve_scalar": (lambda m, v: m.convolve(v, 2), (V,)),
    "vecdot_keepdims": (lambda m, f: m.vecdot(f, f, axis=0, keepdims=True), (F,)),
    "vecdot_bool": (lambda m, b: m.vecdot(b, b), (B,)),
    "vecdot_int8_wraps": (lambda m, u: m.vecdot(u.astype(np.int8), u.astype(np.int8)), (U8,)),
    "concat_positional_axis": (lambda m, f: m.concat(f, -1), (F,)),
    "median_complex": (lambda m, c: m.median(c), (C,)),
    "conj_method_of_bool": (lambda m, b: m.asarray(b).conj(), (B,)),  # the array itself
    # reduce and accumulate of every binary ufunc: folds where NumPy has no named reduction
    "bitwise_or_reduce": (lambda m, i: m.bitwise_or.reduce(i), (I,)),
    "bitwise_xor_reduce_axis": (lambda m, u: m.bitwise_xor.reduce(u, axis=1), (U8,)),
    "bitwise_and_reduce_none": (lambda m, i: m.bitwise_and.reduce(i, axis=None), (I,)),
    "logical_xor_reduce": (lambda m, b: m.logical_xor.reduce(b, axis=0, keepdims=True), (B,)),
    "fmax_reduce_nan": (lambda m, f: m.fmax.reduce(m.where(f > 1, m.nan, f), axis=1), (F,)),
    "gcd_reduce_initial": (lambda m, u: m.gcd.reduce(u, axis=0, initial=12), (U8,)),
    "logaddexp_reduce": (lambda m, f: m.logaddexp.reduce(f, axis=(0, 1)), (F,)),
    "subtract_reduce": (lambda m, f: m.subtract.reduce(f, axis=1), (F,)),
    "divide_reduce_ints": (lambda m, i: m.divide.reduce(i + 4, axis=0), (I,)),
    "power_reduce": (lambda m, u: m.power.reduce(u % 3, axis=1), (U8,)),
    "bitwise_or_reduce_empty": (lambda m, i: m.bitwise_or.reduce(i[:0], axis=0), (I,)),
    "bitwise_and_reduce_empty": (lambda m, u: m.bitwise_and.reduce(u[:, :0], axis=1), (U8,)),
    "maximum_accumulate": (lambda m, f: m.maximum.accumulate(f, axis=1), (F,)),
    "minimum_accumulate": (lambda m, i: m.minimum.accumulate(i), (I,)),
    "fmax_accumulate_nan": (lambda m, f: m.fmax.accumulate(m.where(f > 1, m.nan, f)), (F,)),
    "bitwise_or_accumulate": (lambda m, u: m.bitwise_or.accumulate(u, axis=1), (U8,)),
    "subtract_accumulate": (lambda m, f: m.subtract.accumulate(f, axis=1), (F,)),
    "logical_xor_accumulate": (lambda m, b: m.logical_xor.accumulate(b), (B,)),
    "median_complex_even": (lambda m, c: m.median(c[:6].reshape(2, 3), axis=1), (C,)),
}

ERRORS = {
    "take_along_axis_out_of_bounds": lambda m, i: m.take_along_axis(
        np.ones((3, 4)), np.abs(i) % 4, axis=0
    ),
    "compress_2d_condition": lambda m, i: m.compress(np.ones((2, 2), bool), np.ones(4)),
    "digitize_unsorted_bins": lambda m, i: m.digitize([1.0], [1.0, 3.0, 2.0]),
    "partition_kth_2d": lambda m, i: m.partition(np.ones(4), np.ones((2, 2), int)),
    "partition_kth_out_of_range": lambda m, i: m.argpartition(np.ones(4), 7),
    "i0_complex": lambda m, i: m.i0(np.ones(2, complex)),
    "nanmedian_bad_axis": lambda m, i: m.nanmedian(np.ones(3), axis=1),
    "round_float_decimals": lambda m, i: m.round(np.ones(3), 1.5),
    "ldexp_float_exponent": lambda m, i: m.ldexp(np.ones(3), 1.5),
    "vecdot_0d": lambda m, i: m.vecdot(np.ones(3), 2.0),
    "gcd_int_out_of_range": lambda m, i: m.gcd(np.ones(3, np.uint8), -1),
    "fmax_reduce_empty": lambda m, i: m.fmax.reduce(np.ones((0, 3)), axis=0),
    "subtract_reduce_empty": lambda m, i: m.subtract.reduce(np.ones(0)),
    "reduce_of_unary": lambda m, i: m.negative.reduce(np.ones(3)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_matches_numpy(name):
    fn, args = CALLS[name]
    run_both(fn, *args)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_numpy(name):
    with pytest.raises(Exception) as info:
        ERRORS[name](np, I)
    assert run_both(ERRORS[name], I) is None, f"numpy raised {info.value!r}, arrax did not"
