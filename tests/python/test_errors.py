"""Bad input raises NumPy's exception types: ValueError (shape mismatch, bad sizes),
TypeError (no loop for the dtype, bad dtypes / arguments), IndexError (out-of-bounds and
invalid indices), numpy.exceptions.AxisError-compatible errors (subclass of ValueError and
IndexError) for bad axes, OverflowError (Python ints out of range of the dtype).  Every case
is first checked against NumPy itself; the message must be non-empty."""

import operator

import numpy as np
import pytest

from conftest import anp, arrax_only, assert_raises, quiet

AXIS_ERROR = (ValueError, IndexError)


def check_error(exc_types, fn):
    """``fn(xp)`` raises ``exc_types`` (all of them) with NumPy and with arrax."""
    if isinstance(exc_types, type):
        exc_types = (exc_types,)
    with quiet():
        with pytest.raises(exc_types[0]) as info:
            fn(np)
    for cls in exc_types:
        assert isinstance(info.value, cls), (
            f"numpy itself raised {type(info.value)} (test is wrong)"
        )
    exc = assert_raises(exc_types, fn, anp)
    return exc


def _setitem(a, idx, value):
    a[idx] = value


VALUE_ERRORS = {
    "add_shape_mismatch": lambda xp: xp.add(xp.ones(3), xp.ones(4)),
    "operator_shape_mismatch": lambda xp: xp.ones((2, 3)) * xp.ones((3, 2)),
    "compare_shape_mismatch": lambda xp: xp.ones(2) < xp.ones(3),
    "reshape_size": lambda xp: xp.ones(6).reshape(4, 2),
    "reshape_two_unknowns": lambda xp: xp.ones(6).reshape(-1, -1),
    "broadcast_to": lambda xp: xp.broadcast_to(xp.ones(3), (4,)),
    "broadcast_arrays": lambda xp: xp.broadcast_arrays(xp.ones(3), xp.ones(4)),
    "concatenate_shapes": lambda xp: xp.concatenate([xp.ones((2, 3)), xp.ones((2, 4))]),
    "concatenate_ndim": lambda xp: xp.concatenate([xp.ones((2, 3)), xp.ones(3)]),
    "concatenate_empty": lambda xp: xp.concatenate([]),
    "concatenate_0d": lambda xp: xp.concatenate([xp.asarray(1.0), xp.asarray(2.0)]),
    "stack_shapes": lambda xp: xp.stack([xp.ones(2), xp.ones(3)]),
    "stack_empty": lambda xp: xp.stack([]),
    "vstack_shapes": lambda xp: xp.vstack([xp.ones(2), xp.ones(3)]),
    "matmul_shapes": lambda xp: xp.ones((2, 3)) @ xp.ones((2, 3)),
    "matmul_fn_shapes": lambda xp: xp.matmul(xp.ones(3), xp.ones(4)),
    "matmul_scalar": lambda xp: xp.matmul(xp.ones(3), 2.0),
    "squeeze_non_one": lambda xp: xp.squeeze(xp.ones((2, 1)), axis=0),
    "transpose_axes_len": lambda xp: xp.transpose(xp.ones((2, 3)), (0,)),
    "transpose_repeated_axes": lambda xp: xp.ones((2, 3)).transpose(0, 0),
    "setitem_shape": lambda xp: _setitem(xp.zeros(3), slice(0, 2), xp.ones(3)),
    "setitem_broadcast": lambda xp: _setitem(xp.zeros((2, 3)), Ellipsis, xp.ones((3, 2))),
    "inplace_broadcast": lambda xp: operator.iadd(xp.zeros(3), xp.ones((2, 3))),
    "bool_multi": lambda xp: bool(xp.ones(3)),
    "bool_empty": lambda xp: bool(xp.ones(0)),
    "item_multi": lambda xp: xp.ones(3).item(),
    "zeros_negative": lambda xp: xp.zeros((2, -1)),
    "ones_negative": lambda xp: xp.ones(-3),
    "empty_negative": lambda xp: xp.empty(-3),
    "zeros_too_big": lambda xp: xp.zeros((2**40, 2**40)),  # (the byte count would wrap)
    "ones_too_big": lambda xp: xp.ones((2**62, 4)),
    "full_broadcast": lambda xp: xp.full((2, 3), [1.0, 2.0]),
    "linspace_negative": lambda xp: xp.linspace(0, 1, -1),
    "where_shapes": lambda xp: xp.where(xp.ones(3) > 0, xp.ones(3), xp.ones(4)),
    "clip_shapes": lambda xp: xp.clip(xp.ones(3), xp.zeros(2), 1.0),
    "max_empty": lambda xp: xp.max(xp.ones(0)),
    "min_empty_axis": lambda xp: xp.min(xp.ones((0, 3)), axis=0),
    "argmax_empty": lambda xp: xp.argmax(xp.ones(0)),
    "argmin_empty_axis": lambda xp: xp.argmin(xp.ones((3, 0)), axis=1),
    "ragged_list": lambda xp: xp.asarray([[1, 2], [3]]),
    "slice_step_zero": lambda xp: xp.ones(4)[::0],
    "out_shape": lambda xp: xp.add(xp.ones((2, 3)), 1.0, out=xp.zeros(3)),
}


@pytest.mark.parametrize("name", list(VALUE_ERRORS))
def test_value_errors(name):
    check_error(ValueError, VALUE_ERRORS[name])


TYPE_ERRORS = {
    "bitwise_and_float": lambda xp: xp.bitwise_and(xp.ones(3), xp.ones(3)),
    "bitwise_or_float": lambda xp: xp.bitwise_or(xp.ones(3), 1),
    "bitwise_xor_float": lambda xp: xp.bitwise_xor(
        xp.ones(3, dtype=np.float32), xp.ones(3, dtype=np.int8)
    ),
    "and_operator_float": lambda xp: xp.ones(3) & xp.ones(3),
    "invert_float": lambda xp: ~xp.ones(3),
    "bitwise_not_complex": lambda xp: xp.bitwise_not(xp.ones(3, dtype=np.complex64)),
    "left_shift_float": lambda xp: xp.left_shift(xp.ones(3), 1),
    "rshift_operator_float": lambda xp: xp.ones(3, dtype=np.int32) >> 1.5,
    "shift_mixed_sign_uint64": lambda xp: xp.left_shift(
        xp.ones(3, dtype=np.uint64), xp.ones(3, dtype=np.int64)
    ),
    "floor_complex": lambda xp: xp.floor(xp.ones(3, dtype=np.complex128)),
    "fmod_complex": lambda xp: xp.fmod(xp.ones(3, dtype=np.complex128), 2.0),
    "floor_divide_complex": lambda xp: xp.ones(3, dtype=np.complex64) // 2,
    "arctan2_complex": lambda xp: xp.arctan2(xp.ones(3, dtype=np.complex128), 1.0),
    "signbit_complex": lambda xp: xp.signbit(xp.ones(3, dtype=np.complex128)),
    "negative_bool": lambda xp: -xp.ones(3, dtype=bool),
    "subtract_bool": lambda xp: xp.ones(3, dtype=bool) - xp.ones(3, dtype=bool),
    "iadd_int_float": lambda xp: operator.iadd(xp.ones(3, dtype=np.int64), 1.5),
    "itruediv_int": lambda xp: operator.itruediv(xp.ones(3, dtype=np.int32), 2),
    "out_bad_cast": lambda xp: xp.multiply(xp.ones(3), 2.0, out=xp.zeros(3, dtype=np.int64)),
    "dtype_arg_bad_cast": lambda xp: xp.add(xp.ones(3), 1.0, dtype=np.int32),
    "bad_dtype_string": lambda xp: xp.zeros(3, dtype="float33"),
    "bad_dtype_object": lambda xp: xp.ones(3, dtype="not a dtype"),
    "astype_bad_dtype": lambda xp: xp.ones(3).astype("nope"),
    "float_shape": lambda xp: xp.zeros(2.5),
    "float_shape_tuple": lambda xp: xp.ones((2, 1.5)),
    "len_0d": lambda xp: len(xp.asarray(1.0)),
    "iter_0d": lambda xp: iter(xp.asarray(1.0)),
    "int_multi": lambda xp: int(xp.ones(3)),
    "float_multi": lambda xp: float(xp.ones((2, 2))),
    "index_float_array": lambda xp: operator.index(xp.asarray(1.5)),
    "index_1d_array": lambda xp: operator.index(xp.asarray([1])),
    "range_float_array": lambda xp: range(xp.asarray(2.0)),
    "sum_axis_float": lambda xp: xp.sum(xp.ones((2, 2)), axis=1.0),
    "reshape_float": lambda xp: xp.ones(4).reshape(2.0, 2),
    "cumsum_tuple_axis": lambda xp: xp.cumsum(xp.ones((2, 2)), axis=(0, 1)),
    "argmax_tuple_axis": lambda xp: xp.argmax(xp.ones((2, 2)), axis=(0, 1)),
    "add_none": lambda xp: xp.ones(3) + None,
    "arange_no_args": lambda xp: xp.arange(),
    "unhashable": lambda xp: hash(xp.ones(3)),
}


@pytest.mark.parametrize("name", list(TYPE_ERRORS))
def test_type_errors(name):
    check_error(TypeError, TYPE_ERRORS[name])


INDEX_ERRORS = {
    "int_too_big": lambda xp: xp.ones(10)[10],
    "int_too_small": lambda xp: xp.ones(10)[-11],
    "second_axis": lambda xp: xp.ones((3, 4))[0, 4],
    "too_many_indices": lambda xp: xp.ones((3, 4))[0, 0, 0],
    "too_many_with_slices": lambda xp: xp.ones(3)[:, :],
    "index_0d": lambda xp: xp.asarray(1.0)[0],
    "float_index": lambda xp: xp.ones(3)[1.0],
    "float_in_tuple": lambda xp: xp.ones((3, 3))[0, 1.5],
    "two_ellipses": lambda xp: xp.ones((3, 3))[..., ...],
    "setitem_out_of_bounds": lambda xp: _setitem(xp.ones(3), 3, 1.0),
    "setitem_negative": lambda xp: _setitem(xp.ones((2, 2)), (-3, 0), 1.0),
    "item_out_of_bounds": lambda xp: xp.ones(4).item(4),
    "empty_index": lambda xp: xp.ones(0)[0],
}


@pytest.mark.parametrize("name", list(INDEX_ERRORS))
def test_index_errors(name):
    check_error(IndexError, INDEX_ERRORS[name])


AXIS_ERRORS = {
    "sum": lambda xp: xp.sum(xp.ones((2, 3)), axis=2),
    "sum_negative": lambda xp: xp.sum(xp.ones((2, 3)), axis=-3),
    "sum_tuple": lambda xp: xp.sum(xp.ones((2, 3)), axis=(0, 2)),
    "prod": lambda xp: xp.prod(xp.ones(3), axis=1),
    "mean": lambda xp: xp.mean(xp.ones((2, 3)), axis=-3),
    "var": lambda xp: xp.var(xp.ones((2, 3)), axis=5),
    "std": lambda xp: xp.std(xp.ones((2, 3)), axis=(1, 2)),
    "min": lambda xp: xp.min(xp.ones((2, 3)), axis=2),
    "max": lambda xp: xp.max(xp.ones(3), axis=-2),
    "argmin": lambda xp: xp.argmin(xp.ones((2, 3)), axis=2),
    "argmax": lambda xp: xp.argmax(xp.ones((2, 3)), axis=-3),
    "all": lambda xp: xp.all(xp.ones(3), axis=1),
    "any": lambda xp: xp.any(xp.ones(3), axis=(0, 1)),
    "cumsum": lambda xp: xp.cumsum(xp.ones((2, 3)), axis=2),
    "cumprod": lambda xp: xp.cumprod(xp.ones(3), axis=-2),
    "method_sum": lambda xp: xp.ones((2, 3)).sum(axis=3),
    "sum_0d": lambda xp: xp.sum(xp.asarray(1.0), axis=1),
    "expand_dims": lambda xp: xp.expand_dims(xp.ones((2, 3)), 3),
    "expand_dims_negative": lambda xp: xp.expand_dims(xp.ones((2, 3)), -4),
    "squeeze": lambda xp: xp.squeeze(xp.ones((1, 3)), axis=2),
    "swapaxes": lambda xp: xp.swapaxes(xp.ones((2, 3)), 0, 2),
    "moveaxis_source": lambda xp: xp.moveaxis(xp.ones((2, 3)), 2, 0),
    "moveaxis_destination": lambda xp: xp.moveaxis(xp.ones((2, 3)), 0, -3),
    "transpose": lambda xp: xp.transpose(xp.ones((2, 3)), (0, 2)),
    "concatenate": lambda xp: xp.concatenate([xp.ones((2, 3)), xp.ones((2, 3))], axis=2),
    "stack": lambda xp: xp.stack([xp.ones(3), xp.ones(3)], axis=2),
    "stack_negative": lambda xp: xp.stack([xp.ones(3), xp.ones(3)], axis=-3),
}


@pytest.mark.parametrize("name", list(AXIS_ERRORS))
def test_axis_errors(name):
    exc = check_error(AXIS_ERROR, AXIS_ERRORS[name])
    assert isinstance(exc, ValueError) and isinstance(exc, IndexError)


def test_axis_error_is_catchable_as_numpy_axis_error_if_reexported():
    """If arrax exposes an AxisError (e.g. anp.exceptions.AxisError) it must be compatible."""
    exc = assert_raises(AXIS_ERROR, anp.sum, anp.ones(2), axis=3)
    exc_mod = getattr(anp, "exceptions", None)
    axis_error = getattr(exc_mod, "AxisError", None) if exc_mod is not None else None
    if axis_error is not None:
        assert isinstance(exc, axis_error)
        assert issubclass(axis_error, ValueError) and issubclass(axis_error, IndexError)


OVERFLOW_ERRORS = {
    "add_uint8_300": lambda xp: xp.ones(3, dtype=np.uint8) + 300,
    "radd_uint8_300": lambda xp: 300 + xp.ones(3, dtype=np.uint8),
    "sub_uint8_negative": lambda xp: xp.ones(3, dtype=np.uint8) - (-1),
    "mul_int8_200": lambda xp: xp.multiply(xp.ones(3, dtype=np.int8), 200),
    "iadd_int8": lambda xp: operator.iadd(xp.ones(3, dtype=np.int8), 128),
    "setitem_int8": lambda xp: _setitem(xp.ones(3, dtype=np.int8), 0, 300),
    "setitem_uint16_negative": lambda xp: _setitem(xp.ones(3, dtype=np.uint16), slice(None), -1),
    "full_int8": lambda xp: xp.full(3, 300, dtype=np.int8),
    "asarray_int8": lambda xp: xp.asarray(300, dtype=np.int8),
    "array_list_uint8": lambda xp: xp.array([1, -1], dtype=np.uint8),
    "int64_too_big": lambda xp: xp.ones(2, dtype=np.int64) + 2**64,
    "maximum_uint32": lambda xp: xp.maximum(xp.ones(2, dtype=np.uint32), 2**33),
}


@pytest.mark.parametrize("name", list(OVERFLOW_ERRORS))
def test_overflow_errors(name):
    check_error(OverflowError, OVERFLOW_ERRORS[name])


def test_error_messages_are_informative():
    """Messages are non-empty; for a few common errors they mention the operation."""
    exc = assert_raises(ValueError, anp.reshape, anp.ones(6), (4, 2))
    assert "reshape" in str(exc).lower() or "size" in str(exc).lower()
    exc = assert_raises(ValueError, anp.add, anp.ones(3), anp.ones(4))
    assert "broadcast" in str(exc).lower() or "shape" in str(exc).lower()
    exc = assert_raises(TypeError, anp.bitwise_and, anp.ones(3), anp.ones(3))
    assert "bitwise_and" in str(exc)
    exc = assert_raises(AXIS_ERROR, anp.sum, anp.ones((2, 2)), axis=2)
    assert "axis" in str(exc).lower()


def test_errors_do_not_corrupt_state():
    a = anp.asarray(np.arange(6.0))
    with quiet():
        with pytest.raises(ValueError):
            a[0:2] = anp.ones(3)
        with pytest.raises(TypeError):
            a &= 1
    np.testing.assert_array_equal(np.asarray(a), np.arange(6.0))


# --- errors of composed functions name the function called, not the one it is made of ------


@arrax_only
@pytest.mark.parametrize(
    "call,name,exc",
    [
        (lambda: anp.ptp(anp.ones(3), axis=2), "ptp", np.exceptions.AxisError),
        (lambda: anp.median(anp.ones(3), axis=4), "median", np.exceptions.AxisError),
        (lambda: anp.count_nonzero(anp.ones(3), axis=2), "count_nonzero", np.exceptions.AxisError),
        (lambda: anp.clip(anp.ones(3), anp.ones(2), 3), "clip", ValueError),
        (lambda: anp.zeros(3, -1), "zeros", TypeError),
        (lambda: anp.gcd(anp.ones(3, int), anp.ones(2, int)), "gcd", ValueError),
        (lambda: anp.ldexp(anp.ones((2, 3)), anp.ones(2, int)), "ldexp", ValueError),
    ],
)
def test_composed_functions_errors_name_them(call, name, exc):
    with pytest.raises(exc, match=f"^{name}: "):
        call()


@arrax_only
def test_user_code_errors_keep_their_words():
    def f(row):
        raise ValueError("sum: my own message")

    with pytest.raises(ValueError, match="^sum: my own message"):
        anp.apply_along_axis(f, 0, anp.ones((2, 2)))
