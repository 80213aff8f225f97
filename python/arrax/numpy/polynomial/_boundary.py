"""The boundary between arrax and NumPy's polynomial package.

numpy.polynomial works on short coefficient arrays (sums, products, fits, roots, quadrature
points), where NumPy's own implementation is the sensible one: these modules call it, with arrax
arrays turned into NumPy arrays on the way in and NumPy's arrays (and numeric scalars) turned
into arrax arrays on the way out, so no NumPy array leaks out of a public call. What runs on the
points x, which can be large or traced (evaluation by Horner's and Clenshaw's recurrences, the
weight functions, the map between domain and window), is arrax ops instead (see _evaluate), so it
works under arrax.jit, grad and vmap when the coefficients are concrete.

The classes (Polynomial, Chebyshev, ...) subclass NumPy's, hold arrax arrays (coef, domain,
window), and do their work on a NumPy twin of themselves; NumPy's classes and ours mix (NumPy's
isinstance checks pass). Arrays NumPy only can hold (object arrays: Fraction or Decimal
coefficients) stay NumPy's, as elsewhere in arrax.numpy."""

import functools
import inspect

import numpy as onp
from numpy.polynomial import _polybase

from arrax import _core
from arrax.numpy._host_fallback import host_only_dtype

# NumPy's classes and arrax's, each way.
_ARRAX_CLASS = {}


def traced_error(name):
    return TypeError(
        f"{name}: needs the values of its arrays, which traced ones (under jit or vmap) do not "
        "have; only the evaluation functions (polyval, chebval, ..., and calling a series) "
        "take traced points"
    )


def to_numpy(x, name, scalars=False):
    """x for NumPy's functions: arrax arrays as NumPy arrays (0-d ones as NumPy scalars where
    `scalars`), arrax series as NumPy's, arrax series classes as NumPy's, callables as
    functions of NumPy arrays, through lists and tuples."""
    if isinstance(x, _core.ndarray):
        if x._is_tracer:
            raise traced_error(name)
        h = onp.asarray(x)
        return h[()] if scalars and h.ndim == 0 else h
    if isinstance(x, ArraxPolyBase):
        return x._numpy_twin()
    if isinstance(x, type):
        return x._numpy_class if issubclass(x, ArraxPolyBase) else x
    if type(x) in (list, tuple):
        return type(x)(to_numpy(v, name, scalars) for v in x)
    if callable(x) and not isinstance(x, _polybase.ABCPolyBase):
        return _numpy_callback(x, name)
    return x


def _numpy_callback(fn, name):
    """fn (the user's, or an arrax function) called by NumPy's code: it gets arrax arrays and
    its results go back to NumPy as NumPy's."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        r = fn(*[from_numpy(a) for a in args], **{k: from_numpy(v) for k, v in kwargs.items()})
        return to_numpy(r, name)

    return call


def from_numpy(x, self_class=None):
    """NumPy's results as arrax's: arrays and numeric scalars as arrax arrays (0-d for scalars,
    as arrax.numpy's functions return), NumPy's series as arrax's (self_class: the arrax class
    for the NumPy class of the series a method was called on), through lists and tuples."""
    if isinstance(x, onp.ndarray):
        # (NumPy's subclasses, masked arrays and matrices, come back from a subclass argument:
        # they stay NumPy's, as np.ma and np.matrix are)
        keep = host_only_dtype(x.dtype) or type(x) is not onp.ndarray
        return x if keep else _core.asarray(x, None, None)
    if isinstance(x, onp.generic):
        return x if host_only_dtype(x.dtype) else _core.asarray(onp.asarray(x), None, None)
    if isinstance(x, _polybase.ABCPolyBase) and not isinstance(x, ArraxPolyBase):
        cls = _ARRAX_CLASS.get(type(x))
        if self_class is not None and type(x) is self_class._numpy_class:
            cls = self_class
        return x if cls is None else cls._from_twin(x)
    if type(x) in (list, tuple):
        return type(x)(from_numpy(v, self_class) for v in x)
    return x


def wrap_function(fn, module_name):
    """NumPy's function fn with arrax arrays in and out."""
    name = fn.__name__

    @functools.wraps(fn)
    def call(*args, **kwargs):
        args = to_numpy(args, name)
        kwargs = {k: to_numpy(v, name) for k, v in kwargs.items()}
        return from_numpy(fn(*args, **kwargs))

    call.__module__ = module_name
    call.__wrapped_numpy__ = fn
    return call


def constant(x):
    """A module constant (polydomain, chebone, ...): an arrax copy of NumPy's."""
    return from_numpy(onp.array(x, copy=True))


def populate(namespace, numpy_module, arrax_functions):
    """Fills a module namespace with NumPy's module's public names: arrax_functions (a dict of
    arrax implementations) where given, NumPy's functions wrapped, its arrays as arrax copies."""
    module_name = namespace["__name__"]
    for name in numpy_module.__all__:
        if name in arrax_functions:
            namespace[name] = arrax_functions[name]
            continue
        value = getattr(numpy_module, name)
        if isinstance(value, type):
            continue  # (the series class: made by the module)
        if isinstance(value, onp.ndarray):
            namespace[name] = constant(value)
        elif callable(value):
            namespace[name] = wrap_function(value, module_name)
        else:
            namespace[name] = value
    namespace["__all__"] = list(numpy_module.__all__)
    namespace["__doc__"] = numpy_module.__doc__


def module_getattr(numpy_module, module_name, name):
    """The names NumPy's module has besides its public ones (helpers such as chebyshev's
    _cseries_to_zseries, polyutils' _vander_nd): functions wrapped, as for the public ones."""
    if name.startswith("__"):
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
    try:
        value = getattr(numpy_module, name)
    except AttributeError:
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}") from None
    if inspect.isfunction(value):
        return wrap_function(value, module_name)
    return value


# The methods done by NumPy's twin of a series, with arrays converted at the boundary.
_TWIN_METHODS = [
    "has_samecoef",
    "has_samedomain",
    "has_samewindow",
    "has_sametype",
    "__repr__",
    "__format__",
    "__str__",
    "_repr_latex_",
    "__neg__",
    "__add__",
    "__sub__",
    "__mul__",
    "__truediv__",
    "__floordiv__",
    "__mod__",
    "__divmod__",
    "__pow__",
    "__radd__",
    "__rsub__",
    "__rmul__",
    "__rtruediv__",
    "__rfloordiv__",
    "__rmod__",
    "__rdivmod__",
    "__eq__",
    "__ne__",
    "copy",
    "degree",
    "cutdeg",
    "trim",
    "truncate",
    "convert",
    "mapparms",
    "integ",
    "deriv",
    "roots",
]
_PREDICATES = frozenset(
    ["has_samecoef", "has_samedomain", "has_samewindow", "has_sametype", "__eq__", "__ne__"]
)
_REFLECTED = {
    f"__r{op}__": f"__{op}__"
    for op in ["add", "sub", "mul", "truediv", "floordiv", "mod", "divmod"]
}
_TWIN_CLASSMETHODS = ["fit", "fromroots", "identity", "basis", "cast"]
# NumPy's array attributes of a series (instance or class).
_ARRAY_ATTRS = ("coef", "domain", "window")


def _twin_method(name):
    numpy_method = getattr(_polybase.ABCPolyBase, name)

    forward = _REFLECTED.get(name)

    def method(self, *args, **kwargs):
        where = f"{type(self).__name__}.{name}"
        if forward and isinstance(args[0], _polybase.ABCPolyBase):
            # NumPy's series on the left: Python asks ours first (a subclass of its class), and
            # NumPy's reflected methods take the other operand for coefficients; its own
            # forward method does the arithmetic of two series.
            r = getattr(args[0], forward)(self._numpy_twin())
            return from_numpy(r, type(self))
        args = to_numpy(args, where, scalars=True)
        kwargs = {k: to_numpy(v, where, scalars=True) for k, v in kwargs.items()}
        r = getattr(self._numpy_twin(), name)(*args, **kwargs)
        if name in _PREDICATES and r is not NotImplemented:
            return bool(r)  # (not a 0-d array: NumPy's answer is one NumPy bool)
        return from_numpy(r, type(self))

    functools.update_wrapper(method, numpy_method)
    return method


def _twin_classmethod(name):
    def method(cls, *args, **kwargs):
        where = f"{cls.__name__}.{name}"
        args = to_numpy(args, where)
        kwargs = {k: to_numpy(v, where) for k, v in kwargs.items()}
        return from_numpy(getattr(cls._numpy_class, name)(*args, **kwargs), cls)

    functools.update_wrapper(method, getattr(_polybase.ABCPolyBase, name).__func__)
    return classmethod(method)


class ArraxPolyBase:
    """What arrax's series classes add to NumPy's (the first base of each)."""

    _numpy_class = None

    def __init__(self, coef, domain=None, window=None, symbol="x"):
        where = type(self).__name__
        coef, domain, window = to_numpy((coef, domain, window), where)
        self._numpy_class.__init__(self, coef, domain, window, symbol)
        self._to_arrax_attrs()

    def _to_arrax_attrs(self):
        for k in _ARRAY_ATTRS:
            if k in self.__dict__:
                self.__dict__[k] = from_numpy(self.__dict__[k])

    @classmethod
    def _from_twin(cls, twin):
        self = object.__new__(cls)
        self.__dict__.update(twin.__dict__)
        self._to_arrax_attrs()
        return self

    def _numpy_twin(self):
        """This series as an instance of NumPy's class (its arrays NumPy's views of ours)."""
        twin = object.__new__(self._numpy_class)
        state = dict(self.__dict__)
        for k in _ARRAY_ATTRS:
            if k in state:
                state[k] = to_numpy(state[k], f"{type(self).__name__}")
        twin.__dict__.update(state)
        return twin

    def __getstate__(self):
        return self._numpy_twin().__getstate__()

    def __setstate__(self, state):
        self._numpy_class.__setstate__(self, dict(state))
        self._to_arrax_attrs()

    def __iter__(self):
        return iter(self.coef)

    def __len__(self):
        return len(self.coef)

    def __call__(self, arg):
        from arrax.numpy.polynomial import _evaluate

        if not (_evaluate.evaluable(arg) and _evaluate.evaluable(self.coef)):
            where = f"{type(self).__name__}.__call__"
            return from_numpy(self._numpy_twin()(to_numpy(arg, where)), type(self))
        arg = _evaluate.mapdomain(arg, self.domain, self.window)
        return self._val(arg, self.coef)

    def linspace(self, n=100, domain=None):
        from arrax import numpy as np

        if domain is None:
            domain = self.domain
        x = np.linspace(domain[0], domain[1], n)
        y = self(x)
        return x, y

    linspace.__doc__ = _polybase.ABCPolyBase.linspace.__doc__
    __call__.__doc__ = "The series' values at arg (arrax arrays, traced ones too)."


for _name in _TWIN_METHODS:
    setattr(ArraxPolyBase, _name, _twin_method(_name))
for _name in _TWIN_CLASSMETHODS:
    setattr(ArraxPolyBase, _name, _twin_classmethod(_name))


def make_class(numpy_class, module_namespace, statics):
    """arrax's series class for NumPy's numpy_class, in the module whose namespace is given;
    statics: its _val, _add, ... (arrax functions of the module)."""
    ns = {
        "__module__": module_namespace["__name__"],
        "__qualname__": numpy_class.__name__,
        "__doc__": numpy_class.__doc__,
        "_numpy_class": numpy_class,
        "domain": constant(numpy_class.domain),
        "window": constant(numpy_class.window),
    }
    for k, fn in statics.items():
        ns[k] = staticmethod(fn)
    if hasattr(numpy_class, "interpolate"):  # (Chebyshev.interpolate: points to a function)
        ns["interpolate"] = _class_interpolate(numpy_class)
    cls = type(numpy_class)(numpy_class.__name__, (ArraxPolyBase, numpy_class), ns)
    _ARRAX_CLASS[numpy_class] = cls
    return cls


def _class_interpolate(numpy_class):
    def interpolate(cls, func, deg, domain=None, args=()):
        where = f"{cls.__name__}.interpolate"
        r = numpy_class.interpolate.__func__(
            cls._numpy_class,
            to_numpy(func, where),
            to_numpy(deg, where),
            to_numpy(domain, where),
            to_numpy(args, where),
        )
        return from_numpy(r, cls)

    functools.update_wrapper(interpolate, numpy_class.interpolate.__func__)
    return classmethod(interpolate)


_STATICS = {
    "_add": "add",
    "_sub": "sub",
    "_mul": "mul",
    "_div": "div",
    "_pow": "pow",
    "_val": "val",
    "_int": "int",
    "_der": "der",
    "_fit": "fit",
    "_line": "line",
    "_roots": "roots",
    "_fromroots": "fromroots",
}


def statics(namespace, prefix):
    """A series class's static functions (_add, _val, ...): its module's arrax functions."""
    return {k: namespace[prefix + v] for k, v in _STATICS.items()}
