"""Populations of a benchmark: bootstrap draws, week seeds, the standing population, draws."""

from __future__ import annotations

from pathlib import Path

from optimizer.policies.populations import (
    ConvictDraws,
    bootstrap,
    read_standing_population,
    week_seed,
)
from tests.helpers import convict, convicts_table, regions_table
from tests.optimizer.policies.helpers import small_network


def test_bootstrap_keeps_seed_zero_and_draws_unique_ids_otherwise() -> None:
    population = convicts_table(*(convict(f"c{i}") for i in range(20)))
    assert bootstrap(population, 0)["convict_id"].tolist() == population["convict_id"].tolist()
    drawn = bootstrap(population, 5)
    assert len(drawn) == 20 and drawn["convict_id"].is_unique
    assert drawn["convict_id"].str.split("/").str[0].isin(population["convict_id"]).all()


def test_week_seeds_are_stable_and_differ_between_weeks_and_seeds() -> None:
    assert week_seed(3, 1) == week_seed(3, 1)
    assert len({week_seed(seed, week) for seed in range(3) for week in range(3)}) == 9


def test_missing_population_file_gives_none(tmp_path: Path) -> None:
    """Callers fall back to synthetic cohorts when there is no population file."""
    assert read_standing_population(regions_table(), small_network(), tmp_path / "none.csv") is None


def test_draws_give_every_policy_the_same_convicts_with_case_ids_cleared() -> None:
    population = convicts_table(*(convict(f"c{i}", case_id=f"K{i % 2}") for i in range(6)))
    draws = ConvictDraws(
        regions_table(), today_total=6, population=population, batch=4, keep_case_ids=False
    )
    assert draws.steady_population(1) is draws.steady_population(1)
    assert (draws.steady_population(0)["case_id"] == "").all()
    batch = draws.week_batch(2, 0)
    assert len(batch) == 4 and batch["convict_id"].str.startswith("W01-").all()
    assert draws.week_batch(2, 0) is batch


def test_draws_keep_case_ids_when_co_defendants_are_separated() -> None:
    population = convicts_table(convict("c1", case_id="K1"), convict("c2", case_id="K1"))
    draws = ConvictDraws(
        regions_table(), today_total=2, population=population, batch=1, keep_case_ids=True
    )
    assert draws.steady_population(0)["case_id"].tolist() == ["K1", "K1"]


def test_draws_without_a_population_are_cohorts_of_todays_size() -> None:
    draws = ConvictDraws(
        regions_table(), today_total=9, population=None, batch=1, keep_case_ids=False
    )
    assert len(draws.steady_population(0)) == 9
