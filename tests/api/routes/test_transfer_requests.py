"""POST /transfer-requests, GET /transfer-requests[/{request_id}], POST .../decisions and
POST .../approvals: the engine's review, the four-eyes rule, and grants applied to the population
and occupancy in one transaction.

The store starts with the bundled population; each case (room, swap, no facility of the type at
home, ...) is found in it with the engine itself, so the tests follow the data set.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import audit, db, tables
from api.auth import Principal, Role, create_token
from api.errors import ConflictError
from api.services import transfers
from api.services.transfer_reviews import engine_facilities, evaluation_from_dict
from optimizer.data import read_facilities, read_regions
from optimizer.population import read_population
from optimizer.transfers import (
    Evaluation,
    Reason,
    Verdict,
    evaluate_request,
    evaluation_document,
    render_evaluation,
)

STALE = {"detail": "Occupancy changed since the request was evaluated"}


def refusal(message: str) -> dict[str, Any]:
    """A rule's refusal of a decision: a 422 problem list, like every other 422."""
    return {"detail": [{"file": "request", "row": None, "column": "decision", "message": message}]}


REASON_NEEDED = refusal("A decision against the recommendation needs a written reason")
SAME_REVIEWER = refusal("The approval must come from a second reviewer, not the one who decided")
NOT_LAWFUL = refusal("The transfer is not lawful and cannot be granted")
CANDIDATES = 60
"""Convicts tried per case before the data set is declared not to hold it."""


@dataclass(frozen=True)
class National:
    regions: pd.DataFrame
    facilities: pd.DataFrame
    population: pd.DataFrame

    def evaluate(self, convict_id: str, **request: Any) -> Evaluation:
        return evaluate_request(
            self.population, self.facilities, self.regions, convict_id, **request
        )

    def serving_region(self) -> pd.Series:
        return self.population["facility_id"].map(
            self.facilities.set_index("facility_id")["region"]
        )

    def home_facilities(self, free: Callable[[int], bool], at_least: int = 1) -> np.ndarray:
        """Per convict, whether the home region has `at_least` facilities of the convict's
        security level, sex and age category whose free places satisfy `free` (facilities
        without a medical profile: a medical facility holds only those who need it)."""
        f = self.facilities[self.facilities["medical_profile"] == ""]
        keys = ["region", "security_level", "sex", "age_category"]
        room = f.assign(free=f["capacity"] - f["occupied"])
        fitting = room[room["free"].map(free)].groupby(keys).size()
        fitting = fitting[fitting >= at_least].reset_index()[keys]
        convicts = self.population.rename(columns={"home_region": "region"})[keys]
        return convicts.merge(fitting, how="left", indicator=True)["_merge"].eq("both").to_numpy()


@pytest.fixture(scope="module")
def national() -> National:
    regions = read_regions()
    facilities = read_facilities(None, regions)
    return National(regions, facilities, read_population(None, regions, facilities))


def find(
    national: National,
    candidates: np.ndarray,
    wanted: Callable[[Evaluation], bool],
    **request: Any,
) -> Evaluation:
    ids = national.population["convict_id"].to_numpy()[candidates]
    for convict_id in ids[:CANDIDATES]:
        evaluation = national.evaluate(str(convict_id), **request)
        if wanted(evaluation):
            return evaluation
    pytest.fail("the bundled population holds no such case")


@pytest.fixture(scope="module")
def room(national: National) -> Evaluation:
    """Serves away from home; a facility of the type at home has room: grant."""
    away = (national.serving_region() != national.population["home_region"]).to_numpy()
    candidates = np.flatnonzero(away & national.home_facilities(lambda free: free > 0))
    return find(national, candidates, lambda e: e.recommendation is Verdict.GRANT)


@pytest.fixture(scope="module")
def swap(national: National) -> Evaluation:
    """Serves away from home; every facility of the type at home is full; a swap makes room."""
    away = (national.serving_region() != national.population["home_region"]).to_numpy()
    full = national.home_facilities(lambda free: free == 0)
    spare = national.home_facilities(lambda free: free > 0)
    candidates = np.flatnonzero(away & full & ~spare)
    return find(national, candidates, lambda e: e.recommendation is Verdict.GRANT_WITH_SWAP)


@pytest.fixture(scope="module")
def no_type(national: National) -> Evaluation:
    """No facility of the convict's type in the home region: deny, with alternatives."""
    away = (national.serving_region() != national.population["home_region"]).to_numpy()
    candidates = np.flatnonzero(away & ~national.home_facilities(lambda free: True))
    return find(national, candidates, lambda e: Reason.NO_FACILITY_OF_TYPE in e.reasons)


@pytest.fixture(scope="module")
def lawful_deny(national: National) -> Evaluation:
    """Serves at home; another lawful facility there has room but is not closer: deny, though
    a grant would be lawful."""
    home = (national.serving_region() == national.population["home_region"]).to_numpy()
    candidates = np.flatnonzero(home & national.home_facilities(lambda free: free > 0, 2))

    def wanted(e: Evaluation) -> bool:
        return (
            e.recommendation is Verdict.DENY
            and e.lawful
            and any(o.free_places > 0 for o in e.lawful_options)
        )

    return find(national, candidates, wanted)


def request(client: TestClient, as_role: Any, convict_id: str, **body: Any) -> Any:
    return client.post(
        "/transfer-requests",
        json={"convict_id": convict_id, **body},
        headers=as_role(Role.REVIEWER),
    )


def decide(
    client: TestClient, headers: dict[str, str], request_id: str, decision: str, **body: Any
) -> Any:
    return client.post(
        f"/transfer-requests/{request_id}/decisions",
        json={"decision": decision, **body},
        headers=headers,
    )


def approve(
    client: TestClient, headers: dict[str, str], request_id: str, *, approve: bool = True
) -> Any:
    return client.post(
        f"/transfer-requests/{request_id}/approvals", json={"approve": approve}, headers=headers
    )


def occupancy(client: TestClient, as_role: Any) -> dict[str, int]:
    facilities = client.get("/facilities", headers=as_role(Role.ADMIN)).json()
    return {f["facility_id"]: f["occupied"] for f in facilities}


def serving(app: FastAPI) -> dict[str, str]:
    """Where every convict of the stored population serves."""
    with app.state.store.sessions() as session:
        rows = session.execute(
            select(tables.PopulationRow.convict_id, tables.PopulationRow.facility_id)
        ).all()
    return dict(rows)


def audit_entries(client: TestClient, as_role: Any) -> list[dict[str, Any]]:
    response = client.get("/audit", params={"limit": 1000}, headers=as_role(Role.AUDITOR))
    return list(response.json()["items"])


def audit_ok(client: TestClient, as_role: Any) -> bool:
    return bool(client.get("/audit/verify", headers=as_role(Role.AUDITOR)).json()["ok"])


def second_reviewer(app: FastAPI, name: str = "second-desk", role: Role = Role.REVIEWER) -> Any:
    with app.state.store.sessions() as session, db.writing(session):
        token = create_token(session=session, role=role, name=name)
    return {"Authorization": f"Bearer {token}"}


def plain(value: Any) -> Any:
    return json.loads(json.dumps(value))


# --- the review -------------------------------------------------------------------------------


def test_a_request_is_reviewed_by_the_engine_and_stored(
    client: TestClient, as_role: Any, room: Evaluation
) -> None:
    before = occupancy(client, as_role)
    response = request(client, as_role, room.convict_id)
    assert response.status_code == 201
    body = response.json()
    assert body["evaluation"] == plain(evaluation_document(room))
    assert (body["status"], body["recommendation"], body["decision"]) == (
        "evaluated",
        "grant",
        None,
    )
    assert (body["ground"], body["consent"], body["distance"]) == (
        "home-region",
        False,
        "great-circle",
    )
    assert body["created_by"] == "reviewer:reviewer-desk"
    assert body["text"] == render_evaluation(room, "en")
    assert occupancy(client, as_role) == before
    for role in (Role.REVIEWER, Role.AUDITOR, Role.ANALYST, Role.ADMIN):
        read = client.get(f"/transfer-requests/{body['request_id']}", headers=as_role(role))
        assert read.status_code == 200
        assert read.json() == body
    russian = client.get(
        f"/transfer-requests/{body['request_id']}",
        params={"lang": "ru"},
        headers=as_role(Role.ADMIN),
    ).json()
    assert (russian["lang"], russian["text"]) == ("ru", render_evaluation(room, "ru"))
    assert russian["text"] == body["evaluation"]["explanation"]["ru"] != body["text"]


def test_the_review_is_audited_without_naming_the_convict(
    client: TestClient, as_role: Any, room: Evaluation
) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    entry = audit_entries(client, as_role)[-1]
    assert (entry["action"], entry["actor"]) == (
        "transfer-request.created",
        "reviewer:reviewer-desk",
    )
    assert entry["payload"]["request_id"] == request_id
    assert entry["payload"]["recommendation"] == "grant"
    assert entry["payload"]["reasons"] == ["room-available"]
    assert room.convict_id not in json.dumps(entry["payload"])
    assert audit_ok(client, as_role)


def test_the_stored_review_reads_back_as_the_engines_evaluation(
    national: National, room: Evaluation, swap: Evaluation, no_type: Evaluation
) -> None:
    names = dict(zip(national.regions["region"], national.regions["name"], strict=True))
    for evaluation in (room, swap, no_type):
        assert evaluation_from_dict(plain(evaluation_document(evaluation)), names) == evaluation


def test_no_facility_of_the_type_at_home_grants_the_nearest_closer_facility_with_room(
    client: TestClient, as_role: Any, no_type: Evaluation
) -> None:
    body = request(client, as_role, no_type.convict_id).json()
    evaluation = body["evaluation"]
    assert (body["recommendation"], evaluation["lawful"]) == ("grant", False)
    nearest = next(a for a in evaluation["alternatives"] if a["free_places"] > 0)
    assert evaluation["facility_id"] == nearest["facility_id"]
    assert evaluation["reasons"][0]["code"] == "no-facility-of-type"
    assert evaluation["reasons"][0]["rule"] == "home-region-first"
    assert evaluation["failed_rules"]
    assert all(r["legal_source"] for r in evaluation["failed_rules"])
    assert all(not o["lawful"] for o in evaluation["options"])
    assert all(a["lawful"] and a["closer"] for a in evaluation["alternatives"])


def test_a_target_facility_of_another_type_is_not_lawful(
    client: TestClient, as_role: Any, national: National, room: Evaluation
) -> None:
    other = national.facilities[
        national.facilities["security_level"] != room.current.security_level
    ]["facility_id"].iloc[0]
    body = request(client, as_role, room.convict_id, target_facility=other).json()
    assert body["evaluation"] == plain(
        evaluation_document(national.evaluate(room.convict_id, target_facility=other))
    )
    assert (body["recommendation"], body["evaluation"]["lawful"]) == ("deny", False)
    assert body["evaluation"]["reasons"][0]["code"] == "no-lawful-facility"
    assert "same-security-level" in [r["id"] for r in body["evaluation"]["failed_rules"]]


def test_operational_need_needs_the_convicts_consent(
    client: TestClient, as_role: Any, room: Evaluation
) -> None:
    refused = request(client, as_role, room.convict_id, ground="operational-need").json()
    assert (refused["recommendation"], refused["evaluation"]["lawful"]) == ("deny", False)
    assert [r["code"] for r in refused["evaluation"]["reasons"]] == ["consent-required"]
    consented = request(
        client, as_role, room.convict_id, ground="operational-need", consent=True
    ).json()
    assert (consented["recommendation"], consented["consent"]) == ("grant", True)


def test_a_full_home_facility_is_reviewed_with_a_swap(
    client: TestClient, as_role: Any, swap: Evaluation
) -> None:
    body = request(client, as_role, swap.convict_id).json()
    assert body["recommendation"] == "grant-with-swap"
    assert [r["code"] for r in body["evaluation"]["reasons"]] == [
        "swap-available",
        "swap-needs-consent",
    ]
    first = body["evaluation"]["swaps"][0]
    assert first["moves"][0]["convict_id"] == swap.convict_id
    assert all(m["change_km"] <= 0 for m in first["moves"])


# --- decisions that follow the recommendation -------------------------------------------------


def test_a_grant_moves_the_convict_and_the_occupancy_and_is_audited(
    app: FastAPI, client: TestClient, as_role: Any, room: Evaluation
) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    before, where = occupancy(client, as_role), serving(app)
    response = decide(client, as_role(Role.REVIEWER), request_id, "grant")
    assert response.status_code == 200
    body = response.json()
    target = room.facility_id
    assert target is not None
    assert body["status"] == "granted"
    decision = body["decision"]
    assert (decision["decision"], decision["departs_from_recommendation"]) == ("grant", False)
    assert (decision["decided_by"], decision["approved_by"]) == ("reviewer:reviewer-desk", None)
    assert [(m["convict_id"], m["from_facility"], m["to_facility"]) for m in decision["moves"]] == [
        (room.convict_id, room.current.facility_id, target)
    ]
    after = occupancy(client, as_role)
    assert after[room.current.facility_id] == before[room.current.facility_id] - 1
    assert after[target] == before[target] + 1
    assert {f for f in after if after[f] != before[f]} == {room.current.facility_id, target}
    assert serving(app) == where | {room.convict_id: target}
    entry = audit_entries(client, as_role)[-1]
    assert entry["action"] == "transfer-request.decided"
    assert entry["payload"]["occupancy_change"] == {room.current.facility_id: -1, target: 1}
    assert room.convict_id not in json.dumps(entry["payload"])
    assert audit_ok(client, as_role)
    again = request(client, as_role, room.convict_id).json()
    assert again["evaluation"]["current"]["facility_id"] == target


def test_a_swap_moves_everyone_in_it(
    app: FastAPI, client: TestClient, as_role: Any, swap: Evaluation
) -> None:
    request_id = request(client, as_role, swap.convict_id).json()["request_id"]
    before, where = occupancy(client, as_role), serving(app)
    response = decide(client, as_role(Role.REVIEWER), request_id, "grant-with-swap")
    assert response.status_code == 200
    assert response.json()["status"] == "granted"
    moves = swap.swaps[0].moves
    assert [m["convict_id"] for m in response.json()["decision"]["moves"]] == [
        m.convict_id for m in moves
    ]
    assert serving(app) == where | {m.convict_id: m.to_facility for m in moves}
    expected = dict(before)
    for m in moves:
        expected[m.from_facility] -= 1
        expected[m.to_facility] += 1
    assert occupancy(client, as_role) == expected
    assert audit_ok(client, as_role)


def other_type(national: National, room: Evaluation) -> str:
    """A facility of another security level than the one `room`'s convict serves in."""
    levels = national.facilities["security_level"]
    return str(national.facilities[levels != room.current.security_level]["facility_id"].iloc[0])


def test_a_denial_moves_nobody(
    app: FastAPI, client: TestClient, as_role: Any, national: National, room: Evaluation
) -> None:
    asked = other_type(national, room)
    request_id = request(client, as_role, room.convict_id, target_facility=asked).json()[
        "request_id"
    ]
    before, where = occupancy(client, as_role), serving(app)
    response = decide(client, as_role(Role.ADMIN), request_id, "deny")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decision"]["moves"]) == ("denied", [])
    assert (occupancy(client, as_role), serving(app)) == (before, where)


def test_a_decided_request_is_not_decided_again(
    client: TestClient, as_role: Any, room: Evaluation
) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    assert decide(client, as_role(Role.REVIEWER), request_id, "grant").status_code == 200
    for response in (
        decide(client, as_role(Role.REVIEWER), request_id, "deny", reason="changed my mind"),
        approve(client, as_role(Role.ADMIN), request_id),
    ):
        assert response.status_code == 409
    assert decide(client, as_role(Role.REVIEWER), request_id, "grant").json() == {
        "detail": "Transfer request already decided"
    }
    assert approve(client, as_role(Role.ADMIN), request_id).json() == {
        "detail": "Transfer request is not awaiting approval"
    }


def test_a_grant_whose_room_is_gone_is_409_and_changes_nothing(
    app: FastAPI, client: TestClient, as_role: Any, room: Evaluation
) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    target = client.get(f"/facilities/{room.facility_id}", headers=as_role(Role.ADMIN)).json()
    patched = client.patch(
        f"/facilities/{room.facility_id}",
        json={"occupied": target["capacity"]},
        headers=as_role(Role.ADMIN),
    )
    assert patched.status_code == 200
    before, where = occupancy(client, as_role), serving(app)
    response = decide(client, as_role(Role.REVIEWER), request_id, "grant")
    assert (response.status_code, response.json()) == (409, STALE)
    assert (occupancy(client, as_role), serving(app)) == (before, where)
    read = client.get(f"/transfer-requests/{request_id}", headers=as_role(Role.REVIEWER)).json()
    assert (read["status"], read["decision"]) == ("evaluated", None)
    assert audit_ok(client, as_role)


def test_a_convict_moved_since_the_review_is_409(
    client: TestClient, as_role: Any, room: Evaluation
) -> None:
    first = request(client, as_role, room.convict_id).json()["request_id"]
    second = request(client, as_role, room.convict_id).json()["request_id"]
    assert decide(client, as_role(Role.REVIEWER), first, "grant").status_code == 200
    response = decide(client, as_role(Role.REVIEWER), second, "grant")
    assert (response.status_code, response.json()) == (409, STALE)


def test_the_review_counts_room_from_the_stored_occupancy(
    client: TestClient, as_role: Any, room: Evaluation
) -> None:
    """An admin's correction of occupancy is what the review sees as free places."""
    target = client.get(f"/facilities/{room.facility_id}", headers=as_role(Role.ADMIN)).json()
    client.patch(
        f"/facilities/{room.facility_id}",
        json={"occupied": target["capacity"] - 1},
        headers=as_role(Role.ADMIN),
    )
    body = request(client, as_role, room.convict_id).json()
    option = next(o for o in body["evaluation"]["options"] if o["facility_id"] == room.facility_id)
    assert option["free_places"] == 1


def test_of_two_grants_competing_for_the_last_place_exactly_one_is_applied(
    app: FastAPI, client: TestClient, as_role: Any, national: National, room: Evaluation
) -> None:
    """Two decisions in their own threads and sessions, at once: one moves, one is 409."""
    target = room.facility_id
    assert target is not None
    population = national.population
    mine = population[population["convict_id"] == room.convict_id].iloc[0]
    same = (
        population[["home_region", "security_level", "sex", "age_category"]]
        == mine[["home_region", "security_level", "sex", "age_category"]]
    ).all(axis=1) & (population["convict_id"] != room.convict_id)
    other = find(
        national,
        np.flatnonzero(same.to_numpy() & (population["facility_id"] != target).to_numpy()),
        lambda e: e.recommendation is Verdict.GRANT,
        target_facility=target,
    )
    facility = client.get(f"/facilities/{target}", headers=as_role(Role.ADMIN)).json()
    client.patch(
        f"/facilities/{target}",
        json={"occupied": facility["capacity"] - 1},
        headers=as_role(Role.ADMIN),
    )
    ids = [
        request(client, as_role, convict_id, target_facility=target).json()["request_id"]
        for convict_id in (room.convict_id, other.convict_id)
    ]
    start = threading.Barrier(len(ids))
    reviewer = Principal("reviewer-desk", Role.REVIEWER)

    def attempt(request_id: str) -> str:
        with app.state.store.sessions() as session:
            start.wait()
            try:
                transfers.decide(
                    session=session,
                    request_id=uuid.UUID(request_id),
                    reviewer=reviewer,
                    verdict=Verdict.GRANT,
                    reason=None,
                )
            except ConflictError as refused:
                return refused.detail
            return "granted"

    with ThreadPoolExecutor(len(ids)) as pool:
        results = list(pool.map(attempt, ids))
    assert sorted(results) == [STALE["detail"], "granted"]
    assert occupancy(client, as_role)[target] == facility["capacity"]
    assert list(serving(app).values()).count(target) == facility["occupied"] + 1
    with app.state.store.sessions() as session:
        assert audit.verify(session=session).ok


# --- four eyes --------------------------------------------------------------------------------


def test_a_decision_against_the_recommendation_without_a_reason_is_422(
    client: TestClient, as_role: Any, room: Evaluation
) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    for reason in ({}, {"reason": "   "}):
        response = decide(client, as_role(Role.REVIEWER), request_id, "deny", **reason)
        assert (response.status_code, response.json()) == (422, REASON_NEEDED)
    read = client.get(f"/transfer-requests/{request_id}", headers=as_role(Role.REVIEWER)).json()
    assert read["status"] == "evaluated"


def test_a_departing_decision_waits_for_a_second_reviewer(
    app: FastAPI, client: TestClient, as_role: Any, room: Evaluation
) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    before, where = occupancy(client, as_role), serving(app)
    response = decide(
        client, as_role(Role.REVIEWER), request_id, "deny", reason="Family moved abroad."
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "awaiting-approval"
    assert (body["decision"]["decision"], body["decision"]["reason"]) == (
        "deny",
        "Family moved abroad.",
    )
    assert body["decision"]["departs_from_recommendation"] is True
    assert decide(client, as_role(Role.REVIEWER), request_id, "grant").json() == {
        "detail": "Transfer request is awaiting approval"
    }
    pending = client.get(
        "/transfer-requests", params={"status": "awaiting-approval"}, headers=as_role(Role.AUDITOR)
    ).json()
    assert [r["request_id"] for r in pending["items"]] == [request_id]

    refused = approve(client, as_role(Role.REVIEWER), request_id)
    assert (refused.status_code, refused.json()) == (422, SAME_REVIEWER)
    same_person = second_reviewer(app, name="reviewer-desk", role=Role.ADMIN)
    assert approve(client, same_person, request_id).json() == SAME_REVIEWER

    approved = approve(client, second_reviewer(app), request_id)
    assert approved.status_code == 200
    decision = approved.json()["decision"]
    assert approved.json()["status"] == "denied"
    assert (decision["decided_by"], decision["approved_by"]) == (
        "reviewer:reviewer-desk",
        "reviewer:second-desk",
    )
    assert (occupancy(client, as_role), serving(app)) == (before, where)
    actions = [e["action"] for e in audit_entries(client, as_role)]
    assert actions[-3:] == [
        "transfer-request.created",
        "transfer-request.decision-proposed",
        "transfer-request.decided",
    ]
    assert audit_ok(client, as_role)


def test_an_approved_grant_against_the_recommendation_is_applied(
    app: FastAPI, client: TestClient, as_role: Any, lawful_deny: Evaluation
) -> None:
    request_id = request(client, as_role, lawful_deny.convict_id).json()["request_id"]
    before, where = occupancy(client, as_role), serving(app)
    proposed = decide(
        client, as_role(Role.REVIEWER), request_id, "grant", reason="Closer to a relative's care."
    )
    assert proposed.json()["status"] == "awaiting-approval"
    assert (occupancy(client, as_role), serving(app)) == (before, where)
    approved = approve(client, second_reviewer(app), request_id)
    assert approved.status_code == 200
    [move] = approved.json()["decision"]["moves"]
    target = next(o.facility_id for o in lawful_deny.lawful_options if o.free_places > 0)
    assert (move["convict_id"], move["to_facility"]) == (lawful_deny.convict_id, target)
    assert serving(app)[lawful_deny.convict_id] == target
    assert occupancy(client, as_role)[target] == before[target] + 1
    assert audit_ok(client, as_role)


def test_a_refused_approval_returns_the_request_to_a_decision(
    app: FastAPI, client: TestClient, as_role: Any, room: Evaluation
) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    decide(client, as_role(Role.REVIEWER), request_id, "deny", reason="Pending an inquiry.")
    assert approve(client, as_role(Role.REVIEWER), request_id, approve=False).json() == (
        SAME_REVIEWER
    )
    refused = approve(client, second_reviewer(app), request_id, approve=False)
    assert refused.status_code == 200
    assert (refused.json()["status"], refused.json()["decision"]) == ("evaluated", None)
    assert audit_entries(client, as_role)[-1]["action"] == "transfer-request.approval-refused"
    assert decide(client, as_role(Role.REVIEWER), request_id, "grant").json()["status"] == "granted"


def test_an_unlawful_grant_is_refused_even_with_a_reason(
    client: TestClient, as_role: Any, national: National, room: Evaluation
) -> None:
    asked = other_type(national, room)
    request_id = request(client, as_role, room.convict_id, target_facility=asked).json()[
        "request_id"
    ]
    for decision in ("grant", "grant-with-swap"):
        response = decide(
            client, as_role(Role.REVIEWER), request_id, decision, reason="The family insists."
        )
        assert (response.status_code, response.json()) == (422, NOT_LAWFUL)


def test_a_grant_with_a_swap_where_none_exists_is_refused(
    client: TestClient, as_role: Any, room: Evaluation
) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    response = decide(
        client, as_role(Role.REVIEWER), request_id, "grant-with-swap", reason="Prefer a swap."
    )
    assert (response.status_code, response.json()) == (
        422,
        refusal("No swap makes room for this transfer"),
    )


# --- the population in step ------------------------------------------------------------------


def test_a_committed_run_puts_its_convicts_in_the_population_for_review(
    app: FastAPI, client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run = submit(batch).json()
    placed = [
        p
        for p in client.get(
            f"/runs/{run['run_id']}/placements", params={"limit": 1000}, headers=as_role(Role.ADMIN)
        ).json()["items"]
        if p["facility_id"]
    ]
    assert request(client, as_role, placed[0]["convict_id"]).json() == {
        "detail": "Convict not found"
    }
    assert (
        client.post(f"/runs/{run['run_id']}/commit", headers=as_role(Role.ALLOCATOR)).status_code
        == 200
    )
    assert {p["convict_id"]: p["facility_id"] for p in placed}.items() <= serving(app).items()
    body = request(client, as_role, placed[0]["convict_id"]).json()
    assert body["evaluation"]["current"]["facility_id"] == placed[0]["facility_id"]


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"convict_id": "Z999999"}, "Convict not found"),
        ({"target_region": "KZ-99"}, "Region not found"),
        ({"target_facility": "F999"}, "Facility not found"),
    ],
)
def test_unknown_ids_are_404(
    client: TestClient, as_role: Any, room: Evaluation, body: dict[str, str], detail: str
) -> None:
    response = request(client, as_role, **({"convict_id": room.convict_id} | body))
    assert (response.status_code, response.json()) == (404, {"detail": detail})


def test_an_unknown_request_is_404(client: TestClient, as_role: Any) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for response in (
        client.get(f"/transfer-requests/{unknown}", headers=as_role(Role.REVIEWER)),
        decide(client, as_role(Role.REVIEWER), unknown, "deny"),
        approve(client, as_role(Role.REVIEWER), unknown),
    ):
        assert (response.status_code, response.json()) == (
            404,
            {"detail": "Transfer request not found"},
        )


def test_a_region_and_a_facility_together_are_422(
    client: TestClient, as_role: Any, room: Evaluation
) -> None:
    response = request(
        client, as_role, room.convict_id, target_region="KZ-75", target_facility="F001"
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert "give a target region or a target facility, not both" in problem["message"]


def test_an_unknown_decision_is_422(client: TestClient, as_role: Any, room: Evaluation) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    response = decide(client, as_role(Role.REVIEWER), request_id, "maybe")
    assert response.status_code == 422
    assert [(p["file"], p["column"]) for p in response.json()["detail"]] == [
        ("request", "decision")
    ]


@pytest.mark.parametrize("role", [Role.ALLOCATOR, Role.ANALYST, Role.AUDITOR])
def test_only_reviewers_and_admins_file_and_decide(
    client: TestClient, as_role: Any, room: Evaluation, role: Role
) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    for response in (
        client.post(
            "/transfer-requests", json={"convict_id": room.convict_id}, headers=as_role(role)
        ),
        decide(client, as_role(role), request_id, "grant"),
        approve(client, as_role(role), request_id),
    ):
        assert (response.status_code, response.json()) == (
            403,
            {"detail": "Not permitted for this role"},
        )


def test_allocators_do_not_read_requests_and_a_token_is_needed(
    client: TestClient, as_role: Any, room: Evaluation
) -> None:
    request_id = request(client, as_role, room.convict_id).json()["request_id"]
    assert (
        client.get(f"/transfer-requests/{request_id}", headers=as_role(Role.ALLOCATOR)).status_code
        == 403
    )
    assert client.get("/transfer-requests", headers=as_role(Role.ALLOCATOR)).status_code == 403
    assert client.get(f"/transfer-requests/{request_id}").status_code == 401
    assert (
        client.post("/transfer-requests", json={"convict_id": room.convict_id}).status_code == 401
    )


def test_requests_page_newest_first(client: TestClient, as_role: Any, room: Evaluation) -> None:
    ids = [request(client, as_role, room.convict_id).json()["request_id"] for _ in range(3)]
    page = client.get(
        "/transfer-requests", params={"offset": 1, "limit": 1}, headers=as_role(Role.ANALYST)
    ).json()
    assert page["total"] == 3
    assert [r["request_id"] for r in page["items"]] == [ids[1]]


def test_the_engine_sees_the_stored_occupancy_as_free_places(national: National) -> None:
    """engine_facilities: capacity - occupied + counted leaves each facility its free places."""
    facilities = national.facilities.copy()
    facilities.loc[0, "occupied"] = facilities.loc[0, "capacity"]
    seen = engine_facilities(facilities, national.population)
    counted = national.population["facility_id"].value_counts()
    free = seen["capacity"] - seen["facility_id"].map(counted).fillna(0).astype(int)
    assert (free == facilities["capacity"] - facilities["occupied"]).all()
