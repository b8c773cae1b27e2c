"""Co-defendants apart inside the flow: one node per case and facility, capacity one."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.allocation import case_flow, solve
from optimizer.allocation.reference import solve_reference
from optimizer.domain import Objective, SolveOptions
from tests.helpers import convict, convicts_table, facilities_table, facility, random_instance


def test_case_groups_are_numbered_and_others_have_none() -> None:
    groups = pd.DataFrame({"case": ["", "K2", "K1", "K2", ""]})
    assert case_flow.case_index(groups).tolist() == [-1, 0, 1, 0, -1]


def test_members_of_one_case_from_different_homes_go_to_different_facilities() -> None:
    convicts = convicts_table(
        convict("A", "KZ-71", case_id="K1"),
        convict("B", "KZ-71", home_lat=51.2, home_lon=71.5, case_id="K1"),
        convict("C", "KZ-71"),
    )
    facilities = facilities_table(facility("AST", "KZ-71"), facility("KAR", "KZ-35"))
    solution = solve(convicts, facilities)
    placed = solution.placements.set_index("convict_id")["facility_id"]
    assert placed["A"] != placed["B"] and placed["C"] == "AST"
    assert solution.method == "min-cost-flow" and solution.optimal
    assert solution.potentials is None  # facility potentials do not describe case nodes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), size=st.integers(2, 24), n_facilities=st.integers(1, 6))
@pytest.mark.parametrize("objective", list(Objective))
def test_the_case_flow_reaches_the_pulp_optimum(
    seed: int, size: int, n_facilities: int, objective: Objective
) -> None:
    convicts, facilities = random_instance(
        np.random.default_rng(seed), size, n_facilities, cases=True
    )
    solution = solve(convicts, facilities, SolveOptions(objective=objective))
    reference = solve_reference(convicts, facilities, objective)
    assert solution.optimal and reference.optimal
    assert solution.placed == reference.placed
    if objective is Objective.HOME_FIRST:
        assert solution.placed_home == reference.placed_home
    assert solution.total_distance_m == reference.total_distance_m
    placed = solution.facility_of >= 0
    pairs = pd.DataFrame({"case": convicts["case_id"][placed], "f": solution.facility_of[placed]})
    assert not pairs[pairs["case"] != ""].duplicated().any()


def test_co_defendants_who_would_not_meet_keep_the_flow_potentials() -> None:
    """A case whose members go to different facilities anyway: the case-node flow's potentials
    are kept, the same as for the batch without the case."""
    convicts = convicts_table(
        convict("A", "KZ-71", case_id="K1"),
        convict("B", "KZ-35", case_id="K1"),
    )
    facilities = facilities_table(facility("AST", "KZ-71"), facility("KAR", "KZ-35"))
    solution = solve(convicts, facilities)
    without = solve(convicts.assign(case_id=""), facilities)
    assert solution.potentials is not None and without.potentials is not None
    assert np.array_equal(solution.potentials.between, without.potentials.between)
    assert solution.placements.equals(without.placements)


def test_a_batch_with_co_defendants_is_one_flow_with_case_nodes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No flow without the rule first: the case-node flow alone decides the batch."""

    def no_flow_without_the_rule(*_: object) -> None:
        raise AssertionError("a flow without case nodes was solved")

    module = sys.modules["optimizer.allocation.solve"]
    monkeypatch.setattr(module, "optimal_flow", no_flow_without_the_rule)
    convicts, facilities = random_instance(np.random.default_rng(7), 20, 4, cases=True)
    assert (convicts["case_id"] != "").any()
    solution = solve(convicts, facilities)
    assert solution.optimal and solution.method == "min-cost-flow"
