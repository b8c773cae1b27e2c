"""GET /regions, and the bearer-token checks every route shares."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from optimizer.data import read_regions


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_regions_of_the_bundled_data(
    client: TestClient, as_role: Any, role: Role
) -> None:
    response = client.get("/regions", headers=as_role(role))
    assert response.status_code == 200
    expected = read_regions()
    assert [r["region"] for r in response.json()] == sorted(expected["region"])
    almaty = next(r for r in response.json() if r["region"] == "KZ-75")
    row = expected.set_index("region").loc["KZ-75"]
    assert almaty["centre"] == row["centre"]
    assert almaty["population"] == int(row["population"])


def test_no_token_is_401_with_a_bearer_challenge(client: TestClient) -> None:
    response = client.get("/regions")
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_another_scheme_is_401(client: TestClient, tokens: dict[Role, str]) -> None:
    response = client.get("/regions", headers={"Authorization": f"Basic {tokens[Role.ADMIN]}"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}


def test_an_unknown_token_is_401(client: TestClient, tokens: dict[Role, str]) -> None:
    forged = tokens[Role.ADMIN][:-2] + ("xy" if not tokens[Role.ADMIN].endswith("xy") else "zz")
    response = client.get("/regions", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token"}
