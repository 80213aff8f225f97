"""ndarray methods that forward to arrax.numpy functions (the operators live in C++)."""

import builtins
import operator
import sys

import numpy as _np

from arrax import _core, _trace_core
from arrax.numpy import _host_fallback as _hf

ndarray = _core.ndarray


from arrax._trace_core import numpy_module as _anp  # noqa: E402 (arrax.numpy, imported late)


def _shape_args(shape):
    if len(shape) == 1 and shape[0] is None:
        return None
    if len(shape) == 1 and not isinstance(shape[0], int):
        try:
            return tuple(shape[0])
        except TypeError:
            return shape[0]
    return shape


def _engine_function(f):
    """(fn, numpy_fn, rename, name, internal_names, key_fn, has_key) for f, arrax.numpy's
    function: the function under f's wrappers and theirs (the NumPy fallback's, and the
    typed-key dispatch's or None) when those are its only wrappers; else None."""
    key_fn = getattr(f, "_key_version", None)
    g = f.__wrapped__ if key_fn is not None else f
    parts = getattr(g, "_numpy_fallback", None)
    if parts is None:
        return None
    from arrax._prng_key_ops import _has_key

    return (*parts, key_fn, _has_key)


def _forward(name):
    seen = [None, None]  # (the module function last called, and _engine_function's answer)

    def method(self, *args, **kwargs):
        f = getattr(_trace_core._numpy_module or _anp(), name)  # (no call once imported)
        if f is not seen[0]:
            seen[0], seen[1] = f, _engine_function(f)
        parts = seen[1]
        if parts is None:
            return f(self, *args, **kwargs) if args or kwargs else f(self)
        # f's wrappers' work done here (a Python call or two less): the same results, errors
        # (named for f) and fallbacks, to NumPy's function and then to the key arrays' one
        try:
            try:
                # (a.ravel(), a.sum(): no argument tuple and dict to build for the engine)
                return parts[0](self, *args, **kwargs) if args or kwargs else parts[0](self)
            except TypeError as exc:
                _, _, rename, fname, internal_names, _, _ = parts
                if not _hf.falls_back(exc, (self, *args), kwargs, rename, fname, internal_names):
                    raise
            except (ValueError, IndexError) as exc:
                _, _, rename, fname, internal_names, _, _ = parts
                if rename:
                    _hf._named_for(exc, fname, internal_names)
                raise
            return _hf.numpy_call(parts[1], (self, *args), kwargs)
        except TypeError:
            key_fn, has_key = parts[5], parts[6]
            if key_fn is None or not has_key((self, *args), kwargs):
                raise
        return key_fn(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"Same as arrax.numpy.{name}(self, ...)."
    return method


def reshape(self, *shape, order="C", copy=None):
    if not shape:
        raise TypeError("reshape() takes exactly 1 argument (0 given)")
    if order == "C" and copy is None:  # (keywords cost pybind11's slower dispatch)
        shape = _shape_args(shape)
        try:  # (the engine's own reshape: a method call on an array needs no other layer)
            return _core.reshape(self, shape)
        except TypeError:  # (a shape the engine cannot read: arrax.numpy's reshape says why)
            return _anp().reshape(self, shape)
    return _anp().reshape(self, _shape_args(shape), order=order, copy=copy)


def transpose(self, *axes):
    axes = _shape_args(axes) if axes else None
    return _anp().transpose(self, axes)


def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
    if casting != "unsafe":
        if casting == "same_value":  # (NumPy 2.4: any cast, as long as no value changes)
            r = astype(self, dtype, order, "unsafe", subok, copy)
            _check_same_value(self, r)
            return r
        if not _core.can_cast(self.dtype, dtype, casting):
            raise TypeError(
                f"astype: Cannot cast array data from {self.dtype!r} to {_np.dtype(dtype)!r} "
                f"according to the rule '{casting}'"
            )
    if copy is not True and isinstance(copy, _np._CopyMode):
        raise ValueError(
            "astype: _CopyMode enum is not allowed for astype function. Use true/false instead."
        )
    if not copy and _np.dtype(dtype) == self.dtype:
        o = order.upper() if isinstance(order, str) else order
        if not (o == "C" and not self._c_contiguous) and not (o == "F" and not self._f_contiguous):
            return self  # (the array itself, as NumPy and the Array API give)
    _core._fp_watch_start()  # (the cast's floating-point flags: NumPy's cast warnings)
    if self.dtype.kind == "c" and _np.dtype(dtype).kind != "c":
        r = _discarding_imaginary(self, dtype, copy)
    else:
        r = _core._astype(self, dtype, bool(copy))
    kinds = _core._fp_watch_kinds()
    if kinds and r is not self and r.dtype != self.dtype:
        _report_cast(self, r, kinds)
    if order == "K" and (self._c_contiguous or self.ndim < 2 or self._is_tracer):
        return r
    # (order='K', NumPy's default, keeps the array's memory order: a Fortran array's cast is
    # Fortran-ordered, as NumPy's; 'C', 'F' or 'A' ask for that layout)
    from arrax.numpy._common import with_layout

    return with_layout("astype", r, order, self)


def _discarding_imaginary(x, dtype, copy):
    """x.astype(dtype) of a complex x to a real dtype, with NumPy's ComplexWarning at the line
    of the program's call (past arrax's wrappers of astype)."""
    import warnings

    from arrax.numpy._fp_errors import user_depth

    warnings.warn(
        "Casting complex values to real discards the imaginary part",
        _np.exceptions.ComplexWarning,
        stacklevel=user_depth(internal_too=True),  # (level 1: this function)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", _np.exceptions.ComplexWarning)
        return _core._astype(x, dtype, bool(copy))


_fp_errors_module = None


def _report_cast(x, r, kinds):
    """NumPy's "invalid value encountered in cast" and the like (arrax.numpy._fp_errors)."""
    global _fp_errors_module
    if _fp_errors_module is None:  # (imported on first use, as _anp)
        from arrax.numpy import _fp_errors

        _fp_errors_module = _fp_errors
    _fp_errors_module.report_cast(x, r, kinds)


def _check_same_value(x, r):
    """NumPy's casting='same_value': ValueError unless every value of x is one of r (cast
    back, equal; NaN stays NaN; to bool any value is). Traced values are not checked."""
    if r is x or r.dtype == x.dtype or r.dtype == _np.bool_ or x._is_tracer or r._is_tracer:
        return
    import warnings

    a = _np.asarray(x)
    # (the way back may discard a zero imaginary part, or overflow: both are the check's own)
    with warnings.catch_warnings(), _np.errstate(all="ignore"):
        warnings.simplefilter("ignore", _np.exceptions.ComplexWarning)
        b = _np.asarray(r).astype(x.dtype)

    def same(u, v):
        return (u == v) | (_np.isnan(u) & _np.isnan(v)) if u.dtype.kind in "fc" else u == v

    ok = same(a.real, b.real) & same(a.imag, b.imag) if a.dtype.kind == "c" else same(a, b)
    if r.dtype.kind in "iu":  # (the round trip alone misses a sign flipped, or an infinity)
        ok &= _np.isfinite(a) if a.dtype.kind in "fc" else (a < 0) == (_np.asarray(r) < 0)
    if not ok.all():
        imag = " imag is not 0" if a.dtype.kind == "c" and r.dtype.kind != "c" else ""
        raise ValueError(
            f"astype: could not cast 'same_value' {x.dtype} to {r.dtype}:{imag}".rstrip(":")
        )


def copy(self, order="C"):
    r = _core._astype(self, self.dtype, True)
    if order == "C" and (r._c_contiguous or r.ndim < 2 or r._is_tracer):
        return r  # (the usual case, without with_layout's checks: a microsecond per copy)
    from arrax.numpy._common import with_layout

    return with_layout("copy", r, order, self)


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
    # A 0-d array formats its Python scalar, as NumPy's (and JAX's) do: f"{x}" of a float32
    # 0.1 is '0.10000000149011612', not str(x)'s '0.1'. f"{x}" of a tracer is str(x), which
    # prints one without a value as Traced<...> (JAX's f-strings of tracers work inside jit);
    # only a format spec needs its value.
    if self.ndim == 0 and (spec or not self._is_tracer):
        return format(self.item(), spec)
    return format(str(self), spec)


def _traced_text(printer):
    """repr/str that print Traced<dtype(shape)> for a tracer whose value is an outer
    transformation's tracer without one (grad inside jit): the engine's printer finds the
    derivative's primal and then fails to read it, where print() of any tracer must work."""
    from arrax.errors import ConcretizationTypeError, TracerArrayConversionError

    def text(self):
        try:
            return printer(self)
        except (ConcretizationTypeError, TracerArrayConversionError):
            return f"Traced<{self.dtype.name}{self.shape}>"

    text.__name__ = printer.__name__
    return text


_NUMPY_FLAGS = type(_np.empty(0).flags)


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
    def writeable(self):  # (a broadcast view, with a 0 stride, is read-only as in NumPy)
        return self._a._writeable

    @writeable.setter
    def writeable(self, value):
        self._a.setflags(write=value)

    fortran = f_contiguous  # (NumPy's flags.fortran)

    @property
    def owndata(self):
        return self._a._owns_data

    # arrax's buffers are allocated aligned for every dtype and are never write-back copies.
    aligned = True
    writebackifcopy = False

    @property
    def fnc(self):
        return self.f_contiguous and not self.c_contiguous

    @property
    def forc(self):
        return self.f_contiguous or self.c_contiguous

    @property
    def behaved(self):
        return self.aligned and self.writeable

    @property
    def carray(self):
        return self.behaved and self.c_contiguous

    @property
    def farray(self):
        return self.behaved and self.f_contiguous and not self.c_contiguous

    _NAMES = {
        "C_CONTIGUOUS": "c_contiguous",
        "C": "c_contiguous",
        "CONTIGUOUS": "c_contiguous",
        "F_CONTIGUOUS": "f_contiguous",
        "F": "f_contiguous",
        "FORTRAN": "f_contiguous",
        "WRITEABLE": "writeable",
        "W": "writeable",
        "OWNDATA": "owndata",
        "O": "owndata",
        "ALIGNED": "aligned",
        "A": "aligned",
        "WRITEBACKIFCOPY": "writebackifcopy",
        "X": "writebackifcopy",
        "FNC": "fnc",
        "FORC": "forc",
        "BEHAVED": "behaved",
        "B": "behaved",
        "CARRAY": "carray",
        "CA": "carray",
        "FARRAY": "farray",
        "FA": "farray",
    }

    def __getitem__(self, key):
        return getattr(self, self._NAMES[key])

    def __setitem__(self, key, value):  # (flags["W"] = False, as NumPy's)
        name = self._NAMES.get(key)
        if name not in ("writeable", "aligned", "writebackifcopy"):
            raise KeyError(f"Unknown flag {key!r}")
        self._a.setflags(**{{"writeable": "write", "aligned": "align"}.get(name, "uic"): value})

    def _state(self):
        return (self.c_contiguous, self.f_contiguous, self.owndata, self.writeable)

    def __eq__(self, other):
        if isinstance(other, _NUMPY_FLAGS):
            # (a NumPy array's flags: equal when every flag is, as NumPy compares its own)
            return self._state() + (True, False) == (
                other.c_contiguous, other.f_contiguous, other.owndata, other.writeable,
                other.aligned, other.writebackifcopy)  # fmt: skip
        if not isinstance(other, _Flags):
            return NotImplemented
        return self._state() == other._state()

    __hash__ = None

    def __repr__(self):
        return (
            f"  C_CONTIGUOUS : {self.c_contiguous}\n  F_CONTIGUOUS : {self.f_contiguous}\n"
            f"  OWNDATA : {self.owndata}\n  WRITEABLE : {self.writeable}"
        )


def _set_part(self, part, value):
    """x.real = v / x.imag = v, in place as NumPy's (arrax's real and imag are new arrays, so
    the whole array is written with the other part kept)."""
    from arrax.numpy._common import complex_from_parts

    np = _anp()
    if self.dtype.kind != "c":
        if part == "imag":
            raise TypeError("array does not have imaginary part to set")
        self[...] = value
        return
    v = np.asarray(value)
    if v.dtype.kind == "c":
        raise TypeError(f"ndarray.{part}: cannot set a complex value as the {part} part")
    re, im = (v, np.imag(self)) if part == "real" else (np.real(self), v)
    self[...] = complex_from_parts(
        np.broadcast_to(re, self.shape), np.broadcast_to(im, self.shape), self.dtype
    )


def _array_interface(self):
    """NumPy's __array_interface__ (version 3) of a host array, for consumers that read it
    rather than the buffer protocol (Pillow's Image.fromarray, ctypes-based code). A GPU or
    traced array, or bfloat16 (no NumPy type string), has none: AttributeError, so hasattr()
    is False and NumPy takes __array__ instead."""
    if self._is_tracer or self.device.platform != "cpu":
        raise AttributeError("__array_interface__: only arrays in host memory have one")
    dt = _np.dtype(self.dtype)
    if dt.kind == "V":
        raise AttributeError("__array_interface__: bfloat16 has no NumPy type string")
    return {
        "shape": self.shape,
        "typestr": dt.str,
        "descr": dt.descr,
        "data": (self.unsafe_buffer_pointer() if self.size else 0, not self._writeable),
        "strides": None if self._c_contiguous else self.strides,
        "version": 3,
    }


def setflags(self, write=None, align=None, uic=None):
    """NumPy's ndarray.setflags: write=False makes the array read-only (writes raise
    ValueError), write=True makes it writeable again where its memory allows. arrax's arrays
    are always aligned and never write-back copies, so align=True is accepted as it is."""
    if uic:
        raise ValueError("setflags: cannot set WRITEBACKIFCOPY flag to True")
    if align is not None and not align:
        raise ValueError("setflags: arrax arrays are always aligned; cannot clear ALIGNED")
    if write is not None:
        self._set_writeable(bool(write))


def sort(self, axis=-1, kind=None, order=None, *, stable=None, descending=False):
    """In place, as NumPy's method (numpy.sort returns a sorted copy). It also returns the
    sorted array, which NumPy code ignores (NumPy returns None) and JAX code uses
    (``y = x.sort()``: jax.Array's method returns a sorted copy)."""
    if order is not None:
        raise ValueError("sort: order= applies to structured arrays, which arrax has not")
    self[...] = _anp().sort(self, axis=axis, kind=kind, stable=stable, descending=descending)
    return self


def partition(self, kth, axis=-1, kind="introselect", order=None):
    """In place, as NumPy's method (which takes no axis=None: it cannot flatten in place)."""
    if axis is None:
        raise TypeError("partition: 'NoneType' object cannot be interpreted as an integer")
    self[...] = _anp().partition(self, kth, axis=axis, kind=kind)


def put(self, indices, values, mode="raise"):
    """In place, as NumPy's method."""
    _anp().put(self, indices, values, mode)


def compress(self, condition, axis=None, out=None):
    return _anp().compress(condition, self, axis=axis, out=out)


def choose(self, *choices, out=None, mode="raise"):
    """ndarray.choose: as NumPy's method, several positional arguments are the choices
    themselves (a.choose(c0, c1)); out and mode are keywords."""
    if len(choices) == 1:
        choices = choices[0]
    elif not choices:
        raise TypeError("choose() takes exactly 1 argument (0 given)")
    return _anp().choose(self, choices, out=out, mode=mode)


def _host(self, name):
    from arrax.numpy._common import host_arrays

    return host_arrays(f"ndarray.{name}", self)[0]


def view(self, dtype=None, type=None):  # noqa: A002 (NumPy's name)
    """A new array over the same memory, optionally reinterpreted as another dtype. A subclass
    of arrax's ndarray as `type` (or as the first argument, which NumPy also reads as a type)
    gives an instance of it over that memory, whose ``__array_finalize__`` (if it has one) is
    called with self, as NumPy does; NumPy's array classes give an arrax array."""
    if isinstance(dtype, builtins.type) and issubclass(dtype, (ndarray, _np.ndarray)):
        dtype, type = None, dtype
    if type is not None and not (
        isinstance(type, builtins.type) and issubclass(type, (ndarray, _np.ndarray))
    ):
        raise TypeError(f"view: type must be a subtype of ndarray, got {type!r}")
    if isinstance(dtype, (ndarray, _np.ndarray)):  # (numpy.dtype refuses arrays)
        raise TypeError("view: Cannot construct a dtype from an array")
    if dtype is None:
        out = self[...]
    elif self._is_tracer:
        out = _traced_view(self, _anp().dtype(dtype))
    else:
        from arrax.numpy._common import from_numpy

        out = from_numpy(_host(self, "view").view(dtype))
    if type is None or builtins.type(out) is type or not issubclass(type, ndarray):
        return out
    return _as_subclass(out, type, self)


def _as_subclass(arr, cls, parent):
    """arr as an instance of cls (a subclass of arrax's ndarray) over the same memory: NumPy's
    view(cls), which runs no __new__ of cls and calls ``__array_finalize__(parent)``."""
    obj = _allocate(cls)
    _construct(obj, (0,))
    obj._set_value(arr)
    finalize = getattr(obj, "__array_finalize__", None)
    if callable(finalize):
        finalize(parent)
    return obj


def _traced_view(x, dst):
    """x.view(dst) for a traced x, as jax.numpy does it: the bits regrouped through unsigned
    words (bitcast_convert_type splits or joins the last axis); bools as bytes, complex numbers
    as their two parts."""
    from arrax import lax

    src = x.dtype
    if src == dst:
        return x
    shape = x.shape
    if src.itemsize != dst.itemsize:
        if x.ndim == 0:
            raise ValueError(
                "view: Changing the dtype of a 0d array is only supported if the itemsize "
                "is unchanged"
            )
        if (shape[-1] * src.itemsize) % dst.itemsize:
            raise ValueError(
                "view: When changing to a larger dtype, its size must be a divisor of the total "
                "size in bytes of the last axis of the array."
            )
    x = x.reshape(shape or (1,))
    if src.kind == "b":
        words = x.astype(_np.uint8)
    elif src.kind == "c":
        parts = _anp().stack([x.real, x.imag], axis=-1)
        words = lax.bitcast_convert_type(parts, _np.dtype(f"uint{src.itemsize * 4}"))
        words = words.reshape(*x.shape[:-1], -1)
    else:
        words = lax.bitcast_convert_type(x, _np.dtype(f"uint{src.itemsize * 8}"))
    size = words.dtype.itemsize
    want = dst.itemsize // 2 if dst.kind == "c" else dst.itemsize
    if want < size:
        words = lax.bitcast_convert_type(words, _np.dtype(f"uint{want * 8}"))
        words = words.reshape(*words.shape[:-2], -1)
    elif want > size:
        words = words.reshape(*words.shape[:-1], -1, want // size)
        words = lax.bitcast_convert_type(words, _np.dtype(f"uint{want * 8}"))
    if dst.kind == "b":
        out = words != 0
    elif dst.kind == "c":
        parts = lax.bitcast_convert_type(words, _np.dtype(f"float{want * 8}"))
        parts = parts.reshape(*parts.shape[:-1], -1, 2)
        out = lax.complex(parts[..., 0], parts[..., 1])
    else:
        out = lax.bitcast_convert_type(words, dst)
    return out.reshape(shape) if not shape else out


def tobytes(self, order="C"):
    return _host(self, "tobytes").tobytes(order)


def tofile(self, fid, sep="", format="%s"):  # noqa: A002 (NumPy's name)
    _host(self, "tofile").tofile(fid, sep, format)


def dumps(self):
    import pickle

    return pickle.dumps(self)


def dump(self, file):
    import pickle

    if isinstance(file, str):
        with open(file, "wb") as f:
            pickle.dump(self, f)
    else:
        pickle.dump(self, file)


def byteswap(self, inplace=False):
    a = _host(self, "byteswap")
    if inplace:
        a.byteswap(inplace=True)
        return self
    from arrax.numpy._common import from_numpy

    return from_numpy(a.byteswap())


def _deprecated_flat_key(key):
    """Whether key is a flat-iterator index NumPy 2.4 deprecated: a 0-d boolean (a.flat[True]),
    a float (a.flat[1.0]) or a list of floats (a.flat[[1.0]])."""
    if isinstance(key, (bool, float, _np.bool_, _np.floating)):
        return True
    if isinstance(key, (ndarray, _np.ndarray)):
        return key.ndim == 0 and key.dtype == _np.bool_
    return (
        isinstance(key, list)
        and len(key) > 0
        and all(isinstance(k, (float, _np.floating)) for k in key)
    )


class _FlatIter:
    """a.flat: iteration, indexing and assignment over the elements in C order."""

    def __init__(self, a):
        self.base = a
        self._index = 0  # NumPy's flatiter is its own iterator, with a position
        self._flat = None

    @property
    def index(self):
        """The position of the next element (read-only, as NumPy's)."""
        return self._index

    @property
    def coords(self):
        """The N-dimensional index of the current position, as NumPy's flatiter.coords."""
        shape, rest, coords = self.base.shape, self._index, []
        for n in reversed(shape[1:]):  # (past the end the first coordinate runs on, as NumPy's)
            rest, c = divmod(rest, n) if n else (rest, 0)
            coords.append(c)
        return (rest, *reversed(coords)) if shape else ()

    def __iter__(self):
        return self

    def __next__(self):
        if self._index >= self.base.size:
            raise StopIteration
        if self._flat is None:
            self._flat = self.base.ravel()
        value = self._flat[self._index]
        self._index += 1
        return value

    def __array__(self, dtype=None, copy=None):
        # (a view of a contiguous array's memory; a copy of another's, read-only as NumPy's)
        flat = self.base.ravel()
        out = _np.asarray(flat, dtype=dtype)
        if not flat._shares_buffer(self.base):
            out.setflags(write=False)
        return out

    def __delitem__(self, key):
        raise TypeError("'numpy.flatiter' object does not support item deletion")

    def __len__(self):
        return self.base.size

    def __getitem__(self, key):
        if _deprecated_flat_key(key):
            # (NumPy 2.4 deprecated these, a.flat[True] and a.flat[1.0]; its flat iterator
            # warns and reads them as it did: a.flat[True] is a.flat[0])
            if isinstance(key, ndarray):
                key = _np.asarray(key)
            return _anp().asarray(_np.asarray(self.base).flat[key])
        return self.base.ravel()[key]

    def __setitem__(self, key, value):
        import numpy as onp

        from arrax.numpy._indexing import _in_place

        # (NumPy's flat iterator takes NumPy arrays as indices; an arrax array there would be
        # read as a sequence, and a boolean mask of them refused)
        if isinstance(key, ndarray):
            key = onp.asarray(key)
        elif isinstance(key, tuple):
            key = tuple(onp.asarray(k) if isinstance(k, ndarray) else k for k in key)
        with _in_place("ndarray.flat", self.base) as view:
            view.flat[key] = onp.asarray(value)

    def copy(self):
        return self.base.ravel().copy()


def __array_wrap__(self, array, context=None, return_scalar=False):
    """NumPy's hook for a result to take the type of self: an arrax array of its values, viewed
    as self's subclass when self is one (as NumPy's, whatever the type of array)."""
    from arrax.numpy._common import from_numpy

    out = array if isinstance(array, ndarray) else from_numpy(_np.asarray(array))
    return out if type(out) is type(self) else out.view(type(self))


def _matrix_transpose(self):
    """x.mT: the last two axes swapped; NumPy's ValueError for fewer than two."""
    if self.ndim < 2:
        raise ValueError("ndarray.mT: matrix transpose with ndim < 2 is undefined")
    return _anp().swapaxes(self, -1, -2)


def _refs_seen_by_a_method(x):
    """sys.getrefcount(self) in a method called on an object that one name holds."""
    return sys.getrefcount(x)


_ONE_HOLDER_REFS = []


def _referenced_elsewhere(refs):
    """Whether refs (sys.getrefcount(self) in ndarray.resize) says that more than the
    caller's one name holds the array (NumPy's refcheck: ``b = a; a.resize(8)`` raises)."""
    if not _ONE_HOLDER_REFS:
        probe = _anp().zeros(1)
        _ONE_HOLDER_REFS.append(_refs_seen_by_a_method(probe))
    return refs > _ONE_HOLDER_REFS[0]


def resize(self, *new_shape, refcheck=True):
    """ndarray.resize: in place, the elements in memory order (C, or Fortran for a Fortran-
    ordered array) cut or padded with zeros (unlike numpy.resize, which repeats them). As
    NumPy, a change of size refuses a view of another array's memory and, with refcheck, an
    array that another name or object also holds."""
    refs = sys.getrefcount(self)
    np = _anp()
    refcheck = operator.index(refcheck)  # (NumPy's: an integer)
    shape = _shape_args(new_shape)
    if shape is None or not new_shape:  # (resize() and resize(None): nothing changes, as NumPy)
        return
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    shape = tuple(operator.index(d) for d in shape)
    if any(d < 0 for d in shape):
        raise ValueError("resize: negative dimensions not allowed")
    n = int(_np.prod(shape))
    if n != self.size and not self._is_tracer:
        if not self._owns_data:
            raise ValueError("cannot resize this array: it does not own its data")
        if refcheck and _referenced_elsewhere(refs):
            raise ValueError(
                "cannot resize an array that references or is referenced\nby another object in"
                " this way.\nUse the np.resize function to get a new resized copy or\n set"
                " refcheck=False to disable this check"
            )
    # (NumPy resizes the memory: a Fortran-ordered array's elements, in Fortran order)
    order = "F" if self.flags.f_contiguous and not self.flags.c_contiguous else "C"
    flat = self.ravel(order=order)
    if n <= flat.size:
        new = flat[:n].copy()
    else:
        new = np.concatenate([flat, np.zeros(n - flat.size, self.dtype)])
    self._set_value(new.reshape(shape, order=order))


def __hash__(self):
    """A 0-d array stands where NumPy gives a scalar (x[i], x.sum()), and NumPy's scalars are
    hashable: {v: i for i, v in enumerate(x)} and Counter(x) work. It hashes as its value
    (equal to it, as 0-d == compares). Arrays with dimensions stay unhashable, as in NumPy."""
    if self.ndim != 0 or self._is_tracer:
        raise TypeError(f"unhashable type: 'arrax.numpy.ndarray' of shape {self.shape}")
    return hash(self.item())


def __round__(self, ndigits=None):
    """round(x): a 0-d array rounds as NumPy's scalars do (an int without ndigits); arrays
    as numpy.round."""
    if ndigits is None and self.ndim == 0:
        if self._is_tracer:  # (no value to make an int of: an int64 array, as JAX's round)
            return _anp().round(self).astype(_np.int64)
        return int(_anp().round(self))
    return _anp().round(self, 0 if ndigits is None else ndigits)


def _scalar_method(kinds, name, compute):
    """A method of NumPy's scalars of dtype kinds (float64(2.5).as_integer_ratio()), which a
    0-d array of those dtypes has too, as it stands where NumPy gives a scalar; other arrays
    lack it, as NumPy's arrays do (hasattr is False)."""

    def get(self):
        if self.ndim != 0 or self.dtype.kind not in kinds:
            raise AttributeError(f"'arrax.numpy.ndarray' object has no attribute '{name}'")

        def method():
            return compute(self.item())

        method.__name__ = name
        return method

    return property(get)


def _is_integer(v):
    return v.is_integer() if isinstance(v, float) else True


_DTYPE_OF = ndarray.dtype.fget


def _set_dtype(self, dtype):
    """``a.dtype = t``: NumPy's in-place ``a = a.view(t)``, the same memory read as another
    dtype (the last axis regrouped where the item sizes differ)."""
    self._set_value(self.view(dtype))


def _ctypes(self):
    """ndarray.ctypes: NumPy's ctypes interface to the array's memory (``data``, the address;
    ``shape``, ``strides``, ``data_as``, ``shape_as``, ``strides_as``)."""
    if self._is_tracer:
        raise AttributeError("ctypes: a traced array has no memory to point to")
    return _np.asarray(self).ctypes


def _base(self):
    """ndarray.base: None for an array that owns its memory (a copy, a fresh result), else an
    array over the memory the view shares. arrax does not keep the object a view was made
    from, so ``v.base`` is not that object (``v.base is a`` is False) and a view covering
    its whole buffer in order (a reshape of a fresh array) counts as owning it, as
    flags.owndata does."""
    if self._is_tracer or self._owns_data:
        return None
    return self._buffer_array


def to_numpy(self, dtype=None, copy=False):
    """The array as NumPy's, a view of its memory where it can be (a copy with copy=True): the
    method pandas, xarray and polars objects share, which libraries call to get NumPy arrays
    of their inputs (matplotlib's hist and boxplot read an array that has none element by
    element, as a sequence). Not a NumPy method; arrax's extension for that interchange."""
    if copy:
        return _np.array(self, dtype=dtype, copy=True)
    return _np.asarray(self, dtype=dtype)


_METHODS = {
    "base": property(_base),
    "ctypes": property(_ctypes),
    "dtype": property(_DTYPE_OF, _set_dtype, doc=ndarray.dtype.__doc__),
    "resize": resize,
    "__hash__": __hash__,
    "__round__": __round__,
    "is_integer": _scalar_method("fiu", "is_integer", _is_integer),
    "as_integer_ratio": _scalar_method("f", "as_integer_ratio", lambda v: v.as_integer_ratio()),
    "__array_wrap__": __array_wrap__,
    "__array_interface__": property(_array_interface),
    "sort": sort,
    "setflags": setflags,
    "partition": partition,
    "put": put,
    "compress": compress,
    "choose": choose,
    "view": view,
    "tobytes": tobytes,
    "to_numpy": to_numpy,
    "tofile": tofile,
    "dump": dump,
    "dumps": dumps,
    "byteswap": byteswap,
    # (a.flat = v fills a with v's values in C order, repeating them, as NumPy's)
    "flat": property(
        lambda self: _FlatIter(self), lambda self, v: _FlatIter(self).__setitem__(slice(None), v)
    ),  # fmt: skip
    "data": property(lambda self: memoryview(_host(self, "data"))),
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
    "mT": property(_matrix_transpose),
    "real": property(lambda self: _anp().real(self), lambda self, v: _set_part(self, "real", v)),
    "imag": property(lambda self: _anp().imag(self), lambda self, v: _set_part(self, "imag", v)),
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
    "round",
    "dot",
    "nonzero",
    "argsort",
    "argpartition",
    "searchsorted",
    "repeat",
    "take",
    "diagonal",
    "trace",
    "ptp",
]

for _name, _impl in _METHODS.items():
    setattr(ndarray, _name, _impl)
ndarray.__repr__ = _traced_text(ndarray.__repr__)
ndarray.__str__ = _traced_text(ndarray.__str__)
_to_numpy = ndarray.__array__


def __array__(self, dtype=None, copy=None):
    """The array as NumPy's (a view of its memory where it can be). copy=False with another
    dtype is NumPy's ValueError: the cast needs a copy (np.array(obj, dtype, copy=False) of
    an object whose __array__ hands on to an arrax array's)."""
    if copy is False and dtype is not None and _np.dtype(dtype) != self.dtype:
        raise ValueError("__array__: Unable to avoid copy while creating an array as requested.")
    return _to_numpy(self, dtype, copy)


ndarray.__array__ = __array__

# Construction: __new__ builds the C++ array itself, so that an object made by a subclass's
# own __new__ (``ndarray.__new__(subtype, shape, dtype=...)``, NumPy's subclassing idiom) is
# never left without one (its methods would read unset memory); __init__ then has nothing left
# to do.
_allocate, _construct = ndarray.__new__, ndarray.__init__


def __new__(cls, *args, **kwargs):
    self = _allocate(cls)
    _construct(self, *args, **kwargs)
    return self


def __init__(self, *args, **kwargs):
    pass


ndarray.__new__ = __new__
ndarray.__init__ = __init__


def install_forwarded():
    """Sets the forwarded methods. arrax.numpy calls it once every module function exists:
    the modules that define sort, round, take, ... are imported after this one, and a method
    whose function was missing then used to be left out (a.sort() raised AttributeError)."""
    for name in _FORWARDED:
        setattr(ndarray, name, _forward(name))
    for name in ("conj", "conjugate"):  # NumPy's methods return a real array itself
        setattr(ndarray, name, _conj_method(_forward(name)))


def _conj_method(conj):
    def method(self, *args, **kwargs):
        if self.dtype.kind != "c" and not args and not kwargs:
            return self
        return conj(self, *args, **kwargs)

    return method


def _at(self):
    """JAX's functional index updates: ``x.at[idx].set(v)``, ``.add``, ``.subtract``,
    ``.multiply``, ``.divide``, ``.power``, ``.min``, ``.max``, ``.apply``, ``.get``; each
    returns a new array (x is unchanged) and works eagerly and under every transformation."""
    from arrax._functional import _IndexUpdateHelper

    return _IndexUpdateHelper(self)


ndarray.at = property(_at)


from arrax import _devices  # noqa: E402

_devices._install(ndarray)  # device, to_device, block_until_ready
