"""Metrics of runs: the figures equal those recomputed from the placements; intervals and
paired effects over seeds."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from optimizer.domain import DistanceKind
from optimizer.geo import distance_source
from optimizer.policies import BenchmarkSettings, Mode, PolicyRun
from optimizer.policies.metrics import (
    paired_effects,
    summarize_over_seeds,
    t_interval,
    utilisation_by_level,
)
from optimizer.policies.report import write_report
from optimizer.policies.simulate import run_benchmark
from tests.helpers import regions_table
from tests.optimizer.policies.helpers import MERGE, policy, small_network


def test_t_interval_matches_student_t() -> None:
    mean, low, high = t_interval([1.0, 2.0, 3.0])
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert mean == 2.0 and low == pytest.approx(2 - half) and high == pytest.approx(2 + half)
    assert math.isnan(t_interval([5.0])[1])


def _recomputed(run: PolicyRun, regions: pd.DataFrame, km_per_day: float) -> dict[str, float]:
    """Headline metrics straight from the placements table, independently of the engine."""
    table = run.placements()
    placed = table[table["facility_id"] != ""]
    km = placed["distance_km"].to_numpy()
    home = (placed["facility_region"] == placed["home_region"]).to_numpy()
    centres = regions.set_index("region")
    network = run.facilities.set_index("facility_id")
    rail = distance_source(DistanceKind.RAIL)
    rail_km = rail.route_km(  # type: ignore[attr-defined]
        centres.loc[placed["home_region"], "lat"].to_numpy(float),
        centres.loc[placed["home_region"], "lon"].to_numpy(float),
        network.loc[placed["facility_id"], "lat"].to_numpy(float),
        network.loc[placed["facility_id"], "lon"].to_numpy(float),
    )
    return {
        "convicts": len(table),
        "placed": len(placed),
        "unplaced": len(table) - len(placed),
        "home_share": home.mean(),
        "mean_km": km.mean(),
        "median_km": np.median(km),
        "p90_km": np.quantile(km, 0.9),
        "max_km": km.max(),
        "beyond_1000_share": (km > 1000).mean(),
        "total_km": km.sum(),
        "rail_km": rail_km.sum(),
        "carriage_days": rail_km.sum() / km_per_day,
    }


def test_metrics_csv_equals_figures_recomputed_from_the_placements(tmp_path: Path) -> None:
    regions = regions_table()
    reforms = [policy({"name": "baseline"}), policy(MERGE)]
    settings = BenchmarkSettings(seeds=(0, 1), weeks=3, batch=15, km_per_day=120.0)
    result = run_benchmark(reforms, None, regions, small_network(), settings)
    write_report(result, tmp_path, figures=False)
    written = pd.read_csv(tmp_path / "metrics.csv")
    by_region = pd.read_csv(tmp_path / "metrics_by_region.csv")
    assert len(written) == len(result.runs) == 8
    for run in result.runs:
        row = written[
            (written["mode"] == run.mode.value)
            & (written["policy"] == run.policy)
            & (written["seed"] == run.seed)
        ]
        assert len(row) == 1
        for metric, value in _recomputed(run, regions, 120.0).items():
            assert row[metric].iloc[0] == pytest.approx(value, rel=1e-9), metric
        table = run.placements()
        mine = by_region[
            (by_region["mode"] == run.mode.value)
            & (by_region["policy"] == run.policy)
            & (by_region["seed"] == run.seed)
        ]
        counts = table.groupby("home_region").size()
        assert dict(zip(mine["region"], mine["convicts"], strict=True)) == {
            k: float(v) for k, v in counts.items()
        }

    summary = pd.read_csv(tmp_path / "metrics_summary.csv")
    home = summary[
        (summary["mode"] == "flow")
        & (summary["policy"] == "merge")
        & (summary["metric"] == "home_share")
    ]
    seeds = written[(written["mode"] == "flow") & (written["policy"] == "merge")]["home_share"]
    assert home["mean"].iloc[0] == pytest.approx(seeds.mean())
    assert home["ci_low"].iloc[0] == pytest.approx(t_interval(seeds.to_numpy())[1])


def test_paired_effects_are_differences_per_seed_against_the_reference() -> None:
    metrics = pd.DataFrame(
        {
            "mode": ["flow"] * 4,
            "policy": ["baseline", "baseline", "merge", "merge"],
            "seed": [0, 1, 0, 1],
            "total_km": [100.0, 200.0, 90.0, 170.0],
        }
    )
    effects = paired_effects(metrics, "baseline")
    assert effects["metric"].tolist() == ["total_km"], "only metrics present, reference left out"
    row = effects.iloc[0]
    assert (row["policy"], row["reference"], row["value"]) == ("merge", 150.0, 130.0)
    assert row["change"] == -20.0 and row["relative"] == pytest.approx(-20.0 / 150.0)
    _, low, high = t_interval([-10.0, -30.0])
    assert (row["change_ci_low"], row["change_ci_high"]) == pytest.approx((low, high))


def test_summary_has_one_row_per_key_and_metric_with_the_seed_count() -> None:
    table = pd.DataFrame({"policy": ["a", "a"], "seed": [0, 1], "placed": [1.0, np.nan]})
    summary = summarize_over_seeds(table, ["policy"])
    assert len(summary) == 1
    row = summary.iloc[0]
    assert (row["policy"], row["metric"], row["mean"], row["seeds"]) == ("a", "placed", 1.0, 1)
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"]), "one seed: no interval"


def test_utilisation_counts_open_facilities_by_level_in_level_order() -> None:
    network = small_network()
    closed_tb = network.assign(
        capacity=np.where(network["facility_id"] == "K-TB", 0, network["capacity"])
    )
    run = PolicyRun(
        mode=Mode.STEADY,
        policy="baseline",
        seed=0,
        convicts=pd.DataFrame({"convict_id": [], "home_region": [], "security_level": []}),
        facilities=closed_tb,
        facility_of=np.zeros(0, dtype=np.intp),
        distance_km=np.zeros(0),
        rail_km=np.zeros(0),
        week=np.zeros(0, dtype=np.int64),
        occupancy=network["occupied"].to_numpy(np.int64),
    )
    shares = utilisation_by_level(run)
    assert list(shares) == ["medium", "maximum"]
    assert shares["medium"] == pytest.approx(2 / (6 + 8 + 5 + 3 + 3))
    assert shares["maximum"] == pytest.approx((1 + 3) / (4 + 8)), "closed K-TB left out"
