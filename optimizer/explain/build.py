"""Explanations from a Solution: why this facility, why not a closer one, what would change.

Each explanation is built from the solution's facts (`facts.py`, computed once per solution)
as a typed `Explanation`; `explain_convict` and `explain_all` give its published document.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from optimizer.allocation import Solution
from optimizer.domain import AgeCategory, Objective, SecurityLevel, Sex, UnplacedReason
from optimizer.explain.explanation import (
    Blocker,
    Change,
    ChangeKind,
    CloserFacility,
    Document,
    Eligibility,
    Explanation,
    HomeRegion,
    NoChange,
    OneMorePlace,
    Placement,
    Profile,
    RuleEntry,
    SmallestChange,
    Unplaced,
    as_documents,
    blocker_of,
)
from optimizer.explain.facts import (
    Record,
    SolutionFacts,
    block_of,
    co_defendants_at,
    facts_of,
    forced_move,
    one_more_place,
    shadow_price,
)
from optimizer.rules import RULES, RuleKind, rule_wording

CloserMemo = dict[tuple[int, int], tuple[CloserFacility, ...]]
"""Closer facilities per (group, assigned facility): the same for every convict of a group."""

RULE_ENTRIES = {
    rule_id: RuleEntry(rule_id, rule_wording(rule_id), rule.legal_source)
    for rule_id, rule in RULES.items()
}
"""Each rule as the documents carry it: its id, English wording and legal source."""


def explain_placement(solution: Solution, convict: int) -> Explanation:
    """The explanation of one convict's placement (by row in the input)."""
    return _explain(solution, facts_of(solution), convict, {})


def explain_placements(solution: Solution) -> list[Explanation]:
    """Explanations for every convict, in input order."""
    facts = facts_of(solution)
    memo: CloserMemo = {}
    return [_explain(solution, facts, i, memo) for i in range(len(solution.convicts))]


def explain_convict(solution: Solution, regions: pd.DataFrame, convict: int) -> Document:
    """The published document of one convict's explanation (by row in the input).

    Documents name regions by code; `regions` names them only when the words are rendered.
    """
    return explain_placement(solution, convict).as_dict()


def explain_all(solution: Solution, regions: pd.DataFrame) -> list[Document]:
    """The published documents of every convict's explanation, in input order."""
    return as_documents(explain_placements(solution))


def _explain(s: Solution, facts: SolutionFacts, i: int, memo: CloserMemo) -> Explanation:
    c = facts.convicts[i]
    group = int(s.group_of[i])
    class_index = facts.group_class[group]
    block, _ = block_of(s, facts, group)
    assigned = int(s.facility_of[i])
    key = (group, assigned)
    if key not in memo:
        memo[key] = _closer_facilities(s, facts, group, assigned)
    closer = memo[key]
    placement = _placement(s, facts, i, group) if assigned >= 0 else None
    objective = Objective.HOME_FIRST if s.home_penalty > 0 else Objective.MIN_DISTANCE
    return Explanation(
        convict_id=c["convict_id"],
        profile=_profile(c),
        rules=tuple(RULE_ENTRIES[rule_id] for rule_id in _rule_ids(c, objective)),
        eligible=Eligibility(
            len(block.facilities), len(facts.facilities), facts.excluded_by[class_index]
        ),
        home_region=_home_region(facts, block.facilities, c["home_region"]),
        placement=placement,
        unplaced=None
        if placement is not None
        else Unplaced(
            UnplacedReason(facts.unplaced_reasons[i]),
            facts.class_shortage[class_index],
            facts.class_gap[class_index],
        ),
        closer_facilities=closer,
        smallest_change=_smallest_change(
            s, facts, group, closer, _blockers(c, placement, objective)
        ),
        method=s.method,
        exact_by="potentials" if s.potentials is not None else None,
        objective=objective,
    )


def _profile(c: Record) -> Profile:
    return Profile(
        sex=Sex(c["sex"]),
        age=int(c["age"]),
        age_category=AgeCategory(c["age_category"]),
        security_level=SecurityLevel(c["security_level"]),
        home_region=c["home_region"],
        home_lat=float(c["home_lat"]),
        home_lon=float(c["home_lon"]),
        medical_need=c["medical_need"] or None,
        former_officer=bool(c["former_officer"]),
        case_id=c["case_id"] or None,
    )


def _rule_ids(c: Record, objective: Objective) -> list[str]:
    """The rules that apply to this convict, in the order they are told: no juvenile rule for
    an adult, no medical rule for a healthy convict, and the home-region rule (art. 88) only
    when the run applied it."""
    applies = {
        "same-age-category": c["age_category"] == AgeCategory.JUVENILE.value,
        "medical-profile": bool(c["medical_need"]),
        "former-officer-separation": bool(c["former_officer"]),
        "life-sentence-separation": bool(c.get("life_sentence", False)),
        "criminal-history-separation": c["security_level"] != SecurityLevel.MINIMUM.value,
        "co-defendant-separation": bool(c["case_id"]),
        "home-region-first": objective is Objective.HOME_FIRST,
    }
    return [
        rule.id
        for rule in RULES.values()
        if rule.kind is not RuleKind.SENTENCE and applies.get(rule.id, True)
    ]


def _home_region(facts: SolutionFacts, eligible: np.ndarray, home_region: str) -> HomeRegion:
    at_home = [int(f) for f in eligible if facts.facilities[int(f)]["region"] == home_region]
    return HomeRegion(
        region=home_region,
        eligible_facilities=tuple(facts.facilities[f]["facility_id"] for f in at_home),
        all_full=bool(at_home) and all(facts.left[f] <= 0 for f in at_home),
        free_after=sum(max(0, facts.left[f]) for f in at_home),
    )


def _placement(s: Solution, facts: SolutionFacts, i: int, group: int) -> Placement:
    block, row = block_of(s, facts, group)
    assigned = int(s.facility_of[i])
    facility = facts.facilities[assigned]
    distances = block.distance_m[row]
    column = int(np.searchsorted(block.facilities, assigned))
    return Placement(
        facility_id=facility["facility_id"],
        name=facility["name"],
        region=facility["region"],
        distance_km=round(float(distances[column]) / 1000.0, 3),
        rank=int((distances < distances[column]).sum()) + 1,
        in_home_region=facility["region"] == facts.convicts[i]["home_region"],
    )


def _closer_facilities(
    s: Solution, facts: SolutionFacts, group: int, assigned: int
) -> tuple[CloserFacility, ...]:
    """Eligible facilities closer to home than the assigned one (all of them when unplaced)."""
    block, row = block_of(s, facts, group)
    distances = block.distance_m[row]
    order = np.argsort(distances, kind="stable")
    if assigned >= 0:
        limit = distances[int(np.searchsorted(block.facilities, assigned))]
        order = order[distances[order] < limit]
    items = []
    for k in order:
        f = int(block.facilities[k])
        facility = facts.facilities[f]
        items.append(
            CloserFacility(
                facility_id=facility["facility_id"],
                name=facility["name"],
                region=facility["region"],
                distance_km=round(float(distances[k]) / 1000.0, 3),
                free_places_before=int(s.free[f]),
                placed_in_run=int(s.used[f]),
                full=facts.left[f] <= 0,
                used_by=facts.used_by.get(f, ()),
                forced_move=forced_move(s, facts, group, f),
                co_defendants=co_defendants_at(s, facts, group, f),
            )
        )
    return tuple(items)


def _blockers(
    c: Record, placement: Placement | None, objective: Objective
) -> Callable[[CloserFacility], Blocker] | None:
    """What keeps the convict out of each closer facility (None when unplaced: every closer
    facility is then a place the convict lacks)."""
    if placement is None:
        return None
    home_region, at_home = c["home_region"], placement.in_home_region
    return lambda item: blocker_of(item, objective, home_region, at_home)


def _smallest_change(
    s: Solution,
    facts: SolutionFacts,
    group: int,
    closer: tuple[CloserFacility, ...],
    blocker: Callable[[CloserFacility], Blocker] | None,
) -> SmallestChange:
    """One more place at the nearest closer facility where a place is what is missing (it is
    full and nothing else keeps the convict out: no co-defendant there, not outside the home
    region of a convict placed at home), and the place would improve the run (never a change of
    0 km)."""
    placed = blocker is not None
    if not closer:
        return NoChange(ChangeKind.NONE_NEEDED if placed else ChangeKind.NO_FACILITY_OF_TYPE)
    for item in closer:
        if not item.full or item.co_defendants:
            continue
        if blocker is not None and not blocker(item).is_capacity:
            continue
        row = facts.facility_row[item.facility_id]
        effect = one_more_place(s, facts, group, row)
        if effect is None or (isinstance(effect, Change) and improves(effect)):
            return OneMorePlace(
                facility_id=item.facility_id,
                name=item.name,
                effect=effect,
                facility_shadow_price=shadow_price(s, row),
            )
    return NoChange(ChangeKind.NOT_CAPACITY)


def improves(change: Change) -> bool:
    """Fewer unplaced, then fewer away from home, then less distance: a remedy, not a tie."""
    key = (
        change.unplaced_change,
        change.away_from_home_change or 0,
        change.total_distance_change_km,
    )
    return key < (0, 0, 0.0)
