"""Pytree utilities, mirroring ``jax.tree_util``.

A *pytree* is a nested structure of containers (tuples, lists, dicts, ``None``,
namedtuples, ``OrderedDict``, ``defaultdict`` and any registered type) whose
non-container elements are *leaves*. ``tree_flatten`` splits a pytree into its
leaves (in a deterministic order) and a :class:`PyTreeDef` describing the
structure; ``tree_unflatten`` rebuilds it.

Semantics follow JAX:

* ``dict`` and ``defaultdict`` children are ordered by sorted key; ``OrderedDict``
  keeps insertion order.
* ``None`` is a node with no children (not a leaf) unless ``is_leaf`` says so.
* Only exact types are nodes: subclasses of ``list``/``dict`` and tuple
  subclasses without ``_fields`` are leaves.
* :class:`PyTreeDef` is hashable and equality-comparable including node types
  and auxiliary (static) data, so it can serve as a ``jit`` cache key.

The machinery (registry, flattening, :class:`PyTreeDef`) lives in
``arrax._pytree``; this module holds the registration helpers and the public
functions.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from arrax._pytree import (
    _BUILTIN_NODES,
    DictKey,
    FlattenedIndexKey,
    GetAttrKey,
    KeyEntry,
    KeyPath,
    PyTreeDef,
    SequenceKey,
    _defaultdict,
    _flatten,
    _flatten_fast,
    _is_namedtuple_type,
    _node_key_children,
    _OrderedDict,
    _registry,
    _sorted_keys,
    _unflatten,
    keystr,
    register_pytree_node,
)

__all__ = [
    "DictKey",
    "FlattenedIndexKey",
    "GetAttrKey",
    "KeyEntry",
    "KeyPath",
    "Partial",
    "PyTreeDef",
    "SequenceKey",
    "all_leaves",
    "default_registry",
    "flatten_one_level",
    "flatten_one_level_with_keys",
    "is_tree_node",
    "keystr",
    "register_dataclass",
    "register_pytree_node",
    "register_pytree_node_class",
    "register_pytree_with_keys",
    "register_pytree_with_keys_class",
    "register_static",
    "tree_all",
    "tree_broadcast",
    "tree_flatten",
    "tree_flatten_with_path",
    "tree_leaves",
    "tree_leaves_with_path",
    "tree_map",
    "tree_map_with_path",
    "tree_reduce",
    "tree_reduce_associative",
    "tree_structure",
    "tree_transpose",
    "tree_unflatten",
    "treedef_children",
    "treedef_is_leaf",
    "treedef_is_strict_leaf",
    "treedef_tuple",
]


def register_pytree_with_keys(
    nodetype: type,
    flatten_with_keys: Callable[[Any], tuple[Iterable[tuple[Any, Any]], Any]],
    unflatten_func: Callable[[Any, Iterable[Any]], Any],
    flatten_func: Callable[[Any], tuple[Iterable[Any], Any]] | None = None,
) -> None:
    """Register ``nodetype`` with a ``flatten_with_keys(x) -> ([(key, child), ...],
    aux_data)`` function, so that paths name its children."""
    if flatten_func is None:

        def flatten_func(x):
            kc, aux = flatten_with_keys(x)
            return [c for _, c in kc], aux

    register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys)


def register_pytree_node_class(cls: type) -> type:
    """Class decorator: register ``cls`` using its ``tree_flatten`` method and
    ``tree_unflatten`` classmethod."""
    register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)
    return cls


def register_pytree_with_keys_class(cls: type) -> type:
    """Class decorator: register ``cls`` using ``tree_flatten_with_keys`` (and
    ``tree_flatten`` if defined) and ``tree_unflatten``."""
    flatten = getattr(cls, "tree_flatten", None)
    register_pytree_with_keys(
        cls,
        lambda x: x.tree_flatten_with_keys(),
        cls.tree_unflatten,
        (lambda x: x.tree_flatten()) if flatten is not None else None,
    )
    return cls


def register_dataclass(
    nodetype: type,
    data_fields: Sequence[str] | None = None,
    meta_fields: Sequence[str] | None = None,
    drop_fields: Sequence[str] = (),
) -> type:
    """Register a dataclass-like type as a pytree node.

    ``data_fields`` are children (traced), ``meta_fields`` are static aux data
    (must be hashable). With neither given, ``nodetype`` must be a dataclass and
    its fields are split by ``field(metadata={"static": True})``. Returns
    ``nodetype``, so it can be used as a decorator.
    """
    # The checks and their wording follow jax.tree_util.register_dataclass.
    if data_fields is None or meta_fields is None:
        if (data_fields is None) != (meta_fields is None):
            raise TypeError(
                "register_dataclass: data_fields and meta_fields must both be specified when"
                f" either is specified. Got {data_fields=} {meta_fields=}."
            )
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError(
                "register_dataclass: data_fields and meta_fields are required when nodetype"
                f" is not a dataclass. Got {nodetype=}."
            )
        data_fields, meta_fields = [], []
        for f in dataclasses.fields(nodetype):
            if not f.init:
                continue
            (meta_fields if f.metadata.get("static", False) else data_fields).append(f.name)
    elif dataclasses.is_dataclass(nodetype):
        init_fields = {f.name for f in dataclasses.fields(nodetype) if f.init}
        init_fields.difference_update(drop_fields)
        given = {*data_fields, *meta_fields}
        if given != init_fields:
            msg = (
                "register_dataclass: data_fields and meta_fields must include all dataclass"
                " fields with ``init=True`` and only them."
            )
            if missing := init_fields - given:
                msg += (
                    f" Missing fields: {missing}. Unmentioned fields must be added to"
                    " drop_fields to suppress this error."
                )
            if unexpected := given - init_fields:
                msg += f" Unexpected fields: {unexpected}."
            raise ValueError(msg)
    if overlap := set(data_fields) & set(meta_fields):
        raise ValueError(
            "register_dataclass: data_fields and meta_fields must not overlap. Overlapping"
            f" fields: {overlap}."
        )
    data_fields = tuple(data_fields)
    meta_fields = tuple(meta_fields)

    def flatten(x):
        return [getattr(x, n) for n in data_fields], tuple(getattr(x, n) for n in meta_fields)

    def flatten_with_keys(x):
        return (
            [(GetAttrKey(n), getattr(x, n)) for n in data_fields],
            tuple(getattr(x, n) for n in meta_fields),
        )

    def unflatten(meta, data):
        kwargs = dict(zip(meta_fields, meta))
        kwargs.update(zip(data_fields, data))
        return nodetype(**kwargs)

    register_pytree_node(nodetype, flatten, unflatten, flatten_with_keys)
    _registry[nodetype] = _registry[nodetype]._replace(dataclass=True)
    return nodetype


def register_static(cls: type) -> type:
    """Register ``cls`` as a node with no children whose instances are
    themselves the (static) aux data. They should be hashable; an unhashable one
    (a ``dict`` subclass, say) still works as a ``jit`` argument, found in the
    cache by equality alone (as in JAX, whose treedef hash skips aux data)."""
    register_pytree_node(cls, lambda x: ((), x), lambda aux, _: aux)
    return cls


# Built-in custom nodes.
register_pytree_node(
    _OrderedDict,
    lambda x: (list(x.values()), tuple(x)),
    lambda keys, values: _OrderedDict(zip(keys, values)),
    lambda x: ([(DictKey(k), v) for k, v in x.items()], tuple(x)),
)


def _defaultdict_flatten(x):
    keys = _sorted_keys(x)
    return [x[k] for k in keys], (x.default_factory, keys)


def _defaultdict_flatten_with_keys(x):
    keys = _sorted_keys(x)
    return [(DictKey(k), x[k]) for k in keys], (x.default_factory, keys)


register_pytree_node(
    _defaultdict,
    _defaultdict_flatten,
    lambda aux, values: _defaultdict(aux[0], zip(aux[1], values)),
    _defaultdict_flatten_with_keys,
)


class _HashableCallableShim:
    """Calls, hashes and compares as the callable it wraps. ``Partial`` wraps an inner
    ``functools.partial`` in one so that ``functools.partial.__new__`` does not merge the
    inner arguments into the outer ones: only the outer ones are pytree children."""

    def __init__(self, fun):
        self.fun = fun

    def __call__(self, *args, **kw):
        return self.fun(*args, **kw)

    def __hash__(self):
        return hash(self.fun)

    def __eq__(self, other):
        if isinstance(other, _HashableCallableShim):
            return self.fun == other.fun
        return self.fun == other

    def __repr__(self):
        return f"_HashableCallableShim({self.fun!r})"


class Partial(functools.partial):
    """A ``functools.partial`` that is a pytree: the bound arguments are children
    and the function is static aux data (as ``jax.tree_util.Partial``)."""

    def __new__(klass, func, *args, **kw):
        if isinstance(func, functools.partial):
            original = func
            func = _HashableCallableShim(original)
            out = super().__new__(klass, func, *args, **kw)
            # Set only now: the pure-Python functools.partial merges any func that has a
            # `func` attribute.
            func.func = original.func
            func.args = original.args
            func.keywords = original.keywords
            return out
        return super().__new__(klass, func, *args, **kw)


register_pytree_node(
    Partial,
    lambda p: ((p.args, p.keywords), p.func),
    lambda func, xs: Partial(func, *xs[0], **xs[1]),
)


# ----------------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------------


def tree_flatten(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> tuple[list, PyTreeDef]:
    """Flatten ``tree`` into ``(leaves, treedef)``."""
    leaves: list = []
    if is_leaf is None:
        struct = _flatten_fast(tree, leaves)
    else:
        struct = _flatten(tree, leaves, is_leaf)
    return leaves, PyTreeDef(struct, len(leaves))


def tree_unflatten(treedef: PyTreeDef, leaves: Iterable[Any]) -> Any:
    """Rebuild a pytree with structure ``treedef`` from ``leaves``."""
    return treedef.unflatten(leaves)


def tree_leaves(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> list:
    """The leaves of ``tree`` in flattening order."""
    leaves: list = []
    if is_leaf is None:
        _flatten_fast(tree, leaves)
    else:
        _flatten(tree, leaves, is_leaf)
    return leaves


def tree_structure(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> PyTreeDef:
    """The :class:`PyTreeDef` of ``tree``."""
    return tree_flatten(tree, is_leaf)[1]


def tree_map(
    f: Callable[..., Any],
    tree: Any,
    *rest: Any,
    is_leaf: Callable[[Any], bool] | None = None,
) -> Any:
    """Apply ``f`` leaf-wise. Each tree in ``rest`` must have ``tree``'s
    structure as a prefix; ``f`` gets the corresponding subtrees."""
    leaves: list = []
    if is_leaf is None:
        struct = _flatten_fast(tree, leaves)
    else:
        struct = _flatten(tree, leaves, is_leaf)
    treedef = PyTreeDef(struct, len(leaves))
    if not rest:
        return _unflatten(struct, iter([f(x) for x in leaves]))
    all_leaves = [leaves] + [
        treedef._flatten_up_to_or_prefix_error(r, "tree_map tree") for r in rest
    ]
    return _unflatten(struct, iter([f(*xs) for xs in zip(*all_leaves)]))


_NO_INITIALIZER = object()


def tree_reduce(
    function: Callable[[Any, Any], Any],
    tree: Any,
    initializer: Any = _NO_INITIALIZER,
    is_leaf: Callable[[Any], bool] | None = None,
) -> Any:
    """``functools.reduce`` over the leaves of ``tree``."""
    if initializer is _NO_INITIALIZER:
        return functools.reduce(function, tree_leaves(tree, is_leaf))
    return functools.reduce(function, tree_leaves(tree, is_leaf), initializer)


def _parallel_reduce(seq: list, op: Callable[[Any, Any], Any], identity: Any) -> Any:
    if not seq:
        if identity is _NO_INITIALIZER:
            raise TypeError(
                "tree_reduce_associative: Must specify identity for parallel reduction of"
                " empty sequence."
            )
        return identity
    if len(seq) == 1:
        return seq[0]
    mid = len(seq) // 2
    return op(_parallel_reduce(seq[:mid], op, identity), _parallel_reduce(seq[mid:], op, identity))


def tree_reduce_associative(
    operation: Callable[[Any, Any], Any],
    tree: Any,
    *,
    identity: Any = _NO_INITIALIZER,
    is_leaf: Callable[[Any], bool] | None = None,
) -> Any:
    """Reduce the leaves with an associative ``operation`` as a balanced tree of calls
    (``op(op(a, b), op(c, d))``: depth log n), as ``jax.tree.reduce_associative``.
    ``identity`` is returned for a tree without leaves."""
    return _parallel_reduce(tree_leaves(tree, is_leaf), operation, identity)


def tree_all(tree: Any, *, is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """``all()`` over the leaves of ``tree``."""
    return all(tree_leaves(tree, is_leaf))


def tree_transpose(
    outer_treedef: PyTreeDef, inner_treedef: PyTreeDef | None, pytree_to_transpose: Any
) -> Any:
    """Turn an outer-of-inner pytree into an inner-of-outer one."""
    flat, treedef = tree_flatten(pytree_to_transpose)
    if inner_treedef is None:
        first = outer_treedef.flatten_up_to(pytree_to_transpose)[0]
        inner_treedef = tree_structure(first)
    inner_size = inner_treedef.num_leaves
    outer_size = outer_treedef.num_leaves
    if treedef.num_leaves != inner_size * outer_size:
        expected = outer_treedef.compose(inner_treedef)
        raise TypeError(f"Mismatch\n{treedef}\n != \n{expected}")
    it = iter(flat)
    lol = [[next(it) for _ in range(inner_size)] for _ in range(outer_size)]
    subtrees = [outer_treedef.unflatten(col) for col in zip(*lol)]
    return inner_treedef.unflatten(subtrees)


def treedef_is_leaf(treedef: PyTreeDef) -> bool:
    """True for a treedef with a single node (a leaf, ``None`` or an empty
    container), as ``jax.tree_util.treedef_is_leaf``."""
    return treedef.num_nodes == 1


def treedef_is_strict_leaf(treedef: PyTreeDef) -> bool:
    """True only for the treedef of a single leaf."""
    return treedef._struct is None


def treedef_children(treedef: PyTreeDef) -> list[PyTreeDef]:
    return treedef.children()


def treedef_tuple(treedefs: Iterable[PyTreeDef]) -> PyTreeDef:
    """The treedef of a tuple whose children have the given treedefs."""
    return PyTreeDef((tuple, None, tuple(t._struct for t in treedefs)))


def all_leaves(iterable: Iterable[Any], is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """True if every element of ``iterable`` is a leaf."""
    if is_leaf is None:
        return all(_flatten(x, [], None) is None for x in iterable)
    lst = list(iterable)
    leaves = tree_leaves(lst, is_leaf)
    # By identity, as JAX: == would call the elements' own __eq__ (which may not accept
    # arbitrary other objects) and would take an equal-valued subtree for the element.
    return len(leaves) == len(lst) and all(a is b for a, b in zip(lst, leaves))


def is_tree_node(typ: Any) -> bool:
    """True if the type ``typ`` is a pytree node type (built-in, registered or a
    namedtuple), as ``jax.tree_util.is_tree_node``. Given a value rather than a
    type, True if that value is a pytree node (not a leaf)."""
    if isinstance(typ, type):
        return typ in _BUILTIN_NODES or typ in _registry or _is_namedtuple_type(typ)
    return _flatten(typ, [], lambda y: y is not typ) is not None


def flatten_one_level(tree: Any) -> tuple[list, Any]:
    """``(children, aux_data)`` of the root node of ``tree``; ``ValueError`` if
    ``tree`` is a leaf."""
    t = type(tree)
    if t in _BUILTIN_NODES or t in _registry or _is_namedtuple_type(t):
        _, aux, children = _node_key_children(t, None, tree)
        if t is tuple or t is list:
            return tree, None
        return tuple(children) if t is dict else children, aux
    raise ValueError(f"can't tree-flatten type: {t}")


def flatten_one_level_with_keys(tree: Any) -> tuple[tuple, Any]:
    """``(((key, child), ...), aux_data)`` of the root node of ``tree``;
    ``ValueError`` if ``tree`` is a leaf."""
    t = type(tree)
    if t in _BUILTIN_NODES or t in _registry or _is_namedtuple_type(t):
        keys, aux, children = _node_key_children(t, None, tree)
        return tuple(zip(keys, children)), aux
    raise ValueError(f"flatten_one_level_with_keys: can't tree-flatten type: {t}")


def tree_broadcast(
    prefix_tree: Any, full_tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> Any:
    """``full_tree``'s structure with each leaf of ``prefix_tree`` repeated over the
    subtree of ``full_tree`` at its position (``is_leaf`` applies to ``prefix_tree``)."""
    leaves, treedef = tree_flatten(prefix_tree, is_leaf)
    subtrees = treedef._flatten_up_to_or_prefix_error(full_tree, "broadcast_prefix prefix_tree")
    out: list = []
    for x, sub in zip(leaves, subtrees):
        out.extend([x] * len(tree_leaves(sub)))
    return tree_structure(full_tree).unflatten(out)


class PyTreeRegistry:
    """The registry as an object, for the JAX functions that take one
    (``PyTreeDef.from_node_data_and_children``); arrax has the one registry."""

    def flatten(self, tree: Any, leaf_predicate: Callable[[Any], bool] | None = None):
        return tree_flatten(tree, leaf_predicate)

    def flatten_one_level(self, tree: Any):
        try:
            return flatten_one_level(tree)
        except ValueError:  # JAX's registry answers None for a leaf
            return None

    def flatten_one_level_with_keys(self, tree: Any):
        try:
            return flatten_one_level_with_keys(tree)
        except ValueError:
            return None

    def flatten_with_path(self, tree: Any, is_leaf: Callable[[Any, Any], bool] | None = None):
        return tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path=True)

    def is_node(self, typ: type) -> bool:
        return is_tree_node(typ)


default_registry = PyTreeRegistry()


def _flatten_with_path(x, path, out, is_leaf):
    # is_leaf takes (path, x) here; the public functions adapt a one-argument one.
    if is_leaf is not None and is_leaf(path, x):
        out.append((path, x))
        return None
    t = type(x)
    if t in _BUILTIN_NODES or t in _registry or (isinstance(x, tuple) and hasattr(t, "_fields")):
        keys, aux, children = _node_key_children(t, None, x)
        return (
            t,
            aux,
            tuple(
                [_flatten_with_path(c, (*path, k), out, is_leaf) for k, c in zip(keys, children)]
            ),
        )
    out.append((path, x))
    return None


def _with_path_is_leaf(is_leaf, is_leaf_takes_path: bool):
    if is_leaf is None or is_leaf_takes_path:
        return is_leaf
    return lambda _, x: is_leaf(x)


def tree_flatten_with_path(
    tree: Any,
    is_leaf: Callable[..., bool] | None = None,
    is_leaf_takes_path: bool = False,
) -> tuple[list[tuple[KeyPath, Any]], PyTreeDef]:
    """Like :func:`tree_flatten`, but each leaf comes with its key path. With
    ``is_leaf_takes_path=True``, ``is_leaf`` is called as ``is_leaf(path, x)``."""
    out: list = []
    struct = _flatten_with_path(tree, (), out, _with_path_is_leaf(is_leaf, is_leaf_takes_path))
    return out, PyTreeDef(struct, len(out))


def tree_leaves_with_path(
    tree: Any,
    is_leaf: Callable[..., bool] | None = None,
    is_leaf_takes_path: bool = False,
) -> list[tuple[KeyPath, Any]]:
    """The ``(path, leaf)`` pairs of :func:`tree_flatten_with_path`."""
    return tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)[0]


def tree_map_with_path(
    f: Callable[..., Any],
    tree: Any,
    *rest: Any,
    is_leaf: Callable[..., bool] | None = None,
    is_leaf_takes_path: bool = False,
) -> Any:
    """Like :func:`tree_map`, but ``f`` is called as ``f(path, leaf, *others)``."""
    path_leaves, treedef = tree_flatten_with_path(tree, is_leaf, is_leaf_takes_path)
    paths = [p for p, _ in path_leaves]
    leaves = [x for _, x in path_leaves]
    all_leaves = [paths, leaves] + [
        treedef._flatten_up_to_or_prefix_error(r, "tree_map_with_path tree") for r in rest
    ]
    return treedef.unflatten([f(*xs) for xs in zip(*all_leaves)])
