"""Uncertainty: a percentile bootstrap over the population and a capacity sensitivity run."""

from __future__ import annotations

import numpy as np

from optimizer.data import DATA_DIR
from optimizer.domain import SolveOptions
from optimizer.policies.uncertainty import (
    bootstrap_effects,
    capacity_sensitivity,
    estimated_capacity_ids,
    measure_uncertainty,
)
from tests.optimizer.policies.forecast_helpers import standing_population
from tests.optimizer.policies.helpers import MERGE, policy, small_network

OPTIONS = SolveOptions()


def _policies() -> list:  # type: ignore[type-arg]
    return [policy({"name": "baseline"}), policy({**MERGE, "name": "merge"})]


def test_estimated_capacities_are_those_the_sources_list_as_estimates() -> None:
    ids = estimated_capacity_ids(DATA_DIR)
    assert "F001" in ids, "its source says: capacity and occupied estimated"
    assert 0 < len(ids) < 80, "some capacities are sourced"


def test_bootstrap_pairs_each_resample_and_gives_percentile_intervals() -> None:
    population = standing_population(12)
    table, seconds = bootstrap_effects(
        _policies(), population, small_network(), OPTIONS, resamples=20, seed=4
    )
    assert seconds > 0
    reference = table[table["policy"] == "baseline"]
    assert (reference[["effect", "effect_low", "effect_high"]].to_numpy() == 0).all()
    merge = table[table["policy"] == "merge"].set_index("metric")
    assert (merge["effect_low"] <= merge["effect_high"]).all()
    again, _ = bootstrap_effects(
        _policies(), population, small_network(), OPTIONS, resamples=20, seed=4
    )
    assert table.equals(again), "one seed, one answer"


def test_more_capacity_never_leaves_more_convicts_unplaced() -> None:
    network = small_network()
    population = standing_population(12)
    ids = list(network["facility_id"])
    table = capacity_sensitivity(_policies(), population, network, OPTIONS, ids, band=0.5)
    for _, part in table.groupby("policy"):
        unplaced = part.sort_values("scale")["unplaced"].to_numpy()
        assert (np.diff(unplaced) <= 0).all()
    assert sorted(table["scale"].unique()) == [0.5, 1.0, 1.5]


def test_the_reference_comes_first_and_a_zero_band_skips_the_sensitivity() -> None:
    policies = list(reversed(_policies()))
    result = measure_uncertainty(
        policies,
        "baseline",
        standing_population(8),
        small_network(),
        OPTIONS,
        DATA_DIR,
        resamples=2,
        band=0.0,
    )
    assert result.sensitivity.empty
    assert result.bootstrap["policy"].iloc[0] == "baseline"
