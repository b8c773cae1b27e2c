"""Naive per-convict models: the independent reference for tests and the baseline for benchmarks.

Written apart from `rules.py` and `model.py` on purpose: eligibility is re-stated here in plain
Python, one binary variable per convict and eligible facility, and the lexicographic objective
is solved in stages. Slow, obviously right, and so a fair judge of the fast engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from optimizer.domain import Objective
from optimizer.geo import DistanceSource, GreatCircle

Backend = Literal["pulp-cbc", "cp-sat"]


@dataclass(frozen=True, slots=True)
class ReferenceResult:
    placed: int
    placed_home: int
    total_distance_m: int
    facility_of: list[int]
    optimal: bool


def allowed(convict: pd.Series, facility: pd.Series) -> bool:
    """Every hard eligibility rule for one convict and one facility, stated plainly."""
    juvenile = int(convict["age"]) < 18
    need = str(convict["medical_need"])
    profiles = {p.strip() for p in str(facility["medical_profile"]).split(";")} - {""}
    history = str(convict.get("criminal_history", "first-time"))
    held = str(facility.get("criminal_history", "both"))
    lifer = bool(convict.get("life_sentence", False))
    for_lifers = bool(facility.get("for_life_sentences", False))
    return bool(
        convict["security_level"] == facility["security_level"]
        and convict["sex"] == facility["sex"]
        and (facility["age_category"] == "juvenile") == juvenile
        and (need in profiles if need else not profiles)
        and bool(convict["former_officer"]) == bool(facility["for_former_officers"])
        and lifer == for_lifers
        and (facility["security_level"] == "minimum" or held in ("both", history))
    )


def solve_reference(
    convicts: pd.DataFrame,
    facilities: pd.DataFrame,
    objective: Objective = Objective.HOME_FIRST,
    distances: DistanceSource | None = None,
    backend: Backend = "pulp-cbc",
    time_limit_s: float | None = None,
) -> ReferenceResult:
    distances = distances or GreatCircle()
    km = distances.matrix(
        convicts["home_lat"].to_numpy(float),
        convicts["home_lon"].to_numpy(float),
        facilities["lat"].to_numpy(float),
        facilities["lon"].to_numpy(float),
    )
    metres = np.rint(km * 1000.0).astype(np.int64)
    facility_rows = [f for _, f in facilities.iterrows()]
    pairs = [
        (i, j)
        for i, (_, convict) in enumerate(convicts.iterrows())
        for j, facility in enumerate(facility_rows)
        if allowed(convict, facility)
    ]
    home_region = convicts["home_region"].to_numpy()
    region = facilities["region"].to_numpy()
    home: dict[tuple[int, int], bool] = {(i, j): home_region[i] == region[j] for i, j in pairs}
    free = (facilities["capacity"] - facilities["occupied"]).to_numpy()
    cases: dict[str, list[int]] = {}
    for i, case in enumerate(convicts["case_id"]):
        if case:
            cases.setdefault(case, []).append(i)
    stages: list[tuple[dict[tuple[int, int], int], bool]] = [({p: 1 for p in pairs}, True)]
    if objective is Objective.HOME_FIRST:
        stages.append(({p: int(home[p]) for p in pairs}, True))
    stages.append(({p: int(metres[p]) for p in pairs}, False))
    solve = _solve_pulp if backend == "pulp-cbc" else _solve_cp_sat
    chosen, optimal = solve(len(convicts), pairs, free, cases, stages, time_limit_s)
    facility_of = [-1] * len(convicts)
    for i, j in chosen:
        facility_of[i] = j
    return ReferenceResult(
        placed=len(chosen),
        placed_home=sum(home[p] for p in chosen),
        total_distance_m=int(sum(metres[p] for p in chosen)),
        facility_of=facility_of,
        optimal=optimal,
    )


Stages = list[tuple[dict[tuple[int, int], int], bool]]


def _solve_pulp(
    n: int,
    pairs: list[tuple[int, int]],
    free: np.ndarray,
    cases: dict[str, list[int]],
    stages: Stages,
    time_limit_s: float | None,
) -> tuple[list[tuple[int, int]], bool]:
    import pulp

    problem = pulp.LpProblem("reference", pulp.LpMinimize)
    x = {p: pulp.LpVariable(f"x_{p[0]}_{p[1]}", cat="Binary") for p in pairs}
    by_convict: dict[int, list[pulp.LpVariable]] = {}
    by_facility: dict[int, list[pulp.LpVariable]] = {}
    for (i, j), var in x.items():
        by_convict.setdefault(i, []).append(var)
        by_facility.setdefault(j, []).append(var)
    for variables in by_convict.values():
        problem += pulp.lpSum(variables) <= 1
    for j, variables in by_facility.items():
        problem += pulp.lpSum(variables) <= int(free[j])
    for members in cases.values():
        for j in by_facility:
            together = [x[i, j] for i in members if (i, j) in x]
            if len(together) > 1:
                problem += pulp.lpSum(together) <= 1
    optimal = True
    for weights, maximise in stages:
        expression = pulp.lpSum(w * x[p] for p, w in weights.items())
        problem.sense = pulp.LpMaximize if maximise else pulp.LpMinimize
        problem.setObjective(expression)
        status = problem.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s))
        optimal &= pulp.LpStatus[status] == "Optimal"
        if not x:
            break
        value = round(pulp.value(expression) or 0)
        problem += expression == value
    chosen = [p for p, var in x.items() if (var.value() or 0) > 0.5]
    return chosen, optimal


def _solve_cp_sat(
    n: int,
    pairs: list[tuple[int, int]],
    free: np.ndarray,
    cases: dict[str, list[int]],
    stages: Stages,
    time_limit_s: float | None,
) -> tuple[list[tuple[int, int]], bool]:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = {p: model.new_bool_var(f"x_{p[0]}_{p[1]}") for p in pairs}
    by_convict: dict[int, list[cp_model.IntVar]] = {}
    by_facility: dict[int, list[cp_model.IntVar]] = {}
    for (i, j), var in x.items():
        by_convict.setdefault(i, []).append(var)
        by_facility.setdefault(j, []).append(var)
    for variables in by_convict.values():
        model.add_at_most_one(variables)
    for j, variables in by_facility.items():
        model.add(sum(variables) <= int(free[j]))
    for members in cases.values():
        for j in by_facility:
            together = [x[i, j] for i in members if (i, j) in x]
            if len(together) > 1:
                model.add_at_most_one(together)
    solver = cp_model.CpSolver()
    if time_limit_s is not None:
        solver.parameters.max_time_in_seconds = time_limit_s
    optimal = True
    status = cp_model.OPTIMAL
    for weights, maximise in stages:
        expression = sum(w * x[p] for p, w in weights.items())
        if maximise:
            model.maximize(expression)
        else:
            model.minimize(expression)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return [], False
        optimal &= status == cp_model.OPTIMAL
        model.add(expression == round(solver.objective_value))
    return [p for p, var in x.items() if solver.value(var)], optimal
