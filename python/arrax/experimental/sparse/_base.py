"""What the sparse formats share (``jax.experimental.sparse._base``): the ``JAXSparse`` base
class, the efficiency errors and the small helpers over arrax arrays."""

import math
import operator

import numpy as onp

import arrax.numpy as jnp
from arrax import lax


class SparseEfficiencyError(ValueError):
    pass


class SparseEfficiencyWarning(UserWarning):
    pass


class CuSparseEfficiencyWarning(SparseEfficiencyWarning):
    pass


class JAXSparse:
    """Base class of the sparse array types (JAX's ``JAXSparse``)."""

    __hash__ = None
    __array_priority__ = 100
    __array_ufunc__ = None  # arrays' operators defer to the sparse operand's (NEP 13)

    def __init__(self, args, *, shape):
        self.shape = tuple(operator.index(s) for s in shape)

    def __len__(self):
        return self.shape[0]

    @property
    def size(self):
        return math.prod(self.shape)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def T(self):
        return self.transpose()

    def block_until_ready(self):
        for arg in self.tree_flatten()[0]:
            arg.block_until_ready()
        return self

    def __repr__(self):
        name = type(self).__name__
        try:
            extra = f", nse={self.nse}"
            for attr in ("n_batch", "n_dense"):
                if getattr(self, attr, 0):
                    extra += f", {attr}={getattr(self, attr)}"
            return f"{name}({onp.dtype(self.dtype).name}{list(self.shape)}{extra})"
        except Exception:
            return f"{name}(<invalid>)"

    def __array__(self, dtype=None, copy=None):
        # Not an array of numbers: a 0-d object array, so array operators (which convert their
        # other operand through numpy.asarray) return NotImplemented and the sparse operand's
        # reflected operator runs. Use .todense() for the values.
        out = onp.empty((), object)
        out[()] = self
        return out

    # The operators each format defines raise this by default, as JAX's do.
    def _not_implemented(self, name):
        raise NotImplementedError(f"{type(self)}.{name}")


def is_array(x):
    return hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, JAXSparse)


def scalar_or_asarray(x):
    """x itself when a Python scalar (weak: int32 data * 2 stays int32, as in JAX and NumPy),
    else asarray(x)."""
    return x if type(x) in (bool, int, float, complex) else asarray(x)


def asarray(x):
    return x if isinstance(x, jnp.ndarray) or _is_tracer(x) else jnp.asarray(x)


def _is_tracer(x):
    return hasattr(x, "aval") or type(x).__name__.endswith("Tracer")


def concrete_int(value, func, what="nse"):
    """value as a Python int, or the error JAX gives when it depends on traced values."""
    try:
        return operator.index(value) if isinstance(value, int) else int(value)
    except Exception as err:
        raise TypeError(
            f"{func}: the {what} argument must be static (a Python int) under a transformation "
            f"such as jit; got {value!r}. Pass {what}= explicitly."
        ) from err


def split(seq, sizes):
    out, start = [], 0
    for s in sizes:
        out.append(tuple(seq[start : start + s]))
        start += s
    out.append(tuple(seq[start:]))
    return out


def broadcast_batch(x, batch_shape):
    """x with its leading len(batch_shape) dims broadcast to batch_shape and merged into one."""
    nb = len(batch_shape)
    x = jnp.broadcast_to(x, tuple(batch_shape) + tuple(x.shape[nb:]))
    return jnp.reshape(x, (math.prod(batch_shape),) + tuple(x.shape[nb:]))


def iota(dtype, shape, dim):
    return lax.broadcasted_iota(dtype, tuple(shape), dim)
