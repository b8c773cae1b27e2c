"""Transfer campaigns: the best set of transfers over today's population, as advice."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api import audit
from api.canonical import json_text, jsonable, sha256
from api.db import writing
from api.services.transfer_reviews import read_tables
from optimizer.domain import DistanceKind
from optimizer.transfers import CampaignResult, optimise_transfers


def analyse_campaign(*, session: Session, distance: DistanceKind, actor: str) -> CampaignResult:
    """The best transfer campaign over the current population: advice, so nothing changes but
    the audit log, which records the analysis and a digest of its moves."""
    tables = read_tables(session=session)
    session.rollback()
    result = optimise_transfers(tables.population, tables.facilities, tables.regions, distance)
    moves = json_text(jsonable(result.moves.to_dict(orient="records")))
    with writing(session):
        audit.append(
            session,
            actor,
            "transfer-campaign.analysed",
            {
                "distance": distance.value,
                "convicts": result.convicts,
                "moved": result.moved,
                "home_before": result.home_before,
                "home_after": result.home_after,
                "km_saved": result.km_saved,
                "moves_digest": sha256(moves),
            },
        )
    return result
