"""Occupancy corrections: an admin sets a facility's occupancy, recorded in the audit log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api import audit, store
from api.db import writing
from api.tables import FacilityRow
from optimizer.data_messages import problem
from optimizer.domain import InputError


def correct_occupancy(
    *, session: Session, facility_id: str, occupied: int, actor: str, reason: str | None = None
) -> FacilityRow:
    """Set one facility's occupancy in one transaction; out of 0..capacity is an input error.
    The reason, when given, is kept in the audit entry.

    Runs solved against the old figure can no longer be committed (the version changes).
    """
    with writing(session):
        facility = store.get_facility(session=session, facility_id=facility_id, lock=True)
        if not 0 <= occupied <= facility.capacity:
            capacity = facility.capacity
            raise InputError(
                [
                    problem(
                        "request",
                        None,
                        "occupied",
                        "occupancy.outside",
                        value=occupied,
                        capacity=capacity,
                    )
                ]
            )
        previous = facility.occupied
        store.set_occupancy(session=session, facility=facility, occupied=occupied)
        audit.append(
            session,
            actor,
            "facility.occupancy-changed",
            {"facility_id": facility_id, "occupied_before": previous, "occupied": occupied}
            | ({} if reason is None else {"reason": reason}),
        )
    return facility
