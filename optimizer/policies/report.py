"""The report of a policy benchmark: tables as CSV, figures as PNG, the text as Markdown and HTML.

Everything written is computed from a `BenchmarkResult`; no figure is typed in. The folder:

    index.md, index.html      who is left unplaced, the comparison, the effects, the method
    unplaced.csv              unplaced convicts per (mode, policy) over seeds
    unplaced_by_group.csv     unplaced per (mode, policy, sex, level, home region), mean
    metrics.csv               one row per (mode, policy, seed), one column per metric
    metrics_summary.csv       mean and 95% t-interval over seeds per (mode, policy, metric)
    metrics_by_region.csv     one row per (mode, policy, seed, home region)
    effects.csv               each policy minus the reference, paired by seed
    figures/*.png             distance distributions, home shares, maps of placement flows
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from optimizer.data import write_csv_atomically, write_text_atomically
from optimizer.policies.benchmark import BenchmarkResult
from optimizer.policies.figures import draw_figures
from optimizer.policies.formats import missing, number, percent, signed, with_interval
from optimizer.policies.markup import (
    Block,
    Bullets,
    Figure,
    Heading,
    Paragraph,
    Table,
    render_html,
    render_markdown,
)
from optimizer.policies.policy import Policy
from optimizer.policies.runs import Mode
from optimizer.policies.truth import (
    losing_blocks,
    sharing_blocks,
    today_blocks,
    truth_blocks,
    unplaced_breakdown,
    unplaced_overview,
)

Column = tuple[str, str, Callable[[float], str]]
"""A metric, its column heading, and its number format."""

MAIN_COLUMNS: tuple[Column, ...] = (
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

FLOW_COLUMNS: tuple[Column, ...] = (
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

    csv("unplaced.csv", unplaced_overview(result))
    csv("unplaced_by_group.csv", unplaced_breakdown(result))
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
    blocks: list[Block] = [*truth_blocks(result), Paragraph(_intro(result))]
    blocks += today_blocks(result)
    blocks.append(Heading("Effect of each policy against the reference"))
    blocks += [Paragraph(s) for s in effect_sentences(result, result.effects())]
    blocks += losing_blocks(result)
    blocks += sharing_blocks(result)
    if "home-share" in figures:
        blocks.append(
            Figure(
                figures["home-share"],
                "Share of placed convicts in their home region, 95% interval over seeds.",
            )
        )
    for mode in result.settings.modes:
        blocks += _mode_blocks(result, summary, mode, figures)
    blocks.append(Heading("Policies"))
    blocks.append(Bullets(tuple(_policy_line(p) for p in result.policies)))
    blocks.append(Heading("Method"))
    blocks.append(Bullets(_method_notes(result)))
    return blocks


def _mode_blocks(
    result: BenchmarkResult, summary: pd.DataFrame, mode: Mode, figures: dict[str, str]
) -> list[Block]:
    """One mode's section: its tables, then its distance figure and maps when drawn."""
    blocks: list[Block] = [Heading(_mode_title(mode, result)), Paragraph(_mode_note(mode, result))]
    blocks.append(Table(comparison_table(summary, mode, MAIN_COLUMNS, result.policies)))
    if mode is Mode.FLOW:
        blocks.append(Paragraph("Occupants beyond new capacities (closures, capacity cuts):"))
        blocks.append(Table(comparison_table(summary, mode, FLOW_COLUMNS, result.policies)))
    blocks.append(
        Paragraph("Utilisation by security level (occupancy over capacity, open facilities):")
    )
    blocks.append(Table(utilisation_table(summary, mode, result.policies)))
    blocks.append(Paragraph("Share placed in the home region, by home region (mean over seeds):"))
    blocks.append(Table(region_table(result, mode)))
    first = result.settings.seeds[0]
    if f"distance-{mode.value}" in figures:
        blocks.append(
            Figure(
                figures[f"distance-{mode.value}"],
                f"Distance from home, {mode.value}, seed {first}: share of "
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
                    f"{first}: lines from home-region centres to facilities, "
                    "width by number of convicts; facilities sized by capacity.",
                )
            )
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
    columns: Sequence[Column],
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
            row[level] = "—" if missing(value) else percent(value)
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
            sentences.append(
                _effect_sentence(
                    policy.name, mode, {m: indexed[(*key, m)] for m in _SENTENCE_METRICS}
                )
            )
    if not sentences:
        sentences.append("Only one policy was run; there is nothing to compare it with.")
    return sentences


_SENTENCE_METRICS = ("home_share", "total_km", "mean_km", "unplaced")


def _effect_sentence(policy: str, mode: Mode, effect: dict[str, dict[str, float]]) -> str:
    """The sentence of one policy in one mode: unplaced first, then what placed convicts get."""
    home, total = effect["home_share"], effect["total_km"]
    mean, unplaced = effect["mean_km"], effect["unplaced"]
    home_interval = _interval_text(
        home["change_ci_low"], home["change_ci_high"], lambda v: signed(v, _points)
    )
    total_interval = _interval_text(
        total["change_ci_low"], total["change_ci_high"], lambda v: signed(v, number)
    )
    more = unplaced["value"] - unplaced["reference"]
    verdict = (
        f" This is not an improvement: {number(more)} more convicts have no lawful place, and "
        "the distances below leave them out."
        if more > 0
        else ""
    )
    return (
        f"**{policy}** ({mode.value}): convicts without a lawful place go from "
        f"{number(unplaced['reference'])} to {number(unplaced['value'])}.{verdict} Among placed "
        f"convicts, the share in their home region goes from {percent(home['reference'])} to "
        f"{percent(home['value'])} ({signed(home['change'], _points)}{home_interval}); their "
        f"total distance from home goes from {number(total['reference'])} km to "
        f"{number(total['value'])} km ({signed(total['relative'], _percent_change)}, "
        f"{signed(total['change'], number)} km{total_interval}); their mean distance from "
        f"{number(mean['reference'])} km to {number(mean['value'])} km."
    )


def _points(value: float) -> str:
    return number(100 * value, 1) + " pp"


def _percent_change(value: float) -> str:
    return number(100 * value, 1) + "%"


def _interval_text(low: float, high: float, fmt: Callable[[float], str]) -> str:
    if missing(low) or missing(high):
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
        "are computed per seed, then averaged. In steady state seed 0 is today's population "
        "and the other seeds resample it, so the intervals cover sampling of the population "
        "only: not the estimated capacities, which are the larger uncertainty.",
    )
