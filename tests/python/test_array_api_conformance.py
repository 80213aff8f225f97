"""Array API conformance items found by running Array-API-suite-style checks (type promotion,
special values, creation/inspection functions) against arrax.numpy, each compared with
NumPy 2.x's own behaviour for the same call."""

import numpy as np
import pytest

from conftest import anp, arrax_only, run_both

# --------------------------------------------------------------------------------------
# asarray / array with copy=False: a ValueError wherever a new buffer is unavoidable
# --------------------------------------------------------------------------------------

NEEDS_COPY = [
    pytest.param(lambda m: [1, 2], None, id="list"),
    pytest.param(lambda m: ((1.0, 2.0), (3.0, 4.0)), None, id="nested-tuple"),
    pytest.param(lambda m: 3, None, id="int"),
    pytest.param(lambda m: 2.5, None, id="float"),
    pytest.param(lambda m: True, None, id="bool"),
    pytest.param(lambda m: 1j, None, id="complex"),
    pytest.param(lambda m: range(3), None, id="range"),
    pytest.param(lambda m: np.float64(1.5), None, id="numpy-scalar"),
    pytest.param(lambda m: [1, 2], "float32", id="list-dtype"),
    pytest.param(lambda m: np.arange(3), "float32", id="numpy-array-cast"),
    pytest.param(lambda m: m.arange(3), "float32", id="own-array-cast"),
]


@pytest.mark.parametrize("fname", ["asarray", "array"])
@pytest.mark.parametrize("make, dtype", NEEDS_COPY)
def test_copy_false_raises_when_a_copy_is_needed(fname, make, dtype):
    run_both(lambda m: getattr(m, fname)(make(m), dtype=dtype, copy=False))


@pytest.mark.parametrize("fname", ["asarray", "array"])
@pytest.mark.parametrize(
    "make, dtype",
    [
        pytest.param(lambda m: m.arange(3.0), None, id="own-array"),
        pytest.param(lambda m: m.arange(3.0), "float64", id="own-array-same-dtype"),
        pytest.param(lambda m: np.arange(4.0)[::2], None, id="numpy-view"),
        pytest.param(lambda m: np.arange(3), "int64", id="numpy-array-same-dtype"),
    ],
)
def test_copy_false_without_a_copy(fname, make, dtype):
    run_both(lambda m: getattr(m, fname)(make(m), dtype=dtype, copy=False))


@arrax_only
def test_copy_false_message_names_the_function():
    with pytest.raises(ValueError, match="^asarray: "):
        anp.asarray([1, 2], copy=False)
    with pytest.raises(ValueError, match="^array: "):
        anp.array(2.0, copy=False)


def test_copy_none_and_true_still_copy_lists():
    run_both(lambda m: m.asarray([1, 2], copy=None))
    run_both(lambda m: m.asarray([[1.0], [2.0]], dtype=m.float32, copy=True))
    run_both(lambda m: m.array([1, 2], dtype=m.int8))


# --------------------------------------------------------------------------------------
# __array_namespace_info__(): an unknown device is a ValueError
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["default_dtypes", "dtypes"])
@pytest.mark.parametrize("device", ["foo", "tpu:3", 7])
def test_info_rejects_unknown_device(method, device):
    run_both(lambda m: getattr(m.__array_namespace_info__(), method)(device=device))


@pytest.mark.parametrize("method", ["default_dtypes", "dtypes"])
def test_info_accepts_its_devices(method):
    def call(m):
        info = m.__array_namespace_info__()
        out = [getattr(info, method)(device=None)]
        out.append(getattr(info, method)(device=info.default_device()))
        out.append(getattr(info, method)(device=m.asarray([1.0]).device))
        out.append(getattr(info, method)(device="cpu"))
        return [{k: str(v) for k, v in d.items()} for d in out]

    run_both(call, compare=lambda got, want: _assert_equal(got, want))


def _assert_equal(got, want):
    assert got == want


# --------------------------------------------------------------------------------------
# clip: bounds given both positionally (a_min/a_max) and as min/max keywords
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((1, 3), {"min": 2}),
        ((None, 3), {"max": 2}),
        ((), {"a_min": 1, "a_max": 3, "min": 0}),
        ((), {"min": 1, "max": 3}),
        ((1, 3), {}),
        ((), {"min": 2}),
    ],
)
def test_clip_bound_keywords(args, kwargs):
    run_both(lambda m: m.clip(m.arange(5.0), *args, **kwargs))
