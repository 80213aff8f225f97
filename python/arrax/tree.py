"""arrax.tree: the short names of arrax.tree_util (as ``jax.tree``): map, leaves, structure,
flatten, unflatten, reduce, all, transpose, map_with_path, leaves_with_path, flatten_with_path."""

from arrax import tree_util as _tu

map = _tu.tree_map  # noqa: A001 (JAX's name)
leaves = _tu.tree_leaves
structure = _tu.tree_structure
flatten = _tu.tree_flatten
unflatten = _tu.tree_unflatten
transpose = _tu.tree_transpose
reduce = _tu.tree_reduce  # noqa: A001
all = _tu.tree_all  # noqa: A001
map_with_path = _tu.tree_map_with_path
leaves_with_path = _tu.tree_leaves_with_path
flatten_with_path = _tu.tree_flatten_with_path
