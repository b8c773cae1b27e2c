"""Transfer casework through the API: who applied and when, each ground with its source, the
deadline and overdue flag, the reviewer's free choice through four eyes, the waiting list,
notices in the convict's language (HTML and PDF, audited) and appeals that reopen a request.

The woman P006585 of the bundled data serves 2,073 km from home; her home region (KZ-27) has no
women's colony, and the Atyrau women's colony F021 is lawful with room: the reviewer may choose it.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import store
from api.auth import Role
from optimizer.transfers import GROUND_SOURCE, Ground
from tests.api.routes.test_transfer_requests import (
    audit_entries,
    audit_ok,
    decide,
    refusal,
    second_reviewer,
    serving,
)
from tests.reading import assert_reads_in

WOMAN = "P006585"
ATYRAU = "F021"
PETROPAVLOVSK = "F058"
OLD = "2026-01-05"


def file(client: TestClient, as_role: Any, convict_id: str = WOMAN, **body: Any) -> Any:
    response = client.post(
        "/transfer-requests",
        json={"convict_id": convict_id, **body},
        headers=as_role(Role.REVIEWER),
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_request_carries_its_casework_and_deadline(client: TestClient, as_role: Any) -> None:
    body = file(
        client,
        as_role,
        applicant="lawyer",
        received=OLD,
        notes="Mother, 78, cannot travel.",
        named_person="Айгуль Сапарова",
        language="kk",
    )
    assert (body["applicant"], body["received"], body["answer_days"]) == ("lawyer", OLD, 15)
    assert body["deadline"] == "2026-01-20" and body["overdue"] is True
    assert (body["notes"], body["named_person"], body["language"]) == (
        "Mother, 78, cannot travel.",
        "Айгуль Сапарова",
        "kk",
    )
    today = file(client, as_role)
    assert today["received"] == datetime.datetime.now(datetime.UTC).date().isoformat()
    assert today["overdue"] is False and today["applicant"] == "convict"


def test_the_deadline_follows_the_services_setting(app: FastAPI, as_role: Any) -> None:
    app.state.settings = app.state.settings.model_copy(update={"transfer_answer_days": 30})
    with TestClient(app) as client:
        body = file(client, as_role, received=OLD)
    assert (body["answer_days"], body["deadline"]) == (30, "2026-02-04")


def test_a_date_received_in_the_future_is_refused(client: TestClient, as_role: Any) -> None:
    response = client.post(
        "/transfer-requests",
        json={"convict_id": WOMAN, "received": "2999-01-01"},
        headers=as_role(Role.REVIEWER),
    )
    assert response.status_code == 422
    assert "the date received cannot be in the future" in response.text


@pytest.mark.parametrize("ground", list(Ground))
def test_every_ground_is_reviewed_with_its_legal_source(
    client: TestClient, as_role: Any, ground: Ground
) -> None:
    body = file(client, as_role, ground=ground.value, consent=True)
    assert body["ground"] == ground.value
    assert body["evaluation"]["ground_source"] == GROUND_SOURCE[ground]


def test_the_reviewer_chooses_a_lawful_facility_through_four_eyes_and_notices_follow(
    app: FastAPI, client: TestClient, as_role: Any
) -> None:
    body = file(client, as_role, received=OLD, named_person="Айгуль", language="ru")
    assert (body["recommendation"], body["evaluation"]["facility_id"]) == ("grant", ATYRAU)
    choice = "Сестра живёт в Петропавловске."
    proposed = decide(
        client, as_role(Role.REVIEWER), body["request_id"], "grant", facility_id=PETROPAVLOVSK
    )
    assert proposed.status_code == 422 and proposed.json() == refusal(
        "A decision against the recommendation needs a written reason"
    )
    proposed = decide(
        client,
        as_role(Role.REVIEWER),
        body["request_id"],
        "grant",
        facility_id=PETROPAVLOVSK,
        reason=choice,
    )
    assert proposed.json()["status"] == "awaiting-approval"
    approved = client.post(
        f"/transfer-requests/{body['request_id']}/approvals",
        json={"approve": True},
        headers=second_reviewer(app),
    ).json()
    assert approved["status"] == "granted" and approved["decision"]["facility_id"] == PETROPAVLOVSK
    assert approved["decision"]["departs_from_recommendation"] is True
    assert serving(app)[WOMAN] == PETROPAVLOVSK
    assert {n["kind"] for n in approved["notices"]} == {"convict", "family"}
    convict = client.get(approved["notices"][0]["html"], headers=as_role(Role.AUDITOR))
    assert convict.headers["content-type"].startswith("text/html")
    assert convict.headers["content-language"] == "ru"
    text = convict.text
    assert "ЕС-164/6 Петропавловск (женская)" in text and "Северо-Казахстанская область" in text
    assert choice in text
    for body_to_appeal in ("прокурору", "в суд", "Уполномоченному по правам человека"):
        assert body_to_appeal in text
    assert "истёк" in text  # received in January: the answer is late
    pdf = client.get(
        f"/transfer-requests/{body['request_id']}/notices/family.pdf", headers=as_role(Role.AUDITOR)
    )
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    decided = next(
        e for e in reversed(audit_entries(client, as_role)) if e["action"].endswith("decided")
    )
    digests = {n["kind"]: n for n in decided["payload"]["notices"]}
    assert digests["convict"]["html_digest"] == hashlib.sha256(text.encode()).hexdigest()
    assert digests["family"]["pdf_digest"] == hashlib.sha256(pdf.content).hexdigest()
    assert audit_ok(client, as_role)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_a_notice_reads_in_the_convicts_language(
    client: TestClient, as_role: Any, lang: str
) -> None:
    body = file(client, as_role, language=lang)
    decided = decide(client, as_role(Role.REVIEWER), body["request_id"], "grant").json()
    notice = client.get(decided["notices"][0]["html"], headers=as_role(Role.AUDITOR)).text
    words = notice.split("<article>")[1].split("</article>")[0]
    for tag in ("<h1>", "</h1>", "<p>", "</p>"):
        words = words.replace(tag, " ")
    name = {"en": "Zhaugashty", "ru": "Жаугашты", "kk": "Жаугашты"}[lang]
    assert name in words
    ids = [WOMAN, "F016", "F021", "F058", "F002", "KZ-27", body["request_id"], "reviewer-desk"]
    ids += ["home-region-first", "closer-facility-available", "no-facility-of-type"]
    assert body["request_id"] in words
    assert_reads_in(words.replace(body["request_id"], "№"), lang, ids)


def test_an_unlawful_choice_is_refused_with_the_rule_named(
    client: TestClient, as_role: Any
) -> None:
    body = file(client, as_role)
    men = "F025"  # a men's maximum-security colony in her home region
    response = decide(
        client, as_role(Role.REVIEWER), body["request_id"], "grant", facility_id=men, reason="x"
    )
    assert response.status_code == 422
    assert response.json() == refusal(
        f"Refused: {men} is not lawful for this convict (same-security-level, same-sex)"
    )


def test_an_appeal_reopens_the_request_and_keeps_the_decision(
    client: TestClient, as_role: Any
) -> None:
    body = file(client, as_role)
    request_id = body["request_id"]
    appeal = {"appellant": "the convict", "received": "2026-11-20", "grounds": "Семья в Атырау."}
    early = client.post(
        f"/transfer-requests/{request_id}/appeals", json=appeal, headers=as_role(Role.REVIEWER)
    )
    assert early.status_code == 409
    assert early.json() == {"detail": "Transfer request has no decision to appeal"}
    decide(client, as_role(Role.REVIEWER), request_id, "grant")
    reopened = client.post(
        f"/transfer-requests/{request_id}/appeals", json=appeal, headers=as_role(Role.REVIEWER)
    ).json()
    assert reopened["status"] == "evaluated" and reopened["decision"] is None
    [kept] = reopened["appeals"]
    assert kept["decision_set_aside"]["decision"] == "grant"
    assert kept["decision_set_aside"]["status"] == "granted"
    assert kept["grounds"] == "Семья в Атырау."
    entry = audit_entries(client, as_role)[-1]
    assert entry["action"] == "transfer-request.appealed"
    assert entry["payload"]["decision_set_aside"] == {"status": "granted", "decision": "grant"}
    again = decide(client, as_role(Role.REVIEWER), request_id, "deny").json()
    assert again["status"] == "denied"


def test_the_waiting_list_is_kept_in_order_of_the_date_received(
    app: FastAPI, client: TestClient, as_role: Any
) -> None:
    candidates = _wait_listable(client, as_role, 2)
    later, earlier = (
        file(client, as_role, candidates[0], received="2026-10-02"),
        file(client, as_role, candidates[1], received="2026-09-15"),
    )
    for body in (later, earlier):
        assert body["waiting_list_offered"]
        decided = decide(client, as_role(Role.REVIEWER), body["request_id"], "wait-list").json()
        assert decided["status"] == "wait-listed"
        assert decided["decision"]["departs_from_recommendation"] is False
    with app.state.store.sessions() as session:
        listed = [r.convict_id for r in store.waiting_list(session=session)]
    assert listed == [candidates[1], candidates[0]]


def test_the_waiting_list_is_refused_when_not_offered(client: TestClient, as_role: Any) -> None:
    body = file(client, as_role)
    response = decide(client, as_role(Role.REVIEWER), body["request_id"], "wait-list")
    assert response.json() == refusal(
        "The waiting list is offered only when the home region's lawful facilities are full"
    )


def _wait_listable(client: TestClient, as_role: Any, count: int) -> list[str]:
    """Convicts whose home region's lawful facilities are all full, found with the engine."""
    from api.services.transfer_reviews import evaluate, read_tables
    from optimizer.domain import DistanceKind

    found: list[str] = []
    app = client.app
    with app.state.store.sessions() as session:  # type: ignore[attr-defined]
        tables = read_tables(session=session)
    population = tables.population
    for convict_id in population["convict_id"].to_numpy()[::97]:
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
            found.append(str(convict_id))
            if len(found) == count:
                return found
    pytest.fail("the bundled population holds no convict whose home region is full")
