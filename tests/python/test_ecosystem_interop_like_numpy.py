"""arrax arrays handed to the libraries a notebook also uses (matplotlib, SciPy, pandas,
scikit-learn) give what NumPy's arrays give: the programs in ecosystem_programs.py run under
NumPy and under arrax.numpy, and what the libraries drew or computed must agree in values,
dtypes and shapes. Below them, what the programs found.

What stays different by design (arrax's arrays and 0-d results are not NumPy's):
- An element or a full reduction is a 0-d arrax array, not a NumPy scalar: SciPy's and pandas'
  scalar checks (np.isscalar, isinstance(x, np.ndarray)) do not take it, so
  ``scipy.sparse.diags(arrax_1d)`` (no offsets) reads it as a list of diagonals and raises, and
  ``series[np.argmax(...)]`` is a KeyError (pandas takes NumPy integers only).
- ``series.apply(np.exp)`` calls the function per element: arrax's 0-d results make an object
  Series (jax.numpy's too); ``np.exp(series)`` is a float64 Series, as NumPy's.
- ``np.sum(series)`` and ``np.mean(data_frame, axis=0)`` are arrax arrays (NumPy hands them to
  the object's own method and returns its Series); ufuncs on pandas objects return pandas
  objects, as NumPy's do.
- pandas takes only NumPy arrays, lists and its own objects as boolean masks: ``df[mask]``,
  ``df.loc[mask]`` and ``series[mask]`` of an arrax mask are KeyErrors, and ``df.iloc[mask]``
  reads it as positions 0 and 1; pass ``onp.asarray(mask)`` (or ``mask.to_numpy()``).
- NumPy's functions on arrax arrays return arrax arrays (NEP 18): SciPy's L-BFGS-B and SLSQP,
  whose compiled code takes NumPy arrays only, refuse a gradient (``jac``) that returns an
  arrax array; the other methods take it.
- scipy.sparse adds (``S + x``, ``x + S``) only NumPy arrays: an arrax one is a TypeError.
"""

import arrax.numpy as anp
import numpy as onp
import pytest

import ecosystem_programs
from test_numpy_programs_like_numpy_5 import _same

_PROGRAMS = {p.__name__: p for p in ecosystem_programs.PROGRAMS}

# Iterative solvers and fits repeat arrax's float64 exp/sin/matmul, which are not NumPy's to
# the last bit (both within an ulp or two of the exact result).
_TOLERANCE = {
    "scipy_minimize": (1e-6, 1e-9),
    "scipy_fit_and_roots": (1e-7, 1e-10),
    "scipy_integrate": (1e-7, 1e-10),
    "sklearn_cluster_pca": (1e-7, 1e-10),
}


@pytest.mark.parametrize("name", list(_PROGRAMS))
def test_program_like_numpy(name):
    if name in ecosystem_programs.NEEDS:
        pytest.importorskip(ecosystem_programs.NEEDS[name])
    program = _PROGRAMS[name]
    want = program(onp)
    got = program(anp)
    rtol, atol = _TOLERANCE.get(name, (1e-9, 1e-12))
    _same(got, want, rtol=rtol, atol=atol)


# --- matplotlib reads an arrax array as NumPy's, by columns, not element by element ---------
# (its hist, boxplot and violinplot took an arrax array for a sequence: a 2-D one drew a box
# per row instead of per column, and a 1-D one of 1e6 values took 15 s to histogram)


def test_to_numpy_is_a_numpy_array_of_the_values():
    a = anp.arange(6.0).reshape(2, 3)
    v = a.to_numpy()
    assert type(v) is onp.ndarray and v.dtype == onp.float64 and v.shape == (2, 3)
    onp.testing.assert_array_equal(v, onp.arange(6.0).reshape(2, 3))
    assert onp.shares_memory(v, onp.asarray(a))  # (a view where it can be)
    c = a.to_numpy(copy=True)
    assert not onp.shares_memory(c, onp.asarray(a))
    assert a.to_numpy(dtype=onp.float32).dtype == onp.float32
    i = anp.arange(3, dtype=anp.int32).to_numpy()
    assert i.dtype == onp.int32


@pytest.mark.parametrize("shape", [(60, 3), (40,)])
def test_hist_boxplot_violinplot_read_columns_like_numpy(shape):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    onp.random.seed(0)
    x = onp.random.randn(*shape)
    drawn = []
    for data in (x, anp.asarray(x)):
        fig, ax = plt.subplots()
        counts, edges, _ = ax.hist(data, bins=5)
        boxes = ax.boxplot(data)
        violins = ax.violinplot(data)
        plt.close(fig)
        medians = [m.get_ydata() for m in boxes["medians"]]
        drawn.append((counts, edges, medians, len(violins["bodies"])))
    _same(drawn[1], drawn[0])


def test_hist_does_not_read_an_arrax_array_element_by_element(monkeypatch):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    onp.random.seed(1)
    data = anp.asarray(onp.random.randn(1000))

    def no_iteration(self):
        raise AssertionError("the array was read element by element")

    monkeypatch.setattr(anp.ndarray, "__iter__", no_iteration)
    fig, ax = plt.subplots()
    counts, _, _ = ax.hist(data, bins=10)
    ax.boxplot(data)
    plt.close(fig)
    want, _ = onp.histogram(onp.asarray(data), bins=10)
    _same(counts, want.astype(onp.float64))


# --- NumPy's ufunc.at on a NumPy array with arrax operands updates the NumPy array ---------
# (it was arrax's TypeError "add.at: in place needs an arrax array with values")


@pytest.mark.parametrize(
    "ufunc, dtype, values",
    [
        (onp.add, onp.float64, [1.0, 2.0, 3.0]),
        (onp.maximum, onp.int64, [5, 7, 2]),
        (onp.subtract, onp.float32, [1.0, 1.0, 1.0]),
    ],
)
def test_numpy_ufunc_at_on_a_numpy_array_like_numpy(ufunc, dtype, values):
    index = [0, 0, 2]
    want = onp.zeros(4, dtype)
    assert ufunc.at(want, onp.array(index), onp.array(values, dtype)) is None
    for idx, vals in [
        (anp.array(index), anp.array(values, dtype)),
        (onp.array(index), anp.array(values, dtype)),
        (anp.array(index), onp.array(values, dtype)),
    ]:
        got = onp.zeros(4, dtype)
        assert ufunc.at(got, idx, vals) is None
        assert type(got) is onp.ndarray
        _same(got, want)


def test_numpy_unary_ufunc_at_with_arrax_indices():
    want = onp.arange(4.0)
    onp.negative.at(want, onp.array([1, 3]))
    got = onp.arange(4.0)
    onp.negative.at(got, anp.array([1, 3]))
    _same(got, want)


def test_numpy_ufunc_at_on_an_arrax_array_stays_arrax():
    a = anp.zeros(4)
    onp.add.at(a, onp.array([0, 0, 1]), 1.0)
    assert type(a) is anp.ndarray
    _same(a, onp.array([2.0, 1.0, 0.0, 0.0]))


# --- pandas objects of labels, objects or dates go to NumPy, as lists of them do -----------
# (np.unique(series_of_strings) was arrax's TypeError "cannot convert an object of type
# 'Series' to an array")


def _pandas_cases(pd):
    labels = pd.Series(["b", "a", "b", "c"])
    frame = pd.DataFrame({"name": ["x", "y"], "n": [1, 2]})
    dates = pd.Series(pd.date_range("2020-01-01", periods=3))
    return [
        lambda np: np.asarray(labels),
        lambda np: np.array(labels),
        lambda np: np.unique(labels),
        lambda np: np.unique(labels, return_counts=True),
        lambda np: np.sort(labels),
        lambda np: np.concatenate([labels, labels]),
        lambda np: np.asarray(frame),
        lambda np: np.asarray(dates),
        lambda np: np.asarray(pd.Index(["u", "v"])),
        lambda np: np.unique(pd.Series([3, 1, 3])),
        lambda np: np.asarray(pd.Series([1.5, 2.5])),
    ]


@pytest.mark.parametrize("case", range(11))
def test_numpy_fallback_for_pandas_labels_like_numpy(case):
    pd = pytest.importorskip("pandas")
    f = _pandas_cases(pd)[case]
    want = f(onp)
    got = f(anp)
    _same(got, want)
    if not isinstance(want, tuple) and want.dtype.kind in "OUM":
        assert type(got) is onp.ndarray  # (NumPy's array: arrax arrays hold numbers)


def test_numeric_pandas_objects_still_become_arrax_arrays():
    pd = pytest.importorskip("pandas")
    s = pd.Series([3, 1, 3])
    for r in (anp.asarray(s), anp.unique(s), anp.asarray(pd.DataFrame({"a": [1.0, 2.0]}))):
        assert type(r) is anp.ndarray


def test_an_array_like_whose_conversion_fails_keeps_its_error():
    class Broken:
        def __array__(self, dtype=None, copy=None):
            raise RuntimeError("no values")

    with pytest.raises(RuntimeError, match="no values"):
        anp.asarray(Broken())
