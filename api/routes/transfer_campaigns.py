"""Transfer campaigns: the best set of transfers over today's population, as advice."""

from __future__ import annotations

from fastapi import APIRouter

from api.canonical import jsonable
from api.deps import Analyst, SessionDep
from api.routes import responses
from api.schemas import TransferCampaignCreate, TransferCampaignPublic
from api.services.campaigns import analyse_campaign
from optimizer.transfers import render_campaign

router = APIRouter(prefix="/transfer-campaigns", tags=["transfer campaigns"])


@router.post("", responses=responses())
def analyse_transfer_campaign(
    session: SessionDep, user: Analyst, body: TransferCampaignCreate
) -> TransferCampaignPublic:
    """The largest set of transfers, exchanges included, that moves convicts strictly closer to
    home, nobody farther, within every facility's free places: first the most convicts in their
    home region, then the most km saved.

    A campaign is advice: nothing moves (each transfer is a request of its own). The analysis is
    recorded in the audit log with a digest of its moves.
    """
    result = analyse_campaign(session=session, distance=body.distance, actor=user.actor)
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
