"""The reviewers' screens: file a request, read its review, decide against the
recommendation with a reason, and the second reviewer's approval (four eyes)."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import store
from api.auth import Role
from tests.api.console.conftest import form_token

CANDIDATES = 40


def file_request(client: TestClient, convict_id: str) -> TestClient:
    token = form_token(client.get("/console/transfer-requests/new").text)
    data = {"csrf": token, "convict_id": convict_id, "ground": "home-region", "consent": "true"}
    return client.post("/console/transfer-requests", data=data)  # type: ignore[return-value]


def a_request_recommended_for_grant(app: FastAPI, client: TestClient) -> str:
    """The page of a filed request whose review recommends a grant (with or without swap)."""
    with app.state.store.sessions() as session:
        population = store.read_population(session=session)
        facilities = {
            f.facility_id: f.region
            for f in store.list_facilities(session=session, region=None, security_level=None)
        }
    away = population[population["facility_id"].map(facilities) != population["home_region"]]
    for convict_id in away["convict_id"].head(CANDIDATES):
        page = file_request(client, str(convict_id))
        if re.search(r"<dt>Recommendation</dt><dd>grant", page.text):
            return str(page.url.path)
    raise AssertionError("no request recommended for a grant among the candidates")


def test_a_request_is_reviewed_and_queued_with_its_age(
    app: FastAPI, browser: Callable[[Role], TestClient]
) -> None:
    client = browser(Role.REVIEWER)
    path = a_request_recommended_for_grant(app, client)
    page = client.get(path)
    assert "The review" in page.text and 'class="engine-text"' in page.text
    queue = client.get("/console/transfer-requests")
    assert "Age, days" in queue.text and path in queue.text
    client.get("/console/language?lang=ru")
    assert "Заключение" in client.get(path).text
    assert 'lang="ru"' in client.get(path).text


def test_departing_from_the_recommendation_needs_a_reason_and_a_second_reviewer(
    app: FastAPI, browser: Callable[[Role], TestClient], accounts: dict[Role, str]
) -> None:
    first = browser(Role.REVIEWER)
    path = a_request_recommended_for_grant(app, first)
    page = first.get(path)
    refused = first.post(
        f"{path}/decision", data={"csrf": form_token(page.text), "decision": "deny"}
    )
    assert refused.status_code == 422
    assert "A decision against the recommendation needs a written reason" in refused.text
    decided = first.post(
        f"{path}/decision",
        data={
            "csrf": form_token(page.text),
            "decision": "deny",
            "reason": "The family moved to Almaty.",
        },
    )
    assert "awaiting approval by a second reviewer" in decided.text
    assert "waits for a second reviewer" in decided.text
    same = first.post(
        f"{path}/approval", data={"csrf": form_token(decided.text), "approve": "true"}
    )
    assert "must come from a second reviewer" in same.text
    second = browser(Role.ADMIN)
    approval_page = second.get(path)
    approved = second.post(
        f"{path}/approval", data={"csrf": form_token(approval_page.text), "approve": "true"}
    )
    assert "<dd>denied</dd>" in approved.text
    assert "The family moved to Almaty." in approved.text
    assert "approved by admin:admin-person" in approved.text


def test_analysts_read_but_do_not_decide(
    app: FastAPI, browser: Callable[[Role], TestClient]
) -> None:
    path = a_request_recommended_for_grant(app, browser(Role.REVIEWER))
    analyst = browser(Role.ANALYST)
    page = analyst.get(path)
    assert page.status_code == 200 and "Your decision" not in page.text
    assert analyst.post(f"{path}/decision", data={"decision": "deny"}).status_code == 403
