"""arrax.numpy: NumPy's API on arrax arrays.

Everything here runs on arrax's C++ engine: each function is composed from primitives
(cpp/primitives) through NumPy's semantics layer (numpy_api/), so transformations see it.
"""

import math as _math

from arrax import _core
from arrax.numpy._dtypes import *  # noqa: F401,F403
from arrax.numpy._ufuncs import *  # noqa: F401,F403
from arrax.numpy._ufuncs import ufunc  # noqa: F401

ndarray = _core.ndarray

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
        name: getattr(_core, name)
        for name in dir(_core)
        if not name.startswith("_") and name not in _ENGINE_ONLY
    }
)

pi = _math.pi
e = _math.e
inf = float("inf")
nan = float("nan")
euler_gamma = 0.5772156649015329
newaxis = None


def asarray(a, dtype=None, order=None, *, copy=None, device=None):
    """numpy.asarray: no copy when `a` already is an arrax array (or a NumPy array) of that dtype."""
    return _core.asarray(a, dtype, copy)


def array(object, dtype=None, *, copy=True, order="K", ndmin=0, like=None):
    """numpy.array: a new array (a copy unless copy=False allows a view)."""
    a = _core.asarray(object, dtype, True if copy else None)
    if ndmin > a.ndim:
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
    return a.size if axis is None else a.shape[axis]


def real(val):
    """numpy.real: the real part (the array itself for real dtypes)."""
    return _core._unary_primitive("real", asarray(val))


def imag(val):
    """numpy.imag: the imaginary part (zeros for real dtypes)."""
    return _core._unary_primitive("imag", asarray(val))


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
from arrax.numpy._interop import install as _install_protocols  # noqa: E402,I001

_install_protocols(ndarray)
from arrax.numpy._indexing import *  # noqa: E402,F401,F403
from arrax.numpy._interop import *  # noqa: E402,F401,F403
from arrax.numpy._math import *  # noqa: E402,F401,F403
from arrax.numpy._rearrange import *  # noqa: E402,F401,F403
from arrax.numpy._statistics import *  # noqa: E402,F401,F403
