"""Transfer decisions in the service: a denial that follows the recommendation is settled at
once, audited, and a request is decided only once."""

from __future__ import annotations

import datetime

import pytest
from fastapi import FastAPI

from api import audit
from api.auth import Principal, Role
from api.errors import ConflictError
from api.services.transfers import create_request, decide
from api.status import TransferStatus
from optimizer.domain import DistanceKind
from optimizer.transfers import Applicant, Casework, Ground, Verdict


def test_a_request_is_reviewed_decided_once_and_audited(app: FastAPI) -> None:
    reviewer = Principal("desk", Role.REVIEWER)
    with app.state.store.sessions() as session:
        row = create_request(
            session=session,
            convict_id="P000001",
            target_region=None,
            target_facility=None,
            ground=Ground.HOME_REGION,
            consent=False,
            distance=DistanceKind.GREAT_CIRCLE,
            casework=Casework(Applicant.CONVICT, datetime.date(2026, 11, 2)),
            actor=reviewer.actor,
        )
        assert row.status == TransferStatus.EVALUATED
        verdict = Verdict(row.recommendation)
        decided = decide(
            session=session,
            request_id=row.request_id,
            reviewer=reviewer,
            verdict=verdict,
            reason=None,
        )
        settled = TransferStatus.DENIED if verdict is Verdict.DENY else TransferStatus.GRANTED
        assert decided.status == settled
        with pytest.raises(ConflictError):
            decide(
                session=session,
                request_id=row.request_id,
                reviewer=reviewer,
                verdict=verdict,
                reason=None,
            )
        actions = [e.action for e in audit.list_entries(session=session, offset=0, limit=10)[0]]
        assert actions[1:] == ["transfer-request.created", "transfer-request.decided"]
        assert audit.verify(session=session).ok
