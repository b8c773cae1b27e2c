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
from optimizer.policies.report_notes import method_notes, policy_line, source_key
from optimizer.policies.runs import Mode
from optimizer.policies.truth import (
    losing_blocks,
    sharing_blocks,
    today_blocks,
    truth_blocks,
    unplaced_breakdown,
    unplaced_overview,
)
from optimizer.policies.uncertainty_report import uncertainty_blocks
from optimizer.policies.words import ReportWords, report_words

Column = tuple[str, bool]
"""A metric and whether it is a share (written as a percentage) rather than a count."""

MAIN_COLUMNS: tuple[Column, ...] = (
    ("placed", False),
    ("unplaced", False),
    ("home_share", True),
    ("mean_km", False),
    ("median_km", False),
    ("p90_km", False),
    ("max_km", False),
    ("beyond_1000_share", True),
    ("total_km", False),
    ("rail_km", False),
    ("carriage_days", False),
    ("overfull_facilities", False),
)

FLOW_COLUMNS: tuple[Column, ...] = (
    ("over_capacity_at_start", False),
    ("excess_at_start", False),
    ("transferred", False),
    ("transfer_rail_km", False),
    ("over_capacity_at_end", False),
    ("excess_at_end", False),
)


def write_report(
    result: BenchmarkResult, out: Path | str, *, figures: bool = True, lang: str = "en"
) -> list[Path]:
    """Write the whole report folder in a language (`en`, `ru`, `kk`); returns the files
    written. The CSV tables keep the data's identifiers whatever the language."""
    out = Path(out)
    w = report_words(lang, result.regions, result.policies)
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
        figure_paths = draw_figures(result, out / "figures", w)
        written += [out / p for p in figure_paths.values()]
    return written + write_pages(result, out, w, figure_paths)


def write_pages(
    result: BenchmarkResult,
    out: Path,
    w: ReportWords,
    figures: dict[str, str] | None = None,
    stem: str = "index",
) -> list[Path]:
    """The report's text in the words' language as `<stem>.md` and `<stem>.html` (the CSV
    tables and figures are written once, by `write_report`)."""
    title = w("report.title")
    page = [Heading(title, 1), *report_blocks(result, figures or {}, w)]
    markdown, html = out / f"{stem}.md", out / f"{stem}.html"
    write_text_atomically(render_markdown(page), markdown)
    write_text_atomically(render_html(page, title, lang=w.lang.value), html)
    return [markdown, html]


def report_blocks(
    result: BenchmarkResult, figures: dict[str, str], w: ReportWords | None = None
) -> list[Block]:
    """The report's content, in order; `figures` maps figure keys to relative paths."""
    w = w or report_words("en", result.regions, result.policies)
    summary = result.summary()
    blocks: list[Block] = [*truth_blocks(result, w), Paragraph(_intro(result, w))]
    blocks += today_blocks(result, w)
    blocks.append(Heading(w("effects.heading")))
    blocks += [Paragraph(s) for s in effect_sentences(result, result.effects(), w)]
    if result.uncertainty is not None:
        blocks += uncertainty_blocks(result.uncertainty, w)
    blocks += losing_blocks(result, w)
    blocks += sharing_blocks(result, w)
    if "home-share" in figures:
        blocks.append(Figure(figures["home-share"], w("caption.home_share")))
    for mode in result.settings.modes:
        blocks += _mode_blocks(result, summary, mode, figures, w)
    blocks.append(Heading(w("policies.heading")))
    blocks.append(Bullets(tuple(policy_line(p, w) for p in result.policies)))
    blocks.append(Heading(w("method.heading")))
    blocks.append(Bullets(method_notes(result, w)))
    return blocks


def _mode_blocks(
    result: BenchmarkResult,
    summary: pd.DataFrame,
    mode: Mode,
    figures: dict[str, str],
    w: ReportWords,
) -> list[Block]:
    """One mode's section: its tables, then its distance figure and maps when drawn."""
    blocks: list[Block] = [
        Heading(_mode_title(mode, result, w)),
        Paragraph(_mode_note(mode, result, w)),
    ]
    blocks.append(Table(comparison_table(summary, mode, MAIN_COLUMNS, result.policies, w)))
    if mode is Mode.FLOW:
        blocks.append(Paragraph(w("flow.excess")))
        blocks.append(Table(comparison_table(summary, mode, FLOW_COLUMNS, result.policies, w)))
    blocks.append(Paragraph(w("utilisation.lead")))
    blocks.append(Table(utilisation_table(summary, mode, result.policies, w)))
    blocks.append(Paragraph(w("regions.lead")))
    blocks.append(Table(region_table(result, mode, w)))
    seeds = w.number(len(result.settings.seeds))
    if f"distance-{mode.value}" in figures:
        caption = w("caption.distance", mode=w.mode(mode.value), seeds=seeds)
        blocks.append(Figure(figures[f"distance-{mode.value}"], caption))
    first = result.settings.seeds[0]
    for policy in result.policies:
        key = f"map-{mode.value}-{policy.name}"
        if key in figures:
            caption = w(
                "caption.map",
                mode=w.mode(mode.value),
                policy=w.title(policy.name),
                seed=w.number(first),
            )
            blocks.append(Figure(figures[key], caption))
    return blocks


def _intro(result: BenchmarkResult, w: ReportWords) -> str:
    s = result.settings
    return w(
        "intro",
        policies=", ".join(w.title(p.name) for p in result.policies),
        reference=w.title(result.reference),
        seeds=", ".join(w.number(x) for x in s.seeds),
        distance=w(f"distance.{s.distance.value}"),
        objective=w(f"objective.{s.objective.value}"),
        population=w(f"population.{source_key(result)}"),
    )


def _mode_title(mode: Mode, result: BenchmarkResult, w: ReportWords) -> str:
    if mode is Mode.STEADY:
        return w("steady.heading")
    s = result.settings
    return w.plural("flow.heading", s.weeks, batch=w.number(s.batch))


def _mode_note(mode: Mode, result: BenchmarkResult, w: ReportWords) -> str:
    if mode is Mode.STEADY:
        today = result.current_home_share
        note = w("steady.note")
        if today is not None:
            note += " " + w("steady.today", today=w.percent(today))
        return note
    share = result.release_share
    return w(
        "flow.note",
        share=w.percent(share, 2),
        weeks=w.number(1 / share if share else math.nan),
    )


def comparison_table(
    summary: pd.DataFrame,
    mode: Mode,
    columns: Sequence[Column],
    policies: Sequence[Policy],
    w: ReportWords,
) -> pd.DataFrame:
    """Policies (by title) as rows, metrics as columns, each cell 'mean (low to high)'."""
    cells = records_by_key(summary[summary["mode"] == mode.value], ["policy", "metric"])
    rows = []
    for policy in policies:
        row = {w("col.policy"): w.title(policy.name)}
        for metric, share in columns:
            cell = cells.get((policy.name, metric))
            fmt = w.percent if share else w.number
            heading = w(f"col.{metric}")
            if cell is not None:
                row[heading] = w.interval(cell["mean"], cell["ci_low"], cell["ci_high"], fmt)
            else:
                row[heading] = w("na")
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
    summary: pd.DataFrame, mode: Mode, policies: Sequence[Policy], w: ReportWords
) -> pd.DataFrame:
    part = summary[
        (summary["mode"] == mode.value) & summary["metric"].str.startswith("utilisation_")
    ]
    levels = list(dict.fromkeys(part["metric"].str.removeprefix("utilisation_")))
    rows = []
    for policy in policies:
        mine = part[part["policy"] == policy.name].set_index("metric")
        row = {w("col.policy"): w.title(policy.name)}
        for level in levels:
            value = mine["mean"].get(f"utilisation_{level}", math.nan)
            row[w.level(level)] = "—" if math.isnan(value) else w.percent(value)
        rows.append(row)
    return pd.DataFrame(rows)


def region_table(result: BenchmarkResult, mode: Mode, w: ReportWords) -> pd.DataFrame:
    """Home share by home region (rows) and policy (columns, by title)."""
    part = result.by_region[result.by_region["mode"] == mode.value]
    means = part.pivot_table(index="region", columns="policy", values="home_share", aggfunc="mean")
    convicts = part[part["policy"] == result.reference].groupby("region")["convicts"].mean()
    table = pd.DataFrame({w("col.home_region"): [w.region(r) for r in means.index]})
    table[w("col.convicts")] = [w.number(convicts.get(r, math.nan)) for r in means.index]
    for policy in result.policies:
        if policy.name in means.columns:
            values = means[policy.name].to_numpy(float)
            table[w.title(policy.name)] = [w.percent(v) for v in values]
    return table


def effect_sentences(
    result: BenchmarkResult, effects: pd.DataFrame, w: ReportWords | None = None
) -> list[str]:
    """One computed sentence per (mode, policy): home share and total distance, vs the reference."""
    w = w or report_words("en", result.regions, result.policies)
    sentences = []
    indexed = records_by_key(effects, ["mode", "policy", "metric"])
    for mode in result.settings.modes:
        for policy in result.policies:
            key = (mode.value, policy.name)
            if policy.name == result.reference or (*key, "home_share") not in indexed:
                continue
            effect = {m: indexed[(*key, m)] for m in _SENTENCE_METRICS}
            sentences.append(_effect_sentence(policy.name, mode, effect, w))
    if not sentences:
        sentences.append(w("effects.single"))
    return sentences


_SENTENCE_METRICS = ("home_share", "total_km", "mean_km", "unplaced")


def _effect_sentence(
    policy: str, mode: Mode, effect: dict[str, dict[str, float]], w: ReportWords
) -> str:
    """The sentence of one policy in one mode: unplaced first, then what placed convicts get."""
    home, total = effect["home_share"], effect["total_km"]
    mean, unplaced = effect["mean_km"], effect["unplaced"]
    more = round(unplaced["value"] - unplaced["reference"])
    parts = [
        w(
            "effect.unplaced",
            policy=w.title(policy),
            mode=w.mode(mode.value),
            before=w.number(unplaced["reference"]),
            after=w.number(unplaced["value"]),
        )
    ]
    if more > 0:
        parts.append(w.plural("effect.not_improvement", more))
    parts.append(
        w(
            "effect.home",
            before=w.percent(home["reference"]),
            after=w.percent(home["value"]),
            change=w.signed(100 * home["change"], w.points),
            interval=_interval_text(
                100 * home["change_ci_low"], 100 * home["change_ci_high"], w.points, w
            ),
        )
    )
    parts.append(
        w(
            "effect.distance",
            before=w.km(total["reference"]),
            after=w.km(total["value"]),
            relative=w.signed(total["relative"], w.change_percent),
            change=w.signed(total["change"], w.km),
            interval=_interval_text(total["change_ci_low"], total["change_ci_high"], w.km, w),
            mean_before=w.km(mean["reference"]),
            mean_after=w.km(mean["value"]),
        )
    )
    return " ".join(parts)


def _interval_text(low: float, high: float, fmt: Callable[[float], str], w: ReportWords) -> str:
    if math.isnan(low) or math.isnan(high):
        return ""
    return w("effect.interval", low=w.signed(low, fmt), high=w.signed(high, fmt))
