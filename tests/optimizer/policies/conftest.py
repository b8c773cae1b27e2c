"""Fixtures of the policy tests."""

from __future__ import annotations

import pytest

from optimizer.policies import BenchmarkResult, BenchmarkSettings
from optimizer.policies.simulate import run_benchmark
from tests.helpers import regions_table
from tests.optimizer.policies.helpers import MERGE, policy, small_network


@pytest.fixture(scope="module")
def merger_benchmark() -> BenchmarkResult:
    """`baseline` and `merge-medium-maximum` on the small network: two seeds, both modes,
    two weeks of ten convicts, synthetic cohorts."""
    reforms = [policy({"name": "baseline"}), policy({**MERGE, "name": "merge-medium-maximum"})]
    settings = BenchmarkSettings(seeds=(0, 1), weeks=2, batch=10)
    return run_benchmark(reforms, None, regions_table(), small_network(), settings)
