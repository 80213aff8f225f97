"""``random_bcoo`` (``jax.experimental.sparse.random``): a BCOO array with random indices and
values."""

import math
import operator

import numpy as onp

import arrax.numpy as jnp
from arrax import random
from arrax.experimental.sparse.bcoo import BCOO


def random_bcoo(key, shape, *, dtype=jnp.float64, indices_dtype=None, nse=0.2, n_batch=0,
                n_dense=0, unique_indices=True, sorted_indices=False, generator=random.uniform,
                **kwds):  # fmt: skip
    """A random BCOO array: nse stored elements per batch (a fraction of the sparse size when
    0 < nse < 1) at random indices (distinct when unique_indices), values from generator."""
    shape = tuple(operator.index(s) for s in shape)
    n_batch, n_dense = operator.index(n_batch), operator.index(n_dense)
    if n_batch < 0 or n_dense < 0 or n_batch + n_dense > len(shape):
        raise ValueError(
            f"random_bcoo: invalid n_batch={n_batch}, n_dense={n_dense} for shape={shape}"
        )
    n_sparse = len(shape) - n_batch - n_dense
    batch, sparse = shape[:n_batch], shape[n_batch : n_batch + n_sparse]
    dense = shape[n_batch + n_sparse :]
    sparse_size = math.prod(sparse)
    if not 0 <= nse < sparse_size:
        raise ValueError(f"random_bcoo: got nse={nse}, expected to be between 0 and {sparse_size}")
    if 0 < nse < 1:
        nse = int(math.ceil(nse * sparse_size))
    nse = operator.index(nse)
    indices_dtype = onp.dtype(indices_dtype if indices_dtype is not None else jnp.int64)
    if sparse_size > onp.iinfo(indices_dtype).max:
        raise ValueError(
            f"random_bcoo: indices_dtype={indices_dtype} does not have enough range to generate "
            f"sparse indices of size {sparse_size}."
        )
    keys = random.split(key, math.prod(batch) + 1)
    data = generator(keys[0], shape=batch + (nse,) + dense, dtype=dtype, **kwds)
    rows = []
    for k in keys[1:]:  # (one per batch: the shuffle behind choice is not batched)
        if not sparse:
            rows.append(jnp.zeros((nse, 0), indices_dtype))
            continue
        flat = random.choice(k, sparse_size, shape=(nse,), replace=not unique_indices)
        cols = jnp.unravel_index(flat.astype(indices_dtype), sparse)
        rows.append(jnp.stack([c.astype(indices_dtype) for c in cols], axis=-1))
    indices = jnp.reshape(jnp.stack(rows), batch + (nse, n_sparse))
    mat = BCOO((data, indices), shape=shape, unique_indices=unique_indices)
    return mat.sort_indices() if sorted_indices else mat
