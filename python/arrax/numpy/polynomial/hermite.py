"""numpy.polynomial.hermite for arrax: NumPy's functions on coefficient arrays with arrax arrays
in and out, the evaluation functions (hermval, hermval2d, ..., hermgrid3d) in arrax ops
(they trace), and the Hermite class (see _boundary)."""

from numpy.polynomial import hermite as _numpy_module

from arrax.numpy.polynomial import _boundary, _evaluate

_boundary.populate(globals(), _numpy_module, _evaluate.module_functions("hermite"))
Hermite = _boundary.make_class(
    _numpy_module.Hermite, globals(), _boundary.statics(globals(), "herm")
)


def __getattr__(name):  # (NumPy's module's other names: its helpers, wrapped)
    return _boundary.module_getattr(_numpy_module, __name__, name)
