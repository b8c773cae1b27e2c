"""Allocation runs: submit a batch (JSON or CSV), read it, commit it into occupancy."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Header, Query, Response, UploadFile, status

from api import store
from api.deps import Allocator, RunReader, SessionDep, SettingsDep
from api.errors import TooLargeError
from api.routes import responses
from api.schemas import RunCreate, RunPublic, RunsPage
from api.services.allocation import commit_run as commit_solved_run
from api.services.allocation import create_run
from api.services.run_requests import csv_request, records_request
from api.settings import Settings
from optimizer.domain import DistanceKind, Objective

router = APIRouter(prefix="/runs", tags=["runs"])

MAX_OFFSET = 2**31 - 1

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description=(
            "Retry safely: the same key with the same request returns the run it created (200); "
            "the same key with a different request is refused with 422."
        ),
    ),
]

_CREATED: dict[int | str, dict[str, Any]] = {
    201: {"description": "The run was solved and stored"},
    200: {"description": "The run an earlier request with this Idempotency-Key created"},
}


def _check_size(count: int, settings: Settings) -> None:
    if count > settings.max_batch_convicts:
        raise TooLargeError(f"Batch exceeds the limit of {settings.max_batch_convicts} convicts")


@router.post("", status_code=status.HTTP_201_CREATED, responses={**_CREATED, **responses(413)})
def submit_run(
    session: SessionDep,
    settings: SettingsDep,
    user: Allocator,
    body: RunCreate,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> RunPublic:
    """Allocate a batch of newly sentenced convicts against the current occupancy.

    The run is solved at once; its placements and explanations are stored but occupancy does
    not change until the run is committed. At most the batch limit (50,000 by default) per run.
    """
    _check_size(len(body.convicts), settings)
    request = records_request([c.record() for c in body.convicts], body.objective, body.distance)
    run, created = create_run(
        session=session, request=request, actor=user.actor, key=idempotency_key
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return RunPublic.from_row(run)


@router.post("/csv", status_code=status.HTTP_201_CREATED, responses={**_CREATED, **responses(413)})
def submit_run_csv(
    session: SessionDep,
    settings: SettingsDep,
    user: Allocator,
    file: Annotated[UploadFile, File(description="CSV in the convicts input contract (UTF-8)")],
    response: Response,
    objective: Annotated[Objective, Query()] = Objective.HOME_FIRST,
    distance: Annotated[DistanceKind, Query()] = DistanceKind.GREAT_CIRCLE,
    idempotency_key: IdempotencyKey = None,
) -> RunPublic:
    """Allocate a batch uploaded as a CSV (the CLI's input contract); options as query fields."""
    content = file.file.read(settings.max_upload_bytes + 1)
    if len(content) > settings.max_upload_bytes:
        raise TooLargeError(f"Upload exceeds the limit of {settings.max_upload_bytes} bytes")
    name = file.filename or "convicts.csv"
    request = csv_request(content, name, objective, distance)
    _check_size(len(request.raw), settings)
    run, created = create_run(
        session=session, request=request, actor=user.actor, key=idempotency_key
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return RunPublic.from_row(run)


@router.get("", responses=responses())
def list_runs(
    session: SessionDep,
    _user: RunReader,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> RunsPage:
    """Page through runs, newest first."""
    rows, total = store.list_runs(session=session, offset=offset, limit=limit)
    return RunsPage(items=[RunPublic.from_row(r) for r in rows], total=total)


@router.get("/{run_id}", responses=responses(404))
def read_run(session: SessionDep, _user: RunReader, run_id: uuid.UUID) -> RunPublic:
    """Return one allocation run with its summary and run-level facts."""
    return RunPublic.from_row(store.get_run(session=session, run_id=run_id))


@router.post("/{run_id}/commit", responses=responses(404, 409))
def commit_run(session: SessionDep, user: Allocator, run_id: uuid.UUID) -> RunPublic:
    """Add the run's placements to the facilities' occupancy, all at once.

    Refused with 409 when any facility the run places convicts in has changed since the run was
    solved (then nothing changes: solve again), or when the run is committed already.
    """
    run = commit_solved_run(session=session, run_id=run_id, actor=user.actor)
    return RunPublic.from_row(run)
