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
result_type = _core.result_type
promote_types = _core.promote_types
can_cast = _core.can_cast

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


from arrax.numpy import _ndarray_methods  # noqa: E402,F401
