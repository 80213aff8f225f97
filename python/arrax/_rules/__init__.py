"""Every primitive's differentiation and batching rules (see registry.py); importing this
package registers them all."""

from arrax._rules import (  # noqa: E402,F401,I001
    control_flow,  # noqa: E402,F401,I001
    conv,
    elementwise,
    linalg_schur,
    pooling,
    reductions,
    special,
    structural,
)
from arrax._rules.registry import RULES, UndefinedPrimal, defrules, is_undefined  # noqa: F401
