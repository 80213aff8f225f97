"""Arrays given as bool flags: NumPy takes a flag by its truth value, so an array of several
elements is an error (ValueError for sort's and argsort's stable); arrax raises NumPy's exception
type with a message naming the function, never a silent answer."""

import arrax.numpy as anp
import numpy as np
import pytest

FLAG_CALLS = {
    "sort_stable": ("sort", lambda xp: xp.sort(xp.arange(4.0), stable=xp.asarray([1, 2]))),
    "argsort_stable": ("argsort", lambda xp: xp.argsort(xp.arange(4.0), stable=xp.asarray([1, 2]))),
    "ndarray_sort_stable": ("sort", lambda xp: xp.arange(4.0).sort(stable=xp.asarray([1, 2]))),
    "unique_return_counts": (
        "unique",
        lambda xp: xp.unique(xp.arange(4.0), return_counts=xp.asarray([1, 2])),
    ),
    "isclose_equal_nan": (
        "isclose",
        lambda xp: xp.isclose(xp.arange(2.0), xp.arange(2.0), equal_nan=xp.asarray([1, 2])),
    ),
}


@pytest.mark.parametrize("case", list(FLAG_CALLS), ids=str)
def test_an_array_of_several_is_no_bool_flag(case):
    name, call = FLAG_CALLS[case]
    with pytest.raises(Exception) as want:
        call(np)
    with pytest.raises(Exception) as got:
        call(anp)
    assert isinstance(got.value, type(want.value)), (type(got.value), got.value, want.value)
    if case.startswith(("sort", "argsort", "ndarray_sort")):
        assert str(got.value).startswith(name), str(got.value)


@pytest.mark.parametrize("flag", [True, False, np.True_, np.asarray([1])])
def test_a_truthy_flag_still_sorts(flag):
    x = np.asarray([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(anp.sort(anp.asarray(x), stable=flag)), np.sort(x))
    got = anp.argsort(anp.asarray(x), stable=flag)
    assert got.dtype == np.argsort(x).dtype
    np.testing.assert_array_equal(np.asarray(got), np.argsort(x, stable=bool(flag)))
