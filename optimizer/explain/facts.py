"""What a Solution implies, computed once per solution and shared by all its explanations.

Every figure is exact. For a min-cost-flow run the prices read the optimal residual graph's
shortest paths (kept on the Solution as `Potentials`), so nothing is solved again:

- forcing one convict of group g into facility f changes the weighted total by
  cost(g, f) + shortest residual path f -> g (the cheapest way to absorb the move);
- one more place at f changes it by min(0, shortest residual path sink -> f).

Weighted changes split back into (unplaced, away from home, metres) by `split_cost`. The tests
prove each figure by re-solving. Runs solved by the integer model (co-defendants) carry no
potentials; their prices are None.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.allocation import ClassBlock, Solution, split_cost
from optimizer.explain.explanation import (
    Change,
    Effect,
    NoRoom,
    RegionUse,
    Shortage,
    effect_as_dict,
)
from optimizer.rules import (
    ELIGIBILITY_RULES,
    ClassStanding,
    class_standing,
    eligibility,
    first_failed_rule,
)

Record = Mapping[str, Any]
ExcludedByRule = tuple[tuple[str, int], ...]
"""Rule id -> facilities it excluded first, in the rules' order."""


@dataclass(frozen=True)
class SolutionFacts:
    """Facts shared by all explanations of one solution; see `facts_of`."""

    convicts: tuple[Record, ...]
    """The convicts' input rows as plain values, in input order."""
    facilities: tuple[Record, ...]
    """facility_id, name and region of each facility, by row."""
    facility_row: Mapping[str, int]
    unplaced_reasons: tuple[str, ...]
    group_class: tuple[int, ...]
    group_row: tuple[int, ...]
    """Per group, its row in its class's block."""
    group_in_case: tuple[bool, ...]
    """Per group, whether its convicts are co-defendants in a case."""
    left: tuple[int, ...]
    """Free places per facility after the run."""
    excluded_by: tuple[ExcludedByRule, ...]
    """Per convict class."""
    class_shortage: tuple[Shortage, ...]
    """Per convict class."""
    unplaced_per_group: npt.NDArray[np.int64]
    group_flows: Mapping[int, Mapping[int, int]]
    """Per group, facility -> convicts of the group placed there."""
    used_by: Mapping[int, tuple[RegionUse, ...]]
    """Per facility, who took its free places in the run, by home region, largest first."""
    class_gap: tuple[bool, ...]
    """Per convict class: the law allows the sentence, but no facility of the network fits."""
    case_placed: Mapping[str, Mapping[int, tuple[str, ...]]]
    """Per case, facility -> the ids of the case's convicts placed there."""


_FACTS: dict[int, tuple[weakref.ref[Solution], SolutionFacts]] = {}
"""Facts by the id of a living solution; an entry leaves when its solution is collected."""


def facts_of(solution: Solution) -> SolutionFacts:
    """The facts of a solution, computed on first use and kept as long as the solution lives.

    They are cached beside the solution rather than on it, so that explaining one convict
    after another costs only that convict's part.
    """
    key = id(solution)
    cached = _FACTS.get(key)
    if cached is not None and cached[0]() is solution:
        return cached[1]
    facts = _compute(solution)
    _FACTS[key] = (weakref.ref(solution), facts)
    weakref.finalize(solution, _FACTS.pop, key, None)
    return facts


def _compute(s: Solution) -> SolutionFacts:
    facilities = cast(
        list[Record], s.facilities[["facility_id", "name", "region"]].to_dict("records")
    )
    return SolutionFacts(
        convicts=tuple(cast(list[Record], s.convicts.to_dict("records"))),
        facilities=tuple(facilities),
        facility_row={r["facility_id"]: j for j, r in enumerate(facilities)},
        unplaced_reasons=tuple(s.placements["unplaced_reason"].tolist()),
        group_class=tuple(s.groups["class"].astype(int).tolist()),
        group_row=_group_rows(s),
        group_in_case=tuple((s.groups["case"] != "").tolist()),
        left=tuple(cast(list[int], (s.free - s.used).tolist())),
        excluded_by=_excluded_by(s),
        class_shortage=_class_shortage(s),
        unplaced_per_group=np.bincount(
            s.group_of[s.facility_of < 0], minlength=len(s.groups)
        ).astype(np.int64),
        group_flows=_group_flows(s),
        used_by=_used_by(s),
        class_gap=tuple(
            (class_standing(s.classes, s.facilities) == ClassStanding.NETWORK_GAP.value).tolist()
        ),
        case_placed=_case_placed(s),
    )


def _case_placed(s: Solution) -> dict[str, dict[int, tuple[str, ...]]]:
    cases = s.convicts["case_id"].to_numpy()
    in_case = (cases != "") & (s.facility_of >= 0)
    placed: dict[str, dict[int, list[str]]] = {}
    ids = s.convicts["convict_id"].to_numpy()
    for i in np.flatnonzero(in_case):
        placed.setdefault(str(cases[i]), {}).setdefault(int(s.facility_of[i]), []).append(ids[i])
    return {case: {f: tuple(members) for f, members in at.items()} for case, at in placed.items()}


def co_defendants_at(
    s: Solution, facts: SolutionFacts, group: int, facility: int
) -> tuple[str, ...]:
    """The co-defendants of a group's convicts placed at `facility` in the run."""
    if not facts.group_in_case[group]:
        return ()
    case = str(s.groups["case"].iat[group])
    return facts.case_placed.get(case, {}).get(facility, ())


def _group_rows(s: Solution) -> tuple[int, ...]:
    rows = np.zeros(len(s.groups), dtype=np.int64)
    for block in s.blocks:
        rows[block.groups] = np.arange(len(block.groups))
    return tuple(int(row) for row in rows)


def block_of(s: Solution, facts: SolutionFacts, group: int) -> tuple[ClassBlock, int]:
    """The class block holding a group and the group's row in it (`Solution.block_of_group`)."""
    return s.blocks[facts.group_class[group]], facts.group_row[group]


def _excluded_by(s: Solution) -> tuple[ExcludedByRule, ...]:
    failed = first_failed_rule(s.classes, s.facilities)
    return tuple(
        tuple(
            (rule.id, int((row == rule.id).sum()))
            for rule in ELIGIBILITY_RULES
            if (row == rule.id).any()
        )
        for row in failed
    )


def _class_shortage(s: Solution) -> tuple[Shortage, ...]:
    class_of = s.groups["class"].to_numpy()[s.group_of]
    convicts = np.bincount(class_of, minlength=len(s.classes))
    free = (eligibility(s.classes, s.facilities) * s.free[None, :]).sum(axis=1)
    return tuple(
        Shortage(int(n), int(f), int(max(0, n - f))) for n, f in zip(convicts, free, strict=True)
    )


def _group_flows(s: Solution) -> dict[int, dict[int, int]]:
    placed = s.facility_of >= 0
    pairs = pd.DataFrame({"g": s.group_of[placed], "f": s.facility_of[placed]}).value_counts()
    flows: dict[int, dict[int, int]] = {}
    for g, f, n in pairs.reset_index().itertuples(index=False, name=None):
        flows.setdefault(int(g), {})[int(f)] = int(n)
    return flows


def _used_by(s: Solution) -> dict[int, tuple[RegionUse, ...]]:
    placed = s.facility_of >= 0
    table = pd.DataFrame(
        {
            "facility": s.facility_of[placed],
            "region": s.convicts["home_region"].to_numpy()[placed],
            "km": s.distance_m[placed] / 1000.0,
        }
    )
    stats = table.groupby(["facility", "region"])["km"].agg(["size", "mean", "max"]).reset_index()
    stats = stats.sort_values(["facility", "size"], ascending=[True, False])
    result: dict[int, list[RegionUse]] = {}
    for facility, region, size, mean_km, max_km in stats.itertuples(index=False, name=None):
        result.setdefault(int(facility), []).append(
            RegionUse(region, int(size), round(float(mean_km), 1), round(float(max_km), 1))
        )
    return {facility: tuple(uses) for facility, uses in result.items()}


def as_effect(parts: tuple[int, int, int] | None, solution: Solution) -> Effect:
    """A change of the totals as (unplaced, away, metres), typed; NoRoom for an infinite one."""
    if parts is None:
        return None
    unplaced, away, metres = parts
    home_tier = solution.home_penalty > 0
    return Change(round(metres / 1000.0, 3), unplaced, away if home_tier else None)


def forced_move(solution: Solution, facts: SolutionFacts, group: int, facility: int) -> Effect:
    """The change of the totals if one convict of `group` is forced into `facility`."""
    return _move(solution, facts, group, facility, extra_place=False)


def one_more_place(solution: Solution, facts: SolutionFacts, group: int, facility: int) -> Effect:
    """The change of the totals if `facility` had one more place and one of `group` took it."""
    return _move(solution, facts, group, facility, extra_place=True)


def _move(
    s: Solution, facts: SolutionFacts, group: int, facility: int, *, extra_place: bool
) -> Effect:
    """cost(group, facility) + the cheapest residual path from the facility back to the group.

    With an extra place the facility also reaches the sink for nothing, so the path may
    start at the sink as well.
    """
    potentials = s.potentials
    if potentials is None:
        return None
    if co_defendant_there(facts, group, facility):
        return as_effect((0, 0, 0), s)
    block, row = block_of(s, facts, group)
    sink = potentials.sink_node
    starts = [facility, sink] if extra_place else [facility]
    used = np.searchsorted(block.facilities, list(facts.group_flows.get(group, {})))
    between = potentials.between
    back = [between[start, block.facilities[used]] - block.cost[row, used] for start in starts]
    exits = [float(b.min()) for b in back if len(b)]
    if facts.unplaced_per_group[group] > 0:
        exits += [float(between[start, sink]) - s.unplaced_penalty for start in starts]
    column = int(np.searchsorted(block.facilities, facility))
    change = float(block.cost[row, column]) + min(exits)
    return as_effect(split_cost(change, s), s) if np.isfinite(change) else NoRoom()


def co_defendant_there(facts: SolutionFacts, group: int, facility: int) -> bool:
    """A co-defendant of this (interchangeable) convict holds the place: they would swap."""
    return facts.group_in_case[group] and facts.group_flows.get(group, {}).get(facility, 0) > 0


def shadow_price(solution: Solution, facility: int) -> Effect:
    """The change of the totals that one more place at `facility` would allow."""
    potentials = solution.potentials
    if potentials is None:
        return None
    between = float(potentials.between[potentials.sink_node, facility])
    return as_effect(split_cost(min(0.0, between), solution), solution)


def run_facts(solution: Solution, regions: pd.DataFrame) -> dict[str, Any]:
    """Run level: each facility's shadow price and utilisation; each region's home share."""
    return {
        "facilities": _facility_facts(solution),
        "regions": _region_facts(solution, regions),
        "method": solution.method,
    }


def _facility_facts(solution: Solution) -> list[dict[str, Any]]:
    f = solution.facilities
    capacity = f["capacity"].to_numpy()
    occupied = f["occupied"].to_numpy()
    facilities = []
    for j in range(len(f)):
        occupied_after = int(occupied[j]) + int(solution.used[j])
        facilities.append(
            {
                "facility_id": f["facility_id"].iat[j],
                "region": f["region"].iat[j],
                "free_places_before": int(solution.free[j]),
                "placed_in_run": int(solution.used[j]),
                "utilisation": (
                    round(occupied_after / int(capacity[j]), 4) if int(capacity[j]) else None
                ),
                "one_more_place": effect_as_dict(shadow_price(solution, j)),
            }
        )
    return facilities


def _region_facts(solution: Solution, regions: pd.DataFrame) -> list[dict[str, Any]]:
    placed = solution.facility_of >= 0
    facility_region = solution.facilities["region"].to_numpy()[np.maximum(solution.facility_of, 0)]
    home = solution.convicts["home_region"].to_numpy()
    result = []
    for code in regions["region"]:
        mine = home == code
        n = int(mine.sum())
        at_home = int((mine & placed & (facility_region == code)).sum())
        result.append(
            {
                "region": code,
                "convicts": n,
                "placed": int((mine & placed).sum()),
                "placed_home": at_home,
                "home_share": round(at_home / n, 4) if n else None,
            }
        )
    return result
