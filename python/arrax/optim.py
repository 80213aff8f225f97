"""arrax.optim: optimizers as pure functions on pytrees (the optax design).

    opt = arrax.optim.adam(1e-3)
    state = opt.init(params)
    updates, state = opt.update(grads, state, params)
    params = arrax.optim.apply_updates(params, updates)

Learning rates may be schedules (functions of the step count). Every state is a pytree of
arrays, so a training step with its optimizer update jits as a whole, and checkpoints save it.
"""

import math
from typing import Any, Callable, NamedTuple

import numpy as onp

from arrax import numpy as np
from arrax import tree_util

__all__ = [
    "GradientTransformation",
    "apply_updates",
    "chain",
    "sgd",
    "adam",
    "adamw",
    "rmsprop",
    "adagrad",
    "clip_by_global_norm",
    "global_norm",
    "scale_by_schedule",
    "constant_schedule",
    "step_decay_schedule",
    "exponential_decay",
    "cosine_decay_schedule",
    "warmup_cosine_decay_schedule",
]


class GradientTransformation(NamedTuple):
    init: Callable[[Any], Any]
    update: Callable[..., tuple]


def _map(f, *trees):
    return tree_util.tree_map(f, *trees)


def apply_updates(params, updates):
    """params + updates, leaf by leaf (keeping each parameter's dtype)."""
    return _map(lambda p, u: (p + u).astype(np.asarray(p).dtype), params, updates)


def _lr(lr, count):
    return lr(count) if callable(lr) else lr


def _count():
    return np.zeros((), onp.int32)


def chain(*transforms):
    """Applies the transformations one after another (e.g. clipping, then adam)."""

    def init(params):
        return tuple(t.init(params) for t in transforms)

    def update(grads, state, params=None):
        new_state = []
        for t, s in zip(transforms, state):
            grads, s = t.update(grads, s, params)
            new_state.append(s)
        return grads, tuple(new_state)

    return GradientTransformation(init, update)


def global_norm(tree):
    leaves = tree_util.tree_leaves(tree)
    return np.sqrt(sum(np.sum(np.real(x * np.conj(x))) for x in leaves))


def clip_by_global_norm(max_norm):
    """Scales all gradients down together when their global norm exceeds max_norm."""

    def init(params):
        return ()

    def update(grads, state, params=None):
        g = global_norm(grads)
        scale = np.minimum(1.0, max_norm / np.maximum(g, 1e-12))
        return _map(lambda x: (x * scale).astype(x.dtype), grads), state

    return GradientTransformation(init, update)


def scale_by_schedule(schedule):
    def init(params):
        return _count()

    def update(grads, count, params=None):
        s = schedule(count)
        return _map(lambda g: (g * s).astype(g.dtype), grads), count + 1

    return GradientTransformation(init, update)


def sgd(learning_rate, momentum=0.0, nesterov=False):
    """SGD, with heavy-ball or Nesterov momentum."""

    def init(params):
        trace = _map(np.zeros_like, params) if momentum else ()
        return {"count": _count(), "trace": trace}

    def update(grads, state, params=None):
        lr = _lr(learning_rate, state["count"])
        if momentum:
            trace = _map(lambda t, g: momentum * t + g, state["trace"], grads)
            step = _map(lambda t, g: g + momentum * t, trace, grads) if nesterov else trace
        else:
            trace, step = (), grads
        updates = _map(lambda s: (-lr * s).astype(s.dtype), step)
        return updates, {"count": state["count"] + 1, "trace": trace}

    return GradientTransformation(init, update)


def _adam_like(learning_rate, b1, b2, eps, weight_decay):
    def init(params):
        zeros = _map(np.zeros_like, params)
        return {"count": _count(), "mu": zeros, "nu": _map(np.zeros_like, params)}

    def update(grads, state, params=None):
        count = state["count"] + 1
        lr = _lr(learning_rate, state["count"])
        mu = _map(lambda m, g: b1 * m + (1 - b1) * g, state["mu"], grads)
        nu = _map(lambda v, g: b2 * v + (1 - b2) * np.real(g * np.conj(g)), state["nu"], grads)
        c = count.astype(onp.float32)
        bc1 = 1 - b1**c
        bc2 = 1 - b2**c

        def step(m, v, p):
            u = (m / bc1) / (np.sqrt(v / bc2) + eps)
            if weight_decay:
                u = u + weight_decay * p
            return (-lr * u).astype(m.dtype)

        if weight_decay:
            if params is None:
                raise ValueError("adamw: update needs params for the weight decay")
            updates = _map(step, mu, nu, params)
        else:
            updates = _map(lambda m, v: step(m, v, None), mu, nu)
        return updates, {"count": count, "mu": mu, "nu": nu}

    return GradientTransformation(init, update)


def adam(learning_rate, b1=0.9, b2=0.999, eps=1e-8):
    """Adam (Kingma & Ba), with bias correction."""
    return _adam_like(learning_rate, b1, b2, eps, 0.0)


def adamw(learning_rate, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-4):
    """AdamW: Adam with decoupled weight decay (the decay is scaled by the learning rate)."""
    return _adam_like(learning_rate, b1, b2, eps, weight_decay)


def rmsprop(learning_rate, decay=0.9, eps=1e-8, momentum=0.0):
    def init(params):
        return {
            "count": _count(),
            "nu": _map(np.zeros_like, params),
            "trace": _map(np.zeros_like, params) if momentum else (),
        }

    def update(grads, state, params=None):
        lr = _lr(learning_rate, state["count"])
        nu = _map(lambda v, g: decay * v + (1 - decay) * g * g, state["nu"], grads)
        step = _map(lambda g, v: g / (np.sqrt(v) + eps), grads, nu)
        trace = ()
        if momentum:
            trace = _map(lambda t, s: momentum * t + s, state["trace"], step)
            step = trace
        return _map(lambda s: (-lr * s).astype(s.dtype), step), {
            "count": state["count"] + 1,
            "nu": nu,
            "trace": trace,
        }

    return GradientTransformation(init, update)


def adagrad(learning_rate, initial_accumulator_value=0.1, eps=1e-7):
    def init(params):
        return {
            "count": _count(),
            "sum": _map(lambda p: np.full_like(p, initial_accumulator_value), params),
        }

    def update(grads, state, params=None):
        lr = _lr(learning_rate, state["count"])
        acc = _map(lambda a, g: a + g * g, state["sum"], grads)
        updates = _map(lambda g, a: (-lr * g / (np.sqrt(a) + eps)).astype(g.dtype), grads, acc)
        return updates, {"count": state["count"] + 1, "sum": acc}

    return GradientTransformation(init, update)


# --- schedules: count -> learning rate (traceable) ---


def constant_schedule(value):
    return lambda count: value


def step_decay_schedule(init_value, step_size, decay_rate=0.1):
    """init_value * decay_rate ** (count // step_size)."""
    return lambda count: (
        init_value * decay_rate ** np.floor_divide(count, step_size).astype(onp.float32)
    )


def exponential_decay(init_value, transition_steps, decay_rate, staircase=False, end_value=None):
    def schedule(count):
        p = count.astype(onp.float32) / transition_steps
        if staircase:
            p = np.floor(p)
        v = init_value * decay_rate**p
        if end_value is not None:
            v = np.maximum(v, end_value) if decay_rate < 1 else np.minimum(v, end_value)
        return v

    return schedule


def cosine_decay_schedule(init_value, decay_steps, alpha=0.0):
    def schedule(count):
        t = np.minimum(count.astype(onp.float32), decay_steps) / decay_steps
        return init_value * ((1 - alpha) * 0.5 * (1 + np.cos(math.pi * t)) + alpha)

    return schedule


def warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps, end_value=0.0):
    """Linear warmup from init_value to peak_value, then cosine decay to end_value at
    decay_steps (counted from the start)."""

    def schedule(count):
        c = count.astype(onp.float32)
        warm = init_value + (peak_value - init_value) * c / max(warmup_steps, 1)
        t = np.clip((c - warmup_steps) / max(decay_steps - warmup_steps, 1), 0.0, 1.0)
        cos = end_value + (peak_value - end_value) * 0.5 * (1 + np.cos(math.pi * t))
        return np.where(c < warmup_steps, warm, cos)

    return schedule
