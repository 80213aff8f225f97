"""File I/O (files NumPy reads and writes, atomic writes, clear errors on bad files), print
options, and the protocols: NumPy functions and ufuncs on arrax arrays return arrax arrays,
the Array API namespace, DLPack with NumPy and JAX."""

import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")

A = np.arange(12.0).reshape(3, 4).astype(np.float32)


def test_npy_round_trip_with_numpy(tmp_path):
    a = anp.asarray(A)
    anp.save(tmp_path / "a", a)  # .npy appended, as NumPy does
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), A)
    np.save(tmp_path / "b.npy", A.astype(np.int16))
    b = anp.load(tmp_path / "b.npy")
    assert isinstance(b, anp.ndarray) and b.dtype == np.int16
    np.testing.assert_array_equal(np.asarray(b), A.astype(np.int16))


def test_npz_round_trip_with_numpy(tmp_path):
    anp.savez(tmp_path / "z", anp.asarray(A), w=anp.ones(3))
    with np.load(tmp_path / "z.npz") as z:
        np.testing.assert_array_equal(z["arr_0"], A)
    anp.savez_compressed(tmp_path / "c.npz", x=anp.asarray(A))
    np.savez(tmp_path / "n.npz", p=A, q=np.arange(3))
    with anp.load(tmp_path / "n.npz") as z:
        assert sorted(z.files) == ["p", "q"] and isinstance(z["q"], anp.ndarray)
        np.testing.assert_array_equal(np.asarray(z["p"]), A)
    with anp.load(tmp_path / "c.npz") as z:
        np.testing.assert_array_equal(np.asarray(z["x"]), A)


def test_text_files(tmp_path):
    anp.savetxt(tmp_path / "t.txt", anp.asarray(A), fmt="%.3f", delimiter=",")
    np.testing.assert_allclose(np.loadtxt(tmp_path / "t.txt", delimiter=","), A)
    back = anp.loadtxt(tmp_path / "t.txt", delimiter=",")
    assert isinstance(back, anp.ndarray)
    g = anp.genfromtxt(tmp_path / "t.txt", delimiter=",", usecols=(0, 2))
    np.testing.assert_allclose(np.asarray(g), A[:, [0, 2]])


def test_truncated_and_foreign_files_raise_value_error(tmp_path):
    anp.save(tmp_path / "a.npy", anp.asarray(A))
    data = (tmp_path / "a.npy").read_bytes()
    (tmp_path / "cut.npy").write_bytes(data[: len(data) // 2])
    (tmp_path / "junk.npy").write_bytes(b"this is not an array")
    for name in ("cut.npy", "junk.npy"):
        with pytest.raises(ValueError, match="load"):
            anp.load(tmp_path / name)


def test_writes_are_atomic(tmp_path, monkeypatch):
    target = tmp_path / "keep.npy"
    anp.save(target, anp.asarray(A))
    before = target.read_bytes()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(np, "save", fail)
    with pytest.raises(RuntimeError):
        anp.save(target, anp.zeros(2))
    assert target.read_bytes() == before  # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["keep.npy"]  # no temporary left behind


def test_numpy_functions_and_ufuncs_return_arrax_arrays():
    a = anp.asarray(A)
    for r in (
        np.sum(a, axis=0),
        np.add(a, 1),
        np.concatenate([a, a]),
        np.linalg.norm(a, axis=1),
        np.fft.rfft(a),
        np.median(a),
        np.add.reduce(a, axis=1),
        np.polyfit(np.arange(4.0), a[0], 1),  # NumPy runs what arrax lacks
    ):
        assert isinstance(r, anp.ndarray), type(r)
    np.testing.assert_allclose(np.asarray(np.exp(a)), np.exp(A), rtol=1e-6)


def test_array_namespace_and_dlpack(on_cpu):  # NumPy takes CPU DLPack only
    a = anp.asarray(A)
    assert a.__array_namespace__() is anp
    assert a.__dlpack_device__() == (1, 0)
    n = np.from_dlpack(a)
    np.testing.assert_array_equal(n, A)
    b = anp.from_dlpack(np.arange(4.0))
    assert isinstance(b, anp.ndarray)
    jax = pytest.importorskip("jax")
    j = jax.numpy.from_dlpack(a)
    np.testing.assert_array_equal(np.asarray(j), A)
    back = anp.from_dlpack(jax.numpy.arange(3.0))
    np.testing.assert_array_equal(np.asarray(back), [0.0, 1.0, 2.0])


def test_printoptions_and_dtype_utilities():
    a = anp.asarray([1 / 3, 2 / 3])
    with anp.printoptions(precision=2):
        assert repr(a) == "array([0.33, 0.67])"
    assert repr(a) == repr(np.array([1 / 3, 2 / 3]))
    assert anp.isdtype(anp.float32, "real floating") and not anp.isdtype(anp.int8, "bool")
    with anp.errstate(divide="ignore"):
        anp.asarray(1.0) / 0


@pytest.mark.usefixtures("on_cpu")
def test_dlpack_with_pytorch_is_zero_copy():
    torch = pytest.importorskip("torch")
    a = anp.arange(6.0).reshape(2, 3)
    t = torch.from_dlpack(a)
    t[0, 0] = 42.0
    assert float(a[0, 0]) == 42.0  # the tensor views arrax's memory
    b = anp.from_dlpack(torch.arange(4.0))
    assert isinstance(b, anp.ndarray)
    np.testing.assert_array_equal(np.asarray(b), [0.0, 1.0, 2.0, 3.0])
