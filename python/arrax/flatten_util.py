"""``arrax.flatten_util.ravel_pytree`` (``jax.flatten_util``): a pytree of arrays as one flat
vector and back, for code that wants a single parameter vector (optimizers, Hessians, ...)."""

import numpy as onp

import arrax.numpy as jnp
from arrax import tree_util

__all__ = ["ravel_pytree"]


def ravel_pytree(pytree):
    """Returns ``(flat, unravel)``: ``flat`` holds every leaf raveled and concatenated in tree
    order, in the dtype the leaves promote to; ``unravel(flat)`` rebuilds the tree with each
    leaf's shape and dtype. Both trace, differentiate and batch."""
    leaves, treedef = tree_util.tree_flatten(pytree)
    leaves = [jnp.asarray(x) for x in leaves]
    if not leaves:
        return jnp.zeros((0,), jnp.float32), lambda flat: tree_util.tree_unflatten(treedef, [])
    shapes = [x.shape for x in leaves]
    dtypes = [x.dtype for x in leaves]
    sizes = [x.size for x in leaves]
    flat_dtype = jnp.result_type(*dtypes)
    flat = jnp.concatenate([jnp.ravel(x).astype(flat_dtype) for x in leaves])
    total = int(sum(sizes))
    splits = onp.cumsum(sizes)[:-1].tolist()

    def unravel(flat_vector):
        flat_vector = jnp.asarray(flat_vector)
        if flat_vector.shape != (total,):
            raise ValueError(
                f"ravel_pytree: unravel expected an array of shape ({total},), got "
                f"{flat_vector.shape}"
            )
        if flat_vector.dtype != flat_dtype:
            raise TypeError(
                f"ravel_pytree: unravel expected an array of dtype {flat_dtype}, got "
                f"{flat_vector.dtype}"
            )
        pieces = jnp.split(flat_vector, splits) if len(leaves) > 1 else [flat_vector]
        out = [p.reshape(s).astype(d) for p, s, d in zip(pieces, shapes, dtypes)]
        return tree_util.tree_unflatten(treedef, out)

    return flat, unravel
