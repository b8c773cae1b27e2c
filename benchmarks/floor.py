"""The whole `placement allocate` command against the bare floor, in the same interpreter.

    python -m benchmarks.floor [--size 32000] [--seed 1] [--repeats 5] [--before DIR]
                               [--unique-homes --no-cases --no-warm-up]

The floor is what any allocation command must do whatever its method: read the three input
files as text (`read_csv_text`), compute the distance from every convict's home to every
facility (`geo.metre_matrix`, great circle) and write a placements table of the same shape
atomically. The command is `cli.main.main(["allocate", ...])` called in the same process, so
the interpreter's start and the imports of pandas and OR-Tools count in neither (both are
warmed up once first). Inputs as in `benchmarks/allocation.py`: a cohort from
`generate_cohort` and the national network emptied and scaled to it (x1.1). Prints the median
of `--repeats` runs of each and the ratio command / floor. `--before DIR` also times the
command of an older checkout on the same files, in a subprocess started right after;
`--unique-homes --no-cases` gives every convict a home point of their own and no co-defendants
(the million of `benchmarks/allocation.py`). The peak memory is that of the whole process.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.allocation import cohort, network_for
from cli.main import main as placement
from optimizer.data import DATA_DIR, read_csv_text, read_regions, write_csv_atomically
from optimizer.geo import GreatCircle, metre_matrix


def floor(root: Path) -> None:
    """Read the inputs, every home x facility distance, write a placements-shaped table."""
    read_csv_text(DATA_DIR / "regions.csv")
    facilities = read_csv_text(root / "facilities.csv")
    convicts = read_csv_text(root / "new.csv")
    metres = metre_matrix(
        GreatCircle(),
        convicts["home_lat"].astype(float).to_numpy(),
        convicts["home_lon"].astype(float).to_numpy(),
        facilities["lat"].astype(float).to_numpy(),
        facilities["lon"].astype(float).to_numpy(),
    )
    nearest = metres.argmin(axis=1)
    placements = pd.DataFrame(
        {
            "convict_id": convicts["convict_id"].to_numpy(),
            "facility_id": facilities["facility_id"].to_numpy()[nearest],
            "distance_km": metres[np.arange(len(nearest)), nearest] / 1000.0,
            "unplaced_reason": "",
        }
    )
    write_csv_atomically(placements, root / "floor.csv")


def command(root: Path) -> None:
    """The whole allocation command, its output to files and a discarded stdout."""
    argv = ["allocate", "--convicts", str(root / "new.csv"), "--facilities"]
    argv += [str(root / "facilities.csv"), "--out", str(root / "placements.csv"), "--quiet"]
    with contextlib.redirect_stdout(io.StringIO()):
        if placement(argv) != 0:
            raise SystemExit("placement allocate failed")


def median_seconds(call: Callable[[], None], repeats: int, warm_up: bool) -> tuple[float, float]:
    """Median and smallest wall-clock seconds of `repeats` calls, after one warm-up call."""
    if warm_up:
        call()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), min(seconds)


def write_inputs(root: Path, args: argparse.Namespace) -> None:
    regions = read_regions()
    convicts = cohort(args.size, args.seed, regions, unique_homes=args.unique_homes)
    if args.no_cases:
        convicts["case_id"] = ""
    convicts.drop(columns=["age_category"]).to_csv(root / "new.csv", index=False)
    network_for(args.size, regions).to_csv(root / "facilities.csv", index=False)


def before_seconds(root: Path, args: argparse.Namespace) -> str:
    """The command of the older checkout on the same files, timed by this script run there."""
    env = dict(os.environ, PYTHONPATH=str(args.before.resolve()))
    command = [sys.executable, __file__, "--command-only", str(root)]
    command += ["--repeats", str(args.repeats)] + (["--no-warm-up"] * (not args.warm_up))
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=32_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a checkout of older code to time as well")
    parser.add_argument("--unique-homes", action="store_true")
    parser.add_argument("--no-cases", action="store_true")
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false")
    parser.add_argument("--command-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.command_only is not None:
        seconds = median_seconds(lambda: command(args.command_only), args.repeats, args.warm_up)
        print(f"{seconds[0]:.3f} s ({seconds[1]:.3f} s)")
        return
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_inputs(root, args)
        floor_s = median_seconds(lambda: floor(root), args.repeats, args.warm_up)
        command_s = median_seconds(lambda: command(root), args.repeats, args.warm_up)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        before = before_seconds(root, args) if args.before is not None else None
    print(f"{args.size:,} convicts, seed {args.seed}, median (min) of {args.repeats} runs")
    print(f"floor (read, distances, write): {floor_s[0]:.3f} s ({floor_s[1]:.3f} s)")
    print(f"placement allocate, whole:      {command_s[0]:.3f} s ({command_s[1]:.3f} s)")
    print(f"command / floor: {command_s[0] / floor_s[0]:.2f}x ({command_s[1] / floor_s[1]:.2f}x)")
    print(f"peak memory of this process (inputs, floor and command): {peak_mb:,.0f} MB")
    if before is not None:
        print(f"before ({args.before}), whole command: {before}")


if __name__ == "__main__":
    main()
