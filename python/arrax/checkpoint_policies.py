"""``arrax.checkpoint_policies`` (``jax.checkpoint_policies``): which intermediate values of a
``checkpoint``-ed function reverse mode may keep instead of recomputing.

A policy is a predicate ``policy(primitive_name, *avals, **params) -> bool`` (True: the value
may be saved), as in JAX. arrax's ``checkpoint`` currently recomputes every intermediate
value (the ``nothing_saveable`` trade-off) whatever the policy: results are identical, only
the memory/compute balance differs from JAX's for the other policies."""

__all__ = [
    "everything_saveable", "nothing_saveable", "dots_saveable", "checkpoint_dots",
    "dots_with_no_batch_dims_saveable", "checkpoint_dots_with_no_batch_dims",
    "save_only_these_names", "save_any_names_but_these", "save_anything_except_these_names",
    "save_from_both_policies", "offload_dot_with_no_batch_dims",
    "save_and_offload_only_these_names",
]  # fmt: skip

_DOTS = ("dot_general", "matmul", "conv_general_dilated")


def _name(prim):
    return getattr(prim, "name", prim)


def everything_saveable(*_, **__):
    """Every value may be saved (no recomputation)."""
    return True


def nothing_saveable(*_, **__):
    """No value is saved: everything is recomputed."""
    return False


def dots_saveable(prim, *_, **__):
    """Products (matmuls, convolutions) may be saved; the elementwise rest is recomputed."""
    return _name(prim) in _DOTS


checkpoint_dots = dots_saveable


def dots_with_no_batch_dims_saveable(prim, *_, **params):
    """Products without batch dimensions may be saved."""
    if _name(prim) != "dot_general":
        return False
    dims = params.get("dimension_numbers")
    return not dims or not any(dims[1])


checkpoint_dots_with_no_batch_dims = dots_with_no_batch_dims_saveable


def save_only_these_names(*names):
    """Values named by ``checkpoint_name`` with one of names may be saved."""
    names = frozenset(names)
    return lambda prim, *_, **params: _name(prim) == "name" and params.get("name") in names


def save_any_names_but_these(*names):
    """Named values other than these may be saved."""
    names = frozenset(names)
    return lambda prim, *_, **params: _name(prim) == "name" and params.get("name") not in names


def save_anything_except_these_names(*names):
    """Every value but those named with one of names may be saved."""
    names = frozenset(names)
    return lambda prim, *_, **params: not (_name(prim) == "name" and params.get("name") in names)


def save_from_both_policies(policy_1, policy_2):
    """A value may be saved when either policy allows it."""
    return lambda *args, **params: policy_1(*args, **params) or policy_2(*args, **params)


def offload_dot_with_no_batch_dims(offload_src, offload_dst):
    """JAX moves such products to host memory; arrax has one memory per device, so this is
    dots_with_no_batch_dims_saveable."""
    return dots_with_no_batch_dims_saveable


def save_and_offload_only_these_names(*, names_which_can_be_saved=(), names_which_can_be_offloaded=(),
                                      offload_src=None, offload_dst=None):  # fmt: skip
    """save_only_these_names over both lists (arrax does not offload to host memory)."""
    return save_only_these_names(*names_which_can_be_saved, *names_which_can_be_offloaded)
