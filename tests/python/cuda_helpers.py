"""What the GPU test files share: the device, moving arrays to it and back, and comparing a
GPU result with its reference (shapes and dtypes equal, values close, NaNs where the reference
has them)."""

import arrax
import numpy as np

GPU = "cuda:0"


def gpu(x):
    return arrax.device_put(x, GPU)


def cpu(x):
    return arrax.device_put(x, "cpu")


def close(a, b, rtol=1e-6, atol=1e-9):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, a.dtype, b.shape, b.dtype)
    if a.dtype.kind == "V":  # bfloat16
        a, b = a.astype(np.float32), b.astype(np.float32)
    if a.dtype.kind in "fc":
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(a, b)
