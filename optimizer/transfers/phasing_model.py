"""The exact weekly schedule of a campaign's moves (CP-SAT): is there one in W weeks?

Moves along the same facility pair are interchangeable unless a co-defendant is among them, so
the model has one integer per group of interchangeable moves and week: how many go that week.
Constraints: each group goes whole; the seats leaving each region per week; at every week's end
each facility within its limit and each case's members within what they are allowed together.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from optimizer.transfers.limits import CampaignLimits
from optimizer.transfers.placed import IntArray, Placed, RowArray

StrArray = npt.NDArray[np.str_]


@dataclass(frozen=True, eq=False)
class MoveItems:
    """A campaign's moves, in priority order, with what scheduling them needs."""

    convict: RowArray
    origin: RowArray
    target: RowArray
    region: StrArray
    """Per move, the region it leaves (whose escort seats it takes)."""
    case: StrArray
    """Per move, the convict's case when a co-defendant is in the population, else ''."""
    count: IntArray
    """Per facility, convicts there today."""
    limit: IntArray
    """Per facility, the most it may hold at a week's end: its capacity, or today's count."""
    seats: dict[str, int] | None
    """Weekly escort seats per region; None when not limited."""
    case_now: list[tuple[str, int]]
    """(case, facility) of every convict in a shared case, today."""

    @classmethod
    def of(
        cls, placed: Placed, movers: RowArray, to: RowArray, limits: CampaignLimits
    ) -> MoveItems:
        case = placed.shared_cases().to_numpy().astype(str)
        origin = placed.current[movers]
        in_case = np.flatnonzero(case != "")
        return cls(
            convict=movers,
            origin=origin,
            target=to,
            region=placed.facilities["region"].to_numpy().astype(str)[origin],
            case=case[movers],
            count=placed.count,
            limit=np.maximum(placed.capacity, placed.count),
            seats=dict(limits.escort_seats) if limits.escort_seats else None,
            case_now=[(str(case[i]), int(placed.current[i])) for i in in_case],
        )

    def groups(self) -> tuple[list[list[int]], RowArray]:
        """Interchangeable moves (same pair, no co-defendant), each list in priority order;
        and per move its group."""
        keys = [
            (int(a), int(b), int(i) if c else -1)
            for a, b, c, i in zip(self.origin, self.target, self.case, self.convict, strict=True)
        ]
        index: dict[tuple[int, int, int], int] = {}
        group_of = np.array([index.setdefault(k, len(index)) for k in keys], dtype=np.intp)
        members: list[list[int]] = [[] for _ in index]
        for m, g in enumerate(group_of):
            members[g].append(m)
        return members, group_of


def schedule_exactly(
    items: MoveItems, lower: int, upper: int, time_limit_s: float
) -> tuple[IntArray, bool] | None:
    """The fewest weeks from `lower` to `upper` with a lawful schedule: per move its week and
    whether every smaller count was proven impossible; None when nothing was found in time."""
    deadline = time.monotonic() + time_limit_s
    proven = True
    for weeks in range(max(lower, 1), max(upper, lower, 1) + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        status, week_of = _solve(items, weeks, left)
        if week_of is not None:
            return week_of, proven and status == cp_model.OPTIMAL
        if status != cp_model.INFEASIBLE:
            proven = False
    return None


def _solve(items: MoveItems, weeks: int, time_limit_s: float) -> tuple[int, IntArray | None]:
    members, _ = items.groups()
    model = cp_model.CpModel()
    n = [
        [model.new_int_var(0, len(ms), f"n{g}_{w}") for w in range(weeks)]
        for g, ms in enumerate(members)
    ]
    for g, ms in enumerate(members):
        model.add(sum(n[g]) == len(ms))
    first = [ms[0] for ms in members]
    if items.seats is not None:
        for region in sorted(set(items.region.tolist())):
            leaving = [g for g, m in enumerate(first) if items.region[m] == region]
            for w in range(weeks):
                model.add(sum(n[g][w] for g in leaving) <= items.seats.get(region, 0))
    _levels(model, n, weeks, _facility_terms(items, first), items)
    _case_levels(model, n, weeks, items, first)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.1)
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return int(status), None
    week_of = np.zeros(len(items.convict), np.int64)
    for g, ms in enumerate(members):
        weeks_of_group = [w + 1 for w in range(weeks) for _ in range(solver.value(n[g][w]))]
        week_of[ms] = weeks_of_group
    return int(status), week_of


def _facility_terms(items: MoveItems, first: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Per facility receiving moves, (group, +1 in / -1 out) of every group touching it."""
    terms: dict[int, list[tuple[int, int]]] = {int(items.target[m]): [] for m in first}
    for g, m in enumerate(first):
        terms[int(items.target[m])].append((g, 1))
        if int(items.origin[m]) in terms:
            terms[int(items.origin[m])].append((g, -1))
    return terms


def _levels(
    model: cp_model.CpModel,
    n: list[list[cp_model.IntVar]],
    weeks: int,
    terms: dict[int, list[tuple[int, int]]],
    items: MoveItems,
) -> None:
    """Each receiving facility within its limit at every week's end."""
    for j, touching in terms.items():
        _bounded_levels(model, n, weeks, touching, int(items.count[j]), int(items.limit[j]))


def _case_levels(
    model: cp_model.CpModel,
    n: list[list[cp_model.IntVar]],
    weeks: int,
    items: MoveItems,
    first: list[int],
) -> None:
    """No more of a case together at a week's end than today (one where none are together)."""
    now = Counter(items.case_now)
    terms: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for g, m in enumerate(first):
        if items.case[m]:
            terms.setdefault((str(items.case[m]), int(items.target[m])), []).append((g, 1))
    for g, m in enumerate(first):
        key = (str(items.case[m]), int(items.origin[m]))
        if items.case[m] and key in terms:
            terms[key].append((g, -1))
    for key, touching in terms.items():
        _bounded_levels(model, n, weeks, touching, now.get(key, 0), max(now.get(key, 0), 1))


def _bounded_levels(
    model: cp_model.CpModel,
    n: list[list[cp_model.IntVar]],
    weeks: int,
    touching: list[tuple[int, int]],
    start: int,
    most: int,
) -> None:
    """A level that starts at `start`, changes by the moves in and out each week, and stays
    at most `most` at every week's end."""
    before: cp_model.IntVar | int = start
    for w in range(weeks):
        level = model.new_int_var(0, max(most, start), "")
        change = cp_model.LinearExpr.weighted_sum(
            [n[g][w] for g, _ in touching], [s for _, s in touching]
        )
        model.add(level == change + before)
        model.add(level <= most)
        before = level
