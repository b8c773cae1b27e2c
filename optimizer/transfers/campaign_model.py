"""The exact integer model of a campaign under an escort service's limits (a MIP, SCIP).

One integer variable per group of interchangeable convicts and facility it may move to: how
many of the group move there. The limits that a min-cost flow cannot state are side
constraints: no facility pair exchanging convicts both ways (one binary per pair that has arcs
both ways), the overall cap, and the weekly escort seats over the horizon. The objective is
solved in three stages, each fixing the optimum of the one before: most convicts newly in their
home region, then most metres saved, then fewest moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from ortools.linear_solver import pywraplp

from optimizer.domain import SolverError
from optimizer.transfers.limits import CampaignLimits
from optimizer.transfers.placed import BoolArray, IntArray, Placed, RowArray

Vars = list[pywraplp.Variable]
SOLVER = "SCIP"

STAGES = ("max-newly-home", "max-km-saved", "min-moves")


@dataclass(frozen=True)
class CampaignArcs:
    """The moves a campaign may make: per arc its group, facility, and what one move yields."""

    group: RowArray
    facility: RowArray
    current: RowArray
    """Per arc, the facility the group serves in now."""
    home_gain: IntArray
    """Per arc, +1 when the move brings a convict into the home region, -1 when out of it."""
    saved_m: IntArray
    size: IntArray
    """Per arc, how many of its group may move (the group's count)."""
    solo_member: RowArray
    """Per arc, the convict row of a co-defendant's group of one, else -1."""


def campaign_arcs(
    placed: Placed,
    groups: pd.DataFrame,
    metres: IntArray,
    movers: BoolArray,
    limits: CampaignLimits,
) -> CampaignArcs:
    """Arcs of movable groups to lawful facilities that save at least the minimum distance,
    out of regions whose escort trains have seats."""
    n_groups = len(groups)
    current = groups["current"].to_numpy(np.intp)
    stay = metres[np.arange(n_groups), current]
    saved = stay[:, None] - metres
    arc = placed.allowed[groups["class"].to_numpy(np.intp)] & (saved >= limits.min_saved_m)
    region = placed.facilities["region"].to_numpy()
    escorted = np.array([limits.escorts_from(str(r)) for r in region], dtype=bool)
    arc &= (movers & escorted[current])[:, None]
    arc[np.arange(n_groups), current] = False
    group, facility = np.nonzero(arc)
    home = groups["home_region"].to_numpy()[group]
    gain = (home == region[facility]).astype(np.int64) - (home == region[current[group]]).astype(
        np.int64
    )
    return CampaignArcs(
        group=group.astype(np.intp),
        facility=facility.astype(np.intp),
        current=current[group],
        home_gain=gain,
        saved_m=saved[group, facility].astype(np.int64),
        size=groups["count"].to_numpy(np.int64)[group],
        solo_member=groups["solo"].to_numpy(np.intp)[group],
    )


@dataclass(frozen=True)
class ModelResult:
    flows: IntArray
    """Per arc, how many move along it."""
    optimal: bool
    wall_s: float


def solve_campaign_model(
    placed: Placed, arcs: CampaignArcs, limits: CampaignLimits, time_limit_s: float
) -> ModelResult:
    """The lexicographic optimum over the arcs under every limit, each stage proven with a
    zero gap within `time_limit_s`; out of time, the best found so far (moving nobody when
    nothing was found), not proven optimal. SolverError if the solver fails otherwise."""
    solver = pywraplp.Solver.CreateSolver(SOLVER)
    if solver is None:
        raise SolverError(f"the {SOLVER} solver is not available")
    solver.SetNumThreads(1)
    x = [solver.IntVar(0, int(s), f"x{k}") for k, s in enumerate(arcs.size)]
    _group_and_capacity(solver, placed, arcs, x)
    _co_defendants(solver, placed, arcs, x)
    _one_way_pairs(solver, arcs, x)
    _caps(solver, placed, arcs, x, limits)
    stages = [
        (arcs.home_gain, True),
        (arcs.saved_m, True),
        (np.ones(len(x), dtype=np.int64), False),
    ]
    exact = pywraplp.MPSolverParameters()
    exact.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 0.0)
    optimal, wall, values = True, 0.0, [0] * len(x)
    for weights, maximise in stages:
        solver.SetTimeLimit(max(round((time_limit_s - wall) * 1000), 1000))
        objective = solver.Sum([int(w) * v for w, v in zip(weights, x, strict=True)])
        (solver.Maximize if maximise else solver.Minimize)(objective)
        status = solver.Solve(exact)
        wall = solver.wall_time() / 1000.0
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            if status != pywraplp.Solver.NOT_SOLVED:
                raise SolverError(f"the campaign model ended with status {status}")
            # Out of time before any solution of this stage: keep the previous stage's.
            optimal = False
            break
        optimal &= status == pywraplp.Solver.OPTIMAL
        best = round(solver.Objective().Value())
        values = [round(v.solution_value()) for v in x]
        if maximise:
            solver.Add(objective >= best - 0.5)
        else:
            solver.Add(objective <= best + 0.5)
    flows = np.array(values, dtype=np.int64)
    return ModelResult(flows=flows, optimal=optimal, wall_s=wall)


def _group_and_capacity(
    solver: pywraplp.Solver, placed: Placed, arcs: CampaignArcs, x: Vars
) -> None:
    """Each group moves at most its members; each facility ends within its capacity."""
    by_group: dict[int, list[int]] = {}
    for k, g in enumerate(arcs.group):
        by_group.setdefault(int(g), []).append(k)
    for ks in by_group.values():
        solver.Add(solver.Sum([x[k] for k in ks]) <= int(arcs.size[ks[0]]))
    room = np.maximum(placed.capacity, placed.count) - placed.count
    inflow: dict[int, list[int]] = {}
    outflow: dict[int, list[int]] = {}
    for k in range(len(x)):
        inflow.setdefault(int(arcs.facility[k]), []).append(k)
        outflow.setdefault(int(arcs.current[k]), []).append(k)
    for j, ks in inflow.items():
        arriving = solver.Sum([x[k] for k in ks])
        leaving = solver.Sum([x[k] for k in outflow.get(j, [])])
        solver.Add(arriving - leaving <= int(room[j]))


def _co_defendants(solver: pywraplp.Solver, placed: Placed, arcs: CampaignArcs, x: Vars) -> None:
    """No two of a case end in one facility unless they serve there together today."""
    case = placed.shared_cases().to_numpy()
    solo = np.flatnonzero(arcs.solo_member >= 0)
    if len(solo) == 0:
        return
    out_of: dict[int, list[int]] = {}
    into: dict[tuple[str, int], list[int]] = {}
    for k in solo:
        member = int(arcs.solo_member[k])
        out_of.setdefault(member, []).append(int(k))
        into.setdefault((str(case[member]), int(arcs.facility[k])), []).append(int(k))
    rows = np.flatnonzero(case != "")
    there_now: dict[tuple[str, int], list[int]] = {}
    for m in rows:
        there_now.setdefault((str(case[m]), int(placed.current[m])), []).append(int(m))
    for key, ks in into.items():
        there = there_now.get(key, [])
        leaving = [x[k] for m in there for k in out_of.get(m, [])]
        ending = solver.Sum([x[k] for k in ks]) + len(there) - solver.Sum(leaving)
        solver.Add(ending <= max(len(there), 1))


def _one_way_pairs(solver: pywraplp.Solver, arcs: CampaignArcs, x: Vars) -> None:
    """No two facilities exchange convicts in both directions: one binary per pair with arcs
    both ways chooses the direction that may carry moves."""
    by_pair: dict[tuple[int, int], list[int]] = {}
    for k in range(len(x)):
        by_pair.setdefault((int(arcs.current[k]), int(arcs.facility[k])), []).append(k)
    for (a, b), forward in by_pair.items():
        backward = by_pair.get((b, a))
        if backward is None or a > b:
            continue
        way = solver.BoolVar(f"way_{a}_{b}")
        for k in forward:
            solver.Add(x[k] <= int(arcs.size[k]) * way)
        for k in backward:
            solver.Add(x[k] <= int(arcs.size[k]) * (1 - way))


def _caps(
    solver: pywraplp.Solver,
    placed: Placed,
    arcs: CampaignArcs,
    x: Vars,
    limits: CampaignLimits,
) -> None:
    """The overall cap on moves and, over a horizon, the escort seats leaving each region."""
    if limits.max_moves is not None:
        solver.Add(solver.Sum(x) <= limits.max_moves)
    if limits.max_weeks is None:
        return
    region = placed.facilities["region"].to_numpy()[arcs.current]
    for r in sorted(set(region)):
        leaving = [x[k] for k in np.flatnonzero(region == r)]
        solver.Add(solver.Sum(leaving) <= limits.seats(str(r)) * limits.max_weeks)
