"""The analyst's transfer campaign: a form over the JSON API's request schema, the campaign's
figures, map and moves in the page, and the moves as CSV.

A campaign is advice and is not stored: each analysis (the page or its CSV) is computed by the
same service function as `POST /transfer-campaigns` and audited by it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from api import store
from api.console.forms import form_fields, read_form
from api.console.maps import run_map
from api.console.web import PREFIX, Analyst, ConsoleRoute, check_form, language_of, page
from api.schemas import TransferCampaignCreate
from api.services.campaigns import analyse_campaign
from api.store import Flow
from optimizer.transfers import CampaignResult, render_campaign

router = APIRouter(
    prefix=f"{PREFIX}/transfer-campaigns", route_class=ConsoleRoute, include_in_schema=False
)

PAGING = frozenset({"include_moves", "moves_offset", "moves_limit"})
"""The API's paging of moves: the page shows the first moves and the CSV has them all."""
MOVES_SHOWN = 100


@router.get("")
async def new_campaign(request: Request, user: Analyst) -> Response:
    fields = form_fields(TransferCampaignCreate, {}, PAGING)
    return page(request, "transfers/campaign.html", {"fields": fields})


@router.post("")
async def submit_campaign(request: Request, user: Analyst) -> Response:
    """Analyse the best campaign over today's population; `format=csv` answers its moves."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    check_form(user, form.get("csrf"))
    fields = form_fields(TransferCampaignCreate, form, PAGING)
    body, problems = read_form(TransferCampaignCreate, form, fields, {"include_moves": False})
    if body is None:
        context = {"fields": fields, "problems": problems}
        return page(request, "transfers/campaign.html", context, 422)
    assert isinstance(body, TransferCampaignCreate)
    result = await run_in_threadpool(_analyse, request, body, user.principal.actor)
    if form.get("format") == "csv":
        return Response(
            result.moves.to_csv(index=False),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="transfer-campaign.csv"'},
        )
    context = await run_in_threadpool(_result_context, request, result)
    return page(request, "transfers/campaign.html", {"fields": fields, "form": form, **context})


def _analyse(request: Request, body: TransferCampaignCreate, actor: str) -> CampaignResult:
    with request.app.state.store.sessions() as session:
        return analyse_campaign(session=session, distance=body.distance, actor=actor)


def _result_context(request: Request, result: CampaignResult) -> dict[str, Any]:
    with request.app.state.store.sessions() as session:
        regions = store.list_regions(session=session)
        facilities = store.list_facilities(session=session, region=None, security_level=None)
    moved = (
        result.moves.groupby(["home_region", "to_facility"]).size().rename("convicts").reset_index()
    )
    moved = moved.sort_values("convicts", ascending=False, kind="stable")
    flows = [
        Flow(str(home), str(facility), int(count))
        for home, facility, count in moved.itertuples(index=False)
    ]
    return {
        "result": result,
        "by_region": result.by_region.to_dict(orient="records"),
        "moves": result.moves.head(MOVES_SHOWN).to_dict(orient="records"),
        "text": render_campaign(result),
        "map": run_map(regions, facilities, flows, language_of(request)),
        "region_names": {r.region: r.name for r in regions},
    }
