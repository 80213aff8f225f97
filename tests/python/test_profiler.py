"""arrax.profiler (jax.profiler's tracing API): annotated spans between start_trace and
stop_trace are written as a Chrome trace-event file under log_dir/plugins/profile/."""

import gzip
import json
import os
import threading

import arrax
import arrax.numpy as anp
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")
profiler = arrax.profiler


def _events(path):
    with gzip.open(path, "rt") as f:
        return [e for e in json.load(f)["traceEvents"] if e["ph"] == "X"]


def test_trace_records_annotations_steps_and_functions(tmp_path):
    @profiler.annotate_function
    def loss(x):
        return anp.sum(x**2)

    step = arrax.jit(arrax.grad(loss))
    with profiler.trace(tmp_path) as t:
        for i in range(3):
            with profiler.StepTraceAnnotation("train", step_num=i):
                with profiler.TraceAnnotation("update"):
                    step(anp.ones(4))
                loss(anp.ones(4))
    assert t.path.startswith(os.path.join(str(tmp_path), "plugins", "profile"))
    assert t.path.endswith(".trace.json.gz")
    events = _events(t.path)
    names = [e["name"] for e in events]
    assert names.count("train") == 3 and names.count("update") == 3
    assert any(n.endswith("loss") for n in names)  # the decorated calls (traced once by jit)
    steps = [e for e in events if e["name"] == "train"]
    assert [e["args"]["step_num"] for e in steps] == ["0", "1", "2"]
    for s in steps:  # each update lies inside its step
        inner = [u for u in events if u["name"] == "update" and s["ts"] <= u["ts"]
                 and u["ts"] + u["dur"] <= s["ts"] + s["dur"] + 1e-3]  # fmt: skip
        assert len(inner) == 1
    assert all(e["dur"] >= 0 for e in events)


def test_nothing_is_recorded_outside_a_trace(tmp_path):
    with profiler.TraceAnnotation("before"):
        pass
    profiler.start_trace(str(tmp_path))
    with profiler.TraceAnnotation("during"):
        pass
    path = profiler.stop_trace()
    with profiler.TraceAnnotation("after"):
        pass
    assert [e["name"] for e in _events(path)] == ["during"]


def test_spans_from_threads_carry_their_thread(tmp_path):
    together = threading.Barrier(3)  # (all alive at once: a finished thread's id is reused)

    def work(k):
        with profiler.TraceAnnotation(f"worker{k}"):
            anp.sum(anp.ones(10))
            together.wait()

    with profiler.trace(tmp_path) as t:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    events = _events(t.path)
    assert sorted(e["name"] for e in events) == ["worker0", "worker1", "worker2"]
    assert len({e["tid"] for e in events}) == 3


def test_start_and_stop_out_of_order_raise(tmp_path):
    with pytest.raises(RuntimeError, match="stop_trace: no trace"):
        profiler.stop_trace()
    profiler.start_trace(tmp_path)
    try:
        with pytest.raises(RuntimeError, match="start_trace: a trace is already"):
            profiler.start_trace(tmp_path)
    finally:
        profiler.stop_trace()
    leftovers = [n for _, _, files in os.walk(tmp_path) for n in files if ".tmp" in n]
    assert leftovers == []  # (written to a temporary name, then renamed)
