"""The home regions' waiting lists, honoured by the next weekly allocation in order of the date
received: the batch is solved around the held place, and the commit moves the earliest request's
convict into it, lawfully and within capacity; the later request keeps waiting."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import store
from api.auth import Role
from api.services.transfer_reviews import evaluate, read_tables
from api.services.waiting_list import waiting_candidates
from optimizer.domain import DistanceKind
from optimizer.transfers import Ground
from tests.api.routes.test_transfer_casework import file
from tests.api.routes.test_transfer_requests import audit_entries, decide, serving


def _two_waiting_for_one_facility(app: FastAPI) -> tuple[str, list[str]]:
    """A full home-region facility and two convicts for whom it is the first lawful choice."""
    with app.state.store.sessions() as session:
        tables = read_tables(session=session)
    by_facility: dict[str, list[str]] = defaultdict(list)
    for convict_id in tables.population["convict_id"].to_numpy()[::37]:
        e = evaluate(
            tables,
            convict_id=str(convict_id),
            target_region=None,
            target_facility=None,
            ground=Ground.HOME_REGION,
            consent=False,
            distance=DistanceKind.GREAT_CIRCLE,
        )
        if e.waiting_list:
            first = e.lawful_options[0].facility_id
            by_facility[first].append(str(convict_id))
            if len(by_facility[first]) == 2:
                return first, by_facility[first]
    pytest.fail("the bundled population holds no two convicts waiting for one facility")


def test_the_next_allocation_honours_the_waiting_list_in_date_order(
    app: FastAPI, client: TestClient, as_role: Any, submit: Any, make_batch: Any
) -> None:
    facility_id, (first, second) = _two_waiting_for_one_facility(app)
    later = file(client, as_role, first, received="2026-10-02")
    earlier = file(client, as_role, second, received="2026-09-15")
    for body in (later, earlier):
        decide(client, as_role(Role.REVIEWER), body["request_id"], "wait-list")
    with app.state.store.sessions() as session:
        assert list(waiting_candidates(session)["convict_id"]) == [second, first]
        assert list(waiting_candidates(session)["received"]) == ["2026-09-15", "2026-10-02"]
    facility = client.get(f"/facilities/{facility_id}", headers=as_role(Role.ADMIN)).json()
    freed = client.patch(
        f"/facilities/{facility_id}",
        json={"occupied": facility["occupied"] - 1},
        headers=as_role(Role.ADMIN),
    )
    assert freed.status_code == 200
    run = submit(make_batch(40, 11)).json()
    committed = client.post(f"/runs/{run['run_id']}/commit", headers=as_role(Role.ALLOCATOR))
    assert committed.status_code == 200, committed.text
    where = serving(app)
    assert where[second] == facility_id and where[first] != facility_id
    after = client.get(f"/facilities/{facility_id}", headers=as_role(Role.ADMIN)).json()
    assert after["occupied"] == after["capacity"]
    honoured = client.get(
        f"/transfer-requests/{earlier['request_id']}", headers=as_role(Role.AUDITOR)
    ).json()
    assert honoured["status"] == "granted"
    assert honoured["decision"]["facility_id"] == facility_id
    assert {n["kind"] for n in honoured["notices"]} == {"convict"}
    waiting = client.get(f"/transfer-requests/{later['request_id']}", headers=as_role(Role.AUDITOR))
    assert waiting.json()["status"] == "wait-listed"
    with app.state.store.sessions() as session:
        assert [r.convict_id for r in store.waiting_list(session=session)] == [first]
    entry = audit_entries(client, as_role)[-1]
    assert entry["action"] == "transfer-request.decided"
    assert entry["payload"]["waiting_list_honoured"] is True
    verified = client.get("/audit/verify", headers=as_role(Role.AUDITOR)).json()
    assert verified["ok"], verified


def test_the_next_campaign_takes_wait_listed_requests_by_the_date_received(
    app: FastAPI, client: TestClient, as_role: Any
) -> None:
    from api.services.campaigns import open_requests

    _, (first, second) = _two_waiting_for_one_facility(app)
    for convict_id, received in ((first, "2026-10-02"), (second, "2026-09-15")):
        body = file(client, as_role, convict_id, received=received)
        decide(client, as_role(Role.REVIEWER), body["request_id"], "wait-list")
    with app.state.store.sessions() as session:
        candidates = open_requests(session=session)
    assert list(candidates["convict_id"]) == [second, first]
    assert list(candidates["received"]) == ["2026-09-15", "2026-10-02"]
