"""What the law's rules and the lawful default objective cost and give, side by side in one run.

    python benchmarks/law.py [--size 32000] [--seed 1] [--repeats 3] [--before DIR]

The same cohort (from `generate_cohort`, seed 1) against the national network emptied and
scaled to it (x1.1), as in `benchmarks/allocation.py`:
- the whole `placement allocate` command with the lawful default (home region first) and with
  `--objective min-distance`: median wall-clock of `--repeats` runs, placed, at home, km;
- with `--before DIR`, a checkout of the code before the law's rules (e.g. a `git worktree` at
  the commit before them), run on the same cohort without the columns it did not know, so the
  time the new rules cost is measured on the same machine at the same moment.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.allocation import cohort, network_for
from optimizer.data import read_regions

NEW_COLUMNS = ["criminal_history", "life_sentence"]


def run_command(root: Path, objective: str | None, code: Path | None) -> tuple[float, dict]:
    """Seconds of one whole command, and its summary."""
    argv = [sys.executable, "-m", "cli.main", "allocate", "--convicts", "new.csv"]
    argv += ["--facilities", "facilities.csv", "--out", "placements.csv", "--quiet"]
    argv += ["--summary-json", "summary.json"]
    if objective is not None:
        argv += ["--objective", objective]
    env = dict(os.environ)
    if code is not None:  # the older checkout first on the path, before the installed package
        env["PYTHONPATH"] = str(code)
        argv[2] = "optimizer.cli" if (code / "optimizer" / "cli.py").exists() else "cli.main"
    start = time.perf_counter()
    subprocess.run(argv, cwd=root, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    return seconds, json.loads((root / "summary.json").read_text())


def measure(root: Path, objective: str | None, code: Path | None, repeats: int) -> dict:
    runs = [run_command(root, objective, code) for _ in range(repeats)]
    summary = runs[-1][1]
    return {
        "seconds": statistics.median(s for s, _ in runs),
        "placed": summary["placed"],
        "at_home": summary["placed_home"],
        "total_km": round(summary["total_distance_km"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=32_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a checkout from before the law's rules")
    args = parser.parse_args()
    regions = read_regions()
    convicts = cohort(args.size, args.seed, regions).drop(columns=["age_category"])
    facilities = network_for(args.size, regions)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        convicts.to_csv(root / "new.csv", index=False)
        facilities.to_csv(root / "facilities.csv", index=False)
        rows.append(
            {"code": "now", "objective": "home-first (default)"}
            | measure(root, None, None, args.repeats)
        )
        rows.append(
            {"code": "now", "objective": "min-distance"}
            | measure(root, "min-distance", None, args.repeats)
        )
        if args.before is not None:
            convicts.drop(columns=NEW_COLUMNS).to_csv(root / "new.csv", index=False)
            facilities.drop(columns=["criminal_history", "for_life_sentences"]).to_csv(
                root / "facilities.csv", index=False
            )
            for objective in ("home-first", "min-distance"):
                rows.append(
                    {"code": "before the law", "objective": objective}
                    | measure(root, objective, args.before.resolve(), args.repeats)
                )
    print(f"{args.size:,} convicts, seed {args.seed}, median of {args.repeats} whole commands")
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
