"""arrax.optim against optax (skipped when optax is not installed): the same hyperparameters,
the same gradients, five steps, updates equal to float32 rounding."""

import numpy as np
import pytest

optax = pytest.importorskip("optax")

import arrax.numpy as anp  # noqa: E402
from arrax import optim  # noqa: E402

PAIRS = [
    ("sgd", lambda m: m.sgd(0.1), lambda: optax.sgd(0.1)),
    ("momentum", lambda m: m.sgd(0.1, momentum=0.9), lambda: optax.sgd(0.1, momentum=0.9)),
    (
        "nesterov",
        lambda m: m.sgd(0.1, momentum=0.9, nesterov=True),
        lambda: optax.sgd(0.1, momentum=0.9, nesterov=True),
    ),
    ("adam", lambda m: m.adam(1e-2), lambda: optax.adam(1e-2)),
    (
        "adamw",
        lambda m: m.adamw(1e-2, weight_decay=0.1),
        lambda: optax.adamw(1e-2, weight_decay=0.1),
    ),
    ("rmsprop", lambda m: m.rmsprop(1e-2), lambda: optax.rmsprop(1e-2)),
    ("adagrad", lambda m: m.adagrad(1e-1), lambda: optax.adagrad(1e-1)),
    (
        "clip+adam",
        lambda m: m.chain(m.clip_by_global_norm(0.5), m.adam(1e-2)),
        lambda: optax.chain(optax.clip_by_global_norm(0.5), optax.adam(1e-2)),
    ),
]


@pytest.mark.parametrize("name,ours,theirs", PAIRS, ids=[p[0] for p in PAIRS])
def test_updates_match_optax(name, ours, theirs):
    rng = np.random.default_rng(0)
    params = {"w": rng.normal(size=(3, 4)).astype(np.float32), "b": np.zeros(4, np.float32)}
    a_opt, o_opt = ours(optim), theirs()
    a_params = {k: anp.asarray(v) for k, v in params.items()}
    a_state, o_state = a_opt.init(a_params), o_opt.init(params)
    o_params = dict(params)
    for _ in range(5):
        grads = {k: rng.normal(size=v.shape).astype(np.float32) for k, v in params.items()}
        a_up, a_state = a_opt.update(
            {k: anp.asarray(g) for k, g in grads.items()}, a_state, a_params
        )
        o_up, o_state = o_opt.update(grads, o_state, o_params)
        for k in params:
            np.testing.assert_allclose(
                np.asarray(a_up[k]),
                np.asarray(o_up[k]),
                rtol=2e-5,
                atol=1e-7,
                err_msg=f"{name}: {k}",
            )
        a_params = optim.apply_updates(a_params, a_up)
        o_params = {k: o_params[k] + np.asarray(o_up[k]) for k in params}
