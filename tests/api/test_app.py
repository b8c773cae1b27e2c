"""The app as a whole: its OpenAPI contract, its docs page, and logs free of convict data."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role

UNGUARDED = {"/health", "/metrics", "/docs", "/openapi.json"}


@pytest.fixture
def openapi(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in openapi["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_guarded_operation_documents_its_refusals(openapi: dict[str, Any]) -> None:
    for path, method, operation in operations(openapi):
        assert operation.get("description"), f"{method} {path} has no description"
        if path in UNGUARDED:
            continue
        assert {"401", "403", "422"} <= set(operation["responses"]), f"{method} {path}"
        assert operation["security"] == [{"HTTPBearer": []}], f"{method} {path}"
        problems = operation["responses"]["422"]["content"]["application/json"]["schema"]
        assert problems == {"$ref": "#/components/schemas/ProblemsPublic"}


def test_the_contract_names_its_schemas_and_examples(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    assert {
        "RunCreate",
        "RunPublic",
        "PlacementsPage",
        "ExplanationPublic",
        "AuditVerification",
    } <= set(schemas)
    assert schemas["RunCreate"]["examples"][0]["convicts"][0]["convict_id"] == "C000001"
    assert schemas["ConvictRecord"]["examples"]
    commit = openapi["paths"]["/runs/{run_id}/commit"]["post"]["responses"]
    assert {"404", "409"} <= set(commit)
    assert "413" in openapi["paths"]["/runs"]["post"]["responses"]


def test_the_docs_page_is_served(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


def test_health_needs_no_token(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_logs_never_carry_convict_data(
    client: TestClient,
    as_role: Any,
    submit: Any,
    batch: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = [dict(r) for r in batch[:3]]
    bad[0]["age"] = "unknown"
    submit(bad)
    run_id = submit(batch).json()["run_id"]
    for record in batch[:5]:
        url = f"/runs/{run_id}/placements/{record['convict_id']}/explanation"
        assert client.get(url, headers=as_role(Role.REVIEWER)).status_code == 200
    client.post(f"/runs/{run_id}/commit", headers=as_role(Role.ALLOCATOR))
    server = [r for r in caplog.records if not r.name.startswith("httpx")]  # httpx is the client
    messages = [r.getMessage() for r in server]
    assert any("GET /runs/{run_id}/placements/{convict_id}/explanation 200" in m for m in messages)
    for record in batch:
        for message in messages:
            assert record["convict_id"] not in message


def test_a_crash_is_a_500_logged_without_its_message(
    client: TestClient,
    as_role: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from api import store

    convict_id = "C" + "000123"  # built at run time: stack frames quote source lines

    def crash(**_: Any) -> None:
        raise KeyError(convict_id)

    monkeypatch.setattr(store, "get_run", crash)
    caplog.set_level(logging.INFO)
    response = client.get(
        "/runs/00000000-0000-4000-8000-000000000000", headers=as_role(Role.REVIEWER)
    )
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    server = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert any(m.startswith("unhandled KeyError in GET /runs/{run_id}") for m in server)
    assert any("GET /runs/{run_id} 500" in m for m in server)
    assert not any(convict_id in m for m in server)
