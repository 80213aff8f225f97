"""Differences from NumPy/SciPy/JAX found by running JAX's fft_test, nn_test, lax_scipy_test,
scipy_stats_test and linalg_test against arrax (second round), each checked against the
reference library."""

import numpy as np
import pytest
import scipy.stats as sst

from conftest import AGAINST_NUMPY, anp

jax_only = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax/JAX behaviour")


# JAX in float64 for this module's comparisons only (a module-level switch changed JAX's dtypes
# for the test files that ran after it)
pytestmark = pytest.mark.usefixtures("jax_x64")


def _jax():
    return pytest.importorskip("jax")


def _same(got, want, rtol=1e-10, atol=1e-12):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


# ---- numpy.fft: an axis named twice in rfftn / irfftn -----------------------------------


@pytest.mark.parametrize("name", ["rfftn", "irfftn"])
@pytest.mark.parametrize("axes", [[1, 1], [2, 2], [0, 2, 0], [2, 1, 2], [-1, 2]])
@pytest.mark.parametrize("s", [None, 5, [2, 4, 6]])
def test_fftn_with_a_repeated_axis_as_numpy(name, axes, s):
    # rfftn sized the later transforms by the rfft's output (NumPy: by the input), and irfftn
    # transformed a repeated axis once with the last size instead of one transform per entry
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4))
    if name == "irfftn":
        x = x + 1j * rng.standard_normal((2, 3, 4))
    s = [s] * len(axes) if s == 5 else (None if s is None else s[: len(axes)])
    want = getattr(np.fft, name)(x, s=s, axes=axes)
    got = getattr(anp.fft, name)(anp.asarray(x), s=s, axes=axes)
    _same(got, want)


# ---- numpy.linalg -----------------------------------------------------------------------


@pytest.mark.parametrize("p", [np.inf, -np.inf, 1, -1, "fro", "nuc"])
def test_cond_of_a_non_square_matrix_raises_for_norms_needing_an_inverse(p):
    # (cond computed norm(x) * norm(inverse of infs) and returned inf)
    x = np.random.default_rng(1).standard_normal((2, 3, 5))
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cond(x, p)
    with pytest.raises(anp.linalg.LinAlgError):
        anp.linalg.cond(anp.asarray(x), p)
    np.testing.assert_allclose(np.asarray(anp.linalg.cond(anp.asarray(x), 2)), np.linalg.cond(x, 2))


@jax_only
@pytest.mark.parametrize("rcond", [None, -1, 0.5, 1e-3])
@pytest.mark.parametrize(
    "sa, sb", [((4, 6), (4,)), ((6, 6), (6, 1)), ((8, 6), (8, 4)), ((8, 6), (8,)), ((1, 1), (1,))]
)
@pytest.mark.parametrize("dtype", ["float64", "complex64"])
def test_lstsq_under_jit_honours_rcond_as_jax(rcond, sa, sb, dtype):
    # (traced lstsq ignored rcond, its rank used matrix_rank's own tolerance, and a vector b
    # had a 0-d residual: JAX's and NumPy's is (1,))
    import arrax

    jax = _jax()
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
    if sa == (8, 6):
        a[:, 5] = a[:, 4]  # rank deficient
    got = arrax.jit(lambda a, b: anp.linalg.lstsq(a, b, rcond=rcond))(a, b)
    want = jax.numpy.linalg.lstsq(a, b, rcond=rcond)
    for g, w in zip(got, want):
        _same(g, w, rtol=1e-4, atol=1e-5)


@jax_only
@pytest.mark.parametrize("shape", [(1, 1), (3, 2), (2, 3), (3, 3)])
def test_complex_svd_jvp_carries_the_singular_vectors_phase(shape):
    # the derivative of u lacked its i Im(u^H da v) / s term (JAX's dUdV_diag): finite
    # differences of u disagreed for complex input
    import arrax

    rng = np.random.default_rng(3)
    a = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    t = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)

    def normalized(m):  # (JAX's test's gauge: u's first row real and positive)
        u, sv, vh = anp.linalg.svd(m, full_matrices=False)
        phase = anp.exp(-1j * anp.angle(u[..., 0:1, :]))
        return u * phase, vh * anp.conj(anp.swapaxes(phase, -1, -2))

    _, (du, dvh) = arrax.jvp(normalized, (anp.asarray(a),), (anp.asarray(t),))
    eps = 1e-6
    plus, minus = normalized(anp.asarray(a + eps * t)), normalized(anp.asarray(a - eps * t))
    for d, p, m in zip((du, dvh), plus, minus):
        fd = (np.asarray(p) - np.asarray(m)) / (2 * eps)
        np.testing.assert_allclose(np.asarray(d), fd, atol=1e-6)


# ---- jax.lax.linalg ---------------------------------------------------------------------


@jax_only
def test_lax_linalg_choices_and_keywords_of_jax():
    from arrax import lax

    jax = _jax()
    J = jax.lax.linalg
    for name in ("EigImplementation", "EighImplementation", "SvdAlgorithm"):
        assert [m.name for m in getattr(lax.linalg, name)] == [m.name for m in getattr(J, name)]
    rng = np.random.default_rng(4)
    a = rng.standard_normal((5, 3))
    h = a.T @ a
    got = lax.linalg.svd(a, full_matrices=False, subset_by_index=(1, 3),
                         algorithm=lax.linalg.SvdAlgorithm.QR)  # fmt: skip
    want = np.linalg.svd(a, full_matrices=False)
    _same(got[1], want[1][1:3])
    assert got[0].shape == (5, 2) and got[2].shape == (2, 3)
    _same(lax.linalg.svd(a, compute_uv=False, subset_by_index=(0, 3), full_matrices=True),
          J.svd(a, compute_uv=False, subset_by_index=(0, 3)))  # fmt: skip
    with pytest.raises(ValueError):
        lax.linalg.svd(a, subset_by_index=(0, 2))  # (full_matrices too)
    v, w = lax.linalg.eigh(h, sort_eigenvalues=True, subset_by_index=(1, 3),
                           implementation=lax.linalg.EighImplementation.QR)  # fmt: skip
    _same(w, np.linalg.eigvalsh(h)[1:3])
    assert v.shape == (3, 2)
    q, r = lax.linalg.qr(a, pivoting=False, full_matrices=False, use_magma=None)
    _same(np.abs(np.asarray(r)), np.abs(np.asarray(J.qr(a, full_matrices=False)[1])))
    out = lax.linalg.eig(h, implementation=lax.linalg.EigImplementation.LAPACK,
                         enable_eigvec_derivs=True)  # fmt: skip
    assert len(out) == 3


@jax_only
@pytest.mark.parametrize(
    "left, right", [(False, False), (True, False), (False, True), (True, True)]
)
def test_lax_eig_of_a_matrix_with_nan_is_nan_as_jax(left, right):
    # (LAPACK does not converge: arrax raised numpy.linalg's LinAlgError, JAX gives NaNs)
    import arrax
    from arrax import lax

    jax = _jax()
    a = np.stack([np.full((3, 3), np.nan), np.diag([1.0, 2.0, 3.0])])
    kw = dict(compute_left_eigenvectors=left, compute_right_eigenvectors=right)
    got = lax.linalg.eig(a, **kw)
    want = jax.lax.linalg.eig(a, **kw)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        assert np.isnan(np.asarray(g)[0]).all() and not np.isnan(np.asarray(g)[1]).any()
    _same(np.sort_complex(np.asarray(got[0])[1]), np.sort_complex(np.asarray(want[0])[1]))
    traced = arrax.jit(lambda m: lax.linalg.eig(m, **kw)[0])(a)
    assert np.isnan(np.asarray(traced)[0]).all()


@jax_only
@pytest.mark.parametrize("dtype", ["complex128", "float64"])
def test_eigenvector_jvp_keeps_lapacks_phase_as_jax(dtype):
    # LAPACK's eigenvectors have a real largest component; their JVP kept unit length but not
    # that phase, so it disagreed with finite differences (and JAX) for complex eigenvectors
    import arrax
    from arrax import lax

    jax = _jax()
    rng = np.random.default_rng(5)
    a = rng.standard_normal((4, 4)).astype(dtype)
    t = rng.standard_normal((4, 4)).astype(dtype)
    if dtype == "complex128":
        a, t = a + 1j * rng.standard_normal((4, 4)), t + 1j * rng.standard_normal((4, 4))

    def f(m):  # (v * v: the sign of a real pair's vectors is LAPACK's free choice)
        w, vr = lax.linalg.eig(m, compute_left_eigenvectors=False, enable_eigvec_derivs=True)
        return vr * vr

    def jf(m):
        w, vr = jax.lax.linalg.eig(m, compute_left_eigenvectors=False, enable_eigvec_derivs=True)
        return vr * vr

    _, got = arrax.jvp(f, (anp.asarray(a),), (anp.asarray(t),))
    _, want = jax.jvp(jf, (a,), (t,))
    order = np.argsort(np.asarray(lax.linalg.eig(a)[0]))  # (same eigenvalues, maybe reordered)
    jorder = np.argsort(np.asarray(jax.lax.linalg.eig(a)[0]))
    np.testing.assert_allclose(np.asarray(got)[:, order], np.asarray(want)[:, jorder], atol=1e-9)


# ---- jax.scipy ----------------------------------------------------------------------------


@jax_only
@pytest.mark.parametrize("shape, side", [((5, 3), "right"), ((3, 5), "left"), ((4, 4), "right"),
                                         ((2, 5, 3), "right")])  # fmt: skip
@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128"])
def test_polar_qdwh_as_jax(shape, side, dtype):
    # (method='qdwh', JAX's default, raised NotImplementedError)
    import arrax.scipy.linalg as asl

    jax = _jax()
    rng = np.random.default_rng(6)
    a = rng.standard_normal(shape).astype(dtype)
    if dtype == "complex128":
        a = a + 1j * rng.standard_normal(shape)
    got = asl.polar(a, side, method="qdwh")
    want = jax.scipy.linalg.polar(a, side, method="qdwh")
    tol = 1e-5 if dtype == "float32" else 1e-12
    for g, w in zip(got, want):
        _same(g, w, rtol=tol, atol=tol)
    with pytest.raises(NotImplementedError):  # (as JAX: qdwh needs m >= n on the right)
        asl.polar(np.ones((3, 5)), "right", method="qdwh")


@jax_only
def test_logsumexp_of_finite_values_trips_no_debug_infs():
    # (JAX's issue 7390: the max's initial=-inf made an infinite intermediate)
    import arrax
    import arrax.scipy.special as asp

    jax = _jax()
    x = np.ones(4, np.float32)
    with arrax.debug_infs(True):
        got = asp.logsumexp(x)
        traced = arrax.jit(asp.logsumexp)(x)
    _same(got, jax.scipy.special.logsumexp(x))
    _same(traced, got)
    assert float(asp.logsumexp(np.zeros((3, 0)), axis=(0, 1))) == -np.inf  # (empty: -inf)


@jax_only
@pytest.mark.parametrize("xs, alpha", [((4,), (4,)), ((3, 4), (3,)), ((3, 4), (4,)),
                                       ((3, 1), (4,)), ((1, 4), (2,))])  # fmt: skip
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dirichlet_logpdf_as_jax(xs, alpha, dtype):
    # x may hold one component fewer than alpha (the last is 1 - the sum); points off the
    # simplex have -inf (arrax broadcast the shapes together, or returned finite values)
    import arrax.scipy.stats as ast

    jax = _jax()
    rng = np.random.default_rng(7)
    x = rng.random(xs).astype(dtype) + 0.1
    a = (rng.random(alpha) + 0.5).astype(dtype)
    extra = 0.1 if xs[0] != alpha[0] else 0.0
    x = (x / (x.sum(0) + extra)).astype(dtype)
    got = ast.dirichlet.logpdf(x, a)
    want = jax.scipy.stats.dirichlet.logpdf(x, a)
    _same(got, want, rtol=1e-5 if dtype == "float32" else 1e-12)
    if dtype == "float64":  # (SciPy checks the simplex in float64)
        ref = sst.dirichlet.logpdf(x, a)
        np.testing.assert_allclose(np.asarray(got), np.reshape(ref, np.shape(got)), rtol=1e-10)
    off = x * 2
    _same(ast.dirichlet.logpdf(off, a), jax.scipy.stats.dirichlet.logpdf(off, a))
    with pytest.raises(ValueError):
        ast.dirichlet.logpdf(np.full((5,), 0.2), np.ones(3))


@jax_only
@pytest.mark.parametrize("weights", [False, True])
def test_gaussian_kde_keeps_float32_as_jax(weights):
    # (NumPy's cov computes weighted covariances in float64: every result was float64)
    import arrax.scipy.stats as ast

    jax = _jax()
    rng = np.random.default_rng(8)
    d = rng.standard_normal((2, 30)).astype(np.float32)
    p = rng.standard_normal((2, 7)).astype(np.float32)
    w = np.abs(rng.standard_normal(30)).astype(np.float32) if weights else None
    k, jk = ast.gaussian_kde(d, weights=w), jax.scipy.stats.gaussian_kde(d, weights=w)
    for name in ("evaluate", "logpdf", "pdf"):
        _same(getattr(k, name)(p), getattr(jk, name)(p), rtol=2e-4, atol=1e-6)
    _same(k.covariance, jk.covariance, rtol=1e-5)
    k1 = ast.gaussian_kde(d[0], weights=w)
    jk1 = jax.scipy.stats.gaussian_kde(d[0], weights=w)
    _same(k1.integrate_box_1d(-0.5, 1.5), jk1.integrate_box_1d(-0.5, 1.5), rtol=1e-5)


@jax_only
@pytest.mark.parametrize("name", ["ppf", "isf"])
@pytest.mark.parametrize("dtypes", [("float32",) * 3, ("float32", "float64", "float32"),
                                    ("float64",) * 3])  # fmt: skip
def test_norm_ppf_isf_give_the_default_float_as_jax_and_scipy(name, dtypes):
    import arrax.scipy.stats as ast

    jax = _jax()
    q, loc, scale = (np.array(v, dt) for v, dt in zip(([0.1, 0.5, 0.9], 1.5, 2.0), dtypes))
    got = getattr(ast.norm, name)(q, loc, scale)
    want = getattr(jax.scipy.stats.norm, name)(q, loc, scale)
    _same(got, want, rtol=1e-6)
    assert got.dtype == getattr(sst.norm, name)(q, loc, scale).dtype


@pytest.mark.parametrize("sa, sb", [((3, 4, 4), (4,)), ((3, 4, 4), (4, 2)), ((4, 4), (3, 4, 2)),
                                    ((4, 4), (4,))])  # fmt: skip
@pytest.mark.parametrize("trans", [0, 1])
def test_lu_solve_and_solve_triangular_batch_as_scipy(sa, sb, trans):
    # a stack of factors with one b (a vector, or a matrix) broadcasts, as SciPy >= 1.16
    # (arrax took b (4, 2) for a stack of vectors and refused it); NumPy pivots under a trace
    # (lu_factor's from SciPy) were indexed by the loop's traced index
    import arrax
    import arrax.scipy.linalg as al
    import scipy
    import scipy.linalg as sl

    if tuple(int(v) for v in scipy.__version__.split(".")[:2]) < (1, 16):
        pytest.skip("SciPy's batching of lu_solve / solve_triangular")
    rng = np.random.default_rng(9)
    a = rng.standard_normal(sa) + 4 * np.eye(sa[-1])
    b = rng.standard_normal(sb)
    lu_vec = np.vectorize(sl.lu_factor, signature="(n,n)->(n,n),(n)")
    lu, piv = lu_vec(a) if a.ndim > 2 else sl.lu_factor(a)
    want = sl.lu_solve((lu, piv), b, trans=trans)
    _same(al.lu_solve((lu, piv), b, trans=trans), want)
    _same(arrax.jit(lambda lu, b: al.lu_solve((lu, piv), b, trans=trans))(lu, b), want)
    t = np.tril(a)
    _same(al.solve_triangular(t, b, trans=trans, lower=True),
          sl.solve_triangular(t, b, trans=trans, lower=True))  # fmt: skip
