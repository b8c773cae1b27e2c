"""Run facts: computed once per solution, and the run-level prices they give are true."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pandas as pd
import pytest

from optimizer.allocation import solve
from optimizer.explain import facts_of, run_facts
from optimizer.explain.facts import block_of
from tests.helpers import (
    convict,
    convicts_table,
    facilities_table,
    facility,
    random_instance,
    regions_table,
)


def test_shadow_prices_predict_one_more_place() -> None:
    convicts, facilities = random_instance(np.random.default_rng(99), 20, 5)
    solution = solve(convicts, facilities)
    for item in run_facts(solution, regions_table())["facilities"]:
        j = list(facilities["facility_id"]).index(item["facility_id"])
        bigger = facilities.copy()
        bigger.loc[j, "capacity"] += 1
        after = solve(convicts, bigger)
        price = item["one_more_place"]
        assert price["unplaced_change"] == solution.placed - after.placed
        if price["unplaced_change"] == 0:
            assert price["total_distance_change_km"] == pytest.approx(
                (after.total_distance_m - solution.total_distance_m) / 1000.0
            )


def test_run_facts_give_home_shares(national_regions: pd.DataFrame) -> None:
    convicts = convicts_table(convict("A", "KZ-71"), convict("B", "KZ-35"))
    solution = solve(convicts, facilities_table(facility("AST", "KZ-71")))
    regions = {r["region"]: r for r in run_facts(solution, regions_table())["regions"]}
    assert regions["KZ-71"]["home_share"] == 1.0 and regions["KZ-35"]["home_share"] == 0.0


def test_facts_are_computed_once_and_leave_with_their_solution() -> None:
    convicts, facilities = random_instance(np.random.default_rng(3), 10, 4)
    solution = solve(convicts, facilities)
    facts = weakref.ref(facts_of(solution))
    assert facts_of(solution) is facts()
    del solution
    gc.collect()
    assert facts() is None


def test_facts_find_each_group_in_its_block() -> None:
    convicts, facilities = random_instance(np.random.default_rng(4), 14, 5)
    solution = solve(convicts, facilities)
    facts = facts_of(solution)
    for group in range(len(solution.groups)):
        block, row = block_of(solution, facts, group)
        expected_block, expected_row = solution.block_of_group(group)
        assert block is expected_block and row == expected_row


def test_a_full_class_reports_its_shortage() -> None:
    convicts = convicts_table(*(convict(f"C{i}") for i in range(3)))
    facts = facts_of(solve(convicts, facilities_table(facility("ONLY", capacity=2))))
    [shortage] = facts.class_shortage
    assert (shortage.convicts, shortage.free, shortage.short) == (3, 2, 1)
