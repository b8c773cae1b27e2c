"""Groups, class blocks and cost tiers: the shape of the allocation model."""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.allocation.blocks import (
    arc_capacities,
    class_blocks,
    co_defendants_share,
    code_classes,
    group_interchangeable,
    shared_cases,
    tier_weights,
    with_home_penalty,
)
from optimizer.domain import Objective
from optimizer.geo import GreatCircle, haversine_km
from optimizer.rules import convict_classes, eligibility
from tests.helpers import convict, convicts_table, facilities_table, facility, random_instance


def test_a_case_id_is_shared_only_when_two_members_are_in_the_batch() -> None:
    convicts = convicts_table(
        convict("A", case_id="K1"), convict("B", case_id="K1"), convict("C", case_id="K2")
    )
    cases = shared_cases(convicts)
    assert cases is not None
    assert list(cases) == ["K1", "K1", ""]
    assert shared_cases(convicts_table(convict("A", case_id="K1"))) is None


def test_co_defendants_share_only_when_members_of_one_case_meet() -> None:
    cases = pd.Series(["K1", "K1", "", ""])
    assert co_defendants_share(cases, np.array([0, 0, 1, 1]))
    assert not co_defendants_share(cases, np.array([0, 1, 1, 1]))
    assert not co_defendants_share(cases, np.array([-1, -1, 0, 0]))


def test_interchangeable_convicts_form_one_group_and_co_defendants_their_own() -> None:
    convicts = convicts_table(
        convict("A"), convict("B"), convict("C", case_id="K1"), convict("D", case_id="K1")
    )
    _, class_of = convict_classes(convicts)
    groups, group_of = group_interchangeable(convicts, class_of, shared_cases(convicts))
    assert list(groups["count"]) == [2, 2]
    assert list(group_of) == [0, 0, 1, 1]
    assert list(arc_capacities(groups)) == [2, 1]


def test_a_block_holds_metres_to_each_eligible_facility() -> None:
    convicts = convicts_table(convict("A", "KZ-71"))
    facilities = facilities_table(
        facility("NEAR", "KZ-71", lat=51.0, lon=71.0),
        facility("WOMEN", "KZ-71", sex="F"),
        facility("FAR", "KZ-75", lat=43.0, lon=77.0),
    )
    classes, class_of = convict_classes(convicts)
    groups, _ = group_interchangeable(convicts, class_of, None)
    allowed = eligibility(classes, facilities)
    [block] = class_blocks(groups, len(classes), allowed, facilities, GreatCircle())
    assert list(block.facilities) == [0, 2]
    home = convicts.iloc[0]
    expected = haversine_km(home["home_lat"], home["home_lon"], [51.0, 43.0], [71.0, 77.0])
    assert list(block.distance_m[0]) == [round(km * 1000) for km in expected]


def test_home_penalty_lands_on_arcs_outside_the_home_region_on_a_copy() -> None:
    convicts = convicts_table(convict("A", "KZ-71"))
    facilities = facilities_table(facility("HOME", "KZ-71"), facility("AWAY", "KZ-75"))
    classes, class_of = convict_classes(convicts)
    groups, _ = group_interchangeable(convicts, class_of, None)
    blocks = class_blocks(groups, 1, eligibility(classes, facilities), facilities, GreatCircle())
    penalised = with_home_penalty(blocks, groups, facilities, 10**9)
    assert (penalised[0].cost - penalised[0].distance_m).tolist() == [[0, 10**9]]
    assert (blocks[0].cost == blocks[0].distance_m).all()


def test_tiers_outweigh_everything_below_them() -> None:
    home, unplaced = tier_weights(3, 1000, Objective.HOME_FIRST)
    cycle = 2 * (3 + 2)
    assert home > cycle * 1000 and unplaced > cycle * (home + 1000)
    assert tier_weights(3, 1000, Objective.MIN_DISTANCE)[0] == 0


def test_class_coding_equals_the_rules_classes() -> None:
    """The sorted factorisation gives the same classes, in the same order, as rules.py."""
    for seed in range(5):
        convicts, _ = random_instance(np.random.default_rng(seed), 60, 3, cases=True)
        classes, class_of = convict_classes(convicts)
        coded, coded_of = code_classes(convicts)
        assert coded.equals(classes)
        assert coded_of.tolist() == class_of.tolist()


def test_groups_are_sorted_by_class_home_and_case_with_counts() -> None:
    convicts, _ = random_instance(np.random.default_rng(3), 80, 3, cases=True)
    _, class_of = code_classes(convicts)
    groups, group_of = group_interchangeable(convicts, class_of, shared_cases(convicts))
    key = ["class", "home_region", "home_lat", "home_lon", "case"]
    assert groups[key].equals(groups[key].sort_values(key).reset_index(drop=True))
    assert groups["count"].tolist() == np.bincount(group_of).tolist()
    assert not groups[key].duplicated().any()
