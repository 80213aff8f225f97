"""The CUDA backend's controls: availability, the caching allocator's statistics, a memory
limit and releasing cached memory, waiting for the GPU, and CUDA graph replay of jit'd functions.

The allocator keeps freed device memory for reuse instead of returning it to the driver (no
preallocation: it grows as arrays are made). ``memory_stats()`` reports the bytes in use, the
bytes cached for reuse, the peak, the limit (0 for none) and the number of cudaMalloc calls.
An allocation that cannot be served, after the cache has been released, raises MemoryError.
"""

from arrax import _core
from arrax._devices import synchronize as _synchronize


def is_available():
    """True when arrax was built with CUDA and a GPU is present."""
    return _core._cuda_device_count() > 0


def is_built():
    return _core._cuda_built()


def device_count():
    return _core._cuda_device_count()


def memory_stats(device=0):
    return _core._cuda_memory_stats(_index(device))


def set_memory_limit(nbytes, device=0):
    """Caps the bytes arrax holds on the device (in use plus cached); 0 or None removes it."""
    _core._cuda_set_memory_limit(int(nbytes or 0), _index(device))


def empty_cache(device=0):
    """Returns the cached (free) blocks to the driver."""
    _core._cuda_empty_cache(_index(device))


def reset_peak_memory_stats(device=0):
    _core._cuda_reset_peak_memory(_index(device))


def synchronize(device=None):
    """Waits until the work queued on the device (every device when None) has finished."""
    if device is None:
        return _synchronize()
    _core._cuda_synchronize(_index(device))


def set_graphs(enabled, trial=True):
    """Turns CUDA graph replay of jit'd functions on or off (on by default; the environment
    variable ARRAX_CUDA_GRAPHS=0 starts with it off).

    With it on, a jit'd function called on GPU arrays runs directly on its first call; its
    second call is recorded as one CUDA graph, and later calls replay that graph in one launch.
    A graph reads the arrays it was recorded on in place and copies other arguments in; it hands
    its results of 4 KiB or more out as it wrote them, and is replayed again only once the
    caller has let them go (smaller results are copied out to new arrays). A training loop that
    passes a call's results to the next call gets a second graph recorded on them (at most three
    per function), and the graphs take turns. Functions that wait for the GPU or move data through the host, and
    functions whose argument and result copies would cost more than the launches they save,
    keep running directly. With ``trial`` (the default), the next 4 calls replay the graph and
    the 4 after run directly, timed by events on the GPU's stream, and the faster way is kept:
    a graph saves the host's launch work, which matters when the host is the bottleneck, and
    costs its copies, which matters when the GPU is.
    """
    _core._cuda_set_graphs(bool(enabled), bool(trial))


def graphs_enabled():
    return _core._cuda_graphs()


def graph_stats():
    """Counts since the start: graphs recorded (``captured``), replays (``replayed``),
    functions left to run directly because their work could not be recorded
    (``not_recordable``) or would not gain from a graph (``not_worth_it``), the trials'
    decisions (``chose_replay``, ``chose_direct``), and how replays got their arguments: read
    where they were (``args_in_place``, the arrays the graph was recorded on) or copied into the
    graph (``args_copied``)."""
    return _core._cuda_graph_stats()


def host_runs():
    """How many times each primitive has run on the host for arrays on a GPU (its inputs
    copied to the host, its CPU kernel run, its results copied back) since the start: the
    primitives and dtypes without CUDA code."""
    return _core._host_runs()


def gemm_stats():
    """Counts since the start: GEMMs run through cuBLASLt (``cublaslt``) and through cuBLAS
    (``cublas``), and cuBLASLt's distinct problems (shape, layout, types, alignment) seen
    (``problems``) and timed to choose their algorithm (``timed``); thin products (N or K at
    most 16) run by arrax's own kernels (``thin``) and the thin problems timed against cuBLAS
    to choose between them (``thin_timed``).

    A problem's first call times up to 8 of cuBLASLt's algorithms on its operands and keeps
    the fastest; ``arrax._core._cuda_set_tunable("gemm_algo", n)`` selects cuBLAS (1),
    cuBLASLt's first choice untimed (2) or the timed choice (3, the default), and
    ``_cuda_set_tunable("thin_gemm", n)`` never (1), always (2) or by timing (3, the default)
    the thin kernels."""
    return _core._cuda_gemm_stats()


def _index(device):
    if isinstance(device, int):
        return device
    return getattr(device, "id", 0)
