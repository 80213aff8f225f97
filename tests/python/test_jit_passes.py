"""The jit's optimization passes (transforms/passes.cpp, fusion.cpp): each keeps the values and
does what it says, visible in ``jit(f).lower(...)``."""

import arrax
import arrax.numpy as anp
import numpy as np
import pytest

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")


def chain(x):
    return anp.tanh(0.5 * x + 0.1) * anp.exp(-x * x) + anp.sin(x)


def test_elementwise_chain_is_one_fused_region_with_the_same_values():
    x = anp.linspace(-2, 2, 100_000, dtype=np.float32)
    f = arrax.jit(chain)
    ir = f.lower(x)
    assert ir.primitives == ["fused"]
    assert "tanh" in str(ir) and "exp" in str(ir)
    np.testing.assert_allclose(np.asarray(f(x)), np.asarray(chain(x)), rtol=2e-6, atol=2e-6)


def test_small_and_0d_regions_fuse_too_with_the_same_values():
    # The fused executor costs less than one dispatch per operation even on a few elements
    # (an optimizer's update of a bias); 0-d regions too.
    for x in (anp.linspace(-2, 2, 8, dtype=np.float32), anp.asarray(0.5, dtype=np.float32)):
        f = arrax.jit(chain)
        assert f.lower(x).primitives == ["fused"]
        np.testing.assert_allclose(np.asarray(f(x)), np.asarray(chain(x)), rtol=2e-6, atol=2e-6)


def test_fusion_respects_dependencies_through_unfused_ops():
    def f(x):
        a = anp.sin(x) + 1
        s = anp.sum(a)  # a reduction reads a: a's region ends there
        return anp.cos(a) * s + a

    x = anp.linspace(0, 1, 50_000)
    g = arrax.jit(f)
    np.testing.assert_allclose(np.asarray(g(x)), np.asarray(f(x)), rtol=1e-12)
    g.lower(x).verify()


def test_dead_code_and_common_subexpressions():
    def f(x):
        unused = anp.exp(x) * 3  # noqa: F841
        return anp.sin(x) + anp.sin(x)

    ir = str(arrax.jit(f).lower(anp.ones(3)))  # with any fused regions inside
    assert ir.count("= sin ") == 1 and "exp" not in ir
    traced = arrax.jit(f).trace(anp.ones(3))
    assert traced.primitives.count("sin") == 2 and "exp" in traced.primitives


def test_constant_folding_and_simplification():
    c = anp.arange(4.0)

    def f(x):
        return x * 1.0 + 0.0 + (c * 2 + 1).sum() + anp.asarray(x, dtype=x.dtype)

    ir = arrax.jit(f).lower(anp.ones(4))
    assert (
        ir.primitives == ["add", "add"] or ir.primitives == ["fused"] or "mul" not in ir.primitives
    )
    assert "reduce_sum" not in ir.primitives  # folded: it only reads a constant
    np.testing.assert_allclose(np.asarray(arrax.jit(f)(anp.ones(4))), np.asarray(f(anp.ones(4))))


def test_each_pass_keeps_values():
    def f(x, y):
        z = anp.tanh(x @ y) * 2.0
        return anp.sum(z * z, axis=0) + anp.sum(anp.exp(x), axis=1)[:3] * 0 + z[0]

    x, y = anp.ones((5, 4)) * 0.1, anp.ones((4, 3)) * 0.2
    g = arrax.jit(f).trace(x, y)
    want = np.asarray(g.eval(x, y)[0])
    for p in (
        "inline_calls",
        "simplify",
        "eliminate_common_subexpressions",
        "eliminate_dead_code",
        "fuse_elementwise",
        "optimized",
    ):
        h = getattr(g, p)()
        h.verify()
        np.testing.assert_allclose(np.asarray(h.eval(x, y)[0]), want, rtol=1e-12)


def test_grad_of_jit_and_jit_of_grad_of_a_fused_function():
    x = anp.linspace(-1, 1, 10_000)
    g1 = arrax.jit(arrax.grad(lambda v: anp.sum(chain(v))))(x)
    g2 = arrax.grad(lambda v: anp.sum(arrax.jit(chain)(v)))(x)
    np.testing.assert_allclose(np.asarray(g1), np.asarray(g2), rtol=1e-12)


def test_profile_report_counts_primitives_of_jitted_graphs():
    # ARRAX_PROFILE is read when arrax starts: check it in a process of its own.
    import subprocess
    import sys

    code = (
        "import arrax, arrax.numpy as np\n"
        "from arrax import _core\n"
        "f = arrax.jit(lambda x: np.sum(np.tanh(x) @ x))\n"
        "f(np.ones((8, 8)))\n"
        "rep = {n: (c, s) for n, c, s in _core._profile_report()}\n"
        "assert rep['dot_general'][0] == 1 and rep['reduce_sum'][0] == 1, rep\n"
        "assert all(s >= 0 for c, s in rep.values())\n"
        "_core._profile_reset()\n"
        "assert _core._profile_report() == []\n"
    )
    env = dict(__import__("os").environ, ARRAX_PROFILE="1")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_outputs_never_alias_inputs_constants_or_each_other():
    # x + 0 simplifies to x, and CSE merges equal outputs: each output still gets its own
    # buffer, so writing into one leaves the arguments and the other outputs alone.
    a = anp.ones(3)
    b = arrax.jit(lambda x: x + 0)(a)
    b[0] = 5.0
    assert a.tolist() == [1.0, 1.0, 1.0]
    c, d = arrax.jit(lambda x: (x * 2, x * 2))(a)
    c[0] = 7.0
    assert d.tolist() == [2.0, 2.0, 2.0]
    k = anp.arange(3.0)
    f = arrax.jit(lambda: k * 1)
    f()[0] = 9.0
    assert f().tolist() == [0.0, 1.0, 2.0]


def test_conj_real_and_copy_of_real_arrays_simplify_away():
    x = anp.linspace(0.0, 1.0, 5000).astype(anp.float32)
    ir = arrax.jit(lambda x: anp.real(anp.conj(x).copy()) * 2.0 + 1.0).lower(x)
    assert "conj" not in str(ir) and "real" not in str(ir) and "copy" not in str(ir)
    z = anp.asarray([1 + 2j, 3 - 1j])
    assert "= conj " in str(arrax.jit(lambda z: anp.conj(z) + z).lower(z))  # complex: kept


def test_cheap_values_are_recomputed_where_another_region_reads_them():
    # h and y are cheap functions of x and b: the second region remakes them from x and b
    # instead of the first region writing them out (a training step's residuals).
    x = anp.asarray(np.random.default_rng(0).standard_normal((64, 100)).astype(np.float32))
    b = anp.asarray(np.linspace(-1, 1, 100, dtype=np.float32))

    def f(x, b):
        h = x + b
        y = h * 2.0
        s = anp.sum(y, axis=1, keepdims=True)
        return h * s + y, anp.tanh(y) - h

    ir = arrax.jit(f).lower(x, b)
    text = str(ir)
    assert text.count("= add ") >= 2  # x + b made in both regions
    for got, want in zip(arrax.jit(f)(x, b), f(x, b)):  # (float32 row sums in two orders)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-5)
    g = arrax.jit(arrax.grad(lambda x, b: anp.sum(f(x, b)[0] ** 2), argnums=(0, 1)))(x, b)
    want = arrax.grad(lambda x, b: anp.sum(f(x, b)[0] ** 2), argnums=(0, 1))(x, b)
    for a, w in zip(g, want):
        np.testing.assert_allclose(np.asarray(a), np.asarray(w), rtol=1e-4)


def test_fused_regions_carry_no_dead_members():
    # The forward pass's ReLU mask is remade by the backward region from the pre-activation;
    # the forward region then neither computes nor is passed what only the mask needed.
    rng = np.random.default_rng(1)
    w1, w2 = rng.standard_normal((6, 8)), rng.standard_normal((8, 3))
    x = rng.standard_normal((5, 6))

    def loss(p, x):
        h = anp.maximum(x @ p[0] + 0.5, 0.0)
        return anp.sum(anp.tanh(h @ p[1]) ** 2)

    step = arrax.jit(arrax.grad(loss))
    ir = step.lower((w1, w2), x)
    fused = [e for e in ir.eqns if e[0] == "fused"]
    assert fused
    for _, params, inputs, _ in fused:
        sub = params["graph"][0]
        assert len(sub.invars) == len(inputs)
        read = set(sub.outvars)
        for _, _, ins, _ in sub.eqns:
            read.update(ins)
        for name, _, _, outs in sub.eqns:
            assert any(v in read for v in outs), (name, str(sub))
        assert set(sub.invars) <= read, str(sub)
    for got, want in zip(step((w1, w2), x), arrax.grad(loss)((w1, w2), x)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12)


@pytest.mark.parametrize("rows,limited", [(1024, False), (512 * 256 // 10 + 1, True)])
def test_small_broadcast_values_are_computed_by_their_readers(rows, limited):
    # A log-softmax's per-row max (cleaned of infinities) and the log of its per-row sum are
    # elementwise on [rows, 1] and then broadcast: below 2^16 broadcast items they are remade
    # by the regions that read them (no region of their own), above it they stay where they
    # are. Values as eager, NaN and inf rows included.
    x = np.random.default_rng(2).standard_normal((rows, 10)).astype(np.float32)
    x[3, 4], x[5] = np.inf, -np.inf

    def f(x):
        return arrax.nn.log_softmax(x, axis=-1)

    ir = arrax.jit(f).lower(x)
    per_row = [  # equations over the [rows, 1] values
        e for e in ir.eqns
        if e[0] in ("log", "select") or (e[0] == "fused" and tuple(e[1]["shape"]) == (rows, 1))
    ]  # fmt: skip
    assert bool(per_row) == limited, str(ir)
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(np.asarray(arrax.jit(f)(x)), np.asarray(f(x)), rtol=1e-6)


def test_broadcasts_of_broadcasts_and_unit_reshapes_compose():
    # exp(b)[:, None] broadcast over columns, b itself a broadcast of a vector: one broadcast
    # of the vector into the reader's region, the exp recomputed there.
    v = np.linspace(-1, 1, 7, dtype=np.float32)
    y = np.random.default_rng(3).standard_normal((5, 7, 3)).astype(np.float32)

    def f(v, y):
        b = anp.broadcast_to(v, (5, 7))
        return y * anp.exp(b).reshape(5, 7, 1)

    ir = arrax.jit(f).lower(v, y)
    assert [e[0] for e in ir.eqns] == ["broadcast_in_dim", "fused"], str(ir)
    np.testing.assert_allclose(np.asarray(arrax.jit(f)(v, y)), np.asarray(f(v, y)), rtol=1e-6)


def test_sinking_a_value_read_twice_is_linear():
    # x * x forty times over a [64, 1] column, then broadcast: each square is sunk once (the
    # pass remembers what it made), not 2^40 times; the values as eager.
    c = np.linspace(0.5, 1.0, 64, dtype=np.float64).reshape(64, 1)
    y = np.ones((64, 8))

    def f(c, y):
        for _ in range(40):
            c = anp.sqrt(c * c)
        return y * c

    ir = arrax.jit(f).lower(c, y)
    assert str(ir).count("= mul ") <= 41  # (the squares and y * c)
    np.testing.assert_allclose(np.asarray(arrax.jit(f)(c, y)), np.asarray(f(c, y)), rtol=1e-12)
