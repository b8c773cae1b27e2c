"""Forecasts: capacity holds every week, releases follow sentences, dated changes apply."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from optimizer.domain import InputError
from optimizer.policies.forecast import run_forecast
from optimizer.policies.scenario import WEEKS_PER_YEAR
from tests.optimizer.policies.forecast_helpers import inputs, scenario


def test_capacity_holds_every_week() -> None:
    """No week ends with more occupants than places in any facility, though many arrive."""
    forecast = run_forecast(scenario(), None, inputs(), years=2, seed=3)
    assert (forecast.occupancy <= forecast.capacity).all()
    assert (forecast.admissions["facility"] < 0).any(), "the small network should run full"


def test_releases_follow_sentence_lengths() -> None:
    """With no spread, every sentence is the mean in weeks, and each placed convict leaves
    exactly that many weeks after admission."""
    start = inputs(0)
    forecast = run_forecast(scenario(spread=0.0), None, start, years=3, seed=1)
    admitted = forecast.admissions
    expected = {"medium": round(1.0 * WEEKS_PER_YEAR), "maximum": round(2.0 * WEEKS_PER_YEAR)}
    for level, weeks in expected.items():
        mine = admitted[(admitted["security_level"] == level) & (admitted["sentence_weeks"] >= 0)]
        assert (mine["sentence_weeks"] == weeks).all()
    placed = admitted[(admitted["facility"] >= 0) & (admitted["sentence_weeks"] >= 0)]
    leaving = (placed["week"] + placed["sentence_weeks"]).to_numpy()
    counts = np.bincount(leaving[leaving < forecast.weeks], minlength=forecast.weeks)
    assert (forecast.releases.sum(axis=1) == counts).all()
    assert counts.sum() > 0


def test_closure_empties_the_facility_from_its_date() -> None:
    """A closed facility has no places from its week on; its occupants move or are counted."""
    closing = {"close": [{"facility_id": "A-MED", "date": datetime.date(2026, 3, 1)}]}
    plan = scenario(closing)
    forecast = run_forecast(plan, None, inputs(), years=1, seed=0)
    row = int(np.flatnonzero(forecast.network["facility_id"] == "A-MED")[0])
    week = plan.week_of(datetime.date(2026, 3, 1))
    assert forecast.capacity[week - 1, row] > 0
    assert (forecast.capacity[week:, row] == 0).all()
    beyond = np.maximum(forecast.occupancy - forecast.capacity, 0).sum(axis=1)
    assert (beyond <= forecast.held_beyond).all()
    assert forecast.moved[week] + forecast.held_beyond[week] >= 1


def test_single_cell_reconstruction_cuts_places_on_its_date() -> None:
    rebuild = {
        "single_cell": [
            {
                "facility_ids": ["K-MED"],
                "factor": 0.5,
                "date": datetime.date(2026, 7, 1),
                "assumption": "a test factor",
            }
        ]
    }
    plan = scenario(rebuild)
    forecast = run_forecast(plan, None, inputs(), years=1, seed=0)
    row = int(np.flatnonzero(forecast.network["facility_id"] == "K-MED")[0])
    week = plan.week_of(datetime.date(2026, 7, 1))
    assert forecast.capacity[week - 1, row] == 8
    assert forecast.capacity[week, row] == 4


def test_same_seed_same_forecast_and_trend_lowers_admissions() -> None:
    first = run_forecast(scenario(), None, inputs(), years=1, seed=5)
    again = run_forecast(scenario(), None, inputs(), years=1, seed=5)
    assert first.admissions.equals(again.admissions)
    assert (first.occupancy == again.occupancy).all()
    falling = scenario({"trend": {"change": -0.9, "over_years": 0.5}})
    fewer = run_forecast(falling, None, inputs(), years=1, seed=5)
    assert len(fewer.admissions) < 0.6 * len(first.admissions)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ({"admissions": {"per_year": -1}}, "admissions.per_year"),
        (
            {"close": [{"facility_id": "NOPE", "date": datetime.date(2027, 1, 1)}]},
            "close[0].facility_id",
        ),
        ({"trend": {"change": -0.3}}, "trend.over_years"),
        ({"start": "2026-01-01"}, "start"),
        ({"admissions": {"per_year": 10, "sex": {"M": 0.5}}}, "admissions.sex"),
        (
            {
                "single_cell": [
                    {"levels": ["medium"], "factor": 0.8, "date": datetime.date(2027, 1, 1)}
                ]
            },
            "single_cell[0]",
        ),
    ],
)
def test_bad_scenarios_name_the_key(extra: dict[str, object], key: str) -> None:
    with pytest.raises(InputError) as caught:
        scenario(extra)
    assert key in [p.column for p in caught.value.problems]


def test_years_are_bounded() -> None:
    with pytest.raises(ValueError, match=r"years must be within 1\.\.10"):
        run_forecast(scenario(), None, inputs(), years=11, seed=0)
