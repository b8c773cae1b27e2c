"""Every claim in an explanation is true of the solution it explains, proven by re-solving."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.allocation import Solution, solve
from optimizer.domain import Objective, SolveOptions
from optimizer.explain import (
    Change,
    ChangeKind,
    NoChange,
    NoRoom,
    OneMorePlace,
    explain_all,
    explain_convict,
    explain_placement,
    explain_placements,
    render_explanation,
)
from tests.helpers import (
    convict,
    convicts_table,
    facilities_table,
    facility,
    random_instance,
    regions_table,
)


def resolve_with(
    solution: Solution, i: int, facility_row: int, *, extra_place: bool
) -> tuple[int, int, int]:
    """(placed, placed at home, metres) of the optimum with convict i fixed at the facility."""
    convicts, facilities = solution.convicts, solution.facilities.copy()
    if extra_place:
        facilities.loc[facility_row, "capacity"] += 1
    facilities.loc[facility_row, "occupied"] += 1
    rest = solve(convicts.drop(index=i).reset_index(drop=True), facilities, solution.options)
    block, row = solution.block_of_group(int(solution.group_of[i]))
    column = int(np.flatnonzero(block.facilities == facility_row)[0])
    at_home = int(facilities["region"].iat[facility_row] == convicts["home_region"].iat[i])
    return (
        rest.placed + 1,
        rest.placed_home + at_home,
        rest.total_distance_m + int(block.distance_m[row, column]),
    )


def check_forced_move(
    solution: Solution, i: int, j: int, move: Change, before: tuple[int, int, int]
) -> None:
    after = resolve_with(solution, i, j, extra_place=False)
    assert move.unplaced_change == before[0] - after[0]
    if solution.options.objective is Objective.HOME_FIRST:
        assert move.away_from_home_change == (after[0] - after[1]) - (before[0] - before[1])
    assert move.total_distance_change_km == pytest.approx((after[2] - before[2]) / 1000.0, abs=1e-9)


def check_explanations(solution: Solution) -> int:
    """Re-check every claim of every explanation; returns how many forced moves were proven."""
    proven = 0
    before = (solution.placed, solution.placed_home, solution.total_distance_m)
    facility_ids = list(solution.facilities["facility_id"])
    for i, explanation in enumerate(explain_placements(solution)):
        placement = explanation.placement
        for item in explanation.closer_facilities:
            j = facility_ids.index(item.facility_id)
            if placement is not None:
                assert item.distance_km < placement.distance_km
            move = item.forced_move
            if isinstance(move, NoRoom):
                assert solution.free[j] == 0 and solution.used[j] == 0
                continue
            assert isinstance(move, Change)
            # A closer facility was passed over: it is full, or the move costs nothing or more.
            assert (
                item.full
                or move.total_distance_change_km >= 0
                or (move.away_from_home_change or 0) < 0
            )
            if solution.free[j] >= 1:
                check_forced_move(solution, i, j, move, before)
                proven += 1
        change = explanation.smallest_change
        if isinstance(change, OneMorePlace):
            assert isinstance(change.effect, Change)
            after = resolve_with(
                solution, i, facility_ids.index(change.facility_id), extra_place=True
            )
            assert change.effect.total_distance_change_km == pytest.approx(
                (after[2] - before[2]) / 1000.0
            )
    return proven


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("objective", list(Objective))
def test_forced_moves_and_extra_places_equal_a_re_solve(seed: int, objective: Objective) -> None:
    convicts, facilities = random_instance(np.random.default_rng(seed), 14, 5)
    check_explanations(solve(convicts, facilities, SolveOptions(objective=objective)))


def test_passed_over_home_facility_is_named_full_and_its_users_listed() -> None:
    convicts = convicts_table(convict("LOCAL", "KZ-71"), convict("AWAY", "KZ-35"))
    facilities = facilities_table(
        facility("AST", "KZ-71", capacity=1), facility("ALA", "KZ-75", capacity=5)
    )
    explanation = explain_convict(solve(convicts, facilities), regions_table(), 1)
    assert explanation["placement"]["facility_id"] == "ALA"
    [closer] = explanation["closer_facilities"]
    assert closer["facility_id"] == "AST" and closer["full"]
    assert closer["used_by"] == [
        {"home_region": "KZ-71", "convicts": 1, "mean_distance_km": 0.0, "max_distance_km": 0.0}
    ]


def test_unplaced_convict_gets_the_shortage() -> None:
    convicts = convicts_table(*(convict(f"C{i}") for i in range(3)))
    solution = solve(convicts, facilities_table(facility("ONLY", capacity=2)))
    explanation = explain_convict(solution, regions_table(), 2)
    assert explanation["unplaced"] == {
        "reason": "eligible-facilities-full",
        "shortage": {"convicts": 3, "free": 2, "short": 1},
        "network_gap": False,
    }


def test_no_facility_of_the_type_leaves_nothing_to_change() -> None:
    convicts = convicts_table(convict("W", "KZ-71", sex="F"))
    explanation = explain_placement(solve(convicts, facilities_table(facility("MEN"))), 0)
    assert explanation.placement is None and explanation.closer_facilities == ()
    assert explanation.smallest_change == NoChange(ChangeKind.NO_FACILITY_OF_TYPE)


def test_the_documents_are_the_typed_explanations_written_out() -> None:
    convicts, facilities = random_instance(np.random.default_rng(5), 14, 5)
    solution = solve(convicts, facilities)
    documents = explain_all(solution, regions_table())
    typed = explain_placements(solution)
    assert documents == [explanation.as_dict() for explanation in typed]
    assert [explain_convict(solution, regions_table(), i) for i in range(len(typed))] == documents
    assert explain_placement(solution, 3) == typed[3]


def test_no_extra_place_is_offered_outside_the_home_region_of_a_convict_placed_at_home() -> None:
    """A full facility outside the home region is closer, but every convict is placed at home
    in a home-first run: a place there would not bring them, so none is offered, even when the
    co-defendants' run has no potentials to price it (C000044 of the bundled batch)."""
    convicts = convicts_table(
        convict("FIRST", "KZ-71", case_id="K1"),
        convict("SECOND", "KZ-71", case_id="K1", age=31),
        convict("THIRD", "KZ-71", case_id="K1", criminal_history="repeat"),
    )
    facilities = facilities_table(
        facility("NEAR", "KZ-35", lat=51.1, lon=71.5, capacity=3, occupied=3),
        *(facility(f"HOME{k}", "KZ-71", lat=51.3 + 0.4 * k) for k in range(3)),
    )
    solution = solve(convicts, facilities)
    assert solution.potentials is None
    for explanation in explain_placements(solution):
        assert explanation.placement is not None and explanation.placement.in_home_region
        assert explanation.closer_facilities[0].facility_id == "NEAR"
        assert explanation.smallest_change == NoChange(ChangeKind.NOT_CAPACITY)
        words = render_explanation(explanation)
        assert "one more place" not in words and "outside the home region" in words
