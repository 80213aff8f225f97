"""The transformation rules of every primitive, one ``defrules`` call per primitive.

A primitive's record in the C++ registry (cpp/primitive.h) holds what evaluation and staging
need (abstract evaluation, the CPU kernel); its record here holds what the interpreters of
python/arrax/_ad.py and _batching.py need:

- ``jvp(primals, tangents, params) -> (outputs, output_tangents)``; a tangent of ``None`` is
  a symbolic zero, and a rule returns ``None`` for outputs whose tangent is zero.
- ``transpose(cts, args, params) -> input cotangents``, for primitives that are linear in
  some inputs. ``args[i]`` is an ``UndefinedPrimal`` for a linear input (its cotangent is
  wanted) and the value itself otherwise; a ``None`` cotangent is a symbolic zero.
- ``batch(values, dims, params) -> (outputs, output_dims)``; ``dims[i]`` is the batched axis
  of ``values[i]`` or ``None``.

The registry test (tests/python/test_rules_registry.py) checks that every primitive the
engine registers has a record here.
"""

from dataclasses import dataclass
from typing import Callable


@dataclass
class Rules:
    jvp: Callable | None = None
    transpose: Callable | None = None
    batch: Callable | None = None


RULES: dict[str, Rules] = {}


def defrules(name, *, jvp=None, transpose=None, batch=None):
    if name in RULES:
        raise ValueError(f"defrules: rules for {name!r} are already defined")
    RULES[name] = Rules(jvp, transpose, batch)


class UndefinedPrimal:
    """A linear input of an equation being transposed: only its shape and dtype are known."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape = tuple(shape)
        self.dtype = dtype

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"UndefinedPrimal({self.dtype}{list(self.shape)})"


def is_undefined(x):
    return isinstance(x, UndefinedPrimal)
