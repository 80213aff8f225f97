"""Module-level names of ``jax`` for processes, arrays and effects, as on one CPU process:
``host_count``/``process_indices`` and friends, ``live_arrays``, ``make_array_from_*`` (an
array whole on its one device), ``copy_to_host_async`` and ``effects_barrier``."""

import gc


def host_count(backend=None):
    """Like ``jax.host_count`` (``process_count``): 1."""
    from arrax._environment import process_count

    return process_count()


def host_id(backend=None):
    """Like ``jax.host_id`` (``process_index``): 0."""
    from arrax._environment import process_index

    return process_index()


def process_indices(backend=None):
    """Like ``jax.process_indices``: the indices of the processes, ``[0]``."""
    return list(range(host_count()))


host_ids = process_indices


def effects_barrier():
    """Like ``jax.effects_barrier``: waits for the side effects of functions already called.
    arrax runs callbacks (debug.print, io_callback) when their function runs: none waits."""
    return None


def copy_to_host_async(x):
    """Like ``jax.copy_to_host_async``: starts copying each array of ``x`` to the host (arrax
    CPU arrays are there already, GPU ones are read when asked); returns ``x``."""
    return x


def live_arrays(platform=None):
    """Like ``jax.live_arrays``: the concrete arrays alive now (on ``platform``'s devices, if
    given)."""
    from arrax._core import ndarray

    out = []
    for o in gc.get_objects():
        if isinstance(o, ndarray) and not o._is_tracer:
            if platform is None or _platform(o) == platform:
                out.append(o)
    return out


def _platform(x):
    d = x.device
    return getattr(d, "platform", str(d).split(":")[0])


def _one_device(sharding, what):
    """The device of a sharding of one device (arrax places arrays whole on one)."""
    devices = list(sharding.device_set)
    if len(devices) != 1:
        raise NotImplementedError(
            f"{what}: arrax places arrays whole on one device; this sharding has {len(devices)}"
        )
    return devices[0]


def make_array_from_callback(shape, sharding, data_callback, dtype=None):
    """Like ``jax.make_array_from_callback``: the array of ``shape`` whose data
    ``data_callback(index)`` gives for the index of each device's shard (one device: the
    whole array, index ``(slice(None),) * ndim``)."""
    from arrax import device_put
    from arrax import numpy as np

    shape = tuple(shape)
    device = _one_device(sharding, "make_array_from_callback")
    data = data_callback((slice(None, None, None),) * len(shape))
    arr = np.asarray(data, dtype=dtype)
    if arr.shape != shape:
        raise ValueError(
            f"make_array_from_callback: the callback gave an array of shape {arr.shape} for "
            f"the whole array of shape {shape}"
        )
    return device_put(arr, device)


def make_array_from_single_device_arrays(shape, sharding, arrays, *, dtype=None):
    """Like ``jax.make_array_from_single_device_arrays``: the array made of one array per
    device of ``sharding`` (one device: that array, of the whole ``shape``)."""
    from arrax import device_put
    from arrax import numpy as np

    shape, arrays = tuple(shape), list(arrays)
    device = _one_device(sharding, "make_array_from_single_device_arrays")
    if len(arrays) != 1:
        raise ValueError(
            f"make_array_from_single_device_arrays: expected 1 array (one per device of the "
            f"sharding), got {len(arrays)}"
        )
    arr = np.asarray(arrays[0])
    if dtype is not None and arr.dtype != np.dtype(dtype):
        raise ValueError(
            f"make_array_from_single_device_arrays: dtype {np.dtype(dtype)} does not match the "
            f"arrays' {arr.dtype}"
        )
    if arr.shape != shape:
        raise ValueError(
            f"make_array_from_single_device_arrays: the array of shape {arr.shape} is not the "
            f"shard of shape {shape} this sharding gives its device"
        )
    return device_put(arr, device)


def make_array_from_process_local_data(sharding, local_data, global_shape=None):
    """Like ``jax.make_array_from_process_local_data``: one process holds all the data."""
    from arrax import device_put
    from arrax import numpy as np

    device = _one_device(sharding, "make_array_from_process_local_data")
    arr = np.asarray(local_data)
    if global_shape is not None and tuple(global_shape) != arr.shape:
        raise ValueError(
            f"make_array_from_process_local_data: global_shape {tuple(global_shape)} differs "
            f"from the local data's {arr.shape} (arrax runs one process, holding all of it)"
        )
    return device_put(arr, device)
