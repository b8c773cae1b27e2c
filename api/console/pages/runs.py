"""The committee's screens: upload a batch, see the run with its map, browse the placements,
open an explanation, commit after a confirmation."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from api import store
from api.console.maps import run_map
from api.console.paging import Paging
from api.console.texts import explanation_text
from api.console.web import (
    PREFIX,
    Allocator,
    ConsoleRoute,
    CsrfField,
    RunReader,
    check_form,
    language_of,
    page,
    redirect,
)
from api.errors import ConflictError, TooLargeError
from api.schemas import RunPublic
from api.services.allocation import commit_run, create_run
from api.services.run_requests import RunRequest, csv_request
from api.settings import Settings
from optimizer.domain import DistanceKind, InputError, Objective

router = APIRouter(prefix=f"{PREFIX}/runs", route_class=ConsoleRoute, include_in_schema=False)

PAGE_SIZE = 50
PASTED = "pasted rows"


@router.get("")
def list_runs(
    request: Request,
    user: RunReader,
    page_number: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
) -> Response:
    """Runs, newest first."""
    paging = Paging(page_number, 20)
    with request.app.state.store.sessions() as session:
        rows, total = store.list_runs(session=session, offset=paging.offset, limit=paging.size)
    runs = [RunPublic.from_row(r) for r in rows]
    return page(request, "runs/list.html", {"runs": runs, "paging": paging.of(total)})


@router.get("/new")
async def new_run(request: Request, user: Allocator) -> Response:
    return page(request, "runs/new.html", _form_context())


def _form_context(**values: Any) -> dict[str, Any]:
    return {
        "objectives": list(Objective),
        "distances": list(DistanceKind),
        "objective": Objective.HOME_FIRST,
        "distance": DistanceKind.GREAT_CIRCLE,
        "pasted": "",
        **values,
    }


@router.post("")
def submit_run(
    request: Request,
    user: Allocator,
    file: Annotated[UploadFile | None, File()] = None,
    pasted: Annotated[str, Form(max_length=20_000_000)] = "",
    objective: Annotated[Objective, Form()] = Objective.HOME_FIRST,
    distance: Annotated[DistanceKind, Form()] = DistanceKind.GREAT_CIRCLE,
    csrf: CsrfField = None,
) -> Response:
    """Solve an uploaded or pasted batch; a bad one is answered with all its problems, and
    nothing is stored."""
    check_form(user, csrf)
    settings: Settings = request.app.state.settings
    values = {"objective": objective, "distance": distance, "pasted": pasted}
    content, name = _batch_content(file, pasted, settings)
    if content is None:
        return page(request, "runs/new.html", _form_context(missing=True, **values), 422)
    try:
        batch = csv_request(content, name, objective, distance)
        _check_size(batch, settings)
        with request.app.state.store.sessions() as session:
            run, _created = create_run(
                session=session, request=batch, actor=user.principal.actor, key=None
            )
    except InputError as error:
        context = _form_context(problems=error.problems, file=name, **values)
        return page(request, "runs/new.html", context, 422)
    return redirect(f"{PREFIX}/runs/{run.run_id}")


def _batch_content(
    file: UploadFile | None, pasted: str, settings: Settings
) -> tuple[bytes | None, str]:
    """The CSV's bytes and name: the uploaded file if one was chosen, else the pasted rows."""
    if file is not None and file.filename:
        content = file.file.read(settings.max_upload_bytes + 1)
        if len(content) > settings.max_upload_bytes:
            raise TooLargeError(f"Upload exceeds the limit of {settings.max_upload_bytes} bytes")
        return content, file.filename
    if pasted.strip():
        return pasted.encode("utf-8"), PASTED
    return None, PASTED


def _check_size(batch: RunRequest, settings: Settings) -> None:
    if len(batch.raw) > settings.max_batch_convicts:
        raise TooLargeError(f"Batch exceeds the limit of {settings.max_batch_convicts} convicts")


@router.get("/{run_id}")
async def show_run(request: Request, user: RunReader, run_id: uuid.UUID) -> Response:
    """The run: figures, by level and region, unplaced and why, the map of flows."""
    context = await run_in_threadpool(_run_context, request, run_id)
    return page(request, "runs/show.html", context)


def _run_context(request: Request, run_id: uuid.UUID) -> dict[str, Any]:
    with request.app.state.store.sessions() as session:
        run = RunPublic.from_row(store.get_run(session=session, run_id=run_id))
        flows = store.placement_flows(session=session, run_id=run_id)
        regions = store.list_regions(session=session)
        facilities = store.list_facilities(session=session, region=None, security_level=None)
    names = {r.region: r.name for r in regions}
    return {
        "run": run,
        "region_names": names,
        "map": run_map(regions, facilities, flows, language_of(request)),
    }


@router.get("/{run_id}/placements")
def list_placements(
    request: Request,
    user: RunReader,
    run_id: uuid.UUID,
    region: Annotated[str, Query(max_length=16)] = "",
    home_region: Annotated[str, Query(max_length=16)] = "",
    facility_id: Annotated[str, Query(max_length=64)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
) -> Response:
    """A page of the run's placements, filtered on the server."""
    paging = Paging(page_number, PAGE_SIZE)
    with request.app.state.store.sessions() as session:
        run = store.get_run(session=session, run_id=run_id)
        rows, total = store.list_placements(
            session=session,
            run_id=run_id,
            region=region or None,
            home_region=home_region or None,
            facility_id=facility_id or None,
            offset=paging.offset,
            limit=paging.size,
        )
        regions = store.list_regions(session=session)
    filters = {"region": region, "home_region": home_region, "facility_id": facility_id}
    context = {
        "run": run,
        "rows": rows,
        "paging": paging.of(total, filters),
        "filters": filters,
        "regions": regions,
    }
    return page(request, "runs/placements.html", context)


@router.get("/{run_id}/placements/{convict_id}")
def show_explanation(
    request: Request, user: RunReader, run_id: uuid.UUID, convict_id: str
) -> Response:
    """One convict's placement and its explanation in the chosen language."""
    lang = language_of(request)
    with request.app.state.store.sessions() as session:
        placement = store.get_placement(session=session, run_id=run_id, convict_id=convict_id)
    names = request.app.state.network_names
    words = explanation_text(placement.explanation, lang, names["regions"], names["facilities"])
    context = {"run_id": run_id, "placement": placement, "words": words}
    return page(request, "runs/explanation.html", context)


@router.get("/{run_id}/commit")
def confirm_commit(request: Request, user: Allocator, run_id: uuid.UUID) -> Response:
    """What a commit will change, facility by facility, before it is done."""
    return page(request, "runs/commit.html", _commit_context(request, run_id))


def _commit_context(request: Request, run_id: uuid.UUID, **values: Any) -> dict[str, Any]:
    with request.app.state.store.sessions() as session:
        run = RunPublic.from_row(store.get_run(session=session, run_id=run_id))
        bookings = store.run_bookings(session=session, run_id=run_id)
    return {"run": run, "bookings": bookings, **values}


@router.post("/{run_id}/commit")
def submit_commit(
    request: Request, user: Allocator, run_id: uuid.UUID, csrf: CsrfField = None
) -> Response:
    """Commit the run; a refusal (occupancy changed meanwhile) is shown in plain words."""
    check_form(user, csrf)
    try:
        with request.app.state.store.sessions() as session:
            commit_run(session=session, run_id=run_id, actor=user.principal.actor)
    except ConflictError as refusal:
        context = _commit_context(request, run_id, refused=refusal.detail)
        return page(request, "runs/commit.html", context, 409)
    return redirect(f"{PREFIX}/runs/{run_id}?committed=1")
