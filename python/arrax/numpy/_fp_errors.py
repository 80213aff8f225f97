"""NumPy's floating-point error reporting (numpy.errstate / seterr) for arrax's eager ufunc
calls and array operators on the CPU.

The C++ bindings (python/src/fp_errors.cpp) clear the CPU's floating-point exception flags
before a ufunc call or operator and call report() when one was raised. A flag alone is not
trusted: arrax's vectorized kernels may raise one computing a value they then discard (an
intermediate overflow in tanh, a signalling compare with a NaN), where NumPy's loops raise
none. So a kind is reported only when the values show it: a NaN result where no input was NaN
(invalid), an infinite one where every input was finite (divide, overflow). Integer division
by zero, and MIN // -1, raise the flags in arrax's integer kernels; those are trusted.

Calls made by arrax's own Python code are not reported: its composites are not NumPy's, and
their warnings would not be NumPy's either. Under jit nothing is reported, as in JAX."""

import sys
import threading
import warnings

import numpy as onp

from arrax import _core

# NumPy's kinds, in NumPy's order, with their flag bits and message texts.
_KINDS = (
    ("divide", 1, "divide by zero"),
    ("over", 2, "overflow"),
    ("under", 4, "underflow"),
    ("invalid", 8, "invalid value"),
)
# The ufuncs whose integer loops raise flags (the division family).
_INTEGER_DIVISIONS = {"floor_divide", "remainder", "fmod", "divmod"}


# Kinds raised by the ufunc calls arrax's own code made (not reported), per thread: a ufunc
# method composed in Python (reduce, accumulate) reports them as NumPy's loop would.
_internal = threading.local()


def _arrax_module(name):
    """Whether module `name` is arrax's own (its calls are arrax's, not the program's)."""
    return name == "arrax" or name.startswith("arrax.")


def report(name, kinds, inputs, nin, result, where):
    """Acts on the raised kinds (bits as _KINDS) of ufunc `name`'s call, computed from
    inputs[:nin] (None: overwritten by an in-place operator) under `where` (None for all)."""
    caller = sys._getframe(1).f_globals.get("__name__", "")
    if _arrax_module(caller):
        _internal.kinds = getattr(_internal, "kinds", 0) | kinds
        return
    _report(name, kinds, inputs, nin, result, where)


def _report(name, kinds, inputs, nin, result, where, stacklevel=5):
    if name == "nextafter":  # (an overflow is x's step from finite to infinite, toward any y)
        nin = 1
    results = [r for r in (result if isinstance(result, tuple) else (result,))
               if isinstance(r, _core.ndarray)]  # fmt: skip
    if not results or any(r._is_tracer or r.device.platform != "cpu" for r in results):
        return
    both = kinds & 3 == 3  # divide and overflow: an overflow needs a result of nonzero inputs
    numpy_name = getattr(getattr(onp, name, None), "__name__", name)  # (true_divide: "divide")
    _act_on_shown(
        kinds,
        numpy_name,
        lambda kind: _shown(kind, name, results, inputs, nin, where, both),
        stacklevel,
    )


def watched_call(ufunc, inputs, kwargs, name, nin):
    """ufunc(*inputs, **kwargs), arrax's ufunc called for NumPy's `name` (NEP 13's __array_ufunc__:
    ``np.multiply(x, y)`` of NumPy's ufunc, a NumPy scalar's operator, ``np.float16(1e-4) * x``),
    with NumPy's reporting: the call is the user's, though arrax's code makes it."""
    saved, _internal.kinds = getattr(_internal, "kinds", 0), 0
    try:
        result = ufunc(*inputs, **kwargs)
        kinds = _internal.kinds
    finally:
        _internal.kinds = saved
    if kinds:
        caller = sys._getframe(2).f_globals.get("__name__", "")  # (who called NumPy's ufunc)
        if _arrax_module(caller):
            _internal.kinds |= kinds
        else:
            _report(name, kinds, inputs, nin, result, kwargs.get("where"), 6)
    return result


def watched_method(method, ufunc, fn, args, kwargs):
    """fn(ufunc, *args, **kwargs), ufunc.reduce or .accumulate composed in Python, with NumPy's
    reporting: "divide by zero encountered in reduce" when the values show it (a NaN result
    from an input without NaNs, an infinite one from finite inputs; integer divisions
    trusted)."""
    _internal.kinds = 0
    _core._fp_watch_start()
    result = fn(ufunc, *args, **kwargs)
    kinds = _core._fp_watch_kinds() | _internal.kinds
    _internal.kinds = 0
    if not kinds or not args:
        return result
    if isinstance(result, _core.ndarray) and not result._is_tracer:
        if result.device.platform == "cpu":
            _act_on_shown(kinds, method, lambda kind: _shown(kind, ufunc.__name__, [result],
                          args[:1], 1, None, elementwise=False), stacklevel=5)  # fmt: skip
    return result


def watched_at(ufunc, fn, args, kwargs):
    """fn(ufunc, *args, **kwargs), ufunc.at, with NumPy's reporting: the kinds its updates
    raised, when an updated value shows them (an infinite one where no operand held one, a NaN
    where none held a NaN), named as NumPy names them ("overflow encountered in multiply";
    a unary ufunc's "... in at"). Calls from arrax's own code are not reported."""
    caller = sys._getframe(2).f_globals.get("__name__", "")
    _core._fp_watch_start()
    result = fn(ufunc, *args, **kwargs)
    kinds = _core._fp_watch_kinds()
    if not kinds or not args or _arrax_module(caller):
        return result
    target = args[0] if result is None else result
    if isinstance(target, _core.ndarray) and not target._is_tracer:
        if target.device.platform == "cpu":
            operands = [x for x in args[2:3] if x is not None]
            where = ufunc.__name__ if ufunc.nin == 2 else "at"
            _act_on_shown(kinds, where, lambda kind: _shown(kind, ufunc.__name__, [target],
                          operands, len(operands), None, elementwise=False), stacklevel=5)  # fmt: skip
    return result


def _act_on_shown(kinds, where_name, shown, stacklevel=4):
    """NumPy's action for each raised kind its errstate does not ignore and shown(kind) holds,
    in NumPy's order ("divide by zero encountered in log")."""
    modes = onp.geterr()
    for kind, bit, text in _KINDS:
        if kinds & bit and modes[kind] != "ignore" and shown(kind):
            _act(modes[kind], f"{text} encountered in {where_name}", text, kinds, stacklevel)


def _host(x):
    try:
        return onp.asarray(x)
    except Exception:  # (bfloat16 and other types NumPy lacks: not checked)
        return None


def _shown(kind, name, results, inputs, nin, where, with_divide=False, elementwise=True):
    """Whether the values show `kind`: see the module's docstring. With the divide flag raised
    too, an overflow counts only at a result none of whose inputs is zero (log(0) is -inf by a
    division by zero; a kernel may also raise overflow computing it). Not elementwise (a
    reduction's result): shown only when no input item at all was NaN (or not finite)."""
    if kind == "under":
        return True
    with onp.errstate(all="ignore"):
        for r in results:
            out = _host(r)
            if out is None:
                continue
            if out.dtype.kind not in "fc":
                if kind in ("divide", "over") and name in _INTEGER_DIVISIONS:
                    return True
                continue
            bad = onp.isnan(out) if kind == "invalid" else onp.isinf(out)
            if where is not None and where is not True:
                mask = _host(where)
                bad = bad & onp.broadcast_to(mask, bad.shape) if mask is not None else bad
            if not bad.any():
                continue
            if inputs is None:
                return True
            for x in list(inputs)[:nin]:
                h = _host(x)
                if h is None or h.dtype.kind not in "fc":
                    continue
                prior = onp.isnan(h) if kind == "invalid" else ~onp.isfinite(h)
                if kind == "over" and with_divide:
                    prior = prior | (h == 0)
                if not prior.any():  # (NumPy's broadcasting of a mask is slow: only when needed)
                    continue
                if not elementwise:
                    return False
                bad &= ~prior
            if bad.any():
                return True
    return False


def _act(mode, message, text, kinds, stacklevel=3):
    """NumPy's actions: warn, raise, call the errcall function, print, or write to its log."""
    if mode == "warn":
        warnings.warn(message, RuntimeWarning, stacklevel=stacklevel)
    elif mode == "raise":
        raise FloatingPointError(message)
    elif mode == "call":
        onp.geterrcall()(text, kinds)
    elif mode == "print":
        print(f"Warning: {message}", file=sys.stderr)
    elif mode == "log":
        onp.geterrcall().write(f"Warning: {message}\n")


# arrax's frames between a program's x.astype(...) or np.astype(x, ...) and the cast
_CAST_WRAPPERS = {
    ("arrax.numpy._fp_errors", "report_cast"),
    ("arrax.numpy._ndarray_methods", "_report_cast"),
    ("arrax.numpy._ndarray_methods", "_discarding_imaginary"),
    ("arrax.numpy._ndarray_methods", "astype"),
    ("arrax.numpy._host_fallback", "astype_or_numpy"),
    ("arrax.numpy._host_fallback", "call"),
    ("arrax.numpy._math", "astype"),
}


def user_depth(wrappers=_CAST_WRAPPERS, internal_too=False):
    """How many frames up from the caller of user_depth the first frame past arrax's
    `wrappers` (module, function) is (1: the caller); None when that frame is arrax's own code
    (a cast arrax makes is not reported), unless internal_too."""
    frame, depth = sys._getframe(1), 1
    while frame is not None and (frame.f_globals.get("__name__"), frame.f_code.co_name) in wrappers:
        frame, depth = frame.f_back, depth + 1
    caller = frame.f_globals.get("__name__", "") if frame is not None else ""
    if not internal_too and _arrax_module(caller):
        return None
    return depth


# (an assignment's frames: the report itself, and fill, which assigns for its caller)
_ASSIGNMENT_WRAPPERS = _CAST_WRAPPERS | {
    ("arrax.numpy._fp_errors", "report_assignment"),
    ("arrax.numpy._ndarray_methods", "fill"),
}


def report_assignment(kinds):
    """NumPy's reporting of the cast an assignment made (``a[0] = 1e300`` into float32:
    "overflow encountered in cast"; NaN into an integer array: "invalid value ..."), kinds as
    report_cast's. Assignments arrax's own code makes are not reported."""
    depth = user_depth(_ASSIGNMENT_WRAPPERS)
    if depth is not None:
        _act_on_shown(kinds, "cast", lambda kind: True, stacklevel=depth + 2)


def report_cast(x, r, kinds):
    """NumPy's reporting of x.astype's cast to r (eager, on the CPU): the flags the cast
    raised (kinds, bits as _KINDS; arrax's cast loops raise them as NumPy's x86 loops do:
    invalid for NaN, infinities and values past int32/int64 to an integer type, overflow and
    underflow past a narrower float's range), acted on as NumPy's errstate says. Casts that
    arrax's own code makes are not reported, as for the ufuncs."""
    if x._is_tracer or r._is_tracer or not _core._array_device(x).startswith("cpu"):
        return
    depth = user_depth()
    if depth is not None:
        # (warnings.warn's level 1 is _act's frame, 3 report_cast's, depth - 1 frames above it)
        _act_on_shown(kinds, "cast", lambda kind: True, stacklevel=depth + 2)
