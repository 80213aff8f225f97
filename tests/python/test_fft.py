"""arrax.numpy.fft against numpy.fft: values and dtypes (float32 stays single precision),
lengths (n, s), axes and norms, errors, and gradients through every transform."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY, run_both

rng = np.random.default_rng(11)
X = rng.standard_normal((4, 6))
X32 = X.astype(np.float32)
Z = X + 1j * rng.standard_normal((4, 6))
I = np.arange(8)  # noqa: E741

CALLS = {
    "fft": (lambda m, x: m.fft.fft(x), (X,)),
    "fft_f32": (lambda m, x: m.fft.fft(x), (X32,)),
    "fft_int": (lambda m, x: m.fft.fft(x), (I,)),
    "fft_n_crop_pad": (lambda m, x: (m.fft.fft(x, 4, axis=0), m.fft.fft(x, 9)), (Z,)),
    "ifft_norms": (lambda m, x: [m.fft.ifft(x, norm=n) for n in (None, "ortho", "forward")], (Z,)),
    "rfft": (lambda m, x: m.fft.rfft(x), (X,)),
    "rfft_odd_n": (lambda m, x: m.fft.rfft(x, n=7, axis=0), (X,)),
    "irfft": (lambda m, x: m.fft.irfft(x), (Z,)),
    "irfft_n": (lambda m, x: (m.fft.irfft(x, n=9), m.fft.irfft(x, n=4, axis=0)), (Z,)),
    "hfft_ihfft": (lambda m, x: (m.fft.hfft(x), m.fft.ihfft(m.real(x), norm="ortho")), (Z,)),
    "fft2": (lambda m, x: m.fft.fft2(x), (Z,)),
    "ifft2_s": (lambda m, x: m.fft.ifft2(x, s=(3, 8)), (Z,)),
    "rfft2_irfft2": (lambda m, x: m.fft.irfft2(m.fft.rfft2(x), s=x.shape), (X,)),
    "fftn_axes": (lambda m, x: m.fft.fftn(x[None], axes=(0, 2)), (Z,)),
    "rfftn_irfftn": (lambda m, x: (m.fft.rfftn(x), m.fft.irfftn(x, s=(4, 10))), (X,)),
    "freqs": (lambda m, x: (m.fft.fftfreq(7, 0.5), m.fft.rfftfreq(8)), (X,)),
    "shifts": (lambda m, x: (m.fft.fftshift(x), m.fft.ifftshift(x, axes=1)), (X,)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_matches_numpy(name):
    fn, args = CALLS[name]
    run_both(fn, *args, tol_scale=10.0)


ERRORS = {
    "bad_norm": (lambda m, x: m.fft.fft(x, norm="nope"), (X,)),
    "bad_n": (lambda m, x: m.fft.fft(x, n=0), (X,)),
    "bad_axis": (lambda m, x: m.fft.fft(x, axis=3), (X,)),
    "s_axes_length": (lambda m, x: m.fft.fftn(x, s=(2,), axes=(0, 1)), (X,)),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_numpy(name):
    fn, args = ERRORS[name]
    assert run_both(fn, *args) is None


GRADS = {
    "fft": lambda x: anp.abs(anp.fft.fft(x)) ** 2,
    "ifft2_ortho": lambda x: anp.real(anp.fft.ifft2(x * (1 + 2j), norm="ortho")),
    "rfft": lambda x: anp.abs(anp.fft.rfft(x, n=8)),
    "irfft": lambda x: anp.fft.irfft(anp.fft.rfft(x) * (1 - 1j), n=5),
    "rfftn_irfftn": lambda x: anp.fft.irfftn(anp.fft.rfftn(x) ** 2, s=x.shape),
}


@pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
@pytest.mark.parametrize("name", sorted(GRADS))
def test_grads_and_batching(name):
    f = GRADS[name]
    x = anp.asarray(X)
    arrax.test_util.check_grads(lambda v: anp.sum(anp.sin(f(v))), (x,), order=2)
    got = arrax.vmap(f)(anp.stack([x, 2 * x]))
    np.testing.assert_allclose(np.asarray(got[1]), np.asarray(f(2 * x)), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(np.asarray(arrax.jit(f)(x)), np.asarray(f(x)), rtol=1e-12)
