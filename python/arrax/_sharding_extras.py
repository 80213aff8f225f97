"""jax.sharding's mesh context and axis types, as on one device: ``set_mesh`` /
``get_mesh`` / ``get_abstract_mesh`` keep the mesh a program names, ``reshard`` places arrays
by a NamedSharding or a PartitionSpec of that mesh (whole, on its one device), and
``jax.debug``'s sharding inspection reports the single-device placement."""

import builtins
import enum
from collections import OrderedDict

from arrax import tree_util


class AxisType(enum.Enum):
    """Like ``jax.sharding.AxisType``: how a mesh axis is sharded (Auto, Explicit, Manual)."""

    Auto = enum.auto()
    Explicit = enum.auto()
    Manual = enum.auto()

    def __repr__(self):
        return self.name


def _axis_types(axis_types, n, default):
    if axis_types is None:
        return (default,) * n
    if isinstance(axis_types, AxisType):
        return (axis_types,) * n
    axis_types = tuple(axis_types)
    if len(axis_types) != n:
        raise ValueError(f"Number of axis names ({n}) should match the number of axis_types")
    return axis_types


class AbstractMesh:
    """Like ``jax.sharding.AbstractMesh``: a mesh's axis names and sizes, without devices."""

    def __init__(self, axis_sizes, axis_names, axis_types=None, *, abstract_device=None):
        self.axis_sizes, self.axis_names = tuple(axis_sizes), tuple(axis_names)
        if len(self.axis_sizes) != len(self.axis_names):
            raise ValueError(
                f"AbstractMesh: {len(self.axis_sizes)} axis sizes but {len(self.axis_names)} "
                "axis names"
            )
        self.axis_types = _axis_types(axis_types, len(self.axis_names), AxisType.Auto)
        self.abstract_device = abstract_device

    @property
    def shape(self):
        return OrderedDict(zip(self.axis_names, self.axis_sizes))

    @property
    def shape_tuple(self):
        return tuple(zip(self.axis_names, self.axis_sizes))

    @property
    def size(self):
        import math

        return math.prod(self.axis_sizes) if self.axis_sizes else 0

    @property
    def empty(self):
        return not self.axis_names

    def __eq__(self, other):
        return isinstance(other, AbstractMesh) and (
            self.axis_sizes,
            self.axis_names,
            self.axis_types,
        ) == (other.axis_sizes, other.axis_names, other.axis_types)

    def __hash__(self):
        return hash((self.axis_sizes, self.axis_names, self.axis_types))

    def __repr__(self):
        if self.empty:
            return "AbstractMesh((), axis_types=())"
        axes = ", ".join(f"'{n}': {s}" for n, s in zip(self.axis_names, self.axis_sizes))
        return f"AbstractMesh({axes}, axis_types={self.axis_types!r})"


_current = []  # the meshes set by set_mesh, innermost last


def _empty_mesh():
    import numpy as onp

    from arrax.sharding import Mesh

    return Mesh(onp.empty((), dtype=object), ())


def _mesh_axis_types(mesh):
    return getattr(mesh, "axis_types", None) or _axis_types(
        None, len(mesh.axis_names), AxisType.Explicit
    )


def abstract_mesh_of(mesh):
    return AbstractMesh(tuple(mesh.devices.shape), mesh.axis_names, _mesh_axis_types(mesh))


def get_mesh():
    """Like ``jax.sharding.get_mesh``: the mesh set by ``set_mesh`` (an empty one if none)."""
    return _current[-1] if _current else _empty_mesh()


def get_abstract_mesh():
    """Like ``jax.sharding.get_abstract_mesh``: the set mesh's AbstractMesh (empty if none)."""
    return abstract_mesh_of(_current[-1]) if _current else AbstractMesh((), ())


class set_mesh:  # noqa: N801 (JAX's name)
    """Like ``jax.sharding.set_mesh(mesh)``: makes ``mesh`` the current mesh (the one a bare
    PartitionSpec refers to); as a context manager, until its end."""

    def __init__(self, mesh):
        from arrax.sharding import Mesh

        if mesh is not None and not isinstance(mesh, Mesh):
            raise ValueError(f"Expected mesh of type `jax.sharding.Mesh`. Got {type(mesh)}")
        self._saved = list(_current)
        _current[:] = [] if mesh is None or not mesh.axis_names else [mesh]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _current[:] = self._saved
        return False


use_mesh = set_mesh


def make_single_device_sharding(device, memory_kind=None):
    """Like ``jax.sharding.make_single_device_sharding``."""
    from arrax.sharding import SingleDeviceSharding

    return SingleDeviceSharding(device, memory_kind=memory_kind)


def _named(s, what):
    from arrax.sharding import NamedSharding, PartitionSpec

    if isinstance(s, NamedSharding):
        return s
    if isinstance(s, PartitionSpec):
        if not _current:
            raise ValueError(
                f"{what}: a PartitionSpec needs a mesh: use jax.sharding.set_mesh(mesh) or "
                "pass a NamedSharding"
            )
        return NamedSharding(_current[-1], s)
    raise TypeError(
        f"`out_sharding` argument of {what} only supports instances of `NamedSharding` or "
        f"`PartitionSpec`. Got {s!r} of type: {type(s)}"
    )


def reshard(xs, out_shardings):
    """Like ``jax.sharding.reshard``: each array of ``xs`` placed as its NamedSharding (or
    PartitionSpec of the current mesh) says; arrax places arrays whole on one device, so the
    values are unchanged (a mesh of several devices raises, as ``device_put`` does)."""
    from arrax import device_put
    from arrax._trace_core import any_tracer
    from arrax.sharding import NamedSharding, PartitionSpec

    def one(s, x):
        s = _named(s, "reshard")
        s._device()  # (a mesh of several devices: arrax cannot place the array so)
        return x if any_tracer(x) else device_put(x, s)

    return tree_util.tree_map(
        one,
        out_shardings,
        xs,
        is_leaf=lambda s: isinstance(s, (NamedSharding, PartitionSpec)) or s is None,
    )


def _sharding_of(x):
    from arrax import default_device
    from arrax._trace_core import asarray
    from arrax.sharding import SingleDeviceSharding

    x = asarray(x)
    if x._is_tracer:
        return SingleDeviceSharding(default_device())
    return x.sharding


def inspect_array_sharding(value, *, callback):
    """Like ``jax.debug.inspect_array_sharding``: calls ``callback`` with each array's
    sharding (under jit, when the function is traced: arrax places its values whole on the
    default device)."""
    for x in tree_util.tree_leaves(value):
        callback(_sharding_of(x))


def visualize_sharding(shape, sharding, **kwargs):
    """Like ``jax.debug.visualize_sharding``: draws how ``sharding`` lays an array of
    ``shape`` over devices (arrax: whole on one device, a single box)."""
    if len(shape) > 2:
        raise ValueError(
            f"`visualize_sharding` only works for shapes with 0-2 dimensions. Got {shape}"
        )
    (device,) = sharding.device_set
    label = f"{device.platform.upper()} {device.id}"
    width = max(len(label) + 6, 9)
    builtins.print("┌" + "─" * width + "┐")
    builtins.print("│" + label.center(width) + "│")
    builtins.print("└" + "─" * width + "┘")


def visualize_array_sharding(arr, **kwargs):
    """Like ``jax.debug.visualize_array_sharding``."""
    from arrax._trace_core import asarray

    arr = asarray(arr)
    visualize_sharding(arr.shape, _sharding_of(arr), **kwargs)
