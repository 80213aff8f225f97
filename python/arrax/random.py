"""Counter-based, splittable pseudo-random numbers, as ``jax.random``.

A key is a ``uint32`` array of shape ``(2,)`` (JAX's raw ``PRNGKey`` layout), or a typed key
array from ``key``/``wrap_key_data`` over such data (arrax/_prng_keys.py). Every sampler is a
pure function of its key, so results are the same eagerly and, once the transformations land,
under ``vmap`` and ``jit``. The generator is Threefry-2x32 with 20 rounds (the ``threefry2x32``
primitive), driven exactly as JAX drives it in its default configuration
(``jax_threefry_partitionable=True``): for the same seed, ``split``, ``fold_in`` and ``bits`` give
the same bits as JAX, and ``uniform``, ``normal``, ``randint``, ``bernoulli``, ``gumbel``,
``exponential``, ``categorical``, ``choice``, ``gamma``, ``loggamma``, ``beta``, ``dirichlet``,
``chisquare`` and ``poisson`` the same values (floats to within an ulp or two:
XLA's ``erf_inv``/``log`` differ in the last bit, and XLA contracts ``u * (maxval - minval) +
minval`` into a fused multiply-add where arrax rounds twice, so ``uniform`` with a range other than
[0, 1) can differ by one ulp). ``permutation`` and ``choice(replace=False)`` shuffle as JAX does
(rounds of stable sorts keyed by random uint32 bits; weighted draws by the Gumbel top-k), so they
match bit for bit, eagerly and under ``jit``/``vmap``. ``PRNGKey`` follows JAX's default 32-bit
mode: the seed is taken modulo 2**32.

Samplers are composed from ``arrax.numpy`` operations and the ``threefry2x32``,
``bitcast_convert_type`` and ``erf_inv`` primitives, and ``arrax.lax.sort_key_val``/``top_k`` for
the shuffles and draws without replacement. Exception, until an erf primitive lands:
``truncated_normal`` evaluates ``erf`` of its bounds through Python's ``math``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

import numpy as _onp

import arrax.numpy as jnp
from arrax import _core
from arrax._prng_keys import PRNGKeyArray

__all__ = [
    "key_dtype",
    "PRNGKey",
    "key",
    "key_data",
    "key_impl",
    "wrap_key_data",
    "split",
    "fold_in",
    "bits",
    "uniform",
    "normal",
    "bernoulli",
    "categorical",
    "randint",
    "permutation",
    "choice",
    "truncated_normal",
    "gumbel",
    "exponential",
]

_UINT = {8: _onp.uint8, 16: _onp.uint16, 32: _onp.uint32, 64: _onp.uint64}
_MASK32 = 0xFFFFFFFF


# --------------------------------------------------------------------------------------------
# keys


def _finfo(dtype):
    try:
        return _onp.finfo(dtype)
    except ValueError:  # bfloat16 and friends
        import ml_dtypes

        return ml_dtypes.finfo(dtype)


def _shape(shape) -> tuple[int, ...]:
    if isinstance(shape, Sequence):
        return tuple(operator.index(d) for d in shape)
    return (operator.index(shape),)


def _check_key(name: str, key):
    """The raw uint32[2] data of a key (raw, or a typed key of shape ())."""
    if isinstance(key, PRNGKeyArray):
        if key.shape != ():
            raise ValueError(
                f"{name} accepts a single key, but was given a key array of shape {key.shape} "
                "!= (). Use jax.vmap for batching."
            )
        return key._data
    k = jnp.asarray(key)
    if k.dtype != _onp.uint32 or k.shape != (2,):
        raise TypeError(
            f"{name}: expected a PRNG key (uint32 array of shape (2,)), got {k.dtype} array of shape {k.shape}"
        )
    return k


_THREEFRY_NAMES = ("threefry2x32", "threefry", "default")
_JAX_IMPL_NAMES = ("threefry2x32", "rbg", "unsafe_rbg", "philox2x32", "philox4x32", "threefry4x32")


def _check_impl(name, impl):
    """JAX's impl= argument: arrax keys are threefry2x32 keys (JAX's default); the others
    (rbg, unsafe_rbg) are refused rather than silently replaced."""
    if impl is None:
        return
    if not isinstance(impl, str):
        label = getattr(impl, "name", None)
        if not isinstance(label, str):  # (JAX's TypeError: not a name nor a PRNG impl)
            raise TypeError(
                f"{name}: unrecognized type {type(impl)} for specifying PRNG implementation."
            )
    else:
        label = impl
    if label not in _THREEFRY_NAMES:
        if label not in _JAX_IMPL_NAMES:
            raise ValueError(
                f'{name}: unrecognized PRNG implementation "{label}". Did you mean one of: '
                + ", ".join(f'"{n}"' for n in _JAX_IMPL_NAMES)
            )
        raise NotImplementedError(
            f"{name}: impl={label!r} is not supported; arrax's keys are threefry2x32 keys"
        )


def key_dtype(impl_spec=None):
    """Like ``jax.random.key_dtype``: the dtype of typed key arrays of a PRNG implementation
    (``key<fry>``: arrax's keys are threefry2x32 keys)."""
    from arrax._prng_keys import KEY_DTYPE

    _check_impl("key_dtype", impl_spec)
    return KEY_DTYPE


def PRNGKey(seed, *, impl=None) -> jnp.ndarray:
    """A key from an integer seed: ``[0, seed mod 2**32]``, as ``jax.random.PRNGKey`` (32-bit mode)."""
    return _seed_key("PRNGKey", seed, impl)


def _seed_key(name, seed, impl):
    _check_impl(name, impl)
    if isinstance(seed, PRNGKeyArray):
        raise TypeError(f"{name} accepts a scalar seed, but was given a PRNG key.")
    if hasattr(seed, "shape") and tuple(seed.shape) != ():
        raise TypeError(
            f"{name} accepts a scalar seed, but was given an array of shape "
            f"{tuple(seed.shape)} != (). Use jax.vmap for batching"
        )
    if hasattr(seed, "dtype") and not _onp.issubdtype(_onp.dtype(seed.dtype), _onp.integer):
        raise TypeError(f"PRNG key seed must be an integer; got {seed!r}")
    if isinstance(seed, jnp.ndarray) and seed._is_tracer:  # (under jit/vmap: wraps mod 2**32)
        return jnp.stack([jnp.zeros((), jnp.uint32), seed.astype(jnp.uint32)])
    try:
        s = operator.index(seed)
    except TypeError:
        s = int(seed.item()) if hasattr(seed, "item") else None
        if s is None:
            raise TypeError(f"PRNG key seed must be an integer; got {seed!r}") from None
    return jnp.asarray([0, s & _MASK32], dtype=jnp.uint32)


def key(seed, *, impl=None) -> PRNGKeyArray:
    """A typed key of shape ``()`` and dtype ``key<fry>`` over :func:`PRNGKey`'s data, as
    ``jax.random.key``."""
    return PRNGKeyArray(_seed_key("key", seed, impl))


def _same_kind(key, data):
    """data (raw key data) as the kind of key the caller gave: typed for a typed key."""
    return PRNGKeyArray(data) if isinstance(key, PRNGKeyArray) else data


def key_impl(keys):
    """The name of the PRNG implementation of keys (jax.random.key_impl): arrax's keys are all
    threefry2x32 keys."""
    k = keys._data if isinstance(keys, PRNGKeyArray) else jnp.asarray(keys)
    if k.dtype != _onp.uint32 or k.ndim == 0 or k.shape[-1] != 2:
        raise TypeError(
            f"key_impl: expected a PRNG key or key array (uint32 with a last axis of 2), got "
            f"{k.dtype} array of shape {k.shape}"
        )
    return "threefry2x32"


def key_data(keys) -> jnp.ndarray:
    """The ``uint32`` data of a key or key array (a raw key is its own data)."""
    k = keys._data if isinstance(keys, PRNGKeyArray) else jnp.asarray(keys)
    if k.dtype != _onp.uint32 or k.ndim == 0 or k.shape[-1] != 2:
        raise TypeError(
            f"key_data: expected uint32 keys with a trailing axis of 2, got {k.dtype}{k.shape}"
        )
    return k


def wrap_key_data(key_bits_array, *, impl=None) -> PRNGKeyArray:
    """A typed key array over uint32 key data (trailing axis of 2), as jax.random.wrap_key_data."""
    _check_impl("wrap_key_data", impl)
    if isinstance(key_bits_array, PRNGKeyArray):
        raise TypeError("wrap_key_data: expected uint32 key data, got a typed key array")
    return PRNGKeyArray(key_data(key_bits_array))


def _threefry(k, x0, x1):
    """threefry2x32 of the key ``k`` (uint32[2]) over counter arrays x0, x1 of one shape."""
    k0 = jnp.broadcast_to(k[0], x0.shape)
    k1 = jnp.broadcast_to(k[1], x0.shape)
    return _core._threefry2x32(k0, k1, x0, x1)


def _iota_2x32(shape, like=None):
    """The flat index of each element of ``shape`` as (high, low) uint32 words. With a traced
    ``like`` (the key) and a large shape, the counters are built from it (a cumulative sum of
    ones) so that they are traced too: a constant iota would be materialized while tracing,
    and eval_shape or lowering a draw of 10**12 numbers would then allocate them."""
    n = math.prod(shape)
    if like is not None and getattr(like, "_is_tracer", False) and n > 1 << 20:
        one = (like.reshape(-1)[0] * 0 + 1).astype(jnp.uint64)
        idx = (jnp.cumsum(jnp.broadcast_to(one, (n,)), dtype=jnp.uint64) - one).reshape(shape)
        return (idx >> 32).astype(jnp.uint32), (idx & _MASK32).astype(jnp.uint32)
    if n <= 1 << 32:
        lo = jnp.arange(n, dtype=jnp.uint32).reshape(shape)
        hi = jnp.zeros(shape, dtype=jnp.uint32)
    else:
        idx = jnp.arange(n, dtype=jnp.uint64)
        hi = (idx >> 32).astype(jnp.uint32).reshape(shape)
        lo = (idx & _MASK32).astype(jnp.uint32).reshape(shape)
    return hi, lo


def split(key, num=2) -> jnp.ndarray:
    """``num`` new keys (an int or a shape), stacked along a leading axis: shape ``(*num, 2)``."""
    k = _check_key("split", key)
    shape = _shape(num)
    hi, lo = _iota_2x32(shape, k)
    b1, b2 = _threefry(k, hi, lo)
    return _same_kind(key, jnp.stack([b1, b2], axis=len(shape)))


def fold_in(key, data) -> jnp.ndarray:
    """A new key from ``key`` and a 32-bit integer ``data``."""
    k = _check_key("fold_in", key)
    if _onp.ndim(data):
        raise TypeError(
            f"fold_in accepts a scalar, but was given an array of shape {_onp.shape(data)} != ()."
        )
    if isinstance(data, jnp.ndarray):
        d = data.astype(jnp.uint32).reshape((1,))
    else:
        d = jnp.asarray([operator.index(data) & _MASK32], dtype=jnp.uint32)
    # JAX seeds a key from data ([0, data]) and hashes that pair under `key`.
    b1, b2 = _threefry(k, jnp.zeros((1,), dtype=jnp.uint32), d)
    return _same_kind(key, jnp.concatenate([b1, b2]))


def _random_bits(k, bit_width: int, shape: tuple[int, ...]):
    hi, lo = _iota_2x32(shape, k)
    b1, b2 = _threefry(k, hi, lo)
    if bit_width == 64:
        return (b1.astype(jnp.uint64) << 32) | b2.astype(jnp.uint64)
    bits32 = b1 ^ b2
    if bit_width == 32:
        return bits32
    return bits32.astype(_UINT[bit_width])


def bits(key, shape=(), dtype=None) -> jnp.ndarray:
    """Uniform random bits of an unsigned dtype (uint32 by default)."""
    k = _check_key("bits", key)
    dt = _onp.dtype(dtype if dtype is not None else _onp.uint32)
    if dt.kind != "u":
        raise ValueError(f"bits: dtype argument to `bits` must be an unsigned int dtype, got {dt}")
    return _random_bits(k, dt.itemsize * 8, _shape(shape))


# --------------------------------------------------------------------------------------------
# continuous distributions


def _float_dtype(dtype, name):
    dt = _onp.dtype(dtype)
    if dt.kind != "f" and dt.name != "bfloat16":
        raise TypeError(f"{name} only accepts floating point dtypes, got {dt}")
    return dt


def _uniform(k, shape, dt, minval, maxval):
    fi = _finfo(dt)
    nbits, nmant = fi.bits, fi.nmant
    rng_bits = 8 if nmant < 8 else nbits
    raw = _random_bits(k, rng_bits, shape)
    uint_dt = _UINT[nbits]
    if rng_bits != nbits:
        raw = raw.astype(uint_dt)
    # Random mantissa bits under the exponent of 1.0 give a float in [1, 2); subtract 1.
    one_bits = int(_onp.array(1.0, dt).view(uint_dt))
    float_bits = (raw >> (rng_bits - nmant)) | one_bits
    floats = _core._bitcast_convert_type(float_bits, dt) - 1.0
    lo = jnp.asarray(minval).astype(dt)
    hi = jnp.asarray(maxval).astype(dt)
    _check_broadcast(shape, lo.shape, hi.shape)
    return jnp.maximum(lo, floats * (hi - lo) + lo)


def _broadcast_or_none(*shapes):
    try:
        return tuple(jnp.broadcast_shapes(*shapes))
    except ValueError:
        return None


def _check_broadcast(shape, *param_shapes):
    for ps in param_shapes:
        if len(ps) > len(shape) or jnp.broadcast_shapes(tuple(ps), tuple(shape)) != tuple(shape):
            raise ValueError(
                f"arrax.random: parameter shapes {[tuple(p) for p in param_shapes]} must be broadcast-compatible "
                f"with shape {tuple(shape)}"
            )


def uniform(key, shape=(), dtype=jnp.float32, minval=0.0, maxval=1.0) -> jnp.ndarray:
    """Uniform floats in ``[minval, maxval)``."""
    k = _check_key("uniform", key)
    return _uniform(k, _shape(shape), _float_dtype(dtype, "uniform"), minval, maxval)


def _erf_inv(u):
    """erf_inv in u's dtype; float16/bfloat16 through float32, as XLA computes it."""
    if u.dtype.itemsize < 4:
        return _core._erf_inv(u.astype(_onp.float32)).astype(u.dtype)
    return _core._erf_inv(u)


def _normal_real(k, shape, dt):
    lo = _onp.nextafter(_onp.array(-1.0, dt), _onp.array(0.0, dt))
    u = _uniform(k, shape, dt, lo, 1.0)
    return jnp.asarray(_onp.sqrt(_onp.array(2.0, dt)), dtype=dt) * _erf_inv(u)


def normal(key, shape=(), dtype=jnp.float32) -> jnp.ndarray:
    """Standard normal samples (inverse-CDF of a uniform, as JAX)."""
    k = _check_key("normal", key)
    shape = _shape(shape)
    dt = _onp.dtype(dtype)
    if dt.kind == "c":
        real_dt = _onp.dtype(f"f{dt.itemsize // 2}")
        k_re, k_im = split(k)
        re = _normal_real(k_re, shape, real_dt).astype(dt)
        im = _normal_real(k_im, shape, real_dt).astype(dt)
        return (re + 1j * im) / _onp.sqrt(_onp.array(2.0, real_dt))
    return _normal_real(k, shape, _float_dtype(dt, "normal"))


def truncated_normal(key, lower, upper, shape=None, dtype=jnp.float32) -> jnp.ndarray:
    """Normal samples truncated to ``(lower, upper)``."""
    k = _check_key("truncated_normal", key)
    dt = _float_dtype(dtype, "truncated_normal")
    lower_h = _onp.asarray(lower, dtype=dt)
    upper_h = _onp.asarray(upper, dtype=dt)
    if shape is None:
        shape = _onp.broadcast_shapes(lower_h.shape, upper_h.shape)
    else:
        shape = _shape(shape)
        _check_broadcast(shape, lower_h.shape, upper_h.shape)
    sqrt2 = _onp.sqrt(_onp.array(2.0, dt))
    # erf of the bounds on the host (no erf primitive yet), rounded to dtype.
    verf = _onp.vectorize(math.erf, otypes=[_onp.float64])
    a = verf((lower_h / sqrt2).astype(_onp.float64)).astype(dt)
    b = verf((upper_h / sqrt2).astype(_onp.float64)).astype(dt)
    u = _uniform(k, tuple(shape), dt, a, b)
    out = jnp.asarray(sqrt2, dtype=dt) * _erf_inv(u)
    lo = _onp.nextafter(lower_h, _onp.array(_onp.inf, dt))
    hi = _onp.nextafter(upper_h, _onp.array(-_onp.inf, dt))
    return jnp.clip(out, jnp.asarray(lo, dtype=dt), jnp.asarray(hi, dtype=dt))


def exponential(key, shape=(), dtype=jnp.float32) -> jnp.ndarray:
    """Exponential(1) samples: ``-log1p(-u)``."""
    k = _check_key("exponential", key)
    u = _uniform(k, _shape(shape), _float_dtype(dtype, "exponential"), 0.0, 1.0)
    return -jnp.log1p(-u)


def _gumbel(k, shape, dt, mode):
    fi = _finfo(dt)
    if mode == "high":
        u = _uniform(k, (2, *shape), dt, 0.0, 1.0)
        high, low = u[0], u[1]
        x = jnp.where(high >= 0.5, high, high + float(2.0**-fi.nmant) * low + float(fi.tiny))
        return -jnp.log(-jnp.log1p(-x))
    if mode not in (None, "low"):
        raise ValueError(f"gumbel: mode must be 'low' or 'high', got {mode!r}")
    return -jnp.log(-jnp.log(_uniform(k, shape, dt, float(fi.tiny), 1.0)))


def gumbel(key, shape=(), dtype=jnp.float32, mode=None) -> jnp.ndarray:
    """Standard Gumbel samples."""
    k = _check_key("gumbel", key)
    return _gumbel(k, _shape(shape), _float_dtype(dtype, "gumbel"), mode)


# --------------------------------------------------------------------------------------------
# discrete distributions


def bernoulli(key, p=0.5, shape=None, mode="low") -> jnp.ndarray:
    """Booleans that are True with probability ``p``."""
    k = _check_key("bernoulli", key)
    p = _float_param(p)
    shape = tuple(p.shape) if shape is None else _shape(shape)
    _check_broadcast(shape, p.shape)
    if mode == "high":
        u = _uniform(k, (2, *shape), p.dtype, 0.0, 1.0)
        u1, u2 = u[0], u[1] * float(2.0 ** -_finfo(p.dtype).nmant)
        return u2 < p - u1
    return _uniform(k, shape, p.dtype, 0.0, 1.0) < p


def _float_param(v):
    """A float array; Python scalars and lists default to float32, as in JAX's 32-bit mode."""
    if hasattr(v, "dtype"):
        a = jnp.asarray(v)
        return a if a.dtype.kind == "f" or a.dtype.name == "bfloat16" else a.astype(jnp.float32)
    return jnp.asarray(_onp.asarray(v, dtype=_onp.float32))


def _int_param(v):
    a = jnp.asarray(v)
    if a.dtype.kind not in "iu":
        a = a.astype(jnp.int64)
    return a


def _clip_to(val, dt):
    """Converts integer ``val`` to dtype ``dt``, clipping to its range instead of wrapping."""
    info = _onp.iinfo(dt)
    vi = _onp.iinfo(val.dtype)
    if vi.min < info.min:
        val = jnp.maximum(val, jnp.asarray(info.min, dtype=val.dtype))
    if vi.max > info.max:
        val = jnp.minimum(val, jnp.asarray(info.max, dtype=val.dtype))
    return val.astype(dt)


def _urem(x, span):
    # XLA's remainder by zero returns the dividend; NumPy's returns 0.
    safe = jnp.where(span == 0, jnp.ones_like(span), span)
    return jnp.where(span == 0, x, x % safe)


def randint(key, shape, minval, maxval, dtype=jnp.int32) -> jnp.ndarray:
    """Integers in ``[minval, maxval)`` (JAX's algorithm: two words of bits per value, reduced mod span)."""
    k = _check_key("randint", key)
    shape = _shape(shape)
    dt = _onp.dtype(dtype)
    if dt.kind not in "iu":
        raise TypeError(f"randint only accepts integer dtypes, got {dt}")
    lo_in, hi_in = _int_param(minval), _int_param(maxval)
    info = _onp.iinfo(dt)
    if info.bits < 32:
        # As JAX: sample narrow types in int32 (less bias), then convert.
        lo_in = jnp.clip(lo_in.astype(jnp.int32), int(info.min), int(info.max))
        hi_in = jnp.clip(hi_in.astype(jnp.int32), int(info.min), int(info.max) + 1)
        return _randint(k, shape, lo_in, hi_in, _onp.dtype(_onp.int32)).astype(dt)
    return _randint(k, shape, lo_in, hi_in, dt)


def _randint(k, shape, lo_in, hi_in, dt):
    nbits = dt.itemsize * 8
    _check_broadcast(shape, lo_in.shape, hi_in.shape)
    dmax = _onp.iinfo(dt).max
    if _onp.iinfo(hi_in.dtype).max > dmax:
        maxval_out_of_range = hi_in > jnp.asarray(dmax, dtype=hi_in.dtype)
    else:
        maxval_out_of_range = jnp.zeros(hi_in.shape, dtype=jnp.bool_)
    lo = _clip_to(lo_in, dt)
    hi = _clip_to(hi_in, dt)
    k1, k2 = split(k)
    higher = _random_bits(k1, nbits, shape)
    lower = _random_bits(k2, nbits, shape)
    udt = _UINT[nbits]
    span = (hi - lo).astype(udt)
    span = jnp.where(hi <= lo, jnp.ones_like(span), span)
    span = jnp.where(maxval_out_of_range & (hi > lo), span + 1, span)
    multiplier = _urem(jnp.full_like(span, 2 ** (nbits // 2)), span)
    multiplier = _urem(multiplier * multiplier, span)
    offset = _urem(_urem(higher, span) * multiplier + _urem(lower, span), span)
    return jnp.broadcast_to(lo + offset.astype(dt), shape)


def _take(arr, ind, axis):
    return arr[(slice(None),) * axis + (ind,)]


def _canonical_axis(name, axis, ndim):
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def _shuffle(k, x, axis):
    """``x`` shuffled along ``axis`` as JAX's ``_shuffle``: rounds of stable sorts of ``x`` keyed
    by fresh random uint32 bits of ``x``'s shape (sorts that collide in one round are broken
    by the next). The rounds are traced operations, so this runs under jit and vmap."""
    from arrax import lax

    rounds = int(_onp.ceil(3 * _onp.log(max(1, x.size)) / _onp.log(_MASK32)))
    for _ in range(rounds):
        k, sub = split(k)
        sort_keys = _random_bits(sub, 32, tuple(x.shape))
        _, x = lax.sort_key_val(sort_keys, x, axis)
    return x


def permutation(key, x, axis=0, independent=False) -> jnp.ndarray:
    """A shuffled ``arange(x)`` (int ``x``) or a copy of ``x`` shuffled along ``axis``: all of
    it by one permutation, or each slice along ``axis`` by its own (``independent=True``)."""
    k = _check_key("permutation", key)
    if _onp.ndim(x) == 0:
        dt = _onp.dtype(x.dtype) if hasattr(x, "dtype") else _onp.asarray(x).dtype
        if dt.kind not in "iu":
            raise TypeError("permutation: x must be an integer or at least 1-dimensional")
        _canonical_axis("permutation", axis, 1)
        n = operator.index(x)
        # int32 indices, as JAX's default 32-bit mode (arrax.random's dtype convention).
        return _shuffle(k, jnp.arange(max(n, 0), dtype=jnp.int32), 0)
    arr = jnp.asarray(x)
    axis = _canonical_axis("permutation", axis, arr.ndim)
    if independent or arr.ndim == 1:
        return _shuffle(k, arr, axis)
    ind = _shuffle(k, jnp.arange(arr.shape[axis], dtype=jnp.int32), 0)
    return _take(arr, ind, axis)


def _check_mode(name, mode):
    if mode not in (None, "low", "high"):
        raise ValueError(f"{name}: mode must be None, 'low' or 'high', got {mode!r}")


def choice(key, a, shape=(), replace=True, p=None, axis=0, mode=None) -> jnp.ndarray:
    """Random samples from ``a`` (an int ``n`` means ``arange(n)``), optionally weighted by ``p``;
    ``mode`` is the Gumbel precision of weighted draws without replacement (as JAX)."""
    k = _check_key("choice", key)
    _check_mode("choice", mode)
    shape = _shape(shape)
    arr = jnp.asarray(a)
    if arr.ndim == 0:
        n_inputs = operator.index(a)
    else:
        axis = _canonical_axis("choice", axis, arr.ndim)
        n_inputs = arr.shape[axis]
    n_draws = math.prod(shape)
    if n_draws == 0:
        return jnp.zeros(shape, dtype=arr.dtype)
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(
            f"Cannot take a larger sample (size {n_draws}) than population (size {n_inputs}) when 'replace=False'"
        )
    if p is None:
        if replace:
            ind = randint(k, shape, 0, n_inputs)
            result = ind if arr.ndim == 0 else _take(arr, ind, axis)
        else:
            src = n_inputs if arr.ndim == 0 else arr
            perm = permutation(k, src, axis)
            result = perm[(slice(None),) * (0 if arr.ndim == 0 else axis) + (slice(n_draws),)]
    else:
        p_arr = _float_param(p)
        if tuple(p_arr.shape) != (n_inputs,):
            raise ValueError(
                "p must be None or a 1D vector with the same size as a.shape[axis]. "
                f"p has shape {tuple(p_arr.shape)} and a.shape[axis] is {n_inputs}."
            )
        if replace:
            p_cuml = jnp.cumsum(p_arr)
            r = p_cuml[-1] * (1 - _uniform(k, shape, p_arr.dtype, 0.0, 1.0))
            # searchsorted(p_cuml, r, side="left"): how many cumulative weights lie below r.
            ind = jnp.sum(p_cuml < jnp.expand_dims(r, -1), axis=-1).astype(jnp.int32)
        else:
            # The Gumbel top-k trick, as JAX.
            from arrax import lax

            g = _gumbel(k, (n_inputs,), p_arr.dtype, mode) + jnp.log(p_arr)
            ind = lax.top_k(g, n_draws)[1]
        result = ind if arr.ndim == 0 else _take(arr, ind, axis)
    out_shape = (
        shape if arr.ndim == 0 else tuple(arr.shape[:axis]) + shape + tuple(arr.shape[axis + 1 :])
    )
    return result.reshape(out_shape)


def categorical(key, logits, axis=-1, shape=None, replace=True, mode=None) -> jnp.ndarray:
    """Category indices sampled from unnormalised log-probabilities (the Gumbel-max trick);
    the batch shape of ``logits`` need only broadcast to ``shape`` (as JAX)."""
    k = _check_key("categorical", key)
    _check_mode("categorical", mode)
    logits = _float_param(logits)
    axis = operator.index(axis)
    if axis >= 0:
        axis -= logits.ndim
    batch_shape = tuple(d for i, d in enumerate(logits.shape) if i != axis % logits.ndim)
    if shape is None:
        shape = batch_shape
    else:
        shape = _shape(shape)
        if len(shape) < len(batch_shape) or _broadcast_or_none(shape, batch_shape) != shape:
            raise ValueError(
                f"categorical: shape {shape} is not broadcast-compatible with the batch shape "
                f"{batch_shape} of logits"
            )
    prefix = shape[: len(shape) - len(batch_shape)]
    if replace:
        logits_shape = list(shape[len(shape) - len(batch_shape) :])
        logits_shape.insert(axis % logits.ndim, logits.shape[axis])
        g = _gumbel(k, (*prefix, *logits_shape), logits.dtype, mode)
        expanded = logits.reshape((1,) * len(prefix) + tuple(logits.shape))
        return jnp.argmax(g + expanded, axis=axis).astype(jnp.int32)
    noisy = logits + _gumbel(k, tuple(logits.shape), logits.dtype, mode)
    n = math.prod(prefix)
    if n > logits.shape[axis]:
        raise ValueError(
            f"Number of samples without replacement ({n}) cannot exceed number of categories ({logits.shape[axis]})."
        )
    from arrax import lax

    top = lax.top_k(jnp.moveaxis(noisy, axis, -1), n)[1]
    return jnp.moveaxis(top, -1, 0).reshape(shape)


# The samplers composed from the ones above (gamma and its relatives, the continuous
# transformations, multivariate_normal, orthogonal, ...): _random_samplers.py.
from arrax._random_samplers import *  # noqa: E402,F401,F403
from arrax._random_samplers import __all__ as _composed  # noqa: E402

__all__ += _composed


# JAX's samplers take ``out_sharding=`` (the sharding of the result). arrax runs on one device,
# so None (the default) is the only value with a meaning; any other is refused rather than
# silently ignored.
def _accept_out_sharding(fn):
    import functools
    import inspect

    @functools.wraps(fn)
    def wrapper(*args, out_sharding=None, **kwargs):
        if out_sharding is not None:
            raise NotImplementedError(
                f"{fn.__name__}: out_sharding other than None is not supported (arrax has one "
                f"device), got {out_sharding!r}"
            )
        return fn(*args, **kwargs)

    sig = inspect.signature(fn)
    param = inspect.Parameter("out_sharding", inspect.Parameter.KEYWORD_ONLY, default=None)
    wrapper.__signature__ = sig.replace(parameters=[*sig.parameters.values(), param])
    return wrapper


for _name in (
    "ball", "bernoulli", "beta", "bits", "categorical", "cauchy", "chisquare", "dirichlet",
    "exponential", "f", "gamma", "generalized_normal", "geometric", "gumbel", "laplace",
    "loggamma", "logistic", "lognormal", "maxwell", "multivariate_normal", "normal",
    "orthogonal", "pareto", "permutation", "poisson", "rademacher", "randint", "rayleigh", "t",
    "triangular", "truncated_normal", "uniform", "wald",
):  # fmt: skip
    if _name in globals():
        globals()[_name] = _accept_out_sharding(globals()[_name])
del _name
