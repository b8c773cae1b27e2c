"""Stored transfer requests: found by id, paged newest first, filtered by status."""

from __future__ import annotations

import datetime
import uuid

import pytest
from fastapi import FastAPI

from api import db, store
from api.errors import NotFoundError
from api.status import TransferStatus
from api.tables import TransferRequestRow


def _request(
    status: TransferStatus, received: datetime.date = datetime.date(2026, 11, 2)
) -> TransferRequestRow:
    return TransferRequestRow(
        request_id=uuid.uuid4(),
        created_at=db.now(),
        created_by="reviewer:desk",
        convict_id="P000001",
        ground="home-region",
        consent=False,
        distance="great-circle",
        status=status.value,
        recommendation="deny",
        evaluation="{}",
        received=received,
    )


def test_requests_are_filtered_by_status(app: FastAPI) -> None:
    rows = [_request(TransferStatus.EVALUATED), _request(TransferStatus.GRANTED)]
    with app.state.store.sessions() as session, db.writing(session):
        for row in rows:
            store.add_transfer_request(session=session, row=row)
    with app.state.store.sessions() as session:
        found, total = store.list_transfer_requests(
            session=session, status=TransferStatus.GRANTED, offset=0, limit=10
        )
        assert (total, [r.request_id for r in found]) == (1, [rows[1].request_id])
        assert (
            store.list_transfer_requests(session=session, status=None, offset=0, limit=10)[1] == 2
        )
        locked = store.get_transfer_request(
            session=session, request_id=rows[0].request_id, lock=True
        )
        assert locked.status == TransferStatus.EVALUATED


def test_an_unknown_request_is_not_found(app: FastAPI) -> None:
    with app.state.store.sessions() as session, pytest.raises(NotFoundError):
        store.get_transfer_request(session=session, request_id=uuid.uuid4())


def test_the_waiting_list_is_in_order_of_the_date_received(app: FastAPI) -> None:
    later = _request(TransferStatus.WAIT_LISTED, datetime.date(2026, 10, 2))
    earlier = _request(TransferStatus.WAIT_LISTED, datetime.date(2026, 9, 15))
    decided = _request(TransferStatus.DENIED, datetime.date(2026, 8, 1))
    with app.state.store.sessions() as session, db.writing(session):
        for row in (later, earlier, decided):
            store.add_transfer_request(session=session, row=row)
    with app.state.store.sessions() as session:
        listed = [r.request_id for r in store.waiting_list(session=session)]
    assert listed == [earlier.request_id, later.request_id]
