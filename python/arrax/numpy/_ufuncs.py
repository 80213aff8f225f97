"""NumPy's ufuncs, one object per row of the C++ ufunc table (numpy_api/ufuncs.cpp).

The call itself runs in C++; reduce/accumulate/outer are composed here from reductions.
"""

from arrax import _core

ufunc = _core.ufunc

# ufunc.reduce / accumulate through the reduction that NumPy defines it to be.
_REDUCERS = {
    "add": "sum",
    "multiply": "prod",
    "maximum": "max",
    "minimum": "min",
    "logical_and": "all",
    "logical_or": "any",
}
_ACCUMULATORS = {"add": "cumsum", "multiply": "cumprod"}


def _reduce(self, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True):
    from arrax import numpy as anp

    name = _REDUCERS.get(self.__name__)
    if name is None:
        raise NotImplementedError(f"{self.__name__}.reduce: not supported by arrax yet")
    kwargs = {"axis": axis, "keepdims": keepdims}
    if name in ("sum", "prod"):
        kwargs["dtype"] = dtype
    result = getattr(anp, name)(array, **kwargs)
    if initial is not None:
        result = self(result, initial)
    if out is not None:
        out[...] = result
        return out
    return result


def _accumulate(self, array, axis=0, dtype=None, out=None):
    from arrax import numpy as anp

    name = _ACCUMULATORS.get(self.__name__)
    if name is None:
        raise NotImplementedError(f"{self.__name__}.accumulate: not supported by arrax yet")
    result = getattr(anp, name)(array, axis=axis, dtype=dtype)
    if out is not None:
        out[...] = result
        return out
    return result


def _outer(self, a, b, **kwargs):
    from arrax import numpy as anp

    a = anp.asarray(a)
    b = anp.asarray(b)
    return self(a.reshape(a.shape + (1,) * b.ndim), b, **kwargs)


ufunc.reduce = _reduce
ufunc.accumulate = _accumulate
ufunc.outer = _outer

_ufuncs = {name: _core.get_ufunc(name) for name in _core.ufunc_names}
globals().update(_ufuncs)
__all__ = ["ufunc", *_ufuncs]
