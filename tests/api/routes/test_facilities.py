"""GET /facilities, GET and PATCH /facilities/{facility_id}."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from optimizer.data import read_facilities, read_regions


@pytest.fixture
def bundled() -> Any:
    return read_facilities(None, read_regions()).set_index("facility_id")


def test_facilities_show_capacity_and_occupancy_as_seeded(
    client: TestClient, as_role: Any, bundled: Any
) -> None:
    response = client.get("/facilities", headers=as_role(Role.REVIEWER))
    assert response.status_code == 200
    facilities = response.json()
    assert [f["facility_id"] for f in facilities] == sorted(bundled.index)
    for facility in facilities:
        row = bundled.loc[facility["facility_id"]]
        assert facility["capacity"] == row["capacity"]
        assert facility["occupied"] == row["occupied"]
        assert facility["free_places"] == row["capacity"] - row["occupied"]
        assert facility["security_level"] == row["security_level"]
        assert facility["version"] == 0


def test_facilities_filter_by_region_and_level(
    client: TestClient, as_role: Any, bundled: Any
) -> None:
    response = client.get(
        "/facilities",
        params={"region": "KZ-35", "security_level": "maximum"},
        headers=as_role(Role.ANALYST),
    )
    assert response.status_code == 200
    expected = bundled[(bundled["region"] == "KZ-35") & (bundled["security_level"] == "maximum")]
    assert [f["facility_id"] for f in response.json()] == sorted(expected.index)


def test_one_facility(client: TestClient, as_role: Any, bundled: Any) -> None:
    facility_id = bundled.index[0]
    response = client.get(f"/facilities/{facility_id}", headers=as_role(Role.AUDITOR))
    assert response.status_code == 200
    assert response.json()["name"] == bundled.loc[facility_id, "name"]


def test_unknown_facility_is_404(client: TestClient, as_role: Any) -> None:
    response = client.get("/facilities/NO-SUCH", headers=as_role(Role.ADMIN))
    assert response.status_code == 404
    assert response.json() == {"detail": "Facility not found"}


def test_admin_corrects_occupancy_and_the_version_moves(
    client: TestClient, as_role: Any, bundled: Any
) -> None:
    facility_id = bundled.index[0]
    occupied = int(bundled.loc[facility_id, "occupied"]) - 3
    response = client.patch(
        f"/facilities/{facility_id}", json={"occupied": occupied}, headers=as_role(Role.ADMIN)
    )
    assert response.status_code == 200
    assert response.json()["occupied"] == occupied
    assert response.json()["version"] == 1
    again = client.get(f"/facilities/{facility_id}", headers=as_role(Role.ADMIN)).json()
    assert again["occupied"] == occupied
    assert again["free_places"] == int(bundled.loc[facility_id, "capacity"]) - occupied


@pytest.mark.parametrize("occupied", [0, "capacity"])
def test_occupancy_bounds_are_accepted(
    client: TestClient, as_role: Any, bundled: Any, occupied: Any
) -> None:
    facility_id = bundled.index[1]
    value = int(bundled.loc[facility_id, "capacity"]) if occupied == "capacity" else occupied
    response = client.patch(
        f"/facilities/{facility_id}", json={"occupied": value}, headers=as_role(Role.ADMIN)
    )
    assert response.status_code == 200
    assert response.json()["occupied"] == value


def test_occupancy_above_capacity_is_422_and_changes_nothing(
    client: TestClient, as_role: Any, bundled: Any
) -> None:
    facility_id = bundled.index[0]
    capacity = int(bundled.loc[facility_id, "capacity"])
    response = client.patch(
        f"/facilities/{facility_id}", json={"occupied": capacity + 1}, headers=as_role(Role.ADMIN)
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "file": "request",
                "row": None,
                "column": "occupied",
                "message": f"{capacity + 1} is outside 0 to the facility's capacity ({capacity})",
            }
        ]
    }
    after = client.get(f"/facilities/{facility_id}", headers=as_role(Role.ADMIN)).json()
    assert after["occupied"] == bundled.loc[facility_id, "occupied"]
    assert after["version"] == 0


@pytest.mark.parametrize(
    "body", [{"occupied": -1}, {"occupied": "many"}, {}, {"occupied": 1, "x": 2}]
)
def test_malformed_occupancy_is_422_with_a_problem_list(
    client: TestClient, as_role: Any, bundled: Any, body: dict[str, Any]
) -> None:
    response = client.patch(
        f"/facilities/{bundled.index[0]}", json=body, headers=as_role(Role.ADMIN)
    )
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert problems
    assert all(p["file"] == "request" and p["row"] is None for p in problems)
    assert {p["column"] for p in problems} <= {"occupied", "x"}


def test_correcting_an_unknown_facility_is_404(client: TestClient, as_role: Any) -> None:
    response = client.patch(
        "/facilities/NO-SUCH", json={"occupied": 1}, headers=as_role(Role.ADMIN)
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Facility not found"}


@pytest.mark.parametrize("role", [Role.ALLOCATOR, Role.REVIEWER, Role.ANALYST, Role.AUDITOR])
def test_only_an_admin_corrects_occupancy(
    client: TestClient, as_role: Any, bundled: Any, role: Role
) -> None:
    response = client.patch(
        f"/facilities/{bundled.index[0]}", json={"occupied": 1}, headers=as_role(role)
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Not permitted for this role"}


def test_facilities_need_a_token(client: TestClient) -> None:
    assert client.get("/facilities").status_code == 401
    assert client.patch("/facilities/F001", json={"occupied": 1}).status_code == 401
