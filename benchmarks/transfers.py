"""Transfer campaign and review speed: the exact integer model against the naive PuLP model.

The national campaign with the default limits (at least 100 km saved per move, the bundled
weekly escort seats, no facility pair both ways, no cap) over the bundled population. The
bundled data holds no transfer requests, so the campaign runs over a synthetic request file
(`synthetic_requests`: one in --share of the convicts serving outside their home region asks,
chosen with the seed, received over the 60 days before 2026-12-01) and is solved side by side
with the naive per-convict PuLP model, which must reach the same optimum in all three tiers.
It reports moves, newly home, km saved, the weeks its phased plan needs, and the times.
`--what-if` also runs the analyst's what-if over everyone (integer model only: the naive model
does not build at that size). On a scaled network (capacities and occupancy scaled down to each
of --sizes convicts) the what-if runs side by side with the naive model. Also times single
reviews (`evaluate_request`) on the national population.

    python benchmarks/transfers.py [--share 10] [--what-if] [--sizes 2000] [--time-limit 600]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from optimizer.data import read_facilities, read_regions
from optimizer.geo import GreatCircle
from optimizer.population import (
    POPULATION_SEED,
    generate_population,
    population_text,
    read_population,
    validate_population,
)
from optimizer.transfers import CampaignResult, evaluate_request, optimise_transfers
from optimizer.transfers.limits import CampaignLimits, CampaignScope, read_escort_seats
from optimizer.transfers.reference import optimise_transfers_reference

T = TypeVar("T")


def timed(run: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def scaled_network(facilities: pd.DataFrame, convicts: int) -> pd.DataFrame:
    """The national network with capacity and occupancy scaled so that about `convicts` serve."""
    share = convicts / facilities["occupied"].sum()
    occupied = np.rint(facilities["occupied"].to_numpy() * share).astype(np.int64)
    capacity = np.maximum(
        np.rint(facilities["capacity"].to_numpy() * share).astype(np.int64), occupied
    )
    return facilities.assign(capacity=capacity, occupied=occupied)


def total_distance_m(
    population: pd.DataFrame, facilities: pd.DataFrame, facility_of: np.ndarray
) -> int:
    km = GreatCircle().matrix(
        population["home_lat"].to_numpy(float),
        population["home_lon"].to_numpy(float),
        facilities["lat"].to_numpy(float),
        facilities["lon"].to_numpy(float),
    )
    metres = np.rint(km * 1000).astype(np.int64)
    return int(metres[np.arange(len(population)), facility_of].sum())


COLUMNS = [
    "instance",
    "convicts",
    "method",
    "seconds",
    "home after",
    "moved",
    "km after",
    "weeks",
    "optimal",
    "time ratio",
]


def synthetic_requests(
    population: pd.DataFrame, facilities: pd.DataFrame, share: int, seed: int
) -> pd.DataFrame:
    """One in `share` of the convicts serving outside their home region asks for a transfer,
    chosen with `seed`; received on one of the 60 days before 2026-12-01."""
    region_of = dict(zip(facilities["facility_id"], facilities["region"], strict=True))
    away = population["facility_id"].map(region_of) != population["home_region"]
    rng = np.random.default_rng(seed)
    asking = population["convict_id"][away & (rng.random(len(population)) < 1 / share)]
    days = pd.Timestamp("2026-12-01") - pd.to_timedelta(rng.integers(1, 61, len(asking)), "D")
    return pd.DataFrame(
        {"convict_id": asking.to_numpy(), "basis": "request", "received": days.strftime("%Y-%m-%d")}
    )


def row(
    instance: str,
    population: pd.DataFrame,
    method: str,
    seconds: float,
    home_after: int,
    moved: int,
    km_after: float,
    optimal: bool,
    ratio: float,
    weeks: int | str = "",
) -> list[object]:
    return [
        instance,
        len(population),
        method,
        round(seconds, 2),
        home_after,
        moved,
        round(km_after),
        weeks,
        "yes" if optimal else "no (time limit)",
        round(ratio, 1),
    ]


def side_by_side(
    name: str,
    population: pd.DataFrame,
    network: pd.DataFrame,
    regions: pd.DataFrame,
    limits: CampaignLimits,
    requests: pd.DataFrame | None,
    time_limit_s: float,
) -> tuple[list[list[object]], str, CampaignResult, float]:
    """The integer model and the naive PuLP model on one instance: their rows and verdict."""
    fast, fast_s = timed(
        lambda: optimise_transfers(
            population,
            network,
            regions,
            limits=limits,
            requests=requests,
            time_limit_s=time_limit_s,
        )
    )
    movable = None
    if requests is not None:
        movable = population["convict_id"].isin(set(requests["convict_id"])).tolist()
    naive, naive_s = timed(
        lambda: optimise_transfers_reference(
            population, network, time_limit_s=time_limit_s, limits=limits, movable=movable
        )
    )
    naive_m = total_distance_m(population, network, np.asarray(naive.facility_of))
    fast_m = total_distance_m(population, network, fast.facility_of)
    rows = [
        row(
            name,
            population,
            "integer model + phasing",
            fast_s,
            fast.home_after,
            fast.moved,
            fast.total_km_after,
            fast.optimal,
            1.0,
            fast.plan.weeks,
        ),
        row(
            name,
            population,
            "naive PuLP/CBC",
            naive_s,
            naive.home_after,
            naive.moved,
            naive_m / 1000,
            naive.optimal,
            naive_s / fast_s,
        ),
    ]
    agree = (fast.home_after, fast_m, fast.moved) == (naive.home_after, naive_m, naive.moved)
    return rows, f"{name} {len(population):,}: {'same' if agree else 'DIFFERENT'}", fast, fast_s


def campaign_line(label: str, campaign: CampaignResult, seconds: float) -> str:
    plan = campaign.plan
    return (
        f"{label}: {campaign.movable:,} may move, {campaign.moved:,} moved, "
        f"{campaign.newly_home:+,} newly home, {campaign.km_saved:,.0f} km saved, "
        f"{plan.weeks} weeks needed (lower bound {plan.lower_bound}, "
        f"{'proven minimal' if plan.proven_minimal else 'not proven minimal'}, {plan.method}); "
        f"{'optimal' if campaign.optimal else 'not proven optimal'}, {seconds:.1f} s."
    )


def review_line(
    national: pd.DataFrame, facilities: pd.DataFrame, regions: pd.DataFrame, reviews: int, seed: int
) -> str:
    rng = np.random.default_rng(seed)
    count = min(reviews, len(national))
    sample = rng.choice(national["convict_id"].to_numpy(), size=count, replace=False)
    recommended: dict[str, int] = {}
    start = time.perf_counter()
    for convict_id in sample:
        evaluation = evaluate_request(national, facilities, regions, str(convict_id))
        verdict = evaluation.recommendation.value
        recommended[verdict] = recommended.get(verdict, 0) + 1
    review_ms = (time.perf_counter() - start) / count * 1000
    return (
        f"Single review on the national population: {review_ms:.0f} ms mean over {count} "
        f"requests ({', '.join(f'{k} {v}' for k, v in sorted(recommended.items()))})."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=int, default=10, help="1 in SHARE away from home asks")
    parser.add_argument("--what-if", action="store_true", help="also the national what-if")
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[], help="scaled what-ifs run side by side"
    )
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds per model")
    parser.add_argument("--reviews", type=int, default=50, help="single reviews to time")
    parser.add_argument("--seed", type=int, default=POPULATION_SEED)
    args = parser.parse_args()

    regions = read_regions()
    facilities = read_facilities(None, regions)
    national, read_s = timed(lambda: read_population(None, regions, facilities))
    seats = read_escort_seats(None, regions)
    requests = synthetic_requests(national, facilities, args.share, args.seed)
    rows, verdict, campaign, campaign_s = side_by_side(
        "national (requests)",
        national,
        facilities,
        regions,
        CampaignLimits(escort_seats=seats),
        requests,
        args.time_limit,
    )
    verdicts, lines = [verdict], [campaign_line("National campaign", campaign, campaign_s)]
    what_if = CampaignLimits(escort_seats=seats, scope=CampaignScope.EVERYONE)
    if args.what_if:
        everyone, everyone_s = timed(
            lambda: optimise_transfers(
                national, facilities, regions, limits=what_if, time_limit_s=args.time_limit
            )
        )
        rows.append(
            row(
                "national (everyone)",
                national,
                "integer model + phasing",
                everyone_s,
                everyone.home_after,
                everyone.moved,
                everyone.total_km_after,
                everyone.optimal,
                1.0,
                everyone.plan.weeks,
            )
        )
        lines.append(campaign_line("National what-if over everyone", everyone, everyone_s))
    for size in args.sizes:
        network = scaled_network(facilities, size)
        raw = generate_population(regions, network, args.seed)
        population = validate_population(population_text(raw), regions, network)
        scaled, verdict, _, _ = side_by_side(
            "scaled (everyone)", population, network, regions, what_if, None, args.time_limit
        )
        rows += scaled
        verdicts.append(verdict)

    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"National population read and validated in {read_s:.2f} s ({len(national):,} convicts).")
    print(
        f"Synthetic requests: {len(requests):,} "
        f"(1 in {args.share} away from home, seed {args.seed})."
    )
    print(pd.DataFrame(rows, columns=COLUMNS).to_string(index=False))
    print(f"Optimum (home, total metres, moves) of the two methods: {'; '.join(verdicts)}.")
    print("\n".join(lines))
    print(review_line(national, facilities, regions, args.reviews, args.seed))


if __name__ == "__main__":
    main()
