"""The proof that a flow is optimal over every eligible arc: reduced costs, checked in bulk.

A feasible flow is a min-cost flow exactly when node potentials exist under which no arc that
could carry more has a negative reduced cost and no arc that carries flow has a positive one
(complementary slackness). Given potentials for the facilities and the sink only, each group's
potential is free: it exists when, over the group's arcs, the largest `facility potential -
cost` of an arc with room does not exceed the smallest of an arc in use. The check is a few
whole-array passes over all groups x eligible facilities, whatever method found the flow and
the prices; it is what makes a result "proven optimal".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from optimizer.allocation.blocks import ClassBlock, FloatArray, IntArray
from optimizer.allocation.flow import FlowProblem

TOLERANCE = 0.5
"""Costs and shortest-path potentials are whole numbers; anything under a half is rounding."""


@dataclass(frozen=True)
class Certificate:
    """The outcome of checking a flow and facility prices against every eligible arc."""

    proven: bool
    arcs_checked: int
    feasible: bool
    """Supplies routed, arc and facility capacities kept."""
    groups_violated: int
    """Groups for which no potential satisfies all their arcs at these prices."""
    facilities_violated: int
    """Facilities whose price disagrees with their free places (priced but not full, ...)."""
    worst_violation: float
    """The largest amount by which a reduced cost has the wrong sign (0 when proven)."""


@dataclass(frozen=True)
class Entering:
    """Where a flow fails the certificate: arcs with a negative reduced cost, per block, and the
    groups whose unplaced arc has one."""

    arcs: list[npt.NDArray[np.bool_]]
    to_sink: npt.NDArray[np.bool_]

    @property
    def count(self) -> int:
        return int(sum(int(a.sum()) for a in self.arcs) + int(self.to_sink.sum()))


def certify(
    problem: FlowProblem, unplaced: IntArray, facility_potential: FloatArray, sink_potential: float
) -> Certificate:
    """Check the flow in `problem.blocks` (with `unplaced` per group) against the prices."""
    load = np.zeros(len(problem.free), dtype=np.int64)
    routed = unplaced.astype(np.int64).copy()
    feasible = bool((unplaced >= 0).all())
    worst = 0.0
    violated = 0
    arcs = 0
    for block in problem.blocks:
        feasible &= bool((block.flow >= 0).all())
        feasible &= bool((block.flow <= problem.per_arc[block.groups][:, None]).all())
        load[block.facilities] += block.flow.sum(axis=0)
        routed[block.groups] += block.flow.sum(axis=1)
        low, high = _group_bounds(block, problem, unplaced, facility_potential, sink_potential)
        excess = low - high
        violated += int((excess > TOLERANCE).sum())
        worst = max(worst, float(excess.max(initial=0.0)))
        arcs += block.cost.size + len(block.groups)
    feasible &= bool((routed == problem.counts).all() and (load <= problem.free).all())
    to_sink = facility_potential - sink_potential
    wrong = np.where(load < problem.free, -to_sink, 0.0)
    wrong = np.maximum(wrong, np.where(load > 0, to_sink, 0.0))
    facilities_violated = int((wrong > TOLERANCE).sum())
    worst = max(worst, float(wrong.max(initial=0.0)))
    return Certificate(
        proven=feasible and violated == 0 and facilities_violated == 0,
        arcs_checked=arcs + len(problem.free),
        feasible=feasible,
        groups_violated=violated,
        facilities_violated=facilities_violated,
        worst_violation=worst,
    )


def entering_arcs(
    problem: FlowProblem, unplaced: IntArray, facility_potential: FloatArray, sink_potential: float
) -> Entering:
    """Arcs that have room and a negative reduced cost against the group's arcs in use."""
    entering = []
    to_sink = np.zeros(len(problem.counts), dtype=bool)
    for block in problem.blocks:
        gain = facility_potential[block.facilities][None, :] - block.cost
        room = block.flow < problem.per_arc[block.groups][:, None]
        _, high = _group_bounds(block, problem, unplaced, facility_potential, sink_potential)
        entering.append(room & (gain > high[:, None] + TOLERANCE))
        waiting = unplaced[block.groups] < problem.counts[block.groups]
        to_sink[block.groups] = waiting & (
            sink_potential - problem.unplaced_penalty > high + TOLERANCE
        )
    return Entering(entering, to_sink)


def _group_bounds(
    block: ClassBlock,
    problem: FlowProblem,
    unplaced: IntArray,
    facility_potential: FloatArray,
    sink_potential: float,
) -> tuple[FloatArray, FloatArray]:
    """Per group, the interval its potential must lie in: at least `facility potential - cost`
    on every arc with room, at most that on every arc in use (the unplaced arc included)."""
    gain = facility_potential[block.facilities][None, :] - block.cost
    room = block.flow < problem.per_arc[block.groups][:, None]
    low = np.where(room, gain, -np.inf).max(axis=1, initial=-np.inf)
    high = np.where(block.flow > 0, gain, np.inf).min(axis=1, initial=np.inf)
    waiting = unplaced[block.groups]
    sink_gain = sink_potential - problem.unplaced_penalty
    low = np.where(waiting < problem.counts[block.groups], np.maximum(low, sink_gain), low)
    high = np.where(waiting > 0, np.minimum(high, sink_gain), high)
    return low, high
