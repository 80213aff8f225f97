"""numpy.polynomial.legendre for arrax: NumPy's functions on coefficient arrays with arrax arrays
in and out, the evaluation functions (legval, legval2d, ..., leggrid3d) in arrax ops
(they trace), and the Legendre class (see _boundary)."""

from numpy.polynomial import legendre as _numpy_module

from arrax.numpy.polynomial import _boundary, _evaluate

_boundary.populate(globals(), _numpy_module, _evaluate.module_functions("legendre"))
Legendre = _boundary.make_class(
    _numpy_module.Legendre, globals(), _boundary.statics(globals(), "leg")
)


def __getattr__(name):  # (NumPy's module's other names: its helpers, wrapped)
    return _boundary.module_getattr(_numpy_module, __name__, name)
