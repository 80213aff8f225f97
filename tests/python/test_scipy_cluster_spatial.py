"""arrax.scipy.cluster.vq and arrax.scipy.spatial.transform against jax.scipy (with float64
enabled) and SciPy: values and dtypes over tables of cases; jit, vmap and derivatives."""

import warnings

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax.scipy.cluster import vq
from arrax.scipy.spatial import transform
from arrax.test_util import check_grads

jax = pytest.importorskip("jax")
jnp = jax.numpy
jvq = pytest.importorskip("jax.scipy.cluster.vq")
jtf = pytest.importorskip("jax.scipy.spatial.transform")
pytestmark = pytest.mark.usefixtures("jax_x64")  # JAX in float64 for these comparisons
svq = pytest.importorskip("scipy.cluster.vq")
stf = pytest.importorskip("scipy.spatial.transform")

rng = np.random.default_rng(1)
R, JR, SR = transform.Rotation, jtf.Rotation, stf.Rotation


def close(got, want, tol=None):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if tol is None:
        tol = 2e-6 if want.dtype in (np.float32, np.complex64) else 1e-12
    scale = max(float(np.max(np.abs(want), initial=0.0)), 1e-300)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale)


def on_jax(f, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jax.jit(f)(*[jnp.asarray(a) for a in args])


# ---- cluster.vq ------------------------------------------------------------------------------

# (observations shape, code book shape, dtype(s))
VQ_CASES = [
    ((7, 3), (4, 3), ("float64", "float64")),
    ((7, 3), (4, 3), ("float32", "float32")),
    ((9,), (3,), ("int64", "int64")),
    ((6, 2), (5, 2), ("int32", "int32")),  # JAX: float32 distances
    ((6, 2), (5, 2), ("int64", "float32")),  # JAX: float32
    ((6, 2), (2, 2), ("complex128", "complex128")),
]


@pytest.mark.parametrize("so,sc,dts", VQ_CASES)
def test_vq_matches_jax(so, sc, dts):
    obs = (rng.standard_normal(so) * 3).astype(dts[0])
    book = (rng.standard_normal(sc) * 3).astype(dts[1])
    got = vq.vq(anp.asarray(obs), anp.asarray(book))
    want = on_jax(jvq.vq, obs, book)
    for g, w in zip(got, want):
        close(g, w)
    if dts[0] == "float64":
        for g, w in zip(got, svq.vq(obs, book)):
            np.testing.assert_allclose(np.asarray(g), w, rtol=1e-12)


def test_vq_transforms():
    obs, book = rng.standard_normal((3, 6, 2)), rng.standard_normal((4, 2))
    codes, dists = arrax.vmap(vq.vq, in_axes=(0, None))(anp.asarray(obs), anp.asarray(book))
    for i in range(3):
        c, d = vq.vq(anp.asarray(obs[i]), anp.asarray(book))
        close(codes[i], c)
        close(dists[i], d)
    close(arrax.jit(vq.vq)(anp.asarray(obs[0]), anp.asarray(book))[1], dists[0])
    f = lambda o: vq.vq(o, anp.asarray(book))[1]  # noqa: E731
    check_grads(f, (anp.asarray(obs[0]),), order=1, modes=("fwd", "rev"))


def test_vq_errors():
    with pytest.raises(ValueError, match="^vq: observation and code_book"):
        vq.vq(anp.ones((3, 2)), anp.ones(2))
    with pytest.raises(ValueError, match="^vq: ndim"):
        vq.vq(anp.ones((3, 2, 1)), anp.ones((3, 2, 1)))


# ---- spatial.transform -----------------------------------------------------------------------

QUATS = rng.standard_normal((5, 4))
QUATS[1] = [0.0, 0.0, 0.0, -2.0]  # the identity, sign-flipped
QUATS[2] = [1e-5, 0.0, 2e-5, 1.0]  # a tiny angle (the series branches)
QUATS[3] = [0.0, 1.0, 0.0, 0.0]  # a half turn (w = 0)


def _rot(q, mod=np):
    return (R if mod is np else JR).from_quat((anp if mod is np else jnp).asarray(q))


# (name, function of a Rotation class and a quaternion stack, for arrax and JAX alike)
ROTATION_CASES = [
    ("as_matrix", lambda C, q: C.from_quat(q).as_matrix()),
    ("as_rotvec", lambda C, q: C.from_quat(q).as_rotvec()),
    ("as_rotvec_deg", lambda C, q: C.from_quat(q).as_rotvec(degrees=True)),
    ("as_mrp", lambda C, q: C.from_quat(q).as_mrp()),
    ("as_quat_canonical", lambda C, q: C.from_quat(q).as_quat(canonical=True, scalar_first=True)),
    ("magnitude", lambda C, q: C.from_quat(q).magnitude()),
    ("inv", lambda C, q: C.from_quat(q).inv().as_quat()),
    ("mul", lambda C, q: (C.from_quat(q) * C.from_quat(q[::-1])).as_quat()),
    ("apply", lambda C, q: C.from_quat(q).apply(q[:, :3] * 2)),
    ("apply_inverse", lambda C, q: C.from_quat(q).apply(q[0, :3], inverse=True)),
    ("matrix_roundtrip", lambda C, q: C.from_matrix(C.from_quat(q).as_matrix()).as_matrix()),
    ("from_matrix", lambda C, q: C.from_matrix(C.from_quat(q).as_matrix()).as_quat()),
    ("rotvec_roundtrip", lambda C, q: C.from_rotvec(C.from_quat(q).as_rotvec()).as_quat()),
    ("from_rotvec_deg", lambda C, q: C.from_rotvec(q[:, :3] * 40, degrees=True).as_quat()),
    ("from_mrp", lambda C, q: C.from_mrp(q[:, :3]).as_quat()),
    ("single", lambda C, q: C.from_quat(q[0]).as_rotvec()),
    ("getitem", lambda C, q: C.from_quat(q)[1:3].as_quat()),
    ("concatenate", lambda C, q: C.concatenate([C.from_quat(q[:2]), C.from_quat(q[3:])]).quat),
    ("mean_matrix", lambda C, q: C.from_quat(q).mean(anp.arange(1.0, 6.0) if C is R else
                                                     jnp.arange(1.0, 6.0)).as_matrix()),
]  # fmt: skip
EULER_SEQS = ["xyz", "ZYX", "zxz", "XYX", "yzx", "x", "YZ"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,f", ROTATION_CASES, ids=[c[0] for c in ROTATION_CASES])
def test_rotation_matches_jax(name, f, dtype):
    q = QUATS.astype(dtype)
    got = f(R, anp.asarray(q))
    want = on_jax(lambda q: f(JR, q), q)
    close(got, want, tol=2e-5 if dtype == "float32" else 1e-11)


@pytest.mark.parametrize("seq", EULER_SEQS)
def test_euler_matches_jax_and_scipy(seq):
    angles = rng.uniform(-3, 3, (6, len(seq)))
    angles[0, 1:] = 0.0  # gimbal lock for the symmetric sequences
    got = R.from_euler(seq, anp.asarray(angles))
    close(got.quat, on_jax(lambda a: JR.from_euler(seq, a).quat, angles))
    close(got.as_matrix(), SR.from_euler(seq, angles).as_matrix())
    if len(seq) == 3:
        q = anp.asarray(QUATS)
        close(R.from_quat(q).as_euler(seq), on_jax(lambda q: JR.from_quat(q).as_euler(seq), QUATS))
        deg = np.asarray(R.from_quat(q).as_euler(seq, degrees=True))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SciPy's gimbal-lock warning
            diff = deg - SR.from_quat(QUATS).as_euler(seq, degrees=True)
        # -180 and 180 are the same angle
        np.testing.assert_allclose((diff + 180) % 360 - 180, 0.0, atol=1e-9)


def test_rotations_match_scipy():
    r, s = R.from_quat(anp.asarray(QUATS)), SR.from_quat(QUATS)
    close(r.as_matrix(), s.as_matrix())
    close(r.as_rotvec(), s.as_rotvec())
    close(r.magnitude(), s.magnitude())
    close(R.from_matrix(anp.asarray(s.as_matrix())).as_matrix(), s.as_matrix())
    close(r.as_quat(canonical=True), s.as_quat(canonical=True))
    close(r.mean().as_matrix(), s.mean().as_matrix())
    assert len(r) == 5 and r[0].single and not r.single
    close(R.identity(3).as_matrix(), SR.identity(3).as_matrix())


def test_slerp_matches_jax_and_scipy():
    times = np.array([0.0, 1.0, 2.5, 4.0, 5.0])
    t = np.array([0.0, 0.3, 1.0, 2.0, 3.9, 5.0])
    got = transform.Slerp.init(anp.asarray(times), R.from_quat(anp.asarray(QUATS)))
    want = on_jax(lambda ti, q, t: jtf.Slerp.init(ti, JR.from_quat(q))(t).quat, times, QUATS, t)
    close(got(anp.asarray(t)).quat, want)
    close(got(anp.asarray(t)).as_matrix(), stf.Slerp(times, SR.from_quat(QUATS))(t).as_matrix())
    assert got(2.0).single


def test_rotation_transforms():
    q = anp.asarray(QUATS)
    # Rotation and Slerp are pytrees through jit and vmap
    close(arrax.jit(lambda r: r.as_rotvec())(R.from_quat(q)), R.from_quat(q).as_rotvec())
    got = arrax.vmap(lambda q: R.from_quat(q).as_euler("zyx"))(q)
    close(got, R.from_quat(q).as_euler("zyx"))
    slerp = transform.Slerp.init(anp.arange(5.0), R.from_quat(q))
    close(arrax.jit(lambda s, t: s(t).quat)(slerp, anp.asarray([0.5, 3.2])),
          slerp(anp.asarray([0.5, 3.2])).quat)  # fmt: skip
    for f in [
        lambda v: R.from_rotvec(v).as_matrix(),
        lambda v: R.from_rotvec(v).as_euler("xyz"),
        lambda v: R.from_matrix(R.from_rotvec(v).as_matrix()).as_rotvec(),
        lambda v: R.from_euler("ZXZ", v).apply(anp.asarray([1.0, 2.0, 3.0])),
        lambda v: transform.Slerp.init(anp.arange(5.0), R.from_quat(q))(v[:, 0] + 2).as_quat(),
    ]:
        check_grads(f, (anp.asarray(rng.uniform(-1, 1, (4, 3))),), order=1, modes=("fwd", "rev"))


ROTATION_ERRORS = [
    (lambda: R.from_euler("xyzx", anp.ones(4)), ValueError, "Rotation.from_euler: expected axis"),
    (lambda: R.from_euler("xY", anp.ones(2)), ValueError, "Rotation.from_euler: expected axes"),
    (lambda: R.from_euler("xx", anp.ones(2)), ValueError, "Rotation.from_euler: expected consec"),
    (lambda: R.from_quat(anp.ones(4)).as_euler("xy"), ValueError, "Rotation.as_euler: expected 3"),
    (lambda: R.from_quat(anp.ones(4))[0], TypeError, "Rotation: a single rotation"),
    (lambda: len(R.from_quat(anp.ones(4))), TypeError, "Rotation: a single rotation"),
    (lambda: R.from_quat(anp.ones((3, 4))).mean(anp.ones(2)), ValueError, "Rotation.mean: expected"),
    (lambda: R.from_matrix(anp.ones((3, 4))), ValueError, "Rotation.from_matrix: expected"),
    (lambda: transform.Slerp.init(anp.arange(2.0), anp.ones((2, 4))), TypeError, "Slerp:"),
    (lambda: transform.Slerp.init(anp.arange(3.0), R.from_quat(anp.ones((2, 4)))), ValueError,
     "Slerp: expected number"),
]  # fmt: skip


@pytest.mark.parametrize("call,exc,match", ROTATION_ERRORS, ids=[c[2] for c in ROTATION_ERRORS])
def test_rotation_errors(call, exc, match):
    with pytest.raises(exc, match="^" + match):
        call()


def test_random_rotations_are_unit_quaternions():
    r = R.random(arrax.random.PRNGKey(0), 100)
    close(anp.linalg.norm(r.quat, axis=-1), np.ones(100))
    assert R.random(arrax.random.PRNGKey(1)).single
