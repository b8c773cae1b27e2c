"""Facilities: capacity and current occupancy; occupancy corrections by an admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api import store
from api.deps import Admin, AnyRole, SessionDep
from api.routes import responses
from api.schemas import FacilityPublic, OccupancyUpdate
from api.services.network import correct_occupancy
from optimizer.domain import SecurityLevel

router = APIRouter(prefix="/facilities", tags=["facilities"])


@router.get("", responses=responses())
def list_facilities(
    session: SessionDep,
    _user: AnyRole,
    region: Annotated[str | None, Query(max_length=16, examples=["KZ-10"])] = None,
    security_level: SecurityLevel | None = None,
) -> list[FacilityPublic]:
    """List facilities with capacity and current occupancy, optionally of one region or level."""
    rows = store.list_facilities(
        session=session,
        region=region,
        security_level=security_level.value if security_level is not None else None,
    )
    return [FacilityPublic.from_row(f) for f in rows]


@router.get("/{facility_id}", responses=responses(404))
def read_facility(session: SessionDep, _user: AnyRole, facility_id: str) -> FacilityPublic:
    """Return one facility with its capacity and current occupancy."""
    return FacilityPublic.from_row(store.get_facility(session=session, facility_id=facility_id))


@router.patch("/{facility_id}", responses=responses(404))
def update_occupancy(
    session: SessionDep, user: Admin, facility_id: str, body: OccupancyUpdate
) -> FacilityPublic:
    """Correct a facility's occupancy (0..capacity). Recorded in the audit log; runs solved
    against the old figure can no longer be committed. The population is left as it is;
    transfer reviews count free places from this figure."""
    facility = correct_occupancy(
        session=session, facility_id=facility_id, occupied=body.occupied, actor=user.actor
    )
    return FacilityPublic.from_row(facility)
