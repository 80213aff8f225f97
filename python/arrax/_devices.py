"""Devices: where arrays live (``x.device``), the default device, and explicit transfers.

Arrays are created on the default device (the CPU unless changed with ``default_device``, or
with the ``ARRAX_DEFAULT_DEVICE`` environment variable at import); an operation runs on the
device of its operands, and operands on two devices are an error: move them with
``device_put``. ``numpy.asarray`` of a GPU array copies it to the host.
"""

import contextlib
import os

from arrax import _core

_CUDA_DEVICES = _core._cuda_device_count()


class Device:
    """A device, as ``jax.Device``: ``platform`` is ``'cpu'`` or ``'gpu'``, ``id`` its index."""

    __slots__ = ("platform", "id")

    def __init__(self, platform, id=0):
        self.platform = platform
        self.id = id

    @property
    def device_kind(self):
        return _core._cuda_device_name(self.id) if self.platform == "gpu" else "cpu"

    def _key(self):
        return ("cuda" if self.platform == "gpu" else "cpu") + f":{self.id}"

    def __eq__(self, other):
        if isinstance(other, str):  # Device("gpu", 0) == "cuda:0" == "gpu"
            return _key_of(other) == self._key()
        return isinstance(other, Device) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return f"CudaDevice(id={self.id})" if self.platform == "gpu" else f"CpuDevice(id={self.id})"

    __str__ = _key


def _from_key(key):
    kind, _, idx = key.partition(":")
    return Device("gpu" if kind == "cuda" else "cpu", int(idx or 0))


def _key_of(device):
    """'cpu:0' / 'cuda:N' from a Device, a string ('cpu', 'gpu', 'cuda', 'cuda:1') or None."""
    if device is None:
        return _core._default_device()
    if isinstance(device, Device):
        return device._key()
    from arrax.sharding import Sharding

    if isinstance(device, Sharding):  # (jax.sharding on one device: that device)
        return device._device()._key()
    if isinstance(device, str):
        s = device.lower()
        if s in ("cpu", "cuda", "gpu"):
            s += ":0"
        return s.replace("gpu:", "cuda:")
    raise TypeError(f"device: expected an arrax Device or a string, got {type(device).__name__}")


def devices(backend=None):
    """The devices of ``backend`` ('cpu', 'gpu'/'cuda'), or the GPUs when there are any (as
    ``jax.devices()``), else the CPU."""
    n = _core._cuda_device_count()
    if backend is None:
        backend = "gpu" if n else "cpu"
    backend = backend.lower()
    if backend == "cpu":
        return [Device("cpu", 0)]
    if backend in ("gpu", "cuda"):
        if not n:
            why = "" if _core._cuda_built() else " (arrax was built without CUDA)"
            raise RuntimeError(f"devices: no CUDA GPU is available{why}")
        return [Device("gpu", i) for i in range(n)]
    raise ValueError(f"devices: unknown backend {backend!r}; expected 'cpu' or 'gpu'")


def device_count(backend=None):
    return len(devices(backend)) if backend or _core._cuda_device_count() else 1


class _DefaultDevice:
    """The result of ``default_device(d)``: sets the default device at once, and restores the
    previous one when used as a context manager and its block ends."""

    def __init__(self, key):
        self._previous = _core._default_device()
        _core._set_default_device(key)

    def __enter__(self):
        return _from_key(_core._default_device())

    def __exit__(self, *exc):
        _core._set_default_device(self._previous)
        return False


def default_device(device=None):
    """``default_device()`` returns the device new arrays are created on; ``default_device(d)``
    makes ``d`` that device, and as ``with arrax.default_device(d):`` only for the block."""
    if device is None:
        return _from_key(_core._default_device())
    return _DefaultDevice(_key_of(device))


def device_put(x, device=None):
    """x (any pytree of arrays, NumPy arrays or scalars) copied to ``device`` (the default
    device when None); leaves already there are returned as they are."""
    from arrax import numpy as anp
    from arrax import tree_util as _tree

    key = _key_of(device)

    def put(leaf):
        if not isinstance(leaf, anp.ndarray):
            leaf = anp.asarray(leaf)
        return _core._device_put(leaf, key)

    return _tree.tree_map(put, x)


def device_get(x):
    """x (any pytree) with its arrays copied to NumPy arrays on the host."""
    import numpy as onp

    from arrax import numpy as anp
    from arrax import tree_util as _tree

    return _tree.tree_map(lambda a: onp.asarray(a) if isinstance(a, anp.ndarray) else a, x)


def synchronize(x=None):
    """Waits for the GPU work of x's arrays (or of every device when x is None)."""
    if not _CUDA_DEVICES:  # CPU results are ready when returned
        return x
    from arrax import numpy as anp
    from arrax import tree_util as _tree

    keys = set()
    if x is None:
        keys = {f"cuda:{i}" for i in range(_core._cuda_device_count())}
    else:
        for leaf in _tree.tree_leaves(x):
            if isinstance(leaf, anp.ndarray) and not leaf._is_tracer:
                keys.add(_core._array_device(leaf))
    for k in keys:
        if k.startswith("cuda:"):
            _core._cuda_synchronize(int(k.split(":")[1]))
    return x


@contextlib.contextmanager
def default_matmul_precision(precision):
    """Like ``jax.default_matmul_precision``: float32 matmuls on the GPU use ``precision`` in
    the block: 'float32' (exact, the default), 'tf32'/'tensorfloat32' or 'bf16'/'bfloat16'."""
    previous = _core._matmul_precision()
    set_matmul_precision(precision)
    try:
        yield
    finally:
        _core._set_matmul_precision(previous)


def set_matmul_precision(precision):
    aliases = {
        "highest": "float32",
        "tensorfloat32": "tf32",
        "high": "tf32",
        "bfloat16": "bf16",
        "default": "bf16",
    }
    _core._set_matmul_precision(aliases.get(precision, precision))


def _install(ndarray):
    ndarray.device = property(
        lambda self: _from_key(_core._array_device(self)), doc="The device the array lives on."
    )

    def to_device(self, device, /, *, stream=None):
        """Array API ``to_device``: the array on ``device`` (itself when it is there)."""
        key = _key_of(device)
        if not self._is_tracer and _core._array_device(self) == key:
            return self
        return _core._device_put(self, key)

    def block_until_ready(self):
        """JAX's ``x.block_until_ready()``: waits for the GPU work making x; returns x."""
        return synchronize(self)

    def devices(self):
        """JAX's ``x.devices()``: the set of devices holding x (one: arrax does not shard)."""
        return {self.device}

    from arrax.sharding import _array_sharding

    ndarray.sharding = property(_array_sharding)
    ndarray.to_device = to_device
    ndarray.block_until_ready = block_until_ready
    ndarray.devices = devices


def _init_from_environment():
    d = os.environ.get("ARRAX_DEFAULT_DEVICE")
    if d:
        _core._set_default_device(_key_of(d))


def _cuda_library_dirs():
    """The folders of PyPI's nvidia-* wheels (cuBLAS, NVRTC), where the CUDA backend looks for
    the libraries it loads at run time."""
    import importlib.util

    dirs = []
    try:
        spec = importlib.util.find_spec("nvidia")
    except (ImportError, ValueError):
        spec = None
    for root in (spec.submodule_search_locations or []) if spec else []:
        for dirpath, dirnames, _ in os.walk(root):
            if os.path.basename(dirpath) in ("lib", "lib64"):
                dirs.append(dirpath)
            if dirpath.count(os.sep) - root.count(os.sep) >= 3:
                dirnames[:] = []
    return dirs


if "ARRAX_CUDA_LIB_DIRS" not in os.environ and _core._cuda_built():
    os.environ["ARRAX_CUDA_LIB_DIRS"] = os.pathsep.join(_cuda_library_dirs())
