"""What a benchmark measures: per run, per home region, and over seeds with intervals.

Metrics per run: placed and unplaced convicts, share of placed convicts in their home region,
distance from home (mean, median, 90th percentile, maximum, share beyond 1,000 km, total),
escorted rail km from the home region's centre to the facility (`RailNetwork.route_km`),
carriage-days at `KM_PER_CARRIAGE_DAY`, facilities above capacity, utilisation by level.
Intervals are Student-t over seeds; differences between policies are paired by seed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.policies.policy import LEVEL_ORDER
from optimizer.policies.runs import PolicyRun

KM_PER_CARRIAGE_DAY = 150.0
"""Assumed rail km an escorted convict covers per day, waits in transit included.

No official figure exists. The sources (SOURCES.md, section 6) give two journeys: Aktau to
North Kazakhstan region, about 1,800 km in a straight line and more by rail, in about three
weeks (roughly 100 km a day), and Petropavl to Zarechny, about 1,800 km, in a little over a
week (roughly 225 km a day), and estimate 1-3 weeks door to door for 1,000-2,000 km. 150 km a
day lies in that range; it is an assumption, and a parameter."""

BEYOND_KM = 1000.0
"""The distance beyond which a placement counts as far from home in the metrics."""

CI_LEVEL = 0.95


def run_metrics(run: PolicyRun, km_per_day: float = KM_PER_CARRIAGE_DAY) -> dict[str, float]:
    """The headline figures of one run; distances over placed convicts only.

    home_share and beyond_1000_share are shares of placed convicts; p90 interpolates linearly.
    """
    placed = run.facility_of >= 0
    km = run.distance_km[placed]
    home = _placed_home(run)
    capacity = run.facilities["capacity"].to_numpy(np.int64)
    metrics: dict[str, float] = {
        "convicts": float(len(run.convicts)),
        "placed": float(placed.sum()),
        "unplaced": float((~placed).sum()),
        "placed_home": float(home.sum()),
        "home_share": float(home.sum() / placed.sum()) if placed.any() else math.nan,
        "mean_km": float(km.mean()) if len(km) else math.nan,
        "median_km": float(np.median(km)) if len(km) else math.nan,
        "p90_km": float(np.percentile(km, 90)) if len(km) else math.nan,
        "max_km": float(km.max()) if len(km) else math.nan,
        "beyond_1000_share": float((km > BEYOND_KM).mean()) if len(km) else math.nan,
        "total_km": float(km.sum()),
        "rail_km": float(run.rail_km[placed].sum()),
        "carriage_days": float(run.rail_km[placed].sum() / km_per_day),
        "overfull_facilities": float((run.occupancy > capacity).sum()),
    }
    metrics.update(run.facts)
    for level, share in utilisation_by_level(run).items():
        metrics[f"utilisation_{level}"] = share
    return metrics


def utilisation_by_level(run: PolicyRun) -> dict[str, float]:
    """Occupancy over capacity per security level of the policy's network (open facilities)."""
    table = pd.DataFrame(
        {
            "level": run.facilities["security_level"].to_numpy(),
            "capacity": run.facilities["capacity"].to_numpy(np.int64),
            "occupancy": run.occupancy,
        }
    )
    totals = (
        table[table["capacity"] > 0].groupby("level", sort=False)[["capacity", "occupancy"]].sum()
    )
    shares = totals["occupancy"] / totals["capacity"]
    return {
        str(level): float(shares[level]) for level in sorted(shares.index, key=LEVEL_ORDER.index)
    }


def region_metrics(run: PolicyRun, km_per_day: float = KM_PER_CARRIAGE_DAY) -> pd.DataFrame:
    """The headline figures per home region, one row per region with convicts."""
    placed = run.facility_of >= 0
    frame = pd.DataFrame(
        {
            "region": run.convicts["home_region"].to_numpy(),
            "placed": placed,
            "home": _placed_home(run),
            "km": np.where(placed, run.distance_km, np.nan),
            "rail_km": np.where(placed, run.rail_km, 0.0),
        }
    )
    frame["beyond"] = frame["km"] > BEYOND_KM
    grouped = frame.groupby("region", sort=True)
    placed_count = grouped["placed"].sum()
    table = pd.DataFrame(
        {
            "convicts": grouped.size().astype(float),
            "placed": placed_count.astype(float),
            "unplaced": (grouped.size() - placed_count).astype(float),
            "placed_home": grouped["home"].sum().astype(float),
            "home_share": grouped["home"].sum() / placed_count.where(placed_count > 0),
            "mean_km": grouped["km"].mean(),
            "median_km": grouped["km"].median(),
            "p90_km": grouped["km"].quantile(0.9),
            "max_km": grouped["km"].max(),
            "beyond_1000_share": grouped["beyond"].sum() / placed_count.where(placed_count > 0),
            "total_km": grouped["km"].sum(),
            "rail_km": grouped["rail_km"].sum(),
        }
    )
    table["carriage_days"] = table["rail_km"] / km_per_day
    return table.reset_index()


def _placed_home(run: PolicyRun) -> npt.NDArray[np.bool_]:
    placed = run.facility_of >= 0
    region = run.facilities["region"].to_numpy()[np.maximum(run.facility_of, 0)]
    return np.asarray(placed & (region == run.convicts["home_region"].to_numpy()))


def metric_tables(
    runs: Sequence[PolicyRun], km_per_day: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (mode, policy, seed), and one per (mode, policy, seed, home region)."""
    keys = ["mode", "policy", "seed"]
    rows, regional = [], []
    for run in runs:
        key = {"mode": run.mode.value, "policy": run.policy, "seed": run.seed}
        rows.append(key | run_metrics(run, km_per_day))
        regional.append(region_metrics(run, km_per_day).assign(**key))
    metrics = pd.DataFrame(rows)
    by_region = pd.concat(regional, ignore_index=True)
    by_region = by_region.loc[:, keys + [c for c in by_region.columns if c not in keys]]
    return metrics, by_region


def current_home_share(population: pd.DataFrame | None, facilities: pd.DataFrame) -> float | None:
    """Share of today's population that serves in its home region (None without the facts)."""
    if population is None or "facility_id" not in population.columns or population.empty:
        return None
    region = population["facility_id"].map(facilities.set_index("facility_id")["region"])
    return float((region == population["home_region"]).mean())


def t_interval(values: npt.ArrayLike, level: float = CI_LEVEL) -> tuple[float, float, float]:
    """Mean and two-sided t-interval over seeds; NaN bounds for a single seed."""
    from scipy import stats

    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if len(data) == 0:
        return math.nan, math.nan, math.nan
    mean = float(data.mean())
    if len(data) < 2:
        return mean, math.nan, math.nan
    half = float(
        stats.t.ppf(0.5 + level / 2, len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data))
    )
    return mean, mean - half, mean + half


def summarize_over_seeds(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """keys..., metric, mean, ci_low, ci_high, seeds: one row per key and metric."""
    metric_columns = [c for c in table.columns if c not in [*keys, "seed"]]
    long = table.melt(id_vars=[*keys, "seed"], value_vars=metric_columns, var_name="metric")
    records = []
    for group_key, group in long.groupby([*keys, "metric"], sort=False):
        mean, low, high = t_interval(group["value"].to_numpy(float))
        records.append((*group_key, mean, low, high, int(group["value"].notna().sum())))
    return pd.DataFrame.from_records(
        records, columns=[*keys, "metric", "mean", "ci_low", "ci_high", "seeds"]
    )


EFFECT_METRICS = (
    "home_share",
    "total_km",
    "mean_km",
    "rail_km",
    "carriage_days",
    "unplaced",
    "beyond_1000_share",
)


EFFECT_COLUMNS = (
    "mode",
    "policy",
    "metric",
    "reference",
    "value",
    "change",
    "change_ci_low",
    "change_ci_high",
    "relative",
)


def paired_effects(metrics: pd.DataFrame, reference: str) -> pd.DataFrame:
    """mode, policy, metric, reference, value, change, change_ci_low, change_ci_high, relative.

    Differences are paired by seed (the same cohorts under both policies), so their intervals
    are narrower than the difference of two intervals.
    """
    records: list[tuple[object, ...]] = []
    for mode, frame in metrics.groupby("mode", sort=False):
        base = frame[frame["policy"] == reference].set_index("seed")
        for policy, other in frame.groupby("policy", sort=False):
            if policy != reference:
                records += [
                    (mode, policy, *effect)
                    for effect in _effects_against(base, other.set_index("seed"))
                ]
    return pd.DataFrame.from_records(records, columns=list(EFFECT_COLUMNS))


def _effects_against(
    base: pd.DataFrame, other: pd.DataFrame
) -> list[tuple[str, float, float, float, float, float, float]]:
    """Per effect metric: reference mean, mean, paired change with its interval, relative."""
    common = base.index.intersection(other.index)
    effects = []
    for metric in EFFECT_METRICS:
        if metric not in other.columns:
            continue
        before = base.loc[common, metric].to_numpy(float)
        after = other.loc[common, metric].to_numpy(float)
        change, low, high = t_interval(after - before)
        reference_mean = float(np.nanmean(before)) if len(before) else math.nan
        value = float(np.nanmean(after)) if len(after) else math.nan
        relative = change / reference_mean if reference_mean else math.nan
        effects.append((metric, reference_mean, value, change, low, high, relative))
    return effects
