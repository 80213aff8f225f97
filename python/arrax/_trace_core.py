"""What the Python interpreters (JVP in _ad.py, batching in _batching.py) share.

Each transformation in progress is a ``Trace``: it owns a ``_core.TraceContext`` (the
engine's handle, with a level above every earlier one) and makes tracers that are ordinary
arrax arrays, so arrax.numpy works on them. ``bind`` in the engine routes a primitive that
touches them to ``Trace.process``.
"""

import functools
import threading

import numpy as onp

from arrax import _core

_active = {}  # level -> Trace, for the transformations in progress
_staging = threading.local()  # .anchors: per staging trace being built, a tracer of it or None


def stage(fun, avals, origin="", dynamic=False):
    """``_core._trace(fun, avals, origin, dynamic)``, remembering one of the trace's argument
    tracers while ``fun`` runs (see :func:`staging_anchor`)."""

    def anchored(*tracers):
        anchors = _staging.__dict__.setdefault("anchors", [])
        origins = _staging.__dict__.setdefault("origins", [])
        anchors.append(next((t for t in tracers if isinstance(t, _core.ndarray)), None))
        origins.append(origin)
        try:
            return fun(*tracers)
        finally:
            anchors.pop()
            origins.pop()

    return _core._trace(anchored, avals, origin, dynamic)


def staging_anchor():
    """A tracer of the innermost staging trace (jit, a control-flow body, make_ir, eval_shape)
    being built, or None outside one (or when it has no array argument). An effect (a debug
    callback) whose operands are all concrete binds it as an extra operand so that it is staged
    into that trace, as JAX stages every effect, rather than run once while tracing."""
    anchors = getattr(_staging, "anchors", None)
    return anchors[-1] if anchors else None


def staging_origins():
    """The origins (as given to :func:`stage`) of the staging traces being built, outermost
    first: empty outside jit, control-flow bodies, make_ir and eval_shape."""
    return list(getattr(_staging, "origins", ()))


def check_callable(fun, name):
    """JAX's check that a transformed function is callable (jit(3) is a TypeError at once)."""
    if not callable(fun):
        raise TypeError(f"{name}: Expected a callable value, got {fun!r}")


def describe(fun, what):
    """'what(name) at file:line' for error messages about tracers made while transforming fun."""
    fun = getattr(fun, "__wrapped__", fun)
    while isinstance(fun, functools.partial):  # its repr would print the bound (traced) arguments
        fun = fun.func
    name = getattr(fun, "__qualname__", None) or getattr(fun, "__name__", None)
    if name is None:
        name = type(fun).__name__
    code = getattr(fun, "__code__", None)
    where = f" at {code.co_filename}:{code.co_firstlineno}" if code is not None else ""
    return f"made by {what}({name}){where}"


_numpy_module = None


def numpy_module():
    """The arrax.numpy module, imported on first use and then kept: modules it imports (lax,
    arrax.numpy's own) cannot import it at their top, and a function-level import on every
    call cost a few tenths of a microsecond per call."""
    global _numpy_module
    if _numpy_module is None:
        from arrax import numpy

        _numpy_module = numpy
    return _numpy_module


class Trace:
    def __init__(self, origin=""):
        self.ctx = _core.TraceContext(self, origin)
        self.level = self.ctx.level
        _active[self.level] = self

    def new_tracer(self, payload, shape, dtype, weak=False):
        return self.ctx.new_tracer(payload, tuple(shape), dtype, weak)

    def payload(self, x):
        """The payload of x if it is one of this trace's tracers, else None."""
        return self.ctx.payload(x) if isinstance(x, _core.ndarray) else None

    def concrete(self, payload):
        """The concrete value behind a tracer's payload, or None when it has none."""
        return None

    def finish(self):
        """Ends the trace: its tracers used later raise a leaked-tracer error."""
        _active.pop(self.level, None)
        self.ctx.finish()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.finish()
        return False


def top_trace(leaves):
    """The Python trace of the highest-level tracer among leaves, or None when the highest is
    not a Python trace's (a concrete value, or a jit's staging tracer), or when it is below a
    control-flow body being staged (which stages what it computes, as the engine's bind does)."""
    best, level = None, 0
    for x in leaves:
        if isinstance(x, _core.ndarray) and x._is_tracer:
            lv = _core.trace_level(x)
            if lv > level:
                best, level = _active.get(lv), lv
    return best if level >= _core.dynamic_level() else None


def any_tracer(*xs):
    """Whether any of xs (or of the items of a list or tuple among them) is a traced array."""
    for x in xs:
        if isinstance(x, (list, tuple)):
            if any_tracer(*x):
                return True
        elif isinstance(x, _core.ndarray) and x._is_tracer:
            return True
    return False


def knows_values(*xs):
    """Whether every x is concrete or a traced array that still knows its value (grad's JVP
    tracers do; jit's staged values and vmap's batched ones do not)."""
    try:
        for x in xs:
            onp.asarray(x)
    except TypeError:  # (arrax.errors' Tracer*ConversionError classes are TypeErrors)
        return False
    return True


def asarray(x):
    if isinstance(x, _core.ndarray):
        return x
    try:
        return _core.asarray(x, None, None)
    except ValueError:
        r = from_array_method(x)
        if r is None:
            raise
        return r


def from_array_method(x):
    """x.__array__() when it gives an arrax array (a class written against arrax.numpy, whose
    __array__ returns np.array(...)), else None. NumPy's asarray, which the engine asks for
    other objects, refuses anything but a NumPy array from __array__."""
    if isinstance(x, (onp.ndarray, onp.generic)) or not hasattr(type(x), "__array__"):
        return None
    r = x.__array__()
    return r if isinstance(r, _core.ndarray) else None


def is_inexact(dtype):
    """Floating or complex, bfloat16 included (NumPy files ml_dtypes' bfloat16 under kind 'V')."""
    dt = onp.dtype(dtype)
    return dt.kind in "fc" or dt.name == "bfloat16"


def aval_of(x):
    x = asarray(x)
    return (tuple(x.shape), x.dtype, False)
