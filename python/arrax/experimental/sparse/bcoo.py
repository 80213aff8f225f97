"""Batched COO sparse arrays (``jax.experimental.sparse.bcoo``), composed from arrax ops so that
jit, grad and vmap go through them.

Layout, as JAX's: a BCOO array of shape ``batch + sparse + dense`` holds ``data`` of shape
``(*batch, nse, *dense)`` and ``indices`` of shape ``(*batch, nse, n_sparse)`` (each batch dim
of either may be 1, broadcast). Unused entries are padded with index ``sparse shape`` (out of
bounds) and data 0; out-of-bounds entries contribute nothing. Duplicate indices are summed."""

import math
import operator

import numpy as onp

import arrax
import arrax.numpy as jnp
from arrax import lax
from arrax.experimental.sparse._base import (
    JAXSparse,
    asarray,
    broadcast_batch,
    concrete_int,
    iota,
    scalar_or_asarray,
    split,
)


def _validate(data, indices, shape, func="BCOO"):
    """(n_batch, n_sparse, n_dense, nse), checking data and indices against shape."""
    shape = tuple(shape)
    if indices.ndim < 2:
        raise ValueError(f"{func}: indices must have at least 2 dimensions, got {indices.shape}")
    n_batch, (nse, n_sparse) = indices.ndim - 2, indices.shape[-2:]
    n_dense = len(shape) - n_batch - n_sparse
    if n_dense < 0:
        raise ValueError(f"{func}: indices of shape {indices.shape} do not fit shape {shape}")
    if data.ndim != n_batch + 1 + n_dense:
        raise ValueError(
            f"{func}: data of shape {data.shape} does not match indices of shape "
            f"{indices.shape} for shape {shape}"
        )
    for i in range(n_batch):
        for buf in (data, indices):
            if buf.shape[i] not in (1, shape[i]):
                raise ValueError(
                    f"{func}: batch dimension {i} of data {data.shape} / indices "
                    f"{indices.shape} does not match shape {shape}"
                )
    if (
        data.shape[n_batch] != nse
        or tuple(data.shape[n_batch + 1 :]) != shape[n_batch + n_sparse :]
    ):
        raise ValueError(
            f"{func}: data of shape {data.shape} does not match indices of shape "
            f"{indices.shape} for shape {shape}"
        )
    return n_batch, n_sparse, n_dense, nse


class BCOO(JAXSparse):
    """Batched COO sparse array (JAX's ``BCOO``): ``BCOO((data, indices), shape=...)``."""

    def __init__(self, args, *, shape, indices_sorted=False, unique_indices=False):
        data, indices = args
        self.data, self.indices = asarray(data), asarray(indices)
        self.indices_sorted = bool(indices_sorted)
        self.unique_indices = bool(unique_indices)
        super().__init__(args, shape=shape)
        _validate(self.data, self.indices, self.shape)

    nse = property(lambda self: self.indices.shape[-2])
    dtype = property(lambda self: self.data.dtype)
    n_batch = property(lambda self: self.indices.ndim - 2)
    n_sparse = property(lambda self: self.indices.shape[-1])
    n_dense = property(lambda self: self.data.ndim - 1 - self.n_batch)

    @property
    def _info(self):
        return dict(
            shape=self.shape,
            indices_sorted=self.indices_sorted,
            unique_indices=self.unique_indices,
        )

    def tree_flatten(self):
        return (self.data, self.indices), (self.shape, self.n_batch,
                                           self.indices_sorted, self.unique_indices)  # fmt: skip

    @classmethod
    def tree_unflatten(cls, aux, children):
        shape, n_batch, indices_sorted, unique_indices = aux
        obj = object.__new__(cls)
        obj.data, obj.indices = children
        obj.indices_sorted, obj.unique_indices = indices_sorted, unique_indices
        obj.shape = _rebatched_shape(shape, n_batch, obj.data, obj.indices)
        return obj

    @classmethod
    def fromdense(cls, mat, *, nse=None, index_dtype=onp.int32, n_dense=0, n_batch=0):
        return bcoo_fromdense(mat, nse=nse, index_dtype=index_dtype, n_dense=n_dense,
                              n_batch=n_batch)  # fmt: skip

    @classmethod
    def from_scipy_sparse(cls, mat, *, index_dtype=None, n_dense=0, n_batch=0):
        if n_dense or n_batch:
            raise NotImplementedError("BCOO.fromscipy with nonzero n_dense/n_batch")
        mat = mat.tocoo()
        indices = onp.column_stack((mat.row, mat.col)).astype(index_dtype or onp.int32)
        return cls((jnp.asarray(mat.data), jnp.asarray(indices)), shape=mat.shape)

    def todense(self):
        return bcoo_todense(self)

    def transpose(self, axes=None):
        perm = list(range(self.ndim))[::-1] if axes is None else list(axes)
        out = bcoo_transpose(self, permutation=perm)
        sparse_perm = [p - self.n_batch for p in perm[self.n_batch : self.n_batch + self.n_sparse]]
        out.indices_sorted = self.indices_sorted and sparse_perm == list(range(self.n_sparse))
        return out

    def reshape(self, *new_sizes):
        from arrax.experimental.sparse._ops import bcoo_reshape

        if len(new_sizes) == 1 and not isinstance(new_sizes[0], int):
            new_sizes = tuple(new_sizes[0])
        return bcoo_reshape(self, new_sizes=new_sizes)

    def astype(self, dtype):
        return BCOO((self.data.astype(dtype), self.indices), **self._info)

    def sum(self, axis=None):
        axes = range(self.ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
        axes = tuple(operator.index(a) % max(self.ndim, 1) for a in axes)
        out = bcoo_reduce_sum(self, axes=axes)
        return out.todense() if out.ndim == 0 else out

    def update_layout(self, *, n_batch=None, n_dense=None, on_inefficient="error"):
        from arrax.experimental.sparse._ops import bcoo_update_layout

        return bcoo_update_layout(self, n_batch=n_batch, n_dense=n_dense,
                                  on_inefficient=on_inefficient)  # fmt: skip

    def sum_duplicates(self, nse=None, remove_zeros=True):
        if remove_zeros:
            return bcoo_eliminate_zeros(self, nse=nse)
        return bcoo_sum_duplicates(self, nse=nse)

    def sort_indices(self):
        return bcoo_sort_indices(self)

    # Arithmetic (JAX defines these through sparsify; the same results here).
    def __neg__(self):
        return BCOO((-self.data, self.indices), **self._info)

    def __pos__(self):
        return self

    def __mul__(self, other):
        from arrax.experimental.sparse._ops import _mul

        return _mul(self, other)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, JAXSparse):
            raise NotImplementedError("BCOO.__truediv__ by a sparse array")
        other = scalar_or_asarray(other)
        if onp.ndim(other):
            from arrax.experimental.sparse._ops import _mul

            return _mul(self, 1 / other)
        return BCOO((self.data / other, self.indices), **self._info)

    def __add__(self, other):
        from arrax.experimental.sparse._ops import _add

        return _add(self, other)

    __radd__ = __add__

    def __sub__(self, other):
        from arrax.experimental.sparse._ops import _add

        return _add(self, -other)

    def __rsub__(self, other):
        from arrax.experimental.sparse._ops import _add

        return _add(-self, other)

    def __matmul__(self, other):
        from arrax.experimental.sparse._dot import _matmul

        return _matmul(self, other)

    def __rmatmul__(self, other):
        from arrax.experimental.sparse._dot import _matmul

        return _matmul(other, self)

    def __getitem__(self, item):
        raise NotImplementedError(f"{type(self)}.__getitem__")


def _rebatched_shape(shape, n_batch, data, indices):
    """The shape of a BCOO rebuilt from buffers that vmap has stripped of (or given) a leading
    batch axis: the batch dims follow the buffers, the sparse and dense dims stay."""
    nb = getattr(indices, "ndim", None)
    if not isinstance(nb, int) or not hasattr(data, "shape"):
        return shape
    nb -= 2
    if nb == n_batch or nb < 0:
        return shape
    rest = shape[n_batch:]
    batch = tuple(max(int(d), int(i)) for d, i in zip(data.shape[:nb], indices.shape[:nb]))
    return batch + tuple(rest)


arrax.tree_util.register_pytree_node(BCOO, BCOO.tree_flatten, BCOO.tree_unflatten)


def _sparse_shape(mat):
    return mat.shape[mat.n_batch : mat.n_batch + mat.n_sparse]


def _fill(shape, dtype):
    """The out-of-bounds index JAX pads with: the sparse shape itself."""
    return jnp.asarray(onp.array(shape, dtype=onp.int64)).astype(dtype)


def _nse_of(mat, n_batch, n_dense):
    mask = mat != 0
    if n_dense:
        mask = jnp.any(mask, axis=tuple(range(mat.ndim - n_dense, mat.ndim)))
    count = jnp.sum(mask, axis=tuple(range(n_batch, mask.ndim)))
    return concrete_int(jnp.max(count) if count.size else 0, "bcoo_fromdense")


def bcoo_fromdense(mat, *, nse=None, n_batch=0, n_dense=0, index_dtype=onp.int32):
    """A BCOO array from a dense one; nse (the number of stored elements per batch) defaults to
    the largest count of nonzeros, which needs concrete values."""
    mat = asarray(mat)
    n_batch, n_dense = operator.index(n_batch), operator.index(n_dense)
    n_sparse = mat.ndim - n_batch - n_dense
    if n_batch < 0 or n_dense < 0 or n_sparse < 0:
        raise ValueError(
            f"bcoo_fromdense: invalid n_batch={n_batch}, n_dense={n_dense} for an array of "
            f"shape {mat.shape}"
        )
    nse = _nse_of(mat, n_batch, n_dense) if nse is None else concrete_int(nse, "bcoo_fromdense")
    if nse < 0:
        raise ValueError(f"bcoo_fromdense: nse must be non-negative, got {nse}")
    batch, sparse, dense = split(mat.shape, [n_batch, n_sparse])
    mask = mat != 0
    if n_dense:
        mask = jnp.any(mask, axis=tuple(range(mat.ndim - n_dense, mat.ndim)))
    flat = broadcast_batch(mask, batch)  # (B, *sparse)
    if n_sparse:
        fill = tuple(sparse)
        idx = arrax.vmap(lambda m: jnp.nonzero(m, size=nse, fill_value=fill))(flat)
        indices = jnp.stack([i.astype(index_dtype) for i in idx], axis=-1)
    else:
        indices = jnp.zeros((flat.shape[0], nse, 0), index_dtype)
    indices = jnp.reshape(indices, batch + (nse, n_sparse))
    data = _extract(indices, mat)
    true_nse = jnp.sum(mask, axis=tuple(range(n_batch, mask.ndim)))[..., None]
    keep = iota(true_nse.dtype, (1,) * n_batch + (nse,), n_batch) < true_nse
    keep = jnp.reshape(keep, keep.shape + (1,) * n_dense)
    data = jnp.where(keep, data, jnp.zeros((), data.dtype))
    return BCOO((data, indices), shape=mat.shape, indices_sorted=True, unique_indices=True)


def _extract(indices, arr):
    """data of shape (*batch, nse, *dense): arr at each index, 0 out of bounds."""
    n_batch, nse, n_sparse = indices.ndim - 2, indices.shape[-2], indices.shape[-1]
    batch = tuple(arr.shape[:n_batch])
    flat_arr = broadcast_batch(arr, batch)  # (B, *sparse, *dense)
    flat_idx = broadcast_batch(indices, batch)  # (B, nse, n_sparse)
    n = flat_arr.shape[0]
    if n_sparse:
        b = iota(flat_idx.dtype, (n, nse), 0)
        key = (b,) + tuple(flat_idx[..., i] for i in range(n_sparse))
        out = flat_arr.at[key].get(mode="fill", fill_value=0)
    else:
        out = jnp.broadcast_to(flat_arr[:, None], (n, nse) + tuple(flat_arr.shape[1:]))
    return jnp.reshape(out, batch + (nse,) + tuple(out.shape[2:]))


def bcoo_extract(sparr, arr, *, assume_unique=None):
    """A BCOO array with sparr's indices holding arr's values at them."""
    if not isinstance(sparr, BCOO):
        raise TypeError(f"bcoo_extract: the first argument must be a BCOO array, got {type(sparr)}")
    arr = asarray(arr)
    if tuple(arr.shape) != sparr.shape:
        raise ValueError(f"bcoo_extract: shape mismatch: {sparr.shape} and {tuple(arr.shape)}")
    if assume_unique is None:
        assume_unique = sparr.unique_indices
    if not assume_unique:  # each value once: at the first of equal indices, 0 at the rest
        first = _first_of_equal(sparr)
        data = _extract(sparr.indices, arr)
        data = jnp.where(jnp.reshape(first, first.shape + (1,) * sparr.n_dense), data, 0)
    else:
        data = _extract(sparr.indices, arr)
    return BCOO((data, sparr.indices), **sparr._info)


def _first_of_equal(mat):
    """Whether each stored index is the first of the equal ones in its batch."""
    idx = mat.indices
    eq = jnp.all(idx[..., :, None, :] == idx[..., None, :, :], axis=-1)  # (..., nse, nse)
    earlier = iota(onp.int32, (mat.nse, mat.nse), 1) < iota(onp.int32, (mat.nse, mat.nse), 0)
    return ~jnp.any(eq & earlier, axis=-1)


def bcoo_todense(mat):
    """The dense array a BCOO array holds (duplicates summed, out-of-bounds entries dropped)."""
    if not isinstance(mat, BCOO):
        raise TypeError(f"bcoo_todense: expected a BCOO array, got {type(mat)}")
    batch = mat.shape[: mat.n_batch]
    rest = mat.shape[mat.n_batch :]
    data = broadcast_batch(mat.data, batch)  # (B, nse, *dense)
    indices = broadcast_batch(mat.indices, batch)  # (B, nse, n_sparse)
    n = data.shape[0]
    out = jnp.zeros((n,) + rest, mat.dtype)
    if mat.n_sparse:
        b = iota(indices.dtype, (n, mat.nse), 0)
        key = (b,) + tuple(indices[..., i] for i in range(mat.n_sparse))
        out = out.at[key].add(data, mode="drop")
    else:
        out = out + jnp.sum(data, axis=1, dtype=out.dtype)  # (NumPy's sum would widen ints)
    return jnp.reshape(out, mat.shape)


def bcoo_transpose(mat, *, permutation):
    """Permutes the axes; batch, sparse and dense axes each stay among themselves."""
    if not isinstance(permutation, (tuple, list, onp.ndarray)):
        raise TypeError(
            f"bcoo_transpose: permutation must be a tuple/list/ndarray, got {type(permutation)}"
        )
    perm = tuple(operator.index(p) for p in permutation)
    if tuple(sorted(perm)) != tuple(range(mat.ndim)):
        raise TypeError(
            f"bcoo_transpose: permutation {perm} is not a permutation of the dimensions of "
            f"shape {mat.shape}"
        )
    nb, ns = mat.n_batch, mat.n_sparse
    bperm, sperm, dperm = perm[:nb], perm[nb : nb + ns], perm[nb + ns :]
    if sorted(bperm) != list(range(nb)):
        raise NotImplementedError(
            f"bcoo_transpose: cannot permute batch axes with non-batch axes; got permutation "
            f"{perm} with n_batch={nb}"
        )
    if sorted(dperm) != list(range(nb + ns, mat.ndim)):
        raise NotImplementedError(
            f"bcoo_transpose: cannot permute dense axes with non-dense axes; got permutation "
            f"{perm} with n_dense={mat.n_dense}"
        )
    shape = tuple(mat.shape[p] for p in perm)
    if perm == tuple(range(mat.ndim)):
        return BCOO((mat.data, mat.indices), shape=shape, unique_indices=mat.unique_indices)
    indices = jnp.transpose(mat.indices, bperm + (nb, nb + 1))
    if ns:
        indices = jnp.stack([indices[..., p - nb] for p in sperm], axis=-1)
    data = jnp.transpose(mat.data, bperm + (nb,) + tuple(p - ns + 1 for p in dperm))
    return BCOO((data, indices), shape=shape, unique_indices=mat.unique_indices)


def _flags(mat):
    return dict(indices_sorted=mat.indices_sorted, unique_indices=mat.unique_indices)


def _valid(mat):
    """(*batch, nse): whether each stored index is in bounds."""
    if not mat.n_sparse:
        return jnp.ones(mat.indices.shape[:-1], bool)
    bound = _fill(_sparse_shape(mat), mat.indices.dtype)
    return jnp.all((mat.indices < bound) & (mat.indices >= 0), axis=-1)


def bcoo_reduce_sum(mat, *, axes):
    """Sums over axes: dense axes sum the data, sparse axes drop their index column (the sum is
    implicit), batch axes fold into the stored elements."""
    axes = sorted({operator.index(a) for a in axes})
    if any(not 0 <= a < mat.ndim for a in axes):
        raise ValueError(f"bcoo_reduce_sum: axes {axes} out of range for shape {mat.shape}")
    nb, ns = mat.n_batch, mat.n_sparse
    data = mat.data
    sum_dtype = onp.sum(onp.zeros(0, data.dtype)).dtype  # (JAX's: small ints widen, as jnp.sum)
    if data.dtype != sum_dtype:
        data = data.astype(sum_dtype)
    dense_axes = tuple(a - ns + 1 for a in axes if a >= nb + ns)
    if dense_axes:
        data = jnp.sum(data, axis=dense_axes)
    if ns:
        valid = _valid(mat)
        valid = jnp.reshape(valid, valid.shape + (1,) * (data.ndim - valid.ndim))
        data = jnp.where(valid, data, jnp.zeros((), data.dtype))
    keep = [i for i in range(ns) if i + nb not in axes]
    indices = mat.indices
    if keep != list(range(ns)):
        cols = [indices[..., i] for i in keep]
        indices = (jnp.stack(cols, axis=-1) if cols
                   else jnp.zeros(indices.shape[:-1] + (0,), indices.dtype))  # fmt: skip
    batch_axes = [a for a in axes if a < nb]
    for ax in batch_axes:  # broadcast batch dims: repeat what is stored once
        if data.shape[ax] == 1 and indices.shape[ax] == 1:
            data = data * mat.shape[ax]
        elif data.shape[ax] == 1:
            data = jnp.broadcast_to(data, data.shape[:ax] + (mat.shape[ax],) + data.shape[ax + 1 :])
        elif indices.shape[ax] == 1:
            data = jnp.sum(data, axis=ax, keepdims=True)
    kept = [i for i in range(nb) if i not in batch_axes]
    if batch_axes:
        order = kept + batch_axes
        data = jnp.transpose(data, order + list(range(nb, data.ndim)))
        indices = jnp.transpose(indices, order + list(range(nb, indices.ndim)))
        nse = mat.nse * math.prod(data.shape[len(kept) : nb])
        data = jnp.reshape(data, data.shape[: len(kept)] + (nse,) + data.shape[nb + 1 :])
        indices = jnp.reshape(indices, indices.shape[: len(kept)] + (nse,) + indices.shape[-1:])
    shape = tuple(s for i, s in enumerate(mat.shape) if i not in axes)
    return BCOO((data, indices), shape=shape)


def _flat_keys(indices, sparse_shape):
    """Each index row as one int64 key (row-major), prod(sparse_shape) where out of bounds."""
    size = math.prod(sparse_shape)
    key = jnp.zeros(indices.shape[:-1], onp.int64)
    inside = jnp.ones(indices.shape[:-1], bool)
    for i, n in enumerate(sparse_shape):
        col = indices[..., i].astype(onp.int64)
        inside = inside & (col >= 0) & (col < n)
        key = key * n + col
    return jnp.where(inside, key, size), size


def _unflatten_keys(key, sparse_shape, dtype):
    cols, rest = [], key
    for n in reversed(sparse_shape):
        cols.append(rest % n)
        rest = rest // n
    inside = key < math.prod(sparse_shape)
    cols = [jnp.where(inside, c, n) for c, n in zip(reversed(cols), sparse_shape)]
    return jnp.stack([c.astype(dtype) for c in cols], axis=-1)


def _sum_duplicates_unbatched(data, key, size, nse):
    """(data, unique keys): entries with equal keys summed, in key order, padded with size."""
    n = key.shape[0]
    skey, order = lax.sort((key, lax.iota(onp.int64, n)), num_keys=1)
    new = jnp.concatenate([jnp.ones((min(n, 1),), bool), skey[1:] != skey[:-1]])
    group = jnp.cumsum(new.astype(onp.int64)) - 1
    group = jnp.where(skey < size, group, nse)  # out-of-bounds entries are dropped
    ukeys = jnp.full((nse,), size, onp.int64).at[group].set(skey, mode="drop")
    inverse = jnp.zeros((n,), onp.int64).at[order].set(group)
    out = jnp.zeros((nse,) + tuple(data.shape[1:]), data.dtype).at[inverse].add(data, mode="drop")
    return out, ukeys


def bcoo_sum_duplicates(mat, nse=None):
    """Sums the entries stored at equal indices; the result's indices are sorted and unique, and
    nse defaults to the largest count of distinct in-bounds indices (needs concrete indices)."""
    nb, ns = mat.n_batch, mat.n_sparse
    sparse_shape = _sparse_shape(mat)
    if ns == 0:
        data = jnp.sum(mat.data, axis=nb, keepdims=True, dtype=mat.data.dtype)
        out = BCOO((data, mat.indices[..., :1, :]), shape=mat.shape, indices_sorted=True,
                   unique_indices=True)  # fmt: skip
        return out if nse is None else _set_nse(out, nse)
    batch = tuple(max(d, i) for d, i in zip(mat.data.shape[:nb], mat.indices.shape[:nb]))
    key, size = _flat_keys(broadcast_batch(mat.indices, batch), sparse_shape)
    if nse is None:
        skey = jnp.sort(key, axis=-1)
        distinct = (skey < size) & jnp.concatenate(
            [jnp.ones(skey.shape[:-1] + (min(mat.nse, 1),), bool), skey[:, 1:] != skey[:, :-1]],
            axis=-1,
        )
        counts = jnp.sum(distinct, axis=-1)
        nse = concrete_int(jnp.max(counts) if counts.size else 0, "bcoo_sum_duplicates")
    nse = concrete_int(nse, "bcoo_sum_duplicates")
    data = broadcast_batch(mat.data, batch)
    f = lambda d, k: _sum_duplicates_unbatched(d, k, size, nse)  # noqa: E731
    data, ukeys = arrax.vmap(f)(data, key)
    indices = _unflatten_keys(ukeys, sparse_shape, mat.indices.dtype)
    data = jnp.reshape(data, batch + tuple(data.shape[1:]))
    indices = jnp.reshape(indices, batch + tuple(indices.shape[1:]))
    return BCOO((data, indices), shape=mat.shape, indices_sorted=True, unique_indices=True)


def bcoo_eliminate_zeros(mat, nse=None):
    """sum_duplicates after dropping the stored zeros."""
    zero = jnp.all(mat.data == 0, axis=tuple(range(mat.n_batch + 1, mat.data.ndim)))
    if mat.n_sparse:
        fill = _fill(_sparse_shape(mat), mat.indices.dtype)
        indices = jnp.where(zero[..., None], fill, mat.indices)
        mat = BCOO((mat.data, indices), shape=mat.shape)
    return bcoo_sum_duplicates(mat, nse=nse)


def bcoo_sort_indices(mat):
    """The same array with each batch's indices in lexicographic order."""
    nb, ns = mat.n_batch, mat.n_sparse
    if ns == 0:
        return mat
    batch = tuple(mat.indices.shape[:nb])
    indices = broadcast_batch(mat.indices, batch)

    def sort1(idx):
        cols = tuple(idx[:, i] for i in range(ns))
        *cols, perm = lax.sort(cols + (lax.iota(onp.int64, idx.shape[0]),), num_keys=ns)
        return jnp.stack(cols, axis=-1), perm

    indices, perm = arrax.vmap(sort1)(indices)
    indices = jnp.reshape(indices, batch + tuple(indices.shape[1:]))
    perm = jnp.reshape(perm, batch + (mat.nse,))
    dbatch = tuple(max(d, i) for d, i in zip(mat.data.shape[:nb], batch))
    data = jnp.broadcast_to(mat.data, dbatch + tuple(mat.data.shape[nb:]))
    perm = jnp.broadcast_to(perm, dbatch + (mat.nse,))
    perm = jnp.reshape(perm, perm.shape + (1,) * mat.n_dense)
    data = jnp.take_along_axis(data, perm, axis=nb)
    return BCOO((data, indices), shape=mat.shape, indices_sorted=True,
                unique_indices=mat.unique_indices)  # fmt: skip


def _set_nse(mat, nse):
    """mat with nse stored elements: truncated, or padded with out-of-bounds zeros."""
    nse = operator.index(nse)
    nb = mat.n_batch
    if nse == mat.nse:
        return mat
    if nse < mat.nse:
        data = mat.data[(slice(None),) * nb + (slice(nse),)]
        indices = mat.indices[..., :nse, :]
    else:
        pad = nse - mat.nse
        dpad = mat.data.shape[:nb] + (pad,) + mat.data.shape[nb + 1 :]
        data = jnp.concatenate([mat.data, jnp.zeros(dpad, mat.dtype)], axis=nb)
        fill = _fill(_sparse_shape(mat), mat.indices.dtype)
        ipad = jnp.broadcast_to(fill, mat.indices.shape[:nb] + (pad, mat.n_sparse))
        indices = jnp.concatenate([mat.indices, ipad], axis=nb)
    return BCOO((data, indices), shape=mat.shape, **_flags(mat))


def bcoo_multiply_dense(sp_mat, v):
    """The data of sp_mat * v (v broadcasting to sp_mat's shape): an array like sp_mat.data."""
    v = scalar_or_asarray(v)
    if onp.ndim(v) == 0:
        return sp_mat.data * v
    shape = sp_mat.shape
    if tuple(onp.broadcast_shapes(tuple(v.shape), shape)) != shape:
        raise NotImplementedError(
            "bcoo_multiply_dense: multiplication between sparse and dense is only implemented "
            f"where the output shape is the sparse array's; got {shape} and {tuple(v.shape)}"
        )
    v = jnp.reshape(v, (1,) * (len(shape) - v.ndim) + tuple(v.shape))
    nb, ns = sp_mat.n_batch, sp_mat.n_sparse
    # v gathered at each stored element's sparse index (0 along v's size-1 dims); v's batch
    # dims broadcast, its dense dims multiply the data's.
    vb = jnp.broadcast_to(v, shape[:nb] + tuple(v.shape[nb:]))
    idx = sp_mat.indices
    if ns:
        cols = [jnp.zeros_like(idx[..., i]) if v.shape[nb + i] == 1 else idx[..., i]
                for i in range(ns)]  # fmt: skip
        idx = jnp.stack(cols, axis=-1)
    gathered = _extract(idx, vb)
    return sp_mat.data * gathered


def bcoo_multiply_sparse(lhs, rhs):
    """Elementwise product of two BCOO arrays of one shape (size-1 dims broadcast): a BCOO
    array storing lhs.nse * rhs.nse elements (per batch), the matching pairs first."""
    if lhs.ndim != rhs.ndim:
        raise TypeError(
            "bcoo_multiply_sparse: arrays must have same number of dimensions, got "
            f"{lhs.shape}, {rhs.shape}"
        )
    if lhs.n_dense != rhs.n_dense:
        raise NotImplementedError(
            "bcoo_multiply_sparse: arrays with differing numbers of dense dimensions"
        )
    from arrax.experimental.sparse._ops import bcoo_update_layout

    shape = tuple(onp.broadcast_shapes(lhs.shape, rhs.shape))
    nb = min(lhs.n_batch, rhs.n_batch)
    lhs = bcoo_update_layout(lhs, n_batch=nb) if lhs.n_batch > nb else lhs
    rhs = bcoo_update_layout(rhs, n_batch=nb) if rhs.n_batch > nb else rhs
    batch = shape[:nb]
    ls, rs = lhs.shape[nb:], rhs.shape[nb:]
    dims = [i for i in range(lhs.n_sparse) if ls[i] != 1 and rs[i] != 1]
    n_l, n_r = lhs.nse, rhs.nse
    nse = n_l * n_r
    fill_l = max(ls, default=0)
    fill_r = max(rs, default=0)

    def mul1(ld, li, rd, ri):
        if dims:
            lsel = jnp.stack([li[:, d] for d in dims], axis=-1)
            rsel = jnp.stack([ri[:, d] for d in dims], axis=-1)
            mask = jnp.all(lsel[:, None, :] == rsel[None, :, :], axis=-1)
        else:
            mask = jnp.ones((n_l, n_r), bool)
        il, ir = jnp.nonzero(mask, size=nse, fill_value=(n_l, n_r))
        d = ld.at[il].get(mode="fill", fill_value=0) * rd.at[ir].get(mode="fill", fill_value=0)
        i = jnp.maximum(li.at[il].get(mode="fill", fill_value=fill_l),
                        ri.at[ir].get(mode="fill", fill_value=fill_r))  # fmt: skip
        return d, i

    args = [broadcast_batch(a, batch) for a in (lhs.data, lhs.indices, rhs.data, rhs.indices)]
    data, indices = arrax.vmap(mul1)(*args)
    data = jnp.reshape(data, batch + tuple(data.shape[1:]))
    indices = jnp.reshape(indices, batch + tuple(indices.shape[1:]))
    return BCOO((data, indices), shape=shape)
