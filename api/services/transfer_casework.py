"""The casework around a decision: its notices (stored with it, their digests in the audit log)
and appeals, which set a decision aside and reopen the request with a fresh review.

Notices go to the convict and to the person the convict named (UN Nelson Mandela Rules, rule
68), in the convict's language; the words are the engine's, the layout `transfer_notices`'.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api import audit, store
from api.canonical import json_text, sha256
from api.db import now, utc, writing
from api.errors import ConflictError, NotFoundError
from api.services.transfer_notices import NoticeFormat, notice_documents
from api.services.transfer_reviews import evaluate, read_tables
from api.status import TransferStatus
from api.tables import TransferAppealRow, TransferNoticeRow, TransferRequestRow
from optimizer.domain import DistanceKind
from optimizer.transfers import (
    Applicant,
    Casework,
    Decision,
    DecisionRecord,
    Evaluation,
    Ground,
    NoticeKind,
    build_notice,
    evaluation_document,
    notice_kinds,
)

NOTICE_NOT_FOUND = "Notice not found"
NOTHING_TO_APPEAL = "Transfer request has no decision to appeal"
SETTLED = (TransferStatus.GRANTED, TransferStatus.DENIED, TransferStatus.WAIT_LISTED)


def casework_of(row: TransferRequestRow) -> Casework:
    """The stored request's casework."""
    return Casework(
        applicant=Applicant(row.applicant),
        received=row.received,
        answer_days=row.answer_days,
        notes=row.notes or "",
        named_person=row.named_person,
        language=row.language,
    )


def is_overdue(row: TransferRequestRow, today: datetime.date) -> bool:
    """Unanswered past the deadline, or answered after it."""
    answered = utc(row.answered_at).date() if row.answered_at is not None else None
    return casework_of(row).overdue(today, answered)


def record_notices(
    session: Session,
    row: TransferRequestRow,
    decision: Decision,
    evaluation: Evaluation,
    actor: str,
) -> list[dict[str, Any]]:
    """Write the decision's notices (inside the caller's transaction); their kinds, languages
    and digests, for the decision's audit entry."""
    casework = casework_of(row)
    moment = now()
    record = DecisionRecord(
        request_id=str(row.request_id),
        verdict=decision.verdict,
        facility_id=decision.facility_id,
        reason=decision.reason,
        decided_on=moment.date(),
        decided_by=_person(row.decided_by or actor),
        approved_by=_person(row.approved_by) if row.approved_by else None,
    )
    earlier = store.notices_of(session=session, request_id=row.request_id)
    round_ = max((n.round for n in earlier), default=-1) + 1
    written = []
    for kind in notice_kinds(casework):
        notice = build_notice(evaluation, casework, record, kind)
        documents = notice_documents(notice, record.decided_on)
        notice_row = TransferNoticeRow(
            notice_id=uuid.uuid4(),
            request_id=row.request_id,
            round=round_,
            kind=kind.value,
            lang=notice.lang,
            html=documents.html,
            pdf=documents.pdf,
            digest=sha256(documents.html),
            created_at=moment,
        )
        store.add_notice(session=session, row=notice_row)
        written.append(
            {
                "kind": kind.value,
                "lang": notice.lang,
                "html_digest": notice_row.digest,
                "pdf_digest": hashlib.sha256(documents.pdf).hexdigest(),
            }
        )
    return written


def _person(actor: str) -> str:
    """The name in an audit actor (`role:name`)."""
    return actor.partition(":")[2].strip() or actor


@dataclass(frozen=True, slots=True)
class NoticeFile:
    content: str | bytes
    lang: str


def notice_file(
    *, session: Session, request_id: uuid.UUID, kind: NoticeKind, fmt: NoticeFormat
) -> NoticeFile:
    """The stored notice of the request's latest decision, as HTML or PDF (404 if none)."""
    store.get_transfer_request(session=session, request_id=request_id)
    row = store.latest_notice(session=session, request_id=request_id, kind=kind.value)
    if row is None:
        raise NotFoundError(NOTICE_NOT_FOUND)
    return NoticeFile(row.html if fmt is NoticeFormat.HTML else row.pdf, row.lang)


@dataclass(frozen=True, slots=True)
class Appeal:
    """Who appeals a decision, the day the appeal was received, and on what grounds."""

    appellant: str
    received: datetime.date
    grounds: str


def record_appeal(
    *, session: Session, request_id: uuid.UUID, appeal: Appeal, actor: str
) -> TransferRequestRow:
    """Record an appeal against the request's decision and reopen the request: the decision is
    kept with the appeal and in the audit log, and the request is reviewed afresh against
    today's population, awaiting a decision again."""
    tables = read_tables(session=session)
    session.rollback()
    with writing(session):
        row = store.get_transfer_request(session=session, request_id=request_id, lock=True)
        if row.status not in SETTLED:
            raise ConflictError(NOTHING_TO_APPEAL)
        evaluation = evaluate(
            tables,
            convict_id=row.convict_id,
            target_region=row.target_region,
            target_facility=row.target_facility,
            ground=Ground(row.ground),
            consent=row.consent,
            distance=DistanceKind(row.distance),
        )
        previous = _decision_of(row)
        appeal_row = TransferAppealRow(
            appeal_id=uuid.uuid4(),
            request_id=request_id,
            appellant=appeal.appellant,
            received=appeal.received,
            grounds=appeal.grounds,
            recorded_by=actor,
            recorded_at=now(),
            decision=previous,
        )
        store.add_appeal(session=session, row=appeal_row)
        _reopen(row, evaluation)
        audit.append(
            session,
            actor,
            "transfer-request.appealed",
            {
                "request_id": str(request_id),
                "appeal_id": str(appeal_row.appeal_id),
                "received": appeal.received.isoformat(),
                "grounds_digest": sha256(appeal.grounds),
                "decision_set_aside": {k: previous[k] for k in ("status", "decision")},
                "decision_digest": sha256(json_text(previous)),
                "recommendation": row.recommendation,
                "evaluation_digest": sha256(row.evaluation),
            },
        )
        session.flush()
    return row


def _decision_of(row: TransferRequestRow) -> dict[str, Any]:
    def when(moment: datetime.datetime | None) -> str | None:
        return utc(moment).isoformat() if moment is not None else None

    return {
        "status": row.status,
        "decision": row.decision,
        "facility_id": row.decision_facility,
        "reason": row.decision_reason,
        "decided_by": row.decided_by,
        "decided_at": when(row.decided_at),
        "approved_by": row.approved_by,
        "approved_at": when(row.approved_at),
        "answered_at": when(row.answered_at),
        "moves": row.moves or [],
        "recommendation": row.recommendation,
        "evaluation_digest": sha256(row.evaluation),
    }


def _reopen(row: TransferRequestRow, evaluation: Evaluation) -> None:
    row.status = TransferStatus.EVALUATED.value
    row.recommendation = evaluation.recommendation.value
    row.evaluation = json_text(evaluation_document(evaluation), sort_keys=False)
    row.decision = row.decision_reason = row.decided_by = row.approved_by = None
    row.decision_facility = None
    row.decided_at = row.approved_at = row.answered_at = None
    row.moves = None
