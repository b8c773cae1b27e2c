"""Transfer requests and campaigns against the store: review, decide, approve, apply.

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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from api import audit, store
from api.auth import Principal
from api.errors import ConflictError, DecisionRefusedError, NotFoundError
from optimizer.domain import DistanceKind
from optimizer.transfers import (
    CampaignResult,
    Decision,
    Evaluation,
    FacilityOption,
    FourEyesError,
    Ground,
    Move,
    Reason,
    Swap,
    SwapKind,
    UnknownIdError,
    UnlawfulDecisionError,
    Verdict,
    evaluate_request,
    optimise_transfers,
    record_decision,
)

NOT_FOUND = {
    "convict": "Convict not found",
    "region": "Region not found",
    "facility": "Facility not found",
}
REASON_NEEDED = "A decision against the recommendation needs a written reason"
SAME_REVIEWER = "The approval must come from a second reviewer, not the one who decided"
NOT_LAWFUL = "The transfer is not lawful and cannot be granted"
NO_SWAP = "No swap makes room for this transfer"
NO_ROOM = "Every lawful facility of the target is full; only a swap can make room"
ALREADY_DECIDED = "Transfer request already decided"
AWAITING_APPROVAL = "Transfer request is awaiting approval"
NOT_AWAITING_APPROVAL = "Transfer request is not awaiting approval"

APPROVAL_PENDING = "\x00approval pending"
"""The second reviewer of a departing decision while the approval is still to come: the rule is
tried as it will stand once approved. No token name holds a NUL, so it is nobody's name."""


@dataclass(frozen=True)
class TransferTables:
    """What the transfer engine reads: regions, facilities as it must see them, population."""

    regions: pd.DataFrame
    facilities: pd.DataFrame
    population: pd.DataFrame


def read_tables(*, session: Session) -> TransferTables:
    network = store.read_network(session=session)
    population = store.read_population(session=session)
    return TransferTables(
        network.regions, engine_facilities(network.facilities, population), population
    )


def engine_facilities(facilities: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The facilities with the capacity that leaves each exactly its stored free places.

    The engine counts a facility's occupants from the population; the store's occupancy is the
    figure every booking is checked against (an admin's correction included). Handing the engine
    capacity - occupied + counted keeps its free places equal to the store's.
    """
    counted = (
        population["facility_id"]
        .value_counts()
        .reindex(facilities["facility_id"], fill_value=0)
        .to_numpy(np.int64)
    )
    capacity = facilities["capacity"].to_numpy(np.int64)
    occupied = facilities["occupied"].to_numpy(np.int64)
    return facilities.assign(capacity=capacity - occupied + counted)


def evaluate(
    tables: TransferTables,
    *,
    convict_id: str,
    target_region: str | None,
    target_facility: str | None,
    ground: Ground,
    consent: bool,
    distance: DistanceKind,
) -> Evaluation:
    """The engine's review of one request; an unknown convict, region or facility is a 404."""
    try:
        return evaluate_request(
            tables.population,
            tables.facilities,
            tables.regions,
            convict_id,
            target_region=target_region,
            target_facility=target_facility,
            ground=ground,
            consent=consent,
            distance=distance,
        )
    except UnknownIdError as error:
        raise NotFoundError(NOT_FOUND[error.kind]) from None


def evaluation_from_dict(data: Mapping[str, Any], region_names: Mapping[str, str]) -> Evaluation:
    """An `Evaluation` from its `as_dict()` form: the stored review, as the reviewer read it."""

    def option(o: Mapping[str, Any]) -> FacilityOption:
        return FacilityOption(
            facility_id=o["facility_id"],
            name=o["name"],
            region=o["region"],
            security_level=o["security_level"],
            distance_km=o["distance_km"],
            change_km=o["change_km"],
            free_places=o["free_places"],
            lawful=o["lawful"],
            failed_rules=tuple(o["failed_rules"]),
        )

    def swap(s: Mapping[str, Any]) -> Swap:
        moves = tuple(
            Move(
                m["convict_id"],
                m["from_facility"],
                m["to_facility"],
                m["distance_before_km"],
                m["distance_after_km"],
            )
            for m in s["moves"]
        )
        return Swap(SwapKind(s["kind"]), moves)

    current = option(data["current"])
    home, target = data["home_region"], data["target_region"]
    return Evaluation(
        convict_id=data["convict_id"],
        ground=Ground(data["ground"]),
        consent=data["consent"],
        home_region=home,
        home_region_name=region_names.get(home, home),
        current=current,
        current_region_name=region_names.get(current.region, current.region),
        target_region=target,
        target_region_name=region_names.get(target, target),
        target_facility=data["target_facility"],
        lawful=data["lawful"],
        failed_rules=tuple(r["id"] for r in data["failed_rules"]),
        options=tuple(option(o) for o in data["options"]),
        swaps=tuple(swap(s) for s in data["swaps"]),
        max_swap_people=data["max_swap_people"],
        alternatives=tuple(option(o) for o in data["alternatives"]),
        recommendation=Verdict(data["recommendation"]),
        facility_id=data["facility_id"],
        reasons=tuple(Reason(r["code"]) for r in data["reasons"]),
    )


# --- requests -----------------------------------------------------------------------------


def create_request(
    *,
    session: Session,
    convict_id: str,
    target_region: str | None,
    target_facility: str | None,
    ground: Ground,
    consent: bool,
    distance: DistanceKind,
    actor: str,
) -> store.TransferRequestRow:
    """Review a request against the current population and store it with its review."""
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
    text = store.json_text(evaluation.as_dict(), sort_keys=False)
    row = store.TransferRequestRow(
        request_id=uuid.uuid4(),
        created_at=store.now(),
        created_by=actor,
        convict_id=convict_id,
        target_region=target_region,
        target_facility=target_facility,
        ground=ground.value,
        consent=consent,
        distance=distance.value,
        status=store.EVALUATED,
        recommendation=evaluation.recommendation.value,
        evaluation=text,
    )
    with store.writing(session):
        session.add(row)
        audit.append(
            session,
            actor,
            "transfer-request.created",
            {
                "request_id": str(row.request_id),
                "ground": ground.value,
                "target_region": target_region,
                "target_facility": target_facility,
                "distance": distance.value,
                "recommendation": evaluation.recommendation.value,
                "facility_id": evaluation.facility_id,
                "reasons": [r.value for r in evaluation.reasons],
                "evaluation_digest": audit.sha256(text),
            },
        )
    return row


def decide(
    *,
    session: Session,
    request_id: uuid.UUID,
    reviewer: Principal,
    verdict: Verdict,
    reason: str | None,
) -> store.TransferRequestRow:
    """A reviewer's decision: applied when it follows the recommendation, else awaiting a
    second reviewer's approval. One transaction; refused decisions change nothing."""
    with store.writing(session):
        row = store.get_transfer_request(session=session, request_id=request_id, lock=True)
        _expect(row, store.EVALUATED)
        evaluation = _stored_evaluation(session, row)
        departs = verdict is not evaluation.recommendation
        decision = _checked(
            evaluation, reviewer.name, verdict, reason, APPROVAL_PENDING if departs else None
        )
        row.decision = verdict.value
        row.decision_reason = decision.reason
        row.decided_by = reviewer.actor
        row.decided_at = store.now()
        if departs:
            row.status = store.AWAITING_APPROVAL
            audit.append(
                session,
                reviewer.actor,
                "transfer-request.decision-proposed",
                {
                    "request_id": str(request_id),
                    "decision": verdict.value,
                    "recommendation": evaluation.recommendation.value,
                    "reason_digest": audit.sha256(decision.reason or ""),
                },
            )
        else:
            _settle(session, row, decision, evaluation, reviewer.actor)
        session.flush()
    return row


def approve(
    *, session: Session, request_id: uuid.UUID, approver: Principal, approved: bool
) -> store.TransferRequestRow:
    """A second reviewer approves a departing decision (then it is applied) or refuses it (then
    the request awaits a decision again). The second reviewer must be another person."""
    with store.writing(session):
        row = store.get_transfer_request(session=session, request_id=request_id, lock=True)
        _expect(row, store.AWAITING_APPROVAL)
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
            row.status = store.EVALUATED
            row.decision = row.decision_reason = row.decided_by = None
            row.decided_at = None
        else:
            evaluation = _stored_evaluation(session, row)
            decision = _checked(
                evaluation, first, Verdict(row.decision), row.decision_reason, approver.name
            )
            row.approved_by = approver.actor
            row.approved_at = store.now()
            _settle(session, row, decision, evaluation, approver.actor)
        session.flush()
    return row


def _expect(row: store.TransferRequestRow, status: str) -> None:
    if row.status == status:
        return
    if status == store.AWAITING_APPROVAL:
        raise ConflictError(NOT_AWAITING_APPROVAL)
    if row.status == store.AWAITING_APPROVAL:
        raise ConflictError(AWAITING_APPROVAL)
    raise ConflictError(ALREADY_DECIDED)


def _person(actor: str) -> str:
    """The person an audit actor (`role:name`) names: the four-eyes rule compares names, so one
    name with two roles is still one person."""
    return actor.partition(":")[2].strip()


def _stored_evaluation(session: Session, row: store.TransferRequestRow) -> Evaluation:
    names = {r.region: r.name for r in store.list_regions(session=session)}
    return evaluation_from_dict(json.loads(row.evaluation), names)


def _checked(
    evaluation: Evaluation,
    reviewer: str,
    verdict: Verdict,
    reason: str | None,
    second_reviewer: str | None,
) -> Decision:
    """`record_decision`, its refusals as fixed sentences (422)."""
    try:
        return record_decision(evaluation, reviewer, verdict, reason, second_reviewer)
    except FourEyesError:
        if second_reviewer is not None and second_reviewer.strip() == reviewer.strip():
            raise DecisionRefusedError(SAME_REVIEWER) from None
        raise DecisionRefusedError(REASON_NEEDED) from None
    except UnlawfulDecisionError:
        if not evaluation.lawful:
            raise DecisionRefusedError(NOT_LAWFUL) from None
        if verdict is Verdict.GRANT_WITH_SWAP:
            raise DecisionRefusedError(NO_SWAP) from None
        raise DecisionRefusedError(NO_ROOM) from None


def _settle(
    session: Session,
    row: store.TransferRequestRow,
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
    row.status = store.DENIED if decision.verdict is Verdict.DENY else store.GRANTED
    row.moves = [m.as_dict() for m in moves]
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
            "decision_digest": audit.sha256(audit.canonical_json(decision.as_dict())),
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


# --- campaigns ----------------------------------------------------------------------------


def analyse_campaign(*, session: Session, distance: DistanceKind, actor: str) -> CampaignResult:
    """The best transfer campaign over the current population: advice, so nothing changes but
    the audit log, which records the analysis and a digest of its moves."""
    tables = read_tables(session=session)
    session.rollback()
    result = optimise_transfers(tables.population, tables.facilities, tables.regions, distance)
    moves = store.json_text(store.jsonable(result.moves.to_dict(orient="records")))
    with store.writing(session):
        audit.append(
            session,
            actor,
            "transfer-campaign.analysed",
            {
                "distance": distance.value,
                "convicts": result.convicts,
                "moved": result.moved,
                "home_before": result.home_before,
                "home_after": result.home_after,
                "km_saved": result.km_saved,
                "moves_digest": audit.sha256(moves),
            },
        )
    return result
