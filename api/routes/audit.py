"""The audit log: every run, commit and occupancy change, hash-chained."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api import audit
from api.deps import Auditor, SessionDep
from api.routes import responses
from api.schemas import AuditEntryPublic, AuditPage, AuditVerification
from api.services.audit_check import verify_audit

router = APIRouter(prefix="/audit", tags=["audit"])

MAX_OFFSET = 2**31 - 1


@router.get("", responses=responses())
def list_audit_entries(
    session: SessionDep,
    _user: Auditor,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    """Page through the log in sequence order."""
    rows, total = audit.list_entries(session=session, offset=offset, limit=limit)
    return AuditPage(items=[AuditEntryPublic.from_row(r) for r in rows], total=total)


@router.get("/verify", responses=responses())
def verify_audit_log(session: SessionDep, _user: Auditor) -> AuditVerification:
    """Recompute the chain and compare it with the signed checkpoints kept outside the store,
    then recompute occupancy and committed placements from the log and compare them with the
    store: any edited, deleted or reordered entry, any cut tail or restored older copy ("entries
    after N are missing"), and any direct edit of facilities, runs or placements is named."""
    report = verify_audit(session=session)
    chain = report.chain
    return AuditVerification(
        ok=report.ok,
        entries=chain.entries,
        first_bad_sequence=chain.first_bad_sequence,
        problem=chain.problem,
        last_digest=chain.last_digest,
        anchored_sequence=chain.anchored_sequence,
        unanchored_entries=chain.unanchored_entries,
        state_checked=report.state_checked,
        state_problems=report.state_problems,
    )
