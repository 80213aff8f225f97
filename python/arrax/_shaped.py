"""What an array-like value derives from its ``shape``: shared by ShapeDtypeStruct (_shapes.py)
and typed key arrays (_prng_keys.py)."""

import numpy as _np


class ShapedMixin:
    __slots__ = ()

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(_np.prod(self.shape, dtype=_np.int64))

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]
