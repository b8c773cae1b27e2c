"""Fixtures for the console's tests: an account per role and a browser-like client signed in.

A signed-in client keeps its cookies like a browser; `form_token` reads the CSRF token that
every form of the page carries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import db
from api.auth import Role, create_user

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(app: FastAPI) -> dict[Role, str]:
    """One console account per role, named `<role>-person`."""
    opened: db.Store = app.state.store
    names = {}
    with opened.sessions() as session, db.writing(session):
        for role in Role:
            name = f"{role.value}-person"
            create_user(session=session, role=role, name=name, password=PASSWORD)
            names[role] = name
    return names


def form_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    form = client.get("/console/sign-in")
    return client.post(
        "/console/sign-in",
        data={
            "name": name,
            "password": password,
            "csrf": form_token(form.text),
            "next": "/console",
        },
        follow_redirects=False,
    )


@pytest.fixture
def browser(app: FastAPI, accounts: dict[Role, str]) -> Iterator[Callable[[Role], TestClient]]:
    """A new signed-in client for a role, each with its own cookies (a second browser)."""
    opened: list[TestClient] = []

    def open_as(role: Role) -> TestClient:
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        response = sign_in(client, accounts[role])
        assert response.status_code == 303, response.text
        return client

    yield open_as
    for client in opened:
        client.__exit__(None, None, None)


def batch_csv(records: list[dict[str, Any]]) -> str:
    """The batch as the CSV the committee uploads."""
    import pandas as pd

    return pd.DataFrame(records).to_csv(index=False)
