"""``arrax.example_libraries.optimizers`` (``jax.example_libraries.optimizers``).

An optimizer is a triple ``(init, update, get_params)``:
``state = init(params)``, ``state = update(step, grads, state)``, ``params = get_params(state)``,
where params and grads are pytrees of arrays. Each optimizer below is written for one array;
the ``optimizer`` decorator lifts it to pytrees and keeps the state as an ``OptimizerState``
pytree, so the update can be jit'ed and the state passed through ``lax`` loops."""

import functools
from collections import namedtuple

import arrax.numpy as jnp
from arrax.tree_util import (
    register_pytree_node,
    tree_flatten,
    tree_leaves,
    tree_map,
    tree_unflatten,
)

__all__ = [
    "Optimizer", "OptimizerState", "JoinPoint", "optimizer", "sgd", "momentum", "nesterov",
    "adagrad", "rmsprop", "rmsprop_momentum", "adam", "adamax", "sm3", "make_schedule",
    "constant", "exponential_decay", "inverse_time_decay", "polynomial_decay",
    "piecewise_constant", "clip_grads", "l2_norm", "unpack_optimizer_state",
    "pack_optimizer_state",
]  # fmt: skip

Optimizer = namedtuple("Optimizer", ["init_fn", "update_fn", "params_fn"])

# packed_state: one flat list of arrays per parameter leaf; tree_def: the parameters' tree;
# subtree_defs: the tree of each parameter's state. Only packed_state holds arrays.
OptimizerState = namedtuple("OptimizerState", ["packed_state", "tree_def", "subtree_defs"])
register_pytree_node(
    OptimizerState,
    lambda s: ((s.packed_state,), (s.tree_def, s.subtree_defs)),
    lambda aux, children: OptimizerState(children[0], aux[0], aux[1]),
)


def _flatten_all(trees):
    # Tuples: the tree definitions are aux data of the state's pytree node, which jit hashes.
    pairs = [tree_flatten(t) for t in trees]
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


def optimizer(opt_maker):
    """Lifts ``opt_maker(*args) -> (init, update, get_params)`` over single arrays to one over
    pytrees of arrays returning an ``Optimizer``."""

    @functools.wraps(opt_maker)
    def tree_opt_maker(*args, **kwargs):
        init, update, get_params = opt_maker(*args, **kwargs)

        @functools.wraps(init)
        def tree_init(x0_tree):
            x0_flat, tree = tree_flatten(x0_tree)
            states_flat, subtrees = _flatten_all([init(x0) for x0 in x0_flat])
            return OptimizerState(states_flat, tree, subtrees)

        @functools.wraps(update)
        def tree_update(i, grad_tree, opt_state):
            states_flat, tree, subtrees = opt_state
            grad_flat, grad_tree_def = tree_flatten(grad_tree)
            if grad_tree_def != tree:
                raise TypeError(
                    "optimizer update: the gradient tree's structure "
                    f"({grad_tree_def}) differs from the parameters' ({tree})"
                )
            states = [tree_unflatten(t, s) for t, s in zip(subtrees, states_flat)]
            new_states = [update(i, g, s) for g, s in zip(grad_flat, states)]
            new_flat, new_subtrees = _flatten_all(new_states)
            for old, new in zip(subtrees, new_subtrees):
                if old != new:
                    raise TypeError(
                        f"optimizer update: the update changed a state's structure from {old} "
                        f"to {new}"
                    )
            return OptimizerState(new_flat, tree, subtrees)

        @functools.wraps(get_params)
        def tree_get_params(opt_state):
            states_flat, tree, subtrees = opt_state
            states = [tree_unflatten(t, s) for t, s in zip(subtrees, states_flat)]
            return tree_unflatten(tree, [get_params(s) for s in states])

        return Optimizer(tree_init, tree_update, tree_get_params)

    return tree_opt_maker


# --- optimizers over one array --------------------------------------------------------------


def _params_only(state):
    return state[0]


def _lr(step_size, i, x):
    """step_size(i) in x's dtype when x is a float array: JAX (32-bit) keeps float32
    parameters float32 whatever the step count or the schedule computes, while NumPy's rules here would
    make them float64 by a float64 0-d step size (an int32 count over decay_steps, a schedule's
    own arrays), which breaks optimizers run in lax loops (mnist_vae's fori_loop)."""
    lr = step_size(i)
    if type(lr) in (int, float) or not jnp.issubdtype(jnp.result_type(x), jnp.floating):
        return lr  # (Python scalars are weak already; NumPy scalars, float64 ones, are not)
    return jnp.asarray(lr).astype(jnp.result_type(x))


def _bias(b, i, like):
    """1 - b ** (i + 1) in like's dtype (an int32 step count would make float32 ** int32 a
    float64 under NumPy's rules; JAX keeps it float32)."""
    count = i + 1
    if not isinstance(count, int):
        count = jnp.asarray(count).astype(like.dtype)
    return 1 - jnp.asarray(b, like.dtype) ** count


def _with_zeros(n):
    """The init of an optimizer whose state is (x, and n accumulators starting at zero)."""

    def init(x0):
        return (x0,) + tuple(jnp.zeros_like(x0) for _ in range(n))

    return init


@optimizer
def sgd(step_size):
    """Gradient descent: ``x -= step_size(i) * g``."""
    step_size = make_schedule(step_size)

    def init(x0):
        return x0

    def update(i, g, x):
        return x - _lr(step_size, i, x) * g

    return init, update, lambda x: x


@optimizer
def momentum(step_size, mass):
    """Heavy-ball momentum: ``v = mass * v + g; x -= step_size(i) * v``."""
    step_size = make_schedule(step_size)

    init = _with_zeros(1)

    def update(i, g, state):
        x, velocity = state
        velocity = mass * velocity + g
        return x - _lr(step_size, i, x) * velocity, velocity

    return init, update, _params_only


@optimizer
def nesterov(step_size, mass):
    """Nesterov momentum: ``v = mass * v + g; x -= step_size(i) * (mass * v + g)``."""
    step_size = make_schedule(step_size)

    init = _with_zeros(1)

    def update(i, g, state):
        x, velocity = state
        velocity = mass * velocity + g
        return x - _lr(step_size, i, x) * (mass * velocity + g), velocity

    return init, update, _params_only


@optimizer
def adagrad(step_size, momentum=0.9):
    """Adagrad (Duchi et al. 2011) with momentum on the scaled gradient."""
    step_size = make_schedule(step_size)

    init = _with_zeros(2)

    def update(i, g, state):
        x, g_sq, m = state
        g_sq = g_sq + jnp.square(g)
        g_sq_inv_sqrt = jnp.where(g_sq > 0, 1.0 / jnp.sqrt(g_sq), 0.0)
        m = (1.0 - momentum) * (g * g_sq_inv_sqrt) + momentum * m
        return x - _lr(step_size, i, x) * m, g_sq, m

    return init, update, _params_only


@optimizer
def rmsprop(step_size, gamma=0.9, eps=1e-8):
    """RMSProp: a running mean of squared gradients scales the step."""
    step_size = make_schedule(step_size)

    init = _with_zeros(1)

    def update(i, g, state):
        x, avg_sq_grad = state
        avg_sq_grad = avg_sq_grad * gamma + jnp.square(g) * (1.0 - gamma)
        return x - _lr(step_size, i, x) * g / jnp.sqrt(avg_sq_grad + eps), avg_sq_grad

    return init, update, _params_only


@optimizer
def rmsprop_momentum(step_size, gamma=0.9, eps=1e-8, momentum=0.9):
    """RMSProp with momentum on the scaled step."""
    step_size = make_schedule(step_size)

    init = _with_zeros(2)

    def update(i, g, state):
        x, avg_sq_grad, mom = state
        avg_sq_grad = avg_sq_grad * gamma + jnp.square(g) * (1.0 - gamma)
        mom = momentum * mom + _lr(step_size, i, x) * g / jnp.sqrt(avg_sq_grad + eps)
        return x - mom, avg_sq_grad, mom

    return init, update, _params_only


@optimizer
def adam(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """Adam (Kingma and Ba 2015) with bias-corrected moment estimates."""
    step_size = make_schedule(step_size)

    init = _with_zeros(2)

    def update(i, g, state):
        x, m, v = state
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * jnp.square(g) + b2 * v
        m_hat = m / _bias(b1, i, m)
        v_hat = v / _bias(b2, i, m)
        return x - _lr(step_size, i, x) * m_hat / (jnp.sqrt(v_hat) + eps), m, v

    return init, update, _params_only


@optimizer
def adamax(step_size, b1=0.9, b2=0.999, eps=1e-8):
    """AdaMax: Adam with the infinity norm in place of the second moment."""
    step_size = make_schedule(step_size)

    init = _with_zeros(2)

    def update(i, g, state):
        x, m, u = state
        m = (1 - b1) * g + b1 * m
        u = jnp.maximum(b2 * u, jnp.abs(g))
        x = x - (_lr(step_size, i, x) / _bias(b1, i, m)) * m / (u + eps)
        return x, m, u

    return init, update, _params_only


@optimizer
def sm3(step_size, momentum=0.9):
    """SM3 (Anil et al. 2019): memory-efficient adaptive steps with one accumulator per axis
    (the per-entry accumulator is the minimum over the axes' ones). The state keeps the
    parameter in its own shape (JAX's keeps the shape as Python ints, which jit traces), so
    get_params also works under jit."""
    step_size = make_schedule(step_size)

    def along(ndim, v, axis):
        index = [None] * ndim
        index[axis] = slice(None)
        return v[tuple(index)]

    def init(x0):
        x0 = jnp.asarray(x0)
        sizes = jnp.atleast_1d(x0).shape
        return x0, jnp.zeros(sizes, x0.dtype), [jnp.zeros(n, x0.dtype) for n in sizes]

    def update(i, g, state):
        x, m, vs = state
        g = jnp.reshape(g, m.shape)
        accum = functools.reduce(jnp.minimum, [along(g.ndim, v, a) for a, v in enumerate(vs)])
        accum = accum + jnp.square(g)
        accum_inv_sqrt = jnp.where(accum > 0, 1.0 / jnp.sqrt(accum), 0.0)
        m = (1.0 - momentum) * (g * accum_inv_sqrt) + momentum * m
        x = x - _lr(step_size, i, x) * jnp.reshape(m, x.shape)
        others = [tuple(b for b in range(m.ndim) if b != a) for a in range(m.ndim)]
        return x, m, [accum.max(axis=axes) for axes in others]

    return init, update, _params_only


# --- step-size schedules --------------------------------------------------------------------


def constant(step_size):
    """The same step size at every step."""

    def schedule(i):
        return step_size

    return schedule


def exponential_decay(step_size, decay_steps, decay_rate):
    """``step_size * decay_rate ** (i / decay_steps)``."""

    def schedule(i):
        return step_size * decay_rate ** (i / decay_steps)

    return schedule


def inverse_time_decay(step_size, decay_steps, decay_rate, staircase=False):
    """``step_size / (1 + decay_rate * i / decay_steps)``, the ratio floored with
    ``staircase``."""

    def schedule(i):
        ratio = jnp.floor(i / decay_steps) if staircase else i / decay_steps
        return step_size / (1 + decay_rate * ratio)

    return schedule


def polynomial_decay(step_size, decay_steps, final_step_size, power=1.0):
    """From step_size to final_step_size over decay_steps along ``(1 - i/decay_steps)**power``,
    then final_step_size."""

    def schedule(step_num):
        step_num = jnp.minimum(step_num, decay_steps)
        step_mult = (1 - step_num / decay_steps) ** power
        return step_mult * (step_size - final_step_size) + final_step_size

    return schedule


def piecewise_constant(boundaries, values):
    """``values[k]`` while the step is past k of the boundaries (one more value than
    boundaries)."""
    boundaries = jnp.array(boundaries)
    values = jnp.array(values)
    if not boundaries.ndim == values.ndim == 1:
        raise ValueError("piecewise_constant: boundaries and values must be sequences")
    if boundaries.shape[0] != values.shape[0] - 1:
        raise ValueError(
            "piecewise_constant: boundaries must have one entry fewer than values, got "
            f"{boundaries.shape[0]} and {values.shape[0]}"
        )

    def schedule(i):
        return values[jnp.sum(i > boundaries)]

    return schedule


def make_schedule(scalar_or_schedule):
    """A schedule from a schedule (a callable) or a constant step size."""
    if callable(scalar_or_schedule):
        return scalar_or_schedule
    if jnp.ndim(scalar_or_schedule) == 0:
        return constant(scalar_or_schedule)
    raise TypeError(
        f"make_schedule: expected a callable or a scalar, got {type(scalar_or_schedule)}"
    )


# --- utilities ------------------------------------------------------------------------------


def l2_norm(tree):
    """The Euclidean norm of all the leaves of a pytree taken as one vector."""
    leaves = tree_leaves(tree)
    return jnp.sqrt(sum(jnp.vdot(x, x) for x in leaves))


def clip_grads(grad_tree, max_norm):
    """Scales a gradient pytree down to l2 norm max_norm when it is longer."""
    norm = l2_norm(grad_tree)
    return tree_map(lambda g: jnp.where(norm < max_norm, g, g * (max_norm / norm)), grad_tree)


class JoinPoint:
    """Marks where a parameter's state subtree joins the parameters' tree in
    ``unpack_optimizer_state``'s output (a leaf, so the tree keeps the parameters' shape)."""

    def __init__(self, subtree):
        self.subtree = subtree

    def __iter__(self):
        return iter((self.subtree,))


def unpack_optimizer_state(opt_state):
    """The state as a pytree shaped like the parameters, each leaf a ``JoinPoint`` holding
    that parameter's state: a form to save (pickle) and restore with pack_optimizer_state."""
    states_flat, tree_def, subtree_defs = opt_state
    subtrees = [tree_unflatten(t, s) for t, s in zip(subtree_defs, states_flat)]
    return tree_unflatten(tree_def, [JoinPoint(s) for s in subtrees])


def pack_optimizer_state(marked_pytree):
    """Inverse of unpack_optimizer_state."""
    sentinels, tree_def = tree_flatten(marked_pytree, is_leaf=lambda x: isinstance(x, JoinPoint))
    if not all(isinstance(s, JoinPoint) for s in sentinels):
        raise TypeError("pack_optimizer_state: every leaf must be a JoinPoint")
    states_flat, subtree_defs = _flatten_all([s.subtree for s in sentinels])
    return OptimizerState(states_flat, tree_def, subtree_defs)
