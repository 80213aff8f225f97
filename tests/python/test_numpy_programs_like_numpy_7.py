"""Machine-learning-from-scratch programs people run with NumPy (Karpathy's min-char-rnn,
cs231n's assignment code, eriklindernoren/ML-From-Scratch, nnfs, numpy-ml's convolution
utilities), each a function of the module it runs with (numpy or arrax.numpy; no plotting,
small sizes): arrax.numpy must give NumPy's values, dtypes, shapes and printed text. The
programs are in numpy_programs_7a.py to numpy_programs_7d.py; below them, what they found.

They also found what is arrax's by design: an element or a full reduction is a 0-d arrax array,
not a NumPy scalar, so it prints as array(0.5) inside a list or tuple (the programs print
floats), and isinstance(x, float) is False for it: ML-From-Scratch's DecisionTree, which splits
on `feature >= threshold` only when isinstance(threshold, (int, float)), takes its categorical
`==` branch for every threshold drawn from np.unique, so its trees (and random forest, gradient
boosting, XGBoost) differ from NumPy's; that program is left out."""

import contextlib
import inspect
import io
import re
import warnings

import arrax
import arrax.numpy as anp
import numpy as onp
import pytest

import numpy_programs_7a
import numpy_programs_7b
import numpy_programs_7c
import numpy_programs_7d
from test_numpy_programs_like_numpy_5 import _same


def _run(program, m):
    """program(m)'s result and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), onp.printoptions(), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # (min-char-rnn's 0/0 rel_error)
        result = program(m)
    return result, out.getvalue()


# arrax's matmul and float64 exp/log/tanh are not OpenBLAS's and NumPy's SIMD ones to the last
# bit (both within an ulp or two of the exact result); a central difference of a loss
# (cs231n's numerical gradients) divides such a difference by 2e-5, and a mean of values near
# 0 (batch-normalized data) prints it.
_TOLERANCE = {
    "cs231n_layers": (1e-6, 1e-9),
    "cs231n_im2col": (1e-9, 1e-12),
}
_PRINTED_APPROX = {
    "cs231n_layers",
    "mlfs_supervised",
    "mlfs_unsupervised",
    "mlfs_deep_learning",
    "nnfs_ch15",
}

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _same_printed(got, want, rtol=1e-9, atol=1e-12):
    """The same text, numbers within rtol/atol of each other."""
    assert _NUMBER.split(got) == _NUMBER.split(want), (got, want)
    x = [float(v) for v in _NUMBER.findall(got)]
    y = [float(v) for v in _NUMBER.findall(want)]
    onp.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


_PROGRAMS = {
    name: getattr(module, name)
    for module in (numpy_programs_7a, numpy_programs_7b, numpy_programs_7c, numpy_programs_7d)
    for name in module.PROGRAMS
}


@pytest.mark.parametrize("name", list(_PROGRAMS))
def test_program_like_numpy(name):
    program = _PROGRAMS[name]
    want, printed = _run(program, onp)
    got, got_printed = _run(program, anp)
    if name in _PRINTED_APPROX:
        _same_printed(got_printed, printed, rtol=1e-7, atol=1e-12)
    else:
        assert got_printed == printed
    rtol, atol = _TOLERANCE.get(name, (1e-9, 1e-12))
    _same(got, want, rtol=rtol, atol=atol)


# --- a custom_jvp function's call resolves its arguments without inspect.signature each time
# (GMM's loop calls np.linalg.pinv, a custom_jvp function, 1215 times; nn.relu is one too) ---


def _signature_calls(monkeypatch, f):
    calls = []
    real = inspect.signature

    def counting(*args, **kwargs):
        calls.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(inspect, "signature", counting)
    f()
    return len(calls)


def test_custom_jvp_calls_compute_the_signature_once(monkeypatch):
    a = anp.asarray([[2.0, 1.0], [1.0, 3.0]])
    x = anp.asarray([-1.0, 2.0])
    anp.linalg.pinv(a), arrax.nn.relu(x)  # (first calls: the signatures are computed)

    def loop():
        for _ in range(3):
            anp.linalg.pinv(a)
            arrax.nn.relu(x)

    assert _signature_calls(monkeypatch, loop) == 0
    _same(anp.linalg.pinv(a), onp.linalg.pinv(onp.asarray(a)))


def test_custom_jvp_arguments_still_resolve_like_jax():
    @arrax.custom_jvp
    def f(x, y=2.0):
        return x * y

    @f.defjvp
    def f_jvp(primals, tangents):
        x, y = primals
        return f(x, y), tangents[0] * y + tangents[1] * x

    assert float(f(3.0)) == 6.0 and float(f(3.0, 4.0)) == 12.0 and float(f(3.0, y=5.0)) == 15.0
    assert float(arrax.grad(f)(3.0)) == 2.0 and float(arrax.grad(f)(3.0, 4.0)) == 4.0
    with pytest.raises(TypeError, match="could not be resolved to positional-only arguments"):
        f(1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="could not be resolved to positional-only arguments"):
        f(1.0, z=2.0)
