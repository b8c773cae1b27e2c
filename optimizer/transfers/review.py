"""Transfer requests under Penal Code art. 88: review one request, or optimise all of them at once.

A transfer under art. 88 keeps the facility type: the same security level, sex and age category
and every other hard rule (medical profile, former officers), asked of `rules.py`; co-defendants
(one `case_id`) never end up in one facility. A request is reviewed against the current
population: which facilities of the target are lawful, which have room, and when all are full,
which swaps with other convicts (exchanges and chains into a free place) would make room without
moving anyone farther from home. The review ends in a recommendation with stable reason codes
and an explanation from the message catalogue; a reviewer's decision that departs from the
recommendation needs a written reason and a second reviewer (four eyes).

`optimise_transfers` answers the campaign question: the largest set of transfers, exchanges
included, that moves convicts strictly closer to home, nobody farther, within capacity.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.domain import DistanceKind, InputError, Problem, SolverError
from optimizer.explain.messages import LANGUAGES
from optimizer.geo import DistanceSource, distance_source
from optimizer.rules import ELIGIBILITY_RULES, RULES, convict_classes, eligibility
from optimizer.transfers.messages import check_language, rule_citation, rule_line, transfer_message

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MAX_SWAP_PEOPLE = 4
"""The longest swap searched: the requester and up to three others."""

MAX_SWAPS = 10
"""How many swaps a review lists, shortest and then most km saved first."""

TRANSFER_GROUND_SOURCE = "Penal Code art. 88"


class Ground(StrEnum):
    """Grounds for a transfer to another facility of the same type (Penal Code art. 88)."""

    HOME_REGION = "home-region"
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

    @property
    def lawful_options(self) -> tuple[FacilityOption, ...]:
        return tuple(o for o in self.options if o.lawful)

    @property
    def swap(self) -> Swap | None:
        """The recommended swap: the shortest, then the one saving most km."""
        return self.swaps[0] if self.recommendation is Verdict.GRANT_WITH_SWAP else None

    def option(self, facility_id: str) -> FacilityOption | None:
        return next((o for o in self.options if o.facility_id == facility_id), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able: the facts, the reasons with their rules and sources, the texts in words."""
        return {
            "convict_id": self.convict_id,
            "ground": self.ground.value,
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
            "explanation": {lang: self.text(lang) for lang in LANGUAGES},
        }

    def text(self, lang: str = "en") -> str:
        """The review in words, from the transfer message catalogue."""
        return render_evaluation(self, lang)


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

    @property
    def departs(self) -> bool:
        return self.verdict is not self.recommendation

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


# --- the placed population --------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    """The current population against the facilities: where each serves, classes, room."""

    population: pd.DataFrame
    facilities: pd.DataFrame
    current: npt.NDArray[np.intp]
    classes: pd.DataFrame
    class_of: npt.NDArray[np.intp]
    allowed: BoolArray
    """classes x facilities, from rules.eligibility."""
    count: IntArray
    capacity: IntArray

    @classmethod
    def build(cls, population: pd.DataFrame, facilities: pd.DataFrame) -> _Placed:
        row_of = pd.Series(np.arange(len(facilities)), index=facilities["facility_id"].to_numpy())
        current = population["facility_id"].map(row_of)
        unknown = np.flatnonzero(current.isna().to_numpy())
        if len(unknown):
            raise InputError(
                [
                    Problem(
                        "population",
                        int(i) + 1,
                        "facility_id",
                        f"unknown facility {population['facility_id'].to_numpy()[i]!r}",
                    )
                    for i in unknown
                ]
            )
        classes, class_of = convict_classes(population)
        current_rows = current.to_numpy(np.intp)
        return cls(
            population=population,
            facilities=facilities,
            current=current_rows,
            classes=classes,
            class_of=class_of,
            allowed=eligibility(classes, facilities),
            count=np.bincount(current_rows, minlength=len(facilities)).astype(np.int64),
            capacity=facilities["capacity"].to_numpy(np.int64),
        )

    @property
    def free(self) -> IntArray:
        return np.asarray(np.maximum(self.capacity - self.count, 0), dtype=np.int64)

    def index_of(self, convict_id: str) -> int:
        hits = np.flatnonzero(self.population["convict_id"].to_numpy() == convict_id)
        if len(hits) == 0:
            raise UnknownIdError("convict", convict_id)
        return int(hits[0])

    def shared_cases(self) -> pd.Series:
        """Per convict, the case id when a co-defendant is also in the population, else ''."""
        case = self.population["case_id"]
        return case.where(case.ne("") & case.duplicated(keep=False), "")

    def co_defendant_facilities(self) -> pd.DataFrame:
        """Pairs (convict row, facility row) where a co-defendant of the convict serves now."""
        case = self.shared_cases().to_numpy()
        rows = np.flatnonzero(case != "")
        keyed = pd.DataFrame({"convict": rows, "case": case[rows], "facility": self.current[rows]})
        pairs = keyed.merge(keyed, on="case", suffixes=("", "_other"))
        pairs = pairs[pairs["convict"] != pairs["convict_other"]]
        return pd.DataFrame(
            {
                "convict": pairs["convict"].to_numpy(np.intp),
                "facility": pairs["facility_other"].to_numpy(np.intp),
            }
        )

    def metres(self, source: DistanceSource, rows: npt.NDArray[np.intp] | slice) -> IntArray:
        """Metres from the homes of the given convicts to every facility."""
        km = source.matrix(
            self.population["home_lat"].to_numpy(float)[rows],
            self.population["home_lon"].to_numpy(float)[rows],
            self.facilities["lat"].to_numpy(float),
            self.facilities["lon"].to_numpy(float),
        )
        return np.rint(np.atleast_2d(km) * 1000.0).astype(np.int64)


def _source(distance: DistanceKind | DistanceSource) -> DistanceSource:
    return distance_source(distance) if isinstance(distance, DistanceKind) else distance


def _km(metres: int | np.integer[Any]) -> float:
    return round(int(metres) / 1000.0, 3)


# --- one request ------------------------------------------------------------------------------


def evaluate_request(
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    regions: pd.DataFrame,
    convict_id: str,
    target_region: str | None = None,
    target_facility: str | None = None,
    ground: Ground | str = Ground.HOME_REGION,
    *,
    consent: bool = False,
    distance: DistanceKind | DistanceSource = DistanceKind.GREAT_CIRCLE,
    max_swap_people: int = MAX_SWAP_PEOPLE,
) -> Evaluation:
    """Review one convict's transfer request against the current population.

    The target is a region (by default the convict's home region) or one facility, not both.
    `consent` records the convict's consent, which a transfer for operational need requires.
    Swaps involve at most `max_swap_people` people, the requester included (2 to 4).
    Raises UnknownIdError for an unknown convict, region or facility.
    """
    if target_region is not None and target_facility is not None:
        raise ValueError("give a target region or a target facility, not both")
    if not 2 <= max_swap_people <= MAX_SWAP_PEOPLE:
        raise ValueError(
            f"max_swap_people must be from 2 to {MAX_SWAP_PEOPLE}, got {max_swap_people}"
        )
    ground = Ground(ground)
    source = _source(distance)
    placed = _Placed.build(population, facilities)
    i = placed.index_of(convict_id)
    region_name = dict(zip(regions["region"], regions["name"], strict=True))
    home = str(population["home_region"].to_numpy()[i])
    c = int(placed.current[i])
    fac_region = facilities["region"].to_numpy()
    fac_ids = facilities["facility_id"].to_numpy()

    region, in_target = _target(facilities, region_name, target_region or home, target_facility)
    metres = placed.metres(source, np.array([i]))[0]
    failed = _failed_rules(placed, i)
    options = _options(
        placed, metres, failed, np.flatnonzero(in_target & (np.arange(len(facilities)) != c)), c
    )
    current = _option(placed, metres, failed, c, c)
    closer_only = ground is Ground.HOME_REGION and not (region == home and fac_region[c] != home)
    useful = [o for o in options if o.lawful and (o.closer or not closer_only)]
    with_room = [o for o in useful if o.free_places > 0]

    reasons: list[Reason] = []
    swaps: list[Swap] = []
    alternatives: list[FacilityOption] = []
    verdict, facility_id = Verdict.DENY, None
    lawful = any(o.lawful for o in options)
    if ground is Ground.OPERATIONAL_NEED and not consent:
        lawful = False
    failed_rules = () if lawful else _union_rules(options)

    if in_target[c] and not any(o.lawful for o in options):
        reasons.append(
            Reason.ALREADY_IN_HOME_REGION
            if region == home and target_facility is None
            else Reason.ALREADY_IN_TARGET
        )
    elif ground is Ground.OPERATIONAL_NEED and not consent:
        reasons.append(Reason.CONSENT_REQUIRED)
    elif not any(o.lawful for o in options):
        by_type = target_facility is None and not any(
            set(o.failed_rules) <= {"co-defendant-separation"} for o in options
        )
        reasons.append(Reason.NO_FACILITY_OF_TYPE if by_type else Reason.NO_LAWFUL_FACILITY)
        alternatives = _alternatives(placed, metres, failed, c)
    elif not useful:
        reasons.append(
            Reason.ALREADY_IN_HOME_REGION
            if fac_region[c] == home == region
            else Reason.NOT_CLOSER_TO_HOME
        )
        alternatives = _alternatives(placed, metres, failed, c)
    elif with_room:
        verdict, facility_id = Verdict.GRANT, with_room[0].facility_id
        reasons.append(Reason.ROOM_AVAILABLE)
    else:
        targets = np.array([_row(fac_ids, o.facility_id) for o in useful], dtype=np.intp)
        swaps = _find_swaps(placed, source, i, metres, targets, max_swap_people)
        if swaps:
            verdict, facility_id = Verdict.GRANT_WITH_SWAP, swaps[0].moves[0].to_facility
            reasons += [Reason.SWAP_AVAILABLE, Reason.SWAP_NEEDS_CONSENT]
        else:
            reasons.append(Reason.FULL_NO_SWAP)
            alternatives = _alternatives(placed, metres, failed, c)
    if any(a.free_places > 0 for a in alternatives):
        reasons.append(Reason.CLOSER_FACILITY_AVAILABLE)

    return Evaluation(
        convict_id=convict_id,
        ground=ground,
        consent=consent,
        home_region=home,
        home_region_name=region_name.get(home, home),
        current=current,
        current_region_name=region_name.get(current.region, current.region),
        target_region=region,
        target_region_name=region_name[region],
        target_facility=target_facility,
        lawful=lawful,
        failed_rules=failed_rules,
        options=tuple(options),
        swaps=tuple(swaps),
        max_swap_people=max_swap_people,
        alternatives=tuple(alternatives),
        recommendation=verdict,
        facility_id=facility_id,
        reasons=tuple(reasons),
    )


def _target(
    facilities: pd.DataFrame,
    region_name: dict[str, str],
    target_region: str,
    target_facility: str | None,
) -> tuple[str, BoolArray]:
    """The target's region and, per facility, whether it belongs to the target."""
    if target_facility is None:
        if target_region not in region_name:
            raise UnknownIdError("region", target_region)
        return target_region, np.asarray(facilities["region"].to_numpy() == target_region)
    hits = np.flatnonzero(facilities["facility_id"].to_numpy() == target_facility)
    if len(hits) == 0:
        raise UnknownIdError("facility", target_facility)
    in_target = np.zeros(len(facilities), dtype=bool)
    in_target[hits[0]] = True
    return str(facilities["region"].to_numpy()[hits[0]]), in_target


def _row(ids: npt.NDArray[Any], facility_id: str) -> int:
    return int(np.flatnonzero(ids == facility_id)[0])


def _failed_rules(placed: _Placed, i: int) -> list[tuple[str, ...]]:
    """Per facility, the ids of the rules that forbid convict i to serve there."""
    klass = placed.classes.iloc[[int(placed.class_of[i])]].reset_index(drop=True)
    failing = []
    for rule in ELIGIBILITY_RULES:
        assert rule.allows is not None
        failing.append(~rule.allows(klass, placed.facilities)[0])
    co_defendants = placed.co_defendant_facilities()
    shared = np.zeros(len(placed.facilities), dtype=bool)
    shared[co_defendants.loc[co_defendants["convict"] == i, "facility"].to_numpy(np.intp)] = True
    failing.append(shared)
    ids = [r.id for r in ELIGIBILITY_RULES] + ["co-defendant-separation"]
    matrix = np.vstack(failing)
    return [tuple(ids[k] for k in np.flatnonzero(matrix[:, j])) for j in range(matrix.shape[1])]


def _option(
    placed: _Placed, metres: IntArray, failed: list[tuple[str, ...]], j: int, c: int
) -> FacilityOption:
    f = placed.facilities
    return FacilityOption(
        facility_id=str(f["facility_id"].to_numpy()[j]),
        name=str(f["name"].to_numpy()[j]),
        region=str(f["region"].to_numpy()[j]),
        security_level=str(f["security_level"].to_numpy()[j]),
        distance_km=_km(metres[j]),
        change_km=_km(metres[j] - metres[c]),
        free_places=int(placed.free[j]),
        lawful=j == c or not failed[j],
        failed_rules=() if j == c else failed[j],
    )


def _options(
    placed: _Placed,
    metres: IntArray,
    failed: list[tuple[str, ...]],
    rows: npt.NDArray[np.intp],
    c: int,
) -> list[FacilityOption]:
    options = [_option(placed, metres, failed, int(j), c) for j in rows]
    return sorted(options, key=lambda o: (not o.lawful, o.distance_km, o.facility_id))


def _alternatives(
    placed: _Placed, metres: IntArray, failed: list[tuple[str, ...]], c: int
) -> list[FacilityOption]:
    rows = np.flatnonzero(metres < metres[c])
    return [o for o in _options(placed, metres, failed, rows, c) if o.lawful]


def _union_rules(options: list[FacilityOption]) -> tuple[str, ...]:
    failing = {r for o in options for r in o.failed_rules}
    return tuple(r for r in RULES if r in failing)


def _find_swaps(
    placed: _Placed,
    source: DistanceSource,
    requester: int,
    requester_metres: IntArray,
    targets: npt.NDArray[np.intp],
    max_people: int = MAX_SWAP_PEOPLE,
    limit: int = MAX_SWAPS,
) -> list[Swap]:
    """Exchanges and chains that free a place in a full target for the requester.

    The requester moves into target t; someone in t moves on, and so on, until the last person
    moves into the place the requester left (a cycle) or into a free place (a chain). Every
    other person moves lawfully and no farther from home. For each pair of facilities the
    convict who gains most by the move is taken, so each facility passed lends one person.
    """
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

    c = int(placed.current[requester])
    ends = placed.free > 0
    ends[c] = True
    end_gain = np.where(ends[None, :], best, -np.inf)
    end_best, end_at = end_gain.max(axis=1), end_gain.argmax(axis=1)
    found: list[tuple[int, float, list[int]]] = []
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
    found.sort(
        key=lambda s: (s[0], -(s[1] + (requester_metres[c] - requester_metres[s[2][0]])), s[2])
    )
    ids = placed.population["convict_id"].to_numpy()
    fac_ids = placed.facilities["facility_id"].to_numpy()
    swaps = []
    for _, _, path in found[:limit]:
        moves = [
            Move(
                str(ids[requester]),
                str(fac_ids[c]),
                str(fac_ids[path[0]]),
                _km(requester_metres[c]),
                _km(requester_metres[path[0]]),
            )
        ]
        for g, h in pairwise(path):
            k = int(who[g, h])
            moves.append(
                Move(str(ids[k]), str(fac_ids[g]), str(fac_ids[h]), _km(now[k]), _km(metres[k, h]))
            )
        swaps.append(Swap(SwapKind.CYCLE if path[-1] == c else SwapKind.CHAIN, tuple(moves)))
    return swaps


# --- the text of a review ---------------------------------------------------------------------


def render_evaluation(evaluation: Evaluation, lang: str = "en") -> str:
    """The review in words: situation, lawfulness, options, swaps, reasons, recommendation."""
    check_language(lang)
    e = evaluation

    def say(key: str, **fields: Any) -> str:
        return transfer_message(key, lang, **fields)

    target = (
        f"{e.target_facility}"
        if e.target_facility is not None
        else f"{e.target_region_name} ({e.target_region})"
    )
    lines = [
        say("title", convict_id=e.convict_id),
        say(
            "current",
            facility_name=e.current.name,
            facility_id=e.current.facility_id,
            facility_region_name=e.current_region_name,
            distance_km=e.current.distance_km,
            home_region_name=e.home_region_name,
            home_region=e.home_region,
        ),
    ]
    ground_text = say(f"ground.{e.ground.value}")
    target_option = e.option(e.target_facility) if e.target_facility is not None else None
    if e.target_facility is not None:
        lines.append(
            say(
                "request.facility",
                facility_name=target_option.name if target_option else e.current.name,
                facility_id=e.target_facility,
                region_name=e.target_region_name,
                ground_text=ground_text,
            )
        )
    else:
        lines.append(
            say(
                "request.region",
                region_name=e.target_region_name,
                region=e.target_region,
                ground_text=ground_text,
            )
        )
    if e.lawful:
        lines.append(say("lawful.yes"))
    elif e.failed_rules:
        lines.append(say("lawful.no"))
        lines += [rule_line(r, lang) for r in e.failed_rules]
        lines += [
            say(
                "facility.unlawful",
                facility_name=o.name,
                facility_id=o.facility_id,
                security_level=o.security_level,
                rules=", ".join(o.failed_rules),
            )
            for o in e.options
        ]
    lawful = e.lawful_options
    if lawful:
        lines.append(say("candidates.head"))
        lines += [
            say(
                "candidate.line",
                facility_name=o.name,
                facility_id=o.facility_id,
                distance_km=o.distance_km,
                change_km=o.change_km,
                free_places=o.free_places,
                closer="" if o.closer else say("candidate.not-closer"),
            )
            for o in lawful
        ]
    if e.swaps:
        lines.append(say("swap.head"))
        lines += [
            say(
                "swap.line",
                kind=say(f"swap.kind.{s.kind.value}"),
                people=s.people,
                total_km=s.total_change_km,
                moves="; ".join(
                    say(
                        "swap.move",
                        convict_id=m.convict_id,
                        from_facility=m.from_facility,
                        to_facility=m.to_facility,
                        change_km=m.change_km,
                    )
                    for m in s.moves
                ),
            )
            for s in e.swaps
        ]
    lines += [_reason_text(e, r, target, lang) for r in e.reasons]
    if any(
        r in e.reasons
        for r in (
            Reason.NO_FACILITY_OF_TYPE,
            Reason.NO_LAWFUL_FACILITY,
            Reason.FULL_NO_SWAP,
            Reason.NOT_CLOSER_TO_HOME,
            Reason.ALREADY_IN_HOME_REGION,
        )
    ):
        lines.append(say("alternatives.head") if e.alternatives else say("alternatives.none"))
        lines += [
            say(
                "candidate.line",
                facility_name=o.name,
                facility_id=o.facility_id,
                distance_km=o.distance_km,
                change_km=o.change_km,
                free_places=o.free_places,
                closer="",
            )
            for o in e.alternatives
        ]
    chosen = e.option(e.facility_id) if e.facility_id is not None else None
    if e.recommendation is Verdict.DENY or chosen is None:
        lines.append(say("recommend.deny"))
    elif e.recommendation is Verdict.GRANT:
        lines.append(
            say("recommend.grant", facility_name=chosen.name, facility_id=chosen.facility_id)
        )
    else:
        swap = e.swaps[0]
        lines.append(
            say(
                "recommend.grant-with-swap",
                people=swap.people,
                facility_name=chosen.name,
                facility_id=chosen.facility_id,
            )
        )
    lines.append(say("reasons", codes=", ".join(r.value for r in e.reasons)))
    return "\n".join(lines)


def _reason_text(e: Evaluation, reason: Reason, target: str, lang: str) -> str:
    rule = REASON_RULE[reason]
    fields: dict[str, Any] = {
        "target": target,
        "rule_text": rule_citation(rule, lang) if rule is not None else "",
        "max_people": e.max_swap_people,
        "count": len(e.swaps),
    }
    if reason is Reason.ROOM_AVAILABLE and e.facility_id is not None:
        chosen = e.option(e.facility_id)
        assert chosen is not None
        fields |= {
            "facility_name": chosen.name,
            "facility_id": chosen.facility_id,
            "free_places": chosen.free_places,
        }
    if reason is Reason.CLOSER_FACILITY_AVAILABLE:
        nearest = next(a for a in e.alternatives if a.free_places > 0)
        fields |= {
            "facility_name": nearest.name,
            "facility_id": nearest.facility_id,
            "free_places": nearest.free_places,
            "distance_km": nearest.distance_km,
        }
    return transfer_message(reason.value, lang, **fields)


# --- decisions --------------------------------------------------------------------------------


def record_decision(
    evaluation: Evaluation,
    reviewer: str,
    decision: Verdict | str,
    reason: str | None = None,
    second_reviewer: str | None = None,
) -> Decision:
    """A reviewer's decision on a reviewed request, checked by the four-eyes rule.

    Following the recommendation needs one reviewer. Departing from it needs a written reason
    and the approval of a second, different reviewer (FourEyesError otherwise). No decision may
    break a hard rule: granting a transfer that is not lawful, granting without a free place,
    or granting with a swap where none exists raises UnlawfulDecisionError.
    """
    verdict = Verdict(decision)
    reviewer = reviewer.strip()
    if not reviewer:
        raise ValueError("a decision needs the reviewer's id")
    second = second_reviewer.strip() if second_reviewer is not None else None
    written = reason.strip() if reason is not None else None
    if second is not None and second == reviewer:
        raise FourEyesError("the second reviewer must be a different person from the reviewer")
    if verdict is not evaluation.recommendation:
        missing = [
            what
            for what, present in (
                ("a written reason", bool(written)),
                ("a second reviewer's approval", bool(second)),
            )
            if not present
        ]
        if missing:
            raise FourEyesError(
                f"deciding {verdict.value!r} against the recommendation "
                f"{evaluation.recommendation.value!r} "
                f"needs {' and '.join(missing)}"
            )
    facility_id, swap = _granted(evaluation, verdict)
    return Decision(
        convict_id=evaluation.convict_id,
        ground=evaluation.ground,
        verdict=verdict,
        recommendation=evaluation.recommendation,
        reviewer=reviewer,
        second_reviewer=second,
        reason=written or None,
        facility_id=facility_id,
        swap=swap,
    )


def _granted(evaluation: Evaluation, verdict: Verdict) -> tuple[str | None, Swap | None]:
    """Where a grant sends the convict, refusing any grant that breaks a hard rule."""
    if verdict is Verdict.DENY:
        return None, None
    if not evaluation.lawful:
        rules = ", ".join(evaluation.failed_rules) or ", ".join(r.value for r in evaluation.reasons)
        raise UnlawfulDecisionError(f"the transfer cannot be granted: it is not lawful ({rules})")
    if verdict is Verdict.GRANT_WITH_SWAP:
        if not evaluation.swaps:
            raise UnlawfulDecisionError("no swap makes room for this transfer")
        swap = evaluation.swaps[0]
        return swap.moves[0].to_facility, swap
    if evaluation.recommendation is Verdict.GRANT and evaluation.facility_id is not None:
        return evaluation.facility_id, None
    with_room = [o for o in evaluation.lawful_options if o.free_places > 0]
    if not with_room:
        raise UnlawfulDecisionError(
            "the transfer cannot be granted without a swap: every lawful facility of the target "
            "is full (capacity)"
        )
    return with_room[0].facility_id, None


# --- all requests at once ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CampaignResult:
    """The best transfer campaign: who moves where, and what it does for each home region.

    Optimal lexicographically: first the most convicts in their home region, then the most km
    saved; every move is lawful and strictly closer to home, nobody moves farther, and no
    facility ends above its capacity.
    """

    convicts: int
    moved: int
    home_before: int
    home_after: int
    total_km_before: float
    total_km_after: float
    into_free_places: int
    """Moves that take a place free today (net growth of the receiving facilities)."""
    into_freed_places: int
    """Moves that take a place freed by someone else moving out (exchanges and chains)."""
    by_region: pd.DataFrame
    """Per home region: convicts, home_before, home_after, moved, km_saved."""
    moves: pd.DataFrame
    """One row per moved convict, in population order."""
    facility_of: npt.NDArray[np.intp]
    """Per convict, the facility row after the campaign."""
    method: str
    optimal: bool

    @property
    def km_saved(self) -> float:
        return round(self.total_km_before - self.total_km_after, 3)

    def as_dict(self, *, include_moves: bool = False) -> dict[str, Any]:
        """JSON-able summary; the moves too when asked (one record per moved convict)."""
        result: dict[str, Any] = {
            "convicts": self.convicts,
            "moved": self.moved,
            "home_before": self.home_before,
            "home_after": self.home_after,
            "total_km_before": self.total_km_before,
            "total_km_after": self.total_km_after,
            "km_saved": self.km_saved,
            "into_free_places": self.into_free_places,
            "into_freed_places": self.into_freed_places,
            "objective": ["max-home-region", "max-km-saved"],
            "method": self.method,
            "optimal": self.optimal,
            "by_region": _records(self.by_region),
        }
        if include_moves:
            result["moves"] = _records(self.moves)
        return result

    def text(self) -> str:
        mean = self.km_saved / self.moved if self.moved else 0.0
        lines = [
            f"Transfer campaign over {self.convicts:,} convicts "
            f"({'optimal' if self.optimal else 'not proven optimal'}, {self.method}): "
            f"{self.moved:,} move strictly closer to home, nobody farther, no facility over "
            "capacity.",
            f"In their home region: {self.home_before:,} now, {self.home_after:,} after "
            f"({self.home_after - self.home_before:+,}).",
            f"Distance from home: {self.total_km_before:,.0f} km in all now, "
            f"{self.total_km_after:,.0f} km "
            f"after; {self.km_saved:,.0f} km saved ({mean:,.0f} km per move).",
            f"Moves into free places: {self.into_free_places:,}; "
            "into places freed by others moving "
            f"out: {self.into_freed_places:,}.",
            "",
            "By home region:",
            self.by_region.to_string(index=False),
        ]
        return "\n".join(lines)


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): v.item() if isinstance(v, np.generic) else v for k, v in row.items()}
        for row in table.to_dict(orient="records")
    ]


def optimise_transfers(
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    regions: pd.DataFrame,
    distance: DistanceKind | DistanceSource = DistanceKind.GREAT_CIRCLE,
) -> CampaignResult:
    """The largest set of transfers, exchanges included, that brings convicts closer to home.

    A min-cost flow over groups of interchangeable convicts (same class, home point and current
    facility): each group may stay or move to a lawful facility strictly closer to its home;
    facilities hold at most their capacity. Costs are metres plus a weight per convict outside
    the home region larger than any total distance, so the optimum first places the most
    convicts at home and then saves the most km. Co-defendants are single convicts whose moves
    pass through a unit place per case and facility, which keeps them apart exactly.
    """
    from ortools.graph.python import min_cost_flow

    source = _source(distance)
    placed = _Placed.build(population, facilities)
    n, n_fac = len(population), len(facilities)
    case = placed.shared_cases().to_numpy()
    keyed = pd.DataFrame(
        {
            "class": placed.class_of,
            "home_region": population["home_region"].to_numpy(),
            "home_lat": population["home_lat"].to_numpy(float),
            "home_lon": population["home_lon"].to_numpy(float),
            "current": placed.current,
            "solo": np.where(case != "", np.arange(n), -1),
        }
    )
    key = list(keyed.columns)
    grouping = keyed.groupby(key, sort=True)
    group_of = grouping.ngroup().to_numpy().astype(np.intp)
    groups = grouping.size().rename("count").reset_index()
    n_groups = len(groups)
    current = groups["current"].to_numpy(np.intp)
    counts = groups["count"].to_numpy(np.int64)

    metres = np.rint(
        source.matrix(
            groups["home_lat"].to_numpy(float),
            groups["home_lon"].to_numpy(float),
            facilities["lat"].to_numpy(float),
            facilities["lon"].to_numpy(float),
        )
        * 1000.0
    ).astype(np.int64)
    stay = metres[np.arange(n_groups), current]
    arc = placed.allowed[groups["class"].to_numpy(np.intp)] & (metres < stay[:, None])
    arc[np.arange(n_groups), current] = True
    away = groups["home_region"].to_numpy()[:, None] != facilities["region"].to_numpy()[None, :]
    away_weight = n * int(metres[arc].max(initial=0)) + 1
    cost = metres + away_weight * away.astype(np.int64)

    tail, facility = np.nonzero(arc)
    member = groups["solo"].to_numpy()[tail]
    solo = member >= 0
    case_places = pd.DataFrame({"case": case[member[solo]], "facility": facility[solo]})
    case_node = case_places.groupby(["case", "facility"], sort=True).ngroup().to_numpy(np.intp)
    n_case_nodes = int(case_node.max(initial=-1)) + 1
    first_of_node = np.unique(case_node, return_index=True)[1]
    members_now = pd.DataFrame({"case": case[case != ""], "facility": placed.current[case != ""]})
    members_now = members_now.value_counts().rename("members").reset_index()
    node_places = case_places.iloc[first_of_node].merge(
        members_now, on=["case", "facility"], how="left"
    )
    members_there = node_places["members"].fillna(0).to_numpy(np.int64)
    node_facility = node_places["facility"].to_numpy(np.intp)

    facility_node = n_groups + np.arange(n_fac)
    sink = n_groups + n_fac + n_case_nodes
    head = n_groups + facility
    head[solo] = n_groups + n_fac + case_node
    tails = np.concatenate(
        [tail, n_groups + n_fac + np.arange(n_case_nodes), facility_node]
    ).astype(np.int32)
    heads = np.concatenate([head, n_groups + node_facility, np.full(n_fac, sink)]).astype(np.int32)
    capacities = np.concatenate(
        [counts[tail], np.maximum(members_there, 1), np.maximum(placed.capacity, placed.count)]
    ).astype(np.int64)
    costs = np.concatenate([cost[tail, facility], np.zeros(n_case_nodes + n_fac)]).astype(np.int64)

    flow = min_cost_flow.SimpleMinCostFlow()
    arc_ids = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.concatenate([counts, np.zeros(n_fac + n_case_nodes), [-n]]).astype(np.int64)
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status}")
    flows = np.asarray(flow.flows(arc_ids[: len(tail)]), dtype=np.int64)

    facility_of = _hand_out(tail, facility, flows, current, group_of)
    return _campaign_result(placed, regions, metres, group_of, facility_of)


def _hand_out(
    tail: npt.NDArray[np.intp],
    facility: npt.NDArray[np.intp],
    flows: IntArray,
    current: npt.NDArray[np.intp],
    group_of: npt.NDArray[np.intp],
) -> npt.NDArray[np.intp]:
    """Each group's flows to its convicts in population order, movers first: deterministic."""
    used = flows > 0
    group, target, amount = tail[used], facility[used], flows[used]
    order = np.lexsort((target, target == current[group], group))
    target, amount = target[order], amount[order]
    ends = np.cumsum(amount)
    by_group = np.argsort(group_of, kind="stable")
    pick = np.searchsorted(ends, np.arange(len(group_of)), side="right")
    facility_of = np.empty(len(group_of), dtype=np.intp)
    facility_of[by_group] = target[pick]
    return facility_of


def _campaign_result(
    placed: _Placed,
    regions: pd.DataFrame,
    group_metres: IntArray,
    group_of: npt.NDArray[np.intp],
    facility_of: npt.NDArray[np.intp],
) -> CampaignResult:
    """Check the campaign against every hard rule and sum it up."""
    population, facilities = placed.population, placed.facilities
    before = group_metres[group_of, placed.current]
    after = group_metres[group_of, facility_of]
    moved = facility_of != placed.current
    final_count = np.bincount(facility_of, minlength=len(facilities)).astype(np.int64)
    if (after[moved] >= before[moved]).any():
        raise SolverError("a move does not bring the convict closer to home")
    if (final_count > np.maximum(placed.capacity, placed.count)).any():
        raise SolverError("a facility ends above its capacity")
    if not placed.allowed[placed.class_of[moved], facility_of[moved]].all():
        raise SolverError("a move breaks an eligibility rule")
    case = placed.shared_cases().to_numpy()
    in_case = case != ""
    together = pd.DataFrame({"case": case[in_case], "facility": facility_of[in_case]}).duplicated()
    was_together = pd.DataFrame(
        {"case": case[in_case], "facility": placed.current[in_case]}
    ).duplicated()
    if together.sum() > was_together.sum():
        raise SolverError("a move puts co-defendants in one facility")

    home = population["home_region"].to_numpy()
    region = facilities["region"].to_numpy()
    home_before = region[placed.current] == home
    home_after = region[facility_of] == home
    ids = facilities["facility_id"].to_numpy()
    moves = pd.DataFrame(
        {
            "convict_id": population["convict_id"].to_numpy()[moved],
            "home_region": home[moved],
            "from_facility": ids[placed.current[moved]],
            "from_region": region[placed.current[moved]],
            "to_facility": ids[facility_of[moved]],
            "to_region": region[facility_of[moved]],
            "distance_before_km": np.round(before[moved] / 1000.0, 3),
            "distance_after_km": np.round(after[moved] / 1000.0, 3),
            "saved_km": np.round((before[moved] - after[moved]) / 1000.0, 3),
            "home_after": home_after[moved],
        }
    )
    per_convict = pd.DataFrame(
        {
            "region": home,
            "convicts": 1,
            "home_before": home_before.astype(np.int64),
            "home_after": home_after.astype(np.int64),
            "moved": moved.astype(np.int64),
            "km_saved": (before - after) / 1000.0,
        }
    )
    by_region = (
        regions[["region", "name"]]
        .merge(
            per_convict.groupby("region", sort=False).sum().reset_index(), on="region", how="left"
        )
        .fillna({"convicts": 0, "home_before": 0, "home_after": 0, "moved": 0, "km_saved": 0.0})
        .astype(
            {
                "convicts": np.int64,
                "home_before": np.int64,
                "home_after": np.int64,
                "moved": np.int64,
            }
        )
    )
    by_region["km_saved"] = by_region["km_saved"].round(1)
    grown = int(np.maximum(final_count - placed.count, 0).sum())
    return CampaignResult(
        convicts=len(population),
        moved=int(moved.sum()),
        home_before=int(home_before.sum()),
        home_after=int(home_after.sum()),
        total_km_before=round(int(before.sum()) / 1000.0, 3),
        total_km_after=round(int(after.sum()) / 1000.0, 3),
        into_free_places=grown,
        into_freed_places=int(moved.sum()) - grown,
        by_region=by_region,
        moves=moves,
        facility_of=facility_of,
        method="min-cost-flow",
        optimal=True,
    )
