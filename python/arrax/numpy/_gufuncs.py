"""NumPy's generalized ufuncs matmul, vecdot, matvec and vecmat: ufunc objects (GUfunc) with
NumPy's gufunc keywords (axes=, axis=, keepdims=, out=, dtype=, casting=, signature=) around a
core that computes over the operands' last (core) axes. The cores compose arrax ops, so the
products trace, differentiate and batch; the keywords only move axes and cast."""

import operator

import numpy as onp
from numpy.lib.array_utils import normalize_axis_index

from arrax import _core
from arrax.numpy._common import _arr, _np, store_out
from arrax.numpy._host_fallback import with_numpy_fallback
from arrax.numpy._ufuncs import ComposedUfunc

_ndarray = _core.ndarray

__all__ = ["vecdot", "matvec", "vecmat"]


# --------------------------------------------------------------------------------------------
# the cores: core dimensions last, loop dimensions broadcast (checked by GUfunc before)


def vecdot(x1, x2, /):
    """numpy.vecdot's core: sum(conj(x1) * x2) over the last axis."""
    np = _np()
    a, b = _arr(x1), _arr(x2)
    dt = np.result_type(a, b)
    if dt == onp.bool_:  # NumPy's bool loop: any(a and b)
        return np.any(a & b, axis=-1)
    prod = (np.conj(a) if a.dtype.kind == "c" else a) * b
    return np.sum(prod, axis=-1, dtype=dt)  # (int8 stays int8, as NumPy)


def matvec(x1, x2, /):
    """numpy.matvec's core: matrix-vector products, (..., m, n) (..., n) -> (..., m)."""
    np = _np()
    a, b = _arr(x1), _arr(x2)
    return np.matmul(a, b[..., None])[..., 0]


def vecmat(x1, x2, /):
    """numpy.vecmat's core: vector-matrix products, the vector conjugated: (..., n) (..., n, m)
    -> (..., m)."""
    np = _np()
    a, b = _arr(x1), _arr(x2)
    if a.dtype.kind == "c":
        a = np.conj(a)
    return np.matmul(a[..., None, :], b)[..., 0, :]


# --------------------------------------------------------------------------------------------
# the gufunc objects


def _parse_signature(sig):
    """'(n?,k),(k,m?)->(n?,m?)' -> ([[("n", True), ("k", False)], ...], [[...]])."""

    def operands(part):
        groups = part[1:-1].split("),(")
        return [[(d.rstrip("?"), d.endswith("?")) for d in g.split(",") if d] for g in groups]

    ins, outs = sig.replace(" ", "").split("->")
    return operands(ins), operands(outs)


_KEYWORDS = ("out", "dtype", "casting", "order", "subok", "signature", "axes", "axis", "keepdims")
_PRODUCT_KEYWORDS = ("precision", "preferred_element_type")  # (jax.numpy's, for the core)


class GUfunc(ComposedUfunc):
    """A NumPy generalized ufunc (fixed signature) composed in Python: isinstance of
    arrax.numpy.ufunc, with NumPy's attributes (signature, nin, nout, nargs, ntypes, types,
    identity) and call keywords; its reduce/accumulate/outer/at raise as NumPy's do."""

    def __init__(self, fn, nin, nout):
        super().__init__(fn, nin, nout)
        self._ins, self._outs = _parse_signature(getattr(onp, self.__name__).signature)
        self._need = [sum(not optional for _, optional in core) for core in self._ins]
        # (matmul's core function checks its core sizes itself; vecdot's would broadcast them)
        self._direct = self.__name__ == "matmul"

    def __call__(self, *args, **kwargs):
        if (
            self._direct
            and not kwargs
            and len(args) == self.nin
            and all(type(a) is _ndarray and a.ndim >= n for a, n in zip(args, self._need))
        ):
            try:  # (the common call, a @ b's cost: the product itself, its errors NumPy's below)
                return self._fn(*args)
            except ValueError:
                pass
        # (object, string, ... arrays: NumPy's gufunc takes the call, as for arrax's functions)
        return with_numpy_fallback(self._call, getattr(onp, self.__name__))(*args, **kwargs)

    def _call(self, *args, **kwargs):
        name = self.__name__
        for k in kwargs:
            if k not in _KEYWORDS + _PRODUCT_KEYWORDS:
                raise TypeError(f"{name}() got an unexpected keyword argument '{k}'")
        ufunc_kw = {k: v for k, v in kwargs.items() if k in _KEYWORDS}
        taken, result = _core_override(self, args, ufunc_kw)
        if taken:  # a duck array's __array_ufunc__ took the call (NEP 13)
            return result
        if not self.nin <= len(args) <= self.nargs:
            raise TypeError(
                f"{name}() takes from {self.nin} to {self.nargs} positional arguments but "
                f"{len(args)} were given"
            )
        out = kwargs.get("out")
        if len(args) > self.nin:
            if out is not None:
                raise TypeError(
                    f"{name}: cannot specify 'out' as both a positional and keyword argument"
                )
            out = args[self.nin]
        if isinstance(out, tuple):
            if len(out) != 1:
                raise ValueError(f"{name}: out must be a tuple of 1 array, got {len(out)}")
            out = out[0]
        casting = kwargs.get("casting", "same_kind")
        xs = [_arr(a) for a in args[: self.nin]]
        ins = self._core_dims(xs)
        axes = self._axes(kwargs, ins)
        keepdims = bool(kwargs.get("keepdims", False))
        # core axes last
        moved = []
        for i, (x, core) in enumerate(zip(xs, ins)):
            src = [normalize_axis_index(a, x.ndim) for a in axes[i]] if axes else None
            if src is not None and len(set(src)) != len(src):
                raise ValueError(f"{name}: axes item {i} has value {src[0]} repeated")
            moved.append(_np().moveaxis(x, src, range(-len(core), 0)) if src else x)
        sizes = self._sizes(moved, ins)
        if kwargs.get("dtype") is not None or kwargs.get("signature") is not None:
            moved = list(self._cast_to_loop(moved, kwargs.get("dtype"),
                                            kwargs.get("signature"), casting))  # fmt: skip
        product_kw = {k: kwargs[k] for k in _PRODUCT_KEYWORDS if kwargs.get(k) is not None}
        r = _arr(self._fn(*moved, **product_kw))
        # the output's core axes where axes (or keepdims) put them
        present = {d for core in ins for d, _ in core}
        out_core = [d for d, _ in self._outs[0] if d in present]
        k = len(out_core)
        if keepdims:
            r = _np().expand_dims(r, -1)
            k = 1
        if out is not None:
            r = self._fit_out(r, k, out, axes[self.nin] if axes else None, sizes, out_core)
        elif axes is not None and k:
            dst = [normalize_axis_index(a, r.ndim) for a in axes[self.nin]]
            r = _np().moveaxis(r, range(-k, 0), dst)
        if out is not None and not _core.can_cast(r.dtype, getattr(out, "dtype", r.dtype), casting):
            raise TypeError(
                f"{name}: Cannot cast ufunc '{name}' output from {r.dtype!r} to {out.dtype!r} "
                f"with casting rule {casting!r}"
            )
        return store_out(name, r, out, casting)

    # ----------------------------------------------------------------------------------------

    def _core_dims(self, xs):
        """Each input's core dimensions (names), the optional ones it lacks dropped (matmul's
        1-d operands); ValueError for too few dimensions, as NumPy."""
        ins = []
        for i, (x, core) in enumerate(zip(xs, self._ins)):
            if x.ndim < len(core):
                core = [(d, opt) for d, opt in core if not opt]
            if x.ndim < len(core):
                raise ValueError(
                    f"{self.__name__}: Input operand {i} does not have enough dimensions (has "
                    f"{x.ndim}, gufunc core with signature {self.signature} requires "
                    f"{len(core)})"
                )
            ins.append(core)
        return ins

    def _sizes(self, moved, ins):
        """The core dimensions' sizes; ValueError where two inputs disagree, as NumPy."""
        sizes = {}
        for i, (x, core) in enumerate(zip(moved, ins)):
            for j, (d, _) in enumerate(core):
                n = x.shape[x.ndim - len(core) + j]
                if sizes.setdefault(d, n) != n:
                    raise ValueError(
                        f"{self.__name__}: Input operand {i} has a mismatch in its core "
                        f"dimension {j}, with gufunc signature {self.signature} (size {n} is "
                        f"different from {sizes[d]})"
                    )
        return sizes

    def _axes(self, kwargs, ins):
        """axes= (or axis=) as one tuple of ints per operand (the outputs' included), or None;
        NumPy's errors for malformed ones."""
        name, sig = self.__name__, self.signature
        axes, axis = kwargs.get("axes"), kwargs.get("axis")
        static_in = [len(c) for c in self._ins]
        static_out = [len(c) for c in self._outs]
        keepdims = kwargs.get("keepdims") is not None
        if keepdims and (len(set(static_in)) != 1 or any(static_out)):
            i = next((i for i, n in enumerate(static_in) if n != static_in[0]), None)
            which = (f"input {i} to have {static_in[i]}" if i is not None else
                     f"output 0 to have {static_out[0]}")  # fmt: skip
            raise TypeError(
                f"{name} does not support keepdims: its signature {sig} requires {which} core "
                "dimensions, but keepdims can only be used when all inputs have the same number "
                "of core dimensions and all outputs have no core dimensions."
            )
        if "axis" in kwargs:
            if "axes" in kwargs:
                raise TypeError(f"{name}: cannot specify both 'axis' and 'axes'")
            names = {d for c in self._ins for d, _ in c}
            if len(names) != 1 or any(n != 1 for n in static_in) or any(static_out):
                raise TypeError(
                    f"{name}: axis can only be used with a single shared core dimension, not "
                    f"with the {len(names)} distinct ones implied by signature {sig}."
                )
            axis = operator.index(axis)
            return [(axis,)] * self.nin + [(axis,) if kwargs.get("keepdims") else ()]
        if "axes" not in kwargs:
            return [(-1,)] * (self.nin + 1) if kwargs.get("keepdims") else None
        if not isinstance(axes, list):
            raise TypeError(f"{name}: axes should be a list.")
        n_out = len([d for d, _ in self._outs[0] if d in {d for c in ins for d, _ in c}])
        n_out_kept = 1 if kwargs.get("keepdims") else n_out
        if len(axes) == self.nin and not any(static_out):  # (the outputs' entries omitted)
            axes = axes + [(-1,) if kwargs.get("keepdims") else ()]
        if len(axes) != self.nargs:
            raise ValueError(
                f"{name}: axes should be a list with an entry for all {self.nargs} inputs and "
                "outputs; entries for outputs can only be omitted if none of them has core axes."
            )
        result = []
        for i, item in enumerate(axes):
            n = len(ins[i]) if i < self.nin else n_out_kept
            if isinstance(item, tuple):
                if len(item) != n:
                    raise onp.exceptions.AxisError(
                        f"{name}: operand {i} has {n} core dimensions, but {len(item)} "
                        "dimensions are specified by axes tuple."
                    )
                result.append(tuple(operator.index(a) for a in item))
            elif isinstance(item, list):
                raise TypeError(f"{name}: axes item {i} should be a tuple.")
            else:
                a = operator.index(item)
                if n != 1:
                    raise onp.exceptions.AxisError(
                        f"{name}: operand {i} has {n} core dimensions, but the axes item is a "
                        "single integer."
                    )
                result.append((a,))
        return result

    def _fit_out(self, r, k, out, out_axes, sizes, out_core):
        """r (core axes last) broadcast to out's shape, its core axes moved where out_axes
        says (relative to out's rank); NumPy's errors for a core or loop shape out cannot take."""
        name = self.__name__
        shape = tuple(getattr(out, "shape", ()))
        if len(shape) < k:
            raise ValueError(
                f"{name}: Output operand 0 does not have enough dimensions (has {len(shape)}, "
                f"gufunc core with signature {self.signature} requires {k})"
            )
        dst = [normalize_axis_index(a, len(shape)) for a in (out_axes or range(-k, 0))]
        loop = [shape[d] for d in range(len(shape)) if d not in dst]
        core = [shape[d] for d in dst]
        for j, (n, m) in enumerate(zip(core, r.shape[r.ndim - k :])):
            if n != m:
                raise ValueError(
                    f"{name}: Output operand 0 has a mismatch in its core dimension {j}, with "
                    f"gufunc signature {self.signature} (size {n} is different from {m})"
                )
        r_loop, loop = tuple(r.shape[: r.ndim - k]), tuple(loop)
        try:
            both = onp.broadcast_shapes(r_loop, loop)
        except ValueError:
            raise ValueError(
                f"{name}: operands could not be broadcast together: the inputs' loop shape "
                f"{r_loop} and out's {loop}"
            ) from None
        if both != loop:
            raise ValueError(
                f"{name}: non-broadcastable output operand with shape {shape} doesn't match the "
                f"broadcast shape {both + tuple(core)}"
            )
        r = _np().broadcast_to(r, tuple(loop) + tuple(core))
        return _np().moveaxis(r, range(-k, 0), dst) if k else r

    def _unsupported(self, method):
        if method == "at":
            raise TypeError(
                f"{self.__name__}.at does not support ufunc with non-trivial signature: "
                f"{self.__name__} has signature {self.signature}."
            )
        if method == "outer":
            raise TypeError(f"{self.__name__}: method outer is not allowed in ufunc with "
                            "non-trivial signature")  # fmt: skip
        raise RuntimeError(f"{self.__name__}.{method}: Reduction not defined on ufunc with "
                           "signature")  # fmt: skip

    def reduce(self, *args, **kwargs):
        self._unsupported("reduce")

    def accumulate(self, *args, **kwargs):
        self._unsupported("accumulate")

    def reduceat(self, *args, **kwargs):
        self._unsupported("reduceat")

    def outer(self, *args, **kwargs):
        self._unsupported("outer")

    def at(self, *args, **kwargs):
        self._unsupported("at")


def _core_override(self, args, given):
    return _core._array_ufunc_override(self, "__call__", args, given)


def gufunc(fn):
    """fn (the core of NumPy's gufunc of the same name) as a GUfunc."""
    return GUfunc(fn, 2, 1)
