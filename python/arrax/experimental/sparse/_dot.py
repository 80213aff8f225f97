"""Contractions with BCOO arrays (``bcoo_dot_general``, ``@``): sparse x dense and dense x sparse
give dense arrays; sparse x sparse gives a BCOO array. All of it gathers, dot_generals and
scatter-adds, so jit, grad and vmap go through."""

import math
import operator

import numpy as onp

import arrax.numpy as jnp
from arrax import lax
from arrax.experimental.sparse._base import JAXSparse, asarray
from arrax.experimental.sparse.bcoo import BCOO


def _norm_dims(dimension_numbers, lhs_shape, rhs_shape, func="bcoo_dot_general"):
    try:
        (lc, rc), (lb, rb) = dimension_numbers
        lc, rc, lb, rb = (tuple(operator.index(d) for d in dims) for dims in (lc, rc, lb, rb))
    except (TypeError, ValueError) as err:
        raise TypeError(f"{func}: invalid dimension_numbers {dimension_numbers!r}") from err
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise TypeError(
            f"{func}: contracting and batch dimensions must come in pairs, got {dimension_numbers}"
        )
    for dims, shape, side in ((lc + lb, lhs_shape, "lhs"), (rc + rb, rhs_shape, "rhs")):
        if any(not 0 <= d < len(shape) for d in dims) or len(set(dims)) != len(dims):
            raise TypeError(f"{func}: invalid {side} dimensions {dims} for shape {shape}")
    for l_, r_ in zip(lc + lb, rc + rb):
        if lhs_shape[l_] != rhs_shape[r_]:
            raise TypeError(
                f"{func}: dimension {l_} of lhs {lhs_shape} and dimension {r_} of rhs "
                f"{rhs_shape} do not match for dimension_numbers {dimension_numbers}"
            )
    return lc, rc, lb, rb


def _out_shape(lhs_shape, rhs_shape, lc, rc, lb, rb):
    lfree = [s for i, s in enumerate(lhs_shape) if i not in lc + lb]
    rfree = [s for i, s in enumerate(rhs_shape) if i not in rc + rb]
    return tuple(lhs_shape[i] for i in lb) + tuple(lfree) + tuple(rfree)


def unbatched(mat):
    """(data (N, *dense), indices (N, n_batch + n_sparse)): mat with its batch dims made sparse
    (bcoo_update_layout to n_batch=0). Padding stays out of bounds."""
    nb = mat.n_batch
    if nb == 0:
        return mat.data, mat.indices
    batch = mat.shape[:nb]
    nse, ns = mat.nse, mat.n_sparse
    data = jnp.broadcast_to(mat.data, batch + tuple(mat.data.shape[nb:]))
    indices = jnp.broadcast_to(mat.indices, batch + (nse, ns))
    grid = [lax.broadcasted_iota(mat.indices.dtype, batch + (nse, 1), k) for k in range(nb)]
    indices = jnp.concatenate(grid + [indices], axis=-1)
    n = math.prod(batch) * nse
    return (jnp.reshape(data, (n,) + tuple(mat.data.shape[nb + 1 :])),
            jnp.reshape(indices, (n, nb + ns)))  # fmt: skip


def _sparse_dense(mat, rhs, lc, rc, lb, rb):
    """dot_general of a BCOO lhs with a dense rhs: a dense array in lax.dot_general's layout."""
    dtype = jnp.result_type(mat.dtype, rhs.dtype)
    data, idx = unbatched(mat)
    data, rhs = data.astype(dtype), rhs.astype(dtype)
    s = idx.shape[1]  # sparse dims of the unbatched lhs; its dense dims are s, s+1, ...
    pairs = [(l_, r_, "c") for l_, r_ in zip(lc, rc)] + [(l_, r_, "b") for l_, r_ in zip(lb, rb)]
    sp = [p for p in pairs if p[0] < s]
    de = [p for p in pairs if p[0] >= s]
    r_sp = [p[1] for p in sp]
    r_rest = [d for d in range(rhs.ndim) if d not in r_sp]
    rhs_t = jnp.transpose(rhs, r_sp + r_rest)
    if sp:  # rhs at each stored element's coordinates along the paired dims (0 out of bounds)
        g = rhs_t.at[tuple(idx[:, p[0]] for p in sp)].get(mode="fill", fill_value=0)
        off = 1
    else:
        g, off = rhs_t, 0
    pos = {d: off + j for j, d in enumerate(r_rest)}
    dc_l = [1 + p[0] - s for p in de if p[2] == "c"]
    dc_r = [pos[p[1]] for p in de if p[2] == "c"]
    db = [p for p in pairs if p[2] == "b" and p[0] >= s]
    db_l = [1 + p[0] - s for p in db]
    db_r = [pos[p[1]] for p in db]
    if sp:
        prod = lax.dot_general(data, g, ((dc_l, dc_r), ([0] + db_l, [0] + db_r)))
    else:
        prod = lax.dot_general(data, g, ((dc_l, dc_r), (db_l, db_r)))
        prod = jnp.moveaxis(prod, len(db), 0)
    # prod: (N, dense batch pairs, lhs dense free, rhs free); scatter over the sparse ones.
    sb = [i for i, l_ in enumerate(lb) if l_ < s]
    dbi = [i for i, l_ in enumerate(lb) if l_ >= s]
    sfree = [d for d in range(s) if d not in lc + lb]
    cols = [idx[:, lb[i]] for i in sb] + [idx[:, d] for d in sfree]
    if cols:
        tshape = tuple(mat.shape[lb[i]] for i in sb) + tuple(mat.shape[d] for d in sfree)
        out = jnp.zeros(tshape + tuple(prod.shape[1:]), dtype)
        out = out.at[tuple(cols)].add(prod, mode="drop")
    else:
        out = jnp.sum(prod, axis=0, dtype=dtype)  # (NumPy's sum would widen ints)
    # out: (sparse batch pairs, sparse free, dense batch pairs, lhs dense free, rhs free)
    nsb, nsf, ndb = len(sb), len(sfree), len(dbi)
    where = {i: k for k, i in enumerate(sb)}
    where.update({i: nsb + nsf + k for k, i in enumerate(dbi)})
    perm = [where[i] for i in range(len(lb))]
    perm += list(range(nsb, nsb + nsf)) + list(range(nsb + nsf + ndb, out.ndim))
    return jnp.transpose(out, perm)


def _sparse_sparse(lhs, rhs, lc, rc, lb, rb):
    """dot_general of two BCOO arrays: a BCOO array (n_batch 0) storing each pair of elements,
    zero where their contracted and batch coordinates differ."""
    if lhs.n_dense or rhs.n_dense:
        raise NotImplementedError("bcoo_dot_general: sparse x sparse with dense dimensions")
    shape = _out_shape(lhs.shape, rhs.shape, lc, rc, lb, rb)
    dtype = jnp.result_type(lhs.dtype, rhs.dtype)
    ld, li = unbatched(lhs)
    rd, ri = unbatched(rhs)
    itype = jnp.result_type(li.dtype, ri.dtype)
    li, ri = li.astype(itype), ri.astype(itype)
    n_l, n_r = li.shape[0], ri.shape[0]
    match = jnp.ones((n_l, n_r), bool)
    for l_, r_ in zip(lc + lb, rc + rb):
        match = match & (li[:, l_][:, None] == ri[:, r_][None, :])
    lbound = jnp.asarray(onp.array(lhs.shape, onp.int64)).astype(itype)
    rbound = jnp.asarray(onp.array(rhs.shape, onp.int64)).astype(itype)
    ok_l = jnp.all((li >= 0) & (li < lbound), axis=-1)
    ok_r = jnp.all((ri >= 0) & (ri < rbound), axis=-1)
    match = match & ok_l[:, None] & ok_r[None, :]
    data = ld.astype(dtype)[:, None] * rd.astype(dtype)[None, :]
    data = jnp.where(match, data, jnp.zeros((), dtype))
    lfree = [d for d in range(lhs.ndim) if d not in lc + lb]
    rfree = [d for d in range(rhs.ndim) if d not in rc + rb]
    cols = [jnp.broadcast_to(li[:, d][:, None], (n_l, n_r)) for d in list(lb) + lfree]
    cols += [jnp.broadcast_to(ri[:, d][None, :], (n_l, n_r)) for d in rfree]
    if cols:
        fill = jnp.asarray(onp.array(shape, onp.int64)).astype(itype)
        indices = jnp.where(match[..., None], jnp.stack(cols, axis=-1), fill)
    else:
        indices = jnp.zeros((n_l, n_r, 0), itype)
    nse = n_l * n_r
    return BCOO((jnp.reshape(data, (nse,)), jnp.reshape(indices, (nse, len(shape)))),
                shape=shape)  # fmt: skip


def bcoo_dot_general(lhs, rhs, *, dimension_numbers, precision=None,
                     preferred_element_type=None, out_sharding=None):  # fmt: skip
    """lax.dot_general with either operand (or both) a BCOO array. Dense results when an operand
    is dense, a BCOO array when both are sparse."""
    del precision, out_sharding
    lsp, rsp = isinstance(lhs, BCOO), isinstance(rhs, BCOO)
    if not lsp:
        lhs = asarray(lhs)
    if not rsp:
        rhs = asarray(rhs)
    lc, rc, lb, rb = _norm_dims(dimension_numbers, tuple(lhs.shape), tuple(rhs.shape))
    if lsp and rsp:
        out = _sparse_sparse(lhs, rhs, lc, rc, lb, rb)
    elif lsp:
        out = _sparse_dense(lhs, rhs, lc, rc, lb, rb)
    elif rsp:
        res = _sparse_dense(rhs, lhs, rc, lc, rb, lb)  # (batch, rhs free, lhs free)
        nb, n_swap = len(lb), rhs.ndim - len(rc)
        out = jnp.transpose(res, (*range(nb), *range(n_swap, res.ndim), *range(nb, n_swap)))
    else:
        out = lax.dot_general(lhs, rhs, ((lc, rc), (lb, rb)))
    if preferred_element_type is not None:
        out = out.astype(preferred_element_type)
    return out


def _matmul(a, b):
    """a @ b with either a BCOO array, as jnp.matmul: 1-d operands contract their only axis,
    leading (batch) dims must match."""
    if not isinstance(a, JAXSparse):
        a = asarray(a)
    if not isinstance(b, JAXSparse):
        b = asarray(b)
    for x in (a, b):
        if x.ndim == 0:
            raise TypeError(f"matmul: operands must be at least 1-dimensional, got {x.shape}")
    k_b = 0 if b.ndim == 1 else b.ndim - 2  # b's contracting axis
    if a.shape[a.ndim - 1] != b.shape[k_b]:
        raise ValueError(
            f"matmul: contracting dimensions of shapes {tuple(a.shape)} and {tuple(b.shape)} "
            "do not match"
        )
    contract = ((a.ndim - 1,), (k_b,))
    if a.ndim <= 2 or b.ndim <= 2:  # no batch pairs: a's leading dims, then b's
        out = bcoo_dot_general(a, b, dimension_numbers=(contract, ((), ())))
        if a.ndim == 2 and b.ndim > 2:  # (n, *batch, m) -> (*batch, n, m)
            out = jnp.moveaxis(out, 0, -2)
        return out
    nbatch = a.ndim - 2
    if a.ndim != b.ndim or tuple(a.shape[:nbatch]) != tuple(b.shape[:nbatch]):
        raise NotImplementedError(
            f"matmul: sparse matmul with broadcast batch dims, shapes {a.shape} and {b.shape}"
        )
    batch = tuple(range(nbatch))
    dims = (contract, (batch, batch))
    return bcoo_dot_general(a, b, dimension_numbers=dims)
