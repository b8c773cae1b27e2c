"""Transfer campaign and review speed: the exact integer model against the naive PuLP model.

Runs the campaign (`optimise_transfers`) over the whole national population, and on a scaled
network (capacities and occupancy scaled down to each of --sizes convicts, population generated
from the seed) runs it side by side with the naive per-convict PuLP model, which must reach
the same optimum. Also times single reviews (`evaluate_request`) on the national population.

    python benchmarks/transfers.py [--sizes 2000 8000] [--time-limit 600] [--reviews 50]
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
from optimizer.transfers import evaluate_request, optimise_transfers
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
    "optimal",
    "time ratio",
]


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
) -> list[object]:
    return [
        instance,
        len(population),
        method,
        round(seconds, 2),
        home_after,
        moved,
        round(km_after),
        "yes" if optimal else "no (time limit)",
        round(ratio, 1),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[2000, 8000],
        help="convicts in the side-by-side runs; a size at or above the national runs on it",
    )
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds per PuLP stage")
    parser.add_argument("--reviews", type=int, default=50, help="single reviews to time")
    parser.add_argument("--seed", type=int, default=POPULATION_SEED)
    args = parser.parse_args()

    regions = read_regions()
    facilities = read_facilities(None, regions)
    national, read_s = timed(lambda: read_population(None, regions, facilities))
    # The what-if over everyone with the default limits (100 km, the bundled escort seats).
    limits = CampaignLimits(
        escort_seats=read_escort_seats(None, regions), scope=CampaignScope.EVERYONE
    )
    campaign, national_s = timed(
        lambda: optimise_transfers(
            national, facilities, regions, limits=limits, time_limit_s=args.time_limit
        )
    )
    rows = [
        row(
            "national",
            national,
            "integer model",
            national_s,
            campaign.home_after,
            campaign.moved,
            campaign.total_km_after,
            campaign.optimal,
            1.0,
        )
    ]

    verdicts = []
    for size in args.sizes:
        if size >= len(national):
            name, network, population, fast, fast_s = (
                "national",
                facilities,
                national,
                campaign,
                national_s,
            )
        else:
            name, network = "scaled", scaled_network(facilities, size)
            raw = generate_population(regions, network, args.seed)
            population = validate_population(population_text(raw), regions, network)
            fast, fast_s = timed(
                lambda n=network, p=population: optimise_transfers(
                    p, n, regions, limits=limits, time_limit_s=args.time_limit
                )
            )
            rows.append(
                row(
                    name,
                    population,
                    "integer model",
                    fast_s,
                    fast.home_after,
                    fast.moved,
                    fast.total_km_after,
                    fast.optimal,
                    1.0,
                )
            )
        naive, naive_s = timed(
            lambda n=network, p=population: optimise_transfers_reference(
                p, n, time_limit_s=args.time_limit, limits=limits
            )
        )
        naive_m = total_distance_m(population, network, np.asarray(naive.facility_of))
        rows.append(
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
            )
        )
        fast_m = total_distance_m(population, network, fast.facility_of)
        agree = (fast.home_after, fast_m, fast.moved) == (naive.home_after, naive_m, naive.moved)
        verdicts.append(f"{len(population):,} convicts: {'same' if agree else 'DIFFERENT'}")

    rng = np.random.default_rng(args.seed)
    count = min(args.reviews, len(national))
    sample = rng.choice(national["convict_id"].to_numpy(), size=count, replace=False)
    recommended: dict[str, int] = {}
    start = time.perf_counter()
    for convict_id in sample:
        evaluation = evaluate_request(national, facilities, regions, str(convict_id))
        verdict = evaluation.recommendation.value
        recommended[verdict] = recommended.get(verdict, 0) + 1
    review_ms = (time.perf_counter() - start) / count * 1000

    table = pd.DataFrame(rows, columns=COLUMNS)
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"National population read and validated in {read_s:.2f} s ({len(national):,} convicts).")
    print(table.to_string(index=False))
    print(f"Optimum (home, total metres) of the two methods: {'; '.join(verdicts)}.")
    print(
        f"National campaign: {campaign.moved:,} moves, home {campaign.home_before:,} -> "
        f"{campaign.home_after:,}, {campaign.km_saved:,.0f} km saved; "
        f"{campaign.into_freed_places:,} moves into places freed by others."
    )
    print(
        f"Single review on the national population: {review_ms:.0f} ms mean over {count} "
        f"requests ({', '.join(f'{k} {v}' for k, v in sorted(recommended.items()))})."
    )


if __name__ == "__main__":
    main()
