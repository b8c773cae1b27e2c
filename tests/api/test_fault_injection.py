"""The service killed (SIGKILL) at random points of a run submission and of a commit: after
each kill the audit trail holds against its checkpoints, occupancy and the committed placements
are what the log derives, and the run is committed wholly or not at all.

Each trial runs the service in a forked process and kills it at the k-th SQL statement it sends
(k drawn at random, seeded), or right after a commit before its checkpoint is written; the
store is SQLite or PostgreSQL (`TEST_DATABASE_URL`), as for every API test.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from api.auth import Role
from api.services.audit_check import verify_audit

SEED = int(os.environ.get("FAULT_SEED", "13"))
TRIALS = 4


def _serve_until_killed(app: FastAPI, token: str, action: str, payload: Any, kill_at: int) -> None:
    """In the forked child: one request to the app, killed at statement `kill_at` (0: after the
    commit, before its checkpoint). The child gets its own connections."""
    from api import audit

    app.state.store.engine.dispose(close=False)
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1
        if statements == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    event.listen(app.state.store.engine, "before_cursor_execute", count)
    if kill_at == 0:
        original = audit.AuditAnchor.record

        def die_before_checkpoint(*_args: Any) -> None:
            os.kill(os.getpid(), signal.SIGKILL)

        audit.AuditAnchor.record = die_before_checkpoint  # type: ignore[method-assign]
        del original
    headers = {"Authorization": f"Bearer {token}"}
    client = TestClient(app)
    if action == "submit":
        client.post("/runs", json={"convicts": payload}, headers=headers)
    else:
        client.post(f"/runs/{payload}/commit", headers=headers)
    os._exit(0)


def run_and_kill(app: FastAPI, token: str, action: str, payload: Any, kill_at: int) -> int:
    child = multiprocessing.get_context("fork").Process(
        target=_serve_until_killed, args=(app, token, action, payload, kill_at)
    )
    child.start()
    child.join(timeout=120)
    assert child.exitcode is not None, "the service neither finished nor died"
    return child.exitcode


def assert_consistent(app: FastAPI, where: str) -> None:
    with app.state.store.sessions() as session:
        report = verify_audit(session=session)
    assert report.chain.ok, f"{where}: {report.chain.problem}"
    assert report.state_checked, where
    assert report.state_problems == [], f"{where}: {report.state_problems}"
    with app.state.store.engine.connect() as connection:
        occupied = connection.execute(text("SELECT SUM(occupied) FROM facilities")).scalar_one()
        serving = connection.execute(text("SELECT COUNT(*) FROM population")).scalar_one()
        committed = connection.execute(
            text("SELECT COUNT(*) FROM runs WHERE status = 'committed'")
        ).scalar_one()
        logged = connection.execute(
            text("SELECT COUNT(*) FROM audit_log WHERE action = 'run.committed'")
        ).scalar_one()
    assert occupied == serving, f"{where}: occupancy {occupied}, population {serving}"
    assert committed == logged, where


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks the service")
def test_kills_during_submissions_and_commits_leave_nothing_half_written(
    app: FastAPI,
    client: TestClient,
    tokens: dict[Role, str],
    as_role: Any,
    make_batch: Any,
) -> None:
    draw = random.Random(SEED)
    allocator = tokens[Role.ALLOCATOR]
    batch = make_batch(40, seed=SEED)
    app.state.store.engine.dispose()  # no connection shared with the children
    assert_consistent(app, "before")
    outcomes = []
    for trial in range(TRIALS):
        records = batch[trial * 10 : (trial + 1) * 10]
        kill_at = draw.choice([0, *range(1, 25)])
        code = run_and_kill(app, allocator, "submit", records, kill_at)
        outcomes.append(("submit", kill_at, code))
        assert_consistent(app, f"submission killed at {kill_at}")
        submitted = client.post(
            "/runs", json={"convicts": records}, headers=as_role(Role.ALLOCATOR)
        )
        assert submitted.status_code == 201
        run_id = submitted.json()["run_id"]
        app.state.store.engine.dispose()
        kill_at = draw.choice([0, *range(1, 30)])
        code = run_and_kill(app, allocator, "commit", run_id, kill_at)
        outcomes.append(("commit", kill_at, code))
        assert_consistent(app, f"commit killed at {kill_at}")
        status = client.get(f"/runs/{run_id}", headers=as_role(Role.ALLOCATOR)).json()["status"]
        if status == "solved":  # the kill came first: committing again must work
            commit = client.post(f"/runs/{run_id}/commit", headers=as_role(Role.ALLOCATOR))
            assert commit.status_code == 200, commit.text
        app.state.store.engine.dispose()
        assert_consistent(app, f"after trial {trial}")
    assert any(code == -signal.SIGKILL for _, _, code in outcomes), outcomes
