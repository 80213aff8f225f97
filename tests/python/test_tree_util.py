"""Tests for arrax.tree_util (pytrees), checked against JAX's semantics and,
where ``jax`` is importable, against ``jax.tree_util`` itself."""

import collections
import dataclasses
import operator
import pickle
from typing import NamedTuple

import pytest
from arrax import tree_util as tu

Point = collections.namedtuple("Point", "x y")


class Pair(NamedTuple):
    a: object
    b: object


class TupleSub(tuple):
    pass


class ListSub(list):
    pass


class DictSub(dict):
    pass


@tu.register_pytree_node_class
class Box:
    """Custom node: children (value,), aux = label."""

    def __init__(self, value, label):
        self.value = value
        self.label = label

    def tree_flatten(self):
        return (self.value,), self.label

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(children[0], aux)

    def __eq__(self, other):
        return type(other) is Box and (self.value, self.label) == (other.value, other.label)

    def __repr__(self):
        return f"Box({self.value!r}, {self.label!r})"


@tu.register_dataclass
@dataclasses.dataclass
class Params:
    w: object
    b: object
    name: str = dataclasses.field(default="p", metadata={"static": True})


@dataclasses.dataclass
class Explicit:
    x: object
    y: object
    tag: str


tu.register_dataclass(Explicit, data_fields=["x", "y"], meta_fields=["tag"])


def sample_trees():
    return [
        1,
        None,
        (),
        [],
        {},
        (1,),
        (1, [2, 3], {"a": 4}),
        [None, 1, (None,)],
        {"b": 1, "a": [2, 3], "c": {"z": 4, "y": (5, None)}},
        Point(1, (2, 3)),
        Pair([1, 2], {"k": 3}),
        collections.OrderedDict([("b", 1), ("a", [2, 3])]),
        collections.defaultdict(list, {"b": 1, "a": 2}),
        TupleSub((1, 2)),
        ListSub([1, 2]),
        DictSub(a=1),
        [((1, 2), [3, [4, [5]]]), {"x": None, "y": ()}],
        {1: "a", 3: "b", 2: "c"},
        "string leaf",
        [1.5, 2j, True, b"bytes"],
    ]


# ---------------------------------------------------------------------------
# Basic semantics
# ---------------------------------------------------------------------------


def test_flatten_basic():
    leaves, td = tu.tree_flatten((1, [2, 3], {"a": 4}))
    assert leaves == [1, 2, 3, 4]
    assert repr(td) == "PyTreeDef((*, [*, *], {'a': *}))"
    assert td.num_leaves == 4
    assert td.num_nodes == 7
    assert [repr(c) for c in td.children()] == [
        "PyTreeDef(*)",
        "PyTreeDef([*, *])",
        "PyTreeDef({'a': *})",
    ]


def test_dict_keys_sorted_and_unflatten_order():
    leaves, td = tu.tree_flatten({"b": 1, "a": 2, "c": 3})
    assert leaves == [2, 1, 3]
    out = tu.tree_unflatten(td, [10, 20, 30])
    assert out == {"a": 10, "b": 20, "c": 30}
    assert list(out) == ["a", "b", "c"]
    # Key order of the input does not matter for the structure.
    assert tu.tree_structure({"a": 1, "b": 2}) == tu.tree_structure({"b": 1, "a": 2})


def test_unsortable_dict_keys():
    with pytest.raises(ValueError, match="sorting pytree dictionary keys"):
        tu.tree_flatten({1: 2, "a": 3})


def test_none_is_empty_node():
    leaves, td = tu.tree_flatten(None)
    assert leaves == []
    assert td.num_leaves == 0 and td.num_nodes == 1
    assert repr(td) == "PyTreeDef(None)"
    assert tu.tree_unflatten(td, []) is None
    assert tu.tree_leaves([None, 1, {"a": None}]) == [1]
    assert tu.tree_leaves([None, 1], is_leaf=lambda x: x is None) == [None, 1]
    assert tu.tree_map(lambda x: x + 1, [None, 1]) == [None, 2]


def test_namedtuple_ordereddict_defaultdict():
    p = Point(1, (2, 3))
    leaves, td = tu.tree_flatten(p)
    assert leaves == [1, 2, 3]
    out = tu.tree_unflatten(td, [4, 5, 6])
    assert type(out) is Point and out == Point(4, (5, 6))
    assert repr(td) == "PyTreeDef(CustomNode(namedtuple[Point], [*, (*, *)]))"
    assert tu.tree_structure(Point(1, 2)) != tu.tree_structure((1, 2))
    assert tu.tree_structure(Point(1, 2)) != tu.tree_structure(Pair(1, 2))

    od = collections.OrderedDict([("b", 1), ("a", 2)])
    leaves, td = tu.tree_flatten(od)
    assert leaves == [1, 2]
    out = tu.tree_unflatten(td, [3, 4])
    assert type(out) is collections.OrderedDict and list(out.items()) == [("b", 3), ("a", 4)]
    assert td != tu.tree_structure(collections.OrderedDict([("a", 1), ("b", 2)]))
    assert td != tu.tree_structure({"b": 1, "a": 2})

    dd = collections.defaultdict(list, {"b": 1, "a": 2})
    leaves, td = tu.tree_flatten(dd)
    assert leaves == [2, 1]
    out = tu.tree_unflatten(td, [5, 6])
    assert type(out) is collections.defaultdict and out.default_factory is list
    assert out == {"a": 5, "b": 6}
    assert td != tu.tree_structure(collections.defaultdict(set, {"b": 1, "a": 2}))


def test_subclasses_are_leaves():
    for x in (TupleSub((1, 2)), ListSub([1]), DictSub(a=1)):
        assert tu.tree_leaves(x) == [x]
        assert tu.treedef_is_strict_leaf(tu.tree_structure(x))


def test_arrays_are_leaves():
    np = pytest.importorskip("numpy")
    a = np.arange(3)
    leaves, td = tu.tree_flatten({"a": a, "b": [a, 2.0]})
    assert leaves[0] is a and leaves[1] is a and leaves[2] == 2.0
    import arrax.numpy as anp

    x = anp.ones(3)
    got = tu.tree_leaves([x, (x,)])
    assert len(got) == 2 and got[0] is x and got[1] is x
    assert tu.tree_structure([x]) == tu.tree_structure([1])


def test_roundtrip_all_samples():
    for t in sample_trees():
        leaves, td = tu.tree_flatten(t)
        back = tu.tree_unflatten(td, leaves)
        assert tu.tree_structure(back) == td
        assert tu.tree_leaves(back) == leaves
        assert type(back) is type(t)


def test_unflatten_leaf_count_errors():
    td = tu.tree_structure([1, 2])
    with pytest.raises(ValueError, match="Too few leaves for PyTreeDef; expected 2, got 1"):
        tu.tree_unflatten(td, [1])
    with pytest.raises(ValueError, match="Too many leaves for PyTreeDef; expected 2"):
        tu.tree_unflatten(td, [1, 2, 3])
    # Any iterable works.
    assert tu.tree_unflatten(td, iter([7, 8])) == [7, 8]


def test_is_leaf():
    tree = {"a": (1, 2), "b": [(3, 4), 5]}
    leaves = tu.tree_leaves(tree, is_leaf=lambda x: isinstance(x, tuple))
    assert leaves == [(1, 2), (3, 4), 5]
    out = tu.tree_map(
        lambda x: "T" if isinstance(x, tuple) else x, tree, is_leaf=lambda x: isinstance(x, tuple)
    )
    assert out == {"a": "T", "b": ["T", 5]}
    # is_leaf is applied to the root too.
    assert tu.tree_leaves([1, 2], is_leaf=lambda x: isinstance(x, list)) == [[1, 2]]


# ---------------------------------------------------------------------------
# PyTreeDef: hashing, equality, methods
# ---------------------------------------------------------------------------


def test_treedef_hash_and_equality():
    a = tu.tree_structure((1, [2, 3], {"a": 4}))
    b = tu.tree_structure(("x", ["y", None.__class__], {"a": 0.5}))
    assert a == b and hash(a) == hash(b)
    assert len({a, b}) == 1
    assert a != tu.tree_structure((1, (2, 3), {"a": 4}))
    assert a != tu.tree_structure((1, [2, 3], {"b": 4}))
    assert a != tu.tree_structure((1, [2, 3, 4], {"a": 4}))
    assert tu.tree_structure([1]) != tu.tree_structure((1,))
    assert tu.tree_structure(None) == tu.tree_structure(None)
    assert tu.tree_structure(None) != tu.tree_structure(1)
    assert tu.tree_structure([None]) != tu.tree_structure([1])
    assert tu.tree_structure([1]) != 1
    assert not (tu.tree_structure([1]) == [1])
    cache = {a: "hit"}
    assert cache[tu.tree_structure((0, [0, 0], {"a": 0}))] == "hit"


def test_treedef_static_aux_in_equality_and_hash():
    t1 = tu.tree_structure(Box(1, "x"))
    t2 = tu.tree_structure(Box(2, "x"))
    t3 = tu.tree_structure(Box(1, "y"))
    assert t1 == t2 and hash(t1) == hash(t2)
    assert t1 != t3
    p1 = tu.tree_structure(Params(1, 2, name="a"))
    p2 = tu.tree_structure(Params(3, 4, name="a"))
    p3 = tu.tree_structure(Params(1, 2, name="b"))
    assert p1 == p2 and hash(p1) == hash(p2) and p1 != p3
    assert {p1: 0, p3: 1}[p2] == 0


def test_treedef_pickle():
    td = tu.tree_structure({"a": [1, (2, None)], "b": Point(1, 2)})
    td2 = pickle.loads(pickle.dumps(td))
    assert td2 == td and hash(td2) == hash(td)
    assert tu.tree_unflatten(td2, [1, 2, 3, 4]) == {"a": [1, (2, None)], "b": Point(3, 4)}


def test_treedef_methods():
    td = tu.tree_structure([1, (2, 3)])
    assert td.unflatten(["a", "b", "c"]) == ["a", ("b", "c")]
    assert td.flatten_up_to([{"k": 1}, (2, [3])]) == [{"k": 1}, 2, [3]]
    assert td.node_data() == (list, None)
    assert tu.tree_structure({"b": 1, "a": 2}).node_data() == (dict, ["a", "b"])
    assert tu.tree_structure(1).node_data() is None
    assert tu.tree_structure(1).children() == []
    composed = tu.tree_structure([1, 2]).compose(tu.tree_structure((1, None)))
    assert repr(composed) == "PyTreeDef([(*, None), (*, None)])"
    assert composed.num_leaves == 2
    assert tu.treedef_children(td) == td.children()
    tt = tu.treedef_tuple([tu.tree_structure(1), tu.tree_structure([1])])
    assert repr(tt) == "PyTreeDef((*, [*]))" and tt.num_leaves == 2


def test_treedef_is_leaf_and_all_leaves():
    assert tu.treedef_is_leaf(tu.tree_structure(1))
    assert tu.treedef_is_leaf(tu.tree_structure(None))
    assert tu.treedef_is_leaf(tu.tree_structure(()))
    assert not tu.treedef_is_leaf(tu.tree_structure([1]))
    assert tu.treedef_is_strict_leaf(tu.tree_structure(1))
    assert not tu.treedef_is_strict_leaf(tu.tree_structure(None))
    assert tu.all_leaves([1, 2, "a"])
    assert not tu.all_leaves([1, None])
    assert not tu.all_leaves([1, (2,)])
    assert tu.all_leaves([1, (2,)], is_leaf=lambda x: isinstance(x, tuple))


def test_reprs():
    cases = [
        ((1,), "PyTreeDef((*,))"),
        (((), [], {}, None), "PyTreeDef(((), [], {}, None))"),
        (1, "PyTreeDef(*)"),
        (Box(1, "x"), "PyTreeDef(CustomNode(Box[x], [*]))"),
        (
            collections.OrderedDict([("b", 1), ("a", 2)]),
            "PyTreeDef(CustomNode(OrderedDict[('b', 'a')], [*, *]))",
        ),
        (Params(1, 2), "PyTreeDef(CustomNode(Params[('p',)], [*, *]))"),
    ]
    for tree, expected in cases:
        assert repr(tu.tree_structure(tree)) == expected


# ---------------------------------------------------------------------------
# tree_map and friends
# ---------------------------------------------------------------------------


def test_tree_map_multiple_trees():
    out = tu.tree_map(
        lambda x, y, z: x + y * z,
        {"a": 1, "b": (2, 3)},
        {"a": 10, "b": (20, 30)},
        {"b": (2, 2), "a": 1},
    )
    assert out == {"a": 11, "b": (42, 63)}


def test_tree_map_prefix_semantics():
    # Rest trees may have subtrees where the first tree has leaves.
    assert tu.tree_map(lambda x, y: (x, y), [1, 2], [(1, 2), 3]) == [(1, (1, 2)), (2, 3)]


@pytest.mark.parametrize(
    "a, b, pattern",
    [
        ((1, 2), (1, 2, 3), "different lengths of tuple"),
        ([1, 2], [1], "different lengths of list"),
        ((1, 2), [1, 2], "different types"),
        (None, 1, "different types"),
        (Point(1, 2), (1, 2), "different types"),
        (Point(1, 2), Pair(1, 2), "different types"),
        ({"a": 1}, collections.OrderedDict(a=1), "different types"),
        ({"a": 1, "b": 2}, {"a": 1, "c": 2}, "different pytree metadata"),
        ({"a": 1}, {"a": 1, "b": 2}, "different numbers of pytree children"),
        (Box(1, "x"), Box(1, "y"), "different pytree metadata"),
        (
            collections.OrderedDict(a=1, b=2),
            collections.OrderedDict(b=1, a=2),
            "different pytree metadata",
        ),
        (Params(1, 2, "a"), Params(1, 2, "b"), "different pytree metadata"),
    ],
)
def test_tree_map_mismatch_errors(a, b, pattern):
    with pytest.raises(ValueError, match=pattern) as info:
        tu.tree_map(lambda *x: x, a, b)
    assert "tree_map tree" in str(info.value)


def test_tree_map_mismatch_names_key_path():
    with pytest.raises(ValueError) as info:
        tu.tree_map(lambda *x: x, {"p": [1, (2, 3)]}, {"p": [1, (2,)]})
    msg = str(info.value)
    assert "tree_map tree['p'][1]" in msg
    assert "of length 2" in msg and "of length 1" in msg


def test_tree_reduce_and_all():
    assert tu.tree_reduce(operator.add, [1, (2, 3), {"a": 4}]) == 10
    assert tu.tree_reduce(operator.add, [], 5) == 5
    assert tu.tree_reduce(operator.add, [[1], 2], initializer=10) == 13
    with pytest.raises(TypeError):
        tu.tree_reduce(operator.add, [])
    assert tu.tree_all([True, (1, {"a": True})])
    assert not tu.tree_all([True, (0,)])
    assert tu.tree_all([])


def test_tree_transpose():
    outer = tu.tree_structure([0, 0])
    inner = tu.tree_structure((0, 0, 0))
    tree = [(1, 2, 3), (4, 5, 6)]
    assert tu.tree_transpose(outer, inner, tree) == ([1, 4], [2, 5], [3, 6])
    assert tu.tree_transpose(outer, None, tree) == ([1, 4], [2, 5], [3, 6])
    with pytest.raises(TypeError, match="Mismatch"):
        tu.tree_transpose(outer, tu.tree_structure((0, 0)), tree)


# ---------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------


def test_register_pytree_node():
    class Special:
        def __init__(self, x, y):
            self.x, self.y = x, y

    tu.register_pytree_node(Special, lambda s: ((s.x, s.y), None), lambda aux, ch: Special(*ch))
    s = tu.tree_map(lambda v: v * 2, Special(1, [2, 3]))
    assert type(s) is Special and s.x == 2 and s.y == [4, 6]
    with pytest.raises(ValueError, match="Duplicate custom PyTreeDef type registration"):
        tu.register_pytree_node(Special, lambda s: ((), None), lambda a, c: None)
    with pytest.raises(ValueError, match="Duplicate"):
        tu.register_pytree_node(tuple, lambda s: ((), None), lambda a, c: None)


def test_register_pytree_node_class():
    b = tu.tree_map(lambda v: v + 1, Box({"a": 1}, "lbl"))
    assert b == Box({"a": 2}, "lbl")
    assert tu.tree_leaves([Box(1, "x"), Box((2, 3), "y")]) == [1, 2, 3]


def test_register_dataclass_decorator_and_explicit():
    p = Params(w=1.0, b=[2.0], name="layer")
    leaves, td = tu.tree_flatten(p)
    assert leaves == [1.0, 2.0]
    q = tu.tree_unflatten(td, [3.0, 4.0])
    assert q == Params(3.0, [4.0], "layer")
    e = tu.tree_map(lambda v: v * 10, Explicit(1, (2,), "t"))
    assert e == Explicit(10, (20,), "t")
    assert tu.tree_structure(Explicit(1, 2, "t")) != tu.tree_structure(Explicit(1, 2, "u"))


def test_register_dataclass_validation():
    @dataclasses.dataclass
    class Bad:
        a: int
        b: int

    with pytest.raises(ValueError, match="Unmentioned fields"):
        tu.register_dataclass(Bad, data_fields=["a"], meta_fields=[])
    with pytest.raises(TypeError):
        tu.register_dataclass(Bad, data_fields=["a"])

    class NotDC:
        pass

    with pytest.raises(TypeError):
        tu.register_dataclass(NotDC)


def test_register_pytree_with_keys():
    class KV:
        def __init__(self, a, b):
            self.a, self.b = a, b

    tu.register_pytree_with_keys(
        KV,
        lambda x: (((tu.GetAttrKey("a"), x.a), (tu.GetAttrKey("b"), x.b)), None),
        lambda aux, ch: KV(*ch),
    )
    paths = [tu.keystr(p) for p, _ in tu.tree_leaves_with_path({"k": KV(1, [2])})]
    assert paths == ["['k'].a", "['k'].b[0]"]
    assert tu.tree_leaves(KV(1, [2])) == [1, 2]


def test_register_static():
    @tu.register_static
    class Cfg:
        def __init__(self, n):
            self.n = n

        def __eq__(self, other):
            return isinstance(other, Cfg) and other.n == self.n

        def __hash__(self):
            return hash(self.n)

    leaves, td = tu.tree_flatten([Cfg(3), 1])
    assert leaves == [1]
    assert td == tu.tree_structure([Cfg(3), 2]) != tu.tree_structure([Cfg(4), 2])
    assert tu.tree_unflatten(td, [5])[0].n == 3


def test_partial():
    p = tu.Partial(lambda a, b, c=0: a + b + c, 1, c=3)
    assert tu.tree_leaves(p) == [1, 3]
    q = tu.tree_map(lambda v: v * 10, p)
    assert isinstance(q, tu.Partial) and q(2) == 10 + 2 + 30
    assert tu.tree_structure(p) == tu.tree_structure(q)
    r = tu.Partial(p, 5)
    assert r() == 1 + 5 + 3


def test_flatten_one_level_and_is_tree_node():
    assert tu.flatten_one_level([1, (2,)]) == ([1, (2,)], None)
    assert tu.flatten_one_level({"b": 1, "a": 2}) == ((2, 1), ("a", "b"))
    with pytest.raises(ValueError, match="can't tree-flatten"):
        tu.flatten_one_level(1)
    assert tu.is_tree_node([1]) and tu.is_tree_node(None) and tu.is_tree_node(Box(1, "x"))
    assert not tu.is_tree_node(1) and not tu.is_tree_node(TupleSub((1,)))


# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------


def test_flatten_with_path():
    tree = {"a": [1, Point(2, 3)], "b": Box(4, "z"), "c": collections.OrderedDict(z=5)}
    pl, td = tu.tree_flatten_with_path(tree)
    assert [x for _, x in pl] == [1, 2, 3, 4, 5]
    assert td == tu.tree_structure(tree)
    assert pl[0][0] == (tu.DictKey("a"), tu.SequenceKey(0))
    assert pl[2][0] == (tu.DictKey("a"), tu.SequenceKey(1), tu.GetAttrKey("y"))
    assert pl[3][0] == (tu.DictKey("b"), tu.FlattenedIndexKey(0))
    assert [tu.keystr(p) for p, _ in pl] == [
        "['a'][0]",
        "['a'][1].x",
        "['a'][1].y",
        "['b'][<flat index 0>]",
        "['c']['z']",
    ]
    assert [tu.keystr(p, simple=True, separator="/") for p, _ in pl] == [
        "a/0",
        "a/1/x",
        "a/1/y",
        "b/0",
        "c/z",
    ]
    assert repr(tu.SequenceKey(0)) == "SequenceKey(idx=0)"
    assert repr(tu.DictKey("a")) == "DictKey(key='a')"
    assert repr(tu.GetAttrKey("x")) == "GetAttrKey(name='x')"
    assert hash(tu.DictKey("a")) == hash(tu.DictKey("a"))


def test_dataclass_paths_and_map_with_path():
    p = Params(1, 2)
    assert [tu.keystr(k) for k, _ in tu.tree_leaves_with_path(p)] == [".w", ".b"]
    out = tu.tree_map_with_path(
        lambda path, x, y: (tu.keystr(path), x + y), [1, {"a": 2}], [10, {"a": 20}]
    )
    assert out == [("[0]", 11), {"a": ("[1]['a']", 22)}]
    leaves = tu.tree_leaves_with_path([None, 1], is_leaf=lambda x: x is None)
    assert leaves == [((tu.SequenceKey(0),), None), ((tu.SequenceKey(1),), 1)]


def test_package_exports_tree_util():
    import arrax

    assert arrax.tree_util is tu
    assert "tree_util" in arrax.__all__


# ---------------------------------------------------------------------------
# Cross-check against jax.tree_util
# ---------------------------------------------------------------------------


def _register_in_jax(jtu):
    """Register the test-local custom types with JAX too (once)."""
    if getattr(_register_in_jax, "done", False):
        return
    jtu.register_pytree_node(Box, lambda b: ((b.value,), b.label), Box.tree_unflatten)
    jtu.register_dataclass(Params, data_fields=["w", "b"], meta_fields=["name"])
    _register_in_jax.done = True


def _jax_samples():
    return sample_trees() + [
        Box(1, "x"),
        [Box({"a": (1, 2)}, "y"), Params([1, 2], {"q": 3}, "n")],
        {"params": [Params(1, 2), Params(3, None)], "opt": (Point(1, 2), [Box(3, "s")])},
    ]


def test_cross_check_flatten_with_jax():
    jax = pytest.importorskip("jax")
    jtu = jax.tree_util
    _register_in_jax(jtu)
    for t in _jax_samples():
        leaves, td = tu.tree_flatten(t)
        jleaves, jtd = jtu.tree_flatten(t)
        assert [str(x) for x in leaves] == [str(x) for x in jleaves], t
        assert td.num_leaves == jtd.num_leaves, t
        assert td.num_nodes == jtd.num_nodes, t
        assert repr(td) == repr(jtd), t
        assert len(td.children()) == len(jtd.children()), t
        assert tu.treedef_is_leaf(td) == jtu.treedef_is_leaf(jtd), t
        back = tu.tree_unflatten(td, [str(x) for x in leaves])
        jback = jtu.tree_unflatten(jtd, [str(x) for x in jleaves])
        assert repr(back) == repr(jback), t


def test_cross_check_paths_with_jax():
    jax = pytest.importorskip("jax")
    jtu = jax.tree_util
    _register_in_jax(jtu)
    for t in _jax_samples():
        ours = [(tu.keystr(p), str(x)) for p, x in tu.tree_flatten_with_path(t)[0]]
        theirs = [(jtu.keystr(p), str(x)) for p, x in jtu.tree_flatten_with_path(t)[0]]
        assert ours == theirs, t


def test_cross_check_structure_equality_with_jax():
    jax = pytest.importorskip("jax")
    jtu = jax.tree_util
    _register_in_jax(jtu)
    trees = _jax_samples() + [
        (2, [3, 4], {"a": 5}),
        {"a": 1, "b": 2},
        {"a": 1, "c": 2},
        Box(2, "x"),
        Box(1, "q"),
        Point(3, (4, 5)),
        (1, (2, 3)),
        Params(5, 6),
        Params(5, 6, "other"),
        collections.OrderedDict([("a", 1), ("b", [2, 3])]),
        collections.defaultdict(set, {"b": 1, "a": 2}),
        [None, 2, (None,)],
        [1, 2, (None,)],
    ]
    ours = [tu.tree_structure(t) for t in trees]
    theirs = [jtu.tree_structure(t) for t in trees]
    for i in range(len(trees)):
        for j in range(len(trees)):
            assert (ours[i] == ours[j]) == (theirs[i] == theirs[j]), (trees[i], trees[j])
            if ours[i] == ours[j]:
                assert hash(ours[i]) == hash(ours[j])


def test_cross_check_is_leaf_and_all_leaves_with_jax():
    jax = pytest.importorskip("jax")
    jtu = jax.tree_util
    tree = {"a": (1, None), "b": [(3, 4), 5, None]}
    for pred in (lambda x: isinstance(x, tuple), lambda x: x is None, lambda x: False):
        assert tu.tree_leaves(tree, is_leaf=pred) == jtu.tree_leaves(tree, is_leaf=pred)
        assert repr(tu.tree_structure(tree, is_leaf=pred)) == repr(
            jtu.tree_structure(tree, is_leaf=pred)
        )
    for it in ([1, 2], [1, None], [1, (2,)], [], ["a", 1.5]):
        assert tu.all_leaves(it) == jtu.all_leaves(it)


def test_cross_check_tree_map_errors_with_jax():
    jax = pytest.importorskip("jax")
    jtu = jax.tree_util
    pairs = [
        ((1, 2), (1, 2, 3)),
        ((1, 2), [1, 2]),
        ({"a": 1, "b": 2}, {"a": 1, "c": 2}),
        ({"a": 1}, {"a": 1, "b": 2}),
        (None, 1),
        ({"p": [1, (2, 3)]}, {"p": [1, (2,)]}),
    ]
    for a, b in pairs:
        with pytest.raises(ValueError) as ours:
            tu.tree_map(lambda *x: x, a, b)
        with pytest.raises(ValueError) as theirs:
            jtu.tree_map(lambda *x: x, a, b)
        first = lambda e: str(e.value).splitlines()[:2]  # noqa: E731
        assert first(ours) == first(theirs), (a, b)


def test_flatten_speed_reasonable():
    # Not a benchmark; guards against accidental quadratic behaviour.
    import time

    tree = [{"w": i, "b": (i, [i, None])} for i in range(2000)]
    t0 = time.perf_counter()
    for _ in range(5):
        leaves, td = tu.tree_flatten(tree)
        tu.tree_unflatten(td, leaves)
        hash(tu.tree_structure(tree))
    assert time.perf_counter() - t0 < 5.0
    assert len(leaves) == 6000
