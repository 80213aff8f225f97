"""Functions that write into an existing concrete array, as NumPy's do: copyto, putmask,
place, fill_diagonal. NumPy writes through a zero-copy view of arrax's memory (into a host copy
written back, for a GPU array); under a transformation they raise (use a.at[...].set(...)
there)."""

import contextlib

import numpy as onp

from arrax import _core
from arrax.numpy._common import _arr

__all__ = ["copyto", "putmask", "place", "fill_diagonal"]


@contextlib.contextmanager
def _target(name, a):
    from arrax.numpy._indexing import _in_place

    if isinstance(a, _core.ndarray) and not a._is_tracer and not a._writeable:
        raise ValueError(f"{name}: the destination array is read-only")
    with _in_place(name, a) as view:
        yield view


def _values(v):
    """An arrax array as a NumPy view; anything else as given, for NumPy to convert into the
    destination's dtype as it does (place(int_array, mask, []) takes an empty list)."""
    return onp.asarray(v) if isinstance(v, _core.ndarray) else v


def copyto(dst, src, casting="same_kind", where=True):
    """numpy.copyto: src (broadcast) written into dst where `where` holds."""
    with _target("copyto", dst) as view:
        onp.copyto(view, _values(src), casting=casting, where=_values(where))


def putmask(a, mask, values):
    """numpy.putmask: a.flat[i] = values.flat[i % len(values)] where mask.flat[i]."""
    with _target("putmask", a) as view:
        onp.putmask(view, _values(mask), _values(values))


def place(arr, mask, vals):
    """numpy.place: the masked elements of arr set to vals, taken in order and repeated."""
    with _target("place", arr) as view:
        onp.place(view, _values(mask), _values(vals))


def fill_diagonal(a, val, wrap=False):
    """numpy.fill_diagonal: the main diagonal of a (all dims equal, or 2-D) set to val."""
    with _target("fill_diagonal", a) as view:
        onp.fill_diagonal(view, _values(val), wrap)


# --- jax.numpy's inplace=False forms: the updated values as a new array (they trace) --------


def _scatter_flat(a, positions, values):
    """a with its flat positions set to values, repeated cyclically as NumPy repeats them."""
    from arrax import numpy as np

    a = _arr(a)
    pos = np.asarray(positions).reshape(-1)
    vals = np.asarray(values).astype(a.dtype).reshape(-1)
    if pos.shape[0] == 0 or vals.shape[0] == 0:
        return np.array(a, copy=True)
    vals = np.resize(vals, pos.shape)
    return a.reshape(-1).at[pos].set(vals).reshape(a.shape)


def put_functional(a, ind, v, mode="raise"):
    """numpy.put's result as a new array (ind may be traced)."""
    from arrax import numpy as np

    a = _arr(a)
    n = a.size
    ind = np.asarray(ind).reshape(-1)
    if mode == "wrap":
        ind = ind % n
    elif mode == "clip":
        ind = np.clip(ind, 0, n - 1)
    else:
        if not ind._is_tracer and ind.size and (
            int(ind.max()) >= n or int(ind.min()) < -n
        ):  # fmt: skip
            raise IndexError(f"put: index out of bounds for an array of size {n}")
        ind = np.where(ind < 0, ind + n, ind)
    return _scatter_flat(a, ind, v)


def place_functional(arr, mask, vals):
    """numpy.place's result as a new array. A traced mask selects, for each masked element,
    vals[(its rank among the masked) % len(vals)] (JAX's); the shape is arr's either way."""
    if isinstance(mask, _core.ndarray) and mask._is_tracer:
        from arrax import numpy as np

        a = _arr(arr)
        m = np.asarray(mask).astype(bool)
        if m.size != a.size:
            raise ValueError("place: mask and data must be the same size")
        vals = np.asarray(vals).astype(a.dtype).reshape(-1)
        if vals.size == 0 or a.size == 0:  # (NumPy: an error only where the mask is set)
            return np.array(a, copy=True)
        m = m.reshape(a.shape)
        picked = vals[(np.cumsum(m.reshape(-1)) - 1) % vals.size].reshape(a.shape)
        return np.where(m, picked, a)
    return _scatter_flat(arr, onp.flatnonzero(onp.asarray(mask)), vals)


def fill_diagonal_functional(a, val, wrap=False):
    """numpy.fill_diagonal's result as a new array."""
    a = _arr(a)
    mask = onp.zeros(a.shape, bool)
    onp.fill_diagonal(mask, True, wrap)
    return _scatter_flat(a, onp.flatnonzero(mask), val)
