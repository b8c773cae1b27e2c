"""The stored population: seeded with the facilities and in step with their occupancy, grown by
committed runs; seeded from the stored occupancy in a store that predates it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select, text

from api import audit, store
from api.auth import Role
from optimizer.data import read_facilities, read_regions
from optimizer.domain import InputError
from optimizer.population import read_population


def counts(app: FastAPI) -> dict[str, int]:
    with app.state.store.sessions() as session:
        return store.population_counts(session=session)


def occupancy(client: TestClient, as_role: Any) -> dict[str, int]:
    facilities = client.get("/facilities", headers=as_role(Role.ADMIN)).json()
    return {f["facility_id"]: f["occupied"] for f in facilities if f["occupied"]}


def test_a_fresh_store_holds_the_bundled_population_in_step_with_occupancy(
    app: FastAPI, client: TestClient, as_role: Any
) -> None:
    regions = read_regions()
    bundled = read_population(None, regions, read_facilities(None, regions))
    with app.state.store.sessions() as session:
        stored = store.read_population(session=session)
    assert stored.equals(bundled.sort_values("convict_id", ignore_index=True))
    assert counts(app) == occupancy(client, as_role)
    [seeded] = client.get("/audit", headers=as_role(Role.AUDITOR)).json()["items"]
    assert (seeded["payload"]["population"], seeded["payload"]["population_source"]) == (
        len(bundled),
        "population.csv",
    )


def test_a_commit_adds_the_placed_convicts(
    app: FastAPI, client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run = submit(batch).json()
    before = counts(app)
    assert (
        client.post(f"/runs/{run['run_id']}/commit", headers=as_role(Role.ALLOCATOR)).status_code
        == 200
    )
    assert sum(counts(app).values()) == sum(before.values()) + run["placed"]
    assert counts(app) == occupancy(client, as_role)
    with app.state.store.sessions() as session:
        stored = store.read_population(session=session).set_index("convict_id")
    first = batch[0]
    assert stored.loc[first["convict_id"], "age"] == first["age"]
    assert stored.loc[first["convict_id"], "home_region"] == first["home_region"]


def test_a_run_placing_a_convict_who_already_serves_is_not_committed(
    app: FastAPI, client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    serving = dict(batch[0], convict_id="P000001")
    run = submit([serving, *batch[1:10]]).json()
    assert run["placed"] == 10
    before = (counts(app), occupancy(client, as_role))
    response = client.post(f"/runs/{run['run_id']}/commit", headers=as_role(Role.ALLOCATOR))
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "A convict of the run already serves in a facility"},
    )
    assert (counts(app), occupancy(client, as_role)) == before
    assert (
        client.get(f"/runs/{run['run_id']}", headers=as_role(Role.ALLOCATOR)).json()["status"]
        == "solved"
    )


def test_a_run_solved_before_the_population_was_kept_is_solved_again(
    app: FastAPI, client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run_id = submit(batch[:5]).json()["run_id"]
    with app.state.store.engine.begin() as connection:
        connection.execute(text("UPDATE placements SET sex = NULL"))
    response = client.post(f"/runs/{run_id}/commit", headers=as_role(Role.ALLOCATOR))
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "Run was solved before the population was kept; solve it again"},
    )


def test_a_store_from_before_the_population_gets_one_from_its_occupancy(
    blank_database_url: str,
) -> None:
    """Revision 0001 with changed occupancy: the bundled file no longer fits, so the population
    is generated from the stored occupancy, and the seeding is audited."""
    from alembic import command
    from alembic.config import Config

    regions = read_regions()
    facilities = read_facilities(None, regions)
    facilities.loc[0, "occupied"] = facilities.loc[0, "occupied"] - 3
    engine = store.create_store_engine(blank_database_url)
    try:
        config = Config(str(store.ALEMBIC_INI))
        config.set_main_option("script_location", str(store.MIGRATIONS_DIR))
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
            connection.execute(
                insert(store.RegionRow), store.jsonable(regions.to_dict(orient="records"))
            )
            rows = store.jsonable(facilities.to_dict(orient="records"))
            connection.execute(insert(store.FacilityRow), [r | {"version": 0} for r in rows])
            connection.commit()
    finally:
        engine.dispose()

    opened = store.Store.open(blank_database_url)
    try:
        with opened.sessions() as session:
            population = store.read_population(session=session)
            occupied = dict(zip(facilities["facility_id"], facilities["occupied"], strict=True))
            assert store.population_counts(session=session) == {
                f: int(n) for f, n in occupied.items() if n
            }
            [entry] = audit.list_entries(session=session, offset=0, limit=10)[0]
            assert (entry.action, entry.payload) == (
                "population.seeded",
                f'{{"population":{len(population)},"population_source":"generated (seed 2021)"}}',
            )
            assert audit.verify(session=session).ok
            assert not store.seed_population(session=session)
            assert session.scalar(select(func.count()).select_from(store.AuditEntryRow)) == 1
    finally:
        opened.close()


def test_a_given_population_file_must_fit_the_facilities(
    blank_database_url: str, tmp_path: Path
) -> None:
    population = tmp_path / "population.csv"
    population.write_text(
        "convict_id,sex,age,security_level,home_region,facility_id\nP1,M,30,medium,KZ-75,F001\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as refused:
        store.Store.open(blank_database_url, population_path=population)
    assert any(p.file == "population.csv" for p in refused.value.problems)
