"""Functions JAX's own test suite jits that arrax could not trace: indexing with a traced
integer mixed with None (newaxis), array_equal / array_equiv / allclose, the histograms with a
static number of bins, and eye / tri with a traced diagonal offset. Traced results are checked
against the eager ones (NumPy's values and dtypes) and against JAX's under jax.jit."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

jax = pytest.importorskip("jax")
jnp = jax.numpy
pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature (tracing)"),
    pytest.mark.usefixtures("jax_x64"),
    # NumPy's density of a histogram with empty bins divides zero by zero
    pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning"),
]

rng = np.random.default_rng(11)


def leaves(r):
    return jax.tree_util.tree_leaves(r)


def same(got, want, rtol=None):
    """Same structure, shapes, dtypes and values (exactly, or to rtol)."""
    got_l, want_l = leaves(got), leaves(want)
    assert jax.tree_util.tree_structure(got) == jax.tree_util.tree_structure(want)
    for g, w in zip(got_l, want_l):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
        if rtol is None:
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(g, w, rtol=rtol, atol=1e-12)


def values(got, want, rtol=1e-12):
    """Same values (JAX's dtypes differ: its counts are floats)."""
    for g, w in zip(leaves(got), leaves(want)):
        g, w = np.asarray(g), np.asarray(w, dtype=np.asarray(g).dtype)
        # (edges near zero, computed otherwise than NumPy's, to rtol of the largest)
        np.testing.assert_allclose(g, w, rtol, atol=rtol * float(np.max(np.abs(w), initial=0)))


# --- indexing with a traced integer and None ----------------------------------------------

X = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
I1 = np.array([1, -1, 0])
I2 = np.array([[0, 1], [1, -1]])
KEYS = [
    ("i", None),
    (None, "i"),
    ("i", Ellipsis, None),
    (None, "i", None),
    (Ellipsis, "i", None),
    ("a", None),
    (None, "a"),
    ("a", None, "a"),
    (slice(None), "a", None, "a"),
    (slice(None), None, "a", "a"),
    ("i", None, "a"),
    (None, Ellipsis, "a", None),
    ("a", slice(1, 3), None, "i"),
    (None, None, "i", slice(None, None, -1)),
    ("i", "i", None, "i", "i"),
    (None, "b", None, "b"),
    ("b", Ellipsis, None, "i"),
    ("i", None, slice(None, None, 2), None),
]


def _key(spec, i, a, b):
    return tuple({"i": i, "a": a, "b": b}[k] if isinstance(k, str) else k for k in spec)


@pytest.mark.parametrize("spec", KEYS, ids=[str(k) for k in KEYS])
def test_getitem_traced_int_with_newaxis(spec):
    def f(x, i, a, b):
        return x[_key(spec, i, a, b)]

    want = X[_key(spec, 1, I1, I2)]
    got = arrax.jit(f)(anp.asarray(X), 1, anp.asarray(I1), anp.asarray(I2))
    same(got, want)
    same(np.asarray(jax.jit(f)(jnp.asarray(X), 1, I1, I2)), want)
    # vmap over the integer
    ii = np.array([0, 1, -1])
    got_v = arrax.vmap(f, in_axes=(None, 0, None, None))(
        anp.asarray(X), anp.asarray(ii), anp.asarray(I1), anp.asarray(I2)
    )
    want_v = jax.vmap(f, in_axes=(None, 0, None, None))(jnp.asarray(X), ii, I1, I2)
    same(got_v, np.asarray(want_v))


def test_updates_traced_int_with_newaxis():
    def at(x, i, rows):
        return x.at[i, None].set(-1.0), x.at[rows * i, None, 0].add(5.0)

    rows = np.array([0, 1])
    got = arrax.jit(at)(anp.asarray(X), 1, anp.asarray(rows))
    want = jax.jit(at)(jnp.asarray(X), 1, rows)
    same(got, tuple(np.asarray(w) for w in want))

    def setitem(x, i):
        x = x + 0
        x[i, None] = 7.0
        x[anp.array([0, 1]) * i, None, 1] = 3.0
        return x

    want = X.copy()
    want[1, None] = 7.0
    want[np.array([0, 1]), None, 1] = 3.0
    same(arrax.jit(setitem)(anp.asarray(X), 1), want)


# --- array_equal, array_equiv, allclose ----------------------------------------------------

A = np.arange(6.0).reshape(2, 3)
PAIRS = {
    "equal": (A, A.copy()),
    "differ": (A, A + np.eye(2, 3)),
    "broadcast": (A[:1], np.broadcast_to(A[:1], (2, 3)).copy()),
    "shapes": (A, np.ones(4)),
    "nan": (np.array([np.nan, 1.0]), np.array([np.nan, 1.0])),
    "close": (A, A + 1e-9),
}


@pytest.mark.parametrize("name", ["array_equal", "array_equiv", "allclose"])
@pytest.mark.parametrize("pair", list(PAIRS))
def test_comparisons_trace(name, pair):
    a, b = PAIRS[pair]
    if name == "allclose" and pair == "shapes":
        pytest.skip("allclose of shapes that do not broadcast raises (NumPy and JAX)")
    kwargs = [{}] + ([{"equal_nan": True}] if name != "array_equiv" else [])
    for kw in kwargs:
        want = getattr(np, name)(a, b, **kw)
        eager = getattr(anp, name)(anp.asarray(a), anp.asarray(b), **kw)
        assert type(eager) is bool and eager == want  # eagerly a Python bool, as NumPy's
        got = arrax.jit(lambda x, y, kw=kw: getattr(anp, name)(x, y, **kw))(
            anp.asarray(a), anp.asarray(b)
        )
        assert isinstance(got, arrax.Array) and got.shape == () and got.dtype == np.bool_
        assert bool(got) == want
        jax_got = jax.jit(lambda x, y, kw=kw: getattr(jnp, name)(x, y, **kw))(a, b)
        assert bool(jax_got) == bool(got)


def test_array_equal_under_vmap():
    a = rng.standard_normal((4, 3))
    b = a.copy()
    b[[1, 3], 0] += 1.0
    got = arrax.vmap(anp.array_equal)(anp.asarray(a), anp.asarray(b))
    want = jax.vmap(jnp.array_equal)(a, b)
    same(got, np.asarray(want))
    got = arrax.vmap(anp.allclose)(anp.asarray(a), anp.asarray(b))
    same(got, np.asarray(jax.vmap(jnp.allclose)(a, b)))


# --- histograms ----------------------------------------------------------------------------

HIST_DTYPES = [np.float64, np.float32, np.float16, np.int64, np.int8]
HIST_BINS = [1, 7, [-2.0, -0.5, 0.0, 0.0, 3.0], [-4, 0, 5]]
HIST_RANGES = [None, (-2, 3), (-2.5, 3.5), (1, 1)]
WEIGHTS = {
    "none": None,
    "float64": rng.random(30),
    "int": rng.integers(0, 5, 30),
    "float32": rng.random(30).astype(np.float32),
    "complex": rng.random(30) + 1j * rng.random(30),
}


def _both(f, *args):
    """f eagerly and under arrax.jit, on arrax arrays."""
    args = [anp.asarray(a) for a in args]
    return f(*args), arrax.jit(f)(*args)


@pytest.mark.parametrize("dtype", HIST_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("bins", HIST_BINS, ids=str)
@pytest.mark.parametrize("rng_", HIST_RANGES, ids=str)
@pytest.mark.parametrize(
    "weights,density",
    [("none", None), ("none", True), ("float64", True), ("int", None), ("int", True)]
    + [("float32", True), ("complex", None), ("complex", True)],
)
def test_histogram_jit(dtype, bins, rng_, weights, density):
    a = (np.random.default_rng(5).standard_normal(30) * 3).astype(dtype)
    w = WEIGHTS[weights]

    def f(a, w=None):
        return anp.histogram(a, bins, rng_, density=density, weights=w)

    args = (a,) if w is None else (a, w)
    eager, traced = _both(f, *args)
    # eagerly NumPy's own
    with np.errstate(invalid="ignore", divide="ignore"):
        want = np.histogram(a, bins, rng_, density=density, weights=w)
    same(eager, tuple(want))
    # traced: the same dtypes; the same values (sums of float weights to their rounding)
    exact = w is None or w.dtype.kind in "iu"
    same(traced, eager, None if exact else 1e-5 if w.dtype == np.float32 else 1e-12)
    if not density and w is None and dtype in (np.float64, np.float32, np.int64) and rng_ != (1, 1):
        # (JAX's edges for small ints and float16 are float32 or computed otherwise, and it
        # does not widen an empty range)
        jw = jax.jit(lambda a: jnp.histogram(a, np.asarray(bins), rng_))(a)
        values(traced, jw, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize(
    "a",
    [
        np.array([np.nan, 0.5, -0.2, 1.0, 3.0]),
        np.zeros(0),
        np.full(5, 2.0, np.float32),
        np.full(4, 3),
        rng.standard_normal((4, 5)),
    ],
    ids=["nan", "empty", "constant", "constant_int", "2d"],
)
@pytest.mark.parametrize("rng_", [None, (-1, 1)], ids=str)
def test_histogram_jit_edge_cases(a, rng_):
    if rng_ is None and np.isnan(a).any():
        pytest.skip("NumPy raises for a NaN autodetected range")
    eager, traced = _both(lambda a: anp.histogram(a, 4, rng_), a)
    same(eager, tuple(np.histogram(a, 4, rng_)))
    same(traced, eager)


def test_histogram_traced_edges_and_weights():
    a, w = rng.standard_normal(25), rng.random(25)
    edges = np.array([-1.0, 0.0, 0.5, 2.0])
    eager, traced = _both(lambda a, e, w: anp.histogram(a, e, weights=w, density=True), a, edges, w)
    same(eager, tuple(np.histogram(a, edges, weights=w, density=True)))
    same(traced, eager, 1e-12)


def test_histogram_vmap():
    a = rng.standard_normal((3, 20))
    got = arrax.vmap(lambda x: anp.histogram(x, 5))(anp.asarray(a))
    for i in range(3):
        same((got[0][i], got[1][i]), np.histogram(a[i], 5))


def test_histogram_string_bins_traced_raises():
    with pytest.raises(TypeError, match="concrete"):
        arrax.jit(lambda a: anp.histogram(a, "auto"))(anp.asarray(rng.standard_normal(5)))


HIST2_BINS = [3, (2, 5), [np.array([-4.0, 0, 1, 5]), 4], np.array([-3, -1, 0, 2, 9.0])]
HIST2_RANGES = [None, [(-3, 3), (-1.5, 2.5)], [(1, 1), None]]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("bins", HIST2_BINS, ids=str)
@pytest.mark.parametrize("rng_", HIST2_RANGES, ids=str)
@pytest.mark.parametrize("density", [None, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_histogram2d_and_dd_jit(dtype, bins, rng_, density, weighted):
    r = np.random.default_rng(6)
    x = (r.standard_normal(40) * 4).astype(dtype)
    y = (r.standard_normal(40) * 2).astype(dtype)
    w = r.random(40) if weighted else None
    rtol = None if w is None and not density else 1e-12

    def f2(x, y, w=None):
        return anp.histogram2d(x, y, bins, rng_, density, w)

    eager, traced = _both(f2, *((x, y) if w is None else (x, y, w)))
    with np.errstate(invalid="ignore", divide="ignore"):
        same(eager, tuple(np.histogram2d(x, y, bins, rng_, density, w)))
    same(traced, eager, rtol)

    dd_bins = [bins, bins] if isinstance(bins, np.ndarray) else bins

    def fdd(s, w=None):
        return anp.histogramdd(s, dd_bins, rng_, density, w)

    s = np.stack([x, y], axis=1)
    eager, traced = _both(fdd, *((s,) if w is None else (s, w)))
    with np.errstate(invalid="ignore", divide="ignore"):
        want = np.histogramdd(s, dd_bins, rng_, density, w)
    same(eager, want)
    same(traced, eager, rtol)
    # a sequence of coordinate arrays
    traced_seq = arrax.jit(lambda x, y: anp.histogramdd([x, y], dd_bins, rng_, density))(
        anp.asarray(x), anp.asarray(y)
    )
    same(traced_seq, _both(lambda s: anp.histogramdd(s, dd_bins, rng_, density), s)[0], rtol)
    if w is None and not density and rng_ != HIST2_RANGES[2]:
        jw = jax.jit(lambda x, y: jnp.histogram2d(x, y, bins, rng_))(x, y)
        values(arrax.jit(lambda x, y: anp.histogram2d(x, y, bins, rng_))(x, y), jw, 1e-5)


def test_histogram2d_vmap():
    a = rng.standard_normal((3, 20))
    got = arrax.vmap(lambda x: anp.histogram2d(x, 2 * x, 3)[0])(anp.asarray(a))
    for i in range(3):
        same(got[i], np.histogram2d(a[i], 2 * a[i], 3)[0])


@pytest.mark.parametrize("bins", [4, [-1.0, 0.0, 2.0]], ids=str)
@pytest.mark.parametrize("rng_", [None, (-1, 1.5)], ids=str)
def test_histogram_bin_edges_traced(bins, rng_):
    from arrax.numpy import _statistics

    a = rng.standard_normal(12).astype(np.float32)
    got = arrax.jit(lambda a: _statistics.histogram_bin_edges_traced(a, bins, rng_))(anp.asarray(a))
    same(got, np.histogram_bin_edges(a, bins, rng_))


# --- eye and tri with a traced diagonal offset ---------------------------------------------


@pytest.mark.parametrize("shape", [(4, None), (4, 6), (5, 3), (0, 3)], ids=str)
@pytest.mark.parametrize("k", [-6, -2, 0, 1, 3, 7])
@pytest.mark.parametrize("dtype", [float, int, bool, np.float32])
def test_eye_tri_traced_k(shape, k, dtype):
    n, m = shape
    for name in ("eye", "tri"):
        fn = getattr(anp, name)
        got = arrax.jit(lambda k: fn(n, m, k, dtype=dtype))(k)
        want = getattr(np, name)(n, m, k, dtype=dtype)
        same(fn(n, m, k, dtype=dtype), want)
        same(got, want)
        same(got, np.asarray(jax.jit(lambda k: getattr(jnp, name)(n, m, k, dtype=dtype))(k)))


def test_eye_tri_vmap_k():
    ks = np.arange(-2, 3)
    for name in ("eye", "tri"):
        got = arrax.vmap(lambda k: getattr(anp, name)(3, 4, k, float))(anp.asarray(ks))
        want = jax.vmap(lambda k: getattr(jnp, name)(3, 4, k, float))(ks)
        same(got, np.asarray(want))


def test_eye_keeps_keywords():
    same(anp.eye(3, dtype=int, order="F"), np.eye(3, dtype=int, order="F"))
    same(anp.eye(2, 3, 1, device=arrax.devices()[0]), np.eye(2, 3, 1))
