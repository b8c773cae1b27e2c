"""Fixtures of the policy tests."""

from __future__ import annotations

import sys
import types

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


def _box(lon0: float, lat0: float, lon1: float, lat1: float) -> list[tuple[float, float]]:
    return [(lon0, lat0), (lon1, lat0), (lon1, lat1), (lon0, lat1), (lon0, lat0)]


@pytest.fixture(autouse=True)
def fake_geometry(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A tiny stand-in for `optimizer.geometry`: two box regions side by side."""
    import optimizer

    shapes = {"KZ-71": [_box(66.0, 48.0, 72.0, 53.0)], "KZ-35": [_box(72.0, 45.0, 80.0, 50.0)]}
    fake = types.ModuleType("optimizer.geometry")
    fake.read_region_shapes = lambda: shapes  # type: ignore[attr-defined]
    fake.country_outline = lambda: [_box(66.0, 45.0, 80.0, 53.0)]  # type: ignore[attr-defined]
    fake.region_label_points = lambda: {"KZ-71": (69.0, 50.5), "KZ-35": (76.0, 47.5)}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "optimizer.geometry", fake)
    monkeypatch.setattr(optimizer, "geometry", fake, raising=False)
    return fake
