"""The analyst's transfer campaign: a form over the JSON API's request schema, the campaign's
figures, its phased plan (weeks needed, a row and a manifest per week), map and moves in the
page, and the moves as CSV.

A campaign is advice and is not stored: each analysis (the page or its CSV) is computed by the
same service function as `POST /transfer-campaigns` and audited by it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from api import store
from api.console.forms import form_fields, read_form
from api.console.maps import run_map
from api.console.web import PREFIX, Analyst, ConsoleRoute, check_form, language_of, page
from api.errors import NotFoundError
from api.schemas import Language, TransferCampaignCreate
from api.services.campaigns import CampaignAnalysis, analyse_campaign
from api.store import Flow
from optimizer.transfers.manifest import manifest_name

router = APIRouter(
    prefix=f"{PREFIX}/transfer-campaigns", route_class=ConsoleRoute, include_in_schema=False
)

PAGING = frozenset({"include_moves", "moves_offset", "moves_limit", "lang"})
"""The API's paging of moves (the page shows the first moves and the CSV has them all) and its
language (the console's own is the reader's)."""
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
    body = body.model_copy(update={"lang": Language(language_of(request).value)})
    analysis = await run_in_threadpool(_analyse, request, body, user.principal.actor)
    if form.get("format") == "csv":
        return Response(
            analysis.result.moves.to_csv(index=False),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="transfer-campaign.csv"'},
        )
    context = await run_in_threadpool(_result_context, request, analysis, body)
    return page(request, "transfers/campaign.html", {"fields": fields, "form": form, **context})


@router.get("/weeks/{name}")
async def campaign_manifest(request: Request, user: Analyst, name: str, limits: str) -> Response:
    """A week's manifest as CSV, the campaign computed again under the token's limits."""
    try:
        body = TransferCampaignCreate.from_token(limits)
    except ValueError:
        raise NotFoundError("Week of the campaign not found") from None
    analysis = await run_in_threadpool(_analyse, request, body, user.principal.actor)
    manifest = await run_in_threadpool(analysis.manifest_csv, name, body.lang.value)
    if manifest is None:
        raise NotFoundError("Week of the campaign not found")
    return Response(
        manifest,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _analyse(request: Request, body: TransferCampaignCreate, actor: str) -> CampaignAnalysis:
    limits = body.limits()
    with request.app.state.store.sessions() as session:
        return analyse_campaign(
            session=session,
            distance=body.distance,
            actor=actor,
            limits=limits,
            time_limit_s=body.time_limit_s,
        )


def _result_context(
    request: Request, analysis: CampaignAnalysis, body: TransferCampaignCreate
) -> dict[str, Any]:
    result = analysis.result
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
        "text": analysis.text(body.lang.value),
        "text_lang": body.lang.value,
        "weeks": [
            {
                **w,
                "manifest": f"{PREFIX}/transfer-campaigns/weeks/{manifest_name(int(w['week']))}?"
                + urlencode({"limits": body.token()}),
            }
            for w in result.weeks.to_dict(orient="records")
        ],
        "map": run_map(regions, facilities, flows, language_of(request)),
        "region_names": {r.region: r.name for r in regions},
    }
