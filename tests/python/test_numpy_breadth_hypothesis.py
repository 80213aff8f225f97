"""Property tests (hypothesis) of issue #4 functions against NumPy over random shapes, axes,
dtypes and arguments: sort/argsort (NaNs, ties), quantile methods, einsum subscripts,
rearrangements and advanced indexing."""

import arrax.numpy as anp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conftest import assert_same

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)
floats = st.floats(-10, 10, allow_nan=True, width=64)


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    shape=shapes,
    dtype=st.sampled_from([np.float64, np.float32, np.int32, np.bool_]),
)
def test_sort_argsort(data, shape, dtype):
    if dtype == np.bool_:
        elements = st.booleans()
    elif np.dtype(dtype).kind == "i":
        elements = st.integers(-3, 3)
    else:
        elements = st.one_of(st.just(np.nan), st.integers(-3, 3).map(float))
    x = data.draw(hnp.arrays(dtype, shape, elements=elements))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    assert_same(anp.sort(anp.asarray(x), axis=axis), np.sort(x, axis=axis))
    assert_same(anp.argsort(anp.asarray(x), axis=axis), np.argsort(x, axis=axis, kind="stable"))


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    shape=shapes,
    method=st.sampled_from(
        [
            "linear",
            "lower",
            "higher",
            "midpoint",
            "nearest",
            "hazen",
            "weibull",
            "median_unbiased",
            "normal_unbiased",
            "inverted_cdf",
            "averaged_inverted_cdf",
            "closest_observation",
            "interpolated_inverted_cdf",
        ]
    ),
)
def test_quantile(data, shape, method):
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-5, 5)))
    q = data.draw(st.lists(st.floats(0, 1), min_size=1, max_size=3))
    axis = data.draw(st.one_of(st.none(), st.integers(0, len(shape) - 1)))
    keepdims = data.draw(st.booleans())
    got = anp.quantile(anp.asarray(x), q, axis=axis, method=method, keepdims=keepdims)
    assert_same(got, np.quantile(x, q, axis=axis, method=method, keepdims=keepdims))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_einsum(data):
    letters = "abcd"
    sizes = {c: data.draw(st.integers(1, 3)) for c in letters}
    n_ops = data.draw(st.integers(1, 3))
    terms = [
        "".join(data.draw(st.lists(st.sampled_from(letters), min_size=0, max_size=3)))
        for _ in range(n_ops)
    ]
    used = sorted(set("".join(terms)))
    out = "".join(data.draw(st.permutations(used))[: data.draw(st.integers(0, len(used)))])
    subs = ",".join(terms) + "->" + out
    rng = np.random.default_rng(0)
    ops = [rng.standard_normal([sizes[c] for c in t]) for t in terms]
    assert_same(anp.einsum(subs, *[anp.asarray(o) for o in ops]), np.einsum(subs, *ops))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=shapes)
def test_rearrangements(data, shape):
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    ax = anp.asarray(x)
    axis = data.draw(st.integers(0, len(shape) - 1))
    shift = data.draw(st.integers(-7, 7))
    assert_same(anp.roll(ax, shift, axis=axis), np.roll(x, shift, axis=axis))
    assert_same(anp.flip(ax, axis), np.flip(x, axis))
    reps = data.draw(st.lists(st.integers(0, 2), min_size=1, max_size=3))
    assert_same(anp.tile(ax, reps), np.tile(x, reps))
    pw = data.draw(st.integers(0, 2))
    mode = data.draw(st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap"]))
    if mode in ("reflect", "symmetric", "wrap") and min(shape) == 0:
        return
    assert_same(anp.pad(ax, pw, mode), np.pad(x, pw, mode))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4))
def test_advanced_indexing_and_at(data, shape):
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    ax = anp.asarray(x)
    i0 = data.draw(
        hnp.arrays(
            np.int64, data.draw(st.integers(1, 4)), elements=st.integers(-shape[0], shape[0] - 1)
        )
    )
    i1 = data.draw(hnp.arrays(np.int64, i0.shape, elements=st.integers(-shape[1], shape[1] - 1)))
    key = data.draw(st.sampled_from([(i0,), (i0, i1), (slice(None), i1), (i0, slice(None))]))
    ax_key = tuple(anp.asarray(k) if isinstance(k, np.ndarray) else k for k in key)
    assert_same(ax[ax_key], x[key])
    y = x.copy()
    np.add.at(y, key, 1.5)
    assert_same(ax.at[ax_key].add(1.5), y)
