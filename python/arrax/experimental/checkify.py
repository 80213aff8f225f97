"""``arrax.experimental.checkify`` (``jax.experimental.checkify``): run-time checks as values.

``check(pred, msg, *fmt_args, **fmt_kwargs)`` asserts a predicate. Inside a function
transformed by ``checkify(f)`` a check does not raise: the checkified function returns
``(error, out)``, where ``error`` is an :class:`Error` (a pytree, so it can leave ``jit`` and
``vmap``) recording the first failed check and the values of its format arguments. Outside
``checkify`` a failing check raises :class:`JaxRuntimeError` at once (eagerly, also under
``vmap`` and ``grad``); staged under ``jit`` it raises the same ``ValueError`` as JAX.

How it works: ``checkify(f)`` calls ``f`` with a *frame* on a stack; each ``check`` made while
the frame is the innermost one folds its predicate and payload into the frame's error with
arrax operations, so the error is computed by whatever transformation is running
``checkify(f)`` (jit, vmap, grad). A check made under a transformation started *inside* ``f``
is brought down to the frame's level first: under ``grad``/``jvp`` its primal values are
checked; under ``vmap`` the batch is reduced to one failing element (the last one, as JAX's
batched ``check`` does). Checks staged inside ``arrax.jit`` or ``lax.cond``/``while_loop``/
``scan`` bodies *within* ``f`` cannot be brought out and raise ``NotImplementedError``; jit the
checkified function instead (``checkify(arrax.jit(f))`` is rewritten to
``arrax.jit(checkify(f))``). Only ``user_checks`` are supported: the automatic categories
(NaN, division by zero, out-of-bounds indexing) raise ``NotImplementedError``.

Differences from JAX: ``{!r}`` in a message gives arrax's (NumPy-style) repr of the value;
an Error flattens to different leaves than JAX's; a ``debug_check`` inside an ``arrax.jit``
function traced before (outside checkify) is not re-run by a later checkify.
"""

import itertools

import numpy as onp

from arrax import _core, tree_util
from arrax._batching import BatchTrace
from arrax._jit import JitFunction, jit
from arrax._trace_core import Trace, _active, staging_origins

__all__ = [
    "DivisionByZeroError",
    "Error",
    "ErrorCategory",
    "FailedCheckError",
    "JaxException",
    "JaxRuntimeError",
    "NaNError",
    "OOBError",
    "all_checks",
    "automatic_checks",
    "check",
    "check_error",
    "checkify",
    "debug_check",
    "div_checks",
    "float_checks",
    "index_checks",
    "init_error",
    "nan_checks",
    "user_checks",
]


def _jnp():
    import arrax.numpy as jnp  # (imported late: arrax.experimental loads with arrax)

    return jnp


# --------------------------------------------------------------------------------------
# exceptions and error categories
# --------------------------------------------------------------------------------------


class JaxRuntimeError(ValueError):
    """Raised by a failed check outside checkify, by ``Error.throw`` and ``check_error``."""


class JaxException(Exception):
    """Base of the error categories; an instance describes one failed check."""


class FailedCheckError(JaxException):
    """A user ``check`` whose predicate was False (category ``user_checks``)."""

    def __init__(self, fmt_string, *args, **kwargs):
        super().__init__(fmt_string)
        self.fmt_string = fmt_string
        self.args = args
        self.kwargs = kwargs

    def __str__(self):
        return self.fmt_string.format(*self.args, **self.kwargs) + " (`check` failed)"


class NaNError(JaxException):
    """Category ``nan_checks`` (not supported by arrax's checkify)."""


class DivisionByZeroError(JaxException):
    """Category ``div_checks`` (not supported by arrax's checkify)."""


class OOBError(JaxException):
    """Category ``index_checks`` (not supported by arrax's checkify)."""


class BatchedError(JaxException):
    """The errors of a vmapped checkified function, by mapped index."""

    def __init__(self, error_mapping):
        super().__init__()
        self.error_mapping = error_mapping

    def __str__(self):
        return "\n".join(
            f"at mapped index {', '.join(map(str, idx))}: {e}"
            for idx, e in self.error_mapping.items()
        )


ErrorCategory = type  # (JAX: type[JaxException])

user_checks = frozenset({FailedCheckError})
nan_checks = frozenset({NaNError})
index_checks = frozenset({OOBError})
div_checks = frozenset({DivisionByZeroError})
float_checks = nan_checks | div_checks
automatic_checks = float_checks | index_checks
all_checks = automatic_checks | user_checks

_FUNCTIONALIZATION = (
    "Cannot abstractly evaluate a checkify.check which was not functionalized. This "
    "probably means you tried to stage (jit/scan/pmap/...) a `check` without functionalizing "
    "it through `checkify.checkify`."
)

# --------------------------------------------------------------------------------------
# the Error value
# --------------------------------------------------------------------------------------

_next_code = itertools.count(1).__next__  # a unique code per check made


def _effect(payload):
    """The slot a check's error goes to: checks with payloads of the same shapes and dtypes
    share one (as JAX's error effects), and each slot keeps its first failure."""
    return tuple((tuple(int(d) for d in x.shape), onp.dtype(x.dtype).str) for x in payload)


class Error:
    """The checks' outcome (``jax.experimental.checkify.Error``): ``get()`` gives the message
    of the first failed check or None, ``throw()`` raises it as a JaxRuntimeError.

    For each effect (payload signature) it holds whether a check failed (``_pred``), the
    failing check's code (``_code``) and its format arguments (``_payload``); ``_metadata``
    maps each code to the check's message and the format arguments' tree structure."""

    __slots__ = ("_pred", "_code", "_payload", "_metadata")

    def __init__(self, pred, code, metadata, payload):
        self._pred, self._code = dict(pred), dict(code)
        self._metadata, self._payload = dict(metadata), dict(payload)

    def get(self):
        """The error message if a check failed, else None."""
        exc = self.get_exception()
        return None if exc is None else str(exc)

    def get_exception(self):
        """The failed check as an exception (FailedCheckError, or a BatchedError for the
        error of a vmapped function), or None."""
        if not self._pred:
            return None
        preds = {k: onp.asarray(v) for k, v in self._pred.items()}
        codes = {k: onp.asarray(v) for k, v in self._code.items()}
        shape = next(iter(preds.values())).shape
        if not shape:
            return self._exception_at(preds, codes, ())
        mapping = {}
        for idx in onp.ndindex(*shape):
            exc = self._exception_at(preds, codes, idx)
            if exc is not None:
                mapping[idx] = exc
        return BatchedError(mapping) if mapping else None

    def _exception_at(self, preds, codes, idx):
        best = None
        for k, p in preds.items():
            if p[idx] and (best is None or codes[k][idx] < codes[best][idx]):
                best = k
        if best is None:
            return None
        msg, treedef = self._metadata[int(codes[best][idx])]
        values = [_jnp().asarray(onp.asarray(x)[idx]) for x in self._payload[best]]
        args, kwargs = tree_util.tree_unflatten(treedef, values)
        return FailedCheckError(msg, *args, **kwargs)

    def throw(self):
        """Raises JaxRuntimeError if a check failed (the error of a vmapped function
        reports one failing element, as JAX does)."""
        _raise_if_failed(_reduce_batch(self) if _batch_shape(self) else self)

    def __str__(self):
        return f"Error({self.get()})"

    __repr__ = __str__

    def _with(self, key, fail, code, payload):
        """This error with one more check in slot ``key``: the slot keeps its first failure."""
        jnp = _jnp()
        old = self._pred.get(key)
        if old is None:
            pred, new_code, new_payload = fail, jnp.asarray(code, dtype=jnp.int32), payload
        else:
            pred = jnp.logical_or(old, fail)
            new_code = jnp.where(old, self._code[key], jnp.asarray(code, dtype=jnp.int32))
            new_payload = [jnp.where(old, o, n) for o, n in zip(self._payload[key], payload)]
        return Error(
            {**self._pred, key: pred},
            {**self._code, key: new_code},
            self._metadata,
            {**self._payload, key: list(new_payload)},
        )

    def _merged(self, other):
        """This error followed by the checks of ``other`` (an earlier failure wins)."""
        out = Error(self._pred, self._code, {**other._metadata, **self._metadata}, self._payload)
        for key, fail in other._pred.items():
            out = out._with(key, fail, other._code[key], other._payload[key])
        return out


def _flatten_error(e):
    keys = tuple(e._pred)
    leaves = []
    for k in keys:
        leaves += [e._pred[k], e._code[k], *e._payload[k]]
    return leaves, (keys, tuple(sorted(e._metadata.items())))


def _unflatten_error(aux, leaves):
    keys, metadata = aux
    leaves = list(leaves)
    pred, code, payload = {}, {}, {}
    i = 0
    for k in keys:
        pred[k], code[k] = leaves[i], leaves[i + 1]
        n = len(k[1])  # (k: (category name, payload signature))
        payload[k] = leaves[i + 2 : i + 2 + n]
        i += 2 + n
    return Error(pred, code, dict(metadata), payload)


tree_util.register_pytree_node(Error, _flatten_error, _unflatten_error)

init_error = Error({}, {}, {}, {})  # the error of no check


def _batch_shape(error):
    for p in error._pred.values():
        return tuple(onp.shape(p))
    return ()


def _reduce_batch(error):
    """An error whose leaves carry batch dimensions in front (as many as the predicates have)
    reduced to one element per slot: the last failing one (JAX's argsort(pred)[-1])."""
    jnp = _jnp()
    out = Error({}, {}, error._metadata, {})
    for key, pred in error._pred.items():
        nb = jnp.ndim(pred)
        size = int(onp.prod(jnp.shape(pred)))

        def flat(x, nb=nb, size=size):
            return jnp.reshape(x, (size, *jnp.shape(x)[nb:]))

        p = flat(pred)
        idx = size - 1 - jnp.argmax(p[::-1])
        out._pred[key] = p[idx]
        out._code[key] = flat(error._code[key])[idx]
        out._payload[key] = [flat(x)[idx] for x in error._payload[key]]
    return out


def _raise_if_failed(error):
    exc = error.get_exception()
    if exc is not None:
        raise JaxRuntimeError(str(exc)) from exc


# --------------------------------------------------------------------------------------
# bringing an error down through the transformations started inside checkify(f)
# --------------------------------------------------------------------------------------


def _level(x):
    return _core.trace_level(x) if isinstance(x, _core.ndarray) and x._is_tracer else 0


def _current_level():
    """A level above every transformation started so far: tracers made later are higher."""
    t = Trace("checkify")
    level = t.level
    t.finish()
    return level


def _lower(error, floor, staged_error):
    """``error`` with no tracer of a transformation above level ``floor``: vmap's batches are
    reduced to one element, grad's and jvp's tracers replaced by their primal values. A
    staging tracer (jit, control flow) raises ``staged_error()``."""
    jnp = _jnp()
    while True:
        leaves, treedef = tree_util.tree_flatten(error)
        top = max((_level(x) for x in leaves), default=0)
        if top <= floor:
            return error
        trace = _active.get(top)
        if trace is None:
            raise staged_error()
        if isinstance(trace, BatchTrace):
            n = trace.axis_size
            new = []
            for x in leaves:
                p = trace.payload(x)
                if p is None or p[1] is None:
                    v = x if p is None else p[0]
                    new.append(jnp.broadcast_to(v, (n, *jnp.shape(v))))
                else:
                    new.append(jnp.moveaxis(p[0], p[1], 0))
            error = _reduce_batch(tree_util.tree_unflatten(treedef, new))
        else:
            new = []
            for x in leaves:
                p = trace.payload(x)
                v = x if p is None else trace.concrete(p)
                if v is None:
                    raise staged_error()
                new.append(v)
            error = tree_util.tree_unflatten(treedef, new)


# --------------------------------------------------------------------------------------
# checkify, check, check_error
# --------------------------------------------------------------------------------------

_frames = []  # the checkify calls in progress, innermost last


class _Frame:
    def __init__(self):
        self.error = init_error
        self.floor = _current_level()


def _nested_staged():
    return NotImplementedError(
        "checkify: a check inside arrax.jit or lax control flow (cond, switch, while_loop, "
        "fori_loop, scan) within the checkified function is not supported; checkify the "
        "function that is jitted (arrax.jit(checkify(f))) and keep checks outside loop "
        "and cond bodies"
    )


def _abstract_only(origins):
    """Whether the staging traces ``origins`` are only evaluated abstractly (eval_shape,
    make_jaxpr), never run."""
    return any(o == "eval_shape" or o.startswith("made by make_ir(") for o in origins)


def _report(error):
    """A new error: folded into the innermost checkify, else raised if it failed. A check
    staged (jit, control flow) outside checkify is JAX's functionalization ValueError whatever
    its predicate, except under eval_shape/make_jaxpr, which do not run it."""
    if _frames:
        frame = _frames[-1]
        frame.error = frame.error._merged(_lower(error, frame.floor, _nested_staged))
        return
    origins = staging_origins()
    if origins:
        if _abstract_only(origins):
            return
        raise ValueError(_FUNCTIONALIZATION)
    error = _lower(error, 0, lambda: ValueError(_FUNCTIONALIZATION))
    _raise_if_failed(error)


def checkify(f, errors=user_checks):
    """``jax.experimental.checkify.checkify``: ``f`` returning ``(error, out)``, where
    ``error`` records the first ``check`` (or ``check_error``) that failed while ``f`` ran.

    Only ``user_checks`` are supported; the automatic checks (``nan_checks``,
    ``div_checks``, ``index_checks``) raise NotImplementedError."""
    errors = frozenset(errors)
    unsupported = errors - user_checks
    if unsupported:
        names = ", ".join(sorted(c.__name__ for c in unsupported))
        raise NotImplementedError(
            f"checkify: only user_checks (checkify.check) are supported; the automatic "
            f"checks (nan_checks, div_checks, index_checks) are not implemented, got {names}"
        )
    if isinstance(f, JitFunction):  # checkify(jit(f)) -> jit(checkify(f))
        return jit(
            checkify(f._fun, errors),
            static_argnums=tuple(f._static_argnums),
            static_argnames=tuple(f._static_argnames),
        )
    enabled = FailedCheckError in errors

    def checked(*args, **kwargs):
        frame = _Frame()
        frame.enabled = enabled
        _frames.append(frame)
        try:
            out = f(*args, **kwargs)
        finally:
            _frames.remove(frame)
        return frame.error, out

    checked.__name__ = f"checkify({getattr(f, '__name__', 'fun')})"
    checked.__wrapped__ = f
    return checked


def _is_scalar_pred(pred):
    if isinstance(pred, bool):
        return True
    return isinstance(pred, _core.ndarray) and pred.shape == () and pred.dtype == onp.bool_


def _check(pred, msg, debug, fmt_args, fmt_kwargs):
    if not _is_scalar_pred(pred):
        name = "debug_check" if debug else "check"
        raise TypeError(f"{name} takes a scalar pred as argument, got {pred}")
    jnp = _jnp()
    leaves, treedef = tree_util.tree_flatten((fmt_args, fmt_kwargs))
    for arg in leaves:
        if not isinstance(arg, (_core.ndarray, onp.ndarray)):
            raise TypeError(
                "Formatting arguments to checkify.check need to be PyTrees of arrays, but "
                f"got {arg!r} of type {type(arg)}."
            )
    if not _frames:
        if debug:
            return  # (a debug check runs only under checkify)
    elif not _frames[-1].enabled:
        return
    payload = [jnp.asarray(x) for x in leaves]
    code = _next_code()
    key = ("FailedCheckError", _effect(payload))
    error = Error({}, {}, {code: (msg, treedef)}, {})
    _report(error._with(key, jnp.logical_not(pred), code, payload))


def check(pred, msg, *fmt_args, debug=False, **fmt_kwargs):
    """``jax.experimental.checkify.check``: asserts that ``pred`` (a scalar bool) is True.

    Under ``checkify`` a failure is recorded in the returned Error; elsewhere it raises
    JaxRuntimeError (``debug=True``: only under checkify). ``msg`` is formatted with
    ``fmt_args``/``fmt_kwargs`` (pytrees of arrays) at the failing values."""
    _check(pred, msg, debug, fmt_args, fmt_kwargs)


def debug_check(pred, msg, *fmt_args, **fmt_kwargs):
    """``jax.experimental.checkify.debug_check``: a ``check`` that runs only under
    ``checkify`` (elsewhere it does nothing)."""
    _check(pred, msg, True, fmt_args, fmt_kwargs)


def check_error(error):
    """``jax.experimental.checkify.check_error``: raises JaxRuntimeError if ``error`` holds a
    failed check; under ``checkify`` the error is folded into the checkified function's."""
    if not isinstance(error, Error):
        raise TypeError(f"check_error takes an Error as argument, got type {type(error)} instead.")
    if not error._pred:
        return
    if _batch_shape(error):
        error = _reduce_batch(error)
    if _frames and not _frames[-1].enabled:
        return
    _report(error)
