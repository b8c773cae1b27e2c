"""The phased plan of a campaign: its moves spread over weeks within the weekly escort seats
leaving each region, every week lawful at its end, in the fewest weeks.

Lawful at a week's end: no facility above its limit (its capacity, or today's count when that
is higher) and no two co-defendants together who are not together today. A move into a full
facility therefore goes in the same week as the move out of it or later; an exchange among full
facilities goes in one week.

The number of weeks is at least the lower bound max over regions of ceil(leaving / seats). A
greedy schedule (earliest request first, exchanges as whole cycles) usually meets it, which
proves it minimal; otherwise an exact integer model (CP-SAT) decides week counts from the bound
upward within the time left. Without an escort seats table the seats are not limited and the
whole campaign is one week.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from optimizer.transfers.limits import CampaignLimits
from optimizer.transfers.phasing_model import MoveItems, schedule_exactly
from optimizer.transfers.placed import IntArray, Placed, RowArray


@dataclass(frozen=True, eq=False)
class PhasedPlan:
    """Per move its week (1-based; 0 for a move no lawful week order can carry), and how sure
    the number of weeks is."""

    week_of: IntArray
    weeks: int
    lower_bound: int
    proven_minimal: bool
    method: str
    """`greedy` (met the lower bound), `integer-model`, or `none` (nothing to phase)."""

    @property
    def unphased(self) -> int:
        """Moves that no week can carry lawfully (an exchange larger than a week's seats)."""
        return int((self.week_of == 0).sum())


def phase_campaign(
    placed: Placed,
    movers: RowArray,
    to: RowArray,
    limits: CampaignLimits,
    time_limit_s: float = 10.0,
) -> PhasedPlan:
    """Weeks for the moves of convict rows `movers` (in priority order) to facility rows `to`."""
    if len(movers) == 0:
        return PhasedPlan(np.zeros(0, np.int64), 0, 0, True, "none")
    items = MoveItems.of(placed, movers, to, limits)
    bound = lower_bound(items)
    started = time.monotonic()
    greedy = schedule_greedily(items)
    weeks = int(greedy.max(initial=0))
    if (greedy > 0).all() and weeks <= bound:
        return PhasedPlan(greedy, weeks, bound, True, "greedy")
    left = max(time_limit_s - (time.monotonic() - started), 0.5)
    upper = weeks if (greedy > 0).all() else len(movers)
    exact = schedule_exactly(items, bound, upper, left)
    if exact is None:
        return PhasedPlan(greedy, weeks, bound, False, "greedy")
    week_of, proven = exact
    return PhasedPlan(week_of, int(week_of.max()), bound, proven, "integer-model")


def lower_bound(items: MoveItems) -> int:
    """max over regions of ceil(moves leaving it / its weekly seats); 1 when seats are not
    limited."""
    if items.seats is None:
        return 1
    leaving = Counter(items.region.tolist())
    return max(
        (math.ceil(n / max(items.seats.get(r, 0), 1)) for r, n in leaving.items()), default=0
    )


def schedule_greedily(items: MoveItems) -> IntArray:
    """Week by week, each move (in priority order) as soon as its region has a seat and its
    facility has room; an exchange among full facilities as one cycle. 0 for a move left over
    when a week carries nothing."""
    state = _State.start(items)
    week_of = np.zeros(len(items.convict), np.int64)
    week = 0
    while (week_of == 0).any():
        week += 1
        seats_left = None if items.seats is None else dict(items.seats)
        carried = _one_week(items, state, week_of, week, seats_left)
        if not carried:
            break
    return week_of


def _one_week(
    items: MoveItems,
    state: _State,
    week_of: IntArray,
    week: int,
    seats_left: dict[str, int] | None,
) -> int:
    """Carry what fits this week; how many moves were carried."""
    carried = 0
    while True:
        progress = 0
        for m in np.flatnonzero(week_of == 0):
            if _seat(items, seats_left, [int(m)]) and state.admits(items, int(m)):
                state.apply(items, [int(m)])
                _take_seats(items, seats_left, [int(m)])
                week_of[m] = week
                progress += 1
        if progress == 0:
            cycle = _cycle(items, state, week_of, seats_left)
            if cycle is None:
                return carried
            state.apply(items, cycle)
            _take_seats(items, seats_left, cycle)
            week_of[cycle] = week
            progress = len(cycle)
        carried += progress


def _seat(items: MoveItems, seats_left: dict[str, int] | None, moves: list[int]) -> bool:
    if seats_left is None:
        return True
    need = Counter(str(items.region[m]) for m in moves)
    return all(seats_left.get(r, 0) >= n for r, n in need.items())


def _take_seats(items: MoveItems, seats_left: dict[str, int] | None, moves: list[int]) -> None:
    if seats_left is not None:
        for m in moves:
            seats_left[str(items.region[m])] -= 1


def _cycle(
    items: MoveItems, state: _State, week_of: IntArray, seats_left: dict[str, int] | None
) -> list[int] | None:
    """One move per facility along a cycle of waiting moves among full facilities (no
    co-defendant among them), whose seats this week suffice; None when there is none."""
    edge: dict[int, dict[int, int]] = {}
    for m in np.flatnonzero(week_of == 0):
        if items.case[m] == "" and _seat(items, seats_left, [int(m)]):
            edge.setdefault(int(items.origin[m]), {}).setdefault(int(items.target[m]), int(m))
    for start in sorted(edge):
        path, seen = [start], {start: 0}
        while path:
            here = path[-1]
            step = next(iter(edge.get(here, {})), None)
            if step is None:
                break
            if step in seen:
                loop = [*path[seen[step] :], step]
                moves = [edge[a][b] for a, b in pairwise(loop)]
                if _seat(items, seats_left, moves):
                    return moves
                break
            seen[step] = len(path)
            path.append(step)
    return None


@dataclass
class _State:
    """Counts per facility and per (case, facility) as the weeks go by (mutable, private)."""

    count: IntArray
    together: Counter[tuple[str, int]]
    case_limit: dict[tuple[str, int], int]

    @classmethod
    def start(cls, items: MoveItems) -> _State:
        together = Counter(items.case_now)
        return cls(
            count=items.count.copy(),
            together=together,
            case_limit={k: max(n, 1) for k, n in together.items()},
        )

    def admits(self, items: MoveItems, m: int) -> bool:
        target = int(items.target[m])
        if self.count[target] >= items.limit[target]:
            return False
        key = (str(items.case[m]), target)
        return not items.case[m] or self.together[key] < self.case_limit.get(key, 1)

    def apply(self, items: MoveItems, moves: list[int]) -> None:
        for m in moves:
            self.count[items.origin[m]] -= 1
            self.count[items.target[m]] += 1
            if items.case[m]:
                self.together[(str(items.case[m]), int(items.origin[m]))] -= 1
                self.together[(str(items.case[m]), int(items.target[m]))] += 1


def week_table(moves: pd.DataFrame) -> pd.DataFrame:
    """Per week of a campaign's moves (a `week` column): how many move, come home, km saved."""
    phased = moves[moves["week"] > 0]
    table = (
        phased.assign(
            newly_home=phased["home_after"].astype(np.int64)
            - (phased["from_region"] == phased["home_region"]).astype(np.int64)
        )
        .groupby("week", sort=True)
        .agg(
            moves=("convict_id", "size"),
            newly_home=("newly_home", "sum"),
            km_saved=("saved_km", "sum"),
        )
        .reset_index()
    )
    table["km_saved"] = table["km_saved"].round(1)
    return table.astype({"week": np.int64, "moves": np.int64, "newly_home": np.int64})
