"""Hand-made and seeded random worlds for the transfer tests: a placed population and its
facilities, and a review of one request on them.

Geography of the test regions (km between centres): Astana-Karaganda 193, Almaty-Shymkent 607,
Karaganda-Almaty 784, Karaganda-Shymkent 876, Astana-Almaty 972, Astana-Shymkent 997.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from optimizer.geo import GreatCircle
from optimizer.rules import convict_classes, eligibility
from optimizer.transfers import Evaluation, evaluate_request
from tests.helpers import convicts_table, facilities_table, facility, random_instance, regions_table

BALKHASH: dict[str, Any] = {"home_region": "KZ-35", "home_lat": 46.85, "home_lon": 74.98}
"""A home point 356 km from Karaganda, 428 km from Almaty, 546 km from Astana."""


def world(
    facility_records: list[dict[str, object]], placed: list[tuple[dict[str, object], str]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A validated population and its facilities, each facility's occupied being its count."""
    counts = Counter(fid for _, fid in placed)
    facilities = facilities_table(
        *({**f, "occupied": counts.get(str(f["facility_id"]), 0)} for f in facility_records)
    )
    convicts = convicts_table(*(c for c, _ in placed))
    return convicts.assign(facility_id=[fid for _, fid in placed]), facilities


def review(
    population: pd.DataFrame, facilities: pd.DataFrame, convict_id: str = "A", **kw: Any
) -> Evaluation:
    return evaluate_request(population, facilities, regions_table(), convict_id, **kw)


def full(facility_id: str, region: str, **fields: object) -> dict[str, object]:
    return facility(facility_id, region, capacity=1, **fields)


def random_world(
    rng: np.random.Generator, n_convicts: int, n_facilities: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random lawful population: convicts placed at random where the rules allow and there
    is room, co-defendants apart; facilities left with 0 to 2 free places."""
    convicts, facilities = random_instance(rng, n_convicts, n_facilities, cases=True)
    classes, class_of = convict_classes(convicts)
    allowed = eligibility(classes, facilities)
    limit = facilities["capacity"].to_numpy() + 2
    count = np.zeros(len(facilities), dtype=np.int64)
    where = np.full(len(convicts), -1)
    for i in rng.permutation(len(convicts)):
        case = convicts["case_id"].to_numpy()[i]
        taken = (
            set(where[(convicts["case_id"] == case).to_numpy() & (where >= 0)]) if case else set()
        )
        options = [
            j for j in np.flatnonzero(allowed[class_of[i]] & (count < limit)) if j not in taken
        ]
        if options:
            where[i] = rng.choice(options)
            count[where[i]] += 1
    keep = where >= 0
    population = convicts[keep].reset_index(drop=True)
    population["facility_id"] = facilities["facility_id"].to_numpy()[where[keep]]
    facilities = facilities.assign(occupied=count, capacity=count + rng.integers(0, 3, len(count)))
    return population, facilities


def metres(population: pd.DataFrame, facilities: pd.DataFrame) -> np.ndarray:
    km = GreatCircle().matrix(
        population["home_lat"].to_numpy(float),
        population["home_lon"].to_numpy(float),
        facilities["lat"].to_numpy(float),
        facilities["lon"].to_numpy(float),
    )
    return np.rint(km * 1000).astype(np.int64)
