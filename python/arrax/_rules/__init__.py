"""Every primitive's differentiation and batching rules (see registry.py); importing this
package registers them all."""

from arrax._rules import elementwise, reductions, structural  # noqa: F401
from arrax._rules.registry import RULES, UndefinedPrimal, defrules, is_undefined  # noqa: F401
