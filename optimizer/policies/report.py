"""The report of a policy benchmark: tables as CSV, figures as PNG, the text as Markdown and HTML.

Everything written is computed from a `BenchmarkResult`; no figure is typed in. The folder:

    index.md, index.html      the comparison, the reforms' effects, the method
    metrics.csv               one row per (mode, policy, seed), one column per metric
    metrics_summary.csv       mean and 95% t-interval over seeds per (mode, policy, metric)
    metrics_by_region.csv     one row per (mode, policy, seed, home region)
    effects.csv               each policy minus the reference, paired by seed
    figures/*.png             distance distributions, home shares, maps of placement flows
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.data import write_csv_atomically, write_text_atomically
from optimizer.policies.simulate import BenchmarkResult, Mode, Policy, PolicyRun

FIGURE_DPI = 110

LEVEL_COLOURS = {
    "minimum": "#4daf4a",
    "medium": "#377eb8",
    "maximum": "#e41a1c",
    "extreme": "#984ea3",
    "complete": "#a65628",
    "mixed": "#999999",
}

MAP_FLOW_MIN_SHARE = 0.002
"""Flows below this share of a run's placements are left off the map to keep it readable."""


# ---------------------------------------------------------------------------------------------
# Blocks: one document, rendered twice


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame


@dataclass(frozen=True)
class Figure:
    path: str
    caption: str


Block = Heading | Paragraph | Bullets | Table | Figure


def render_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Bullets):
            out.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Table):
            out.append(_markdown_table(block.frame))
        else:
            out.append(f"![{block.caption}]({block.path})\n\n*{block.caption}*")
    return "\n\n".join(out) + "\n"


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|")

    header = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(frame.columns))) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def render_html(blocks: Sequence[Block], title: str) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.45}"
        "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
        "th,td{border:1px solid #ccc;padding:0.25em 0.5em;text-align:right}"
        "th:first-child,td:first-child{text-align:left}th{background:#f3f3f3}"
        "figure{margin:1.5em 0}img{max-width:100%}figcaption{color:#555;font-size:0.9em}</style>",
        "</head><body>",
    ]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{_inline_html(block.text)}</p>")
        elif isinstance(block, Bullets):
            out.append(
                "<ul>" + "".join(f"<li>{_inline_html(i)}</li>" for i in block.items) + "</ul>"
            )
        elif isinstance(block, Table):
            head = "".join(f"<th>{html.escape(str(c))}</th>" for c in block.frame.columns)
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                for row in block.frame.itertuples(index=False)
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            out.append(
                f'<figure><img src="{html.escape(block.path)}" alt="{html.escape(block.caption)}">'
                f"<figcaption>{html.escape(block.caption)}</figcaption></figure>"
            )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _inline_html(text: str) -> str:
    """Escape, then turn the Markdown `code` and **bold** spans the report uses into tags."""
    escaped = html.escape(text)
    parts = escaped.split("`")
    escaped = "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))
    parts = escaped.split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))


# ---------------------------------------------------------------------------------------------
# Number formats


def percent(value: float, digits: int = 1) -> str:
    return "n/a" if _missing(value) else f"{100 * value:.{digits}f}%"


def number(value: float, digits: int = 0) -> str:
    return "n/a" if _missing(value) else f"{value:,.{digits}f}"


def _missing(value: float) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def with_interval(mean: float, low: float, high: float, fmt: Callable[[float], str]) -> str:
    """'mean (low to high)', or the mean alone when there is no interval (one seed)."""
    if _missing(low) or _missing(high) or low == high:
        return fmt(mean)
    return f"{fmt(mean)} ({fmt(low)} to {fmt(high)})"


def signed(value: float, fmt: Callable[[float], str]) -> str:
    if _missing(value):
        return "n/a"
    return ("+" if value > 0 else "−" if value < 0 else "±") + fmt(abs(value))


# ---------------------------------------------------------------------------------------------
# The report


MAIN_COLUMNS: tuple[tuple[str, str, Callable[[float], str]], ...] = (
    ("placed", "placed", number),
    ("unplaced", "unplaced", number),
    ("home_share", "home region", percent),
    ("mean_km", "mean km", number),
    ("median_km", "median km", number),
    ("p90_km", "90th pct km", number),
    ("max_km", "max km", number),
    ("beyond_1000_share", "beyond 1,000 km", percent),
    ("total_km", "total km", number),
    ("rail_km", "escorted rail km", number),
    ("carriage_days", "carriage-days", number),
    ("overfull_facilities", "overfull facilities", number),
)

FLOW_COLUMNS: tuple[tuple[str, str, Callable[[float], str]], ...] = (
    ("over_capacity_at_start", "over capacity at start", number),
    ("excess_at_start", "occupants beyond capacity at start", number),
    ("transferred", "transferred in week 0", number),
    ("transfer_rail_km", "transfer rail km", number),
    ("over_capacity_at_end", "over capacity at end", number),
    ("excess_at_end", "occupants beyond capacity at end", number),
)


def write_report(result: BenchmarkResult, out: Path | str, *, figures: bool = True) -> list[Path]:
    """Write the whole report folder; returns the files written."""
    out = Path(out)
    written: list[Path] = []

    def csv(name: str, table: pd.DataFrame) -> None:
        write_csv_atomically(table, out / name)
        written.append(out / name)

    csv("metrics.csv", result.metrics)
    csv("metrics_summary.csv", result.summary())
    csv("metrics_by_region.csv", result.by_region)
    csv("effects.csv", result.effects())

    figure_paths: dict[str, str] = {}
    if figures:
        figure_paths = draw_figures(result, out / "figures")
        written += [out / p for p in figure_paths.values()]
    blocks = report_blocks(result, figure_paths)
    title = "Policy benchmark: placement of convicts under reforms of the penal network"
    write_text_atomically(render_markdown([Heading(title, 1), *blocks]), out / "index.md")
    write_text_atomically(render_html([Heading(title, 1), *blocks], title), out / "index.html")
    written += [out / "index.md", out / "index.html"]
    return written


def report_blocks(result: BenchmarkResult, figures: dict[str, str]) -> list[Block]:
    """The report's content, in order; `figures` maps figure keys to relative paths."""
    summary = result.summary()
    effects = result.effects()
    settings = result.settings
    blocks: list[Block] = [Paragraph(_intro(result))]

    blocks.append(Heading("Effect of each policy against the reference"))
    blocks += [Paragraph(s) for s in effect_sentences(result, effects)]
    if "home-share" in figures:
        blocks.append(
            Figure(
                figures["home-share"],
                "Share of placed convicts in their home region, 95% interval over seeds.",
            )
        )

    for mode in settings.modes:
        blocks.append(Heading(_mode_title(mode, result)))
        blocks.append(Paragraph(_mode_note(mode, result)))
        blocks.append(Table(comparison_table(summary, mode, MAIN_COLUMNS, result.policies)))
        if mode is Mode.FLOW:
            blocks.append(Paragraph("Occupants beyond new capacities (closures, capacity cuts):"))
            blocks.append(Table(comparison_table(summary, mode, FLOW_COLUMNS, result.policies)))
        blocks.append(
            Paragraph("Utilisation by security level (occupancy over capacity, open facilities):")
        )
        blocks.append(Table(utilisation_table(summary, mode, result.policies)))
        blocks.append(
            Paragraph("Share placed in the home region, by home region (mean over seeds):")
        )
        blocks.append(Table(region_table(result, mode)))
        if f"distance-{mode.value}" in figures:
            blocks.append(
                Figure(
                    figures[f"distance-{mode.value}"],
                    f"Distance from home, {mode.value}, seed {settings.seeds[0]}: share of "
                    "placed convicts within each distance.",
                )
            )
        for policy in result.policies:
            key = f"map-{mode.value}-{policy.name}"
            if key in figures:
                blocks.append(
                    Figure(
                        figures[key],
                        f"Placement flows, {mode.value}, {policy.name}, seed "
                        f"{settings.seeds[0]}: lines from home-region centres to facilities, "
                        "width by number of convicts; facilities sized by capacity.",
                    )
                )

    blocks.append(Heading("Policies"))
    blocks.append(Bullets(tuple(_policy_line(p) for p in result.policies)))
    blocks.append(Heading("Method"))
    blocks.append(Bullets(_method_notes(result)))
    return blocks


def _intro(result: BenchmarkResult) -> str:
    s = result.settings
    seeds = ", ".join(str(x) for x in s.seeds)
    return (
        f"Policies compared: {', '.join(f'`{p.name}`' for p in result.policies)}; reference "
        f"`{result.reference}`. Seeds {seeds}; distances by {s.distance.value}; objective "
        f"{s.objective.value}; population: {result.population_source}. Figures are means over "
        "seeds with 95% t-intervals in parentheses; differences between policies are paired by "
        "seed (the same convicts under each policy)."
    )


def _mode_title(mode: Mode, result: BenchmarkResult) -> str:
    if mode is Mode.STEADY:
        return "Steady state: the whole population allocated from scratch"
    return f"Flow: {result.settings.weeks} weekly batches of {result.settings.batch:,} new convicts"


def _mode_note(mode: Mode, result: BenchmarkResult) -> str:
    if mode is Mode.STEADY:
        today = result.current_home_share
        return (
            "Every facility starts empty and the standing population is placed at once: where "
            "convicts would serve if the network were filled under the policy today."
            + (
                f" For comparison, {percent(today)} of today's population serve in their home "
                "region (population file)."
                if today is not None
                else ""
            )
        )
    share = result.release_share
    return (
        f"Starting from today's occupancy, each week {percent(share, 2)} of each facility's "
        "occupants are released (binomial draws; mean stay about "
        f"{number(1 / share if share else math.nan)} weeks, "
        "chosen so that releases balance admissions), then the week's batch is placed against "
        "the remaining places. Distances are those of the new convicts."
    )


def comparison_table(
    summary: pd.DataFrame,
    mode: Mode,
    columns: Sequence[tuple[str, str, Callable[[float], str]]],
    policies: Sequence[Policy],
) -> pd.DataFrame:
    """Policies as rows, metrics as columns, each cell 'mean (low to high)'."""
    cells = records_by_key(summary[summary["mode"] == mode.value], ["policy", "metric"])
    rows = []
    for policy in policies:
        row = {"policy": policy.name}
        for metric, label, fmt in columns:
            cell = cells.get((policy.name, metric))
            if cell is not None:
                row[label] = with_interval(cell["mean"], cell["ci_low"], cell["ci_high"], fmt)
            else:
                row[label] = "n/a"
        rows.append(row)
    return pd.DataFrame(rows)


def records_by_key(table: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], dict[str, float]]:
    """Rows of a long table by their key columns; the other columns as floats."""
    values = [c for c in table.columns if c not in keys and pd.api.types.is_numeric_dtype(table[c])]
    return {
        tuple(str(k) for k in record[: len(keys)]): {
            name: float(v) for name, v in zip(values, record[len(keys) :], strict=True)
        }
        for record in table.loc[:, keys + values].itertuples(index=False, name=None)
    }


def utilisation_table(
    summary: pd.DataFrame, mode: Mode, policies: Sequence[Policy]
) -> pd.DataFrame:
    part = summary[
        (summary["mode"] == mode.value) & summary["metric"].str.startswith("utilisation_")
    ]
    levels = list(dict.fromkeys(part["metric"].str.removeprefix("utilisation_")))
    rows = []
    for policy in policies:
        mine = part[part["policy"] == policy.name].set_index("metric")
        row = {"policy": policy.name}
        for level in levels:
            value = mine["mean"].get(f"utilisation_{level}", math.nan)
            row[level] = "—" if _missing(value) else percent(value)
        rows.append(row)
    return pd.DataFrame(rows)


def region_table(result: BenchmarkResult, mode: Mode) -> pd.DataFrame:
    part = result.by_region[result.by_region["mode"] == mode.value]
    means = part.pivot_table(index="region", columns="policy", values="home_share", aggfunc="mean")
    convicts = part[part["policy"] == result.reference].groupby("region")["convicts"].mean()
    names = result.regions.set_index("region")["name"]
    table = pd.DataFrame({"region": [f"{r} {names.get(r, '')}".strip() for r in means.index]})
    table["convicts"] = [number(convicts.get(r, math.nan)) for r in means.index]
    for policy in result.policies:
        if policy.name in means.columns:
            table[policy.name] = [percent(v) for v in means[policy.name].to_numpy(float)]
    return table


def effect_sentences(result: BenchmarkResult, effects: pd.DataFrame) -> list[str]:
    """One computed sentence per (mode, policy): home share and total distance, vs the reference."""
    sentences = []
    indexed = records_by_key(effects, ["mode", "policy", "metric"])
    for mode in result.settings.modes:
        for policy in result.policies:
            key = (mode.value, policy.name)
            if policy.name == result.reference or (*key, "home_share") not in indexed:
                continue
            home = indexed[(*key, "home_share")]
            total = indexed[(*key, "total_km")]
            mean = indexed[(*key, "mean_km")]
            unplaced = indexed[(*key, "unplaced")]

            def pp(v: float) -> str:
                return number(100 * v, 1) + " pp"

            def pct(v: float) -> str:
                return number(100 * v, 1) + "%"

            home_interval = _interval_text(
                home["change_ci_low"], home["change_ci_high"], lambda v: signed(v, pp)
            )
            total_interval = _interval_text(
                total["change_ci_low"], total["change_ci_high"], lambda v: signed(v, number)
            )
            sentences.append(
                f"**{policy.name}** ({mode.value}): the share of placed convicts in their home "
                f"region goes from {percent(home['reference'])} to {percent(home['value'])} "
                f"({signed(home['change'], pp)}{home_interval}); the total distance from home "
                f"goes from {number(total['reference'])} km to {number(total['value'])} km "
                f"({signed(total['relative'], pct)}, {signed(total['change'], number)} km"
                f"{total_interval}); the mean distance from {number(mean['reference'])} km to "
                f"{number(mean['value'])} km; unplaced convicts from "
                f"{number(unplaced['reference'])} to {number(unplaced['value'])}."
            )
    if not sentences:
        sentences.append("Only one policy was run; there is nothing to compare it with.")
    return sentences


def _interval_text(low: float, high: float, fmt: Callable[[float], str]) -> str:
    if _missing(low) or _missing(high):
        return ""
    return f"; 95% interval {fmt(low)} to {fmt(high)}"


def _policy_line(policy: Policy) -> str:
    changes = []
    for merge in policy.merges:
        changes.append(
            f"merges {' + '.join(lv.value for lv in merge.levels)} into `{merge.label.value}`"
        )
    if policy.closures:
        changes.append(f"closes {', '.join(policy.closures)}")
    for change in policy.capacity_changes:
        target = ", ".join(lv.value for lv in change.levels) or ", ".join(change.facility_ids)
        changes.append(f"capacity × {change.factor:g} (rounded down) for {target}")
    if policy.additions is not None:
        changes.append(f"adds {', '.join(policy.additions['facility_id'])}")
    text = f"`{policy.name}`: {policy.title}"
    if policy.description and policy.description != policy.title:
        text += f". {policy.description}"
    return text + (f" Changes: {'; '.join(changes)}." if changes else " No change to the network.")


def _method_notes(result: BenchmarkResult) -> tuple[str, ...]:
    s = result.settings
    return (
        f"Placements come from the engine's optimal allocation, objective `{s.objective.value}` "
        "(as many convicts placed as possible; then, for home-first, as many in their home "
        "region as possible; then the least total distance). Sex, age, medical and "
        "former-officer rules apply unchanged, on each convict's own attributes.",
        "A merger relabels the merged levels, for facilities and convicts, to the merged level's "
        "label (the lowest merged level unless the policy names another).",
        "A closed facility keeps its row with capacity 0: no one is placed there. Capacity "
        "factors round down and apply to facilities by today's levels, before any merger.",
        "Steady state: "
        + (
            "seed 0 is today's population as read from the population file; other seeds draw the "
            "same number of convicts from it with replacement (bootstrap)."
            if result.population_source == "population file"
            else "each seed is a synthetic cohort (optimizer.cohort) of today's total occupancy."
        ),
        "Flow: each week's batch is a synthetic cohort whose seed derives from the run's seed and "
        "the week, identical across policies. Occupants beyond a facility's new capacity at the "
        "start are transferred in week 0 when the population file names them; those who fit "
        "nowhere stay, and the facility takes no one new until releases bring it under capacity. "
        "Placements never exceed free places: 'overfull facilities' counts occupancy above "
        "capacity at the end, which only inherited excess can cause.",
        "Shares (home region, beyond 1,000 km) are of placed convicts; distances are "
        f"{s.distance.value} km from the home point to the facility; the 90th percentile "
        "interpolates linearly.",
        "Escorted rail km: the rail route from the home region's centre (where its SIZO is) to "
        "the facility, over the bundled rail network, without road legs. Carriage-days assume "
        f"{number(s.km_per_day)} rail km per day including waits (an assumption: the sources "
        "give 1-3 weeks for 1,000-2,000 km).",
        "Co-defendant separation: "
        + (
            "applied (case ids kept)."
            if s.separate_co_defendants
            else "not applied in benchmarks (case ids cleared): it is a pairwise rule that needs "
            "the exact integer model, which does not scale to a population; it moves few convicts."
        ),
        "Intervals: 95% two-sided Student t over seeds (n/a with one seed); policy differences "
        "are computed per seed, then averaged.",
    )


# ---------------------------------------------------------------------------------------------
# Figures


def draw_figures(result: BenchmarkResult, folder: Path) -> dict[str, str]:
    """Draw every figure into `folder`; returns figure key -> path relative to the report."""
    import matplotlib

    matplotlib.use("Agg")
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    first = result.settings.seeds[0]
    paths["home-share"] = _save(_home_share_figure(result), folder / "home-share.png")
    for mode in result.settings.modes:
        runs = [r for r in result.runs if r.mode is mode and r.seed == first]
        paths[f"distance-{mode.value}"] = _save(
            _distance_figure(runs, mode), folder / f"distance-{mode.value}.png"
        )
        for run in runs:
            key = f"map-{mode.value}-{run.policy}"
            paths[key] = _save(_map_figure(run, result.regions), folder / f"{key}.png")
    return {k: str(Path(p).relative_to(folder.parent)) for k, p in paths.items()}


def _save(figure: Any, path: Path) -> str:
    import matplotlib.pyplot as plt

    temporary = path.with_name(f".{path.name}.tmp.png")
    figure.savefig(temporary, dpi=FIGURE_DPI, bbox_inches="tight")
    plt.close(figure)
    temporary.replace(path)
    return str(path)


def _distance_figure(runs: Sequence[PolicyRun], mode: Mode) -> Any:
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4.5))
    for run in runs:
        km = np.sort(run.distance_km[run.facility_of >= 0])
        if len(km) == 0:
            continue
        axes.step(km, np.arange(1, len(km) + 1) / len(km), where="post", label=run.policy)
    axes.axvline(1000, color="#888", linestyle=":", linewidth=1)
    axes.set_xlabel("distance from home, km")
    axes.set_ylabel("share of placed convicts within")
    axes.set_title(f"Distance from home ({mode.value})")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="lower right")
    return figure


def _home_share_figure(result: BenchmarkResult) -> Any:
    import matplotlib.pyplot as plt

    summary = result.summary()
    part = summary[summary["metric"] == "home_share"]
    modes = list(result.settings.modes)
    names = [p.name for p in result.policies]
    figure, axes = plt.subplots(figsize=(8, 0.6 + 0.45 * len(names) * len(modes)))
    height = 0.8 / max(len(modes), 1)
    for k, mode in enumerate(modes):
        rows = part[part["mode"] == mode.value].set_index("policy").reindex(names)
        mean = rows["mean"].to_numpy(float)
        low = np.nan_to_num(mean - rows["ci_low"].to_numpy(float))
        high = np.nan_to_num(rows["ci_high"].to_numpy(float) - mean)
        y = np.arange(len(names)) + k * height
        axes.barh(
            y,
            100 * mean,
            height=height,
            xerr=100 * np.vstack([low, high]),
            label=mode.value,
            capsize=3,
        )
    axes.set_yticks(np.arange(len(names)) + height * (len(modes) - 1) / 2, names, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("placed in the home region, %")
    axes.grid(axis="x", alpha=0.3)
    axes.legend(fontsize=8)
    return figure


def _map_figure(run: PolicyRun, regions: pd.DataFrame) -> Any:
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    figure, axes = plt.subplots(figsize=(10, 6))
    facilities = run.facilities
    centres = regions.set_index("region")
    placed = run.facility_of >= 0
    flows = (
        pd.DataFrame(
            {
                "home": run.convicts["home_region"].to_numpy()[placed],
                "facility": run.facility_of[placed],
            }
        )
        .value_counts()
        .rename("count")
        .reset_index()
    )
    if len(flows):
        floor = MAP_FLOW_MIN_SHARE * placed.sum()
        flows = flows[flows["count"] >= floor]
        widest = flows["count"].max() if len(flows) else 1
        centre_lon, centre_lat = centres["lon"].to_dict(), centres["lat"].to_dict()
        facility_lon, facility_lat = facilities["lon"].to_numpy(), facilities["lat"].to_numpy()
        for home, facility, count in flows.itertuples(index=False):
            axes.plot(
                [centre_lon[home], facility_lon[facility]],
                [centre_lat[home], facility_lat[facility]],
                color="#d95f02",
                alpha=0.35,
                linewidth=0.3 + 5.0 * count / widest,
                zorder=1,
            )
    open_ = facilities["capacity"].to_numpy() > 0
    colours = [LEVEL_COLOURS.get(level, "#000") for level in facilities["security_level"]]
    axes.scatter(
        facilities["lon"][open_],
        facilities["lat"][open_],
        s=facilities["capacity"][open_] / 6.0,
        c=np.asarray(colours, dtype=object)[open_],
        alpha=0.75,
        edgecolors="k",
        linewidths=0.4,
        zorder=2,
    )
    if (~open_).any():
        axes.scatter(
            facilities["lon"][~open_], facilities["lat"][~open_], marker="x", c="k", s=40, zorder=3
        )
    axes.scatter(regions["lon"], regions["lat"], marker="s", s=14, c="k", zorder=3)
    for code, lon, lat in zip(regions["region"], regions["lon"], regions["lat"], strict=True):
        axes.annotate(code, (lon, lat), xytext=(3, 3), textcoords="offset points", fontsize=7)
    levels = list(dict.fromkeys(facilities["security_level"][open_]))
    handles = [
        Line2D(
            [], [], marker="o", linestyle="", color=LEVEL_COLOURS.get(level, "#000"), label=level
        )
        for level in levels
    ]
    handles.append(Line2D([], [], marker="s", linestyle="", color="k", label="region centre"))
    if (~open_).any():
        handles.append(Line2D([], [], marker="x", linestyle="", color="k", label="closed facility"))
    axes.legend(handles=handles, fontsize=7, loc="upper left")
    axes.set_aspect(1 / math.cos(math.radians(48.0)))
    axes.set_xlabel("longitude")
    axes.set_ylabel("latitude")
    axes.set_title(f"{run.policy}: placement flows ({run.mode.value}, seed {run.seed})")
    axes.grid(alpha=0.2)
    return figure
