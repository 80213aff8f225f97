"""``arrax.flatten_util.ravel_pytree`` (``jax.flatten_util``): a pytree of arrays as one flat
vector and back, for code that wants a single parameter vector (optimizers, Hessians, ...)."""

import warnings

import numpy as onp

import arrax.numpy as jnp
from arrax import tree_util

__all__ = ["ravel_pytree"]


class _Unravel:
    """The ``unravel`` function of :func:`ravel_pytree`. An object, not a closure, so that
    two of them for the same structure, shapes and dtypes are equal and hash alike: passed
    as a static ``jit`` argument, the second one finds the first one's trace (as JAX's
    ``HashablePartial``)."""

    __slots__ = ("_treedef", "_shapes", "_dtypes", "_flat_dtype", "_total", "_splits")

    def __init__(self, treedef, shapes, dtypes, flat_dtype):
        self._treedef = treedef
        self._shapes = tuple(shapes)
        # None when every leaf has the flat dtype: then unravel keeps the dtype of the
        # vector it is given (JAX's dtype-polymorphic unravel, e.g. for a boolean mask).
        self._dtypes = tuple(dtypes) if dtypes is not None else None
        self._flat_dtype = flat_dtype
        sizes = [int(onp.prod(s, dtype=onp.int64)) for s in self._shapes]
        self._total = int(sum(sizes))
        self._splits = tuple(onp.cumsum(sizes)[:-1].tolist())

    def _key(self):
        return (self._treedef, self._shapes, self._dtypes, self._flat_dtype)

    def __eq__(self, other):
        return type(other) is _Unravel and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __call__(self, flat_vector):
        flat_vector = jnp.asarray(flat_vector)
        if flat_vector.shape != (self._total,):
            raise ValueError(
                f"ravel_pytree: unravel expected an array of shape ({self._total},), got "
                f"{flat_vector.shape}"
            )
        if not self._shapes:
            return tree_util.tree_unflatten(self._treedef, [])
        if self._dtypes is not None and flat_vector.dtype != self._flat_dtype:
            # Leaves of several dtypes were promoted into the vector: casting another
            # dtype back to each leaf's would be silent precision loss, so JAX refuses.
            raise TypeError(
                f"ravel_pytree: unravel function given array of dtype {flat_vector.dtype}, "
                f"but expected dtype {self._flat_dtype}"
            )
        if len(self._shapes) > 1:
            pieces = jnp.split(flat_vector, list(self._splits))
        else:
            pieces = [flat_vector]
        out = [p.reshape(s) for p, s in zip(pieces, self._shapes)]
        if self._dtypes is not None:
            # A complex vector's real part goes back to a real leaf without a ComplexWarning
            # (JAX's convert_element_type(..., warn_on_complex_to_real_cast=False)).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", jnp.ComplexWarning)
                out = [p.astype(d) for p, d in zip(out, self._dtypes)]
        return tree_util.tree_unflatten(self._treedef, out)


def ravel_pytree(pytree):
    """Returns ``(flat, unravel)``: ``flat`` holds every leaf raveled and concatenated in tree
    order, in the dtype the leaves promote to; ``unravel(flat)`` rebuilds the tree with each
    leaf's shape (and, for leaves of mixed dtypes, each leaf's dtype; with a single dtype it
    keeps the given vector's). Both trace, differentiate and batch."""
    leaves, treedef = tree_util.tree_flatten(pytree)
    leaves = [jnp.asarray(x) for x in leaves]
    if not leaves:
        return jnp.zeros((0,), jnp.float32), _Unravel(treedef, (), None, None)
    dtypes = [x.dtype for x in leaves]
    flat_dtype = jnp.result_type(*dtypes)
    single = all(d == flat_dtype for d in dtypes)
    flat = jnp.concatenate([jnp.ravel(x).astype(flat_dtype) for x in leaves])
    unravel = _Unravel(treedef, [x.shape for x in leaves], None if single else dtypes, flat_dtype)
    return flat, unravel
