"""Transfer campaigns: the best set of transfers over today's population, as advice."""

from __future__ import annotations

from fastapi import APIRouter

from api.canonical import jsonable
from api.deps import Analyst, SessionDep
from api.routes import responses
from api.schemas import TransferCampaignCreate, TransferCampaignPublic
from api.services.campaigns import analyse_campaign
from optimizer.transfers import render_campaign
from optimizer.transfers.limits import CampaignLimits

router = APIRouter(prefix="/transfer-campaigns", tags=["transfer campaigns"])


@router.post("", responses=responses())
def analyse_transfer_campaign(
    session: SessionDep, user: Analyst, body: TransferCampaignCreate
) -> TransferCampaignPublic:
    """The best campaign an escort service can carry out: by default only convicts with an open
    request, each move saving at least `min_saved_km`, within the weekly escort seats over
    `max_weeks` and the cap `max_moves`, no facility pair exchanging convicts both ways, every
    facility within its free places: first the most convicts newly in their home region, then
    the most km saved, then the fewest moves.

    A campaign is advice: nothing moves (each transfer is a request of its own). The analysis is
    recorded in the audit log with its limits and a digest of its moves.
    """
    limits = CampaignLimits(
        min_saved_km=body.min_saved_km,
        max_moves=body.max_moves,
        max_weeks=body.max_weeks,
        scope=body.scope,
    )
    result = analyse_campaign(
        session=session,
        distance=body.distance,
        actor=user.actor,
        limits=limits,
        time_limit_s=body.time_limit_s,
    )
    moves = None
    if body.include_moves:
        page = result.moves.iloc[body.moves_offset : body.moves_offset + body.moves_limit]
        moves = jsonable(page.to_dict(orient="records"))
    return TransferCampaignPublic(
        summary=jsonable(result.as_dict()),
        text=render_campaign(result),
        moves_total=len(result.moves),
        moves=moves,
    )
