"""Applying Python functions over arrays: apply_along_axis, apply_over_axes, vectorize and
piecewise. A function made of arrax operations runs batched through vmap (so these trace);
one that needs concrete values (Python control flow on elements) runs element by element as
in NumPy, on concrete inputs."""

import functools

import numpy as onp

from arrax import _core
from arrax._trace_core import any_tracer
from arrax.numpy._common import _arr, _np, axes_last, from_numpy

__all__ = ["apply_along_axis", "apply_over_axes", "vectorize", "piecewise", "frompyfunc"]


def _needs_values(err):
    """Whether an error is a traced value asked for its concrete value: the function has
    Python control flow on elements, or a value-dependent shape (bincount, unique, nonzero,
    a boolean mask), which NumPy's element-by-element loop has no trouble with."""
    from arrax.errors import ConcretizationTypeError, NonConcreteBooleanIndexError

    if isinstance(err, (ConcretizationTypeError, NonConcreteBooleanIndexError)):
        return True
    msg = str(err)
    return isinstance(err, TypeError) and ("concrete value" in msg or "traced ones" in msg)


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """numpy.apply_along_axis: func1d on every 1-D slice along axis; its result's dims
    replace that axis."""
    import arrax

    a = _arr(arr)
    nd = a.ndim
    if not -nd <= axis < nd:
        raise onp.exceptions.AxisError(axis, nd)
    axis %= nd
    if any(n == 0 for k, n in enumerate(a.shape) if k != axis):
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")

    def fn(x):  # (a tuple result is one array, as NumPy makes it)
        return _arr(func1d(x, *args, **kwargs))

    batched = fn
    for i in range(1, nd - axis):
        batched = arrax.vmap(batched, in_axes=i, out_axes=-1)
    for _ in range(axis):
        batched = arrax.vmap(batched, in_axes=0, out_axes=0)
    try:
        return batched(a)
    except (TypeError, IndexError) as e:
        if not _needs_values(e) or a._is_tracer:
            raise
    out = onp.apply_along_axis(lambda r: onp.asarray(fn(_arr(r))), axis, onp.asarray(a))
    return from_numpy(out)


def apply_over_axes(func, a, axes):
    """numpy.apply_over_axes: func(a, axis) for each axis in turn, keeping the dims."""
    np = _np()
    val = _arr(a)
    n = val.ndim
    for axis in [axes] if onp.ndim(axes) == 0 else axes:
        axis = axis + n if axis < 0 else axis
        res = _arr(func(val, axis))
        if res.ndim != val.ndim:
            res = np.expand_dims(res, axis)
            if res.ndim != val.ndim:
                raise ValueError("function is not returning an array of the correct shape")
        val = res
    return val


class vectorize:  # noqa: N801 (NumPy's name)
    """numpy.vectorize: pyfunc applied elementwise over broadcast arguments. A function made
    of arrax operations is batched with vmap; one that needs Python values per element (or a
    `signature`) runs through numpy.vectorize on concrete arguments."""

    def __init__(
        self, pyfunc=onp._NoValue, otypes=None, doc=None, excluded=None, cache=False, signature=None
    ):
        if pyfunc is not onp._NoValue and not callable(pyfunc):
            raise TypeError("vectorize: when used as a decorator, only accepts keyword arguments.")
        if isinstance(otypes, str):
            for char in otypes:
                if char not in onp.typecodes["All"]:
                    raise ValueError(f"vectorize: Invalid otype specified: {char}")
        elif otypes is not None:
            try:
                otypes = [d.char if d.char in "SU" else d for d in (onp.dtype(t) for t in otypes)]
            except TypeError:
                raise ValueError("vectorize: Invalid otype specification") from None
        self.pyfunc = pyfunc
        self.otypes = otypes
        self.excluded = set(excluded or ())
        if any(not isinstance(e, (int, str)) for e in self.excluded):
            raise TypeError(
                "vectorize: can only exclude integer or string arguments, but "
                f"excluded={excluded!r}"
            )
        if any(isinstance(e, int) and e < 0 for e in self.excluded):
            raise ValueError(f"vectorize: excluded={excluded!r} contains negative numbers")
        self.cache = cache
        self.signature = signature
        self._doc = doc
        if pyfunc is not onp._NoValue:
            self._wrap(pyfunc)

    def _wrap(self, pyfunc):
        self.pyfunc = pyfunc
        functools.update_wrapper(self, pyfunc)
        if self._doc is not None:
            self.__doc__ = self._doc

    def _numpy(self, args, kwargs):
        from arrax.numpy._host_fallback import needs_numpy

        if any_tracer(list(args) + list(kwargs.values())):
            raise TypeError(
                "vectorize: the function needs concrete element values (or has a signature), "
                "which traced arguments do not have"
            )

        def host(v):  # (strings and objects stay NumPy's)
            if needs_numpy(v) or not isinstance(v, _core.ndarray):
                return onp.asarray(v)
            return onp.asarray(_arr(v))

        conv = [a if i in self.excluded else host(a) for i, a in enumerate(args)]
        kw = {k: (v if k in self.excluded else host(v)) for k, v in kwargs.items()}

        def plain(*xs, **kws):
            r = self.pyfunc(*xs, **kws)
            if isinstance(r, tuple):
                return tuple(onp.asarray(e) for e in r)
            return onp.asarray(r)

        v = onp.vectorize(
            plain, otypes=self.otypes, excluded=self.excluded, signature=self.signature
        )
        return from_numpy(v(*conv, **kw))

    def __call__(self, *args, **kwargs):
        import arrax
        from arrax.numpy._host_fallback import needs_numpy

        if self.pyfunc is onp._NoValue:  # @vectorize(otypes=...) on a function: NumPy's form
            self._wrap(*args, **kwargs)
            return self
        # The vectorized arguments: the positional ones and the keywords not excluded (NumPy
        # vectorizes keywords too). None stands for itself, as in jax.numpy.vectorize.
        dyn = [(i, a) for i, a in enumerate(args) if i not in self.excluded]
        dyn += [(k, v) for k, v in kwargs.items() if k not in self.excluded]
        if any(needs_numpy(a) for _, a in dyn):  # strings, objects: NumPy's vectorize
            return self._numpy(args, kwargs)
        in_core, out_core = [()] * len(dyn), None
        if self.signature is not None:
            in_core, out_core = _parse_signature(self.signature)
            if len(in_core) != len(dyn):
                raise TypeError(
                    f"vectorize: wrong number of positional arguments: expected "
                    f"{len(in_core)}, got {len(dyn)}"
                )
        nones = {key for key, a in dyn if a is None}
        if any(core for (key, a), core in zip(dyn, in_core) if a is None):
            raise ValueError(
                f"vectorize: Cannot pass None at locations {nones} with "
                f"signature={self.signature!r}"
            )
        keys = [key for key, a in dyn if a is not None]
        in_core = [core for (key, a), core in zip(dyn, in_core) if a is not None]
        try:
            arrays = [_arr(a) for key, a in dyn if a is not None]
        except TypeError:  # an argument no array holds (an instance for an unbound method)
            return self._numpy(args, kwargs)
        sizes, loop_shape = _core_sizes(arrays, in_core)
        if 0 in loop_shape:  # (NumPy's rules, as the function is never called)
            if not self.otypes:
                raise ValueError(
                    "vectorize: cannot call `vectorize` on size 0 inputs unless `otypes` is set"
                )
            if out_core is not None and any(d not in sizes for dims in out_core for d in dims):
                raise ValueError(
                    "vectorize: cannot call `vectorize` with a signature including new output "
                    "dimensions on size 0 inputs"
                )

        def at(*xs):
            full, kw = list(args), dict(kwargs)
            for key, x in zip(keys, xs):
                if isinstance(key, int):
                    full[key] = x
                else:
                    kw[key] = x
            out = self.pyfunc(*full, **kw)
            return out if out_core is None else _check_outputs(out, out_core, sizes)

        f = at
        for _ in loop_shape:
            f = arrax.vmap(f)
        batched = [
            _np().broadcast_to(a, loop_shape + a.shape[a.ndim - len(core) :])
            for a, core in zip(arrays, in_core)
        ]
        try:
            out = f(*batched)
        except (TypeError, IndexError) as e:
            if not _needs_values(e) or any_tracer(arrays):
                raise
            return self._numpy(args, kwargs)
        if self.otypes:
            types = list(self.otypes)
            if isinstance(out, tuple):
                return tuple(_arr(o).astype(t) for o, t in zip(out, types))
            return _arr(out).astype(types[0])
        return out


def _parse_signature(signature):
    """A gufunc signature's core dimensions: ("(m,n),(n)->(m)") -> ([("m", "n"), ("n",)],
    [("m",)]), as numpy.vectorize reads it."""
    import re

    arg = r"\((?:\w+(?:,\w+)*)?\)"
    args = rf"{arg}(?:,{arg})*"
    compact = re.sub(r"\s+", "", signature)
    if not re.match(rf"^(?:{args})?->{args}$", compact):
        raise ValueError(f"vectorize: not a valid gufunc signature: {signature}")
    ins, outs = compact.split("->")
    parse = lambda side: [  # noqa: E731
        tuple(d for d in a.split(",") if d) for a in re.findall(r"\(([^)]*)\)", side)
    ]
    return parse(ins), parse(outs)


def _core_sizes(arrays, in_core):
    """The size of every core dimension (checked consistent) and the broadcast loop shape."""
    sizes, loop_shapes = {}, []
    for a, core in zip(arrays, in_core):
        if a.ndim < len(core):
            raise ValueError(
                f"vectorize: input with shape {a.shape} does not have enough dimensions for "
                f"all core dimensions {core}"
            )
        for name, n in zip(core, a.shape[a.ndim - len(core) :]):
            if sizes.setdefault(name, n) != n:
                raise ValueError(
                    f"vectorize: inconsistent size for core dimension {name!r}: {n} vs "
                    f"{sizes[name]}"
                )
        loop_shapes.append(a.shape[: a.ndim - len(core)])
    return sizes, tuple(onp.broadcast_shapes(*loop_shapes)) if loop_shapes else ()


class _OutputCountError(TypeError, ValueError):
    """The function returned another number of outputs than the signature names: NumPy
    raises ValueError, jax.numpy TypeError; this is both."""


def _check_outputs(out, out_core, sizes):
    """The function's outputs against the signature's output core dimensions (new ones take
    their sizes from the first output that has them)."""
    got = len(out) if isinstance(out, tuple) else 1
    if len(out_core) > 1 and not isinstance(out, tuple):
        raise _OutputCountError(
            f"vectorize: wrong number of outputs from pyfunc: expected {len(out_core)}, got 1 "
            "(output must be a tuple when multiple outputs are expected)"
        )
    if got != len(out_core):
        raise _OutputCountError(
            f"vectorize: wrong number of outputs from pyfunc (wrong number of output "
            f"arguments): expected {len(out_core)}, got {got}"
        )
    outs = list(out) if isinstance(out, tuple) else [out]
    outs = [_arr(o) for o in outs]
    for o, core in zip(outs, out_core):
        if o.ndim != len(core):
            raise ValueError(
                f"vectorize: output shape {o.shape} does not match core dimensions {core}"
            )
        for name, n in zip(core, o.shape):
            if sizes.setdefault(name, n) != n:
                raise ValueError(
                    f"vectorize: inconsistent size for core dimension {name!r}: {n} vs "
                    f"{sizes[name]}"
                )
    return outs[0] if len(out_core) == 1 else tuple(outs)


def piecewise(x, condlist, funclist, *args, **kw):
    """numpy.piecewise: funclist[i] (a function of x, or a value) where condlist[i] holds,
    later conditions winning; one more function than conditions is the otherwise case.
    Each function sees all of x (so piecewise traces), and its values are kept where its
    condition holds."""
    np = _np()
    x = _arr(x)
    n2 = len(funclist)

    # As NumPy: a single condition (not a list of them) is promoted to a list of one.
    def is_sequence(c):  # an arrax array's element is a 0-d array, NumPy's a scalar
        return isinstance(c, list) or (isinstance(c, (onp.ndarray, _core.ndarray)) and c.ndim > 0)

    zero_d = isinstance(condlist, (onp.ndarray, _core.ndarray)) and condlist.ndim == 0
    if onp.isscalar(condlist) or zero_d or (not is_sequence(condlist[0]) and x.ndim != 0):
        condlist = [condlist]
    conds = [_arr(c).astype(bool) for c in condlist]
    n = len(conds)
    if n == n2 - 1:
        anyc = functools.reduce(lambda p, q: p | q, conds) if n else np.zeros(x.shape, bool)
        conds.append(~anyc)
        n += 1
    elif n != n2:
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    y = np.zeros(x.shape, x.dtype)
    for cond, func in zip(conds, funclist):
        vals = func(x, *args, **kw) if callable(func) else func
        y = np.where(cond, np.asarray(vals).astype(x.dtype), y)
    return y


def _host_when_needed(method):
    """A _PyUfunc method that, when its batched run fails for want of Python values (a
    function of Python scalars: math.factorial, math.gcd, Fraction, "%03d" % x, an `if` on an
    element) or on operands arrax arrays cannot hold (object arrays: big integers), runs as
    NumPy's frompyfunc ufunc does on concrete operands: element by element, an object array."""
    name = method.__name__

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (TypeError, IndexError) as e:
            from arrax.errors import NonConcreteBooleanIndexError
            from arrax.numpy._host_fallback import numpy_call

            if isinstance(e, IndexError) and not isinstance(e, NonConcreteBooleanIndexError):
                raise
            if any_tracer(list(args) + list(kwargs.values())):
                raise
            extra = {} if self.identity is None else {"identity": self.identity}
            ufunc = onp.frompyfunc(self.func, self.nin, self.nout, **extra)
            fn = ufunc if name == "__call__" else getattr(ufunc, name)
            try:
                return numpy_call(fn, args, kwargs)
            except Exception:  # (NumPy's call fails too: arrax's error stands)
                raise e from None

    return run


class _PyUfunc:
    """What ``frompyfunc`` returns (``jax.numpy.frompyfunc``'s ufunc): ``func`` applied
    elementwise over broadcast inputs, batched through vmap (so it traces, differentiates and
    runs under jit), with reduce, accumulate and outer for binary functions. Unlike NumPy's,
    results are arrays of the function's dtype, not object arrays; a function that needs
    Python scalars, or object operands, runs as NumPy's does (_host_when_needed)."""

    # JAX's ufunc properties: read-only, and nargs counts the inputs only (JAX takes no out)
    _READONLY = ("func", "_func", "nin", "nout", "nargs", "identity")

    def __init__(self, func, nin, nout, identity=None):
        if nin < 1 or nout < 1:
            raise ValueError(f"frompyfunc: nin and nout must be positive, got {nin}, {nout}")
        for k, v in (("func", func), ("nin", nin), ("nout", nout), ("identity", identity)):
            object.__setattr__(self, k, v)
        object.__setattr__(self, "__name__", getattr(func, "__name__", "ufunc"))

    @property
    def _func(self):
        return self.func

    @property
    def nargs(self):
        return self.nin

    def __setattr__(self, name, value):
        if name in self._READONLY:
            raise AttributeError(f"frompyfunc: ufunc attribute {name!r} is read-only")
        object.__setattr__(self, name, value)

    def _key(self):
        return (self.func, self.__name__, self.identity, self.nin, self.nout)

    def __eq__(self, other):  # (JAX's: the same function, name and properties)
        return isinstance(other, _PyUfunc) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return f"<arrax.numpy.ufunc '{self.__name__}'>"

    @_host_when_needed
    def __call__(self, *args):
        import arrax

        if len(args) != self.nin:
            raise TypeError(f"{self.__name__}: takes {self.nin} arguments, got {len(args)}")
        np = _np()
        arrs = np.broadcast_arrays(*[np.asarray(a) for a in args])
        shape = arrs[0].shape
        flat = [a.reshape(-1) for a in arrs]
        out = arrax.vmap(self.func)(*flat)
        if self.nout == 1:
            return np.reshape(out, shape)
        return tuple(np.reshape(o, shape) for o in out)

    def _binary(self, name):
        if self.nin != 2 or self.nout != 1:
            raise ValueError(f"{self.__name__}.{name}: only for functions of 2 inputs, 1 output")

    @_host_when_needed
    def reduce(self, a, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=None):
        """Folds the function along axis (left to right), from `initial` or the identity when
        given, else from the first item."""
        from arrax import lax

        self._binary("reduce")
        if out is not None:
            raise NotImplementedError(f"{self.__name__}.reduce: out is not supported")
        np = _np()
        a = np.asarray(a) if dtype is None else np.asarray(a).astype(dtype)
        mask = None if where is None else np.broadcast_to(np.asarray(where, dtype=bool), a.shape)
        if axis is None:
            a, axis = a.reshape(-1), 0
            mask = None if mask is None else mask.reshape(-1)
        elif isinstance(axis, tuple):  # several axes: folded as one, merged last
            x, keep = axes_last(a, axis)
            m = None if mask is None else axes_last(mask, axis)[0]
            r = self.reduce(x, -1, None, None, False, initial, m)
            return r.reshape(keep) if keepdims else r
        a = np.moveaxis(a, axis, 0)
        start = initial if initial is not None else self.identity
        if start is None:
            if mask is not None:
                raise ValueError(
                    f"{self.__name__}.reduce: a where mask needs an initial value or an identity"
                )
            if a.shape[0] == 0:
                raise ValueError(f"{self.__name__}.reduce: zero-size array with no identity")
            carry, rest = a[0], a[1:]
        else:
            carry, rest = np.full(a.shape[1:], start, dtype=a.dtype), a
        if mask is None:
            step = lambda c, x: (self(c, x).astype(c.dtype), None)  # noqa: E731
            xs = rest
        else:  # masked-out items leave the running value as it is

            def step(c, xm):
                return np.where(xm[1], self(c, xm[0]).astype(c.dtype), c), None

            xs = (rest, np.moveaxis(mask, axis, 0))
        result, _ = lax.scan(step, carry, xs)
        return np.expand_dims(result, axis) if keepdims else result

    def at(self, a, indices, b=None, /, *, inplace=True):
        """ufunc.at as jax.numpy's: the new array (inplace=False is required)."""
        from arrax.numpy._ufuncs import at_via_scan

        if inplace:
            raise NotImplementedError(f"{self.__name__}.at: only inplace=False is supported")
        if self.nout != 1 or (b is None) != (self.nin == 1) or self.nin > 2:
            raise ValueError(f"{self.__name__}.at: only for functions of 1 or 2 inputs, 1 output")
        return at_via_scan(self, a, indices, b)

    @_host_when_needed
    def reduceat(self, a, indices, axis=0, dtype=None, out=None):
        """ufunc.reduceat (NumPy's semantics), traceable."""
        from arrax.numpy._ufuncs import reduceat_via_scan

        self._binary("reduceat")
        if out is not None:
            raise NotImplementedError(f"{self.__name__}.reduceat: out is not supported")
        return reduceat_via_scan(self, self.__name__, a, indices, axis, dtype)

    @_host_when_needed
    def accumulate(self, a, axis=0, dtype=None, out=None):
        """The running fold along axis: item i is the reduction of items 0..i."""
        from arrax import lax

        self._binary("accumulate")
        if out is not None:
            raise NotImplementedError(f"{self.__name__}.accumulate: out is not supported")
        np = _np()
        a = np.asarray(a) if dtype is None else np.asarray(a).astype(dtype)
        a = np.moveaxis(a, axis, 0)
        if a.shape[0] == 0:
            return np.moveaxis(a, 0, axis)

        def step(c, x):
            c = self(c, x).astype(c.dtype)
            return c, c

        _, rest = lax.scan(step, a[0], a[1:])
        return np.moveaxis(np.concatenate([a[:1], rest], axis=0), 0, axis)

    @_host_when_needed
    def outer(self, a, b):
        self._binary("outer")
        np = _np()
        a, b = np.asarray(a), np.asarray(b)
        return self(a.reshape(a.shape + (1,) * b.ndim), b)


def frompyfunc(func, /, nin, nout, *, identity=None):
    """A ufunc from a Python function of scalars made of arrax operations (jax.numpy's
    frompyfunc): see _PyUfunc."""
    return _PyUfunc(func, nin, nout, identity)
