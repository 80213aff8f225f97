"""``arrax.numpy`` and ``arrax.lax`` operations on typed key arrays, as JAX allows them.

JAX's key arrays are arrays of an extended dtype: the operations that only move, select or
copy elements (``stack``, ``concatenate``, ``where``, ``take``, ``reshape``,
``broadcast_to``, ``lax.select``, ``lax.dynamic_slice``, ``zeros_like``, ...) take them and
give key arrays; arithmetic refuses them. Here a key array holds its ``uint32`` data with a
trailing axis of two words, so each such operation is the same operation on the data, with
the axes and shapes it is given read as the key array's (the words axis stays last).

``install`` wraps the functions of a namespace: each call runs the function itself, and only
when that fails with a TypeError (a key array cannot be converted to an array) and a key array
is among the arguments does the key version run. Creation functions and shape/dtype queries
(``array``, ``asarray``, ``zeros``, ``full``, ``shape``, ``result_type``, ...) are not wrapped:
arrax's own code calls them everywhere, and a wrapper's frame there would slow every operation;
``jnp.asarray(key)`` and a key ``dtype=`` there are not supported.
"""

from __future__ import annotations

import functools
import operator

import numpy as _onp

from arrax._prng_keys import PRNGKeyArray, is_key_dtype

_WORDS = 2  # the trailing axis of the key data


def _is_key(x):
    return isinstance(x, PRNGKeyArray)


def _has_key(args, kwargs):
    for a in (*args, *kwargs.values()):
        if _is_key(a) or is_key_dtype(a):
            return True
        if isinstance(a, (list, tuple)) and any(_is_key(x) for x in a):
            return True
    return False


def _norm(axis, ndim, name):
    a = operator.index(axis)
    if not -ndim <= a < ndim:
        raise ValueError(f"{name}: axis {a} is out of bounds for a key array of dimension {ndim}")
    return a % ndim


def _norm_axes(axis, ndim, name):
    if isinstance(axis, (tuple, list)):
        return tuple(_norm(a, ndim, name) for a in axis)
    return _norm(axis, ndim, name)


def _shape(shape):
    if isinstance(shape, (tuple, list)):
        return tuple(operator.index(d) for d in shape)
    return (operator.index(shape),)


def _keys(seq, name):
    """The data of a sequence of key arrays (mixing keys with other arrays is refused, as JAX)."""
    seq = list(seq)
    if not all(_is_key(k) for k in seq):
        raise TypeError(
            f"{name}: cannot combine key arrays with arrays of other dtypes "
            f"(got {', '.join(str(getattr(k, 'dtype', type(k).__name__)) for k in seq)})"
        )
    return [k._data for k in seq]


def _need_key(x, name):
    if not _is_key(x):
        raise TypeError(
            f"{name}: cannot combine key arrays with arrays of other dtypes (got "
            f"{getattr(x, 'dtype', type(x).__name__)})"
        )
    return x._data


def _wrap(data):
    return PRNGKeyArray(data)


def _refuse_dtype(name, dtype):
    if dtype is not None and not is_key_dtype(dtype):
        raise TypeError(f"{name}: cannot convert a key array to dtype {dtype}")


# --------------------------------------------------------------------------------------------
# arrax.numpy


def _numpy_impls(np):
    """The key versions of arrax.numpy's functions (np: the original functions)."""
    o = {name: getattr(np, name) for name in dir(np) if not name.startswith("__")}
    impls = {}

    def impl(fn):
        impls[fn.__name__] = fn
        return fn

    @impl
    def stack(arrays, axis=0, out=None, *, dtype=None):
        data = _keys(arrays, "stack")
        return _wrap(o["stack"](data, axis=_norm(axis, data[0].ndim, "stack")))

    @impl
    def concatenate(arrays, axis=0, out=None, *, dtype=None):
        arrays = list(arrays)
        if axis is None:
            arrays, axis = [k.ravel() if _is_key(k) else k for k in arrays], 0
        data = _keys(arrays, "concatenate")
        return _wrap(o["concatenate"](data, axis=_norm(axis, data[0].ndim - 1, "concatenate")))

    @impl
    def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
        if x is None or y is None or _is_key(condition):
            raise TypeError("where: the condition cannot be a key array")
        xd, yd = _need_key(x, "where"), _need_key(y, "where")
        c = np.asarray(condition)
        return _wrap(o["where"](c[..., None], xd, yd))

    @impl
    def take(a, indices, axis=None, out=None, mode=None, unique_indices=False,
             indices_are_sorted=False, fill_value=None):  # fmt: skip
        d = _need_key(a, "take")
        if axis is None:
            d, axis = a.ravel()._data, 0
        axis = _norm(axis, d.ndim - 1, "take")
        return _wrap(o["take"](d, indices, axis=axis, mode=mode))

    @impl
    def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
        _need_key(a, "reshape")
        return a.reshape(newshape if shape is None else shape, order=order)

    @impl
    def ravel(a, order="C"):
        _need_key(a, "ravel")
        return (a.T if order == "F" else a).reshape(-1)

    @impl
    def broadcast_to(array, shape):
        return _wrap(o["broadcast_to"](_need_key(array, "broadcast_to"), _shape(shape) + (_WORDS,)))

    @impl
    def broadcast_arrays(*args):
        data = _keys(args, "broadcast_arrays")
        shape = _onp.broadcast_shapes(*[d.shape[:-1] for d in data])
        return tuple(_wrap(o["broadcast_to"](d, shape + (_WORDS,))) for d in data)

    @impl
    def expand_dims(a, axis):
        d = _need_key(a, "expand_dims")
        n = len(axis) if isinstance(axis, (tuple, list)) else 1
        return _wrap(o["expand_dims"](d, _norm_axes(axis, d.ndim - 1 + n, "expand_dims")))

    @impl
    def squeeze(a, axis=None):
        _need_key(a, "squeeze")
        if axis is not None:
            axis = _norm_axes(axis, a.ndim, "squeeze")
        return a.squeeze(axis)

    @impl
    def transpose(a, axes=None):
        _need_key(a, "transpose")
        return a.transpose() if axes is None else a.transpose(_norm_axes(axes, a.ndim, "transpose"))

    @impl
    def moveaxis(a, source, destination):
        d = _need_key(a, "moveaxis")
        src = _norm_axes(source, a.ndim, "moveaxis")
        dst = _norm_axes(destination, a.ndim, "moveaxis")
        return _wrap(o["moveaxis"](d, src, dst))

    @impl
    def swapaxes(a, axis1, axis2):
        d = _need_key(a, "swapaxes")
        return _wrap(
            o["swapaxes"](d, _norm(axis1, a.ndim, "swapaxes"), _norm(axis2, a.ndim, "swapaxes"))
        )

    @impl
    def flip(m, axis=None):
        d = _need_key(m, "flip")
        axis = tuple(range(m.ndim)) if axis is None else _norm_axes(axis, m.ndim, "flip")
        return _wrap(o["flip"](d, axis))

    @impl
    def roll(a, shift, axis=None):
        _need_key(a, "roll")
        if axis is None:
            return _wrap(o["roll"](a.ravel()._data, shift, 0)).reshape(a.shape)
        return _wrap(o["roll"](a._data, shift, _norm_axes(axis, a.ndim, "roll")))

    @impl
    def repeat(a, repeats, axis=None, *, total_repeat_length=None):
        _need_key(a, "repeat")
        if axis is None:
            a, axis = a.ravel(), 0
        kw = {} if total_repeat_length is None else {"total_repeat_length": total_repeat_length}
        return _wrap(o["repeat"](a._data, repeats, axis=_norm(axis, a.ndim, "repeat"), **kw))

    @impl
    def tile(A, reps):
        reps = _shape(reps)
        return _wrap(o["tile"](_need_key(A, "tile"), (*reps, 1)))

    @impl
    def append(arr, values, axis=None):
        if axis is None:
            return concatenate([arr, values], axis=None)
        return concatenate([arr, values], axis=axis)

    def _split(name):
        def split(ary, indices_or_sections, axis=0):
            d = _need_key(ary, name)
            parts = o[name](d, indices_or_sections, axis=_norm(axis, ary.ndim, name))
            return [_wrap(p) for p in parts]

        split.__name__ = name
        return split

    impl(_split("split"))
    impl(_split("array_split"))

    def _like(name):
        def like(a, dtype=None, shape=None, **kwargs):
            _need_key(a, name)
            shape = a.shape if shape is None else _shape(shape)
            if dtype is not None and not is_key_dtype(dtype):
                return o[name.replace("_like", "")](shape, dtype=dtype)
            # (an empty key array holds zeros, as JAX's: every key array is valid key data)
            return _wrap(
                o["ones" if name == "ones_like" else "zeros"](shape + (_WORDS,), dtype=_onp.uint32)
            )

        like.__name__ = name
        return like

    for name in ("zeros_like", "ones_like", "empty_like"):
        impl(_like(name))

    @impl
    def full_like(a, fill_value, dtype=None, shape=None, **kwargs):
        _need_key(a, "full_like")
        shape = a.shape if shape is None else _shape(shape)
        if dtype is not None and not is_key_dtype(dtype):
            return o["full"](shape, fill_value, dtype=dtype)
        if _is_key(fill_value):
            return broadcast_to(fill_value, shape)
        return _wrap(o["full"](shape + (_WORDS,), fill_value, dtype=_onp.uint32))

    return impls


# --------------------------------------------------------------------------------------------
# arrax.lax


def _lax_impls(lax, np):
    o = {name: getattr(lax, name) for name in dir(lax) if not name.startswith("__")}
    impls = {}

    def impl(fn):
        impls[fn.__name__] = fn
        return fn

    def _pred(pred, shape):
        p = np.asarray(pred)
        if p.ndim == 0:
            return p
        return np.broadcast_to(p[..., None], (*shape, _WORDS))

    @impl
    def select(pred, on_true, on_false):
        t, f = _need_key(on_true, "select"), _need_key(on_false, "select")
        return _wrap(o["select"](_pred(pred, on_true.shape), t, f))

    @impl
    def select_n(which, *cases):
        data = _keys(cases, "select_n")
        return _wrap(o["select_n"](_pred(which, cases[0].shape), *data))

    @impl
    def concatenate(operands, dimension):
        data = _keys(operands, "concatenate")
        return _wrap(o["concatenate"](data, _norm(dimension, data[0].ndim - 1, "concatenate")))

    @impl
    def reshape(operand, new_sizes, dimensions=None, **kwargs):
        d = _need_key(operand, "reshape")
        dims = None if dimensions is None else (*dimensions, operand.ndim)
        return _wrap(o["reshape"](d, (*_shape(new_sizes), _WORDS), dims))

    @impl
    def transpose(operand, permutation):
        d = _need_key(operand, "transpose")
        return _wrap(
            o["transpose"](
                d, (*_norm_axes(tuple(permutation), operand.ndim, "transpose"), operand.ndim)
            )
        )

    @impl
    def squeeze(array, dimensions):
        d = _need_key(array, "squeeze")
        return _wrap(o["squeeze"](d, _norm_axes(tuple(dimensions), array.ndim, "squeeze")))

    @impl
    def expand_dims(array, dimensions):
        d = _need_key(array, "expand_dims")
        dims = tuple(dimensions)
        return _wrap(o["expand_dims"](d, _norm_axes(dims, array.ndim + len(dims), "expand_dims")))

    @impl
    def broadcast(operand, sizes, **kwargs):
        return _wrap(o["broadcast"](_need_key(operand, "broadcast"), sizes))

    @impl
    def broadcast_in_dim(operand, shape, broadcast_dimensions, **kwargs):
        d = _need_key(operand, "broadcast_in_dim")
        shape = _shape(shape)
        return _wrap(
            o["broadcast_in_dim"](d, (*shape, _WORDS), (*broadcast_dimensions, len(shape)))
        )

    @impl
    def rev(operand, dimensions):
        d = _need_key(operand, "rev")
        return _wrap(o["rev"](d, _norm_axes(tuple(dimensions), operand.ndim, "rev")))

    @impl
    def slice(operand, start_indices, limit_indices, strides=None):
        d = _need_key(operand, "slice")
        strides = None if strides is None else (*strides, 1)
        return _wrap(o["slice"](d, (*start_indices, 0), (*limit_indices, _WORDS), strides))

    @impl
    def slice_in_dim(operand, start_index, limit_index, stride=1, axis=0):
        d = _need_key(operand, "slice_in_dim")
        axis = _norm(axis, operand.ndim, "slice_in_dim")
        return _wrap(o["slice_in_dim"](d, start_index, limit_index, stride, axis))

    @impl
    def index_in_dim(operand, index, axis=0, keepdims=True):
        d = _need_key(operand, "index_in_dim")
        return _wrap(
            o["index_in_dim"](d, index, _norm(axis, operand.ndim, "index_in_dim"), keepdims)
        )

    def _starts(start_indices):
        if isinstance(start_indices, (list, tuple)):
            return [*start_indices, 0]
        s = np.asarray(start_indices)
        return np.concatenate([s, np.zeros((1,), s.dtype)])

    @impl
    def dynamic_slice(operand, start_indices, slice_sizes, **kwargs):
        d = _need_key(operand, "dynamic_slice")
        return _wrap(
            o["dynamic_slice"](d, _starts(start_indices), (*_shape(slice_sizes), _WORDS), **kwargs)
        )

    @impl
    def dynamic_update_slice(operand, update, start_indices, **kwargs):
        d, u = _need_key(operand, "dynamic_update_slice"), _need_key(update, "dynamic_update_slice")
        return _wrap(o["dynamic_update_slice"](d, u, _starts(start_indices), **kwargs))

    @impl
    def dynamic_slice_in_dim(operand, start_index, slice_size, axis=0, **kwargs):
        d = _need_key(operand, "dynamic_slice_in_dim")
        axis = _norm(axis, operand.ndim, "dynamic_slice_in_dim")
        return _wrap(o["dynamic_slice_in_dim"](d, start_index, slice_size, axis, **kwargs))

    @impl
    def dynamic_index_in_dim(operand, index, axis=0, keepdims=True, **kwargs):
        d = _need_key(operand, "dynamic_index_in_dim")
        axis = _norm(axis, operand.ndim, "dynamic_index_in_dim")
        return _wrap(o["dynamic_index_in_dim"](d, index, axis, keepdims, **kwargs))

    @impl
    def dynamic_update_slice_in_dim(operand, update, start_index, axis, **kwargs):
        d = _need_key(operand, "dynamic_update_slice_in_dim")
        u = _need_key(update, "dynamic_update_slice_in_dim")
        axis = _norm(axis, operand.ndim, "dynamic_update_slice_in_dim")
        return _wrap(o["dynamic_update_slice_in_dim"](d, u, start_index, axis, **kwargs))

    @impl
    def convert_element_type(operand, new_dtype):
        if _is_key(operand) and is_key_dtype(new_dtype):
            return operand
        src = operand.dtype if _is_key(operand) else np.asarray(operand).dtype
        dst = new_dtype if is_key_dtype(new_dtype) else np.dtype(new_dtype)
        raise ValueError(f"Cannot convert_element_type from {src} to {dst}")

    @impl
    def zeros_like(x):
        return _wrap(np.zeros_like(_need_key(x, "zeros_like")))

    @impl
    def full_like(x, fill_value, dtype=None, shape=None, **kwargs):
        return np.full_like(x, fill_value, dtype=dtype, shape=shape)

    return {k: v for k, v in impls.items() if k in o}


def install(namespace, impls):
    """Wrap namespace's functions so that calls with key arrays go to ``impls``."""
    for name, key_fn in impls.items():
        orig = getattr(namespace, name, None)
        if orig is None or getattr(orig, "_key_version", None) is not None:
            continue

        def make(orig, key_fn):
            parts = getattr(orig, "_numpy_fallback", None)
            if parts is not None:
                return make_inlined(orig, key_fn, *parts)

            @functools.wraps(orig)
            def wrapper(*args, **kwargs):
                # (the function itself first: a key array fails its conversion with a
                # TypeError, so other calls pay no scan of their arguments)
                try:
                    return orig(*args, **kwargs)
                except TypeError:
                    if not _has_key(args, kwargs):
                        raise
                return key_fn(*args, **kwargs)

            wrapper._key_version = key_fn
            return wrapper

        setattr(namespace, name, make(orig, key_fn))


def make_inlined(orig, key_fn, fn, numpy_fn, rename, name, internal_names):
    """install's wrapper of orig, a with_numpy_fallback wrapper of fn, with that wrapper's
    work done in the same frame (one Python call less on every call: the same results,
    errors and fallbacks, to NumPy's function and then to key_fn)."""
    from arrax.numpy._host_fallback import fallback_call

    wrapper = fallback_call(orig, fn, numpy_fn, rename, name, internal_names, key_fn, _has_key)
    del wrapper._numpy_fallback  # (copied from orig by wraps: this wrapper is not orig)
    wrapper._key_version = key_fn
    return wrapper


def install_all():
    import arrax.lax as lax
    import arrax.numpy as np

    np_impls = _numpy_impls(np)
    lax_impls = _lax_impls(lax, np)
    install(np, np_impls)
    install(lax, lax_impls)
