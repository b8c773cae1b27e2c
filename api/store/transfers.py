"""Transfer requests with the engine's review of each and, once taken, the decision."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.db import for_update
from api.errors import NotFoundError
from api.status import TransferStatus
from api.tables import TransferRequestRow


def add_transfer_request(*, session: Session, row: TransferRequestRow) -> None:
    """Add a reviewed request (inside `writing`)."""
    session.add(row)


def get_transfer_request(
    *, session: Session, request_id: uuid.UUID, lock: bool = False
) -> TransferRequestRow:
    """One request; with `lock`, fresh from the database and locked for the caller's change."""
    row = session.get(
        TransferRequestRow,
        request_id,
        with_for_update=lock and for_update(session),
        populate_existing=lock,
    )
    if row is None:
        raise NotFoundError("Transfer request not found")
    return row


def list_transfer_requests(
    *, session: Session, status: TransferStatus | None, offset: int, limit: int
) -> tuple[Sequence[TransferRequestRow], int]:
    conditions = [] if status is None else [TransferRequestRow.status == status.value]
    total = (
        session.scalar(select(func.count()).select_from(TransferRequestRow).where(*conditions)) or 0
    )
    rows = session.scalars(
        select(TransferRequestRow)
        .where(*conditions)
        .order_by(TransferRequestRow.created_at.desc(), TransferRequestRow.request_id)
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, total
