"""Issue #4 functions (index functions, sorting, shape rearrangements, math and statistics)
against real NumPy: values and dtypes on one table of calls, their errors, and the same calls
under jit, vmap and grad where they apply."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY, run_both

rng = np.random.default_rng(3)
A = np.arange(12.0).reshape(3, 4)
R = rng.standard_normal((4, 5))
RN = R.copy()
RN[1, 2] = RN[3, 0] = np.nan
V = np.array([3.0, 1.0, 2.0, 5.0, 1.0])
I = np.array([3, 1, 3, 2, 0, 7])  # noqa: E741

# name -> (function of a module m and the arrays, arrays); each runs on NumPy and arrax.
CALLS = {
    "flip": (lambda m, a: m.flip(a, 1), (A,)),
    "flip_all": (lambda m, a: m.flip(a), (A,)),
    "fliplr_flipud": (lambda m, a: m.fliplr(a) + m.flipud(a), (A,)),
    "roll": (lambda m, a: m.roll(a, 2), (A,)),
    "roll_axes": (lambda m, a: m.roll(a, (1, -1), axis=(0, 1)), (A,)),
    "rot90": (lambda m, a: m.rot90(a, 3), (A,)),
    "tile": (lambda m, a: m.tile(a, (2, 1, 2)), (A,)),
    "repeat": (lambda m, a: m.repeat(a, [1, 0, 2], axis=0), (A,)),
    "split": (lambda m, a: m.split(a, [1, 3], axis=1), (A,)),
    "array_split": (lambda m, a: m.array_split(a, 3, axis=1), (A,)),
    "hsplit_vsplit": (lambda m, a: m.hsplit(a, 2)[1] + m.vsplit(a, 3)[0][:, :2], (A,)),
    "tril_triu": (lambda m, a: m.tril(a, -1) - m.triu(a, 2), (A,)),
    "diag": (lambda m, v: m.diag(v, 1), (V,)),
    "diag_of_2d": (lambda m, a: m.diag(a, -1), (A,)),
    "diagonal": (lambda m, r: m.diagonal(r.reshape(2, 2, 5), 0, 0, 1), (R,)),
    "trace": (lambda m, a: m.trace(a, 1), (A,)),
    "column_stack": (lambda m, v: m.column_stack([v, v * 2]), (V,)),
    "block": (lambda m, a: m.block([[a, a], [a, a]]), (A,)),
    "append": (lambda m, a: m.append(a, a[:1], axis=0), (A,)),
    "insert": (lambda m, a: m.insert(a, [1, 3], 9.5, axis=1), (A,)),
    "delete": (lambda m, a: m.delete(a, [0, 2], axis=1), (A,)),
    "resize": (lambda m, a: m.resize(a, (5, 3)), (A,)),
    "pad_constant": (lambda m, a: m.pad(a, ((1, 2), (0, 1)), constant_values=7), (A,)),
    "pad_per_edge": (lambda m, a: m.pad(a, 1, constant_values=((1, 2), (3, 4))), (A,)),
    "pad_edge": (lambda m, a: m.pad(a, 2, "edge"), (A,)),
    "pad_reflect": (lambda m, a: m.pad(a, ((2, 1), (3, 3)), "reflect"), (A,)),
    "pad_symmetric": (lambda m, a: m.pad(a, 2, "symmetric"), (A,)),
    "pad_wrap": (lambda m, a: m.pad(a, (1, 3), "wrap"), (A,)),
    "pad_mean": (lambda m, a: m.pad(a, 1, "mean"), (A,)),
    "meshgrid": (lambda m, v: m.meshgrid(v, v[:3], indexing="ij"), (V,)),
    "take": (lambda m, a: m.take(a, [[0, 5], [11, 2]]), (A,)),
    "take_axis": (lambda m, a: m.take(a, [3, 0], axis=1), (A,)),
    "take_wrap": (lambda m, a: m.take(a, [13, -1], mode="wrap"), (A,)),
    "take_along_axis": (lambda m, r: m.take_along_axis(r, m.argsort(r, axis=0), axis=0), (R,)),
    "choose": (lambda m, i: m.choose(i % 3, [i, i * 10, i * 100]), (I,)),
    "compress": (lambda m, a: m.compress([True, False, True], a, axis=0), (A,)),
    "nonzero": (lambda m, a: m.nonzero(a % 3 == 0), (A,)),
    "flatnonzero": (lambda m, a: m.flatnonzero(a > 6), (A,)),
    "argwhere": (lambda m, a: m.argwhere(a % 5 == 1), (A,)),
    "where_one_arg": (lambda m, a: m.where(a > 7), (A,)),
    "count_nonzero": (lambda m, a: m.count_nonzero(a % 2, axis=1), (A,)),
    "select": (lambda m, a: m.select([a > 6, a > 2], [a, -a], 0.5), (A,)),
    "extract": (lambda m, a: m.extract(a % 2 == 1, a), (A,)),
    "unravel_index": (lambda m, i: m.unravel_index(i, (2, 4)), (I,)),
    "ravel_multi_index": (lambda m, i: m.ravel_multi_index((i % 2, i % 3), (2, 3)), (I,)),
    "sort": (lambda m, r: m.sort(r, axis=0), (R,)),
    "sort_nan": (lambda m, r: m.sort(r, axis=None), (RN,)),
    "argsort": (lambda m, v: m.argsort(v), (V,)),
    "lexsort": (lambda m, i: m.lexsort((i, i % 2)), (I,)),
    "searchsorted": (lambda m, v: m.searchsorted(m.sort(v), [0.0, 1.0, 2.5, 9.0]), (V,)),
    "searchsorted_right": (lambda m, v: m.searchsorted(m.sort(v), [1.0, 5.0], side="right"), (V,)),
    "unique": (lambda m, i: m.unique(i), (I,)),
    "unique_counts": (lambda m, i: m.unique(i, return_counts=True), (I,)),
    "bincount": (lambda m, i: m.bincount(i, minlength=10), (I,)),
    "bincount_weights": (lambda m, i: m.bincount(i, weights=i * 0.5), (I,)),
    "digitize": (lambda m, v: m.digitize(v, [0.0, 1.5, 2.5, 4.0]), (V,)),
    "digitize_right_decreasing": (lambda m, v: m.digitize(v, [4.0, 2.0, 1.0], right=True), (V,)),
    "histogram": (lambda m, r: m.histogram(r, 4), (R,)),
    "quantile": (lambda m, r: m.quantile(r, [0.1, 0.5, 0.9], axis=1), (R,)),
    "quantile_methods": (
        lambda m, r: m.stack(
            [
                m.quantile(r, 0.3, method=x)
                for x in (
                    "lower",
                    "higher",
                    "midpoint",
                    "nearest",
                    "hazen",
                    "weibull",
                    "median_unbiased",
                    "inverted_cdf",
                    "averaged_inverted_cdf",
                    "closest_observation",
                    "interpolated_inverted_cdf",
                    "normal_unbiased",
                )
            ]
        ),
        (R,),
    ),
    "percentile_keepdims": (lambda m, r: m.percentile(r, 40, axis=0, keepdims=True), (R,)),
    "median": (lambda m, r: m.median(r, axis=1), (R,)),
    "median_nan": (lambda m, r: m.median(r, axis=0), (RN,)),
    # the median of nothing is NaN, in the result's shape and dtype (NumPy warns)
    "median_empty": (lambda m, r: m.median(r[:0].astype(int)), (R,)),
    "median_empty_axis": (lambda m, r: m.median(r[:0], axis=0, keepdims=True), (R,)),
    "median_empty_rest": (lambda m, r: m.median(r[:0], axis=1), (R,)),
    "average": (lambda m, a: m.average(a, axis=1, weights=[1.0, 2.0, 3.0, 4.0]), (A,)),
    "average_returned": (lambda m, a: m.average(a, returned=True), (A,)),
    "cov": (lambda m, r: m.cov(r), (R,)),
    "cov_rowvar_ddof": (lambda m, r: m.cov(r, rowvar=False, ddof=0), (R,)),
    "corrcoef": (lambda m, r: m.corrcoef(r), (R,)),
    "ptp": (lambda m, r: m.ptp(r, axis=1), (R,)),
    "nansum_nanprod": (lambda m, r: m.nansum(r, axis=0) + m.nanprod(r, axis=0), (RN,)),
    "nanmean_nanvar": (lambda m, r: m.nanmean(r, axis=1) + m.nanvar(r, axis=1, ddof=1), (RN,)),
    "nanstd": (lambda m, r: m.nanstd(r), (RN,)),
    "nanmin_nanmax": (lambda m, r: m.nanmin(r, axis=0) - m.nanmax(r, axis=1).sum(), (RN,)),
    "nanargmin_nanargmax": (lambda m, r: m.nanargmin(r, axis=1) + m.nanargmax(r, axis=1), (RN,)),
    "nancumsum": (lambda m, r: m.nancumsum(r, axis=1), (RN,)),
    "nanmedian": (lambda m, r: m.nanmedian(r, axis=1), (RN,)),
    "nanpercentile": (lambda m, r: m.nanpercentile(r, [25, 75], axis=0), (RN,)),
    "isclose": (lambda m, a: m.isclose(a, a + 1e-6, rtol=1e-7), (A,)),
    "array_equal": (lambda m, a: m.asarray([m.array_equal(a, a), m.array_equal(a, a[:2])]), (A,)),
    "round": (lambda m, r: m.round(r * 100, -1) + m.round(r, 2), (R,)),
    "nan_to_num": (lambda m, r: m.nan_to_num(m.log(r)), (RN,)),
    "sinc": (lambda m, r: m.sinc(r), (R,)),
    "angle": (lambda m, r: m.angle(r + 1j * r[::-1]), (R,)),
    "modf": (lambda m, r: m.modf(r * 3), (R,)),
    "ldexp_frexp": (lambda m, r: m.frexp(m.ldexp(r, 3)), (R,)),
    "outer_inner": (lambda m, v: m.outer(v, v) + m.inner(v, v), (V,)),
    "vdot": (lambda m, v: m.vdot(v + 1j, v), (V,)),
    "tensordot": (lambda m, r: m.tensordot(r, r, axes=([0], [0])), (R,)),
    "kron": (lambda m, a: m.kron(a[:2, :2], m.eye(2)), (A,)),
    "cross": (lambda m, r: m.cross(r[:, :3], r[::-1, :3]), (R,)),
    "einsum_matmul": (lambda m, r: m.einsum("ij,kj->ik", r, r), (R,)),
    "einsum_chain": (lambda m, r: m.einsum("ij,jk,kl->il", r, r.T, r), (R,)),
    "einsum_trace_diag": (
        lambda m, r: m.einsum("ii->i", r[:, :4]) + m.einsum("ii", r[:, :4]),
        (R,),
    ),
    "einsum_batch_ellipsis": (lambda m, r: m.einsum("...i,...i->...", r, r), (R,)),
    "einsum_implicit": (lambda m, r: m.einsum("ij,jk", r, r.T), (R,)),
    "diff": (lambda m, r: m.diff(r, 2, axis=0), (R,)),
    "diff_prepend": (lambda m, v: m.diff(v, prepend=0.0, append=[9.0]), (V,)),
    "ediff1d": (lambda m, v: m.ediff1d(v, to_begin=[-1.0], to_end=2.0), (V,)),
    "cumulative_sum": (lambda m, v: m.cumulative_sum(v, include_initial=True), (V,)),
    "trapezoid": (lambda m, r: m.trapezoid(r, x=[0.0, 1.0, 3.0, 4.0, 7.0]), (R,)),
    "gradient": (lambda m, r: m.gradient(r), (R,)),
    "gradient_coords": (lambda m, v: m.gradient(v, [0.0, 1.0, 1.5, 3.5, 4.0], edge_order=2), (V,)),
    "convolve": (lambda m, v: m.convolve(v, [0.5, 1.0, -1.0]), (V,)),
    "convolve_same_valid": (
        lambda m, v: m.convolve(v, [1.0, 2.0], "same") + m.convolve(v, v, "valid").sum(),
        (V,),
    ),
    "correlate": (lambda m, v: m.correlate(v, [1.0, 0.0, 2.0], "full"), (V,)),
    "correlate_short": (lambda m, v: m.correlate(v[:2], v), (V,)),
    "interp": (
        lambda m, v: m.interp([0.5, 1.5, 2.2, 9.0, -1.0], [0.0, 1.0, 2.0, 3.0], v[:4]),
        (V,),
    ),
    "interp_left_right": (
        lambda m, v: m.interp([-1.0, 9.0], [0.0, 1.0], v[:2], left=-5.0, right=5.0),
        (V,),
    ),
    "polyval": (lambda m, r: m.polyval([1.0, -2.0, 0.5], r), (R,)),
    "unwrap": (lambda m, v: m.unwrap(m.cumsum(v) * 2), (V,)),
    "gcd_lcm": (lambda m, i: (m.gcd(i, 12), m.lcm(i - 3, 4)), (I,)),
    "i0": (lambda m, r: m.i0(r * 5), (R,)),
    "i0_small": (lambda m, r: m.i0(r), (R,)),
    "polyfit": (lambda m, v: m.polyfit(m.arange(5.0), v, 2), (V,)),
    "polyfit_weighted": (lambda m, v: m.polyfit(m.arange(5.0), v, 1, w=v), (V,)),
    "roots": (lambda m, v: m.roots(v[:3]), (V,)),
    "trim_zeros": (lambda m, i: m.trim_zeros(m.concatenate([[0, 0], i, [0]])), (I,)),
    "unique_counts_api": (lambda m, i: tuple(m.unique_counts(i)), (I,)),
    "unique_inverse": (lambda m, i: tuple(m.unique_inverse(i)), (I,)),
    "vecdot": (lambda m, r: m.vecdot(r, r[::-1]), (R,)),
}

IDS = sorted(CALLS)


@pytest.mark.parametrize("name", IDS)
def test_matches_numpy(name):
    fn, args = CALLS[name]
    run_both(fn, *args)


ERRORS = {
    "take_out_of_bounds": (lambda m, a: m.take(a, [20]), (A,)),
    "split_unequal": (lambda m, a: m.split(a, 3, axis=1), (A,)),
    "repeat_negative": (lambda m, a: m.repeat(a, -1), (A,)),
    "diag_3d": (lambda m, r: m.diag(r.reshape(2, 2, 5)), (R,)),
    "choose_out_of_range": (lambda m, i: m.choose(i, [i, i]), (I,)),
    "quantile_out_of_range": (lambda m, r: m.quantile(r, 1.5), (R,)),
    "nonzero_0d": (lambda m, a: m.nonzero(a[0, 0]), (A,)),
    "tensordot_mismatch": (lambda m, r: m.tensordot(r, r, axes=([0], [1])), (R,)),
    "cross_bad_dims": (lambda m, r: m.cross(r, r), (R,)),
    "bincount_negative": (lambda m, i: m.bincount(i - 5), (I,)),
    "interp_empty": (lambda m, v: m.interp([1.0], [], []), (V,)),
    "pad_bad_mode": (lambda m, a: m.pad(a, 1, "nonsense"), (A,)),
    "select_length": (lambda m, a: m.select([a > 1], [a, a]), (A,)),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_numpy(name):
    fn, args = ERRORS[name]
    assert run_both(fn, *args) is None  # NumPy raises, and arrax raises the same kind


TRACEABLE = [
    n
    for n in IDS
    if n
    not in {
        "pad_mean",
        "nonzero",
        "flatnonzero",
        "argwhere",
        "where_one_arg",
        "compress",
        "extract",
        "unique",
        "unique_counts",
        "bincount",
        "bincount_weights",
        "roots",
        "trim_zeros",
        "unique_counts_api",
        "unique_inverse",
        "choose",
        "ravel_multi_index",
        "unravel_index",
        "ldexp_frexp",
    }
]


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
@pytest.mark.parametrize("name", TRACEABLE)
def test_jit_matches_eager(name):
    fn, args = CALLS[name]
    xs = [anp.asarray(a) for a in args]
    want = fn(anp, *xs)
    got = arrax.jit(lambda *a: fn(anp, *a))(*xs)
    for g, w in zip(arrax.tree_util.tree_leaves(got), arrax.tree_util.tree_leaves(want)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-12, atol=1e-12)


DIFFERENTIABLE = [
    n
    for n in TRACEABLE
    if (CALLS[n][1][0].dtype.kind == "f" and not np.isnan(CALLS[n][1][0]).any())
    and n
    not in {
        "argsort",
        "searchsorted",
        "searchsorted_right",
        "digitize",
        "digitize_right_decreasing",
        "count_nonzero",
        "isclose",
        "round",
        "lexsort",
        "quantile_methods",
        "nanargmin_nanargmax",
        "unwrap",
        "ptp",
        "select",  # piecewise at its sample points
        "polyfit_weighted",
        "i0",  # sin(i0(5x)) oscillates too fast for finite differences
        "median_empty",  # NaN: nothing to differentiate
        "median_empty_axis",
        "median_empty_rest",
    }
]


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_grads_and_vmap(name):
    fn, args = CALLS[name]
    x = anp.asarray(args[0])

    def scalar(v):
        out = fn(anp, v)
        return sum(anp.sum(anp.sin(anp.real(o))) for o in arrax.tree_util.tree_leaves(out))

    arrax.test_util.check_grads(scalar, (x,), order=1, modes=("fwd", "rev"))
    xs = anp.stack([x, x * 1.5])
    got = arrax.vmap(scalar)(xs)
    np.testing.assert_allclose(
        np.asarray(got), [float(scalar(x)), float(scalar(x * 1.5))], rtol=1e-12, atol=1e-12
    )


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
def test_value_dependent_shapes_take_size_under_jit():
    a = anp.asarray(A)
    f = arrax.jit(lambda v: anp.nonzero(v > 6, size=8, fill_value=-1))
    rows, cols = f(a)
    want_r, want_c = np.nonzero(A > 6)
    np.testing.assert_array_equal(np.asarray(rows)[:5], want_r)
    np.testing.assert_array_equal(np.asarray(cols)[5:], [-1, -1, -1])
    u = arrax.jit(lambda v: anp.unique(v, size=6, fill_value=0))(anp.asarray(I))
    np.testing.assert_array_equal(np.asarray(u), [0, 1, 2, 3, 7, 0])
    b = arrax.jit(lambda v: anp.bincount(v, length=9))(anp.asarray(I))
    np.testing.assert_array_equal(np.asarray(b), np.bincount(I, minlength=9))
    with pytest.raises(TypeError, match="size="):
        arrax.jit(lambda v: anp.nonzero(v > 6))(a)
