"""Max pooling (cpp/primitives/pooling.cpp) against a NumPy reference: windows, strides and
padding (interior and boundary windows), ties (the first maximum gets the gradient, as in
PyTorch), NaN, integer and half dtypes, leading batch dims, and the errors."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import lax, nn


def reference(x, window, strides, padding):
    """(maxima, argmax positions in each plane) by brute force, -inf padding."""
    kh, kw = window
    sh, sw = strides
    pt, pb, pl, pr = padding
    h, w = x.shape[-2:]
    ho, wo = (h + pt + pb - kh) // sh + 1, (w + pl + pr - kw) // sw + 1
    planes = x.reshape(-1, h, w)
    vals = np.zeros((planes.shape[0], ho, wo), x.dtype)
    pos = np.zeros((planes.shape[0], ho, wo), np.int64)
    for p in range(planes.shape[0]):
        for i in range(ho):
            for j in range(wo):
                best = None
                for a in range(kh):
                    for b in range(kw):
                        y, xx = i * sh - pt + a, j * sw - pl + b
                        if not (0 <= y < h and 0 <= xx < w):
                            continue
                        v = planes[p, y, xx]
                        if (
                            best is None
                            or (v > vals[p, i, j])
                            or (np.isnan(v) and not np.isnan(vals[p, i, j]))
                        ):
                            best = y * w + xx
                            vals[p, i, j] = v
                pos[p, i, j] = best
    return vals.reshape(x.shape[:-2] + (ho, wo)), pos.reshape(x.shape[:-2] + (ho, wo))


GEOMS = [
    ((2, 2), (2, 2), (0, 0, 0, 0)),
    ((3, 3), (1, 1), (1, 1, 1, 1)),
    ((3, 2), (2, 1), (1, 0, 0, 1)),
    ((2, 3), (3, 2), (0, 1, 2, 0)),
]


@pytest.mark.parametrize("window,strides,padding", GEOMS)
@pytest.mark.parametrize("shape", [(2, 3, 7, 9), (5, 6), (1, 2, 2, 4, 4)])
def test_values_and_gradient_match_the_reference(shape, window, strides, padding):
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, shape).astype(np.float64)  # small integers: many ties
    if shape[-2] + padding[0] + padding[1] < window[0]:
        pytest.skip("window larger than the input")
    want, pos = reference(x, window, strides, padding)
    params = dict(window=window, strides=strides, padding=padding)
    got = lax.bind1("max_pool", anp.asarray(x), **params)
    np.testing.assert_array_equal(np.asarray(got), want)
    g = rng.standard_normal(want.shape)
    dx = lax.bind1("max_pool_scatter", anp.asarray(x), anp.asarray(g), **params)
    n_planes = int(np.prod(x.shape[:-2]))
    pos2, g2 = pos.reshape(n_planes, -1), g.reshape(n_planes, -1)
    expect = np.zeros((n_planes, x.shape[-2] * x.shape[-1]))
    for p in range(n_planes):
        np.add.at(expect[p], pos2[p], g2[p])
    np.testing.assert_allclose(np.asarray(dx), expect.reshape(x.shape))
    t = rng.standard_normal(x.shape)
    tg = lax.bind1("max_pool_gather", anp.asarray(x), anp.asarray(t), **params)
    want_t = np.take_along_axis(t.reshape(n_planes, -1), pos2, 1).reshape(want.shape)
    np.testing.assert_array_equal(np.asarray(tg), want_t)


def test_ties_route_the_gradient_to_the_first_maximum_like_pytorch():
    x = anp.zeros((1, 1, 4, 4))  # relu output: every window ties at 0
    g = arrax.grad(lambda x: anp.sum(nn.MaxPool2d(2)(x)))(x)
    want = np.zeros((4, 4))
    want[::2, ::2] = 1
    np.testing.assert_array_equal(np.asarray(g)[0, 0], want)


def test_nan_wins_its_window():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    x[0, 0, 1, 0] = np.nan
    y = np.asarray(nn.MaxPool2d(2)(anp.asarray(x)))
    assert np.isnan(y[0, 0, 0, 0]) and y[0, 0, 0, 1] == 7 and y[0, 0, 1, 1] == 15


@pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.int64, np.float16, np.float32])
def test_dtypes(dtype):
    x = np.random.default_rng(1).integers(0, 50, (2, 3, 6, 6)).astype(dtype)
    y = nn.MaxPool2d(3, stride=2, padding=1)(anp.asarray(x))
    want, _ = reference(x, (3, 3), (2, 2), (1, 1, 1, 1))
    assert np.asarray(y).dtype == dtype
    np.testing.assert_array_equal(np.asarray(y), want)


def test_vmap_jit_and_second_order():
    x = anp.asarray(np.random.default_rng(2).standard_normal((3, 2, 1, 6, 6)))
    pool = nn.MaxPool2d(2)
    f = arrax.jit(arrax.vmap(lambda x: pool(x)))
    np.testing.assert_array_equal(np.asarray(f(x)), np.stack([np.asarray(pool(v)) for v in x]))
    hess = arrax.grad(lambda x: anp.sum(arrax.grad(lambda z: anp.sum(pool(z) ** 3))(x)))(x[0])
    assert hess.shape == x[0].shape


def test_bad_input_raises_clear_errors():
    x = anp.ones((1, 1, 4, 4))
    with pytest.raises(ValueError, match="max_pool: padding"):
        lax.bind1("max_pool", x, window=(2, 2), strides=(1, 1), padding=(2, 0, 0, 0))
    with pytest.raises(ValueError, match="max_pool: window"):
        lax.bind1("max_pool", x, window=(5, 2), strides=(1, 1), padding=(0, 0, 0, 0))
    with pytest.raises(TypeError, match="max_pool: expects a real"):
        lax.bind1(
            "max_pool", x.astype(anp.complex64), window=(2, 2), strides=(1, 1), padding=(0, 0, 0, 0)
        )
    with pytest.raises(ValueError, match="MaxPool2d: expects NCHW"):
        nn.MaxPool2d(2)(anp.ones((4, 4)))
