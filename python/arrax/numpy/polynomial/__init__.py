"""numpy.polynomial for arrax: the power, Chebyshev, Legendre, Laguerre, Hermite and HermiteE
series, as modules of functions on coefficient arrays and as classes, with arrax arrays in and
out. NumPy's implementation does the work on the (short) coefficient arrays; evaluation at the
points x is arrax ops, so ``P(coef)(x)`` and ``chebval(x, c)`` run on arrax arrays and under
arrax.jit, grad and vmap (with concrete coefficients). See _boundary."""

from numpy.polynomial import __all__ as _numpy_all
from numpy.polynomial import set_default_printstyle  # noqa: F401 (NumPy's: one print style)

from arrax.numpy.polynomial import (  # noqa: F401
    chebyshev,
    hermite,
    hermite_e,
    laguerre,
    legendre,
    polynomial,
    polyutils,
)
from arrax.numpy.polynomial.chebyshev import Chebyshev  # noqa: F401
from arrax.numpy.polynomial.hermite import Hermite  # noqa: F401
from arrax.numpy.polynomial.hermite_e import HermiteE  # noqa: F401
from arrax.numpy.polynomial.laguerre import Laguerre  # noqa: F401
from arrax.numpy.polynomial.legendre import Legendre  # noqa: F401
from arrax.numpy.polynomial.polynomial import Polynomial  # noqa: F401

__all__ = list(_numpy_all)
