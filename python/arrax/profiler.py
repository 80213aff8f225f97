"""arrax.profiler: ``jax.profiler``'s tracing API, recording the spans a program marks.

Between ``start_trace(log_dir)`` and ``stop_trace()`` (or inside ``with trace(log_dir):``),
every ``TraceAnnotation`` / ``StepTraceAnnotation`` region and every call of a function
decorated with ``annotate_function`` is recorded with its thread and wall-clock times, and
``stop_trace`` writes them as a Chrome trace-event file,
``{log_dir}/plugins/profile/{run}/{host}.trace.json.gz``, the folder layout TensorBoard's
profile plugin reads; Perfetto (ui.perfetto.dev) and chrome://tracing open the file as it
is. The file is written to a temporary name and renamed, so a reader never sees half of it.
Annotations outside a trace cost a clock read and nothing else, as JAX's do.

What JAX's profiler adds from XLA (device kernels, compilation) is not recorded: arrax's own
GPU timings come from ``benchmarks/gpu`` (torch.profiler), and ``arrax.cuda.memory_stats()``
reports the caching allocator's use."""

import functools
import gzip
import json
import os
import socket
import threading
import time

__all__ = [
    "trace",
    "start_trace",
    "stop_trace",
    "TraceAnnotation",
    "StepTraceAnnotation",
    "annotate_function",
]

_lock = threading.Lock()
_active = None  # the trace being recorded: {"log_dir", "events", "start"}


def start_trace(log_dir, create_perfetto_link=False, create_perfetto_trace=False,
                profiler_options=None):  # fmt: skip
    """Starts recording annotated spans; ``stop_trace`` writes them under log_dir."""
    global _active
    with _lock:
        if _active is not None:
            raise RuntimeError("start_trace: a trace is already being recorded (stop_trace first)")
        _active = {"log_dir": os.fspath(log_dir), "events": [], "start": time.time()}


def stop_trace():
    """Stops recording and writes the trace file; returns its path."""
    global _active
    with _lock:
        if _active is None:
            raise RuntimeError("stop_trace: no trace is being recorded (start_trace first)")
        recorded, _active = _active, None
    run = time.strftime("%Y_%m_%d_%H_%M_%S", time.localtime(recorded["start"]))
    folder = os.path.join(recorded["log_dir"], "plugins", "profile", run)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{socket.gethostname()}.trace.json.gz")
    trace_events = [
        {"ph": "M", "pid": os.getpid(), "name": "process_name", "args": {"name": "arrax (host)"}}
    ] + recorded["events"]
    tmp = f"{path}.tmp{os.getpid()}"
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        json.dump({"displayTimeUnit": "ms", "traceEvents": trace_events}, f)
    os.replace(tmp, path)
    return path


class trace:
    """``with trace(log_dir):`` records the block's annotated spans (start_trace/stop_trace)."""

    def __init__(self, log_dir, create_perfetto_link=False, create_perfetto_trace=False,
                 profiler_options=None):  # fmt: skip
        self.log_dir = log_dir

    def __enter__(self):
        start_trace(self.log_dir)
        return self

    def __exit__(self, *exc):
        self.path = stop_trace()
        return False


class TraceAnnotation:
    """A named span on the trace (a context manager); keyword arguments become its args."""

    def __init__(self, name, **kwargs):
        self.name, self.args = str(name), {k: str(v) for k, v in kwargs.items()}

    def __enter__(self):
        self._begin = time.perf_counter_ns()
        return self

    def __exit__(self, *exc):
        recording = _active
        if recording is not None:
            end = time.perf_counter_ns()
            recording["events"].append({
                "ph": "X", "name": self.name, "pid": os.getpid(), "tid": threading.get_ident(),
                "ts": self._begin / 1e3, "dur": (end - self._begin) / 1e3, "args": self.args,
            })  # fmt: skip
        return False


class StepTraceAnnotation(TraceAnnotation):
    """A training step's span: ``StepTraceAnnotation("train", step_num=i)``."""

    def __init__(self, name, **kwargs):
        super().__init__(name, **kwargs)


def annotate_function(func=None, name=None, **decorator_kwargs):
    """Decorator: each call of func is a span named ``name`` (func's qualified name)."""
    if func is None:
        return lambda f: annotate_function(f, name=name, **decorator_kwargs)
    label = name or getattr(func, "__qualname__", getattr(func, "__name__", "function"))

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with TraceAnnotation(label, **decorator_kwargs):
            return func(*args, **kwargs)

    return wrapper
