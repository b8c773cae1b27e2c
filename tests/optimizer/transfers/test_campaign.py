"""The transfer campaign under the escort service's limits: hand-made instances, seeded random
ones checked against the naive PuLP model with every limit on, and the national data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from optimizer.data import read_facilities, read_regions
from optimizer.domain import InputError
from optimizer.rules import convict_classes, eligibility
from optimizer.transfers import evaluate_request, optimise_transfers
from optimizer.transfers.campaign_text import campaign_text
from optimizer.transfers.limits import CampaignLimits, CampaignScope
from optimizer.transfers.reference import optimise_transfers_reference
from tests.helpers import convict, facility, regions_table
from tests.optimizer.transfers.worlds import full, metres, random_world, world

WHAT_IF = CampaignLimits(min_saved_km=0, scope=CampaignScope.EVERYONE)
"""Everyone may move, any saving counts: only the one-way pairs rule remains."""


def requests(*convict_ids: str, day: str = "2026-11-01") -> pd.DataFrame:
    return pd.DataFrame({"convict_id": list(convict_ids), "basis": "request", "received": day})


def exchange_world() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A in Astana from Shymkent, B in Shymkent from Astana; Karaganda has one free place."""
    return world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), facility("FK", "KZ-35", capacity=1)],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )


def test_no_facility_pair_exchanges_convicts_both_ways() -> None:
    """A and B would swap Astana and Shymkent; instead B goes to Karaganda and A to Shymkent."""
    population, facilities = exchange_world()
    result = optimise_transfers(population, facilities, regions_table(), limits=WHAT_IF)
    assert sorted(map(tuple, result.moves[["convict_id", "to_facility"]].values)) == [
        ("A", "FS"),
        ("B", "FK"),
    ]
    assert result.newly_home == 1 and result.optimal


def test_by_default_only_convicts_with_a_request_or_consent_move() -> None:
    population, facilities = exchange_world()
    nobody = optimise_transfers(population, facilities, regions_table())
    assert nobody.moved == 0 and nobody.movable == 0
    only_b = optimise_transfers(population, facilities, regions_table(), requests=requests("B"))
    assert only_b.moves["convict_id"].tolist() == ["B"] and only_b.requests == 1
    consent = pd.DataFrame({"convict_id": ["A"], "basis": ["consent"], "received": [""]})
    only_a = optimise_transfers(population, facilities, regions_table(), requests=consent)
    assert only_a.consents == 1 and only_a.moves["to_facility"].tolist() == ["FK"], (
        "without B's move, A only reaches Karaganda, 121 km closer to Shymkent"
    )


def test_a_move_saving_less_than_the_minimum_is_not_made() -> None:
    """B saves 804 km going to Karaganda, which lets A home (997 km): not with 900 km."""
    population, facilities = exchange_world()
    for minimum, moved in ((800, 2), (900, 0)):
        everyone = CampaignLimits(scope=CampaignScope.EVERYONE, min_saved_km=minimum)
        result = optimise_transfers(population, facilities, regions_table(), limits=everyone)
        assert result.moved == moved


def test_the_cap_on_moves_keeps_the_best_moves() -> None:
    population, facilities = exchange_world()
    capped = CampaignLimits(min_saved_km=0, scope=CampaignScope.EVERYONE, max_moves=1)
    result = optimise_transfers(population, facilities, regions_table(), limits=capped)
    assert result.moves["convict_id"].tolist() == ["B"] and result.moved == 1


def test_escort_seats_over_a_horizon_limit_the_moves_leaving_a_region() -> None:
    population, facilities = exchange_world()
    seats = {"KZ-79": 1, "KZ-71": 0}
    one_week = CampaignLimits(
        min_saved_km=0, scope=CampaignScope.EVERYONE, escort_seats=seats, max_weeks=1
    )
    result = optimise_transfers(population, facilities, regions_table(), limits=one_week)
    assert result.moves["convict_id"].tolist() == ["B"], "no seat leaves Astana for A"


def test_a_bad_candidates_table_names_the_row_and_column() -> None:
    population, facilities = exchange_world()
    bad = pd.DataFrame(
        {"convict_id": ["A", "Z"], "basis": ["request", "request"], "received": ["", "2026-01-01"]}
    )
    with pytest.raises(InputError) as error:
        optimise_transfers(population, facilities, regions_table(), requests=bad)
    assert [(p.row, p.column) for p in error.value.problems] == [(1, "received")]
    unknown = requests("Z")
    with pytest.raises(InputError, match="not in the population"):
        optimise_transfers(population, facilities, regions_table(), requests=unknown)


def test_the_earliest_request_moves_first_when_places_are_short() -> None:
    """Two interchangeable convicts ask for the one free place at home: the earlier gets it."""
    population, facilities = world(
        [facility("FA", "KZ-71", capacity=2), facility("FS", "KZ-79", capacity=1)],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-79"), "FA")],
    )
    table = pd.concat([requests("A", day="2026-11-02"), requests("B", day="2026-11-01")])
    result = optimise_transfers(population, facilities, regions_table(), requests=table)
    assert result.moves["convict_id"].tolist() == ["B"]


def test_the_campaign_keeps_co_defendants_apart() -> None:
    """Two places free in Shymkent, but only one co-defendant may go. B home and A to
    Karaganda saves exactly as much as A home alone (997.337 km): the fewer moves win."""
    population, facilities = world(
        [full("FA", "KZ-71"), full("FK", "KZ-35"), facility("FS", "KZ-79", capacity=2)],
        [(convict("A", "KZ-79", case_id="K1"), "FA"), (convict("B", "KZ-79", case_id="K1"), "FK")],
    )
    result = optimise_transfers(population, facilities, regions_table(), limits=WHAT_IF)
    assert result.home_after == 1
    assert result.moves[["convict_id", "to_facility"]].values.tolist() == [["A", "FS"]]
    reference = optimise_transfers_reference(population, facilities)
    assert reference.home_after == 1 and reference.facility_of == result.facility_of.tolist()


def test_the_campaign_places_the_most_at_home_before_saving_kilometres() -> None:
    """One place in Shymkent: A would come home saving 54 km; B would save 980 km but stay away
    from home (B's co-defendant C keeps B out of the place that A would free)."""
    population, facilities = world(
        [
            facility("FS", "KZ-79", capacity=1),
            facility("FX", "KZ-75", lat=42.5, lon=70.2, capacity=2),
            full("FA", "KZ-71"),
        ],
        [
            (convict("A", "KZ-79"), "FX"),
            (convict("B", "KZ-75", home_lat=42.35, home_lon=69.7, case_id="K1"), "FA"),
            (convict("C", "KZ-75", home_lat=42.5, home_lon=70.25, case_id="K1"), "FX"),
        ],
    )
    result = optimise_transfers(population, facilities, regions_table(), limits=WHAT_IF)
    assert result.moves["convict_id"].tolist() == ["A"]
    assert (result.home_before, result.home_after) == (1, 2)
    assert result.km_saved == pytest.approx(54, abs=1)
    reference = optimise_transfers_reference(population, facilities)
    assert reference.facility_of == result.facility_of.tolist()


def assert_campaign_is_sound(
    population: pd.DataFrame, facilities: pd.DataFrame, facility_of: np.ndarray
) -> None:
    row = population["facility_id"].map({fid: j for j, fid in enumerate(facilities["facility_id"])})
    before = row.to_numpy()
    distance = metres(population, facilities)
    everyone = np.arange(len(population))
    moved = facility_of != before
    assert (distance[everyone, facility_of][moved] < distance[everyone, before][moved]).all()
    assert (np.bincount(facility_of, minlength=len(facilities)) <= facilities["capacity"]).all()
    classes, class_of = convict_classes(population)
    assert eligibility(classes, facilities)[class_of, facility_of].all()
    in_case = (population["case_id"] != "").to_numpy()
    pairs = pd.DataFrame({"case": population["case_id"][in_case], "at": facility_of[in_case]})
    assert not pairs.duplicated().any()


def test_the_campaign_equals_the_naive_model_with_every_limit_on() -> None:
    """Random worlds and random limits (minimum saving, cap, seats over a horizon, one-way
    pairs, a scope of requests): the same optimum in all three stages, so no move that the
    result does not need."""
    rng = np.random.default_rng(2021)
    compared = moved = 0
    for _ in range(25):
        population, facilities = random_world(
            rng, int(rng.integers(8, 26)), int(rng.integers(4, 9))
        )
        if population.empty:
            continue
        movable = rng.random(len(population)) < 0.7
        table = requests(*population["convict_id"][movable])
        limits = CampaignLimits(
            min_saved_km=float(rng.choice([0, 50, 150])),
            escort_seats={r: int(rng.integers(0, 3)) for r in regions_table()["region"]},
            max_moves=int(rng.integers(1, 6)) if rng.random() < 0.5 else None,
            max_weeks=int(rng.integers(1, 3)) if rng.random() < 0.5 else None,
        )
        result = optimise_transfers(
            population, facilities, regions_table(), limits=limits, requests=table
        )
        assert_campaign_is_sound(population, facilities, result.facility_of)
        reference = optimise_transfers_reference(
            population, facilities, limits=limits, movable=movable.tolist()
        )
        assert reference.optimal and result.optimal
        distance = metres(population, facilities)
        total = int(distance[np.arange(len(population)), result.facility_of].sum())
        assert (result.home_after, total, result.moved) == (
            reference.home_after,
            reference.total_distance_m,
            reference.moved,
        )
        compared += 1
        moved += result.moved
    assert compared >= 20 and moved > 0


def test_the_national_campaign_over_requests_is_sound_and_reviews_work_on_it() -> None:
    from optimizer.population import read_population
    from optimizer.transfers.limits import read_escort_seats

    regions = read_regions()
    facilities = read_facilities(None, regions)
    population = read_population(None, regions, facilities)
    asking = population["convict_id"].iloc[::40]
    limits = CampaignLimits(escort_seats=read_escort_seats(None, regions), max_weeks=4)
    result = optimise_transfers(
        population, facilities, regions, limits=limits, requests=requests(*asking)
    )
    assert_campaign_is_sound(population, facilities, result.facility_of)
    assert result.optimal and 0 < result.moved <= len(asking)
    assert set(result.moves["convict_id"]) <= set(asking)
    assert (result.moves["saved_km"] >= 100).all()
    assert result.by_region["convicts"].sum() == len(population)
    medical = facilities["medical_profile"].to_numpy()[result.facility_of] != ""
    healthy = population["medical_need"].to_numpy() == ""
    assert not (medical & healthy).any(), "a healthy convict was moved into a medical facility"
    json.dumps(result.as_dict())
    for cid in population["convict_id"].iloc[:: len(population) // 5]:
        json.dumps(evaluate_request(population, facilities, regions, cid).as_dict())


def test_the_campaign_text_and_json_agree() -> None:
    population, facilities = exchange_world()
    result = optimise_transfers(population, facilities, regions_table(), limits=WHAT_IF)
    data = result.as_dict(include_moves=True)
    assert [m["convict_id"] for m in data["moves"]] == ["A", "B"]
    assert data["km_saved"] == result.km_saved and "moves" not in result.as_dict()
    assert data["what_if"] and data["limits"]["one_way_pairs"]
    assert campaign_text(result, regions_table(), facilities).startswith(
        "Transfer campaign over today's population of 2 convicts (optimal)."
    )


def test_nobody_leaves_a_region_whose_escort_trains_have_no_seats() -> None:
    """With a seats table, Astana (not listed) sends nobody: A stays, B still goes to Karaganda;
    without a table, seats are not limited."""
    population, facilities = exchange_world()
    seats = CampaignLimits(min_saved_km=0, scope=CampaignScope.EVERYONE, escort_seats={"KZ-79": 5})
    result = optimise_transfers(population, facilities, regions_table(), limits=seats)
    assert result.moves["convict_id"].tolist() == ["B"]
    assert (result.plan.weeks, result.plan.lower_bound) == (1, 1)
    reference = optimise_transfers_reference(population, facilities, limits=seats)
    assert reference.facility_of == result.facility_of.tolist()
    unlimited = optimise_transfers(population, facilities, regions_table(), limits=WHAT_IF)
    assert unlimited.moved == 2 and unlimited.plan.weeks == 1
