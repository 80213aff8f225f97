"""jax.lax.rng_bit_generator: XLA's stateless RngBitGenerator with the Threefry algorithm.

The state is a uint32[4] key: words 0-1 are the Threefry-2x32 key, words 2-3 a 64-bit block
counter (low word first). Each block of counter values gives two 32-bit words, laid out as
XLA's ThreeFry generator lays them out, so the bits are JAX's
``rng_bit_generator(..., algorithm=RNG_THREE_FRY)`` bit for bit:

* 32-bit and narrower dtypes: the shape is split in two halves along its first even dimension
  (its first largest dimension when none is even, rounded up); block i gives element i of the
  first half its first word and of the second half its second, the two halves interleaved
  right after the split dimension. Narrower dtypes take each word's low bits.
* uint64: one block per element, its second word the high one.

The returned key has its counter advanced past the blocks used. RNG_DEFAULT is this algorithm
too (XLA leaves the default to the platform: JAX's CPU default is Philox, its GPU default
Threefry); RNG_PHILOX raises NotImplementedError.
"""

import enum
import math

import numpy as _onp

from arrax import _core
from arrax.lax import _ops

__all__ = ["RandomAlgorithm", "rng_bit_generator"]


class RandomAlgorithm(enum.IntEnum):
    """jax.lax.RandomAlgorithm."""

    RNG_DEFAULT = 0
    RNG_THREE_FRY = 1
    RNG_PHILOX = 2

    def __str__(self):
        return self.name


_U32 = _onp.dtype(_onp.uint32)
_U64 = _onp.dtype(_onp.uint64)
_DTYPES = tuple(_onp.dtype(d) for d in (_onp.uint8, _onp.uint16, _onp.uint32, _onp.uint64))


def _scalar(v):
    return _ops.asarray(_onp.uint32(v))


def _blocks(key, n):
    """The two Threefry words of blocks 0..n-1 (uint32[n] each), and the key with its counter
    advanced by n."""
    lo, hi = key[2], key[3]
    x0 = _ops.add(_ops.broadcast_in_dim(lo, (n,), ()), _ops.iota(_U32, n))
    carry = _ops.convert_element_type(_ops.lt(x0, _ops.broadcast_in_dim(lo, (n,), ())), _U32)
    x1 = _ops.add(_ops.broadcast_in_dim(hi, (n,), ()), carry)
    k0, k1 = (_ops.broadcast_in_dim(key[i], (n,), ()) for i in (0, 1))
    w0, w1 = _core._threefry2x32(k0, k1, x0, x1)
    new_lo = _ops.add(lo, _scalar(n % 2**32))
    wrapped = _ops.convert_element_type(_ops.lt(new_lo, lo), _U32)
    new_hi = _ops.add(_ops.add(hi, wrapped), _scalar(n >> 32))
    parts = [key[0], key[1], new_lo, new_hi]
    return w0, w1, _ops.concatenate([_ops.reshape(p, (1,)) for p in parts], 0)


def _split_dim(shape):
    even = [d for d, s in enumerate(shape) if s % 2 == 0]
    return even[0] if even else max(range(len(shape)), key=lambda d: (shape[d], -d))


def _bits32(key, shape):
    if not shape:
        w0, _, new_key = _blocks(key, 1)
        return _ops.reshape(w0, ()), new_key
    d = _split_dim(shape)
    half = (shape[d] + 1) // 2
    half_shape = shape[:d] + (half,) + shape[d + 1 :]
    w0, w1, new_key = _blocks(key, math.prod(half_shape))
    # (..., half, 2, rest...): the halves interleaved right after the split dimension
    pair = shape[:d] + (half, 1) + shape[d + 1 :]
    both = _ops.concatenate([_ops.reshape(w, pair) for w in (w0, w1)], d + 1)
    merged = _ops.reshape(both, shape[:d] + (2 * half,) + shape[d + 1 :])
    if 2 * half != shape[d]:
        merged = _ops.slice_in_dim(merged, 0, shape[d], axis=d)
    return merged, new_key


def rng_bit_generator(key, shape, dtype=_onp.uint32, algorithm=RandomAlgorithm.RNG_DEFAULT, *,
                      out_sharding=None):  # fmt: skip
    """jax.lax.rng_bit_generator: (new key, random bits of ``shape`` and unsigned ``dtype``)
    from a uint32[4] key (see the module docstring for the algorithm)."""
    del out_sharding  # (one device)
    dtype = _onp.dtype(dtype)
    if dtype not in _DTYPES:
        raise TypeError(f"rng_bit_generator: unsupported dtype {dtype}")
    algorithm = RandomAlgorithm(int(algorithm))
    if algorithm == RandomAlgorithm.RNG_PHILOX:
        raise NotImplementedError(
            "rng_bit_generator: algorithm RNG_PHILOX is not implemented; RNG_THREE_FRY "
            "(also RNG_DEFAULT) is"
        )
    shape = tuple(int(s) for s in ((shape,) if isinstance(shape, int) else shape))
    if any(s < 0 for s in shape):
        raise ValueError(f"rng_bit_generator: negative dimension in shape {shape}")
    key = _ops.asarray(key)
    if key.shape != (4,) or key.dtype != _U32:
        raise TypeError(
            f"rng_bit_generator: the key must be uint32[4], got {key.dtype}{list(key.shape)}"
        )
    if math.prod(shape) == 0:
        return key, _ops.full(shape, 0, dtype)
    if dtype == _U64:
        w0, w1, new_key = _blocks(key, math.prod(shape))
        hi = _ops.shift_left(_ops.convert_element_type(w1, _U64), _ops.asarray(_onp.uint64(32)))
        bits = _ops.bitwise_or(hi, _ops.convert_element_type(w0, _U64))
        return new_key, _ops.reshape(bits, shape)
    bits, new_key = _bits32(key, shape)
    return new_key, bits if dtype == _U32 else _ops.convert_element_type(bits, dtype)
