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

import numpy as onp

from arrax import _core

# Bit generators and seed sequences are NumPy's (they only hold state).
BitGenerator = onp.random.BitGenerator
SeedSequence = onp.random.SeedSequence
PCG64 = onp.random.PCG64
PCG64DXSM = onp.random.PCG64DXSM
MT19937 = onp.random.MT19937
Philox = onp.random.Philox
SFC64 = onp.random.SFC64


def _to_numpy(x):
    if isinstance(x, _core.ndarray):
        return onp.asarray(x)
    if isinstance(x, (list, tuple)) and any(isinstance(v, _core.ndarray) for v in x):
        return type(x)(_to_numpy(v) for v in x)
    return x


def _to_arrax(r):
    if isinstance(r, onp.ndarray):
        return _core.asarray(r, None, None)
    if isinstance(r, list):
        return [_to_arrax(v) for v in r]
    return r


def _wrapped(numpy_method):
    """numpy_method with arrax arrays accepted and returned (out= writes into an arrax array)."""

    @functools.wraps(numpy_method)
    def method(self, *args, **kwargs):
        out = kwargs.get("out")
        if isinstance(out, _core.ndarray):
            kwargs["out"] = onp.empty(out.shape, out.dtype)
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


class Generator:
    """numpy.random.Generator with arrax arrays: the same stream as NumPy's Generator on the
    same bit generator."""

    def __init__(self, bit_generator):
        self._numpy = (
            bit_generator
            if isinstance(bit_generator, onp.random.Generator)
            else onp.random.Generator(bit_generator)
        )

    def __repr__(self):
        return f"Generator({type(self.bit_generator).__name__})"

    @property
    def bit_generator(self):
        return self._numpy.bit_generator

    def spawn(self, n_children):
        """n_children independent child Generators (NumPy's spawn)."""
        return [Generator(g) for g in self._numpy.spawn(n_children)]

    def __getstate__(self):
        return {"numpy": self._numpy}

    def __setstate__(self, state):
        self._numpy = state["numpy"]


_install(Generator, onp.random.Generator)


def default_rng(seed=None):
    """numpy.random.default_rng: a Generator on PCG64 seeded from seed (None: fresh entropy; an
    int, a sequence of ints, a SeedSequence, a bit generator or a Generator)."""
    if isinstance(seed, Generator):
        return seed
    return Generator(onp.random.default_rng(_to_numpy(seed)))


class RandomState:
    """numpy.random.RandomState (MT19937, NumPy's legacy samplers) with arrax arrays: the same
    stream as NumPy's RandomState with the same seed."""

    def __init__(self, seed=None):
        self._numpy = (
            seed if isinstance(seed, onp.random.RandomState) else onp.random.RandomState(seed)
        )

    def __repr__(self):
        return f"RandomState({type(self._numpy._bit_generator).__name__})"

    def seed(self, seed=None):
        self._numpy.seed(_to_numpy(seed))

    def get_state(self, legacy=True):
        return self._numpy.get_state(legacy=legacy)

    def set_state(self, state):
        self._numpy.set_state(state)

    def __getstate__(self):
        return {"numpy": self._numpy}

    def __setstate__(self, state):
        self._numpy = state["numpy"]


_install(RandomState, onp.random.RandomState)

# The module functions (numpy.random.rand, seed, ...) use one global RandomState, as NumPy's
# do: arrax.numpy.random.seed(0) then rand(3) gives numpy.random.seed(0); numpy.random.rand(3).
_global = RandomState()
__all__ = ["BitGenerator", "Generator", "MT19937", "PCG64", "PCG64DXSM", "Philox", "RandomState",
           "SFC64", "SeedSequence", "default_rng", "get_state", "set_state", "seed"]  # fmt: skip


def seed(seed=None):
    """numpy.random.seed: reseeds the module's global RandomState."""
    _global.seed(seed)


def get_state(legacy=True):
    return _global.get_state(legacy)


def set_state(state):
    _global.set_state(state)


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
