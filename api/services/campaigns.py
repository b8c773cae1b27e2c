"""Transfer campaigns: the best set of transfers over today's population under an escort
service's limits, as advice.

Who may move: by default the convicts with an open transfer request (reviewed, not yet
decided), in order of the date received; an analyst may widen it to everyone for a what-if.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import audit
from api.canonical import json_text, jsonable, sha256
from api.db import writing
from api.services.transfer_reviews import read_tables
from api.status import TransferStatus
from api.tables import TransferRequestRow
from optimizer.domain import DistanceKind
from optimizer.transfers import CampaignResult, optimise_transfers
from optimizer.transfers.campaign_text import campaign_text
from optimizer.transfers.limits import CampaignLimits, read_escort_seats
from optimizer.transfers.manifest import RailRoutes, manifest_name, manifests

OPEN = (
    TransferStatus.EVALUATED.value,
    TransferStatus.AWAITING_APPROVAL.value,
    TransferStatus.WAIT_LISTED.value,
)


def open_requests(*, session: Session) -> pd.DataFrame:
    """The candidates of a campaign: each convict with an open request or a place on a waiting
    list, its earliest date received."""
    rows = session.execute(
        select(TransferRequestRow.convict_id, TransferRequestRow.received).where(
            TransferRequestRow.status.in_(OPEN)
        )
    ).all()
    table = pd.DataFrame(
        {
            "convict_id": [r.convict_id for r in rows],
            "basis": "request",
            "received": [r.received.isoformat() for r in rows],
        }
    )
    table = table.sort_values(["received", "convict_id"], kind="stable")
    return table.drop_duplicates("convict_id").reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class CampaignAnalysis:
    """A campaign with the tables it was computed on, to tell it and to list its manifests."""

    result: CampaignResult
    regions: pd.DataFrame
    facilities: pd.DataFrame

    def text(self, lang: str = "en") -> str:
        return campaign_text(self.result, self.regions, self.facilities, lang)

    def manifest(self, week: int, lang: str = "en") -> pd.DataFrame | None:
        """The week's manifest (names in `lang`), None for a week the plan does not have."""
        if not 1 <= week <= self.result.plan.weeks:
            return None
        by_week = manifests(
            self.result.moves[self.result.moves["week"] == week],
            self.facilities,
            RailRoutes.read(),
            lang,
        )
        return by_week.get(week)

    def manifest_csv(self, name: str, lang: str = "en") -> str | None:
        """The CSV text of the manifest called `name` (`week-01.csv`, ...), None for no such."""
        weeks = range(1, self.result.plan.weeks + 1)
        week = next((w for w in weeks if manifest_name(w) == name), 0)
        manifest = self.manifest(week, lang)
        return None if manifest is None else manifest.to_csv(index=False, lineterminator="\n")


def analyse_campaign(
    *,
    session: Session,
    distance: DistanceKind,
    actor: str,
    limits: CampaignLimits | None = None,
    time_limit_s: float = 600.0,
) -> CampaignAnalysis:
    """The best transfer campaign over the current population: advice, so nothing changes but
    the audit log, which records the analysis, its limits and a digest of its moves. The
    escort seats are the bundled table's unless `limits` brings its own."""
    tables = read_tables(session=session)
    requests = open_requests(session=session)
    session.rollback()
    limits = limits or CampaignLimits()
    if not limits.escort_seats:
        seats = read_escort_seats(None, tables.regions)
        limits = CampaignLimits(
            min_saved_km=limits.min_saved_km,
            escort_seats=seats,
            max_moves=limits.max_moves,
            max_weeks=limits.max_weeks,
            scope=limits.scope,
        )
    result = optimise_transfers(
        tables.population,
        tables.facilities,
        tables.regions,
        distance,
        limits=limits,
        requests=requests,
        time_limit_s=time_limit_s,
    )
    moves = json_text(jsonable(result.moves.to_dict(orient="records")))
    with writing(session):
        audit.append(
            session,
            actor,
            "transfer-campaign.analysed",
            {
                "distance": distance.value,
                "scope": limits.scope.value,
                "min_saved_km": limits.min_saved_km,
                "max_moves": limits.max_moves,
                "max_weeks": limits.max_weeks,
                "convicts": result.convicts,
                "movable": result.movable,
                "moved": result.moved,
                "home_before": result.home_before,
                "home_after": result.home_after,
                "km_saved": result.km_saved,
                "weeks_needed": result.plan.weeks,
                "moves_digest": sha256(moves),
            },
        )
    return CampaignAnalysis(result, tables.regions, tables.facilities)
