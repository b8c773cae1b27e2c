"""A run's placements and the explanation of each, in English or Russian."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api import store
from api.deps import RunReader, SessionDep
from api.routes import responses
from api.schemas import ExplanationPublic, Language, PlacementPublic, PlacementsPage

router = APIRouter(prefix="/runs/{run_id}/placements", tags=["placements"])

MAX_OFFSET = 2**31 - 1


@router.get("", responses=responses(404))
def list_placements(
    session: SessionDep,
    _user: RunReader,
    run_id: uuid.UUID,
    region: Annotated[
        str | None, Query(max_length=16, description="region of the facility", examples=["KZ-75"])
    ] = None,
    home_region: Annotated[
        str | None, Query(max_length=16, description="the convict's home region", examples=["KZ-75"])
    ] = None,
    facility_id: Annotated[str | None, Query(max_length=64, examples=["F061"])] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> PlacementsPage:
    """Page through a run's placements in input order, filtered by facility, region or home region."""
    store.get_run(session=session, run_id=run_id)
    rows, total = store.list_placements(
        session=session,
        run_id=run_id,
        region=region,
        home_region=home_region,
        facility_id=facility_id,
        offset=offset,
        limit=limit,
    )
    return PlacementsPage(items=[PlacementPublic.from_row(r) for r in rows], total=total)


@router.get("/{convict_id}", responses=responses(404))
def read_placement(
    session: SessionDep, _user: RunReader, run_id: uuid.UUID, convict_id: str
) -> PlacementPublic:
    """Where one convict of the run was placed, or why not."""
    return PlacementPublic.from_row(store.get_placement(session=session, run_id=run_id, convict_id=convict_id))


@router.get("/{convict_id}/explanation", responses=responses(404))
def read_explanation(
    request: Request,
    session: SessionDep,
    _user: RunReader,
    run_id: uuid.UUID,
    convict_id: str,
    lang: Language = Language.EN,
) -> ExplanationPublic:
    """Why this facility, why not a closer one, what would have to change: as data and in words."""
    from optimizer.explain import render_explanation

    placement = store.get_placement(session=session, run_id=run_id, convict_id=convict_id)
    text = render_explanation(placement.explanation, lang.value, request.app.state.regions)
    return ExplanationPublic.from_row(placement, lang, text)
