"""Facilities as published: free places from capacity and occupancy."""

from __future__ import annotations

from fastapi import FastAPI

from api import store
from api.schemas.network import FacilityPublic, OccupancyUpdate


def test_free_places_are_capacity_less_occupancy(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        row = store.get_facility(session=session, facility_id="F001")
    public = FacilityPublic.from_row(row)
    assert public.free_places == row.capacity - row.occupied
    assert OccupancyUpdate(occupied=0).occupied == 0
