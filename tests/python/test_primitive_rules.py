"""Every primitive's transformation rules, driven by primitive_table.CASES:

* jvp and vjp against finite differences in float64, to second order (arrax.test_util);
* vmap with each operand batched in turn (and all of them, along another axis) against a
  Python loop;
* jit against eager evaluation.
"""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax.test_util import check_grads

from conftest import AGAINST_NUMPY
from primitive_table import CASES

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")

B = 3


def _ax(a):
    return anp.asarray(a)


def _np(x):
    return np.asarray(x)


def _variant(a, k):
    """The k-th batch element made from sample operand a (stays in its input domain)."""
    a = np.asarray(a)
    if a.dtype.kind in "fc":
        return (a * (1 + 0.05 * k)).astype(a.dtype)
    return (a + k).astype(a.dtype)


def _assert_close(got, want):
    got, want = _np(got), _np(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if got.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("case", [c for c in CASES if c.diff], ids=lambda c: c.id)
def test_grads_match_finite_differences(case):
    args = tuple(_ax(a) for a in case.args)
    check_grads(case.fn, args, order=2, modes=("fwd", "rev"))


def _vmap_positions(case):
    n = len(case.args)
    return [(case, i) for i in range(n)] + ([(case, "all")] if n > 1 else [])


@pytest.mark.parametrize(
    "case,which",
    [p for c in CASES for p in _vmap_positions(c)],
    ids=lambda v: v.id if hasattr(v, "id") else str(v),
)
def test_vmap_matches_loop(case, which):
    n = len(case.args)
    batched = [which == "all" or which == i for i in range(n)]
    # Batched operands stacked along axis 0, or along the last axis for "all".
    axis = 0 if which != "all" else -1
    stacks = []
    for a, b in zip(case.args, batched):
        if b:
            stacks.append(np.stack([_variant(a, k) for k in range(B)], axis=axis))
        else:
            stacks.append(np.asarray(a))
    in_axes = tuple((axis if b else None) for b in batched)
    got = arrax.vmap(case.fn, in_axes=in_axes)(*[_ax(s) for s in stacks])
    want = []
    for k in range(B):
        args = [_ax(np.take(s, k, axis=axis)) if b else _ax(s) for s, b in zip(stacks, batched)]
        want.append(_np(case.fn(*args)))
    _assert_close(got, np.stack(want))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_jit_matches_eager(case):
    args = [_ax(a) for a in case.args]
    _assert_close(arrax.jit(case.fn)(*args), case.fn(*args))


@pytest.mark.parametrize("case", [c for c in CASES if c.diff], ids=lambda c: c.id)
def test_jit_of_grad_matches_eager(case):
    args = [_ax(a) for a in case.args]

    def loss(*a):
        return anp.sum(anp.sin(case.fn(*a)))

    g = arrax.grad(loss, argnums=tuple(range(len(args))))
    for got, want in zip(arrax.jit(g)(*args), g(*args)):
        _assert_close(got, want)
