"""The review of one transfer request (Penal Executive Code art. 88) against today's population.

Which facilities of the target are lawful (every hard rule of `rules.py`, co-defendants apart),
which have room, and when all are full, which swaps with other convicts would make room without
moving anyone farther from home. The review ends in a recommendation with stable reason codes;
deciding on it is `decisions.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.domain import DistanceKind
from optimizer.geo import DistanceSource
from optimizer.rules import ELIGIBILITY_RULES, RULES
from optimizer.transfers.domain import (
    MAX_SWAP_PEOPLE,
    FacilityOption,
    Ground,
    Reason,
    Swap,
    UnknownIdError,
    Verdict,
)
from optimizer.transfers.evaluation import Evaluation, LocalName
from optimizer.transfers.placed import (
    BoolArray,
    IntArray,
    Placed,
    RowArray,
    as_distance_source,
    km,
)
from optimizer.transfers.swaps import find_swaps

CO_DEFENDANT_RULE = "co-defendant-separation"


@dataclass(frozen=True, slots=True)
class TransferRequest:
    """One convict's request and how to review it.

    The target is a region (by default the convict's home region) or one facility, not both.
    `consent` records the convict's consent, which a transfer for operational need requires.
    Swaps involve at most `max_swap_people` people, the requester included (2 to 4).
    """

    convict_id: str
    target_region: str | None = None
    target_facility: str | None = None
    ground: Ground = Ground.HOME_REGION
    consent: bool = False
    distance: DistanceKind | DistanceSource = DistanceKind.GREAT_CIRCLE
    max_swap_people: int = MAX_SWAP_PEOPLE

    def __post_init__(self) -> None:
        if self.target_region is not None and self.target_facility is not None:
            raise ValueError("give a target region or a target facility, not both")
        if not 2 <= self.max_swap_people <= MAX_SWAP_PEOPLE:
            raise ValueError(
                f"max_swap_people must be from 2 to {MAX_SWAP_PEOPLE}, got {self.max_swap_people}"
            )

    @property
    def lacks_consent(self) -> bool:
        """A transfer for operational need without the convict's consent."""
        return self.ground is Ground.OPERATIONAL_NEED and not self.consent


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
    """Review one convict's transfer request: `review_request` with the request's fields."""
    request = TransferRequest(
        convict_id=convict_id,
        target_region=target_region,
        target_facility=target_facility,
        ground=Ground(ground),
        consent=consent,
        distance=distance,
        max_swap_people=max_swap_people,
    )
    return review_request(population, facilities, regions, request)


def review_request(
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    regions: pd.DataFrame,
    request: TransferRequest,
) -> Evaluation:
    """Review one convict's transfer request against the current population.

    Raises UnknownIdError for an unknown convict, region or facility.
    """
    source = as_distance_source(request.distance)
    placed = Placed.build(population, facilities)
    i = placed.index_of(request.convict_id)
    region_name = dict(zip(regions["region"], regions["name"], strict=True))
    home = str(population["home_region"].to_numpy()[i])
    region, in_target = _target(
        facilities, region_name, request.target_region or home, request.target_facility
    )
    requester = _Requester.of(placed, source, i)
    c = requester.current
    options = requester.options(np.flatnonzero(in_target & (np.arange(len(facilities)) != c)))
    current = requester.option(c)
    lawful = any(o.lawful for o in options) and not request.lacks_consent
    outcome = _recommend(requester, request, _Target(region, home, in_target), options)
    others = np.flatnonzero(np.arange(len(facilities)) != c)
    return Evaluation(
        convict_id=request.convict_id,
        ground=request.ground,
        consent=request.consent,
        home_region=home,
        home_region_name=region_name.get(home, home),
        current=current,
        current_region_name=region_name.get(current.region, current.region),
        target_region=region,
        target_region_name=region_name[region],
        target_facility=request.target_facility,
        lawful=lawful,
        failed_rules=() if lawful else _union_rules(options),
        options=tuple(options),
        swaps=outcome.swaps,
        max_swap_people=request.max_swap_people,
        alternatives=outcome.alternatives,
        recommendation=outcome.verdict,
        facility_id=outcome.facility_id,
        reasons=outcome.reasons,
        choices=tuple(requester.options(others)),
        waiting_list=_waiting_list(request, region, home, current, options),
        local_names=(*_local_names(facilities, "facility_id"), *_local_names(regions, "region")),
    )


def _waiting_list(
    request: TransferRequest,
    region: str,
    home: str,
    current: FacilityOption,
    options: list[FacilityOption],
) -> bool:
    """Whether the review offers a place on the home region's waiting list: the home region is
    asked, the convict serves elsewhere, and its lawful facilities are all full."""
    lawful = [o for o in options if o.lawful]
    return (
        region == home != current.region
        and request.target_facility is None
        and not request.lacks_consent
        and bool(lawful)
        and all(o.free_places <= 0 for o in lawful)
    )


def _local_names(table: pd.DataFrame, key: str) -> list[LocalName]:
    """The names of a table's rows in each language, where it has them."""

    def text(column: str) -> list[str | None]:
        if column not in table.columns:
            return [None] * len(table)
        return [str(v) if isinstance(v, str) and v.strip() else None for v in table[column]]

    return [
        LocalName(str(k), en, ru, kk)
        for k, en, ru, kk in zip(
            table[key], text("name"), text("name_ru"), text("name_kk"), strict=True
        )
    ]


@dataclass(frozen=True)
class _Target:
    """The target's region, the convict's home region, and per facility whether it is targeted."""

    region: str
    home: str
    facilities: BoolArray


@dataclass(frozen=True)
class _Outcome:
    verdict: Verdict
    facility_id: str | None
    reasons: tuple[Reason, ...]
    swaps: tuple[Swap, ...] = ()
    alternatives: tuple[FacilityOption, ...] = ()


@dataclass(frozen=True)
class _Requester:
    """The requesting convict facing every facility: distances from home and rules failed."""

    placed: Placed
    source: DistanceSource
    row: int
    current: int
    """The facility row where the convict serves now."""
    metres: IntArray
    failed: tuple[tuple[str, ...], ...]
    """Per facility, the ids of the rules that forbid the convict to serve there."""

    @classmethod
    def of(cls, placed: Placed, source: DistanceSource, row: int) -> _Requester:
        metres = placed.metres(source, np.array([row]))[0]
        failed = _failed_rules(placed, row)
        return cls(placed, source, row, int(placed.current[row]), metres, failed)

    def option(self, j: int) -> FacilityOption:
        f, c = self.placed.facilities, self.current
        return FacilityOption(
            facility_id=str(f["facility_id"].to_numpy()[j]),
            name=str(f["name"].to_numpy()[j]),
            region=str(f["region"].to_numpy()[j]),
            security_level=str(f["security_level"].to_numpy()[j]),
            distance_km=km(self.metres[j]),
            change_km=km(self.metres[j] - self.metres[c]),
            free_places=int(self.placed.free[j]),
            lawful=j == c or not self.failed[j],
            failed_rules=() if j == c else self.failed[j],
        )

    def options(self, rows: RowArray) -> list[FacilityOption]:
        """The facilities of `rows`: lawful first, nearest to home first."""
        options = [self.option(int(j)) for j in rows]
        return sorted(options, key=lambda o: (not o.lawful, o.distance_km, o.facility_id))

    def alternatives(self) -> list[FacilityOption]:
        """Lawful facilities anywhere closer to home than now, nearest first."""
        rows = np.flatnonzero(self.metres < self.metres[self.current])
        return [o for o in self.options(rows) if o.lawful]


def _recommend(
    requester: _Requester,
    request: TransferRequest,
    target: _Target,
    options: list[FacilityOption],
) -> _Outcome:
    """Deny with the first reason that stops the transfer, else grant into room or by a swap."""
    fac_region = requester.placed.facilities["region"].to_numpy()
    at_home_elsewhere = (
        target.region == target.home and fac_region[requester.current] != target.home
    )
    closer_only = request.ground is Ground.HOME_REGION and not at_home_elsewhere
    useful = [o for o in options if o.lawful and (o.closer or not closer_only)]
    refusal = _refusal(requester, request, target, options, useful)
    if refusal is not None:
        return _denied(requester, *refusal, request.ground)
    with_room = [o for o in useful if o.free_places > 0]
    if with_room:
        return _Outcome(Verdict.GRANT, with_room[0].facility_id, (Reason.ROOM_AVAILABLE,))
    fac_ids = requester.placed.facilities["facility_id"].to_numpy()
    targets = np.array(
        [int(np.flatnonzero(fac_ids == o.facility_id)[0]) for o in useful], dtype=np.intp
    )
    swaps = find_swaps(
        requester.placed,
        requester.source,
        requester.row,
        requester.metres,
        targets,
        request.max_swap_people,
    )
    if not swaps:
        return _denied(requester, Reason.FULL_NO_SWAP, True, request.ground)
    return _Outcome(
        Verdict.GRANT_WITH_SWAP,
        swaps[0].moves[0].to_facility,
        (Reason.SWAP_AVAILABLE, Reason.SWAP_NEEDS_CONSENT),
        swaps=tuple(swaps),
    )


def _refusal(
    requester: _Requester,
    request: TransferRequest,
    target: _Target,
    options: list[FacilityOption],
    useful: list[FacilityOption],
) -> tuple[Reason, bool] | None:
    """Why the transfer stops before looking for room, and whether to look elsewhere."""
    any_lawful = any(o.lawful for o in options)
    if target.facilities[requester.current] and not any_lawful:
        home_asked = target.region == target.home and request.target_facility is None
        return (Reason.ALREADY_IN_HOME_REGION if home_asked else Reason.ALREADY_IN_TARGET), False
    if request.lacks_consent:
        return Reason.CONSENT_REQUIRED, False
    if not any_lawful:
        by_type = request.target_facility is None and not any(
            set(o.failed_rules) <= {CO_DEFENDANT_RULE} for o in options
        )
        return (Reason.NO_FACILITY_OF_TYPE if by_type else Reason.NO_LAWFUL_FACILITY), True
    if not useful:
        region_now = requester.placed.facilities["region"].to_numpy()[requester.current]
        at_home = region_now == target.home == target.region
        return (Reason.ALREADY_IN_HOME_REGION if at_home else Reason.NOT_CLOSER_TO_HOME), True
    return None


SERVED_ELSEWHERE = (Reason.NO_FACILITY_OF_TYPE,)
"""Reasons why the asked region can never take the convict (no waiting list can help), after
which a request to serve closer to home is granted into the nearest lawful facility with room
that is closer than now. A full home region is not one (the reviewer chooses between the
nearest with room and the waiting list), nor a region whose facilities hold co-defendants."""


def _denied(
    requester: _Requester, reason: Reason, look_elsewhere: bool, ground: Ground
) -> _Outcome:
    """A deny, listing lawful facilities closer to home when asked to look elsewhere; for a
    request to serve closer to home, a grant into the nearest of them with room instead."""
    alternatives = tuple(requester.alternatives()) if look_elsewhere else ()
    with_room = [a for a in alternatives if a.free_places > 0]
    if not with_room:
        return _Outcome(Verdict.DENY, None, (reason,), alternatives=alternatives)
    reasons = (reason, Reason.CLOSER_FACILITY_AVAILABLE)
    if ground is Ground.HOME_REGION and reason in SERVED_ELSEWHERE:
        nearest = with_room[0].facility_id
        return _Outcome(Verdict.GRANT, nearest, reasons, alternatives=alternatives)
    return _Outcome(Verdict.DENY, None, reasons, alternatives=alternatives)


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


def _failed_rules(placed: Placed, i: int) -> tuple[tuple[str, ...], ...]:
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
    ids = [r.id for r in ELIGIBILITY_RULES] + [CO_DEFENDANT_RULE]
    matrix = np.vstack(failing)
    return tuple(
        tuple(ids[k] for k in np.flatnonzero(matrix[:, j])) for j in range(matrix.shape[1])
    )


def _union_rules(options: list[FacilityOption]) -> tuple[str, ...]:
    failing = {r for o in options for r in o.failed_rules}
    return tuple(r for r in RULES if r in failing)
