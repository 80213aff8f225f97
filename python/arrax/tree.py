"""arrax.tree: the short names of arrax.tree_util (as ``jax.tree``): map, leaves, structure,
flatten, unflatten, reduce, reduce_associative, all, transpose, broadcast, map_with_path,
leaves_with_path, flatten_with_path, and ``static`` for dataclass fields."""

import dataclasses as _dataclasses

from arrax import tree_util as _tu

map = _tu.tree_map  # noqa: A001 (JAX's name)
leaves = _tu.tree_leaves
structure = _tu.tree_structure
flatten = _tu.tree_flatten
unflatten = _tu.tree_unflatten
transpose = _tu.tree_transpose
reduce = _tu.tree_reduce  # noqa: A001
reduce_associative = _tu.tree_reduce_associative
all = _tu.tree_all  # noqa: A001
broadcast = _tu.tree_broadcast
map_with_path = _tu.tree_map_with_path
leaves_with_path = _tu.tree_leaves_with_path
flatten_with_path = _tu.tree_flatten_with_path


def static(**kwargs):
    """``dataclasses.field`` with ``metadata={"static": True}``: a field that
    ``tree_util.register_dataclass`` makes static aux data, not a child."""
    metadata = {"static": True, **(kwargs.pop("metadata", {}) or {})}
    return _dataclasses.field(metadata=metadata, **kwargs)
