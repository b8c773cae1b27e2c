"""Transfer requests with the engine's review of each and, once taken, the decision."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.db import for_update
from api.errors import NotFoundError
from api.status import TransferStatus
from api.tables import TransferAppealRow, TransferNoticeRow, TransferRequestRow


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


def add_notice(*, session: Session, row: TransferNoticeRow) -> None:
    """Add a notice of a decision (inside `writing`)."""
    session.add(row)


def latest_notice(
    *, session: Session, request_id: uuid.UUID, kind: str
) -> TransferNoticeRow | None:
    """The notice of `kind` of the request's latest decision, if any."""
    return session.scalars(
        select(TransferNoticeRow)
        .where(TransferNoticeRow.request_id == request_id, TransferNoticeRow.kind == kind)
        .order_by(TransferNoticeRow.round.desc())
        .limit(1)
    ).first()


def notices_of(*, session: Session, request_id: uuid.UUID) -> Sequence[TransferNoticeRow]:
    """Every notice of the request, by decision round then kind."""
    return session.scalars(
        select(TransferNoticeRow)
        .where(TransferNoticeRow.request_id == request_id)
        .order_by(TransferNoticeRow.round, TransferNoticeRow.kind)
    ).all()


def add_appeal(*, session: Session, row: TransferAppealRow) -> None:
    """Add an appeal against a decision (inside `writing`)."""
    session.add(row)


def appeals_of(*, session: Session, request_id: uuid.UUID) -> Sequence[TransferAppealRow]:
    """The appeals against the request's decisions, oldest first."""
    return session.scalars(
        select(TransferAppealRow)
        .where(TransferAppealRow.request_id == request_id)
        .order_by(TransferAppealRow.recorded_at, TransferAppealRow.appeal_id)
    ).all()


def waiting_list(*, session: Session) -> Sequence[TransferRequestRow]:
    """Requests on a home region's waiting list, in order of the date received."""
    return session.scalars(
        select(TransferRequestRow)
        .where(TransferRequestRow.status == TransferStatus.WAIT_LISTED.value)
        .order_by(
            TransferRequestRow.received,
            TransferRequestRow.created_at,
            TransferRequestRow.request_id,
        )
    ).all()
