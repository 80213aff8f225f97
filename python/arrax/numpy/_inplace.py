"""Functions that write into an existing concrete array, as NumPy's do: copyto, putmask,
place, fill_diagonal. NumPy writes through a zero-copy view of arrax's memory; under a
transformation they raise (use a.at[...].set(...) there)."""

import numpy as onp

from arrax.numpy._common import _arr

__all__ = ["copyto", "putmask", "place", "fill_diagonal"]


def _target(name, a):
    from arrax.numpy._indexing import _in_place

    view = _in_place(name, a)
    if not view.flags.writeable:
        raise ValueError(f"{name}: the destination array is read-only")
    return view


def _values(v):
    return onp.asarray(_arr(v)) if not isinstance(v, (int, float, complex, bool)) else v


def copyto(dst, src, casting="same_kind", where=True):
    """numpy.copyto: src (broadcast) written into dst where `where` holds."""
    onp.copyto(_target("copyto", dst), _values(src), casting=casting, where=_values(where))


def putmask(a, mask, values):
    """numpy.putmask: a.flat[i] = values.flat[i % len(values)] where mask.flat[i]."""
    onp.putmask(_target("putmask", a), _values(mask), _values(values))


def place(arr, mask, vals):
    """numpy.place: the masked elements of arr set to vals, taken in order and repeated."""
    onp.place(_target("place", arr), _values(mask), _values(vals))


def fill_diagonal(a, val, wrap=False):
    """numpy.fill_diagonal: the main diagonal of a (all dims equal, or 2-D) set to val."""
    onp.fill_diagonal(_target("fill_diagonal", a), _values(val), wrap)
