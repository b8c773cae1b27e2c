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

from optimizer.allocation.solve import ClassBlock, FloatArray, IntArray, Method
from optimizer.domain import Objective, SolveOptions, SolverError

logger = logging.getLogger(__name__)

MAX_OPEN_GROUPS = 200_000
"""Above this many groups left open after reduced-cost fixing, the integer model is not tried:
the repaired (lawful) allocation is returned, marked as not proven optimal."""

GREEDY_REPAIR_GROUPS = 100_000
"""Up to this many groups, the repair tries every keeper of a meeting with a flow each."""


@dataclass(frozen=True)
class Relaxation:
    """The optimal flow without the rule for co-defendants in different groups, with potentials."""

    facility_of: npt.NDArray[np.intp]
    flows: list[IntArray]
    unplaced: IntArray
    group_potential: FloatArray
    facility_potential: FloatArray
    sink_potential: float
    unplaced_penalty: int
    facility_region: npt.NDArray[np.object_]


@dataclass(frozen=True)
class _Tally:
    placed: int
    home: int
    weighted: int
    """Sum of arc costs plus the unplaced penalty per unplaced convict."""


def solve_with_separation(
    groups: pd.DataFrame,
    group_of: npt.NDArray[np.intp],
    blocks: list[ClassBlock],
    counts: IntArray,
    per_arc: IntArray,
    free: IntArray,
    cases: pd.Series,
    options: SolveOptions,
    relaxation: Relaxation,
) -> tuple[npt.NDArray[np.intp], bool, Method]:
    """Per convict, the facility row (or -1), whether it is proven optimal, and how it was found."""
    home_first = options.objective is Objective.HOME_FIRST
    repaired = _repair(
        blocks, groups, group_of, counts, per_arc, free, cases, relaxation, home_first
    )
    bound = _tally(blocks, groups, group_of, relaxation.facility_of, relaxation)
    found = _tally(blocks, groups, group_of, repaired, relaxation)
    if (found.placed, found.home if home_first else 0) == (
        bound.placed,
        bound.home if home_first else 0,
    ):
        keep = _arcs_within(blocks, relaxation, found.weighted - bound.weighted)
        targets = (bound.placed, bound.home if home_first else None)
        return _solve_cp_sat(
            blocks, groups, group_of, free, cases, options, repaired, keep, targets
        )
    return _solve_cp_sat(blocks, groups, group_of, free, cases, options, repaired, None, None)


def _tally(
    blocks: list[ClassBlock],
    groups: pd.DataFrame,
    group_of: npt.NDArray[np.intp],
    facility_of: npt.NDArray[np.intp],
    relaxation: Relaxation,
) -> _Tally:
    placed = facility_of >= 0
    weighted = int((~placed).sum()) * relaxation.unplaced_penalty
    convict_class = groups["class"].to_numpy()[group_of]
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


def _repair(
    blocks: list[ClassBlock],
    groups: pd.DataFrame,
    group_of: npt.NDArray[np.intp],
    counts: IntArray,
    per_arc: IntArray,
    free: IntArray,
    cases: pd.Series,
    relaxation: Relaxation,
    home_first: bool,
) -> npt.NDArray[np.intp]:
    """A lawful allocation near the relaxation: one meeting at a time, close the facility to all
    but one of the case's groups, keeping the group whose choice gives the best allocation."""
    from optimizer.allocation.solve import _co_defendants_share, _disaggregate, _solve_flow

    original = [b.cost.copy() for b in blocks]
    closed_cost = 4 * relaxation.unplaced_penalty
    class_of_group = groups["class"].to_numpy()
    facility_of = relaxation.facility_of
    case_of = cases.to_numpy()

    def close(group: int, facility: int) -> None:
        block = blocks[int(class_of_group[group])]
        row = int(np.searchsorted(block.groups, group))
        block.cost[row, np.flatnonzero(block.facilities == facility)] = closed_cost

    def attempt(closures: list[tuple[int, int]]) -> tuple[tuple[int, ...], npt.NDArray[np.intp]]:
        kept = [b.cost.copy() for b in blocks]
        for group, facility in closures:
            close(group, facility)
        unplaced = _solve_flow(blocks, counts, per_arc, free, relaxation.unplaced_penalty)
        allocation = _disaggregate(blocks, unplaced, group_of, len(groups))
        for block, cost in zip(blocks, kept, strict=True):
            block.cost = cost
        tally = _tally(blocks, groups, group_of, allocation, relaxation)
        rank = (-tally.placed, -tally.home if home_first else 0, tally.weighted)
        return rank, allocation

    try:
        while _co_defendants_share(cases, facility_of):
            placed = (case_of != "") & (facility_of >= 0)
            meetings = pd.DataFrame(
                {
                    "case": case_of[placed],
                    "facility": facility_of[placed],
                    "group": group_of[placed],
                }
            ).drop_duplicates()
            meetings = meetings[meetings.duplicated(["case", "facility"], keep=False)]
            if len(groups) > GREEDY_REPAIR_GROUPS:
                # Large instance: every meeting at once, each facility kept by the group that
                # would lose most by leaving it; one flow per round.
                for group, facility in _losers(meetings, blocks, class_of_group):
                    close(group, facility)
                unplaced = _solve_flow(blocks, counts, per_arc, free, relaxation.unplaced_penalty)
                facility_of = _disaggregate(blocks, unplaced, group_of, len(groups))
                continue
            first = meetings.iloc[0]
            met = meetings[
                (meetings["case"] == first["case"]) & (meetings["facility"] == first["facility"])
            ]
            facility = int(first["facility"])
            met_groups = [int(g) for g in met["group"]]
            best: tuple[tuple[int, ...], npt.NDArray[np.intp], int] | None = None
            for keeper in met_groups:
                closures = [(g, facility) for g in met_groups if g != keeper]
                rank, allocation = attempt(closures)
                if best is None or rank < best[0]:
                    best = (rank, allocation, keeper)
            assert best is not None
            for group in met_groups:
                if group != best[2]:
                    close(group, facility)
            facility_of = best[1]
    finally:
        for block, cost, flow in zip(blocks, original, relaxation.flows, strict=True):
            block.cost = cost
            block.flow = flow
    return facility_of


def _losers(
    meetings: pd.DataFrame, blocks: list[ClassBlock], class_of_group: npt.NDArray[np.int64]
) -> list[tuple[int, int]]:
    """For each meeting, the groups to close the facility to: all but the one whose next-best
    facility is farthest (the largest regret)."""
    closures = []
    for (_, facility_key), met in meetings.groupby(["case", "facility"], sort=True):
        facility = int(str(facility_key))
        regrets = []
        for group in met["group"]:
            block = blocks[int(class_of_group[int(group)])]
            row = int(np.searchsorted(block.groups, group))
            others = block.cost[row][block.facilities != facility]
            here = block.cost[row][block.facilities == facility][0]
            regrets.append((others.min() - here) if len(others) else np.inf)
        keeper = int(met["group"].to_numpy()[int(np.argmax(regrets))])
        closures += [(int(g), facility) for g in met["group"] if int(g) != keeper]
    return closures


@dataclass(frozen=True)
class _Kept:
    """Per class block: which arcs may carry flow in a better allocation, and who may wait."""

    arcs: list[npt.NDArray[np.bool_]]
    may_wait: list[npt.NDArray[np.bool_]]


def _arcs_within(blocks: list[ClassBlock], relaxation: Relaxation, gap: int) -> _Kept:
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
    return _Kept(arcs, may_wait)


def _solve_cp_sat(
    blocks: list[ClassBlock],
    groups: pd.DataFrame,
    group_of: npt.NDArray[np.intp],
    free: IntArray,
    cases: pd.Series,
    options: SolveOptions,
    hint: npt.NDArray[np.intp],
    kept: _Kept | None,
    targets: tuple[int, int | None] | None,
) -> tuple[npt.NDArray[np.intp], bool, Method]:
    """Units are a group's convicts outside shared cases, or one case member each."""
    from ortools.sat.python import cp_model

    open_groups = sum(
        len(b.groups)
        if kept is None
        else int(((kept.arcs[k].sum(axis=1) > 1) | kept.may_wait[k]).sum())
        for k, b in enumerate(blocks)
    )
    if open_groups > MAX_OPEN_GROUPS:
        logger.warning(
            "%d groups still open after fixing: keeping the repaired allocation unproven",
            open_groups,
        )
        return hint, False, "flow-repair"

    case_of = cases.to_numpy()
    in_case = case_of != ""
    facility_of = np.full(len(group_of), -1, dtype=np.intp)
    convict_class = groups["class"].to_numpy()[group_of]

    model = cp_model.CpModel()
    load: dict[int, list[cp_model.LinearExprT]] = {}
    fixed_load = np.zeros(len(free), dtype=np.int64)
    together: dict[tuple[str, int], list[cp_model.LinearExprT]] = {}
    placed_terms: list[cp_model.LinearExprT] = []
    home_terms: list[cp_model.LinearExprT] = []
    distance_terms: list[cp_model.LinearExprT] = []
    decided: list[tuple[npt.NDArray[np.intp], list[tuple[int, cp_model.IntVar]]]] = []

    for k, block in enumerate(blocks):
        mine = np.flatnonzero(convict_class == k)
        if len(mine) == 0:
            continue
        rows = np.searchsorted(block.groups, group_of[mine])
        allowed = kept.arcs[k] if kept is not None else np.ones(block.cost.shape, dtype=bool)
        waits = kept.may_wait[k] if kept is not None else np.ones(len(block.groups), dtype=bool)
        fixed_rows = (allowed.sum(axis=1) == 1) & ~waits
        at_home = block.cost == block.distance_m  # the home tier's penalty is on every other arc
        # Fixed convicts: one possible facility and no waiting. Add them as constants.
        fixed = mine[fixed_rows[rows]]
        if len(fixed):
            fixed_rows_of = np.searchsorted(block.groups, group_of[fixed])
            columns = allowed[fixed_rows_of].argmax(axis=1)
            facility_of[fixed] = block.facilities[columns]
            np.add.at(fixed_load, block.facilities[columns], 1)
            placed_terms.append(len(fixed))
            home_terms.append(int(at_home[fixed_rows_of, columns].sum()))
            distance_terms.append(int(block.distance_m[fixed_rows_of, columns].sum()))
            for i, column in zip(fixed[in_case[fixed]], columns[in_case[fixed]], strict=True):
                together.setdefault((str(case_of[i]), int(block.facilities[column])), []).append(1)
        # The others: one unit per group for ordinary convicts, one per case member.
        free_convicts = mine[~fixed_rows[rows]]
        ordinary = free_convicts[~in_case[free_convicts]]
        ordinary = ordinary[np.argsort(group_of[ordinary], kind="stable")]
        starts = np.flatnonzero(np.diff(group_of[ordinary], prepend=-1))
        units = np.split(ordinary, starts[1:]) if len(ordinary) else []
        units += [np.array([i]) for i in free_convicts[in_case[free_convicts]]]
        for members in units:
            row = int(np.searchsorted(block.groups, group_of[members[0]]))
            size = len(members)
            hinted = hint[members]
            arcs: list[tuple[int, cp_model.IntVar]] = []
            for column in np.flatnonzero(allowed[row] | np.isin(block.facilities, hinted)):
                f = int(block.facilities[column])
                var = model.new_int_var(0, size, "")
                model.add_hint(var, int((hinted == f).sum()))
                arcs.append((f, var))
                load.setdefault(f, []).append(var)
                placed_terms.append(var)
                if at_home[row, column]:
                    home_terms.append(var)
                distance_terms.append(int(block.distance_m[row, column]) * var)
                if in_case[members[0]]:
                    together.setdefault((str(case_of[members[0]]), f), []).append(var)
            total = sum(v for _, v in arcs)
            if waits[row] or not arcs:
                model.add(total <= size)
            else:
                model.add(total == size)
            decided.append((members, arcs))

    for f, variables in load.items():
        model.add(sum(variables) <= int(free[f] - fixed_load[f]))
    for members_at in together.values():
        if len(members_at) > 1:
            model.add(sum(members_at) <= 1)

    stages: list[tuple[list[cp_model.LinearExprT], bool]] = []
    if targets is None:
        stages.append((placed_terms, True))
        if options.objective is Objective.HOME_FIRST:
            stages.append((home_terms, True))
    else:
        model.add(sum(placed_terms) == targets[0])
        if targets[1] is not None:
            model.add(sum(home_terms) == targets[1])
    stages.append((distance_terms, False))

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.linearization_level = 2
    solver.parameters.max_time_in_seconds = options.time_limit_s
    optimal = True
    for terms, maximise in stages:
        expression = sum(terms)
        if maximise:
            model.maximize(expression)
        else:
            model.minimize(expression)
        status = solver.solve(model)
        if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID:
            raise SolverError(f"CP-SAT ended with status {solver.status_name(status)}")
        if status == cp_model.UNKNOWN:
            logger.warning(
                "no better allocation found within %.0f s; keeping the repaired one",
                options.time_limit_s,
            )
            return hint, False, "flow-repair"
        optimal &= status == cp_model.OPTIMAL
        model.clear_hints()  # type: ignore[no-untyped-call]
        for _, arcs in decided:
            for _, var in arcs:
                model.add_hint(var, solver.value(var))
        model.add(expression == round(solver.objective_value))

    for members, arcs in decided:
        cursor = 0
        for f, var in arcs:
            amount = solver.value(var)
            facility_of[members[cursor : cursor + amount]] = f
            cursor += amount
    return facility_of, optimal, "cp-sat"
