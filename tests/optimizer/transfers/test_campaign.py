"""The transfer campaign on small hand-made instances, seeded random ones and the national data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from optimizer.data import read_facilities, read_regions
from optimizer.rules import convict_classes, eligibility
from optimizer.transfers import evaluate_request, optimise_transfers, render_campaign
from optimizer.transfers.reference import optimise_transfers_reference
from tests.helpers import convict, facility, regions_table
from tests.optimizer.transfers.worlds import full, metres, random_world, world


def test_the_campaign_exchanges_two_convicts_far_from_home() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79")],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )
    result = optimise_transfers(population, facilities, regions_table())
    assert result.moved == 2 and result.home_before == 0 and result.home_after == 2
    assert result.into_free_places == 0 and result.into_freed_places == 2
    assert result.moves["to_facility"].tolist() == ["FS", "FA"]
    assert result.km_saved == pytest.approx(2 * 997, abs=2)
    astana = result.by_region.set_index("region").loc["KZ-71"]
    assert (astana["convicts"], astana["home_after"], astana["moved"]) == (1, 1, 1)


def test_the_campaign_keeps_co_defendants_apart() -> None:
    """Two places free in Shymkent, but only one co-defendant may go; the other moves closer."""
    population, facilities = world(
        [full("FA", "KZ-71"), full("FK", "KZ-35"), facility("FS", "KZ-79", capacity=2)],
        [(convict("A", "KZ-79", case_id="K1"), "FA"), (convict("B", "KZ-79", case_id="K1"), "FK")],
    )
    result = optimise_transfers(population, facilities, regions_table())
    assert result.home_after == 1
    assert sorted(result.moves["to_facility"]) == ["FK", "FS"]
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
    result = optimise_transfers(population, facilities, regions_table())
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


def test_the_campaign_equals_the_naive_model_on_random_instances() -> None:
    rng = np.random.default_rng(2021)
    compared = moved = 0
    for _ in range(25):
        population, facilities = random_world(
            rng, int(rng.integers(8, 26)), int(rng.integers(4, 9))
        )
        if population.empty:
            continue
        result = optimise_transfers(population, facilities, regions_table())
        assert_campaign_is_sound(population, facilities, result.facility_of)
        reference = optimise_transfers_reference(population, facilities)
        assert reference.optimal
        distance = metres(population, facilities)
        total = int(distance[np.arange(len(population)), result.facility_of].sum())
        assert (result.home_after, total) == (reference.home_after, reference.total_distance_m)
        compared += 1
        moved += result.moved
    assert compared >= 20 and moved > 0


def test_the_national_campaign_is_sound_and_reviews_work_on_it() -> None:
    from optimizer.population import read_population

    regions = read_regions()
    facilities = read_facilities(None, regions)
    population = read_population(None, regions, facilities)
    result = optimise_transfers(population, facilities, regions)
    assert_campaign_is_sound(population, facilities, result.facility_of)
    assert result.home_after > result.home_before and result.moved > 1000
    assert result.by_region["convicts"].sum() == len(population)
    medical = facilities["medical_profile"].to_numpy()[result.facility_of] != ""
    healthy = population["medical_need"].to_numpy() == ""
    assert not (medical & healthy).any(), "a healthy convict was moved into a medical facility"
    json.dumps(result.as_dict())
    for cid in population["convict_id"].iloc[:: len(population) // 5]:
        json.dumps(evaluate_request(population, facilities, regions, cid).as_dict())


def test_the_campaign_text_and_json_agree() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79")],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )
    result = optimise_transfers(population, facilities, regions_table())
    data = result.as_dict(include_moves=True)
    assert [m["convict_id"] for m in data["moves"]] == ["A", "B"]
    assert data["km_saved"] == result.km_saved and "moves" not in result.as_dict()
    assert render_campaign(result).startswith(
        "Transfer campaign over 2 convicts (optimal, min-cost-flow)"
    )
