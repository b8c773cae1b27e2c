"""Allocation runs: the run, the facility snapshot it was solved against, its placements and
their explanations; committing a run's placements into occupancy and population."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import String, Uuid, bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from api.db import for_update, now, storable
from api.errors import ConflictError, NotFoundError
from api.status import RunStatus
from api.store.network import change_occupancy, lock_facilities
from api.store.population import add_placed_convicts
from api.tables import PlacementRow, RunFacilityRow, RunRow

ALREADY_COMMITTED = "Run already committed"
OCCUPANCY_CHANGED = "Occupancy changed since the run was solved"


@dataclass(frozen=True)
class CommittedRun:
    """A committed run with what its commit booked: places per facility, and each facility's
    version after the booking."""

    run: RunRow
    placed: dict[str, int]
    facility_versions: dict[str, int]


def get_run(*, session: Session, run_id: uuid.UUID) -> RunRow:
    run = session.get(RunRow, run_id)
    if run is None:
        raise NotFoundError("Run not found")
    return run


def find_run_by_key(*, session: Session, idempotency_key: str) -> RunRow | None:
    return session.scalar(select(RunRow).where(RunRow.idempotency_key == idempotency_key))


def list_runs(*, session: Session, offset: int, limit: int) -> tuple[Sequence[RunRow], int]:
    total = session.scalar(select(func.count()).select_from(RunRow)) or 0
    rows = session.scalars(
        select(RunRow).order_by(RunRow.created_at.desc(), RunRow.run_id).offset(offset).limit(limit)
    ).all()
    return rows, total


def insert_run(
    *,
    session: Session,
    run: RunRow,
    snapshot: Sequence[Mapping[str, Any]],
    placements: Sequence[Mapping[str, Any]],
) -> None:
    """Add a solved run, its facility snapshot and its placements (inside `writing`)."""
    session.add(run)
    session.flush()
    if snapshot:
        session.execute(insert(RunFacilityRow), [{"run_id": run.run_id, **s} for s in snapshot])
    if placements:
        session.execute(insert(PlacementRow), [{"run_id": run.run_id, **p} for p in placements])


def commit_run(*, session: Session, run_id: uuid.UUID, actor: str) -> CommittedRun:
    """Turn a solved run's placements into occupancy and its placed convicts into population,
    all or nothing (inside `writing`).

    Refused when the run is committed already, when any facility it places convicts in has
    changed since the run was solved (version compare-and-set, locked rows on PostgreSQL), or
    when a convict it places already serves in a facility.
    """
    run = session.get(RunRow, run_id, with_for_update=for_update(session))
    if run is None:
        raise NotFoundError("Run not found")
    if run.status == RunStatus.COMMITTED:
        raise ConflictError(ALREADY_COMMITTED)
    used = session.scalars(
        select(RunFacilityRow)
        .where(RunFacilityRow.run_id == run_id, RunFacilityRow.placed > 0)
        .order_by(RunFacilityRow.facility_id)
    ).all()
    lock_facilities(session=session, facility_ids=[u.facility_id for u in used])
    for snapshot in used:
        booked = change_occupancy(
            session=session,
            facility_id=snapshot.facility_id,
            delta=snapshot.placed,
            version=snapshot.version_at_solve,
        )
        if not booked:
            raise ConflictError(OCCUPANCY_CHANGED)
    committed = session.execute(
        update(RunRow)
        .where(RunRow.run_id == run_id, RunRow.status == RunStatus.SOLVED.value)
        .values(status=RunStatus.COMMITTED.value, committed_at=now(), committed_by=actor)
        .execution_options(synchronize_session=False)
    )
    if getattr(committed, "rowcount", 0) != 1:
        raise ConflictError(ALREADY_COMMITTED)
    add_placed_convicts(session=session, run_id=run_id)
    session.flush()
    session.refresh(run)
    return CommittedRun(
        run,
        placed={u.facility_id: u.placed for u in used},
        facility_versions={u.facility_id: u.version_at_solve + 1 for u in used},
    )


def list_placements(
    *,
    session: Session,
    run_id: uuid.UUID,
    region: str | None,
    home_region: str | None,
    facility_id: str | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Any], int]:
    """A page of a run's placements in input order, without the explanations, and how many
    placements match.

    A run's placements are numbered 1, 2, ... in input order and never change, so an unfiltered
    page is the range of positions after `offset` (read along the primary key, however deep)
    and its total is the run's count of convicts. A filtered page counts its matches and skips
    `offset` of them along the filter's index, which holds the position in order.
    """
    if not storable(region, home_region, facility_id):
        return [], 0
    filters = []
    if region is not None:
        filters.append(PlacementRow.facility_region == region)
    if home_region is not None:
        filters.append(PlacementRow.home_region == home_region)
    if facility_id is not None:
        filters.append(PlacementRow.facility_id == facility_id)
    if not filters:
        return _placements_by_position(session=session, run_id=run_id, offset=offset, limit=limit)
    conditions = [PlacementRow.run_id == run_id, *filters]
    total = session.scalar(select(func.count()).select_from(PlacementRow).where(*conditions)) or 0
    rows = session.execute(
        select(*_PAGE_COLUMNS)
        .where(*conditions)
        .order_by(PlacementRow.position)
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, total


_PAGE_COLUMNS = (
    PlacementRow.convict_id,
    PlacementRow.home_region,
    PlacementRow.facility_id,
    PlacementRow.facility_region,
    PlacementRow.distance_km,
    PlacementRow.unplaced_reason,
)


def _placements_by_position(
    *, session: Session, run_id: uuid.UUID, offset: int, limit: int
) -> tuple[Sequence[Any], int]:
    total = session.scalar(select(RunRow.convicts).where(RunRow.run_id == run_id))
    if total is None or offset >= total:
        return [], total or 0
    rows = session.execute(
        select(*_PAGE_COLUMNS)
        .where(
            PlacementRow.run_id == run_id,
            PlacementRow.position > offset,
            PlacementRow.position <= offset + limit,
        )
        .order_by(PlacementRow.position)
    ).all()
    return rows, total


_EXPLANATION = text(
    "SELECT explanation FROM placements WHERE run_id = :run_id AND convict_id = :convict_id"
).bindparams(bindparam("run_id", type_=Uuid), bindparam("convict_id", type_=String))
"""The hottest read, spelled out once: a constructed select costs more to run than the lookup."""


def get_explanation(*, session: Session, run_id: uuid.UUID, convict_id: str) -> str:
    """A placement's structured explanation, as the stored JSON text."""
    found = (
        session.connection()
        .execute(_EXPLANATION, {"run_id": run_id, "convict_id": convict_id})
        .first()
        if storable(convict_id)
        else None
    )
    if found is None:
        _missing_placement(session=session, run_id=run_id)
    return str(found.explanation)


def get_placement(*, session: Session, run_id: uuid.UUID, convict_id: str) -> PlacementRow:
    placement = (
        session.scalar(
            select(PlacementRow).where(
                PlacementRow.run_id == run_id, PlacementRow.convict_id == convict_id
            )
        )
        if storable(convict_id)
        else None
    )
    if placement is None:
        _missing_placement(session=session, run_id=run_id)
    return placement


def _missing_placement(*, session: Session, run_id: uuid.UUID) -> NoReturn:
    """The 404 for a placement not found: of the run, or of the placement."""
    if session.get(RunRow, run_id) is None:
        raise NotFoundError("Run not found")
    raise NotFoundError("Placement not found")


def delete_uncommitted_runs(*, session: Session, before: datetime, limit: int) -> list[uuid.UUID]:
    """Delete at most `limit` runs solved before `before` and never committed, with their
    snapshots and placements (inside `writing`); the deleted run ids, oldest first."""
    query = (
        select(RunRow.run_id)
        .where(RunRow.status == RunStatus.SOLVED.value, RunRow.created_at < before)
        .order_by(RunRow.created_at, RunRow.run_id)
        .limit(limit)
    )
    if for_update(session):
        query = query.with_for_update(skip_locked=True)  # a run being committed stays
    stale = list(session.scalars(query))
    if stale:
        for table in (PlacementRow, RunFacilityRow, RunRow):
            session.execute(
                delete(table)
                .where(table.run_id.in_(stale))
                .execution_options(synchronize_session=False)
            )
    return stale
