"""``arrax.random.permutation``, ``choice(replace=False)`` (with and without ``p=``) and
``categorical(replace=False)`` under ``jit`` and ``vmap`` (over keys and over arrays), checked bit
for bit against JAX (0.10.2, 64-bit mode) and against arrax's own eager results.

The divergences these tests found: the shuffle (rounds of stable sorts keyed by random uint32
bits, JAX's ``_shuffle``) and the Gumbel top-k of weighted draws without replacement went
through NumPy, so under ``jit``/``vmap`` they raised ``TracerArrayConversionError``; an axis out
of bounds wrapped around instead of raising ``ValueError``; a non-integer scalar ``x`` raised
Python's ``operator.index`` error rather than JAX's ``TypeError``.

Index results (``permutation(key, n)``, ``choice`` of an int) are int32, JAX's 32-bit-mode
dtype (arrax.random's convention), where JAX's 64-bit mode gives int64: for those the values
are compared and arrax's dtype is checked to be int32."""

import arrax
import arrax.numpy as anp
import arrax.random as ar
import numpy as np
import pytest

from jax_programs_common import _jax, _jax_x64_here  # noqa: F401

pytestmark = pytest.mark.usefixtures("_jax_x64_here")

SEEDS = [0, 1, 42, 2**31 - 1]
SIZES = [0, 1, 2, 5, 97, 70_000]  # 70_000 takes two sorting rounds


def _both(seed):
    jax = _jax()
    return ar.PRNGKey(seed), jax.random.PRNGKey(seed)


def _same(ours, theirs, index_result=False):
    a, j = np.asarray(ours), np.asarray(theirs)
    assert a.shape == j.shape
    if index_result:
        assert a.dtype == np.int32
    else:
        assert a.dtype == j.dtype
    np.testing.assert_array_equal(a, j)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
def test_permutation_of_int_eager_jit_like_jax(seed, n):
    jax = _jax()
    k, jk = _both(seed)
    expected = jax.random.permutation(jk, n)
    eager = ar.permutation(k, n)
    _same(eager, expected, index_result=True)
    _same(arrax.jit(lambda k: ar.permutation(k, n))(k), expected, index_result=True)
    # the count may also be a concrete 0-d integer array
    _same(ar.permutation(k, anp.asarray(n)), expected, index_result=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_permutation_vmap_over_keys_like_jax(seed):
    jax = _jax()
    k, jk = _both(seed)
    ks, jks = ar.split(k, 4), jax.random.split(jk, 4)
    expected = jax.vmap(lambda k: jax.random.permutation(k, 50))(jks)
    _same(arrax.vmap(lambda k: ar.permutation(k, 50))(ks), expected, index_result=True)
    _same(arrax.jit(arrax.vmap(lambda k: ar.permutation(k, 50)))(ks), expected, index_result=True)
    # typed keys
    tk, tjk = ar.key(seed), jax.random.key(seed)
    _same(
        arrax.vmap(lambda k: ar.permutation(k, 9))(ar.split(tk, 3)),
        jax.vmap(lambda k: jax.random.permutation(k, 9))(jax.random.split(tjk, 3)),
        index_result=True,
    )


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64, np.bool_])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("independent", [False, True])
def test_permutation_of_array_like_jax(dtype, axis, independent):
    jax = _jax()
    x = (np.arange(24).reshape(4, 6) % 7).astype(dtype)
    for seed in SEEDS[:2]:
        k, jk = _both(seed)
        expected = jax.random.permutation(jk, jax.numpy.asarray(x), axis, independent)
        _same(ar.permutation(k, anp.asarray(x), axis, independent), expected)
        _same(
            arrax.jit(lambda k, x: ar.permutation(k, x, axis, independent))(k, anp.asarray(x)),
            expected,
        )


@pytest.mark.parametrize("dtype", [np.int32, np.float32])
@pytest.mark.parametrize("independent", [False, True])
def test_permutation_vmap_over_arrays_and_keys_like_jax(dtype, independent):
    jax = _jax()
    jnp = jax.numpy
    xs = np.arange(60).reshape(3, 4, 5).astype(dtype)
    k, jk = _both(7)
    ks, jks = ar.split(k, 3), jax.random.split(jk, 3)
    # one key, a batch of arrays
    _same(
        arrax.vmap(lambda x: ar.permutation(k, x, 1, independent))(anp.asarray(xs)),
        jax.vmap(lambda x: jax.random.permutation(jk, x, 1, independent))(jnp.asarray(xs)),
    )
    # a key per array
    _same(
        arrax.vmap(lambda k, x: ar.permutation(k, x, 0, independent))(ks, anp.asarray(xs)),
        jax.vmap(lambda k, x: jax.random.permutation(k, x, 0, independent))(jks, jnp.asarray(xs)),
    )
    # a batch of keys, one array
    _same(
        arrax.vmap(lambda k: ar.permutation(k, anp.asarray(xs[0]), -1, independent))(ks),
        jax.vmap(lambda k: jax.random.permutation(k, jnp.asarray(xs[0]), -1, independent))(jks),
    )


def test_permutation_one_dimensional_large_like_jax():
    jax = _jax()
    k, jk = _both(3)
    x = np.arange(70_000, dtype=np.int32)[::-1].copy()
    expected = jax.random.permutation(jk, jax.numpy.asarray(x))
    _same(ar.permutation(k, anp.asarray(x)), expected)
    _same(arrax.jit(ar.permutation)(k, anp.asarray(x)), expected)


_P = np.asarray([0.1, 0.2, 0.3, 0.15, 0.25], dtype=np.float32)

# (name, program(random, key, numpy), whether the result holds indices)
_CHOICE_PROGRAMS = [
    ("int", lambda r, k, n: r.choice(k, 5, (3,), replace=False), True),
    ("int_all", lambda r, k, n: r.choice(k, 6, (2, 3), replace=False), True),
    (
        "array_axis0",
        lambda r, k, n: r.choice(k, n.arange(10.0).reshape(5, 2), (2,), replace=False),
        False,
    ),
    (
        "array_axis1",
        lambda r, k, n: r.choice(
            k, n.arange(10, dtype=n.int32).reshape(2, 5), (4,), replace=False, axis=1
        ),
        False,
    ),
    ("p", lambda r, k, n: r.choice(k, 5, (3,), replace=False, p=n.asarray(_P)), True),
    (
        "p_high",
        lambda r, k, n: r.choice(k, 5, (3,), replace=False, p=n.asarray(_P), mode="high"),
        True,
    ),
    (
        "p_array",
        lambda r, k, n: r.choice(
            k, n.arange(5, dtype=n.int32) * 3, (2, 2), replace=False, p=n.asarray(_P)
        ),
        False,
    ),
    (
        "p_float64",
        lambda r, k, n: r.choice(k, 5, (4,), replace=False, p=n.asarray(_P, dtype=n.float64)),
        True,
    ),
    (
        "categorical",
        lambda r, k, n: r.categorical(k, n.log(n.asarray(_P)), shape=(3,), replace=False),
        True,
    ),
    (
        "categorical_batched",
        lambda r, k, n: r.categorical(
            k,
            n.log(n.asarray(_P)).reshape(5, 1) * n.ones((1, 2), dtype=n.float32),
            axis=0,
            shape=(4, 2),
            replace=False,
        ),
        True,
    ),
]


@pytest.mark.parametrize(
    "name,program,indices", _CHOICE_PROGRAMS, ids=[c[0] for c in _CHOICE_PROGRAMS]
)
@pytest.mark.parametrize("seed", SEEDS)
def test_choice_without_replacement_eager_jit_vmap_like_jax(name, program, indices, seed):
    jax = _jax()
    k, jk = _both(seed)
    expected = program(jax.random, jk, jax.numpy)
    _same(program(ar, k, anp), expected, indices)
    _same(arrax.jit(lambda k: program(ar, k, anp))(k), expected, indices)
    ks, jks = ar.split(k, 3), jax.random.split(jk, 3)
    _same(
        arrax.vmap(lambda k: program(ar, k, anp))(ks),
        jax.vmap(lambda k: program(jax.random, k, jax.numpy))(jks),
        indices,
    )


def test_permutation_errors_like_jax():
    jax = _jax()
    k, jk = _both(0)
    for x in (3.0, True):
        with pytest.raises(TypeError, match="x must be an integer or at least 1-dimensional"):
            jax.random.permutation(jk, x)
        with pytest.raises(TypeError, match="^permutation: x must be an integer"):
            ar.permutation(k, x)
    for x, axis in ((np.ones((2, 3)), 2), (np.ones((2, 3)), -3), (5, 1)):
        with pytest.raises(ValueError, match="out of bounds"):
            jax.random.permutation(jk, x, axis)
        with pytest.raises(ValueError, match="^permutation: axis .* out of bounds"):
            ar.permutation(k, x, axis)
    with pytest.raises(ValueError, match="out of bounds"):
        jax.random.choice(jk, np.ones((2, 3)), (1,), axis=-3)
    with pytest.raises(ValueError, match="^choice: axis -3 is out of bounds"):
        ar.choice(k, anp.ones((2, 3)), (1,), axis=-3)
