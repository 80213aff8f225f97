"""numpy.polynomial.chebyshev for arrax: NumPy's functions on coefficient arrays with arrax arrays
in and out, the evaluation functions (chebval, chebval2d, ..., chebgrid3d) in arrax ops
(they trace), and the Chebyshev class (see _boundary)."""

from numpy.polynomial import chebyshev as _numpy_module

from arrax.numpy.polynomial import _boundary, _evaluate

_boundary.populate(globals(), _numpy_module, _evaluate.module_functions("chebyshev"))
Chebyshev = _boundary.make_class(
    _numpy_module.Chebyshev, globals(), _boundary.statics(globals(), "cheb")
)


def __getattr__(name):  # (NumPy's module's other names: its helpers, wrapped)
    return _boundary.module_getattr(_numpy_module, __name__, name)
