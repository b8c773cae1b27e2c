"""Co-defendants in different groups on instances too large for case nodes: the repair,
reduced-cost fixing and the integer model."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.allocation import case_flow, separation, solve, summarize
from optimizer.allocation.reference import solve_reference
from optimizer.domain import Objective, SolveOptions
from tests.helpers import convict, convicts_table, facilities_table, facility, random_instance


@pytest.fixture(autouse=True)
def separation_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Instances too large for the flow with case nodes take this path: force it here."""
    monkeypatch.setattr(case_flow, "CASE_FLOW_ARC_LIMIT", 0)


def _meeting_instance() -> tuple[object, object]:
    """Three co-defendants from three homes in Astana who would all pick its facility."""
    convicts = convicts_table(
        convict("A", "KZ-71", case_id="K1"),
        convict("B", "KZ-71", home_lat=51.2, home_lon=71.5, case_id="K1"),
        convict("C", "KZ-71", home_lat=51.1, home_lon=71.3, case_id="K1"),
        convict("D", "KZ-71"),
    )
    facilities = facilities_table(
        facility("AST", "KZ-71", capacity=5),
        facility("KAR", "KZ-35", capacity=5),
        facility("ALA", "KZ-75", capacity=5),
    )
    return convicts, facilities


def test_the_integer_model_separates_co_defendants_and_proves_it() -> None:
    convicts, facilities = _meeting_instance()
    solution = solve(convicts, facilities)  # type: ignore[arg-type]
    placed = solution.placements.set_index("convict_id")["facility_id"]
    assert len({placed["A"], placed["B"], placed["C"]}) == 3
    assert solution.method == "cp-sat" and solution.optimal


@pytest.mark.parametrize("seed", range(6))
def test_the_repair_of_every_meeting_at_once_reaches_the_same_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The large-instance repair (all meetings in one round) leaves a lawful start from which
    the integer model proves the same optimum as the reference."""
    monkeypatch.setattr(separation, "GREEDY_REPAIR_GROUPS", 0)
    convicts, facilities = random_instance(np.random.default_rng(seed), 18, 5, cases=True)
    for objective in Objective:
        solution = solve(convicts, facilities, SolveOptions(objective=objective))
        reference = solve_reference(convicts, facilities, objective)
        assert solution.placed == reference.placed
        assert solution.total_distance_m == reference.total_distance_m


def test_without_room_for_a_proof_the_repaired_allocation_is_kept_unproven(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from optimizer.allocation import integer_model

    monkeypatch.setattr(integer_model, "MAX_OPEN_GROUPS", -1)
    convicts, facilities = _meeting_instance()
    solution = solve(convicts, facilities)  # type: ignore[arg-type]
    placed = solution.placements.set_index("convict_id")["facility_id"]
    assert len({placed["A"], placed["B"], placed["C"]}) == 3
    assert solution.method == "flow-repair" and not solution.optimal
    assert solution.gap_to_bound is not None
    proven = solve(convicts, facilities)  # type: ignore[arg-type]
    unplaced, away, metres = solution.gap_to_bound
    # The gap is measured from a lower bound, so it covers the distance to the true optimum.
    assert unplaced >= 0 and away >= 0
    assert metres >= solution.total_distance_m - proven.total_distance_m
    assert "Gap to a lower bound" in summarize(solution).text()


def test_a_proven_solution_states_no_gap() -> None:
    convicts, facilities = _meeting_instance()
    solution = solve(convicts, facilities)  # type: ignore[arg-type]
    assert solution.optimal and solution.gap_to_bound is None
    assert "Gap" not in summarize(solution).text()


def test_the_integer_model_gives_the_same_allocation_every_time() -> None:
    """Explanations and audits re-solve a run to check it, so equal optima must not vary."""
    convicts, facilities = random_instance(np.random.default_rng(11), 40, 6, cases=True)
    first = solve(convicts, facilities)
    for _ in range(3):
        again = solve(convicts, facilities)
        assert again.placements.equals(first.placements)
