"""The exact integer model used when co-defendants in different groups would share a facility.

Co-defendants who are otherwise alike are kept apart by the flow itself (their group's arcs carry
one convict each). Members of one case in different groups (another class or home point) can
still meet; then:

1. a repair closes, for every meeting, the facility to all but one of the case's groups and
   solves the flow again, until no case meets; the result is lawful;
2. when it places as many convicts (and, for home-first, as many at home) as the relaxation,
   those counts are optimal and only distance is left: an arc whose reduced cost in the
   relaxation exceeds the repair's distance gap cannot carry flow in any better allocation and
   is left out, and a group left with one possible facility is fixed there (reduced-cost fixing);
3. CP-SAT proves the optimum over what is left, which is small; when the counts differ it solves
   the whole lexicographic objective in stages: most placed, then (home-first) most at home,
   then least distance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.allocation.blocks import (
    NO_CASE,
    ClassBlock,
    FloatArray,
    IndexArray,
    IntArray,
    co_defendants_share,
)
from optimizer.allocation.columns import solve_flow
from optimizer.allocation.flow import FlowProblem, Potentials, disaggregate, group_potentials
from optimizer.allocation.integer_model import IntegerModel, Kept, Members, Method
from optimizer.domain import Objective, SolveOptions

logger = logging.getLogger(__name__)

GREEDY_REPAIR_GROUPS = 100_000
"""Up to this many groups, the repair tries every keeper of a meeting with a flow each."""


@dataclass(frozen=True)
class Relaxation:
    """The optimal flow without the rule for co-defendants in different groups, with potentials."""

    facility_of: IndexArray
    unplaced: IntArray
    group_potential: FloatArray
    facility_potential: FloatArray
    sink_potential: float
    unplaced_penalty: int
    facility_region: npt.NDArray[np.object_]

    @classmethod
    def of(
        cls,
        problem: FlowProblem,
        unplaced: IntArray,
        found: Potentials,
        facility_of: IndexArray,
        facilities: pd.DataFrame,
    ) -> Relaxation:
        """The relaxation read off an optimal flow and its potentials."""
        return cls(
            facility_of=facility_of,
            unplaced=unplaced,
            group_potential=group_potentials(problem, unplaced, found),
            facility_potential=found.facility,
            sink_potential=found.sink,
            unplaced_penalty=problem.unplaced_penalty,
            facility_region=facilities["region"].to_numpy(),
        )


@dataclass(frozen=True)
class _Tally:
    placed: int
    home: int
    weighted: int
    """Sum of arc costs plus the unplaced penalty per unplaced convict."""


@dataclass(frozen=True)
class Separated:
    """A lawful allocation with co-defendants apart, and how far it may be from the optimum."""

    facility_of: IndexArray
    optimal: bool
    method: Method
    gap: int
    """Weighted cost above the relaxation's optimum, a valid lower bound (0 when optimal)."""


def solve_with_separation(
    problem: FlowProblem,
    groups: pd.DataFrame,
    group_of: IndexArray,
    cases: pd.Series,
    options: SolveOptions,
    relaxation: Relaxation,
) -> Separated:
    """Per convict, the facility row (or -1), whether it is proven optimal, how it was found,
    and its gap to the relaxation's bound.

    `problem` is the relaxation's flow problem; it is not changed.
    """
    home_first = options.objective is Objective.HOME_FIRST
    members = Members(groups, group_of, cases)
    repaired = _Repair(problem, members, relaxation, home_first).run()
    blocks = problem.blocks
    bound = _tally(blocks, members, relaxation.facility_of, relaxation)
    found = _tally(blocks, members, repaired, relaxation)
    model = IntegerModel(blocks, members, problem.free, options, repaired)
    # Reduced-cost fixing holds for the weighted (lexicographic) cost as a whole: an arc whose
    # reduced cost exceeds the repair's gap cannot carry flow in any allocation as good as it.
    kept = _arcs_within(blocks, relaxation, found.weighted - bound.weighted)
    # A count the repair reaches equals the relaxation's bound, so it is optimal: imposed, not
    # solved for (the home count only once the placed count is settled).
    placed = bound.placed if found.placed == bound.placed else None
    home = bound.home if placed is not None and home_first and found.home == bound.home else None
    outcome = model.solve(kept, (placed, home))
    facility_of, optimal, method = outcome
    gap = (
        0 if optimal else _tally(blocks, members, facility_of, relaxation).weighted - bound.weighted
    )
    return Separated(facility_of, optimal, method, gap)


def _tally(
    blocks: list[ClassBlock], members: Members, facility_of: IndexArray, relaxation: Relaxation
) -> _Tally:
    group_of, groups = members.group_of, members.groups
    placed = facility_of >= 0
    weighted = int((~placed).sum()) * relaxation.unplaced_penalty
    convict_class = members.convict_class
    for k, block in enumerate(blocks):
        mine = np.flatnonzero((convict_class == k) & placed)
        if len(mine) == 0:
            continue
        rows = np.searchsorted(block.groups, group_of[mine])
        columns = np.searchsorted(block.facilities, facility_of[mine])
        weighted += int(block.cost[rows, columns].sum())
    home_region = groups["home_region"].to_numpy()[group_of[placed]]
    home = int((relaxation.facility_region[facility_of[placed]] == home_region).sum())
    return _Tally(int(placed.sum()), home, weighted)


class _Repair:
    """A lawful allocation near the relaxation: one meeting at a time, close the facility to all
    but one of the case's groups, keeping the group whose choice gives the best allocation.

    Closing works on copies of the blocks' costs; the relaxation's blocks are never changed.
    """

    def __init__(
        self, problem: FlowProblem, members: Members, relaxation: Relaxation, home_first: bool
    ) -> None:
        self.problem = problem
        self.members = members
        self.relaxation = relaxation
        self.home_first = home_first
        self.cost = [b.cost.copy() for b in problem.blocks]
        self.closed_cost = 4 * relaxation.unplaced_penalty

    def run(self) -> IndexArray:
        facility_of = self.relaxation.facility_of
        large = len(self.members.groups) > GREEDY_REPAIR_GROUPS
        while co_defendants_share(self.members.cases, facility_of):
            meetings = self._meetings(facility_of)
            if large:
                # Every meeting at once, each facility kept by the group that would lose most
                # by leaving it; one flow per round.
                self._close(_losers(meetings, self._blocks(), self.members.class_of_group))
                facility_of = self._allocate(self.cost)[1]
            else:
                facility_of = self._settle_first(meetings)
        return facility_of

    def _meetings(self, facility_of: IndexArray) -> pd.DataFrame:
        case_of, group_of = self.members.case_of, self.members.group_of
        placed = (case_of != NO_CASE) & (facility_of >= 0)
        meetings = pd.DataFrame(
            {"case": case_of[placed], "facility": facility_of[placed], "group": group_of[placed]}
        ).drop_duplicates()
        return meetings[meetings.duplicated(["case", "facility"], keep=False)]

    def _settle_first(self, meetings: pd.DataFrame) -> IndexArray:
        """Settle the first meeting by trying each of its groups as the one that stays."""
        first = meetings.iloc[0]
        met = meetings[
            (meetings["case"] == first["case"]) & (meetings["facility"] == first["facility"])
        ]
        facility = int(first["facility"])
        met_groups = [int(g) for g in met["group"]]
        best: tuple[tuple[int, ...], IndexArray, int] | None = None
        for keeper in met_groups:
            closures = [(g, facility) for g in met_groups if g != keeper]
            rank, allocation = self._allocate(self._closed(self.cost, closures))
            if best is None or rank < best[0]:
                best = (rank, allocation, keeper)
        assert best is not None
        self._close([(g, facility) for g in met_groups if g != best[2]])
        return best[1]

    def _closed(self, cost: list[IntArray], closures: list[tuple[int, int]]) -> list[IntArray]:
        changed = [c.copy() for c in cost]
        for group, facility in closures:
            k = int(self.members.class_of_group[group])
            block = self.problem.blocks[k]
            changed[k][block.row_of(group), np.flatnonzero(block.facilities == facility)] = (
                self.closed_cost
            )
        return changed

    def _close(self, closures: list[tuple[int, int]]) -> None:
        self.cost = self._closed(self.cost, closures)

    def _blocks(self) -> list[ClassBlock]:
        return [b.with_cost(c) for b, c in zip(self.problem.blocks, self.cost, strict=True)]

    def _allocate(self, cost: list[IntArray]) -> tuple[tuple[int, ...], IndexArray]:
        """The optimal flow at these costs: its rank (lower is better) and its allocation."""
        blocks = [b.with_cost(c) for b, c in zip(self.problem.blocks, cost, strict=True)]
        unplaced = solve_flow(self.problem.with_blocks(blocks))
        allocation = disaggregate(blocks, unplaced, self.members.group_of)
        tally = _tally(self.problem.blocks, self.members, allocation, self.relaxation)
        return (-tally.placed, -tally.home if self.home_first else 0, tally.weighted), allocation


def _losers(
    meetings: pd.DataFrame, blocks: list[ClassBlock], class_of_group: IndexArray
) -> list[tuple[int, int]]:
    """For each meeting, the groups to close the facility to: all but the one whose next-best
    facility is farthest (the largest regret)."""
    closures = []
    for (_, facility_key), met in meetings.groupby(["case", "facility"], sort=True):
        facility = int(str(facility_key))
        regrets = []
        for group in met["group"]:
            block = blocks[int(class_of_group[int(group)])]
            row = block.row_of(int(group))
            others = block.cost[row][block.facilities != facility]
            here = block.cost[row][block.facilities == facility][0]
            regrets.append((others.min() - here) if len(others) else np.inf)
        keeper = int(met["group"].to_numpy()[int(np.argmax(regrets))])
        closures += [(int(g), facility) for g in met["group"] if int(g) != keeper]
    return closures


def _arcs_within(blocks: list[ClassBlock], relaxation: Relaxation, gap: int) -> Kept:
    """Arcs whose reduced cost is within the gap: only they can carry a better allocation."""
    arcs, may_wait = [], []
    for block in blocks:
        group_potential = relaxation.group_potential[block.groups]
        reduced = (
            block.cost
            + group_potential[:, None]
            - relaxation.facility_potential[block.facilities][None, :]
        )
        arcs.append(reduced <= gap + 0.5)
        waiting = relaxation.unplaced_penalty + group_potential - relaxation.sink_potential
        may_wait.append(waiting <= gap + 0.5)
    return Kept(arcs, may_wait)
