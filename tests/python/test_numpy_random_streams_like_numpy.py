"""arrax.numpy.random against numpy.random, as programs seeding with default_rng / seed /
RandomState / bit generators use it: the same numbers, dtypes and shapes, the same objects
(bit generators, pickles, reprs) and the same errors. Found by running numpy.random's docstring
examples and NumPy's own random test files against arrax."""

import copy
import pickle

import arrax.numpy as anp
import numpy as np
import pytest


def _same(a, n):
    assert isinstance(a, (anp.ndarray, np.ndarray)), type(a)
    a, n = np.asarray(a), np.asarray(n)
    assert a.dtype == n.dtype, (a.dtype, n.dtype)
    assert a.shape == n.shape, (a.shape, n.shape)
    np.testing.assert_array_equal(a, n)


# --- choice / permutation among labels: NumPy's array of strings (arrax holds numbers) --------


@pytest.mark.parametrize(
    "f",
    [
        lambda r: r.choice(["pooh", "rabbit", "piglet", "Christopher"], 5, p=[0.5, 0.1, 0.1, 0.3]),
        lambda r: r.choice(np.array(["a", "bb", "ccc"]), (2, 3)),
        lambda r: r.permutation(np.array(["x", "y", "z", "w"])),
    ],
)
def test_choice_among_strings_is_numpys(f):
    _same(f(anp.random.default_rng(7)), f(np.random.default_rng(7)))
    anp.random.seed(7)
    np.random.seed(7)
    _same(f(anp.random), f(np.random))


# --- bit generators and seed sequences seeded with arrax arrays --------------------------------


@pytest.mark.parametrize("name", ["MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64"])
def test_bit_generators_take_arrax_seeds(name):
    for seed in (
        lambda m: m.arange(10),
        lambda m: m.array([1], dtype=m.uint64),
        lambda m: m.arange(4, dtype=m.uint32)[2],  # (0-d in arrax, NumPy's scalar)
    ):
        bg = getattr(anp.random, name)(seed(anp))
        ref = getattr(np.random, name)(seed(np))
        assert type(bg).__name__ == name and isinstance(bg, np.random.BitGenerator)
        _same(bg.random_raw(4), ref.random_raw(4))
        _same(anp.random.Generator(bg).random(3), np.random.Generator(ref).random(3))


def test_seed_sequence_takes_arrax_entropy():
    ss = anp.random.SeedSequence(anp.arange(4), spawn_key=(anp.int64(1),))
    ref = np.random.SeedSequence(np.arange(4), spawn_key=(1,))
    _same(ss.generate_state(3), ref.generate_state(3))
    _same(anp.random.default_rng(ss).random(2), np.random.default_rng(ref).random(2))


def test_zero_d_arrax_arguments_are_numpys_scalars():
    # arrax returns 0-d arrays where NumPy returns scalars (np.sum, x[0]); NumPy's samplers
    # take the scalars.
    mask = [True, False, True, True, False]
    g, n = anp.random.default_rng(3), np.random.default_rng(3)
    _same(g.permutation(anp.sum(anp.array(mask))), n.permutation(np.sum(np.array(mask))))
    anp.random.seed(4)
    np.random.seed(4)
    _same(anp.random.permutation(anp.sum(anp.array(mask))), np.random.permutation(np.sum(mask)))
    _same(anp.random.RandomState(anp.arange(5)[3]).rand(2), np.random.RandomState(3).rand(2))


def test_bit_generator_classes_and_instances():
    g = anp.random.default_rng(0)
    assert type(g.bit_generator) is anp.random.PCG64
    assert isinstance(g.bit_generator, np.random.PCG64)
    # NumPy's own bit generators, Generators and RandomStates count as arrax's.
    assert isinstance(np.random.PCG64(1), anp.random.PCG64)
    assert isinstance(np.random.SeedSequence(1), anp.random.SeedSequence)
    assert isinstance(np.random.default_rng(1), anp.random.Generator)
    assert isinstance(np.random.RandomState(1), anp.random.RandomState)
    assert not isinstance(np.random.MT19937(1), anp.random.PCG64)
    assert issubclass(anp.random.PCG64, np.random.BitGenerator)
    with pytest.raises(ValueError):
        anp.random.RandomState(anp.random.MT19937)  # (the class, not an instance)


# --- reprs, attributes ---------------------------------------------------------------------


def test_repr_and_str_like_numpy():
    g = anp.random.default_rng(0)
    assert str(g) == "Generator(PCG64)"
    assert repr(g) == f"Generator(PCG64) at 0x{id(g):X}"
    rs = anp.random.RandomState(0)
    assert str(rs) == "RandomState(MT19937)"
    assert repr(rs) == f"RandomState(MT19937) at 0x{id(rs):X}"


def test_numpys_private_attributes():
    g, n = anp.random.default_rng(0), np.random.default_rng(0)
    assert g._bit_generator is g.bit_generator
    assert g._poisson_lam_max == n._poisson_lam_max
    rs = anp.random.RandomState(0)
    assert isinstance(rs._bit_generator, np.random.MT19937)
    assert rs._poisson_lam_max == np.random.RandomState(0)._poisson_lam_max


# --- pickling and state as NumPy's -------------------------------------------------------------


def test_generator_pickles_like_numpys():
    g, n = anp.random.default_rng(5), np.random.default_rng(5)
    g.random(3)
    n.random(3)
    ctor, (bit_gen,), state = g.__reduce__()
    assert isinstance(bit_gen, np.random.PCG64) and state is None
    assert g.__getstate__() is None
    for h in (pickle.loads(pickle.dumps(g)), copy.deepcopy(g)):
        assert isinstance(h, anp.random.Generator)
        _same(h.random(4), np.random.default_rng(5).random(7)[3:])
    assert h.bit_generator.seed_seq.entropy == 5
    old = ctor("PCG64DXSM")  # (pickles before NumPy 2.0 hold the bit generator's name)
    assert isinstance(old, anp.random.Generator)
    assert type(old.bit_generator).__name__ == "PCG64DXSM"


def test_random_state_pickles_like_numpys():
    rs, ref = anp.random.RandomState(9), np.random.RandomState(9)
    rs.standard_normal(3)
    ref.standard_normal(3)
    ctor, (bit_gen,), state = rs.__reduce__()
    assert type(bit_gen).__name__ == "MT19937"
    assert state.keys() == ref.__reduce__()[2].keys()
    assert rs.__getstate__()["bit_generator"] == "MT19937"
    b = ctor("MT19937")
    b.set_state(state)
    _same(b.rand(3), ref.rand(3))
    saved = rs.__getstate__()
    a = rs.rand(2)
    rs.__setstate__(saved)
    _same(rs.rand(2), np.asarray(a))
    _same(pickle.loads(pickle.dumps(rs)).randn(3), rs.randn(3))


# --- default_rng / global bit generator --------------------------------------------------------


def test_default_rng_of_a_random_state():
    rs = anp.random.RandomState(1234)
    g = anp.random.default_rng(rs)
    assert isinstance(g, anp.random.Generator)
    assert g.bit_generator is rs._bit_generator
    _same(g.random(3), np.random.default_rng(np.random.RandomState(1234)).random(3))
    assert anp.random.default_rng(g) is g
    # NumPy's Generator: an arrax Generator on it (arrax arrays out).
    h = anp.random.default_rng(np.random.default_rng(2))
    assert isinstance(h.random(2), anp.ndarray)


def test_get_and_set_bit_generator():
    orig = anp.random.get_bit_generator()
    norig = np.random.get_bit_generator()
    try:
        assert isinstance(orig, np.random.MT19937)
        anp.random.set_bit_generator(anp.random.PCG64(98765))
        np.random.set_bit_generator(np.random.PCG64(98765))
        assert isinstance(anp.random.get_bit_generator(), np.random.PCG64)
        _same(anp.random.randint(0, 2**30, 10), np.random.randint(0, 2**30, 10))
        anp.random.seed(11)  # (reseeds the PCG64 as NumPy's seed does)
        np.random.seed(11)
        _same(anp.random.random(3), np.random.random(3))
        assert anp.random.mtrand._rand.get_state(legacy=False)["bit_generator"] == "PCG64"
    finally:
        anp.random.set_bit_generator(orig)
        np.random.set_bit_generator(norig)


def test_mtrand_namespace():
    anp.random.seed(1)
    np.random.seed(1)
    _same(anp.random.mtrand._rand.rand(3), np.random.mtrand._rand.rand(3))
    _same(anp.random.mtrand.dirichlet([1.0, 2.0]), np.random.mtrand.dirichlet([1.0, 2.0]))
    with pytest.raises(ValueError):
        anp.random.mtrand.dirichlet(anp.array([5.4e-01, -1.0e-16]))


# --- out= ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["f4", "f8"])
def test_out_layouts_like_numpy(dtype):
    g = anp.random.default_rng(0)
    with pytest.raises(ValueError, match="Supplied output array"):
        g.standard_normal(out=anp.empty((6, 4), dtype=dtype)[::3])
    with pytest.raises(ValueError, match="Supplied output array"):
        g.standard_gamma([1, 2, 3], out=anp.empty((2, 3), order="F", dtype=dtype), dtype=dtype)
    with pytest.raises(TypeError):
        g.standard_normal(out=anp.empty(3, dtype=dtype), dtype="f8" if dtype == "f4" else "f4")
    # An F-ordered out is filled in NumPy's order.
    out, ref = anp.empty((2, 3), order="F", dtype=dtype), np.empty((2, 3), order="F", dtype=dtype)
    assert anp.random.default_rng(1).random(out=out, dtype=dtype) is out
    np.random.default_rng(1).random(out=ref, dtype=dtype)
    _same(out, ref)
