"""Regions and facilities: reading them, seeding them, and changing a facility's occupancy.

Every occupancy change goes through `change_occupancy`, one compare-and-set on the facility's
row: it holds only while the facility stays within 0..capacity (and, when asked, at the
version the caller saw), and it counts the change in `version`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from api.canonical import jsonable
from api.db import for_update, storable
from api.errors import ConflictError, NotFoundError
from api.tables import FacilityRow, RegionRow

LOCAL_NAMES = ("name_ru", "name_kk")
"""Names in Russian and Kazakh (revision 0004): read only when every row has them."""
REGION_COLUMNS = ("region", "name", *LOCAL_NAMES, "centre", "lat", "lon", "population")
FACILITY_COLUMNS = (
    "facility_id",
    "name",
    *LOCAL_NAMES,
    "region",
    "lat",
    "lon",
    "security_level",
    "sex",
    "age_category",
    "capacity",
    "occupied",
    "medical_profile",
    "for_former_officers",
    "criminal_history",
    "for_life_sentences",
)


@dataclass(frozen=True)
class Network:
    """Regions and facilities as validated engine tables, with each facility's version."""

    regions: pd.DataFrame
    facilities: pd.DataFrame
    versions: dict[str, int]


def list_regions(*, session: Session) -> Sequence[RegionRow]:
    return session.scalars(select(RegionRow).order_by(RegionRow.region)).all()


def has_regions(*, session: Session) -> bool:
    """Whether the network is stored already (a seeded store)."""
    return bool(session.scalar(select(func.count()).select_from(RegionRow)))


def list_facilities(
    *, session: Session, region: str | None = None, security_level: str | None = None
) -> Sequence[FacilityRow]:
    query = select(FacilityRow).order_by(FacilityRow.facility_id)
    if not storable(region, security_level):
        return []
    if region is not None:
        query = query.where(FacilityRow.region == region)
    if security_level is not None:
        query = query.where(FacilityRow.security_level == security_level)
    return session.scalars(query).all()


def get_facility(*, session: Session, facility_id: str, lock: bool = False) -> FacilityRow:
    """One facility; with `lock`, locked for the caller's change (PostgreSQL)."""
    facility = (
        session.get(FacilityRow, facility_id, with_for_update=lock and for_update(session))
        if storable(facility_id)
        else None
    )
    if facility is None:
        raise NotFoundError("Facility not found")
    return facility


def read_network(*, session: Session) -> Network:
    """The current network, validated by the engine's own rules as any input would be."""
    from optimizer.data import records_table, validate_facilities, validate_regions

    region_rows = list_regions(session=session)
    facility_rows = list_facilities(session=session)
    regions = validate_regions(
        records_table(_records(region_rows, REGION_COLUMNS)), file="regions (store)"
    )
    facilities = validate_facilities(
        records_table(_records(facility_rows, FACILITY_COLUMNS)),
        regions,
        file="facilities (store)",
    )
    return Network(regions, facilities, {f.facility_id: f.version for f in facility_rows})


def _records(rows: Sequence[object], columns: Sequence[str]) -> list[dict[str, object]]:
    """Rows as input records; the local names only when every row has them (else `name`)."""
    kept = [c for c in columns if c not in LOCAL_NAMES or all(getattr(row, c) for row in rows)]
    return [{c: getattr(row, c) for c in kept} for row in rows]


def insert_network(*, session: Session, regions: pd.DataFrame, facilities: pd.DataFrame) -> None:
    """Add validated regions and facilities, every facility at version 0 (inside `writing`)."""
    session.execute(insert(RegionRow), jsonable(regions.to_dict(orient="records")))
    facility_rows = jsonable(facilities.to_dict(orient="records"))
    for row in facility_rows:
        row["version"] = 0
    session.execute(insert(FacilityRow), facility_rows)


def lock_facilities(*, session: Session, facility_ids: Sequence[str]) -> None:
    """Lock the facilities' rows in one order, so that writers never deadlock (PostgreSQL;
    SQLite serialises writers instead)."""
    if for_update(session) and facility_ids:
        session.execute(
            select(FacilityRow.facility_id)
            .where(FacilityRow.facility_id.in_(facility_ids))
            .order_by(FacilityRow.facility_id)
            .with_for_update()
        )


def change_occupancy(
    *, session: Session, facility_id: str, delta: int, version: int | None = None
) -> bool:
    """Add `delta` to a facility's occupancy and count the change in its version, if the result
    stays within 0..capacity and, given `version`, the facility is still at it (inside
    `writing`). False when the facility refused: nothing changed."""
    conditions = [
        FacilityRow.facility_id == facility_id,
        FacilityRow.occupied + delta <= FacilityRow.capacity,
        FacilityRow.occupied + delta >= 0,
    ]
    if version is not None:
        conditions.append(FacilityRow.version == version)
    changed = session.execute(
        update(FacilityRow)
        .where(*conditions)
        .values(occupied=FacilityRow.occupied + delta, version=FacilityRow.version + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(changed, "rowcount", 0) == 1)


def set_occupancy(*, session: Session, facility: FacilityRow, occupied: int) -> FacilityRow:
    """Set a facility's occupancy, as read and locked by `get_facility` (inside `writing`)."""
    changed = change_occupancy(
        session=session,
        facility_id=facility.facility_id,
        delta=occupied - facility.occupied,
        version=facility.version,
    )
    if not changed:
        raise ConflictError("Occupancy changed meanwhile")
    session.refresh(facility)
    return facility
