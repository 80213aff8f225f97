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

Internally a treedef is a nested tuple: a leaf is ``None`` and a node is
``(node_type, aux_data, children)``; hashing and comparison therefore run in
C through Python's tuple implementation.
"""

from __future__ import annotations

import collections
import dataclasses
import difflib
import functools
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, NamedTuple

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
    "flatten_one_level",
    "is_tree_node",
    "keystr",
    "register_dataclass",
    "register_pytree_node",
    "register_pytree_node_class",
    "register_pytree_with_keys",
    "register_pytree_with_keys_class",
    "register_static",
    "tree_all",
    "tree_flatten",
    "tree_flatten_with_path",
    "tree_leaves",
    "tree_leaves_with_path",
    "tree_map",
    "tree_map_with_path",
    "tree_reduce",
    "tree_structure",
    "tree_transpose",
    "tree_unflatten",
    "treedef_children",
    "treedef_is_leaf",
    "treedef_is_strict_leaf",
    "treedef_tuple",
]

_NoneType = type(None)
_NONE_NODE = (_NoneType, None, ())
_OrderedDict = collections.OrderedDict
_defaultdict = collections.defaultdict


# ----------------------------------------------------------------------------
# Key entries (path components)
# ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SequenceKey:
    """Path entry for an element of a tuple or list."""

    idx: int

    def __str__(self) -> str:
        return f"[{self.idx!r}]"


@dataclasses.dataclass(frozen=True)
class DictKey:
    """Path entry for a dict value."""

    key: Hashable

    def __str__(self) -> str:
        return f"[{self.key!r}]"


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    """Path entry for an attribute (namedtuple fields, dataclass fields)."""

    name: str

    def __str__(self) -> str:
        return f".{self.name}"


@dataclasses.dataclass(frozen=True)
class FlattenedIndexKey:
    """Path entry for a child of a custom node registered without keys."""

    key: int

    def __str__(self) -> str:
        return f"[<flat index {self.key}>]"


KeyEntry = Any
KeyPath = tuple


def _simple_key_str(k: Any) -> str:
    if isinstance(k, SequenceKey):
        return str(k.idx)
    if isinstance(k, DictKey):
        return str(k.key)
    if isinstance(k, GetAttrKey):
        return str(k.name)
    if isinstance(k, FlattenedIndexKey):
        return str(k.key)
    return str(k)


def keystr(keys: KeyPath, *, simple: bool = False, separator: str = "") -> str:
    """Pretty-print a key path, e.g. ``"['a'][0].x"`` (or ``"a/0/x"`` with
    ``simple=True, separator="/"``)."""
    if simple:
        return separator.join(_simple_key_str(k) for k in keys)
    return separator.join(str(k) for k in keys)


# ----------------------------------------------------------------------------
# Registry
# ----------------------------------------------------------------------------


class _Registration(NamedTuple):
    flatten: Callable[[Any], tuple[Iterable[Any], Any]]
    unflatten: Callable[[Any, Iterable[Any]], Any]
    flatten_with_keys: Callable[[Any], tuple[Iterable[tuple[Any, Any]], Any]] | None


# Custom node types (including OrderedDict / defaultdict), looked up by exact type.
_registry: dict[type, _Registration] = {}
_BUILTIN_NODES = (tuple, list, dict, _NoneType)


def _is_namedtuple_type(t: type) -> bool:
    return issubclass(t, tuple) and hasattr(t, "_fields")


def register_pytree_node(
    nodetype: type,
    flatten_func: Callable[[Any], tuple[Iterable[Any], Any]],
    unflatten_func: Callable[[Any, Iterable[Any]], Any],
    flatten_with_keys_func: Callable[[Any], tuple[Iterable[tuple[Any, Any]], Any]] | None = None,
) -> None:
    """Register ``nodetype`` as a pytree node.

    ``flatten_func(x) -> (children, aux_data)``; ``unflatten_func(aux_data,
    children) -> x``. ``aux_data`` is static: it takes part in treedef equality
    and hashing, so it should be hashable and comparable.
    """
    if nodetype in _registry or nodetype in _BUILTIN_NODES:
        raise ValueError(f"Duplicate custom PyTreeDef type registration for {nodetype}.")
    _registry[nodetype] = _Registration(flatten_func, unflatten_func, flatten_with_keys_func)


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
    if data_fields is None and meta_fields is None:
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError(
                "register_dataclass: data_fields and meta_fields are required when"
                f" {nodetype} is not a dataclass"
            )
        data_fields, meta_fields = [], []
        for f in dataclasses.fields(nodetype):
            if not f.init:
                continue
            (meta_fields if f.metadata.get("static", False) else data_fields).append(f.name)
    elif data_fields is None or meta_fields is None:
        raise TypeError(
            "register_dataclass: data_fields and meta_fields must both be given or both be None"
        )
    else:
        data_fields, meta_fields = list(data_fields), list(meta_fields)
        if dataclasses.is_dataclass(nodetype):
            init_fields = {f.name for f in dataclasses.fields(nodetype) if f.init}
            given = set(data_fields) | set(meta_fields) | set(drop_fields)
            if given != init_fields:
                msg = (
                    "data_fields, meta_fields and drop_fields must together name"
                    f" exactly the init fields of {nodetype.__name__}."
                )
                if init_fields - given:
                    msg += f" Unmentioned fields: {sorted(init_fields - given)}."
                if given - init_fields:
                    msg += f" Unknown fields: {sorted(given - init_fields)}."
                raise ValueError(msg)
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
    return nodetype


def register_static(cls: type) -> type:
    """Register ``cls`` as a node with no children whose instances are
    themselves the (static) aux data; they must be hashable."""
    register_pytree_node(cls, lambda x: ((), x), lambda aux, _: aux)
    return cls


# Built-in custom nodes.
register_pytree_node(
    _OrderedDict,
    lambda x: (list(x.values()), tuple(x)),
    lambda keys, values: _OrderedDict(zip(keys, values)),
    lambda x: ([(DictKey(k), v) for k, v in x.items()], tuple(x)),
)


def _sorted_keys(d: dict) -> tuple:
    try:
        return tuple(sorted(d))
    except TypeError:
        raise ValueError(
            "Comparator raised exception while sorting pytree dictionary keys."
        ) from None


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


class Partial(functools.partial):
    """A ``functools.partial`` that is a pytree: the bound arguments are children
    and the function is static aux data (as ``jax.tree_util.Partial``)."""

    def __new__(klass, func, *args, **kw):
        if isinstance(func, functools.partial):
            original = func
            func = func.func
            args = original.args + args
            kw = {**original.keywords, **kw}
        return super().__new__(klass, func, *args, **kw)


register_pytree_node(
    Partial,
    lambda p: ((p.args, p.keywords), p.func),
    lambda func, xs: Partial(func, *xs[0], **xs[1]),
)


# ----------------------------------------------------------------------------
# Flattening / unflattening
# ----------------------------------------------------------------------------


def _flatten(x: Any, leaves: list, is_leaf: Callable[[Any], bool] | None):
    if is_leaf is not None and is_leaf(x):
        leaves.append(x)
        return None
    t = type(x)
    if t is tuple or t is list:
        return (t, None, tuple([_flatten(c, leaves, is_leaf) for c in x]))
    if t is dict:
        keys = _sorted_keys(x)
        return (dict, keys, tuple([_flatten(x[k], leaves, is_leaf) for k in keys]))
    if x is None:
        return _NONE_NODE
    reg = _registry.get(t)
    if reg is not None:
        children, aux = reg.flatten(x)
        return (t, aux, tuple([_flatten(c, leaves, is_leaf) for c in children]))
    if isinstance(x, tuple) and hasattr(t, "_fields"):
        return (t, None, tuple([_flatten(c, leaves, is_leaf) for c in x]))
    leaves.append(x)
    return None


def _flatten_fast(x: Any, leaves: list):
    """``_flatten`` without ``is_leaf`` (the common case), kept separate for speed."""
    t = type(x)
    if t is tuple or t is list:
        return (t, None, tuple([_flatten_fast(c, leaves) for c in x]))
    if t is dict:
        keys = _sorted_keys(x)
        return (dict, keys, tuple([_flatten_fast(x[k], leaves) for k in keys]))
    if x is None:
        return _NONE_NODE
    reg = _registry.get(t)
    if reg is not None:
        children, aux = reg.flatten(x)
        return (t, aux, tuple([_flatten_fast(c, leaves) for c in children]))
    if isinstance(x, tuple) and hasattr(t, "_fields"):
        return (t, None, tuple([_flatten_fast(c, leaves) for c in x]))
    leaves.append(x)
    return None


def _unflatten(node, it):
    if node is None:
        return next(it)
    t, aux, children = node
    if t is tuple:
        return tuple([_unflatten(c, it) for c in children])
    if t is list:
        return [_unflatten(c, it) for c in children]
    if t is dict:
        return dict(zip(aux, [_unflatten(c, it) for c in children]))
    if t is _NoneType:
        return None
    values = tuple([_unflatten(c, it) for c in children])
    reg = _registry.get(t)
    if reg is not None:
        return reg.unflatten(aux, values)
    if _is_namedtuple_type(t):
        return t(*values)
    raise ValueError(f"PyTreeDef node type {t} is no longer registered")


def _count_leaves(node) -> int:
    if node is None:
        return 1
    return sum(_count_leaves(c) for c in node[2])


def _count_nodes(node) -> int:
    if node is None:
        return 1
    return 1 + sum(_count_nodes(c) for c in node[2])


def _repr(node) -> str:
    if node is None:
        return "*"
    t, aux, children = node
    inner = ", ".join(_repr(c) for c in children)
    if t is tuple:
        return f"({inner},)" if len(children) == 1 else f"({inner})"
    if t is list:
        return f"[{inner}]"
    if t is dict:
        return "{" + ", ".join(f"{k!r}: {_repr(c)}" for k, c in zip(aux, children)) + "}"
    if t is _NoneType:
        return "None"
    if t not in _registry and _is_namedtuple_type(t):
        return f"CustomNode(namedtuple[{t.__name__}], [{inner}])"
    return f"CustomNode({t.__name__}[{aux}], [{inner}])"


def _compose(node, inner):
    if node is None:
        return inner
    t, aux, children = node
    return (t, aux, tuple([_compose(c, inner) for c in children]))


class _Mismatch(Exception):
    pass


def _node_key_children(t, aux, x) -> tuple[list, Any, list]:
    """One-level flatten of ``x`` (whose type is the node type ``t``):
    (keys, aux, children)."""
    if t is tuple or t is list:
        return [SequenceKey(i) for i in range(len(x))], None, list(x)
    if t is dict:
        keys = _sorted_keys(x)
        return [DictKey(k) for k in keys], keys, [x[k] for k in keys]
    if t is _NoneType:
        return [], None, []
    reg = _registry.get(t)
    if reg is None:  # namedtuple
        return [GetAttrKey(f) for f in t._fields], None, list(x)
    if reg.flatten_with_keys is not None:
        kc, a = reg.flatten_with_keys(x)
        kc = list(kc)
        return [k for k, _ in kc], a, [c for _, c in kc]
    children, a = reg.flatten(x)
    children = list(children)
    return [FlattenedIndexKey(i) for i in range(len(children))], a, children


def _flatten_up_to(node, x, out: list) -> None:
    """Fast path: append the subtrees of ``x`` at ``node``'s leaf positions to
    ``out``; raise ``_Mismatch`` on any structural difference."""
    if node is None:
        out.append(x)
        return
    t, aux, children = node
    if type(x) is not t:
        raise _Mismatch
    if t is tuple or t is list:
        if len(x) != len(children):
            raise _Mismatch
        for c, xc in zip(children, x):
            _flatten_up_to(c, xc, out)
        return
    if t is dict:
        if len(x) != len(aux):
            raise _Mismatch
        try:
            values = [x[k] for k in aux]
        except KeyError:
            raise _Mismatch from None
        for c, xc in zip(children, values):
            _flatten_up_to(c, xc, out)
        return
    if t is _NoneType:
        return
    reg = _registry.get(t)
    if reg is None:  # namedtuple
        xs = x
    else:
        xs, xaux = reg.flatten(x)
        xs = list(xs)
        if xaux != aux:
            raise _Mismatch
    if len(xs) != len(children):
        raise _Mismatch
    for c, xc in zip(children, xs):
        _flatten_up_to(c, xc, out)


def _structure_error(node, x, name: str) -> str:
    """Describe the first mismatch between the prefix ``node`` and the tree
    ``x``, in the wording of JAX's prefix errors."""

    def walk(node, x, path):
        if node is None:
            return None
        t, aux, children = node
        where = f"at key path\n    {name}{keystr(path)}\nAt that key path, the prefix pytree {name}"
        if type(x) is not t:
            return (
                f"pytree structure error: different types {where} has a subtree of type\n"
                f"    {t}\nbut at the same key path the full pytree has a subtree of "
                f"different type\n    {type(x)}."
            )
        if t is tuple or t is list:
            if len(x) != len(children):
                return (
                    f"pytree structure error: different lengths of {t.__name__} {where} has "
                    f"a subtree of type {t.__name__} of length {len(children)}, but the full "
                    f"pytree has a subtree of the same type but of length {len(x)}."
                )
        keys, xaux, xs = _node_key_children(t, aux, x)
        if t is dict and len(xs) != len(children):
            mine, theirs = set(aux), set(xaux)
            return (
                f"pytree structure error: different numbers of pytree children {where} has "
                f"a subtree of type\n    {t}\nwith {len(children)} child keys\n    "
                f"{' '.join(str(k) for k in aux)}\nbut at the same key path the full pytree "
                f"has a subtree of the same type but with {len(xs)} child keys\n    "
                f"{' '.join(str(k) for k in xaux)}\nso the symmetric difference on key sets "
                f"is\n    {' '.join(str(k) for k in sorted(mine ^ theirs, key=repr))}"
            )
        if xaux != aux:
            diff = "\n".join(
                "    " + line.rstrip("\n") for line in difflib.ndiff([str(aux)], [str(xaux)])
            )
            return (
                f"pytree structure error: different pytree metadata {where} has a subtree "
                f"of type\n    {t}\nwith metadata\n    {aux}\nbut at the same key path the "
                f"full pytree has a subtree of the same type but with metadata\n    {xaux}\n"
                f"so the diff in the metadata at these pytree nodes is\n{diff}"
            )
        if len(xs) != len(children):
            return (
                f"pytree structure error: different numbers of pytree children {where} has "
                f"a subtree of type\n    {t}\nwith {len(children)} children but at the same "
                f"key path the full pytree has a subtree of the same type but with "
                f"{len(xs)} children."
            )
        for k, c, xc in zip(keys, children, xs):
            msg = walk(c, xc, (*path, k))
            if msg is not None:
                return msg
        return None

    return walk(node, x, ()) or f"pytree structure error: {name} does not match the prefix."


class PyTreeDef:
    """The structure of a pytree: node types, static aux data and arity, with
    leaves abstracted away. Hashable and comparable (usable as a cache key)."""

    __slots__ = ("_struct", "_num_leaves", "_hash")

    def __init__(self, struct, num_leaves: int | None = None):
        self._struct = struct
        self._num_leaves = num_leaves
        self._hash = None

    @property
    def num_leaves(self) -> int:
        n = self._num_leaves
        if n is None:
            n = self._num_leaves = _count_leaves(self._struct)
        return n

    @property
    def num_nodes(self) -> int:
        return _count_nodes(self._struct)

    def children(self) -> list[PyTreeDef]:
        if self._struct is None:
            return []
        return [PyTreeDef(c) for c in self._struct[2]]

    def node_data(self):
        """``(node_type, aux_data)`` of the root node, or ``None`` for a leaf."""
        if self._struct is None:
            return None
        t, aux, _ = self._struct
        if t is dict:
            return (t, list(aux))
        return (t, aux)

    def unflatten(self, leaves: Iterable[Any]) -> Any:
        leaves = leaves if isinstance(leaves, (list, tuple)) else list(leaves)
        n = self.num_leaves
        if len(leaves) != n:
            if len(leaves) < n:
                raise ValueError(f"Too few leaves for PyTreeDef; expected {n}, got {len(leaves)}")
            raise ValueError(f"Too many leaves for PyTreeDef; expected {n}.")
        return _unflatten(self._struct, iter(leaves))

    def flatten_up_to(self, xs: Any, *, _name: str = "tree") -> list:
        """The subtrees of ``xs`` at this treedef's leaf positions; ``xs`` must
        have this structure as a prefix."""
        out: list = []
        try:
            _flatten_up_to(self._struct, xs, out)
        except _Mismatch:
            raise ValueError(_structure_error(self._struct, xs, _name)) from None
        return out

    def compose(self, inner: PyTreeDef) -> PyTreeDef:
        """The treedef with ``inner`` substituted at each of this one's leaves."""
        return PyTreeDef(_compose(self._struct, inner._struct), self.num_leaves * inner.num_leaves)

    def __eq__(self, other):
        if not isinstance(other, PyTreeDef):
            return NotImplemented
        return self is other or self._struct == other._struct

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        h = self._hash
        if h is None:
            h = self._hash = hash(("PyTreeDef", self._struct))
        return h

    def __repr__(self):
        return f"PyTreeDef({_repr(self._struct)})"

    def __reduce__(self):
        return (PyTreeDef, (self._struct, self._num_leaves))


_LEAF_TREEDEF = PyTreeDef(None, 1)


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
    all_leaves = [leaves] + [treedef.flatten_up_to(r, _name="tree_map tree") for r in rest]
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
    return lst == tree_leaves(lst, is_leaf)


def is_tree_node(x: Any) -> bool:
    """True if ``x`` is a pytree node (not a leaf)."""
    return _flatten(x, [], lambda y: y is not x) is not None


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


def _flatten_with_path(x, path, out, is_leaf):
    if is_leaf is not None and is_leaf(x):
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


def tree_flatten_with_path(
    tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> tuple[list[tuple[KeyPath, Any]], PyTreeDef]:
    """Like :func:`tree_flatten`, but each leaf comes with its key path."""
    out: list = []
    struct = _flatten_with_path(tree, (), out, is_leaf)
    return out, PyTreeDef(struct, len(out))


def tree_leaves_with_path(
    tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> list[tuple[KeyPath, Any]]:
    return tree_flatten_with_path(tree, is_leaf)[0]


def tree_map_with_path(
    f: Callable[..., Any],
    tree: Any,
    *rest: Any,
    is_leaf: Callable[[Any], bool] | None = None,
) -> Any:
    """Like :func:`tree_map`, but ``f`` is called as ``f(path, leaf, *others)``."""
    path_leaves, treedef = tree_flatten_with_path(tree, is_leaf)
    paths = [p for p, _ in path_leaves]
    leaves = [x for _, x in path_leaves]
    all_leaves = [paths, leaves] + [treedef.flatten_up_to(r, _name="tree_map tree") for r in rest]
    return treedef.unflatten([f(*xs) for xs in zip(*all_leaves)])
