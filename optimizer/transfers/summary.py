"""A campaign checked against every hard rule and summed up: the moves and each home region.

The flow model guarantees these rules; checking them again on the result turns a modelling bug
into a SolverError instead of an unlawful campaign.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.domain import SolverError
from optimizer.transfers.limits import CampaignLimits
from optimizer.transfers.placed import BoolArray, IntArray, Placed, RowArray

COUNT_COLUMNS = ("convicts", "home_before", "home_after", "moved")


@dataclass(frozen=True, eq=False)
class CampaignTables:
    """Per convict whether moved and at home before and after; the moves; per home region."""

    moved: BoolArray
    home_before: BoolArray
    home_after: BoolArray
    grown: int
    """Places taken that were free today: the net growth of the receiving facilities."""
    moves: pd.DataFrame
    by_region: pd.DataFrame


def check_campaign(
    placed: Placed, facility_of: RowArray, before: IntArray, after: IntArray
) -> None:
    """Raise SolverError unless every move is lawful, strictly closer to home and within
    capacity, and no co-defendants end together who were not together before."""
    moved = facility_of != placed.current
    final_count = np.bincount(facility_of, minlength=len(placed.facilities)).astype(np.int64)
    if (after[moved] >= before[moved]).any():
        raise SolverError("a move does not bring the convict closer to home")
    if (final_count > np.maximum(placed.capacity, placed.count)).any():
        raise SolverError("a facility ends above its capacity")
    if not placed.allowed[placed.class_of[moved], facility_of[moved]].all():
        raise SolverError("a move breaks an eligibility rule")
    case = placed.shared_cases().to_numpy()
    in_case = case != ""
    together = pd.DataFrame({"case": case[in_case], "facility": facility_of[in_case]}).duplicated()
    was_together = pd.DataFrame(
        {"case": case[in_case], "facility": placed.current[in_case]}
    ).duplicated()
    if together.sum() > was_together.sum():
        raise SolverError("a move puts co-defendants in one facility")


def check_limits(
    placed: Placed, facility_of: RowArray, saved: IntArray, limits: CampaignLimits
) -> None:
    """Raise SolverError unless every limit of the escort service holds."""
    moved = facility_of != placed.current
    if (saved[moved] < limits.min_saved_m).any():
        raise SolverError("a move saves less than the minimum distance")
    if limits.max_moves is not None and moved.sum() > limits.max_moves:
        raise SolverError("the campaign makes more moves than the cap")
    leaving = placed.facilities["region"].to_numpy()[placed.current[moved]]
    if not all(limits.escorts_from(str(r)) for r in set(leaving)):
        raise SolverError("a move leaves a region whose escort trains have no seats")
    pairs = set(zip(placed.current[moved].tolist(), facility_of[moved].tolist(), strict=True))
    if any((b, a) in pairs for a, b in pairs):
        raise SolverError("two facilities exchange convicts in both directions")
    if limits.max_weeks is not None:
        region = placed.facilities["region"].to_numpy()[placed.current[moved]]
        for r, leaving in zip(*np.unique(region, return_counts=True), strict=True):
            if leaving > limits.seats(str(r)) * limits.max_weeks:
                raise SolverError(f"more moves leave {r} than its escort seats carry")


def campaign_tables(
    placed: Placed,
    regions: pd.DataFrame,
    facility_of: RowArray,
    before: IntArray,
    after: IntArray,
    order: RowArray | None = None,
) -> CampaignTables:
    """The campaign's moves (in `order`, else population order) and its effect per home
    region."""
    home = placed.population["home_region"].to_numpy()
    region = placed.facilities["region"].to_numpy()
    moved = facility_of != placed.current
    home_before = region[placed.current] == home
    home_after = region[facility_of] == home
    final_count = np.bincount(facility_of, minlength=len(placed.facilities)).astype(np.int64)
    return CampaignTables(
        moved=moved,
        home_before=home_before,
        home_after=home_after,
        grown=int(np.maximum(final_count - placed.count, 0).sum()),
        moves=_moves(placed, facility_of, before, after, home_after, order),
        by_region=_by_region(
            regions,
            pd.DataFrame(
                {
                    "region": home,
                    "convicts": 1,
                    "home_before": home_before.astype(np.int64),
                    "home_after": home_after.astype(np.int64),
                    "moved": moved.astype(np.int64),
                    "km_saved": (before - after) / 1000.0,
                }
            ),
        ),
    )


def _moves(
    placed: Placed,
    facility_of: RowArray,
    before: IntArray,
    after: IntArray,
    home_after: BoolArray,
    order: RowArray | None,
) -> pd.DataFrame:
    """One row per moved convict: from where to where, km before and after, home after."""
    rows = np.arange(len(facility_of)) if order is None else order
    moved = rows[facility_of[rows] != placed.current[rows]]
    region = placed.facilities["region"].to_numpy()
    ids = placed.facilities["facility_id"].to_numpy()
    return pd.DataFrame(
        {
            "convict_id": placed.population["convict_id"].to_numpy()[moved],
            "home_region": placed.population["home_region"].to_numpy()[moved],
            "from_facility": ids[placed.current[moved]],
            "from_region": region[placed.current[moved]],
            "to_facility": ids[facility_of[moved]],
            "to_region": region[facility_of[moved]],
            "distance_before_km": np.round(before[moved] / 1000.0, 3),
            "distance_after_km": np.round(after[moved] / 1000.0, 3),
            "saved_km": np.round((before[moved] - after[moved]) / 1000.0, 3),
            "home_after": home_after[moved],
        }
    )


def _by_region(regions: pd.DataFrame, per_convict: pd.DataFrame) -> pd.DataFrame:
    """Per region of the table, in its order: the sums of `per_convict` by home region."""
    by_region = (
        regions[["region", "name"]]
        .merge(
            per_convict.groupby("region", sort=False).sum().reset_index(), on="region", how="left"
        )
        .fillna({"convicts": 0, "home_before": 0, "home_after": 0, "moved": 0, "km_saved": 0.0})
        .astype(dict.fromkeys(COUNT_COLUMNS, np.int64))
    )
    by_region["km_saved"] = by_region["km_saved"].round(1)
    return by_region


def check_plan(
    placed: Placed, movers: RowArray, to: RowArray, week_of: IntArray, limits: CampaignLimits
) -> None:
    """Raise SolverError unless every week's moves fit the escort seats leaving each region
    and every week ends lawful: each facility within its limit, no co-defendants newly
    together."""
    region = placed.facilities["region"].to_numpy()[placed.current[movers]]
    limit = np.maximum(placed.capacity, placed.count)
    case = placed.shared_cases().to_numpy()
    in_case = case != ""
    together_now = pd.DataFrame({"c": case[in_case], "f": placed.current[in_case]}).duplicated()
    where = placed.current.copy()
    for week in range(1, int(week_of.max(initial=0)) + 1):
        this = week_of == week
        if limits.escort_seats:
            for r, leaving in zip(*np.unique(region[this], return_counts=True), strict=True):
                if leaving > limits.seats(str(r)):
                    raise SolverError(f"week {week} takes more escort seats from {r} than it has")
        where[movers[this]] = to[this]
        if (np.bincount(where, minlength=len(limit)) > limit).any():
            raise SolverError(f"a facility ends week {week} above its capacity")
        together = pd.DataFrame({"c": case[in_case], "f": where[in_case]}).duplicated()
        if together.sum() > together_now.sum():
            raise SolverError(f"week {week} ends with co-defendants in one facility")
