"""What arrax cannot hold, NumPy does: strings, Python objects, dates, records and NumPy's
extended-precision float128/complex256.

arrax arrays hold booleans and numbers. A NumPy program also makes arrays of labels
(``np.array(["cat", "dog"])``), objects, datetimes or records; for those, an arrax.numpy
function that fails with a TypeError on such an argument (or dtype) hands the call to the NumPy
function of the same name, which returns a NumPy array. NumPy arrays mix with arrax arrays
afterwards as usual (``np.where(labels == "cat", 1, 0)`` is an arrax array again). The check
runs only after a TypeError, so supported calls pay nothing."""

import collections.abc
import datetime
import functools
import inspect
import numbers
import re
import types

import numpy as onp

from arrax import _core
from arrax.errors import _JAXTypeError

# dtype kinds arrax arrays do not have: unicode and byte strings, NumPy 2's variable-width
# strings (StringDType, "T"), objects, datetimes, timedeltas, records (void; but ml_dtypes'
# bfloat16 is a "void" kind arrax holds).
_HOST_ONLY_KINDS = frozenset("USTOMmV")


def host_only_dtype(dt):
    """Whether arrays of NumPy dtype dt are NumPy's only (strings, objects, dates, records, and
    the extended precision of NumPy's float128/complex256, which arrax's longdouble is not)."""
    if dt.kind in "fc":
        return dt.itemsize > (8 if dt.kind == "f" else 16)
    return dt.kind in _HOST_ONLY_KINDS and dt.name != "bfloat16"


# _names_host_only_dtype's answers for dtypes and scalar types (immutable, and named the same
# way by every call: x.astype(np.float32) in a loop pays for onp.dtype once).
_HOST_ONLY_ANSWERS = {}
_BUILTIN_SCALAR_TYPES = frozenset([bool, int, float, complex])


def _names_host_only_dtype(x):
    answer = _HOST_ONLY_ANSWERS.get(x) if type(x) is type or isinstance(x, onp.dtype) else None
    if answer is not None:
        return answer
    try:
        answer = host_only_dtype(onp.dtype(x))
    except (TypeError, ValueError):
        return False
    if len(_HOST_ONLY_ANSWERS) < 512 and (
        isinstance(x, onp.dtype)
        or (type(x) is type and (x in _BUILTIN_SCALAR_TYPES or issubclass(x, onp.generic)))
    ):
        _HOST_ONLY_ANSWERS[x] = answer
    return answer


def _names_numeric_dtype(x):
    try:
        return not host_only_dtype(onp.dtype(x))
    except (TypeError, ValueError, SyntaxError):  # (NumPy's parser: dtype("0123") is one)
        return False


def needs_numpy(x, depth=0):
    """Whether x is (or holds, or names as a dtype) something only NumPy can store."""
    if isinstance(x, _core.ndarray):  # (the common case, NumPy's ufuncs on arrax arrays: at once)
        return False
    if isinstance(x, (str, bytes)):
        # A value ("cat"), or a dtype name: host-only unless it names a numeric dtype.
        return depth > 0 or not _names_numeric_dtype(x)
    if x is None:  # inside a list ([None, 1]): NumPy makes an object array
        return depth > 0
    if type(x) is int:  # past int64 and uint64: NumPy keeps it in an object array
        return not -(2**63) <= x < 2**64
    if isinstance(x, (onp.ndarray, onp.generic)):
        return host_only_dtype(x.dtype)
    if isinstance(x, (onp.dtype, type)):
        return _names_host_only_dtype(x)
    if isinstance(x, dict):  # a record dtype's {"names": ..., "formats": ...}; inside a list,
        return depth > 0 or _names_host_only_dtype(x)  # an object
    if isinstance(x, (list, tuple)) and depth < 32:
        return any(needs_numpy(v, depth + 1) for v in x)
    if isinstance(x, numbers.Number) and not isinstance(
        x, (int, float, complex, onp.generic, _core.ndarray)
    ):
        return True  # a Fraction or Decimal, even alone: NumPy keeps it in an object array
    if isinstance(x, (datetime.date, datetime.timedelta)):
        return True  # (NumPy's object array of it, even alone, which astype makes dates of)
    array_like = any(hasattr(x, a) for a in ("__array__", "__array_interface__", "__dlpack__"))
    if isinstance(x, collections.abc.Iterator) and not array_like:
        # A generator or map object: NumPy makes a 0-d object array of it (np.all(v == i for v
        # in vals) is NumPy's True, np.sum(generator) NumPy's TypeError).
        return True
    # Inside a list, an object that is no number and no array-like (a Decimal, a user's
    # class): NumPy makes an object array.
    return depth > 0 and not (
        isinstance(x, (int, float, complex, onp.generic, _core.ndarray)) or array_like
    )


def host_only_array_like(x, depth=0):
    """Whether x is (or a list or tuple holds) another library's array-like, one with
    __array__ (a pandas Series, Index or DataFrame), that NumPy makes an array of strings,
    objects or dates of. It converts x, so it is asked only after a TypeError."""
    if isinstance(x, (list, tuple)) and depth < 2:
        return any(host_only_array_like(v, depth + 1) for v in x)
    if isinstance(x, (_core.ndarray, onp.ndarray, onp.generic)) or not hasattr(
        type(x), "__array__"
    ):
        return False
    try:
        return host_only_dtype(onp.asarray(x).dtype)
    except Exception:  # (its own conversion's error: arrax's TypeError stands)
        return False


def _to_numpy(x, depth=0):
    """x with the arrax arrays in it NumPy's. Lists and tuples holding none are x's own (NumPy's
    object arrays hold the very objects given: np.array([items], dtype=object)[0] is items),
    and a list holding itself is no endless recursion."""
    if isinstance(x, _core.ndarray):
        return onp.asarray(x)
    if isinstance(x, (list, tuple)) and depth < 32:
        items = [_to_numpy(v, depth + 1) for v in x]
        if any(new is not old for new, old in zip(items, x)):
            return type(x)(items)
    return x


# arrax's error for a None read as an array (NumPy's 0-d object array of None).
_NONE_AS_ARRAY = "cannot convert an object of type 'NoneType' to an array"
# Functions that call the user's code: its errors keep their words.
_CALLS_USER_CODE = frozenset(
    ["apply_along_axis", "apply_over_axes", "piecewise", "fromfunction", "frompyfunc"]
)
# Functions that hand their work to NumPy's function themselves (file and text readers): a
# TypeError is NumPy's already, and a retry would read a file or generator the first call used
# up (loadtxt of a generator of bad lines returned an empty array instead of the TypeError).
_NUMPY_ITSELF = frozenset(["loadtxt", "genfromtxt", "fromregex", "fromfile", "load"])
# The names install() collected (a one-item list: set once arrax.numpy is complete).
_ARRAX_NAMES = [frozenset()]
_LEADING_NAME = re.compile(r"^([A-Za-z_]\w*): ")


def _named_for(exc, name, internal_names):
    """exc with its message's leading name (an arrax function that `name` is composed of:
    "max: axis 2 is out of bounds" from ptp) replaced by `name`, so that errors name the
    function called, as arrax's own do."""
    message = str(exc)
    m = _LEADING_NAME.match(message)
    if not m or m.group(1) == name or m.group(1) not in internal_names:
        return exc
    renamed = f"{name}: {message[m.end() :]}"
    if exc.args == (message,):
        exc.args = (renamed,)
    # (numpy.exceptions.AxisError keeps its whole message, or only its prefix, in _msg)
    if getattr(exc, "_msg", None) == message:
        exc._msg = renamed
    elif getattr(exc, "_msg", None) == m.group(1):
        exc._msg = name
    return exc


def with_numpy_fallback(fn, numpy_fn, name=None, internal_names=frozenset()):
    """fn, handing its call to numpy_fn when it raises TypeError on host-only arguments; its
    errors name it (``name``) where they named a function it is composed of."""
    rename = name is not None and name not in _CALLS_USER_CODE
    call = fallback_call(fn, fn, numpy_fn, rename, name, internal_names)
    # (for wrappers of call that do its work in their own frame: _prng_key_ops's)
    call._numpy_fallback = (fn, numpy_fn, rename, name, internal_names)
    return call


def fallback_call(wrapped, fn, numpy_fn, rename, name, internal_names, key_fn=None, has_key=None):
    """fn's call with with_numpy_fallback's handling (NumPy's function for host-only arguments,
    errors named for `name`) and, given key_fn, then a typed-key array's version of it
    (_prng_key_ops.install): both in one Python frame, which every call of the wrapped
    function pays."""

    @functools.wraps(wrapped)
    def call(*args, **kwargs):
        try:
            try:
                return fn(*args, **kwargs)
            except TypeError as exc:
                if not falls_back(exc, args, kwargs, rename, name, internal_names):
                    raise
            except (ValueError, IndexError) as exc:
                if rename:
                    _named_for(exc, name, internal_names)
                raise
            return numpy_call(numpy_fn, args, kwargs)
        except TypeError:
            if key_fn is None or not has_key(args, kwargs):
                raise
        return key_fn(*args, **kwargs)

    return call


def falls_back(exc, args, kwargs, rename, name, internal_names):
    """Whether the TypeError exc, raised by an arrax function called with args and kwargs,
    hands the call to NumPy's function (host-only arguments); if not, exc named for `name`
    (when rename) for the caller to raise."""
    # (a traced value's errors are arrax's to report: NumPy cannot take tracers)
    # (dtype=[] names a record dtype without fields, though no item of it does)
    # (a None that arrax tried to read as an array, np.full(3, None), is NumPy's object array:
    # None alone is no value elsewhere, axis=None say)
    # (another library's array-like, a pandas Series of labels or dates, that converts to a
    # NumPy array of strings or objects: np.unique(series), np.asarray(data_frame))
    # (another library's duck array, which overrides NumPy's functions (NEP 18): NumPy's
    # function hands it the call, np.sum(duck) or np.std(x, where=duck))
    if isinstance(exc, _JAXTypeError) or not (any(needs_numpy(a) for a in args)
            or any(needs_numpy(v) for v in kwargs.values())
            or _names_host_only_dtype(kwargs.get("dtype"))
            or _NONE_AS_ARRAY in str(exc)
            or any(host_only_array_like(a) for a in args)
            or any(host_only_array_like(v) for v in kwargs.values())
            or any(_overrides_functions(a) for a in args)
            or any(_overrides_functions(v) for v in kwargs.values())):  # fmt: skip
        if rename:
            _named_for(exc, name, internal_names)
        return False
    return True


def _overrides_functions(x, depth=0):
    """Whether x (or an item of a list or tuple x) is a duck array of another library that
    overrides NumPy's functions (``__array_function__``; not arrax's or NumPy's arrays)."""
    if isinstance(x, (list, tuple)):
        return depth < 2 and any(_overrides_functions(v, depth + 1) for v in x)
    return hasattr(type(x), "__array_function__") and not isinstance(
        x, (_core.ndarray, onp.ndarray)
    )


def ufunc_on_host(name, args, kwargs):
    """NumPy's ufunc `name` on arguments arrax arrays cannot hold (strings, objects, dates:
    np.equal(names, names), np.subtract(dates, dates)), its array results arrax's where they
    can be; None when no argument needs NumPy (arrax's own TypeError stands). Called by the
    engine's ufuncs after that TypeError, so supported calls pay nothing."""
    # (the operands decide, and dtype=: a signature=(None, None, float) is no object array)
    if not (any(needs_numpy(a) for a in args) or _names_host_only_dtype(kwargs.get("dtype"))):
        return None
    from arrax.numpy._common import from_numpy

    return from_numpy(numpy_call(getattr(onp, name), args, kwargs))


def numpy_call(numpy_fn, args, kwargs):
    """numpy_fn called with args and kwargs as NumPy's values."""
    return numpy_fn(*[_to_numpy(a) for a in args],
                    **{k: _to_numpy(v) for k, v in kwargs.items()})  # fmt: skip


def install(namespace, ndarray):
    """Wraps namespace's module functions that NumPy also has, and ndarray.astype."""
    from arrax import _core
    from arrax.numpy._ufuncs import ufunc

    # The names an error of arrax's own can start with: its functions, ufuncs, primitives and
    # the argument parsers ("dtype: ...", "axis: ...").
    internal = _ARRAX_NAMES[0] = frozenset(
        [n for n in namespace if not n.startswith("_")]
        + [getattr(f, "__name__", "") for f in namespace.values() if isinstance(f, ufunc)]
        + list(_core.primitive_names())
        + ["dtype", "axis", "index"]
    )
    for name, fn in list(namespace.items()):
        if name.startswith("_") or isinstance(fn, (type, ufunc)) or not callable(fn):
            continue
        if name in _NUMPY_ITSELF:
            continue
        numpy_fn = getattr(onp, name, None)
        if numpy_fn is None or isinstance(numpy_fn, type) or not callable(numpy_fn):
            continue
        namespace[name] = with_numpy_fallback(fn, numpy_fn, name, internal)
        if (
            isinstance(inspect.unwrap(fn), types.BuiltinFunctionType)
            and getattr(fn, "__signature__", None) is None
        ):
            # (the engine's functions have no signature Python can read: inspect.signature
            # sees NumPy's parameters, which they take, as the creation functions' do)
            try:
                namespace[name].__signature__ = inspect.signature(numpy_fn)
            except (TypeError, ValueError):
                pass

    astype = ndarray.astype

    @functools.wraps(astype)
    def astype_or_numpy(self, dtype, *args, **kwargs):
        # (_names_host_only_dtype's kept answer read here for a scalar type, x.astype(np.float32))
        host_only = _HOST_ONLY_ANSWERS.get(dtype) if type(dtype) is type else None
        if host_only is None:
            host_only = _names_host_only_dtype(dtype)
        if host_only:  # x.astype(str): NumPy's strings of the values
            return onp.asarray(self).astype(dtype, *args, **kwargs)
        return astype(self, dtype, *args, **kwargs) if args or kwargs else astype(self, dtype)

    ndarray.astype = astype_or_numpy

    def contains(self, value):
        """``value in x``: whether any element equals value (NumPy's __contains__)."""
        eq = self == value
        # (a value arrax cannot compare, a string say, gives Python's False, as NumPy's)
        return bool(eq.any()) if isinstance(eq, ndarray) else bool(eq)

    ndarray.__contains__ = contains
