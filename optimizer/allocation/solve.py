"""Build and solve the placement model; return a Solution with everything explanations need.

Convicts that are interchangeable (same class and same home point) form groups. Placement is
then a min-cost flow: groups -> eligible facilities -> sink, with a costly "unplaced" arc per
group so that every supply is routed and as many convicts as possible are placed. Costs are
integers (metres) in three separated tiers, so one flow solves the lexicographic objective:

    unplaced convicts  >>  convicts outside their home region (home-first only)  >>  distance

Each tier's weight exceeds the largest change the lower tiers can make along a simple cycle of
the residual graph, so a flow optimal for the weighted cost is lexicographically optimal.

The flow itself lives in `flow.py`; when co-defendants in different groups would share a
facility, `separation.py` takes over.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import cast

import numpy as np
import numpy.typing as npt
import pandas as pd

import optimizer.allocation.case_flow as case_flow
from optimizer.allocation.blocks import (
    ClassBlock,
    IndexArray,
    IntArray,
    arc_capacities,
    class_blocks,
    co_defendants_share,
    code_classes,
    convict_distances,
    group_interchangeable,
    longest_distance,
    shared_cases,
    tier_weights,
    with_home_penalty,
)
from optimizer.allocation.certificate import Certificate
from optimizer.allocation.columns import optimal_flow
from optimizer.allocation.flow import (
    FlowProblem,
    PendingPotentials,
    Potentials,
    disaggregate,
    potentials,
)
from optimizer.allocation.integer_model import Method
from optimizer.allocation.separation import Relaxation, Separated, solve_with_separation
from optimizer.domain import SolveOptions, UnplacedReason
from optimizer.geo import DistanceSource, distance_source
from optimizer.rules import eligibility


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
    pending_potentials: PendingPotentials | None = None
    """Where `potentials` come from; None when no potentials describe the allocation."""
    certificate: Certificate | None = None
    """The bulk reduced-cost proof of the flow, where the method relied on one."""
    gap_to_bound: tuple[int, int, int] | None = None
    """When not proven optimal: at most this many (unplaced, away from home, metres) worse than
    the optimum, measured against the optimum without the co-defendant rule (a lower bound)."""

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

    @cached_property
    def potentials(self) -> Potentials | None:
        """Shortest residual paths of the optimal flow, when they describe this allocation."""
        pending = self.pending_potentials
        return None if pending is None else pending.compute()

    def block_of_group(self, group: int) -> tuple[ClassBlock, int]:
        """The class block holding a group and the group's row in it."""
        block = self.blocks[int(self.groups["class"].to_numpy()[group])]
        return block, int(np.searchsorted(block.groups, group))


def solve(
    convicts: pd.DataFrame,
    facilities: pd.DataFrame,
    options: SolveOptions | None = None,
    distances: DistanceSource | None = None,
) -> Solution:
    """Allocate validated convicts to validated facilities, optimally."""
    options = options or SolveOptions()
    distances = distances or distance_source(options.distance)
    classes, class_of, cases, groups, group_of = _classes_and_groups(convicts)
    allowed = eligibility(classes, facilities)
    free = (facilities["capacity"] - facilities["occupied"]).to_numpy(np.int64)
    blocks = class_blocks(groups, len(classes), allowed, facilities, distances)
    home_penalty, unplaced_penalty = tier_weights(
        len(facilities), longest_distance(blocks), options.objective
    )
    blocks = with_home_penalty(blocks, groups, facilities, home_penalty)
    problem = FlowProblem(
        blocks, groups["count"].to_numpy(np.int64), arc_capacities(groups), free, unplaced_penalty
    )
    flow = _allocate(problem, groups, group_of, cases, options, facilities)
    blocks, separated, found = flow.blocks, flow.separated, flow.potentials
    facility_of, optimal, method = separated.facility_of, separated.optimal, separated.method
    distance_m = convict_distances(blocks, groups, group_of, facility_of)
    used = np.bincount(facility_of[facility_of >= 0], minlength=len(facilities)).astype(np.int64)
    left = free - used
    placements = _placements_table(
        convicts, facilities, facility_of, distance_m, allowed, class_of, left, cases
    )
    solution = Solution(
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
        pending_potentials=found,
        certificate=flow.certificate,
    )
    if not optimal:
        solution.gap_to_bound = split_cost(separated.gap, solution)
    return solution


def _classes_and_groups(
    convicts: pd.DataFrame,
) -> tuple[pd.DataFrame, IndexArray, pd.Series | None, pd.DataFrame, IndexArray]:
    """Convict classes, shared cases and groups of interchangeable convicts."""
    classes, class_of = code_classes(convicts)
    cases = shared_cases(convicts)
    groups, group_of = group_interchangeable(convicts, class_of, cases)
    return classes, class_of, cases, groups, group_of


@dataclass(frozen=True)
class _Allocated:
    """The final flows (in `blocks`), the allocation, and what proves or prices it."""

    blocks: list[ClassBlock]
    separated: Separated
    potentials: PendingPotentials | None
    certificate: Certificate | None


def _allocate(
    problem: FlowProblem,
    groups: pd.DataFrame,
    group_of: IndexArray,
    cases: pd.Series | None,
    options: SolveOptions,
    facilities: pd.DataFrame,
) -> _Allocated:
    """The optimal allocation, co-defendants apart.

    With shared cases on an instance the case nodes can hold, one flow with them is the
    optimum; its potentials are kept when it is also optimal without them (the rule did not
    bind). Otherwise the flow without the rule, and when co-defendants meet in it, the repair
    and the integer model.
    """
    n_arcs = sum(b.cost.size for b in problem.blocks)
    if cases is not None and n_arcs <= case_flow.CASE_FLOW_ARC_LIMIT:
        blocks, unplaced = case_flow.solve_with_case_nodes(problem, case_flow.case_index(groups))
        found = PendingPotentials(problem.with_blocks(blocks), unplaced)
        separated = Separated(disaggregate(blocks, unplaced, group_of), True, "min-cost-flow", 0)
        return _Allocated(blocks, separated, found, None)
    flow = optimal_flow(problem)
    facility_of = disaggregate(problem.blocks, flow.unplaced, group_of)
    if cases is None or not co_defendants_share(cases, facility_of):
        separated = Separated(facility_of, True, "min-cost-flow", 0)
        found = PendingPotentials(problem, flow.unplaced, flow.potentials)
        return _Allocated(problem.blocks, separated, found, flow.certificate)
    relaxed = flow.potentials or potentials(problem, flow.unplaced, all_arcs=True)
    relaxation = Relaxation.of(problem, flow.unplaced, relaxed, facility_of, facilities)
    separated = solve_with_separation(problem, groups, group_of, cases, options, relaxation)
    # facility potentials do not describe a flow with co-defendants apart
    return _Allocated(problem.blocks, separated, None, flow.certificate)


def split_cost(cost: float, solution: Solution) -> tuple[int, int, int]:
    """A weighted cost change as (unplaced convicts, convicts away from home, metres)."""
    unplaced = round(cost / solution.unplaced_penalty)
    rest = cost - unplaced * solution.unplaced_penalty
    away = round(rest / solution.home_penalty) if solution.home_penalty else 0
    return int(unplaced), int(away), round(rest - away * solution.home_penalty)


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
    """The placements, texts picked from small tables of distinct values by index: a million
    rows of per-row text cost seconds to build and convert, shared ones milliseconds."""
    placed = facility_of >= 0
    ids = np.append(facilities["facility_id"].to_numpy(dtype=object), "")  # -1: unplaced
    class_has_facility = cast(npt.NDArray[np.bool_], allowed.any(axis=1))
    class_has_room = cast(npt.NDArray[np.bool_], (allowed & (left > 0)[None, :]).any(axis=1))
    reasons = np.array(
        [
            UnplacedReason.NO_ELIGIBLE_FACILITY.value,
            UnplacedReason.CO_DEFENDANT_SEPARATION.value,
            UnplacedReason.ELIGIBLE_FACILITIES_FULL.value,
            "",
        ],
        dtype=object,
    )
    reason = np.where(
        ~class_has_facility[class_of],
        0,
        np.where(class_has_room[class_of] & (cases is not None), 1, 2),
    )
    reason[placed] = len(reasons) - 1
    return pd.DataFrame(
        {
            "convict_id": convicts["convict_id"].to_numpy(),
            "facility_id": ids[facility_of],
            "distance_km": np.where(placed, distance_m / 1000.0, np.nan),
            "unplaced_reason": reasons[reason],
        }
    )
