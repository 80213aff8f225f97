"""numpy.linalg's products and tensor solves, composed of its other functions: matrix_power
(by squaring), multi_dot (in the cheapest order), tensorsolve and tensorinv."""

import numpy as onp

from arrax.numpy._common import _arr, _np, takes_out
from arrax.numpy.linalg import LinAlgError, _as_inexact, _square, inv, solve


def matrix_power(a, n):
    """numpy.linalg.matrix_power."""
    np = _np()
    a = _arr(a)
    _square("matrix_power", a.shape)
    if not isinstance(n, (int, onp.integer)):
        raise TypeError("exponent must be an integer")
    if n == 0:
        return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
    if n < 0:
        a, n = inv(a), -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


@takes_out("unsafe")
def multi_dot(arrays, *, out=None):
    """numpy.linalg.multi_dot (the product order from the matrix-chain dynamic program)."""
    arrays = [_arr(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    for i, a in enumerate(arrays):  # NumPy's check: 2-D, or 1-D at either end
        if a.ndim != 2 and not (a.ndim == 1 and i in (0, len(arrays) - 1)):
            raise LinAlgError(
                f"multi_dot: {a.ndim}-dimensional array given. Array must be two-dimensional"
            )
    first_1d, last_1d = arrays[0].ndim == 1, arrays[-1].ndim == 1
    if first_1d:
        arrays[0] = arrays[0][None, :]
    if last_1d:
        arrays[-1] = arrays[-1][:, None]
    dims = [a.shape[0] for a in arrays] + [arrays[-1].shape[1]]
    n = len(arrays)
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k

    def product(i, j):
        if i == j:
            return arrays[i]
        k = split[i][j]
        return product(i, k) @ product(k + 1, j)

    r = product(0, n - 1)
    if first_1d:
        r = r[0]
    if last_1d:
        r = r[..., 0]
    return r


def tensorsolve(a, b, axes=None):
    """numpy.linalg.tensorsolve."""
    np = _np()
    a, b = _as_inexact(a), _arr(b)
    if axes is not None:
        allaxes = list(range(a.ndim))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(a.ndim, k)
        a = np.transpose(a, allaxes)
    oldshape = a.shape[-(a.ndim - b.ndim) :]
    prod = int(onp.prod(oldshape))
    if a.size != prod**2:
        raise LinAlgError(
            "Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == "
            "prod(a.shape[:b.ndim])"
        )
    x = solve(a.reshape(prod, prod), b.reshape(prod))
    return x.reshape(oldshape)


def tensorinv(a, ind=2):
    """numpy.linalg.tensorinv."""
    a = _as_inexact(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    oldshape = a.shape
    prod = int(onp.prod(oldshape[:ind]))
    rest = int(onp.prod(oldshape[ind:]))
    if prod != rest:  # (LinAlgError is a ValueError, which NumPy raises for some such shapes)
        raise LinAlgError(
            f"tensorinv: a's shape {oldshape} does not give a square matrix for ind={ind}"
        )
    return inv(a.reshape(prod, rest)).reshape(oldshape[ind:] + oldshape[:ind])
