"""Reading a published explanation document back into its typed value.

Stores keep the documents that `Explanation.as_dict()` wrote; a store may give them back with
their keys in another order (PostgreSQL jsonb does), so every part is read by key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from optimizer.domain import AgeCategory, Objective, SecurityLevel, Sex, UnplacedReason
from optimizer.explain.explanation import (
    Change,
    ChangeKind,
    CloserFacility,
    Effect,
    Eligibility,
    Explanation,
    HomeRegion,
    NoChange,
    NoRoom,
    OneMorePlace,
    Placement,
    Profile,
    RegionUse,
    RuleEntry,
    Shortage,
    SmallestChange,
    Unplaced,
    in_rule_order,
)

Data = Mapping[str, Any]


def read_explanation(data: Data) -> Explanation:
    """The value of a published document (`explanation.schema.json`), whatever its key order."""
    placement, unplaced = data["placement"], data["unplaced"]
    return Explanation(
        convict_id=data["convict_id"],
        profile=read_profile(data["profile"]),
        rules=tuple(
            RuleEntry(rule["id"], rule["wording"], rule["legal_source"]) for rule in data["rules"]
        ),
        eligible=read_eligibility(data["eligible"]),
        home_region=read_home_region(data["home_region"]),
        placement=None if placement is None else read_placement(placement),
        unplaced=None if unplaced is None else read_unplaced(unplaced),
        closer_facilities=tuple(read_closer_facility(item) for item in data["closer_facilities"]),
        smallest_change=read_smallest_change(data["smallest_change"]),
        method=data["method"],
        exact_by=data["exact_by"],
        objective=Objective(data.get("objective", Objective.HOME_FIRST.value)),
    )


def read_profile(data: Data) -> Profile:
    return Profile(
        sex=Sex(data["sex"]),
        age=data["age"],
        age_category=AgeCategory(data["age_category"]),
        security_level=SecurityLevel(data["security_level"]),
        home_region=data["home_region"],
        home_lat=data["home_lat"],
        home_lon=data["home_lon"],
        medical_need=data["medical_need"],
        former_officer=data["former_officer"],
        case_id=data["case_id"],
    )


def read_eligibility(data: Data) -> Eligibility:
    excluded = in_rule_order(data["excluded_by_rule"].items())
    return Eligibility(data["count"], data["total_facilities"], excluded)


def read_home_region(data: Data) -> HomeRegion:
    return HomeRegion(
        data["region"],
        tuple(data["eligible_facilities"]),
        data["all_full"],
        data.get("free_after", 0),
    )


def read_placement(data: Data) -> Placement:
    return Placement(
        facility_id=data["facility_id"],
        name=data["name"],
        region=data["region"],
        distance_km=data["distance_km"],
        rank=data["rank"],
        in_home_region=data["in_home_region"],
    )


def read_unplaced(data: Data) -> Unplaced:
    shortage = data["shortage"]
    return Unplaced(
        UnplacedReason(data["reason"]),
        Shortage(shortage["convicts"], shortage["free"], shortage["short"]),
        data.get("network_gap", False),
    )


def read_closer_facility(data: Data) -> CloserFacility:
    return CloserFacility(
        facility_id=data["facility_id"],
        name=data["name"],
        region=data["region"],
        distance_km=data["distance_km"],
        free_places_before=data["free_places_before"],
        placed_in_run=data["placed_in_run"],
        full=data["full"],
        used_by=tuple(
            RegionUse(
                use["home_region"],
                use["convicts"],
                use["mean_distance_km"],
                use["max_distance_km"],
            )
            for use in data["used_by"]
        ),
        forced_move=read_effect(data["forced_move"]),
        co_defendants=tuple(data.get("co_defendants", ())),
    )


def read_effect(data: Data | None) -> Effect:
    if data is None:
        return None
    if not data["possible"]:
        return NoRoom()
    return Change(
        data["total_distance_change_km"], data["unplaced_change"], data["away_from_home_change"]
    )


def read_smallest_change(data: Data) -> SmallestChange:
    kind = ChangeKind(data["kind"])
    if kind is not ChangeKind.ONE_MORE_PLACE:
        return NoChange(kind)
    return OneMorePlace(
        facility_id=data["facility_id"],
        name=data["name"],
        effect=read_effect(data["effect"]),
        facility_shadow_price=read_effect(data["facility_shadow_price"]),
    )
