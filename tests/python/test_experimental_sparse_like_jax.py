"""``arrax.experimental.sparse`` against ``jax.experimental.sparse`` (JAX 64-bit): BCOO (batched
and with dense dims), BCSR and the legacy COO/CSR/CSC formats, their operations, under jit, grad
and vmap; values, dtypes, shapes and nse. Also the arrax defect it turned up: the gradient of
``x.at[idx].add(u, mode="drop")`` (and of scatter-add in general) with respect to u gave the
cotangent of the clamped position to a dropped (out-of-bounds) update; JAX gives 0."""

import arrax
import numpy as np
import pytest

from jax_programs_common import _jax, _jax_x64_here  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


def _libs(X):
    """(X, X.numpy, X.experimental.sparse) for arrax or jax."""
    if X is arrax:
        from arrax.experimental import sparse
    else:
        from jax.experimental import sparse
    return X, X.numpy, sparse


def _check(ours, theirs, *, layout=True, name=""):
    """Same type name, shape, dtype and dense values; with layout, also nse, n_batch, n_dense,
    data and indices."""
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs), name
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _check(a, b, layout=layout, name=f"{name}[{i}]")
        return
    if hasattr(theirs, "todense") and not hasattr(theirs, "__array__"):
        assert type(ours).__name__ == type(theirs).__name__, name
        assert tuple(ours.shape) == tuple(theirs.shape), name
        assert np.dtype(ours.dtype) == np.dtype(theirs.dtype), name
        np.testing.assert_allclose(np.asarray(ours.todense()), np.asarray(theirs.todense()),
                                   rtol=1e-12, atol=1e-12, err_msg=name)  # fmt: skip
        if layout:
            assert ours.nse == theirs.nse, (name, ours.nse, theirs.nse)
            for attr in ("n_batch", "n_dense", "indices_sorted", "unique_indices"):
                if hasattr(theirs, attr):
                    assert getattr(ours, attr) == getattr(theirs, attr), (name, attr)
            for attr in ("data", "indices", "indptr", "row", "col"):
                if hasattr(theirs, attr):
                    _check(getattr(ours, attr), getattr(theirs, attr), name=f"{name}.{attr}")
        return
    a, b = np.asarray(ours), np.asarray(theirs)
    assert a.shape == b.shape and a.dtype == b.dtype, (name, a.shape, b.shape, a.dtype, b.dtype)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=name)


def _both(program, **kw):
    jax = _jax()
    _check(program(*_libs(arrax)), program(*_libs(jax)), **kw)


X2 = np.array([[0.0, 1.0, 0.0, 0.0], [2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0, 4.0]])
X3 = np.array([[[0.0, 1.0], [2.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 5.0], [6.0, 7.0]]])


# --- construction and conversion ------------------------------------------------------------


def test_import_forms():
    import arrax.experimental.sparse as s1
    from arrax.experimental import sparse as s2

    assert s1 is s2 and s1.BCOO is s2.bcoo.BCOO and callable(s1.random_bcoo)


@pytest.mark.parametrize(
    "x, kw",
    [
        (X2, {}),
        (X2, {"nse": 6}),
        (X2, {"index_dtype": np.int64}),
        (X3, {}),
        (X3, {"n_batch": 1}),
        (X3, {"n_dense": 1}),
        (X3, {"n_batch": 1, "n_dense": 1}),
        (X3, {"n_batch": 2}),
        (X3, {"n_batch": 1, "nse": 4}),
        (np.zeros((3, 2)), {}),
        (np.zeros((0, 3)), {}),
        (X2.astype(np.int32), {}),
        (X2 > 0, {}),
        (np.float64(2.0), {}),
    ],
)
def test_bcoo_fromdense_todense(x, kw):
    def program(X, N, S):
        M = S.BCOO.fromdense(N.asarray(x), **kw)
        return M, M.todense(), S.bcoo_todense(M), S.todense(M)

    _both(program)


def test_bcoo_attributes_and_pytree():
    def program(X, N, S):
        M = S.BCOO.fromdense(N.asarray(X3), n_batch=1)
        leaves, tree = X.tree_util.tree_flatten(M)
        M2 = X.tree_util.tree_unflatten(tree, leaves)
        assert (M.ndim, M.size, len(M), M.n_sparse) == (3, 12, 2, 2)
        assert M.block_until_ready() is M
        return M2, M.transpose((0, 2, 1)), len(leaves)

    _both(program)
    M = arrax.experimental.sparse.BCOO.fromdense(arrax.numpy.asarray(X3), n_batch=1)
    assert repr(M) == "BCOO(float64[2, 3, 2], nse=3, n_batch=1)"


def test_bcoo_from_buffers_with_duplicates_and_padding():
    def program(X, N, S):
        data = N.array([1.0, 2.0, 3.0, 0.0])
        idx = N.array([[0, 1], [2, 0], [0, 1], [3, 3]])
        M = S.BCOO((data, idx), shape=(3, 3))
        return (M.todense(), M.sum_duplicates(), M.sum_duplicates(nse=4, remove_zeros=False),
                M.sort_indices(), M @ N.arange(3.0), S.bcoo_extract(M, N.ones((3, 3))))  # fmt: skip

    _both(program)


def test_bcoo_empty_eye():
    def program(X, N, S):
        return (S.empty((2, 3)), S.empty((2, 3), dtype=N.int32, nse=2),
                S.empty((2, 3, 4), n_batch=1, n_dense=1), S.eye(3), S.eye(3, 4, k=1),
                S.eye(4, 3, k=-2), S.eye(3, k=5), S.eye(3, 4, n_batch=1),
                S.eye(3, dtype=N.int32), S.eye(2, sparse_format="coo"),
                S.eye(3, 2, sparse_format="csr"))  # fmt: skip

    _both(program)


# --- operations ---------------------------------------------------------------------------


@pytest.mark.parametrize("kw", [{}, {"n_batch": 1}, {"n_dense": 1}])
def test_bcoo_elementwise_and_reductions(kw):
    def program(X, N, S):
        M = S.BCOO.fromdense(N.asarray(X3), **kw)
        d = N.asarray(X3 + 1)
        return (-M, M * 2, 3.0 * M, M / 2.0, M.astype(N.int32), M * d, d * M, M * N.arange(2.0),
                M.sum(), M.sum(0), M.sum(1), M.sum(2), M.sum((1, 2)), M + M, M - M, M + d,
                S.bcoo_multiply_dense(M, d), S.bcoo_reduce_sum(M, axes=(0,)))  # fmt: skip

    _both(program)


def test_bcoo_multiply_sparse():
    def program(X, N, S):
        A = S.BCOO.fromdense(N.asarray(X2))
        B = S.BCOO.fromdense(N.asarray(X2 * (X2 > 1) + np.eye(3, 4)))
        Ab = S.BCOO.fromdense(N.asarray(X3), n_batch=1)
        return A * B, S.bcoo_multiply_sparse(A, A), Ab * Ab

    _both(program)


@pytest.mark.parametrize("kw", [{}, {"n_batch": 1}, {"n_dense": 1}, {"n_batch": 1, "n_dense": 1}])
def test_bcoo_transpose_sort_sum_duplicates(kw):
    def program(X, N, S):
        M = S.BCOO.fromdense(N.asarray(X3), **kw)
        perm = {(0, 0): (2, 1, 0), (1, 0): (0, 2, 1), (0, 1): (1, 0, 2)}.get(
            (M.n_batch, M.n_dense), (0, 1, 2)
        )
        T = S.bcoo_transpose(M, permutation=perm)
        return T, T.sort_indices(), T.sum_duplicates(), M.sum_duplicates(nse=5)

    _both(program)


def test_bcoo_layout_concatenate_reshape():
    def program(X, N, S):
        M = S.BCOO.fromdense(N.asarray(X3), n_batch=1)
        P = S.BCOO.fromdense(N.asarray(X2))
        return (S.bcoo_update_layout(M, n_batch=0), M.update_layout(n_batch=0),
                S.bcoo_concatenate([P, P * 2], dimension=0),
                S.bcoo_concatenate([P, P], dimension=1),
                S.bcoo_concatenate([M, M], dimension=0), P.reshape(2, 6), P.reshape((4, 3)))  # fmt: skip

    _both(program, layout=False)


# --- contractions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kw, rhs_shape, dims",
    [
        ({}, (4,), (((1,), (0,)), ((), ()))),
        ({}, (4, 5), (((1,), (0,)), ((), ()))),
        ({}, (3,), (((0,), (0,)), ((), ()))),
        ({}, (5, 3), (((0,), (1,)), ((), ()))),
        ({}, (3, 4), (((0, 1), (0, 1)), ((), ()))),
        ({"n_batch": 1}, (4,), (((2,), (0,)), ((), ()))),
        ({"n_batch": 1}, (2, 4, 5), (((2,), (1,)), ((0,), (0,)))),
        ({"n_batch": 1}, (2, 3), (((0, 1), (0, 1)), ((), ()))),
    ],
)
def test_bcoo_dot_general_with_dense(kw, rhs_shape, dims):
    rhs = np.arange(np.prod(rhs_shape), dtype=np.float64).reshape(rhs_shape) - 3

    def program(X, N, S):
        M = S.BCOO.fromdense(N.asarray(X2 if not kw else np.stack([X2, 2 * X2[::-1]])), **kw)
        out = S.bcoo_dot_general(M, N.asarray(rhs), dimension_numbers=dims)
        # the same contraction with the dense operand on the left
        (lc, rc), (lb, rb) = dims
        rout = S.bcoo_dot_general(N.asarray(rhs), M, dimension_numbers=((rc, lc), (rb, lb)))
        return out, rout

    _both(program)


def test_bcoo_dot_general_dense_dims():
    def program(X, N, S):
        M = S.BCOO.fromdense(N.asarray(X3), n_dense=1)
        return (S.bcoo_dot_general(M, N.arange(3.0), dimension_numbers=(((1,), (0,)), ((), ()))),
                N.arange(3.0) @ M)  # fmt: skip

    _both(program)


def test_bcoo_matmul_operators():
    def program(X, N, S):
        M = S.BCOO.fromdense(N.asarray(X2))
        Mb = S.BCOO.fromdense(N.asarray(X3), n_batch=1)
        return (M @ N.arange(4.0), M @ N.ones((4, 2)), N.arange(3.0) @ M, N.ones((2, 3)) @ M,
                M.T @ N.arange(3.0), Mb @ N.arange(2.0), Mb @ N.ones((2, 2, 3)),
                M @ N.arange(4, dtype=N.int32), M.astype(N.int32) @ N.arange(4, dtype=N.int32))  # fmt: skip

    _both(program)


def test_bcoo_sparse_sparse_dot():
    def program(X, N, S):
        A = S.BCOO.fromdense(N.asarray(X2))
        return (A @ A.T).todense(), S.bcoo_dot_general(
            A, A, dimension_numbers=(((0,), (0,)), ((), ()))).todense()  # fmt: skip

    _both(program)


def test_bcoo_zero_and_empty_matrices():
    def program(X, N, S):
        Z = S.BCOO.fromdense(N.zeros((3, 4)))
        E = S.empty((3, 4), nse=2)
        return (Z, Z @ N.ones(4), N.ones(3) @ Z, Z.sum(0), Z.T, E @ N.ones((4, 2)),
                E.sum_duplicates(), X.grad(lambda v: (E @ v).sum())(N.ones(4)))  # fmt: skip

    _both(program)


# --- transformations ----------------------------------------------------------------------


def test_bcoo_grad_jit_like_jax():
    v = np.array([1.0, -2.0, 3.0, 0.5])

    def program(X, N, S):
        M = S.BCOO.fromdense(N.asarray(X2), nse=5)  # (two padding entries)

        def f(d, v):
            return (S.BCOO((d, M.indices), shape=M.shape) @ v).sum() ** 2

        def g(d):
            return (S.BCOO((d, M.indices), shape=M.shape).todense() ** 2).sum()

        vv = N.asarray(v)
        return (X.grad(f)(M.data, vv), X.grad(f, 1)(M.data, vv), X.jit(X.grad(f, (0, 1)))(M.data, vv),
                X.grad(g)(M.data), X.jit(lambda M, v: M @ v)(M, vv), X.jit(lambda M: M.T)(M),
                X.jit(lambda M: M.sum(1))(M),
                X.jit(lambda x: S.BCOO.fromdense(x, nse=4))(N.asarray(X2)),
                X.grad(lambda x: (S.BCOO.fromdense(x, nse=4) @ vv).sum())(N.asarray(X2)),
                X.grad(lambda v: (vv[:3] @ S.BCOO.fromdense(N.asarray(X2)) @ v))(vv))  # fmt: skip

    _both(program)


def test_bcoo_vmap_like_jax():
    def program(X, N, S):
        M = S.BCOO.fromdense(N.asarray(X2))
        Mb = S.BCOO.fromdense(N.asarray(X3), n_batch=1)
        return (X.vmap(lambda v: M @ v)(N.ones((5, 4))), X.vmap(lambda m: m @ N.arange(2.0))(Mb),
                X.vmap(lambda m: m.todense())(Mb), X.vmap(lambda m: m.sum(0))(Mb),
                X.vmap(lambda x: S.BCOO.fromdense(x, nse=3).todense())(N.asarray(X3)),
                X.vmap(lambda d: (S.BCOO((d, M.indices), shape=M.shape) @ N.ones(4)))(
                    N.ones((2, M.nse))))  # fmt: skip

    _both(program)


def test_scatter_add_gradient_of_dropped_updates_like_jax():
    def program(X, N, S):
        z = N.zeros((2, 3))
        rows, cols = N.array([0, 2, 1]), N.array([1, 0, 5])

        def f(u):
            return (z.at[rows, cols].add(u, mode="drop") * N.arange(6.0).reshape(2, 3)).sum()

        u = N.array([1.0, 2.0, 3.0])
        return X.grad(f)(u), X.jit(X.grad(f))(u), X.vmap(X.grad(f))(N.ones((2, 3)))

    _both(program)


# --- BCSR and legacy formats ----------------------------------------------------------------


@pytest.mark.parametrize("kw", [{}, {"n_batch": 1}, {"n_dense": 1}])
def test_bcsr_like_jax(kw):
    def program(X, N, S):
        x = N.asarray(X3 if kw else X2)
        B = S.BCSR.fromdense(x, **kw)
        assert B.n_batch == kw.get("n_batch", 0) and B.n_dense == kw.get("n_dense", 0)
        out = [B, B.todense(), B.to_bcoo(), S.BCSR.from_bcoo(B.to_bcoo()), S.bcsr_todense(B),
               S.BCSR.from_bcoo(S.BCOO.fromdense(x, **kw))]  # fmt: skip
        if not kw.get("n_dense"):
            v = N.arange(float(x.shape[-1]))
            out += [B @ v, X.jit(lambda B: B @ v)(B)]
        return out

    _both(program)


def test_bcsr_grad_like_jax():
    def program(X, N, S):
        B = S.BCSR.fromdense(N.asarray(X2))

        def f(d):
            return (S.BCSR((d, B.indices, B.indptr), shape=B.shape) @ N.arange(4.0)).sum() ** 2

        return X.grad(f)(B.data)

    _both(program)


def test_legacy_coo_csr_csc_like_jax():
    def program(X, N, S):
        x, v = N.asarray(X2), N.arange(4.0)
        C, R = S.COO.fromdense(x), S.CSR.fromdense(x)
        return (C, R, C.T, R.T, C @ v, R @ v, R.T @ N.arange(3.0), C @ N.ones((4, 2)),
                S.CSC.fromdense(x), S.CSC.fromdense(x).todense())  # fmt: skip

    _both(program)


def test_random_bcoo():
    from arrax.experimental import sparse

    M = sparse.random_bcoo(arrax.random.PRNGKey(0), (3, 4, 2), nse=3, n_batch=1,
                           sorted_indices=True)  # fmt: skip
    assert M.shape == (3, 4, 2) and M.nse == 3 and M.n_batch == 1 and M.dtype == np.float64
    idx = np.asarray(M.indices)
    for b in range(3):
        rows = [tuple(r) for r in idx[b]]
        assert rows == sorted(rows) and len(set(rows)) == 3
    assert np.all((idx >= 0) & (idx < np.array([4, 2])))
    assert sparse.random_bcoo(arrax.random.PRNGKey(1), (10, 10), nse=0.1).nse == 10


# --- errors -------------------------------------------------------------------------------


def test_errors_like_jax():
    from arrax.experimental import sparse as S

    N = arrax.numpy
    M = S.BCOO.fromdense(N.asarray(X2))
    with pytest.raises(ValueError, match="BCOO"):
        S.BCOO((N.ones(3), N.zeros((2, 2), N.int32)), shape=(3, 3))
    with pytest.raises(ValueError, match="bcoo_fromdense"):
        S.BCOO.fromdense(N.asarray(X2), n_batch=3)
    with pytest.raises(TypeError, match="bcoo_dot_general"):
        S.bcoo_dot_general(M, N.ones(3), dimension_numbers=(((1,), (0,)), ((), ())))
    with pytest.raises(ValueError, match="matmul"):
        M @ N.ones(3)
    with pytest.raises(TypeError, match="bcoo_transpose"):
        S.bcoo_transpose(M, permutation=(0, 0))
    with pytest.raises(ValueError, match="bcoo_extract"):
        S.bcoo_extract(M, N.ones((2, 2)))
    with pytest.raises(TypeError, match="bcoo_multiply_sparse"):
        S.bcoo_multiply_sparse(M, S.BCOO.fromdense(N.ones(3)))
    with pytest.raises(S.SparseEfficiencyError):
        S.bcoo_update_layout(M, n_batch=1)
    with pytest.raises(TypeError, match="nse"):
        arrax.jit(lambda x: S.BCOO.fromdense(x))(N.asarray(X2))
    with pytest.raises(NotImplementedError):
        M + 1.0
    with pytest.raises(ValueError, match="bcsr"):
        S.BCSR.fromdense(N.ones(3))
