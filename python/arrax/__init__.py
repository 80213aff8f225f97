"""arrax: a NumPy-compatible array library with a C++ engine and composable transformations.

``import arrax.numpy as np`` gives NumPy's API on arrax arrays.
"""

from arrax import numpy, random, tree_util
from arrax._core import get_num_threads, set_num_threads
from arrax._jit import jit
from arrax._tracing import make_ir

__version__ = "0.1.0"
__all__ = [
    "numpy",
    "random",
    "tree_util",
    "make_ir",
    "jit",
    "get_num_threads",
    "set_num_threads",
    "__version__",
]
