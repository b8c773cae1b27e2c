"""The review of one transfer request as a value: the facts, the recommendation, and its words.

Apart from `domain.py` because its text comes from `render.py`, which itself needs the
vocabulary of `domain.py`: keeping the value here lets the imports point one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optimizer.rules import RULES
from optimizer.transfers.casework import GROUND_SOURCE
from optimizer.transfers.domain import (
    REASON_RULE,
    FacilityOption,
    Ground,
    Reason,
    Swap,
    Verdict,
    reason_source,
)


@dataclass(frozen=True, slots=True)
class LocalName:
    """A facility's or a region's name in each language, where the data give it."""

    key: str
    en: str | None
    ru: str | None
    kk: str | None

    def get(self, lang: str) -> str | None:
        return {"en": self.en, "ru": self.ru, "kk": self.kk}.get(lang)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The review of one transfer request: lawfulness, room, swaps, recommendation, reasons."""

    convict_id: str
    ground: Ground
    consent: bool
    home_region: str
    home_region_name: str
    current: FacilityOption
    current_region_name: str
    target_region: str
    target_region_name: str
    target_facility: str | None
    lawful: bool
    failed_rules: tuple[str, ...]
    """When not lawful: every rule id that forbids some facility of the target."""
    options: tuple[FacilityOption, ...]
    """Every facility of the target but the current one: lawful first, nearest to home first."""
    swaps: tuple[Swap, ...]
    max_swap_people: int
    alternatives: tuple[FacilityOption, ...]
    """Lawful facilities anywhere closer to home than now, nearest first, when the target fails."""
    recommendation: Verdict
    facility_id: str | None
    """Where the recommendation transfers the convict (for a deny: None)."""
    reasons: tuple[Reason, ...]
    choices: tuple[FacilityOption, ...] = ()
    """Every other facility, lawful first, nearest to home first: what a reviewer may choose
    (a lawful one with a free place) or is refused with the rules named."""
    waiting_list: bool = False
    """The home region is asked, has lawful facilities, and all are full: the convict may wait
    there for a place instead of moving elsewhere."""
    local_names: tuple[LocalName, ...] = ()

    def name_in(self, key: str, default: str, lang: str) -> str:
        """The name of facility or region `key` in `lang`, else `default` (the English name)."""
        found = next((n.get(lang) for n in self.local_names if n.key == key), None)
        return found or default

    @property
    def nearest_with_room(self) -> FacilityOption | None:
        """The lawful facility with a free place nearest to home, when closer than now."""
        return next((o for o in self.choices if o.lawful and o.free_places > 0 and o.closer), None)

    @property
    def lawful_options(self) -> tuple[FacilityOption, ...]:
        return tuple(o for o in self.options if o.lawful)

    @property
    def swap(self) -> Swap | None:
        """The recommended swap: the shortest, then the one saving most km."""
        return self.swaps[0] if self.recommendation is Verdict.GRANT_WITH_SWAP else None

    def option(self, facility_id: str) -> FacilityOption | None:
        """The facility among the target's options, else among every choice."""
        return next(
            (o for o in (*self.options, *self.choices) if o.facility_id == facility_id), None
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-able: the facts, the reasons with their rules and sources, the texts in words."""
        return {
            "convict_id": self.convict_id,
            "ground": self.ground.value,
            "ground_source": GROUND_SOURCE[self.ground],
            "consent": self.consent,
            "home_region": self.home_region,
            "current": self.current.as_dict(),
            "target_region": self.target_region,
            "target_facility": self.target_facility,
            "lawful": self.lawful,
            "failed_rules": [
                {"id": r, "legal_source": RULES[r].legal_source} for r in self.failed_rules
            ],
            "options": [o.as_dict() for o in self.options],
            "swaps": [s.as_dict() for s in self.swaps],
            "max_swap_people": self.max_swap_people,
            "alternatives": [o.as_dict() for o in self.alternatives],
            "recommendation": self.recommendation.value,
            "facility_id": self.facility_id,
            "reasons": [
                {"code": r.value, "rule": REASON_RULE[r], "legal_source": reason_source(r)}
                for r in self.reasons
            ],
            "choices": [o.as_dict() for o in self.choices],
            "waiting_list": self.waiting_list,
            "local_names": {n.key: {"en": n.en, "ru": n.ru, "kk": n.kk} for n in self.local_names},
        }
