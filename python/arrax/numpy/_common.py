"""Helpers shared by the Python-composed arrax.numpy modules."""

import numpy as onp

from arrax import _core
from arrax._trace_core import asarray as _arr  # noqa: F401 (a as an arrax array, no copy)
from arrax._trace_core import is_inexact
from arrax._trace_core import numpy_module as _np  # noqa: E402 (arrax.numpy, imported late)
from arrax.numpy._host_fallback import host_only_dtype


def _loop_float_dtype(x):
    """The float dtype of NumPy's ufunc loop for x: x's own if inexact, else the smallest float
    that holds its values (bool and 8-bit ints float16, 16-bit ints float32, others float64)."""
    return x.dtype if is_inexact(x.dtype) else _np().result_type(x.dtype, onp.float16)


def axes_last(a, axis):
    """a with the axes `axis` names (None: all) merged into one last axis, the others first in
    their order; and the shape a reduction over those axes keeps with keepdims. AxisError for a
    bad axis."""
    np = _np()
    axes = tuple(range(a.ndim)) if axis is None else (axis,) if isinstance(axis, int) else axis
    axes = onp.lib.array_utils.normalize_axis_tuple(tuple(axes), a.ndim)
    rest = [d for d in range(a.ndim) if d not in axes]
    n = int(onp.prod([a.shape[d] for d in axes]))  # (not -1: the kept dims may be empty)
    x = np.transpose(a, rest + list(axes)).reshape(tuple(a.shape[d] for d in rest) + (n,))
    return x, tuple(1 if d in axes else a.shape[d] for d in range(a.ndim))


def warn_where(flag, message, of=None):
    """NumPy's RuntimeWarning of its nan-functions and means (an all-NaN or empty slice) when
    `flag` (a bool, or a boolean array read back) holds anywhere. Under a transformation (a
    traced flag, or a traced array `of` whose reduction it describes) nothing warns, as in
    JAX."""
    if isinstance(of, _core.ndarray) and of._is_tracer:
        return
    if isinstance(flag, _core.ndarray):
        if flag._is_tracer:
            return
        flag = bool(onp.any(onp.asarray(flag)))
    if flag:
        import warnings

        warnings.warn(message, RuntimeWarning, stacklevel=3)


def _float_dtype(*arrays):
    """The inexact dtype NumPy computes in for these arrays (ints promote to float64)."""
    dt = _np().result_type(*[a.dtype for a in arrays])
    return dt if is_inexact(dt) else _np().result_type(dt, onp.float64)


def complex_from_parts(re, im, dtype=onp.complex128):
    """re + i*im with each part kept as it is, signed zeros too (re + 1j*im would turn an
    infinite imaginary part into a NaN real part, inf * 0, and -0.0 parts into +0.0): computed
    as (re - 0j) - (0 - i*im), whose parts are re - 0 and -0 + im, exact for every value."""
    np = _np()
    rdt = onp.finfo(dtype).dtype
    re, im = _arr(re).astype(rdt), _arr(im).astype(rdt)
    minus_inf, plus_inf, nan = complex(0, -onp.inf), complex(0, onp.inf), complex(0, onp.nan)
    special = np.where(np.isnan(im), nan, np.where(im > 0, minus_inf, plus_inf)).astype(dtype)
    finite = np.isfinite(im)
    # (+0, -im): conj((-im) + 0j) is (-im, -0), and times 1j its real part is +0 and its
    # imaginary part -im + -0, exactly -im
    neg_im = np.negative(np.where(finite, im, 0)).astype(dtype)
    c = np.where(finite, np.conjugate(neg_im) * onp.asarray(1j, dtype), special)
    return np.conjugate(re.astype(dtype)) - c


def host_arrays(name, *xs):
    """NumPy views (no copies) of the arrays a function needs the values of, for the functions
    that run on concrete arrays only; TypeError for traced ones. Python scalars stay as they are,
    so NumPy promotes them as weak scalars (union1d(float32 array, 1.5) is float32)."""
    arrays = [_arr(x) for x in xs]
    if any(a._is_tracer for a in arrays):
        raise TypeError(
            f"{name}: needs the values of its arrays, which traced ones (under jit or vmap) "
            "do not have"
        )
    return [
        x if isinstance(x, (bool, int, float, complex)) else onp.asarray(a)
        for x, a in zip(xs, arrays)
    ]


def from_numpy(x):
    """NumPy results as arrax arrays (zero-copy), through tuples and lists; other values (and
    arrays of strings, objects, dates or records, which arrax does not hold) as they are."""
    if isinstance(x, onp.ndarray) and not host_only_dtype(x.dtype):
        return _core.asarray(x, None, None)
    if isinstance(x, tuple):
        return tuple(from_numpy(e) for e in x)
    if isinstance(x, list):
        return [from_numpy(e) for e in x]
    return x


def _store_one(fname, result, out, casting):
    if out is None:
        return result
    result = _arr(result)
    if isinstance(out, onp.ndarray):  # NumPy's own array: written on the host
        if out.shape != result.shape:
            raise ValueError(
                f"{fname}: output array has wrong shape {out.shape}, expected {result.shape}"
            )
        onp.copyto(out, onp.asarray(result), casting=casting)
        return out
    if not isinstance(out, _core.ndarray):
        raise TypeError(f"{fname}: out must be an arrax.numpy.ndarray, got {type(out).__name__}")
    if out.shape != result.shape:
        raise ValueError(
            f"{fname}: output array has wrong shape {out.shape}, expected {result.shape}"
        )
    if not _core.can_cast(result.dtype, out.dtype, casting):
        raise TypeError(
            f"{fname}: Cannot cast output from {result.dtype!r} to {out.dtype!r} with casting "
            f"rule {casting!r}"
        )
    out[...] = result
    return out


def store_out(fname, result, out, casting="unsafe"):
    """NumPy's out=: the result written into `out` (an array of the result's shape, or a tuple
    with one array per result; None entries are skipped) and `out` returned; the result itself
    when out is None. The write is cast under `casting` ('same_kind' for ufunc-like functions,
    as NumPy; 'unsafe' for the others)."""
    if out is None:
        return result
    if isinstance(result, tuple):
        outs = out if isinstance(out, tuple) else (out,)
        if len(outs) != len(result):
            raise ValueError(f"{fname}: out must be a tuple of {len(result)} arrays")
        return tuple(_store_one(fname, r, o, casting) for r, o in zip(result, outs))
    if isinstance(out, tuple):
        if len(out) != 1:
            raise ValueError(f"{fname}: out must be one array, got a tuple of {len(out)}")
        out = out[0]
    return _store_one(fname, result, out, casting)


def takes_out(casting="unsafe", nin=None, broadcast=False):
    """Decorator: the function honours NumPy's out= (positional where its signature has it
    there, or after `nin` inputs for the ufunc-like functions, else keyword-only), computing
    without it and writing the result through store_out. The functions compute functionally
    (arrax arrays are values), so this one wrapper is how each fills a caller's buffer. With
    `broadcast`, an out of a shape the result broadcasts to takes it broadcast (as NumPy's
    functions that write out= through a ufunc: quantile, percentile)."""
    import functools
    import inspect

    def deco(fn):
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        names = [p.name for p in params]
        pos = None
        if "out" in names:
            p = sig.parameters["out"]
            if p.kind is p.POSITIONAL_OR_KEYWORD:
                pos = names.index("out")
        else:
            kw = inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None)
            tail = [p for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
            head = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]
            sig = sig.replace(parameters=head + [kw] + tail)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if nin is not None and len(args) > nin:  # a ufunc's outputs after its inputs
                extra, args = args[nin:], args[:nin]
                kwargs["out"] = extra if len(extra) > 1 else extra[0]
            if pos is not None and len(args) > pos:
                out = args[pos]
                args = args[:pos] + (None,) + args[pos + 1 :]
            else:
                out = kwargs.pop("out", None)
            result = fn(*args, **kwargs)
            if broadcast and out is not None and isinstance(result, _core.ndarray):
                shape = getattr(out, "shape", None)
                if shape is not None and shape != result.shape:
                    try:
                        ok = onp.broadcast_shapes(result.shape, shape) == tuple(shape)
                    except ValueError:
                        ok = False
                    if ok:
                        result = _np().broadcast_to(result, shape)
            return store_out(fn.__name__, result, out, casting)

        wrapper.__signature__ = sig
        return wrapper

    return deco


def _stride_order(proto, ndim):
    """The axes of array proto from the largest stride to the smallest (NumPy's order='K'
    layout), when that is neither C's nor Fortran's order; else None."""
    flags = getattr(proto, "flags", None)
    strides = getattr(proto, "strides", None)
    if flags is None or strides is None or len(strides) != ndim:
        return None
    if flags.c_contiguous or flags.f_contiguous:
        return None
    shape = proto.shape
    # (axes of length 1 have any stride: they keep their place among the others)
    perm = sorted(range(ndim), key=lambda i: -abs(strides[i]) if shape[i] > 1 else 0)
    if perm == list(range(ndim)) or perm == list(range(ndim))[::-1]:
        return None
    return perm


def _fortran_ordered(a):
    """Whether a's strides grow from its first axis to its last (Fortran's order), contiguous
    or not (axes of length 1 aside)."""
    strides, shape = getattr(a, "strides", None), getattr(a, "shape", ())
    if strides is None or len(shape) < 2 or len(strides) != len(shape):
        return False
    dims = [abs(s) for s, n in zip(strides, shape) if n > 1]
    return len(dims) > 1 and all(u < v for u, v in zip(dims, dims[1:]))


# Prototypes without a layout of their own (no strides or flags): with_layout's 'K' and 'A'
# orders make C order from them.
_NO_LAYOUT = frozenset([list, tuple, int, float, complex, bool, range])


def with_layout(fname, x, order, proto=None):
    """x in the memory order NumPy's ``order=`` asks for: 'C' or 'F' that layout, 'A' or 'K'
    Fortran when ``proto`` (the array the result is made from or like) is Fortran- and not
    C-contiguous, else C. Only the layout changes (a copy when needed), never the values:
    code that hands arrays on by their strides or flags (tobytes(order='A'), ravel('K'),
    extension modules) sees what it would under NumPy."""
    if order is None:
        return x
    # (the common case, kept quick: a C-contiguous array asked for in C order, or in 'K'/'A'
    # order without a prototype or with one that has no layout of its own (a list, a Python
    # scalar), which the checks below also make C order: x itself)
    if type(x) is _core.ndarray and (
        order == "C" or ((order == "K" or order == "A") and (proto is None or type(proto) in _NO_LAYOUT))
    ):  # fmt: skip
        if x._c_contiguous:
            return x
    if not isinstance(order, str):  # (NumPy's TypeError)
        raise TypeError(f"{fname}: order must be str, not {type(order).__name__}")
    o = order.upper()
    if o not in ("C", "F", "A", "K"):
        raise ValueError(f"{fname}: order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if not isinstance(x, _core.ndarray) or x._is_tracer or x.ndim < 2:
        return x  # (one dimension or none: C- and Fortran-contiguous alike)
    if o == "K" and proto is not None:
        perm = _stride_order(proto, x.ndim)
        if perm is not None and _stride_order(x, x.ndim) == perm:
            return x  # (already in the prototype's order: a cast that kept it)
        if perm is not None:  # (neither C nor Fortran order: the prototype's own)
            inverse = [0] * len(perm)
            for i, axis in enumerate(perm):
                inverse[axis] = i
            return _core._astype(x.transpose(perm), x.dtype, True).transpose(inverse)
    if o in ("A", "K"):
        p = x if proto is None else proto
        flags = getattr(p, "flags", None)
        fortran = bool(flags is not None and getattr(p, "ndim", 0) >= 2 and flags.f_contiguous
                       and not flags.c_contiguous)  # fmt: skip
        if o == "K" and not fortran and proto is not None:
            fortran = _fortran_ordered(proto)  # (a strided Fortran array: K keeps its order)
        o = "F" if fortran else "C"
    if o == "F" and not x.flags.f_contiguous:
        return x.T.copy().T  # the transpose of a C-contiguous copy of the transpose
    if o == "C" and not x.flags.c_contiguous:
        return _core._astype(x, x.dtype, True)
    return x
