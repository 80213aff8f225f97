"""What the tests of whole JAX programs share: JAX's 64-bit mode for the module, running a
program with arrax and with JAX, and comparing the two results' pytrees."""

import arrax
import numpy as np
import pytest


@pytest.fixture(scope="module")
def _jax_x64_here():
    jax = pytest.importorskip("jax")
    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", old)


def _jax():
    return pytest.importorskip("jax")


def _run_both(program):
    """program(jax, jnp, lax, nn, random) with arrax and with JAX."""
    jax = _jax()
    ours = program(arrax, arrax.numpy, arrax.lax, arrax.nn, arrax.random)
    theirs = program(jax, jax.numpy, jax.lax, jax.nn, jax.random)
    return ours, theirs


def _assert_trees_close(ours, theirs, rtol=1e-5, atol=1e-6):
    jax = _jax()
    a_leaves, a_tree = arrax.tree_util.tree_flatten(ours)
    j_leaves, j_tree = jax.tree_util.tree_flatten(theirs)
    assert len(a_leaves) == len(j_leaves), (a_tree, j_tree)
    for a, j in zip(a_leaves, j_leaves):
        a, j = np.asarray(a), np.asarray(j)
        assert a.shape == j.shape
        tol = (2e-4, 1e-4) if np.float32 in (a.dtype, j.dtype) else (rtol, atol)
        np.testing.assert_allclose(a.astype(j.dtype), j, rtol=tol[0], atol=tol[1])


def _assert_same_trees(ours, theirs, rtol, atol, f32_tol, loose=(np.float32, np.complex64)):
    """Same pytree structure; per leaf the same shape and dtype, close floating values
    (``f32_tol`` = (rtol, atol) for leaves of the ``loose`` dtypes) and equal other values."""
    jax = _jax()
    a_leaves, a_tree = arrax.tree_util.tree_flatten_with_path(ours)
    j_leaves, j_tree = jax.tree_util.tree_flatten_with_path(theirs)
    assert len(a_leaves) == len(j_leaves), (a_tree, j_tree)
    for (_, a), (path, j) in zip(a_leaves, j_leaves):
        where = jax.tree_util.keystr(path)
        a, j = np.asarray(a), np.asarray(j)
        assert (a.shape, a.dtype) == (j.shape, j.dtype), where
        if a.dtype.kind in "fc":
            tol = f32_tol if a.dtype in loose else (rtol, atol)
            np.testing.assert_allclose(a, j, rtol=tol[0], atol=tol[1], err_msg=where)
        else:
            np.testing.assert_array_equal(a, j, err_msg=where)
