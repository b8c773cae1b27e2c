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
from optimizer.i18n import Translator, translator
from optimizer.policies.figures import save_figure
from optimizer.policies.forecast import Forecast
from optimizer.policies.forecast_tables import (
    region_table,
    shortage_table,
    unplaced_table,
    yearly_table,
)
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


def write_forecast_report(
    forecast: Forecast, out: Path, *, figures: bool = True, lang: str = "en"
) -> list[Path]:
    """Write one forecast's folder under `out` in a language; returns the files written."""
    t = translator("policies", lang)
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
        paths = _draw(forecast, folder / "figures", t)
        written += [folder / p for p in paths.values()]
    title = t("forecast.title", scenario=forecast.scenario.title, policy=_policy(forecast, t))
    content = forecast_blocks(forecast, yearly, unplaced, shortages, paths, t)
    blocks = [Heading(title, 1), *content]
    write_text_atomically(render_markdown(blocks), folder / "index.md")
    write_text_atomically(render_html(blocks, title, lang=t.lang.value), folder / "index.html")
    return [*written, folder / "index.md", folder / "index.html"]


def _policy(forecast: Forecast, t: Translator) -> str:
    return t("forecast.today") if forecast.policy == "today" else forecast.policy


def forecast_blocks(
    forecast: Forecast,
    yearly: pd.DataFrame,
    unplaced: pd.DataFrame,
    shortages: pd.DataFrame,
    figures: dict[str, str],
    t: Translator,
) -> list[Block]:
    """The report's content in order: unplaced first, then places, regions, method."""
    total = int(yearly["unplaced"].sum())
    lead = t.plural(
        "forecast.unplaced",
        total,
        years=t.number(len(yearly)),
        admitted=t.number(int(yearly["admissions"].sum())),
    )
    held = int(yearly["held_beyond_capacity"].max())
    if held > 0:
        lead += " " + t("forecast.held", held=t.number(held))
    blocks: list[Block] = [Heading(t("unplaced.heading")), Paragraph(lead)]
    if total:
        by = unplaced.groupby(["sex", "security_level"])["unplaced"].sum().reset_index()
        blocks.append(Paragraph(t("forecast.by_group")))
        blocks.append(Table(_formatted(by.sort_values("unplaced", ascending=False), t)))
        top = unplaced.groupby("home_region")["unplaced"].sum().sort_values(ascending=False)
        blocks.append(Paragraph(t("forecast.by_region")))
        blocks.append(Table(_formatted(top.head(10).reset_index(), t)))
    blocks.append(Heading(t("forecast.yearly.heading")))
    blocks.append(Paragraph(t("forecast.yearly.note")))
    blocks.append(Table(_formatted(yearly, t)))
    for key in ("occupancy", "unplaced"):
        if key in figures:
            blocks.append(Figure(figures[key], t(f"figure.caption.{key}")))
    blocks.append(Heading(t("forecast.short.heading")))
    short = shortages.dropna(subset=["first_year_full"])
    blocks.append(
        Table(_formatted(short, t)) if len(short) else Paragraph(t("forecast.short.none"))
    )
    blocks.append(Heading(t("forecast.method.heading")))
    blocks.append(Paragraph(_method(forecast, t)))
    return blocks


_PLAIN_COLUMNS = ("year", "first_year_full", "sex", "security_level", "home_region", "region")


def _formatted(table: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """Numbers as the locale writes them, column headings in the language."""
    out = table.copy()
    for column in out.columns:
        if column not in _PLAIN_COLUMNS:
            out[column] = [t.number(float(v)) if pd.notna(v) else "—" for v in out[column]]
    return out.rename(columns={c: t(f"col.{c}") for c in out.columns})


def _method(forecast: Forecast, t: Translator) -> str:
    scenario = forecast.scenario
    notes = [
        t(
            "forecast.method",
            seed=forecast.seed,
            start=t.date(scenario.start),
            weeks=t.number(forecast.weeks),
            per_year=t.number(scenario.admissions.per_year),
        )
    ]
    notes += [
        t("forecast.rebuild", date=t.date(r.date), factor=t.number(r.factor, 2), note=r.note)
        for r in scenario.reconstructions
    ]
    return " ".join(notes)


def _draw(forecast: Forecast, folder: Path, t: Translator) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "occupancy": save_figure(occupancy_figure(forecast, t), folder / "occupancy.png"),
        "unplaced": save_figure(unplaced_figure(forecast, t), folder / "unplaced.png"),
    }
    return {k: str(Path(p).relative_to(folder.parent)) for k, p in paths.items()}


def occupancy_figure(forecast: Forecast, t: Translator) -> Any:
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
        axes.plot(
            dates,
            forecast.occupancy[:, chosen].sum(axis=1),
            color="C0",
            label=t("figure.occupants"),
        )
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
        axes.set_ylabel(t("figure.convicts"))
    names = {"scenario": forecast.scenario.title, "policy": _policy(forecast, t)}
    figure.suptitle(t("figure.occupancy.title", **names))
    figure.tight_layout()
    return figure


def unplaced_figure(forecast: Forecast, t: Translator) -> Any:
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
    names = {"scenario": forecast.scenario.title, "policy": _policy(forecast, t)}
    axes.set_title(t("figure.unplaced.title", **names))
    axes.set_xlabel(t("figure.year"))
    axes.set_ylabel(t("figure.per_year"))
    axes.grid(axis="y", alpha=0.3)
    if len(table.columns):
        axes.legend(fontsize=8, title=t("figure.level"))
    return figure
