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


# Repeated indices and out-of-range ones under the transformations: the derivative of each
# update mode with repeats (and ties for min/max) against central differences, in both modes
# and to second order; vmap against a Python loop with indices past the row's end.
REPEATS = anp.asarray([0, 2, 0, 2, 1, 0])
UPDATE_MODES = ["set", "add", "multiply", "min", "max"]


@pytest.mark.parametrize("op", UPDATE_MODES)
@pytest.mark.parametrize("updates", ["one_zero", "two_zeros", "ties"])
def test_repeated_indices_derivatives_match_finite_differences(op, updates):
    x = anp.asarray([0.7, -1.3, 2.1, 0.4])
    u = anp.asarray([1.5, -0.6, 0.9, 2.4, -2.0, 0.0])
    if updates == "two_zeros":  # (the products of the other updates hold zeros)
        u = anp.asarray([0.0, -0.6, 0.0, 2.4, -2.0, 1.1])
    ties = updates == "ties" or updates == "two_zeros" and op in ("min", "max")  # (0 ties 0)
    if (
        updates == "ties"
    ):  # updates equal to each other and to the operand (min/max share the derivative)
        u = anp.asarray([0.7, 2.1, 0.7, -0.6, -1.3, 0.3])

    def f(a, v):
        return getattr(a.at[REPEATS], op)(v) * anp.asarray([1.0, 2.0, 3.0, 4.0])

    if ties and op in ("min", "max"):  # not differentiable at a tie: check the shared value
        jac_u = np.asarray(arrax.jacfwd(f, argnums=1)(x, u))
        jac_x = np.asarray(arrax.jacrev(f, argnums=0)(x, u))
        want = np.asarray(getattr(x.at[REPEATS], op)(u))
        idx = np.asarray(REPEATS)
        for i in range(4):  # the operand and each update equal to the result share its slope
            at_i = [j for j in range(6) if idx[j] == i]
            count = (want[i] == x[i]) + sum(want[i] == u[j] for j in at_i)
            scale = (i + 1.0) / count
            assert jac_x[i, i] == pytest.approx(scale * (want[i] == x[i]))
            for j in range(6):
                expected = scale * (want[i] == u[j]) if j in at_i else 0.0
                assert jac_u[i, j] == pytest.approx(expected)
        return
    arrax.test_util.check_grads(f, (x, u), order=2, modes=("fwd", "rev"), eps=1e-4)


@pytest.mark.parametrize("op", ["get"] + UPDATE_MODES)
@pytest.mark.parametrize("mode", [None, "clip", "drop"])
def test_vmap_with_out_of_range_indices_matches_a_loop(op, mode):
    x = anp.asarray(np.arange(12.0).reshape(3, 4) - 5)
    idx = anp.asarray([5, -7, 2])  # past the end of a row, before its start, inside

    def f(row, i):
        ref = row.at[i]
        kwargs = {} if mode is None else {"mode": mode}
        return ref.get(**kwargs) if op == "get" else getattr(ref, op)(9.0, **kwargs)

    got = np.asarray(arrax.vmap(f)(x, idx))
    want = np.stack([np.asarray(f(x[k], idx[k])) for k in range(3)])
    np.testing.assert_array_equal(got, want)
