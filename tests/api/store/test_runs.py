"""Stored runs: a solved run with its snapshot and placements, and its commit into occupancy."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import FastAPI

from api import db, store
from api.errors import ConflictError, NotFoundError
from api.status import RunStatus


def test_a_commit_books_the_snapshot_and_reports_the_new_versions(
    app: FastAPI, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run = submit(batch).json()
    run_id = uuid.UUID(run["run_id"])
    with app.state.store.sessions() as session, db.writing(session):
        committed = store.commit_run(session=session, run_id=run_id, actor="allocator:t")
    assert committed.run.status == RunStatus.COMMITTED
    assert sum(committed.placed.values()) == run["placed"]
    assert set(committed.facility_versions.values()) == {1}
    with app.state.store.sessions() as session, db.writing(session), pytest.raises(ConflictError):
        store.commit_run(session=session, run_id=run_id, actor="allocator:t")


def test_placements_read_by_convict_and_page(
    app: FastAPI, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run_id = uuid.UUID(submit(batch).json()["run_id"])
    first = batch[0]["convict_id"]
    with app.state.store.sessions() as session:
        rows, total = store.list_placements(
            session=session,
            run_id=run_id,
            region=None,
            home_region=None,
            facility_id=None,
            offset=0,
            limit=2,
        )
        assert (total, [r.convict_id for r in rows]) == (
            len(batch),
            [first, batch[1]["convict_id"]],
        )
        assert store.get_placement(session=session, run_id=run_id, convict_id=first).position == 1
        assert store.get_explanation(session=session, run_id=run_id, convict_id=first).startswith(
            "{"
        )


@pytest.mark.parametrize("known_run", [True, False])
def test_a_missing_placement_names_what_is_missing(
    app: FastAPI, submit: Any, batch: list[dict[str, Any]], known_run: bool
) -> None:
    run_id = uuid.UUID(submit(batch[:3]).json()["run_id"]) if known_run else uuid.uuid4()
    with app.state.store.sessions() as session, pytest.raises(NotFoundError) as missing:
        store.get_explanation(session=session, run_id=run_id, convict_id="nobody")
    assert missing.value.detail == ("Placement not found" if known_run else "Run not found")
