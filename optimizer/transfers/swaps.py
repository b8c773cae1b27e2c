"""Lawful swaps that make room for a transfer into a full facility.

The requester moves into target t; someone in t moves on, and so on, until the last person
moves into the place the requester left (a cycle) or into a free place (a chain). Every other
person moves lawfully (the eligibility of `rules.py`, co-defendants apart) and no farther from
home. The search is whole-array: for each pair of facilities only the convict who gains most by
that move is kept, so each facility passed lends one person.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from optimizer.geo import DistanceSource
from optimizer.transfers.domain import MAX_SWAP_PEOPLE, Move, Swap, SwapKind
from optimizer.transfers.placed import IntArray, Placed, RowArray, km

FloatArray = npt.NDArray[np.float64]

MAX_SWAPS = 10
"""How many swaps a review lists, shortest and then most km saved first."""

_Path = tuple[int, float, list[int]]
"""A swap found: its people, the metres the others gain, and the facility rows it passes."""


@dataclass(frozen=True)
class _Movers:
    """For each pair of facilities (from, to), the convict who gains most by moving along it."""

    best: FloatArray
    """facilities x facilities: the metres gained, -inf where nobody may move."""
    who: RowArray
    """facilities x facilities: the convict row that gains `best`, -1 where nobody may move."""
    now: IntArray
    """Per convict, metres from home today."""
    metres: IntArray
    """convicts x facilities: metres from home."""


def find_swaps(
    placed: Placed,
    source: DistanceSource,
    requester: int,
    requester_metres: IntArray,
    targets: RowArray,
    max_people: int = MAX_SWAP_PEOPLE,
    limit: int = MAX_SWAPS,
) -> list[Swap]:
    """Exchanges and chains that free a place in a full target for the requester.

    Swaps of at most `max_people` people, the requester included; the shortest first, then
    those saving most km in all, at most `limit` of them.
    """
    movers = _best_movers(placed, source, requester)
    c = int(placed.current[requester])
    ends = placed.free > 0
    ends[c] = True
    found = _paths(movers.best, ends, targets, max_people)
    found.sort(
        key=lambda s: (s[0], -(s[1] + (requester_metres[c] - requester_metres[s[2][0]])), s[2])
    )
    return [
        _swap(placed, movers, requester, requester_metres, path) for _, _, path in found[:limit]
    ]


def _best_movers(placed: Placed, source: DistanceSource, requester: int) -> _Movers:
    """Who would move along each pair of facilities: lawfully, no farther, never the requester."""
    n_facilities = len(placed.facilities)
    metres = placed.metres(source, slice(None))
    everyone = np.arange(len(placed.population))
    now = metres[everyone, placed.current]
    can = placed.allowed[placed.class_of] & (metres <= now[:, None])
    can[everyone, placed.current] = False
    blocked = placed.co_defendant_facilities()
    can[blocked["convict"].to_numpy(np.intp), blocked["facility"].to_numpy(np.intp)] = False
    can[requester] = False
    rows, cols = np.nonzero(can)
    gain = (now[rows] - metres[rows, cols]).astype(float)
    key = placed.current[rows] * n_facilities + cols
    order = np.lexsort((rows, -gain, key))
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if len(order) else order
    best = np.full((n_facilities, n_facilities), -np.inf)
    who = np.full((n_facilities, n_facilities), -1, dtype=np.intp)
    best.flat[key[first]] = gain[first]
    who.flat[key[first]] = rows[first]
    return _Movers(best=best, who=who, now=now, metres=metres)


def _paths(
    best: FloatArray, ends: npt.NDArray[np.bool_], targets: RowArray, max_people: int
) -> list[_Path]:
    """Every path from a target to an end (a free place, or the requester's) of 2 to 4 people."""
    end_gain = np.where(ends[None, :], best, -np.inf)
    end_best, end_at = end_gain.max(axis=1), end_gain.argmax(axis=1)
    found: list[_Path] = []
    for t in targets:
        t = int(t)
        middle = ~ends
        middle[t] = False
        for e in np.flatnonzero(np.isfinite(best[t]) & ends):
            found.append((2, best[t, e], [t, int(e)]))
        if max_people >= 3:
            via = np.flatnonzero(middle & np.isfinite(best[t]) & np.isfinite(end_best))
            for f1 in via:
                found.append((3, best[t, f1] + end_best[f1], [t, int(f1), int(end_at[f1])]))
        if max_people >= 4:
            first_leg = np.where(middle, best[t], -np.inf)
            second = (
                first_leg[:, None] + np.where(middle[None, :], best, -np.inf) + end_best[None, :]
            )
            np.fill_diagonal(second, -np.inf)
            for f1, f2 in zip(*np.nonzero(np.isfinite(second)), strict=True):
                found.append((4, second[f1, f2], [t, int(f1), int(f2), int(end_at[f2])]))
    return found


def _swap(
    placed: Placed, movers: _Movers, requester: int, requester_metres: IntArray, path: list[int]
) -> Swap:
    """The moves along a path: the requester's first, then each lending convict's."""
    ids = placed.population["convict_id"].to_numpy()
    fac_ids = placed.facilities["facility_id"].to_numpy()
    c = int(placed.current[requester])
    moves = [
        Move(
            str(ids[requester]),
            str(fac_ids[c]),
            str(fac_ids[path[0]]),
            km(requester_metres[c]),
            km(requester_metres[path[0]]),
        )
    ]
    for g, h in pairwise(path):
        k = int(movers.who[g, h])
        moves.append(
            Move(
                str(ids[k]),
                str(fac_ids[g]),
                str(fac_ids[h]),
                km(movers.now[k]),
                km(movers.metres[k, h]),
            )
        )
    return Swap(SwapKind.CYCLE if path[-1] == c else SwapKind.CHAIN, tuple(moves))
