"""A naive per-convict model of the transfer campaign: the independent judge of the fast one.

Written apart from `rules.py` and `campaign.py` on purpose: eligibility comes from the plain
restatement in `reference.allowed`, there is one binary variable per convict and facility it
may end in (its current one, or a lawful one strictly closer to home), and the lexicographic
objective is solved in two stages with PuLP/CBC. Slow and obviously right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.allocation.reference import allowed
from optimizer.geo import DistanceSource, GreatCircle, metre_matrix


@dataclass(frozen=True, slots=True)
class ReferenceCampaign:
    home_after: int
    total_distance_m: int
    """Sum over all convicts of the distance from home after the campaign, metres."""
    moved: int
    facility_of: list[int]
    optimal: bool


def optimise_transfers_reference(
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    distances: DistanceSource | None = None,
    time_limit_s: float | None = None,
) -> ReferenceCampaign:
    """Most convicts at home, then least total distance; nobody farther, within capacity."""
    import pulp

    distances = distances or GreatCircle()
    metres = metre_matrix(
        distances,
        population["home_lat"],
        population["home_lon"],
        facilities["lat"],
        facilities["lon"],
    )
    row_of = {fid: j for j, fid in enumerate(facilities["facility_id"])}
    current = [row_of[fid] for fid in population["facility_id"]]
    pairs = _pairs(population, facilities, metres, current)
    home_region = population["home_region"].tolist()
    facility_region = facilities["region"].tolist()
    home = {p: home_region[p[0]] == facility_region[p[1]] for p in pairs}
    count = np.bincount(current, minlength=len(facilities))
    limit = np.maximum(facilities["capacity"].to_numpy(), count)

    problem, x = _one_place_each(pairs, limit)
    _keep_co_defendants_apart(problem, x, population, len(facilities))

    at_home = pulp.lpSum(var for p, var in x.items() if home[p])
    problem.setObjective(at_home)
    status = problem.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s))
    optimal = pulp.LpStatus[status] == "Optimal"
    problem += at_home >= round(pulp.value(at_home) or 0)
    distance = pulp.lpSum(int(metres[p]) * var for p, var in x.items())
    problem.sense = pulp.LpMinimize
    problem.setObjective(distance)
    status = problem.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s))
    optimal &= pulp.LpStatus[status] == "Optimal"

    facility_of = list(current)
    for (i, j), var in x.items():
        if (var.value() or 0) > 0.5:
            facility_of[i] = j
    return ReferenceCampaign(
        home_after=sum(home[i, facility_of[i]] for i in range(len(population))),
        total_distance_m=int(sum(metres[i, facility_of[i]] for i in range(len(population)))),
        moved=sum(f != c for f, c in zip(facility_of, current, strict=True)),
        facility_of=facility_of,
        optimal=optimal,
    )


def _pairs(
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    metres: npt.NDArray[np.int64],
    current: list[int],
) -> list[tuple[int, int]]:
    """(convict, facility) where each may end: where it is, or lawful and strictly closer."""
    facility_rows = [f for _, f in facilities.iterrows()]
    pairs = []
    for i, (_, convict) in enumerate(population.iterrows()):
        pairs.append((i, current[i]))
        pairs += [
            (i, j)
            for j, facility in enumerate(facility_rows)
            if j != current[i]
            and allowed(convict, facility)
            and metres[i, j] < metres[i, current[i]]
        ]
    return pairs


def _keep_co_defendants_apart(
    problem: Any, x: dict[tuple[int, int], Any], population: pd.DataFrame, n_facilities: int
) -> None:
    """At most one convict of a case in each facility."""
    import pulp

    cases: dict[str, list[int]] = {}
    for i, case in enumerate(population["case_id"]):
        if case:
            cases.setdefault(case, []).append(i)
    for members in cases.values():
        for j in range(n_facilities):
            together = [x[i, j] for i in members if (i, j) in x]
            if len(together) > 1:
                problem += pulp.lpSum(together) <= 1


def _one_place_each(
    pairs: list[tuple[int, int]], limit: npt.NDArray[np.int64]
) -> tuple[Any, dict[tuple[int, int], Any]]:
    """A binary variable per (convict, facility) pair: one place each, within the limits."""
    import pulp

    problem = pulp.LpProblem("transfers_reference", pulp.LpMaximize)
    x = {p: pulp.LpVariable(f"x_{p[0]}_{p[1]}", cat="Binary") for p in pairs}
    by_convict: dict[int, list[pulp.LpVariable]] = {}
    by_facility: dict[int, list[pulp.LpVariable]] = {}
    for (i, j), var in x.items():
        by_convict.setdefault(i, []).append(var)
        by_facility.setdefault(j, []).append(var)
    for variables in by_convict.values():
        problem += pulp.lpSum(variables) == 1
    for j, variables in by_facility.items():
        problem += pulp.lpSum(variables) <= int(limit[j])
    return problem, x
