"""Public NumPy exercise programs (numpy-100, "From Python to NumPy", the Python Data Science
Handbook) run with arrax.numpy in place of NumPy, and the divergences they found: values,
dtypes and shapes, the types a program builds, and the modules it imports must be NumPy's."""

import importlib
import io

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import assert_exactly

_same = assert_exactly  # (conftest: dtype, shape and values, no tolerance)


# --- numpy.lib's submodules import by name (numpy-100 #76, #84) ------------------------------


def test_stride_tricks_imports_as_a_module():
    from arrax.numpy.lib.stride_tricks import as_strided, sliding_window_view

    st = importlib.import_module("arrax.numpy.lib.stride_tricks")
    assert st is anp.lib.stride_tricks
    z = np.arange(20).reshape(4, 5)
    _same(
        sliding_window_view(anp.asarray(z), (3, 3)),
        np.lib.stride_tricks.sliding_window_view(z, (3, 3)),
    )
    a = anp.asarray(z)
    _same(
        as_strided(a, shape=(2, 3, 3, 3), strides=a.strides + a.strides),
        np.lib.stride_tricks.as_strided(z, shape=(2, 3, 3, 3), strides=z.strides + z.strides),
    )


@pytest.mark.parametrize("name", ["array_utils", "mixins", "npyio", "scimath"])
def test_lib_submodules_import_by_name(name):
    module = importlib.import_module(f"arrax.numpy.lib.{name}")
    assert module is getattr(anp.lib, name)


def test_lib_scimath_is_emath():
    from arrax.numpy.lib.scimath import sqrt

    r, n = sqrt(anp.asarray([-1.0, 4.0])), np.lib.scimath.sqrt(np.array([-1.0, 4.0]))
    _same(r, n)


def test_lib_array_utils_byte_bounds_of_views():
    from arrax.numpy.lib.array_utils import byte_bounds

    base = anp.arange(64).reshape(8, 8)
    view = base[1:-1, 1:-1]
    nb = np.arange(64).reshape(8, 8)
    nv = nb[1:-1, 1:-1]
    got = byte_bounds(view)[0] - byte_bounds(base)[0], byte_bounds(view)[1] - byte_bounds(base)[0]
    want = byte_bounds(nv)[0] - byte_bounds(nb)[0], byte_bounds(nv)[1] - byte_bounds(nb)[0]
    assert got == want


# --- numpy.info (numpy-100 #5) ---------------------------------------------------------------


def _info(m, obj):
    out = io.StringIO()
    m.info(obj, output=out)
    return out.getvalue()


def test_info_of_a_ufunc_gives_numpys_text():
    assert _info(anp, anp.add) == _info(np, np.add)
    assert "Add arguments element-wise" in _info(anp, anp.add)


def test_info_of_an_array_gives_its_layout():
    def lines(text):
        return [x for x in text.splitlines() if not x.startswith("data pointer")]

    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    assert lines(_info(anp, anp.asarray(a))) == lines(_info(np, a))


def test_info_of_a_function_shows_its_doc():
    assert "norm" in _info(anp, anp.linalg.norm)


# --- ndarray.view(subclass) (numpy-100 #63, #85) -----------------------------------------------


def _symmetric_program(m):
    class Symetric(m.ndarray):
        def __setitem__(self, index, value):
            i, j = index
            super().__setitem__((i, j), value)
            super().__setitem__((j, i), value)

    def symetric(Z):
        return m.asarray(Z + Z.T - m.diag(Z.diagonal())).view(Symetric)

    S = symetric(m.arange(25).reshape(5, 5) % 7)
    S[2, 3] = 42
    return S, Symetric


def test_view_as_a_subclass_keeps_its_methods():
    (s, cls), (n, _) = _symmetric_program(anp), _symmetric_program(np)
    assert type(s) is cls
    _same(s, n)


def _named_program(m):
    class NamedArray(m.ndarray):
        def __new__(cls, array, name="no name"):
            obj = m.asarray(array).view(cls)
            obj.name = name
            return obj

        def __array_finalize__(self, obj):
            if obj is None:
                return
            self.info = getattr(obj, "name", "no name")

    return NamedArray(m.arange(10), "range_10"), NamedArray


def test_view_as_a_subclass_calls_array_finalize():
    (z, cls), (n, ncls) = _named_program(anp), _named_program(np)
    assert type(z) is cls and type(n) is ncls
    assert (z.name, z.info) == (n.name, n.info) == ("range_10", "no name")
    _same(z, n)


def test_view_as_a_subclass_shares_memory_and_takes_a_dtype():
    class Tagged(anp.ndarray):
        def __array_finalize__(self, obj):
            self.tag = getattr(obj, "tag", "from parent")

    class NTagged(np.ndarray):
        def __array_finalize__(self, obj):
            self.tag = getattr(obj, "tag", "from parent")

    a, n = anp.arange(4.0), np.arange(4.0)
    v, nv = a.view(Tagged), n.view(NTagged)
    v[0], nv[0] = 10.0, 10.0
    _same(a, n)
    assert anp.shares_memory(a, v) and v.tag == nv.tag == "from parent"
    w, nw = a.view(anp.int64, Tagged), n.view(np.int64, NTagged)
    assert type(w) is Tagged and type(nw) is NTagged
    _same(w, nw)
    t, nt = a.view(type=Tagged), n.view(type=NTagged)
    assert type(t) is Tagged and type(nt) is NTagged
    # traced: the view is the array's (a subclass's instance holds a tracer as well)
    _same(arrax.jit(lambda x: x.view(Tagged) * 2)(a), nv * 2)
    _same(arrax.grad(lambda x: (x.view(Tagged) ** 2).sum())(a), 2 * n)


# --- names that `from numpy import *` programs use (numpy-100 #26) -----------------------------


def test_flatiter_is_the_type_of_flat():
    assert isinstance(anp.arange(6).reshape(2, 3).flat, anp.flatiter)
    assert isinstance(np.arange(6).reshape(2, 3).flat, np.flatiter)


def test_show_runtime_exists():
    assert anp.show_runtime is np.show_runtime


# --- the programs' computations (numpy-100 #84, #87: block sums, windows) ----------------------


def _block_sums(m):
    from importlib import import_module

    st = import_module(f"{m.__name__}.lib.stride_tricks")
    z = m.arange(256.0).reshape(16, 16)
    k = 4
    s1 = m.add.reduceat(
        m.add.reduceat(z, m.arange(0, z.shape[0], k), axis=0), m.arange(0, z.shape[1], k), axis=1
    )
    s2 = st.sliding_window_view(z, (k, k))[::k, ::k, ...].sum(axis=(-2, -1))
    return s1, s2


def test_block_sums_program():
    for r, n in zip(_block_sums(anp), _block_sums(np)):
        _same(r, n)
