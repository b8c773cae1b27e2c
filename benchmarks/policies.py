"""Policy benchmark speed and the bundled policies' effects, side by side.

Times each bundled policy in steady state (the whole national population allocated from
scratch) and as a 52-week flow of weekly batches, and prints what the medium+maximum merger
changes. Targets: five policies at steady state in under 10 s, one 52-week flow in under 30 s.

Then times the uncertainty the report can add: a bootstrap of `--bootstrap` resamples of
today's population (every policy allocated on each) and the sensitivity run over estimated
capacities (+-10%), and projects the bootstrap to 200 resamples.

    python benchmarks/policies.py [--seeds 1] [--weeks 52] [--batch 600] [--distance rail]
                                  [--bootstrap 10] [--only-uncertainty]
"""

from __future__ import annotations

import argparse
import platform
import time

import pandas as pd

from optimizer.data import DATA_DIR, read_facilities, read_regions
from optimizer.domain import DistanceKind
from optimizer.policies import (
    BenchmarkSettings,
    Mode,
    paired_effects,
    read_policy,
    read_standing_population,
    run_benchmark,
)
from optimizer.policies.uncertainty import (
    bootstrap_effects,
    capacity_sensitivity,
    estimated_capacity_ids,
)

POLICIES = (
    "baseline",
    "merge-medium-maximum",
    "merge-maximum-extreme",
    "single-cell",
    "merge-medium-maximum-single-cell",
)
STEADY_TARGET_S = 10.0
FLOW_TARGET_S = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--batch", type=int, default=600)
    parser.add_argument(
        "--distance", choices=[d.value for d in DistanceKind], default=DistanceKind.GREAT_CIRCLE
    )
    parser.add_argument("--bootstrap", type=int, default=10, help="resamples to time")
    parser.add_argument("--only-uncertainty", action="store_true")
    args = parser.parse_args()

    regions = read_regions()
    facilities = read_facilities(None, regions)
    population = read_standing_population(regions, facilities)
    policies = [
        read_policy(DATA_DIR / "policies" / f"{n}.toml", facilities, regions) for n in POLICIES
    ]
    seeds = list(range(args.seeds))
    distance = DistanceKind(args.distance)
    source = (
        f"population file ({len(population):,} convicts)"
        if population is not None
        else (f"synthetic cohorts of {int(facilities['occupied'].sum()):,}")
    )
    print(
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(
        f"Population: {source}; seeds {seeds}; {args.weeks} weeks of {args.batch}; {distance.value}"
    )

    if args.only_uncertainty:
        _uncertainty(args.bootstrap, policies, population, facilities, distance)
        return
    run_benchmark(
        policies[:1],
        population,
        regions,
        facilities,
        BenchmarkSettings(seeds=(0,), weeks=1, batch=10, distance=distance),
    )  # warm-up: rail network, imports

    rows, metrics = [], []
    steady_total = 0.0
    for policy in policies:
        started = time.perf_counter()
        steady = run_benchmark(
            [policy],
            population,
            regions,
            facilities,
            BenchmarkSettings(seeds=tuple(seeds), weeks=0, modes=(Mode.STEADY,), distance=distance),
        )
        steady_s = time.perf_counter() - started
        started = time.perf_counter()
        flow = run_benchmark(
            [policy],
            population,
            regions,
            facilities,
            BenchmarkSettings(
                seeds=tuple(seeds),
                weeks=args.weeks,
                batch=args.batch,
                modes=(Mode.FLOW,),
                distance=distance,
            ),
        )
        flow_s = time.perf_counter() - started
        steady_total += steady_s
        metrics += [steady.metrics, flow.metrics]
        s, f = steady.metrics.mean(numeric_only=True), flow.metrics.mean(numeric_only=True)
        rows.append(
            {
                "policy": policy.name,
                "steady s": f"{steady_s:.2f}",
                "flow s": f"{flow_s:.2f}",
                "steady home": f"{s['home_share']:.1%}",
                "steady total km": f"{s['total_km']:,.0f}",
                "steady unplaced": f"{s['unplaced']:,.0f}",
                "flow home": f"{f['home_share']:.1%}",
                "flow total km": f"{f['total_km']:,.0f}",
                "flow unplaced": f"{f['unplaced']:,.0f}",
            }
        )
    print()
    print(pd.DataFrame(rows).to_string(index=False))
    flow_max = max(float(r["flow s"]) for r in rows)
    print()
    print(
        f"Five policies at steady state: {steady_total:.2f} s (target < {STEADY_TARGET_S:.0f} s, "
        f"ratio {steady_total / STEADY_TARGET_S:.2f})."
    )
    print(
        f"{args.weeks}-week flow, slowest policy: {flow_max:.2f} s "
        f"(target < {FLOW_TARGET_S:.0f} s, ratio {flow_max / FLOW_TARGET_S:.2f})."
    )

    effects = paired_effects(pd.concat(metrics, ignore_index=True), "baseline")
    merger = effects[effects["policy"] == "merge-medium-maximum"].set_index(["mode", "metric"])
    print()
    for mode in (Mode.STEADY, Mode.FLOW):
        home = merger.loc[(mode.value, "home_share")]
        total = merger.loc[(mode.value, "total_km")]
        print(
            f"Merger of medium and maximum security ({mode.value}): home-region share "
            f"{home['reference']:.1%} -> {home['value']:.1%} ({100 * home['change']:+.1f} pp); "
            f"total distance {total['reference']:,.0f} -> {total['value']:,.0f} km "
            f"({total['relative']:+.1%})."
        )
    _uncertainty(args.bootstrap, policies, population, facilities, distance)


def _uncertainty(resamples, policies, population, facilities, distance) -> None:  # type: ignore[no-untyped-def]
    """Time the bootstrap and the capacity sensitivity run of the report."""
    options = BenchmarkSettings(distance=distance).solve_options()
    started = time.perf_counter()
    capacity_sensitivity(
        policies, population, facilities, options, estimated_capacity_ids(DATA_DIR), band=0.1
    )
    sensitivity_s = time.perf_counter() - started
    table, seconds = bootstrap_effects(
        policies, population, facilities, options, resamples=resamples, seed=0
    )
    per = seconds / max(resamples, 1)
    print()
    print(
        f"Capacity sensitivity (3 capacity sets x {len(policies)} policies): {sensitivity_s:.1f} s"
    )
    print(
        f"Bootstrap, {resamples} resamples x {len(policies)} policies: {seconds:.1f} s "
        f"({per:.2f} s per resample); 200 resamples by that rate: {200 * per / 60:.1f} min"
    )
    merger = table[table["policy"] == "merge-medium-maximum"].set_index("metric")
    home = merger.loc["home_share"]
    print(
        f"Merger's own effect on the home share: {100 * home['effect']:+.1f} pp, "
        f"{resamples}-resample percentile interval {100 * home['effect_low']:+.1f} to "
        f"{100 * home['effect_high']:+.1f} pp"
    )


if __name__ == "__main__":
    main()
