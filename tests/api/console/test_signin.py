"""Signing in and out: hashed passwords, session cookies, form tokens, roles, language."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import store
from api.auth import Role
from api.services.accounts import revoke_account
from tests.api.console.conftest import PASSWORD, form_token, sign_in


def test_the_front_door_leads_to_sign_in_and_back(
    client: TestClient, accounts: dict[Role, str]
) -> None:
    page = client.get("/console/runs?page=1")
    assert page.url.path == "/console/sign-in"
    assert "Sign in" in page.text
    assert client.get("/", follow_redirects=False).headers["location"] == "/console"
    response = client.post(
        "/console/sign-in",
        data={
            "name": accounts[Role.ALLOCATOR],
            "password": PASSWORD,
            "csrf": form_token(page.text),
            "next": "/console/runs?page=1",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/runs?page=1"
    cookie = response.headers["set-cookie"]
    assert "placement_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie


def test_a_wrong_password_or_name_is_refused_in_words(
    client: TestClient, accounts: dict[Role, str]
) -> None:
    for name, password in ((accounts[Role.ADMIN], "wrong password!"), ("nobody", PASSWORD)):
        response = sign_in(client, name, password)
        assert response.status_code == 401
        assert "The name or the password is wrong." in response.text
    assert "placement_session" not in client.cookies


def test_the_password_is_stored_only_as_an_argon2_hash(
    app: FastAPI, accounts: dict[Role, str]
) -> None:
    with app.state.store.sessions() as session:
        user = store.find_user(session=session, name=accounts[Role.ADMIN])
    assert user is not None
    assert user.password_hash.startswith("$argon2")
    assert PASSWORD not in user.password_hash


def test_a_form_without_its_token_is_refused(browser: Callable[[Role], TestClient]) -> None:
    client = browser(Role.ALLOCATOR)
    response = client.post("/console/sign-out", data={"csrf": "forged"})
    assert response.status_code == 403
    assert client.get("/console/runs").url.path == "/console/runs"


def test_a_redirect_after_sign_in_never_leaves_the_site(
    client: TestClient, accounts: dict[Role, str]
) -> None:
    page = client.get("/console/sign-in")
    response = client.post(
        "/console/sign-in",
        data={
            "name": accounts[Role.ADMIN],
            "password": PASSWORD,
            "csrf": form_token(page.text),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/console"


def test_signing_out_ends_the_session(browser: Callable[[Role], TestClient]) -> None:
    client = browser(Role.AUDITOR)
    page = client.get("/console/audit")
    cookie = client.cookies.get("placement_session")
    client.post("/console/sign-out", data={"csrf": form_token(page.text)})
    client.cookies.set("placement_session", cookie or "")
    assert client.get("/console/audit").url.path == "/console/sign-in"


def test_a_revoked_account_is_signed_out_at_once(
    app: FastAPI, browser: Callable[[Role], TestClient], accounts: dict[Role, str]
) -> None:
    client = browser(Role.REVIEWER)
    assert client.get("/console/transfer-requests").status_code == 200
    with app.state.store.sessions() as session:
        user = store.find_user(session=session, name=accounts[Role.REVIEWER])
        assert user is not None
        revoke_account(session=session, user_id=user.user_id, actor="admin:test")
    assert client.get("/console/transfer-requests").url.path == "/console/sign-in"
    assert sign_in(client, accounts[Role.REVIEWER]).status_code == 401


def test_each_role_sees_only_its_screens(browser: Callable[[Role], TestClient]) -> None:
    auditor = browser(Role.AUDITOR)
    assert auditor.get("/console/audit").status_code == 200
    assert auditor.get("/console/runs/new").status_code == 403
    assert auditor.get("/console/benchmarks").status_code == 403
    assert "not permitted" in auditor.get("/console/accounts").text
    assert (
        browser(Role.ALLOCATOR).get("/console", follow_redirects=False).headers["location"]
        == "/console/runs"
    )


def test_the_chosen_language_sticks(browser: Callable[[Role], TestClient]) -> None:
    client = browser(Role.ALLOCATOR)
    response = client.get("/console/language?lang=kk&next=/console/runs")
    assert response.url.path == "/console/runs"
    assert "Бөлулер" in response.text and '<html lang="kk">' in response.text
    assert "Бөлулер" in client.get("/console/runs").text
    assert "Распределения" in client.get("/console/language?lang=ru&next=/console/runs").text


def test_the_api_keeps_its_bearer_tokens(
    client: TestClient, as_role: Callable[[Role], dict[str, str]]
) -> None:
    assert client.get("/runs", headers=as_role(Role.AUDITOR)).status_code == 200
    assert client.get("/runs").status_code == 401


def test_static_files_are_served_without_a_session(client: TestClient) -> None:
    assert client.get("/console/static/console.css").status_code == 200
    assert "htmx" in client.get("/console/static/htmx-2.0.4.min.js").text


def _audit_actions(app: FastAPI) -> list[tuple[str, str, dict[str, object]]]:
    from sqlalchemy import select

    from api.tables import AuditEntryRow

    with app.state.store.sessions() as session:
        rows = session.scalars(select(AuditEntryRow).order_by(AuditEntryRow.sequence)).all()
        return [
            (r.actor, r.action, json.loads(r.payload))
            for r in rows
            if r.action.startswith("account.")
        ]


def test_sign_ins_and_sign_outs_are_audited_refusals_are_not(
    app: FastAPI, client: TestClient, accounts: dict[Role, str]
) -> None:
    name = accounts[Role.AUDITOR]
    assert sign_in(client, name, "a password typed wrong").status_code == 401
    assert sign_in(client, "a password typed as a name", PASSWORD).status_code == 401
    assert _audit_actions(app) == []
    assert sign_in(client, name).status_code == 303
    page = client.get("/console/audit")
    client.post("/console/sign-out", data={"csrf": form_token(page.text)})
    with app.state.store.sessions() as session:
        user_id = str(store.find_user(session=session, name=name).user_id)  # type: ignore[union-attr]
    actor = f"auditor:{name}"
    assert [(a, action) for a, action, _ in _audit_actions(app)] == [
        (actor, "account.signed-in"),
        (actor, "account.signed-out"),
    ]
    assert all(payload == {"user_id": user_id} for _, _, payload in _audit_actions(app))
    log = client.get("/console/audit")
    assert log.url.path == "/console/sign-in"
