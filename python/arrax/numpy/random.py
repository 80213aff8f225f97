"""arrax.numpy.random: NumPy's random API with NumPy's own streams.

``default_rng`` Generators, ``RandomState`` and the legacy module functions (``seed``, ``rand``,
``randn``, ...) wrap numpy.random's objects: the bit generators (PCG64, MT19937, ...) and
NumPy's samplers run on the host, so a seeded program draws exactly the numbers it draws under
NumPy, for every distribution. Array results become arrax arrays (on the default device);
scalar results stay the Python/NumPy scalars NumPy returns. Arguments may be arrax arrays.

arrax.numpy.random is the host-side, stateful API NumPy programs use. For random numbers made
on a device, inside ``jit`` or batched under ``vmap``, use ``arrax.random``'s counter-based
keys (JAX's API)."""

import functools
import sys
import types

import numpy as onp

from arrax import _core
from arrax.numpy._host_fallback import host_only_dtype


def _to_numpy(x):
    """x for NumPy's random code: arrax arrays as NumPy arrays, 0-d ones as NumPy scalars (what
    NumPy's reductions and indexing return where arrax returns 0-d arrays, so that
    permutation(np.sum(mask)) or PCG64(seeds[0]) work as under NumPy)."""
    if isinstance(x, _core.ndarray):
        return onp.asarray(x)[()]
    if isinstance(x, (list, tuple)) and any(isinstance(v, _core.ndarray) for v in x):
        return type(x)(_to_numpy(v) for v in x)
    return x


class _NumPyRandomClass(type):
    """Metaclass of arrax's random classes, for which instances of the NumPy class they stand
    for (their _numpy_class) count as instances too: NumPy's bit generators (made by NumPy's
    code: spawn, unpickling, RandomState) and NumPy's Generators and RandomStates."""

    def __instancecheck__(cls, obj):
        numpy_cls = cls.__dict__.get("_numpy_class")
        return type.__instancecheck__(cls, obj) or (
            numpy_cls is not None and isinstance(obj, numpy_cls)
        )

    def __subclasscheck__(cls, sub):
        numpy_cls = cls.__dict__.get("_numpy_class")
        return type.__subclasscheck__(cls, sub) or (
            numpy_cls is not None and issubclass(sub, numpy_cls)
        )


def _seeded_class(numpy_cls):
    """numpy_cls (a bit generator or SeedSequence) with arrax arrays accepted as seeds."""

    def __init__(self, *args, **kwargs):
        numpy_cls.__init__(
            self, *[_to_numpy(a) for a in args], **{k: _to_numpy(v) for k, v in kwargs.items()}
        )

    cls = _NumPyRandomClass(
        numpy_cls.__name__,
        (numpy_cls,),
        {
            "__init__": __init__,
            "__doc__": numpy_cls.__doc__,
            "__module__": __name__,
            "_numpy_class": numpy_cls,
        },
    )
    return cls


# Bit generators and seed sequences are NumPy's (they only hold state); arrax's are subclasses
# (the same name, hence the same state dicts) that take arrax arrays as seeds.
BitGenerator = onp.random.BitGenerator
SeedSequence = _seeded_class(onp.random.SeedSequence)
PCG64 = _seeded_class(onp.random.PCG64)
PCG64DXSM = _seeded_class(onp.random.PCG64DXSM)
MT19937 = _seeded_class(onp.random.MT19937)
Philox = _seeded_class(onp.random.Philox)
SFC64 = _seeded_class(onp.random.SFC64)
bit_generator = onp.random.bit_generator  # (the module: ISeedSequence, SeedlessSeedSequence)


def _to_arrax(r):
    if isinstance(r, onp.ndarray):
        if host_only_dtype(r.dtype):  # (choice among strings or objects: NumPy's array)
            return r
        return _core.asarray(r, None, None)
    if isinstance(r, list):
        return [_to_arrax(v) for v in r]
    return r


def _host_out(out):
    """A NumPy array for NumPy's sampler to fill in place of the arrax array out: of out's
    dtype and shape, and, like out, C- or F-contiguous or neither and writeable or not (NumPy's
    samplers refuse some layouts, with their own errors)."""
    if out.flags["C_CONTIGUOUS"]:
        host = onp.empty(out.shape, out.dtype)
    elif out.flags["F_CONTIGUOUS"]:
        host = onp.empty(out.shape, out.dtype, order="F")
    else:
        host = onp.empty((*out.shape, 2), out.dtype)[..., 0]
    if not out.flags["WRITEABLE"]:
        host.flags.writeable = False
    return host


# Arguments _to_numpy leaves as they are, checked by their type alone.
_PLAIN_ARGS = frozenset([int, float, bool, type(None)])


def _is_plain(a):
    """Whether _to_numpy leaves a as it is, told by its type (a tuple: of ints)."""
    return type(a) in _PLAIN_ARGS or (type(a) is tuple and all(type(v) is int for v in a))


def _wrapped(numpy_method):
    """numpy_method with arrax arrays accepted and returned (out= writes into an arrax array)."""

    name = numpy_method.__name__

    @functools.wraps(numpy_method)
    def method(self, *args, **kwargs):
        for a in args:  # (randn(3, 4): ints, told by their type without a call of _is_plain)
            if type(a) is not int and not _is_plain(a):
                break
        else:
            if not kwargs or all(map(_is_plain, kwargs.values())):
                # (sizes and parameters as Python numbers, randn(3, 4): nothing to convert)
                r = getattr(self._numpy, name)(*args, **kwargs)
                if type(r) is onp.ndarray and not host_only_dtype(r.dtype):  # (_to_arrax's own)
                    return _core.asarray(r, None, None)
                return _to_arrax(r)
        out = kwargs.get("out")
        if isinstance(out, _core.ndarray):
            kwargs["out"] = _host_out(out)
        args = [_to_numpy(a) for a in args]
        kwargs = {k: _to_numpy(v) for k, v in kwargs.items()}
        r = getattr(self._numpy, numpy_method.__name__)(*args, **kwargs)
        if isinstance(out, _core.ndarray):
            out[...] = _core.asarray(kwargs["out"], None, None)
            return out
        return _to_arrax(r)

    return method


def _shuffle_in_place(numpy_shuffle):
    """shuffle(x): x permuted in place, x an arrax array (any device) or a NumPy array."""

    @functools.wraps(numpy_shuffle)
    def shuffle(self, x, *args, **kwargs):
        if not isinstance(x, _core.ndarray):
            return self._numpy.shuffle(x, *args, **kwargs)
        host = onp.array(x)  # a copy: the array may live on a GPU or be read-only to NumPy
        self._numpy.shuffle(host, *args, **kwargs)
        x[...] = _core.asarray(host, None, None)

    return shuffle


def _public_methods(cls):
    return [
        n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))
    ]  # fmt: skip


# What stays NumPy's: methods about the generator's own state (no arrays to convert).
_STATE_METHODS = {"bit_generator", "spawn", "get_state", "set_state", "seed", "shuffle"}


def _install(cls, numpy_cls):
    for name in _public_methods(numpy_cls):
        if name not in _STATE_METHODS and not hasattr(cls, name):
            setattr(cls, name, _wrapped(getattr(numpy_cls, name)))
    cls.shuffle = _shuffle_in_place(numpy_cls.shuffle)


class Generator(metaclass=_NumPyRandomClass):
    """numpy.random.Generator with arrax arrays: the same stream as NumPy's Generator on the
    same bit generator. (NumPy's Generators count as instances: they draw the same numbers.)"""

    _numpy_class = onp.random.Generator

    def __init__(self, bit_generator):
        self._numpy = (
            bit_generator
            if isinstance(bit_generator, onp.random.Generator)
            else onp.random.Generator(bit_generator)
        )

    def __str__(self):
        return f"{type(self).__name__}({type(self.bit_generator).__name__})"

    def __repr__(self):
        return f"{self} at 0x{id(self):X}"

    @property
    def bit_generator(self):
        return self._numpy.bit_generator

    def spawn(self, n_children):
        """n_children independent child Generators (NumPy's spawn)."""
        return [Generator(g) for g in self._numpy.spawn(n_children)]

    def __getattr__(self, name):
        # NumPy's other attributes (_bit_generator, _poisson_lam_max, ...).
        if name == "_numpy":
            raise AttributeError(name)
        return getattr(self._numpy, name)

    # Pickles as NumPy's Generator does: the bit generator (with its state and seed sequence).
    def __reduce__(self):
        return _generator_ctor, (self.bit_generator,), None

    def __getstate__(self):
        return None

    def __setstate__(self, state):
        if isinstance(state, dict) and "numpy" in state:  # (arrax's earlier pickles)
            self._numpy = state["numpy"]
        elif isinstance(state, dict):  # (NumPy < 2.0's: the bit generator's state)
            self.bit_generator.state = state


def _generator_ctor(bit_generator_name="MT19937", bit_generator_ctor=None):
    """Unpickles a Generator (NumPy's __generator_ctor): from a bit generator, or from a bit
    generator's name (older pickles)."""
    if isinstance(bit_generator_name, onp.random.BitGenerator):
        return Generator(bit_generator_name)
    ctor = bit_generator_ctor or _bit_generator_ctor
    return Generator(ctor(bit_generator_name))


def _bit_generator_ctor(bit_generator="MT19937"):
    if isinstance(bit_generator, type):
        return bit_generator()
    known = {"MT19937": MT19937, "PCG64": PCG64, "PCG64DXSM": PCG64DXSM, "Philox": Philox,
             "SFC64": SFC64}  # fmt: skip
    if bit_generator not in known:
        raise ValueError(str(bit_generator) + " is not a known BitGenerator module.")
    return known[bit_generator]()


_install(Generator, onp.random.Generator)


def default_rng(seed=None):
    """numpy.random.default_rng: a Generator on PCG64 seeded from seed (None: fresh entropy; an
    int, a sequence of ints, a SeedSequence, a bit generator, a Generator (returned as is) or a
    RandomState (a Generator on its bit generator))."""
    if isinstance(seed, onp.random.Generator):
        return Generator(seed)
    if isinstance(seed, Generator):
        return seed
    if isinstance(seed, (RandomState, onp.random.RandomState)):
        return Generator(seed._bit_generator)
    if isinstance(seed, onp.random.BitGenerator):
        return Generator(seed)
    return Generator(PCG64(seed))


class RandomState(metaclass=_NumPyRandomClass):
    """numpy.random.RandomState (MT19937, NumPy's legacy samplers) with arrax arrays: the same
    stream as NumPy's RandomState with the same seed (or bit generator). (NumPy's RandomStates
    count as instances.)"""

    _numpy_class = onp.random.RandomState

    def __init__(self, seed=None):
        if isinstance(seed, onp.random.RandomState):
            self._numpy = seed
            return
        seed = _to_numpy(seed)
        if seed is not None and not hasattr(seed, "capsule"):  # (NumPy's test for a bit generator)
            bit_gen = MT19937()  # (what NumPy's RandomState(seed) does, with arrax's class)
            bit_gen._legacy_seeding(seed)
            seed = bit_gen
        self._numpy = onp.random.RandomState(MT19937() if seed is None else seed)

    def __str__(self):
        return f"{type(self).__name__}({type(self._numpy._bit_generator).__name__})"

    def __repr__(self):
        return f"{self} at 0x{id(self):X}"

    def __getattr__(self, name):
        # NumPy's other attributes (_bit_generator, _poisson_lam_max, ...).
        if name == "_numpy":
            raise AttributeError(name)
        return getattr(self._numpy, name)

    def seed(self, seed=None):
        self._numpy.seed(_to_numpy(seed))

    def get_state(self, legacy=True):
        return self._numpy.get_state(legacy=legacy)

    def set_state(self, state):
        self._numpy.set_state(_to_numpy(state))

    # Pickles as NumPy's RandomState does: the bit generator, then the state dict.
    def __reduce__(self):
        return _randomstate_ctor, (self._numpy._bit_generator,), self.get_state(legacy=False)

    def __getstate__(self):
        return self.get_state(legacy=False)

    def __setstate__(self, state):
        if isinstance(state, dict) and "numpy" in state:  # (arrax's earlier pickles)
            self._numpy = state["numpy"]
        else:
            self.set_state(state)


def _randomstate_ctor(bit_generator_name="MT19937", bit_generator_ctor=None):
    """Unpickles a RandomState (NumPy's __randomstate_ctor)."""
    if isinstance(bit_generator_name, onp.random.BitGenerator):
        return RandomState(bit_generator_name)
    ctor = bit_generator_ctor or _bit_generator_ctor
    return RandomState(ctor(bit_generator_name))


_install(RandomState, onp.random.RandomState)

# The module functions (numpy.random.rand, seed, ...) use one global RandomState, as NumPy's
# do: arrax.numpy.random.seed(0) then rand(3) gives numpy.random.seed(0); numpy.random.rand(3).
_global = RandomState()
__all__ = ["BitGenerator", "Generator", "MT19937", "PCG64", "PCG64DXSM", "Philox", "RandomState",
           "SFC64", "SeedSequence", "default_rng", "get_state", "set_state", "seed"]  # fmt: skip


def seed(seed=None):
    """numpy.random.seed: reseeds the module's global RandomState (MT19937's legacy seeding; a
    bit generator set by set_bit_generator gets the state a new one seeded with seed has)."""
    bit_gen = _global._numpy._bit_generator
    if isinstance(bit_gen, onp.random.MT19937):
        _global.seed(seed)
    else:
        bit_gen.state = type(bit_gen)(_to_numpy(seed)).state


def get_state(legacy=True):
    return _global.get_state(legacy)


def set_state(state):
    _global.set_state(state)


def get_bit_generator():
    """numpy.random.get_bit_generator: the bit generator of the module's global RandomState."""
    return _global._numpy._bit_generator


def set_bit_generator(bitgen):
    """numpy.random.set_bit_generator: the module functions draw from bitgen from now on."""
    _global._numpy = onp.random.RandomState(bitgen)


def _module_function(name):
    def fn(*args, **kwargs):
        return getattr(_global, name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"numpy.random.{name} on the module's global RandomState (NumPy's stream)."
    return fn


for _name in _public_methods(onp.random.RandomState):
    if _name not in globals() and hasattr(onp.random, _name):
        globals()[_name] = _module_function(_name)
        __all__.append(_name)

# numpy.random's other names for random_sample.
ranf = sample = random_sample  # noqa: F821 (defined by the loop above)
__all__ += ["ranf", "sample"]

# numpy.random.mtrand: RandomState, the module functions and the global RandomState (_rand),
# which some libraries reach for (scikit-learn's check_random_state(None)).
mtrand = types.ModuleType(__name__ + ".mtrand")
mtrand.RandomState = RandomState
mtrand._rand = _global
for _name in __all__:
    if _name in globals() and callable(globals()[_name]) and hasattr(onp.random.mtrand, _name):
        setattr(mtrand, _name, globals()[_name])
for _name in ("get_bit_generator", "set_bit_generator"):
    setattr(mtrand, _name, globals()[_name])
sys.modules[mtrand.__name__] = mtrand
