"""Small scenarios and populations for the forecast and sweep tests."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from optimizer.policies.forecast import ForecastInputs
from optimizer.policies.populations import cohort_table
from optimizer.policies.scenario import Scenario
from optimizer.policies.scenario_parse import parse_scenario
from tests.helpers import regions_table
from tests.optimizer.policies.helpers import small_network

SENTENCES = {"minimum": 1.0, "medium": 1.0, "maximum": 2.0, "extreme": 3.0, "complete": 4.0}


def scenario(extra: Mapping[str, object] | None = None, **sentences: float) -> Scenario:
    """A scenario on `small_network()` from 2026, 200 admissions a year unless told otherwise."""
    document: dict[str, object] = {
        "name": "test",
        "start": pd.Timestamp("2026-01-01").date(),
        "admissions": {"per_year": 200},
        "sentences": {**SENTENCES, **sentences},
    }
    document.update(extra or {})
    return parse_scenario(document, small_network(), regions_table(), file="test.toml")


def standing_population(size: int) -> pd.DataFrame:
    """Adult men at medium security spread over the small network's men's medium facilities."""
    pool = cohort_table(20 * size + 50, 7, regions_table())
    men = pool[
        (pool["sex"] == "M")
        & (pool["age_category"] == "adult")
        & (pool["security_level"] == "medium")
        & (pool["medical_need"] == "")
        & ~pool["former_officer"]
        & ~pool["life_sentence"]
    ].head(size)
    where = np.resize(np.array(["A-MED", "K-MED"]), len(men))
    return men.assign(facility_id=where, case_id="").reset_index(drop=True)


def inputs(size: int = 6) -> ForecastInputs:
    return ForecastInputs(regions_table(), small_network(), standing_population(size))
