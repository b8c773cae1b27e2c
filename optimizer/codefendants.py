"""The exact integer model used when co-defendants would otherwise share a facility.

Same groups and arcs as the flow model, except that members of a shared case become units of
one convict each, with "at most one member of a case per facility". CP-SAT solves the
lexicographic objective in stages: most placed, then (home-first) most placed at home, then
least total distance, each stage keeping the optimum of the one before.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.domain import Objective, SolveOptions, SolverError
from optimizer.model import ClassBlock, IntArray


def solve_with_separation(
    convicts: pd.DataFrame,
    groups: pd.DataFrame,
    group_of: npt.NDArray[np.intp],
    blocks: list[ClassBlock],
    free: IntArray,
    cases: pd.Series,
    options: SolveOptions,
) -> tuple[npt.NDArray[np.intp], bool]:
    """Per convict, the facility row (or -1), and whether every stage was proven optimal."""
    from ortools.sat.python import cp_model

    case_of = cases.to_numpy()
    in_case = case_of != ""
    counts = np.bincount(group_of[~in_case], minlength=len(groups))
    block_of_group = groups["class"].to_numpy()

    # A unit is a group's convicts outside shared cases, or one case member.
    unit_group = list(range(len(groups))) + [int(g) for g in group_of[in_case]]
    unit_size = list(counts) + [1] * int(in_case.sum())
    member_units = range(len(groups), len(unit_group))

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    placed_terms, home_terms, distance_terms = [], [], []
    by_facility: dict[int, list[cp_model.IntVar]] = {}
    for unit, (group, size) in enumerate(zip(unit_group, unit_size, strict=True)):
        if size == 0:
            continue
        block = blocks[int(block_of_group[group])]
        row = int(np.searchsorted(block.groups, group))
        arcs = []
        for column, facility in enumerate(block.facilities):
            var = model.new_int_var(0, size, f"x_{unit}_{facility}")
            x[unit, int(facility)] = var
            arcs.append(var)
            by_facility.setdefault(int(facility), []).append(var)
            distance_terms.append(int(block.distance_m[row, column]) * var)
            if block.cost[row, column] == block.distance_m[row, column]:
                home_terms.append(var)
        if arcs:
            model.add(sum(arcs) <= size)
            placed_terms.extend(arcs)
    for facility, variables in by_facility.items():
        model.add(sum(variables) <= int(free[facility]))
    case_members: dict[str, list[int]] = {}
    for unit, convict in zip(member_units, np.flatnonzero(in_case), strict=True):
        case_members.setdefault(str(case_of[convict]), []).append(unit)
    for units in case_members.values():
        for facility in {f for (u, f) in x if u in units}:
            together = [x[u, facility] for u in units if (u, facility) in x]
            if len(together) > 1:
                model.add(sum(together) <= 1)

    stages: list[tuple[list[cp_model.LinearExprT], bool]] = [(placed_terms, True)]
    if options.objective is Objective.HOME_FIRST and blocks and any(
        (b.cost != b.distance_m).any() for b in blocks
    ):
        stages.append((home_terms, True))
    stages.append((distance_terms, False))

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    optimal = True
    for terms, maximise in stages:
        expression = sum(terms) if terms else 0
        if maximise:
            model.maximize(expression)
        else:
            model.minimize(expression)
        solver.parameters.max_time_in_seconds = options.time_limit_s
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise SolverError(f"CP-SAT ended with status {solver.status_name(status)}")
        optimal &= status == cp_model.OPTIMAL
        value = int(round(solver.objective_value))
        model.clear_hints()
        for (unit, facility), var in x.items():
            model.add_hint(var, solver.value(var))
        if terms:
            model.add(expression == value)

    facility_of = np.full(len(convicts), -1, dtype=np.intp)
    ordinary = np.flatnonzero(~in_case)
    ordinary = ordinary[np.argsort(group_of[ordinary], kind="stable")]
    starts = np.searchsorted(group_of[ordinary], np.arange(len(groups) + 1))
    for group in range(len(groups)):
        members = ordinary[starts[group] : starts[group + 1]]
        cursor = 0
        block = blocks[int(block_of_group[group])]
        for facility in block.facilities:
            amount = solver.value(x[group, int(facility)]) if (group, int(facility)) in x else 0
            facility_of[members[cursor : cursor + amount]] = facility
            cursor += amount
    for unit, convict in zip(member_units, np.flatnonzero(in_case), strict=True):
        for facility in blocks[int(block_of_group[unit_group[unit]])].facilities:
            if solver.value(x[unit, int(facility)]):
                facility_of[convict] = facility
    return facility_of, optimal
