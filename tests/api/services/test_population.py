"""Today's population: the stored one with its network, and the standing one for seeding."""

from __future__ import annotations

from fastapi import FastAPI

from api import store
from api.services.population import standing_population, todays_population
from optimizer.data import read_facilities, read_regions


def test_todays_population_is_the_stored_network_and_population(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        today = todays_population(session=session)
        counts = store.population_counts(session=session)
    assert today.population["facility_id"].value_counts().to_dict() == counts
    assert list(today.regions["region"]) == sorted(today.regions["region"])
    assert len(today.facilities) == len(today.network.versions)


def test_the_standing_population_is_the_bundled_file_when_it_fits() -> None:
    regions = read_regions()
    facilities = read_facilities(None, regions)
    population, source = standing_population(regions, facilities, path=None)
    assert source == "population.csv"
    assert len(population) == int(facilities["occupied"].sum())
    assert standing_population(regions, facilities, path=None)[0] is population


def test_a_standing_population_is_generated_when_the_bundled_file_does_not_fit() -> None:
    regions = read_regions()
    facilities = read_facilities(None, regions)
    facilities.loc[0, "occupied"] -= 1
    population, source = standing_population(regions, facilities, path=None)
    assert source.startswith("generated (seed ")
    assert len(population) == int(facilities["occupied"].sum())
