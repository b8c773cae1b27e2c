"""The report of a forecast: year-by-year and region-by-region tables, figures, Markdown, HTML.

Folder per forecast (`<scenario>--<policy>/`): yearly.csv, regions.csv, unplaced.csv,
shortages.csv, index.md, index.html, figures/*.png. It opens with who is left without a lawful
place; distances are stated with the population they cover (convicts placed outside their
home region).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.data import write_csv_atomically, write_text_atomically
from optimizer.policies.figures import save_figure
from optimizer.policies.forecast import Forecast
from optimizer.policies.forecast_maps import forecast_maps
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
from optimizer.policies.words import ReportWords, Titled, report_words


def forecast_folder(forecast: Forecast) -> str:
    return f"{forecast.scenario.name}--{forecast.policy}"


def write_forecast_report(
    forecast: Forecast, out: Path, *, figures: bool = True, lang: str = "en"
) -> list[Path]:
    """Write one forecast's folder under `out` in a language; returns the files written."""
    w = forecast_words(forecast, lang)
    t = w.t
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
        paths = _draw(forecast, folder / "figures", w)
        written += [folder / p for p in paths.values()]
    title = t("forecast.title", **_names(forecast, w))
    content = forecast_blocks(forecast, yearly, unplaced, shortages, paths, w)
    blocks = [Heading(title, 1), *content]
    write_text_atomically(render_markdown(blocks), folder / "index.md")
    write_text_atomically(render_html(blocks, title, lang=t.lang.value), folder / "index.html")
    return [*written, folder / "index.md", folder / "index.html"]


def forecast_words(forecast: Forecast, lang: str) -> ReportWords:
    """The words of a forecast's report: region names and the scenario's and policy's titles
    in the language."""
    titled: list[Titled] = [forecast.scenario]
    if forecast.reform is not None:
        titled.append(forecast.reform)
    return report_words(lang, forecast.regions, titled)


def _names(forecast: Forecast, w: ReportWords) -> dict[str, str]:
    """The scenario's and the policy's titles, as the report's title and figures name them."""
    policy = w("forecast.today") if forecast.reform is None else w.title(forecast.policy)
    return {"scenario": w.title(forecast.scenario.name), "policy": policy}


def forecast_blocks(
    forecast: Forecast,
    yearly: pd.DataFrame,
    unplaced: pd.DataFrame,
    shortages: pd.DataFrame,
    figures: dict[str, str],
    w: ReportWords,
) -> list[Block]:
    """The report's content in order: unplaced first, then places, regions, method."""
    t = w.t
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
        blocks.append(Table(_formatted(by.sort_values("unplaced", ascending=False), w)))
        top = unplaced.groupby("home_region")["unplaced"].sum().sort_values(ascending=False)
        blocks.append(Paragraph(t("forecast.by_region")))
        blocks.append(Table(_formatted(top.head(10).reset_index(), w)))
    blocks.append(Heading(t("forecast.yearly.heading")))
    blocks.append(Paragraph(t("forecast.yearly.note")))
    blocks.append(Table(_formatted(yearly, w)))
    for key in ("occupancy", "unplaced", "regions-unplaced", "regions-away"):
        if key in figures:
            blocks.append(Figure(figures[key], t(f"figure.caption.{key}")))
    blocks.append(Heading(t("forecast.short.heading")))
    short = shortages.dropna(subset=["first_year_full"])
    blocks.append(
        Table(_formatted(short, w)) if len(short) else Paragraph(t("forecast.short.none"))
    )
    blocks.append(Heading(t("forecast.method.heading")))
    blocks.append(Paragraph(_method(forecast, w)))
    return blocks


_PLAIN_COLUMNS = ("year", "first_year_full", "sex", "security_level", "home_region", "region")


_NAMED_COLUMNS = {
    "sex": "sex",
    "security_level": "level",
    "home_region": "region",
    "region": "region",
}


def _formatted(table: pd.DataFrame, w: ReportWords) -> pd.DataFrame:
    """Numbers as the locale writes them; sexes, levels and regions named in the language;
    column headings in the language."""
    out = table.copy()
    for column in out.columns:
        if column in _NAMED_COLUMNS:
            name = getattr(w, _NAMED_COLUMNS[column])
            out[column] = [name(str(v)) for v in out[column]]
        elif column == "first_year_full":
            out[column] = [str(int(v)) if pd.notna(v) else "—" for v in out[column]]
        elif column != "year":
            out[column] = [w.number(float(v)) if pd.notna(v) else "—" for v in out[column]]
    return w.columns(out)


def _method(forecast: Forecast, w: ReportWords) -> str:
    scenario, t = forecast.scenario, w.t
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
        t(
            "forecast.rebuild",
            date=t.date(r.date),
            factor=t.number(r.factor, 2),
            note=r.note if w.lang.value == "en" else t(f"forecast.rebuild.{_basis(r.note)}"),
        )
        for r in scenario.reconstructions
    ]
    return " ".join(notes)


def _basis(note: str) -> str:
    """Whether a reconstruction's factor is sourced or an assumption, as its note says."""
    return "assumption" if "assum" in note.lower() else "source"


def _draw(forecast: Forecast, folder: Path, w: ReportWords) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "occupancy": save_figure(occupancy_figure(forecast, w), folder / "occupancy.png"),
        "unplaced": save_figure(unplaced_figure(forecast, w), folder / "unplaced.png"),
    }
    for key, figure in forecast_maps(forecast, w).items():
        paths[key] = save_figure(figure, folder / f"{key}.png")
    return {k: str(Path(p).relative_to(folder.parent)) for k, p in paths.items()}


def occupancy_figure(forecast: Forecast, w: ReportWords) -> Any:
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
            dates,
            forecast.capacity[:, chosen].sum(axis=1),
            "--",
            color="#555",
            label=w("figure.places"),
        )
        axes.plot(
            dates,
            forecast.occupancy[:, chosen].sum(axis=1),
            color="C0",
            label=w("figure.occupants"),
        )
        axes.set_title(w.level(str(level)), fontsize=10)
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
        axes.tick_params(labelsize=8)
        axes.xaxis.set_major_locator(YearLocator(2))  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_formatter(DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    for axes in list(grid.flat)[len(shown) :]:
        axes.set_visible(False)
    grid.flat[0].legend(fontsize=8, loc="lower left")
    for axes in grid[:, 0]:
        axes.set_ylabel(w("figure.convicts"))
    figure.suptitle(textwrap.fill(w("figure.occupancy.title", **_names(forecast, w)), 110))
    figure.tight_layout()
    return figure


def unplaced_figure(forecast: Forecast, w: ReportWords) -> Any:
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
        axes.bar(table.index, table[level], bottom=bottom, label=w.level(str(level)))
        bottom += table[level].to_numpy()
    axes.set_title(textwrap.fill(w("figure.unplaced.title", **_names(forecast, w)), 90))
    axes.set_xlabel(w("figure.year"))
    axes.set_ylabel(w("figure.per_year"))
    axes.grid(axis="y", alpha=0.3)
    if len(table.columns):
        axes.legend(fontsize=8, title=w("figure.level"))
    return figure
