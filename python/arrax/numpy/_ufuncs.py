"""NumPy's ufuncs, one object per row of the C++ ufunc table (numpy_api/ufuncs.cpp).

The call itself runs in C++; reduce/accumulate/outer are composed here from reductions.
"""

import abc
import functools
import operator

from arrax import _core
from arrax._trace_core import numpy_module
from arrax.numpy._common import axes_last, store_out
from arrax.numpy._fp_errors import watched_at, watched_method

_lax_module = None


def _lax():
    """arrax.lax, imported on first use and then kept (it imports arrax.numpy, which imports
    this module; an import statement in a method cost about a microsecond per call)."""
    global _lax_module
    if _lax_module is None:
        from arrax import lax

        _lax_module = lax
    return _lax_module


_engine_ufunc = _core.ufunc


class ufunc(abc.ABC):  # noqa: B024 (no abstract methods: a type for isinstance, as NumPy's)
    """numpy.ufunc: the engine's ufuncs (one per row of the C++ table) and the few that arrax
    composes in Python (ComposedUfunc) are both instances, as all of NumPy's are."""


ufunc.register(_engine_ufunc)

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
# Other binary ufuncs that are exactly associative and commutative: reduced by a log-depth tree
# of pairwise calls (accumulated by lax.associative_scan); the rest fold left to right, as NumPy
# (logaddexp, logaddexp2 and hypot round at each step, so only NumPy's order gives its values).
_ASSOCIATIVE = {"bitwise_and", "bitwise_or", "bitwise_xor", "logical_xor", "fmax", "fmin", "gcd",
                "lcm"}  # fmt: skip
# Comparisons: their loops give bool from other dtypes, so NumPy reduces and accumulates only
# booleans with them (the result is fed back in as an input).
_COMPARISONS = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal"}


def _check_comparison_fold(self, method, dtype):
    if self.__name__ in _COMPARISONS and dtype.kind != "b":
        raise TypeError(
            f"{self.__name__}.{method}: No loop matching the specified signature and casting "
            f"was found for ufunc {self.__name__}"
        )


# The ufuncs NumPy reduces over several axes at once (lcm, oddly, is not one of them).
_REORDERABLE = (set(_REDUCERS) | _ASSOCIATIVE | {"logaddexp", "logaddexp2", "hypot"}) - {"lcm"}
# NumPy's identities of those ufuncs (the result of reducing nothing; bitwise_and's is all
# bits set). lcm has none in NumPy (np.lcm.identity is None): reducing nothing raises, and a
# where mask needs initial.
_IDENTITIES = {"bitwise_and": None, "bitwise_or": 0, "bitwise_xor": 0, "logical_xor": False,
               "gcd": 0, "logaddexp": float("-inf"), "logaddexp2": float("-inf"),
               "hypot": 0}  # fmt: skip


def _fold(self, x, mask=None):
    """self folded over x's last axis (not empty); where mask (x's shape) is False the item is
    skipped, which the first item may not be."""
    lax = _lax()
    anp = numpy_module()

    if self.__name__ in _ASSOCIATIVE and mask is None:
        while x.shape[-1] > 1:
            n, half = x.shape[-1], x.shape[-1] // 2
            y = self(x[..., :half], x[..., half : 2 * half])
            x = anp.concatenate([y, x[..., 2 * half :]], axis=-1) if n % 2 else y
        return x[..., 0]
    first, rest = x[..., 0], anp.moveaxis(x[..., 1:], -1, 0)
    dt = self(x[..., :0], x[..., :0]).dtype  # (the carry keeps it; asked of no items)
    if mask is None:
        return lax.scan(lambda c, v: (self(c, v).astype(dt), None), first.astype(dt), rest)[0]
    rest_mask = anp.moveaxis(mask[..., 1:], -1, 0)

    def step(c, vm):
        v, m = vm
        return anp.where(m, self(c, v).astype(dt), c), None

    return lax.scan(step, first.astype(dt), (rest, rest_mask))[0]


def _check_int_power(self, x):
    """power folded over x's last axis raises as NumPy's loop does when an exponent (any item
    after the first) is a negative integer; the traced calls of the fold cannot (concrete x
    only)."""
    if self.__name__ == "power" and x.dtype.kind == "i" and x.shape[-1] > 1 and not x._is_tracer:
        anp = numpy_module()
        if bool(anp.any(anp.less(x[..., 1:], 0))):
            raise ValueError("Integers to negative integer powers are not allowed.")


def _ellipsis_out(self, method, kwargs):
    """NumPy 2's out=...: "return an array", which arrax always does (so no out); an
    Ellipsis inside an out tuple is NumPy's TypeError."""
    out = kwargs["out"]
    if out is Ellipsis:
        kwargs["out"] = None
    elif type(out) is tuple and any(o is Ellipsis for o in out):
        raise TypeError(
            f"{self.__name__}.{method}: must use `...` as `out=...` and not per-operand/in a tuple"
        )


def _overridden(method):
    """Decorator of a ufunc method: a duck array among its arguments whose __array_ufunc__
    takes the call gets it (NEP 13), as it gets the ufunc's own call."""

    def deco(fn):
        @functools.wraps(fn)
        def method_call(self, *args, **kwargs):
            taken, result = _core._array_ufunc_override(self, method, args, kwargs)
            if taken:
                return result
            if "out" in kwargs:
                _ellipsis_out(self, method, kwargs)
            if len(args) > 3 and any(a is Ellipsis for a in args[3:]):  # (NumPy's error)
                raise TypeError(
                    f"{self.__name__}.{method}: out=... is only allowed as a keyword argument."
                )
            try:
                if method in ("reduce", "accumulate"):  # (NumPy's FP errors "in reduce")
                    return watched_method(method, self, fn, args, kwargs)
                if method == "at" and self.__name__ in _AT_UPDATES:  # (NumPy's at: its own)
                    return watched_at(self, fn, args, kwargs)
                return fn(self, *args, **kwargs)
            except TypeError:
                # Dates, strings or objects, which arrax does not hold: NumPy's ufunc method
                # takes them (its result, or its TypeError: np.subtract.reduce(dates)).
                import numpy as onp

                from arrax.numpy import _host_fallback as hf
                from arrax.numpy._common import from_numpy

                if not (any(hf.needs_numpy(a) for a in args)
                        or hf._names_host_only_dtype(kwargs.get("dtype"))):  # fmt: skip
                    raise
                numpy_method = getattr(getattr(onp, self.__name__), method)
                return from_numpy(hf.numpy_call(numpy_method, args, kwargs))

        return method_call

    return deco


_NO_INITIAL = object()  # (reduce's initial not given; initial=None is NumPy's "no identity")


def _check_empty_without_identity(self, a, axis):
    """initial=None given: NumPy reduces without the identity, so an empty reduction raises."""
    if axis is None:
        empty = a.size == 0
    else:
        axes = axis if isinstance(axis, tuple) else (axis,)
        empty = any(a.shape[operator.index(k)] == 0 for k in axes) if a.ndim else False
    if empty:
        raise ValueError(
            f"zero-size array to reduction operation {self.__name__} which has no identity"
        )


@_overridden("reduce")
def _reduce(self, array, axis=0, dtype=None, out=None, keepdims=False, initial=_NO_INITIAL,
            where=True):  # fmt: skip
    """ufunc.reduce: the named reduction where NumPy defines one (sum, prod, max, ...), else
    the ufunc folded over the axes (any binary ufunc, as NumPy)."""
    anp = numpy_module()

    if initial is _NO_INITIAL:
        initial = None
    elif initial is None and where is True:
        _check_empty_without_identity(self, anp.asarray(array), axis)

    if self.nin != 2 or self.nout != 1:
        raise ValueError(f"reduce only supported for binary functions, not {self.__name__}")
    name = _REDUCERS.get(self.__name__)
    if name is not None:
        kwargs = {"axis": axis, "keepdims": keepdims, "where": where}
        if name in ("sum", "prod"):
            kwargs["dtype"] = dtype
        if name in ("sum", "prod", "max", "min"):
            kwargs["initial"] = initial
        result = getattr(anp, name)(array, **kwargs)
        if initial is not None and name in ("all", "any"):
            result = self(result, initial)
    else:
        a = anp.asarray(array)
        if a.ndim == 0 and not isinstance(axis, tuple) and axis in (0, -1):
            axis = ()  # (NumPy reduces a 0-d array along its "axis 0": the value itself)
        n_axes = a.ndim if axis is None else len(axis) if isinstance(axis, tuple) else 1
        if n_axes > 1 and self.__name__ not in _REORDERABLE:
            raise ValueError(
                f"reduction operation '{self.__name__}' is not reorderable, so at most one axis "
                "may be specified"
            )
        x, keep_dims = axes_last(a, axis)
        if dtype is not None:
            x = x.astype(dtype)
        _check_comparison_fold(self, "reduce", x.dtype)
        mask = none_selected = None
        identity = None
        if self.__name__ in _IDENTITIES:
            fill = _IDENTITIES[self.__name__]
            identity = anp.invert(anp.zeros((), x.dtype)) if fill is None else anp.asarray(fill)
            identity = identity.astype(x.dtype)
        if where is not True:
            if initial is None and identity is None:
                raise ValueError(
                    f"reduction operation '{self.__name__}' does not have an identity, so to "
                    "use a where mask one has to specify 'initial'"
                )
            mask, _ = axes_last(anp.broadcast_to(anp.asarray(where, bool), a.shape), axis)
            if identity is not None:  # the masked-out items count as the identity
                if initial is not None:  # initial itself where nothing is selected (gcd(-4, 0) = 4)
                    none_selected = anp.logical_not(anp.any(mask, axis=-1))
                x, mask = anp.where(mask, x, identity), None
        if initial is not None or (identity is not None and x.shape[-1] < 2):
            # NumPy starts from initial, else from the ufunc's identity (gcd.reduce([-4]) is 4;
            # with two items or more, combining with the identity first changes nothing)
            start = identity if initial is None else initial
            x = anp.concatenate([anp.full(x.shape[:-1] + (1,), start, x.dtype), x], axis=-1)
            if mask is not None:  # (the initial value is never skipped)
                mask = anp.concatenate([anp.ones(mask.shape[:-1] + (1,), bool), mask], axis=-1)
        if x.shape[-1] == 0:
            raise ValueError(
                f"zero-size array to reduction operation {self.__name__} which has no identity"
            )
        _check_int_power(self, x)
        result = _fold(self, x, mask)
        if x.shape[-1] == 1:  # (nothing was combined: the ufunc's output dtype, NumPy's)
            result = result.astype(self(x[..., :0], x[..., :0]).dtype)
        if none_selected is not None:
            result = anp.where(none_selected, x[..., 0].astype(result.dtype), result)
        if keepdims:
            result = result.reshape(keep_dims)
    # (NumPy casts a reduction's result into out unsafely, and requires its shape)
    return store_out(f"{self.__name__}.reduce", result, out)


@_overridden("accumulate")
def _accumulate(self, array, axis=0, dtype=None, out=None):
    """ufunc.accumulate: the cumulative reduction where one exists (cumsum, cumprod, cummax,
    cummin), else the running fold of the ufunc along the axis."""
    lax = _lax()
    anp = numpy_module()

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
        _check_comparison_fold(self, "accumulate", x.dtype)
        if name is not None and x.dtype == bool:  # (lax's cummax/cummin take numbers only)
            y = getattr(lax, name)(x.astype("uint8"), x.ndim - 1).astype(bool)
        elif name is not None:
            y = getattr(lax, name)(x, x.ndim - 1)
        elif x.shape[-1] == 0:
            y = x
        elif self.__name__ in _ASSOCIATIVE:
            dt = self(x[..., :0], x[..., :0]).dtype  # (logical_xor's bool: the first item too)
            y = lax.associative_scan(self, x if x.dtype == dt else x.astype(dt), axis=x.ndim - 1)
        else:
            _check_int_power(self, x)
            dt = self(x[..., :0], x[..., :0]).dtype  # (asked of no items)

            def step(c, v):
                c = self(c, v).astype(dt)
                return c, c

            first = x[..., 0].astype(dt)
            _, ys = lax.scan(step, first, anp.moveaxis(x[..., 1:], -1, 0))
            y = anp.concatenate([first[..., None], anp.moveaxis(ys, 0, -1)], axis=-1)
        result = anp.moveaxis(y, -1, axis)
    return store_out(f"{self.__name__}.accumulate", result, out)


@_overridden("outer")
def _outer(self, a, b, **kwargs):
    anp = numpy_module()

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


def _traced(*xs):
    return any(isinstance(x, _core.ndarray) and x._is_tracer for x in xs)


def at_via_scan(fn, a, indices, b=None):
    """ufunc.at as a traceable loop (lax.scan) over the indexed elements in order, each update
    seeing the previous ones, so repeated indices apply repeatedly (NumPy's unbuffered at);
    results are cast to a's dtype, as NumPy's in-place update."""
    lax = _lax()
    anp = numpy_module()

    a = anp.asarray(a)
    pos = anp.arange(a.size).reshape(a.shape)[indices]  # the flat positions, in NumPy's order
    flat, order = a.reshape(-1), pos.reshape(-1)
    if b is None:
        step = lambda c, i: (c.at[i].set(anp.asarray(fn(c[i])).astype(c.dtype)), None)  # noqa: E731
        xs = order
    else:
        vals = anp.broadcast_to(anp.asarray(b), pos.shape).reshape(-1)

        def step(c, iv):
            i, v = iv
            return c.at[i].set(anp.asarray(fn(c[i], v)).astype(c.dtype)), None

        xs = (order, vals)
    out, _ = lax.scan(step, flat, xs)
    return out.reshape(a.shape)


def reduceat_via_scan(fn, name, array, indices, axis=0, dtype=None):
    """ufunc.reduceat as a traceable loop: every output i starts from a[indices[i]] and folds
    in the items before the next index (just a[indices[i]] when that index is not larger),
    all outputs at once in one lax.scan along the axis (NumPy's semantics)."""
    lax = _lax()
    anp = numpy_module()

    a = anp.asarray(array)
    if dtype is not None:
        a = a.astype(dtype)
    axis = operator.index(axis) % a.ndim if a.ndim else 0
    x = anp.moveaxis(a, axis, 0)
    idx = anp.asarray(indices)
    if idx.ndim != 1:
        raise ValueError(f"{name}.reduceat: indices must be one-dimensional")
    n = x.shape[0]
    ends = anp.concatenate([idx[1:], anp.full((1,), n, idx.dtype)])
    dt = anp.asarray(fn(x[:0], x[:0])).dtype  # (asked of no items)
    start = x[idx].astype(dt)
    bshape = (idx.shape[0],) + (1,) * (x.ndim - 1)

    def step(res, jx):
        j, item = jx
        active = ((j > idx) & (j < ends)).reshape(bshape)
        return anp.where(active, anp.asarray(fn(res, item)).astype(dt), res), None

    res, _ = lax.scan(step, start, (anp.arange(n), x))
    return anp.moveaxis(res, 0, axis)


@_overridden("at")
def _at(self, a, indices, b=None, *, inplace=True):
    """ufunc.at: self applied at a[indices] with b, repeated indices each applied (NumPy's
    unbuffered in-place update). In place by default, as NumPy (an arrax array, not traced);
    inplace=False returns the new array instead, as jax.numpy's."""
    import numpy as onp

    anp = numpy_module()
    from arrax.numpy._common import host_arrays

    if isinstance(a, onp.ndarray):
        # NumPy's array (float128 and objects too): NumPy's own at updates it in place, as a
        # NumPy ufunc would (or a copy of it, for inplace=False)
        from arrax.numpy import _host_fallback as hf
        from arrax.numpy._common import from_numpy

        target = a if inplace else a.copy()
        args = () if b is None else (hf._to_numpy(b),)
        _numpy_ufunc(self).at(target, hf._to_numpy(indices), *args)
        return None if inplace else from_numpy(target)
    target = anp.asarray(a)
    if self.__name__ in _AT_UPDATES and b is not None:
        result = getattr(target.at[indices], _AT_UPDATES[self.__name__])(b)
    elif _traced(target, b, *(indices if isinstance(indices, tuple) else (indices,))):
        # no values for NumPy's at: the same updates, traced (as jax.numpy's ufunc.at)
        result = at_via_scan(self, target, indices, b)
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


@_overridden("reduceat")
def _reduceat(self, array, indices, axis=0, dtype=None, out=None):
    """ufunc.reduceat: NumPy's own, on concrete values."""
    import numpy as onp

    from arrax.numpy._common import from_numpy, host_arrays, store_out

    if _traced(array, indices):  # no values for NumPy's reduceat: the traced loop
        r = reduceat_via_scan(self, self.__name__, array, indices, axis, dtype)
        return store_out(f"{self.__name__}.reduceat", r, out)
    if not isinstance(indices, (_core.ndarray, onp.ndarray)):  # (NumPy: [] is intp too)
        indices = onp.asarray(indices, dtype=onp.intp)
    host, host_indices = host_arrays(f"{self.__name__}.reduceat", array, indices)
    r = from_numpy(_numpy_ufunc(self).reduceat(host, host_indices, axis=axis, dtype=dtype))
    return store_out(f"{self.__name__}.reduceat", r, out)


_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def check_ufunc_keywords(name, casting="same_kind", order="K", subok=True, where=True):
    """NumPy's checks of a ufunc call's casting=, order=, subok= and where= (the engine's
    ufuncs make the same ones in C++)."""
    if not isinstance(casting, str):
        raise TypeError(f"{name}: casting must be str, not {type(casting).__name__}")
    if casting not in _CASTINGS:
        raise ValueError(
            f"{name}: casting must be one of 'no', 'equiv', 'safe', 'same_kind', 'unsafe' "
            f"(got {casting!r})"
        )
    if order is not None:
        if not isinstance(order, str):
            raise TypeError(f"{name}: order must be str, not {type(order).__name__}")
        if len(order) != 1 or order not in "CFAKcfak":
            raise ValueError(f"{name}: order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if not isinstance(subok, bool):
        raise TypeError(f"{name}: 'subok' must be a boolean")
    import numpy as onp

    if isinstance(where, (onp.ndarray, _core.ndarray)) and where.dtype != onp.bool_:
        raise TypeError(
            f"{name}: Cannot cast array data from dtype('{where.dtype}') to dtype('bool') "
            "according to the rule 'safe'"
        )


class ComposedUfunc(ufunc):
    """A NumPy ufunc that arrax composes from other operations in Python (gcd, frexp, ...):
    called with NumPy's ufunc keywords (out, where, dtype, casting) and given the ufunc
    methods, like the engine's."""

    def __init__(self, fn, nin, nout):
        functools.update_wrapper(self, fn)
        self._fn, self.nin, self.nout, self.nargs = fn, nin, nout, nin + nout

    def __call__(self, *args, out=None, where=True, dtype=None, casting="same_kind", order="K",
                 subok=True, signature=None):  # fmt: skip
        anp = numpy_module()

        given = {"out": out, "where": where, "dtype": dtype, "casting": casting}
        unset = {"out": out is None, "where": where is True, "dtype": dtype is None,
                 "casting": casting == "same_kind"}  # fmt: skip
        given = {k: v for k, v in given.items() if not unset[k]}
        taken, result = _core._array_ufunc_override(self, "__call__", args, given)
        if taken:  # a duck array's __array_ufunc__ took the call (NEP 13)
            return result
        name = self.__name__
        check_ufunc_keywords(name, casting, order, subok, where)
        if not self.nin <= len(args) <= self.nargs:
            raise TypeError(
                f"{name}() takes from {self.nin} to {self.nargs} positional arguments but "
                f"{len(args)} were given"
            )
        if len(args) > self.nin:  # outputs passed after the inputs
            if out is not None:
                raise TypeError(f"{name}: cannot specify 'out' as both a positional and keyword")
            extra, args = args[self.nin :], args[: self.nin]
            out = extra if len(extra) > 1 else extra[0]
        # Nested sequences become arrays up front, as a NumPy ufunc's inputs do (the composed
        # functions ask result_type about their inputs, which reads a list as a dtype spec);
        # Python scalars stay as they are so that they remain weakly typed.
        args = tuple(a if isinstance(a, (bool, int, float, complex)) or hasattr(a, "dtype")
                     else anp.asarray(a) for a in args)  # fmt: skip
        if dtype is not None or signature is not None:
            from arrax.numpy._host_fallback import _names_host_only_dtype

            if _names_host_only_dtype(dtype):  # (dtype=object: NumPy's loop, on its values)
                return self._numpy_call(args, out, where, dtype, casting, order, subok,
                                        signature)  # fmt: skip
            args = self._cast_to_loop(args, dtype, signature, casting)
        try:
            result = self._fn(*args)
        except (ValueError, TypeError, IndexError) as exc:
            from arrax.numpy import _host_fallback as hf

            if isinstance(exc, TypeError) and (
                any(hf.needs_numpy(a) for a in args) or hf._names_host_only_dtype(dtype)
            ):
                # float128, objects, ...: NumPy's own ufunc takes them (as the engine's do)
                return self._numpy_call(args, out, where, dtype, casting, order, subok,
                                        signature)  # fmt: skip
            raise hf._named_for(exc, self.__name__, hf._ARRAX_NAMES[0]) from None
        if where is not True and out is not None:  # elsewhere out keeps its values
            mask = anp.asarray(where)
            if isinstance(result, tuple):
                outs = out if isinstance(out, tuple) else (out,)
                result = tuple(r if o is None else anp.where(mask, r, o)
                               for r, o in zip(result, outs))  # fmt: skip
            else:
                o = out[0] if isinstance(out, tuple) else out
                result = anp.where(mask, result, o)
        return store_out(name, result, out, casting)

    def _numpy_call(self, args, out, where, dtype, casting, order, subok, signature):
        """The call made by NumPy's ufunc of the same name, for values only NumPy holds."""
        from arrax.numpy import _host_fallback as hf
        from arrax.numpy._common import from_numpy

        kwargs = {"where": where, "dtype": dtype, "casting": casting, "order": order,
                  "subok": subok, "signature": signature}  # fmt: skip
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        result = from_numpy(hf.numpy_call(_numpy_ufunc(self), args, kwargs))
        return result if out is None else store_out(self.__name__, result, out, casting)

    def _cast_to_loop(self, args, dtype, signature, casting):
        """The inputs cast to the loop NumPy picks for dtype=/signature= (the output dtype
        chooses the loop, so spacing(float16, dtype=float64) measures float64 spacing)."""
        import numpy as onp

        anp = numpy_module()

        if signature is None:
            signature = (None,) * self.nin + (onp.dtype(dtype),) * self.nout
        signature = tuple(None if d is None else onp.dtype(d) for d in signature)
        given = tuple(type(a) if isinstance(a, (bool, int, float, complex))
                      else anp.asarray(a).dtype for a in args)  # fmt: skip
        try:
            loop = _numpy_ufunc(self).resolve_dtypes(
                given + (None,) * self.nout, signature=signature, casting=casting
            )
        except (TypeError, onp._core._exceptions._UFuncNoLoopError) as e:
            raise TypeError(f"{self.__name__}: {e}") from None
        return tuple(anp.asarray(a).astype(d) for a, d in zip(args, loop[: self.nin]))

    def __repr__(self):
        return f"<ufunc '{self.__name__}'>"

    def __reduce__(self):
        return (_ufunc_named, (self.__name__,))


def composed_ufunc(nin, nout=1):
    """Decorator: the function as a ComposedUfunc of nin inputs and nout outputs."""
    return lambda fn: ComposedUfunc(fn, nin, nout)


def _ufunc_named(name):
    anp = numpy_module()

    return getattr(anp, name)


def _signature(self):
    """NumPy's call signature of the ufunc of this name, for inspect.signature."""
    import inspect

    return inspect.signature(_numpy_ufunc(self))


def _resolve_dtypes(self, dtypes, *, signature=None, casting=None, reduction=False):
    """ufunc.resolve_dtypes: the loop's dtypes for these operand dtypes, by NumPy's rules (which
    arrax's promotion follows)."""
    kw = {"reduction": reduction}
    if signature is not None:
        kw["signature"] = signature
    if casting is not None:
        kw["casting"] = casting
    return _numpy_ufunc(self).resolve_dtypes(dtypes, **kw)


# Pickled by name, as NumPy's ufuncs are (so functions and pytrees holding them pickle).
_engine_ufunc.__reduce__ = lambda self: (_ufunc_named, (self.__name__,))
for _cls in (_engine_ufunc, ComposedUfunc):
    _cls.__signature__ = property(_signature)
    _cls.reduce = _reduce
    _cls.accumulate = _accumulate
    _cls.outer = _outer
    _cls.at = _at
    _cls.reduceat = _reduceat
    _cls.resolve_dtypes = _resolve_dtypes
    # NumPy's descriptive attributes, from NumPy's ufunc of the same name.
    for _attr in ("identity", "types", "ntypes", "signature"):
        setattr(_cls, _attr, property(lambda self, _a=_attr: getattr(_numpy_ufunc(self), _a)))


_ufuncs = {name: _core.get_ufunc(name) for name in _core.ufunc_names}


def _numpy_canonical(name):
    """NumPy's own name of its ufunc `name` (np.acosh is np.arccosh, named "arccosh")."""
    import numpy as onp

    u = getattr(onp, name, None)
    return u.__name__ if isinstance(u, onp.ufunc) else name


# NumPy's aliases are one object (np.acosh is np.arccosh, np.pow is np.power), so code that
# compares ufuncs by identity, or keys dicts by them, sees one ufunc as NumPy does.
_ufuncs.update({n: _ufuncs[_numpy_canonical(n)] for n in list(_ufuncs)
                if _numpy_canonical(n) in _ufuncs})  # fmt: skip
globals().update(_ufuncs)
__all__ = ["ufunc", *_ufuncs]
