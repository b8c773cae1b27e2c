"""The engine's review of a transfer request over today's population, and the stored review
read back as the reviewer read it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from api.errors import NotFoundError
from api.services.population import todays_population
from optimizer.domain import DistanceKind
from optimizer.transfers import (
    Evaluation,
    FacilityOption,
    Ground,
    LocalName,
    Move,
    Reason,
    Swap,
    SwapKind,
    UnknownIdError,
    Verdict,
    evaluate_request,
)

NOT_FOUND = {
    "convict": "Convict not found",
    "region": "Region not found",
    "facility": "Facility not found",
}


@dataclass(frozen=True)
class TransferTables:
    """What the transfer engine reads: regions, facilities as it must see them, population."""

    regions: pd.DataFrame
    facilities: pd.DataFrame
    population: pd.DataFrame


def read_tables(*, session: Session) -> TransferTables:
    """Today's population and network, with the facilities as the engine must see them."""
    today = todays_population(session=session)
    return TransferTables(
        today.regions, engine_facilities(today.facilities, today.population), today.population
    )


def engine_facilities(facilities: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The facilities with the capacity that leaves each exactly its stored free places.

    The engine counts a facility's occupants from the population; the store's occupancy is the
    figure every booking is checked against (an admin's correction included). Handing the engine
    capacity - occupied + counted keeps its free places equal to the store's.
    """
    counted = (
        population["facility_id"]
        .value_counts()
        .reindex(facilities["facility_id"], fill_value=0)
        .to_numpy(np.int64)
    )
    capacity = facilities["capacity"].to_numpy(np.int64)
    occupied = facilities["occupied"].to_numpy(np.int64)
    return facilities.assign(capacity=capacity - occupied + counted)


def evaluate(
    tables: TransferTables,
    *,
    convict_id: str,
    target_region: str | None,
    target_facility: str | None,
    ground: Ground,
    consent: bool,
    distance: DistanceKind,
) -> Evaluation:
    """The engine's review of one request; an unknown convict, region or facility is a 404."""
    try:
        return evaluate_request(
            tables.population,
            tables.facilities,
            tables.regions,
            convict_id,
            target_region=target_region,
            target_facility=target_facility,
            ground=ground,
            consent=consent,
            distance=distance,
        )
    except UnknownIdError as error:
        raise NotFoundError(NOT_FOUND[error.kind]) from None


def evaluation_from_dict(data: Mapping[str, Any], region_names: Mapping[str, str]) -> Evaluation:
    """An `Evaluation` from its `as_dict()` form: the stored review, as the reviewer read it."""

    current = _option(data["current"])
    home, target = data["home_region"], data["target_region"]
    return Evaluation(
        convict_id=data["convict_id"],
        ground=Ground(data["ground"]),
        consent=data["consent"],
        home_region=home,
        home_region_name=region_names.get(home, home),
        current=current,
        current_region_name=region_names.get(current.region, current.region),
        target_region=target,
        target_region_name=region_names.get(target, target),
        target_facility=data["target_facility"],
        lawful=data["lawful"],
        failed_rules=tuple(r["id"] for r in data["failed_rules"]),
        options=tuple(_option(o) for o in data["options"]),
        swaps=tuple(_swap(s) for s in data["swaps"]),
        max_swap_people=data["max_swap_people"],
        alternatives=tuple(_option(o) for o in data["alternatives"]),
        recommendation=Verdict(data["recommendation"]),
        facility_id=data["facility_id"],
        reasons=tuple(Reason(r["code"]) for r in data["reasons"]),
        choices=tuple(_option(o) for o in data.get("choices", [])),
        waiting_list=bool(data.get("waiting_list", False)),
        local_names=tuple(
            LocalName(key, n.get("en"), n.get("ru"), n.get("kk"))
            for key, n in data.get("local_names", {}).items()
        ),
    )


def _option(o: Mapping[str, Any]) -> FacilityOption:
    return FacilityOption(
        facility_id=o["facility_id"],
        name=o["name"],
        region=o["region"],
        security_level=o["security_level"],
        distance_km=o["distance_km"],
        change_km=o["change_km"],
        free_places=o["free_places"],
        lawful=o["lawful"],
        failed_rules=tuple(o["failed_rules"]),
    )


def _swap(s: Mapping[str, Any]) -> Swap:
    moves = tuple(
        Move(
            m["convict_id"],
            m["from_facility"],
            m["to_facility"],
            m["distance_before_km"],
            m["distance_after_km"],
        )
        for m in s["moves"]
    )
    return Swap(SwapKind(s["kind"]), moves)
