"""``numpy._core.umath``: the ufuncs (arrax's ``ufunc`` objects, so ``isinstance(f,
np.ufunc)`` holds for each) and the mathematical constants that module carries."""

import numpy._core.umath as _numpy_umath
from numpy import ufunc as _numpy_ufunc
from numpy._core.umath import e, euler_gamma, pi  # noqa: F401

import arrax.numpy as _anp

# NumPy's names only: the ufuncs under their own names (invert, not its aliases bitwise_not and
# bitwise_invert, nor the array API's acos, pow, ...: those are numpy's, not umath's).
globals().update(
    {
        n: getattr(_anp, n)
        for n, v in vars(_numpy_umath).items()
        if isinstance(v, _numpy_ufunc) and isinstance(getattr(_anp, n, None), _anp.ufunc)
    }
)
