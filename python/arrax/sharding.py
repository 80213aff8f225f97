"""jax.sharding for one device: arrax places each array whole on one device (it does not
shard), so an array's ``.sharding`` is a SingleDeviceSharding, and a NamedSharding is accepted
by ``device_put`` when its mesh has a single device. Programs written for JAX that name
shardings on one device run unchanged; a mesh of several devices raises."""

from arrax import _devices


class Sharding:
    """The base of the sharding classes (``isinstance(x.sharding, jax.sharding.Sharding)``)."""

    is_fully_replicated = True
    is_fully_addressable = True
    memory_kind = None

    @property
    def num_devices(self):
        return len(self.device_set)

    def _device(self):
        (device,) = self.device_set
        return device


class SingleDeviceSharding(Sharding):
    """An array whole on one device."""

    def __init__(self, device, *, memory_kind=None):
        self._device_obj = device
        self.memory_kind = memory_kind

    @property
    def device_set(self):
        return {self._device_obj}

    def devices_indices_map(self, global_shape):
        return {self._device_obj: (slice(None),) * len(global_shape)}

    def __eq__(self, other):
        return isinstance(other, SingleDeviceSharding) and other._device_obj == self._device_obj

    def __hash__(self):
        return hash(("SingleDeviceSharding", self._device_obj))

    def __repr__(self):
        return f"SingleDeviceSharding(device={self._device_obj!r}, memory_kind={self.memory_kind})"


class PartitionSpec(tuple):
    """How each array dim maps onto mesh axes (None: not split)."""

    def __new__(cls, *partitions):
        return super().__new__(cls, partitions)

    def __repr__(self):
        return f"PartitionSpec{tuple(self)!r}"


P = PartitionSpec


class Mesh:
    """Devices laid out in named axes. arrax runs on one device: a mesh of one."""

    def __init__(self, devices, axis_names):
        import numpy as onp

        self.devices = onp.asarray(devices, dtype=object)
        self.axis_names = (axis_names,) if isinstance(axis_names, str) else tuple(axis_names)
        if self.devices.ndim != len(self.axis_names):
            raise ValueError(
                f"Mesh: devices of shape {self.devices.shape} need {self.devices.ndim} axis "
                f"names, got {self.axis_names}"
            )

    @property
    def shape(self):
        return dict(zip(self.axis_names, self.devices.shape))

    @property
    def size(self):
        return self.devices.size

    @property
    def device_set(self):
        return set(self.devices.flat)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class NamedSharding(Sharding):
    """An array split over a mesh's named axes by a PartitionSpec (one device: whole)."""

    def __init__(self, mesh, spec=PartitionSpec(), *, memory_kind=None):
        self.mesh, self.spec, self.memory_kind = mesh, spec, memory_kind

    @property
    def device_set(self):
        return self.mesh.device_set

    def _device(self):
        if self.mesh.size != 1:
            raise NotImplementedError(
                f"NamedSharding: arrax places arrays on one device; this mesh has "
                f"{self.mesh.size} ({self.mesh.shape})"
            )
        return super()._device()

    def __repr__(self):
        return f"NamedSharding(mesh={self.mesh.shape}, spec={self.spec!r})"


def _array_sharding(self):
    """JAX's ``x.sharding``: the array whole on its device."""
    d = self.device
    return SingleDeviceSharding(d if isinstance(d, _devices.Device) else _devices._from_key(d))


def make_mesh(axis_shapes, axis_names, axis_types=None, *, devices=None):
    """Like ``jax.make_mesh``: a Mesh of ``axis_shapes`` named ``axis_names`` over the first
    devices (arrax's own by default). arrax shards nothing, so the meshes it can place arrays
    on have one device; a larger one needs that many devices, as JAX's does."""
    import math

    from arrax import devices as all_devices

    axis_shapes, axis_names = tuple(axis_shapes), tuple(axis_names)
    if len(axis_shapes) != len(axis_names):
        raise ValueError(
            f"make_mesh: {len(axis_shapes)} axis shapes {axis_shapes} but {len(axis_names)} "
            f"axis names {axis_names}"
        )
    pool = list(all_devices() if devices is None else devices)
    n = math.prod(axis_shapes)
    if n > len(pool):
        raise ValueError(
            f"make_mesh: the mesh shape {axis_shapes} needs {n} devices; {len(pool)} available"
        )
    import numpy as onp

    grid = onp.empty(n, dtype=object)
    grid[:] = pool[:n]
    return Mesh(grid.reshape(axis_shapes), axis_names)


class _Infer:
    def __repr__(self):
        return "Infer"


Infer = _Infer()


def shard_map(f=None, /, *, out_specs, in_specs=Infer, mesh=None, axis_names=frozenset(),
              check_vma=True):  # fmt: skip
    """Like ``jax.shard_map`` on a one-device mesh: every shard is the whole array, so f runs
    once on the arguments, inside a size-1 vmap per mesh axis so that collectives over the
    mesh's axis names (``lax.psum(x, "data")``, ``axis_index``) mean what they do in JAX. A
    mesh of several devices raises (arrax places arrays on one device)."""
    if f is None:
        return lambda g: shard_map(g, out_specs=out_specs, in_specs=in_specs, mesh=mesh,
                                   axis_names=axis_names, check_vma=check_vma)  # fmt: skip
    if mesh is None:
        raise TypeError("shard_map: pass the mesh (mesh=...), arrax keeps no current mesh")
    if mesh.size != 1:
        raise NotImplementedError(
            f"shard_map: arrax places arrays on one device; this mesh has {mesh.size} "
            f"({mesh.shape})"
        )
    import functools

    from arrax import numpy as anp
    from arrax import tree_util, vmap

    @functools.wraps(f)
    def run(*args):
        g = f
        for name in reversed(mesh.axis_names):
            g = vmap(g, axis_name=name)
        leaves, tree = tree_util.tree_flatten(args)
        lead = tuple(range(len(mesh.axis_names)))  # (one size-1 dim per mesh axis)
        out = g(*tree_util.tree_unflatten(tree, [anp.expand_dims(x, lead) for x in leaves]))
        return tree_util.tree_map(lambda y: anp.reshape(y, y.shape[len(mesh.axis_names) :]), out)

    return run


from arrax._sharding_extras import (  # noqa: E402,F401 (jax.sharding's names)
    AbstractMesh,
    AxisType,
    get_abstract_mesh,
    get_mesh,
    make_single_device_sharding,
    reshard,
    set_mesh,
    use_mesh,
)
