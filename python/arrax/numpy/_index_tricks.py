"""NumPy's index tricks: r_ and c_ (concatenation by slices and arrays), mgrid and ogrid
(grids from slices), s_ and index_exp (index tuples). r_ and c_ take arrax arrays, traced
ones included; the grids are constants built by NumPy from the (Python) slice bounds."""

import numpy as onp

from arrax.numpy._common import _arr, _np, from_numpy
from arrax.numpy._host_fallback import _to_numpy, needs_numpy

__all__ = ["r_", "c_", "s_", "index_exp", "mgrid", "ogrid"]

s_ = onp.s_
index_exp = onp.index_exp


class _Grid:
    def __init__(self, grid):
        self._grid = grid

    def __getitem__(self, key):
        return from_numpy(self._grid[key])

    def __len__(self):
        return 0


mgrid = _Grid(onp.mgrid)
ogrid = _Grid(onp.ogrid)


def _with_ndmin(x, ndmin):
    return x.reshape((1,) * (ndmin - x.ndim) + x.shape) if x.ndim < ndmin else x


class _AxisConcatenator:
    """numpy.lib.index_tricks.AxisConcatenator over arrax arrays: slices become arange (or
    linspace for a complex step), a leading string 'axis[,ndmin[,trans1d]]' sets the layout,
    arrays and scalars are joined along axis."""

    def __init__(self, axis, ndmin, trans1d, numpy_concatenator):
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d
        self._numpy = numpy_concatenator

    def __getitem__(self, key):
        np = _np()
        if isinstance(key, str):  # NumPy's matrix builder, np.r_["A, B; C, D"]: the caller's names
            import sys

            frame = sys._getframe().f_back
            return np.bmat(key, frame.f_globals, frame.f_locals)
        if not isinstance(key, tuple):
            key = (key,)
        if any(not isinstance(k, (str, slice)) and needs_numpy(k) for k in key):
            # (records, strings, objects: NumPy's r_/c_ joins them, into a NumPy array)
            return self._numpy[tuple(_to_numpy(k) for k in key)]
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        objs, scalars, matrix = [], [], None
        for k, item in enumerate(key):
            scalar = False
            if isinstance(item, slice):
                start = 0 if item.start is None else item.start
                step = 1 if item.step is None else item.step
                if isinstance(step, (complex, onp.complexfloating)):
                    obj = from_numpy(onp.linspace(start, item.stop, int(abs(step))))
                else:
                    obj = np.arange(start, item.stop, step)
                if ndmin > 1:
                    obj = _with_ndmin(obj, ndmin)
                    if trans1d != -1:
                        obj = np.swapaxes(obj, -1, trans1d)
            elif isinstance(item, str):
                if k != 0:
                    raise ValueError("special directives must be the first entry.")
                if item in ("r", "c"):
                    # NumPy makes a numpy.matrix; arrax (as jax.numpy) the 2-d array, a row
                    # ('r') or a column ('c') where the result is 1-d.
                    matrix = item
                    continue
                try:
                    vec = [int(v) for v in item.split(",")]
                except ValueError as e:
                    raise ValueError(f"unknown special directive {item!r}") from e
                axis = vec[0]
                if len(vec) > 1:
                    ndmin = vec[1]
                if len(vec) > 2:
                    trans1d = vec[2]
                continue
            elif isinstance(item, (bool, int, float, complex)) or (
                onp.isscalar(item) and not isinstance(item, str)
            ):
                scalar = True
                scalars.append(item)
                obj = item
            else:
                obj = _arr(item)
                item_ndim = obj.ndim
                obj = _with_ndmin(obj, ndmin)
                if trans1d != -1 and item_ndim < ndmin:
                    k2 = ndmin - item_ndim
                    k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
                    axes = list(range(ndmin))
                    obj = np.transpose(obj, axes[:k1] + axes[k2:] + axes[k1:k2])
            objs.append((obj, scalar))
        arrays = [o for o, s in objs if not s]
        dtype = _np().result_type(*[a.dtype for a in arrays], *scalars) if objs else onp.float64
        parts = [
            _with_ndmin(np.asarray(o, dtype=dtype), max(ndmin, 1)) if s else o.astype(dtype)
            for o, s in objs
        ]
        if not parts:
            return np.asarray([], dtype=onp.float64)
        out = np.concatenate(parts, axis=axis)
        if matrix is not None and out.ndim == 1:
            out = out.reshape((1, -1) if matrix == "r" else (-1, 1))
        return out

    def __len__(self):
        return 0


r_ = _AxisConcatenator(0, 1, -1, onp.r_)
c_ = _AxisConcatenator(-1, 2, 0, onp.c_)
