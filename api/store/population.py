"""Today's population as stored: who serves where, kept in step with the facilities' occupancy.

Committing a run adds its placed convicts, and a granted transfer moves convicts, in the
transaction that changes the occupancy.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from api.errors import ConflictError
from api.store.network import change_occupancy, lock_facilities
from api.tables import PlacementRow, PopulationRow
from optimizer.data import VALIDATED_CONVICT_COLUMNS

POPULATION_COLUMNS = (*VALIDATED_CONVICT_COLUMNS, "facility_id")
"""The population's columns: the validated convict's (as `optimizer.data.validate_convicts`
returns them) and `facility_id`."""

_POPULATION_DTYPES = {
    "age": "int64",
    "home_lat": "float64",
    "home_lon": "float64",
    "former_officer": "bool",
    "life_sentence": "bool",
}

TRANSFER_STALE = "Occupancy changed since the request was evaluated"
CONVICT_SERVING = "A convict of the run already serves in a facility"

Move = tuple[str, str, str]
"""A transfer as the store applies it: convict_id, from facility, to facility."""


def has_population(*, session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(PopulationRow)))


def insert_population(*, session: Session, population: pd.DataFrame) -> int:
    """Add validated placed convicts (inside `writing`); PostgreSQL takes them by COPY."""
    rows = list(zip(*(population[c].tolist() for c in POPULATION_COLUMNS), strict=True))
    if not rows:
        return 0
    connection = session.connection()
    names = ", ".join(POPULATION_COLUMNS)
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        driver: Any = connection.connection.driver_connection
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY population ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    elif connection.dialect.name == "sqlite":
        markers = ", ".join("?" * len(POPULATION_COLUMNS))
        connection.exec_driver_sql(f"INSERT INTO population ({names}) VALUES ({markers})", rows)
    else:
        connection.execute(
            insert(PopulationRow), [dict(zip(POPULATION_COLUMNS, r, strict=True)) for r in rows]
        )
    return len(rows)


def read_population(*, session: Session) -> pd.DataFrame:
    """The population as the engine's validated table, in convict_id order (code points)."""
    table = PopulationRow.__table__
    rows = session.execute(select(*(table.c[c] for c in POPULATION_COLUMNS))).all()
    values = list(zip(*rows, strict=True)) if rows else [() for _ in POPULATION_COLUMNS]
    frame = pd.DataFrame(
        {
            name: pd.Series(list(column), dtype=_POPULATION_DTYPES.get(name, "str"))
            for name, column in zip(POPULATION_COLUMNS, values, strict=True)
        }
    )
    return frame.sort_values("convict_id", kind="stable", ignore_index=True)


def population_counts(*, session: Session) -> dict[str, int]:
    """Convicts in the population per facility (facilities without any are left out)."""
    rows = session.execute(
        select(PopulationRow.facility_id, func.count()).group_by(PopulationRow.facility_id)
    ).all()
    return {facility_id: int(count) for facility_id, count in rows}


def add_placed_convicts(*, session: Session, run_id: uuid.UUID) -> None:
    """Insert a run's placed convicts into the population (inside the run's commit)."""
    placed = (PlacementRow.run_id == run_id, PlacementRow.facility_id.is_not(None))
    unrecorded = session.scalar(
        select(func.count()).select_from(PlacementRow).where(*placed, PlacementRow.sex.is_(None))
    )
    if unrecorded:
        raise ConflictError("Run was solved before the population was kept; solve it again")
    serving = session.scalar(
        select(func.count())
        .select_from(PlacementRow)
        .join(PopulationRow, PopulationRow.convict_id == PlacementRow.convict_id)
        .where(*placed)
    )
    if serving:
        raise ConflictError(CONVICT_SERVING)
    columns = [PlacementRow.__table__.c[c] for c in POPULATION_COLUMNS]
    expected = session.scalar(select(func.count()).select_from(PlacementRow).where(*placed)) or 0
    # ON CONFLICT DO NOTHING, then a count: a unique violation would put the convict's id in
    # PostgreSQL's own log (its DETAIL line names the key).
    statement = _insert_ignoring_conflicts(session).from_select(
        list(POPULATION_COLUMNS), select(*columns).where(*placed)
    )
    # The inserted rows are counted by RETURNING: drivers do not all give a row count for an
    # INSERT ... SELECT.
    inserted = session.execute(
        statement.on_conflict_do_nothing(index_elements=["convict_id"]).returning(
            PopulationRow.convict_id
        )
    )
    if len(inserted.all()) != expected:
        # A concurrent commit placed one of these convicts first (PostgreSQL).
        raise ConflictError(CONVICT_SERVING)


def _insert_ignoring_conflicts(session: Session) -> Any:
    """The dialect's INSERT, which offers ON CONFLICT DO NOTHING (PostgreSQL and SQLite)."""
    from sqlalchemy.dialects import postgresql, sqlite

    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(PopulationRow)
    return sqlite.insert(PopulationRow)


def move_convicts(*, session: Session, moves: Sequence[Move]) -> dict[str, int]:
    """Apply transfers with their occupancy, all or nothing (inside `writing`); returns the
    occupancy change per facility.

    Refused (409) when a convict no longer serves where the review found them, when a
    facility has no room left for its net arrivals, or when a move would put co-defendants in
    one facility: each is a change since the review.
    """
    facilities = sorted({f for _, origin, target in moves for f in (origin, target)})
    lock_facilities(session=session, facility_ids=facilities)
    for convict_id, origin, target in moves:
        moved = session.execute(
            update(PopulationRow)
            .where(PopulationRow.convict_id == convict_id, PopulationRow.facility_id == origin)
            .values(facility_id=target)
            .execution_options(synchronize_session=False)
        )
        if getattr(moved, "rowcount", 0) != 1:
            raise ConflictError(TRANSFER_STALE)
    if _codefendants_together(session=session, convict_ids=[m[0] for m in moves]):
        raise ConflictError(TRANSFER_STALE)
    change = occupancy_change(moves)
    for facility_id, delta in change.items():
        if not change_occupancy(session=session, facility_id=facility_id, delta=delta):
            raise ConflictError(TRANSFER_STALE)
    return change


def occupancy_change(moves: Sequence[Move]) -> dict[str, int]:
    """The net change of occupancy per facility that the moves make, facilities in order,
    those left as they were left out."""
    change: dict[str, int] = {}
    for _, origin, target in moves:
        change[origin] = change.get(origin, 0) - 1
        change[target] = change.get(target, 0) + 1
    return {f: d for f, d in sorted(change.items()) if d}


def _codefendants_together(*, session: Session, convict_ids: Sequence[str]) -> bool:
    """Whether any of these convicts now serves with a co-defendant."""
    mover, other = aliased(PopulationRow), aliased(PopulationRow)
    together = session.scalar(
        select(func.count())
        .select_from(mover)
        .join(
            other,
            and_(
                other.case_id == mover.case_id,
                other.facility_id == mover.facility_id,
                other.convict_id != mover.convict_id,
            ),
        )
        .where(mover.convict_id.in_(convict_ids), mover.case_id != "")
    )
    return bool(together)
