"""JAX API names arrax lacked, checked against JAX itself (0.10.2, 64-bit): the
tridiagonal solver and the rest of jax.scipy.linalg (solve_sylvester, eigh_tridiagonal,
qr_multiply), and the rest of jax.lax's convolution API (conv_general_dilated_patches, the
shape helpers and type names). Values, dtypes and shapes; gradients where JAX defines them;
under jit and vmap. Collectives, config context managers and callbacks are in
test_jax_api_gaps_like_jax_2.py."""

import arrax
import numpy as np
import pytest
from arrax.test_util import check_grads

from jax_programs_common import _assert_trees_close, _jax, _jax_x64_here  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")


def _same(ours, theirs, rtol=1e-10, atol=1e-12):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    if ours.dtype == np.float32 or ours.dtype == np.complex64:
        rtol, atol = max(rtol, 1e-5), max(atol, 1e-5)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def _tridiag(rng, batch, m, dtype=np.float64):
    def draw(shape):
        v = rng.normal(size=shape)
        if np.issubdtype(dtype, np.complexfloating):
            v = v + 1j * rng.normal(size=shape)
        return v.astype(dtype)

    return draw(batch + (m,)), draw(batch + (m,)), draw(batch + (m,))


# --- lax.linalg.tridiagonal_solve -------------------------------------------------------


@pytest.mark.parametrize("m", [1, 2, 3, 7])
@pytest.mark.parametrize("batch", [(), (3,), (2, 2)])
def test_tridiagonal_solve_like_jax(m, batch):
    """Partial pivoting as LAPACK's gtsv (the first pivot is zero here, so rows swap)."""
    jax = _jax()
    rng = np.random.default_rng(m + len(batch))
    dl, d, du = _tridiag(rng, batch, m)
    if m > 1:
        d[..., 0] = 0.0
    b = rng.normal(size=batch + (m, 2))
    ours = arrax.lax.linalg.tridiagonal_solve(dl, d, du, b)
    _same(ours, jax.lax.linalg.tridiagonal_solve(dl, d, du, b))
    # dl[..., 0] and du[..., -1] are outside the matrix: ignored
    dl2, du2 = dl.copy(), du.copy()
    dl2[..., 0], du2[..., -1] = 100.0, -100.0
    _same(arrax.lax.linalg.tridiagonal_solve(dl2, d, du2, b), ours)


@pytest.mark.parametrize("dtype", [np.float32, np.complex128, np.complex64])
def test_tridiagonal_solve_dtypes_like_jax(dtype):
    jax = _jax()
    rng = np.random.default_rng(1)
    dl, d, du = _tridiag(rng, (2,), 5, dtype)
    b = (rng.normal(size=(2, 5, 3)) + (1j if np.dtype(dtype).kind == "c" else 0)).astype(dtype)
    _same(
        arrax.lax.linalg.tridiagonal_solve(dl, d, du, b),
        jax.lax.linalg.tridiagonal_solve(dl, d, du, b),
    )


def test_tridiagonal_solve_singular_is_nan_like_jax():
    jax = _jax()
    z = np.zeros((2, 4))
    d = np.array([[1.0, 2, 3, 4], [0, 0, 0, 0]])
    b = np.ones((2, 4, 1))
    ours = arrax.lax.linalg.tridiagonal_solve(z, d, z, b)
    theirs = jax.lax.linalg.tridiagonal_solve(z, d, z, b)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(np.asarray(theirs)))
    assert np.isnan(ours[1]).all() and not np.isnan(ours[0]).any()


def test_tridiagonal_solve_errors_like_jax():
    jax = _jax()
    dl, d, du = _tridiag(np.random.default_rng(0), (), 4)
    b = np.ones((4, 2))
    cases = [
        (dl.astype(np.float32), d, du, b),  # mixed dtypes
        (dl, d, du, b[:, 0]),  # b must be a matrix
        (dl[:3], d, du, b),  # diagonals of different lengths
        (dl, d, du, np.ones((5, 2))),  # b's rows
        (dl.astype(int), d.astype(int), du.astype(int), b.astype(int)),  # integers
    ]
    for args in cases:
        with pytest.raises(TypeError):
            jax.lax.linalg.tridiagonal_solve(*args)
        with pytest.raises(TypeError, match="tridiagonal_solve"):
            arrax.lax.linalg.tridiagonal_solve(*args)


def test_tridiagonal_solve_gradients_like_jax():
    jax = _jax()
    rng = np.random.default_rng(2)
    dl, d, du = _tridiag(rng, (2,), 5)
    d = d + 4.0
    b = rng.normal(size=(2, 5, 2))
    w = rng.normal(size=(2, 5, 2))

    def loss(X):
        def f(dl, d, du, b):
            return (X.numpy.sin(X.lax.linalg.tridiagonal_solve(dl, d, du, b)) * w).sum()

        return f

    args = (dl, d, du, b)
    ours = arrax.grad(loss(arrax), argnums=(0, 1, 2, 3))(*args)
    theirs = jax.grad(loss(jax), argnums=(0, 1, 2, 3))(*args)
    _assert_trees_close(ours, theirs, rtol=1e-10, atol=1e-12)
    # forward mode, and the gradient's own derivatives, against finite differences
    t_ours = arrax.jvp(arrax.lax.linalg.tridiagonal_solve, args, args)[1]
    t_theirs = jax.jvp(jax.lax.linalg.tridiagonal_solve, args, args)[1]
    _same(t_ours, t_theirs)
    check_grads(arrax.lax.linalg.tridiagonal_solve, args, order=2, modes=("fwd", "rev"))


def test_tridiagonal_solve_jit_and_vmap_like_jax():
    jax = _jax()
    rng = np.random.default_rng(3)
    dl, d, du = _tridiag(rng, (), 6)
    D = rng.normal(size=(4, 6))
    b = rng.normal(size=(6, 2))
    B = rng.normal(size=(4, 6, 2))

    def run(X):
        solve = X.lax.linalg.tridiagonal_solve
        return (
            X.jit(solve)(dl, d, du, b),
            X.vmap(solve, in_axes=(None, None, None, 0))(dl, d, du, B),
            X.vmap(solve, in_axes=(None, 0, None, None))(dl, D, du, b),
            X.vmap(solve, in_axes=(None, 0, None, 0))(dl, D, du, B),
        )

    _assert_trees_close(run(arrax), run(jax), rtol=1e-10, atol=1e-12)


# --- scipy.linalg: solve_sylvester, eigh_tridiagonal, qr_multiply ------------------------


@pytest.mark.parametrize("method", ["schur", "eigen"])
@pytest.mark.parametrize("m,n", [(3, 4), (1, 1), (5, 2)])
def test_solve_sylvester_like_jax(method, m, n):
    jax = _jax()
    rng = np.random.default_rng(m * 10 + n)
    A, B, C = rng.normal(size=(m, m)), rng.normal(size=(n, n)), rng.normal(size=(m, n))
    ours = arrax.scipy.linalg.solve_sylvester(A, B, C, method=method)
    _same(ours, jax.scipy.linalg.solve_sylvester(A, B, C, method=method), rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(A @ np.asarray(ours) + np.asarray(ours) @ B, C, atol=1e-9)


def test_solve_sylvester_batched_complex_int_f32_like_jax():
    jax = _jax()
    rng = np.random.default_rng(5)
    A, B = rng.normal(size=(2, 3, 3)), rng.normal(size=(4, 4))
    C = rng.normal(size=(2, 3, 4)) + 1j * rng.normal(size=(2, 3, 4))
    for args in [
        (A, B, C),  # broadcast batch, complex C
        (np.eye(2, dtype=int), 2 * np.eye(2, dtype=int), np.ones((2, 2), int)),  # ints: float64
        tuple(rng.normal(size=(3, 3)).astype(np.float32) for _ in range(3)),
    ]:
        _same(
            arrax.scipy.linalg.solve_sylvester(*args),
            jax.scipy.linalg.solve_sylvester(*args),
            rtol=1e-8,
            atol=1e-9,
        )
    _same(arrax.jit(arrax.scipy.linalg.solve_sylvester)(A, B, C),
          jax.scipy.linalg.solve_sylvester(A, B, C), rtol=1e-8, atol=1e-9)  # fmt: skip


def test_solve_sylvester_no_unique_solution_is_nan_like_jax():
    jax = _jax()
    args = (np.eye(2), -np.eye(2), np.ones((2, 2)))
    assert np.isnan(np.asarray(jax.scipy.linalg.solve_sylvester(*args))).all()
    assert np.isnan(arrax.scipy.linalg.solve_sylvester(*args)).all()
    with pytest.raises(ValueError):
        arrax.scipy.linalg.solve_sylvester(np.eye(2), np.eye(3), np.ones((3, 3)))
    with pytest.raises(ValueError):
        arrax.scipy.linalg.solve_sylvester(np.eye(2), np.eye(2), np.ones((2, 2)), method="x")


@pytest.mark.parametrize("n", [1, 2, 5, 20])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_eigh_tridiagonal_eigvals_like_jax(n, dtype):
    jax = _jax()
    rng = np.random.default_rng(n)
    d, e = rng.normal(size=n).astype(dtype), rng.normal(size=max(n - 1, 0)).astype(dtype)
    ours = arrax.scipy.linalg.eigh_tridiagonal(d, e, eigvals_only=True)
    _same(ours, jax.scipy.linalg.eigh_tridiagonal(d, e, eigvals_only=True))
    if n > 1:
        t = np.diag(d) + np.diag(e, 1) + np.diag(e, -1)
        tol = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(ours, np.linalg.eigvalsh(t.astype(np.float64)), atol=tol * 10)


def test_eigh_tridiagonal_select_complex_jit_vectors_like_jax():
    jax = _jax()
    rng = np.random.default_rng(7)
    d, e = rng.normal(size=6), rng.normal(size=5)

    def run(X):
        eht = X.scipy.linalg.eigh_tridiagonal
        return (
            eht(d, e, eigvals_only=True, select="i", select_range=(1, 3)),
            eht(d + 0j, e + 1j * d[:5], eigvals_only=True),  # Hermitian: real eigenvalues
            X.jit(lambda d, e: eht(d, e, eigvals_only=True))(d, e),
        )

    _assert_trees_close(run(arrax), run(jax), rtol=1e-12, atol=1e-12)
    w, v = arrax.scipy.linalg.eigh_tridiagonal(d, e)
    wj, vj = jax.scipy.linalg.eigh_tridiagonal(d, e)
    _same(w, wj)
    assert v.shape == vj.shape and v.dtype == vj.dtype
    np.testing.assert_allclose(np.abs(v), np.abs(np.asarray(vj)), atol=1e-8)  # up to sign
    batched = arrax.vmap(lambda d, e: arrax.scipy.linalg.eigh_tridiagonal(d, e, eigvals_only=True))
    D, E = rng.normal(size=(3, 5)), rng.normal(size=(3, 4))
    for i, row in enumerate(np.asarray(batched(D, E))):
        _same(row, jax.scipy.linalg.eigh_tridiagonal(D[i], E[i], eigvals_only=True))
    for args, kw in [((d, e.astype(np.float32)), {}), ((d, e), {"select": "i"})]:
        with pytest.raises((TypeError, ValueError)):
            arrax.scipy.linalg.eigh_tridiagonal(*args, eigvals_only=True, **kw)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 4, 3)])
@pytest.mark.parametrize("mode", ["left", "right"])
@pytest.mark.parametrize("conjugate", [False, True])
def test_qr_multiply_like_jax(shape, mode, conjugate):
    jax = _jax()
    rng = np.random.default_rng(sum(shape))
    a = rng.normal(size=shape)
    m, n = shape[-2:]
    k = min(m, n)
    for c_shape in [(k, 2), (k,)] if mode == "left" else [(2, m), (m,)]:
        c = rng.normal(size=c_shape)
        ours = arrax.scipy.linalg.qr_multiply(a, c, mode=mode, conjugate=conjugate)
        theirs = jax.scipy.linalg.qr_multiply(a, c, mode=mode, conjugate=conjugate)
        _assert_trees_close(ours, theirs, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError):
        arrax.scipy.linalg.qr_multiply(a, np.ones((m + 1,)), mode=mode)


# --- lax convolution API ---------------------------------------------------------------


_PATCH_CASES = [
    ((2, 3, 7, 6), dict(filter_shape=(2, 3), window_strides=(1, 1), padding="VALID")),
    (
        (2, 3, 7, 6),
        dict(filter_shape=(3, 2), window_strides=(2, 1), padding="SAME", rhs_dilation=(1, 2)),
    ),  # fmt: skip
    (
        (2, 3, 7, 6),
        dict(
            filter_shape=(2, 2),
            window_strides=(1, 1),
            padding=((1, 0), (2, 1)),
            lhs_dilation=(2, 1),
        ),
    ),  # fmt: skip
    (
        (2, 7, 6, 3),
        dict(
            filter_shape=(3, 2),
            window_strides=(1, 1),
            padding="SAME",
            dimension_numbers=("NHWC", "HWIO", "NHWC"),
        ),
    ),  # fmt: skip
    (
        (2, 7, 6, 3),
        dict(
            filter_shape=(3, 2),
            window_strides=(1, 1),
            padding="SAME",
            dimension_numbers=("NHWC", "OIWH", "CNWH"),
        ),
    ),  # fmt: skip
    ((1, 2, 4, 4, 4), dict(filter_shape=(2, 2, 2), window_strides=(1, 1, 1), padding="VALID")),
    ((1, 2, 5), dict(filter_shape=(3,), window_strides=(1,), padding="VALID")),
]


@pytest.mark.parametrize("shape,kw", _PATCH_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_conv_general_dilated_patches_like_jax(shape, kw, dtype):
    jax = _jax()
    x = (np.random.default_rng(len(shape)).normal(size=shape) * 4).astype(dtype)
    _same(
        arrax.lax.conv_general_dilated_patches(x, **kw),
        jax.lax.conv_general_dilated_patches(x, **kw),
    )


def test_conv_general_dilated_patches_transforms_like_jax():
    jax = _jax()
    x = np.random.default_rng(0).normal(size=(2, 3, 7, 6)).astype(np.float32)

    def run(X):
        def patches(x):
            return X.lax.conv_general_dilated_patches(x, (2, 2), (1, 1), "SAME")

        return (
            X.jit(patches)(x),
            X.vmap(patches)(x[:, None]),
            X.grad(lambda x: (patches(x) ** 2 * X.numpy.arange(12.0)[:, None, None]).sum())(x),
            X.lax.conv_general_dilated_patches(
                x.astype(np.float16), (2, 2), (1, 1), "SAME", preferred_element_type=np.float32
            ),
        )

    _assert_trees_close(run(arrax), run(jax))


def test_conv_general_dilated_layout_letters_ordered_by_kernel_like_jax():
    """A layout's spatial dims pair up by letter, in the kernel layout's order (arrax paired
    them by position)."""
    jax = _jax()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 7, 6, 3)).astype(np.float32)
    w = rng.normal(size=(2, 3, 7, 4)).astype(np.float32)
    dn = ("NCHW", "WHIO", "NHWC")
    _same(
        arrax.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=dn),
        jax.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=dn),
    )


def test_conv_shape_helpers_like_jax():
    jax = _jax()
    L, J = arrax.lax, jax.lax
    for args in [
        ((2, 3, 9, 8), (4, 3, 3, 2), (1, 2), "SAME"),
        ((2, 3, 9, 8), (4, 3, 3, 2), (2, 2), ((1, 0), (0, 3))),
        ((2, 3, 9, 8), (4, 3, 3, 2), (1, 1), "VALID"),
    ]:
        assert L.conv_shape_tuple(*args) == J.conv_shape_tuple(*args)
    assert L.conv_shape_tuple((4, 3, 9, 8), (4, 3, 3, 2), (1, 1), "VALID", 2) == (2, 4, 7, 7)
    for dn in [("NHWC", "HWIO", "NHWC"), ("NCHW", "OIHW", "NCHW"), ("NHWC", "OIWH", "CNWH")]:
        assert L.conv_general_permutations(dn) == J.conv_general_permutations(dn)
        for pad in ["SAME", "VALID", ((1, 2), (0, 1))]:
            args = ((2, 9, 8, 3), (3, 2, 3, 4), (2, 1), pad, dn)
            assert L.conv_general_shape_tuple(*args) == J.conv_general_shape_tuple(*args)
            assert L.conv_transpose_shape_tuple(*args) == J.conv_transpose_shape_tuple(*args)
    for extra in [(), ((2, 1), (1, 2))]:
        args = ((5, 6), (2, 3), (1, 2), ((0, 1), (1, 1)), *extra)
        assert L.reduce_window_shape_tuple(*args) == J.reduce_window_shape_tuple(*args)
    with pytest.raises(TypeError):
        L.conv_general_permutations(("NHWC", "HWIO", "NHW"))
    with pytest.raises(TypeError):
        L.conv_shape_tuple((2, 3, 9, 8), (4, 3, 3, 2), (1, 1), ((0, 0),))


def test_lax_type_names_and_dot_algorithm_presets_like_jax():
    jax = _jax()
    L = arrax.lax
    for name in ["ConvGeneralDilatedDimensionNumbers", "DotDimensionNumbers", "PrecisionLike"]:
        assert getattr(L, name) is not None
    assert [p.name for p in L.DotAlgorithmPreset] == [p.name for p in jax.lax.DotAlgorithmPreset]
    preset = L.DotAlgorithmPreset.F32_F32_F32
    assert repr(preset) == repr(jax.lax.DotAlgorithmPreset.F32_F32_F32)
    assert str(preset) == "F32_F32_F32"
    assert preset.accumulation_type == np.float32
    a = np.arange(9.0, dtype=np.float32).reshape(3, 3)
    JP = jax.lax.DotAlgorithmPreset
    for p, jp in [
        (preset, JP.F32_F32_F32),
        ("F32_F32_F32",) * 2,
        (L.DotAlgorithmPreset.DEFAULT, JP.DEFAULT),
    ]:
        _same(L.dot(a, a, precision=p), jax.lax.dot(a, a, precision=jp))
    with pytest.raises(ValueError):
        L.dot(a, a, precision="NOT_A_PRESET")
