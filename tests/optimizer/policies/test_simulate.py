"""Benchmark runs: the rules still hold under a reform, capacities are respected, a seed
reproduces a run, progress is reported, and settings come as one value or as keywords."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer.domain import InputError
from optimizer.policies import BenchmarkSettings, Mode, Policy, PolicyRun
from optimizer.policies.simulate import run_benchmark
from optimizer.rules import CLASS_COLUMNS, eligibility
from tests.helpers import (
    convict,
    convicts_table,
    facilities_table,
    facility,
    random_instance,
    regions_table,
)
from tests.optimizer.policies.helpers import MERGE, policy, small_network, steady


def _original_rules_hold(
    run: PolicyRun, original: pd.DataFrame, today: pd.DataFrame, reform: Policy
) -> None:
    """Every placement obeys sex, age, medical and officer rules on the original attributes,
    and the convict's and the facility's original levels map to the same merged level."""
    placed = np.flatnonzero(run.facility_of >= 0)
    assert len(placed) > 0
    by_id = original.set_index("convict_id")
    convicts = by_id.loc[run.convicts["convict_id"].to_numpy()[placed]].reset_index()
    facility_rows = run.facility_of[placed]
    facility_level = today["security_level"].to_numpy()[facility_rows]
    levels = reform.level_map()
    convict_level = convicts["security_level"].map(lambda v: levels.get(v, v)).to_numpy()
    assert (convict_level == np.array([levels.get(v, v) for v in facility_level])).all()
    classes = convicts.loc[:, list(CLASS_COLUMNS)].assign(security_level=facility_level)
    allowed = eligibility(classes.reset_index(drop=True), today)
    assert allowed[np.arange(len(placed)), facility_rows].all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_merger_never_breaks_sex_age_medical_or_officer_rules(seed: int) -> None:
    rng = np.random.default_rng(seed)
    convicts = random_instance(rng, 40, 4)[0]
    reform = policy(MERGE)
    result = steady([reform], convicts, small_network().assign(occupied=0))
    _original_rules_hold(result.runs[0], convicts, small_network(), reform)
    assert result.runs[0].occupancy.max() > 0


def test_merger_in_flow_mode_keeps_the_rules_too() -> None:
    reform = policy(MERGE)
    result = run_benchmark(
        [reform],
        None,
        regions_table(),
        small_network(),
        BenchmarkSettings(seeds=(3,), weeks=3, batch=12, modes=(Mode.FLOW,)),
    )
    run = result.runs[0]
    _original_rules_hold(run, run.convicts, small_network(), reform)


def test_merger_places_convicts_that_the_old_levels_could_not_place_at_home() -> None:
    network = facilities_table(
        facility("A-MED", "KZ-71", capacity=5),
        facility("K-MAX", "KZ-35", security_level="maximum", capacity=5),
    )
    convicts = convicts_table(*(convict(f"c{i}", "KZ-35") for i in range(3)))
    base = policy({"name": "baseline"}, network)
    merge = policy(MERGE, network)
    metrics = steady([base, merge], convicts, network).metrics.set_index("policy")
    assert metrics.loc["baseline", "home_share"] == 0.0
    assert metrics.loc["merge", "home_share"] == 1.0
    assert metrics.loc["merge", "total_km"] < metrics.loc["baseline", "total_km"]


def _population_in(network: pd.DataFrame) -> pd.DataFrame:
    """Convicts currently placed, `occupied` of them per facility, with `facility_id`."""
    rows = []
    for record in network.itertuples(index=False):
        for k in range(int(record.occupied)):
            rows.append(
                convict(
                    f"{record.facility_id}-{k}",
                    record.region,
                    sex=record.sex,
                    age=16 if record.age_category == "juvenile" else 30,
                    security_level=record.security_level,
                    medical_need=record.medical_profile,
                    former_officer=record.for_former_officers,
                )
            )
    table = convicts_table(*rows)
    ids = table["convict_id"].str.rsplit("-", n=1).str[0]
    return table.assign(facility_id=ids.to_numpy())


def test_closure_leaves_no_one_in_the_closed_facility() -> None:
    network = small_network()
    population = _population_in(network)
    reform = policy({"name": "close", "close": ["K-MAX", "A-MED"]})
    result = run_benchmark(
        [reform],
        population,
        regions_table(),
        network,
        BenchmarkSettings(seeds=(0, 1), weeks=4, batch=6),
    )
    closed = reform.is_closed(result.runs[0].facilities)
    assert result.current_home_share == 1.0, "everyone in _population_in serves at home"
    for run in result.runs:
        assert not np.isin(run.facility_of, np.flatnonzero(closed)).any()
        if run.mode is Mode.FLOW:
            assert run.facts["excess_at_start"] == 5
            assert run.facts["transferred"] == 5, "room elsewhere takes everyone transferred"
            assert run.occupancy[closed].sum() == 0
        assert (run.occupancy <= run.facilities["capacity"].to_numpy()).all()


def test_capacity_cut_in_flow_mode_without_a_population_waits_for_releases() -> None:
    network = small_network()
    reform = policy({"name": "cut", "capacity": [{"facility_ids": ["K-MAX"], "factor": 0.25}]})
    result = run_benchmark(
        [reform],
        None,
        regions_table(),
        network,
        BenchmarkSettings(seeds=(0,), weeks=2, batch=4, modes=(Mode.FLOW,), release_share=0.5),
    )
    run = result.runs[0]
    assert run.facts["over_capacity_at_start"] == 1 and run.facts["excess_at_start"] == 1
    assert run.facts["transferred"] == 0
    capacity = run.facilities["capacity"].to_numpy()
    for week in range(2):
        this_week = (run.week == week + 1) & (run.facility_of >= 0)
        placed = np.bincount(run.facility_of[this_week], minlength=len(capacity))
        free = np.maximum(capacity - run.before_batch[week], 0)
        assert (placed <= free).all(), "a facility over its new capacity takes no one new"


def test_placements_never_exceed_capacity_in_steady_state() -> None:
    network = small_network().assign(occupied=0)
    convicts = random_instance(np.random.default_rng(9), 60, 4)[0]
    result = steady([policy({"name": "baseline"}), policy(MERGE)], convicts, network)
    for run in result.runs:
        assert (run.occupancy <= run.facilities["capacity"].to_numpy()).all()
    assert (result.metrics["overfull_facilities"] == 0).all()


def test_a_seed_reproduces_the_whole_benchmark() -> None:
    network = small_network()
    settings = BenchmarkSettings(seeds=(4,), weeks=3, batch=10)
    first = run_benchmark([policy(MERGE)], None, regions_table(), network, settings)
    again = run_benchmark([policy(MERGE)], None, regions_table(), network, settings)
    pd.testing.assert_frame_equal(first.metrics, again.metrics)


def test_policy_names_must_differ() -> None:
    with pytest.raises(InputError):
        run_benchmark(
            [policy(MERGE), policy(MERGE)],
            None,
            regions_table(),
            small_network(),
            BenchmarkSettings(seeds=(0,), weeks=0),
        )


def test_progress_reaches_one() -> None:
    seen: list[float] = []
    run_benchmark(
        [policy(MERGE)],
        None,
        regions_table(),
        small_network(),
        BenchmarkSettings(seeds=(0, 1), weeks=2, batch=5),
        progress=lambda f, _: seen.append(f),
    )
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_settings_as_one_value_give_the_same_benchmark_as_keywords() -> None:
    """The keyword form builds the same settings: seeds as a count, modes as a list."""
    network = small_network()
    by_keywords = run_benchmark(
        [policy(MERGE)], None, regions_table(), network, seeds=2, weeks=1, batch=6
    )
    settings = BenchmarkSettings(seeds=(0, 1), weeks=1, batch=6)
    by_settings = run_benchmark([policy(MERGE)], None, regions_table(), network, settings)
    assert by_keywords.settings == settings
    pd.testing.assert_frame_equal(by_keywords.metrics, by_settings.metrics)


def test_settings_and_keywords_together_are_refused() -> None:
    settings = BenchmarkSettings(seeds=(0,), weeks=0)
    with pytest.raises(TypeError, match="not both"):
        run_benchmark([policy(MERGE)], None, regions_table(), small_network(), settings, weeks=1)


def test_an_unknown_keyword_is_refused_as_before() -> None:
    with pytest.raises(TypeError, match="unknown benchmark settings: week"):
        run_benchmark(
            [policy(MERGE)],
            None,
            regions_table(),
            small_network(),
            week=1,  # type: ignore[call-arg]
        )


def test_progress_within_a_flow_run_is_a_share_of_its_step() -> None:
    """Two flow runs of four weeks: the second run's week 2 is at (1 + 2/4) / 2."""
    seen: list[tuple[float, str]] = []
    run_benchmark(
        [policy({"name": "baseline"}), policy(MERGE)],
        None,
        regions_table(),
        small_network(),
        BenchmarkSettings(seeds=(0,), weeks=4, batch=3, modes=(Mode.FLOW,)),
        progress=lambda f, label: seen.append((f, label)),
    )
    assert (0.75, "flow: merge, seed 0") in seen
    assert seen[0] == (0.0, "flow: baseline, seed 0") and seen[-1] == (1.0, "done")
