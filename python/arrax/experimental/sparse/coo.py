"""The 2-d legacy formats (``jax.experimental.sparse.coo`` and ``csr``): ``COO((data, row, col))``
and ``CSR((data, indices, indptr))``, with fromdense, todense, transpose and ``@``, through BCOO
and BCSR."""

import numpy as onp

import arrax
import arrax.numpy as jnp
from arrax.experimental.sparse._base import JAXSparse, asarray
from arrax.experimental.sparse.bcoo import BCOO, bcoo_fromdense
from arrax.experimental.sparse.bcsr import BCSR, bcsr_fromdense, bcsr_to_bcoo


def _check_2d(shape, name):
    if len(shape) != 2:
        raise ValueError(f"{name} must have ndim=2; got shape={tuple(shape)}")


class _Legacy2D(JAXSparse):
    """What COO, CSR and CSC share: their data's nse and dtype, and todense and ``@`` through
    the BCOO form each gives (``_bcoo``)."""

    nse = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)

    def todense(self):
        return self._bcoo().todense()

    def __matmul__(self, other):
        if isinstance(other, JAXSparse):
            raise NotImplementedError("matmul between two sparse objects.")
        other = asarray(other)
        if other.ndim > 2:
            raise NotImplementedError(f"matmul with object of shape {other.shape}")
        return self._bcoo() @ other


class COO(_Legacy2D):
    """2-d COO sparse matrix (JAX's ``COO``)."""

    def __init__(self, args, *, shape, rows_sorted=False, cols_sorted=False):
        self.data, self.row, self.col = (asarray(a) for a in args)
        self._rows_sorted, self._cols_sorted = rows_sorted, cols_sorted
        super().__init__(args, shape=shape)
        _check_2d(self.shape, "COO")

    def tree_flatten(self):
        return (self.data, self.row, self.col), (self.shape, self._rows_sorted, self._cols_sorted)

    @classmethod
    def tree_unflatten(cls, aux, children):
        obj = object.__new__(cls)
        obj.data, obj.row, obj.col = children
        obj.shape, obj._rows_sorted, obj._cols_sorted = aux
        return obj

    def _bcoo(self):
        return BCOO((self.data, jnp.stack([self.row, self.col], axis=-1)), shape=self.shape)

    @classmethod
    def fromdense(cls, mat, *, nse=None, index_dtype=onp.int32):
        mat = asarray(mat)
        _check_2d(mat.shape, "coo_fromdense")
        b = bcoo_fromdense(mat, nse=nse, index_dtype=index_dtype)
        return cls((b.data, b.indices[:, 0], b.indices[:, 1]), shape=b.shape, rows_sorted=True)

    @classmethod
    def _empty(cls, shape, *, dtype=None, index_dtype="int32"):
        _check_2d(shape, "COO")
        z = jnp.zeros((0,), index_dtype)
        data = jnp.zeros((0,), dtype if dtype is not None else jnp.float64)
        return cls((data, z, z), shape=shape, rows_sorted=True, cols_sorted=True)

    @classmethod
    def _eye(cls, N, M, k, *, dtype=None, index_dtype="int32"):
        from arrax.experimental.sparse._ops import _bcoo_eye

        b = _bcoo_eye(N, M, k, dtype=dtype, index_dtype=index_dtype)
        return cls((b.data, b.indices[:, 0], b.indices[:, 1]), shape=(N, M), rows_sorted=True,
                   cols_sorted=True)  # fmt: skip

    def transpose(self, axes=None):
        if axes is not None:
            raise NotImplementedError("axes argument to transpose()")
        return COO((self.data, self.col, self.row), shape=self.shape[::-1],
                   rows_sorted=self._cols_sorted, cols_sorted=self._rows_sorted)  # fmt: skip


class CSR(_Legacy2D):
    """2-d CSR sparse matrix (JAX's ``CSR``)."""

    def __init__(self, args, *, shape):
        self.data, self.indices, self.indptr = (asarray(a) for a in args)
        super().__init__(args, shape=shape)
        _check_2d(self.shape, "CSR")

    def tree_flatten(self):
        return (self.data, self.indices, self.indptr), (self.shape,)

    @classmethod
    def tree_unflatten(cls, aux, children):
        obj = object.__new__(cls)
        obj.data, obj.indices, obj.indptr = children
        (obj.shape,) = aux
        return obj

    def _bcoo(self):
        return bcsr_to_bcoo(BCSR((self.data, self.indices, self.indptr), shape=self.shape))

    @classmethod
    def fromdense(cls, mat, *, nse=None, index_dtype=onp.int32):
        mat = asarray(mat)
        _check_2d(mat.shape, "csr_fromdense")
        b = bcsr_fromdense(mat, nse=nse, index_dtype=index_dtype)
        return cls((b.data, b.indices, b.indptr), shape=b.shape)

    @classmethod
    def _empty(cls, shape, *, dtype=None, index_dtype="int32"):
        _check_2d(shape, "CSR")
        data = jnp.zeros((0,), dtype if dtype is not None else jnp.float64)
        return cls((data, jnp.zeros((0,), index_dtype), jnp.zeros((shape[0] + 1,), index_dtype)),
                   shape=shape)  # fmt: skip

    @classmethod
    def _eye(cls, N, M, k, *, dtype=None, index_dtype="int32"):
        b = BCSR._eye(N, M, k, dtype=dtype, index_dtype=index_dtype)
        return cls((b.data, b.indices, b.indptr), shape=(N, M))

    def transpose(self, axes=None):
        if axes is not None:
            raise NotImplementedError("axes argument to transpose()")
        return CSC((self.data, self.indices, self.indptr), shape=self.shape[::-1])


class CSC(_Legacy2D):
    """2-d CSC sparse matrix (JAX's ``CSC``): the transpose of a CSR one."""

    def __init__(self, args, *, shape):
        self.data, self.indices, self.indptr = (asarray(a) for a in args)
        super().__init__(args, shape=shape)
        _check_2d(self.shape, "CSC")

    tree_flatten = CSR.tree_flatten
    tree_unflatten = classmethod(CSR.tree_unflatten.__func__)

    def _bcoo(self):
        return CSR((self.data, self.indices, self.indptr), shape=self.shape[::-1])._bcoo().T

    @classmethod
    def fromdense(cls, mat, *, nse=None, index_dtype=onp.int32):
        return CSR.fromdense(asarray(mat).T, nse=nse, index_dtype=index_dtype).T

    @classmethod
    def _empty(cls, shape, *, dtype=None, index_dtype="int32"):
        return CSR._empty(tuple(shape)[::-1], dtype=dtype, index_dtype=index_dtype).T

    @classmethod
    def _eye(cls, N, M, k, *, dtype=None, index_dtype="int32"):
        return CSR._eye(M, N, -k, dtype=dtype, index_dtype=index_dtype).T

    def transpose(self, axes=None):
        if axes is not None:
            raise NotImplementedError("axes argument to transpose()")
        return CSR((self.data, self.indices, self.indptr), shape=self.shape[::-1])


for _cls in (COO, CSR, CSC):
    arrax.tree_util.register_pytree_node(_cls, _cls.tree_flatten, _cls.tree_unflatten)


def coo_fromdense(mat, *, nse=None, index_dtype=jnp.int32):
    return COO.fromdense(mat, nse=nse, index_dtype=index_dtype)


def coo_todense(mat):
    return mat.todense()


def coo_matvec(mat, v, transpose=False):
    return (mat.T if transpose else mat) @ asarray(v)


coo_matmat = coo_matvec


def csr_fromdense(mat, *, nse=None, index_dtype=jnp.int32):
    return CSR.fromdense(mat, nse=nse, index_dtype=index_dtype)


def csr_todense(mat):
    return mat.todense()


def csr_matvec(mat, v, transpose=False):
    return (mat.T if transpose else mat) @ asarray(v)


csr_matmat = csr_matvec
