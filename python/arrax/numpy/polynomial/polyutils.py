"""numpy.polynomial.polyutils for arrax: NumPy's helpers with arrax arrays in and out;
mapdomain and mapparms (and the helpers of the <kind>val2d/grid2d functions) in arrax ops, so
they trace."""

from numpy.polynomial import polyutils as _numpy_module

from arrax.numpy.polynomial import _boundary, _evaluate

_boundary.populate(
    globals(),
    _numpy_module,
    {"mapdomain": _evaluate.mapdomain, "mapparms": _evaluate.mapparms},
)
_valnd = _evaluate.valnd
_gridnd = _evaluate.gridnd


def __getattr__(name):  # (NumPy's module's other names: its helpers, wrapped)
    return _boundary.module_getattr(_numpy_module, __name__, name)
