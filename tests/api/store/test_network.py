"""The network as stored: reading it as engine tables, and the one occupancy compare-and-set."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from api import db, store
from api.errors import NotFoundError


def test_the_stored_network_reads_as_validated_engine_tables(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        network = store.read_network(session=session)
        rows = store.list_facilities(session=session)
        regions = store.list_regions(session=session)
    assert list(network.facilities["facility_id"]) == [f.facility_id for f in rows]
    assert network.versions == {f.facility_id: 0 for f in rows}
    assert len(network.regions) == len(regions)


def test_an_occupancy_change_counts_in_the_version(app: FastAPI) -> None:
    with app.state.store.sessions() as session, db.writing(session):
        before = store.get_facility(session=session, facility_id="F001")
        occupied = before.occupied
        assert store.change_occupancy(session=session, facility_id="F001", delta=-1, version=0)
    with app.state.store.sessions() as session:
        after = store.get_facility(session=session, facility_id="F001")
        assert (after.occupied, after.version) == (occupied - 1, 1)


@pytest.mark.parametrize(
    ("delta", "version"), [(0, 7), (10**6, None), (-(10**6), None)], ids=["stale", "full", "below"]
)
def test_an_occupancy_change_is_refused_when_stale_or_out_of_bounds(
    app: FastAPI, delta: int, version: int | None
) -> None:
    with app.state.store.sessions() as session, db.writing(session):
        changed = store.change_occupancy(
            session=session, facility_id="F001", delta=delta, version=version
        )
    assert not changed
    with app.state.store.sessions() as session:
        assert store.get_facility(session=session, facility_id="F001").version == 0


def test_setting_occupancy_sets_it_and_counts_the_change(app: FastAPI) -> None:
    with app.state.store.sessions() as session, db.writing(session):
        facility = store.get_facility(session=session, facility_id="F001", lock=True)
        store.set_occupancy(session=session, facility=facility, occupied=5)
    assert (facility.occupied, facility.version) == (5, 1)


def test_an_unknown_or_unstorable_facility_is_not_found(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        for facility_id in ("F999", "F\x00"):
            with pytest.raises(NotFoundError):
                store.get_facility(session=session, facility_id=facility_id)
        assert store.list_facilities(session=session, region="KZ\x00") == []
