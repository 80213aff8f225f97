"""The device API on any machine (tests/python/test_cuda.py covers GPUs): devices, the default
device, device_put/device_get, committed placement, device= on creation functions, the matmul
precision setting, and clear errors where no GPU is present."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

NO_GPU = not arrax.cuda.is_available()


def test_cpu_device_objects():
    cpu = arrax.devices("cpu")[0]
    assert cpu.platform == "cpu" and cpu.id == 0 and repr(cpu) == "CpuDevice(id=0)"
    assert cpu == "cpu" and cpu == "cpu:0" and cpu == arrax.Device("cpu", 0)
    assert len({cpu, arrax.Device("cpu", 0)}) == 1
    with arrax.default_device(cpu):  # the CPU whatever the suite's device (--device)
        x = anp.arange(4.0)
        assert x.device == cpu and x.to_device("cpu") is x
        assert arrax.default_device() == cpu
        assert anp.__array_namespace_info__().default_device() == cpu
    assert cpu in anp.__array_namespace_info__().devices()


def test_device_put_get_pytrees_and_commit():
    tree = {"w": np.ones((2, 3), np.float32), "b": [np.zeros(3), 1.5]}
    put = arrax.device_put(tree, "cpu")
    assert isinstance(put["w"], anp.ndarray) and put["w"].dtype == np.float32
    assert put["b"][1].shape == () and put["w"].device == "cpu"
    got = arrax.device_get(put)
    assert isinstance(got["w"], np.ndarray) and got["w"].tolist() == [[1.0] * 3] * 2
    # Results of committed operands keep working on the CPU.
    assert ((put["w"] * 2).sum()).tolist() == 12.0
    assert arrax.block_until_ready(put) is put


def test_creation_functions_take_device():
    for make in (
        lambda: anp.zeros(3, device="cpu"),
        lambda: anp.ones((2, 2), device=arrax.devices("cpu")[0]),
        lambda: anp.full(2, 7.0, device="cpu"),
        lambda: anp.arange(5, device="cpu"),
        lambda: anp.linspace(0, 1, 3, device="cpu"),
        lambda: anp.eye(2, device="cpu"),
        lambda: anp.asarray([1, 2], device="cpu"),
        lambda: anp.zeros_like(anp.ones(2), device="cpu"),
    ):
        assert make().device == "cpu"
    with pytest.raises(ValueError, match="Device not understood: unknown device 'tpu'"):
        anp.zeros(2, device="tpu")
    with pytest.raises(TypeError, match="device"):
        arrax.device_put(anp.ones(2), 3)


def test_matmul_precision_setting_round_trips():
    from arrax import _core

    assert _core._matmul_precision() == "float32"
    with arrax.default_matmul_precision("tensorfloat32"):
        assert _core._matmul_precision() == "tf32"
        with arrax.default_matmul_precision("bfloat16"):
            assert _core._matmul_precision() == "bf16"
        assert _core._matmul_precision() == "tf32"
    assert _core._matmul_precision() == "float32"
    with pytest.raises(ValueError, match="set_matmul_precision"):
        arrax.set_matmul_precision("fp8")
    a = anp.ones((3, 3), anp.float32)
    with arrax.default_matmul_precision("tf32"):  # the CPU computes float32 exactly regardless
        assert (a @ a).tolist() == [[3.0] * 3] * 3


@pytest.mark.skipif(not NO_GPU, reason="checks the errors of a machine without a GPU")
def test_clear_errors_without_a_gpu():
    assert arrax.cuda.device_count() == 0 and not arrax.cuda.is_available()
    assert arrax.devices() == [arrax.devices("cpu")[0]]
    with pytest.raises(RuntimeError, match="no CUDA GPU"):
        arrax.devices("gpu")
    with pytest.raises(ValueError, match="no device cuda:0"):
        arrax.device_put(anp.ones(2), "cuda")
    with pytest.raises(ValueError, match="no device cuda:0"):
        arrax.default_device("cuda")
    with pytest.raises(ValueError, match="(?i)cuda"):  # no device, or a build without CUDA
        arrax.cuda.memory_stats()
    assert arrax.cuda.synchronize() is None  # nothing to wait for
    assert arrax.default_device() == "cpu"  # a failed change leaves the default alone
