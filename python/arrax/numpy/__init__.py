"""arrax.numpy: NumPy's API on arrax arrays.

Everything here runs on arrax's C++ engine: each function is composed from primitives
(cpp/primitives) through NumPy's semantics layer (numpy_api/), so transformations see it.
"""

import builtins as _builtins  # (the module defines its own bool: NumPy's)
import functools as _functools
import inspect as _inspect
import math as _math
import operator as _operator
import sys as _sys

import numpy as _numpy_module

from arrax import _core as _engine
from arrax._trace_core import from_array_method as _from_array_method
from arrax.numpy._common import with_layout as _with_layout
from arrax.numpy._dtypes import *  # noqa: F401,F403
from arrax.numpy._ufuncs import *  # noqa: F401,F403
from arrax.numpy._ufuncs import ufunc  # noqa: F401

ndarray = _engine.ndarray

# Every public function of the C++ module is an arrax.numpy function (numpy_api/ bound in
# python/src/init_*.cpp), except the engine-level names below.
_ENGINE_ONLY = {
    "ndarray",
    "ufunc",
    "get_ufunc",
    "ufunc_names",
    "asarray",
    "get_num_threads",
    "set_num_threads",
    # the tracing and transformation machinery (python/src/init_transforms.cpp)
    "IR",
    "Opaque",
    "TraceContext",
    "abstract_eval",
    "bind",
    "def_primitive",
    "jit_signature",
    "new_level",
    "primitive_fusion",
    "primitive_names",
    "trace_level",
}
globals().update(
    {
        name: getattr(_engine, name)
        for name in dir(_engine)
        if not name.startswith("_") and name not in _ENGINE_ONLY
    }
)

from arrax import _devices  # noqa: E402
from arrax.numpy._common import takes_out as _takes_out  # noqa: E402


def _on_device(fn, takes_like=False):
    """fn with its ``device=`` keyword honoured: the array is made on that device (committed
    there, as JAX does); without it, on the default device. With takes_like, NEP 35's like=
    (like_dispatch)."""

    def wrapper(*args, device=None, like=None, **kwargs):
        if like is not None:
            if not takes_like:
                kwargs["like"] = like  # (fn's to take or refuse)
            else:  # (NEP 35: another library's like= array makes its own)
                kw = kwargs if device is None else {**kwargs, "device": device}
                r = _like_dispatch(fn.__name__, like, args, kw)
                if r is not _LIKE_PROCEED:
                    return r
        if device is None:
            return fn(*args, **kwargs)
        key = _devices._key_of(device)
        with _devices._DefaultDevice(key):
            r = fn(*args, **kwargs)
        return _engine._device_put(r, key)

    wrapper.__name__ = wrapper.__qualname__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _eye(N, M=None, k=0, *args, **kwargs):
    # A diagonal offset beyond the matrix (even one past int64) only leaves it all zeros.
    # (Python ints throughout: NumPy's uint64 scalars would make the bound uint64.)
    k, N = int(_operator.index(k)), int(_operator.index(N))
    M = None if M is None else int(_operator.index(M))
    bound = N + (N if M is None else M) + 1
    k = -bound if k < -bound else bound if k > bound else k  # (max/min are numpy's here)
    return _engine.eye(N, M, k, *args, **kwargs)


def _ordered(fn, like):
    """A creation function that honours ``order=`` (the engine makes C-ordered arrays): 'F'
    Fortran order, and for the *_like ones 'K'/'A' the prototype's layout, as NumPy's."""
    names = tuple(_inspect.signature(getattr(_numpy_module, fn.__name__)).parameters)
    order_at = names.index("order")

    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            r = fn(*args, **kwargs)
        except TypeError:
            # (JAX's *_like take a duck-typed prototype: any object with shape and dtype, a
            # ShapeDtypeStruct; only such a call, which the engine refuses, pays for this)
            proto = args[0] if like and args else None
            if not (hasattr(proto, "shape") and hasattr(proto, "dtype")):
                raise
            proto = _engine.empty(tuple(proto.shape), proto.dtype)
            r = fn(proto, *args[1:], **kwargs)
        if not (like or kwargs or len(args) > order_at):
            return r  # (C order: the common case, kept quick)
        order = args[order_at] if len(args) > order_at else kwargs.get("order")
        if order is not None and not isinstance(order, str):  # (NumPy's TypeError)
            raise TypeError(f"{fn.__name__}: order must be str, not {type(order).__name__}")
        if r.ndim < 2 or r._is_tracer:
            if order is not None and (len(order) != 1 or order not in "CFAKcfak"):
                raise ValueError(
                    f"{fn.__name__}: order must be one of 'C', 'F', 'A', or 'K' (got {order!r})"
                )
            return r  # (no layout to choose)
        if "order" not in kwargs and len(args) <= order_at:
            # The default order ('C', or 'K' from a C-contiguous prototype): the common case,
            # kept quick.
            if not like or (args and isinstance(args[0], ndarray) and args[0]._c_contiguous):
                return r
        bound = dict(zip(names, args)) | kwargs
        order = bound.get("order", "K" if like else "C")
        proto = bound.get(names[0]) if like else None  # (a, or prototype for empty_like)
        shape = bound.get("shape")
        if shape is not None and getattr(proto, "ndim", None) != r.ndim and order not in ("A", "a"):
            # (NumPy keeps the prototype's stride order ('K') only for as many dimensions; 'A'
            # asks only whether it is Fortran-contiguous, whatever the new shape)
            proto = None
        return _with_layout(fn.__name__, r, order, proto)

    return wrapper


def _c_ordered(a):
    return type(a) is ndarray and a._c_contiguous


_QUICK_DEFAULTS = {"dtype": None, "order": "C", "device": None}  # (for like=: those given)


def _quick(name, general):
    """The creation function `name`: the engine's call itself when neither device= nor a memory
    order other than C (or, for the *_like ones, a C-contiguous prototype's) asks for more, the
    common case: NumPy's np.zeros(3) takes under a microsecond and the general wrappers alone
    took twice that. Anything else goes to `general`."""
    e = getattr(_engine, name)
    if name == "full":

        def fn(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
            if device is None and order == "C" and like is None:
                return e(shape, fill_value, dtype)
            if like is not None:
                kw = {"dtype": dtype, "order": order, "device": device}
                kw = {k: v for k, v in kw.items() if v is not _QUICK_DEFAULTS[k]}
                r = _like_dispatch(name, like, (shape, fill_value), kw)
                if r is not _LIKE_PROCEED:
                    return r
            return general(shape, fill_value, dtype, order, device=device, like=like)

    elif name == "full_like":

        def fn(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
            if device is None and (order == "C" or (order in ("K", "A") and _c_ordered(a))):
                return e(a, fill_value, dtype, "C", subok, shape)
            return general(a, fill_value, dtype, order, subok, shape, device=device)

    elif name.endswith("_like"):

        def fn(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
            if device is None and (order == "C" or (order in ("K", "A") and _c_ordered(a))):
                return e(a, dtype, "C", subok, shape)
            return general(a, dtype, order, subok, shape, device=device)

    else:

        def fn(shape, dtype=None, order="C", *, device=None, like=None):
            if device is None and order == "C" and like is None:
                return e(shape, dtype)
            if like is not None:
                kw = {"dtype": dtype, "order": order, "device": device}
                kw = {k: v for k, v in kw.items() if v is not _QUICK_DEFAULTS[k]}
                r = _like_dispatch(name, like, (shape,), kw)
                if r is not _LIKE_PROCEED:
                    return r
            return general(shape, dtype, order, device=device, like=like)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = e.__doc__
    return fn


for _name in (
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "arange",
    "linspace",
    "eye",
):
    globals()[_name] = _on_device(
        _eye if _name == "eye" else getattr(_engine, _name), takes_like=_name == "arange"
    )
    if _name in ("zeros", "ones", "empty", "full") or _name.endswith("_like"):
        globals()[_name] = _quick(_name, _ordered(globals()[_name], _name.endswith("_like")))
    # Introspection (inspect.signature, the Array API's signature checks) sees NumPy's
    # parameters, which these accept.
    globals()[_name].__signature__ = _inspect.signature(getattr(_numpy_module, _name))

__array_api_version__ = "2023.12"
bool = __import__("numpy").bool  # noqa: A001 (NumPy 2 and the Array API spell it so)

pi = _math.pi
e = _math.e
inf = float("inf")
nan = float("nan")
euler_gamma = 0.5772156649015329
newaxis = None


def asarray(a, dtype=None, order=None, *, copy=None, device=None, like=None):
    """numpy.asarray: no copy when `a` already is an arrax array (or a NumPy array) of that dtype;
    ``device`` places (and commits) it there."""
    if copy is not None and copy is not True and copy is not False:
        copy = _copy_flag(copy)
    if like is not None:
        kw = {"dtype": dtype, "order": order, "copy": copy, "device": device}
        kw = {k: v for k, v in kw.items() if v is not None}  # (the arguments given, as NumPy)
        r = _like_dispatch("asarray", like, (a,), kw)
        if r is not _LIKE_PROCEED:
            return r
    if not copy and type(a) is ndarray and _has_dtype(a, dtype):
        r = a  # (the array itself, as NumPy's: code may test `np.asarray(x) is x`)
    else:
        if copy is False:
            _never_copy_check("asarray", a, dtype)
        r = _asarray_new(a, dtype, copy)
    # (an arrax array always has flags: its getattr, which makes a flags object, is skipped)
    if order not in (None, "K", "k", "A", "a") or (
        type(a) is not ndarray and getattr(a, "flags", None) is None
    ):
        r = _with_layout("asarray", r, order)  # ('A'/'K' keep an array's layout: no copy)
    return r if device is None else _engine._device_put(r, _devices._key_of(device))


def _has_dtype(a, dtype):
    """Whether arrax array a already has the dtype asked for (None: any)."""
    if dtype is None:
        return True
    try:
        return a.dtype == _numpy_module.dtype(dtype)
    except TypeError:  # (not a NumPy dtype: the engine says what it makes of it)
        return False


def _never_copy_check(name, a, dtype):
    """copy=False: NumPy's (and the Array API's) ValueError where a new buffer is unavoidable:
    Python scalars and sequences, NumPy scalars, a NumPy array cast to another dtype."""
    if isinstance(a, (_numpy_module.ndarray, ndarray)):
        needs = dtype is not None and a.dtype != _numpy_module.dtype(dtype)
    else:
        needs = isinstance(
            a, (bool, int, float, complex, list, tuple, range, _numpy_module.generic)
        )
    if needs:
        raise ValueError(f"{name}: Unable to avoid copy while creating an array as requested.")


def _asarray_new(a, dtype, copy):
    if a is None and dtype is not None and _numpy_module.dtype(dtype).kind in "fc":
        a = nan  # (NumPy's float(None): np.array(None, dtype=float) is nan)
    try:
        return _engine.asarray(a, dtype, copy)
    except ValueError:
        r = _from_array_method(a)  # (an __array__ that returns an arrax array)
        if r is None:
            raise
        return _engine.asarray(r, dtype, copy)


def _copy_flag(copy):
    """copy= as True, False or None: NumPy's _CopyMode (ALWAYS, NEVER, IF_NEEDED) and other
    objects by their truth (np.True_)."""
    if isinstance(copy, _CopyMode):
        return {_CopyMode.ALWAYS: True, _CopyMode.NEVER: False}.get(copy)
    return _builtins.bool(copy)


def _ndmax_checked(object, dtype, ndmin, ndmax):
    """NumPy 2.4's ndmax= of array: checked, and a nested sequence discovered only to that many
    dimensions (deeper items are left as they are: an error unless dtype=object)."""
    ndmax = _operator.index(ndmax)
    if not 0 <= ndmax <= 64:
        raise ValueError("array: ndmax must be in the range [0, NPY_MAXDIMS (64)]")
    if ndmin > ndmax:
        raise ValueError(f"array: ndmin must be <= ndmax ({ndmax})")
    if isinstance(object, (list, tuple)):
        from arrax.numpy._host_fallback import _to_numpy

        try:
            return _numpy_module.array(_to_numpy(object), dtype=dtype, ndmax=ndmax)
        except ValueError as e:
            raise ValueError(f"array: {e}") from None
    return object


def array(object, dtype=None, *, copy=True, order="K", ndmin=0, ndmax=64, like=None):
    """numpy.array: a new array (a copy unless copy=False allows a view)."""
    if ndmin > 64:
        raise ValueError(f"array: ndmin must be <= ndmax (64), got {ndmin}")
    if ndmax != 64:
        object = _ndmax_checked(object, dtype, ndmin, ndmax)
    if copy is not True and copy is not False and copy is not None:
        copy = _copy_flag(copy)
    if like is not None:
        kw = {"dtype": dtype, "copy": copy, "order": order, "ndmin": ndmin}
        defaults = {"dtype": None, "copy": True, "order": "K", "ndmin": 0}
        kw = {k: v for k, v in kw.items() if v is not defaults[k]}  # (the arguments given)
        r = _like_dispatch("array", like, (object,), kw)
        if r is not _LIKE_PROCEED:
            return r
    if not copy and type(object) is ndarray and _has_dtype(object, dtype):
        a = object  # (no copy asked or needed: the array itself, as NumPy's)
    else:
        if copy is False:
            _never_copy_check("array", object, dtype)
        a = _asarray_new(object, dtype, True if copy else None)
    a = _with_layout("array", a, order, object)
    if ndmin and ndmin > a.ndim:  # (ndmin=0, the default: nothing to add)
        a = a.reshape((1,) * (ndmin - a.ndim) + a.shape)
    return a


def shape(a):
    """numpy.shape."""
    return asarray(a).shape


def ndim(a):
    """numpy.ndim."""
    return asarray(a).ndim


def size(a, axis=None):
    """numpy.size."""
    a = asarray(a)
    if axis is None:
        return a.size
    if isinstance(axis, (tuple, list)):  # NumPy 2.4: the product over several axes
        axes = _numpy_module.lib.array_utils.normalize_axis_tuple(tuple(axis), a.ndim)
        return int(_numpy_module.prod([a.shape[k] for k in axes]))
    return a.shape[_numpy_module.lib.array_utils.normalize_axis_index(axis, a.ndim)]


def real(val):
    """numpy.real: the real part (the array itself for real dtypes)."""
    return _engine._unary_primitive("real", asarray(val))


def imag(val):
    """numpy.imag: the imaginary part (zeros for real dtypes)."""
    return _engine._unary_primitive("imag", asarray(val))


def isscalar(element):
    """numpy.isscalar: Python and NumPy scalars (not 0-d arrays)."""
    import numpy as _np

    return _np.isscalar(element)


def iterable(y):
    """numpy.iterable."""
    try:
        iter(y)
    except TypeError:
        return False
    return True


from arrax.numpy import _ndarray_methods  # noqa: E402,F401,I001
from arrax.numpy import fft, linalg, random  # noqa: E402,F401,I001
from arrax.numpy import emath, lib  # noqa: E402,F401,I001
from arrax.numpy._interop import install as _install_protocols  # noqa: E402,I001
from arrax.numpy._interop import _KIND_NAMES  # noqa: E402,I001
from arrax.numpy._interop import _PROCEED as _LIKE_PROCEED  # noqa: E402,I001
from arrax.numpy._interop import like_dispatch as _like_dispatch  # noqa: E402,I001
from arrax.numpy._interop import with_like as _with_like  # noqa: E402,I001

_install_protocols(ndarray)
from arrax.numpy._apply import *  # noqa: E402,F401,F403
from arrax.numpy._construction import *  # noqa: E402,F401,F403
from arrax.numpy._convolve import *  # noqa: E402,F401,F403
from arrax.numpy._float_and_complex import *  # noqa: E402,F401,F403
from arrax.numpy._gufuncs import *  # noqa: E402,F401,F403
from arrax.numpy._index_tricks import *  # noqa: E402,F401,F403
from arrax.numpy._indexing import *  # noqa: E402,F401,F403
from arrax.numpy._inplace import *  # noqa: E402,F401,F403
from arrax.numpy._interop import *  # noqa: E402,F401,F403
from arrax.numpy._math import *  # noqa: E402,F401,F403
from arrax.numpy._polynomials import *  # noqa: E402,F401,F403
from arrax.numpy._rearrange import *  # noqa: E402,F401,F403
from arrax.numpy._sets import *  # noqa: E402,F401,F403
from arrax.numpy._statistics import *  # noqa: E402,F401,F403
from arrax.numpy._utilities import *  # noqa: E402,F401,F403


def broadcast_arrays(*args, subok=False):
    """numpy.broadcast_arrays: the arrays broadcast against each other, as a tuple (NumPy 2's;
    jax.numpy's list unpacks and indexes alike)."""
    return tuple(_engine.broadcast_arrays(*args))


def matrix_transpose(x, /):
    """numpy.matrix_transpose (Array API): swap the last two axes."""
    return linalg.matrix_transpose(x)


@_takes_out("unsafe")
def cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False):
    """numpy.cumulative_prod (NumPy 2.1, Array API 2023.12)."""
    x = asarray(x)
    if axis is None:
        if x.ndim > 1:
            raise ValueError("axis must be specified for arrays of more than one dimension")
        axis = 0
    r = cumprod(x, axis=axis, dtype=dtype)  # noqa: F405
    if include_initial:
        shape = list(r.shape)
        shape[axis % r.ndim] = 1
        r = concatenate([ones(tuple(shape), r.dtype), r], axis=axis)  # noqa: F405
    return r


class _ArrayNamespaceInfo:
    """The Array API inspection object (``__array_namespace_info__()``)."""

    def capabilities(self):
        return {"boolean indexing": True, "data-dependent shapes": True}

    def default_device(self):
        from arrax._devices import default_device

        return default_device()

    def devices(self):
        from arrax._devices import devices

        gpus = devices("gpu") if _engine._cuda_device_count() else []
        return devices("cpu") + gpus

    def _check_device(self, name, device):
        """NumPy's ValueError for a device that is none of this namespace's."""
        if device is None:
            return
        from arrax._devices import _key_of

        try:
            key = _key_of(device)
        except TypeError:
            key = None
        if key not in [d._key() for d in self.devices()]:
            raise ValueError(
                f"{name}: Device not understood: {device!r} is not one of {self.devices()}"
            )

    def default_dtypes(self, *, device=None):
        import numpy as onp

        self._check_device("default_dtypes", device)
        return {
            "real floating": onp.dtype(onp.float64),
            "complex floating": onp.dtype(onp.complex128),
            "integral": onp.dtype(onp.int64),
            "indexing": onp.dtype(onp.int64),
        }

    def dtypes(self, *, device=None, kind=None):
        import numpy as onp

        self._check_device("dtypes", device)
        names = [
            "bool",
            "int8",
            "int16",
            "int32",
            "int64",
            "uint8",
            "uint16",
            "uint32",
            "uint64",
            "float32",
            "float64",
            "complex64",
            "complex128",
        ]
        out = {n: onp.dtype(n) for n in names}
        if kind is None:
            return out
        # (the Array API's kind names, alone or in a tuple: NumPy's ValueError for any other,
        # a dtype too, which isdtype would take)
        kinds = kind if isinstance(kind, tuple) else (kind,)
        for k in kinds:
            if not isinstance(k, str) or k not in self._KINDS:
                raise ValueError(f"dtypes: unsupported kind: {k!r}")
        return {n: d for n, d in out.items() if onp.isdtype(d, kind)}

    _KINDS = frozenset(_KIND_NAMES)  # (isdtype's)


def __array_namespace_info__():
    return _ArrayNamespaceInfo()


# The NumPy API version arrax follows: the installed NumPy's (code that checks np.__version__).
__version__ = __import__("numpy").__version__


def _with_jax_product_args(name, fn):
    """fn with jax.numpy's `precision` and `preferred_element_type` keywords: the precision is
    checked (a hint, as lax.dot_general takes it), and with a preferred element type the
    operands are widened to it when it holds their dtype (int8 products summed in int32 do not
    wrap), else the result converted to it."""
    import functools

    import numpy as onp

    from arrax.lax import _ops as lax_ops

    @functools.wraps(fn)
    def product(*args, precision=None, preferred_element_type=None, **kwargs):
        if preferred_element_type is None and precision is None:
            return fn(*args, **kwargs)  # (the common call: one test)
        lax_ops._check_precision(name, precision)
        if preferred_element_type is None:
            return fn(*args, **kwargs)
        pet = onp.dtype(preferred_element_type)
        # (the operands: arrays; not einsum's subscripts or tensordot's axes)
        arrays = [
            i for i, a in enumerate(args) if isinstance(a, (ndarray, onp.ndarray, onp.generic))
        ]
        if lax_ops.widens_to(pet, *[asarray(args[i]).dtype for i in arrays]):
            args = [asarray(a).astype(pet) if i in arrays else a for i, a in enumerate(args)]
            return fn(*args, **kwargs)
        return asarray(fn(*args, **kwargs)).astype(pet)

    return product


for _name in ("dot", "matmul", "einsum", "tensordot", "inner", "vdot", "vecdot", "convolve",
              "correlate"):  # fmt: skip
    globals()[_name] = _with_jax_product_args(_name, globals()[_name])
for _name in ("matmul", "tensordot", "vecdot", "multi_dot"):
    setattr(linalg, _name, _with_jax_product_args(_name, getattr(linalg, _name)))
# NumPy's gufuncs: ufunc objects taking axes=, axis=, keepdims=, out=, dtype=, casting=.
from arrax.numpy._gufuncs import gufunc as _gufunc  # noqa: E402

for _name in ("matmul", "vecdot", "matvec", "vecmat"):
    globals()[_name] = _gufunc(globals()[_name])
del _name

_where3 = where  # noqa: F405 (the engine's where, from _core)


def _big_python_int(v):
    """A Python int outside 0..127 (those fit every result dtype: where(c, x, 0) skips the rest)."""
    return isinstance(v, int) and not isinstance(v, _builtins.bool) and not 0 <= v < 128


def _where_python_ints(x, y):
    """x and y with each Python int that where's result dtype (NumPy's weak promotion: an int8
    array's with any Python int) cannot hold converted as NumPy's where converts it: to an int
    type through a C long (or unsigned long long) cast, wrapping; to a float or complex type by
    value; past the unsigned 64-bit range, OverflowError."""
    onp = _numpy_module

    def kind(v):  # v's part in NumPy's promotion, an out-of-range int made harmless
        if isinstance(v, int) and not isinstance(v, _builtins.bool):
            return 0
        if isinstance(v, (_builtins.bool, float, complex)):
            return v
        return v.dtype if hasattr(v, "dtype") else onp.asarray(v).dtype

    try:
        dt = onp.result_type(kind(x), kind(y))
    except (TypeError, ValueError):  # (not numbers: the engine's where says what)
        return x, y

    def convert(v):
        if not _big_python_int(v) or dt.kind not in "iufc":
            return v
        if dt.kind in "fc":  # (the engine takes those within int64 itself)
            return v if -(2**63) <= v < 2**63 else onp.asarray(v, dtype=dt)
        if onp.iinfo(dt).min <= v <= onp.iinfo(dt).max:
            return v
        if not -(2**63) <= v < 2**64:
            raise OverflowError("Python int too large to convert to C long")
        return onp.asarray(v, onp.int64 if v < 2**63 else onp.uint64).astype(dt)

    return convert(x), convert(y)


# (types that are no Python int: where(c, a, 0.0) needs no call of _big_python_int)
_NO_PYTHON_INT = frozenset([ndarray, _builtins.float])


def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
    """numpy.where: elements of x where condition holds, else of y; with the condition alone,
    its nonzero indices (jax.numpy's size= and fill_value= give them a fixed size). Python ints
    the result dtype cannot hold convert as NumPy's where converts them."""
    if size is None and fill_value is None:
        if (
            x is not None
            and y is not None
            and not (type(x) in _NO_PYTHON_INT and type(y) in _NO_PYTHON_INT)
            and (_big_python_int(x) or _big_python_int(y))
        ):
            x, y = _where_python_ints(x, y)
        return _where3(condition, x, y)
    if x is not None or y is not None:
        raise ValueError("where: size and fill_value apply to the one-argument form only")
    return nonzero(condition, size=size, fill_value=fill_value)  # noqa: F405


_clip = clip  # noqa: F405 (the engine's clip, from _core)


def clip(a, *args, **kwargs):
    """numpy.clip. As NumPy's, a Python int bound at or past an integer array's dtype limits is
    no bound (so int8 clips to -1000 or 2**70 as to nothing), and one past int64 is a float's
    bound for a float or complex array (its value as a float)."""
    if (
        type(a) is ndarray
        and not (args and (type(args[0]) is _builtins.int or args[1:2] and type(args[1]) is _builtins.int))
        and not (kwargs and ("a_min" in kwargs or "a_max" in kwargs or "min" in kwargs or "max" in kwargs))
    ):  # fmt: skip
        return _clip(a, *args, **kwargs)  # (no Python int bound to check: the engine's clip)
    dt = getattr(a, "dtype", None)
    dt = asarray(a).dtype if dt is None else _numpy_module.dtype(dt)  # noqa: F405

    def bound(v, lower):
        if type(v) is not _builtins.int:
            return v
        if dt.kind in "iu":
            info = _numpy_module.iinfo(dt)
            return None if (v <= info.min if lower else v >= info.max) else v
        if dt.kind in "fc" and not -(2**63) <= v < 2**63:
            return float(v)  # (OverflowError past float64, as NumPy's)
        return v

    if (len(args) > 0 or "a_min" in kwargs) and (len(args) > 1 or "a_max" in kwargs):
        if "min" in kwargs or "max" in kwargs:
            raise ValueError(
                "clip: Passing `min` or `max` keyword argument when `a_min` and `a_max` are "
                "provided is forbidden."
            )
    args = [bound(v, i == 0) if i < 2 else v for i, v in enumerate(args)]
    for key, lower in (("a_min", True), ("a_max", False), ("min", True), ("max", False)):
        if key in kwargs:
            kwargs[key] = bound(kwargs[key], lower)
    return _clip(a, *args, **kwargs)


_result_type = result_type  # noqa: F405 (the engine's result_type, from _core)


def result_type(*arrays_and_dtypes):
    """numpy.result_type. A Python int alone is NumPy's array of it (uint64 past int64's range);
    among other operands it is weak, and only its kind counts (NEP 50): result_type(2**63, 0)
    is the default integer, as NumPy's."""
    if len(arrays_and_dtypes) > 1:
        arrays_and_dtypes = [
            0 if type(x) is int and not -(2**63) <= x < 2**63 else x for x in arrays_and_dtypes
        ]
    return _result_type(*arrays_and_dtypes)


_can_cast = can_cast  # noqa: F405 (the engine's can_cast, from _core)


def can_cast(from_, to, casting="safe"):
    """numpy.can_cast. A NumPy scalar stands for its dtype (NEP 50), np.float64 and
    np.complex128 included, which subclass Python's float and complex (those raise)."""
    if isinstance(from_, _numpy_module.generic):
        from_ = from_.dtype
    return _can_cast(from_, to, casting)


_copy = copy  # noqa: F405 (the engine's copy, from _core)


def copy(a, order="K", subok=False):
    """numpy.copy: a new array, in the layout order= asks for ('K', the default, and 'A' keep
    a Fortran-ordered array's layout, as NumPy's). arrax has no ndarray subclasses, so subok
    is accepted and makes no difference."""
    return _with_layout("copy", _copy(a), order, a)


from arrax.numpy import _inplace as _inplace_functions  # noqa: E402


def _with_inplace(fn, functional):
    """fn, which updates its first argument in place as NumPy's does, with jax.numpy's
    ``inplace=False``: the updated values as a new array (functional, which traces), the
    argument untouched. JAX requires inplace=False; NumPy code passes nothing."""
    import functools

    @functools.wraps(fn)
    def call(a, *args, inplace=True, **kwargs):
        if inplace:
            return fn(a, *args, **kwargs)
        return functional(a, *args, **kwargs)

    return call


for _name in ("put", "place", "fill_diagonal"):  # (put_along_axis takes inplace= itself)
    globals()[_name] = _with_inplace(
        globals()[_name], getattr(_inplace_functions, _name + "_functional")
    )


# NEP 35's like= (another library's array makes its own), in the creation functions that do not
# check it themselves.
for _name in (  # (arange: _on_device's)
    "asanyarray",
    "ascontiguousarray",
    "asfortranarray",
    "eye",
    "frombuffer",
    "fromfile",
    "fromfunction",
    "fromiter",
    "fromstring",
    "identity",
    "require",
    "tri",
):
    globals()[_name] = _with_like(globals()[_name], _name)

# Strings, objects, dates and records: NumPy's functions take the calls arrax cannot hold.
from arrax.numpy import _host_fallback  # noqa: E402

_host_fallback.install(globals(), ndarray)
flatiter = _ndarray_methods._FlatIter  # numpy.flatiter: the type of a.flat
# NumPy's non-numeric types and modules, as they are (they make NumPy arrays): dates, strings,
# records, masked arrays and memmaps.
from numpy import (  # noqa: E402,F401
    ScalarType,
    _CopyMode,
    _NoValue,
    asmatrix,
    busday_count,
    busday_offset,
    busdaycalendar,
    bytes_,
    char,
    character,
    ctypeslib,
    datetime64,
    datetime_as_string,
    datetime_data,
    dtypes,
    exceptions,
    flexible,
    get_include,
    getbufsize,
    is_busday,
    isnat,
    ma,
    matrix,
    memmap,
    nditer,
    nested_iters,
    object_,
    rec,
    recarray,
    record,
    sctypeDict,
    setbufsize,
    show_config,
    show_runtime,
    str_,
    strings,
    timedelta64,
    typing,
    void,
)


def bmat(obj, ldict=None, gdict=None):
    """numpy.bmat: a matrix built from blocks, named in a string ("A, B; C, D", looked up in
    the caller's names unless ldict/gdict are given) or nested lists of arrays. arrax arrays
    are blocks as NumPy's are (NumPy's reads a list of arrax arrays as one row of 1-d rows)."""
    if isinstance(obj, str):
        if gdict is None:
            frame = _sys._getframe().f_back
            ldict, gdict = frame.f_locals, frame.f_globals
        return _numpy_module.bmat(obj, ldict, gdict)

    def host(x):
        return _numpy_module.asarray(x) if isinstance(x, ndarray) else x

    if isinstance(obj, (tuple, list)):
        obj = [[host(b) for b in row] if isinstance(row, (tuple, list)) else host(row)
               for row in obj]  # fmt: skip
    return _numpy_module.bmat(host(obj), ldict, gdict)


ComplexWarning = exceptions.ComplexWarning  # (jax.numpy exports NumPy's; NumPy 2 does not)

from arrax.numpy import polynomial  # noqa: E402,F401 (numpy.polynomial, on arrax arrays)

# Last: every module function exists now, so the methods that forward to them can be set.
_ndarray_methods.install_forwarded()


class _unbound(staticmethod):
    """A module function that stays a plain function when stored on a class, as NumPy's
    builtins do (``class C: array = np.array`` then ``C().array([1])``); Python functions
    would bind the instance as their first argument. Pickled by name."""

    def __reduce__(self):
        return (_function_named, (self.__name__,))


def _function_named(name):
    return globals()[name]


# The functions NumPy has as builtins (which never bind) whose arrax versions are Python ones.
for _name in [
    n
    for n in dir(_numpy_module)
    if type(getattr(_numpy_module, n)).__name__ == "builtin_function_or_method"
    and _inspect.isfunction(globals().get(n))
]:
    globals()[_name] = _unbound(globals()[_name])

from arrax.numpy import _core  # noqa: E402,F401 (numpy._core's public corners; after every name exists)

# NumPy's names that its module __getattr__ answers with a warning or a guiding error:
# np.chararray (deprecated, still given), np.str/np.bytes/np.object (FutureWarning, absent),
# the aliases NumPy removed (np.float: "was a deprecated alias for the builtin `float`") and
# NumPy 2's expired attributes (np.float_: "was removed in the NumPy 2.0 release").
_NUMPY_GETATTR_NAMES = frozenset(
    ["chararray"]
    + list(getattr(_numpy_module, "__former_attrs__", ()))
    + list(getattr(_numpy_module, "__future_scalars__", ()))
    + list(getattr(_numpy_module, "__expired_attributes__", ()))
)


def __getattr__(name):
    if name in _NUMPY_GETATTR_NAMES:
        try:
            return _numpy_module.__getattr__(name)
        except AttributeError as exc:
            message = str(exc).replace("module 'numpy'", "module 'arrax.numpy'", 1)
            raise AttributeError(message, name=name, obj=None) from None
    raise AttributeError(f"module 'arrax.numpy' has no attribute {name!r}", name=name, obj=None)
