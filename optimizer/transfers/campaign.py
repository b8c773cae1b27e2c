"""The transfer campaign: the transfers an escort service can carry out that bring convicts
closer to home, nobody farther, within capacity and every limit of `CampaignLimits`.

Who may move is `candidates.py`'s (open requests and consents by default); the exact integer
model is `campaign_model.py`'s: most convicts newly in their home region, then most km saved,
then fewest moves. The result is checked again against every hard rule and limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from optimizer.allocation.flow import hand_out
from optimizer.domain import DistanceKind
from optimizer.geo import DistanceSource, metre_matrix
from optimizer.transfers.campaign_model import (
    STAGES,
    CampaignArcs,
    campaign_arcs,
    solve_campaign_model,
)
from optimizer.transfers.candidates import candidates
from optimizer.transfers.limits import CampaignLimits, CampaignScope
from optimizer.transfers.phasing import PhasedPlan, phase_campaign, week_table
from optimizer.transfers.placed import (
    BoolArray,
    IntArray,
    Placed,
    RowArray,
    as_distance_source,
)
from optimizer.transfers.summary import (
    campaign_tables,
    check_campaign,
    check_limits,
    check_plan,
)


@dataclass(frozen=True, eq=False)
class CampaignResult:
    """The best transfer campaign under the limits: who moves where, and what it does for each
    home region.

    Optimal lexicographically: first the most convicts newly in their home region, then the
    most km saved, then the fewest moves; every move is lawful and saves at least the minimum
    distance, no facility ends above its capacity, no facility pair exchanges convicts both
    ways, and the cap and the escort seats over the horizon hold.
    """

    convicts: int
    movable: int
    """Convicts the campaign was allowed to move (its scope)."""
    requests: int
    consents: int
    moved: int
    home_before: int
    home_after: int
    total_km_before: float
    total_km_after: float
    into_free_places: int
    """Moves that take a place free today (net growth of the receiving facilities)."""
    into_freed_places: int
    """Moves that take a place freed by someone else moving out (chains)."""
    by_region: pd.DataFrame
    """Per home region: convicts, home_before, home_after, moved, km_saved."""
    moves: pd.DataFrame
    """One row per moved convict, in priority order (earliest request first)."""
    facility_of: RowArray
    """Per convict, the facility row after the campaign."""
    limits: CampaignLimits
    method: str
    optimal: bool
    solve_s: float
    plan: PhasedPlan
    """The moves spread over weeks within the escort seats; `moves` has each one's week."""

    @property
    def weeks(self) -> pd.DataFrame:
        """Per week: moves, newly home, km saved, and the moves leaving each region."""
        return week_table(self.moves)

    @property
    def km_saved(self) -> float:
        return round(self.total_km_before - self.total_km_after, 3)

    @property
    def newly_home(self) -> int:
        return self.home_after - self.home_before

    def as_dict(self, *, include_moves: bool = False) -> dict[str, Any]:
        """JSON-able summary; the moves too when asked (one record per moved convict)."""
        result: dict[str, Any] = {
            "convicts": self.convicts,
            "scope": self.limits.scope.value,
            "what_if": self.limits.scope is CampaignScope.EVERYONE,
            "movable": self.movable,
            "requests": self.requests,
            "consents": self.consents,
            "moved": self.moved,
            "home_before": self.home_before,
            "home_after": self.home_after,
            "newly_home": self.newly_home,
            "total_km_before": self.total_km_before,
            "total_km_after": self.total_km_after,
            "km_saved": self.km_saved,
            "into_free_places": self.into_free_places,
            "into_freed_places": self.into_freed_places,
            "limits": {
                "min_saved_km": self.limits.min_saved_km,
                "max_moves": self.limits.max_moves,
                "max_weeks": self.limits.max_weeks,
                "escort_seats_per_week": dict(sorted(self.limits.escort_seats.items())),
                "one_way_pairs": True,
            },
            "objective": list(STAGES),
            "method": self.method,
            "optimal": self.optimal,
            "weeks_needed": self.plan.weeks,
            "weeks_lower_bound": self.plan.lower_bound,
            "weeks_proven_minimal": self.plan.proven_minimal,
            "phasing_method": self.plan.method,
            "unphased": self.plan.unphased,
            "weeks": _records(self.weeks),
            "by_region": _records(self.by_region),
        }
        if include_moves:
            result["moves"] = _records(self.moves)
        return result


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): v.item() if isinstance(v, np.generic) else v for k, v in row.items()}
        for row in table.to_dict(orient="records")
    ]


def optimise_transfers(
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    regions: pd.DataFrame,
    distance: DistanceKind | DistanceSource = DistanceKind.GREAT_CIRCLE,
    *,
    limits: CampaignLimits | None = None,
    requests: pd.DataFrame | None = None,
    time_limit_s: float = 600.0,
) -> CampaignResult:
    """The best campaign under `limits` over the convicts that `requests` (a candidates table:
    `convict_id,basis,received`) makes movable, or everyone under the what-if scope.

    Raises InputError for a bad candidates table, SolverError if the result breaks a hard rule
    or a limit (a bug).
    """
    limits = limits if limits is not None else CampaignLimits()
    source = as_distance_source(distance)
    placed = Placed.build(population, facilities)
    who = candidates(population, requests, limits.scope)
    groups = _Groups.of(placed, who.movable)
    metres = groups.metres(source, facilities)
    arcs = campaign_arcs(placed, groups.table, metres, groups.table["movable"].to_numpy(), limits)
    solved = solve_campaign_model(placed, arcs, limits, time_limit_s)
    facility_of = _hand_out(groups, arcs, solved.flows, who.priority)
    before = metres[groups.group_of, placed.current]
    after = metres[groups.group_of, facility_of]
    check_campaign(placed, facility_of, before, after)
    check_limits(placed, facility_of, before - after, limits)
    tables = campaign_tables(placed, regions, facility_of, before, after, who.priority)
    moved = int(tables.moved.sum())
    movers = who.priority[facility_of[who.priority] != placed.current[who.priority]]
    plan = phase_campaign(
        placed, movers, facility_of[movers], limits, max(time_limit_s - solved.wall_s, 0.2)
    )
    check_plan(placed, movers, facility_of[movers], plan.week_of, limits)
    return CampaignResult(
        convicts=len(population),
        movable=int(who.movable.sum()),
        requests=who.requests,
        consents=who.consents,
        moved=moved,
        home_before=int(tables.home_before.sum()),
        home_after=int(tables.home_after.sum()),
        total_km_before=round(int(before.sum()) / 1000.0, 3),
        total_km_after=round(int(after.sum()) / 1000.0, 3),
        into_free_places=tables.grown,
        into_freed_places=moved - tables.grown,
        by_region=tables.by_region,
        moves=tables.moves.assign(week=plan.week_of),
        facility_of=facility_of,
        limits=limits,
        method="integer-model",
        optimal=solved.optimal,
        solve_s=round(solved.wall_s, 3),
        plan=plan,
    )


def _hand_out(groups: _Groups, arcs: CampaignArcs, flows: IntArray, priority: RowArray) -> RowArray:
    """Per convict, the facility after the campaign: within a group, movers are handed out in
    priority order (earliest request first), the rest stay."""
    used = flows > 0
    stay = groups.counts.copy()
    np.subtract.at(stay, arcs.group[used], flows[used])
    pieces = np.concatenate([arcs.group[used], np.arange(len(groups))])
    targets = np.concatenate([arcs.facility[used], groups.current])
    amounts = np.concatenate([flows[used], stay])
    keep = amounts > 0
    by_priority = hand_out(
        pieces[keep],
        targets[keep],
        amounts[keep],
        groups.group_of[priority],
        last=(targets == groups.current[pieces])[keep],
    )
    facility_of = np.empty(len(priority), dtype=np.intp)
    facility_of[priority] = by_priority
    return facility_of


@dataclass(frozen=True)
class _Groups:
    """Interchangeable convicts: same class, home region and point, current facility, and
    whether a campaign may move them; each convict with a co-defendant in the population is a
    group of its own."""

    table: pd.DataFrame
    """One row per group: class, home_region, home_lat, home_lon, current, solo, movable,
    count."""
    group_of: RowArray
    """Per convict, its group row."""
    current: RowArray
    counts: IntArray

    @classmethod
    def of(cls, placed: Placed, movable: BoolArray) -> _Groups:
        population = placed.population
        case = placed.shared_cases().to_numpy()
        keyed = pd.DataFrame(
            {
                "class": placed.class_of,
                "home_region": population["home_region"].to_numpy(),
                "home_lat": population["home_lat"].to_numpy(float),
                "home_lon": population["home_lon"].to_numpy(float),
                "current": placed.current,
                "solo": np.where(case != "", np.arange(len(population)), -1),
                "movable": movable,
            }
        )
        grouping = keyed.groupby(list(keyed.columns), sort=True)
        groups = grouping.size().rename("count").reset_index()
        return cls(
            table=groups,
            group_of=grouping.ngroup().to_numpy().astype(np.intp),
            current=groups["current"].to_numpy(np.intp),
            counts=groups["count"].to_numpy(np.int64),
        )

    def __len__(self) -> int:
        return len(self.table)

    def metres(self, source: DistanceSource, facilities: pd.DataFrame) -> IntArray:
        """groups x facilities: metres from each group's home point."""
        return metre_matrix(
            source,
            self.table["home_lat"],
            self.table["home_lon"],
            facilities["lat"],
            facilities["lon"],
        )
