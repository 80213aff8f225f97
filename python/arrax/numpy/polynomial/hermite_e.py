"""numpy.polynomial.hermite_e for arrax: NumPy's functions on coefficient arrays with arrax arrays
in and out, the evaluation functions (hermeval, hermeval2d, ..., hermegrid3d) in arrax ops
(they trace), and the HermiteE class (see _boundary)."""

from numpy.polynomial import hermite_e as _numpy_module

from arrax.numpy.polynomial import _boundary, _evaluate

_boundary.populate(globals(), _numpy_module, _evaluate.module_functions("hermite_e"))
HermiteE = _boundary.make_class(
    _numpy_module.HermiteE, globals(), _boundary.statics(globals(), "herme")
)


def __getattr__(name):  # (NumPy's module's other names: its helpers, wrapped)
    return _boundary.module_getattr(_numpy_module, __name__, name)
