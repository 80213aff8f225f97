"""``numpy._core.umath``: the ufuncs (arrax's ``ufunc`` objects, so ``isinstance(f,
np.ufunc)`` holds for each) and the mathematical constants that module carries."""

from numpy._core.umath import e, euler_gamma, pi  # noqa: F401

import arrax.numpy as _anp

globals().update({n: v for n, v in vars(_anp).items() if isinstance(v, _anp.ufunc)})
