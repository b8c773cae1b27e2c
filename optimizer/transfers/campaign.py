"""The transfer campaign: the largest set of transfers, exchanges included, that brings convicts
strictly closer to home, nobody farther, within capacity.

A min-cost flow over groups of interchangeable convicts (same class, home point and current
facility): each group may stay or move to a lawful facility strictly closer to its home;
facilities hold at most their capacity. Costs are metres plus a weight per convict outside the
home region larger than any total distance, so the optimum first places the most convicts at
home and then saves the most km. Co-defendants are single convicts whose moves pass through a
unit place per case and facility, which keeps them apart exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.allocation.flow import hand_out
from optimizer.domain import DistanceKind, SolverError
from optimizer.geo import DistanceSource, metre_matrix
from optimizer.transfers.placed import (
    BoolArray,
    IntArray,
    Placed,
    RowArray,
    as_distance_source,
)
from optimizer.transfers.summary import campaign_tables, check_campaign


@dataclass(frozen=True, eq=False)
class CampaignResult:
    """The best transfer campaign: who moves where, and what it does for each home region.

    Optimal lexicographically: first the most convicts in their home region, then the most km
    saved; every move is lawful and strictly closer to home, nobody moves farther, and no
    facility ends above its capacity.
    """

    convicts: int
    moved: int
    home_before: int
    home_after: int
    total_km_before: float
    total_km_after: float
    into_free_places: int
    """Moves that take a place free today (net growth of the receiving facilities)."""
    into_freed_places: int
    """Moves that take a place freed by someone else moving out (exchanges and chains)."""
    by_region: pd.DataFrame
    """Per home region: convicts, home_before, home_after, moved, km_saved."""
    moves: pd.DataFrame
    """One row per moved convict, in population order."""
    facility_of: RowArray
    """Per convict, the facility row after the campaign."""
    method: str
    optimal: bool

    @property
    def km_saved(self) -> float:
        return round(self.total_km_before - self.total_km_after, 3)

    def as_dict(self, *, include_moves: bool = False) -> dict[str, Any]:
        """JSON-able summary; the moves too when asked (one record per moved convict)."""
        result: dict[str, Any] = {
            "convicts": self.convicts,
            "moved": self.moved,
            "home_before": self.home_before,
            "home_after": self.home_after,
            "total_km_before": self.total_km_before,
            "total_km_after": self.total_km_after,
            "km_saved": self.km_saved,
            "into_free_places": self.into_free_places,
            "into_freed_places": self.into_freed_places,
            "objective": ["max-home-region", "max-km-saved"],
            "method": self.method,
            "optimal": self.optimal,
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
) -> CampaignResult:
    """The largest set of transfers, exchanges included, that brings convicts closer to home.

    Most convicts in their home region first, then most km saved; see the module docstring
    for the model. Raises SolverError if the flow or its result breaks a hard rule (a bug).
    """
    source = as_distance_source(distance)
    placed = Placed.build(population, facilities)
    groups = _Groups.of(placed)
    metres = groups.metres(source, facilities)
    arc, cost = _arcs(placed, groups, metres)
    network = _Network.of(placed, groups, arc, cost)
    flows = network.solve()
    used = flows > 0
    group, target = network.tail[used], network.facility[used]
    # Each group's flows go to its convicts in population order, movers first.
    facility_of = hand_out(
        group, target, flows[used], groups.group_of, last=target == groups.current[group]
    )
    before = metres[groups.group_of, placed.current]
    after = metres[groups.group_of, facility_of]
    check_campaign(placed, facility_of, before, after)
    tables = campaign_tables(placed, regions, facility_of, before, after)
    moved = int(tables.moved.sum())
    return CampaignResult(
        convicts=len(population),
        moved=moved,
        home_before=int(tables.home_before.sum()),
        home_after=int(tables.home_after.sum()),
        total_km_before=round(int(before.sum()) / 1000.0, 3),
        total_km_after=round(int(after.sum()) / 1000.0, 3),
        into_free_places=tables.grown,
        into_freed_places=moved - tables.grown,
        by_region=tables.by_region,
        moves=tables.moves,
        facility_of=facility_of,
        method="min-cost-flow",
        optimal=True,
    )


@dataclass(frozen=True)
class _Groups:
    """Interchangeable convicts: same class, home region and point, current facility; each
    convict with a co-defendant in the population is a group of its own."""

    table: pd.DataFrame
    """One row per group: class, home_region, home_lat, home_lon, current, solo, count."""
    group_of: RowArray
    """Per convict, its group row."""
    current: RowArray
    counts: IntArray

    @classmethod
    def of(cls, placed: Placed) -> _Groups:
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


def _arcs(placed: Placed, groups: _Groups, metres: IntArray) -> tuple[BoolArray, IntArray]:
    """Where each group may end (stay, or lawful and strictly closer), and at what cost."""
    n_groups = len(groups)
    stay = metres[np.arange(n_groups), groups.current]
    arc = placed.allowed[groups.table["class"].to_numpy(np.intp)] & (metres < stay[:, None])
    arc[np.arange(n_groups), groups.current] = True
    facility_region = placed.facilities["region"].to_numpy()
    away = groups.table["home_region"].to_numpy()[:, None] != facility_region[None, :]
    away_weight = len(placed.population) * int(metres[arc].max(initial=0)) + 1
    return arc, metres + away_weight * away.astype(np.int64)


@dataclass(frozen=True)
class _Network:
    """The flow network: groups -> (case places ->) facilities -> sink."""

    tail: RowArray
    """Per group arc, its group."""
    facility: RowArray
    """Per group arc, its facility."""
    tails: npt.NDArray[np.int32]
    heads: npt.NDArray[np.int32]
    capacities: IntArray
    costs: IntArray
    supplies: IntArray

    @classmethod
    def of(cls, placed: Placed, groups: _Groups, arc: BoolArray, cost: IntArray) -> _Network:
        n_groups, n_fac = len(groups), len(placed.facilities)
        tail, facility = np.nonzero(arc)
        case_node, node_facility, members_there = _case_places(placed, groups, tail, facility)
        n_case_nodes = len(node_facility)
        sink = n_groups + n_fac + n_case_nodes
        head = n_groups + facility
        solo = groups.table["solo"].to_numpy()[tail] >= 0
        head[solo] = n_groups + n_fac + case_node
        tails = np.concatenate(
            [tail, n_groups + n_fac + np.arange(n_case_nodes), n_groups + np.arange(n_fac)]
        )
        heads = np.concatenate([head, n_groups + node_facility, np.full(n_fac, sink)])
        capacities = np.concatenate(
            [
                groups.counts[tail],
                np.maximum(members_there, 1),
                np.maximum(placed.capacity, placed.count),
            ]
        )
        costs = np.concatenate([cost[tail, facility], np.zeros(n_case_nodes + n_fac)])
        supplies = np.concatenate(
            [groups.counts, np.zeros(n_fac + n_case_nodes), [-len(placed.population)]]
        )
        return cls(
            tail=tail.astype(np.intp),
            facility=facility.astype(np.intp),
            tails=tails.astype(np.int32),
            heads=heads.astype(np.int32),
            capacities=capacities.astype(np.int64),
            costs=costs.astype(np.int64),
            supplies=supplies.astype(np.int64),
        )

    def solve(self) -> IntArray:
        """The optimal flow on each group arc (SolverError if the solver fails)."""
        from ortools.graph.python import min_cost_flow

        flow = min_cost_flow.SimpleMinCostFlow()
        arc_ids = flow.add_arcs_with_capacity_and_unit_cost(
            self.tails, self.heads, self.capacities, self.costs
        )
        flow.set_nodes_supplies(np.arange(len(self.supplies), dtype=np.int32), self.supplies)
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise SolverError(f"min-cost flow ended with status {status}")
        return np.asarray(flow.flows(arc_ids[: len(self.tail)]), dtype=np.int64)


def _case_places(
    placed: Placed, groups: _Groups, tail: RowArray, facility: RowArray
) -> tuple[RowArray, RowArray, IntArray]:
    """The unit places per case and facility that keep co-defendants apart.

    Per arc of a co-defendant, its case place; per case place, its facility and how many of the
    case serve there today (a place already shared stays open to them).
    """
    case = placed.shared_cases().to_numpy()
    member = groups.table["solo"].to_numpy()[tail]
    solo = member >= 0
    case_places = pd.DataFrame({"case": case[member[solo]], "facility": facility[solo]})
    case_node = case_places.groupby(["case", "facility"], sort=True).ngroup().to_numpy(np.intp)
    first_of_node = np.unique(case_node, return_index=True)[1]
    members_now = pd.DataFrame({"case": case[case != ""], "facility": placed.current[case != ""]})
    members_now = members_now.value_counts().rename("members").reset_index()
    node_places = case_places.iloc[first_of_node].merge(
        members_now, on=["case", "facility"], how="left"
    )
    node_facility: RowArray = node_places["facility"].to_numpy(np.intp)
    members_there: IntArray = node_places["members"].fillna(0).to_numpy(np.int64)
    return np.asarray(case_node, dtype=np.intp), node_facility, members_there
