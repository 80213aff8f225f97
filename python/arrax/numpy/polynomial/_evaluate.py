"""What numpy.polynomial computes at the points x, in arrax ops: the series' values (Horner's
rule for power series, Clenshaw's recurrences for the others, as NumPy's code, step for step),
the weight functions, and the linear map between domain and window. They take arrax arrays
(traced ones too: under arrax.jit, grad and vmap), NumPy's numeric arrays, lists and scalars;
other points (series, Fractions, object arrays) go to NumPy's functions as they are."""

import functools

import numpy as onp
from numpy.polynomial import chebyshev as _cheb
from numpy.polynomial import hermite as _herm
from numpy.polynomial import hermite_e as _herme
from numpy.polynomial import laguerre as _lag
from numpy.polynomial import legendre as _leg
from numpy.polynomial import polynomial as _poly
from numpy.polynomial import polyutils as _pu

from arrax import _core
from arrax.numpy._common import _np
from arrax.numpy._host_fallback import host_only_dtype, needs_numpy
from arrax.numpy.polynomial._boundary import from_numpy, to_numpy

_INTEGER_CHARS = "?bBhHiIlLqQpP"


def evaluable(x, sequences=True):
    """Whether arrax ops take x as points or coefficients: arrax arrays, NumPy's numeric arrays
    (not subclasses) and scalars, Python numbers, and (where `sequences`) lists and tuples of
    those."""
    if isinstance(x, _core.ndarray):
        return True
    if isinstance(x, onp.ndarray):  # (subclasses, masked arrays: NumPy's functions keep them)
        return type(x) is onp.ndarray and not host_only_dtype(x.dtype)
    if isinstance(x, onp.generic):
        return not host_only_dtype(x.dtype)
    if isinstance(x, (bool, int, float, complex)):
        return not needs_numpy(x)
    if type(x) in (list, tuple):
        return sequences and not needs_numpy(x)
    return False


def _numpy_call(numpy_fn, name, *args, **kwargs):
    args = to_numpy(args, name)
    kwargs = {k: to_numpy(v, name) for k, v in kwargs.items()}
    return from_numpy(numpy_fn(*args, **kwargs))


def _like(numpy_fn, module):
    """A decorator giving an arrax function numpy_fn's name and docstring."""

    def decorate(fn):
        functools.update_wrapper(fn, numpy_fn)
        del fn.__wrapped__
        fn.__module__ = module
        return fn

    return decorate


def _prepare(x, c, tensor):
    """NumPy's preamble of the <kind>val functions, on arrax arrays: c at least 1-d and
    inexact, x an array if a list, c's axes extended by x's where tensor."""
    np = _np()
    c = np.asarray(c)
    if c.ndim == 0:
        c = c.reshape(1)
    if c.dtype.char in _INTEGER_CHARS:
        c = c.astype(onp.float64)
    if isinstance(x, (tuple, list, onp.ndarray)):
        x = np.asarray(x)
    if isinstance(x, _core.ndarray) and tensor:
        c = c.reshape(c.shape + (1,) * x.ndim)
    return x, c


def _power_series(x, c):
    c0 = c[-1] + x * 0
    for i in range(2, len(c) + 1):
        c0 = c[-i] + c0 * x
    return c0


def _clenshaw(c, step, last):
    """The recurrence the orthogonal series share (NumPy's order of operations): (c0, c1) from
    the top two coefficients down, ``(c0, c1) = step(c[-i], c0, c1, nd)`` with nd counting down
    from len(c) - 1, then ``last(c0, c1)``."""
    if len(c) == 1:
        c0, c1 = c[0], 0
    elif len(c) == 2:
        c0, c1 = c[0], c[1]
    else:
        nd = len(c)
        c0, c1 = c[-2], c[-1]
        for i in range(3, len(c) + 1):
            nd = nd - 1
            c0, c1 = step(c[-i], c0, c1, nd)
    return last(c0, c1)


def _chebyshev_series(x, c):
    x2 = 2 * x
    return _clenshaw(c, lambda ci, c0, c1, nd: (ci - c1, c0 + c1 * x2), lambda c0, c1: c0 + c1 * x)


def _legendre_series(x, c):
    def step(ci, c0, c1, nd):
        return ci - c1 * ((nd - 1) / nd), c0 + c1 * x * ((2 * nd - 1) / nd)

    return _clenshaw(c, step, lambda c0, c1: c0 + c1 * x)


def _laguerre_series(x, c):
    def step(ci, c0, c1, nd):
        return ci - (c1 * (nd - 1)) / nd, c0 + (c1 * ((2 * nd - 1) - x)) / nd

    return _clenshaw(c, step, lambda c0, c1: c0 + c1 * (1 - x))


def _hermite_series(x, c):
    x2 = x * 2
    step = lambda ci, c0, c1, nd: (ci - c1 * (2 * (nd - 1)), c0 + c1 * x2)  # noqa: E731
    return _clenshaw(c, step, lambda c0, c1: c0 + c1 * x2)


def _hermite_e_series(x, c):
    step = lambda ci, c0, c1, nd: (ci - c1 * (nd - 1), c0 + c1 * x)  # noqa: E731
    return _clenshaw(c, step, lambda c0, c1: c0 + c1 * x)


def _make_val(numpy_fn, series, module):
    name = numpy_fn.__name__

    @_like(numpy_fn, module)
    def val(x, c, tensor=True):
        if not (evaluable(x) and evaluable(c)):
            return _numpy_call(numpy_fn, name, x, c, tensor)
        x, c = _prepare(x, c, tensor)
        return series(x, c)

    return val


def valnd(val_f, c, *args):
    """polyutils._valnd: val_f at the points (x, y[, z]) of equal shapes."""
    np = _np()
    args = [np.asarray(a) for a in args]
    shape0 = args[0].shape
    if not all(a.shape == shape0 for a in args[1:]):
        if len(args) == 3:
            raise ValueError("x, y, z are incompatible")
        elif len(args) == 2:
            raise ValueError("x, y are incompatible")
        else:
            raise ValueError("ordinates are incompatible")
    it = iter(args)
    c = val_f(next(it), c)
    for xi in it:
        c = val_f(xi, c, tensor=False)
    return c


def gridnd(val_f, c, *args):
    """polyutils._gridnd: val_f on the grid of the points x, y[, z]."""
    for xi in args:
        c = val_f(xi, c)
    return c


def _make_nd(numpy_fn, val_f, nd_f, module):
    name = numpy_fn.__name__

    @_like(numpy_fn, module)
    def val(*args):
        *points, c = args
        if not (all(evaluable(p) for p in points) and evaluable(c)):
            return _numpy_call(numpy_fn, name, *args)
        return nd_f(val_f, c, *points)

    return val


def _make_weight(numpy_fn, weight, module):
    name = numpy_fn.__name__

    @_like(numpy_fn, module)
    def w(x):
        if not evaluable(x, sequences=False):
            return _numpy_call(numpy_fn, name, x)
        if isinstance(x, (onp.ndarray, onp.generic)):
            x = _np().asarray(x)
        return weight(_np(), x)

    return w


_WEIGHTS = {
    "chebweight": lambda np, x: 1.0 / (np.sqrt(1.0 + x) * np.sqrt(1.0 - x)),
    "legweight": lambda np, x: x * 0.0 + 1.0,
    "lagweight": lambda np, x: np.exp(-x),
    "hermweight": lambda np, x: np.exp(-(x**2)),
    "hermeweight": lambda np, x: np.exp(-0.5 * x**2),
}


def functions(numpy_module, prefix, series, module):
    """The arrax evaluation functions of one module: <prefix>val, val2d, val3d, grid2d,
    grid3d and <prefix>weight."""
    val = _make_val(getattr(numpy_module, prefix + "val"), series, module)
    out = {prefix + "val": val}
    for suffix, nd_f in [("val2d", valnd), ("val3d", valnd), ("grid2d", gridnd),
                         ("grid3d", gridnd)]:  # fmt: skip
        name = prefix + suffix
        out[name] = _make_nd(getattr(numpy_module, name), val, nd_f, module)
    weight = prefix + "weight"
    if weight in _WEIGHTS:
        out[weight] = _make_weight(getattr(numpy_module, weight), _WEIGHTS[weight], module)
    return out


def _domain_array(d):
    """A domain for mapparms' arithmetic: NumPy's arrays as arrax's (lists stay lists, so
    their Python numbers stay weakly typed, as in NumPy)."""
    return _np().asarray(d) if isinstance(d, onp.ndarray) else d


@_like(_pu.mapparms, "arrax.numpy.polynomial.polyutils")
def mapparms(old, new):
    old, new = _domain_array(old), _domain_array(new)
    oldlen = old[1] - old[0]
    newlen = new[1] - new[0]
    off = (old[1] * new[0] - old[0] * new[1]) / oldlen
    scl = newlen / oldlen
    return off, scl


@_like(_pu.mapdomain, "arrax.numpy.polynomial.polyutils")
def mapdomain(x, old, new):
    if not (evaluable(x) and evaluable(old) and evaluable(new)):
        return _numpy_call(_pu.mapdomain, "mapdomain", x, old, new)
    if type(x) not in (int, float, complex) and not isinstance(x, onp.generic):
        x = _np().asarray(x)
    off, scl = mapparms(old, new)
    return off + scl * x


@_like(_poly.polyvalfromroots, "arrax.numpy.polynomial.polynomial")
def polyvalfromroots(x, r, tensor=True):
    if not (evaluable(x) and evaluable(r)):
        return _numpy_call(_poly.polyvalfromroots, "polyvalfromroots", x, r, tensor)
    x, r = _prepare(x, r, tensor)
    if isinstance(x, _core.ndarray) and not tensor and x.ndim >= r.ndim:
        raise ValueError("polyvalfromroots: x.ndim must be < r.ndim when tensor == False")
    return _np().prod(x - r, axis=0)


SERIES = {
    "polynomial": (_poly, "poly", _power_series),
    "chebyshev": (_cheb, "cheb", _chebyshev_series),
    "legendre": (_leg, "leg", _legendre_series),
    "laguerre": (_lag, "lag", _laguerre_series),
    "hermite": (_herm, "herm", _hermite_series),
    "hermite_e": (_herme, "herme", _hermite_e_series),
}


def module_functions(kind):
    """The arrax implementations for module `kind` (polynomial, chebyshev, ...)."""
    numpy_module, prefix, series = SERIES[kind]
    out = functions(numpy_module, prefix, series, f"arrax.numpy.polynomial.{kind}")
    if kind == "polynomial":
        out["polyvalfromroots"] = polyvalfromroots
    return out
