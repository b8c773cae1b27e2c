"""Benchmark settings (checked, built from keywords) and what a result derives from its runs."""

from __future__ import annotations

import pytest

from optimizer.domain import DistanceKind, Objective
from optimizer.policies import BenchmarkResult, BenchmarkSettings, Mode
from tests.optimizer.policies.helpers import small_network


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"seeds": ()}, "at least one seed"),
        ({"weeks": -1}, "weeks must be >= 0"),
        ({"batch": 0}, "batch >= 1"),
        ({"km_per_day": 0.0}, "km_per_day must be positive"),
        ({"release_share": 1.5}, "release_share must be within 0..1"),
    ],
)
def test_settings_refuse_impossible_values(fields: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        BenchmarkSettings(**fields)  # type: ignore[arg-type]


def test_keywords_default_to_the_settings_defaults() -> None:
    assert BenchmarkSettings.from_keywords() == BenchmarkSettings()


def test_keywords_take_a_seed_count_or_seeds_and_a_list_of_modes() -> None:
    settings = BenchmarkSettings.from_keywords(
        seeds=3, modes=[Mode.FLOW], distance=DistanceKind.RAIL, objective=Objective.HOME_FIRST
    )
    assert settings.seeds == (0, 1, 2) and settings.modes == (Mode.FLOW,)
    assert BenchmarkSettings.from_keywords(seeds=[7, 9]).seeds == (7, 9)
    assert settings.solve_options().distance is DistanceKind.RAIL


def test_release_share_balances_the_batch_unless_given() -> None:
    """The small network holds 6 occupants: a batch of 3 releases half of them each week."""
    assert BenchmarkSettings(batch=3).weekly_release_share(small_network()) == 0.5
    assert BenchmarkSettings(batch=600).weekly_release_share(small_network()) == 1.0
    assert BenchmarkSettings(release_share=0.1).weekly_release_share(small_network()) == 0.1


def test_reference_is_baseline_when_present(merger_benchmark: BenchmarkResult) -> None:
    assert merger_benchmark.reference == "baseline"
    effects = merger_benchmark.effects()
    assert set(effects["policy"]) == {"merge-medium-maximum"}
    regions = merger_benchmark.region_summary()
    assert {"mode", "policy", "region", "metric", "mean"} <= set(regions.columns)
