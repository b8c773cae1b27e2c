"""GET /runs/{run_id}/placements[/{convict_id}[/explanation]]."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from optimizer.allocation import solve
from optimizer.data import read_facilities, read_regions, records_table, validate_convicts
from optimizer.explain import explain_all, render_explanation

UNKNOWN_RUN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def run_id(submit: Any, batch: list[dict[str, Any]]) -> str:
    response = submit(batch)
    assert response.status_code == 201
    return str(response.json()["run_id"])


def page(client: TestClient, as_role: Any, run_id: str, **params: Any) -> Any:
    return client.get(f"/runs/{run_id}/placements", params=params, headers=as_role(Role.REVIEWER))


def test_placements_come_in_input_order_with_a_total(
    client: TestClient, as_role: Any, run_id: str, batch: list[dict[str, Any]]
) -> None:
    response = page(client, as_role, run_id, limit=1000)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == len(batch)
    assert [p["convict_id"] for p in body["items"]] == [r["convict_id"] for r in batch]
    assert [p["home_region"] for p in body["items"]] == [r["home_region"] for r in batch]
    for item in body["items"]:
        placed = item["facility_id"] is not None
        assert placed == (item["unplaced_reason"] is None) == (item["distance_km"] is not None)


def test_pages_join_up_to_the_whole_list(client: TestClient, as_role: Any, run_id: str) -> None:
    whole = page(client, as_role, run_id, limit=1000).json()["items"]
    pieces = []
    for offset in range(0, len(whole), 25):
        chunk = page(client, as_role, run_id, offset=offset, limit=25).json()
        assert chunk["total"] == len(whole)
        pieces += chunk["items"]
    assert pieces == whole
    assert page(client, as_role, run_id, offset=len(whole), limit=5).json()["items"] == []


@pytest.mark.parametrize(
    ("name", "field"),
    [("facility_id", "facility_id"), ("region", "facility_region"), ("home_region", "home_region")],
)
def test_placements_filter(
    client: TestClient, as_role: Any, run_id: str, name: str, field: str
) -> None:
    whole = page(client, as_role, run_id, limit=1000).json()["items"]
    value = next(p[field] for p in whole if p[field] is not None)
    response = page(client, as_role, run_id, limit=1000, **{name: value})
    assert response.status_code == 200
    expected = [p for p in whole if p[field] == value]
    assert response.json() == {"items": expected, "total": len(expected)}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"offset": -1}])
def test_page_bounds_are_422(
    client: TestClient, as_role: Any, run_id: str, params: dict[str, int]
) -> None:
    response = page(client, as_role, run_id, **params)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["file"], problem["column"]) == ("request", next(iter(params)))


def test_placements_of_an_unknown_run_are_404(client: TestClient, as_role: Any) -> None:
    response = page(client, as_role, UNKNOWN_RUN)
    assert response.status_code == 404
    assert response.json() == {"detail": "Run not found"}


def test_one_placement(client: TestClient, as_role: Any, run_id: str) -> None:
    first = page(client, as_role, run_id, limit=1).json()["items"][0]
    response = client.get(
        f"/runs/{run_id}/placements/{first['convict_id']}", headers=as_role(Role.ANALYST)
    )
    assert response.status_code == 200
    assert response.json() == first


def test_explanations_are_the_engines_stored_as_solved(
    client: TestClient, as_role: Any, run_id: str, batch: list[dict[str, Any]]
) -> None:
    regions = read_regions()
    solution = solve(
        validate_convicts(records_table(batch), regions), read_facilities(None, regions)
    )
    expected = explain_all(solution, regions)
    for index in (0, len(batch) // 2, len(batch) - 1):
        convict_id = batch[index]["convict_id"]
        response = client.get(
            f"/runs/{run_id}/placements/{convict_id}/explanation", headers=as_role(Role.REVIEWER)
        )
        assert response.status_code == 200
        body = response.json()
        assert body["convict_id"] == convict_id
        assert body["lang"] == "en"
        assert body["explanation"] == json.loads(json.dumps(expected[index]))
        assert body["text"] == render_explanation(expected[index], "en", regions)


def test_explanations_in_russian(client: TestClient, as_role: Any, run_id: str, batch: Any) -> None:
    convict_id = batch[0]["convict_id"]
    url = f"/runs/{run_id}/placements/{convict_id}/explanation"
    english = client.get(url, headers=as_role(Role.AUDITOR)).json()
    russian = client.get(url, params={"lang": "ru"}, headers=as_role(Role.AUDITOR)).json()
    assert russian["lang"] == "ru"
    assert russian["explanation"] == english["explanation"]
    assert russian["text"] != english["text"]
    assert convict_id in russian["text"]


def test_explanations_in_kazakh_by_accept_language_name_the_network_in_kazakh(
    client: TestClient, as_role: Any, run_id: str, batch: Any
) -> None:
    from tests.reading import assert_reads_in

    convict_id = batch[0]["convict_id"]
    url = f"/runs/{run_id}/placements/{convict_id}/explanation"
    headers = as_role(Role.AUDITOR) | {"Accept-Language": "kk-KZ, ru;q=0.8, en;q=0.5"}
    kazakh = client.get(url, headers=headers).json()
    assert kazakh["lang"] == "kk"
    assert kazakh["text"].startswith(f"{convict_id} сотталғанды орналастыру")
    regions, facilities = read_regions(), read_facilities(None, read_regions())
    allowed = {convict_id, *regions["region"], *facilities["facility_id"]}
    assert_reads_in(kazakh["text"], "kk", allowed | {str(r["case_id"]) for r in batch})
    asked = client.get(url, params={"lang": "en"}, headers=headers).json()
    assert asked["lang"] == "en"


def test_an_unknown_language_is_422(
    client: TestClient, as_role: Any, run_id: str, batch: Any
) -> None:
    response = client.get(
        f"/runs/{run_id}/placements/{batch[0]['convict_id']}/explanation",
        params={"lang": "de"},
        headers=as_role(Role.REVIEWER),
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["file"], problem["row"], problem["column"]) == ("request", None, "lang")


@pytest.mark.parametrize("suffix", ["", "/explanation"])
def test_an_unknown_convict_is_404(
    client: TestClient, as_role: Any, run_id: str, suffix: str
) -> None:
    response = client.get(
        f"/runs/{run_id}/placements/NOBODY{suffix}", headers=as_role(Role.REVIEWER)
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Placement not found"}


def test_an_explanation_in_an_unknown_run_is_404(
    client: TestClient, as_role: Any, batch: Any
) -> None:
    response = client.get(
        f"/runs/{UNKNOWN_RUN}/placements/{batch[0]['convict_id']}/explanation",
        headers=as_role(Role.REVIEWER),
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Run not found"}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_placements_and_explanations(
    client: TestClient, as_role: Any, run_id: str, batch: Any, role: Role
) -> None:
    url = f"/runs/{run_id}/placements"
    assert client.get(url, headers=as_role(role)).status_code == 200
    explanation = f"{url}/{batch[0]['convict_id']}/explanation"
    assert client.get(explanation, headers=as_role(role)).status_code == 200


def test_explanations_need_a_token(client: TestClient, run_id: str, batch: Any) -> None:
    response = client.get(f"/runs/{run_id}/placements/{batch[0]['convict_id']}/explanation")
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
