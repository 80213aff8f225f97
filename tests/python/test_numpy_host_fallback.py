"""Strings, objects, dates and records: arrax arrays hold numbers, and NumPy programs also
make arrays of labels, objects or datetimes. arrax.numpy hands those calls to NumPy (so they
return NumPy arrays) and takes numbers back as arrax arrays; these programs run unchanged and
give NumPy's results."""

import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax's hand-over to NumPy")


def labels_program(xp):
    labels = xp.array(["cat", "dog", "cat", "emu"])
    values = xp.arange(4.0)
    kinds, counts = xp.unique(labels, return_counts=True)
    is_cat = labels == "cat"
    order = xp.argsort(labels, kind="stable")
    return (kinds, counts, xp.where(is_cat, values, -1.0), values[is_cat].sum(), order,
            xp.isin(labels, ["emu", "dog"]), xp.concatenate([labels, ["owl"]]), xp.sort(labels),
            xp.full(2, "x"), xp.zeros(2, dtype="U3"), xp.arange(3).astype(str),
            xp.char.upper(labels), xp.array([1, "a", None], dtype=object))  # fmt: skip


def dates_program(xp):
    days = xp.datetime64("2020-01-30") + xp.arange(3)
    return (
        days,
        days.astype("datetime64[M]"),
        xp.diff(days),
        xp.arange("2020-01", "2020-04", dtype="datetime64[M]"),
    )


def records_program(xp):
    rec = xp.zeros(3, dtype=[("x", "f8"), ("y", "i4")])
    rec["x"] = xp.arange(3.0)
    return rec["x"] * 2, rec["y"]


@pytest.mark.parametrize("program", [labels_program, dates_program, records_program])
def test_programs_with_non_numeric_arrays_give_numpys_results(program):
    got, want = program(anp), program(np)
    for g, w in zip(got, want):
        g = g if isinstance(g, np.ndarray) or np.isscalar(g) else np.asarray(g)
        np.testing.assert_array_equal(g, w)
        assert np.asarray(g).dtype == np.asarray(w).dtype


def test_numbers_come_back_as_arrax_arrays():
    labels = anp.array(["a", "b", "a"])
    assert isinstance(labels, np.ndarray)  # NumPy holds the strings
    assert isinstance(anp.where(labels == "a", 1, 0), anp.ndarray)
    assert isinstance(anp.arange(3) + np.float64(1), anp.ndarray)


def test_membership_iteration_and_masked_arrays():
    a = anp.arange(12.0).reshape(3, 4)
    assert 5.0 in a and 50.0 not in a
    assert [float(v) for v in anp.nditer(anp.arange(3.0))] == [0.0, 1.0, 2.0]
    m = anp.ma.masked_array(anp.arange(3), mask=[0, 1, 0])
    assert m.sum() == 2
    # Errors stay errors: a numeric function given a bad argument still raises TypeError.
    with pytest.raises(TypeError):
        anp.zeros(3, dtype=5.5)
