"""Batched CSR sparse arrays (``jax.experimental.sparse.bcsr``): ``data`` (*batch, nse, *dense),
``indices`` (*batch, nse) column indices and ``indptr`` (*batch, rows + 1) row offsets; two
sparse dims. Operations go through BCOO."""

import operator

import numpy as onp

import arrax
import arrax.numpy as jnp
from arrax.experimental.sparse._base import JAXSparse, asarray, scalar_or_asarray
from arrax.experimental.sparse.bcoo import BCOO, bcoo_fromdense, bcoo_sort_indices


def _validate(data, indices, indptr, shape):
    n_batch = indices.ndim - 1
    n_dense = len(shape) - n_batch - 2
    if n_batch < 0 or n_dense < 0:
        raise ValueError(
            f"BCSR: array must have 2 sparse dimensions; got indices {indices.shape} for shape "
            f"{shape}"
        )
    for buf in (data, indices, indptr):
        if any(s not in (1, t) for s, t in zip(buf.shape[:n_batch], shape[:n_batch])):
            raise ValueError(f"BCSR: batch dimensions of {buf.shape} not compatible with {shape}")
    if tuple(indptr.shape[n_batch:]) != (shape[n_batch] + 1,):
        raise ValueError("BCSR: indptr shape must match the matrix shape plus 1.")
    nse = indices.shape[-1]
    if data.ndim != n_batch + 1 + n_dense or tuple(data.shape[n_batch:]) != (nse,) + tuple(
        shape[n_batch + 2 :]
    ):
        raise ValueError(f"BCSR: invalid data shape {data.shape} for nse={nse}, shape={shape}")
    return n_batch, n_dense, nse


class BCSR(JAXSparse):
    """Batched CSR sparse array (JAX's ``BCSR``): ``BCSR((data, indices, indptr), shape=...)``."""

    def __init__(self, args, *, shape, indices_sorted=False, unique_indices=False):
        data, indices, indptr = args
        self.data, self.indices, self.indptr = (asarray(a) for a in (data, indices, indptr))
        self.indices_sorted, self.unique_indices = bool(indices_sorted), bool(unique_indices)
        super().__init__(args, shape=shape)
        _validate(self.data, self.indices, self.indptr, self.shape)

    nse = property(lambda self: self.indices.shape[-1])
    dtype = property(lambda self: self.data.dtype)
    n_batch = property(lambda self: self.indices.ndim - 1)
    n_sparse = property(lambda self: 2)
    n_dense = property(lambda self: self.data.ndim - 1 - self.n_batch)

    def tree_flatten(self):
        return (self.data, self.indices, self.indptr), (
            self.shape, self.n_batch, self.indices_sorted, self.unique_indices)  # fmt: skip

    @classmethod
    def tree_unflatten(cls, aux, children):
        shape, n_batch, indices_sorted, unique_indices = aux
        obj = object.__new__(cls)
        obj.data, obj.indices, obj.indptr = children
        obj.indices_sorted, obj.unique_indices = indices_sorted, unique_indices
        nb = getattr(obj.indices, "ndim", None)
        if isinstance(nb, int) and nb - 1 != n_batch and nb >= 1:  # vmap added/removed a batch dim
            nb -= 1
            batch = tuple(
                max(int(a), int(b)) for a, b in zip(obj.data.shape[:nb], obj.indices.shape[:nb])
            )
            shape = batch + tuple(shape[n_batch:])
        obj.shape = shape
        return obj

    @classmethod
    def fromdense(cls, mat, *, nse=None, index_dtype=onp.int32, n_dense=0, n_batch=0):
        return bcsr_fromdense(mat, nse=nse, index_dtype=index_dtype, n_dense=n_dense,
                              n_batch=n_batch)  # fmt: skip

    @classmethod
    def from_bcoo(cls, arr):
        return bcsr_from_bcoo(arr)

    @classmethod
    def from_scipy_sparse(cls, mat, *, index_dtype=None, n_dense=0, n_batch=0):
        if n_dense or n_batch:
            raise NotImplementedError("BCSR from_scipy_sparse with nonzero n_dense/n_batch.")
        mat = mat.tocsr()
        itype = index_dtype or onp.int32
        return cls((jnp.asarray(mat.data), jnp.asarray(mat.indices.astype(itype)),
                    jnp.asarray(mat.indptr.astype(itype))), shape=mat.shape)  # fmt: skip

    def to_bcoo(self):
        return bcsr_to_bcoo(self)

    def todense(self):
        return bcsr_todense(self)

    def transpose(self, *args, **kwargs):
        raise NotImplementedError("BCSR.transpose: not implemented (use .to_bcoo().T)")

    def sum_duplicates(self, nse=None, remove_zeros=True):
        return bcsr_from_bcoo(self.to_bcoo().sum_duplicates(nse=nse, remove_zeros=remove_zeros))

    def __neg__(self):
        return BCSR((-self.data, self.indices, self.indptr), shape=self.shape,
                    indices_sorted=self.indices_sorted, unique_indices=self.unique_indices)  # fmt: skip

    def __mul__(self, other):
        other = scalar_or_asarray(other)
        if onp.ndim(other):
            raise NotImplementedError("BCSR.__mul__ by a non-scalar")
        return BCSR((self.data * other, self.indices, self.indptr), shape=self.shape,
                    indices_sorted=self.indices_sorted, unique_indices=self.unique_indices)  # fmt: skip

    __rmul__ = __mul__

    def __matmul__(self, other):
        from arrax.experimental.sparse._dot import _matmul

        if isinstance(other, JAXSparse):
            raise NotImplementedError("BCSR @ sparse")
        return _matmul(self.to_bcoo(), other)

    def __rmatmul__(self, other):
        from arrax.experimental.sparse._dot import _matmul

        return _matmul(other, self.to_bcoo())

    @classmethod
    def _empty(cls, shape, *, dtype=None, index_dtype="int32", n_dense=0, n_batch=0, nse=0):
        from arrax.experimental.sparse._ops import _bcoo_empty

        return bcsr_from_bcoo(_bcoo_empty(shape, dtype=dtype, index_dtype=index_dtype,
                                          n_dense=n_dense, n_batch=n_batch, nse=nse))  # fmt: skip

    @classmethod
    def _eye(cls, N, M, k, *, dtype=None, index_dtype="int32", n_batch=0, n_dense=0):
        from arrax.experimental.sparse._ops import _bcoo_eye

        return bcsr_from_bcoo(_bcoo_eye(N, M, k, dtype=dtype, index_dtype=index_dtype,
                                        n_batch=n_batch, n_dense=n_dense))  # fmt: skip


arrax.tree_util.register_pytree_node(BCSR, BCSR.tree_flatten, BCSR.tree_unflatten)


def bcsr_from_bcoo(arr):
    """A BCSR array from a BCOO one with two sparse dims (its indices sorted first)."""
    if not isinstance(arr, BCOO):
        raise TypeError(f"bcsr_from_bcoo: expected a BCOO array, got {type(arr)}")
    if arr.n_sparse != 2:
        raise NotImplementedError(f"BCSR.from_bcoo: requires n_sparse=2; got {arr.n_sparse}")
    if not arr.indices_sorted:
        arr = bcoo_sort_indices(arr)
    nb = arr.n_batch
    rows = arr.shape[nb]
    row, col = arr.indices[..., 0], arr.indices[..., 1]
    bound = jnp.arange(rows + 1, dtype=row.dtype)
    indptr = jnp.sum(row[..., :, None] < bound, axis=-2).astype(row.dtype)
    return BCSR((arr.data, col, indptr), shape=arr.shape)


def bcsr_to_bcoo(mat):
    """The BCOO array of a BCSR one: element j is in row r where indptr[r] <= j < indptr[r+1]
    (rows past the last stored element are out of bounds, as padding)."""
    j = jnp.arange(mat.nse, dtype=mat.indptr.dtype)
    row = jnp.sum(mat.indptr[..., None, 1:] <= j[:, None], axis=-1).astype(mat.indices.dtype)
    row = jnp.broadcast_to(row, jnp.broadcast_shapes(row.shape, mat.indices.shape))
    col = jnp.broadcast_to(mat.indices, row.shape)
    indices = jnp.stack([row, col], axis=-1)
    return BCOO((mat.data, indices), shape=mat.shape)


def bcsr_fromdense(mat, *, nse=None, n_batch=0, n_dense=0, index_dtype=onp.int32):
    mat = asarray(mat)
    if mat.ndim - operator.index(n_batch) - operator.index(n_dense) != 2:
        raise ValueError("bcsr_fromdense: must have 2 sparse dimensions.")
    return bcsr_from_bcoo(bcoo_fromdense(mat, nse=nse, n_batch=n_batch, n_dense=n_dense,
                                         index_dtype=index_dtype))  # fmt: skip


def bcsr_todense(mat):
    return bcsr_to_bcoo(mat).todense()


def bcsr_extract(indices, indptr, mat):
    """The data a BCSR array with these indices and indptr holds of the dense mat."""
    from arrax.experimental.sparse.bcoo import bcoo_extract

    mat = asarray(mat)
    data = jnp.zeros(indices.shape + tuple(mat.shape[indices.ndim + 1 :]), mat.dtype)
    sp = BCSR((data, indices, indptr), shape=mat.shape)
    return bcoo_extract(bcsr_to_bcoo(sp), mat).data


def bcsr_dot_general(lhs, rhs, *, dimension_numbers, precision=None, preferred_element_type=None):
    from arrax.experimental.sparse._dot import bcoo_dot_general

    conv = lambda x: x.to_bcoo() if isinstance(x, BCSR) else x  # noqa: E731
    return bcoo_dot_general(conv(lhs), conv(rhs), dimension_numbers=dimension_numbers,
                            preferred_element_type=preferred_element_type)  # fmt: skip
