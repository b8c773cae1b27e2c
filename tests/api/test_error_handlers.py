"""One error shape: every 422 a problem list, every other refusal a sentence, 405 with Allow."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/runs", "GET, POST"),
        ("/runs/csv", "GET, POST"),
        ("/facilities/F001", "GET, PATCH"),
        ("/audit/verify", "GET"),
    ],
)
def test_a_method_the_path_lacks_is_405_naming_every_method_it_has(
    client: TestClient, as_role: Any, path: str, allowed: str
) -> None:
    for method in ("OPTIONS", "DELETE", "PUT"):
        response = client.request(method, path, headers=as_role(Role.ADMIN))
        assert response.status_code == 405, method
        assert response.headers["allow"] == allowed
        assert response.json() == {"detail": "Method Not Allowed"}


def test_an_unreadable_multipart_body_is_a_422_problem_list(
    client: TestClient, as_role: Any
) -> None:
    headers = as_role(Role.ALLOCATOR) | {
        "content-type": "multipart/form-data",
    }
    response = client.post("/runs/csv", content=b"--xyz\r\nnonsense", headers=headers)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["file"] == "request"
    assert problem["message"].startswith("The request body could not be read")


def test_unparseable_json_is_a_422_problem_list(client: TestClient, as_role: Any) -> None:
    headers = as_role(Role.ALLOCATOR) | {"content-type": "application/json"}
    response = client.post("/runs", content=b'{"convicts": [', headers=headers)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
