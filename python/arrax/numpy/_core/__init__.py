"""``numpy._core`` as programs (and NumPy's own tests) reach into it: ``umath`` holds
arrax's ufuncs, ``sctypes`` and ``_exceptions`` are NumPy's (arrax's scalar types and
exceptions are NumPy's), and NumPy's internal modules (numeric, multiarray, fromnumeric, ...)
give arrax.numpy's function of a name where there is one and NumPy's helper otherwise."""

import importlib
import sys
import types

import numpy._core as _numpy_core
from numpy._core import _exceptions, sctypes  # noqa: F401

import arrax.numpy as _anp
from arrax.numpy._core import umath  # noqa: F401


def _mirror(name):
    """A module standing for numpy._core.<name>: arrax.numpy's function of each name first
    (so code reaching through it still gets arrax arrays), NumPy's own helper otherwise."""
    numpy_module = importlib.import_module(f"numpy._core.{name}")
    module = types.ModuleType(f"{__name__}.{name}", numpy_module.__doc__)

    def __getattr__(attr):
        if not attr.startswith("__") and hasattr(_anp, attr):
            return getattr(_anp, attr)
        return getattr(numpy_module, attr)

    module.__getattr__ = __getattr__
    sys.modules[module.__name__] = module
    return module


numeric = _mirror("numeric")
multiarray = _mirror("multiarray")
fromnumeric = _mirror("fromnumeric")
shape_base = _mirror("shape_base")
function_base = _mirror("function_base")
numerictypes = _mirror("numerictypes")


def __getattr__(attr):
    if hasattr(_anp, attr):
        return getattr(_anp, attr)
    return getattr(_numpy_core, attr)
