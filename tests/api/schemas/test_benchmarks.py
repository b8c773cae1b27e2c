"""Benchmark requests: inline policies may not hold NUL anywhere."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.schemas.benchmarks import BenchmarkCreate, BenchmarkMode


def test_nul_deep_inside_an_inline_policy_is_refused() -> None:
    with pytest.raises(ValidationError):
        BenchmarkCreate.model_validate({"policies": [{"name": "p", "merge": [{"x\x00": 1}]}]})
    assert BenchmarkCreate.model_validate({"policies": ["baseline"]}).mode is BenchmarkMode.BOTH
