"""numpy.polynomial.polynomial for arrax: NumPy's functions on coefficient arrays with arrax arrays
in and out, the evaluation functions (polyval, polyval2d, ..., polygrid3d) in arrax ops
(they trace), and the Polynomial class (see _boundary)."""

from numpy.polynomial import polynomial as _numpy_module

from arrax.numpy.polynomial import _boundary, _evaluate

_boundary.populate(globals(), _numpy_module, _evaluate.module_functions("polynomial"))
Polynomial = _boundary.make_class(
    _numpy_module.Polynomial, globals(), _boundary.statics(globals(), "poly")
)


def __getattr__(name):  # (NumPy's module's other names: its helpers, wrapped)
    return _boundary.module_getattr(_numpy_module, __name__, name)
