"""jax.typeof, jax.make_mesh and jax.shard_map against JAX itself on one device (JAX on the CPU
has one): the same abstract values, meshes and shard_map results, collectives included."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = [
    pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature"),
    pytest.mark.usefixtures("jax_x64"),
]
jax = pytest.importorskip("jax")
jnp = jax.numpy


@pytest.mark.parametrize(
    "make",
    [
        lambda np_: np_.ones(3, np_.float32),
        lambda np_: np_.zeros((2, 0, 4), np_.int16),
        lambda np_: 2.0,
        lambda np_: 3,
        lambda np_: np.float32(1.0),
    ],
)
def test_typeof_matches_jax(make):
    got, want = arrax.typeof(make(anp)), jax.typeof(make(jnp))
    assert (got.shape, got.dtype, got.weak_type) == (want.shape, want.dtype, want.weak_type)
    assert str(got) == str(want) and repr(got) == repr(want)


def test_typeof_of_a_tracer_is_what_the_function_sees():
    seen = []
    arrax.jit(lambda x: seen.append(arrax.typeof(x)) or x)(anp.ones((2, 5), anp.float32))
    arrax.vmap(lambda x: seen.append(arrax.typeof(x)) or x)(anp.ones((2, 5), anp.float32))
    assert [str(t) for t in seen] == ["float32[2,5]", "float32[5]"]


def test_make_mesh_matches_jax_and_refuses_more_devices_than_there_are():
    got, want = arrax.make_mesh((1, 1), ("a", "b")), jax.make_mesh((1, 1), ("a", "b"))
    assert got.shape == dict(want.shape) and got.axis_names == want.axis_names
    assert got.size == want.size == 1
    with pytest.raises(ValueError, match="needs 2 devices"):
        arrax.make_mesh((2,), ("x",))
    with pytest.raises(ValueError, match="axis names"):
        arrax.make_mesh((1,), ("x", "y"))


def _programs(L, mesh, P):
    """shard_map programs on a one-device mesh, written once for both libraries (replicated
    inputs: JAX refuses sharded in_specs for arrays it has not sharded)."""

    def total(x):
        return L.lax.psum(x.sum(), "data") + L.lax.axis_index("data")

    def two_axes(x, y):
        return x * y, L.lax.pmean(y, ("a", "b"))

    return {
        "psum": (L.shard_map(total, mesh=mesh["1"], in_specs=P(), out_specs=P(),
                             check_vma=False), (np.arange(4.0),)),
        "two_axes": (L.shard_map(two_axes, mesh=mesh["2"], in_specs=(P(), P()),
                                 out_specs=(P(), P()), check_vma=False),
                     (np.ones((2, 3)), np.full(3, 2.0))),
    }  # fmt: skip


@pytest.mark.parametrize("name", ["psum", "two_axes"])
@pytest.mark.parametrize("transform", ["eager", "jit", "grad"])
def test_shard_map_matches_jax(name, transform):
    meshes_a = {"1": arrax.make_mesh((1,), ("data",)), "2": arrax.make_mesh((1, 1), ("a", "b"))}
    meshes_j = {"1": jax.make_mesh((1,), ("data",)), "2": jax.make_mesh((1, 1), ("a", "b"))}
    fa, args = _programs(arrax, meshes_a, arrax.P)[name]
    fj, _ = _programs(jax, meshes_j, jax.P)[name]

    def wrap(L, f):
        if transform == "jit":
            return L.jit(f)
        if transform == "grad":
            return L.grad(lambda *a: sum(L.numpy.sum(o) for o in L.tree_util.tree_leaves(f(*a))))
        return f

    got = wrap(arrax, fa)(*[anp.asarray(a) for a in args])
    want = wrap(jax, fj)(*[jnp.asarray(a) for a in args])
    for g, w in zip(arrax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w))


def test_shard_map_needs_a_one_device_mesh():
    with pytest.raises(TypeError, match="mesh"):
        arrax.shard_map(lambda x: x, out_specs=arrax.P())(anp.ones(2))
    big = arrax.sharding.Mesh(np.array([arrax.devices()[0]] * 2, dtype=object), ("x",))
    with pytest.raises(NotImplementedError, match="one device"):
        arrax.shard_map(lambda x: x, mesh=big, in_specs=arrax.P("x"), out_specs=arrax.P("x"))
