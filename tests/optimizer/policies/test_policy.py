"""Policies applied to a network: mergers relabel, capacities round down, closures empty."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.policies.policy import CapacityChange, capacity_excess, todays_occupancy
from tests.helpers import convict, convicts_table, facilities_table, facility
from tests.optimizer.policies.helpers import MERGE, policy, small_network


def test_merger_relabels_facilities_and_convicts_to_the_label() -> None:
    merge = policy(MERGE)
    network = merge.apply_to_facilities(small_network())
    assert set(network["security_level"]) == {"medium"}
    convicts = convicts_table(
        convict("c1", security_level="maximum"), convict("c2", security_level="minimum")
    )
    assert merge.relabel(convicts)["security_level"].tolist() == ["medium", "minimum"]
    assert convicts["security_level"].tolist() == ["maximum", "minimum"], "input left untouched"


def test_capacity_factor_rounds_down_and_applies_by_todays_level_before_a_merger() -> None:
    reform = policy({**MERGE, "capacity": [{"levels": ["maximum"], "factor": 0.7}]})
    network = reform.apply_to_facilities(small_network()).set_index("facility_id")
    assert network.loc["A-MAX", "capacity"] == 2  # floor(4 * 0.7)
    assert network.loc["K-MAX", "capacity"] == 5  # floor(8 * 0.7 = 5.6)
    assert network.loc["A-MED", "capacity"] == 6
    assert network.loc["A-MAX", "occupied"] == 1


def test_decimal_factor_is_not_spoiled_by_binary_rounding() -> None:
    network = facilities_table(facility("X", capacity=100))
    reform = policy({"capacity": [{"facility_ids": ["X"], "factor": 0.29}]}, network)
    assert reform.apply_to_facilities(network)["capacity"].tolist() == [29]


def test_closure_sets_capacity_to_zero_and_counts_the_excess() -> None:
    reform = policy({"close": ["K-MAX"], "capacity": [{"facility_ids": ["A-MED"], "factor": 0.25}]})
    network = reform.apply_to_facilities(small_network())
    closed = network.set_index("facility_id").loc["K-MAX"]
    assert closed["capacity"] == 0 and closed["occupied"] == 0
    excess = dict(
        zip(network["facility_id"], capacity_excess(reform, small_network()), strict=True)
    )
    assert excess["K-MAX"] == 3 and excess["A-MED"] == 1 and excess["K-MED"] == 0


def test_added_facility_comes_last_with_its_record() -> None:
    reform = policy({"add": [facility("NEW", "KZ-79", security_level="maximum", capacity=7)]})
    network = reform.apply_to_facilities(small_network())
    assert network.iloc[-1]["facility_id"] == "NEW" and network.iloc[-1]["capacity"] == 7
    assert len(network) == len(small_network()) + 1


def test_todays_occupancy_keeps_todays_occupants_and_the_additions_own() -> None:
    """Occupants beyond a cut capacity still count; added facilities bring their own."""
    reform = policy({"close": ["K-MAX"], "add": [facility("NEW", "KZ-79", capacity=7, occupied=2)]})
    today = small_network()
    network = reform.apply_to_facilities(today)
    occupancy = todays_occupancy(today, network)
    assert occupancy.tolist() == [*today["occupied"].tolist(), 2]


def test_is_closed_marks_the_closed_rows_only() -> None:
    reform = policy({"close": ["A-MAX"]})
    closed = reform.is_closed(reform.apply_to_facilities(small_network()))
    assert np.flatnonzero(closed).tolist() == [1]


def test_capacity_change_needs_a_positive_factor() -> None:
    with pytest.raises(ValueError, match="positive"):
        CapacityChange(0.0)
