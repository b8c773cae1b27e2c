"""Transfer requests: review, decide, approve, apply.

A request is reviewed by `optimizer.transfers.evaluate_request` against the stored population
and facilities, and stored with the review as the engine's JSON. A decision is checked by
`optimizer.transfers.record_decision` against that stored review, the one the reviewer read:
one that follows the recommendation is applied at once; one that departs from it needs a written
reason and waits for a second, different reviewer's approval (four eyes). A grant moves the
convict (and, for a swap, everyone in it) and the occupancy in one transaction, refused when a
mover no longer serves where the review found them, when the room is gone, or when a move would
put co-defendants together. Every step is appended to the audit log; the log names requests,
facilities and digests, never convicts.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from api import audit, store
from api.auth import Principal
from api.canonical import digest, json_text, sha256
from api.db import now, writing
from api.errors import ConflictError, DecisionRefusedError
from api.services.transfer_casework import record_notices
from api.services.transfer_reviews import evaluate, evaluation_from_dict, read_tables
from api.status import TransferStatus
from api.tables import TransferRequestRow
from optimizer.domain import DistanceKind
from optimizer.transfers import (
    Casework,
    Decision,
    Evaluation,
    FourEyesError,
    Ground,
    Move,
    Reason,
    UnlawfulDecisionError,
    Verdict,
    evaluation_document,
    record_decision,
)

REASON_NEEDED = "A decision against the recommendation needs a written reason"
SAME_REVIEWER = "The approval must come from a second reviewer, not the one who decided"
NOT_LAWFUL = "The transfer is not lawful and cannot be granted"
NO_SWAP = "No swap makes room for this transfer"
NO_ROOM = "Every lawful facility of the target is full; only a swap can make room"
NO_WAITING_LIST = (
    "The waiting list is offered only when the home region's lawful facilities are full"
)
CONSENT_NEEDED = "A transfer for operational need needs the convict's consent"
ALREADY_DECIDED = "Transfer request already decided"
AWAITING_APPROVAL = "Transfer request is awaiting approval"
NOT_AWAITING_APPROVAL = "Transfer request is not awaiting approval"

SETTLED = {
    Verdict.GRANT: TransferStatus.GRANTED,
    Verdict.GRANT_WITH_SWAP: TransferStatus.GRANTED,
    Verdict.DENY: TransferStatus.DENIED,
    Verdict.WAIT_LIST: TransferStatus.WAIT_LISTED,
}

APPROVAL_PENDING = "\x00approval pending"
"""The second reviewer of a departing decision while the approval is still to come: the rule is
tried as it will stand once approved. No token name holds a NUL, so it is nobody's name."""


def create_request(
    *,
    session: Session,
    convict_id: str,
    target_region: str | None,
    target_facility: str | None,
    ground: Ground,
    consent: bool,
    distance: DistanceKind,
    casework: Casework,
    actor: str,
) -> TransferRequestRow:
    """Review a request against the current population and store it with its review and its
    casework (applicant, date received, deadline, notes, person to tell, language)."""
    tables = read_tables(session=session)
    session.rollback()
    evaluation = evaluate(
        tables,
        convict_id=convict_id,
        target_region=target_region,
        target_facility=target_facility,
        ground=ground,
        consent=consent,
        distance=distance,
    )
    text = json_text(evaluation_document(evaluation), sort_keys=False)
    row = TransferRequestRow(
        request_id=uuid.uuid4(),
        created_at=now(),
        created_by=actor,
        convict_id=convict_id,
        target_region=target_region,
        target_facility=target_facility,
        ground=ground.value,
        consent=consent,
        distance=distance.value,
        status=TransferStatus.EVALUATED.value,
        recommendation=evaluation.recommendation.value,
        evaluation=text,
        applicant=casework.applicant.value,
        received=casework.received,
        answer_days=casework.answer_days,
        notes=casework.notes or None,
        named_person=casework.named_person,
        language=casework.language,
    )
    with writing(session):
        store.add_transfer_request(session=session, row=row)
        audit.append(session, actor, "transfer-request.created", _created_payload(row, evaluation))
    return row


def _created_payload(row: TransferRequestRow, evaluation: Evaluation) -> dict[str, Any]:
    return {
        "request_id": str(row.request_id),
        "ground": row.ground,
        "target_region": row.target_region,
        "target_facility": row.target_facility,
        "distance": row.distance,
        "recommendation": row.recommendation,
        "facility_id": evaluation.facility_id,
        "reasons": [r.value for r in evaluation.reasons],
        "waiting_list_offered": evaluation.waiting_list,
        "applicant": row.applicant,
        "received": row.received.isoformat(),
        "answer_days": row.answer_days,
        "evaluation_digest": sha256(row.evaluation),
    }


def decide(
    *,
    session: Session,
    request_id: uuid.UUID,
    reviewer: Principal,
    verdict: Verdict,
    reason: str | None,
    facility_id: str | None = None,
) -> TransferRequestRow:
    """A reviewer's decision: applied when it follows the recommendation, else awaiting a
    second reviewer's approval. `facility_id` chooses any lawful facility with room (or the
    swap into it). One transaction; refused decisions change nothing."""
    with writing(session):
        row = store.get_transfer_request(session=session, request_id=request_id, lock=True)
        _expect(row, TransferStatus.EVALUATED)
        evaluation = _stored_evaluation(session, row)
        decision = _checked(
            evaluation, reviewer.name, verdict, reason, APPROVAL_PENDING, facility_id
        )
        departs = decision.departs
        if not departs:
            decision = _checked(evaluation, reviewer.name, verdict, reason, None, facility_id)
        row.decision = verdict.value
        row.decision_facility = decision.facility_id
        row.decision_reason = decision.reason
        row.decided_by = reviewer.actor
        row.decided_at = now()
        if departs:
            row.status = TransferStatus.AWAITING_APPROVAL.value
            audit.append(
                session,
                reviewer.actor,
                "transfer-request.decision-proposed",
                {
                    "request_id": str(request_id),
                    "decision": verdict.value,
                    "recommendation": evaluation.recommendation.value,
                    "facility_id": decision.facility_id,
                    "reason_digest": sha256(decision.reason or ""),
                },
            )
        else:
            _settle(session, row, decision, evaluation, reviewer.actor)
        session.flush()
    return row


def approve(
    *, session: Session, request_id: uuid.UUID, approver: Principal, approved: bool
) -> TransferRequestRow:
    """A second reviewer approves a departing decision (then it is applied) or refuses it (then
    the request awaits a decision again). The second reviewer must be another person."""
    with writing(session):
        row = store.get_transfer_request(session=session, request_id=request_id, lock=True)
        _expect(row, TransferStatus.AWAITING_APPROVAL)
        assert row.decision is not None and row.decided_by is not None
        first = _person(row.decided_by)
        if not approved:
            if approver.name.strip() == first:
                raise DecisionRefusedError(SAME_REVIEWER)
            audit.append(
                session,
                approver.actor,
                "transfer-request.approval-refused",
                {
                    "request_id": str(request_id),
                    "decision": row.decision,
                    "decided_by": row.decided_by,
                },
            )
            row.status = TransferStatus.EVALUATED.value
            row.decision = row.decision_reason = row.decided_by = None
            row.decision_facility = None
            row.decided_at = None
        else:
            evaluation = _stored_evaluation(session, row)
            decision = _checked(
                evaluation,
                first,
                Verdict(row.decision),
                row.decision_reason,
                approver.name,
                row.decision_facility,
            )
            row.approved_by = approver.actor
            row.approved_at = now()
            _settle(session, row, decision, evaluation, approver.actor)
        session.flush()
    return row


def _expect(row: TransferRequestRow, status: TransferStatus) -> None:
    if row.status == status:
        return
    if status == TransferStatus.AWAITING_APPROVAL:
        raise ConflictError(NOT_AWAITING_APPROVAL)
    if row.status == TransferStatus.AWAITING_APPROVAL:
        raise ConflictError(AWAITING_APPROVAL)
    raise ConflictError(ALREADY_DECIDED)


def _person(actor: str) -> str:
    """The person an audit actor (`role:name`) names: the four-eyes rule compares names, so one
    name with two roles is still one person."""
    return actor.partition(":")[2].strip()


def _stored_evaluation(session: Session, row: TransferRequestRow) -> Evaluation:
    names = {r.region: r.name for r in store.list_regions(session=session)}
    return evaluation_from_dict(json.loads(row.evaluation), names)


def _checked(
    evaluation: Evaluation,
    reviewer: str,
    verdict: Verdict,
    reason: str | None,
    second_reviewer: str | None,
    facility_id: str | None = None,
) -> Decision:
    """`record_decision`, its refusals as fixed sentences (422); a refused choice of facility
    names the facility and the rule."""
    try:
        return record_decision(
            evaluation, reviewer, verdict, reason, second_reviewer, facility_id=facility_id
        )
    except FourEyesError:
        if second_reviewer is not None and second_reviewer.strip() == reviewer.strip():
            raise DecisionRefusedError(SAME_REVIEWER) from None
        raise DecisionRefusedError(REASON_NEEDED) from None
    except UnlawfulDecisionError as error:
        if facility_id is not None:
            raise DecisionRefusedError(f"Refused: {error}") from None
        if verdict is Verdict.WAIT_LIST:
            raise DecisionRefusedError(NO_WAITING_LIST) from None
        if Reason.CONSENT_REQUIRED in evaluation.reasons:
            raise DecisionRefusedError(CONSENT_NEEDED) from None
        if not evaluation.lawful:
            raise DecisionRefusedError(NOT_LAWFUL) from None
        if verdict is Verdict.GRANT_WITH_SWAP:
            raise DecisionRefusedError(NO_SWAP) from None
        raise DecisionRefusedError(NO_ROOM) from None


def _settle(
    session: Session,
    row: TransferRequestRow,
    decision: Decision,
    evaluation: Evaluation,
    actor: str,
) -> None:
    """Apply a final decision (inside the caller's transaction): move, record, audit."""
    moves = _moves(decision, evaluation)
    change = (
        store.move_convicts(
            session=session, moves=[(m.convict_id, m.from_facility, m.to_facility) for m in moves]
        )
        if moves
        else {}
    )
    row.status = SETTLED[decision.verdict].value
    row.moves = [m.as_dict() for m in moves]
    row.answered_at = now()
    notices = record_notices(session, row, decision, evaluation, actor)
    audit.append(
        session,
        actor,
        "transfer-request.decided",
        {
            "request_id": str(row.request_id),
            "decision": decision.verdict.value,
            "recommendation": decision.recommendation.value,
            "departs_from_recommendation": decision.departs,
            "decided_by": row.decided_by,
            "approved_by": row.approved_by,
            "facility_id": decision.facility_id,
            "moves": [
                {"from_facility": m.from_facility, "to_facility": m.to_facility} for m in moves
            ],
            "occupancy_change": change,
            "decision_digest": digest(decision.as_dict()),
            "notices": notices,
        },
    )


def _moves(decision: Decision, evaluation: Evaluation) -> list[Move]:
    """The transfers a decision makes: a swap's moves, the requester's alone, or none."""
    if decision.swap is not None:
        return list(decision.swap.moves)
    if decision.facility_id is None:
        return []
    target = evaluation.option(decision.facility_id)
    assert target is not None, "a grant goes to a facility of the review"
    return [
        Move(
            evaluation.convict_id,
            evaluation.current.facility_id,
            target.facility_id,
            evaluation.current.distance_km,
            target.distance_km,
        )
    ]
