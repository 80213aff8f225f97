"""Shared helpers for the arrax.numpy test suite.

Every test compares arrax against real NumPy (2.x).  The central helpers are

* ``assert_same(actual, expected)``: shape, dtype and values (dtype-aware tolerances,
  NaN/inf positions equal, integers exact);
* ``run_both(fn, *args)``: calls ``fn(numpy, *np_args)`` and ``fn(anp, *ax_args)``; if NumPy
  raises, arrax must raise an exception of the same family (TypeError, ValueError,
  IndexError, OverflowError, AxisError = ValueError + IndexError) with a non-empty message;
  otherwise the results must be ``assert_same``;
* ``array_cases(...)``: a hypothesis strategy of ``ArrayCase`` objects (numpy data of random
  shape, including 0-d, empty and non-contiguous / negative-stride views) with an ``ax()``
  method that gives the equivalent arrax array.

Set ``ARRAX_TEST_AGAINST_NUMPY=1`` to run the whole suite with NumPy substituted for
``arrax.numpy``; this checks that the tests themselves are right.  Tests about
arrax-specific behaviour are marked ``arrax_only`` and skipped in that mode.

Helpers are imported by the test modules with ``from conftest import ...``; the ufunc
table (names, input domains, sample values) lives in ``ufunc_table.py``.
"""

from __future__ import annotations

import os
import warnings

# JAX is a reference here: on a machine with a GPU it would run there with TF32 matmuls by
# default (about 1e-3 relative error in float32) and its own GPU math library. The CPU gives
# the exact float32 reference the comparisons are written for.
os.environ.setdefault("JAX_PLATFORMS", "cpu")
from dataclasses import dataclass

import ml_dtypes
import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

AGAINST_NUMPY = os.environ.get("ARRAX_TEST_AGAINST_NUMPY", "").strip() not in ("", "0")

if AGAINST_NUMPY:
    anp = np
else:
    import arrax.numpy as anp  # noqa: F401  (re-exported to the test modules)

arrax_only = pytest.mark.skipif(
    AGAINST_NUMPY, reason="arrax-specific behaviour (ARRAX_TEST_AGAINST_NUMPY=1)"
)

# --------------------------------------------------------------------------------------
# dtypes
# --------------------------------------------------------------------------------------

BOOL_DTYPES = [np.dtype(np.bool_)]
SIGNED_DTYPES = [np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64)]
UNSIGNED_DTYPES = [np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64)]
INT_DTYPES = SIGNED_DTYPES + UNSIGNED_DTYPES
FLOAT_DTYPES = [np.dtype(t) for t in (np.float16, np.float32, np.float64)]
COMPLEX_DTYPES = [np.dtype(t) for t in (np.complex64, np.complex128)]
INEXACT_DTYPES = FLOAT_DTYPES + COMPLEX_DTYPES
NUMERIC_DTYPES = INT_DTYPES + INEXACT_DTYPES
#: The 14 NumPy dtypes arrax must support (bfloat16 is tested separately).
ALL_DTYPES = BOOL_DTYPES + NUMERIC_DTYPES
BFLOAT16 = np.dtype(ml_dtypes.bfloat16)


def dtype_id(d) -> str:
    return np.dtype(d).name


# --------------------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------------------

_TOLERANCES = {
    # dtype name: (rtol, atol).  float64 leaves room for a few ulps of difference in
    # transcendental functions between libm / SIMD implementations.
    "float16": (2e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
    "float32": (1e-5, 1e-6),
    "float64": (1e-12, 1e-14),
    "complex64": (1e-5, 1e-6),
    "complex128": (1e-12, 1e-14),
}


# On a GPU (`--device=cuda`) sums and scans run in another order and CUDA's math library
# rounds differently from glibc's (within a few ulp), so float comparisons allow 10x more.
_DEVICE_TOL_SCALE = [1.0]


def tolerance(dtype) -> tuple[float, float]:
    """(rtol, atol) used to compare results of the given dtype."""
    rtol, atol = _TOLERANCES.get(np.dtype(dtype).name, (0.0, 0.0))
    return rtol * _DEVICE_TOL_SCALE[0], atol * _DEVICE_TOL_SCALE[0]


def is_arrax_array(x) -> bool:
    """True when ``x`` is an arrax array (any class from the arrax package)."""
    if AGAINST_NUMPY:
        return isinstance(x, (np.ndarray, np.generic))
    if isinstance(x, (np.ndarray, np.generic)):
        return False
    return type(x).__module__.split(".")[0] == "arrax"


def to_numpy(x) -> np.ndarray:
    """Convert an arrax (or NumPy) result to a NumPy array for value comparison."""
    return np.asarray(x)


def assert_same(
    actual, expected, *, rtol=None, atol=None, tol_scale=1.0, check_type=True, err_msg=""
):
    """Assert that ``actual`` (arrax) equals ``expected`` (NumPy) in shape, dtype and value.

    Tuples/lists of arrays are compared element by element.  Integers and bools are compared
    exactly; floats and complex numbers with dtype-aware tolerances (scaled by ``tol_scale``),
    with NaNs required at the same positions and infinities equal.
    """
    if isinstance(expected, (tuple, list)):
        assert isinstance(actual, (tuple, list)), (
            f"{err_msg}: expected a sequence, got {type(actual)}"
        )
        assert len(actual) == len(expected), f"{err_msg}: length {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_same(
                a,
                e,
                rtol=rtol,
                atol=atol,
                tol_scale=tol_scale,
                check_type=check_type,
                err_msg=f"{err_msg}[{i}]",
            )
        return
    expected = np.asarray(expected)
    if check_type:
        assert is_arrax_array(actual), f"{err_msg}: expected an arrax array, got {type(actual)!r}"
    assert tuple(actual.shape) == expected.shape, (
        f"{err_msg}: shape {tuple(actual.shape)} != numpy's {expected.shape}"
    )
    assert np.dtype(actual.dtype) == expected.dtype, (
        f"{err_msg}: dtype {actual.dtype} != numpy's {expected.dtype}"
    )
    got = to_numpy(actual)
    assert got.shape == expected.shape, (
        f"{err_msg}: np.asarray(result).shape {got.shape} != {expected.shape}"
    )
    assert got.dtype == expected.dtype, (
        f"{err_msg}: np.asarray(result).dtype {got.dtype} != {expected.dtype}"
    )
    assert_values(got, expected, rtol=rtol, atol=atol, tol_scale=tol_scale, err_msg=err_msg)


def assert_exactly(actual, expected):
    """actual (arrax's, or any array-like) equals expected exactly: dtype, shape and every
    value (NaNs at the same places), with no tolerance."""
    a, e = np.asarray(actual), np.asarray(expected)
    assert a.dtype == e.dtype, (a.dtype, e.dtype)
    assert a.shape == e.shape, (a.shape, e.shape)
    np.testing.assert_array_equal(a, e)


def assert_values(got, expected, *, rtol=None, atol=None, tol_scale=1.0, err_msg=""):
    """Compare two NumPy arrays of the same dtype by value (see ``assert_same``)."""
    got = np.asarray(got)
    expected = np.asarray(expected)
    kind = expected.dtype.kind
    if kind in "biuUSO":
        np.testing.assert_array_equal(got, expected, err_msg=err_msg, strict=True)
        return
    d_rtol, d_atol = tolerance(expected.dtype)
    rtol = d_rtol * tol_scale if rtol is None else rtol
    atol = d_atol * tol_scale if atol is None else atol
    wide = np.complex128 if kind == "c" else np.float64
    np.testing.assert_allclose(
        got.astype(wide),
        expected.astype(wide),
        rtol=rtol,
        atol=atol,
        equal_nan=True,
        err_msg=err_msg,
    )


def expected_exception(exc: BaseException):
    """The exception class (or tuple of classes that must *all* match) arrax must raise."""
    if isinstance(exc, np.exceptions.AxisError):
        return (ValueError, IndexError)
    for base in (OverflowError, ZeroDivisionError, TypeError, IndexError, ValueError, KeyError):
        if isinstance(exc, base):
            return (base,)
    return (type(exc),)


def assert_raises_like(np_exc: BaseException, fn, *args, **kwargs):
    """Call ``fn``; it must raise an exception of the family of ``np_exc``."""
    wanted = expected_exception(np_exc)
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        for cls in wanted:
            assert isinstance(exc, cls), (
                f"arrax raised {type(exc).__name__}({exc}); numpy raised "
                f"{type(np_exc).__name__}({np_exc}), so {cls.__name__} was expected"
            )
        assert str(exc), f"{type(exc).__name__} raised by arrax has an empty message"
        return exc
    raise AssertionError(f"arrax did not raise; numpy raised {type(np_exc).__name__}: {np_exc}")


def assert_raises(exc_types, fn, *args, **kwargs):
    """``fn`` must raise an instance of every class in ``exc_types``, with a message."""
    if isinstance(exc_types, type):
        exc_types = (exc_types,)
    with quiet():
        with pytest.raises(exc_types[0]) as info:
            fn(*args, **kwargs)
    for cls in exc_types:
        assert isinstance(info.value, cls), f"{type(info.value).__name__} is not a {cls.__name__}"
    assert str(info.value), f"{type(info.value).__name__} has an empty message"
    return info.value


class quiet:
    """Context manager: NumPy floating-point errors and all warnings silenced."""

    def __enter__(self):
        self._err = np.errstate(all="ignore")
        self._err.__enter__()
        self._warn = warnings.catch_warnings()
        self._warn.__enter__()
        warnings.simplefilter("ignore")
        return self

    def __exit__(self, *exc):
        self._warn.__exit__(*exc)
        self._err.__exit__(*exc)
        return False


def _np_copy(a):
    return a.copy() if isinstance(a, np.ndarray) else a


def _ax_convert(a):
    if isinstance(a, np.ndarray):
        return anp.asarray(a.copy())
    if isinstance(a, ArrayCase):
        return a.ax()
    return a


def _np_convert(a):
    if isinstance(a, ArrayCase):
        return a.np.copy()
    return _np_copy(a)


def run_both(fn, *args, tol_scale=1.0, rtol=None, atol=None, check_type=True, compare=None):
    """Run ``fn(numpy, *args)`` and ``fn(anp, *args_as_arrax)`` and compare.

    NumPy array arguments are copied for the NumPy call and converted with ``anp.asarray``
    for the arrax call; ``ArrayCase`` arguments use ``.np`` / ``.ax()``; other arguments
    are passed unchanged.  If NumPy raises, arrax must raise the same family of exception.
    ``compare(actual, expected)`` may replace ``assert_same`` for non-array results.
    Returns the (arrax result, numpy result) pair, or None when NumPy raised.
    """
    np_args = [_np_convert(a) for a in args]
    with quiet():
        try:
            expected = fn(np, *np_args)
            np_exc = None
        except Exception as exc:  # noqa: BLE001
            np_exc = exc
    ax_args = [_ax_convert(a) for a in args]
    if np_exc is not None:
        with quiet():
            assert_raises_like(np_exc, fn, anp, *ax_args)
        return None
    with quiet():
        actual = fn(anp, *ax_args)
    if compare is not None:
        compare(actual, expected)
    else:
        assert_same(
            actual, expected, tol_scale=tol_scale, rtol=rtol, atol=atol, check_type=check_type
        )
    return actual, expected


# --------------------------------------------------------------------------------------
# deterministic sample data
# --------------------------------------------------------------------------------------


def sample(dtype, shape=(3, 4), seed=0, low=-10, high=10):
    """Deterministic NumPy data of the given dtype: small values valid for every dtype."""
    dtype = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if dtype.kind == "b":
        data = rng.integers(0, 2, n).astype(bool)
    elif dtype.kind == "u":
        data = rng.integers(0, max(high, 1) + 1, n)
    elif dtype.kind == "i":
        data = rng.integers(low, high + 1, n)
    elif dtype.kind == "f":
        data = np.round(rng.uniform(low, high, n), 2)
    elif dtype.kind == "c":
        data = np.round(rng.uniform(low, high, n), 2) + 1j * np.round(rng.uniform(low, high, n), 2)
    else:  # bfloat16 and friends
        data = np.round(rng.uniform(low, high, n), 1)
    return data.astype(dtype).reshape(shape)


# --------------------------------------------------------------------------------------
# hypothesis strategies
# --------------------------------------------------------------------------------------


@dataclass
class ArrayCase:
    """NumPy data for a test plus the recipe for an equivalent arrax array.

    ``np`` is the (possibly non-contiguous, negative-stride, transposed) NumPy view.  ``ax()``
    builds the arrax counterpart either by ``anp.asarray(view)`` or -- to exercise arrax's
    own strided views -- by ``anp.asarray(base)`` followed by the same slicing/transposition.
    """

    base: np.ndarray
    index: tuple
    perm: tuple | None
    via_arrax_view: bool

    @property
    def np(self) -> np.ndarray:
        v = self.base[self.index + (Ellipsis,)]  # (Ellipsis keeps 0-d results arrays)
        return v.transpose(self.perm) if self.perm is not None else v

    def ax(self):
        if not self.via_arrax_view:
            return anp.asarray(self.np.copy() if AGAINST_NUMPY else self.np)
        v = anp.asarray(self.base.copy())[self.index + (Ellipsis,)]
        return v.transpose(self.perm) if self.perm is not None else v

    def __repr__(self):
        return (
            f"ArrayCase(np={self.np!r}, base.shape={self.base.shape}, index={self.index}, "
            f"perm={self.perm}, via_arrax_view={self.via_arrax_view})"
        )


def elements(dtype, domain="any", allow_nan=False):
    """Hypothesis element strategy for ``dtype`` restricted to a ufunc domain."""
    dtype = np.dtype(dtype)
    lo, hi = {
        "any": (-100, 100),
        "small": (-4, 4),
        "pos": (0.125, 100),
        "nonzero": (-100, 100),
        "unit": (-1, 1),
        "open_unit": (-0.875, 0.875),
        "ge1": (1, 100),
        "shift": (0, 3),
        "exponent": (0, 3),
        "reduce": (-3, 3),
    }[domain]
    if dtype.kind == "b":
        if domain in ("pos", "nonzero", "ge1"):
            return st.just(True)
        return st.booleans()
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        ilo, ihi = max(int(np.ceil(lo)), int(info.min)), min(int(np.floor(hi)), int(info.max))
        if domain == "open_unit":
            ilo, ihi = 0, 0
        s = st.integers(ilo, ihi)
        if domain == "nonzero":
            s = s.filter(lambda v: v != 0)
        return s
    if dtype.kind == "f":
        width = dtype.itemsize * 8
        s = st.floats(lo, hi, width=width, allow_nan=False, allow_infinity=False)
        if domain in ("shift", "exponent", "reduce"):
            s = st.integers(int(lo), int(hi)).map(float)
        if domain == "nonzero":
            s = s.filter(lambda v: abs(v) >= 0.125)
        if allow_nan:
            s = st.one_of(s, st.sampled_from([np.nan, np.inf, -np.inf]))
        return s
    if dtype.kind == "c":
        width = dtype.itemsize * 8
        if domain in ("shift", "exponent", "reduce"):
            part = st.integers(int(lo), int(hi)).map(float)
            return st.builds(complex, part, part)
        mag = max(abs(lo), abs(hi))
        s = st.complex_numbers(
            max_magnitude=min(mag, 100), width=width, allow_nan=False, allow_infinity=False
        )
        if domain in ("pos", "nonzero", "ge1"):
            s = s.filter(lambda v: abs(v) >= 0.125)
        return s
    raise TypeError(f"no element strategy for {dtype}")


@st.composite
def array_cases(
    draw,
    dtypes=tuple(ALL_DTYPES),
    shape=None,
    min_dims=0,
    max_dims=4,
    max_side=5,
    domain="any",
    allow_views=True,
    allow_nan=False,
):
    """Strategy of ``ArrayCase``: random dtype/shape (0-d and empty included), random data,
    optionally a non-contiguous view (steps of +-1/+-2, offsets, transposition)."""
    dtype = (
        np.dtype(draw(st.sampled_from(list(dtypes))))
        if not isinstance(dtypes, np.dtype)
        else dtypes
    )
    if shape is None:
        shape = draw(
            hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=max_side)
        )
    shape = tuple(shape)
    ndim = len(shape)
    use_view = allow_views and ndim > 0 and draw(st.booleans())
    if not use_view:
        base = draw(hnp.arrays(dtype, shape, elements=elements(dtype, domain, allow_nan)))
        return ArrayCase(base, (), None, False)
    perm = tuple(draw(st.permutations(range(ndim)))) if draw(st.booleans()) else None
    pre_shape = [0] * ndim
    for i in range(ndim):
        pre_shape[perm[i] if perm is not None else i] = shape[i]
    base_shape, index = [], []
    for n in pre_shape:
        step = draw(st.sampled_from([1, 2, -1, -2]))
        start = draw(st.integers(0, 1))
        extra = draw(st.integers(0, 1))
        size = start + (max(n, 1) - 1) * abs(step) + 1 + extra if n > 0 else start + extra
        if n == 0:
            sl = slice(start, start, step)
        elif step > 0:
            sl = slice(start, start + (n - 1) * step + 1, step)
        else:
            first = start + (n - 1) * abs(step)
            sl = slice(first, start - 1 if start > 0 else None, step)
        base_shape.append(size)
        index.append(sl)
    base = draw(hnp.arrays(dtype, tuple(base_shape), elements=elements(dtype, domain, allow_nan)))
    case = ArrayCase(base, tuple(index), perm, draw(st.booleans()))
    assert case.np.shape == shape, (case.np.shape, shape)
    return case


@st.composite
def axis_args(draw, ndim, allow_none=True, allow_tuple=True):
    """A valid ``axis=`` argument for an array of ``ndim`` dimensions."""
    choices = []
    if allow_none:
        choices.append("none")
    if ndim > 0:
        choices.append("int")
        if allow_tuple:
            choices.append("tuple")
    kind = draw(st.sampled_from(choices)) if choices else "none"
    if kind == "none":
        return None
    if kind == "int":
        ax = draw(st.integers(0, ndim - 1))
        return ax - ndim if draw(st.booleans()) else ax
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=0, max_size=ndim, unique=True))
    return tuple(a - ndim if draw(st.booleans()) else a for a in axes)


class Failures:
    """Collect failures of many sub-checks in one test and report them all at the end.

    >>> fails = Failures()
    >>> with fails.check("int8"):
    ...     run_both(...)
    >>> fails.raise_if_any()
    """

    def __init__(self):
        self.messages: list[str] = []

    def check(self, label):
        fails = self

        class _Ctx:
            def __enter__(self):
                return self

            def __exit__(self, exc_type, exc, tb):
                if exc_type is not None and issubclass(exc_type, Exception):
                    first = str(exc).strip().splitlines()
                    fails.messages.append(f"{label}: {exc_type.__name__}: {' | '.join(first[:6])}")
                    return True
                return False

        return _Ctx()

    def raise_if_any(self, limit=25):
        if self.messages:
            shown = "\n".join(self.messages[:limit])
            more = len(self.messages) - limit
            extra = f"\n... and {more} more" if more > 0 else ""
            pytest.fail(f"{len(self.messages)} sub-check(s) failed:\n{shown}{extra}", pytrace=False)


# ---- the device the suite runs on --------------------------------------------------------------
# `pytest --device=cuda` (or ARRAX_DEFAULT_DEVICE=cuda) runs the whole suite with arrays created
# on the GPU: every comparison with NumPy then checks GPU results (numpy.asarray copies them).


def pytest_addoption(parser):
    parser.addoption(
        "--device",
        default=None,
        help="arrax's default device for the suite: cpu (default) or cuda[:N]",
    )


def pytest_configure(config):
    device = config.getoption("--device", default=None)
    if device and not AGAINST_NUMPY:
        import arrax

        arrax.default_device(device)
        if not device.startswith("cpu"):
            _DEVICE_TOL_SCALE[0] = 10.0


@pytest.fixture
def on_cpu():
    """Runs a test about CPU memory (zero-copy NumPy views, DLPack) with the CPU as the default
    device, whatever ``--device`` chose for the suite."""
    if AGAINST_NUMPY:
        yield
        return
    import arrax

    with arrax.default_device("cpu"):
        yield


@pytest.fixture(scope="module")
def jax_x64():
    """JAX in float64 for one module's comparisons (modules opt in with
    ``pytestmark = pytest.mark.usefixtures("jax_x64")``); other modules keep JAX's default."""
    jax = pytest.importorskip("jax")
    old = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield
    jax.config.update("jax_enable_x64", old)
