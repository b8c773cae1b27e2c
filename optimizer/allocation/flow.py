"""The min-cost flow kernel: groups -> eligible facilities -> sink, with an unplaced arc per group.

One OR-Tools solve over the arcs in the model, the node potentials of the optimal residual
graph (shortest residual paths between facilities and the sink, which the explanations read),
and handing a group's flows out to its convicts. Which arcs are in the model, and how the
optimum over all eligible arcs is reached and proven, is `columns.py` and `prices.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from optimizer.allocation.blocks import ClassBlock, FloatArray, IndexArray, IntArray
from optimizer.domain import SolverError


@dataclass(frozen=True)
class FlowProblem:
    """Everything one flow solve needs; the blocks carry the solve's flows afterwards."""

    blocks: list[ClassBlock]
    counts: IntArray
    """Convicts per group."""
    per_arc: IntArray
    """Per group, what one arc may carry (1 for co-defendants kept apart)."""
    free: IntArray
    """Free places per facility."""
    unplaced_penalty: int

    def with_blocks(self, blocks: list[ClassBlock]) -> FlowProblem:
        """The same problem over other blocks (e.g. with some arcs closed)."""
        return FlowProblem(blocks, self.counts, self.per_arc, self.free, self.unplaced_penalty)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class PendingPotentials:
    """The potentials of a solved flow, computed when first asked for: a batch whose run
    needs no explanation (a forecast's weekly solves) does not pay for them.

    The flows are read from `problem.blocks` then; blocks are not solved again once their
    solve is over (see `ClassBlock`).
    """

    problem: FlowProblem
    unplaced: IntArray
    known: Potentials | None = None
    """Potentials the method has already computed over every eligible arc."""

    def compute(self) -> Potentials | None:
        """The potentials over every eligible arc, or None when the flow is not optimal
        without the constraints it was found under."""
        if self.known is not None:
            return self.known
        return potentials_if_optimal(self.problem, self.unplaced)


def min_cost_flow(problem: FlowProblem) -> IntArray:
    """One OR-Tools min-cost flow over the arcs in the model; returns unplaced per group."""
    from ortools.graph.python import min_cost_flow as ortools_flow

    blocks, counts, free = problem.blocks, problem.counts, problem.free
    n_groups, n_facilities = len(counts), len(free)
    sink = n_groups + n_facilities
    rows = [np.nonzero(b.in_model) for b in blocks]
    pairs = list(zip(blocks, rows, strict=True))
    tails = np.concatenate(
        [b.groups[r] for b, (r, _) in pairs]
        + [np.arange(n_groups), n_groups + np.arange(n_facilities)]
    ).astype(np.int32)
    heads = np.concatenate(
        [n_groups + b.facilities[c] for b, (_, c) in pairs]
        + [np.full(n_groups, sink), np.full(n_facilities, sink)]
    ).astype(np.int32)
    capacities = np.concatenate(
        [problem.per_arc[b.groups[r]] for b, (r, _) in pairs] + [counts, free]
    ).astype(np.int64)
    costs = np.concatenate(
        [b.cost[r, c] for b, (r, c) in pairs]
        + [np.full(n_groups, problem.unplaced_penalty), np.zeros(n_facilities)]
    ).astype(np.int64)

    flow = ortools_flow.SimpleMinCostFlow()
    arc_ids = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.concatenate([counts, np.zeros(n_facilities), [-counts.sum()]]).astype(np.int64)
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status}")
    flows = np.asarray(flow.flows(arc_ids), dtype=np.int64)

    start = 0
    for block, (r, c) in pairs:
        block.flow[:] = 0
        block.flow[r, c] = flows[start : start + len(r)]
        start += len(r)
    return flows[start : start + n_groups]


def potentials(
    problem: FlowProblem,
    unplaced: IntArray,
    *,
    all_arcs: bool,
    preloaded: IntArray | None = None,
) -> Potentials:
    """Shortest residual paths between facilities and the sink, with groups eliminated.

    A residual path enters a group only backwards along one of its used arcs (moving one of
    its convicts out of a facility, or out of the unplaced pool at the sink) and leaves it
    forwards along any of its arcs that is not full, so each group adds the edges
    `used -> other` between facilities (and the sink). Floyd-Warshall over these F + 1 nodes
    gives every shortest path. `preloaded` is flow into facilities from outside the problem
    (fixed groups), which can always be sent back: `problem.free` is what is left after it.
    """
    free = problem.free
    sink = len(free)
    between = np.full((sink + 1, sink + 1), np.inf)
    np.fill_diagonal(between, 0.0)
    used_total = np.zeros(len(free), dtype=np.int64)
    for block in problem.blocks:
        used_total[block.facilities] += block.flow.sum(axis=0)
        _add_block_edges(between, block, problem, unplaced, all_arcs=all_arcs)
    room = np.flatnonzero(used_total < free)
    between[room, sink] = np.minimum(between[room, sink], 0.0)
    busy = np.flatnonzero(used_total + (0 if preloaded is None else preloaded) > 0)
    between[sink, busy] = np.minimum(between[sink, busy], 0.0)
    np.fill_diagonal(between, 0.0)

    for k in range(sink + 1):
        between = np.minimum(between, between[:, k : k + 1] + between[k : k + 1, :])
    if (np.diag(between) < 0).any():
        raise SolverError("negative residual cycle: the flow is not optimal")
    return _from_paths(between, sink)


def potentials_if_optimal(problem: FlowProblem, unplaced: IntArray) -> Potentials | None:
    """The potentials over every eligible arc of a flow found under extra constraints (the
    case nodes), or None when the flow is not optimal without them (a negative residual
    cycle): then no potentials describe it."""
    try:
        return potentials(problem, unplaced, all_arcs=True)
    except SolverError:
        return None


def _from_paths(between: FloatArray, sink: int) -> Potentials:
    reach = between.min(axis=0)
    return Potentials(
        between=between, facility=np.minimum(reach[:sink], 0.0), sink=float(min(reach[sink], 0.0))
    )


def _add_block_edges(
    between: FloatArray,
    block: ClassBlock,
    problem: FlowProblem,
    unplaced: IntArray,
    *,
    all_arcs: bool,
) -> None:
    """The residual edges that go through this block's groups, reduced to facility pairs.

    Every used arc (group, facility) gives the edges facility -> other facilities of the group
    (and -> sink); they are gathered per facility with one sort and one segmented minimum.
    """
    sink = len(problem.free)
    usable = block.flow < problem.per_arc[block.groups][:, None]
    if not all_arcs:
        usable &= block.in_model
    rows, columns = np.nonzero(block.flow > 0)
    if len(rows):
        order = np.argsort(columns, kind="stable")
        rows, columns = rows[order], columns[order]
        leaving = block.cost[rows, columns].astype(np.float64)
        step = np.where(usable[rows], block.cost[rows].astype(np.float64), np.inf)
        step -= leaving[:, None]
        starts = np.flatnonzero(np.diff(columns, prepend=-1))
        tails = block.facilities[columns[starts]]
        best = np.minimum.reduceat(step, starts, axis=0)
        between[tails[:, None], block.facilities[None, :]] = np.minimum(
            between[tails[:, None], block.facilities[None, :]], best
        )
        to_sink = problem.unplaced_penalty - np.maximum.reduceat(leaving, starts)
        between[tails, sink] = np.minimum(between[tails, sink], to_sink)
    waiting = unplaced[block.groups] > 0
    if waiting.any():
        open_cost = np.where(usable[waiting], block.cost[waiting].astype(np.float64), np.inf)
        step = open_cost.min(axis=0) - problem.unplaced_penalty
        np.minimum.at(between[sink], block.facilities, step)


def group_potentials(
    problem: FlowProblem, unplaced: IntArray, facility_potentials: Potentials
) -> FloatArray:
    """A group's potential: the cheapest way into it, backwards along one of its used arcs."""
    result = np.zeros(len(problem.counts))
    for block in problem.blocks:
        via_used = np.where(
            block.flow > 0,
            facility_potentials.facility[block.facilities][None, :] - block.cost,
            np.inf,
        ).min(axis=1, initial=np.inf)
        via_sink = np.where(
            unplaced[block.groups] > 0,
            facility_potentials.sink - problem.unplaced_penalty,
            np.inf,
        )
        result[block.groups] = np.minimum(0.0, np.minimum(via_used, via_sink))
    return result


def disaggregate(blocks: list[ClassBlock], unplaced: IntArray, group_of: IndexArray) -> IndexArray:
    """Hand each group's flows to its convicts in input order: a deterministic split."""
    n_groups = len(unplaced)
    pieces_group, pieces_facility, pieces_amount = [], [], []
    for block in blocks:
        r, c = np.nonzero(block.flow)
        pieces_group.append(block.groups[r])
        pieces_facility.append(block.facilities[c])
        pieces_amount.append(block.flow[r, c])
    pieces_group.append(np.arange(n_groups))
    pieces_facility.append(np.full(n_groups, -1))
    pieces_amount.append(unplaced)
    facility = np.concatenate(pieces_facility)
    return hand_out(
        np.concatenate(pieces_group),
        facility,
        np.concatenate(pieces_amount),
        group_of,
        last=facility < 0,
    )


def hand_out(
    group: IndexArray,
    facility: IndexArray,
    amount: IntArray,
    group_of: IndexArray,
    *,
    last: npt.NDArray[np.bool_],
) -> IndexArray:
    """Per member, a facility from its group's pieces of flow, handed out in input order:
    within a group, the pieces not marked `last` first, each kind in ascending facility order.

    `group`, `facility`, `amount` and `last` describe the pieces; each group's amounts add up
    to its number of members in `group_of` (the group of each member).
    """
    order = np.lexsort((facility, last, group))
    facility, amount = facility[order], amount[order]
    ends = np.cumsum(amount)
    by_group = np.argsort(group_of, kind="stable")
    pick = np.searchsorted(ends, np.arange(len(group_of)), side="right")
    facility_of = np.empty(len(group_of), dtype=np.intp)
    facility_of[by_group] = facility[pick]
    return facility_of
