"""The allocation engine against naive per-convict models, side by side in one run.

    python benchmarks/allocation.py [--sizes 1000 5000 32000] [--naive-limit 120] [--million]

Inputs are built from a seed: a cohort from `generate_cohort` and the national network emptied
(occupied 0) with capacities scaled to the cohort (x1.1), so the batch nearly fits. For each size
it times the engine's solve, the whole `placement allocate` command (reading, distances, solving,
writing), the naive PuLP/CBC model and the naive CP-SAT model (both with a time limit, reported
as such), and prints objective values and ratios. `--million` adds the engine alone on 1,000,000
convicts who each have a home point of their own, in a subprocess that reports its peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.allocation import columns, solve
from optimizer.allocation.reference import solve_reference
from optimizer.cohort import generate_cohort
from optimizer.data import (
    read_facilities,
    read_regions,
    records_table,
    validate_convicts,
)
from optimizer.domain import Objective, SolveOptions

PLACEMENT = str(Path(sys.executable).with_name("placement"))


def network_for(size: int, regions: pd.DataFrame) -> pd.DataFrame:
    facilities = read_facilities(None, regions)
    scale = size / facilities["capacity"].sum() * 1.1
    facilities["capacity"] = np.maximum(1, np.floor(facilities["capacity"] * scale)).astype(
        np.int64
    )
    facilities["occupied"] = 0
    return facilities


def cohort(
    size: int, seed: int, regions: pd.DataFrame, *, unique_homes: bool = False
) -> pd.DataFrame:
    raw = generate_cohort(size, seed, regions, unique_homes=unique_homes)
    return validate_convicts(records_table(raw.to_dict("records")), regions)


def timed(call):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def command_seconds(convicts: pd.DataFrame, facilities: pd.DataFrame) -> float:
    """Wall-clock of the real command, from process start to placements written."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        convicts.drop(columns=["age_category"]).to_csv(root / "new.csv", index=False)
        facilities.to_csv(root / "facilities.csv", index=False)
        start = time.perf_counter()
        subprocess.run(
            [
                PLACEMENT,
                "allocate",
                "--convicts",
                "new.csv",
                "--facilities",
                "facilities.csv",
                "--out",
                "placements.csv",
                "--quiet",
            ],
            cwd=root,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def compare(
    size: int, seed: int, naive_limit_s: float, regions: pd.DataFrame
) -> list[dict[str, object]]:
    facilities = network_for(size, regions)
    convicts = cohort(size, seed, regions)
    engine, engine_s = timed(lambda: solve(convicts, facilities))
    rows: list[dict[str, object]] = [
        {
            "convicts": size,
            "method": f"engine ({engine.method})",
            "seconds": engine_s,
            "placed": engine.placed,
            "total_km": engine.total_distance_m / 1000,
            "proven_optimal": engine.optimal,
        },
        {
            "convicts": size,
            "method": "placement allocate (whole command)",
            "seconds": command_seconds(convicts, facilities),
            "placed": engine.placed,
            "total_km": engine.total_distance_m / 1000,
            "proven_optimal": engine.optimal,
        },
    ]
    for backend in ("pulp-cbc", "cp-sat"):
        rows.append(naive_in_subprocess(size, seed, backend, naive_limit_s))
    for row in rows:
        row["time_vs_engine"] = float(row["seconds"]) / engine_s  # type: ignore[arg-type]
    return rows


def naive_in_subprocess(size: int, seed: int, backend: str, limit_s: float) -> dict[str, object]:
    """A naive model in its own process group, killed outright at 3 x its time limit + 60 s:
    solvers do not always keep their own limit (CBC's presolve of a 500,000-variable model).
    A finished model reports its own time (building and solving), without process start-up."""
    deadline_s = 3 * limit_s + 60
    command = [
        sys.executable,
        __file__,
        "--naive-only",
        str(size),
        backend,
        "--seed",
        str(seed),
        "--naive-limit",
        str(limit_s),
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, _ = process.communicate(timeout=deadline_s)
        row: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        row = {
            "placed": None,
            "total_km": None,
            "proven_optimal": False,
            "note": f"killed after {deadline_s:.0f} s",
        }
    wall = time.perf_counter() - start
    return {"convicts": size, "method": f"naive {backend}", "seconds": wall, **row}


def naive_only(size: int, backend: str, seed: int, limit_s: float) -> None:
    regions = read_regions()
    facilities = network_for(size, regions)
    convicts = cohort(size, seed, regions)
    start = time.perf_counter()
    naive = solve_reference(
        convicts,
        facilities,
        backend=backend,  # type: ignore[arg-type]
        time_limit_s=limit_s,
    )
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "placed": naive.placed,
                "total_km": naive.total_distance_m / 1000,
                "proven_optimal": naive.optimal,
                "seconds": seconds,
            }
        )
    )


def batch_median(seed: int, runs: int = 100, before: Path | None = None) -> None:
    """The engine alone on a 1,000-convict weekly batch, home-first: median of `runs` solves.

    With `before` (a checkout of older code), the same measure of that code in a subprocess
    right after, so both are taken under the same load of the machine.
    """
    regions = read_regions()
    facilities = network_for(1000, regions)
    convicts = cohort(1000, seed, regions)
    options = SolveOptions(objective=Objective.HOME_FIRST)
    solve(convicts, facilities, options)  # warm-up: imports and caches
    times = [timed(lambda: solve(convicts, facilities, options))[1] for _ in range(runs)]
    label = "this code" if before is not None else "1,000-convict batch"
    print(
        f"{label}, engine alone (home-first): median {np.median(times) * 1000:.1f} ms, "
        f"p90 {np.percentile(times, 90) * 1000:.1f} ms over {runs} solves"
    )
    if before is not None:
        env = dict(os.environ, PYTHONPATH=str(before.resolve()))
        command = [sys.executable, __file__, "--batch", "--seed", str(seed)]
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        print(f"before ({before}): {out.stdout.strip().split(', ', 1)[1]}")


def million(seed: int, *, co_defendants: bool, method: str = "prices") -> None:
    """The engine alone at 1,000,000 convicts with their own home points; prints time and memory.

    Without case ids the flow alone is exact; with them, co-defendants from different groups
    who meet send the run to the repair and the integer model (time limit 60 s).
    """
    regions = read_regions()
    facilities = network_for(1_000_000, regions)
    convicts, read_s = timed(lambda: cohort(1_000_000, seed, regions, unique_homes=True))
    if not co_defendants:
        convicts["case_id"] = ""
    if method == "columns":
        columns.PRICE_ARCS_LIMIT = 10**12  # today's column generation, for comparison
    options = SolveOptions(objective=Objective.HOME_FIRST)
    solution, solve_s = timed(lambda: solve(convicts, facilities, options))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"1,000,000 convicts {'with' if co_defendants else 'without'} co-defendants, "
        f"{len(solution.groups):,} groups: solve {solve_s:.1f} s, "
        f"placed {solution.placed:,}, total {solution.total_distance_m / 1000:,.0f} km, "
        f"proven optimal {solution.optimal}, method {solution.method} ({method}), "
        f"certificate {solution.certificate}, gap to bound {solution.gap_to_bound}, "
        f"peak memory {peak_mb:,.0f} MB (cohort generation {read_s:.1f} s, not counted)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 32000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--naive-limit", type=float, default=60.0, help="seconds per naive solve")
    parser.add_argument(
        "--million", action="store_true", help="also run the 1,000,000-convict case"
    )
    parser.add_argument("--million-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--co-defendants", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--method", choices=["prices", "columns"], default="prices")
    parser.add_argument("--batch", action="store_true", help="only the 1,000-convict median")
    parser.add_argument(
        "--before", type=Path, help="with --batch: also measure this checkout of older code"
    )
    parser.add_argument(
        "--naive-only", nargs=2, metavar=("SIZE", "BACKEND"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.naive_only:
        naive_only(int(args.naive_only[0]), args.naive_only[1], args.seed, args.naive_limit)
        return
    if args.million_only:
        million(args.seed, co_defendants=args.co_defendants, method=args.method)
        return
    if args.batch:
        batch_median(args.seed, before=args.before)
        return
    regions = read_regions()
    rows = [
        row for size in args.sizes for row in compare(size, args.seed, args.naive_limit, regions)
    ]
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.float_format", "{:,.3f}".format):
        print(table.to_string(index=False))
    if args.million:
        for extra in (
            ["--method", "columns"],
            [],
            ["--co-defendants", "--method", "columns"],
            ["--co-defendants"],
        ):
            command = [sys.executable, __file__, "--million-only", "--seed", str(args.seed), *extra]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
