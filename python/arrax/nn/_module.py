"""Modules as pytrees (the Equinox design): a module's arrays (and sub-modules, and lists or
dicts of them) are its pytree children, everything else (sizes, strides, functions) is static.
So ``jit``, ``grad``, ``vmap`` and ``tree_map`` work on models directly, and an optimizer
update is a ``tree_map`` over them. Modules are immutable by convention: layers that keep
state (BatchNorm) return an updated copy."""

from arrax import _core, tree_util


def _has_arrays(v):
    if isinstance(v, (_core.ndarray, Module)):
        return True
    if isinstance(v, (list, tuple)):
        return any(_has_arrays(e) for e in v)
    if isinstance(v, dict):
        return any(_has_arrays(e) for e in v.values())
    return False


def _flatten(m):
    keys = sorted(m.__dict__)
    dynamic = tuple(k for k in keys if _has_arrays(m.__dict__[k]))
    static = tuple((k, m.__dict__[k]) for k in keys if k not in dynamic)
    return [m.__dict__[k] for k in dynamic], (dynamic, static)


def _flatten_with_keys(m):
    children, aux = _flatten(m)
    return [(tree_util.GetAttrKey(k), c) for k, c in zip(aux[0], children)], aux


def _unflatten(cls, aux, children):
    obj = object.__new__(cls)
    dynamic, static = aux
    obj.__dict__.update(zip(dynamic, children))
    obj.__dict__.update(static)
    return obj


class Module:
    """Base class: subclasses set their parameters as attributes in ``__init__``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        tree_util.register_pytree_with_keys(
            cls,
            _flatten_with_keys,
            lambda aux, children, cls=cls: _unflatten(cls, aux, children),
            _flatten,
        )

    def replace(self, **changes):
        """A copy with some attributes replaced."""
        obj = object.__new__(type(self))
        obj.__dict__.update(self.__dict__)
        obj.__dict__.update(changes)
        return obj

    def __repr__(self):
        fields = ", ".join(
            f"{k}={getattr(v, 'shape', v)!r}" if isinstance(v, _core.ndarray) else f"{k}={v!r}"
            for k, v in sorted(self.__dict__.items())
        )
        return f"{type(self).__name__}({fields})"


def parameters(module):
    """The module's arrays, as a list (its pytree leaves)."""
    return tree_util.tree_leaves(module)
