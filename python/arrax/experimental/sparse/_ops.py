"""BCOO layout changes and elementwise arithmetic: ``bcoo_update_layout``, ``bcoo_reshape``,
``bcoo_concatenate``, the ``*``/``+``/``-`` operators, and the module's ``todense``,
``empty`` and ``eye``."""

import math
import operator

import numpy as onp

import arrax.numpy as jnp
from arrax import lax
from arrax.experimental.sparse._base import (
    JAXSparse,
    SparseEfficiencyError,
    asarray,
    scalar_or_asarray,
)
from arrax.experimental.sparse.bcoo import (
    BCOO,
    _flat_keys,
    _unflatten_keys,
    bcoo_fromdense,
    bcoo_multiply_dense,
    bcoo_multiply_sparse,
)


def bcoo_update_layout(mat, *, n_batch=None, n_dense=None, on_inefficient="error"):
    """mat with n_batch batch and n_dense dense dims. Fewer batch dims fold the batch into the
    stored elements; other changes store explicit zeros and raise SparseEfficiencyError (or
    warn, on_inefficient="warn") unless the dims moved have size 0 or 1."""
    n_batch = mat.n_batch if n_batch is None else operator.index(n_batch)
    n_dense = mat.n_dense if n_dense is None else operator.index(n_dense)
    if on_inefficient not in ("error", "warn", None):
        raise ValueError(
            f"bcoo_update_layout: on_inefficient must be 'error', 'warn' or None, got "
            f"{on_inefficient!r}"
        )
    n_sparse = mat.ndim - n_batch - n_dense
    if n_batch < 0 or n_dense < 0 or n_sparse < 0:
        raise ValueError(
            f"bcoo_update_layout: invalid n_batch={n_batch}, n_dense={n_dense} for shape "
            f"{mat.shape}"
        )
    if (n_batch, n_dense) == (mat.n_batch, mat.n_dense):
        return mat
    if n_batch < mat.n_batch and n_dense == mat.n_dense:
        return _fold_batch(mat, n_batch)
    moved = list(range(mat.n_batch, n_batch)) + list(
        range(mat.ndim - n_dense, mat.ndim - mat.n_dense)
    )
    if any(mat.shape[d] > 1 for d in moved) and on_inefficient is not None:
        msg = (
            f"bcoo_update_layout: changing n_batch from {mat.n_batch} to {n_batch} and n_dense "
            f"from {mat.n_dense} to {n_dense} for shape {mat.shape} stores explicit zeros"
        )
        if on_inefficient == "error":
            raise SparseEfficiencyError(msg)
        import warnings

        from arrax.experimental.sparse._base import SparseEfficiencyWarning

        warnings.warn(msg, SparseEfficiencyWarning, stacklevel=2)
    stored = math.prod(mat.data.shape[: mat.n_batch + 1])
    new_sparse = math.prod(mat.shape[n_batch : mat.ndim - n_dense])
    nse = min(
        stored * math.prod(mat.shape[mat.ndim - mat.n_dense : mat.ndim - n_dense]), new_sparse
    )
    return bcoo_fromdense(mat.todense(), nse=nse, n_batch=n_batch, n_dense=n_dense,
                          index_dtype=mat.indices.dtype)  # fmt: skip


def _fold_batch(mat, n_batch):
    """The batch dims from n_batch on become leading sparse index columns."""
    nb, nse = mat.n_batch, mat.nse
    batch = mat.shape[:nb]
    outer, inner = batch[:n_batch], batch[n_batch:]
    data = jnp.broadcast_to(mat.data, batch + tuple(mat.data.shape[nb:]))
    indices = jnp.broadcast_to(mat.indices, batch + tuple(mat.indices.shape[nb:]))
    grid = [lax.broadcasted_iota(indices.dtype, batch + (nse, 1), k) for k in range(n_batch, nb)]
    indices = jnp.concatenate(grid + [indices], axis=-1)
    new_nse = math.prod(inner) * nse
    data = jnp.reshape(data, outer + (new_nse,) + tuple(mat.data.shape[nb + 1 :]))
    indices = jnp.reshape(indices, outer + (new_nse, indices.shape[-1]))
    return BCOO((data, indices), shape=mat.shape, indices_sorted=mat.indices_sorted,
                unique_indices=mat.unique_indices)  # fmt: skip


def bcoo_reshape(mat, *, new_sizes, dimensions=None):
    """Reshape (row-major) of a BCOO array without batch or dense dims."""
    if dimensions is not None:
        raise NotImplementedError("bcoo_reshape: the dimensions argument")
    new_sizes = tuple(operator.index(s) for s in new_sizes)
    if new_sizes.count(-1) == 1:
        known = math.prod(s for s in new_sizes if s != -1)
        new_sizes = tuple(mat.size // known if s == -1 else s for s in new_sizes)
    if math.prod(new_sizes) != mat.size:
        raise ValueError(
            f"bcoo_reshape: cannot reshape an array of shape {mat.shape} into {new_sizes}"
        )
    if mat.n_batch or mat.n_dense:
        raise NotImplementedError("bcoo_reshape: arrays with batch or dense dimensions")
    key, _ = _flat_keys(mat.indices, mat.shape)
    indices = _unflatten_keys(key, new_sizes, mat.indices.dtype)
    if not new_sizes:
        indices = jnp.zeros((mat.nse, 0), mat.indices.dtype)
    return BCOO((mat.data, indices), shape=new_sizes, indices_sorted=mat.indices_sorted,
                unique_indices=mat.unique_indices)  # fmt: skip


def bcoo_concatenate(operands, *, dimension):
    """Concatenates BCOO arrays of one layout along a batch or sparse dimension."""
    operands = list(operands)
    if not operands or not all(isinstance(op, BCOO) for op in operands):
        raise ValueError("bcoo_concatenate: expected a non-empty sequence of BCOO arrays")
    dim = operator.index(dimension)
    first = operands[0]
    if len({(op.n_batch, op.n_sparse, op.n_dense) for op in operands}) != 1:
        raise ValueError("bcoo_concatenate: operands must have the same n_batch, n_sparse, n_dense")
    if len({op.ndim for op in operands}) != 1 or not 0 <= dim < first.ndim:
        raise ValueError(f"bcoo_concatenate: invalid dimension {dim} for the operands' shapes")
    for op in operands:
        if op.shape[:dim] + op.shape[dim + 1 :] != first.shape[:dim] + first.shape[dim + 1 :]:
            raise TypeError(
                "bcoo_concatenate: operands must have the same shape except along dimension "
                f"{dim}, got {[op.shape for op in operands]}"
            )
    shape = list(first.shape)
    shape[dim] = sum(op.shape[dim] for op in operands)
    shape = tuple(shape)
    nb = first.n_batch
    dtype = jnp.result_type(*(op.dtype for op in operands))
    itype = jnp.result_type(*(op.indices.dtype for op in operands))
    if dim < nb:
        datas = [
            jnp.broadcast_to(op.data, op.shape[:nb] + tuple(op.data.shape[nb:])) for op in operands
        ]
        idxs = [jnp.broadcast_to(op.indices, op.shape[:nb] + tuple(op.indices.shape[nb:]))
                for op in operands]  # fmt: skip
        nse = max(op.nse for op in operands)
        from arrax.experimental.sparse.bcoo import _set_nse

        padded = [_set_nse(BCOO((d, i), shape=op.shape), nse)
                  for d, i, op in zip(datas, idxs, operands)]  # fmt: skip
        data = jnp.concatenate([p.data.astype(dtype) for p in padded], axis=dim)
        indices = jnp.concatenate([p.indices.astype(itype) for p in padded], axis=dim)
        return BCOO((data, indices), shape=shape)
    if dim >= nb + first.n_sparse:
        raise NotImplementedError("bcoo_concatenate: concatenation along a dense dimension")
    col, offset = dim - nb, 0
    batch = shape[:nb]
    datas, idxs = [], []
    for op in operands:
        i = jnp.broadcast_to(op.indices, batch + tuple(op.indices.shape[nb:])).astype(itype)
        inside = i[..., col] < op.shape[dim]
        c = jnp.where(inside, i[..., col] + offset, shape[dim])
        idxs.append(jnp.concatenate([i[..., :col], c[..., None], i[..., col + 1 :]], axis=-1))
        datas.append(jnp.broadcast_to(op.data, batch + tuple(op.data.shape[nb:])).astype(dtype))
        offset += op.shape[dim]
    data = jnp.concatenate(datas, axis=nb)
    indices = jnp.concatenate(idxs, axis=nb)
    return BCOO((data, indices), shape=shape)


def _mul(sp, other):
    if isinstance(other, BCOO):
        return bcoo_multiply_sparse(sp, other)
    if isinstance(other, JAXSparse):
        return NotImplemented
    other = scalar_or_asarray(other)
    if onp.ndim(other) == 0:
        return BCOO((sp.data * other, sp.indices), shape=sp.shape, indices_sorted=sp.indices_sorted,
                    unique_indices=sp.unique_indices)  # fmt: skip
    data = bcoo_multiply_dense(sp, other)
    return BCOO((data, sp.indices), shape=sp.shape, indices_sorted=sp.indices_sorted,
                unique_indices=sp.unique_indices)  # fmt: skip


def _add(a, b):
    """a + b with a BCOO array: sparse + sparse of one shape stores both sets of elements;
    sparse + dense is dense where the dense operand has the result's shape."""
    if isinstance(a, BCOO) and isinstance(b, BCOO):
        if a.shape != b.shape:
            raise NotImplementedError(
                f"Addition between sparse matrices of different shapes: {a.shape}, {b.shape}"
            )
        if a.n_dense != b.n_dense:
            raise NotImplementedError("Addition between sparse arrays with different n_dense")
        nb = min(a.n_batch, b.n_batch)
        a, b = (bcoo_update_layout(x, n_batch=nb) for x in (a, b))
        dtype = jnp.result_type(a.dtype, b.dtype)
        itype = jnp.result_type(a.indices.dtype, b.indices.dtype)
        batch = a.shape[:nb]
        parts = [(jnp.broadcast_to(x.data, batch + tuple(x.data.shape[nb:])).astype(dtype),
                  jnp.broadcast_to(x.indices, batch + tuple(x.indices.shape[nb:])).astype(itype))
                 for x in (a, b)]  # fmt: skip
        data = jnp.concatenate([p[0] for p in parts], axis=nb)
        indices = jnp.concatenate([p[1] for p in parts], axis=nb)
        return BCOO((data, indices), shape=a.shape)
    sp, dense = (a, b) if isinstance(a, BCOO) else (b, a)
    if isinstance(dense, JAXSparse):
        return NotImplemented
    dense = asarray(dense)
    out_shape = tuple(onp.broadcast_shapes(sp.shape, tuple(dense.shape)))
    if out_shape != tuple(dense.shape):
        raise NotImplementedError(
            "Addition between a sparse array X and a dense array Y is not implemented when the "
            f"output shape is larger than Y.shape; got X.shape={sp.shape}, Y.shape={dense.shape}"
        )
    return sp.todense() + dense if a is sp else dense + sp.todense()


def todense(arr):
    """The dense array of a sparse one (an array is returned as it is)."""
    return arr.todense() if isinstance(arr, JAXSparse) else asarray(arr)


def _format(sparse_format):
    from arrax.experimental.sparse import bcsr, coo

    formats = {"bcoo": BCOO, "bcsr": bcsr.BCSR, "coo": coo.COO, "csr": coo.CSR, "csc": coo.CSC}
    if sparse_format not in formats:
        raise ValueError(f"sparse_format {sparse_format!r} not recognized")
    return formats[sparse_format]


def empty(shape, dtype=None, index_dtype="int32", sparse_format="bcoo", **kwds):
    """An all-zero sparse array storing no elements (nse=0 unless given)."""
    cls = _format(sparse_format)
    return cls._empty(shape, dtype=dtype, index_dtype=index_dtype, **kwds)


def eye(N, M=None, k=0, dtype=None, index_dtype="int32", sparse_format="bcoo", **kwds):
    """A sparse 2-d array with ones on the k-th diagonal."""
    cls = _format(sparse_format)
    N = operator.index(N)
    M = N if M is None else operator.index(M)
    return cls._eye(N, M, operator.index(k), dtype=dtype, index_dtype=index_dtype, **kwds)


def _bcoo_empty(shape, *, dtype=None, index_dtype="int32", n_dense=0, n_batch=0, nse=0):
    shape = tuple(operator.index(s) for s in shape)
    n_sparse = len(shape) - n_dense - n_batch
    if n_sparse < 0 or n_dense < 0 or n_batch < 0 or nse < 0:
        raise ValueError(f"empty: invalid inputs: shape={shape}, n_dense={n_dense}, "
                         f"n_batch={n_batch}, nse={nse}")  # fmt: skip
    batch, sparse = shape[:n_batch], shape[n_batch : n_batch + n_sparse]
    dense = shape[n_batch + n_sparse :]
    data = jnp.zeros(batch + (nse,) + dense, dtype if dtype is not None else jnp.float64)
    fill = jnp.asarray(onp.array(sparse, onp.int64)).astype(index_dtype)
    indices = jnp.broadcast_to(fill, batch + (nse, n_sparse)) + jnp.zeros((), index_dtype)
    return BCOO((data, indices), shape=shape, indices_sorted=True, unique_indices=True)


def _bcoo_eye(N, M, k, *, dtype=None, index_dtype="int32", n_batch=0, n_dense=0):
    if 2 - n_batch - n_dense < 0 or n_batch < 0 or n_dense < 0:
        raise ValueError(
            f"eye: invalid inputs: shape={(N, M)}, n_dense={n_dense}, n_batch={n_batch}"
        )
    diag = min(N, M - k) if k > 0 else min(N + k, M)
    dtype = dtype if dtype is not None else jnp.float64
    if diag <= 0:
        return _bcoo_empty((N, M), dtype=dtype, index_dtype=index_dtype, n_batch=n_batch,
                           n_dense=n_dense)  # fmt: skip
    if n_batch or n_dense:
        nse = 1 if n_batch == 1 else max(diag, 1)
        return bcoo_fromdense(jnp.eye(N, M, k, dtype=dtype), nse=nse, n_batch=n_batch,
                              n_dense=n_dense, index_dtype=index_dtype)  # fmt: skip
    i = jnp.arange(diag, dtype=index_dtype)
    indices = jnp.stack([i - min(k, 0), i + max(k, 0)], axis=-1)
    return BCOO((jnp.ones(diag, dtype), indices), shape=(N, M), indices_sorted=True,
                unique_indices=True)  # fmt: skip


BCOO._empty = staticmethod(_bcoo_empty)
BCOO._eye = staticmethod(_bcoo_eye)
