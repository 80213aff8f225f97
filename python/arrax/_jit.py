"""arrax.jit: trace once per signature, optimize the graph, cache it, run it.

The signature is the pytree structure of the arguments, the static arguments' values and each
leaf's (dtype, weak type, shape), computed in C++ (``_core.jit_signature``). A cache hit skips
Python entirely for the body: the optimized graph (transforms/passes.cpp: inlining,
simplification and constant folding, CSE, DCE, elementwise fusion) runs through the engine.
Under another transformation (grad, vmap, an outer jit) the call is one ``jit`` primitive
carrying the traced graph, which that transformation's rules handle.
"""

import functools
import inspect
import logging
import os
import types
import weakref

from arrax import _config_options, _core, _shapes, tree_util
from arrax._config import config
from arrax._trace_core import check_callable, describe, stage
from arrax._tracing import _aval

_ndarray = _core.ndarray

_log = logging.getLogger("arrax.jit")


# Every live jit'd function, for arrax.clear_caches().
_instances = weakref.WeakSet()
# Each jit'd Python function's traces, by its static/donated argument settings.
_shared_caches = weakref.WeakKeyDictionary()


def _static_by_signature(fun, nums, names):
    """static_argnums and static_argnames completed from fun's signature, as JAX does: a static
    parameter is static whether it is passed by position or by name."""
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):  # (builtins without a signature)
        return frozenset(nums), frozenset(names)
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    positional = [p for p in params if p.kind in kinds]
    _validate_static(params, positional, nums, names)
    nums = {i + len(positional) if i < 0 else i for i in nums}
    for i, p in enumerate(positional):
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            if p.name in names:
                nums.add(i)
            if i in nums:
                names.add(p.name)
    return frozenset(nums), frozenset(names)


def _validate_static(params, positional, nums, names):
    """JAX's checks of static_argnums/static_argnames against the signature (ValueError)."""
    P = inspect.Parameter
    if nums and not any(p.kind is P.VAR_POSITIONAL for p in params):
        n = len(positional)
        if -min(nums) > n or max(nums) >= n:
            raise ValueError(
                f"jit: Jitted function has static_argnums={tuple(sorted(nums))}, but only "
                f"accepts {n} positional arguments."
            )
    if not names:
        return
    pos_only = {p.name for p in params if p.kind is P.POSITIONAL_ONLY} & set(names)
    if pos_only:
        raise ValueError(
            f"jit: Jitted function has invalid argnames {pos_only} in static_argnames. These "
            "are positional-only"
        )
    if any(p.kind is P.VAR_KEYWORD for p in params):
        return
    valid = {p.name for p in params if p.kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)}
    if set(names) - valid:
        raise ValueError(
            f"jit: Jitted function has invalid argnames {set(names) - valid} in "
            "static_argnames. Function does not take these args."
        )


class JitFunction:
    """The callable returned by ``arrax.jit``; see ``jit``."""

    def __init__(self, fun, static_argnums, static_argnames, donate_argnums):
        _instances.add(self)
        functools.update_wrapper(self, fun)
        self._fun = fun
        self._static_argnums, self._static_argnames = _static_by_signature(
            fun, set(static_argnums), set(static_argnames)
        )
        self._donate_argnums = frozenset(donate_argnums)
        # The traces belong to the function, as in JAX: jit(f)(x) written in a loop traces f
        # once, not once per jit(f). (A function that cannot be weakly referenced keeps its
        # cache with this wrapper.)
        config = (self._static_argnums, self._static_argnames, self._donate_argnums)
        try:
            self._cache = _shared_caches.setdefault(fun, {}).setdefault(config, {})
        except TypeError:
            self._cache = {}
        self.hits = 0
        self.misses = 0

    def _split(self, args, kwargs):
        static = []
        for i in sorted(self._static_argnums):
            if i < len(args):  # (a static parameter left at its default, or passed by name)
                static.append(("arg", i, args[i]))
        for k in sorted(self._static_argnames):
            if k in kwargs:
                static.append(("kw", k, kwargs[k]))
        dyn_args = [a for i, a in enumerate(args) if i not in self._static_argnums]
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in self._static_argnames}
        try:
            static_key = tuple(static)
            for _, _, value in static:  # (0-d arrays hash as NumPy scalars; JAX refuses arrays)
                if isinstance(value, _ndarray):
                    raise TypeError(f"an array of shape {value.shape} is not a static value")
            hash(static_key)
        except TypeError as e:
            raise ValueError(f"jit: static arguments must be hashable: {e}") from None
        return static_key, dyn_args, dyn_kwargs

    def _rebuild(self, args, kwargs, dyn_args, dyn_kwargs):
        it = iter(dyn_args)
        full = [args[i] if i in self._static_argnums else next(it) for i in range(len(args))]
        kw = dict(dyn_kwargs)
        kw.update({k: v for k, v in kwargs.items() if k in self._static_argnames})
        return full, kw

    def _key(self, args, kwargs):
        """(cache key, flat leaves, treedef or None, whether a leaf is a tracer)."""
        if not kwargs and not self._static_argnums and not self._static_argnames:
            if all(type(a) is _ndarray for a in args):  # the common case, without flattening
                sig, tracer = _core.jit_signature(args)
                return (len(args), sig), args, None, tracer
            static_key, dyn_args, dyn_kwargs = (), list(args), {}
        else:
            static_key, dyn_args, dyn_kwargs = self._split(args, kwargs)
        leaves, treedef = tree_util.tree_flatten((dyn_args, dyn_kwargs))
        sig, tracer = _core.jit_signature(leaves)
        return (treedef, static_key, sig), leaves, treedef, tracer

    def _signature(self, args, kwargs):
        """The arguments' cache key in its general (flattened) form, whatever their types:
        the fast key of an all-array call and the general key of the same signature differ
        in form, so the ahead-of-time stages compare this one."""
        if not kwargs and not self._static_argnums and not self._static_argnames:
            static_key, dyn_args, dyn_kwargs = (), list(args), {}
        else:
            static_key, dyn_args, dyn_kwargs = self._split(args, kwargs)
        leaves, treedef = tree_util.tree_flatten((dyn_args, dyn_kwargs))
        return (treedef, static_key, _core.jit_signature(leaves)[0])

    def _entry(self, args, kwargs):
        key, leaves, treedef, tracer = self._key(args, kwargs)
        entry = self._cache.get(key)
        if entry is not None:
            self.hits += 1
            return entry, leaves, tracer
        self.misses += 1
        if _config_options.values["jax_no_tracing"]:
            raise RuntimeError(
                f"re-tracing function {getattr(self._fun, '__name__', self._fun)} for `jit`, "
                "but 'no_tracing' is set"
            )
        if treedef is None:  # the fast key skipped flattening: the tracer needs the treedef
            leaves, treedef = tree_util.tree_flatten((list(args), {}))
        avals = [_aval(leaf) for leaf in leaves]
        if os.environ.get("ARRAX_LOG_COMPILES") or config._flags["jax_log_compiles"]:
            _log.warning(
                "Compiling jit(%s) with global shapes and types %s",
                getattr(self._fun, "__name__", self._fun),
                [(tuple(s), str(d)) for s, d, _ in avals],
            )
        out_tree = []

        def flat_fun(*tracers):
            dyn, kw = tree_util.tree_unflatten(treedef, list(tracers))
            full, kw = self._rebuild(args, kwargs, dyn, kw)
            out_leaves, out_treedef = tree_util.tree_flatten(self._fun(*full, **kw))
            out_tree.append(out_treedef)
            return out_leaves

        graph = stage(flat_fun, avals, describe(self._fun, "jit"))
        captured_tracer = any(c._is_tracer for c in graph.consts)
        # The traced graph is what other transformations see; the optimized one is what runs.
        optimized = graph.optimized()
        if config._flags["jax_enable_checks"]:  # (jax.enable_checks: type-check both)
            graph.verify()
            optimized.verify()
        entry = (graph, out_tree[0], optimized, captured_tracer)
        # A graph that captured another transformation's tracer is only valid during that
        # transformation: it is not cached.
        if not captured_tracer:
            self._cache[key] = entry
        return entry, leaves, tracer

    def __call__(self, *args, **kwargs):
        if _shapes.jit_disabled():  # arrax.disable_jit(): run the Python function as it is
            return self._fun(*args, **kwargs)
        (graph, out_treedef, optimized, captured_tracer), leaves, tracer = self._entry(args, kwargs)
        if tracer or captured_tracer:
            # Under another transformation (grad, vmap, an outer jit): one `jit` primitive
            # carrying the graph, which that transformation's rules handle.
            outs = _core.bind(
                "jit", list(graph.consts) + list(leaves), {"graph": graph.with_consts_as_args()}
            )
            return tree_util.tree_unflatten(out_treedef, outs)
        if _core._debug_checks():
            outs = self._debug_run(optimized, leaves, args, kwargs)
        else:
            outs = optimized.run(*leaves)  # on a GPU: replayed as a CUDA graph (cuda.set_graphs)
        if out_treedef.num_leaves == 1 and out_treedef.num_nodes == 1:
            return outs[0]
        return tree_util.tree_unflatten(out_treedef, outs)

    def _debug_run(self, optimized, leaves, args, kwargs):
        """The compiled function run under jax_debug_nans/infs: a NaN (infinite) value it
        makes is traced to its primitive by running the function again op by op, as JAX does;
        if that run is clean (a fused kernel rounds differently), the error names the jit'd
        function."""
        name = describe(self._fun, "jit")
        try:
            outs = optimized.run(*leaves)
            _core._check_special_values(name, list(outs))
            return outs
        except FloatingPointError as exc:
            with _shapes.disable_jit():
                self._fun(*args, **kwargs)  # (raises, naming the primitive)
            raise FloatingPointError(
                f"{exc} (in {name}): running it again without jit produced no such value, so "
                "it comes from the compiled computation's different rounding"
            ) from None

    def _placeholders(self, args, kwargs):
        """args and kwargs with each ShapeDtypeStruct (JAX's lower and trace take them for
        arrays) a zero array of its shape and dtype: the signature and the trace read only
        shapes and dtypes. Static arguments stay as they are."""
        from arrax import numpy as np

        def conv(x):
            return np.zeros(x.shape, x.dtype) if isinstance(x, _shapes.ShapeDtypeStruct) else x

        def dyn(x):
            return tree_util.tree_map(conv, x)

        args = tuple(a if i in self._static_argnums else dyn(a) for i, a in enumerate(args))
        kwargs = {k: v if k in self._static_argnames else dyn(v) for k, v in kwargs.items()}
        return args, kwargs

    def __get__(self, obj, objtype=None):
        # A method: jit'd functions bind as functions do (JAX's jit'd ones are descriptors),
        # so @jit (or @partial(jit, static_argnums=0)) on a method gets self.
        if obj is None:
            return self
        return types.MethodType(self, obj)

    def lower(self, *args, **kwargs):
        """JAX's ahead-of-time API: the function lowered for these arguments' shapes and
        dtypes (arrays or ShapeDtypeStructs). The result reads as the optimized graph this
        function runs (its primitives, fused regions, text) and ``.compile()`` gives the
        callable for that signature."""
        args, kwargs = self._placeholders(args, kwargs)
        key = self._signature(args, kwargs)
        (_, _, optimized, _), _, _ = self._entry(args, kwargs)
        return Lowered(self, key, optimized, self._statics(args, kwargs))

    def _statics(self, args, kwargs):
        """The static arguments lowered for: JAX's compiled function takes the others only."""
        return (
            len(args),
            {i: args[i] for i in self._static_argnums if i < len(args)},
            {k: v for k, v in kwargs.items() if k in self._static_argnames},
        )

    def trace(self, *args, **kwargs):
        """The function traced for these arguments: ``.jaxpr`` is the graph before the
        optimization passes (the object reads as that graph too); ``.lower()`` continues."""
        args, kwargs = self._placeholders(args, kwargs)
        key = self._signature(args, kwargs)
        (graph, _, optimized, _), _, _ = self._entry(args, kwargs)
        return Traced(self, key, graph, optimized, self._statics(args, kwargs))

    def _cache_size(self):
        return len(self._cache)

    def clear_cache(self):
        self._cache.clear()


class _GraphView:
    """Reads as its graph (attributes, text), as the jit stages' objects in arrax did before
    the ahead-of-time API."""

    def __init__(self, graph):
        self._graph = graph

    def __getattr__(self, name):
        return getattr(self._graph, name)

    def __str__(self):
        return str(self._graph)

    def as_text(self, dialect=None, **kwargs):
        """The graph in its text form (arrax's IR, not StableHLO)."""
        return str(self._graph)


class Compiled(_GraphView):
    """``jit(f).lower(*args).compile()``: f for the lowered argument signature only."""

    def __init__(self, jitted, key, graph, statics=(0, {}, {})):
        super().__init__(graph)
        self._jitted, self._key_expected, self._statics = jitted, key, statics

    def __call__(self, *args, **kwargs):
        n, static_args, static_kwargs = self._statics
        if static_args and len(args) + len(static_args) == n:
            # As JAX's: called with the dynamic arguments only, the static ones lowered for
            # go back in their places. (All of them given, as before, is accepted too.)
            args = list(args)
            for i in sorted(static_args):
                args.insert(i, static_args[i])
        if static_kwargs and not any(k in kwargs for k in static_kwargs):
            kwargs = {**kwargs, **static_kwargs}
        if self._jitted._signature(args, kwargs) != self._key_expected:
            raise TypeError(
                "Compiled: the arguments' types or shapes differ from those it was lowered "
                "for; lower and compile again for them (or call the jit'd function)"
            )
        return self._jitted(*args, **kwargs)

    def cost_analysis(self):
        return None

    def memory_analysis(self):
        return None


class Lowered(_GraphView):
    """``jit(f).lower(*args)``: reads as the optimized graph; ``compile()`` gives the callable."""

    def __init__(self, jitted, key, graph, statics=(0, {}, {})):
        super().__init__(graph)
        self._jitted, self._key_expected, self._statics = jitted, key, statics

    def compile(self, compiler_options=None):
        return Compiled(self._jitted, self._key_expected, self._graph, self._statics)

    def cost_analysis(self):
        return None


class Traced(_GraphView):
    """``jit(f).trace(*args)``: reads as the traced graph (``.jaxpr``); ``lower()`` goes on."""

    def __init__(self, jitted, key, graph, optimized, statics=(0, {}, {})):
        super().__init__(graph)
        self._jitted, self._key_expected, self._optimized = jitted, key, optimized
        self._statics = statics

    @property
    def jaxpr(self):
        return self._graph

    def lower(self):
        return Lowered(self._jitted, self._key_expected, self._optimized, self._statics)


def jit(
    fun=None,
    *,
    static_argnums=(),
    static_argnames=(),
    donate_argnums=(),
    donate_argnames=(),
    keep_unused=False,
    device=None,
    backend=None,
    inline=False,
    in_shardings=None,
    out_shardings=None,
    abstracted_axes=None,
    compiler_options=None,
):
    """Like ``jax.jit``: ``jit(f)`` traces ``f`` once per argument signature into arrax's IR and
    runs the cached graph on later calls. Usable as a decorator, with or without arguments.

    Python control flow on traced values raises an error; arrays captured from outside ``f``
    are constants of the graph (a later change to them is not seen). ``donate_argnums`` and
    ``donate_argnames`` are accepted; buffer donation comes with the jit's memory planning.
    JAX's other keywords (``keep_unused``, ``inline``, shardings, ``abstracted_axes``,
    ``compiler_options``) are accepted and change nothing: a graph runs on its arguments'
    device. ``device``/``backend`` (deprecated in JAX) are refused: place the arguments with
    ``arrax.device_put`` instead.
    """
    if device is not None or backend is not None:
        raise NotImplementedError(
            "jit: device= and backend= are not supported; a jitted function runs where its "
            "arguments are (place them with arrax.device_put)"
        )
    as_tuple = lambda v: () if v is None else (v,) if isinstance(v, (int, str)) else tuple(v)  # noqa: E731
    if fun is None:
        return lambda f: jit(
            f,
            static_argnums=static_argnums,
            static_argnames=static_argnames,
            donate_argnums=donate_argnums,
        )
    check_callable(fun, "jit")
    return JitFunction(
        fun, as_tuple(static_argnums), as_tuple(static_argnames), as_tuple(donate_argnums)
    )
