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
    return onp.asarray(_arr(v)) if not isinstance(v, (int, float, complex, bool)) else v


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
