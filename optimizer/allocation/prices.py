"""Large instances by facility prices: settle the clear choices, solve the flow over the rest.

With a few dozen facilities eligible per class, the optimum is determined by one price per
facility: each group takes the facility that minimises cost plus price. Starting from the
prices of a coarse problem, a group whose best priced arc beats every other arc (and staying
unplaced) by a clear margin is settled there as a fixed load; only the groups near a tie enter
the OR-Tools flow, with their near-best arcs. The flow's potentials are then checked against
every arc of every group (`certificate.py`); arcs that fail enter the model and the flow is
solved again, until the certificate holds. The certificate, not the prices, proves the optimum.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from optimizer.allocation.blocks import ClassBlock, IndexArray, IntArray
from optimizer.allocation.certificate import Certificate, certify, entering_arcs
from optimizer.allocation.flow import FlowProblem, Potentials, min_cost_flow, potentials
from optimizer.domain import SolverError

logger = logging.getLogger(__name__)

SETTLE_MARGIN_M = 5_000
"""A group's near-best arcs: within this many (weighted) metres of its best at coarse prices."""

GAP_STEP_M = 5_000
"""Fine coarse prices: groups whose two nearest facilities are the same and whose gap between
them falls in the same step of this many metres are merged."""

GAP_STEPS = 20
"""Gaps beyond this many steps fall in one last step."""

MAX_ROUNDS = 100
"""Rounds of adding failing arcs before giving up (it converges in a few)."""


@dataclass(frozen=True)
class PricedFlow:
    """An optimal flow found by prices: unplaced per group, and the certificate that proves it."""

    unplaced: IntArray
    facility_potential: npt.NDArray[np.float64]
    sink_potential: float
    certificate: Certificate
    rounds: int
    groups_in_flow: int


def solve_by_prices(problem: FlowProblem) -> PricedFlow:
    """The optimal flow over all eligible arcs; leaves flows (and the arcs used) in the blocks."""
    start = coarse_prices(problem, fine=True)
    in_flow = problem.per_arc < problem.counts
    sink_gain = start.sink - problem.unplaced_penalty
    for block in problem.blocks:
        gain = start.facility[block.facilities][None, :] - block.cost
        best = gain.max(axis=1, initial=-np.inf)
        block.in_model[:] = gain >= (best - SETTLE_MARGIN_M)[:, None]
        in_flow[block.groups] |= sink_gain >= best - SETTLE_MARGIN_M
    for round_number in range(1, MAX_ROUNDS + 1):
        unplaced, found, in_flow = _solve_restricted(problem, in_flow, start)
        certificate = certify(problem, unplaced, found.facility, found.sink)
        logger.debug(
            "prices round %d: %d groups in the flow, %s",
            round_number,
            int(in_flow.sum()),
            certificate,
        )
        if certificate.proven:
            return PricedFlow(
                unplaced, found.facility, found.sink, certificate, round_number, int(in_flow.sum())
            )
        entering = entering_arcs(problem, unplaced, found.facility, found.sink)
        if entering.count == 0:
            raise SolverError(f"the certificate fails with no arc to add: {certificate}")
        for block, arcs in zip(problem.blocks, entering.arcs, strict=True):
            block.in_model |= arcs
        in_flow |= entering.to_sink
    raise SolverError("the price method did not converge")


def _solve_restricted(
    problem: FlowProblem, in_flow: npt.NDArray[np.bool_], prices: Potentials
) -> tuple[IntArray, Potentials, npt.NDArray[np.bool_]]:
    """Fix every group with one arc in the model at it, unless that overfills the facility;
    solve the flow over the other groups; write all flows back to the blocks."""
    in_flow = in_flow.copy()
    for block in problem.blocks:
        in_flow[block.groups] |= block.in_model.sum(axis=1) != 1
    while True:
        fixed_load = _fixed_load(problem, in_flow)
        overfull = fixed_load - problem.free
        if not (overfull > 0).any():
            break
        for block in problem.blocks:
            _release(block, in_flow, overfull, prices, problem.unplaced_penalty)
    sub, members = _subproblem(problem, in_flow, problem.free - fixed_load)
    sub_unplaced = min_cost_flow(sub)
    found = potentials(sub, sub_unplaced, all_arcs=False, preloaded=fixed_load)
    unplaced = np.zeros(len(problem.counts), dtype=np.int64)
    unplaced[np.concatenate(members)] = sub_unplaced
    rows_in_flow = _flow_rows(problem, in_flow)
    for block, small, rows in zip(problem.blocks, sub.blocks, rows_in_flow, strict=True):
        block.flow[:] = 0
        block.flow[rows] = small.flow
        fixed = np.flatnonzero(~in_flow[block.groups])
        if len(fixed) == 0:
            continue
        block.flow[fixed, block.in_model[fixed].argmax(axis=1)] = problem.counts[
            block.groups[fixed]
        ]
    return unplaced, found, in_flow


def _release(
    block: ClassBlock,
    in_flow: npt.NDArray[np.bool_],
    overfull: IntArray,
    prices: Potentials,
    unplaced_penalty: int,
) -> None:
    """At each overfull facility, the fixed groups of this block that lose least by moving
    (twice the excess, and a few more) enter the flow with their next-best arc."""
    fixed = np.flatnonzero(~in_flow[block.groups])
    if len(fixed) == 0:
        return
    column = block.in_model[fixed].argmax(axis=1)
    facility = block.facilities[column]
    hit = overfull[facility] > 0
    fixed, column, facility = fixed[hit], column[hit], facility[hit]
    if len(fixed) == 0:
        return
    gain = prices.facility[block.facilities][None, :] - block.cost[fixed]
    here = gain[np.arange(len(fixed)), column]
    gain[np.arange(len(fixed)), column] = -np.inf
    loss = here - np.maximum(gain.max(axis=1), prices.sink - unplaced_penalty)
    order = np.lexsort((loss, facility))
    rank = np.arange(len(order)) - np.searchsorted(facility[order], facility[order])
    chosen = order[rank < 2 * overfull[facility[order]] + 16]
    rows = fixed[chosen]
    in_flow[block.groups[rows]] = True
    if block.cost.shape[1] > 1:
        block.in_model[rows, gain[chosen].argmax(axis=1)] = True


def _fixed_load(problem: FlowProblem, in_flow: npt.NDArray[np.bool_]) -> IntArray:
    load = np.zeros(len(problem.free), dtype=np.int64)
    for block in problem.blocks:
        fixed = np.flatnonzero(~in_flow[block.groups])
        if len(fixed) == 0:
            continue
        column = block.in_model[fixed].argmax(axis=1)
        np.add.at(load, block.facilities[column], problem.counts[block.groups[fixed]])
    return load


def _flow_rows(problem: FlowProblem, in_flow: npt.NDArray[np.bool_]) -> list[IndexArray]:
    return [np.flatnonzero(in_flow[block.groups]) for block in problem.blocks]


def _subproblem(
    problem: FlowProblem, in_flow: npt.NDArray[np.bool_], free: IntArray
) -> tuple[FlowProblem, list[IndexArray]]:
    """The flow problem over the groups in the flow, numbered afresh, at the free places left."""
    blocks: list[ClassBlock] = []
    members: list[IndexArray] = []
    start = 0
    for block, rows in zip(problem.blocks, _flow_rows(problem, in_flow), strict=True):
        local = np.arange(start, start + len(rows), dtype=np.intp)
        small = ClassBlock(local, block.facilities, block.distance_m[rows], block.cost[rows])
        small.in_model[:] = block.in_model[rows]
        blocks.append(small)
        members.append(block.groups[rows])
        start += len(rows)
    chosen = np.concatenate(members) if members else np.zeros(0, dtype=np.intp)
    sub = FlowProblem(
        blocks,
        problem.counts[chosen],
        problem.per_arc[chosen],
        free,
        problem.unplaced_penalty,
    )
    return sub, members


def coarse_prices(problem: FlowProblem, *, fine: bool = False) -> Potentials:
    """Potentials of a coarse problem: each class's groups merged by nearest facility (or,
    `fine`, by their two nearest and how much nearer the first is, in steps of `GAP_STEP_M`).

    Prices close to the optimum's, from a flow over a few hundred (thousand) merged groups:
    arcs chosen by cost minus these prices are close to the optimum's.
    """
    coarse: list[ClassBlock] = []
    coarse_counts: list[IntArray] = []
    start = 0
    for block in problem.blocks:
        merge = _fine_clusters if fine else _clusters
        cluster_cost, cluster_count = merge(block, problem.counts)
        members = np.arange(start, start + len(cluster_count), dtype=np.intp)
        start += len(cluster_count)
        coarse.append(ClassBlock(members, block.facilities, cluster_cost, cluster_cost))
        coarse[-1].in_model[:] = True
        coarse_counts.append(cluster_count)
    counts = np.concatenate(coarse_counts) if coarse_counts else np.zeros(0, dtype=np.int64)
    merged = FlowProblem(coarse, counts, counts, problem.free, problem.unplaced_penalty)
    unplaced = min_cost_flow(merged)
    return potentials(merged, unplaced, all_arcs=True)


def _clusters(block: ClassBlock, counts: IntArray) -> tuple[IntArray, IntArray]:
    """A block's groups merged by their cheapest facility: mean costs and convict counts."""
    if block.cost.shape[1] == 0:
        return np.zeros((0, 0), dtype=np.int64), np.zeros(0, dtype=np.int64)
    weight = counts[block.groups].astype(np.float64)
    _, cluster = np.unique(block.cost.argmin(axis=1), return_inverse=True)
    cluster_count = np.bincount(cluster, weights=weight).astype(np.int64)
    sums = np.zeros((len(cluster_count), block.cost.shape[1]))
    np.add.at(sums, cluster, block.cost * weight[:, None])
    return np.rint(sums / cluster_count[:, None]).astype(np.int64), cluster_count


def _fine_clusters(block: ClassBlock, counts: IntArray) -> tuple[IntArray, IntArray]:
    """A block's groups merged by their two cheapest facilities and the gap between them."""
    n_rows, n_columns = block.cost.shape
    if n_columns < 2 or n_rows == 0:
        return _clusters(block, counts)
    two = np.argpartition(block.cost, 1, axis=1)[:, :2]
    two_cost = np.take_along_axis(block.cost, two, axis=1)
    gap = np.minimum((two_cost[:, 1] - two_cost[:, 0]) // GAP_STEP_M, GAP_STEPS)
    key = (two[:, 0] * n_columns + two[:, 1]) * (GAP_STEPS + 1) + gap
    _, cluster = np.unique(key, return_inverse=True)
    order = np.argsort(cluster, kind="stable")
    starts = np.flatnonzero(np.diff(cluster[order], prepend=-1))
    weight = counts[block.groups].astype(np.float64)
    cluster_count = np.add.reduceat(weight[order], starts).astype(np.int64)
    sums = np.add.reduceat(block.cost[order] * weight[order, None], starts, axis=0)
    return np.rint(sums / cluster_count[:, None]).astype(np.int64), cluster_count
