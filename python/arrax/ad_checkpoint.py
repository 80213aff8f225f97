"""``arrax.ad_checkpoint`` (``jax.ad_checkpoint``): ``checkpoint`` and ``checkpoint_name``.

``checkpoint_name(x, name)`` labels a value for the name-based checkpoint policies. arrax's
checkpoint recomputes every intermediate value whatever the policy (see
``arrax.checkpoint_policies``), so the label does not change anything: x is returned as is."""

from arrax import checkpoint_policies  # noqa: F401
from arrax._ad import checkpoint, remat  # noqa: F401

__all__ = ["checkpoint", "checkpoint_name", "checkpoint_policies", "remat"]


def checkpoint_name(x, name):
    """x, labelled ``name`` for checkpoint policies (a no-op in arrax's values and gradients)."""
    return x
