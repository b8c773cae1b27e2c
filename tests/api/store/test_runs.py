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


def _reference_page(
    session: Any, run_id: uuid.UUID, offset: int, limit: int, **where: str
) -> tuple[list[Any], int]:
    """The page as a plain count and OFFSET over the placements table would give it."""
    from sqlalchemy import func, select

    from api.tables import PlacementRow

    conditions = [PlacementRow.run_id == run_id]
    conditions += [getattr(PlacementRow, column) == value for column, value in where.items()]
    total = session.scalar(select(func.count()).select_from(PlacementRow).where(*conditions))
    rows = session.execute(
        select(PlacementRow.convict_id, PlacementRow.facility_id, PlacementRow.distance_km)
        .where(*conditions)
        .order_by(PlacementRow.position)
        .offset(offset)
        .limit(limit)
    ).all()
    return [tuple(r) for r in rows], total


@pytest.mark.parametrize(
    ("offset", "limit"), [(0, 1), (0, 7), (5, 7), (55, 7), (59, 10), (60, 5), (10**6, 5)]
)
@pytest.mark.parametrize("where", [{}, {"home_region": "KZ-75"}, {"facility_region": "KZ-75"}])
def test_pages_by_position_match_a_plain_offset(
    app: FastAPI,
    submit: Any,
    batch: list[dict[str, Any]],
    offset: int,
    limit: int,
    where: dict[str, str],
) -> None:
    """Pages read by position (unfiltered) or by index (filtered) are those of a plain OFFSET,
    their totals those of a full count, up to and beyond the last row."""
    run_id = uuid.UUID(submit(batch).json()["run_id"])
    filters = {
        "region": where.get("facility_region"),
        "home_region": where.get("home_region"),
        "facility_id": None,
    }
    with app.state.store.sessions() as session:
        rows, total = store.list_placements(
            session=session, run_id=run_id, offset=offset, limit=limit, **filters
        )
        expected = _reference_page(session, run_id, offset, limit, **where)
    assert ([(r.convict_id, r.facility_id, r.distance_km) for r in rows], total) == expected
    assert total == (len(batch) if not where else expected[1])


def test_an_unknown_run_has_no_placements(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        page = store.list_placements(
            session=session,
            run_id=uuid.uuid4(),
            region=None,
            home_region=None,
            facility_id=None,
            offset=0,
            limit=10,
        )
    assert (list(page[0]), page[1]) == ([], 0)
