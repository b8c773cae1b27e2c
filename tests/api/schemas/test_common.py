"""Text at the edge: NUL and lone surrogates refused in every request body, types strict."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from api.schemas.common import no_nul, no_nul_anywhere

SURROGATE = "text must be valid Unicode (a lone surrogate is not)"


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "x\x00"])
def test_unstorable_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        no_nul(text)
    with pytest.raises(ValueError):
        no_nul_anywhere({"capacity": [{"levels": [text]}]})


@pytest.mark.parametrize("text", ["", "Семей", "Қарағанды", "😀", "plain"])
def test_valid_text_passes(text: str) -> None:
    assert no_nul(text) == text


def raw(client: TestClient, method: str, path: str, body: str, headers: dict[str, str]) -> Any:
    return client.request(
        method, path, content=body.encode(), headers=headers | {"content-type": "application/json"}
    )


@pytest.mark.parametrize(
    "field", ["convict_id", "sex", "home_region", "medical_need", "case_id", "extra_column"]
)
def test_a_lone_surrogate_in_a_run_is_422_naming_the_cell(
    client: TestClient, as_role: Any, field: str
) -> None:
    record = (
        '{"convict_id": "C1", "sex": "M", "age": 30, "security_level": "medium",'
        ' "home_region": "KZ-75"'
    )
    body = '{"convicts": [' + record + ", " + f'"{field}": "\\ud800"' + "}]}"
    body = body.replace(f'"{field}": "C1", ', "") if field == "convict_id" else body
    response = raw(client, "POST", "/runs", body, as_role(Role.ALLOCATOR))
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert (problem["file"], problem["row"]) == ("convicts", 1)
    assert SURROGATE in problem["message"]


@pytest.mark.parametrize(
    ("method", "path", "body", "role"),
    [
        ("POST", "/transfer-requests", '{"convict_id": "\\udc00"}', Role.REVIEWER),
        (
            "POST",
            "/benchmarks",
            '{"policies": [{"name": "x\\ud83d", "capacity": []}]}',
            Role.ANALYST,
        ),
        ("POST", "/benchmarks", '{"policies": ["\\ud83d"]}', Role.ANALYST),
    ],
)
def test_a_lone_surrogate_anywhere_is_422(
    client: TestClient, as_role: Any, method: str, path: str, body: str, role: Role
) -> None:
    response = raw(client, method, path, body, as_role(role))
    assert response.status_code == 422, response.text
    assert SURROGATE in response.json()["detail"][0]["message"]


@pytest.mark.parametrize("occupied", ["true", '"7"', "7.5", "null"])
def test_occupancy_takes_only_an_integer(client: TestClient, as_role: Any, occupied: str) -> None:
    before = client.get("/facilities/F001", headers=as_role(Role.ADMIN)).json()["occupied"]
    body = '{"occupied": ' + occupied + "}"
    response = raw(client, "PATCH", "/facilities/F001", body, as_role(Role.ADMIN))
    assert response.status_code == 422
    assert response.json()["detail"][0]["column"] == "occupied"
    assert client.get("/facilities/F001", headers=as_role(Role.ADMIN)).json()["occupied"] == before


@pytest.mark.parametrize(
    "body",
    [
        '{"moves_offset": false}',
        '{"moves_limit": "10"}',
        '{"include_moves": "yes"}',
        '{"include_moves": 1}',
    ],
)
def test_campaign_options_are_strictly_typed(client: TestClient, as_role: Any, body: str) -> None:
    response = raw(client, "POST", "/transfer-campaigns", body, as_role(Role.ANALYST))
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("path", "body", "role"),
    [
        ("/transfer-requests", '{"convict_id": "P000001", "consent": "true"}', Role.REVIEWER),
        ("/benchmarks", '{"policies": ["baseline"], "seeds": true}', Role.ANALYST),
        ("/benchmarks", '{"policies": ["baseline"], "weeks": "4"}', Role.ANALYST),
    ],
)
def test_flags_and_counts_are_strictly_typed(
    client: TestClient, as_role: Any, path: str, body: str, role: Role
) -> None:
    assert raw(client, "POST", path, body, as_role(role)).status_code == 422
