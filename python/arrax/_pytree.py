"""The pytree machinery behind :mod:`arrax.tree_util`: path key entries, the node
registry, flattening and unflattening, and :class:`PyTreeDef` (with its mismatch
messages). Split from ``tree_util`` by size; ``tree_util`` is the public module.

Internally a treedef is a nested tuple: a leaf is ``None`` and a node is
``(node_type, aux_data, children)``; hashing and comparison therefore run in
C through Python's tuple implementation.
"""

from __future__ import annotations

import collections
import dataclasses
import difflib
from collections.abc import Callable, Hashable, Iterable
from typing import Any, NamedTuple

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

    # The dataclass hash would be hash((key,)), the same as SequenceKey(key)'s; JAX keeps
    # the two kinds of key apart in sets and dicts keyed by path entries.
    def __hash__(self) -> int:
        return hash(("FlattenedIndexKey", self.key))


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
    # Set by register_dataclass: only for flatten_up_to's messages, which name the kind.
    dataclass: bool = False


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


def _sorted_keys(d: dict) -> tuple:
    try:
        return tuple(sorted(d))
    except TypeError:
        raise ValueError(
            "Comparator raised exception while sorting pytree dictionary keys."
        ) from None


# ----------------------------------------------------------------------------
# Flattening / unflattening
# ----------------------------------------------------------------------------


def _bad_flatten(out: Any) -> ValueError:
    # JAX's wording, so that a wrong flatten function is named as such rather than
    # surfacing as an unpacking or iteration error deep inside flattening.
    return ValueError(
        "tree_flatten: The to_iterable function for a custom PyTree node should return a"
        f" (children, aux_data) tuple, got {out!r}"
    )


def _node_flatten(reg: _Registration, x: Any) -> tuple[list, Any]:
    """``reg.flatten(x)`` checked: ``(list of children, aux_data)``."""
    out = reg.flatten(x)
    if not isinstance(out, tuple) or len(out) != 2:
        raise _bad_flatten(out)
    try:
        children = list(out[0])
    except TypeError:
        raise ValueError(
            "tree_flatten: The to_iterable function for a custom PyTree node should return a"
            f" (children, aux_data) tuple where 'children' is iterable, got {out!r}"
        ) from None
    return children, out[1]


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
        children, aux = _node_flatten(reg, x)
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
        children, aux = _node_flatten(reg, x)
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
    return _build(t, aux, [_unflatten(c, it) for c in children])


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


_EQ_ERROR = (
    "Exception raised while checking equality of metadata fields of pytree. Make sure that"
    " metadata fields are hashable and have simple equality semantics. (Note: arrays cannot"
    " be compared for equality and hence cannot be used as metadata fields.)"
)


def _aux_equal(a: Any, b: Any) -> bool:
    """``a == b`` for aux data, with JAX's error when the comparison itself fails (an
    array in a static field compares elementwise and has no truth value)."""
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception as e:
        raise ValueError(f"PyTreeDef: {_EQ_ERROR}") from e


def _struct_hash(node) -> int:
    """Hash of a treedef whose aux data is not all hashable: unhashable aux data is left
    out (equality still compares it), as JAX's treedef hash leaves aux data out."""
    if node is None:
        return 0
    t, aux, children = node
    try:
        h = hash(aux)
    except TypeError:
        h = 1
    return hash((t, h, tuple([_struct_hash(c) for c in children])))


def _build(t, aux, values: list):
    """The node of type ``t`` with aux data ``aux`` and children ``values``."""
    if t is tuple:
        return tuple(values)
    if t is list:
        return values
    if t is dict:
        return dict(zip(aux, values))
    if t is _NoneType:
        return None
    reg = _registry.get(t)
    if reg is not None:
        return reg.unflatten(aux, tuple(values))
    if _is_namedtuple_type(t):
        return t(*values)
    raise ValueError(f"PyTreeDef node type {t} is no longer registered")


def _leaf_count_error(n: int, got: int) -> ValueError:
    if got < n:
        return ValueError(f"Too few leaves for PyTreeDef; expected {n}, got {got}")
    return ValueError(f"Too many leaves for PyTreeDef; expected {n}.")


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
    children, a = _node_flatten(reg, x)
    return [FlattenedIndexKey(i) for i in range(len(children))], a, children


_NONE_PREFIX_NOTE = (
    "\n\nNone is a pytree node with no children, not a prefix of other values. To map over"
    " a tree with None where the other has values, treat None as a leaf, e.g.\n"
    "  arrax.tree.map(lambda x, y: None if x is None else f(x, y), a, b,"
    " is_leaf=lambda x: x is None)"
)


def _flatten_up_to(node, x, out: list) -> None:
    """Append the subtrees of ``x`` at ``node``'s leaf positions to ``out``; raise
    ``_Mismatch`` with JAX's ``flatten_up_to`` wording on the first difference."""
    if node is None:
        out.append(x)
        return
    t, aux, children = node
    if t is tuple or t is list:
        if type(x) is not t:
            raise _Mismatch(f"Expected {t.__name__}, got {x!r}.")
        if len(x) != len(children):
            raise _Mismatch(
                f"{t.__name__.capitalize()} arity mismatch: {len(x)} != {len(children)};"
                f" {t.__name__}: {x!r}."
            )
        for c, xc in zip(children, x):
            _flatten_up_to(c, xc, out)
        return
    if t is dict:
        if type(x) is not dict:
            raise _Mismatch(f"Expected dict, got {x!r}.")
        if len(x) != len(aux) or any(k not in x for k in aux):
            raise _Mismatch(
                f"Dict key mismatch; expected keys: {list(aux)}; present keys:"
                f" {list(_sorted_keys(x))}."
            )
        for c, k in zip(children, aux):
            _flatten_up_to(c, x[k], out)
        return
    if t is _NoneType:
        if x is not None:
            raise _Mismatch(f"Expected None, got {x!r}.{_NONE_PREFIX_NOTE}")
        return
    reg = _registry.get(t)
    if reg is None:  # namedtuple
        if type(x) is not t:
            if not _is_namedtuple_type(type(x)):
                raise _Mismatch(f"Expected named tuple, got {x!r}.")
            raise _Mismatch(f"Named tuple type mismatch: expected type: {t!r}, tuple: {x!r}.")
        xs = x
    else:
        kind = "Custom dataclass node" if reg.dataclass else "Custom node"
        if type(x) is not t:
            raise _Mismatch(f"{kind} type mismatch: expected type: {t!r}, value: {x!r}.")
        xs, xaux = _node_flatten(reg, x)
        if not _aux_equal(xaux, aux):
            data = "custom dataclass node" if reg.dataclass else "custom node"
            raise _Mismatch(f"Mismatch {data} data: {aux!r} != {xaux!r}; value: {x!r}.")
        if len(xs) != len(children):
            raise _Mismatch(
                f"Custom type arity mismatch: {len(xs)} != {len(children)}; value: {x!r}."
            )
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
        if len(leaves) != self.num_leaves:
            raise _leaf_count_error(self.num_leaves, len(leaves))
        return _unflatten(self._struct, iter(leaves))

    def flatten_up_to(self, xs: Any) -> list:
        """The subtrees of ``xs`` at this treedef's leaf positions; ``xs`` must
        have this structure as a prefix (``ValueError`` in JAX's wording if not)."""
        out: list = []
        try:
            _flatten_up_to(self._struct, xs, out)
        except _Mismatch as e:
            raise ValueError(f"flatten_up_to: {e}") from None
        return out

    def _flatten_up_to_or_prefix_error(self, xs: Any, name: str) -> list:
        # tree_map and friends report a mismatch as JAX's prefix errors do (with the key
        # path of the first difference), not with flatten_up_to's one-line message.
        out: list = []
        try:
            _flatten_up_to(self._struct, xs, out)
        except _Mismatch:
            raise ValueError(_structure_error(self._struct, xs, name)) from None
        return out

    def walk(self, f_node: Callable[[Any, Any], Any], f_leaf: Callable | None, leaves):
        """Fold the tree bottom-up: ``f_leaf(leaf)`` at each leaf (the leaf itself when
        ``f_leaf`` is None) and ``f_node(tuple_of_child_results, node_aux_data)`` at
        each node; returns the root's result (as ``jax``'s ``PyTreeDef.walk``)."""
        leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise _leaf_count_error(self.num_leaves, len(leaves))
        it = iter(leaves)

        def go(node):
            if node is None:
                x = next(it)
                return x if f_leaf is None else f_leaf(x)
            t, aux, children = node
            results = tuple([go(c) for c in children])
            return f_node(results, list(aux) if t is dict else aux)

        return go(self._struct)

    @staticmethod
    def from_node_data_and_children(registry, node_data, children) -> PyTreeDef:
        """The treedef with root ``node_data`` (as ``node_data()`` returns it; None for a
        leaf) and the given child treedefs. ``registry`` is ``default_registry``."""
        if node_data is None:
            return _LEAF_TREEDEF
        t, aux = node_data
        if t is dict:
            aux = tuple(aux)
        return PyTreeDef((t, aux, tuple(c._struct for c in children)))

    def from_iterable_tree(self, tree: Any) -> Any:
        """Rebuild this structure from nested iterables: each node of ``tree`` gives its
        children by iteration, in flattening order (as JAX's ``from_iterable_tree``)."""

        def go(node, x):
            if node is None:
                return x
            t, aux, children = node
            xs = list(x)
            if len(xs) != len(children):
                raise ValueError("from_iterable_tree: Arity mismatch between trees")
            return _build(t, aux, [go(c, xc) for c, xc in zip(children, xs)])

        return go(self._struct, tree)

    def compose(self, inner: PyTreeDef) -> PyTreeDef:
        """The treedef with ``inner`` substituted at each of this one's leaves."""
        return PyTreeDef(_compose(self._struct, inner._struct), self.num_leaves * inner.num_leaves)

    def __eq__(self, other):
        if not isinstance(other, PyTreeDef):
            return NotImplemented
        if self is other:
            return True
        try:
            return self._struct == other._struct
        except Exception as e:  # aux data whose == has no truth value (arrays) or raises
            raise ValueError(f"PyTreeDef: {_EQ_ERROR}") from e

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        h = self._hash
        if h is None:
            try:  # the common case, hashed in C through the nested tuples
                h = hash(("PyTreeDef", self._struct))
            except TypeError:  # unhashable aux data (register_static dict, static array)
                h = _struct_hash(self._struct)
            self._hash = h
        return h

    def __repr__(self):
        return f"PyTreeDef({_repr(self._struct)})"

    def __reduce__(self):
        return (PyTreeDef, (self._struct, self._num_leaves))


_LEAF_TREEDEF = PyTreeDef(None, 1)
