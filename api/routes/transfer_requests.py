"""Transfer requests: review against today's population, decide, approve (four eyes)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from api import store
from api.deps import SessionDep, TransferReader, TransferReviewer
from api.routes import responses
from api.schemas import (
    Language,
    TransferApprovalCreate,
    TransferDecisionCreate,
    TransferRequestCreate,
    TransferRequestPublic,
    TransferRequestsPage,
    TransferStatus,
)
from api.services import transfers

router = APIRouter(prefix="/transfer-requests", tags=["transfer requests"])

MAX_OFFSET = 2**31 - 1


@router.post("", status_code=status.HTTP_201_CREATED, responses=responses(404))
def create_transfer_request(
    session: SessionDep,
    user: TransferReviewer,
    body: TransferRequestCreate,
    lang: Language = Language.EN,
) -> TransferRequestPublic:
    """Review a transfer request against today's population and store it with its review.

    The review says whether the transfer is lawful, which facilities of the target have room,
    which swaps would make room, and recommends grant, grant-with-swap or deny with reason
    codes, their rules and legal sources, in words in English and Russian. Nothing moves yet.
    """
    row = transfers.create_request(
        session=session,
        convict_id=body.convict_id,
        target_region=body.target_region,
        target_facility=body.target_facility,
        ground=body.ground,
        consent=body.consent,
        distance=body.distance,
        actor=user.actor,
    )
    return TransferRequestPublic.from_row(row, lang)


@router.get("", responses=responses())
def list_transfer_requests(
    session: SessionDep,
    _user: TransferReader,
    status_filter: Annotated[TransferStatus | None, Query(alias="status")] = None,
    lang: Language = Language.EN,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> TransferRequestsPage:
    """Page through transfer requests, newest first, optionally of one status (for instance
    those awaiting a second reviewer's approval)."""
    rows, total = store.list_transfer_requests(
        session=session,
        status=status_filter,
        offset=offset,
        limit=limit,
    )
    return TransferRequestsPage(
        items=[TransferRequestPublic.from_row(r, lang) for r in rows], total=total
    )


@router.get("/{request_id}", responses=responses(404))
def read_transfer_request(
    session: SessionDep, _user: TransferReader, request_id: uuid.UUID, lang: Language = Language.EN
) -> TransferRequestPublic:
    """One transfer request: its review (data, and words in `lang`) and its decision."""
    row = store.get_transfer_request(session=session, request_id=request_id)
    return TransferRequestPublic.from_row(row, lang)


@router.post("/{request_id}/decisions", responses=responses(404, 409))
def decide_transfer_request(
    session: SessionDep,
    user: TransferReviewer,
    request_id: uuid.UUID,
    body: TransferDecisionCreate,
    lang: Language = Language.EN,
) -> TransferRequestPublic:
    """Decide a request: grant, grant-with-swap or deny.

    A decision that follows the recommendation takes effect at once; a grant moves the convict
    (a swap: everyone in it) and the occupancy together, refused with 409 when the room is gone
    since the review. A decision against the recommendation needs a written `reason` (else 422)
    and then waits for a second reviewer (`POST .../approvals`). A decision that would break a
    hard rule is refused with 422.
    """
    row = transfers.decide(
        session=session,
        request_id=request_id,
        reviewer=user,
        verdict=body.decision,
        reason=body.reason,
    )
    return TransferRequestPublic.from_row(row, lang)


@router.post("/{request_id}/approvals", responses=responses(404, 409))
def approve_transfer_decision(
    session: SessionDep,
    user: TransferReviewer,
    request_id: uuid.UUID,
    body: TransferApprovalCreate,
    lang: Language = Language.EN,
) -> TransferRequestPublic:
    """A second reviewer approves a decision against the recommendation (it then takes effect,
    as a decision does) or refuses it (the request awaits a decision again). The second
    reviewer must be another person than the one who decided (else 422)."""
    row = transfers.approve(
        session=session, request_id=request_id, approver=user, approved=body.approve
    )
    return TransferRequestPublic.from_row(row, lang)
