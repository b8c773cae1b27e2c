"""The whole `placement allocate` command against the bare floor, in the same interpreter.

    python -m benchmarks.floor [--size 32000] [--seed 1] [--repeats 5]

The floor is what any allocation command must do whatever its method: read the three input
files as text (`read_csv_text`), compute the distance from every convict's home to every
facility (`geo.metre_matrix`, great circle) and write a placements table of the same shape
atomically. The command is `cli.main.main(["allocate", ...])` called in the same process, so
the interpreter's start and the imports of pandas and OR-Tools count in neither (both are
warmed up once first). Inputs as in `benchmarks/allocation.py`: a cohort from
`generate_cohort` and the national network emptied and scaled to it (x1.1). Prints the median
of `--repeats` runs of each and the ratio command / floor.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
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


def median_seconds(call: Callable[[], None], repeats: int) -> tuple[float, float]:
    """Median and smallest wall-clock seconds of `repeats` calls, after one warm-up call."""
    call()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), min(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=32_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    regions = read_regions()
    convicts = cohort(args.size, args.seed, regions).drop(columns=["age_category"])
    facilities = network_for(args.size, regions)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        convicts.to_csv(root / "new.csv", index=False)
        facilities.to_csv(root / "facilities.csv", index=False)
        floor_s = median_seconds(lambda: floor(root), args.repeats)
        command_s = median_seconds(lambda: command(root), args.repeats)
    print(f"{args.size:,} convicts, seed {args.seed}, median (min) of {args.repeats} runs")
    print(f"floor (read, distances, write): {floor_s[0]:.3f} s ({floor_s[1]:.3f} s)")
    print(f"placement allocate, whole:      {command_s[0]:.3f} s ({command_s[1]:.3f} s)")
    print(f"command / floor: {command_s[0] / floor_s[0]:.2f}x ({command_s[1] / floor_s[1]:.2f}x)")


if __name__ == "__main__":
    main()
