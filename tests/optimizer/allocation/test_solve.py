"""The engine against the naive per-convict PuLP model, and every hard rule on every solution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.allocation import Solution, columns, solve
from optimizer.allocation.reference import allowed, solve_reference
from optimizer.domain import Objective, SolveOptions
from optimizer.geo import haversine_km
from tests.helpers import convict, convicts_table, facilities_table, facility, random_instance


def assert_hard_rules(solution: Solution) -> None:
    """Every placement is lawful, capacity holds, co-defendants are apart, reasons are given."""
    convicts, facilities = solution.convicts, solution.facilities
    placed = solution.facility_of >= 0
    reasons = solution.placements["unplaced_reason"].to_numpy()
    assert (reasons[placed] == "").all() and (reasons[~placed] != "").all()
    # The naive check, once per distinct (person, facility) pair: convicts who differ only in
    # id, home and case are the same to every rule of the reference.
    personal = convicts.drop(
        columns=["convict_id", "home_region", "home_lat", "home_lon", "case_id"]
    )
    pairs = personal[placed].assign(_facility=solution.facility_of[placed]).drop_duplicates()
    for _, row in pairs.iterrows():
        facility = facilities.iloc[int(row["_facility"])]
        assert allowed(row.drop("_facility"), facility), (row.to_dict(), facility.to_dict())
    used = np.bincount(solution.facility_of[placed], minlength=len(facilities))
    assert (used <= facilities["capacity"] - facilities["occupied"]).all()
    pairs = pd.DataFrame({"case": convicts["case_id"][placed], "f": solution.facility_of[placed]})
    assert not pairs[pairs["case"] != ""].duplicated().any()
    assert list(solution.placements["convict_id"]) == list(convicts["convict_id"])


def assert_matches_reference(
    convicts: pd.DataFrame, facilities: pd.DataFrame, objective: Objective
) -> None:
    solution = solve(convicts, facilities, SolveOptions(objective=objective))
    reference = solve_reference(convicts, facilities, objective)
    assert_hard_rules(solution)
    assert solution.optimal and reference.optimal
    assert solution.placed == reference.placed
    if objective is Objective.HOME_FIRST:
        assert solution.placed_home == reference.placed_home
    assert solution.total_distance_m == reference.total_distance_m


instances = st.tuples(st.integers(0, 10**6), st.integers(1, 24), st.integers(1, 7), st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances, objective=st.sampled_from(list(Objective)))
def test_optimum_equals_the_pulp_reference(
    instance: tuple[int, int, int, bool], objective: Objective
) -> None:
    seed, n_convicts, n_facilities, cases = instance
    convicts, facilities = random_instance(
        np.random.default_rng(seed), n_convicts, n_facilities, cases=cases
    )
    assert_matches_reference(convicts, facilities, objective)


@settings(max_examples=30, deadline=None)
@given(instance=instances, objective=st.sampled_from(list(Objective)))
def test_column_generation_reaches_the_same_optimum(
    instance: tuple[int, int, int, bool], objective: Objective, monkeypatch_module: None
) -> None:
    """With one arc per group to start, pricing must still find the optimum over all arcs."""
    seed, n_convicts, n_facilities, cases = instance
    convicts, facilities = random_instance(
        np.random.default_rng(seed), n_convicts + 10, n_facilities, cases=cases
    )
    assert_matches_reference(convicts, facilities, objective)


@pytest.fixture(scope="module")
def monkeypatch_module() -> object:
    patch = pytest.MonkeyPatch()
    patch.setattr(columns, "FULL_ARCS_LIMIT", 0)
    patch.setattr(columns, "NEAREST_ARCS", 1)
    yield None
    patch.undo()


def test_capacity_binds_and_the_farther_facility_takes_the_rest() -> None:
    convicts = convicts_table(*(convict(f"C{i}", "KZ-71") for i in range(3)))
    facilities = facilities_table(
        facility("NEAR", "KZ-71", capacity=5, occupied=3), facility("FAR", "KZ-75", capacity=5)
    )
    solution = solve(convicts, facilities)
    assert list(solution.placements["facility_id"]) == ["NEAR", "NEAR", "FAR"]


def test_unplaced_convict_names_the_binding_rule() -> None:
    convicts = convicts_table(convict("WOMAN", sex="F"), convict("MAN1"), convict("MAN2"))
    facilities = facilities_table(facility("F1", capacity=1))
    reasons = dict(
        zip(
            *solve(convicts, facilities).placements[["convict_id", "unplaced_reason"]].T.values,
            strict=True,
        )
    )
    assert reasons["WOMAN"] == "no-eligible-facility"
    assert sorted([reasons["MAN1"], reasons["MAN2"]]) == ["", "eligible-facilities-full"]


def test_co_defendants_never_share_a_facility() -> None:
    convicts = convicts_table(
        convict("A", case_id="K1"), convict("B", case_id="K1"), convict("C", case_id="K1")
    )
    facilities = facilities_table(
        facility("NEAR", "KZ-71"), facility("MID", "KZ-35"), facility("FAR", "KZ-75")
    )
    solution = solve(convicts, facilities)
    assert sorted(solution.placements["facility_id"]) == ["FAR", "MID", "NEAR"]
    assert solution.method == "min-cost-flow" and solution.optimal


def test_co_defendants_from_different_homes_are_kept_apart_inside_the_flow() -> None:
    """Both live nearest Astana; the one who loses least goes to Karaganda."""
    convicts = convicts_table(
        convict("A", "KZ-71", case_id="K1"), convict("B", "KZ-35", case_id="K1")
    )
    facilities = facilities_table(facility("AST", "KZ-71"), facility("ALA", "KZ-75"))
    solution = solve(convicts, facilities)
    assert list(solution.placements["facility_id"]) == ["AST", "ALA"]
    assert solution.method == "min-cost-flow" and solution.optimal


def test_co_defendant_rule_can_leave_a_convict_unplaced() -> None:
    convicts = convicts_table(convict("A", case_id="K1"), convict("B", case_id="K1"))
    solution = solve(convicts, facilities_table(facility("ONLY", capacity=5)))
    assert sorted(solution.placements["unplaced_reason"]) == ["", "co-defendant-separation"]


def test_home_first_keeps_a_convict_in_the_home_region_even_if_farther() -> None:
    """Karaganda's centre is nearer Astana than an outlying Astana facility would be."""
    convicts = convicts_table(convict("A", "KZ-71"), convict("B", "KZ-35"))
    facilities = facilities_table(
        facility("AST", "KZ-71", capacity=1),
        facility("KAR", "KZ-35", capacity=1, lat=50.6, lon=72.0),
    )
    distance = solve(convicts, facilities, SolveOptions(objective=Objective.MIN_DISTANCE))
    home = solve(convicts, facilities, SolveOptions(objective=Objective.HOME_FIRST))
    assert home.placed_home == 2
    assert home.placed_home >= distance.placed_home


def test_national_batch_obeys_every_rule(
    national_regions: pd.DataFrame, national_facilities: pd.DataFrame
) -> None:
    from optimizer.cohort import generate_cohort
    from optimizer.data import records_table, validate_convicts

    cohort = generate_cohort(1500, 3, national_regions)
    convicts = validate_convicts(records_table(cohort.to_dict("records")), national_regions)
    for objective in Objective:
        solution = solve(convicts, national_facilities, SolveOptions(objective=objective))
        assert_hard_rules(solution)
        assert solution.optimal


def test_a_healthy_convict_never_enters_a_medical_facility() -> None:
    """The nearer TB colony has room, yet the healthy convict goes to the farther ordinary one."""
    convicts = convicts_table(
        convict("HEALTHY", "KZ-71"), convict("SICK", medical_need="tuberculosis")
    )
    facilities = facilities_table(
        facility("TB", "KZ-71", medical_profile="tuberculosis;psychiatric"),
        facility("FAR", "KZ-75"),
    )
    solution = solve(convicts, facilities)
    assert list(solution.placements["facility_id"]) == ["FAR", "TB"]


def test_lifers_and_others_never_share_a_facility() -> None:
    convicts = convicts_table(
        convict("LIFER", security_level="extreme", life_sentence=True),
        convict("OTHER", security_level="extreme"),
    )
    facilities = facilities_table(
        facility("LIFERS", security_level="extreme", for_life_sentences=True),
        facility("EXTREME", "KZ-75", security_level="extreme"),
    )
    solution = solve(convicts, facilities)
    assert list(solution.placements["facility_id"]) == ["LIFERS", "EXTREME"]


@pytest.mark.parametrize(
    ("history", "expected"), [("first-time", ["FIRST", "FIRST"]), ("repeat", ["BOTH", "BOTH"])]
)
def test_first_time_and_repeat_convicts_are_held_apart(history: str, expected: list[str]) -> None:
    """A first-time facility takes first-time convicts only; `both` takes either."""
    convicts = convicts_table(*(convict(f"C{i}", criminal_history=history) for i in range(2)))
    facilities = facilities_table(
        facility("FIRST", criminal_history="first-time"),
        facility("BOTH", "KZ-75", criminal_history="both"),
    )
    assert list(solve(convicts, facilities).placements["facility_id"]) == expected


def test_home_first_is_the_default_objective() -> None:
    assert SolveOptions().objective is Objective.HOME_FIRST


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_reference_states_the_same_rules_as_rules_py(seed: int) -> None:
    """The independently written `allowed` agrees with `rules.eligibility` pair by pair."""
    from optimizer.rules import convict_classes, eligibility

    convicts, facilities = random_instance(np.random.default_rng(seed), 20, 8)
    classes, class_of = convict_classes(convicts)
    matrix = eligibility(classes, facilities)[class_of]
    for i in range(len(convicts)):
        for j in range(len(facilities)):
            assert allowed(convicts.iloc[i], facilities.iloc[j]) == matrix[i, j]


def test_placements_give_the_great_circle_distance_to_the_facility_in_km() -> None:
    convicts = convicts_table(
        convict("A", "KZ-71", home_lat=51.1, home_lon=71.4), convict("B", "KZ-75")
    )
    facilities = facilities_table(
        facility("AST", "KZ-71", lat=51.2, lon=71.5), facility("ALA", "KZ-75", lat=43.3, lon=76.9)
    )
    placements = solve(convicts, facilities).placements.set_index("convict_id")
    home_b = convicts.set_index("convict_id").loc["B", ["home_lat", "home_lon"]]
    expected = {
        "A": haversine_km(51.1, 71.4, 51.2, 71.5),
        "B": haversine_km(home_b["home_lat"], home_b["home_lon"], 43.3, 76.9),
    }
    for convict_id, km in expected.items():
        assert placements.loc[convict_id, "distance_km"] == round(float(km) * 1000) / 1000


def test_an_unplaced_convict_has_no_facility_and_no_distance() -> None:
    convicts = convicts_table(convict("WOMAN", sex="F"))
    placements = solve(convicts, facilities_table(facility("MEN"))).placements
    row = placements.iloc[0]
    assert (row["facility_id"], row["unplaced_reason"]) == ("", "no-eligible-facility")
    assert np.isnan(row["distance_km"])
