"""Build and solve the placement model; return a Solution with everything explanations need.

Convicts that are interchangeable (same class and same home point) form groups. Placement is
then a min-cost flow: groups -> eligible facilities -> sink, with a costly "unplaced" arc per
group so that every supply is routed and as many convicts as possible are placed. Costs are
integers (metres) in three separated tiers, so one flow solves the lexicographic objective:

    unplaced convicts  >>  convicts outside their home region (home-first only)  >>  distance

Each tier's weight exceeds the largest change the lower tiers can make along a simple cycle of
the residual graph, so a flow optimal for the weighted cost is lexicographically optimal.

Large instances start from each group's few nearest facilities and add arcs with a negative
reduced cost until none is left (column generation): the final flow is optimal over all
eligible arcs, which the node potentials certify.

When co-defendants (same `case_id`) would share a facility, an exact CP-SAT model over the same
groups, with case members as single convicts, takes over.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.domain import Objective, SolveOptions, SolverError, UnplacedReason
from optimizer.geo import DistanceSource, distance_source
from optimizer.rules import convict_classes, eligibility

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

NEAREST_ARCS = 4
"""Arcs per group in the first round of column generation on large instances."""

FULL_ARCS_LIMIT = 400_000
"""Below this many eligible arcs, the model takes them all at once."""

Method = Literal["min-cost-flow", "cp-sat", "flow-repair"]
"""How a solution was found; "flow-repair" is lawful but not proven optimal."""


@dataclass
class ClassBlock:
    """The groups of one convict class and their (identical) eligible facilities, densely."""

    groups: npt.NDArray[np.intp]
    facilities: npt.NDArray[np.intp]
    distance_m: IntArray
    """groups x facilities, metres."""
    cost: IntArray
    """distance plus the home-region penalty where it applies."""
    flow: IntArray = field(init=False)
    in_model: npt.NDArray[np.bool_] = field(init=False)

    def __post_init__(self) -> None:
        self.flow = np.zeros_like(self.cost)
        self.in_model = np.zeros(self.cost.shape, dtype=bool)


@dataclass
class Solution:
    """An allocation and the facts about it that explanations and audits rely on."""

    convicts: pd.DataFrame
    facilities: pd.DataFrame
    options: SolveOptions
    placements: pd.DataFrame
    """convict_id, facility_id, distance_km, unplaced_reason; input order."""
    facility_of: npt.NDArray[np.intp]
    """Per convict, the facility's row in `facilities`, or -1."""
    distance_m: IntArray
    """Per convict, metres to the assigned facility (0 when unplaced)."""
    groups: pd.DataFrame
    """class, home_region, home_lat, home_lon, count."""
    group_of: npt.NDArray[np.intp]
    classes: pd.DataFrame
    blocks: list[ClassBlock]
    free: IntArray
    """Free places per facility before this run."""
    used: IntArray
    """New placements per facility in this run."""
    home_penalty: int
    unplaced_penalty: int
    method: Method
    optimal: bool
    potentials: Potentials | None = None

    @property
    def placed(self) -> int:
        return int((self.facility_of >= 0).sum())

    @property
    def total_distance_m(self) -> int:
        return int(self.distance_m.sum())

    @property
    def placed_home(self) -> int:
        placed = self.facility_of >= 0
        regions = self.facilities["region"].to_numpy()[self.facility_of[placed]]
        return int((regions == self.convicts["home_region"].to_numpy()[placed]).sum())

    def block_of_group(self, group: int) -> tuple[ClassBlock, int]:
        """The class block holding a group and the group's row in it."""
        block = self.blocks[int(self.groups["class"].to_numpy()[group])]
        return block, int(np.searchsorted(block.groups, group))


@dataclass
class Potentials:
    """Shortest-path facts of the optimal residual graph, reduced to facilities and the sink.

    `between[u, v]` is the cheapest residual path from node u to node v, where nodes are the
    facilities (0..F-1) followed by the sink (F); costs are in the model's weighted units.
    """

    between: FloatArray
    facility: FloatArray
    sink: float

    @property
    def sink_node(self) -> int:
        return len(self.facility)


def solve(
    convicts: pd.DataFrame,
    facilities: pd.DataFrame,
    options: SolveOptions | None = None,
    distances: DistanceSource | None = None,
) -> Solution:
    """Allocate validated convicts to validated facilities, optimally."""
    options = options or SolveOptions()
    distances = distances or distance_source(options.distance)
    classes, class_of = convict_classes(convicts)
    cases = _shared_cases(convicts)
    groups, group_of = _group_interchangeable(convicts, class_of, cases)
    allowed = eligibility(classes, facilities)
    free = (facilities["capacity"] - facilities["occupied"]).to_numpy(np.int64)
    blocks, max_distance = _class_blocks(groups, classes, allowed, facilities, distances)
    home_penalty, unplaced_penalty = _tier_weights(len(facilities), max_distance, options.objective)
    _apply_home_penalty(blocks, groups, facilities, home_penalty)

    counts = groups["count"].to_numpy(np.int64)
    per_arc = _arc_capacities(groups)
    unplaced = _solve_flow(blocks, counts, per_arc, free, unplaced_penalty)
    potentials: Potentials | None
    potentials = _potentials(blocks, unplaced, per_arc, free, unplaced_penalty, all_arcs=True)
    method: Method = "min-cost-flow"
    optimal = True
    facility_of = _disaggregate(blocks, unplaced, group_of, len(groups))

    if cases is not None and _co_defendants_share(cases, facility_of):
        from optimizer.allocation.separation import Relaxation, solve_with_separation

        relaxation = Relaxation(
            facility_of=facility_of,
            flows=[b.flow.copy() for b in blocks],
            unplaced=unplaced,
            group_potential=_group_potentials(
                blocks, unplaced, potentials, unplaced_penalty, len(groups)
            ),
            facility_potential=potentials.facility,
            sink_potential=potentials.sink,
            unplaced_penalty=unplaced_penalty,
            facility_region=facilities["region"].to_numpy(),
        )
        facility_of, optimal, method = solve_with_separation(
            groups, group_of, blocks, counts, per_arc, free, cases, options, relaxation
        )
        potentials = None

    distance_m = _convict_distances(blocks, groups, group_of, facility_of)
    used = np.bincount(facility_of[facility_of >= 0], minlength=len(facilities)).astype(np.int64)
    placements = _placements_table(
        convicts, facilities, facility_of, distance_m, allowed, class_of, free - used, cases
    )
    return Solution(
        convicts=convicts,
        facilities=facilities,
        options=options,
        placements=placements,
        facility_of=facility_of,
        distance_m=distance_m,
        groups=groups,
        group_of=group_of,
        classes=classes,
        blocks=blocks,
        free=free,
        used=used,
        home_penalty=home_penalty,
        unplaced_penalty=unplaced_penalty,
        method=method,
        optimal=optimal,
        potentials=potentials,
    )


def _group_interchangeable(
    convicts: pd.DataFrame, class_of: npt.NDArray[np.intp], cases: pd.Series | None
) -> tuple[pd.DataFrame, npt.NDArray[np.intp]]:
    """Groups of interchangeable convicts: same class, same home point, same shared case.

    Co-defendants of one case who are otherwise alike form a group of their own whose arcs
    carry one convict each, so the flow itself keeps them in different facilities.
    """
    keyed = pd.DataFrame(
        {
            "class": class_of,
            "home_region": convicts["home_region"].to_numpy(),
            "home_lat": convicts["home_lat"].to_numpy(),
            "home_lon": convicts["home_lon"].to_numpy(),
            "case": cases.to_numpy() if cases is not None else "",
        }
    )
    key = ["class", "home_region", "home_lat", "home_lon", "case"]
    group_of = keyed.groupby(key, sort=True).ngroup().to_numpy().astype(np.intp)
    groups = keyed.groupby(key, sort=True).size().rename("count").reset_index()
    return groups, group_of


def _class_blocks(
    groups: pd.DataFrame,
    classes: pd.DataFrame,
    allowed: npt.NDArray[np.bool_],
    facilities: pd.DataFrame,
    distances: DistanceSource,
) -> tuple[list[ClassBlock], int]:
    facility_lat = facilities["lat"].to_numpy(float)
    facility_lon = facilities["lon"].to_numpy(float)
    group_class = groups["class"].to_numpy()
    boundaries = np.searchsorted(group_class, np.arange(len(classes) + 1))
    blocks = []
    max_distance = 1
    for k in range(len(classes)):
        members = np.arange(boundaries[k], boundaries[k + 1], dtype=np.intp)
        eligible = np.flatnonzero(allowed[k]).astype(np.intp)
        km = distances.matrix(
            groups["home_lat"].to_numpy(float)[members],
            groups["home_lon"].to_numpy(float)[members],
            facility_lat[eligible],
            facility_lon[eligible],
        )
        metres = np.rint(km * 1000.0).astype(np.int64).reshape(len(members), len(eligible))
        if metres.size:
            max_distance = max(max_distance, int(metres.max()))
        blocks.append(ClassBlock(members, eligible, metres, metres.copy()))
    return blocks, max_distance


def _arc_capacities(groups: pd.DataFrame) -> IntArray:
    """Per group, what one arc to a facility may carry: all of it, or one co-defendant."""
    counts = groups["count"].to_numpy(np.int64)
    return np.where(groups["case"].to_numpy() != "", np.minimum(counts, 1), counts)


def _tier_weights(n_facilities: int, max_distance: int, objective: Objective) -> tuple[int, int]:
    """Weights for the home and unplaced tiers that keep the three tiers apart.

    A simple residual cycle alternates groups with facilities or the sink, so it has at most
    2 * (F + 2) arcs; each tier's weight is at least twice what the lower tiers can add up to
    along it, which also lets `split_cost` read the tiers back by rounding.
    """
    arcs = 2 * (n_facilities + 2)
    home = 2 * arcs * max_distance + 1 if objective is Objective.HOME_FIRST else 0
    unplaced = 2 * arcs * (home + max_distance) + 1
    return home, unplaced


def split_cost(cost: float, solution: Solution) -> tuple[int, int, int]:
    """A weighted cost change as (unplaced convicts, convicts away from home, metres)."""
    unplaced = round(cost / solution.unplaced_penalty)
    rest = cost - unplaced * solution.unplaced_penalty
    away = round(rest / solution.home_penalty) if solution.home_penalty else 0
    return int(unplaced), int(away), round(rest - away * solution.home_penalty)


def _apply_home_penalty(
    blocks: list[ClassBlock], groups: pd.DataFrame, facilities: pd.DataFrame, penalty: int
) -> None:
    if penalty == 0:
        return
    home = groups["home_region"].to_numpy()
    region = facilities["region"].to_numpy()
    for block in blocks:
        away = home[block.groups][:, None] != region[block.facilities][None, :]
        block.cost = block.distance_m + penalty * away.astype(np.int64)


def _solve_flow(
    blocks: list[ClassBlock],
    counts: IntArray,
    per_arc: IntArray,
    free: IntArray,
    unplaced_penalty: int,
) -> IntArray:
    """Column generation over the blocks; leaves flows in them, returns unplaced per group."""
    n_arcs = sum(b.cost.size for b in blocks)
    prices = (
        _coarse_prices(blocks, counts, free, unplaced_penalty) if n_arcs > FULL_ARCS_LIMIT else None
    )
    for block in blocks:
        if prices is None or block.cost.shape[1] <= NEAREST_ARCS:
            block.in_model[:] = True
        else:
            priced = block.cost - prices[block.facilities][None, :]
            nearest = np.argpartition(priced, NEAREST_ARCS - 1, axis=1)[:, :NEAREST_ARCS]
            np.put_along_axis(block.in_model, nearest, True, axis=1)
    for round_number in range(1, 1000):
        unplaced = _min_cost_flow(blocks, counts, per_arc, free, unplaced_penalty)
        potentials = _potentials(blocks, unplaced, per_arc, free, unplaced_penalty, all_arcs=False)
        group_potential = _group_potentials(
            blocks, unplaced, potentials, unplaced_penalty, len(counts)
        )
        added = 0
        for block in blocks:
            reduced = (
                block.cost
                + group_potential[block.groups][:, None]
                - potentials.facility[block.facilities][None, :]
            )
            entering = (reduced < 0) & ~block.in_model
            added += int(entering.sum())
            block.in_model |= entering
        logger.debug("column generation round %d: %d arcs entered", round_number, added)
        if added == 0:
            return unplaced
    raise SolverError("column generation did not converge")


def _coarse_prices(
    blocks: list[ClassBlock], counts: IntArray, free: IntArray, unplaced_penalty: int
) -> FloatArray:
    """Facility potentials of a coarse problem: each class's groups merged by nearest facility.

    Arcs chosen by cost minus these prices are close to the optimum's, so column generation on
    a large instance starts near the end and adds few arcs.
    """
    coarse: list[ClassBlock] = []
    coarse_counts: list[IntArray] = []
    start = 0
    for block in blocks:
        weight = counts[block.groups].astype(np.float64)
        if block.cost.shape[1] == 0:
            cluster_cost = np.zeros((0, 0), dtype=np.int64)
            cluster_count = np.zeros(0, dtype=np.int64)
        else:
            _, cluster = np.unique(block.cost.argmin(axis=1), return_inverse=True)
            cluster_count = np.bincount(cluster, weights=weight).astype(np.int64)
            sums = np.zeros((len(cluster_count), block.cost.shape[1]))
            np.add.at(sums, cluster, block.cost * weight[:, None])
            cluster_cost = np.rint(sums / cluster_count[:, None]).astype(np.int64)
        members = np.arange(start, start + len(cluster_count), dtype=np.intp)
        start += len(cluster_count)
        coarse.append(ClassBlock(members, block.facilities, cluster_cost, cluster_cost))
        coarse[-1].in_model[:] = True
        coarse_counts.append(cluster_count)
    all_counts = np.concatenate(coarse_counts) if coarse_counts else np.zeros(0, dtype=np.int64)
    unplaced = _min_cost_flow(coarse, all_counts, all_counts, free, unplaced_penalty)
    return _potentials(coarse, unplaced, all_counts, free, unplaced_penalty, all_arcs=True).facility


def _min_cost_flow(
    blocks: list[ClassBlock],
    counts: IntArray,
    per_arc: IntArray,
    free: IntArray,
    unplaced_penalty: int,
) -> IntArray:
    from ortools.graph.python import min_cost_flow

    n_groups, n_facilities = len(counts), len(free)
    sink = n_groups + n_facilities
    rows = [np.nonzero(b.in_model) for b in blocks]
    tails = np.concatenate(
        [b.groups[r] for b, (r, _) in zip(blocks, rows, strict=True)]
        + [np.arange(n_groups), n_groups + np.arange(n_facilities)]
    ).astype(np.int32)
    heads = np.concatenate(
        [n_groups + b.facilities[c] for b, (_, c) in zip(blocks, rows, strict=True)]
        + [np.full(n_groups, sink), np.full(n_facilities, sink)]
    ).astype(np.int32)
    capacities = np.concatenate(
        [per_arc[b.groups[r]] for b, (r, _) in zip(blocks, rows, strict=True)] + [counts, free]
    ).astype(np.int64)
    costs = np.concatenate(
        [b.cost[r, c] for b, (r, c) in zip(blocks, rows, strict=True)]
        + [np.full(n_groups, unplaced_penalty), np.zeros(n_facilities)]
    ).astype(np.int64)

    flow = min_cost_flow.SimpleMinCostFlow()
    arc_ids = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.concatenate([counts, np.zeros(n_facilities), [-counts.sum()]]).astype(np.int64)
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status}")
    flows = np.asarray(flow.flows(arc_ids), dtype=np.int64)

    start = 0
    for block, (r, c) in zip(blocks, rows, strict=True):
        block.flow[:] = 0
        block.flow[r, c] = flows[start : start + len(r)]
        start += len(r)
    return flows[start : start + n_groups]


def _potentials(
    blocks: list[ClassBlock],
    unplaced: IntArray,
    per_arc: IntArray,
    free: IntArray,
    unplaced_penalty: int,
    *,
    all_arcs: bool,
) -> Potentials:
    """Shortest residual paths between facilities and the sink, with groups eliminated.

    A residual path enters a group only backwards along one of its used arcs (moving one of
    its convicts out of a facility, or out of the unplaced pool at the sink) and leaves it
    forwards along any of its arcs that is not full, so each group adds the edges
    `used -> other` between facilities (and the sink). Floyd-Warshall over these F + 1 nodes
    gives every shortest path.
    """
    n_facilities = len(free)
    sink = n_facilities
    between = np.full((sink + 1, sink + 1), np.inf)
    np.fill_diagonal(between, 0.0)
    used_total = np.zeros(n_facilities, dtype=np.int64)
    for block in blocks:
        used_total[block.facilities] += block.flow.sum(axis=0)
        cost = block.cost.astype(np.float64)
        usable = block.flow < per_arc[block.groups][:, None]
        if not all_arcs:
            usable &= block.in_model
        open_cost = np.where(usable, cost, np.inf)
        for column, facility in enumerate(block.facilities):
            moving = block.flow[:, column] > 0
            if not moving.any():
                continue
            step = open_cost[moving] - cost[moving, column][:, None]
            targets = block.facilities
            np.minimum.at(between[facility], targets, step.min(axis=0))
            between[facility, sink] = min(
                between[facility, sink], unplaced_penalty - cost[moving, column].max()
            )
        waiting = unplaced[block.groups] > 0
        if waiting.any():
            step = open_cost[waiting].min(axis=0) - unplaced_penalty
            np.minimum.at(between[sink], block.facilities, step)
    room = used_total < free
    between[np.flatnonzero(room), sink] = np.minimum(between[np.flatnonzero(room), sink], 0.0)
    busy = np.flatnonzero(used_total > 0)
    between[sink, busy] = np.minimum(between[sink, busy], 0.0)
    np.fill_diagonal(between, 0.0)

    for k in range(sink + 1):
        between = np.minimum(between, between[:, k : k + 1] + between[k : k + 1, :])
    if (np.diag(between) < 0).any():
        raise SolverError("negative residual cycle: the flow is not optimal")
    reach = between.min(axis=0)
    return Potentials(
        between=between, facility=np.minimum(reach[:sink], 0.0), sink=float(min(reach[sink], 0.0))
    )


def _group_potentials(
    blocks: list[ClassBlock],
    unplaced: IntArray,
    potentials: Potentials,
    unplaced_penalty: int,
    n_groups: int,
) -> FloatArray:
    """A group's potential: the cheapest way into it, backwards along one of its used arcs."""
    result = np.zeros(n_groups)
    for block in blocks:
        via_used = np.where(
            block.flow > 0, potentials.facility[block.facilities][None, :] - block.cost, np.inf
        ).min(axis=1, initial=np.inf)
        via_sink = np.where(unplaced[block.groups] > 0, potentials.sink - unplaced_penalty, np.inf)
        result[block.groups] = np.minimum(0.0, np.minimum(via_used, via_sink))
    return result


def _disaggregate(
    blocks: list[ClassBlock], unplaced: IntArray, group_of: npt.NDArray[np.intp], n_groups: int
) -> npt.NDArray[np.intp]:
    """Hand each group's flows to its convicts in input order: a deterministic split."""
    pieces_group, pieces_facility, pieces_amount = [], [], []
    for block in blocks:
        r, c = np.nonzero(block.flow)
        pieces_group.append(block.groups[r])
        pieces_facility.append(block.facilities[c])
        pieces_amount.append(block.flow[r, c])
    pieces_group.append(np.arange(n_groups))
    pieces_facility.append(np.full(n_groups, -1))
    pieces_amount.append(unplaced)
    group = np.concatenate(pieces_group)
    facility = np.concatenate(pieces_facility)
    amount = np.concatenate(pieces_amount)
    unplaced_last = np.where(facility < 0, np.iinfo(np.int64).max, facility)
    order = np.lexsort((unplaced_last, group))
    facility, amount = facility[order], amount[order]
    ends = np.cumsum(amount)
    by_group = np.argsort(group_of, kind="stable")
    pick = np.searchsorted(ends, np.arange(len(group_of)), side="right")
    facility_of = np.empty(len(group_of), dtype=np.intp)
    facility_of[by_group] = facility[pick]
    return facility_of


def _convict_distances(
    blocks: list[ClassBlock],
    groups: pd.DataFrame,
    group_of: npt.NDArray[np.intp],
    facility_of: npt.NDArray[np.intp],
) -> IntArray:
    distance = np.zeros(len(group_of), dtype=np.int64)
    class_of_group = groups["class"].to_numpy()
    convict_class = class_of_group[group_of]
    n_facilities = 1 + max(
        (int(b.facilities.max()) for b in blocks if len(b.facilities)), default=0
    )
    for k, block in enumerate(blocks):
        mine = np.flatnonzero((convict_class == k) & (facility_of >= 0))
        if len(mine) == 0:
            continue
        row = np.searchsorted(block.groups, group_of[mine])
        column_of = np.full(n_facilities, -1)
        column_of[block.facilities] = np.arange(len(block.facilities))
        distance[mine] = block.distance_m[row, column_of[facility_of[mine]]]
    return distance


def _shared_cases(convicts: pd.DataFrame) -> pd.Series | None:
    """Per convict, the case id when the case has two or more convicts in this batch."""
    case = convicts["case_id"]
    shared = case.ne("") & case.duplicated(keep=False)
    return case.where(shared, "") if shared.any() else None


def _co_defendants_share(cases: pd.Series, facility_of: npt.NDArray[np.intp]) -> bool:
    placed = (cases != "").to_numpy() & (facility_of >= 0)
    pairs = pd.DataFrame({"case": cases.to_numpy()[placed], "facility": facility_of[placed]})
    return bool(pairs.duplicated().any())


def _placements_table(
    convicts: pd.DataFrame,
    facilities: pd.DataFrame,
    facility_of: npt.NDArray[np.intp],
    distance_m: IntArray,
    allowed: npt.NDArray[np.bool_],
    class_of: npt.NDArray[np.intp],
    left: IntArray,
    cases: pd.Series | None,
) -> pd.DataFrame:
    placed = facility_of >= 0
    ids = facilities["facility_id"].to_numpy()
    class_has_facility = cast(npt.NDArray[np.bool_], allowed.any(axis=1))
    class_has_room = cast(npt.NDArray[np.bool_], (allowed & (left > 0)[None, :]).any(axis=1))
    reason = np.where(
        ~class_has_facility[class_of],
        UnplacedReason.NO_ELIGIBLE_FACILITY.value,
        np.where(
            class_has_room[class_of] & (cases is not None),
            UnplacedReason.CO_DEFENDANT_SEPARATION.value,
            UnplacedReason.ELIGIBLE_FACILITIES_FULL.value,
        ),
    )
    return pd.DataFrame(
        {
            "convict_id": convicts["convict_id"].to_numpy(),
            "facility_id": np.where(placed, ids[np.maximum(facility_of, 0)], ""),
            "distance_km": np.where(placed, distance_m / 1000.0, np.nan),
            "unplaced_reason": np.where(placed, "", reason),
        }
    )
