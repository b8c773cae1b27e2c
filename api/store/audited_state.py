"""The stored state that the audit log vouches for, read for its verification."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.status import RunStatus
from api.tables import AuditEntryRow, FacilityRow, PlacementRow, RunRow

PLACEMENT_COLUMNS = tuple(c.key for c in PlacementRow.__table__.columns if c.key != "run_id")
"""A stored placement's columns, as the run's placements digest covers them."""


def entries_of(
    *, session: Session, actions: tuple[str, ...], batch: int = 5000
) -> Iterator[tuple[int, str, str]]:
    """(sequence, action, payload text) of the entries with these actions, in order."""
    after = 0
    while True:
        rows = session.execute(
            select(AuditEntryRow.sequence, AuditEntryRow.action, AuditEntryRow.payload)
            .where(AuditEntryRow.action.in_(actions), AuditEntryRow.sequence > after)
            .order_by(AuditEntryRow.sequence)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from ((sequence, action, payload) for sequence, action, payload in rows)
        after = rows[-1][0]


def facility_figures(*, session: Session) -> dict[str, tuple[int, int]]:
    """(capacity, occupied) per facility id."""
    rows = session.execute(
        select(FacilityRow.facility_id, FacilityRow.capacity, FacilityRow.occupied)
    ).all()
    return {facility_id: (capacity, occupied) for facility_id, capacity, occupied in rows}


def committed_runs(*, session: Session) -> dict[str, int]:
    """Placed count per committed run, by run id as text."""
    rows = session.execute(
        select(RunRow.run_id, RunRow.placed).where(RunRow.status == RunStatus.COMMITTED.value)
    ).all()
    return {str(run_id): placed for run_id, placed in rows}


def stored_placements(*, session: Session, run_id: str) -> list[dict[str, Any]]:
    """A run's placements in input order, each with the columns its digest covers."""
    columns = [getattr(PlacementRow, c) for c in PLACEMENT_COLUMNS]
    rows = session.execute(
        select(*columns)
        .where(PlacementRow.run_id == uuid.UUID(run_id))
        .order_by(PlacementRow.position)
    ).all()
    return [dict(zip(PLACEMENT_COLUMNS, row, strict=True)) for row in rows]
