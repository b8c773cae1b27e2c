"""The exact integer model used when co-defendants would otherwise share a facility.

Same groups and arcs as the flow model, except that members of a shared case become units of
one convict each, with "at most one member of a case per facility".

Usually the flow (a relaxation) is nearly right: a repair moves clashing co-defendants to their
next free facilities. When the repaired allocation places as many convicts (and, for home-first,
as many at home) as the relaxation, those counts are optimal and only distance is left; then an
arc whose reduced cost in the relaxation exceeds the repair's distance gap cannot carry flow in
any better allocation and is left out (reduced-cost fixing), which keeps the CP-SAT model small.
Otherwise CP-SAT solves the whole lexicographic objective in stages: most placed, then
(home-first) most at home, then least distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.domain import Objective, SolveOptions, SolverError
from optimizer.model import ClassBlock, FloatArray, IntArray


@dataclass(frozen=True)
class Relaxation:
    """The optimal flow without the co-defendant rule, with its potentials."""

    facility_of: npt.NDArray[np.intp]
    group_potential: FloatArray
    facility_potential: FloatArray
    sink_potential: float
    unplaced_penalty: int
    facility_region: npt.NDArray[np.object_]


@dataclass
class _Units:
    """A unit is a group's convicts outside shared cases, or one case member."""

    group: npt.NDArray[np.intp]
    size: IntArray
    convicts: list[npt.NDArray[np.intp]]


def solve_with_separation(
    groups: pd.DataFrame,
    group_of: npt.NDArray[np.intp],
    blocks: list[ClassBlock],
    free: IntArray,
    cases: pd.Series,
    options: SolveOptions,
    relaxation: Relaxation,
) -> tuple[npt.NDArray[np.intp], bool]:
    """Per convict, the facility row (or -1), and whether the result is proven optimal."""
    units = _units(groups, group_of, cases)
    costs = _convict_costs(blocks, groups, group_of, relaxation)
    repaired = _repair(relaxation.facility_of, cases, groups, group_of, blocks, free)
    tiers = 2 if options.objective is Objective.HOME_FIRST else 1
    if costs.tiers(repaired)[:tiers] == costs.tiers(relaxation.facility_of)[:tiers]:
        gap = costs(repaired) - costs(relaxation.facility_of)
        keep = _arcs_within(units, blocks, groups, relaxation, gap)
        return _solve_cp_sat(units, blocks, groups, free, cases, options, keep, repaired, relaxation, costs)
    return _solve_cp_sat(units, blocks, groups, free, cases, options, None, repaired, relaxation, costs)


def _units(groups: pd.DataFrame, group_of: npt.NDArray[np.intp], cases: pd.Series) -> _Units:
    in_case = cases.to_numpy() != ""
    ordinary = np.flatnonzero(~in_case)
    ordinary = ordinary[np.argsort(group_of[ordinary], kind="stable")]
    starts = np.searchsorted(group_of[ordinary], np.arange(len(groups) + 1))
    members = np.flatnonzero(in_case)
    return _Units(
        group=np.concatenate([np.arange(len(groups)), group_of[members]]).astype(np.intp),
        size=np.concatenate([np.diff(starts), np.ones(len(members))]).astype(np.int64),
        convicts=[ordinary[starts[g] : starts[g + 1]] for g in range(len(groups))]
        + [np.array([m]) for m in members],
    )


class _CostOf:
    """The weighted cost of a whole allocation, and its tiers."""

    def __init__(
        self,
        per_group: dict[int, dict[int, int]],
        home: dict[int, dict[int, bool]],
        group_of: npt.NDArray[np.intp],
        penalty: int,
    ) -> None:
        self.per_group = per_group
        self.home = home
        self.group_of = group_of
        self.penalty = penalty

    def __call__(self, facility_of: npt.NDArray[np.intp]) -> int:
        total = 0
        for i, f in enumerate(facility_of):
            total += self.penalty if f < 0 else self.per_group[int(self.group_of[i])][int(f)]
        return total

    def tiers(self, facility_of: npt.NDArray[np.intp]) -> tuple[int, int]:
        """(placed, placed at home): the tiers above distance."""
        placed = home = 0
        for i, f in enumerate(facility_of):
            if f >= 0:
                placed += 1
                home += self.home[int(self.group_of[i])][int(f)]
        return placed, home


def _convict_costs(
    blocks: list[ClassBlock], groups: pd.DataFrame, group_of: npt.NDArray[np.intp], relaxation: Relaxation
) -> _CostOf:
    used_groups = np.unique(group_of)
    per_group: dict[int, dict[int, int]] = {}
    home: dict[int, dict[int, bool]] = {}
    region = groups["home_region"].to_numpy()
    for g in used_groups:
        block = blocks[int(groups["class"].iat[int(g)])]
        row = int(np.searchsorted(block.groups, g))
        facilities = block.facilities.tolist()
        per_group[int(g)] = dict(zip(facilities, block.cost[row].tolist(), strict=True))
        at_home = (relaxation.facility_region[block.facilities] == region[g]).tolist()
        home[int(g)] = dict(zip(facilities, at_home, strict=True))
    return _CostOf(per_group, home, group_of, relaxation.unplaced_penalty)


def _repair(
    facility_of: npt.NDArray[np.intp],
    cases: pd.Series,
    groups: pd.DataFrame,
    group_of: npt.NDArray[np.intp],
    blocks: list[ClassBlock],
    free: IntArray,
) -> npt.NDArray[np.intp]:
    """Move clashing co-defendants to their cheapest free, clash-free facility, or unplace them."""
    repaired = facility_of.copy()
    left = free - np.bincount(repaired[repaired >= 0], minlength=len(free))
    members = pd.DataFrame({"case": cases.to_numpy(), "i": np.arange(len(cases))})
    for _, case in members[members["case"] != ""].groupby("case", sort=True)["i"]:
        taken: set[int] = set()
        for i in case.to_numpy():
            f = int(repaired[i])
            if f < 0 or f not in taken:
                taken.add(f)
                continue
            left[f] += 1
            repaired[i] = -1
            g = int(group_of[i])
            block = blocks[int(groups["class"].iat[g])]
            row = int(np.searchsorted(block.groups, g))
            for k in np.argsort(block.cost[row], kind="stable"):
                candidate = int(block.facilities[k])
                if left[candidate] > 0 and candidate not in taken:
                    repaired[i] = candidate
                    left[candidate] -= 1
                    taken.add(candidate)
                    break
    return repaired


def _arcs_within(
    units: _Units, blocks: list[ClassBlock], groups: pd.DataFrame, relaxation: Relaxation, gap: int
) -> dict[int, tuple[npt.NDArray[np.intp], bool]]:
    """Per group, the facilities whose reduced cost is within the gap, and whether it may stay unplaced."""
    keep: dict[int, tuple[npt.NDArray[np.intp], bool]] = {}
    for g in np.unique(units.group):
        block = blocks[int(groups["class"].iat[int(g)])]
        row = int(np.searchsorted(block.groups, g))
        reduced = (
            block.cost[row]
            + relaxation.group_potential[g]
            - relaxation.facility_potential[block.facilities]
        )
        unplaced = relaxation.unplaced_penalty + relaxation.group_potential[g] - relaxation.sink_potential
        keep[int(g)] = (block.facilities[reduced <= gap + 0.5], bool(unplaced <= gap + 0.5))
    return keep


def _solve_cp_sat(
    units: _Units,
    blocks: list[ClassBlock],
    groups: pd.DataFrame,
    free: IntArray,
    cases: pd.Series,
    options: SolveOptions,
    keep: dict[int, tuple[npt.NDArray[np.intp], bool]] | None,
    hint: npt.NDArray[np.intp],
    relaxation: Relaxation,
    costs: _CostOf,
) -> tuple[npt.NDArray[np.intp], bool]:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    unit_arcs: list[list[tuple[int, cp_model.IntVar]]] = [[] for _ in units.size]
    placed_terms, home_terms, distance_terms = [], [], []
    by_facility: dict[int, list[cp_model.IntVar]] = {}
    for unit, (group, size) in enumerate(zip(units.group, units.size, strict=True)):
        if size == 0:
            continue
        block = blocks[int(groups["class"].iat[int(group)])]
        row = int(np.searchsorted(block.groups, group))
        allowed, may_wait = keep[int(group)] if keep is not None else (block.facilities, True)
        hinted = np.bincount(hint[units.convicts[unit]][hint[units.convicts[unit]] >= 0], minlength=len(free))
        arcs = []
        for column, facility in enumerate(block.facilities):
            f = int(facility)
            if f not in allowed and hinted[f] == 0:
                continue
            var = model.new_int_var(0, int(size), f"x_{unit}_{f}")
            model.add_hint(var, int(hinted[f]))
            x[unit, f] = var
            unit_arcs[unit].append((f, var))
            arcs.append(var)
            by_facility.setdefault(f, []).append(var)
            distance_terms.append(int(block.distance_m[row, column]) * var)
            if block.cost[row, column] == block.distance_m[row, column]:
                home_terms.append(var)
        placed_terms.extend(arcs)
        if may_wait or not arcs:
            model.add(sum(arcs) <= int(size))
        else:
            model.add(sum(arcs) == int(size))
    for facility, variables in by_facility.items():
        model.add(sum(variables) <= int(free[facility]))
    case_of = cases.to_numpy()
    members: dict[str, list[int]] = {}
    for unit in range(len(groups), len(units.group)):
        members.setdefault(str(case_of[units.convicts[unit][0]]), []).append(unit)
    for case_units in members.values():
        for facility in {f for u in case_units for f, _ in unit_arcs[u]}:
            together = [x[u, facility] for u in case_units if (u, facility) in x]
            if len(together) > 1:
                model.add_at_most_one(together)

    home_first = options.objective is Objective.HOME_FIRST
    stages: list[tuple[list[cp_model.LinearExprT], bool]] = []
    if keep is None:
        stages.append((placed_terms, True))
        if home_first:
            stages.append((home_terms, True))
    else:
        model.add(sum(placed_terms) == int((relaxation.facility_of >= 0).sum()))
        if home_first:
            placed_home = costs.tiers(relaxation.facility_of)[1]
            model.add(sum(home_terms) == placed_home)
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
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise SolverError(f"CP-SAT ended with status {solver.status_name(status)}")
        optimal &= status == cp_model.OPTIMAL
        model.clear_hints()
        for var in x.values():
            model.add_hint(var, solver.value(var))
        model.add(expression == int(round(solver.objective_value)))

    facility_of = np.full(len(hint), -1, dtype=np.intp)
    for unit, members_of_unit in enumerate(units.convicts):
        cursor = 0
        for f, var in unit_arcs[unit]:
            amount = solver.value(var)
            facility_of[members_of_unit[cursor : cursor + amount]] = f
            cursor += amount
    return facility_of, optimal

