"""arrax.numpy.polynomial against NumPy's numpy.polynomial: the modules' functions and the
series classes give arrax arrays with NumPy's values, dtypes and shapes, and evaluation (the
<kind>val functions, calling a series) runs in arrax ops, under jit, grad and vmap too."""

import copy
import pickle
from fractions import Fraction

import arrax
import arrax.numpy as anp
import arrax.numpy.polynomial as AP
import numpy as np
import numpy.polynomial as NP
import pytest

KINDS = [
    ("polynomial", "poly", "Polynomial"),
    ("chebyshev", "cheb", "Chebyshev"),
    ("legendre", "leg", "Legendre"),
    ("laguerre", "lag", "Laguerre"),
    ("hermite", "herm", "Hermite"),
    ("hermite_e", "herme", "HermiteE"),
]
CLASSES = [k[2] for k in KINDS]


def _arrax(x):
    """x for arrax: NumPy's arrays as arrax arrays, through lists and tuples."""
    if isinstance(x, np.ndarray):
        return anp.asarray(x)
    if type(x) in (list, tuple):
        return type(x)(_arrax(v) for v in x)
    return x


def _same(a, n, rtol=1e-10, atol=1e-12):
    """a (arrax's) is an arrax array with NumPy's result n's dtype, shape and values."""
    if isinstance(n, (tuple, list)):
        assert type(a) is type(n) and len(a) == len(n)
        for x, y in zip(a, n):
            _same(x, y, rtol, atol)
        return
    if isinstance(n, NP._polybase.ABCPolyBase):
        assert type(a) is getattr(AP, type(n).__name__)
        for k in ("coef", "domain", "window"):
            _same(getattr(a, k), getattr(n, k), rtol, atol)
        assert a.symbol == n.symbol
        return
    if type(n) in (bool, int, float, complex):  # (NumPy's Python scalars, from Python's)
        assert type(a) is type(n)
        np.testing.assert_allclose(a, n, rtol=rtol, atol=atol)
        return
    assert isinstance(a, anp.ndarray), type(a)
    a, n = np.asarray(a), np.asarray(n)
    assert a.dtype == n.dtype, (a.dtype, n.dtype)
    assert a.shape == n.shape, (a.shape, n.shape)
    if n.dtype in (np.float32, np.complex64):
        rtol, atol = max(rtol, 1e-5), max(atol, 1e-6)
    np.testing.assert_allclose(a, n, rtol=rtol, atol=atol)


# --- the package's structure ------------------------------------------------------------------


def test_package_structure_is_numpys():
    assert anp.polynomial is AP
    assert sorted(AP.__all__) == sorted(NP.__all__)
    for name in NP.__all__:
        assert hasattr(AP, name), name
    for mod, _, cls in KINDS:
        m = getattr(AP, mod)
        assert m.__name__ == f"arrax.numpy.polynomial.{mod}"
        assert sorted(m.__all__) == sorted(getattr(NP, mod).__all__)
        assert getattr(AP, cls) is getattr(m, cls)
        assert getattr(m, cls).__module__ == m.__name__
    assert sorted(AP.polyutils.__all__) == sorted(NP.polyutils.__all__)
    from arrax.numpy.polynomial import Polynomial as P  # noqa: F401
    from arrax.numpy.polynomial.chebyshev import chebfit  # noqa: F401


def test_module_constants_are_arrax_arrays():
    for mod, pre, _ in KINDS:
        for suffix in ("zero", "one", "x", "domain"):
            _same(getattr(getattr(AP, mod), pre + suffix), getattr(getattr(NP, mod), pre + suffix))


# --- evaluation: values, dtypes, shapes ------------------------------------------------------

POINTS = [
    2,
    0.5,
    2.5 + 1j,
    [1, 2],
    np.float32(0.5),
    np.arange(3, dtype=np.float32),
    np.ones((2, 3)),
    np.arange(4, dtype=np.int32),
    np.array(0.5),
    np.array([], float),
]
COEFS = [
    [1, 2, 3],
    [1],
    [1, 2],
    np.array([1, 2, 3, 4], np.float32),
    np.array([1, 2], np.int8),
    [1j, 2],
    np.arange(6.0).reshape(3, 2),
    [True, False, True],
]


@pytest.mark.parametrize("mod,pre,_cls", KINDS)
@pytest.mark.parametrize("tensor", [True, False])
def test_val_like_numpy(mod, pre, _cls, tensor):
    nf, af = getattr(getattr(NP, mod), pre + "val"), getattr(getattr(AP, mod), pre + "val")
    for x in POINTS:
        for c in COEFS:
            try:
                n = nf(x, c, tensor=tensor)
            except ValueError:
                with pytest.raises(ValueError):
                    af(_arrax(x), _arrax(c), tensor=tensor)
                continue
            _same(af(_arrax(x), _arrax(c), tensor=tensor), n)


@pytest.mark.parametrize("mod,pre,_cls", KINDS)
def test_val_nd_and_grid_like_numpy(mod, pre, _cls):
    nm, am = getattr(NP, mod), getattr(AP, mod)
    c2, c3 = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(2, 3, 2)
    x = np.linspace(0, 1, 4)
    y, z = x + 1, (2 * x).astype(np.float32)
    for name, args in [
        ("val2d", (x, y, c2)),
        ("grid2d", (x, y, c2)),
        ("val3d", (x, y, z, c3)),
        ("grid3d", (x, y, z, c3)),
        ("val2d", (0.5, 0.2, c2)),
    ]:
        _same(getattr(am, pre + name)(*_arrax(args)), getattr(nm, pre + name)(*args))
    with pytest.raises(ValueError, match="incompatible"):
        getattr(am, pre + "val2d")(anp.ones(2), anp.ones(3), c2)


@pytest.mark.parametrize("mod,pre,_cls", [k for k in KINDS if k[0] != "polynomial"])
def test_weights_like_numpy(mod, pre, _cls):
    for x in [
        0.5,
        np.linspace(-0.5, 0.5, 3),
        np.float32(0.5),
        np.linspace(-0.5, 0.5, 3, dtype="f"),
    ]:
        n = getattr(getattr(NP, mod), pre + "weight")(x)
        _same(getattr(getattr(AP, mod), pre + "weight")(_arrax(x)), n)


def test_polyvalfromroots_and_mapdomain_like_numpy():
    x = np.linspace(-1, 1, 5)
    r = np.array([[1.0, 2.0], [3.0, 4.0]])
    for args, kw in [
        ((x, [1, 2]), {}),
        ((2, [1, 2]), {}),
        ((x, r), {}),
        ((x[:2], r), {"tensor": False}),
    ]:
        _same(AP.polynomial.polyvalfromroots(*_arrax(args), **kw),
              NP.polynomial.polyvalfromroots(*args, **kw))  # fmt: skip
    for old, new in [([0, 4], [1, 3]), (np.array([0.0, 1.0]), np.array([-1.0, 1.0])),
                     ([0 - 1j, 2 + 1j], [-2, 2])]:  # fmt: skip
        _same(AP.polyutils.mapdomain(_arrax(x), _arrax(old), _arrax(new)),
              NP.polyutils.mapdomain(x, old, new))  # fmt: skip
        _same(AP.polyutils.mapdomain(anp.asarray(x, anp.float32), _arrax(old), _arrax(new)),
              NP.polyutils.mapdomain(x.astype(np.float32), old, new))  # fmt: skip


def test_evaluation_of_object_coefficients_stays_numpys():
    c = [Fraction(1, 2), Fraction(1, 3)]
    n, a = NP.polynomial.polyval(Fraction(1, 2), c), AP.polynomial.polyval(Fraction(1, 2), c)
    assert a == n == Fraction(2, 3)
    p = AP.Polynomial(c)
    assert p.coef.dtype == object and p(2) == NP.Polynomial(c)(2)


def test_evaluation_at_a_series_composes():
    q = AP.Polynomial([0, 1, 1])
    r = AP.polynomial.polyval(q, [1, 2])
    assert type(r) is AP.Polynomial
    _same(r, NP.polynomial.polyval(NP.Polynomial([0, 1, 1]), [1, 2]))


# --- the modules' other functions --------------------------------------------------------------


@pytest.mark.parametrize("mod,pre,_cls", KINDS)
def test_coefficient_functions_like_numpy(mod, pre, _cls):
    nm, am = getattr(NP, mod), getattr(AP, mod)
    c1, c2 = np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])
    x = np.linspace(0, 1, 7)
    calls = [
        ("add", (c1, c2)),
        ("sub", (c1, [1, 2])),
        ("mul", (c1, c2)),
        ("mulx", (c1,)),
        ("div", (c1, c2)),
        ("pow", (c1, 3)),
        ("der", (c1,)),
        ("der", (np.arange(6.0).reshape(3, 2), 2)),
        ("int", (c1, 2, [1, 2])),
        ("fromroots", ([1, 2, 3],)),
        ("vander", (x, 3)),
        ("vander2d", (x, x, [2, 1])),
        ("fit", (x, x**2 + 1, 2)),
        ("fit", (x, np.stack([x, x**2]).T, [0, 2])),
        ("roots", (c1,)),
        ("companion", (c1,)),
        ("trim", (np.array([1.0, 2, 0, 1e-20]), 1e-10)),
        ("line", (1, 2)),
    ]
    if mod != "polynomial":
        calls.append(("gauss", (4,)))
    for name, args in calls:
        n = getattr(nm, pre + name)(*args)
        _same(getattr(am, pre + name)(*_arrax(args)), n, rtol=1e-8, atol=1e-10)
    full_a = getattr(am, pre + "fit")(anp.asarray(x), anp.asarray(x**2), 2, full=True)
    full_n = getattr(nm, pre + "fit")(x, x**2, 2, full=True)
    _same(full_a[0], full_n[0], rtol=1e-8, atol=1e-10)
    _same(full_a[1][2], full_n[1][2])


def test_conversions_and_points_like_numpy():
    c = np.array([1.0, 2.0, 3.0])
    for mod, pre in [("chebyshev", "cheb"), ("legendre", "leg"), ("laguerre", "lag"),
                     ("hermite", "herm"), ("hermite_e", "herme")]:  # fmt: skip
        nm, am = getattr(NP, mod), getattr(AP, mod)
        _same(getattr(am, pre + "2poly")(anp.asarray(c)), getattr(nm, pre + "2poly")(c))
        _same(getattr(am, "poly2" + pre)(anp.asarray(c)), getattr(nm, "poly2" + pre)(c))
    _same(AP.chebyshev.chebpts1(5), NP.chebyshev.chebpts1(5))
    _same(AP.chebyshev.chebpts2(5), NP.chebyshev.chebpts2(5))
    _same(AP.legendre.leggauss(5), NP.legendre.leggauss(5))
    _same(AP.hermite.hermgauss(5), NP.hermite.hermgauss(5))
    # Gauss-Hermite quadrature of x**2 exp(-x**2): sqrt(pi)/2
    x, w = AP.hermite.hermgauss(10)
    np.testing.assert_allclose(float(anp.sum(w * x**2)), np.sqrt(np.pi) / 2)


def test_polyutils_like_numpy():
    pu_a, pu_n = AP.polyutils, NP.polyutils
    _same(pu_a.as_series([[1, 2], [3.0]]), pu_n.as_series([[1, 2], [3.0]]))
    _same(pu_a.trimcoef(anp.asarray([1.0, 2.0, 0.0])), pu_n.trimcoef([1.0, 2.0, 0.0]))
    _same(pu_a.getdomain(anp.asarray([1.0, 5.0, 3.0])), pu_n.getdomain([1.0, 5.0, 3.0]))
    _same(pu_a.mapparms(anp.asarray([0.0, 2.0]), anp.asarray([-1.0, 1.0])),
          pu_n.mapparms(np.array([0.0, 2.0]), np.array([-1.0, 1.0])))  # fmt: skip
    assert pu_a.mapparms([0, 2], [-1, 1]) == pu_n.mapparms([0, 2], [-1, 1])


def test_chebinterpolate_gives_the_function_arrax_arrays():
    seen = []

    def f(x):
        seen.append(type(x))
        return anp.cos(x)

    _same(AP.chebyshev.chebinterpolate(f, 5), NP.chebyshev.chebinterpolate(np.cos, 5))
    assert seen == [anp.ndarray]
    _same(AP.Chebyshev.interpolate(f, 5, domain=[0, 2]),
          NP.Chebyshev.interpolate(np.cos, 5, domain=[0, 2]))  # fmt: skip


# --- the classes -------------------------------------------------------------------------------


def _pair(cls, *args, **kwargs):
    return getattr(AP, cls)(*_arrax(args), **kwargs), getattr(NP, cls)(*args, **kwargs)


@pytest.mark.parametrize("cls", CLASSES)
def test_series_attributes_and_call_like_numpy(cls):
    a, n = _pair(cls, [1, 2, 3], domain=[0, 2])
    assert isinstance(a, getattr(NP, cls))  # (NumPy's isinstance checks hold)
    _same(a, n)
    _same(getattr(AP, cls).domain, getattr(NP, cls).domain)
    for x in [2, 0.5, np.float32(0.5), np.arange(3, dtype=np.float32), np.ones((2, 2)), [1, 2]]:
        _same(a(_arrax(x)), n(x))
    _same(a.linspace(5), n.linspace(5))
    _same(a.linspace(3, domain=[1, 2]), n.linspace(3, domain=[1, 2]))
    _same(a.mapparms(), n.mapparms())
    _same(a.roots(), n.roots())
    assert len(a) == len(n) and a.degree() == n.degree() == 2
    _same(list(a), [np.asarray(v) for v in n])


@pytest.mark.parametrize("cls", CLASSES)
def test_series_arithmetic_like_numpy(cls):
    a, n = _pair(cls, [1, 2, 3], domain=[0, 2])
    b, m = _pair(cls, [1, 1], domain=[0, 2])
    for f in [
        lambda p, q: p + q,
        lambda p, q: p - 1,
        lambda p, q: 2 * p,
        lambda p, q: 1.5 - p,
        lambda p, q: p * q,
        lambda p, q: p // q,
        lambda p, q: p % q,
        lambda p, q: divmod(p, q),
        lambda p, q: p**3,
        lambda p, q: p / 2,
        lambda p, q: -p,
        lambda p, q: +p,
        lambda p, q: p + [1, 2],
        lambda p, q: p.deriv(2),
        lambda p, q: p.integ(2, k=[1, 2], lbnd=1),
        lambda p, q: p.cutdeg(1),
        lambda p, q: p.truncate(2),
        lambda p, q: p.trim(),
        lambda p, q: p.copy(),
    ]:
        _same(f(a, b), f(n, m))
    # arrax's 0-d arrays stand for NumPy's scalars
    _same(a / anp.asarray(2.0), n / 2.0)
    _same(a * anp.float64(2), n * 2.0)
    _same(anp.asarray(1.5) + a, 1.5 + n)
    with pytest.raises(TypeError):
        a + getattr(AP, "Polynomial" if cls != "Polynomial" else "Chebyshev")([1])
    # NumPy's series and arrax's mix, in arrax's
    assert type(a + m) is type(a) and type(m + a) is type(a)
    _same(m + a, m + n)


@pytest.mark.parametrize("cls", CLASSES)
def test_series_class_methods_like_numpy(cls):
    A, N = getattr(AP, cls), getattr(NP, cls)
    x = np.linspace(0, 1, 9)
    y = x**3 - x
    _same(A.fit(anp.asarray(x), anp.asarray(y), 3), N.fit(x, y, 3), rtol=1e-8, atol=1e-10)
    _same(A.fit(anp.asarray(x), anp.asarray(y), [0, 3], window=[-2, 2], symbol="t"),
          N.fit(x, y, [0, 3], window=[-2, 2], symbol="t"), rtol=1e-8, atol=1e-10)  # fmt: skip
    ra, rn = A.fit(anp.asarray(x), anp.asarray(y), 2, full=True), N.fit(x, y, 2, full=True)
    _same(ra[0], rn[0], rtol=1e-8, atol=1e-10)
    _same(ra[1][0], rn[1][0], rtol=1e-6)
    _same(A.fromroots(anp.asarray([1.0, 2.0])), N.fromroots([1.0, 2.0]))
    _same(A.identity(domain=[0, 3]), N.identity(domain=[0, 3]))
    _same(A.basis(3), N.basis(3))
    a, n = _pair(cls, [1, 2, 3], domain=[0, 2])
    for kind in CLASSES:
        _same(a.convert(kind=getattr(AP, kind)), n.convert(kind=getattr(NP, kind)), 1e-8, 1e-10)
        _same(getattr(AP, kind).cast(a), getattr(NP, kind).cast(n), 1e-8, 1e-10)


@pytest.mark.parametrize("cls", CLASSES)
def test_series_printing_equality_pickling_like_numpy(cls):
    a, n = _pair(cls, [1.5, -2, 3], domain=[0, 2], symbol="t")
    assert repr(a) == repr(n)
    assert str(a) == str(n)
    assert format(a, "ascii") == format(n, "ascii") and format(a, "unicode") == format(n, "unicode")
    assert a._repr_latex_() == n._repr_latex_()
    assert a == n and n == a and not (a != n)
    assert (a == getattr(AP, cls)([1.5, -2, 3])) is False
    assert a.has_samecoef(n) is True and a.has_sametype(n) is True
    for b in [pickle.loads(pickle.dumps(a)), copy.deepcopy(a), copy.copy(a)]:
        assert type(b) is type(a) and b == a
        _same(b, n)
    with pytest.raises(TypeError):
        hash(a)


# --- under transformations -----------------------------------------------------------------------


def test_grad_of_a_power_series():
    g = arrax.grad(lambda x: AP.Polynomial([1, 2, 3])(x))(2.0)
    assert float(g) == 14.0


@pytest.mark.parametrize("cls", CLASSES)
def test_series_call_under_jit_grad_vmap(cls):
    A, N = getattr(AP, cls), getattr(NP, cls)
    a, n = A([1.0, 2, 3, 4], domain=[0, 3]), N([1.0, 2, 3, 4], domain=[0, 3])
    x = np.linspace(0, 1, 5)
    _same(arrax.jit(a)(anp.asarray(x)), n(x))
    _same(arrax.vmap(a)(anp.asarray(x)), n(x))
    g = arrax.vmap(arrax.grad(lambda t: a(t)))(anp.asarray(x))
    _same(g, n.deriv()(x), rtol=1e-9)
    _same(arrax.jit(lambda t: a.linspace(3)[1] * t)(2.0), n.linspace(3)[1] * 2.0)


@pytest.mark.parametrize("mod,pre,_cls", KINDS)
def test_val_functions_under_transforms(mod, pre, _cls):
    af, nf = getattr(getattr(AP, mod), pre + "val"), getattr(getattr(NP, mod), pre + "val")
    der = getattr(getattr(NP, mod), pre + "der")
    c = np.array([1.0, -2.0, 0.5, 3.0])
    x = np.linspace(-1, 1, 4)
    _same(arrax.jit(lambda t: af(t, c))(anp.asarray(x)), nf(x, c))
    _same(arrax.vmap(arrax.grad(lambda t: af(t, c)))(anp.asarray(x)), nf(x, der(c)))
    # the coefficients traced too: the derivative in them is the basis at x
    gc = arrax.grad(lambda cc: af(0.3, cc))(anp.asarray(c))
    _same(gc, getattr(getattr(NP, mod), pre + "vander")(0.3, 3)[0])
    _same(arrax.jit(lambda t: getattr(getattr(AP, mod), pre + "val2d")(t, t, np.eye(2)))(
        anp.asarray(x)), getattr(getattr(NP, mod), pre + "val2d")(x, x, np.eye(2)))  # fmt: skip


def test_coefficient_functions_need_concrete_arrays():
    with pytest.raises(TypeError, match="^polyfit: "):
        arrax.jit(lambda x: AP.polynomial.polyfit(x, x, 1))(anp.ones(3))
    with pytest.raises(TypeError, match="^Chebyshev.fit: "):
        arrax.jit(lambda x: AP.Chebyshev.fit(x, x, 1).coef)(anp.ones(3))
    with pytest.raises(TypeError, match="^Polynomial: "):
        arrax.jit(lambda c: AP.Polynomial(c).coef)(anp.ones(3))


def test_evaluation_of_a_large_arrax_array_stays_arrax():
    x = anp.linspace(0, 1, 100_000, dtype=anp.float32)
    p = AP.Chebyshev([1.0, 2.0, 3.0])
    y = p(x)
    assert isinstance(y, anp.ndarray) and y.dtype == np.float64 and y.shape == (100_000,)
    np.testing.assert_allclose(np.asarray(y), NP.Chebyshev([1.0, 2.0, 3.0])(np.asarray(x)))


# --- numpy.polynomial's docstring examples -------------------------------------------------------


def _docstrings():
    import inspect

    seen = set()
    for m in [NP] + [getattr(NP, k[0]) for k in KINDS] + [NP.polyutils, NP._polybase]:
        for obj in [m] + [getattr(m, n) for n in dir(m)]:
            if id(obj) in seen or not (obj is m or inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if not getattr(obj, "__module__", m.__name__).startswith("numpy.polynomial"):
                continue
            seen.add(id(obj))
            yield obj.__doc__ or ""
            for meth in vars(obj).values() if inspect.isclass(obj) else []:
                f = getattr(meth, "__func__", meth)
                if callable(f) and f.__doc__ and id(f) not in seen:
                    seen.add(id(f))
                    yield f.__doc__


def _run_examples(examples, arrax_):
    import contextlib
    import io
    import re
    import warnings

    ns = {"np": anp if arrax_ else np}
    values = []
    for ex in examples:
        src = ex.source
        if arrax_:
            src = re.sub(r"^import numpy as np", "import arrax.numpy as np", src, flags=re.M)
            src = re.sub(r"^(\s*)(from|import) numpy\.polynomial", r"\1\2 arrax.numpy.polynomial",
                         src, flags=re.M)  # fmt: skip
            src = re.sub(r"^from numpy import polynomial", "from arrax.numpy import polynomial",
                         src, flags=re.M)  # fmt: skip
        out = io.StringIO()
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(out):
                warnings.simplefilter("ignore")
                try:
                    value = eval(compile(src, "<example>", "eval"), ns)
                except SyntaxError:
                    exec(compile(src, "<example>", "exec"), ns)
                    value = None
            values.append((value, out.getvalue()))
        except Exception as e:  # (NumPy's examples that raise: the same exception)
            values.append((type(e), None))
    return values


def test_docstring_examples_like_numpy():
    import doctest

    parser = doctest.DocTestParser()
    count = 0
    for doc in _docstrings():
        examples = parser.get_examples(doc)
        if not examples or "random" in doc:  # (random data: NumPy's and arrax's streams differ)
            continue
        NP.set_default_printstyle("unicode")
        expected = _run_examples(examples, False)
        NP.set_default_printstyle("unicode")
        got = _run_examples(examples, True)
        for ex, (n, n_out), (a, a_out) in zip(examples, expected, got):
            count += 1
            assert a_out == n_out, ex.source
            if isinstance(n, (np.ndarray, np.generic)) and n.dtype.kind in "biufc":
                _same(a, n, rtol=1e-9, atol=1e-12)
            elif isinstance(n, (tuple, list, NP._polybase.ABCPolyBase)):
                _same(a, n, rtol=1e-9, atol=1e-12)
            elif isinstance(n, type) or isinstance(n, str):
                assert a == n, ex.source
    NP.set_default_printstyle("unicode")
    assert count > 400
