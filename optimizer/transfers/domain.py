"""The vocabulary of transfers (Penal Executive Code art. 88): grounds, verdicts, reasons, values.

A transfer under art. 88 keeps the facility type: the same security level, sex and age category
and every other hard rule. A review ends in a `Verdict` with stable `Reason` codes, each tied to
the rule of `rules.RULES` it applies; a reviewer's `Decision` records who decided and why.
The review itself (`Evaluation`) lives in `evaluation.py`, beside the words it is told in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from optimizer.rules import RULES

MAX_SWAP_PEOPLE = 4
"""The longest swap searched: the requester and up to three others."""

TRANSFER_GROUND_SOURCE = "Penal Executive Code art. 88"


class Ground(StrEnum):
    """Grounds for a transfer within the same type of facility (Penal Executive Code art. 88)."""

    HOME_REGION = "home-region"
    FAMILY = "family"
    """To be near the family (Nelson Mandela Rules 59, 68)."""
    HEALTH = "health"
    """To a facility with the medical profile the convict needs."""
    SAFETY = "safety"
    REORGANISATION = "reorganisation"
    OPERATIONAL_NEED = "operational-need"
    """Needs the convict's consent."""
    KEEPING_ORDER = "keeping-order"


class Verdict(StrEnum):
    """A recommendation or a reviewer's decision on a transfer request."""

    GRANT = "grant"
    GRANT_WITH_SWAP = "grant-with-swap"
    DENY = "deny"
    WAIT_LIST = "wait-list"
    """The home region is full: the convict waits there for a place, in order of the date
    received (offered by the review, never recommended by it)."""


class Reason(StrEnum):
    """Stable reason codes of a review; each is also a message id of the catalogue."""

    ALREADY_IN_TARGET = "already-in-target"
    CONSENT_REQUIRED = "consent-required"
    NO_FACILITY_OF_TYPE = "no-facility-of-type"
    NO_LAWFUL_FACILITY = "no-lawful-facility"
    NOT_CLOSER_TO_HOME = "not-closer-to-home"
    ALREADY_IN_HOME_REGION = "already-in-home-region"
    ROOM_AVAILABLE = "room-available"
    SWAP_AVAILABLE = "swap-available"
    SWAP_NEEDS_CONSENT = "swap-needs-consent"
    FULL_NO_SWAP = "full-no-swap"
    CLOSER_FACILITY_AVAILABLE = "closer-facility-available"


REASON_RULE: dict[Reason, str | None] = {
    Reason.ALREADY_IN_TARGET: None,
    Reason.CONSENT_REQUIRED: None,
    Reason.NO_FACILITY_OF_TYPE: "home-region-first",
    Reason.NO_LAWFUL_FACILITY: None,
    Reason.NOT_CLOSER_TO_HOME: "close-to-home",
    Reason.ALREADY_IN_HOME_REGION: "close-to-home",
    Reason.ROOM_AVAILABLE: "capacity",
    Reason.SWAP_AVAILABLE: "capacity",
    Reason.SWAP_NEEDS_CONSENT: None,
    Reason.FULL_NO_SWAP: "capacity",
    Reason.CLOSER_FACILITY_AVAILABLE: "close-to-home",
}
"""The rule of `rules.RULES` that each reason applies; None where the reason is the ground's."""


def reason_source(reason: Reason) -> str:
    """The legal source of a reason: its rule's, else the transfer ground's."""
    rule = REASON_RULE[reason]
    if rule is not None:
        return RULES[rule].legal_source
    if reason is Reason.SWAP_NEEDS_CONSENT:
        return f"{TRANSFER_GROUND_SOURCE}; UN Nelson Mandela Rules, rule 68"
    return TRANSFER_GROUND_SOURCE


class UnknownIdError(LookupError):
    """A convict, facility or region id that the tables do not hold."""

    def __init__(self, kind: str, value: str) -> None:
        super().__init__(f"unknown {kind} {value!r}")
        self.kind = kind
        self.value = value


class FourEyesError(ValueError):
    """A decision departs from the recommendation without a reason and a second reviewer."""


class UnlawfulDecisionError(ValueError):
    """A decision that would break a hard rule, which no reviewer can take."""


@dataclass(frozen=True, slots=True)
class FacilityOption:
    """One facility seen from the requesting convict: lawful or not, how far, how full."""

    facility_id: str
    name: str
    region: str
    security_level: str
    distance_km: float
    change_km: float
    """Distance from home there minus distance from home now."""
    free_places: int
    lawful: bool
    failed_rules: tuple[str, ...]
    """Rule ids that forbid the transfer, in the order of `rules.RULES`."""

    @property
    def closer(self) -> bool:
        return self.change_km < 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "facility_id": self.facility_id,
            "name": self.name,
            "region": self.region,
            "security_level": self.security_level,
            "distance_km": self.distance_km,
            "change_km": self.change_km,
            "free_places": self.free_places,
            "lawful": self.lawful,
            "failed_rules": list(self.failed_rules),
            "closer": self.closer,
        }


@dataclass(frozen=True, slots=True)
class Move:
    """One convict's transfer within a swap or a campaign."""

    convict_id: str
    from_facility: str
    to_facility: str
    distance_before_km: float
    distance_after_km: float

    @property
    def change_km(self) -> float:
        return round(self.distance_after_km - self.distance_before_km, 3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "convict_id": self.convict_id,
            "from_facility": self.from_facility,
            "to_facility": self.to_facility,
            "distance_before_km": self.distance_before_km,
            "distance_after_km": self.distance_after_km,
            "change_km": self.change_km,
        }


class SwapKind(StrEnum):
    CYCLE = "cycle"
    """The last person moves into the place that the requester leaves."""
    CHAIN = "chain"
    """The last person moves into a free place elsewhere."""


@dataclass(frozen=True, slots=True)
class Swap:
    """Moves that make room for the requester: the first move is the requester's."""

    kind: SwapKind
    moves: tuple[Move, ...]

    @property
    def people(self) -> int:
        return len(self.moves)

    @property
    def total_change_km(self) -> float:
        return round(sum(m.change_km for m in self.moves), 3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "people": self.people,
            "total_change_km": self.total_change_km,
            "moves": [m.as_dict() for m in self.moves],
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's decision on a reviewed request; persisting and auditing it is the caller's."""

    convict_id: str
    ground: Ground
    verdict: Verdict
    recommendation: Verdict
    reviewer: str
    second_reviewer: str | None
    reason: str | None
    facility_id: str | None
    swap: Swap | None
    recommended_facility: str | None = None

    @property
    def departs(self) -> bool:
        """Another verdict than recommended, or the recommended one to another facility; a
        place on the waiting list, offered by the review, is no departure."""
        if self.verdict is Verdict.WAIT_LIST:
            return False
        if self.verdict is not self.recommendation:
            return True
        return self.verdict is not Verdict.DENY and self.facility_id != self.recommended_facility

    def as_dict(self) -> dict[str, Any]:
        return {
            "convict_id": self.convict_id,
            "ground": self.ground.value,
            "decision": self.verdict.value,
            "recommendation": self.recommendation.value,
            "departs_from_recommendation": self.departs,
            "reviewer": self.reviewer,
            "second_reviewer": self.second_reviewer,
            "reason": self.reason,
            "facility_id": self.facility_id,
            "swap": self.swap.as_dict() if self.swap is not None else None,
        }
