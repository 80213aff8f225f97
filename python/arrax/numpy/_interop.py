"""File I/O (.npy/.npz/text, through NumPy's formats, written atomically), print options,
errstate, isdtype, and the protocols that let NumPy and other libraries take arrax arrays:
``__array_ufunc__``, ``__array_function__``, ``__array_namespace__`` and DLPack."""

import contextlib
import functools
import os
import tempfile
import threading
import zipfile

import numpy as onp

from arrax import _core
from arrax.numpy._common import from_numpy

__all__ = [
    "save",
    "load",
    "savez",
    "savez_compressed",
    "loadtxt",
    "savetxt",
    "genfromtxt",
    "fromregex",
    "set_printoptions",
    "get_printoptions",
    "printoptions",
    "errstate",
    "seterr",
    "geterr",
    "seterrcall",
    "geterrcall",
    "fromstring",
    "fromfile",
    "little_endian",
    "typecodes",
    "testing",
    "isdtype",
    "from_dlpack",
]


def _to_numpy(x):
    return onp.asarray(x) if isinstance(x, _core.ndarray) else x


@contextlib.contextmanager
def _atomic(path, suffix_check=None):
    """Yields a temporary file beside ``path``; renames it over ``path`` only once everything
    was written, so a crash or an error never leaves a half-written file."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".arrax-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _is_path(file):
    return isinstance(file, (str, bytes, os.PathLike))


def save(file, arr, allow_pickle=True, fix_imports=True):
    """numpy.save (a path gets .npy appended, as NumPy does, and is written atomically)."""
    a = onp.asarray(arr)
    if _is_path(file):
        path = os.fspath(file)
        if not str(path).endswith(".npy"):
            path = path + ".npy"
        with _atomic(path) as f:
            onp.save(f, a, allow_pickle=allow_pickle)
    else:
        onp.save(file, a, allow_pickle=allow_pickle)


def _savez(file, args, kwds, compress, allow_pickle):
    arrays = {k: onp.asarray(v) for k, v in kwds.items()}
    positional = [onp.asarray(v) for v in args]
    fn = onp.savez_compressed if compress else onp.savez
    if _is_path(file):
        path = os.fspath(file)
        if not str(path).endswith(".npz"):
            path = path + ".npz"
        with _atomic(path) as f:
            fn(f, *positional, allow_pickle=allow_pickle, **arrays)
    else:
        fn(file, *positional, allow_pickle=allow_pickle, **arrays)


def savez(file, *args, allow_pickle=True, **kwds):
    """numpy.savez (written atomically)."""
    _savez(file, args, kwds, False, allow_pickle)


def savez_compressed(file, *args, allow_pickle=True, **kwds):
    """numpy.savez_compressed (written atomically)."""
    _savez(file, args, kwds, True, allow_pickle)


def _bfloat16_restored(a):
    """NumPy writes ml_dtypes' bfloat16 as 2-byte voids ('|V2'), which it reads back as such:
    read them as bfloat16 again (jax.numpy.load's rule; arrax holds no other 2-byte voids)."""
    if isinstance(a, onp.ndarray) and a.dtype == onp.dtype("V2"):
        import ml_dtypes

        return a.view(ml_dtypes.bfloat16)
    return a


class NpzFile:
    """What load returns for an .npz file: arrays by name (as arrax arrays), like NumPy's."""

    def __init__(self, npz):
        self._npz = npz
        self.files = list(npz.files)

    def __getitem__(self, key):
        try:
            return from_numpy(_bfloat16_restored(self._npz[key]))
        except (ValueError, EOFError, zipfile.BadZipFile, OSError) as e:
            # (NumPy's UnicodeError for a pickle that needs encoding=: a ValueError too)
            error = UnicodeError if isinstance(e, UnicodeError) else ValueError
            raise error(f"load: array {key!r} of the .npz file is corrupt: {e}") from None

    def __contains__(self, key):
        return key in self.files

    def __iter__(self):
        return iter(self.files)

    def __len__(self):
        return len(self.files)

    def keys(self):
        return list(self.files)

    def values(self):
        return [self[k] for k in self.files]

    def items(self):
        return [(k, self[k]) for k in self.files]

    def get(self, key, default=None):
        return self[key] if key in self.files else default

    @property
    def f(self):  # (NumPy's BagObj: npz.f.name is npz["name"])
        return _Bag(self)

    @property
    def fid(self):  # (NumPy's: the open file, None once closed)
        return self._npz.fid

    @property
    def zip(self):
        return self._npz.zip

    def __repr__(self):
        return repr(self._npz)  # "NpzFile 'name.npz' with keys: a, b"

    def __del__(self):
        if hasattr(self, "_npz"):
            self.close()

    def close(self):
        self._npz.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Bag:
    """The arrays of an NpzFile as attributes (NumPy's ``npz.f.x``)."""

    def __init__(self, npz):
        object.__setattr__(self, "_npz", npz)

    def __getattribute__(self, key):
        npz = object.__getattribute__(self, "_npz")
        try:
            return npz[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(object.__getattribute__(self, "_npz").files)


class _NoDataLeft(ValueError, EOFError):
    """load of a file with nothing (more) in it: NumPy's EOFError, so that reading arrays one
    after another until EOFError works; a ValueError as arrax's other unreadable files."""


def load(
    file,
    mmap_mode=None,
    allow_pickle=False,
    fix_imports=True,
    encoding="ASCII",
    *,
    max_header_size=10000,
):
    """numpy.load: .npy gives an arrax array, .npz an NpzFile of them. A truncated or corrupt
    file raises ValueError."""
    try:
        r = onp.load(
            file,
            mmap_mode=mmap_mode,
            allow_pickle=allow_pickle,
            fix_imports=fix_imports,
            encoding=encoding,
            max_header_size=max_header_size,
        )
    except (FileNotFoundError, ImportError):
        raise  # (ImportError: a module the pickle names, fix_imports=False with Python 2's)
    except (ValueError, EOFError, zipfile.BadZipFile, OSError, TypeError) as e:
        name = os.fspath(file) if _is_path(file) else "the file"
        # (NumPy's UnicodeError for a pickle that needs encoding=: a ValueError too)
        error = (
            _NoDataLeft
            if isinstance(e, EOFError)
            else UnicodeError
            if isinstance(e, UnicodeError)
            else ValueError
        )
        raise error(
            f"load: {name} is not a valid .npy/.npz file (truncated or corrupt): {e}"
        ) from None
    except Exception as e:  # noqa: BLE001 (pickle errors of many kinds)
        name = os.fspath(file) if _is_path(file) else "the file"
        raise ValueError(f"load: {name} could not be read: {type(e).__name__}: {e}") from None
    if isinstance(r, onp.lib.npyio.NpzFile):
        return NpzFile(r)
    if isinstance(r, onp.ndarray) and r.dtype.kind == "O":
        return r
    r = _bfloat16_restored(r)
    if isinstance(r, onp.memmap) and mmap_mode == "r":
        return from_numpy(onp.array(r))
    # (a writeable memmap, mmap_mode='r+'/'c', is wrapped without a copy: writes to the array
    # reach the file, as NumPy's)
    return from_numpy(r)


def loadtxt(fname, *args, **kwargs):
    """numpy.loadtxt."""
    return from_numpy(onp.loadtxt(fname, *args, **kwargs))


def genfromtxt(fname, *args, **kwargs):
    """numpy.genfromtxt (usemask=True: NumPy's masked array, as NumPy returns)."""
    r = onp.genfromtxt(fname, *args, **kwargs)
    return r if isinstance(r, onp.ma.MaskedArray) else from_numpy(r)


def fromregex(file, regexp, dtype, encoding=None):
    """numpy.fromregex (NumPy parses; numeric results are arrax arrays, records stay NumPy's)."""
    return from_numpy(onp.fromregex(file, regexp, dtype, encoding=encoding))


@contextlib.contextmanager
def _compressed_by_name(f, path):
    """f, compressed as NumPy's savetxt compresses a path ending in .gz, .bz2, .xz or .lzma
    (what loadtxt and genfromtxt of that path then decompress)."""
    ext = os.path.splitext(os.fsdecode(path))[1]
    if ext == ".gz":
        import gzip

        with gzip.GzipFile(filename=os.fsdecode(path), mode="wb", fileobj=f) as g:
            yield g
    elif ext == ".bz2":
        import bz2

        with bz2.BZ2File(f, "wb") as g:
            yield g
    elif ext in (".xz", ".lzma"):
        import lzma

        with lzma.LZMAFile(f, "wb") as g:
            yield g
    else:
        yield f


def savetxt(fname, X, *args, **kwargs):
    """numpy.savetxt (a path is written atomically)."""
    X = onp.asarray(X)
    if _is_path(fname):
        path = os.fspath(fname)
        with _atomic(path) as f, _compressed_by_name(f, path) as g:
            onp.savetxt(g, X, *args, **kwargs)
    else:
        onp.savetxt(fname, X, *args, **kwargs)


# arrax arrays print through NumPy's printer, so NumPy's print options are arrax's.
set_printoptions = onp.set_printoptions
get_printoptions = onp.get_printoptions
printoptions = onp.printoptions
# NumPy's floating-point error state: arrax does not warn or raise on floating-point errors
# (as JAX does not); the state is NumPy's, kept so that code setting it runs unchanged.
errstate = onp.errstate
seterr = onp.seterr
geterr = onp.geterr
seterrcall = onp.seterrcall
geterrcall = onp.geterrcall
little_endian = onp.little_endian
typecodes = onp.typecodes


def _host_tree(x):
    """x with its arrax arrays (also inside lists, tuples and dicts) as NumPy arrays."""
    if isinstance(x, _core.ndarray):
        return onp.asarray(x)
    if isinstance(x, (list, tuple)) and not hasattr(x, "_fields"):
        return type(x)(_host_tree(v) for v in x)
    if isinstance(x, dict):
        return {k: _host_tree(v) for k, v in x.items()}
    return x


def _testing_module():
    """numpy.testing, whose assertions take arrax arrays: the array ones through __array__,
    and assert_equal / assert_almost_equal (which test for NumPy's ndarray, and otherwise
    compare as scalars: "truth value of an array is ambiguous") on NumPy views of them."""
    import functools
    import types

    mod = types.ModuleType("arrax.numpy.testing", onp.testing.__doc__)
    mod.__dict__.update({k: v for k, v in vars(onp.testing).items() if not k.startswith("__")})
    mod.__all__ = list(getattr(onp.testing, "__all__", []))
    for name in ("assert_equal", "assert_almost_equal", "assert_approx_equal"):
        numpy_fn = getattr(onp.testing, name)

        def call(actual, desired, *args, _fn=numpy_fn, **kwargs):
            __tracebackhide__ = True  # (pytest: the failure points at the caller)
            return _fn(_host_tree(actual), _host_tree(desired), *args, **kwargs)

        setattr(mod, name, functools.wraps(numpy_fn)(call))
    return mod


testing = _testing_module()


def fromstring(string, dtype=float, count=-1, *, sep, like=None):
    """numpy.fromstring (text only, as NumPy 2): numbers separated by ``sep``."""
    return _core.asarray(onp.fromstring(string, dtype=dtype, count=count, sep=sep), None, None)


def fromfile(file, dtype=float, count=-1, sep="", offset=0, *, like=None):
    """numpy.fromfile: an array from a binary or text file."""
    data = onp.fromfile(file, dtype=dtype, count=count, sep=sep, offset=offset)
    return _core.asarray(data, None, None)


_KIND_NAMES = (
    "bool",
    "signed integer",
    "unsigned integer",
    "integral",
    "real floating",
    "complex floating",
    "numeric",
)


def isdtype(dtype, kind):
    """numpy.isdtype (Array API dtype kinds), which also knows bfloat16 (a real floating
    dtype, as in JAX; NumPy's own isdtype refuses dtypes from outside NumPy)."""
    dt = onp.dtype(dtype)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not _is_extension_float(dt) and not any(
        not isinstance(k, str) and _is_extension_float(_as_dtype(k)) for k in kinds
    ):
        return onp.isdtype(dt, kind)
    for k in kinds:
        if isinstance(k, str):
            if k not in _KIND_NAMES:
                raise ValueError(f"kind argument is a string, but {k!r} is not a known kind name.")
            if _is_extension_float(dt):
                if k in ("real floating", "numeric"):
                    return True
            elif onp.isdtype(dt, k):
                return True
        elif _as_dtype(k) == dt:
            return True
    return False


def _as_dtype(k):
    try:
        return onp.dtype(k)
    except TypeError:
        raise TypeError(
            f"kind argument must be comprised of NumPy dtypes or strings only, but is a {k!r}."
        ) from None


def _is_extension_float(dt):
    """bfloat16 and the other ml_dtypes floats: kind 'V' to NumPy, floating point to JAX."""
    return dt.kind == "V" and (dt.name == "bfloat16" or dt.name.startswith("float8"))


def from_dlpack(x, /, *, device=None, copy=None):
    """numpy.from_dlpack: a zero-copy arrax array over another library's memory (on `device`,
    one of arrax's devices, when given: NumPy's ValueError for another)."""
    r = _core.asarray(
        onp.from_dlpack(x, copy=copy) if copy is not None else onp.from_dlpack(x), None, None
    )
    return r if device is None else _anp().asarray(r, device=device)


# --- protocols ----------------------------------------------------------------------------


from arrax import _trace_core  # noqa: E402
from arrax._trace_core import numpy_module as _anp  # noqa: E402 (arrax.numpy, imported late)
from arrax.numpy._fp_errors import watched_call  # noqa: E402
from arrax.numpy._host_fallback import needs_numpy  # noqa: E402

_ndarray = _core.ndarray


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """NumPy ufuncs on arrax arrays run as arrax's ufunc of the same name; with strings, dates
    or objects among the inputs (np.datetime64("2020-01-01") + x), NumPy runs them."""
    for x in inputs:  # (arrax arrays, the common operands, need no call of needs_numpy)
        if not isinstance(x, _ndarray) and needs_numpy(x):
            return _numpy_fallback(getattr(ufunc, method), inputs, kwargs)
    if method == "at" and inputs and isinstance(inputs[0], onp.ndarray):
        # np.add.at(numpy_array, indices, arrax_values) updates the NumPy array in place, as
        # NumPy does: NumPy runs it, on NumPy views of the arrax operands.
        return _numpy_fallback(getattr(ufunc, method), inputs, kwargs)
    mine = getattr(_trace_core._numpy_module or _anp(), ufunc.__name__, None)  # (no call)
    out = kwargs.get("out")
    # (NumPy's own arrays as out, numpy_array.clip(lo, hi, out=numpy_array) with an arrax
    # bound, pass through: arrax's ufuncs and functions write them as NumPy casts.)
    if out is not None and any(not isinstance(o, (_ndarray, onp.ndarray)) for o in out):
        return NotImplemented
    if mine is None or mine is ufunc:  # (NumPy's own ufunc, as isnat: NumPy runs it)
        return _numpy_fallback(getattr(ufunc, method), inputs, kwargs)
    if out is not None:
        kwargs["out"] = out[0] if len(out) == 1 else out
    if method == "__call__":
        return watched_call(mine, inputs, kwargs, ufunc.__name__, ufunc.nin)
    impl = getattr(mine, method, None)
    if impl is None:
        return _numpy_fallback(getattr(ufunc, method), inputs, kwargs)
    return impl(*inputs, **kwargs)


_tree_util = None


def _numpy_fallback(func, args, kwargs):
    """A NumPy function arrax does not have: NumPy runs it on NumPy views of the arrays, and
    array results come back as arrax arrays."""
    global _tree_util
    if _tree_util is None:  # (imported on first use: arrax.tree_util imports arrax.numpy)
        from arrax import tree_util

        _tree_util = tree_util
    tree_util = _tree_util
    views = {}  # id of a NumPy view -> (the view, the arrax array it shows)

    def conv(x):
        r = _to_numpy(x)
        if r is not x:
            views[id(r)] = (r, x)
        return r

    a = tree_util.tree_map(conv, args)
    k = tree_util.tree_map(conv, kwargs)
    r = func(*a, **k)
    given = views.get(id(r))
    if given is not None and given[0] is r:
        return given[1]  # (NumPy's function returned its argument itself: so does arrax)
    return from_numpy(r)


# NumPy modules whose arrax counterpart has another name (numpy.emath's functions live in
# numpy.lib.scimath, arrax's in arrax.numpy.emath).
_MODULE_ALIASES = {"scimath": "emath"}
_MODULE_PATHS = {"numpy.lib.scimath": "numpy.emath"}


def _arrax_counterpart(func):
    """arrax.numpy's function for NumPy's func: the one of the same name in the same module
    (numpy.linalg.norm is arrax.numpy.linalg.norm, numpy.emath.sqrt arrax.numpy.emath.sqrt), or
    None. A function of a module arrax leaves to NumPy (numpy.strings.mod, numpy.char.add,
    numpy.lib.recfunctions) is not arrax.numpy's function of that name (np.mod, np.add)."""
    target = _counterpart_module(func.__module__)
    return None if target is None else getattr(target, func.__name__, None)


# NumPy module name -> arrax.numpy's module of that name, or None (found once per module: a
# NumPy function on arrax arrays paid for the walk down the module path on every call)
_counterpart_modules = {}


def _counterpart_module(name):
    try:
        return _counterpart_modules[name]
    except (KeyError, TypeError):
        pass
    module = (_MODULE_PATHS.get(name, name) if isinstance(name, str) else "").split(".")
    target = _anp() if module[0] == "numpy" else None
    for part in module[1:]:
        if target is None:
            break
        target = getattr(target, _MODULE_ALIASES.get(part, part), None)
    if isinstance(name, str):
        _counterpart_modules[name] = target
    return target


def _array_function(self, func, types, args, kwargs):
    """NumPy functions on arrax arrays run as arrax.numpy's function of the same name (NEP 18),
    so they return arrax arrays; functions arrax lacks run in NumPy on NumPy views. With another
    library's duck array among the arguments (a type neither arrax's nor NumPy's arrays),
    NotImplemented, as NumPy's ndarray: that library's __array_function__ takes the call."""
    if not isinstance(args, tuple):
        raise TypeError("__array_function__: args must be a tuple")
    if not isinstance(kwargs, dict):
        raise TypeError("__array_function__: kwargs must be a dict")
    for t in types:
        if not issubclass(t, _ARRAY_TYPES):
            return NotImplemented
    mine = _arrax_counterpart(func)
    try:
        active = _dispatching.funcs
    except AttributeError:
        active = _dispatching.funcs = set()
    # arrax's function may itself call NumPy's (histogram2d hands its work to NumPy's); with
    # arrax arrays nested in the arguments that call comes back here, and runs NumPy's own
    # implementation instead of recursing.
    if mine is None or mine is func or func in active:
        return _numpy_fallback(
            func._implementation if hasattr(func, "_implementation") else func, args, kwargs
        )
    active.add(func)
    try:
        return mine(*args, **kwargs)
    finally:
        active.discard(func)


_dispatching = threading.local()
_ARRAY_TYPES = (_core.ndarray, onp.ndarray)
_PROCEED = object()  # (like_dispatch: no other library's like= array, the function runs)


def like_dispatch(name, like, args, kwargs):
    """NEP 35's ``like=`` of a creation function `name` (not None): _PROCEED for an arrax or
    NumPy array (the function makes an arrax array), else like's __array_function__ gets
    NumPy's function with the other arguments, as NumPy hands it; NumPy's TypeErrors for an
    object without that protocol and for NotImplemented."""
    method = getattr(type(like), "__array_function__", None)
    if method is None:
        raise TypeError(
            f"{name}: The `like` argument must be an array-like that implements the "
            "`__array_function__` protocol."
        )
    if method is _core.ndarray.__array_function__ or method is onp.ndarray.__array_function__:
        return _PROCEED
    func = getattr(onp, name)
    result = method(like, func, (type(like),), args, kwargs)
    if result is NotImplemented:
        raise TypeError(
            f"{name}: no implementation found for 'numpy.{name}' on types that implement "
            f"__array_function__: [{type(like)}]"
        )
    return result


def with_like(fn, name):
    """Creation function fn taking NEP 35's ``like=`` (like_dispatch) instead of ignoring it."""

    @functools.wraps(fn)
    def call(*args, like=None, **kwargs):
        if like is not None:
            result = like_dispatch(name, like, args, kwargs)
            if result is not _PROCEED:
                return result
        return fn(*args, **kwargs)

    return call


def _array_namespace(self, /, *, api_version=None):
    if api_version not in (None, "2021.12", "2022.12", "2023.12"):
        raise ValueError(f"unsupported Array API version {api_version!r}")
    return _anp()


def _dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    if self._is_tracer:
        raise TypeError("__dlpack__: a traced array has no memory to share")
    # (the capsule is of the host array, device (1, 0) as __dlpack_device__ says: NumPy's
    # __dlpack__ checks stream and dl_device, RuntimeError and BufferError)
    kw = {}
    if stream is not None:
        kw["stream"] = stream
    if max_version is not None:
        kw["max_version"] = max_version
    if dl_device is not None:
        kw["dl_device"] = dl_device
    if copy is not None:
        kw["copy"] = copy
    return onp.asarray(self).__dlpack__(**kw)


def _dlpack_device(self):
    return (1, 0)  # kDLCPU, device 0


def install(ndarray):
    ndarray.__array_ufunc__ = _array_ufunc
    ndarray.__array_function__ = _array_function
    ndarray.__array_namespace__ = _array_namespace
    ndarray.__dlpack__ = _dlpack
    ndarray.__dlpack_device__ = _dlpack_device
