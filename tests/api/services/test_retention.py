"""Uncommitted runs are deleted after the retention period; committed runs are kept."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.auth import Role
from api.services.retention import delete_expired_runs


def age_runs(app: FastAPI, days: int) -> None:
    with app.state.store.engine.begin() as connection:
        for (run_id,) in connection.execute(text("SELECT run_id FROM runs")).all():
            connection.execute(
                text("UPDATE runs SET created_at = :t WHERE run_id = :r"),
                {"t": _days_ago(days), "r": run_id},
            )


def _days_ago(days: int) -> Any:
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) - timedelta(days=days)


def test_old_uncommitted_runs_go_and_committed_ones_stay(
    app: FastAPI, client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    kept = submit(batch[:10]).json()["run_id"]
    assert client.post(f"/runs/{kept}/commit", headers=as_role(Role.ALLOCATOR)).status_code == 200
    expired = [submit(batch[10 + 5 * i : 15 + 5 * i]).json()["run_id"] for i in range(3)]
    age_runs(app, 31)
    fresh = submit(batch[40:45]).json()["run_id"]
    with app.state.store.sessions() as session:
        assert delete_expired_runs(session=session, keep_days=30) == 3
        assert delete_expired_runs(session=session, keep_days=30) == 0
    reader = as_role(Role.AUDITOR)
    for run_id in expired:
        assert client.get(f"/runs/{run_id}", headers=reader).status_code == 404
        assert client.get(f"/runs/{run_id}/placements", headers=reader).status_code == 404
    for run_id in (kept, fresh):
        assert client.get(f"/runs/{run_id}", headers=reader).status_code == 200
    with app.state.store.engine.connect() as connection:
        orphans = connection.execute(
            text("SELECT COUNT(*) FROM placements WHERE run_id NOT IN (SELECT run_id FROM runs)")
        ).scalar_one()
    assert orphans == 0
    log = client.get("/audit", params={"limit": 100}, headers=reader).json()["items"]
    [entry] = [e for e in log if e["action"] == "runs.expired"]
    assert sorted(entry["payload"]["run_ids"]) == sorted(expired)
    verified = client.get("/audit/verify", headers=reader).json()
    assert (verified["ok"], verified["state_checked"]) == (True, True)
