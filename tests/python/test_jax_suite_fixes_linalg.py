"""Differences from NumPy/SciPy/JAX found by running JAX's linalg_test and lax_scipy_test
against arrax, each checked against the reference library."""

import arrax
import arrax.numpy as anp
import arrax.scipy.special as asp
import numpy as np
import pytest
import scipy.special as ss

from conftest import AGAINST_NUMPY


@pytest.mark.parametrize(
    "sa, sb, axis",
    [((2, 2, 2), (2, 2), 0), ((2, 2, 2), (2, 2), -1), ((3, 4), (4,), -1), ((3, 4), (3, 1), 0),
     ((2, 3, 4), (3, 4), 1), ((2, 3, 4), (2, 1, 4), -2), ((5,), (5,), 0)],
)  # fmt: skip
@pytest.mark.parametrize("dtype", ["float64", "complex128", "int8", "bool"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_vecdot_contracts_each_operands_own_axis(sa, sb, axis, dtype, keepdims):
    # the contracted axis is a core dimension: the other axes broadcast without it (axis=0 of
    # (2, 2, 2) and (2, 2) summed the wrong products)
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(sa) * 3).astype(dtype), (rng.standard_normal(sb) * 3).astype(dtype)
    if dtype == "complex128":
        a, b = a + 1j * rng.standard_normal(sa), b - 1j * rng.standard_normal(sb)
    try:
        expected = np.vecdot(a, b, axis=axis, keepdims=keepdims)
    except ValueError:
        with pytest.raises(ValueError):
            anp.vecdot(anp.asarray(a), anp.asarray(b), axis=axis, keepdims=keepdims)
        return
    got = anp.vecdot(anp.asarray(a), anp.asarray(b), axis=axis, keepdims=keepdims)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-12)
    if axis in (0, -1):
        np.testing.assert_allclose(
            np.asarray(anp.linalg.vecdot(anp.asarray(a), anp.asarray(b), axis=axis)),
            np.linalg.vecdot(a, b, axis=axis), rtol=1e-12,
        )  # fmt: skip


def test_logsumexp_drops_terms_with_zero_weight_and_shifts_by_real_parts():
    got = asp.logsumexp(anp.asarray([-1000.0, -2.0]), b=anp.asarray([1.0, 0.0]))
    assert float(got) == ss.logsumexp([-1000.0, -2.0], b=[1, 0]) == -1000.0
    g = arrax.grad(lambda a: asp.logsumexp(a, b=anp.asarray([1.0, 0, 2])))(anp.asarray([1.0, 2, 3]))
    w = np.exp([1.0, 2, 3]) * [1, 0, 2]
    np.testing.assert_allclose(np.asarray(g), w / w.sum())
    c = np.array([1 + 2j, 3 - 1j, -0.5 + 0.3j])
    value, sign = asp.logsumexp(anp.asarray(c), return_sign=True)
    want_value, want_sign = ss.logsumexp(c, return_sign=True)
    assert value.dtype == np.float64 and sign.dtype == np.complex128
    np.testing.assert_allclose(float(value), want_value)
    np.testing.assert_allclose(complex(sign), want_sign)
    np.testing.assert_allclose(complex(asp.logsumexp(anp.asarray(c))), ss.logsumexp(c))


@pytest.mark.skipif(AGAINST_NUMPY, reason="jax.numpy's keywords")
def test_linalg_keywords_of_jax_numpy():
    rng = np.random.default_rng(1)
    a = rng.random((4, 4))
    h = a + a.T
    w = anp.linalg.eigh(anp.asarray(h), symmetrize_input=True)[0]
    np.testing.assert_allclose(np.asarray(w), np.linalg.eigh(h)[0])
    np.testing.assert_allclose(
        np.asarray(anp.linalg.eigvalsh(anp.asarray(a), symmetrize_input=True)),
        np.linalg.eigvalsh((a + a.T) / 2),
    )
    for method in ("lu", "qr", None):
        sign, logdet = anp.linalg.slogdet(anp.asarray(a), method=method)
        np.testing.assert_allclose([float(sign), float(logdet)], np.linalg.slogdet(a))
    with pytest.raises(ValueError):
        anp.linalg.slogdet(anp.asarray(a), method="cholesky")
    A, B = rng.random((6, 3)), rng.random((6, 2))
    x, resid, rank, s = arrax.jit(anp.linalg.lstsq)(anp.asarray(A), anp.asarray(B))
    want = np.linalg.lstsq(A, B, rcond=None)
    np.testing.assert_allclose(np.asarray(x), want[0], rtol=1e-10)
    np.testing.assert_allclose(np.asarray(resid), want[1], rtol=1e-10)
    assert int(rank) == want[2]
    np.testing.assert_allclose(np.asarray(s), want[3], rtol=1e-10)


@pytest.mark.skipif(AGAINST_NUMPY, reason="jax.lax.linalg")
@pytest.mark.usefixtures("jax_x64")
def test_lax_linalg_corners_as_jax():
    jax = pytest.importorskip("jax")
    from arrax import lax

    for piv, size in [([1, 0], 4), ([[2, 2], [1, 2]], 3), ([0, 1, 2], 3)]:
        piv = np.array(piv, np.int32)
        np.testing.assert_array_equal(
            np.asarray(lax.linalg.lu_pivots_to_permutation(anp.asarray(piv), size)),
            np.asarray(jax.lax.linalg.lu_pivots_to_permutation(piv, size)),
        )
    rng = np.random.default_rng(2)
    a, b = np.tril(rng.random((4, 4))) + np.eye(4), rng.random(4)  # b a vector
    for left_side in (True, False):
        for transpose_a in (False, True):
            kw = {"left_side": left_side, "lower": True, "transpose_a": transpose_a}
            np.testing.assert_allclose(
                np.asarray(lax.linalg.triangular_solve(a, b, **kw)),
                np.asarray(jax.lax.linalg.triangular_solve(a, b, **kw)), rtol=1e-12,
            )  # fmt: skip
    w, vl, vr = lax.linalg.eig(np.zeros((0, 0), np.float32))
    assert w.shape == (0,) and vl.shape == vr.shape == (0, 0) and w.dtype == np.complex64


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax.jit")
def test_matrix_rank_of_a_vector_traces_and_bessel_jn_keeps_float32():
    x = np.random.default_rng(3).random(5)
    assert int(arrax.jit(anp.linalg.matrix_rank)(x)) == np.linalg.matrix_rank(x) == 1
    assert int(anp.linalg.matrix_rank(np.zeros(3))) == 0
    z = np.linspace(0.1, 10, 5).astype(np.float32)
    got = asp.bessel_jn(z, v=3, n_iter=30)
    assert got.dtype == np.float32
    want = np.array([ss.jv(k, z.astype(np.float64)) for k in range(4)])
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    "c, r",
    [((2, 3), (2, 4)), ((3,), None), ((2, 3), None), ((2, 3), (4,)), ((1, 3), (2, 4)),
     ((3, 1, 4), (2, 5)), ((), None)],
)  # fmt: skip
def test_toeplitz_batches_leading_dimensions_as_scipy(c, r):
    import arrax.scipy.linalg as al
    import scipy.linalg as sl

    rng = np.random.default_rng(4)
    c = rng.random(c) + 1j * rng.random(c)
    r = None if r is None else rng.random(r)
    want = sl.toeplitz(c, r)
    got = al.toeplitz(anp.asarray(c), None if r is None else anp.asarray(r))
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(np.asarray(got), want)


@pytest.mark.skipif(AGAINST_NUMPY, reason="bfloat16 (NumPy files it as a non-numeric kind)")
def test_norm_keeps_bfloat16_as_jax():
    # NumPy's norm casts what it does not count inexact to float64; bfloat16 is inexact
    # (JAX keeps it), as float16 is.
    x = anp.asarray(np.arange(6.0).reshape(2, 3)).astype("bfloat16")
    for r in (
        anp.linalg.norm(x),
        anp.linalg.norm(x, axis=1),
        anp.linalg.vector_norm(x),
        anp.linalg.norm(x, "fro"),
    ):
        assert r.dtype == x.dtype
    np.testing.assert_allclose(float(anp.linalg.norm(x)), np.sqrt(55.0), rtol=1e-2)
    with pytest.raises(TypeError, match="inv"):  # (as float16: no bfloat16 LAPACK kernels)
        anp.linalg.inv(anp.eye(2, dtype="bfloat16"))


@pytest.mark.skipif(AGAINST_NUMPY, reason="bfloat16 is arrax's inexact type")
def test_bfloat16_counts_as_inexact_in_fft_and_chkfinite():
    # Checks keyed on NumPy's kinds 'f'/'c' took bfloat16 (kind 'V') for an integer type:
    # fft computed in complex128 and asarray_chkfinite let its infs through.
    x = anp.asarray(np.arange(8.0)).astype("bfloat16")
    for f in (anp.fft.fft, anp.fft.rfft, anp.fft.ihfft, anp.fft.fftn, anp.fft.rfftn):
        assert f(x).dtype == np.complex64
    with pytest.raises(ValueError, match="infs or NaNs"):
        anp.asarray_chkfinite(anp.asarray([1.0, np.inf]).astype("bfloat16"))
