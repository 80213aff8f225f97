"""Every primitive the engine registers has its transformation rules and a test case."""

import pytest
from arrax import _core
from arrax._rules import RULES

from conftest import AGAINST_NUMPY
from primitive_table import CASES, COVERED_ELSEWHERE

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="arrax-only feature")


@pytest.mark.parametrize("name", sorted(_core.primitive_names()))
def test_every_primitive_has_rules_and_a_case(name):
    rules = RULES.get(name)
    assert rules is not None, f"{name}: no defrules entry (python/arrax/_rules)"
    assert rules.jvp is not None, f"{name}: no JVP rule"
    assert rules.batch is not None, f"{name}: no batching rule"
    covered = {c.name for c in CASES} | set(COVERED_ELSEWHERE)
    assert name in covered, f"{name}: no entry in tests/python/primitive_table.py"


def test_rules_are_for_real_primitives():
    assert set(RULES) <= set(_core.primitive_names())
