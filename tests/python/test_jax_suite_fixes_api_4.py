"""Gaps JAX's own jet_test.py, lax_numpy_ufuncs_test.py and sparse tests found in arrax, each
checked against JAX (64-bit, as arrax is) or NumPy:

* ``jax.experimental.jet`` exports ``fact`` (n! as exp(lgamma(n + 1))) and the
  ``zero_series``/``zero_term`` sentinels;
* the derivative of ``pow`` in x is 0 where the exponent is 0 (JAX's rule for ``x ** 1`` and
  the like, integer_pow there), not ``0 * x ** -1``: NaN at x = 0 in every higher derivative
  of ``x ** 1`` and so in ``jet`` of ``x ** p``;
* ``ufunc.reduce`` of a ufunc with an identity starts from it (``gcd.reduce([-4])`` is 4),
  gives ``initial`` where a ``where`` mask selects nothing, casts a one-item reduction to the
  ufunc's output dtype, and ``lcm`` has no identity (empty reductions raise, masks need
  ``initial``), all as NumPy;
* ``minimum``/``maximum.accumulate`` take booleans; integer ``power.reduce``/``accumulate``
  raise on negative exponents, as NumPy's loops do;
* BCOO arrays keep their dtype through ``todense`` without sparse dimensions, ``@`` contracting
  to a scalar, ``sum_duplicates``, and scaling by a Python scalar (weak); ``sum`` widens small
  integers as ``jnp.sum`` does (JAX's rule)."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax.experimental import jet as ajet
from arrax.experimental import sparse as asparse

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402
from jax.experimental import jet as jjet  # noqa: E402
from jax.experimental import sparse as jsparse  # noqa: E402


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, a.shape, b.dtype, b.shape)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)


# --- jet ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 3, 5.0])
def test_jet_fact(n):
    same(ajet.fact(n), jjet.fact(n))


def test_jet_zero_series_exported():
    assert type(ajet.zero_series).__name__ == "ZeroSeries"
    assert type(ajet.zero_term).__name__ == "ZeroTerm"
    out, series = ajet.jet(lambda x: 2.0, (anp.ones(1),), ([anp.ones(1)] * 3,))
    assert series is not ajet.zero_series


@pytest.mark.parametrize("p", [0, 1])
def test_jet_of_int_power_at_zero(p):
    x0, terms = np.zeros((2, 3)), [np.ones((2, 3)), np.full((2, 3), 0.5), np.full((2, 3), -1.0)]
    a_y, a_terms = ajet.jet(lambda x: x**p, (x0,), (terms,))
    j_y, j_terms = jjet.jet(lambda x: x**p, (jnp.asarray(x0),), ([jnp.asarray(t) for t in terms],))
    same(a_y, j_y)
    for a, j in zip(a_terms, j_terms):
        same(a, j)


def test_higher_derivatives_of_int_power_at_zero():
    p = 1
    for order in range(1, 4):
        af, jf = (lambda x: x**p), (lambda x: x**p)
        for _ in range(order):
            af, jf = arrax.grad(af), jax.grad(jf)
        same(af(0.0), jf(0.0))
        same(arrax.jit(af)(0.0), jf(0.0))


# --- ufunc.reduce / accumulate -----------------------------------------------------------


def _both(fn):
    out = []
    for m in (np, anp):
        try:
            out.append(np.asarray(fn(m)))
        except Exception as e:  # noqa: BLE001
            out.append(type(e))
    return out


def _agree(fn):
    n, a = _both(fn)
    if isinstance(n, type):
        assert a is n, (n, a)
    else:
        assert not isinstance(a, type), a
        same(a, n)


def test_lcm_has_no_identity_in_reduce():
    assert anp.lcm.identity is None
    _agree(lambda m: m.lcm.reduce(np.zeros((0, 3), np.uint32), axis=0))
    x = np.array([[2, 3], [4, 6]], np.int64)
    _agree(lambda m: m.lcm.reduce(x, axis=1, where=np.array([[True, False], [True, True]])))
    _agree(lambda m: m.lcm.reduce(x, axis=1, initial=5, where=np.array([[True, False]] * 2)))


@pytest.mark.parametrize("name", ["gcd", "hypot"])
def test_reduce_starts_from_identity(name):
    dt = np.float64 if name == "hypot" else np.int32
    x = np.array([[-5], [3], [-2]], dt)
    _agree(lambda m: getattr(m, name).reduce(x, axis=1))
    _agree(lambda m: getattr(m, name).reduce(x, axis=1, where=np.array([[True], [False], [True]])))


@pytest.mark.parametrize("name", ["gcd", "hypot"])
def test_reduce_where_nothing_selected_gives_initial(name):
    dt = np.float64 if name == "hypot" else np.int32
    x = np.array([[-3, -5, 3], [3, -2, 3], [5, -3, 3]], dt)
    w = np.array([[False, False, True], [False, True, False], [False, False, False]])
    _agree(lambda m: getattr(m, name).reduce(x, axis=1, where=w, initial=dt(-4)))


def test_one_item_reduce_has_ufunc_output_dtype():
    x = np.array([[4.0, 0.0, 2.0]])
    _agree(lambda m: m.logical_xor.reduce(x, axis=0))
    _agree(lambda m: m.logical_xor.reduce(x[:, :0], axis=0, initial=2.0))


@pytest.mark.parametrize("name", ["minimum", "maximum"])
def test_min_max_accumulate_bool(name):
    b = np.array([[True, False, True], [False, False, True]])
    _agree(lambda m: getattr(m, name).accumulate(b, axis=1))
    _agree(lambda m: getattr(m, name).accumulate(b, axis=0))
    _agree(lambda m: getattr(m, name).accumulate(np.zeros((4, 0), bool), axis=1))


@pytest.mark.parametrize("method", ["reduce", "accumulate"])
def test_int_power_fold_negative_exponent_raises(method):
    neg = np.array([[2, 3, 1], [1, 2, -1]], np.int32)
    _agree(lambda m: getattr(m.power, method)(neg, axis=1))
    ok = np.array([[2, 3, 1], [-1, 2, 1]], np.int32)  # (a negative base is fine)
    _agree(lambda m: getattr(m.power, method)(ok, axis=1))


# --- BCOO dtypes -------------------------------------------------------------------------


def _bcoo_dtypes(mod, dt):
    v1, m3 = np.array([1, 0, 2, 0, 3], dt), np.array([[[1, 0], [0, 3]], [[0, 2], [1, 1]]], dt)
    out = []
    for nb in (0, 1):
        M = mod.BCOO.fromdense(v1, n_batch=nb)
        out += [M.todense().dtype, (M @ np.arange(5, dtype=dt)).dtype]
    M = mod.BCOO.fromdense(m3, n_batch=1)
    out += [M.sum().dtype, M.sum(0).dtype, mod.bcoo_sum_duplicates(M).data.dtype]
    M = mod.BCOO.fromdense(m3, n_dense=1)
    out += [M.sum(2).dtype, M.todense().dtype, (M * 2).dtype, (2 * M).dtype, (M / 2).dtype]
    return [np.dtype(d) for d in out]


@pytest.mark.parametrize("dt", [np.int32, np.int8, np.uint16, np.float32, np.complex64])
def test_bcoo_dtypes_like_jax(dt):
    assert _bcoo_dtypes(asparse, dt)[:-1] == _bcoo_dtypes(jsparse, dt)[:-1]


def test_bcoo_scale_by_python_scalar_keeps_dtype():
    m = np.array([[1.0, 0.0], [2.0, 3.0]], np.float32)
    for M in (asparse.BCOO.fromdense(m), asparse.BCSR.fromdense(m)):
        same((M * 2).todense(), m * 2)
        same((2 * M).todense(), 2 * m)
        same((M * 2.5).todense(), m * 2.5)
    M = asparse.BCOO.fromdense(m)
    same((M / 2).todense(), m / np.float32(2))
    same(asparse.bcoo_multiply_dense(M, 2.0), np.array([2.0, 4.0, 6.0], np.float32))
    same((M * np.float64(2)).todense(), m * np.float64(2))  # (a NumPy scalar is strong)
