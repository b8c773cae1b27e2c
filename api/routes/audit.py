"""The audit log: every run, commit and occupancy change, hash-chained."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api import audit
from api.deps import Auditor, SessionDep
from api.routes import responses
from api.schemas import AuditEntryPublic, AuditPage, AuditVerification

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
    """Recompute the chain: any edited, deleted or reordered entry is found and named."""
    result = audit.verify(session=session)
    return AuditVerification(
        ok=result.ok,
        entries=result.entries,
        first_bad_sequence=result.first_bad_sequence,
        problem=result.problem,
        last_digest=result.last_digest,
    )
