"""The objective an explanation states, and the effects it reports under each objective."""

from __future__ import annotations

from optimizer.allocation import solve
from optimizer.domain import Objective, SolveOptions
from optimizer.explain import explain_placements
from optimizer.explain.explanation import Change
from tests.helpers import convict, convicts_table, facilities_table, facility


def test_a_distance_run_says_so_and_counts_no_one_as_away_from_home() -> None:
    convicts = convicts_table(convict("A"), convict("B"))
    facilities = facilities_table(facility("NEAR", capacity=1), facility("FAR", "KZ-35"))
    options = SolveOptions(objective=Objective.MIN_DISTANCE)
    explanations = explain_placements(solve(convicts, facilities, options))
    assert {e.objective for e in explanations} == {Objective.MIN_DISTANCE}
    [far] = [e for e in explanations if e.placement and e.placement.facility_id == "FAR"]
    [closer] = far.closer_facilities
    assert isinstance(closer.forced_move, Change)
    assert closer.forced_move.away_from_home_change is None
    home_first = explain_placements(solve(convicts, facilities))
    assert {e.objective for e in home_first} == {Objective.HOME_FIRST}


def test_a_facility_barred_by_a_co_defendant_changes_nothing_when_forced() -> None:
    convicts = convicts_table(convict("A", case_id="K"), convict("B", case_id="K"))
    facilities = facilities_table(facility("NEAR"), facility("FAR", "KZ-35"))
    explanations = explain_placements(solve(convicts, facilities))
    [far] = [e for e in explanations if e.placement and e.placement.facility_id == "FAR"]
    [closer] = far.closer_facilities
    assert closer.co_defendants != ()
    assert closer.forced_move == Change(0.0, 0, 0)
