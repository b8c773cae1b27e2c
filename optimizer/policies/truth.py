"""What a benchmark report must say first: who is left without a lawful place, what part of a
gain is the policy's own, and which regions lose.

Distances of placed convicts never stand alone: a policy that leaves more convicts without a
lawful place is not an improvement, whatever it does to distances.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.policies.benchmark import BenchmarkResult
from optimizer.policies.markup import Block, Heading, Paragraph, Table
from optimizer.policies.words import ReportWords

LOSING_REGION_PP = 1.0
"""A region loses under a policy when its home share falls by more than this many points."""


def unplaced_overview(result: BenchmarkResult) -> pd.DataFrame:
    """mode, policy, convicts, unplaced (mean, lowest, highest over seeds)."""
    grouped = result.metrics.groupby(["mode", "policy"], sort=False)
    table = pd.DataFrame(
        {
            "convicts": grouped["convicts"].mean(),
            "unplaced": grouped["unplaced"].mean(),
            "unplaced_lowest": grouped["unplaced"].min(),
            "unplaced_highest": grouped["unplaced"].max(),
        }
    )
    return table.reset_index()


BREAKDOWN_ROWS = 20
"""The largest groups of unplaced convicts the report lists."""


def unplaced_breakdown(result: BenchmarkResult) -> pd.DataFrame:
    """mode, policy, sex, security_level (the court's), home_region, unplaced (mean over
    seeds): who is left without a lawful place, one row per group with anyone unplaced."""
    frames = []
    for run in result.runs:
        unplaced = run.facility_of < 0
        if not unplaced.any():
            continue
        part = run.convicts.loc[unplaced, ["sex", "security_level", "home_region"]]
        frames.append(part.assign(mode=run.mode.value, policy=run.policy))
    keys = ["mode", "policy", "sex", "security_level", "home_region"]
    if not frames:
        return pd.DataFrame(columns=[*keys, "unplaced"])
    counts = pd.concat(frames).groupby(keys).size()
    seeds = len(result.settings.seeds)
    return (
        (counts / seeds)
        .rename("unplaced")
        .reset_index()
        .sort_values("unplaced", ascending=False, kind="stable")
    )


def truth_blocks(result: BenchmarkResult, w: ReportWords) -> list[Block]:
    """The report's opening: unplaced convicts by policy, then by sex, level and region."""
    overview = unplaced_overview(result)
    blocks: list[Block] = [Heading(w("unplaced.heading"))]
    if not overview["unplaced_highest"].gt(0).any():
        blocks.append(Paragraph(w("truth.none")))
        return blocks
    blocks.append(Paragraph(w("truth.lead")))
    shown = overview.assign(
        mode=[w.mode(m) for m in overview["mode"]],
        policy=[w.title(p) for p in overview["policy"]],
    )
    for column in ("convicts", "unplaced", "unplaced_lowest", "unplaced_highest"):
        shown[column] = [w.number(v) for v in shown[column]]
    blocks.append(Table(w.columns(shown)))
    breakdown = unplaced_breakdown(result)
    if len(breakdown):
        top = breakdown.head(BREAKDOWN_ROWS)
        top = top.assign(
            mode=[w.mode(m) for m in top["mode"]],
            policy=[w.title(p) for p in top["policy"]],
            sex=[w.sex(x) for x in top["sex"]],
            security_level=[w.level(lv) for lv in top["security_level"]],
            home_region=[w.region(r) for r in top["home_region"]],
            unplaced=[w.number(v, 0 if float(v).is_integer() else 1) for v in top["unplaced"]],
        )
        blocks.append(Paragraph(w("truth.by_group")))
        blocks.append(Table(w.columns(top)))
    return blocks


def today_blocks(result: BenchmarkResult, w: ReportWords) -> list[Block]:
    """Today's actual placements, the same network re-optimised, and each policy (steady
    state), so that the part of a gain that is the policy's own is stated."""
    today = result.current_home_share
    steady = result.summary()
    steady = steady[(steady["mode"] == "steady-state") & (steady["metric"] == "home_share")]
    if today is None or steady.empty:
        return []
    means = steady.set_index("policy")["mean"]
    reference = float(means.get(result.reference, np.nan))
    rows = [(w("today.actual"), w.percent(today), "", "")]
    for policy in result.policies:
        share = float(means.get(policy.name, np.nan))
        own = (
            "" if policy.name == result.reference else w.signed(100 * (share - reference), w.points)
        )
        rows.append(
            (w.title(policy.name), w.percent(share), w.signed(100 * (share - today), w.points), own)
        )
    table = pd.DataFrame(
        rows, columns=["placement", "home_share", "change_from_today", "own_effect"]
    )
    text = w(
        "today.text",
        today=w.percent(today),
        reference=w.percent(reference),
        change=w.signed(100 * (reference - today), w.points),
    )
    return [Heading(w("today.heading")), Paragraph(text), Table(w.columns(table))]


def losing_regions(result: BenchmarkResult) -> pd.DataFrame:
    """mode, policy, region, reference, value, change_pp: regions whose home share falls."""
    part = result.by_region
    means = part.pivot_table(
        index=["mode", "region"], columns="policy", values="home_share", aggfunc="mean"
    )
    rows = []
    base = means[result.reference] if result.reference in means.columns else None
    for policy in result.policies:
        if base is None or policy.name == result.reference or policy.name not in means.columns:
            continue
        mine = means[policy.name]
        falling = 100 * (mine - base) < -LOSING_REGION_PP
        for key in mine.index[falling.to_numpy()]:
            mode, region = str(key[0]), str(key[1])
            before, after = float(base[key]), float(mine[key])
            rows.append((mode, policy.name, region, before, after, 100 * (after - before)))
    columns = ["mode", "policy", "region", "reference", "value", "change_pp"]
    return pd.DataFrame(rows, columns=columns).sort_values("change_pp", kind="stable")


def losing_blocks(result: BenchmarkResult, w: ReportWords) -> list[Block]:
    """Regions that lose, as prominently as the national gain."""
    table = losing_regions(result)
    blocks: list[Block] = [Heading(w("losing.heading"))]
    threshold = w.points(LOSING_REGION_PP)
    if table.empty:
        blocks.append(Paragraph(w("losing.none", threshold=threshold)))
        return blocks
    shown = pd.DataFrame(
        {
            "mode": [w.mode(m) for m in table["mode"]],
            "policy": [w.title(p) for p in table["policy"]],
            "home_region": [w.region(r) for r in table["region"]],
            "reference": [w.percent(v) for v in table["reference"]],
            "under_policy": [w.percent(v) for v in table["value"]],
            "change": [w.signed(v, w.points) for v in table["change_pp"]],
        }
    )
    worst = table.iloc[0]
    blocks.append(
        Paragraph(
            w(
                "losing.lead",
                threshold=threshold,
                region=w.region(str(worst["region"])),
                policy=w.title(str(worst["policy"])),
                mode=w.mode(str(worst["mode"])),
                change=w.signed(float(worst["change_pp"]), w.points),
            )
        )
    )
    blocks.append(Table(w.columns(shown)))
    return blocks


def first_time_sharing(result: BenchmarkResult) -> pd.DataFrame:
    """policy, first_time_placed, sharing (mean over seeds, steady state): first-time convicts
    placed in a facility that also holds repeat convicts, in the isolated sections of a
    facility that takes both (Penal Executive Code art. 94 keeps them apart, not away)."""
    rows = []
    for run in result.runs:
        if run.mode.value != "steady-state":
            continue
        placed = run.facility_of >= 0
        history = run.convicts["criminal_history"].to_numpy()
        repeat_rows = np.unique(run.facility_of[placed & (history == "repeat")])
        first = placed & (history == "first-time")
        sharing = first & np.isin(run.facility_of, repeat_rows)
        rows.append((run.policy, run.seed, int(first.sum()), int(sharing.sum())))
    table = pd.DataFrame(rows, columns=["policy", "seed", "first_time_placed", "sharing"])
    return (
        table.groupby("policy", sort=False)[["first_time_placed", "sharing"]].mean().reset_index()
    )


def sharing_blocks(result: BenchmarkResult, w: ReportWords) -> list[Block]:
    """How many first-time convicts serve beside repeat convicts, per policy."""
    table = first_time_sharing(result)
    if table.empty:
        return []
    shown = pd.DataFrame(
        {
            "policy": [w.title(p) for p in table["policy"]],
            "first_time_placed": [w.number(v) for v in table["first_time_placed"]],
            "sharing": [w.number(v) for v in table["sharing"]],
        }
    )
    return [Heading(w("sharing.heading")), Paragraph(w("sharing.text")), Table(w.columns(shown))]


def unplaced_line(result: BenchmarkResult, limit: int = 280) -> str:
    """Who is left without a lawful place, in one line of at most `limit` characters for a
    job's status: per mode and policy (mean over seeds), or, when that is too long, each
    policy's worst mode, the most unplaced first."""
    overview = unplaced_overview(result)
    modes = [
        f"{mode}: "
        + ", ".join(f"{r.policy} {r.unplaced:,.0f}" for r in part.itertuples(index=False))
        for mode, part in overview.groupby("mode", sort=False)
    ]
    line = "without a lawful place (mean over seeds): " + "; ".join(modes)
    if len(line) <= limit:
        return line
    worst = (
        overview.groupby("policy", sort=False)["unplaced"]
        .max()
        .sort_values(ascending=False, kind="stable")
    )
    line = "without a lawful place (mean over seeds, worst mode): "
    for shown, (policy, count) in enumerate(worst.items()):
        item = f"{', ' if shown else ''}{policy} {count:,.0f}"
        if len(line) + len(item) + len("; more in the report") > limit:
            return line + "; more in the report"
        line += item
    return line
