"""``arrax.experimental.sparse`` (``jax.experimental.sparse``): batched COO (``BCOO``) and CSR
(``BCSR``) sparse arrays, the legacy 2-d ``COO``/``CSR``, and their operations, composed from
arrax ops so that ``arrax.jit``, ``arrax.grad`` and ``arrax.vmap`` go through them.
``sparsify`` is not provided."""

from arrax.experimental.sparse import bcoo, bcsr, coo  # noqa: F401
from arrax.experimental.sparse import random as _random_module
from arrax.experimental.sparse._base import (  # noqa: F401
    CuSparseEfficiencyWarning,
    JAXSparse,
    SparseEfficiencyError,
    SparseEfficiencyWarning,
)
from arrax.experimental.sparse._dot import bcoo_dot_general  # noqa: F401
from arrax.experimental.sparse._ops import (  # noqa: F401
    bcoo_concatenate,
    bcoo_reshape,
    bcoo_update_layout,
    empty,
    eye,
    todense,
)
from arrax.experimental.sparse.bcoo import (  # noqa: F401
    BCOO,
    bcoo_eliminate_zeros,
    bcoo_extract,
    bcoo_fromdense,
    bcoo_multiply_dense,
    bcoo_multiply_sparse,
    bcoo_reduce_sum,
    bcoo_sort_indices,
    bcoo_sum_duplicates,
    bcoo_todense,
    bcoo_transpose,
)
from arrax.experimental.sparse.bcsr import (  # noqa: F401
    BCSR,
    bcsr_dot_general,
    bcsr_extract,
    bcsr_fromdense,
    bcsr_todense,
)
from arrax.experimental.sparse.coo import (  # noqa: F401
    COO,
    CSC,
    CSR,
    coo_fromdense,
    coo_matmat,
    coo_matvec,
    coo_todense,
    csr_fromdense,
    csr_matmat,
    csr_matvec,
    csr_todense,
)

random_bcoo = _random_module.random_bcoo
random = _random_module
