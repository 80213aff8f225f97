"""Typed PRNG key arrays, as ``jax.random.key`` makes them.

A typed key array holds the raw ``uint32`` key data (``jax.random.PRNGKey``'s layout) with one
trailing axis of two words, and shows the shape without it: ``random.key(0).shape`` is ``()``
and ``random.split(random.key(0), 3)`` has shape ``(3,)``, dtype ``key<fry>``, as in JAX.
Every sampler takes either kind of key; ``split``, ``fold_in`` and ``clone`` give back the
kind they were given.

The array is a pytree with the data as its one leaf, so it passes through ``jit``, ``vmap``
(its leading axes are the data's), ``grad`` (as a non-differentiable input), ``scan`` and
``cond`` carries unchanged. (In JAX a key array is itself a leaf; ``tree_leaves`` of a typed
key here gives its data.)
"""

from __future__ import annotations

import numpy as _onp

from arrax._pytree import register_pytree_node
from arrax._shaped import ShapedMixin


class extended:
    """``jax.dtypes.extended``: the scalar type of dtypes that are not NumPy's."""


class prng_key(extended):
    """``jax.dtypes.prng_key``: the scalar type of typed key dtypes."""


class KeyDType:
    """The dtype of typed keys of the threefry2x32 implementation, shown as ``key<fry>``."""

    type = prng_key
    name = "key<fry>"
    kind = "V"
    itemsize = 8  # (two uint32 words)
    _impl = "threefry2x32"

    def __repr__(self):
        return self.name

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, KeyDType) or (isinstance(other, str) and other == self.name)

    def __hash__(self):
        return hash(self.name)


KEY_DTYPE = KeyDType()


class PRNGKeyArray(ShapedMixin):
    """A typed key array: ``_data`` is the uint32 key data, of shape ``self.shape + (2,)``."""

    __slots__ = ("_data",)
    dtype = KEY_DTYPE

    def __init__(self, data):
        self._data = data

    @property
    def shape(self):
        return tuple(self._data.shape[:-1])

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def nbytes(self):
        return self.size * self.dtype.itemsize

    def __getitem__(self, index):
        if isinstance(index, PRNGKeyArray):
            raise TypeError("key arrays cannot index arrays (got a key array as an index)")
        index = index if isinstance(index, tuple) else (index,)
        used = 0  # (by identity: `in` would compare index arrays elementwise)
        for i in index:
            if i is None or i is Ellipsis:
                continue
            dtype = getattr(i, "dtype", None)
            used += getattr(i, "ndim", 1) if dtype is not None and dtype == _onp.bool_ else 1
        if not any(i is Ellipsis for i in index) and used > self.ndim:
            raise IndexError(
                f"Too many indices: array is {self.ndim}-dimensional, but {used} were indexed"
            )
        return PRNGKeyArray(self._data[_data_index(index)])

    @property
    def at(self):
        """``keys.at[index].get()`` and ``.set(keys)``, as JAX's key arrays have them."""
        return _KeyIndexUpdateHelper(self)

    def swapaxes(self, axis1, axis2):
        perm = list(range(self.ndim))
        a, b = axis1 % self.ndim, axis2 % self.ndim
        perm[a], perm[b] = perm[b], perm[a]
        return self.transpose(perm)

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d key array")
        return (self[i] for i in range(self.shape[0]))

    def reshape(self, *shape, order="C"):
        shape = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        return PRNGKeyArray(self._data.reshape(*tuple(shape), 2, order=order))

    def ravel(self):
        return self.reshape(-1)

    flatten = ravel

    def squeeze(self, axis=None):
        if axis is None:
            axis = tuple(i for i, n in enumerate(self.shape) if n == 1)
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        axes = tuple(a - 1 if a < 0 else a for a in axes)  # (past the words axis)
        return PRNGKeyArray(self._data.squeeze(axes))

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes
        perm = tuple(axes) if axes else tuple(reversed(range(self.ndim)))
        return PRNGKeyArray(self._data.transpose(*perm, self.ndim))

    @property
    def T(self):
        return self.transpose()

    def copy(self):
        return PRNGKeyArray(self._data.copy())

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def block_until_ready(self):
        if hasattr(self._data, "block_until_ready"):
            self._data.block_until_ready()
        return self

    @property
    def device(self):
        return self._data.device

    def devices(self):
        return self._data.devices()

    def __eq__(self, other):
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return (self._data == other._data).all(axis=-1)

    def __ne__(self, other):
        if not isinstance(other, PRNGKeyArray):
            return NotImplemented
        return (self._data != other._data).any(axis=-1)

    __hash__ = None

    def __repr__(self):
        return f"Array({self.shape}, dtype={self.dtype}) overlaying:\n{self._data}"

    __str__ = __repr__

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "JAX array with PRNGKey dtype cannot be converted to a NumPy array. Use "
            "jax.random.key_data(arr) if you wish to extract the underlying integer array."
        )


def _data_index(index):
    """A key array's index as an index of its data (the words axis kept whole)."""
    index = index if isinstance(index, tuple) else (index,)
    if any(i is Ellipsis for i in index):
        return (*index, slice(None))
    return (*index, Ellipsis, slice(None))


class _KeyIndexUpdateRef:
    def __init__(self, keys, index):
        self._keys, self._index = keys, index

    def get(self, **kwargs):
        return self._keys[self._index]

    def set(self, values, **kwargs):
        if not isinstance(values, PRNGKeyArray):
            raise TypeError(
                f"set: a key array can only be updated with key arrays, got "
                f"{getattr(values, 'dtype', type(values).__name__)}"
            )
        return PRNGKeyArray(
            self._keys._data.at[_data_index(self._index)].set(values._data, **kwargs)
        )


class _KeyIndexUpdateHelper:
    def __init__(self, keys):
        self._keys = keys

    def __getitem__(self, index):
        return _KeyIndexUpdateRef(self._keys, index)


register_pytree_node(
    PRNGKeyArray, lambda k: ((k._data,), None), lambda _, children: PRNGKeyArray(children[0])
)


def is_typed_key(x):
    return isinstance(x, PRNGKeyArray)


def is_key_dtype(dtype):
    """Whether dtype is a typed key dtype (or the key scalar types themselves)."""
    return isinstance(dtype, KeyDType) or (isinstance(dtype, type) and issubclass(dtype, extended))
