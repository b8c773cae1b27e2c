"""A run's placements table: one row per convict, unplaced convicts with empty facilities."""

from __future__ import annotations

import numpy as np

from optimizer.policies.runs import Mode, PolicyRun
from tests.helpers import convict, convicts_table
from tests.optimizer.policies.helpers import small_network


def test_placements_name_the_facility_and_leave_the_unplaced_empty() -> None:
    network = small_network()
    run = PolicyRun(
        mode=Mode.FLOW,
        policy="baseline",
        seed=0,
        convicts=convicts_table(convict("c1", "KZ-71"), convict("c2", "KZ-35")),
        facilities=network,
        facility_of=np.array([2, -1], dtype=np.intp),
        distance_km=np.array([812.5, np.nan]),
        rail_km=np.array([900.0, 0.0]),
        week=np.array([1, 1], dtype=np.int64),
        occupancy=network["occupied"].to_numpy(np.int64),
    )
    table = run.placements()
    assert table["facility_id"].tolist() == ["K-MED", ""]
    assert table["facility_region"].tolist() == ["KZ-35", ""]
    assert table["distance_km"].to_numpy()[0] == 812.5
    assert np.isnan(table["distance_km"].to_numpy()[1])
    assert run.before_batch.shape == (0, 0) and run.facts == {}


def test_modes_are_the_words_of_the_reports() -> None:
    assert [mode.value for mode in Mode] == ["steady-state", "flow"]
