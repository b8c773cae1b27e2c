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
from optimizer.transfers.limits import CampaignLimits


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
    *,
    limits: CampaignLimits | None = None,
    movable: list[bool] | None = None,
) -> ReferenceCampaign:
    """Most convicts at home, then least total distance, then fewest moves; nobody farther,
    within capacity. With `limits`: only the `movable` convicts move (everyone when None),
    each move saves at least the minimum, and the cap, the one-way pairs and the escort seats
    over the horizon hold."""
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
    pairs = _limited_pairs(population, facilities, metres, current, limits, movable)
    home_region = population["home_region"].tolist()
    facility_region = facilities["region"].tolist()
    home = {p: home_region[p[0]] == facility_region[p[1]] for p in pairs}
    count = np.bincount(current, minlength=len(facilities))
    limit = np.maximum(facilities["capacity"].to_numpy(), count)

    problem, x = _one_place_each(pairs, limit)
    _keep_co_defendants_apart(problem, x, population, len(facilities))
    moves = [(i, j, var) for (i, j), var in x.items() if j != current[i]]
    if limits is not None:
        _escort_limits(problem, moves, current, facility_region, limits)

    at_home = pulp.lpSum(var for p, var in x.items() if home[p])
    distance = pulp.lpSum(int(metres[p]) * var for p, var in x.items())
    moving = pulp.lpSum(var for _, _, var in moves)
    optimal = _solve_in_stages(
        problem, [(at_home, True), (distance, False), (moving, False)], time_limit_s
    )

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


def _limited_pairs(
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    metres: npt.NDArray[np.int64],
    current: list[int],
    limits: CampaignLimits | None,
    movable: list[bool] | None,
) -> list[tuple[int, int]]:
    """The pairs of `_pairs` that a movable convict's move saving at least the minimum, out of
    a region with escort seats, keeps."""
    min_saved = 1 if limits is None else limits.min_saved_m
    movers = movable if movable is not None else [True] * len(population)
    region = facilities["region"].tolist()
    leaves = [limits is None or limits.escorts_from(region[c]) for c in current]
    return [
        (i, j)
        for i, j in _pairs(population, facilities, metres, current)
        if j == current[i]
        or (movers[i] and leaves[i] and metres[i, current[i]] - metres[i, j] >= min_saved)
    ]


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


def _escort_limits(
    problem: Any,
    moves: list[tuple[int, int, Any]],
    current: list[int],
    facility_region: list[str],
    limits: CampaignLimits,
) -> None:
    """The cap, no facility pair both ways, and the seats leaving each region over the
    horizon, stated per convict."""
    import pulp

    if limits.max_moves is not None:
        problem += pulp.lpSum(var for _, _, var in moves) <= limits.max_moves
    along: dict[tuple[int, int], list[Any]] = {}
    for i, j, var in moves:
        along.setdefault((current[i], j), []).append(var)
    for (a, b), there in along.items():
        back = along.get((b, a))
        if back is not None and a < b:
            for u in there:
                for v in back:
                    problem += u + v <= 1
    if limits.max_weeks is not None:
        leaving: dict[str, list[Any]] = {}
        for i, _, var in moves:
            leaving.setdefault(facility_region[current[i]], []).append(var)
        for region, out in leaving.items():
            problem += pulp.lpSum(out) <= limits.seats(region) * limits.max_weeks


def _solve_in_stages(
    problem: Any, stages: list[tuple[Any, bool]], time_limit_s: float | None
) -> bool:
    """Solve each objective (maximise when True) in turn, keeping the optimum of the ones before;
    whether every stage was proven optimal."""
    import pulp

    optimal = True
    for objective, maximise in stages:
        problem.sense = pulp.LpMaximize if maximise else pulp.LpMinimize
        problem.setObjective(objective)
        status = problem.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s))
        optimal &= pulp.LpStatus[status] == "Optimal"
        best = round(pulp.value(objective) or 0)
        problem += (objective >= best) if maximise else (objective <= best)
    return optimal
