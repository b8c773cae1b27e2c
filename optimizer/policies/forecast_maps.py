"""Year-by-year maps of a forecast: per home region, who is left without a lawful place and
who is placed outside the home region, drawn over Kazakhstan's regions.

The geometry is the bundled simplified GeoJSON that `optimizer.geometry` reads (the same the
console and the benchmark maps draw). One small panel per forecast year, one colour scale per
figure, so that years compare at a glance; the colour bar says what the colour counts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from optimizer.policies.forecast import Forecast
from optimizer.policies.forecast_tables import region_table
from optimizer.policies.maps import MAP_ASPECT_LAT
from optimizer.policies.words import ReportWords

PANEL_COLUMNS = 5


def region_year_values(forecast: Forecast) -> dict[str, pd.DataFrame]:
    """Years (rows) x home regions (columns): `unplaced` admissions, and `away`, the share of
    the year's placed admissions placed outside their home region (NaN with none placed)."""
    table = region_table(forecast)
    unplaced = table.pivot_table(
        index="year", columns="region", values="unplaced", aggfunc="sum", fill_value=0
    )
    placed = table.assign(placed=table["placed_home"] + table["placed_outside_home"])
    outside = placed.pivot_table(
        index="year", columns="region", values="placed_outside_home", aggfunc="sum", fill_value=0
    )
    total = placed.pivot_table(
        index="year", columns="region", values="placed", aggfunc="sum", fill_value=0
    )
    away = outside / total.where(total > 0)
    return {"unplaced": unplaced.astype(float), "away": away.astype(float)}


def forecast_maps(forecast: Forecast, w: ReportWords) -> dict[str, Any]:
    """The two maps of a forecast, by key: `regions-unplaced` and `regions-away`."""
    values = region_year_values(forecast)
    yearly = (
        region_table(forecast)
        .groupby("year")[["unplaced", "placed_home", "placed_outside_home"]]
        .sum()
    )
    placed = yearly["placed_home"] + yearly["placed_outside_home"]
    years = [int(y) for y in yearly.index]
    unplaced_totals = dict(zip(years, [w.number(v) for v in yearly["unplaced"]], strict=True))
    away_share = yearly["placed_outside_home"] / placed.where(placed > 0)
    away_totals = dict(zip(years, [w.percent(v) for v in away_share], strict=True))
    names = {
        "scenario": w.title(forecast.scenario.name),
        "policy": w("forecast.today") if forecast.reform is None else w.title(forecast.policy),
    }
    return {
        "regions-unplaced": year_panels(
            values["unplaced"],
            unplaced_totals,
            (w("map.unplaced.title", **names), w("map.unplaced.scale")),
            "Reds",
        ),
        "regions-away": year_panels(
            100 * values["away"],
            away_totals,
            (w("map.away.title", **names), w("map.away.scale")),
            "Oranges",
        ),
    }


def year_panels(
    values: pd.DataFrame, totals: Mapping[int, str], words: tuple[str, str], colours: str
) -> Any:
    """One map per year (row of `values`), regions coloured by their value on one scale; each
    panel titled with its year and the national figure (`totals`); `words` are the figure's
    title and the colour bar's label."""
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    import optimizer.geometry as geometry

    shapes = geometry.read_region_shapes()
    outline = geometry.country_outline()
    order = sorted(shapes, key=lambda code: -_area(shapes[code]))
    years = list(values.index)
    rows = max(1, math.ceil(len(years) / PANEL_COLUMNS))
    columns = min(PANEL_COLUMNS, max(len(years), 1))
    figure, grid = plt.subplots(
        rows,
        columns,
        figsize=(3.4 * columns, 1.9 * rows + 1.0),
        squeeze=False,
        layout="constrained",
    )
    top = float(np.nanmax(values.to_numpy(float), initial=0.0))
    norm = Normalize(vmin=0.0, vmax=top if top > 0 else 1.0)
    cmap = plt.get_cmap(colours)
    for axes, year in zip(grid.flat, years, strict=False):
        row = values.loc[year]
        for code in order:
            value = float(row.get(code, math.nan))
            colour = "#dddddd" if math.isnan(value) else cmap(norm(value))
            for ring in shapes[code]:
                lon, lat = zip(*ring, strict=True)
                axes.fill(lon, lat, facecolor=colour, edgecolor="#888", linewidth=0.3)
        for ring in outline:
            lon, lat = zip(*ring, strict=True)
            axes.plot(lon, lat, color="#333", linewidth=0.7)
        axes.set_title(f"{year}: {totals.get(int(year), '')}", fontsize=9)
        axes.set_aspect(1 / math.cos(math.radians(MAP_ASPECT_LAT)))
        axes.set_xticks([])
        axes.set_yticks([])
    for axes in list(grid.flat)[len(years) :]:
        axes.set_visible(False)
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = figure.colorbar(mappable, ax=grid, shrink=0.9, pad=0.01)
    bar.set_label(textwrap.fill(words[1], 40), fontsize=8)
    figure.suptitle(textwrap.fill(words[0], 120), fontsize=10)
    return figure


def _area(rings: list[list[tuple[float, float]]]) -> float:
    """A region's size on the map (shoelace over its rings), to draw larger regions first so
    that cities inside them stay on top."""
    total = 0.0
    for ring in rings:
        lon = np.asarray([p[0] for p in ring])
        lat = np.asarray([p[1] for p in ring])
        total += abs(float(np.dot(lon, np.roll(lat, -1)) - np.dot(lat, np.roll(lon, -1)))) / 2
    return total
