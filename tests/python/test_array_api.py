"""Array API (2023.12) usage through ``x.__array_namespace__()``, as array-agnostic libraries
write it, checked against NumPy running the same code."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")


def standardize(x):
    xp = x.__array_namespace__()
    x = xp.astype(x, xp.float64)
    mean = xp.mean(x, axis=0, keepdims=True)
    std = xp.std(x, axis=0, keepdims=True, correction=1)
    z = (x - mean) / std
    order = xp.argsort(z[:, 0], stable=True)
    top = xp.take(z, order[:3], axis=0)
    vals, counts = xp.unique_counts(xp.astype(x[:, 1] > 4, xp.int64))
    return (
        xp.concat([top, xp.matrix_transpose(top)[:, :1].T], axis=0),
        xp.linalg.vector_norm(z, axis=1),
        xp.cumulative_sum(xp.sum(x, axis=1)),
        xp.vecdot(z, z, axis=1),
        counts,
        xp.fft.rfft(x[:, 0]),
        xp.linalg.matrix_norm(x[:3, :3], ord="fro"),
        xp.stack(xp.unstack(x, axis=1), axis=0),
        xp.where(xp.isnan(z), 0.0, z),
    )


def test_same_results_as_numpy():
    data = np.arange(24.0).reshape(8, 3) ** 1.5 % 7
    got = standardize(anp.asarray(data))
    want = standardize(data)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-10, atol=1e-12)


def test_namespace_inspection():
    a = anp.ones(3)
    xp = a.__array_namespace__(api_version="2023.12")
    assert xp.__array_api_version__ == "2023.12"
    info = xp.__array_namespace_info__()
    assert info.default_device() == arrax.default_device() and "float64" in info.dtypes()
    assert a.device == arrax.default_device() and a.to_device(a.device) is a
    assert xp.isdtype(xp.float32, "real floating") and xp.bool == np.bool_


def test_finfo_takes_every_dtype_spelling():
    for spelling in (
        anp.float32,
        np.float32,
        "float32",
        np.dtype("float32"),
        anp.ones(2, anp.float32),
    ):
        assert anp.finfo(spelling).eps == np.finfo(np.float32).eps
    assert anp.finfo(anp.complex64).dtype == np.float32
    assert anp.finfo(anp.bfloat16).bits == 16


def test_creation_signatures_are_numpys():
    import inspect

    for name in ("zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
                 "full_like", "arange", "linspace", "eye"):  # fmt: skip
        assert inspect.signature(getattr(anp, name)) == inspect.signature(getattr(np, name))
    assert anp.eye(3, k=2**63).sum() == 0 and anp.eye(3, 4, k=-(2**70)).shape == (3, 4)
    np.testing.assert_array_equal(np.asarray(anp.eye(2, 3, k=-1)), np.eye(2, 3, k=-1))


# Corners the Array API conformance suite (data-apis/array-api-tests) checks.
def test_rank_and_pinv_take_one_rtol_per_matrix_of_a_stack():
    a = np.stack([np.diag([1.0, 0.15, 0.05]), np.diag([1.0, 0.3, 0.01])])
    rtol = np.asarray([0.1, 0.2])
    np.testing.assert_array_equal(
        np.asarray(anp.linalg.matrix_rank(anp.asarray(a), rtol=anp.asarray(rtol))),
        np.linalg.matrix_rank(a, rtol=rtol),
    )
    np.testing.assert_allclose(
        np.asarray(anp.linalg.pinv(anp.asarray(a), rtol=anp.asarray(rtol))),
        np.linalg.pinv(a, rtol=rtol),
    )
    np.testing.assert_allclose(  # rtol=None: the Array API's max(M, N) * eps
        np.asarray(anp.linalg.pinv(anp.asarray(a), rtol=None)), np.linalg.pinv(a, rtol=None)
    )
    for shape in [(0, 2, 2), (0, 2, 3), (3, 0, 2)]:
        e = np.ones(shape)
        assert anp.linalg.matrix_rank(anp.asarray(e)).shape == np.linalg.matrix_rank(e).shape
        assert anp.linalg.pinv(anp.asarray(e)).shape == np.linalg.pinv(e).shape


@pytest.mark.parametrize("fn", [anp.vecdot, anp.linalg.vecdot])
def test_vecdot_does_not_broadcast_the_contracted_axis(fn):
    with pytest.raises(ValueError, match="vecdot"):
        fn(anp.ones((2, 3)), anp.ones((2, 1)))
    with pytest.raises(np.exceptions.AxisError):
        fn(anp.ones((2, 3)), anp.ones((2, 3)), axis=2)
    np.testing.assert_array_equal(np.asarray(fn(anp.ones((2, 3)), anp.ones((1, 3)))), [3, 3])


def test_astype_without_copy_returns_the_array_itself():
    x = anp.asarray([1, 2, 3])
    assert anp.astype(x, x.dtype, copy=False) is x
    assert x.astype("int64", copy=False) is x
    assert anp.astype(x, x.dtype) is not x
    assert anp.astype(x, anp.float32, copy=False).dtype == anp.float32


@pytest.mark.parametrize("dtype", ["float32", "complex64", "float64"])
@pytest.mark.parametrize("big", [3e19, 1e-30, 1.0])
def test_qr_of_huge_and_tiny_entries_does_not_overflow(dtype, big):
    a = np.asarray([[big, 1.0], [1.0, 2.0], [0.5, -1.0]], dtype)
    q, r = (np.asarray(t) for t in anp.linalg.qr(anp.asarray(a)))
    assert np.all(np.isfinite(q)) and np.all(np.isfinite(r))
    rtol = 1e-5 if dtype in ("float32", "complex64") else 1e-12
    np.testing.assert_allclose(q @ r, a, rtol=rtol, atol=rtol * np.abs(a).max())
    np.testing.assert_allclose(
        np.abs(r), np.abs(np.linalg.qr(a)[1]), rtol=rtol, atol=rtol * np.abs(a).max()
    )
