"""NumPy's ufuncs, one object per row of the C++ ufunc table (numpy_api/ufuncs.cpp).

The call itself runs in C++; reduce/accumulate/outer are composed here from reductions.
"""

from arrax import _core
from arrax.numpy._common import axes_last, store_out

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
_ACCUMULATORS = {"add": "cumsum", "multiply": "cumprod", "maximum": "cummax", "minimum": "cummin"}
# Other binary ufuncs that are associative and commutative: reduced by a log-depth tree of
# pairwise calls (accumulated by lax.associative_scan); the rest fold left to right, as NumPy.
_ASSOCIATIVE = {"bitwise_and", "bitwise_or", "bitwise_xor", "logical_xor", "fmax", "fmin", "gcd",
                "lcm", "logaddexp", "logaddexp2", "hypot"}  # fmt: skip
# NumPy's identities of those ufuncs (the result of reducing nothing; bitwise_and's is all
# bits set).
_IDENTITIES = {"bitwise_and": None, "bitwise_or": 0, "bitwise_xor": 0, "logical_xor": False,
               "gcd": 0, "lcm": 1, "logaddexp": float("-inf"), "logaddexp2": float("-inf"),
               "hypot": 0}  # fmt: skip


def _fold(self, x):
    """self folded over x's last axis (not empty)."""
    from arrax import lax
    from arrax import numpy as anp

    if self.__name__ in _ASSOCIATIVE:
        while x.shape[-1] > 1:
            n, half = x.shape[-1], x.shape[-1] // 2
            y = self(x[..., :half], x[..., half : 2 * half])
            x = anp.concatenate([y, x[..., 2 * half :]], axis=-1) if n % 2 else y
        return x[..., 0]
    first, rest = x[..., 0], anp.moveaxis(x[..., 1:], -1, 0)
    dt = self(x[..., :0], x[..., :0]).dtype  # (the carry keeps it; asked of no items)
    return lax.scan(lambda c, v: (self(c, v).astype(dt), None), first.astype(dt), rest)[0]


def _reduce(self, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """ufunc.reduce: the named reduction where NumPy defines one (sum, prod, max, ...), else
    the ufunc folded over the axes (any binary ufunc, as NumPy)."""
    from arrax import numpy as anp

    if self.nin != 2 or self.nout != 1:
        raise ValueError(f"reduce only supported for binary functions, not {self.__name__}")
    name = _REDUCERS.get(self.__name__)
    if name is not None:
        kwargs = {"axis": axis, "keepdims": keepdims}
        if name in ("sum", "prod"):
            kwargs["dtype"] = dtype
        result = getattr(anp, name)(array, **kwargs)
        if initial is not None:
            result = self(result, initial)
    else:
        x, keep_dims = axes_last(anp.asarray(array), axis)
        if dtype is not None:
            x = x.astype(dtype)
        if initial is not None:
            x = anp.concatenate([anp.full(x.shape[:-1] + (1,), initial, x.dtype), x], axis=-1)
        if x.shape[-1] == 0:
            if self.__name__ not in _IDENTITIES:
                raise ValueError(
                    f"zero-size array to reduction operation {self.__name__} which has no identity"
                )
            dt = self(x, x).dtype  # (x has no items)
            if self.__name__ == "bitwise_and":  # all bits set, in any integer dtype (or True)
                result = anp.invert(anp.zeros(x.shape[:-1], dt))
            else:
                result = anp.full(x.shape[:-1], _IDENTITIES[self.__name__], dt)
        else:
            result = _fold(self, x)
        if keepdims:
            result = result.reshape(keep_dims)
    # (NumPy casts a reduction's result into out unsafely, and requires its shape)
    return store_out(f"{self.__name__}.reduce", result, out)


def _accumulate(self, array, axis=0, dtype=None, out=None):
    """ufunc.accumulate: the cumulative reduction where one exists (cumsum, cumprod, cummax,
    cummin), else the running fold of the ufunc along the axis."""
    from arrax import lax
    from arrax import numpy as anp

    if self.nin != 2 or self.nout != 1:
        raise ValueError(f"accumulate only supported for binary functions, not {self.__name__}")
    name = _ACCUMULATORS.get(self.__name__)
    a = anp.asarray(array)
    if name in ("cumsum", "cumprod"):
        result = getattr(anp, name)(a, axis=axis, dtype=dtype)
    else:
        if dtype is not None:
            a = a.astype(dtype)
        x = anp.moveaxis(a, axis, -1)
        if name is not None:
            y = getattr(lax, name)(x, x.ndim - 1)
        elif x.shape[-1] == 0:
            y = x
        elif self.__name__ in _ASSOCIATIVE:
            y = lax.associative_scan(self, x, axis=x.ndim - 1)
        else:
            dt = self(x[..., :0], x[..., :0]).dtype  # (asked of no items)

            def step(c, v):
                c = self(c, v).astype(dt)
                return c, c

            first = x[..., 0].astype(dt)
            _, ys = lax.scan(step, first, anp.moveaxis(x[..., 1:], -1, 0))
            y = anp.concatenate([first[..., None], anp.moveaxis(ys, 0, -1)], axis=-1)
        result = anp.moveaxis(y, -1, axis)
    return store_out(f"{self.__name__}.accumulate", result, out)


def _outer(self, a, b, **kwargs):
    from arrax import numpy as anp

    a = anp.asarray(a)
    b = anp.asarray(b)
    return self(a.reshape(a.shape + (1,) * b.ndim), b, **kwargs)


def _numpy_ufunc(self):
    import numpy as onp

    u = getattr(onp, self.__name__, None)
    if not isinstance(u, onp.ufunc):
        raise AttributeError(f"ufunc '{self.__name__}' has no NumPy counterpart for this")
    return u


# ufunc.at's updates that a.at[...] makes (repeated indices accumulate, as NumPy's unbuffered
# in-place operation does).
_AT_UPDATES = {"add": "add", "multiply": "multiply", "minimum": "min", "maximum": "max"}


def _at(self, a, indices, b=None, *, inplace=True):
    """ufunc.at: self applied at a[indices] with b, repeated indices each applied (NumPy's
    unbuffered in-place update). In place by default, as NumPy (an arrax array, not traced);
    inplace=False returns the new array instead, as jax.numpy's."""
    import numpy as onp

    from arrax import numpy as anp
    from arrax.numpy._common import host_arrays

    target = anp.asarray(a)
    if self.__name__ in _AT_UPDATES and b is not None:
        result = getattr(target.at[indices], _AT_UPDATES[self.__name__])(b)
    else:  # other ufuncs: NumPy's own at on a host copy (concrete values only)
        (host,) = host_arrays(f"{self.__name__}.at", target)
        host = onp.array(host)
        args = () if b is None else (onp.asarray(b),)
        _numpy_ufunc(self).at(host, onp.asarray(indices) if not isinstance(indices, tuple)
                              else indices, *args)  # fmt: skip
        result = anp.asarray(host)
    if not inplace:
        return result
    if not isinstance(a, _core.ndarray) or a._is_tracer:
        raise TypeError(
            f"{self.__name__}.at: in place needs an arrax array with values; pass "
            "inplace=False (as in jax.numpy) under transformations"
        )
    a[...] = result
    return None


def _reduceat(self, array, indices, axis=0, dtype=None, out=None):
    """ufunc.reduceat: NumPy's own, on concrete values."""
    from arrax.numpy._common import from_numpy, host_arrays, store_out

    (host,) = host_arrays(f"{self.__name__}.reduceat", array)
    r = from_numpy(_numpy_ufunc(self).reduceat(host, indices, axis=axis, dtype=dtype))
    return store_out(f"{self.__name__}.reduceat", r, out)


ufunc.reduce = _reduce
ufunc.accumulate = _accumulate
ufunc.outer = _outer
ufunc.at = _at
ufunc.reduceat = _reduceat
# NumPy's descriptive attributes, from NumPy's ufunc of the same name.
for _attr in ("identity", "types", "ntypes", "signature"):
    setattr(ufunc, _attr, property(lambda self, _a=_attr: getattr(_numpy_ufunc(self), _a)))


def as_binary_ufunc(fn):
    """A Python function of two arrays given ufunc's reduce, accumulate and outer (NumPy's gcd
    and lcm are ufuncs; arrax's are functions composed of others)."""
    fn.nin, fn.nout = 2, 1
    fn.reduce = lambda *args, **kwargs: _reduce(fn, *args, **kwargs)
    fn.accumulate = lambda *args, **kwargs: _accumulate(fn, *args, **kwargs)
    fn.outer = lambda *args, **kwargs: _outer(fn, *args, **kwargs)
    return fn


_ufuncs = {name: _core.get_ufunc(name) for name in _core.ufunc_names}
globals().update(_ufuncs)
__all__ = ["ufunc", *_ufuncs]
