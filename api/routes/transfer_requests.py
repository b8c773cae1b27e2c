"""Transfer requests: review against today's population, decide, approve (four eyes)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api import store
from api.deps import SessionDep, SettingsDep, TransferReader, TransferReviewer
from api.routes import responses
from api.schemas import (
    Language,
    TransferAppealCreate,
    TransferApprovalCreate,
    TransferDecisionCreate,
    TransferRequestCreate,
    TransferRequestPublic,
    TransferRequestsPage,
    TransferStatus,
)
from api.services import transfer_casework, transfers
from api.services.transfer_notices import MEDIA_TYPES, NoticeFormat
from api.tables import TransferRequestRow
from optimizer.transfers import NoticeKind

router = APIRouter(prefix="/transfer-requests", tags=["transfer requests"])

MAX_OFFSET = 2**31 - 1


@router.post("", status_code=status.HTTP_201_CREATED, responses=responses(404))
def create_transfer_request(
    session: SessionDep,
    settings: SettingsDep,
    user: TransferReviewer,
    body: TransferRequestCreate,
    lang: Language = Language.EN,
) -> TransferRequestPublic:
    """Review a transfer request against today's population and store it with its review.

    The review says whether the transfer is lawful, which facilities of the target have room,
    which swaps would make room, which lawful facilities anywhere a reviewer may choose, and
    when the home region is full, the nearest with room and its waiting list; it recommends
    grant, grant-with-swap or deny with reason codes, their rules and legal sources, in words in
    English, Russian and Kazakh. The casework (applicant, date received, notes, the person to
    tell, the convict's language) is stored with it, and the deadline for the answer is the
    date received plus the service's `transfer_answer_days`. Nothing moves yet.
    """
    row = transfers.create_request(
        session=session,
        convict_id=body.convict_id,
        target_region=body.target_region,
        target_facility=body.target_facility,
        ground=body.ground,
        consent=body.consent,
        distance=body.distance,
        casework=body.casework(settings.transfer_answer_days),
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
    """One transfer request: its review (data, and words in `lang`), its casework, its
    decision with links to its notices, and the appeals against earlier decisions."""
    row = store.get_transfer_request(session=session, request_id=request_id)
    return _public(session, row, lang)


def _public(session: SessionDep, row: TransferRequestRow, lang: Language) -> TransferRequestPublic:
    notices = store.notices_of(session=session, request_id=row.request_id)
    appeals = store.appeals_of(session=session, request_id=row.request_id)
    return TransferRequestPublic.from_row(row, lang, notices, appeals)


@router.post("/{request_id}/decisions", responses=responses(404, 409))
def decide_transfer_request(
    session: SessionDep,
    user: TransferReviewer,
    request_id: uuid.UUID,
    body: TransferDecisionCreate,
    lang: Language = Language.EN,
) -> TransferRequestPublic:
    """Decide a request: grant (to the recommended facility or any lawful one with a free place,
    `facility_id`), grant-with-swap, deny, or wait-list (when the review offers the home
    region's waiting list).

    A decision that follows the recommendation takes effect at once; a grant moves the convict
    (a swap: everyone in it) and the occupancy together, refused with 409 when the room is gone
    since the review. A decision against the recommendation, or to another facility, needs a
    written `reason` (else 422) and then waits for a second reviewer (`POST .../approvals`). A
    decision that would break a hard rule is refused with 422 naming the rule. A final decision
    writes its notices (`GET .../notices/{kind}.{html|pdf}`).
    """
    row = transfers.decide(
        session=session,
        request_id=request_id,
        reviewer=user,
        verdict=body.decision,
        reason=body.reason,
        facility_id=body.facility_id,
    )
    return _public(session, row, lang)


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
    return _public(session, row, lang)


@router.post("/{request_id}/appeals", responses=responses(404, 409))
def appeal_transfer_decision(
    session: SessionDep,
    user: TransferReviewer,
    request_id: uuid.UUID,
    body: TransferAppealCreate,
    lang: Language = Language.EN,
) -> TransferRequestPublic:
    """Record an appeal against the request's decision (who, the date received, the grounds).

    The request reopens: it is reviewed afresh against today's population and awaits a decision
    again; the decision set aside is kept with the appeal and in the audit log. A request
    without a final decision has nothing to appeal (409).
    """
    row = transfer_casework.record_appeal(
        session=session,
        request_id=request_id,
        appeal=transfer_casework.Appeal(body.appellant.strip(), body.received, body.grounds),
        actor=user.actor,
    )
    return _public(session, row, lang)


@router.get(
    "/{request_id}/notices/{kind}.{fmt}",
    responses={
        **responses(404),
        200: {"content": {"text/html": {}, "application/pdf": {}}, "description": "the notice"},
    },
    response_class=Response,
)
def read_transfer_notice(
    session: SessionDep,
    _user: TransferReader,
    request_id: uuid.UUID,
    kind: NoticeKind,
    fmt: NoticeFormat,
) -> Response:
    """The notice of the request's latest decision to the convict (`convict`) or to the person
    the convict named (`family`), in the convict's language, as HTML or PDF."""
    notice = transfer_casework.notice_file(
        session=session, request_id=request_id, kind=kind, fmt=fmt
    )
    return Response(
        content=notice.content,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Language": notice.lang},
    )
