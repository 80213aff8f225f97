"""Divergences from NumPy found by running NumPy's big test files against arrax.numpy
(scripts/numpy_own_tests.py: _core/tests/test_ufunc.py, test_umath.py, test_numeric.py,
test_multiarray.py): values, dtypes, shapes, exception types and messages must be NumPy's."""

import itertools

import arrax.numpy as anp
import numpy as np
import pytest

from conftest import assert_exactly

_same = assert_exactly  # (conftest: dtype, shape and values, no tolerance)


# --- reduce/accumulate of the rounding "associative" ufuncs (test_umath.py) -----------------


@pytest.mark.parametrize("name", ["hypot", "logaddexp"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_accumulate_and_reduce_fold_in_numpys_order(name, dtype):
    # arrax combined hypot/logaddexp items in a tree (lax.associative_scan, pairwise reduce):
    # each step rounds, so the values differed from NumPy's left-to-right fold in the last
    # bits (float16: by whole units in the last place).
    x = np.array([0, 1, 2] * 64).astype(dtype)
    ours = getattr(anp, name)
    theirs = getattr(np, name)
    _same(ours.accumulate(anp.asarray(x)), theirs.accumulate(x))
    _same(ours.accumulate(anp.asarray(x)), np.array(list(itertools.accumulate(x, theirs)), dtype))
    _same(ours.reduce(anp.asarray(x)), theirs.reduce(x))


def test_multi_axis_reduce_of_hypot_still_allowed_like_numpy():
    x = np.arange(12.0).reshape(3, 4)
    _same(anp.hypot.reduce(anp.asarray(x), axis=(0, 1)), np.hypot.reduce(x, axis=(0, 1)))


@pytest.mark.parametrize("name", ["equal", "not_equal", "less", "greater_equal"])
@pytest.mark.parametrize("method", ["reduce", "accumulate"])
@pytest.mark.parametrize("dtype", ["int64", "float64", "uint8"])
def test_comparison_reduce_of_non_bool_raises_like_numpy(name, method, dtype):
    # NumPy has no loop that feeds a comparison's bool back in with another dtype; arrax
    # compared the items anyway.
    # (NumPy words it "did not contain a loop with signature matching types" once its
    # promotion cache has seen the pair: either text is NumPy's)
    x = np.array([0, 0, 1], dtype)
    no_loop = "No loop matching the specified signature|did not contain a loop with signature"
    with pytest.raises(TypeError, match=no_loop):
        getattr(getattr(np, name), method)(x)
    with pytest.raises(TypeError, match=no_loop):
        getattr(getattr(anp, name), method)(anp.asarray(x))


@pytest.mark.parametrize("method", ["reduce", "accumulate"])
def test_comparison_reduce_of_bool_like_numpy(method):
    x = np.array([True, False, False])
    _same(getattr(anp.equal, method)(anp.asarray(x)), getattr(np.equal, method)(x))
    y = np.array([0, 0, 1])
    _same(
        getattr(anp.equal, method)(anp.asarray(y), dtype=bool),
        getattr(np.equal, method)(y, dtype=bool),
    )


@pytest.mark.parametrize("dtype", ["int64", "float64", "int8"])
def test_logical_xor_accumulate_gives_bool_like_numpy(dtype):
    # arrax's associative scan kept the first item as it was: the input dtype, 1 and 0.
    x = np.array([1, 0, 2, 3], dtype)
    _same(anp.logical_xor.accumulate(anp.asarray(x)), np.logical_xor.accumulate(x))


# --- out=... in the ufunc methods (test_ufunc.py) -------------------------------------------


@pytest.mark.parametrize("method", ["reduce", "accumulate"])
def test_ufunc_method_out_ellipsis_like_numpy(method):
    # NumPy 2's out=... ("return an array"); arrax's methods refused the Ellipsis.
    x = np.arange(6).reshape(2, 3)
    _same(getattr(anp.add, method)(anp.asarray(x), out=...), getattr(np.add, method)(x, out=...))
    with pytest.raises(TypeError, match="must use `...` as `out=...`"):
        getattr(np.add, method)(x, out=(...,))
    with pytest.raises(TypeError, match="must use `...` as `out=...`"):
        getattr(anp.add, method)(anp.asarray(x), out=(...,))


def test_reduceat_out_ellipsis_like_numpy():
    x = np.arange(6)
    _same(anp.add.reduceat(anp.asarray(x), [0, 2], out=...), np.add.reduceat(x, [0, 2], out=...))


# --- NumPy's own arrays in ufunc.at and the composed ufuncs (test_ufunc.py, test_umath.py) ---


@pytest.mark.parametrize("name", ["add", "maximum", "subtract"])
@pytest.mark.parametrize("dtype", ["int64", "float64", "longdouble"])
def test_ufunc_at_updates_a_numpy_array_in_place_like_numpy(name, dtype):
    # arrax's at read NumPy's array as a new arrax array (a TypeError "in place needs an arrax
    # array"), or, for float128, called .at on NumPy's array (AttributeError).
    ours, theirs = np.arange(5, dtype=dtype), np.arange(5, dtype=dtype)
    idx, vals = [-1, 1, -1, 2], np.array([1, 5, 2, 10], dtype)
    assert getattr(anp, name).at(ours, anp.asarray(idx), vals) is None
    getattr(np, name).at(theirs, idx, vals)
    _same(ours, theirs)


def test_unary_ufunc_at_on_a_numpy_array_like_numpy():
    ours, theirs = np.arange(4.0), np.arange(4.0)
    anp.negative.at(ours, [0, 1, 1])
    np.negative.at(theirs, [0, 1, 1])
    _same(ours, theirs)


def test_ufunc_at_not_in_place_leaves_a_numpy_array_alone():
    a = np.arange(4)
    got = anp.add.at(a, [0, 0], 1, inplace=False)
    _same(got, np.array([2, 1, 2, 3]))
    _same(a, np.arange(4))


@pytest.mark.parametrize(
    "call",
    [
        lambda xp, a: xp.frexp(a),
        lambda xp, a: xp.modf(a * 1.5),
        lambda xp, a: xp.ldexp(a, 3),
        lambda xp, a: xp.spacing(a),
    ],
)
def test_composed_ufuncs_take_float128_like_numpy(call):
    # The ufuncs arrax composes in Python (frexp, modf, ldexp, spacing, gcd, lcm) refused
    # NumPy's float128 and object arrays, which the engine's ufuncs hand to NumPy.
    a = np.arange(1, 5, dtype=np.longdouble)
    got, want = call(anp, a), call(np, a)
    for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple)
                    else (want,)):  # fmt: skip
        _same(g, w)


def test_gcd_lcm_of_objects_like_numpy():
    assert anp.gcd(2**100, 3**100, dtype=object) == 1
    assert type(anp.gcd(2**100, 3**100, dtype=object)) is int
    a = np.array([2**100 * 3**5, 2**50 * 3**10], dtype=object)
    b = np.array([2**100 * 5**7, 2**50 * 3**10], dtype=object)
    _same(anp.gcd(a, b), np.gcd(a, b))
    _same(anp.lcm(a, b), np.lcm(a, b))
    inf = np.array([np.inf], dtype=object)
    with pytest.raises(ValueError, match="finite"):
        anp.gcd(inf, 1)
    _same(anp.lcm(anp.arange(4), 6, dtype=object), np.lcm(np.arange(4), 6, dtype=object))


# --- creation: copy=_CopyMode, ndmax=, asanyarray's device=/copy= (test_multiarray.py) -------


@pytest.mark.parametrize("mode", list(np._CopyMode) + [np.True_, np.False_])
@pytest.mark.parametrize("fn", ["array", "asarray"])
def test_copy_mode_enum_like_numpy(mode, fn):
    # arrax read copy= by its truth: NumPy's _CopyMode.IF_NEEDED raises ValueError there.
    src = np.arange(6.0).reshape(2, 3)
    for obj in (src, memoryview(src), anp.asarray(src)):
        _same(getattr(anp, fn)(obj, copy=mode), getattr(np, fn)(src, copy=mode))
    never = mode in (np._CopyMode.NEVER, np.False_)
    if never:
        with pytest.raises(ValueError, match="Unable to avoid copy"):
            getattr(np, fn)([1, 2], copy=mode)
        with pytest.raises(ValueError, match="Unable to avoid copy"):
            getattr(anp, fn)([1, 2], copy=mode)
    a = anp.asarray(src)
    assert (getattr(anp, fn)(a, copy=mode) is a) == (
        mode is np._CopyMode.IF_NEEDED or never or (fn == "asarray" and mode is None)
    )


def test_array_ndmax_like_numpy():
    # NumPy 2.4's ndmax=: arrax's array() refused the keyword.
    data = [[1, 2], [3, 4]]
    for ndmax in (2, 3, 64):
        _same(anp.array(data, ndmax=ndmax), np.array(data, ndmax=ndmax))
    _same(anp.array(np.ones((2, 2)), ndmax=1), np.array(np.ones((2, 2)), ndmax=1))
    got, want = anp.array(data, ndmax=1, dtype=object), np.array(data, ndmax=1, dtype=object)
    assert got.dtype == want.dtype and got.shape == want.shape and got.tolist() == want.tolist()
    msg = "The requested array would exceed the maximum number of dimension of 2"
    for xp in (np, anp):
        with pytest.raises(ValueError, match=msg):
            xp.array([[[1], [2]], [[3], [4]]], ndmax=2)
        with pytest.raises(ValueError, match="ndmin must be <= ndmax"):
            xp.array(data, ndmax=1, ndmin=2)
        for bad in (-1, 65):
            with pytest.raises(ValueError, match="ndmax must be in the range"):
                xp.array(data, ndmax=bad)
        with pytest.raises(TypeError):
            xp.array(data, ndmax=1.0)


def test_asanyarray_device_and_copy_like_numpy():
    # NumPy 2's asanyarray(..., device=, copy=): arrax's refused both keywords.
    _same(anp.asanyarray([1, 2], device="cpu"), np.asanyarray([1, 2], device="cpu"))
    a = anp.arange(3)
    assert anp.asanyarray(a, copy=True) is not a
    _same(anp.asanyarray(a, copy=True), np.arange(3))
    for xp in (np, anp):
        with pytest.raises(ValueError, match="Unable to avoid copy"):
            xp.asanyarray([1, 2], copy=False)


# --- astype of a sequence (test_numeric.py) -------------------------------------------------


@pytest.mark.parametrize("data", [[1, 2], (1.5, 2)])
def test_astype_of_a_sequence_raises_like_numpy(data):
    # NumPy's (and jax.numpy's) astype takes arrays; arrax's converted the list.
    with pytest.raises(TypeError, match="Input should be a NumPy array"):
        np.astype(data, np.float64)
    with pytest.raises(TypeError, match="Input should be a NumPy array"):
        anp.astype(data, np.float64)
    _same(anp.astype(anp.asarray(data), np.float32), np.astype(np.asarray(data), np.float32))


# --- ndarray methods: choose, resize, partition (test_multiarray.py) -------------------------


def test_choose_method_takes_the_choices_as_positional_arguments_like_numpy():
    # NumPy's a.choose(c0, c1, ...) reads every positional argument as a choice; arrax's read
    # the second one as out= and gave the first choice's items as the choices (wrong values).
    a = np.array([0, 1, 1, 0])
    c0, c1 = np.arange(4), np.arange(4) + 10
    _same(anp.asarray(a).choose(anp.asarray(c0), anp.asarray(c1)), a.choose(c0, c1))
    _same(anp.asarray(a).choose([c0, c1], mode="clip"), a.choose([c0, c1], mode="clip"))
    for x in (a, anp.asarray(a)):
        with pytest.raises(TypeError, match="takes exactly 1 argument"):
            x.choose()


@pytest.mark.parametrize("args", [(), (None,)])
def test_resize_without_a_shape_changes_nothing_like_numpy(args):
    # arrax's resize() and resize(None) made the array 0-d (its first item).
    ours, theirs = anp.eye(3), np.eye(3)
    assert ours.resize(*args) is None
    theirs.resize(*args)
    _same(ours, theirs)


def test_resize_checks_its_arguments_like_numpy():
    for xp in (np, anp):
        with pytest.raises(ValueError, match="negative dimensions not allowed"):
            xp.eye(3).resize(-1)
        with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
            xp.eye(3).resize("hi")
        with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
            xp.eye(3).resize(refcheck="hi")
    ours, theirs = anp.eye(3), np.eye(3)
    ours.resize((2, 5))
    theirs.resize((2, 5))
    _same(ours, theirs)


def test_partition_method_refuses_axis_none_like_numpy():
    # NumPy's method cannot flatten in place: a TypeError; arrax's tried to store the
    # flattened result into the array (a ValueError about broadcasting).
    for xp in (np, anp):
        d = xp.arange(10).reshape(2, 5)
        with pytest.raises(TypeError, match="NoneType"):
            d.partition(2, axis=None)
    _same(anp.partition(anp.arange(10).reshape(2, 5), 2, axis=None),
          np.partition(np.arange(10).reshape(2, 5), 2, axis=None))  # fmt: skip


@pytest.mark.parametrize("method", ["reduce", "accumulate"])
def test_ufunc_method_positional_ellipsis_out_raises_like_numpy(method):
    for xp in (np, anp):
        with pytest.raises(TypeError, match=r"out=\.\.\. is only allowed as a keyword argument"):
            getattr(xp.add, method)(xp.arange(3), 0, None, ...)


# --- signed zeros of complex parts (test_umath.py's branch cuts) ----------------------------


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_setting_imag_keeps_a_negative_zero_like_numpy(dtype):
    # arrax built the complex values as re + 1j*im, which turns -0.0 parts into +0.0: x.imag =
    # -0.0 put x on the upper side of log's branch cut (+pi where NumPy gives -pi).
    ours, theirs = anp.asarray([-0.5, -0.0, 2.0], dtype), np.asarray([-0.5, -0.0, 2.0], dtype)
    ours.imag = -0.0
    theirs.imag = -0.0
    _same(np.signbit(np.asarray(ours).imag), np.signbit(theirs.imag))
    _same(np.signbit(np.asarray(ours).real), np.signbit(theirs.real))
    _same(anp.log(ours), np.log(theirs))
    ours.real = [-0.0, np.inf, np.nan]
    theirs.real = [-0.0, np.inf, np.nan]
    _same(np.signbit(np.asarray(ours).real), np.signbit(theirs.real))
    _same(ours, theirs)


def test_lax_complex_keeps_signed_zeros_and_infinities():
    import itertools

    from arrax import lax

    vals = [-0.0, 0.0, 1.5, np.inf, -np.inf, np.nan]
    re, im = (np.array(v) for v in zip(*itertools.product(vals, vals)))
    want = np.empty(re.shape, np.complex128)
    want.real, want.imag = re, im
    got = np.asarray(lax.complex(anp.asarray(re), anp.asarray(im)))
    _same(got, want)
    _same(np.signbit(got.real), np.signbit(want.real))
    _same(np.signbit(got.imag), np.signbit(want.imag))


# --- reduce's explicit initial=None (test_ufunc.py) -----------------------------------------


@pytest.mark.parametrize("name", ["add", "minimum", "multiply", "hypot"])
@pytest.mark.parametrize("shape, axis", [((0,), 0), ((0, 3), 0), ((2, 0), None), ((0, 0), 0)])
def test_reduce_with_initial_none_of_nothing_raises_like_numpy(name, shape, axis):
    # NumPy's initial=None reduces without the identity: nothing to reduce is a ValueError;
    # arrax took None for "not given" and returned the identity.
    msg = f"zero-size array to reduction operation {name} which has no identity"
    with pytest.raises(ValueError, match=msg):
        getattr(np, name).reduce(np.zeros(shape), axis=axis, initial=None)
    with pytest.raises(ValueError, match=msg):
        getattr(anp, name).reduce(anp.zeros(shape), axis=axis, initial=None)


def test_reduce_with_initial_none_of_items_like_numpy():
    x = np.zeros((0, 3))
    _same(
        anp.add.reduce(anp.asarray(x), axis=1, initial=None), np.add.reduce(x, axis=1, initial=None)
    )
    _same(anp.add.reduce(anp.asarray([1, 2]), initial=None), np.add.reduce([1, 2], initial=None))
    _same(anp.add.reduce(anp.asarray([])), np.add.reduce([]))
