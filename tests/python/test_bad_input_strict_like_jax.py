"""jax.lax is strict where jax.numpy promotes: bad input to arrax.lax raises JAX's exception type
(a subclass of it) with a message naming the function, never a silent answer. Operands of
elementwise ops share a dtype, lists are not arrays, shapes follow JAX's rules; Python scalars
stay weak where no value changes kind (an int takes any numeric dtype, a float a floating one).
The elementwise ops come from primitive_table.CASES (those calling the public arrax.lax op)."""

import arrax.numpy as anp
import numpy as np
import pytest
from arrax import lax

from primitive_table import CASES

jax = pytest.importorskip("jax")
jnp = jax.numpy

pytestmark = pytest.mark.usefixtures("jax_x64")

_EXTRA_UNARY = ["sign", "floor", "ceil", "round", "is_finite", "square", "rsqrt", "logistic"]
_EXTRA_BINARY = ["eq", "ne", "lt", "le", "gt", "ge", "nextafter", "igamma", "igammac", "zeta"]
UNARY = list(dict.fromkeys(
    [c.name for c in CASES if c.fn is getattr(lax, c.name, None) and len(c.args) == 1]
    + _EXTRA_UNARY
))  # fmt: skip
BINARY = list(dict.fromkeys(
    [c.name for c in CASES if c.fn is getattr(lax, c.name, None) and len(c.args) == 2]
    + _EXTRA_BINARY
))  # fmt: skip
INTEGER_BINARY = ["shift_left", "shift_right_logical", "shift_right_arithmetic",
                  "bitwise_and", "bitwise_or", "bitwise_xor"]  # fmt: skip


def f64(xp, *shape):
    return xp.asarray(np.linspace(0.2, 0.8, int(np.prod(shape))).reshape(shape))


def i64(xp, *shape):
    return xp.asarray(np.arange(int(np.prod(shape))).reshape(shape) % 3 + 1)


def raises_like_jax(call, name):
    """call(lax module, numpy-like module) raises in JAX; arrax raises a subclass of JAX's
    exception, its message starting with the function's name (or lax.<name>, JAX's form)."""
    with pytest.raises(Exception) as want:
        call(jax.lax, jnp)
    with pytest.raises(Exception) as got:
        call(lax, anp)
    assert isinstance(got.value, type(want.value)), (
        f"arrax raised {type(got.value).__name__}: {got.value}; JAX "
        f"{type(want.value).__name__}: {want.value}"
    )
    msg = str(got.value)
    assert msg.split(" ")[0].split(":")[0].removeprefix("lax.") in name, msg


def same_as_jax(call):
    want, got = call(jax.lax, jnp), call(lax, anp)
    for w, g in zip(jax.tree_util.tree_leaves(want), jax.tree_util.tree_leaves(got)):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6, atol=1e-12)


# --- elementwise ops: lists, mixed dtypes, shapes, Python scalars of another kind ---------------


@pytest.mark.parametrize("name", UNARY)
def test_unary_rejects_a_list(name):
    raises_like_jax(lambda L, xp: getattr(L, name)([0.5, 0.25]), name)


@pytest.mark.parametrize("name", BINARY + INTEGER_BINARY)
@pytest.mark.parametrize(
    "variant", ["list0", "list1", "mixed0", "mixed1", "shape", "rank", "float_for_int"]
)
def test_binary_bad_operands(name, variant):
    make = i64 if name in INTEGER_BINARY else f64
    narrow = np.int32 if name in INTEGER_BINARY else np.float32

    def call(L, xp):
        x, y = make(xp, 2, 3), make(xp, 2, 3)
        if variant == "list0":
            x = np.asarray(x).tolist()
        elif variant == "list1":
            y = np.asarray(y).tolist()
        elif variant == "mixed0":
            x = x.astype(narrow)
        elif variant == "mixed1":
            y = y.astype(narrow)
        elif variant == "shape":
            y = make(xp, 2, 4)
        elif variant == "rank":
            y = make(xp, 3)
        else:  # a Python float with an integer operand
            x, y = i64(xp, 2, 3), 1.5
        return getattr(L, name)(x, y)

    if variant == "float_for_int" and name in ("pow",):
        pytest.skip("pow refuses integer bases first, as JAX's (checked below)")
    raises_like_jax(call, name)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "max", "atan2", "eq", "nextafter"])
@pytest.mark.parametrize("scalar", [True, 1j])
def test_python_scalar_of_another_kind(name, scalar):
    raises_like_jax(lambda L, xp: getattr(L, name)(f64(xp, 3), scalar), name)


@pytest.mark.parametrize("name", ["add", "mul"])
def test_add_and_mul_refuse_bool(name):
    raises_like_jax(lambda L, xp: getattr(L, name)(xp.ones(3, bool), xp.ones(3, bool)), name)


def test_pow_refuses_integer_bases():
    raises_like_jax(lambda L, xp: L.pow(i64(xp, 3), i64(xp, 3)), "pow")


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp"])
def test_cumulative_ops_refuse_bool(name):
    raises_like_jax(lambda L, xp: getattr(L, name)(xp.ones(3, bool)), name)


@pytest.mark.parametrize("name", ["reduce_sum", "reduce_prod"])
def test_sum_and_prod_reductions_refuse_bool(name):
    raises_like_jax(lambda L, xp: getattr(L, name)(xp.ones(3, bool), (0,)), name)


# --- structured ops -------------------------------------------------------------------------

STRUCTURED = {
    "clamp_mixed": ("clamp", lambda L, xp: L.clamp(f64(xp).astype(np.float32), f64(xp, 3), 1.0)),
    "clamp_list": ("clamp", lambda L, xp: L.clamp(0.0, [0.5, 0.7], 1.0)),
    "clamp_shape": ("clamp", lambda L, xp: L.clamp(f64(xp, 4), f64(xp, 3), 1.0)),
    "clamp_int_bound_for_ints": ("clamp", lambda L, xp: L.clamp(0.5, i64(xp, 3), 2)),
    "select_list": ("select", lambda L, xp: L.select([True, False], f64(xp, 2), f64(xp, 2))),
    "select_n_float_which": ("select_n", lambda L, xp: L.select_n(f64(xp, 3), f64(xp, 3))),
    "select_n_mixed": (
        "select_n",
        lambda L, xp: L.select_n(xp.ones(3, bool), f64(xp, 3), f64(xp, 3).astype(np.float32)),
    ),
    "select_n_shapes": (
        "select_n",
        lambda L, xp: L.select_n(xp.ones(3, bool), f64(xp, 3), f64(xp, 4)),
    ),
    "concatenate_list": ("concatenate", lambda L, xp: L.concatenate([[1.0, 2.0], f64(xp, 2)], 0)),
    "pad_value_dtype": ("pad", lambda L, xp: L.pad(f64(xp, 3), xp.float32(0), [(1, 1, 0)])),
    "pad_float_for_ints": ("pad", lambda L, xp: L.pad(i64(xp, 3), 0.5, [(1, 1, 0)])),
    "pad_list": ("pad", lambda L, xp: L.pad([1.0, 2.0], 0.0, [(1, 1, 0)])),
    "dot_general_list": (
        "dot_general",
        lambda L, xp: L.dot_general([1.0, 2.0], f64(xp, 2), (((0,), (0,)), ((), ()))),
    ),
    "dot_general_contracting": (
        "dot_general",
        lambda L, xp: L.dot_general(f64(xp, 2, 3), f64(xp, 4, 3), (((1,), (0,)), ((), ()))),
    ),
    "dot_general_batch": (
        "dot_general",
        lambda L, xp: L.dot_general(
            f64(xp, 2, 2, 3), f64(xp, 3, 3, 4), (((2,), (1,)), ((0,), (0,)))
        ),
    ),
    "dot_general_dimension_out_of_range": (
        "dot_general",
        lambda L, xp: L.dot_general(f64(xp, 2, 3), f64(xp, 3, 4), (((2,), (0,)), ((), ()))),
    ),
    "conv_mixed": (
        "conv_general_dilated",
        lambda L, xp: L.conv(
            f64(xp, 1, 1, 4, 4), f64(xp, 1, 1, 2, 2).astype(np.float32), (1, 1), "VALID"
        ),
    ),  # fmt: skip
    "reduce_sum_list": ("reduce_sum", lambda L, xp: L.reduce_sum([1.0, 2.0], (0,))),
    "reduce_max_list": ("reduce_max", lambda L, xp: L.reduce_max([1.0, 2.0], (0,))),
    "reduce_init_dtype": (
        "reduce",
        lambda L, xp: L.reduce(f64(xp, 3), f64(xp).astype(np.float32), L.add, (0,)),
    ),
    "cumsum_list": ("cumsum", lambda L, xp: L.cumsum([1.0, 2.0], 0)),
    "argmax_list": ("argmax", lambda L, xp: L.argmax([2.0, 1.0], 0, np.int32)),
    "argmax_complex": ("argmax", lambda L, xp: L.argmax(f64(xp, 3) + 1j, 0, np.int32)),
    "reshape_list": ("reshape", lambda L, xp: L.reshape([1.0, 2.0], (2, 1))),
    "transpose_list": ("transpose", lambda L, xp: L.transpose([1.0, 2.0], (0,))),
    "rev_list": ("rev", lambda L, xp: L.rev([1.0, 2.0], (0,))),
    "slice_list": ("slice", lambda L, xp: L.slice([1.0, 2.0], (0,), (1,))),
    "squeeze_list": ("squeeze", lambda L, xp: L.squeeze([[1.0, 2.0]], (0,))),
    "integer_pow_list": ("integer_pow", lambda L, xp: L.integer_pow([2.0, 1.0], 2)),
    "integer_pow_bool": ("integer_pow", lambda L, xp: L.integer_pow(xp.ones(3, bool), 2)),
    "dynamic_update_slice_dtype": (
        "dynamic_update_slice",
        lambda L, xp: L.dynamic_update_slice(f64(xp, 3), f64(xp, 1).astype(np.float32), (0,)),
    ),
    "dynamic_update_slice_rank": (
        "dynamic_update_slice",
        lambda L, xp: L.dynamic_update_slice(f64(xp, 3), 1.0, (0,)),
    ),
    "complex_mixed": ("complex", lambda L, xp: L.complex(f64(xp, 3), f64(xp, 3).astype("f4"))),
    "complex_ints": ("complex", lambda L, xp: L.complex(i64(xp, 3), i64(xp, 3))),
    "betainc_mixed": (
        "betainc regularized_incomplete_beta",
        lambda L, xp: L.betainc(f64(xp, 3), f64(xp, 3), f64(xp, 3).astype(np.float32)),
    ),
    "polygamma_mixed": (
        "polygamma",
        lambda L, xp: L.polygamma(f64(xp, 3).astype(np.float32), f64(xp, 3)),
    ),
    "igamma_grad_a_shapes": (
        "igamma_grad_a",
        lambda L, xp: L.igamma_grad_a(f64(xp, 3), f64(xp, 4)),
    ),
    "sort_shapes": ("sort", lambda L, xp: L.sort_key_val(f64(xp, 3), f64(xp, 4))),
    "top_k_list": ("top_k", lambda L, xp: L.top_k([1.0, 2.0], 1)),
    "top_k_complex": ("top_k", lambda L, xp: L.top_k(f64(xp, 3) + 1j, 1)),
}


@pytest.mark.parametrize("case", list(STRUCTURED), ids=str)
def test_structured_op_bad_input(case):
    name, call = STRUCTURED[case]
    raises_like_jax(call, name)


# --- what JAX accepts still works ------------------------------------------------------------

GOOD = [
    lambda L, xp: L.add(f64(xp, 3), 1.0),
    lambda L, xp: L.add(np.ones(3), np.ones(3)),
    lambda L, xp: L.mul(i64(xp, 3), 2),
    lambda L, xp: L.pow(f64(xp, 3), 2),
    lambda L, xp: L.max(xp.ones(3, bool), xp.ones(3, bool)),
    lambda L, xp: L.clamp(0.0, f64(xp, 3), 1.0),
    lambda L, xp: L.pad(f64(xp, 3), 0.0, [(1, 1, 0)]),
    lambda L, xp: L.select_n(i64(xp, 3) % 2, f64(xp, 3), f64(xp, 3) + 1),
    lambda L, xp: L.dot_general(i64(xp, 2, 3), f64(xp, 3), (((1,), (0,)), ((), ()))),
    lambda L, xp: L.reduce(f64(xp, 3), 0.0, L.add, (0,)),
    lambda L, xp: L.complex(1.0, f64(xp, 3)),
    lambda L, xp: L.sort([f64(xp, 3), i64(xp, 3)], num_keys=1),
]


@pytest.mark.parametrize("k", range(len(GOOD)))
def test_what_jax_accepts_still_works(k):
    same_as_jax(GOOD[k])
