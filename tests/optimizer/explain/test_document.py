"""A published document reads back into the value that wrote it, whatever its key order."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from optimizer.allocation import solve
from optimizer.domain import Objective, SolveOptions
from optimizer.explain import explain_placements, read_explanation
from tests.helpers import random_instance


def reversed_keys(value: Any) -> Any:
    """The same JSON value with every object's keys in reverse order (as a store may give it)."""
    if isinstance(value, dict):
        return {key: reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(item) for item in value]
    return value


@pytest.mark.parametrize("objective", list(Objective))
def test_a_stored_document_reads_back_into_its_value(objective: Objective) -> None:
    convicts, facilities = random_instance(np.random.default_rng(2), 14, 5)
    solution = solve(convicts, facilities, SolveOptions(objective=objective))
    for explanation in explain_placements(solution):
        stored = json.loads(json.dumps(explanation.as_dict()))
        assert read_explanation(stored) == explanation
        assert read_explanation(reversed_keys(stored)) == explanation
