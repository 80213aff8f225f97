"""In-place updates of traced arrays, functionalized: ``a[key] = v`` on a tracer computes the
updated array with primitives (dynamic_update_slice, or pad + select for strided slices, or
select for a boolean mask) and the Python object holds the result from then on, so the
update is part of the traced computation and gives what eager NumPy gives."""

import numpy as onp

from arrax import _core
from arrax._trace_core import any_tracer, is_inexact, knows_values, numpy_module
from arrax.errors import NonConcreteBooleanIndexError
from arrax.lax import _ops as lax


def _as_array(v, dtype):
    a = v if isinstance(v, _core.ndarray) else _core.asarray(v, None, None)
    return a.astype(dtype) if a.dtype != dtype else a


def _is_int_scalar(k):
    if isinstance(k, (bool, onp.bool_)):
        return False
    if isinstance(k, (int, onp.integer)):
        return True
    return isinstance(k, _core.ndarray) and k.ndim == 0 and k.dtype.kind in "iu"


def _expand_ellipsis(items, ndim):
    """The index items with `...` (or the missing trailing dimensions) as full slices."""
    n_real = sum(1 for k in items if k is not None and k is not Ellipsis)
    if sum(1 for k in items if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_real > ndim:
        raise IndexError(
            f"too many indices for array: array is {ndim}-dimensional, but {n_real} were indexed"
        )
    expanded = []
    for k in items:
        if k is Ellipsis:
            expanded.extend([slice(None)] * (ndim - n_real))
        else:
            expanded.append(k)
    if Ellipsis not in items:
        expanded.extend([slice(None)] * (ndim - n_real))
    return expanded


def setitem(x, key, value):
    from arrax import numpy as np

    v = _as_array(value, x.dtype)
    if (
        isinstance(key, _core.ndarray)
        and key.dtype == onp.bool_
        or (isinstance(key, onp.ndarray) and key.dtype == onp.bool_)
    ):
        mask = _core.asarray(key, None, None)
        if tuple(mask.shape) != tuple(x.shape):
            raise IndexError(
                f"__setitem__: a boolean mask of shape {mask.shape} on a traced array of shape "
                f"{x.shape} must have the array's shape"
            )
        return np.where(mask, np.broadcast_to(v, x.shape), x)
    items = key if isinstance(key, tuple) else (key,)
    if any(isinstance(k, (list, onp.ndarray, _core.ndarray)) and onp.ndim(k) > 0 for k in items):
        # integer-array (or mixed) indices: a scatter of the values at NumPy's positions
        return scatter(x, key, v, "set")
    expanded = _expand_ellipsis(items, x.ndim)
    starts, sizes, steps, value_shape = [], [], [], []
    dim = 0
    for k in expanded:
        if k is None:
            value_shape.append(1)
            continue
        n = x.shape[dim]
        if _is_int_scalar(k):
            if isinstance(k, _core.ndarray) and k._is_tracer:
                i = lax.convert_element_type(k, onp.int64)
                i = lax.select(
                    lax.bind1("lt", i, lax.full((), 0, onp.int64)),
                    lax.bind1("add", i, lax.full((), n, onp.int64)),
                    i,
                )
            else:
                i = int(k)
                if not -n <= i < n:
                    raise IndexError(f"index {i} is out of bounds for axis {dim} with size {n}")
                i %= n
            starts.append(i)
            sizes.append(1)
            steps.append(1)
        elif isinstance(k, slice):
            start, stop, step = k.indices(n)
            size = len(range(start, stop, step))
            if step < 0 and size > 0:  # the same elements, visited in increasing order
                start, step = start + (size - 1) * step, -step
                v_flip = True
            else:
                v_flip = False
            starts.append(start if size > 0 else 0)
            sizes.append(size)
            steps.append(step)
            value_shape.append(size)
            if v_flip:
                steps[-1] = -step  # remember the flip (undone below)
        else:
            raise IndexError(
                "__setitem__ on a traced array supports integers, slices, ..., None and a "
                f"boolean mask of the array's shape; got {type(k).__name__}"
            )
        dim += 1
    # The value in the selected window's layout.
    v = np.broadcast_to(v, tuple(value_shape)) if v.shape != tuple(value_shape) else v
    v = lax.reshape(v, [s for s in sizes])
    flips = [d for d, st in enumerate(steps) if st < 0]
    if flips:
        v = lax.rev(v, flips)
    steps = [abs(s) for s in steps]
    if any(s == 0 for s in sizes):
        return x
    if all(st == 1 or sz == 1 for st, sz in zip(steps, sizes)):
        return lax.dynamic_update_slice(x, v, starts)
    config = [
        (int(b), int(n - b - (sz - 1) * st - 1), int(st - 1))
        for b, sz, st, n in zip(starts, sizes, steps, x.shape)
    ]
    placed = lax.pad(v, lax.asarray(0, x.dtype), config)
    mask = lax.pad(lax.full(v.shape, True, onp.bool_), lax.asarray(False, onp.bool_), config)
    return lax.select(mask, placed, x)


def _numpy_index(k):
    if isinstance(k, tuple):
        return tuple(_numpy_index(i) for i in k)
    if isinstance(k, _core.ndarray):
        return onp.asarray(k)
    return k


def _check_static_slices(items):
    """JAX's IndexError for a slice with a traced bound: the selection's size would depend on
    a value."""
    for k in items:
        if isinstance(k, slice) and not knows_values(k.start, k.stop, k.step):
            raise IndexError(
                "index: array slice indices must be static (known when tracing) to be used "
                f"with NumPy's indexing syntax; found a traced one in {k!r}. To read or update "
                "a statically sized piece at a dynamic position, use lax.dynamic_slice / "
                "lax.dynamic_update_slice"
            )


def take_flat(x, positions):
    """x's elements at flat (C-order) positions: the `take` primitive on a flat view."""
    flat = lax.reshape(x, (x.size,))
    return lax.bind1("take", flat, lax.convert_element_type(positions, onp.int64))


def flat_positions(x, key, oob="clip"):
    """The flat (C-order) positions of the elements ``x[key]`` selects, in the layout NumPy's
    indexing gives them: an int64 array (concrete when the key is). Concrete indices out of
    bounds raise IndexError, as NumPy's; traced ones are clamped to each axis (oob="clip", as
    JAX's gathers) or, with oob="drop", given the position x.size, which scatters drop."""
    items = key if isinstance(key, tuple) else (key,)
    _check_static_slices(items)
    if not any_tracer(*items):  # (also looks into sequences: x[[i, j]] with traced i, j)
        # Concrete indices: NumPy itself says which elements, applied to their positions.
        positions = onp.arange(x.size, dtype=onp.int64).reshape(x.shape)[_numpy_index(key)]
        # (onp.array, not ascontiguousarray, which makes a 0-d result 1-d)
        return _core.asarray(onp.array(positions, order="C"), None, None)
    return _traced_positions(x, items, oob)


def _at_positions(x, key, oob):
    """flat_positions with JAX's rules for ``x.at[key]``, concrete indices included: an index
    outside its axis is clamped (oob="clip") or its update dropped (oob="drop"), never
    raising and never reaching into another row (a flat position past a row's end would)."""
    _check_static_slices(key if isinstance(key, tuple) else (key,))
    try:
        return flat_positions(x, key, oob)
    except IndexError:
        return _traced_positions(x, key if isinstance(key, tuple) else (key,), oob)


def getitem(x, key):
    """Advanced indexing (integer arrays, boolean masks, mixed with basic indices) of a traced
    array, or with traced integer arrays, as a gather: the same elements, in the same layout,
    as NumPy's indexing gives."""
    return take_flat(x, flat_positions(x, key))


# Set by arrax.experimental.checkify while a checkify with index_checks runs: called with
# (shape, [(axis, indices), ...]), the integer indices of each indexed axis (negative ones
# normalized) before they are clamped or dropped.
index_hook = None


def _traced_positions(x, items, oob="clip"):
    """flat_positions for keys with traced integer arrays: integer arrays (and ints) broadcast
    together; slices keep their dimensions; the broadcast dimensions go where NumPy puts them
    (in place when the integer indices are adjacent, else first). Each axis's indices out of
    bounds are clamped to it (oob="clip") or make the position x.size (oob="drop")."""
    from arrax import numpy as np

    if any(k is None for k in items):
        # None (newaxis): index x viewed with a length-1 axis at each None, by a full slice
        # there; the flat positions are the same, and NumPy places the broadcast dimensions
        # the same way (a None between integer indices makes them non-adjacent).
        expanded = _expand_ellipsis(items, x.ndim)
        shape, dims = [], iter(x.shape)
        for k in expanded:
            shape.append(1 if k is None else next(dims))
        keys = tuple(slice(None) if k is None else k for k in expanded)
        return _traced_positions(lax.reshape(x, tuple(shape)), keys, oob)
    expanded = _expand_ellipsis(items, x.ndim)
    adv, ranges = {}, {}
    valid = None  # (oob="drop") where every axis's index is in bounds
    checked = []  # (axis, its indices before they are clamped or dropped)
    for d, k in enumerate(expanded):
        n = x.shape[d]
        if isinstance(k, slice):
            ranges[d] = range(*k.indices(n))
            continue
        if isinstance(k, _core.ndarray):
            a = k
        elif isinstance(k, (list, tuple)):
            a = np.asarray(k)  # (a sequence holding traced integers)
        else:
            a = _core.asarray(k, None, None)
        if a.dtype.kind == "b":
            raise NonConcreteBooleanIndexError(
                "indexing with traced arrays needs integer index arrays (a boolean mask's "
                "shape depends on its values; use arrax.numpy.where instead)"
            )
        if a.dtype.kind not in "iu":  # (a float index: NumPy's IndexError)
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
                f"integer or boolean arrays are valid indices, got an index of dtype {a.dtype}"
            )
        a = a.astype(onp.int64)
        a = np.where(a < 0, a + n, a)
        checked.append((d, a))
        if oob == "clip":
            a = np.clip(a, 0, max(n - 1, 0))
        else:
            in_bounds = (a >= 0) & (a < n)
            valid = in_bounds if valid is None else valid & in_bounds
        adv[d] = a
    if index_hook is not None:
        index_hook(x.shape, checked)
    dims = sorted(adv)
    bshape = np.broadcast_shapes(*[tuple(adv[d].shape) for d in dims])
    adjacent = dims == list(range(dims[0], dims[-1] + 1))
    slice_dims = [d for d in range(x.ndim) if d not in adv]
    if adjacent:
        before = [d for d in slice_dims if d < dims[0]]
        after = [d for d in slice_dims if d > dims[-1]]
    else:
        before, after = [], slice_dims
    out_shape = (
        tuple(len(ranges[d]) for d in before) + tuple(bshape) + tuple(len(ranges[d]) for d in after)
    )
    b0 = len(before)
    strides = onp.cumprod((x.shape[1:] + (1,))[::-1])[::-1]
    flat = lax.full(out_shape, 0, onp.int64)
    for d in range(x.ndim):
        if d in adv:
            a = np.broadcast_to(adv[d], bshape)
            index = lax.broadcast_in_dim(a, out_shape, tuple(range(b0, b0 + len(bshape))))
        else:
            r = ranges[d]
            pos = before.index(d) if d in before else b0 + len(bshape) + after.index(d)
            index = lax.broadcasted_iota(onp.int64, out_shape, pos) * r.step + r.start
        flat = flat + index * int(strides[d])
    if valid is not None:
        v = np.broadcast_to(valid, bshape)
        v = lax.broadcast_in_dim(v, out_shape, tuple(range(b0, b0 + len(bshape))))
        flat = np.where(v, flat, x.size)
    return flat


_SCATTER_MODES = ("set", "add", "mul", "min", "max")


def scatter(x, key, values, mode, oob=None):
    """x with the elements x[key] replaced by (set), or combined with (add, mul, min, max),
    ``values`` broadcast to x[key]'s shape: NumPy's functionalized ``x[key] = values``, or
    with `oob` JAX's ``x.at[key].set(values)`` and friends, whose out-of-bounds updates are
    dropped (oob="drop") or clamped (oob="clip")."""
    from arrax import numpy as np

    positions = flat_positions(x, key, "drop") if oob is None else _at_positions(x, key, oob)
    v = _as_array(values, x.dtype)
    if v.shape != positions.shape:
        v = np.broadcast_to(v, positions.shape)
    flat = lax.reshape(x, (x.size,))
    n = positions.size
    out = lax.bind1(
        "scatter",
        flat,
        lax.reshape(positions, (n,)),
        lax.reshape(v, (n,)),
        mode=mode,
    )
    return lax.reshape(out, x.shape)


def _at_mode(mode):
    """JAX's index mode names (or a GatherScatterMode's), as "clip", "fill" or None."""
    name = getattr(mode, "name", mode)
    name = None if name is None else str(name).lower()
    if name not in (None, "clip", "fill", "drop", "promise_in_bounds", "fill_or_drop"):
        raise ValueError(f"at: unknown index mode {mode!r}")
    return {"drop": "fill", "fill_or_drop": "fill", "promise_in_bounds": None}.get(name, name)


def _fill_default(dtype):
    """JAX's fill value for gathers out of bounds."""
    dt = onp.dtype(dtype)
    if is_inexact(dt):
        return onp.nan
    if dt.kind == "b":
        return True
    return onp.iinfo(dt).min if dt.kind == "i" else onp.iinfo(dt).max


class _IndexUpdateRef:
    """``x.at[key]``: functional updates of the elements x[key] (JAX's ``.at``)."""

    __slots__ = ("x", "key")

    def __init__(self, x, key):
        # NumPy index arrays as arrax ones: an out-of-bounds key takes the elementwise path,
        # whose ``Ellipsis in items`` test a NumPy array (comparing elementwise) breaks.
        def conv(k):
            return _core.asarray(k, None, None) if isinstance(k, onp.ndarray) else k

        self.x = x
        self.key = tuple(conv(k) for k in key) if isinstance(key, tuple) else conv(key)

    def get(self, *, mode=None, fill_value=None, **_):
        """x[key] with JAX's gather modes: indices clamped into bounds (the default, "clip",
        "promise_in_bounds"), or fill_value where out of bounds ("fill", "drop"; by default NaN
        for inexact dtypes, the minimum for signed integers, the maximum for unsigned ones, True
        for bool)."""
        from arrax import numpy as np

        if _at_mode(mode) != "fill":
            return take_flat(self.x, _at_positions(self.x, self.key, "clip"))
        pos = _at_positions(self.x, self.key, "drop")
        inside = pos < self.x.size
        got = take_flat(self.x, np.where(inside, pos, 0))
        return np.where(
            inside, got, _fill_default(self.x.dtype) if fill_value is None else fill_value
        )

    def set(self, values, **kwargs):
        return self._update(values, "set", kwargs)

    def add(self, values, **kwargs):
        return self._update(values, "add", kwargs)

    def subtract(self, values, **kwargs):
        from arrax import numpy as np

        return self._update(np.negative(_as_array(values, self.x.dtype)), "add", kwargs)

    def multiply(self, values, **kwargs):
        return self._update(values, "mul", kwargs)

    mul = multiply

    def divide(self, values, **kwargs):
        """x / (the product of the values, cast to x's dtype, scattered to each element), as
        JAX: rounded once (not multiplied by a rounded reciprocal); an integer x gives the true
        quotient's float dtype, as JAX (its values' integer reciprocals made zeros)."""
        from arrax import numpy as np

        return np.divide(self.x, self._update(values, "mul", kwargs, np.ones_like(self.x)))

    def power(self, values, **kwargs):
        """x ** (the product of the values scattered to each element), as JAX (a repeated
        index raises to each of its values in turn, like NumPy's ``power.at``)."""
        from arrax import numpy as np

        return np.power(self.x, self._update(values, "mul", kwargs, np.ones_like(self.x)))

    def min(self, values, **kwargs):
        return self._update(values, "min", kwargs)

    def max(self, values, **kwargs):
        return self._update(values, "max", kwargs)

    def _update(self, values, kind, kwargs, target=None):
        """JAX's scatter modes: out-of-bounds updates dropped (the default, "drop", "fill",
        "promise_in_bounds") or clamped into bounds ("clip"). ``target``: the array scattered
        into (x by default)."""
        mode = _at_mode(kwargs.get("mode"))
        x = self.x if target is None else target
        return scatter(x, self.key, values, kind, "clip" if mode == "clip" else "drop")

    def apply(self, func, **kwargs):
        """JAX's scatter-apply: func applied to each element x[key] selects, once per
        occurrence of its index (so a repeated index gets func composed with itself, like
        NumPy's ``ufunc.at``); out-of-bounds indices are dropped (or clamped, mode="clip")."""
        from arrax import numpy as np

        x = self.x
        oob = "clip" if _at_mode(kwargs.get("mode")) == "clip" else "drop"
        positions = _at_positions(x, self.key, oob)
        if x.size == 0 or positions.size == 0:
            return x
        dtype = x.dtype

        def f(v):
            return _as_array(func(v), dtype)

        if not positions._is_tracer:
            # Concrete indices: each distinct position with how often it occurs.
            pos = onp.asarray(positions).reshape(-1)
            uniq, counts = onp.unique(pos[pos < x.size], return_counts=True)
            if uniq.size == 0:
                return x
            vals = take_flat(x, _core.asarray(uniq.astype(onp.int64), None, None))
            reps = _core.asarray(counts.astype(onp.int64), None, None)
            for k in range(int(counts.max())):
                vals = f(vals) if k < counts.min() else np.where(reps > k, f(vals), vals)
            out = lax.bind1(
                "scatter",
                lax.reshape(x, (x.size,)),
                _core.asarray(uniq.astype(onp.int64), None, None),
                vals,
                mode="set",
            )
            return lax.reshape(out, x.shape)
        # Traced indices: count each position's occurrences (a scatter-add; dropped indices
        # fall outside), then apply func to the counted elements while any count remains.
        from arrax.lax._control_flow import while_loop

        flat = lax.reshape(x, (x.size,))
        n = positions.size
        reps = lax.bind1(
            "scatter",
            lax.full((x.size,), 0, onp.int64),
            lax.reshape(positions, (n,)),
            lax.full((n,), 1, onp.int64),
            mode="add",
        )
        most = np.max(reps)

        def cond(carry):
            return carry[0] < most

        def body(carry):
            k, v = carry
            return k + 1, np.where(reps > k, f(v), v)

        _, out = while_loop(cond, body, (lax.full((), 0, onp.int64), flat))
        return lax.reshape(out, x.shape)


class _IndexUpdateHelper:
    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __getitem__(self, key):
        return _IndexUpdateRef(self.x, key)

    def __repr__(self):
        return f"_IndexUpdateHelper({self.x!r})"


def take_along_axis(x, indices, axis):
    """numpy.take_along_axis as a gather: x's elements at ``indices`` along ``axis``, the
    other dimensions broadcast between x and indices."""
    np = numpy_module()

    indices = indices if isinstance(indices, _core.ndarray) else _core.asarray(indices, None, None)
    if indices.dtype.kind not in "iu":
        raise IndexError("take_along_axis: indices must be integers")
    if indices.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: indices (rank {indices.ndim}) and arr (rank {x.ndim}) must have "
            "the same number of dimensions"
        )
    n = x.shape[axis]
    idx = indices.astype(onp.int64)
    idx = np.where(idx < 0, idx + n, idx)
    shape = tuple(
        i if d == axis else max(s, i) if 1 in (s, i) else s
        for d, (s, i) in enumerate(zip(x.shape, idx.shape))
    )
    out_shape = tuple(idx.shape[d] if d == axis else shape[d] for d in range(x.ndim))
    idx = np.broadcast_to(idx, out_shape)
    strides = onp.cumprod((x.shape[1:] + (1,))[::-1])[::-1]
    flat = idx * int(strides[axis])
    for d in range(x.ndim):
        if d != axis:
            pos = lax.broadcasted_iota(onp.int64, out_shape, d)
            if x.shape[d] == 1:
                pos = pos * 0
            flat = flat + pos * int(strides[d])
    return take_flat(x, flat)
