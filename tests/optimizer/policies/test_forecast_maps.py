"""Forecast maps: per home region and year, the unplaced and the share placed away."""

from __future__ import annotations

import numpy as np

from optimizer.policies.forecast import run_forecast
from optimizer.policies.forecast_maps import forecast_maps, region_year_values
from optimizer.policies.forecast_tables import region_table
from optimizer.policies.words import report_words
from tests.optimizer.policies.forecast_helpers import inputs, scenario


def test_region_values_add_up_to_the_forecasts_admissions() -> None:
    """Unplaced per region and year sum to the forecast's unplaced; shares lie in 0..1."""
    forecast = run_forecast(scenario(), None, inputs(), years=2, seed=3)
    values = region_year_values(forecast)
    admissions = forecast.admissions
    assert values["unplaced"].to_numpy().sum() == (admissions["facility"] < 0).sum()
    away = values["away"].to_numpy(float)
    assert np.nanmin(away) >= 0 and np.nanmax(away) <= 1
    table = region_table(forecast)
    placed = table["placed_home"] + table["placed_outside_home"]
    assert np.isnan(away).sum() == values["away"].size - (placed > 0).sum()


def test_one_panel_per_year_with_the_national_figure_in_its_title() -> None:
    forecast = run_forecast(scenario(), None, inputs(), years=3, seed=3)
    words = report_words("en", forecast.regions, [forecast.scenario])
    figures = forecast_maps(forecast, words)
    assert set(figures) == {"regions-unplaced", "regions-away"}
    panels = [a for a in figures["regions-unplaced"].axes if a.get_visible() and a.get_title()]
    years = sorted(set(forecast.years()))
    assert [a.get_title().split(":")[0] for a in panels] == [str(y) for y in years]
    unplaced = int((forecast.admissions["facility"] < 0).sum())
    totals = [int(a.get_title().split(": ")[1].replace(",", "")) for a in panels]
    assert sum(totals) == unplaced
