"""Classic algorithm and simulation programs written with NumPy, in the style of Rosetta
Code's NumPy solutions and numerical-methods course code (Gaussian elimination with row swaps,
LU/Cholesky/QR by hand, power iteration, Jacobi/Gauss-Seidel/SOR, Newton and secant, RK4,
Simpson/Romberg/Gauss-Legendre, finite differences, Crank-Nicolson with a Thomas solver,
spectral derivatives, splines, least squares, sieves, matrix Fibonacci, Mandelbrot, Life,
Langton's ant, magic squares, N-queens, Monte Carlo, Ising, n-body, DFT and convolution by
hand, image resize and equalisation, k-NN, shortest paths, Markov chains, dynamic programming),
each a function of the module it runs with (numpy or arrax.numpy; small sizes, fixed seeds):
arrax.numpy must give NumPy's values, dtypes, shapes, printed text and warnings. The programs
are in numpy_programs_8a.py to numpy_programs_8c.py; below them, what they found.

Values from NumPy's BLAS and LAPACK (matmul, dot, solve, cholesky, qr, eig, eigvalsh, lstsq,
polyfit) and what is computed from them differ from arrax's by an ulp or a few (up to ~100
ulps for a least-squares residual, and 1e-13 absolute for a polyval of an exactly
interpolating polyfit, whose values are near 0); everything else is bit for bit NumPy's."""

import contextlib
import io
import math
import warnings
from fractions import Fraction

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest

import numpy_programs_8a
import numpy_programs_8b
import numpy_programs_8c
from test_numpy_programs_like_numpy_5 import _same


def _run(program, m):
    """program(m)'s result, what it printed and its warnings."""
    out = io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        onp.printoptions(),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        result = program(m)
    return result, out.getvalue(), [(w.category, str(w.message)) for w in caught]


_PROGRAMS = {
    name: getattr(module, name)
    for module in (numpy_programs_8a, numpy_programs_8b, numpy_programs_8c)
    for name in module.PROGRAMS
}


@pytest.mark.parametrize("name", list(_PROGRAMS))
def test_program_like_numpy(name):
    program = _PROGRAMS[name]
    want, printed, warned = _run(program, onp)
    got, got_printed, got_warned = _run(program, anp)
    assert got_printed == printed
    assert got_warned == warned
    _same(got, want)


# --- apply_along_axis and vectorize: a function whose result's shape depends on the values
# (bincount, unique, nonzero, a boolean mask) runs slice by slice as in NumPy (k-NN's votes:
# np.apply_along_axis(np.bincount, 1, votes, minlength=2)) ---

_VOTES = onp.array([[0, 1, 1, 0, 1], [1, 1, 1, 0, 0], [0, 0, 0, 0, 1]])


@pytest.mark.parametrize(
    "f",
    [
        lambda m, a: m.apply_along_axis(m.bincount, 1, a, minlength=2),
        lambda m, a: m.apply_along_axis(lambda r: r[r > 0].sum(), 1, a),
        lambda m, a: m.apply_along_axis(lambda r: len(m.unique(r)), 0, a),
        lambda m, a: m.apply_along_axis(lambda r: m.nonzero(r)[0][0], 1, a),
        lambda m, a: m.apply_along_axis(lambda r: m.flatnonzero(r)[-1:], 1, a),
        lambda m, a: m.vectorize(lambda k: m.arange(5)[m.arange(5) < k].sum())(a[0] + 2),
        lambda m, a: m.vectorize(lambda k: len(m.unique(m.arange(k) % 3)))(a[1] + 1),
    ],
)
def test_apply_along_axis_with_value_dependent_shapes_like_numpy(f):
    _same(f(anp, anp.asarray(_VOTES)), f(onp, _VOTES))


def test_apply_along_axis_value_dependent_shape_under_jit_still_raises():
    f = arrax.jit(lambda a: anp.apply_along_axis(anp.bincount, 1, a, minlength=2))
    with pytest.raises(arrax.errors.ConcretizationTypeError, match="bincount"):
        f(anp.asarray(_VOTES))


# --- numpy.linalg's functions on operands arrax arrays cannot hold (object arrays: big
# integers, Fractions) are NumPy's, as the main namespace's are: Rosetta Code's matrix
# Fibonacci np.linalg.matrix_power(np.array([[1, 1], [1, 0]], dtype=object), n) ---

_OBJ = onp.array([[2, 1], [1, 3]], dtype=object)
_VEC = onp.array([1, 2, 3], dtype=object)


@pytest.mark.parametrize(
    "f",
    [
        lambda L: L.matrix_power(onp.array([[1, 1], [1, 0]], dtype=object), 150),
        lambda L: L.matrix_power([[2**70, 1], [1, 0]], 2),
        lambda L: L.matrix_power(onp.array([[Fraction(1, 2), 0], [0, 1]], dtype=object), 3),
        lambda L: L.multi_dot([_OBJ, _OBJ, _OBJ]),
        lambda L: L.outer(_VEC, _VEC),
        lambda L: L.cross(_VEC, _VEC[::-1]),
        lambda L: L.matrix_transpose(_OBJ),
        lambda L: L.norm(_VEC),
    ],
)
def test_linalg_of_object_arrays_like_numpy(f):
    want = f(onp.linalg)
    got = f(anp.linalg)
    assert type(got) is type(want) and onp.asarray(got).dtype == onp.asarray(want).dtype
    assert repr(got) == repr(want)


@pytest.mark.parametrize("name", ["inv", "det", "eigvals", "cholesky"])
def test_linalg_lapack_of_object_arrays_raise_numpys_error(name):
    with pytest.raises(TypeError) as want:
        getattr(onp.linalg, name)(_OBJ)
    with pytest.raises(TypeError) as got:
        getattr(anp.linalg, name)(_OBJ)
    assert str(got.value) == str(want.value)


def test_linalg_keeps_arrax_arrays_and_tracing():
    a = anp.asarray([[1, 1], [1, 0]])
    r = anp.linalg.matrix_power(a, 10)
    assert isinstance(r, anp.ndarray) and r.dtype == anp.int64
    _same(r, onp.linalg.matrix_power(onp.asarray(a), 10))
    f = arrax.jit(lambda x: anp.linalg.matrix_power(x, 3) @ anp.linalg.inv(x))
    x = anp.asarray([[2.0, 1.0], [1.0, 3.0]])
    onp.testing.assert_allclose(f(x), onp.asarray(x) @ onp.asarray(x), rtol=1e-12)


# --- frompyfunc of a function of Python scalars (math.factorial, math.gcd, Fraction, string
# formatting, an `if` on an element) or on object operands runs as NumPy's (an object array);
# a function of arrax operations stays jax.numpy's (batched, traceable) ---


@pytest.mark.parametrize(
    "f",
    [
        lambda m: m.frompyfunc(math.factorial, 1, 1)(m.arange(18, 24)),
        lambda m: m.frompyfunc(lambda a, b: a * b, 2, 1).reduce(m.arange(1, 26, dtype=object)),
        lambda m: m.frompyfunc(math.gcd, 2, 1)(m.array([12, 18]), 8),
        lambda m: m.frompyfunc(lambda x: "%03d" % x, 1, 1)(m.arange(3)),
        lambda m: m.frompyfunc(lambda x: x if x > 1 else 0, 1, 1)(m.arange(4)),
        lambda m: m.frompyfunc(Fraction, 2, 1)(m.array([1, 2]), 3),
        lambda m: m.frompyfunc(lambda a, b: a + b, 2, 1).accumulate(
            m.array([1, 2**70, 3], dtype=object)
        ),
        lambda m: m.frompyfunc(math.comb, 2, 1).outer(m.arange(4), m.arange(4)),
        lambda m: m.frompyfunc(math.gcd, 2, 1).reduceat(m.arange(12, 20), [0, 4]),
    ],
)
def test_frompyfunc_of_python_scalar_functions_like_numpy(f):
    want = f(onp)
    got = f(anp)
    assert type(got) is type(want) and onp.asarray(got).dtype == onp.asarray(want).dtype
    assert repr(got) == repr(want)


def test_frompyfunc_of_arrax_operations_stays_batched():
    add = anp.frompyfunc(lambda a, b: a + b, 2, 1, identity=0)
    r = add(anp.arange(3), 2)
    assert isinstance(r, anp.ndarray) and r.dtype == anp.int64
    assert arrax.jit(lambda x: add.reduce(x))(anp.arange(5.0)) == 10.0
    with pytest.raises(arrax.errors.TracerIntegerConversionError):
        arrax.jit(lambda x: anp.frompyfunc(math.factorial, 1, 1)(x))(anp.arange(3))


# --- a 0-d array formats its Python scalar as NumPy's does: f"{x}" of a float32 element is
# '0.10000000149011612' (the float's repr), not str(x)'s '0.1' (float_edges' f-string) ---


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")
@pytest.mark.parametrize(
    "dtype", ["float16", "float32", "float64", "complex64", "int8", "uint64", "bool"]
)
@pytest.mark.parametrize("value", [0.1, 3, -2.5e-8, 1e20, float("nan")])
def test_format_of_0d_arrays_like_numpy(dtype, value):
    if dtype in ("int8", "uint64", "bool") and value != 3:
        return
    want, got = onp.array(value, dtype), anp.array(value, dtype)
    for spec in ("", ">30", ".3"):
        if spec == ".3" and dtype in ("int8", "uint64", "bool"):
            continue
        assert format(got, spec) == format(want, spec)
        assert format(got[()], spec) == format(want[()], spec)
    assert f"{anp.full(3, value, dtype)}" == f"{onp.full(3, value, dtype)}"


def test_format_of_tracers_prints_traced():
    seen = []

    @arrax.jit
    def f(x):
        seen.append(f"{x}")
        return x

    f(anp.float32(0.1))
    assert seen == ["Traced<float32()>"]
