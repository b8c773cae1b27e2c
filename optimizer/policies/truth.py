"""What a benchmark report must say first: who is left without a lawful place, what part of a
gain is the policy's own, and which regions lose.

Distances of placed convicts never stand alone: a policy that leaves more convicts without a
lawful place is not an improvement, whatever it does to distances.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.policies.benchmark import BenchmarkResult
from optimizer.policies.formats import number, percent, signed
from optimizer.policies.markup import Block, Heading, Paragraph, Table

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


def truth_blocks(result: BenchmarkResult) -> list[Block]:
    """The report's opening: unplaced convicts by policy, then by sex, level and region."""
    overview = unplaced_overview(result)
    titles = {p.name: p.title for p in result.policies}
    blocks: list[Block] = [Heading("Who is left without a lawful place")]
    if not overview["unplaced_highest"].gt(0).any():
        blocks.append(
            Paragraph(
                "Every convict finds a place the law allows under every policy, in every mode "
                "and seed; the distance figures below therefore cover everyone."
            )
        )
        return blocks
    blocks.append(
        Paragraph(
            "Convicts for whom no facility the law allows has a free place (mean over seeds, "
            "with the lowest and highest seed). Distance figures further down cover placed "
            "convicts only; a policy that leaves more convicts unplaced is not an improvement, "
            "whatever its distances."
        )
    )
    shown = overview.assign(policy=overview["policy"].map(titles))
    for column in ("convicts", "unplaced", "unplaced_lowest", "unplaced_highest"):
        shown[column] = [number(v) for v in shown[column]]
    blocks.append(Table(shown))
    breakdown = unplaced_breakdown(result)
    if len(breakdown):
        names = result.regions.set_index("region")["name"]
        top = breakdown.head(20).assign(
            policy=lambda t: t["policy"].map(titles),
            home_region=lambda t: [f"{r} {names.get(r, '')}".strip() for r in t["home_region"]],
            unplaced=lambda t: [number(v, 1) for v in t["unplaced"]],
        )
        blocks.append(Paragraph("By sex, security level set by the court, and home region:"))
        blocks.append(Table(top))
    return blocks


def today_blocks(result: BenchmarkResult) -> list[Block]:
    """Today's actual placements, the same network re-optimised, and each policy (steady
    state), so that the part of a gain that is the policy's own is stated."""
    today = result.current_home_share
    steady = result.summary()
    steady = steady[(steady["mode"] == "steady-state") & (steady["metric"] == "home_share")]
    if today is None or steady.empty:
        return []
    means = steady.set_index("policy")["mean"]
    reference = float(means.get(result.reference, np.nan))
    rows = [("today: actual placements (population file)", percent(today), "", "")]
    for policy in result.policies:
        share = float(means.get(policy.name, np.nan))
        own = "" if policy.name == result.reference else signed(100 * (share - reference), _pp)
        rows.append((policy.title, percent(share), signed(100 * (share - today), _pp), own))
    table = pd.DataFrame(
        rows,
        columns=["placement", "home region", "change from today", "policy's own effect"],
    )
    text = (
        f"Today {percent(today)} serve in their home region. Re-allocating everyone on today's "
        f"network, with no reform, would give {percent(reference)} "
        f"({signed(100 * (reference - today), _pp)}): that part of any gain is not a "
        "policy's. A policy's own effect is its difference from the re-optimised network."
    )
    return [Heading("Today, today re-optimised, and each policy"), Paragraph(text), Table(table)]


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


def losing_blocks(result: BenchmarkResult) -> list[Block]:
    """Regions that lose, as prominently as the national gain."""
    table = losing_regions(result)
    blocks: list[Block] = [Heading("Regions that lose")]
    if table.empty:
        blocks.append(
            Paragraph(
                f"No home region's share placed at home falls by more than "
                f"{number(LOSING_REGION_PP)} point under any policy."
            )
        )
        return blocks
    names = result.regions.set_index("region")["name"]
    titles = {p.name: p.title for p in result.policies}
    shown = pd.DataFrame(
        {
            "mode": table["mode"],
            "policy": table["policy"].map(titles),
            "home region": [f"{r} {names.get(r, '')}".strip() for r in table["region"]],
            "reference": [percent(v) for v in table["reference"]],
            "under the policy": [percent(v) for v in table["value"]],
            "change": [signed(v, _pp) for v in table["change_pp"]],
        }
    )
    blocks.append(
        Paragraph(
            "Home regions whose share placed at home falls by more than "
            f"{number(LOSING_REGION_PP)} point against the reference (mean over seeds):"
        )
    )
    blocks.append(Table(shown))
    return blocks


def _pp(value: float) -> str:
    return number(value, 1) + " pp"


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


def sharing_blocks(result: BenchmarkResult) -> list[Block]:
    """How many first-time convicts serve beside repeat convicts, per policy."""
    table = first_time_sharing(result)
    if table.empty:
        return []
    titles = {p.name: p.title for p in result.policies}
    shown = pd.DataFrame(
        {
            "policy": table["policy"].map(titles),
            "first-time convicts placed": [number(v) for v in table["first_time_placed"]],
            "in a facility that also holds repeat convicts (isolated sections)": [
                number(v) for v in table["sharing"]
            ],
        }
    )
    text = (
        "First-time and repeat convicts are always held apart: in facilities for one or the "
        "other, or in the isolated sections of a facility that takes both, which share its "
        "places. Steady state, mean over seeds:"
    )
    return [Heading("First-time and repeat convicts"), Paragraph(text), Table(shown)]
