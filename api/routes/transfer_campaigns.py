"""Transfer campaigns: the best set of transfers over today's population, as advice, with its
phased plan and a manifest per week."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Response
from pydantic import ValidationError

from api.canonical import jsonable
from api.deps import Analyst, SessionDep
from api.errors import NotFoundError
from api.routes import responses
from api.schemas import TransferCampaignCreate, TransferCampaignPublic, TransferCampaignWeek
from api.services.campaigns import CampaignAnalysis, analyse_campaign
from optimizer.transfers.manifest import manifest_name

router = APIRouter(prefix="/transfer-campaigns", tags=["transfer campaigns"])

WEEK_NOT_FOUND = "Week of the campaign not found"
MANIFEST_PATTERN = r"^week-[0-9]{2,4}\.csv$"
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{1,4096}$"


@router.post("", responses=responses())
def analyse_transfer_campaign(
    session: SessionDep, user: Analyst, body: TransferCampaignCreate
) -> TransferCampaignPublic:
    """The best campaign an escort service can carry out: by default only convicts with an open
    request, each move saving at least `min_saved_km`, within the weekly escort seats over
    `max_weeks` and the cap `max_moves`, no facility pair exchanging convicts both ways, every
    facility within its free places: first the most convicts newly in their home region, then
    the most km saved, then the fewest moves.

    The phased plan spreads the moves over the fewest weeks within the weekly escort seats of
    each region, every week lawful at its end; each week links its manifest (CSV).

    A campaign is advice: nothing moves (each transfer is a request of its own). The analysis is
    recorded in the audit log with its limits and a digest of its moves.
    """
    analysis = _analyse(session, user.actor, body)
    result = analysis.result
    moves = None
    if body.include_moves:
        page = result.moves.iloc[body.moves_offset : body.moves_offset + body.moves_limit]
        moves = jsonable(page.to_dict(orient="records"))
    query = urlencode({"limits": body.token()})
    weeks = [
        TransferCampaignWeek(
            week=int(w["week"]),
            moves=int(w["moves"]),
            newly_home=int(w["newly_home"]),
            km_saved=float(w["km_saved"]),
            manifest=f"{router.prefix}/weeks/{manifest_name(int(w['week']))}?{query}",
        )
        for w in result.weeks.to_dict(orient="records")
    ]
    return TransferCampaignPublic(
        summary=jsonable(result.as_dict()),
        text=analysis.text(body.lang.value),
        weeks_needed=result.plan.weeks,
        weeks_proven_minimal=result.plan.proven_minimal,
        weeks=weeks,
        moves_total=len(result.moves),
        moves=moves,
    )


@router.get(
    "/weeks/{name}",
    responses={
        **responses(404),
        200: {"content": {"text/csv": {}}, "description": "the week's manifest"},
    },
    response_class=Response,
)
def read_campaign_manifest(
    session: SessionDep,
    user: Analyst,
    name: Annotated[str, Path(pattern=MANIFEST_PATTERN, description="week-01.csv, ...")],
    limits: Annotated[str, Query(pattern=TOKEN_PATTERN, description="the week link's token")],
) -> Response:
    """A week's manifest of the campaign whose limits the `limits` token carries (the link in
    `POST /transfer-campaigns`' weeks): who travels, from and to which facility, the rail route,
    rail km and km saved. The campaign is computed again under the same limits and audited; a
    token that names no campaign's limits, like a week the plan does not have, is not found."""
    try:
        body = TransferCampaignCreate.from_token(limits)
    except (ValueError, ValidationError):
        raise NotFoundError(WEEK_NOT_FOUND) from None
    analysis = _analyse(session, user.actor, body)
    manifest = analysis.manifest_csv(name, body.lang.value)
    if manifest is None:
        raise NotFoundError(WEEK_NOT_FOUND)
    return Response(
        manifest,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _analyse(session: SessionDep, actor: str, body: TransferCampaignCreate) -> CampaignAnalysis:
    limits = body.limits()
    return analyse_campaign(
        session=session,
        distance=body.distance,
        actor=actor,
        limits=limits,
        time_limit_s=body.time_limit_s,
    )
