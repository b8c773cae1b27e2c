"""The explanation of one placement as typed, frozen values, and its published JSON form.

`Explanation.as_dict()` is the document of `explanation.schema.json` (schema
`placement-explanation/1`), key order included: stores keep it as it is and tools read it.
`document.read_explanation` reads such a document back (from a store, in any key order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from optimizer.domain import AgeCategory, Objective, SecurityLevel, Sex, UnplacedReason
from optimizer.rules import RULES

SCHEMA = "placement-explanation/1"

Document = dict[str, Any]
"""An explanation, or a part of one, in its published JSON form."""


@dataclass(frozen=True, slots=True)
class Change:
    """How the run's totals change: convicts left unplaced, convicts sent away from home (None
    unless the run puts home first) and total distance."""

    total_distance_change_km: float
    unplaced_change: int
    away_from_home_change: int | None

    def as_dict(self) -> Document:
        return {
            "possible": True,
            "total_distance_change_km": self.total_distance_change_km,
            "unplaced_change": self.unplaced_change,
            "away_from_home_change": self.away_from_home_change,
        }


@dataclass(frozen=True, slots=True)
class NoRoom:
    """No reallocation can make room: the facility has no place that anyone could free."""

    def as_dict(self) -> Document:
        return {"possible": False}


Effect = Change | NoRoom | None
"""A change of the run's totals; None when the run carries no potentials to price it."""


def effect_as_dict(effect: Effect) -> Document | None:
    return None if effect is None else effect.as_dict()


@dataclass(frozen=True, slots=True)
class Profile:
    """What the court and the file say about the convict: the inputs of every rule."""

    sex: Sex
    age: int
    age_category: AgeCategory
    security_level: SecurityLevel
    home_region: str
    home_lat: float
    home_lon: float
    medical_need: str | None
    former_officer: bool
    case_id: str | None

    def as_dict(self) -> Document:
        return {
            "sex": self.sex.value,
            "age": self.age,
            "age_category": self.age_category.value,
            "security_level": self.security_level.value,
            "home_region": self.home_region,
            "home_lat": self.home_lat,
            "home_lon": self.home_lon,
            "medical_need": self.medical_need,
            "former_officer": self.former_officer,
            "case_id": self.case_id,
        }


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """A rule that shaped the placement, by stable id, with its wording and legal source."""

    id: str
    wording: str
    legal_source: str

    def as_dict(self) -> Document:
        return {"id": self.id, "wording": self.wording, "legal_source": self.legal_source}


@dataclass(frozen=True, slots=True)
class Eligibility:
    """How many facilities the rules leave, and how many each rule excluded first."""

    count: int
    total_facilities: int
    excluded_by_rule: tuple[tuple[str, int], ...]
    """Rule id -> facilities it excluded first, in the rules' order (`in_rule_order`)."""

    def as_dict(self) -> Document:
        return {
            "count": self.count,
            "total_facilities": self.total_facilities,
            "excluded_by_rule": dict(self.excluded_by_rule),
        }


_RULE_ORDER = {rule_id: k for k, rule_id in enumerate(RULES)}


def in_rule_order(excluded: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """(rule id, count) pairs in the rules' order, whatever order they came in."""
    return tuple(sorted(excluded, key=lambda item: _RULE_ORDER.get(item[0], len(_RULE_ORDER))))


@dataclass(frozen=True, slots=True)
class HomeRegion:
    """The eligible facilities of the home region, and whether all of them are full."""

    region: str
    eligible_facilities: tuple[str, ...]
    all_full: bool
    free_after: int = 0
    """Free places left in them after the run."""

    def as_dict(self) -> Document:
        return {
            "region": self.region,
            "eligible_facilities": list(self.eligible_facilities),
            "all_full": self.all_full,
            "free_after": self.free_after,
        }


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the convict was placed; `rank` is 1 + the eligible facilities strictly closer."""

    facility_id: str
    name: str
    region: str
    distance_km: float
    rank: int
    in_home_region: bool

    def as_dict(self) -> Document:
        return {
            "facility_id": self.facility_id,
            "name": self.name,
            "region": self.region,
            "distance_km": self.distance_km,
            "rank": self.rank,
            "in_home_region": self.in_home_region,
        }


@dataclass(frozen=True, slots=True)
class Shortage:
    """Convicts of the class against the free places of their eligible facilities."""

    convicts: int
    free: int
    short: int

    def as_dict(self) -> Document:
        return {"convicts": self.convicts, "free": self.free, "short": self.short}


@dataclass(frozen=True, slots=True)
class Unplaced:
    """Why the convict has no place, with the shortage of the convict's class."""

    reason: UnplacedReason
    shortage: Shortage
    network_gap: bool = False
    """The law allows the sentence but no facility of the network fits the convict's class:
    a gap of the network, not of the person (`rules.ClassStanding.NETWORK_GAP`)."""

    def as_dict(self) -> Document:
        return {
            "reason": self.reason.value,
            "shortage": self.shortage.as_dict(),
            "network_gap": self.network_gap,
        }


@dataclass(frozen=True, slots=True)
class RegionUse:
    """Convicts of one home region who took a facility's free places in the run."""

    home_region: str
    convicts: int
    mean_distance_km: float
    max_distance_km: float

    def as_dict(self) -> Document:
        return {
            "home_region": self.home_region,
            "convicts": self.convicts,
            "mean_distance_km": self.mean_distance_km,
            "max_distance_km": self.max_distance_km,
        }


@dataclass(frozen=True, slots=True)
class CloserFacility:
    """An eligible facility closer to home than the placement: who took it, and what moving
    the convict there would change."""

    facility_id: str
    name: str
    region: str
    distance_km: float
    free_places_before: int
    placed_in_run: int
    full: bool
    used_by: tuple[RegionUse, ...]
    forced_move: Effect
    co_defendants: tuple[str, ...] = ()
    """Co-defendants of the convict placed there in the run: the place is barred to them."""

    def as_dict(self, shared: SharedParts | None = None) -> Document:
        return {
            "facility_id": self.facility_id,
            "name": self.name,
            "region": self.region,
            "distance_km": self.distance_km,
            "free_places_before": self.free_places_before,
            "placed_in_run": self.placed_in_run,
            "full": self.full,
            "used_by": (shared or SharedParts()).used_by(self.used_by),
            "forced_move": effect_as_dict(self.forced_move),
            "co_defendants": list(self.co_defendants),
        }


class Blocker(StrEnum):
    """What keeps the convict out of a closer eligible facility: the first reason that holds.

    The words (`render`) and the smallest change (`build`) both ask `blocker_of`, so an
    explanation never offers one more place where what is missing is not a place.
    """

    CO_DEFENDANT = "co-defendant"
    HOME_REGION_FIRST = "home-region-first"
    FULL_BEFORE = "full-before"
    FULL = "full"
    OPEN = "open"

    @property
    def is_capacity(self) -> bool:
        """A place is what is missing: one more place would open the facility to the convict."""
        return self in (Blocker.FULL_BEFORE, Blocker.FULL)


def blocker_of(
    item: CloserFacility, objective: Objective, home_region: str, placed_at_home: bool
) -> Blocker:
    """Why the convict is not in `item`: a co-defendant there; in a home-first run, a placement
    at home against a facility outside the home region; no free place before the batch; its
    places taken by others in the run; else nothing (an equally good, open facility)."""
    if item.co_defendants:
        return Blocker.CO_DEFENDANT
    if objective is Objective.HOME_FIRST and placed_at_home and item.region != home_region:
        return Blocker.HOME_REGION_FIRST
    if item.free_places_before <= 0:
        return Blocker.FULL_BEFORE
    return Blocker.FULL if item.full else Blocker.OPEN


class ChangeKind(StrEnum):
    """What would have to change to place the convict closer to home."""

    ONE_MORE_PLACE = "one-more-place"
    NONE_NEEDED = "none-needed"
    NO_FACILITY_OF_TYPE = "no-facility-of-type"
    NOT_CAPACITY = "not-capacity"
    """Closer facilities exist, but no extra place would bring the convict closer: what keeps
    them out of reach is not capacity (a co-defendant there, the home region first)."""


@dataclass(frozen=True, slots=True)
class OneMorePlace:
    """One more place at the nearest closer facility, what it would change, and its price."""

    facility_id: str
    name: str
    effect: Effect
    facility_shadow_price: Effect
    kind: ClassVar[ChangeKind] = ChangeKind.ONE_MORE_PLACE

    def as_dict(self) -> Document:
        return {
            "kind": self.kind.value,
            "facility_id": self.facility_id,
            "name": self.name,
            "effect": effect_as_dict(self.effect),
            "facility_shadow_price": effect_as_dict(self.facility_shadow_price),
        }


@dataclass(frozen=True, slots=True)
class NoChange:
    """Nothing closer to change: none is needed, or no facility of the type exists."""

    kind: ChangeKind

    def as_dict(self) -> Document:
        return {"kind": self.kind.value}


SmallestChange = OneMorePlace | NoChange


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why this facility, why not each closer one, and what would have to change."""

    convict_id: str
    profile: Profile
    rules: tuple[RuleEntry, ...]
    eligible: Eligibility
    home_region: HomeRegion
    placement: Placement | None
    unplaced: Unplaced | None
    closer_facilities: tuple[CloserFacility, ...]
    smallest_change: SmallestChange
    method: str
    exact_by: str | None
    """"potentials" when every figure comes from the optimal flow's potentials."""
    objective: Objective = Objective.HOME_FIRST
    """What the run optimised; only a home-first run applies the home-region rule (art. 88)."""

    def as_dict(self, shared: SharedParts | None = None) -> Document:
        """The published document (`explanation.schema.json`), in the schema's key order.

        With `shared`, parts that are one object in several values are one document too.
        """
        shared = shared or SharedParts()
        return {
            "schema": SCHEMA,
            "convict_id": self.convict_id,
            "profile": self.profile.as_dict(),
            "rules": [rule.as_dict() for rule in self.rules],
            "eligible": self.eligible.as_dict(),
            "home_region": self.home_region.as_dict(),
            "placement": None if self.placement is None else self.placement.as_dict(),
            "unplaced": None if self.unplaced is None else self.unplaced.as_dict(),
            "closer_facilities": shared.closer(self.closer_facilities),
            "smallest_change": self.smallest_change.as_dict(),
            "method": self.method,
            "exact_by": self.exact_by,
            "objective": self.objective.value,
        }


class SharedParts:
    """The documents of parts already written, by the identity of the part.

    The explanations of one run share parts (the convicts of a group have the same closer
    facilities; a facility has the same users in every explanation), so their documents
    share them as well: each is written once. The parts are kept here, so an id is not reused
    while the documents are being written. The shared documents are read-only.
    """

    def __init__(self) -> None:
        self._written: dict[int, tuple[object, list[Document]]] = {}

    def closer(self, items: tuple[CloserFacility, ...]) -> list[Document]:
        return self._once(items, lambda: [item.as_dict(self) for item in items])

    def used_by(self, uses: tuple[RegionUse, ...]) -> list[Document]:
        return self._once(uses, lambda: [use.as_dict() for use in uses])

    def _once(self, part: object, write: Callable[[], list[Document]]) -> list[Document]:
        written = self._written.get(id(part))
        if written is None:
            written = self._written[id(part)] = (part, write())
        return written[1]


def as_documents(explanations: Iterable[Explanation]) -> list[Document]:
    """The published documents of many explanations, sharing the documents of shared parts."""
    shared = SharedParts()
    return [explanation.as_dict(shared) for explanation in explanations]
