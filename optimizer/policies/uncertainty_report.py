"""The report's section on uncertainty: each interval labelled with what it covers."""

from __future__ import annotations

import pandas as pd

from optimizer.policies.markup import Block, Heading, Paragraph, Table
from optimizer.policies.uncertainty import PERCENTILES, Uncertainty
from optimizer.policies.words import ReportWords


def uncertainty_blocks(uncertainty: Uncertainty, w: ReportWords) -> list[Block]:
    """The bootstrap's table, then the capacity sensitivity's, each with its label."""
    blocks: list[Block] = [Heading(w("uncertainty.heading"))]
    if uncertainty.resamples > 0 and len(uncertainty.bootstrap):
        blocks.append(
            Paragraph(
                w.plural(
                    "uncertainty.bootstrap",
                    uncertainty.resamples,
                    seconds=w.number(uncertainty.bootstrap_seconds),
                    low=w.number(PERCENTILES[0], 1),
                    high=w.number(PERCENTILES[1], 1),
                )
            )
        )
        blocks.append(Table(bootstrap_table(uncertainty.bootstrap, w)))
    else:
        blocks.append(Paragraph(w("uncertainty.no_bootstrap")))
    if uncertainty.sensitivity.empty:
        return blocks
    blocks.append(
        Paragraph(
            w(
                "uncertainty.sensitivity",
                band=w.percent(uncertainty.band, 0),
                estimated=w.number(uncertainty.estimated_facilities),
                facilities=w.number(uncertainty.facilities),
            )
        )
    )
    blocks.append(Table(sensitivity_table(uncertainty, w)))
    return blocks


def bootstrap_table(table: pd.DataFrame, w: ReportWords) -> pd.DataFrame:
    """Per policy: unplaced and home share on today's population, and the effect against the
    reference with its percentile interval."""
    numbers = table[["value", "effect", "effect_low", "effect_high"]].to_numpy(float)
    keys = zip(table["policy"].astype(str), table["metric"].astype(str), strict=True)
    cells = {key: tuple(float(v) for v in row) for key, row in zip(keys, numbers, strict=True)}
    rows = []
    for policy in dict.fromkeys(str(p) for p in table["policy"]):
        unplaced, home = cells[(policy, "unplaced")], cells[(policy, "home_share")]
        rows.append(
            {
                "policy": w.title(policy),
                "unplaced": w.number(unplaced[0]),
                "unplaced_effect": w.interval(
                    unplaced[1], unplaced[2], unplaced[3], lambda v: w.signed(v, w.number)
                ),
                "home_share": w.percent(home[0]),
                "own_effect": w.interval(
                    100 * home[1], 100 * home[2], 100 * home[3], lambda v: w.signed(v, w.points)
                ),
            }
        )
    return w.columns(pd.DataFrame(rows))


def sensitivity_table(uncertainty: Uncertainty, w: ReportWords) -> pd.DataFrame:
    """Per policy: unplaced and the policy's own effect at low, estimated and high capacities."""
    table = uncertainty.sensitivity
    scales = sorted(table["scale"].unique())
    labels = [w("uncertainty.low"), w("uncertainty.estimated"), w("uncertainty.high")]
    rows = []
    for policy, part in table.groupby("policy", sort=False):
        by_scale = part.set_index("scale")
        row = {w("col.policy"): w.title(str(policy))}
        for scale, label in zip(scales, labels, strict=True):
            row[w("uncertainty.col.unplaced", capacities=label)] = w.number(
                by_scale.loc[scale, "unplaced"]
            )
        for scale, label in zip(scales, labels, strict=True):
            row[w("uncertainty.col.effect", capacities=label)] = w.signed(
                100 * float(by_scale.loc[scale, "home_effect"]), w.points
            )
        rows.append(row)
    return pd.DataFrame(rows)
