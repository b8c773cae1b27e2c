"""The stored population: seeded with the facilities and in step with their occupancy, grown by
committed runs."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from api import db, store
from api.auth import Role
from api.errors import ConflictError
from optimizer.data import read_facilities, read_regions
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


def test_moves_change_the_population_and_the_occupancy_together(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        population = store.read_population(session=session)
    convict = population.iloc[0]
    origin = convict["facility_id"]
    with app.state.store.sessions() as session:
        target = next(
            f.facility_id
            for f in store.list_facilities(session=session)
            if f.facility_id != origin and f.occupied < f.capacity
        )
    with app.state.store.sessions() as session, db.writing(session):
        change = store.move_convicts(
            session=session, moves=[(convict["convict_id"], origin, target)]
        )
    assert change == dict(sorted({origin: -1, target: 1}.items()))
    with app.state.store.sessions() as session, db.writing(session), pytest.raises(ConflictError):
        store.move_convicts(session=session, moves=[(convict["convict_id"], origin, target)])


def test_the_occupancy_change_of_moves_nets_out() -> None:
    moves = [("a", "F2", "F1"), ("b", "F1", "F2"), ("c", "F3", "F1")]
    assert store.occupancy_change(moves) == {"F1": 1, "F3": -1}
