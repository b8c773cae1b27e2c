"""The engine's review over today's population, and the stored review read back."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from fastapi import FastAPI

from api.canonical import json_text
from api.errors import NotFoundError
from api.services.transfer_reviews import (
    engine_facilities,
    evaluate,
    evaluation_from_dict,
    read_tables,
)
from optimizer.domain import DistanceKind
from optimizer.transfers import Ground, evaluation_document


def test_the_engine_counts_free_places_from_the_stored_occupancy() -> None:
    facilities = pd.DataFrame({"facility_id": ["A", "B"], "capacity": [10, 5], "occupied": [9, 0]})
    population = pd.DataFrame({"facility_id": ["A", "A", "B"]})
    seen = engine_facilities(facilities, population)
    assert list(seen["capacity"]) == [10 - 9 + 2, 5 - 0 + 1]


def test_a_stored_review_reads_back_as_the_engines(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        tables = read_tables(session=session)
    convict_id = tables.population["convict_id"].iloc[0]
    evaluation = evaluate(
        tables,
        convict_id=convict_id,
        target_region=None,
        target_facility=None,
        ground=Ground.HOME_REGION,
        consent=False,
        distance=DistanceKind.GREAT_CIRCLE,
    )
    names = dict(zip(tables.regions["region"], tables.regions["name"], strict=True))
    stored = json.loads(json_text(evaluation_document(evaluation), sort_keys=False))
    assert evaluation_from_dict(stored, names) == evaluation


def test_an_unknown_convict_is_not_found(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        tables = read_tables(session=session)
    with pytest.raises(NotFoundError) as missing:
        evaluate(
            tables,
            convict_id="nobody",
            target_region=None,
            target_facility=None,
            ground=Ground.HOME_REGION,
            consent=False,
            distance=DistanceKind.GREAT_CIRCLE,
        )
    assert missing.value.detail == "Convict not found"
