"""Committing runs under concurrent writers: every place is booked once."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import audit, db
from api.auth import Role
from api.errors import ConflictError
from api.services.allocation import commit_run

ATTEMPTS = 4


def commit_concurrently(app: FastAPI, run_ids: list[str]) -> list[str]:
    """Commit each run from its own thread and session, all starting together."""
    opened: db.Store = app.state.store
    start = threading.Barrier(len(run_ids))

    def attempt(run_id: str) -> str:
        with opened.sessions() as session:
            start.wait()
            try:
                commit_run(session=session, run_id=uuid.UUID(run_id), actor="allocator:t")
            except ConflictError as refused:
                return refused.detail
            return "committed"

    with ThreadPoolExecutor(len(run_ids)) as pool:
        return list(pool.map(attempt, run_ids))


def total_occupied(client: TestClient, as_role: Any) -> int:
    return sum(f["occupied"] for f in client.get("/facilities", headers=as_role(Role.ADMIN)).json())


def test_concurrent_commits_of_one_run_book_its_places_once(
    app: FastAPI, client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run = submit(batch).json()
    before = total_occupied(client, as_role)
    results = commit_concurrently(app, [run["run_id"]] * ATTEMPTS)
    assert sorted(results) == ["Run already committed"] * (ATTEMPTS - 1) + ["committed"]
    assert total_occupied(client, as_role) == before + run["placed"]


def test_of_runs_competing_for_the_same_places_exactly_one_commits(
    app: FastAPI, client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    runs = [submit(batch).json() for _ in range(ATTEMPTS)]
    before = total_occupied(client, as_role)
    results = commit_concurrently(app, [r["run_id"] for r in runs])
    assert sorted(results) == ["Occupancy changed since the run was solved"] * (ATTEMPTS - 1) + [
        "committed"
    ]
    assert total_occupied(client, as_role) == before + runs[0]["placed"]
    with app.state.store.sessions() as session:
        assert audit.verify(session=session).ok
