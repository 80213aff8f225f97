"""arrax.scipy.linalg's special matrices and polar decomposition against JAX (values,
shapes, dtypes, batching) and SciPy (values).

Each constructor case runs every check: JAX, SciPy, batching over leading dimensions (for
the constructors from vectors), jit, and derivatives where the entries are differentiable.
"""

from dataclasses import dataclass, field
from typing import Callable

import arrax
import arrax.scipy.linalg as al
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402
import jax.scipy.linalg as jl  # noqa: E402

sl = pytest.importorskip("scipy.linalg")
rng = np.random.default_rng(0)


@dataclass
class Case:
    id: str
    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    # SciPy's call, when it takes the same arguments (None: no SciPy counterpart to compare)
    scipy: Callable | None = "same"
    # JAX's float32 pascal and its exp(lgamma) binomials are approximations; arrax's are exact
    jax_rtol: float = 1e-12
    # which positional arguments are vectors to batch over (constructors from vectors)
    vector_args: tuple = ()


def _v(*xs):
    return np.array(xs)


CASES = [
    Case("hankel_c", "hankel", (_v(1, 2, 3),), vector_args=(0,)),
    Case("hankel_c_r", "hankel", (_v(1, 2, 3), _v(9, 4, 5, 6)), vector_args=(0, 1)),
    Case("hankel_float", "hankel", (rng.normal(size=4), rng.normal(size=2)), vector_args=(0, 1)),
    Case("hankel_1", "hankel", (_v(7.0),), vector_args=(0,)),
    Case("circulant_int", "circulant", (_v(1, 2, 3),), vector_args=(0,)),
    Case("circulant_complex", "circulant", (rng.normal(size=4) + 1j,), vector_args=(0,)),
    Case("leslie", "leslie", (_v(0.1, 2.0, 1.0, 0.1), _v(0.2, 0.8, 0.7)), vector_args=(0, 1)),
    Case("leslie_int", "leslie", (_v(1, 2, 3), _v(4, 5)), vector_args=(0, 1)),
    Case("companion", "companion", (_v(1.0, -10.0, 31.0, -30.0),), vector_args=(0,)),
    Case("companion_int", "companion", (_v(2, 3, 4),), vector_args=(0,)),
    Case("companion_2", "companion", (_v(2.0, 5.0),), vector_args=(0,)),
    Case("fiedler_int", "fiedler", (_v(1, 4, 12, 45, 77),), vector_args=(0,)),
    Case("fiedler_float", "fiedler", (rng.normal(size=5),), vector_args=(0,)),
    *[
        Case(
            f"fiedler_companion_{k}",
            "fiedler_companion",
            (rng.normal(size=k) + 2,),
            scipy="same" if k > 1 else None,
            vector_args=(0,),
        )  # fmt: skip
        for k in (1, 2, 3, 4, 5, 8)
    ],
    *[
        Case(
            f"convolution_matrix_{mode}_{m}_{n}",
            "convolution_matrix",
            (np.arange(1, m + 1), n, mode),
            vector_args=(0,),
        )  # fmt: skip
        for mode in ("full", "same", "valid")
        for m, n in ((3, 5), (5, 3), (1, 1), (4, 4), (2, 7))
    ],
    Case(
        "convolution_matrix_float",
        "convolution_matrix",
        (rng.normal(size=3), 4, "same"),
        vector_args=(0,),
    ),  # fmt: skip
    Case("hilbert_0", "hilbert", (0,)),
    Case("hilbert_5", "hilbert", (5,)),
    Case("invhilbert_1", "invhilbert", (1,)),
    Case("invhilbert_8", "invhilbert", (8,), jax_rtol=1e-12),
    *[
        Case(
            f"pascal_{kind}",
            "pascal",
            (6, kind),
            jax_rtol=1e-5,
            scipy=lambda n, kind: sl.pascal(n, kind or "symmetric"),
        )  # fmt: skip
        for kind in (None, "lower", "upper")
    ],
    Case("pascal_20", "pascal", (20,), jax_rtol=1e-5, scipy=lambda n: sl.pascal(n)),
    *[
        Case(
            f"invpascal_{kind}",
            "invpascal",
            (7, kind),
            jax_rtol=1e-9,
            scipy=lambda n, kind: sl.invpascal(n, kind or "symmetric"),
        )  # fmt: skip
        for kind in (None, "lower", "upper")
    ],
    *[
        Case(f"helmert_{n}_{full}", "helmert", (n,), {"full": full})
        for n in (1, 2, 5)
        for full in (False, True)
    ],
    *[Case(f"hadamard_{n}", "hadamard", (n,)) for n in (1, 2, 8)],
    Case("hadamard_float32", "hadamard", (4, np.float32)),
    *[Case(f"dft_{s}", "dft", (6, s)) for s in (None, "sqrtn", "n")],
    Case("dft_1", "dft", (1,)),
    Case("dft_complex64", "dft", (5,), {"dtype": np.complex64}, scipy=None, jax_rtol=1e-6),
]


def _call(module, c, args=None):
    return getattr(module, c.name)(*(c.args if args is None else args), **c.kwargs)


@pytest.fixture(params=CASES, ids=lambda c: c.id)
def case(request):
    return request.param


def test_matches_jax(case):
    got = _call(al, case)
    want = _call(jl, case)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=case.jax_rtol, atol=1e-12)


def test_matches_scipy(case):
    if case.scipy is None:
        pytest.skip(f"{case.id}: no SciPy counterpart with these arguments")
    got = np.asarray(_call(al, case))
    if case.scipy == "same":
        want = getattr(sl, case.name)(*case.args, **case.kwargs)
    else:
        want = case.scipy(*case.args, **case.kwargs)
    assert got.shape == np.shape(want)
    # SciPy's exact integer Pascal matrices, rounded once, are what arrax gives
    np.testing.assert_allclose(got, np.asarray(want).astype(got.dtype), rtol=1e-12, atol=1e-12)


def test_batches_over_leading_dimensions(case):
    # A stack of vectors gives the stack of matrices (JAX's batching; SciPy's take one).
    if not case.vector_args:
        pytest.skip(f"{case.id}: built from an order, not from vectors")
    args = list(case.args)
    for i in case.vector_args:
        v = np.asarray(args[i])
        args[i] = np.stack([v, v * 2 + 1, v - 3]).astype(v.dtype)
    got = np.asarray(_call(al, case, args))
    assert got.shape[0] == 3
    for k in range(3):
        one = [a[k] if i in case.vector_args else a for i, a in enumerate(args)]
        np.testing.assert_array_equal(got[k], np.asarray(_call(al, case, one)))
    np.testing.assert_allclose(got, np.asarray(_call(jl, case, args)), rtol=1e-12, atol=1e-12)


def test_jit_matches_eager(case):
    if not case.vector_args:
        pytest.skip(f"{case.id}: no array argument to trace")
    idx = case.vector_args

    def f(*vs):
        args = list(case.args)
        for i, v in zip(idx, vs):
            args[i] = v
        return _call(al, case, args)

    vs = [case.args[i] for i in idx]
    np.testing.assert_array_equal(np.asarray(arrax.jit(f)(*vs)), np.asarray(f(*vs)))


def test_derivatives_match_jax(case):
    # The entries are differentiable functions of the vectors (for float inputs).
    if not case.vector_args or any(
        not np.issubdtype(np.asarray(case.args[i]).dtype, np.floating) for i in case.vector_args
    ):
        pytest.skip(f"{case.id}: no floating-point vector input")

    def loss(module, np_):
        def f(*vs):
            args = list(case.args)
            for i, v in zip(case.vector_args, vs):
                args[i] = v
            m = getattr(module, case.name)(*args, **case.kwargs)
            return np_.sum(np_.sin(m) * np_.arange(m.size).reshape(m.shape))

        return f

    vs = [case.args[i] for i in case.vector_args]
    nums = tuple(range(len(vs)))
    got = arrax.grad(loss(al, arrax.numpy), nums)(*vs)
    want = jax.grad(loss(jl, jnp), nums)(*vs)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-10, atol=1e-12)


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args, kwargs, exc, match",
    [
        ("hankel", (3.0,), {}, ValueError, "c must be at least 1-dimensional"),
        ("leslie", (_v(1.0), _v()), {}, ValueError, "the length of f"),
        ("leslie", (_v(1.0, 2.0), _v(1.0, 2.0)), {}, ValueError, "one less than the length"),
        ("companion", (_v(1.0),), {}, ValueError, "must be at least 2"),
        ("fiedler_companion", (_v(),), {}, ValueError, "nonzero length"),
        ("convolution_matrix", (_v(1.0), 0), {}, ValueError, "n must be a positive integer"),
        ("convolution_matrix", (_v(1.0), 2, "circular"), {}, ValueError, "mode must be one of"),
        ("convolution_matrix", (_v(), 2), {}, ValueError, "len\\(a\\) must be at least 1"),
        ("pascal", (3, "diagonal"), {}, ValueError, "expected kind"),
        ("invpascal", (3, "diagonal"), {}, ValueError, "expected kind"),
        ("helmert", (0,), {}, ValueError, "n must be a positive integer"),
        ("hadamard", (6,), {}, ValueError, "power of 2"),
        ("hadamard", (0,), {}, ValueError, "power of 2"),
        ("dft", (4, "ortho"), {}, ValueError, "scale must be"),
        ("dft", (4,), {"dtype": np.float64}, ValueError, "complex floating-point"),
        ("hilbert", (2.5,), {}, TypeError, "n must be an integer"),
        ("polar", (_v(1.0, 2.0),), {}, ValueError, "at least a 2-D array"),
        ("polar", (np.eye(2), "top"), {}, ValueError, "side"),
        ("polar", (np.ones((2, 3)),), {"method": "qdwh"}, NotImplementedError, "qdwh"),
        ("polar", (np.eye(2),), {"method": "eig"}, ValueError, "unknown polar"),
    ],
)
def test_errors_name_the_function(name, args, kwargs, exc, match):
    with pytest.raises(exc, match=f"^{name}: .*{match}"):
        getattr(al, name)(*args, **kwargs)


# --- polar -----------------------------------------------------------------------------

POLAR_INPUTS = {
    "square": rng.normal(size=(4, 4)),
    "tall": rng.normal(size=(5, 3)),
    "wide": rng.normal(size=(3, 5)),
    "complex": rng.normal(size=(4, 3)) + 1j * rng.normal(size=(4, 3)),
    "rank_deficient": np.outer(rng.normal(size=4), rng.normal(size=4)),
    "float32": rng.normal(size=(3, 3)).astype(np.float32),
}


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("key", list(POLAR_INPUTS))
def test_polar_matches_scipy_and_jax(key, side):
    a = POLAR_INPUTS[key]
    u, p = al.polar(a, side)
    ju, jp = jl.polar(a, side, method="svd")
    assert u.shape == ju.shape and p.shape == jp.shape
    assert u.dtype == ju.dtype == a.dtype and p.dtype == jp.dtype
    tol = 1e-5 if a.dtype == np.float32 else 1e-10
    recon = np.asarray(u) @ np.asarray(p) if side == "right" else np.asarray(p) @ np.asarray(u)
    np.testing.assert_allclose(recon, a, rtol=tol, atol=tol)
    np.testing.assert_allclose(np.asarray(p), np.conj(np.asarray(p)).T, rtol=tol, atol=tol)
    if key == "rank_deficient":  # u is not unique; p is
        np.testing.assert_allclose(np.asarray(p), sl.polar(a, side)[1], rtol=tol, atol=tol)
        return
    su, sp = sl.polar(a, side)
    np.testing.assert_allclose(np.asarray(u), su, rtol=tol, atol=tol)
    np.testing.assert_allclose(np.asarray(p), sp, rtol=tol, atol=tol)
    np.testing.assert_allclose(np.asarray(u), np.asarray(ju), rtol=tol, atol=tol)


@pytest.mark.parametrize("side", ["right", "left"])
def test_polar_batches_and_differentiates(side):
    a = rng.normal(size=(2, 3, 4, 4))
    u, p = al.polar(a, side)
    for i in range(2):
        for j in range(3):
            ui, pi = al.polar(a[i, j], side)
            np.testing.assert_allclose(np.asarray(u)[i, j], np.asarray(ui), rtol=1e-12, atol=1e-13)
            np.testing.assert_allclose(np.asarray(p)[i, j], np.asarray(pi), rtol=1e-12, atol=1e-13)

    def loss(mod, np_):
        def f(m):
            u, p = mod.polar(m, side, method="svd")
            return np_.sum(np_.sin(u) * np_.arange(16.0).reshape(4, 4)) + np_.sum(p**2)

        return f

    m = POLAR_INPUTS["square"]
    got = np.asarray(arrax.grad(loss(al, arrax.numpy))(m))
    want = np.asarray(jax.grad(loss(jl, jnp))(m))
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(
        np.asarray(arrax.jit(lambda x: al.polar(x, side)[0])(m)), np.asarray(al.polar(m, side)[0]),
        rtol=1e-12, atol=1e-13,
    )  # fmt: skip
