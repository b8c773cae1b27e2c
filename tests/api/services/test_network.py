"""Occupancy corrections: within 0..capacity, audited, refusing what is out of range."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from api import audit
from api.errors import NotFoundError
from api.services.network import correct_occupancy
from optimizer.domain import InputError


def test_a_correction_sets_the_occupancy_and_is_audited(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        facility = correct_occupancy(session=session, facility_id="F001", occupied=3, actor="a:b")
        assert (facility.occupied, facility.version) == (3, 1)
        [_, entry], _ = audit.list_entries(session=session, offset=0, limit=10)
        assert entry.action == "facility.occupancy-changed"
        assert audit.verify(session=session).ok


def test_out_of_range_is_an_input_error_and_an_unknown_facility_404(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        with pytest.raises(InputError):
            correct_occupancy(session=session, facility_id="F001", occupied=-1, actor="a:b")
        with pytest.raises(NotFoundError):
            correct_occupancy(session=session, facility_id="F999", occupied=1, actor="a:b")
        assert audit.list_entries(session=session, offset=0, limit=10)[1] == 1
