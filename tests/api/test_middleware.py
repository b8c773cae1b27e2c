"""The access log names route templates, never paths (ids in paths are convict data)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role


def test_the_access_log_names_the_route_template(
    client: TestClient, as_role: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="api.access"):
        client.get("/facilities/F001", headers=as_role(Role.ADMIN))
    [line] = [r.getMessage() for r in caplog.records if r.name == "api.access"]
    assert line.startswith("GET /facilities/{facility_id} 200 ")
    assert "F001" not in line
