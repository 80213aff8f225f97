"""One table of primitive applications that drives the transformation tests
(test_primitive_rules.py): jvp and vjp against finite differences to second order, vmap
against a Python loop for each batched operand, jit against eager evaluation.

Each entry applies one engine primitive (through arrax.lax) to sample operands. Adding a
primitive adds an entry here; test_rules_registry.py fails for a primitive with no entry.
"""

from dataclasses import dataclass
from typing import Callable

import arrax.lax as lax
import numpy as np

rng = np.random.default_rng(0)


def real(*shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, shape).astype(np.float64)


def pos(*shape):
    return real(*shape, lo=0.3, hi=2.0)


def unit(*shape):  # inside (-1, 1)
    return real(*shape, lo=-0.8, hi=0.8)


def ints(*shape, lo=0, hi=5):
    return rng.integers(lo, hi, shape).astype(np.int64)


@dataclass
class Case:
    name: str  # the primitive it exercises
    fn: Callable
    args: tuple
    diff: bool = True  # differentiable: checked against finite differences
    label: str = ""

    @property
    def id(self):
        return self.label or self.name


def _unary(name, domain=real, shape=(3, 4)):
    return Case(name, getattr(lax, name), (domain(*shape),))


def _binary(name, d1=real, d2=real, shape=(3, 4)):
    return Case(name, getattr(lax, name), (d1(*shape), d2(*shape)))


CASES = [
    _unary("neg"),
    _unary("abs", lambda *s: real(*s) + np.sign(real(*s)) * 0.5),
    _unary("sqrt", pos),
    _unary("cbrt", pos),
    _unary("exp"),
    _unary("exp2"),
    _unary("expm1"),
    _unary("log", pos),
    Case("log2", lambda x: lax.bind1("log2", x), (pos(3, 4),)),
    Case("log10", lambda x: lax.bind1("log10", x), (pos(3, 4),)),
    _unary("log1p", pos),
    _unary("sin"),
    _unary("cos"),
    _unary("tan", unit),
    _unary("asin", unit),
    _unary("acos", unit),
    _unary("atan"),
    _unary("sinh"),
    _unary("cosh"),
    _unary("tanh"),
    _unary("asinh"),
    _unary("acosh", lambda *s: real(*s, lo=1.2, hi=3.0)),
    _unary("atanh", unit),
    Case("reciprocal", lambda x: lax.bind1("reciprocal", x), (pos(3, 4),)),
    _unary("erf_inv", unit),
    _unary("erf"),
    _unary("erfc"),
    _unary("lgamma", pos),
    _unary("digamma", pos),
    Case("polygamma", lambda x: lax.polygamma(2, x), (pos(3, 4),)),
    Case("zeta", lambda x, q: lax.zeta(x + 1.5, q), (pos(3, 4), pos(3, 4)), diff=False),
    Case("zeta", lambda q: lax.zeta(np.full((3, 4), 3.0), q), (pos(3, 4),), label="zeta_in_q"),
    Case("real", lambda x: lax.real(x + 0j), (real(3),), diff=False),
    # (the engine's primitives on real operands, which jax.lax.real/imag refuse)
    Case("real", lambda x: lax.bind1("real", x), (real(3),), label="real_of_real"),
    Case("imag", lambda x: lax.add(lax.bind1("imag", x), x), (real(3),), label="imag_of_real"),
    Case("imag", lambda x: lax.imag(x * 1j), (real(3),), diff=False),
    Case("conj", lambda x: lax.real(lax.conj(x + 0j)), (real(3),)),
    Case("copy", lambda x: lax.bind1("copy", x), (real(3, 2),)),
    Case("stop_gradient", lambda x: lax.mul(lax.stop_gradient(x), x), (real(3),), diff=False),
    _binary("add"),
    _binary("sub"),
    _binary("mul"),
    _binary("div", real, pos),
    _binary("rem", pos, lambda *s: real(*s, lo=0.7, hi=0.9)),
    Case(
        "fmod",
        lambda x, y: lax.bind1("fmod", x, y),
        (pos(3, 4), real(3, 4, lo=0.7, hi=0.9)),
    ),
    _binary("pow", pos, real),
    _binary("max"),
    _binary("min"),
    Case("fmax", lambda x, y: lax.bind1("fmax", x, y), (real(3, 4), real(3, 4))),
    Case("fmin", lambda x, y: lax.bind1("fmin", x, y), (real(3, 4), real(3, 4))),
    _binary("atan2", real, pos),
    Case("hypot", lambda x, y: lax.bind1("hypot", x, y), (pos(3, 4), pos(3, 4))),
    Case("copysign", lambda x, y: lax.bind1("copysign", x, y), (pos(3, 4), real(3, 4))),
    Case("logaddexp", lambda x, y: lax.bind1("logaddexp", x, y), (real(3, 4), real(3, 4))),
    Case("logaddexp2", lambda x, y: lax.bind1("logaddexp2", x, y), (real(3, 4), real(3, 4))),
    Case("select", lambda a, b: lax.select(lax.gt(a, b), a, b), (real(3, 4), real(3, 4))),
    Case(
        "convert_element_type",
        lambda x: lax.convert_element_type(lax.convert_element_type(x, np.float32), np.float64),
        (real(3),),
        diff=False,
    ),
    Case("broadcast_in_dim", lambda x: lax.broadcast_in_dim(x, (2, 3, 4), (1, 2)), (real(3, 1),)),
    Case("reshape", lambda x: lax.reshape(x, (2, 6)), (real(3, 4),)),
    Case("transpose", lambda x: lax.transpose(x, (1, 0)), (real(3, 4),)),
    Case("slice", lambda x: lax.slice(x, (0, 1), (3, 4), (2, 2)), (real(3, 4),)),
    Case(
        "slice",
        lambda x: lax.slice(x, (2, 3), (-1, 0), (-1, -2)),
        (real(3, 4),),
        label="slice_negative_strides",
    ),
    Case("pad", lambda x: lax.pad(x, 0.5, [(1, -1, 1), (0, 2, 0)]), (real(3, 4),)),
    Case("pad", lambda x, v: lax.pad(x, v, [(1, 2, 0)]), (real(3), real()), label="pad_value"),
    Case("concatenate", lambda x, y: lax.concatenate([x, y], 1), (real(3, 2), real(3, 4))),
    Case("rev", lambda x: lax.rev(x, (0,)), (real(3, 4),)),
    Case("dynamic_slice", lambda x: lax.dynamic_slice(x, (1, 2), (2, 2)), (real(3, 4),)),
    Case(
        "dynamic_update_slice",
        lambda x, u: lax.dynamic_update_slice(x, u, (1, 1)),
        (real(3, 4), real(2, 2)),
    ),
    Case(
        "take", lambda x: lax.bind1("take", x, lax.asarray(np.array([[2, 0], [2, 1]]))), (real(3),)
    ),
    Case(
        "scatter_add",
        lambda u: lax.bind1("scatter_add", u, lax.asarray(np.array([0, 2, 0])), size=4),
        (real(3),),
    ),
    *[
        Case(
            "scatter",
            (
                lambda m: (
                    lambda x, u: lax.bind1("scatter", x, lax.asarray(np.array([3, 0])), u, mode=m)
                )
            )(m),
            (real(5), real(2)),
            label=f"scatter_{m}",
        )
        for m in ("set", "add", "mul", "min", "max")
    ],
    Case("reduce_sum", lambda x: lax.reduce_sum(x, (1,)), (real(3, 4),)),
    Case("reduce_prod", lambda x: lax.reduce_prod(x, (0,)), (real(3, 4),)),
    Case("reduce_max", lambda x: lax.reduce_max(x, (1,)), (real(3, 4),)),
    Case("reduce_min", lambda x: lax.reduce_min(x, (0, 1)), (real(3, 4),)),
    Case("reduce_and", lambda x: lax.reduce_and(lax.gt(x, 0.0), (1,)), (real(3, 4),), diff=False),
    Case("reduce_or", lambda x: lax.reduce_or(lax.gt(x, 0.0), (1,)), (real(3, 4),), diff=False),
    Case("argmax", lambda x: lax.argmax(x, 1), (real(3, 4),), diff=False),
    Case("sort", lambda x: lax.bind1("sort", x, axis=1), (real(3, 4),)),
    Case("sort", lambda x: lax.bind1("sort", x, axis=0), (real(3, 4),), label="sort_axis0"),
    Case("argsort", lambda x: lax.bind1("argsort", x, axis=1), (real(3, 4),), diff=False),
    Case("argmin", lambda x: lax.argmin(x, 0), (real(3, 4),), diff=False),
    Case("cumsum", lambda x: lax.cumsum(x, 1), (real(3, 4),)),
    Case("cumsum", lambda x: lax.cumsum(x, 0, reverse=True), (real(3, 4),), label="cumsum_rev"),
    Case("cumprod", lambda x: lax.cumprod(x, 1), (pos(3, 4),)),
    Case("cummax", lambda x: lax.cummax(x, 1), (real(3, 4),)),
    Case("cummin", lambda x: lax.cummin(x, 0, reverse=True), (real(3, 4),)),
    Case(
        "dot_general",
        lambda x, y: lax.dot_general(x, y, (((1,), (0,)), ((), ()))),
        (real(3, 4), real(4, 2)),
    ),
    Case(
        "dot_general",
        lambda x, y: lax.dot_general(x, y, (((2,), (1,)), ((0,), (0,)))),
        (real(2, 3, 4), real(2, 4, 3)),
        label="dot_general_batched",
    ),
    Case(
        "dot_general",
        lambda x, y: lax.dot_general(x, y, (((0,), (1,)), ((), ()))),
        (real(4, 3), real(2, 4)),
        label="dot_general_transposed",
    ),
    Case(
        "iota",
        lambda x: lax.mul(x, lax.convert_element_type(lax.iota(np.int64, 3), x.dtype)),
        (real(3),),
    ),
    Case(
        "threefry2x32",
        lambda k: lax.bind("threefry2x32", k, k, k, k)[0],
        (ints(3).astype(np.uint32),),
        diff=False,
    ),
    Case(
        "bitcast_convert_type",
        lambda k: lax.bind1("bitcast_convert_type", k, new_dtype=np.dtype(np.float32)),
        (ints(3).astype(np.uint32),),
        diff=False,
    ),
    # Elementwise primitives without a derivative (zero tangents).
    *[
        Case(n, (lambda n: lambda x, y: lax.bind1(n, x, y))(n), (real(3), real(3)), diff=False)
        for n in ("eq", "ne", "lt", "le", "gt", "ge", "nextafter", "floor_div")
    ],
    *[
        Case(n, (lambda n: lambda x: lax.bind1(n, x))(n), (real(3),), diff=False)
        for n in (
            "sign",
            "floor",
            "ceil",
            "trunc",
            "round",
            "is_nan",
            "is_inf",
            "is_finite",
            "signbit",
        )
    ],
    *[
        Case(
            n, (lambda n: lambda x, y: lax.bind1(n, x, y))(n), (ints(3), ints(3, hi=3)), diff=False
        )
        for n in ("and", "or", "xor", "shift_left", "shift_right")
    ],
    Case("not", lambda x: lax.bind1("not", x), (ints(3),), diff=False),
]


def _spd(*shape):  # a symmetric positive definite matrix (stack)
    m = real(*shape)
    return m @ np.swapaxes(m, -1, -2) + 3 * np.eye(shape[-1])


def _well_conditioned(*shape):
    return real(*shape) + 4 * np.eye(shape[-1])


def _distinct_spectrum(n):  # a symmetric matrix with well separated eigenvalues
    q, _ = np.linalg.qr(real(n, n))
    return q @ np.diag(np.arange(1.0, n + 1) * 1.5) @ q.T


def _sym(f):
    # eigenvectors are defined up to sign: compare a sign-free function of them
    return lambda a: f(a)


CASES += [
    Case("linalg_inv", lambda a: lax.bind1("linalg_inv", a), (_well_conditioned(3, 3),)),
    Case(
        "linalg_solve",
        lambda a, b: lax.bind1("linalg_solve", a, b),
        (_well_conditioned(3, 3), real(3, 2)),
    ),
    Case("linalg_lu", lambda a: lax.bind("linalg_lu", a)[0], (_well_conditioned(3, 3),)),
    Case(
        "linalg_triangular_solve",
        lambda a, b: lax.bind1("linalg_triangular_solve", a, b, lower=1, trans=0, unit_diagonal=0),
        (_well_conditioned(3, 3), real(3, 2)),
    ),
    Case(
        "linalg_triangular_solve",
        lambda a, b: lax.bind1("linalg_triangular_solve", a, b, lower=0, trans=1, unit_diagonal=1),
        (_well_conditioned(3, 3), real(3, 2)),
        label="linalg_triangular_solve_transposed_unit",
    ),
    Case(
        "linalg_slogdet",
        lambda a: lax.bind("linalg_slogdet", a)[1],
        (_well_conditioned(3, 3),),
    ),
    Case("linalg_cholesky", lambda a: lax.bind1("linalg_cholesky", a), (_spd(3, 3),)),
    Case(
        "linalg_qr",
        lambda a: lax.bind("linalg_qr", a)[0] + lax.bind("linalg_qr", a)[1][0:1, :2].sum(),
        (_well_conditioned(4, 3) if False else real(4, 3) + np.eye(4, 3) * 3,),
    ),
    Case(
        "linalg_svd",
        lambda a: lax.bind("linalg_svd", a)[1],
        (real(4, 3) + np.eye(4, 3) * np.array([3.0, 2.0, 1.0]),),
    ),
    Case(
        "linalg_svd",
        lambda a: lax.mul(lax.bind("linalg_svd", a)[0], lax.bind("linalg_svd", a)[0]),
        (real(3, 3) + np.diag([3.0, 2.0, 1.0]),),
        label="linalg_svd_vectors",
    ),
    Case(
        "linalg_eigh",
        lambda a: lax.bind("linalg_eigh", a, UPLO="L")[0],
        (_distinct_spectrum(3),),
    ),
    Case(
        "linalg_eigh",
        lambda a: lax.mul(
            lax.bind("linalg_eigh", a, UPLO="L")[1], lax.bind("linalg_eigh", a, UPLO="L")[1]
        ),
        (_distinct_spectrum(3),),
        label="linalg_eigh_vectors",
    ),
    Case(
        "linalg_eig",
        # (sorted: the order of eigenvalues is the solver's, LAPACK's and cuSOLVER's differ)
        lambda a: lax.sort(lax.real(lax.bind("linalg_eig", a)[0])),
        (_distinct_spectrum(3) + np.triu(real(3, 3), 1) * 0.1,),
    ),
    # The Schur family has no derivative (none in JAX either): vmap and jit only.
    Case("linalg_schur", lambda a: lax.bind("linalg_schur", a)[0], (real(4, 4),), diff=False),
    Case(
        "linalg_hessenberg",
        lambda a: lax.bind("linalg_hessenberg", a)[0],
        (real(4, 4),),
        diff=False,
    ),
    Case(
        "linalg_tridiagonal",
        lambda a: lax.bind("linalg_tridiagonal", a, lower=0)[0],
        (real(4, 4),),
        diff=False,
    ),
    Case(
        "linalg_householder_product",
        lambda a, t: lax.bind1("linalg_householder_product", a, t),
        (real(4, 3), real(2)),
        diff=False,
    ),
]

CASES += [
    Case(
        "fft",
        lambda x: lax.real(
            lax.bind1(
                "fft",
                lax.convert_element_type(x, np.complex128),
                inverse=False,
                axes=(1,),
                norm="backward",
            )
        ),
        (real(3, 4),),
    ),
    Case(
        "fft",
        lambda x: lax.imag(
            lax.bind1(
                "fft",
                lax.convert_element_type(x, np.complex128),
                inverse=True,
                axes=(0, 1),
                norm="ortho",
            )
        ),
        (real(3, 4),),
        label="ifft2_ortho",
    ),
    Case(
        "rfft",
        lambda x: lax.imag(lax.bind1("rfft", x, axes=(0, 1), norm="backward")),
        (real(3, 4),),
    ),
    Case(
        "irfft",
        lambda x: lax.bind1(
            "irfft", lax.convert_element_type(x, np.complex128), axes=(1,), n=5, norm="forward"
        ),
        (real(3, 3),),
    ),
    Case(
        "irfft",
        lambda x: lax.bind1(
            "irfft", lax.convert_element_type(x, np.complex128), axes=(0, 1), n=4, norm="backward"
        ),
        (real(3, 3),),
        label="irfft2_even",
    ),
]

_CONV = dict(strides=(2, 1), padding=(1, 0, 2, 1), dilation=(1, 2), groups=2)
CASES += [
    Case(
        "conv", lambda x, w: lax.bind1("conv", x, w, **_CONV), (real(2, 4, 5, 6), real(4, 2, 3, 2))
    ),
    Case(
        "conv_input_grad",
        lambda c, w: lax.bind1("conv_input_grad", c, w, shape=(2, 4, 5, 6), **_CONV),
        (real(2, 4, 2, 7), real(4, 2, 3, 2)),
    ),
    Case(
        "conv_weight_grad",
        lambda x, c: lax.bind1("conv_weight_grad", x, c, shape=(4, 2, 3, 2), **_CONV),
        (real(2, 4, 5, 6), real(2, 4, 2, 7)),
    ),
]

_POOL = dict(window=(2, 3), strides=(2, 1), padding=(1, 0, 0, 2))
CASES += [
    Case("max_pool", lambda x: lax.bind1("max_pool", x, **_POOL), (real(2, 3, 5, 4),)),
    Case(
        "max_pool_gather",
        lambda x, t: lax.bind1("max_pool_gather", x, t, **_POOL),
        (real(2, 3, 5, 4), real(2, 3, 5, 4)),
    ),
    Case(
        "max_pool_scatter",
        lambda x, g: lax.bind1("max_pool_scatter", x, g, **_POOL),
        (real(2, 3, 5, 4), real(2, 3, 3, 4)),
    ),
]

# Primitives covered elsewhere: control flow and calls (test_control_flow.py, test_jit.py),
# and the engine-internal ones the transformations make themselves.
COVERED_ELSEWHERE = {
    "jit": "test_transforms.py (grad/vmap of jit)",
    "fused": "made by the jit's fusion pass; test_jit_passes.py",
    "cond": "test_control_flow.py",
    "while": "test_control_flow.py",
    "scan": "test_control_flow.py",
    "custom_lin": "made by custom_vjp/checkpoint; test_transforms.py",
    "custom_call": "custom_jvp/custom_vjp staged under jit; test_transforms.py",
    "custom_linear_solve": "lax.custom_linear_solve, cg/bicgstab/gmres; test_lax_implicit.py, "
    "test_scipy_sparse_linalg.py",
    "pure_callback": "host callbacks: test_jax_helpers.py",
    "debug_callback": "arrax.debug.print: test_jax_helpers.py",
    "io_callback": "jax.experimental.io_callback: test_jax_api_gaps_like_jax.py",
}
