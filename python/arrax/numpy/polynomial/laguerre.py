"""numpy.polynomial.laguerre for arrax: NumPy's functions on coefficient arrays with arrax arrays
in and out, the evaluation functions (lagval, lagval2d, ..., laggrid3d) in arrax ops
(they trace), and the Laguerre class (see _boundary)."""

from numpy.polynomial import laguerre as _numpy_module

from arrax.numpy.polynomial import _boundary, _evaluate

_boundary.populate(globals(), _numpy_module, _evaluate.module_functions("laguerre"))
Laguerre = _boundary.make_class(
    _numpy_module.Laguerre, globals(), _boundary.statics(globals(), "lag")
)


def __getattr__(name):  # (NumPy's module's other names: its helpers, wrapped)
    return _boundary.module_getattr(_numpy_module, __name__, name)
