"""The reviewers' screens: the queue of transfer requests, one request with its review, the
decision, and a second reviewer's approval (four eyes)."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from pydantic import ValidationError

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
from api.db import now
from api.errors import ServiceError
from api.schemas import Language, TransferRequestCreate, TransferRequestPublic
from api.services import transfer_casework, transfers
from api.services.transfer_notices import MEDIA_TYPES, NoticeFormat
from api.status import TransferStatus
from optimizer.domain import DistanceKind, InputError
from optimizer.transfers import Applicant, Casework, Ground, NoticeKind, Verdict

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
    """Requests newest first, with their age since received, deadline and whether overdue;
    filter by status (those awaiting approval, those on a waiting list)."""
    paging = Paging(page_number, 25)
    with request.app.state.store.sessions() as session:
        rows, total = store.list_transfer_requests(
            session=session, status=status, offset=paging.offset, limit=paging.size
        )
    today = now().date()
    items = [
        (TransferRequestPublic.from_row(r, Language.EN), (today - r.received).days) for r in rows
    ]
    context = {
        "items": items,
        "status": status,
        "statuses": list(TransferStatus),
        "paging": paging.of(total, {"status": status.value if status else ""}),
    }
    return page(request, "transfers/queue.html", context)


@router.get("/new")
async def new_request(request: Request, user: Reviewer) -> Response:
    return page(request, "transfers/new.html", _new_context())


def _new_context(**values: Any) -> dict[str, Any]:
    return {
        "grounds": list(Ground),
        "distances": list(DistanceKind),
        "applicants": list(Applicant),
        "form": {
            "convict_id": "",
            "target_region": "",
            "ground": Ground.HOME_REGION.value,
            "applicant": Applicant.CONVICT.value,
            "received": "",
            "notes": "",
            "named_person": "",
            "language": Language.RU.value,
        },
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
    applicant: Annotated[Applicant, Form()] = Applicant.CONVICT,
    received: Annotated[str, Form(max_length=10)] = "",
    notes: Annotated[str, Form(max_length=4000)] = "",
    named_person: Annotated[str, Form(max_length=300)] = "",
    language: Annotated[Language, Form()] = Language.RU,
    csrf: CsrfField = None,
) -> Response:
    """Review a request against today's population and store it with its review and casework."""
    check_form(user, csrf)
    form = {
        "convict_id": convict_id,
        "target_region": target_region,
        "ground": ground.value,
        "applicant": applicant.value,
        "received": received,
        "notes": notes,
        "named_person": named_person,
        "language": language.value,
    }
    casework = _casework(request, form)
    if isinstance(casework, str):
        return page(request, "transfers/new.html", _new_context(form=form, refused=casework), 422)
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
                casework=casework,
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


def _casework(request: Request, form: dict[str, str]) -> Casework | str:
    """The filed request's casework, or why the form's fields are refused."""
    try:
        return TransferRequestCreate.model_validate(
            {
                "convict_id": form["convict_id"].strip() or "-",
                "applicant": form["applicant"],
                "received": form["received"] or None,
                "notes": form["notes"] or None,
                "named_person": form["named_person"] or None,
                "language": form["language"],
            }
        ).casework(request.app.state.settings.transfer_answer_days)
    except ValidationError as error:
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())


@router.get("/{request_id}")
def show_request(request: Request, user: TransferReader, request_id: uuid.UUID) -> Response:
    """One request: casework, the review in the chosen language, the decision with its
    notices, the approval, and the appeals."""
    return page(request, "transfers/show.html", _request_context(request, request_id))


def _request_context(request: Request, request_id: uuid.UUID, **values: Any) -> dict[str, Any]:
    with request.app.state.store.sessions() as session:
        row = store.get_transfer_request(session=session, request_id=request_id)
        notices = store.notices_of(session=session, request_id=request_id)
        appeals = store.appeals_of(session=session, request_id=request_id)
    names = dict(zip(*(request.app.state.region_names[c] for c in ("region", "name")), strict=True))
    item = TransferRequestPublic.from_row(row, Language.EN, notices, appeals)
    lang = language_of(request)
    return {
        "item": item,
        "words": review_text(row.evaluation, lang, names),
        "verdicts": [v for v in Verdict if v is not Verdict.WAIT_LIST or item.waiting_list_offered],
        "choices": _choices(item, lang.value),
        "today": now().date(),
        **values,
    }


def _choices(item: TransferRequestPublic, lang: str) -> list[dict[str, Any]]:
    """Every lawful facility with a free place, nearest to home first, named in `lang`."""
    names = item.evaluation.get("local_names", {})
    return [
        {
            "facility_id": o["facility_id"],
            "name": (names.get(o["facility_id"], {}).get(lang) or o["name"]),
            "distance_km": o["distance_km"],
            "free_places": o["free_places"],
        }
        for o in item.evaluation.get("choices", [])
        if o["lawful"] and o["free_places"] > 0
    ]


@router.post("/{request_id}/decision")
def decide(
    request: Request,
    user: Reviewer,
    request_id: uuid.UUID,
    decision: Annotated[Verdict, Form()],
    reason: Annotated[str, Form(max_length=5000)] = "",
    facility_id: Annotated[str, Form(max_length=64)] = "",
    csrf: CsrfField = None,
) -> Response:
    """Decide; against the recommendation (or to another facility) a written reason is needed,
    and a second reviewer."""
    check_form(user, csrf)
    try:
        with request.app.state.store.sessions() as session:
            transfers.decide(
                session=session,
                request_id=request_id,
                reviewer=user.principal,
                verdict=decision,
                reason=reason.strip() or None,
                facility_id=facility_id.strip() or None,
            )
    except ServiceError as refusal:
        return _refused(request, request_id, refusal.detail, refusal.status_code, reason=reason)
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
        return _refused(request, request_id, refusal.detail, refusal.status_code)
    return redirect(f"{PREFIX}/transfer-requests/{request_id}")


@router.post("/{request_id}/appeal")
def appeal(
    request: Request,
    user: Reviewer,
    request_id: uuid.UUID,
    appellant: Annotated[str, Form(min_length=1, max_length=300)],
    received: Annotated[datetime.date, Form()],
    grounds: Annotated[str, Form(min_length=1, max_length=4000)],
    csrf: CsrfField = None,
) -> Response:
    """Record an appeal against the decision: the request reopens with a fresh review."""
    check_form(user, csrf)
    if received > now().date():
        return _refused(request, request_id, "the date received cannot be in the future", 422)
    try:
        with request.app.state.store.sessions() as session:
            transfer_casework.record_appeal(
                session=session,
                request_id=request_id,
                appeal=transfer_casework.Appeal(appellant.strip(), received, grounds.strip()),
                actor=user.principal.actor,
            )
    except ServiceError as refusal:
        return _refused(request, request_id, refusal.detail, refusal.status_code)
    return redirect(f"{PREFIX}/transfer-requests/{request_id}")


@router.get("/{request_id}/notices/{kind}.{fmt}")
def notice(
    request: Request,
    user: TransferReader,
    request_id: uuid.UUID,
    kind: NoticeKind,
    fmt: NoticeFormat,
) -> Response:
    """A notice of the latest decision, as stored: HTML or PDF."""
    with request.app.state.store.sessions() as session:
        found = transfer_casework.notice_file(
            session=session, request_id=request_id, kind=kind, fmt=fmt
        )
    return Response(
        found.content, media_type=MEDIA_TYPES[fmt], headers={"Content-Language": found.lang}
    )


def _refused(
    request: Request, request_id: uuid.UUID, detail: str, status_code: int, **values: Any
) -> Response:
    """The request's page again, with why the form was refused."""
    context = _request_context(request, request_id, refused=detail, **values)
    return page(request, "transfers/show.html", context, status_code)
