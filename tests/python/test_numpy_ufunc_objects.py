"""NumPy's ufunc objects: every arrax ufunc (the engine's and the few composed in Python) is a
numpy.ufunc with NumPy's attributes, call keywords, methods, pickling and signature; plus
ufunc.reduce's where=, and the corners of numpy._core that programs reach into."""

import inspect
import pickle

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest

from conftest import AGAINST_NUMPY

# NumPy's elementwise ufuncs that arrax has (the gufuncs matmul, vecdot, matvec and vecmat are
# arrax functions: their axes= keyword differs).
UFUNC_NAMES = sorted(
    n
    for n in dir(onp)
    if isinstance(getattr(onp, n), onp.ufunc)
    and getattr(onp, n).signature is None
    and hasattr(anp, n)
    and getattr(onp, n).types[0][0] not in "OMmUS"
)
COMPOSED = ["gcd", "lcm", "frexp", "ldexp", "modf", "spacing", "bitwise_count"]


def test_the_composed_ufuncs_are_listed():
    assert set(COMPOSED) <= set(UFUNC_NAMES)


@pytest.mark.parametrize("name", UFUNC_NAMES)
def test_every_ufunc_is_a_ufunc_with_numpys_attributes(name):
    f, g = getattr(anp, name), getattr(onp, name)
    assert isinstance(f, anp.ufunc)
    assert (f.nin, f.nout, f.nargs) == (g.nin, g.nout, g.nargs)
    assert f.types == g.types and f.identity == g.identity
    assert pickle.loads(pickle.dumps(f)) is f
    assert inspect.signature(f) == inspect.signature(g)


@pytest.mark.parametrize("name", COMPOSED)
def test_composed_ufuncs_positional_and_keyword_out(name):
    f, g = getattr(anp, name), getattr(onp, name)
    x = onp.array([3, 12, 7, 0, 9], onp.int16) if name != "modf" else onp.array([1.5, -2.25])
    if name in ("frexp", "modf", "spacing"):
        x = x.astype(onp.float32)
    args = (x, onp.array([2, 8, 5, 4, 3], onp.int16)) if f.nin == 2 else (x,)
    want = g(*args)
    want = want if isinstance(want, tuple) else (want,)
    outs = tuple(anp.zeros(w.shape, w.dtype) for w in want)
    got = f(*args, *outs)  # positional outputs
    got = got if isinstance(got, tuple) else (got,)
    for o, r, w in zip(outs, got, want):
        assert r is o
        onp.testing.assert_array_equal(onp.asarray(o), w)
        assert o.dtype == w.dtype
    kw = f(*args, out=tuple(anp.zeros(w.shape, w.dtype) for w in want))
    for r, w in zip(kw if isinstance(kw, tuple) else (kw,), want):
        onp.testing.assert_array_equal(onp.asarray(r), w)
    with pytest.raises(TypeError, match=name):
        f()


def test_composed_ufunc_where_keeps_out_elsewhere():
    x, y = onp.array([4, 6, 9]), onp.array([6, 4, 6])
    mask = onp.array([True, False, True])
    want = onp.full(3, -1)
    onp.gcd(x, y, out=want, where=mask)
    out = anp.full(3, -1)
    anp.gcd(x, y, out=out, where=mask)
    onp.testing.assert_array_equal(onp.asarray(out), want)


@pytest.mark.parametrize(
    "name,args,dtype",
    [
        ("spacing", (onp.array([1.0, 1000.0], onp.float16),), onp.float64),
        ("spacing", (onp.array([1.0, -3.0]),), onp.float32),
        ("gcd", (onp.array([12, 18], onp.int8), onp.array([8, 27], onp.int8)), onp.int64),
        ("ldexp", (onp.array([1.5, 3.0], onp.float32), onp.array([2, -1])), onp.float64),
    ],
)
def test_composed_ufunc_dtype_picks_numpys_loop(name, args, dtype):
    want = getattr(onp, name)(*args, dtype=dtype)
    got = getattr(anp, name)(*args, dtype=dtype)
    onp.testing.assert_array_equal(onp.asarray(got), want)
    assert got.dtype == want.dtype


def test_composed_ufunc_methods_match_numpy():
    a = onp.array([[12, 18, 30], [7, 14, 21]])
    for name in ("gcd", "lcm"):
        f, g = getattr(anp, name), getattr(onp, name)
        for axis in (0, 1, -1, None):
            if name == "lcm" and axis is None:  # (NumPy does not reorder lcm)
                with pytest.raises(ValueError, match="not reorderable"):
                    f.reduce(a, axis=axis)
                continue
            onp.testing.assert_array_equal(onp.asarray(f.reduce(a, axis=axis)),
                                           g.reduce(a, axis=axis))  # fmt: skip
        onp.testing.assert_array_equal(onp.asarray(f.accumulate(a, axis=1)), g.accumulate(a, 1))
        onp.testing.assert_array_equal(
            onp.asarray(f.outer([2, 3], [4, 9])), g.outer([2, 3], [4, 9])
        )


# (Not power or arctan2 with initial: NumPy's reduce of those along an array's last axis gives
# initial op last item, not the fold; subtract's is the fold.)
REDUCE_WHERE_CASES = [
    ("add", None),
    ("multiply", None),
    ("maximum", -onp.inf),
    ("minimum", 5.0),
    ("hypot", None),
    ("logaddexp", None),
    ("add", 2.5),
    ("hypot", 1.0),
    ("fmax", -5.0),
    ("subtract", 1.0),
]


@pytest.mark.parametrize("name,initial", REDUCE_WHERE_CASES)
@pytest.mark.parametrize("axis", [0, 1, -1, None, (0, 1)])
@pytest.mark.parametrize("where", [[[True, False, True]], [[True], [False], [True]]])
def test_reduce_with_where_matches_numpy(name, initial, axis, where):
    a = onp.arange(9.0).reshape(3, 3) - 3
    kwargs = {"axis": axis, "where": onp.array(where)}
    if initial is not None:
        kwargs["initial"] = initial
    try:
        want = getattr(onp, name).reduce(a, **kwargs)
    except ValueError as e:  # several axes of a ufunc NumPy does not reorder
        with pytest.raises(ValueError, match="not reorderable"):
            getattr(anp, name).reduce(anp.asarray(a), **kwargs)
        assert "not reorderable" in str(e)
        return
    got = getattr(anp, name).reduce(anp.asarray(a), **kwargs)
    onp.testing.assert_allclose(onp.asarray(got), want, rtol=1e-12)


def test_reduce_with_where_needs_an_identity_or_initial():
    with pytest.raises(ValueError, match="identity"):
        anp.maximum.reduce(anp.ones(3), where=anp.array([True, False, True]))
    with pytest.raises(ValueError, match="identity"):
        anp.arctan2.reduce(anp.ones(3), where=anp.array([True, False, True]))


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
def test_a_sum_of_nothing_is_positive_zero(dtype):
    for shape, axis in [((0,), None), ((0, 3), 0), ((2, 0), 1)]:
        got = onp.asarray(anp.sum(anp.zeros(shape, dtype), axis=axis))
        want = onp.sum(onp.zeros(shape, dtype), axis=axis)
        onp.testing.assert_array_equal(onp.signbit(got.real), onp.signbit(want.real))
        assert got.dtype == want.dtype
    assert not onp.signbit(onp.asarray(anp.sum([])))


@pytest.mark.parametrize("value", [range(1, 13), [1.5, 2.5], 7, onp.arange(20)])
def test_flat_assignment_fills_in_c_order_repeating(value):
    want = onp.zeros((3, 4))
    want.flat = value
    got = anp.zeros((3, 4))
    got.flat = value
    onp.testing.assert_array_equal(onp.asarray(got), want)


def test_numpy_core_corners():
    umath_ufuncs = {n for n, v in vars(anp._core.umath).items() if isinstance(v, anp.ufunc)}
    assert {"add", "sin", "gcd", "frexp"} <= umath_ufuncs
    assert anp._core.umath.pi == onp.pi
    assert anp._core.sctypes == onp._core.sctypes
    assert anp._core.numeric.normalize_axis_tuple(-1, 2) == (1,)
    assert isinstance(anp._core.numeric.zeros(3), anp.ndarray)
    from arrax.numpy._core.numeric import normalize_axis_tuple  # noqa: F401

    assert anp._NoValue is onp._NoValue


def test_concatenate_refuses_more_arrays_than_numpy_allows():
    class Huge:  # a sequence claiming 2**31 arrays, never converted
        def __len__(self):
            return 2**31

        def __iter__(self):
            raise AssertionError("concatenate: iterated before checking the length")

    with pytest.raises(ValueError, match="only supports up to 2147483647 arrays"):
        anp.concatenate(Huge())


@pytest.mark.skipif(AGAINST_NUMPY, reason="jax.numpy / jax names")
def test_jax_names_for_float64_and_x64():
    assert anp.float_ is anp.float64 and anp.complex_ is anp.complex128
    with arrax.enable_x64():
        assert anp.asarray(1.0).dtype == anp.float64
    with pytest.raises(ValueError, match="jax_enable_x64"):
        arrax.enable_x64(False)


@pytest.mark.skipif(AGAINST_NUMPY, reason="jax.lax")
@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_lax_linalg_eig_left_and_right_eigenvectors(dtype):
    rng = onp.random.RandomState(0)
    a = rng.randn(2, 5, 5)
    if dtype == "complex128":
        a = a + 1j * rng.randn(2, 5, 5)
    w, vl, vr = (onp.asarray(r) for r in arrax.lax.linalg.eig(a))
    assert w.dtype == vl.dtype == vr.dtype == onp.complex128
    for k in range(2):
        onp.testing.assert_allclose(a[k] @ vr[k], vr[k] * w[k], atol=1e-10)
        onp.testing.assert_allclose(vl[k].conj().T @ a[k], w[k][:, None] * vl[k].conj().T,
                                    atol=1e-10)  # fmt: skip
        onp.testing.assert_allclose(onp.linalg.norm(vl[k], axis=0), 1.0)
        biggest = vl[k][onp.argmax(abs(vl[k]), axis=0), onp.arange(5)]
        onp.testing.assert_allclose(biggest.imag, 0, atol=1e-12)  # LAPACK's normalization
    only = arrax.lax.linalg.eig(a, compute_left_eigenvectors=False)
    assert len(only) == 2
    onp.testing.assert_allclose(onp.asarray(only[1]), vr)


# NumPy's override protocol (NEP 13): a duck array's __array_ufunc__ takes ufunc calls,
# operators and ufunc methods, as NumPy hands them over.
class Duck(onp.lib.mixins.NDArrayOperatorsMixin):
    """Wraps an array; every ufunc call on it is logged and applied to what it wraps."""

    log = []

    def __init__(self, value):
        self.value = value

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        Duck.log.append((type(self).__name__, ufunc.__name__, method))
        args = [i.value if isinstance(i, Duck) else i for i in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(o.value if isinstance(o, Duck) else o for o in kwargs["out"])
        return type(self)(getattr(ufunc, method)(*args, **kwargs))


class SubDuck(Duck):
    pass


class Refuses:
    __array_ufunc__ = None

    def __radd__(self, other):
        return "radd"


class Declines:
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return NotImplemented


@pytest.mark.parametrize(
    "call,method",
    [
        (lambda x, d: anp.add(x, d), "__call__"),
        (lambda x, d: anp.add(d, x), "__call__"),
        (lambda x, d: x + d, "__call__"),
        (lambda x, d: x * d, "__call__"),
        (lambda x, d: d - x, "__call__"),
        (lambda x, d: anp.sin(d), "__call__"),
        (lambda x, d: anp.gcd(d, 2), "__call__"),
        (lambda x, d: anp.add.reduce(d), "reduce"),
        (lambda x, d: anp.multiply.accumulate(d), "accumulate"),
        (lambda x, d: anp.add.outer(x, d), "outer"),
    ],
)
def test_duck_arrays_take_ufunc_calls(call, method):
    x, v = anp.arange(3), onp.array([4, 6, 9])
    Duck.log.clear()
    got = call(x, Duck(anp.asarray(v)))
    assert isinstance(got, Duck) and Duck.log[0][0] == "Duck" and Duck.log[0][2] == method
    want = call(onp.arange(3), Duck(v))  # NumPy hands the same call to the same duck
    onp.testing.assert_array_equal(onp.asarray(got.value), want.value)


def test_override_order_refusal_and_decline():
    Duck.log.clear()
    anp.add(Duck(anp.ones(2)), SubDuck(anp.ones(2)))
    assert Duck.log[0][0] == "SubDuck"  # a subclass before its base, as NumPy
    x = anp.ones(2)
    assert x + Refuses() == "radd"  # __array_ufunc__ = None: the reflected operator
    with pytest.raises(TypeError, match="does not support ufuncs"):
        anp.add(x, Refuses())
    with pytest.raises(TypeError, match="all returned NotImplemented"):
        anp.add(x, Declines())
    out = Duck(anp.zeros(2))
    Duck.log.clear()
    anp.add(x, x, out=out)  # an overriding out= takes the call too
    assert Duck.log and Duck.log[0][1:] == ("add", "__call__")


def test_numpys_aliases_are_one_ufunc():
    pairs = [(a, b) for a in dir(onp) for b in dir(onp)
             if a < b and isinstance(getattr(onp, a), onp.ufunc)
             and getattr(onp, a) is getattr(onp, b) and hasattr(anp, a)]  # fmt: skip
    assert ("acosh", "arccosh") in pairs and ("pow", "power") in pairs
    for a, b in pairs:
        assert getattr(anp, a) is getattr(anp, b)
        assert getattr(anp, a).__name__ == getattr(onp, a).__name__


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.power(1.5, 2.8, signature=(None, None, m.intp), casting="unsafe"),
        lambda m: m.power(1.5, 2.8, signature=(m.intp, m.intp, m.intp), casting="unsafe"),
        lambda m: m.power(1.5, 2.8, signature="ll->l", casting="unsafe"),
        lambda m: m.add(1.5, 2.8, signature=(None, None, "f4")),
        lambda m: m.add(m.ones(2, "i4"), 2, signature=(None, None, "f4")),
        lambda m: m.add(3.0, 4.0, dtype=int, casting="safe"),
        lambda m: m.add(3, 4.0, dtype="f4", casting="same_kind"),
        lambda m: m.equal(3.0, 4.0, dtype=int, casting="safe"),
        lambda m: m.add(3, 4, signature=123.0),
        lambda m: m.add(3, 4, signature=("i8", "i8")),
        lambda m: m.add(3, 4, sig=("i8", "i8", "i8")),
        lambda m: m.add(m.ones(2), 1j, dtype="f8"),
        lambda m: m.add.resolve_dtypes((onp.dtype("f4"), onp.dtype("f8"), None)),
    ],
)
def test_signature_picks_the_loop_and_casting_checks_python_scalars(call):
    # signature= names the loop as dtype= does (NumPy casts the inputs first: 1.5 ** 2.8 in an
    # integer loop is 1); a Python float into an integer loop is refused unless unsafe
    try:
        expected = call(onp)
    except (TypeError, ValueError) as e:  # (NumPy's UFuncTypeError family is TypeError)
        with pytest.raises(TypeError if isinstance(e, TypeError) else ValueError):
            call(anp)
        return
    got = call(anp)
    if isinstance(expected, tuple):
        assert got == expected
        return
    assert onp.asarray(got).dtype == expected.dtype
    onp.testing.assert_array_equal(onp.asarray(got), expected)
