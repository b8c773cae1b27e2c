"""The report of a forecast: year-by-year and region-by-region tables, figures, Markdown, HTML.

Folder per forecast (`<scenario>--<policy>/`): yearly.csv, regions.csv, unplaced.csv,
shortages.csv, index.md, index.html, figures/*.png. It opens with who is left without a lawful
place; distances are stated with the population they cover (convicts placed outside their
home region).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.data import write_csv_atomically, write_text_atomically
from optimizer.policies.figures import save_figure
from optimizer.policies.forecast import Forecast
from optimizer.policies.forecast_tables import (
    region_table,
    shortage_table,
    unplaced_table,
    yearly_table,
)
from optimizer.policies.formats import number
from optimizer.policies.markup import (
    Block,
    Figure,
    Heading,
    Paragraph,
    Table,
    render_html,
    render_markdown,
)


def forecast_folder(forecast: Forecast) -> str:
    return f"{forecast.scenario.name}--{forecast.policy}"


def write_forecast_report(forecast: Forecast, out: Path, *, figures: bool = True) -> list[Path]:
    """Write one forecast's folder under `out`; returns the files written."""
    folder = out / forecast_folder(forecast)
    yearly, regions = yearly_table(forecast), region_table(forecast)
    unplaced, shortages = unplaced_table(forecast), shortage_table(forecast)
    written = []
    for name, table in (
        ("yearly.csv", yearly),
        ("regions.csv", regions),
        ("unplaced.csv", unplaced),
        ("shortages.csv", shortages),
    ):
        write_csv_atomically(table, folder / name)
        written.append(folder / name)
    paths: dict[str, str] = {}
    if figures:
        paths = _draw(forecast, folder / "figures")
        written += [folder / p for p in paths.values()]
    title = f"Forecast: {forecast.scenario.title} — {forecast.policy}"
    blocks = [Heading(title, 1), *forecast_blocks(forecast, yearly, unplaced, shortages, paths)]
    write_text_atomically(render_markdown(blocks), folder / "index.md")
    write_text_atomically(render_html(blocks, title), folder / "index.html")
    return [*written, folder / "index.md", folder / "index.html"]


def forecast_blocks(
    forecast: Forecast,
    yearly: pd.DataFrame,
    unplaced: pd.DataFrame,
    shortages: pd.DataFrame,
    figures: dict[str, str],
) -> list[Block]:
    """The report's content in order: unplaced first, then places, regions, method."""
    total = int(yearly["unplaced"].sum())
    blocks: list[Block] = [Heading("Who is left without a lawful place")]
    blocks.append(
        Paragraph(
            f"Over {number(len(yearly))} years, {number(total)} of "
            f"{number(yearly['admissions'].sum())} "
            "newly sentenced convicts find no place that the law allows them (right sex, age, "
            "security level, criminal history, medical need) anywhere in the network."
            + (
                f" At worst {number(yearly['held_beyond_capacity'].max())} occupants of closed or "
                "reduced facilities fit nowhere else and are held beyond capacity."
                if yearly["held_beyond_capacity"].max() > 0
                else ""
            )
        )
    )
    if total:
        by = unplaced.groupby(["sex", "security_level"])["unplaced"].sum().reset_index()
        blocks.append(Table(by.sort_values("unplaced", ascending=False)))
        top = unplaced.groupby("home_region")["unplaced"].sum().sort_values(ascending=False)
        blocks.append(Table(top.head(10).rename_axis("home region").reset_index()))
    blocks.append(Heading("Year by year"))
    blocks.append(
        Paragraph(
            "Distances are of convicts placed outside their home region only; free places are at "
            "the end of each year."
        )
    )
    blocks.append(Table(_formatted(yearly)))
    for key, caption in (
        ("occupancy", "Occupancy and places by security level, week by week."),
        ("unplaced", "Convicts left without a lawful place, by year and level."),
    ):
        if key in figures:
            blocks.append(Figure(figures[key], caption))
    blocks.append(Heading("First year each region runs out of places of a kind"))
    short = shortages.dropna(subset=["first_year_full"])
    blocks.append(
        Table(short) if len(short) else Paragraph("No region runs out within the horizon.")
    )
    blocks.append(Heading("Method and assumptions"))
    blocks.append(Paragraph(_method(forecast)))
    return blocks


def _formatted(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for column in out.columns:
        if column != "year":
            out[column] = [number(float(v)) for v in out[column]]
    return out


def _method(forecast: Forecast) -> str:
    scenario = forecast.scenario
    notes = [
        f"Seed {forecast.seed}; start {scenario.start.isoformat()}; "
        f"{number(forecast.weeks)} weeks.",
        f"Admissions {number(scenario.admissions.per_year)} a year (Poisson counts each week).",
        "Each week: dated changes, releases at the end of each sentence, moves out of closed or "
        "reduced facilities, then one allocation of the week's intake by the engine (home region "
        "first) against that week's occupancy.",
        "Today's occupants have no recorded remaining term: each gets a sentence drawn like an "
        "admission's and a uniform share of it left to serve (an assumption).",
    ]
    notes += [
        f"Single-cell reconstruction from {r.date.isoformat()}: factor {r.factor:g} ({r.note})."
        for r in scenario.reconstructions
    ]
    return " ".join(notes)


def _draw(forecast: Forecast, folder: Path) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "occupancy": save_figure(occupancy_figure(forecast), folder / "occupancy.png"),
        "unplaced": save_figure(unplaced_figure(forecast), folder / "unplaced.png"),
    }
    return {k: str(Path(p).relative_to(folder.parent)) for k, p in paths.items()}


def occupancy_figure(forecast: Forecast) -> Any:
    """One panel per security level (own scale): places in force and occupants, by week."""
    import matplotlib.pyplot as plt
    from matplotlib.dates import DateFormatter, YearLocator

    dates = np.array(
        [forecast.scenario.date_of(w) for w in range(forecast.weeks)], dtype="datetime64[D]"
    )
    levels = forecast.network["security_level"].to_numpy()
    shown = list(dict.fromkeys(levels))
    columns = 3
    rows = -(-len(shown) // columns)
    figure, grid = plt.subplots(rows, columns, figsize=(12, 2.8 * rows), squeeze=False)
    for axes, level in zip(grid.flat, shown, strict=False):
        chosen = levels == level
        axes.plot(
            dates, forecast.capacity[:, chosen].sum(axis=1), "--", color="#555", label="places"
        )
        axes.plot(dates, forecast.occupancy[:, chosen].sum(axis=1), color="C0", label="occupants")
        axes.set_title(level, fontsize=10)
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
        axes.tick_params(labelsize=8)
        axes.xaxis.set_major_locator(YearLocator(2))  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_formatter(DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    for axes in list(grid.flat)[len(shown) :]:
        axes.set_visible(False)
    grid.flat[0].legend(fontsize=8, loc="lower left")
    for axes in grid[:, 0]:
        axes.set_ylabel("convicts")
    figure.suptitle(
        f"{forecast.scenario.title} ({forecast.policy}): occupants and places by security level"
    )
    figure.tight_layout()
    return figure


def unplaced_figure(forecast: Forecast) -> Any:
    """Unplaced convicts per year, stacked by security level."""
    import matplotlib.pyplot as plt

    table = (
        unplaced_table(forecast)
        .pivot_table(
            index="year", columns="security_level", values="unplaced", aggfunc="sum", fill_value=0
        )
        .reindex(sorted(set(forecast.years())), fill_value=0)
    )
    figure, axes = plt.subplots(figsize=(9, 4))
    bottom = np.zeros(len(table))
    for level in table.columns:
        axes.bar(table.index, table[level], bottom=bottom, label=level)
        bottom += table[level].to_numpy()
    axes.set_title(f"{forecast.scenario.title}, {forecast.policy}: convicts without a lawful place")
    axes.set_xlabel("year")
    axes.set_ylabel("convicts per year")
    axes.grid(axis="y", alpha=0.3)
    if len(table.columns):
        axes.legend(fontsize=8, title="security level")
    return figure
