"""Forecast speed: ten years week by week per policy on one core, and a sweep on Dask.

1. The national system (today's network and population, `data/scenarios/steady.toml`)
   forecast week by week for `--years` years under each bundled policy, one after another in
   this process (one core): target under 60 s each for ten years.
2. A sweep of the bundled policies x `--scenarios` x `--seeds` seeds of `--sweep-years`-year
   forecasts, serially and then on `--workers` local Dask processes; checks that both give the
   same numbers, prints the ratio and what a 32-core cluster would take by that ratio.

    python benchmarks/forecast.py [--years 10] [--seeds 10] [--sweep-years 1] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import pandas as pd

from optimizer.data import DATA_DIR, read_facilities, read_regions
from optimizer.policies import read_policy, read_standing_population
from optimizer.policies.forecast import ForecastInputs, run_forecast
from optimizer.policies.forecast_tables import summary_figures
from optimizer.policies.scenario_parse import read_scenario
from optimizer.policies.sweep import run_sweep, sweep_grid

POLICIES = (
    "baseline",
    "merge-medium-maximum",
    "merge-maximum-extreme",
    "single-cell",
    "merge-medium-maximum-single-cell",
)
SCENARIOS = ("steady", "decline-30", "growth-5", "closures-2018-21")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--sweep-years", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    regions = read_regions(None)
    facilities = read_facilities(None, regions)
    population = read_standing_population(regions, facilities)
    assert population is not None, "the forecast starts from data/population.csv"
    inputs = ForecastInputs(regions, facilities, population)
    policies = [
        read_policy(DATA_DIR / "policies" / f"{n}.toml", facilities, regions) for n in POLICIES
    ]
    scenarios = [
        read_scenario(DATA_DIR / "scenarios" / f"{n}.toml", facilities, regions) for n in SCENARIOS
    ]
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}"
    )
    _load("at the start")
    _one_core(policies, scenarios[0], inputs, args.years)
    _load("after the one-core forecasts")
    _sweep(policies, scenarios, inputs, args)
    _load("at the end")


def _load(when: str) -> None:
    """The machine's load average: on a shared box it says how far to trust the times."""
    one, five, fifteen = os.getloadavg()
    print(f"load average {when}: {one:.1f} {five:.1f} {fifteen:.1f}")


def _one_core(policies, scenario, inputs, years) -> None:  # type: ignore[no-untyped-def]
    rows = []
    for policy in policies:
        started = time.perf_counter()
        forecast = run_forecast(scenario, policy, inputs, years=years, seed=0)
        seconds = time.perf_counter() - started
        figures = summary_figures(forecast)
        rows.append(
            {
                "policy": policy.name,
                "weeks": forecast.weeks,
                "seconds": round(seconds, 1),
                "ms_per_week": round(1000 * seconds / forecast.weeks, 1),
                "admitted": int(figures["admissions"]),
                "unplaced": int(figures["unplaced"]),
                "home_share_of_placed": round(figures["home_share_of_placed"], 3),
            }
        )
    print(f"\n{years}-year weekly forecast of {scenario.name}, one policy at a time, one core:")
    print(pd.DataFrame(rows).to_string(index=False))


def _sweep(policies, scenarios, inputs, args) -> None:  # type: ignore[no-untyped-def]
    cells = sweep_grid(policies, scenarios, list(range(args.seeds)), args.sweep_years)
    started = time.perf_counter()
    serial = run_sweep(cells, inputs)
    serial_s = time.perf_counter() - started
    _load("after the serial sweep")
    started = time.perf_counter()
    parallel = run_sweep(cells, inputs, workers=args.workers)
    parallel_s = time.perf_counter() - started
    pd.testing.assert_frame_equal(serial, parallel)
    ratio = serial_s / parallel_s
    efficiency = ratio / args.workers
    print(
        f"\nsweep: {len(policies)} policies x {len(scenarios)} scenarios x {args.seeds} seeds = "
        f"{len(cells)} forecasts of {args.sweep_years} year(s)"
    )
    print(f"serial: {serial_s:.1f} s; {args.workers} local Dask workers: {parallel_s:.1f} s")
    print(f"ratio {ratio:.2f} (efficiency {efficiency:.0%} per worker); results identical")
    print(
        f"32 cores by that efficiency: {serial_s / (32 * efficiency):.1f} s for this sweep; "
        f"{args.years}-year forecasts (x{args.years / args.sweep_years:g} the weeks): "
        f"serial {serial_s * args.years / args.sweep_years / 60:.0f} min, 32 cores "
        f"{serial_s * args.years / args.sweep_years / (32 * efficiency) / 60:.1f} min"
    )


if __name__ == "__main__":
    main()
