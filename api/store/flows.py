"""A run's placements counted by home region and facility: what the map's flows draw."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.tables import FacilityRow, PlacementRow, RunFacilityRow


@dataclass(frozen=True, slots=True)
class Flow:
    home_region: str
    facility_id: str
    convicts: int


def placement_flows(*, session: Session, run_id: uuid.UUID) -> list[Flow]:
    """Placed convicts per (home region, facility), largest first."""
    count = func.count().label("convicts")
    rows = session.execute(
        select(PlacementRow.home_region, PlacementRow.facility_id, count)
        .where(PlacementRow.run_id == run_id, PlacementRow.facility_id.is_not(None))
        .group_by(PlacementRow.home_region, PlacementRow.facility_id)
        .order_by(count.desc(), PlacementRow.home_region, PlacementRow.facility_id)
    ).all()
    return [Flow(str(h), str(f), int(n)) for h, f, n in rows]


@dataclass(frozen=True, slots=True)
class Booking:
    """What committing a run books in one facility: places now, as solved, and to be added."""

    facility_id: str
    name: str
    region: str
    capacity: int
    occupied_now: int
    occupied_at_solve: int
    placed: int

    @property
    def changed(self) -> bool:
        """Occupancy moved since the run was solved: a commit would be refused."""
        return self.occupied_now != self.occupied_at_solve


def run_bookings(*, session: Session, run_id: uuid.UUID) -> list[Booking]:
    """The facilities a run places convicts in, with today's and the solved occupancy."""
    rows = session.execute(
        select(
            RunFacilityRow.facility_id,
            FacilityRow.name,
            FacilityRow.region,
            FacilityRow.capacity,
            FacilityRow.occupied,
            RunFacilityRow.occupied_at_solve,
            RunFacilityRow.placed,
        )
        .join(FacilityRow, FacilityRow.facility_id == RunFacilityRow.facility_id)
        .where(RunFacilityRow.run_id == run_id, RunFacilityRow.placed > 0)
        .order_by(RunFacilityRow.facility_id)
    ).all()
    return [Booking(*row) for row in rows]
