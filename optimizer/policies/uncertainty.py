"""How sure a policy's effect is, with what each figure covers said plainly.

Two different uncertainties, never mixed into one interval:

- **Sampling of the population** (`bootstrap_effects`): today's standing population is
  resampled with replacement `resamples` times (200 by default); every policy is allocated
  from scratch (steady state) on each resample, and its effect on the share placed at home and
  on the unplaced is paired with the reference on the same resample. The interval is the
  2.5th-97.5th percentile of those effects. It says nothing about the network's figures.
- **Estimated capacities** (`capacity_sensitivity`): most facility capacities in `data/` are
  estimates (`facility_sources.csv`, "capacity ... estimated"). Every estimated capacity is
  scaled down and up by `band` (10% by default) at once, and each policy is run on today's
  population at the low, estimated and high capacities. The range says how much the answer
  rests on those estimates; it is not a probability interval.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.allocation import solve
from optimizer.domain import SolveOptions
from optimizer.policies.policy import Policy

DEFAULT_RESAMPLES = 200
DEFAULT_BAND = 0.10
PERCENTILES = (2.5, 97.5)

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Uncertainty:
    """The bootstrap's and the capacity sensitivity's tables, and what they took."""

    resamples: int
    bootstrap_seconds: float
    bootstrap: pd.DataFrame
    """policy, metric (home_share, unplaced), value (today's population), effect (minus the
    reference), effect_low, effect_high (percentile interval over resamples)."""
    band: float
    estimated_facilities: int
    facilities: int
    sensitivity: pd.DataFrame
    """policy, scale (1-band, 1, 1+band), unplaced, home_share, home_effect (minus the
    reference at the same scale)."""


def estimated_capacity_ids(data_dir: Path) -> tuple[str, ...]:
    """Facilities whose capacity `facility_sources.csv` lists among its estimates."""
    path = data_dir / "facility_sources.csv"
    if not path.exists():
        return ()
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return tuple(
        row["facility_id"]
        for row in rows
        if "capacity" in row.get("source", "").lower().partition("estimate:")[2]
    )


def steady_figures(
    policy: Policy, convicts: pd.DataFrame, facilities: pd.DataFrame, options: SolveOptions
) -> tuple[float, float]:
    """Unplaced convicts and the share of placed ones in their home region, all allocated
    from scratch under `policy`."""
    network = policy.apply_to_facilities(facilities).assign(occupied=0)
    solution = solve(policy.relabel(convicts), network, options)
    placed = solution.facility_of >= 0
    regions = network["region"].to_numpy()[solution.facility_of[placed]]
    home = regions == convicts["home_region"].to_numpy()[placed]
    share = float(home.mean()) if placed.any() else float("nan")
    return float((~placed).sum()), share


def bootstrap_effects(
    policies: Sequence[Policy],
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    options: SolveOptions,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, float]:
    """Each policy's effect against the first (the reference) over `resamples` resamples of
    the population, with percentile intervals; returns the table and the seconds taken."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    convicts = population.assign(case_id="") if "case_id" in population else population
    today = [steady_figures(p, convicts, facilities, options) for p in policies]
    draws = np.empty((resamples, len(policies), 2))
    for b in range(resamples):
        rows = rng.integers(0, len(convicts), len(convicts))
        sample = convicts.iloc[rows].reset_index(drop=True)
        for k, policy in enumerate(policies):
            draws[b, k] = steady_figures(policy, sample, facilities, options)
        if progress is not None:
            progress((b + 1) / resamples, f"bootstrap resample {b + 1}/{resamples}")
    effects = draws - draws[:, :1, :]
    low, high = np.nanpercentile(effects, PERCENTILES, axis=0)
    rows_out = []
    for k, policy in enumerate(policies):
        for m, metric in enumerate(("unplaced", "home_share")):
            rows_out.append(
                (
                    policy.name,
                    metric,
                    today[k][m],
                    today[k][m] - today[0][m],
                    float(low[k, m]),
                    float(high[k, m]),
                )
            )
    columns = ["policy", "metric", "value", "effect", "effect_low", "effect_high"]
    return pd.DataFrame(rows_out, columns=columns), time.perf_counter() - started


def capacity_sensitivity(
    policies: Sequence[Policy],
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    options: SolveOptions,
    estimated: Sequence[str],
    *,
    band: float = DEFAULT_BAND,
) -> pd.DataFrame:
    """Each policy on today's population with every estimated capacity scaled by 1-band,
    1 and 1+band (rounded down); home effects against the first policy at the same scale."""
    if not 0 < band < 1:
        raise ValueError(f"band must be within 0..1, got {band}")
    convicts = population.assign(case_id="") if "case_id" in population else population
    chosen = facilities["facility_id"].isin(estimated).to_numpy()
    rows = []
    for scale in (1 - band, 1.0, 1 + band):
        capacity = facilities["capacity"].to_numpy(np.int64).copy()
        capacity[chosen] = np.floor(np.round(capacity[chosen] * scale, 6)).astype(np.int64)
        network = facilities.assign(capacity=capacity)
        figures = [steady_figures(p, convicts, network, options) for p in policies]
        for policy, (unplaced, share) in zip(policies, figures, strict=True):
            rows.append((policy.name, scale, unplaced, share, share - figures[0][1]))
    columns = ["policy", "scale", "unplaced", "home_share", "home_effect"]
    return pd.DataFrame(rows, columns=columns)


def measure_uncertainty(
    policies: Sequence[Policy],
    reference: str,
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    options: SolveOptions,
    data_dir: Path,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    band: float = DEFAULT_BAND,
    progress: Progress | None = None,
) -> Uncertainty:
    """The bootstrap (when `resamples` > 0) and the capacity sensitivity of a benchmark's
    policies, the reference first, on today's population."""
    ordered = sorted(policies, key=lambda p: p.name != reference)
    estimated = estimated_capacity_ids(data_dir)
    sensitivity = (
        capacity_sensitivity(ordered, population, facilities, options, estimated, band=band)
        if band > 0
        else pd.DataFrame()
    )
    bootstrap, seconds = pd.DataFrame(), 0.0
    if resamples > 0:
        bootstrap, seconds = bootstrap_effects(
            ordered, population, facilities, options, resamples=resamples, progress=progress
        )
    return Uncertainty(
        resamples=resamples,
        bootstrap_seconds=seconds,
        bootstrap=bootstrap,
        band=band,
        estimated_facilities=int(facilities["facility_id"].isin(estimated).sum()),
        facilities=len(facilities),
        sensitivity=sensitivity,
    )
