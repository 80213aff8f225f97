"""JAX's functional index updates ``x.at[key].set/add/multiply/min/max/get`` against NumPy's
in-place equivalents (``y[key] = v``, ``np.add.at``, ...), eagerly and under transformations."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")

X = np.arange(24.0).reshape(2, 3, 4) - 7.5

KEYS = {
    "int": (1,),
    "slice": (slice(None), slice(1, None, 2)),
    "negative_step": (0, slice(None, None, -1)),
    "int_arrays": ([0, 1, 1], [2, 0, 2]),
    "repeated": ([1, 1, 0],),
    "ellipsis": (Ellipsis, [0, -1]),
    "mask": (X > 3,),
    "mixed": ([1, 0], slice(None), [3, 1]),
}

UFUNC_AT = {"add": np.add, "multiply": np.multiply, "min": np.minimum, "max": np.maximum}


def _reference(op, key, v):
    y = X.copy()
    if op == "set":
        y[key] = v
    elif op == "get":
        return X[key]
    else:
        UFUNC_AT[op].at(y, key, v)
    return y


def _ax_key(key):
    return tuple(anp.asarray(k) if isinstance(k, (list, np.ndarray)) else k for k in key)


@pytest.mark.parametrize("op", ["get", "set", "add", "multiply", "min", "max"])
@pytest.mark.parametrize("name", sorted(KEYS))
def test_matches_numpy(name, op):
    key = KEYS[name]
    if op == "set" and name == "repeated":
        pytest.skip("which repeated update wins is unspecified (as in JAX)")
    v = 2.5
    ref = _reference(op, key, v)
    x = anp.asarray(X)
    ref_at = getattr(x.at[_ax_key(key)], op)
    got = ref_at() if op == "get" else ref_at(v)
    np.testing.assert_array_equal(np.asarray(got), ref)
    np.testing.assert_array_equal(np.asarray(x), X)  # the original is unchanged
    if op != "get":
        jitted = arrax.jit(lambda a: getattr(a.at[_ax_key(key)], op)(v))
        np.testing.assert_array_equal(np.asarray(jitted(x)), ref)


def test_traced_indices_grad_and_vmap():
    x = anp.asarray(X[0])
    f = arrax.jit(lambda a, i, v: a.at[i, 1:3].add(v))
    want = X[0].copy()
    want[2, 1:3] += 5.0
    np.testing.assert_array_equal(np.asarray(f(x, 2, 5.0)), want)
    g = arrax.grad(lambda a, v: anp.sum(a.at[[0, 2]].set(v * a[1]) ** 2), argnums=(0, 1))(x, 2.0)
    arrax.test_util.check_grads(
        lambda a, v: anp.sum(a.at[[0, 2]].set(v * a[1]) ** 2), (x, anp.asarray(2.0)), order=2
    )
    assert g[0].shape == x.shape
    rows = arrax.vmap(lambda r, i: r.at[i].set(0.0))(x, anp.asarray([0, 1, 3]))
    want = X[0].copy()
    want[[0, 1, 2], [0, 1, 3]] = 0.0
    np.testing.assert_array_equal(np.asarray(rows), want)
