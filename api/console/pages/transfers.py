"""The reviewers' screens: the queue of transfer requests, one request with its review, the
decision, and a second reviewer's approval (four eyes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response

from api import store
from api.console.paging import Paging
from api.console.texts import review_text
from api.console.web import (
    PREFIX,
    ConsoleRoute,
    CsrfField,
    Reviewer,
    TransferReader,
    check_form,
    language_of,
    page,
    redirect,
)
from api.db import now, utc
from api.errors import ServiceError
from api.schemas import Language, TransferRequestPublic
from api.services import transfers
from api.status import TransferStatus
from optimizer.domain import DistanceKind, InputError
from optimizer.transfers import Ground, Verdict

router = APIRouter(
    prefix=f"{PREFIX}/transfer-requests", route_class=ConsoleRoute, include_in_schema=False
)


@router.get("")
def queue(
    request: Request,
    user: TransferReader,
    status: Annotated[TransferStatus | None, Query()] = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
) -> Response:
    """Requests newest first, with their age; filter by status (those awaiting approval)."""
    paging = Paging(page_number, 25)
    with request.app.state.store.sessions() as session:
        rows, total = store.list_transfer_requests(
            session=session, status=status, offset=paging.offset, limit=paging.size
        )
    moment = now()
    items = [
        (TransferRequestPublic.from_row(r, Language.EN), _age_days(r.created_at, moment))
        for r in rows
    ]
    context = {
        "items": items,
        "status": status,
        "statuses": list(TransferStatus),
        "paging": paging.of(total, {"status": status.value if status else ""}),
    }
    return page(request, "transfers/queue.html", context)


def _age_days(created: datetime, moment: datetime) -> int:
    return (moment - utc(created)).days


@router.get("/new")
async def new_request(request: Request, user: Reviewer) -> Response:
    return page(request, "transfers/new.html", _new_context())


def _new_context(**values: Any) -> dict[str, Any]:
    return {
        "grounds": list(Ground),
        "distances": list(DistanceKind),
        "form": {"convict_id": "", "target_region": "", "ground": Ground.HOME_REGION.value},
        **values,
    }


@router.post("")
def file_request(
    request: Request,
    user: Reviewer,
    convict_id: Annotated[str, Form(max_length=200)],
    ground: Annotated[Ground, Form()],
    target_region: Annotated[str, Form(max_length=16)] = "",
    consent: Annotated[bool, Form()] = False,
    distance: Annotated[DistanceKind, Form()] = DistanceKind.GREAT_CIRCLE,
    csrf: CsrfField = None,
) -> Response:
    """Review a request against today's population and store it with its review."""
    check_form(user, csrf)
    form = {"convict_id": convict_id, "target_region": target_region, "ground": ground.value}
    try:
        with request.app.state.store.sessions() as session:
            row = transfers.create_request(
                session=session,
                convict_id=convict_id.strip(),
                target_region=target_region or None,
                target_facility=None,
                ground=ground,
                consent=consent,
                distance=distance,
                actor=user.principal.actor,
            )
    except (InputError, ServiceError) as error:
        message = (
            error.detail
            if isinstance(error, ServiceError)
            else "; ".join(p.message for p in error.problems)
        )
        return page(request, "transfers/new.html", _new_context(form=form, refused=message), 422)
    return redirect(f"{PREFIX}/transfer-requests/{row.request_id}")


@router.get("/{request_id}")
def show_request(request: Request, user: TransferReader, request_id: uuid.UUID) -> Response:
    """One request: the review in the chosen language, the decision, the approval."""
    return page(request, "transfers/show.html", _request_context(request, request_id))


def _request_context(request: Request, request_id: uuid.UUID, **values: Any) -> dict[str, Any]:
    with request.app.state.store.sessions() as session:
        row = store.get_transfer_request(session=session, request_id=request_id)
    names = dict(zip(*(request.app.state.region_names[c] for c in ("region", "name")), strict=True))
    return {
        "item": TransferRequestPublic.from_row(row, Language.EN),
        "words": review_text(row.evaluation, language_of(request), names),
        "verdicts": list(Verdict),
        **values,
    }


@router.post("/{request_id}/decision")
def decide(
    request: Request,
    user: Reviewer,
    request_id: uuid.UUID,
    decision: Annotated[Verdict, Form()],
    reason: Annotated[str, Form(max_length=5000)] = "",
    csrf: CsrfField = None,
) -> Response:
    """Decide; against the recommendation a written reason is needed, and a second reviewer."""
    check_form(user, csrf)
    try:
        with request.app.state.store.sessions() as session:
            transfers.decide(
                session=session,
                request_id=request_id,
                reviewer=user.principal,
                verdict=decision,
                reason=reason.strip() or None,
            )
    except ServiceError as refusal:
        context = _request_context(request, request_id, refused=refusal.detail, reason=reason)
        return page(request, "transfers/show.html", context, refusal.status_code)
    return redirect(f"{PREFIX}/transfer-requests/{request_id}")


@router.post("/{request_id}/approval")
def approve(
    request: Request,
    user: Reviewer,
    request_id: uuid.UUID,
    approve: Annotated[bool, Form()],
    csrf: CsrfField = None,
) -> Response:
    """A second reviewer approves (the decision takes effect) or refuses a departing decision."""
    check_form(user, csrf)
    try:
        with request.app.state.store.sessions() as session:
            transfers.approve(
                session=session, request_id=request_id, approver=user.principal, approved=approve
            )
    except ServiceError as refusal:
        context = _request_context(request, request_id, refused=refusal.detail)
        return page(request, "transfers/show.html", context, refusal.status_code)
    return redirect(f"{PREFIX}/transfer-requests/{request_id}")
