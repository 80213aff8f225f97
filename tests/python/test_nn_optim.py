"""arrax.nn layers against NumPy references (forward) and finite differences (gradients),
the optimizers against their published update formulas, checkpoints (round trip, resume gives
bit-identical training, bad files), and the examples in short mode."""

import os
import subprocess
import sys

import arrax
import arrax.numpy as anp
import numpy as np
import pytest
from arrax import checkpoints, nn, optim, random
from arrax.test_util import check_grads

from conftest import AGAINST_NUMPY

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")

KEY = random.PRNGKey(0)
rng = np.random.default_rng(0)


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def conv2d_reference(x, w, b, stride, pad, dilation, groups):
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    ho = (h - dilation * (kh - 1) - 1) // stride + 1
    wo = (wd - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, o, ho, wo))
    og = o // groups
    for g in range(groups):
        for oc in range(g * og, (g + 1) * og):
            for i in range(ho):
                for j in range(wo):
                    patch = x[
                        :,
                        g * cg : (g + 1) * cg,
                        i * stride : i * stride + dilation * (kh - 1) + 1 : dilation,
                        j * stride : j * stride + dilation * (kw - 1) + 1 : dilation,
                    ]
                    out[:, oc, i, j] = np.sum(patch * w[oc], axis=(1, 2, 3)) + b[oc]
    return out


@pytest.mark.parametrize(
    "stride,pad,dilation,groups", [(1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 1), (1, 1, 1, 2)]
)
def test_conv2d_matches_reference(stride, pad, dilation, groups):
    conv = nn.Conv2d(4, 6, 3, KEY, stride=stride, padding=pad, dilation=dilation, groups=groups)
    x = rng.standard_normal((2, 4, 7, 6)).astype(np.float32)
    want = conv2d_reference(
        x, np.asarray(conv.weight), np.asarray(conv.bias), stride, pad, dilation, groups
    )
    close(conv(anp.asarray(x)), want, 1e-4)


@pytest.mark.parametrize(
    "n,hw,stride,pad,dilation,groups",
    [
        (37, (5, 5), 1, 1, 1, 1),
        (13, (9, 4), 2, 0, 1, 2),
        (5, (3, 3), 1, 2, 2, 1),
        (70, (2, 2), 1, 1, 1, 1),
    ],
)
def test_conv2d_over_blocks_of_samples(n, hw, stride, pad, dilation, groups):
    # The kernels take several samples per GEMM (blocks of 256 / (Ho * Wo) samples): batch
    # sizes that leave a partial last block, and the gradients of both operands.
    conv = nn.Conv2d(4, 6, 3, KEY, stride=stride, padding=pad, dilation=dilation, groups=groups)
    x = rng.standard_normal((n, 4) + hw)
    w, b = np.asarray(conv.weight, np.float64), np.asarray(conv.bias, np.float64)
    want = conv2d_reference(x, w, b, stride, pad, dilation, groups)
    conv64 = arrax.tree_util.tree_map(lambda a: anp.asarray(a, dtype=anp.float64), conv)
    close(conv64(anp.asarray(x)), want, 1e-10)

    def f(x, w):
        return anp.sum(anp.sin(conv64.replace(weight=w)(x)))

    check_grads(f, (anp.asarray(x), anp.asarray(w)), order=1, modes=["rev"])


def test_layers_forward():
    x = rng.standard_normal((3, 5)).astype(np.float32)
    lin = nn.Linear(5, 4, KEY)
    close(lin(anp.asarray(x)), x @ np.asarray(lin.weight) + np.asarray(lin.bias))
    img = rng.standard_normal((2, 3, 4, 6)).astype(np.float32)
    mp = nn.MaxPool2d(2)(anp.asarray(img))
    close(mp, img.reshape(2, 3, 2, 2, 3, 2).max(axis=(3, 5)))
    ap = nn.AvgPool2d(2)(anp.asarray(img))
    close(ap, img.reshape(2, 3, 2, 2, 3, 2).mean(axis=(3, 5)))
    ln = nn.LayerNorm(5)(anp.asarray(x))
    close(ln, (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5), 1e-4)
    rms = nn.RMSNorm(5)(anp.asarray(x))
    close(rms, x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6), 1e-4)
    emb = nn.Embedding(10, 3, KEY)
    close(emb(anp.asarray([1, 7])), np.asarray(emb.weight)[[1, 7]])


def test_batchnorm_train_and_eval():
    bn = nn.BatchNorm(3)
    x = rng.standard_normal((8, 3, 2, 2)).astype(np.float32) * 2 + 1
    y, bn2 = bn(anp.asarray(x), train=True)
    mean = x.mean(axis=(0, 2, 3))
    var = x.var(axis=(0, 2, 3))
    close(y, (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5), 1e-4)
    close(bn2.running_mean, 0.1 * mean, 1e-5)
    close(bn2.running_var, 0.9 + 0.1 * var * 32 / 31, 1e-5)
    y_eval, same = bn2(anp.asarray(x), train=False)
    assert same is bn2
    close(
        y_eval,
        (x - 0.1 * mean[None, :, None, None])
        / np.sqrt(np.asarray(bn2.running_var)[None, :, None, None] + 1e-5),
        1e-4,
    )


def test_attention_against_reference_and_causal_mask():
    mha = nn.MultiHeadAttention(8, 2, KEY)
    x = rng.standard_normal((2, 5, 8)).astype(np.float32)

    def ref(x, causal):
        def lin(layer, v):
            return v @ np.asarray(layer.weight) + np.asarray(layer.bias)

        q, k, v = (
            lin(layer, x).reshape(2, 5, 2, 4).transpose(0, 2, 1, 3)
            for layer in (mha.q, mha.k, mha.v)
        )
        s = q @ k.transpose(0, 1, 3, 2) / 2.0
        if causal:
            s = np.where(np.tril(np.ones((5, 5), bool)), s, -1e9)
        p = np.exp(s - s.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        o = (p @ v).transpose(0, 2, 1, 3).reshape(2, 5, 8)
        return lin(mha.out, o)

    close(mha(anp.asarray(x)), ref(x, False), 1e-4)
    close(mha(anp.asarray(x), causal=True), ref(x, True), 1e-4)


def test_gradients_of_layers():
    x = anp.asarray(rng.standard_normal((2, 2, 5, 5)))
    conv = nn.Conv2d(2, 3, 3, KEY, stride=2, padding=1, dtype=np.float64)
    check_grads(lambda w, v: anp.sum(anp.sin(conv.replace(weight=w)(v))), (conv.weight, x), order=1)
    mha = nn.MultiHeadAttention(4, 2, KEY, dtype=np.float64)
    seq = anp.asarray(rng.standard_normal((3, 4)))
    check_grads(lambda s: anp.sum(mha(s, causal=True) ** 2), (seq,), order=1)
    check_grads(
        lambda z: nn.cross_entropy(z, anp.asarray([0, 2]), label_smoothing=0.1),
        (anp.asarray(rng.standard_normal((2, 3))),),
        order=2,
    )


def test_losses_and_activations():
    z = rng.standard_normal((4, 3))
    y = np.array([0, 2, 1, 1])
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    close(nn.cross_entropy(anp.asarray(z), anp.asarray(y)), -logp[np.arange(4), y].mean())
    close(
        nn.cross_entropy(anp.asarray(z), anp.asarray(np.eye(3)[y])), -logp[np.arange(4), y].mean()
    )
    close(nn.softmax(anp.asarray(z)), np.exp(logp))
    close(nn.logsumexp(anp.asarray(z), axis=-1), np.log(np.exp(z).sum(-1)))
    close(nn.logsumexp(anp.asarray(z)), np.log(np.exp(z).sum()))  # jax.nn's: all axes
    p = 1 / (1 + np.exp(-z))
    close(nn.sigmoid(anp.asarray(z)), p)
    t = (z > 0).astype(float)
    close(
        nn.binary_cross_entropy_with_logits(anp.asarray(z), anp.asarray(t)),
        -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(),
    )
    close(
        nn.huber(anp.asarray(z), 0.0), np.where(np.abs(z) <= 1, 0.5 * z * z, np.abs(z) - 0.5).mean()
    )
    import math

    close(
        nn.gelu(anp.asarray(z), approximate=False),
        0.5 * z * (1 + np.vectorize(math.erf)(z / math.sqrt(2))),
        1e-6,
    )


def test_optimizer_formulas():
    p = anp.asarray([1.0, -2.0])
    g = anp.asarray([0.5, 0.25])
    # Adam, two steps, against the published update
    opt = optim.adam(0.1, b1=0.9, b2=0.999, eps=1e-8)
    s = opt.init(p)
    m = v = np.zeros(2)
    pn = np.asarray(p).copy()
    for t in (1, 2):
        u, s = opt.update(g, s, p)
        p = optim.apply_updates(p, u)
        gn = np.asarray(g)
        m = 0.9 * m + 0.1 * gn
        v = 0.999 * v + 0.001 * gn * gn
        pn = pn - 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    close(p, pn, 1e-6)
    # SGD with Nesterov momentum
    opt = optim.sgd(0.1, momentum=0.9, nesterov=True)
    q = anp.asarray([1.0, 1.0])
    s = opt.init(q)
    u, s = opt.update(g, s, q)
    close(u, -0.1 * (np.asarray(g) + 0.9 * np.asarray(g)))
    # AdamW decouples the decay
    opt = optim.adamw(0.1, weight_decay=0.5)
    s = opt.init(q)
    u, _ = opt.update(g, s, q)
    close(
        u,
        -0.1 * (np.sign(np.asarray(g)) * 1.0 / (1 + 1e-8 / np.abs(np.asarray(g))) + 0.5 * 1.0),
        1e-5,
    )
    # global-norm clipping, chained
    opt = optim.chain(optim.clip_by_global_norm(0.1), optim.sgd(1.0))
    s = opt.init(q)
    u, _ = opt.update(anp.asarray([3.0, 4.0]), s, q)
    close(u, [-0.06, -0.08])
    sched = optim.warmup_cosine_decay_schedule(0.0, 1.0, 10, 110, 0.1)
    close(sched(anp.asarray(5)), 0.5)
    close(sched(anp.asarray(110)), 0.1)


def _train(model, state, opt, steps, key):
    x = random.normal(random.PRNGKey(42), (32, 4))  # the data; key drives the noise
    y = anp.sum(x, axis=1, keepdims=True)

    @arrax.jit
    def step(m, s, k):
        loss, g = arrax.value_and_grad(
            lambda mm: nn.mse(mm(x + 0.01 * random.normal(k, x.shape)), y)
        )(m)
        u, s = opt.update(g, s, m)
        return optim.apply_updates(m, u), s

    for _ in range(steps):
        key, k = random.split(key)
        model, state = step(model, state, k)
    return model, state, key


def test_checkpoint_resume_is_bit_identical(tmp_path):
    opt = optim.adam(1e-2)
    model = nn.MLP([4, 8, 1], KEY, activation=nn.tanh)
    state = opt.init(model)
    straight, _, _ = _train(model, state, opt, 10, random.PRNGKey(5))
    m5, s5, k5 = _train(model, state, opt, 5, random.PRNGKey(5))
    path = tmp_path / "run.ckpt"
    checkpoints.save(path, {"model": m5, "opt": s5, "key": k5, "step": 5})
    like = {"model": model, "opt": state, "key": random.PRNGKey(0), "step": 0}
    back = checkpoints.load(path, like=like)
    assert back["step"] == 5
    resumed, _, _ = _train(back["model"], back["opt"], opt, 5, back["key"])
    for a, b in zip(arrax.tree_util.tree_leaves(straight), arrax.tree_util.tree_leaves(resumed)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    data = path.read_bytes()
    (tmp_path / "cut.ckpt").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="checkpoint"):
        checkpoints.load(tmp_path / "cut.ckpt", like=like)
    np.save(tmp_path / "foreign.npy", np.ones(3))
    with pytest.raises(ValueError, match="checkpoint"):
        checkpoints.load(tmp_path / "foreign.npy", like=like)
    with pytest.raises(ValueError, match="structure"):
        checkpoints.load(path, like={"model": model})


@pytest.mark.parametrize(
    "example,args,expect",
    [
        ("digits", ["--steps", "300", "--no-progress"], "test accuracy: 0.9"),
        ("regression", ["--steps", "100"], "outliers found"),
        ("charlm", ["--steps", "15", "--batch", "8", "--context", "32"], "final train loss"),
    ],
)
def test_examples_run_in_short_mode(tmp_path, example, args, expect):
    pytest.importorskip("sklearn") if example == "digits" else None
    r = subprocess.run(
        [sys.executable, "-m", f"arrax.examples.{example}", *args, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert expect in r.stdout.strip().splitlines()[-1] or expect in r.stdout
    if example == "digits":
        acc = float(r.stdout.strip().splitlines()[-1].split(":")[1])
        assert acc >= 0.95


def test_pooling_windows_general_and_tiled():
    img = rng.standard_normal((2, 3, 7, 6)).astype(np.float32)
    # tiled (stride == kernel; the 7th row fits no window and is cut, as in PyTorch)
    close(
        nn.MaxPool2d(2)(anp.asarray(img)), img[:, :, :6].reshape(2, 3, 3, 2, 3, 2).max(axis=(3, 5))
    )
    # overlapping windows
    got = nn.MaxPool2d(3, stride=1)(anp.asarray(img))
    want = np.stack(
        [img[:, :, i : i + 3, j : j + 3].max(axis=(2, 3)) for i in range(5) for j in range(4)], -1
    )
    close(got, want.reshape(2, 3, 5, 4))
    check_grads(
        lambda v: anp.sum(nn.AvgPool2d(2)(v) ** 2), (anp.asarray(img.astype(np.float64)),), order=1
    )
