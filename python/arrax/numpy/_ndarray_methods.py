"""ndarray methods that forward to arrax.numpy functions (the operators live in C++)."""

import numpy as _np

from arrax import _core

ndarray = _core.ndarray


def _anp():
    from arrax import numpy

    return numpy


def _shape_args(shape):
    if len(shape) == 1 and shape[0] is None:
        return None
    if len(shape) == 1 and not isinstance(shape[0], int):
        try:
            return tuple(shape[0])
        except TypeError:
            return shape[0]
    return shape


def _forward(name):
    def method(self, *args, **kwargs):
        return getattr(_anp(), name)(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"Same as arrax.numpy.{name}(self, ...)."
    return method


def reshape(self, *shape, order="C", copy=None):
    return _anp().reshape(self, _shape_args(shape), order=order)


def transpose(self, *axes):
    axes = _shape_args(axes) if axes else None
    return _anp().transpose(self, axes)


def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
    if casting != "unsafe" and not _core.can_cast(self.dtype, dtype, casting):
        raise TypeError(
            f"astype: Cannot cast array data from {self.dtype!r} to {_np.dtype(dtype)!r} "
            f"according to the rule '{casting}'"
        )
    return _core._astype(self, dtype, bool(copy))


def copy(self, order="C"):
    return _core._astype(self, self.dtype, True)


def fill(self, value):
    self[...] = value


def __iter__(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d array")
    return (self[i] for i in range(self.shape[0]))


def __copy__(self):
    return copy(self)


def __deepcopy__(self, memo):
    return copy(self)


def __reduce__(self):
    return (_core.asarray, (_np.array(self), None, True))


def __format__(self, spec):
    if self.ndim == 0:
        return format(self.item(), spec)
    return format(str(self), spec)


class _Flags:
    """The parts of NumPy's ndarray.flags that arrax arrays have."""

    def __init__(self, a):
        self._a = a

    @property
    def c_contiguous(self):
        return self._a._c_contiguous

    @property
    def f_contiguous(self):
        return self._a._f_contiguous

    @property
    def writeable(self):
        return self._a._writeable

    @property
    def owndata(self):
        return self._a._owns_data

    def __getitem__(self, key):
        names = {
            "C_CONTIGUOUS": "c_contiguous",
            "C": "c_contiguous",
            "F_CONTIGUOUS": "f_contiguous",
            "F": "f_contiguous",
            "WRITEABLE": "writeable",
            "W": "writeable",
            "OWNDATA": "owndata",
        }
        return getattr(self, names[key])

    def __repr__(self):
        return (
            f"  C_CONTIGUOUS : {self.c_contiguous}\n  F_CONTIGUOUS : {self.f_contiguous}\n"
            f"  OWNDATA : {self.owndata}\n  WRITEABLE : {self.writeable}"
        )


_METHODS = {
    "reshape": reshape,
    "transpose": transpose,
    "astype": astype,
    "copy": copy,
    "fill": fill,
    "__iter__": __iter__,
    "__copy__": __copy__,
    "__deepcopy__": __deepcopy__,
    "__reduce__": __reduce__,
    "__format__": __format__,
    "flags": property(lambda self: _Flags(self)),
    "mT": property(lambda self: _anp().swapaxes(self, -1, -2)),
    "real": property(lambda self: _anp().real(self)),
    "imag": property(lambda self: _anp().imag(self)),
}
# Methods that are the module function applied to self.
_FORWARDED = [
    "ravel",
    "flatten",
    "squeeze",
    "swapaxes",
    "sum",
    "prod",
    "mean",
    "var",
    "std",
    "max",
    "min",
    "argmax",
    "argmin",
    "all",
    "any",
    "cumsum",
    "cumprod",
    "clip",
    "conj",
    "conjugate",
    "round",
    "dot",
    "nonzero",
    "sort",
    "argsort",
    "repeat",
    "take",
    "diagonal",
    "trace",
    "ptp",
]

for _name, _impl in _METHODS.items():
    setattr(ndarray, _name, _impl)
for _name in _FORWARDED:
    if hasattr(_anp(), _name):  # this module is imported last by arrax.numpy
        setattr(ndarray, _name, _forward(_name))


def _at(self):
    """JAX's functional index updates: ``x.at[idx].set(v)``, ``.add``, ``.subtract``,
    ``.multiply``, ``.divide``, ``.power``, ``.min``, ``.max``, ``.apply``, ``.get``; each
    returns a new array (x is unchanged) and works eagerly and under every transformation."""
    from arrax._functional import _IndexUpdateHelper

    return _IndexUpdateHelper(self)


ndarray.at = property(_at)


from arrax import _devices  # noqa: E402

_devices._install(ndarray)  # device, to_device, block_until_ready
