"""Bad input found by fuzzing arrax.numpy against NumPy (and the transformations against JAX):
each call raises the exception NumPy/JAX raises (a subclass of it), never a silent answer, a C++
error text or a crash; where NumPy answers, arrax answers the same (values, dtype, shape)."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import anp, assert_same, quiet

try:
    import jax
    import jax.numpy as jnp
except ImportError:  # pragma: no cover
    jax = None

import arrax
from arrax import lax

# JAX in float64 for this module's comparisons only (conftest's fixture restores the default)
pytestmark = pytest.mark.usefixtures("jax_x64")


def raises_like_numpy(fn, prefix=None):
    """``fn(np)`` raises; ``fn(anp)`` raises an instance of NumPy's exception class, with a
    message (starting with ``prefix`` when given)."""
    with quiet():
        with pytest.raises(Exception) as want:
            fn(np)
        with pytest.raises(Exception) as got:
            fn(anp)
    assert isinstance(got.value, type(want.value)), (
        f"arrax raised {type(got.value).__name__}: {got.value}; NumPy "
        f"{type(want.value).__name__}: {want.value}"
    )
    assert str(got.value)
    if prefix is not None:
        assert str(got.value).startswith(prefix), str(got.value)
    return got.value


def raises_like_jax(fn_ax, fn_jax):
    if jax is None:
        pytest.skip("jax is not installed")
    with pytest.raises(Exception) as want:
        fn_jax()
    with pytest.raises(Exception) as got:
        fn_ax()
    assert isinstance(got.value, type(want.value)), (
        f"arrax raised {type(got.value).__name__}: {got.value}; JAX "
        f"{type(want.value).__name__}: {want.value}"
    )
    return got.value


def a23(xp):
    return xp.arange(6.0).reshape(2, 3)


# --- ufunc keywords: NumPy checks casting=, order=, subok= and where= ---------------------------

UFUNC_KEYWORDS = {
    "casting_not_str": lambda xp: xp.add(a23(xp), 1, casting=1),
    "casting_none": lambda xp: xp.sin(a23(xp), casting=None),
    "casting_unknown": lambda xp: xp.add(a23(xp), 1, casting="foo"),
    "order_not_str": lambda xp: xp.negative(a23(xp), order=xp.ones(2)),
    "order_unknown": lambda xp: xp.add(a23(xp), 1, order="Z"),
    "subok_not_bool": lambda xp: xp.exp(a23(xp), subok=1),
    "subok_none": lambda xp: xp.exp(a23(xp), subok=None),
    "where_float_array": lambda xp: xp.cos(a23(xp), where=xp.ones(3)),
    "where_int_array": lambda xp: xp.add(a23(xp), 1, where=xp.arange(3)),
    "where_uint8_array_with_out": lambda xp: xp.add(
        a23(xp), 1, out=xp.zeros((2, 3)), where=xp.ones(3, dtype="uint8")
    ),
    "where_not_broadcastable": lambda xp: xp.sign(a23(xp), where=xp.asarray([True, False])),
    "where_not_broadcastable_binary": lambda xp: xp.add(
        a23(xp), 1, where=xp.asarray([True, False])
    ),
}


@pytest.mark.parametrize("name", sorted(UFUNC_KEYWORDS))
def test_ufunc_keyword_errors(name):
    exc = raises_like_numpy(UFUNC_KEYWORDS[name])
    assert ":" in str(exc)  # "add: ..." (the ufunc's name first)


# A boolean ufunc's dtype= (and signature= output) names its output's dtype: only bool has a loop.
BOOL_UFUNC_OUTPUT_DTYPES = {
    "isnan_float": lambda xp: xp.isnan(a23(xp), dtype=float),
    "isfinite_int": lambda xp: xp.isfinite(a23(xp), dtype=xp.int32),
    "signbit_float": lambda xp: xp.signbit(a23(xp), dtype=float),
    "greater_float": lambda xp: xp.greater(a23(xp), 1, dtype=float),
    "logical_and_float": lambda xp: xp.logical_and(a23(xp), 1, dtype=float),
    "logical_not_int8": lambda xp: xp.logical_not(a23(xp), dtype=xp.int8),
    "equal_signature_output": lambda xp: xp.equal(a23(xp), 1, signature=(None, None, float)),
}


@pytest.mark.parametrize("name", sorted(BOOL_UFUNC_OUTPUT_DTYPES))
def test_boolean_ufunc_output_dtype_must_be_bool(name):
    raises_like_numpy(BOOL_UFUNC_OUTPUT_DTYPES[name], prefix=name.split("_")[0])


@pytest.mark.parametrize(
    "call",
    [
        lambda xp: xp.isnan(a23(xp), dtype=bool),
        lambda xp: xp.greater(a23(xp), 1, dtype=bool),
        lambda xp: xp.logical_and(a23(xp), 0, dtype=bool),
        lambda xp: xp.logical_not(a23(xp), dtype=bool),
        lambda xp: xp.equal(a23(xp), 1, signature=(None, None, bool)),
        lambda xp: xp.logical_not(2**70),
    ],
)
def test_boolean_ufunc_with_a_bool_output_dtype(call):
    assert_same(call(anp), call(np))


def test_ufunc_where_takes_part_in_the_broadcast():
    # A mask of more dimensions gives NumPy's (larger) result shape; the masked-out elements
    # are unspecified in NumPy, so only the shape and dtype are compared there.
    mask = np.ones((4, 2, 3), bool)
    with quiet():
        want = np.add(a23(np), 1, where=mask)
    got = anp.add(a23(anp), 1, where=anp.asarray(mask))
    assert got.shape == want.shape and got.dtype == want.dtype
    # What NumPy accepts stays accepted: lower-case order, order=None, a list or a Python scalar
    # as the mask, boolean masks.
    for kw in (
        {"order": "k"},
        {"order": None},
        {"casting": "unsafe"},
        {"subok": False},
        {"where": [True, False, True]},
        {"where": 1.0},
    ):
        with quiet():
            got = anp.add(a23(anp), 1, out=anp.zeros((2, 3)), **kw)
            want = np.add(a23(np), 1, out=np.zeros((2, 3)), **kw)
        assert_same(got, want)


# --- an array is not a dtype ------------------------------------------------------------------

DTYPE_FROM_ARRAY = {
    "zeros": lambda xp: xp.zeros(3, dtype=xp.zeros(2)),
    "ufunc_dtype": lambda xp: xp.add(a23(xp), 1, dtype=xp.zeros(3)),
    "promote_types": lambda xp: xp.promote_types(xp.arange(3), float),
    "can_cast_to": lambda xp: xp.can_cast("int8", xp.zeros(3, dtype="float32")),
    "astype": lambda xp: a23(xp).astype(xp.zeros(2, dtype="int8")),
    "full": lambda xp: xp.full(3, 1.0, dtype=xp.zeros(1)),
}


@pytest.mark.parametrize("name", sorted(DTYPE_FROM_ARRAY))
def test_dtype_from_an_array_is_a_type_error(name):
    raises_like_numpy(DTYPE_FROM_ARRAY[name])


# --- axes that are not integers (an internal C++ error before) --------------------------------

FLOAT_AXES = {
    "sort": lambda xp: xp.sort(a23(xp), axis=1.5),
    "argsort": lambda xp: xp.argsort(a23(xp), axis=1.5),
    "method_argsort": lambda xp: a23(xp).argsort(axis=1.5),
    "method_sort": lambda xp: a23(xp).copy().sort(axis=1.5),
}


@pytest.mark.parametrize("name", sorted(FLOAT_AXES))
def test_non_integer_axis_is_a_type_error(name):
    exc = raises_like_numpy(FLOAT_AXES[name])
    assert "std::" not in str(exc)


# --- slices with bounds past int64: clamped as Python's slice.indices --------------------------

HUGE_SLICES = [
    slice(-(2**70), 2**70),
    slice(None, 2**64),
    slice(2**63, None),
    slice(None, None, 2**63),
    slice(None, None, 2**64),
    slice(None, None, -(2**63)),
    slice(None, None, -(2**70)),
    slice(2**70, -(2**70), -1),
    slice(1, None, 2**63 - 1),
]


@pytest.mark.parametrize("index", HUGE_SLICES, ids=str)
def test_slice_bounds_past_int64(index):
    x = np.arange(6.0)
    assert_same(anp.asarray(x)[index], x[index])
    y = np.arange(12).reshape(3, 4)
    assert_same(anp.asarray(y)[1:, index], y[1:, index])


@pytest.mark.parametrize("index", HUGE_SLICES[:4], ids=str)
def test_slice_assignment_bounds_past_int64(index):
    x = np.arange(6.0)
    a = anp.asarray(x.copy())
    x[index] = -1.0
    a[index] = -1.0
    assert_same(a, x)


# --- linalg on fewer than two dimensions: LinAlgError, as NumPy ---------------------------------

LINALG_LOW_RANK = {
    "qr_1d": lambda xp: xp.linalg.qr(xp.arange(3.0)),
    "svd_1d": lambda xp: xp.linalg.svd(xp.arange(3.0)),
    "svd_0d": lambda xp: xp.linalg.svd(xp.asarray(2.0), compute_uv=False),
    "svdvals_1d": lambda xp: xp.linalg.svdvals(xp.arange(3.0)),
    "cond_0d": lambda xp: xp.linalg.cond(xp.asarray(2.0)),
    "cond_1d": lambda xp: xp.linalg.cond(xp.arange(3.0)),
}


@pytest.mark.parametrize("name", sorted(LINALG_LOW_RANK))
def test_linalg_needs_two_dimensions(name):
    exc = raises_like_numpy(LINALG_LOW_RANK[name])
    assert isinstance(exc, np.linalg.LinAlgError)


# --- `value in array` of a value arrax cannot compare ----------------------------------------


@pytest.mark.parametrize("value", ["x", {}, "int64"])
def test_contains_of_an_incomparable_value(value):
    x = np.arange(4.0)
    assert (value in anp.asarray(x)) is (value in x)


# --- transformations: JAX's errors -------------------------------------------------------------


@pytest.mark.parametrize("name", ["jit", "grad", "vmap", "value_and_grad", "jacfwd", "jacrev"])
def test_transform_of_a_non_callable(name):
    raises_like_jax(lambda: getattr(arrax, name)(3), lambda: getattr(jax, name)(3))


def test_vmap_out_axes_out_of_bounds():
    for out_axes in (3, -3):
        raises_like_jax(
            lambda: arrax.vmap(lambda x: x, out_axes=out_axes)(anp.arange(3.0)),
            lambda: jax.vmap(lambda x: x, out_axes=out_axes)(jnp.arange(3.0)),
        )
    # in range (negative too) still works
    got = arrax.vmap(lambda x: x, out_axes=-1)(anp.ones((2, 3)))
    assert_same(got, np.asarray(jax.vmap(lambda x: x, out_axes=-1)(jnp.ones((2, 3)))))


def test_jit_static_argnums_out_of_range():
    raises_like_jax(
        lambda: arrax.jit(lambda x: x, static_argnums=5)(anp.arange(3.0)),
        lambda: jax.jit(lambda x: x, static_argnums=5)(jnp.arange(3.0)),
    )
    raises_like_jax(
        lambda: arrax.jit(lambda x: x, static_argnums=-2)(anp.arange(3.0)),
        lambda: jax.jit(lambda x: x, static_argnums=-2)(jnp.arange(3.0)),
    )
    # *args takes any index, as in JAX
    f = arrax.jit(lambda *a: a[0] * a[1], static_argnums=1)
    assert_same(f(anp.arange(3.0), 2), np.arange(3.0) * 2)


def test_jit_static_argnames_unknown():
    raises_like_jax(
        lambda: arrax.jit(lambda x: x, static_argnames="zz")(anp.arange(3.0)),
        lambda: jax.jit(lambda x: x, static_argnames="zz")(jnp.arange(3.0)),
    )
    # **kwargs takes any name
    f = arrax.jit(lambda x, **kw: x * kw["n"], static_argnames="n")
    assert_same(f(anp.arange(3.0), n=2), np.arange(3.0) * 2)


def test_grad_negative_argnums_out_of_range():
    raises_like_jax(
        lambda: arrax.grad(lambda x: x.sum(), argnums=-3)(anp.arange(3.0)),
        lambda: jax.grad(lambda x: x.sum(), argnums=-3)(jnp.arange(3.0)),
    )


@pytest.mark.parametrize("dims", [(3,), (-4,), (0, 0)], ids=str)
def test_lax_expand_dims_bad_dimensions(dims):
    raises_like_jax(
        lambda: lax.expand_dims(anp.arange(3.0), dims),
        lambda: jax.lax.expand_dims(jnp.arange(3.0), dims),
    )
    # in range (negative too) as JAX
    for good in [(0,), (1,), (-1,), (0, 2), (-1, 0)]:
        got = lax.expand_dims(anp.arange(3.0), good)
        assert_same(got, np.asarray(jax.lax.expand_dims(jnp.arange(3.0), good)))


# --- crash reproducers, run in a child process so that a regression cannot end the run ---------

CRASH_PROGRAMS = {
    # NumPy's repeat wraps a total past int64 around and writes past its allocation: arrax
    # (which asks NumPy for the positions) crashed with it.
    "repeat_total_past_int64": """
        import arrax.numpy as np
        for f in (lambda: np.repeat(np.ones(4, dtype="int32"), 2**62),
                  lambda: np.ones((2, 2)).repeat(2**62, axis=1)):
            try:
                f()
            except ValueError as e:
                assert str(e).startswith("repeat"), e
            else:
                raise AssertionError("no error")
        print("ok")
    """,
    # The fuzzer's worst inputs (huge and negative sizes, slices past int64): clear Python
    # errors or NumPy's answers; a crash would be a negative return code.
    "huge_shapes_and_slices": """
        import arrax.numpy as np
        for f in (lambda: np.zeros(2**62), lambda: np.empty((2**31, 2**31, 2**31)),
                  lambda: np.ones(-1), lambda: np.arange(0, 2**62, dtype='int8'),
                  lambda: np.zeros(3).reshape(-1, -1), lambda: np.repeat(np.ones(2), 2**62),
                  lambda: np.tile(np.ones(2), -1), lambda: np.linspace(0, 1, -1),
                  lambda: np.arange(0, 1, 0), lambda: np.eye(2**40)):
            try:
                f()
            except (ValueError, MemoryError, TypeError, OverflowError, ZeroDivisionError):
                pass
        a = np.arange(6.0)
        print(a[::2**63].tolist(), a[::-(2**63)].tolist(), a[2**70:-(2**70):-1].tolist())
        print("ok")
    """,
}


@pytest.mark.parametrize("name", sorted(CRASH_PROGRAMS))
def test_no_crash_in_a_child_process(name):
    code = textwrap.dedent(CRASH_PROGRAMS[name])
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
    )
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    assert r.stdout.strip().endswith("ok"), r.stdout


# --- jax.lax's dtype rules for elementwise ops NumPy's ufuncs take more widely -------------------

LAX_DTYPE_ERRORS = [
    ("floor", "int64"),
    ("ceil", "bool"),
    ("round", "uint8"),
    ("is_finite", "int64"),
    ("is_finite", "complex128"),
    ("real", "float64"),
    ("imag", "int64"),
    ("abs", "bool"),
    ("abs", "uint8"),
    ("square", "bool"),
    ("reciprocal", "int64"),
]


@pytest.mark.parametrize("name,dtype", LAX_DTYPE_ERRORS, ids=lambda v: str(v))
def test_lax_elementwise_dtype_rules(name, dtype):
    x = np.ones(3, dtype=dtype)
    raises_like_jax(
        lambda: getattr(lax, name)(anp.asarray(x)), lambda: getattr(jax.lax, name)(jnp.asarray(x))
    )
    # the accepted dtypes still work, as JAX's
    good = np.asarray([1.5, -2.5, 3.0], dtype="complex128" if name in ("real", "imag") else None)
    assert_same(getattr(lax, name)(anp.asarray(good)), np.asarray(getattr(jax.lax, name)(good)))


def test_resize_to_a_shape_given_as_an_array():
    x = np.asarray([1, 2, 3], dtype=np.int8)
    assert_same(anp.resize(anp.asarray(x), anp.asarray([2, 3])), np.resize(x, np.asarray([2, 3])))


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.atan2(1.0),
        lambda m: m.erf(1.0, 2.0),
        lambda m: m.reduce_min(),
        lambda m: m.floor(),
    ],
)
def test_lax_wrong_argument_count_names_the_function(call):
    # Python's TypeError names the function (JAX's name), not arrax's closure "_unary.<locals>.op"
    exc = raises_like_jax(lambda: call(lax), lambda: call(jax.lax))
    assert "<locals>" not in str(exc)
    assert str(exc).split("(")[0] in ("atan2", "erf", "reduce_min", "floor"), str(exc)


# --- sizes and indices past int64 -----------------------------------------------------------

PAST_INT64 = {
    "empty": lambda xp: xp.empty(2**64),
    "zeros_tuple": lambda xp: xp.zeros((2**63,)),
    "ones_negative": lambda xp: xp.ones(-(2**64)),
    "full": lambda xp: xp.full(2**64, 1.0),
    "empty_uint64_shape": lambda xp: xp.empty(xp.asarray([2**64 - 1], dtype="uint64")),
    "reshape": lambda xp: xp.ones(3).reshape(2**64),
    "broadcast_to": lambda xp: xp.broadcast_to(xp.ones(2), (2**64, 2)),
    "eye_M": lambda xp: xp.eye(0, 2**64, 0),
    "take_index": lambda xp: xp.take(xp.arange(6), 2**63),
    "method_take_index": lambda xp: xp.arange(6).take(2**63),
    "index_uint64_scalar": lambda xp: xp.arange(6)[xp.asarray(2**63, dtype="uint64")],
}


@pytest.mark.parametrize("name", sorted(PAST_INT64))
def test_sizes_and_indices_past_int64(name):
    exc = raises_like_numpy(PAST_INT64[name])
    assert "pybind11" not in str(exc) and "Unable to cast" not in str(exc)


# --- take's indices: converted to intp as NumPy does ------------------------------------------


def test_take_index_conversion():
    x = np.arange(6)
    raises_like_numpy(lambda xp: xp.take(xp.arange(6), xp.asarray([1.0])))
    raises_like_numpy(lambda xp: xp.arange(6).take(xp.asarray([1.5])))
    # booleans are the integers 0 and 1 (not a mask); Python floats are truncated
    for idx in (np.asarray([True, False]), [1.0, 2.7], True):
        ax_idx = anp.asarray(idx) if isinstance(idx, np.ndarray) else idx
        assert_same(anp.take(anp.asarray(x), ax_idx), np.asarray(np.take(x, idx)))


# --- axes out of range / not integers ---------------------------------------------------------

AXES = {
    "tensordot_axis_list": lambda xp: xp.tensordot(xp.ones(3), xp.ones(3), axes=([5], [0])),
    "tensordot_negative_axis": lambda xp: xp.tensordot(xp.ones(3), xp.ones(3), axes=([-5], [0])),
    "tensordot_int_too_many": lambda xp: xp.tensordot(xp.ones(3), xp.ones(3), axes=5),
    "tensordot_0d": lambda xp: xp.tensordot(xp.asarray(1.0), xp.ones(3), axes=1),
    "size_axis": lambda xp: xp.size(xp.ones(3), 2),
    "fft_float_axis": lambda xp: xp.fft.fft(xp.ones(3), axis=1.5),
    "fftn_float_sizes": lambda xp: xp.fft.fftn(xp.ones((2, 2)), s=xp.asarray([2.0, 2.0])),
    "fftn_bool_sizes": lambda xp: xp.fft.fftn(xp.ones((2, 2)), s=xp.asarray([True, True])),
}


@pytest.mark.parametrize("name", sorted(AXES))
def test_bad_axes_and_sizes(name):
    raises_like_numpy(AXES[name])


def test_tensordot_and_fft_in_range_still_work():
    a, b = np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(3, 2)
    got = anp.tensordot(anp.asarray(a), anp.asarray(b), axes=([-1, 0], [0, 1]))
    assert_same(got, np.tensordot(a, b, axes=([-1, 0], [0, 1])))
    raises_like_numpy(lambda xp: xp.tensordot(xp.ones(3), xp.ones(3), axes=([3], [0])))
    x = np.arange(4.0).reshape(2, 2)
    assert_same(anp.fft.fftn(anp.asarray(x), s=anp.asarray([2, 4])), np.fft.fftn(x, s=[2, 4]))


def test_lax_sort_of_no_operands():
    raises_like_jax(lambda: lax.sort([]), lambda: jax.lax.sort([]))


# --- the same checks in arrax's Python-composed ufuncs and creation functions ------------------

PYTHON_SIDE_KEYWORDS = {
    "spacing_subok": lambda xp: xp.spacing(xp.ones(3), subok=1),
    "frexp_casting": lambda xp: xp.frexp(xp.ones(3), casting=1),
    "modf_order": lambda xp: xp.modf(xp.ones(3), order="Z"),
    "ldexp_where_float": lambda xp: xp.ldexp(xp.ones(3), 2, where=xp.ones(3)),
    "zeros_order_int": lambda xp: xp.zeros(3, order=1),
    "zeros_order_unknown": lambda xp: xp.zeros(3, order="Z"),
    "zeros_like_order": lambda xp: xp.zeros_like(xp.ones(3), order=1),
    "ones_like_order_array": lambda xp: xp.ones_like(xp.ones(2), "bool", xp.ones((2, 2))),
    "asanyarray_order": lambda xp: xp.asanyarray(xp.ones(2), "int64", xp.float32(1.5)),
    "asarray_chkfinite_order": lambda xp: xp.asarray_chkfinite(xp.ones(2), float, xp.ones(3)),
    "issubdtype_array": lambda xp: xp.issubdtype(xp.ones(3), xp.ones(2)),
    "view_array_dtype": lambda xp: xp.ones(3).view(xp.zeros(2, dtype="int64")),
}


@pytest.mark.parametrize("name", sorted(PYTHON_SIDE_KEYWORDS))
def test_python_side_keyword_checks(name):
    exc = raises_like_numpy(PYTHON_SIDE_KEYWORDS[name])
    assert ":" in str(exc)


def test_python_side_keywords_numpy_accepts():
    x = np.ones(3)
    with quiet():
        assert_same(
            anp.spacing(anp.asarray(x), where=[True, False, True], out=anp.zeros(3)),
            np.spacing(x, where=[True, False, True], out=np.zeros(3)),
        )
    assert anp.zeros((2, 2), order="F").flags.f_contiguous
    assert anp.empty_like(anp.ones(3), order="k").shape == (3,)
    assert anp.issubdtype(anp.ones(3).dtype, anp.floating)
    # ... and the check itself fails before the fix
    raises_like_numpy(PYTHON_SIDE_KEYWORDS["zeros_like_order"])


MORE_SILENT = {
    "ufunc_positional_ellipsis_out": lambda xp: xp.isnan(xp.ones(2), ...),
    "binary_ufunc_positional_ellipsis_out": lambda xp: xp.add(xp.ones(2), 1, ...),
    "broadcast_shapes_negative": lambda xp: xp.broadcast_shapes((2, -1)),
    "broadcast_shapes_negative_second": lambda xp: xp.broadcast_shapes((2,), (-1, 2)),
}


@pytest.mark.parametrize("name", sorted(MORE_SILENT))
def test_more_silent_answers_now_errors(name):
    raises_like_numpy(MORE_SILENT[name])
    # out=... as a keyword stays NumPy's "return an array"
    assert_same(anp.isnan(anp.ones(2), out=...), np.isnan(np.ones(2), out=...))


@pytest.mark.parametrize("name", ["add", "exp", "maximum"])
def test_ufunc_of_an_unconvertible_object_names_the_ufunc(name):
    ufunc = getattr(anp, name)
    args = [object()] + [1.0] * (ufunc.nin - 1)
    with pytest.raises(TypeError, match=f"^{name}: cannot convert an object of type 'object'"):
        ufunc(*args)


def test_operators_defer_to_objects_refusing_ufuncs():
    # NumPy's protocol: __array_ufunc__ = None makes an array's operators return NotImplemented,
    # so the other object's reflected operator answers (as for a SciPy sparse matrix)
    class Deferring:
        __array_ufunc__ = None

        def __rmatmul__(self, other):
            return "rmatmul"

        def __radd__(self, other):
            return "radd"

    for xp in (np, anp):
        x = xp.ones((2, 2))
        assert x @ Deferring() == "rmatmul"
        assert x + Deferring() == "radd"
