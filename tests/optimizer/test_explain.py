"""Every claim in an explanation is true of the solution it explains, proven by re-solving."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer.allocation import Solution, solve
from optimizer.domain import Objective, SolveOptions
from optimizer.explain import explain_all, explain_convict, render_explanation, run_facts
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


def check_explanations(solution: Solution) -> int:
    """Re-check every claim of every explanation; returns how many forced moves were proven."""
    proven = 0
    before = (solution.placed, solution.placed_home, solution.total_distance_m)
    for i, explanation in enumerate(explain_all(solution, regions_table())):
        placement = explanation["placement"]
        facility_ids = list(solution.facilities["facility_id"])
        for item in explanation["closer_facilities"]:
            j = facility_ids.index(item["facility_id"])
            if placement is not None:
                assert item["distance_km"] < placement["distance_km"]
            # A closer facility was passed over: it must be full, or the move must cost nothing
            # or more.
            move = item["forced_move"]
            assert (
                item["full"]
                or move["total_distance_change_km"] >= 0
                or (move["away_from_home_change"] or 0) < 0
            )
            if not move["possible"]:
                assert solution.free[j] == 0 and solution.used[j] == 0
                continue
            if solution.free[j] - 0 < 1:
                continue
            after = resolve_with(solution, i, j, extra_place=False)
            assert move["unplaced_change"] == before[0] - after[0]
            if solution.options.objective is Objective.HOME_FIRST:
                assert move["away_from_home_change"] == (after[0] - after[1]) - (
                    before[0] - before[1]
                )
            assert move["total_distance_change_km"] == pytest.approx(
                (after[2] - before[2]) / 1000.0, abs=1e-9
            )
            proven += 1
        change = explanation["smallest_change"]
        if change["kind"] == "one-more-place":
            j = facility_ids.index(change["facility_id"])
            after = resolve_with(solution, i, j, extra_place=True)
            assert change["effect"]["total_distance_change_km"] == pytest.approx(
                (after[2] - before[2]) / 1000.0
            )
        for lang in ("en", "ru"):
            assert explanation["convict_id"] in render_explanation(
                explanation, lang, regions_table()
            )
    return proven


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("objective", list(Objective))
def test_forced_moves_and_extra_places_equal_a_re_solve(seed: int, objective: Objective) -> None:
    convicts, facilities = random_instance(np.random.default_rng(seed), 14, 5)
    check_explanations(solve(convicts, facilities, SolveOptions(objective=objective)))


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


def test_passed_over_home_facility_is_named_full_and_its_users_listed() -> None:
    convicts = convicts_table(convict("LOCAL", "KZ-71"), convict("AWAY", "KZ-35"))
    facilities = facilities_table(
        facility("AST", "KZ-71", capacity=1), facility("ALA", "KZ-75", capacity=5)
    )
    solution = solve(convicts, facilities)
    explanation = explain_convict(solution, regions_table(), 1)
    assert explanation["placement"]["facility_id"] == "ALA"
    [closer] = explanation["closer_facilities"]
    assert closer["facility_id"] == "AST" and closer["full"]
    assert closer["used_by"] == [
        {"home_region": "KZ-71", "convicts": 1, "mean_distance_km": 0.0, "max_distance_km": 0.0}
    ]
    text = render_explanation(explanation, "en", regions_table())
    assert "Closer eligible facilities" in text and "AST" in text


def test_no_facility_of_the_type_at_home_is_said_in_both_languages() -> None:
    convicts = convicts_table(convict("W", "KZ-71", sex="F"))
    facilities = facilities_table(facility("WOMEN", "KZ-75", sex="F"))
    explanation = explain_convict(solve(convicts, facilities), regions_table(), 0)
    assert explanation["home_region"]["eligible_facilities"] == []
    assert "No facility of this type for a woman" in render_explanation(
        explanation, "en", regions_table()
    )
    assert "нет учреждения этого вида" in render_explanation(explanation, "ru", regions_table())


def test_unplaced_convict_gets_the_shortage() -> None:
    convicts = convicts_table(*(convict(f"C{i}") for i in range(3)))
    solution = solve(convicts, facilities_table(facility("ONLY", capacity=2)))
    explanation = explain_convict(solution, regions_table(), 2)
    assert explanation["unplaced"] == {
        "reason": "eligible-facilities-full",
        "shortage": {"convicts": 3, "free": 2, "short": 1},
    }
    assert "Shortage: 3 convicts" in render_explanation(explanation, "en")


def test_run_facts_give_home_shares(national_regions: pd.DataFrame) -> None:
    convicts = convicts_table(convict("A", "KZ-71"), convict("B", "KZ-35"))
    solution = solve(convicts, facilities_table(facility("AST", "KZ-71")))
    regions = {r["region"]: r for r in run_facts(solution, regions_table())["regions"]}
    assert regions["KZ-71"]["home_share"] == 1.0 and regions["KZ-35"]["home_share"] == 0.0


def test_explanations_follow_the_documented_schema(
    national_regions: pd.DataFrame, national_facilities: pd.DataFrame
) -> None:
    import json
    from importlib import resources

    import jsonschema

    from optimizer.cohort import generate_cohort
    from optimizer.data import records_table, validate_convicts

    schema = json.loads(
        resources.files("optimizer.explain").joinpath("explanation.schema.json").read_text()
    )
    cohort = generate_cohort(300, 11, national_regions)
    cohort.loc[0, ["sex", "security_level"]] = ["F", "minimum"]  # no such facility: unplaced
    convicts = validate_convicts(records_table(cohort.to_dict("records")), national_regions)
    for objective in Objective:
        solution = solve(convicts, national_facilities, SolveOptions(objective=objective))
        for explanation in explain_all(solution, national_regions):
            jsonschema.validate(json.loads(json.dumps(explanation)), schema)


def test_words_do_not_depend_on_the_order_of_stored_keys() -> None:
    """A store may reorder JSON keys (PostgreSQL jsonb does); the text must not change."""
    convicts = convicts_table(convict("W", "KZ-71", sex="F", security_level="maximum"))
    facilities = facilities_table(
        facility("A", "KZ-71"),
        facility("B", "KZ-75", security_level="maximum"),
        facility("C", "KZ-35", sex="F", security_level="maximum"),
    )
    explanation = explain_convict(solve(convicts, facilities), regions_table(), 0)
    excluded = explanation["eligible"]["excluded_by_rule"]
    assert len(excluded) == 2
    reordered = {
        **explanation,
        "eligible": {
            **explanation["eligible"],
            "excluded_by_rule": dict(reversed(list(excluded.items()))),
        },
    }
    names = {"region": list(regions_table()["region"]), "name": list(regions_table()["name"])}
    assert render_explanation(reordered, "en", names) == render_explanation(
        explanation, "en", regions_table()
    )
